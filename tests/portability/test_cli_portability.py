"""``crmdesk export``, ``copy``, ``backup`` and ``restore``: what they print, write and
refuse. Bad input is one line on stderr, ``crmdesk: error: ...``, exit code 2, and
no file written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import requires_pg

from crmdesk.cli import main
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.portability.backup import validate_backup

from ._helpers import (
    ZONE,
    count_rows,
    fill,
    pg_schema_of_its_own,
    pg_url_with_schema,
    table_rows,
)


@pytest.fixture
def crm(sqlite_db: Database) -> Path:
    """A filled SQLite database file that no connection holds open."""
    fill(sqlite_db)
    path = sqlite_db.path
    assert path is not None
    sqlite_db.dispose()
    return path


def _rows(path: Path | str, table: str | None = None) -> object:
    """Every row (or one table's count) of a database, closed again afterwards."""
    db = open_database(path, create=False).db
    try:
        return table_rows(db) if table is None else count_rows(db, table)
    finally:
        db.dispose()


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    _out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("crmdesk: error: ")
    return lines[0]


def test_export_an_entity_to_csv_and_xlsx(
    crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export", "deals", str(out / "deals.csv"), "--db", str(crm)]) == 0
    printed = capsys.readouterr().out
    assert f"deals to {out / 'deals.csv'} (CSV, times in {ZONE}" in printed
    assert (
        main(["export", "activities", str(out / "a.dat"), "--format", "xlsx", "--db", str(crm)])
        == 0
    )
    assert (out / "a.dat").read_bytes()[:2] == b"PK"
    assert main(["export", "customers", str(out / "c.csv"), "--tz", "UTC", "--db", str(crm)]) == 0
    assert "Created (UTC)" in (out / "c.csv").read_text(encoding="utf-8-sig").splitlines()[0]


def test_export_everything_to_json(
    crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "json", str(tmp_path / "all.json"), "--db", str(crm)]) == 0
    assert "password hashes left out" in capsys.readouterr().out
    doc = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert "password_hash" not in doc["tables"]["users"]["columns"]
    argv = ["export", str(tmp_path / "all.json.gz"), "--include-password-hashes", "--db", str(crm)]
    assert main(argv) == 0  # the name says JSON
    assert "password hashes included" in capsys.readouterr().out
    assert (tmp_path / "all.json.gz").read_bytes()[:2] == b"\x1f\x8b"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["widgets", "x.csv"], "unknown data 'widgets'"),
        (["deals"], "name the file to write: crmdesk export deals FILE"),
        (["x.csv"], "say what to export"),
        (["--format", "json", "deals", "x.json"], "--format json exports the whole database"),
        (["deals", "x.txt"], "cannot tell the format from 'x.txt'"),
        (["deals", "x.csv", "--format", "pdf"], "--format: choose csv, xlsx or json"),
        (["deals", "x.csv", "--include-password-hashes"], "applies to --format json only"),
        (["--format", "json", "x.json", "--tz", "UTC"], "--tz applies to csv and xlsx"),
        (["deals", "missing/x.csv"], "no such folder"),
        (["deals", "x.csv", "--tz", "Mars/Base"], "unknown time zone 'Mars/Base'"),
        (["deals", "x.csv", "y.csv"], "export takes [DATA] FILE, but got 3 arguments"),
    ],
)
def test_export_refuses_bad_input_in_one_line(
    crm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["export", *args, "--db", str(crm)]) == 2
    assert message in _error(capsys)
    assert list(work.iterdir()) == []


def test_export_refuses_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert main(["export", "deals", str(tmp_path / "d.csv"), "--db", str(missing)]) == 2
    assert "does not exist or holds no crmdesk data" in _error(capsys)
    assert not missing.exists() and not (tmp_path / "d.csv").exists()


def test_export_help_shows_both_forms(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "--help"])
    assert info.value.code == 0
    usage = capsys.readouterr().out
    assert "crmdesk export {deals,customers,contacts,activities} FILE" in usage
    assert "crmdesk export --format json FILE [--include-password-hashes]" in usage


def test_copy_prints_the_figures_side_by_side(
    crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.sqlite3"
    assert main(["copy", "--from", str(crm), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Every row count and metric total agrees." in out
    deals_line = next(line for line in out.splitlines() if line.strip().startswith("deals "))
    n = _rows(crm, "deals")
    assert deals_line.split() == ["deals", str(n), str(n)]
    assert "pipeline sales, all time" in out
    assert any(line.split()[0] == "won_count" for line in out.splitlines() if line.strip())


def test_copy_refusals(crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["copy", "--from", str(crm)]) == 2
    assert "copy needs --from URL|PATH and --to URL|PATH" in _error(capsys)
    assert main(["copy", "--from", str(crm), "--to", str(crm)]) == 2
    assert "same database" in _error(capsys)
    assert main(["copy", "--from", str(crm), "--to", str(tmp_path / "c.sqlite3")]) == 0
    capsys.readouterr()
    assert main(["copy", "--from", str(crm), "--to", str(tmp_path / "c.sqlite3")]) == 2
    assert "already holds data" in _error(capsys)


@requires_pg
@pytest.mark.postgres
def test_copy_to_a_postgresql_url(crm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pg_schema_of_its_own() as schema:
        url = pg_url_with_schema(schema)
        assert main(["copy", "--from", str(crm), "--to", url]) == 0
        assert "Every row count and metric total agrees." in capsys.readouterr().out
        assert _rows(url, "deals") == _rows(crm, "deals")


def test_backup_and_restore(crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "saved.sqlite3"
    assert main(["backup", str(saved), "--db", str(crm)]) == 0
    assert f"to {saved} (SQLite file, schema" in capsys.readouterr().out
    assert validate_backup(saved).kind == "sqlite"
    assert main(["backup", str(saved), "--db", str(crm)]) == 2
    assert "already exists" in _error(capsys)
    assert main(["restore", str(saved), "--db", str(crm)]) == 0
    out = capsys.readouterr().out
    assert f"into {crm}" in out and "The previous database is kept as" in out
    assert len(list(crm.parent.glob("crmdesk.before-restore-*.sqlite3"))) == 1


def test_backup_without_a_file_goes_to_the_data_folder(
    crm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["backup", "--db", str(crm)]) == 0
    made = list((tmp_path / "data" / "crmdesk" / "backups").iterdir())
    assert len(made) == 1 and str(made[0]) in capsys.readouterr().out


def test_restore_refuses_a_bad_file_in_one_line(
    crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "crmdesk-dump", "version": 1}', encoding="utf-8")
    before = _rows(crm)
    assert main(["restore", str(bad), "--db", str(crm)]) == 2
    assert "schema None" in _error(capsys)
    assert main(["restore", str(tmp_path / "none.sqlite3"), "--db", str(crm)]) == 2
    assert "does not exist" in _error(capsys)
    assert _rows(crm) == before
    assert not list(crm.parent.glob("*before-restore*"))
