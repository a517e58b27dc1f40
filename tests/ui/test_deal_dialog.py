"""The deal dialog: refused input is explained under the fields it concerns and nothing is
saved; a valid edit is saved once and shows on the board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain import DealInfo, UserInfo
from crmdesk.services import deals, users
from crmdesk.ui import format as fmt
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


# --- the Changes tab (audit log) --------------------------------------------------------------


@pytest.fixture
def us_english() -> Iterator[None]:
    """Money and dates as an American user reads them."""
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(previous)


def _change_rows(dialog: DealDialog) -> list[tuple[str, ...]]:
    """The Changes tab as the user reads it: (when, by, field, change), top to bottom."""
    tree = dialog.audit_list
    return [
        tuple(tree.topLevelItem(r).text(c) for c in range(tree.columnCount()))
        for r in range(tree.topLevelItemCount())
    ]


def _usd(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def test_the_changes_tab_shows_who_changed_the_owner_and_the_amount(
    window: MainWindow,
    demo_db: Database,
    qtbot: QtBot,
    deal: DealInfo,
    admin: UserInfo,
    us_english: None,
) -> None:
    assert deal.currency == "USD"
    old_owner = users.get_user(demo_db, deal.owner_id)
    new_owner = next(u for u in users.list_users(demo_db) if u.id not in (deal.owner_id, admin.id))
    reassigned = deals.update_deal(
        demo_db, deal.id, by=admin.id, expected_version=deal.version,
        changes={"owner_id": new_owner.id},
    ).value  # fmt: skip
    repriced = deals.update_deal(
        demo_db, deal.id, by=new_owner.id, expected_version=reassigned.version,
        changes={"amount": Decimal("48250.50")},
    ).value  # fmt: skip

    dialog = _open(qtbot, window, deal.id)

    changes_tab = next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "Changes")
    dialog.tabs.setCurrentIndex(changes_tab)
    assert dialog.audit_stack.currentWidget() is dialog.audit_list
    assert dialog.audit_list.isVisible()
    assert [dialog.audit_list.headerItem().text(c) for c in range(4)] == [
        "When",
        "By",
        "Field",
        "Change",
    ]
    assert _change_rows(dialog) == [
        (
            fmt.date_time(repriced.updated_at),
            new_owner.name,
            "Amount",
            f"{_usd(deal.amount)} → $48,250.50",
        ),
        (
            fmt.date_time(reassigned.updated_at),
            admin.name,
            "Owner",
            f"{old_owner.name} → {new_owner.name}",
        ),
    ]


def test_changes_saved_in_the_dialog_show_when_it_opens_again(
    window: MainWindow, demo_db: Database, qtbot: QtBot, deal: DealInfo, us_english: None
) -> None:
    target = window.board.view.columns[2].stage
    new_owner = next(u for u in users.list_users(demo_db) if u.id != deal.owner_id)
    dialog = _open(qtbot, window, deal.id)
    dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData(new_owner.id))
    _retype(qtbot, dialog.amount_edit, QLocale().toString(9100.5, "f", 2))
    dialog.stage_combo.setCurrentIndex(dialog.stage_combo.findData(target.id))
    dialog.save()
    assert dialog.result() == ACCEPTED

    again = _open(qtbot, window, deal.id)
    rows = _change_rows(again)
    stage_name = next(s.name for s in again.pipeline.stages if s.id == deal.stage_id)
    who = window.user.name
    # The move is its own write, after the edit; the edit's two fields form one block.
    assert [r[1:] for r in rows] == [
        (who, "Stage", f"{stage_name} → {target.name}"),
        (who, "Owner", f"{users.get_user(demo_db, deal.owner_id).name} → {new_owner.name}"),
        ("", "Amount", f"{_usd(deal.amount)} → $9,100.50"),
    ]
    assert rows[0][0] and rows[1][0] and rows[2][0] == ""


def test_the_changes_tab_of_an_unchanged_deal_says_so(
    window: MainWindow, qtbot: QtBot, deal: DealInfo
) -> None:
    dialog = _open(qtbot, window, deal.id)
    assert _change_rows(dialog) == []
    assert dialog.audit_stack.currentWidget() is dialog.audit_empty
    assert "No changes recorded yet" in dialog.audit_empty.text()


def test_the_changes_tab_refreshes_when_the_dialog_reloads(
    window: MainWindow,
    demo_db: Database,
    qtbot: QtBot,
    deal: DealInfo,
    monkeypatch: pytest.MonkeyPatch,
    us_english: None,
) -> None:
    other = users.get_user(demo_db, deal.owner_id)
    dialog = _open(qtbot, window, deal.id)
    assert _change_rows(dialog) == []
    deals.update_deal(
        demo_db, deal.id, by=other.id, expected_version=deal.version,
        changes={"expected_close": date(2025, 9, 30)},
    )  # fmt: skip
    _retype(qtbot, dialog.title_edit, "Mine")

    def reload_theirs(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == "Reload their version").click()

    answer_dialog(monkeypatch, QMessageBox, reload_theirs)
    dialog.save()  # refused: they changed it; reload their version

    old_close = fmt.short_date(deal.expected_close) if deal.expected_close else "Not set"
    assert [r[1:] for r in _change_rows(dialog)] == [
        (other.name, "Expected close", f"{old_close} → 9/30/25"),
    ]
    assert dialog.audit_stack.currentWidget() is dialog.audit_list
