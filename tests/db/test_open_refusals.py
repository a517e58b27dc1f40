"""Files that are not (usable) crmdesk databases are refused and left exactly as they were.

For each kind of file: ``open_database`` raises :class:`DatabaseOpenError` with a
clear one-line message, the file keeps every byte, and nothing (``-wal``,
``-shm``, a backup) appears next to it.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from crmdesk.db.migrate import open_database
from crmdesk.domain import DatabaseOpenError
from crmdesk.services import deals
from crmdesk.services.setup import default_admin_id, ensure_initialized


def _crmdesk_copy(template: Path, dest: Path) -> Path:
    shutil.copyfile(template, dest)
    return dest


@pytest.fixture(scope="module")
def crmdesk_with_deals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real crmdesk database with 150 deals, checkpointed into one file."""
    path = tmp_path_factory.mktemp("source") / "with-deals.sqlite3"
    db = open_database(path).db
    ensure_initialized(db)
    admin = default_admin_id(db)
    for i in range(150):
        deals.create_deal(db, by=admin, title=f"Deal number {i} " + "x" * 80, notes="n" * 300)
    db.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def make_text(tmp: Path, _src: Path) -> Path:
    path = tmp / "customers.sqlite3"
    path.write_text("company,amount\nAcme Ltd,1200\nGlobex,560\n", encoding="utf-8")
    return path


def make_png(tmp: Path, _src: Path) -> Path:
    path = tmp / "logo.sqlite3"
    rnd = random.Random(5)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd.randbytes(3000))
    return path


def _other_app(tmp: Path, *, wal: bool, alembic: bool) -> Path:
    path = tmp / "other-app.db"
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.executemany("INSERT INTO notes (body) VALUES (?)", [(f"note {i}",) for i in range(50)])
    if alembic:  # another SQLAlchemy app: same bookkeeping tables, no crmdesk marker
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        con.execute("INSERT INTO alembic_version VALUES ('0001')")
        con.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO settings VALUES ('app', 'otherapp')")
    con.commit()
    con.close()
    return path


def make_other_app(tmp: Path, _src: Path) -> Path:
    return _other_app(tmp, wal=False, alembic=False)


def make_other_alembic_app(tmp: Path, _src: Path) -> Path:
    return _other_app(tmp, wal=False, alembic=True)


def make_other_app_wal(tmp: Path, _src: Path) -> Path:
    return _other_app(tmp, wal=True, alembic=False)


def make_newer(tmp: Path, src: Path) -> Path:
    path = _crmdesk_copy(src, tmp / "newer.sqlite3")
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    con.commit()
    con.close()
    return path


