"""Render the screenshots in docs/screenshots/ from demo data, offscreen.

    python docs/make_screenshots.py            # or: make screenshots

For English and Chinese: the board, a deal dialog, the customers view and each page
of the reports tab, each at
1366×768, from a fresh demo database (seed 1, 1,500 deals) built in a temp folder.
Chinese text needs a CJK font on the machine (Debian: fonts-wqy-microhei or
fonts-noto-cjk).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1366, 768)


def main() -> int:
    tmp = tempfile.TemporaryDirectory(prefix="crmdesk-shots-")
    os.environ["XDG_CONFIG_HOME"] = tmp.name  # fresh window state, not the user's

    from PySide6.QtWidgets import QApplication

    from crmdesk.db.migrate import open_database
    from crmdesk.demo import build_demo
    from crmdesk.services import users
    from crmdesk.services.setup import default_admin_id, ensure_initialized
    from crmdesk.ui.app import _application, set_locale
    from crmdesk.ui.deal_dialog import DealDialog
    from crmdesk.ui.main_window import MainWindow

    app = _application(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ("en", "zh_CN"):
        set_locale(lang)
        result = open_database(Path(tmp.name) / f"demo-{lang}.sqlite3")
        ensure_initialized(result.db, locale=lang)
        build_demo(result.db, deals=1500, seed=1, locale=lang)
        db = result.db
        user = users.get_user(db, default_admin_id(db))
        window = MainWindow(db=db, user=user, lang=lang, confirm=False)
        window.resize(*SIZE)
        window.show()
        QApplication.processEvents()

        def save(widget, name: str, lang: str = lang) -> None:  # type: ignore[no-untyped-def]
            QApplication.processEvents()
            path = OUT / f"{name}_{lang}.png"
            widget.grab().save(str(path))
            written.append(path)

        window.nav.setCurrentRow(0)
        save(window, "board")

        column = window.board.view.columns[2]
        card = column.proxy.cards()[0]
        dialog = DealDialog(
            db=db, user=user, ops=window.ops, deal_id=card.id, lang=lang, parent=window
        )
        dialog.show()
        save(dialog, "deal_dialog")
        dialog.tabs.setCurrentIndex(1)
        save(dialog, "deal_history")
        dialog.close()

        window.nav.setCurrentRow(2)
        window.customers_view.table.selectRow(3)
        save(window, "customers")

        # The reports tab on "this year", each page; the load runs in a worker thread.
        window.nav.setCurrentRow(4)
        window.reports.set_period("this_year")
        window.reports.load_now()
        for index, key in enumerate(
            ("funnel", "stages", "forecast", "targets", "performance", "new_customers", "activity")
        ):
            window.reports.tabs.setCurrentIndex(index)
            save(window, f"reports_{key}")
        window.close()
        db.dispose()
    for path in written:
        print(path.relative_to(OUT.parent.parent))
    tmp.cleanup()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
