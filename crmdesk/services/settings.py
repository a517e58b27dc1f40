"""Business settings kept in the database (the default currency, the team's time zone,
...)."""

from __future__ import annotations

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.migrate import BACKUP_KEEP_DEFAULT, BACKUP_KEEP_KEY, BACKUP_KEEP_MAX
from crmdesk.db.zone import TIME_ZONE_KEY, store_time_zone
from crmdesk.domain import Change, Changes, Outcome
from crmdesk.domain.timezones import valid_zone
from crmdesk.services._common import Validator, actor, require_admin, setting

__all__ = [
    "BACKUP_KEEP_DEFAULT",
    "BACKUP_KEEP_KEY",
    "BACKUP_KEEP_MAX",
    "EDITABLE",
    "get_setting",
    "set_setting",
]


#: Settings an admin may change, with their length limits.
EDITABLE = {"currency": 3, "locale": 16, TIME_ZONE_KEY: 64, BACKUP_KEEP_KEY: 3}


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    with db.read() as s:
        return setting(s, key, default)


def set_setting(db: Database, key: str, value: str, *, by: int) -> Outcome[str]:
    with db.transaction() as s:
        require_admin(actor(s, by), "edit_settings", "Only an admin can change the settings.")
        v = Validator()
        if key not in EDITABLE:
            v.add("key", "unknown", entity="setting", value=key)
            v.check()
        if key == "currency":
            clean = v.currency("value", value)
            if clean is None and not v.has("value"):
                v.add("value", "required")
        elif key == TIME_ZONE_KEY:
            clean = v.text("value", value, max_len=EDITABLE[key], required=True)
            if clean and not valid_zone(clean):
                v.add("value", "invalid", reason=f"unknown time zone {clean!r}")
            v.check()
            # The offsets and every done activity's local day follow the new zone.
            store_time_zone(s, clean)
            return Outcome(clean, Changes(Change.SETTINGS))
        elif key == BACKUP_KEEP_KEY:
            raw = v.text("value", value, max_len=EDITABLE[key], required=True)
            number = int(raw) if raw is not None and raw.isascii() and raw.isdigit() else None
            if raw is not None and number is None:
                v.add("value", "invalid", reason="expected a whole number")
            elif number is not None:
                v.integer("value", number, lo=1, hi=BACKUP_KEEP_MAX)
            clean = str(number) if number is not None else None
        else:
            clean = v.text("value", value, max_len=EDITABLE[key], required=True)
        v.check()
        row = s.get(m.Setting, key)
        if row is None:
            s.add(m.Setting(key=key, value=clean))
        else:
            row.value = clean
        s.flush()
        return Outcome(clean, Changes(Change.SETTINGS))
