"""Read a CSV file or an Excel workbook (.xlsx) into a table of rows, refusing what
cannot be read safely.

Standard library plus openpyxl; no database. The rules:

* **What kind of file** is told by its content, not its name: an XLSX workbook
  (a ZIP holding ``xl/workbook.xml``) is read as a workbook even when it is called
  ``.csv``; an old ``.xls`` workbook, a PDF, an image, a ZIP archive or any file with
  NUL bytes or control characters is refused (:class:`ImportFileError`
  ``file_binary``, ``file_old_excel``, ``file_other_format``).
* **Encoding** (CSV), detected without asking: a byte-order mark means UTF-8 or
  UTF-16 (LE or BE); without one, UTF-16 is recognised by its zero bytes; otherwise
  the text must be valid UTF-8, else valid GB18030 (a superset of GBK and GB2312, what
  Chinese Excel writes) without private-use characters, else the file is refused with
  ``file_encoding``. A mapping may name the encoding instead (``[file] encoding``).
* **Line endings** CRLF, LF or CR, mixed or not; quoted cells may hold line breaks.
* **Delimiter**: comma, semicolon, tab or ``|``, whichever splits the first lines
  into the same number of cells (a mapping may name it).
* **Size**: a file above :data:`MAX_FILE_BYTES`, a cell above
  :data:`MAX_CELL_CHARS` characters (Excel's own limit) or a row above
  :data:`MAX_COLUMNS` cells is refused, naming the line and the column.
* **Workbooks**: the sheet to read must be named (``[file] sheet``) when the workbook
  has several; a sheet with merged cells is refused (a merged range keeps its value in
  its first cell only, so rows would silently lose data). Formulas are read as the
  values Excel last computed. Dates stay dates; numbers become text as Excel shows
  them without formatting (``1054``, ``1054.5``).
* **Rows**: the header is line 1 (``[file] header_row`` for another line); blank rows
  are left out; line numbers are the file's physical lines (a sheet's row numbers),
  so a message points where a person looks.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from crmdesk.importing.messages import ImportFileError

#: The largest file read at once.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: The most characters a cell may hold: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: The most cells a row may have.
MAX_COLUMNS = 1_000
#: Delimiters tried, in order of preference when several fit equally.
DELIMITERS = (",", ";", "\t", "|")

#: What a cell holds: text, or a date/time read from a workbook.
Cell = str | datetime | date

_SNIFF_LINES = 50
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "program"),
    (b"MZ", "Windows program"),
)


@dataclass(frozen=True)
class FileInfo:
    """How the file was read: ``kind`` is ``"csv"`` or ``"xlsx"``; for CSV the encoding
    (a Python codec name such as ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``),
    the delimiter and the line ending (``"CRLF"``, ``"LF"``, ``"CR"``); for XLSX the
    sheet read and every sheet of the workbook."""

    path: Path
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    line_ending: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceRow:
    """One data row: its line in the file (its row number in a sheet) and its cells,
    as many as the row has (fewer or more than the header)."""

    line: int
    cells: tuple[Cell, ...]


@dataclass
class Table:
    """A file read as a table: the header's column names (stripped), the line of the
    header, and the non-blank data rows. ``complete`` is False when reading stopped
    at a ``limit`` (a preview)."""

    info: FileInfo
    headers: tuple[str, ...]
    header_line: int
    rows: list[SourceRow] = field(default_factory=list)
    complete: bool = True

    def column_positions(self) -> dict[str, list[int]]:
        """Each column name and the positions (0-based) where it appears."""
        found: dict[str, list[int]] = {}
        for i, name in enumerate(self.headers):
            found.setdefault(name, []).append(i)
        return found


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_row: int = 1,
    limit: int | None = None,
    decimal: str = ".",
) -> Table:
    """Read ``path`` (CSV or XLSX, told by the content) as a table.

    ``sheet``, ``encoding`` and ``delimiter`` override the detection (``None``
    detects); ``header_row`` is the 1-based line (sheet row) of the column names;
    ``limit`` stops after that many data rows (for a preview). ``decimal`` is the
    mapping's decimal separator: a workbook's fractional numbers are written with it,
    so that the amounts read them as the mapping says (1054.5 as ``1054,5`` for
    ``","``, not 10545). Raises
    :class:`ImportFileError` for a file that cannot be read; see the module docstring.
    """
    p = Path(path)
    data = _read_bytes(p)
    if _is_xlsx(p, data):
        return _read_xlsx(p, data, sheet=sheet, header_row=header_row, limit=limit, decimal=decimal)
    _refuse_other_formats(p, data)
    return _read_csv(
        p, data, encoding=encoding, delimiter=delimiter, header_row=header_row, limit=limit
    )


def preview(path: str | Path, *, rows: int = 20, **options: Any) -> Table:
    """The header and the first ``rows`` data rows, for a wizard to show (the same
    checks as :func:`read_table`; ``options`` as there). A workbook with several sheets
    needs ``sheet=``: :func:`list_sheets` gives their names."""
    return read_table(path, limit=rows, **options)


def list_sheets(path: str | Path) -> list[str]:
    """The worksheet names of a workbook, in order; ``[]`` for a CSV file."""
    p = Path(path)
    data = _read_bytes(p)
    if not _is_xlsx(p, data):
        return []
    wb = _open_workbook(data)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


# --- bytes ---------------------------------------------------------------------------------


def _read_bytes(p: Path) -> bytes:
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise ImportFileError("file_unreadable", path=str(p), reason="not a file")
        if size > MAX_FILE_BYTES:
            raise ImportFileError(
                "file_too_large",
                size_mb=round(size / 1_048_576),
                max_mb=MAX_FILE_BYTES // 1_048_576,
            )
        return p.read_bytes()
    except FileNotFoundError:
        raise ImportFileError("file_missing", path=str(p)) from None
    except OSError as exc:
        raise ImportFileError(
            "file_unreadable", path=str(p), reason=exc.strerror or str(exc)
        ) from None


def _is_xlsx(p: Path, data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("file_other_format", kind="damaged ZIP") from None
    if "xl/workbook.xml" in names:
        return True
    if "word/document.xml" in names:
        kind = "Word document"
    elif "ppt/presentation.xml" in names:
        kind = "PowerPoint presentation"
    elif "content.xml" in names:
        kind = "OpenDocument"
    else:
        kind = "ZIP archive"
    raise ImportFileError("file_other_format", kind=kind)


def _refuse_other_formats(p: Path, data: bytes) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError("file_old_excel")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ImportFileError("file_other_format", kind=kind)


# --- CSV -----------------------------------------------------------------------------------


def _bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the zero bytes fall on every other byte, as they
    do in UTF-16 text of mostly Latin letters; else None."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros >= 0.4 * half and even_zeros == 0:
        return "utf-16-le"
    if even_zeros >= 0.4 * half and odd_zeros == 0:
        return "utf-16-be"
    return None


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the codec that read it; see the module docstring for the order."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "file_bad_encoding",
                encoding=encoding,
                byte=f"0x{data[exc.start]:02X}",
                line=_line_of_offset(data, exc.start),
            ) from None
    codec = _bom(data) or _utf16_without_bom(data)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "file_encoding",
                byte=f"0x{data[exc.start]:02X}",
                line=_line_of_offset(data, exc.start),
            ) from None
        return text.removeprefix("\ufeff"), codec
    # Control bytes are single characters in UTF-8 and GB18030 alike (never part of a
    # longer sequence), so they show a binary file before any decoding is tried.
    bad = _CONTROL_BYTES.search(data)
    if bad is not None:
        raise ImportFileError("file_binary", byte=f"0x{bad.group()[0]:02X}", offset=bad.start())
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text, "gb18030"
    raise ImportFileError(
        "file_encoding",
        byte=f"0x{data[first_bad]:02X}",
        line=_line_of_offset(data, first_bad),
    )


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
#: How much of a file decoded as GB18030 is looked at to tell Chinese.
_CHINESE_SAMPLE = 200_000


def _reads_as_chinese(text: str) -> bool:
    """Whether text decoded as GB18030 is Chinese, not another 8-bit encoding read as
    GB18030. A Windows-1252 file (Excel's "CSV" in Western Europe and America) often
    decodes too: "Müller" becomes "M黮ler", an accented letter and the ASCII letter after
    it read as one rare character of GBK's extension. Chinese text is mostly characters
    of GB2312 (the common hanzi and full-width punctuation, both bytes 0xA1 and up);
    such misreadings are almost never, and private-use characters never are."""
    if _PRIVATE_USE.search(text):
        return False
    # The start of the file tells (a misreading shows on every accented word).
    seen = Counter(ch for ch in text[:_CHINESE_SAMPLE] if ord(ch) > 0x7F)
    common = 0
    for ch, n in seen.items():
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += n
    return common >= seen.total() / 2


def _line_ending(text: str) -> str | None:
    i = text.find("\n")
    j = text.find("\r")
    if i < 0 and j < 0:
        return None
    if j >= 0 and (i < 0 or j < i):
        return "CRLF" if text.startswith("\r\n", j) else "CR"
    return "LF"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, equal numbers of cells
    (comma when nothing splits the header)."""
    lines = []
    for line in io.StringIO(text, newline=""):
        if line.strip():
            lines.append(line)
        if len(lines) >= _SNIFF_LINES:
            break
    sample = "".join(lines)
    best, best_score = ",", (0.0, 0)
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d)]
        except csv.Error:
            continue
        counts = [c for c in counts if c]
        if not counts or counts[0] < 2:
            continue
        same = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (same, counts[0])
        if score > best_score:
            best, best_score = d, score
    return best


