"""The figures that prove a copy whole: row counts, the trigger-kept facts and the metrics.

``take_checks`` reads, in the session it is given (a copy's own uncommitted
transaction, or the snapshot a dump was read in):

* ``counts``: rows per table, the derived ``stage_visits`` included;
* ``facts``: totals of every trigger-kept column (how many are set, their sums and
  extremes), so a derived fact that came out differently shows even where no
  report would notice;
* ``kpis``: ``MetricsService.kpis`` over all time for each pipeline (won count and
  amount, lost count, new customers, open and weighted pipeline, close rate,
  cycle and response times, lifetime value) at a fixed clock.

``compare_checks`` lists every difference; floats agree within a relative 1e-9
(sums of the same values on two database engines may round differently).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics.service import MetricsService
from crmdesk.portability.tables import table, table_counts, to_json

#: Relative tolerance of float figures between two database engines.
FLOAT_TOLERANCE = 1e-9
#: The reached mask is summed modulo this prime (the sum of 63-bit masks would overflow).
MASK_MODULUS = 1_000_003


@dataclass(frozen=True)
class Checks:
    counts: dict[str, int]
    facts: dict[str, Any]
    #: Pipeline key → KPI name → value (decimals as text), as of ``now``.
    kpis: dict[str, dict[str, Any]]
    now: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "now": to_json("datetime", self.now),
            "counts": self.counts,
            "facts": self.facts,
            "kpis": self.kpis,
        }


@dataclass(frozen=True)
class Difference:
    what: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.what}: {self.expected!r} here, {self.actual!r} there"


class _InSession:
    """A stand-in for :class:`Database` whose ``read()`` is the session already open:
    ``MetricsService`` reads only through ``db.read()``, so it sees the copy's
    uncommitted rows (or the dump's snapshot)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @contextmanager
    def read(self) -> Iterator[Session]:
        yield self._session


def _plain(value: Any) -> Any:
    """A figure as a JSON value that compares the same on both engines."""
    if isinstance(value, datetime):
        return to_json("datetime", value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, str) and len(value) >= 19 and value[10] == " ":  # SQLite time text
        return to_json("datetime", datetime.fromisoformat(value).replace(tzinfo=UTC))
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _facts(session: Session) -> dict[str, Any]:
    deals, customers, activities, visits = (
        table("deals"),
        table("customers"),
        table("activities"),
        table("stage_visits"),
    )
    figures: dict[str, ColumnElement[Any]] = {}

    def count_sum(prefix: str, col: Any) -> None:
        figures[f"{prefix}.count"] = func.count(col)
        figures[f"{prefix}.sum"] = func.sum(col)

    def count_span(prefix: str, col: Any) -> None:
        figures[f"{prefix}.count"] = func.count(col)
        figures[f"{prefix}.min"] = func.min(col)
        figures[f"{prefix}.max"] = func.max(col)

    out: dict[str, Any] = {}
    figures["deals.reached_mask.sum_mod"] = func.sum(deals.c.reached_mask % MASK_MODULUS)
    figures["deals.reached_mask.nonzero"] = func.count(func.nullif(deals.c.reached_mask, 0))
    count_span("deals.first_response_at", deals.c.first_response_at)
    count_span("deals.last_activity_at", deals.c.last_activity_at)
    count_span("deals.next_due_at", deals.c.next_due_at)
    count_sum("deals.response_hours", deals.c.response_hours)
    count_sum("deals.cycle_days", deals.c.cycle_days)
    row = session.execute(select(*figures.values())).one()
    out.update(zip(figures, row, strict=True))

    figures = {}
    count_sum("customers.first_won_deal_id", customers.c.first_won_deal_id)
    row = session.execute(select(*figures.values())).one()
    out.update(zip(figures, row, strict=True))

    figures = {}
    count_sum("activities.done_day", activities.c.done_day)
    row = session.execute(select(*figures.values())).one()
    out.update(zip(figures, row, strict=True))

    figures = {"stage_visits.count": func.count()}
    count_sum("stage_visits.days", visits.c.days)
    for name in ("deal_id", "pipeline_id", "stage_id", "owner_id", "source_id"):
        figures[f"stage_visits.{name}.sum"] = func.sum(getattr(visits.c, name))
    count_span("stage_visits.entered_at", visits.c.entered_at)
    count_span("stage_visits.left_at", visits.c.left_at)
    figures["stage_visits.deal_created_at.max"] = func.max(visits.c.deal_created_at)
    row = session.execute(select(*figures.values()).select_from(visits)).one()
    out.update(zip(figures, row, strict=True))
    return {k: _plain(v) for k, v in out.items()}


def _kpis(session: Session, now: datetime) -> dict[str, dict[str, Any]]:
    service = MetricsService(cast(Database, _InSession(session)))
    out: dict[str, dict[str, Any]] = {}
    pipes = session.execute(select(m.Pipeline.id, m.Pipeline.key).order_by(m.Pipeline.id)).all()
    for pid, key in pipes:
        kpis = service.kpis(MetricsFilter(pipeline_id=pid, tz="UTC", now=now))
        values = dataclasses.asdict(kpis)
        values.pop("period")
        out[key] = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in sorted(values.items())}
    return out


def take_checks(session: Session, *, now: datetime | None = None) -> Checks:
    """The counts, facts and KPIs of the database as ``session`` sees it."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return Checks(
        counts=table_counts(session.connection()),
        facts=_facts(session),
        kpis=_kpis(session, now),
        now=now,
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:  # amounts: "1200.0" and "1200.00" are the same figure
            return Decimal(a) == Decimal(b)
        except ArithmeticError:
            return False
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, str) or isinstance(b, str):
            return False
        fa, fb = float(a), float(b)
        return abs(fa - fb) <= FLOAT_TOLERANCE * max(1.0, abs(fa), abs(fb))
    return bool(a == b)


def compare_checks(expected: Checks, actual: Checks) -> list[Difference]:
    """Every figure that differs (an empty list when the two databases agree)."""
    diffs: list[Difference] = []

    def walk(prefix: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        for key in sorted(set(a) | set(b)):
            what = f"{prefix}{key}"
            va, vb = a.get(key), b.get(key)
            if isinstance(va, dict) and isinstance(vb, dict):
                walk(f"{what}.", va, vb)
            elif key not in a or key not in b or not _same(va, vb):
                diffs.append(Difference(what, va, vb))

    walk("rows.", dict(expected.counts), dict(actual.counts))
    walk("facts.", dict(expected.facts), dict(actual.facts))
    walk("kpis.", dict(expected.kpis), dict(actual.kpis))
    return diffs


def checks_from_json(data: Any) -> Checks:
    """The checks recorded in a dump; ``ValueError`` when they are malformed."""
    if not isinstance(data, dict) or set(data) != {"now", "counts", "facts", "kpis"}:
        raise ValueError("the checks section is malformed")
    counts, facts, kpis = data["counts"], data["facts"], data["kpis"]
    if not isinstance(counts, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in counts.values()
    ):
        raise ValueError("the checks' row counts are malformed")
    if not isinstance(facts, dict) or not isinstance(kpis, dict):
        raise ValueError("the checks section is malformed")
    if not all(isinstance(v, dict) for v in kpis.values()):
        raise ValueError("the checks' KPIs are malformed")
    try:
        now = datetime.fromisoformat(data["now"])
    except (TypeError, ValueError):
        raise ValueError("the checks' time is malformed") from None
    if now.tzinfo is None:
        raise ValueError("the checks' time has no UTC offset")
    return Checks(counts=counts, facts=facts, kpis=kpis, now=now.astimezone(UTC))
