"""Turn the core's coded errors into translated sentences for people.

Every error the core raises on purpose has a stable ``code`` (and ``params``); this module
is the one table that turns each into a sentence in the user's language:

* ``ValidationError``: one line per ``FieldError``, the field's label
  (:func:`field_label`) and the code's sentence (:func:`describe_field`). The ``invalid``
  and ``not_allowed`` codes carry an English ``reason`` from the services; it is shown
  translated when it is one of :data:`SERVICE_REASONS` (templates: ``{name}`` stands for
  the part that varies);
* ``PermissionDenied``: one sentence per ``action`` (:data:`permission_messages`);
* ``NotFound`` and ``Conflict``: the entity's name (:func:`entity_label`);
* ``SignInFailed``: ``sign_in_failed``, ``sign_in_locked``, ``sign_in_disabled``;
* ``DatabaseOpenError``: where, and why (:data:`DATABASE_OPEN_REASONS`);
* ``DatabaseUnavailable``; ``PortabilityError`` by its ``reason`` code (the daily
  backup); ``DemoError`` by its English sentence (:data:`DEMO_MESSAGES`).

``tests/ui/test_translations.py`` reads the services, the metrics, the database layer,
the portability and demo packages and fails when any code, action, field, entity or
reason they raise has no entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QCoreApplication

from crmdesk.domain import (
    Conflict,
    CrmError,
    DatabaseOpenError,
    DatabaseUnavailable,
    FieldError,
    NotFound,
    PermissionDenied,
    SignInFailed,
    ValidationError,
)
from crmdesk.ui.format import date_time


def _t(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def _reason(text: str) -> str:
    return QCoreApplication.translate("ServiceReasons", text)


def _open_reason(text: str) -> str:
    return QCoreApplication.translate("DatabaseOpen", text)


def _demo(text: str) -> str:
    return QCoreApplication.translate("DemoErrors", text)


#: The English ``reason`` of the services' ``invalid`` and ``not_allowed`` field errors,
#: as templates (``{name}`` matches the part that varies); translated in the context
#: ``ServiceReasons``. A reason not listed here is shown as it is, in English.
SERVICE_REASONS = (
    "a 3-letter currency code such as USD or CNY",
    "a count is a whole number",
    "a lost stage has probability 0",
    "a new deal starts in an open stage",
    "a pipeline needs an open stage",
    "a time zone is required",
    "a won stage has probability 100",
    "at most 2 decimal places",
    "before the deal entered its current stage",
    "expected a date",
    "expected a date and time",
    "expected a whole number",
    "expected a {entity} id",
    "expected text",
    "it must not be only spaces",
    "it needs at least {count} characters",
    "letters, digits and . _ @ - only",
    "list each open stage exactly once",
    "lower-case letters, digits and _ , starting with a letter",
    "not a number",
    "not an e-mail address",
    "not an editable activity field",
    "not an editable field",
    "one of {choices}",
    "only a lost deal has a lost reason",
    "only a manager can reassign a deal",
    "only a won or lost deal has a close date",
    "pick an open stage of this pipeline",
    "the contact belongs to another customer",
    "the customer still has {count} deals",
    "the database needs at least one active admin",
    "the deal belongs to another customer",
    "the period must end after it starts",
    "the pipeline has no open stage",
    "the stage belongs to another pipeline",
    "the won and lost stages cannot be removed",
    "unknown or repeated ids",
    "unknown time zone {zone}",
    "{count} activities of other people are logged on it; a manager can delete it",
    "{count} deals are still in this stage; move them first",
)

#: Why a database cannot be opened (``DatabaseOpenError.params["reason"]``, which follows
#: its place: "<file>: is a folder, not a database file"), in the context ``DatabaseOpen``.
DATABASE_OPEN_REASONS = (
    "cannot be created ({detail})",
    "cannot be opened ({detail})",
    "cannot be read ({detail})",
    "cannot be used ({detail})",
    "cannot connect ({detail})",
    "could not be prepared ({detail})",
    "does not exist or holds no crmdesk data",
    "has no schema revision; it was not made by crmdesk",
    "has the older schema {revision}; run 'crmdesk migrate' to upgrade it",
    "holds tables but is not a crmdesk database",
    "is a folder, not a database file",
    "is an SQLite file but not a crmdesk database",
    "is damaged and cannot be used ({detail})",
    "is not a crmdesk database (not an SQLite file)",
    "was written by a newer crmdesk (schema {revision}; this version knows up to {head}). "
    "Install the newer crmdesk to open it.",
)

#: Why demo data cannot be made (``DemoError``), in the context ``DemoErrors``.
DEMO_MESSAGES = (
    "the database already holds {count} deals; use a new file for demo data",
    "the database has no lost reasons",
    "the database has no pipeline",
    "the default pipeline needs open stages, a won and a lost stage",
    "the number of demo deals must be at least 1",
)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """``"cannot be read ({detail})"`` -> a regular expression with a group ``detail``."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts)),
        re.S,
    )


