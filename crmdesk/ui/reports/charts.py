"""The reports' charts, drawn with pyqtgraph from the metrics service's report objects.

Each chart keeps what it plotted in ``plotted`` (series name → values, in drawing
order), which the tests compare with the service, and emits ``bar_clicked`` with a
drill-down key when a bar is clicked. The same widgets are rendered into the printed
pack, so what is printed is what is on screen.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QPen

from crmdesk.domain.drill import DrillSpec, drill_source
from crmdesk.domain.reports import (
    ActivityReport,
    ForecastReport,
    Funnel,
    FunnelReport,
    NewCustomersReport,
    PerformanceReport,
    StageEfficiencyReport,
    TargetsReport,
)
from crmdesk.ui.reports.tables import owner_label
from crmdesk.ui.style import theme_for


@dataclass(frozen=True)
class ChartColors:
    """The colours a chart draws with. ``light_*`` series sit behind the main ones, so
    they are nearer the background: paler on paper, darker on a dark screen."""

    background: str
    ink: str  # titles, labels, axis text
    grey: str  # axes, secondary labels, outlines
    light_grey: str  # the team behind a person, forecasts behind actuals
    track: str  # the 100 % bar behind a target's attainment
    legend: tuple[int, int, int, int]
    on_bar: str  # text inside a bar
    grid_alpha: float
    blue: str
    light_blue: str
    green: str
    light_green: str
    orange: str
    red: str
    series: tuple[str, ...]


#: The light look, and always the look on paper: readable in colour and in grey.
PAPER = ChartColors(
    background="#ffffff",
    ink="#212529",
    grey="#868e96",
    light_grey="#dee2e6",
    track="#eef1f5",
    legend=(255, 255, 255, 220),
    on_bar="#ffffff",
    grid_alpha=0.15,
    blue="#1c7ed6",
    light_blue="#a5d8ff",
    green="#2f9e44",
    light_green="#b2f2bb",
    orange="#f08c00",
    red="#e03131",
    series=("#1c7ed6", "#f08c00", "#2f9e44", "#ae3ec9", "#e03131", "#0c8599", "#5c940d", "#868e96"),
)

#: On a dark screen: the card colour of the dark theme behind brighter series.
DARK = ChartColors(
    background="#222831",
    ink="#e3e7ed",
    grey="#8d96a5",
    light_grey="#3b4350",
    track="#2c333e",
    legend=(34, 40, 49, 225),
    on_bar="#0d1117",
    grid_alpha=0.22,
    blue="#4dabf7",
    light_blue="#2f5d8a",
    green="#51cf66",
    light_green="#2b5d3a",
    orange="#ffa94d",
    red="#ff6b6b",
    series=("#4dabf7", "#ffa94d", "#69db7c", "#da77f2", "#ff8787", "#3bc9db", "#a9e34b", "#adb5bd"),
)

# The light colours by their old names (scripts and tests read them).
BLUE, LIGHT_BLUE, GREEN, ORANGE, RED = (
    PAPER.blue,
    PAPER.light_blue,
    PAPER.green,
    PAPER.orange,
    PAPER.red,
)
GREY, LIGHT_GREY, INK, SERIES = PAPER.grey, PAPER.light_grey, PAPER.ink, list(PAPER.series)


def colors_for(palette: QPalette) -> ChartColors:
    """The chart colours that go with a widget palette: dark ones on a dark base."""
    return DARK if theme_for(palette).dark else PAPER


def tr(text: str) -> str:
    return QCoreApplication.translate("Charts", text)


def money_short(value: Decimal | float) -> str:
    v = float(value)
    if abs(v) >= 1_000_000:
        return f"{v / 1_000_000:.1f}M"
    if abs(v) >= 1_000:
        return f"{v / 1_000:.0f}K" if abs(v) >= 10_000 else f"{v / 1_000:.1f}K"
    return f"{v:,.0f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


class ReportChart(pg.PlotWidget):
    """A plot with large labels, a title and a legend, in the colours of the palette
    (white with dark text, or the dark theme's), and always light on paper.

    The colours follow a theme switch: the last ``show_report`` is drawn again with the
    new ones. ``set_paper(True)`` (the printed pack) keeps the light colours whatever
    the screen shows.

    Signals:
        bar_clicked(DrillSpec): a bar that stands for a list of deals was clicked.
    """

    bar_clicked = Signal(object)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every ``show_report`` remembers its arguments, so a theme switch can draw the
        # same report again in the new colours.
        super().__init_subclass__(**kwargs)
        show = cls.__dict__.get("show_report")
        if show is not None:
            cls.show_report = _remembered(show)  # type: ignore[attr-defined]

    def __init__(self, parent: Any = None) -> None:
        self._paper = False
        self._recolor_pending = False
        self.colors = PAPER
        super().__init__(parent=parent, background=PAPER.background)
        self.setMinimumSize(360, 260)
        self.plotted: dict[str, list[Any]] = {}
        self._hits: list[tuple[float, float, float, float, DrillSpec]] = []
        self._shown: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.getViewBox().setMouseEnabled(False, False)
        font = QFont()
        font.setPointSizeF(9.5)
        for name in ("left", "bottom"):
            item.getAxis(name).setStyle(tickFont=font)
        self._apply_colors(self._wanted_colors())
        self.scene().sigMouseClicked.connect(self._on_clicked)

    # --- colours ----------------------------------------------------------------------------
    def _wanted_colors(self) -> ChartColors:
        return PAPER if self._paper else colors_for(self.palette())

    def _apply_colors(self, c: ChartColors) -> None:
        self.colors = c
        self.setBackground(c.background)
        item = self.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(c.grey))
            axis.setTextPen(pg.mkPen(c.ink))  # the axis title too
        item.showGrid(x=False, y=True, alpha=c.grid_alpha)

    def follow_palette(self) -> None:
        """Take the colours of the current palette (or paper's); a report on show is drawn
        again in them."""
        wanted = self._wanted_colors()
        if wanted == self.colors:
            return
        self._apply_colors(wanted)
        if self._shown is not None:
            args, kwargs = self._shown
            self.show_report(*args, **kwargs)  # type: ignore[attr-defined]

    def set_paper(self, paper: bool = True) -> None:
        """Draw in the light colours whatever the screen's theme (for printing)."""
        self._paper = paper
        self.follow_palette()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (
            event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
            and not self._recolor_pending
        ):
            # After the switch is done: drawing the report again while Qt is still
            # handing the new palette and style sheet round crashes it.
            self._recolor_pending = True
            QTimer.singleShot(0, self, self._recolor)

    def _recolor(self) -> None:
        self._recolor_pending = False
        self.follow_palette()

    # --- helpers for the subclasses -------------------------------------------------------
    def reset(self, title: str) -> pg.PlotItem:
        item = self.getPlotItem()
        item.clear()
        if item.legend is not None:
            item.legend.scene().removeItem(item.legend) if item.legend.scene() else None
            item.legend = None
        self.plotted = {}
        self._hits = []
        c = self.colors
        item.setTitle(f"<span style='color:{c.ink};font-size:11pt;font-weight:600'>{title}</span>")
        return item

    def legend(self, columns: int = 1) -> pg.LegendItem:
        """The legend: one column at the top right, or a row across the top (``columns``
        > 1, for the wide stacked charts, which leave head room for it)."""
        item = self.getPlotItem()
        offset = (-10, 10) if columns == 1 else (10, 4)
        c = self.colors
        legend = item.addLegend(
            offset=offset, labelTextColor=c.ink, labelTextSize="9pt", colCount=columns
        )
        legend.setBrush(pg.mkBrush(*c.legend))
        return legend

    def hit(self, x0: float, x1: float, y0: float, y1: float, spec: DrillSpec) -> None:
        """Register a clickable rectangle (view coordinates) standing for ``spec``."""
        self._hits.append((min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1), spec))

    def label(
        self,
        text: str,
        x: float,
        y: float,
        anchor: tuple[float, float],
        color: str | None = None,
        bold: bool = False,
    ) -> None:
        item = pg.TextItem(text, color=color or self.colors.ink, anchor=anchor)
        font = QFont()
        font.setPointSizeF(8.5)
        font.setBold(bold)
        item.setFont(font)
        item.setPos(x, y)
        self.getPlotItem().addItem(item)

    def _on_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.getPlotItem().getViewBox().mapSceneToView(event.scenePos())
        spec = self.spec_at(point)
        if spec is not None:
            self.bar_clicked.emit(spec)

    def spec_at(self, point: QPointF) -> DrillSpec | None:
        for x0, x1, y0, y1, spec in self._hits:
            if x0 <= point.x() <= x1 and y0 <= point.y() <= y1:
                return spec
        return None

    def bar_center(self, spec_kind: str, index: int = 0) -> QPointF | None:
        """The centre of the ``index``-th clickable bar of a kind (for tests)."""
        found = [h for h in self._hits if h[4].kind == spec_kind]
        if index >= len(found):
            return None
        x0, x1, y0, y1, _ = found[index]
        return QPointF((x0 + x1) / 2, (y0 + y1) / 2)


def _remembered(show: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(show)
    def remembered(self: ReportChart, *args: Any, **kwargs: Any) -> None:
        self._shown = (args, kwargs)
        show(self, *args, **kwargs)

    return remembered


def _short_name(text: str) -> str:
    """ "Hannah Clarke" → "Hannah C." (a name shortened to fit under its bar)."""
    words = text.split()
    return f"{words[0]} {words[-1][0]}." if len(words) > 1 and words[-1] else text


def _fit_bottom_labels(item: pg.PlotItem, labels: Sequence[str]) -> None:
    """Names under the bars that fit the room each bar has: in full, shortened, or cut
    with an ellipsis (pyqtgraph would draw them over each other)."""
    axis = item.getAxis("bottom")
    vb = item.getViewBox()
    font = axis.style.get("tickFont") or QFont()
    metrics = QFontMetrics(font)
    x0, x1 = vb.viewRange()[0]
    per_unit = vb.width() / (x1 - x0) if x1 > x0 and vb.width() > 0 else 0
    room = int(per_unit) - 10 if per_unit else 10**6

    def fitted(text: str) -> str:
        if metrics.horizontalAdvance(text) <= room:
            return text
        short = _short_name(text)
        if metrics.horizontalAdvance(short) <= room:
            return short
        return metrics.elidedText(short, Qt.TextElideMode.ElideRight, max(room, 12))

    shown = [fitted(t) for t in labels]
    axis.setTicks([[(i, text) for i, text in enumerate(shown)], []])


def _category_axis(item: pg.PlotItem, side: str, labels: Sequence[str]) -> None:
    axis = item.getAxis(side)
    axis.setTicks([[(i, text) for i, text in enumerate(labels)], []])
    if side == "bottom" and labels:
        vb = item.getViewBox()
        old = getattr(vb, "_crmdesk_fit", None)
        if old is not None:
            vb.sigResized.disconnect(old)
            vb.sigRangeChanged.disconnect(old)
        full = list(labels)

        def refit(*_args: object) -> None:
            _fit_bottom_labels(item, full)

        vb._crmdesk_fit = refit  # type: ignore[attr-defined]
        vb.sigResized.connect(refit)
        vb.sigRangeChanged.connect(refit)
        refit()
    if side == "left" and labels:
        # pyqtgraph leaves out a tick label that does not fit the axis: make room for the
        # longest name (stage names, people).
        font = axis.style.get("tickFont") or QFont()
        widest = max(QFontMetrics(font).horizontalAdvance(text) for text in labels)
        axis.setWidth(widest + 14)


# --- funnel ----------------------------------------------------------------------------------


class FunnelChart(ReportChart):
    """Horizontal bars per open stage (reached), won last; the conversion to the next
    stage between neighbours; the bottleneck in red. With a person chosen, the team's
    funnel is drawn behind, in light grey, scaled to the person's first stage."""

    def show_report(
        self,
        report: FunnelReport,
        person: Funnel | None = None,
        team_bottleneck: int | None = None,
    ) -> None:
        """``team_bottleneck``: the team's bottleneck stage, as the stage efficiency report
        names it (the metrics service's rule); a person's comes with their funnel."""
        team = report.team
        main = person or team
        item = self.reset(
            tr("Funnel")
            if person is None
            else tr("Funnel: {name} and the team").format(name=person.owner_name)
        )
        c = self.colors
        labels = [s.stage_name for s in main.stages] + [tr("Won")]
        n = len(labels)
        ys = [n - 1 - i for i in range(n)]  # first stage on top
        values = [s.reached for s in main.stages] + [main.won]
        self.plotted["reached"] = values
        bottleneck = main.bottleneck_stage_id if person is not None else team_bottleneck
        self.plotted["bottleneck"] = [bottleneck]
        if person is not None:
            scale = (
                main.stages[0].reached / team.stages[0].reached
                if main.stages and team.stages and team.stages[0].reached
                else 0
            )
            team_values = [s.reached * scale for s in team.stages] + [team.won * scale]
            self.plotted["team_scaled"] = team_values
            item.addItem(
                pg.BarGraphItem(
                    x0=0,
                    y=ys,
                    height=0.78,
                    width=team_values,
                    brush=pg.mkBrush(c.light_grey),
                    pen=pg.mkPen(None),
                )
            )
        brushes = []
        for i in range(n):
            if i < len(main.stages) and main.stages[i].stage_id == bottleneck:
                brushes.append(pg.mkBrush(c.red))
            elif i == n - 1:
                brushes.append(pg.mkBrush(c.green))
            else:
                brushes.append(pg.mkBrush(c.blue))
        item.addItem(
            pg.BarGraphItem(
                x0=0, y=ys, height=0.56, width=values, brushes=brushes, pen=pg.mkPen(None)
            )
        )
        top = max([*values, 1])
        for i, (y, v) in enumerate(zip(ys, values, strict=True)):
            self.label(f"{v:,}", v, y, (-0.1, 0.5), bold=True)
            if i < len(main.stages):
                self.hit(
                    0,
                    max(v, top * 0.02),
                    y - 0.4,
                    y + 0.4,
                    DrillSpec("reached", owner_id=main.owner_id, stage_id=main.stages[i].stage_id),
                )
                conv = main.stages[i].conversion
                self.label(
                    f"↓ {pct(conv)}",
                    top * 0.02,
                    y - 0.5,
                    (0, 0.5),
                    color=c.red if main.stages[i].stage_id == bottleneck else c.grey,
                )
            else:
                self.hit(
                    0,
                    max(v, top * 0.02),
                    y - 0.4,
                    y + 0.4,
                    DrillSpec("won_now", owner_id=main.owner_id),
                )
        self.plotted["conversion"] = [s.conversion for s in main.stages]
        _category_axis(item, "left", list(reversed(labels)))
        item.setXRange(0, top * 1.18, padding=0)
        item.setYRange(-0.7, n - 0.3, padding=0)
        item.getAxis("bottom").setLabel(tr("Deals created in the period that reached the stage"))


# --- stage efficiency ------------------------------------------------------------------------


class StageChart(ReportChart):
    """Average and median days per open stage, with the conversion to the next stage
    above each pair; the bottleneck stage's bars in orange."""

    def show_report(self, report: StageEfficiencyReport) -> None:
        item = self.reset(tr("Stage efficiency: days in stage and conversion"))
        c = self.colors
        rows = report.rows
        xs = list(range(len(rows)))
        avg = [r.avg_days or 0.0 for r in rows]
        med = [r.median_days or 0.0 for r in rows]
        self.plotted = {
            "avg_days": [r.avg_days for r in rows],
            "median_days": [r.median_days for r in rows],
            "conversion": [r.conversion for r in rows],
        }
        legend = self.legend(columns=2)
        hot = [r.stage_id == report.bottleneck_stage_id for r in rows]
        a = pg.BarGraphItem(
            x=[x - 0.19 for x in xs],
            height=avg,
            width=0.36,
            brush=pg.mkBrush(c.light_blue),
            brushes=[pg.mkBrush(c.orange if h else c.light_blue) for h in hot],
            pen=pg.mkPen(None),
        )
        b = pg.BarGraphItem(
            x=[x + 0.19 for x in xs],
            height=med,
            width=0.36,
            brush=pg.mkBrush(c.blue),
            brushes=[pg.mkBrush(c.red if h else c.blue) for h in hot],
            pen=pg.mkPen(None),
        )
        item.addItem(a)
        item.addItem(b)
        legend.addItem(a, tr("Average days"))
        legend.addItem(b, tr("Median days"))
        top = max([*avg, *med, 1.0])
        for x, r in zip(xs, rows, strict=True):
            self.label(f"{(r.median_days or 0):.1f} d", x + 0.19, r.median_days or 0, (0.5, 1))
            nxt = tr("won") if x == len(rows) - 1 else rows[x + 1].stage_name
            hot_row = r.stage_id == report.bottleneck_stage_id
            self.label(
                f"→ {nxt}: {pct(r.conversion)}",
                x,
                max(avg[x], med[x]) + top * 0.07,
                (0.5, 1),
                color=c.red if hot_row else c.ink,
                bold=True,
            )
            self.hit(
                x - 0.4,
                x + 0.4,
                0,
                max(avg[x], med[x], top * 0.03),
                DrillSpec("reached", stage_id=r.stage_id),
            )
        _category_axis(item, "bottom", [r.stage_name for r in rows])
        item.setYRange(0, top * 1.3, padding=0)
        item.setXRange(-0.6, len(rows) - 0.4, padding=0)
        item.getAxis("left").setLabel(tr("Days"))


# --- forecast --------------------------------------------------------------------------------


class ForecastChart(ReportChart):
    """Left: the last six months, forecast at the month's start against the amount won.
    Right: overdue, then each coming month: amount, weighted by stage and weighted by
    history; a dashed line at the monthly won-amount target when there is one."""

    def show_report(self, report: ForecastReport, monthly_target: Decimal | None = None) -> None:
        item = self.reset(tr("Forecast: past months against actual, coming months by weighting"))
        c = self.colors
        legend = self.legend()
        hist = list(report.history)
        future = [b for b in report.buckets if b.key not in ("later", "no_date")]
        labels = [h.month for h in hist] + [
            tr("Overdue") if b.key == "overdue" else b.key for b in future
        ]
        self.plotted = {
            "history_forecast": [h.forecast for h in hist],
            "history_actual": [h.actual for h in hist],
            "amount": [b.amount for b in future],
            "weighted_stage": [b.weighted_stage for b in future],
            "weighted_history": [b.weighted_history for b in future],
            "keys": [b.key for b in future],
        }
        hx = list(range(len(hist)))
        fx = [len(hist) + i for i in range(len(future))]
        if hist:
            f_bar = pg.BarGraphItem(
                x=[x - 0.18 for x in hx],
                height=[float(h.forecast) for h in hist],
                width=0.34,
                brush=pg.mkBrush(c.light_grey),
                pen=pg.mkPen(c.grey),
            )
            a_bar = pg.BarGraphItem(
                x=[x + 0.18 for x in hx],
                height=[float(h.actual) for h in hist],
                width=0.34,
                brush=pg.mkBrush(c.green),
                pen=pg.mkPen(None),
            )
            item.addItem(f_bar)
            item.addItem(a_bar)
            legend.addItem(f_bar, tr("Forecast at month start"))
            legend.addItem(a_bar, tr("Won"))
        if future:
            amount = pg.BarGraphItem(
                x=[x - 0.27 for x in fx],
                height=[float(b.amount) for b in future],
                width=0.26,
                brush=pg.mkBrush(c.light_blue),
                pen=pg.mkPen(None),
            )
            stage = pg.BarGraphItem(
                x=fx,
                height=[float(b.weighted_stage) for b in future],
                width=0.26,
                brush=pg.mkBrush(c.blue),
                pen=pg.mkPen(None),
            )
            history = pg.BarGraphItem(
                x=[x + 0.27 for x in fx],
                height=[float(b.weighted_history) for b in future],
                width=0.26,
                brush=pg.mkBrush(c.orange),
                pen=pg.mkPen(None),
            )
            for bar, name in (
                (amount, tr("Open amount")),
                (stage, tr("Weighted by stage")),
                (history, tr("Weighted by history")),
            ):
                item.addItem(bar)
                legend.addItem(bar, name)
            for x, b in zip(fx, future, strict=True):
                self.hit(
                    x - 0.42,
                    x + 0.42,
                    0,
                    max(float(b.amount), 1.0),
                    DrillSpec("forecast", bucket=b.key),
                )
        values = [
            float(v)
            for v in (
                *self.plotted["history_forecast"],
                *self.plotted["history_actual"],
                *self.plotted["amount"],
            )
        ]
        top = max([*values, 1.0])
        if monthly_target is not None and monthly_target > 0:
            self.plotted["target"] = [monthly_target]
            line = pg.InfiniteLine(
                pos=float(monthly_target),
                angle=0,
                pen=pg.mkPen(c.red, width=2, style=Qt.PenStyle.DashLine),
            )
            item.addItem(line)
            self.label(
                tr("Monthly target {amount}").format(amount=money_short(monthly_target)),
                -0.5,
                float(monthly_target),
                (0, 1.1),
                color=c.red,
            )
            top = max(top, float(monthly_target))
        if hist and future:
            sep = pg.InfiniteLine(
                pos=len(hist) - 0.5, angle=90, pen=pg.mkPen(c.grey, style=Qt.PenStyle.DotLine)
            )
            item.addItem(sep)
        _category_axis(item, "bottom", labels)
        item.getAxis("left").setTickSpacing()
        item.getAxis("left").setLabel(tr("Amount"))
        _money_axis(item.getAxis("left"))
        item.setYRange(0, top * 1.15, padding=0)
        item.setXRange(-0.6, len(labels) - 0.4, padding=0)


def _money_axis(axis: pg.AxisItem) -> None:
    axis.tickStrings = lambda values, scale, spacing: [money_short(v) for v in values]  # type: ignore[method-assign]


# --- targets ---------------------------------------------------------------------------------


class TargetsChart(ReportChart):
    """One bullet bar per target: the actual as a share of the target, the target at
    100 %, and a black mark where the person should be by today; the bar's colour is
    the pace (green ahead, blue on track, orange behind)."""

    def show_report(
        self, report: TargetsReport, metric_names: dict[str, str], today: date | None = None
    ) -> None:
        """Shows the targets of the latest target period that has begun (the table beside
        lists them all)."""
        item = self.reset(tr("Targets: attainment and where you should be by today"))
        c = self.colors
        rows = list(report.rows)
        started = [r.period_start for r in rows if today is None or r.period_start <= today]
        if started:
            latest = max(started)
            rows = [r for r in rows if r.period_start == latest]
            last = date.fromordinal(rows[0].period_end.toordinal() - 1)
            item.setTitle(
                f"<span style='color:{c.ink};font-size:11pt;font-weight:600'>"
                + tr("Targets {start} – {end}").format(
                    start=latest.isoformat(), end=last.isoformat()
                )
                + f"</span><br><span style='color:{c.grey};font-size:9pt'>"
                + tr("attainment, and the mark where you should be by today")
                + "</span>"
            )
        n = len(rows)
        ys = [n - 1 - i for i in range(n)]
        shares = [float(r.actual / r.value) * 100 if r.value else 0.0 for r in rows]
        expected = [float(r.expected_by_today / r.value) * 100 if r.value else 0.0 for r in rows]
        self.plotted = {
            "attainment_pct": shares,
            "expected_pct": expected,
            "pace": [r.pace for r in rows],
        }
        colors = {"ahead": c.green, "on_track": c.blue, "behind": c.orange}
        if rows:
            item.addItem(
                pg.BarGraphItem(
                    x0=0,
                    y=ys,
                    height=0.7,
                    width=[100.0] * n,
                    brush=pg.mkBrush(c.track),
                    pen=pg.mkPen(c.light_grey),
                )
            )
            item.addItem(
                pg.BarGraphItem(
                    x0=0,
                    y=ys,
                    height=0.38,
                    width=[min(s, 150.0) for s in shares],
                    brushes=[pg.mkBrush(colors.get(r.pace, c.blue)) for r in rows],
                    pen=pg.mkPen(None),
                )
            )
            for y, e, s, r in zip(ys, expected, shares, rows, strict=True):
                mark = pg.PlotDataItem([e, e], [y - 0.33, y + 0.33], pen=pg.mkPen(c.ink, width=3))
                item.addItem(mark)
                self.label(f"{s:.0f}%", min(s, 150.0), y, (-0.1, 0.5), bold=True)
                if r.metric == "won_amount":
                    self.hit(
                        0,
                        max(min(s, 150.0), 5),
                        y - 0.35,
                        y + 0.35,
                        DrillSpec("won", owner_id=r.owner_id),
                    )
        labels = [
            f"{owner_label(r.owner_id, r.owner_name)} · {metric_names.get(r.metric, r.metric)}"
            for r in rows
        ]
        _category_axis(item, "left", list(reversed(labels)))
        top = max([*shares, 110.0])
        # Room right of the longest bar for its percentage.
        item.setXRange(0, min(top, 150.0) * 1.22, padding=0)
        item.setYRange(-0.7, max(n, 1) - 0.3, padding=0)
        item.getAxis("bottom").setLabel(tr("% of target"))


# --- performance -----------------------------------------------------------------------------


class PerformanceChart(ReportChart):
    """Won amount per person, largest first."""

    def show_report(self, report: PerformanceReport) -> None:
        item = self.reset(tr("Won amount per salesperson"))
        c = self.colors
        rows = sorted(report.rows, key=lambda r: (-r.won_amount, r.owner_name))
        xs = list(range(len(rows)))
        self.plotted = {
            "owners": [r.owner_name for r in rows],
            "won_amount": [r.won_amount for r in rows],
        }
        if rows:
            item.addItem(
                pg.BarGraphItem(
                    x=xs,
                    height=[float(r.won_amount) for r in rows],
                    width=0.62,
                    brush=pg.mkBrush(c.blue),
                    pen=pg.mkPen(None),
                )
            )
        top = max([float(r.won_amount) for r in rows] + [1.0])
        for x, r in zip(xs, rows, strict=True):
            self.label(money_short(r.won_amount), x, float(r.won_amount), (0.5, 1.05), bold=True)
            self.label(f"{r.won_count} · {pct(r.close_rate)}", x, 0, (0.5, -0.2), color=c.on_bar)
            self.hit(
                x - 0.31,
                x + 0.31,
                0,
                max(float(r.won_amount), top * 0.03),
                DrillSpec("won", owner_id=r.owner_id),
            )
        _category_axis(item, "bottom", [r.owner_name for r in rows])
        _money_axis(item.getAxis("left"))
        item.getAxis("left").setLabel(tr("Won amount"))
        item.setYRange(0, top * 1.15, padding=0)
        item.setXRange(-0.6, max(len(rows), 1) - 0.4, padding=0)


# --- new customers ---------------------------------------------------------------------------


class NewCustomersChart(ReportChart):
    """New customers per month, stacked by lead source."""

    def show_report(self, report: NewCustomersReport) -> None:
        item = self.reset(tr("New customers per month, by source"))
        c = self.colors
        months = sorted(report.total.by_month)
        rows = [r for r in report.rows if r.new_customers]
        self.plotted = {"months": months}
        legend = self.legend(columns=3)
        base = [0.0] * len(months)
        xs = list(range(len(months)))
        for i, r in enumerate(rows):
            heights = [float(r.by_month.get(m, 0)) for m in months]
            self.plotted[r.source_name] = [r.by_month.get(m, 0) for m in months]
            bar = pg.BarGraphItem(
                x=xs,
                y0=list(base),
                height=heights,
                width=0.7,
                brush=pg.mkBrush(c.series[i % len(c.series)]),
                pen=pg.mkPen(c.background, width=0.5),
            )
            item.addItem(bar)
            legend.addItem(
                bar,
                tr("{source} ({rate} won)").format(
                    source=r.source_name, rate=pct(r.lead_to_won_rate)
                ),
            )
            for x, m, h, b in zip(xs, months, heights, base, strict=True):
                if h:
                    self.hit(
                        x - 0.35,
                        x + 0.35,
                        b,
                        b + h,
                        DrillSpec("new_customers", source_id=drill_source(r.source_id), bucket=m),
                    )
            base = [b + h for b, h in zip(base, heights, strict=True)]
        for x, total in zip(xs, base, strict=True):
            self.label(f"{int(total)}", x, total, (0.5, 1.05), bold=True)
        step = max(1, len(months) // 12)
        item.getAxis("bottom").setTicks(
            [[(i, m) for i, m in enumerate(months) if i % step == 0], []]
        )
        item.getAxis("left").setLabel(tr("New customers"))
        item.setYRange(0, max([*base, 1.0]) * 1.35, padding=0)
        item.setXRange(-0.6, max(len(months), 1) - 0.4, padding=0)


# --- activity --------------------------------------------------------------------------------

KIND_ORDER = ("call", "meeting", "email", "task", "note")


class ActivityChart(ReportChart):
    """Done activities per week, stacked by kind (the filter's people together); the
    table beside it has them per person."""

    def show_report(
        self, report: ActivityReport, kind_names: dict[str, str], weeks: int = 26
    ) -> None:
        item = self.reset(tr("Done activities per week, by kind"))
        c = self.colors
        per: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in report.rows:
            per[row.bucket][row.kind] += row.count
        buckets = sorted(per)[-weeks:]
        xs = list(range(len(buckets)))
        legend = self.legend(columns=5)
        base = [0.0] * len(buckets)
        self.plotted = {"weeks": buckets}
        for i, kind in enumerate(KIND_ORDER):
            heights = [float(per[b].get(kind, 0)) for b in buckets]
            if not any(heights):
                continue
            self.plotted[kind] = [per[b].get(kind, 0) for b in buckets]
            bar = pg.BarGraphItem(
                x=xs,
                y0=list(base),
                height=heights,
                width=0.72,
                brush=pg.mkBrush(c.series[i]),
                pen=pg.mkPen(c.background, width=0.5),
            )
            item.addItem(bar)
            legend.addItem(bar, kind_names.get(kind, kind))
            base = [b + h for b, h in zip(base, heights, strict=True)]
        step = max(1, len(buckets) // 9)
        item.getAxis("bottom").setTicks(
            [[(i, b.strftime("%m-%d")) for i, b in enumerate(buckets) if i % step == 0], []]
        )
        item.getAxis("bottom").setLabel(tr("Week starting"))
        item.getAxis("left").setLabel(tr("Activities"))
        item.setYRange(0, max([*base, 1.0]) * 1.25, padding=0)
        item.setXRange(-0.6, max(len(buckets), 1) - 0.4, padding=0)


def pen(color: str, width: float = 1.0) -> QPen:
    p = QPen(QColor(color))
    p.setWidthF(width)
    return p
