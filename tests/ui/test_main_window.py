"""The main window's keyboard: moving the selected card with Ctrl+Left/Right, undo and
redo with Ctrl+Z / Ctrl+Shift+Z, and Enter to open a card."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.services import deals
from crmdesk.ui.board.model import ID_ROLE
from crmdesk.ui.board.view import StageColumn
from crmdesk.ui.deal_dialog import DealDialog
from crmdesk.ui.main_window import MainWindow

from ._helpers import (
    LEFT,
    NO_MODIFIER,
    answer_dialog,
    board_ids,
    column_ids,
    transition_count,
    transitions,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _click_card(column: StageColumn, row: int) -> int:
    index = column.proxy.index(row, 0)
    QTest.mouseClick(
        column.view.viewport(), LEFT, NO_MODIFIER, column.view.visualRect(index).center()
    )
    return index.data(ID_ROLE)


def _selected_ids(window: MainWindow) -> list[int]:
    return [c.id for c in window.board.view.selected_cards()]


# --- moving with the keyboard -----------------------------------------------------------------
def test_move_right_moves_the_selected_card_and_keeps_it_selected(
    window: MainWindow, demo_db: Database
) -> None:
    view = window.board.view
    a, b, c = view.columns[0], view.columns[1], view.columns[2]
    deal_id = _click_card(a, 0)
    history = transitions(demo_db, deal_id)

    window.actions.move_right.trigger()

    assert deals.get_deal(demo_db, deal_id).stage_id == b.stage.id
    assert _selected_ids(window) == [deal_id]
    assert view.active_column() is b
    assert b.view.currentIndex().data(ID_ROLE) == deal_id
    assert deal_id not in column_ids(a)

    window.actions.move_right.trigger()  # and on again: the selection followed the card
    assert deals.get_deal(demo_db, deal_id).stage_id == c.stage.id
    assert _selected_ids(window) == [deal_id]

    window.actions.move_left.trigger()
    assert deals.get_deal(demo_db, deal_id).stage_id == b.stage.id
    assert _selected_ids(window) == [deal_id]
    assert len(transitions(demo_db, deal_id)) == len(history) + 3


def test_no_stage_beyond_the_first_and_last_columns(window: MainWindow, demo_db: Database) -> None:
    view = window.board.view
    first, last = view.columns[0], view.columns[-1]

    deal_id = _click_card(first, 0)
    window.actions.move_left.trigger()
    assert deals.get_deal(demo_db, deal_id).stage_id == first.stage.id
    assert _selected_ids(window) == [deal_id]

    deal_id = _click_card(last, 0)
    window.actions.move_right.trigger()  # never closes a deal by accident
    assert deals.get_deal(demo_db, deal_id).stage_id == last.stage.id
    assert _selected_ids(window) == [deal_id]
    assert window.undo_stack.count() == 0


def test_move_without_a_selection_does_nothing(window: MainWindow, demo_db: Database) -> None:
    shown = board_ids(window.board.view)
    before = transition_count(demo_db)
    window.actions.move_right.trigger()
    window.actions.move_left.trigger()
    assert transition_count(demo_db) == before
    assert board_ids(window.board.view) == shown
    assert window.undo_stack.count() == 0


# --- undo and redo through the actions and their shortcuts ------------------------------------
def test_undo_and_redo_actions(window: MainWindow, demo_db: Database) -> None:
    view, actions = window.board.view, window.actions
    a, b = view.columns[0], view.columns[1]
    assert not actions.undo.isEnabled() and not actions.redo.isEnabled()
    deal_id = _click_card(a, 0)
    actions.move_right.trigger()
    assert actions.undo.isEnabled()
    assert f"Move to {b.stage.name}" in actions.undo.text()
    n = len(transitions(demo_db, deal_id))

    actions.undo.trigger()
    assert deals.get_deal(demo_db, deal_id).stage_id == a.stage.id
    assert deal_id in column_ids(a)
    assert len(transitions(demo_db, deal_id)) == n + 1
    assert actions.redo.isEnabled() and not actions.undo.isEnabled()

    actions.redo.trigger()
    assert deals.get_deal(demo_db, deal_id).stage_id == b.stage.id
    assert deal_id in column_ids(b)
    assert len(transitions(demo_db, deal_id)) == n + 2


def test_shortcuts(window: MainWindow) -> None:
    actions = window.actions
    assert QKeySequence("Ctrl+Z") in actions.undo.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in actions.redo.shortcuts()
    assert actions.move_left.shortcut() == QKeySequence("Ctrl+Left")
    assert actions.move_right.shortcut() == QKeySequence("Ctrl+Right")


def test_keyboard_move_undo_redo(window: MainWindow, demo_db: Database, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    view = window.board.view
    a, b = view.columns[0], view.columns[1]
    deal_id = _click_card(a, 0)

    QTest.keyClick(a.view, Qt.Key.Key_Right, CTRL)
    assert deals.get_deal(demo_db, deal_id).stage_id == b.stage.id
    assert QApplication.focusWidget() is b.view  # the focus followed the card

    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert deals.get_deal(demo_db, deal_id).stage_id == a.stage.id

    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, CTRL | SHIFT)
    assert deals.get_deal(demo_db, deal_id).stage_id == b.stage.id


# --- opening a card ---------------------------------------------------------------------------
@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Record MainWindow.open_deal instead of running the modal deal dialog.

    Request it before ``window`` so that the window connects to the replacement.
    """
    calls: list[int | None] = []
    monkeypatch.setattr(MainWindow, "open_deal", lambda self, deal_id: calls.append(deal_id))
    return calls


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_on_a_card_opens_it(
    opened: list[int | None], window: MainWindow, qtbot: QtBot, key: Qt.Key
) -> None:
    b = window.board.view.columns[1]
    deal_id = _click_card(b, 1)

    with qtbot.waitSignal(window.board.open_requested, timeout=1000) as blocker:
        QTest.keyClick(b.view, key)

    assert blocker.args == [deal_id]
    assert opened == [deal_id]


def test_double_click_and_ctrl_o_open_the_card(
    opened: list[int | None], window: MainWindow, qtbot: QtBot
) -> None:
    a = window.board.view.columns[0]
    index = a.proxy.index(0, 0)
    deal_id = index.data(ID_ROLE)
    viewport, spot = a.view.viewport(), a.view.visualRect(index).center()
    with qtbot.waitSignal(window.board.open_requested, timeout=1000):
        # What Qt 6 delivers for a double click (QTest.mouseDClick sends only the last part).
        QTest.mouseClick(viewport, LEFT, NO_MODIFIER, spot)
        QTest.mousePress(viewport, LEFT, NO_MODIFIER, spot)
        QTest.mouseDClick(viewport, LEFT, NO_MODIFIER, spot)
        QTest.mouseRelease(viewport, LEFT, NO_MODIFIER, spot)
    window.actions.open_deal.trigger()
    assert opened == [deal_id, deal_id]


def test_enter_opens_the_deal_dialog_on_that_deal(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = window.board.view.columns[0]
    deal_id = _click_card(a, 0)
    seen: list[tuple[str, str]] = []

    def look_and_cancel(dialog: DealDialog) -> None:
        seen.append((dialog.windowTitle(), dialog.title_edit.text()))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    answer_dialog(monkeypatch, DealDialog, look_and_cancel)
    QTest.keyClick(a.view, Qt.Key.Key_Return)

    title = deals.get_deal(demo_db, deal_id).title
    assert seen == [(f"Deal: {title}", title)]
