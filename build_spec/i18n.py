"""The translation catalogue: extract every tr() string, keep the .ts file, compile .qm.

Qt's ``pyside6-lupdate`` sees ``self.tr("...")`` but not the module-level ``tr()``
helpers that crmdesk's UI modules use (each is ``QCoreApplication.translate(<context>,
text)`` with a fixed context), nor the importer's message catalogue that the wizard
translates by its English text. This script reads the code with :mod:`ast` instead:

* ``self.tr("...")`` / ``cls.tr("...")`` inside ``class C`` -> context ``C`` (Qt takes
  the context from the object's class name at run time);
* ``tr("...")`` / ``_t("...")`` where the module defines that function as
  ``return QCoreApplication.translate("<context>", text)`` -> that context (a literal
  ``context=`` argument overrides it, as ``ui/format.tr`` allows);
* ``QCoreApplication.translate("<context>", "...")`` -> that context;
* the tables of :data:`DYNAMIC_CONTEXTS`, which the UI translates by their English text
  (the importer's messages -> ``ImportMessages``, the services' reasons, why a database
  cannot be opened, why demo data cannot be made: ``crmdesk/ui/errors.py``).

Anything it cannot resolve statically (``x.tr(...)`` on another object, a ``tr()`` of a
variable or an f-string, a ``tr()`` that is not the module's helper, such as a function
passed in, a ``self.tr`` in a class that another UI class subclasses) is a *problem*:
``check`` lists them and the tests fail on them.

Usage (``make translations`` runs ``update`` then ``compile``)::

    python build_spec/i18n.py update            # refresh resources/translations/*.ts
    python build_spec/i18n.py merge FILE.json   # {"context": {"source": "translation"}}
    python build_spec/i18n.py check             # problems and unfinished counts; exit 1
    python build_spec/i18n.py compile           # .ts -> .qm (pyside6-lrelease)
    python build_spec/i18n.py todo [CONTEXT]    # unfinished entries as JSON, to translate
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "crmdesk" / "ui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)
#: Contexts whose texts are a table in the code, translated by their English text at run
#: time (a line that does so says ``# i18n: dynamic``): context -> "module:name" of a dict
#: (its values) or a tuple of the texts.
DYNAMIC_CONTEXTS = {
    "ImportMessages": "crmdesk.importing.messages:ALL_MESSAGES",
    "ImportFields": "crmdesk.ui.import_wizard:FIELD_DESCRIPTIONS",
    "ServiceReasons": "crmdesk.ui.errors:SERVICE_REASONS",
    "DatabaseOpen": "crmdesk.ui.errors:DATABASE_OPEN_REASONS",
    "DemoErrors": "crmdesk.ui.errors:DEMO_MESSAGES",
}
#: Names that look like a translate helper: a call of one that the extractor cannot
#: resolve to a context is a problem (its strings would never reach the catalogue).
UNRESOLVED_NAMES = ("tr", "_t", "_tr", "translate")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class Catalogue:
    # context -> source -> first location "file:line"
    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, context: str, source: str, where: str) -> None:
        self.messages.setdefault(context, {}).setdefault(source, where)

    def count(self) -> int:
        return sum(len(m) for m in self.messages.values())


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _translate_context(fn: ast.FunctionDef) -> tuple[str, str | None] | None:
    """For ``def tr(text, context="X"): return QCoreApplication.translate(context, text)``
    or ``...translate("X", text)``: (default context, name of the context parameter)."""
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and _literal(s.value))]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "translate"
        and len(call.args) >= 2
    ):
        return None
    first = call.args[0]
    ctx = _literal(first)
    if ctx is not None:
        return ctx, None
    if isinstance(first, ast.Name):
        # the context is a parameter with a literal default
        params = fn.args.args
        defaults = fn.args.defaults
        offset = len(params) - len(defaults)
        for i, p in enumerate(params):
            if p.arg == first.id and i >= offset:
                value = _literal(defaults[i - offset])
                if value is not None:
                    return value, p.arg
    return None


def _ui_files() -> Iterator[Path]:
    yield from sorted(UI_DIR.rglob("*.py"))


def _class_bases(trees: dict[Path, ast.Module]) -> dict[str, set[str]]:
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for b in node.bases:
                    name = b.id if isinstance(b, ast.Name) else getattr(b, "attr", None)
                    if name:
                        bases.setdefault(name, set()).add(node.name)
    return bases


def _fixed_contexts(trees: dict[Path, ast.Module]) -> dict[str, str]:
    """Classes whose ``tr()`` translates in a fixed context: those defining
    ``def tr(self, text): return QCoreApplication.translate("<context>", text)``, and the
    UI classes that inherit it (``self.tr`` of a subclass then runs the base's)."""
    own: dict[str, str] = {}
    bases: dict[str, list[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases[node.name] = [
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            ]
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "tr":
                    fixed = _translate_context(item)
                    if fixed is not None:
                        own[node.name] = fixed[0]

    def resolve(name: str, seen: frozenset[str] = frozenset()) -> str | None:
        if name in own:
            return own[name]
        for base in bases.get(name, ()):
            if base and base not in seen:
                found = resolve(base, seen | {name})
                if found is not None:
                    return found
        return None

    return {name: ctx for name in bases if (ctx := resolve(name)) is not None}


class _Visitor(ast.NodeVisitor):
    def __init__(
        self,
        cat: Catalogue,
        rel: str,
        helpers: dict[str, tuple[str, str | None]],
        fixed: dict[str, str] | None = None,
    ):
        self.cat = cat
        self.rel = rel
        self.helpers = helpers
        self.classes: list[str] = []
        self.tr_classes: set[str] = set()
        self.lines: list[str] = []
        self.fixed: dict[str, str] = dict(fixed or {})

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if not self.classes and node.name in self.helpers:
            return  # the helper's own body: translate(<context>, text)
        if self.classes and node.name == "tr" and self.classes[-1] in self.fixed:
            return
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for item in node.body:
            # a class with its own tr() -> translate("<context>", text): a fixed context
            if isinstance(item, ast.FunctionDef) and item.name == "tr":
                fixed = _translate_context(item)
                if fixed is not None:
                    self.fixed[node.name] = fixed[0]
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def _take(self, context: str, node: ast.Call, arg: ast.expr | None) -> None:
        where = f"{self.rel}:{node.lineno}"
        if arg is None:
            self.cat.problems.append(Problem(self.rel, node.lineno, "tr() without a text"))
            return
        text = _literal(arg)
        if text is None and "i18n: dynamic" in self._line(node.lineno):
            return  # its texts come from DYNAMIC_CONTEXTS
        if text is None:
            kind = "an f-string" if isinstance(arg, ast.JoinedStr) else "a value, not a literal"
            self.cat.problems.append(
                Problem(self.rel, node.lineno, f"tr() of {kind}: lupdate cannot see it")
            )
            return
        if text.strip():
            self.cat.add(context, text, where)

    def _line(self, lineno: int) -> str:
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        first = node.args[0] if node.args else None
        if isinstance(func, ast.Attribute) and func.attr == "tr":
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls") and self.classes:
                cls = self.classes[-1]
                if cls in self.fixed:
                    self._take(self.fixed[cls], node, first)
                else:
                    self.tr_classes.add(cls)
                    self._take(cls, node, first)
            else:
                self.cat.problems.append(
                    Problem(
                        self.rel,
                        node.lineno,
                        "tr() called on another object: its context is that object's class, "
                        "which the extractor cannot know; use the module's tr()",
                    )
                )
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "translate"
            and isinstance(func.value, ast.Name)
            and func.value.id in ("QCoreApplication", "QApplication", "QGuiApplication")
            and len(node.args) >= 2
        ):
            ctx = _literal(node.args[0])
            if ctx is not None:
                self._take(ctx, node, node.args[1])
            else:
                self.cat.problems.append(
                    Problem(self.rel, node.lineno, "translate() with a context not literal")
                )
        elif isinstance(func, ast.Name) and func.id in self.helpers:
            ctx, ctx_param = self.helpers[func.id]
            if ctx_param:
                for kw in node.keywords:
                    if kw.arg == ctx_param and _literal(kw.value) is not None:
                        ctx = _literal(kw.value) or ctx
                if len(node.args) >= 2 and _literal(node.args[1]) is not None:
                    ctx = _literal(node.args[1]) or ctx
            self._take(ctx, node, first)
        elif (
            isinstance(func, ast.Name)
            and func.id in UNRESOLVED_NAMES
            and self._called_with_text(node)
        ):
            self.cat.problems.append(
                Problem(
                    self.rel,
                    node.lineno,
                    f"{func.id}() is not this module's translate helper (a parameter, or a "
                    "function imported from elsewhere): the extractor cannot know its context; "
                    'define def tr(text): return QCoreApplication.translate("<Context>", text) '
                    "in this module",
                )
            )
        self.generic_visit(node)

    @staticmethod
    def _called_with_text(node: ast.Call) -> bool:
        return bool(node.args) and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))


