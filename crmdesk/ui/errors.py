"""Turn the core's coded errors into translated sentences for people."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from crmdesk.domain import (
    Conflict,
    CrmError,
    DatabaseUnavailable,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from crmdesk.ui.format import date_time


def _t(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def field_label(field: str) -> str:
    labels = {
        "title": _t("Title"),
        "amount": _t("Amount"),
        "customer_id": _t("Customer"),
        "contact_id": _t("Contact"),
        "owner_id": _t("Owner"),
        "pipeline_id": _t("Pipeline"),
        "stage_id": _t("Stage"),
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
        "subject": _t("Subject"),
        "due_at": _t("Due"),
        "kind": _t("Kind"),
    }
    return labels.get(field, field)


def describe_field(err: FieldError) -> str:
    p = err.params
    templates = {
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
    }
    template = templates.get(err.code, err.code)
    try:
        return template.format(**{k: v for k, v in p.items()})
    except (KeyError, IndexError, ValueError):
        return template


def entity_label(entity: str) -> str:
    names = {
        "deal": _t("deal"),
        "customer": _t("customer"),
        "contact": _t("contact"),
        "activity": _t("activity"),
        "stage": _t("stage"),
        "user": _t("user"),
        "target": _t("target"),
        "lead source": _t("lead source"),
        "lost reason": _t("lost reason"),
    }
    return names.get(entity, entity)


def error_message(exc: BaseException) -> str:
    """One translated sentence (or a few lines) for a dialog."""
    if isinstance(exc, ValidationError):
        return "\n".join(f"{field_label(e.field)}: {describe_field(e)}" for e in exc.errors)
    if isinstance(exc, Conflict):
        who = exc.changed_by or _t("another user")
        return _t(
            "{who} changed this {what} at {when} while you were looking at it. "
            "Reload to see their change."
        ).format(who=who, what=entity_label(exc.entity), when=date_time(exc.changed_at))
    if isinstance(exc, PermissionDenied):
        messages = {
            "move_deal": _t("Only the deal's owner or a manager can move this deal."),
            "edit_deal": _t("Only the deal's owner or a manager can change this deal."),
            "delete_deal": _t("Only the deal's owner or a manager can delete this deal."),
            "create_deal": _t("You can only create deals that you own."),
            # Every other action the services refuse, so the message names the rule.
            "act": _t("Your user account is unknown or disabled; sign in again."),
            "log_activity": _t("You can only log activities for yourself, on your own deals."),
            "complete_activity": _t(
                "Only the activity's owner or a manager can change this activity."
            ),
            "edit_activity": _t("Only the activity's owner or a manager can change this activity."),
            "delete_activity": _t(
                "Only the activity's owner or a manager can delete this activity."
            ),
            "reassign_activity": _t("Only a manager can reassign an activity."),
            "create_customer": _t("You can only create customers that you own."),
            "edit_customer": _t("Only the customer's owner or a manager can change this customer."),
            "delete_customer": _t(
                "Only the customer's owner or a manager can delete this customer."
            ),
            "reassign_customer": _t("Only a manager can reassign a customer."),
            "set_targets": _t("Only a manager can set targets."),
            "edit_stages": _t("Only a manager can change the pipeline."),
            "edit_lists": _t("Only a manager can edit lead sources and lost reasons."),
            "manage_users": _t("Only an admin can change users."),
            "set_password": _t("Only an admin can set another user's password."),
            "edit_settings": _t("Only an admin can change the settings."),
        }
        return messages.get(exc.action, _t("You are not allowed to do this."))
    if isinstance(exc, NotFound):
        return _t("This {what} no longer exists; someone may have deleted it.").format(
            what=entity_label(exc.entity)
        )
    if isinstance(exc, DatabaseUnavailable):
        return _t(
            "The database cannot be reached right now ({reason}). What you typed is kept: "
            "try again when the connection is back."
        ).format(reason=exc.params.get("reason", ""))
    if isinstance(exc, CrmError):
        return str(exc)
    return _t("Unexpected error: {error}").format(error=str(exc))
