"""Paints one card: no widgets, so a column of thousands of cards scrolls smoothly."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from crmdesk.domain.reports import DealCard
from crmdesk.ui import format as fmt
from crmdesk.ui.board.model import CARD_ROLE

CARD_HEIGHT = 92
MARGIN_X = 8
MARGIN_Y = 4
PALETTE = ("#1c7ed6", "#2b8a3e", "#e8590c", "#862e9c", "#c2255c", "#0b7285", "#5c940d", "#364fc7")
ROT_COLOR = QColor("#e8590c")
OVERDUE_COLOR = QColor("#e03131")
MUTED = QColor("#6b7280")
TEXT = QColor("#1f2937")
BORDER = QColor("#d8dde6")
SELECTED_BORDER = QColor("#1c7ed6")
SELECTED_FILL = QColor("#eef5ff")


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
        rect = QRectF(option.rect).adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)

        path = QPainterPath()
        path.addRoundedRect(rect, 6, 6)
        painter.fillPath(path, SELECTED_FILL if selected else QColor("#ffffff"))
        painter.setPen(
            QPen(
                SELECTED_BORDER if selected else BORDER.darker(110 if hovered else 100),
                1.5 if selected else 1,
            )
        )
        painter.drawPath(path)
        if card.rotting:
            stripe = QPainterPath()
            stripe.addRoundedRect(QRectF(rect.left(), rect.top(), 5, rect.height()), 2.5, 2.5)
            painter.fillPath(stripe, ROT_COLOR)

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
        painter.setPen(TEXT)
        title = QFontMetrics(bold).elidedText(card.title, Qt.TextElideMode.ElideRight, text_width)
        line_h = QFontMetrics(bold).height()
        painter.drawText(
            QRectF(inner.left(), inner.top(), text_width, line_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        painter.setFont(base)
        painter.setPen(MUTED)
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
        painter.setPen(TEXT)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fmt.money(card.amount, card.currency),
        )
        painter.setFont(small)
        metrics = QFontMetrics(small)
        x = bottom.right()
        # Days in stage (orange with a warning sign when the deal is rotting).
        days_text = fmt.days(card.days_in_stage)
        if card.rotting:
            days_text = "⚠ " + days_text
        x = self._text_left_of(
            painter, x, bottom, days_text, ROT_COLOR if card.rotting else MUTED, metrics
        )
        # The next activity: a small clock and its date, red when overdue.
        if card.next_due_at is not None:
            color = OVERDUE_COLOR if card.overdue else MUTED
            small_bold = QFont(small)
            small_bold.setBold(card.overdue)
            painter.setFont(small_bold)
            x = self._text_left_of(
                painter,
                x - 12,
                bottom,
                fmt.short_date(card.next_due_at),
                color,
                QFontMetrics(small_bold),
            )
            self._clock(painter, x - 7, bottom.center().y(), color)
        else:
            self._text_left_of(
                painter,
                x - 12,
                bottom,
                self.tr("no next step"),
                OVERDUE_COLOR if card.rotting else MUTED,
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
