"""Users of a crmdesk database. Team mode (passwords, sign-in) builds on this."""

from __future__ import annotations

import re

from sqlalchemy import select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import Change, Changes, Outcome, Role, UserInfo
from crmdesk.services._common import (
    Validator,
    actor,
    get_or_404,
    require_admin,
    unique_taken,
    user_info,
    utcnow,
)

LOGIN_RE = re.compile(r"^[A-Za-z0-9._@-]+$")
_ADMINS_ONLY = "Only an admin can manage users."


def list_users(db: Database, *, include_inactive: bool = False) -> list[UserInfo]:
    with db.read() as s:
        stmt = select(m.User).order_by(m.User.name, m.User.id)
        if not include_inactive:
            stmt = stmt.where(m.User.active.is_(True))
        return [user_info(u) for u in s.execute(stmt).scalars()]


def get_user(db: Database, user_id: int) -> UserInfo:
    with db.read() as s:
        return user_info(get_or_404(s, m.User, user_id))


def find_user(db: Database, name_or_login: str) -> UserInfo | None:
    """A user by login or display name (case-insensitive); None when unknown."""
    needle = name_or_login.strip().casefold()
    for u in list_users(db, include_inactive=True):
        if needle in (u.login.casefold(), u.name.casefold()):
            return u
    return None


def create_user(
    db: Database,
    *,
    by: int,
    name: str,
    login: str,
    role: Role | str = Role.REP,
    email: str | None = None,
) -> Outcome[UserInfo]:
    with db.transaction() as s:
        require_admin(actor(s, by), "manage_users", _ADMINS_ONLY)
        v = Validator()
        clean_name = v.text("name", name, max_len=m.LEN_NAME, required=True)
        clean_login = v.text("login", login, max_len=m.LEN_LOGIN, required=True)
        if clean_login and not LOGIN_RE.match(clean_login):
            v.add("login", "invalid", reason="letters, digits and . _ @ - only")
        elif clean_login and unique_taken(s, m.User.login, clean_login):
            v.add("login", "duplicate", value=clean_login)
        clean_role = v.choice("role", role, Role)
        clean_email = v.text("email", email, max_len=m.LEN_EMAIL)
        v.check()
        user = m.User(
            name=clean_name,
            login=clean_login,
            role=clean_role.value,
            active=True,
            email=clean_email,
            created_at=utcnow(),
        )
        s.add(user)
        s.flush()
        return Outcome(user_info(user), Changes(Change.USERS))


def set_role(db: Database, user_id: int, role: Role | str, *, by: int) -> Outcome[UserInfo]:
    with db.transaction() as s:
        require_admin(actor(s, by), "manage_users", _ADMINS_ONLY)
        user = get_or_404(s, m.User, user_id, lock=True)
        v = Validator()
        clean = v.choice("role", role, Role)
        if clean is not None and clean is not Role.ADMIN and user.role == Role.ADMIN.value:
            _keep_one_admin(s, v, user.id)
        v.check()
        user.role = clean.value
        s.flush()
        return Outcome(user_info(user), Changes(Change.USERS))


def set_active(db: Database, user_id: int, active: bool, *, by: int) -> Outcome[UserInfo]:
    with db.transaction() as s:
        require_admin(actor(s, by), "manage_users", _ADMINS_ONLY)
        user = get_or_404(s, m.User, user_id, lock=True)
        v = Validator()
        if not active and user.role == Role.ADMIN.value:
            _keep_one_admin(s, v, user.id)
        v.check()
        user.active = active
        s.flush()
        return Outcome(user_info(user), Changes(Change.USERS))


def _keep_one_admin(s, v: Validator, leaving_id: int) -> None:  # type: ignore[no-untyped-def]
    others = s.execute(
        select(m.User.id).where(
            m.User.role == Role.ADMIN.value, m.User.active.is_(True), m.User.id != leaving_id
        )
    ).first()
    if others is None:
        v.add("role", "not_allowed", reason="the database needs at least one active admin")