def _helpers_of(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            ctx = _translate_context(node)
            if ctx is not None:
                found[node.name] = ctx
    return found


def _dynamic(cat: Catalogue) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        for context, ref in DYNAMIC_CONTEXTS.items():
            module, _, name = ref.partition(":")
            mod = __import__(module, fromlist=[name])
            table = getattr(mod, name)
            for text in table.values() if isinstance(table, dict) else table:
                cat.add(context, text, ref)
    finally:
        sys.path.pop(0)


def extract() -> Catalogue:
    cat = Catalogue()
    sources = {p: p.read_text(encoding="utf-8") for p in _ui_files()}
    trees = {p: ast.parse(src, str(p)) for p, src in sources.items()}
    subclassed = _class_bases(trees)
    fixed = _fixed_contexts(trees)
    for path, tree in trees.items():
        rel = path.relative_to(ROOT).as_posix()
        helpers = _helpers_of(tree)
        # a helper imported from ui.format (tr with a "Format" default)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "crmdesk.ui.format":
                for alias in node.names:
                    if alias.name == "tr":
                        helpers[alias.asname or "tr"] = ("Format", "context")
        visitor = _Visitor(cat, rel, helpers, fixed)
        visitor.lines = sources[path].splitlines()
        visitor.visit(tree)
        for cls in sorted(visitor.tr_classes):
            for sub in sorted(subclassed.get(cls, ())):
                cat.problems.append(
                    Problem(
                        rel,
                        0,
                        f"self.tr() in {cls}, which {sub} subclasses: at run time the "
                        f"context is {sub}; use a module-level tr() with a fixed context",
                    )
                )
    _dynamic(cat)
    return cat


# --- the .ts file ---------------------------------------------------------------------


def ts_path(lang: str) -> Path:
    return TRANSLATIONS / f"crmdesk_{lang}.ts"


def read_ts(path: Path) -> dict[str, dict[str, tuple[str, bool]]]:
    """context -> source -> (translation, finished)."""
    out: dict[str, dict[str, tuple[str, bool]]] = {}
    if not path.exists():
        return out
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            text = (tr.text or "") if tr is not None else ""
            kind = tr.get("type") if tr is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            out.setdefault(name, {})[source] = (text, kind != "unfinished" and bool(text))
    return out


def write_ts(path: Path, lang: str, cat: Catalogue, old: dict) -> dict[str, int]:
    root = ET.Element("TS", version="2.1", language=lang, sourcelanguage="en")
    stats = {"messages": 0, "unfinished": 0, "dropped": 0}
    for context in sorted(cat.messages):
        c = ET.SubElement(root, "context")
        ET.SubElement(c, "name").text = context
        for source, where in sorted(cat.messages[context].items()):
            m = ET.SubElement(c, "message")
            file, _, line = where.rpartition(":")
            if line.isdigit():
                ET.SubElement(m, "location", filename="../../" + file, line=line)
            ET.SubElement(m, "source").text = source
            text, finished = old.get(context, {}).get(source, ("", False))
            t = ET.SubElement(m, "translation")
            t.text = text
            if not finished:
                t.set("type", "unfinished")
                stats["unfinished"] += 1
            stats["messages"] += 1
    for context, msgs in old.items():
        for source in msgs:
            if source not in cat.messages.get(context, {}):
                stats["dropped"] += 1
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )
    return stats


