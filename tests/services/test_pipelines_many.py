"""crmdesk.services.pipelines: more than one pipeline (add, rename, archive, restore, the
default), on both backends."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from conftest import BACKENDS
from sqlalchemy import text

from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    PermissionDenied,
    PipelineInfo,
    StageKind,
    ValidationError,
)
from crmdesk.domain.reports import BoardQuery, MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.services import deals, pipelines
from crmdesk.services.setup import DEFAULT_STAGES

from ._helpers import count, rows, scalar, snapshot
from .test_pipelines import assert_well_ordered

STANDARD = [(key, en, zh, p, rot, kind) for key, en, zh, p, rot, kind in DEFAULT_STAGES]


def pipeline_rows(db: Database) -> list[Any]:
    return rows(db, "SELECT id, key, name, position, is_default, active FROM pipelines ORDER BY id")


def defaults(db: Database) -> list[int]:
    return [r.id for r in pipeline_rows(db) if r.is_default]


def add(db: Database, by: int, name: str = "Renewals", **kw: Any) -> PipelineInfo:
    names = kw.pop("names", {"en": name, "zh_CN": "续约"})
    return pipelines.add_pipeline(db, by=by, name=name, names=names, **kw).value


# --- adding ----------------------------------------------------------------------------------
def test_a_new_pipeline_starts_with_the_standard_stages(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    out = pipelines.add_pipeline(
        db, by=manager, name="Renewals", names={"en": "Renewals", "zh_CN": "续约"}
    )
    new = out.value
    assert out.changes.touches(Change.STAGES)
    assert (new.key, new.name, new.names) == (
        "renewals",
        "Renewals",
        {"en": "Renewals", "zh_CN": "续约"},
    )
    assert (new.is_default, new.active, new.label("zh_CN")) == (False, True, "续约")

    stored = rows(
        db,
        "SELECT key, name, names, probability, rot_days, kind, slot FROM stages "
        "WHERE pipeline_id = :p ORDER BY position",
        p=new.id,
    )
    assert [(r.key, r.name, r.probability, r.rot_days, r.kind) for r in stored] == [
        (key, en, p, rot, kind) for key, en, _zh, p, rot, kind in STANDARD
    ]
    assert [s.label("zh_CN") for s in new.stages] == [zh for _k, _e, zh, *_ in STANDARD]
    assert sorted(r.slot for r in stored) == list(range(len(STANDARD)))
    assert assert_well_ordered(db, new.id) == [k for k, *_ in STANDARD]
    assert new.qualified_stage_id == new.stage("qualification").id
    assert (
        scalar(db, "SELECT qualified_stage_id FROM pipelines WHERE id = :id", id=new.id)
        == new.stage("qualification").id
    )

    # Last in the list; the default stays the default.
    listed = pipelines.list_pipelines(db)
    assert [p.id for p in listed] == [pipeline.id, new.id]
    assert pipelines.get_pipeline(db).id == pipeline.id
    assert defaults(db) == [pipeline.id]
    # Its own stages: editing them leaves the first pipeline alone.
    pipelines.update_stage(db, new.stage("quote").id, by=manager, probability=70)
    assert pipelines.get_pipeline(db, pipeline.id).stage("quote").probability == 50


def test_a_chinese_database_names_the_new_stages_in_chinese(db: Database, admin_id: int) -> None:
    from crmdesk.services import settings

    settings.set_setting(db, "locale", "zh_CN", by=admin_id)
    new = add(db, admin_id, name="续约", names={"zh_CN": "续约"})
    assert new.key == "pipeline"  # no Latin letters to make a key of
    assert [s.name for s in new.stages] == [zh for _k, _e, zh, *_ in STANDARD]
    assert [s.label("en") for s in new.stages] == [en for _k, en, *_ in STANDARD]


def test_a_copy_takes_the_stages_as_they_were_edited(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    pipelines.add_stage(
        db,
        pipeline.id,
        by=manager,
        key="demo",
        name="Demo",
        names={"en": "Demo", "zh_CN": "演示"},
        probability=35,
        rot_days=4,
        position=1,
    )
    pipelines.update_stage(db, pipeline.stage("quote").id, by=manager, probability=60)
    pipelines.remove_stage(db, pipeline.stage("contract").id, by=manager)
    pipelines.set_qualified_stage(db, pipeline.id, pipeline.stage("quote").id, by=manager)
    source = pipelines.get_pipeline(db, pipeline.id)

    copy = add(db, manager, name="Partners", names={"en": "Partners"}, copy_from=pipeline.id)

    def shape(p: PipelineInfo) -> list[tuple[Any, ...]]:
        return [(s.key, s.name, s.names, s.probability, s.rot_days, s.kind) for s in p.stages]

    assert shape(copy) == shape(source)
    assert copy.stage("quote").id != source.stage("quote").id
    assert copy.qualified_stage_id == copy.stage("quote").id
    assert assert_well_ordered(db, copy.id) == [s.key for s in source.stages]


def test_deals_live_in_the_new_pipeline_and_its_reports_count_them(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int
) -> None:
    new = add(db, manager)
    first = new.open_stages[0]
    made = [
        deals.create_deal(
            db, by=rep, title=f"Renewal {n}", amount=Decimal("1000"), pipeline_id=new.id
        ).value
        for n in range(3)
    ]
    assert {d.stage_id for d in made} == {first.id}
    deals.move_deal(db, made[0].id, new.stage("quote").id, by=rep, expected_version=1)
    deals.move_deal(
        db, made[1].id, new.lost_stage.id, by=rep, expected_version=1,
        lost_reason_id=scalar(db, "SELECT min(id) FROM lost_reasons"),
    )  # fmt: skip
    deals.create_deal(db, by=rep, title="In the old pipeline", amount=Decimal("5"))

    metrics = MetricsService(db)
    cards = metrics.board_cards(MetricsFilter(pipeline_id=new.id), BoardQuery())
    assert sorted(c.id for c in cards) == sorted([made[0].id, made[2].id])
    k = metrics.kpis(MetricsFilter(pipeline_id=new.id))
    # Open: the Quote deal at 50 % and the Prospecting one at 10 %.
    assert k.open_pipeline_amount == Decimal("2000.00")
    assert k.weighted_pipeline_amount == Decimal("600.00")
    assert k.lost_count == 1
    old = metrics.kpis(MetricsFilter())
    assert old.open_pipeline_amount == Decimal("5.00")


def test_keys_are_made_from_the_english_name_and_never_collide(db: Database, manager: int) -> None:
    assert add(db, manager, name="New business", names={"en": "New business"}).key == (
        "new_business"
    )
    assert add(db, manager, name="New business!", names={}).key == "new_business_2"
    assert add(db, manager, name="续约", names={"zh_CN": "续约"}).key == "pipeline"
    assert add(db, manager, name="续约二", names={"zh_CN": "续约二"}).key == "pipeline_2"
    assert add(db, manager, name="Partners", names={}, key="channel").key == "channel"


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        pytest.param({"name": "  "}, "name", "required", id="name-empty"),
        pytest.param({"name": "x" * 300}, "name", "too_long", id="name-too-long"),
        pytest.param({"name": "SALES", "names": {}}, "name", "duplicate", id="name-taken"),
        pytest.param(
            {"name": "Sales", "names": {"en": "sales "}}, "names.en", "duplicate", id="en-taken"
        ),
        pytest.param(
            {"name": "Renewals", "names": {"en": "Renewals", "zh_CN": "销售"}},
            "names.zh_CN",
            "duplicate",
            id="zh-taken",
        ),
        pytest.param({"key": "Bad Key"}, "key", "invalid", id="key-format"),
        pytest.param({"key": "sales"}, "key", "duplicate", id="key-taken"),
        pytest.param({"copy_from": 999_999}, "copy_from", "unknown", id="copy-unknown"),
    ],
)
def test_adding_refuses_bad_input_and_writes_nothing(
    db: Database, manager: int, kwargs: dict[str, Any], field: str, code: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.add_pipeline(db, by=manager, **{"name": "Renewals", **kwargs})
    assert [(e.field, e.code) for e in exc.value.errors] == [(field, code)]
    assert snapshot(db) == before


def test_an_archived_pipeline_still_holds_its_name(db: Database, manager: int) -> None:
    new = add(db, manager)
    pipelines.archive_pipeline(db, new.id, by=manager)
    with pytest.raises(ValidationError) as exc:
        add(db, manager, name="renewals", names={})
    assert exc.value.fields == ["name"]


# --- renaming --------------------------------------------------------------------------------
def test_renaming_in_both_languages(db: Database, pipeline: PipelineInfo, manager: int) -> None:
    out = pipelines.rename_pipeline(
        db,
        pipeline.id,
        by=manager,
        name="Direct sales",
        names={"en": "Direct sales", "zh_CN": "直销"},
    )
    assert out.changes.touches(Change.STAGES)
    reread = pipelines.get_pipeline(db, pipeline.id)
    assert (reread.name, reread.label("en"), reread.label("zh_CN"), reread.key) == (
        "Direct sales",
        "Direct sales",
        "直销",
        "sales",
    )
    # Its own name again is no duplicate, and changes nothing.
    again = pipelines.rename_pipeline(
        db,
        pipeline.id,
        by=manager,
        name="Direct sales",
        names={"en": "Direct sales", "zh_CN": "直销"},
    )
    assert not again.changes.kinds


def test_renaming_without_names_renames_the_language_that_had_the_old_name(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    pipelines.rename_pipeline(db, pipeline.id, by=manager, name="Direct")
    reread = pipelines.get_pipeline(db, pipeline.id)
    assert reread.names == {"en": "Direct", "zh_CN": "销售"}
    assert reread.label("en") == "Direct"


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        pytest.param({"name": ""}, "name", "required", id="empty"),
        pytest.param({"name": "renewals"}, "name", "duplicate", id="taken"),
        pytest.param(
            {"name": "Sales", "names": {"zh_CN": "续约"}}, "names.zh_CN", "duplicate", id="zh-taken"
        ),
    ],
)
def test_renaming_refuses_bad_names(
    db: Database,
    pipeline: PipelineInfo,
    manager: int,
    kwargs: dict[str, Any],
    field: str,
    code: str,
) -> None:
    add(db, manager)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.rename_pipeline(db, pipeline.id, by=manager, **kwargs)
    assert [(e.field, e.code) for e in exc.value.errors] == [(field, code)]
    assert snapshot(db) == before


# --- archiving -------------------------------------------------------------------------------
def test_a_pipeline_with_open_deals_cannot_be_archived(
    db: Database, manager: int, rep: int, lost_reason_id: int
) -> None:
    new = add(db, manager)
    made = [
        deals.create_deal(db, by=rep, title=f"R{n}", pipeline_id=new.id).value for n in range(3)
    ]
    deals.move_deal(db, made[0].id, new.won_stage.id, by=rep, expected_version=1)
    before = snapshot(db)

    with pytest.raises(ValidationError) as exc:
        pipelines.archive_pipeline(db, new.id, by=manager)

    err = exc.value.errors[0]
    assert (exc.value.fields, err.code, err.params["count"]) == (
        ["pipeline_id"],
        "has_open_deals",
        2,
    )
    assert "2 open deals" in str(exc.value)
    assert snapshot(db) == before

    # Closed (won or lost), they stay with it; it leaves the lists.
    for d in made[1:]:
        deals.move_deal(
            db, d.id, new.lost_stage.id, by=rep, expected_version=1, lost_reason_id=lost_reason_id
        )
    out = pipelines.archive_pipeline(db, new.id, by=manager)
    assert out.changes.touches(Change.STAGES)
    assert not out.value.active
    assert [p.id for p in pipelines.list_pipelines(db)] == [pipelines.get_pipeline(db).id]
    archived = next(
        p for p in pipelines.list_pipelines(db, include_inactive=True) if p.id == new.id
    )
    assert not archived.active
    assert count(db, "deals", "pipeline_id = :p", p=new.id) == 3
    assert count(db, "stages", "pipeline_id = :p", p=new.id) == len(STANDARD)
    # No new deals go there.
    with pytest.raises(ValidationError) as refused:
        deals.create_deal(db, by=rep, title="Too late", pipeline_id=new.id)
    assert (refused.value.fields, refused.value.errors[0].code) == (["pipeline_id"], "inactive")
    # Its past still counts in its reports.
    assert MetricsService(db).kpis(MetricsFilter(pipeline_id=new.id)).won_count == 1

    # Archiving again changes nothing; restoring brings it back.
    assert not pipelines.archive_pipeline(db, new.id, by=manager).changes.kinds
    back = pipelines.restore_pipeline(db, new.id, by=manager)
    assert back.value.active and back.changes.touches(Change.STAGES)
    assert new.id in [p.id for p in pipelines.list_pipelines(db)]


def test_the_default_pipeline_cannot_be_archived(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.archive_pipeline(db, pipeline.id, by=manager)
    assert [(e.field, e.code) for e in exc.value.errors] == [("pipeline_id", "is_default")]
    assert "default pipeline" in str(exc.value)
    assert snapshot(db) == before


# --- the default -----------------------------------------------------------------------------
def test_setting_the_default_pipeline(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int
) -> None:
    new = add(db, manager)
    out = pipelines.set_default_pipeline(db, new.id, by=manager)
    assert out.changes.touches(Change.STAGES) and out.value.is_default
    assert defaults(db) == [new.id]
    assert pipelines.get_pipeline(db).id == new.id
    # New deals and reports without a pipeline go to the new default.
    deal = deals.create_deal(db, by=rep, title="Where?", amount=Decimal("100")).value
    assert (deal.pipeline_id, deal.stage_id) == (new.id, new.open_stages[0].id)
    assert MetricsService(db).kpis(MetricsFilter()).open_pipeline_amount == Decimal("100.00")
    # Again: nothing to change.
    assert not pipelines.set_default_pipeline(db, new.id, by=manager).changes.kinds
    # The old default, no longer the default and without open deals, may be archived.
    assert [p.id for p in pipelines.list_pipelines(db) if p.is_default] == [new.id]
    pipelines.archive_pipeline(db, pipeline.id, by=manager)
    assert [p.id for p in pipelines.list_pipelines(db)] == [new.id]


def test_an_archived_pipeline_cannot_be_the_default(
    db: Database, pipeline: PipelineInfo, manager: int
) -> None:
    new = add(db, manager)
    pipelines.archive_pipeline(db, new.id, by=manager)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        pipelines.set_default_pipeline(db, new.id, by=manager)
    assert [(e.field, e.code) for e in exc.value.errors] == [("pipeline_id", "inactive")]
    assert snapshot(db) == before
    assert defaults(db) == [pipeline.id]


# --- who may -----------------------------------------------------------------------------------
PIPELINE_EDITS: list[Any] = [
    pytest.param(lambda db, p, by: pipelines.add_pipeline(db, by=by, name="X"), id="add"),
    pytest.param(lambda db, p, by: pipelines.rename_pipeline(db, p, by=by, name="X"), id="rename"),
    pytest.param(lambda db, p, by: pipelines.archive_pipeline(db, p, by=by), id="archive"),
    pytest.param(lambda db, p, by: pipelines.restore_pipeline(db, p, by=by), id="restore"),
    pytest.param(lambda db, p, by: pipelines.set_default_pipeline(db, p, by=by), id="default"),
]


@pytest.mark.parametrize("edit", PIPELINE_EDITS)
def test_a_rep_cannot_change_pipelines(
    db: Database, manager: int, rep: int, edit: Callable[..., Any]
) -> None:
    new = add(db, manager)
    before = snapshot(db)
    with pytest.raises(PermissionDenied) as exc:
        edit(db, new.id, rep)
    assert exc.value.action == "edit_stages"
    assert snapshot(db) == before


def test_an_admin_may_change_pipelines(db: Database, admin_id: int) -> None:
    new = add(db, admin_id)
    pipelines.set_default_pipeline(db, new.id, by=admin_id)
    assert defaults(db) == [new.id]
    assert pipelines.get_pipeline(db).stage("won").kind is StageKind.WON


@pytest.mark.parametrize("backend", [p for p in BACKENDS if p.id == "postgres"], indirect=True)
def test_a_deal_created_while_its_pipeline_is_being_archived_waits_and_is_refused(
    db: Database, manager: int, rep: int
) -> None:
    """PostgreSQL: another session archives the pipeline (its row locked, not committed
    yet) while a rep creates a deal in it. The create waits for the archive and is then
    refused: no open deal may land in a pipeline that is off the board. (SQLite's write
    transactions never overlap.)"""
    new = add(db, manager)
    outcome: dict[str, Any] = {}

    def create() -> None:
        try:
            outcome["deal"] = deals.create_deal(db, by=rep, title="Racing", pipeline_id=new.id)
        except ValidationError as exc:
            outcome["refused"] = exc

    with db.engine.connect() as other:
        archive = other.begin()
        other.execute(text("SELECT id FROM pipelines WHERE id = :p FOR UPDATE"), {"p": new.id})
        other.execute(text("UPDATE pipelines SET active = false WHERE id = :p"), {"p": new.id})
        racer = threading.Thread(target=create)
        racer.start()
        racer.join(0.5)
        assert racer.is_alive(), f"the create did not wait for the archive: {outcome}"
        archive.commit()
    racer.join(10)
    assert not racer.is_alive()
    assert "deal" not in outcome
    refused = outcome["refused"]
    assert (refused.fields, refused.errors[0].code) == (["pipeline_id"], "inactive")
    assert count(db, "deals", "pipeline_id = :p", p=new.id) == 0
