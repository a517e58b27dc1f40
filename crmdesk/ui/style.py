"""The theme: a calm, flat look that reads the same on Windows and Linux, light or dark.

``apply_theme(app, dark=False)`` sets Qt's Fusion style, a complete palette (so a
system in dark mode does not half-darken the light theme), the style sheet
``resources/theme/crmdesk.qss`` filled with the theme's colours, the icon tints and the
app icon. It may be called again at any time to switch; icons follow at their next paint,
the board's cards and the charts at once (they take their colours from the palette).
``apply_theme(app, dark=None)`` follows the system's colour scheme, and switches again
when the system does.

Which theme a PC uses is its own choice, kept in ``QSettings`` (``THEME_KEY``: light,
dark or system) and chosen in Settings › General; ``apply_saved_theme`` applies it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Template

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from crmdesk.ui import icons

ACCENT = "#1c7ed6"
#: Where this PC keeps its theme: one of THEME_CHOICES (missing: light).
THEME_KEY = "ui/theme"
THEME_CHOICES = ("light", "dark", "system")


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
    card: str  # a deal card on the board
    card_line: str
    card_selected: str
    card_selected_line: str
    card_title: str
    card_text: str
    card_muted: str
    rot: str  # a rotting deal
    overdue: str  # an overdue next step


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
    card="#ffffff",
    card_line="#d8dde6",
    card_selected="#eef5ff",
    card_selected_line="#1c7ed6",
    card_title="#1f2937",
    card_text="#1f2937",
    card_muted="#6b7280",
    rot="#e8590c",
    overdue="#e03131",
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
    card="#2a313c",
    card_line="#3a4350",
    card_selected="#1f3a5a",
    card_selected_line="#4dabf7",
    card_title="#f1f3f5",
    card_text="#dde2e8",
    card_muted="#a3acb9",
    rot="#ff922b",
    overdue="#ff6b6b",
)

_current: Theme = LIGHT
#: True while the theme follows the system's colour scheme (``apply_theme(dark=None)``).
_following = False
_listening = False


def current_theme() -> Theme:
    """The theme last applied (light until ``apply_theme`` says otherwise)."""
    return _current


def theme_for(palette: QPalette) -> Theme:
    """The theme whose colours go with a palette: dark where the text is light. Painted
    things (cards, charts) ask their widget's palette, so they follow every switch."""
    # Read from the text, not the background: a style sheet's "background: transparent"
    # (the board's columns) leaves an opaque black Base behind in the palette.
    return DARK if palette.color(QPalette.ColorRole.Text).lightness() >= 128 else LIGHT


def following_system() -> bool:
    return _following


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


def system_color_scheme() -> Qt.ColorScheme:
    """The desktop's colour scheme (``Qt.ColorScheme.Unknown`` where the platform does
    not say), also while crmdesk has set a scheme of its own for its windows."""
    hints = QGuiApplication.styleHints()
    if hints is None:
        return Qt.ColorScheme.Unknown
    if _following or not hasattr(hints, "unsetColorScheme"):
        return hints.colorScheme()
    pinned = hints.colorScheme()
    hints.unsetColorScheme()  # what the system says, not what crmdesk asked for
    scheme = hints.colorScheme()
    hints.setColorScheme(pinned)
    return scheme


def system_prefers_dark() -> bool:
    """Whether the desktop is set to a dark colour scheme (for a "follow the system"
    setting); False where the platform does not say."""
    return system_color_scheme() == Qt.ColorScheme.Dark


def saved_theme() -> str:
    """This PC's theme choice: ``light``, ``dark`` or ``system``."""
    value = str(QSettings().value(THEME_KEY, "") or "")
    return value if value in THEME_CHOICES else "light"


def save_theme(choice: str) -> None:
    if choice not in THEME_CHOICES:
        raise ValueError(f"unknown theme {choice!r}")
    QSettings().setValue(THEME_KEY, choice)


def apply_choice(app: QApplication, choice: str) -> Theme:
    """Apply a theme choice: ``light``, ``dark`` or ``system``."""
    return apply_theme(app, dark={"light": False, "dark": True}.get(choice))


def apply_saved_theme(app: QApplication) -> Theme:
    """Apply this PC's theme choice (the light theme when none was made)."""
    return apply_choice(app, saved_theme())


def _on_system_scheme_changed(scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    wants_dark = scheme == Qt.ColorScheme.Dark
    if _following and isinstance(app, QApplication) and wants_dark != _current.dark:
        apply_theme(app, dark=None)


def apply_theme(app: QApplication, dark: bool | None = False) -> Theme:
    """Give ``app`` the light theme, or the dark one, or (``dark=None``) the one the
    system's colour scheme asks for, following it from then on; returns the theme
    applied."""
    global _current, _following, _listening
    hints = app.styleHints()
    # Not following while the scheme is changed here: the change signal it may send is ours.
    _following = False
    if dark is None:
        if hints is not None and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()  # the system's scheme again, not one set before
        dark = hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark
        if hints is not None and not _listening:
            hints.colorSchemeChanged.connect(_on_system_scheme_changed)
            _listening = True
        _following = True
    elif hints is not None and hasattr(hints, "setColorScheme"):  # Qt 6.8: title bars follow
        hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    theme = DARK if dark else LIGHT
    _current = theme
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
