"""Reports as text: JSON, aligned tables and CSV (``crmdesk report``).

Pure functions over the value objects of :mod:`crmdesk.domain.reports`; no Qt,
no database. Nothing here computes a sales figure: the values are the
service's, only converted (rates stay fractions, amounts keep their cents,
days and hours are rounded to 4 decimals) and laid out. The JSON layout is
documented in docs/metrics.md, "JSON layout".

- :func:`to_json_dict` gives the JSON-ready structure (amounts as ``Decimal``).
- :func:`render_json` writes it with exactly two decimals for every amount.
- :func:`render_table` aligns columns by display width (CJK characters count 2).
- :func:`render_csv` writes the JSON rows flattened, with formula-like text escaped.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from crmdesk.domain.csvsafe import write_csv
from crmdesk.domain.reports import (
    ActivityReport,
    AllReports,
    ForecastReport,
    Funnel,
    FunnelReport,
    Kpis,
    NewCustomersReport,
    NewCustomersRow,
    PerformanceReport,
    PerformanceRow,
    PeriodInfo,
    StageEfficiencyReport,
    TargetsReport,
)

__all__ = [
    "KPI_KEYS",
    "REPORT_NAMES",
    "FiltersInfo",
    "render",
    "render_csv",
    "render_json",
    "render_table",
    "to_json_dict",
]

#: The report names of ``crmdesk report``, in the order ``all`` lists them.
REPORT_NAMES = (
    "kpis",
    "stages",
    "funnel",
    "new-customers",
    "forecast",
    "targets",
    "performance",
    "activity",
    "all",
)

#: The keys of the ``kpis`` JSON object besides ``period``, in their order.
KPI_KEYS = (
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
)

#: Activity kinds in the order of their columns; a kind outside this list follows them.
ACTIVITY_KINDS = ("call", "meeting", "email", "task", "note")

CENT = Decimal("0.01")
NULL = "–"  # what a table shows for an undefined figure
TEAM = "Team"


@dataclass(frozen=True)
class FiltersInfo:
    """How the filter of a report reads to a person: names rather than ids.

    ``owners`` None means the whole team; ``source`` None means every source.
    ``stage_keys`` maps stage ids to keys, for rows that only carry the id.
    """

    owners: tuple[str, ...] | None = None
    pipeline: str = "default"
    source: str | None = None
    stage_keys: Mapping[int, str] = field(default_factory=dict)


# --- value conversion -----------------------------------------------------------------------


def _rate(x: float | None) -> float | None:
    return None if x is None else float(x)


def _days(x: float | None) -> float | None:
    """Days or hours: fractional, rounded to 4 decimals."""
    return None if x is None else round(float(x), 4)


def _amount(x: Decimal | None) -> Decimal | None:
    if x is None:
        return None
    x = Decimal(x)
    return x if x.as_tuple().exponent == -2 else x.quantize(CENT, rounding=ROUND_HALF_UP)


def _date(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _period(p: PeriodInfo) -> dict[str, Any]:
    return {"from": _date(p.date_from), "to": _date(p.date_to), "tz": p.tz}


def _filters(fi: FiltersInfo) -> dict[str, Any]:
    return {
        "owners": list(fi.owners) if fi.owners is not None else None,
        "pipeline": fi.pipeline,
        "source": fi.source,
    }


# --- JSON structure -----------------------------------------------------------------------------


def to_json_dict(report: Any, filters_info: FiltersInfo | None = None) -> dict[str, Any]:
    """The JSON structure of a report (or of :class:`AllReports`), amounts as ``Decimal``."""
    fi = filters_info or FiltersInfo()
    if isinstance(report, AllReports):
        return {
            "kpis": to_json_dict(report.kpis, fi),
            "stages": to_json_dict(report.stages, fi),
            "funnel": to_json_dict(report.funnel, fi),
            "new_customers": to_json_dict(report.new_customers, fi),
            "forecast": to_json_dict(report.forecast, fi),
            "targets": to_json_dict(report.targets, fi),
            "performance": to_json_dict(report.performance, fi),
            "activity": to_json_dict(report.activity, fi),
        }
    for cls, convert in _CONVERTERS:
        if isinstance(report, cls):
            return convert(report, fi)
    raise TypeError(f"not a report: {type(report).__name__}")


def _kpis(k: Kpis, fi: FiltersInfo) -> dict[str, Any]:
    return {
        "period": _period(k.period),
        "close_rate": _rate(k.close_rate),
        "lead_conversion_rate": _rate(k.lead_conversion_rate),
        "avg_sales_cycle_days": _days(k.avg_sales_cycle_days),
        "median_sales_cycle_days": _days(k.median_sales_cycle_days),
        "won_count": k.won_count,
        "won_amount": _amount(k.won_amount),
        "lost_count": k.lost_count,
        "avg_deal_size": _amount(k.avg_deal_size),
        "response_time_median_hours": _days(k.response_time_median_hours),
        "no_response_share": _rate(k.no_response_share),
        "new_customers": k.new_customers,
        "open_pipeline_amount": _amount(k.open_pipeline_amount),
        "weighted_pipeline_amount": _amount(k.weighted_pipeline_amount),
        "ltv_avg": _amount(k.ltv_avg),
    }


def _envelope(period: PeriodInfo, fi: FiltersInfo) -> dict[str, Any]:
    return {"period": _period(period), "filters": _filters(fi)}


def _stages(r: StageEfficiencyReport, fi: FiltersInfo) -> dict[str, Any]:
    rows = [
        {
            "stage": row.stage_key,
            "stage_name": row.stage_name,
            "reached": row.reached,
            "advanced": row.advanced,
            "conversion": _rate(row.conversion),
            "lost_here": row.lost_here,
            "open_here": row.open_here,
            "avg_days": _days(row.avg_days),
            "median_days": _days(row.median_days),
            "visits": row.visits,
            "bottleneck": row.stage_id == r.bottleneck_stage_id,
        }
        for row in r.rows
    ]
    neck = next((row for row in r.rows if row.stage_id == r.bottleneck_stage_id), None)
    return {
        **_envelope(r.period, fi),
        "rows": rows,
        "total": {
            "bottleneck": neck.stage_key if neck else None,
            "bottleneck_name": neck.stage_name if neck else None,
        },
    }


def _funnel_dict(f: Funnel) -> dict[str, Any]:
    neck = next((s for s in f.stages if s.stage_id == f.bottleneck_stage_id), None)
    return {
        "owner": f.owner_name,
        "owner_id": f.owner_id,
        "created": f.created,
        "stages": [
            {
                "stage": s.stage_key,
                "stage_name": s.stage_name,
                "reached": s.reached,
                "conversion": _rate(s.conversion),
                "bottleneck": s.stage_id == f.bottleneck_stage_id,
            }
            for s in f.stages
        ],
        "won": f.won,
        "lead_to_won": _rate(f.lead_to_won),
        "bottleneck": neck.stage_key if neck else None,
    }


def _funnel(r: FunnelReport, fi: FiltersInfo) -> dict[str, Any]:
    return {
        **_envelope(r.period, fi),
        "rows": [_funnel_dict(p) for p in r.people],
        "total": _funnel_dict(r.team),
    }


def _new_customers_row(row: NewCustomersRow) -> dict[str, Any]:
    return {
        "source": row.source_name,
        "source_id": row.source_id,
        "new_customers": row.new_customers,
        "by_month": dict(sorted(row.by_month.items())),
        "first_deal_amount": _amount(row.first_deal_amount),
        "won_amount": _amount(row.won_amount),
        "leads": row.leads,
        "leads_won": row.leads_won,
        "lead_to_won_rate": _rate(row.lead_to_won_rate),
    }


def _new_customers(r: NewCustomersReport, fi: FiltersInfo) -> dict[str, Any]:
    return {
        **_envelope(r.period, fi),
        "rows": [_new_customers_row(row) for row in r.rows],
        "total": _new_customers_row(r.total),
    }


def _forecast(r: ForecastReport, fi: FiltersInfo) -> dict[str, Any]:
    def bucket(b: Any) -> dict[str, Any]:
        return {
            "bucket": b.key,
            "month_start": _date(b.month_start),
            "count": b.count,
            "amount": _amount(b.amount),
            "weighted_stage": _amount(b.weighted_stage),
            "weighted_history": _amount(b.weighted_history),
        }

    return {
        **_envelope(r.period, fi),
        "rows": [bucket(b) for b in r.buckets],
        "total": bucket(r.total),
        "history": [
            {"month": h.month, "forecast": _amount(h.forecast), "actual": _amount(h.actual)}
            for h in r.history
        ],
    }


def _targets(r: TargetsReport, fi: FiltersInfo) -> dict[str, Any]:
    rows = [
        {
            "target_id": t.target_id,
            "owner": t.owner_name,
            "owner_id": t.owner_id,
            "metric": t.metric,
            "period_start": _date(t.period_start),
            "period_end": _date(t.period_end),
            "value": _amount(t.value),
            "actual": _amount(t.actual),
            "attainment": _rate(t.attainment),
            "expected_by_today": _amount(t.expected_by_today),
            "pace": t.pace,
            "gap": _amount(t.gap),
        }
        for t in r.rows
    ]
    return {**_envelope(r.period, fi), "rows": rows, "total": {"count": len(rows)}}


def _performance_row(p: PerformanceRow) -> dict[str, Any]:
    return {
        "owner": p.owner_name,
        "owner_id": p.owner_id,
        "won_count": p.won_count,
        "won_amount": _amount(p.won_amount),
        "close_rate": _rate(p.close_rate),
        "avg_deal_size": _amount(p.avg_deal_size),
        "avg_cycle_days": _days(p.avg_cycle_days),
        "lead_conversion_rate": _rate(p.lead_conversion_rate),
        "response_time_median_hours": _days(p.response_time_median_hours),
        "activities_done": p.activities_done,
        "open_pipeline_amount": _amount(p.open_pipeline_amount),
        "weighted_pipeline_amount": _amount(p.weighted_pipeline_amount),
        "rotting_deals": p.rotting_deals,
        "target_attainment": _rate(p.target_attainment),
    }


def _performance(r: PerformanceReport, fi: FiltersInfo) -> dict[str, Any]:
    return {
        **_envelope(r.period, fi),
        "rows": [_performance_row(p) for p in r.rows],
        "total": _performance_row(r.team),
    }


def _activity(r: ActivityReport, fi: FiltersInfo) -> dict[str, Any]:
    extra = sorted({c.kind for c in r.rows} - set(ACTIVITY_KINDS))
    kinds = (*ACTIVITY_KINDS, *extra)
    grouped: dict[tuple[int, date], dict[str, Any]] = {}
    for c in r.rows:  # the service's order: owner name, bucket, kind
        row = grouped.get((c.owner_id, c.bucket))
        if row is None:
            row = {"owner": c.owner_name, "owner_id": c.owner_id, "bucket": _date(c.bucket)}
            row.update(dict.fromkeys(kinds, 0))
            row["total"] = 0
            grouped[(c.owner_id, c.bucket)] = row
        row[c.kind] += c.count
        row["total"] += c.count
    total: dict[str, int] = dict.fromkeys(kinds, 0)
    for c in r.rows:
        total[c.kind] += c.count
    total["total"] = sum(c.count for c in r.rows)
    return {
        **_envelope(r.period, fi),
        "granularity": r.granularity,
        "rows": list(grouped.values()),
        "total": total,
        "overdue": [
            {
                "activity_id": t.activity_id,
                "owner": t.owner_name,
                "owner_id": t.owner_id,
                "kind": t.kind,
                "subject": t.subject,
                "due_at": _instant(t.due_at),
                "days_overdue": _days(t.days_overdue),
                "deal_id": t.deal_id,
                "customer_id": t.customer_id,
            }
            for t in r.overdue
        ],
        "rotting": [
            {
                "deal_id": d.deal_id,
                "title": d.title,
                "owner": d.owner_name,
                "owner_id": d.owner_id,
                "stage": fi.stage_keys.get(d.stage_id),
                "stage_name": d.stage_name,
                "amount": _amount(d.amount),
                "rot_days": d.rot_days,
                "days_in_stage": _days(d.days_in_stage),
                "days_since_activity": _days(d.days_since_activity),
            }
            for d in r.rotting
        ],
    }


def _instant(t: datetime) -> str:
    """An aware instant as ISO 8601 in UTC, to the second."""
    return t.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


_CONVERTERS: tuple[tuple[type, Callable[[Any, FiltersInfo], dict[str, Any]]], ...] = (
    (Kpis, _kpis),
    (StageEfficiencyReport, _stages),
    (FunnelReport, _funnel),
    (NewCustomersReport, _new_customers),
    (ForecastReport, _forecast),
    (TargetsReport, _targets),
    (PerformanceReport, _performance),
    (ActivityReport, _activity),
)

#: ``all`` key → (report name, table title).
_SECTIONS = {
    "kpis": ("kpis", "Key figures"),
    "stages": ("stages", "Stage efficiency"),
    "funnel": ("funnel", "Funnel"),
    "new_customers": ("new-customers", "New customers"),
    "forecast": ("forecast", "Forecast"),
    "targets": ("targets", "Targets"),
    "performance": ("performance", "Performance"),
    "activity": ("activity", "Activity"),
}


# --- JSON text --------------------------------------------------------------------------------


def render_json(report: Any, filters_info: FiltersInfo | None = None, *, indent: int = 2) -> str:
    """The report as JSON text: amounts with exactly two decimals, non-ASCII kept."""
    return _encode(to_json_dict(report, filters_info), indent, 0)


def _encode(value: Any, indent: int, level: int) -> str:
    """Like ``json.dumps(value, indent=indent, ensure_ascii=False)``, but a ``Decimal`` is
    written as a number with its two decimals (the json module cannot write Decimals)."""
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} as JSON")
        return format(_amount(value), "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} as JSON")
        return json.dumps(value)
    pad = "\n" + " " * (indent * (level + 1))
    end = "\n" + " " * (indent * level)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {_encode(v, indent, level + 1)}"
            for k, v in value.items()
        )
        return "{" + pad + ("," + pad).join(items) + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return (
            "[" + pad + ("," + pad).join(_encode(v, indent, level + 1) for v in value) + end + "]"
        )
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# --- tables -------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide and full-width characters (CJK) take 2,
    combining marks 0, everything else (ambiguous width included) 1."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _fit(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def _fmt_rate(x: Any) -> str:
    return NULL if x is None else f"{x * 100:.1f}%"


def _fmt_money(x: Any) -> str:
    return NULL if x is None else f"{Decimal(x):,.2f}"


def _fmt_days(x: Any) -> str:
    return NULL if x is None else f"{x:,.1f}"


def _fmt_int(x: Any) -> str:
    return NULL if x is None else f"{x:,}"


def _fmt_text(x: Any) -> str:
    return NULL if x is None else " ".join(str(x).split())


def _fmt_id(x: Any) -> str:
    return NULL if x is None else str(x)


def _fmt_yes(x: Any) -> str:
    return "yes" if x else ""


def _fmt_cell(x: Any) -> str:
    """Text formatted already (a number with its unit); right-aligned like a number."""
    return NULL if x is None else str(x)


_FMT: dict[str, Callable[[Any], str]] = {
    "rate": _fmt_rate,
    "money": _fmt_money,
    "days": _fmt_days,
    "int": _fmt_int,
    "id": _fmt_id,
    "text": _fmt_text,
    "yes": _fmt_yes,
    "cell": _fmt_cell,
}

Column = tuple[str, str, str]  # (header, key, kind)


def _grid(
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    footer: Sequence[Mapping[str, Any]] = (),
) -> list[str]:
    """An aligned table: header, rule, rows, and a rule before the footer rows.
    Every line has the same display width; text is left-aligned, numbers right-aligned."""
    cells = [[_FMT[kind](row.get(key)) for _, key, kind in columns] for row in (*rows, *footer)]
    widths = [
        max([display_width(h), *(display_width(c[i]) for c in cells)])
        for i, (h, _, _) in enumerate(columns)
    ]
    right = [kind not in ("text", "yes") for _, _, kind in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(_fit(v, w, r) for v, w, r in zip(values, widths, right, strict=True))

    rule = "  ".join("-" * w for w in widths)
    out = [line([h for h, _, _ in columns]), rule]
    out += [line(c) for c in cells[: len(rows)]]
    if footer and rows:
        out.append(rule)
        out += [line(c) for c in cells[len(rows) :]]
    return out


def _period_text(p: Mapping[str, Any]) -> str:
    lo, hi = p["from"], p["to"]
    if lo and hi:
        span = f"{lo} up to {hi} (not included)"
    elif lo:
        span = f"from {lo}"
    elif hi:
        span = f"before {hi}"
    else:
        span = "all time"
    return f"Period: {span}, time zone {p['tz']}"


def _filters_text(f: Mapping[str, Any]) -> str:
    owners = ", ".join(f["owners"]) if f["owners"] is not None else "the team"
    source = f["source"] if f["source"] is not None else "all"
    return f"Pipeline: {f['pipeline']}; owners: {owners}; source: {source}"


def _head(title: str, d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    return [title, _period_text(d["period"]), _filters_text(d.get("filters") or _filters(fi)), ""]


_KPI_LINES: tuple[tuple[str, str, str], ...] = (
    ("Close rate", "close_rate", "rate"),
    ("Lead conversion rate", "lead_conversion_rate", "rate"),
    ("Average sales cycle (days)", "avg_sales_cycle_days", "days"),
    ("Median sales cycle (days)", "median_sales_cycle_days", "days"),
    ("Won deals", "won_count", "int"),
    ("Won amount", "won_amount", "money"),
    ("Lost deals", "lost_count", "int"),
    ("Average deal size", "avg_deal_size", "money"),
    ("Median response time (hours)", "response_time_median_hours", "days"),
    ("Share without response", "no_response_share", "rate"),
    ("New customers", "new_customers", "int"),
    ("Open pipeline", "open_pipeline_amount", "money"),
    ("Weighted pipeline", "weighted_pipeline_amount", "money"),
    ("Average lifetime value", "ltv_avg", "money"),
)


def _table_kpis(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    rows = [{"label": label, "value": _FMT[kind](d[key])} for label, key, kind in _KPI_LINES]
    cols: list[Column] = [("Figure", "label", "text"), ("Value", "value", "cell")]
    return [*_head("Key figures", d, fi), *_grid(cols, rows)]


def _table_stages(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    cols: list[Column] = [
        ("Stage", "stage_name", "text"),
        ("Reached", "reached", "int"),
        ("Advanced", "advanced", "int"),
        ("Conversion", "conversion", "rate"),
        ("Lost here", "lost_here", "int"),
        ("Open here", "open_here", "int"),
        ("Avg days", "avg_days", "days"),
        ("Median days", "median_days", "days"),
        ("Visits", "visits", "int"),
        ("Bottleneck", "bottleneck", "yes"),
    ]
    neck = d["total"]["bottleneck_name"]
    return [
        *_head("Stage efficiency", d, fi),
        *_grid(cols, d["rows"]),
        "",
        f"Bottleneck: {neck if neck is not None else NULL}",
    ]


def _table_funnel(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    team = d["total"]
    names = {s["stage"]: s["stage_name"] for s in team["stages"]}

    def flat(f: Mapping[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {
            "owner": f["owner"],
            "created": f["created"],
            "won": f["won"],
            "lead_to_won": f["lead_to_won"],
            "bottleneck": names.get(f["bottleneck"], f["bottleneck"]),
        }
        for s in f["stages"]:
            row[f"s:{s['stage']}"] = f"{s['reached']:,} ({_fmt_rate(s['conversion'])})"
        return row

    cols: list[Column] = [("Owner", "owner", "text"), ("Created", "created", "int")]
    cols += [(s["stage_name"], f"s:{s['stage']}", "cell") for s in team["stages"]]
    cols += [
        ("Won", "won", "int"),
        ("Lead to won", "lead_to_won", "rate"),
        ("Bottleneck", "bottleneck", "text"),
    ]
    return [
        *_head("Funnel", d, fi),
        "Each stage: deals that reached it (conversion to the next stage, or to won).",
        "",
        *_grid(cols, [flat(r) for r in d["rows"]], [flat(team)]),
    ]


def _table_new_customers(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    cols: list[Column] = [
        ("Source", "source", "text"),
        ("New customers", "new_customers", "int"),
        ("First deal amount", "first_deal_amount", "money"),
        ("Won amount", "won_amount", "money"),
        ("Leads", "leads", "int"),
        ("Leads won", "leads_won", "int"),
        ("Lead to won", "lead_to_won_rate", "rate"),
    ]
    out = [*_head("New customers", d, fi), *_grid(cols, d["rows"], [d["total"]])]
    months = list(d["total"]["by_month"])
    if months:
        mcols: list[Column] = [("Month", "month", "text")]
        mcols += [(r["source"], f"m:{i}", "int") for i, r in enumerate(d["rows"])]
        mcols.append(("Total", "total", "int"))
        mrows = []
        for month in months:
            row: dict[str, Any] = {"month": month, "total": d["total"]["by_month"][month]}
            for i, r in enumerate(d["rows"]):
                row[f"m:{i}"] = r["by_month"].get(month, 0)
            mrows.append(row)
        out += ["", "New customers by month of their first win", "", *_grid(mcols, mrows)]
    return out


def _table_forecast(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    labels = {"overdue": "Overdue", "later": "Later", "no_date": "No date", "total": "Total"}
    rows = [{**b, "label": labels.get(b["bucket"], b["bucket"])} for b in d["rows"]]
    total = {**d["total"], "label": "Total"}
    cols: list[Column] = [
        ("Expected close", "label", "text"),
        ("Deals", "count", "int"),
        ("Amount", "amount", "money"),
        ("Weighted (stage)", "weighted_stage", "money"),
        ("Weighted (history)", "weighted_history", "money"),
    ]
    out = [*_head("Forecast", d, fi), *_grid(cols, rows, [total])]
    if d["history"]:
        hcols: list[Column] = [
            ("Month", "month", "text"),
            ("Forecast", "forecast", "money"),
            ("Actual", "actual", "money"),
        ]
        out += ["", "Forecast against actual", "", *_grid(hcols, d["history"])]
    return out


def _table_targets(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    def flat(t: Mapping[str, Any]) -> dict[str, Any]:
        fmt = _fmt_money if t["metric"] == "won_amount" else _fmt_count
        return {
            **t,
            "span": f"{t['period_start']} – {t['period_end']}",
            "value_t": fmt(t["value"]),
            "actual_t": fmt(t["actual"]),
            "expected_t": fmt(t["expected_by_today"]),
            "gap_t": fmt(t["gap"]),
            "pace_t": t["pace"].replace("_", " "),
        }

    cols: list[Column] = [
        ("Owner", "owner", "text"),
        ("Metric", "metric", "text"),
        ("Period", "span", "text"),
        ("Target", "value_t", "cell"),
        ("Actual", "actual_t", "cell"),
        ("Attainment", "attainment", "rate"),
        ("Expected by today", "expected_t", "cell"),
        ("Pace", "pace_t", "text"),
        ("To go", "gap_t", "cell"),
    ]
    if not d["rows"]:
        return [*_head("Targets", d, fi), "No target in this period."]
    return [*_head("Targets", d, fi), *_grid(cols, [flat(t) for t in d["rows"]])]


def _fmt_count(x: Any) -> str:
    """A count held as a decimal (a target of 64 deals): without cents when whole."""
    if x is None:
        return NULL
    x = Decimal(x)
    return f"{x:,.0f}" if x == x.to_integral_value() else f"{x:,.2f}"


def _table_performance(d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    cols: list[Column] = [
        ("Owner", "owner", "text"),
        ("Won", "won_count", "int"),
        ("Won amount", "won_amount", "money"),
        ("Close rate", "close_rate", "rate"),
        ("Avg deal", "avg_deal_size", "money"),
        ("Cycle days", "avg_cycle_days", "days"),
        ("Lead conv.", "lead_conversion_rate", "rate"),
        ("Response h", "response_time_median_hours", "days"),
        ("Activities", "activities_done", "int"),
        ("Open pipeline", "open_pipeline_amount", "money"),
        ("Weighted", "weighted_pipeline_amount", "money"),
        ("Rotting", "rotting_deals", "int"),
        ("Target att.", "target_attainment", "rate"),
    ]
    return [*_head("Performance", d, fi), *_grid(cols, d["rows"], [d["total"]])]


def _table_activity(d: Mapping[str, Any], fi: FiltersInfo, tz: str) -> list[str]:
    kinds = [k for k in d["total"] if k != "total"]
    bucket = "Week of" if d["granularity"] == "week" else "Day"
    cols: list[Column] = [("Owner", "owner", "text"), (bucket, "bucket", "text")]
    cols += [(k.title(), k, "int") for k in kinds]
    cols.append(("Total", "total", "int"))
    total = {**d["total"], "owner": "Total", "bucket": ""}
    out = [*_head(f"Activity (done, per {d['granularity']})", d, fi)]
    out += _grid(cols, d["rows"], [total]) if d["rows"] else ["No done activity in this period."]
    zone = ZoneInfo(tz)
    overdue = [
        {
            **t,
            "due": datetime.fromisoformat(t["due_at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        }
        for t in d["overdue"]
    ]
    ocols: list[Column] = [
        ("Owner", "owner", "text"),
        ("Kind", "kind", "text"),
        ("Subject", "subject", "text"),
        ("Due", "due", "text"),
        ("Days overdue", "days_overdue", "days"),
        ("Deal", "deal_id", "id"),
        ("Customer", "customer_id", "id"),
    ]
    out += ["", f"Overdue tasks: {len(overdue):,}"]
    if overdue:
        out += ["", *_grid(ocols, overdue)]
    rcols: list[Column] = [
        ("Deal", "deal_id", "id"),
        ("Title", "title", "text"),
        ("Owner", "owner", "text"),
        ("Stage", "stage_name", "text"),
        ("Amount", "amount", "money"),
        ("Rot days", "rot_days", "int"),
        ("Days in stage", "days_in_stage", "days"),
        ("Days since activity", "days_since_activity", "days"),
    ]
    out += ["", f"Rotting deals: {len(d['rotting']):,}"]
    if d["rotting"]:
        out += ["", *_grid(rcols, d["rotting"])]
    return out


def render_table(report: Any, filters_info: FiltersInfo | None = None) -> str:
    """The report as aligned text tables, each with a title, the period and the filters;
    :class:`AllReports` gives every report one after another."""
    fi = filters_info or FiltersInfo()
    d = to_json_dict(report, fi)
    if isinstance(report, AllReports):
        blocks = [_table_block(key, d[key], fi) for key in _SECTIONS]
        return "\n\n\n".join("\n".join(b) for b in blocks) + "\n"
    key = _section_of(report)
    return "\n".join(_table_block(key, d, fi)) + "\n"


def _section_of(report: Any) -> str:
    for (cls, _), key in zip(_CONVERTERS, _SECTIONS, strict=True):
        if isinstance(report, cls):
            return key
    raise TypeError(f"not a report: {type(report).__name__}")


def _table_block(key: str, d: Mapping[str, Any], fi: FiltersInfo) -> list[str]:
    if key == "activity":
        return _table_activity(d, fi, d["period"]["tz"])
    return {
        "kpis": _table_kpis,
        "stages": _table_stages,
        "funnel": _table_funnel,
        "new_customers": _table_new_customers,
        "forecast": _table_forecast,
        "targets": _table_targets,
        "performance": _table_performance,
    }[key](d, fi)


# --- CSV ----------------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    """A value as its CSV text: amounts with two decimals, ``true``/``false``, numbers as
    the csv module writes them. :func:`write_csv` then escapes formula-like text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(_amount(value), "f")
    return value


