"""The reports tab and ``crmdesk report NAME --format json`` tell the same story.

Acceptance: with the demo data, every report page of the reports tab shows a chart and
a table that agree with ``crmdesk report NAME --format json`` for the same period.

The tab is built on the 1,200-deal demo copy (as in ``test_reports_tab``) with a fixed
``today``; for each period below, the CLI is run in-process with the very filter the tab
used (period, its clock ``now``, the zone its ``tz=None`` resolves to, the default
pipeline, nobody chosen), and what each page plots (``chart.plotted``) and lists (its
table) is compared with the JSON, figure by figure, as a user would read them:

- counts exactly;
- amounts as the JSON's ``Decimal`` (the JSON writes cents, rounded half up: the tab's
  amount is compared at cents, and the money a cell shows must be the JSON's);
- rates with the float the JSON carries (``formats._rate`` does not round them);
- days and hours within 0.00005 (``formats._days`` rounds them to 4 decimals).

The KPI cards are compared with ``report kpis`` (and, for their ▲/▼, with ``report kpis``
over the previous period). The metrics clock is deliberately *not* frozen here: the tab
must hand its own ``now`` to every figure, as the CLI gets ``--now``.

The last test proves the comparisons can fail: one changed figure in the JSON of any
page (or of the cards) is noticed.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from crmdesk.cli import main
from crmdesk.db.engine import Database
from crmdesk.domain.periods import previous_range
from crmdesk.domain.reports import MetricsFilter
from crmdesk.domain.timezones import local_timezone_name
from crmdesk.metrics.context import resolve_zone
from crmdesk.metrics.formats import REPORT_NAMES
from crmdesk.services import pipelines
from crmdesk.ui import format as fmt
from crmdesk.ui.reports.tab import ReportsTab
from crmdesk.ui.table_model import RowsModel

from .test_reports_tab import (
    CHART_WEEKS,
    DEMO_DEALS,
    TODAY,
    Env,
    _build,
    _copy,
    _make_env,
    choose_period,
    table,
)

Json = dict[str, Any]

#: The tab's clock with ``today=TODAY``: noon UTC of that day (``ReportsTab.current_filter``).
TAB_NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)
#: ``formats._rate`` writes a rate's float as it is (json writes floats that read back equal).
RATE_ABS = 1e-12
#: ``formats._days`` rounds days and hours to 4 decimals.
DAYS_ABS = 0.5e-4 + 1e-12
CENT = Decimal("0.01")
#: The page keys of the tab and the report names of the CLI.
PAGE_REPORT = {
    "funnel": "funnel",
    "stages": "stages",
    "forecast": "forecast",
    "targets": "targets",
    "performance": "performance",
    "new_customers": "new-customers",
    "activity": "activity",
}
KIND_ORDER = ("call", "meeting", "email", "task", "note")
PACES = {"ahead": "Ahead", "on_track": "On track", "behind": "Behind"}
BUCKET_LABELS = {"overdue": "Overdue", "later": "Later", "no_date": "No date"}


# --- the database and the tab ------------------------------------------------------------------
@pytest.fixture(scope="module")
def agree_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 demo deals up to DEMO_NOW, built once for this module."""
    return _build(tmp_path_factory.mktemp("reports-cli-agree") / "demo.sqlite3", DEMO_DEALS)


@pytest.fixture
def agree_db(agree_template: Path, tmp_path: Path) -> Iterator[Database]:
    yield from _copy(agree_template, tmp_path)


def _tab_on(db: Database, qtbot: QtBot) -> Env:
    e = _make_env(db, qtbot)
    assert e.tab.today() == TODAY
    return e


# --- running the CLI ---------------------------------------------------------------------------
def tab_zone(f: MetricsFilter) -> str:
    """The zone the tab's figures were computed in (``tz=None``: this computer's)."""
    assert f.tz is None, "the tab now sets a zone of its own: pass that to the CLI"
    return resolve_zone(f.tz)[0]


