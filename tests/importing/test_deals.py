"""Importing deals: dry run, all or nothing, skipping bad rows, the history of won and
lost deals, updates by key, permissions, the change log, cancel. Both databases."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import Change, PermissionDenied, Role
from crmdesk.domain.reports import MetricsFilter
from crmdesk.importing import ImportResult, dry_run, parse_mapping, run_import
from crmdesk.metrics.service import MetricsService
from crmdesk.services import settings

from ._helpers import (
    DEALS_HEADER,
    DEALS_TOML,
    as_money,
    as_utc,
    counts,
    deal_by_ref,
    history,
    rows,
    scalar,
    snapshot,
    write,
)

MAVEN = Path(__file__).resolve().parents[3] / "shared/data/real/maven_crm/sales_pipeline.csv"
UTC_TOML = DEALS_TOML + '\n[dates]\ntime_zone = "UTC"\n'


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def deals_file(tmp_path: Path, body: str, name: str = "deals.csv") -> Path:
    return write(tmp_path, name, DEALS_HEADER + body)


def run(db: Database, by: int, path: Path, toml: str = UTC_TOML, **options: object) -> ImportResult:
    return run_import(db, "deals", path, parse_mapping(toml), by=by, **options)  # type: ignore[arg-type]


GOOD = (
    "D1,Router upgrade,Acme,Ann Lee,Prospecting,1200,2017-01-10,,Website\n"
    "D2,Switches,Acme,Ann Lee,Won,5000.50,2017-01-10,2017-03-01,Referral\n"
    "D3,Firewall,Globex,Bob Wu,Lost,0,2017-02-01,2017-02-15,\n"
    "D4,Cabling,Globex,Bob Wu,Engaging,300,2017-02-01,,\n"
)


# --- dry run, all or nothing, rejects ---------------------------------------------------------


def test_dry_run_reports_rows_and_every_error(db: Database, admin_id: int, tmp_path: Path) -> None:
    run(
        db, admin_id, deals_file(tmp_path, "D1,Old deal,Acme,Ann Lee,Prospecting,10,2017-01-01,,\n")
    )
    before = snapshot(db)
    path = deals_file(
        tmp_path,
        "D1,Old deal,Acme,Ann Lee,Prospecting,10,2017-01-01,,\n"  # line 2: unchanged
        "D2,New,Acme,Ann Lee,Won,5,2017-01-01,2017-02-01,\n"  # line 3: create
        "\n"
        "D3,Bad date,Acme,Ann Lee,Won,5,2017-01-01,2017-02-30,\n"  # line 5
        "D4,Two bad cells,Acme,Ann Lee,Nowhere,-5,2017-01-01,,\n"  # line 6
        "D1,Changed,Acme,Ann Lee,Prospecting,99,2017-01-01,,\n",  # line 7: repeated key
        name="second.csv",
    )
    result = dry_run(db, "deals", path, parse_mapping(UTC_TOML), by=admin_id)
    assert result.dry_run and not result.written
    assert (result.created, result.updated, result.skipped) == ((3,), (), (2,))
    assert result.rejected == (5, 6, 7)
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (5, "Closed", "bad_date"),
        (6, "Stage", "unknown_stage"),
        (6, "Amount", "negative"),
        (7, "Deal ID", "duplicate_key_conflict"),
    ]
    assert str(result.errors[0]) == (
        "line 5, column \"Closed\": '2017-02-30' is not a date in one of the forms YYYY-MM-DD"
    )
    assert "'Nowhere' is not a stage of the pipeline sales" in str(result.errors[1])
    assert str(result.errors[3]).endswith(
        '\'D1\' already appears on line 2, with other values in "Title", "Amount"; '
        "keep one of the two rows"
    )
    assert "Dry run of second.csv: 1 to create, 0 to update, 1 to leave as they are, 3 with " in (
        result.summary()
    )
    assert snapshot(db) == before


def test_one_bad_row_means_nothing_is_written(db: Database, admin_id: int, tmp_path: Path) -> None:
    before = snapshot(db)
    path = deals_file(tmp_path, GOOD + "D5,Bad,Acme,Ann Lee,Won,abc,2017-01-10,2017-03-01,\n")
    result = run(db, admin_id, path)
    assert not result.written and not result.ok
    assert result.rejected == (6,)
    assert result.errors[0].code == "bad_number"
    assert result.summary().startswith("Nothing was imported: 1 of the 5 rows of deals.csv have")
    assert snapshot(db) == before  # no deal, owner, customer, source or change-log row


def test_skip_bad_rows_imports_the_rest_and_writes_rejects(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    path = deals_file(
        tmp_path,
        GOOD
        + "D5,Bad amount,Acme,Ann Lee,Won,-3,2017-01-10,2017-03-01,\n"
        + "D6,客户 bad date,北京科技,周磊,Won,7,2017-01-10,tomorrow,\n",
    )
    rejects = tmp_path / "rejects.csv"
    result = run(db, admin_id, path, skip_bad_rows=True, rejects_path=rejects)
    assert result.written
    assert len(result.created) == 4 and result.rejected == (6, 7)
    assert result.rejects_path == rejects
    assert f"left out because of errors: 2, written to {rejects} (" in result.summary()
    assert scalar(db, "SELECT COUNT(*) FROM deals") == 4
    assert rows(db, "SELECT company FROM customers WHERE company = '北京科技'") == []
    raw = rejects.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Chinese text right
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == [*DEALS_HEADER.strip().split(","), "crmdesk_line", "crmdesk_errors"]
    assert ",".join(lines[1][:9]) == "D5,Bad amount,Acme,Ann Lee,Won,-3,2017-01-10,2017-03-01,"
    assert lines[1][9] == "6"
    assert lines[1][10] == "Amount: '-3' is negative; an amount must be 0 or more"
    assert lines[2][2] == "北京科技" and lines[2][9] == "7"
    assert "Closed: 'tomorrow' is not a date" in lines[2][10]
    assert not list(tmp_path.glob(".rejects.csv.*"))  # the temporary file is gone


def test_rejects_as_xlsx(db: Database, admin_id: int, tmp_path: Path) -> None:
    path = deals_file(tmp_path, GOOD + "D5,Bad,Acme,Ann Lee,Won,x,2017-01-10,2017-03-01,\n")
    rejects = tmp_path / "rejects.xlsx"
    run(db, admin_id, path, skip_bad_rows=True, rejects_path=rejects)
    ws = openpyxl.load_workbook(rejects).active
    data = [[c.value for c in r] for r in ws.iter_rows()]
    assert data[1][0] == "D5" and data[1][9] == "6"
    assert data[1][10] == "Amount: 'x' is not a number"


# --- the history of imported deals ------------------------------------------------------------


def test_won_and_lost_deals_get_their_history_and_cycle(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    toml = UTC_TOML.replace("[values.stage]", '[defaults]\nopen_stage = "quote"\n\n[values.stage]')
    toml = toml.replace('Source = "source"', 'Source = "source"\nReason = "lost_reason"')
    path = write(
        tmp_path,
        "d.csv",
        DEALS_HEADER.strip() + ",Reason\n"
        "W1,Won deal,Acme,Ann Lee,Won,5000,2017-01-10,2017-03-01,,\n"
        "L1,Lost deal,Acme,Ann Lee,Lost,0,2017-02-01 09:30,2017-02-15 17:00,,No budget\n"
        "O1,Open deal,Acme,Ann Lee,Engaging,300,2017-02-01,,,\n",
    )
    result = run(db, admin_id, path, toml)
    assert result.ok and result.written, result.errors
    won, lost, open_ = (deal_by_ref(db, r) for r in ("W1", "L1", "O1"))
    assert history(db, won.id) == [
        (None, "quote", utc(2017, 1, 10)),
        ("quote", "won", utc(2017, 3, 1)),
    ]
    assert as_utc(won.created_at) == utc(2017, 1, 10)
    assert as_utc(won.closed_at) == as_utc(won.stage_entered_at) == utc(2017, 3, 1)
    assert won.cycle_days == pytest.approx(50.0)
    assert as_money(won.amount) == Decimal("5000.00")
    assert history(db, lost.id) == [
        (None, "quote", utc(2017, 2, 1, 9, 30)),
        ("quote", "lost", utc(2017, 2, 15, 17, 0)),
    ]
    assert lost.cycle_days == pytest.approx(14 + 7.5 / 24)
    assert scalar(db, "SELECT key FROM stages WHERE id = :i", i=lost.lost_at_stage_id) == "quote"
    assert scalar(db, "SELECT name FROM lost_reasons WHERE id = :i", i=lost.lost_reason_id) == (
        "No budget"
    )
    assert history(db, open_.id) == [(None, "qualification", utc(2017, 2, 1))]
    assert as_utc(open_.stage_entered_at) == utc(2017, 2, 1) and open_.closed_at is None
    # The derived facts the reports read follow the history (kept by the triggers).
    quote_slot = scalar(db, "SELECT slot FROM stages WHERE key = 'quote'")
    won_slot = scalar(db, "SELECT slot FROM stages WHERE key = 'won'")
    assert won.reached_mask == (1 << quote_slot) | (1 << won_slot)
    visits = rows(
        db, "SELECT days FROM stage_visits WHERE deal_id = :d ORDER BY entered_at", d=won.id
    )
    assert [v.days for v in visits] == [pytest.approx(50.0), None]
    kpis = MetricsService(db).kpis(MetricsFilter(tz="UTC"))
    assert kpis.won_count == 1 and kpis.lost_count == 1 and kpis.close_rate == 0.5
    assert kpis.avg_sales_cycle_days == pytest.approx(50.0)
    assert rows(db, "SELECT first_won_deal_id FROM customers")[0][0] == won.id


def test_dates_without_offset_are_in_the_teams_time_zone(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    settings.set_setting(db, "time_zone", "Asia/Shanghai", by=admin_id)
    path = deals_file(tmp_path, "Z1,Deal,Acme,Ann Lee,Won,1,2017-03-01,2017-03-02 08:00,\n")
    assert run(db, admin_id, path, DEALS_TOML).written
    deal = deal_by_ref(db, "Z1")
    assert as_utc(deal.created_at) == utc(2017, 2, 28, 16)  # local midnight
    assert as_utc(deal.closed_at) == utc(2017, 3, 2, 0)
    with_offset = deals_file(
        tmp_path, "Z2,Deal,Acme,Ann Lee,Won,1,2017-03-01T00:00Z,2017-03-02T00:00+01:00,\n", "z.csv"
    )
    assert run(db, admin_id, with_offset, DEALS_TOML).written
    deal = deal_by_ref(db, "Z2")
    assert as_utc(deal.created_at) == utc(2017, 3, 1)
    assert as_utc(deal.closed_at) == utc(2017, 3, 1, 23)


def test_open_deal_without_a_first_contact_starts_now(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    started = datetime.now(UTC)
    assert run(db, admin_id, deals_file(tmp_path, "N1,New,,Ann Lee,,,,,\n")).written
    deal = deal_by_ref(db, "N1")
    assert started - timedelta(seconds=5) <= as_utc(deal.created_at) <= datetime.now(UTC)
    assert history(db, deal.id) == [(None, "prospecting", as_utc(deal.created_at))]
    assert deal.customer_id is None and as_money(deal.amount) == 0


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ("X,T,Acme,Ann,Won,1,2017-01-10,,", "Closed", "close_date_required"),
        ("X,T,Acme,Ann,Lost,1,,2017-01-10,", "Created", "created_required"),
        ("X,T,Acme,Ann,Won,1,2017-03-10,2017-03-01,", "Closed", "closed_before_created"),
        ("X,T,Acme,Ann,Prospecting,1,2017-03-10,2017-03-11,", "Closed", "close_date_open"),
        ("X,T,Acme,Ann,Won,1,2017-01-10,2099-01-01,", "Closed", "in_future"),
        ("X,T,Acme,Ann,Engaging,1,2099-01-10,,", "Created", "in_future"),
        ("X,,Acme,Ann,Engaging,1,2017-01-10,,", "Title", "required"),
        ("X,T,Acme,Ann,Engaging,1e3,2017-01-10,,", "Amount", "bad_number"),
        ("X,T,Acme,Ann,Engaging,1.005,2017-01-10,,", "Amount", "too_precise"),
        ("X,T,Acme,Ann,Engaging,1,2017-01-10,,Web,extra", None, "extra_cells"),
        ("X," + "t" * 201 + ",Acme,Ann,Engaging,1,2017-01-10,,", "Title", "too_long"),
    ],
)
def test_row_errors(
    db: Database, admin_id: int, tmp_path: Path, row: str, column: str | None, code: str
) -> None:
    result = run(db, admin_id, deals_file(tmp_path, row + "\n"))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, column, code)]
    assert counts(db)["deals"] == 0


def test_chinese_outcome_words_and_value_maps(db: Database, admin_id: int, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "zh.csv",
        "编号,标题,客户,负责人,阶段,金额,创建日期,成交日期\n"
        "C1,网络设备,北京科技,周磊,赢单,8800,2017/03/01,2017/04/01\n"
        "C2,服务器,北京科技,周磊,输单,0,2017/03/01,2017/03/20\n"
        "C3,存储,北京科技,周磊,洽谈中,100,2017/03/01,\n",
        encoding="gbk",
    )
    toml = """
