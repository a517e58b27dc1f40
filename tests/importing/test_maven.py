"""The shipped mappings import the public Maven "CRM Sales Opportunities" sample
(``../shared/data/real/maven_crm``) through the CLI, and the KPI and performance reports
agree with figures computed here straight from the CSV; and the Chinese GBK example
imports with its mapping."""

from __future__ import annotations

import csv
import json
import shlex
import shutil
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crmdesk.cli import main

from ._helpers import as_money, as_utc, rows

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "examples" / "mappings"
CHINESE = ROOT / "examples" / "chinese"
#: The CI checkout has ``shared`` next to the repository (see tests/importing/test_deals.py).
MAVEN = ROOT.parent / "shared" / "data" / "real" / "maven_crm"
MAVEN_FILES = ("sales_teams.csv", "accounts.csv", "sales_pipeline.csv")
MAVEN_MISSING = [name for name in MAVEN_FILES if not (MAVEN / name).is_file()]

# The published figures of the sample (the "known values").
KNOWN_CLOSE_RATE = 0.6315  # 4238 / 6711
KNOWN_WON = 4238
KNOWN_LOST = 2473
KNOWN_AVG_CYCLE_DAYS = 51.78
KNOWN_WON_AMOUNT = Decimal("10005534.00")
KNOWN_TOP = ("Darcel Schlecht", 349, Decimal("1153214.00"))


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def from_csv() -> dict[str, Any]:
    """The figures computed straight from sales_pipeline.csv, without crmdesk."""
    with (MAVEN / "sales_pipeline.csv").open(newline="", encoding="utf-8") as f:
        deals = list(csv.DictReader(f))
    won = [d for d in deals if d["deal_stage"] == "Won"]
    lost = [d for d in deals if d["deal_stage"] == "Lost"]
    cycles = [
        (date.fromisoformat(d["close_date"]) - date.fromisoformat(d["engage_date"])).days
        for d in won
    ]
    by_agent: dict[str, tuple[int, Decimal]] = {}
    for d in won:
        n, amount = by_agent.get(d["sales_agent"], (0, Decimal(0)))
        by_agent[d["sales_agent"]] = (n + 1, amount + Decimal(d["close_value"]))
    return {
        "deals": len(deals),
        "stages": Counter(d["deal_stage"] for d in deals),
        "won": len(won),
        "lost": len(lost),
        "close_rate": len(won) / (len(won) + len(lost)),
        "avg_cycle_days": sum(cycles) / len(cycles),
        "won_amount": sum((Decimal(d["close_value"]) for d in won), Decimal(0)),
        "by_agent": by_agent,
        "customers_with_a_win": len({d["account"] for d in won}),
    }


def doc_commands(example: int = 1) -> list[list[str]]:
    """The command lines of an example of docs/import.md (its first code block of
    ``crmdesk`` commands), backslash continuations joined, split as a shell would."""
    text = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    start = text.index(f"## Example {example}")
    following = text.find("\n## ", start + 1)
    section = text[start : following if following > 0 else len(text)]
    blocks: list[str] = []
    fenced: list[str] | None = None
    for line in section.splitlines():
        if line.startswith("```"):
            if fenced is None:
                fenced = []
            else:
                blocks.append("\n".join(fenced))
                fenced = None
        elif fenced is not None:
            fenced.append(line)
    for block in blocks:
        joined = block.replace("\\\n", " ")
        lines = [ln.strip() for ln in joined.splitlines() if ln.strip()]
        if lines and all(ln.startswith("crmdesk ") for ln in lines):
            return [shlex.split(ln)[1:] for ln in lines]
    raise AssertionError(f"docs/import.md: no block of crmdesk commands in Example {example}")


