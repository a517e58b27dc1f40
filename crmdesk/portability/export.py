"""Deals, customers, contacts and activities as CSV or XLSX, for a spreadsheet.

Each export is one sheet with readable headers, one row per record in id order,
and names instead of ids (a deal's customer, contact, owner, pipeline, stage,
source and lost reason):

* times are local to a time zone (the team's ``time_zone`` setting unless told
  otherwise), named in the header: ``Created (Europe/Berlin)``; CSV writes them
  as ``YYYY-MM-DD HH:MM:SS``, XLSX as date-time cells shown the same way;
* dates are ``YYYY-MM-DD`` (XLSX: date cells);
* amounts are plain decimals in CSV (``1200.00``) and numbers in XLSX (shown
  ``#,##0.00``), so the sheet can sum them;
* text that a spreadsheet would take for a formula (starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) cannot run: CSV writes it with a leading
  ``'`` (:mod:`crmdesk.domain.csvsafe`); XLSX stores it as a text cell, never as a
  formula, with Excel's "quote prefix" set so that editing the cell keeps it text,
  and keeps the text exactly as it is. Characters XLSX cannot hold (control
  characters other than tab and line breaks) become U+FFFD.

CSV files are UTF-8 with a byte-order mark, which Excel needs to read non-ASCII
names. A file appears only once it is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.zone import TIME_ZONE_KEY
from crmdesk.domain.csvsafe import FORMULA_START, write_csv
from crmdesk.domain.timezones import local_timezone_name, valid_zone
from crmdesk.portability import PortabilityError
from crmdesk.portability.dump import atomic_output

ENTITIES = ("deals", "customers", "contacts", "activities")
FORMATS = ("csv", "xlsx")
#: Rows of one XLSX sheet, the header included.
XLSX_MAX_ROWS = 1_048_576
Kind = Literal["int", "text", "money", "datetime", "date"]

_STATUS = {"open": "Open", "won": "Won", "lost": "Lost"}
_ACTIVITY_KINDS = {
    "call": "Call",
    "meeting": "Meeting",
    "email": "E-mail",
    "task": "Task",
    "note": "Note",
}
_NUMBER_FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "date": "yyyy-mm-dd",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    """One entity's rows with typed values: ``int``, ``str``, ``Decimal``, a naive local
    ``datetime``, a ``date`` or None."""

    entity: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    tz: str


@dataclass(frozen=True)
class _Field:
    """A column and where its values come from: one expression, shown as it is or
    through ``shown`` (a value map); or a name and its translations (two expressions),
    shown in the export's language."""

    column: Column
    exprs: tuple[Any, ...]
    shown: dict[str, str] | None = None

    def value(self, values: tuple[Any, ...], lang: str | None) -> Any:
        if len(values) == 2:
            return _label(values[0], values[1], lang)
        (v,) = values
        return self.shown.get(v, v) if self.shown is not None else v


def _field(
    header: str, kind: Kind, width: int, *exprs: Any, shown: dict[str, str] | None = None
) -> _Field:
    return _Field(Column(header, kind, width), exprs, shown)


#: A sheet's title, its fields, and its query (the fields' expressions, in order).
_Built = tuple[str, list[_Field], Select[Any]]


def _select(fields: list[_Field]) -> Select[Any]:
    return select(*(e for f in fields for e in f.exprs))


@dataclass(frozen=True)
class ExportResult:
    entity: str
    path: Path
    format: str
    rows: int
    tz: str


def _label(name: str | None, names: dict[str, str] | None, lang: str | None) -> str | None:
    if name is None:
        return None
    if lang and names and names.get(lang):
        return names[lang]
    return name


def _zone(db: Database, tz: str | None) -> str:
    if tz is not None:
        if not valid_zone(tz):
            raise PortabilityError(f"unknown time zone {tz!r}", reason="time_zone")
        return tz
    with db.read() as s:
        row = s.get(m.Setting, TIME_ZONE_KEY)
    team = row.value if row is not None else None
    return team if team and valid_zone(team) else local_timezone_name()


