"""crmdesk.services.pipelines: the stages of a pipeline and their configuration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import PermissionDenied, PipelineInfo, StageKind, ValidationError
from crmdesk.services import deals, pipelines

from ._helpers import count, row, rows, scalar, snapshot


def stage_rows(db: Database, pipeline_id: int) -> list[Any]:
    """The active stages of a pipeline as stored, in position order."""
    return rows(
        db,
        "SELECT id, key, position, kind, probability FROM stages "
        "WHERE pipeline_id = :p AND active = :t ORDER BY position, id",
        p=pipeline_id,
        t=True,
    )


def assert_well_ordered(db: Database, pipeline_id: int) -> list[str]:
    """Positions are 0..n-1, open stages come first, then won, then lost. Returns the keys."""
    stored = stage_rows(db, pipeline_id)
    assert [r.position for r in stored] == list(range(len(stored)))
    kinds = [r.kind for r in stored]
    assert kinds[-2:] == ["won", "lost"]
    assert set(kinds[:-2]) == {"open"}
    return [r.key for r in stored]


DEFAULT_OPEN = ["prospecting", "qualification", "quote", "contract"]


def test_default_pipeline(db: Database, pipeline: PipelineInfo) -> None:
    assert pipeline.is_default
    assert [s.key for s in pipeline.stages] == [*DEFAULT_OPEN, "won", "lost"]
    assert pipeline.qualified_stage_id == pipeline.stage("qualification").id
    assert pipeline.won_stage.probability == 100
    assert pipeline.lost_stage.probability == 0
    assert assert_well_ordered(db, pipeline.id) == [*DEFAULT_OPEN, "won", "lost"]


def test_add_stage_at_a_position_renumbers(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    out = pipelines.add_stage(
        db,
        pipeline.id,
        by=manager,
        key="demo",
        name="Demo",
        names={"en": "Demo", "zh_CN": "演示"},
        probability=35,
        rot_days=5,
        position=2,
    )
    keys = assert_well_ordered(db, pipeline.id)
    assert keys == ["prospecting", "qualification", "demo", "quote", "contract", "won", "lost"]
    raw = row(db, "SELECT * FROM stages WHERE id = :id", id=out.value.id)
    assert (raw.kind, raw.probability, raw.rot_days, raw.position) == ("open", 35, 5, 2)
    reread = pipelines.get_pipeline(db).stage("demo")
    assert reread.label("zh_CN") == "演示"
    assert reread.kind is StageKind.OPEN


@pytest.mark.parametrize(
    ("position", "expected_index"),
    [
        pytest.param(None, 4, id="default-last-open"),
        pytest.param(0, 0, id="first"),
        pytest.param(99, 4, id="beyond-the-end"),
        pytest.param(-3, 0, id="negative"),
    ],
)
def test_added_stage_stays_among_the_open_stages(
    db: Database,
    pipeline: PipelineInfo,
    manager: int,
    position: int | None,
    expected_index: int,
) -> None:
    pipelines.add_stage(db, pipeline.id, by=manager, key="extra", name="Extra", position=position)
    keys = assert_well_ordered(db, pipeline.id)
    assert keys.index("extra") == expected_index


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        pytest.param({"key": "Bad Key"}, "key", "invalid", id="key-format"),
        pytest.param({"key": "quote"}, "key", "duplicate", id="key-taken"),
        pytest.param({"key": ""}, "key", "required", id="key-missing"),
        pytest.param({"name": " "}, "name", "required", id="name-missing"),
        pytest.param({"probability": 101}, "probability", "out_of_range", id="prob-101"),
        pytest.param({"probability": -1}, "probability", "out_of_range", id="prob-negative"),
        pytest.param({"probability": 12.5}, "probability", "invalid", id="prob-fraction"),
        pytest.param({"rot_days": 0}, "rot_days", "out_of_range", id="rot-zero"),
    ],
)
def test_add_stage_refuses_bad_input(
    db: Database,
    pipeline: PipelineInfo,
    manager: int,
    kwargs: dict[str, Any],
    field: str,
    code: str,
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.add_stage(db, pipeline.id, by=manager, **{"key": "new", "name": "New", **kwargs})
    assert (exc.value.fields, exc.value.errors[0].code) == ([field], code)
    assert snapshot(db) == before


def test_update_stage(db: Database, pipeline: PipelineInfo, manager: int) -> None:
    quote = pipeline.stage("quote")
    pipelines.update_stage(
        db,
        quote.id,
        by=manager,
        name="Offer",
        names={"zh_CN": "报价单"},
        probability=60,
        rot_days=None,
    )
    raw = row(db, "SELECT * FROM stages WHERE id = :id", id=quote.id)
    assert (raw.name, raw.probability, raw.rot_days) == ("Offer", 60, None)
    reread = pipelines.get_pipeline(db).stage(quote.id)
    assert reread.names == {"en": "Quote", "zh_CN": "报价单"}
    assert reread.key == "quote"  # the stable key never changes

    pipelines.update_stage(db, quote.id, by=manager, probability=55)
    assert scalar(db, "SELECT rot_days FROM stages WHERE id = :id", id=quote.id) is None


@pytest.mark.parametrize(
    ("key", "probability", "code"),
    [
        pytest.param("quote", 101, "out_of_range", id="over-100"),
        pytest.param("quote", -5, "out_of_range", id="below-0"),
        pytest.param("won", 90, "invalid", id="won-not-100"),
        pytest.param("lost", 10, "invalid", id="lost-not-0"),
    ],
)
def test_set_probability_out_of_range_is_refused(
    db: Database, pipeline: PipelineInfo, manager: int, key: str, probability: int, code: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.update_stage(db, pipeline.stage(key).id, by=manager, probability=probability)
    assert (exc.value.fields, exc.value.errors[0].code) == (["probability"], code)
    assert snapshot(db) == before


def test_reorder_stages(db: Database, pipeline: PipelineInfo, manager: int) -> None:
    wanted = ["quote", "prospecting", "contract", "qualification"]
    out = pipelines.reorder_stages(
        db, pipeline.id, [pipeline.stage(k).id for k in wanted], by=manager
    )
    assert [s.key for s in out.value.stages] == [*wanted, "won", "lost"]
    assert assert_well_ordered(db, pipeline.id) == [*wanted, "won", "lost"]
    assert [s.key for s in pipelines.get_pipeline(db).stages] == [*wanted, "won", "lost"]


@pytest.mark.parametrize(
    "make_ids",
    [
        pytest.param(lambda p: [p.stage(k).id for k in DEFAULT_OPEN[:-1]], id="one-missing"),
        pytest.param(lambda p: [p.stage(k).id for k in [*DEFAULT_OPEN, "quote"]], id="one-twice"),
        pytest.param(lambda p: [p.stage(k).id for k in [*DEFAULT_OPEN, "won"]], id="includes-won"),
        pytest.param(lambda p: [p.stage(k).id for k in DEFAULT_OPEN] + [999_999], id="unknown"),
        pytest.param(lambda p: [], id="empty"),
    ],
)
def test_reorder_requires_every_open_stage_once(
    db: Database,
    pipeline: PipelineInfo,
    manager: int,
    make_ids: Callable[[PipelineInfo], list[int]],
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.reorder_stages(db, pipeline.id, make_ids(pipeline), by=manager)
    assert exc.value.fields == ["stage_ids"]
    assert snapshot(db) == before


def test_remove_stage_is_refused_while_deals_are_in_it(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int
) -> None:
    quote = pipeline.stage("quote").id
    for n in range(3):
        deal = deals.create_deal(db, by=rep, title=f"Deal {n}").value
        deals.move_deal(db, deal.id, quote, by=rep, expected_version=1)
    before = snapshot(db)

    with pytest.raises(ValidationError) as exc:
        pipelines.remove_stage(db, quote, by=manager)

    err = exc.value.errors[0]
    assert (err.field, err.code) == ("stage_id", "not_allowed")
    assert err.params["count"] == 3
    assert "3 deals" in str(exc.value)
    assert snapshot(db) == before


def test_removing_a_stage_history_refers_to_deactivates_it(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int
) -> None:
    quote = pipeline.stage("quote").id
    deal = deals.create_deal(db, by=rep, title="Passed through").value
    deals.move_deal(db, deal.id, quote, by=rep, expected_version=1)
    deals.move_deal(db, deal.id, pipeline.stage("contract").id, by=rep, expected_version=2)
    history_before = rows(db, "SELECT * FROM stage_transitions ORDER BY id")

    pipelines.remove_stage(db, quote, by=manager)

    assert scalar(db, "SELECT active FROM stages WHERE id = :id", id=quote) in (False, 0)
    assert rows(db, "SELECT * FROM stage_transitions ORDER BY id") == history_before
    listed = pipelines.list_pipelines(db)[0]
    assert "quote" not in [s.key for s in listed.stages]
    assert "quote" not in [s.key for s in pipelines.get_pipeline(db).stages]
    assert assert_well_ordered(db, pipeline.id) == [
        "prospecting",
        "qualification",
        "contract",
        "won",
        "lost",
    ]


def test_removing_a_never_used_stage_deletes_it(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    added = pipelines.add_stage(db, pipeline.id, by=manager, key="trial", name="Trial").value
    pipelines.remove_stage(db, added.id, by=manager)
    assert count(db, "stages", "id = :id", id=added.id) == 0
    assert assert_well_ordered(db, pipeline.id) == [*DEFAULT_OPEN, "won", "lost"]


def test_removing_the_qualified_stage_clears_it(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    pipelines.remove_stage(db, pipeline.stage("qualification").id, by=manager)
    assert (
        scalar(db, "SELECT qualified_stage_id FROM pipelines WHERE id = :id", id=pipeline.id)
        is None
    )
    assert count(db, "stages", "id = :id", id=pipeline.stage("qualification").id) == 0


@pytest.mark.parametrize("key", ["won", "lost"])
def test_won_and_lost_cannot_be_removed(
    db: Database, pipeline: PipelineInfo, manager: int, key: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.remove_stage(db, pipeline.stage(key).id, by=manager)
    assert (exc.value.fields, exc.value.errors[0].code) == (["stage_id"], "not_allowed")
    assert snapshot(db) == before


def test_the_last_open_stage_cannot_be_removed(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    for key in DEFAULT_OPEN[:-1]:
        pipelines.remove_stage(db, pipeline.stage(key).id, by=manager)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.remove_stage(db, pipeline.stage("contract").id, by=manager)
    assert exc.value.fields == ["stage_id"]
    assert snapshot(db) == before
    assert assert_well_ordered(db, pipeline.id) == ["contract", "won", "lost"]


def test_set_qualified_stage(db: Database, pipeline: PipelineInfo, manager: int) -> None:
    out = pipelines.set_qualified_stage(db, pipeline.id, pipeline.stage("quote").id, by=manager)
    assert out.value.qualified_stage_id == pipeline.stage("quote").id
    assert (
        scalar(db, "SELECT qualified_stage_id FROM pipelines WHERE id = :id", id=pipeline.id)
        == pipeline.stage("quote").id
    )
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.set_qualified_stage(db, pipeline.id, pipeline.won_stage.id, by=manager)
    assert exc.value.fields == ["stage_id"]
    assert snapshot(db) == before


def test_unknown_pipeline_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError) as exc:
        pipelines.get_pipeline(db, "no-such-pipeline")
    assert (exc.value.fields, exc.value.errors[0].code) == (["pipeline"], "unknown")


STAGE_EDITS: list[Any] = [
    pytest.param(
        lambda db, p, by: pipelines.add_stage(db, p.id, by=by, key="x", name="X"), id="add"
    ),
    pytest.param(
        lambda db, p, by: pipelines.update_stage(db, p.stage("quote").id, by=by, probability=1),
        id="update",
    ),
    pytest.param(
        lambda db, p, by: pipelines.reorder_stages(
            db, p.id, [s.id for s in reversed(p.open_stages)], by=by
        ),
        id="reorder",
    ),
    pytest.param(
        lambda db, p, by: pipelines.remove_stage(db, p.stage("contract").id, by=by), id="remove"
    ),
    pytest.param(
        lambda db, p, by: pipelines.set_qualified_stage(db, p.id, p.stage("quote").id, by=by),
        id="qualified",
    ),
]


@pytest.mark.parametrize("edit", STAGE_EDITS)
def test_rep_cannot_edit_stages(
    db: Database, pipeline: PipelineInfo, rep: int, edit: Callable[..., Any]
) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        edit(db, pipeline, rep)
    assert snapshot(db) == before
