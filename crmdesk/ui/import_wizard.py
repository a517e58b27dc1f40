"""File › Import…: bring customers, contacts, deals, activities or users in from a CSV
file or an Excel workbook, in five steps.

1. **File**: what to import and the file (a sheet picker for a workbook with several);
2. **Preview**: the first rows as read, with the detected encoding and delimiter (both
   can be overridden) and the line of the column names;
3. **Columns**: one row per file column with the crmdesk field it goes into, guessed
   from English and Chinese header names (:func:`crmdesk.importing.guess_mapping`);
   required fields are marked; stage values (file value → stage), the date format and
   which unknown names may be added; the mapping can be loaded and saved as TOML;
4. **Check**: a dry run in a worker thread: how many rows would be created, updated
   and left as they are, and every problem (line, column, reason); the bad rows can
   be skipped and written to a rejects file;
5. **Import**: the real import in a worker thread with a progress bar and Cancel.
   Cancelling rolls the transaction back, so nothing is half-written. The result's
   changes are published on the window's bus, so the board and the reports refresh.

The importer's checks are the only ones: a rep is refused (only a manager or an admin
imports; only an admin imports users) before the first step, and again by the importer
should the role change meanwhile. The importer's coded messages are translated here by
their English text (context ``ImportMessages``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import CrmError, PermissionDenied, Role, UserInfo
from crmdesk.importing import (
    FIELDS,
    KEY_FIELDS,
    REQUIRED,
    ImportFileError,
    ImportMapping,
    ImportResult,
    MappingError,
    RowIssue,
    Table,
    guess_mapping,
    list_sheets,
    load_mapping,
    mapping_from_dict,
    preview,
    read_table,
    run_import,
    save_mapping,
)
from crmdesk.importing.messages import ALL_MESSAGES, human_list
from crmdesk.services import pipelines
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.errors import error_message
from crmdesk.ui.icons import icon

#: The steps, in order (the page index is the position).
STEPS = ("file", "preview", "columns", "check", "import")
PREVIEW_ROWS = 20
#: Rows read to list the stage values of the file.
VALUE_SCAN_ROWS = 5_000
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")
DATE_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y年%m月%d日", "%d-%m-%Y")
#: Which unknown names each kind of record may add (the mapping's [create] table).
CREATABLE = {
    "deals": ("customers", "owners", "sources", "lost_reasons"),
    "customers": ("owners", "sources"),
    "contacts": ("customers",),
    "activities": ("customers", "owners"),
    "users": (),
}
NOTICE_STYLE = (
    "QLabel { background: #fff9db; border: 1px solid #ffe066; border-radius: 6px;"
    " padding: 7px 10px; color: #5c3c00; }"
)
ERROR_STYLE = (
    "QLabel { background: #fff5f5; border: 1px solid #ffc9c9; border-radius: 6px;"
    " padding: 7px 10px; color: #c92a2a; }"
)
GOOD_STYLE = (
    "QLabel { background: #ebfbee; border: 1px solid #b2f2bb; border-radius: 6px;"
    " padding: 7px 10px; color: #2b8a3e; }"
)
TABLE_STYLE = "QTableView { outline: 0; } QTableView::item { padding-left: 4px; }"


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportMessages", text)


#: What each field of the importer holds (the tooltip of a column's choices), translated
#: by its English text in the context ``ImportFields`` (``build_spec/i18n.py`` lists them).
FIELD_DESCRIPTIONS = tuple(
    dict.fromkeys(spec.description for specs in FIELDS.values() for spec in specs)
)


def _field_help(text: str) -> str:
    return QCoreApplication.translate("ImportFields", text)


def describe(code: str, params: dict[str, Any]) -> str:
    """An importer message in the user's language (translated by its English text)."""
    template = _t(ALL_MESSAGES.get(code, code))  # i18n: dynamic (ImportMessages)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def error_text(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    params = getattr(exc, "params", None)
    if isinstance(code, str) and code in ALL_MESSAGES and isinstance(params, dict):
        return describe(code, params)
    if isinstance(exc, CrmError):  # the services' and the database's coded errors
        return error_message(exc)
    return str(exc)


def issue_reason(issue: RowIssue) -> str:
    return describe(issue.code, {"field": issue.field, **issue.params})


class _Signals(QObject):
    progress = Signal(str, int, int)  # phase, done, total
    done = Signal(object)  # ImportResult or the exception


