"""Stateful property test of deals and their append-only stage history.

Hypothesis drives random sequences of service calls (create, move, reopen,
edit, reassign, log and complete activities, including stale versions,
intruding reps and missing lost reasons) against a fresh database per example.
After every step, plain SQL over the tables must show a consistent history:

* the deal's stage and ``stage_entered_at`` are those of its last transition
  (ordered by ``at``, ``id``), the first transition has ``from_stage_id`` NULL
  and ``at`` = ``created_at``, each transition starts where the previous one
  ended, and ``at`` never decreases;
* ``closed_at`` is set exactly when the stage is won or lost; the lost reason and
  ``lost_at_stage_id`` (the last open stage) exactly when lost;
* ``version`` never decreases and equals 1 + moves + successful edits;
* a refused call (PermissionDenied, Conflict, ValidationError) wrote nothing.

SQLite gets a copy of the migrated template per example; PostgreSQL (when
``CRMDESK_TEST_DATABASE_URL`` is set) gets its tables truncated per example.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.models import Base
from crmdesk.domain import Conflict, PermissionDenied, Role, StageKind, ValidationError
from crmdesk.services import activities, customers, deals, lists, pipelines, users
from crmdesk.services.setup import default_admin_id, ensure_initialized

from ._helpers import as_money, as_utc

# Same variable and skip reason as tests/conftest.py (which is not importable as a module).
PG_URL = os.environ.get("CRMDESK_TEST_DATABASE_URL", "").strip()
requires_pg = pytest.mark.skipif(
    not PG_URL,
    reason="PostgreSQL tests need CRMDESK_TEST_DATABASE_URL "
    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it",
)

OPEN_KEYS = ("prospecting", "qualification", "quote", "contract")
STAGE_KEYS = (*OPEN_KEYS, "won", "lost")
OWNERS = ("rep_a", "rep_b", "manager")
MODES = ("ok", "ok", "stale", "intruder")
MAX_DEALS = 4

amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
titles = st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,30}", fullmatch=True)


def fresh_pg(schema: str) -> Database:
    """Empty every table of the session's PostgreSQL schema and set the defaults up again
    (what tests/conftest.py ``_fresh_pg`` does between tests)."""
    engine = create_db_engine(resolve_url(PG_URL), pg_schema=schema)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('app', 'crmdesk')"))
    db = Database(engine)
    ensure_initialized(db)
    return db


@dataclass
class DealModel:
    """What the machine expects of one deal."""

    owner: int
    stage_key: str
    title: str
    amount: Decimal
    customer_id: int | None
    version: int = 1
    edits: int = 0


@dataclass
class ActivityModel:
    deal_id: int
    done: bool
    version: int = 1


class DealHistory(RuleBasedStateMachine):
    """One example = one fresh database and a random session of users working on deals."""

    template: Path | None = None  # SQLite: the migrated template to copy
    pg_schema: str | None = None  # PostgreSQL: the session's schema to truncate

    deal_ids = Bundle("deal_ids")
    activity_ids = Bundle("activity_ids")

    def __init__(self) -> None:
        super().__init__()
        self.tmpdir: str | None = None
        if self.pg_schema is not None:
            self.db = fresh_pg(self.pg_schema)
        else:
            assert self.template is not None
            self.tmpdir = tempfile.mkdtemp(prefix="crmdesk-history-")
            path = Path(self.tmpdir) / "crmdesk.sqlite3"
            shutil.copyfile(self.template, path)
            self.db = Database(create_db_engine(resolve_url(str(path))))
        db = self.db
        self.admin = default_admin_id(db)

        def make(role: Role, login: str) -> int:
            return users.create_user(
                db, by=self.admin, name=login.title(), login=login, role=role
            ).value.id

        self.users = {
            "rep_a": make(Role.REP, "rep_a"),
            "rep_b": make(Role.REP, "rep_b"),
            "manager": make(Role.MANAGER, "manager"),
        }
        pipe = pipelines.get_pipeline(db)
        self.stage_ids = {key: pipe.stage(key).id for key in STAGE_KEYS}
        self.kind_of = {s.id: s.kind for s in pipe.stages}
        self.reasons = [r.id for r in lists.list_items(db, "lost_reasons")]
        self.customer = customers.create_customer(db, by=self.admin, company="Acme").value.id
        self.model: dict[int, DealModel] = {}
        self.acts: dict[int, ActivityModel] = {}
        self.seen_versions: dict[int, int] = {}

    def teardown(self) -> None:
        self.db.dispose()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def _intruder(self, owner: int) -> int:
        """A rep who does not own the deal."""
        return self.users["rep_b"] if owner == self.users["rep_a"] else self.users["rep_a"]

    def _actor(self, deal: DealModel, mode: str, by_manager: bool) -> int:
        if mode == "intruder":
            return self._intruder(deal.owner)
        return self.users["manager"] if by_manager else deal.owner

    @staticmethod
    def _version(deal: DealModel, mode: str) -> int:
        if mode == "stale":
            return deal.version - 1 if deal.version > 1 else deal.version + 1
        return deal.version

    def _deal_state(self, deal_id: int) -> tuple[Any, ...]:
        """The deal row and its history, raw, for 'nothing was written' checks."""
        with self.db.engine.connect() as conn:
            row = tuple(
                conn.execute(text("SELECT * FROM deals WHERE id = :i"), {"i": deal_id}).one()
            )
            history = conn.execute(
                text("SELECT * FROM stage_transitions WHERE deal_id = :i ORDER BY id"),
                {"i": deal_id},
            ).all()
        return row, [tuple(r) for r in history]

    def _expect_refusal(self, deal_id: int, mode: str, call: Any) -> bool:
        """Run ``call`` when ``mode`` says it must be refused; True if it was handled."""
        expected: type[Exception] | None = {"stale": Conflict, "intruder": PermissionDenied}.get(
            mode
        )
        if expected is None:
            return False
        before = self._deal_state(deal_id)
        with pytest.raises(expected):
            call()
        assert self._deal_state(deal_id) == before
        event(f"refused: {mode}")
        return True

    # --- rules -----------------------------------------------------------------------------

    # A few deals with long histories find more than many deals with short ones.
    @precondition(lambda self: len(self.model) < MAX_DEALS)
    @rule(
        target=deal_ids,
        owner=st.sampled_from(OWNERS),
        days_ago=st.none() | st.integers(min_value=0, max_value=90),
        amount=amounts,
        title=titles,
        with_customer=st.booleans(),
    )
    def create(
        self,
        owner: str,
        days_ago: int | None,
        amount: Decimal,
        title: str,
        with_customer: bool,
    ) -> int:
        created = None if days_ago is None else datetime.now(UTC) - timedelta(days=days_ago)
        owner_id = self.users[owner]
        info = deals.create_deal(
            self.db,
            by=owner_id,
            title=title,
            amount=amount,
            created_at=created,
            customer_id=self.customer if with_customer else None,
        ).value
        self.model[info.id] = DealModel(
            owner=owner_id,
            stage_key="prospecting",
            title=title.strip(),
            amount=amount,
            customer_id=self.customer if with_customer else None,
        )
        return info.id

    def _move(
        self,
        deal_id: int,
        key: str,
        *,
        mode: str = "ok",
        by_manager: bool = False,
        reason: int = 0,
        close_share: float | None = None,
        confirm: Decimal | None = None,
    ) -> None:
        """Move a deal as ``mode`` says (ok, stale, intruder, no_reason) and check the outcome."""
        deal = self.model[deal_id]
        kwargs: dict[str, Any] = {}
        if key == "lost" and mode != "no_reason":
            kwargs["lost_reason_id"] = self.reasons[reason % len(self.reasons)]
        if key in ("won", "lost") and close_share is not None:
            # A close date between entering the current stage and now.
            entered = deals.get_deal(self.db, deal_id).stage_entered_at
            kwargs["closed_at"] = entered + (datetime.now(UTC) - entered) * close_share
        if key == "won" and confirm is not None:
            kwargs["amount"] = confirm
        by = self._actor(deal, mode, by_manager)

        def call() -> Any:
            return deals.move_deal(
                self.db,
                deal_id,
                self.stage_ids[key],
                by=by,
                expected_version=self._version(deal, mode),
                **kwargs,
            )

        if self._expect_refusal(deal_id, mode, call):
            return
        if key == deal.stage_key:  # the same stage: nothing is written
            before = self._deal_state(deal_id)
            out = call()
            assert not out.changes.deal_ids
            assert self._deal_state(deal_id) == before
            event("move: same stage")
            return
        if key == "lost" and mode == "no_reason":
            before = self._deal_state(deal_id)
            with pytest.raises(ValidationError) as exc:
                call()
            assert exc.value.fields == ["lost_reason_id"]
            assert self._deal_state(deal_id) == before
            event("move: lost without a reason")
            return
        closed = ("won", "lost")
        event(
            f"move: {deal.stage_key} -> {key}"
            if key in closed or deal.stage_key in closed
            else "move: open -> open"
        )
        out = call().value
        deal.version += 1
        deal.stage_key = key
        if "amount" in kwargs:
            deal.amount = kwargs["amount"]
        assert out.version == deal.version
        assert out.stage_id == self.stage_ids[key]

    # Hypothesis favours the first choice; leaving the first stage is the interesting move.
    @rule(deal_id=deal_ids, key=st.sampled_from(OPEN_KEYS[::-1]), by_manager=st.booleans())
    def advance(self, deal_id: int, key: str, by_manager: bool) -> None:
        """Move to an open stage: forwards, backwards, skipping, or reopening."""
        self._move(deal_id, key, by_manager=by_manager)

    @rule(
        deal_id=deal_ids,
        key=st.sampled_from(("won", "lost")),
        by_manager=st.booleans(),
        reason=st.integers(min_value=0, max_value=50),
        close_share=st.none() | st.floats(min_value=0, max_value=1),
        confirm=st.none() | amounts,
    )
    def close(
        self,
        deal_id: int,
        key: str,
        by_manager: bool,
        reason: int,
        close_share: float | None,
        confirm: Decimal | None,
    ) -> None:
        """Win or lose, now or at an earlier close date, maybe confirming the amount."""
        if self.model[deal_id].stage_key == key:  # already there: switch the outcome instead
            key = "lost" if key == "won" else "won"
        self._move(
            deal_id,
            key,
            by_manager=by_manager,
            reason=reason,
            close_share=close_share,
            confirm=confirm,
        )

    @rule(
        deal_id=deal_ids,
        key=st.sampled_from(STAGE_KEYS),
        mode=st.sampled_from(("stale", "intruder", "no_reason")),
    )
    def move_refused(self, deal_id: int, key: str, mode: str) -> None:
        """A stale version, a rep moving someone else's deal, or a loss without a reason."""
        if mode == "no_reason":
            key = "lost"
            if self.model[deal_id].stage_key == "lost":
                mode = "stale"
        self._move(deal_id, key, mode=mode)

    def _closed_deals(self) -> list[int]:
        return sorted(i for i, d in self.model.items() if d.stage_key not in OPEN_KEYS)

    @precondition(lambda self: bool(self._closed_deals()))
    @rule(data=st.data(), key=st.sampled_from(OPEN_KEYS), by_manager=st.booleans())
    def reopen(self, data: st.DataObject, key: str, by_manager: bool) -> None:
        """Take a won or lost deal back to an open stage."""
        deal_id = data.draw(st.sampled_from(self._closed_deals()), label="closed deal")
        self._move(deal_id, key, by_manager=by_manager)

    @rule(
        deal_id=deal_ids,
        title=st.none() | titles,
        amount=st.none() | amounts,
        mode=st.sampled_from(MODES),
        by_manager=st.booleans(),
    )
    def edit(
        self,
        deal_id: int,
        title: str | None,
        amount: Decimal | None,
        mode: str,
        by_manager: bool,
    ) -> None:
        deal = self.model[deal_id]
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = title
        if amount is not None:
            changes["amount"] = amount
        by = self._actor(deal, mode, by_manager)

        def call() -> Any:
            return deals.update_deal(
                self.db,
                deal_id,
                by=by,
                expected_version=self._version(deal, mode),
                changes=changes,
            )

        if self._expect_refusal(deal_id, mode, call):
            return
        out = call()
        new_title = title.strip() if title is not None else deal.title
        new_amount = amount if amount is not None else deal.amount
        if (new_title, new_amount) != (deal.title, deal.amount):
            deal.version += 1
            deal.edits += 1
            deal.title, deal.amount = new_title, new_amount
            event("edit: changed")
        else:
            assert not out.changes.deal_ids
            event("edit: no change")
        assert out.value.version == deal.version

    @rule(deal_id=deal_ids, new_owner=st.sampled_from(OWNERS), by_rep=st.booleans())
    def reassign(self, deal_id: int, new_owner: str, by_rep: bool) -> None:
        deal = self.model[deal_id]
        owner_id = self.users[new_owner]
        by = deal.owner if by_rep and deal.owner != self.users["manager"] else None
        if by is not None and owner_id != deal.owner:
            # A rep may not hand their deal to someone else.
            before = self._deal_state(deal_id)
            with pytest.raises(ValidationError) as exc:
                deals.update_deal(
                    self.db,
                    deal_id,
                    by=by,
                    expected_version=deal.version,
                    changes={"owner_id": owner_id},
                )
            assert exc.value.fields == ["owner_id"]
            assert self._deal_state(deal_id) == before
            return
        deals.update_deal(
            self.db,
            deal_id,
            by=self.users["manager"],
            expected_version=deal.version,
            changes={"owner_id": owner_id},
        )
        if owner_id != deal.owner:
            deal.owner = owner_id
            deal.version += 1
            deal.edits += 1

    @rule(
        target=activity_ids,
        deal_id=deal_ids,
        kind=st.sampled_from(("call", "meeting", "email", "task", "note")),
        done=st.booleans(),
    )
    def log(self, deal_id: int, kind: str, done: bool) -> int:
        deal = self.model[deal_id]
        info = activities.log_activity(
            self.db,
            by=deal.owner,
            kind=kind,
            subject=f"{kind} about {deal_id}",
            deal_id=deal_id,
            done=done,
        ).value
        self.acts[info.id] = ActivityModel(deal_id=deal_id, done=done)
        return info.id

    @rule(activity_id=activity_ids, by_manager=st.booleans())
    def complete(self, activity_id: int, by_manager: bool) -> None:
        act = self.acts[activity_id]
        with self.db.engine.connect() as conn:
            owner, done_before = conn.execute(
                text("SELECT owner_id, done_at FROM activities WHERE id = :i"), {"i": activity_id}
            ).one()
        by = self.users["manager"] if by_manager else owner
        out = activities.complete_activity(self.db, activity_id, by=by)
        if act.done:
            # Completing twice is a no-op: the first completion time stays.
            assert as_utc(done_before) == out.value.done_at
            assert not out.changes.deal_ids
            event("complete: again")
        else:
            act.done = True
            act.version += 1

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def history_is_consistent(self) -> None:
        with self.db.engine.connect() as conn:
            deal_rows = conn.execute(
                text(
                    "SELECT id, stage_id, stage_entered_at, created_at, closed_at, "
                    "lost_reason_id, lost_at_stage_id, version, owner_id, title, amount "
                    "FROM deals ORDER BY id"
                )
            ).all()
            trans_rows = conn.execute(
                text(
                    "SELECT id, deal_id, from_stage_id, to_stage_id, at FROM stage_transitions "
                    "ORDER BY deal_id, at, id"
                )
            ).all()
        assert sorted(r.id for r in deal_rows) == sorted(self.model)
        by_deal: dict[int, list[Any]] = {}
        for t in trans_rows:
            by_deal.setdefault(t.deal_id, []).append(t)
        assert set(by_deal) <= set(self.model)

        for d in deal_rows:
            expected = self.model[d.id]
            history = by_deal.get(d.id, [])
            assert history, f"deal {d.id} has no history"
            first, last = history[0], history[-1]
            # Current stage and entry time are those of the last transition.
            assert d.stage_id == last.to_stage_id == self.stage_ids[expected.stage_key]
            assert as_utc(d.stage_entered_at) == as_utc(last.at)
            # Creation is the first transition, and the only one from nowhere.
            assert first.from_stage_id is None
            assert as_utc(first.at) == as_utc(d.created_at)
            assert all(t.from_stage_id is not None for t in history[1:])
            # Each move starts where the previous one ended.
            for prev, nxt in pairwise(history):
                assert nxt.from_stage_id == prev.to_stage_id
                assert nxt.to_stage_id != nxt.from_stage_id
            # Written in order, time never runs backwards.
            in_id_order = sorted(history, key=lambda t: t.id)
            ats = [as_utc(t.at) for t in in_id_order]
            assert ats == sorted(ats)  # type: ignore[type-var]
            assert in_id_order == history

            kind = self.kind_of[d.stage_id]
            assert (d.closed_at is not None) == (kind is not StageKind.OPEN)
            if d.closed_at is not None:
                assert as_utc(d.closed_at) == as_utc(d.stage_entered_at)
                assert as_utc(d.closed_at) >= as_utc(d.created_at)  # type: ignore[operator]
            is_lost = kind is StageKind.LOST
            assert (d.lost_reason_id is not None) == is_lost
            assert (d.lost_at_stage_id is not None) == is_lost
            if is_lost:
                last_open = [
                    t.to_stage_id for t in history if self.kind_of[t.to_stage_id] is StageKind.OPEN
                ]
                assert d.lost_at_stage_id == last_open[-1]

            moves = len(history) - 1
            assert d.version == 1 + moves + expected.edits == expected.version
            assert d.version >= self.seen_versions.get(d.id, 1)
            self.seen_versions[d.id] = d.version
            assert d.owner_id == expected.owner
            assert d.title == expected.title
            assert as_money(d.amount) == expected.amount

    @invariant()
    def activities_are_consistent(self) -> None:
        with self.db.engine.connect() as conn:
            act_rows = conn.execute(
                text(
                    "SELECT a.id, a.deal_id, a.customer_id, a.done_at, a.created_at, a.version, "
                    "d.customer_id AS deal_customer FROM activities a "
                    "JOIN deals d ON d.id = a.deal_id ORDER BY a.id"
                )
            ).all()
        assert sorted(r.id for r in act_rows) == sorted(self.acts)
        for a in act_rows:
            expected = self.acts[a.id]
            assert a.deal_id == expected.deal_id
            assert a.customer_id == a.deal_customer
            assert (a.done_at is not None) == expected.done
            assert a.version == expected.version
            if a.done_at is not None:
                assert as_utc(a.created_at) <= as_utc(a.done_at)  # type: ignore[operator]


def _machine(**attrs: Any) -> type[DealHistory]:
    return type("DealHistoryRun", (DealHistory,), attrs)


def test_deal_history_on_sqlite(sqlite_template: Path) -> None:
    run_state_machine_as_test(
        _machine(template=sqlite_template),
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@requires_pg
@pytest.mark.postgres
def test_deal_history_on_postgres(pg_schema: str) -> None:
    run_state_machine_as_test(
        _machine(pg_schema=pg_schema),
        settings=settings(
            max_examples=10,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
