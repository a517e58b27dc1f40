"""Render the screenshots in docs/screenshots/ from demo data, offscreen.

    python docs/make_screenshots.py                  # or: make screenshots
    python docs/make_screenshots.py --lang zh_CN     # one language only
    python docs/make_screenshots.py --only board,users --out /tmp/shots

For English and Chinese, each from a fresh demo database (seed 1, 1,500 deals, the
clock as it is) in ``<temp>/crmdesk-screenshots`` (deleted afterwards), the window at
1600×900 and signed in as the demo team's manager; dialogs at their own size, drawn
under a plain title bar that carries their real window title:

* ``welcome``: the first-run page of an empty database;
* ``board``, ``board_lost`` (the lost-reason question over the board), ``board_dark``;
* ``deals``, ``deal_dialog``, ``deal_history``, ``deal_changes``, ``deal_activities``
  (the deal is first edited and moved on through the window's operations gateway, as
  a user would, so that its history and its Changes tab show those entries);
* ``customers``, ``customer_dialog``;
* ``activities``: one rep's day (a follow-up for later today is planned when they have
  none, so that each group shows);
* ``reports_<page>`` for each page of the reports tab on "this year", ``reports_drill``;
* ``print_preview`` (the management pack in Qt's print preview);
* ``import_columns`` and ``import_check`` (the import wizard, as the admin, on the
  sample file of examples/ for the language with two bad rows added, so that the dry
  run has problems to show; nothing is imported);
* ``settings_general``, ``settings_pipeline``, ``settings_targets`` (as the admin);
* ``sign_in``, ``users``, ``shortcuts``.

The screenshot database also gets a second, empty pipeline (so that the board shows its
pipeline switcher) and passwords for all users but one rep (so that Admin › Users shows
both). The UI language is installed by ``crmdesk.ui.app.set_locale``, as the app does:
crmdesk's catalogue and Qt's own (``crmdesk.ui.i18n.install_translators``) and the
QLocale. Chinese text needs a CJK font on the machine (Debian: fonts-wqy-microhei or
fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1600, 900)
LANGS = ("en", "zh_CN")
#: The sample import of each language: file, mapping (from examples/), the file's
#: encoding and two rows added to it that the dry run refuses.
IMPORT_SAMPLES = {
    "en": (
        "examples/mappings/deals.csv",
        "examples/mappings/deals.toml",
        "utf-8",
        "CRM-1005,Printer lease,Contoso,admin,Negotiation,-300,,04/02/2025,,05/31/2025,"
        "Website,,\n"
        "CRM-1006,Backup service,Fabrikam,admin,Closed lost,2400,,04/05/2025,04/20/2025,,"
        "Website,Went quiet,\n",
    ),
    "zh_CN": (
        "examples/chinese/deals_gbk.csv",
        "examples/chinese/deals_gbk.toml",
        "gbk",
        'SJ-0006,打印机租赁,北京鑫源连锁超市,王芳,合同,"-3,000.00",CNY,2024/06/03,,2024/08/30,'
        "官网,,\n"
        "SJ-0007,数据备份服务,成都天府物流集团,李强,输单,8800,CNY,2024/13/05,2024/07/01,,"
        "官网,预算削减,\n",
    ),
}
REPORT_PAGES = (
    "funnel",
    "stages",
    "forecast",
    "targets",
    "performance",
    "new_customers",
    "activity",
)
#: Passwords for the screenshot database only (it is deleted afterwards).
PASSWORD = "demo-password-1"


def settle(ms: int = 60) -> None:
    """Let Qt run its timers and layouts for about ``ms`` milliseconds."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + ms / 1000
    while True:
        QApplication.processEvents()
        if time.monotonic() >= end:
            break
        time.sleep(0.01)


