"""Drill-down: the list of deals behind one number of the reports.

``drill(db, filter, spec)`` returns the deals that make up the figure named by a
:class:`~crmdesk.domain.drill.DrillSpec`, so that the list's count and Σ amount
equal the number the user clicked. Each kind selects its deals with the very
conditions :class:`~crmdesk.metrics.service.MetricsService` counts them by: the
same resolved filter (``resolve``), the same building blocks (``_deal_conds``,
``_is_won``, ``_reached``, ``_rot_columns``, ``_first_wins``, ...) and the same
period helper, imported from the service rather than written again.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import case, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from crmdesk.db.engine import Database
from crmdesk.domain import FieldError, ValidationError
from crmdesk.domain.drill import (
    DRILL_KINDS,
    UNKNOWN_SOURCE,
    DrillResult,
    DrillRow,
    DrillSpec,
)
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics.context import Ctx, StageRef, resolve
from crmdesk.metrics.service import (
    ST,
    ZERO,
    C,
    D,
    MetricsService,
    U,
    _aware,
    _in_period,
    _money,
)
from crmdesk.metrics.sql import local_day_number

__all__ = ["drill"]

EPOCH_DAY = date(1970, 1, 1)  # day 0 of local_day_number
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

# The DrillSpec fields each kind takes: required (True) or optional (False).
_FIELDS: dict[str, dict[str, bool]] = {
    "created": {"source_id": False},
    "reached": {"stage_id": True},
    "won_now": {"source_id": False},
    "qualified": {},
    "open_here": {"stage_id": True},
    "lost_here": {"stage_id": True},
    "won": {},
    "lost": {},
    "open_pipeline": {"stage_id": False},
    "forecast": {"bucket": True},
    "new_customers": {"source_id": False, "bucket": False},
    "new_customer_wins": {"source_id": False},
    "rotting": {},
}
assert set(_FIELDS) == set(DRILL_KINDS)


def drill(
    db: Database, f: MetricsFilter, spec: DrillSpec, *, months: int = 6, lang: str | None = None
) -> DrillResult:
    """The deals behind the figure ``spec`` names, under filter ``f``, in one read
    transaction. ``months`` is the forecast's number of months (as
    ``MetricsService.forecast``), for the ``forecast`` kind.

    Raises :class:`ValidationError` for an unknown kind, a missing or unexpected
    field, a stage that is not an active open stage of the filter's pipeline, or a
    bucket the figure does not have. ``lang`` names the stages as
    :class:`MetricsService` does."""
    if months < 1:
        raise ValueError("months must be at least 1")
    with db.read() as s:
        return _drill(s, resolve(s, f), spec, MetricsService(db, lang=lang), months)


def _stage_label(name: str | None, names: dict[str, str] | None, lang: str | None) -> str:
    return ((names or {}).get(lang) if lang else None) or name or ""


def _drill(s: Session, ctx: Ctx, spec: DrillSpec, svc: MetricsService, months: int) -> DrillResult:
    conds = _conditions(svc, ctx, spec, months)
    stmt = (
        select(
            D.c.id,
            D.c.title,
            C.c.company,
            D.c.owner_id,
            U.c.name,
            D.c.stage_id,
            ST.c.name,
            ST.c.names,
            D.c.amount,
            D.c.created_at,
            D.c.closed_at,
            D.c.expected_close,
        )
        # Outer joins: the list holds exactly the deals the conditions select.
        .select_from(
            D.outerjoin(U, U.c.id == D.c.owner_id)
            .outerjoin(ST, ST.c.id == D.c.stage_id)
            .outerjoin(C, C.c.id == D.c.customer_id)
        )
        .where(*conds)
        .order_by(D.c.created_at, D.c.id)
    )
    rows = tuple(
        DrillRow(
            deal_id=r[0],
            title=r[1],
            customer_name=r[2],
            owner_id=r[3],
            owner_name=r[4] if r[4] is not None else str(r[3]),
            stage_id=r[5],
            stage_name=_stage_label(r[6], r[7], svc.lang),
            amount=_money(r[8]),
            created_at=_aware(r[9]),
            closed_at=_aware(r[10]) if r[10] is not None else None,
            expected_close=r[11],
        )
        for r in s.execute(stmt)
    )
    total = sum((r.amount for r in rows), ZERO)
    return DrillResult(spec, rows, len(rows), _money(total))


# --- conditions ------------------------------------------------------------------------


def _invalid(name: str, reason: str) -> ValidationError:
    return ValidationError(FieldError(name, "invalid", {"reason": reason}))


def _check_fields(spec: DrillSpec) -> None:
    takes = _FIELDS.get(spec.kind)
    if takes is None:
        raise _invalid("kind", f"unknown drill-down kind {spec.kind!r}")
    for name in ("stage_id", "source_id", "bucket"):
        value = getattr(spec, name)
        if value is None and takes.get(name):
            raise ValidationError(FieldError(name, "required"))
        if value is not None and name not in takes:
            raise _invalid(name, f"a {spec.kind!r} drill-down takes no {name}")


def _open_stage(ctx: Ctx, stage_id: int) -> tuple[int, StageRef]:
    """The index and stage of an active open stage of the filter's pipeline."""
    for i, st in enumerate(ctx.open_stages):
        if st.id == stage_id:
            return i, st
    raise _invalid("stage_id", f"stage {stage_id} is not an active open stage of the pipeline")


def _deal_source(source_id: int) -> ColumnElement[bool]:
    return D.c.source_id.is_(None) if source_id == UNKNOWN_SOURCE else D.c.source_id == source_id


