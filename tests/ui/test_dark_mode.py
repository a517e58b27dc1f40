"""The dark theme: the board's painted cards, its columns and the report charts follow the
palette, and switch back; the printed pack stays light on paper. The theme is chosen in
Settings › General, kept for this PC and applied at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QStyleHints
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crmdesk.ui import style
from crmdesk.ui.board.delegate import MARGIN_X, MARGIN_Y
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.reports import charts, printing
from crmdesk.ui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def _light_again(qapp: QApplication) -> Iterator[None]:
    """Every other test expects the light theme."""
    style.apply_theme(qapp, dark=False)
    yield
    style.apply_theme(qapp, dark=False)


def lightness(image: QImage, x: int, y: int) -> int:
    return QColor(image.pixel(x, y)).lightness()


def card_background(window: MainWindow) -> int:
    """The lightness of the first card's painted background, in its top padding."""
    view = window.board.view.columns[0].view
    rect = view.visualRect(view.model().index(0, 0))
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    x, y = rect.left() + MARGIN_X + 8, rect.top() + MARGIN_Y + 3
    return lightness(image, int(x * ratio), int(y * ratio))


def card_title_color(window: MainWindow) -> int:
    """The lightest (dark theme) or darkest (light theme) pixel of the first card's title
    line: the text's own colour."""
    view = window.board.view.columns[0].view
    rect = view.visualRect(view.model().index(0, 0))
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    values = [
        lightness(image, int(x * ratio), int(y * ratio))
        for x in range(rect.left() + MARGIN_X + 12, rect.left() + MARGIN_X + 120)
        for y in range(rect.top() + MARGIN_Y + 9, rect.top() + MARGIN_Y + 22)
    ]
    return max(values) if style.current_theme().dark else min(values)


def column_background(window: MainWindow) -> int:
    column = window.board.view.columns[0]
    image = column.grab().toImage()
    ratio = image.devicePixelRatio()
    return lightness(image, int(6 * ratio), int(30 * ratio))


def chart_background(chart: charts.ReportChart) -> int:
    image = chart.grab().toImage()
    ratio = image.devicePixelRatio()
    return lightness(image, int(4 * ratio), int(4 * ratio))


def show_reports(window: MainWindow, qtbot: QtBot) -> None:
    tab = window.reports
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        window.nav.setCurrentRow(window.VIEW_KEYS.index("reports"))
    tab.wait_loaded()


def test_the_board_and_the_charts_follow_the_dark_theme_and_back(
    window: MainWindow, qtbot: QtBot, qapp: QApplication
) -> None:
    assert card_background(window) > 230
    assert column_background(window) > 200
    assert card_title_color(window) < 80

    style.apply_theme(qapp, dark=True)
    QApplication.processEvents()
    assert card_background(window) < 70
    assert column_background(window) < 60
    # The card stands out from its column, and its text from the card.
    assert card_background(window) > column_background(window) + 5
    assert card_title_color(window) > 200

    show_reports(window, qtbot)
    chart = window.reports.pages["funnel"].chart
    qtbot.waitUntil(lambda: chart.colors is charts.DARK, timeout=5000)
    assert chart_background(chart) < 60
    axis = chart.getPlotItem().getAxis("left")
    assert axis.textPen().color().lightness() > 180  # light tick labels on the dark plot
    drawn = list(chart.plotted["reached"])
    assert drawn

    # Back to light: the chart is drawn again in the light colours, with the same figures.
    style.apply_theme(qapp, dark=False)
    qtbot.waitUntil(lambda: chart.colors is charts.PAPER, timeout=5000)
    assert chart_background(chart) > 240
    assert axis.textPen().color().lightness() < 80
    assert chart.plotted["reached"] == drawn
    window.nav.setCurrentRow(0)
    assert card_background(window) > 230


def test_the_printed_charts_stay_light_in_the_dark_theme(
    window: MainWindow, qtbot: QtBot, qapp: QApplication
) -> None:
    show_reports(window, qtbot)
    data = window.reports.data
    assert data is not None
    style.apply_theme(qapp, dark=True)
    QApplication.processEvents()
    funnel = data.reports.funnel
    image = printing.render_chart(charts.FunnelChart(), lambda c: c.show_report(funnel))
    assert lightness(image, 5, 5) > 245
    assert lightness(image, image.width() - 5, image.height() - 5) > 245
    # The tab's own chart is dark meanwhile.
    chart = window.reports.pages["funnel"].chart
    qtbot.waitUntil(lambda: chart_background(chart) < 60, timeout=5000)


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    dialog = SettingsDialog(
        db=window.db, user=window.user, bus=window.bus, lang="en", page="general"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_theme_picked_in_settings_applies_at_once_and_is_kept(
    window: MainWindow, qtbot: QtBot, qapp: QApplication
) -> None:
    dialog = open_settings(qtbot, window)
    combo = dialog.general.theme_combo
    assert combo.currentData() == "light"

    combo.setCurrentIndex(combo.findData("dark"))
    QApplication.processEvents()
    assert QSettings().value(style.THEME_KEY) == "dark"
    assert style.current_theme() is style.DARK
    assert card_background(window) < 70
    assert dialog.general.message.text() == "The theme is saved for this PC."
    assert not dialog.general.dirty()  # nothing left to save

    # The next start applies this PC's choice.
    style.apply_theme(qapp, dark=False)
    assert style.apply_saved_theme(qapp) is style.DARK
    dialog.close()

    again = open_settings(qtbot, window)
    assert again.general.theme_combo.currentData() == "dark"
    again.general.theme_combo.setCurrentIndex(again.general.theme_combo.findData("light"))
    assert style.saved_theme() == "light"
    assert card_background(window) > 230


def test_following_the_system(
    window: MainWindow, qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where Qt cannot tell the system's scheme (as offscreen), it is not offered.
    dialog = open_settings(qtbot, window)
    assert dialog.general.theme_combo.findData("system") < 0
    dialog.close()

    # A desktop in dark mode.
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda _self: Qt.ColorScheme.Dark)
    dialog = open_settings(qtbot, window)
    combo = dialog.general.theme_combo
    index = combo.findData("system")
    assert combo.itemText(index) == "Same as the system (now dark)"
    combo.setCurrentIndex(index)
    QApplication.processEvents()
    assert style.saved_theme() == "system"
    assert style.following_system() and style.current_theme() is style.DARK
    assert card_background(window) < 70

    # The desktop switches to light: so does crmdesk.
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda _self: Qt.ColorScheme.Light)
    style._on_system_scheme_changed(Qt.ColorScheme.Light)
    QApplication.processEvents()
    assert style.current_theme() is style.LIGHT
    assert card_background(window) > 230

    # A fixed choice stops following.
    combo.setCurrentIndex(combo.findData("dark"))
    style._on_system_scheme_changed(Qt.ColorScheme.Light)
    assert style.current_theme() is style.DARK and not style.following_system()


def test_a_fresh_pc_starts_light(qapp: QApplication) -> None:
    assert style.saved_theme() == "light"
    assert style.apply_saved_theme(qapp) is style.LIGHT
