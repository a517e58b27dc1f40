"""Pipeline and stage configuration: read, add, rename, reorder, tune, remove.

Changing the pipeline is a manager's job. A stage that still holds deals, or
that history refers to, cannot be removed until its deals are moved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select, update

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
    stage_info,
)

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
        return [pipeline_info(p, [st for st in stages if st.pipeline_id == p.id]) for p in pipes]


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
        return Outcome(pipeline_info(pipe, stages), Changes(STAGE_CHANGES))


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
        return Outcome(pipeline_info(pipe, stages), Changes(STAGE_CHANGES))


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
