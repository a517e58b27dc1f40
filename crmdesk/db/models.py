"""The SQLAlchemy 2.0 schema of a crmdesk database.

Every timestamp is UTC (:class:`UTCDateTime`), every amount is ``Numeric``.
``stage_transitions`` is append-only: the migrations add triggers that refuse
an UPDATE on it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crmdesk.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Length limits, shared with the services' validation.
LEN_NAME = 100
LEN_LOGIN = 64
LEN_TITLE = 200
LEN_KEY = 40
LEN_SHORT = 100
LEN_PHONE = 50
LEN_EMAIL = 254
LEN_URL = 300
LEN_ADDRESS = 500
LEN_REF = 100
#: Stage slots run 0..62, so a reached mask of every slot fits a signed 64-bit integer.
MAX_STAGE_SLOT = 62
LEN_NOTES = 20000
MONEY = Numeric(14, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: MONEY, dict[str, Any]: JSON}


class Setting(Base):
    """Business settings kept in the database (currency, ...); one row per key."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(LEN_KEY), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ZoneOffset(Base):
    """One piece of the team time zone's history: the UTC offset in force until
    ``until_at`` (from the previous piece's), the last piece with ``until_at`` NULL.
    Written by ``crmdesk.db.zone.store_time_zone``; read by the activity-day triggers."""

    __tablename__ = "zone_offsets"

    id: Mapped[int] = mapped_column(primary_key=True)
    until_at: Mapped[datetime | None] = mapped_column(index=True)
    offset_s: Mapped[int] = mapped_column(Integer)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'manager', 'rep')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LEN_NAME))
    login: Mapped[str] = mapped_column(String(LEN_LOGIN), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="rep")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str | None] = mapped_column(String(LEN_EMAIL))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Sign-in lockout (team mode): wrong passwords in a row, and until when the login waits.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Pipeline(Base):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(LEN_KEY), unique=True)
    name: Mapped[str] = mapped_column(String(LEN_NAME))
    names: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    qualified_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", use_alter=True, ondelete="SET NULL")
    )

    stages: Mapped[list[Stage]] = relationship(
        back_populates="pipeline",
        order_by="Stage.position",
        foreign_keys="Stage.pipeline_id",
    )


class Stage(Base):
    __tablename__ = "stages"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "key", name="uq_stages_pipeline_key"),
        CheckConstraint("kind IN ('open', 'won', 'lost')", name="kind"),
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability"),
        CheckConstraint("rot_days IS NULL OR rot_days > 0", name="rot_days"),
        CheckConstraint(f"slot >= 0 AND slot <= {MAX_STAGE_SLOT}", name="slot"),
        UniqueConstraint("pipeline_id", "slot", name="uq_stages_pipeline_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(LEN_KEY))
    name: Mapped[str] = mapped_column(String(LEN_NAME))
    names: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer, default=0)
    rot_days: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8), default="open")
    # A removed stage that history still refers to is kept, inactive, for the reports.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The stage's bit in ``Deal.reached_mask``: stable for the stage's life and unique in
    # its pipeline (0..MAX_STAGE_SLOT); a deleted stage frees it.
    slot: Mapped[int] = mapped_column(Integer)

    pipeline: Mapped[Pipeline] = relationship(back_populates="stages", foreign_keys=[pipeline_id])


