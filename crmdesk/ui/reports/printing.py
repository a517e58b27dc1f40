"""The printed management pack: print, print preview and PDF of the reports.

:func:`build_pack` lays the pack out as a :class:`PackDocument` (a ``QTextDocument``):
a cover with the period, the filters and when it was made, the KPI page, then one
section per report with its chart (the reports tab's own chart widget, rendered at
print resolution) and its full table (every row; the header repeats on each page).
``sections=["forecast"]`` gives one report alone ("print the current report").

:func:`paint_pack` is the one drawing function: print (:func:`print_dialog`), the
preview (:func:`preview_dialog`) and PDF (:func:`export_pdf`) all go through it. It
paginates the document on whatever page the device has, and draws the header (the
title and the period), the footer (when and by what it was made, "Page N of M") and
the contents' page numbers.

The document is laid out in units of 1/96 inch whatever the screen, so the pack
breaks its pages the same on every machine; the painter scales that to the device.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextOption,
    QTextTable,
    QTextTableFormat,
)
from PySide6.QtWidgets import QWidget

from crmdesk.domain.periods import previous_range
from crmdesk.domain.reports import Kpis
from crmdesk.ui import format as fmt
from crmdesk.ui.reports import charts, tables
from crmdesk.ui.reports.data import ReportData, monthly_target

__all__ = [
    "PACK_SECTIONS",
    "REPORT_SECTIONS",
    "PackDocument",
    "build_pack",
    "describe_filter",
    "export_pdf",
    "monthly_target",
    "paint_pack",
    "preview_dialog",
    "print_dialog",
]

#: The reports, in the order of the tab and of the pack.
REPORT_SECTIONS = (
    "funnel",
    "stages",
    "forecast",
    "targets",
    "performance",
    "new_customers",
    "activity",
)
#: What ``sections`` may name: the KPI page and the reports.
PACK_SECTIONS = ("kpis", *REPORT_SECTIONS)

#: The layout unit: 1/96 inch, the resolution the document is laid out at.
UNIT_DPI = 96
#: The chart's size on paper (document units) and the pixels it is rendered at.
CHART_WIDTH = 680.0
CHART_ASPECT = 0.5
CHART_PIXELS = 1800
#: The logical size the chart widget lays itself out at before it is scaled down to
#: CHART_WIDTH: wide enough for a year of month labels, small enough for its fonts.
CHART_LOGICAL_WIDTH = 820
#: Page set-up (mm): A4 portrait, the margins, and the header and footer bands.
MARGINS_MM = QMarginsF(15, 12, 15, 12)
HEADER_MM = 9.0
FOOTER_MM = 9.0

INK = "#1f2937"
MUTED = "#6b7280"
RULE = "#ced4da"
HEAD_BG = "#e9ecef"
ALT_BG = "#f8f9fa"
ACCENT = "#1c7ed6"
GOOD = "#2f9e44"
BAD = "#e03131"

#: Fonts with Chinese glyphs, most preferred first; those present are added to the
#: application's family so that Chinese renders (Qt falls back to others by itself).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "SimSun",
    "AR PL UMing CN",
)


def tr(text: str) -> str:
    return QCoreApplication.translate("Pack", text)


def section_titles() -> dict[str, str]:
    return {
        "kpis": tr("Key figures"),
        "funnel": tr("Funnel"),
        "stages": tr("Stage efficiency"),
        "forecast": tr("Forecast"),
        "targets": tr("Targets"),
        "performance": tr("Performance"),
        "new_customers": tr("New customers"),
        "activity": tr("Activity"),
    }


def _descriptions() -> dict[str, str]:
    return {
        "funnel": tr(
            "Deals created in the period and how far they got: how many reached each "
            "stage, the share that went on to the next one, and how many were won. The "
            "weakest step is in red."
        ),
        "stages": tr(
            "How long deals stay in each open stage (average and median days) and the "
            "share that moves on to the next stage; the bottleneck stage is highlighted."
        ),
        "forecast": tr(
            "Left of the dotted line: each past month's forecast at the start of the month "
            "against the amount won. Right: open deals by expected close month, their "
            "amount weighted by stage probability and by the team's history."
        ),
        "targets": tr(
            "Each target's attainment so far against 100 %, and a black mark where it "
            "should be by today: green is ahead, blue on track, orange behind."
        ),
        "performance": tr(
            "Won amount per salesperson in the period; the table adds the rates, the "
            "pipeline and the activity behind it."
        ),
        "new_customers": tr(
            "New customers per month, stacked by lead source, with each source's share of "
            "leads won."
        ),
        "activity": tr(
            "Done activities per week, by kind. The tables give them per salesperson and "
            "week, then the overdue tasks and the deals that are rotting."
        ),
    }


def kind_names() -> dict[str, str]:
    return {
        "call": tr("Calls"),
        "meeting": tr("Meetings"),
        "email": tr("E-mails"),
        "task": tr("Tasks"),
        "note": tr("Notes"),
    }


# --- text helpers ------------------------------------------------------------------------------


def _chinese() -> bool:
    from PySide6.QtCore import QLocale

    return QLocale().language() == QLocale.Language.Chinese


def long_date(d: date) -> str:
    """``1 Apr 2025`` (``2025年4月1日`` in Chinese), in the default locale."""
    from PySide6.QtCore import QLocale

    pattern = "yyyy年M月d日" if _chinese() else "d MMM yyyy"
    return QLocale().toString(QDate(d.year, d.month, d.day), pattern)


def period_text(frm: date | None, to: date | None) -> str:
    """A half-open period ``[frm, to)`` as people read it: its inclusive last day."""
    last = date.fromordinal(to.toordinal() - 1) if to is not None else None
    if frm is None and last is None:
        return tr("All time")
    if frm is None:
        assert last is not None
        return tr("Until {date}").format(date=long_date(last))
    if last is None:
        return tr("From {date}").format(date=long_date(frm))
    return f"{long_date(frm)} – {long_date(last)}"


def made_text(made_at: datetime) -> str:
    """When the pack was made, with the zone when the time has one."""
    from PySide6.QtCore import QLocale, QTime

    d = made_at.date()
    clock = QLocale().toString(QTime(made_at.hour, made_at.minute), "HH:mm")
    text = f"{long_date(d)} {clock}"
    zone = made_at.tzname() if made_at.tzinfo is not None else None
    return f"{text} {zone}" if zone else text


def describe_filter(
    owners: Sequence[str] | None = None,
    pipeline: str | None = None,
    source: str | None = None,
) -> str:
    """The filter as one line for the cover: who, which pipeline, which source."""
    who = ", ".join(owners) if owners else tr("Whole team")
    parts = [who]
    if pipeline:
        parts.append(tr("Pipeline: {name}").format(name=pipeline))
    parts.append(tr("Source: {name}").format(name=source) if source else tr("All sources"))
    return " · ".join(parts)


def pack_font(lang: str, point_size: float = 9.0) -> QFont:
    """The application's font family, then the Chinese families that are present, so
    Chinese renders in the PDF; never a family that is missing. ``lang`` is kept for a
    language whose fonts should come first."""
    font = QFont(QGuiApplication.font())
    # The family the application's font resolves to ("Sans Serif" is only an alias).
    family = QFontInfo(font).family() or font.family()
    try:
        present = set(QFontDatabase.families())
    except Exception:  # no font database (should not happen with an application)
        present = set()
    cjk = [f for f in CJK_FAMILIES if f in present and f != family]
    # The application's family first, as on screen (it has the bold the headings use);
    # Chinese glyphs come from the first Simplified Chinese family present.
    families = [family, *cjk]
    font.setFamilies(families)
    font.setPointSizeF(point_size)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


# --- charts at print resolution ---------------------------------------------------------------


def render_chart(
    chart: charts.ReportChart,
    show: Callable[[charts.ReportChart], None],
    *,
    pixels: int = CHART_PIXELS,
    logical_width: int = CHART_LOGICAL_WIDTH,
    aspect: float = CHART_ASPECT,
) -> QImage:
    """Lay ``chart`` out offscreen at ``logical_width``, fill it with ``show`` and render
    it into an image ``pixels`` wide: sharp on paper, with its fonts at their size."""
    w, h = logical_width, round(logical_width * aspect)
    chart.set_paper(True)  # light on paper, whatever the screen's theme
    chart.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    chart.resize(w, h)
    chart.show()  # lays the plot out at its size (nothing appears on screen)
    show(chart)
    # The axes and the title size themselves to their text while they are painted and
    # lay the plot out again afterwards: paint, let the layout settle, then paint for real.
    for _ in range(3):
        _paint_chart(chart, QImage(w, h, QImage.Format.Format_RGB32), w, h)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        # A plot whose text needs more room than the canvas (a long title) would be cut
        # at the right: widen the canvas to what the plot needs, keeping the aspect.
        need = chart.getPlotItem().effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        if need <= w:
            break
        w = math.ceil(need) + 8
        h = round(w * aspect)
        chart.resize(w, h)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    ratio = pixels / w
    image = QImage(pixels, round(h * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    _paint_chart(chart, image, w, h)
    chart.hide()
    image.setDevicePixelRatio(1.0)
    return image


def _paint_chart(chart: charts.ReportChart, image: QImage, w: int, h: int) -> None:
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        source = chart.mapToScene(chart.viewport().rect()).boundingRect()
        chart.scene().render(painter, QRectF(0, 0, w, h), source)
    finally:
        painter.end()


def _chart_for(key: str, data: ReportData, currency: str) -> QImage:
    """The tab's chart for ``key``, filled exactly as ``ReportsTab.show_data`` does."""
    r = data.reports
    show: Callable[[Any], None]
    chart: charts.ReportChart
    if key == "funnel":
        chart = charts.FunnelChart()
        person = None
        if data.filter.owner_ids is not None and data.team_funnel is not None:
            person = next(
                (p for p in data.team_funnel.people if p.owner_id == data.filter.owner_ids[0]),
                None,
            )
        if person is not None and data.team_funnel is not None:
            team_funnel = data.team_funnel
            show = lambda c: c.show_report(team_funnel, person)  # noqa: E731
        else:
            show = lambda c: c.show_report(  # noqa: E731
                r.funnel, team_bottleneck=r.stages.bottleneck_stage_id
            )
    elif key == "stages":
        chart = charts.StageChart()
        show = lambda c: c.show_report(r.stages)  # noqa: E731
    elif key == "forecast":
        chart = charts.ForecastChart()
        target = monthly_target(data.reports.targets, data.filter)
        show = lambda c: c.show_report(r.forecast, target)  # noqa: E731
    elif key == "targets":
        chart = charts.TargetsChart()
        names = fmt.target_metric_names()
        show = lambda c: c.show_report(r.targets, names)  # noqa: E731
    elif key == "performance":
        chart = charts.PerformanceChart()
        show = lambda c: c.show_report(r.performance)  # noqa: E731
    elif key == "new_customers":
        chart = charts.NewCustomersChart()
        show = lambda c: c.show_report(r.new_customers)  # noqa: E731
    elif key == "activity":
        chart = charts.ActivityChart()
        kinds = kind_names()
        show = lambda c: c.show_report(r.activity, kinds)  # noqa: E731
    else:
        raise ValueError(f"unknown report {key!r}")
    try:
        return render_chart(chart, show)
    finally:
        chart.setParent(None)  # type: ignore[call-overload]
        chart.deleteLater()


