"""Small dialogs the board needs: confirming a win, choosing why a deal was lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmdesk.domain import LookupItem


def _to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def parse_amount(text: str) -> Decimal | None:
    """An amount typed in the user's locale ("12,300.50", "¥12,300"); None if unreadable."""
    loc = QLocale()
    cleaned = text.strip()
    for junk in (loc.groupSeparator(), " ", "\u00a0", "$", "¥", "€", "£"):
        cleaned = cleaned.replace(junk, "")
    cleaned = cleaned.replace(loc.decimalPoint(), ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class WonDialog(QDialog):
    """Confirm the amount and the close date of a won deal (or of several)."""

    def __init__(
        self, *, count: int, amount: Decimal | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark as won"))
        layout = QVBoxLayout(self)
        if count == 1:
            layout.addWidget(QLabel(self.tr("Confirm the amount and the date the deal was won.")))
        else:
            layout.addWidget(QLabel(self.tr("Mark {n} deals as won on this date.").format(n=count)))
        form = QFormLayout()
        self.amount_edit = QLineEdit()
        if amount is not None:
            self.amount_edit.setText(QLocale().toString(float(amount), "f", 2))
        self.amount_error = QLabel()
        self.amount_error.setStyleSheet("color: #e03131")
        self.amount_error.hide()
        if count == 1:
            form.addRow(self.tr("Amount"), self.amount_edit)
            form.addRow("", self.amount_error)
        self.date_edit = QDateEdit(_to_qdate(date.today()))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(_to_qdate(date.today()))
        form.addRow(self.tr("Won on"), self.date_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._count = count

    def _on_buttons_accepted(self) -> None:
        if self._count == 1 and parse_amount(self.amount_edit.text()) is None:
            self.amount_error.setText(self.tr("Enter the amount, for example 12,300.00."))
            self.amount_error.show()
            return
        self.accept()

    def amount(self) -> Decimal | None:
        return parse_amount(self.amount_edit.text()) if self._count == 1 else None

    def closed_at(self) -> datetime | None:
        """The chosen day; None (meaning "now") when it is today."""
        d = self.date_edit.date().toPython()
        if d >= date.today():
            return None
        local_noon = datetime.combine(d, time(12, 0)).astimezone()
        return local_noon.astimezone(UTC)


class LostDialog(QDialog):
    """Ask why a deal (or several) was lost. A reason is required."""

    def __init__(
        self, *, count: int, reasons: list[LookupItem], lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark as lost"))
        layout = QVBoxLayout(self)
        text = (
            self.tr("Why was this deal lost?")
            if count == 1
            else self.tr("Why were these {n} deals lost?").format(n=count)
        )
        layout.addWidget(QLabel(text))
        self.reason_combo = QComboBox()
        self.reason_combo.addItem(self.tr("Choose a reason…"), None)
        for r in reasons:
            self.reason_combo.addItem(r.label(lang), r.id)
        layout.addWidget(self.reason_combo)
        self.error = QLabel(self.tr("A lost reason is required."))
        self.error.setStyleSheet("color: #e03131")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _on_buttons_accepted(self) -> None:
        if self.reason_combo.currentData() is None:
            self.error.show()
            return
        self.accept()

    def reason_id(self) -> int | None:
        return self.reason_combo.currentData()
