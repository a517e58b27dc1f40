"""The deals behind a number of the reports: a sortable list with its count and sum
(which equal the number clicked); a deal opens in the deal dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.domain.drill import DrillResult, DrillRow
from crmdesk.ui import format as fmt
from crmdesk.ui.table_model import ROW_ROLE, Column, RowsModel


class DrillDialog(QDialog):
    """Signals:
    open_requested(int): open this deal.
    """

    open_requested = Signal(int)

    def __init__(
        self, result: DrillResult, title: str, currency: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(title)
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel(
            self.tr("{count} deals, {amount} in all").format(
                count=fmt.number(result.count), amount=fmt.money(result.amount, currency)
            )
        )
        self.summary.setObjectName("viewTitle")
        layout.addWidget(self.summary)
        self.model: RowsModel[DrillRow] = RowsModel(
            [
                Column(self.tr("Deal"), lambda r: r.title, lambda r: r.title.casefold()),
                Column(
                    self.tr("Customer"),
                    lambda r: r.customer_name or "",
                    lambda r: (r.customer_name or "").casefold(),
                ),
                Column(
                    self.tr("Salesperson"),
                    lambda r: r.owner_name,
                    lambda r: r.owner_name.casefold(),
                ),
                Column(self.tr("Stage"), lambda r: r.stage_name, lambda r: r.stage_name.casefold()),
                Column(
                    self.tr("Amount"),
                    lambda r: fmt.money(r.amount, currency),
                    lambda r: r.amount,
                    align_right=True,
                ),
                Column(
                    self.tr("Created"),
                    lambda r: fmt.short_date(r.created_at),
                    lambda r: r.created_at,
                ),
                Column(
                    self.tr("Closed"), lambda r: fmt.short_date(r.closed_at), lambda r: r.closed_at
                ),
                Column(
                    self.tr("Expected close"),
                    lambda r: fmt.short_date(r.expected_close),
                    lambda r: r.expected_close,
                ),
            ]
        )
        self.model.set_rows(result.rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.activated.connect(self._on_activated)
        layout.addWidget(self.table, 1)
        hint = QLabel(self.tr("Double-click a deal to open it."))
        hint.setObjectName("zoneHint")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_activated(self, index: object) -> None:
        row = self.model.data(index, ROW_ROLE)  # type: ignore[arg-type]
        if row is not None:
            self.open_requested.emit(row.deal_id)
