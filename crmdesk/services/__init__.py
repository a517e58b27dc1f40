"""The use cases of crmdesk. Each public call is one transaction that checks the
acting user's permissions, validates its input and returns frozen value objects
(with :class:`~crmdesk.domain.Changes` for writes). No Qt here."""

from __future__ import annotations

from crmdesk.services import (
    activities,
    customers,
    deals,
    lists,
    pipelines,
    settings,
    setup,
    targets,
    users,
)

__all__ = [
    "activities",
    "customers",
    "deals",
    "lists",
    "pipelines",
    "settings",
    "setup",
    "targets",
    "users",
]
