"""More than one pipeline, set up as an admin would: Settings › Pipeline adds, renames,
archives and picks the default pipeline and edits its stages; the board's switcher, its
columns and the reports' pipeline filter follow at once, without a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from crmdesk.db.engine import Database
from crmdesk.domain import Change, Role, UserInfo
from crmdesk.services import deals, pipelines, settings, users
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.deal_dialog import DealDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.settings_dialog import PipelineDialog, SettingsDialog, StageDialog
from tests.ui._helpers import answer_dialog, in_settings, press_ok


# --- helpers ----------------------------------------------------------------------------------
def _open(qtbot: QtBot, db: Database, user: UserInfo, *, page: str) -> SettingsDialog:
    dialog = SettingsDialog(db=db, user=user, bus=ChangeBus(), lang="en", page=page)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill_pipeline(en: str, zh: str, stages: str | None = None) -> Callable[[PipelineDialog], None]:
    def fill(d: PipelineDialog) -> None:
        d.en_edit.setText(en)
        d.zh_edit.setText(zh)
        if stages is not None:
            d.stages_combo.setCurrentIndex(d.stages_combo.findText(stages))
        press_ok(d)

    return fill


def fill_stage(
    *, en: str | None = None, zh: str | None = None, probability: int | None = None
) -> Callable[[StageDialog], None]:
    def fill(d: StageDialog) -> None:
        if en is not None:
            d.en_edit.setText(en)
        if zh is not None:
            d.zh_edit.setText(zh)
        if probability is not None:
            d.probability_spin.setValue(probability)
        press_ok(d)

    return fill


def page_stage_labels(d: SettingsDialog, lang: str) -> list[str]:
    return [r.stage.label(lang) for r in d.pipeline.model.rows]


def select_stage(d: SettingsDialog, label: str, lang: str) -> None:
    page = d.pipeline
    page.select_stage(page.model.rows[page_stage_labels(d, lang).index(label)].stage.id)


def board_columns(window: MainWindow) -> list[str]:
    return [c.name_label.text() for c in window.board.view.columns]


def column_header(window: MainWindow, name: str) -> str:
    column = next(c for c in window.board.view.columns if c.name_label.text() == name)
    return column.amount_label.text()


def combo_texts(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(i) for i in range(combo.count())]


def show_reports(window: MainWindow, qtbot: QtBot) -> None:
    tab = window.reports
    if window.stack.currentWidget() is not tab:
        with qtbot.waitSignal(tab.loaded, timeout=30_000):
            window.nav.setCurrentRow(window.VIEW_KEYS.index("reports"))
    tab.wait_loaded()


def stage_report_names(window: MainWindow) -> list[str]:
    """The Stage efficiency page's table, first column, as the user reads it."""
    model = window.reports.pages["stages"].model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


