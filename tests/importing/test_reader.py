"""Reading CSV and XLSX files: encodings, line endings, delimiters, workbooks, refusals."""

from __future__ import annotations

import codecs
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from crmdesk.importing import ImportFileError, list_sheets, preview, read_table
from crmdesk.importing.reader import MAX_CELL_CHARS, sniff_delimiter

from ._helpers import write

TEXT = "Company,Owner,Amount\n北京科技有限公司,周磊,1200\nCafé Müller,Zoë,99.5\n"


def cells(path: Path, **options: object) -> list[tuple[object, ...]]:
    return [r.cells for r in read_table(path, **options).rows]  # type: ignore[arg-type]


EXPECTED = [("北京科技有限公司", "周磊", "1200"), ("Café Müller", "Zoë", "99.5")]


@pytest.mark.parametrize(
    ("encoding", "prefix", "codec"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
    ],
)
def test_unicode_encodings_are_detected(
    tmp_path: Path, encoding: str, prefix: bytes, codec: str
) -> None:
    path = write(tmp_path, "f.csv", prefix + TEXT.encode(encoding))
    table = read_table(path)
    assert table.headers == ("Company", "Owner", "Amount")
    assert [r.cells for r in table.rows] == EXPECTED
    assert table.info.encoding == codec


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_excel_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    content = "客户名称,负责人,金额\r\n北京科技有限公司,周磊,1200\r\n上海贸易,王芳,88\r\n"
    path = write(tmp_path, "f.csv", content.encode(encoding))
    table = read_table(path)
    assert table.headers == ("客户名称", "负责人", "金额")
    assert [r.cells for r in table.rows] == [
        ("北京科技有限公司", "周磊", "1200"),
        ("上海贸易", "王芳", "88"),
    ]
    assert table.info.encoding == "gb18030"
    assert table.info.line_ending == "CRLF"


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    # Outside GBK: four-byte GB18030 sequences, in a Chinese file (mostly the common
    # characters of GB2312, which tells it from another 8-bit encoding).
    content = "name,note\n𠀀,€ and · 北京上海\n"
    path = write(tmp_path, "f.csv", content.encode("gb18030"))
    assert cells(path) == [("𠀀", "€ and · 北京上海")]


@pytest.mark.parametrize(("newline", "name"), [("\r\n", "CRLF"), ("\n", "LF"), ("\r", "CR")])
def test_line_endings(tmp_path: Path, newline: str, name: str) -> None:
    content = TEXT.replace("\n", newline)
    table = read_table(write(tmp_path, "f.csv", content))
    assert [r.cells for r in table.rows] == EXPECTED
    assert [r.line for r in table.rows] == [2, 3]
    assert table.info.line_ending == name


def test_mixed_line_endings_and_quoted_line_breaks_keep_line_numbers(tmp_path: Path) -> None:
    content = 'a,b\r\n1,"two\nlines"\n\n3,"x\r\ny"\r\n4,z\n'
    table = read_table(write(tmp_path, "f.csv", content))
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ("1", "two\nlines")),
        (5, ("3", "x\r\ny")),
        (7, ("4", "z")),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    content = f"a{delimiter}b{delimiter}c\n1{delimiter}2,5{delimiter}x\n4{delimiter}5{delimiter}y\n"
    if delimiter == ",":
        content = 'a,b,c\n1,"2,5",x\n4,5,y\n'
    table = read_table(write(tmp_path, "f.csv", content))
    assert table.info.delimiter == delimiter
    assert table.rows[0].cells == ("1", "2,5", "x")


def test_sniffing_prefers_the_delimiter_that_splits_lines_evenly() -> None:
    assert sniff_delimiter("name;amount\nSmith, John;1,5\nDoe, Jane;2\n") == ";"
    assert sniff_delimiter("just one column\nvalue\n") == ","


def test_mapping_overrides_encoding_and_delimiter(tmp_path: Path) -> None:
    path = write(tmp_path, "f.csv", "a;b\nç;1\n".encode("cp1252"))  # not GB18030 either
    with pytest.raises(ImportFileError) as err:
        read_table(path)
    assert err.value.code == "file_encoding"
    table = read_table(path, encoding="cp1252", delimiter=";")
    assert table.rows[0].cells == ("ç", "1")


def test_header_row_and_blank_rows(tmp_path: Path) -> None:
    content = "Report of deals\n\nName,Amount\n\nA,1\n , \nB,2\n"
    table = read_table(write(tmp_path, "f.csv", content), header_row=3)
    assert table.headers == ("Name", "Amount")
    assert table.header_line == 3
    assert [(r.line, r.cells) for r in table.rows] == [(5, ("A", "1")), (7, ("B", "2"))]


def test_preview_stops_after_the_first_rows(tmp_path: Path) -> None:
    content = "n\n" + "".join(f"{i}\n" for i in range(100))
    table = preview(write(tmp_path, "f.csv", content), rows=5)
    assert [r.cells for r in table.rows] == [(str(i),) for i in range(5)]
    assert table.complete is False
    assert read_table(write(tmp_path, "g.csv", content)).complete is True


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", codecs.BOM_UTF8, b"   \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(ImportFileError) as err:
        read_table(write(tmp_path, "f.csv", content))
    assert err.value.code == "file_empty"
    assert "empty" in str(err.value)


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as err:
        read_table(write(tmp_path, "f.csv", "a,b\n\n"))
    assert err.value.code == "file_no_rows"


