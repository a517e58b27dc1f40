"""The reports tab: period and filters, KPI cards with the change from the previous
period, and one page (chart + sortable table) per report.

The figures are loaded in a worker thread (``load_report_data``), so switching a
report, the period or a filter never blocks the window; a busy bar shows while a
load runs, and a newer request makes an older result be dropped. A change on the
bus reloads the tab (debounced) while it is visible, or when it is next shown.
"""

from __future__ import annotations

import time as _time
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import Change, Role, UserInfo
from crmdesk.domain.csvsafe import write_csv
from crmdesk.domain.drill import DrillSpec
from crmdesk.domain.periods import preset_range
from crmdesk.domain.reports import Kpis, MetricsFilter
from crmdesk.services import lists, pipelines, users
from crmdesk.services.settings import get_setting
from crmdesk.ui import format as fmt
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.lazy_view import LazyView
from crmdesk.ui.reports import charts, printing, tables
from crmdesk.ui.reports.data import (
    PAGE_REPORTS,
    FirstPart,
    ReportData,
    load_report_data,
    monthly_target,
)
from crmdesk.ui.table_model import ROW_ROLE, RowsModel

#: The pages, in tab order: (key, chart class).
PAGES = (
    ("funnel", charts.FunnelChart),
    ("stages", charts.StageChart),
    ("forecast", charts.ForecastChart),
    ("targets", charts.TargetsChart),
    ("performance", charts.PerformanceChart),
    ("new_customers", charts.NewCustomersChart),
    ("activity", charts.ActivityChart),
)
CACHE_SIZE = 12
CACHE_SECONDS = 300
#: Loaded in the background after a load, so the usual periods switch at once.
PREFETCH = ("this_month", "this_quarter", "this_year", "last_month", "last_quarter")
PRESETS = (
    "this_month",
    "this_quarter",
    "this_year",
    "last_month",
    "last_quarter",
    "last_year",
    "all",
    "custom",
)


class _Signals(QObject):
    first = Signal(int, object)  # generation, FirstPart
    done = Signal(int, object)  # generation, ReportData or Exception


