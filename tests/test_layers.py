"""The layers stay apart: only crmdesk.ui uses Qt, and crmdesk.db sits at the bottom.

The core (domain, db, services, metrics, demo, cli) must import and run on a
machine without a screen, and a database tool must not drag the services in.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import crmdesk

PACKAGE_DIR = Path(crmdesk.__file__).resolve().parent
GUI_LIBS = {"PySide6", "pyqtgraph", "shiboken6"}
#: Not imported by the subprocess: running them has effects (the CLI's exit, Alembic's env).
SKIP_IMPORT = {"crmdesk.__main__", "crmdesk.db.migrations.env"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def _is_ui(name: str) -> bool:
    return name == "crmdesk.ui" or name.startswith("crmdesk.ui.")


def _core_modules() -> list[str]:
    """Every module of the package but crmdesk.ui.*.

    pkgutil.walk_packages skips folders without ``__init__.py`` (namespace
    packages), so the file system is walked too and both are merged.
    """
    names = {m.name for m in pkgutil.walk_packages(crmdesk.__path__, "crmdesk.")}
    names |= {_module_name(p) for p in _source_files()}
    names.add("crmdesk")
    return sorted(n for n in names if not _is_ui(n) and n not in SKIP_IMPORT)


def _imports(path: Path) -> set[str]:
    """The absolute names of every module ``path`` imports, at any depth of the code."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def test_the_core_imports_without_qt() -> None:
    modules = _core_modules()
    for expected in ("crmdesk.cli", "crmdesk.db.migrate", "crmdesk.services.deals"):
        assert expected in modules
    script = (
        "import importlib, json, sys\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[2:])))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(modules), *sorted(GUI_LIBS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_only_crmdesk_ui_imports_the_gui_libraries() -> None:
    offenders = {}
    for path in _source_files():
        if _is_ui(_module_name(path)):
            continue
        gui = sorted(n for n in _imports(path) if n.split(".")[0] in GUI_LIBS)
        if gui:
            offenders[str(path.relative_to(PACKAGE_DIR.parent))] = gui
    assert offenders == {}


def test_crmdesk_db_imports_no_higher_layer() -> None:
    higher = ("crmdesk.services", "crmdesk.metrics", "crmdesk.ui", "crmdesk.demo", "crmdesk.cli")
    offenders = {}
    checked = 0
    for path in _source_files():
        if not _module_name(path).startswith("crmdesk.db."):
            continue
        checked += 1
        bad = sorted(
            n for n in _imports(path) if any(n == h or n.startswith(h + ".") for h in higher)
        )
        if bad:
            offenders[str(path.relative_to(PACKAGE_DIR.parent))] = bad
    assert checked >= 5  # engine, migrate, models, types, env, the versions
    assert offenders == {}


def test_the_scanner_sees_imports_inside_functions() -> None:
    """Guards the two static tests: a lazy import in a function body counts too."""
    tree = _imports(PACKAGE_DIR / "cli.py")
    assert "crmdesk.ui.app" in tree  # imported inside cmd_gui only
    assert "crmdesk.domain.CrmError" in tree or "crmdesk.domain" in tree


def test_pkgutil_sees_every_module_of_the_package() -> None:
    walked = {m.name for m in pkgutil.walk_packages(crmdesk.__path__, "crmdesk.")}
    on_disk = {
        _module_name(p)
        for p in _source_files()
        if "versions" not in p.relative_to(PACKAGE_DIR).parts  # Alembic scripts, not modules
    } - {"crmdesk"}
    assert sorted(on_disk - walked) == []
