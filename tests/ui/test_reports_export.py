"""Saving a report's chart (PNG, SVG) and table (CSV) from the reports tab."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain import UserInfo
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.services import deals, pipelines, users
from crmdesk.services.setup import default_admin_id
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.reports.tab import ReportsTab, save_chart, table_csv

from .conftest import DEMO_NOW

TODAY = DEMO_NOW.date()


def _tab(db: Database, user: UserInfo, qtbot: QtBot) -> ReportsTab:
    tab = ReportsTab(db=db, user=user, bus=ChangeBus(), lang="en", today=TODAY)
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.set_period("this_year")
    tab.load_now()
    return tab


def test_chart_saves_as_png_and_svg(
    demo_db: Database, admin: UserInfo, qtbot: QtBot, tmp_path: Path
) -> None:
    tab = _tab(demo_db, admin, qtbot)
    chart = tab.pages["performance"].chart
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    save_chart(chart, str(png))
    save_chart(chart, str(svg))
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1200
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    # The salespeople's names are on the drawing.
    names = [r.owner_name for r in tab.data.reports.performance.rows]
    assert any(name in text for name in names)


def test_table_csv_has_plain_numbers_and_escapes_formulas(
    demo_db: Database, admin: UserInfo, qtbot: QtBot
) -> None:
    admin_id = default_admin_id(demo_db)
    rep = users.create_user(
        demo_db, by=admin_id, name='=HYPERLINK("x")', login="evil", role="rep"
    ).value
    deal = deals.create_deal(
        demo_db,
        by=admin_id,
        title="Evil deal",
        owner_id=rep.id,
        amount=Decimal("1234.50"),
        created_at=DEMO_NOW - timedelta(days=10),
    ).value
    won = next(s for s in pipelines.get_pipeline(demo_db).stages if s.kind.value == "won")
    deals.move_deal(
        demo_db,
        deal.id,
        won.id,
        by=admin_id,
        expected_version=deal.version,
        closed_at=DEMO_NOW - timedelta(days=1),
    )
    tab = _tab(demo_db, admin, qtbot)
    text = table_csv(tab.pages["performance"].model)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Salesperson" and rows[0][2] == "Won amount"
    evil = next(r for r in rows if "HYPERLINK" in r[0])
    assert evil[0] == '\'=HYPERLINK("x")'
    assert evil[1] == "1" and evil[2] == "1234.50"
    # Every person's won amount is the service's, as a plain number.
    perf = MetricsService(demo_db).performance(tab.current_filter())
    by_name = {r[0].lstrip("'"): r for r in rows[1:]}
    for row in perf.rows:
        assert Decimal(by_name[row.owner_name][2]) == row.won_amount
    assert tab.current_filter().period_from == date(TODAY.year, 1, 1)
    assert isinstance(tab.current_filter(), MetricsFilter)


def test_export_pdf_from_the_tab_writes_the_whole_pack(
    demo_db: Database,
    admin: UserInfo,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    tab = _tab(demo_db, admin, qtbot)
    target = tmp_path / "pack.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)")
    )
    tab.export_pack_pdf()
    assert target.read_bytes().startswith(b"%PDF")
    pages = int(tab.status.text().split()[1])
    assert pages >= 9  # cover, key figures and at least one page per report
    one = tab.pack_document(current_only=True)
    whole = tab.pack_document()
    assert 0 < one.pageCount() < whole.pageCount()
