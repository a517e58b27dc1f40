"""Edit › Settings…: this PC's language and database, the team's currency, time zone and
backups, the pipeline's stages, the lost reasons and lead sources, and the targets.

Every write goes through the services (``settings``, ``pipelines``, ``lists``,
``targets``), so their permission checks and validation apply: a rep sees everything
read-only except this PC's language and database; a manager edits the pipeline, the
lists and the targets; only an admin changes the team's settings. A message about one
field appears under that field and names it; a refusal that concerns no field appears
at the foot of the page (or of the small dialog that made the write).

Each write publishes its ``Outcome.changes`` on the window's bus, so the board and the
reports redraw; the pages reload when the bus reports ``Change.STAGES``, ``LISTS``,
``TARGETS``, ``SETTINGS`` (or ``USERS``: a user whose role changed meanwhile sees the
pages with their new rights).

The language is a choice of this PC, kept in ``QSettings`` (:func:`saved_language`);
it takes effect when crmdesk starts next, and the dialog offers to restart. So is the
theme (light, dark, or the system's when Qt can tell it: ``style.saved_theme``), which
applies the moment it is picked.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import (
    QCoreApplication,
    QLocale,
    QMimeData,
    QModelIndex,
    QProcess,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.zone import TIME_ZONE_KEY
from crmdesk.domain import (
    Change,
    Changes,
    CrmError,
    FieldError,
    LookupItem,
    Outcome,
    PipelineInfo,
    Role,
    StageInfo,
    StageKind,
    TargetInfo,
    TargetMetric,
    UserInfo,
    ValidationError,
)
from crmdesk.services import lists, pipelines, settings, targets, users
from crmdesk.ui import format as fmt
from crmdesk.ui import style
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.dialogs import parse_amount
from crmdesk.ui.errors import describe_field, error_message
from crmdesk.ui.service_calls import confirmed, try_write
from crmdesk.ui.sign_in import ConnectDialog, saved_database_url
from crmdesk.ui.table_model import Column, Index, RowsModel
from crmdesk.ui.users_dialog import (
    BAD,
    ERROR_STYLE,
    GOOD,
    HINT_STYLE,
    INFO_STYLE,
    MUTED,
    NOTICE_STYLE,
    _FormDialog,
    error_label,
    place_errors,
)
from crmdesk.ui.users_dialog import select_row as _select_row
from crmdesk.ui.users_dialog import selected_row as _selected_row
from crmdesk.ui.users_dialog import style_table as _table

#: Where this PC keeps its language ("" or missing: follow the system).
LANGUAGE_KEY = "ui/language"
#: The languages crmdesk speaks: (code, name in that language).
LANGUAGES = (("en", "English"), ("zh_CN", "简体中文"))
#: The retention setting the automatic backups read.
BACKUP_KEY = settings.BACKUP_KEEP_KEY
#: What the retention field shows while the database has no value for it, and its limit.
DEFAULT_BACKUPS = settings.BACKUP_KEEP_DEFAULT
MAX_BACKUPS = settings.BACKUP_KEEP_MAX
#: Currencies offered first (any other 3-letter code may be typed).
CURRENCIES = ("USD", "CNY", "EUR", "GBP", "JPY", "HKD")
#: What a drag of a stage carries: its id, as JSON.
STAGE_MIME = "application/x-crmdesk-stage-id"

PAGE_KEYS = ("general", "database", "pipeline", "lists", "targets")


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


# --- this PC's language ---------------------------------------------------------------------------


def system_language() -> str:
    """The language crmdesk uses when none is chosen: Chinese on a Chinese system."""
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def saved_language() -> str | None:
    """The language chosen on this PC in Settings, or None to follow the system."""
    value = str(QSettings().value(LANGUAGE_KEY, "") or "")
    return value if value in dict(LANGUAGES) else None


def save_language(lang: str | None) -> None:
    store = QSettings()
    if lang:
        store.setValue(LANGUAGE_KEY, lang)
    else:
        store.remove(LANGUAGE_KEY)


def ui_language() -> str:
    """The language to start in: this PC's choice, else the system's."""
    return saved_language() or system_language()


def language_name(lang: str) -> str:
    return dict(LANGUAGES).get(lang, lang)


def restart_command() -> tuple[str, list[str]]:
    """The program and arguments that start crmdesk again as it was started, without a
    ``--lang`` (which would override the language just chosen)."""
    args: list[str] = []
    rest = iter(sys.argv[1:])
    for arg in rest:
        if arg == "--lang":
            next(rest, None)
            continue
        if arg.startswith("--lang="):
            continue
        args.append(arg)
    if getattr(sys, "frozen", False):  # a packaged app: the executable is crmdesk
        return sys.executable, args
    return sys.executable, ["-m", "crmdesk", *args]


def ask_restart(parent: QWidget | None, language: str) -> bool:
    """Ask whether to restart now for the new language; True for "Restart Now"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("Language"))
    box.setText(tr("crmdesk will speak {language} when it starts again.").format(language=language))
    box.setInformativeText(tr("Restart crmdesk now? Everything you saved stays as it is."))
    restart = box.addButton(tr("Restart Now"), QMessageBox.ButtonRole.AcceptRole)
    later = box.addButton(tr("Later"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(later)
    box.exec()
    return box.clickedButton() is restart


def restart_application() -> None:
    """Close every window (each saves its state) and start crmdesk again."""
    app = QApplication.instance()
    if app is None:
        return
    program, args = restart_command()
    app.aboutToQuit.connect(lambda: QProcess.startDetached(program, args))
    QApplication.closeAllWindows()
    app.quit()


# --- names in both languages ------------------------------------------------------------------


def primary_language(db_locale: str) -> str:
    """The language of the database's default names (``name``): its ``locale`` setting."""
    return "zh_CN" if db_locale.startswith("zh") else "en"


def names_in(item: StageInfo | LookupItem | PipelineInfo, db_locale: str) -> tuple[str, str]:
    """(English, Chinese) names of a stage or list entry; the default name fills in for
    the database's own language."""
    primary = primary_language(db_locale)
    en = item.names.get("en") or (item.name if primary == "en" else "")
    zh = item.names.get("zh_CN") or (item.name if primary == "zh_CN" else "")
    return en, zh


def name_arguments(en: str, zh: str, db_locale: str) -> tuple[str, dict[str, str]]:
    """``name`` and ``names`` for the services from the two typed names."""
    en, zh = en.strip(), zh.strip()
    first, second = (zh, en) if primary_language(db_locale) == "zh_CN" else (en, zh)
    names = {lang: text for lang, text in (("en", en), ("zh_CN", zh)) if text}
    return first or second, names


def name_problems(
    exc: ValidationError, labels: dict[str, str], db_locale: str
) -> list[tuple[str, str]]:
    """(field, message) for each problem of a write of names; a field not in ``labels``
    goes to the dialog's banner."""
    return [
        (place, field_problem(labels[place], e))
        if (place := name_field(e.field, db_locale)) in labels
        else ("", error_message(ValidationError(e)))
        for e in exc.errors
    ]


def name_field(field: str, db_locale: str) -> str:
    """Which of the two name boxes a service's field error belongs to."""
    if field == "names.zh_CN":
        return "zh_CN"
    if field == "names.en":
        return "en"
    if field in ("name", "key"):
        return primary_language(db_locale)
    return field


# --- labels -----------------------------------------------------------------------------------


def kind_label(kind: StageKind) -> str:
    return {StageKind.OPEN: tr("Open"), StageKind.WON: tr("Won"), StageKind.LOST: tr("Lost")}[kind]


def metric_label(metric: TargetMetric | str) -> str:
    return fmt.target_metric_names().get(str(metric), str(metric))


def currency_label(code: str) -> str:
    names = {
        "USD": tr("US dollar"),
        "CNY": tr("Chinese yuan"),
        "EUR": tr("Euro"),
        "GBP": tr("British pound"),
        "JPY": tr("Japanese yen"),
        "HKD": tr("Hong Kong dollar"),
    }
    symbol = fmt.CURRENCY_SYMBOLS.get(code)
    name = names.get(code)
    if name is None:
        return code
    return tr("{code} — {name} ({symbol})").format(code=code, name=name, symbol=symbol)


def percent_text(value: int) -> str:
    return tr("{n}%").format(n=QLocale().toString(value))


def rot_text(stage: StageInfo) -> str:
    if not stage.is_open:
        return "–"
    if stage.rot_days is None:
        return tr("Off")
    return tr("after {n} days").format(n=QLocale().toString(stage.rot_days))


def period_text(start: date, end: date) -> str:
    """ "Q3 2025", "March 2025", or a range for any other period (``end`` is exclusive)."""
    if start.day == 1 and end == add_months(start, 3) and start.month % 3 == 1:
        return tr("Q{q} {year}").format(q=(start.month - 1) // 3 + 1, year=start.year)
    if start.day == 1 and end == add_months(start, 1):
        month = QLocale().standaloneMonthName(start.month, QLocale.FormatType.LongFormat)
        return tr("{month} {year}").format(month=month, year=start.year)
    last = date.fromordinal(end.toordinal() - 1)
    return tr("{start} – {end}").format(start=fmt.short_date(start), end=fmt.short_date(last))


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(d: date) -> tuple[date, date]:
    start = date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return start, add_months(start, 3)


def field_problem(label: str, err: FieldError) -> str:
    """A field's problem as a sentence that names the field."""
    return tr("{field}: {problem}").format(field=label, problem=describe_field(err))


def refusal_text(exc: BaseException) -> str:
    return error_message(exc)


def _muted_unless(active: Callable[[Any], bool]) -> Callable[[Any], Any]:
    return lambda r: None if active(r) else MUTED


def _button(text: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.setDefault(False)
    if tip:
        button.setToolTip(tip)
    return button


def _selected_item(view: QTableView, model: RowsModel[Any]) -> Any:
    """The model's row that is selected in ``view``, or None."""
    row = _selected_row(view)
    return model.rows[row] if 0 <= row < len(model.rows) else None


# --- the dialog -------------------------------------------------------------------------------


class SettingsDialog(QDialog):
    """Settings in pages: General, Database, Pipeline, Lists, Targets.

    ``changes`` collects what this dialog's writes changed (each write is also published
    on the bus at once). ``restart_wanted`` is set when the user chose to restart for a
    new language.
    """

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        bus: ChangeBus,
        lang: str = "en",
        page: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.bus = bus
        self.lang = lang
        self.changes = Changes()
        #: Set when the user chose to restart crmdesk for a new language.
        self.restart_wanted = False
        self.db_locale = settings.get_setting(db, "locale", "en") or "en"
        self.setWindowTitle(self.tr("Settings"))
        self.resize(1040, 680)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("settingsNav")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setFixedWidth(180)
        # Palette colours, so the page list follows the light and the dark theme.
        self.nav.setStyleSheet(
            "QListWidget#settingsNav { background: palette(window); border: none;"
            " border-right: 1px solid palette(mid); outline: 0; padding-top: 10px;"
            " font-size: 10.5pt; }"
            " QListWidget#settingsNav::item { padding: 8px 16px; color: palette(text);"
            " border-left: 3px solid transparent; }"
            " QListWidget#settingsNav::item:selected { background: palette(base);"
            " color: palette(text); border-left: 3px solid palette(highlight); }"
            " QListWidget#settingsNav::item:hover:!selected {"
            " background: palette(alternate-base); }"
        )
        self.stack = QStackedWidget()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)

        self.general = GeneralPage(self)
        self.database = DatabasePage(self)
        self.pipeline = PipelinePage(self)
        self.lists = ListsPage(self)
        self.targets = TargetsPage(self)
        self.pages: dict[str, _Page] = {
            "general": self.general,
            "database": self.database,
            "pipeline": self.pipeline,
            "lists": self.lists,
            "targets": self.targets,
        }
        titles = {
            "general": self.tr("General"),
            "database": self.tr("Database"),
            "pipeline": self.tr("Pipeline"),
            "lists": self.tr("Lists"),
            "targets": self.tr("Targets"),
        }
        for key in PAGE_KEYS:
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self.stack.addWidget(self.pages[key])
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        foot = QFrame()
        foot.setObjectName("settingsFoot")
        foot.setStyleSheet("QFrame#settingsFoot { border-top: 1px solid palette(mid); }")
        foot_layout = QHBoxLayout(foot)
        foot_layout.setContentsMargins(16, 8, 16, 10)
        self.who = QLabel()
        self.who.setStyleSheet(HINT_STYLE)
        foot_layout.addWidget(self.who, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        foot_layout.addWidget(self.buttons)
        outer.addWidget(foot)

        bus.changed.connect(self._on_bus_changed)
        self._apply_permissions()
        for p in self.pages.values():
            p.reload()
        self.show_page(page or "general")

    # --- state ------------------------------------------------------------------------------
    @property
    def is_manager(self) -> bool:
        return self.user.active and self.user.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.user.active and self.user.role is Role.ADMIN

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(PAGE_KEYS.index(key) if key in PAGE_KEYS else 0)

    def current_page(self) -> str:
        return PAGE_KEYS[max(0, self.nav.currentRow())]

    def _apply_permissions(self) -> None:
        role = {
            Role.ADMIN: self.tr("an admin"),
            Role.MANAGER: self.tr("a manager"),
            Role.REP: self.tr("a sales rep"),
        }[self.user.role]
        self.who.setText(
            self.tr("Signed in as {name}, {role} · database: {url}").format(
                name=self.user.name, role=role, url=self.db.display_url
            )
        )
        for p in self.pages.values():
            p.apply_permissions()

    def wrote(self, changes: Changes) -> None:
        """After a write: keep its changes and tell every view (this dialog's pages
        reload through the bus too)."""
        self.changes = self.changes | changes
        self.bus.publish(changes)

    def _on_bus_changed(self, changes: Changes) -> None:
        if changes.touches(Change.USERS):
            with contextlib.suppress(CrmError):
                self.user = users.get_user(self.db, self.user.id)
            self._apply_permissions()
        for p in self.pages.values():
            if changes.touches(p.RELOAD_ON):
                p.reload()

    # --- closing ----------------------------------------------------------------------------
    def reject(self) -> None:
        if self.general.dirty():
            answer = QMessageBox.question(
                self,
                self.tr("Settings"),
                self.tr("Save the changes on the General page?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.general.save():
                self.show_page("general")
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.reject()


class _Page(QWidget):
    """A settings page: a title, a line on what it is for, a note when it is read-only,
    the page's content and a message line for what the last action did."""

    RELOAD_ON: Change = Change.NONE

    def __init__(self, owner: SettingsDialog, title: str, intro: str) -> None:
        super().__init__()
        self.owner = owner
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(24, 18, 24, 12)
        self.root.setSpacing(10)
        heading = QLabel(title)
        heading.setObjectName("viewTitle")
        self.root.addWidget(heading)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        intro_label.setStyleSheet(HINT_STYLE)
        self.root.addWidget(intro_label)
        self.read_only_note = QLabel()
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet(NOTICE_STYLE)
        self.read_only_note.hide()
        self.root.addWidget(self.read_only_note)
        self.content = QVBoxLayout()
        self.content.setSpacing(8)
        self.root.addLayout(self.content, 1)
        self.message = QLabel()
        self.message.setObjectName("pageMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.root.addWidget(self.message)

    @property
    def db(self) -> Database:
        return self.owner.db

    @property
    def user(self) -> UserInfo:
        return self.owner.user

    def reload(self) -> None:
        raise NotImplementedError

    def apply_permissions(self) -> None:
        raise NotImplementedError

    def set_read_only_note(self, text: str | None) -> None:
        self.read_only_note.setText(text or "")
        self.read_only_note.setVisible(bool(text))

    def read_only_unless(self, allowed: bool, note: str) -> None:
        """Show ``note`` (why the page is read-only) unless the user is ``allowed``."""
        self.set_read_only_note(None if allowed else note)

    def show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else INFO_STYLE)
        self.message.setVisible(bool(text))

    def wrote(self, changes: Changes) -> None:
        self.owner.wrote(changes)
        if not changes.touches(self.RELOAD_ON):
            self.reload()

    def try_write(
        self,
        write: Callable[[], Outcome[Any]],
        *,
        invalid: Callable[[ValidationError], str] | None = None,
        reload_if_invalid: bool = False,
    ) -> Outcome[Any] | None:
        """Run a service write; None (the refusal shown at the foot, the page
        reloaded) when it was refused. See :func:`service_calls.try_write`."""
        return try_write(
            self, write, refusal_text, invalid=invalid, reload_if_invalid=reload_if_invalid
        )

    def after_write(self, changes: Changes, select: Callable[[], None] | None, text: str) -> None:
        """After a write: publish its changes (the page reloads), select what it
        wrote, and say what was done."""
        self.wrote(changes)
        if select is not None:
            select()
        self.show_message(text, error=False)

    def run_dialog(
        self, dialog: Any, select: Callable[[int], None], message: Callable[[Any], str]
    ) -> None:
        """Show a small dialog that writes; when it saved, publish its changes, select
        what it saved (by id) and say ``message(saved)``."""
        dialog.exec()
        saved = dialog.saved
        if saved is not None:
            self.wrote(dialog.changes)
            select(saved.id)
            self.show_message(message(saved), error=False)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


# --- General ----------------------------------------------------------------------------------


class GeneralPage(_Page):
    """This PC's language; the team's currency, time zone and (when the services know
    the setting) how many backups to keep."""

    RELOAD_ON = Change.SETTINGS

    def __init__(self, owner: SettingsDialog) -> None:
        super().__init__(
            owner,
            tr("General"),
            tr(
                "The language is chosen for this PC. The currency, the time zone and the "
                "backups are the same for everyone who works on this database."
            ),
        )
        self.errors: dict[str, QLabel] = {}
        self.stored: dict[str, str] = {}

        pc = QGroupBox(self.tr("This PC"))
        pc_form = self._form(pc)
        self.language_combo = QComboBox()
        self.language_combo.addItem(
            self.tr("System default ({language})").format(
                language=language_name(system_language())
            ),
            "",
        )
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self._row(
            pc_form,
            self.tr("Language"),
            self.language_combo,
            "language",
            self.tr(
                "Menus, messages, and how numbers, dates and money are written. crmdesk "
                "switches to a new language when it starts again."
            ),
        )
        self.theme_combo = QComboBox()
        self.theme_combo.addItem(self.tr("Light"), "light")
        self.theme_combo.addItem(self.tr("Dark"), "dark")
        scheme = style.system_color_scheme()
        if scheme != Qt.ColorScheme.Unknown or style.saved_theme() == "system":
            self.theme_combo.addItem(
                self.tr("Same as the system (now dark)")
                if scheme == Qt.ColorScheme.Dark
                else self.tr("Same as the system (now light)")
                if scheme == Qt.ColorScheme.Light
                else self.tr("Same as the system"),
                "system",
            )
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(style.saved_theme())))
        self._row(
            pc_form,
            self.tr("Theme"),
            self.theme_combo,
            "theme",
            self.tr("Light or dark windows, on this PC. It changes at once; printing stays light."),
        )
        self.content.addWidget(pc)

        team = QGroupBox(self.tr("Whole team (this database)"))
        team_form = self._form(team)
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code in CURRENCIES:
            self.currency_combo.addItem(currency_label(code), code)
        self.currency_example = _hint("")
        self._row(
            team_form,
            self.tr("Currency"),
            self.currency_combo,
            "currency",
            self.tr(
                "New deals start in this currency, and the board and reports show totals "
                "in it. Pick one, or type a 3-letter code such as SGD."
            ),
            extra=self.currency_example,
        )
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.setMaxVisibleItems(20)
        self.zone_combo.addItems(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))
        self._row(
            team_form,
            self.tr("Time zone"),
            self.zone_combo,
            TIME_ZONE_KEY,
            self.tr(
                "The reports count days, weeks and months in this zone. Changing it "
                "recounts the day of every done activity, which can take a moment."
            ),
        )
        self.backup_spin = QSpinBox()
        self.backup_spin.setRange(1, MAX_BACKUPS)
        self.backup_spin.setMaximumWidth(120)
        self.has_backup_setting = BACKUP_KEY in settings.EDITABLE
        if self.has_backup_setting:
            self._row(
                team_form,
                self.tr("Backups to keep"),
                self.backup_spin,
                BACKUP_KEY,
                self.tr(
                    "crmdesk backs the database up once a day and keeps this many of the "
                    "newest backups; older ones are deleted."
                ),
            )
        else:
            self.backup_spin.hide()
        self.content.addWidget(team)
        self.content.addStretch(1)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.revert_button = _button(self.tr("Revert"))
        self.save_button = _button(self.tr("Save Changes"))
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
        self.root.addLayout(actions)

        self.language_combo.currentIndexChanged.connect(self._on_edited)
        self.theme_combo.currentIndexChanged.connect(lambda _i: self.apply_theme_choice())
        self.currency_combo.currentTextChanged.connect(self._on_edited)
        self.zone_combo.currentTextChanged.connect(self._on_edited)
        self.backup_spin.valueChanged.connect(self._on_edited)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)

    def _form(self, box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setContentsMargins(16, 14, 16, 12)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        return form

    def _row(
        self,
        form: QFormLayout,
        title: str,
        widget: QWidget,
        field: str,
        hint: str,
        extra: QWidget | None = None,
    ) -> None:
        box = QVBoxLayout()
        box.setSpacing(3)
        line = QHBoxLayout()
        if isinstance(widget, QComboBox):
            widget.setMinimumWidth(320)
        line.addWidget(widget)
        if extra is not None:
            line.addSpacing(8)
            line.addWidget(extra)
        line.addStretch(1)
        box.addLayout(line)
        error = error_label()
        box.addWidget(error)
        box.addWidget(_hint(hint))
        self.errors[field] = error
        label = QLabel(title)
        # One label width in both groups, so that their fields line up.
        label.setMinimumWidth(120)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(label, box)

    # --- values -----------------------------------------------------------------------------
    def typed(self) -> dict[str, str]:
        """What the page's fields say now, as the values the services store."""
        values = {
            "language": self.language_combo.currentData() or "",
            "currency": self._currency_typed(),
            TIME_ZONE_KEY: self.zone_combo.currentText().strip(),
        }
        if self.has_backup_setting:
            values[BACKUP_KEY] = str(self.backup_spin.value())
        return values

    def _currency_typed(self) -> str:
        combo = self.currency_combo
        i = combo.currentIndex()
        if i >= 0 and combo.itemText(i) == combo.currentText():
            return str(combo.itemData(i))
        return combo.currentText().strip().upper()

    def dirty(self) -> bool:
        return self.typed() != self.stored

    def reload(self) -> None:
        """Read the stored values (a page with unsaved edits keeps them)."""
        if self.stored and self.dirty():
            return
        self.stored = {
            "language": saved_language() or "",
            "currency": settings.get_setting(self.db, "currency", "USD") or "USD",
            TIME_ZONE_KEY: settings.get_setting(self.db, TIME_ZONE_KEY, "UTC") or "UTC",
        }
        if self.has_backup_setting:
            keep = settings.get_setting(self.db, BACKUP_KEY, "") or ""
            self.stored[BACKUP_KEY] = keep if keep.isdigit() else str(DEFAULT_BACKUPS)
        self._show(self.stored)

    def revert(self) -> None:
        self._show(self.stored)
        self.show_errors([])
        self.show_message("", error=False)

    def _show(self, values: dict[str, str]) -> None:
        widgets = (self.language_combo, self.currency_combo, self.zone_combo, self.backup_spin)
        for w in widgets:
            w.blockSignals(True)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(values["language"]))
        )
        code = values["currency"]
        i = self.currency_combo.findData(code)
        if i < 0:
            self.currency_combo.addItem(currency_label(code), code)
            i = self.currency_combo.count() - 1
        self.currency_combo.setCurrentIndex(i)
        self.zone_combo.setCurrentText(values[TIME_ZONE_KEY])
        if self.has_backup_setting:
            self.backup_spin.setValue(int(values[BACKUP_KEY]))
        for w in widgets:
            w.blockSignals(False)
        self._on_edited()

    def _on_edited(self) -> None:
        self.save_button.setEnabled(self.dirty())
        self.revert_button.setEnabled(self.dirty())
        code = self._currency_typed()
        if re.fullmatch(r"[A-Z]{3}", code):
            self.currency_example.setText(
                self.tr("e.g. {amount}").format(amount=fmt.money(Decimal("12345.67"), code))
            )
        else:
            self.currency_example.setText("")

    def apply_permissions(self) -> None:
        admin = self.owner.is_admin
        for w in (self.currency_combo, self.zone_combo, self.backup_spin):
            w.setEnabled(admin)
        self.read_only_unless(
            admin,
            self.tr(
                "Only an admin can change the currency, the time zone and the backups. "
                "You can choose the language of this PC."
            ),
        )

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        unplaced = place_errors(self.errors, errors)
        if unplaced:
            self.show_message("\n".join(unplaced), error=True)

    def error_text(self, field: str) -> str:
        label = self.errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    # --- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        """Write what changed; True when everything was saved."""
        values = self.typed()
        self.show_errors([])
        self.show_message("", error=False)
        labels = {
            "currency": self.tr("Currency"),
            TIME_ZONE_KEY: self.tr("Time zone"),
            BACKUP_KEY: self.tr("Backups to keep"),
        }
        problems: list[tuple[str, str]] = []
        saved: list[str] = []
        for key in ("currency", TIME_ZONE_KEY, BACKUP_KEY):
            if key not in values or values[key] == self.stored.get(key):
                continue
            try:
                outcome = settings.set_setting(self.db, key, values[key], by=self.user.id)
            except ValidationError as exc:
                problems.extend(
                    (key, field_problem(labels[key], e)) for e in exc.errors if e.field == "value"
                )
                problems.extend(
                    ("", error_message(ValidationError(e)))
                    for e in exc.errors
                    if e.field != "value"
                )
                continue
            except CrmError as exc:
                problems.append(("", refusal_text(exc)))
                continue
            self.stored[key] = outcome.value
            saved.append(key)
            self.owner.wrote(outcome.changes)
        language_changed = values["language"] != self.stored["language"]
        if language_changed:
            save_language(values["language"] or None)
            self.stored["language"] = values["language"]
        self._on_edited()
        if problems:
            self.show_errors(problems)
            return False
        if saved or language_changed:
            self.show_message(self.tr("Saved."), error=False)
        if language_changed and ui_language() != self.owner.lang:
            self.offer_restart()
        return True

    def apply_theme_choice(self) -> None:
        """Keep the theme picked for this PC and switch to it at once."""
        choice = str(self.theme_combo.currentData())
        style.save_theme(choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            style.apply_choice(app, choice)
        self.show_message(self.tr("The theme is saved for this PC."), error=False)

    def offer_restart(self) -> None:
        new = language_name(ui_language())
        if ask_restart(self, new):
            self.owner.restart_wanted = True
            self.owner.accept()
            restart_application()
        else:
            self.show_message(
                self.tr("Saved. crmdesk will speak {language} when it starts next.").format(
                    language=new
                ),
                error=False,
            )


# --- Database ---------------------------------------------------------------------------------


class DatabaseForm(ConnectDialog):
    """File › Database…'s form, living inside the Database page: saving keeps it open,
    and Escape closes the settings rather than the form."""

    saved = Signal(str)

    def __init__(self, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(current, parent)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.layout().setContentsMargins(0, 0, 0, 0)
        box = self.findChild(QDialogButtonBox)
        if box is not None:
            box.button(QDialogButtonBox.StandardButton.Cancel).hide()
            save = box.button(QDialogButtonBox.StandardButton.Save)
            save.setText(self.tr("Use This Database"))
            save.setAutoDefault(False)
            self.save_button = save

    def accept(self) -> None:  # the choice is saved (``ConnectDialog._save``); stay open
        self.saved.emit(self.url() or "")

    def reject(self) -> None:
        pass

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            event.ignore()  # the settings dialog closes
            return
        super().keyPressEvent(event)


class DatabasePage(_Page):
    """Which database this PC opens: a file here, or the team's server."""

    RELOAD_ON = Change.NONE

    def __init__(self, owner: SettingsDialog) -> None:
        super().__init__(
            owner,
            tr("Database"),
            tr(
                "Where this PC's crmdesk keeps its data: a file on this PC for one user, "
                "or the team's PostgreSQL server. The choice is kept on this PC."
            ),
        )
        now = QGroupBox(self.tr("Open now"))
        now_form = QFormLayout(now)
        now_form.setContentsMargins(16, 12, 16, 10)
        now_form.setHorizontalSpacing(14)
        db = owner.db
        self.current_label = QLabel(db.display_url)
        self.current_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.current_label.setWordWrap(True)
        kind = (
            self.tr("A file on this PC (SQLite)")
            if db.dialect == "sqlite"
            else self.tr("Team server (PostgreSQL)")
        )
        now_form.addRow(self.tr("Database:"), self.current_label)
        now_form.addRow(self.tr("Kind:"), QLabel(kind))
        self.content.addWidget(now)

        choose = QGroupBox(self.tr("Open next time"))
        choose_layout = QVBoxLayout(choose)
        choose_layout.setContentsMargins(16, 12, 16, 12)
        current = saved_database_url() or (str(db.path) if db.path else db.display_url)
        self.form = DatabaseForm(current, choose)
        choose_layout.addWidget(self.form)
        self.content.addWidget(choose)
        self.content.addStretch(1)
        self.form.saved.connect(self._on_saved)

    def _on_saved(self, url: str) -> None:
        self.show_message(
            self.tr("crmdesk will open {url} when it starts next.").format(url=url), error=False
        )

    def reload(self) -> None:
        pass

    def apply_permissions(self) -> None:
        pass  # this PC's own choice, like File › Database…


# --- Pipeline ---------------------------------------------------------------------------------


class _Model(RowsModel[Any]):
    """Rows whose number columns have their titles on the right, over their figures."""

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
            and self.columns[section].align_right
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().headerData(section, orientation, role)


@dataclass(frozen=True)
class StageRow:
    stage: StageInfo
    en: str
    zh: str
    qualified: bool


class StagesModel(_Model):
    """The stages of one pipeline in their order; open stages can be dragged to a new
    place (the move itself goes through ``pipelines.reorder_stages``).

    Signals:
        move_requested(int, int): stage id, and the open-stage position it was dropped at.
    """

    move_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([], parent)
        self.editable = False
        self.columns = [
            Column(
                "", lambda r: "⠿" if r.stage.is_open else "", lambda r: 0, color=lambda r: MUTED
            ),
            Column(self.tr("English name"), lambda r: r.en, lambda r: r.en),
            Column(self.tr("Chinese name"), lambda r: r.zh, lambda r: r.zh),
            Column(
                self.tr("Probability"),
                lambda r: percent_text(r.stage.probability),
                lambda r: r.stage.probability,
                align_right=True,
            ),
            Column(self.tr("Rotting"), lambda r: rot_text(r.stage), lambda r: r.stage.rot_days),
            Column(
                self.tr("Qualified"),
                lambda r: self.tr("✓ Qualified") if r.qualified else "",
                lambda r: r.qualified,
                color=lambda r: GOOD,
            ),
            Column(
                self.tr("Kind"),
                lambda r: kind_label(r.stage.kind),
                lambda r: r.stage.kind,
                color=lambda r: (
                    GOOD
                    if r.stage.kind is StageKind.WON
                    else BAD
                    if r.stage.kind is StageKind.LOST
                    else None
                ),
            ),
        ]

    def open_count(self) -> int:
        return sum(1 for r in self.rows if r.stage.is_open)

    def row_of(self, stage_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.stage.id == stage_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.rows[index.row()]
            if index.column() == 0 and row.stage.is_open and self.editable:
                return self.tr("Drag to put the stage elsewhere (or use Move Up and Move Down).")
            if index.column() == 5 and row.qualified:
                return self.tr(
                    "A deal that reaches this stage counts as a qualified lead (the reports' "
                    "lead conversion)."
                )
            if index.column() == 4 and row.stage.is_open:
                return self.tr(
                    "A deal that stays in this stage longer, without activity, is shown as rotting."
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return super().data(index, role)

    # --- drag and drop ----------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.editable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and self.rows[index.row()].stage.is_open:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [STAGE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            mime.setData(STAGE_MIME, json.dumps(self.rows[rows[0]].stage.id).encode())
        return mime

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        return self.editable and data.hasFormat(STAGE_MIME)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            stage_id = int(json.loads(bytes(data.data(STAGE_MIME).data()).decode()))
        except (ValueError, TypeError):
            return False
        if parent.isValid():
            row = parent.row()
        if row < 0:
            row = self.open_count()
        # After the model's own call returns (the view is still in its drop handling).
        target = min(row, self.open_count())
        QTimer.singleShot(0, lambda: self.move_requested.emit(stage_id, target))
        return True


class StageTable(QTableView):
    """The stages table (a class of its own so that tests can stand in for the platform's
    drag loop, as the board's tests do)."""


class PipelinePage(_Page):
    """The stages of a pipeline: names in both languages, probability, rot days, the
    qualified stage; add, edit, remove and reorder (drag, or Move Up/Down)."""

    RELOAD_ON = Change.STAGES

    def __init__(self, owner: SettingsDialog) -> None:
        super().__init__(
            owner,
            tr("Pipeline"),
            tr(
                "The stages a deal goes through on the board, in order. The probability "
                "weighs the forecast; a deal that sits in a stage longer than its rot days "
                "shows as rotting. Won and Lost always come last."
            ),
        )
        self.pipeline: PipelineInfo | None = None
        self.pipelines: list[PipelineInfo] = []
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(QLabel(self.tr("Pipeline:")))
        self.pipeline_combo = QComboBox()
        self.pipeline_combo.setMinimumWidth(220)
        top.addWidget(self.pipeline_combo)
        self.add_pipeline_button = _button(
            self.tr("Add Pipeline…"),
            self.tr("A new pipeline, starting with the standard stages or a copy of another's"),
        )
        self.rename_pipeline_button = _button(self.tr("Rename…"))
        self.archive_button = _button(self.tr("Archive…"))
        self.default_button = _button(
            self.tr("Set as Default"),
            self.tr("New deals go to the default pipeline; the board and the reports open on it."),
        )
        for b in (
            self.add_pipeline_button,
            self.rename_pipeline_button,
            self.archive_button,
            self.default_button,
        ):
            top.addWidget(b)
        top.addStretch(1)
        self.content.addLayout(top)
        self.pipeline_note = _hint("")
        self.content.addWidget(self.pipeline_note)

        self.model = StagesModel(self)
        self.table = StageTable()
        self.table.setModel(self.model)
        _table(self.table, ((0, 28), (2, 150), (3, 90), (4, 120), (5, 100), (6, 70)), 1)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        self.content.addWidget(self.table, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.add_button = _button(self.tr("Add Stage…"))
        self.edit_button = _button(self.tr("Edit…"))
        self.up_button = _button(self.tr("Move Up"))
        self.up_button.setShortcut(QKeySequence("Ctrl+Up"))
        self.up_button.setToolTip(self.tr("Move the stage one place up (Ctrl+Up)"))
        self.down_button = _button(self.tr("Move Down"))
        self.down_button.setShortcut(QKeySequence("Ctrl+Down"))
        self.down_button.setToolTip(self.tr("Move the stage one place down (Ctrl+Down)"))
        self.qualified_button = _button(
            self.tr("Mark as Qualified"),
            self.tr("Deals that reach this stage count as qualified leads."),
        )
        self.remove_button = _button(self.tr("Remove…"))
        for b in (
            self.add_button,
            self.edit_button,
            self.up_button,
            self.down_button,
            self.qualified_button,
            self.remove_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        self.drag_hint = QLabel(self.tr("Drag a stage by ⠿ to change the order."))
        self.drag_hint.setStyleSheet(HINT_STYLE)
        actions.addWidget(self.drag_hint)
        self.content.addLayout(actions)

        self.pipeline_combo.currentIndexChanged.connect(lambda _i: self._fill())
        self.add_pipeline_button.clicked.connect(self.add_pipeline)
        self.rename_pipeline_button.clicked.connect(self.rename_pipeline)
        self.archive_button.clicked.connect(self.archive_or_restore)
        self.default_button.clicked.connect(self.make_default)
        self.add_button.clicked.connect(self.add_stage)
        self.edit_button.clicked.connect(self.edit_stage)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(+1))
        self.qualified_button.clicked.connect(self.mark_qualified)
        self.remove_button.clicked.connect(self.remove_stage)
        self.table.doubleClicked.connect(
            lambda _i: self.edit_button.isEnabled() and self.edit_stage()
        )
        self.model.move_requested.connect(self.move_stage)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())

    # --- state ------------------------------------------------------------------------------
    def pipeline_label(self, p: PipelineInfo) -> str:
        """The pipeline's name in the window's language."""
        en, zh = names_in(p, self.owner.db_locale)
        return (zh if self.owner.lang.startswith("zh") else en) or p.name

    def reload(self) -> None:
        keep = self.pipeline_combo.currentData()
        # Active pipelines first (the default first among them), then the archived ones.
        found = sorted(
            pipelines.list_pipelines(self.db, include_inactive=True),
            key=lambda p: (not p.active, not p.is_default, p.position, p.id),
        )
        self.pipelines = found
        self.pipeline_combo.blockSignals(True)
        self.pipeline_combo.clear()
        for p in found:
            label = self.pipeline_label(p)
            if p.is_default:
                label = self.tr("{name} (default)").format(name=label)
            elif not p.active:
                label = self.tr("{name} (archived)").format(name=label)
            self.pipeline_combo.addItem(label, p.id)
        index = self.pipeline_combo.findData(keep)
        if index < 0:
            index = next((i for i, p in enumerate(found) if p.is_default), 0)
        self.pipeline_combo.setCurrentIndex(index)
        self.pipeline_combo.blockSignals(False)
        self._fill()

    def select_pipeline(self, pipeline_id: int) -> None:
        index = self.pipeline_combo.findData(pipeline_id)
        if index >= 0:
            self.pipeline_combo.setCurrentIndex(index)

    def pipeline_names(self) -> list[str]:
        """The pipeline picker's entries as it shows them (for tests and callers)."""
        combo = self.pipeline_combo
        return [combo.itemText(i) for i in range(combo.count())]

    def _fill(self) -> None:
        keep = self.selected()
        pid = self.pipeline_combo.currentData()
        self.pipeline = next((p for p in self.pipelines if p.id == pid), None)
        if self.pipeline is not None and not self.pipeline.active:
            self.pipeline_note.setText(
                self.tr(
                    "Archived: not on the board and not offered for new deals. Its closed "
                    "deals stay in the reports."
                )
            )
        elif self.pipeline is not None and self.pipeline.is_default:
            self.pipeline_note.setText(
                self.tr(
                    "The default pipeline: new deals go here, and the board and the reports "
                    "open on it."
                )
            )
        else:
            self.pipeline_note.setText("")
        self.pipeline_note.setVisible(bool(self.pipeline_note.text()))
        rows = []
        if self.pipeline is not None:
            for st in self.pipeline.stages:
                en, zh = names_in(st, self.owner.db_locale)
                rows.append(StageRow(st, en, zh, st.id == self.pipeline.qualified_stage_id))
        self.model.set_rows(rows)
        if keep is not None:
            _select_row(self.table, self.model.row_of(keep.stage.id))
        self._update_actions()

    def selected(self) -> StageRow | None:
        return _selected_item(self.table, self.model)

    def select_stage(self, stage_id: int) -> None:
        _select_row(self.table, self.model.row_of(stage_id))

    def stage_names(self) -> list[str]:
        """The stages as the table lists them (English names), for tests and callers."""
        return [r.en for r in self.model.rows]

    def apply_permissions(self) -> None:
        self.model.editable = self.owner.is_manager
        self.table.setDragEnabled(self.owner.is_manager)
        self.table.setAcceptDrops(self.owner.is_manager)
        self.read_only_unless(
            self.owner.is_manager,
            self.tr(
                "Only a manager can change the pipeline. You can see the stages, but not "
                "add, rename, reorder or remove them."
            ),
        )
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.selected()
        can = self.owner.is_manager
        is_open = row is not None and row.stage.is_open
        position = self.model.row_of(row.stage.id) if row is not None else -1
        pipe = self.pipeline
        self.add_pipeline_button.setEnabled(can)
        self.rename_pipeline_button.setEnabled(can and pipe is not None)
        self.archive_button.setText(
            self.tr("Restore") if pipe is not None and not pipe.active else self.tr("Archive…")
        )
        self.archive_button.setEnabled(can and pipe is not None and not pipe.is_default)
        self.archive_button.setToolTip(
            self.tr("The default pipeline cannot be archived: make another one the default first.")
            if pipe is not None and pipe.is_default
            else self.tr("Take the pipeline off the board; its closed deals stay in the reports.")
        )
        self.default_button.setEnabled(
            can and pipe is not None and pipe.active and not pipe.is_default
        )
        self.add_button.setEnabled(can and self.pipeline is not None)
        self.edit_button.setEnabled(can and row is not None)
        self.up_button.setEnabled(can and is_open and position > 0)
        self.down_button.setEnabled(can and is_open and position < self.model.open_count() - 1)
        self.qualified_button.setEnabled(can and is_open and not row.qualified)
        self.remove_button.setEnabled(can and is_open)

    # --- pipelines --------------------------------------------------------------------------
    def add_pipeline(self) -> None:
        self.run_dialog(
            PipelineDialog(owner=self.owner, page=self, pipeline=None, parent=self),
            self.select_pipeline,
            lambda saved: self.tr(
                "Added the pipeline {name}. Its stages are below: rename and tune them, "
                "or add more."
            ).format(name=self.pipeline_label(saved)),
        )

    def rename_pipeline(self) -> None:
        if self.pipeline is None:
            return
        self.run_dialog(
            PipelineDialog(owner=self.owner, page=self, pipeline=self.pipeline, parent=self),
            self.select_pipeline,
            lambda saved: self.tr("Renamed the pipeline to {name}.").format(
                name=self.pipeline_label(saved)
            ),
        )

    def archive_or_restore(self) -> None:
        pipe = self.pipeline
        if pipe is None:
            return
        name = self.pipeline_label(pipe)
        if pipe.active and not confirmed(
            self,
            self.tr("Archive pipeline"),
            self.tr(
                "Archive the pipeline {name}? It leaves the board and is no longer offered "
                "for new deals; its closed deals stay in the reports. You can restore it "
                "later."
            ).format(name=name),
        ):
            return

        def invalid(exc: ValidationError) -> str:
            err = exc.errors[0]
            if err.code == "has_open_deals":
                return self.tr(
                    "{name} still holds {n} open deals. Close them (won or lost) first."
                ).format(name=name, n=fmt.number(int(err.params.get("count", 0))))
            if err.code == "is_default":
                return self.tr(
                    "{name} is the default pipeline. Make another pipeline the default first."
                ).format(name=name)
            return field_problem(self.tr("Pipeline"), err)

        change = pipelines.archive_pipeline if pipe.active else pipelines.restore_pipeline
        outcome = self.try_write(lambda: change(self.db, pipe.id, by=self.user.id), invalid=invalid)
        if outcome is None:
            return
        self.after_write(
            outcome.changes,
            lambda: self.select_pipeline(pipe.id),
            (
                self.tr("Archived the pipeline {name}.")
                if pipe.active
                else self.tr("{name} is back on the board.")
            ).format(name=name),
        )

    def make_default(self) -> None:
        pipe = self.pipeline
        if pipe is None:
            return
        outcome = self.try_write(
            lambda: pipelines.set_default_pipeline(self.db, pipe.id, by=self.user.id),
            invalid=lambda exc: field_problem(self.tr("Pipeline"), exc.errors[0]),
            reload_if_invalid=True,
        )
        if outcome is None:
            return
        self.after_write(
            outcome.changes,
            lambda: self.select_pipeline(pipe.id),
            self.tr("{name} is now the default pipeline.").format(name=self.pipeline_label(pipe)),
        )

    # --- actions ----------------------------------------------------------------------------
    def add_stage(self) -> None:
        if self.pipeline is None:
            return
        row = self.selected()
        after = row.stage.id if row is not None and row.stage.is_open else None
        self.run_dialog(
            StageDialog(
                owner=self.owner, pipeline=self.pipeline, stage=None, after=after, parent=self
            ),
            self.select_stage,
            lambda saved: self.tr("Added the stage {name}.").format(
                name=saved.label(self.owner.lang)
            ),
        )

    def edit_stage(self) -> None:
        row = self.selected()
        if row is None or self.pipeline is None:
            return
        self.run_dialog(
            StageDialog(
                owner=self.owner, pipeline=self.pipeline, stage=row.stage, after=None, parent=self
            ),
            self.select_stage,
            lambda saved: self.tr("Saved the stage {name}.").format(
                name=saved.label(self.owner.lang)
            ),
        )

    def move_selected(self, step: int) -> None:
        row = self.selected()
        if row is None or not row.stage.is_open:
            return
        position = self.model.row_of(row.stage.id) + step
        if 0 <= position < self.model.open_count():
            self.move_stage(row.stage.id, position if step < 0 else position + 1)

    def move_stage(self, stage_id: int, insert_at: int) -> None:
        """Put an open stage before the open stage now at ``insert_at`` (or last)."""
        if self.pipeline is None:
            return
        order = [s.id for s in self.pipeline.open_stages]
        if stage_id not in order:
            return
        old = order.index(stage_id)
        order.remove(stage_id)
        new = insert_at - 1 if insert_at > old else insert_at
        order.insert(max(0, min(new, len(order))), stage_id)
        if order == [s.id for s in self.pipeline.open_stages]:
            self.select_stage(stage_id)
            return
        pipeline = self.pipeline
        outcome = self.try_write(
            lambda: pipelines.reorder_stages(self.db, pipeline.id, order, by=self.user.id)
        )
        if outcome is None:
            return
        name = pipeline.stage(stage_id).label(self.owner.lang)
        self.after_write(
            outcome.changes,
            lambda: self.select_stage(stage_id),
            self.tr("Moved {name} to place {n}.").format(name=name, n=order.index(stage_id) + 1),
        )

    def mark_qualified(self) -> None:
        row = self.selected()
        if row is None or self.pipeline is None:
            return
        pipeline = self.pipeline
        outcome = self.try_write(
            lambda: pipelines.set_qualified_stage(
                self.db, pipeline.id, row.stage.id, by=self.user.id
            )
        )
        if outcome is None:
            return
        self.after_write(
            outcome.changes,
            lambda: self.select_stage(row.stage.id),
            self.tr("Deals that reach {name} now count as qualified leads.").format(
                name=row.stage.label(self.owner.lang)
            ),
        )

    def remove_stage(self) -> None:
        row = self.selected()
        if row is None:
            return
        name = row.stage.label(self.owner.lang)
        if not confirmed(
            self,
            self.tr("Remove stage"),
            self.tr(
                "Remove the stage {name}? Deals that passed through it keep their history, "
                "and the reports of past periods still show it."
            ).format(name=name),
        ):
            return

        def invalid(exc: ValidationError) -> str:
            err = exc.errors[0]
            if "count" in err.params:
                return self.tr(
                    "{name} still holds {n} deals. Move them to another stage first."
                ).format(name=name, n=fmt.number(int(err.params["count"])))
            if "open stage" in str(err.params.get("reason", "")):
                return self.tr("A pipeline needs at least one open stage.")
            return field_problem(self.tr("Stage"), err)

        outcome = self.try_write(
            lambda: pipelines.remove_stage(self.db, row.stage.id, by=self.user.id), invalid=invalid
        )
        if outcome is None:
            return
        self.after_write(
            outcome.changes, None, self.tr("Removed the stage {name}.").format(name=name)
        )


class PipelineDialog(_FormDialog):
    """Add a pipeline (its names in both languages, and the stages it starts with), or
    rename one."""

    def __init__(
        self,
        *,
        owner: SettingsDialog,
        page: PipelinePage,
        pipeline: PipelineInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.owner = owner
        self.pipeline = pipeline
        self.saved: PipelineInfo | None = None
        self.setWindowTitle(
            self.tr("Add Pipeline") if pipeline is None else self.tr("Rename Pipeline")
        )
        self.setMinimumWidth(600)
        self.en_edit = QLineEdit()
        self.en_edit.setMaxLength(m.LEN_NAME + 20)
        self.en_edit.setPlaceholderText(self.tr("e.g. Renewals"))
        self.zh_edit = QLineEdit()
        self.zh_edit.setMaxLength(m.LEN_NAME + 20)
        self.zh_edit.setPlaceholderText(self.tr("e.g. 续约"))
        self._row(self.tr("English name"), self.en_edit, "en")
        self._row(self.tr("Chinese name"), self.zh_edit, "zh_CN")
        self.stages_combo = QComboBox()
        self.stages_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        if pipeline is None:
            self.stages_combo.addItem(
                self.tr("The standard stages: Prospecting, Qualification, Quote, Contract"), None
            )
            for p in page.pipelines:
                if p.active:
                    self.stages_combo.addItem(
                        self.tr("A copy of the stages of {name}").format(
                            name=page.pipeline_label(p)
                        ),
                        p.id,
                    )
            self._row(
                self.tr("Stages"),
                self.stages_combo,
                "copy_from",
                hint=self.tr("Won and Lost always come last. You edit the stages afterwards."),
            )
        else:
            en, zh = names_in(pipeline, owner.db_locale)
            self.en_edit.setText(en)
            self.zh_edit.setText(zh)
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Add Pipeline") if pipeline is None else self.tr("Rename")
        )

    def _field_widgets(self) -> dict[str, QWidget]:
        return {"en": self.en_edit, "zh_CN": self.zh_edit, "copy_from": self.stages_combo}

    def save(self) -> None:
        locale = self.owner.db_locale
        name, names = name_arguments(self.en_edit.text(), self.zh_edit.text(), locale)
        by = self.owner.user.id

        def write() -> Outcome[PipelineInfo]:
            if self.pipeline is None:
                return pipelines.add_pipeline(
                    self.owner.db,
                    by=by,
                    name=name,
                    names=names,
                    copy_from=self.stages_combo.currentData(),
                )
            return pipelines.rename_pipeline(
                self.owner.db, self.pipeline.id, by=by, name=name, names=names
            )

        labels = {
            "en": self.tr("English name"),
            "zh_CN": self.tr("Chinese name"),
            "copy_from": self.tr("Stages"),
        }
        self._submit(write, lambda exc: name_problems(exc, labels, locale), refusal_text)


def stage_key(en: str, zh: str, taken: set[str], attempt: int = 0) -> str:
    """A key for a new stage from its English name ("Needs analysis" → needs_analysis)."""
    base = re.sub(r"[^a-z0-9]+", "_", en.lower()).strip("_")
    if not base or not base[0].isalpha():
        base = "stage" + (f"_{base}" if base else "")
    base = base[: m.LEN_KEY - 4]
    n = attempt
    while True:
        key = base if n == 0 else f"{base}_{n + 1}"
        if key not in taken:
            return key
        n += 1


class StageDialog(_FormDialog):
    """Add a stage, or edit one: its names in both languages, probability and rot days."""

    def __init__(
        self,
        *,
        owner: SettingsDialog,
        pipeline: PipelineInfo,
        stage: StageInfo | None,
        after: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.owner = owner
        self.pipeline = pipeline
        self.stage = stage
        self.saved: StageInfo | None = None
        self.setWindowTitle(self.tr("Add Stage") if stage is None else self.tr("Edit Stage"))
        self.setMinimumWidth(560)
        self.en_edit = QLineEdit()
        self.en_edit.setMaxLength(m.LEN_NAME + 20)
        self.en_edit.setPlaceholderText(self.tr("e.g. Needs analysis"))
        self.zh_edit = QLineEdit()
        self.zh_edit.setMaxLength(m.LEN_NAME + 20)
        self.zh_edit.setPlaceholderText(self.tr("e.g. 需求分析"))
        self.probability_spin = QSpinBox()
        self.probability_spin.setRange(0, 100)
        self.probability_spin.setSuffix(self.tr(" %"))
        self.probability_spin.setMaximumWidth(120)
        self.rot_spin = QSpinBox()
        self.rot_spin.setRange(0, 3650)
        self.rot_spin.setSpecialValueText(self.tr("Off"))
        self.rot_spin.setSuffix(self.tr(" days"))
        self.rot_spin.setMaximumWidth(120)
        self._row(self.tr("English name"), self.en_edit, "en")
        self._row(self.tr("Chinese name"), self.zh_edit, "zh_CN")
        self._row(
            self.tr("Probability"),
            self.probability_spin,
            "probability",
            hint=self.tr("The chance that a deal here is won; it weighs the forecast."),
        )
        self._row(
            self.tr("Rotting after"),
            self.rot_spin,
            "rot_days",
            hint=self.tr("Days here without activity before a deal shows as rotting."),
        )
        self.position_combo = QComboBox()
        if stage is None:
            opened = pipeline.open_stages
            self.position_combo.addItem(self.tr("First"), 0)
            for i, st in enumerate(opened):
                self.position_combo.addItem(
                    self.tr("After {name}").format(name=st.label(owner.lang)), i + 1
                )
            at = next((i + 1 for i, st in enumerate(opened) if st.id == after), len(opened))
            self.position_combo.setCurrentIndex(at)
            self._row(self.tr("Place"), self.position_combo, "position")
            self.probability_spin.setValue(50)
            self.rot_spin.setValue(14)
        else:
            en, zh = names_in(stage, owner.db_locale)
            self.en_edit.setText(en)
            self.zh_edit.setText(zh)
            self.probability_spin.setValue(stage.probability)
            self.rot_spin.setValue(stage.rot_days or 0)
            if not stage.is_open:
                self.probability_spin.setEnabled(False)
                self.rot_spin.setEnabled(False)
                self.probability_spin.setToolTip(self.tr("A won stage has 100%, a lost stage 0%."))
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Add Stage") if stage is None else self.tr("Save")
        )

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            "en": self.en_edit,
            "zh_CN": self.zh_edit,
            "probability": self.probability_spin,
            "rot_days": self.rot_spin,
        }

    def _labels(self) -> dict[str, str]:
        return {
            "en": self.tr("English name"),
            "zh_CN": self.tr("Chinese name"),
            "probability": self.tr("Probability"),
            "rot_days": self.tr("Rotting after"),
        }

    def _problems(self, exc: ValidationError) -> list[tuple[str, str]]:
        labels = self._labels()
        out = []
        for e in exc.errors:
            place = name_field(e.field, self.owner.db_locale)
            if e.field == "key" and e.code == "too_many":
                out.append(
                    (
                        "",
                        self.tr(
                            "This pipeline cannot take another stage: it has had {n} over "
                            "its life (removed stages keep their place in the history)."
                        ).format(n=e.params.get("limit", m.MAX_STAGE_SLOT + 1)),
                    )
                )
            elif place in labels:
                out.append((place, field_problem(labels[place], e)))
            else:
                out.append(("", error_message(ValidationError(e))))
        return out

    def save(self) -> None:
        locale = self.owner.db_locale
        name, names = name_arguments(self.en_edit.text(), self.zh_edit.text(), locale)
        rot = self.rot_spin.value() or None
        by = self.owner.user.id

        def write() -> Outcome[StageInfo]:
            if self.stage is None:
                taken = {s.key for s in self.pipeline.stages}
                for attempt in range(20):
                    key = stage_key(self.en_edit.text(), self.zh_edit.text(), taken, attempt)
                    try:
                        return pipelines.add_stage(
                            self.owner.db,
                            self.pipeline.id,
                            by=by,
                            key=key,
                            name=name,
                            names=names,
                            probability=self.probability_spin.value(),
                            rot_days=rot,
                            position=self.position_combo.currentData(),
                        )
                    except ValidationError as exc:
                        # A removed stage may still hold the key: try the next one.
                        if [(e.field, e.code) for e in exc.errors] != [("key", "duplicate")]:
                            raise
                        taken.add(key)
                raise ValidationError(FieldError("key", "duplicate", {"value": key}))
            kwargs: dict[str, Any] = {}
            if self.stage.is_open:
                kwargs = {"probability": self.probability_spin.value(), "rot_days": rot}
            return pipelines.update_stage(
                self.owner.db, self.stage.id, by=by, name=name, names=names, **kwargs
            )

        self._submit(write, self._problems, refusal_text)


# --- Lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    item: LookupItem
    en: str
    zh: str


class ItemsModel(RowsModel[ItemRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([], parent)
        active = _muted_unless(lambda r: r.item.active)
        self.columns = [
            Column(self.tr("English name"), lambda r: r.en, lambda r: r.en, color=active),
            Column(self.tr("Chinese name"), lambda r: r.zh, lambda r: r.zh, color=active),
            Column(
                self.tr("Status"),
                lambda r: self.tr("In use") if r.item.active else self.tr("Retired"),
                lambda r: not r.item.active,
                color=lambda r: GOOD if r.item.active else MUTED,
            ),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            if not self.rows[index.row()].item.active:
                return self.tr("Not offered for new deals; deals that have it keep it.")
            return None
        return super().data(index, role)

    def row_of(self, item_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.item.id == item_id), -1)


class ListEditor(QWidget):
    """One editable list (lost reasons or lead sources): add, rename, retire."""

    def __init__(self, page: ListsPage, which: lists.ListName) -> None:
        super().__init__()
        self.page = page
        self.which = which
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.model = ItemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        _table(self.table, ((1, 220), (2, 90)), 0)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.add_button = _button(self.tr("Add…"))
        self.rename_button = _button(self.tr("Rename…"))
        self.active_button = _button(self.tr("Retire"))
        for b in (self.add_button, self.rename_button, self.active_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.summary = QLabel()
        self.summary.setStyleSheet(HINT_STYLE)
        actions.addWidget(self.summary)
        layout.addLayout(actions)
        self.add_button.clicked.connect(self.add_item)
        self.rename_button.clicked.connect(self.rename_item)
        self.active_button.clicked.connect(self.toggle_active)
        self.table.doubleClicked.connect(
            lambda _i: self.rename_button.isEnabled() and self.rename_item()
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())

    @property
    def noun(self) -> str:
        return self.tr("lost reason") if self.which == "lost_reasons" else self.tr("lead source")

    def reload(self) -> None:
        keep = self.selected()
        locale = self.page.owner.db_locale
        found = lists.list_items(self.page.db, self.which, include_inactive=True)
        found.sort(key=lambda x: (not x.active, x.position, x.id))
        self.model.set_rows([ItemRow(x, *names_in(x, locale)) for x in found])
        if keep is not None:
            _select_row(self.table, self.model.row_of(keep.item.id))
        active = sum(1 for x in found if x.active)
        self.summary.setText(
            self.tr("{n} in use, {retired} retired").format(n=active, retired=len(found) - active)
        )
        self.update_actions()

    def selected(self) -> ItemRow | None:
        return _selected_item(self.table, self.model)

    def select_item(self, item_id: int) -> None:
        _select_row(self.table, self.model.row_of(item_id))

    def show_message(self, text: str, *, error: bool) -> None:
        self.page.show_message(text, error=error)

    def update_actions(self) -> None:
        row = self.selected()
        can = self.page.owner.is_manager
        self.add_button.setEnabled(can)
        self.rename_button.setEnabled(can and row is not None)
        self.active_button.setEnabled(can and row is not None)
        self.active_button.setText(
            self.tr("Bring Back") if row is not None and not row.item.active else self.tr("Retire")
        )

    def add_item(self) -> None:
        self.page.run_dialog(
            ItemDialog(owner=self.page.owner, which=self.which, item=None, parent=self),
            self.select_item,
            lambda saved: self.tr("Added {name}.").format(name=saved.label(self.page.owner.lang)),
        )

    def rename_item(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.page.run_dialog(
            ItemDialog(owner=self.page.owner, which=self.which, item=row.item, parent=self),
            self.select_item,
            lambda saved: self.tr("Renamed to {name}.").format(
                name=saved.label(self.page.owner.lang)
            ),
        )

    def toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        outcome = try_write(
            self,
            lambda: lists.update_item(
                self.page.db,
                self.which,
                row.item.id,
                by=self.page.user.id,
                active=not row.item.active,
            ),
            refusal_text,
        )
        if outcome is None:
            return
        self.page.after_write(
            outcome.changes,
            lambda: self.select_item(row.item.id),
            (
                self.tr("{name} is offered again.")
                if outcome.value.active
                else self.tr("{name} is retired: no longer offered, and kept on old deals.")
            ).format(name=outcome.value.label(self.page.owner.lang)),
        )


class ListsPage(_Page):
    """The lost reasons and the lead sources."""

    RELOAD_ON = Change.LISTS

    def __init__(self, owner: SettingsDialog) -> None:
        super().__init__(
            owner,
            tr("Lists"),
            tr(
                "The choices offered when a deal is lost and for where a customer or deal "
                "came from. A retired entry is no longer offered; deals that have it keep it."
            ),
        )
        self.tabs = QTabWidget()
        self.reasons = ListEditor(self, "lost_reasons")
        self.sources = ListEditor(self, "sources")
        self.tabs.addTab(self.reasons, self.tr("Lost reasons"))
        self.tabs.addTab(self.sources, self.tr("Lead sources"))
        self.content.addWidget(self.tabs, 1)

    def editor(self, which: str) -> ListEditor:
        return self.reasons if which == "lost_reasons" else self.sources

    def reload(self) -> None:
        self.reasons.reload()
        self.sources.reload()

    def apply_permissions(self) -> None:
        self.read_only_unless(
            self.owner.is_manager,
            self.tr(
                "Only a manager can edit the lost reasons and lead sources. You can see "
                "them, but not change them."
            ),
        )
        self.reasons.update_actions()
        self.sources.update_actions()


class ItemDialog(_FormDialog):
    """Add or rename an entry of a list, in both languages."""

    def __init__(
        self,
        *,
        owner: SettingsDialog,
        which: lists.ListName,
        item: LookupItem | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.owner = owner
        self.which = which
        self.item = item
        self.saved: LookupItem | None = None
        reasons = which == "lost_reasons"
        if item is None:
            title = self.tr("Add Lost Reason") if reasons else self.tr("Add Lead Source")
        else:
            title = self.tr("Rename Lost Reason") if reasons else self.tr("Rename Lead Source")
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.en_edit = QLineEdit()
        self.zh_edit = QLineEdit()
        self.en_edit.setPlaceholderText(
            self.tr("e.g. Went with a cheaper offer") if reasons else self.tr("e.g. Webinar")
        )
        self.zh_edit.setPlaceholderText(
            self.tr("e.g. 选择了更便宜的报价") if reasons else self.tr("e.g. 网络研讨会")
        )
        self._row(self.tr("English name"), self.en_edit, "en")
        self._row(self.tr("Chinese name"), self.zh_edit, "zh_CN")
        if item is not None:
            en, zh = names_in(item, owner.db_locale)
            self.en_edit.setText(en)
            self.zh_edit.setText(zh)
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Add") if item is None else self.tr("Rename")
        )

    def _field_widgets(self) -> dict[str, QWidget]:
        return {"en": self.en_edit, "zh_CN": self.zh_edit}

    def save(self) -> None:
        name, names = name_arguments(self.en_edit.text(), self.zh_edit.text(), self.owner.db_locale)

        def write() -> Outcome[LookupItem]:
            if self.item is None:
                return lists.add_item(
                    self.owner.db, self.which, by=self.owner.user.id, name=name, names=names
                )
            return lists.update_item(
                self.owner.db,
                self.which,
                self.item.id,
                by=self.owner.user.id,
                name=name,
                names=names,
            )

        labels = {"en": self.tr("English name"), "zh_CN": self.tr("Chinese name")}
        self._submit(
            write, lambda exc: name_problems(exc, labels, self.owner.db_locale), refusal_text
        )


# --- Targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    target: TargetInfo
    who: str
    currency: str

    @property
    def value_text(self) -> str:
        if self.target.metric is TargetMetric.WON_AMOUNT:
            return fmt.money(self.target.value, self.currency)
        return fmt.number(int(self.target.value))


class TargetsModel(_Model):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([], parent)
        self.columns = [
            Column(
                self.tr("Period"),
                lambda r: period_text(r.target.period_start, r.target.period_end),
                lambda r: (r.target.period_start, r.target.period_end),
            ),
            Column(
                self.tr("Who"),
                lambda r: r.who,
                lambda r: (r.target.owner_id is not None, r.who.casefold()),
            ),
            Column(
                self.tr("Metric"),
                lambda r: metric_label(r.target.metric),
                lambda r: list(TargetMetric).index(r.target.metric),
            ),
            Column(
                self.tr("Target"),
                lambda r: r.value_text,
                lambda r: r.target.value,
                align_right=True,
            ),
        ]

    def row_of(self, target_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.target.id == target_id), -1)


class TargetsPage(_Page):
    """Targets per person or for the team, per month or quarter and metric."""

    RELOAD_ON = Change.TARGETS | Change.USERS | Change.SETTINGS

    def __init__(self, owner: SettingsDialog) -> None:
        super().__init__(
            owner,
            tr("Targets"),
            tr(
                "Goals per salesperson or for the whole team, per month or quarter. The "
                "reports measure each against what was won, gained or done in its period."
            ),
        )
        self.names: dict[int, str] = {}
        self.currency = "USD"
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year:")))
        self.year_combo = QComboBox()
        self.year_combo.setMinimumWidth(110)
        top.addWidget(self.year_combo)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("Who:")))
        self.who_combo = QComboBox()
        self.who_combo.setMinimumWidth(180)
        top.addWidget(self.who_combo)
        top.addStretch(1)
        self.add_button = _button(self.tr("Add Target…"))
        top.addWidget(self.add_button)
        self.content.addLayout(top)

        self.model = TargetsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        _table(self.table, ((0, 150), (2, 160), (3, 150)), 1)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.content.addWidget(self.table, 1)
        # Said inside the empty table, where the eye looks for the targets.
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #9ca3af; font-size: 11pt;")
        empty_layout = QVBoxLayout(self.table.viewport())
        empty_layout.addWidget(self.empty_label)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.edit_button = _button(self.tr("Edit…"))
        self.delete_button = _button(self.tr("Delete…"))
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        self.summary = QLabel()
        self.summary.setStyleSheet(HINT_STYLE)
        actions.addWidget(self.summary)
        self.content.addLayout(actions)

        self.year_combo.currentIndexChanged.connect(lambda _i: self._fill())
        self.who_combo.currentIndexChanged.connect(lambda _i: self._fill())
        self.add_button.clicked.connect(self.add_target)
        self.edit_button.clicked.connect(self.edit_target)
        self.delete_button.clicked.connect(self.delete_target)
        self.table.doubleClicked.connect(
            lambda _i: self.edit_button.isEnabled() and self.edit_target()
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.all: list[TargetInfo] = []

    def visible_to_me(self, t: TargetInfo) -> bool:
        """A rep sees the team's targets and their own (as in the reports)."""
        return self.owner.is_manager or t.owner_id in (None, self.user.id)

    def reload(self) -> None:
        self.currency = settings.get_setting(self.db, "currency", "USD") or "USD"
        self.names = {u.id: u.name for u in users.list_users(self.db, include_inactive=True)}
        self.all = [t for t in targets.list_targets(self.db) if self.visible_to_me(t)]
        keep_year = self.year_combo.currentData()
        keep_who = self.who_combo.currentData()
        for combo in (self.year_combo, self.who_combo):
            combo.blockSignals(True)
            combo.clear()
        this_year = date.today().year
        with_targets = {t.period_start.year for t in self.all}
        years = sorted(with_targets | {this_year}, reverse=True)
        self.year_combo.addItem(self.tr("All years"), 0)
        for y in years:
            self.year_combo.addItem(str(y), y)
        if keep_year is None:  # first load: this year, or the latest year that has targets
            past = [y for y in with_targets if y <= this_year]
            keep_year = this_year if this_year in with_targets or not past else max(past)
        i = self.year_combo.findData(keep_year)
        self.year_combo.setCurrentIndex(max(0, i))
        self.who_combo.addItem(self.tr("Everyone"), -1)
        self.who_combo.addItem(self.tr("Whole team"), 0)
        owners = {t.owner_id for t in self.all if t.owner_id is not None}
        for uid in sorted(owners, key=lambda u: self.names.get(u, "").casefold()):
            self.who_combo.addItem(self.names.get(uid, str(uid)), uid)
        self.who_combo.setCurrentIndex(max(0, self.who_combo.findData(keep_who)))
        for combo in (self.year_combo, self.who_combo):
            combo.blockSignals(False)
        self._fill()

    def who_name(self, owner_id: int | None) -> str:
        if owner_id is None:
            return self.tr("Whole team")
        return self.names.get(owner_id, str(owner_id))

    def _fill(self) -> None:
        keep = self.selected()
        year = self.year_combo.currentData() or 0
        who = self.who_combo.currentData()
        shown = [
            TargetRow(t, self.who_name(t.owner_id), self.currency)
            for t in self.all
            if (
                not year
                or (t.period_start < date(year + 1, 1, 1) and t.period_end > date(year, 1, 1))
            )
            and (who in (None, -1) or (who == 0 and t.owner_id is None) or t.owner_id == who)
        ]
        self.model.set_rows(shown)
        if keep is not None:
            _select_row(self.table, self.model.row_of(keep.target.id))
        self.summary.setText(
            self.tr("{n} targets shown").format(n=fmt.number(len(shown)))
            if len(shown) != 1
            else self.tr("1 target shown")
        )
        self.empty_label.setText(
            ""
            if shown
            else self.tr("No targets here yet.")
            + ("\n" + self.tr("Add one with Add Target…") if self.owner.is_manager else "")
        )
        self._update_actions()

    def selected(self) -> TargetRow | None:
        return _selected_item(self.table, self.model)

    def select_target(self, target_id: int) -> None:
        row = self.model.row_of(target_id)
        if row < 0:  # outside the filters: show everything so the user sees it
            self.year_combo.setCurrentIndex(0)
            self.who_combo.setCurrentIndex(0)
            row = self.model.row_of(target_id)
        _select_row(self.table, row)

    def shown(self) -> list[tuple[str, str, str, str]]:
        """The table as a user reads it: (period, who, metric, target)."""
        model = self.model
        return [
            tuple(model.index(r, c).data() for c in range(4))  # type: ignore[misc]
            for r in range(model.rowCount())
        ]

    def apply_permissions(self) -> None:
        self.read_only_unless(
            self.owner.is_manager,
            self.tr("Only a manager can set targets. You see the team's targets and your own."),
        )
        self._update_actions()

    def _update_actions(self) -> None:
        can = self.owner.is_manager
        row = self.selected()
        self.add_button.setEnabled(can)
        self.edit_button.setEnabled(can and row is not None)
        self.delete_button.setEnabled(can and row is not None)

    def add_target(self) -> None:
        self._open(None)

    def edit_target(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(row.target)

    def _open(self, target: TargetInfo | None) -> None:
        self.run_dialog(
            TargetDialog(page=self, target=target, parent=self),
            self.select_target,
            lambda t: self.tr("Saved: {who}, {period}, {metric}: {value}.").format(
                who=self.who_name(t.owner_id),
                period=period_text(t.period_start, t.period_end),
                metric=metric_label(t.metric),
                value=TargetRow(t, "", self.currency).value_text,
            ),
        )

    def delete_target(self) -> None:
        row = self.selected()
        if row is None:
            return
        t = row.target
        what = self.tr("{who}, {period}, {metric}").format(
            who=row.who,
            period=period_text(t.period_start, t.period_end),
            metric=metric_label(t.metric),
        )
        if not confirmed(
            self,
            self.tr("Delete target"),
            self.tr("Delete the target {what} ({value})?").format(what=what, value=row.value_text),
        ):
            return
        outcome = self.try_write(lambda: targets.delete_target(self.db, t.id, by=self.user.id))
        if outcome is None:
            return
        self.after_write(
            outcome.changes, None, self.tr("Deleted the target {what}.").format(what=what)
        )


class TargetDialog(_FormDialog):
    """Add a target, or change an existing target's value.

    The person, period and metric say which target it is; saving a target that exists
    for them replaces its value (the dialog says so before).
    """

    def __init__(
        self, *, page: TargetsPage, target: TargetInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.page = page
        self.target = target
        self.saved: TargetInfo | None = None
        self.setWindowTitle(self.tr("Add Target") if target is None else self.tr("Edit Target"))
        self.setMinimumWidth(480)
        self.who_combo = QComboBox()
        self.who_combo.addItem(self.tr("Whole team"), None)
        for u in users.list_users(page.db):
            self.who_combo.addItem(u.name, u.id)
        period = QHBoxLayout()
        period.setSpacing(6)
        self.span_combo = QComboBox()
        self.span_combo.addItem(self.tr("Quarter"), "quarter")
        self.span_combo.addItem(self.tr("Month"), "month")
        self.part_combo = QComboBox()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setGroupSeparatorShown(False)
        period.addWidget(self.span_combo)
        period.addWidget(self.part_combo, 1)
        period.addWidget(self.year_spin)
        period_box = QWidget()
        period_box.setLayout(period)
        period.setContentsMargins(0, 0, 0, 0)
        self.metric_combo = QComboBox()
        for metric in TargetMetric:
            self.metric_combo.addItem(metric_label(metric), metric.value)
        self.value_edit = QLineEdit()
        self.value_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.value_edit.setMaximumWidth(200)
        self.replaces = QLabel()
        self.replaces.setWordWrap(True)
        self.replaces.setStyleSheet(NOTICE_STYLE)
        self.replaces.hide()
        self._row(self.tr("Who"), self.who_combo, "owner_id")
        self._row(self.tr("Period"), period_box, "period")
        self._row(self.tr("Metric"), self.metric_combo, "metric")
        self._row(self.tr("Target"), self.value_edit, "value")
        self.outer.addWidget(self.replaces)

        if target is None:
            start, _end = quarter_of(date.today())
            self._set_period("quarter", start)
        else:
            self.who_combo.setCurrentIndex(max(0, self.who_combo.findData(target.owner_id)))
            if self.who_combo.findData(target.owner_id) < 0:  # a disabled user's target
                self.who_combo.addItem(page.who_name(target.owner_id), target.owner_id)
                self.who_combo.setCurrentIndex(self.who_combo.count() - 1)
            months = (target.period_end.year - target.period_start.year) * 12 + (
                target.period_end.month - target.period_start.month
            )
            self._set_period("month" if months == 1 else "quarter", target.period_start)
            self.metric_combo.setCurrentIndex(self.metric_combo.findData(target.metric.value))
            self.value_edit.setText(self._value_text(target.value, target.metric))
            for w in (self.who_combo, self.span_combo, self.part_combo, self.year_spin):
                w.setEnabled(False)
            self.metric_combo.setEnabled(False)
            self.custom_period = (target.period_start, target.period_end)
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Add Target") if target is None else self.tr("Save")
        )
        self.span_combo.currentIndexChanged.connect(lambda _i: self._fill_parts())
        for signal in (
            self.who_combo.currentIndexChanged,
            self.part_combo.currentIndexChanged,
            self.year_spin.valueChanged,
            self.metric_combo.currentIndexChanged,
        ):
            signal.connect(lambda *_: self._check_existing())
        self._check_existing()

    custom_period: tuple[date, date] | None = None

    def _value_text(self, value: Decimal, metric: TargetMetric) -> str:
        if metric is TargetMetric.WON_AMOUNT:
            return QLocale().toString(float(value), "f", 2 if value % 1 else 0)
        return QLocale().toString(int(value))

    def _set_period(self, span: str, start: date) -> None:
        self.span_combo.blockSignals(True)
        self.span_combo.setCurrentIndex(self.span_combo.findData(span))
        self.span_combo.blockSignals(False)
        self._fill_parts()
        self.year_spin.setValue(start.year)
        part = (start.month - 1) // 3 if span == "quarter" else start.month - 1
        self.part_combo.setCurrentIndex(part)

    def _fill_parts(self) -> None:
        keep = self.part_combo.currentIndex()
        quarter = self.span_combo.currentData() == "quarter"
        self.part_combo.blockSignals(True)
        self.part_combo.clear()
        if quarter:
            for q in range(1, 5):
                self.part_combo.addItem(self.tr("Q{q}").format(q=q), q)
        else:
            for month in range(1, 13):
                self.part_combo.addItem(
                    QLocale().standaloneMonthName(month, QLocale.FormatType.LongFormat), month
                )
        if keep >= 0:  # Q3 ↔ July, March ↔ Q1
            self.part_combo.setCurrentIndex(keep // 3 if quarter else keep * 3)
        self.part_combo.blockSignals(False)
        self._check_existing()

    def period(self) -> tuple[date, date]:
        if self.custom_period is not None:
            return self.custom_period
        year = self.year_spin.value()
        part = int(self.part_combo.currentData() or 1)
        if self.span_combo.currentData() == "quarter":
            start = date(year, 3 * part - 2, 1)
            return start, add_months(start, 3)
        start = date(year, part, 1)
        return start, add_months(start, 1)

    def existing(self) -> TargetInfo | None:
        """The target these choices name, if there is one already."""
        start, end = self.period()
        owner = self.who_combo.currentData()
        metric = self.metric_combo.currentData()
        return next(
            (
                t
                for t in targets.list_targets(self.page.db, start=start, end=end)
                if t.owner_id == owner
                and t.metric.value == metric
                and (t.period_start, t.period_end) == (start, end)
            ),
            None,
        )

    def _check_existing(self) -> None:
        if not hasattr(self, "replaces"):
            return
        metric = TargetMetric(self.metric_combo.currentData())
        if metric is TargetMetric.WON_AMOUNT:
            symbol = fmt.CURRENCY_SYMBOLS.get(self.page.currency, self.page.currency)
            self.value_edit.setPlaceholderText(self.tr("amount in {c}").format(c=symbol))
        else:
            self.value_edit.setPlaceholderText(self.tr("a whole number"))
        found = self.existing() if self.target is None else None
        if found is not None:
            self.replaces.setText(
                self.tr(
                    "There is already a target of {value} for this. Saving replaces it."
                ).format(value=TargetRow(found, "", self.page.currency).value_text)
            )
        self.replaces.setVisible(found is not None)

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            "owner_id": self.who_combo,
            "period": self.part_combo,
            "metric": self.metric_combo,
            "value": self.value_edit,
        }

    def save(self) -> None:
        text = self.value_edit.text().strip()
        value = parse_amount(text) if text else None
        label = self.tr("Target")
        if not text:
            self.show_errors([("value", self.tr("Target: enter the goal."))])
            return
        if value is None:
            self.show_errors(
                [
                    (
                        "value",
                        self.tr("Target: enter a number, for example {example}.").format(
                            example=QLocale().toString(120000)
                        ),
                    )
                ]
            )
            return
        start, end = self.period()

        def problems(exc: ValidationError) -> list[tuple[str, str]]:
            labels = {
                "owner_id": self.tr("Who"),
                "metric": self.tr("Metric"),
                "period_start": self.tr("Period"),
                "period_end": self.tr("Period"),
                "value": label,
            }
            found = []
            for e in exc.errors:
                place = "period" if e.field.startswith("period") else e.field
                if (
                    e.field == "value"
                    and e.code == "invalid"
                    and "whole" in str(e.params.get("reason", ""))
                ):
                    found.append(("value", self.tr("Target: a count is a whole number.")))
                elif e.field in labels:
                    found.append((place, field_problem(labels[e.field], e)))
                else:
                    found.append(("", error_message(ValidationError(e))))
            return found

        self._submit(
            lambda: targets.set_target(
                self.page.db,
                by=self.page.user.id,
                owner_id=self.who_combo.currentData(),
                metric=self.metric_combo.currentData(),
                period_start=start,
                period_end=end,
                value=value,
            ),
            problems,
            refusal_text,
        )