@pytest.mark.slow
@pytest.mark.skipif(
    bool(MAVEN_MISSING),
    reason=f"the public Maven sample is not at {MAVEN} (missing: {', '.join(MAVEN_MISSING)}); "
    "check out ../shared next to the repository",
)
def test_the_maven_sample_as_the_docs_say(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = doc_commands()
    # The page gives the whole sequence: a new database, the four imports (users,
    # managers, accounts, deals, in that order) and the two reports.
    assert [c[:2] for c in commands] == [
        ["migrate", "--db"],
        ["import", "users"],
        ["import", "users"],
        ["import", "customers"],
        ["import", "deals"],
        ["report", "kpis"],
        ["report", "performance"],
    ]
    assert [c[c.index("--mapping") + 1] for c in commands if c[0] == "import"] == [
        "maven_crm_users.toml",
        "maven_crm_managers.toml",
        "maven_crm_accounts.toml",
        "maven_crm_deals.toml",
    ]
    # "In the folder of the unzipped sample, with the mappings copied next to the CSV".
    for name in MAVEN_FILES:
        shutil.copy(MAVEN / name, tmp_path / name)
    for mapping in MAPPINGS.glob("maven_crm_*.toml"):
        shutil.copy(mapping, tmp_path / mapping.name)
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "maven.sqlite3").exists()

    outputs: list[str] = []
    for argv in commands:
        code, out, err = cli(capsys, *argv)
        assert (code, err) == (0, ""), (argv, out, err)
        outputs.append(out)
    assert (tmp_path / "maven.sqlite3").is_file()
    _, _, users, managers, accounts, pipeline, kpis_out, perf_out = ["", *outputs]
    assert users.startswith("Imported sales_teams.csv: 35 created, 0 updated, 0 left")
    # Each manager's 5 or 6 rows: the first creates them, the identical repeats are left.
    assert managers.startswith("Imported sales_teams.csv: 6 created, 0 updated, 29 left")
    assert accounts.startswith("Imported accounts.csv: 85 created, 0 updated")
    assert pipeline.startswith("Imported sales_pipeline.csv: 8,800 created, 0 updated")
    assert "Added" not in pipeline  # no owner or customer was made up on the way

    # The same runs again change nothing: every row is left as it is.
    for argv, rows_in_file in zip(commands[1:5], (35, 35, 85, 8800), strict=True):
        code, out, err = cli(capsys, *argv, "--dry-run")
        assert (code, err) == (0, ""), out
        assert f"0 to create, 0 to update, {rows_in_file:,} to leave as they are, 0 with" in out

    expected = from_csv()
    # The CSV itself gives the published figures.
    assert (expected["won"], expected["lost"]) == (KNOWN_WON, KNOWN_LOST)
    assert round(expected["close_rate"], 4) == KNOWN_CLOSE_RATE
    assert round(expected["avg_cycle_days"], 2) == KNOWN_AVG_CYCLE_DAYS
    assert expected["won_amount"] == KNOWN_WON_AMOUNT
    name, wins, amount = KNOWN_TOP
    assert expected["by_agent"][name] == (wins, amount)

    # What the page's two report commands printed.
    kpis = json.loads(kpis_out)
    assert kpis["period"]["from"] is None and kpis["period"]["to"] is None
    assert (kpis["won_count"], kpis["lost_count"]) == (expected["won"], expected["lost"])
    assert kpis["close_rate"] == pytest.approx(expected["close_rate"], abs=1e-9)
    assert round(kpis["close_rate"], 4) == KNOWN_CLOSE_RATE
    assert kpis["avg_sales_cycle_days"] == pytest.approx(expected["avg_cycle_days"], abs=1e-3)
    assert round(kpis["avg_sales_cycle_days"], 2) == KNOWN_AVG_CYCLE_DAYS
    assert as_money(kpis["won_amount"]) == expected["won_amount"] == KNOWN_WON_AMOUNT
    assert '"won_amount": 10005534.00,' in kpis_out  # printed with its cents
    assert kpis["new_customers"] == expected["customers_with_a_win"]

    # The whole history in any time zone (the dates were read as UTC days).
    db = "maven.sqlite3"
    for tz in ("UTC", "Asia/Shanghai", "America/New_York"):
        code, out, err = cli(capsys, "report", "kpis", "--format", "json", "--db", db, "--tz", tz)
        assert (code, err) == (0, "")
        again = json.loads(out)
        for name in ("won_count", "lost_count", "close_rate", "avg_sales_cycle_days"):
            assert again[name] == kpis[name], (tz, name)
        assert as_money(again["won_amount"]) == KNOWN_WON_AMOUNT

    perf = json.loads(perf_out)
    got = {
        r["owner"]: (r["won_count"], as_money(r["won_amount"]))
        for r in perf["rows"]
        if r["won_count"]
    }
    assert got == expected["by_agent"]
    top = perf["rows"][0]
    assert (top["owner"], top["won_count"], as_money(top["won_amount"])) == KNOWN_TOP
    assert '"won_amount": 1153214.00' in perf_out
    assert perf["total"]["won_count"] == expected["won"]
    assert as_money(perf["total"]["won_amount"]) == expected["won_amount"]

    # The stages, the owners and the days as the file gives them.
    from crmdesk.db.migrate import open_database

    database = open_database(db, create=False).db
    try:
        stages = dict(
            rows(
                database,
                "SELECT s.key, COUNT(*) FROM deals d JOIN stages s ON s.id = d.stage_id "
                "GROUP BY s.key",
            )
        )
        counted = expected["stages"]
        assert stages == {
            "won": counted["Won"],
            "lost": counted["Lost"],
            "qualification": counted["Engaging"],
            "prospecting": counted["Prospecting"],
        }
        roles = dict(rows(database, "SELECT role, COUNT(*) FROM users GROUP BY role"))
        assert roles == {"admin": 1, "rep": 35, "manager": 6}
        deal = rows(
            database,
            "SELECT d.title, d.created_at, d.closed_at, d.amount, u.login FROM deals d "
            "JOIN users u ON u.id = d.owner_id WHERE d.external_ref = 'Z063OYW0'",
        )[0]
        assert deal.title == "GTXPro – Isdom" and deal.login == "darcel.schlecht"
        assert as_utc(deal.created_at).isoformat() == "2016-10-25T00:00:00+00:00"
        assert as_utc(deal.closed_at).isoformat() == "2017-03-11T00:00:00+00:00"
        assert as_money(deal.amount) == Decimal("4514.00")
    finally:
        database.dispose()


