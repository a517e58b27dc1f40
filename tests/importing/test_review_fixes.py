"""Cells and files that were taken wrongly or crashed the importer, each now refused
with a clear message (or read right), nothing written. Found by reading the importer
against hostile input."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from crmdesk.db.engine import Database
from crmdesk.importing import ImportFileError, MappingError, parse_mapping, run_import
from crmdesk.importing.messages import describe
from crmdesk.importing.values import CellError, read_amount

from ._helpers import DEALS_HEADER, DEALS_TOML, as_money, counts, deal_by_ref, write

UTC_TOML = DEALS_TOML + '\n[dates]\ntime_zone = "UTC"\n'


@pytest.mark.parametrize(
    ("cell", "decimal", "code"),
    [
        ("$", ".", "bad_number"),  # only a currency sign: it raised IndexError
        ("USD", ".", "bad_number"),
        ("元", ".", "bad_number"),
        ("1,5", ".", "bad_number"),  # was 15.00
        ("12,34,5", ".", "bad_number"),  # was 12345
        ("1.5", ",", "bad_number"),  # was 15
        ("1,234.5.6", ".", "bad_number"),
    ],
)
def test_amounts_that_are_no_clear_number_are_refused(cell: str, decimal: str, code: str) -> None:
    with pytest.raises(CellError) as exc:
        read_amount(cell, decimal)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("cell", "decimal", "amount"),
    [
        ("1,234.50", ".", "1234.50"),
        ("1,234,567.5", ".", "1234567.50"),
        ("$1,200", ".", "1200.00"),
        ("1,200元", ".", "1200.00"),
        ("1.234,56", ",", "1234.56"),
        ("1 234,56", ",", "1234.56"),
        ("1.234.567", ",", "1234567.00"),
        ("1234,5", ",", "1234.50"),
    ],
)
def test_grouped_amounts_still_read(cell: str, decimal: str, amount: str) -> None:
    assert read_amount(cell, decimal) == Decimal(amount)


def test_a_workbook_number_keeps_its_value_with_a_decimal_comma(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(DEALS_HEADER.strip().split(","))
    ws.append(["X1", "Deal", "Acme", "Ann Lee", "Won", 1054.5, datetime(2017, 1, 2),
               datetime(2017, 2, 1), None])  # fmt: skip
    path = tmp_path / "deals.xlsx"
    wb.save(path)
    toml = UTC_TOML + '\n[numbers]\ndecimal = ","\n'
    result = run_import(db, "deals", path, parse_mapping(toml), by=admin_id)
    assert result.written and result.ok, result.summary()
    assert as_money(deal_by_ref(db, "X1").amount) == Decimal("1054.50")  # not 10545


def test_a_quote_never_closed_is_refused_with_its_line(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    body = (
        "D1,Router,Acme,Ann Lee,Prospecting,100,2017-01-10,,\n"
        'D2,"Switches 5 inch,Acme,Ann Lee,Prospecting,200,2017-01-10,,\n'
        "D3,Firewall,Acme,Ann Lee,Prospecting,300,2017-01-10,,\n"
    )
    path = write(tmp_path, "deals.csv", DEALS_HEADER + body)
    before = counts(db)
    for dry in (True, False):
        with pytest.raises(ImportFileError) as exc:
            run_import(db, "deals", path, parse_mapping(UTC_TOML), by=admin_id, dry_run=dry)
        assert exc.value.code == "file_bad_csv" and exc.value.params["line"] == 3
    assert counts(db) == before


def test_dates_far_outside_a_crms_years_are_row_errors(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    """Year 1 in Shanghai and 9999 in New York overflowed the zone shift (an unhandled
    OverflowError); year 1 in UTC was stored."""
    body = (
        "D1,Router,Acme,Ann Lee,Prospecting,100,0001-01-01,,\n"
        "D2,Switches,Acme,Ann Lee,Won,200,2017-01-10,9999-12-31,\n"
        "D3,Firewall,Acme,Ann Lee,Prospecting,300,1899-12-31,,\n"
    )
    path = write(tmp_path, "deals.csv", DEALS_HEADER + body)
    before = counts(db)
    for zone in ("Asia/Shanghai", "America/New_York", "UTC"):
        toml = DEALS_TOML + f'\n[dates]\ntime_zone = "{zone}"\n'
        result = run_import(db, "deals", path, parse_mapping(toml), by=admin_id)
        assert not result.written
        assert [(e.line, e.column, e.code) for e in result.errors] == [
            (2, "Created", "date_out_of_range"),
            (3, "Closed", "date_out_of_range"),
            (4, "Created", "date_out_of_range"),
        ], zone
        assert describe(result.errors[0].code, result.errors[0].params) == (
            "'0001-01-01' is not between the years 1900 and 2099"
        )
    assert counts(db) == before


@pytest.mark.parametrize("codec", ["base64", "rot13", "hex"])
def test_a_codec_that_is_no_text_encoding_is_a_mapping_error(codec: str) -> None:
    with pytest.raises(MappingError) as exc:
        parse_mapping(UTC_TOML + f'\n[file]\nencoding = "{codec}"\n')
    assert exc.value.code == "mapping_bad_encoding"


def test_the_header_row_counts_lines_of_the_file(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    """A title with a quoted two-line cell above the header: header_row 4 is line 4."""
    text = (
        '"Pipeline export\nfrom OtherCRM",\n'
        "generated 2025-01-01,\n"
        + DEALS_HEADER
        + "D1,Router,Acme,Ann Lee,Prospecting,100,2017-01-10,,\n"
    )
    path = write(tmp_path, "deals.csv", text)
    toml = UTC_TOML.replace('key = "Deal ID"', 'key = "Deal ID"\n\n[file]\nheader_row = 4', 1)
    result = run_import(db, "deals", path, parse_mapping(toml), by=admin_id)
    assert result.written and result.ok, result.summary()
    assert [line for line in result.created] == [5]


def test_a_windows_1252_file_is_not_read_as_chinese(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    """Excel's plain "CSV" on a Western Windows writes Windows-1252. Such a file also
    decodes as GB18030 ("Müller" as "M黮ler"), and was imported as that; it is now the
    clear encoding error (name the encoding in the mapping), and nothing is written."""
    body = (
        "D1,Küchenplanung,Müller GmbH,Ann Lee,Prospecting,100,2017-01-10,,\n"
        "D2,Café équipement,Société Générale,Ann Lee,Prospecting,200,2017-01-10,,\n"
    )
    path = write(tmp_path, "deals.csv", DEALS_HEADER + body, encoding="cp1252")
    before = counts(db)
    with pytest.raises(ImportFileError) as exc:
        run_import(db, "deals", path, parse_mapping(UTC_TOML), by=admin_id)
    assert exc.value.code == "file_encoding" and exc.value.params["line"] == 2
    assert counts(db) == before
    # Named in the mapping, it reads right.
    toml = UTC_TOML + '\n[file]\nencoding = "cp1252"\n'
    result = run_import(db, "deals", path, parse_mapping(toml), by=admin_id)
    assert result.written and result.ok, result.summary()
    assert deal_by_ref(db, "D1").title == "Küchenplanung"


def test_a_new_company_named_with_and_without_its_ref_is_one_customer(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    """Row 2 makes Acme with the ref C1, row 3 names Acme alone: one new customer, not
    two (which made every later import of "Acme" ambiguous). Two new Betas with their
    own refs make a row naming "Beta" alone ambiguous."""
    toml = UTC_TOML.replace('Company = "customer"', 'Company = "customer"\nRef = "customer_ref"')
    header = DEALS_HEADER.replace("Company,", "Company,Ref,")
    body = (
        "D1,Router,Acme,C1,Ann Lee,Prospecting,100,2017-01-10,,\n"
        "D2,Switches,Acme,,Ann Lee,Prospecting,200,2017-01-10,,\n"
        "D3,Firewall,Beta,B1,Ann Lee,Prospecting,300,2017-01-10,,\n"
        "D4,Cables,Beta,B2,Ann Lee,Prospecting,400,2017-01-10,,\n"
        "D5,Racks,Beta,,Ann Lee,Prospecting,500,2017-01-10,,\n"
    )
    path = write(tmp_path, "deals.csv", header + body)
    result = run_import(db, "deals", path, parse_mapping(toml), by=admin_id, dry_run=True)
    assert [(e.line, e.code) for e in result.errors] == [(6, "ambiguous_customer")]
    assert sorted(result.new_records["customer"]) == ["Acme", "Beta", "Beta"]
    result = run_import(db, "deals", path, parse_mapping(toml), by=admin_id, skip_bad_rows=True)
    assert result.written and result.created == (2, 3, 4, 5)
    assert deal_by_ref(db, "D1").customer_id == deal_by_ref(db, "D2").customer_id
