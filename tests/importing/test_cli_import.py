"""``crmdesk import``: exit 0 when every row is imported, 1 when rows have errors, 2 when
the file or the mapping cannot be used; each with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.cli import main

from ._helpers import DEALS_HEADER, rows, write
from .test_deals import GOOD, UTC_TOML

BAD_ROW = "D5,Bad,Acme,Ann Lee,Won,-3,2017-01-10,2017-03-01,\n"


@pytest.fixture
def db_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "crm.sqlite3"
    assert main(["migrate", "--db", str(path)]) == 0
    capsys.readouterr()
    return str(path)


@pytest.fixture
def mapping(tmp_path: Path) -> str:
    return str(write(tmp_path, "deals.toml", UTC_TOML))


def deal_refs(db_path: str) -> list[str]:
    from crmdesk.db.migrate import open_database

    db = open_database(db_path, create=False).db
    try:
        return [r[0] for r in rows(db, "SELECT external_ref FROM deals ORDER BY external_ref")]
    finally:
        db.dispose()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_good_file_exits_0(
    db_path: str, mapping: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write(tmp_path, "deals.csv", DEALS_HEADER + GOOD))
    code, out, err = cli(
        capsys, "import", "deals", path, "--mapping", mapping, "--db", db_path, "--dry-run"
    )
    assert code == 0, err
    assert out.startswith("Dry run of deals.csv: 4 to create, 0 to update, 0 to leave")
    assert 'Would add 2 new owners (users without a password): "Ann Lee", "Bob Wu".' in out
    assert deal_refs(db_path) == []
    code, out, err = cli(capsys, "import", "deals", path, "--mapping", mapping, "--db", db_path)
    assert (code, err) == (0, "")
    assert out.startswith("Imported deals.csv: 4 created, 0 updated, 0 left as they were (")
    assert deal_refs(db_path) == ["D1", "D2", "D3", "D4"]


def test_bad_rows_exit_1_and_nothing_is_imported(
    db_path: str, mapping: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write(tmp_path, "deals.csv", DEALS_HEADER + GOOD + BAD_ROW))
    problem = "  line 6, column \"Amount\": '-3' is negative; an amount must be 0 or more\n"
    args = ("import", "deals", path, "--mapping", mapping, "--db", db_path)
    code, out, err = cli(capsys, *args, "--dry-run")
    assert (code, err) == (1, problem)
    assert out.startswith("Dry run of deals.csv: 4 to create, 0 to update, 0 to leave as they")
    assert "1 with errors. Nothing was written." in out
    code, out, err = cli(capsys, *args)
    assert (code, err) == (1, problem)
    assert out.startswith("Nothing was imported: 1 of the 5 rows of deals.csv have errors.")
    assert deal_refs(db_path) == []


def test_skip_bad_rows_exits_1_with_a_rejects_file(
    db_path: str, mapping: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write(tmp_path, "deals.csv", DEALS_HEADER + GOOD + BAD_ROW))
    rejects = tmp_path / "bad.csv"
    code, out, err = cli(
        capsys,
        "import",
        "deals",
        path,
        "--mapping",
        mapping,
        "--db",
        db_path,
        "--skip-bad-rows",
        "--rejects",
        str(rejects),
    )
    assert code == 1
    assert "line 6" in err
    assert f"left out because of errors: 1, written to {rejects} (" in out
    assert deal_refs(db_path) == ["D1", "D2", "D3", "D4"]
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[1].startswith("D5,Bad,Acme")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "The file is empty"),
        (b"\x00\x01binary\x02" * 50, "not a text (CSV) file"),
        (b"Title\nx\n", 'The file lacks these columns that the mapping reads: "Deal ID"'),
        ("Deal ID,Title\nD1,Café\n".encode("latin-1"), "Cannot tell the encoding"),
    ],
)
def test_a_bad_file_exits_2(
    db_path: str,
    mapping: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    words: str,
) -> None:
    path = str(write(tmp_path, "bad.csv", content))
    code, out, err = cli(capsys, "import", "deals", path, "--mapping", mapping, "--db", db_path)
    assert code == 2 and out == ""
    assert err.startswith("crmdesk: error: ") and words in err
    assert err.count("\n") == 1


def test_a_bad_mapping_exits_2(
    db_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write(tmp_path, "deals.csv", DEALS_HEADER + GOOD))
    bad = write(tmp_path, "bad.toml", 'entity = "deals"\n[columns]\nTitle = "titel"\n')
    code, _, err = cli(capsys, "import", "deals", path, "--mapping", str(bad), "--db", db_path)
    assert code == 2
    assert "[columns] \"Title\" (line 3): 'titel' is not a field of deals" in err
    code, _, err = cli(
        capsys,
        "import",
        "customers",
        path,
        "--mapping",
        str(write(tmp_path, "m.toml", UTC_TOML)),
        "--db",
        db_path,
    )
    assert code == 2 and "The mapping is for deals, but you are importing customers." in err
    code, _, err = cli(
        capsys, "import", "deals", path, "--mapping", str(tmp_path / "no.toml"), "--db", db_path
    )
    assert code == 2 and "no.toml does not exist" in err


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--skip-bad-rows",), "--skip-bad-rows needs --rejects FILE"),
        (("--rejects", "r.csv"), "--rejects goes with --skip-bad-rows"),
    ],
)
def test_usage_errors_exit_2(
    db_path: str,
    mapping: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    words: str,
) -> None:
    path = str(write(tmp_path, "deals.csv", DEALS_HEADER + GOOD))
    code, _, err = cli(
        capsys, "import", "deals", path, "--mapping", mapping, "--db", db_path, *extra
    )
    assert code == 2 and words in err
    code, _, err = cli(capsys, "import", "invoices", path, "--mapping", mapping, "--db", db_path)
    assert code == 2 and "unknown data 'invoices'" in err
    with pytest.raises(SystemExit) as exit_:
        main(["import", "deals", path, "--db", db_path])
    assert exit_.value.code == 2
    assert "--mapping" in capsys.readouterr().err