def _read_csv(
    p: Path,
    data: bytes,
    *,
    encoding: str | None,
    delimiter: str | None,
    header_row: int,
    limit: int | None,
) -> Table:
    if not data.strip(b" \t\r\n\x00") or data in (
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    ):
        raise ImportFileError("file_empty")
    text, codec = _decode(data, encoding)
    bad = _CONTROL_RE.search(text)
    if bad is not None:
        ch = bad.group()
        raise ImportFileError(
            "file_binary", byte=f"0x{ord(ch):02X}", offset=len(text[: bad.start()].encode())
        )
    if not text.strip():
        raise ImportFileError("file_empty")
    delim = delimiter or sniff_delimiter(text)
    info = FileInfo(
        path=p, kind="csv", encoding=codec, delimiter=delim, line_ending=_line_ending(text)
    )
    rows = _csv_rows(text, delim)
    headers: tuple[str, ...] | None = None
    header_line = 0
    out: list[SourceRow] = []
    for line, cells in rows:
        if headers is None:
            if line < header_row:  # a line of the file, as a quoted cell may span lines
                continue
            header_line = line
            headers = _header(cells, line)
            continue
        if not any(c.strip() for c in cells):
            continue
        if limit is not None and len(out) >= limit:
            return Table(info, headers, header_line, out, complete=False)
        _check_cells(cells, line, headers)
        out.append(SourceRow(line, tuple(cells)))
    if headers is None:
        raise ImportFileError("file_empty")
    if not out:
        raise ImportFileError("file_no_rows")
    return Table(info, headers, header_line, out)