class _Job(QRunnable):
    """Runs ``work(progress)`` in a worker thread; the result (or the exception) comes
    back through ``signals.done``, progress through ``signals.progress``."""

    def __init__(self, work: Callable[[Callable[[str, int, int], None]], Any], signals: _Signals):
        super().__init__()
        self.work, self.signals = work, signals

    def run(self) -> None:
        try:
            result: Any = self.work(self.signals.progress.emit)
        except Exception as exc:  # shown in the wizard, never lost in the thread
            result = exc
        self.signals.done.emit(result)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setStyleSheet(TABLE_STYLE)
    table.setWordWrap(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(28)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def _item(text: str, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


class _Count(QFrame):
    """A KPI-style card: a big number over its caption."""

    def __init__(self, caption: str, colour: str) -> None:
        super().__init__()
        self.setObjectName("kpiCard")
        self.setMinimumWidth(130)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.value = QLabel("–")
        self.value.setObjectName("kpiValue")
        self.value.setStyleSheet(f"color: {colour}; font-size: 18pt; font-weight: 600;")
        self.caption = QLabel(caption)
        self.caption.setObjectName("kpiCaption")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: int | None) -> None:
        self.value.setText("–" if value is None else f"{value:,}")


def _new_records_notes(result: ImportResult, key: str) -> str:
    """The owners, customers, sources and lost reasons the import would add (message
    ``key`` "summary_would_add") or added ("summary_added"), a few names each, in the
    importer's translated messages."""
    notes = []
    for kind in ("customer", "user", "source", "lost_reason"):
        names = result.new_records.get(kind) or []
        if names:
            notes.append(
                describe(
                    key,
                    {
                        "count": len(names),
                        "what": describe(f"what_{kind}", {}),
                        "names": human_list(names, limit=6),
                    },
                )
            )
    return " ".join(notes)


class ImportWizard(QDialog):
    """The import wizard. ``entity`` preselects what is imported.

    Signals:
        imported(ImportResult): a real import finished and was written.
    """

    imported = Signal(object)

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        bus: ChangeBus,
        lang: str = "en",
        entity: str = "deals",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.user, self.bus, self.lang = db, user, bus, lang
        self.setWindowTitle(self.tr("Import"))
        self.setWindowIcon(icon("folder-open"))
        self.resize(980, 660)
        self.setMinimumSize(820, 560)
        self.path: Path | None = None
        self.sheets: list[str] = []
        self.table: Table | None = None
        self.field_combos: list[QComboBox] = []
        self.stage_combos: dict[str, QComboBox] = {}
        self.last_result: ImportResult | None = None  # the last dry run or import
        self.dry_result: ImportResult | None = None
        self.cancel_event = threading.Event()
        self.running: str | None = None  # "check" or "import" while a worker runs
        self._loaded_mapping: ImportMapping | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)  # after the pool: see reports/tab.py
        self._signals.progress.connect(self._on_progress)
        self._signals.done.connect(self._on_done)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_steps_bar())
        self.pages = QStackedWidget()
        for build in (
            self._build_file_page,
            self._build_preview_page,
            self._build_columns_page,
            self._build_check_page,
            self._build_import_page,
        ):
            page = build()
            page.setObjectName("page")
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self._build_buttons())
        index = self.entity_buttons.button(max(0, list(FIELDS).index(entity)))
        index.setChecked(True)
        self._go(0)

    # --- construction -------------------------------------------------------------------------
    def _build_steps_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("importSteps")
        bar.setStyleSheet(
            "QFrame#importSteps { background: palette(base); border-bottom: 1px solid #dee2e6; }"
        )
        row = QHBoxLayout(bar)
        row.setContentsMargins(20, 12, 20, 12)
        row.setSpacing(6)
        titles = (
            self.tr("File"),
            self.tr("Preview"),
            self.tr("Columns"),
            self.tr("Check"),
            self.tr("Import"),
        )
        self.step_labels: list[QLabel] = []
        for i, title in enumerate(titles):
            if i:
                arrow = QLabel("›")
                arrow.setStyleSheet("color: #adb5bd; font-size: 13pt;")
                row.addWidget(arrow)
            label = QLabel(f"{i + 1}  {title}")
            self.step_labels.append(label)
            row.addWidget(label)
        row.addStretch(1)
        return bar

    def _page(self, title: str, text: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        heading = QLabel(title)
        heading.setObjectName("viewTitle")
        layout.addWidget(heading)
        intro = QLabel(text)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #495057;")
        layout.addWidget(intro)
        return page, layout

    def _build_file_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("What do you want to import?"),
            self.tr(
                "Choose the kind of records and the file. crmdesk reads CSV files (any "
                "encoding, comma, semicolon or tab separated) and Excel workbooks (.xlsx). "
                "Nothing is written until the last step."
            ),
        )
        kinds = QGroupBox(self.tr("Records"))
        grid = QGridLayout(kinds)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(24)
        self.entity_buttons = QButtonGroup(self)
        labels = {
            "deals": (self.tr("Deals"), self.tr("Opportunities with their stage, owner and value")),
            "customers": (self.tr("Customers"), self.tr("Companies you sell to")),
            "contacts": (self.tr("Contacts"), self.tr("People at your customers")),
            "activities": (self.tr("Activities"), self.tr("Calls, meetings, tasks and notes")),
            "users": (self.tr("Users"), self.tr("Your sales team (admins only)")),
        }
        for i, entity in enumerate(FIELDS):
            title, hint = labels[entity]
            radio = QRadioButton(title)
            radio.setProperty("entity", entity)
            self.entity_buttons.addButton(radio, i)
            note = QLabel(hint)
            note.setStyleSheet("color: #868e96;")
            grid.addWidget(radio, i, 0)
            grid.addWidget(note, i, 1)
        grid.setColumnStretch(1, 1)
        self.entity_buttons.idToggled.connect(self._on_entity_toggled)
        layout.addWidget(kinds)

        form = QFormLayout()
        form.setContentsMargins(0, 6, 0, 0)
        form.setHorizontalSpacing(12)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Choose a .csv or .xlsx file…"))
        self.path_edit.editingFinished.connect(lambda: self.set_file(self.path_edit.text()))
        self.browse_button = QPushButton(icon("folder-open"), self.tr("Browse…"))
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._on_browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow(self.tr("File:"), row)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(240)
        self.sheet_label = QLabel(self.tr("Sheet:"))
        form.addRow(self.sheet_label, self.sheet_combo)
        self.sheet_combo.currentIndexChanged.connect(self._invalidate_table)
        layout.addLayout(form)
        self.file_message = QLabel()
        self.file_message.setWordWrap(True)
        layout.addWidget(self.file_message)
        self.permission_note = QLabel()
        self.permission_note.setWordWrap(True)
        self.permission_note.setStyleSheet(NOTICE_STYLE)
        layout.addWidget(self.permission_note)
        layout.addStretch(1)
        self._show_sheets([])
        return page

    def _build_preview_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("Preview"),
            self.tr(
                "The first rows of the file as crmdesk reads them. If the text looks garbled "
                "or everything is in one column, choose another encoding or delimiter."
            ),
        )
        row = QHBoxLayout()
        row.setSpacing(8)
        self.encoding_combo = QComboBox()
        self.encoding_combo.addItem(self.tr("Detect"), None)
        for name in ENCODINGS:
            self.encoding_combo.addItem(name.upper(), name)
        self.delimiter_combo = QComboBox()
        self.delimiter_combo.addItem(self.tr("Detect"), None)
        labels = (
            self.tr("Comma ( , )"),
            self.tr("Semicolon ( ; )"),
            self.tr("Tab"),
            self.tr("Bar ( | )"),
        )
        for char, label in zip(DELIMITERS, labels, strict=True):
            self.delimiter_combo.addItem(label, char)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1000)
        for text, widget in (
            (self.tr("Encoding:"), self.encoding_combo),
            (self.tr("Delimiter:"), self.delimiter_combo),
            (self.tr("Column names on line:"), self.header_spin),
        ):
            row.addWidget(QLabel(text))
            row.addWidget(widget)
            row.addSpacing(10)
        row.addStretch(1)
        layout.addLayout(row)
        self.encoding_combo.currentIndexChanged.connect(self._reload_preview)
        self.delimiter_combo.currentIndexChanged.connect(self._reload_preview)
        self.header_spin.valueChanged.connect(self._reload_preview)
        self.detected_label = QLabel()
        self.detected_label.setStyleSheet("color: #495057;")
        layout.addWidget(self.detected_label)
        self.preview_message = QLabel()
        self.preview_message.setWordWrap(True)
        self.preview_message.setStyleSheet(ERROR_STYLE)
        self.preview_message.hide()
        layout.addWidget(self.preview_message)
        self.preview_table = _table([])
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.preview_table, 1)
        return page

    def _build_columns_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("Match the columns"),
            self.tr(
                "Choose the crmdesk field each column goes into. crmdesk guessed from the "
                "column names (English or Chinese); fields marked * are required. Columns "
                "set to “Don’t import” are left out."
            ),
        )
        tools = QHBoxLayout()
        self.required_label = QLabel()
        self.required_label.setWordWrap(True)
        tools.addWidget(self.required_label, 1)
        self.load_button = QPushButton(self.tr("Load Mapping…"))
        self.save_button = QPushButton(self.tr("Save Mapping…"))
        for b in (self.load_button, self.save_button):
            b.setAutoDefault(False)
            tools.addWidget(b)
        self.load_button.clicked.connect(self._on_load_mapping)
        self.save_button.clicked.connect(self._on_save_mapping)
        layout.addLayout(tools)
        body = QHBoxLayout()
        body.setSpacing(14)
        self.columns_table = _table(
            [self.tr("Column in the file"), self.tr("Example"), self.tr("Import into")]
        )
        self.columns_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.columns_table.verticalHeader().setDefaultSectionSize(34)
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 170)
        header.resizeSection(2, 220)
        body.addWidget(self.columns_table, 3)

        side = QVBoxLayout()
        side.setSpacing(10)
        dates = QGroupBox(self.tr("Dates"))
        dates_form = QFormLayout(dates)
        self.date_combo = QComboBox()
        self.date_combo.addItem(self.tr("Automatic (2024-03-31)"), None)
        sample = datetime(2024, 3, 31)
        for fmt in DATE_FORMATS:
            self.date_combo.addItem(sample.strftime(fmt), fmt)
        dates_form.addRow(self.tr("Format:"), self.date_combo)
        side.addWidget(dates)
        self.stage_box = QGroupBox(self.tr("Stages"))
        stage_layout = QVBoxLayout(self.stage_box)
        hint = QLabel(self.tr("What each stage in the file means in crmdesk:"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #868e96;")
        stage_layout.addWidget(hint)
        self.stage_form = QFormLayout()
        stage_layout.addLayout(self.stage_form)
        side.addWidget(self.stage_box)
        self.create_box = QGroupBox(self.tr("Names crmdesk does not know yet"))
        create_layout = QVBoxLayout(self.create_box)
        self.create_checks: dict[str, QCheckBox] = {
            "customers": QCheckBox(self.tr("Add new customers")),
            "owners": QCheckBox(self.tr("Add new owners as users (admin only)")),
            "sources": QCheckBox(self.tr("Add new lead sources")),
            "lost_reasons": QCheckBox(self.tr("Add new lost reasons")),
        }
        for key, check in self.create_checks.items():
            check.setChecked(key in ("customers", "sources"))
            create_layout.addWidget(check)
        self.create_checks["owners"].setEnabled(self.user.role == Role.ADMIN)
        side.addWidget(self.create_box)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(300)
        body.addWidget(side_widget)
        layout.addLayout(body, 1)
        self.mapping_message = QLabel()
        self.mapping_message.setWordWrap(True)
        self.mapping_message.setStyleSheet(ERROR_STYLE)
        self.mapping_message.hide()
        layout.addWidget(self.mapping_message)
        return page

    def _build_check_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("Check"),
            self.tr(
                "A dry run: every row is checked against the database, and nothing is written."
            ),
        )
        self.check_status = QLabel()
        layout.addWidget(self.check_status)
        self.check_progress = QProgressBar()
        self.check_progress.setTextVisible(False)
        self.check_progress.setFixedHeight(8)
        layout.addWidget(self.check_progress)
        cards = QHBoxLayout()
        self.count_create = _Count(self.tr("to create"), "#2b8a3e")
        self.count_update = _Count(self.tr("to update"), "#1971c2")
        self.count_skip = _Count(self.tr("unchanged"), "#495057")
        self.count_bad = _Count(self.tr("with errors"), "#c92a2a")
        for card in (self.count_create, self.count_update, self.count_skip, self.count_bad):
            cards.addWidget(card)
        cards.addStretch(1)
        layout.addLayout(cards)
        self.new_records_label = QLabel()
        self.new_records_label.setWordWrap(True)
        self.new_records_label.setStyleSheet("color: #495057;")
        layout.addWidget(self.new_records_label)
        self.errors_table = _table([self.tr("Line"), self.tr("Column"), self.tr("Problem")])
        header = self.errors_table.horizontalHeader()
        header.resizeSection(0, 70)
        header.resizeSection(1, 160)
        header.setStretchLastSection(True)
        layout.addWidget(self.errors_table, 1)
        skip_row = QHBoxLayout()
        self.skip_check = QCheckBox(
            self.tr("Skip the rows with errors and write them to a rejects file:")
        )
        self.skip_check.toggled.connect(self._update_buttons)
        self.rejects_edit = QLineEdit()
        self.rejects_browse = QPushButton(self.tr("Browse…"))
        self.rejects_browse.setAutoDefault(False)
        self.rejects_browse.clicked.connect(self._on_browse_rejects)
        skip_row.addWidget(self.skip_check)
        skip_row.addWidget(self.rejects_edit, 1)
        skip_row.addWidget(self.rejects_browse)
        self.skip_widget = QWidget()
        self.skip_widget.setLayout(skip_row)
        skip_row.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.skip_widget)
        # Takes the room the errors table leaves when there are no errors (the table,
        # with its stretch factor, takes it otherwise).
        layout.addStretch(0)
        return page

    def _build_import_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("Import"),
            self.tr(
                "The rows are written in one go: if you cancel, or anything goes wrong, "
                "nothing is written."
            ),
        )
        layout.addSpacing(20)
        self.import_status = QLabel()
        self.import_status.setStyleSheet("font-size: 11pt;")
        layout.addWidget(self.import_status)
        self.import_progress = QProgressBar()
        self.import_progress.setFixedHeight(22)
        layout.addWidget(self.import_progress)
        self.import_summary = QLabel()
        self.import_summary.setWordWrap(True)
        self.import_summary.hide()
        layout.addWidget(self.import_summary)
        layout.addStretch(1)
        return page

    def _build_buttons(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("importButtons")
        bar.setStyleSheet("QFrame#importButtons { border-top: 1px solid #dee2e6; }")
        row = QHBoxLayout(bar)
        row.setContentsMargins(20, 10, 20, 12)
        self.back_button = QPushButton(icon("arrow-left"), self.tr("Back"))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setIcon(icon("arrow-right"))
        self.next_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        for b in (self.back_button, self.next_button, self.cancel_button):
            b.setMinimumWidth(100)
            b.setAutoDefault(False)
        self.next_button.setDefault(True)
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        row.addSpacing(12)
        row.addWidget(self.cancel_button)
        self.back_button.clicked.connect(lambda: self._go(self.step - 1))
        self.next_button.clicked.connect(self._on_next)
        self.cancel_button.clicked.connect(self._on_cancel)
        return bar

    # --- state ---------------------------------------------------------------------------------
    @property
    def step(self) -> int:
        return self.pages.currentIndex()

    @property
    def entity(self) -> str:
        button = self.entity_buttons.checkedButton()
        return str(button.property("entity")) if button is not None else "deals"

    def refusal(self) -> str | None:
        """Why this user may not import the chosen records (None: they may)."""
        if self.user.role == Role.REP:
            return self.tr(
                "Only a manager or an admin can import data. Ask one of them to import "
                "this file for you."
            )
        if self.entity == "users" and self.user.role != Role.ADMIN:
            return self.tr("Only an admin can import users.")
        return None

    def _go(self, step: int) -> None:
        step = max(0, min(step, len(STEPS) - 1))
        self.pages.setCurrentIndex(step)
        for i, label in enumerate(self.step_labels):
            if i == step:
                label.setStyleSheet("color: #1c7ed6; font-weight: 600;")
            elif i < step:
                label.setStyleSheet("color: #495057;")
            else:
                label.setStyleSheet("color: #adb5bd;")
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.step
        busy = self.running is not None
        self.back_button.setVisible(step < 4)
        self.back_button.setEnabled(step > 0 and not busy)
        can_go = not busy
        if step == 0:
            refusal = self.refusal()
            self.permission_note.setText(refusal or "")
            self.permission_note.setVisible(refusal is not None)
            can_go = refusal is None and self.path is not None
        elif step == 1:
            can_go = self.table is not None
        elif step == 2:
            can_go = self.table is not None and not self.missing_required()
        elif step == 3:
            r = self.dry_result
            can_go = (
                not busy
                and r is not None
                and (r.ok or (self.skip_check.isChecked() and bool(r.created or r.updated)))
            )
        labels = {3: self.tr("Import"), 4: self.tr("Close")}
        self.next_button.setText(labels.get(step, self.tr("Next")))
        self.next_button.setIcon(icon("arrow-right") if step < 3 else QIcon())
        if step == 4:
            can_go = not busy
            self.cancel_button.setVisible(busy)
            self.next_button.setVisible(not busy)
        else:
            self.cancel_button.setVisible(True)
            self.next_button.setVisible(True)
        self.next_button.setEnabled(can_go)
        # Disabled only while a cancelled run winds down; then it closes the wizard again.
        self.cancel_button.setEnabled(not (busy and self.cancel_event.is_set()))
        self.cancel_button.setText(self.tr("Cancel Import") if busy else self.tr("Cancel"))

    # --- step 1: the file ---------------------------------------------------------------------
    def _on_entity_toggled(self, _id: int, checked: bool) -> None:
        if not checked:
            return
        self._invalidate_table()
        for key, check in self.create_checks.items():
            check.setVisible(key in CREATABLE[self.entity])
        self.create_box.setVisible(bool(CREATABLE[self.entity]))
        self._update_buttons()

    def _on_browse(self) -> None:
        start = str(self.path.parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the File to Import"),
            start,
            self.tr("Spreadsheets (*.csv *.xlsx *.txt *.tsv);;All files (*)"),
        )
        if name:
            self.set_file(name)

    def set_file(self, name: str | Path) -> None:
        """Choose the file to import (the Browse… button and the path field)."""
        text = str(name).strip()
        self.path_edit.setText(text)
        self.file_message.clear()
        self.file_message.setStyleSheet("")
        path = Path(text) if text else None
        if path is not None and path == self.path:
            return
        self.path = None
        self._invalidate_table()
        sheets: list[str] = []
        if path is not None:
            if not path.is_file():
                self._file_error(self.tr("There is no file {path}.").format(path=path))
            else:
                try:
                    sheets = list_sheets(path)
                except (ImportFileError, OSError) as exc:
                    self._file_error(error_text(exc))
                else:
                    self.path = path
                    size = path.stat().st_size
                    kind = self.tr("Excel workbook") if sheets else self.tr("Text (CSV) file")
                    self.file_message.setText(
                        self.tr("{kind}, {size}.").format(kind=kind, size=_size(size))
                    )
                    self.file_message.setStyleSheet("color: #495057;")
                    self.rejects_edit.setText(str(path.with_name(f"{path.stem}-rejects.csv")))
        self._show_sheets(sheets)
        self._update_buttons()

    def _file_error(self, text: str) -> None:
        self.file_message.setText(text)
        self.file_message.setStyleSheet(ERROR_STYLE)

    def _show_sheets(self, sheets: list[str]) -> None:
        self.sheets = sheets
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(sheets)
        self.sheet_combo.blockSignals(False)
        several = len(sheets) > 1
        self.sheet_combo.setVisible(several)
        self.sheet_label.setVisible(several)

    def _invalidate_table(self) -> None:
        self.table = None
        self.dry_result = None

    # --- step 2: preview -----------------------------------------------------------------------
    def _read_options(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet_combo.currentText() if len(self.sheets) > 1 else None,
            "encoding": self.encoding_combo.currentData(),
            "delimiter": self.delimiter_combo.currentData(),
            "header_row": self.header_spin.value(),
        }

    def _reload_preview(self) -> None:
        if self.path is None:
            return
        old_headers = self.table.headers if self.table is not None else None
        self.table = None
        self.dry_result = None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.table = preview(self.path, rows=PREVIEW_ROWS, **self._read_options())
        except (ImportFileError, OSError) as exc:
            self.preview_message.setText(error_text(exc))
            self.preview_message.show()
            self.preview_table.setRowCount(0)
            self.preview_table.setColumnCount(0)
            self.detected_label.clear()
        else:
            self.preview_message.hide()
            self._fill_preview(self.table)
        finally:
            QApplication.restoreOverrideCursor()
        if self.table is not None and self.table.headers != old_headers:
            self._fill_columns()
        self._update_buttons()

    def _fill_preview(self, table: Table) -> None:
        info = table.info
        if info.kind == "xlsx":
            text = self.tr("Excel workbook, sheet “{sheet}”").format(sheet=info.sheet or "")
        else:
            names = {",": self.tr("comma"), ";": self.tr("semicolon"), "\t": self.tr("tab")}
            text = self.tr(
                "Read as {encoding}, {delimiter} separated, {ending} line endings"
            ).format(
                encoding=(info.encoding or "").upper(),
                delimiter=names.get(info.delimiter or "", repr(info.delimiter)),
                ending=info.line_ending or "LF",
            )
        more = "" if table.complete else self.tr(" · the first {n} rows").format(n=len(table.rows))
        self.detected_label.setText(
            self.tr("{how} · {columns} columns{more}").format(
                how=text, columns=len(table.headers), more=more
            )
        )
        t = self.preview_table
        t.clear()
        t.setColumnCount(len(table.headers) + 1)
        t.setHorizontalHeaderLabels([self.tr("Line"), *table.headers])
        t.setRowCount(len(table.rows))
        for r, row in enumerate(table.rows):
            line = _item(str(row.line))
            line.setForeground(Qt.GlobalColor.gray)
            t.setItem(r, 0, line)
            for c, cell in enumerate(row.cells[: len(table.headers)]):
                t.setItem(r, c + 1, _item(_cell(cell)))
        t.horizontalHeader().resizeSection(0, 50)
        t.resizeColumnsToContents()
        for c in range(1, t.columnCount()):
            t.setColumnWidth(c, min(max(t.columnWidth(c), 80), 260))

    # --- step 3: columns -------------------------------------------------------------------
    def field_label(self, name: str) -> str:
        labels = {
            "external_ref": self.tr("External ID"),
            "title": self.tr("Title"),
            "customer": self.tr("Customer"),
            "customer_ref": self.tr("Customer external ID"),
            "owner": self.tr("Owner"),
            "pipeline": self.tr("Pipeline"),
            "stage": self.tr("Stage"),
            "open_stage": self.tr("Last open stage"),
            "amount": self.tr("Amount"),
            "currency": self.tr("Currency"),
            "expected_close": self.tr("Expected close"),
            "source": self.tr("Lead source"),
            "created_at": self.tr("Created / first contact"),
            "closed_at": self.tr("Close date"),
            "lost_reason": self.tr("Lost reason"),
            "stage_at": self.tr("Stage date"),
            "notes": self.tr("Notes"),
            "company": self.tr("Company"),
            "industry": self.tr("Industry"),
            "phone": self.tr("Phone"),
            "email": self.tr("E-mail"),
            "website": self.tr("Website"),
            "address": self.tr("Address"),
            "name": self.tr("Name"),
            "kind": self.tr("Kind"),
            "subject": self.tr("Subject"),
            "deal_ref": self.tr("Deal external ID"),
            "due_at": self.tr("Due"),
            "done_at": self.tr("Done at"),
            "done": self.tr("Done"),
            "login": self.tr("Login"),
            "role": self.tr("Role"),
            "active": self.tr("Active"),
        }
        label = labels.get(name, name.replace("_", " ").capitalize())
        return label + " *" if name in REQUIRED[self.entity] else label

    def _fill_columns(self) -> None:
        """One row per file column, each combo set from the guessed (or loaded) mapping."""
        table = self.table
        if table is None:
            return
        specs = FIELDS[self.entity]
        if self._loaded_mapping is not None and self._loaded_mapping.entity == self.entity:
            chosen = {c: f[0] for c, f in self._loaded_mapping.columns.items()}
        else:
            guess = guess_mapping(list(table.headers), self.entity)
            chosen = {c: f[0] for c, f in guess.mapping.columns.items()}
        t = self.columns_table
        t.setRowCount(0)
        self.field_combos = []
        t.setRowCount(len(table.headers))
        for r, header in enumerate(table.headers):
            name = _item(header)
            font = name.font()
            font.setBold(True)
            name.setFont(font)
            t.setItem(r, 0, name)
            samples = [
                _cell(row.cells[r])
                for row in table.rows
                if r < len(row.cells) and _cell(row.cells[r]).strip()
            ]
            example = ", ".join(dict.fromkeys(samples[:4]))
            t.setItem(r, 1, _item(example, "\n".join(samples[:10])))
            combo = QComboBox()
            combo.addItem(self.tr("— Don’t import —"), None)
            for spec in specs:
                combo.addItem(self.field_label(spec.name), spec.name)
                help_text = _field_help(spec.description)  # i18n: dynamic (ImportFields)
                combo.setItemData(combo.count() - 1, help_text, Qt.ItemDataRole.ToolTipRole)
            field = chosen.get(header)
            combo.setCurrentIndex(max(0, combo.findData(field)) if field else 0)
            combo.currentIndexChanged.connect(lambda _i, r=r: self._on_field_changed(r))
            self.field_combos.append(combo)
            t.setCellWidget(r, 2, combo)
        self._fill_stage_values()
        self._guess_date_format()
        self._on_mapping_changed()

    def _on_field_changed(self, row: int) -> None:
        field = self.field_combos[row].currentData()
        if field is not None:  # a field comes from one column: free it elsewhere
            for r, combo in enumerate(self.field_combos):
                if r != row and combo.currentData() == field:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self._fill_stage_values()
        self._guess_date_format()
        self._on_mapping_changed()

    def chosen_columns(self) -> dict[str, str]:
        """File column → field, as the combos say."""
        if self.table is None:
            return {}
        return {
            header: combo.currentData()
            for header, combo in zip(self.table.headers, self.field_combos, strict=False)
            if combo.currentData() is not None
        }

    def missing_required(self) -> list[str]:
        mapped = set(self.chosen_columns().values())
        return [f for f in REQUIRED[self.entity] if f not in mapped]

    def _on_mapping_changed(self) -> None:
        self.dry_result = None
        missing = self.missing_required()
        if missing:
            names = ", ".join(self.field_label(f).removesuffix(" *") for f in missing)
            self.required_label.setText(
                self.tr("Required, but no column goes into it yet: {fields}").format(fields=names)
            )
            self.required_label.setStyleSheet(ERROR_STYLE)
        else:
            count = len(self.chosen_columns())
            self.required_label.setText(
                self.tr("{count} of {total} columns will be imported.").format(
                    count=count, total=len(self.field_combos)
                )
            )
            self.required_label.setStyleSheet(GOOD_STYLE)
        self.mapping_message.hide()
        self._update_buttons()

    def _stage_column(self) -> str | None:
        return next((c for c, f in self.chosen_columns().items() if f == "stage"), None)

    def _fill_stage_values(self) -> None:
        """A combo per stage value found in the file's stage column (file value → stage)."""
        previous = {v: c.currentData() for v, c in self.stage_combos.items()}
        while self.stage_form.rowCount():
            self.stage_form.removeRow(0)
        self.stage_combos = {}
        column = self._stage_column() if self.entity == "deals" else None
        self.stage_box.setVisible(column is not None)
        if column is None or self.path is None:
            return
        values = self._column_values(column)
        stages = self._stage_choices()
        loaded = {}
        if self._loaded_mapping is not None:
            loaded = self._loaded_mapping.values.get("stage", {})
        for value in values[:12]:
            combo = QComboBox()
            combo.addItem(self.tr("As written"), None)
            for key, label in stages:
                combo.addItem(label, key)
            want = previous.get(value) or loaded.get(value.casefold()) or _outcome_guess(value)
            if want is not None and combo.findData(want) >= 0:
                combo.setCurrentIndex(combo.findData(want))
            combo.currentIndexChanged.connect(lambda _i: self._on_mapping_changed())
            self.stage_combos[value] = combo
            self.stage_form.addRow(value, combo)

    def _column_values(self, column: str) -> list[str]:
        try:
            table = read_table(self.path, limit=VALUE_SCAN_ROWS, **self._read_options())  # type: ignore[arg-type]
        except (ImportFileError, OSError):
            table = self.table
        if table is None or column not in table.headers:
            return []
        i = table.headers.index(column)
        seen: dict[str, None] = {}
        for row in table.rows:
            if i < len(row.cells):
                text = _cell(row.cells[i]).strip()
                if text:
                    seen.setdefault(text, None)
        return list(seen)

    def _stage_choices(self) -> list[tuple[str, str]]:
        try:
            found = pipelines.list_pipelines(self.db)
        except Exception:  # the combos still offer won and lost
            found = []
        out: dict[str, str] = {}
        for p in found:
            for s in p.stages:
                out.setdefault(s.key, s.label(self.lang))
        out.setdefault("won", self.tr("Won"))
        out.setdefault("lost", self.tr("Lost"))
        return list(out.items())

    def _guess_date_format(self) -> None:
        """Pick the date format that reads every sample date of the file (ISO first)."""
        date_fields = {"created_at", "closed_at", "expected_close", "stage_at", "due_at", "done_at"}
        if self.table is None or self._loaded_mapping is not None:
            return
        samples: list[str] = []
        for r, header in enumerate(self.table.headers):
            if self.chosen_columns().get(header) in date_fields:
                samples += [
                    _cell(row.cells[r]).strip().split(" ")[0]
                    for row in self.table.rows
                    if r < len(row.cells) and _cell(row.cells[r]).strip()
                ]
        if not samples or all(_parses(s, ("%Y-%m-%d", "%Y/%m/%d")) for s in samples):
            self.date_combo.setCurrentIndex(0)
            return
        for i, fmt in enumerate(DATE_FORMATS):
            if all(_parses(s, (fmt,)) for s in samples):
                self.date_combo.setCurrentIndex(i + 1)
                return

    def build_mapping(self) -> ImportMapping:
        """The mapping the columns page describes; raises :class:`MappingError`."""
        entity = self.entity
        columns = self.chosen_columns()
        data: dict[str, Any] = {"entity": entity, "columns": columns}
        key_field = KEY_FIELDS.get(entity)
        key = next((c for c, f in columns.items() if f == key_field), None)
        if key is not None:
            data["key"] = key
        options = self._read_options()
        file_table = {k: v for k, v in options.items() if v is not None and k != "header_row"}
        if options["header_row"] != 1:
            file_table["header_row"] = options["header_row"]
        if file_table:
            data["file"] = file_table
        stage_map = {v: c.currentData() for v, c in self.stage_combos.items() if c.currentData()}
        if stage_map:
            data["values"] = {"stage": stage_map}
        loaded = self._loaded_mapping
        if loaded is not None and loaded.entity == entity:
            if loaded.templates:
                data["templates"] = {k: t.text for k, t in loaded.templates.items()}
            if loaded.defaults:
                data["defaults"] = dict(loaded.defaults)
            if loaded.time_zone:
                data["dates"] = {"time_zone": loaded.time_zone}
            if loaded.decimal != ".":
                data["numbers"] = {"decimal": loaded.decimal}
            if loaded.existing != "update":
                data["existing"] = loaded.existing
        fmt = self.date_combo.currentData()
        if fmt:
            data.setdefault("dates", {})["formats"] = [fmt]
        creatable = CREATABLE[entity]
        if creatable:
            data["create"] = {
                k: "create" if self.create_checks[k].isChecked() else "error" for k in creatable
            }
        return mapping_from_dict(data, entity)

    def _on_save_mapping(self) -> None:
        try:
            mapping = self.build_mapping()
        except MappingError as exc:
            self._mapping_error(error_text(exc))
            return
        start = str(self.path.with_suffix(".toml")) if self.path else ""
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the Mapping"), start, self.tr("Import mappings (*.toml)")
        )
        if name:
            try:
                save_mapping(mapping, name)
            except OSError as exc:
                self._mapping_error(
                    self.tr("The mapping cannot be saved: {reason}").format(
                        reason=exc.strerror or exc
                    )
                )

    def _on_load_mapping(self) -> None:
        start = str(self.path.parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Load a Mapping"), start, self.tr("Import mappings (*.toml)")
        )
        if name:
            self.load_mapping_file(name)

    def load_mapping_file(self, path: str | Path) -> bool:
        """Set the columns page from a saved TOML mapping."""
        try:
            mapping = load_mapping(path, self.entity)
        except MappingError as exc:
            self._mapping_error(error_text(exc))
            return False
        self._loaded_mapping = mapping
        missing = [
            c for c in mapping.needed_columns() if self.table and c not in self.table.headers
        ]
        self._fill_columns()
        fmt = mapping.date_formats[0] if mapping.date_formats else None
        index = self.date_combo.findData(fmt) if fmt else 0
        if index < 0:
            self.date_combo.addItem(fmt, fmt)
            index = self.date_combo.count() - 1
        self.date_combo.setCurrentIndex(index)
        for key, check in self.create_checks.items():
            if key in CREATABLE[self.entity]:
                check.setChecked(mapping.may_create(key))
        if missing:
            self._mapping_error(
                self.tr("The file has no column {columns}, which the mapping reads.").format(
                    columns=human_list(missing)
                )
            )
        return True

    def _mapping_error(self, text: str) -> None:
        self.mapping_message.setText(text)
        self.mapping_message.show()

    # --- steps 4 and 5: the dry run and the import ---------------------------------------------
    def _on_next(self) -> None:
        step = self.step
        if step == 0:
            if self.table is None:
                self._go(1)
                self._reload_preview()
            else:
                self._go(1)
        elif step == 1:
            if self.columns_table.rowCount() == 0 and self.table is not None:
                self._fill_columns()
            self._go(2)
        elif step == 2:
            try:
                self.mapping = self.build_mapping()
            except MappingError as exc:
                self._mapping_error(error_text(exc))
                return
            self._go(3)
            self.start_check()
        elif step == 3:
            self._go(4)
            self.start_import()
        else:
            self.accept()

    def _start(self, kind: str, **options: Any) -> None:
        """Run the import (``kind`` "import") or its dry run ("check") of the chosen file
        with the chosen mapping in a worker thread, with ``options`` for
        :func:`run_import`; Cancel sets ``cancel_event``."""
        mapping, path, entity, by = self.mapping, self.path, self.entity, self.user.id
        cancel = self.cancel_event = threading.Event()

        def work(progress: Callable[[str, int, int], None]) -> ImportResult:
            return run_import(
                self.db,
                entity,
                path,  # type: ignore[arg-type]
                mapping,  # type: ignore[arg-type]
                by=by,
                progress=progress,
                cancel=cancel,
                **options,
            )

        self.running = kind
        self._update_buttons()
        self._pool.start(_Job(work, self._signals))

    def start_check(self) -> None:
        """Run the dry run in a worker thread."""
        self.dry_result = None
        for card in (self.count_create, self.count_update, self.count_skip, self.count_bad):
            card.set(None)
        self.errors_table.setRowCount(0)
        self.new_records_label.clear()
        self.skip_widget.setVisible(False)
        self.check_status.setText(self.tr("Checking the rows…"))
        self.check_status.setStyleSheet("")
        self.check_progress.setRange(0, 0)
        self.check_progress.show()
        self._start("check", dry_run=True)

    def start_import(self) -> None:
        """Run the import in a worker thread."""
        self.import_summary.hide()
        self.import_status.setText(self.tr("Reading the file…"))
        self.import_progress.setRange(0, 0)
        self.import_progress.show()
        skip = self.skip_check.isChecked() and not (self.dry_result and self.dry_result.ok)
        rejects = self.rejects_edit.text().strip() or None if skip else None
        self._start("import", skip_bad_rows=skip, rejects_path=rejects)

    def _on_progress(self, phase: str, done: int, total: int) -> None:
        bar = self.check_progress if self.running == "check" else self.import_progress
        label = self.check_status if self.running == "check" else self.import_status
        if phase == "reading" or total <= 0:
            bar.setRange(0, 0)
            label.setText(self.tr("Reading the file…"))
            return
        bar.setRange(0, total)
        bar.setValue(done)
        if phase == "checking":
            text = self.tr("Checking row {done:,} of {total:,}…")
        else:
            text = self.tr("Writing row {done:,} of {total:,}…")
        label.setText(text.format(done=done, total=total))

    def _on_done(self, result: object) -> None:
        kind, self.running = self.running, None
        if kind == "check":
            self._check_done(result)
        else:
            self._import_done(result)
        self._update_buttons()

    def _refused_text(self, exc: BaseException) -> str:
        if isinstance(exc, PermissionDenied):
            return self.refusal() or self.tr("You may not import these records: {reason}").format(
                reason=error_message(exc)
            )
        return error_text(exc)

    def _check_done(self, result: object) -> None:
        self.check_progress.hide()
        if isinstance(result, BaseException):
            self.check_status.setText(self._refused_text(result))
            self.check_status.setStyleSheet(ERROR_STYLE)
            self.check_status.setWordWrap(True)
            return
        assert isinstance(result, ImportResult)
        if result.cancelled:
            self.check_status.setText(self.tr("The check was cancelled."))
            return
        self.dry_result = self.last_result = result
        self.count_create.set(len(result.created))
        self.count_update.set(len(result.updated))
        self.count_skip.set(len(result.skipped))
        self.count_bad.set(len(result.rejected))
        if result.ok:
            self.check_status.setText(
                self.tr("All {rows:,} rows can be imported. Nothing has been written yet.").format(
                    rows=result.rows
                )
            )
            self.check_status.setStyleSheet(GOOD_STYLE)
        else:
            self.check_status.setText(
                self.tr(
                    "{bad:,} of the {rows:,} rows have problems. Correct the file and check "
                    "again, or import the other rows and set the bad ones aside."
                ).format(bad=len(result.rejected), rows=result.rows)
            )
            self.check_status.setStyleSheet(ERROR_STYLE)
        self.check_status.setWordWrap(True)
        notes = _new_records_notes(result, "summary_would_add")
        self.new_records_label.setText(notes)
        self.new_records_label.setVisible(bool(notes))
        t = self.errors_table
        t.setRowCount(len(result.errors))
        for r, issue in enumerate(result.errors):
            column = issue.column or (self.field_label(issue.field) if issue.field else "")
            reason = issue_reason(issue)
            t.setItem(r, 0, _item(str(issue.line)))
            t.setItem(r, 1, _item(column))
            t.setItem(r, 2, _item(reason, reason))
        t.setVisible(bool(result.errors))
        self.skip_widget.setVisible(bool(result.errors))

    def _import_done(self, result: object) -> None:
        self.import_progress.hide()
        self.import_status.hide()
        self.import_summary.show()
        if isinstance(result, BaseException):
            self.import_summary.setText(self._refused_text(result))
            self.import_summary.setStyleSheet(ERROR_STYLE)
            return
        assert isinstance(result, ImportResult)
        self.last_result = result
        if result.cancelled:
            text = self.tr("The import was cancelled. Nothing was written.")
            style = NOTICE_STYLE
        elif not result.written:
            text = self.tr(
                "Nothing was imported: {bad:,} of the {rows:,} rows have errors. Go back "
                "to the check to see them."
            ).format(bad=len(result.rejected), rows=result.rows)
            style = ERROR_STYLE
        else:
            text = self.tr(
                "Imported {file}: {created:,} created, {updated:,} updated, {skipped:,} "
                "left as they were."
            ).format(
                file=result.file.path.name,
                created=len(result.created),
                updated=len(result.updated),
                skipped=len(result.skipped),
            )
            if result.rejected:
                text += " " + self.tr("{bad:,} rows with errors were left out").format(
                    bad=len(result.rejected)
                )
                text += (
                    self.tr(" and written to {path}.").format(path=result.rejects_path)
                    if result.rejects_path
                    else "."
                )
            if notes := _new_records_notes(result, "summary_added"):
                text += "\n\n" + notes
            style = GOOD_STYLE
            self.bus.publish(result.changes)
            self.imported.emit(result)
        self.import_summary.setText(text)
        self.import_summary.setStyleSheet(style + " QLabel { font-size: 11pt; padding: 12px; }")

    def _on_browse_rejects(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Rejects File"),
            self.rejects_edit.text(),
            self.tr("CSV files (*.csv);;Excel workbooks (*.xlsx)"),
        )
        if name:
            self.rejects_edit.setText(name)
            self.skip_check.setChecked(True)

    # --- cancel and close ----------------------------------------------------------------------
    def _on_cancel(self) -> None:
        if self.running is not None:
            self.cancel_event.set()
            self.cancel_button.setEnabled(False)
            status = self.check_status if self.running == "check" else self.import_status
            status.setText(self.tr("Cancelling… nothing will be written."))
            return
        self.reject()

    def reject(self) -> None:
        if self.running is not None:  # Esc or the close box while a worker runs
            self.cancel_event.set()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running is not None:
            self.cancel_event.set()
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, code: int) -> None:
        self._pool.waitForDone()
        super().done(code)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != datetime.min.time()
            else (value.strftime("%Y-%m-%d"))
        )
    return str(value)


def _size(size: int) -> str:
    if size < 1024:
        return QCoreApplication.translate("ImportWizard", "{n} bytes").format(n=size)
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _parses(text: str, formats: tuple[str, ...]) -> bool:
    for fmt in formats:
        try:
            datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


def _outcome_guess(value: str) -> str | None:
    v = value.casefold()
    if any(w in v for w in ("won", "win", "赢", "成交", "签约")):
        return "won"
    if any(w in v for w in ("lost", "lose", "输", "丢", "失败")):
        return "lost"
    return None
