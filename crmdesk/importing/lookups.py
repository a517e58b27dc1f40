"""What a file's names refer to: users, customers, lead sources, lost reasons,
pipelines and stages, loaded once per import and looked up in memory.

Names are compared without case and surrounding spaces. A name that is not found
becomes a :class:`New` record when the mapping's ``[create]`` allows it (an owner
only for an admin), else a :class:`~crmdesk.importing.values.CellError`. New records
are written only if a row that is imported refers to them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.domain import Role, StageKind
from crmdesk.importing.mapping import ImportMapping
from crmdesk.importing.values import CellError

#: Words that name a pipeline's won or lost stage, whatever the stages are called.
OUTCOME_WORDS = {
    "won": StageKind.WON,
    "closed won": StageKind.WON,
    "win": StageKind.WON,
    "赢单": StageKind.WON,
    "成交": StageKind.WON,
    "已成交": StageKind.WON,
    "lost": StageKind.LOST,
    "closed lost": StageKind.LOST,
    "loss": StageKind.LOST,
    "输单": StageKind.LOST,
    "丢单": StageKind.LOST,
    "失败": StageKind.LOST,
}
_LOGIN_CHARS = re.compile(r"[^a-z0-9._@-]+")


def fold(text: str) -> str:
    return text.strip().casefold()


@dataclass(eq=False)
class New:
    """A record the import will create: a user, customer, lead source or lost reason.
    ``id`` is given when it is written; ``attrs`` holds what it is created with."""

    kind: str
    name: str
    line: int
    attrs: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


Ref = int | New


def ident(ref: Ref | None) -> int | None:
    """The id of an existing or (written) new record."""
    if isinstance(ref, New):
        return ref.id
    return ref


@dataclass(frozen=True)
class StageRef:
    id: int
    pipeline_id: int
    key: str
    kind: StageKind
    position: int


@dataclass
class PipelineRef:
    id: int
    key: str
    name: str
    stages: dict[str, StageRef] = field(default_factory=dict)  # folded key/name → stage
    open_stages: list[StageRef] = field(default_factory=list)
    won: StageRef | None = None
    lost: StageRef | None = None
    labels: list[str] = field(default_factory=list)


class Lookups:
    """Every name the file may use, for one import in one transaction."""

    def __init__(self, s: Session, mapping: ImportMapping, actor: m.User) -> None:
        self.mapping = mapping
        self.actor = actor
        self.is_admin = actor.role == Role.ADMIN.value
        self._s = s
        # Users: by login and by name.
        self.logins: set[str] = set()
        self.users_by_login: dict[str, tuple[int, bool]] = {}
        self.users_by_name: dict[str, list[tuple[int, bool]]] = {}
        for uid, login, name, active in s.execute(
            select(m.User.id, m.User.login, m.User.name, m.User.active)
        ):
            self.logins.add(login.casefold())
            self.users_by_login[login.casefold()] = (uid, active)
            self.users_by_name.setdefault(fold(name), []).append((uid, active))
        self.new_users: dict[str, New] = {}
        self._customers: dict[str, list[int]] | None = None
        self._customer_refs: dict[str, int] | None = None
        self._customer_sources: dict[int, int | None] = {}
        self.new_customers: dict[str, New] = {}
        #: The new customers by folded company name, those made with a ref included.
        self.new_customers_by_name: dict[str, list[New]] = {}
        self.sources = self._named(m.LeadSource)
        self.new_sources: dict[str, New] = {}
        self.reasons = self._named(m.LostReason)
        self.new_reasons: dict[str, New] = {}
        self._pipelines: dict[str, PipelineRef] | None = None
        self._pipeline_by_id: dict[int, PipelineRef] = {}
        self.default_pipeline: PipelineRef | None = None

    # --- users ------------------------------------------------------------------------------

    def owner(self, text: str, line: int) -> Ref:
        key = fold(text)
        found = self.users_by_login.get(key)
        if found is None:
            named = self.users_by_name.get(key, [])
            if len(named) > 1:
                raise CellError("ambiguous_owner", value=text, count=len(named))
            found = named[0] if named else None
        if found is not None:
            uid, active = found
            if not active:
                raise CellError("inactive_owner", value=text)
            return uid
        pending = self.new_users.get(key)
        if pending is not None:
            return pending
        if not self.mapping.may_create("owners"):
            raise CellError("unknown_owner", value=text)
        if not self.is_admin:
            raise CellError("owner_needs_admin", value=text)
        name = text.strip()[: m.LEN_NAME]
        new = New("user", name, line, {"login": self._new_login(name)})
        self.new_users[key] = new
        return new

    def _new_login(self, name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        base = _LOGIN_CHARS.sub(".", ascii_name.lower()).strip(".")[: m.LEN_LOGIN - 6] or "user"
        login, n = base, 1
        while login.casefold() in self.logins:
            n += 1
            login = f"{base}{n}"
        self.logins.add(login.casefold())
        return login

    # --- customers --------------------------------------------------------------------------

    def _load_customers(self) -> None:
        self._customers, self._customer_refs = {}, {}
        for cid, company, ref, source_id in self._s.execute(
            select(m.Customer.id, m.Customer.company, m.Customer.external_ref, m.Customer.source_id)
        ):
            self._customers.setdefault(fold(company), []).append(cid)
            if ref:
                self._customer_refs[ref] = cid
            self._customer_sources[cid] = source_id

    def customers_by_name(self) -> dict[str, list[int]]:
        if self._customers is None:
            self._load_customers()
        assert self._customers is not None
        return self._customers

    def customers_by_ref(self) -> dict[str, int]:
        if self._customer_refs is None:
            self._load_customers()
        assert self._customer_refs is not None
        return self._customer_refs

    def customer_source(self, ref: Ref | None) -> Ref | None:
        """A customer's lead source (a new deal takes it when the file gives none)."""
        if ref is None:
            return None
        if isinstance(ref, New):
            return ref.attrs.get("source")
        return self._customer_sources.get(ref)

    def customer(self, name: str | None, ref: str | None, line: int) -> Ref | None:
        """The customer named by its external id or its company name; a new one when
        allowed."""
        if ref is not None:
            found = self.customers_by_ref().get(ref)
            if found is not None:
                return found
            pending = self.new_customers.get("ref:" + ref)
            if pending is not None:
                return pending
            if name is None or not self.mapping.may_create("customers"):
                raise CellError("unknown_customer", value=ref)
        if name is None:
            return None
        key = fold(name)
        if ref is None:
            ids = self.customers_by_name().get(key, [])
            if len(ids) > 1:
                raise CellError("ambiguous_customer", value=name, count=len(ids))
            if ids:
                return ids[0]
            pending = self.new_customers_by_name.get(key, [])
            if len(pending) > 1:
                raise CellError("ambiguous_customer", value=name, count=len(pending))
            if pending:
                return pending[0]
        if not self.mapping.may_create("customers"):
            raise CellError("unknown_customer", value=name)
        new = New(
            "customer",
            name.strip(),
            line,
            {"external_ref": ref, "owner": None, "source": None, "created_at": None},
        )
        self.new_customers["ref:" + ref if ref is not None else key] = new
        self.new_customers_by_name.setdefault(key, []).append(new)
        return new

    # --- lists ------------------------------------------------------------------------------

    def _named(self, model: type[m.LeadSource] | type[m.LostReason]) -> dict[str, int]:
        found: dict[str, int] = {}
        rows = self._s.execute(select(model.id, model.name, model.names).order_by(model.id))
        for ident_, name, names in rows:
            for label in (name, *((names or {}).values())):
                if isinstance(label, str) and label.strip():
                    found.setdefault(fold(label), ident_)
        return found

    def source(self, text: str, line: int) -> Ref:
        return self._list_item(
            text, line, self.sources, self.new_sources, "sources", "source", "unknown_source"
        )

    def lost_reason(self, text: str, line: int) -> Ref:
        return self._list_item(
            text,
            line,
            self.reasons,
            self.new_reasons,
            "lost_reasons",
            "lost_reason",
            "unknown_lost_reason",
        )

    def _list_item(
        self,
        text: str,
        line: int,
        known: dict[str, int],
        pending: dict[str, New],
        policy: str,
        kind: str,
        code: str,
    ) -> Ref:
        key = fold(text)
        found = known.get(key)
        if found is not None:
            return found
        new = pending.get(key)
        if new is not None:
            return new
        if not self.mapping.may_create(policy):
            raise CellError(code, value=text)
        new = New(kind, text.strip()[: m.LEN_SHORT], line)
        pending[key] = new
        return new

    # --- pipelines and stages ---------------------------------------------------------------

    def _load_pipelines(self) -> None:
        self._pipelines = {}
        pipes = self._s.execute(
            select(m.Pipeline)
            .where(m.Pipeline.active.is_(True))
            .order_by(m.Pipeline.is_default.desc(), m.Pipeline.position, m.Pipeline.id)
        ).scalars()
        for p in pipes:
            ref = PipelineRef(p.id, p.key, p.name)
            self._pipeline_by_id[p.id] = ref
            if self.default_pipeline is None:
                self.default_pipeline = ref
            for label in (p.key, p.name, *(p.names or {}).values()):
                if isinstance(label, str) and label.strip():
                    self._pipelines.setdefault(fold(label), ref)
        stages = self._s.execute(
            select(m.Stage).where(m.Stage.active.is_(True)).order_by(m.Stage.position, m.Stage.id)
        ).scalars()
        for st in stages:
            pipe = self._pipeline_by_id.get(st.pipeline_id)
            if pipe is None:
                continue
            ref_ = StageRef(st.id, st.pipeline_id, st.key, StageKind(st.kind), st.position)
            pipe.labels.append(st.key)
            for label in (st.key, st.name, *(st.names or {}).values()):
                if isinstance(label, str) and label.strip():
                    pipe.stages.setdefault(fold(label), ref_)
            if ref_.kind is StageKind.OPEN:
                pipe.open_stages.append(ref_)
            elif ref_.kind is StageKind.WON and pipe.won is None:
                pipe.won = ref_
            elif ref_.kind is StageKind.LOST and pipe.lost is None:
                pipe.lost = ref_

    def pipelines(self) -> dict[str, PipelineRef]:
        if self._pipelines is None:
            self._load_pipelines()
        assert self._pipelines is not None
        return self._pipelines

    def pipeline(self, text: str | None) -> PipelineRef:
        pipes = self.pipelines()
        if text is None:
            if self.default_pipeline is None:
                raise CellError("unknown_pipeline", value="(default)", allowed="none")
            return self.default_pipeline
        found = pipes.get(fold(text))
        if found is None:
            keys = sorted({p.key for p in pipes.values()})
            raise CellError("unknown_pipeline", value=text, allowed=", ".join(keys))
        return found

    def pipeline_by_id(self, pipeline_id: int) -> PipelineRef | None:
        self.pipelines()
        return self._pipeline_by_id.get(pipeline_id)

    def stage(self, pipe: PipelineRef, text: str) -> StageRef:
        key = fold(text)
        found = pipe.stages.get(key)
        if found is None:
            kind = OUTCOME_WORDS.get(key)
            found = pipe.won if kind is StageKind.WON else pipe.lost if kind else None
        if found is None:
            raise CellError(
                "unknown_stage", value=text, pipeline=pipe.key, allowed=", ".join(pipe.labels)
            )
        return found


def new_records(refs: Iterable[Ref | None]) -> list[New]:
    """The new records among ``refs``, each once, in first-use order."""
    seen: dict[int, New] = {}
    for r in refs:
        if isinstance(r, New) and id(r) not in seen:
            seen[id(r)] = r
    return list(seen.values())


def earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
