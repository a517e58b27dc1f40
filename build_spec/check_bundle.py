"""Check the one-folder app that build_spec/build.sh (or build.ps1) made: ``make dist-check``.

    python build_spec/check_bundle.py [dist/crmdesk]

1. what the app needs is there: the Qt platform, image format and print plugins, Qt's
   Chinese translation (qtbase_zh_CN.qm), crmdesk's own (crmdesk_zh_CN.qm, which the
   self-test loads), the resources and the Alembic migrations as files;
2. nothing it does not use: no QML/Quick, PDF, SQL or network Qt libraries, no other Qt
   bindings, no test tools, no other Qt translations, and the whole under a size budget;
3. on Linux, every Qt plugin's libraries resolve inside the bundle (``ldd``); system
   libraries missing on this machine are listed, as docs/install.md asks users to have them;
4. ``crmdesk --version`` prints this source tree's version, and ``crmdesk --self-test``
   passes, run from an empty folder with a clean environment.

Standard library only. Exit 0 when all is well, 1 with the reasons otherwise.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"
#: The whole bundle is about 210 MB (ICU 37, numpy with OpenBLAS 37, Qt 35, PySide6 25,
#: libpq 9); past this something bulky came in (QML alone would add 50 MB).
BUDGET_MB = 230
SELF_TEST_TIMEOUT = 180


def _version() -> str:
    text = (ROOT / "crmdesk" / "__init__.py").read_text("utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    assert match is not None
    return match.group(1)


def _qt(internal: Path) -> Path:
    return internal / "PySide6" / ("Qt" if not WINDOWS else "")


def _plugin(internal: Path, kind: str, name: str) -> Path:
    file = f"{name}.dll" if WINDOWS else f"lib{name}.so"
    return _qt(internal) / "plugins" / kind / file


def required(internal: Path) -> list[Path]:
    plugins = [
        ("platforms", "qwindows" if WINDOWS else "qxcb"),
        ("platforms", "qoffscreen"),
        ("imageformats", "qsvg"),
        ("imageformats", "qico"),
        ("imageformats", "qjpeg"),
        ("iconengines", "qsvgicon"),
    ]
    if not WINDOWS:
        plugins += [("printsupport", "cupsprintersupport"), ("platforms", "qwayland")]
    paths = [_plugin(internal, kind, name) for kind, name in plugins]
    paths.append(_qt(internal) / "translations" / "qtbase_zh_CN.qm")
    res = internal / "crmdesk_resources"
    paths += [
        res / "__init__.py",
        res / "app" / "crmdesk.svg",
        res / "app" / "crmdesk-256.png",
        res / "theme" / "crmdesk.qss",
        res / "icons" / "LICENSE",
        res / "icons" / "plus.svg",
        res / "translations" / "crmdesk_zh_CN.qm",
    ]
    migrations = internal / "crmdesk" / "db" / "migrations"
    paths += [migrations / "env.py", migrations / "script.py.mako"]
    paths += [migrations / "versions" / p.name for p in _source_migrations()]
    return paths


def _source_migrations() -> list[Path]:
    return sorted((ROOT / "crmdesk" / "db" / "migrations" / "versions").glob("*.py"))


#: Paths (relative to _internal, ``/``-separated) that must not be in the bundle.
FORBIDDEN = re.compile(
    r"(^|/)(lib)?Qt6(Qml|Quick|Pdf|Sql|Network|Test|Designer|VirtualKeyboard|Lottie|Labs)"
    r"|/qml/|/plugins/(sqldrivers|qmltooling|qmllint|designer|tls|networkinformation|"
    r"egldeviceintegrations|generic)/"
    r"|/plugins/platformthemes/(lib)?qgtk3"
    r"|/plugins/imageformats/(lib)?q(pdf|tiff|webp|tga|wbmp|icns)"
    r"|/translations/(?!(qt(base)?|crmdesk)_zh_CN\.qm$)[^/]+\.qm$|(^|/)opengl32sw\.dll$"
    r"|^(tkinter|_tkinter|PyQt5|PyQt6|PySide2|matplotlib|scipy|pytest|_pytest|hypothesis|"
    r"pytestqt|IPython|setuptools|pip)(/|\.|$)"
)


def check_files(bundle: Path) -> tuple[list[str], list[str]]:
    internal = bundle / "_internal"
    problems = [f"missing: {p.relative_to(bundle)}" for p in required(internal) if not p.is_file()]
    files = [p for p in internal.rglob("*") if p.is_file() and not p.is_symlink()]
    found = sorted(p.relative_to(internal).as_posix() for p in files)
    problems += [f"should not be bundled: {name}" for name in found if FORBIDDEN.search(name)]
    total = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    notes = [f"size: {total / 2**20:.0f} MB in {len(found)} files (budget {BUDGET_MB} MB)"]
    if total > BUDGET_MB * 2**20:
        problems.append(f"the bundle is {total / 2**20:.0f} MB, over its {BUDGET_MB} MB budget")
    biggest = sorted(files, key=lambda p: p.stat().st_size)
    notes.append(
        "largest: "
        + ", ".join(
            f"{p.relative_to(internal).as_posix()} {p.stat().st_size / 2**20:.1f} MB"
            for p in reversed(biggest[-6:])
        )
    )
    return problems, notes


def check_libraries(bundle: Path) -> tuple[list[str], list[str]]:
    """Each Qt plugin's libraries: a missing Qt library is the bundle's fault; a missing
    system library is the machine's (listed for docs/install.md)."""
    if WINDOWS or not _which("ldd"):
        return [], ["libraries: not checked (no ldd)"]
    internal = bundle / "_internal"
    problems, system_missing = [], set()
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    for plugin in sorted((_qt(internal) / "plugins").rglob("*.so")):
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env)
        for line in out.stdout.splitlines():
            if "not found" not in line:
                continue
            lib = line.split("=>")[0].strip()
            if lib.startswith("libQt6") or lib.startswith("libicu"):
                problems.append(f"{plugin.relative_to(internal)} needs {lib}, not in the bundle")
            else:
                system_missing.add(lib)
    notes = []
    if system_missing:
        notes.append(
            "system libraries this machine lacks (needed on a desktop, not for --self-test): "
            + ", ".join(sorted(system_missing))
        )
    return problems, notes