def _deals(tz: str) -> _Built:
    d = m.Deal
    owner, stage, pipe = aliased(m.User), aliased(m.Stage), aliased(m.Pipeline)
    cust, contact = aliased(m.Customer), aliased(m.Contact)
    src, reason = aliased(m.LeadSource), aliased(m.LostReason)
    fields = [
        _field("ID", "int", 8, d.id),
        _field("Title", "text", 36, d.title),
        _field("Customer", "text", 28, cust.company),
        _field("Contact", "text", 22, contact.name),
        _field("Owner", "text", 20, owner.name),
        _field("Pipeline", "text", 16, pipe.name, pipe.names),
        _field("Stage", "text", 18, stage.name, stage.names),
        _field("Status", "text", 9, stage.kind, shown=_STATUS),
        _field("Amount", "money", 14, d.amount),
        _field("Currency", "text", 9, d.currency),
        _field("Expected close", "date", 14, d.expected_close),
        _field("Source", "text", 16, src.name, src.names),
        _field("Lost reason", "text", 20, reason.name, reason.names),
        _field(f"Created ({tz})", "datetime", 20, d.created_at),
        _field(f"Stage entered ({tz})", "datetime", 20, d.stage_entered_at),
        _field(f"Closed ({tz})", "datetime", 20, d.closed_at),
        _field(f"Last activity ({tz})", "datetime", 20, d.last_activity_at),
        _field(f"Next due ({tz})", "datetime", 20, d.next_due_at),
        _field("External ref", "text", 16, d.external_ref),
        _field("Notes", "text", 40, d.notes),
        _field(f"Updated ({tz})", "datetime", 20, d.updated_at),
    ]
    stmt = (
        _select(fields)
        .join(owner, owner.id == d.owner_id)
        .join(stage, stage.id == d.stage_id)
        .join(pipe, pipe.id == d.pipeline_id)
        .outerjoin(cust, cust.id == d.customer_id)
        .outerjoin(contact, contact.id == d.contact_id)
        .outerjoin(src, src.id == d.source_id)
        .outerjoin(reason, reason.id == d.lost_reason_id)
        .order_by(d.id)
    )
    return "Deals", fields, stmt


def _customers(tz: str) -> _Built:
    c = m.Customer
    owner, src = aliased(m.User), aliased(m.LeadSource)
    fields = [
        _field("ID", "int", 8, c.id),
        _field("Company", "text", 30, c.company),
        _field("Industry", "text", 18, c.industry),
        _field("Owner", "text", 20, owner.name),
        _field("Source", "text", 16, src.name, src.names),
        _field("Phone", "text", 18, c.phone),
        _field("E-mail", "text", 28, c.email),
        _field("Website", "text", 28, c.website),
        _field("Address", "text", 36, c.address),
        _field("External ref", "text", 16, c.external_ref),
        _field("Notes", "text", 40, c.notes),
        _field(f"Created ({tz})", "datetime", 20, c.created_at),
        _field(f"Updated ({tz})", "datetime", 20, c.updated_at),
    ]
    stmt = (
        _select(fields)
        .outerjoin(owner, owner.id == c.owner_id)
        .outerjoin(src, src.id == c.source_id)
        .order_by(c.id)
    )
    return "Customers", fields, stmt


def _contacts(tz: str) -> _Built:
    k = m.Contact
    cust = aliased(m.Customer)
    fields = [
        _field("ID", "int", 8, k.id),
        _field("Customer", "text", 30, cust.company),
        _field("Name", "text", 24, k.name),
        _field("Job title", "text", 20, k.title),
        _field("Phone", "text", 18, k.phone),
        _field("E-mail", "text", 28, k.email),
        _field("Notes", "text", 40, k.notes),
        _field(f"Created ({tz})", "datetime", 20, k.created_at),
    ]
    stmt = _select(fields).join(cust, cust.id == k.customer_id).order_by(k.id)
    return "Contacts", fields, stmt


def _activities(tz: str) -> _Built:
    a = m.Activity
    owner, deal, cust = aliased(m.User), aliased(m.Deal), aliased(m.Customer)
    fields = [
        _field("ID", "int", 8, a.id),
        _field("Kind", "text", 9, a.kind, shown=_ACTIVITY_KINDS),
        _field("Subject", "text", 36, a.subject),
        _field("Owner", "text", 20, owner.name),
        _field("Deal", "text", 30, deal.title),
        _field("Customer", "text", 28, cust.company),
        _field(f"Due ({tz})", "datetime", 20, a.due_at),
        _field(f"Done ({tz})", "datetime", 20, a.done_at),
        _field("Notes", "text", 40, a.notes),
        _field(f"Created ({tz})", "datetime", 20, a.created_at),
    ]
    stmt = (
        _select(fields)
        .join(owner, owner.id == a.owner_id)
        .outerjoin(deal, deal.id == a.deal_id)
        .outerjoin(cust, cust.id == a.customer_id)
        .order_by(a.id)
    )
    return "Activities", fields, stmt


_BUILDERS = {
    "deals": _deals,
    "customers": _customers,
    "contacts": _contacts,
    "activities": _activities,
}


def entity_sheet(
    db: Database, entity: str, *, tz: str | None = None, lang: str | None = None
) -> Sheet:
    """Every record of ``entity`` (deals, customers, contacts or activities) as typed
    rows, times local to ``tz`` (default: the team's time zone). ``lang`` picks the
    translated pipeline, stage, source and lost-reason names (default: their names)."""
    if entity not in _BUILDERS:
        raise PortabilityError(
            f"unknown data {entity!r} (choose {', '.join(ENTITIES[:-1])} or {ENTITIES[-1]})",
            reason="entity",
        )
    zone_name = _zone(db, tz)
    zone = ZoneInfo(zone_name)
    title, fields, stmt = _BUILDERS[entity](zone_name)
    columns = [f.column for f in fields]
    # Where each field's values start in a result row.
    starts = [0]
    for f in fields:
        starts.append(starts[-1] + len(f.exprs))
    rows: list[list[Any]] = []
    with db.read() as s:
        for r in s.execute(stmt):
            values = []
            for f, at, end in zip(fields, starts, starts[1:], strict=False):
                v = f.value(tuple(r[at:end]), lang)
                if f.column.kind == "datetime" and v is not None:
                    v = v.astimezone(zone).replace(tzinfo=None, microsecond=0)
                values.append(v)
            rows.append(values)
    return Sheet(entity=entity, title=title, columns=columns, rows=rows, tz=zone_name)