def _csv_rows(text: str, delim: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    end = 0
    last = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            _check_last_record(text, delim, last)
            return
        except csv.Error as exc:
            _raise_csv_error(text, delim, start, exc)
        end = reader.line_num
        last = start
        yield start, cells


def _check_last_record(text: str, delim: str, line: int) -> None:
    """A quote opened and never closed makes the csv module read the rest of the file
    into one cell, without a word: read the last record again strictly, and refuse the
    file, naming the line the quote opened on."""
    if not line:
        return
    tail = io.StringIO(text[_offset_of_line(text, line) :], newline="")
    try:
        for _ in csv.reader(tail, delimiter=delim, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            _raise_csv_error(text, delim, line, exc)


def _raise_csv_error(text: str, delim: str, line: int, exc: csv.Error) -> None:
    """A csv.Error as a clear message; a cell beyond the csv module's own limit is
    found again by hand to name its column and length."""
    reason = str(exc)
    if "field limit" in reason:
        offset = _offset_of_line(text, line)
        column, length = _longest_cell(text, offset, delim)
        header_cells = next(csv.reader(io.StringIO(text[:4096], newline=""), delimiter=delim), [])
        name = header_cells[column].strip() if column < len(header_cells) else f"#{column + 1}"
        raise ImportFileError(
            "file_cell_too_large", line=line, column=name, length=length, max=MAX_CELL_CHARS
        ) from None
    raise ImportFileError("file_bad_csv", line=line, reason=reason) from None


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        nxt = [i for i in (text.find("\n", offset), text.find("\r", offset)) if i >= 0]
        if not nxt:
            return len(text)
        i = min(nxt)
        offset = i + (2 if text.startswith("\r\n", i) else 1)
    return offset


def _longest_cell(text: str, offset: int, delim: str) -> tuple[int, int]:
    """Scan one record from ``offset``: the position and length of its longest cell."""
    column, length = 0, 0
    best = (0, 0)
    quoted = False
    i, n = offset, len(text)
    at_start = True
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    length += 1
                    i += 2
                    continue
                quoted = False
            else:
                length += 1
        elif ch == '"' and at_start:
            quoted = True
        elif ch == delim:
            if length > best[1]:
                best = (column, length)
            column, length = column + 1, 0
            at_start = True
            i += 1
            continue
        elif ch in "\r\n":
            break
        else:
            length += 1
        at_start = False
        i += 1
    if length > best[1]:
        best = (column, length)
    return best


def _header(cells: list[Any], line: int) -> tuple[str, ...]:
    names = [_header_name(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise ImportFileError("file_no_header", line=line)
    if len(names) > MAX_COLUMNS:
        raise ImportFileError("file_too_many_columns", line=line, count=len(names), max=MAX_COLUMNS)
    for i, name in enumerate(names):
        if len(name) > MAX_CELL_CHARS:
            raise ImportFileError(
                "file_cell_too_large",
                line=line,
                column=f"#{i + 1}",
                length=len(name),
                max=MAX_CELL_CHARS,
            )
    return tuple(names)


def _header_name(cell: Any) -> str:
    value = _cell_text(cell)
    text = value if isinstance(value, str) else value.isoformat()
    return unicodedata.normalize("NFC", text.replace("\ufeff", "").strip())


def _check_cells(cells: list[Any] | tuple[Any, ...], line: int, headers: tuple[str, ...]) -> None:
    if len(cells) <= MAX_COLUMNS and all(
        type(c) is not str or len(c) <= MAX_CELL_CHARS for c in cells
    ):
        return
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError("file_too_many_columns", line=line, count=len(cells), max=MAX_COLUMNS)
    for i, c in enumerate(cells):
        if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
            name = headers[i] if i < len(headers) and headers[i] else f"#{i + 1}"
            raise ImportFileError(
                "file_cell_too_large", line=line, column=name, length=len(c), max=MAX_CELL_CHARS
            )


# --- XLSX ----------------------------------------------------------------------------------


def _open_workbook(data: bytes) -> Any:
    """The workbook, read from its bytes (openpyxl would refuse a path not named .xlsx)."""
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError("xlsx_unreadable", reason=_short(exc)) from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] or type(exc).__name__).rstrip(".")


def _merged_ranges(data: bytes, ws: Any) -> list[str]:
    """The merged ranges of a read-only worksheet, read from its XML."""
    member = getattr(ws, "_worksheet_path", None)
    if member is None:  # another openpyxl: load the sheet fully (slower, same answer)
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        try:
            return [str(r) for r in wb[ws.title].merged_cells.ranges]
        finally:
            wb.close()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(member.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError("xlsx_unreadable", reason=_short(exc)) from None
    return [m.decode() for m in _MERGE_RE.findall(xml)]


def _cell_text(value: Any, decimal: str = ".") -> Cell:
    """A workbook value as a cell: dates stay dates, the rest becomes text (a fractional
    number with the ``decimal`` separator)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", decimal)
    return str(value)


def _read_xlsx(
    p: Path,
    data: bytes,
    *,
    sheet: str | None,
    header_row: int,
    limit: int | None,
    decimal: str = ".",
) -> Table:
    wb = _open_workbook(data)
    try:
        names = list(wb.sheetnames)
        if not names:
            raise ImportFileError("xlsx_no_sheet")
        quoted = ", ".join(f'"{n}"' for n in names)
        if sheet is None:
            if len(names) > 1:
                raise ImportFileError("xlsx_several_sheets", count=len(names), sheets=quoted)
            sheet = names[0]
        elif sheet not in names:
            raise ImportFileError("xlsx_unknown_sheet", sheet=sheet, sheets=quoted)
        ws = wb[sheet]
        if not hasattr(ws, "iter_rows"):
            raise ImportFileError("xlsx_no_sheet")
        merged = _merged_ranges(data, ws)
        if merged:
            shown = ", ".join(merged[:5]) + (
                f" and {len(merged) - 5} more" if len(merged) > 5 else ""
            )
            raise ImportFileError("xlsx_merged_cells", sheet=sheet, ranges=shown)
        info = FileInfo(path=p, kind="xlsx", sheet=sheet, sheets=tuple(names))
        ws.reset_dimensions()
        headers: tuple[str, ...] | None = None
        header_line = 0
        out: list[SourceRow] = []
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if headers is None:
                    if number < header_row:
                        continue
                    header_line = number
                    headers = _header(list(values), number)
                    continue
                cells = [_cell_text(v, decimal) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                if not any(c.strip() if isinstance(c, str) else True for c in cells):
                    continue
                if limit is not None and len(out) >= limit:
                    return Table(info, headers, header_line, out, complete=False)
                _check_cells(cells, number, headers)
                out.append(SourceRow(number, tuple(cells)))
        except ImportFileError:
            raise
        except Exception as exc:  # a damaged sheet part
            raise ImportFileError("xlsx_unreadable", reason=_short(exc)) from None
        if headers is None:
            raise ImportFileError("file_empty")
        if not out:
            raise ImportFileError("file_no_rows")
        return Table(info, headers, header_line, out)
    finally:
        wb.close()
