"""The theme: a calm, flat look that reads the same on Windows and Linux, light or dark.

``apply_theme(app, dark=False)`` sets Qt's Fusion style, a complete palette (so a
system in dark mode does not half-darken the light theme), the style sheet
``resources/theme/crmdesk.qss`` filled with the theme's colours, the icon tints and the
app icon. It may be called again at any time to switch; icons follow at their next paint.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from crmdesk.ui import icons

ACCENT = "#1c7ed6"


@dataclass(frozen=True)
class Theme:
    """The colours of one theme: the style sheet's ``$names`` and the palette's roles."""

    name: str
    dark: bool
    accent: str
    window: str  # behind the pages
    surface: str  # cards, tables, inputs
    alternate: str  # every other table row
    text: str
    strong: str  # figures and selected text
    title: str  # headings
    muted: str  # secondary text
    faint: str  # hints
    disabled_text: str
    border: str
    card_border: str
    header: str  # menu bar and toolbar
    hover: str
    pressed: str
    menu: str
    menu_hover: str
    selection: str
    grid: str
    header_section: str
    section_text: str
    column: str  # a board column
    column_line: str
    count: str
    count_text: str
    scroll_handle: str
    zone_border: str
    good: str
    good_fill: str
    bad: str
    bad_fill: str
    status: str
    status_text: str
    tooltip: str
    tooltip_text: str
    tooltip_border: str
    nav: str  # the sidebar, dark in both themes
    nav_text: str
    nav_selected: str
    nav_hover: str
    link: str
    icon: str
    icon_disabled: str
    nav_icon: str
    nav_icon_selected: str


LIGHT = Theme(
    name="light",
    dark=False,
    accent=ACCENT,
    window="#f4f6fa",
    surface="#ffffff",
    alternate="#f9fafb",
    text="#1f2937",
    strong="#111827",
    title="#1f2937",
    muted="#6b7280",
    faint="#9ca3af",
    disabled_text="#a0a7b4",
    border="#e3e7ee",
    card_border="#e5e7eb",
    header="#ffffff",
    hover="#eef2f7",
    pressed="#e2e8f0",
    menu="#ffffff",
    menu_hover="#e8f1fc",
    selection="#dbeafe",
    grid="#eef0f4",
    header_section="#f3f4f6",
    section_text="#374151",
    column="#e9edf3",
    column_line="#d8dde6",
    count="#ffffff",
    count_text="#374151",
    scroll_handle="#b8c0cc",
    zone_border="#c5ccd8",
    good="#2b8a3e",
    good_fill="#ebfbee",
    bad="#e03131",
    bad_fill="#fff5f5",
    status="#eef1f6",
    status_text="#4b5563",
    tooltip="#1f2937",
    tooltip_text="#f9fafb",
    tooltip_border="#1f2937",
    nav="#1f2937",
    nav_text="#d1d5db",
    nav_selected="#111827",
    nav_hover="#273244",
    link="#1864ab",
    icon="#475569",
    icon_disabled="#b8c0cc",
    nav_icon="#9ca3af",
    nav_icon_selected="#ffffff",
)

DARK = Theme(
    name="dark",
    dark=True,
    accent="#4dabf7",
    window="#181c23",
    surface="#222831",
    alternate="#262c36",
    text="#d9dee6",
    strong="#f3f4f6",
    title="#e5e7eb",
    muted="#9aa3b1",
    faint="#7b8494",
    disabled_text="#5d6573",
    border="#2f3641",
    card_border="#323a46",
    header="#1f242c",
    hover="#2a313c",
    pressed="#333b47",
    menu="#232932",
    menu_hover="#1f3b5c",
    selection="#1f3b5c",
    grid="#2c333d",
    header_section="#262c36",
    section_text="#c6ccd6",
    column="#20252d",
    column_line="#323a46",
    count="#2f3742",
    count_text="#d9dee6",
    scroll_handle="#4b5461",
    zone_border="#3a4350",
    good="#51cf66",
    good_fill="#1d3326",
    bad="#ff6b6b",
    bad_fill="#3a2227",
    status="#1b2028",
    status_text="#9aa3b1",
    tooltip="#f3f4f6",
    tooltip_text="#111827",
    tooltip_border="#f3f4f6",
    nav="#12161c",
    nav_text="#c2c8d2",
    nav_selected="#0b0e12",
    nav_hover="#1c222b",
    link="#74c0fc",
    icon="#c2c8d2",
    icon_disabled="#59616e",
    nav_icon="#8d96a5",
    nav_icon_selected="#ffffff",
)

_current: Theme = LIGHT


def current_theme() -> Theme:
    """The theme last applied (light until ``apply_theme`` says otherwise)."""
    return _current


def stylesheet(theme: Theme) -> str:
    """``resources/theme/crmdesk.qss`` with the theme's colours; a ``$name`` the theme
    lacks raises ``KeyError``."""
    return Template(icons.resource_text("theme/crmdesk.qss")).substitute(asdict(theme))


def palette(theme: Theme) -> QPalette:
    """Every role of Qt's palette, active, inactive and disabled."""
    c = QColor
    p = QPalette()
    Role, Group = QPalette.ColorRole, QPalette.ColorGroup
    button = theme.surface if theme.dark else "#f8f9fb"
    roles = {
        Role.Window: theme.window,
        Role.WindowText: theme.strong,
        Role.Base: theme.surface,
        Role.AlternateBase: theme.alternate,
        Role.ToolTipBase: theme.tooltip,
        Role.ToolTipText: theme.tooltip_text,
        Role.PlaceholderText: theme.faint,
        Role.Text: theme.strong,
        Role.Button: button,
        Role.ButtonText: theme.strong,
        Role.BrightText: "#ffffff",
        Role.Light: c(button).lighter(150).name() if theme.dark else "#ffffff",
        Role.Midlight: theme.hover,
        Role.Mid: theme.zone_border,
        Role.Dark: theme.scroll_handle,
        Role.Shadow: "#000000" if theme.dark else "#6b7280",
        Role.Highlight: theme.accent if not theme.dark else "#2f74c0",
        Role.HighlightedText: "#ffffff",
        Role.Link: theme.link,
        Role.LinkVisited: theme.link,
    }
    for role, color in roles.items():
        p.setColor(Group.All, role, c(color))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, c(theme.disabled_text))
    p.setColor(Group.Disabled, Role.Base, c(theme.window))
    p.setColor(Group.Disabled, Role.Button, c(theme.window))
    p.setColor(Group.Disabled, Role.Highlight, c(theme.zone_border))
    p.setColor(Group.Disabled, Role.HighlightedText, c(theme.disabled_text))
    return p


def system_prefers_dark() -> bool:
    """Whether the desktop is set to a dark colour scheme (for a "follow the system"
    setting); False where the platform does not say."""
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, dark: bool = False) -> Theme:
    """Give ``app`` the light theme, or the dark one; returns the theme applied."""
    global _current
    theme = DARK if dark else LIGHT
    _current = theme
    hints = app.styleHints()
    if hints is not None and hasattr(hints, "setColorScheme"):  # Qt 6.8: title bars follow
        hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    app.setStyle("Fusion")
    icons.set_tints(
        icons.Tints(
            normal=theme.icon,
            disabled=theme.icon_disabled,
            nav=theme.nav_icon,
            nav_selected=theme.nav_icon_selected,
        )
    )
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
    app.setWindowIcon(icons.app_icon())
    return theme
