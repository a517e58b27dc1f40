"""Settings reach the open views at once, through the change bus: a new currency in every
view that shows money, a new target on the reports' Targets page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crmdesk.domain import Role
from crmdesk.services import settings, users
from crmdesk.ui import format as fmt
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.settings_dialog import SettingsDialog, TargetDialog
from tests.ui._helpers import answer_dialog, in_settings, press_ok


def show_reports(window: MainWindow, qtbot: QtBot, page: str) -> None:
    tab = window.reports
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        window.nav.setCurrentRow(window.VIEW_KEYS.index("reports"))
    tab.wait_loaded()
    tab.tabs.setCurrentIndex(list(tab.pages).index(page))


def table(model) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """A table as the user reads it: one dict per row, by column title."""
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [
        {t: model.index(r, c).data() for c, t in enumerate(titles)} for r in range(model.rowCount())
    ]


def test_a_new_currency_shows_in_the_reports_and_the_customers_at_once(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = window.reports
    show_reports(window, qtbot, "performance")
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        tab.set_period("all")
    won = tab.cards["won_amount"].value
    assert tab.data is not None and tab.data.reports.kpis.won_amount > 0
    assert won.text() == fmt.money(tab.data.reports.kpis.won_amount, "USD")
    assert "$" in won.text()
    people = tab.pages["performance"].model
    assert all("$" in row["Won amount"] for row in table(people))
    seen: dict[str, str] = {}

    def act(d: SettingsDialog) -> None:
        page = d.general
        page.currency_combo.setCurrentIndex(page.currency_combo.findData("EUR"))
        page.save_button.click()
        # The dialog is still open: the reports behind it redraw by themselves.
        qtbot.waitUntil(lambda: "€" in won.text(), timeout=30_000)
        seen["card"] = won.text()
        seen["weighted"] = tab.cards["weighted_pipeline"].value.text()

    in_settings(window, monkeypatch, act)
    assert settings.get_setting(window.db, "currency") == "EUR"
    assert seen["card"] == fmt.money(tab.data.reports.kpis.won_amount, "EUR")
    assert "€" in seen["weighted"]
    assert tab.currency == "EUR"
    rows = table(people)
    assert rows and all("€" in row["Won amount"] for row in rows)
    assert "$" not in " ".join(row["Won amount"] for row in rows)

    # The customers: their lifetime values, in the list and the detail.
    window.nav.setCurrentRow(window.VIEW_KEYS.index("customers"))
    view = window.customers_view
    summaries = {r.id: r for r in view.model.rows}
    best = max(summaries.values(), key=lambda r: r.won_amount)
    assert best.won_amount > Decimal(0)
    column = [
        view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())
    ].index("Lifetime value")
    row = next(i for i, r in enumerate(view.model.rows) if r.id == best.id)
    assert view.model.index(row, column).data() == fmt.money(best.won_amount, "EUR")
    view.select_customer(best.id)
    assert view.facts["ltv"].text() == fmt.money(best.won_amount, "EUR")

    # The board's column totals too.
    window.nav.setCurrentRow(0)
    assert "€" in window.board.view.columns[0].amount_label.text()


def test_a_target_set_in_settings_shows_on_the_reports_targets_page_at_once(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = window.reports
    show_reports(window, qtbot, "targets")
    model = tab.pages["targets"].model
    rep = next(u for u in users.list_users(window.db) if u.role is Role.REP)
    before = table(model)
    money = fmt.money(Decimal("77777"), "USD")
    assert not [r for r in before if r["Goal"] == money]
    seen: dict[str, object] = {}

    def fill(d: TargetDialog) -> None:
        d.who_combo.setCurrentIndex(d.who_combo.findData(rep.id))
        d.span_combo.setCurrentIndex(d.span_combo.findData("quarter"))
        d.metric_combo.setCurrentIndex(d.metric_combo.findData("won_amount"))
        d.value_edit.setText("77,777")
        press_ok(d)

    def act(d: SettingsDialog) -> None:
        d.show_page("targets")
        answer_dialog(monkeypatch, TargetDialog, fill)
        d.targets.add_button.click()

        def shown() -> bool:
            return any(r["Goal"] == money for r in table(model))

        qtbot.waitUntil(shown, timeout=30_000)
        seen["rows"] = [r for r in table(model) if r["Goal"] == money]

    in_settings(window, monkeypatch, act)
    rows = seen["rows"]
    assert isinstance(rows, list) and len(rows) == 1
    assert (rows[0]["Salesperson"], rows[0]["Target"]) == (rep.name, "Won amount")
