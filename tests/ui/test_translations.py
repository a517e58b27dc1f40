"""The Chinese user interface: the catalogue is complete and compiled, no visible string
bypasses tr(), every coded error has a translated sentence, and every screen, dialog,
chart and printed page reads in Chinese.

* The catalogue (``build_spec/i18n.py``): the extractor finds no problem, the .ts has a
  finished translation for every string the code marks, each translation keeps its
  source's placeholders and accelerator, and the committed .qm holds what the .ts says.
* A static scan of ``crmdesk/ui``: no English literal goes straight into a Qt text call.
* The errors: every code, action, field, entity and reason the core raises has its entry
  in ``crmdesk/ui/errors.py``.
* The screens, twice: with a pseudo-translation (every catalogued string turned into
  Chinese characters), anything still English on screen bypassed tr(); with the real
  ``crmdesk_zh_CN.qm`` and Qt's ``qtbase_zh_CN.qm``, everything a user sees is Chinese.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtGui import QAction, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStatusBar,
    QTabBar,
    QTextEdit,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import String, Text, func, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    Conflict,
    DatabaseOpenError,
    DatabaseUnavailable,
    FieldError,
    NotFound,
    PermissionDenied,
    SignInFailed,
    ValidationError,
)
from crmdesk.domain.drill import DrillSpec
from crmdesk.services import users
from crmdesk.services.setup import default_admin_id
from crmdesk.ui import errors, i18n
from crmdesk.ui import format as fmt
from crmdesk.ui.app import set_locale

from .conftest import DEMO_NOW, build_template, copy_of

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "crmdesk" / "ui"
TS = ROOT / "resources" / "translations" / "crmdesk_zh_CN.ts"
QM = TS.with_suffix(".qm")


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crmdesk_i18n_tool", ROOT / "build_spec/i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


tool = _extractor()


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return tool.extract()


# --- a. the catalogue --------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%L?\d")
#: "&File", "Print the Management &Pack…" (but not "&&" nor an entity such as "&amp;").
ACCELERATOR = re.compile(r"(?<!&)&(?!&|[A-Za-z]+;|#\d+;)(?=\S)")


def _accelerators(text: str) -> int:
    return len(ACCELERATOR.findall(text.replace("&&", "")))


def test_the_extractor_finds_no_problem(catalogue: Any) -> None:
    assert catalogue.problems == [], "\n".join(str(p) for p in catalogue.problems)
    assert catalogue.count() > 1000


def test_every_marked_string_has_a_finished_chinese_translation(catalogue: Any) -> None:
    ts = tool.read_ts(TS)
    missing = [
        f"{context}: {source!r} ({where})"
        for context, messages in sorted(catalogue.messages.items())
        for source, where in sorted(messages.items())
        if source not in ts.get(context, {})
    ]
    unfinished = [
        f"{context}: {source!r} ({where})"
        for context, messages in sorted(catalogue.messages.items())
        for source, where in sorted(messages.items())
        if source in ts.get(context, {}) and not ts[context][source][1]
    ]
    assert not missing, (
        f"{len(missing)} strings are not in {TS.name} (run build_spec/i18n.py update):\n"
        + "\n".join(missing[:40])
    )
    assert not unfinished, f"{len(unfinished)} unfinished translations:\n" + "\n".join(
        unfinished[:40]
    )


def test_translations_keep_placeholders_and_the_accelerator() -> None:
    wrong = []
    for context, messages in tool.read_ts(TS).items():
        for source, (text, finished) in messages.items():
            if not finished:
                continue
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append(f"{context}: {source!r} -> {text!r}: placeholders differ")
            if _accelerators(source) and _accelerators(text) != 1:
                wrong.append(f"{context}: {source!r} -> {text!r}: needs exactly one accelerator")
            if _accelerators(source) == 0 and _accelerators(text):
                wrong.append(f"{context}: {source!r} -> {text!r}: an accelerator not in the source")
    assert not wrong, "\n".join(wrong)


def test_the_accelerator_check_can_fail() -> None:
    assert _accelerators("&File") == 1 and _accelerators("文件(&F)") == 1
    assert _accelerators("Save && close") == 0 and _accelerators("a &amp; b") == 0
    assert _accelerators("文件") == 0


def _qm_translator(data: bytes) -> QTranslator:
    translator = QTranslator()
    assert translator.load(data), "the .qm does not load"
    translator._data = data  # type: ignore[attr-defined]  (Qt reads it in place)
    return translator


def test_the_committed_qm_holds_what_the_ts_says(qapp: QApplication, tmp_path: Path) -> None:
    """``make translations`` was run after the last change to the .ts: the committed .qm
    answers every finished entry with its translation and nothing else."""
    assert QM.is_file(), f"{QM} is missing: run make translations"
    committed = _qm_translator(QM.read_bytes())
    stale = []
    for context, messages in tool.read_ts(TS).items():
        for source, (text, finished) in messages.items():
            got = committed.translate(context, source) or ""
            want = text if finished else ""
            if got != want:
                stale.append(f"{context}: {source!r}: .qm has {got!r}, .ts has {want!r}")
    assert not stale, f"{len(stale)} entries differ; run make translations:\n" + "\n".join(
        stale[:20]
    )
    # The same file lrelease makes from the .ts now (it is not hand-edited).
    fresh = tmp_path / "fresh.qm"
    import subprocess

    subprocess.run([tool.lrelease(), "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == QM.read_bytes(), "the .qm is older than the .ts"


def test_the_catalogue_loads_from_the_package_as_the_app_loads_it(qapp: QApplication) -> None:
    assert i18n.catalogue_bytes("zh_CN") == QM.read_bytes()
    try:
        loaded = i18n.install_translators(qapp, "zh_CN")
        assert loaded == ["qtbase_zh_CN", "crmdesk_zh_CN"]
        # Qt's own strings: the standard buttons are Chinese.
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert i18n.install_translators(qapp, "en") == []
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        i18n.install_translators(qapp, "en")


def test_languages_are_normalised() -> None:
    assert i18n.normalise("zh_CN.UTF-8") == "zh_CN"
    assert i18n.normalise("zh-CN") == "zh_CN" and i18n.normalise("zh") == "zh_CN"
    assert i18n.normalise("en_US.UTF-8") == "en" and i18n.normalise(None) == "en"


# --- b. no literal bypasses tr() ---------------------------------------------------------------
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Qt calls that show their text arguments: the positions of those arguments.
TEXT_CALLS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        _words(
            "setText setWindowTitle setToolTip setPlaceholderText setStatusTip setWhatsThis "
            "showMessage setTitle setSubTitle setInformativeText setDetailedText setLabelText "
            "setSpecialValueText setSuffix setPrefix setHtml setHorizontalHeaderLabels "
            "setVerticalHeaderLabels setHeaderLabels setHeaderLabel addItems setNameFilter "
            "setNameFilters setAccessibleName setAccessibleDescription addButton"
        ),
        (0,),
    ),
    **dict.fromkeys(("setTabText", "setTabToolTip", "setItemText", "setButtonText"), (1,)),
    "addTab": (1, 2),
    "insertTab": (2, 3),
    "insertItem": (1, 2),
    "insertRow": (1,),
    "setLabel": (0, 1),  # pyqtgraph: AxisItem.setLabel(text), PlotItem.setLabel(axis, text)
    "drawText": (0, 1, 2, 3, 4, 5),
    **dict.fromkeys(("about", "warning", "critical", "information", "question"), (1, 2)),
    "aboutQt": (1,),
    **dict.fromkeys(("getOpenFileName", "getOpenFileNames", "getSaveFileName"), (1, 3)),
    "getExistingDirectory": (1,),
    **dict.fromkeys(("getText", "getInt", "getDouble", "getItem", "getMultiLineText"), (1, 2)),
}
#: Calls whose first argument may be an icon, the text then coming next.
ICON_FIRST = {
    "addAction",
    "addMenu",
    "addItem",
    "QPushButton",
    "QAction",
    "QListWidgetItem",
    "QStandardItem",
    "QTableWidgetItem",
    "QToolButton",
}
CONSTRUCTORS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        _words(
            "QLabel QCheckBox QRadioButton QGroupBox QMenu QToolBar QTreeWidgetItem TextItem "
            "LabelItem QCommandLinkButton"
        ),
        (0,),
    ),
    "QMessageBox": (1, 2),
    "QProgressDialog": (0, 1),
    "QCommandLinkButton": (0, 1),
}
#: Keyword arguments that are shown (pyqtgraph's ``name=`` is a legend entry).
TEXT_KEYWORDS = {"text", "title", "label", "tooltip", "caption", "units", "placeholder"}
PLOT_CALLS = {"plot", "BarGraphItem", "PlotDataItem", "ScatterPlotItem", "PlotCurveItem"}
#: Parameters of crmdesk's own UI helpers that end up on screen.
TEXT_PARAMS = {"text", "title", "caption", "label", "hint", "intro", "message", "tooltip", "tip"}
#: Functions that return what a model shows.
MODEL_TEXT = {"headerData", "data", "displayText"}

#: Not prose: product and technical names, and the like, which stay as they are.
TECHNICAL = _words(
    "crmdesk SQLite PostgreSQL CSV XLSX JSON TOML PDF PNG SVG URL UTF GBK GB18030 BIG5 Qt "
    "PySide6 psycopg scrypt Alembic Lucide ISC LGPL UTC HK USD CNY EUR GBP JPY HKD Excel"
)
ALLOWED_WHOLE = [
    re.compile(r"^https?://\S+$"),  # a link
    re.compile(r"^((Ctrl|Shift|Alt|Meta|Del|Esc|F\d{1,2}|[A-Z0-9,./]|Left|Right)\+?)+$"),
    re.compile(r"^[\w.-]+\.(png|csv|pdf|svg|json|toml|xlsx|sqlite3|txt)$"),  # a file name
    re.compile(r"^[yMdHhms:./ -]+$"),  # a date format: yyyy-MM-dd HH:mm
    re.compile(r"^(left|right|top|bottom)$"),  # a pyqtgraph axis
    re.compile(r"^#[0-9a-fA-F]{3,8}$"),  # a colour
    re.compile(r"^[^{};]*\{[^}]*:[^}]*;[^}]*\}"),  # a style sheet
]


def _letters(text: str) -> bool:
    """Whether ``text`` holds words once markup, placeholders and names are taken out."""
    if any(p.match(text.strip()) for p in ALLOWED_WHOLE):
        return False
    text = re.sub(r"<[^>]*>|&[A-Za-z]+;|&#\d+;|\{[^{}]*\}|%L?\d|%n|https?://\S+", " ", text)
    text = re.sub(r"\*\.\w+", " ", text)  # file patterns in filters
    for word in TECHNICAL:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", " ", text)
    return bool(re.search(r"[A-Za-z]{2,}", text))


def _literal_text(node: ast.expr | None) -> str | None:
    """The English a node puts on screen without tr(): a literal, an f-string's literal
    parts, either side of ``+`` or ``if``, ``"...".format()``; None when there is none."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _letters(node.value) else None
    if isinstance(node, ast.JoinedStr):
        parts = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return f"f{parts!r}" if _letters(parts) else None
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) or _literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body) or _literal_text(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return next((t for t in map(_literal_text, node.elts) if t), None)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _literal_text(node.func.value)
    return None


def _looks_like_text(node: ast.expr) -> bool:
    if isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.IfExp)):
        return True
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id in ("tr", "_t"))
        or (isinstance(node.func, ast.Attribute) and node.func.attr in ("tr", "format"))
    )


