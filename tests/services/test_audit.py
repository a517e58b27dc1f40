"""The audit log of deals (crmdesk.services.deals): every write that changes a deal's
owner, amount, expected close or stage leaves one ``audit_log`` row per changed field,
in the same transaction; ``deal_audit`` reads them back for the deal dialog.

The rows are read back with plain SQL; refused writes must leave the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crmdesk.db.engine import Database
from crmdesk.domain import (
    AuditField,
    Conflict,
    DealInfo,
    NotFound,
    PermissionDenied,
    PipelineInfo,
    ValidationError,
)
from crmdesk.services import deals, users

from ._helpers import as_utc, count, rows, snapshot


def new_deal(db: Database, by: int, **kw: Any) -> DealInfo:
    return deals.create_deal(db, by=by, title=kw.pop("title", "Deal"), **kw).value


def edit(db: Database, deal_id: int, by: int, **changes: Any) -> DealInfo:
    version = deals.get_deal(db, deal_id).version
    return deals.update_deal(db, deal_id, by=by, expected_version=version, changes=changes).value


def move(db: Database, deal_id: int, stage_id: int, by: int, **kw: Any) -> DealInfo:
    version = deals.get_deal(db, deal_id).version
    return deals.move_deal(db, deal_id, stage_id, by=by, expected_version=version, **kw).value


def audit_rows(db: Database, deal_id: int) -> list[tuple[str, int | None, str | None, str | None]]:
    """The deal's audit rows in the order they were written: (field, user, old, new)."""
    return [
        (r.field, r.user_id, r.old_value, r.new_value)
        for r in rows(
            db,
            "SELECT field, user_id, old_value, new_value FROM audit_log "
            "WHERE deal_id = :id ORDER BY id",
            id=deal_id,
        )
    ]


def audit_times(db: Database, deal_id: int) -> list[datetime | None]:
    found = rows(db, "SELECT at FROM audit_log WHERE deal_id = :id ORDER BY id", id=deal_id)
    return [as_utc(r.at) for r in found]


# --- one row per changed field -----------------------------------------------------------


def test_creating_a_deal_writes_no_audit_row(db: Database, rep: int) -> None:
    deal = new_deal(db, rep, amount="900", expected_close=date(2026, 3, 31))
    assert audit_rows(db, deal.id) == []
    assert deals.deal_audit(db, deal.id) == []


def test_an_owner_change_is_logged_with_who_when_old_and_new(
    db: Database, manager: int, rep: int, other_rep: int
) -> None:
    deal = new_deal(db, rep)
    saved = edit(db, deal.id, manager, owner_id=other_rep)

    assert audit_rows(db, deal.id) == [("owner", manager, str(rep), str(other_rep))]
    # When: the very time the write stamped on the deal.
    assert audit_times(db, deal.id) == [saved.updated_at]


@pytest.mark.parametrize(
    ("created", "changes", "field", "old", "new"),
    [
        pytest.param(
            {"amount": 1000}, {"amount": "1,200"}, "amount", "1000.00", "1200.00", id="amount"
        ),
        pytest.param(
            {"amount": "0"}, {"amount": "99.5"}, "amount", "0.00", "99.50", id="amount-from-zero"
        ),
        pytest.param(
            {},
            {"expected_close": date(2026, 6, 30)},
            "expected_close",
            None,
            "2026-06-30",
            id="expected-close-set",
        ),
        pytest.param(
            {"expected_close": date(2026, 6, 30)},
            {"expected_close": date(2026, 9, 1)},
            "expected_close",
            "2026-06-30",
            "2026-09-01",
            id="expected-close-moved",
        ),
        pytest.param(
            {"expected_close": date(2026, 6, 30)},
            {"expected_close": None},
            "expected_close",
            "2026-06-30",
            None,
            id="expected-close-cleared",
        ),
    ],
)
def test_an_edited_field_is_logged_as_text(
    db: Database,
    rep: int,
    created: dict[str, Any],
    changes: dict[str, Any],
    field: str,
    old: str | None,
    new: str | None,
) -> None:
    deal = new_deal(db, rep, **created)
    saved = edit(db, deal.id, rep, **changes)

    assert audit_rows(db, deal.id) == [(field, rep, old, new)]
    assert audit_times(db, deal.id) == [saved.updated_at]


