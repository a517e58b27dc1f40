"""The deal dialog: refused input is explained under the fields it concerns and nothing is
saved; a valid edit is saved once and shows on the board."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain import DealInfo
from crmdesk.services import deals, users
from crmdesk.ui.deal_dialog import DealDialog
from crmdesk.ui.main_window import MainWindow

from ._helpers import answer_dialog, column_ids, transitions

ACCEPTED = QDialog.DialogCode.Accepted


@pytest.fixture
def deal(window: MainWindow, demo_db: Database) -> DealInfo:
    card = window.board.view.columns[1].proxy.cards()[0]
    return deals.get_deal(demo_db, card.id)


def _open(qtbot: QtBot, window: MainWindow, deal_id: int) -> DealDialog:
    dialog = DealDialog(
        db=window.db, user=window.user, ops=window.ops, deal_id=deal_id, lang="en", parent=window
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _retype(qtbot: QtBot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(edit, text)


def _visible_errors(dialog: DealDialog) -> dict[str, str]:
    return {field: label.text() for field, label in dialog.errors.items() if label.isVisible()}


def test_invalid_input_is_explained_under_the_fields_and_nothing_is_saved(
    window: MainWindow, demo_db: Database, qtbot: QtBot, deal: DealInfo
) -> None:
    history = transitions(demo_db, deal.id)
    dialog = _open(qtbot, window, deal.id)
    assert dialog.title_edit.text() == deal.title
    assert _visible_errors(dialog) == {}

    _retype(qtbot, dialog.title_edit, "")
    _retype(qtbot, dialog.amount_edit, "-250")
    dialog.save()

    assert dialog.isVisible()
    assert dialog.result() != ACCEPTED
    assert _visible_errors(dialog) == {
        "title": "This is required.",
        "amount": "Must not be negative.",
    }
    assert not dialog.banner.isVisible()
    assert deals.get_deal(demo_db, deal.id) == deal
    assert transitions(demo_db, deal.id) == history
    assert window.board.model.card_by_id(deal.id).title == deal.title

    # Corrected, the same dialog saves.
    _retype(qtbot, dialog.title_edit, "Corrected title")
    _retype(qtbot, dialog.amount_edit, QLocale().toString(250.0, "f", 2))
    dialog.save()
    assert not dialog.isVisible() and dialog.result() == ACCEPTED
    saved = deals.get_deal(demo_db, deal.id)
    assert (saved.title, saved.amount, saved.version) == (
        "Corrected title",
        Decimal("250.00"),
        deal.version + 1,
    )


def test_an_unreadable_amount_is_caught_before_saving(
    window: MainWindow, demo_db: Database, qtbot: QtBot, deal: DealInfo
) -> None:
    dialog = _open(qtbot, window, deal.id)
    _retype(qtbot, dialog.amount_edit, "lots")
    dialog.save()
    assert dialog.isVisible()
    assert _visible_errors(dialog) == {"amount": "Enter a number, for example 12,300.00."}
    assert deals.get_deal(demo_db, deal.id) == deal


def test_a_valid_edit_is_saved_and_shows_on_the_board(
    window: MainWindow, demo_db: Database, qtbot: QtBot, deal: DealInfo
) -> None:
    history = transitions(demo_db, deal.id)
    dialog = _open(qtbot, window, deal.id)
    _retype(qtbot, dialog.title_edit, "Renamed from the dialog")

    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    assert not dialog.isVisible() and dialog.result() == ACCEPTED
    saved = deals.get_deal(demo_db, deal.id)
    assert saved.title == "Renamed from the dialog"
    assert saved.version == deal.version + 1
    assert (saved.stage_id, saved.amount, saved.customer_id, saved.owner_id, saved.notes) == (
        deal.stage_id,
        deal.amount,
        deal.customer_id,
        deal.owner_id,
        deal.notes,
    )
    assert transitions(demo_db, deal.id) == history
    card = window.board.model.card_by_id(deal.id)
    assert (card.title, card.version) == ("Renamed from the dialog", saved.version)


def test_saving_unchanged_writes_nothing(
    window: MainWindow, demo_db: Database, qtbot: QtBot, deal: DealInfo
) -> None:
    dialog = _open(qtbot, window, deal.id)
    dialog.save()
    assert dialog.result() == ACCEPTED
    assert deals.get_deal(demo_db, deal.id) == deal


def test_a_new_stage_chosen_in_the_dialog_is_an_undoable_move(
    window: MainWindow, demo_db: Database, qtbot: QtBot, deal: DealInfo
) -> None:
    view = window.board.view
    target = view.columns[2].stage
    dialog = _open(qtbot, window, deal.id)
    dialog.stage_combo.setCurrentIndex(dialog.stage_combo.findData(target.id))
    dialog.save()

    assert dialog.result() == ACCEPTED
    assert deals.get_deal(demo_db, deal.id).stage_id == target.id
    assert deal.id in column_ids(view.columns[2])
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert deals.get_deal(demo_db, deal.id).stage_id == deal.stage_id


def test_a_conflict_while_editing_offers_their_version(
    window: MainWindow,
    demo_db: Database,
    qtbot: QtBot,
    deal: DealInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = users.get_user(demo_db, deal.owner_id)
    dialog = _open(qtbot, window, deal.id)
    deals.update_deal(
        demo_db, deal.id, by=other.id, expected_version=deal.version, changes={"title": "Theirs"}
    )
    theirs = deals.get_deal(demo_db, deal.id)
    _retype(qtbot, dialog.amount_edit, QLocale().toString(777.0, "f", 2))
    texts: list[str] = []

    def reload_theirs(box: QMessageBox) -> None:
        texts.append(box.text())
        button = next(b for b in box.buttons() if b.text() == "Reload their version")
        button.click()

    answer_dialog(monkeypatch, QMessageBox, reload_theirs)
    dialog.save()

    assert len(texts) == 1 and other.name in texts[0]
    assert deals.get_deal(demo_db, deal.id) == theirs
    assert dialog.isVisible()
    assert dialog.title_edit.text() == "Theirs"

    dialog.save()  # now on their version: saving again works
    assert dialog.result() == ACCEPTED