def run_cli(
    capsys: pytest.CaptureFixture[str],
    db: Database,
    name: str,
    f: MetricsFilter,
    zone: str,
    *,
    period: tuple[date, date] | None = None,
) -> Json:
    """``crmdesk report NAME --format json`` for the tab's filter ``f`` (or for ``period``
    with the same clock and zone), parsed with amounts (and every other decimal number)
    as ``Decimal``."""
    assert name in REPORT_NAMES
    frm, to = period or (f.period_from, f.period_to)
    assert frm is not None and to is not None and f.now is not None
    assert db.path is not None
    capsys.readouterr()  # anything printed before is not the report
    argv = [
        "report",
        name,
        "--format",
        "json",
        "--from",
        frm.isoformat(),
        "--to",  # the end, not included: the tab's period_to as it is
        to.isoformat(),
        "--now",
        f.now.isoformat(),
        "--tz",
        zone,
        "--db",
        str(db.path),
    ]
    rc = main(argv)
    out, err = capsys.readouterr()
    assert rc == 0, f"crmdesk {' '.join(argv)} failed ({rc}): {err}"
    assert err == ""
    d: Json = json.loads(out, parse_float=Decimal)
    # The same period and zone as the tab (the JSON says which it computed).
    assert d["period"] == {"from": frm.isoformat(), "to": to.isoformat(), "tz": zone}
    return d


def check_same_filter(db: Database, tab: ReportsTab, d: Json) -> None:
    """The CLI's filter reads as the tab's: the default pipeline, the team, every source."""
    f = tab.current_filter()
    pipe = pipelines.get_pipeline(db)
    assert f.pipeline_id == pipe.id, "the tab is not on the default pipeline"
    assert f.owner_ids is None and f.source_id is None
    assert d["filters"] == {"owners": None, "pipeline": pipe.key, "source": None}


# --- reading values ----------------------------------------------------------------------------
def rate(x: Decimal | None) -> Any:
    return None if x is None else pytest.approx(float(x), abs=RATE_ABS)


def days(x: Decimal | None) -> Any:
    return None if x is None else pytest.approx(float(x), abs=DAYS_ABS)


def cents(v: Decimal | None) -> Decimal | None:
    """An amount of the tab as the JSON writes it: to the cent, half up."""
    return None if v is None else Decimal(v).quantize(CENT, rounding=ROUND_HALF_UP)


def shown(model: RowsModel[Any], row: int, title: str) -> str:
    """The text a cell shows."""
    col = [c.title for c in model.columns].index(title)
    return model.data(model.index(row, col))


def money(tab: ReportsTab, amount: Decimal | None) -> str:
    """How the tab writes an amount of the JSON."""
    return fmt.money(amount, tab.currency)


def day(text: str) -> date:
    return date.fromisoformat(text)


