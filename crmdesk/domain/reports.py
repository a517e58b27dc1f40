"""The value objects of the metrics service: the filter, the KPIs and each report.

Amounts are ``Decimal``; rates are fractions 0..1 and days/hours are floats;
any of them is ``None`` where docs/metrics.md says the figure is undefined
(a zero denominator, no values).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

Granularity = Literal["day", "week"]
Pace = Literal["ahead", "on_track", "behind"]


@dataclass(frozen=True)
class MetricsFilter:
    """What a report covers.

    ``period_from``/``period_to`` are local dates, ``[from, to)``; None means
    open-ended. ``owner_ids`` None means the whole team. ``pipeline_id`` None
    means the default pipeline. ``tz`` is an IANA zone name (None: the
    system's). ``now`` fixes the clock (tests); None means the current time.
    """

    period_from: date | None = None
    period_to: date | None = None
    owner_ids: tuple[int, ...] | None = None
    pipeline_id: int | None = None
    source_id: int | None = None
    tz: str | None = None
    now: datetime | None = None


@dataclass(frozen=True)
class PeriodInfo:
    """The period a report used, for headers and JSON."""

    date_from: date | None
    date_to: date | None
    tz: str


@dataclass(frozen=True)
class Kpis:
    period: PeriodInfo
    close_rate: float | None
    lead_conversion_rate: float | None
    avg_sales_cycle_days: float | None
    median_sales_cycle_days: float | None
    won_count: int
    won_amount: Decimal
    lost_count: int
    avg_deal_size: Decimal | None
    response_time_median_hours: float | None
    no_response_share: float | None
    new_customers: int
    open_pipeline_amount: Decimal
    weighted_pipeline_amount: Decimal
    ltv_avg: Decimal | None


@dataclass(frozen=True)
class StageEfficiencyRow:
    stage_id: int
    stage_key: str
    stage_name: str
    reached: int
    advanced: int
    conversion: float | None
    lost_here: int
    open_here: int
    avg_days: float | None
    median_days: float | None
    visits: int


@dataclass(frozen=True)
class StageEfficiencyReport:
    period: PeriodInfo
    rows: tuple[StageEfficiencyRow, ...]
    bottleneck_stage_id: int | None


@dataclass(frozen=True)
class FunnelStage:
    stage_id: int
    stage_key: str
    stage_name: str
    reached: int
    conversion: float | None  # to the next stage (to won, for the last open stage)


@dataclass(frozen=True)
class Funnel:
    owner_id: int | None  # None: the team
    owner_name: str
    created: int
    stages: tuple[FunnelStage, ...]
    won: int
    lead_to_won: float | None
    bottleneck_stage_id: int | None


@dataclass(frozen=True)
class FunnelReport:
    period: PeriodInfo
    team: Funnel
    people: tuple[Funnel, ...]


@dataclass(frozen=True)
class NewCustomersRow:
    source_id: int | None
    source_name: str
    new_customers: int
    first_deal_amount: Decimal
    won_amount: Decimal
    by_month: dict[str, int]
    leads: int
    leads_won: int
    lead_to_won_rate: float | None


@dataclass(frozen=True)
class NewCustomersReport:
    period: PeriodInfo
    rows: tuple[NewCustomersRow, ...]
    total: NewCustomersRow


@dataclass(frozen=True)
class ForecastBucket:
    key: str  # "overdue", "YYYY-MM", "later" or "no_date"
    month_start: date | None
    count: int
    amount: Decimal
    weighted_stage: Decimal
    weighted_history: Decimal


@dataclass(frozen=True)
class ForecastActual:
    month: str  # YYYY-MM
    forecast: Decimal
    actual: Decimal


@dataclass(frozen=True)
class ForecastReport:
    period: PeriodInfo
    buckets: tuple[ForecastBucket, ...]
    total: ForecastBucket
    history: tuple[ForecastActual, ...]


@dataclass(frozen=True)
class TargetRow:
    target_id: int
    owner_id: int | None
    owner_name: str
    metric: str
    period_start: date
    period_end: date
    value: Decimal
    actual: Decimal
    attainment: float | None
    expected_by_today: Decimal
    pace: Pace
    gap: Decimal


@dataclass(frozen=True)
class TargetsReport:
    period: PeriodInfo
    rows: tuple[TargetRow, ...]


@dataclass(frozen=True)
class PerformanceRow:
    owner_id: int | None  # None: the team
    owner_name: str
    won_count: int
    won_amount: Decimal
    close_rate: float | None
    avg_deal_size: Decimal | None
    avg_cycle_days: float | None
    lead_conversion_rate: float | None
    response_time_median_hours: float | None
    activities_done: int
    open_pipeline_amount: Decimal
    weighted_pipeline_amount: Decimal
    rotting_deals: int
    target_attainment: float | None


@dataclass(frozen=True)
class PerformanceReport:
    period: PeriodInfo
    rows: tuple[PerformanceRow, ...]
    team: PerformanceRow


@dataclass(frozen=True)
class ActivityCount:
    owner_id: int
    owner_name: str
    bucket: date  # the local day, or the Monday of the week
    kind: str
    count: int


@dataclass(frozen=True)
class OverdueTask:
    activity_id: int
    owner_id: int
    owner_name: str
    kind: str
    subject: str
    due_at: datetime
    days_overdue: float
    deal_id: int | None
    customer_id: int | None


@dataclass(frozen=True)
class RottingDeal:
    deal_id: int
    title: str
    owner_id: int
    owner_name: str
    stage_id: int
    stage_name: str
    amount: Decimal
    rot_days: int
    days_in_stage: float
    days_since_activity: float


@dataclass(frozen=True)
class ActivityReport:
    period: PeriodInfo
    granularity: Granularity
    rows: tuple[ActivityCount, ...]
    overdue: tuple[OverdueTask, ...]
    rotting: tuple[RottingDeal, ...]


@dataclass(frozen=True)
class StageTotals:
    stage_id: int
    count: int
    amount: Decimal
    weighted_amount: Decimal


@dataclass(frozen=True)
class BoardTotals:
    stages: tuple[StageTotals, ...]

    def for_stage(self, stage_id: int) -> StageTotals:
        return next(s for s in self.stages if s.stage_id == stage_id)


@dataclass(frozen=True)
class DealBadges:
    """What the board shows on a card besides the deal's own fields."""

    deal_id: int
    days_in_stage: float
    days_since_activity: float | None
    next_due_at: datetime | None
    rotting: bool


@dataclass(frozen=True)
class AllReports:
    kpis: Kpis
    stages: StageEfficiencyReport
    funnel: FunnelReport
    new_customers: NewCustomersReport
    forecast: ForecastReport
    targets: TargetsReport
    performance: PerformanceReport
    activity: ActivityReport


#: The names of the reports in :class:`AllReports`, in its order.
REPORT_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(AllReports))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case A–Z only: the board search is case-insensitive for Latin letters, the
    same in Python and in SQL (SQLite's lower() folds only ASCII)."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class BoardQuery:
    """The board's own filters on top of a MetricsFilter: text in the title or the
    customer's name, an expected-close range ``[close_from, close_to]`` (inclusive), and
    optionally just some deals (to refresh the cards a write touched)."""

    text: str = ""
    close_from: date | None = None
    close_to: date | None = None
    deal_ids: frozenset[int] | None = None

    def matches(self, card: DealCard) -> bool:
        """The same test as the SQL of the metrics service, for a card already loaded."""
        if self.text.strip():
            needle = ascii_lower(self.text.strip())
            hay = ascii_lower(card.title) + "\n" + ascii_lower(card.customer_name or "")
            if needle not in hay:
                return False
        if self.close_from is not None or self.close_to is not None:
            if card.expected_close is None:
                return False
            if self.close_from is not None and card.expected_close < self.close_from:
                return False
            if self.close_to is not None and card.expected_close > self.close_to:
                return False
        return self.deal_ids is None or card.id in self.deal_ids


@dataclass(frozen=True)
class DealCard:
    """One open deal as the pipeline board shows it."""

    id: int
    title: str
    customer_id: int | None
    customer_name: str | None
    owner_id: int
    owner_name: str
    stage_id: int
    amount: Decimal
    currency: str
    expected_close: date | None
    source_id: int | None
    version: int
    days_in_stage: float
    days_since_activity: float | None
    next_due_at: datetime | None
    overdue: bool
    rotting: bool

    @property
    def owner_initials(self) -> str:
        parts = self.owner_name.split()
        if len(parts) >= 2:
            return (parts[0][0] + parts[-1][0]).upper()
        return self.owner_name[:2].upper()