def _forecast_bucket(ctx: Ctx, months: int, bucket: str) -> ColumnElement[bool]:
    """The deal's expected close falls in forecast bucket ``bucket``: the same CASE as
    ``MetricsService._forecast`` groups by (not importable: it is built inside that
    method), compared with the key."""
    month_starts = [ctx.month_start(ctx.today, k) for k in range(months + 1)]
    keys = ["overdue", *[ms.strftime("%Y-%m") for ms in month_starts[:-1]], "later", "no_date"]
    if bucket not in keys:
        raise _invalid("bucket", f"the forecast has no bucket {bucket!r} (buckets: {keys})")
    expr = case(
        (D.c.expected_close.is_(None), literal("no_date")),
        (D.c.expected_close < ctx.today, literal("overdue")),
        *[
            (
                D.c.expected_close < month_starts[k + 1],
                literal(month_starts[k].strftime("%Y-%m")),
            )
            for k in range(months)
        ],
        else_=literal("later"),
    )
    return expr == literal(bucket)


def _first_win_ids(svc: MetricsService, ctx: Ctx, spec: DrillSpec, column: str) -> Any:
    """``column`` (deal_id or customer_id) of the new customers' first wins in the
    period (``MetricsService._first_wins``), narrowed to the customer's source and to
    the local month of the first win as the new customers report groups them."""
    fw = svc._first_wins(ctx)
    cust = C.alias("drill_customer")
    conds: list[ColumnElement[bool]] = []
    if spec.source_id is not None:
        conds.append(
            cust.c.source_id.is_(None)
            if spec.source_id == UNKNOWN_SOURCE
            else cust.c.source_id == spec.source_id
        )
    if spec.bucket is not None:
        match = _MONTH.match(spec.bucket)
        try:
            first = date(int(match[1]), int(match[2]), 1) if match else None
            after = ctx.month_start(first, 1) if first else None
        except ValueError:  # year 0 or 9999-12
            first = after = None
        if first is None or after is None:
            raise _invalid("bucket", f"a month is written YYYY-MM, not {spec.bucket!r}")
        # The local day of the first win exactly as the report computes it. Guarded: in a
        # WHERE clause SQLite may evaluate it on every deal row before the join to the
        # customers (open deals: closed_at NULL), and the floor() SQLAlchemy gives SQLite
        # (Python's math.floor) raises on NULL.
        lo, hi = MetricsService._bounds(ctx)
        day = case(
            (fw.c.closed_at.is_not(None), local_day_number(fw.c.closed_at, ctx.tz, lo, hi)),
            else_=None,
        )
        conds += [day >= (first - EPOCH_DAY).days, day < (after - EPOCH_DAY).days]
    return (
        select(fw.c[column]).select_from(fw.join(cust, cust.c.id == fw.c.customer_id)).where(*conds)
    )


def _conditions(
    svc: MetricsService, ctx: Ctx, spec: DrillSpec, months: int
) -> list[ColumnElement[bool]]:
    _check_fields(spec)
    kind = spec.kind
    conds = svc._deal_conds(ctx)
    if spec.owner_id is not None:
        conds.append(D.c.owner_id == spec.owner_id)
    cohort = _in_period(D.c.created_at, ctx)
    closed = [D.c.closed_at.is_not(None), *_in_period(D.c.closed_at, ctx)]
    if kind in ("created", "won_now") and spec.source_id is not None:
        conds.append(_deal_source(spec.source_id))
    if kind == "created":
        conds += cohort
    elif kind == "reached":
        i, _st = _open_stage(ctx, spec.stage_id)  # type: ignore[arg-type]
        conds += [*cohort, svc._reached(ctx, i)]
    elif kind == "won_now":
        conds += [*cohort, svc._is_won(ctx)]
    elif kind == "qualified":
        conds += [*cohort, svc._reached(ctx, ctx.qualified_index)]
    elif kind == "open_here":
        _i, st = _open_stage(ctx, spec.stage_id)  # type: ignore[arg-type]
        conds += [*cohort, D.c.stage_id == st.id]
    elif kind == "lost_here":
        _i, st = _open_stage(ctx, spec.stage_id)  # type: ignore[arg-type]
        conds += [*cohort, svc._is_lost(ctx), D.c.lost_at_stage_id == st.id]
    elif kind == "won":
        conds += [*closed, svc._is_won(ctx)]
    elif kind == "lost":
        conds += [*closed, svc._is_lost(ctx)]
    elif kind == "open_pipeline":
        conds.append(svc._is_open(ctx))
        if spec.stage_id is not None:
            _i, st = _open_stage(ctx, spec.stage_id)
            conds.append(D.c.stage_id == st.id)
    elif kind == "forecast":
        conds += [svc._is_open(ctx), _forecast_bucket(ctx, months, spec.bucket or "")]
    elif kind == "rotting":
        rotting = svc._rot_columns(ctx)[3]
        conds += [svc._is_open(ctx), rotting == 1]
    elif kind == "new_customers":
        conds.append(D.c.id.in_(_first_win_ids(svc, ctx, spec, "deal_id")))
    elif kind == "new_customer_wins":
        conds += [
            svc._is_won(ctx),
            D.c.customer_id.is_not(None),
            *_in_period(D.c.closed_at, ctx),
            D.c.customer_id.in_(_first_win_ids(svc, ctx, spec, "customer_id")),
        ]
    else:  # pragma: no cover - _check_fields knows every kind
        raise AssertionError(kind)
    return conds
