"""The light theme: a calm, flat look that reads the same on Windows and Linux."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#1c7ed6"

STYLESHEET = f"""
QMainWindow, QWidget#page {{ background: #f4f6fa; }}
QListWidget#navigation {{
    background: #1f2937; color: #d1d5db; border: none; padding-top: 8px;
    font-size: 10.5pt;
}}
QListWidget#navigation::item {{ padding: 8px 14px; border-left: 3px solid transparent; }}
QListWidget#navigation::item:selected {{
    background: #111827; color: #ffffff; border-left: 3px solid {ACCENT};
}}
QListWidget#navigation::item:hover:!selected {{ background: #273244; }}
QFrame#stageColumn {{ background: #e9edf3; border-radius: 8px; }}
QFrame#stageHeader {{ background: transparent; border-bottom: 1px solid #d8dde6; }}
QLabel#stageName {{ font-weight: 600; font-size: 10.5pt; color: #1f2937; }}
QLabel#stageCount {{
    background: #ffffff; border-radius: 9px; padding: 1px 8px; color: #374151;
    font-weight: 600;
}}
QLabel#stageAmount {{ color: #6b7280; }}
QFrame#stageColumn QListView {{ background: transparent; }}
QFrame#stageColumn QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QFrame#stageColumn QScrollBar::handle:vertical {{
    background: #b8c0cc; border-radius: 4px; min-height: 30px;
}}
QFrame#stageColumn QScrollBar::add-line:vertical,
QFrame#stageColumn QScrollBar::sub-line:vertical {{
    height: 0px;
}}
QFrame#stageColumn QScrollBar::add-page:vertical,
QFrame#stageColumn QScrollBar::sub-page:vertical {{
    background: transparent;
}}
QFrame#wonZone, QFrame#lostZone {{
    border: 2px dashed #c5ccd8; border-radius: 10px; background: #ffffff;
}}
QFrame#wonZone[hot="true"] {{ border-color: #2b8a3e; background: #ebfbee; }}
QFrame#lostZone[hot="true"] {{ border-color: #e03131; background: #fff5f5; }}
QLabel#zoneTitle {{ font-weight: 600; font-size: 11pt; color: #374151; }}
QLabel#zoneHint {{ color: #9ca3af; }}
QFrame#kpiCard {{ background: #ffffff; border: 1px solid #e5e7eb; border-radius: 8px; }}
QLabel#kpiCaption {{ color: #6b7280; font-size: 8.5pt; }}
QLabel#kpiValue {{ color: #111827; font-size: 13pt; font-weight: 600; }}
QLabel#kpiDelta {{ font-size: 8.5pt; }}
QLabel#viewTitle {{ font-size: 15pt; font-weight: 600; color: #1f2937; }}
QLabel.error, QLabel#fieldError {{ color: #e03131; }}
QStatusBar {{ background: #eef1f6; color: #4b5563; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QToolBar {{ background: #ffffff; border-bottom: 1px solid #e5e7eb; spacing: 4px; padding: 3px; }}
QTableView {{ background: #ffffff; gridline-color: #eef0f4; selection-background-color: #dbeafe;
    selection-color: #111827; alternate-background-color: #f9fafb; }}
QHeaderView::section {{ background: #f3f4f6; border: none; border-bottom: 1px solid #e5e7eb;
    padding: 5px 6px; font-weight: 600; color: #374151; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f4f6fa"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f9fafb"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.Text, QColor("#111827"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#111827"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
