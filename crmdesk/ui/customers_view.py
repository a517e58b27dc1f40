"""The Customers view: a searchable list and, beside it, everything about one customer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import Change, CustomerInfo, CustomerSummary, StageKind, UserInfo
from crmdesk.metrics import MetricsService
from crmdesk.services import activities, customers, deals
from crmdesk.services.settings import get_setting
from crmdesk.ui import format as fmt
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.deal_dialog import activity_kind_label
from crmdesk.ui.errors import describe_field, error_message
from crmdesk.ui.lazy_view import LazyView
from crmdesk.ui.operations import Operations
from crmdesk.ui.table_model import Column, RowsModel


class CustomerDialog(QDialog):
    """Create or edit a customer; messages appear under the fields they concern."""

    FIELDS = ("company", "industry", "phone", "email", "website", "address")

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        customer: CustomerInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.customer = customer
        self.saved: CustomerInfo | None = None
        self.setWindowTitle(self.tr("Edit customer") if customer else self.tr("New customer"))
        self.resize(520, 420)
        form = QFormLayout(self)
        labels = {
            "company": self.tr("Company"),
            "industry": self.tr("Industry"),
            "phone": self.tr("Phone"),
            "email": self.tr("E-mail"),
            "website": self.tr("Website"),
            "address": self.tr("Address"),
        }
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for name in self.FIELDS:
            edit = QLineEdit(getattr(customer, name) or "" if customer else "")
            err = QLabel()
            err.setObjectName("fieldError")
            err.hide()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(err)
            form.addRow(labels[name], box)
            self.edits[name] = edit
            self.errors[name] = err
        self.notes = QPlainTextEdit(customer.notes or "" if customer else "")
        form.addRow(self.tr("Notes"), self.notes)
        self.banner = QLabel()
        self.banner.setObjectName("fieldError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        form.addRow(self.banner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        from crmdesk.domain import CrmError, ValidationError

        values: dict[str, Any] = {k: e.text() for k, e in self.edits.items()}
        values["notes"] = self.notes.toPlainText()
        for label in self.errors.values():
            label.hide()
        self.banner.hide()
        try:
            if self.customer is None:
                outcome = customers.create_customer(self.db, by=self.user.id, **values)
            else:
                changes = {
                    k: v for k, v in values.items() if (getattr(self.customer, k) or "") != v
                }
                outcome = customers.update_customer(
                    self.db,
                    self.customer.id,
                    by=self.user.id,
                    expected_version=self.customer.version,
                    changes=changes,
                )
        except ValidationError as exc:
            for e in exc.errors:
                label = self.errors.get(e.field)
                if label is not None:
                    label.setText(describe_field(e))
                    label.show()
                else:
                    self.banner.setText(error_message(exc))
                    self.banner.show()
            return
        except CrmError as exc:
            self.banner.setText(error_message(exc))
            self.banner.show()
            return
        self.saved = outcome.value
        self.changes = outcome.changes
        self.accept()


class CustomersView(LazyView):
    """Customers on the left; contacts, deals, lifetime value and activities on the right.

    Signals:
        open_requested(int): open this deal in the deal dialog.
    """

    # SETTINGS: the lifetime values are shown in the team's currency, which may change.
    RELOAD_ON = (
        Change.CUSTOMERS | Change.CONTACTS | Change.DEALS | Change.ACTIVITIES | Change.SETTINGS
    )

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
        super().__init__(bus, parent)
        self.db = db
        self.user = user
        self.ops = ops
        self.bus = bus
        self.lang = lang
        self.metrics = MetricsService(db)
        self.currency = get_setting(db, "currency", "USD") or "USD"
        self.current: CustomerInfo | None = None
        self.model: RowsModel[CustomerSummary] = RowsModel(
            [
                Column(self.tr("Company"), lambda r: r.company, lambda r: r.company.casefold()),
                Column(self.tr("Industry"), lambda r: r.industry or "", lambda r: r.industry or ""),
                Column(
                    self.tr("Source"), lambda r: r.source_name or "", lambda r: r.source_name or ""
                ),
                Column(
                    self.tr("Owner"), lambda r: r.owner_name or "", lambda r: r.owner_name or ""
                ),
                Column(
                    self.tr("Open deals"),
                    lambda r: fmt.number(r.open_deals),
                    lambda r: r.open_deals,
                    align_right=True,
                ),
                Column(
                    self.tr("Won"),
                    lambda r: fmt.number(r.won_deals),
                    lambda r: r.won_deals,
                    align_right=True,
                ),
                Column(
                    self.tr("Lifetime value"),
                    lambda r: fmt.money(r.won_amount, self.currency),
                    lambda r: r.won_amount,
                    align_right=True,
                ),
            ],
            self,
        )

        splitter = QSplitter()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(12, 10, 6, 8)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search customers…"))
        self.search_edit.setClearButtonEnabled(True)
        self.new_button = QPushButton(self.tr("New customer…"))
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.new_button)
        ll.addLayout(bar)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 100), (2, 90), (3, 105), (4, 88), (5, 50), (6, 112)):
            header.resizeSection(col, width)
        ll.addWidget(self.table)
        splitter.addWidget(left)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([800, 376])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(250)
        timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(timer.start)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.show_customer(self.model.row(cur).id if cur.isValid() else None)
        )

    def _build_detail(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("detailPanel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(12, 10, 12, 8)
        head = QHBoxLayout()
        self.name_label = QLabel(self.tr("Choose a customer"))
        self.name_label.setObjectName("viewTitle")
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setEnabled(False)
        head.addWidget(self.name_label, 1)
        head.addWidget(self.edit_button)
        layout.addLayout(head)
        grid = QGridLayout()
        self.facts: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(
            (
                ("industry", self.tr("Industry")),
                ("source", self.tr("Source")),
                ("owner", self.tr("Owner")),
                ("ltv", self.tr("Lifetime value")),
                ("phone", self.tr("Phone")),
                ("email", self.tr("E-mail")),
            )
        ):
            grid.addWidget(QLabel(title + ":"), i // 2, (i % 2) * 2)
            value = QLabel("–")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(value, i // 2, (i % 2) * 2 + 1)
            self.facts[key] = value
        layout.addLayout(grid)
        contacts_head = QHBoxLayout()
        contacts_head.addWidget(QLabel("<b>" + self.tr("Contacts") + "</b>"))
        contacts_head.addStretch(1)
        self.add_contact_button = QPushButton(self.tr("Add contact…"))
        self.add_contact_button.setEnabled(False)
        contacts_head.addWidget(self.add_contact_button)
        layout.addLayout(contacts_head)
        self.contacts_list = QListWidget()
        self.contacts_list.setMaximumHeight(110)
        layout.addWidget(self.contacts_list)
        layout.addWidget(QLabel("<b>" + self.tr("Deals") + "</b>"))
        self.deals_list = QListWidget()
        layout.addWidget(self.deals_list, 2)
        layout.addWidget(QLabel("<b>" + self.tr("Activities") + "</b>"))
        self.activities_list = QListWidget()
        layout.addWidget(self.activities_list, 2)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.add_contact_button.clicked.connect(self._on_add_contact_clicked)
        self.deals_list.itemDoubleClicked.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        return panel

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.current.id if self.current else None
        self.currency = get_setting(self.db, "currency", "USD") or "USD"
        self.model.set_rows(self.metrics.customer_summaries(self.search_edit.text()))
        if keep is not None:
            self.select_customer(keep)

    def select_customer(self, customer_id: int) -> None:
        for r, row in enumerate(self.model.rows):
            if row.id == customer_id:
                idx = self.model.index(r, 0)
                self.table.selectionModel().setCurrentIndex(
                    idx,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(idx)
                return

    def show_customer(self, customer_id: int | None) -> None:
        self.current = customers.get_customer(self.db, customer_id) if customer_id else None
        self.edit_button.setEnabled(self.current is not None)
        self.add_contact_button.setEnabled(self.current is not None)
        for lst in (self.contacts_list, self.deals_list, self.activities_list):
            lst.clear()
        if self.current is None:
            self.name_label.setText(self.tr("Choose a customer"))
            for v in self.facts.values():
                v.setText("–")
            return
        c = self.current
        summary = next((r for r in self.model.rows if r.id == c.id), None)
        self.name_label.setText(c.company)
        self.facts["industry"].setText(c.industry or "–")
        self.facts["source"].setText(
            summary.source_name if summary and summary.source_name else "–"
        )
        self.facts["owner"].setText(summary.owner_name if summary and summary.owner_name else "–")
        self.facts["ltv"].setText(fmt.money(summary.won_amount, self.currency) if summary else "–")
        self.facts["phone"].setText(c.phone or "–")
        self.facts["email"].setText(c.email or "–")
        for contact in customers.list_contacts(self.db, c.id):
            extra = " · ".join(x for x in (contact.title, contact.phone, contact.email) if x)
            self.contacts_list.addItem(contact.name + (f"   {extra}" if extra else ""))
        kinds = {StageKind.OPEN: "●", StageKind.WON: "✔", StageKind.LOST: "✖"}
        for row in deals.list_deals(self.db, customer_id=c.id):
            item = QListWidgetItem(
                f"{kinds[row.stage_kind]}  {row.title}   · {row.stage_name} · "
                f"{fmt.money(row.amount, row.currency)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.deals_list.addItem(item)
        for a in activities.list_activities(self.db, customer_id=c.id)[:200]:
            when = fmt.date_time(a.done_at or a.due_at or a.created_at)
            mark = "✔" if a.done_at else "○"
            self.activities_list.addItem(
                f"{mark}  {activity_kind_label(a.kind)}: {a.subject}   · {when}"
            )

    # --- commands -------------------------------------------------------------------------------
    def _on_new_clicked(self) -> None:
        dialog = CustomerDialog(db=self.db, user=self.user, customer=None, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.bus.publish(dialog.changes)
            self.search_edit.clear()
            self.reload()
            self.select_customer(dialog.saved.id)

    def _on_edit_clicked(self) -> None:
        if self.current is None:
            return
        dialog = CustomerDialog(db=self.db, user=self.user, customer=self.current, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.bus.publish(dialog.changes)

    def _on_add_contact_clicked(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        if self.current is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New contact"), self.tr("Name"))
        if ok and name.strip():
            cid = self.current.id
            self.ops.run(lambda: customers.create_contact(self.db, cid, by=self.user.id, name=name))
