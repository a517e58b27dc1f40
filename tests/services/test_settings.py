"""crmdesk.services.settings: business settings kept in the database."""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import Change, PermissionDenied, ValidationError
from crmdesk.services import customers, deals, settings

from ._helpers import scalar, snapshot


def test_admin_sets_the_default_currency_for_new_deals(
    db: Database, admin_id: int, rep: int
) -> None:
    old = deals.create_deal(db, by=rep, title="Before").value
    out = settings.set_setting(db, "currency", " eur ", by=admin_id)

    assert out.value == "EUR"
    assert out.changes.touches(Change.SETTINGS)
    assert scalar(db, "SELECT value FROM settings WHERE key = 'currency'") == "EUR"
    assert settings.get_setting(db, "currency") == "EUR"
    new = deals.create_deal(db, by=rep, title="After").value
    assert scalar(db, "SELECT currency FROM deals WHERE id = :id", id=new.id) == "EUR"
    # Existing deals keep the currency they were made in.
    assert scalar(db, "SELECT currency FROM deals WHERE id = :id", id=old.id) == "USD"


def test_admin_sets_the_locale(db: Database, admin_id: int) -> None:
    settings.set_setting(db, "locale", "zh_CN", by=admin_id)
    assert scalar(db, "SELECT value FROM settings WHERE key = 'locale'") == "zh_CN"


def test_get_setting_falls_back_to_the_default(db: Database) -> None:
    assert settings.get_setting(db, "no_such_key", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("key", "value", "field", "code"),
    [
        pytest.param("app", "other", "key", "unknown", id="marker-row-is-not-editable"),
        pytest.param("colour", "red", "key", "unknown", id="unknown-key"),
        pytest.param("currency", "Euro", "value", "invalid", id="currency-not-3-letters"),
        pytest.param("currency", "", "value", "invalid", id="currency-empty"),
        pytest.param("locale", "  ", "value", "required", id="locale-blank"),
        pytest.param("locale", "x" * 17, "value", "too_long", id="locale-too-long"),
    ],
)
def test_set_setting_refuses_bad_input(
    db: Database, admin_id: int, key: str, value: Any, field: str, code: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        settings.set_setting(db, key, value, by=admin_id)
    assert (exc.value.fields, exc.value.errors[0].code) == ([field], code)
    assert snapshot(db) == before


def test_clearing_the_currency_is_a_validation_error(db: Database, admin_id: int) -> None:
    before = snapshot(db)
    try:
        with pytest.raises(ValidationError) as exc:
            settings.set_setting(db, "currency", None, by=admin_id)  # type: ignore[arg-type]
        assert (exc.value.fields, exc.value.errors[0].code) == (["value"], "required")
    finally:
        assert snapshot(db) == before


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_only_an_admin_changes_settings(db: Database, make_user: Any, role: str) -> None:
    user = make_user(role)
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        settings.set_setting(db, "currency", "EUR", by=user)
    assert snapshot(db) == before


def test_customer_names_are_sorted_for_pickers(db: Database, admin_id: int) -> None:
    ids = {
        name: customers.create_customer(db, by=admin_id, company=name).value.id
        for name in ("Zeta", "Acme", "Mango")
    }
    assert customers.customer_names(db) == [
        (ids["Acme"], "Acme"),
        (ids["Mango"], "Mango"),
        (ids["Zeta"], "Zeta"),
    ]
