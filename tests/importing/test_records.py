"""Importing customers, contacts, activities and users. Both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import Change, PermissionDenied, Role
from crmdesk.importing import ImportResult, parse_mapping, run_import

from ._helpers import as_utc, counts, rows, scalar, snapshot, write
from .test_deals import GOOD, UTC_TOML, deals_file, utc

CUSTOMERS_TOML = """
entity = "customers"
key = "Ref"
[columns]
Ref = "external_ref"
Company = "company"
Industry = "industry"
Source = "source"
Owner = "owner"
Email = "email"
Phone = "phone"
Since = "created_at"
[dates]
time_zone = "UTC"
[create]
sources = "create"
"""


def run(db: Database, entity: str, by: int, path: Path, toml: str, **kw: object) -> ImportResult:
    return run_import(db, entity, path, parse_mapping(toml, entity), by=by, **kw)  # type: ignore[arg-type]


def test_customers_are_created_then_updated_by_key(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    first = write(
        tmp_path,
        "c.csv",
        "Ref,Company,Industry,Source,Owner,Email,Phone,Since\n"
        "C1,Acme,Retail,Website,admin,info@acme.test,555,2016-05-01\n"
        "C2,北京科技,制造,展会,,,,\n"
        "C3,Globex,,Podcast,,,,\n",
    )
    result = run(db, "customers", admin_id, first, CUSTOMERS_TOML)
    assert result.ok and len(result.created) == 3, result.errors
    assert result.new_records["source"] == ["Podcast"]  # 展会 is a default source's name
    assert result.changes.kinds == Change.CUSTOMERS | Change.LISTS
    acme = rows(db, "SELECT * FROM customers WHERE external_ref = 'C1'")[0]
    assert (acme.company, acme.industry, acme.email, acme.owner_id) == (
        "Acme",
        "Retail",
        "info@acme.test",
        admin_id,
    )
    assert as_utc(acme.created_at) == utc(2016, 5, 1)
    second = write(
        tmp_path,
        "c2.csv",
        "Ref,Company,Industry,Source,Owner,Email,Phone,Since\n"
        "C1,Acme Corp,,,,,556,\n"
        "C2,北京科技,制造,展会,,,,\n"
        "C4,Initech,,,,not-an-email,,\n",
    )
    result = run(db, "customers", admin_id, second, CUSTOMERS_TOML)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(4, "Email", "bad_email")]
    result = run(db, "customers", admin_id, second, CUSTOMERS_TOML, skip_bad_rows=True)
    assert (result.updated, result.skipped, result.rejected) == ((2,), (3,), (4,))
    acme = rows(db, "SELECT * FROM customers WHERE external_ref = 'C1'")[0]
    assert (acme.company, acme.industry, acme.phone, acme.version) == (
        "Acme Corp",
        "Retail",
        "556",
        2,
    )


def test_customers_without_a_key_match_by_company(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    toml = '[columns]\nName = "company"\nWeb = "website"\n'
    path = write(tmp_path, "c.csv", "Name,Web\nAcme,a.test\nacme ,b.test\nGlobex,\n")
    result = run(db, "customers", admin_id, path, toml)
    assert [(e.line, e.code) for e in result.errors] == [(3, "duplicate_row_conflict")]
    path = write(tmp_path, "c.csv", "Name,Web\nAcme,a.test\nGlobex,\n")
    assert run(db, "customers", admin_id, path, toml).created == (2, 3)
    path = write(tmp_path, "c.csv", "Name,Web\nACME,c.test\nInitech,\n")
    result = run(db, "customers", admin_id, path, toml)
    assert (result.created, result.updated) == ((3,), (2,))
    assert scalar(db, "SELECT website FROM customers WHERE company = 'ACME'") == "c.test"
    skip = 'existing = "skip"\n' + toml
    result = run(db, "customers", admin_id, path, skip)
    assert result.skipped == (2, 3)


def test_contacts_belong_to_customers(db: Database, admin_id: int, tmp_path: Path) -> None:
    toml = """
entity = "contacts"
[columns]
"公司" = "customer"
"姓名" = "name"
"职位" = "title"
"邮箱" = "email"
[create]
customers = "create"
"""
    path = write(
        tmp_path,
        "p.csv",
        "公司,姓名,职位,邮箱\n北京科技,王芳,经理,wang@bj.test\n北京科技,李雷,,\n,无名,,\n",
        encoding="gb18030",
    )
    result = run(db, "contacts", admin_id, path, toml)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(4, "公司", "required")]
    result = run(db, "contacts", admin_id, path, toml, skip_bad_rows=True)
    assert result.created == (2, 3) and result.new_records["customer"] == ["北京科技"]
    assert result.changes.kinds == Change.CONTACTS | Change.CUSTOMERS
    found = rows(
        db,
        "SELECT c.name, c.title, k.company FROM contacts c JOIN customers k "
        "ON k.id = c.customer_id ORDER BY c.id",
    )
    assert [tuple(r) for r in found] == [("王芳", "经理", "北京科技"), ("李雷", None, "北京科技")]
    again = write(
        tmp_path, "q.csv", "公司,姓名,职位,邮箱\n北京科技,王芳,总监,\n", encoding="gb18030"
    )
    result = run(db, "contacts", admin_id, again, toml)
    assert result.updated == (2,)
    assert scalar(db, "SELECT title FROM contacts WHERE name = '王芳'") == "总监"
    strict = toml.replace('customers = "create"', 'customers = "error"')
    other = write(tmp_path, "r.csv", "公司,姓名,职位,邮箱\n上海贸易,赵六,,\n", encoding="gb18030")
    assert [e.code for e in run(db, "contacts", admin_id, other, strict).errors] == [
        "unknown_customer"
    ]


def test_activities_on_deals_and_customers(db: Database, admin_id: int, tmp_path: Path) -> None:
    assert run(db, "deals", admin_id, deals_file(tmp_path, GOOD), UTC_TOML).written
    toml = """
