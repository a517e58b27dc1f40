"""Paints one card: no widgets, so a column of thousands of cards scrolls smoothly.

The colours come from the view's palette (``style.theme_for``): light cards in the light
theme, dark ones in the dark theme, switching with it.
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimeZone,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from crmdesk.domain.reports import DealCard
from crmdesk.ui import format as fmt
from crmdesk.ui.board.model import CARD_ROLE
from crmdesk.ui.style import theme_for

CARD_HEIGHT = 92
MARGIN_X = 8
MARGIN_Y = 4
PALETTE = ("#1c7ed6", "#2b8a3e", "#e8590c", "#862e9c", "#c2255c", "#0b7285", "#5c940d", "#364fc7")


def _day_and_month(value: datetime) -> str:
    """The local day of ``value`` in the locale's short format without the year
    ("11/27" for 11/27/26, "27/11" for 27/11/2026)."""
    local = QDateTime(value).toTimeZone(QTimeZone.systemTimeZone()).date()
    pattern = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    short = re.sub(r"^y+[^dM]*|[^dM]*y+$", "", pattern)
    return QLocale().toString(local, short if "y" not in short else pattern)


def owner_color(owner_id: int) -> QColor:
    return QColor(PALETTE[owner_id % len(PALETTE)])


class CardDelegate(QStyledItemDelegate):
    """Draws a deal card: title, customer, amount, owner initials, days in stage, the next
    activity (red when overdue) and a rotting mark."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(max(option.rect.width(), 200), CARD_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card: DealCard | None = index.data(CARD_ROLE)
        if card is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = theme_for(option.palette)
        rot_color = QColor(theme.rot)
        overdue_color = QColor(theme.overdue)
        muted = QColor(theme.card_muted)
        rect = QRectF(option.rect).adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)

        path = QPainterPath()
        path.addRoundedRect(rect, 6, 6)
        painter.fillPath(path, QColor(theme.card_selected if selected else theme.card))
        line = QColor(theme.card_line)
        if hovered and not selected:
            line = line.lighter(135) if theme.dark else line.darker(110)
        painter.setPen(
            QPen(
                QColor(theme.card_selected_line) if selected else line,
                1.5 if selected else 1,
            )
        )
        painter.drawPath(path)
        if card.rotting:
            stripe = QPainterPath()
            stripe.addRoundedRect(QRectF(rect.left(), rect.top(), 5, rect.height()), 2.5, 2.5)
            painter.fillPath(stripe, rot_color)

        inner = rect.adjusted(12, 8, -10, -8)
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.88, 7.0))

        # Owner initials, top right.
        bubble = QRectF(inner.right() - 24, inner.top(), 24, 24)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(owner_color(card.owner_id))
        painter.drawEllipse(bubble)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(small)
        painter.drawText(bubble, Qt.AlignmentFlag.AlignCenter, card.owner_initials)

        # Title and customer.
        text_width = int(inner.width() - 30)
        painter.setFont(bold)
        painter.setPen(QColor(theme.card_title))
        title = QFontMetrics(bold).elidedText(card.title, Qt.TextElideMode.ElideRight, text_width)
        line_h = QFontMetrics(bold).height()
        painter.drawText(
            QRectF(inner.left(), inner.top(), text_width, line_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        painter.setFont(base)
        painter.setPen(muted)
        customer = QFontMetrics(base).elidedText(
            card.customer_name or self.tr("No customer"), Qt.TextElideMode.ElideRight, text_width
        )
        y = inner.top() + line_h + 2
        painter.drawText(
            QRectF(inner.left(), y, text_width, line_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            customer,
        )

        # Bottom line: amount on the left; days in stage and the next activity on the right.
        bottom = QRectF(inner.left(), inner.bottom() - line_h, inner.width(), line_h)
        painter.setFont(bold)
        painter.setPen(QColor(theme.card_text))
        amount = fmt.money(card.amount, card.currency)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, amount)
        # What is drawn right of the amount keeps this far from it.
        free_from = bottom.left() + QFontMetrics(bold).horizontalAdvance(amount) + 8
        painter.setFont(small)
        metrics = QFontMetrics(small)
        x = bottom.right()
        # Days in stage (orange with a warning sign when the deal is rotting).
        days_text = fmt.days(card.days_in_stage)
        if card.rotting:
            days_text = "⚠ " + days_text
        x = self._text_left_of(
            painter, x, bottom, days_text, rot_color if card.rotting else muted, metrics
        )
        # The next activity: a small clock and its date, red when overdue.
        if card.next_due_at is not None:
            color = overdue_color if card.overdue else muted
            small_bold = QFont(small)
            small_bold.setBold(card.overdue)
            painter.setFont(small_bold)
            bold_metrics = QFontMetrics(small_bold)
            when = fmt.short_date(card.next_due_at)
            if x - 12 - bold_metrics.horizontalAdvance(when) - 14 < free_from:
                when = _day_and_month(card.next_due_at)  # a long amount: the year goes
            if x - 12 - bold_metrics.horizontalAdvance(when) >= free_from:
                x = self._text_left_of(painter, x - 12, bottom, when, color, bold_metrics)
                if x - 14 >= free_from:
                    self._clock(painter, x - 7, bottom.center().y(), color)
        else:
            text = self.tr("no next step")
            if x - 12 - metrics.horizontalAdvance(text) >= free_from:
                self._text_left_of(
                    painter,
                    x - 12,
                    bottom,
                    text,
                    overdue_color if card.rotting else muted,
                    metrics,
                )
        painter.restore()

    @staticmethod
    def _text_left_of(
        painter: QPainter,
        right: float,
        box: QRectF,
        text: str,
        color: QColor,
        metrics: QFontMetrics,
    ) -> float:
        width = metrics.horizontalAdvance(text)
        painter.setPen(color)
        painter.drawText(
            QRectF(right - width, box.top(), width, box.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        return right - width

    @staticmethod
    def _clock(painter: QPainter, cx: float, cy: float, color: QColor) -> None:
        painter.setPen(QPen(color, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(cx - 5, cy - 5, 10, 10))
        painter.drawLine(QPointF(cx, cy), QPointF(cx, cy - 3.2))
        painter.drawLine(QPointF(cx, cy), QPointF(cx + 2.5, cy))