entity = "deals"
key = "编号"
[columns]
"编号" = "external_ref"
"标题" = "title"
"客户" = "customer"
"负责人" = "owner"
"阶段" = "stage"
"金额" = "amount"
"创建日期" = "created_at"
"成交日期" = "closed_at"
[values.stage]
"洽谈中" = "qualification"
[dates]
time_zone = "UTC"
[create]
owners = "create"
customers = "create"
"""
    result = run(db, admin_id, path, toml)
    assert result.ok, result.errors
    kinds = {
        r.external_ref: r.kind
        for r in rows(
            db, "SELECT d.external_ref, s.kind FROM deals d JOIN stages s ON s.id = d.stage_id"
        )
    }
    assert kinds == {"C1": "won", "C2": "lost", "C3": "open"}
    assert rows(db, "SELECT login, role, password_hash FROM users WHERE name = '周磊'") == [
        ("user", "rep", None)
    ]


def test_xlsx_deals(db: Database, admin_id: int, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pipeline"
    ws.append(DEALS_HEADER.strip().split(","))
    ws.append(
        [
            "X1",
            "Deal",
            "Acme",
            "Ann Lee",
            "Won",
            1054.5,
            datetime(2017, 1, 2),
            datetime(2017, 2, 1),
            None,
        ]
    )
    ws.append(
        [101, "Deal 2", "Acme", "Ann Lee", "Engaging", 7, datetime(2017, 1, 2, 9, 0), None, None]
    )
    path = tmp_path / "deals.xlsx"
    wb.save(path)
    result = run(db, admin_id, path)
    assert result.ok and result.file.kind == "xlsx", result.errors
    x1 = deal_by_ref(db, "X1")
    assert as_money(x1.amount) == Decimal("1054.50")
    assert x1.cycle_days == pytest.approx(30.0)
    assert as_utc(deal_by_ref(db, "101").created_at) == utc(2017, 1, 2, 9)


# --- updates by key ---------------------------------------------------------------------------


def test_a_second_file_updates_stage_won_date_owner_and_amount(
    db: Database, admin_id: int, make_user, tmp_path: Path
) -> None:
    bob = make_user(Role.REP, name="Bob Wu")
    assert run(db, admin_id, deals_file(tmp_path, GOOD)).written
    d1, d2, d4 = (deal_by_ref(db, r) for r in ("D1", "D2", "D4"))
    second = deals_file(
        tmp_path,
        "D1,Router upgrade,Acme,Bob Wu,Won,1500,2017-01-10,2017-04-01,Website\n"
        "D2,Switches,Acme,Ann Lee,Won,5000.50,2017-01-10,2017-03-01,Referral\n"
        "D4,,,,Prospecting,,,,\n"
        "D9,Brand new,Initech,Bob Wu,Prospecting,10,2017-04-01,,\n",
        "second.csv",
    )
    result = run(db, admin_id, second)
    assert result.ok and result.written, result.errors
    assert (result.created, result.updated, result.skipped) == ((5,), (2, 4), (3,))
    after = deal_by_ref(db, "D1")
    assert after.owner_id == bob
    assert as_money(after.amount) == Decimal("1500.00")
    assert as_utc(after.closed_at) == utc(2017, 4, 1)
    assert after.version == d1.version + 1
    assert after.cycle_days == pytest.approx(81.0)
    assert history(db, d1.id) == [
        (None, "prospecting", utc(2017, 1, 10)),
        ("prospecting", "won", utc(2017, 4, 1)),
    ]
    audit = rows(
        db,
        "SELECT field, old_value, new_value, user_id FROM audit_log WHERE deal_id = :d ORDER BY id",
        d=d1.id,
    )
    stages = dict(rows(db, "SELECT key, id FROM stages"))
    assert [tuple(a) for a in audit] == [
        ("owner", str(d1.owner_id), str(bob), admin_id),
        ("amount", "1200.00", "1500.00", admin_id),
        ("stage", str(stages["prospecting"]), str(stages["won"]), admin_id),
    ]
    assert deal_by_ref(db, "D2").version == d2.version  # unchanged: left as it was
    # D4 moves back to an open stage now; empty cells leave its other fields alone.
    moved = deal_by_ref(db, "D4")
    assert moved.title == "Cabling" and as_money(moved.amount) == Decimal("300.00")
    last = history(db, d4.id)[-1]
    assert last[:2] == ("qualification", "prospecting")
    assert datetime.now(UTC) - last[2] < timedelta(minutes=1)
    assert result.changes.deal_ids == frozenset({d1.id, d4.id, deal_by_ref(db, "D9").id})


def test_an_update_cannot_rewrite_history(db: Database, admin_id: int, tmp_path: Path) -> None:
    assert run(db, admin_id, deals_file(tmp_path, GOOD)).written
    before = snapshot(db)
    second = deals_file(
        tmp_path,
        "D2,Switches,Acme,Ann Lee,Won,5000.50,2017-01-10,2017-03-05,\n"  # another won date
        "D1,Router upgrade,Acme,Ann Lee,Won,1200,2017-01-10,2016-12-01,\n"  # before created
        "D4,Cabling,Globex,Bob Wu,Lost,300,2017-02-01,2017-01-15,\n",  # before it entered
        "second.csv",
    )
    result = run(db, admin_id, second)
    assert [(e.line, e.code) for e in result.errors] == [
        (2, "closed_date_fixed"),
        (3, "closed_before_created"),
        (4, "closed_before_created"),
    ]
    assert "already won on 2017-03-01" in str(result.errors[0])
    assert snapshot(db) == before


def test_a_move_may_not_precede_the_current_stage(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    assert run(db, admin_id, deals_file(tmp_path, GOOD)).written
    toml = UTC_TOML.replace('Source = "source"', 'Source = "source"\nMoved = "stage_at"')
    second = write(
        tmp_path,
        "s.csv",
        DEALS_HEADER.strip() + ",Moved\nD4,Cabling,Globex,Bob Wu,Prospecting,300,,,,2017-01-20\n",
    )
    result = run(db, admin_id, second, toml)
    assert [(e.column, e.code) for e in result.errors] == [("Moved", "move_before_entered")]
    second = write(
        tmp_path,
        "s.csv",
        DEALS_HEADER.strip() + ",Moved\nD4,Cabling,Globex,Bob Wu,Prospecting,300,,,,2017-03-20\n",
    )
    assert run(db, admin_id, second, toml).written
    assert history(db, deal_by_ref(db, "D4").id)[-1] == (
        "qualification",
        "prospecting",
        utc(2017, 3, 20),
    )


def test_keys_in_the_file_and_the_database(db: Database, admin_id: int, tmp_path: Path) -> None:
    assert run(db, admin_id, deals_file(tmp_path, GOOD)).written
    no_key = UTC_TOML.replace('key = "Deal ID"\n', "")
    result = run(
        db, admin_id, deals_file(tmp_path, "D1,Again,Acme,Ann Lee,,,,,\n", "a.csv"), no_key
    )
    assert [e.code for e in result.errors] == ["ref_taken"]
    skip = UTC_TOML.replace('key = "Deal ID"', 'key = "Deal ID"\nexisting = "skip"')
    result = run(db, admin_id, deals_file(tmp_path, "D1,Again,Acme,Ann Lee,,,,,\n", "b.csv"), skip)
    assert result.skipped == (2,) and result.ok
    error = UTC_TOML.replace('key = "Deal ID"', 'key = "Deal ID"\nexisting = "error"')
    result = run(db, admin_id, deals_file(tmp_path, "D1,Again,Acme,Ann Lee,,,,,\n", "c.csv"), error)
    assert [e.code for e in result.errors] == ["key_exists"]
    result = run(db, admin_id, deals_file(tmp_path, ",No key,Acme,Ann Lee,,,,,\n", "d.csv"))
    assert [(e.column, e.code) for e in result.errors] == [("Deal ID", "required")]
    assert deal_by_ref(db, "D1").title == "Router upgrade"


# --- names: owners, customers, sources --------------------------------------------------------


def test_unknown_names_are_errors_unless_the_mapping_creates_them(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    strict = UTC_TOML.split("[create]")[0]
    result = run(db, admin_id, deals_file(tmp_path, GOOD), strict)
    assert {(e.line, e.column, e.code) for e in result.errors} == {
        (2, "Owner", "unknown_owner"),
        (2, "Company", "unknown_customer"),
        (3, "Owner", "unknown_owner"),
        (3, "Company", "unknown_customer"),
        (4, "Owner", "unknown_owner"),
        (4, "Company", "unknown_customer"),
        (5, "Owner", "unknown_owner"),
        (5, "Company", "unknown_customer"),
    }
    assert str(result.errors[0]) == "line 2, column \"Company\": there is no customer 'Acme'"
    assert "nobody is called 'Ann Lee'" in str(result.errors[1])
    assert counts(db)["deals"] == 0
    result = run(db, admin_id, deals_file(tmp_path, GOOD))
    assert result.new_records == {
        "user": ["Ann Lee", "Bob Wu"],
        "customer": ["Acme", "Globex"],
        "source": [],
        "lost_reason": [],
    }
    # "Website" and "Referral" are default sources; names match without case.
    assert rows(db, "SELECT login, role, password_hash, active FROM users ORDER BY id")[1:] == [
        ("ann.lee", "rep", None, True),
        ("bob.wu", "rep", None, True),
    ]
    acme = rows(db, "SELECT owner_id, source_id, created_at FROM customers WHERE company = 'Acme'")
    ann = scalar(db, "SELECT id FROM users WHERE login = 'ann.lee'")
    website = scalar(db, "SELECT id FROM lead_sources WHERE name = 'Website'")
    assert acme[0][:2] == (ann, website)
    assert as_utc(acme[0][2]) == utc(2017, 1, 10)  # its first deal's first contact
    # A deal without a source takes its customer's, as in crmdesk.
    assert deal_by_ref(db, "D3").source_id is None
    again = deals_file(tmp_path, "D8,x,acme,ANN LEE,,,,,\n", "again.csv")
    assert run(db, admin_id, again, strict).written  # known now, matched without case
    assert deal_by_ref(db, "D8").source_id == website


def test_a_manager_imports_but_cannot_add_owners(db: Database, make_user, tmp_path: Path) -> None:
    manager = make_user(Role.MANAGER)
    result = run(db, manager, deals_file(tmp_path, GOOD))
    assert {e.code for e in result.errors} == {"owner_needs_admin"}
    assert "only an admin can add users" in str(result.errors[0])
    make_user(Role.REP, name="Ann Lee")
    make_user(Role.REP, name="Bob Wu")
    assert run(db, manager, deals_file(tmp_path, GOOD)).written


def test_a_rep_may_not_import(db: Database, make_user, tmp_path: Path) -> None:
    rep = make_user(Role.REP)
    before = snapshot(db)
    with pytest.raises(PermissionDenied) as err:
        run(db, rep, deals_file(tmp_path, GOOD))
    assert err.value.action == "import"
    assert "manager or an admin" in str(err.value)
    with pytest.raises(PermissionDenied):
        dry_run(db, "deals", deals_file(tmp_path, GOOD), parse_mapping(UTC_TOML), by=rep)
    assert snapshot(db) == before


# --- change log, progress, cancel -------------------------------------------------------------


def test_the_import_is_one_change_log_entry(db: Database, admin_id: int, tmp_path: Path) -> None:
    before = scalar(db, "SELECT COUNT(*) FROM change_log")
    result = run(db, admin_id, deals_file(tmp_path, GOOD))
    ids = {r[0] for r in rows(db, "SELECT id FROM deals")}
    assert result.changes.deal_ids == frozenset(ids)
    assert result.changes.kinds == (
        Change.DEALS | Change.TRANSITIONS | Change.CUSTOMERS | Change.USERS
    )
    log = rows(db, "SELECT kinds, deal_ids, user_id FROM change_log ORDER BY id")
    assert len(log) == before + 1
    kinds, deal_ids, user = log[-1]
    assert Change(kinds) == result.changes.kinds
    assert {int(i) for i in deal_ids.split(",")} == ids
    assert user == admin_id


def test_progress_and_cancel(db: Database, admin_id: int, tmp_path: Path) -> None:
    heard: list[tuple[str, int, int]] = []
    path = deals_file(tmp_path, GOOD)
    run(db, admin_id, path, progress=lambda *a: heard.append(a), dry_run=True)
    assert [h[0] for h in heard][:2] == ["reading", "reading"]
    assert ("checking", 4, 4) in heard and not any(h[0] == "writing" for h in heard)
    before = snapshot(db)
    triggers = _triggers(db)
    assert len(triggers) >= 5  # the fact triggers of migrations 0005 and 0008 among them
    for phase in ("reading", "checking", "writing"):
        seen: list[str] = []

        def progress(name: str, done: int, total: int, seen: list[str] = seen) -> None:
            seen.append(name)

        def cancel(phase: str = phase, seen: list[str] = seen) -> bool:
            return phase in seen

        result = run(db, admin_id, path, progress=progress, cancel=cancel)
        assert result.cancelled and not result.written and not result.ok
        assert "was cancelled; nothing was written" in result.summary()
        assert snapshot(db) == before, phase
        # SQLite: the fact triggers set aside while the rows go in are back.
        assert _triggers(db) == triggers, phase


def _triggers(db: Database) -> dict[str, str]:
    """The database's triggers and their text (PostgreSQL: those of the test's schema)."""
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = (
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger AS t "
                "JOIN pg_class AS c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
            )
        return {name: sql for name, sql in conn.exec_driver_sql(query)}


# --- the real sample --------------------------------------------------------------------------

MAVEN_TOML = """
entity = "deals"
key = "opportunity_id"

