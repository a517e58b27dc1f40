"""Who may see which report: a rep sees reports for themselves and the team's totals;
managers and admins see everyone. Runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import PermissionDenied, Role, UserInfo
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.services import users

from .builder import World, utc

NOW = utc(2026, 3, 20, 12)
F = MetricsFilter(period_from=date(2026, 2, 1), period_to=date(2026, 4, 1), tz="UTC", now=NOW)


@pytest.fixture
def team(db: Database) -> tuple[World, UserInfo, UserInfo, UserInfo]:
    """Ann and Bob (reps) and Meg (a manager), each with a won deal, an overdue task and
    a rotting deal, and a target each plus the team's."""
    w = World(db)
    ann, bob = w.rep("Ann"), w.rep("Bob")
    meg = w.rep("Meg")
    from sqlalchemy import update

    from crmdesk.db import models as m

    with db.transaction() as s:
        s.execute(update(m.User).where(m.User.id == meg).values(role="manager"))
    for i, owner in enumerate((ann, bob, meg)):
        w.deal(owner, [(utc(2026, 2, 2), "prospecting"), (utc(2026, 2, 20), "won")], 100 * (i + 1))
        rotting = w.deal(owner, [(utc(2026, 2, 3), "quote")], 50)
        w.activity(owner, "call", deal=rotting, done_at=utc(2026, 2, 4))
        w.activity(owner, "task", deal=rotting, due_at=utc(2026, 3, 1))
        w.target(owner, "won_amount", date(2026, 3, 1), date(2026, 4, 1), 1000)
    w.target(None, "won_amount", date(2026, 3, 1), date(2026, 4, 1), 3000)
    return w, users.get_user(db, ann), users.get_user(db, bob), users.get_user(db, meg)


def test_a_rep_sees_their_own_rows_and_the_team_totals(
    db: Database, team: tuple[World, UserInfo, UserInfo, UserInfo]
) -> None:
    _w, ann, bob, meg = team
    everyone = MetricsService(db).all(F)
    mine = MetricsService(db, viewer=ann).all(F)
    # Whose rows each report lists, for the whole view and for Ann's.
    assert {r.owner_id for r in everyone.performance.rows} == {ann.id, bob.id, meg.id}
    assert {r.owner_id for r in mine.performance.rows} == {ann.id}
    assert {p.owner_id for p in mine.funnel.people} == {ann.id}
    assert {r.owner_id for r in mine.targets.rows} == {ann.id, None}
    assert {r.owner_id for r in mine.activity.rows} == {ann.id}
    assert {r.owner_id for r in mine.activity.overdue} == {ann.id}
    assert {r.owner_id for r in mine.activity.rotting} == {ann.id}
    assert len(everyone.activity.overdue) == 3 and len(everyone.activity.rotting) == 3
    # The team's totals still count everyone.
    assert mine.performance.team == everyone.performance.team
    assert mine.performance.team.won_amount == Decimal("600.00")
    assert mine.funnel.team == everyone.funnel.team
    assert mine.kpis == everyone.kpis and mine.stages == everyone.stages
    assert mine.forecast == everyone.forecast
    assert mine.new_customers == everyone.new_customers
    team_target = next(r for r in mine.targets.rows if r.owner_id is None)
    assert team_target == next(r for r in everyone.targets.rows if r.owner_id is None)
    assert team_target.value == Decimal("3000.00")
    # One report at a time gives the same as all of them.
    svc = MetricsService(db, viewer=ann)
    assert svc.performance(F) == mine.performance
    assert svc.funnel(F) == mine.funnel
    assert svc.targets(F) == mine.targets
    assert svc.activity(F) == mine.activity


def test_a_rep_may_filter_on_themselves_but_not_on_someone_else(
    db: Database, team: tuple[World, UserInfo, UserInfo, UserInfo]
) -> None:
    _w, ann, bob, _meg = team
    svc = MetricsService(db, viewer=ann)
    own = svc.performance(MetricsFilter(**{**F.__dict__, "owner_ids": (ann.id,)}))
    assert [r.owner_id for r in own.rows] == [ann.id]
    for name, call in (
        ("kpis", svc.kpis),
        ("funnel", svc.funnel),
        ("performance", svc.performance),
        ("activity", svc.activity),
        ("all", svc.all),
    ):
        with pytest.raises(PermissionDenied) as err:
            call(MetricsFilter(**{**F.__dict__, "owner_ids": (bob.id,)}))
        assert "themselves" in str(err.value), name
        assert err.value.params["action"] == "view_reports"
    with pytest.raises(PermissionDenied):
        svc.kpis(MetricsFilter(**{**F.__dict__, "owner_ids": (ann.id, bob.id)}))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_managers_and_admins_see_everyone(
    db: Database, team: tuple[World, UserInfo, UserInfo, UserInfo], role: Role
) -> None:
    _w, ann, bob, meg = team
    viewer = meg if role == Role.MANAGER else users.get_user(db, _admin(db))
    assert viewer.role == role
    svc = MetricsService(db, viewer=viewer)
    assert {r.owner_id for r in svc.performance(F).rows} == {ann.id, bob.id, meg.id}
    only_bob = svc.performance(MetricsFilter(**{**F.__dict__, "owner_ids": (bob.id,)}))
    assert [r.owner_id for r in only_bob.rows] == [bob.id]
    assert MetricsService(db, viewer=viewer).all(F) == MetricsService(db).all(F)


def _admin(db: Database) -> int:
    from crmdesk.services.setup import default_admin_id

    return default_admin_id(db)
