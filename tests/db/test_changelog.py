"""The change log: every committed service write leaves one row saying what it changed,
which the other windows on the database read (``crmdesk.db.changelog``). Runs on SQLite
and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from services._helpers import count, rows
from sqlalchemy import text

from crmdesk.db.changelog import (
    changes_after,
    changes_with_ids,
    latest_change_id,
    prune_change_log,
)
from crmdesk.db.engine import CHANGE_LOG_MAX_IDS, Database
from crmdesk.domain import Change, Changes, Conflict, PermissionDenied
from crmdesk.domain.model import PipelineInfo, Role
from crmdesk.services import customers, deals


def _log(db: Database) -> list[tuple[int, str, int | None, int, str | None, str | None]]:
    return [
        tuple(r)
        for r in rows(
            db,
            "SELECT id, origin, user_id, kinds, deal_ids, customer_ids FROM change_log ORDER BY id",
        )
    ]


def _other(db: Database) -> Database:
    """The same database as another process sees it: another ``Database``, whose writes
    carry an origin of their own."""
    return Database(db.engine)


def test_a_write_logs_what_it_changed_and_who(
    db: Database, admin_id: int, pipeline: PipelineInfo
) -> None:
    start = latest_change_id(db)
    cust = customers.create_customer(db, by=admin_id, company="Acme").value
    deal = deals.create_deal(
        db, by=admin_id, title="Pumps", amount=Decimal("10.00"), customer_id=cust.id
    )
    moved = deals.move_deal(
        db,
        deal.value.id,
        pipeline.open_stages[1].id,
        by=admin_id,
        expected_version=deal.value.version,
    )
    log = [r for r in _log(db) if r[0] > start]
    assert len(log) == 3  # one row per committed write
    for (_id, origin, user_id, kinds, _d, _c), outcome in zip(
        log, (None, deal, moved), strict=True
    ):
        assert origin == db.origin
        assert user_id == admin_id
        if outcome is not None:
            assert Change(kinds) == outcome.changes.kinds
    assert log[0][5] == str(cust.id)  # the customer's id
    assert log[1][4] == str(deal.value.id) and log[2][4] == str(deal.value.id)


def test_a_refused_or_failed_write_logs_nothing(
    db: Database, admin_id: int, make_user, pipeline: PipelineInfo
) -> None:  # type: ignore[no-untyped-def]
    deal = deals.create_deal(db, by=admin_id, title="Pumps").value
    rep = make_user(Role.REP)
    before = _log(db)
    with pytest.raises(PermissionDenied):
        deals.update_deal(
            db, deal.id, by=rep, expected_version=deal.version, changes={"title": "x"}
        )
    with pytest.raises(Conflict):
        deals.update_deal(
            db, deal.id, by=admin_id, expected_version=deal.version + 5, changes={"title": "x"}
        )
    # A write that does nothing (same title) has nothing to tell either.
    deals.update_deal(
        db, deal.id, by=admin_id, expected_version=deal.version, changes={"title": "Pumps"}
    )
    assert _log(db) == before


def test_a_rolled_back_transaction_leaves_no_row(db: Database, admin_id: int) -> None:
    before = count(db, "change_log")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.transaction() as s:
        from crmdesk.domain import Outcome

        Outcome(None, Changes(Change.DEALS, frozenset({1})))
        s.execute(text("SELECT 1"))
        raise Boom
    assert count(db, "change_log") == before


def test_other_processes_read_the_changes_and_skip_their_own(
    db: Database, admin_id: int, pipeline: PipelineInfo
) -> None:
    other = _other(db)
    assert other.origin != db.origin
    start = latest_change_id(db)
    deal = deals.create_deal(db, by=admin_id, title="Pumps").value
    deals.move_deal(
        db, deal.id, pipeline.open_stages[2].id, by=admin_id, expected_version=deal.version
    )
    last, seen = changes_after(other, start, origin=other.origin)
    assert last == latest_change_id(db) > start
    assert seen.deal_ids == frozenset({deal.id})
    assert seen.touches(Change.DEALS | Change.TRANSITIONS)
    # The writer itself hears nothing new.
    _last, own = changes_after(db, start, origin=db.origin)
    assert own == Changes()
    # The same rows named one by one (PostgreSQL's notifications).
    ids = [r[0] for r in _log(db) if r[0] > start]
    assert changes_with_ids(other, ids, origin=other.origin) == seen
    assert changes_with_ids(db, ids, origin=db.origin) == Changes()
    # Nothing after the last row read.
    assert changes_after(other, last, origin=other.origin) == (last, Changes())


def test_a_write_too_wide_to_list_means_every_record_of_its_kinds(
    db: Database, admin_id: int
) -> None:
    start = latest_change_id(db)
    many = frozenset(range(1, CHANGE_LOG_MAX_IDS + 2))
    with db.transaction():
        from crmdesk.domain import Outcome

        Outcome(None, Changes(Change.DEALS, many))
    deal = deals.create_deal(db, by=admin_id, title="One").value
    other = _other(db)
    _last, seen = changes_after(other, start, origin=other.origin)
    # The narrow row must not narrow the wide one: no ids means "all deals".
    assert seen.touches(Change.DEALS) and seen.deal_ids == frozenset()
    log = [r for r in _log(db) if r[0] > start]
    assert log[0][4] is None and log[1][4] == str(deal.id)


def test_old_rows_are_pruned(db: Database, admin_id: int) -> None:
    deals.create_deal(db, by=admin_id, title="Old")
    newest = latest_change_id(db)
    assert prune_change_log(db, now=datetime.now(UTC) + timedelta(hours=1)) == 0
    assert prune_change_log(db, now=datetime.now(UTC) + timedelta(days=3)) >= 1
    assert count(db, "change_log") == 0
    # Ids keep growing after a prune (a window that read up to ``newest`` misses nothing).
    deals.create_deal(db, by=admin_id, title="New")
    assert latest_change_id(db) > newest
