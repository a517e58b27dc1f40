"""Moves through Operations: undo and redo append to the history, and a card that another
session changed meanwhile is refused with a message that names who changed it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain import StageKind, UserInfo
from crmdesk.services import deals, lists, users
from crmdesk.ui.dialogs import LostDialog, WonDialog
from crmdesk.ui.main_window import MainWindow

from ._helpers import (
    answer_dialog,
    column_ids,
    drop_on_zone,
    drop_through_model,
    header_counts,
    press_ok,
    transitions,
)


# --- undo and redo ----------------------------------------------------------------------------
def test_undo_moves_back_with_a_new_transition_and_redo_moves_on(
    window: MainWindow, demo_db: Database, admin: UserInfo
) -> None:
    view, stack = window.board.view, window.undo_stack
    a, b = view.columns[0], view.columns[1]
    card = a.proxy.cards()[0]
    counts = header_counts(view)
    history = transitions(demo_db, card.id)

    assert drop_through_model(b, view.model, [card])
    moved = transitions(demo_db, card.id)
    assert len(moved) == len(history) + 1
    assert stack.canUndo() and stack.undoText() == f"Move to {b.stage.name}"

    stack.undo()
    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_id == a.stage.id
    undone = transitions(demo_db, card.id)
    assert undone[: len(moved)] == moved  # nothing erased: history only grows
    assert len(undone) == len(moved) + 1
    assert undone[-1][1:] == (b.stage.id, a.stage.id, admin.id)
    assert card.id in column_ids(a) and card.id not in column_ids(b)
    assert header_counts(view) == counts
    assert view.model.card_by_id(card.id).version == deal.version
    assert stack.canRedo() and not stack.canUndo()

    stack.redo()
    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_id == b.stage.id
    redone = transitions(demo_db, card.id)
    assert redone[: len(undone)] == undone
    assert len(redone) == len(undone) + 1
    assert redone[-1][1:] == (a.stage.id, b.stage.id, admin.id)
    assert card.id in column_ids(b) and card.id not in column_ids(a)
    assert stack.canUndo() and not stack.canRedo()


def test_undo_and_redo_of_a_loss(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    view, stack = window.board.view, window.undo_stack
    a = view.columns[1]
    card = a.proxy.cards()[0]
    reason = lists.list_items(demo_db, "lost_reasons")[0]

    def choose(dialog: LostDialog) -> None:
        dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData(reason.id))
        press_ok(dialog)

    answer_dialog(monkeypatch, LostDialog, choose)
    drop_on_zone(view, StageKind.LOST, [card])
    assert deals.get_deal(demo_db, card.id).stage_kind is StageKind.LOST
    n = len(transitions(demo_db, card.id))

    stack.undo()  # reopened: back in its column, the loss forgotten
    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_id == a.stage.id
    assert (deal.closed_at, deal.lost_reason_id, deal.lost_at_stage_id) == (None, None, None)
    assert card.id in column_ids(a)
    assert len(transitions(demo_db, card.id)) == n + 1

    stack.redo()  # lost again, for the same reason, without asking again
    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_kind is StageKind.LOST
    assert (deal.lost_reason_id, deal.lost_at_stage_id) == (reason.id, a.stage.id)
    assert card.id not in column_ids(a)
    assert len(transitions(demo_db, card.id)) == n + 2


def _win(window: MainWindow, monkeypatch: pytest.MonkeyPatch, *, amount: Decimal) -> int:
    view = window.board.view
    card = view.columns[2].proxy.cards()[0]

    def confirm(dialog: WonDialog) -> None:
        dialog.amount_edit.setText(QLocale().toString(float(amount), "f", 2))
        press_ok(dialog)

    answer_dialog(monkeypatch, WonDialog, confirm)
    drop_on_zone(view, StageKind.WON, [card])
    return card.id


def test_undoing_a_win_restores_the_amount(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = window.board.view.columns[2].proxy.cards()[0].amount
    deal_id = _win(window, monkeypatch, amount=Decimal("99999.00"))
    assert deals.get_deal(demo_db, deal_id).amount == Decimal("99999.00")

    window.undo_stack.undo()

    deal = deals.get_deal(demo_db, deal_id)
    assert deal.stage_kind is StageKind.OPEN
    assert deal.amount == before


def test_undo_of_a_deal_deleted_meanwhile_is_refused(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    view, stack = window.board.view, window.undo_stack
    a, b = view.columns[0], view.columns[1]
    card = a.proxy.cards()[0]
    drop_through_model(b, view.model, [card])
    current = deals.get_deal(demo_db, card.id)
    deals.delete_deal(demo_db, card.id, by=current.owner_id, expected_version=current.version)

    with qtbot.waitSignal(window.ops.failed, timeout=1000) as blocker:
        stack.undo()

    assert "no longer exists" in blocker.args[0]
    assert not stack.canUndo() and not stack.canRedo()


# --- conflicts with another session -----------------------------------------------------------
def _change_elsewhere(db: Database, deal_id: int, how: str, *, by: int, to_stage: int) -> None:
    current = deals.get_deal(db, deal_id)
    if how == "moved":
        deals.move_deal(db, deal_id, to_stage, by=by, expected_version=current.version)
    else:
        deals.update_deal(
            db,
            deal_id,
            by=by,
            expected_version=current.version,
            changes={"title": "Changed in another session"},
        )


@pytest.mark.parametrize("how", ["moved", "edited"])
def test_dropping_a_stale_card_is_refused_naming_the_other_user(
    window: MainWindow, demo_db: Database, qtbot: QtBot, how: str
) -> None:
    view = window.board.view
    a, b, c = view.columns[0], view.columns[1], view.columns[2]
    card = a.proxy.cards()[0]
    other = users.get_user(demo_db, card.owner_id)
    assert other.id != window.user.id
    _change_elsewhere(demo_db, card.id, how, by=other.id, to_stage=c.stage.id)
    theirs = deals.get_deal(demo_db, card.id)
    history = transitions(demo_db, card.id)

    with qtbot.waitSignal(window.ops.failed, timeout=1000) as blocker:
        drop_through_model(b, view.model, [card])

    message = blocker.args[0]
    assert other.name in message
    assert "changed this deal" in message
    assert deals.get_deal(demo_db, card.id) == theirs  # stage, version, everything
    assert transitions(demo_db, card.id) == history
    assert card.id not in column_ids(b)
    assert window.undo_stack.count() == 0


def test_after_a_conflict_the_board_shows_the_other_users_change(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    view = window.board.view
    a, b, c = view.columns[0], view.columns[1], view.columns[2]
    card = a.proxy.cards()[0]
    other = users.get_user(demo_db, card.owner_id)
    _change_elsewhere(demo_db, card.id, "moved", by=other.id, to_stage=c.stage.id)
    theirs = deals.get_deal(demo_db, card.id)

    with qtbot.waitSignal(window.ops.failed, timeout=1000):
        drop_through_model(b, view.model, [card])

    assert view.model.card_by_id(card.id).version == theirs.version
    assert card.id in column_ids(c) and card.id not in column_ids(a)


# --- undo of edits ----------------------------------------------------------------------------
def test_an_edit_is_undone_and_redone(window: MainWindow, demo_db: Database) -> None:
    card = window.board.view.columns[0].proxy.cards()[0]
    deal = deals.get_deal(demo_db, card.id)

    edited = window.ops.edit_deal(deal, {"title": "Renamed deal", "amount": Decimal("1234.50")})
    assert (edited.title, edited.amount) == ("Renamed deal", Decimal("1234.50"))
    assert window.board.model.card_by_id(card.id).title == "Renamed deal"  # board redrawn

    window.actions.undo.trigger()
    back = deals.get_deal(demo_db, card.id)
    assert (back.title, back.amount) == (deal.title, deal.amount)
    assert back.version == deal.version + 2  # the undo is a new write, not a rollback
    assert window.board.model.card_by_id(card.id).title == deal.title

    window.actions.redo.trigger()
    again = deals.get_deal(demo_db, card.id)
    assert (again.title, again.amount) == ("Renamed deal", Decimal("1234.50"))


def test_undoing_an_edit_after_someone_else_changed_the_deal_is_refused(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    card = window.board.view.columns[0].proxy.cards()[0]
    deal = window.ops.edit_deal(deals.get_deal(demo_db, card.id), {"title": "Mine"})
    other = users.list_users(demo_db)[0]
    deals.update_deal(
        demo_db,
        deal.id,
        by=other.id if other.role != "rep" else window.user.id,
        expected_version=deal.version,
        changes={"notes": "their note"},
    )
    with qtbot.waitSignal(window.ops.failed, timeout=2000):
        window.actions.undo.trigger()
    now = deals.get_deal(demo_db, deal.id)
    assert now.title == "Mine" and now.notes == "their note"
