"""crmdesk.portability.export: deals, customers, contacts and activities as CSV and XLSX.

The files are read back (csv module, openpyxl) and checked cell by cell: readable
headers, names instead of ids, local ISO times in the team's zone, amounts as plain
decimals in CSV and numbers in XLSX, and text that looks like a formula neutralised
in CSV and kept as text (never a formula) in XLSX.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from crmdesk.db.engine import Database
from crmdesk.portability import PortabilityError
from crmdesk.portability.export import ENTITIES, entity_sheet, export_entities
from crmdesk.services import deals

from ._helpers import FORMULA_COMPANY, FORMULA_TITLE, ZONE, count_rows, fill

TABLES = {"deals": "deals", "customers": "customers", "contacts": "contacts"}
TABLES["activities"] = "activities"


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _local(value: datetime) -> str:
    return value.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M:%S")


def test_deals_csv_names_local_times_plain_amounts_and_escaped_formulas(
    db: Database, tmp_path: Path
) -> None:
    ids = fill(db)
    result = export_entities(db, "deals", tmp_path / "deals.csv")
    assert result.format == "csv" and result.tz == ZONE
    rows = _csv(tmp_path / "deals.csv")
    assert len(rows) == result.rows == count_rows(db, "deals")
    assert list(rows[0])[:10] == [
        "ID",
        "Title",
        "Customer",
        "Contact",
        "Owner",
        "Pipeline",
        "Stage",
        "Status",
        "Amount",
        "Currency",
    ]
    row = next(r for r in rows if r["ID"] == str(ids["deal"]))
    deal = deals.get_deal(db, ids["deal"])
    assert row["Title"] == "'" + FORMULA_TITLE  # neutralised: a spreadsheet shows text
    assert row["Customer"] == "'" + FORMULA_COMPANY
    assert row["Contact"] == "'-Dash Person"
    assert row["Owner"] == "Mia Müller"
    assert (row["Pipeline"], row["Stage"], row["Status"]) == ("Sales", "Won", "Won")
    assert row["Amount"] == "2345.67"
    assert row["Expected close"] == "2026-05-15"
    assert row[f"Created ({ZONE})"] == _local(deal.created_at)
    assert row[f"Closed ({ZONE})"] == _local(deal.closed_at)  # type: ignore[arg-type]
    assert row["Notes"] == "'+ call back tomorrow"
    assert all(r["Amount"] and "e" not in r["Amount"] for r in rows)


def test_deals_xlsx_has_typed_cells_and_no_formula_anywhere(db: Database, tmp_path: Path) -> None:
    ids = fill(db)
    path = tmp_path / "deals.xlsx"
    export_entities(db, "deals", path)
    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    ws = load_workbook(path)["Deals"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["ID", "Title", "Customer"]
    assert ws["A1"].font.bold
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    col = {name: i for i, name in enumerate(header)}
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == ids["deal"])
    deal = deals.get_deal(db, ids["deal"])
    title = row[col["Title"]]
    assert title.value == FORMULA_TITLE and title.data_type == "s" and title.quotePrefix
    assert row[col["Customer"]].value == FORMULA_COMPANY
    amount = row[col["Amount"]]
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("2345.67")
    assert amount.number_format == "#,##0.00"
    created = row[col[f"Created ({ZONE})"]]
    assert created.is_date
    assert created.value == deal.created_at.astimezone(ZoneInfo(ZONE)).replace(
        tzinfo=None, microsecond=0
    )
    expected_close = row[col["Expected close"]].value
    assert expected_close.date().isoformat() == "2026-05-15"
    assert ws.max_row == count_rows(db, "deals") + 1


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_entity_in_both_formats_has_one_row_per_record(
    db: Database, tmp_path: Path, entity: str, fmt: str
) -> None:
    fill(db)
    path = tmp_path / f"{entity}.{fmt}"
    result = export_entities(db, entity, path)
    expected = count_rows(db, TABLES[entity])
    assert result.rows == expected
    if fmt == "csv":
        rows = _csv(path)
        assert len(rows) == expected
        ids = [int(r["ID"]) for r in rows]
    else:
        ws = load_workbook(path).worksheets[0]
        assert ws.title == entity.capitalize()
        ids = [r[0].value for r in ws.iter_rows(min_row=2)]
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    assert ids == sorted(ids) and len(set(ids)) == expected


def test_customers_contacts_and_activities_resolve_names(db: Database, tmp_path: Path) -> None:
    ids = fill(db)
    customers = _csv(export_entities(db, "customers", tmp_path / "c.csv").path)
    row = next(r for r in customers if r["ID"] == str(ids["customer"]))
    assert row["Company"] == "'" + FORMULA_COMPANY
    assert row["Industry"] == "'+Retail"
    assert row["Phone"] == "'+1 555 0100"
    assert row["Owner"] == "Mia Müller"
    assert row["Notes"] == "line one\nline two\x01with a control character"
    contacts = _csv(export_entities(db, "contacts", tmp_path / "k.csv").path)
    row = next(r for r in contacts if r["Name"] == "'-Dash Person")
    assert row["Customer"] == "'" + FORMULA_COMPANY
    assert row["Phone"] == "-42"  # a plain number stays a number
    assert row["Job title"] == "'@Buyer"
    acts = _csv(export_entities(db, "activities", tmp_path / "a.csv").path)
    call = next(r for r in acts if r["Subject"] == "'@mention call")
    assert call["Kind"] == "Call" and call["Deal"] == "'" + FORMULA_TITLE
    task = next(r for r in acts if r["Subject"] == "Send the contract")
    assert task[f"Done ({ZONE})"] == "" and task[f"Due ({ZONE})"]


def test_xlsx_replaces_characters_it_cannot_hold(db: Database, tmp_path: Path) -> None:
    ids = fill(db)
    path = export_entities(db, "customers", tmp_path / "c.xlsx").path
    ws = load_workbook(path)["Customers"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == ids["customer"])
    assert row[header.index("Notes")].value == "line one\nline two\ufffdwith a control character"


def test_another_time_zone_and_translated_names(db: Database, tmp_path: Path) -> None:
    ids = fill(db)
    sheet = entity_sheet(db, "deals", tz="Asia/Shanghai", lang="zh_CN")
    assert sheet.tz == "Asia/Shanghai"
    created_header = next(c.header for c in sheet.columns if c.header.startswith("Created"))
    assert created_header == "Created (Asia/Shanghai)"
    row = next(r for r in sheet.rows if r[0] == ids["deal"])
    deal = deals.get_deal(db, ids["deal"])
    at = [c.header for c in sheet.columns].index(created_header)
    assert row[at] == deal.created_at.astimezone(ZoneInfo("Asia/Shanghai")).replace(
        tzinfo=None, microsecond=0
    )
    assert row[6] == "赢单"  # the stage's Chinese name


def test_bad_requests_are_refused_without_a_file(db: Database, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    cases = [
        ("widgets", tmp_path / "w.csv", {}, "unknown data 'widgets'"),
        ("deals", tmp_path / "d.txt", {}, "cannot tell the format"),
        ("deals", tmp_path / "d.csv", {"fmt": "pdf"}, "unknown format 'pdf'"),
        ("deals", tmp_path / "d.csv", {"tz": "Mars/Base"}, "unknown time zone"),
        ("deals", tmp_path / "no" / "d.csv", {}, "no such folder"),
        ("deals", tmp_path, {"fmt": "csv"}, "is a folder"),
    ]
    for entity, path, options, match in cases:
        with pytest.raises(PortabilityError, match=match):
            export_entities(db, entity, path, **options)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
