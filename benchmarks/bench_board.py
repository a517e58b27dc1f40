"""Benchmark: the pipeline board with many open deals, offscreen. Prints JSON.

    python benchmarks/bench_board.py --deals 100000 [--db PATH]

Builds (or reuses, with --db) an SQLite database whose board holds ``--deals``
open deals: a small demo team and history, plus that many open deals spread over
the open stages, each with its creation transition. Then it times:

* load_model_s: the board's one query (metrics board_cards) and filling the model;
* first_show_s: from the data being loaded to the board painted on screen;
* move_commit_repaint_ms: a card moved through the services (commit included) until
  the board has redrawn what changed (median of several moves);
* scroll_column_s: scrolling the fullest column from top to bottom, page by page;
* peak_rss_mib: the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import func, insert, select

from crmdesk.db import models as m
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.services import pipelines
from crmdesk.services.setup import default_admin_id, ensure_initialized


def build(path: Path, n_open: int, seed: int) -> None:
    result = open_database(path)
    ensure_initialized(result.db)
    build_demo(result.db, deals=1500, seed=seed)
    db = result.db
    pipe = pipelines.get_pipeline(db)
    stages = [s.id for s in pipe.open_stages]
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with db.transaction() as s:
        owners = list(s.execute(select(m.User.id).where(m.User.role == "rep")).scalars())
        customers = list(s.execute(select(m.Customer.id)).scalars())
        next_id = (s.execute(select(func.max(m.Deal.id))).scalar_one() or 0) + 1
        next_t = (s.execute(select(func.max(m.StageTransition.id))).scalar_one() or 0) + 1
        deals, transitions = [], []
        for i in range(n_open):
            created = now - timedelta(days=rng.uniform(1, 200))
            stage = rng.choice(stages)
            owner = rng.choice(owners)
            did = next_id + i
            deals.append(
                {
                    "id": did,
                    "title": f"Bulk deal {i + 1}",
                    "customer_id": rng.choice(customers),
                    "contact_id": None,
                    "owner_id": owner,
                    "pipeline_id": pipe.id,
                    "stage_id": stage,
                    "amount": Decimal(rng.randrange(10, 900)) * 100,
                    "currency": "USD",
                    "expected_close": (created + timedelta(days=rng.uniform(20, 120))).date(),
                    "source_id": None,
                    "created_at": created,
                    "stage_entered_at": created,
                    "closed_at": None,
                    "lost_reason_id": None,
                    "lost_at_stage_id": None,
                    "notes": None,
                    "external_ref": None,
                    "version": 1,
                    "updated_at": created,
                    "updated_by_id": owner,
                }
            )
            transitions.append(
                {
                    "id": next_t + i,
                    "deal_id": did,
                    "from_stage_id": None,
                    "to_stage_id": stage,
                    "at": created,
                    "by_user_id": owner,
                }
            )
            if len(deals) >= 10_000:
                s.execute(insert(m.Deal), deals)
                s.execute(insert(m.StageTransition), transitions)
                deals, transitions = [], []
        if deals:
            s.execute(insert(m.Deal), deals)
            s.execute(insert(m.StageTransition), transitions)
    db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000, help="open deals on the board")
    parser.add_argument("--db", type=Path, help="database file to build once and reuse")
    parser.add_argument("--moves", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="crmdesk-board-")
    os.environ["XDG_CONFIG_HOME"] = tmp.name  # keep QSettings out of the user's folder
    path = args.db or Path(tmp.name) / "board.sqlite3"
    built_s = None
    if not path.exists():
        t0 = time.perf_counter()
        build(path, args.deals, args.seed)
        built_s = time.perf_counter() - t0

    from PySide6.QtWidgets import QApplication

    from crmdesk.services import users
    from crmdesk.ui.app import _application, set_locale
    from crmdesk.ui.board.model import CARD_ROLE
    from crmdesk.ui.main_window import MainWindow

    app = _application(sys.argv[:1])  # noqa: F841 - keep the QApplication alive
    set_locale("en")
    db = open_database(path).db
    user = users.get_user(db, default_admin_id(db))

    t0 = time.perf_counter()
    window = MainWindow(db=db, user=user, lang="en", confirm=False)
    board = window.board
    load_model_s = board.load_seconds
    window.resize(1366, 768)
    t1 = time.perf_counter()
    window.show()
    QApplication.processEvents()
    window.repaint()
    QApplication.processEvents()
    first_show_s = time.perf_counter() - t1
    construct_s = t1 - t0
    open_cards = board.model.live_count()

    # Moves: one card to the next stage, through the services, until the board repainted.
    columns = board.view.columns
    timings = []
    rng = random.Random(args.seed)
    for _ in range(args.moves):
        src = rng.randrange(len(columns) - 1)
        col = columns[src]
        if col.proxy.rowCount() == 0:
            continue
        card = col.proxy.index(rng.randrange(col.proxy.rowCount())).data(CARD_ROLE)
        t = time.perf_counter()
        window.ops.move_cards([card], columns[src + 1].stage.id, board.pipeline)
        columns[src].view.viewport().repaint()
        columns[src + 1].view.viewport().repaint()
        QApplication.processEvents()
        timings.append((time.perf_counter() - t) * 1000)

    # Scroll the fullest column from top to bottom, a page at a time, painting each page.
    fullest = max(columns, key=lambda c: c.proxy.rowCount())
    bar = fullest.view.verticalScrollBar()
    t_settle = time.perf_counter()
    # The list lays itself out in batches after a change; let it finish first.
    from PySide6.QtTest import QTest

    expected = fullest.proxy.rowCount() * fullest.view.sizeHintForRow(0)
    deadline = time.perf_counter() + 30
    while bar.maximum() + bar.pageStep() < expected * 0.99 and time.perf_counter() < deadline:
        QTest.qWait(20)
    layout_done_s = time.perf_counter() - t_settle
    t = time.perf_counter()
    pages = 0
    bar.setValue(0)
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        fullest.view.viewport().repaint()
        pages += 1
    scroll_s = time.perf_counter() - t

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "benchmark": "board",
                "open_deals_on_board": open_cards,
                "database_build_s": round(built_s, 2) if built_s is not None else None,
                "load_model_s": round(load_model_s, 3),
                "window_construct_s": round(construct_s, 3),
                "first_show_s": round(first_show_s, 3),
                "move_commit_repaint_ms": {
                    "n": len(timings),
                    "median": round(statistics.median(timings), 1) if timings else None,
                    "max": round(max(timings), 1) if timings else None,
                },
                "scroll_column": {
                    "cards": fullest.proxy.rowCount(),
                    "pages": pages,
                    "seconds": round(scroll_s, 3),
                    "ms_per_page": round(scroll_s * 1000 / max(pages, 1), 2),
                    "background_layout_s": round(layout_done_s, 3),
                },
                "peak_rss_mib": round(peak_kib / 1024, 1),
            },
            indent=2,
        )
    )
    window.close()
    db.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
