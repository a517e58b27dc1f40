"""Typed, coded errors raised by the core and translated by the UI.

Each error carries a stable ``code`` and ``params`` so that a user interface can
show a translated message, plus an English ``str()`` for logs and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class CrmError(Exception):
    """Base class of every error the core raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params: dict[str, Any] = params

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field.

    ``code`` is one of: ``required``, ``too_long``, ``negative``, ``out_of_range``,
    ``unknown``, ``invalid``, ``before_created``, ``in_future``, ``duplicate``,
    ``inactive``, ``not_allowed``, ``too_many``, ``has_open_deals`` (a pipeline that
    still holds open deals cannot be archived; ``count``), ``is_default`` (the default
    pipeline cannot be archived).
    """

    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {describe_field_error(self)}"


_TEMPLATES = {
    "required": "is required",
    "too_long": "is longer than {max} characters",
    "negative": "must not be negative",
    "out_of_range": "must be between {min} and {max}",
    "unknown": "refers to an unknown {entity} ({value!r})",
    "invalid": "is not valid ({reason})",
    "before_created": "must not be before the deal was created ({created})",
    "in_future": "must not be in the future",
    "duplicate": "is already used ({value!r})",
    "inactive": "refers to an inactive {entity} ({value!r})",
    "not_allowed": "cannot be changed here ({reason})",
    "too_many": "cannot be added: at most {limit} are allowed",
    "has_open_deals": "still holds {count} open deals; move or close them first",
    "is_default": "is the default pipeline; make another pipeline the default first",
}


def describe_field_error(err: FieldError) -> str:
    template = _TEMPLATES.get(err.code, err.code)
    try:
        return template.format(**err.params)
    except (KeyError, IndexError):
        return template


class ValidationError(CrmError):
    """Input was rejected; nothing was written. ``errors`` names each bad field."""

    code = "validation"

    def __init__(self, errors: list[FieldError] | FieldError) -> None:
        if isinstance(errors, FieldError):
            errors = [errors]
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.errors]

    def for_field(self, name: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == name), None)


class NotFound(CrmError):
    """The record does not exist (any more)."""

    code = "not_found"

    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(f"{entity} {ident!r} does not exist", entity=entity, id=ident)
        self.entity = entity
        self.ident = ident


class PermissionDenied(CrmError):
    """The acting user may not do this; nothing was written."""

    code = "permission_denied"

    def __init__(self, message: str, *, action: str, **params: Any) -> None:
        super().__init__(message, action=action, **params)
        self.action = action


class Conflict(CrmError):
    """Someone else changed the record since the caller read it."""

    code = "conflict"

    def __init__(
        self,
        entity: str,
        ident: int,
        *,
        expected_version: int,
        current_version: int,
        changed_by: str | None,
        changed_at: datetime | None,
    ) -> None:
        who = changed_by or "another user"
        when = changed_at.isoformat(timespec="seconds") if changed_at else "recently"
        super().__init__(
            f"{entity} {ident} was changed by {who} at {when} "
            f"(version {current_version}, you edited version {expected_version})",
            entity=entity,
            id=ident,
            expected_version=expected_version,
            current_version=current_version,
            changed_by=changed_by,
            changed_at=changed_at,
        )
        self.entity = entity
        self.ident = ident
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at


class DatabaseUnavailable(CrmError):
    """The database could not be reached or was too busy to answer (a lost network
    connection, a file gone, a lock held too long). Nothing was written by the call that
    failed; it can be tried again."""

    code = "database_unavailable"


class DatabaseOpenError(CrmError):
    """The database cannot be opened as a crmdesk database; it was left untouched."""

    code = "database_open"


class SignInFailed(CrmError):
    """Signing in was refused; nothing but the login's failure counter was written.

    The message never tells whether the login exists. ``code`` is one of:

    - ``sign_in_failed``: wrong login or password (also: the user has no password);
    - ``sign_in_locked``: too many wrong passwords in a row, ``params["minutes"]`` to
      wait; given for an unknown login after as many tries too;
    - ``sign_in_disabled``: the password was right but the account is disabled.
    """

    code = "sign_in_failed"