def test_wrong_encoding_is_refused_with_the_byte_and_line(tmp_path: Path) -> None:
    content = "Company,City\nAcme,Paris\nCafé,Zürich\n".encode("latin-1")
    with pytest.raises(ImportFileError) as err:
        read_table(write(tmp_path, "f.csv", content))
    assert err.value.code == "file_encoding"
    assert err.value.params["line"] == 3
    assert "0xE9" in str(err.value)
    assert "CSV UTF-8" in str(err.value)


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "file_other_format", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "file_other_format", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "file_old_excel", ".xls"),
        (b"name,amount\nA,1\x00\x00\x00\x01\n", "file_binary", "binary data"),
        (b"name\nA\x07B\n", "file_binary", "0x07"),
        (bytes(range(1, 256)) * 8, "file_binary", "binary"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, content: bytes, code: str, words: str) -> None:
    with pytest.raises(ImportFileError) as err:
        read_table(write(tmp_path, "renamed.csv", content))
    assert err.value.code == code
    assert words in str(err.value)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError) as err:
        read_table(path)
    assert err.value.code == "file_other_format"
    assert "Word document" in str(err.value)


def test_a_huge_cell_names_its_line_and_column(tmp_path: Path) -> None:
    big = "x" * (1024 * 1024)
    content = f'Company,Notes\nA,short\nB,"{big}"\nC,short\n'
    with pytest.raises(ImportFileError) as err:
        read_table(write(tmp_path, "f.csv", content))
    assert err.value.code == "file_cell_too_large"
    assert err.value.params["line"] == 3
    assert err.value.params["column"] == "Notes"
    assert err.value.params["length"] == len(big)
    assert "1,048,576 characters" in str(err.value)


def test_a_cell_just_over_the_limit(tmp_path: Path) -> None:
    content = f"Company,Notes\nA,{'y' * (MAX_CELL_CHARS + 1)}\n"
    with pytest.raises(ImportFileError) as err:
        read_table(write(tmp_path, "f.csv", content))
    assert err.value.params["column"] == "Notes"
    assert err.value.params["line"] == 2
    ok = f"Company,Notes\nA,{'y' * MAX_CELL_CHARS}\n"
    assert len(read_table(write(tmp_path, "g.csv", ok)).rows[0].cells[1]) == MAX_CELL_CHARS


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as err:
        read_table(tmp_path / "nope.csv")
    assert err.value.code == "file_missing"


# --- workbooks --------------------------------------------------------------------------------


def workbook(path: Path, *sheets: tuple[str, list[list[object]]], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, data in sheets:
        ws = wb.create_sheet(title)
        for line in data:
            ws.append(line)
        if merge:
            ws.merge_cells(merge)
    wb.save(path)
    return path


def test_xlsx_values(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "deals.xlsx",
        (
            "Deals",
            [
                ["Company", "Amount", "Created", "Won", "Ratio"],
                ["北京科技", 1200, datetime(2017, 3, 1, 9, 30), True, 0.25],
                [None, None, None, None, None],
                ["Acme", 1054.5, date(2017, 3, 2), False, 3.0],
            ],
        ),
    )
    table = read_table(path)
    assert table.info.kind == "xlsx"
    assert table.info.sheet == "Deals"
    assert table.headers == ("Company", "Amount", "Created", "Won", "Ratio")
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ("北京科技", "1200", datetime(2017, 3, 1, 9, 30), "TRUE", "0.25")),
        (4, ("Acme", "1054.5", datetime(2017, 3, 2), "FALSE", "3")),
    ]


def test_xlsx_renamed_to_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "book.xlsx", ("S", [["a"], ["1"]]))
    renamed = path.rename(tmp_path / "book.csv")
    assert read_table(renamed).rows[0].cells == ("1",)


def test_xlsx_with_several_sheets_needs_the_sheet_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", ("Deals", [["a"], ["1"]]), ("Lists", [["b"], ["2"]]))
    with pytest.raises(ImportFileError) as err:
        read_table(path)
    assert err.value.code == "xlsx_several_sheets"
    assert '"Deals", "Lists"' in str(err.value)
    assert 'sheet = "..."' in str(err.value)
    assert read_table(path, sheet="Lists").rows[0].cells == ("2",)
    assert list_sheets(path) == ["Deals", "Lists"]
    with pytest.raises(ImportFileError) as err:
        read_table(path, sheet="Nope")
    assert err.value.code == "xlsx_unknown_sheet"


def test_xlsx_with_merged_cells_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "m.xlsx", ("Deals", [["a", "b"], ["1", "2"], ["3"]]), merge="A3:B3")
    with pytest.raises(ImportFileError) as err:
        read_table(path)
    assert err.value.code == "xlsx_merged_cells"
    assert "A3:B3" in str(err.value)
    assert "Unmerge" in str(err.value)


def test_damaged_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<not really a workbook")
    with pytest.raises(ImportFileError) as err:
        read_table(path)
    assert err.value.code == "xlsx_unreadable"


def test_csv_has_no_sheets(tmp_path: Path) -> None:
    assert list_sheets(write(tmp_path, "f.csv", TEXT)) == []