def make_corrupt(tmp: Path, src: Path) -> Path:
    """Overwrite 12 KiB (three whole pages) in the middle with random bytes."""
    path = _crmdesk_copy(src, tmp / "damaged.sqlite3")
    data = bytearray(path.read_bytes())
    assert len(data) > 100_000
    offset = (len(data) // 2) // 4096 * 4096
    data[offset : offset + 12_288] = random.Random(42).randbytes(12_288)
    path.write_bytes(bytes(data))
    return path


def make_folder(tmp: Path, _src: Path) -> Path:
    path = tmp / "folder.sqlite3"
    path.mkdir()
    (path / "readme.txt").write_text("not a database\n")
    return path


Maker = Callable[[Path, Path], Path]

#: (id, maker, words the message must contain, is the file in WAL mode)
CASES: list[tuple[str, Maker, str, bool]] = [
    ("text-file", make_text, "not a crmdesk database", False),
    ("png-file", make_png, "not a crmdesk database", False),
    ("other-sqlite-app", make_other_app, "not a crmdesk database", False),
    ("other-alembic-app", make_other_alembic_app, "not a crmdesk database", False),
    ("other-sqlite-app-wal", make_other_app_wal, "not a crmdesk database", True),
    ("newer-crmdesk", make_newer, "newer crmdesk", True),
    ("corrupt-crmdesk", make_corrupt, "damaged", True),
    ("folder", make_folder, "folder", False),
]


def _params() -> list[object]:
    return [pytest.param(maker, words, id=ident) for ident, maker, words, _wal in CASES]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (recursively) with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def place(tmp_path: Path) -> Path:
    folder = tmp_path / "place"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(("maker", "words"), _params())
@pytest.mark.parametrize("create", [True, False], ids=["create", "no-create"])
def test_refused_and_every_byte_kept(
    maker: Maker, words: str, create: bool, place: Path, crmdesk_with_deals: Path
) -> None:
    path = maker(place, crmdesk_with_deals)
    before = _snapshot(place)
    with pytest.raises(DatabaseOpenError) as info:
        open_database(path, create=create)
    message = str(info.value)
    assert words in message
    assert str(path) in message  # says which file
    after = _snapshot(place)
    # Every file that was there keeps every byte (new files are the next test's business).
    assert {name: after.get(name) for name in before} == before
    assert path.is_dir() == (maker is make_folder)


@pytest.mark.parametrize(
    ("maker", "words"),
    _params(),
)
def test_refusal_message_is_one_line(
    maker: Maker, words: str, place: Path, crmdesk_with_deals: Path
) -> None:
    path = maker(place, crmdesk_with_deals)
    with pytest.raises(DatabaseOpenError) as info:
        open_database(path)
    message = str(info.value)
    assert message.strip() and "\n" not in message and "\r" not in message
    assert len(message) < 300 + len(str(path))


@pytest.mark.parametrize(("maker", "words"), _params())
def test_refusal_leaves_no_new_files_next_to_it(
    maker: Maker, words: str, place: Path, crmdesk_with_deals: Path
) -> None:
    path = maker(place, crmdesk_with_deals)
    before = sorted(p.name for p in place.iterdir())
    with pytest.raises(DatabaseOpenError):
        open_database(path)
    assert sorted(p.name for p in place.iterdir()) == before


def test_newer_database_says_which_version_it_needs(place: Path, crmdesk_with_deals: Path) -> None:
    path = make_newer(place, crmdesk_with_deals)
    with pytest.raises(DatabaseOpenError, match=r"newer crmdesk") as info:
        open_database(path)
    assert "ffff9999" in str(info.value)
    assert info.value.code == "database_open"


def test_corrupt_copy_is_really_damaged(place: Path, crmdesk_with_deals: Path) -> None:
    """The corruption used above is one SQLite itself reports (guards the other tests)."""
    path = make_corrupt(place, crmdesk_with_deals)
    scratch = place.parent / "scratch.sqlite3"
    shutil.copyfile(path, scratch)
    con = sqlite3.connect(scratch)
    try:
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            result = str(exc)
    finally:
        con.close()
    assert result != "ok"


@pytest.mark.parametrize("where", ["missing.sqlite3", "no/such/folder/missing.sqlite3"])
def test_missing_file_with_create_false_is_refused_and_not_created(where: str, place: Path) -> None:
    path = place / where
    with pytest.raises(DatabaseOpenError, match="does not exist") as info:
        open_database(path, create=False)
    assert "\n" not in str(info.value)
    assert not path.exists()
    assert list(place.iterdir()) == []


def test_path_below_a_file_is_refused_cleanly(place: Path) -> None:
    notes = make_text(place, place)
    digest = hashlib.sha256(notes.read_bytes()).hexdigest()
    try:
        with pytest.raises(DatabaseOpenError):
            open_database(notes / "crm.sqlite3")
    finally:
        assert hashlib.sha256(notes.read_bytes()).hexdigest() == digest
        assert sorted(p.name for p in place.iterdir()) == [notes.name]


def test_report_on_a_damaged_file_says_so_in_one_line(
    place: Path, crmdesk_with_deals: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``crmdesk report`` skips the page-by-page check for speed; the damage must still
    stop it with a one-line reason, not a traceback or made-up figures."""
    from crmdesk.cli import main

    path = make_corrupt(place, crmdesk_with_deals)
    before = _snapshot(place)
    capsys.readouterr()
    code = main(["report", "performance", "--db", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    assert "cannot be read" in err or "damaged" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert {name: _snapshot(place).get(name) for name in before} == before
