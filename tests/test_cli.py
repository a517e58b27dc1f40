"""The ``crmdesk`` command line: migrate, db-info, demo, --version and the GUI entry.

Most tests call :func:`crmdesk.cli.main` in-process; a few run ``python -m
crmdesk`` to prove the real entry point works.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from crmdesk import __version__
from crmdesk.cli import main
from crmdesk.db.engine import create_db_engine, resolve_url
from crmdesk.db.migrate import head_revision, upgrade

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(argv: list[str]) -> tuple[int, str, str]:
    """main(argv) with its stdout and stderr, for fixtures that cannot use capsys."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _copy_sqlite(src: Path, dst: Path) -> Path:
    """A consistent copy (WAL content included) through SQLite's backup API."""
    s, d = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()
    return dst


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("crmdesk: error: ")
    return lines[0]


def _db_info_json(capsys: pytest.CaptureFixture[str], path: Path) -> dict:
    capsys.readouterr()
    assert main(["db-info", "--db", f"sqlite:///{path}", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database filled by ``crmdesk demo --deals 2000``, and what the command printed."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    code, out, err = _run(["demo", "--deals", "2000", "--quiet", "--db", f"sqlite:///{path}"])
    assert code == 0, err
    return path, out


# --- migrate -------------------------------------------------------------------


def test_migrate_creates_then_says_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.sqlite3"
    assert main(["migrate", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Created ") and f"at schema {head_revision()}" in out
    assert path.is_file()

    assert main(["migrate", "--db", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"is up to date (schema {head_revision()})" in captured.out
    assert "Created" not in captured.out and captured.err == ""


def test_migrate_upgrades_an_older_file_and_reports_the_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_db_engine(resolve_url(str(path)))
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, login, role, active, created_at) "
                "VALUES ('Bo', 'bo', 'admin', 1, '2025-01-02 03:04:05')"
            )
        )
    engine.dispose()

    assert main(["migrate", "--db", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"from schema 0001 to {head_revision()}" in captured.out
    backups = list(tmp_path.glob("old.backup-0001-*.sqlite3"))
    assert len(backups) == 1
    assert str(backups[0]) in captured.err


def test_python_dash_m_crmdesk_runs(tmp_path: Path) -> None:
    path = tmp_path / "entry.sqlite3"
    env = {**os.environ, "CRMDESK_DATABASE_URL": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "crmdesk", "migrate", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Created ")
    proc = subprocess.run(
        [sys.executable, "-m", "crmdesk", "db-info", "--db", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["revision"] == head_revision() and info["counts"]["stages"] == 6


# --- demo and db-info ----------------------------------------------------------


def test_demo_then_db_info_shows_the_counts(
    demo_db: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, summary = demo_db
    assert "2,000 deals" in summary
    transitions = int(re.search(r"([\d,]+) stage transitions", summary)[1].replace(",", ""))
    activities = int(re.search(r"([\d,]+) activities", summary)[1].replace(",", ""))
    assert transitions >= 2000 and activities > 0  # every deal has its first transition

    assert main(["db-info", "--db", f"sqlite:///{path}"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^Schema\s+{head_revision()} \(up to date\)$", out, re.M)
    assert re.search(r"^\s+deals\s+2,000$", out, re.M)
    assert re.search(rf"^\s+stage transitions\s+{transitions:,}$", out, re.M)
    assert re.search(rf"^\s+activities\s+{activities:,}$", out, re.M)
    assert str(path) in out


def test_db_info_json(demo_db: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, summary = demo_db
    info = _db_info_json(capsys, path)
    assert info["counts"]["deals"] == 2000
    assert info["up_to_date"] is True
    assert info["revision"] == info["head_revision"] == head_revision()
    assert info["dialect"] == "sqlite"
    assert f"{info['counts']['stage_transitions']:,} stage transitions" in summary
    assert info["file_size_bytes"] > 0


def test_demo_into_a_database_with_deals_is_refused_and_adds_nothing(
    demo_db: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _copy_sqlite(demo_db[0], tmp_path / "full.sqlite3")
    before = _db_info_json(capsys, path)["counts"]

    assert main(["demo", "--deals", "50", "--quiet", "--db", f"sqlite:///{path}"]) == 2
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert "deals" in line
    assert captured.out == ""
    assert _db_info_json(capsys, path)["counts"] == before


# --- refusals --------------------------------------------------------------------


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("Call Acme on Monday\nSend the quote\n", encoding="utf-8")
    return path


@pytest.fixture
def newer_file(demo_db: tuple[Path, str], tmp_path: Path) -> Path:
    path = _copy_sqlite(demo_db[0], tmp_path / "newer.sqlite3")
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    con.commit()
    con.close()
    return path


@pytest.fixture
def older_file(tmp_path: Path) -> Path:
    path = tmp_path / "older.sqlite3"
    engine = create_db_engine(resolve_url(str(path)))
    upgrade(engine, "0001")
    engine.dispose()
    return path


@pytest.mark.parametrize(
    ("which", "words"),
    [
        ("text_file", "not a crmdesk database"),
        ("newer_file", "newer crmdesk"),
        ("older_file", "run 'crmdesk migrate'"),
    ],
)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_db_info_refuses_and_leaves_the_file_alone(
    which: str,
    words: str,
    fmt: str,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path: Path = request.getfixturevalue(which)
    digest = _sha(path)
    assert main(["db-info", "--db", str(path), "--format", fmt]) == 2
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert words in line and str(path) in line
    assert captured.out == ""
    assert _sha(path) == digest


def test_db_info_on_a_missing_file_does_not_create_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo.sqlite3"
    assert main(["db-info", "--db", str(path)]) == 2
    _one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_server_password_is_not_shown(capsys: pytest.CaptureFixture[str]) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    url = "postgresql+psycopg://crm:s3cret-pw@127.0.0.1:1/crm"
    assert main(["db-info", "--db", url]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "cannot connect" in line
    assert "s3cret-pw" not in line and "crm:***@127.0.0.1" in line


def test_unsupported_database_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db-info", "--db", "mysql://crm@127.0.0.1/crm"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "SQLite" in line and "PostgreSQL" in line


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"crmdesk {__version__}"


@pytest.mark.parametrize("bad", ["0", "-5", "many"])
def test_demo_rejects_a_bad_deal_count(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "never.sqlite3"
    with pytest.raises(SystemExit) as info:
        main(["demo", "--deals", bad, "--db", str(path)])
    assert info.value.code == 2
    assert "--deals" in capsys.readouterr().err
    assert not path.exists()


# --- the GUI entry ---------------------------------------------------------------


def _crmdesk_command() -> list[str]:
    """The installed ``crmdesk`` script next to this Python, else ``python -m crmdesk``."""
    script = Path(sys.executable).with_name("crmdesk")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "crmdesk"]


def test_gui_demo_screenshot_offscreen(tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    home = tmp_path / "home"
    dirs = {
        "HOME": home,
        "XDG_DATA_HOME": tmp_path / "xdg-data",
        "XDG_CONFIG_HOME": tmp_path / "xdg-config",
        "XDG_CACHE_HOME": tmp_path / "xdg-cache",
        "XDG_RUNTIME_DIR": tmp_path / "xdg-runtime",
    }
    for d in dirs.values():
        d.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "CRMDESK_DATABASE_URL"}
    env.update({k: str(v) for k, v in dirs.items()})
    env["QT_QPA_PLATFORM"] = "offscreen"
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [
            *_crmdesk_command(),
            "--demo",
            "--quit-after",
            "1",
            "--screenshot",
            "out.png",
            "--db",
            "tmp.sqlite3",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    shot = work / "out.png"
    assert shot.is_file()
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 100 and height > 100
    assert (work / "tmp.sqlite3").is_file()
    con = sqlite3.connect(work / "tmp.sqlite3")
    try:
        assert con.execute("SELECT count(*) FROM deals").fetchone()[0] > 0
    finally:
        con.close()
    # --db was given: the demo database in the data folder was not made.
    assert not list(dirs["XDG_DATA_HOME"].rglob("*.sqlite3"))
    assert not list(home.rglob("*.sqlite3"))
