"""``crmdesk users add|list|set-role|reset-password|disable|enable``.

The command runs in-process (:func:`crmdesk.cli.main`) on an SQLite file made by
``crmdesk migrate``; what it wrote is read back through the services.
"""

from __future__ import annotations

import getpass
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crmdesk.cli import main
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.domain import SignInFailed
from crmdesk.services import auth, users

PASSWORD = "sekret-pass-1"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def db_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "team.sqlite3"
    assert main(["migrate", "--db", str(path)]) == 0
    capsys.readouterr()
    return str(path)


@pytest.fixture
def open_db(db_path: str) -> Iterator[Any]:
    """Open the database the command writes, to read it back through the services."""
    opened: list[Database] = []

    def _open() -> Database:
        db = open_database(db_path, create=False).db
        opened.append(db)
        return db

    yield _open
    for db in opened:
        db.dispose()


@pytest.fixture
def no_prompt(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if the command asks for a password at the terminal."""
    asked: list[str] = []

    def refuse(prompt: str = "") -> str:
        asked.append(prompt)
        raise AssertionError(f"asked for a password: {prompt!r}")

    monkeypatch.setattr(getpass, "getpass", refuse)
    return asked


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["users", *argv, "--db", db_path])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("crmdesk: error: ")
    return lines[0].removeprefix("crmdesk: error: ")


def add(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    login: str,
    name: str,
    role: str,
    password: str | None = PASSWORD,
) -> None:
    extra = ["--no-password"] if password is None else ["--password-stdin"]
    code, _, err = run(
        capsys,
        monkeypatch,
        db_path,
        "add",
        login,
        "--name",
        name,
        "--role",
        role,
        *extra,
        stdin=f"{password}\n" if password else "",
    )
    assert code == 0, err


# --- add -----------------------------------------------------------------------------------------


def test_add_with_password_stdin(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    no_prompt: list[str],
) -> None:
    code, out, err = run(
        capsys,
        monkeypatch,
        db_path,
        "add",
        "bob",
        "--name",
        "Bob Builder",
        "--role",
        "manager",
        "--email",
        "bob@example.com",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    assert code == 0, err
    assert out == "Added bob (Bob Builder, manager) with a password.\n"
    db = open_db()
    user = auth.sign_in(db, "bob", PASSWORD)  # the line's newline is not part of it
    assert (user.name, user.role.value, user.has_password) == ("Bob Builder", "manager", True)
    assert auth.needs_sign_in(db)
    # The admin has no password yet: the command says how to give it one.
    assert "no active admin has one" in err and "reset-password" in err


def test_add_asks_twice_at_the_terminal(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
) -> None:
    prompts: list[str] = []
    answers = iter([PASSWORD, PASSWORD])

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    assert main(["users", "add", "amy", "--name", "Amy", "--role", "admin", "--db", db_path]) == 0
    out, err = capsys.readouterr()
    assert prompts == ["New password for amy: ", "Repeat the password: "]
    assert out == "Added amy (Amy, admin) with a password.\n" and err == ""
    assert auth.sign_in(open_db(), "amy", PASSWORD).login == "amy"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(
            [PASSWORD, PASSWORD + "x"],
            "password: the two entries differ; nothing was changed",
            id="different",
        ),
        pytest.param(
            ["short"], "password: is not valid (it needs at least 8 characters)", id="too-short"
        ),
    ],
)
def test_a_bad_prompted_password_adds_nobody(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    answers: list[str],
    message: str,
) -> None:
    typed = iter(answers)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    monkeypatch.setattr(sys, "stdin", _Terminal())
    code = main(["users", "add", "amy", "--name", "Amy", "--role", "rep", "--db", db_path])
    assert code == 2
    assert one_error_line(capsys.readouterr().err) == message
    assert users.find_user(open_db(), "amy") is None


def test_add_without_password(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    no_prompt: list[str],
) -> None:
    code, out, err = run(
        capsys, monkeypatch, db_path, "add", "cy", "--name", "Cy", "--role", "rep", "--no-password"
    )
    assert (code, out, err) == (0, "Added cy (Cy, rep) without a password.\n", "")
    db = open_db()
    assert users.find_user(db, "cy").has_password is False  # type: ignore[union-attr]
    assert not auth.needs_sign_in(db)


# --- list --------------------------------------------------------------------------------------


def test_list_as_a_table(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
) -> None:
    add(capsys, monkeypatch, db_path, "bob", "Bob Builder", "rep")
    add(capsys, monkeypatch, db_path, "li.na", "李娜", "manager", password=None)
    code, out, err = run(capsys, monkeypatch, db_path, "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "LOGIN  NAME           ROLE     ACTIVE  PASSWORD  LOCKED",
        "admin  Administrator  admin    yes     no        no",
        "bob    Bob Builder    rep      yes     yes       no",
        "li.na  李娜           manager  yes     no        no",  # CJK takes two columns
    ]


def test_list_as_json_shows_locks_and_disabled_users(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
) -> None:
    add(capsys, monkeypatch, db_path, "bob", "Bob Builder", "rep")
    add(capsys, monkeypatch, db_path, "cy", "Cy", "rep", password=None)
    db = open_db()
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInFailed):
            auth.sign_in(db, "bob", "wrong password")
    assert run(capsys, monkeypatch, db_path, "disable", "cy")[0] == 0

    code, out, err = run(capsys, monkeypatch, db_path, "list", "--format", "json")
    assert (code, err) == (0, "")
    listed = {u["login"]: u for u in json.loads(out)}
    assert listed["admin"] == {
        "login": "admin",
        "name": "Administrator",
        "role": "admin",
        "active": True,
        "has_password": False,
        "locked_until": None,
    }
    assert listed["bob"]["has_password"] is True
    assert listed["bob"]["locked_until"] is not None
    assert listed["cy"]["active"] is False

    table = run(capsys, monkeypatch, db_path, "list")[1].splitlines()
    bob = next(line for line in table if line.startswith("bob "))
    assert bob.split()[3:7] == ["rep", "yes", "yes", "until"]
    cy = next(line for line in table if line.startswith("cy "))
    assert cy.split()[-3:] == ["no", "no", "no"]


def test_list_refuses_an_unknown_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: str
) -> None:
    code, _, err = run(capsys, monkeypatch, db_path, "list", "--format", "csv")
    assert code == 2
    assert one_error_line(err) == "--format: choose table or json, not 'csv'"


# --- set-role, reset-password, disable, enable -----------------------------------------------


def test_set_role(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
) -> None:
    add(capsys, monkeypatch, db_path, "bob", "Bob Builder", "rep")
    code, out, err = run(capsys, monkeypatch, db_path, "set-role", "Bob", "Manager")
    assert (code, out) == (0, "bob is now manager.\n")
    assert "note: " in err  # still no admin with a password: said after each change
    assert users.find_user(open_db(), "bob").role.value == "manager"  # type: ignore[union-attr]


def test_reset_password_lifts_the_lock(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    no_prompt: list[str],
) -> None:
    add(capsys, monkeypatch, db_path, "bob", "Bob Builder", "rep")
    db = open_db()
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInFailed):
            auth.sign_in(db, "bob", "wrong password")
    code, out, _ = run(
        capsys,
        monkeypatch,
        db_path,
        "reset-password",
        "bob",
        "--password-stdin",
        stdin="brand new pass\r\n",
    )
    assert (code, out) == (0, "Set a new password for bob; any sign-in lock is lifted.\n")
    assert auth.sign_in(db, "bob", "brand new pass").login == "bob"
    with pytest.raises(SignInFailed):
        auth.sign_in(db, "bob", PASSWORD)


def test_reset_the_admins_password_ends_the_note(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: str
) -> None:
    add(capsys, monkeypatch, db_path, "bob", "Bob Builder", "rep")
    code, _, err = run(
        capsys,
        monkeypatch,
        db_path,
        "reset-password",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert (code, err) == (0, "")


def test_disable_and_enable(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
) -> None:
    add(capsys, monkeypatch, db_path, "bob", "Bob Builder", "rep")
    code, out, _ = run(capsys, monkeypatch, db_path, "disable", "bob")
    assert (code, out) == (0, "Disabled bob: they can no longer sign in or change anything.\n")
    db = open_db()
    with pytest.raises(SignInFailed) as exc:
        auth.sign_in(db, "bob", PASSWORD)
    assert exc.value.code == "sign_in_disabled"
    assert run(capsys, monkeypatch, db_path, "enable", "bob")[:2] == (0, "Enabled bob.\n")
    assert auth.sign_in(db, "bob", PASSWORD).login == "bob"


def test_the_last_admin_cannot_be_disabled(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: str
) -> None:
    code, _, err = run(capsys, monkeypatch, db_path, "disable", "admin")
    assert code == 2
    assert one_error_line(err) == (
        "role: cannot be changed here (the database needs at least one active admin)"
    )


# --- passwords never on the command line -----------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "rep", "--password", "hunter22"],
            id="add-separate",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "rep", "--password=hunter22"], id="add-equals"
        ),
        pytest.param(["reset-password", "admin", "--password", "hunter22"], id="reset"),
    ],
)
def test_a_password_is_never_taken_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    no_prompt: list[str],
    argv: list[str],
) -> None:
    code, out, err = run(capsys, monkeypatch, db_path, *argv, stdin=f"{PASSWORD}\n")
    assert (code, out) == (2, "")
    line = one_error_line(err)
    assert line.startswith("password: not accepted on the command line")
    assert "hunter22" not in line
    db = open_db()
    assert users.find_user(db, "eve") is None
    assert not auth.needs_sign_in(db)


@pytest.mark.parametrize("abbreviation", ["--pass", "--passw=hunter22"])
def test_no_abbreviation_reaches_a_password_option(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    abbreviation: str,
) -> None:
    with pytest.raises(SystemExit) as exc:
        run(capsys, monkeypatch, db_path, "reset-password", "admin", abbreviation)
    assert exc.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert not auth.needs_sign_in(open_db())


# --- errors: exit 2, one line naming the field ---------------------------------------------


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        pytest.param(
            ["add", "eve", "--role", "rep", "--no-password"],
            "",
            "name: is required (--name NAME)",
            id="no-name",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--no-password"],
            "",
            "role: is required (--role rep, manager or admin)",
            id="no-role",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "boss", "--no-password"],
            "",
            "role: 'boss' is not a role (choose rep, manager or admin)",
            id="bad-role",
        ),
        pytest.param(
            ["add", "admin", "--name", "Eve", "--role", "rep", "--no-password"],
            "",
            "login: 'admin' is already used",
            id="taken-login",
        ),
        pytest.param(
            ["add", "two words", "--name", "Eve", "--role", "rep", "--no-password"],
            "",
            "login: is not valid (letters, digits and . _ @ - only)",
            id="bad-login",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "rep", "--password-stdin"],
            "short\n",
            "password: is not valid (it needs at least 8 characters)",
            id="short-password",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "rep", "--password-stdin"],
            "",
            "password: is required",
            id="empty-stdin",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "rep", "--password-stdin"],
            f"{PASSWORD}\n{PASSWORD}\n",
            "password: --password-stdin reads one line, but the input has more",
            id="two-lines",
        ),
        pytest.param(
            ["add", "eve", "--name", "Eve", "--role", "rep"],
            "",
            "password: there is no terminal to ask at; pipe it in with --password-stdin",
            id="no-terminal",
        ),
        pytest.param(
            ["set-role", "admin", "boss"],
            "",
            "role: is not valid (one of admin, manager, rep)",
            id="set-bad-role",
        ),
        pytest.param(
            ["set-role", "nobody", "rep"],
            "",
            "login: no user has the login 'nobody' (see 'crmdesk users list')",
            id="set-role-unknown",
        ),
        pytest.param(
            ["reset-password", "nobody", "--password-stdin"],
            PASSWORD,
            "login: no user has the login 'nobody' (see 'crmdesk users list')",
            id="reset-unknown",
        ),
        pytest.param(
            ["reset-password", "admin", "--password-stdin"],
            " " * 10,
            "password: is not valid (it must not be only spaces)",
            id="reset-spaces",
        ),
        pytest.param(
            ["disable", "nobody"],
            "",
            "login: no user has the login 'nobody' (see 'crmdesk users list')",
            id="disable-unknown",
        ),
    ],
)
def test_errors_exit_2_naming_the_field(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    open_db: Any,
    no_prompt: list[str],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    code, out, err = run(capsys, monkeypatch, db_path, *argv, stdin=stdin)
    assert (code, out) == (2, "")
    assert one_error_line(err) == message
    db = open_db()
    assert [u.login for u in users.list_users(db, include_inactive=True)] == ["admin"]
    assert not auth.needs_sign_in(db)


def test_a_taken_login_is_refused_before_the_prompt(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: str,
    no_prompt: list[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal())
    code = main(["users", "add", "admin", "--name", "A", "--role", "rep", "--db", db_path])
    assert code == 2 and no_prompt == []
    assert one_error_line(capsys.readouterr().err) == "login: 'admin' is already used"


def test_a_missing_database_is_not_created(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "missing.sqlite3"
    code, _, err = run(capsys, monkeypatch, str(path), "list")
    assert code == 2 and "does not exist" in one_error_line(err)
    assert not path.exists()
