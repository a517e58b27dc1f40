"""What a write touched, so that each view can decide whether to refresh."""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


class Change(enum.Flag):
    NONE = 0
    DEALS = enum.auto()
    TRANSITIONS = enum.auto()
    CUSTOMERS = enum.auto()
    CONTACTS = enum.auto()
    ACTIVITIES = enum.auto()
    STAGES = enum.auto()
    USERS = enum.auto()
    TARGETS = enum.auto()
    LISTS = enum.auto()  # lead sources, lost reasons
    SETTINGS = enum.auto()
    ALL = (
        DEALS
        | TRANSITIONS
        | CUSTOMERS
        | CONTACTS
        | ACTIVITIES
        | STAGES
        | USERS
        | TARGETS
        | LISTS
        | SETTINGS
    )


@dataclass(frozen=True)
class Changes:
    """The kinds of data a write touched, and which deals and customers."""

    kinds: Change = Change.NONE
    deal_ids: frozenset[int] = field(default_factory=frozenset)
    customer_ids: frozenset[int] = field(default_factory=frozenset)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.kinds | other.kinds,
            self.deal_ids | other.deal_ids,
            self.customer_ids | other.customer_ids,
        )

    def touches(self, kinds: Change) -> bool:
        return bool(self.kinds & kinds)

    @classmethod
    def everything(cls) -> Changes:
        return cls(Change.ALL)


#: Set by a write transaction (``crmdesk.db.engine.Database.transaction``) while it
#: runs: every :class:`Outcome` made inside it reports its changes here, and the
#: transaction records them in the database's change log before it commits, so the
#: other windows on the same database learn what changed (and nothing when it rolls
#: back).
RECORDER: ContextVar[Callable[[Changes], None] | None] = ContextVar(
    "crmdesk_change_recorder", default=None
)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of a service write: the new value and what changed."""

    value: T
    changes: Changes

    def __post_init__(self) -> None:
        record = RECORDER.get()
        if record is not None and self.changes.kinds:
            record(self.changes)
