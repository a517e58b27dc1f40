"""Importing deals, with their stage history.

A **new deal** gets the history a person would have left by working it in crmdesk:

* open: one transition into its stage at ``created_at`` (the first contact; the
  time of the import when the file gives none);
* won or lost: a transition into its open stage (the mapped ``open_stage``, else the
  pipeline's first open stage) at ``created_at``, then one into won or lost at
  ``closed_at``. Both dates are required, and the close may not precede the first
  contact, so the sales cycle (``cycle_days``, kept by the database's triggers) is
  exactly close − first contact. A lost deal records the open stage it was lost at,
  and its lost reason when the file gives one (crmdesk asks for one when a person
  marks a deal lost; an old system's export may not know it).

A row whose key (``external_ref``) names an existing deal **updates** it, as
``update_deal`` and ``move_deal`` would: the fields the row gives (empty cells leave
a field as it is; defaults apply to new deals only), a new transition when the stage
changes (at ``closed_at`` for won or lost, at ``stage_at`` or now for an open stage;
never before the deal entered its current stage), ``version`` + 1, and one
``audit_log`` row per changed owner, amount, expected close and stage. The first
contact and the pipeline cannot change; neither can the close date of a deal that
stays won or lost (history is append-only), which is reported on the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.bulk import sqlite_new_deals
from crmdesk.domain import AuditField, Change, Changes, StageKind
from crmdesk.importing.base import (
    CHUNK,
    Planner,
    Row,
    Skip,
    Tick,
    bulk_insert,
    chunks,
    grouped_update,
    listed,
    reserve_ids,
    write_new_records,
)
from crmdesk.importing.lookups import New, PipelineRef, Ref, StageRef, ident, new_records
from crmdesk.importing.reader import SourceRow
from crmdesk.importing.values import CellError
from crmdesk.portability.tables import copy_send, copy_values
from crmdesk.services._common import setting
from crmdesk.services.deals import AUDITED_COLUMNS, _audit_text

_AUDITED = dict((column, audit_field) for audit_field, column in AUDITED_COLUMNS)


class _Existing:
    """The current values of a deal the file names by its key."""

    __slots__ = (
        "amount",
        "closed_at",
        "created_at",
        "currency",
        "customer_id",
        "expected_close",
        "id",
        "kind",
        "lost_reason_id",
        "notes",
        "owner_id",
        "pipeline_id",
        "source_id",
        "stage_entered_at",
        "stage_id",
        "title",
        "version",
    )

    def __init__(self, row: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(row, name))


class NewDeal:
    __slots__ = (
        "amount",
        "closed_at",
        "created_at",
        "currency",
        "customer",
        "expected_close",
        "line",
        "lost_reason",
        "notes",
        "open_stage",
        "owner",
        "pipeline_id",
        "ref",
        "source",
        "stage",
        "title",
    )
    action = "create"

    def __init__(
        self,
        line: int,
        ref: str | None,
        title: str,
        owner: Ref,
        customer: Ref | None,
        pipeline_id: int,
        stage: StageRef,
        open_stage: StageRef | None,
        amount: Decimal,
        currency: str,
        expected_close: date | None,
        source: Ref | None,
        created_at: datetime,
        closed_at: datetime | None,
        lost_reason: Ref | None,
        notes: str | None,
    ) -> None:
        self.line = line
        self.ref = ref
        self.title = title
        self.owner = owner
        self.customer = customer
        self.pipeline_id = pipeline_id
        self.stage = stage
        self.open_stage = open_stage
        self.amount = amount
        self.currency = currency
        self.expected_close = expected_close
        self.source = source
        self.created_at = created_at
        self.closed_at = closed_at
        self.lost_reason = lost_reason
        self.notes = notes

    @property
    def refs(self) -> tuple[Ref | None, ...]:
        return (self.owner, self.customer, self.source, self.lost_reason)


class DealUpdate:
    __slots__ = ("audit", "deal_id", "line", "transition", "values")
    action = "update"

    def __init__(
        self,
        line: int,
        deal_id: int,
        values: dict[str, Any],
        transition: tuple[int, int, datetime] | None,
        audit: list[tuple[AuditField, Any, Any]],
    ) -> None:
        self.line = line
        self.deal_id = deal_id
        self.values = values
        self.transition = transition
        self.audit = audit

    @property
    def refs(self) -> tuple[Ref | None, ...]:
        return tuple(v for v in self.values.values() if isinstance(v, New))


class DealPlanner(Planner):
    entity = "deals"

    def prepare(self, rows: Sequence[SourceRow]) -> None:
        self.key = self.mapping.key is not None
        self.existing: dict[str, _Existing] = {}
        self.currency_default = setting(self.s, "currency", "USD") or "USD"
        getter = self.binding.getter("external_ref")
        if getter is None:
            return
        refs = sorted({str(v).strip() for r in rows if (v := getter(r.cells)) is not None})
        d, st = m.Deal, m.Stage
        postgres = self.s.get_bind().dialect.name == "postgresql"
        # PostgreSQL: one array parameter per 50,000 keys (an IN list of thousands of
        # parameters costs psycopg more to send than the server to answer); SQLite:
        # at most 999 parameters per statement.
        for part in chunks(refs, 50_000) if postgres else chunks(refs):
            found = self.s.execute(
                select(
                    d.id,
                    d.external_ref,
                    d.title,
                    d.customer_id,
                    d.owner_id,
                    d.pipeline_id,
                    d.stage_id,
                    st.kind,
                    d.amount,
                    d.currency,
                    d.expected_close,
                    d.source_id,
                    d.created_at,
                    d.stage_entered_at,
                    d.closed_at,
                    d.lost_reason_id,
                    d.notes,
                    d.version,
                )
                .join(st, st.id == d.stage_id)
                .where(
                    d.external_ref == any_(bindparam("refs", list(part), type_=ARRAY(String)))
                    if postgres
                    else d.external_ref.in_(part)
                )
            )
            for row in found:
                self.existing[row.external_ref] = _Existing(row)

    # --- one row ----------------------------------------------------------------------------

    def plan_row(self, row: Row) -> NewDeal | DealUpdate | Skip | None:
        self.check_width(row)
        row.new = False  # the key never takes a default
        ref = self.text(row, "external_ref", required=self.key)
        row.new = True
        existing = None
        if ref is not None:
            repeated = self.repeat(row, ref, "external_ref", ref)
            if repeated:
                return repeated if isinstance(repeated, Skip) else None
            existing = self.existing.get(ref)
        if row.failed:
            return None
        if existing is not None:
            if not self.key:
                self.issue(row, "external_ref", "ref_taken", value=ref)
                return None
            if self.mapping.existing == "skip":
                return Skip(row.line)
            if self.mapping.existing == "error":
                self.issue(row, "external_ref", "key_exists", value=ref)
                return None
            row.new = False
            return self._update(row, existing)
        return self._create(row, ref)

    def _stage(self, row: Row, name: str, pipe: PipelineRef | None) -> StageRef | None:
        value = self.text(row, name)
        if value is None or pipe is None:
            return None
        try:
            return self.lookups.stage(pipe, value)
        except CellError as exc:
            self.issue(row, name, exc.code, **exc.params)
            return None

    def _pipeline(self, row: Row) -> PipelineRef | None:
        value = self.text(row, "pipeline")
        try:
            return self.lookups.pipeline(value)
        except CellError as exc:
            self.issue(row, "pipeline", exc.code, **exc.params)
            return None

    def _create(self, row: Row, ref: str | None) -> NewDeal | None:
        lk = self.lookups
        title = self.text(row, "title", required=True)
        owner = self.owner(row)
        customer = self.customer(row)
        pipe = self._pipeline(row)
        stage = self._stage(row, "stage", pipe)
        if stage is None and pipe is not None and not row.failed and self.raw(row, "stage") is None:
            stage = pipe.open_stages[0] if pipe.open_stages else None
            if stage is None:
                self.issue(row, "stage", "unknown_stage", value="", pipeline=pipe.key, allowed="")
        amount = self.amount(row, "amount")
        currency = self.currency(row)
        expected_close = self.day(row, "expected_close")
        source = self.lookup(row, "source", lk.source)
        created = self.instant(row, "created_at")
        closed = self.instant(row, "closed_at")
        notes = self.text(row, "notes")
        open_stage = lost_reason = None
        if stage is not None:
            if stage.kind is StageKind.OPEN:
                if closed is not None:
                    self.issue(
                        row, "closed_at", "close_date_open", stage=stage.key, field="closed_at"
                    )
            else:
                outcome = stage.kind.value
                # Required when empty (a bad value was reported already).
                if closed is None and self.raw(row, "closed_at") is None:
                    self.issue(
                        row, "closed_at", "close_date_required", outcome=outcome, field="closed_at"
                    )
                if created is None and self.raw(row, "created_at") is None:
                    self.issue(
                        row, "created_at", "created_required", outcome=outcome, field="created_at"
                    )
                if created is not None and closed is not None and closed < created:
                    self.issue(
                        row,
                        "closed_at",
                        "closed_before_created",
                        closed=_local(self, closed),
                        created=_local(self, created),
                    )
                open_stage = self._stage(row, "open_stage", pipe)
                if open_stage is not None and open_stage.kind is not StageKind.OPEN:
                    self.issue(
                        row, "open_stage", "not_open_stage", value=open_stage.key, pipeline=pipe.key
                    )
                if open_stage is None and pipe is not None and pipe.open_stages:
                    open_stage = pipe.open_stages[0]
                if stage.kind is StageKind.LOST:
                    lost_reason = self.lookup(row, "lost_reason", lk.lost_reason)
        if row.failed or stage is None or pipe is None:
            return None
        created = created or self.env.now
        if isinstance(customer, New):
            attrs = customer.attrs
            if attrs["owner"] is None:
                attrs["owner"] = owner
            if attrs["source"] is None:
                attrs["source"] = source
            if attrs["created_at"] is None or created < attrs["created_at"]:
                attrs["created_at"] = created
        if source is None and customer is not None:
            source = lk.customer_source(customer)
        return NewDeal(
            line=row.line,
            ref=ref,
            title=title,
            owner=owner,
            customer=customer,
            pipeline_id=pipe.id,
            stage=stage,
            open_stage=open_stage,
            amount=amount if amount is not None else Decimal("0.00"),
            currency=currency or self.currency_default,
            expected_close=expected_close,
            source=source,
            created_at=created,
            closed_at=closed,
            lost_reason=lost_reason,
            notes=notes,
        )

    def _update(self, row: Row, ex: _Existing) -> DealUpdate | Skip | None:
        lk = self.lookups
        vals: dict[str, Any] = {}

        def put(column: str, value: Any, current: Any) -> None:
            if value is not None and value != current:
                vals[column] = value

        put("title", self.text(row, "title"), ex.title)
        if self.binding.reads("customer") or self.binding.reads("customer_ref"):
            put("customer_id", self.customer(row), ex.customer_id)
        put("owner_id", self.owner(row), ex.owner_id)
        put("amount", self.amount(row, "amount"), ex.amount)
        put("currency", self.currency(row), ex.currency)
        put("expected_close", self.day(row, "expected_close"), ex.expected_close)
        put("source_id", self.lookup(row, "source", lk.source), ex.source_id)
        put("notes", self.text(row, "notes"), ex.notes)
        pipe = lk.pipeline_by_id(ex.pipeline_id)
        if pipe is None and self.raw(row, "stage") is not None:
            self.issue(row, "stage", "inactive_pipeline")
        named = self.text(row, "pipeline")
        if named is not None:
            try:
                other = lk.pipeline(named)
            except CellError as exc:
                self.issue(row, "pipeline", exc.code, **exc.params)
            else:
                if other.id != ex.pipeline_id:
                    current = pipe.key if pipe is not None else str(ex.pipeline_id)
                    self.issue(row, "pipeline", "other_pipeline", current=current, value=named)
        target = self._stage(row, "stage", pipe)
        closed = self.instant(row, "closed_at")
        stage_at = self.instant(row, "stage_at")
        transition = None
        if target is not None and target.id != ex.stage_id:
            if target.kind is StageKind.OPEN:
                if closed is not None:
                    self.issue(
                        row, "closed_at", "close_date_open", stage=target.key, field="closed_at"
                    )
                at = stage_at or self.env.now
                vals.update(closed_at=None, lost_reason_id=None, lost_at_stage_id=None)
            else:
                if closed is None and self.raw(row, "closed_at") is None:
                    self.issue(
                        row,
                        "closed_at",
                        "close_date_required",
                        outcome=target.kind.value,
                        field="closed_at",
                    )
                at = closed or self.env.now
                if at < ex.created_at:
                    self.issue(
                        row,
                        "closed_at",
                        "closed_before_created",
                        closed=_local(self, at),
                        created=_local(self, ex.created_at),
                    )
                vals["closed_at"] = at
                if target.kind is StageKind.LOST:
                    vals["lost_reason_id"] = self.lookup(row, "lost_reason", lk.lost_reason)
                    vals["lost_at_stage_id"] = (
                        ex.stage_id if ex.kind == StageKind.OPEN else self._last_open(ex.id)
                    )
                else:
                    vals.update(lost_reason_id=None, lost_at_stage_id=None)
            if at < ex.stage_entered_at and not row.failed:
                self.issue(
                    row,
                    "closed_at" if target.kind is not StageKind.OPEN else "stage_at",
                    "move_before_entered",
                    at=_local(self, at),
                    entered=_local(self, ex.stage_entered_at),
                )
            vals["stage_id"] = target.id
            vals["stage_entered_at"] = at
            transition = (ex.stage_id, target.id, at)
        else:
            kind = target.kind if target is not None else StageKind(ex.kind)
            if closed is not None:
                if kind is StageKind.OPEN:
                    self.issue(
                        row,
                        "closed_at",
                        "close_date_open",
                        stage=target.key if target else "",
                        field="closed_at",
                    )
                elif ex.closed_at is not None and closed != ex.closed_at:
                    self.issue(
                        row,
                        "closed_at",
                        "closed_date_fixed",
                        outcome=kind.value,
                        current=_local(self, ex.closed_at),
                    )
            if kind is StageKind.LOST:
                put(
                    "lost_reason_id",
                    self.lookup(row, "lost_reason", lk.lost_reason),
                    ex.lost_reason_id,
                )
        if row.failed:
            return None
        if not vals:
            return Skip(row.line)
        audit = [
            (_AUDITED[column], getattr(ex, column), value)
            for column, value in vals.items()
            if column in _AUDITED
        ]
        vals.update(
            version=ex.version + 1, updated_at=self.env.now, updated_by_id=self.env.actor.id
        )
        return DealUpdate(row.line, ex.id, vals, transition, audit)

    def _last_open(self, deal_id: int) -> int | None:
        """The open stage a closed deal was last in (the stage a won deal is lost at)."""
        return self.s.execute(
            select(m.StageTransition.to_stage_id)
            .join(m.Stage, m.Stage.id == m.StageTransition.to_stage_id)
            .where(m.StageTransition.deal_id == deal_id, m.Stage.kind == StageKind.OPEN.value)
            .order_by(m.StageTransition.at.desc(), m.StageTransition.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    # --- writing ----------------------------------------------------------------------------

    def write(self, plans: list[Any], tick: Tick) -> Changes:
        s, env = self.s, self.env
        news = [p for p in plans if isinstance(p, NewDeal)]
        updates = [p for p in plans if isinstance(p, DealUpdate)]
        kinds = write_new_records(s, env, new_records(r for p in plans for r in p.refs))
        total = len(news) + len(updates)
        deal_ids = self._insert(s, news, tick, total)
        self._update_rows(s, updates, tick, len(news), total)
        touched = deal_ids + [u.deal_id for u in updates]
        customers = [ident(p.customer) for p in news] + [
            ident(u.values.get("customer_id")) for u in updates
        ]
        if touched:
            kinds |= Change.DEALS | Change.TRANSITIONS
        return Changes(kinds, listed(touched), listed(customers))

    def _insert(self, s: Session, news: list[NewDeal], tick: Tick, total: int) -> list[int]:
        if not news:
            return []
        env = self.env
        by = env.actor.id
        now = env.now
        ids = reserve_ids(s, m.Deal.__table__, len(news))
        n_trans = sum(1 if p.stage.kind is StageKind.OPEN else 2 for p in news)
        deals_t, trans_t = m.Deal.__table__, m.StageTransition.__table__
        # The mask the database's triggers give a deal for these transitions (bit
        # ``slot`` of each stage entered): given up front, the trigger finds it right
        # and does not write the deal again (PostgreSQL, migration 0008). The trigger
        # still computes it; this is only the value it will find.
        bit = {
            sid: 1 << slot
            for sid, slot in s.execute(select(m.Stage.id, m.Stage.slot))
            if slot is not None
        }
        tids = reserve_ids(s, m.StageTransition.__table__, n_trans)
        # Where each chunk's transitions start in ``tids``.
        starts = [0]
        for lo in range(0, len(news), CHUNK):
            chunk = news[lo : lo + CHUNK]
            starts.append(
                starts[-1] + sum(1 if p.stage.kind is StageKind.OPEN else 2 for p in chunk)
            )

        def build(k: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            """The deal and transition rows of chunk ``k``."""
            lo = k * CHUNK
            trans_ids = iter(tids[starts[k] : starts[k + 1]])
            deal_rows: list[dict[str, Any]] = []
            trans_rows: list[dict[str, Any]] = []
            for p, did in zip(news[lo : lo + CHUNK], ids[lo : lo + CHUNK], strict=True):
                stage = p.stage
                closed = stage.kind is not StageKind.OPEN
                lost = stage.kind is StageKind.LOST
                first = p.open_stage if closed else stage
                deal_rows.append(
                    {
                        "id": did,
                        "title": p.title,
                        "customer_id": ident(p.customer),
                        "contact_id": None,
                        "owner_id": ident(p.owner),
                        "pipeline_id": p.pipeline_id,
                        "stage_id": stage.id,
                        "amount": p.amount,
                        "currency": p.currency,
                        "expected_close": p.expected_close,
                        "source_id": ident(p.source),
                        "created_at": p.created_at,
                        "stage_entered_at": p.closed_at if closed else p.created_at,
                        "closed_at": p.closed_at if closed else None,
                        "lost_reason_id": ident(p.lost_reason) if lost else None,
                        "lost_at_stage_id": p.open_stage.id if lost else None,
                        "notes": p.notes,
                        "external_ref": p.ref,
                        "version": 1,
                        "updated_at": now,
                        "updated_by_id": by,
                        "reached_mask": bit.get(first.id, 0)
                        | (bit.get(stage.id, 0) if closed else 0),
                    }
                )
                trans_rows.append(
                    {
                        "id": next(trans_ids),
                        "deal_id": did,
                        "from_stage_id": None,
                        "to_stage_id": first.id,
                        "at": p.created_at,
                        "by_user_id": by,
                    }
                )
                if closed:
                    trans_rows.append(
                        {
                            "id": next(trans_ids),
                            "deal_id": did,
                            "from_stage_id": first.id,
                            "to_stage_id": stage.id,
                            "at": p.closed_at,
                            "by_user_id": by,
                        }
                    )
            return deal_rows, trans_rows

        chunks_n = len(starts) - 1
        if s.get_bind().dialect.name != "postgresql":
            # SQLite: the row-level fact triggers set aside, the facts computed for all
            # the new deals at the end (crmdesk.db.bulk).
            with sqlite_new_deals(s, ids):
                for k in range(chunks_n):
                    deal_rows, trans_rows = build(k)
                    bulk_insert(s, deals_t, deal_rows)
                    bulk_insert(s, trans_t, trans_rows)
                    tick("writing", min((k + 1) * CHUNK, len(news)), total)
            return ids
        # PostgreSQL: the next chunk's rows are made ready (in a thread of their own)
        # while the server takes the last one's; COPY, whose statement-level triggers
        # (migration 0008) then recompute the facts once per chunk.
        conn = s.connection()
        dialect = conn.dialect

        def prepare(k: int) -> tuple[Any, Any]:
            deal_rows, trans_rows = build(k)
            return copy_values(deals_t, deal_rows, dialect), copy_values(
                trans_t, trans_rows, dialect
            )

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crmdesk-import") as pool:
            ready = pool.submit(prepare, 0)
            for k in range(chunks_n):
                (deal_names, deal_values), (trans_names, trans_values) = ready.result()
                if k + 1 < chunks_n:
                    ready = pool.submit(prepare, k + 1)
                copy_send(conn, deals_t, deal_names, deal_values)
                copy_send(conn, trans_t, trans_names, trans_values)
                tick("writing", min((k + 1) * CHUNK, len(news)), total)
        return ids

    def _update_rows(
        self, s: Session, updates: list[DealUpdate], tick: Tick, done: int, total: int
    ) -> None:
        if not updates:
            return
        env = self.env
        grouped_update(s, m.Deal.__table__, [(u.deal_id, u.values) for u in updates])
        moves = [u for u in updates if u.transition is not None]
        trans_ids = iter(reserve_ids(s, m.StageTransition.__table__, len(moves)))
        bulk_insert(
            s,
            m.StageTransition.__table__,
            [
                {
                    "id": next(trans_ids),
                    "deal_id": u.deal_id,
                    "from_stage_id": u.transition[0],
                    "to_stage_id": u.transition[1],
                    "at": u.transition[2],
                    "by_user_id": env.actor.id,
                }
                for u in moves
                if u.transition is not None
            ],
        )
        audit = [
            {
                "deal_id": u.deal_id,
                "at": env.now,
                "user_id": env.actor.id,
                "field": audit_field.value,
                "old_value": _audit_text(old),
                "new_value": _audit_text(ident(new) if isinstance(new, New) else new),
            }
            for u in updates
            for audit_field, old, new in sorted(u.audit, key=lambda a: _ORDER[a[0]])
        ]
        bulk_insert(s, m.AuditEntry.__table__, audit)
        tick("writing", total, total)


_ORDER = {audit_field: i for i, (audit_field, _) in enumerate(AUDITED_COLUMNS)}


def _local(planner: Planner, when: datetime | date) -> str:
    """A time as the file would show it: the local date (and time when not midnight)."""
    if not isinstance(when, datetime):
        return when.isoformat()
    zone = planner.env.dates.zone
    local = when.astimezone(zone)
    if local.hour == local.minute == local.second == 0:
        return local.date().isoformat()
    return local.strftime("%Y-%m-%d %H:%M")