#: crmdesk helpers whose text parameter is no UI text (the self-test's messages go to the
#: terminal, in English, like the command line's).
NOT_UI_HELPERS = {"_check"}


def _text_positions(fn: ast.FunctionDef, method: bool) -> set[int]:
    if (
        fn.name in MODEL_TEXT
        or fn.name in tool.UNRESOLVED_NAMES
        or fn.name in NOT_UI_HELPERS
        or tool._translate_context(fn) is not None  # a tr() helper
    ):
        return set()
    params = [a.arg for a in fn.args.args][1 if method else 0 :]
    return {i for i, p in enumerate(params) if p in TEXT_PARAMS}


class _Helpers:
    """crmdesk's own functions, methods and classes that show a parameter on screen (one
    named ``text``, ``title``, ``hint``...): where each call's texts are."""

    def __init__(self, trees: dict[Path, ast.Module]) -> None:
        self.functions: dict[Path, dict[str, set[int]]] = {}
        self.anywhere: dict[str, set[int]] = {}  # module-level functions, by name
        self.methods: dict[str, dict[str, set[int]]] = {}  # class -> method -> positions
        self.bases: dict[str, list[str]] = {}
        for path, tree in trees.items():
            own = self.functions.setdefault(path, {})
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    own[node.name] = _text_positions(node, method=False)
                    self.anywhere.setdefault(node.name, set()).update(own[node.name])
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    self.bases[node.name] = [
                        getattr(b, "id", getattr(b, "attr", "")) for b in node.bases
                    ]
                    methods = self.methods.setdefault(node.name, {})
                    for f in node.body:
                        if isinstance(f, ast.FunctionDef):
                            methods[f.name] = _text_positions(f, method=True)

    def method(self, cls: str | None, name: str, seen: frozenset[str] = frozenset()) -> set[int]:
        if cls is None or cls in seen:
            return set()
        if name in self.methods.get(cls, {}):
            return self.methods[cls][name]
        for base in self.bases.get(cls, ()):
            if found := self.method(base, name, seen | {cls}):
                return found
        return set()

    def call(self, path: Path, cls: str | None, node: ast.Call) -> set[int]:
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                return self.method(cls, func.attr)
            return set()
        if isinstance(func, ast.Name):
            if func.id in self.functions.get(path, {}):
                return self.functions[path][func.id]
            if func.id in self.methods:  # a class: its __init__
                return self.method(func.id, "__init__")
            return self.anywhere.get(func.id, set())
        return set()


