"""The resources (resources/, the package crmdesk_resources) and the theme.

Icons load from the package, every menu and toolbar action carries one, the app icon has
its PNG and ICO sizes, and the dark theme really applies (palette, style sheet, icons).
"""

from __future__ import annotations

import fnmatch
import importlib.resources
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QColor, QIcon, QImage, QImageReader, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QToolButton

from crmdesk.ui import icons, style
from crmdesk.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application in the light theme, and back in it after the test."""
    style.apply_theme(qapp)
    yield qapp
    style.apply_theme(qapp)


def _inked(image: QImage) -> list[QColor]:
    """The colours of the fully drawn pixels (edges are blended with transparency)."""
    return [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]


def _in_tint(image: QImage, tint: str) -> bool:
    """Whether every fully drawn pixel has the colour ``tint`` (one step either way per
    channel: where strokes cross, premultiplied blending may round) and some pixel is."""
    want = QColor(tint)
    inked = _inked(image)
    return bool(inked) and all(
        max(abs(c.red() - want.red()), abs(c.green() - want.green()), abs(c.blue() - want.blue()))
        <= 2
        for c in inked
    )


def _drawn(image: QImage) -> bool:
    return any(
        image.pixelColor(x, y).alpha() for x in range(image.width()) for y in range(image.height())
    )


def _menu_actions(menu: QMenu) -> Iterator[tuple[str, QAction]]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        else:
            yield f"{menu.title()} › {action.text()}", action


# --- the package -------------------------------------------------------------------------------
def test_resources_are_the_installed_package_read_through_importlib() -> None:
    root = importlib.resources.files("crmdesk_resources")
    assert icons.resources() == root
    assert Path(str(root)).resolve() == RESOURCES.resolve()  # the editable install maps it
    assert icons.resource_text("theme/crmdesk.qss").startswith("/*")
    assert set(icons.icon_names()) == {p.stem for p in (RESOURCES / "icons").glob("*.svg")}


def test_every_resource_file_is_in_the_package_data() -> None:
    """pyproject's package-data patterns decide what a wheel and the bundle carry: every
    file under resources/ must match one (this folder's README and the translators'
    .ts sources excepted: the compiled .qm is what the app loads)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["crmdesk_resources"]
    files = [
        p.relative_to(RESOURCES).as_posix()
        for p in RESOURCES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    left_out = [
        f
        for f in files
        if f not in ("__init__.py", "README.md")
        and not f.endswith(".ts")
        and not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)
    ]
    assert left_out == []


def test_icons_are_one_consistent_lucide_set_with_their_licence() -> None:
    licence = (RESOURCES / "icons" / "LICENSE").read_text("utf-8")
    assert "Lucide" in licence and "ISC License" in licence
    for name in icons.icon_names():
        svg = icons.resource_text(f"icons/{name}.svg")
        assert 'viewBox="0 0 24 24"' in svg, name
        assert 'stroke="currentColor"' in svg and 'stroke-width="2"' in svg, name
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b", svg), f"{name} has a fixed colour"


@pytest.mark.parametrize("size", [16, 24, 48])
def test_every_icon_draws_at_every_size_in_the_theme_colour(app: QApplication, size: int) -> None:
    for name in icons.icon_names():
        pixmap = icons.icon(name).pixmap(QSize(size, size))
        assert pixmap.size() == QSize(size, size), name
        assert _drawn(pixmap.toImage()), f"{name} draws nothing at {size} px"
        image = pixmap.toImage()
        assert _in_tint(image, style.LIGHT.icon) or (size < 24 and not _inked(image)), name