def _flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts become ``parent.child`` columns; a funnel's stage list becomes
    ``stages.<key>.reached`` and ``stages.<key>.conversion``."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if key == "stages" and isinstance(value, list):
            for s in value:
                out[f"{name}.{s['stage']}.reached"] = s["reached"]
                out[f"{name}.{s['stage']}.conversion"] = s["conversion"]
        elif isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _csv_table(rows: Iterable[Mapping[str, Any]], fill: Any = None) -> str:
    flat = [_flatten(r) for r in rows]
    header: list[str] = []
    for r in flat:
        header += [k for k in r if k not in header]
    return write_csv(([_csv_value(r.get(h, fill)) for h in header] for r in flat), header)


def _csv_blocks(key: str, d: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(block name, CSV text) for one report: its rows (the total last, where the total
    is a row of the same shape), then its extra lists."""
    name = _SECTIONS[key][0]
    if key == "kpis":
        return [(name, _csv_table([d]))]
    rows = list(d["rows"])
    if key in ("funnel", "performance", "forecast"):
        rows.append(d["total"])
    elif key == "new_customers":
        rows.append(d["total"])
        months = list(d["total"]["by_month"])
        rows = [{**r, "by_month": {m: r["by_month"].get(m, 0) for m in months}} for r in rows]
    elif key == "activity" and rows:
        rows.append({"owner": "Total", "owner_id": None, "bucket": None, **d["total"]})
    if not rows:
        header = {"stages": "stage", "targets": "target_id", "activity": "owner"}.get(key, "")
        blocks = [(name, header + "\n")]
    else:
        blocks = [(name, _csv_table(rows))]
    if key == "forecast":
        blocks.append((f"{name}.history", _csv_table(d["history"]) if d["history"] else "month\n"))
    if key == "activity":
        for extra in ("overdue", "rotting"):
            text = (
                _csv_table(d[extra])
                if d[extra]
                else ("activity_id\n" if extra == "overdue" else "deal_id\n")
            )
            blocks.append((f"{name}.{extra}", text))
    return blocks


def render_csv(report: Any, filters_info: FiltersInfo | None = None) -> str:
    """The report's rows as CSV (header first). Where there is more than one block (``all``,
    forecast history, overdue tasks, rotting deals), each block follows a ``# name`` line
    and blocks are separated by a blank line."""
    fi = filters_info or FiltersInfo()
    d = to_json_dict(report, fi)
    if isinstance(report, AllReports):
        blocks = [b for key in _SECTIONS for b in _csv_blocks(key, d[key])]
    else:
        blocks = _csv_blocks(_section_of(report), d)
    if len(blocks) == 1:
        return blocks[0][1]
    return "\n".join(f"# {name}\n{text}" for name, text in blocks)


def render(report: Any, fmt: str, filters_info: FiltersInfo | None = None) -> str:
    """The report in ``fmt``: ``table``, ``json`` or ``csv``; ends with a newline."""
    if fmt == "json":
        return render_json(report, filters_info) + "\n"
    if fmt == "csv":
        return render_csv(report, filters_info)
    if fmt == "table":
        return render_table(report, filters_info)
    raise ValueError(f"unknown format {fmt!r}")
