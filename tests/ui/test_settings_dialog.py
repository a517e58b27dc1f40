"""Edit › Settings…: what a rep, a manager and an admin see and change there, and what the
rest of the window shows afterwards (the board's columns, the lost-reason choices, the
reports' targets, the currency)."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import crmdesk.ui.settings_dialog as settings_module
from crmdesk.db.engine import Database
from crmdesk.domain import Change, Role, TargetMetric, UserInfo
from crmdesk.services import lists, pipelines, settings, targets, users
from crmdesk.ui import format as fmt
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.dialogs import LostDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.settings_dialog import (
    ItemDialog,
    SettingsDialog,
    StageDialog,
    StageTable,
    TargetDialog,
    quarter_of,
    restart_command,
    saved_language,
)
from crmdesk.ui.sign_in import saved_database_url
from tests.ui._helpers import (
    LEFT,
    NO_MODIFIER,
    answer_dialog,
    deliver_drag,
    in_settings,
    open_counts,
    press_cancel,
    press_ok,
)

MANAGER_ONLY_STAGES = "Only a manager can change the pipeline."


# --- helpers ----------------------------------------------------------------------------------
def _open(
    qtbot: QtBot,
    db: Database,
    user: UserInfo,
    *,
    bus: ChangeBus | None = None,
    page: str | None = None,
) -> SettingsDialog:
    dialog = SettingsDialog(db=db, user=user, bus=bus or ChangeBus(), lang="en", page=page)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def someone(db: Database, role: Role) -> UserInfo:
    return next(u for u in users.list_users(db) if u.role is role)


def board_names(window: MainWindow) -> list[str]:
    """The board's stage columns, left to right, as their headers read."""
    return [c.name_label.text() for c in window.board.view.columns]


def table_names(dialog: SettingsDialog) -> list[str]:
    """The Pipeline page's English names, top to bottom, as the table shows them."""
    model = dialog.pipeline.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def row_text(dialog: SettingsDialog, name: str) -> dict[str, str]:
    model = dialog.pipeline.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    r = table_names(dialog).index(name)
    return {t: model.index(r, c).data() for c, t in enumerate(titles)}


def select_stage(dialog: SettingsDialog, name: str) -> None:
    page = dialog.pipeline
    page.select_stage(page.model.rows[table_names(dialog).index(name)].stage.id)


def fill_stage(en: str, zh: str, probability: int | None = None, rot: int | None = None):
    def fill(d: StageDialog) -> None:
        d.en_edit.setText(en)
        d.zh_edit.setText(zh)
        if probability is not None:
            d.probability_spin.setValue(probability)
        if rot is not None:
            d.rot_spin.setValue(rot)
        press_ok(d)

    return fill


