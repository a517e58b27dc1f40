"""The Pipeline view: loads the board from the metrics service and keeps it current."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crmdesk.db.engine import Database
from crmdesk.domain import Change, Changes, PipelineInfo, UserInfo
from crmdesk.domain.reports import BoardQuery, DealCard, MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.services import lists, pipelines, users
from crmdesk.services.settings import get_setting
from crmdesk.ui.board.model import PipelineModel
from crmdesk.ui.board.view import BoardView
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.operations import Operations


class BoardPage(QWidget):
    """The board and its data.

    Signals:
        refreshed(): the board shows fresh data.
        open_requested(int): open this deal in the deal dialog.
    """

    refreshed = Signal()
    open_requested = Signal(int)

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        ops: Operations,
        bus: ChangeBus,
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.ops = ops
        self.metrics = MetricsService(db)
        self.model = PipelineModel(self)
        self.view = BoardView(model=self.model, user=user, lang=lang)
        self.pipeline: PipelineInfo | None = None
        self.load_seconds = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.filters_changed.connect(self.reload)
        self.view.query_changed.connect(self._refresh_totals)
        self.view.move_requested.connect(self._on_view_move_requested)
        self.view.open_requested.connect(self.open_requested)
        bus.changed.connect(self._on_bus_changed)
        self._load_choices()
        self.reload()

    def _load_choices(self) -> None:
        self.view.set_choices(
            pipelines=pipelines.list_pipelines(self.db),
            users=users.list_users(self.db),
            sources=[(s.id, s.label(self.view.lang)) for s in lists.list_items(self.db, "sources")],
        )

    def metrics_filter(self) -> MetricsFilter:
        return MetricsFilter(
            owner_ids=self.view.owner_ids(),
            pipeline_id=self.view.pipeline_id(),
            source_id=self.view.source_id(),
        )

    def reload(self) -> None:
        """Load every card again (after a filter change, or a change we cannot pin down)."""
        started = time.perf_counter()
        pipeline = pipelines.get_pipeline(self.db, self.view.pipeline_id())
        if self.pipeline != pipeline:
            self.pipeline = pipeline
            self.view.set_pipeline(pipeline, get_setting(self.db, "currency", "USD") or "USD")
        self.model.set_cards(self.metrics.board_cards(self.metrics_filter()))
        self._refresh_totals()
        self.load_seconds = time.perf_counter() - started
        self.refreshed.emit()

    def refresh_deals(self, deal_ids: frozenset[int]) -> None:
        """Redraw only these deals: reload their cards; those that left the board go."""
        fresh = self.metrics.board_cards(self.metrics_filter(), BoardQuery(deal_ids=deal_ids))
        self.model.apply(fresh, gone=deal_ids - {c.id for c in fresh})
        self._refresh_totals()
        self.refreshed.emit()

    def _refresh_totals(self) -> None:
        self.view.set_totals(self.metrics.board_totals(self.metrics_filter(), self.view.query()))

    def _on_bus_changed(self, changes: Changes) -> None:
        if changes.touches(Change.STAGES | Change.USERS | Change.LISTS | Change.SETTINGS):
            self._load_choices()
            self.pipeline = None
            self.reload()
        elif changes.deal_ids:
            self.refresh_deals(changes.deal_ids)
        elif changes.touches(Change.DEALS | Change.ACTIVITIES | Change.CUSTOMERS):
            self.reload()

    def _on_view_move_requested(self, cards: list[DealCard], stage_id: int) -> None:
        if self.pipeline is not None:
            self.ops.move_cards(cards, stage_id, self.pipeline)

    # --- keyboard moves --------------------------------------------------------------------------
    def move_selection(self, step: int) -> None:
        """Move the selected cards to the neighbouring stage (Ctrl+Left / Ctrl+Right)."""
        target = self.view.neighbour_stage(step)
        cards = self.view.selected_cards()
        if target is None or not cards or self.pipeline is None:
            return
        moved = self.ops.move_cards(cards, target, self.pipeline)
        if moved:
            self.view.select_deal(cards[0].id)