def test_icons_follow_the_screen_scale(app: QApplication) -> None:
    pixmap = icons.icon("plus").pixmap(QSize(24, 24), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.size() == QSize(48, 48)


def test_disabled_and_sidebar_icons_have_their_own_colours(app: QApplication) -> None:
    size = QSize(24, 24)
    disabled = icons.icon("plus").pixmap(size, QIcon.Mode.Disabled)
    assert _in_tint(disabled.toImage(), style.LIGHT.icon_disabled)
    nav = icons.icon("chart-column", role="nav")
    assert _in_tint(nav.pixmap(size).toImage(), style.LIGHT.nav_icon)
    selected = nav.pixmap(size, QIcon.Mode.Selected)
    assert _in_tint(selected.toImage(), style.LIGHT.nav_icon_selected)


def test_an_unknown_icon_is_refused(app: QApplication) -> None:
    with pytest.raises(ValueError, match="no icon 'no-such-icon'"):
        icons.icon("no-such-icon")
    with pytest.raises(ValueError, match="role"):
        icons.icon("plus", role="sideways")


# --- the app icon ------------------------------------------------------------------------------
def test_the_app_icon_has_every_png_size(app: QApplication) -> None:
    for size in icons.APP_ICON_SIZES:
        image = icons.app_image(size)
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        assert image.pixelColor(size // 2, size // 2).alpha() == 255
        assert image.pixelColor(0, 0).alpha() < 255  # rounded corners
    available = {s.width() for s in icons.app_icon().availableSizes()}
    assert available == set(icons.APP_ICON_SIZES)


def test_the_ico_holds_every_windows_size_drawn_like_the_pngs(app: QApplication) -> None:
    reader = QImageReader(str(RESOURCES / "app" / "crmdesk.ico"))
    assert reader.imageCount() == len(icons.ICO_SIZES)
    seen = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        seen.append(image.width())
        png = icons.app_image(image.width()).convertToFormat(image.format())
        assert image == png, f"the ICO's {image.width()} px image differs from its PNG"
    assert sorted(seen) == sorted(icons.ICO_SIZES)


# --- the window --------------------------------------------------------------------------------
def test_every_menu_and_toolbar_action_has_an_icon(window: MainWindow) -> None:
    known = set(icons.icon_names())
    actions = [item for menu in window.menuBar().actions() for item in _menu_actions(menu.menu())]
    assert len(actions) >= 20
    missing = [label for label, action in actions if action.icon().isNull()]
    assert missing == []
    unnamed = [label for label, a in actions if icons.icon_name(a.icon()) not in known]
    assert unnamed == []
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar.toolButtonStyle().name == "ToolButtonTextBesideIcon"
    for action in toolbar.actions():
        assert not action.icon().isNull(), action.text()
        button = toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton) and button.iconSize() == QSize(18, 18)


def test_the_sidebar_and_the_window_have_icons(window: MainWindow) -> None:
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        assert icons.icon_name(item.icon()) == window.VIEW_ICONS[window.VIEW_KEYS[row]]
    assert not window.windowIcon().isNull()
    assert {s.width() for s in window.windowIcon().availableSizes()} >= {16, 32, 256}
    assert not QApplication.windowIcon().isNull()


# --- the theme ---------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", [style.LIGHT, style.DARK], ids=lambda t: t.name)
def test_the_style_sheet_fills_every_colour(theme: style.Theme) -> None:
    sheet = style.stylesheet(theme)
    assert "$" not in sheet
    assert theme.window in sheet and theme.nav in sheet


def test_the_dark_theme_applies_and_switches_back(app: QApplication, window: MainWindow) -> None:
    plus = icons.icon("plus")  # made in the light theme: takes the dark colour at its next paint
    assert style.apply_theme(app, dark=True) is style.DARK
    assert style.current_theme() is style.DARK
    palette = app.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == style.DARK.window
    assert palette.color(QPalette.ColorRole.Base).name() == style.DARK.surface
    assert palette.color(QPalette.ColorRole.Text).name() == style.DARK.strong
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert disabled.name() == style.DARK.disabled_text
    assert style.DARK.window in app.styleSheet()
    assert _in_tint(plus.pixmap(QSize(24, 24)).toImage(), style.DARK.icon)
    window.resize(1000, 700)
    QApplication.processEvents()
    shot = window.grab().toImage()
    header = shot.pixelColor(shot.width() - 20, 8)  # the menu bar, right of its menus
    assert header.name() == style.DARK.header

    style.apply_theme(app, dark=False)
    assert app.palette().color(QPalette.ColorRole.Window).name() == style.LIGHT.window
    assert _in_tint(plus.pixmap(QSize(24, 24)).toImage(), style.LIGHT.icon)
    shot = window.grab().toImage()
    assert shot.pixelColor(shot.width() - 20, 8).name() == style.LIGHT.header


def test_the_light_theme_stays_light_on_a_dark_desktop(app: QApplication) -> None:
    """Every palette role is set, so nothing of a dark system palette shows through."""
    light = style.palette(style.LIGHT)
    for role in (
        QPalette.ColorRole.Window,
        QPalette.ColorRole.Base,
        QPalette.ColorRole.Button,
        QPalette.ColorRole.AlternateBase,
    ):
        assert light.color(role).lightness() > 200, role
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        assert light.color(role).lightness() < 60, role
