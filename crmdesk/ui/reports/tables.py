"""The table beside each chart: the report's rows, sortable, each row a drill-down."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from crmdesk.domain.drill import DrillSpec, drill_source
from crmdesk.domain.reports import (
    ActivityReport,
    ForecastReport,
    FunnelReport,
    NewCustomersReport,
    OverdueTask,
    PerformanceReport,
    PerformanceRow,
    RottingDeal,
    StageEfficiencyReport,
    TargetsReport,
)
from crmdesk.ui import format as fmt
from crmdesk.ui.table_model import Column


def tr(text: str) -> str:
    return QCoreApplication.translate("ReportTables", text)


@dataclass(frozen=True)
class Line:
    """One table row: its cells (values, formatted by the columns) and what opens from it:
    the list of deals behind it, or one deal."""

    cells: tuple[Any, ...]
    drill: DrillSpec | None = None
    deal_id: int | None = None


def owner_label(owner_id: int | None, name: str) -> str:
    """A row's salesperson, or the team for the team's row (whose name the metrics give
    in English)."""
    return tr("Team") if owner_id is None else name


def _col(title: str, i: int, text: Any = None, right: bool = True) -> Column[Line]:
    show = text or (lambda v: "–" if v is None else str(v))
    return Column(
        title,
        lambda r, i=i, show=show: show(r.cells[i]),
        lambda r, i=i: r.cells[i],
        align_right=right,
    )


def _money(currency: str) -> Any:
    return lambda v: fmt.money(v, currency)


def _days(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}"


def funnel_table(report: FunnelReport) -> tuple[list[Column[Line]], list[Line]]:
    """The team and each person: created, reached per stage, won, lead → won."""
    stages = report.team.stages
    cols = [_col(tr("Salesperson"), 0, right=False), _col(tr("Created"), 1)]
    cols += [_col(s.stage_name, 2 + i) for i, s in enumerate(stages)]
    cols += [
        _col(tr("Won"), 2 + len(stages)),
        _col(tr("Lead → won"), 3 + len(stages), fmt.percent),
        _col(tr("Bottleneck"), 4 + len(stages), right=False),
    ]
    names = {s.stage_id: s.stage_name for s in stages}
    lines = []
    for f in (report.team, *report.people):
        lines.append(
            Line(
                (
                    owner_label(f.owner_id, f.owner_name),
                    f.created,
                    *[s.reached for s in f.stages],
                    f.won,
                    f.lead_to_won,
                    names.get(f.bottleneck_stage_id, "") if f.bottleneck_stage_id else "",
                ),
                DrillSpec("created", owner_id=f.owner_id),
            )
        )
    return cols, lines


def stage_table(report: StageEfficiencyReport) -> tuple[list[Column[Line]], list[Line]]:
    cols = [
        _col(tr("Stage"), 0, right=False),
        _col(tr("Reached"), 1),
        _col(tr("Advanced"), 2),
        _col(tr("Conversion"), 3, fmt.percent),
        _col(tr("Avg days"), 4, _days),
        _col(tr("Median days"), 5, _days),
        _col(tr("Visits"), 6),
        _col(tr("Lost here"), 7),
        _col(tr("Open here"), 8),
    ]
    lines = [
        Line(
            (
                r.stage_name,
                r.reached,
                r.advanced,
                r.conversion,
                r.avg_days,
                r.median_days,
                r.visits,
                r.lost_here,
                r.open_here,
            ),
            DrillSpec("reached", stage_id=r.stage_id),
        )
        for r in report.rows
    ]
    return cols, lines


def forecast_table(report: ForecastReport, currency: str) -> tuple[list[Column[Line]], list[Line]]:
    m = _money(currency)
    cols = [
        _col(tr("Expected close"), 0, right=False),
        _col(tr("Deals"), 1),
        _col(tr("Amount"), 2, m),
        _col(tr("Weighted by stage"), 3, m),
        _col(tr("Weighted by history"), 4, m),
    ]
    names = {"overdue": tr("Overdue"), "later": tr("Later"), "no_date": tr("No date")}
    lines = [
        Line(
            (names.get(b.key, b.key), b.count, b.amount, b.weighted_stage, b.weighted_history),
            DrillSpec("forecast", bucket=b.key),
        )
        for b in report.buckets
    ]
    t = report.total
    lines.append(
        Line(
            (tr("Total"), t.count, t.amount, t.weighted_stage, t.weighted_history),
            DrillSpec("open_pipeline"),
        )
    )
    return cols, lines


def targets_table(
    report: TargetsReport, currency: str, metric_names: dict[str, str]
) -> tuple[list[Column[Line]], list[Line]]:
    def amount(metric: str) -> Any:
        return _money(currency) if metric == "won_amount" else (lambda v: fmt.number(int(v)))

    paces = {"ahead": tr("Ahead"), "on_track": tr("On track"), "behind": tr("Behind")}
    cols = [
        _col(tr("Salesperson"), 0, right=False),
        _col(tr("Target"), 1, right=False),
        _col(tr("Period"), 2, right=False),
        _col(tr("Goal"), 3),
        _col(tr("Actual"), 4),
        _col(tr("Attainment"), 5, fmt.percent),
        _col(tr("Expected by today"), 6),
        _col(tr("Pace"), 7, right=False),
        _col(tr("Gap"), 8),
    ]
    lines = []
    for r in report.rows:
        show = amount(r.metric)
        lines.append(
            Line(
                (
                    owner_label(r.owner_id, r.owner_name),
                    metric_names.get(r.metric, r.metric),
                    f"{fmt.short_date(r.period_start)} – {fmt.short_date(_last_day(r.period_end))}",
                    _Shown(r.value, show),
                    _Shown(r.actual, show),
                    r.attainment,
                    _Shown(r.expected_by_today, show),
                    paces.get(r.pace, r.pace),
                    _Shown(r.gap, show),
                ),
                DrillSpec("won", owner_id=r.owner_id) if r.metric == "won_amount" else None,
            )
        )
    return cols, lines


def plain(value: Any) -> Any:
    """A cell's value for CSV: numbers as they are, dates as YYYY-MM-DD, None empty."""
    if isinstance(value, _Shown):
        value = value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


