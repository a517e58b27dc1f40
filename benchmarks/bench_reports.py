"""Benchmark: the reports tab at 10,000 deals, offscreen, as a user waits for it. Prints JSON.

    python benchmarks/bench_reports.py [--deals 10000] [--db PATH] [--runs 3]

Builds the demo at that size into a temp SQLite file (or reuses ``--db`` when it exists),
opens the reports tab in a 1500×950 window and times, from the user's action to the
chart of the page on screen painted with the new figures:

* ``page_switch_ms``: clicking another report page (figures already loaded);
* ``period_cached_ms``: picking a period the tab loaded in the background (the presets
  are prefetched after the first load, and kept until the data changes);
* ``period_uncached_ms``: picking a period, or an owner, never loaded before (no prefetch,
  empty cache): the worker thread loads it while the window keeps turning;
* ``worker_ms``: the load itself (every report, the previous period's KPIs), in the worker;
* ``show_page_ms``: putting a loaded result on the cards and the page on screen, in the
  window's thread;
* ``longest_stall_ms``: the longest time the window's thread did not turn (a 10 ms timer
  missing its ticks) during the uncached loads, garbage collections included.

Each figure is the median over ``--runs`` rounds (each round: every page, and the
periods listed in the JSON), with the worst single value beside it. Target: about
200 ms or less for switching a report or a period.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import calibrate

from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.services.setup import default_admin_id, ensure_initialized

TARGET_MS = 200.0


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "max": round(max(values), 1),
        "n": len(values),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="database file to build once and reuse")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="crmdesk-bench-reports-")
    os.environ["XDG_CONFIG_HOME"] = tmp.name  # keep QSettings out of the user's folder
    path = args.db or Path(tmp.name) / "reports.sqlite3"
    built_s = None
    if not path.exists():
        t0 = time.perf_counter()
        result = open_database(path)
        ensure_initialized(result.db)
        build_demo(result.db, deals=args.deals, seed=args.seed)
        result.db.dispose()
        built_s = round(time.perf_counter() - t0, 1)

    from PySide6.QtCore import QEvent, QObject, QTimer

    from crmdesk.services import users
    from crmdesk.ui.app import _application, set_locale
    from crmdesk.ui.bridge import ChangeBus
    from crmdesk.ui.reports import tab as tab_module

    app = _application(sys.argv[:1])
    set_locale("en")
    db = open_database(path).db
    user = users.get_user(db, default_admin_id(db))

    worker_ms: list[float] = []
    real_load = tab_module.load_report_data

    def timed_load(db_: Any, f: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_load(db_, f, **kw)
        finally:
            worker_ms.append((time.perf_counter() - started) * 1000)

    tab_module.load_report_data = timed_load  # type: ignore[assignment]
    prefetch = tab_module.PREFETCH
    tab_module.PREFETCH = ()  # first the loads a user waits for

    tab = tab_module.ReportsTab(db=db, user=user, bus=ChangeBus(), lang="en")
    tab.resize(1500, 950)

    def wait(cond: Any, timeout_s: float = 60.0) -> None:
        end = time.perf_counter() + timeout_s
        while not cond():
            if time.perf_counter() > end:
                raise TimeoutError("the reports tab did not finish in time")
            app.processEvents()
            time.sleep(0.0005)

    class PaintWatch(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.times: list[float] = []

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.times.append(time.perf_counter())
            return False

    watch = PaintWatch()
    for page in tab.pages.values():
        page.chart.viewport().installEventFilter(watch)
    loads: list[Any] = []
    tab.loaded.connect(loads.append)
    tab.show()
    wait(lambda: len(loads) >= 1)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()

    renders: list[tuple[float, str]] = []
    real_render = tab._render_page

    def timed_render(key: str) -> None:
        real_render(key)
        renders.append((time.perf_counter(), key))

    tab._render_page = timed_render  # type: ignore[method-assign]

    def painted_after(t0: float, key: str) -> float:
        """When the chart of page ``key`` was first painted after being drawn with new
        figures (after ``t0``)."""
        drawn = next(t for t, k in renders if t > t0 and k == key)
        wait(lambda: any(t > drawn for t in watch.times))
        return next(t for t in watch.times if t > drawn)

    def act(action: Any, *, painted_after_worker: bool) -> tuple[float, float]:
        """(ms to the page on screen painted with the new figures, ms to every page drawn)."""
        n_loads, n_work = len(loads), len(worker_ms)
        key = page_keys[tab.tabs.currentIndex()]
        watch.times.clear()
        renders.clear()
        t0 = time.perf_counter()
        action()
        wait(lambda: len(loads) > n_loads)
        t_loaded = time.perf_counter()
        if painted_after_worker:
            assert len(worker_ms) > n_work, "this period was expected to load in the worker"
        return (painted_after(t0, key) - t0) * 1000, (t_loaded - t0) * 1000

    page_keys = list(tab.pages)
    today = tab.today()
    uncached_periods: list[tuple[str, date | None, date | None]] = [
        ("last_quarter", None, None),
        ("this_year", None, None),
        ("all", None, None),
        ("custom", date(today.year - 1, 3, 7), date(today.year - 1, 8, 19)),
        ("last_year", None, None),
        ("this_month", None, None),
    ]
    page_ms: list[float] = []
    uncached: dict[str, list[float]] = {k: [] for k, _a, _b in uncached_periods}
    uncached_all_pages: list[float] = []
    work: list[float] = []
    stall: list[float] = []
    show_ms: list[float] = []
    cached: list[float] = []

    for _round in range(args.runs):
        # Switching pages: the figures are loaded, only drawing remains.
        for key in page_keys[1:] + page_keys[:1]:

            def switch(key: str = key) -> None:
                tab.tabs.setCurrentWidget(tab.pages[key])

            watch.times.clear()
            t0 = time.perf_counter()
            switch()
            wait(lambda: any(t > t0 for t in watch.times))  # noqa: B023
            page_ms.append((watch.times[0] - t0) * 1000)
        # Periods never loaded: the worker loads them.
        tab.tabs.setCurrentWidget(tab.pages["funnel"])
        for key, frm, to in uncached_periods:
            tab._cache.clear()
            ticks.clear()
            n_work = len(worker_ms)
            gc.collect()
            t_start = time.perf_counter()
            painted, loaded = act(
                lambda key=key, frm=frm, to=to: tab.set_period(key, frm, to),
                painted_after_worker=True,
            )
            uncached[key].append(painted)
            uncached_all_pages.append(loaded)
            work.extend(worker_ms[n_work:])
            marks = [t_start, *ticks, time.perf_counter()]
            stall.append(max(b - a for a, b in itertools.pairwise(marks)) * 1000)
        # The main thread's share of a load: cards and the page on screen.
        data = tab.data
        assert data is not None
        t0 = time.perf_counter()
        tab.show_data(data, all_now=False)
        show_ms.append((time.perf_counter() - t0) * 1000)
        wait(lambda: not tab._pending)

    # Prefetched periods: load the presets in the background, then pick them.
    tab_module.PREFETCH = prefetch
    tab._cache.clear()
    tab.set_period("this_quarter")
    wait(lambda: tab.data is not None and tab.data.filter == tab.current_filter())
    wait(lambda: not tab._prefetching and not tab._pending, 120.0)
    for _round in range(args.runs):
        for key in prefetch:
            n_work = len(worker_ms)
            painted, _loaded = act(lambda key=key: tab.set_period(key), painted_after_worker=False)
            if len(worker_ms) == n_work:  # really from the cache
                cached.append(painted)
    timer.stop()

    uncached_all = [v for values in uncached.values() for v in values]
    out = {
        "benchmark": "reports_tab",
        "deals": args.deals,
        "db_reused": built_s is None,
        "demo_build_s": built_s,
        "runs": args.runs,
        "page_switch_ms": _summary(page_ms),
        "period_cached_ms": _summary(cached) if cached else None,
        "period_uncached_ms": _summary(uncached_all),
        "period_uncached_by_period_ms": {k: _summary(v) for k, v in uncached.items()},
        "period_uncached_all_pages_drawn_ms": _summary(uncached_all_pages),
        "worker_ms": _summary(work),
        "show_page_ms": _summary(show_ms),
        "longest_stall_ms": _summary(stall),
        "target_ms": TARGET_MS,
        "machine": {
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "calibration_ms": calibrate(),
        },
    }
    print(json.dumps(out, indent=2))
    tab.wait_loaded()
    tab.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
