"""crmdesk.portability.dump: the whole database as JSON, and loading it back.

A dump loaded into an empty database gives the same rows in every table (the
trigger-kept columns and ``stage_visits`` rebuilt, not copied) and the same
reports; a wrong, newer, tampered or cut-short file, a database that holds data or
one at another schema revision is refused with nothing written.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import requires_pg

from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import head_revision, upgrade
from crmdesk.portability import PortabilityError
from crmdesk.portability.dump import (
    FORMAT_VERSION,
    document_checksum,
    dump_database,
    load_dump,
    read_document,
    read_dump,
)
from crmdesk.portability.tables import DERIVED_COLUMNS, TABLE_ORDER

from ._helpers import (
    PASSWORD,
    assert_same_metrics,
    assert_same_rows,
    count_rows,
    empty_database,
    fill,
    metrics,
    table_rows,
)


def _resign(path: Path, doc: dict[str, Any]) -> None:
    """Write an edited document back with a checksum that matches it, so that the
    checks after the checksum are the ones that must catch the edit."""
    doc["checksum"] = document_checksum(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def dumped(db: Database, tmp_path: Path) -> tuple[Database, Path]:
    """A filled database (each backend) and its dump with the password hashes."""
    fill(db)
    path = tmp_path / "all.json"
    dump_database(db, path, include_password_hashes=True)
    return db, path


@pytest.fixture
def sqlite_dumped(sqlite_db: Database, tmp_path: Path) -> tuple[Database, Path]:
    """The same from SQLite only: for the refusals, which read the file alone."""
    fill(sqlite_db)
    path = tmp_path / "all.json"
    dump_database(sqlite_db, path, include_password_hashes=True)
    return sqlite_db, path


def test_the_document_is_versioned_json_with_every_table(db: Database, tmp_path: Path) -> None:
    ids = fill(db)
    path = tmp_path / "all.json"
    info = dump_database(db, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "crmdesk-dump"
    assert doc["version"] == FORMAT_VERSION
    assert doc["revision"] == head_revision() == info.revision
    assert doc["password_hashes"] is False
    assert list(doc["tables"]) == list(TABLE_ORDER)  # parents first
    assert "stage_visits" not in doc["tables"]
    for table, derived in DERIVED_COLUMNS.items():
        assert not set(derived) & set(doc["tables"][table]["columns"])
    users = doc["tables"]["users"]
    assert "password_hash" not in users["columns"]
    deals = doc["tables"]["deals"]
    row = next(r for r in deals["rows"] if r[deals["columns"].index("id")] == ids["deal"])
    deal = dict(zip(deals["columns"], row, strict=True))
    assert deal["amount"] == "2345.67"  # a decimal as text, never a float
    assert deal["expected_close"] == "2026-05-15"
    assert deal["created_at"].endswith("Z")  # ISO UTC
    assert deal["title"] == "=1+1"  # JSON text is data, left as it is
    assert doc["checks"]["counts"]["deals"] == len(deals["rows"]) == info.counts["deals"]
    assert doc["checksum"].startswith("sha256:")
    for name in TABLE_ORDER:  # ids ascending: rows in primary-key order
        body = doc["tables"][name]
        if "id" in body["columns"]:
            at = body["columns"].index("id")
            found = [r[at] for r in body["rows"]]
            assert found == sorted(found)


def test_password_hashes_only_when_asked(db: Database, tmp_path: Path) -> None:
    ids = fill(db)
    dump_database(db, tmp_path / "with.json", include_password_hashes=True)
    doc = read_document(tmp_path / "with.json")
    users = doc["tables"]["users"]
    hashes = {
        r[users["columns"].index("id")]: r[users["columns"].index("password_hash")]
        for r in users["rows"]
    }
    assert hashes[ids["manager"]].startswith("scrypt$")
    assert PASSWORD not in (tmp_path / "with.json").read_text(encoding="utf-8")


def test_load_gives_the_same_rows_and_the_same_reports(
    dumped: tuple[Database, Path], backend: str, tmp_path: Path
) -> None:
    source, path = dumped
    with empty_database(backend, tmp_path) as target:
        report = load_dump(target, path)
        assert report.password_hashes
        assert report.counts["deals"] == count_rows(source, "deals")
        # Every table, the derived columns and stage_visits included, exactly.
        assert_same_rows(table_rows(source), table_rows(target))
        assert_same_metrics(metrics(source), metrics(target))
        # The loaded database is an ordinary one: sign-in works, new ids do not collide.
        from crmdesk.services import auth, deals
        from crmdesk.services.setup import default_admin_id

        assert auth.sign_in(target, "mia", PASSWORD).login == "mia"
        new = deals.create_deal(target, by=default_admin_id(target), title="After the load")
        assert new.value.id > max(r["id"] for r in table_rows(source)["deals"])


def test_without_password_hashes_everything_else_is_the_same(
    db: Database, backend: str, tmp_path: Path
) -> None:
    fill(db)
    path = tmp_path / "all.json.gz"
    info = dump_database(db, path)
    assert info.compressed and path.read_bytes()[:2] == b"\x1f\x8b"
    with empty_database(backend, tmp_path) as target:
        assert not load_dump(target, path).password_hashes
        loaded = table_rows(target)
        assert all(u["password_hash"] is None for u in loaded["users"])
        assert_same_rows(table_rows(db), loaded, ignore={("users", "password_hash")})
        assert_same_metrics(metrics(db), metrics(target))


@requires_pg
@pytest.mark.postgres
def test_a_sqlite_dump_loads_into_postgresql(sqlite_db: Database, tmp_path: Path) -> None:
    """Another engine recomputes the derived floats; they agree within rounding."""
    from crmdesk.services.setup import ensure_initialized

    ensure_initialized(sqlite_db)
    fill(sqlite_db)
    path = tmp_path / "all.json"
    dump_database(sqlite_db, path, include_password_hashes=True)
    with empty_database("postgres", tmp_path) as target:
        load_dump(target, path)
        assert_same_rows(table_rows(sqlite_db), table_rows(target), exact_floats=False)
        assert_same_metrics(metrics(sqlite_db), metrics(target))


def test_a_database_that_holds_data_is_refused(
    dumped: tuple[Database, Path], backend: str, tmp_path: Path
) -> None:
    source, path = dumped
    before = table_rows(source)
    with pytest.raises(PortabilityError, match="already holds data") as info:
        load_dump(source, path)
    assert info.value.params["reason"] == "not_empty"
    assert table_rows(source) == before


def test_a_just_initialised_database_counts_as_empty(
    dumped: tuple[Database, Path], backend: str, tmp_path: Path
) -> None:
    """``crmdesk migrate`` gives a new database a default admin, pipeline and lists;
    the load replaces them."""
    from crmdesk.services.setup import ensure_initialized

    source, path = dumped
    with empty_database(backend, tmp_path) as target:
        ensure_initialized(target)
        load_dump(target, path)
        assert_same_rows(table_rows(source), table_rows(target))


def _refused(target: Database, path: Path, match: str) -> PortabilityError:
    before = table_rows(target)
    with pytest.raises(PortabilityError, match=match) as info:
        load_dump(target, path)
    assert table_rows(target) == before, "a refused load wrote something"
    return info.value


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        pytest.param(lambda d: d.update(format="other"), "not a crmdesk dump", id="format"),
        pytest.param(
            lambda d: d.update(version=FORMAT_VERSION + 1), "newer crmdesk", id="newer-version"
        ),
        pytest.param(lambda d: d.update(revision="9999"), "schema '9999'", id="unknown-revision"),
        pytest.param(lambda d: d.update(revision="0005"), "the dump at 0005", id="older-revision"),
        pytest.param(lambda d: d["tables"].pop("deals"), "lacks the table", id="missing-table"),
        pytest.param(
            lambda d: d["tables"].update(stage_visits={"columns": [], "rows": []}),
            "unknown table",
            id="derived-table",
        ),
    ],
)
def test_a_wrong_document_is_refused_before_anything_is_written(
    sqlite_dumped: tuple[Database, Path], tmp_path: Path, edit: Any, match: str
) -> None:
    _source, path = sqlite_dumped
    doc = read_document(path)
    edit(doc)
    _resign(path, doc)
    with empty_database("sqlite", tmp_path) as target:
        _refused(target, path, match)


def _edit_deal(doc: dict[str, Any], column: str, value: Any) -> None:
    deals = doc["tables"]["deals"]
    deals["rows"][0][deals["columns"].index(column)] = value


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        pytest.param(
            lambda d: _edit_deal(d, "amount", 12.5),
            "expected a decimal written as text",
            id="float",
        ),
        pytest.param(
            lambda d: _edit_deal(d, "created_at", "2026-01-01T10:00:00"),
            "without its UTC offset",
            id="naive-time",
        ),
        pytest.param(
            lambda d: _edit_deal(d, "expected_close", "01/02/2026"), "YYYY-MM-DD", id="date"
        ),
        pytest.param(
            lambda d: d["tables"]["deals"]["columns"].append("colour"),
            "unexpected colour",
            id="extra-column",
        ),
        pytest.param(
            lambda d: d["tables"]["users"]["columns"].remove("login"),
            "lacks login",
            id="missing-column",
        ),
        pytest.param(
            lambda d: d["tables"]["deals"]["rows"].pop(), "its checks say", id="row-count"
        ),
    ],
)
def test_bad_columns_and_values_are_refused(
    sqlite_dumped: tuple[Database, Path], tmp_path: Path, edit: Any, match: str
) -> None:
    _source, path = sqlite_dumped
    doc = read_document(path)
    edit(doc)
    _resign(path, doc)
    with empty_database("sqlite", tmp_path) as target:
        _refused(target, path, match)


def test_a_changed_or_cut_file_is_refused(
    sqlite_dumped: tuple[Database, Path], tmp_path: Path
) -> None:
    _source, path = sqlite_dumped
    text = path.read_text(encoding="utf-8")
    with empty_database("sqlite", tmp_path) as target:
        # One amount changed by hand, the checksum left as it was.
        doc = json.loads(text)
        _edit_deal(doc, "amount", "999999.00")
        path.write_text(json.dumps(doc), encoding="utf-8")
        err = _refused(target, path, "does not match its checksum")
        assert err.params["reason"] == "checksum"
        # Cut short.
        path.write_text(text[: len(text) // 2], encoding="utf-8")
        _refused(target, path, "cut short")
        # A cut gzip file.
        gz = tmp_path / "cut.json.gz"
        data = gzip.compress(text.encode("utf-8"))
        gz.write_bytes(data[: len(data) // 2])
        _refused(target, gz, "damaged")
        # Not JSON at all, an SQLite file, nothing there.
        path.write_text("name,amount\nx,1\n", encoding="utf-8")
        _refused(target, path, "not a crmdesk JSON dump")
        _refused(target, Path(target.engine.url.database or ""), "SQLite database, not a JSON")
        _refused(target, tmp_path / "missing.json", "does not exist")


def test_rebuilt_facts_that_disagree_with_the_checks_roll_the_load_back(
    dumped: tuple[Database, Path], backend: str, tmp_path: Path
) -> None:
    """The load compares the counts, the trigger-kept facts and the KPIs of the loaded,
    uncommitted rows with the dump's; any difference leaves the database empty."""
    _source, path = dumped
    doc = read_document(path)
    doc["checks"]["kpis"]["sales"]["won_count"] += 1
    doc["checks"]["facts"]["stage_visits.count"] += 1
    _resign(path, doc)
    with empty_database(backend, tmp_path) as target:
        err = _refused(target, path, "disagrees with the dump's checks")
        assert "kpis.sales.won_count" in str(err)
        assert "facts.stage_visits.count" in str(err)
        assert count_rows(target, "deals") == 0


def test_a_database_at_another_revision_is_refused(
    sqlite_dumped: tuple[Database, Path], tmp_path: Path
) -> None:
    _source, path = sqlite_dumped
    engine = create_db_engine(resolve_url(str(tmp_path / "older.sqlite3")))
    upgrade(engine, "0005")
    db = Database(engine)
    try:
        with pytest.raises(PortabilityError, match="is at schema 0005, the dump at"):
            load_dump(db, path)
        assert count_rows(db, "deals") == 0
    finally:
        db.dispose()


def test_read_dump_returns_typed_values(sqlite_dumped: tuple[Database, Path]) -> None:
    source, path = sqlite_dumped
    dump = read_dump(path)
    columns, rows = dump.tables["deals"]
    deal = dict(zip(columns, rows[0], strict=True))
    assert deal == {k: v for k, v in table_rows(source)["deals"][0].items() if k in columns}
    assert dump.counts["deals"] == count_rows(source, "deals")
