"""The Deals view: every deal in a sortable, filterable table."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import Change, DealRow, StageKind, UserInfo
from crmdesk.services import deals, users
from crmdesk.ui import format as fmt
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.lazy_view import LazyView
from crmdesk.ui.table_model import Column, RowsModel


class DealsView(LazyView):
    """A table of deals with status, owner and text filters. Double-click opens a deal.

    Signals:
        open_requested(int): open this deal in the deal dialog.
    """

    RELOAD_ON = Change.DEALS | Change.CUSTOMERS | Change.STAGES | Change.USERS

    open_requested = Signal(int)

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        bus: ChangeBus,
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(bus, parent)
        self.db = db
        self.lang = lang
        kinds = {
            StageKind.OPEN: self.tr("Open"),
            StageKind.WON: self.tr("Won"),
            StageKind.LOST: self.tr("Lost"),
        }
        colors = {StageKind.WON: QColor("#2b8a3e"), StageKind.LOST: QColor("#c92a2a")}
        self.model: RowsModel[DealRow] = RowsModel(
            [
                Column(self.tr("Title"), lambda r: r.title, lambda r: r.title.casefold()),
                Column(
                    self.tr("Customer"),
                    lambda r: r.customer_name or "",
                    lambda r: (r.customer_name or "").casefold(),
                ),
                Column(self.tr("Owner"), lambda r: r.owner_name, lambda r: r.owner_name.casefold()),
                Column(self.tr("Stage"), lambda r: r.stage_name, lambda r: r.stage_id),
                Column(
                    self.tr("Status"),
                    lambda r: kinds[r.stage_kind],
                    lambda r: r.stage_kind.value,
                    color=lambda r: colors.get(r.stage_kind),
                ),
                Column(
                    self.tr("Amount"),
                    lambda r: fmt.money(r.amount, r.currency),
                    lambda r: r.amount,
                    align_right=True,
                ),
                Column(
                    self.tr("Expected close"),
                    lambda r: fmt.short_date(r.expected_close),
                    lambda r: r.expected_close,
                ),
                Column(
                    self.tr("Created"),
                    lambda r: fmt.short_date(r.created_at),
                    lambda r: r.created_at,
                ),
                Column(
                    self.tr("Closed"), lambda r: fmt.short_date(r.closed_at), lambda r: r.closed_at
                ),
            ],
            self,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        bar = QHBoxLayout()
        self.status_combo = QComboBox()
        for key, label in (
            ("all", self.tr("All deals")),
            ("open", self.tr("Open")),
            ("won", self.tr("Won")),
            ("lost", self.tr("Lost")),
        ):
            self.status_combo.addItem(label, key)
        self.owner_combo = QComboBox()
        self.owner_combo.addItem(self.tr("Everyone"), None)
        self.owner_combo.addItem(self.tr("Me"), user.id)
        for u in users.list_users(db):
            if u.id != user.id:
                self.owner_combo.addItem(u.name, u.id)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search title or customer…"))
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()
        for w in (self.status_combo, self.owner_combo, self.search_edit):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)

        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(250)
        timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(timer.start)
        self.status_combo.currentIndexChanged.connect(self.reload)
        self.owner_combo.currentIndexChanged.connect(self.reload)
        self.table.doubleClicked.connect(
            lambda idx: self.open_requested.emit(self.model.row(idx).id)
        )

    def reload(self) -> None:
        rows = deals.list_deals(
            self.db,
            status=self.status_combo.currentData(),
            owner_id=self.owner_combo.currentData(),
            text=self.search_edit.text(),
        )
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("{n} deals").format(n=fmt.number(len(rows))))
