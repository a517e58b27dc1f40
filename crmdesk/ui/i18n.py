"""The translators: crmdesk's own catalogue and Qt's, for the language the UI speaks.

``install_translators(app, lang)`` replaces whatever an earlier call installed:

* ``crmdesk_<lang>.qm`` from ``crmdesk_resources/translations`` (``resources/translations``
  in the repository, compiled by ``make translations``), read with importlib.resources as
  bytes, so the same call works from a source checkout, an installed wheel and the
  PyInstaller bundle (a zip import would work too: nothing needs a real file);
* Qt's own ``qtbase_<lang>.qm`` from ``QLibraryInfo``'s translations folder (the bundle
  ships the Chinese one), so the buttons of ``QMessageBox``, ``QDialogButtonBox``, the
  file dialogs, the context menus of text fields and the like speak the same language.

English is the source language: it needs no translator, and choosing it removes them.
Qt sends every widget a ``LanguageChange`` event when translators change; crmdesk's
windows set their texts when they are built, so a new language shows in windows made
after the change (Settings offers to restart crmdesk for that).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

#: The languages crmdesk has a catalogue for, besides English (the source language).
CATALOGUES = ("zh_CN",)
#: The catalogue's file inside ``crmdesk_resources``, ``{lang}`` filled in.
CATALOGUE = "translations/crmdesk_{lang}.qm"

_installed: list[QTranslator] = []


def normalise(lang: str | None) -> str:
    """``"zh_CN"`` for any Chinese (``zh``, ``zh-CN``, ``zh_CN.UTF-8``), else ``"en"``."""
    code = (lang or "").split(".")[0].replace("-", "_")
    return "zh_CN" if code.lower().startswith("zh") else "en"


def qt_translations_dir() -> str:
    """Where Qt keeps its own ``.qm`` files (inside PySide6, also in the bundle)."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def catalogue_bytes(lang: str) -> bytes:
    """The compiled catalogue ``crmdesk_<lang>.qm``; FileNotFoundError when missing."""
    from crmdesk.ui.icons import resource_bytes

    return resource_bytes(CATALOGUE.format(lang=lang))


def installed() -> list[QTranslator]:
    """The translators the last ``install_translators`` call installed (Qt's first)."""
    return list(_installed)


def install_translators(app: QCoreApplication | None, lang: str) -> list[str]:
    """Speak ``lang``: remove the translators installed before, then install Qt's and
    crmdesk's for it (none for English). Returns the catalogues loaded, e.g.
    ``["qtbase_zh_CN", "crmdesk_zh_CN"]``. A missing catalogue is reported on stderr and
    leaves those strings in English; it never stops the app."""
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_translators needs a QCoreApplication")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    lang = normalise(lang)
    if lang == "en":
        return []
    loaded: list[str] = []
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", qt_translations_dir()):
        app.installTranslator(qt)
        _installed.append(qt)
        loaded.append(f"qtbase_{lang}")
    else:
        print(f"crmdesk: Qt's translation qtbase_{lang}.qm was not found", file=sys.stderr)
    # Installed last, so looked up first (Qt searches the newest translator first).
    ours = QTranslator(app)
    try:
        data = catalogue_bytes(lang)
    except (FileNotFoundError, OSError):
        data = b""
    # Qt reads the catalogue in place without copying it: the bytes live on the
    # translator, which ``_installed`` keeps alive.
    if data and ours.load(data):
        ours.setProperty("catalogue", f"crmdesk_{lang}")
        ours._data = data  # type: ignore[attr-defined]
        app.installTranslator(ours)
        _installed.append(ours)
        loaded.append(f"crmdesk_{lang}")
    else:
        print(f"crmdesk: the translation crmdesk_{lang}.qm is missing or damaged", file=sys.stderr)
    return loaded
