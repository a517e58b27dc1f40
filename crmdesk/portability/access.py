"""Who may take data out of crmdesk, or put a backup in its place, from the app.

The rules follow what the services let each role read and change:

* ``export`` (deals, customers, contacts or activities as CSV/XLSX): every user; a rep
  reads every deal and customer in the app already.
* ``export_everything`` (the whole database as a JSON dump, without password hashes):
  a manager or an admin, as for importing. The dump holds every table: the users, the
  settings, the audit and change logs.
* ``export_password_hashes`` (a JSON dump with the users' password hashes): an admin,
  who alone manages users and passwords; never without being asked for.
* ``backup`` (File › Back up now…; a backup holds the password hashes) and
  ``restore`` (it replaces everyone's data): an admin.

The command line acts as the database's first active admin (``crmdesk export``,
``backup``, ``restore``), so these rules are the app's. :func:`require` loads the acting
user, so a disabled user or a role changed meanwhile is refused too.
"""

from __future__ import annotations

from typing import Literal

from crmdesk.db.engine import Database
from crmdesk.domain import PermissionDenied, Role

Action = Literal["export", "export_everything", "export_password_hashes", "backup", "restore"]

#: The roles allowed each action.
RULES: dict[str, frozenset[Role]] = {
    "export": frozenset({Role.REP, Role.MANAGER, Role.ADMIN}),
    "export_everything": frozenset({Role.MANAGER, Role.ADMIN}),
    "export_password_hashes": frozenset({Role.ADMIN}),
    "backup": frozenset({Role.ADMIN}),
    "restore": frozenset({Role.ADMIN}),
}

#: The English refusals (the app translates them by ``action``, ``ui/errors.py``).
MESSAGES: dict[str, str] = {
    "export": "Only a signed-in user can export data.",
    "export_everything": "Only a manager or an admin can export the whole database.",
    "export_password_hashes": "Only an admin can export the users' password hashes.",
    "backup": "Only an admin can back up the database (a backup holds the password hashes).",
    "restore": "Only an admin can restore a backup.",
}


def allowed(role: Role | str, action: Action) -> bool:
    """Whether ``role`` may do ``action`` (for showing what a user may do)."""
    return Role(role) in RULES[action]


def require(db: Database, by: int, action: Action) -> None:
    """Raise :class:`PermissionDenied` unless the active user ``by`` may do ``action``."""
    from crmdesk.services.users import get_user

    user = get_user(db, by)
    if not user.active:
        raise PermissionDenied(
            "Your user account is unknown or disabled; sign in again.",
            action="act",
            role=user.role.value,
        )
    if not allowed(user.role, action):
        # One literal action per call: tests/ui/test_translations.py reads them from here
        # and checks that ui/errors.py has a sentence for each.
        if action == "export_everything":
            raise PermissionDenied(
                MESSAGES[action], action="export_everything", role=user.role.value
            )
        if action == "export_password_hashes":
            raise PermissionDenied(
                MESSAGES[action], action="export_password_hashes", role=user.role.value
            )
        if action == "backup":
            raise PermissionDenied(MESSAGES[action], action="backup", role=user.role.value)
        if action == "restore":
            raise PermissionDenied(MESSAGES[action], action="restore", role=user.role.value)
        raise PermissionDenied(MESSAGES[action], action="export", role=user.role.value)