class LeadSource(Base):
    __tablename__ = "lead_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LEN_SHORT), unique=True)
    names: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LostReason(Base):
    __tablename__ = "lost_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LEN_SHORT), unique=True)
    names: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        # The new customers (first wins) with their source, from the index alone.
        Index("ix_customers_first_win", "first_won_deal_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(LEN_TITLE), index=True)
    industry: Mapped[str | None] = mapped_column(String(LEN_SHORT))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead_sources.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    phone: Mapped[str | None] = mapped_column(String(LEN_PHONE))
    email: Mapped[str | None] = mapped_column(String(LEN_EMAIL))
    website: Mapped[str | None] = mapped_column(String(LEN_URL))
    address: Mapped[str | None] = mapped_column(String(LEN_ADDRESS))
    notes: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(LEN_REF), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Derived, kept by triggers (migration 0005): the customer's first won deal (by close
    #: time, then id) in any pipeline, which makes it a new customer.
    first_won_deal_id: Mapped[int | None] = mapped_column(Integer)


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(LEN_NAME))
    title: Mapped[str | None] = mapped_column(String(LEN_SHORT))
    phone: Mapped[str | None] = mapped_column(String(LEN_PHONE))
    email: Mapped[str | None] = mapped_column(String(LEN_EMAIL))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_deals_pipeline_stage", "pipeline_id", "stage_id"),
        # Covers the board's per-stage totals (count and Σ amount) without table reads.
        Index("ix_deals_board_totals", "pipeline_id", "stage_id", "amount"),
        Index("ix_deals_closed_at", "closed_at"),
        Index("ix_deals_created_at", "created_at"),
        # A customer's closed deals in close order: the first-won-deal trigger stops at
        # the first won one instead of sorting all of them (migration 0007).
        Index("ix_deals_customer_closed", "customer_id", "closed_at", "id", "stage_id"),
        # A person's won deals in a span of time (the targets' actuals).
        Index(
            "ix_deals_owner_closed",
            "owner_id",
            "closed_at",
            "stage_id",
            "pipeline_id",
            "amount",
            "source_id",
            "reached_mask",
        ),
        # Every column the per-person metrics read, in (pipeline, owner) order: one scan of
        # this narrow copy serves the KPIs, funnel, stage and performance reports.
        Index(
            "ix_deals_facts",
            "pipeline_id",
            "owner_id",
            "stage_id",
            "reached_mask",
            "created_at",
            "closed_at",
            "lost_at_stage_id",
            "first_response_at",
            "amount",
            "cycle_days",
            "source_id",
            "stage_entered_at",
            "last_activity_at",
            "customer_id",
            "expected_close",
        ),
        # Walk the won deals' cycle lengths in order (the median) from the index alone.
        Index(
            "ix_deals_cycle",
            "pipeline_id",
            "cycle_days",
            "stage_id",
            "closed_at",
            "owner_id",
            "source_id",
        ),
        # Walk the response times in order (medians) without sorting, whole team or per
        # person, filtering the cohort from the index alone.
        Index(
            "ix_deals_response",
            "pipeline_id",
            "response_hours",
            "created_at",
            "owner_id",
            "source_id",
        ),
        Index(
            "ix_deals_owner_response",
            "pipeline_id",
            "owner_id",
            "response_hours",
            "created_at",
            "source_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(LEN_TITLE))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id", ondelete="RESTRICT"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3))
    expected_close: Mapped[date | None] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead_sources.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    stage_entered_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    lost_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("lost_reasons.id", ondelete="RESTRICT")
    )
    lost_at_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="RESTRICT")
    )
    notes: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(LEN_REF), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Derived facts, kept by database triggers (migration 0005) on every write to
    # stage_transitions, activities and these rows; never written by the application.
    #: Bit ``Stage.slot`` is set for every stage of this pipeline the deal ever entered.
    reached_mask: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    #: The first done call, meeting or e-mail on the deal.
    first_response_at: Mapped[datetime | None]
    #: Hours from creation to the first response (0 when it came first), or NULL.
    response_hours: Mapped[float | None] = mapped_column(Float)
    #: The last done activity of any kind on the deal.
    last_activity_at: Mapped[datetime | None]
    #: The earliest due time of the deal's open activities.
    next_due_at: Mapped[datetime | None]
    #: Days from creation to close, while the deal is closed.
    cycle_days: Mapped[float | None] = mapped_column(Float)


class StageTransition(Base):
    """One stage change of one deal. Append-only; creation writes the first row."""

    __tablename__ = "stage_transitions"
    __table_args__ = (
        Index("ix_stage_transitions_to_stage_at", "to_stage_id", "at"),
        # Covers the metrics' fold of each deal's history (reached stages, visits).
        Index("ix_stage_transitions_deal_history", "deal_id", "at", "id", "to_stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="RESTRICT"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="RESTRICT"))
    at: Mapped[datetime]
    # RESTRICT, not SET NULL: the append-only trigger refuses every UPDATE here.
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))