def match_template(text: str, templates: tuple[str, ...]) -> tuple[str, dict[str, str]] | None:
    """The template that ``text`` is an instance of, and the values of its ``{names}``."""
    for template in templates:
        found = _pattern(template).fullmatch(text)
        if found is not None:
            return template, found.groupdict()
    return None


def _from_english(text: str, templates: tuple[str, ...], translate: Callable[[str], str]) -> str:
    found = match_template(text, templates)
    if found is None:
        return text
    template, values = found
    if "entity" in values:
        values["entity"] = entity_label(values["entity"])
    try:
        return str(translate(template).format(**values))
    except (KeyError, IndexError, ValueError):
        return text


def reason_text(reason: object) -> str:
    """A service's English reason, translated when it is a known one."""
    return _from_english(
        str(reason),
        SERVICE_REASONS,
        _reason,  # i18n: dynamic (ServiceReasons)
    )


def field_label(field: str) -> str:
    labels = {
        "title": _t("Title"),
        "amount": _t("Amount"),
        "customer_id": _t("Customer"),
        "contact_id": _t("Contact"),
        "deal_id": _t("Deal"),
        "owner_id": _t("Owner"),
        "pipeline": _t("Pipeline"),
        "pipeline_id": _t("Pipeline"),
        "copy_from": _t("Copy stages from"),
        "stage_id": _t("Stage"),
        "stage_ids": _t("Stages"),
        "key": _t("Key"),
        "probability": _t("Probability"),
        "rot_days": _t("Rot days"),
        "currency": _t("Currency"),
        "expected_close": _t("Expected close"),
        "source_id": _t("Source"),
        "created_at": _t("First contact"),
        "closed_at": _t("Close date"),
        "lost_reason_id": _t("Lost reason"),
        "notes": _t("Notes"),
        "external_ref": _t("External reference"),
        "company": _t("Company"),
        "name": _t("Name"),
        "email": _t("E-mail"),
        "phone": _t("Phone"),
        "subject": _t("Subject"),
        "due_at": _t("Due"),
        "done_at": _t("Done"),
        "kind": _t("Kind"),
        "login": _t("Login"),
        "password": _t("Password"),
        "role": _t("Role"),
        "ids": _t("Entries"),
        "metric": _t("Measure"),
        "value": _t("Value"),
        "period_start": _t("Period start"),
        "period_end": _t("Period end"),
        "period_to": _t("Period end"),
        "tz": _t("Time zone"),
    }
    if field.startswith("names."):
        lang = field.removeprefix("names.")
        language = {"en": _t("English"), "zh_CN": _t("Chinese")}.get(lang, lang)
        return _t("Name in {language}").format(language=language)
    return labels.get(field, field)


def field_templates() -> dict[str, str]:
    """Each ``FieldError`` code's sentence (``{name}``: its parameters)."""
    return {
        "required": _t("This is required."),
        "too_long": _t("At most {max} characters."),
        "negative": _t("Must not be negative."),
        "out_of_range": _t("Must be between {min} and {max}."),
        "unknown": _t("Refers to something that no longer exists."),
        "inactive": _t("Refers to something that is no longer in use."),
        "before_created": _t("Must not be before the deal was created."),
        "in_future": _t("Must not be in the future."),
        "duplicate": _t("Already used: {value}."),
        "invalid": _t("Not valid: {reason}."),
        "not_allowed": _t("Cannot be changed here: {reason}."),
        "too_many": _t("Cannot be added: at most {limit} are allowed."),
        "has_open_deals": _t("Still holds {count} open deals: move or close them first."),
        "is_default": _t("This is the default pipeline: make another pipeline the default first."),
    }