[columns]
opportunity_id = "external_ref"
sales_agent = "owner"
account = "customer"
deal_stage = "stage"
engage_date = "created_at"
close_date = "closed_at"
close_value = "amount"

[templates]
title = "{product} {account}"

[defaults]
open_stage = "qualification"

[values.stage]
Engaging = "qualification"

[create]
owners = "create"
customers = "create"
"""


@pytest.mark.skipif(not MAVEN.is_file(), reason="the Maven sample is not here")
def test_the_maven_sample(db: Database, admin_id: int) -> None:
    result = run_import(db, "deals", MAVEN, parse_mapping(MAVEN_TOML), by=admin_id)
    assert result.ok and len(result.created) == 8800, result.errors[:3]
    assert result.file.line_ending == "CRLF"
    kpis = MetricsService(db).kpis(MetricsFilter(tz="UTC"))
    assert (kpis.won_count, kpis.lost_count) == (4238, 2473)
    assert round(kpis.close_rate, 4) == 0.6315
    assert kpis.new_customers == 85
    again = run_import(db, "deals", MAVEN, parse_mapping(MAVEN_TOML), by=admin_id)
    assert len(again.skipped) == 8800 and again.ok and not again.changes.kinds


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "mappings"


def test_the_example_mapping(db: Database, admin_id: int) -> None:
    result = run_import(db, "deals", EXAMPLES / "deals.csv", EXAMPLES / "deals.toml", by=admin_id)
    assert result.ok and result.created == (2, 3, 4, 5), result.errors
    won, lost, quote, lead = (deal_by_ref(db, f"CRM-100{i}") for i in range(1, 5))
    assert as_money(won.amount) == Decimal("12500.00") and won.currency == "USD"
    assert scalar(db, "SELECT kind FROM stages WHERE id = :i", i=won.stage_id) == "won"
    assert scalar(db, "SELECT name FROM lost_reasons WHERE id = :i", i=lost.lost_reason_id) == (
        "Price too high"
    )
    assert str(quote.expected_close)[:10] == "2025-04-30"
    assert lead.notes == 'Asked for a quote "as soon as possible"'


def test_deals_in_another_pipeline(db: Database, admin_id: int, tmp_path: Path) -> None:
    from crmdesk.db import models as m

    with db.transaction() as s:
        pipe = m.Pipeline(key="renewals", name="Renewals", names={"zh_CN": "续约"}, position=1)
        s.add(pipe)
        s.flush()
        for pos, (key, kind) in enumerate((("renewal_talk", "open"), ("renewed", "won"))):
            s.add(
                m.Stage(
                    pipeline_id=pipe.id,
                    key=key,
                    name=key.title(),
                    names={},
                    position=pos,
                    probability=30,
                    kind=kind,
                    slot=pos,
                )
            )
    toml = UTC_TOML.replace('Source = "source"', 'Source = "source"\nPipeline = "pipeline"')
    header = DEALS_HEADER.strip() + ",Pipeline\n"
    path = write(
        tmp_path,
        "p.csv",
        header + "R1,Renewal,Acme,Ann Lee,,100,2017-01-01,,,续约\n"
        "R2,Renewal 2,Acme,Ann Lee,won,100,2017-01-01,2017-02-01,,renewals\n"
        "R3,Bad,Acme,Ann Lee,Engaging,100,2017-01-01,,,renewals\n"
        "R4,Bad,Acme,Ann Lee,,100,2017-01-01,,,Leasing\n",
    )
    result = run(db, admin_id, path, toml, skip_bad_rows=True)
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (4, "Stage", "unknown_stage"),
        (5, "Pipeline", "unknown_pipeline"),
    ]
    assert "(its stages: renewal_talk, renewed)" in str(result.errors[0])
    assert history(db, deal_by_ref(db, "R1").id) == [(None, "renewal_talk", utc(2017, 1, 1))]
    assert history(db, deal_by_ref(db, "R2").id)[-1] == ("renewal_talk", "renewed", utc(2017, 2, 1))
    move = write(tmp_path, "q.csv", header + "R1,,,,,,,,,sales\n")
    result = run(db, admin_id, move, toml)
    assert [(e.code, str(e)) for e in result.errors] == [
        (
            "other_pipeline",
            'line 2, column "Pipeline": the deal is in the pipeline renewals; an import cannot '
            "move it to sales",
        )
    ]


def test_every_problem_of_a_row_is_reported(db: Database, admin_id: int, tmp_path: Path) -> None:
    result = run(db, admin_id, deals_file(tmp_path, "X,,Acme,Ann,Won,-1,,,\n"))
    assert [(e.column, e.code) for e in result.errors] == [
        ("Title", "required"),
        ("Amount", "negative"),
        ("Created", "created_required"),
        ("Closed", "close_date_required"),
    ]