class StageVisit(Base):
    """One stay of a deal in a stage, one per transition: from that transition to the
    next one of the deal (by time, then id), or still going (``left_at`` and ``days``
    NULL) for the last one.

    Derived, kept by triggers (migration 0005) from ``stage_transitions``; the deal's
    pipeline, owner, source and creation time are copied in (and follow the deal) so
    the stage report can count and walk the durations in order from one index.
    """

    __tablename__ = "stage_visits"
    __table_args__ = (
        # A deal's stays in time order, with what the forecast history reads of them.
        Index("ix_stage_visits_deal", "deal_id", "entered_at", "left_at", "stage_id"),
        Index(
            "ix_stage_visits_stage_days",
            "pipeline_id",
            "stage_id",
            "days",
            "deal_created_at",
            "owner_id",
            "source_id",
        ),
    )

    transition_id: Mapped[int] = mapped_column(
        ForeignKey("stage_transitions.id", ondelete="CASCADE"), primary_key=True
    )
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    pipeline_id: Mapped[int] = mapped_column(Integer)
    stage_id: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(Integer)
    deal_created_at: Mapped[datetime]
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    days: Mapped[float | None] = mapped_column(Float)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("kind IN ('call', 'meeting', 'email', 'task', 'note')", name="kind"),
        CheckConstraint("deal_id IS NOT NULL OR customer_id IS NOT NULL", name="subject_of"),
        Index("ix_activities_owner_due", "owner_id", "done_at", "due_at"),
        Index("ix_activities_deal_done", "deal_id", "done_at"),
        # Covers the first response (first done call, meeting or e-mail) of each deal.
        Index("ix_activities_deal_kind_done", "deal_id", "kind", "done_at"),
        # Counts done activities per person, kind and team-zone day from the index
        # alone, in index order (no sort).
        Index("ix_activities_owner_kind_day", "owner_id", "kind", "done_day", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(LEN_TITLE))
    notes: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    #: Derived, kept by triggers (migration 0005): the local day of ``done_at`` in the
    #: team's time zone, as days since 1970-01-01 (see ``crmdesk.db.zone``).
    done_day: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


class Target(Base):
    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint(
            "metric IN ('won_amount', 'won_count', 'new_customers', 'activities_done')",
            name="metric",
        ),
        CheckConstraint("period_end > period_start", name="period"),
        CheckConstraint("value >= 0", name="value"),
        UniqueConstraint(
            "owner_id", "metric", "period_start", "period_end", name="uq_targets_owner_period"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # exclusive
    value: Mapped[Decimal] = mapped_column(MONEY)


class AuditEntry(Base):
    """A change to a deal's owner, amount, expected close or stage: who, when, the old
    and the new value (as text: a user id, a decimal, an ISO date, a stage id)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("field IN ('owner', 'amount', 'expected_close', 'stage')", name="field"),
        Index("ix_audit_log_deal", "deal_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class ChangeLogEntry(Base):
    """One committed write, as the services described it (``Changes``), so that other
    windows on the same database redraw what it touched. ``origin`` names the process
    that wrote it (a window skips its own); ``kinds`` is a ``Change`` flag value; the id
    lists are comma-separated, NULL when too long to list (then the whole kind
    changed). Ids only grow (AUTOINCREMENT), and old rows are pruned."""

    __tablename__ = "change_log"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    origin: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(Integer)
    kinds: Mapped[int] = mapped_column(Integer)
    deal_ids: Mapped[str | None] = mapped_column(Text)
    customer_ids: Mapped[str | None] = mapped_column(Text)


#: Tables counted by ``crmdesk db-info``, in display order.
COUNTED_TABLES = (
    User,
    Pipeline,
    Stage,
    LeadSource,
    LostReason,
    Customer,
    Contact,
    Deal,
    StageTransition,
    Activity,
    Target,
)
