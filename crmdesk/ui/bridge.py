"""The app-wide signal that carries what each write changed to every view."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from crmdesk.domain import Changes


class ChangeBus(QObject):
    """One per window. Views connect to ``changed`` and redraw only what concerns them.

    Signals:
        changed(Changes): a write (ours, or another user's) touched these records.
    """

    changed = Signal(object)

    def publish(self, changes: Changes) -> None:
        if changes.kinds:
            self.changed.emit(changes)
