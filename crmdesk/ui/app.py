"""Start the Qt application: open the database, pick the user, show the main window."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from crmdesk import __version__
from crmdesk.db.changelog import prune_change_log
from crmdesk.db.engine import ENV_DATABASE_URL, Database, demo_database_path, resolve_url
from crmdesk.db.migrate import open_database
from crmdesk.domain import CrmError, DatabaseOpenError, UserInfo
from crmdesk.services import users
from crmdesk.services.setup import default_admin_id, ensure_initialized
from crmdesk.ui.errors import error_message
from crmdesk.ui.i18n import install_translators, normalise


def _application(argv: list[str]) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv)
    app.setApplicationName("crmdesk")
    app.setOrganizationName("crmdesk")
    app.setApplicationVersion(__version__)
    from crmdesk.ui.style import apply_saved_theme

    apply_saved_theme(app)  # this PC's choice in Settings › General
    return app  # type: ignore[return-value]


def _t(text: str) -> str:
    return QCoreApplication.translate("App", text)


def set_locale(lang: str) -> None:
    """Speak ``lang``: the translators (crmdesk's and Qt's own, ``ui/i18n.py``; none for
    English) once the application exists, and numbers, dates and money in the UI
    language (the system's own conventions when it already speaks it)."""
    if QCoreApplication.instance() is not None:
        install_translators(QCoreApplication.instance(), lang)
    system = QLocale.system()
    wanted = QLocale.Language.Chinese if lang.startswith("zh") else QLocale.Language.English
    if system.language() == wanted:
        QLocale.setDefault(system)
    else:
        QLocale.setDefault(QLocale("zh_CN" if lang.startswith("zh") else "en_US"))


def _open(db_arg: str | None, demo: bool, lang: str) -> Database:
    if demo:
        from crmdesk.demo import build_demo

        result = open_database(db_arg or demo_database_path())
        if result.created:
            ensure_initialized(result.db, locale=lang)
        from crmdesk.db.migrate import table_counts

        if table_counts(result.db)["deals"] == 0:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                build_demo(result.db, locale=lang)
            finally:
                QApplication.restoreOverrideCursor()
        return result.db
    from crmdesk.ui.sign_in import ask_server_password, is_password_refusal, saved_database_url

    url = resolve_url(db_arg or os.environ.get(ENV_DATABASE_URL) or saved_database_url())
    asked = False
    while True:
        try:
            result = open_database(url)
            break
        except DatabaseOpenError as exc:
            reason = str(exc.params.get("reason", exc))
            if url.get_backend_name() != "postgresql" or not is_password_refusal(reason):
                raise
            password = ask_server_password(None, url, again=asked)
            if password is None:
                raise
            url, asked = url.set(password=password), True
    if result.created:
        ensure_initialized(result.db, locale=lang)
    return result.db


def sign_in_user(database: Database) -> UserInfo | None:
    """Who uses the window: the signed-in user when the database has passwords (None
    when the sign-in is cancelled), else the database's admin."""
    from crmdesk.services import auth

    if not auth.needs_sign_in(database):
        return users.get_user(database, default_admin_id(database))
    from crmdesk.ui.sign_in import SignInDialog

    dialog = SignInDialog(database)
    if dialog.exec() != SignInDialog.DialogCode.Accepted or dialog.user is None:
        return None
    return dialog.user


def run_gui(
    *,
    db: str | None = None,
    demo: bool = False,
    lang: str | None = None,
    quit_after: float | None = None,
    screenshot: Path | None = None,
) -> int:
    """Run the desktop app until its window closes; returns the exit code."""
    app = _application(sys.argv[:1])
    if not lang:
        from crmdesk.ui.settings_dialog import ui_language

        lang = ui_language()  # this PC's choice in Settings, else the system's
    lang = normalise(lang)
    set_locale(lang)
    try:
        database = _open(db, demo, lang)
    except CrmError as exc:
        QMessageBox.critical(None, _t("crmdesk cannot open the database"), error_message(exc))
        print(f"crmdesk: error: {exc}", file=sys.stderr)
        return 2
    from crmdesk.ui.main_window import MainWindow

    user = sign_in_user(database)
    if user is None:
        database.dispose()
        return 0
    window = MainWindow(db=database, user=user, lang=lang)
    window.show()
    with contextlib.suppress(Exception):  # old rows only; never stops the app from opening
        prune_change_log(database)
    window.start_live_updates()
    daily = (
        None
        if demo or not _takes_daily_backup(database, user)
        else (_start_daily_backup(database, window))
    )
    if window.network_fs:
        QMessageBox.warning(window, _t("Database on a network share"), window.share_warning())
    # What exists now lives as long as the window: keep it out of the garbage collector's
    # full passes, which would otherwise stop the window while a worker thread collects.
    gc.freeze()
    if screenshot is not None:

        def _grab() -> None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(screenshot))

        QTimer.singleShot(300, _grab)
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), window.close)
    code = app.exec()
    if daily is not None:
        daily.join()  # a backup in progress finishes before the database closes
    database.dispose()
    return code


def _takes_daily_backup(database: Database, user: UserInfo) -> bool:
    """A SQLite file's PC keeps its own daily copies. A team server's daily backup (a
    JSON dump, password hashes included) is taken only on an admin's PC, as a backup by
    hand is: a rep's PC must not collect everyone's hashes."""
    from crmdesk.portability.access import allowed

    return database.dialect == "sqlite" or allowed(user.role, "backup")


def _start_daily_backup(database: Database, window: QMainWindow) -> threading.Thread:
    """Today's automatic backup (``portability.backup.daily_backup``, into the data
    folder), in a thread so the window opens at once. A failure shows in the status bar
    and on stderr; it never stops the app."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            from crmdesk.portability.backup import daily_backup

            daily_backup(database)
        except Exception as exc:  # reported, and the app goes on
            failures.append(exc)
            detail = " ".join(str(exc).split()) or type(exc).__name__
            print(f"crmdesk: the automatic backup failed: {detail}", file=sys.stderr)

    thread = threading.Thread(target=work, name="crmdesk-daily-backup", daemon=True)
    thread.start()

    def report() -> None:
        if thread.is_alive():
            QTimer.singleShot(500, report)
        elif failures:
            window.statusBar().showMessage(
                _t("The automatic backup failed: {reason}").format(
                    reason=error_message(failures[0])
                )
            )

    QTimer.singleShot(500, report)
    return thread
