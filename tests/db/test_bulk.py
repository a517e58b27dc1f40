"""SQLite's bulk insert of new deals (crmdesk.db.bulk): with the row-level fact triggers
set aside and the facts computed set-based at the end, every fact equals the plain
recomputation of test_derived_facts, the triggers come back exactly as they were, and a
failed block leaves the triggers (and, rolled back, no rows). The deals go in as
``_raw_deal`` writes them: mask 0 and no cycle days, whatever their history."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

import pytest
from conftest import BACKENDS
from db.test_derived_facts import _move as service_move
from db.test_derived_facts import (
    _raw_activity,
    _raw_deal,
    _raw_transition,
    assert_facts,
    day_number,
    done_days,
    first_wins,
    slots,
    ts,
)
from services._helpers import add_second_pipeline
from sqlalchemy import func, select, text

from crmdesk.db import models as m
from crmdesk.db.bulk import SUSPENDED, NewDealFacts, sqlite_new_activities, sqlite_new_deals
from crmdesk.db.engine import Database
from crmdesk.db.zone import TIME_ZONE_KEY
from crmdesk.services import customers, deals, pipelines
from crmdesk.services.settings import set_setting
from crmdesk.services.setup import default_admin_id

D = m.Deal.__table__
T = m.StageTransition.__table__
A = m.Activity.__table__


def _triggers(db: Database) -> dict[str, str]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        return {name: sql for name, sql in rows}


def test_a_bulk_insert_keeps_every_fact_exact(sqlite_db: Database) -> None:
    db = sqlite_db
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    slot = slots(db.engine, pipe.id)
    other_pipe, other_stage = add_second_pipeline(db)
    acme = customers.create_customer(db, by=admin, company="Acme").value.id
    globex = customers.create_customer(db, by=admin, company="Globex").value.id
    initech = customers.create_customer(db, by=admin, company="Initech").value.id
    # Before the bulk insert: Acme's first win closes on day 20; Globex has none.
    early = deals.create_deal(
        db, by=admin, title="Acme 1", stage_id=stage["quote"], customer_id=acme, created_at=ts(0)
    ).value.id
    service_move(db, early, stage["won"], admin, closed_at=ts(20))
    before = _triggers(db)
    assert set(SUSPENDED) <= set(before)

    with db.transaction() as s:
        lo = s.execute(select(func.max(D.c.id))).scalar_one() + 1
        ids = list(range(lo, lo + 6))

        def deal(
            st: int,
            created: datetime,
            closed: datetime | None = None,
            customer: int | None = None,
            pipeline: int = pipe.id,
        ) -> int:
            return _raw_deal(
                s,
                owner=admin,
                pipeline=pipeline,
                stage=st,
                created=created,
                closed=closed,
                customer=customer,
            )

        with sqlite_new_deals(s, ids):
            assert not set(SUSPENDED) & set(
                s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            )
            a, g1, g2, i, o, r = (
                # A later win for Acme, and a tie for Globex on its close time (the lower
                # id wins).
                deal(stage["won"], ts(1), ts(30), acme),
                deal(stage["won"], ts(2), ts(9, 12), globex),
                deal(stage["won"], ts(3), ts(9, 12), globex),
                # Initech: lost only, so no first win; sub-second times at a second's edge.
                deal(stage["lost"], ts(4, 8), ts(6, 10, 0, 1, 999_999), initech),
                # Open, with its history written out of time order and a foreign stage.
                deal(stage["quote"], ts(5)),
                # A deal of the second pipeline.
                deal(other_stage, ts(6), pipeline=other_pipe),
            )
            assert [a, g1, g2, i, o, r] == ids
            for d, created, closed in (
                (a, ts(1), ts(30)),
                (g1, ts(2), ts(9, 12)),
                (g2, ts(3), ts(9, 12)),
            ):
                _raw_transition(s, d, stage["prospecting"], created)
                _raw_transition(s, d, stage["won"], closed)
            for d, st, at in (
                (i, stage["prospecting"], ts(4, 8)),
                (i, stage["qualification"], ts(5, 9, 0, 0, 999_700)),
                (i, stage["lost"], ts(6, 10, 0, 1, 999_999)),
                (o, stage["quote"], ts(7)),
                (o, stage["prospecting"], ts(5)),
                (o, other_stage, ts(6)),
                (r, other_stage, ts(6)),
            ):
                _raw_transition(s, d, st, at)

    assert _triggers(db) == before
    facts, visits = assert_facts(db)
    assert facts[o].reached_mask == (1 << slot[stage["prospecting"]]) | (1 << slot[stage["quote"]])
    assert facts[r].reached_mask == 1
    assert facts[i].cycle_days == pytest.approx((2 * 86400 + 7201.999999) / 86400, abs=1e-9)
    assert facts[o].cycle_days is None
    assert first_wins(db)[acme] == early
    assert first_wins(db)[globex] == g1
    assert first_wins(db)[initech] is None
    assert len([v for v in visits.values() if v.deal_id == o]) == 3

    # The triggers are back: a deal written the ordinary way afterwards gets its facts too.
    later = deals.create_deal(
        db,
        by=admin,
        title="Initech 2",
        stage_id=stage["quote"],
        customer_id=initech,
        created_at=ts(40),
    ).value.id
    service_move(db, later, stage["won"], admin, closed_at=ts(41))
    assert_facts(db)
    assert first_wins(db)[initech] == later


def test_a_failed_bulk_insert_puts_the_triggers_back_and_writes_nothing(
    sqlite_db: Database,
) -> None:
    db = sqlite_db
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    before = _triggers(db)
    with (
        pytest.raises(RuntimeError, match="cancelled"),
        db.transaction() as s,
        sqlite_new_deals(s, [1]),
    ):
        deal = _raw_deal(s, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(0))
        _raw_transition(s, deal, stage["quote"], ts(0))
        raise RuntimeError("cancelled")
    assert _triggers(db) == before
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(D)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(T)).scalar_one() == 0
    # A caller that catches the error and commits still commits the triggers.
    with db.transaction() as s, contextlib.suppress(RuntimeError), sqlite_new_deals(s, [1]):
        raise RuntimeError("caught")
    assert _triggers(db) == before


@pytest.mark.parametrize("backend", [p for p in BACKENDS if p.id == "postgres"], indirect=True)
def test_postgres_sets_nothing_aside(db: Database) -> None:
    """Other databases: the block runs as it is (PostgreSQL's statement-level triggers
    keep the facts) and the facts still come out exact."""
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    with db.transaction() as s, sqlite_new_deals(s, [1, 2]):
        deal = _raw_deal(s, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(0))
        _raw_transition(s, deal, stage["quote"], ts(0))
    facts, _ = assert_facts(db)
    assert facts[deal].reached_mask == 1 << slots(db.engine, pipe.id)[stage["quote"]]


def test_a_bulk_insert_of_activities_keeps_every_fact_exact(sqlite_db: Database) -> None:
    """New activities for deals that exist (some with activities already): their
    team-zone days and the deals' first response, response hours, last activity and next
    due, as the row triggers would give them; a customer's activity touches no deal."""
    db = sqlite_db
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    set_setting(db, TIME_ZONE_KEY, "Asia/Shanghai", by=admin)
    acme = customers.create_customer(db, by=admin, company="Acme").value.id
    with db.transaction() as s:
        busy = _raw_deal(s, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(0, 9))
        quiet = _raw_deal(s, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(1))
        untouched = _raw_deal(s, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(2))
        for d, at in ((busy, ts(0, 9)), (quiet, ts(1)), (untouched, ts(2))):
            _raw_transition(s, d, stage["quote"], at)
        earlier = _raw_activity(s, admin, "email", deal=busy, done=ts(3, 10))
    before = _triggers(db)
    facts_before, _ = assert_facts(db)

    with db.transaction() as s:
        lo = s.execute(select(func.max(A.c.id))).scalar_one() + 1
        ids = list(range(lo, lo + 6))
        with sqlite_new_activities(s, ids):
            made = [
                # An earlier call: the new first response; done late in the evening in
                # UTC, which is the next day in Shanghai.
                _raw_activity(s, admin, "call", deal=busy, done=ts(1, 17, 30, 0, 999_600)),
                # A note is no response; an open task with a due time.
                _raw_activity(s, admin, "note", deal=quiet, done=ts(4)),
                _raw_activity(s, admin, "task", deal=quiet, due=ts(9, 8)),
                _raw_activity(s, admin, "task", deal=quiet, due=ts(7, 8)),
                # Before the deal was created: response hours floor at 0.
                _raw_activity(s, admin, "meeting", deal=quiet, done=ts(0, 12)),
                _raw_activity(s, admin, "call", customer=acme, done=ts(5)),
            ]
            assert made == ids

    assert _triggers(db) == before
    facts, _ = assert_facts(db)
    assert facts[busy].first_response_at == ts(1, 17, 30, 0, 999_600)
    assert facts[busy].last_activity_at == ts(3, 10)  # the earlier email is still the last
    assert facts[quiet].first_response_at == ts(0, 12) and facts[quiet].response_hours == 0.0
    assert facts[quiet].next_due_at == ts(7, 8)
    assert facts[untouched] == facts_before[untouched]
    assert done_days(db)[made[0]] == day_number(date(2025, 2, 3))  # 1:30 on 3 Feb in Shanghai
    assert done_days(db)[earlier] is not None and done_days(db)[made[2]] is None


def test_a_second_begin_is_refused(sqlite_db: Database) -> None:
    """begin() twice would find the triggers gone and never put them back."""
    before = _triggers(sqlite_db)
    with pytest.raises(RuntimeError, match="twice"), sqlite_db.transaction() as s:
        facts = NewDealFacts(s)
        facts.begin()
        facts.begin()
    assert _triggers(sqlite_db) == before
