"""The Activities view: "My day" — overdue, today and upcoming follow-ups, done in one click."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import AgendaItem, Change, Role, UserInfo
from crmdesk.services import activities, users
from crmdesk.ui import format as fmt
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.deal_dialog import activity_kind_label
from crmdesk.ui.lazy_view import LazyView
from crmdesk.ui.operations import Operations

UPCOMING_DAYS = 7
ID_ROLE = Qt.ItemDataRole.UserRole + 20
DEAL_ROLE = Qt.ItemDataRole.UserRole + 21


class ActivitiesView(LazyView):
    """Someone's open follow-ups in three groups. A manager can look at anyone's day.

    Signals:
        open_requested(int): open the deal an activity is about.
    """

    RELOAD_ON = Change.ACTIVITIES | Change.DEALS

    open_requested = Signal(int)

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        ops: Operations,
        bus: ChangeBus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(bus, parent)
        self.db = db
        self.user = user
        self.ops = ops
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        bar = QHBoxLayout()
        title = QLabel(self.tr("My day"))
        title.setObjectName("viewTitle")
        bar.addWidget(title)
        bar.addStretch(1)
        self.person_combo = QComboBox()
        self.names = {u.id: u.name for u in users.list_users(db, include_inactive=True)}
        self.person_combo.addItem(user.name, user.id)
        if user.role in (Role.MANAGER, Role.ADMIN):
            self.person_combo.insertItem(0, self.tr("Whole team"), None)
            self.person_combo.setCurrentIndex(0)
            for u in users.list_users(db):
                if u.id != user.id:
                    self.person_combo.addItem(u.name, u.id)
        self.person_combo.setVisible(self.person_combo.count() > 1)
        self.done_button = QPushButton(self.tr("Mark done"))
        bar.addWidget(self.person_combo)
        bar.addWidget(self.done_button)
        layout.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Activity"), self.tr("About"), self.tr("Due"), ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnWidth(0, 420)
        self.tree.setColumnWidth(1, 360)
        self.tree.setColumnWidth(2, 160)
        layout.addWidget(self.tree)
        self.groups = {
            "overdue": self._group(self.tr("Overdue"), QColor("#c92a2a")),
            "today": self._group(self.tr("Today"), QColor("#1c7ed6")),
            "upcoming": self._group(self.tr("Next 7 days"), QColor("#495057")),
        }
        self.person_combo.currentIndexChanged.connect(self.reload)
        self.done_button.clicked.connect(self._on_done_clicked)
        self.tree.itemDoubleClicked.connect(self._on_item_double_clicked)

    def _group(self, title: str, color: QColor) -> QTreeWidgetItem:
        item = QTreeWidgetItem([title])
        font = QFont(self.font())
        font.setBold(True)
        item.setFont(0, font)
        item.setForeground(0, color)
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(item)
        return item

    def person_id(self) -> int | None:
        return self.person_combo.currentData()

    def reload(self) -> None:
        now = datetime.now(UTC)
        local_midnight = datetime.combine(datetime.now().date(), time(0)).astimezone()
        end_today = (local_midnight + timedelta(days=1)).astimezone(UTC)
        horizon = (local_midnight + timedelta(days=1 + UPCOMING_DAYS)).astimezone(UTC)
        items = activities.agenda(self.db, owner_id=self.person_id(), until=horizon)
        for group in self.groups.values():
            group.takeChildren()
        counts = dict.fromkeys(self.groups, 0)
        for entry in items:
            due = entry.activity.due_at
            if due is not None and due < now:
                key = "overdue"
            elif due is None or due < end_today:
                key = "today"
            else:
                key = "upcoming"
            counts[key] += 1
            item = self._item(entry, overdue=key == "overdue")
            self.groups[key].addChild(item)
            button = QPushButton(self.tr("Done"))
            button.setToolTip(self.tr("Mark this activity done"))
            button.clicked.connect(lambda _=False, i=entry.activity.id: self.complete(i))
            self.tree.setItemWidget(item, 3, button)
        titles = {
            "overdue": self.tr("Overdue"),
            "today": self.tr("Today"),
            "upcoming": self.tr("Next 7 days"),
        }
        for key, group in self.groups.items():
            group.setText(0, f"{titles[key]} ({counts[key]})")
            group.setExpanded(True)

    def _item(self, entry: AgendaItem, *, overdue: bool) -> QTreeWidgetItem:
        a = entry.activity
        about = " · ".join(x for x in (entry.deal_title, entry.customer_name) if x)
        if self.person_id() is None:
            about = f"{self.names.get(a.owner_id, '')} — {about}"
        item = QTreeWidgetItem(
            [
                f"{activity_kind_label(a.kind)}: {a.subject}",
                about,
                fmt.date_time(a.due_at) if a.due_at else self.tr("no due time"),
                "",
            ]
        )
        item.setData(0, ID_ROLE, a.id)
        item.setData(0, DEAL_ROLE, a.deal_id)
        if overdue:
            item.setForeground(2, QColor("#c92a2a"))
        return item

    def complete(self, activity_id: int) -> None:
        self.ops.run(lambda: activities.complete_activity(self.db, activity_id, by=self.user.id))

    def _on_done_clicked(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.data(0, ID_ROLE):
            self.complete(item.data(0, ID_ROLE))

    def _on_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        deal_id = item.data(0, DEAL_ROLE)
        if deal_id:
            self.open_requested.emit(deal_id)