# --- writing -----------------------------------------------------------------------------


def _csv_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "money":
        return format(Decimal(value).quantize(Decimal("0.01")), "f")
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if kind == "date":
        return value.isoformat()
    return value


#: A progress callback: (rows done, rows in all); it may raise to stop the export.
Progress = Callable[[int, int], None]
#: Rows between two progress reports.
PROGRESS_EVERY = 1_000


def _counted(rows: list[list[Any]], progress: Progress | None) -> Iterator[list[Any]]:
    """The rows, telling ``progress`` every :data:`PROGRESS_EVERY` of them."""
    total = len(rows)
    for i, row in enumerate(rows):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress(i, total)
        yield row
    if progress is not None:
        progress(total, total)


def write_csv_file(sheet: Sheet, path: Path, progress: Progress | None = None) -> None:
    """The sheet as CSV (UTF-8 with BOM), formula-looking text neutralised."""
    kinds = [c.kind for c in sheet.columns]
    body = write_csv(
        (
            [_csv_value(k, v) for k, v in zip(kinds, row, strict=True)]
            for row in _counted(sheet.rows, progress)
        ),
        [c.header for c in sheet.columns],
    )
    with atomic_output(path) as temp:
        temp.write_text(body, encoding="utf-8-sig", newline="")


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def write_xlsx_file(sheet: Sheet, path: Path, progress: Progress | None = None) -> None:
    """The sheet as an XLSX workbook: typed cells, a bold frozen header with filters,
    and no cell that is a formula."""
    if len(sheet.rows) >= XLSX_MAX_ROWS:
        raise PortabilityError(
            f"{len(sheet.rows):,} {sheet.entity} do not fit one XLSX sheet (at most "
            f"{XLSX_MAX_ROWS - 1:,} rows); export them as CSV",
            reason="too_many_rows",
        )
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet.title)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(sheet.columns))
    ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    for i, col in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(col.width, len(col.header) + 2)
    bold = Font(bold=True)
    header = []
    for col in sheet.columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    kinds = [c.kind for c in sheet.columns]

    def cell_of(kind: Kind, value: Any) -> Any:
        if value is None or kind == "int":
            return value
        if kind == "text":
            text = _xlsx_text(str(value))
            if not text.startswith(FORMULA_START):
                return text  # plain text: openpyxl makes a formula only of "=..."
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # never "f": text stays text, whatever it starts with
            cell.quotePrefix = True
            return cell
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = _NUMBER_FORMATS[kind]
        return cell

    for row in _counted(sheet.rows, progress):
        ws.append([cell_of(k, v) for k, v in zip(kinds, row, strict=True)])
    with atomic_output(path) as temp:
        wb.save(temp)


def format_of(path: Path, fmt: str | None) -> str:
    """The export format: ``fmt`` when given, else from the file name's ending."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise PortabilityError(f"unknown format {fmt!r} (choose csv or xlsx)", reason="format")
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise PortabilityError(
        f"cannot tell the format from the name {path.name!r}; end it in .csv or .xlsx "
        "or give --format",
        reason="format",
    )


def export_entities(
    db: Database,
    entity: str,
    path: Path | str,
    *,
    fmt: str | None = None,
    tz: str | None = None,
    lang: str | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write every ``entity`` record (deals, customers, contacts, activities) to ``path``
    as CSV or XLSX (``fmt``, or from the name); see the module docstring.

    ``progress(done, total)`` hears (0, 0) while the records are read, then the rows
    written; an exception it raises stops the export and leaves no file."""
    path = Path(path)
    kind = format_of(path, fmt)
    if path.is_dir():
        raise PortabilityError(f"{path} is a folder", reason="is_folder")
    if not path.parent.is_dir():
        raise PortabilityError(f"no such folder: {path.parent}", reason="no_folder")
    if progress is not None:
        progress(0, 0)
    sheet = entity_sheet(db, entity, tz=tz, lang=lang)
    try:
        if kind == "csv":
            write_csv_file(sheet, path, progress)
        else:
            write_xlsx_file(sheet, path, progress)
    except OSError as exc:
        raise PortabilityError(
            f"cannot write {path}: {exc.strerror or exc}", reason="write_failed"
        ) from exc
    return ExportResult(entity=entity, path=path, format=kind, rows=len(sheet.rows), tz=sheet.tz)
