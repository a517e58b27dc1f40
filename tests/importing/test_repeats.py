"""The same key twice in one file: an identical repeat is left as it is (a skipped
row, not an error, in the dry run and the import); a repeat with other values is an
error naming both lines and the columns that differ. Both databases."""

from __future__ import annotations

from pathlib import Path

from crmdesk.db.engine import Database
from crmdesk.importing import dry_run, parse_mapping, run_import

from ._helpers import counts, rows, scalar, snapshot, write
from .test_deals import UTC_TOML, deals_file

#: A sales-team file: one row per agent, the manager named on each (as Maven's).
TEAM = (
    "sales_agent,manager,regional_office\n"
    "Ann Lee,cara.losch,Central\n"  # line 2
    "Bob Wu,cara.losch,Central\n"  # line 3
    "Cid Ray,rocco.neubert,West\n"  # line 4
    "Dee Fox,cara.losch,Central\n"  # line 5
)
MANAGERS_TOML = """
entity = "users"
key = "manager"
[columns]
manager = ["login", "name"]
[defaults]
role = "manager"
"""


def test_identical_repeats_of_a_user_are_skipped_not_errors(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    path = write(tmp_path, "team.csv", TEAM)
    mapping = parse_mapping(MANAGERS_TOML, "users")
    before = snapshot(db)
    result = dry_run(db, "users", path, mapping, by=admin_id)
    assert result.ok and not result.written
    assert (result.created, result.updated, result.skipped, result.errors) == (
        (2, 4),
        (),
        (3, 5),
        (),
    )
    assert "2 to create, 0 to update, 2 to leave as they are, 0 with errors" in result.summary()
    assert snapshot(db) == before

    result = run_import(db, "users", path, mapping, by=admin_id)
    assert result.ok and result.written
    assert (result.created, result.skipped) == ((2, 4), (3, 5))
    found = rows(db, "SELECT login, name, role FROM users WHERE role = 'manager' ORDER BY login")
    assert [tuple(r) for r in found] == [
        ("cara.losch", "cara.losch", "manager"),
        ("rocco.neubert", "rocco.neubert", "manager"),
    ]
    # Again: the first rows match the database now, the repeats still repeat them.
    again = run_import(db, "users", path, mapping, by=admin_id)
    assert again.ok and (again.created, again.updated, again.skipped) == ((), (), (2, 3, 4, 5))


def test_a_repeat_with_other_values_is_an_error_naming_both_lines(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    toml = MANAGERS_TOML.replace(
        'manager = ["login", "name"]', 'manager = "login"\nregional_office = "name"'
    )
    path = write(
        tmp_path, "team.csv", TEAM.replace("Dee Fox,cara.losch,Central", "Dee Fox,Cara.Losch,East")
    )
    before = snapshot(db)
    result = run_import(db, "users", path, parse_mapping(toml, "users"), by=admin_id)
    assert not result.written and result.skipped == (3,)
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (5, "manager", "duplicate_key_conflict")
    ]
    assert str(result.errors[0]) == (
        "line 5, column \"manager\": 'Cara.Losch' already appears on line 2, with other "
        'values in "manager", "regional_office"; keep one of the two rows'
    )
    assert snapshot(db) == before


def test_identical_deal_rows_make_one_deal(db: Database, admin_id: int, tmp_path: Path) -> None:
    row = "D1,Switches,Acme,Ann Lee,Won,5000.50,2017-01-10,2017-03-01,Referral\n"
    path = deals_file(tmp_path, row + "D2,Cables,Acme,Ann Lee,Prospecting,10,2017-01-11,,\n" + row)
    result = run_import(db, "deals", path, parse_mapping(UTC_TOML), by=admin_id)
    assert result.ok and (result.created, result.skipped) == ((2, 3), (4,))
    assert counts(db)["deals"] == 2
    assert (
        scalar(
            db,
            "SELECT COUNT(*) FROM stage_transitions WHERE deal_id = "
            "(SELECT id FROM deals WHERE external_ref = 'D1')",
        )
        == 2
    )

    # The same key with another amount: an error, nothing written.
    before = snapshot(db)
    conflict = deals_file(
        tmp_path,
        "D3,Router,Acme,Ann Lee,Won,10,2017-01-10,2017-03-01,\n"
        "D3,Router,Acme,Ann Lee,Won,12,2017-01-10,2017-03-01,\n",
        name="d3.csv",
    )
    result = run_import(db, "deals", conflict, parse_mapping(UTC_TOML), by=admin_id)
    assert not result.written
    assert [(e.line, e.column, e.code, e.params["first_line"]) for e in result.errors] == [
        (3, "Deal ID", "duplicate_key_conflict", 2)
    ]
    assert 'with other values in "Amount"' in str(result.errors[0])
    assert snapshot(db) == before


def test_customers_and_contacts_repeated_by_name(
    db: Database, admin_id: int, tmp_path: Path
) -> None:
    toml = '[columns]\nName = "company"\nWeb = "website"\n'
    path = write(tmp_path, "c.csv", "Name,Web\nAcme,a.test\nGlobex,\nAcme,a.test\n")
    result = run_import(db, "customers", path, parse_mapping(toml, "customers"), by=admin_id)
    assert result.ok and (result.created, result.skipped) == ((2, 3), (4,))
    assert counts(db)["customers"] == 2

    contacts = '[columns]\nCompany = "customer"\nName = "name"\nPhone = "phone"\n'
    path = write(
        tmp_path,
        "p.csv",
        "Company,Name,Phone\nAcme,Li Na,1\nAcme,Li Na,1\nAcme,Li Na,2\nGlobex,Li Na,3\n",
    )
    result = run_import(db, "contacts", path, parse_mapping(contacts, "contacts"), by=admin_id)
    assert [(e.line, e.code) for e in result.errors] == [(4, "duplicate_row_conflict")]
    assert str(result.errors[0]).endswith(
        "the same contact 'Li Na' already appears on line 2, with other values in \"Phone\"; "
        "keep one of the two rows"
    )
    assert (result.created, result.skipped) == ((2, 5), (3,))
    assert counts(db)["contacts"] == 0  # all or nothing
