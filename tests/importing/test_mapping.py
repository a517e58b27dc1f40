"""The TOML mapping: parsing, the errors (naming the key and its line), writing it back,
guessing one from headers; and reading cell values (dates, amounts, yes/no)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crmdesk.importing import (
    MappingError,
    dump_mapping,
    guess_mapping,
    load_mapping,
    mapping_from_dict,
    parse_mapping,
)
from crmdesk.importing.values import CellError, DateReader, read_amount, read_bool

FULL = """
entity = "deals"
key = "opportunity_id"
existing = "update"

[file]
sheet = "Pipeline"
encoding = "GBK"
delimiter = ";"
header_row = 2

[columns]
opportunity_id = "external_ref"
sales_agent = "owner"
"客户名称" = "customer"
deal_stage = "stage"
close_value = ["amount"]
engage_date = "created_at"

[templates]
title = "{product} – {客户名称} {{x}}"

[defaults]
currency = "USD"
open_stage = "qualification"
closed_at = 2017-12-31
amount = 0

[values.stage]
Engaging = "qualification"
"  Won " = "won"

[dates]
formats = ["%m/%d/%Y", "%m/%d/%Y %H:%M"]
time_zone = "Asia/Shanghai"

[numbers]
decimal = ","

[create]
owners = "create"
customers = "Create"
"""


def test_a_full_mapping() -> None:
    m = parse_mapping(FULL)
    assert m.entity == "deals"
    assert m.key == "opportunity_id"
    assert m.sheet == "Pipeline"
    assert m.encoding == "gbk"
    assert m.delimiter == ";"
    assert m.header_row == 2
    assert m.columns["客户名称"] == ("customer",)
    assert m.columns["close_value"] == ("amount",)
    assert m.templates["title"].columns == ("product", "客户名称")
    assert m.defaults["closed_at"] == date(2017, 12, 31)
    assert m.defaults["amount"] == "0"
    assert m.values["stage"] == {"engaging": "qualification", "won": "won"}
    assert m.date_formats == ("%m/%d/%Y", "%m/%d/%Y %H:%M")
    assert m.time_zone == "Asia/Shanghai"
    assert m.decimal == ","
    assert m.create == {
        "owners": "create",
        "customers": "create",
        "sources": "error",
        "lost_reasons": "error",
    }
    assert m.needed_columns() == [
        "opportunity_id",
        "sales_agent",
        "客户名称",
        "deal_stage",
        "close_value",
        "engage_date",
        "product",
    ]


def test_dump_reads_back_equal() -> None:
    m = parse_mapping(FULL)
    assert parse_mapping(dump_mapping(m)) == m
    guessed = guess_mapping(["商机编号", "客户名称", "金额", "阶段", "标题"], "deals").mapping
    assert parse_mapping(dump_mapping(guessed)) == guessed


def test_entity_given_by_the_caller() -> None:
    text = '[columns]\nName = "company"\n'
    assert parse_mapping(text, "customers").entity == "customers"
    with pytest.raises(MappingError) as err:
        parse_mapping(text)
    assert err.value.code == "mapping_no_entity"
    with pytest.raises(MappingError) as err:
        parse_mapping('entity = "deals"\n' + text.replace("company", "title"), "customers")
    assert err.value.code == "mapping_entity_mismatch"
    assert "for deals" in str(err.value)


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ('entity = "deals"\n[columns\nx = "title"', "mapping_syntax", "line 2"),
        ('entity = "deals"\ncolumn = {}\n', "mapping_unknown_key", '"column" (line 2)'),
        (
            'entity = "deals"\n\n[columns]\nTitle = "title"\nClose = "closed"\n',
            "mapping_unknown_field",
            '[columns] "Close" (line 5)',
        ),
        (
            'entity = "deals"\n[columns]\nA = "title"\nB = "title"\n',
            "mapping_field_twice",
            "already read from the column 'A'",
        ),
        (
            'entity = "deals"\n[columns]\nA = 5\n',
            "mapping_type",
            "expected text, found a number",
        ),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[dates]\nformats = ["%Q-%m"]\n',
            "mapping_bad_date_format",
            '[dates] "formats" (line 5)',
        ),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[dates]\nformats = ["YYYY-MM-DD"]\n',
            "mapping_bad_date_format",
            "% codes",
        ),
        (
            'entity = "deals"\n[templates]\ntitle = "{a} {"\n',
            "mapping_bad_template",
            "lone '{'",
        ),
        (
            'entity = "deals"\n[templates]\ntitle = "fixed"\n',
            "mapping_bad_template",
            "use [defaults]",
        ),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[dates]\ntime_zone = "Mars/Base"\n',
            "mapping_bad_time_zone",
            "Mars/Base",
        ),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[file]\nencoding = "klingon"\n',
            "mapping_bad_encoding",
            '[file] "encoding" (line 5)',
        ),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[file]\ndelimiter = ";;"\n',
            "mapping_bad_delimiter",
            "one character",
        ),
        (
            'entity = "deals"\nkey = "B"\n[columns]\nA = "title"\n',
            "mapping_key_not_mapped",
            "'external_ref'",
        ),
        (
            'entity = "contacts"\nkey = "A"\n[columns]\nA = "name"\n',
            "mapping_no_key_field",
            "contacts cannot be updated",
        ),
        ('entity = "deals"\n[columns]\nA = "notes"\n', "mapping_required", "'title'"),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[create]\nowners = "maybe"\n',
            "mapping_bad_choice",
            '[create] "owners" (line 5)',
        ),
        (
            'entity = "deals"\nexisting = "merge"\n[columns]\nA = "title"\n',
            "mapping_bad_choice",
            '"update", "skip" or "error"',
        ),
        ('entity = "invoices"\n', "mapping_unknown_entity", "invoices"),
        (
            'entity = "deals"\n[columns]\nA = "title"\n[values.stage]\nWon = [1]\n',
            "mapping_type",
            '[values.stage] "Won" (line 5)',
        ),
    ],
)
def test_mapping_errors(text: str, code: str, words: str) -> None:
    with pytest.raises(MappingError) as err:
        parse_mapping(text)
    assert err.value.code == code
    assert words in str(err.value)


def test_load_mapping_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FULL.encode())  # a BOM, as Notepad writes
    assert load_mapping(path, "deals").key == "opportunity_id"
    with pytest.raises(MappingError) as err:
        load_mapping(tmp_path / "missing.toml", "deals")
    assert err.value.code == "mapping_missing"
    bad = tmp_path / "bad.toml"
    bad.write_bytes("entity = 'deals'\n# \xff\n".encode("latin-1"))
    with pytest.raises(MappingError) as err:
        load_mapping(bad, "deals")
    assert err.value.code == "mapping_unreadable"


def test_mapping_from_a_wizards_choices() -> None:
    m = mapping_from_dict({"columns": {"Account": "customer", "Name": "title"}}, "deals")
    assert m.field_columns() == {"customer": "Account", "title": "Name"}


def test_guess_mapping_from_english_headers() -> None:
    headers = [
        "opportunity_id",
        "sales_agent",
        "product",
        "account",
        "deal_stage",
        "engage_date",
        "close_date",
        "close_value",
    ]
    guess = guess_mapping(headers, "deals")
    assert guess.mapping.field_columns() == {
        "external_ref": "opportunity_id",
        "owner": "sales_agent",
        "customer": "account",
        "stage": "deal_stage",
        "created_at": "engage_date",
        "closed_at": "close_date",
        "amount": "close_value",
    }
    assert guess.mapping.key == "opportunity_id"
    assert guess.unmapped_headers == ("product",)
    assert guess.missing_required == ("title",)


def test_guess_mapping_from_chinese_headers() -> None:
    headers = [
        "商机编号",
        "商机名称",
        "客户名称",
        "负责人",
        "销售阶段",
        "金额",
        "创建日期",
        "成交日期",
        "备注",
    ]
    guess = guess_mapping(headers, "deals")
    assert guess.mapping.field_columns() == {
        "external_ref": "商机编号",
        "title": "商机名称",
        "customer": "客户名称",
        "owner": "负责人",
        "stage": "销售阶段",
        "amount": "金额",
        "created_at": "创建日期",
        "closed_at": "成交日期",
        "notes": "备注",
    }
    assert guess.missing_required == ()
    people = guess_mapping(["登录名", "姓名", "角色", "邮箱"], "users").mapping
    assert people.field_columns() == {
        "login": "登录名",
        "name": "姓名",
        "role": "角色",
        "email": "邮箱",
    }


def test_guess_by_containment_and_case() -> None:
    guess = guess_mapping(["Deal Stage Name", "Customer Company", "AMOUNT (USD)"], "deals")
    assert guess.mapping.field_columns() == {
        "stage": "Deal Stage Name",
        "customer": "Customer Company",
        "amount": "AMOUNT (USD)",
    }


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1054", ".", "1054.00"),
        (" $1,234.50 ", ".", "1234.50"),
        ("¥ 88", ".", "88.00"),
        ("1 234,5", ",", "1234.50"),
        ("1.234,56 €", ",", "1234.56"),
        ("12,345", ".", "12345.00"),
        ("1159.4000000000001", ".", "1159.40"),
        ("-0", ".", "0.00"),
        ("+7", ".", "7.00"),
        ("100元", ".", "100.00"),
        ("CNY 5", ".", "5.00"),
    ],
)
def test_amounts(text: str, decimal: str, expected: str) -> None:
    assert read_amount(text, decimal) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-5", "negative"),
        ("(120.00)", "negative"),
        ("abc", "bad_number"),
        ("1e5", "bad_number"),
        ("NaN", "bad_number"),
        ("12.345", "too_precise"),
        ("1000000000000", "too_large"),
        ("1.2.3", "bad_number"),
    ],
)
def test_bad_amounts(text: str, code: str) -> None:
    with pytest.raises(CellError) as err:
        read_amount(text)
    assert err.value.code == code


def test_dates_and_times() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    reader = DateReader((), shanghai)
    # A date alone is local midnight; without an offset, local time; with one, as written.
    assert reader.instant("2017-03-01") == datetime(2017, 2, 28, 16, 0, tzinfo=UTC)
    assert reader.instant("2017-03-01 10:30") == datetime(2017, 3, 1, 2, 30, tzinfo=UTC)
    assert reader.instant("2017-03-01T10:30:00+00:00") == datetime(2017, 3, 1, 10, 30, tzinfo=UTC)
    assert reader.instant("2017-03-01T10:30Z") == datetime(2017, 3, 1, 10, 30, tzinfo=UTC)
    assert reader.instant("2017/3/1") == datetime(2017, 2, 28, 16, 0, tzinfo=UTC)
    assert reader.instant("2017年3月1日") == datetime(2017, 2, 28, 16, 0, tzinfo=UTC)
    assert reader.instant(datetime(2017, 3, 1, 8)) == datetime(2017, 3, 1, 0, 0, tzinfo=UTC)
    assert reader.day("2017-03-01 23:59") == date(2017, 3, 1)
    with pytest.raises(CellError) as err:
        reader.instant("03/01/2017")
    assert err.value.code == "bad_date"
    assert err.value.params["formats"] == "YYYY-MM-DD"
    us = DateReader(("%m/%d/%Y",), ZoneInfo("UTC"))
    assert us.instant("03/01/2017") == datetime(2017, 3, 1, tzinfo=UTC)
    assert us.instant("2017-03-01") == datetime(2017, 3, 1, tzinfo=UTC)  # ISO always works
    with pytest.raises(CellError) as err:
        us.instant("2017/03/01")  # the fallbacks only serve a mapping without formats
    assert err.value.params["formats"] == "MM/DD/YYYY, YYYY-MM-DD"
    with pytest.raises(CellError):
        us.instant("13/45/2017")


def test_yes_and_no() -> None:
    assert read_bool("Yes") is True
    assert read_bool("已完成") is True
    assert read_bool(" 0 ") is False
    assert read_bool("否") is False
    with pytest.raises(CellError) as err:
        read_bool("maybe")
    assert err.value.code == "bad_bool"
