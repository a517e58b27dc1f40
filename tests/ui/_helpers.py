"""What the UI tests share: reading the board as a user sees it, the database as it is,
and standing in for the drags and modal dialogs that cannot run offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import pytest
from PySide6.QtCore import QLocale, QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget
from sqlalchemy import text

from crmdesk.db.engine import Database
from crmdesk.domain import StageKind
from crmdesk.domain.reports import DealCard
from crmdesk.ui.board.model import ID_ROLE, PipelineModel
from crmdesk.ui.board.view import BoardView, DropZone, StageColumn

D = TypeVar("D", bound=QDialog)

MOVE = Qt.DropAction.MoveAction
LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


# --- the board as the user sees it ------------------------------------------------------------
def shown_count(column: StageColumn) -> int:
    """The number in the column's header."""
    value, ok = QLocale().toInt(column.count_label.text())
    assert ok, f"header shows {column.count_label.text()!r}, not a number"
    return value


def column_ids(column: StageColumn) -> list[int]:
    """The deal ids of the cards in a column, top to bottom (what its view shows)."""
    proxy = column.proxy
    return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]


def board_ids(view: BoardView) -> dict[int, list[int]]:
    """Stage id -> the deal ids its column shows."""
    return {col.stage.id: column_ids(col) for col in view.columns}


def header_counts(view: BoardView) -> dict[int, int]:
    return {col.stage.id: shown_count(col) for col in view.columns}


def zone(view: BoardView, kind: StageKind) -> DropZone:
    return next(z for z in view.zones if z.stage.kind is kind)


def mime_for(model: PipelineModel, cards: Iterable[DealCard]) -> QMimeData:
    """What dragging these cards carries: the model's own ``mimeData``."""
    indexes = [model.index(model.row_of(c.id)) for c in cards]  # type: ignore[arg-type]
    assert all(i.isValid() for i in indexes)
    return model.mimeData(indexes)


def drop_through_model(column: StageColumn, model: PipelineModel, cards: list[DealCard]) -> bool:
    """Drop cards on a column the way a view does it, napari-style: ``dropMimeData``."""
    return column.proxy.dropMimeData(mime_for(model, cards), MOVE, -1, 0, QModelIndex())


# --- drags ------------------------------------------------------------------------------------
def deliver_drag(
    target: QWidget, pos: QPoint, mime: QMimeData, actions: Qt.DropAction = MOVE
) -> QDropEvent | None:
    """What the platform's drag loop does once the pointer reaches ``target`` and the
    button is released there: drag-enter, drag-move, drop.

    Returns the drop event (None when the target refused the drag on the way in).
    """
    at = QPointF(pos)
    enter = QDragEnterEvent(pos, actions, mime, LEFT, NO_MODIFIER)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return None
    move = QDragMoveEvent(pos, actions, mime, LEFT, NO_MODIFIER)
    # Like QGuiApplicationPrivate::processDrag: once a target accepted the drag, the next
    # move arrives accepted with that action (a widget without dragMoveEvent keeps it).
    move.setDropAction(enter.dropAction())
    move.accept()
    QApplication.sendEvent(target, move)
    if not move.isAccepted():
        QApplication.sendEvent(target, QDragLeaveEvent())
        return None
    drop = QDropEvent(at, actions, mime, LEFT, NO_MODIFIER)
    QApplication.sendEvent(target, drop)
    return drop


def drop_on_zone(view: BoardView, kind: StageKind, cards: list[DealCard]) -> QDropEvent | None:
    """Drag cards from their column onto the Won or Lost zone and let go."""
    target = zone(view, kind)
    return deliver_drag(target, target.rect().center(), mime_for(view.model, cards))


# --- modal dialogs ----------------------------------------------------------------------------
def answer_dialog(
    monkeypatch: pytest.MonkeyPatch, dialog_class: type[D], answer: Callable[[D], None]
) -> list[D]:
    """Replace ``dialog_class.exec``: show the dialog, let ``answer`` act as the user (fill in
    fields, press a button), then return its result as ``exec`` would.

    Returns the list of dialogs that were opened.
    """
    opened: list[D] = []

    def fake_exec(self: D) -> int:
        opened.append(self)
        self.show()
        answer(self)
        if self.isVisible():  # the user's answer did not close it: that would hang for real
            raise AssertionError(f"{dialog_class.__name__} is still open after the answer")
        return self.result()

    monkeypatch.setattr(dialog_class, "exec", fake_exec)
    return opened


def in_settings(window: QWidget, monkeypatch: pytest.MonkeyPatch, act: Callable[[D], None]) -> D:
    """Edit › Settings… in ``window``, let ``act`` use the dialog as the user would, then
    close it; the dialog."""
    from crmdesk.ui.settings_dialog import SettingsDialog

    def answer(d: D) -> None:
        act(d)
        d.reject()

    opened = answer_dialog(monkeypatch, SettingsDialog, answer)
    window.settings_action.trigger()  # type: ignore[attr-defined]
    assert len(opened) == 1
    return opened[0]  # type: ignore[return-value]


def press(dialog: QDialog, button: QDialogButtonBox.StandardButton) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None and box.button(button) is not None
    box.button(button).click()


def press_ok(dialog: QDialog) -> None:
    press(dialog, QDialogButtonBox.StandardButton.Ok)


def press_cancel(dialog: QDialog) -> None:
    press(dialog, QDialogButtonBox.StandardButton.Cancel)


# --- the database as it is --------------------------------------------------------------------
def transitions(db: Database, deal_id: int) -> list[tuple[int, int | None, int, int | None]]:
    """A deal's stage history: (id, from_stage_id, to_stage_id, by_user_id), oldest first."""
    with db.read() as s:
        rows = s.execute(
            text(
                "SELECT id, from_stage_id, to_stage_id, by_user_id FROM stage_transitions "
                "WHERE deal_id = :deal ORDER BY id"
            ),
            {"deal": deal_id},
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def transition_count(db: Database, deal_id: int | None = None) -> int:
    sql = "SELECT count(*) FROM stage_transitions"
    params = {}
    if deal_id is not None:
        sql += " WHERE deal_id = :deal"
        params["deal"] = deal_id
    with db.read() as s:
        return int(s.execute(text(sql), params).scalar_one())


def open_counts(db: Database, *, owner_id: int | None = None) -> dict[int, int]:
    """Open deals per open stage of the default pipeline, counted with SQL."""
    sql = (
        "SELECT st.id, count(d.id) FROM stages st "
        "JOIN pipelines p ON p.id = st.pipeline_id AND p.is_default "
        "LEFT JOIN deals d ON d.stage_id = st.id"
        + (" AND d.owner_id = :owner" if owner_id is not None else "")
        + " WHERE st.kind = 'open' AND st.active GROUP BY st.id"
    )
    with db.read() as s:
        return {r[0]: r[1] for r in s.execute(text(sql), {"owner": owner_id})}
