"""The pipeline board page: filters, one column per open stage, Won and Lost drop zones."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crmdesk.domain import PipelineInfo, StageInfo, StageKind, UserInfo
from crmdesk.domain.reports import BoardQuery, BoardTotals, DealCard, StageTotals
from crmdesk.ui import format as fmt
from crmdesk.ui.board.delegate import CardDelegate
from crmdesk.ui.board.model import CARD_ROLE, PipelineModel, StageProxy, decode_ids

COLUMN_MIN_WIDTH = 230
COLUMN_MAX_WIDTH = 380
NO_DATE = QDate(2000, 1, 1)


class CardListView(QListView):
    """A stage column's list of cards.

    Signals:
        open_requested(int): Enter or a double click on a card.
    """

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(300)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setMouseTracking(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.doubleClicked.connect(self._on_self_double_clicked)

    def selected_cards(self) -> list[DealCard]:
        return [i.data(CARD_ROLE) for i in self.selectionModel().selectedIndexes()]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().data(CARD_ROLE).id)
            return
        super().keyPressEvent(event)

    def _on_self_double_clicked(self, index) -> None:  # type: ignore[no-untyped-def]
        card = index.data(CARD_ROLE)
        if card is not None:
            self.open_requested.emit(card.id)


class StageColumn(QFrame):
    """A header with the stage's figures over its list of cards."""

    def __init__(
        self, stage: StageInfo, proxy: StageProxy, lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.stage = stage
        self.proxy = proxy
        self.setObjectName("stageColumn")
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        self.setMaximumWidth(COLUMN_MAX_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QFrame()
        header.setObjectName("stageHeader")
        hl = QVBoxLayout(header)
        hl.setContentsMargins(12, 10, 12, 8)
        hl.setSpacing(2)
        top = QHBoxLayout()
        self.name_label = QLabel(stage.label(lang))
        self.name_label.setObjectName("stageName")
        self.count_label = QLabel("0")
        self.count_label.setObjectName("stageCount")
        top.addWidget(self.name_label)
        top.addStretch(1)
        top.addWidget(self.count_label)
        hl.addLayout(top)
        self.amount_label = QLabel()
        self.amount_label.setObjectName("stageAmount")
        hl.addWidget(self.amount_label)
        layout.addWidget(header)
        self.view = CardListView()
        self.view.setModel(proxy)
        self.view.setItemDelegate(CardDelegate(self.view))
        layout.addWidget(self.view, 1)

    def set_totals(self, totals: StageTotals, currency: str) -> None:
        self.count_label.setText(fmt.number(totals.count))
        self.amount_label.setText(
            self.tr("{amount} · weighted {weighted} · {p}%").format(
                amount=fmt.compact_money(totals.amount, currency),
                weighted=fmt.compact_money(totals.weighted_amount, currency),
                p=self.stage.probability,
            )
        )
        self.amount_label.setToolTip(
            self.tr("Total {amount}, weighted by the stage probability {weighted}").format(
                amount=fmt.money(totals.amount, currency, cents=True),
                weighted=fmt.money(totals.weighted_amount, currency, cents=True),
            )
        )


class DropZone(QFrame):
    """Won or Lost: drop cards here to close them.

    Signals:
        dropped(list, int): the dropped deal ids and this zone's stage id.
    """

    dropped = Signal(list, int)

    def __init__(self, stage: StageInfo, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setAcceptDrops(True)
        self.setObjectName("wonZone" if stage.kind is StageKind.WON else "lostZone")
        self.setProperty("hot", False)
        self.setMinimumSize(QSize(120, 90))
        layout = QVBoxLayout(self)
        icon = "✔" if stage.kind is StageKind.WON else "✖"
        title = QLabel(f"{icon}  {stage.label(lang)}")
        title.setObjectName("zoneTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(self.tr("Drop cards here"))
        hint.setObjectName("zoneHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addStretch(1)

    def _set_hot(self, hot: bool) -> None:
        self.setProperty("hot", hot)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if decode_ids(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self._set_hot(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hot(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hot(False)
        ids = decode_ids(event.mimeData())
        if ids:
            event.setDropAction(Qt.DropAction.CopyAction)  # nothing to remove at the source
            event.accept()
            self.dropped.emit(ids, self.stage.id)


class BoardView(QWidget):
    """Filters on top, then the stage columns and the Won/Lost zones.

    Signals:
        move_requested(list, int): cards (DealCard list) to move, and the target stage id.
        open_requested(int): a deal to open in the deal dialog.
        filters_changed(): owner, source or pipeline changed (the data must be reloaded).
        query_changed(): the search text or the close range changed (cards are refiltered).
    """

    move_requested = Signal(list, int)
    open_requested = Signal(int)
    filters_changed = Signal()
    query_changed = Signal()

    def __init__(
        self, *, model: PipelineModel, user: UserInfo, lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.user = user
        self.lang = lang
        self.pipeline: PipelineInfo | None = None
        self.currency = "USD"
        self.columns: list[StageColumn] = []
        self.zones: list[DropZone] = []
        self._query = BoardQuery()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)
        bar = QHBoxLayout()
        self.pipeline_label = QLabel(self.tr("Pipeline"))
        self.pipeline_combo = QComboBox()
        self.pipeline_combo.setObjectName("pipelineSwitcher")
        self.pipeline_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pipeline_combo.setToolTip(self.tr("The pipeline the board shows"))
        self.owner_combo = QComboBox()
        self.source_combo = QComboBox()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search title or customer…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        self.close_from = self._date_edit(self.tr("Close from: any"))
        self.close_to = self._date_edit(self.tr("Close to: any"))
        self.clear_button = QPushButton(self.tr("Clear filters"))
        for w in (
            self.pipeline_label,
            self.pipeline_combo,
            QLabel(self.tr("Owner")),
            self.owner_combo,
            QLabel(self.tr("Source")),
            self.source_combo,
            self.search_edit,
            self.close_from,
            self.close_to,
            self.clear_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        outer.addLayout(bar)

        self.columns_host = QWidget()
        self.columns_layout = QHBoxLayout(self.columns_host)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        self.columns_layout.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.columns_host)
        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        self.zone_box = QVBoxLayout()
        self.zone_box.setSpacing(10)
        zone_host = QWidget()
        zone_host.setLayout(self.zone_box)
        zone_host.setFixedWidth(132)
        body.addWidget(zone_host)
        outer.addLayout(body, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._on_query_edited)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.close_from.dateChanged.connect(self._on_query_edited)
        self.close_to.dateChanged.connect(self._on_query_edited)
        self.owner_combo.currentIndexChanged.connect(self.filters_changed)
        self.source_combo.currentIndexChanged.connect(self.filters_changed)
        self.pipeline_combo.currentIndexChanged.connect(self.filters_changed)
        self.clear_button.clicked.connect(self.clear_filters)

    def _date_edit(self, special: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(special)
        edit.setDate(NO_DATE)
        edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return edit

    # --- filters ------------------------------------------------------------------------------
    def set_choices(
        self,
        *,
        pipelines: list[PipelineInfo],
        users: list[UserInfo],
        sources: list[tuple[int, str]],
    ) -> None:
        """Fill the pipeline, owner and source pickers, keeping what each shows when it is
        still there (a pipeline archived meanwhile gives way to the default one)."""
        combos = (self.pipeline_combo, self.owner_combo, self.source_combo)
        kept = [combo.currentData() if combo.count() else None for combo in combos]
        for combo in combos:
            combo.blockSignals(True)
            combo.clear()
        active = [p for p in pipelines if p.active]
        for p in active:
            self.pipeline_combo.addItem(p.label(self.lang), p.id)
        several = len(active) > 1
        self.pipeline_combo.setVisible(several)
        self.pipeline_label.setVisible(several)
        self.owner_combo.addItem(self.tr("Everyone"), None)
        self.owner_combo.addItem(self.tr("Me"), self.user.id)
        for u in users:
            if u.id != self.user.id:
                self.owner_combo.addItem(u.name, u.id)
        self.source_combo.addItem(self.tr("All sources"), None)
        for sid, name in sources:
            self.source_combo.addItem(name, sid)
        default = next((p.id for p in active if p.is_default), None)
        for combo, keep in zip(combos, kept, strict=True):
            index = combo.findData(keep) if keep is not None else -1
            if index < 0 and combo is self.pipeline_combo:
                index = combo.findData(default)
            combo.setCurrentIndex(max(index, 0))
        for combo in combos:
            combo.blockSignals(False)

    def pipeline_names(self) -> list[str]:
        """The pipelines the board offers, as its switcher lists them."""
        combo = self.pipeline_combo
        return [combo.itemText(i) for i in range(combo.count())]

    def owner_ids(self) -> tuple[int, ...] | None:
        oid = self.owner_combo.currentData()
        return None if oid is None else (oid,)

    def source_id(self) -> int | None:
        return self.source_combo.currentData()

    def pipeline_id(self) -> int | None:
        return self.pipeline_combo.currentData()

    def query(self) -> BoardQuery:
        return self._query

    def _date_value(self, edit: QDateEdit) -> date | None:
        return None if edit.date() == NO_DATE else edit.date().toPython()

    def _on_query_edited(self) -> None:
        self._query = BoardQuery(
            text=self.search_edit.text(),
            close_from=self._date_value(self.close_from),
            close_to=self._date_value(self.close_to),
        )
        for col in self.columns:
            col.proxy.refilter()
        self.query_changed.emit()

    def clear_filters(self) -> None:
        for w in (
            self.owner_combo,
            self.source_combo,
            self.search_edit,
            self.close_from,
            self.close_to,
        ):
            w.blockSignals(True)
        self.owner_combo.setCurrentIndex(0)
        self.source_combo.setCurrentIndex(0)
        self.search_edit.clear()
        self.close_from.setDate(NO_DATE)
        self.close_to.setDate(NO_DATE)
        for w in (
            self.owner_combo,
            self.source_combo,
            self.search_edit,
            self.close_from,
            self.close_to,
        ):
            w.blockSignals(False)
        self._query = BoardQuery()
        self.filters_changed.emit()

    # --- columns ------------------------------------------------------------------------------
    def set_pipeline(self, pipeline: PipelineInfo, currency: str) -> None:
        """(Re)build the columns and zones for a pipeline."""
        self.pipeline = pipeline
        self.currency = currency
        for col in self.columns:
            col.setParent(None)
            col.deleteLater()
        for zone in self.zones:
            zone.setParent(None)
            zone.deleteLater()
        self.columns, self.zones = [], []
        for layout in (self.columns_layout, self.zone_box):
            while layout.count():
                layout.takeAt(0)
        for stage in pipeline.open_stages:
            proxy = StageProxy(stage.id, self.query)
            proxy.setSourceModel(self.model)
            proxy.deal_dropped.connect(self._on_ids_dropped)
            col = StageColumn(stage, proxy, self.lang)
            proxy.setParent(col)  # deleted with its column
            col.view.open_requested.connect(self.open_requested)
            col.view.selectionModel().selectionChanged.connect(
                lambda *_, c=col: self._on_column_selection_changed(c)
            )
            self.columns.append(col)
            self.columns_layout.addWidget(col, 1)
        for stage in (pipeline.won_stage, pipeline.lost_stage):
            zone = DropZone(stage, self.lang)
            zone.dropped.connect(self._on_ids_dropped)
            self.zones.append(zone)
            self.zone_box.addWidget(zone)
        self.zone_box.addStretch(1)

    def set_totals(self, totals: BoardTotals) -> None:
        for col in self.columns:
            col.set_totals(totals.for_stage(col.stage.id), self.currency)

    def column_for(self, stage_id: int) -> StageColumn | None:
        return next((c for c in self.columns if c.stage.id == stage_id), None)

    def _on_ids_dropped(self, ids: list[int], stage_id: int) -> None:
        cards = [c for i in ids if (c := self.model.card_by_id(i)) is not None]
        if cards:
            self.move_requested.emit(cards, stage_id)

    def _on_column_selection_changed(self, column: StageColumn) -> None:
        # One column holds the selection at a time, so keyboard moves are unambiguous.
        if not column.view.selectionModel().hasSelection():
            return
        for other in self.columns:
            if other is not column:
                other.view.selectionModel().blockSignals(True)
                other.view.clearSelection()
                other.view.selectionModel().blockSignals(False)
                other.view.viewport().update()

    # --- selection and keyboard ----------------------------------------------------------------
    def active_column(self) -> StageColumn | None:
        for col in self.columns:
            if col.view.selectionModel().hasSelection():
                return col
        return next((c for c in self.columns if c.view.hasFocus()), None)

    def selected_cards(self) -> list[DealCard]:
        col = self.active_column()
        return col.view.selected_cards() if col else []

    def neighbour_stage(self, step: int) -> int | None:
        col = self.active_column()
        if col is None:
            return None
        i = self.columns.index(col) + step
        return self.columns[i].stage.id if 0 <= i < len(self.columns) else None

    def select_deal(self, deal_id: int) -> bool:
        """Select and show a card (after a keyboard move it follows the card)."""
        card = self.model.card_by_id(deal_id)
        col = self.column_for(card.stage_id) if card else None
        if col is None:
            return False
        row = self.model.row_of(deal_id)
        idx = col.proxy.mapFromSource(self.model.index(row)) if row is not None else None
        if idx is None or not idx.isValid():
            return False
        col.view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        col.view.scrollTo(idx)
        col.view.setFocus()
        return True