@dataclass(frozen=True)
class _Table:
    caption: str
    columns: Sequence[Any]
    lines: Sequence[tables.Line]
    #: Rows in bold (the team, the totals).
    bold: frozenset[int] = frozenset()


def _tables_for(key: str, data: ReportData, currency: str) -> list[_Table]:
    """The tab's tables for ``key``, built by the same functions (every row)."""
    r = data.reports
    c = currency

    def last(lines: Sequence[Any]) -> frozenset[int]:
        return frozenset({len(lines) - 1}) if lines else frozenset()

    if key == "funnel":
        cols, lines = tables.funnel_table(r.funnel)
        return [_Table(tr("The team and each salesperson"), cols, lines, frozenset({0}))]
    if key == "stages":
        cols, lines = tables.stage_table(r.stages)
        return [_Table(tr("Open stages"), cols, lines)]
    if key == "forecast":
        cols, lines = tables.forecast_table(r.forecast, c)
        return [_Table(tr("Open deals by expected close"), cols, lines, last(lines))]
    if key == "targets":
        cols, lines = tables.targets_table(r.targets, c, fmt.target_metric_names())
        return [_Table(tr("Targets that overlap the period"), cols, lines)]
    if key == "performance":
        cols, lines = tables.performance_table(r.performance, c)
        return [_Table(tr("Each salesperson and the team"), cols, lines, last(lines))]
    if key == "new_customers":
        cols, lines = tables.new_customers_table(r.new_customers, c)
        return [_Table(tr("New customers by lead source"), cols, lines, last(lines))]
    if key == "activity":
        kinds = kind_names()
        out = []
        cols, lines = tables.activity_table(r.activity, kinds)
        out.append(_Table(tr("Done activities per salesperson and week"), cols, lines))
        cols, lines = tables.overdue_table(r.activity.overdue, kinds)
        out.append(_Table(tr("Overdue tasks"), cols, lines))
        cols, lines = tables.rotting_table(r.activity.rotting, c)
        out.append(_Table(tr("Rotting deals"), cols, lines))
        return out
    raise ValueError(f"unknown report {key!r}")