# --- the pages against the JSON ----------------------------------------------------------------
def check_funnel(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["funnel"]
    page = tab.pages["funnel"]
    team, people = d["total"], d["rows"]
    plotted = page.chart.plotted
    assert plotted["reached"] == [s["reached"] for s in team["stages"]] + [team["won"]]
    assert plotted["conversion"] == [rate(s["conversion"]) for s in team["stages"]]
    assert "team_scaled" not in plotted  # nobody chosen
    assert sum(plotted["reached"]) > 0
    names = {s["stage"]: s["stage_name"] for s in team["stages"]}
    rows = table(page.model)
    want = [team, *people]
    assert [s["Salesperson"] for s in rows] == [x["owner"] for x in want]
    for i, (s, x) in enumerate(zip(rows, want, strict=True)):
        assert [st["stage"] for st in x["stages"]] == list(names)
        assert s["Created"] == x["created"]
        assert [s[name] for name in names.values()] == [st["reached"] for st in x["stages"]]
        assert s["Won"] == x["won"]
        assert s["Lead → won"] == rate(x["lead_to_won"])
        assert shown(page.model, i, "Lead → won") == fmt.percent(_float(x["lead_to_won"]))
        assert s["Bottleneck"] == names.get(x["bottleneck"], "")


def _float(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


def check_stages(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["stages"]
    page = tab.pages["stages"]
    rows = d["rows"]
    plotted = page.chart.plotted
    assert plotted["avg_days"] == [days(x["avg_days"]) for x in rows]
    assert plotted["median_days"] == [days(x["median_days"]) for x in rows]
    assert plotted["conversion"] == [rate(x["conversion"]) for x in rows]
    assert any(plotted["avg_days"])
    lines = table(page.model)
    assert [s["Stage"] for s in lines] == [x["stage_name"] for x in rows]
    for i, (s, x) in enumerate(zip(lines, rows, strict=True)):
        assert (s["Reached"], s["Advanced"], s["Visits"], s["Lost here"], s["Open here"]) == (
            x["reached"],
            x["advanced"],
            x["visits"],
            x["lost_here"],
            x["open_here"],
        )
        assert s["Conversion"] == rate(x["conversion"])
        assert shown(page.model, i, "Conversion") == fmt.percent(_float(x["conversion"]))
        assert s["Avg days"] == days(x["avg_days"])
        assert s["Median days"] == days(x["median_days"])


def _monthly_target(targets: Json) -> Decimal | None:
    """The dashed line of the forecast chart, read off the targets JSON: the team's
    won-amount target of a month (or the largest month of the people's)."""
    rows = [
        t
        for t in targets["rows"]
        if t["metric"] == "won_amount"
        and 27 <= (day(t["period_end"]) - day(t["period_start"])).days <= 31
    ]
    team = [t["value"] for t in rows if t["owner_id"] is None]
    if team:
        return max(team)
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for t in rows:
        by_month[t["period_start"]] += t["value"]
    return max(by_month.values(), default=None)


def check_forecast(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["forecast"]
    page = tab.pages["forecast"]
    future = [b for b in d["rows"] if b["bucket"] not in ("later", "no_date")]
    plotted = page.chart.plotted
    assert plotted["keys"] == [b["bucket"] for b in future]
    for series in ("amount", "weighted_stage", "weighted_history"):
        assert [cents(v) for v in plotted[series]] == [b[series] for b in future], series
    assert [cents(v) for v in plotted["history_forecast"]] == [h["forecast"] for h in d["history"]]
    assert [cents(v) for v in plotted["history_actual"]] == [h["actual"] for h in d["history"]]
    target = _monthly_target(r["targets"])
    if target is not None and target > 0:
        assert [cents(v) for v in plotted["target"]] == [target]
    else:
        assert "target" not in plotted
    assert sum(plotted["amount"]) > 0 and sum(plotted["history_actual"]) > 0
    lines = table(page.model)
    want = [*d["rows"], d["total"]]
    labels = [BUCKET_LABELS.get(b["bucket"], b["bucket"]) for b in d["rows"]] + ["Total"]
    assert [s["Expected close"] for s in lines] == labels
    for i, (s, b) in enumerate(zip(lines, want, strict=True)):
        assert s["Deals"] == b["count"]
        for title, key in (
            ("Amount", "amount"),
            ("Weighted by stage", "weighted_stage"),
            ("Weighted by history", "weighted_history"),
        ):
            assert cents(s[title]) == b[key], (b["bucket"], title)
            assert shown(page.model, i, title) == money(tab, b[key]), (b["bucket"], title)


def check_targets(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["targets"]
    page = tab.pages["targets"]
    rows = d["rows"]
    assert rows, "the demo has quarterly targets in every period used here"
    assert d["total"] == {"count": len(rows)}
    # The chart: the targets of the latest target period begun by the tab's today.
    started = [day(t["period_start"]) for t in rows if day(t["period_start"]) <= tab.today()]
    charted = rows
    if started:
        latest = max(started).isoformat()
        charted = [t for t in rows if t["period_start"] == latest]
    plotted = page.chart.plotted

    def pct(part: Decimal, whole: Decimal) -> Any:
        # Both are cents in the JSON: allow for the rounding of each to the cent.
        tol = float((CENT / 2) * (1 + abs(part / whole)) / whole) * 100 + 1e-9
        return pytest.approx(float(part / whole) * 100, abs=tol)

    assert plotted["attainment_pct"] == [
        pct(t["actual"], t["value"]) if t["value"] else 0.0 for t in charted
    ]
    assert plotted["expected_pct"] == [
        pct(t["expected_by_today"], t["value"]) if t["value"] else 0.0 for t in charted
    ]
    assert plotted["pace"] == [t["pace"] for t in charted]
    # The table: every target of the period.
    lines = table(page.model)
    assert [s["Salesperson"] for s in lines] == [t["owner"] for t in rows]
    for i, (s, t) in enumerate(zip(lines, rows, strict=True)):
        assert s["Target"] == tab.metric_names.get(t["metric"], t["metric"])
        last = date.fromordinal(day(t["period_end"]).toordinal() - 1)
        assert s["Period"] == (f"{fmt.short_date(day(t['period_start']))} – {fmt.short_date(last)}")
        assert s["Attainment"] == rate(t["attainment"])
        assert s["Pace"] == PACES[t["pace"]]
        for title, key in (
            ("Goal", "value"),
            ("Actual", "actual"),
            ("Expected by today", "expected_by_today"),
            ("Gap", "gap"),
        ):
            assert cents(s[title].value) == t[key], (t["target_id"], title)
            text = money(tab, t[key]) if t["metric"] == "won_amount" else fmt.number(int(t[key]))
            assert shown(page.model, i, title) == text, (t["target_id"], title)


def check_performance(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["performance"]
    page = tab.pages["performance"]
    ranked = sorted(d["rows"], key=lambda x: (-x["won_amount"], x["owner"]))
    plotted = page.chart.plotted
    assert plotted["owners"] == [x["owner"] for x in ranked]
    assert [cents(v) for v in plotted["won_amount"]] == [x["won_amount"] for x in ranked]
    assert ranked[0]["won_amount"] > 0
    lines = table(page.model)
    want = [*d["rows"], d["total"]]
    assert [s["Salesperson"] for s in lines] == [x["owner"] for x in want]
    for i, (s, x) in enumerate(zip(lines, want, strict=True)):
        who = x["owner"]
        assert (s["Won"], s["Activities"], s["Rotting"]) == (
            x["won_count"],
            x["activities_done"],
            x["rotting_deals"],
        ), who
        for title, key in (
            ("Won amount", "won_amount"),
            ("Avg deal", "avg_deal_size"),
            ("Open pipeline", "open_pipeline_amount"),
            ("Weighted", "weighted_pipeline_amount"),
        ):
            assert cents(s[title]) == x[key], (who, title)
            assert shown(page.model, i, title) == money(tab, x[key]), (who, title)
        for title, key in (
            ("Close rate", "close_rate"),
            ("Lead conversion", "lead_conversion_rate"),
            ("Target", "target_attainment"),
        ):
            assert s[title] == rate(x[key]), (who, title)
        assert s["Avg cycle (d)"] == days(x["avg_cycle_days"]), who
        assert s["Response (h)"] == days(x["response_time_median_hours"]), who


def check_new_customers(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["new_customers"]
    page = tab.pages["new_customers"]
    months = list(d["total"]["by_month"])
    assert months == sorted(months)
    plotted = page.chart.plotted
    assert plotted["months"] == months
    series = {k: v for k, v in plotted.items() if k != "months"}
    assert series == {
        x["source"]: [x["by_month"].get(m, 0) for m in months]
        for x in d["rows"]
        if x["new_customers"]
    }
    assert sum(map(sum, series.values())) == d["total"]["new_customers"] > 0
    lines = table(page.model)
    want = [*d["rows"], d["total"]]
    assert [s["Source"] for s in lines] == [x["source"] for x in d["rows"]] + ["Total"]
    for i, (s, x) in enumerate(zip(lines, want, strict=True)):
        who = s["Source"]
        assert (s["New customers"], s["Leads"], s["Leads won"]) == (
            x["new_customers"],
            x["leads"],
            x["leads_won"],
        ), who
        for title, key in (
            ("First-deal amount", "first_deal_amount"),
            ("Won amount", "won_amount"),
        ):
            assert cents(s[title]) == x[key], (who, title)
            assert shown(page.model, i, title) == money(tab, x[key]), (who, title)
        assert s["Lead → won"] == rate(x["lead_to_won_rate"]), who


def check_activity(tab: ReportsTab, r: dict[str, Json]) -> None:
    d = r["activity"]
    page = tab.pages["activity"]
    assert d["granularity"] == "week"
    kinds = [k for k in d["total"] if k != "total"]
    assert kinds == list(KIND_ORDER), "a kind the tab does not chart"
    # The chart: the team's done activities per week, stacked by kind.
    per_week: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for x in d["rows"]:
        for k in kinds:
            per_week[day(x["bucket"])][k] += x[k]
    weeks = sorted(per_week)[-CHART_WEEKS:]
    plotted = page.chart.plotted
    assert plotted["weeks"] == weeks
    for k in kinds:
        counts = [per_week[w][k] for w in weeks]
        if any(counts):
            assert plotted[k] == counts, k
        else:
            assert k not in plotted, k
    assert sum(sum(plotted.get(k, [])) for k in kinds) > 0
    # The table: per person and week, newest week first, then by name (descending).
    names = {x["owner_id"]: x["owner"] for x in d["rows"]}
    assert len(set(names.values())) == len(names), "two people of the same name"
    present = [k for k in kinds if d["total"][k]]
    want = sorted(d["rows"], key=lambda x: (x["bucket"], x["owner"]), reverse=True)
    lines = table(page.model)
    assert [(s["Salesperson"], s["Week of"]) for s in lines] == [
        (x["owner"], day(x["bucket"])) for x in want
    ]
    titles = [tab.kind_names.get(k, k) for k in present]
    for s, x in zip(lines, want, strict=True):
        assert [s[t] for t in titles] == [x[k] for k in present], (x["owner"], x["bucket"])
        assert s["Total"] == x["total"]
    assert sum(s["Total"] for s in lines) == d["total"]["total"]
    # Overdue tasks and rotting deals, listed under the chart.
    overdue = table(tab.overdue_model)
    assert len(overdue) == len(d["overdue"])
    for s, t in zip(overdue, d["overdue"], strict=True):
        due = s["Due"].astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        assert (s["Salesperson"], s["Kind"], s["Subject"], due) == (
            t["owner"],
            tab.kind_names.get(t["kind"], t["kind"]),
            t["subject"],
            t["due_at"],
        )
        assert s["Days overdue"] == days(t["days_overdue"])
    rotting = table(tab.rotting_model)
    assert len(rotting) == len(d["rotting"])
    for i, (s, t) in enumerate(zip(rotting, d["rotting"], strict=True)):
        assert (s["Deal"], s["Salesperson"], s["Stage"], s["Rots after (d)"]) == (
            t["title"],
            t["owner"],
            t["stage_name"],
            t["rot_days"],
        )
        assert cents(s["Amount"]) == t["amount"]
        assert shown(tab.rotting_model, i, "Amount") == money(tab, t["amount"])
        assert s["Days in stage"] == days(t["days_in_stage"])
        assert s["Days since activity"] == days(t["days_since_activity"])


CHECKS: dict[str, Callable[[ReportsTab, dict[str, Json]], None]] = {
    "funnel": check_funnel,
    "stages": check_stages,
    "forecast": check_forecast,
    "targets": check_targets,
    "performance": check_performance,
    "new_customers": check_new_customers,
    "activity": check_activity,
}


# --- the KPI cards against the JSON ------------------------------------------------------------
def _pts(now: Decimal | None, before: Decimal | None) -> str:
    """A rate card's change as the tab words it, from the JSON's rates."""
    if now is None or before is None:
        return ""
    d = (float(now) - float(before)) * 100
    if abs(d) < 0.05:
        return "= same as before"
    return f"{'▲' if d > 0 else '▼'} {abs(d):.1f} pts vs previous"


def _card_numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"[0-9][0-9,]*\.[0-9]+", text)]


def check_cards(tab: ReportsTab, r: dict[str, Json]) -> None:
    k, p = r["kpis"], r["kpis_previous"]
    cards = tab.cards
    assert cards["close_rate"].value.text() == fmt.percent(_float(k["close_rate"]))
    assert cards["close_rate"].delta.text() == _pts(k["close_rate"], p["close_rate"])
    assert cards["lead_conversion"].value.text() == fmt.percent(_float(k["lead_conversion_rate"]))
    assert cards["lead_conversion"].delta.text() == _pts(
        k["lead_conversion_rate"], p["lead_conversion_rate"]
    )
    # Days and hours: one decimal on the card, four in the JSON.
    card_tol = 0.05 + DAYS_ABS
    assert _card_numbers(cards["cycle"].value.text()) == [
        pytest.approx(float(k["avg_sales_cycle_days"]), abs=card_tol),
        pytest.approx(float(k["median_sales_cycle_days"]), abs=card_tol),
    ]
    assert _card_numbers(cards["response"].value.text()) == [
        pytest.approx(float(k["response_time_median_hours"]), abs=card_tol)
    ]
    assert cards["new_customers"].value.text() == fmt.number(k["new_customers"])
    change = k["new_customers"] - p["new_customers"]
    assert cards["new_customers"].delta.text() == (
        "= same as before"
        if change == 0
        else f"{'▲' if change > 0 else '▼'} {abs(change):,.0f} vs previous"
    )
    assert cards["won_amount"].value.text() == money(tab, k["won_amount"])
    change = k["won_amount"] - p["won_amount"]
    assert cards["won_amount"].delta.text() == (
        "= same as before"
        if change == 0
        else f"{'▲' if change > 0 else '▼'} {money(tab, abs(change))} vs previous"
    )
    assert cards["weighted_pipeline"].value.text() == money(tab, k["weighted_pipeline_amount"])
    assert cards["weighted_pipeline"].delta.text() == (
        f"of {money(tab, k['open_pipeline_amount'])} open"
    )
    # Won against target: the won-amount targets wholly inside the period (the team's own
    # when it has any), from the targets JSON.
    f = tab.current_filter()
    assert f.period_from is not None and f.period_to is not None
    inside = [
        t
        for t in r["targets"]["rows"]
        if t["metric"] == "won_amount"
        and day(t["period_start"]) >= f.period_from
        and day(t["period_end"]) <= f.period_to
    ]
    inside = [t for t in inside if t["owner_id"] is None] or inside
    card = cards["won_vs_target"]
    if not inside:
        assert (card.value.text(), card.delta.text()) == ("–", "no target for the period")
    else:
        goal = sum((t["value"] for t in inside), Decimal(0))
        actual = sum((t["actual"] for t in inside), Decimal(0))
        assert card.value.text() == fmt.percent(float(actual / goal))
        assert card.delta.text() == f"{money(tab, actual)} of {money(tab, goal)}"


# --- the tests ---------------------------------------------------------------------------------
def load_all_json(
    capsys: pytest.CaptureFixture[str], db: Database, tab: ReportsTab
) -> dict[str, Json]:
    """Every report of the CLI for the filter the tab shows, keyed as the tab's pages
    (``kpis_previous``: the KPIs of the period the cards compare with)."""
    f = tab.current_filter()
    assert tab.data is not None and tab.data.filter == f, "the tab shows another filter"
    zone = tab_zone(f)
    out = {key: run_cli(capsys, db, name, f, zone) for key, name in PAGE_REPORT.items()}
    for d in out.values():
        check_same_filter(db, tab, d)
    out["kpis"] = run_cli(capsys, db, "kpis", f, zone)
    assert f.period_from is not None and f.period_to is not None
    out["kpis_previous"] = run_cli(
        capsys, db, "kpis", f, zone, period=previous_range(f.period_from, f.period_to)
    )
    return out


PERIODS = [
    pytest.param(
        "this_quarter", None, None, (date(2026, 4, 1), date(2026, 7, 1)), None, id="this_quarter"
    ),
    # Across a year end, in a zone ahead of UTC (day boundaries are not UTC midnight).
    pytest.param(
        "custom",
        date(2025, 11, 10),
        date(2026, 2, 14),
        (date(2025, 11, 10), date(2026, 2, 15)),
        "Asia/Shanghai",
        id="custom_across_year_end-Asia_Shanghai",
    ),
]


@pytest.mark.parametrize(("key", "frm", "to", "want", "zone"), PERIODS)
def test_every_page_and_the_cards_agree_with_the_cli_json(
    agree_db: Database,
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    frm: date | None,
    to: date | None,
    want: tuple[date, date],
    zone: str | None,
) -> None:
    if zone is not None:  # this computer's zone, for the tab (tz=None) and for us
        monkeypatch.setenv("TZ", zone)
        assert local_timezone_name() == zone
    e = _tab_on(agree_db, qtbot)
    tab = e.tab
    try:
        choose_period(qtbot, tab, key, frm, to)
        f = tab.current_filter()
        assert (f.period_from, f.period_to) == want
        assert f.now == TAB_NOW
        if zone is not None:
            assert tab_zone(f) == zone
        reports = load_all_json(capsys, agree_db, tab)
        failures: list[str] = []
        for page_key, check in CHECKS.items():
            tab.tabs.setCurrentWidget(tab.pages[page_key])
            try:
                check(tab, reports)
            except AssertionError as exc:
                failures.append(f"{page_key}: {exc}")
        try:
            check_cards(tab, reports)
        except AssertionError as exc:
            failures.append(f"KPI cards: {exc}")
        assert not failures, "the tab and the CLI disagree:\n\n" + "\n\n".join(failures)
    finally:
        tab.wait_loaded()


def _bump(value: Any, by: Decimal | None = None) -> Any:
    """One figure changed by a little: a count by one, an amount by a cent, a rate or a
    number of days by a little more than the comparison allows (or by ``by``)."""
    if isinstance(value, bool) or value is None:
        raise AssertionError(f"not a figure: {value!r}")
    if isinstance(value, int):
        return value + 1
    assert isinstance(value, Decimal)
    if by is not None:
        return value + by
    if value.as_tuple().exponent == -2:  # an amount
        return value + CENT
    return value + Decimal("0.0002")


#: Per JSON report: where to change one figure that its page (or the cards) shows.
Where = Callable[[Json], tuple[Json, str]]
MUTATIONS: list[tuple[str, Where] | tuple[str, Where, Decimal]] = [
    ("funnel", lambda d: (d["total"]["stages"][1], "reached")),  # chart and table
    ("funnel", lambda d: (d["rows"][0], "lead_to_won")),  # table only
    ("stages", lambda d: (d["rows"][0], "median_days")),
    ("stages", lambda d: (d["rows"][2], "lost_here")),
    ("forecast", lambda d: (d["rows"][1], "weighted_history")),
    ("forecast", lambda d: (d["rows"][-2], "count")),  # "later": the table only
    ("forecast", lambda d: (d["history"][0], "actual")),
    ("targets", lambda d: (d["rows"][1], "actual")),
    ("targets", lambda d: (d["rows"][0], "expected_by_today")),
    ("performance", lambda d: (d["rows"][0], "won_amount")),
    ("performance", lambda d: (d["total"], "response_time_median_hours")),
    ("performance", lambda d: (d["rows"][-1], "rotting_deals")),
    ("new_customers", lambda d: (d["rows"][0], "leads")),
    ("new_customers", lambda d: (d["total"], "first_deal_amount")),
    ("activity", lambda d: (d["rows"][-1], "call")),
    ("activity", lambda d: (d["rotting"][0], "days_in_stage")),
    ("activity", lambda d: (d["overdue"][0], "days_overdue")),
    ("kpis", lambda d: (d, "won_amount")),
    ("kpis", lambda d: (d, "new_customers")),
    # A card shows a rate to 0.1 points: a change of 0.1 points shows.
    ("kpis", lambda d: (d, "close_rate"), Decimal("0.001")),
    ("kpis_previous", lambda d: (d, "lead_conversion_rate"), Decimal("0.001")),
    ("kpis_previous", lambda d: (d, "won_amount")),
]


def test_one_changed_figure_of_any_report_is_noticed(
    agree_db: Database, qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    """The comparisons above can fail: the JSON of this quarter agrees with the tab, and
    the same JSON with any one figure changed (a count by 1, an amount by a cent, days by
    0.0002) does not."""
    e = _tab_on(agree_db, qtbot)
    tab = e.tab
    try:
        reports = load_all_json(capsys, agree_db, tab)
        for check in CHECKS.values():
            check(tab, reports)
        check_cards(tab, reports)
        covered = set()
        for name, where, *by in MUTATIONS:
            changed = copy.deepcopy(reports)
            holder, field = where(changed[name])
            holder[field] = _bump(holder[field], *by)
            check = check_cards if name.startswith("kpis") else CHECKS[name]
            with pytest.raises(AssertionError):
                check(tab, changed)
            covered.add("kpis" if name.startswith("kpis") else name)
        assert covered == {*CHECKS, "kpis"}
    finally:
        tab.wait_loaded()
