"""Plain Python shared by every layer: value objects, coded errors, change flags."""

from __future__ import annotations

from crmdesk.domain.changes import Change, Changes, Outcome
from crmdesk.domain.errors import (
    Conflict,
    CrmError,
    DatabaseOpenError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from crmdesk.domain.model import (
    RESPONSE_KINDS,
    ActivityInfo,
    ActivityKind,
    ContactInfo,
    CustomerInfo,
    DatabaseInfo,
    DealInfo,
    LookupItem,
    PipelineInfo,
    Role,
    StageInfo,
    StageKind,
    TargetInfo,
    TargetMetric,
    TransitionInfo,
    UserInfo,
)

__all__ = [
    "RESPONSE_KINDS",
    "ActivityInfo",
    "ActivityKind",
    "Change",
    "Changes",
    "Conflict",
    "ContactInfo",
    "CrmError",
    "CustomerInfo",
    "DatabaseInfo",
    "DatabaseOpenError",
    "DealInfo",
    "FieldError",
    "LookupItem",
    "NotFound",
    "Outcome",
    "PermissionDenied",
    "PipelineInfo",
    "Role",
    "StageInfo",
    "StageKind",
    "TargetInfo",
    "TargetMetric",
    "TransitionInfo",
    "UserInfo",
    "ValidationError",
]