def describe_field(err: FieldError) -> str:
    p = dict(err.params)
    if "reason" in p:
        p["reason"] = reason_text(p["reason"])
    template = field_templates().get(err.code, err.code)
    try:
        return template.format(**p)
    except (KeyError, IndexError, ValueError):
        return template


def entity_label(entity: str) -> str:
    """The name of what a ``NotFound`` or ``Conflict`` concerns ("deal", "lead source")."""
    return entity_names().get(entity, entity)


def entity_names() -> dict[str, str]:
    return {
        "deal": _t("deal"),
        "customer": _t("customer"),
        "contact": _t("contact"),
        "activity": _t("activity"),
        "stage": _t("stage"),
        "stage transition": _t("stage change"),
        "pipeline": _t("pipeline"),
        "user": _t("user"),
        "target": _t("target"),
        "lead source": _t("lead source"),
        "lost reason": _t("lost reason"),
        "setting": _t("setting"),
    }


def permission_messages() -> dict[str, str]:
    """What a refused ``PermissionDenied`` says, by its ``action``."""
    return {
        "move_deal": _t("Only the deal's owner or a manager can move this deal."),
        "edit_deal": _t("Only the deal's owner or a manager can change this deal."),
        "delete_deal": _t("Only the deal's owner or a manager can delete this deal."),
        "create_deal": _t("You can only create deals that you own."),
        # Every other action the services refuse, so the message names the rule.
        "act": _t("Your user account is unknown or disabled; sign in again."),
        "log_activity": _t("You can only log activities for yourself, on your own deals."),
        "complete_activity": _t("Only the activity's owner or a manager can change this activity."),
        "edit_activity": _t("Only the activity's owner or a manager can change this activity."),
        "delete_activity": _t("Only the activity's owner or a manager can delete this activity."),
        "reassign_activity": _t("Only a manager can reassign an activity."),
        "create_customer": _t("You can only create customers that you own."),
        "edit_customer": _t("Only the customer's owner or a manager can change this customer."),
        "delete_customer": _t("Only the customer's owner or a manager can delete this customer."),
        "reassign_customer": _t("Only a manager can reassign a customer."),
        "set_targets": _t("Only a manager can set targets."),
        "edit_stages": _t("Only a manager can change the pipeline."),
        "edit_lists": _t("Only a manager can edit lead sources and lost reasons."),
        "manage_users": _t("Only an admin can change users."),
        "set_password": _t("Only an admin can set another user's password."),
        "edit_settings": _t("Only an admin can change the settings."),
        "view_reports": _t(
            "A sales rep can see reports for themselves and the team's totals, "
            "not for other salespeople."
        ),
        "import": _t("Only a manager or an admin can import data."),
        "import_users": _t("Only an admin can import users."),
        # crmdesk/portability/access.py
        "export": _t("Only a signed-in user can export data."),
        "export_everything": _t("Only a manager or an admin can export the whole database."),
        "export_password_hashes": _t("Only an admin can export the users' password hashes."),
        "backup": _t(
            "Only an admin can back up the database (a backup holds the password hashes)."
        ),
        "restore": _t("Only an admin can restore a backup."),
    }


def sign_in_message(exc: SignInFailed) -> str:
    """Why signing in was refused (never whether the login exists)."""
    if exc.code == "sign_in_locked":
        minutes = int(exc.params.get("minutes", 5) or 5)
        if minutes == 1:
            return _t(
                "Too many wrong passwords in a row for this login. Wait a minute and try again."
            )
        return _t(
            "Too many wrong passwords in a row for this login. "
            "Wait {minutes} minutes and try again."
        ).format(minutes=minutes)
    if exc.code == "sign_in_disabled":
        return _t("This account is disabled. Ask an admin to enable it.")
    return _t("Wrong login or password.")


