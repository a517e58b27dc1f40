"""``crmdesk --self-test`` and ``crmdesk --version``: the checks a bundle runs on itself.

The self-test runs in-process here, from the source tree; ``make dist-check`` runs the
same routine inside the PyInstaller bundle.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from crmdesk import __version__, selftest
from crmdesk.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The self-test's temporary folder goes under this test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_self_test_passes_in_process(qapp: QApplication, private_temp: Path) -> None:
    out = io.StringIO()
    assert selftest.run(out) == 0
    text = out.getvalue()
    for name, _ in selftest.STEPS:
        assert re.search(rf"^  {re.escape(name)}\s+ok ", text, re.M), f"{name}: {text}"
    assert f"{selftest.DEMO_DEALS} deals" in text
    assert "1-page PDF" in text
    assert text.rstrip().splitlines()[-1].startswith("crmdesk self-test: passed in ")
    assert list(private_temp.iterdir()) == []  # its temporary folder is gone
    assert QApplication.topLevelWidgets() == [] or all(
        not w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_a_failing_step_stops_the_self_test_with_its_reason(
    qapp: QApplication, private_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(state: object) -> str:
        raise selftest.SelfTestError("the demo went wrong")

    steps = tuple((n, broken if n == "demo data" else f) for n, f in selftest.STEPS)
    monkeypatch.setattr(selftest, "STEPS", steps)
    out = io.StringIO()
    assert selftest.run(out) == 1
    text = out.getvalue()
    assert "  demo data  FAILED: SelfTestError: the demo went wrong" in text
    assert "  board" not in text  # nothing runs after the failure
    assert text.rstrip().endswith("crmdesk self-test: FAILED")
    assert list(private_temp.iterdir()) == []


def test_the_command_line_runs_the_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "run", lambda: 7)
    assert main(["--self-test"]) == 7


def test_the_self_test_takes_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-test", "migrate"]) == 2
    assert "--self-test takes no command" in capsys.readouterr().err


def test_version_matches_the_package_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert __version__ == project["version"]


def test_crmdesk_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"crmdesk {__version__}\n"


def test_the_real_entry_point_prints_the_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crmdesk", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"crmdesk {__version__}\n"