def lost_reason_choices(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What Deal › Mark as lost… offers for the first card of the board (then cancelled)."""
    column = window.board.view.columns[0]
    column.view.setCurrentIndex(column.proxy.index(0, 0))
    seen: list[str] = []

    def answer(d: LostDialog) -> None:
        combo = d.reason_combo
        seen.extend(combo.itemText(i) for i in range(1, combo.count()))
        press_cancel(d)

    answer_dialog(monkeypatch, LostDialog, answer)
    window.actions.mark_lost.trigger()
    return seen


# --- the menu and the pipeline ----------------------------------------------------------------
def test_edit_menu_opens_settings_on_the_window_bus(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu() is not None}
    assert window.settings_action in menus["&Edit"].actions()
    assert window.settings_action.shortcut().toString() == "Ctrl+,"
    pages: list[list[str]] = []

    def look(d: SettingsDialog) -> None:
        pages.append([d.nav.item(i).text() for i in range(d.nav.count())])

    dialog = in_settings(window, monkeypatch, look)
    assert pages == [["General", "Database", "Pipeline", "Lists", "Targets"]]
    assert dialog.bus is window.bus


def test_a_stage_added_in_settings_appears_on_the_board_where_it_was_put(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert board_names(window) == ["Prospecting", "Qualification", "Quote", "Contract"]
    shown: list[list[str]] = []

    def act(d: SettingsDialog) -> None:
        d.show_page("pipeline")
        select_stage(d, "Quote")
        answer_dialog(monkeypatch, StageDialog, fill_stage("Negotiation", "谈判", 65, 5))
        d.pipeline.add_button.click()
        shown.append(table_names(d))

    dialog = in_settings(window, monkeypatch, act)

    assert shown == [
        ["Prospecting", "Qualification", "Quote", "Negotiation", "Contract", "Won", "Lost"]
    ]
    assert board_names(window) == [
        "Prospecting",
        "Qualification",
        "Quote",
        "Negotiation",
        "Contract",
    ]
    stage = pipelines.get_pipeline(window.db).stage(window.board.view.columns[3].stage.id)
    assert (stage.names, stage.probability, stage.rot_days) == (
        {"en": "Negotiation", "zh_CN": "谈判"},
        65,
        5,
    )
    assert dialog.changes.touches(Change.STAGES)
    assert dialog.pipeline.message.text() == "Added the stage Negotiation."


def test_dragging_a_stage_changes_the_order_of_the_board_columns(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus, page="pipeline")
    table = dialog.pipeline.table
    carried = []

    def start_drag(view: StageTable, _actions: Qt.DropAction) -> None:
        carried.append(view.model().mimeData(view.selectedIndexes()))

    monkeypatch.setattr(StageTable, "startDrag", start_drag)
    model = dialog.pipeline.model
    contract = model.index(table_names(dialog).index("Contract"), 1)
    qualification = model.index(table_names(dialog).index("Qualification"), 1)
    viewport = table.viewport()
    start = table.visualRect(contract).center()
    step = QPoint(0, -(QApplication.startDragDistance() + 2))
    QTest.mousePress(viewport, LEFT, NO_MODIFIER, start)
    QTest.mouseMove(viewport, start + step)
    QTest.mouseMove(viewport, start + step * 2)
    QTest.mouseRelease(viewport, LEFT, NO_MODIFIER, start + step * 2)
    assert len(carried) == 1, "the press and move did not start a drag"

    # Let go on the upper edge of Qualification: the stage goes before it.
    drop = deliver_drag(
        viewport, table.visualRect(qualification).topLeft() + QPoint(40, 2), carried[0]
    )
    assert drop is not None and drop.isAccepted()
    qtbot.waitUntil(lambda: board_names(window)[1] == "Contract", timeout=2000)

    assert board_names(window) == ["Prospecting", "Contract", "Qualification", "Quote"]
    assert table_names(dialog) == [
        "Prospecting",
        "Contract",
        "Qualification",
        "Quote",
        "Won",
        "Lost",
    ]
    assert [s.key for s in pipelines.get_pipeline(window.db).open_stages] == [
        "prospecting",
        "contract",
        "qualification",
        "quote",
    ]


def test_move_up_and_down_from_the_keyboard(window: MainWindow, qtbot: QtBot) -> None:
    dialog = SettingsDialog(
        db=window.db, user=window.user, bus=window.bus, page="pipeline", parent=window
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    select_stage(dialog, "Quote")
    table = dialog.pipeline.table
    table.setFocus()

    # A button's shortcut clicks it the way a mouse would (after its short press).
    QTest.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: board_names(window)[1] == "Quote", timeout=2000)
    assert board_names(window) == ["Prospecting", "Quote", "Qualification", "Contract"]
    QTest.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: board_names(window)[0] == "Quote", timeout=2000)
    assert not dialog.pipeline.up_button.isEnabled()  # first already
    QTest.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: board_names(window)[1] == "Quote", timeout=2000)
    assert board_names(window) == ["Prospecting", "Quote", "Qualification", "Contract"]
    # The stage stays selected, so the keys can go on moving it.
    assert dialog.pipeline.selected().stage.key == "quote"
    assert dialog.pipeline.message.text() == "Moved Quote to place 2."
    # Won and Lost stay last and cannot move.
    select_stage(dialog, "Won")
    assert not dialog.pipeline.up_button.isEnabled()
    assert not dialog.pipeline.down_button.isEnabled()


def test_renaming_in_both_languages_and_tuning_a_stage(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus, page="pipeline")
    select_stage(dialog, "Quote")
    answer_dialog(monkeypatch, StageDialog, fill_stage("Proposal", "方案", 60, 0))
    dialog.pipeline.edit_button.click()

    assert board_names(window)[2] == "Proposal"
    assert row_text(dialog, "Proposal") == {
        "": "⠿",
        "English name": "Proposal",
        "Chinese name": "方案",
        "Probability": "60%",
        "Rotting": "Off",
        "Qualified": "",
        "Kind": "Open",
    }
    stage = pipelines.get_pipeline(window.db).stage("quote")
    assert stage.names == {"en": "Proposal", "zh_CN": "方案"}
    assert (stage.probability, stage.rot_days) == (60, None)
    assert stage.label("zh_CN") == "方案"


def test_marking_the_qualified_stage(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus, page="pipeline")
    assert row_text(dialog, "Qualification")["Qualified"] == "✓ Qualified"
    select_stage(dialog, "Quote")
    dialog.pipeline.qualified_button.click()

    assert row_text(dialog, "Quote")["Qualified"] == "✓ Qualified"
    assert row_text(dialog, "Qualification")["Qualified"] == ""
    pipe = pipelines.get_pipeline(window.db)
    assert pipe.qualified_stage_id == pipe.stage("quote").id
    assert not dialog.pipeline.qualified_button.isEnabled()  # it is the qualified one now


def test_stage_validation_messages_appear_at_their_fields(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus, page="pipeline")
    seen: dict[str, str] = {}

    def answer(d: StageDialog) -> None:
        press_ok(d)  # no name at all
        seen["empty"] = d.error_text("en")
        d.zh_edit.setText("很" * 120)
        press_ok(d)
        seen["long"] = d.error_text("zh_CN")
        seen["still open"] = str(d.isVisible())
        press_cancel(d)

    answer_dialog(monkeypatch, StageDialog, answer)
    dialog.pipeline.add_button.click()

    assert seen == {
        "empty": "English name: This is required.",
        "long": "Chinese name: At most 100 characters.",
        "still open": "True",
    }
    assert len(board_names(window)) == 4
    assert len(pipelines.get_pipeline(window.db).stages) == 6


def test_removing_a_stage_that_holds_deals_names_the_count(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus, page="pipeline")
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    pipe = pipelines.get_pipeline(window.db)
    held = open_counts(window.db)[pipe.stage("quote").id]
    assert held > 0
    select_stage(dialog, "Quote")
    dialog.pipeline.remove_button.click()

    assert dialog.pipeline.message.text() == (
        f"Quote still holds {held} deals. Move them to another stage first."
    )
    assert board_names(window) == ["Prospecting", "Qualification", "Quote", "Contract"]

    # An empty stage goes, from the table and from the board.
    answer_dialog(monkeypatch, StageDialog, fill_stage("Demo", "演示"))
    dialog.pipeline.add_button.click()
    assert "Demo" in board_names(window)
    select_stage(dialog, "Demo")
    dialog.pipeline.remove_button.click()
    assert "Demo" not in board_names(window)
    assert "Demo" not in table_names(dialog)
    assert dialog.pipeline.message.text() == "Removed the stage Demo."


# --- permissions ------------------------------------------------------------------------------
def test_a_rep_sees_the_pipeline_read_only_and_cannot_change_it(
    qtbot: QtBot, demo_db: Database
) -> None:
    rep = someone(demo_db, Role.REP)
    dialog = _open(qtbot, demo_db, rep, page="pipeline")
    page = dialog.pipeline
    select_stage(dialog, "Quote")
    before = pipelines.get_pipeline(demo_db)

    assert page.read_only_note.isVisible()
    assert MANAGER_ONLY_STAGES in page.read_only_note.text()
    for button in (
        page.add_button,
        page.edit_button,
        page.up_button,
        page.down_button,
        page.qualified_button,
        page.remove_button,
    ):
        assert not button.isEnabled(), button.text()
    index = page.model.index(table_names(dialog).index("Quote"), 1)
    assert not page.model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled

    page.move_selected(-1)  # as if a key got through anyway
    assert page.message.text() == MANAGER_ONLY_STAGES
    assert pipelines.get_pipeline(demo_db) == before
    assert table_names(dialog)[:4] == ["Prospecting", "Qualification", "Quote", "Contract"]


def test_a_rep_sees_the_team_settings_read_only_but_chooses_the_language(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = someone(demo_db, Role.REP)
    dialog = _open(qtbot, demo_db, rep)
    page = dialog.general
    assert page.read_only_note.isVisible()
    assert not page.currency_combo.isEnabled()
    assert not page.zone_combo.isEnabled()
    assert page.language_combo.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(
        settings_module, "ask_restart", lambda _p, language: asked.append(language) or False
    )

    page.language_combo.setCurrentIndex(page.language_combo.findData("zh_CN"))
    assert page.save_button.isEnabled()
    page.save_button.click()

    assert saved_language() == "zh_CN"
    assert asked == ["简体中文"]
    assert page.message.text() == "Saved. crmdesk will speak 简体中文 when it starts next."
    assert not page.save_button.isEnabled()

    # The currency, saved anyway: refused by the service, with its rule.
    page.currency_combo.setEnabled(True)
    page.currency_combo.setCurrentIndex(page.currency_combo.findData("EUR"))
    assert not page.save()
    assert page.message.text() == "Only an admin can change the settings."
    assert settings.get_setting(demo_db, "currency") == "USD"
    page.revert()


def test_a_manager_edits_the_pipeline_but_not_the_team_settings(
    qtbot: QtBot, demo_db: Database
) -> None:
    manager = someone(demo_db, Role.MANAGER)
    dialog = _open(qtbot, demo_db, manager, page="pipeline")
    assert not dialog.pipeline.read_only_note.isVisible()
    assert dialog.pipeline.add_button.isEnabled()
    assert dialog.lists.reasons.add_button.isEnabled()
    assert dialog.targets.add_button.isEnabled()
    assert not dialog.general.currency_combo.isEnabled()
    assert "Only an admin" in dialog.general.read_only_note.text()


def test_someone_who_loses_the_manager_role_meanwhile_is_read_only_at_once(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    manager = someone(demo_db, Role.MANAGER)
    bus = ChangeBus()
    dialog = _open(qtbot, demo_db, manager, bus=bus, page="pipeline")
    assert dialog.pipeline.add_button.isEnabled()

    bus.publish(users.set_role(demo_db, manager.id, Role.REP, by=admin.id).changes)

    assert not dialog.pipeline.add_button.isEnabled()
    assert dialog.pipeline.read_only_note.isVisible()
    assert not dialog.targets.add_button.isEnabled()


def test_a_change_made_elsewhere_shows_in_the_open_dialog(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    bus = ChangeBus()
    dialog = _open(qtbot, demo_db, admin, bus=bus, page="pipeline")
    pipe = pipelines.get_pipeline(demo_db)

    out = pipelines.add_stage(demo_db, pipe.id, by=admin.id, key="pilot", name="Pilot")
    bus.publish(out.changes)
    assert "Pilot" in table_names(dialog)

    out = lists.add_item(demo_db, "sources", by=admin.id, name="Webinar")
    bus.publish(out.changes)
    sources = dialog.lists.sources.model
    assert "Webinar" in [sources.index(r, 0).data() for r in range(sources.rowCount())]


# --- lists ------------------------------------------------------------------------------------
def test_a_new_lost_reason_is_offered_and_a_retired_one_is_not(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus, page="lists")
    editor = dialog.lists.reasons

    def fill(d: ItemDialog) -> None:
        d.en_edit.setText("Went with a cheaper offer")
        d.zh_edit.setText("选择了更便宜的报价")
        press_ok(d)

    answer_dialog(monkeypatch, ItemDialog, fill)
    editor.add_button.click()
    editor.select_item(next(r.item.id for r in editor.model.rows if r.en == "Bad timing"))
    assert editor.active_button.text() == "Retire"
    editor.active_button.click()

    offered = lost_reason_choices(window, monkeypatch)
    assert "Went with a cheaper offer" in offered
    assert "Bad timing" not in offered
    assert dialog.lists.message.text() == (
        "Bad timing is retired: no longer offered, and kept on old deals."
    )
    statuses = {r.en: r.item.active for r in editor.model.rows}
    assert statuses["Bad timing"] is False and statuses["Went with a cheaper offer"] is True
    added = next(
        x for x in lists.list_items(window.db, "lost_reasons") if x.name.startswith("Went")
    )
    assert added.names == {"en": "Went with a cheaper offer", "zh_CN": "选择了更便宜的报价"}

    assert editor.active_button.text() == "Bring Back"
    editor.active_button.click()
    assert "Bad timing" in lost_reason_choices(window, monkeypatch)


def test_renaming_a_lead_source_and_a_duplicate_name_at_its_field(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin, page="lists")
    editor = dialog.lists.sources
    editor.select_item(next(r.item.id for r in editor.model.rows if r.en == "Trade show"))
    seen: dict[str, str] = {}

    def answer(d: ItemDialog) -> None:
        d.en_edit.setText("Website")  # another source's name
        press_ok(d)
        seen["duplicate"] = d.error_text("en")
        d.en_edit.setText("Trade fair")
        d.zh_edit.setText("展览会")
        press_ok(d)

    answer_dialog(monkeypatch, ItemDialog, answer)
    editor.rename_button.click()

    assert seen["duplicate"] == "English name: Already used: Website."
    assert "Trade fair" in [r.en for r in editor.model.rows]
    renamed = next(x for x in lists.list_items(demo_db, "sources") if x.name == "Trade fair")
    assert renamed.names == {"en": "Trade fair", "zh_CN": "展览会"}


def test_a_rep_cannot_edit_the_lists(qtbot: QtBot, demo_db: Database) -> None:
    dialog = _open(qtbot, demo_db, someone(demo_db, Role.REP), page="lists")
    editor = dialog.lists.reasons
    editor.select_item(editor.model.rows[0].item.id)
    assert dialog.lists.read_only_note.isVisible()
    assert not editor.add_button.isEnabled()
    assert not editor.rename_button.isEnabled()
    assert not editor.active_button.isEnabled()
    editor.toggle_active()  # forced
    assert dialog.lists.message.text() == "Only a manager can edit lead sources and lost reasons."
    assert all(x.active for x in lists.list_items(demo_db, "lost_reasons", include_inactive=True))


# --- targets ----------------------------------------------------------------------------------
def test_a_target_added_shows_in_the_reports_targets(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = someone(window.db, Role.REP)
    start, end = quarter_of(date.today())
    seen: dict[str, str] = {}

    def fill(d: TargetDialog) -> None:
        d.who_combo.setCurrentIndex(d.who_combo.findData(rep.id))
        d.metric_combo.setCurrentIndex(d.metric_combo.findData("won_amount"))
        d.value_edit.setText("abc")
        press_ok(d)
        seen["not a number"] = d.error_text("value")
        d.value_edit.setText("50,000")
        press_ok(d)

    def act(d: SettingsDialog) -> None:
        d.show_page("targets")
        answer_dialog(monkeypatch, TargetDialog, fill)
        d.targets.add_button.click()
        seen["table"] = repr(d.targets.shown())

    in_settings(window, monkeypatch, act)

    example = QLocale().toString(120000)
    assert seen["not a number"] == f"Target: enter a number, for example {example}."
    quarter = f"Q{(start.month - 1) // 3 + 1} {start.year}"
    money = fmt.money(Decimal(50000), "USD")
    assert repr((quarter, rep.name, "Won amount", money)) in seen["table"]
    saved = targets.list_targets(window.db, start=start, end=end)
    assert [(t.owner_id, t.metric, t.value) for t in saved] == [
        (rep.id, TargetMetric.WON_AMOUNT, Decimal("50000.00"))
    ]

    # The reports (this quarter) list it against the rep.
    tab = window.reports
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        window.nav.setCurrentRow(window.VIEW_KEYS.index("reports"))
    tab.wait_loaded()
    qtbot.waitUntil(lambda: tab.pages["targets"].model.rowCount() > 0, timeout=30_000)
    model = tab.pages["targets"].model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    shown = [
        {t: model.index(r, c).data() for c, t in enumerate(titles)} for r in range(model.rowCount())
    ]
    assert {(s["Salesperson"], s["Target"], s["Goal"]) for s in shown} >= {
        (rep.name, "Won amount", money)
    }


def test_target_edit_delete_and_the_whole_number_rule(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin, page="targets")
    page = dialog.targets
    seen: dict[str, str] = {}

    def add(d: TargetDialog) -> None:
        d.who_combo.setCurrentIndex(d.who_combo.findData(None))
        d.span_combo.setCurrentIndex(d.span_combo.findData("month"))
        d.year_spin.setValue(2026)
        d.part_combo.setCurrentIndex(2)  # March
        d.metric_combo.setCurrentIndex(d.metric_combo.findData("won_count"))
        d.value_edit.setText("12.5")
        press_ok(d)
        seen["fraction"] = d.error_text("value")
        d.value_edit.setText("12")
        press_ok(d)

    answer_dialog(monkeypatch, TargetDialog, add)
    page.add_button.click()
    assert seen["fraction"] == "Target: a count is a whole number."
    assert ("March 2026", "Whole team", "Deals won", "12") in page.shown()

    def edit(d: TargetDialog) -> None:
        assert not d.who_combo.isEnabled() and not d.metric_combo.isEnabled()
        d.value_edit.setText("15")
        press_ok(d)

    answer_dialog(monkeypatch, TargetDialog, edit)
    page.edit_button.click()  # the added target is selected
    assert ("March 2026", "Whole team", "Deals won", "15") in page.shown()
    (t,) = targets.list_targets(demo_db, start=date(2026, 3, 1), end=date(2026, 4, 1))
    assert (t.owner_id, t.value) == (None, Decimal("15.00"))

    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    page.delete_button.click()
    assert ("March 2026", "Whole team", "Deals won", "15") not in page.shown()
    assert targets.list_targets(demo_db, start=date(2026, 3, 1), end=date(2026, 4, 1)) == []


def test_adding_a_target_that_exists_says_it_replaces_it(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = targets.list_targets(demo_db)[0]
    dialog = _open(qtbot, demo_db, admin, page="targets")
    notes: list[str] = []

    def answer(d: TargetDialog) -> None:
        d.who_combo.setCurrentIndex(d.who_combo.findData(existing.owner_id))
        d.span_combo.setCurrentIndex(d.span_combo.findData("quarter"))
        d.year_spin.setValue(existing.period_start.year)
        d.part_combo.setCurrentIndex((existing.period_start.month - 1) // 3)
        d.metric_combo.setCurrentIndex(d.metric_combo.findData(existing.metric.value))
        notes.append(d.replaces.text() if d.replaces.isVisible() else "")
        press_cancel(d)

    answer_dialog(monkeypatch, TargetDialog, answer)
    dialog.targets.add_button.click()
    assert notes and notes[0].startswith("There is already a target of ")
    assert notes[0].endswith("for this. Saving replaces it.")


def test_a_rep_sees_only_the_team_targets_and_their_own_read_only(
    qtbot: QtBot, demo_db: Database
) -> None:
    rep = someone(demo_db, Role.REP)
    dialog = _open(qtbot, demo_db, rep, page="targets")
    page = dialog.targets
    page.year_combo.setCurrentIndex(0)  # all years
    mine = [t for t in targets.list_targets(demo_db) if t.owner_id in (None, rep.id)]
    assert len(page.shown()) == len(mine) > 0
    assert {who for _p, who, _m, _v in page.shown()} <= {"Whole team", rep.name}
    assert page.read_only_note.isVisible()
    assert not page.add_button.isEnabled()


# --- general ----------------------------------------------------------------------------------
def test_an_admin_changes_the_currency_and_the_board_follows(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open(qtbot, window.db, window.user, bus=window.bus)
    page = dialog.general
    assert page.currency_combo.isEnabled()
    assert not page.save_button.isEnabled()

    page.currency_combo.setCurrentIndex(page.currency_combo.findData("CNY"))
    assert page.currency_example.text() == "e.g. " + fmt.money(Decimal("12345.67"), "CNY")
    page.save_button.click()

    assert settings.get_setting(window.db, "currency") == "CNY"
    assert window.board.view.currency == "CNY"
    assert "¥" in window.board.view.columns[0].amount_label.text()
    assert page.message.text() == "Saved."
    assert dialog.changes.touches(Change.SETTINGS)


def test_a_wrong_currency_or_time_zone_is_named_at_its_field(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    page = dialog.general
    page.currency_combo.setEditText("EURO")
    page.zone_combo.setEditText("Mars/Olympus")
    assert not page.save()

    assert page.error_text("currency") == (
        "Currency: Not valid: a 3-letter currency code such as USD or CNY."
    )
    assert page.error_text("time_zone") == "Time zone: Not valid: unknown time zone 'Mars/Olympus'."
    assert settings.get_setting(demo_db, "currency") == "USD"
    page.revert()
    assert page.error_text("currency") == ""


@pytest.mark.skipif(
    settings_module.BACKUP_KEY not in settings.EDITABLE, reason="no backup retention setting"
)
def test_an_admin_sets_how_many_backups_to_keep(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    page = dialog.general
    assert page.backup_spin.isVisibleTo(dialog)
    page.backup_spin.setValue(30)
    page.save_button.click()
    assert settings.get_setting(demo_db, settings_module.BACKUP_KEY) == "30"


def test_closing_with_unsaved_changes_asks_first(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin, page="targets")
    dialog.general.currency_combo.setCurrentIndex(dialog.general.currency_combo.findData("EUR"))
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.reject()
    assert dialog.isVisible()  # cancelled
    dialog.reject()
    assert not dialog.isVisible()
    assert asked == ["Save the changes on the General page?"] * 2
    assert settings.get_setting(demo_db, "currency") == "EUR"


def test_restart_keeps_the_arguments_but_not_the_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["crmdesk", "--db", "x.sqlite3", "--lang", "en", "--demo"])
    program, args = restart_command()
    assert program == sys.executable
    assert args == ["-m", "crmdesk", "--db", "x.sqlite3", "--demo"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "argv", ["crmdesk.exe", "--lang=zh_CN"])
    assert restart_command() == (sys.executable, [])


# --- database ---------------------------------------------------------------------------------
def test_the_database_page_keeps_the_choice_for_the_next_start(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, tmp_path
) -> None:
    dialog = _open(qtbot, demo_db, admin, page="database")
    page = dialog.database
    assert page.current_label.text() == demo_db.display_url
    target = tmp_path / "team.sqlite3"
    page.form.path.setText(str(target))
    page.form.save_button.click()

    assert saved_database_url() == str(target)
    assert page.message.text() == f"crmdesk will open {target} when it starts next."
    assert page.form.isVisible() and dialog.isVisible()  # the form stays on its page

    page.form.server.setChecked(True)
    page.form.host.setText("")
    page.form.save_button.click()
    assert page.form.error.text() == "Fill in the server, the database and the server user."
    assert saved_database_url() == str(target)


def test_the_app_starts_in_the_language_chosen_in_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """run_gui without --lang takes this PC's choice from Settings (the window gets it)."""
    from crmdesk.ui import app as app_module
    from crmdesk.ui.settings_dialog import save_language

    seen: list[str] = []

    class Stop(Exception):
        pass

    def fake_open(_db: object, _demo: bool, lang: str) -> object:
        seen.append(lang)
        raise Stop

    monkeypatch.setattr(app_module, "_open", fake_open)
    app_module._application([])  # the application's names, which pick the settings store
    save_language("zh_CN")
    try:
        with pytest.raises(Stop):
            app_module.run_gui(db=str(tmp_path / "x.sqlite3"))
        save_language("en")
        with pytest.raises(Stop):
            app_module.run_gui(db=str(tmp_path / "x.sqlite3"))
    finally:
        save_language(None)
    assert seen == ["zh_CN", "en"]