def _which(name: str) -> bool:
    return any(
        (Path(folder) / name).is_file() for folder in os.environ.get("PATH", "").split(os.pathsep)
    )


def check_runs(bundle: Path) -> tuple[list[str], list[str]]:
    exe = bundle / ("crmdesk-cli.exe" if WINDOWS else "crmdesk")
    problems, notes = [], []
    keep = ("PATH", "HOME", "USERPROFILE", "SYSTEMROOT", "TEMP", "TMP", "TMPDIR", "LANG")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("LC_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="crmdesk-dist-check-") as empty:
        env["XDG_CONFIG_HOME"] = empty  # the window's settings stay out of the home folder
        version = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, cwd=empty, env=env
        )
        want = f"crmdesk {_version()}"
        if version.returncode != 0 or version.stdout.strip() != want:
            problems.append(
                f"--version: exit {version.returncode}, printed {version.stdout.strip()!r} "
                f"{version.stderr.strip()[-300:]!r}, expected {want!r}"
            )
        else:
            notes.append(f"--version: {version.stdout.strip()}")
        started = time.perf_counter()
        try:
            test = subprocess.run(
                [str(exe), "--self-test"],
                capture_output=True,
                text=True,
                cwd=empty,
                env=env,
                timeout=SELF_TEST_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            problems.append(f"--self-test did not finish in {SELF_TEST_TIMEOUT} s")
            return problems, notes
        elapsed = time.perf_counter() - started
        print(test.stdout.rstrip())
        if test.returncode != 0:
            problems.append(
                f"--self-test exited {test.returncode} after {elapsed:.1f} s: "
                f"{test.stderr.strip()[-2000:]}"
            )
        else:
            notes.append(f"--self-test: passed, {elapsed:.1f} s with start-up")
    return problems, notes


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else ROOT / "dist" / "crmdesk").resolve()
    if not (bundle / "_internal").is_dir():
        print(f"check_bundle: no bundle at {bundle}; run make dist first", file=sys.stderr)
        return 1
    problems: list[str] = []
    for check in (check_files, check_libraries, check_runs):
        found, notes = check(bundle)
        problems += found
        for note in notes:
            print(f"check_bundle: {note}")
    for problem in problems:
        print(f"check_bundle: FAIL: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_bundle: {bundle} is complete and passes its self-test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
