"""What every kind of import shares: reading a row's fields, recording its problems,
and writing new users, customers and list entries with Core bulk inserts.

A planner reads every row first (:meth:`Planner.plan_row`) and keeps, for each good
row, a small plan object; nothing is written until every row has been read. Then
:meth:`Planner.write` writes the accepted plans in the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.engine import CHANGE_LOG_MAX_IDS
from crmdesk.domain import Change, Changes, Role
from crmdesk.importing.binding import Binding
from crmdesk.importing.fields import FIELDS
from crmdesk.importing.lookups import Lookups, New, Ref, ident, new_records
from crmdesk.importing.mapping import ImportMapping
from crmdesk.importing.messages import RowIssue, human_list
from crmdesk.importing.reader import Cell, SourceRow
from crmdesk.importing.values import CellError, DateReader, read_amount, read_bool, read_text
from crmdesk.portability.tables import copy_rows
from crmdesk.services._common import CLOCK_SKEW, CURRENCY_RE

#: Rows per INSERT ... executemany (as the demo generator).
CHUNK = 5_000
#: Ids per ``IN (...)`` list when reading existing records.
IN_CHUNK = 900

#: Progress and cancel hooks, called with (phase, rows done, rows in all).
Tick = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Env:
    """What stays the same for the whole import."""

    now: datetime
    dates: DateReader
    actor: m.User


class Row:
    """One file row while it is read: its line, cells, whether it makes a new record,
    and whether a problem was found in it."""

    __slots__ = ("cells", "failed", "line", "new")

    def __init__(self, source: SourceRow) -> None:
        self.line = source.line
        self.cells = source.cells
        self.new = True
        self.failed = False


class Skip:
    """A row left as it is: the record exists and nothing in the row changes it, or
    the mapping says ``existing = "skip"``."""

    __slots__ = ("line",)
    action = "skip"

    def __init__(self, line: int) -> None:
        self.line = line


class Planner:
    """Reads rows into plans for one kind of record; see the module docstring."""

    entity = ""

    def __init__(
        self, s: Session, env: Env, mapping: ImportMapping, binding: Binding, lookups: Lookups
    ) -> None:
        self.s = s
        self.env = env
        self.mapping = mapping
        self.binding = binding
        self.lookups = lookups
        self.issues: list[RowIssue] = []
        self.n_headers = len(binding.headers)
        # Only the fields the file or the mapping gives: reading another is one lookup.
        self._getters = {
            f.name: g for f in FIELDS[self.entity] if (g := binding.getter(f.name)) is not None
        }
        self._defaults = dict(mapping.defaults)
        self._max_len = {f.name: f.max_len for f in FIELDS[self.entity]}
        self._amounts: dict[str, Any] = {}
        self._latest = env.now + CLOCK_SKEW
        # Each key's first line and what the row gives (see repeat()).
        self._first: dict[Any, tuple[int, tuple[Cell, ...]]] = {}
        self._compared = sorted(self._getters)

    # --- the steps --------------------------------------------------------------------------

    def prepare(self, rows: Sequence[SourceRow]) -> None:
        """Load what the rows refer to by key (called once, before plan_row)."""

    def plan_row(self, row: Row) -> Any:
        """A plan for a good row (or None once a problem is recorded)."""
        raise NotImplementedError

    def finish(self, plans: list[Any]) -> list[Any]:
        """Checks over all the rows, once each was read (may record problems and drop
        the plans of the rows concerned)."""
        return plans

    def write(self, plans: list[Any], tick: Tick) -> Changes:
        """Write the plans; the new records they refer to first."""
        raise NotImplementedError

    def new_records(self, plans: list[Any]) -> dict[str, list[str]]:
        """The names of the owners, customers, sources and lost reasons these plans
        would create (for a dry run's report)."""
        refs = [r for p in plans for r in getattr(p, "refs", ())]
        made = new_records(refs)
        made += [
            r
            for c in made
            if c.kind == "customer"
            for r in new_records((c.attrs.get("owner"), c.attrs.get("source")))
            if r not in made
        ]
        out: dict[str, list[str]] = {"user": [], "customer": [], "source": [], "lost_reason": []}
        for new in made:
            out[new.kind].append(new.name)
        return out

    # --- repeated keys -----------------------------------------------------------------------

    def repeat(
        self, row: Row, identity: Any, name: str, value: str, *, what: str | None = None
    ) -> Skip | bool:
        """Whether the row repeats a key (``identity``) an earlier row of the file had.

        False for the first row with the key (remembered). A later row that gives the
        same value for every field the mapping reads is an identical repeat, left as it
        is: a :class:`Skip` (a sales team file names each manager on every one of their
        agents' rows). A later row with other values is a problem naming both lines and
        the columns that differ (True): a record cannot be imported from two versions.
        ``what`` names the record for a key that is not the mapping's key column
        (``duplicate_row_conflict``).
        """
        first = self._first.get(identity)
        if first is None:
            self._first[identity] = (row.line, row.cells)  # compared only if repeated
            return False
        first_line, first_cells = first
        if first_cells == row.cells:
            return Skip(row.line)
        given = self._given(row.cells)
        first_given = self._given(first_cells)
        if given == first_given:
            return Skip(row.line)
        differ = {
            self.binding.column(f) or f
            for f, a, b in zip(self._compared, first_given, given, strict=True)
            if a != b
        }
        headers = self.binding.headers
        order = {h: i for i, h in reversed(list(enumerate(headers)))}
        params: dict[str, Any] = {
            "value": value,
            "first_line": first_line,
            "columns": human_list(sorted(differ, key=lambda c: (order.get(c, len(headers)), c))),
        }
        if what is None:
            self.issue(row, name, "duplicate_key_conflict", **params)
        else:
            self.issue(row, name, "duplicate_row_conflict", what=what, **params)
        return True

    def _given(self, cells: tuple[Cell, ...]) -> tuple[Cell | None, ...]:
        """What the row gives each field the mapping reads (after value maps)."""
        return tuple(self._getters[f](cells) for f in self._compared)

    # --- reading fields ---------------------------------------------------------------------

    def check_width(self, row: Row) -> None:
        cells = row.cells
        if len(cells) > self.n_headers and any(
            not isinstance(c, str) or c.strip() for c in cells[self.n_headers :]
        ):
            self.issue(row, None, "extra_cells", count=len(cells), header=self.n_headers)

    def raw(self, row: Row, name: str) -> Cell | None:
        """The field's value in the row (after the value map); the mapping's default for
        a new record when the cell is empty."""
        getter = self._getters.get(name)
        if getter is not None:
            value = getter(row.cells)
            if value is not None or not row.new:
                return value
        elif not row.new:
            return None
        return self._defaults.get(name)

    def issue(self, row: Row, name: str | None, code: str, **params: Any) -> None:
        row.failed = True
        column = self.binding.column(name) if name is not None else None
        self.issues.append(RowIssue(row.line, column, name, code, params))

    def text(self, row: Row, name: str, *, required: bool = False) -> str | None:
        value = self.raw(row, name)
        if value is None:
            if required:
                self.issue(row, name, "required")
            return None
        if type(value) is str:  # the usual case, read without a call
            clean: str | None = value.strip() or None
            max_len = self._max_len[name]
            if clean is not None and max_len is not None and len(clean) > max_len:
                self.issue(row, name, "too_long", length=len(clean), max=max_len)
                return None
        else:
            try:
                clean = read_text(value, self._max_len[name])
            except CellError as exc:
                self.issue(row, name, exc.code, **exc.params)
                return None
        if clean is None and required:
            self.issue(row, name, "required")
        return clean

    def instant(self, row: Row, name: str, *, not_future: bool = True) -> datetime | None:
        value = self.raw(row, name)
        if value is None:
            return None
        try:
            when = self.env.dates.instant(value)
        except CellError as exc:
            self.issue(row, name, exc.code, **exc.params)
            return None
        if not_future and when > self._latest:
            self.issue(row, name, "in_future", value=_shown(value))
            return None
        return when

    def day(self, row: Row, name: str) -> Any:
        value = self.raw(row, name)
        if value is None:
            return None
        try:
            return self.env.dates.day(value)
        except CellError as exc:
            self.issue(row, name, exc.code, **exc.params)
            return None

    def amount(self, row: Row, name: str) -> Any:
        value = self.raw(row, name)
        if value is None:
            return None
        found = self._amounts.get(value) if type(value) is str else None
        if found is not None:
            return found
        try:
            found = read_amount(value, self.mapping.decimal)
        except CellError as exc:
            self.issue(row, name, exc.code, **exc.params)
            return None
        if type(value) is str and len(self._amounts) < 100_000:
            self._amounts[value] = found
        return found

    def boolean(self, row: Row, name: str) -> bool | None:
        value = self.raw(row, name)
        if value is None:
            return None
        try:
            return read_bool(value)
        except CellError as exc:
            self.issue(row, name, exc.code, **exc.params)
            return None

    def currency(self, row: Row, name: str = "currency") -> str | None:
        value = self.text(row, name)
        if value is None:
            return None
        clean = value.upper()
        if not CURRENCY_RE.match(clean):
            self.issue(row, name, "bad_currency", value=value)
            return None
        return clean

    def email(self, row: Row, name: str = "email") -> str | None:
        value = self.text(row, name)
        if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
            self.issue(row, name, "bad_email", value=value)
            return None
        return value

    def lookup(self, row: Row, name: str, find: Callable[[str, int], Ref]) -> Ref | None:
        """The record the field names (``find`` resolves the text), or None."""
        value = self.text(row, name)
        if value is None:
            return None
        try:
            return find(value, row.line)
        except CellError as exc:
            self.issue(row, name, exc.code, **exc.params)
            return None

    def owner(self, row: Row) -> Ref | None:
        """The owner named in the row; the acting user for a new record without one;
        None for an update that names none (the owner stays)."""
        value = self.text(row, "owner")
        if value is None:
            return self.env.actor.id if row.new else None
        try:
            return self.lookups.owner(value, row.line)
        except CellError as exc:
            self.issue(row, "owner", exc.code, **exc.params)
            return None

    def customer(self, row: Row) -> Ref | None:
        """The customer the row names by ``customer_ref`` or ``customer`` (company); a
        new one when the mapping creates customers (its owner and source are set by
        the first good row that names it, else the acting user)."""
        name = self.text(row, "customer")
        ref = self.text(row, "customer_ref")
        if name is None and ref is None:
            return None
        try:
            return self.lookups.customer(name, ref, row.line)
        except CellError as exc:
            self.issue(
                row,
                "customer_ref" if ref is not None and name is None else "customer",
                exc.code,
                **exc.params,
            )
            return None


def _shown(value: Cell) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if not isinstance(value, str):
        return value.isoformat()
    return value.strip()


# --- writing ---------------------------------------------------------------------------------


def reserve_ids(s: Session, table: Table, n: int) -> list[int]:
    """``n`` fresh primary keys for ``table``. PostgreSQL draws them from the table's
    sequence (safe beside other writers); SQLite counts on from the largest id, which
    is safe because a write transaction holds the database's only write lock."""
    if n <= 0:
        return []
    if s.get_bind().dialect.name == "postgresql":
        seq = s.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar_one()
        got = s.execute(  # one array, not a row per id
            text(
                "SELECT ARRAY(SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n))"
            ),
            {"seq": seq, "n": n},
        ).scalar_one()
        return sorted(got)
    start = (s.execute(select(func.max(table.c.id))).scalar_one() or 0) + 1
    return list(range(start, start + n))


def bulk_insert(
    s: Session,
    table: Table,
    rows: list[dict[str, Any]],
    tick: Tick | None = None,
    phase: str = "writing",
    done: int = 0,
    total: int = 0,
) -> None:
    postgres = s.get_bind().dialect.name == "postgresql"
    for i in range(0, len(rows), CHUNK):
        if postgres:
            copy_rows(s.connection(), table, rows[i : i + CHUNK])
        else:
            s.execute(insert(table), rows[i : i + CHUNK])
        if tick is not None:
            tick(phase, min(done + i + CHUNK, total), total)


def write_new_records(s: Session, env: Env, made: list[New]) -> Change:
    """Write new users, lead sources, lost reasons and customers (in that order: a
    customer may name a new owner or source), giving each its id."""
    kinds = Change.NONE
    users = [n for n in made if n.kind == "user"]
    sources = [n for n in made if n.kind == "source"]
    reasons = [n for n in made if n.kind == "lost_reason"]
    customers = [n for n in made if n.kind == "customer"]
    for c in customers:  # a new customer's new owner or source is written first
        for r in (c.attrs.get("owner"), c.attrs.get("source")):
            if isinstance(r, New) and r.id is None:
                (users if r.kind == "user" else sources).append(r)
    users = list({id(u): u for u in users}.values())
    sources = list({id(x): x for x in sources}.values())
    now = env.now
    if users:
        table = m.User.__table__
        for new, uid in zip(users, reserve_ids(s, table, len(users)), strict=True):
            new.id = uid
        bulk_insert(
            s,
            table,
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "login": u.attrs["login"],
                    "role": Role.REP.value,
                    "active": True,
                    "email": None,
                    "password_hash": None,
                    "failed_logins": 0,
                    "locked_until": None,
                    "created_at": now,
                }
                for u in users
            ],
        )
        kinds |= Change.USERS
    for items, model in ((sources, m.LeadSource), (reasons, m.LostReason)):
        if not items:
            continue
        table = model.__table__
        position = (s.execute(select(func.max(table.c.position))).scalar_one() or 0) + 1
        for new, iid in zip(items, reserve_ids(s, table, len(items)), strict=True):
            new.id = iid
        bulk_insert(
            s,
            table,
            [
                {"id": x.id, "name": x.name, "names": {}, "position": position + i, "active": True}
                for i, x in enumerate(items)
            ],
        )
        kinds |= Change.LISTS
    if customers:
        table = m.Customer.__table__
        for new, cid in zip(customers, reserve_ids(s, table, len(customers)), strict=True):
            new.id = cid
        bulk_insert(
            s,
            table,
            [
                {
                    "id": c.id,
                    "company": c.name,
                    "industry": None,
                    "source_id": ident(c.attrs.get("source")),
                    "owner_id": ident(c.attrs.get("owner")) or env.actor.id,
                    "created_at": c.attrs.get("created_at") or now,
                    "phone": None,
                    "email": None,
                    "website": None,
                    "address": None,
                    "notes": None,
                    "external_ref": c.attrs.get("external_ref"),
                    "version": 1,
                    "updated_at": now,
                    "updated_by_id": env.actor.id,
                }
                for c in customers
            ],
        )
        kinds |= Change.CUSTOMERS
    return kinds


def listed(ids: Iterable[int | None]) -> frozenset[int]:
    """Ids for a ``Changes``: none (the whole kind changed) when there are too many for
    the change log to list."""
    found = frozenset(i for i in ids if i is not None)
    return found if len(found) <= CHANGE_LOG_MAX_IDS else frozenset()


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


LOGIN_RE = re.compile(r"^[A-Za-z0-9._@-]+$")


def grouped_update(s: Session, table: Table, updates: list[tuple[int, dict[str, Any]]]) -> None:
    """Update rows by id, one executemany per set of changed columns (new records'
    ids resolved)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in updates:
        params = {"v_" + k: ident(v) if isinstance(v, New) else v for k, v in values.items()}
        groups.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **params})
    for columns, params in groups.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam("v_" + c) for c in columns})
        )
        for part in chunks(params, CHUNK):
            s.connection().execute(stmt, list(part))
