"""The app icon, the toolbar and menu icons and the theme files, read with importlib.resources.

The files live in the repository's ``resources/`` folder, installed as the package
``crmdesk_resources`` (``setup.py``), so the same call finds them in a source checkout
installed with ``pip install -e``, an installed wheel and the PyInstaller bundle. A bare
checkout on ``PYTHONPATH`` without any install falls back to the folder itself.

``icon(name)`` draws ``resources/icons/<name>.svg`` (Lucide: strokes in ``currentColor``)
in the colour of the current theme at whatever size and screen scale it is asked for;
``style.apply_theme`` sets the colours (``set_tints``), and icons made before a switch
take the new ones at their next paint.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

PACKAGE = "crmdesk_resources"
#: The PNG sizes of the app icon in ``resources/app`` (``build_spec/make_icons.py``).
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: The sizes in ``resources/app/crmdesk.ico``.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ``icon(name, role=...)``: toolbar and menus, or the dark sidebar.
ROLES = ("ui", "nav")


@dataclass(frozen=True)
class Tints:
    """The colours icons are drawn in: ``normal`` and ``disabled`` for toolbars and menus,
    ``nav`` and ``nav_selected`` for the sidebar."""

    normal: str = "#475569"
    disabled: str = "#b8c0cc"
    nav: str = "#9ca3af"
    nav_selected: str = "#ffffff"


_tints = Tints()
_pixmaps: dict[tuple[str, str, int, int, str], QPixmap] = {}


def set_tints(tints: Tints) -> None:
    """Draw every icon, including those already made, in these colours from now on."""
    global _tints
    if tints != _tints:
        _tints = tints
        _pixmaps.clear()


def tints() -> Tints:
    return _tints


# --- the files -------------------------------------------------------------------------------
@cache
def resources() -> Traversable:
    """The root of the resources: ``importlib.resources.files("crmdesk_resources")``."""
    try:
        return importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[2] / "resources"
        if (checkout / "__init__.py").is_file():
            return checkout
        raise


def resource_bytes(path: str) -> bytes:
    """The bytes of ``resources/<path>`` (``/``-separated)."""
    node = resources()
    for part in path.split("/"):
        node = node.joinpath(part)
    return node.read_bytes()


def resource_text(path: str) -> str:
    return resource_bytes(path).decode("utf-8")


def icon_names() -> list[str]:
    """Every icon in ``resources/icons``, by name (the file name without ``.svg``)."""
    return sorted(
        entry.name.removesuffix(".svg")
        for entry in resources().joinpath("icons").iterdir()
        if entry.name.endswith(".svg")
    )


@cache
def _svg(name: str) -> str:
    try:
        return resource_text(f"icons/{name}.svg")
    except FileNotFoundError:
        raise ValueError(f"no icon {name!r} in resources/icons") from None


@cache
def _renderer(name: str, color: str) -> QSvgRenderer:
    return QSvgRenderer(QByteArray(_svg(name).replace("currentColor", color).encode("utf-8")))


# --- icons -----------------------------------------------------------------------------------
class _TintedSvgEngine(QIconEngine):
    """Draws one SVG in the current tint for the icon's mode, at any size and scale."""

    def __init__(self, name: str, role: str) -> None:
        super().__init__()
        self._name = name
        self._role = role

    def _color(self, mode: QIcon.Mode) -> str:
        t = _tints
        if self._role == "nav":
            return t.nav_selected if mode == QIcon.Mode.Selected else t.nav
        return t.disabled if mode == QIcon.Mode.Disabled else t.normal

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        side = min(rect.width(), rect.height())
        square = QRectF(
            rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2, side, side
        )
        _renderer(self._name, self._color(mode)).render(painter, square)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        width = max(1, round(size.width() * scale))
        height = max(1, round(size.height() * scale))
        color = self._color(mode)
        key = (self._name, self._role, width, height, color)
        cached = _pixmaps.get(key)
        if cached is None:
            image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint(painter, image.rect(), mode, state)
            painter.end()
            cached = QPixmap.fromImage(image)
            _pixmaps[key] = cached
        pixmap = QPixmap(cached)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name, self._role)

    def key(self) -> str:
        return "crmdesk-tinted-svg"

    def iconName(self) -> str:
        return self._name

    def isNull(self) -> bool:
        return False


def icon(name: str, *, role: str = "ui") -> QIcon:
    """``resources/icons/<name>.svg`` as an icon in the theme's colours; ``role="nav"``
    for the dark sidebar. An unknown name raises ``ValueError``."""
    if role not in ROLES:
        raise ValueError(f"icon role {role!r}: choose from {ROLES}")
    _svg(name)
    return QIcon(_TintedSvgEngine(name, role))


def icon_name(value: QIcon) -> str:
    """The resource name of an icon made by :func:`icon` (empty for any other)."""
    return value.name()


def app_image(size: int) -> QImage:
    """``resources/app/crmdesk-<size>.png``."""
    image = QImage()
    if size not in APP_ICON_SIZES or not image.loadFromData(
        resource_bytes(f"app/crmdesk-{size}.png"), "PNG"
    ):
        raise ValueError(f"no app icon of {size} pixels in resources/app")
    return image


_app_icon: QIcon | None = None


def app_icon() -> QIcon:
    """The window and taskbar icon, every PNG size of it (Qt picks the nearest)."""
    global _app_icon
    if _app_icon is None:
        result = QIcon()
        for size in APP_ICON_SIZES:
            result.addPixmap(QPixmap.fromImage(app_image(size)))
        _app_icon = result
    return _app_icon
