"""The deal dialog: create or edit a deal, see its stage history, the audited changes of
its owner, amount, expected close and stage, and its activities.

Opening a deal from a card, a table row or a search result gives this same dialog.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import (
    ActivityKind,
    AuditField,
    AuditInfo,
    Conflict,
    CrmError,
    DealInfo,
    PipelineInfo,
    Role,
    StageKind,
    UserInfo,
    ValidationError,
)
from crmdesk.services import activities, customers, deals, lists, pipelines, users
from crmdesk.services.settings import get_setting
from crmdesk.ui import format as fmt
from crmdesk.ui.dialogs import parse_amount
from crmdesk.ui.errors import describe_field, error_message
from crmdesk.ui.operations import Operations

NO_DATE = QDate(2000, 1, 1)
#: The audited fields in the order of the form; the fields of one save are listed so.
AUDIT_ORDER = (AuditField.OWNER, AuditField.AMOUNT, AuditField.EXPECTED_CLOSE, AuditField.STAGE)
#: The timelines (history, changes): a little air between the lines.
TIMELINE_STYLE = "QTreeView::item { padding: 3px 2px; }"


def _t(text: str) -> str:
    return QCoreApplication.translate("DealDialog", text)


def activity_kind_label(kind: ActivityKind | str) -> str:
    """The name of an activity kind, in the user's language."""
    labels = {
        "call": _t("Call"),
        "meeting": _t("Meeting"),
        "email": _t("E-mail"),
        "task": _t("Task"),
        "note": _t("Note"),
    }
    return labels.get(str(kind), str(kind))


def audit_field_label(field: AuditField | str) -> str:
    """The name of an audited field, as the details form labels it."""
    labels = {
        "owner": _t("Owner"),
        "amount": _t("Amount"),
        "expected_close": _t("Expected close"),
        "stage": _t("Stage"),
    }
    return labels.get(str(field), str(field))