def test_several_fields_in_one_update_give_one_row_each_at_the_same_time(
    db: Database, manager: int, rep: int, other_rep: int, customer_id: int
) -> None:
    deal = new_deal(db, rep, amount=500)
    saved = edit(
        db,
        deal.id,
        manager,
        title="Renamed",  # not audited
        customer_id=customer_id,  # not audited
        notes="bigger scope",  # not audited
        owner_id=other_rep,
        amount="750.25",
        expected_close=date(2026, 1, 15),
    )

    assert audit_rows(db, deal.id) == [
        ("owner", manager, str(rep), str(other_rep)),
        ("amount", manager, "500.00", "750.25"),
        ("expected_close", manager, None, "2026-01-15"),
    ]
    assert audit_times(db, deal.id) == [saved.updated_at] * 3


def test_changing_only_unaudited_fields_writes_no_audit_row(
    db: Database, rep: int, customer_id: int
) -> None:
    deal = new_deal(db, rep, amount=10)
    saved = edit(db, deal.id, rep, title="New title", notes="n", customer_id=customer_id)
    assert saved.version == 2
    assert audit_rows(db, deal.id) == []


def test_a_no_op_update_writes_nothing(db: Database, manager: int, rep: int) -> None:
    deal = new_deal(db, rep, amount="10", expected_close=date(2026, 2, 1))
    before = snapshot(db)

    out = deals.update_deal(
        db,
        deal.id,
        by=manager,
        expected_version=1,
        changes={"owner_id": rep, "amount": "10.00", "expected_close": date(2026, 2, 1)},
    )

    assert out.value.version == 1
    assert snapshot(db) == before
    assert count(db, "audit_log") == 0


def test_an_unchanged_audited_field_beside_a_changed_one_is_not_logged(
    db: Database, rep: int
) -> None:
    deal = new_deal(db, rep, amount="10")
    edit(db, deal.id, rep, amount="10.00", expected_close=date(2026, 2, 1))
    assert audit_rows(db, deal.id) == [("expected_close", rep, None, "2026-02-01")]


def test_writing_the_old_values_back_is_logged_too(db: Database, rep: int) -> None:
    """Undo in the UI writes the old values back: that is a change like any other."""
    deal = new_deal(db, rep, amount="100")
    edit(db, deal.id, rep, amount="150")
    edit(db, deal.id, rep, amount="100")
    assert audit_rows(db, deal.id) == [
        ("amount", rep, "100.00", "150.00"),
        ("amount", rep, "150.00", "100.00"),
    ]


# --- refused writes write nothing --------------------------------------------------------


def test_a_rep_editing_someone_elses_deal_writes_no_audit_row(
    db: Database, rep: int, other_rep: int
) -> None:
    deal = new_deal(db, other_rep, amount=100)
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        deals.update_deal(db, deal.id, by=rep, expected_version=1, changes={"amount": 200})
    assert snapshot(db) == before
    assert count(db, "audit_log") == 0


def test_a_rep_reassigning_their_deal_writes_no_audit_row(
    db: Database, rep: int, other_rep: int
) -> None:
    deal = new_deal(db, rep, amount=100)
    before = snapshot(db)
    with pytest.raises(ValidationError):
        deals.update_deal(
            db, deal.id, by=rep, expected_version=1, changes={"owner_id": other_rep, "amount": 5}
        )
    assert snapshot(db) == before


def test_a_stale_version_writes_no_audit_row(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int
) -> None:
    quote_id = pipeline.stage("quote").id
    deal = new_deal(db, rep, amount=100)
    edit(db, deal.id, rep, title="Moved on")  # version 2, no audit row
    before = snapshot(db)
    with pytest.raises(Conflict):
        deals.update_deal(
            db,
            deal.id,
            by=manager,
            expected_version=1,
            changes={"amount": 300, "owner_id": manager},
        )
    with pytest.raises(Conflict):
        deals.move_deal(db, deal.id, quote_id, by=manager, expected_version=1)
    assert snapshot(db) == before
    assert count(db, "audit_log") == 0


