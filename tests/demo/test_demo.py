"""The demo data generator: reproducible, consistent, and varied enough for every metric."""

from __future__ import annotations

import os
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from db.test_derived_facts import assert_facts
from sqlalchemy import func, select, text

from crmdesk.db import models as m
from crmdesk.db.bulk import ACTIVITY_TRIGGERS, SUSPENDED
from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import open_database, table_counts
from crmdesk.demo import DemoError, DemoSummary, build_demo

NOW = datetime(2025, 6, 15, 10, tzinfo=UTC)
DEALS = 300


def _open(path: Path) -> Database:
    return open_database(path).db


def _build(path: Path, **kwargs: Any) -> tuple[Database, DemoSummary]:
    db = _open(path)
    kwargs.setdefault("deals", DEALS)
    kwargs.setdefault("now", NOW)
    return db, build_demo(db, **kwargs)


def _rows(db: Database, model: Any) -> list[tuple[Any, ...]]:
    table = model.__table__
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(table).order_by(table.c.id)).all()]


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every generated row; the admin user is left out (setup stamps it with the clock)."""
    dump = {
        model.__tablename__: _rows(db, model)
        for model in (m.User, m.Customer, m.Contact, m.Deal, m.StageTransition, m.Activity,
                      m.Target)
    }  # fmt: skip
    dump["users"] = [row for row in dump["users"] if row[3] != "admin"]
    return dump


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, DemoSummary]:
    db, summary = _build(tmp_path_factory.mktemp("demo") / "demo.sqlite3", seed=1)
    yield db, summary
    db.dispose()


@pytest.fixture(scope="module")
def data(demo: tuple[Database, DemoSummary]) -> dict[str, Any]:
    """Everything the checks need, as plain Python."""
    db, _ = demo
    with db.read() as s:
        stages = {st.id: st for st in s.execute(select(m.Stage)).scalars()}
        deals = list(s.execute(select(m.Deal).order_by(m.Deal.id)).scalars())
        transitions = list(
            s.execute(select(m.StageTransition).order_by(m.StageTransition.id)).scalars()
        )
        activities = list(s.execute(select(m.Activity).order_by(m.Activity.id)).scalars())
        users = list(s.execute(select(m.User).order_by(m.User.id)).scalars())
        targets = list(s.execute(select(m.Target).order_by(m.Target.id)).scalars())
        customers = list(s.execute(select(m.Customer).order_by(m.Customer.id)).scalars())
    by_deal: dict[int, list[m.StageTransition]] = defaultdict(list)
    for t in transitions:
        by_deal[t.deal_id].append(t)
    return {
        "stages": stages,
        "deals": deals,
        "transitions": transitions,
        "by_deal": by_deal,
        "activities": activities,
        "users": users,
        "targets": targets,
        "customers": customers,
    }


# --- reproducibility ---------------------------------------------------------------


def test_same_seed_gives_identical_rows(tmp_path: Path) -> None:
    db1, _ = _build(tmp_path / "a.sqlite3", seed=7)
    db2, _ = _build(tmp_path / "b.sqlite3", seed=7)
    db3, _ = _build(tmp_path / "c.sqlite3", seed=8)
    try:
        d1, d2, d3 = _dump(db1), _dump(db2), _dump(db3)
        assert d1 == d2
        assert d1["deals"] != d3["deals"]
        assert d1["stage_transitions"] != d3["stage_transitions"]
    finally:
        for db in (db1, db2, db3):
            db.dispose()


def test_summary_matches_the_tables(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    counts = table_counts(db)
    assert summary.deals == counts["deals"] == DEALS
    assert summary.transitions == counts["stage_transitions"]
    assert summary.activities == counts["activities"]
    assert summary.customers == counts["customers"] >= 75
    assert summary.contacts == counts["contacts"]
    assert summary.targets == counts["targets"]
    assert summary.users == counts["users"] - 1  # plus the admin of ensure_initialized
    assert summary.seconds >= 0


def test_every_trigger_kept_fact_is_exact(demo: tuple[Database, DemoSummary]) -> None:
    """The demo writes its deals, history and activities with their fact triggers set
    aside (crmdesk.db.bulk) and computes the facts at the end: they equal the plain
    fold of the rows, and the triggers are back."""
    db, summary = demo
    facts, visits = assert_facts(db)
    assert len(facts) == summary.deals and len(visits) == summary.transitions
    assert any(f.first_response_at is not None for f in facts.values())
    with db.read() as s:
        names = set(
            s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        )
    assert set(SUSPENDED) | set(ACTIVITY_TRIGGERS) <= names


def test_progress_is_reported(tmp_path: Path) -> None:
    messages: list[str] = []
    db, _ = _build(tmp_path / "p.sqlite3", deals=40, progress=messages.append)
    db.dispose()
    assert "deals 40/40" in messages


# --- consistency ---------------------------------------------------------------------


def test_every_deal_agrees_with_its_history(data: dict[str, Any]) -> None:
    stages = data["stages"]
    by_deal = data["by_deal"]
    assert sum(len(v) for v in by_deal.values()) == len(data["transitions"])
    for deal in data["deals"]:
        history = by_deal[deal.id]
        assert history, deal.id
        first, last = history[0], history[-1]
        assert first.from_stage_id is None
        assert first.at == deal.created_at
        assert all(t.from_stage_id is not None for t in history[1:])
        for prev, nxt in pairwise(history):
            assert prev.at <= nxt.at
            assert nxt.from_stage_id == prev.to_stage_id
        assert all(t.by_user_id == deal.owner_id for t in history)
        assert deal.stage_id == last.to_stage_id
        assert deal.stage_entered_at == last.at
        assert deal.version == len(history)
        kind = stages[deal.stage_id].kind
        if kind in ("won", "lost"):
            assert deal.closed_at == last.at
        else:
            assert deal.closed_at is None
        if kind == "lost":
            assert deal.lost_reason_id is not None
            assert deal.lost_at_stage_id == last.from_stage_id
            assert stages[deal.lost_at_stage_id].kind == "open"
        else:
            assert deal.lost_reason_id is None
            assert deal.lost_at_stage_id is None
        assert last.at <= NOW
        assert deal.amount >= 0
        assert deal.amount == deal.amount.quantize(Decimal("0.01"))
        assert deal.currency in ("USD", "CNY")
        assert deal.created_at.tzinfo is not None


def test_activities_are_consistent(data: dict[str, Any]) -> None:
    deals = {d.id: d for d in data["deals"]}
    for a in data["activities"]:
        assert a.deal_id is not None or a.customer_id is not None
        deal = deals[a.deal_id]
        assert a.customer_id == deal.customer_id
        assert a.owner_id == deal.owner_id
        assert a.created_at <= NOW
        assert a.created_at >= deal.created_at
        if a.done_at is not None:
            assert a.created_at <= a.done_at <= NOW
            assert a.done_at >= deal.created_at
            if deal.closed_at is not None:
                assert a.done_at <= deal.closed_at
        if a.kind in ("call", "meeting", "email"):
            assert a.done_at is not None
        if a.kind == "task":
            assert a.due_at is not None


def test_customers_precede_their_deals(data: dict[str, Any]) -> None:
    customers = {c.id: c for c in data["customers"]}
    users = {u.id: u for u in data["users"]}
    for deal in data["deals"]:
        assert users[deal.owner_id].role == "rep"
        assert users[deal.owner_id].created_at <= deal.created_at
        if deal.customer_id is not None:
            assert customers[deal.customer_id].created_at <= deal.created_at


# --- variety -------------------------------------------------------------------------


def test_the_data_exercises_every_metric(data: dict[str, Any]) -> None:
    stages = data["stages"]
    open_stages = sorted((s for s in stages.values() if s.kind == "open"), key=lambda s: s.position)
    open_ids = {s.id for s in open_stages}
    back = skip = reopened = 0
    for t in data["transitions"]:
        if t.from_stage_id is None:
            continue
        frm, to = stages[t.from_stage_id], stages[t.to_stage_id]
        if frm.kind == "open" and to.kind == "open" and to.position < frm.position:
            back += 1
        if frm.kind == "open" and to.kind != "lost" and to.position >= frm.position + 2:
            skip += 1
        if frm.kind != "open" and to.kind == "open":
            reopened += 1
    assert back > 0
    assert skip > 0
    assert reopened > 0

    lost_at = Counter(d.lost_at_stage_id for d in data["deals"] if d.lost_at_stage_id)
    assert set(lost_at) == open_ids
    open_deals = [d for d in data["deals"] if d.stage_id in open_ids]
    assert {d.stage_id for d in open_deals} == open_ids
    rotting = [
        d for d in open_deals
        if NOW - d.stage_entered_at > timedelta(days=stages[d.stage_id].rot_days)
    ]  # fmt: skip
    assert rotting
    assert any(d.expected_close < NOW.date() for d in open_deals)
    assert any(d.expected_close >= NOW.date() for d in open_deals)

    tasks = [a for a in data["activities"] if a.kind == "task"]
    assert any(a.done_at is None and a.due_at < NOW for a in tasks)  # overdue
    assert any(a.done_at is None and a.due_at > NOW for a in tasks)  # planned
    kinds = Counter(a.kind for a in data["activities"])
    assert set(kinds) == {"call", "meeting", "email", "task", "note"}
    responded = {a.deal_id for a in data["activities"] if a.kind in ("call", "meeting", "email")}
    assert 0 < len(responded) < len(data["deals"])

    won_id = next(s.id for s in stages.values() if s.kind == "won")
    lost_id = next(s.id for s in stages.values() if s.kind == "lost")
    won = sum(d.stage_id == won_id for d in data["deals"])
    lost = sum(d.stage_id == lost_id for d in data["deals"])
    assert 0.15 <= won / (won + lost) <= 0.35

    reps = [u for u in data["users"] if u.role == "rep"]
    assert 6 <= len(reps) <= 8
    assert sum(u.role == "manager" for u in data["users"]) == 1
    assert all(u.login.isascii() for u in data["users"])
    rates = []
    for rep in reps:
        mine = [d for d in data["deals"] if d.owner_id == rep.id and d.closed_at is not None]
        if len(mine) >= 10:
            rates.append(sum(d.stage_id == won_id for d in mine) / len(mine))
    assert len(rates) >= 5
    assert max(rates) - min(rates) >= 0.1


def test_targets_cover_history_and_next_quarter(data: dict[str, Any]) -> None:
    targets = data["targets"]
    team = [t for t in targets if t.owner_id is None]
    assert {t.metric for t in team} == {"won_count"}
    starts = sorted(t.period_start for t in team)
    assert len(starts) == 10
    assert starts[-2].isoformat() == "2025-04-01"  # the current quarter
    assert starts[-1].isoformat() == "2025-07-01"
    assert starts[0].isoformat() == "2023-04-01"
    for t in targets:
        assert t.period_start.day == 1
        assert t.period_end.day == 1
        assert t.period_end > t.period_start
        assert t.value > 0
    rep_targets = [t for t in targets if t.owner_id is not None]
    assert {t.metric for t in rep_targets} == {"won_amount"}
    reps = {u.id for u in data["users"] if u.role == "rep"}
    assert {t.owner_id for t in rep_targets} == reps


# --- locale and refusal --------------------------------------------------------------


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_zh_cn_locale(tmp_path: Path) -> None:
    db, summary = _build(tmp_path / "zh.sqlite3", locale="zh_CN", deals=120)
    try:
        with db.read() as s:
            names = list(s.execute(select(m.Stage.name).order_by(m.Stage.position)).scalars())
            companies = list(s.execute(select(m.Customer.company)).scalars())
            people = list(
                s.execute(select(m.User.name, m.User.login).where(m.User.role != "admin")).all()
            )
            currencies = set(s.execute(select(m.Deal.currency)).scalars())
            subjects = list(s.execute(select(m.Activity.subject)).scalars())
            titles = list(s.execute(select(m.Deal.title)).scalars())
    finally:
        db.dispose()
    assert names == ["寻找客户", "资格认定", "报价", "合同", "赢单", "输单"]
    assert summary.customers == len(companies) >= 30
    assert all(_has_cjk(c) and c.endswith("有限公司") for c in companies)
    assert all(_has_cjk(name) and login.isascii() for name, login in people)
    assert currencies == {"CNY"}
    assert all(_has_cjk(t) for t in subjects)
    assert all(_has_cjk(t) for t in titles)


def test_refuses_a_database_that_has_deals(tmp_path: Path) -> None:
    db, _ = _build(tmp_path / "full.sqlite3", deals=30)
    try:
        before = table_counts(db)
        with pytest.raises(DemoError, match="already holds 30 deals"):
            build_demo(db, deals=30, now=NOW)
        assert table_counts(db) == before
    finally:
        db.dispose()


def test_default_now_is_the_current_hour(tmp_path: Path) -> None:
    db = _open(tmp_path / "now.sqlite3")
    try:
        build_demo(db, deals=30)
        with db.read() as s:
            latest = s.execute(select(func.max(m.StageTransition.at))).scalar_one()
    finally:
        db.dispose()
    assert latest <= datetime.now(UTC)


def test_rejects_a_naive_now(tmp_path: Path) -> None:
    db = _open(tmp_path / "naive.sqlite3")
    try:
        with pytest.raises(ValueError, match="timezone"):
            build_demo(db, deals=10, now=datetime(2025, 1, 1))
    finally:
        db.dispose()


PG_URL = os.environ.get("CRMDESK_TEST_DATABASE_URL", "").strip()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs CRMDESK_TEST_DATABASE_URL")
def test_postgres_build_and_sequences() -> None:
    schema = f"crmdesk_demo_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(resolve_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = open_database(PG_URL, pg_schema=schema).db
        try:
            summary = build_demo(db, deals=200, now=NOW)
            assert table_counts(db)["deals"] == summary.deals == 200
            with db.transaction() as s:
                # The sequences moved past the explicit ids: a normal insert works.
                deal = s.execute(select(m.Deal).order_by(m.Deal.id).limit(1)).scalar_one()
                note = m.Activity(
                    kind="note", subject="x", owner_id=deal.owner_id, deal_id=deal.id,
                    created_at=NOW, version=1,
                )  # fmt: skip
                s.add(note)
                s.flush()
                assert note.id == summary.activities + 1
                s.rollback()
            with pytest.raises(DemoError):
                build_demo(db, deals=10, now=NOW)
        finally:
            db.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