class _Load(QRunnable):
    """Loads a filter's figures in a worker thread. With ``first_page`` the KPI cards and
    that page come first (signal ``first``), the rest after (``done``)."""

    def __init__(
        self,
        db: Database,
        f: MetricsFilter,
        generation: int,
        signals: _Signals,
        first_page: str | None = None,
        viewer: UserInfo | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__()
        self.db, self.f, self.generation, self.signals = db, f, generation, signals
        self.first_page = first_page
        self.viewer = viewer
        self.lang = lang

    def run(self) -> None:
        def on_first(part: FirstPart) -> None:
            self.signals.first.emit(self.generation, part)

        try:
            if self.first_page is None:
                result: Any = load_report_data(self.db, self.f, viewer=self.viewer, lang=self.lang)
            else:
                result = load_report_data(
                    self.db,
                    self.f,
                    first_page=self.first_page,
                    on_first=on_first,
                    viewer=self.viewer,
                    lang=self.lang,
                )
        except Exception as exc:  # shown in the tab, never lost in the thread
            result = exc
        self.signals.done.emit(self.generation, result)


class KpiCard(QFrame):
    """A figure, its caption, and the change from the previous period (▲/▼ with the
    delta, green when the change is good)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setObjectName("kpiCaption")
        self.value = QLabel("–")
        self.value.setObjectName("kpiValue")
        self.delta = QLabel("")
        self.delta.setObjectName("kpiDelta")
        for w in (self.caption, self.value, self.delta):
            w.setWordWrap(w is not self.value)  # the figure on one line
            layout.addWidget(w)
        layout.addStretch(1)
        # The figure never forces the card wider: it is drawn smaller instead (_fit).
        self.value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Room for a caption and a change of two lines each: a grid row does not grow
        # with word-wrapped labels by itself, and the text would be cut off.
        self.setMinimumHeight(self._lines_height())

    VALUE_POINTS = (13.0, 12.0, 11.0, 10.0, 9.0)

    def _fit(self) -> None:
        """The largest of VALUE_POINTS at which the figure fits the card's width."""
        room = self.contentsRect().width() - 24
        self.value.ensurePolished()
        font = QFont(self.value.font())
        chosen = self.VALUE_POINTS[-1]
        for points in self.VALUE_POINTS:
            font.setPointSizeF(points)
            if QFontMetrics(font).horizontalAdvance(self.value.text()) <= room:
                chosen = points
                break
        style = "" if chosen == self.VALUE_POINTS[0] else f"font-size: {chosen:g}pt;"
        if self.value.styleSheet() != style:
            self.value.setStyleSheet(style)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _lines_height(self) -> int:
        def line(label: QLabel) -> int:
            label.ensurePolished()
            return label.fontMetrics().lineSpacing()

        margins = self.layout().contentsMargins()
        spacing = self.layout().spacing()
        return (
            2 * line(self.caption)
            + line(self.value)
            + 2 * line(self.delta)
            + margins.top()
            + margins.bottom()
            + 3 * spacing
            + 4
        )

    def set(self, value: str, delta: str = "", good: bool | None = None) -> None:
        self.value.setText(value)
        self._fit()
        self.delta.setText(delta)
        color = {True: "#2f9e44", False: "#e03131", None: "#868e96"}[good]
        self.delta.setStyleSheet(f"color: {color};")


class ReportPage(QWidget):
    """A chart beside its table; a splitter lets the user give either more room."""

    def __init__(self, chart: charts.ReportChart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.model: RowsModel[tables.Line] = RowsModel([])
        self.table = _table(self.model)
        self.extra: dict[str, tuple[QTableView, RowsModel[tables.Line]]] = {}
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(chart)
        self.side = QTabWidget()
        self.side.setDocumentMode(True)
        self.side.addTab(self.table, self.tr("Figures"))
        self.side.tabBar().setVisible(False)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 3)
        # A fair first share for the table (the splitter starts from the size hints).
        self.splitter.setSizes([4000, 3000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.splitter, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_chart_button = QPushButton(self.tr("Save chart…"))
        self.save_chart_button.setToolTip(self.tr("Save the chart as a PNG picture or SVG drawing"))
        self.save_table_button = QPushButton(self.tr("Save table as CSV…"))
        self.save_chart_button.clicked.connect(self._on_save_chart)
        self.save_table_button.clicked.connect(self._on_save_table)
        buttons.addWidget(self.save_chart_button)
        buttons.addWidget(self.save_table_button)
        layout.addLayout(buttons)

    def current_model(self) -> RowsModel[tables.Line]:
        view = self.side.currentWidget()
        return view.model() if isinstance(view, QTableView) else self.model  # type: ignore[return-value]

    def _on_save_chart(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save chart"),
            "chart.png",
            self.tr("PNG picture (*.png);;SVG drawing (*.svg)"),
        )
        if path:
            save_chart(self.chart, path)

    def _on_save_table(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save table"), "table.csv", self.tr("CSV table (*.csv)")
        )
        if path:
            # UTF-8 with a byte-order mark: spreadsheet programs then read Chinese right.
            Path(path).write_text(table_csv(self.current_model()), encoding="utf-8-sig")

    def add_table(self, key: str, title: str) -> tuple[QTableView, RowsModel[tables.Line]]:
        model: RowsModel[tables.Line] = RowsModel([])
        view = _table(model)
        self.side.addTab(view, title)
        self.side.tabBar().setVisible(True)
        self.extra[key] = (view, model)
        return view, model


def save_chart(chart: charts.ReportChart, path: str) -> None:
    """The chart as a PNG (twice the screen resolution) or, for ``.svg``, an SVG drawn by
    Qt's own SVG generator (pyqtgraph's SVG exporter fails on Qt 6 paths)."""
    from pyqtgraph.exporters import ImageExporter
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    item = chart.getPlotItem()
    if path.lower().endswith(".svg"):
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(chart.size())
        generator.setViewBox(QRect(0, 0, chart.width(), chart.height()))
        generator.setTitle(chart.getPlotItem().titleLabel.text or "crmdesk chart")
        painter = QPainter(generator)
        chart.render(painter)
        painter.end()
    else:
        exporter = ImageExporter(item)
        exporter.parameters()["width"] = max(int(chart.width() * 2), 1200)
        exporter.export(path)


def table_csv(model: RowsModel[tables.Line]) -> str:
    """The table in its current order as CSV, with plain values a spreadsheet can count
    with (amounts as numbers, rates as fractions, dates as YYYY-MM-DD); a text cell that
    looks like a formula is escaped so a spreadsheet shows it as text."""
    header = [c.title for c in model.columns]
    rows = [[tables.plain(c.key(line)) for c in model.columns] for line in model.rows]
    return write_csv(rows, header)


def _table(model: RowsModel[tables.Line]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    model.view = view  # type: ignore[attr-defined]  # set_table clears its sort mark
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Size the columns from the first rows only: measuring thousands is slow.
    view.horizontalHeader().setResizeContentsPrecision(60)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


def set_table(model: RowsModel[tables.Line], built: tuple[list[Any], list[tables.Line]]) -> None:
    """New columns and rows, in the report's own order (no sort column shown)."""
    cols, lines = built
    model.beginResetModel()
    model.columns = list(cols)
    model.rows = list(lines)
    model._sort = None  # a new layout: the old sort column may not exist
    model.endResetModel()
    view = getattr(model, "view", None)
    if view is not None:
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)


class ReportsTab(LazyView):
    """Signals:
    drill_requested(MetricsFilter, DrillSpec): show the deals behind a number.
    open_requested(int): open this deal.
    loaded(ReportData): a load finished and is on screen (tests, status bar).
    """

    RELOAD_ON = (
        Change.DEALS
        | Change.TRANSITIONS
        | Change.ACTIVITIES
        | Change.CUSTOMERS
        | Change.STAGES
        | Change.USERS
        | Change.TARGETS
        | Change.LISTS
        | Change.SETTINGS
    )

    drill_requested = Signal(object, object)
    open_requested = Signal(int)
    loaded = Signal(object)

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        bus: ChangeBus,
        lang: str,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(bus, parent)
        self.setObjectName("page")
        self.db, self.user, self.lang = db, user, lang
        self._today = today
        self.data: ReportData | None = None
        #: What the cards and pages show: ``data``, or the first part of the next load.
        self._view: ReportData | FirstPart | None = None
        self.error: str | None = None
        self._generation = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Prefetches run on a thread of their own: a load the user asks for never waits
        # behind one.
        self._background = QThreadPool(self)
        self._background.setMaxThreadCount(1)
        # Made after the pools: children go in the order they came, so the pools (which
        # wait for their threads) go before the object those threads signal through.
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._signals.first.connect(self._on_first)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        # The figures of the last few filters, until the data changes: going back to a
        # period or person seen a moment ago shows at once.
        self._cache: dict[MetricsFilter, ReportData] = {}
        self._prefetching: set[MetricsFilter] = set()
        self._data_version = 1
        self._debounce.timeout.connect(self.reload)
        self.currency = get_setting(db, "currency", "USD") or "USD"
        # One wording for screen and paper.
        self.metric_names = fmt.target_metric_names()
        self.kind_names = printing.kind_names()
        self._build()

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel(self.tr("Reports"))
        title.setObjectName("viewTitle")
        top.addWidget(title)
        top.addSpacing(16)
        self.period = QComboBox()
        labels = {
            "this_month": self.tr("This month"),
            "this_quarter": self.tr("This quarter"),
            "this_year": self.tr("This year"),
            "last_month": self.tr("Last month"),
            "last_quarter": self.tr("Last quarter"),
            "last_year": self.tr("Last year"),
            "all": self.tr("All time"),
            "custom": self.tr("Custom…"),
        }
        for key in PRESETS:
            self.period.addItem(labels[key], key)
        self.period.setCurrentIndex(PRESETS.index("this_quarter"))
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.owner = QComboBox()
        self.pipeline = QComboBox()
        self.source = QComboBox()
        top.addWidget(QLabel(self.tr("Period")))
        top.addWidget(self.period)
        top.addWidget(self.date_from)
        self.dash = QLabel("–")
        top.addWidget(self.dash)
        top.addWidget(self.date_to)
        top.addStretch(1)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(90)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        top.addWidget(self.busy)
        self.status = QLabel("")
        self.status.setObjectName("reportStatus")
        top.addWidget(self.status)
        self.print_button = QPushButton(self.tr("Print…"))
        menu = QMenu(self.print_button)
        menu.addAction(self.tr("Print this report…"), lambda: self.print_pack(current_only=True))
        menu.addAction(self.tr("Print the whole pack…"), lambda: self.print_pack())
        menu.addSeparator()
        menu.addAction(
            self.tr("Print preview of this report…"), lambda: self.preview_pack(current_only=True)
        )
        menu.addAction(self.tr("Print preview of the pack…"), lambda: self.preview_pack())
        self.print_button.setMenu(menu)
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.pdf_button.clicked.connect(self.export_pack_pdf)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        root.addLayout(top)
        second = QHBoxLayout()
        second.setSpacing(6)
        for caption, combo in (
            (self.tr("Who"), self.owner),
            (self.tr("Pipeline"), self.pipeline),
            (self.tr("Source"), self.source),
        ):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            second.addWidget(QLabel(caption))
            second.addWidget(combo)
            second.addSpacing(10)
        second.addStretch(1)
        root.addLayout(second)

        grid = QGridLayout()
        grid.setSpacing(8)
        captions = {
            "close_rate": self.tr("Close rate"),
            "lead_conversion": self.tr("Lead conversion"),
            "cycle": self.tr("Sales cycle (avg / median)"),
            "response": self.tr("Median response time"),
            "won_vs_target": self.tr("Won against target"),
            "new_customers": self.tr("New customers"),
            "weighted_pipeline": self.tr("Weighted pipeline"),
            "won_amount": self.tr("Won amount"),
        }
        self.cards = {key: KpiCard(text) for key, text in captions.items()}
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, 0, i)
            grid.setColumnStretch(i, 1)
        root.addLayout(grid)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        titles = {
            "funnel": self.tr("Funnel"),
            "stages": self.tr("Stage efficiency"),
            "forecast": self.tr("Forecast"),
            "targets": self.tr("Targets"),
            "performance": self.tr("Performance"),
            "new_customers": self.tr("New customers"),
            "activity": self.tr("Activity"),
        }
        self.page_titles = titles
        self.pages: dict[str, ReportPage] = {}
        for key, cls in PAGES:
            page = ReportPage(cls())
            page.chart.bar_clicked.connect(self._on_chart_clicked)
            page.table.activated.connect(lambda index, p=page: self._on_row_activated(p, index))
            self.pages[key] = page
            self.tabs.addTab(page, titles[key])
        self.overdue_view, self.overdue_model = self.pages["activity"].add_table(
            "overdue", self.tr("Overdue tasks")
        )
        self.rotting_view, self.rotting_model = self.pages["activity"].add_table(
            "rotting", self.tr("Rotting deals")
        )
        for view in (self.overdue_view, self.rotting_view):
            view.activated.connect(lambda index, v=view: self._on_extra_activated(v, index))
        root.addWidget(self.tabs, 1)
        self._pending: list[str] = []
        #: (filter, page) drawn from the first part of the load on its way.
        self._drawn_early: tuple[MetricsFilter, str] | None = None
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self._fill_filters()
        self._on_period_changed()
        self.period.currentIndexChanged.connect(self._on_period_changed)
        for w in (self.owner, self.pipeline, self.source):
            w.currentIndexChanged.connect(self._schedule_now)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._on_dates_edited)

    def _fill_filters(self) -> None:
        """Fill the people, pipeline and source pickers, keeping what each shows when it
        is still there; the pipeline starts on the default one. Called again when the bus
        reports new users, pipelines or sources."""
        combos = (self.owner, self.pipeline, self.source)
        kept = [combo.currentData() if combo.count() else None for combo in combos]
        for combo in combos:
            combo.blockSignals(True)
            combo.clear()
        self.owner.addItem(self.tr("Whole team"), None)
        for u in users.list_users(self.db):
            # A rep sees reports for themselves and the team's totals only.
            if self.user.role != Role.REP or u.id == self.user.id:
                self.owner.addItem(u.name, u.id)
        found = pipelines.list_pipelines(self.db, include_inactive=True)
        # The active pipelines, then the archived ones, whose past the reports still show.
        for p in sorted(found, key=lambda p: not p.active):
            label = p.label(self.lang)
            if not p.active:
                label = self.tr("{name} (archived)").format(name=label)
            self.pipeline.addItem(label, p.id)
        self.source.addItem(self.tr("All sources"), None)
        for item in lists.list_items(self.db, "sources"):
            self.source.addItem(
                item.label(self.lang) if hasattr(item, "label") else item.name, item.id
            )
        default = next((p.id for p in found if p.is_default), None)
        for combo, keep in zip(combos, kept, strict=True):
            index = combo.findData(keep) if keep is not None else -1
            if index < 0 and combo is self.pipeline:
                index = combo.findData(default)
            combo.setCurrentIndex(max(index, 0))
        for combo in combos:
            combo.blockSignals(False)

    # --- the filter -----------------------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def current_filter(self, preset: str | None = None) -> MetricsFilter:
        """The filter on screen; with ``preset``, the same people, pipeline and source
        over that preset period instead."""
        key = preset or self.period.currentData()
        if key == "custom":
            frm = self.date_from.date().toPython()
            last = max(self.date_to.date().toPython(), frm)  # never an empty period
            to = date.fromordinal(last.toordinal() + 1)
        else:
            frm, to = preset_range(key, self.today())
        owner = self.owner.currentData()
        return MetricsFilter(
            period_from=frm,
            period_to=to,
            owner_ids=(owner,) if owner is not None else None,
            pipeline_id=self.pipeline.currentData(),
            source_id=self.source.currentData(),
            # A fixed "today" (tests, scripts) fixes the clock of every figure too.
            now=datetime.combine(self._today, time(12), tzinfo=UTC) if self._today else None,
        )

    def set_period(self, key: str, frm: date | None = None, to: date | None = None) -> None:
        """Choose a preset (or ``custom`` with inclusive dates), as the user would."""
        if key == "custom" and frm is not None and to is not None:
            self.date_from.blockSignals(True)
            self.date_to.blockSignals(True)
            self.date_from.setDate(QDate(frm.year, frm.month, frm.day))
            self.date_to.setDate(QDate(to.year, to.month, to.day))
            self.date_from.blockSignals(False)
            self.date_to.blockSignals(False)
        self.period.setCurrentIndex(PRESETS.index(key))
        self._schedule_now()

    def _on_period_changed(self) -> None:
        key = self.period.currentData()
        custom = key == "custom"
        for w in (self.date_from, self.date_to, self.dash):
            w.setVisible(True)
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom:
            frm, to = preset_range(key, self.today())
            for edit, d in (
                (self.date_from, frm),
                (self.date_to, date.fromordinal(to.toordinal() - 1) if to else None),
            ):
                edit.blockSignals(True)
                if d is None:
                    d = self.today()
                edit.setDate(QDate(d.year, d.month, d.day))
                edit.blockSignals(False)
            if key == "all":
                self.date_from.setVisible(False)
                self.date_to.setVisible(False)
                self.dash.setVisible(False)
        self._schedule_now()

    def _on_dates_edited(self) -> None:
        if self.period.currentData() != "custom":
            return
        if self.date_to.date() < self.date_from.date():
            # The end moves with the start: a period is at least one day, and shown so.
            self.date_to.blockSignals(True)
            self.date_to.setDate(self.date_from.date())
            self.date_to.blockSignals(False)
        self._schedule()

    def _schedule_now(self, *_args: Any) -> None:
        """A pick from a list: load on the next turn of the event loop (picks made in one
        go, as by a script, still load once)."""
        self._schedule(after_ms=0)

    def _schedule(self, *_args: Any, after_ms: int = 40) -> None:
        """Load soon: shortly after the user picks something (a burst of picks loads
        once), a little later after a write (a drag of many cards loads once)."""
        if self.isVisible():
            self._debounce.start(after_ms)
        else:
            self._stale = True

    def _on_bus_changed(self, changes: Any) -> None:
        # The pickers and the currency follow at once, even while the tab is hidden.
        if changes.touches(Change.STAGES | Change.USERS | Change.LISTS):
            self._fill_filters()
        if changes.touches(Change.SETTINGS):
            self.currency = get_setting(self.db, "currency", "USD") or "USD"
        # Several writes in a row (a drag of many cards) load once.
        if changes.touches(self.RELOAD_ON):
            self._cache.clear()
            self._prefetching.clear()
            self._data_version += 1
            self._schedule(after_ms=250)

    # --- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the current filter's figures: from the cache when they were loaded since
        the data last changed, else loaded in the worker thread."""
        self._generation += 1
        self._drawn_early = None
        f = self.current_filter()
        cached = self._cache.get(f) if f.now is not None or self._cache_fresh(f) else None
        if cached is not None:
            self.busy.setVisible(False)
            self.status.setText("")
            self.show_data(cached, all_now=False)
            return
        self.busy.setVisible(True)
        self.status.setText(self.tr("Updating…"))
        page = PAGES[self.tabs.currentIndex()][0]
        self._pool.start(
            _Load(
                self.db,
                f,
                self._generation,
                self._signals,
                first_page=page,
                viewer=self.user,
                lang=self.lang,
            )
        )

    def _cache_fresh(self, f: MetricsFilter) -> bool:
        """Figures on the live clock keep for a few minutes (rotting and overdue move with
        time even when no one writes)."""
        data = self._cache.get(f)
        return data is not None and _time.monotonic() - data.loaded_at < CACHE_SECONDS

    def load_now(self) -> None:
        """Load and show the current filter in this thread, dropping any load on its way
        (screenshots and scripts; the window itself always loads in the worker)."""
        self._debounce.stop()
        self._generation += 1
        self._drawn_early = None
        self.busy.setVisible(False)
        self.status.setText("")
        self._stale = False
        self.show_data(
            load_report_data(self.db, self.current_filter(), viewer=self.user, lang=self.lang)
        )

    def wait_loaded(self, timeout_ms: int = 30_000) -> bool:
        """Block until the running load is done (tests and the printing path)."""
        return self._pool.waitForDone(timeout_ms)

    def _on_done(self, generation: int, result: object) -> None:
        if generation < 0:  # a prefetch: keep it if the data has not changed since
            if isinstance(result, ReportData):
                self._prefetching.discard(result.filter)
                if -generation == self._data_version:
                    self._remember(result)
            return
        if generation != self._generation:
            return  # a newer request is on its way
        self.busy.setVisible(False)
        if isinstance(result, Exception):
            self.error = str(result)
            self.status.setText(
                self.tr("Could not load the reports: {error}").format(error=str(result))
            )
            return
        assert isinstance(result, ReportData)
        self._remember(result)
        self.error = None
        self.status.setText("")
        self.show_data(result, all_now=False)
        self._prefetch()

    def _on_first(self, generation: int, part: object) -> None:
        """The KPI cards and the page on screen, before the other pages are computed."""
        if generation != self._generation or not isinstance(part, FirstPart):
            return
        self._view = part
        self._pending = []  # the other pages wait for the whole load
        self._show_kpis(part.kpis, part)
        current = PAGES[self.tabs.currentIndex()][0]
        if all(name in part.ready for name in PAGE_REPORTS[current]):
            self._render_page(current)
            self._drawn_early = (part.filter, current)

    def _remember(self, data: ReportData) -> None:
        self._cache[data.filter] = data
        while len(self._cache) > CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))

    def _prefetch(self) -> None:
        """Load the other preset periods (same people, pipeline and source) in the worker,
        behind any load the user asks for, so picking one of them shows at once."""
        for key in PREFETCH:
            f = self.current_filter(key)
            if f not in self._cache and f not in self._prefetching:
                self._prefetching.add(f)
                self._background.start(
                    _Load(
                        self.db,
                        f,
                        -self._data_version,
                        self._signals,
                        viewer=self.user,
                        lang=self.lang,
                    )
                )

    def show_data(self, data: ReportData, *, all_now: bool = True) -> None:
        """Put ``data`` on the cards and pages. With ``all_now=False`` (a load from the
        worker) the page on screen is drawn first and the others one per turn of the
        event loop, so the window never waits for all seven at once; ``loaded`` is emitted
        when the last one is drawn."""
        self.data = data
        early = self._drawn_early
        self._drawn_early = None
        self._view = data
        self._show_kpis(data.reports.kpis, data)
        current = PAGES[self.tabs.currentIndex()][0]
        self._pending = [current] + [key for key, _ in PAGES if key != current]
        if early is not None and early[0] == data.filter and not all_now:
            # Drawn from the first part of this load: the very same figures.
            self._pending = [key for key in self._pending if key != early[1]]
            QTimer.singleShot(0, self, self._render_next)
            return
        if all_now:
            while self._pending:
                self._render_page(self._pending.pop(0))
            return
        self._render_page(self._pending.pop(0))
        QTimer.singleShot(0, self, self._render_next)

    def _render_next(self) -> None:
        if not self._pending or self.data is None or self._view is not self.data:
            return
        self._render_page(self._pending.pop(0))
        if self._pending:
            QTimer.singleShot(0, self, self._render_next)
        else:
            self.loaded.emit(self.data)

    def _on_tab_changed(self, index: int) -> None:
        key = PAGES[index][0]
        view = self._view
        if isinstance(view, FirstPart):
            # Between the first part and the whole load: a page already computed shows.
            if all(name in view.ready for name in PAGE_REPORTS[key]):
                self._render_page(key)
            return
        if key in self._pending:
            self._pending.remove(key)
            self._render_page(key)
            if not self._pending and self.data is not None:
                self.loaded.emit(self.data)

    def _render_page(self, key: str) -> None:
        data = self._view
        assert data is not None
        r = _Reports(data)
        c = self.currency
        page = self.pages[key]
        if key == "funnel":
            person = None
            if data.filter.owner_ids is not None and data.team_funnel is not None:
                person = next(
                    (p for p in data.team_funnel.people if p.owner_id == data.filter.owner_ids[0]),
                    None,
                )
            if person is not None and data.team_funnel is not None:
                page.chart.show_report(data.team_funnel, person)
            else:
                page.chart.show_report(r.funnel, team_bottleneck=r.stages.bottleneck_stage_id)
            set_table(page.model, tables.funnel_table(r.funnel))
        elif key == "stages":
            page.chart.show_report(r.stages)
            set_table(page.model, tables.stage_table(r.stages))
        elif key == "forecast":
            page.chart.show_report(r.forecast, monthly_target(r.targets, data.filter))
            set_table(page.model, tables.forecast_table(r.forecast, c))
        elif key == "targets":
            page.chart.show_report(r.targets, self.metric_names, self.today())
            set_table(page.model, tables.targets_table(r.targets, c, self.metric_names))
        elif key == "performance":
            page.chart.show_report(r.performance)
            set_table(page.model, tables.performance_table(r.performance, c))
        elif key == "new_customers":
            page.chart.show_report(r.new_customers)
            set_table(page.model, tables.new_customers_table(r.new_customers, c))
        elif key == "activity":
            page.chart.show_report(r.activity, self.kind_names)
            set_table(page.model, tables.activity_table(r.activity, self.kind_names))
            set_table(self.overdue_model, tables.overdue_table(r.activity.overdue, self.kind_names))
            set_table(self.rotting_model, tables.rotting_table(r.activity.rotting, c))

    def _show_kpis(self, k: Kpis, data: ReportData | FirstPart) -> None:
        p = data.previous
        c = self.currency

        def delta_rate(
            now: float | None, before: float | None, higher_is_good: bool = True
        ) -> tuple[str, bool | None]:
            if now is None or before is None:
                return "", None
            d = (now - before) * 100
            if abs(d) < 0.05:
                return self.tr("= same as before"), None
            arrow = "▲" if d > 0 else "▼"
            return (
                self.tr("{arrow} {delta} pts vs previous").format(
                    arrow=arrow, delta=f"{abs(d):.1f}"
                ),
                (d > 0) == higher_is_good,
            )

        def delta_num(
            now: float | None, before: float | None, unit: str = "", higher_is_good: bool = True
        ) -> tuple[str, bool | None]:
            if now is None or before is None:
                return "", None
            d = now - before
            if abs(d) < 0.05:
                return self.tr("= same as before"), None
            arrow = "▲" if d > 0 else "▼"
            text = f"{abs(d):,.1f}{unit}" if not float(d).is_integer() else f"{abs(d):,.0f}{unit}"
            return (
                self.tr("{arrow} {delta} vs previous").format(arrow=arrow, delta=text),
                (d > 0) == higher_is_good,
            )

        def delta_money(now: Decimal, before: Decimal | None) -> tuple[str, bool | None]:
            if before is None:
                return "", None
            d = now - before
            if d == 0:
                return self.tr("= same as before"), None
            arrow = "▲" if d > 0 else "▼"
            return (
                self.tr("{arrow} {delta} vs previous").format(
                    arrow=arrow, delta=fmt.money(abs(d), c)
                ),
                d > 0,
            )

        self.cards["close_rate"].set(
            fmt.percent(k.close_rate), *delta_rate(k.close_rate, p.close_rate if p else None)
        )
        self.cards["lead_conversion"].set(
            fmt.percent(k.lead_conversion_rate),
            *delta_rate(k.lead_conversion_rate, p.lead_conversion_rate if p else None),
        )
        cycle = self.tr("{avg} / {median} d").format(
            avg=_one(k.avg_sales_cycle_days), median=_one(k.median_sales_cycle_days)
        )
        self.cards["cycle"].set(
            cycle,
            *delta_num(
                k.avg_sales_cycle_days,
                p.avg_sales_cycle_days if p else None,
                self.tr(" d"),
                higher_is_good=False,
            ),
        )
        self.cards["response"].set(
            self.tr("{hours} h").format(hours=_one(k.response_time_median_hours)),
            *delta_num(
                k.response_time_median_hours,
                p.response_time_median_hours if p else None,
                self.tr(" h"),
                higher_is_good=False,
            ),
        )
        if data.won_target:
            share = float((data.won_target_actual or Decimal(0)) / data.won_target)
            self.cards["won_vs_target"].set(
                f"{fmt.percent(share)}",
                self.tr("{actual} of {target}").format(
                    actual=fmt.money(data.won_target_actual, c),
                    target=fmt.money(data.won_target, c),
                ),
                share >= 1.0 if share else None,
            )
        else:
            self.cards["won_vs_target"].set("–", self.tr("no target for the period"), None)
        self.cards["new_customers"].set(
            fmt.number(k.new_customers), *delta_num(k.new_customers, p.new_customers if p else None)
        )
        self.cards["weighted_pipeline"].set(
            fmt.money(k.weighted_pipeline_amount, c),
            self.tr("of {amount} open").format(amount=fmt.money(k.open_pipeline_amount, c)),
            None,
        )
        self.cards["won_amount"].set(
            fmt.money(k.won_amount, c), *delta_money(k.won_amount, p.won_amount if p else None)
        )

    # --- printing -------------------------------------------------------------------------
    def filter_text(self) -> str:
        owner = self.owner.currentText() if self.owner.currentData() is not None else None
        source = self.source.currentText() if self.source.currentData() is not None else None
        return printing.describe_filter(
            [owner] if owner else None, self.pipeline.currentText(), source
        )

    def pack_document(self, *, current_only: bool = False) -> Any:
        """The printed pack (or, with ``current_only``, the report on screen) for what the
        tab shows now; loads the figures first when none are on screen yet."""
        if self.data is None or self.data.filter != self.current_filter():
            self.load_now()
        assert self.data is not None
        sections = [PAGES[self.tabs.currentIndex()][0]] if current_only else None
        return printing.build_pack(
            self.data,
            sections=sections,
            lang=self.lang,
            currency=self.currency,
            filter_text=self.filter_text(),
            made_at=datetime.now(UTC),
        )

    def print_pack(self, *, current_only: bool = False) -> None:
        printing.print_dialog(self, self.pack_document(current_only=current_only))

    def preview_pack(self, *, current_only: bool = False) -> None:
        printing.preview_dialog(self, self.pack_document(current_only=current_only))

    def export_pack_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the pack to PDF"), "sales-report.pdf", self.tr("PDF (*.pdf)")
        )
        if not path:
            return
        try:
            pages = printing.export_pdf(path, self.pack_document())
        except OSError as exc:
            self.status.setText(
                self.tr("Could not write {path}: {error}").format(
                    path=path, error=exc.strerror or str(exc)
                )
            )
            return
        self.status.setText(self.tr("Saved {pages} pages to {path}").format(pages=pages, path=path))

    # --- drill-down -----------------------------------------------------------------------
    def _on_chart_clicked(self, spec: DrillSpec) -> None:
        self._drill(spec)

    def _on_row_activated(self, page: ReportPage, index: Any) -> None:
        line = page.model.data(index, ROW_ROLE)
        if line is None:
            return
        if line.deal_id is not None:
            self.open_requested.emit(line.deal_id)
        elif line.drill is not None:
            self._drill(line.drill)

    def _on_extra_activated(self, view: QTableView, index: Any) -> None:
        line = view.model().data(index, ROW_ROLE)
        if line is not None and line.deal_id is not None:
            self.open_requested.emit(line.deal_id)

    def _drill(self, spec: DrillSpec) -> None:
        if self._view is None:
            return
        # The filter of the figures on screen (the first part of a load included).
        self.drill_requested.emit(self._view.filter, spec)


class _Reports:
    """The reports of what the tab shows, by name: all of a load, or those of its first
    part (a page is drawn from it only when its report is there)."""

    def __init__(self, view: ReportData | FirstPart) -> None:
        self._view = view

    def __getattr__(self, name: str) -> Any:
        view = self._view
        if isinstance(view, FirstPart):
            return view.ready[name]
        return getattr(view.reports, name)


def _one(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
