"""What the reports tab shows for one filter, loaded in one go (in a worker thread).

Every figure comes from :class:`crmdesk.metrics.MetricsService`; this module only
decides which calls make up the tab: every report for the period, the KPIs of the
previous period of the same length (the cards' deltas), the team's funnel when one
person is chosen (to compare), and the won-amount target of the period.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from crmdesk.db.engine import Database
from crmdesk.domain import UserInfo
from crmdesk.domain.periods import previous_range
from crmdesk.domain.reports import (
    AllReports,
    FunnelReport,
    Kpis,
    MetricsFilter,
    TargetsReport,
)
from crmdesk.metrics import MetricsService


@dataclass(frozen=True)
class ReportData:
    filter: MetricsFilter
    reports: AllReports
    #: The KPIs of the previous period of the same length (None without a period).
    previous: Kpis | None
    #: The funnel of the whole team, when the filter names people (for comparison).
    team_funnel: FunnelReport | None
    #: Σ won-amount targets that fall in the period for the filter's people (or the
    #: team's own targets), and Σ their actuals; None when there is no such target.
    won_target: Decimal | None
    won_target_actual: Decimal | None
    load_ms: float
    #: ``time.monotonic()`` when loaded (the tab keeps recent loads for a while).
    loaded_at: float = 0.0


@dataclass(frozen=True)
class FirstPart:
    """What a user sees first while the rest of a load goes on: the KPI cards and one
    page. Its figures are the very objects the finished :class:`ReportData` holds (the
    same read transaction)."""

    filter: MetricsFilter
    #: The page it was loaded for (a key of :data:`PAGE_REPORTS`).
    page: str
    kpis: Kpis
    previous: Kpis | None
    team_funnel: FunnelReport | None
    won_target: Decimal | None
    won_target_actual: Decimal | None
    #: The reports computed so far: at least ``kpis``, ``targets`` and the page's.
    ready: Mapping[str, Any]


#: The reports (fields of AllReports) that each page of the tab draws from.
PAGE_REPORTS: dict[str, tuple[str, ...]] = {
    "funnel": ("funnel", "stages"),  # the team's bottleneck is the stage report's
    "stages": ("stages",),
    "forecast": ("forecast", "targets"),
    "targets": ("targets",),
    "performance": ("performance",),
    "new_customers": ("new_customers",),
    "activity": ("activity",),
}


def load_report_data(
    db: Database,
    f: MetricsFilter,
    *,
    first_page: str | None = None,
    on_first: Callable[[FirstPart], None] | None = None,
    viewer: UserInfo | None = None,
    lang: str | None = None,
) -> ReportData:
    """Everything the tab shows for ``f``. Safe to call from a worker thread.

    With ``first_page`` and ``on_first``, the KPIs, the targets and that page's report
    are computed first and handed to ``on_first`` (from the calling thread), then the
    rest. ``viewer`` is who looks (a rep sees themselves and the team's totals);
    ``lang`` names the stages in that language (see :class:`MetricsService`)."""
    started = time.perf_counter()
    svc = MetricsService(db, viewer=viewer, lang=lang)
    previous = None
    if f.period_from is not None and f.period_to is not None:
        p_from, p_to = previous_range(f.period_from, f.period_to)
        previous = svc.kpis(dataclasses.replace(f, period_from=p_from, period_to=p_to))
    team_funnel = None
    if f.owner_ids is not None:
        team_funnel = svc.funnel(dataclasses.replace(f, owner_ids=None))
    on_report = None
    first: tuple[str, ...] = ()
    if first_page is not None and on_first is not None:
        first = tuple(dict.fromkeys(("kpis", "targets", *PAGE_REPORTS[first_page])))
        ready: dict[str, Any] = {}
        page = first_page
        callback = on_first

        def on_report(name: str, report: Any) -> None:
            ready[name] = report
            if name == first[-1]:
                target, actual = _won_target(ready["targets"], f)
                callback(
                    FirstPart(
                        filter=f,
                        page=page,
                        kpis=ready["kpis"],
                        previous=previous,
                        team_funnel=team_funnel,
                        won_target=target,
                        won_target_actual=actual,
                        ready=dict(ready),
                    )
                )

    reports = svc.all(f, first=first, on_report=on_report)
    target, actual = _won_target(reports.targets, f)
    return ReportData(
        filter=f,
        reports=reports,
        previous=previous,
        team_funnel=team_funnel,
        won_target=target,
        won_target_actual=actual,
        load_ms=(time.perf_counter() - started) * 1000,
        loaded_at=time.monotonic(),
    )


def _won_target(targets: TargetsReport, f: MetricsFilter) -> tuple[Decimal | None, Decimal | None]:
    """The won-amount targets that lie wholly inside the period (a quarter's target is not
    compared with one month's sales)."""
    rows = [
        r
        for r in targets.rows
        if r.metric == "won_amount"
        and (f.period_from is None or r.period_start >= f.period_from)
        and (f.period_to is None or r.period_end <= f.period_to)
    ]
    if f.owner_ids is None:
        team = [r for r in rows if r.owner_id is None]
        rows = team or rows
    else:
        rows = [r for r in rows if r.owner_id in f.owner_ids]
    if not rows:
        return None, None
    return sum((r.value for r in rows), Decimal(0)), sum((r.actual for r in rows), Decimal(0))


def monthly_target(targets: TargetsReport, f: MetricsFilter) -> Decimal | None:
    """The team's (or the person's) won-amount target for a month, when the period's
    targets are monthly ones: the dashed line of the forecast chart, on screen and on
    paper."""
    rows = [
        t
        for t in targets.rows
        if t.metric == "won_amount" and 27 <= (t.period_end - t.period_start).days <= 31
    ]
    if f.owner_ids is None:
        team = [t for t in rows if t.owner_id is None]
        rows = team or rows
        if not team:
            by_month: dict[date, Decimal] = {}
            for t in rows:
                by_month[t.period_start] = by_month.get(t.period_start, Decimal(0)) + t.value
            return max(by_month.values()) if by_month else None
    else:
        rows = [t for t in rows if t.owner_id in f.owner_ids]
    return max((t.value for t in rows), default=None)


def period_label(frm: date | None, to: date | None) -> tuple[date | None, date | None]:
    """The inclusive last day of a half-open period, for display."""
    if to is None:
        return frm, None
    return frm, date.fromordinal(to.toordinal() - 1)
