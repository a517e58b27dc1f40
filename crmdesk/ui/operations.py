"""Every write the UI makes goes through here: call a service, publish what changed,
record an undo step, and show a refusal as a clear message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    Changes,
    Conflict,
    CrmError,
    DealInfo,
    Outcome,
    PipelineInfo,
    StageKind,
    UserInfo,
)
from crmdesk.domain.reports import DealCard
from crmdesk.services import deals, lists
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.dialogs import LostDialog, WonDialog
from crmdesk.ui.errors import error_message

T = TypeVar("T")


@dataclass(frozen=True)
class Move:
    deal_id: int
    from_stage_id: int
    to_stage_id: int
    lost_reason_id: int | None = None
    #: The amount before the move; undo restores it when the move changed it (a win).
    old_amount: Decimal | None = None


class Operations(QObject):
    """The UI's gateway to the services for one signed-in user.

    Signals:
        failed(str): a write was refused; the message was shown to the user.
    """

    failed = Signal(str)

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        bus: ChangeBus,
        undo_stack: QUndoStack,
        window: QWidget,
        lang: str = "en",
        confirm: bool = True,
    ) -> None:
        super().__init__(window)
        self.db = db
        self.user = user
        self.bus = bus
        self.undo_stack = undo_stack
        self.window = window
        self.lang = lang
        #: Tests turn message boxes off; failures still reach ``failed``.
        self.confirm = confirm

    # --- plumbing -------------------------------------------------------------------------
    def run(self, call: Callable[[], Outcome[T]], *, title: str | None = None) -> Outcome[T] | None:
        """Run one service call; publish its changes, or show why it was refused."""
        try:
            outcome = call()
        except CrmError as exc:
            self.refused(exc, title=title)
            return None
        self.bus.publish(outcome.changes)
        return outcome

    def refused(self, exc: BaseException, *, title: str | None = None) -> None:
        message = error_message(exc)
        self.failed.emit(message)
        if self.confirm:
            QMessageBox.warning(self.window, title or self.tr("Not saved"), message)

    # --- moving deals -----------------------------------------------------------------------
    def move_cards(self, cards: Sequence[DealCard], stage_id: int, pipeline: PipelineInfo) -> int:
        """Move cards to a stage, asking for a lost reason or confirming a win first.

        Returns how many deals moved. A refused deal stays where it was.
        """
        cards = [c for c in cards if c.stage_id != stage_id]
        if not cards:
            return 0
        stage = pipeline.stage(stage_id)
        lost_reason_id = None
        closed_at: datetime | None = None
        amount: Decimal | None = None
        if stage.kind is StageKind.LOST:
            dialog = LostDialog(
                count=len(cards),
                reasons=lists.list_items(self.db, "lost_reasons"),
                lang=self.lang,
                parent=self.window,
            )
            if dialog.exec() != LostDialog.DialogCode.Accepted:
                return 0
            lost_reason_id = dialog.reason_id()
        elif stage.kind is StageKind.WON:
            dialog = WonDialog(
                count=len(cards),
                amount=cards[0].amount if len(cards) == 1 else None,
                parent=self.window,
            )
            if dialog.exec() != WonDialog.DialogCode.Accepted:
                return 0
            closed_at = dialog.closed_at()
            amount = dialog.amount()
        return self.move(
            [Move(c.id, c.stage_id, stage_id, lost_reason_id, c.amount) for c in cards],
            versions={c.id: c.version for c in cards},
            closed_at=closed_at,
            amount=amount,
            label=self.tr("Move to {stage}").format(stage=stage.label(self.lang)),
        )

    def move(
        self,
        moves: Sequence[Move],
        *,
        versions: dict[int, int],
        closed_at: datetime | None = None,
        amount: Decimal | None = None,
        label: str,
    ) -> int:
        done: list[Move] = []
        changes = Changes()
        errors: list[str] = []
        for mv in moves:
            try:
                outcome = deals.move_deal(
                    self.db,
                    mv.deal_id,
                    mv.to_stage_id,
                    by=self.user.id,
                    expected_version=versions[mv.deal_id],
                    lost_reason_id=mv.lost_reason_id,
                    closed_at=closed_at,
                    amount=amount,
                )
            except CrmError as exc:
                errors.append(error_message(exc))
                # Redraw the refused card from the database: someone may have changed it.
                changes = changes | Changes(Change.DEALS, frozenset({mv.deal_id}))
                continue
            done.append(mv)
            changes = changes | outcome.changes
        self.bus.publish(changes)
        if errors:
            self.refused(_Many(errors), title=self.tr("Some deals were not moved"))
        if done:
            self.undo_stack.push(MoveDealsCommand(self, done, label))
        return len(done)

    # --- editing deals --------------------------------------------------------------------------
    def edit_deal(self, deal: DealInfo, changes: dict[str, Any]) -> DealInfo:
        """Save field changes of a deal as one undoable step. Raises the service's coded
        errors (the deal dialog shows them next to the fields)."""
        before = {key: getattr(deal, key) for key in changes}
        outcome = deals.update_deal(
            self.db, deal.id, by=self.user.id, expected_version=deal.version, changes=changes
        )
        self.bus.publish(outcome.changes)
        self.undo_stack.push(
            EditDealCommand(
                self,
                deal.id,
                before,
                dict(changes),
                self.tr("Edit {title}").format(title=outcome.value.title),
                version=outcome.value.version,
            )
        )
        return outcome.value


class _Many(CrmError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(dict.fromkeys(messages)))


class MoveDealsCommand(QUndoCommand):
    """Undo a stage move by moving the deals back (a new, compensating transition:
    history stays append-only); redo moves them forward again."""

    def __init__(self, ops: Operations, moves: Sequence[Move], label: str) -> None:
        super().__init__(label)
        self.ops = ops
        self.moves = list(moves)
        self._applied = True  # pushed after the move succeeded
        self.new_amounts: dict[int, Decimal] = {}

    def redo(self) -> None:
        if self._applied:
            return
        self._apply(
            [
                (m.deal_id, m.to_stage_id, m.lost_reason_id, self.new_amounts.get(m.deal_id))
                for m in self.moves
            ]
        )
        self._applied = True

    def undo(self) -> None:
        self.new_amounts = {}
        for m in self.moves:
            try:
                self.new_amounts[m.deal_id] = deals.get_deal(self.ops.db, m.deal_id).amount
            except CrmError:
                continue
        self._apply([(m.deal_id, m.from_stage_id, None, m.old_amount) for m in self.moves])
        self._applied = False

    def _apply(self, steps: list[tuple[int, int, int | None, Decimal | None]]) -> None:
        changes = Changes()
        errors = []
        for deal_id, stage_id, reason, amount in steps:
            try:
                current = deals.get_deal(self.ops.db, deal_id)
                outcome = deals.move_deal(
                    self.ops.db,
                    deal_id,
                    stage_id,
                    by=self.ops.user.id,
                    expected_version=current.version,
                    lost_reason_id=reason,
                    amount=amount if amount is not None and amount != current.amount else None,
                )
            except CrmError as exc:
                errors.append(error_message(exc))
                continue
            changes = changes | outcome.changes
        self.ops.bus.publish(changes)
        if errors:
            self.setObsolete(True)
            self.ops.refused(
                _Many(errors), title=QCoreApplication.translate("Operations", "Could not undo")
            )


class EditDealCommand(QUndoCommand):
    """Undo a deal edit by writing the old values back (against the current version, so
    a later change by someone else is not silently lost: a conflict is reported)."""

    def __init__(
        self,
        ops: Operations,
        deal_id: int,
        before: dict[str, Any],
        after: dict[str, Any],
        label: str,
        *,
        version: int,
    ) -> None:
        super().__init__(label)
        self.ops = ops
        self.deal_id = deal_id
        self.before = before
        self.after = after
        self._applied = True
        self._version = version  # the deal as this command left it

    def _write(self, values: dict[str, Any]) -> None:
        try:
            current = deals.get_deal(self.ops.db, self.deal_id)
            if current.version != self._version:
                raise Conflict(
                    "deal",
                    self.deal_id,
                    expected_version=self._version,
                    current_version=current.version,
                    changed_by=None,
                    changed_at=current.updated_at,
                )
            outcome = deals.update_deal(
                self.ops.db,
                self.deal_id,
                by=self.ops.user.id,
                expected_version=current.version,
                changes=values,
            )
        except CrmError as exc:
            self.setObsolete(True)
            self.ops.refused(exc, title=QCoreApplication.translate("Operations", "Could not undo"))
            return
        self._version = outcome.value.version
        self.ops.bus.publish(outcome.changes)

    def undo(self) -> None:
        self._write(self.before)
        self._applied = False

    def redo(self) -> None:
        if self._applied:
            return
        self._write(self.after)
        self._applied = True
