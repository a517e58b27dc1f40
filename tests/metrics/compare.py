"""Field-by-field comparison of the service's value objects with the reference's.

Floats: ``pytest.approx(rel=1e-9, abs=1e-9)``. Decimals: equal after quantizing
both to 0.01 (half up). Rows whose order docs/metrics.md does not fix are
compared keyed (by owner, source, bucket key, target id, ...).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from crmdesk.domain.reports import MetricsFilter

from .reference import Reference

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def diff(got: Any, exp: Any, path: str = "") -> list[str]:
    """Every difference between ``got`` (service) and ``exp`` (reference), as messages."""
    out: list[str] = []
    _diff(got, exp, path, out)
    return out


def _diff(got: Any, exp: Any, path: str, out: list[str]) -> None:
    if exp is None or got is None:
        if not (exp is None and got is None):
            out.append(f"{path}: got {got!r}, expected {exp!r}")
        return
    if dataclasses.is_dataclass(exp) and not isinstance(exp, type):
        if type(got) is not type(exp):
            out.append(f"{path}: got a {type(got).__name__}, expected a {type(exp).__name__}")
            return
        for fld in dataclasses.fields(exp):
            _diff(getattr(got, fld.name), getattr(exp, fld.name), f"{path}.{fld.name}", out)
        return
    if isinstance(exp, bool) or isinstance(got, bool):
        if type(got) is not type(exp) or got != exp:
            out.append(f"{path}: got {got!r}, expected {exp!r}")
        return
    if isinstance(exp, float) or isinstance(got, float):
        if isinstance(got, Decimal) or not isinstance(got, int | float):
            out.append(f"{path}: got {got!r} ({type(got).__name__}), expected float {exp!r}")
        elif got != pytest.approx(exp, rel=1e-9, abs=1e-9):
            out.append(f"{path}: got {got!r}, expected {exp!r}")
        return
    if isinstance(exp, Decimal):
        if not isinstance(got, Decimal):
            out.append(f"{path}: got {got!r} ({type(got).__name__}), expected Decimal {exp}")
        elif cents(got) != cents(exp):
            out.append(f"{path}: got {got}, expected {exp}")
        return
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            out.append(f"{path}: got {type(got).__name__}, expected a dict")
            return
        for k in sorted(set(exp) | set(got), key=repr):
            if k not in got:
                out.append(f"{path}[{k!r}]: missing, expected {exp[k]!r}")
            elif k not in exp:
                out.append(f"{path}[{k!r}]: unexpected {got[k]!r}")
            else:
                _diff(got[k], exp[k], f"{path}[{k!r}]", out)
        return
    if isinstance(exp, tuple | list):
        if not isinstance(got, tuple | list):
            out.append(f"{path}: got {type(got).__name__}, expected a sequence")
            return
        if len(got) != len(exp):
            out.append(f"{path}: got {len(got)} items, expected {len(exp)}: {got!r} vs {exp!r}")
            return
        for i, (g, e) in enumerate(zip(got, exp, strict=True)):
            _diff(g, e, f"{path}[{i}]", out)
        return
    if isinstance(exp, datetime | date | int | str):
        if got != exp or type(got) is not type(exp):
            out.append(f"{path}: got {got!r}, expected {exp!r}")
        return
    raise TypeError(f"{path}: cannot compare {type(exp).__name__}")


def keyed(rows: Any, key: str | tuple[str, ...]) -> dict[Any, Any]:
    def k(r: Any) -> Any:
        if isinstance(key, tuple):
            return tuple(getattr(r, x) for x in key)
        return getattr(r, key)

    out = {k(r): r for r in rows}
    assert len(out) == len(rows), f"duplicate {key} in {rows!r}"
    return out


def unnamed(obj: Any, **fields: Any) -> Any:
    """``obj`` with the labels the page does not fix (team row name, total row) blanked."""
    return dataclasses.replace(obj, **fields)


def compare_all(svc: Any, ref: Reference, f: MetricsFilter, *, months: int = 6) -> list[str]:
    """Run every service call and the reference; every difference, by report."""
    problems: list[str] = []

    def check(name: str, got: Any, exp: Any) -> None:
        problems.extend(diff(got, exp, name))

    def team(rows: Any) -> Any:
        return [unnamed(r, owner_name="-") if r.owner_id is None else r for r in rows]

    check("kpis", svc.kpis(f), ref.kpis())
    check("stage_efficiency", svc.stage_efficiency(f), ref.stage_efficiency())

    fun, rfun = svc.funnel(f), ref.funnel()
    check("funnel.period", fun.period, rfun.period)
    check("funnel.team", unnamed(fun.team, owner_name="-"), unnamed(rfun.team, owner_name="-"))
    check("funnel.people", keyed(fun.people, "owner_id"), keyed(rfun.people, "owner_id"))
    for p in (fun.team, *fun.people):
        reached = [s.reached for s in p.stages]
        if reached != sorted(reached, reverse=True) or (reached and p.won > reached[-1]):
            problems.append(f"funnel[{p.owner_id}]: not monotone: {reached} then won {p.won}")

    nc, rnc = svc.new_customers(f), ref.new_customers()
    check("new_customers.period", nc.period, rnc.period)
    check("new_customers.rows", keyed(nc.rows, "source_id"), keyed(rnc.rows, "source_id"))
    blank = {"source_id": None, "source_name": "-"}
    check("new_customers.total", unnamed(nc.total, **blank), unnamed(rnc.total, **blank))

    fc, rfc = svc.forecast(f, months=months), ref.forecast(months)
    check("forecast.order", [b.key for b in fc.buckets], [b.key for b in rfc.buckets])
    check("forecast.history.order", [h.month for h in fc.history], [h.month for h in rfc.history])
    check("forecast.period", fc.period, rfc.period)
    check("forecast.buckets", keyed(fc.buckets, "key"), keyed(rfc.buckets, "key"))
    blank = {"key": "-", "month_start": None}
    check("forecast.total", unnamed(fc.total, **blank), unnamed(rfc.total, **blank))
    check("forecast.history", keyed(fc.history, "month"), keyed(rfc.history, "month"))

    tg, rtg = svc.targets(f), ref.targets()
    check("targets.period", tg.period, rtg.period)
    check(
        "targets.rows",
        keyed(team(tg.rows), "target_id"),
        keyed(team(rtg.rows), "target_id"),
    )

    pf, rpf = svc.performance(f), ref.performance()
    check(
        "performance.sum(won_amount)",
        sum((r.won_amount for r in pf.rows), Decimal(0)),
        pf.team.won_amount,
    )
    check(
        "performance.order(won_amount)",
        [r.won_amount for r in pf.rows],
        sorted((r.won_amount for r in pf.rows), reverse=True),
    )
    check("performance.period", pf.period, rpf.period)
    check("performance.rows", keyed(pf.rows, "owner_id"), keyed(rpf.rows, "owner_id"))
    check("performance.team", unnamed(pf.team, owner_name="-"), unnamed(rpf.team, owner_name="-"))

    for gran in ("week", "day"):
        ac, rac = svc.activity(f, granularity=gran), ref.activity(gran)
        name = f"activity[{gran}]"
        check(f"{name}.period", ac.period, rac.period)
        check(f"{name}.granularity", ac.granularity, rac.granularity)
        check(
            f"{name}.rows",
            keyed(ac.rows, ("owner_id", "bucket", "kind")),
            keyed(rac.rows, ("owner_id", "bucket", "kind")),
        )
        check(
            f"{name}.overdue", keyed(ac.overdue, "activity_id"), keyed(rac.overdue, "activity_id")
        )
        check(f"{name}.rotting", keyed(ac.rotting, "deal_id"), keyed(rac.rotting, "deal_id"))

    check("board_totals", svc.board_totals(f), ref.board_totals())
    check("deal_badges", svc.deal_badges(f), ref.deal_badges())
    return problems