def update() -> dict[str, dict[str, int]]:
    cat = extract()
    return {lang: write_ts(ts_path(lang), lang, cat, read_ts(ts_path(lang))) for lang in LANGUAGES}


def merge(files: Iterable[Path], lang: str = "zh_CN") -> int:
    """Put translations from JSON files ({context: {source: translation}}) into the .ts."""
    cat = extract()
    old = read_ts(ts_path(lang))
    n = 0
    for f in files:
        data = json.loads(Path(f).read_text(encoding="utf-8"))
        for context, msgs in data.items():
            for source, text in msgs.items():
                if source in cat.messages.get(context, {}) and text:
                    old.setdefault(context, {})[source] = (text, True)
                    n += 1
    write_ts(ts_path(lang), lang, cat, old)
    return n


def todo(lang: str = "zh_CN", context: str | None = None) -> dict[str, dict[str, str]]:
    cat = extract()
    old = read_ts(ts_path(lang))
    out: dict[str, dict[str, str]] = {}
    for ctx, msgs in sorted(cat.messages.items()):
        if context and ctx != context:
            continue
        for source, where in sorted(msgs.items()):
            if not old.get(ctx, {}).get(source, ("", False))[1]:
                out.setdefault(ctx, {})[source] = where
    return out


def check(lang: str = "zh_CN") -> dict[str, object]:
    """Problems in the code, and entries of the .ts that are missing or unfinished."""
    cat = extract()
    old = read_ts(ts_path(lang))
    missing = [
        f"{ctx}: {src!r} ({where})"
        for ctx, msgs in sorted(cat.messages.items())
        for src, where in sorted(msgs.items())
        if not old.get(ctx, {}).get(src, ("", False))[1]
    ]
    return {
        "messages": cat.count(),
        "problems": [str(p) for p in cat.problems],
        "unfinished": missing,
    }


def lrelease() -> str:
    exe = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    return exe


def compile_qm() -> list[Path]:
    out = []
    for lang in LANGUAGES:
        ts = ts_path(lang)
        qm = ts.with_suffix(".qm")
        subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True)
        out.append(qm)
    return out


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "update":
        print(json.dumps(update(), indent=2))
    elif cmd == "merge":
        print(json.dumps({"merged": merge([Path(a) for a in argv[1:]])}))
    elif cmd == "todo":
        print(
            json.dumps(
                todo(context=argv[1] if len(argv) > 1 else None), indent=1, ensure_ascii=False
            )
        )
    elif cmd == "compile":
        print(json.dumps([str(p.relative_to(ROOT)) for p in compile_qm()]))
    elif cmd == "check":
        result = check()
        print(
            json.dumps(
                {
                    "messages": result["messages"],
                    "problems": result["problems"],
                    "unfinished": len(result["unfinished"]),  # type: ignore[arg-type]
                    "first_unfinished": result["unfinished"][:20],
                },  # type: ignore[index]
                indent=2,
                ensure_ascii=False,
            )
        )
        return 1 if result["problems"] or result["unfinished"] else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
