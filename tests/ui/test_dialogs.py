"""The Won and Lost dialogs: they do not close until what they ask for is given."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.services import lists
from crmdesk.ui.dialogs import LostDialog, WonDialog

ACCEPTED = QDialog.DialogCode.Accepted


def _lost_dialog(qtbot: QtBot, db: Database, count: int = 1) -> LostDialog:
    dialog = LostDialog(count=count, reasons=lists.list_items(db, "lost_reasons"), lang="en")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_lost_dialog_ok_without_a_reason_stays_open(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = _lost_dialog(qtbot, sqlite_db)
    assert not dialog.error.isVisible()
    assert dialog.reason_id() is None

    dialog._on_buttons_accepted()

    assert dialog.isVisible()
    assert dialog.result() != ACCEPTED
    assert dialog.error.isVisible()
    assert dialog.error.text() == "A lost reason is required."


def test_lost_dialog_ok_button_with_a_reason_closes_it(qtbot: QtBot, sqlite_db: Database) -> None:
    reasons = lists.list_items(sqlite_db, "lost_reasons")
    dialog = _lost_dialog(qtbot, sqlite_db, count=3)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

    ok.click()  # no reason yet
    assert dialog.isVisible() and dialog.error.isVisible()

    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData(reasons[-1].id))
    ok.click()
    assert not dialog.isVisible()
    assert dialog.result() == ACCEPTED
    assert dialog.reason_id() == reasons[-1].id


def test_won_dialog_shows_the_amount_and_requires_one(qtbot: QtBot) -> None:
    dialog = WonDialog(count=1, amount=Decimal("4100.50"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.amount() == Decimal("4100.50")
    assert dialog.closed_at() is None  # today: "now"

    dialog.amount_edit.clear()
    dialog._on_buttons_accepted()
    assert dialog.isVisible() and dialog.result() != ACCEPTED
    assert dialog.amount_error.isVisible()


def test_won_dialog_for_several_deals_asks_no_amount(qtbot: QtBot) -> None:
    dialog = WonDialog(count=2, amount=None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.amount_edit.isVisible()
    dialog._on_buttons_accepted()
    assert dialog.result() == ACCEPTED
    assert dialog.amount() is None