def open_error_message(exc: DatabaseOpenError) -> str:
    """Where, and why the database cannot be opened."""
    reason = str(exc.params.get("reason", ""))
    where = str(exc.params.get("where", ""))
    if not reason:
        return str(exc)
    translated = _from_english(
        reason,
        DATABASE_OPEN_REASONS,
        _open_reason,  # i18n: dynamic (DatabaseOpen)
    )
    return _t("{where}: {reason}").format(where=where, reason=translated) if where else translated


def portability_messages() -> dict[str, str]:
    """An export, backup, copy or restore refused (``PortabilityError``), by its reason."""
    return {
        "exists": _t("The file already exists; choose another name or remove it."),
        "no_folder": _t("The folder does not exist or cannot be made."),
        "is_folder": _t("That is a folder, not a file."),
        "not_found": _t("The file or database does not exist."),
        "no_source": _t("The source does not exist or holds no crmdesk data."),
        "unreadable": _t("The file cannot be read."),
        "write_failed": _t("The file cannot be written."),
        "backup_failed": _t("The database could not be backed up."),
        "json_name": _t(
            "A backup of a PostgreSQL database is a JSON dump: name the file .json.gz or .json."
        ),
        "not_a_backup": _t("The file is not a crmdesk backup."),
        "in_use": _t("The file is in use; close the program that has it open and try again."),
        "same": _t("The source and the destination are the same."),
        "bad_target": _t("The destination database cannot be used."),
        "not_empty": _t("The destination database already holds data; use an empty one."),
        "old_schema": _t("The database has an older schema; upgrade it first."),
        "unknown_schema": _t("The database has a schema this version of crmdesk does not know."),
        "revision_mismatch": _t("The dump and the database are at different schema versions."),
        "columns": _t("The database's tables do not match the dump."),
        "invalid_dump": _t("The file is not a valid crmdesk dump."),
        "newer_format": _t("The dump was written by a newer crmdesk; install it to load the dump."),
        "tables": _t("The dump does not hold the tables of a crmdesk database."),
        "checksum": _t("The dump was changed or damaged after it was written."),
        "checks_differ": _t("The copy did not match the original, so nothing was kept."),
        "rejected_by_database": _t("The database refused the data; nothing was written."),
        "time_zone": _t("The time zone is unknown."),
        "entity": _t("There is no such kind of data to export."),
        "format": _t("The file format is unknown; use CSV or XLSX."),
        "too_many_rows": _t("There are too many rows for one XLSX sheet; export them as CSV."),
    }


def error_message(exc: BaseException) -> str:
    """One translated sentence (or a few lines) for a dialog."""
    if isinstance(exc, ValidationError):
        return "\n".join(
            _t("{field}: {problem}").format(field=field_label(e.field), problem=describe_field(e))
            for e in exc.errors
        )
    if isinstance(exc, Conflict):
        who = exc.changed_by or _t("another user")
        return _t(
            "{who} changed this {what} at {when} while you were looking at it. "
            "Reload to see their change."
        ).format(who=who, what=entity_label(exc.entity), when=date_time(exc.changed_at))
    if isinstance(exc, PermissionDenied):
        return permission_messages().get(exc.action, _t("You are not allowed to do this."))
    if isinstance(exc, NotFound):
        return _t("This {what} no longer exists; someone may have deleted it.").format(
            what=entity_label(exc.entity)
        )
    if isinstance(exc, DatabaseUnavailable):
        return _t(
            "The database cannot be reached right now ({reason}). What you typed is kept: "
            "try again when the connection is back."
        ).format(reason=exc.params.get("reason", ""))
    if isinstance(exc, SignInFailed):
        return sign_in_message(exc)
    if isinstance(exc, DatabaseOpenError):
        return open_error_message(exc)
    if isinstance(exc, CrmError) and exc.code == "portability":
        message = portability_messages().get(str(exc.params.get("reason", "")))
        return message if message is not None else str(exc)
    if isinstance(exc, CrmError) and exc.code == "demo":
        text = _from_english(
            str(exc),
            DEMO_MESSAGES,
            _demo,  # i18n: dynamic (DemoErrors)
        )
        return _t("The demo data cannot be made: {reason}").format(reason=text)
    if isinstance(exc, CrmError):
        return str(exc)
    return _t("Unexpected error: {error}").format(error=str(exc))