class DealDialog(QDialog):
    """Create (``deal_id=None``) or edit a deal.

    Validation messages from the services appear under the field they name.
    """

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        ops: Operations,
        deal_id: int | None,
        lang: str = "en",
        parent: QWidget | None = None,
        pipeline_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.ops = ops
        self.lang = lang
        self.deal: DealInfo | None = deals.get_deal(db, deal_id) if deal_id else None
        # A new deal goes to ``pipeline_id`` (the board's), else to the default pipeline.
        self.pipeline: PipelineInfo = pipelines.get_pipeline(
            db, self.deal.pipeline_id if self.deal else pipeline_id
        )
        self.setWindowTitle(
            self.tr("Deal: {title}").format(title=self.deal.title)
            if self.deal
            else self.tr("New deal")
        )
        self.resize(780, 600)
        self.errors: dict[str, QLabel] = {}

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.details_page = self._build_details()
        self.tabs.addTab(self.details_page, self.tr("Details"))
        if self.deal is not None:
            self.history_list = QTreeWidget()
            self.history_list.setRootIsDecorated(False)
            self.history_list.setAlternatingRowColors(True)
            self.history_list.setStyleSheet(TIMELINE_STYLE)
            self.history_list.setHeaderLabels(
                [self.tr("When"), self.tr("Stage change"), self.tr("By"), self.tr("Time in stage")]
            )
            self.history_list.setColumnWidth(0, 150)
            self.history_list.setColumnWidth(1, 300)
            self.history_list.setColumnWidth(2, 150)
            self.tabs.addTab(self.history_list, self.tr("History"))
            self.tabs.addTab(self._build_changes(), self.tr("Changes"))
            self.tabs.addTab(self._build_activities(), self.tr("Activities"))
        self.notice = QLabel()
        self.notice.setObjectName("dealNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "background: #fff4e6; color: #862e0c; border: 1px solid #ffd8a8;"
            " border-radius: 4px; padding: 6px 8px;"
        )
        self.notice.hide()
        layout.insertWidget(0, self.notice)
        self.banner = QLabel()
        self.banner.setObjectName("fieldError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._fill()
        self._apply_permissions()

    # --- who may change what ---------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """A rep looking at someone else's deal: they may read it, not change it (the
        services refuse it anyway; the dialog says so up front)."""
        return (
            self.deal is not None
            and self.user.role == Role.REP
            and self.deal.owner_id != self.user.id
        )

    def _apply_permissions(self) -> None:
        if self.user.role == Role.REP:
            self.owner_combo.setEnabled(False)
            self.owner_combo.setToolTip(self.tr("Only a manager can reassign a deal."))
        if not self.read_only or self.deal is None:
            return
        self.details_page.setEnabled(False)
        for button in (self.log_call_button, self.add_activity_button):
            button.setEnabled(False)
            button.setToolTip(
                self.tr("Only the deal's owner or a manager can add activities to it.")
            )
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.notice.setText(
            self.tr(
                "This deal belongs to {owner}. You can look at it; only its owner or a "
                "manager can change it."
            ).format(owner=self.owner_combo.currentText())
        )
        self.notice.show()

    # --- building ------------------------------------------------------------------------------
    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName("fieldError")
        label.setWordWrap(True)
        label.hide()
        self.errors[field] = label
        return label

    def _row(self, form: QFormLayout, title: str, widget: QWidget, field: str) -> None:
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(self._error_label(field))
        form.addRow(title, box)

    def _build_details(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title_edit = QLineEdit()
        self._row(form, self.tr("Title"), self.title_edit, "title")

        self.customer_combo = QComboBox()
        self.customer_combo.setEditable(True)
        self.customer_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.customer_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.new_customer_button = QPushButton(self.tr("New customer…"))
        row = QHBoxLayout()
        row.addWidget(self.customer_combo, 1)
        row.addWidget(self.new_customer_button)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self._row(form, self.tr("Customer"), holder, "customer_id")

        self.contact_combo = QComboBox()
        self.new_contact_button = QPushButton(self.tr("New contact…"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.contact_combo, 1)
        row.addWidget(self.new_contact_button)
        holder = QWidget()
        holder.setLayout(row)
        self._row(form, self.tr("Contact"), holder, "contact_id")

        self.owner_combo = QComboBox()
        self._row(form, self.tr("Owner"), self.owner_combo, "owner_id")
        self.stage_combo = QComboBox()
        self._row(form, self.tr("Stage"), self.stage_combo, "stage_id")
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(self.tr("e.g. 12,300.00"))
        self._row(form, self.tr("Amount"), self.amount_edit, "amount")
        self.currency_edit = QLineEdit()
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setFixedWidth(70)
        self._row(form, self.tr("Currency"), self.currency_edit, "currency")
        self.close_edit = QDateEdit()
        self.close_edit.setCalendarPopup(True)
        self.close_edit.setMinimumDate(NO_DATE)
        self.close_edit.setSpecialValueText(self.tr("Not set"))
        self._row(form, self.tr("Expected close"), self.close_edit, "expected_close")
        self.source_combo = QComboBox()
        self._row(form, self.tr("Source"), self.source_combo, "source_id")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText(self.tr("Notes about this deal"))
        self._row(form, self.tr("Notes"), self.notes_edit, "notes")
        self.lost_reason_combo = QComboBox()
        self.lost_reason_row = QLabel()
        form.addRow(self.lost_reason_row)

        self.new_customer_button.clicked.connect(self._on_new_customer_clicked)
        self.new_contact_button.clicked.connect(self._on_new_contact_clicked)
        self.customer_combo.currentIndexChanged.connect(self._load_contacts)
        return page

    def _build_changes(self) -> QWidget:
        """The audit log: who changed the owner, amount, expected close or stage, and when."""
        self.audit_list = QTreeWidget()
        self.audit_list.setRootIsDecorated(False)
        self.audit_list.setUniformRowHeights(True)
        self.audit_list.setStyleSheet(TIMELINE_STYLE)
        self.audit_list.setHeaderLabels(
            [self.tr("When"), self.tr("By"), self.tr("Field"), self.tr("Change")]
        )
        self.audit_list.setColumnWidth(0, 150)
        self.audit_list.setColumnWidth(1, 150)
        self.audit_list.setColumnWidth(2, 120)
        # Also what a deal shows whose changes predate the audit log (databases before 0006).
        self.audit_empty = QLabel(
            "<p style='font-size: 11pt; color: #374151;'>"
            + self.tr("No changes recorded yet")
            + "</p><p>"
            + self.tr(
                "Changes to the owner, amount, expected close and stage are listed here, "
                "with who made them and when."
            )
            + "</p>"
        )
        self.audit_empty.setTextFormat(Qt.TextFormat.RichText)
        self.audit_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.audit_empty.setWordWrap(True)
        self.audit_empty.setStyleSheet("background: palette(base); color: #6b7280; padding: 24px;")
        self.audit_stack = QStackedWidget()
        self.audit_stack.addWidget(self.audit_list)
        self.audit_stack.addWidget(self.audit_empty)
        return self.audit_stack

    def _build_activities(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.log_call_button = QPushButton(self.tr("Log a call"))
        self.add_activity_button = QPushButton(self.tr("Add activity…"))
        self.complete_button = QPushButton(self.tr("Mark done"))
        for b in (self.log_call_button, self.add_activity_button, self.complete_button):
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.activity_list = QListWidget()
        layout.addWidget(self.activity_list)
        self.log_call_button.clicked.connect(self._on_log_call_clicked)
        self.add_activity_button.clicked.connect(self._on_add_activity_clicked)
        self.complete_button.clicked.connect(self._on_complete_clicked)
        self.activity_list.itemDoubleClicked.connect(lambda _item: self._on_complete_clicked())
        return page

    # --- filling --------------------------------------------------------------------------------
    def _fill(self) -> None:
        d = self.deal
        self.customer_combo.addItem(self.tr("(none)"), None)
        for cid, name in customers.customer_names(self.db):
            self.customer_combo.addItem(name, cid)
        for u in users.list_users(self.db, include_inactive=d is not None):
            self.owner_combo.addItem(u.name, u.id)
        for st in self.pipeline.stages:
            if d is None and st.kind is not StageKind.OPEN:
                continue
            self.stage_combo.addItem(st.label(self.lang), st.id)
        self.source_combo.addItem(self.tr("(none)"), None)
        for src in lists.list_items(self.db, "sources", include_inactive=d is not None):
            self.source_combo.addItem(src.label(self.lang), src.id)
        if d is None:
            self.currency_edit.setText(get_setting(self.db, "currency", "USD") or "USD")
            self._select(self.owner_combo, self.user.id)
            self.close_edit.setDate(NO_DATE)
            self._load_contacts()
            return
        self.title_edit.setText(d.title)
        self._select(self.customer_combo, d.customer_id)
        self._load_contacts()
        self._select(self.contact_combo, d.contact_id)
        self._select(self.owner_combo, d.owner_id)
        self._select(self.stage_combo, d.stage_id)
        self._select(self.source_combo, d.source_id)
        self.amount_edit.setText(QLocale().toString(float(d.amount), "f", 2))
        self.currency_edit.setText(d.currency)
        if d.expected_close:
            self.close_edit.setDate(
                QDate(d.expected_close.year, d.expected_close.month, d.expected_close.day)
            )
        else:
            self.close_edit.setDate(NO_DATE)
        self.notes_edit.setPlainText(d.notes or "")
        if d.stage_kind is StageKind.LOST and d.lost_reason_id:
            reasons = {
                r.id: r.label(self.lang)
                for r in lists.list_items(self.db, "lost_reasons", include_inactive=True)
            }
            self.lost_reason_row.setText(
                self.tr("Lost: {reason}").format(reason=reasons.get(d.lost_reason_id, "?"))
            )
        self._fill_history()
        self._fill_audit()
        self._fill_activities()

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        i = combo.findData(value)
        if i >= 0:
            combo.setCurrentIndex(i)

    def _load_contacts(self) -> None:
        self.contact_combo.clear()
        self.contact_combo.addItem(self.tr("(none)"), None)
        cid = self.customer_combo.currentData()
        self.new_contact_button.setEnabled(cid is not None)
        if cid is None:
            return
        for c in customers.list_contacts(self.db, cid):
            self.contact_combo.addItem(c.name + (f" · {c.title}" if c.title else ""), c.id)

    def _fill_history(self) -> None:
        assert self.deal is not None
        names = {u.id: u.name for u in users.list_users(self.db, include_inactive=True)}
        stage_names = {s.id: s.label(self.lang) for s in self.pipeline.stages}
        kinds = {s.id: s.kind for s in self.pipeline.stages}
        positions = {s.id: s.position for s in self.pipeline.stages}
        history = deals.deal_history(self.db, self.deal.id)
        self.history_list.clear()
        for i, t in enumerate(history):
            until = history[i + 1].at if i + 1 < len(history) else None
            stay = ((until or datetime.now(UTC)) - t.at).total_seconds() / 86400
            to_name = stage_names.get(t.to_stage_id, self.tr("(removed stage)"))
            if t.from_stage_id is None:
                what = self.tr("Created in {stage}").format(stage=to_name)
            else:
                what = self.tr("{old} → {new}").format(
                    old=stage_names.get(t.from_stage_id, "?"), new=to_name
                )
            who = names.get(t.by_user_id, self.tr("unknown")) if t.by_user_id else self.tr("import")
            days_text = (
                self.tr("{n} days").format(n=f"{stay:.1f}")
                if until is not None
                else self.tr("{n} days so far").format(n=f"{stay:.1f}")
            )
            item = QTreeWidgetItem([fmt.date_time(t.at), what, who, days_text])
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            kind = kinds.get(t.to_stage_id)
            if kind is StageKind.WON:
                item.setForeground(1, QColor("#2b8a3e"))
            elif kind is StageKind.LOST:
                item.setForeground(1, QColor("#c92a2a"))
            if (
                t.from_stage_id is not None
                and positions.get(t.to_stage_id, 0) < positions.get(t.from_stage_id, 0)
                and kind is StageKind.OPEN
            ):
                item.setToolTip(1, self.tr("Moved back"))
                item.setForeground(1, QColor("#e8590c"))
            self.history_list.addTopLevelItem(item)

    def _fill_audit(self) -> None:
        assert self.deal is not None
        entries = deals.deal_audit(self.db, self.deal.id, lang=self.lang)
        self.audit_list.clear()
        # The fields one save changed (same time, same user) form one block, newest block
        # first, its fields in the order of the form: when and who on its first line, the
        # blocks banded in turn.
        shaded = True
        for _write, block in groupby(entries, key=lambda e: (e.at, e.user_id)):
            shaded = not shaded
            for i, e in enumerate(sorted(block, key=lambda e: AUDIT_ORDER.index(e.field))):
                self.audit_list.addTopLevelItem(self._audit_item(e, first=i == 0, shaded=shaded))
        self.audit_stack.setCurrentWidget(self.audit_list if entries else self.audit_empty)

    def _audit_item(self, e: AuditInfo, *, first: bool, shaded: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem(
            [
                fmt.date_time(e.at) if first else "",
                (e.user_name or self.tr("unknown")) if first else "",
                audit_field_label(e.field),
                self.tr("{old} → {new}").format(
                    old=self._audit_value(e, old=True), new=self._audit_value(e, old=False)
                ),
            ]
        )
        if shaded:
            band = self.audit_list.palette().alternateBase()
            for column in range(item.columnCount()):
                item.setBackground(column, band)
        if e.field is AuditField.STAGE and e.new_value is not None and e.new_value.isdigit():
            kind = next((s.kind for s in self.pipeline.stages if s.id == int(e.new_value)), None)
            if kind is StageKind.WON:
                item.setForeground(3, QColor("#2b8a3e"))
            elif kind is StageKind.LOST:
                item.setForeground(3, QColor("#c92a2a"))
        return item

    def _audit_value(self, entry: AuditInfo, *, old: bool) -> str:
        """One side of an audited change, as the rest of the dialog shows such a value."""
        raw, value = (entry.old_value, entry.old) if old else (entry.new_value, entry.new)
        if raw is None:
            return self.tr("Not set")
        if value is None:
            return {
                AuditField.OWNER: self.tr("(removed user)"),
                AuditField.STAGE: self.tr("(removed stage)"),
            }.get(entry.field, raw)
        if isinstance(value, Decimal):
            assert self.deal is not None
            # Both sides with cents when either has them, so the two amounts line up.
            cents = any(
                isinstance(v, Decimal) and v != v.to_integral_value()
                for v in (entry.old, entry.new)
            )
            return fmt.money(value, self.deal.currency, cents=cents)
        if isinstance(value, date):
            return fmt.short_date(value)
        return value

    def _fill_activities(self) -> None:
        assert self.deal is not None
        self.activity_list.clear()
        now = datetime.now(UTC)
        for a in activities.list_activities(self.db, deal_id=self.deal.id):
            if a.done_at:
                state = self.tr("done {when}").format(when=fmt.date_time(a.done_at))
            elif a.due_at:
                state = self.tr("due {when}").format(when=fmt.date_time(a.due_at))
            else:
                state = self.tr("open")
            item = QListWidgetItem(
                f"{'✔' if a.done_at else '○'}  {activity_kind_label(a.kind)}: "
                f"{a.subject}   · {state}"
            )
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            if a.done_at is None and a.due_at is not None and a.due_at < now:
                item.setForeground(Qt.GlobalColor.red)
            self.activity_list.addItem(item)

    # --- saving ----------------------------------------------------------------------------------
    def _values(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The form as service arguments, plus problems found before asking the service."""
        problems: list[tuple[str, str]] = []
        amount_text = self.amount_edit.text().strip()
        amount: Any = parse_amount(amount_text) if amount_text else Decimal("0")
        if amount is None:
            problems.append(("amount", self.tr("Enter a number, for example 12,300.00.")))
        close = self.close_edit.date()
        values: dict[str, Any] = {
            "title": self.title_edit.text(),
            "customer_id": self.customer_combo.currentData(),
            "contact_id": self.contact_combo.currentData(),
            "owner_id": self.owner_combo.currentData(),
            "amount": amount,
            "currency": self.currency_edit.text().strip().upper() or None,
            "expected_close": None if close == NO_DATE else close.toPython(),
            "source_id": self.source_combo.currentData(),
            "notes": self.notes_edit.toPlainText() or None,
        }
        if self.customer_combo.currentIndex() < 0 or (
            self.customer_combo.currentText().strip()
            and self.customer_combo.currentText()
            != self.customer_combo.itemText(self.customer_combo.currentIndex())
        ):
            problems.append(
                ("customer_id", self.tr("Pick a customer from the list, or create one."))
            )
        return values, problems

    def _show_errors(self, errors: list[tuple[str, str]]) -> None:
        for label in self.errors.values():
            label.hide()
        unplaced = []
        for field, message in errors:
            label = self.errors.get(field)
            if label is None:
                unplaced.append(message)
                continue
            label.setText(message)
            label.show()
        self.banner.setText("\n".join(unplaced))
        self.banner.setVisible(bool(unplaced))
        if errors:
            self.tabs.setCurrentIndex(0)

    def save(self) -> None:
        values, problems = self._values()
        if problems:
            self._show_errors(problems)
            return
        try:
            if self.deal is None:
                outcome = deals.create_deal(
                    self.db,
                    by=self.user.id,
                    pipeline_id=self.pipeline.id,
                    stage_id=self.stage_combo.currentData(),
                    **values,
                )
                self.ops.bus.publish(outcome.changes)
                self.deal = outcome.value
            else:
                current = self.deal
                changes = {
                    k: v
                    for k, v in values.items()
                    if getattr(current, k) != v
                    and not (k == "notes" and not v and not current.notes)
                }
                if changes:
                    self.deal = self.ops.edit_deal(current, changes)
                target = self.stage_combo.currentData()
                if target != self.deal.stage_id:
                    moved = self.ops.move_cards([self.deal], target, self.pipeline)
                    if not moved:
                        self.deal = deals.get_deal(self.db, self.deal.id)
                        self._select(self.stage_combo, self.deal.stage_id)
                        # The edit may have been saved before the move was refused.
                        self._fill_history()
                        self._fill_audit()
                        return
        except ValidationError as exc:
            self._show_errors([(e.field, describe_field(e)) for e in exc.errors])
            return
        except Conflict as exc:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Changed by someone else"),
                error_message(exc),
                parent=self,
            )
            reload_button = box.addButton(
                self.tr("Reload their version"), QMessageBox.ButtonRole.AcceptRole
            )
            box.addButton(self.tr("Keep my input"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is reload_button and self.deal is not None:
                self.deal = deals.get_deal(self.db, self.deal.id)
                self._reset_form()
            return
        except CrmError as exc:
            self._show_errors([("", error_message(exc))])
            return
        self.accept()

    def _reset_form(self) -> None:
        for combo in (self.customer_combo, self.owner_combo, self.stage_combo, self.source_combo):
            combo.clear()
        self._fill()

    # --- inline creation -----------------------------------------------------------------------
    def _on_new_customer_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New customer"), self.tr("Company name"))
        if not ok or not name.strip():
            return
        outcome = self.ops.run(
            lambda: customers.create_customer(self.db, by=self.user.id, company=name)
        )
        if outcome is not None:
            self.customer_combo.addItem(outcome.value.company, outcome.value.id)
            self._select(self.customer_combo, outcome.value.id)

    def _on_new_contact_clicked(self) -> None:
        cid = self.customer_combo.currentData()
        if cid is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New contact"), self.tr("Name"))
        if not ok or not name.strip():
            return
        outcome = self.ops.run(
            lambda: customers.create_contact(self.db, cid, by=self.user.id, name=name)
        )
        if outcome is not None:
            self._load_contacts()
            self._select(self.contact_combo, outcome.value.id)

    # --- activities ------------------------------------------------------------------------------
    def _on_log_call_clicked(self) -> None:
        assert self.deal is not None
        deal = self.deal
        outcome = self.ops.run(
            lambda: activities.log_activity(
                self.db,
                by=self.user.id,
                kind=ActivityKind.CALL,
                subject=self.tr("Call about {title}").format(title=deal.title),
                deal_id=deal.id,
                owner_id=self.user.id,
                done=True,
            )
        )
        if outcome is not None:
            self._fill_activities()

    def _on_add_activity_clicked(self) -> None:
        assert self.deal is not None
        dialog = ActivityDialog(parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, subject, due = dialog.values()
        deal = self.deal
        outcome = self.ops.run(
            lambda: activities.log_activity(
                self.db,
                by=self.user.id,
                kind=kind,
                subject=subject,
                deal_id=deal.id,
                owner_id=self.user.id,
                due_at=due,
            )
        )
        if outcome is not None:
            self._fill_activities()

    def _on_complete_clicked(self) -> None:
        item = self.activity_list.currentItem()
        if item is None:
            return
        activity_id = item.data(Qt.ItemDataRole.UserRole)
        outcome = self.ops.run(
            lambda: activities.complete_activity(self.db, activity_id, by=self.user.id)
        )
        if outcome is not None:
            self._fill_activities()


class ActivityDialog(QDialog):
    """Plan a follow-up: its kind, subject and due time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New activity"))
        form = QFormLayout(self)
        self.kind_combo = QComboBox()
        for kind in ActivityKind:
            self.kind_combo.addItem(activity_kind_label(kind), kind.value)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData("task"))
        self.subject_edit = QLineEdit()
        self.due_edit = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.due_edit.setCalendarPopup(True)
        self.error = QLabel(self.tr("Enter a subject."))
        self.error.setObjectName("fieldError")
        self.error.hide()
        form.addRow(self.tr("Kind"), self.kind_combo)
        form.addRow(self.tr("Subject"), self.subject_edit)
        form.addRow("", self.error)
        form.addRow(self.tr("Due"), self.due_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_buttons_accepted(self) -> None:
        if not self.subject_edit.text().strip():
            self.error.show()
            return
        self.accept()

    def values(self) -> tuple[str, str, datetime]:
        due = self.due_edit.dateTime().toPython().astimezone(UTC)
        return self.kind_combo.currentData(), self.subject_edit.text(), due
