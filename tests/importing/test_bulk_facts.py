"""A large import keeps every trigger-kept fact exact: the deals are written thousands
at a time (PostgreSQL: ``COPY``, whose statement-level triggers of migration 0008
recompute the facts once per statement; SQLite: row-level triggers), and the result
must equal a plain fold of the raw rows. Then a second file moves some of them (won,
lost, reopened), which writes single transitions and updates. Both databases."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crmdesk.db.engine import Database
from crmdesk.importing import parse_mapping, run_import
from crmdesk.importing.base import CHUNK

from ._helpers import DEALS_HEADER, as_utc, rows, write
from .test_deals import UTC_TOML

#: More than two of the importer's chunks, so that several statements write them.
N_DEALS = 2 * CHUNK + 1_500
STAGES = ("Prospecting", "Engaging", "Quote", "Contract", "Won", "Lost")


def _file(rnd: random.Random, refs: list[str], *, second: bool) -> str:
    lines = [DEALS_HEADER]
    for ref in refs:
        stage = rnd.choice(STAGES)
        created = date(2023, 1, 1) + timedelta(days=rnd.randrange(500))
        closed = ""
        if stage in ("Won", "Lost"):
            # A second file closes later than anything in the first.
            later = 700 if second else 0
            closed = (created + timedelta(days=later + rnd.randrange(120))).isoformat()
        customer = f"Company {rnd.randrange(400)}" if rnd.random() < 0.85 else ""
        owner = f"Rep {rnd.randrange(12)}"
        lines.append(
            f"{ref},Deal {ref},{customer},{owner},{stage},{rnd.randrange(100, 9000)},"
            f"{created.isoformat()},{closed},\n"
        )
    return "".join(lines)


def _fold(db: Database) -> tuple[dict[int, int], dict[int, tuple[Any, ...]], dict[int, Any]]:
    """The masks, stays and first wins, straight from deals, stages and transitions."""
    slot = {
        r.id: (r.pipeline_id, r.slot) for r in rows(db, "SELECT id, pipeline_id, slot FROM stages")
    }
    kind = {r.id: r.kind for r in rows(db, "SELECT id, kind FROM stages")}
    deals = {
        r.id: r
        for r in rows(db, "SELECT id, pipeline_id, customer_id, stage_id, closed_at FROM deals")
    }
    history: dict[int, list[Any]] = defaultdict(list)
    for t in rows(db, "SELECT id, deal_id, to_stage_id, at FROM stage_transitions"):
        history[t.deal_id].append((as_utc(t.at), t.id, t.to_stage_id))
    masks: dict[int, int] = {}
    visits: dict[int, tuple[Any, ...]] = {}
    for deal_id, deal in deals.items():
        mask = 0
        steps = sorted(history[deal_id])
        for i, (at, tid, stage_id) in enumerate(steps):
            pipeline_id, bit = slot[stage_id]
            if pipeline_id == deal.pipeline_id:
                mask |= 1 << bit
            left = steps[i + 1][0] if i + 1 < len(steps) else None
            days = (left - at).total_seconds() / 86400 if left is not None else None
            visits[tid] = (deal_id, stage_id, at, left, days)
        masks[deal_id] = mask
    first: dict[int, Any] = {}
    for deal in deals.values():
        if deal.customer_id is None or kind[deal.stage_id] != "won" or deal.closed_at is None:
            continue
        key = (as_utc(deal.closed_at), deal.id)
        if deal.customer_id not in first or key < first[deal.customer_id]:
            first[deal.customer_id] = key
    first_wins = {
        c.id: (first[c.id][1] if c.id in first else None)
        for c in rows(db, "SELECT id FROM customers")
    }
    return masks, visits, first_wins


def _stored(db: Database) -> tuple[dict[int, int], dict[int, tuple[Any, ...]], dict[int, Any]]:
    masks = {r.id: r.reached_mask for r in rows(db, "SELECT id, reached_mask FROM deals")}
    visits = {
        r.transition_id: (r.deal_id, r.stage_id, as_utc(r.entered_at), as_utc(r.left_at), r.days)
        for r in rows(
            db,
            "SELECT transition_id, deal_id, stage_id, entered_at, left_at, days FROM stage_visits",
        )
    }
    first = {
        r.id: r.first_won_deal_id for r in rows(db, "SELECT id, first_won_deal_id FROM customers")
    }
    return masks, visits, first


def _assert_facts(db: Database) -> None:
    want_masks, want_visits, want_first = _fold(db)
    masks, visits, first = _stored(db)
    assert masks == want_masks
    assert set(visits) == set(want_visits)
    for tid, (deal_id, stage_id, entered, left, days) in want_visits.items():
        got = visits[tid]
        assert got[:4] == (deal_id, stage_id, entered, left), tid
        assert (got[4] is None) == (days is None), tid
        if days is not None:
            assert abs(got[4] - days) < 1e-6, tid
    assert first == want_first


def test_a_large_import_and_its_update_keep_every_fact_exact(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    rnd = random.Random(11)
    refs = [f"B{i:05d}" for i in range(N_DEALS)]
    path = write(tmp_path, "big.csv", _file(rnd, refs, second=False))
    result = run_import(db, "deals", path, parse_mapping(UTC_TOML), by=admin_id)
    assert result.ok and len(result.created) == N_DEALS, result.errors[:3]
    _assert_facts(db)
    transitions = rows(db, "SELECT COUNT(*) AS n FROM stage_transitions")[0].n
    assert N_DEALS < transitions < 2 * N_DEALS  # closed deals have two

    # A newer export: 600 of them again, some moved (open -> won/lost, closed -> open).
    again = rnd.sample(refs, 600)
    path = write(tmp_path, "newer.csv", _file(rnd, again, second=True))
    result = run_import(
        db,
        "deals",
        path,
        parse_mapping(UTC_TOML),
        by=admin_id,
        skip_bad_rows=True,  # a won deal "won" again on another day is refused
        rejects_path=tmp_path / "rejects.csv",
    )
    assert result.written and not result.created and len(result.updated) > 300
    assert {e.code for e in result.errors} <= {"closed_date_fixed"}
    moved = rows(db, "SELECT COUNT(*) AS n FROM stage_transitions")[0].n - transitions
    assert moved > 100
    _assert_facts(db)
