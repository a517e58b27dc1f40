"""Passwords and signing in (team mode).

A database in which no active user has a password opens straight away as its
first active admin (:func:`crmdesk.services.setup.default_admin_id`); as soon
as one active user has a password, :func:`needs_sign_in` is true and everyone
signs in with :func:`sign_in`.

**Hashes.** ``scrypt$n=16384,r=8,p=1$<salt>$<key>``: scrypt with the parameters
written in the string (so they can be raised later: a successful sign-in
re-hashes a password stored with other parameters), a random 16-byte salt per
hash and a 32-byte key, both standard base64. The password is NFKC-normalised
first, so that full-width and half-width input (an IME) give the same password.

**Sign-in failures** raise :class:`~crmdesk.domain.SignInFailed` and never tell
whether the login exists:

- a wrong password, an unknown login and a user without a password all give
  ``sign_in_failed`` ("Wrong login or password."), after the same work: an
  unknown login is checked against a dummy hash, so it takes as long as a
  known one (a known one also commits its counter, a millisecond or so);
- :data:`MAX_FAILED_SIGN_INS` wrong passwords in a row lock the login for
  :data:`LOCK_TIME`: the last of them and every try during the lock, the right
  password included, give ``sign_in_locked`` with the minutes left. The counter
  and the lock are kept in the ``users`` row, committed although the sign-in
  fails. A success resets the counter; after the lock the login has
  :data:`MAX_FAILED_SIGN_INS` new tries;
- unknown logins are counted too, in this process, per database, with the
  same rule and the same messages, so that the lock does not reveal which
  logins exist. Those counters are forgotten when the program ends, unlike the
  real ones: a person who restarts the program between tries could tell the
  two apart, but a person who can run crmdesk on the database can read its
  ``users`` table anyway (the sign-in protects the team's data from each
  other, not the database from its readers);
- a disabled user gets ``sign_in_disabled`` only after giving the right
  password, which reveals nothing to someone who does not know it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
import secrets
import threading
import unicodedata
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    Changes,
    FieldError,
    Outcome,
    SignInFailed,
    UserInfo,
    ValidationError,
)
from crmdesk.services._common import (
    Validator,
    actor,
    get_or_404,
    require_admin,
    user_info,
    utcnow,
)

#: Wrong passwords in a row that lock a login.
MAX_FAILED_SIGN_INS = 5
#: How long a locked login waits.
LOCK_TIME = timedelta(minutes=5)
MIN_PASSWORD_LEN = 8
#: A bound on what is hashed; no one types more.
MAX_PASSWORD_LEN = 1024

#: scrypt cost: 16 MiB of memory and about 50 ms per hash on a current PC.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
_CURRENT = (SCRYPT_N, SCRYPT_R, SCRYPT_P)
#: Stored hashes asking for more memory than this are treated as damaged.
_MAX_SCRYPT_MEMORY = 2**30

_HASH_RE = re.compile(
    r"scrypt\$n=([0-9]{1,10}),r=([0-9]{1,4}),p=([0-9]{1,4})"
    r"\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})"
)
_DUMMY_SALT = bytes(SALT_BYTES)

_WRONG = "Wrong login or password."
_OTHERS_PASSWORD = "Only an admin can set another user's password."


# --- hashing ----------------------------------------------------------------------------


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A new salted hash of ``password``; equal passwords give different hashes."""
    if not isinstance(password, str):
        raise TypeError("a password is text")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, r, p, KEY_BYTES)
    return f"scrypt$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the ``stored`` hash, in constant time. A missing
    or damaged hash is checked against a dummy, so it takes as long and is False."""
    parsed = _parse_hash(stored)
    if parsed is None or not isinstance(password, str):
        _scrypt(password if isinstance(password, str) else "", _DUMMY_SALT, *_CURRENT, KEY_BYTES)
        return False
    n, r, p, salt, key = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key)), key)


def validate_password(password: Any) -> None:
    """Raise :class:`~crmdesk.domain.ValidationError` (field ``password``) unless
    ``password`` is acceptable: at least :data:`MIN_PASSWORD_LEN` characters, not
    only white space, at most :data:`MAX_PASSWORD_LEN`."""
    problems = _password_problems(password)
    if problems:
        raise ValidationError(problems)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    secret = unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")
    # OpenSSL needs 128·r·(n + p + 2) bytes; its default cap (32 MiB) is too low for n ≥ 2**15.
    maxmem = 128 * r * (n + p + 2) + 2**20
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _parse_hash(stored: str | None) -> tuple[int, int, int, bytes, bytes] | None:
    if not isinstance(stored, str):
        return None
    match = _HASH_RE.fullmatch(stored)
    if match is None:
        return None
    n, r, p = (int(x) for x in match.group(1, 2, 3))
    try:
        salt = base64.b64decode(match.group(4), validate=True)
        key = base64.b64decode(match.group(5), validate=True)
    except (binascii.Error, ValueError):
        return None
    sound = (
        n > 1
        and n & (n - 1) == 0
        and r >= 1
        and p >= 1
        and 128 * r * (n + p + 2) <= _MAX_SCRYPT_MEMORY
        and len(salt) >= 8
        and 16 <= len(key) <= 64
    )
    return (n, r, p, salt, key) if sound else None


def _needs_rehash(stored: str) -> bool:
    parsed = _parse_hash(stored)
    if parsed is None:
        return True
    n, r, p, salt, key = parsed
    return (n, r, p) != _CURRENT or len(salt) != SALT_BYTES or len(key) != KEY_BYTES


def _password_problems(password: Any) -> list[FieldError]:
    v = Validator()
    if password is None or password == "":
        v.add("password", "required")
    elif not isinstance(password, str):
        v.add("password", "invalid", reason="expected text")
    elif password.isspace():
        v.add("password", "invalid", reason="it must not be only spaces")
    elif len(password) < MIN_PASSWORD_LEN:
        v.add("password", "invalid", reason=f"it needs at least {MIN_PASSWORD_LEN} characters")
    elif len(password) > MAX_PASSWORD_LEN:
        v.add("password", "too_long", max=MAX_PASSWORD_LEN, length=len(password))
    return v.errors


# --- signing in ---------------------------------------------------------------------------


def sign_in(db: Database, login: str, password: str, *, now: datetime | None = None) -> UserInfo:
    """The user whose login and password these are; raises
    :class:`~crmdesk.domain.SignInFailed` otherwise (see the module's docstring).

    ``login`` is matched exactly, or else without regard to case when only one
    login matches that way. ``now`` (aware) is the clock of the lockout, for tests.
    """
    at = _aware_now(now)
    name = login.strip() if isinstance(login, str) else ""
    secret = password if isinstance(password, str) else ""
    with db.read() as s:
        found = _find_login(s, name)
    stored = found[1] if found is not None else None
    # Always exactly one scrypt before answering: a dummy one for an unknown login.
    right = verify_password(secret, stored)
    if found is None:
        raise _unknown_logins(db).failed(name, at)
    new_hash = hash_password(secret) if right and _needs_rehash(stored or "") else None
    with db.transaction() as s:
        user = s.get(m.User, found[0], with_for_update=True)
        # The counter is committed with this transaction even when the sign-in fails.
        result = _judge(user, right and user is not None and user.password_hash == stored, at)
        if isinstance(result, UserInfo) and new_hash is not None:
            user.password_hash = new_hash  # type: ignore[union-attr]
    if isinstance(result, SignInFailed):
        raise result
    return result


def needs_sign_in(db: Database) -> bool:
    """True when some active user has a password: then everyone signs in. Otherwise
    the database opens as its admin (``setup.default_admin_id``)."""
    with db.read() as s:
        stmt = (
            select(m.User.id)
            .where(m.User.active.is_(True), m.User.password_hash.is_not(None))
            .limit(1)
        )
        return s.execute(stmt).first() is not None


def locked_users(db: Database, *, now: datetime | None = None) -> dict[int, datetime]:
    """The users whose login is locked at ``now``, and until when (UTC)."""
    at = _aware_now(now)
    with db.read() as s:
        rows = s.execute(
            select(m.User.id, m.User.locked_until).where(m.User.locked_until > at)
        ).all()
    return {uid: until for uid, until in rows}


def _aware_now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    return now.astimezone(UTC)


def _find_login(s: Session, name: str) -> tuple[int, str | None] | None:
    if not name:
        return None
    cols = select(m.User.id, m.User.password_hash)
    exact = s.execute(cols.where(m.User.login == name)).first()
    if exact is not None:
        return exact[0], exact[1]
    folded = s.execute(cols.where(func.lower(m.User.login) == name.lower()).limit(2)).all()
    return (folded[0][0], folded[0][1]) if len(folded) == 1 else None


def _judge(user: m.User | None, right: bool, at: datetime) -> UserInfo | SignInFailed:
    """Apply one try to the user's counter and lock; the user, or the error to raise."""
    if user is None:  # deleted since it was looked up
        return _wrong()
    if user.locked_until is not None:
        if user.locked_until > at:
            return _locked(user.locked_until - at)
        user.locked_until = None
        user.failed_logins = 0
    if right:
        if not user.active:
            return SignInFailed(
                "This account is disabled. Ask an admin to enable it.",
                code="sign_in_disabled",
            )
        user.failed_logins = 0
        return user_info(user)
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILED_SIGN_INS:
        user.locked_until = at + LOCK_TIME
        return _locked(LOCK_TIME)
    return _wrong()


def _wrong() -> SignInFailed:
    return SignInFailed(_WRONG, code="sign_in_failed")


def _locked(left: timedelta) -> SignInFailed:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return SignInFailed(
        f"Too many wrong passwords in a row for this login. Wait {minutes} {unit} and try again.",
        code="sign_in_locked",
        minutes=minutes,
    )


@dataclass
class _Tries:
    failed: int = 0
    locked_until: datetime | None = None


class _UnknownLogins:
    """Failure counters of logins that do not exist, kept like the real ones so that
    the lock does not tell which logins exist; the oldest are dropped past a bound."""

    LIMIT = 1000

    def __init__(self) -> None:
        self._tries: dict[str, _Tries] = {}
        self._lock = threading.Lock()

    def failed(self, login: str, at: datetime) -> SignInFailed:
        key = login.casefold()
        with self._lock:
            tries = self._tries.pop(key, None) or _Tries()
            self._tries[key] = tries  # the most recent last
            while len(self._tries) > self.LIMIT:
                del self._tries[next(iter(self._tries))]
            if tries.locked_until is not None:
                if tries.locked_until > at:
                    return _locked(tries.locked_until - at)
                tries.locked_until = None
                tries.failed = 0
            tries.failed += 1
            if tries.failed >= MAX_FAILED_SIGN_INS:
                tries.locked_until = at + LOCK_TIME
                return _locked(LOCK_TIME)
            return _wrong()


_unknown_by_db: weakref.WeakKeyDictionary[Database, _UnknownLogins] = weakref.WeakKeyDictionary()
_unknown_lock = threading.Lock()


def _unknown_logins(db: Database) -> _UnknownLogins:
    with _unknown_lock:
        tracker = _unknown_by_db.get(db)
        if tracker is None:
            tracker = _unknown_by_db[db] = _UnknownLogins()
        return tracker


# --- setting passwords ------------------------------------------------------------------------


def set_password(db: Database, user_id: int, password: str, *, by: int) -> Outcome[UserInfo]:
    """Set a user's password: one's own, or anyone's by an admin (a reset). It also
    clears the user's failed sign-ins and lock. Refused with ``PermissionDenied``
    for another user's password unless ``by`` is an admin; nothing is written then."""
    problems = _password_problems(password)
    # Hashed before the transaction, so that the write lock is not held for it.
    hashed = None if problems else hash_password(password)
    with db.transaction() as s:
        me = actor(s, by)
        user = get_or_404(s, m.User, user_id, lock=True)
        if user.id != me.id:
            require_admin(me, "set_password", _OTHERS_PASSWORD)
        if problems:
            raise ValidationError(problems)
        user.password_hash = hashed
        user.failed_logins = 0
        user.locked_until = None
        s.flush()
        return Outcome(user_info(user), Changes(Change.USERS))
