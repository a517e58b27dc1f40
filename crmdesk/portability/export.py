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


#: A sheet's title, columns, query, and the function that turns a result row into values.
_Built = tuple[str, list["Column"], Select[Any], Callable[[Any], list[Any]]]


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


def _deals(tz: str, lang: str | None) -> _Built:
    d = m.Deal
    owner, stage, pipe = aliased(m.User), aliased(m.Stage), aliased(m.Pipeline)
    cust, contact = aliased(m.Customer), aliased(m.Contact)
    src, reason = aliased(m.LeadSource), aliased(m.LostReason)
    stmt = (
        select(
            d.id,
            d.title,
            cust.company,
            contact.name,
            owner.name,
            pipe.name,
            pipe.names,
            stage.name,
            stage.names,
            stage.kind,
            d.amount,
            d.currency,
            d.expected_close,
            src.name,
            src.names,
            reason.name,
            reason.names,
            d.created_at,
            d.stage_entered_at,
            d.closed_at,
            d.last_activity_at,
            d.next_due_at,
            d.external_ref,
            d.notes,
            d.updated_at,
        )
        .join(owner, owner.id == d.owner_id)
        .join(stage, stage.id == d.stage_id)
        .join(pipe, pipe.id == d.pipeline_id)
        .outerjoin(cust, cust.id == d.customer_id)
        .outerjoin(contact, contact.id == d.contact_id)
        .outerjoin(src, src.id == d.source_id)
        .outerjoin(reason, reason.id == d.lost_reason_id)
        .order_by(d.id)
    )
    columns = [
        Column("ID", "int", 8),
        Column("Title", "text", 36),
        Column("Customer", "text", 28),
        Column("Contact", "text", 22),
        Column("Owner", "text", 20),
        Column("Pipeline", "text", 16),
        Column("Stage", "text", 18),
        Column("Status", "text", 9),
        Column("Amount", "money", 14),
        Column("Currency", "text", 9),
        Column("Expected close", "date", 14),
        Column("Source", "text", 16),
        Column("Lost reason", "text", 20),
        Column(f"Created ({tz})", "datetime", 20),
        Column(f"Stage entered ({tz})", "datetime", 20),
        Column(f"Closed ({tz})", "datetime", 20),
        Column(f"Last activity ({tz})", "datetime", 20),
        Column(f"Next due ({tz})", "datetime", 20),
        Column("External ref", "text", 16),
        Column("Notes", "text", 40),
        Column(f"Updated ({tz})", "datetime", 20),
    ]

    def row(r: Any) -> list[Any]:
        return [
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            _label(r[5], r[6], lang),
            _label(r[7], r[8], lang),
            _STATUS.get(r[9], r[9]),
            r[10],
            r[11],
            r[12],
            _label(r[13], r[14], lang),
            _label(r[15], r[16], lang),
            *r[17:22],
            r[22],
            r[23],
            r[24],
        ]

    return "Deals", columns, stmt, row


def _customers(tz: str, lang: str | None) -> _Built:
    c = m.Customer
    owner, src = aliased(m.User), aliased(m.LeadSource)
    stmt = (
        select(
            c.id,
            c.company,
            c.industry,
            owner.name,
            src.name,
            src.names,
            c.phone,
            c.email,
            c.website,
            c.address,
            c.external_ref,
            c.notes,
            c.created_at,
            c.updated_at,
        )
        .outerjoin(owner, owner.id == c.owner_id)
        .outerjoin(src, src.id == c.source_id)
        .order_by(c.id)
    )
    columns = [
        Column("ID", "int", 8),
        Column("Company", "text", 30),
        Column("Industry", "text", 18),
        Column("Owner", "text", 20),
        Column("Source", "text", 16),
        Column("Phone", "text", 18),
        Column("E-mail", "text", 28),
        Column("Website", "text", 28),
        Column("Address", "text", 36),
        Column("External ref", "text", 16),
        Column("Notes", "text", 40),
        Column(f"Created ({tz})", "datetime", 20),
        Column(f"Updated ({tz})", "datetime", 20),
    ]

    def row(r: Any) -> list[Any]:
        return [*r[0:4], _label(r[4], r[5], lang), *r[6:14]]

    return "Customers", columns, stmt, row


def _contacts(tz: str, lang: str | None) -> _Built:
    k = m.Contact
    cust = aliased(m.Customer)
    stmt = (
        select(k.id, cust.company, k.name, k.title, k.phone, k.email, k.notes, k.created_at)
        .join(cust, cust.id == k.customer_id)
        .order_by(k.id)
    )
    columns = [
        Column("ID", "int", 8),
        Column("Customer", "text", 30),
        Column("Name", "text", 24),
        Column("Job title", "text", 20),
        Column("Phone", "text", 18),
        Column("E-mail", "text", 28),
        Column("Notes", "text", 40),
        Column(f"Created ({tz})", "datetime", 20),
    ]
    return "Contacts", columns, stmt, list


def _activities(tz: str, lang: str | None) -> _Built:
    a = m.Activity
    owner, deal, cust = aliased(m.User), aliased(m.Deal), aliased(m.Customer)
    stmt = (
        select(
            a.id,
            a.kind,
            a.subject,
            owner.name,
            deal.title,
            cust.company,
            a.due_at,
            a.done_at,
            a.notes,
            a.created_at,
        )
        .join(owner, owner.id == a.owner_id)
        .outerjoin(deal, deal.id == a.deal_id)
        .outerjoin(cust, cust.id == a.customer_id)
        .order_by(a.id)
    )
    columns = [
        Column("ID", "int", 8),
        Column("Kind", "text", 9),
        Column("Subject", "text", 36),
        Column("Owner", "text", 20),
        Column("Deal", "text", 30),
        Column("Customer", "text", 28),
        Column(f"Due ({tz})", "datetime", 20),
        Column(f"Done ({tz})", "datetime", 20),
        Column("Notes", "text", 40),
        Column(f"Created ({tz})", "datetime", 20),
    ]

    def row(r: Any) -> list[Any]:
        return [r[0], _ACTIVITY_KINDS.get(r[1], r[1]), *r[2:]]

    return "Activities", columns, stmt, row


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
    title, columns, stmt, shape = _BUILDERS[entity](zone_name, lang)
    kinds = [c.kind for c in columns]
    rows: list[list[Any]] = []
    with db.read() as s:
        for r in s.execute(stmt):
            values = shape(r)
            for i, kind in enumerate(kinds):
                v = values[i]
                if kind == "datetime" and v is not None:
                    values[i] = v.astimezone(zone).replace(tzinfo=None, microsecond=0)
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
