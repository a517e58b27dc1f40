"""First-time setup of a new database: default pipeline, lists, admin user, settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.zone import TIME_ZONE_KEY, store_time_zone
from crmdesk.domain import Role
from crmdesk.domain.timezones import local_timezone_name
from crmdesk.services._common import utcnow

#: The default pipeline of METRICS.md: key, English, Chinese, probability %, rot days, kind.
DEFAULT_STAGES: tuple[tuple[str, str, str, int, int | None, str], ...] = (
    ("prospecting", "Prospecting", "寻找客户", 10, 21, "open"),
    ("qualification", "Qualification", "资格认定", 25, 14, "open"),
    ("quote", "Quote", "报价", 50, 10, "open"),
    ("contract", "Contract", "合同", 80, 7, "open"),
    ("won", "Won", "赢单", 100, None, "won"),
    ("lost", "Lost", "输单", 0, None, "lost"),
)
QUALIFIED_STAGE_KEY = "qualification"

DEFAULT_SOURCES: tuple[tuple[str, str], ...] = (
    ("Website", "官网"),
    ("Referral", "客户推荐"),
    ("Trade show", "展会"),
    ("Cold call", "陌生拜访"),
    ("Partner", "合作伙伴"),
    ("Advertising", "广告"),
    ("Email campaign", "邮件营销"),
    ("Social media", "社交媒体"),
)

DEFAULT_LOST_REASONS: tuple[tuple[str, str], ...] = (
    ("Price too high", "价格过高"),
    ("Chose a competitor", "选择了竞争对手"),
    ("No budget", "没有预算"),
    ("No decision", "迟迟不做决定"),
    ("Bad timing", "时机不对"),
    ("Product does not fit", "产品不匹配"),
    ("Stopped responding", "失去联系"),
)

LANGS = ("en", "zh_CN")


def _pick(en: str, zh: str, locale: str) -> str:
    return zh if locale.startswith("zh") else en


@dataclass(frozen=True)
class SetupResult:
    created_pipeline: bool
    created_admin: bool


def ensure_initialized(
    db: Database, *, locale: str = "en", currency: str | None = None
) -> SetupResult:
    """Give an empty database its defaults. Idempotent: existing data is left alone."""
    with db.transaction() as s:
        created_pipeline = created_admin = False
        if s.execute(select(func.count()).select_from(m.Pipeline)).scalar_one() == 0:
            pipe = m.Pipeline(
                key="sales",
                name=_pick("Sales", "销售", locale),
                names={"en": "Sales", "zh_CN": "销售"},
                position=0,
                is_default=True,
                active=True,
            )
            s.add(pipe)
            s.flush()
            for pos, (key, en, zh, prob, rot, kind) in enumerate(DEFAULT_STAGES):
                s.add(
                    m.Stage(
                        pipeline_id=pipe.id,
                        key=key,
                        name=_pick(en, zh, locale),
                        names={"en": en, "zh_CN": zh},
                        position=pos,
                        probability=prob,
                        rot_days=rot,
                        kind=kind,
                        slot=pos,
                    )
                )
            s.flush()
            pipe.qualified_stage_id = s.execute(
                select(m.Stage.id).where(
                    m.Stage.pipeline_id == pipe.id, m.Stage.key == QUALIFIED_STAGE_KEY
                )
            ).scalar_one()
            created_pipeline = True
        if s.execute(select(func.count()).select_from(m.LeadSource)).scalar_one() == 0:
            for pos, (en, zh) in enumerate(DEFAULT_SOURCES):
                s.add(
                    m.LeadSource(
                        name=_pick(en, zh, locale),
                        names={"en": en, "zh_CN": zh},
                        position=pos,
                        active=True,
                    )
                )
        if s.execute(select(func.count()).select_from(m.LostReason)).scalar_one() == 0:
            for pos, (en, zh) in enumerate(DEFAULT_LOST_REASONS):
                s.add(
                    m.LostReason(
                        name=_pick(en, zh, locale),
                        names={"en": en, "zh_CN": zh},
                        position=pos,
                        active=True,
                    )
                )
        if s.execute(select(func.count()).select_from(m.User)).scalar_one() == 0:
            s.add(
                m.User(
                    name=_pick("Administrator", "管理员", locale),
                    login="admin",
                    role=Role.ADMIN.value,
                    active=True,
                    created_at=utcnow(),
                )
            )
            created_admin = True
        if s.get(m.Setting, TIME_ZONE_KEY) is None:
            # Days, weeks and months of the reports follow the team's zone by default.
            store_time_zone(s, local_timezone_name())
        if s.get(m.Setting, "currency") is None:
            s.add(m.Setting(key="currency", value=currency or _pick("USD", "CNY", locale)))
        if s.get(m.Setting, "locale") is None:
            s.add(m.Setting(key="locale", value=locale))
        return SetupResult(created_pipeline, created_admin)


def default_admin_id(db: Database) -> int:
    """The first active admin: who a single-user local database acts as."""
    with db.read() as s:
        uid = s.execute(
            select(m.User.id)
            .where(m.User.role == Role.ADMIN.value, m.User.active.is_(True))
            .order_by(m.User.id)
            .limit(1)
        ).scalar_one_or_none()
    if uid is None:
        raise LookupError("the database has no active admin user")
    return uid
