"""The printed management pack: its pages, as read back from the PDF with pypdf.

The pack is built from a small demo database (the UI tests' template, 300 deals) for
the second quarter of 2025, so its figures and page count do not depend on today.
"""

from __future__ import annotations

import itertools
import re
import shutil
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QFontDatabase
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from pytestqt.qtbot import QtBot

from crmdesk.cli import main
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.domain.reports import MetricsFilter
from crmdesk.services.setup import ensure_initialized
from crmdesk.ui.app import set_locale
from crmdesk.ui.reports import printing, tables
from crmdesk.ui.reports.data import ReportData, load_report_data

from .conftest import DEMO_NOW

TZ = "Asia/Shanghai"
FROM, TO = date(2025, 4, 1), date(2025, 7, 1)
PERIOD = "1 Apr 2025 – 30 Jun 2025"
MADE = datetime(2025, 6, 15, 20, 0, tzinfo=UTC)
TITLES = {
    "kpis": "Key figures",
    "funnel": "Funnel",
    "stages": "Stage efficiency",
    "forecast": "Forecast",
    "targets": "Targets",
    "performance": "Performance",
    "new_customers": "New customers",
    "activity": "Activity",
}


def _texts(path: Path) -> list[str]:
    """Each page's text, with ligatures undone and white space made single spaces."""
    reader = PdfReader(str(path))
    return [
        " ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split())
        for page in reader.pages
    ]