def test_an_invalid_update_with_an_audited_change_writes_nothing(db: Database, rep: int) -> None:
    deal = new_deal(db, rep, amount=100)
    before = snapshot(db)
    with pytest.raises(ValidationError):
        deals.update_deal(
            db, deal.id, by=rep, expected_version=1, changes={"amount": 200, "title": ""}
        )
    assert snapshot(db) == before


def test_a_refused_move_writes_no_audit_row(
    db: Database, pipeline: PipelineInfo, rep: int, other_rep: int
) -> None:
    deal = new_deal(db, rep)
    before = snapshot(db)
    with pytest.raises(ValidationError):  # lost needs a reason
        deals.move_deal(db, deal.id, pipeline.lost_stage.id, by=rep, expected_version=1)
    with pytest.raises(PermissionDenied):
        deals.move_deal(db, deal.id, pipeline.stage("quote").id, by=other_rep, expected_version=1)
    # Moving to the stage it is in changes nothing.
    deals.move_deal(db, deal.id, deal.stage_id, by=rep, expected_version=1)
    assert snapshot(db) == before


@pytest.fixture
def audit_refused(db: Database, backend: str) -> Iterator[None]:
    """A trigger that makes the database refuse every insert into audit_log."""
    if backend == "sqlite":
        install = [
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        ]
        remove = ["DROP TRIGGER test_refuse_audit"]
    else:
        install = [
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit refused'; END $$",
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()",
        ]
        remove = [
            "DROP TRIGGER test_refuse_audit ON audit_log",
            "DROP FUNCTION test_refuse_audit()",
        ]
    with db.engine.begin() as conn:
        for sql in install:
            conn.execute(text(sql))
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            for sql in remove:
                conn.execute(text(sql))


def test_a_failed_audit_insert_undoes_the_whole_write(
    db: Database, pipeline: PipelineInfo, rep: int, audit_refused: None
) -> None:
    """The audit rows go in the deal's own transaction: when they cannot be written,
    the deal keeps its values, its version and its history."""
    deal = new_deal(db, rep, amount=100)
    before = snapshot(db)
    with pytest.raises(DBAPIError, match="audit refused"):
        deals.update_deal(db, deal.id, by=rep, expected_version=1, changes={"amount": 5})
    with pytest.raises(DBAPIError, match="audit refused"):
        deals.move_deal(db, deal.id, pipeline.stage("quote").id, by=rep, expected_version=1)
    assert snapshot(db) == before
    # Writes that change no audited field still go through.
    assert edit(db, deal.id, rep, title="Renamed").version == 2


# --- stage changes ------------------------------------------------------------------------


def test_moves_through_won_lost_and_reopen_log_the_stage(
    db: Database, pipeline: PipelineInfo, rep: int, lost_reason_id: int
) -> None:
    prospecting, quote = pipeline.stage("prospecting"), pipeline.stage("quote")
    won, lost = pipeline.won_stage, pipeline.lost_stage
    deal = new_deal(db, rep, amount=1000)
    assert deal.stage_id == prospecting.id

    at_quote = move(db, deal.id, quote.id, rep)
    # Won with a given close date, correcting the amount on the way.
    won_deal = move(db, deal.id, won.id, rep, amount="1250", closed_at=datetime.now(UTC))
    reopened = move(db, deal.id, quote.id, rep)
    at_lost = move(db, deal.id, lost.id, rep, lost_reason_id=lost_reason_id)

    assert audit_rows(db, deal.id) == [
        ("stage", rep, str(prospecting.id), str(quote.id)),
        ("amount", rep, "1000.00", "1250.00"),
        ("stage", rep, str(quote.id), str(won.id)),
        ("stage", rep, str(won.id), str(quote.id)),
        ("stage", rep, str(quote.id), str(lost.id)),
    ]
    assert audit_times(db, deal.id) == [
        at_quote.updated_at,
        won_deal.updated_at,
        won_deal.updated_at,
        reopened.updated_at,
        at_lost.updated_at,
    ]


