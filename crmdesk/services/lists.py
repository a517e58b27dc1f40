"""The editable lists: lead sources and lost reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from sqlalchemy import func, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import Change, Changes, FieldError, LookupItem, Outcome, ValidationError
from crmdesk.services._common import (
    Validator,
    actor,
    get_or_404,
    lookup_info,
    require_manager,
    unique_taken,
)

ListName = Literal["sources", "lost_reasons"]
_MODELS: dict[str, type[m.LeadSource] | type[m.LostReason]] = {
    "sources": m.LeadSource,
    "lost_reasons": m.LostReason,
}
_MESSAGE = "Only a manager can edit lead sources and lost reasons."


def _model(which: ListName) -> type[m.LeadSource] | type[m.LostReason]:
    try:
        return _MODELS[which]
    except KeyError:
        raise ValueError(f"unknown list {which!r}") from None


def list_items(
    db: Database, which: ListName, *, include_inactive: bool = False
) -> list[LookupItem]:
    model = _model(which)
    with db.read() as s:
        stmt = select(model).order_by(model.position, model.id)
        if not include_inactive:
            stmt = stmt.where(model.active.is_(True))
        return [lookup_info(x) for x in s.execute(stmt).scalars()]


def add_item(
    db: Database, which: ListName, *, by: int, name: str, names: Mapping[str, str] | None = None
) -> Outcome[LookupItem]:
    model = _model(which)
    with db.transaction() as s:
        require_manager(actor(s, by), "edit_lists", _MESSAGE)
        v = Validator()
        clean = v.text("name", name, max_len=m.LEN_SHORT, required=True)
        if clean and unique_taken(s, model.name, clean):
            v.add("name", "duplicate", value=clean)
        clean_names = {
            k: t
            for k, val in (names or {}).items()
            if (t := v.text(f"names.{k}", val, max_len=m.LEN_SHORT))
        }
        v.check()
        pos = s.execute(select(func.coalesce(func.max(model.position), -1))).scalar_one() + 1
        item = model(name=clean, names=clean_names, position=pos, active=True)
        s.add(item)
        s.flush()
        return Outcome(lookup_info(item), Changes(Change.LISTS))


def update_item(
    db: Database,
    which: ListName,
    item_id: int,
    *,
    by: int,
    name: str | None = None,
    names: Mapping[str, str] | None = None,
    active: bool | None = None,
) -> Outcome[LookupItem]:
    """Rename an entry, or retire it (``active=False``): retired entries stay on old deals."""
    model = _model(which)
    with db.transaction() as s:
        require_manager(actor(s, by), "edit_lists", _MESSAGE)
        item = get_or_404(s, model, item_id, lock=True)
        v = Validator()
        if name is not None:
            clean = v.text("name", name, max_len=m.LEN_SHORT, required=True)
            if clean and unique_taken(s, model.name, clean, exclude_id=item.id):
                v.add("name", "duplicate", value=clean)
        clean_names = {
            k: t
            for k, val in (names or {}).items()
            if (t := v.text(f"names.{k}", val, max_len=m.LEN_SHORT))
        }
        v.check()
        if name is not None:
            item.name = clean
        if names is not None:
            item.names = {**(item.names or {}), **clean_names}
        if active is not None:
            item.active = active
        s.flush()
        return Outcome(lookup_info(item), Changes(Change.LISTS))


def remove_item(db: Database, which: ListName, item_id: int, *, by: int) -> Outcome[None]:
    """Delete an entry nothing refers to; one in use is retired instead of deleted."""
    model = _model(which)
    with db.transaction() as s:
        require_manager(actor(s, by), "edit_lists", _MESSAGE)
        item = get_or_404(s, model, item_id, lock=True)
        if model is m.LeadSource:
            used = (
                s.execute(
                    select(func.count()).select_from(m.Deal).where(m.Deal.source_id == item.id)
                ).scalar_one()
                + s.execute(
                    select(func.count())
                    .select_from(m.Customer)
                    .where(m.Customer.source_id == item.id)
                ).scalar_one()
            )
        else:
            used = s.execute(
                select(func.count()).select_from(m.Deal).where(m.Deal.lost_reason_id == item.id)
            ).scalar_one()
        if used:
            item.active = False
        else:
            s.delete(item)
        s.flush()
        return Outcome(None, Changes(Change.LISTS))


def reorder_items(db: Database, which: ListName, ids: list[int], *, by: int) -> Outcome[None]:
    model = _model(which)
    with db.transaction() as s:
        require_manager(actor(s, by), "edit_lists", _MESSAGE)
        items = {x.id: x for x in s.execute(select(model)).scalars()}
        if len(ids) != len(set(ids)) or not set(ids) <= set(items):
            raise ValidationError(
                FieldError("ids", "invalid", {"reason": "unknown or repeated ids"})
            )
        for pos, ident in enumerate(ids):
            items[ident].position = pos
        s.flush()
        return Outcome(None, Changes(Change.LISTS))