@pytest.fixture(scope="module")
def db(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("pack") / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    database = open_database(path).db
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def data(db: Database, qapp: object) -> ReportData:
    set_locale("en")
    return load_report_data(db, MetricsFilter(period_from=FROM, period_to=TO, tz=TZ, now=DEMO_NOW))


def _pack(data: ReportData, **kwargs: object) -> printing.PackDocument:
    return printing.build_pack(
        data,
        lang="en",
        currency="USD",
        filter_text=printing.describe_filter(None, "Sales", None),
        made_at=MADE,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def pack_pdf(data: ReportData, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The whole pack as a PDF, and the page count export_pdf reported."""
    path = tmp_path_factory.mktemp("pack-pdf") / "pack.pdf"
    count = printing.export_pdf(path, _pack(data))
    return path, count


def test_the_pack_has_a_cover_the_kpis_and_a_page_per_report(
    pack_pdf: tuple[Path, int], data: ReportData
) -> None:
    path, count = pack_pdf
    texts = _texts(path)
    assert len(texts) == count
    # The cover, the key figures, then at least a page per report (more for long tables).
    assert count >= 2 + len(printing.REPORT_SECTIONS)
    cover = texts[0]
    assert cover.startswith("Sales report Management pack")
    assert f"Period {PERIOD}" in cover
    assert "Compared with 1 Jan 2025 – 31 Mar 2025" in cover
    assert "Whole team · Pipeline: Sales · All sources" in cover
    assert "Made 15 Jun 2025 20:00 UTC by crmdesk" in cover
    for n, text in enumerate(texts, start=1):
        # The header (title and period) and the footer (made by, page N of M) on each page.
        assert f"Sales report {PERIOD}" in text, n
        assert text.endswith(f"Made 15 Jun 2025 20:00 UTC by crmdesk Page {n} of {count}"), n


def test_each_report_starts_a_page_listed_in_the_contents(
    pack_pdf: tuple[Path, int], data: ReportData
) -> None:
    path, _ = pack_pdf
    texts = _texts(path)
    starts = []
    for title in TITLES.values():
        pages = [n for n, text in enumerate(texts, start=1) if text.startswith(title + " ")]
        assert len(pages) == 1, (title, pages)
        starts.append(pages[0])
        assert f"{title} {pages[0]}" in texts[0]  # the contents give its page
    assert starts == sorted(starts) and starts[0] == 2
    # A report that fits on one page ends where the next begins.
    assert all(b > a for a, b in itertools.pairwise(starts))
    # The key figures with the previous period's values.
    kpis = texts[1]
    assert "Figure This period Previous period Change" in kpis
    won = data.reports.kpis.won_amount
    assert data.previous is not None
    assert f"Won amount ${won:,.0f} ${data.previous.won_amount:,.0f}" in kpis


def test_every_row_of_a_long_table_is_printed_with_its_header_on_each_page(
    data: ReportData, tmp_path: Path
) -> None:
    # The activity table has a row per person and week: more than a page.
    doc = _pack(data, sections=["activity"])
    path = tmp_path / "activity.pdf"
    count = printing.export_pdf(path, doc)
    texts = _texts(path)
    assert count == len(texts) >= 2
    cols, lines = tables.activity_table(data.reports.activity, printing.kind_names())
    header = " ".join(c.title for c in cols)
    caption = "Done activities per salesperson and week"
    pages = [n for n, text in enumerate(texts) if caption in text]
    assert len(pages) >= 2  # the table runs on to another page...
    for n in pages[1:]:  # ...and its caption and header row come again at the top
        assert texts[n].startswith(f"{caption} {header} ")
    assert f"{caption} {header} " in texts[pages[0]]
    # Every row once, whole: its cells side by side on one page.
    found = 0
    for line in lines:
        cells = " ".join(c.text(line) for c in cols)
        hits = sum(
            len(re.findall(rf"(?<![\w/]){re.escape(cells)}(?![\w/])", text)) for text in texts
        )
        assert hits >= 1, cells
        found += 1
    assert found == len(lines) > 30


def test_the_current_report_alone(data: ReportData, tmp_path: Path) -> None:
    doc = _pack(data, sections=["forecast"])
    assert doc.sections == ["forecast"]
    path = tmp_path / "forecast.pdf"
    count = printing.export_pdf(path, doc)
    texts = _texts(path)
    assert count == len(texts) == 1
    text = texts[0]
    assert text.startswith(f"Forecast {PERIOD} · Whole team · Pipeline: Sales · All sources")
    assert text.endswith(
        f"Sales report · Forecast {PERIOD} Made 15 Jun 2025 20:00 UTC by crmdesk Page 1 of 1"
    )
    assert "Open deals by expected close" in text and "Total" in text
    for other in ("Management pack", "Contents", "Key figures", "Stage efficiency"):
        assert other not in text
    with pytest.raises(ValueError, match="unknown sections"):
        _pack(data, sections=["forecasts"])


def test_print_and_preview_draw_the_same_pages(
    data: ReportData, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The print dialog and the preview go through paint_pack, like the PDF export."""
    doc = _pack(data, sections=["kpis", "forecast"])
    exported = printing.export_pdf(tmp_path / "export.pdf", doc)

    def pdf_printer(name: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / name))
        printer.setPageLayout(printing.page_layout())
        return printer

    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    assert printing.print_dialog(None, doc, pdf_printer("printed.pdf"))

    previewed = pdf_printer("previewed.pdf")
    monkeypatch.setattr(
        QPrintPreviewDialog, "exec", lambda self: self.paintRequested.emit(previewed) or 0
    )
    printing.preview_dialog(None, doc, previewed)
    printed, shown = _texts(tmp_path / "printed.pdf"), _texts(tmp_path / "previewed.pdf")
    assert len(printed) == len(shown) == exported == 2
    assert printed == shown == _texts(tmp_path / "export.pdf")

    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Rejected)
    assert not printing.print_dialog(None, doc, pdf_printer("cancelled.pdf"))
    assert not (tmp_path / "cancelled.pdf").exists()


def test_cli_writes_the_same_pack(
    db: Database,
    pack_pdf: tuple[Path, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "cli.pdf"
    args = ["report", "pack", "--db", str(db.path), "--from", "2025-04-01", "--to", "2025-07-01"]
    args += ["--tz", TZ, "--now", DEMO_NOW.isoformat(), "--pdf", str(out)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    texts = _texts(out)
    _, count = pack_pdf
    assert captured.out.strip().startswith(f"Wrote {out}: {count} pages")
    assert len(texts) == count
    assert texts[0].startswith("Sales report Management pack")
    assert f"Period {PERIOD}" in texts[0]
    assert "Made 15 Jun 2025 18:00 CST by crmdesk" in texts[0]  # --now in --tz
    assert texts[-1].endswith(f"Page {count} of {count}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--from", "2025-02-30"], "--from: not a date in the form YYYY-MM-DD: '2025-02-30'"),
        (["--from", "2025-05-01", "--to", "2025-04-01"], "--to 2025-04-01 is not after"),
        (["--locale", "fr"], "--locale: choose en or zh_CN, not 'fr'"),
        (["--section", "pipeline"], "unknown section 'pipeline'"),
        (["--owner", "nobody"], "unknown owner 'nobody'"),
        (["--format", "json"], "--format does not apply to 'report pack'"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "bad.pdf"
    assert main(["report", "pack", "--db", str(db.path), "--pdf", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not out.exists()


def test_cli_pack_needs_a_pdf_file(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "pack", "--db", str(db.path)]) == 2
    assert capsys.readouterr().err == "crmdesk: error: report pack needs --pdf FILE\n"
    missing = tmp_path / "no-such-folder" / "pack.pdf"
    assert main(["report", "pack", "--db", str(db.path), "--pdf", str(missing)]) == 2
    assert "--pdf: no such folder" in capsys.readouterr().err
    # The other reports take no --pdf.
    assert main(["report", "kpis", "--db", str(db.path), "--pdf", str(missing)]) == 2
    assert "--pdf is for 'report pack' only" in capsys.readouterr().err


CJK = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC")


def test_chinese_renders_in_the_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    if not set(CJK) & set(QFontDatabase.families()):
        pytest.skip("no Chinese font here (Debian: fonts-wqy-microhei or fonts-noto-cjk)")
    path = tmp_path / "zh.sqlite3"
    database = open_database(path).db
    ensure_initialized(database, locale="zh_CN")
    build_demo(database, deals=120, seed=2, locale="zh_CN", now=DEMO_NOW)
    database.dispose()
    out = tmp_path / "zh.pdf"
    args = ["report", "pack", "--db", str(path), "--locale", "zh_CN", "--pdf", str(out)]
    args += [
        "--from",
        "2025-04-01",
        "--to",
        "2025-07-01",
        "--tz",
        TZ,
        "--now",
        DEMO_NOW.isoformat(),
    ]
    args += ["--section", "funnel"]
    try:
        assert main(args) == 0, capsys.readouterr().err
    finally:
        set_locale("en")
    # Runs of Latin and Chinese letters come from different fonts: compare without spaces.
    text = "".join(" ".join(_texts(out)).split())
    assert "2025年4月1日–2025年6月30日" in text  # the period, in Chinese
    assert "销售" in text  # the pipeline's Chinese name
    assert re.search(r"[\u4e00-\u9fff]{2,}", text.replace("销售", ""))  # stage, people