def test_a_backdated_close_is_audited_at_the_time_of_the_write(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    created = datetime.now(UTC) - timedelta(days=20)
    deal = new_deal(db, admin_id, created_at=created)
    closed = created + timedelta(days=3)
    won = move(db, deal.id, pipeline.won_stage.id, admin_id, closed_at=closed)

    assert won.closed_at == closed  # the history keeps the business date...
    (at,) = audit_times(db, deal.id)
    assert at == won.updated_at and at is not None and at > closed  # ...the audit, the write's


def test_a_win_without_a_new_amount_logs_the_stage_only(
    db: Database, pipeline: PipelineInfo, rep: int
) -> None:
    deal = new_deal(db, rep, amount=400)
    move(db, deal.id, pipeline.won_stage.id, rep, amount="400.00")
    assert [r[0] for r in audit_rows(db, deal.id)] == ["stage"]


# --- deleting ------------------------------------------------------------------------------


def test_deleting_a_deal_deletes_its_audit_rows(db: Database, manager: int, rep: int) -> None:
    """audit_log.deal_id is ON DELETE CASCADE, like the stage history."""
    keep = new_deal(db, rep, title="Keep", amount=1)
    gone = new_deal(db, rep, title="Gone", amount=1)
    edit(db, keep.id, rep, amount=2)
    edit(db, gone.id, manager, amount=3, owner_id=manager)
    assert count(db, "audit_log", "deal_id = :id", id=gone.id) == 2

    deals.delete_deal(db, gone.id, by=manager, expected_version=2)

    assert count(db, "audit_log", "deal_id = :id", id=gone.id) == 0
    assert audit_rows(db, keep.id) == [("amount", rep, "1.00", "2.00")]


# --- reading: deal_audit -----------------------------------------------------------------


def test_deal_audit_is_newest_first_with_names_and_typed_values(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int, other_rep: int
) -> None:
    quote = pipeline.stage("quote")
    first = pipeline.stage("prospecting")
    deal = new_deal(db, rep, amount=1000)
    edit(db, deal.id, manager, owner_id=other_rep, amount="1200")
    edit(db, deal.id, other_rep, expected_close=date(2026, 4, 30))
    moved = move(db, deal.id, quote.id, other_rep)

    audit = deals.deal_audit(db, deal.id)

    assert [(a.field, a.user_name, a.old, a.new) for a in audit] == [
        (AuditField.STAGE, "Otto Otherrep", first.name, quote.name),
        (AuditField.EXPECTED_CLOSE, "Otto Otherrep", None, date(2026, 4, 30)),
        (AuditField.AMOUNT, "Mia Manager", Decimal("1000.00"), Decimal("1200.00")),
        (AuditField.OWNER, "Mia Manager", "Rita Rep", "Otto Otherrep"),
    ]
    stage_row, close_row, amount_row, owner_row = audit
    # The raw values stay beside the resolved ones.
    assert (stage_row.old_value, stage_row.new_value) == (str(first.id), str(quote.id))
    assert (owner_row.old_value, owner_row.new_value) == (str(rep), str(other_rep))
    assert (amount_row.old_value, amount_row.new_value) == ("1000.00", "1200.00")
    assert (close_row.old_value, close_row.new_value) == (None, "2026-04-30")
    assert (owner_row.user_id, stage_row.user_id) == (manager, other_rep)
    assert stage_row.at == moved.updated_at and stage_row.at.tzinfo is not None
    assert all(a.deal_id == deal.id for a in audit)
    assert owner_row.at == amount_row.at <= close_row.at <= stage_row.at


def test_deal_audit_names_stages_in_the_given_language(
    db: Database, pipeline: PipelineInfo, rep: int
) -> None:
    quote = pipeline.stage("quote")
    deal = new_deal(db, rep)
    move(db, deal.id, quote.id, rep)
    (entry,) = deals.deal_audit(db, deal.id, lang="zh_CN")
    assert entry.new == quote.names["zh_CN"] != quote.name


def test_deal_audit_keeps_the_names_of_disabled_users(
    db: Database, admin_id: int, manager: int, rep: int, other_rep: int
) -> None:
    deal = new_deal(db, rep)
    edit(db, deal.id, manager, owner_id=other_rep)
    users.set_active(db, rep, False, by=admin_id)
    users.set_active(db, manager, False, by=admin_id)
    (entry,) = deals.deal_audit(db, deal.id)
    assert (entry.user_name, entry.old, entry.new) == ("Mia Manager", "Rita Rep", "Otto Otherrep")


def test_deal_audit_of_an_unknown_deal_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        deals.deal_audit(db, 424_242)