def framed(widget, title: str | None = None):  # type: ignore[no-untyped-def]
    """``widget`` grabbed under a plain title bar showing its window title (offscreen
    windows have no frame of their own), with a thin border."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    body = widget.grab()
    bar = 30
    pixmap = QPixmap(body.width() + 2, body.height() + bar + 1)
    pixmap.fill(QColor("#c8ccd2"))
    painter = QPainter(pixmap)
    painter.fillRect(QRect(1, 1, body.width(), bar - 1), QColor("#e9ecef"))
    font = QFont(widget.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#343a40"))
    painter.drawText(
        QRect(1, 1, body.width(), bar - 1),
        Qt.AlignmentFlag.AlignCenter,
        title if title is not None else widget.windowTitle(),
    )
    painter.drawPixmap(1, bar, body)
    painter.end()
    return pixmap


def over(background, dialog_pixmap):  # type: ignore[no-untyped-def]
    """A dialog's picture centred over a window's, the window slightly dimmed."""
    from PySide6.QtGui import QColor, QPainter

    out = background.copy()
    painter = QPainter(out)
    painter.fillRect(out.rect(), QColor(0, 0, 0, 60))
    x = (out.width() - dialog_pixmap.width()) // 2
    y = (out.height() - dialog_pixmap.height()) // 3
    for i, alpha in enumerate((40, 25, 12)):
        painter.fillRect(
            x - 1 - i,
            y + 2,
            dialog_pixmap.width() + 2 + 2 * i,
            dialog_pixmap.height() + 2 + i,
            QColor(0, 0, 0, alpha),
        )
    painter.drawPixmap(x, y, dialog_pixmap)
    painter.end()
    return out


class Shots:
    """Saves pictures as ``<name>_<lang>.png`` and remembers what it wrote."""

    def __init__(self, out: Path, lang: str, only: set[str] | None) -> None:
        self.out, self.lang, self.only = out, lang, only
        self.written: list[Path] = []

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def save(self, name: str, picture) -> None:  # type: ignore[no-untyped-def]
        """Save a QPixmap, or grab a widget, as ``name``."""
        from PySide6.QtGui import QPixmap

        if not self.wanted(name):
            return
        settle()
        pixmap = picture if isinstance(picture, QPixmap) else picture.grab()
        path = self.out / f"{name}_{self.lang}.png"
        if not pixmap.save(str(path)):
            raise OSError(f"could not write {path}")
        self.written.append(path)


def shoot_language(lang: str, tmp: Path, shots: Shots) -> None:
    from PySide6.QtWidgets import QApplication, QDialog

    from crmdesk.db.migrate import open_database
    from crmdesk.demo import build_demo
    from crmdesk.domain import Role
    from crmdesk.services import activities, auth, customers, deals, lists, pipelines, users
    from crmdesk.services.setup import default_admin_id, ensure_initialized
    from crmdesk.ui.app import set_locale
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.style import apply_theme

    app = QApplication.instance()
    set_locale(lang)  # crmdesk's and Qt's translators (ui/i18n.py), and QLocale

    # --- the first run: an empty database ---------------------------------------------------
    if shots.wanted("welcome"):
        (tmp / "empty").mkdir()
        empty = open_database(tmp / "empty" / "crmdesk.sqlite3").db
        ensure_initialized(empty, locale=lang)
        admin = users.get_user(empty, default_admin_id(empty))
        window = MainWindow(db=empty, user=admin, lang=lang, confirm=False)
        window.resize(*SIZE)
        window.show()
        window.nav.setCurrentRow(0)
        window._on_nav_row_changed(0)
        shots.save("welcome", window)
        window.close()
        empty.dispose()

    # --- the demo database --------------------------------------------------------------------
    db = open_database(tmp / "crmdesk.sqlite3").db
    ensure_initialized(db, locale=lang)
    build_demo(db, deals=1500, seed=1, locale=lang)
    admin = users.get_user(db, default_admin_id(db))
    team = users.list_users(db)
    manager = next(u for u in team if u.role is Role.MANAGER)
    # A second pipeline (empty), so that the board offers its pipeline switcher.
    pipelines.add_pipeline(
        db,
        by=admin.id,
        name="Renewals" if lang == "en" else "续约",
        names={"en": "Renewals", "zh_CN": "续约"},
    )
    # Everyone signs in, but one rep, who has not been given a password yet.
    newest = max((u for u in team if u.role is Role.REP), key=lambda u: u.id)
    for u in team:
        if u.id != newest.id:
            auth.set_password(db, u.id, PASSWORD, by=admin.id)

    window = MainWindow(db=db, user=manager, lang=lang, confirm=False)
    window.resize(*SIZE)
    window.show()
    settle(200)

    # --- the board ----------------------------------------------------------------------------
    window.nav.setCurrentRow(0)
    board = window.board.view
    contract = board.columns[-1]
    contract.view.setCurrentIndex(contract.proxy.index(1, 0))
    settle(100)
    shots.save("board", window)

    if shots.wanted("board_lost"):
        from crmdesk.ui.dialogs import LostDialog

        background = window.grab()
        dialog = LostDialog(
            count=1, reasons=lists.list_items(db, "lost_reasons"), lang=lang, parent=window
        )
        dialog.reason_combo.setCurrentIndex(2)
        dialog.resize(380, dialog.sizeHint().height())
        dialog.show()
        settle()
        shots.save("board_lost", over(background, framed(dialog)))
        dialog.close()

    # --- deals ----------------------------------------------------------------------------------
    window.nav.setCurrentRow(1)
    settle(150)
    shots.save("deals", window)

    # A deal in the Quote column: edit it, then move it on, as a manager would.
    window.nav.setCurrentRow(0)
    pipeline = window.board.pipeline
    quote = board.columns[2]
    card = quote.proxy.cards()[0]
    deal = deals.get_deal(db, card.id)
    window.ops.edit_deal(
        deal,
        {
            "amount": (deal.amount * Decimal("1.08") / 100).quantize(Decimal("1")) * 100,
            "expected_close": date.today() + timedelta(days=30),
        },
    )
    fresh = next(c for c in quote.proxy.cards() if c.id == card.id)
    window.ops.move_cards([fresh], board.columns[3].stage.id, pipeline)
    settle(100)

    from crmdesk.ui.deal_dialog import DealDialog

    dialog = DealDialog(
        db=db, user=manager, ops=window.ops, deal_id=card.id, lang=lang, parent=window
    )
    dialog.show()
    for index, name in enumerate(
        ("deal_dialog", "deal_history", "deal_changes", "deal_activities")
    ):
        dialog.tabs.setCurrentIndex(index)
        shots.save(name, framed(dialog))
    dialog.close()

    # --- customers and activities -------------------------------------------------------------
    window.nav.setCurrentRow(2)
    settle(150)
    view = window.customers_view
    view.splitter.setSizes([830, 580])
    settle(50)
    # A customer near the top with an open deal, a few won ones and two or more contacts
    # whose lines fit the panel.
    rows = view.model.rows
    metrics = view.contacts_list.fontMetrics()
    room = view.contacts_list.viewport().width() - 12

    def fits(row) -> bool:  # type: ignore[no-untyped-def]
        contacts = customers.list_contacts(db, row.id)
        lines = [
            c.name + "   " + " · ".join(x for x in (c.title, c.phone, c.email) if x)
            for c in contacts
        ]
        return len(lines) >= 2 and all(metrics.horizontalAdvance(x) <= room for x in lines)

    best = next(
        (i for i, r in enumerate(rows[:300]) if r.open_deals >= 1 and r.won_deals >= 2 and fits(r)),
        3,
    )
    view.table.selectRow(best)
    settle(150)
    shots.save("customers", window)
    if shots.wanted("customer_dialog") and view.current is not None:
        from crmdesk.ui.customers_view import CustomerDialog

        dialog = CustomerDialog(db=db, user=manager, customer=view.current, parent=window)
        dialog.show()
        shots.save("customer_dialog", framed(dialog))
        dialog.close()

    window.nav.setCurrentRow(3)
    settle(150)
    agenda = window.activities_view
    # One rep's day, with something overdue, due today and coming up.
    best_row, best_score = 0, None
    for row in range(agenda.person_combo.count()):
        agenda.person_combo.setCurrentIndex(row)
        counts = [agenda.groups[k].childCount() for k in ("overdue", "today", "upcoming")]
        score = (all(counts), -abs(sum(counts) - 12))
        if agenda.person_id() is not None and (best_score is None or score > best_score):
            best_row, best_score = row, score
    agenda.person_combo.setCurrentIndex(best_row)
    if agenda.groups["today"].childCount() == 0 and agenda.groups["upcoming"].childCount():
        # Plan a follow-up for later today on one of their deals, as the deal dialog's
        # "Add activity…" does.
        from crmdesk.ui.activities_view import DEAL_ROLE

        now = datetime.now(UTC)
        midnight = datetime.combine(date.today() + timedelta(days=1), day_time(0)).astimezone(UTC)
        outcome = activities.log_activity(
            db,
            by=manager.id,
            kind="call",
            subject="Call back about the quote" if lang == "en" else "回电确认报价",
            deal_id=agenda.groups["upcoming"].child(0).data(0, DEAL_ROLE),
            owner_id=agenda.person_id(),
            due_at=now + (midnight - now) / 2,
        )
        window.bus.publish(outcome.changes)
    settle(100)
    shots.save("activities", window)

    # --- reports ----------------------------------------------------------------------------
    window.nav.setCurrentRow(4)
    reports = window.reports
    reports.set_period("this_year")
    reports.load_now()
    for index, key in enumerate(REPORT_PAGES):
        reports.tabs.setCurrentIndex(index)
        settle(80)
        shots.save(f"reports_{key}", window)

    if shots.wanted("reports_drill"):
        reports.tabs.setCurrentIndex(REPORT_PAGES.index("performance"))
        settle(80)
        hits = reports.pages["performance"].chart._hits
        if hits:
            background = window.grab()
            window.show_drill(reports.data.filter, hits[0][4])
            drill = window._drill_dialog
            drill.resize(1080, 560)
            settle(100)
            shots.save("reports_drill", over(background, framed(drill)))
            drill.close()

    if shots.wanted("print_preview"):
        from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget
        from PySide6.QtWidgets import QToolBar

        from crmdesk.ui.reports import printing

        reports.tabs.setCurrentIndex(0)
        doc = reports.pack_document()
        printer = printing._printer(window)  # kept: the dialog does not own it
        preview = QPrintPreviewDialog(printer, window)
        preview.setWindowTitle(printing.tr("Print preview"))
        preview.paintRequested.connect(lambda device: printing.paint_pack(doc, device))
        preview.resize(1100, 760)
        preview.show()
        settle(300)
        # The key figures and the funnel, side by side: the toolbar's "facing pages"
        # button (the middle one of the three view modes), then page 2.
        for action in preview.findChild(QToolBar).actions():
            group = action.actionGroup()
            if group is not None and len(group.actions()) == 3:
                group.actions()[1].trigger()
                break
        settle(100)
        inner = preview.findChild(QPrintPreviewWidget)
        if inner is not None:
            inner.setCurrentPage(2)
        settle(300)
        shots.save("print_preview", framed(preview))
        preview.close()

    # --- import -----------------------------------------------------------------------------
    if shots.wanted("import_columns") or shots.wanted("import_check"):
        from crmdesk.ui.import_wizard import ImportWizard

        csv, mapping, encoding, bad_rows = IMPORT_SAMPLES[lang]
        sample = tmp / Path(csv).name
        sample.write_bytes((ROOT / csv).read_bytes() + bad_rows.encode(encoding))
        wizard = ImportWizard(db=db, user=admin, bus=window.bus, lang=lang, parent=window)
        wizard.show()
        wizard.set_file(sample)
        wizard._on_next()  # the preview
        settle(100)
        wizard._on_next()  # the columns
        wizard.load_mapping_file(ROOT / mapping)
        settle(100)
        shots.save("import_columns", framed(wizard))
        wizard._on_next()  # the check: a dry run in a worker thread
        deadline = time.monotonic() + 60
        while wizard.running and time.monotonic() < deadline:
            settle(50)
        settle(100)
        shots.save("import_check", framed(wizard))
        wizard.reject()

    # --- settings ----------------------------------------------------------------------------
    from crmdesk.ui.settings_dialog import SettingsDialog

    settings = SettingsDialog(db=db, user=admin, bus=window.bus, lang=lang, parent=window)
    settings.show()
    for page in ("general", "pipeline", "targets"):
        settings.show_page(page)
        if page == "pipeline":
            stages = settings.pipeline.table
            stages.setCurrentIndex(stages.model().index(2, 1))
        settle(100)
        shots.save(f"settings_{page}", framed(settings))
    settings.general.revert()
    settings.done(QDialog.DialogCode.Rejected)

    # --- team: sign-in, users ------------------------------------------------------------------
    if shots.wanted("sign_in"):
        from crmdesk.ui.sign_in import SignInDialog

        sign_in = SignInDialog(db, parent=window)
        sign_in.login.setText(manager.login)
        sign_in.password.setText(PASSWORD)
        sign_in.show()
        shots.save("sign_in", framed(sign_in))
        sign_in.close()

    if shots.wanted("users"):
        from crmdesk.ui.users_dialog import UsersDialog

        users_dialog = UsersDialog(db=db, user=admin, bus=window.bus, parent=window)
        users_dialog.show()
        users_dialog.select_user(manager.id)
        shots.save("users", framed(users_dialog))
        users_dialog.close()

    if shots.wanted("shortcuts"):
        from crmdesk.ui.help_dialogs import ShortcutsDialog

        shortcuts = ShortcutsDialog(window)
        shortcuts.show()
        shots.save("shortcuts", framed(shortcuts))
        shortcuts.close()

    # --- the dark theme -------------------------------------------------------------------
    if shots.wanted("board_dark"):
        apply_theme(app, dark=True)
        window.nav.setCurrentRow(0)
        settle(200)
        shots.save("board_dark", window)
        apply_theme(app, dark=False)
        settle(100)

    window.close()
    db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", action="append", choices=LANGS, help="en or zh_CN (both)")
    parser.add_argument("--only", help="comma-separated picture names, e.g. board,users")
    parser.add_argument("--out", type=Path, default=OUT, help="folder (docs/screenshots)")
    args = parser.parse_args(argv)
    only = {n.strip() for n in args.only.split(",")} if args.only else None

    # A fixed folder, so that the database path the pictures show stays the same.
    tmp = Path(tempfile.gettempdir()) / "crmdesk-screenshots"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")  # fresh window state, not the user's

    from crmdesk.ui.app import _application

    app = _application(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in args.lang or LANGS:
        folder = tmp / lang
        folder.mkdir()
        shots = Shots(args.out, lang, only)
        shoot_language(lang, folder, shots)
        written += shots.written
    for path in written:
        print(path)
    shutil.rmtree(tmp, ignore_errors=True)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
