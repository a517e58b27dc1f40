"""Drill-down: the deals behind one number of the reports.

Clicking a bar or a table row of the reports tab opens the list of deals behind
that number; the list's ``count`` and ``amount`` equal the number clicked.
``crmdesk.metrics.drill.drill`` computes a :class:`DrillResult` for a
:class:`DrillSpec` under a ``MetricsFilter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

#: ``DrillSpec.source_id`` for "no source" (the "Unknown" row of the new customers
#: report). Database ids start at 1, so 0 never names a real lead source.
UNKNOWN_SOURCE = 0


def drill_source(source_id: int | None) -> int:
    """A report row's source as a drill-down ``source_id``: the "Unknown" row (no
    source) is :data:`UNKNOWN_SOURCE`."""
    return UNKNOWN_SOURCE if source_id is None else source_id


#: Every kind a :class:`DrillSpec` may name (see its docstring).
DRILL_KINDS = (
    "created",
    "reached",
    "won_now",
    "qualified",
    "open_here",
    "lost_here",
    "won",
    "lost",
    "open_pipeline",
    "forecast",
    "new_customers",
    "new_customer_wins",
    "rotting",
)


@dataclass(frozen=True)
class DrillSpec:
    """Which number was clicked.

    ``owner_id`` narrows the list to one salesperson within the filter (a person's
    row); ``None`` means the filter's owners (the team's figure). The other fields
    are used by some kinds only, and a field a kind does not use must be ``None``.

    Cohort kinds: deals created in the period (stage efficiency, funnel, KPIs).

    - ``created``: the cohort (funnel ``created``). Optional ``source_id``: the deal's
      source, :data:`UNKNOWN_SOURCE` for none (new customers ``leads``).
    - ``reached`` + ``stage_id`` (an open stage): cohort deals that reached the stage
      (funnel / stage efficiency ``reached``; the ``advanced`` of a stage is the
      ``reached`` of the next one, or ``won_now`` for the last).
    - ``won_now``: cohort deals won now (funnel ``won``). Optional ``source_id`` as for
      ``created`` (new customers ``leads_won``).
    - ``qualified``: cohort deals that reached the qualified stage (the numerator of
      ``lead_conversion_rate``).
    - ``open_here`` + ``stage_id``: cohort deals open now in the stage.
    - ``lost_here`` + ``stage_id``: cohort deals lost now at the stage.

    Closed in the period (KPIs, performance):

    - ``won``: deals won now with ``closed_at`` in the period (``won_count``,
      ``won_amount``).
    - ``lost``: deals lost now with ``closed_at`` in the period (``lost_count``).

    Now:

    - ``open_pipeline``: open deals (``open_pipeline_amount``); optional ``stage_id``
      (an open stage: the board's stage totals).
    - ``forecast`` + ``bucket``: open deals in one forecast bucket, ``"overdue"``,
      ``"YYYY-MM"`` (one of the forecast's months), ``"later"`` or ``"no_date"``.
    - ``rotting``: open rotting deals (performance ``rotting_deals``, the activity
      report's rotting list).

    New customers:

    - ``new_customers``: the first won deals of the customers new in the period (one
      per customer: ``new_customers`` and ``first_deal_amount``). Optional
      ``source_id`` (the *customer's* source, :data:`UNKNOWN_SOURCE` for none) and
      ``bucket`` ``"YYYY-MM"`` (the local month of the first win, in the filter's
      time zone: ``by_month``).
    - ``new_customer_wins``: every won deal closed in the period of those new
      customers (``won_amount`` of the new customers report); optional ``source_id``
      as for ``new_customers``.
    """

    kind: str
    owner_id: int | None = None
    stage_id: int | None = None
    source_id: int | None = None
    bucket: str | None = None


@dataclass(frozen=True)
class DrillRow:
    """One deal of a drill-down list. ``stage_id``/``stage_name`` are its current
    stage (open, won or lost); times are aware UTC."""

    deal_id: int
    title: str
    customer_name: str | None
    owner_id: int
    owner_name: str
    stage_id: int
    stage_name: str
    amount: Decimal
    created_at: datetime
    closed_at: datetime | None
    expected_close: date | None


@dataclass(frozen=True)
class DrillResult:
    """The deals behind a number: ``count`` is ``len(rows)`` and ``amount`` the Σ of
    their amounts, in cents."""

    spec: DrillSpec
    rows: tuple[DrillRow, ...]
    count: int
    amount: Decimal
