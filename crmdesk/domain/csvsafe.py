"""CSV that a spreadsheet opens safely: text that would start a formula is neutralised.

Standard library only. A spreadsheet treats a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (and some also a leading tab or carriage return), so
exported text such as a customer named ``=HYPERLINK("http://…")`` could run when
the file is opened. :func:`csv_cell` puts a single quote in front of such text,
as the OWASP guidance on CSV injection advises. Plain numbers are left alone
(``-12.50``, ``+3``, ``1e-05``) so that amounts and negative deltas stay numbers
that a spreadsheet can sum and sort.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = ["FORMULA_START", "csv_cell", "write_csv"]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

# A plain decimal number, optionally signed and with an exponent: ASCII digits only,
# no spaces, no "inf"/"nan", no "1_000" (all of which ``float()`` would accept).
_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def csv_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would take it for a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
    the quote, unless the whole text is a plain number (``"-12.50"``, ``"+3"``).
    Anything else is returned unchanged.
    """
    if value.startswith(FORMULA_START) and _NUMBER.fullmatch(value) is None:
        return "'" + value
    return value


def _text(value: object) -> str:
    return "" if value is None else csv_cell(value if isinstance(value, str) else str(value))


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """The header and the rows as CSV text, every cell passed through :func:`csv_cell`.

    ``None`` becomes an empty cell; any other non-text value is written as
    ``str(value)``. Lines end in ``\\n`` (a file opened with ``newline=""`` keeps
    them as they are); cells with commas, quotes or line breaks (``\\n``, ``\\r``)
    are quoted. Encoding is the caller's: Excel needs ``utf-8-sig`` to read
    non-ASCII text such as Chinese names.
    """
    # The csv module quotes a cell only for the characters of its line terminator, so
    # with "\n" a lone "\r" would go out bare and split the row when read back. Each
    # row is written with "\r\n" (every cell with "\r" or "\n" gets quoted) and its
    # terminator, always the last two characters, is swapped for "\n".
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    lines = []
    for row in itertools.chain([header], rows):
        writer.writerow([_text(cell) for cell in row])
        lines.append(buf.getvalue()[:-2])
        buf.seek(0)
        buf.truncate()
    return "\n".join(lines) + "\n"
