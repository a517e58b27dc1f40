"""File › Export…, File › Back Up Now… and File › Restore from Backup….

Everything goes through :mod:`crmdesk.portability` (no SQL here), in a worker thread
behind a progress dialog, so a big export or backup neither freezes the window nor
hides how far it got; Cancel stops an export or a JSON backup and leaves no file.

* **Export** (:class:`ExportDialog`): deals, customers, contacts or activities as CSV
  or an Excel workbook (every user), or everything as a JSON dump (a manager or an
  admin). The users' password hashes go into a dump only when an admin ticks the box.
* **Back up now** (an admin): a consistent copy while the app and others keep working;
  an SQLite database becomes an SQLite file, a PostgreSQL one a JSON dump.
* **Restore** (an admin): the backup is checked completely first
  (:func:`~crmdesk.portability.backup.validate_backup`), then :class:`RestoreDialog`
  says what it holds, that the current database is kept aside, and that crmdesk reopens
  the restored one. The window lets go of the database while it is replaced, then a new
  window opens on the restored database (signing in again when it has passwords). A
  PostgreSQL database is never replaced from the app: the dialog explains the server
  steps instead.

Who may do what is decided by :mod:`crmdesk.portability.access` (the dialogs offer only
what the user may do, and the rules are checked again when the work starts). Refusals
and failures are shown translated (``ui/errors.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QStandardPaths, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import Changes, UserInfo
from crmdesk.portability import access
from crmdesk.portability.backup import BackupInfo
from crmdesk.ui.errors import error_message
from crmdesk.ui.format import date_time, number

T = TypeVar("T")

#: What File › Export… offers, in order (``everything``: the JSON dump).
EXPORT_CHOICES = ("deals", "customers", "contacts", "activities", "everything")


def _t(text: str) -> str:
    return QCoreApplication.translate("PortabilityDialogs", text)


def _what(entity: str) -> str:
    """The kind of records, as in "Exported 12 deals"."""
    return {
        "deals": _t("deals"),
        "customers": _t("customers"),
        "contacts": _t("contacts"),
        "activities": _t("activities"),
    }.get(entity, entity)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _size(n: int) -> str:
    if n >= 1_048_576:
        return _t("{size} MB").format(size=f"{n / 1_048_576:.1f}")
    return _t("{size} KB").format(size=f"{max(n, 1) / 1024:.1f}")


def _documents() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(found) if found else Path.home()
    return path if path.is_dir() else Path.home()


# --- work in a thread, behind a progress dialog ----------------------------------------------


class Cancelled(Exception):
    """The user pressed Cancel in the progress dialog."""


class _Progress:
    """What the worker reports, read by the window's timer."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0
        self.cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = threading.Event()

    def report(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise Cancelled
        self.done, self.total = done, total


def run_with_progress(
    parent: QWidget,
    title: str,
    busy_text: str,
    work: Callable[[Callable[[int, int], None]], T],
    *,
    rows_text: str | None = None,
    cancellable: bool = True,
) -> T | None:
    """Run ``work(progress)`` in a worker thread while a progress dialog shows
    ``busy_text`` (and, once ``progress(done, total)`` names a total, ``rows_text``
    with ``{done}`` and ``{total}`` and a bar). Returns the result, None when the user
    cancelled; an exception of the work is raised here, in the GUI thread."""
    state = _Progress()
    dialog = QProgressDialog(busy_text, _t("Cancel"), 0, 0, parent)
    dialog.setObjectName("portabilityProgress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    if not cancellable:
        dialog.setCancelButton(None)  # type: ignore[arg-type]
    dialog.canceled.connect(state.cancel.set)

    def run() -> None:
        try:
            state.result = work(state.report)
        except BaseException as exc:  # handed to the GUI thread
            state.error = exc
        finally:
            state.finished.set()

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(80)

    def poll() -> None:
        if dialog.wasCanceled():
            state.cancel.set()
        if state.total > 0 and rows_text is not None:
            dialog.setMaximum(state.total)
            dialog.setValue(min(state.done, state.total))
            dialog.setLabelText(
                rows_text.format(done=number(state.done), total=number(state.total))
            )
        if state.cancel.is_set():
            dialog.setLabelText(_t("Cancelling…"))
        if state.finished.is_set():
            loop.quit()

    timer.timeout.connect(poll)
    thread = threading.Thread(target=run, name="crmdesk-portability", daemon=True)
    dialog.show()
    thread.start()
    timer.start()
    if not state.finished.is_set():
        loop.exec()
    timer.stop()
    thread.join()
    dialog.close()
    dialog.deleteLater()
    if isinstance(state.error, Cancelled):
        return None
    if state.error is not None:
        raise state.error
    return state.result  # type: ignore[no-any-return]


# --- File › Export… -----------------------------------------------------------------------


class ExportDialog(QDialog):
    """What to export and in which format; then the file, the export with its progress,
    and what was written. ``written`` holds the result once an export succeeded."""

    def __init__(
        self, *, db: Database, user: UserInfo, lang: str = "en", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.lang = lang
        self.written: Any = None
        self.setWindowTitle(self.tr("Export"))
        self.setMinimumWidth(520)
        self.may_export_everything = access.allowed(user.role, "export_everything")
        self.may_export_hashes = access.allowed(user.role, "export_password_hashes")

        what_box = QGroupBox(self.tr("What to export"))
        what_layout = QVBoxLayout(what_box)
        self.what_group = QButtonGroup(self)
        labels = {
            "deals": self.tr("Deals"),
            "customers": self.tr("Customers"),
            "contacts": self.tr("Contacts"),
            "activities": self.tr("Activities"),
            "everything": self.tr("Everything, as one JSON file"),
        }
        self.what_buttons: dict[str, QRadioButton] = {}
        for i, key in enumerate(EXPORT_CHOICES):
            button = QRadioButton(labels[key])
            button.setObjectName(f"export_{key}")
            self.what_group.addButton(button, i)
            self.what_buttons[key] = button
            what_layout.addWidget(button)
        self.what_buttons["deals"].setChecked(True)
        self.everything_note = QLabel(
            self.tr(
                "The whole database: every deal with its history, the customers, contacts, "
                "activities, targets, users and settings. 'crmdesk restore' loads it into an "
                "empty database, on this computer or a server."
            )
        )
        self.everything_note.setWordWrap(True)
        self.everything_note.setObjectName("hint")
        what_layout.addWidget(self.everything_note)
        if not self.may_export_everything:
            self.what_buttons["everything"].setEnabled(False)
            self.everything_note.setText(
                self.tr("Only a manager or an admin can export the whole database.")
            )

        self.format_box = QGroupBox(self.tr("Format"))
        format_layout = QHBoxLayout(self.format_box)
        self.format_group = QButtonGroup(self)
        self.csv_button = QRadioButton(self.tr("CSV (UTF-8, opens in Excel)"))
        self.xlsx_button = QRadioButton(self.tr("Excel workbook (.xlsx)"))
        self.csv_button.setChecked(True)
        for i, button in enumerate((self.csv_button, self.xlsx_button)):
            self.format_group.addButton(button, i)
            format_layout.addWidget(button)
        format_layout.addStretch(1)

        self.hashes_check = QCheckBox(self.tr("Include the users' password hashes"))
        self.hashes_check.setEnabled(self.may_export_hashes)
        self.hashes_note = QLabel(
            self.tr(
                "Needed only to move the users' passwords along. Keep such a file as safe "
                "as the database itself."
            )
            if self.may_export_hashes
            else self.tr("Only an admin can export the users' password hashes; they are left out.")
        )
        self.hashes_note.setWordWrap(True)
        self.hashes_note.setObjectName("hint")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText(self.tr("Export…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(what_box)
        layout.addWidget(self.format_box)
        layout.addWidget(self.hashes_check)
        layout.addWidget(self.hashes_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.what_group.idToggled.connect(lambda *_: self._update())
        self._update()

    def choice(self) -> str:
        return EXPORT_CHOICES[max(0, self.what_group.checkedId())]

    def choose(self, what: str, fmt: str = "csv") -> None:
        """Pick what to export and the format, as a user clicks them."""
        self.what_buttons[what].setChecked(True)
        (self.xlsx_button if fmt == "xlsx" else self.csv_button).setChecked(True)

    def fmt(self) -> str:
        if self.choice() == "everything":
            return "json"
        return "xlsx" if self.xlsx_button.isChecked() else "csv"

    def _update(self) -> None:
        everything = self.choice() == "everything"
        self.format_box.setVisible(not everything)
        self.hashes_check.setVisible(everything)
        self.hashes_note.setVisible(everything)
        self.everything_note.setVisible(everything or not self.may_export_everything)

    def _suggested(self) -> tuple[Path, str]:
        today = date.today().isoformat()
        what = self.choice()
        if what == "everything":
            name = f"crmdesk-{today}.json.gz"
            filters = self.tr("Compressed JSON (*.json.gz);;JSON (*.json)")
        elif self.fmt() == "xlsx":
            name = f"{what}-{today}.xlsx"
            filters = self.tr("Excel workbook (*.xlsx)")
        else:
            name = f"{what}-{today}.csv"
            filters = self.tr("CSV file (*.csv)")
        return _documents() / name, filters

    def export(self) -> None:
        """Ask for the file, then write it with a progress dialog."""
        what, fmt = self.choice(), self.fmt()
        hashes = what == "everything" and self.hashes_check.isChecked()
        try:
            if what == "everything":
                access.require(
                    self.db,
                    self.user.id,
                    "export_password_hashes" if hashes else "export_everything",
                )
            else:
                access.require(self.db, self.user.id, "export")
        except Exception as exc:
            QMessageBox.warning(self, self.tr("Export"), error_message(exc))
            return
        suggested, filters = self._suggested()
        name, chosen_filter = QFileDialog.getSaveFileName(
            self, self.tr("Export to"), str(suggested), filters
        )
        if not name:
            return
        path = Path(name)
        if what == "everything":
            if not path.name.lower().endswith((".json", ".json.gz")):
                path = path.with_name(
                    path.name + (".json" if "(*.json)" in chosen_filter else ".json.gz")
                )
        elif path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        db, lang = self.db, self.lang
        title = self.tr("Export")
        try:
            if what == "everything":
                from crmdesk.portability.dump import dump_database

                result: Any = run_with_progress(
                    self,
                    title,
                    self.tr("Reading the database…"),
                    lambda progress: dump_database(
                        db, path, include_password_hashes=hashes, progress=progress
                    ),
                    rows_text=self.tr("Writing row {done} of {total}…"),
                )
            else:
                from crmdesk.portability.export import export_entities

                result = run_with_progress(
                    self,
                    title,
                    self.tr("Reading the {what}…").format(what=_what(what)),
                    lambda progress: export_entities(
                        db, what, path, fmt=fmt, lang=lang, progress=progress
                    ),
                    rows_text=self.tr("Writing row {done} of {total}…"),
                )
        except Exception as exc:
            QMessageBox.warning(self, title, error_message(exc))
            return
        if result is None:  # cancelled: nothing was written
            return
        self.written = result
        if what == "everything":
            text = self.tr(
                "Exported the whole database to {path} ({size}); the password hashes are {hashes}."
            ).format(
                path=result.path,
                size=_size(result.bytes),
                hashes=self.tr("included") if result.password_hashes else self.tr("left out"),
            )
        else:
            text = self.tr("Exported {count} {what} to {path}.").format(
                count=number(result.rows), what=_what(what), path=result.path
            )
        QMessageBox.information(self, title, text)
        self.accept()


def export_data(window: Any) -> ExportDialog:
    """File › Export…"""
    dialog = ExportDialog(db=window.db, user=window.user, lang=window.lang, parent=window)
    dialog.exec()
    dialog.deleteLater()
    return dialog


# --- File › Back Up Now… -----------------------------------------------------------------


def back_up_now(window: Any) -> BackupInfo | None:
    """File › Back Up Now…: a backup to a file the user picks (the backups folder by
    default), with its progress; what was written, or None."""
    from crmdesk.portability.backup import backup, database_label, default_backup_folder

    title = _t("Back Up Now")
    db: Database = window.db
    try:
        access.require(db, window.user.id, "backup")
    except Exception as exc:
        QMessageBox.warning(window, title, error_message(exc))
        return None
    sqlite = db.path is not None
    folder = default_backup_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = _documents()
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        label = database_label(db)
    except Exception:
        label = "crmdesk"
    if sqlite:
        suggested = folder / f"{label}-{stamp}.sqlite3"
        filters = _t("SQLite backup (*.sqlite3);;Compressed JSON (*.json.gz)")
    else:
        suggested = folder / f"{label}-{stamp}.json.gz"
        filters = _t("Compressed JSON (*.json.gz);;JSON (*.json)")
    name, chosen = QFileDialog.getSaveFileName(window, _t("Back up to"), str(suggested), filters)
    if not name:
        return None
    path = Path(name)
    lower = path.name.lower()
    if not lower.endswith((".sqlite3", ".json", ".json.gz", ".gz")):  # the filter's ending
        if sqlite and "(*.json" not in chosen:
            path = path.with_name(path.name + ".sqlite3")
        else:
            path = path.with_name(path.name + (".json" if "(*.json)" in chosen else ".json.gz"))
    try:
        info = run_with_progress(
            window,
            title,
            _t("Backing up the database…"),
            lambda progress: backup(db, path, progress=progress),
            rows_text=_t("Writing row {done} of {total}…"),
        )
    except Exception as exc:
        QMessageBox.warning(window, title, error_message(exc))
        return None
    if info is None:
        return None
    kind = _t("an SQLite file") if info.kind == "sqlite" else _t("a JSON dump")
    QMessageBox.information(
        window,
        title,
        _t(
            "Backed up the database to {path} ({kind}, {deals} deals, {size}). It holds the "
            "users' password hashes: keep it as safe as the database."
        ).format(
            path=info.path,
            kind=kind,
            deals=number(info.counts.get("deals", 0)),
            size=_size(info.bytes),
        ),
    )
    return info


# --- File › Restore from Backup… -----------------------------------------------------------


class RestoreDialog(QDialog):
    """What a checked backup holds, what restoring it does, and Restore or Cancel."""

    def __init__(self, info: BackupInfo, target: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setWindowTitle(self.tr("Restore from Backup"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        checked = QLabel(self.tr("The backup passed every check."))
        checked.setStyleSheet("font-weight: 600;")
        layout.addWidget(checked)
        form = QFormLayout()
        form.addRow(self.tr("File:"), QLabel(str(info.path)))
        form.addRow(
            self.tr("Kind:"),
            QLabel(self.tr("SQLite file") if info.kind == "sqlite" else self.tr("JSON dump")),
        )
        form.addRow(self.tr("Taken:"), QLabel(date_time(info.created_at)))
        counts = info.counts
        holds = QLabel(
            self.tr(
                "{deals} deals, {customers} customers, {contacts} contacts, {activities} "
                "activities and {users} users"
            ).format(
                **{
                    key: number(counts.get(key, 0))
                    for key in ("deals", "customers", "contacts", "activities", "users")
                }
            )
        )
        holds.setWordWrap(True)
        form.addRow(self.tr("Holds:"), holds)
        form.addRow(self.tr("Schema:"), QLabel(info.revision))
        layout.addLayout(form)
        aside = f"{target.stem}.before-restore-<…>{target.suffix or '.sqlite3'}"
        steps = [
            self.tr("This database is replaced by the backup: {path}").format(path=target),
            self.tr(
                "The current database is not deleted: it is kept aside in the same folder, "
                "as {name}."
            ).format(name=aside),
            self.tr(
                "crmdesk then closes this window and reopens the restored database (sign in "
                "again if it has passwords)."
            ),
            self.tr(
                "First close crmdesk in every other window and on every computer that uses "
                "this file."
            ),
        ]
        self.explanation = QLabel("<ul>" + "".join(f"<li>{_html(t)}</li>" for t in steps) + "</ul>")
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        if not info.password_hashes:
            warning = QLabel(
                self.tr(
                    "This backup holds no password hashes: after the restore nobody has a "
                    "password, and crmdesk opens as its first admin until passwords are set."
                )
            )
            warning.setWordWrap(True)
            warning.setObjectName("statusWarning")
            layout.addWidget(warning)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Restore"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(buttons)


#: Windows opened on a restored database (kept referenced while they are open).
REOPENED: list[Any] = []


def _server_steps(window: Any, info: BackupInfo) -> None:
    QMessageBox.information(
        window,
        _t("Restore from Backup"),
        _t(
            "The backup {path} passed every check ({deals} deals, schema {revision}).\n\n"
            "A team's PostgreSQL database is not replaced from the app, since others work "
            "in it. An admin restores it on the server and keeps the old one aside:\n"
            "1. createdb crmdesk_restored\n"
            "2. crmdesk restore {path} --db postgresql://host/crmdesk_restored\n"
            "3. check it, then with everyone signed out rename the databases: crmdesk to "
            "crmdesk_old, crmdesk_restored to crmdesk."
        ).format(path=info.path, deals=number(info.counts.get("deals", 0)), revision=info.revision),
    )


def restore_from_backup(window: Any) -> Any:
    """File › Restore from Backup…: check the chosen backup, say what restoring does, put
    it in place of this SQLite database (the old file kept aside) and reopen crmdesk on
    it. Returns the new window, or None."""
    from crmdesk.portability.backup import restore, validate_backup

    title = _t("Restore from Backup")
    db: Database = window.db
    try:
        access.require(db, window.user.id, "restore")
    except Exception as exc:
        QMessageBox.warning(window, title, error_message(exc))
        return None
    from crmdesk.portability.backup import default_backup_folder

    folder = default_backup_folder()
    name, _ = QFileDialog.getOpenFileName(
        window,
        _t("Choose the backup to restore"),
        str(folder if folder.is_dir() else _documents()),
        _t("crmdesk backups (*.sqlite3 *.json *.json.gz *.gz);;All files (*)"),
    )
    if not name:
        return None
    chosen = Path(name)
    try:
        info = run_with_progress(
            window,
            title,
            _t("Checking the backup…"),
            lambda _progress: validate_backup(chosen),
            cancellable=False,
        )
    except Exception as exc:
        QMessageBox.warning(
            window,
            title,
            _t("This file cannot be restored: {reason}").format(reason=error_message(exc)),
        )
        return None
    assert info is not None
    target = db.path
    if target is None:
        _server_steps(window, info)
        return None
    dialog = RestoreDialog(info, target, window)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    if not accepted:
        return None

    # Let go of the database: no live updates, no report in progress, no connection.
    was_live = getattr(window, "live", None) is not None
    window.stop_live_updates()
    window.setEnabled(False)
    for pool in window.findChildren(QThreadPool):
        pool.clear()
        pool.waitForDone(30_000)
    db.dispose()
    try:
        report = run_with_progress(
            window,
            title,
            _t("Restoring the backup…"),
            lambda _progress: restore(target, chosen),
            cancellable=False,
        )
    except Exception as exc:
        window.setEnabled(True)
        if was_live:
            window.start_live_updates()
        QMessageBox.warning(
            window,
            title,
            _t("Nothing was changed: {reason}").format(reason=error_message(exc)),
        )
        return None
    assert report is not None
    kept = report.kept_aside
    QMessageBox.information(
        window,
        title,
        (
            _t("The backup is restored. The previous database is kept as {path}.").format(path=kept)
            if kept is not None
            else _t("The backup is restored.")
        )
        + "\n\n"
        + _t("crmdesk now reopens the restored database."),
    )
    return _reopen(window, target)


def _reopen(window: Any, target: Path) -> Any:
    """A new main window on the restored database; the old window closes."""
    from crmdesk.db.migrate import open_database
    from crmdesk.ui.app import sign_in_user
    from crmdesk.ui.main_window import MainWindow

    title = _t("Restore from Backup")
    try:
        result = open_database(target)
    except Exception as exc:
        QMessageBox.critical(window, title, error_message(exc))
        window.close()
        return None
    restored = result.db
    user = sign_in_user(restored)
    if user is None:  # the sign-in was cancelled: crmdesk closes, as at a start
        restored.dispose()
        window.close()
        return None
    new = MainWindow(db=restored, user=user, lang=window.lang)
    REOPENED.append(new)
    new.destroyed.connect(lambda *_: REOPENED.remove(new) if new in REOPENED else None)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(restored.dispose)
    new.show()
    new.start_live_updates()
    new.bus.publish(Changes.everything())
    window.close()
    return new


# --- the menu entries --------------------------------------------------------------------


def install(window: Any) -> None:
    """Connect File › Export…, Back Up Now… and Restore from Backup… (``window.actions``)
    and enable them for the window's user."""
    a = window.actions
    a.export_data.triggered.connect(lambda: export_data(window))
    a.back_up.triggered.connect(lambda: back_up_now(window))
    a.restore_backup.triggered.connect(lambda: restore_from_backup(window))
    allowed = access.allowed(window.user.role, "backup") and access.allowed(
        window.user.role, "restore"
    )
    text = _t("Only an admin can back up or restore the database.")
    for action in (a.back_up, a.restore_backup):
        action.setEnabled(allowed)
        if not allowed:
            action.setStatusTip(text)
            action.setToolTip(text)
