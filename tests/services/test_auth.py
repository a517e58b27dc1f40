"""crmdesk.services.auth: password hashes, signing in, the lockout, setting passwords."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    NotFound,
    PermissionDenied,
    SignInFailed,
    ValidationError,
)
from crmdesk.services import auth, users

from ._helpers import as_utc, row, scalar, snapshot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD = "correct horse battery"
HASH_RE = re.compile(
    r"scrypt\$n=16384,r=8,p=1\$(?P<salt>[A-Za-z0-9+/]+={0,2})\$(?P<key>[A-Za-z0-9+/]+={0,2})"
)


def _user(db: Database, user_id: int) -> Any:
    return row(
        db,
        "SELECT password_hash, failed_logins, locked_until FROM users WHERE id = :id",
        id=user_id,
    )


def _login(db: Database, user_id: int) -> str:
    return str(scalar(db, "SELECT login FROM users WHERE id = :id", id=user_id))


def _fail(db: Database, login: str, password: str, at: datetime) -> SignInFailed:
    with pytest.raises(SignInFailed) as exc:
        auth.sign_in(db, login, password, now=at)
    return exc.value


def _wrong_in_a_row(db: Database, login: str, times: int, start: datetime) -> list[SignInFailed]:
    return [_fail(db, login, "wrong password", start + timedelta(seconds=i)) for i in range(times)]


@pytest.fixture
def with_password(db: Database, admin_id: int, rep: int) -> tuple[int, str]:
    """The rep, with the password GOOD, and its login."""
    auth.set_password(db, rep, GOOD, by=admin_id)
    return rep, _login(db, rep)


# --- hashes -------------------------------------------------------------------------------------


def test_hash_format_and_a_new_salt_each_time() -> None:
    first, second = auth.hash_password(GOOD), auth.hash_password(GOOD)
    assert first != second
    parts = [HASH_RE.fullmatch(h) for h in (first, second)]
    assert all(parts), (first, second)
    salts = [base64.b64decode(p["salt"]) for p in parts if p]
    keys = [base64.b64decode(p["key"]) for p in parts if p]
    assert [len(s) for s in salts] == [16, 16] and salts[0] != salts[1]
    assert [len(k) for k in keys] == [32, 32] and keys[0] != keys[1]
    assert len(first) <= 255  # users.password_hash is String(255)


def test_the_key_is_scrypt_of_the_password_and_salt() -> None:
    match = HASH_RE.fullmatch(auth.hash_password(GOOD))
    assert match is not None
    salt = base64.b64decode(match["salt"])
    expected = hashlib.scrypt(GOOD.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert base64.b64decode(match["key"]) == expected


def test_verify_right_and_wrong() -> None:
    stored = auth.hash_password(GOOD)
    assert auth.verify_password(GOOD, stored)
    assert not auth.verify_password(GOOD + " ", stored)
    assert not auth.verify_password(GOOD.upper(), stored)
    assert not auth.verify_password("", stored)


def test_full_width_input_is_the_same_password() -> None:
    stored = auth.hash_password("Secret123")
    assert auth.verify_password("Ｓｅｃｒｅｔ１２３", stored)  # typed through an IME


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "plain text",
        "scrypt$n=16384,r=8,p=1$not base64!$AAAA",
        "scrypt$n=1000,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n not a power of 2
        "scrypt$n=4294967296,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # 4 TiB
        "bcrypt$2b$12$abcdefghijklmnopqrstuv",
    ],
)
def test_a_missing_or_damaged_hash_matches_nothing(stored: str | None) -> None:
    assert not auth.verify_password(GOOD, stored)


def test_stronger_parameters_in_the_hash_are_honoured() -> None:
    stored = auth.hash_password(GOOD, n=2**15)
    assert stored.startswith("scrypt$n=32768,r=8,p=1$")  # above OpenSSL's default memory cap
    assert auth.verify_password(GOOD, stored)
    assert not auth.verify_password("nope nope", stored)


# --- signing in -----------------------------------------------------------------------------


def test_sign_in_returns_the_user(db: Database, with_password: tuple[int, str]) -> None:
    rep, login = with_password
    user = auth.sign_in(db, login, GOOD, now=T0)
    assert (user.id, user.login, user.has_password) == (rep, login, True)
    assert auth.sign_in(db, f"  {login.upper()} ", GOOD, now=T0).id == rep  # case, spaces


def test_wrong_password_and_unknown_login_give_the_same_answer(
    db: Database, with_password: tuple[int, str], admin_id: int
) -> None:
    _, login = with_password
    answers = [
        _fail(db, login, "wrong password", T0),
        _fail(db, "nobody", GOOD, T0),
        _fail(db, "", GOOD, T0),
        _fail(db, _login(db, admin_id), GOOD, T0),  # a user without a password
    ]
    assert {(e.code, str(e), tuple(e.params.items())) for e in answers} == {
        ("sign_in_failed", "Wrong login or password.", ())
    }


def test_a_failure_is_counted_and_committed(db: Database, with_password: tuple[int, str]) -> None:
    rep, login = with_password
    _fail(db, login, "wrong password", T0)
    _fail(db, login, "wrong again", T0)
    assert _user(db, rep).failed_logins == 2


def test_four_wrong_passwords_do_not_lock(db: Database, with_password: tuple[int, str]) -> None:
    rep, login = with_password
    errors = _wrong_in_a_row(db, login, 4, T0)
    assert {e.code for e in errors} == {"sign_in_failed"}
    assert _user(db, rep).locked_until is None
    assert auth.sign_in(db, login, GOOD, now=T0 + timedelta(seconds=10)).id == rep
    assert _user(db, rep).failed_logins == 0


def test_five_wrong_passwords_in_a_row_lock_the_login(
    db: Database, with_password: tuple[int, str]
) -> None:
    rep, login = with_password
    errors = _wrong_in_a_row(db, login, 5, T0)
    assert [e.code for e in errors] == ["sign_in_failed"] * 4 + ["sign_in_locked"]
    assert str(errors[-1]) == (
        "Too many wrong passwords in a row for this login. Wait 5 minutes and try again."
    )
    assert errors[-1].params == {"minutes": 5}
    locked_at = T0 + timedelta(seconds=4)
    assert as_utc(_user(db, rep).locked_until) == locked_at + auth.LOCK_TIME
    assert auth.locked_users(db, now=locked_at) == {rep: locked_at + auth.LOCK_TIME}

    # The right password does not help during the lock, and the lock is not extended.
    later = locked_at + timedelta(minutes=3, seconds=30)
    refused = _fail(db, login, GOOD, later)
    assert (refused.code, refused.params) == ("sign_in_locked", {"minutes": 2})
    assert "Wait 2 minutes" in str(refused)
    last_second = _fail(db, login, GOOD, locked_at + auth.LOCK_TIME - timedelta(seconds=1))
    assert "Wait 1 minute and" in str(last_second)
    assert as_utc(_user(db, rep).locked_until) == locked_at + auth.LOCK_TIME


def test_the_lock_expires_after_the_lock_time(db: Database, with_password: tuple[int, str]) -> None:
    rep, login = with_password
    _wrong_in_a_row(db, login, 5, T0)
    unlocked_at = T0 + timedelta(seconds=4) + auth.LOCK_TIME
    assert _fail(db, login, GOOD, unlocked_at - timedelta(seconds=1)).code == "sign_in_locked"
    assert auth.locked_users(db, now=unlocked_at) == {}
    assert auth.sign_in(db, login, GOOD, now=unlocked_at).id == rep
    assert tuple(_user(db, rep))[1:] == (0, None)


def test_after_the_lock_there_are_five_new_tries(
    db: Database, with_password: tuple[int, str]
) -> None:
    _, login = with_password
    _wrong_in_a_row(db, login, 5, T0)
    after = T0 + timedelta(minutes=10)
    errors = _wrong_in_a_row(db, login, 5, after)
    assert [e.code for e in errors] == ["sign_in_failed"] * 4 + ["sign_in_locked"]


def test_a_success_resets_the_count(db: Database, with_password: tuple[int, str]) -> None:
    rep, login = with_password
    _wrong_in_a_row(db, login, 4, T0)
    auth.sign_in(db, login, GOOD, now=T0 + timedelta(seconds=5))
    errors = _wrong_in_a_row(db, login, 4, T0 + timedelta(seconds=10))
    assert {e.code for e in errors} == {"sign_in_failed"}
    assert auth.sign_in(db, login, GOOD, now=T0 + timedelta(seconds=20)).id == rep


def test_an_unknown_login_locks_alike(db: Database, with_password: tuple[int, str]) -> None:
    _, login = with_password

    def answers(name: str) -> list[tuple[str, str, dict[str, Any]]]:
        tries = [_fail(db, name, "wrong password", T0 + timedelta(seconds=i)) for i in range(6)]
        tries.append(_fail(db, name, GOOD, T0 + timedelta(minutes=2)))
        return [(e.code, str(e), e.params) for e in tries]

    known, unknown = answers(login), answers("no.such.user")
    assert known == unknown
    assert [code for code, _, _ in unknown] == ["sign_in_failed"] * 4 + ["sign_in_locked"] * 3
    # ...and it ends alike: five new tries.
    assert _fail(db, "no.such.user", GOOD, T0 + timedelta(minutes=6)).code == "sign_in_failed"


def test_an_unknown_login_costs_one_hash_like_a_known_one(
    db: Database, with_password: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, login = with_password
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(kwargs["n"])
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    for name in (login, "nobody", ""):
        calls.clear()
        _fail(db, name, "wrong password", T0)
        assert calls == [auth.SCRYPT_N], name

    def fastest(name: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            _fail(db, name, "wrong password", T0)
            times.append(time.perf_counter() - started)
        return min(times)

    monkeypatch.undo()
    assert fastest("nobody") > 0.5 * fastest(login)


def test_a_disabled_user_cannot_sign_in(
    db: Database, with_password: tuple[int, str], admin_id: int
) -> None:
    rep, login = with_password
    users.set_active(db, rep, False, by=admin_id)
    refused = _fail(db, login, GOOD, T0)
    assert refused.code == "sign_in_disabled"
    assert str(refused) == "This account is disabled. Ask an admin to enable it."
    # Without the right password it says no more than for anyone else.
    assert _fail(db, login, "wrong password", T0).code == "sign_in_failed"
    users.set_active(db, rep, True, by=admin_id)
    assert auth.sign_in(db, login, GOOD, now=T0).id == rep


def test_a_hash_with_old_parameters_is_renewed_on_sign_in(
    db: Database, with_password: tuple[int, str]
) -> None:
    rep, login = with_password
    old = auth.hash_password(GOOD, n=2**12)
    with db.transaction() as s:
        s.get(m.User, rep).password_hash = old  # type: ignore[union-attr]
    auth.sign_in(db, login, GOOD, now=T0)
    renewed = _user(db, rep).password_hash
    assert renewed != old and HASH_RE.fullmatch(renewed)
    assert auth.sign_in(db, login, GOOD, now=T0).id == rep


def test_needs_sign_in(db: Database, admin_id: int, rep: int) -> None:
    assert not auth.needs_sign_in(db)  # a new database opens as its admin
    auth.set_password(db, rep, GOOD, by=admin_id)
    assert auth.needs_sign_in(db)
    users.set_active(db, rep, False, by=admin_id)
    assert not auth.needs_sign_in(db)  # only disabled users have passwords


# --- setting passwords ------------------------------------------------------------------------


def test_a_user_sets_their_own_password(db: Database, rep: int) -> None:
    out = auth.set_password(db, rep, GOOD, by=rep)
    assert out.changes.touches(Change.USERS)
    assert out.value.id == rep and out.value.has_password
    stored = _user(db, rep).password_hash
    assert HASH_RE.fullmatch(stored) and auth.verify_password(GOOD, stored)


@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
def test_an_admin_resets_anyones_password_and_lock(
    db: Database, admin_id: int, make_user: Any, role: str
) -> None:
    user = make_user(role)
    auth.set_password(db, user, GOOD, by=admin_id)
    login = _login(db, user)
    _wrong_in_a_row(db, login, 5, T0)
    auth.set_password(db, user, "a new password", by=admin_id)
    assert tuple(_user(db, user))[1:] == (0, None)
    assert auth.sign_in(db, login, "a new password", now=T0 + timedelta(minutes=1)).id == user
    assert _fail(db, login, GOOD, T0 + timedelta(minutes=1)).code == "sign_in_failed"


@pytest.mark.parametrize(
    ("by", "target"),
    [
        pytest.param("rep", "other_rep", id="rep-for-rep"),
        pytest.param("rep", "admin_id", id="rep-for-admin"),
        pytest.param("manager", "rep", id="manager-for-rep"),
        pytest.param("manager", "admin_id", id="manager-for-admin"),
    ],
)
def test_only_an_admin_sets_another_users_password(
    db: Database, request: pytest.FixtureRequest, by: str, target: str
) -> None:
    actor_id, target_id = request.getfixturevalue(by), request.getfixturevalue(target)
    before = snapshot(db)
    with pytest.raises(PermissionDenied) as exc:
        auth.set_password(db, target_id, GOOD, by=actor_id)
    assert str(exc.value) == "Only an admin can set another user's password."
    assert exc.value.action == "set_password"
    # Refused before the password is even looked at.
    with pytest.raises(PermissionDenied):
        auth.set_password(db, target_id, "short", by=actor_id)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("password", "code", "text"),
    [
        pytest.param("", "required", "password: is required", id="empty"),
        pytest.param(None, "required", "password: is required", id="none"),
        pytest.param(
            "seven77",
            "invalid",
            "password: is not valid (it needs at least 8 characters)",
            id="seven-chars",
        ),
        pytest.param(
            " " * 12,
            "invalid",
            "password: is not valid (it must not be only spaces)",
            id="spaces",
        ),
        pytest.param("\t\n \u3000" * 3, "invalid", None, id="white-space"),
        pytest.param("x" * 1025, "too_long", None, id="too-long"),
        pytest.param(12345678, "invalid", None, id="not-text"),
    ],
)
def test_set_password_refuses_bad_passwords(
    db: Database, rep: int, password: Any, code: str, text: str | None
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        auth.set_password(db, rep, password, by=rep)
    assert (exc.value.fields, exc.value.errors[0].code) == (["password"], code)
    if text is not None:
        assert str(exc.value) == text
    assert snapshot(db) == before
    with pytest.raises(ValidationError):
        auth.validate_password(password)


def test_eight_characters_are_enough(db: Database, rep: int) -> None:
    auth.validate_password("eight888")
    auth.set_password(db, rep, " spaced ", by=rep)  # kept as typed: no stripping
    assert auth.sign_in(db, _login(db, rep), " spaced ", now=T0).id == rep
    assert _fail(db, _login(db, rep), "spaced", T0).code == "sign_in_failed"


def test_set_password_for_an_unknown_user(db: Database, admin_id: int) -> None:
    with pytest.raises(NotFound):
        auth.set_password(db, 9999, GOOD, by=admin_id)


def test_a_disabled_user_cannot_set_passwords(db: Database, admin_id: int, rep: int) -> None:
    users.set_active(db, rep, False, by=admin_id)
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        auth.set_password(db, rep, GOOD, by=rep)
    assert snapshot(db) == before