# --- the document ---------------------------------------------------------------------------


class _ChartObject(QPyTextObject):
    """Draws a chart image in the text flow: the width of the page's body (at most
    CHART_WIDTH), half as high, whatever the screen's resolution. An object with a
    HEIGHT instead is a bar across the body in COLOR (a rule, or a spacer without)."""

    TYPE = QTextFormat.ObjectTypes.UserObject + 1
    NAME = QTextFormat.Property.UserProperty + 1
    HEIGHT = QTextFormat.Property.UserProperty + 2
    COLOR = QTextFormat.Property.UserProperty + 3

    def __init__(self, parent: QTextDocument) -> None:
        super().__init__(parent)
        self.images: dict[str, QImage] = {}

    def intrinsicSize(self, doc: QTextDocument, pos: int, format: QTextFormat) -> QSizeF:
        body = doc.pageSize().width() - 2 * doc.documentMargin() - 1
        if format.hasProperty(self.HEIGHT):
            return QSizeF(max(body, 1.0), float(format.property(self.HEIGHT)))
        image = self.images.get(str(format.property(self.NAME)))
        width = CHART_WIDTH if body <= 0 else min(CHART_WIDTH, body)
        ratio = image.height() / image.width() if image is not None else CHART_ASPECT
        return QSizeF(width, width * ratio)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF,
        doc: QTextDocument,
        pos: int,
        format: QTextFormat,
    ) -> None:
        if format.hasProperty(self.HEIGHT):
            if format.hasProperty(self.COLOR):
                painter.fillRect(rect, QColor(str(format.property(self.COLOR))))
            return
        image = self.images.get(str(format.property(self.NAME)))
        if image is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(rect, image)
        painter.setPen(QPen(QColor(RULE), 0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        painter.restore()


class PackDocument(QTextDocument):
    """The pack laid out as text, tables and charts, and what the page decoration says.

    ``title``: the header's left side; ``period``: its right side; ``made``: when it was
    made (the footer). ``sections``: the parts it has, in order (``cover`` first for
    the whole pack).
    """

    def __init__(self, *, title: str, period: str, made: str, lang: str) -> None:
        super().__init__()
        self.title, self.period, self.made, self.lang = title, period, made, lang
        self.sections: list[str] = []
        # Laid out at 96 units per inch on every machine (fonts in points convert with
        # this device's resolution); the painter scales it to the paper.
        self._device = QImage(8, 8, QImage.Format.Format_RGB32)
        self._device.setDotsPerMeterX(round(UNIT_DPI / 0.0254))
        self._device.setDotsPerMeterY(round(UNIT_DPI / 0.0254))
        self.documentLayout().setPaintDevice(self._device)
        self.setUseDesignMetrics(True)
        option = self.defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # never inside a word
        self.setDefaultTextOption(option)
        self.setDocumentMargin(0)
        self.charts = _ChartObject(self)
        self.documentLayout().registerHandler(_ChartObject.TYPE, self.charts)
        #: (block number of a section's heading, row of the contents table).
        self._headings: list[tuple[int, int]] = []
        self._heading_keys: list[str] = []
        self._contents: QTextTable | None = None
        #: The A4 body, so the pack paginates before it is painted (tests, page count).
        self.setPageSize(a4_body_size())

    # -- the contents' page numbers, filled in for the page size it is painted at --------
    def section_pages(self) -> dict[str, int]:
        """The page each section starts on, for the current page size."""
        out: dict[str, int] = {}
        height = self.pageSize().height()
        layout = self.documentLayout()
        for (number, _row), key in zip(self._headings, self._heading_keys, strict=True):
            rect = layout.blockBoundingRect(self.findBlockByNumber(number))
            out[key] = int((rect.top() + 0.5) // height) + 1 if height > 0 else 1
        return out

    def update_contents(self) -> None:
        table = self._contents
        if table is None:
            return
        pages = self.section_pages()
        for (_number, row), key in zip(self._headings, self._heading_keys, strict=True):
            if row < 0:
                continue
            cell = table.cellAt(row, 1)
            cursor = cell.firstCursorPosition()
            cursor.setPosition(
                cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor
            )
            text = str(pages[key])
            if cursor.selectedText() != text:
                char = cursor.charFormat()
                cursor.insertText(text, char)


def a4_body_size() -> QSizeF:
    """The body of an A4 portrait page in document units (without header and footer)."""
    page = QPageSize(QPageSize.PageSizeId.A4).size(QPageSize.Unit.Millimeter)
    w = page.width() - MARGINS_MM.left() - MARGINS_MM.right()
    h = page.height() - MARGINS_MM.top() - MARGINS_MM.bottom() - HEADER_MM - FOOTER_MM
    return QSizeF(_mm_to_units(w), _mm_to_units(h))


def _mm_to_units(mm: float) -> float:
    return _fixed(mm / 25.4 * UNIT_DPI)


def _fixed(units: float) -> float:
    """``units`` rounded down to the text layout's fixed-point step (1/64)."""
    return math.floor(units * 64) / 64


class _Writer:
    """Appends styled blocks, tables and charts to a PackDocument."""

    def __init__(self, doc: PackDocument, lang: str) -> None:
        self.doc = doc
        self.cursor = QTextCursor(doc)
        self.base = pack_font(lang, 9.0)
        doc.setDefaultFont(self.base)
        self._first_block = True

    def char(
        self, size: float = 9.0, *, bold: bool = False, color: str = INK, italic: bool = False
    ) -> QTextCharFormat:
        f = QTextCharFormat()
        f.setFontFamilies(self.base.families())
        f.setFontPointSize(size)
        f.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        f.setFontItalic(italic)
        f.setForeground(QBrush(QColor(color)))
        return f

    def block(
        self,
        *,
        top: float = 0,
        bottom: float = 0,
        page_break: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> QTextBlockFormat:
        f = QTextBlockFormat()
        f.setTopMargin(top)
        f.setBottomMargin(bottom)
        f.setAlignment(align)
        if page_break:
            f.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        return f

    def paragraph(self, text: str, char: QTextCharFormat, block: QTextBlockFormat) -> int:
        """Add a paragraph; returns its block number."""
        if self._first_block:
            self.cursor.setBlockFormat(block)
            self.cursor.setBlockCharFormat(char)
            self._first_block = False
        else:
            self.cursor.insertBlock(block, char)
        self.cursor.insertText(text, char)
        return self.cursor.block().blockNumber()

    def chart(self, name: str, image: QImage) -> None:
        self.doc.charts.images[name] = image
        self.paragraph("", self.char(), self.block(top=4, bottom=10))
        f = QTextCharFormat()
        f.setObjectType(_ChartObject.TYPE)
        f.setProperty(_ChartObject.NAME, name)
        self.cursor.insertText("\ufffc", f)

    def rule(
        self, height: float, color: str | None = ACCENT, *, top: float = 0, bottom: float = 0
    ) -> None:
        """A bar across the page (a spacer when ``color`` is None)."""
        self.paragraph("", self.char(1), self.block(top=top, bottom=bottom))
        f = QTextCharFormat()
        f.setObjectType(_ChartObject.TYPE)
        f.setProperty(_ChartObject.HEIGHT, float(height))
        if color is not None:
            f.setProperty(_ChartObject.COLOR, color)
        self.cursor.insertText("\ufffc", f)

    def table(
        self,
        caption: str | None,
        header: Sequence[str],
        rows: Sequence[Sequence[tuple[str, QTextCharFormat | None]]],
        *,
        right: Sequence[bool],
        bold: frozenset[int] = frozenset(),
        size: float = 8.0,
        grid: bool = True,
        stripes: bool = True,
        widths: Sequence[float] | None = None,
    ) -> QTextTable:
        """A table the width of the page: an optional caption row and the header repeat on
        every page it runs to; rows alternate in shade; numbers are right-aligned."""
        n_cols = len(right)
        if widths is None:
            size = self._fit(caption, header, rows, right, size)
        head_rows = (1 if caption else 0) + (1 if header else 0)
        tf = QTextTableFormat()
        tf.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        tf.setCellPadding(_padding(n_cols))
        tf.setCellSpacing(0)
        tf.setBorderCollapse(True)
        tf.setBorder(0.6 if grid else 0)
        tf.setBorderBrush(QBrush(QColor(RULE)))
        tf.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        tf.setHeaderRowCount(head_rows)
        tf.setTopMargin(2)
        tf.setBottomMargin(10)
        if widths is not None:
            tf.setColumnWidthConstraints(
                [QTextLength(QTextLength.Type.PercentageLength, w) for w in widths]
            )
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        table = self.cursor.insertTable(head_rows + len(rows), n_cols, tf)
        r0 = 0
        if caption:
            table.mergeCells(0, 0, 1, n_cols)
            self._cell(
                table, 0, 0, caption, self.char(size + 1, bold=True), left=True, bg="#ffffff"
            )
            r0 = 1
        if header:
            for c, title in enumerate(header):
                self._cell(
                    table,
                    r0,
                    c,
                    title,
                    self.char(size, bold=True),
                    left=not right[c],
                    bg=HEAD_BG,
                    nowrap=False,
                )
            r0 += 1
        plain = self.char(size)
        strong = self.char(size, bold=True)
        for i, row in enumerate(rows):
            for c, (text, char) in enumerate(row):
                self._cell(
                    table,
                    r0 + i,
                    c,
                    text,
                    char or (strong if i in bold else plain),
                    left=not right[c],
                    bg=ALT_BG if stripes and i % 2 else None,
                    nowrap=_nowrap(text, right[c]),
                )
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        return table

    def _fit(
        self,
        caption: str | None,
        header: Sequence[str],
        rows: Sequence[Sequence[tuple[str, QTextCharFormat | None]]],
        right: Sequence[bool],
        size: float,
    ) -> float:
        """The largest font size up to ``size`` (down to 6 pt) at which every column
        gets its narrowest width (its widest number or name, its longest word) within
        the page, so that no word breaks in the middle."""
        avail = self.doc.pageSize().width() - 2
        pad = 2 * _padding(len(right)) + 1.0
        while size > 6.0:
            bold = QFontMetricsF(self.char(size, bold=True).font(), self.doc._device)
            total = 0.0
            for c in range(len(right)):
                words = header[c].split() if header else []
                width = max((bold.horizontalAdvance(w) for w in words), default=0.0)
                for row in rows:
                    text = row[c][0]
                    if _nowrap(text, right[c]):
                        width = max(width, bold.horizontalAdvance(text))
                    else:
                        longest = max(text.split(), key=len, default="")
                        width = max(width, bold.horizontalAdvance(longest))
                total += width + pad
            if total <= avail:
                break
            size -= 0.5
        return size

    def _cell(
        self,
        table: QTextTable,
        row: int,
        col: int,
        text: str,
        char: QTextCharFormat,
        *,
        left: bool,
        bg: str | None = None,
        nowrap: bool = False,
    ) -> None:
        cell = table.cellAt(row, col)
        if bg is not None:
            cf = cell.format().toTableCellFormat()
            cf.setBackground(QBrush(QColor(bg)))
            cell.setFormat(cf)
        cursor = cell.firstCursorPosition()
        bf = QTextBlockFormat()
        bf.setAlignment(
            (Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight)
            | Qt.AlignmentFlag.AlignVCenter
        )
        bf.setNonBreakableLines(nowrap)
        cursor.setBlockFormat(bf)
        cursor.insertText(text, char)


def _padding(columns: int) -> float:
    """Cell padding: a little less for wide tables, to leave room for the text."""
    return 3.5 if columns < 10 else 2.5


def _nowrap(text: str, number: bool) -> bool:
    """Numbers, names and dates stay on one line; long text may wrap between words."""
    return number or len(text) <= 28


def _cell_text(column: Any, line: tables.Line) -> str:
    text = column.text(line)
    return "" if text is None else str(text)


#: A KPI row: (figure, this period, previous period or None, change, the change is good).
KpiRow = tuple[str, str, str | None, str, bool | None]


def _kpi_rows(data: ReportData, currency: str) -> list[KpiRow]:
    """The key figures of the period and, when there is one, the previous period."""
    k: Kpis = data.reports.kpis
    p = data.previous

    def money(v: Any) -> str:
        return fmt.money(v, currency)

    def number(v: Any) -> str:
        return fmt.number(int(v))

    def days(v: Any) -> str:
        return tr("{n} d").format(n=f"{v:.1f}")

    def hours(v: Any) -> str:
        return tr("{n} h").format(n=f"{v:.1f}")

    def rate(v: Any) -> str:
        return fmt.percent(v)

    # (figure, attribute, how it shows, a rate (change in points), higher is better)
    specs: list[tuple[str, str, Callable[[Any], str], bool, bool]] = [
        (tr("Won amount"), "won_amount", money, False, True),
        (tr("Deals won"), "won_count", number, False, True),
        (tr("Deals lost"), "lost_count", number, False, False),
        (tr("Close rate"), "close_rate", rate, True, True),
        (tr("Lead conversion"), "lead_conversion_rate", rate, True, True),
        (tr("Average deal size"), "avg_deal_size", money, False, True),
        (tr("Sales cycle (average)"), "avg_sales_cycle_days", days, False, False),
        (tr("Sales cycle (median)"), "median_sales_cycle_days", days, False, False),
        (tr("Median response time"), "response_time_median_hours", hours, False, False),
        (tr("Leads without a response"), "no_response_share", rate, True, False),
        (tr("New customers"), "new_customers", number, False, True),
        (tr("Average lifetime value"), "ltv_avg", money, False, True),
    ]
    rows: list[KpiRow] = []
    for name, attr, show, is_rate, higher_is_good in specs:
        now = getattr(k, attr)
        before = getattr(p, attr) if p is not None else None
        shown_before = None if p is None else ("–" if before is None else show(before))
        change, good = "", None
        if now is not None and before is not None:
            d = (now - before) * 100 if is_rate else now - before
            if abs(float(d)) < (0.05 if is_rate else 1e-9):
                change = tr("= same")
            else:
                arrow = "▲" if d > 0 else "▼"
                amount = tr("{n} pts").format(n=f"{abs(d):.1f}") if is_rate else show(abs(d))
                change, good = f"{arrow} {amount}", (d > 0) == higher_is_good
        rows.append((name, "–" if now is None else show(now), shown_before, change, good))
    # The pipeline is what is open now: the same whichever period, so no change.
    blank = None if p is None else ""
    rows.append((tr("Open pipeline (now)"), money(k.open_pipeline_amount), blank, "", None))
    rows.append((tr("Weighted pipeline (now)"), money(k.weighted_pipeline_amount), blank, "", None))
    if data.won_target:
        actual = data.won_target_actual or Decimal(0)
        share = float(actual / data.won_target)
        name = tr("Won against target ({actual} of {target})").format(
            actual=money(actual), target=money(data.won_target)
        )
        rows.append((name, fmt.percent(share), blank, "", None))
    return rows


def build_pack(
    data: ReportData,
    *,
    sections: Sequence[str] | None = None,
    lang: str,
    currency: str,
    filter_text: str,
    made_at: datetime,
) -> PackDocument:
    """Lay out the management pack for ``data`` (what the reports tab shows).

    ``sections`` None: the whole pack (cover, key figures, every report). Otherwise
    only those parts (keys of :data:`PACK_SECTIONS`), in the pack's order, after a
    short title block instead of the cover: ``["forecast"]`` prints the current report.
    ``filter_text``: the filter as the user reads it (see :func:`describe_filter`).
    """
    if sections is None:
        parts = list(PACK_SECTIONS)
        whole = True
    else:
        unknown = [s for s in sections if s not in PACK_SECTIONS]
        if unknown or not sections:
            raise ValueError(
                f"unknown sections {unknown!r} (choose from {', '.join(PACK_SECTIONS)})"
                if unknown
                else "no section to print"
            )
        parts = [s for s in PACK_SECTIONS if s in sections]
        whole = False
    titles = section_titles()
    f = data.filter
    period = period_text(f.period_from, f.period_to)
    title = tr("Sales report")
    if not whole and len(parts) == 1:
        title = f"{title} · {titles[parts[0]]}"
    doc = PackDocument(title=title, period=period, made=made_text(made_at), lang=lang)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    w = _Writer(doc, lang)
    w.cursor.beginEditBlock()  # one layout at the end, not one per cell
    doc.sections = (["cover"] if whole else []) + parts
    headings: list[tuple[int, int]] = []
    keys: list[str] = []
    previous = None
    if f.period_from is not None and f.period_to is not None and data.previous is not None:
        previous = period_text(*previous_range(f.period_from, f.period_to))

    # -- the cover (or, for some sections alone, a title block) --------------------------
    facts = [(tr("Period"), period)]
    if previous is not None:
        facts.append((tr("Compared with"), previous))
    facts.append((tr("Filters"), filter_text))
    facts.append((tr("Made"), tr("{time} by crmdesk").format(time=doc.made)))
    if whole:
        w.rule(150, None)
        w.paragraph(tr("Sales report"), w.char(30, bold=True), w.block(bottom=4))
        w.paragraph(tr("Management pack"), w.char(15, color=MUTED), w.block(bottom=0))
        w.rule(4, ACCENT, top=14, bottom=18)
        fact_rows = [[(k, w.char(10, color=MUTED)), (v, w.char(10.5))] for k, v in facts]
        w.table(
            None, [], fact_rows, right=[False, False], grid=False, stripes=False, widths=[22, 78]
        )
        w.paragraph(tr("Contents"), w.char(12, bold=True), w.block(top=30, bottom=6))
        contents_rows = [[(titles[key], w.char(10.5)), ("…", w.char(10.5))] for key in parts]
        doc._contents = w.table(
            None, [], contents_rows, right=[False, True], grid=False, widths=[85, 15]
        )
        contents_row = dict((key, i) for i, key in enumerate(parts))
    else:
        contents_row = {}

    # -- the sections ----------------------------------------------------------------------
    descriptions = _descriptions()
    for n, key in enumerate(parts):
        page_break = whole or n > 0
        number = w.paragraph(
            titles[key], w.char(17, bold=True), w.block(page_break=page_break, bottom=2)
        )
        headings.append((number, contents_row.get(key, -1)))
        keys.append(key)
        if not whole and n == 0:
            lines = [period, filter_text, tr("Made {time} by crmdesk").format(time=doc.made)]
            w.paragraph("  ·  ".join(lines), w.char(8.5, color=MUTED), w.block(bottom=2))
        if key == "kpis":
            subtitle = tr("This period: {period}").format(period=period)
            if previous is not None:
                subtitle += "  ·  " + tr("previous period: {period}").format(period=previous)
            w.paragraph(subtitle, w.char(9, color=MUTED), w.block(bottom=8))
            _kpi_page(w, data, currency)
            continue
        w.paragraph(descriptions[key], w.char(9, color=MUTED), w.block(top=2, bottom=4))
        w.chart(key, _chart_for(key, data, currency))
        for t in _tables_for(key, data, currency):
            if not t.lines:
                w.paragraph(t.caption, w.char(9, bold=True), w.block(top=6, bottom=2))
                w.paragraph(
                    tr("Nothing for this period."),
                    w.char(8.5, color=MUTED, italic=True),
                    w.block(bottom=8),
                )
                continue
            rows = [[(_cell_text(col, line), None) for col in t.columns] for line in t.lines]
            w.table(
                t.caption,
                [col.title for col in t.columns],
                rows,
                right=[bool(getattr(col, "align_right", False)) for col in t.columns],
                bold=t.bold,
            )
    w.cursor.endEditBlock()
    doc._headings = headings
    doc._heading_keys = keys
    doc.update_contents()
    return doc


def _kpi_page(w: _Writer, data: ReportData, currency: str) -> None:
    rows = _kpi_rows(data, currency)
    has_previous = data.previous is not None
    # The four headline figures, large.
    headline = [r for r in rows if r[0] in (tr("Won amount"), tr("Deals won"), tr("Close rate"),
                                            tr("New customers"))]  # fmt: skip
    cells = []
    for name, now, _prev, delta, good in headline:
        cells.append((name, now, delta, good))
    tf_rows = [
        [(name, w.char(8.5, color=MUTED)) for name, _n, _d, _g in cells],
        [(now, w.char(18, bold=True)) for _name, now, _d, _g in cells],
        [
            (
                delta or " ",
                w.char(8.5, color={True: GOOD, False: BAD, None: MUTED}[good]),
            )
            for _name, _n, delta, good in cells
        ],
    ]
    w.table(None, [], tf_rows, right=[False] * len(cells), grid=False, stripes=False)
    header = [tr("Figure"), tr("This period")]
    if has_previous:
        header += [tr("Previous period"), tr("Change")]
    table_rows = []
    for name, now, prev, delta, good in rows:
        row: list[tuple[str, QTextCharFormat | None]] = [
            (name, None),
            (now, w.char(8.5, bold=True)),
        ]
        if has_previous:
            color = {True: GOOD, False: BAD, None: MUTED}[good]
            row += [(prev or "", None), (delta, w.char(8.5, color=color))]
        table_rows.append(row)
    w.table(
        None,
        header,
        table_rows,
        right=[False, True, True, True][: len(header)],
        size=8.5,
        widths=[34, 20, 20, 26] if has_previous else [60, 40],
    )
    w.paragraph(
        tr(
            "Rates and amounts are for deals in the period; the pipeline is what is open "
            "today. ▲ and ▼ compare with the previous period of the same length: green is "
            "better, red is worse."
        ),
        w.char(8, color=MUTED, italic=True),
        w.block(top=4),
    )


# --- painting: one function for print, preview and PDF -----------------------------------------


def paint_pack(doc: QTextDocument, device: QPagedPaintDevice) -> int:
    """Draw ``doc`` on ``device`` page by page, with the header, the footer and page
    numbers; returns the number of pages the document has (for the device's page).

    The body is the device's paintable area less the header and footer bands; the
    document is paginated to it, so the tables break where the page does (never in the
    middle of a row, the header repeated on the next page)."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(tr("Cannot draw on the printer or file."))
    try:
        dpi_x, dpi_y = device.logicalDpiX(), device.logicalDpiY()
        sx, sy = dpi_x / UNIT_DPI, dpi_y / UNIT_DPI
        width, height = device.width(), device.height()
        head = HEADER_MM / 25.4 * dpi_y
        foot = FOOTER_MM / 25.4 * dpi_y
        # Whole 1/64 units: the layout's own fixed-point steps, so pages start exactly
        # where the layout broke them.
        body = QSizeF(_fixed(width / sx), _fixed((height - head - foot) / sy))
        doc.setPageSize(body)
        if isinstance(doc, PackDocument):
            doc.update_contents()
        count = doc.pageCount()
        ranges = device.pageRanges() if hasattr(device, "pageRanges") else None
        wanted = [
            n
            for n in range(1, count + 1)
            if ranges is None or ranges.isEmpty() or ranges.contains(n)
        ]
        for i, page in enumerate(wanted):
            if i:
                device.newPage()
            painter.save()
            painter.translate(0, head)
            painter.scale(sx, sy)
            top = (page - 1) * body.height()
            painter.translate(0, -top)
            painter.setClipRect(QRectF(0, top, body.width(), body.height()))
            # What lies on the page: the layout puts every line wholly on one page, so a
            # hair less than the page leaves out the lines that only touch its edges.
            doc.drawContents(painter, QRectF(0, top + 0.5, body.width(), body.height() - 1))
            painter.restore()
            _decorate(painter, doc, page, count, width, height, head, foot, dpi_y)
        return count
    finally:
        painter.end()


def _decorate(
    painter: QPainter,
    doc: QTextDocument,
    page: int,
    count: int,
    width: float,
    height: float,
    head: float,
    foot: float,
    dpi: float,
) -> None:
    """The header (title, period) and footer (made by crmdesk, page N of M) of a page."""
    lang = getattr(doc, "lang", "en")
    title = getattr(doc, "title", "") or doc.metaInformation(
        QTextDocument.MetaInformation.DocumentTitle
    )
    period = getattr(doc, "period", "")
    made = getattr(doc, "made", "")
    font = pack_font(lang, 7.5)
    painter.save()
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    gap = 1.2 / 25.4 * dpi  # between the text and its rule
    line = QPen(QColor(RULE))
    line.setWidthF(max(1.0, 0.25 / 25.4 * dpi))
    ink = QPen(QColor(MUTED))
    text_h = metrics.height()
    # header
    y = head - gap * 2.5 - text_h
    half = width / 2 - gap
    painter.setPen(QPen(QColor(INK)))
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    painter.setFont(bold)
    left = QFontMetricsF(bold, painter.device()).elidedText(
        title, Qt.TextElideMode.ElideRight, half
    )
    painter.drawText(QRectF(0, y, half, text_h), Qt.AlignmentFlag.AlignLeft, left)
    painter.setFont(font)
    painter.setPen(ink)
    right = metrics.elidedText(period, Qt.TextElideMode.ElideLeft, half)
    painter.drawText(QRectF(width - half, y, half, text_h), Qt.AlignmentFlag.AlignRight, right)
    painter.setPen(line)
    painter.drawLine(QPointF(0, head - gap * 1.5), QPointF(width, head - gap * 1.5))
    # footer
    y = height - foot + gap * 1.5
    painter.drawLine(QPointF(0, y), QPointF(width, y))
    painter.setPen(ink)
    y += gap
    painter.drawText(
        QRectF(0, y, half, text_h),
        Qt.AlignmentFlag.AlignLeft,
        metrics.elidedText(
            tr("Made {time} by crmdesk").format(time=made), Qt.TextElideMode.ElideRight, half
        ),
    )
    painter.drawText(
        QRectF(width - half, y, half, text_h),
        Qt.AlignmentFlag.AlignRight,
        tr("Page {page} of {count}").format(page=page, count=count),
    )
    painter.restore()


def application() -> QCoreApplication:
    """The Qt application the pack is drawn with, for a caller without one (the
    command line): the running one, or a new one, offscreen when there is no screen."""
    app = QCoreApplication.instance()
    if app is not None:
        return app
    if (
        sys.platform not in ("win32", "darwin")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    global _APPLICATION
    _APPLICATION = QApplication([sys.argv[0] if sys.argv else "crmdesk"])
    _APPLICATION.setApplicationName("crmdesk")
    return _APPLICATION


#: The application made by :func:`application`, kept for the life of the process.
_APPLICATION: QCoreApplication | None = None


def page_layout() -> QPageLayout:
    """A4 portrait with the pack's margins."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def export_pdf(path: str | Path, doc: QTextDocument, *, resolution: int = 300) -> int:
    """Write ``doc`` to the PDF file ``path`` (A4, 300 dpi); returns the page count.

    Raises OSError when the file cannot be written."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setPageLayout(page_layout())
    writer.setCreator("crmdesk")
    writer.setTitle(getattr(doc, "title", "") or tr("Sales report"))
    try:
        count = paint_pack(doc, writer)
    finally:
        del writer  # closes (and flushes) the file
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(tr("Could not write {path}.").format(path=str(path)))
    return count


def _printer(parent: QWidget | None) -> Any:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    printer.setDocName(tr("Sales report"))
    return printer


def print_dialog(parent: QWidget | None, doc: QTextDocument, printer: Any = None) -> bool:
    """Ask for a printer (QPrintDialog) and print ``doc`` on it; False when cancelled.
    ``printer``: a QPrinter to use (and keep the user's choices in), or a new one."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    printer = printer if printer is not None else _printer(parent)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("Print"))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_pack(doc, printer)
    return True


def preview_dialog(parent: QWidget | None, doc: QTextDocument, printer: Any = None) -> None:
    """Show ``doc`` in a print preview (QPrintPreviewDialog), from which it can be
    printed; the preview and the print are drawn by :func:`paint_pack`."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    printer = printer if printer is not None else _printer(parent)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(tr("Print preview"))
    dialog.paintRequested.connect(lambda device: paint_pack(doc, device))
    dialog.resize(1000, 800)
    dialog.exec()