def test_the_chinese_gbk_example_as_the_docs_say(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (CHINESE / "deals_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK bytes
    assert data.decode("gbk").startswith("商机编号,商机名称,客户名称,负责人,阶段")

    # The page's two commands (the dry run, then the import), run from the checkout as
    # the page does, into a new database of the test's own.
    commands = doc_commands(2)
    assert [c[:3] for c in commands] == [["import", "deals", "examples/chinese/deals_gbk.csv"]] * 2
    assert commands[0][-1] == "--dry-run" and "--dry-run" not in commands[1]
    monkeypatch.chdir(ROOT)
    db = str(tmp_path / "zh.sqlite3")
    assert cli(capsys, "migrate", "--db", db)[0] == 0
    code, out, err = cli(capsys, *commands[0], "--db", db)
    assert (code, err) == (0, ""), out
    assert out.startswith("Dry run of deals_gbk.csv: 5 to create")
    code, out, err = cli(capsys, *commands[1], "--db", db)
    assert (code, err) == (0, ""), out
    assert 'Added 3 new owners (users without a password): "王芳", "李强", "张伟".' in out

    from crmdesk.db.migrate import open_database

    database = open_database(db, create=False).db
    try:
        found = {
            r.external_ref: r
            for r in rows(
                database,
                "SELECT d.external_ref, d.title, s.key AS stage, d.amount, d.currency, "
                "d.created_at, d.closed_at, d.expected_close, u.name AS owner, "
                "c.company, ls.name AS source, lr.name AS lost_reason, d.notes "
                "FROM deals d JOIN stages s ON s.id = d.stage_id "
                "JOIN users u ON u.id = d.owner_id "
                "LEFT JOIN customers c ON c.id = d.customer_id "
                "LEFT JOIN lead_sources ls ON ls.id = d.source_id "
                "LEFT JOIN lost_reasons lr ON lr.id = d.lost_reason_id",
            )
        }
    finally:
        database.dispose()
    assert sorted(found) == [f"SJ-000{i}" for i in range(1, 6)]
    won, lost, quote, qualified, lead = (found[f"SJ-000{i}"] for i in range(1, 6))
    assert (won.title, won.stage, won.owner, won.company) == (
        "数据中心交换机升级",
        "won",
        "王芳",
        "华东精密制造有限公司",
    )
    assert as_money(won.amount) == Decimal("128000.00") and won.currency == "CNY"
    # Dates are Beijing days: local midnight is 16:00 UTC the day before.
    assert as_utc(won.created_at).isoformat() == "2024-03-04T16:00:00+00:00"
    assert as_utc(won.closed_at).isoformat() == "2024-04-17T16:00:00+00:00"
    assert won.source == "Trade show"  # 展会, crmdesk's own lead source
    assert (lost.stage, lost.lost_reason) == ("lost", "Price too high")  # 价格过高
    assert (quote.stage, str(quote.expected_close)[:10]) == ("quote", "2024-06-30")
    assert qualified.stage == "qualification" and lead.stage == "prospecting"
    assert lead.notes == "客户希望“尽快报价”"
