"""Stage names in the reports follow the window's language: ``MetricsService(lang=...)``
and ``drill(lang=...)`` name each stage in that language where the pipeline has a
name for it, and by its main name otherwise (and for the command line, ``lang=None``).
Both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from crmdesk.db.engine import Database
from crmdesk.domain import PipelineInfo
from crmdesk.domain.drill import DrillSpec
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.metrics.drill import drill
from crmdesk.services import deals
from crmdesk.services.setup import default_admin_id

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_the_stages_are_named_in_the_windows_language(db: Database, pipeline: PipelineInfo) -> None:
    admin = default_admin_id(db)
    open_stages = pipeline.open_stages
    quote = pipeline.stage("quote")
    made = deals.create_deal(
        db, by=admin, title="Router", stage_id=quote.id, created_at=datetime(2025, 3, 1, tzinfo=UTC)
    ).value
    # Rotting: in its stage since March.
    assert quote.rot_days is not None
    f = MetricsFilter(tz="UTC", now=NOW)
    main = [s.name for s in open_stages]
    chinese = [s.names["zh_CN"] for s in open_stages]
    assert main != chinese and all(chinese)

    for lang, want in (
        (None, main),
        ("en", [s.label("en") for s in open_stages]),
        ("zh_CN", chinese),
    ):
        svc = MetricsService(db, lang=lang)
        assert [r.stage_name for r in svc.stage_efficiency(f).rows] == want, lang
        funnel = svc.funnel(f)
        assert [s.stage_name for s in funnel.team.stages] == want, lang
        assert [s.stage_name for p in funnel.people for s in p.stages] == want, lang
        rotting = svc.activity(f).rotting
        assert [(r.deal_id, r.stage_name) for r in rotting] == [
            (made.id, want[open_stages.index(quote)])
        ], lang
        listed = drill(db, f, DrillSpec("created"), lang=lang)
        assert [(r.deal_id, r.stage_name) for r in listed.rows] == [
            (made.id, want[open_stages.index(quote)])
        ], lang

    # A stage with no name in the language: its main name.
    assert [r.stage_name for r in MetricsService(db, lang="fr").stage_efficiency(f).rows] == main