class _Shown:
    """A value that sorts as itself and shows through its own formatter."""

    def __init__(self, value: Any, show: Any) -> None:
        self.value, self.show = value, show

    def __str__(self) -> str:
        return self.show(self.value)

    def __lt__(self, other: Any) -> bool:
        return bool(self.value < (other.value if isinstance(other, _Shown) else other))


def _last_day(end: date) -> date:
    return date.fromordinal(end.toordinal() - 1)


def performance_table(
    report: PerformanceReport, currency: str
) -> tuple[list[Column[Line]], list[Line]]:
    m = _money(currency)
    cols = [
        _col(tr("Salesperson"), 0, right=False),
        _col(tr("Won"), 1),
        _col(tr("Won amount"), 2, m),
        _col(tr("Close rate"), 3, fmt.percent),
        _col(tr("Avg deal"), 4, m),
        _col(tr("Avg cycle (d)"), 5, _days),
        _col(tr("Lead conversion"), 6, fmt.percent),
        _col(tr("Response (h)"), 7, _days),
        _col(tr("Activities"), 8),
        _col(tr("Open pipeline"), 9, m),
        _col(tr("Weighted"), 10, m),
        _col(tr("Rotting"), 11),
        _col(tr("Target"), 12, fmt.percent),
    ]

    def line(r: PerformanceRow) -> Line:
        return Line(
            (
                owner_label(r.owner_id, r.owner_name),
                r.won_count,
                r.won_amount,
                r.close_rate,
                r.avg_deal_size,
                r.avg_cycle_days,
                r.lead_conversion_rate,
                r.response_time_median_hours,
                r.activities_done,
                r.open_pipeline_amount,
                r.weighted_pipeline_amount,
                r.rotting_deals,
                r.target_attainment,
            ),
            DrillSpec("won", owner_id=r.owner_id),
        )

    return cols, [line(r) for r in report.rows] + [line(report.team)]


def new_customers_table(
    report: NewCustomersReport, currency: str
) -> tuple[list[Column[Line]], list[Line]]:
    m = _money(currency)
    cols = [
        _col(tr("Source"), 0, right=False),
        _col(tr("New customers"), 1),
        _col(tr("First-deal amount"), 2, m),
        _col(tr("Won amount"), 3, m),
        _col(tr("Leads"), 4),
        _col(tr("Leads won"), 5),
        _col(tr("Lead → won"), 6, fmt.percent),
    ]
    rows = [*report.rows, report.total]
    lines = [
        Line(
            (
                r.source_name if r is not report.total else tr("Total"),
                r.new_customers,
                r.first_deal_amount,
                r.won_amount,
                r.leads,
                r.leads_won,
                r.lead_to_won_rate,
            ),
            DrillSpec("new_customers", source_id=drill_source(r.source_id))
            if r is not report.total
            else DrillSpec("new_customers"),
        )
        for r in rows
    ]
    return cols, lines


def activity_table(
    report: ActivityReport, kind_names: dict[str, str]
) -> tuple[list[Column[Line]], list[Line]]:
    """Per person and week: one column per kind and the total."""
    kinds = [
        k
        for k in ("call", "meeting", "email", "task", "note")
        if any(r.kind == k for r in report.rows)
    ]
    per: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in report.rows:
        per[(r.owner_name, r.bucket)][r.kind] += r.count
    cols = [
        _col(tr("Salesperson"), 0, right=False),
        _col(tr("Week of"), 1, fmt.short_date, right=False),
    ]
    cols += [_col(kind_names.get(k, k), 2 + i) for i, k in enumerate(kinds)]
    cols.append(_col(tr("Total"), 2 + len(kinds)))
    lines = [
        Line((name, week, *[c.get(k, 0) for k in kinds], sum(c.values())))
        for (name, week), c in sorted(
            per.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True
        )
    ]
    return cols, lines


def overdue_table(
    rows: tuple[OverdueTask, ...], kind_names: dict[str, str]
) -> tuple[list[Column[Line]], list[Line]]:
    cols = [
        _col(tr("Salesperson"), 0, right=False),
        _col(tr("Kind"), 1, right=False),
        _col(tr("Subject"), 2, right=False),
        _col(tr("Due"), 3, fmt.date_time, right=False),
        _col(tr("Days overdue"), 4, _days),
    ]
    lines = [
        Line(
            (t.owner_name, kind_names.get(t.kind, t.kind), t.subject, t.due_at, t.days_overdue),
            deal_id=t.deal_id,
        )
        for t in rows
    ]
    return cols, lines


def rotting_table(
    rows: tuple[RottingDeal, ...], currency: str
) -> tuple[list[Column[Line]], list[Line]]:
    cols = [
        _col(tr("Deal"), 0, right=False),
        _col(tr("Salesperson"), 1, right=False),
        _col(tr("Stage"), 2, right=False),
        _col(tr("Amount"), 3, _money(currency)),
        _col(tr("Days in stage"), 4, _days),
        _col(tr("Days since activity"), 5, _days),
        _col(tr("Rots after (d)"), 6),
    ]
    lines = [
        Line(
            (
                d.title,
                d.owner_name,
                d.stage_name,
                d.amount,
                d.days_in_stage,
                d.days_since_activity,
                d.rot_days,
            ),
            deal_id=d.deal_id,
        )
        for d in rows
    ]
    return cols, lines
