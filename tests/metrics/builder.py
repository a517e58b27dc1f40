"""Hand-made sales data for the metrics edge-case tests, inserted with SQLAlchemy Core.

The default pipeline of a fresh database is used as it is: Prospecting (10 %,
rot 21 d), Qualification (25 %, 14 d), Quote (50 %, 10 d), Contract (80 %, 7 d),
then Won and Lost; Qualification is the qualified stage. A deal is given as its
path, ``[(at, stage_key), ...]``; the deal row is derived from it as the
services would leave it (stage, stage_entered_at, closed_at, lost_at_stage).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database

D = m.Deal.__table__
T = m.StageTransition.__table__
ST = m.Stage.__table__
PIPE = m.Pipeline.__table__


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def local(tz: str, y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz)).astimezone(UTC)


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        with db.engine.connect() as conn:
            pipe = conn.execute(select(PIPE).where(PIPE.c.is_default.is_(True))).one()
            self.pipeline_id = pipe.id
            self.stage = {
                r.key: r.id for r in conn.execute(select(ST).where(ST.c.pipeline_id == pipe.id))
            }
            self.reason_id = conn.execute(select(m.LostReason.__table__.c.id)).scalars().first()
            self.source = {r.name: r.id for r in conn.execute(select(m.LeadSource.__table__))}
        self._n = 0

    def _insert(self, table: m.Base, **values: object) -> int:
        with self.db.engine.begin() as conn:
            return conn.execute(insert(table.__table__).values(**values)).inserted_primary_key[0]

    def rep(self, name: str) -> int:
        self._n += 1
        return self._insert(
            m.User,
            name=name,
            login=f"rep{self._n}",
            role="rep",
            active=True,
            created_at=utc(2024, 1, 1),
        )

    def customer(self, source: str | None = None) -> int:
        self._n += 1
        return self._insert(
            m.Customer,
            company=f"Customer {self._n}",
            source_id=None if source is None else self.source[source],
            created_at=utc(2024, 1, 1),
        )

    def deal(
        self,
        owner: int,
        path: list[tuple[datetime, str]],
        amount: str | int = 0,
        *,
        customer: int | None = None,
        source: str | None = None,
        expected_close: date | None = None,
    ) -> int:
        self._n += 1
        stages = [self.stage[key] for _, key in path]
        last_at, last = path[-1]
        closed = last in ("won", "lost")
        deal_id = self._insert(
            m.Deal,
            title=f"Deal {self._n}",
            customer_id=customer,
            owner_id=owner,
            pipeline_id=self.pipeline_id,
            stage_id=stages[-1],
            amount=Decimal(amount),
            currency="USD",
            expected_close=expected_close,
            source_id=None if source is None else self.source[source],
            created_at=path[0][0],
            stage_entered_at=last_at,
            closed_at=last_at if closed else None,
            lost_reason_id=self.reason_id if last == "lost" else None,
            lost_at_stage_id=stages[-2] if last == "lost" else None,
        )
        with self.db.engine.begin() as conn:
            conn.execute(
                insert(T),
                [
                    {
                        "deal_id": deal_id,
                        "from_stage_id": stages[i - 1] if i else None,
                        "to_stage_id": stages[i],
                        "at": at,
                        "by_user_id": owner,
                    }
                    for i, (at, _) in enumerate(path)
                ],
            )
        return deal_id

    def activity(
        self,
        owner: int,
        kind: str,
        *,
        deal: int | None = None,
        customer: int | None = None,
        done_at: datetime | None = None,
        due_at: datetime | None = None,
        created_at: datetime | None = None,
    ) -> int:
        self._n += 1
        return self._insert(
            m.Activity,
            kind=kind,
            subject=f"{kind} {self._n}",
            owner_id=owner,
            deal_id=deal,
            customer_id=customer,
            done_at=done_at,
            due_at=due_at,
            created_at=created_at or done_at or due_at or utc(2025, 1, 1),
        )

    def target(
        self, owner: int | None, metric: str, start: date, end: date, value: str | int
    ) -> int:
        return self._insert(
            m.Target,
            owner_id=owner,
            metric=metric,
            period_start=start,
            period_end=end,
            value=Decimal(value),
        )
