"""Render the printed management pack to PNG pages in docs/pack/, from demo data.

    python docs/make_pack_pngs.py

For English and Chinese: a fresh demo database (seed 1, 1,500 deals, the clock fixed
at 15 June 2025) in a temp folder, then ``crmdesk report pack --pdf`` for the second
quarter of 2025 (the real command, without a screen), then ``pdftoppm -r 60 -png``
turns each PDF page into docs/pack/pack_<lang>-<page>.png.

Needs pdftoppm (Debian: poppler-utils) and, for Chinese, a CJK font (Debian:
fonts-wqy-microhei or fonts-noto-cjk).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = Path(__file__).resolve().parent / "pack"
NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
PERIOD = ("2025-04-01", "2025-07-01")
ZONES = {"en": "America/New_York", "zh_CN": "Asia/Shanghai"}


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("make_pack_pngs: pdftoppm is missing (Debian: poppler-utils)", file=sys.stderr)
        return 1
    from crmdesk.db.migrate import open_database
    from crmdesk.demo import build_demo
    from crmdesk.services.setup import ensure_initialized

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("pack_*"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="crmdesk-pack-") as tmp:
        for lang, zone in ZONES.items():
            started = time.perf_counter()
            path = Path(tmp) / f"demo-{lang}.sqlite3"
            db = open_database(path).db
            ensure_initialized(db, locale=lang)
            build_demo(db, deals=1500, seed=1, locale=lang, now=NOW)
            db.dispose()
            built = time.perf_counter()
            pdf = Path(tmp) / f"pack_{lang}.pdf"
            command = [sys.executable, "-m", "crmdesk", "report", "pack", "--db", str(path)]
            command += ["--from", PERIOD[0], "--to", PERIOD[1], "--tz", zone]
            command += ["--now", NOW.isoformat(), "--locale", lang, "--pdf", str(pdf)]
            subprocess.run(command, check=True)
            packed = time.perf_counter()
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / f"pack_{lang}")], check=True
            )
            done = time.perf_counter()
            pages = sorted(OUT.glob(f"pack_{lang}-*.png"))
            print(
                f"{lang}: demo {built - started:.1f} s, pack {packed - built:.1f} s, "
                f"PNGs {done - packed:.1f} s; {len(pages)} pages, {pdf.stat().st_size:,} bytes"
            )
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(OUT.parent.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
