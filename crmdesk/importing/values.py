"""Reading one cell as a crmdesk value: dates and times, amounts, yes/no, text.

Standard library only. Each reader raises :class:`CellError` (a row message code and
its parameters) for a value it cannot take; the engine turns it into a
:class:`~crmdesk.importing.messages.RowIssue` with the line and the column.

**Times.** A value with a UTC offset (``2017-03-01T10:00:00+08:00``, ``...Z``) is that
instant. A value without one is a local date or time in the import's zone (the
mapping's ``[dates] time_zone``, else the database's ``time_zone`` setting), and a date
without a time is local midnight, the start of that day; everything is stored in UTC.
Formats: the mapping's ``[dates] formats`` in order, then ISO 8601 (``2017-03-01``,
``2017-03-01 10:00``, ``2017-03-01T10:00:00``), then, only when the mapping names no
format, the unambiguous ``2017/03/01``, ``2017.03.01`` and ``2017年3月1日`` (with or
without a time). Day-first and month-first dates (``03/01/2017``) need a format.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from crmdesk.domain.timezones import STORED_FROM, STORED_TO
from crmdesk.services._common import MAX_AMOUNT

CENT = Decimal("0.01")
#: Formats tried after the mapping's own, when it names none.
FALLBACK_FORMATS = (
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
)
_HUMAN_CODES = {
    "%Y": "YYYY",
    "%y": "YY",
    "%m": "MM",
    "%d": "DD",
    "%H": "hh",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%p": "AM/PM",
    "%b": "Mon",
    "%B": "Month",
    "%f": "ffffff",
    "%z": "+hhmm",
    "%%": "%",
}
_CURRENCY_MARKS = re.compile(
    r"^(?:[$¥￥€£]|USD|CNY|RMB|EUR|GBP)\s*|\s*(?:[$¥￥€£元]|USD|CNY|RMB|EUR|GBP)$", re.I
)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
#: A number with thousands grouped in threes, by its decimal separator.
_GROUPED = {
    ".": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"),
    ",": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]*)?"),
}
_TRUE = frozenset(
    {"yes", "y", "true", "t", "1", "x", "done", "completed", "active", "enabled", "on"}
    | {"是", "对", "已完成", "完成", "启用", "有效", "√", "✓"}
)
_FALSE = frozenset(
    {"no", "n", "false", "f", "0", "open", "pending", "inactive", "disabled", "off", "-"}
    | {"否", "未完成", "停用", "禁用", "无效", "×", "✗"}
)


#: The years a date may have: those the team zone's offsets are kept for (a CRM's
#: history and plans; year 1 or 9999 is a typo).
FIRST_YEAR, LAST_YEAR = STORED_FROM.year, STORED_TO.year - 1


class CellError(Exception):
    """A cell's value cannot be taken: a row message code and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def human_format(fmt: str) -> str:
    """``%Y-%m-%d`` → ``YYYY-MM-DD``, for messages."""
    return re.sub(r"%.", lambda m: _HUMAN_CODES.get(m.group(), m.group()), fmt)


class DateReader:
    """Reads dates and times with the mapping's formats, in a zone; remembers every
    text it has read (files repeat the same dates thousands of times)."""

    def __init__(self, formats: tuple[str, ...], zone: tzinfo) -> None:
        self.formats = formats
        self.zone = zone
        self._fallback = () if formats else FALLBACK_FORMATS
        self._instants: dict[str, datetime] = {}
        self._days: dict[str, date] = {}
        shown = [human_format(f) for f in formats] or ["YYYY-MM-DD"]
        if formats:
            shown.append("YYYY-MM-DD")
        self.expected = ", ".join(dict.fromkeys(shown))

    def _naive(self, text: str) -> datetime:
        found = self._parse(text)
        if not FIRST_YEAR <= found.year <= LAST_YEAR:
            # Year 1 or 9999 would not even survive a time-zone shift.
            raise CellError("date_out_of_range", value=text, first=FIRST_YEAR, last=LAST_YEAR)
        return found

    def _parse(self, text: str) -> datetime:
        for fmt in self.formats:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                pass
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        for fmt in self._fallback:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                pass
        raise CellError("bad_date", value=text, formats=self.expected)

    def instant(self, value: Any) -> datetime:
        """An aware UTC datetime: local times (and dates, at midnight) in the zone."""
        if isinstance(value, datetime):
            return self._aware(value)
        if isinstance(value, date):
            return self._aware(datetime.combine(value, time()))
        text = str(value).strip()
        found = self._instants.get(text)
        if found is None:
            found = self._aware(self._naive(text))
            self._instants[text] = found
        return found

    def day(self, value: Any) -> date:
        """A date: the date part as written (no zone conversion)."""
        if isinstance(value, date):  # a workbook's date cell (datetime included)
            if not FIRST_YEAR <= value.year <= LAST_YEAR:
                raise CellError(
                    "date_out_of_range", value=value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR
                )
            return value.date() if isinstance(value, datetime) else value
        text = str(value).strip()
        found = self._days.get(text)
        if found is None:
            found = self._naive(text).date()
            self._days[text] = found
        return found

    def _aware(self, value: datetime) -> datetime:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:  # a workbook's own date cell
            raise CellError(
                "date_out_of_range", value=value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR
            )
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(UTC)


def read_amount(value: Any, decimal: str = ".") -> Decimal:
    """A non-negative amount with at most 2 decimal places (float noise such as
    ``1159.4000000000001`` from a spreadsheet is rounded to cents)."""
    text = str(value).strip()
    raw = text
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text = _CURRENCY_MARKS.sub("", text).strip()
    if text and text[0] in "+-":
        negative = negative or text[0] == "-"
        text = text[1:].strip()
    text = _CURRENCY_MARKS.sub("", text).strip()
    text = _SPACES.sub("", text)
    # The other separator groups thousands, in threes: 1,234.50 or 1.234,50. Anything
    # else (1,5 with a decimal point; 12,34,5) is refused rather than guessed.
    group = "." if decimal == "," else ","
    if group in text and not _GROUPED[decimal].fullmatch(text):
        raise CellError("bad_number", value=raw)
    text = text.replace(".", "").replace(",", ".") if decimal == "," else text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise CellError("bad_number", value=raw)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError("bad_number", value=raw) from None
    if negative and amount != 0:
        raise CellError("negative", value=raw)
    if amount > MAX_AMOUNT:
        raise CellError("too_large", value=raw, max=f"{MAX_AMOUNT:,}")
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents != amount and abs(cents - amount) > Decimal("0.000001"):
        raise CellError("too_precise", value=raw)
    return cents


def read_bool(value: Any) -> bool:
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("bad_bool", value=str(value).strip())


def read_text(value: Any, max_len: int | None) -> str | None:
    """Trimmed text, None when empty; too long is an error."""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if max_len is not None and len(text) > max_len:
        raise CellError("too_long", length=len(text), max=max_len)
    return text