entity = "activities"
[columns]
Type = "kind"
Subject = "subject"
Deal = "deal_ref"
Company = "customer"
Due = "due_at"
Done = "done_at"
[values.kind]
Visit = "meeting"
[dates]
time_zone = "UTC"
"""
    path = write(
        tmp_path,
        "a.csv",
        "Type,Subject,Deal,Company,Due,Done\n"
        "电话,First call,D1,,,2017-01-11 10:00\n"
        "Visit,On site,D2,Acme,2099-01-01,\n"
        "Email,Quote sent,,Globex,,2017-02-02\n"
        "Fax,Old school,D1,,,\n"
        "Call,Wrong customer,D1,Globex,,\n"
        "Call,No deal,D77,,,\n"
        "Call,Nothing,,,,\n",
    )
    result = run(db, "activities", admin_id, path, toml)
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (5, "Type", "bad_choice"),
        (6, "Company", "deal_of_other_customer"),
        (7, "Deal", "unknown_deal"),
        (8, None, "needs_deal_or_customer"),
    ]
    assert "'Fax' is not one of call, meeting, email, task, note" in str(result.errors[0])
    result = run(db, "activities", admin_id, path, toml, skip_bad_rows=True)
    assert result.created == (2, 3, 4)
    acts = rows(
        db,
        "SELECT a.kind, a.deal_id, a.customer_id, a.done_at, a.due_at, a.created_at "
        "FROM activities a ORDER BY a.id",
    )
    d1 = rows(db, "SELECT id, customer_id, first_response_at FROM deals WHERE external_ref = 'D1'")[
        0
    ]
    assert (acts[0].kind, acts[0].deal_id, acts[0].customer_id) == ("call", d1.id, d1.customer_id)
    assert as_utc(acts[0].created_at) == as_utc(acts[0].done_at) == utc(2017, 1, 11, 10)
    assert as_utc(d1.first_response_at) == utc(2017, 1, 11, 10)  # the triggers followed
    assert acts[1].kind == "meeting" and acts[1].done_at is None
    assert as_utc(acts[1].due_at) == utc(2099, 1, 1)
    assert acts[2].deal_id is None and acts[2].kind == "email"
    assert result.changes.kinds == Change.ACTIVITIES


USERS_TOML = """
entity = "users"
key = "Login"
[columns]
Login = "login"
Name = "name"
Role = "role"
Active = "active"
"""


def test_users_are_imported_by_an_admin_only(
    db: Database, admin_id: int, make_user, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "u.csv",
        "Login,Name,Role,Active\nann,Ann Lee,销售经理,yes\nbob,Bob Wu,,\n"
        "bad login,X,rep,\ncid,Cid,boss,\n",
    )
    manager = make_user(Role.MANAGER)
    before = snapshot(db)
    with pytest.raises(PermissionDenied) as err:
        run(db, "users", manager, path, USERS_TOML)
    assert err.value.action == "import_users"
    assert snapshot(db) == before
    result = run(db, "users", admin_id, path, USERS_TOML)
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (4, "Login", "bad_login"),
        (5, "Role", "bad_choice"),
    ]
    result = run(db, "users", admin_id, path, USERS_TOML, skip_bad_rows=True)
    assert result.created == (2, 3) and result.changes.kinds == Change.USERS
    assert [
        tuple(r)
        for r in rows(
            db,
            "SELECT login, name, role, active, password_hash FROM users WHERE login IN "
            "('ann', 'bob') ORDER BY login",
        )
    ] == [("ann", "Ann Lee", "manager", True, None), ("bob", "Bob Wu", "rep", True, None)]
    update = write(tmp_path, "v.csv", "Login,Name,Role,Active\nBOB,,manager,no\n")
    assert run(db, "users", admin_id, update, USERS_TOML).updated == (2,)
    assert tuple(rows(db, "SELECT role, active FROM users WHERE login = 'bob'")[0]) == (
        "manager",
        False,
    )


def test_the_last_admin_stays(db: Database, admin_id: int, tmp_path: Path) -> None:
    login = scalar(db, "SELECT login FROM users WHERE id = :i", i=admin_id)
    path = write(tmp_path, "u.csv", f"Login,Name,Role,Active\n{login},,rep,\n")
    result = run(db, "users", admin_id, path, USERS_TOML)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, "Role", "last_admin")]
    assert "without an active admin" in str(result.errors[0])
    assert scalar(db, "SELECT role FROM users WHERE id = :i", i=admin_id) == "admin"
    path = write(
        tmp_path, "u.csv", f"Login,Name,Role,Active\n{login},,rep,\nnewboss,New Boss,admin,\n"
    )
    result = run(db, "users", admin_id, path, USERS_TOML)
    assert result.ok and result.written
    assert counts(db)["users"] == 2
