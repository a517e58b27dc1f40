"""A view that follows the change bus but reloads only while someone looks at it."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from crmdesk.domain import Change, Changes
from crmdesk.ui.bridge import ChangeBus


class LazyView(QWidget):
    """Reloads when a change of ``RELOAD_ON`` arrives while it is visible; a hidden view
    only marks itself stale and reloads when it is shown. Subclasses define ``reload``."""

    RELOAD_ON: Change = Change.NONE

    def __init__(self, bus: ChangeBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stale = True
        bus.changed.connect(self._on_bus_changed)

    def reload(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
            self._stale = False
        super().showEvent(event)

    def _on_bus_changed(self, changes: Changes) -> None:
        if not changes.touches(self.RELOAD_ON):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