def _calls(tree: ast.Module) -> Iterator[tuple[str | None, ast.AST]]:
    """Every node with the class it is in (None outside classes)."""

    def walk(node: ast.AST, cls: str | None) -> Iterator[tuple[str | None, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            yield cls, child
            yield from walk(child, child.name if isinstance(child, ast.ClassDef) else cls)

    yield from walk(tree, None)


def bypasses(files: list[Path] | None = None) -> list[str]:
    """``file:line: call('English')`` for every literal shown without tr()."""
    paths = files or sorted(UI.rglob("*.py"))
    trees = {p: ast.parse(p.read_text("utf-8"), str(p)) for p in paths}
    helpers = _Helpers(trees)
    found = []
    for path, tree in trees.items():
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)

        def report(node: ast.AST, what: str, text: str) -> None:
            found.append(f"{rel}:{node.lineno}: {what}({text!r}) bypasses tr()")  # noqa: B023

        for cls, node in _calls(tree):
            if isinstance(node, ast.FunctionDef) and node.name in MODEL_TEXT:
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and (text := _literal_text(ret.value)):
                        report(ret, f"{node.name} returns ", text)
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            positions: set[int] = set(TEXT_CALLS.get(name, ())) | set(CONSTRUCTORS.get(name, ()))
            own = helpers.call(path, cls, node)
            positions |= own
            if name in ICON_FIRST and node.args:
                positions.add(0 if _looks_like_text(node.args[0]) else 1)
            if name == "addRow" and len(node.args) >= 2:
                positions.add(0)
            for i in sorted(positions):
                if i < len(node.args) and (text := _literal_text(node.args[i])):
                    report(node, name, text)
            for kw in node.keywords:
                shown = kw.arg in TEXT_KEYWORDS or (kw.arg == "name" and name in PLOT_CALLS)
                shown = shown or bool(own and kw.arg in TEXT_PARAMS)
                if shown and (text := _literal_text(kw.value)):
                    report(node, f"{name}({kw.arg}=)", text)
    return sorted(set(found))


def test_no_visible_literal_bypasses_tr() -> None:
    found = bypasses()
    assert not found, "English shown without tr():\n" + "\n".join(found)


BAD_UI = """
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from crmdesk.ui.icons import icon


class Page:
    def __init__(self):
        self.setWindowTitle("Settings")  # bad
        QLabel("Name:")  # bad
        QPushButton(icon("plus"), "Add")  # bad
        QMessageBox.warning(self, self.tr("Fine"), f"Cannot open {path}")  # bad
        self.combo.addItem("Quarter", "quarter")  # bad
        self.status.showMessage(self.tr("Saved") + " at noon")  # bad
        self.plot.plot(x, y, name="Won")  # bad
        self.axis.setLabel("Days")  # bad
        painter.drawText(rect, 0, "Today")  # bad
        _hint("Shown under the field")  # bad

    def headerData(self, section, orientation, role):
        return "Owner"  # bad

    def fine(self):
        self.setObjectName("dialogTitle")
        self.setStyleSheet("QLabel { color: red; }")
        QLabel(self.tr("Name:"))
        QLabel("crmdesk")
        QLabel("<b>{n}</b>".format(n=3))
        self.combo.addItem(self.tr("Month"), "month")
        self.combo.addItems(["UTF-8", "GBK", "GB18030"])
        self.action.setShortcut("Ctrl+N")
        self.box.setText("https://www.qt.io")
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.plot.setLabel("left", self.tr("Days"))
        QPushButton(icon("plus"), self.tr("Add"))


def _hint(text):
    return QLabel(text)
"""


def test_the_bypass_scan_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad_ui.py"
    path.write_text(BAD_UI, encoding="utf-8")
    found = bypasses([path])
    bad = {n for n, line in enumerate(BAD_UI.splitlines(), start=1) if line.endswith("# bad")}
    assert {int(f.split(":")[1]) for f in found} == bad, "\n".join(found)
    assert all(f.startswith(f"{path}:") and "bypasses tr()" in f for f in found)


# --- the errors: every code the core raises has its sentence ----------------------------------
CORE = ("services", "metrics", "domain", "db", "portability", "demo", "importing")
VALIDATOR_FIELD = {
    "add": 0,
    "text": 0,
    "amount": 0,
    "integer": 0,
    "timestamp": 0,
    "day": 0,
    "currency": 0,
    "choice": 0,
    "reference": 1,
}


@dataclass
class Raised:
    """What the core raises, found in its source: value -> first place."""

    fields: dict[str, str]
    codes: dict[str, str]
    reasons: dict[str, str]  # FieldError reasons (f-strings with {} for their values)
    actions: dict[str, str]
    open_reasons: dict[str, str]
    portability: dict[str, str]
    demo: dict[str, str]
    entities: dict[str, str]  # NotFound("<entity>", ...), Conflict("<entity>", ...)


def _text_of(node: ast.expr | None) -> str | None:
    """A literal, or an f-string with each value as ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _raised() -> Raised:
    r = Raised({}, {}, {}, {}, {}, {}, {}, {})
    for package in CORE:
        for path in sorted((ROOT / "crmdesk" / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                at = f"{rel}:{node.lineno}"
                args = node.args
                kw = {k.arg: k.value for k in node.keywords}
                if package == "importing":  # its own catalogue (ImportMessages)
                    if name == "PermissionDenied" and (a := _text_of(kw.get("action"))):
                        r.actions.setdefault(a, at)
                    continue
                if name == "FieldError" and len(args) >= 2:
                    if (field := _text_of(args[0])) and "{}" not in field:
                        r.fields.setdefault(field, at)
                    if code := _text_of(args[1]):
                        r.codes.setdefault(code, at)
                    if len(args) > 2 and isinstance(args[2], ast.Dict):
                        for k, v in zip(args[2].keys, args[2].values, strict=True):
                            if k is not None and _text_of(k) == "reason" and (t := _text_of(v)):
                                r.reasons.setdefault(t, at)
                elif isinstance(f, ast.Attribute) and name in VALIDATOR_FIELD:
                    i = VALIDATOR_FIELD[name]
                    field = _text_of(args[i]) if len(args) > i else None
                    if field is None or package not in ("services", "metrics"):
                        continue
                    if "{}" in field:
                        field = field.replace("{}", "zh_CN")  # f"names.{lang}"
                    r.fields.setdefault(field, at)
                    if name == "add" and len(args) > 1 and (code := _text_of(args[1])):
                        r.codes.setdefault(code, at)
                    if name == "add" and (t := _text_of(kw.get("reason"))):
                        r.reasons.setdefault(t, at)
                action = None
                if name == "PermissionDenied":
                    action = _text_of(kw.get("action"))
                elif name in ("require_manager", "require_admin") and len(args) > 1:
                    action = _text_of(args[1])
                elif name == "require_owner_or_manager" and len(args) > 2:
                    action = _text_of(args[2])
                if action:
                    r.actions.setdefault(action, at)
                if name == "_refuse" and package == "db" and (t := _text_of([*args, None][1])):
                    r.open_reasons.setdefault(t, at)
                if name == "_refuse" and package == "portability":  # a dump's: a code
                    code = _text_of(args[2]) if len(args) > 2 else _text_of(kw.get("code"))
                    r.portability.setdefault(code or "invalid_dump", at)
                if name == "PortabilityError" and (code := _text_of(kw.get("reason"))):
                    r.portability.setdefault(code, at)
                if name == "PortabilityError" and "reason" not in kw and package == "portability":
                    r.portability.setdefault("<no reason code>", at)
                if name in ("NotFound", "Conflict") and args and (t := _text_of(args[0])):
                    r.entities.setdefault(t, at)
                if name == "DemoError" and args and (t := _text_of(args[0])):
                    r.demo.setdefault(t, at)
    return r


@pytest.fixture(scope="module")
def raised() -> Raised:
    return _raised()


def _instance(shape: str) -> str:
    """An f-string's shape with a sample value for each ``{}``."""
    return shape.replace("{}", "X1")


def test_the_source_scan_finds_what_the_core_raises(raised: Raised) -> None:
    """The scan below is no empty promise: it sees the well-known codes."""
    assert {"title", "amount", "password", "login", "stage_id"} <= set(raised.fields)
    assert {"required", "too_long", "invalid", "duplicate"} <= set(raised.codes)
    assert "it needs at least {} characters" in raised.reasons
    assert {"move_deal", "edit_settings", "view_reports", "import"} <= set(raised.actions)
    assert "is a folder, not a database file" in raised.open_reasons
    assert {"write_failed", "no_folder"} <= set(raised.portability)
    assert "the database has no pipeline" in raised.demo


def test_every_field_error_code_and_field_has_a_sentence(
    raised: Raised, qapp: QApplication
) -> None:
    templates = errors.field_templates()
    assert not {c: w for c, w in raised.codes.items() if c not in templates}
    unlabelled = {f: w for f, w in raised.fields.items() if errors.field_label(f) == f}
    assert not unlabelled, f"fields without a label in ui/errors.field_label: {unlabelled}"


def test_every_reason_the_services_give_is_translatable(raised: Raised) -> None:
    unknown = {
        r: w
        for r, w in raised.reasons.items()
        if errors.match_template(_instance(r), errors.SERVICE_REASONS) is None
    }
    assert not unknown, f"reasons missing from ui/errors.SERVICE_REASONS: {unknown}"


def test_every_refused_action_has_a_sentence(raised: Raised) -> None:
    messages = errors.permission_messages()
    assert not {a: w for a, w in raised.actions.items() if a not in messages}


def test_every_entity_has_a_name(raised: Raised) -> None:
    from crmdesk.services._common import _ENTITY_NAMES

    entities = set(_ENTITY_NAMES.values()) | set(raised.entities)
    assert not entities - set(errors.entity_names())


def test_every_database_open_reason_portability_and_demo_error_is_translatable(
    raised: Raised,
) -> None:
    unknown = {
        r: w
        for r, w in raised.open_reasons.items()
        if errors.match_template(_instance(r), errors.DATABASE_OPEN_REASONS) is None
    }
    assert not unknown, f"reasons missing from ui/errors.DATABASE_OPEN_REASONS: {unknown}"
    messages = errors.portability_messages()
    assert not {c: w for c, w in raised.portability.items() if c not in messages}
    demo = {
        t: w
        for t, w in raised.demo.items()
        if errors.match_template(_instance(t), errors.DEMO_MESSAGES) is None
    }
    assert not demo, f"messages missing from ui/errors.DEMO_MESSAGES: {demo}"


def sample_errors(raised: Raised) -> list[BaseException]:
    """One of every error a user can meet, with realistic parameters."""
    from crmdesk.demo import DemoError
    from crmdesk.portability import PortabilityError

    out: list[BaseException] = []
    params = {"max": 200, "min": 0, "value": "12", "reason": "", "limit": 63, "count": 3}
    for code in sorted(raised.codes):
        out.append(ValidationError(FieldError("title", code, dict(params))))
    for reason in sorted(raised.reasons):
        out.append(ValidationError(FieldError("amount", "invalid", {"reason": _instance(reason)})))
    for field in sorted(raised.fields):
        out.append(ValidationError(FieldError(field, "required")))
    for action in sorted(raised.actions):
        out.append(PermissionDenied("refused", action=action))
    from crmdesk.services._common import _ENTITY_NAMES

    for entity in sorted(_ENTITY_NAMES.values()):
        out.append(NotFound(entity, 1))
    out.append(
        Conflict(
            "deal",
            1,
            expected_version=1,
            current_version=2,
            changed_by="王芳",
            changed_at=DEMO_NOW,
        )
    )
    out.append(DatabaseUnavailable("gone", reason="连接超时"))
    for code in ("sign_in_failed", "sign_in_disabled"):
        out.append(SignInFailed("no", code=code))
    out.append(SignInFailed("no", code="sign_in_locked", minutes=4))
    out.append(SignInFailed("no", code="sign_in_locked", minutes=1))
    for reason in sorted(raised.open_reasons):
        out.append(DatabaseOpenError("x", reason=_instance(reason), where="/数据/客户.sqlite3"))
    for code in sorted(raised.portability):
        out.append(PortabilityError("x", reason=code))
    for text in sorted(raised.demo):
        out.append(DemoError(_instance(text)))
    return out


def test_error_messages_translate_their_reasons(qapp: QApplication) -> None:
    """In English the reason reads as the service wrote it; its parts are matched."""
    err = ValidationError(
        FieldError("password", "invalid", {"reason": "it needs at least 8 characters"})
    )
    assert errors.error_message(err) == "Password: Not valid: it needs at least 8 characters."
    opened = DatabaseOpenError("x", reason="cannot be read (Permission denied)", where="/a.db")
    assert errors.error_message(opened) == "/a.db: cannot be read (Permission denied)"
    unknown = ValidationError(FieldError("title", "invalid", {"reason": "something new"}))
    assert errors.error_message(unknown) == "Title: Not valid: something new."


# --- c. every screen in Chinese -----------------------------------------------------------------
TOKEN = re.compile(r"\{[^{}]*\}|<[^<>]*>|&[A-Za-z]+;|&#\d+;|%L?\d|%n|&(?=\S)")


def pseudo(source: str) -> str:
    """Every Latin letter outside placeholders, markup and accelerators becomes 文."""
    out, pos = [], 0
    for found in TOKEN.finditer(source):
        out.append(re.sub(r"[A-Za-z]", "文", source[pos : found.start()]))
        out.append(found.group())
        pos = found.end()
    out.append(re.sub(r"[A-Za-z]", "文", source[pos:]))
    return "".join(out)


class PseudoTranslator(QTranslator):
    """Translates every string of crmdesk's catalogue (and only those) into 文文文."""

    def __init__(self, messages: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.known = {context: set(sources) for context, sources in messages.items()}

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if source in self.known.get(context, ()):
            return pseudo(source)
        return None

    def isEmpty(self) -> bool:  # Qt's name
        return False


@contextmanager
def speaking_chinese(app: QApplication, catalogue: Any, mode: str) -> Iterator[None]:
    """The app in Chinese as it starts (``set_locale``: Qt's and crmdesk's translators and
    the Chinese locale); ``pseudo`` puts the pseudo-translation in front of crmdesk's."""
    extra = PseudoTranslator(catalogue.messages) if mode == "pseudo" else None
    set_locale("zh_CN")
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        if extra is not None:
            app.installTranslator(extra)
        assert QLocale().language() == QLocale.Language.Chinese
        yield
    finally:
        if extra is not None:
            app.removeTranslator(extra)
        set_locale("en")


#: Words that are no English sentence: product and technical names, key names, codes.
NOT_ENGLISH = set(TECHNICAL) | set(
    _words(
        "Ctrl Shift Alt Meta Del Esc Enter Return Home End PgUp PgDown Tab Space Backspace "
        "Up Down Left Right "
        "Ins Delete Python PSF MIT BSD Clause SQLAlchemy Shiboken6 pyqtgraph NumPy openpyxl "
        "et_xmlfile platformdirs GNU LATIN SIG CP1252 ERP CRM English"
    )
)
URLISH = re.compile(
    r"\b(https?|sqlite|postgresql(\+psycopg)?)://\S*|[\w.+-]+@[\w-]+\.[\w.]+"
    r"|(?<![\w])(/[\w.+-]+)+/?|[A-Z]:\\\S*"
    r"|\b[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+)+\b"  # a time zone: America/Argentina/Salta
    r"|\b[\w-]+(\.[\w-]+)*\.(io|org|com|net)\b"  # a domain: download.qt.io
    r"|\.(csv|xlsx|json|toml|pdf|png|svg|sqlite3|gz)\b"  # a file name's ending
    r"|\b[a-z]+\.[a-z]+\b"  # a login: zhang.wei
    r"|\b[A-Z]{3}\b"  # a code: SGD, USD
    r"|\b[a-z]+(_[a-z]+)+\b"  # an identifier: external_ref
    r"|'crmdesk [^']*'"  # a command to type: 'crmdesk migrate'
)
#: English on purpose: the examples in the fields for a stage's or a list entry's English
#: name (Settings), which stay English in Chinese too.
ENGLISH_ON_PURPOSE = ["Went with a cheaper offer", "Needs analysis", "Renewals", "Webinar"]


@dataclass(frozen=True)
class Shown:
    where: str  # screen › widget class#objectName (what)
    text: str


class Screens:
    """What a user reads: the texts of widgets, models, charts, painted cards and pages."""

    def __init__(self, data_values: list[str]) -> None:
        self.shown: list[Shown] = []
        self.screen = ""
        self.data_values = data_values

    def add(self, what: str, text: object) -> None:
        if isinstance(text, str) and text.strip():
            if QtGui.Qt.mightBeRichText(text):
                doc = QTextDocument()
                doc.setHtml(text)
                text = doc.toPlainText()
            self.shown.append(Shown(f"{self.screen} › {what}", text))

    def english(self) -> list[str]:
        bad = []
        for s in self.shown:
            words = english_words(s.text, self.data_values)
            if words:
                bad.append(f"{s.where}: {s.text[:160]!r} ({', '.join(words[:4])})")
        return sorted(set(bad))

    # --- widgets ------------------------------------------------------------------------
    def widget(self, root: QWidget) -> None:
        import pyqtgraph as pg

        for w in [root, *root.findChildren(QWidget)]:
            who = f"{type(w).__name__}#{w.objectName()}"
            if w.isWindow():
                self.add(f"{who} title", w.windowTitle())
            self.add(f"{who} tooltip", w.toolTip())
            if isinstance(w, QLabel):
                self.add(who, w.text())
            if isinstance(w, QAbstractButton):
                self.add(who, w.text())
            if isinstance(w, QGroupBox):
                self.add(who, w.title())
            if isinstance(w, QLineEdit):
                self.add(f"{who} placeholder", w.placeholderText())
            if isinstance(w, QComboBox):
                for i in range(w.count()):
                    self.add(f"{who} item", w.itemText(i))
            if isinstance(w, QTabBar):
                for i in range(w.count()):
                    self.add(f"{who} tab", w.tabText(i))
                    self.add(f"{who} tab tooltip", w.tabToolTip(i))
            if isinstance(w, QAbstractSpinBox):
                self.add(f"{who} special value", w.specialValueText())
                for part in ("prefix", "suffix"):
                    if hasattr(w, part):
                        self.add(f"{who} {part}", getattr(w, part)())
            if isinstance(w, QTextEdit):
                self.add(who, w.toPlainText())
            if isinstance(w, QTreeWidget):
                header = w.headerItem()
                for c in range(header.columnCount()):
                    self.add(f"{who} header", header.text(c))
            if isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):
                self.model(w.model(), who)
            if isinstance(w, QMenu):
                self.add(f"{who} menu", w.title())
            if isinstance(w, QStatusBar):
                self.add(f"{who} message", w.currentMessage())
            for action in QWidget.actions(w):
                self.action(action, who)
            if isinstance(w, pg.PlotWidget):
                self.chart(w)

    def action(self, action: QAction, who: str) -> None:
        self.add(f"{who} action", action.text())
        self.add(f"{who} action tooltip", action.toolTip())
        if action.menu() is not None:
            self.widget(action.menu())

    def model(self, model: Any, who: str, rows: int = 25) -> None:
        """The headers, and the first rows' cells and tooltips (in a tree, their children
        too)."""
        if model is None:
            return
        display, tip = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole

        def columns(parent: QModelIndex) -> int:
            try:
                return int(model.columnCount(parent))
            except TypeError:  # a list model hides it
                return 1

        for c in range(columns(QModelIndex())):
            self.add(f"{who} header", model.headerData(c, Qt.Orientation.Horizontal, display))

        def rows_of(parent: QModelIndex, depth: int) -> None:
            for r in range(min(rows, model.rowCount(parent))):
                for c in range(columns(parent)):
                    index = model.index(r, c, parent)
                    self.add(f"{who} cell", index.data(display))
                    self.add(f"{who} cell tooltip", index.data(tip))
                first = model.index(r, 0, parent)
                if depth < 3 and first.isValid() and model.rowCount(first) > 0:
                    rows_of(first, depth + 1)

        rows_of(QModelIndex(), 0)

    def chart(self, plot: Any) -> None:
        import pyqtgraph as pg

        item = plot.getPlotItem()
        name = type(plot).__name__
        self.add(f"{name} title", item.titleLabel.text)
        for side in ("left", "bottom", "right", "top"):
            axis = item.getAxis(side)
            self.add(f"{name} {side} axis label", axis.labelText)
            for level in axis._tickLevels or ():
                for _, text in level:
                    self.add(f"{name} {side} axis tick", text)
        if item.legend is not None:
            for _, label in item.legend.items:
                self.add(f"{name} legend", label.text)
        for child in item.items:
            if isinstance(child, pg.TextItem):
                self.add(f"{name} label", child.toPlainText())

    @contextmanager
    def painted(self, what: str) -> Iterator[None]:
        """Collect what Python code paints with QPainter.drawText meanwhile."""
        original = QPainter.drawText

        def spy(painter: QPainter, *args: Any) -> Any:
            for arg in args:
                self.add(f"{what} (painted)", arg)
            return original(painter, *args)

        QPainter.drawText = spy  # type: ignore[method-assign]
        try:
            yield
        finally:
            QPainter.drawText = original  # type: ignore[method-assign]


def english_words(text: str, data_values: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """The English words in ``text``, once data, addresses and names are taken out."""
    text = URLISH.sub(" ", unicodedata.normalize("NFKC", text))
    for value in data_values:
        if value in text:
            text = text.replace(value, " ")
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", text) if w not in NOT_ENGLISH]


def test_english_words_finds_english_and_leaves_data_alone() -> None:
    assert english_words("保存 Changes") == ["Changes"]
    assert english_words("数据库：sqlite:////tmp/x/demo.sqlite3，/home/a/b.csv") == []
    assert english_words("Ctrl+Shift+Z 或 Ctrl+Y，USD — 美元，Asia/Shanghai") == []
    assert english_words("客户 Acme Corp 的商机", ["Acme Corp"]) == []
    assert english_words("Task: 确认预算") == ["Task"]
    assert english_words("选择 .csv 或 .xlsx 文件，见 download.qt.io，例如：zhang.wei 或 SGD") == []


def database_texts(db: Database) -> list[str]:
    """Every text the database holds that has Latin letters (names, logins, titles): data,
    not the UI's words. Longest first, so a value is taken out before its parts."""
    values: set[str] = set()
    with db.read() as session:
        for table in m.Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, (String, Text)) or column.name == "names":
                    for (value,) in session.execute(select(column).distinct()):
                        items = value.values() if isinstance(value, dict) else [value]
                        values.update(
                            str(v) for v in items if v and re.search(r"[A-Za-z]{3}", str(v))
                        )
    from crmdesk.ui.help_dialogs import components

    for c in components():
        values.update((c.name, c.licence, c.version))
    return sorted(values, key=len, reverse=True)


@pytest.fixture(scope="module")
def zh_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chinese demo database (its stage, source and people names are Chinese)."""
    return build_template(tmp_path_factory.mktemp("zh-demo"), deals=300, seed=5, locale="zh_CN")


@pytest.fixture
def zh_db(zh_template: Path, tmp_path: Path) -> Iterator[Database]:
    yield from copy_of(zh_template, tmp_path)


def visit_everything(
    screens: Screens, db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> None:
    """Open every screen and dialog a user can reach, as a user would see it."""
    from crmdesk.services import customers, lists, pipelines
    from crmdesk.ui import settings_dialog
    from crmdesk.ui.customers_view import CustomerDialog
    from crmdesk.ui.deal_dialog import ActivityDialog, DealDialog
    from crmdesk.ui.dialogs import LostDialog, WonDialog
    from crmdesk.ui.help_dialogs import AboutDialog, ShortcutsDialog
    from crmdesk.ui.import_wizard import ImportWizard
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.reports.printing import export_pdf
    from crmdesk.ui.settings_dialog import ItemDialog, SettingsDialog, StageDialog, TargetDialog
    from crmdesk.ui.sign_in import ConnectDialog, SignInDialog
    from crmdesk.ui.users_dialog import AddUserDialog, PasswordDialog, RoleDialog, UsersDialog
    from crmdesk.ui.welcome import WelcomePage

    admin = users.get_user(db, default_admin_id(db))

    def show(widget: QWidget, screen: str) -> None:
        qtbot.addWidget(widget)
        widget.show()
        QApplication.processEvents()
        screens.screen = screen
        with screens.painted(screen):
            widget.grab()
        screens.widget(widget)

    # The main window: every view, every report, the menus, the toolbar, the status bar.
    window = MainWindow(db=db, user=admin, lang="zh_CN", confirm=False)
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for row, key in enumerate(window.VIEW_KEYS):
        window.nav.setCurrentRow(row)
        QApplication.processEvents()
        if key == "customers":  # one customer's details: contacts, deals, activities
            with db.read() as session:
                busy = session.execute(
                    select(m.Deal.customer_id)
                    .where(m.Deal.customer_id.is_not(None))
                    .group_by(m.Deal.customer_id)
                    .order_by(func.count().desc())
                ).scalar()
            window.customers_view.select_customer(busy)
            QApplication.processEvents()
        screens.screen = f"main window › {key}"
        with screens.painted(screens.screen):
            window.grab()
    # A year of the demo's deals, so that every chart has bars, legends and labels.
    window.reports.set_period("custom", date(2024, 7, 1), date(2025, 6, 30))
    window.reports.load_now()
    QApplication.processEvents()
    assert window.reports.data is not None and window.reports.error is None
    for i in range(window.reports.tabs.count()):
        window.reports.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        screens.screen = f"reports › {window.reports.tabs.tabText(i)}"
        with screens.painted(screens.screen):
            window.grab()
    screens.screen = "main window"
    screens.widget(window)

    # The printed pack: every page, as the PDF has it.
    from pypdf import PdfReader

    pdf = tmp / "pack.pdf"
    screens.screen = "printed pack"
    with screens.painted("printed pack"):
        export_pdf(pdf, window.reports.pack_document(current_only=False))
    for n, page in enumerate(PdfReader(str(pdf)).pages, start=1):
        screens.add(f"page {n}", page.extract_text() or "")

    # A drill-down from a chart.
    window.reports.tabs.setCurrentWidget(window.reports.pages["stages"])
    window.reports.pages["stages"].chart.bar_clicked.emit(DrillSpec(kind="created"))
    QApplication.processEvents()
    show(window._drill_dialog, "drill-down")

    # Deals: an open one (with its history, activities and changes), a new one.
    with db.read() as session:
        deal_id = session.execute(
            select(m.Deal.id).where(m.Deal.closed_at.is_(None)).order_by(m.Deal.id)
        ).scalar()
        lost_id = session.execute(
            select(m.Deal.id).where(m.Deal.lost_reason_id.is_not(None)).order_by(m.Deal.id)
        ).scalar()
        customer_id = session.execute(select(m.Customer.id).order_by(m.Customer.id)).scalar()
    for did, name in ((deal_id, "deal"), (lost_id, "lost deal"), (None, "new deal")):
        show(
            DealDialog(db=db, user=admin, ops=window.ops, deal_id=did, lang="zh_CN"),
            name,
        )
    show(ActivityDialog(), "new activity")
    show(WonDialog(count=2, amount=Decimal("1200")), "mark as won")
    show(
        LostDialog(count=1, reasons=lists.list_items(db, "lost_reasons"), lang="zh_CN"),
        "mark as lost",
    )
    customer = customers.get_customer(db, customer_id)
    show(CustomerDialog(db=db, user=admin, customer=customer), "customer")
    show(CustomerDialog(db=db, user=admin, customer=None), "new customer")

    # Settings, every page, and its dialogs.
    dialog = SettingsDialog(db=db, user=admin, bus=window.bus, lang="zh_CN", page=None)
    qtbot.addWidget(dialog)
    dialog.show()
    for key in settings_dialog.PAGE_KEYS:
        dialog.show_page(key)
        QApplication.processEvents()
        screens.screen = f"settings › {key}"
        with screens.painted(screens.screen):
            dialog.grab()
    screens.screen = "settings"
    screens.widget(dialog)  # every page's widgets
    pipeline = pipelines.get_pipeline(db)
    show(
        StageDialog(owner=dialog, pipeline=pipeline, stage=pipeline.stages[0], after=None),
        "stage",
    )
    show(
        ItemDialog(
            owner=dialog, which="lost_reasons", item=lists.list_items(db, "lost_reasons")[0]
        ),
        "lost reason",
    )
    show(TargetDialog(page=dialog.pages["targets"], target=None), "new target")

    # The language prompt Settings shows after a change.
    asked: list[QMessageBox] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box)
        screens.screen = "restart prompt"
        screens.widget(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert settings_dialog.ask_restart(None, "English") is False
    assert asked

    # Users and their dialogs.
    show(UsersDialog(db=db, user=admin, bus=window.bus), "users")
    rep = next(u for u in users.list_users(db) if u.id != admin.id)
    show(AddUserDialog(db=db, user=admin), "add user")
    show(RoleDialog(db=db, user=admin, target=rep), "role")
    show(PasswordDialog(db=db, user=admin, target=rep), "password")

    # The import wizard, through the dry run of a file with a bad row.
    csv = tmp / "deals.csv"
    rows = [
        "Deal ID,Deal Name,Account,Sales Agent,Deal Stage,Close Value,Engage Date",
        "T1,路由器升级,测试公司,admin,Prospecting,1200,2025-01-10",
        "T2,交换机,测试公司,admin,Prospecting,-5,2025-01-10",
    ]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    screens.data_values[:0] = sorted(
        {c for row in rows for c in row.split(",")}, key=len, reverse=True
    )  # the file's own headers and cells are data
    wizard = ImportWizard(db=db, user=admin, bus=window.bus, lang="zh_CN")
    show(wizard, "import › file")
    wizard.set_file(csv)
    for step in ("preview", "columns"):
        wizard.next_button.click()
        show(wizard, f"import › {step}")
    wizard.next_button.click()
    qtbot.waitUntil(
        lambda: wizard.running is None and wizard.dry_result is not None, timeout=20_000
    )
    show(wizard, "import › check")

    # Help, sign-in (with its refusal), the database chooser, the first-run page.
    show(AboutDialog(db=db), "about")
    show(ShortcutsDialog(window), "shortcuts")
    sign_in = SignInDialog(db)
    sign_in.login.setText("nobody")
    sign_in.password.setText("wrong-password")
    sign_in.try_sign_in()
    show(sign_in, "sign in")
    show(ConnectDialog(None), "database")
    show(WelcomePage(), "welcome")

    # Numbers, money, dates and durations.
    screens.screen = "format"
    for text in (
        fmt.days(3),
        fmt.money(Decimal("12345.5"), "CNY"),
        fmt.compact_money(Decimal("1500000"), "CNY"),
        fmt.compact_money(Decimal("35000"), "CNY"),
        fmt.percent(0.25),
        fmt.short_date(DEMO_NOW),
        fmt.date_time(DEMO_NOW),
    ):
        screens.add("format helper", text)
    # Every coded error, as a dialog shows it.
    screens.screen = "error messages"
    for exc in sample_errors(_raised()):
        screens.add(f"{type(exc).__name__} {getattr(exc, 'code', '')}", errors.error_message(exc))
    window.close()


@pytest.mark.parametrize("mode", ["pseudo", "zh_CN"])
def test_every_screen_dialog_chart_and_page_reads_in_chinese(
    mode: str,
    catalogue: Any,
    zh_db: Database,
    qapp: QApplication,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """``pseudo``: any English left on screen bypassed tr() (this holds whatever the state
    of the translations). ``zh_CN``: with the real catalogue, nothing is left in English:
    this fails while translations are missing."""
    screens = Screens(ENGLISH_ON_PURPOSE + database_texts(zh_db))
    with speaking_chinese(qapp, catalogue, mode):
        visit_everything(screens, zh_db, qtbot, monkeypatch, tmp_path)
    assert len(screens.shown) > 1500, "the walk saw too little to prove anything"
    kinds = " | ".join(s.where for s in screens.shown)
    for kind in (
        "FunnelChart title",
        "axis label",
        "axis tick",
        "legend",
        "(painted)",
        "printed pack › page 3",
        "restart prompt",
        "cell tooltip",
        "header",
    ):
        assert kind in kinds, f"the walk saw no {kind}"
    # Qt's own buttons (QDialogButtonBox, QMessageBox) come from qtbase_zh_CN.qm.
    assert {"确定", "取消"} <= {s.text for s in screens.shown}
    screens_seen = {s.where.split(" › ")[0] for s in screens.shown}
    assert {"main window", "printed pack", "settings", "import", "error messages"} <= {
        s.split(" › ")[0] for s in screens_seen
    }
    english = screens.english()
    assert not english, f"{len(english)} texts still in English ({mode}):\n" + "\n".join(
        english[:250]
    )


def test_the_walk_finds_english_that_bypasses_tr(
    catalogue: Any, qapp: QApplication, qtbot: QtBot
) -> None:
    """The check can fail: a label set without tr() stays English under the pseudo
    translation, one set through tr() does not."""
    from crmdesk.ui.welcome import WelcomePage

    screens = Screens([])
    with speaking_chinese(qapp, catalogue, "pseudo"):
        page = WelcomePage()
        qtbot.addWidget(page)
        QLabel("Untranslated words", page)
        screens.screen = "welcome"
        screens.widget(page)
    english = screens.english()
    assert len(english) == 1 and "Untranslated words" in english[0], english
    assert "QLabel#" in english[0]


# --- d. the language: chosen in Settings, used at the next start -------------------------------
def test_the_app_starts_speaking_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qapp: QApplication
) -> None:
    """run_gui installs Qt's and crmdesk's Chinese translators and the Chinese locale for
    the language chosen in Settings (or the system's), and none for English."""
    from crmdesk.ui import app as app_module
    from crmdesk.ui.settings_dialog import save_language

    class Stop(Exception):
        pass

    seen: list[tuple[str, str, QLocale.Language]] = []

    def fake_open(_db: object, _demo: bool, lang: str) -> object:
        seen.append(
            (
                lang,
                QCoreApplication.translate("QPlatformTheme", "Cancel"),
                QLocale().language(),
            )
        )
        raise Stop

    monkeypatch.setattr(app_module, "_open", fake_open)
    app_module._application([])
    try:
        save_language("zh_CN")
        with pytest.raises(Stop):
            app_module.run_gui(db=str(tmp_path / "x.sqlite3"))
        assert i18n.installed(), "no translator installed for Chinese"
        save_language("en")
        with pytest.raises(Stop):
            app_module.run_gui(db=str(tmp_path / "x.sqlite3"))
        assert i18n.installed() == []
    finally:
        save_language(None)
        set_locale("en")
    assert seen == [
        ("zh_CN", "取消", QLocale.Language.Chinese),
        ("en", "Cancel", QLocale.Language.English),
    ]


def test_the_command_line_language_is_normalised(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qapp: QApplication
) -> None:
    from crmdesk.ui import app as app_module

    class Stop(Exception):
        pass

    seen: list[str] = []

    def fake_open(_db: object, _demo: bool, lang: str) -> object:
        seen.append(lang)
        raise Stop

    monkeypatch.setattr(app_module, "_open", fake_open)
    try:
        with pytest.raises(Stop):
            app_module.run_gui(db=str(tmp_path / "x.sqlite3"), lang="zh_CN.UTF-8")
    finally:
        set_locale("en")
    assert seen == ["zh_CN"]
