"""The board view with the mouse: dragging cards between columns and onto the Won and
Lost zones, and what the board shows afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QLocale, QMimeData, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain import Change, Changes, StageKind
from crmdesk.services import deals, lists
from crmdesk.ui.board.model import StageProxy, decode_ids
from crmdesk.ui.board.view import BoardView, CardListView, StageColumn
from crmdesk.ui.dialogs import LostDialog, WonDialog, parse_amount
from crmdesk.ui.main_window import MainWindow

from .._helpers import (
    LEFT,
    NO_MODIFIER,
    answer_dialog,
    board_ids,
    column_ids,
    deliver_drag,
    drop_on_zone,
    header_counts,
    press_cancel,
    press_ok,
    shown_count,
    transitions,
    zone,
)


# --- real mouse drags -------------------------------------------------------------------------
class PlatformDrag:
    """Stands in for ``QDrag.exec``, which the offscreen platform cannot run: it returns
    IgnoreAction at once (pytest-qt#260 and napari#1411 hit the same wall).

    The mouse presses and moves are real, so the view itself decides that a drag has
    started and calls ``startDrag``. From there this does what the platform's drag loop
    would do: take the view's own mime data to where the pointer is released and deliver
    drag-enter, drag-move and drop there.
    """

    def __init__(self) -> None:
        self.target: QWidget | None = None
        self.pos = QPoint()
        self.carried: list[list[int]] = []
        self._pending: tuple[QMimeData, Qt.DropAction] | None = None

    def start_drag(self, view: CardListView, supported: Qt.DropAction) -> None:
        mime = view.model().mimeData(view.selectedIndexes())
        self.carried.append(decode_ids(mime))
        assert self.target is not None, "aim the drag first"
        # Delivered once the source's mouse handler has returned, as after QDrag.exec.
        self._pending = (mime, supported)

    def drag(self, source: StageColumn, row: int, target: QWidget, pos: QPoint) -> None:
        """Press on a card, move the mouse past the drag distance, release over ``target``."""
        self.target, self.pos = target, pos
        viewport = source.view.viewport()
        start = source.view.visualRect(source.proxy.index(row, 0)).center()
        step = QPoint(0, QApplication.startDragDistance() + 2)
        QTest.mousePress(viewport, LEFT, NO_MODIFIER, start)
        QTest.mouseMove(viewport, start + step)
        QTest.mouseMove(viewport, start + step * 2)
        QTest.mouseRelease(target, LEFT, NO_MODIFIER, pos)
        pending, self._pending = self._pending, None
        if pending is not None:
            deliver_drag(target, pos, *pending)


@pytest.fixture
def platform_drag(monkeypatch: pytest.MonkeyPatch) -> PlatformDrag:
    drag = PlatformDrag()

    def start_drag(view: CardListView, actions: Qt.DropAction) -> None:
        drag.start_drag(view, actions)

    monkeypatch.setattr(CardListView, "startDrag", start_drag)
    return drag


def test_mouse_drag_from_one_column_to_the_next_moves_the_deal(
    platform_drag: PlatformDrag, window: MainWindow, demo_db: Database
) -> None:
    view = window.board.view
    a, b = view.columns[0], view.columns[1]
    card = a.proxy.cards()[0]
    counts = header_counts(view)
    history = transitions(demo_db, card.id)
    target = b.view.viewport()

    platform_drag.drag(a, 0, target, QPoint(target.width() // 2, 20))

    assert platform_drag.carried == [[card.id]]
    assert deals.get_deal(demo_db, card.id).stage_id == b.stage.id
    assert transitions(demo_db, card.id)[:-1] == history
    assert transitions(demo_db, card.id)[-1][1:3] == (a.stage.id, b.stage.id)
    assert card.id not in column_ids(a) and column_ids(b)[-1] == card.id
    assert shown_count(a) == counts[a.stage.id] - 1
    assert shown_count(b) == counts[b.stage.id] + 1


def test_mouse_drag_onto_the_empty_part_of_a_column(
    platform_drag: PlatformDrag, window: MainWindow, demo_db: Database
) -> None:
    view = window.board.view
    a, last = view.columns[0], view.columns[-1]
    card = a.proxy.cards()[1]
    target = last.view.viewport()
    below_the_cards = QPoint(target.width() // 2, target.height() - 5)
    assert not last.view.indexAt(below_the_cards).isValid()

    platform_drag.drag(a, 1, target, below_the_cards)

    assert platform_drag.carried == [[card.id]]
    assert deals.get_deal(demo_db, card.id).stage_id == last.stage.id
    assert card.id in column_ids(last)


def test_a_click_without_moving_selects_and_does_not_drag(
    platform_drag: PlatformDrag, window: MainWindow, demo_db: Database
) -> None:
    view = window.board.view
    a = view.columns[0]
    card = a.proxy.cards()[0]
    spot = a.view.visualRect(a.proxy.index(0, 0)).center()

    QTest.mouseClick(a.view.viewport(), LEFT, NO_MODIFIER, spot)

    assert platform_drag.carried == []
    assert [c.id for c in view.selected_cards()] == [card.id]
    assert deals.get_deal(demo_db, card.id).version == card.version


def test_selecting_in_one_column_clears_the_others(window: MainWindow) -> None:
    view = window.board.view
    a, b = view.columns[0], view.columns[1]
    for col in (a, b):
        QTest.mouseClick(
            col.view.viewport(),
            LEFT,
            NO_MODIFIER,
            col.view.visualRect(col.proxy.index(0, 0)).center(),
        )
    assert not a.view.selectionModel().hasSelection()
    assert view.active_column() is b
    assert [c.id for c in view.selected_cards()] == [b.proxy.cards()[0].id]


# --- the Lost zone ----------------------------------------------------------------------------
def test_lost_cancelled_keeps_the_deal_where_it_was(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.board.view
    a = view.columns[1]
    card = a.proxy.cards()[0]
    before = deals.get_deal(demo_db, card.id)
    history = transitions(demo_db, card.id)
    shown = board_ids(view)
    counts = header_counts(view)
    opened = answer_dialog(monkeypatch, LostDialog, press_cancel)

    drop_on_zone(view, StageKind.LOST, [card])

    assert len(opened) == 1
    assert deals.get_deal(demo_db, card.id) == before
    assert transitions(demo_db, card.id) == history
    assert board_ids(view) == shown
    assert header_counts(view) == counts
    assert window.undo_stack.count() == 0
    assert zone(view, StageKind.LOST).property("hot") is False


def test_lost_with_a_reason_closes_the_deal(
    window: MainWindow,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    platform_drag: PlatformDrag,
) -> None:
    view = window.board.view
    pipeline = window.board.pipeline
    a = view.columns[2]
    card = a.proxy.cards()[0]
    history = transitions(demo_db, card.id)
    counts = header_counts(view)
    reasons = lists.list_items(demo_db, "lost_reasons")
    reason = reasons[1]

    def choose_reason(dialog: LostDialog) -> None:
        offered = [dialog.reason_combo.itemData(i) for i in range(dialog.reason_combo.count())]
        assert offered == [None, *(r.id for r in reasons)]
        dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData(reason.id))
        press_ok(dialog)

    opened = answer_dialog(monkeypatch, LostDialog, choose_reason)
    lost_zone = zone(view, StageKind.LOST)

    platform_drag.drag(a, 0, lost_zone, lost_zone.rect().center())

    assert len(opened) == 1
    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_id == pipeline.lost_stage.id and deal.stage_kind is StageKind.LOST
    assert deal.lost_reason_id == reason.id
    assert deal.lost_at_stage_id == a.stage.id
    assert deal.closed_at is not None
    assert transitions(demo_db, card.id)[:-1] == history
    assert transitions(demo_db, card.id)[-1][1:3] == (a.stage.id, pipeline.lost_stage.id)
    assert all(card.id not in ids for ids in board_ids(view).values())
    assert shown_count(a) == counts[a.stage.id] - 1 == a.proxy.rowCount()
    assert window.undo_stack.count() == 1


# --- the Won zone -----------------------------------------------------------------------------
def test_won_with_a_corrected_amount(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.board.view
    pipeline = window.board.pipeline
    a = view.columns[3]
    card = a.proxy.cards()[0]
    history = transitions(demo_db, card.id)
    counts = header_counts(view)
    prefilled: list[Decimal | None] = []

    def confirm_new_amount(dialog: WonDialog) -> None:
        prefilled.append(parse_amount(dialog.amount_edit.text()))
        dialog.amount_edit.setText(QLocale().toString(12345.67, "f", 2))
        press_ok(dialog)

    opened = answer_dialog(monkeypatch, WonDialog, confirm_new_amount)
    started = datetime.now(UTC)

    drop_on_zone(view, StageKind.WON, [card])

    assert len(opened) == 1
    assert prefilled == [card.amount]
    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_id == pipeline.won_stage.id and deal.stage_kind is StageKind.WON
    assert deal.amount == Decimal("12345.67")
    assert deal.closed_at is not None
    assert started - timedelta(seconds=5) <= deal.closed_at <= datetime.now(UTC)
    assert deal.lost_reason_id is None
    assert transitions(demo_db, card.id)[:-1] == history
    assert transitions(demo_db, card.id)[-1][1:3] == (a.stage.id, pipeline.won_stage.id)
    assert all(card.id not in ids for ids in board_ids(view).values())
    assert shown_count(a) == counts[a.stage.id] - 1


def test_won_on_an_earlier_day(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.board.view
    card = view.columns[0].proxy.cards()[0]
    yesterday = date.today() - timedelta(days=1)

    def won_yesterday(dialog: WonDialog) -> None:
        dialog.date_edit.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
        press_ok(dialog)

    answer_dialog(monkeypatch, WonDialog, won_yesterday)
    drop_on_zone(view, StageKind.WON, [card])

    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_kind is StageKind.WON
    assert deal.closed_at is not None
    assert deal.closed_at.astimezone().date() == yesterday
    assert deal.amount == card.amount


def test_won_with_an_unreadable_amount_stays_open(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.board.view
    card = view.columns[1].proxy.cards()[0]
    before = deals.get_deal(demo_db, card.id)
    seen: list[tuple[bool, bool, str]] = []

    def type_nonsense_then_give_up(dialog: WonDialog) -> None:
        dialog.amount_edit.setText("twelve")
        press_ok(dialog)
        seen.append(
            (dialog.isVisible(), dialog.amount_error.isVisible(), dialog.amount_error.text())
        )
        press_cancel(dialog)

    answer_dialog(monkeypatch, WonDialog, type_nonsense_then_give_up)
    drop_on_zone(view, StageKind.WON, [card])

    assert seen == [(True, True, "Enter the amount, for example 12,300.00.")]
    assert deals.get_deal(demo_db, card.id) == before
    assert card.id in column_ids(view.columns[1])


def test_zones_refuse_foreign_drags(window: MainWindow, demo_db: Database) -> None:
    from PySide6.QtCore import QMimeData

    view = window.board.view
    text = QMimeData()
    text.setText("hello")
    for kind in (StageKind.WON, StageKind.LOST):
        target = zone(view, kind)
        assert deliver_drag(target, target.rect().center(), text) is None
        assert target.property("hot") is False
    assert window.undo_stack.count() == 0


# --- rebuilding the board ---------------------------------------------------------------------
def _rebuild(window: MainWindow, qtbot: QtBot) -> BoardView:
    """What an admin's change to the stages, users or lists makes the board do."""
    window.bus.publish(Changes(Change.LISTS))
    qtbot.wait(20)  # let the layouts settle
    return window.board.view


def test_rebuilt_board_shows_the_same_cards(window: MainWindow, qtbot: QtBot) -> None:
    view = window.board.view
    shown, counts = board_ids(view), header_counts(view)
    view = _rebuild(window, qtbot)
    assert board_ids(view) == shown
    assert header_counts(view) == counts
    assert len(view.zones) == 2


def test_drop_zones_stay_put_when_the_board_is_rebuilt(window: MainWindow, qtbot: QtBot) -> None:
    view = window.board.view
    tops = [z.geometry().top() for z in view.zones]
    for _ in range(2):
        view = _rebuild(window, qtbot)
    assert [z.geometry().top() for z in view.zones] == tops


def test_rebuilding_the_board_leaves_no_stale_column_proxies(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = _rebuild(window, qtbot)
    view = _rebuild(window, qtbot)
    assert len(view.findChildren(StageProxy)) == len(view.columns)
