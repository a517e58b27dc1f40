"""Calling a service from a view: the one way a refused write is shown, and the one way
a destructive action is confirmed first.

A view here is anything with ``show_message(text, *, error)`` and ``reload()``: the
settings pages and the users dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from crmdesk.domain import CrmError, Outcome, ValidationError

T = TypeVar("T")


class MessageView(Protocol):
    def show_message(self, text: str, *, error: bool) -> None: ...

    def reload(self) -> None: ...


def try_write(
    view: MessageView,
    write: Callable[[], Outcome[T]],
    refusal: Callable[[CrmError], str],
    *,
    invalid: Callable[[ValidationError], str] | None = None,
    reload_if_invalid: bool = False,
) -> Outcome[T] | None:
    """Run a service write; its outcome, or None when it was refused.

    A refusal is shown as an error message (``refusal``'s text) and the view reloads,
    since what it showed may be out of date. With ``invalid``, a validation error gets
    that text instead, and the view keeps what it shows unless ``reload_if_invalid``.
    """
    try:
        return write()
    except CrmError as exc:
        if invalid is not None and isinstance(exc, ValidationError):
            view.show_message(invalid(exc), error=True)
            if reload_if_invalid:
                view.reload()
            return None
        view.show_message(refusal(exc), error=True)
        view.reload()
        return None


def confirmed(parent: QWidget, title: str, text: str) -> bool:
    """Ask Yes/Cancel (Cancel the default); True for Yes."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
