"""The import wizard, driven offscreen as a user would: File › Import… and the first-run
page open it; the file, the preview (GBK detected), the guessed columns (English and
Chinese headers), the dry run (counts and an error line), the import (the board shows
the new deals), Cancel during the import (nothing written), a rep refused."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

import crmdesk.ui.import_wizard as wizard_module
from crmdesk.db.engine import Database
from crmdesk.domain import Role, UserInfo
from crmdesk.services import users
from crmdesk.ui.import_wizard import ImportWizard
from crmdesk.ui.main_window import MainWindow

from ._helpers import answer_dialog

ENGLISH = (
    "Deal ID,Deal Name,Account,Sales Agent,Deal Stage,Close Value,Engage Date,Close Date\n"
    "W1,Router upgrade,Wizard Test Co,Helen Bennett,Prospecting,1200,2025-01-10,\n"
    "W2,Switches,Wizard Test Co,helen.bennett,Closed Won,5000,2025-01-10,2025-03-01\n"
    "W3,Firewall,Wizard Globex,Laura Kelly,Engaging,300,2025-02-01,\n"
    "W4,Bad amount,Wizard Globex,Laura Kelly,Prospecting,-5,2025-02-01,\n"
)
CHINESE = (
    "编号,标题,客户名称,负责人,阶段,金额,创建日期\n"
    "Z1,网络设备,北京向导科技,Helen Bennett,洽谈中,8800,2025/03/01\n"
    "Z2,服务器,北京向导科技,Laura Kelly,prospecting,100,2025/03/02\n"
)


def write(tmp_path: Path, name: str, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def deal_count(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(text("SELECT count(*) FROM deals")).scalar_one())


def table_counts(db: Database) -> dict[str, int]:
    names = ("deals", "customers", "users", "stage_transitions", "lead_sources", "change_log")
    out = {}
    with db.engine.connect() as conn:
        for name in names:
            try:
                out[name] = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            except Exception:  # a table this schema does not have
                conn.rollback()
    return out


def deal_ids(db: Database, refs: tuple[str, ...]) -> dict[str, int]:
    with db.read() as s:
        rows = s.execute(text("SELECT external_ref, id FROM deals WHERE external_ref IS NOT NULL"))
        return {ref: id_ for ref, id_ in rows if ref in refs}


def mapping_of(w: ImportWizard) -> dict[str, str]:
    return w.chosen_columns()


def to_columns(w: ImportWizard, qtbot: QtBot, path: Path) -> None:
    """Step 1 (file) and step 2 (preview), on to the columns page."""
    w.set_file(path)
    assert w.next_button.isEnabled()
    w.next_button.click()
    assert w.step == 1 and w.table is not None, w.preview_message.text()
    w.next_button.click()
    assert w.step == 2


def run_check(w: ImportWizard, qtbot: QtBot) -> None:
    w.next_button.click()
    assert w.step == 3
    qtbot.waitUntil(lambda: w.running is None and w.dry_result is not None, timeout=10_000)


def open_wizard(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, answer: Callable[[ImportWizard], None]
) -> list[ImportWizard]:
    opened = answer_dialog(monkeypatch, ImportWizard, answer)
    window.import_action.trigger()
    assert len(opened) == 1
    return opened


def test_english_file_guess_dry_run_and_import_to_the_board(
    window: MainWindow, demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    path = write(tmp_path, "deals.csv", ENGLISH)
    before = deal_count(demo_db)
    published: list[object] = []
    window.bus.changed.connect(published.append)

    def answer(w: ImportWizard) -> None:
        assert w.entity == "deals"
        to_columns(w, qtbot, path)
        assert "UTF-8" in w.detected_label.text() and "comma" in w.detected_label.text()
        assert w.preview_table.rowCount() == 4
        assert mapping_of(w) == {
            "Deal ID": "external_ref",
            "Deal Name": "title",
            "Account": "customer",
            "Sales Agent": "owner",
            "Deal Stage": "stage",
            "Close Value": "amount",
            "Engage Date": "created_at",
            "Close Date": "closed_at",
        }
        assert set(w.stage_combos) == {"Prospecting", "Closed Won", "Engaging"}
        assert w.stage_combos["Closed Won"].currentData() == "won"  # guessed
        engaging = w.stage_combos["Engaging"]
        engaging.setCurrentIndex(engaging.findData("qualification"))

        run_check(w, qtbot)
        r = w.dry_result
        assert r is not None
        assert (len(r.created), len(r.updated), len(r.skipped), r.rejected) == (3, 0, 0, (5,))
        assert w.count_create.value.text() == "3" and w.count_bad.value.text() == "1"
        assert w.errors_table.rowCount() == 1
        w.resize(1000, 800)
        qtbot.wait(50)
        assert w.errors_table.height() > w.height() / 3  # the table takes the room
        shown = [w.errors_table.item(0, c).text() for c in range(3)]
        assert shown[:2] == ["5", "Close Value"] and "negative" in shown[2]
        assert not w.next_button.isEnabled()  # a bad row: import only when it is skipped
        assert deal_count(demo_db) == before  # a dry run writes nothing

        w.skip_check.setChecked(True)
        assert w.next_button.isEnabled() and w.next_button.text() == "Import"
        w.next_button.click()
        qtbot.waitUntil(lambda: w.running is None and w.last_result is not r, timeout=10_000)
        assert w.last_result is not None and w.last_result.written
        assert "3 created" in w.import_summary.text()
        assert "rejects" in w.import_summary.text()
        # What the import added, as the check said it would.
        assert 'Added 2 new customers: "Wizard Test Co", "Wizard Globex"' in (
            w.import_summary.text()
        )
        w.next_button.click()  # Close

    open_wizard(window, monkeypatch, answer)
    assert deal_count(demo_db) == before + 3
    assert published, "the import's changes were not published on the bus"
    rejects = tmp_path / "deals-rejects.csv"
    assert rejects.is_file() and "Bad amount" in rejects.read_text(encoding="utf-8-sig")
    ids = deal_ids(demo_db, ("W1", "W3"))
    assert len(ids) == 2
    model = window.board.model
    qtbot.waitUntil(lambda: all(model.row_of(i) >= 0 for i in ids.values()), timeout=10_000)


def test_chinese_headers_in_gbk(
    window: MainWindow, demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    path = write(tmp_path, "商机.csv", CHINESE, encoding="gbk")

    def answer(w: ImportWizard) -> None:
        to_columns(w, qtbot, path)
        assert "GB18030" in w.detected_label.text() or "GBK" in w.detected_label.text()
        assert w.preview_table.item(0, 2).text() == "网络设备"
        assert mapping_of(w) == {
            "编号": "external_ref",
            "标题": "title",
            "客户名称": "customer",
            "负责人": "owner",
            "阶段": "stage",
            "金额": "amount",
            "创建日期": "created_at",
        }
        run_check(w, qtbot)  # 洽谈中 is no stage: an error on line 2, column 阶段
        r = w.dry_result
        assert r is not None and r.rejected == (2,) and len(r.created) == 1
        assert w.errors_table.item(0, 1).text() == "阶段"
        assert "洽谈中" in w.errors_table.item(0, 2).text()
        w.back_button.click()
        combo = w.stage_combos["洽谈中"]
        combo.setCurrentIndex(combo.findData("qualification"))
        run_check(w, qtbot)
        assert w.dry_result is not None and w.dry_result.ok
        assert len(w.dry_result.created) == 2
        assert "北京向导科技" in w.new_records_label.text()
        # No errors: the table is hidden and the page keeps its lines together at the
        # top (the counts and the new customers note in the upper half, not spread down it).
        w.resize(1000, 800)  # room to spare
        qtbot.waitUntil(lambda: w.new_records_label.isVisible())
        qtbot.wait(50)
        assert not w.errors_table.isVisible()
        assert w.new_records_label.geometry().bottom() < w.height() / 2
        assert w.count_create.height() < 100
        w.cancel_button.click()

    open_wizard(window, monkeypatch, answer)


def test_cancel_during_the_import_writes_nothing(
    window: MainWindow, demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    body = ENGLISH.replace("Prospecting,-5", "Prospecting,5").replace("Engaging", "Prospecting")
    path = write(tmp_path, "deals.csv", body)
    writing = threading.Event()
    real_run_import = wizard_module.run_import

    def slow_run_import(*args: Any, progress: Any = None, cancel: Any = None, **kw: Any) -> Any:
        def held(phase: str, done: int, total: int) -> None:
            progress(phase, done, total)
            if phase == "writing" and not kw.get("dry_run"):
                writing.set()  # rows are being written: wait for the user's Cancel
                assert cancel.wait(10)

        return real_run_import(*args, progress=held, cancel=cancel, **kw)

    monkeypatch.setattr(wizard_module, "run_import", slow_run_import)
    before = table_counts(demo_db)

    def answer(w: ImportWizard) -> None:
        to_columns(w, qtbot, path)
        run_check(w, qtbot)
        assert w.dry_result is not None and w.dry_result.ok
        w.next_button.click()
        qtbot.waitUntil(writing.is_set, timeout=10_000)
        assert w.cancel_button.isVisible() and w.cancel_button.text() == "Cancel Import"
        assert not w.next_button.isVisible() and not w.back_button.isVisible()
        w.cancel_button.click()
        qtbot.waitUntil(lambda: w.running is None, timeout=10_000)
        assert w.last_result is not None and w.last_result.cancelled and not w.last_result.written
        assert "Nothing was written" in w.import_summary.text()
        w.next_button.click()

    open_wizard(window, monkeypatch, answer)
    assert table_counts(demo_db) == before


def test_a_cancelled_check_can_be_run_again(
    window: MainWindow, demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    """Cancel during the check, go back, check again: the second check runs to the end
    (each run has a cancel of its own), and Cancel then closes the wizard (it stayed
    disabled after a cancelled run before)."""
    path = write(tmp_path, "deals.csv", ENGLISH)
    cancels: list[threading.Event] = []
    checking = threading.Event()
    real_run_import = wizard_module.run_import

    def slow_run_import(*args: Any, progress: Any = None, cancel: Any = None, **kw: Any) -> Any:
        cancels.append(cancel)
        first = len(cancels) == 1

        def held(phase: str, done: int, total: int) -> None:
            progress(phase, done, total)
            if first and phase == "checking":
                checking.set()  # the first check waits for the user's Cancel
                assert cancel.wait(10)

        return real_run_import(*args, progress=held, cancel=cancel, **kw)

    monkeypatch.setattr(wizard_module, "run_import", slow_run_import)

    def answer(w: ImportWizard) -> None:
        to_columns(w, qtbot, path)
        w.next_button.click()
        qtbot.waitUntil(checking.is_set, timeout=10_000)
        w.cancel_button.click()
        assert not w.cancel_button.isEnabled()  # while the check winds down
        qtbot.waitUntil(lambda: w.running is None, timeout=10_000)
        assert w.dry_result is None and "cancelled" in w.check_status.text()
        assert w.cancel_button.isEnabled()  # it closes the wizard again
        w.back_button.click()
        run_check(w, qtbot)
        r = w.dry_result
        assert r is not None and not r.cancelled and r.rows == 4 and len(r.created) == 2
        assert w.count_create.value.text() == "2"
        assert len(cancels) == 2 and not cancels[1].is_set()
        w.cancel_button.click()

    open_wizard(window, monkeypatch, answer)


def test_a_rep_is_refused_with_a_clear_message(
    demo_db: Database, window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    rep = next(u for u in users.list_users(demo_db) if u.role == Role.REP)
    w = ImportWizard(db=demo_db, user=rep, bus=window.bus)
    qtbot.addWidget(w)
    w.show()
    w.set_file(write(tmp_path, "deals.csv", ENGLISH))
    assert w.permission_note.isVisible()
    assert "Only a manager or an admin can import data" in w.permission_note.text()
    assert not w.next_button.isEnabled()


def test_a_manager_may_import_deals_but_not_users(
    demo_db: Database, window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    manager = next(u for u in users.list_users(demo_db) if u.role == Role.MANAGER)
    w = ImportWizard(db=demo_db, user=manager, bus=window.bus)
    qtbot.addWidget(w)
    w.show()
    w.set_file(write(tmp_path, "deals.csv", ENGLISH))
    assert w.next_button.isEnabled() and not w.permission_note.isVisible()
    w.entity_buttons.button(4).setChecked(True)  # users
    assert w.entity == "users" and not w.next_button.isEnabled()
    assert w.permission_note.text() == "Only an admin can import users."


def test_the_welcome_page_opens_the_wizard(
    window: MainWindow, qtbot: QtBot, monkeypatch: Any
) -> None:
    opened = answer_dialog(monkeypatch, ImportWizard, lambda w: w.cancel_button.click())
    window.welcome.import_button.click()
    assert len(opened) == 1 and opened[0].step == 0


def test_save_and_load_the_mapping(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: Any, admin: UserInfo
) -> None:
    path = write(tmp_path, "deals.csv", ENGLISH)
    toml = tmp_path / "deals.toml"
    w = ImportWizard(db=window.db, user=admin, bus=window.bus)
    qtbot.addWidget(w)
    w.show()
    to_columns(w, qtbot, path)
    w.field_combos[2].setCurrentIndex(0)  # Account: don't import
    engaging = w.stage_combos["Engaging"]
    engaging.setCurrentIndex(engaging.findData("qualification"))
    monkeypatch.setattr(
        wizard_module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(toml), "")
    )
    w.save_button.click()
    saved = toml.read_text(encoding="utf-8")
    assert '"Deal Name" = "title"' in saved and "Account" not in saved
    assert '"engaging" = "qualification"' in saved  # case-folded

    w2 = ImportWizard(db=window.db, user=admin, bus=window.bus)
    qtbot.addWidget(w2)
    to_columns(w2, qtbot, path)
    assert w2.chosen_columns()["Account"] == "customer"  # the guess
    assert w2.load_mapping_file(toml)
    assert "Account" not in w2.chosen_columns()
    assert w2.stage_combos["Engaging"].currentData() == "qualification"


def test_a_file_that_cannot_be_read_is_explained(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, admin: UserInfo
) -> None:
    w = ImportWizard(db=window.db, user=admin, bus=window.bus)
    qtbot.addWidget(w)
    pdf = tmp_path / "report.csv"
    pdf.write_bytes(b"%PDF-1.4 binary")
    w.set_file(pdf)
    w.next_button.click()
    assert w.step == 1 and w.table is None
    assert "PDF" in w.preview_message.text()
    assert not w.next_button.isEnabled()
