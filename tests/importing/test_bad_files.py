"""The bad input of the issue: each file gives a clear error and writes nothing, on both
databases; and random bytes (hypothesis) never crash the importer or leave half an
import behind."""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crmdesk.db.engine import Database
from crmdesk.importing import ImportFileError, MappingError, parse_mapping, run_import

from ._helpers import DEALS_HEADER, counts, rows, snapshot, write
from .test_deals import GOOD, UTC_TOML

MAPPING = parse_mapping(UTC_TOML)


def _wrong_encoding(folder: Path) -> Path:
    return write(
        folder,
        "latin1.csv",
        (DEALS_HEADER + GOOD).replace("Acme", "Café Ñandú"),
        encoding="latin-1",
    )


def _missing_columns(folder: Path) -> Path:
    return write(folder, "cols.csv", "Deal ID,Title,Company\nD1,x,Acme\n")


def _bad_dates(folder: Path) -> Path:
    return write(
        folder, "dates.csv", DEALS_HEADER + GOOD + "D5,x,Acme,Ann,Won,1,2017-13-01,01/02/2017,\n"
    )


def _negative_amount(folder: Path) -> Path:
    return write(
        folder, "neg.csv", DEALS_HEADER + GOOD + "D5,x,Acme,Ann,Won,-100,2017-01-01,2017-02-01,\n"
    )


def _text_amount(folder: Path) -> Path:
    return write(
        folder, "nan.csv", DEALS_HEADER + GOOD + "D5,x,Acme,Ann,Won,lots,2017-01-01,2017-02-01,\n"
    )


def _huge_cell(folder: Path) -> Path:
    big = "x" * 1_048_576
    return write(folder, "big.csv", DEALS_HEADER + GOOD + f'D5,"{big}",Acme,Ann,Won,1,,,\n')


