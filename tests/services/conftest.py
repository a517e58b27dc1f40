"""Fixtures for the service tests, on top of tests/conftest.py (db, admin_id, pipeline, ...)."""

from __future__ import annotations

import pytest

from crmdesk.db.engine import Database
from crmdesk.services import customers, lists


@pytest.fixture
def rep(make_user) -> int:  # type: ignore[no-untyped-def]
    return make_user("rep", name="Rita Rep")


@pytest.fixture
def other_rep(make_user) -> int:  # type: ignore[no-untyped-def]
    return make_user("rep", name="Otto Otherrep")


@pytest.fixture
def manager(make_user) -> int:  # type: ignore[no-untyped-def]
    return make_user("manager", name="Mia Manager")


@pytest.fixture
def lost_reason_id(db: Database) -> int:
    return lists.list_items(db, "lost_reasons")[0].id


@pytest.fixture
def customer_id(db: Database, admin_id: int) -> int:
    return customers.create_customer(db, by=admin_id, company="Acme Ltd").value.id
