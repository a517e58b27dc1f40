"""Plain, frozen value objects passed between the layers.

Services return these instead of live ORM rows, so a widget can hold them
without a database session.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


class StageKind(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ActivityKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    TASK = "task"
    NOTE = "note"


#: Activity kinds that count as a response to a new deal (METRICS.md).
RESPONSE_KINDS = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL)


class AuditField(enum.StrEnum):
    """The deal fields whose changes the audit log keeps (``audit_log.field``)."""

    OWNER = "owner"
    AMOUNT = "amount"
    EXPECTED_CLOSE = "expected_close"
    STAGE = "stage"


class TargetMetric(enum.StrEnum):
    WON_AMOUNT = "won_amount"
    WON_COUNT = "won_count"
    NEW_CUSTOMERS = "new_customers"
    ACTIVITIES_DONE = "activities_done"


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    login: str
    role: Role
    active: bool
    has_password: bool = False

    @property
    def initials(self) -> str:
        parts = self.name.split()
        if len(parts) >= 2:
            return (parts[0][0] + parts[-1][0]).upper()
        return self.name[:2].upper()


@dataclass(frozen=True)
class StageInfo:
    id: int
    pipeline_id: int
    key: str
    name: str
    names: dict[str, str]
    position: int
    probability: int
    rot_days: int | None
    kind: StageKind

    def label(self, lang: str | None = None) -> str:
        """The stage name in ``lang`` (``"en"``, ``"zh_CN"``), falling back to ``name``."""
        if lang and self.names.get(lang):
            return self.names[lang]
        return self.name

    @property
    def is_open(self) -> bool:
        return self.kind is StageKind.OPEN


@dataclass(frozen=True)
class PipelineInfo:
    id: int
    key: str
    name: str
    names: dict[str, str]
    position: int
    is_default: bool
    qualified_stage_id: int | None
    stages: tuple[StageInfo, ...] = ()
    #: False for an archived pipeline: kept with its deals for the reports, but no longer
    #: offered on the board or for new deals.
    active: bool = True

    def label(self, lang: str | None = None) -> str:
        """The pipeline's name in ``lang`` (``"en"``, ``"zh_CN"``), falling back to ``name``."""
        if lang and self.names.get(lang):
            return self.names[lang]
        return self.name

    @property
    def open_stages(self) -> tuple[StageInfo, ...]:
        return tuple(s for s in self.stages if s.kind is StageKind.OPEN)

    def stage(self, key_or_id: str | int) -> StageInfo:
        for s in self.stages:
            if s.key == key_or_id or s.id == key_or_id:
                return s
        raise KeyError(key_or_id)

    @property
    def won_stage(self) -> StageInfo:
        return next(s for s in self.stages if s.kind is StageKind.WON)

    @property
    def lost_stage(self) -> StageInfo:
        return next(s for s in self.stages if s.kind is StageKind.LOST)


@dataclass(frozen=True)
class LookupItem:
    """An entry of an editable list: a lead source or a lost reason."""

    id: int
    name: str
    names: dict[str, str]
    position: int
    active: bool

    def label(self, lang: str | None = None) -> str:
        if lang and self.names.get(lang):
            return self.names[lang]
        return self.name


@dataclass(frozen=True)
class CustomerInfo:
    id: int
    company: str
    industry: str | None
    source_id: int | None
    owner_id: int | None
    created_at: datetime
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    notes: str | None = None
    external_ref: str | None = None
    version: int = 1


@dataclass(frozen=True)
class ContactInfo:
    id: int
    customer_id: int
    name: str
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None
    version: int = 1


@dataclass(frozen=True)
class DealInfo:
    id: int
    title: str
    customer_id: int | None
    contact_id: int | None
    owner_id: int
    pipeline_id: int
    stage_id: int
    stage_kind: StageKind
    amount: Decimal
    currency: str
    expected_close: date | None
    source_id: int | None
    created_at: datetime
    stage_entered_at: datetime
    closed_at: datetime | None
    lost_reason_id: int | None
    lost_at_stage_id: int | None
    notes: str | None
    external_ref: str | None
    version: int
    updated_at: datetime | None = None
    updated_by_id: int | None = None


@dataclass(frozen=True)
class TransitionInfo:
    id: int
    deal_id: int
    from_stage_id: int | None
    to_stage_id: int
    at: datetime
    by_user_id: int | None


#: An audited value as a reader sees it: a user's or stage's name (str), an amount
#: (Decimal), an expected close (date), or None (not set, or a user/stage since removed).
AuditValue = str | Decimal | date | None


@dataclass(frozen=True)
class AuditInfo:
    """One audited change of one field of a deal: who, when, the old and the new value.

    ``old_value``/``new_value`` are the stored text (a user id, a decimal such as
    ``"1200.00"``, an ISO date, a stage id; None for no value). ``old``/``new`` are the
    same values resolved for display: the owner's name, the amount as a ``Decimal``,
    the expected close as a ``date``, the stage's name; None when the raw value is None
    or names a user or stage that no longer exists.
    """

    id: int
    deal_id: int
    at: datetime
    user_id: int | None
    #: The acting user's name; None when that user was deleted.
    user_name: str | None
    field: AuditField
    old_value: str | None
    new_value: str | None
    old: AuditValue
    new: AuditValue


@dataclass(frozen=True)
class ActivityInfo:
    id: int
    kind: ActivityKind
    subject: str
    owner_id: int
    deal_id: int | None
    customer_id: int | None
    due_at: datetime | None
    done_at: datetime | None
    created_at: datetime
    notes: str | None = None
    version: int = 1

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class TargetInfo:
    id: int
    owner_id: int | None  # None: the whole team
    metric: TargetMetric
    period_start: date  # inclusive
    period_end: date  # exclusive, like every period in crmdesk
    value: Decimal


@dataclass(frozen=True)
class DatabaseInfo:
    url: str
    dialect: str
    revision: str | None
    head_revision: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_current(self) -> bool:
        return self.revision == self.head_revision


@dataclass(frozen=True)
class DealRow:
    """One line of the deals table."""

    id: int
    title: str
    customer_name: str | None
    owner_name: str
    stage_id: int
    stage_name: str
    stage_kind: StageKind
    amount: Decimal
    currency: str
    expected_close: date | None
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class AgendaItem:
    """An activity on someone's list, with what it is about."""

    activity: ActivityInfo
    deal_title: str | None
    customer_name: str | None


@dataclass(frozen=True)
class CustomerSummary:
    """A customer in the customers list, with its deal figures."""

    id: int
    company: str
    industry: str | None
    source_name: str | None
    owner_name: str | None
    open_deals: int
    won_deals: int
    won_amount: Decimal
    created_at: datetime
