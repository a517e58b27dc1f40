"""``crmdesk --self-test``: check an installation end to end, offscreen, then exit.

It proves that this copy of crmdesk (from source, installed, or the PyInstaller bundle)
has everything it needs, in a temporary folder that it removes again:

1. resources: the app icon, the icons, the theme and the Alembic migrations are found
   through importlib.resources;
2. database: a new SQLite database is created by running every migration, and
   initialised;
3. demo data: a small demo team with a few hundred deals;
4. Qt: an offscreen application with the theme; the image formats the app uses (PNG,
   JPEG, SVG, ICO) and the icons draw;
5. language: the Chinese catalogues (crmdesk's and Qt's own) load and translate;
6. board: the main window's pipeline board with its cards, rendered to an image;
7. report: the funnel report on screen, and printed to a one-report PDF.

Each step prints one line; the first failure prints what went wrong and returns 1.
Nothing touches the user's database or window settings. Steps 4 to 7 are in
``crmdesk/ui/self_test.py`` (only ``crmdesk.ui`` imports Qt), loaded when they run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

#: Deals in the self-test's demo database: enough for every report, quick to make.
DEMO_DEALS = 300


class SelfTestError(Exception):
    """A check of the self-test failed; the message says which and why."""


@dataclass
class _State:
    folder: Path
    db: Any = None
    user: Any = None
    app: Any = None
    window: Any = None


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def _resources(state: _State) -> str:
    from importlib import resources

    from crmdesk.db.migrate import revision_chain

    root = resources.files("crmdesk_resources")
    missing = [
        name
        for name in (
            "app/crmdesk.svg",
            "app/crmdesk.ico",
            "theme/crmdesk.qss",
            "icons/LICENSE",
            "translations/crmdesk_zh_CN.qm",
        )
        if not root.joinpath(*name.split("/")).is_file()
    ]
    _check(not missing, f"resource files missing: {', '.join(missing)}")
    icons = [e.name for e in root.joinpath("icons").iterdir() if e.name.endswith(".svg")]
    _check(len(icons) >= 10, f"only {len(icons)} icons found")
    migrations = resources.files("crmdesk.db.migrations")
    _check(migrations.joinpath("env.py").is_file(), "the Alembic env.py is missing")
    chain = revision_chain()
    return f"{len(icons)} icons, theme, {len(chain)} migrations"


def _database(state: _State) -> str:
    from crmdesk.db.migrate import current_revision, head_revision, open_database
    from crmdesk.services import users
    from crmdesk.services.setup import default_admin_id, ensure_initialized

    path = state.folder / "selftest.sqlite3"
    result = open_database(path)
    state.db = result.db
    _check(result.created, f"{path} was not created as a new database")
    ensure_initialized(state.db, locale="en")
    revision = current_revision(state.db)
    _check(revision == head_revision(), f"schema at {revision}, not {head_revision()}")
    state.user = users.get_user(state.db, default_admin_id(state.db))
    return f"schema {revision}"


def _demo(state: _State) -> str:
    from crmdesk.db.migrate import table_counts
    from crmdesk.demo import build_demo

    build_demo(state.db, deals=DEMO_DEALS, seed=1, locale="en")
    counts = table_counts(state.db)
    _check(counts["deals"] == DEMO_DEALS, f"{counts['deals']} deals, not {DEMO_DEALS}")
    return f"{counts['deals']} deals, {counts['activities']} activities"


def _qt(state: _State) -> str:
    from crmdesk.ui import self_test

    return self_test.qt(state)


def _translations(state: _State) -> str:
    from crmdesk.ui import self_test

    return self_test.translations(state)


def _board(state: _State) -> str:
    from crmdesk.ui import self_test

    return self_test.board(state)


def _report(state: _State) -> str:
    from crmdesk.ui import self_test

    return self_test.report(state)


STEPS: tuple[tuple[str, Callable[[_State], str]], ...] = (
    ("resources", _resources),
    ("database", _database),
    ("demo data", _demo),
    ("Qt", _qt),
    ("language", _translations),
    ("board", _board),
    ("report", _report),
)


def _close(state: _State) -> None:
    if state.window is not None:
        from crmdesk.ui import self_test

        self_test.close(state)
    if state.db is not None:
        state.db.dispose()
        state.db = None


def run(out: TextIO | None = None) -> int:
    """Run every step; 0 when all pass, 1 at the first failure (with the reason)."""
    out = out or sys.stdout
    from crmdesk import __version__

    started = time.perf_counter()
    print(f"crmdesk {__version__} self-test ({sys.executable})", file=out)
    with tempfile.TemporaryDirectory(prefix="crmdesk-selftest-") as folder:
        state = _State(Path(folder))
        try:
            for name, step in STEPS:
                began = time.perf_counter()
                try:
                    detail = step(state)
                except Exception as exc:
                    print(f"  {name:<10} FAILED: {type(exc).__name__}: {exc}", file=out)
                    if os.environ.get("CRMDESK_DEBUG"):
                        traceback.print_exc(file=out)
                    print("crmdesk self-test: FAILED", file=out)
                    return 1
                print(f"  {name:<10} ok  {time.perf_counter() - began:5.2f} s  {detail}", file=out)
        finally:
            _close(state)
    print(f"crmdesk self-test: passed in {time.perf_counter() - started:.1f} s", file=out)
    return 0
