"""The Qt steps of ``crmdesk --self-test`` (``crmdesk/selftest.py`` runs them in order).

Each step takes the self-test's state (its temporary ``folder``, the open ``db`` and the
``user``; the steps fill in ``app`` and ``window``), checks one thing offscreen, and
returns a short note or raises ``SelfTestError`` saying what is wrong.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, qVersion
from PySide6.QtGui import QGuiApplication, QImageReader
from PySide6.QtWidgets import QApplication

from crmdesk.selftest import SelfTestError

#: Image formats the app reads: PNG and JPEG (pictures), SVG (icons), ICO (Windows icon).
IMAGE_FORMATS = ("png", "jpeg", "svg", "ico")


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def qt(state: Any) -> str:
    """An offscreen application with the theme; the image formats and the icons."""
    if QCoreApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never a window on the screen
    from crmdesk.ui.app import _application, set_locale
    from crmdesk.ui.icons import app_icon, icon, icon_names

    state.app = _application([sys.argv[0] if sys.argv else "crmdesk"])
    set_locale("en")
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = [f for f in IMAGE_FORMATS if f not in formats]
    _check(not missing, f"Qt cannot read {', '.join(missing)} (image format plugins missing)")
    _check(bool(app_icon().availableSizes()), "the app icon has no sizes")
    for name in icon_names():
        image = icon(name).pixmap(QSize(24, 24)).toImage()
        inked = any(image.pixelColor(x, y).alpha() for x in range(24) for y in range(24))
        _check(inked, f"the icon {name!r} draws nothing")
    return f"{QGuiApplication.platformName()} platform, Qt {qVersion()}"


def translations(state: Any) -> str:
    """The Chinese catalogues load (crmdesk's from the resources, Qt's own from the Qt
    translations folder) and translate; then back to English for the other steps."""
    from crmdesk.ui.app import set_locale
    from crmdesk.ui.i18n import installed

    try:
        set_locale("zh_CN")
        loaded = [t for t in installed() if t.language() == "zh_CN" and not t.isEmpty()]
        _check(len(loaded) == 2, "crmdesk_zh_CN.qm or qtbase_zh_CN.qm did not load")
        qt = loaded[0]  # Qt's own, asked directly (crmdesk's catalogue has no Qt strings)
        cancel = qt.translate("QPlatformTheme", "Cancel") or ""
        _check(cancel == "取消", f"Qt's buttons are not in Chinese ({cancel!r})")
        title = QCoreApplication.translate("MainWindow", "Pipeline")
        _check(title != "Pipeline", "crmdesk's menus are not in Chinese")
    finally:
        set_locale("en")
    _check(not installed(), "the translators were not removed for English")
    return f"crmdesk_zh_CN and qtbase_zh_CN ({title}, {cancel})"


def board(state: Any) -> str:
    """The main window's pipeline board with its cards, rendered to an image."""
    from crmdesk.ui.main_window import MainWindow

    window = MainWindow(db=state.db, user=state.user, lang="en", confirm=False)
    state.window = window
    window.resize(1366, 768)
    window.show()  # offscreen: nothing appears
    window.nav.setCurrentRow(0)
    QApplication.processEvents()
    cards = window.board.model.live_count()
    _check(cards > 0, "the board shows no cards")
    image = window.grab().toImage()
    _check(image.width() >= 1000 and image.height() >= 600, f"board image {image.size()}")
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 400, 7)}
    _check(len(colours) > 20, "the board image is blank")
    path = state.folder / "board.png"
    _check(image.save(str(path)), f"cannot save {path}")
    return f"{cards} cards, {image.width()}x{image.height()} image"


def report(state: Any) -> str:
    """The funnel report on screen, and printed to a one-report PDF."""
    from crmdesk.ui.reports.printing import export_pdf

    window = state.window
    _check(window is not None, "no window: the board step did not run")
    reports = window.reports
    window.nav.setCurrentRow(window.VIEW_KEYS.index("reports"))
    reports.set_period("this_year")
    reports.load_now()
    QApplication.processEvents()
    _check(reports.error is None, f"the reports failed: {reports.error}")
    _check(reports.data is not None, "the reports loaded nothing")
    image = window.grab().toImage()
    _check(image.save(str(state.folder / "report.png")), "cannot save the report image")
    reports.tabs.setCurrentIndex(0)  # the funnel
    pdf = state.folder / "report.pdf"
    pages = export_pdf(pdf, reports.pack_document(current_only=True))
    _check(pages >= 1 and pdf.read_bytes()[:5] == b"%PDF-", f"{pdf} is not a PDF")
    return f"funnel on screen and in a {pages}-page PDF ({pdf.stat().st_size:,} bytes)"


def close(state: Any) -> None:
    """Put the window away without closing it (closing saves its place in QSettings)."""
    window, state.window = state.window, None
    if window is not None:
        window.stop_live_updates()
        window.hide()
        window.deleteLater()
        QApplication.processEvents()
