"""Pipeline and stage configuration: read, add, rename, reorder, tune, remove.

Changing the pipeline is a manager's job. A stage that still holds deals, or
that history refers to, cannot be removed until its deals are moved.

A team may keep several pipelines (new business, renewals, ...). A new one starts
with the standard stages (or a copy of another pipeline's stages), which are then
edited like any other; one pipeline is the default (new deals, reports without a
pipeline chosen). A pipeline is never deleted: one without open deals is archived,
which keeps its closed deals and their history for the reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    Changes,
    FieldError,
    Outcome,
    PipelineInfo,
    StageInfo,
    StageKind,
    ValidationError,
)
from crmdesk.services._common import (
    Validator,
    actor,
    get_or_404,
    pipeline_info,
    require_manager,
    setting,
    stage_info,
)
from crmdesk.services.setup import DEFAULT_STAGES, QUALIFIED_STAGE_KEY

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
STAGE_CHANGES = Change.STAGES
_MANAGERS_ONLY = "Only a manager can change the pipeline."


def list_pipelines(db: Database, *, include_inactive: bool = False) -> list[PipelineInfo]:
    with db.read() as s:
        stmt = select(m.Pipeline).order_by(m.Pipeline.position, m.Pipeline.id)
        if not include_inactive:
            stmt = stmt.where(m.Pipeline.active.is_(True))
        pipes = list(s.execute(stmt).scalars())
        stages = list(s.execute(select(m.Stage).where(m.Stage.active.is_(True))).scalars())
        return [_info(p, [st for st in stages if st.pipeline_id == p.id]) for p in pipes]


def _info(p: m.Pipeline, stages: Iterable[m.Stage]) -> PipelineInfo:
    return replace(pipeline_info(p, stages), active=bool(p.active))


def get_pipeline(db: Database, pipeline: int | str | None = None) -> PipelineInfo:
    """A pipeline by id or key; the default pipeline when ``pipeline`` is None."""
    pipes = list_pipelines(db, include_inactive=True)
    if not pipes:
        raise LookupError("the database has no pipeline")
    if pipeline is None:
        return next((p for p in pipes if p.is_default), pipes[0])
    for p in pipes:
        if p.id == pipeline or p.key == pipeline:
            return p
    raise ValidationError(
        FieldError("pipeline", "unknown", {"entity": "pipeline", "value": pipeline})
    )


def _names(v: Validator, names: Mapping[str, str] | None) -> dict[str, str]:
    clean: dict[str, str] = {}
    for lang, text in (names or {}).items():
        value = v.text(f"names.{lang}", text, max_len=m.LEN_NAME)
        if value:
            clean[lang] = value
    return clean


def _renumber(stages: Sequence[m.Stage]) -> None:
    """Open stages first in their order, then won, then lost; positions 0..n-1."""
    order = {"open": 0, "won": 1, "lost": 2}
    for pos, st in enumerate(sorted(stages, key=lambda x: (order[x.kind], x.position, x.id))):
        st.position = pos


def add_stage(
    db: Database,
    pipeline_id: int,
    *,
    by: int,
    key: str,
    name: str,
    names: Mapping[str, str] | None = None,
    probability: int = 0,
    rot_days: int | None = None,
    position: int | None = None,
) -> Outcome[StageInfo]:
    """Add an open stage, at ``position`` among the open stages (default: last)."""
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        v = Validator()
        clean_key = v.text("key", key, max_len=m.LEN_KEY, required=True)
        if clean_key and not KEY_RE.match(clean_key):
            v.add(
                "key", "invalid", reason="lower-case letters, digits and _ , starting with a letter"
            )
        elif (
            clean_key
            and s.execute(
                select(func.count()).where(m.Stage.pipeline_id == pipe.id, m.Stage.key == clean_key)
            ).scalar_one()
        ):
            v.add("key", "duplicate", value=clean_key)
        clean_name = v.text("name", name, max_len=m.LEN_NAME, required=True)
        clean_names = _names(v, names)
        prob = v.integer("probability", probability, lo=0, hi=100)
        rot = v.integer("rot_days", rot_days, lo=1, hi=3650, required=False)
        taken = set(s.execute(select(m.Stage.slot).where(m.Stage.pipeline_id == pipe.id)).scalars())
        slot = next((i for i in range(m.MAX_STAGE_SLOT + 1) if i not in taken), None)
        if slot is None:
            # Inactive stages keep their slot: the history still refers to them.
            v.add("key", "too_many", limit=m.MAX_STAGE_SLOT + 1)
        v.check()
        stages = list(
            s.execute(
                select(m.Stage).where(m.Stage.pipeline_id == pipe.id, m.Stage.active.is_(True))
            ).scalars()
        )
        open_stages = sorted((x for x in stages if x.kind == "open"), key=lambda x: x.position)
        index = len(open_stages) if position is None else max(0, min(position, len(open_stages)))
        stage = m.Stage(
            pipeline_id=pipe.id,
            key=clean_key,
            name=clean_name,
            names=clean_names,
            position=0,
            probability=prob,
            rot_days=rot,
            kind=StageKind.OPEN.value,
            slot=slot,
        )
        s.add(stage)
        open_stages.insert(index, stage)
        for pos, st in enumerate(open_stages):
            st.position = pos
        _renumber([*open_stages, *(x for x in stages if x.kind != "open")])
        s.flush()
        return Outcome(stage_info(stage), Changes(STAGE_CHANGES))


def update_stage(
    db: Database,
    stage_id: int,
    *,
    by: int,
    name: str | None = None,
    names: Mapping[str, str] | None = None,
    probability: int | None = None,
    rot_days: int | type[...] | None = ...,
) -> Outcome[StageInfo]:
    """Rename a stage (in any language), set its probability or rot days.

    ``rot_days=None`` turns rot tracking off; leaving it out keeps the value.
    """
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        stage = get_or_404(s, m.Stage, stage_id, lock=True)
        v = Validator()
        if name is not None:
            stage_name = v.text("name", name, max_len=m.LEN_NAME, required=True)
        if names is not None:
            clean_names = _names(v, names)
        if probability is not None:
            prob = v.integer("probability", probability, lo=0, hi=100)
            if stage.kind == "won" and prob != 100 and prob is not None:
                v.add("probability", "invalid", reason="a won stage has probability 100")
            if stage.kind == "lost" and prob not in (0, None):
                v.add("probability", "invalid", reason="a lost stage has probability 0")
        if rot_days is not ...:
            rot = v.integer("rot_days", rot_days, lo=1, hi=3650, required=False)
        v.check()
        if name is not None:
            stage.name = stage_name
        if names is not None:
            stage.names = {**(stage.names or {}), **clean_names}
        if probability is not None:
            stage.probability = prob
        if rot_days is not ...:
            stage.rot_days = rot
        s.flush()
        return Outcome(stage_info(stage), Changes(STAGE_CHANGES))


def reorder_stages(
    db: Database, pipeline_id: int, stage_ids: Sequence[int], *, by: int
) -> Outcome[PipelineInfo]:
    """Put the open stages of a pipeline in the given order (won and lost stay last)."""
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        stages = list(
            s.execute(
                select(m.Stage).where(m.Stage.pipeline_id == pipe.id, m.Stage.active.is_(True))
            ).scalars()
        )
        open_ids = {x.id for x in stages if x.kind == "open"}
        if len(stage_ids) != len(set(stage_ids)) or set(stage_ids) != open_ids:
            raise ValidationError(
                FieldError("stage_ids", "invalid", {"reason": "list each open stage exactly once"})
            )
        by_id = {x.id: x for x in stages}
        for pos, sid in enumerate(stage_ids):
            by_id[sid].position = pos
        _renumber(stages)
        s.flush()
        return Outcome(_info(pipe, stages), Changes(STAGE_CHANGES))


def set_qualified_stage(
    db: Database, pipeline_id: int, stage_id: int, *, by: int
) -> Outcome[PipelineInfo]:
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        v = Validator()
        stage = v.reference(s, "stage_id", m.Stage, stage_id, required=True)
        if stage is not None and (stage.pipeline_id != pipe.id or stage.kind != "open"):
            v.add("stage_id", "invalid", reason="pick an open stage of this pipeline")
        v.check()
        pipe.qualified_stage_id = stage_id
        s.flush()
        stages = s.execute(
            select(m.Stage).where(m.Stage.pipeline_id == pipe.id, m.Stage.active.is_(True))
        ).scalars()
        return Outcome(_info(pipe, stages), Changes(STAGE_CHANGES))


def remove_stage(db: Database, stage_id: int, *, by: int) -> Outcome[None]:
    """Remove an open stage that no deal is in any more.

    A stage that history refers to is deactivated rather than deleted, so that
    old transitions and reports stay true; it no longer shows in the pipeline.
    """
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        stage = get_or_404(s, m.Stage, stage_id, lock=True)
        v = Validator()
        if stage.kind != "open":
            v.add("stage_id", "not_allowed", reason="the won and lost stages cannot be removed")
        v.check()
        in_stage = s.execute(
            select(func.count()).select_from(m.Deal).where(m.Deal.stage_id == stage.id)
        ).scalar_one()
        if in_stage:
            raise ValidationError(
                FieldError(
                    "stage_id",
                    "not_allowed",
                    {
                        "reason": f"{in_stage} deals are still in this stage; move them first",
                        "count": in_stage,
                    },
                )
            )
        open_count = s.execute(
            select(func.count()).where(
                m.Stage.pipeline_id == stage.pipeline_id,
                m.Stage.kind == "open",
                m.Stage.active.is_(True),
            )
        ).scalar_one()
        if open_count <= 1:
            raise ValidationError(
                FieldError("stage_id", "not_allowed", {"reason": "a pipeline needs an open stage"})
            )
        referenced = (
            s.execute(
                select(func.count())
                .select_from(m.StageTransition)
                .where(
                    (m.StageTransition.to_stage_id == stage.id)
                    | (m.StageTransition.from_stage_id == stage.id)
                )
            ).scalar_one()
            or s.execute(
                select(func.count()).select_from(m.Deal).where(m.Deal.lost_at_stage_id == stage.id)
            ).scalar_one()
        )
        s.execute(
            update(m.Pipeline)
            .where(m.Pipeline.qualified_stage_id == stage.id)
            .values(qualified_stage_id=None)
        )
        pipeline_id = stage.pipeline_id
        if referenced:
            # History still names it: keep the row, out of the pipeline, for the reports.
            stage.active = False
        else:
            s.delete(stage)
        s.flush()
        rest = list(
            s.execute(
                select(m.Stage).where(m.Stage.pipeline_id == pipeline_id, m.Stage.active.is_(True))
            ).scalars()
        )
        _renumber(rest)
        s.flush()
        return Outcome(None, Changes(STAGE_CHANGES))


# --- pipelines ---------------------------------------------------------------------------------


def _stages_of(s: Session, pipeline_id: int) -> list[m.Stage]:
    return list(
        s.execute(
            select(m.Stage).where(m.Stage.pipeline_id == pipeline_id, m.Stage.active.is_(True))
        ).scalars()
    )


def _pipeline_names(
    s: Session,
    v: Validator,
    name: str | None,
    names: Mapping[str, str] | None,
    *,
    exclude_id: int | None = None,
) -> tuple[str | None, dict[str, str]]:
    """The cleaned ``name`` and ``names``; a name another pipeline (archived ones too,
    which may come back) already has, in any language, is a ``duplicate``."""
    clean_name = v.text("name", name, max_len=m.LEN_NAME, required=True)
    clean_names = _names(v, names)
    taken: set[str] = set()
    for p in s.execute(select(m.Pipeline)).scalars():
        if p.id != exclude_id:
            taken.update(t.casefold() for t in (p.name, *(p.names or {}).values()) if t)
    reported: set[str] = set()
    for lang, text in clean_names.items():
        if text.casefold() in taken:
            v.add(f"names.{lang}", "duplicate", value=text)
            reported.add(text.casefold())
    if clean_name and clean_name.casefold() in taken and clean_name.casefold() not in reported:
        v.add("name", "duplicate", value=clean_name)
    return clean_name, clean_names


def _pipeline_key(
    s: Session, v: Validator, key: str | None, name: str, names: dict[str, str]
) -> str:
    """The given key, checked; else one made from the English name ("New business" →
    new_business), numbered when taken (``pipeline`` for a name without Latin letters)."""
    taken = set(s.execute(select(m.Pipeline.key)).scalars())
    if key is not None:
        clean = v.text("key", key, max_len=m.LEN_KEY, required=True)
        if clean and not KEY_RE.match(clean):
            v.add(
                "key", "invalid", reason="lower-case letters, digits and _ , starting with a letter"
            )
        elif clean and clean in taken:
            v.add("key", "duplicate", value=clean)
        return clean or ""
    base = re.sub(r"[^a-z0-9]+", "_", (names.get("en") or name).lower()).strip("_")
    if not base or not base[0].isalpha():
        base = "pipeline"
    base = base[: m.LEN_KEY - 4]
    n = 1
    candidate = base
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def add_pipeline(
    db: Database,
    *,
    by: int,
    name: str,
    names: Mapping[str, str] | None = None,
    copy_from: int | None = None,
    key: str | None = None,
) -> Outcome[PipelineInfo]:
    """Add a pipeline, last in the list, with stages to edit afterwards.

    It starts with the standard stages (Prospecting, Qualification, Quote, Contract,
    Won, Lost, in both languages, qualified at Qualification), as a new pipeline does in
    HubSpot or Pipedrive; with ``copy_from`` it gets a copy of that pipeline's stages
    instead (names, probabilities, rot days and the qualified stage). ``key`` (the name
    the command line uses) is made from the English name when not given.
    """
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        v = Validator()
        clean_name, clean_names = _pipeline_names(s, v, name, names)
        source = None
        if copy_from is not None:
            source = v.reference(s, "copy_from", m.Pipeline, copy_from)
        clean_key = _pipeline_key(s, v, key, clean_name or "", clean_names)
        v.check()
        assert clean_name is not None
        last = s.execute(select(func.max(m.Pipeline.position))).scalar_one()
        pipe = m.Pipeline(
            key=clean_key,
            name=clean_name,
            names=clean_names,
            position=(last + 1) if last is not None else 0,
            is_default=False,
            active=True,
        )
        s.add(pipe)
        s.flush()
        qualified_key: str | None
        if source is not None:
            old = sorted(_stages_of(s, source.id), key=lambda x: (x.position, x.id))
            template = [
                (x.key, x.name, dict(x.names or {}), x.probability, x.rot_days, x.kind) for x in old
            ]
            qualified_key = next((x.key for x in old if x.id == source.qualified_stage_id), None)
        else:
            zh = (setting(s, "locale", "en") or "en").startswith("zh")
            template = [
                (k, zh_name if zh else en_name, {"en": en_name, "zh_CN": zh_name}, p, r, kind)
                for k, en_name, zh_name, p, r, kind in DEFAULT_STAGES
            ]
            qualified_key = QUALIFIED_STAGE_KEY
        stages = []
        for pos, (stage_key, stage_name, stage_names, prob, rot, kind) in enumerate(template):
            stage = m.Stage(
                pipeline_id=pipe.id,
                key=stage_key,
                name=stage_name,
                names=stage_names,
                position=pos,
                probability=prob,
                rot_days=rot,
                kind=kind,
                slot=pos,
            )
            s.add(stage)
            stages.append(stage)
        _renumber(stages)
        s.flush()
        pipe.qualified_stage_id = next((x.id for x in stages if x.key == qualified_key), None)
        s.flush()
        return Outcome(_info(pipe, stages), Changes(STAGE_CHANGES))


def rename_pipeline(
    db: Database,
    pipeline_id: int,
    *,
    by: int,
    name: str,
    names: Mapping[str, str] | None = None,
) -> Outcome[PipelineInfo]:
    """Rename a pipeline. ``names`` (``{"en": ..., "zh_CN": ...}``) replaces the names
    in every language; without it, a language whose name was the old ``name`` gets the
    new one."""
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        v = Validator()
        clean_name, clean_names = _pipeline_names(s, v, name, names, exclude_id=pipe.id)
        v.check()
        assert clean_name is not None
        if names is None:
            clean_names = {
                lang: clean_name if text == pipe.name else text
                for lang, text in (pipe.names or {}).items()
            }
        changed = (pipe.name, dict(pipe.names or {})) != (clean_name, clean_names)
        pipe.name = clean_name
        pipe.names = clean_names
        s.flush()
        info = _info(pipe, _stages_of(s, pipe.id))
        return Outcome(info, Changes(STAGE_CHANGES if changed else Change.NONE))


def archive_pipeline(db: Database, pipeline_id: int, *, by: int) -> Outcome[PipelineInfo]:
    """Take a pipeline off the board and out of the choices for new deals.

    Refused for the default pipeline (``is_default``) and for one that still holds open
    deals (``has_open_deals`` with their ``count``). Its closed deals, their history and
    its stages stay, so the reports of past periods stay true; ``restore_pipeline``
    brings it back.
    """
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        if not pipe.active:
            return Outcome(_info(pipe, _stages_of(s, pipe.id)), Changes())
        v = Validator()
        if pipe.is_default:
            v.add("pipeline_id", "is_default", name=pipe.name)
        open_deals = s.execute(
            select(func.count())
            .select_from(m.Deal)
            .join(m.Stage, m.Stage.id == m.Deal.stage_id)
            .where(m.Deal.pipeline_id == pipe.id, m.Stage.kind == StageKind.OPEN.value)
        ).scalar_one()
        if open_deals:
            v.add("pipeline_id", "has_open_deals", count=open_deals, name=pipe.name)
        v.check()
        pipe.active = False
        s.flush()
        return Outcome(_info(pipe, _stages_of(s, pipe.id)), Changes(STAGE_CHANGES))


def restore_pipeline(db: Database, pipeline_id: int, *, by: int) -> Outcome[PipelineInfo]:
    """Bring an archived pipeline back to the board."""
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        if pipe.active:
            return Outcome(_info(pipe, _stages_of(s, pipe.id)), Changes())
        pipe.active = True
        s.flush()
        return Outcome(_info(pipe, _stages_of(s, pipe.id)), Changes(STAGE_CHANGES))


def set_default_pipeline(db: Database, pipeline_id: int, *, by: int) -> Outcome[PipelineInfo]:
    """Make an active pipeline the default: new deals go there, and the board and the
    reports start on it. Exactly one pipeline is the default."""
    with db.transaction() as s:
        user = actor(s, by)
        require_manager(user, "edit_stages", _MANAGERS_ONLY)
        pipe = get_or_404(s, m.Pipeline, pipeline_id, lock=True)
        v = Validator()
        if not pipe.active:
            v.add("pipeline_id", "inactive", entity="pipeline", value=pipeline_id)
        v.check()
        if pipe.is_default:
            return Outcome(_info(pipe, _stages_of(s, pipe.id)), Changes())
        s.execute(
            update(m.Pipeline)
            .where(m.Pipeline.id != pipe.id, m.Pipeline.is_default.is_(True))
            .values(is_default=False)
        )
        pipe.is_default = True
        s.flush()
        return Outcome(_info(pipe, _stages_of(s, pipe.id)), Changes(STAGE_CHANGES))