def _xlsx(folder: Path, name: str, *, sheets: int = 1, merge: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(DEALS_HEADER.strip().split(","))
    for line in GOOD.splitlines():
        ws.append(line.split(","))
    if merge:
        ws.merge_cells("B2:C2")
    for i in range(1, sheets):
        wb.create_sheet(f"Sheet{i + 1}")
    path = folder / name
    wb.save(path)
    return path


def _several_sheets(folder: Path) -> Path:
    return _xlsx(folder, "sheets.xlsx", sheets=3)


def _merged_cells(folder: Path) -> Path:
    return _xlsx(folder, "merged.xlsx", merge=True)


def _empty(folder: Path) -> Path:
    return write(folder, "empty.csv", b"")


def _binary(folder: Path) -> Path:
    data = random.Random(7).randbytes(4096)
    return write(folder, "photo.csv", data)


def _png(folder: Path) -> Path:
    return write(folder, "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))


FILE_ERRORS: list[tuple[Callable[[Path], Path], str, str]] = [
    (_wrong_encoding, "file_encoding", "Cannot tell the encoding"),
    (_missing_columns, "file_missing_columns", '"Owner", "Stage", "Amount"'),
    (_huge_cell, "file_cell_too_large", 'Line 6, column "Title": the cell holds 1,048,576'),
    (_several_sheets, "xlsx_several_sheets", 'The workbook has 3 sheets ("Sheet", "Sheet2"'),
    (_merged_cells, "xlsx_merged_cells", "merged cells (B2:C2)"),
    (_empty, "file_empty", "The file is empty"),
    (_binary, "file_binary", "not a text (CSV) file"),
    (_png, "file_other_format", "a PNG image file"),
]


@pytest.mark.parametrize(("make", "code", "words"), FILE_ERRORS, ids=[c for _, c, _ in FILE_ERRORS])
def test_bad_files_give_a_clear_error_and_write_nothing(
    db: Database, admin_id: int, tmp_path: Path, make: Callable[[Path], Path], code: str, words: str
) -> None:
    path = make(tmp_path)
    before = snapshot(db)
    for dry in (True, False):
        with pytest.raises(ImportFileError) as err:
            run_import(db, "deals", path, MAPPING, by=admin_id, dry_run=dry)
        assert err.value.code == code
        assert words in str(err.value)
    assert snapshot(db) == before


ROW_ERRORS = [
    (_bad_dates, [("Created", "bad_date"), ("Closed", "bad_date")]),
    (_negative_amount, [("Amount", "negative")]),
    (_text_amount, [("Amount", "bad_number")]),
]


@pytest.mark.parametrize(("make", "expected"), ROW_ERRORS, ids=["dates", "negative", "text"])
def test_bad_values_are_row_errors_and_nothing_is_written(
    db: Database, admin_id: int, tmp_path: Path, make: Callable[[Path], Path], expected: list
) -> None:
    before = snapshot(db)
    result = run_import(db, "deals", make(tmp_path), MAPPING, by=admin_id)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(6, c, k) for c, k in expected]
    assert not result.written
    assert snapshot(db) == before


def test_a_bad_default_is_the_mappings_fault(db: Database, admin_id: int, tmp_path: Path) -> None:
    bad = parse_mapping(
        UTC_TOML.replace("[values.stage]", '[defaults]\ncreated_at = "soon"\n\n[values.stage]')
    )
    with pytest.raises(MappingError) as err:
        run_import(db, "deals", write(tmp_path, "d.csv", DEALS_HEADER + GOOD), bad, by=admin_id)
    assert err.value.code == "mapping_bad_default"
    assert "[defaults] \"created_at\": 'soon' is not a date" in str(err.value)


# --- fuzzing ----------------------------------------------------------------------------------

CELLS = [
    "",
    " ",
    "D1",
    "D2",
    "Won",
    "Lost",
    "Engaging",
    "Prospecting",
    "赢单",
    "Nowhere",
    "Acme",
    "北京科技",
    "Ann Lee",
    "周磊",
    "2017-01-10",
    "2017-03-01",
    "2017/02/30",
    "2999-01-01",
    "0",
    "-5",
    "1,200.50",
    "1e9",
    "999999999999999",
    '"quoted, with comma"',
    '"multi\nline"',
    "=HYPERLINK(1)",
    "\ufeff",
    "Website",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"]


def _check_no_half_import(db: Database, before: dict[str, int], make: Callable[[], object]) -> None:
    try:
        result = make()
    except (ImportFileError, MappingError) as exc:
        event(f"refused: {exc.code}")
        assert counts(db) == before
        return
    after = counts(db)
    if not result.written:  # type: ignore[attr-defined]
        event("rows with errors: nothing written")
        assert after == before
        return
    event("written" + (" (some rows rejected)" if result.rejected else ""))  # type: ignore[attr-defined]
    assert after["deals"] - before["deals"] == len(result.created)  # type: ignore[attr-defined]
    orphans = rows(
        db,
        "SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id WHERE "
        "(SELECT COUNT(*) FROM stage_transitions t WHERE t.deal_id = d.id) "
        "< CASE WHEN s.kind = 'open' THEN 1 ELSE 2 END",
    )
    assert orphans == []


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=3000), prefix=st.sampled_from([b"", DEALS_HEADER.encode()]))
def test_random_bytes_never_crash(
    sqlite_db: Database, tmp_path: Path, data: bytes, prefix: bytes
) -> None:
    from crmdesk.services.setup import default_admin_id

    admin = default_admin_id(sqlite_db)
    path = write(tmp_path, "fuzz.csv", prefix + data)
    before = counts(sqlite_db)
    _check_no_half_import(
        sqlite_db,
        before,
        lambda: run_import(
            sqlite_db,
            "deals",
            path,
            MAPPING,
            by=admin,
            skip_bad_rows=True,
            rejects_path=tmp_path / "rejects.csv",
        ),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.permutations(DEALS_HEADER.strip().split(",")),
    width=st.one_of(st.just(9), st.integers(min_value=1, max_value=8)),
    cells=st.lists(st.lists(st.sampled_from(CELLS), max_size=11), max_size=25),
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    skip=st.booleans(),
)
def test_random_csv_never_leaves_half_an_import(
    sqlite_db: Database,
    tmp_path: Path,
    header: list[str],
    width: int,
    cells: list[list[str]],
    encoding: str,
    newline: str,
    delimiter: str,
    skip: bool,
) -> None:
    from crmdesk.services.setup import default_admin_id

    admin = default_admin_id(sqlite_db)
    lines = [delimiter.join(header[:width] if width < 9 else header)]
    lines += [delimiter.join(r) for r in cells]
    text = newline.join(lines) + newline
    path = write(tmp_path, "fuzz.csv", codecs.encode(text, encoding))
    before = counts(sqlite_db)
    _check_no_half_import(
        sqlite_db,
        before,
        lambda: run_import(
            sqlite_db,
            "deals",
            path,
            MAPPING,
            by=admin,
            skip_bad_rows=skip,
            rejects_path=tmp_path / "rejects.csv",
        ),
    )