@pytest.fixture
def zh_window(demo_db: Database, admin: UserInfo, qtbot: QtBot) -> Iterator[MainWindow]:
    """A Chinese team: the database speaks Chinese, and so does the window."""
    settings.set_setting(demo_db, "locale", "zh_CN", by=admin.id)
    win = MainWindow(db=demo_db, user=admin, lang="zh_CN", confirm=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win


# --- the admin's story ------------------------------------------------------------------------
def test_a_new_admin_sets_up_a_pipeline_in_chinese_and_the_board_and_reports_follow(
    zh_window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = zh_window
    tab = window.reports
    show_reports(window, qtbot)
    assert not window.board.view.pipeline_combo.isVisibleTo(window.board.view)
    seen: dict[str, object] = {}

    # 1. Settings › Pipeline › Add Pipeline…: names in both languages, the standard stages.
    def add(d: SettingsDialog) -> None:
        d.show_page("pipeline")
        answer_dialog(monkeypatch, PipelineDialog, fill_pipeline("Renewals", "续约"))
        d.pipeline.add_pipeline_button.click()
        # At once, with the dialog still open: the board's switcher and the reports'
        # filter offer it, and the page edits it.
        seen["board"] = window.board.view.pipeline_names()
        seen["reports"] = combo_texts(tab.pipeline)
        seen["page"] = d.pipeline.pipeline.label("zh_CN") if d.pipeline.pipeline else None
        seen["stages"] = page_stage_labels(d, "zh_CN")
        seen["message"] = d.pipeline.message.text()

    in_settings(window, monkeypatch, add)
    assert seen["board"] == ["销售", "续约"]
    assert seen["reports"] == ["销售", "续约"]
    assert seen["page"] == "续约"
    assert seen["stages"] == ["寻找客户", "资格认定", "报价", "合同", "赢单", "输单"]
    assert "续约" in str(seen["message"])
    new = next(p for p in pipelines.list_pipelines(window.db) if p.key == "renewals")
    assert (new.names, new.is_default) == ({"en": "Renewals", "zh_CN": "续约"}, False)
    # The board shows its switcher now, still on the pipeline it showed.
    assert window.board.view.pipeline_combo.isVisibleTo(window.board.view)
    assert window.board.view.pipeline_combo.currentText() == "销售"

    # 2. The board switches to the new pipeline: its (empty) standard columns.
    window.nav.setCurrentRow(0)
    combo = window.board.view.pipeline_combo
    combo.setCurrentIndex(combo.findText("续约"))
    assert board_columns(window) == ["寻找客户", "资格认定", "报价", "合同"]
    assert all(col.proxy.rowCount() == 0 for col in window.board.view.columns)

    # 3. Rename a stage in Chinese, change a probability, add a stage: the board follows
    # each one at once, behind the open dialog.
    def edit(d: SettingsDialog) -> None:
        d.show_page("pipeline")
        d.pipeline.select_pipeline(new.id)
        select_stage(d, "寻找客户", "zh_CN")
        answer_dialog(monkeypatch, StageDialog, fill_stage(zh="初步接触"))
        d.pipeline.edit_button.click()
        seen["after rename"] = board_columns(window)
        select_stage(d, "报价", "zh_CN")
        answer_dialog(monkeypatch, StageDialog, fill_stage(probability=55))
        d.pipeline.edit_button.click()
        seen["quote header"] = column_header(window, "报价")
        answer_dialog(
            monkeypatch, StageDialog, fill_stage(en="Negotiation", zh="谈判", probability=65)
        )
        d.pipeline.add_button.click()  # after the selected stage, Quote
        seen["after add"] = board_columns(window)
        seen["negotiation header"] = column_header(window, "谈判")

    dialog = in_settings(window, monkeypatch, edit)
    assert dialog.changes.touches(Change.STAGES)
    assert seen["after rename"] == ["初步接触", "资格认定", "报价", "合同"]
    assert str(seen["quote header"]).endswith("· 55%")
    assert seen["after add"] == ["初步接触", "资格认定", "报价", "谈判", "合同"]
    assert str(seen["negotiation header"]).endswith("· 65%")
    stored = pipelines.get_pipeline(window.db, new.id)
    assert [(s.label("zh_CN"), s.probability) for s in stored.open_stages] == [
        ("初步接触", 10),
        ("资格认定", 25),
        ("报价", 55),
        ("谈判", 65),
        ("合同", 80),
    ]
    # The first pipeline is untouched.
    assert [s.probability for s in pipelines.get_pipeline(window.db).open_stages] == [
        10,
        25,
        50,
        80,
    ]

    # 4. The reports, on the new pipeline: its stages in their new order and names.
    show_reports(window, qtbot)
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        tab.pipeline.setCurrentIndex(tab.pipeline.findText("续约"))
    tab.tabs.setCurrentIndex(1)
    assert stage_report_names(window) == ["初步接触", "资格认定", "报价", "谈判", "合同"]

    # 5. A rename while the reports show it: they redraw by themselves.
    def rename(d: SettingsDialog) -> None:
        d.show_page("pipeline")
        d.pipeline.select_pipeline(new.id)
        select_stage(d, "合同", "zh_CN")
        answer_dialog(monkeypatch, StageDialog, fill_stage(zh="签约"))
        d.pipeline.edit_button.click()

    in_settings(window, monkeypatch, rename)
    qtbot.waitUntil(lambda: stage_report_names(window)[-1] == "签约", timeout=30_000)
    assert tab.pipeline.currentText() == "续约"


def test_a_copy_of_a_pipeline_takes_its_stages(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def act(d: SettingsDialog) -> None:
        d.show_page("pipeline")
        select_stage(d, "Quote", "en")
        answer_dialog(monkeypatch, StageDialog, fill_stage(en="Offer", probability=45))
        d.pipeline.edit_button.click()
        answer_dialog(
            monkeypatch,
            PipelineDialog,
            fill_pipeline("Partners", "渠道", "A copy of the stages of Sales"),
        )
        d.pipeline.add_pipeline_button.click()

    dialog = in_settings(window, monkeypatch, act)
    assert dialog.pipeline.pipeline is not None
    assert dialog.pipeline.pipeline.label("en") == "Partners"
    assert [(r.en, r.stage.probability) for r in dialog.pipeline.model.rows] == [
        ("Prospecting", 10),
        ("Qualification", 25),
        ("Offer", 45),
        ("Contract", 80),
        ("Won", 100),
        ("Lost", 0),
    ]


def test_pipeline_names_are_checked_at_their_fields(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}

    def fill(d: PipelineDialog) -> None:
        press_ok(d)  # nothing typed
        seen["empty"] = d.error_text("en")
        d.en_edit.setText("sales")
        d.zh_edit.setText("续约")
        press_ok(d)
        seen["taken"] = d.error_text("en")
        seen["zh"] = d.error_text("zh_CN")
        d.en_edit.setText("Renewals")
        press_ok(d)

    def act(d: SettingsDialog) -> None:
        d.show_page("pipeline")
        answer_dialog(monkeypatch, PipelineDialog, fill)
        d.pipeline.add_pipeline_button.click()

    in_settings(window, monkeypatch, act)
    assert seen == {
        "empty": "English name: This is required.",
        "taken": "English name: Already used: sales.",
        "zh": "",
    }
    assert [p.label("en") for p in pipelines.list_pipelines(window.db)] == ["Sales", "Renewals"]


def test_default_archive_and_restore_from_settings(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = window.db
    sales = pipelines.get_pipeline(db)
    with db.engine.connect() as conn:
        open_in_sales = conn.execute(
            text(
                "SELECT count(*) FROM deals JOIN stages ON stages.id = deals.stage_id "
                "WHERE deals.pipeline_id = :p AND stages.kind = 'open'"
            ),
            {"p": sales.id},
        ).scalar_one()
    assert open_in_sales > 0
    seen: dict[str, object] = {}
    questions: list[str] = []

    def yes(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)

    def act(d: SettingsDialog) -> None:
        page = d.pipeline
        d.show_page("pipeline")
        seen["default archivable"] = page.archive_button.isEnabled()
        answer_dialog(monkeypatch, PipelineDialog, fill_pipeline("Renewals", "续约"))
        page.add_pipeline_button.click()
        page.default_button.click()
        seen["picker"] = page.pipeline_names()
        # Sales, no longer the default, still holds open deals.
        page.select_pipeline(sales.id)
        page.archive_button.click()
        seen["refusal"] = page.message.text()
        # Sales the default again; the empty Renewals goes to the archive.
        page.default_button.click()
        page.select_pipeline(next(p.id for p in page.pipelines if p.key == "renewals"))
        page.archive_button.click()
        seen["archived"] = page.message.text()
        seen["picker after"] = page.pipeline_names()
        seen["button"] = page.archive_button.text()
        seen["board"] = window.board.view.pipeline_names()
        seen["board switcher"] = window.board.view.pipeline_combo.isVisibleTo(window.board.view)
        seen["reports"] = combo_texts(window.reports.pipeline)
        page.archive_button.click()  # now "Restore"
        seen["restored board"] = window.board.view.pipeline_names()

    in_settings(window, monkeypatch, act)
    assert seen["default archivable"] is False
    assert seen["picker"] == ["Renewals (default)", "Sales"]
    assert seen["refusal"] == (
        f"Sales still holds {open_in_sales} open deals. Close them (won or lost) first."
    )
    assert seen["archived"] == "Archived the pipeline Renewals."
    assert seen["picker after"] == ["Sales (default)", "Renewals (archived)"]
    assert seen["button"] == "Restore"
    assert seen["board"] == ["Sales"]
    assert seen["board switcher"] is False
    assert seen["reports"] == ["Sales", "Renewals (archived)"]
    assert seen["restored board"] == ["Sales", "Renewals"]
    assert [q.split("?")[0] for q in questions] == [
        "Archive the pipeline Sales",
        "Archive the pipeline Renewals",
    ]
    assert [p.label("en") for p in pipelines.list_pipelines(db) if p.is_default] == ["Sales"]


def test_a_new_deal_from_the_board_goes_to_the_pipeline_it_shows(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = pipelines.add_pipeline(window.db, by=window.user.id, name="Renewals")
    window.bus.publish(out.changes)  # as the settings dialog does
    combo = window.board.view.pipeline_combo
    combo.setCurrentIndex(combo.findData(out.value.id))
    assert board_columns(window) == ["Prospecting", "Qualification", "Quote", "Contract"]

    def fill(d: DealDialog) -> None:
        d.title_edit.setText("Renewal: Acme 2026")
        d.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialog(monkeypatch, DealDialog, fill)
    window.actions.new_deal.trigger()

    made = [
        deals.get_deal(window.db, d.id)
        for d in deals.list_deals(window.db)
        if d.title == "Renewal: Acme 2026"
    ]
    assert [(d.pipeline_id, d.stage_id) for d in made] == [
        (out.value.id, out.value.open_stages[0].id)
    ]
    assert window.board.view.columns[0].proxy.rowCount() == 1


def test_a_rep_sees_the_pipelines_but_cannot_change_them(demo_db: Database, qtbot: QtBot) -> None:
    rep = next(u for u in users.list_users(demo_db) if u.role is Role.REP)
    dialog = _open(qtbot, demo_db, rep, page="pipeline")
    page = dialog.pipeline
    for button in (
        page.add_pipeline_button,
        page.rename_pipeline_button,
        page.archive_button,
        page.default_button,
    ):
        assert not button.isEnabled(), button.text()
    assert page.pipeline_names() == ["Sales (default)"]
