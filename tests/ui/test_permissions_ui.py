"""Team mode's permission rules as a rep, a manager and an admin meet them in the window.

The services enforce every rule (tests/services test each one there). These tests sign
in as each role on the demo database and use the UI's own entry points: what may be done
is done, and what is refused leaves the board, the dialogs, the undo stack and every row
of the database as they were, with a message that names the reason.

The rules:

- a rep sees every deal and edits and moves only their own deals and activities;
- a manager edits every deal, reassigns owners, sets targets, edits stages and lists;
- an admin may do everything, users included.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from crmdesk import services as services_package
from crmdesk.db.engine import Database
from crmdesk.domain import ActivityInfo, DealInfo, PermissionDenied, Role, StageKind, UserInfo
from crmdesk.domain.reports import DealCard
from crmdesk.services import activities, customers, deals, users
from crmdesk.ui.activities_view import ID_ROLE as ACTIVITY_ID_ROLE
from crmdesk.ui.board.view import StageColumn
from crmdesk.ui.customers_view import CustomerDialog
from crmdesk.ui.deal_dialog import ActivityDialog, DealDialog
from crmdesk.ui.dialogs import WonDialog
from crmdesk.ui.errors import error_message
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.users_dialog import UsersDialog
from tests.services._helpers import row, rows, snapshot
from tests.ui._helpers import (
    LEFT,
    NO_MODIFIER,
    answer_dialog,
    board_ids,
    column_ids,
    drop_on_zone,
    header_counts,
    press_ok,
    transitions,
)
from tests.ui.board.test_view import PlatformDrag, platform_drag  # noqa: F401 (a fixture)

CTRL = Qt.KeyboardModifier.ControlModifier
ACCEPTED = QDialog.DialogCode.Accepted

MOVE_REFUSED = "Only the deal's owner or a manager can move this deal."
EDIT_REFUSED = "Only the deal's owner or a manager can change this deal."
REASSIGN_REFUSED = "Cannot be changed here: only a manager can reassign a deal."


# --- signing in -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Team:
    """Who signs in. ``rep`` is the rep with the most open deals; ``other`` is another rep
    with an open deal in a stage where ``rep`` has one too (so one column shows both)."""

    admin: UserInfo
    manager: UserInfo
    rep: UserInfo
    other: UserInfo


@pytest.fixture
def team(demo_db: Database, admin: UserInfo) -> Team:
    active = users.list_users(demo_db)
    manager = next(u for u in active if u.role is Role.MANAGER)
    reps = {u.id: u for u in active if u.role is Role.REP}
    open_deals = rows(
        demo_db,
        "SELECT d.owner_id, d.stage_id FROM deals d JOIN stages st ON st.id = d.stage_id "
        "WHERE st.kind = 'open' ORDER BY d.id",
    )
    owned = Counter(owner for owner, _stage in open_deals if owner in reps)
    rep_id = min(owned, key=lambda uid: (-owned[uid], uid))
    rep_stages = {stage for owner, stage in open_deals if owner == rep_id}
    other_id = min(
        owner
        for owner, stage in open_deals
        if owner in reps and owner != rep_id and stage in rep_stages
    )
    return Team(admin, manager, reps[rep_id], reps[other_id])


@pytest.fixture
def sign_in(demo_db: Database, qtbot: QtBot) -> Callable[..., MainWindow]:
    """Open the main window as this user (``confirm=False``: refusals reach ``ops.failed``)."""

    def open_window(user: UserInfo, *, confirm: bool = False) -> MainWindow:
        win = MainWindow(db=demo_db, user=user, lang="en", confirm=confirm)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        assert win.stack.currentWidget() is win.board
        return win

    return open_window


def refusals(win: MainWindow) -> list[str]:
    """The refusal messages the window shows from now on (a message box when confirming)."""
    seen: list[str] = []
    win.ops.failed.connect(seen.append)
    return seen


# --- the board ------------------------------------------------------------------------------
def cards_of(column: StageColumn) -> list[DealCard]:
    return column.proxy.cards()


def pick_column(win: MainWindow, owner: UserInfo, other: UserInfo) -> StageColumn:
    """The first column, not the last, that shows a card of ``owner`` and one of ``other``."""
    view = win.board.view
    for col in view.columns[:-1]:
        owners = {c.owner_id for c in cards_of(col)}
        if {owner.id, other.id} <= owners:
            return col
    raise AssertionError(f"no column with deals of {owner.name} and {other.name}")


def card_of(column: StageColumn, owner: UserInfo) -> DealCard:
    return next(c for c in cards_of(column) if c.owner_id == owner.id)


def next_column(win: MainWindow, column: StageColumn) -> StageColumn:
    view = win.board.view
    return view.columns[view.columns.index(column) + 1]


def click_card(
    column: StageColumn, deal_id: int, modifier: Qt.KeyboardModifier = NO_MODIFIER
) -> None:
    index = column.proxy.index(column_ids(column).index(deal_id), 0)
    column.view.scrollTo(index)
    QTest.mouseClick(column.view.viewport(), LEFT, modifier, column.view.visualRect(index).center())


def same_card(a: DealCard | None, b: DealCard) -> bool:
    """The same deal as the board drew it (days in stage and since activity tick on)."""
    return a is not None and (a.id, a.stage_id, a.owner_id, a.version, a.amount) == (
        b.id,
        b.stage_id,
        b.owner_id,
        b.version,
        b.amount,
    )


def selected_ids(win: MainWindow) -> list[int]:
    return [c.id for c in win.board.view.selected_cards()]


def move_by_drag(
    drag: PlatformDrag, source: StageColumn, deal_id: int, target: StageColumn
) -> None:
    row = column_ids(source).index(deal_id)
    source.view.scrollTo(source.proxy.index(row, 0))
    viewport = target.view.viewport()
    drag.drag(source, row, viewport, QPoint(viewport.width() // 2, viewport.height() - 5))
    assert drag.carried[-1] == [deal_id]


def move_by_keyboard(qtbot: QtBot, win: MainWindow, source: StageColumn, deal_id: int) -> None:
    with qtbot.waitActive(win):
        win.activateWindow()
    click_card(source, deal_id)
    assert selected_ids(win) == [deal_id]
    QTest.keyClick(source.view, Qt.Key.Key_Right, CTRL)


MOVES = ["drag", "keyboard"]


@pytest.fixture
def move(
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    platform_drag: PlatformDrag,  # noqa: F811
) -> Callable[[MainWindow, StageColumn, int], None]:
    """Move a card one column right: ``"drag"`` with the mouse, ``"keyboard"`` with
    Ctrl+Right (parametrize ``move`` indirectly with ``MOVES``)."""
    how = request.param

    def do(win: MainWindow, source: StageColumn, deal_id: int) -> None:
        if how == "drag":
            move_by_drag(platform_drag, source, deal_id, next_column(win, source))
        else:
            move_by_keyboard(qtbot, win, source, deal_id)

    return do


def test_a_rep_sees_every_deal(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database
) -> None:
    """On the board and in Deals, a rep sees the same deals as an admin: everyone's."""
    rep_win, admin_win = sign_in(team.rep), sign_in(team.admin)
    assert rep_win.board.view.owner_combo.currentData() is None  # "Everyone"
    assert board_ids(rep_win.board.view) == board_ids(admin_win.board.view)
    shown_owners = {c.owner_id for col in rep_win.board.view.columns for c in cards_of(col)}
    assert {team.rep.id, team.other.id} < shown_owners
    rep_win.nav.setCurrentRow(MainWindow.VIEW_KEYS.index("deals"))
    listed = {r.id for r in rep_win.deals_view.model.rows}
    assert listed == {d.id for d in deals.list_deals(demo_db)}


@pytest.mark.parametrize("move", MOVES, indirect=True)
def test_a_rep_moves_their_own_deal(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, move: Callable
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    b = next_column(win, a)
    card = card_of(a, team.rep)
    history = transitions(demo_db, card.id)

    move(win, a, card.id)

    assert failed == []
    assert deals.get_deal(demo_db, card.id).stage_id == b.stage.id
    assert card.id not in column_ids(a) and card.id in column_ids(b)
    assert transitions(demo_db, card.id)[:-1] == history
    assert transitions(demo_db, card.id)[-1][1:] == (a.stage.id, b.stage.id, team.rep.id)
    assert win.undo_stack.count() == 1


@pytest.mark.parametrize("move", MOVES, indirect=True)
def test_a_reps_move_of_someone_elses_deal_is_refused_and_changes_nothing(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, move: Callable
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    card = card_of(a, team.other)
    shown, counts, before = (
        board_ids(win.board.view),
        header_counts(win.board.view),
        snapshot(demo_db),
    )

    move(win, a, card.id)

    assert failed == [MOVE_REFUSED]
    assert snapshot(demo_db) == before
    assert board_ids(win.board.view) == shown  # the card is back in its column, in its place
    assert header_counts(win.board.view) == counts
    assert same_card(win.board.model.card_by_id(card.id), card)
    assert win.undo_stack.count() == 0 and not win.actions.undo.isEnabled()


@pytest.mark.parametrize("move", MOVES, indirect=True)
@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_or_admin_moves_anyones_deal(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, move: Callable, role: str
) -> None:
    boss = getattr(team, role)
    win = sign_in(boss)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    b = next_column(win, a)
    card = card_of(a, team.other)

    move(win, a, card.id)

    assert failed == []
    moved = deals.get_deal(demo_db, card.id)
    assert (moved.stage_id, moved.owner_id) == (b.stage.id, team.other.id)
    assert transitions(demo_db, card.id)[-1][1:] == (a.stage.id, b.stage.id, boss.id)
    assert card.id in column_ids(b)
    assert win.undo_stack.count() == 1


def test_a_refused_keyboard_move_keeps_the_card_selected_where_it_was(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    card = card_of(a, team.other)

    move_by_keyboard(qtbot, win, a, card.id)

    assert failed == [MOVE_REFUSED]
    assert selected_ids(win) == [card.id]
    assert win.board.view.active_column() is a
    assert deals.get_deal(demo_db, card.id).version == card.version


def test_a_refusal_is_shown_in_a_message_box_that_names_the_reason(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a signed-in rep sees outside the tests (``confirm=True``)."""
    boxes: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text, *_a: boxes.append((title, text))
    )
    win = sign_in(team.rep, confirm=True)
    a = pick_column(win, team.rep, team.other)
    card = card_of(a, team.other)
    before = snapshot(demo_db)

    move_by_keyboard(qtbot, win, a, card.id)

    assert boxes == [("Some deals were not moved", MOVE_REFUSED)]
    assert snapshot(demo_db) == before


def test_moving_own_and_someone_elses_cards_together_moves_only_the_own_one(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    b = next_column(win, a)
    mine, theirs = card_of(a, team.rep), card_of(a, team.other)
    their_history = transitions(demo_db, theirs.id)
    with qtbot.waitActive(win):
        win.activateWindow()
    click_card(a, mine.id)
    click_card(a, theirs.id, CTRL)
    assert sorted(selected_ids(win)) == sorted([mine.id, theirs.id])

    QTest.keyClick(a.view, Qt.Key.Key_Right, CTRL)

    assert failed == [MOVE_REFUSED]
    assert deals.get_deal(demo_db, mine.id).stage_id == b.stage.id
    assert mine.id in column_ids(b)
    assert deals.get_deal(demo_db, theirs.id).stage_id == a.stage.id
    assert transitions(demo_db, theirs.id) == their_history
    assert theirs.id in column_ids(a)
    assert win.undo_stack.count() == 1

    win.actions.undo.trigger()  # undoes the one move that was made, and only that
    assert deals.get_deal(demo_db, mine.id).stage_id == a.stage.id
    assert transitions(demo_db, theirs.id) == their_history
    assert failed == [MOVE_REFUSED]


def test_dropping_someone_elses_deal_on_won_is_refused_after_the_won_dialog(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    card = card_of(a, team.other)
    shown, before = board_ids(win.board.view), snapshot(demo_db)
    asked = answer_dialog(monkeypatch, WonDialog, press_ok)

    drop_on_zone(win.board.view, StageKind.WON, [card])

    assert len(asked) == 1  # the close date and amount are asked for before the refusal
    assert failed == [MOVE_REFUSED]
    assert snapshot(demo_db) == before
    assert board_ids(win.board.view) == shown
    assert win.undo_stack.count() == 0


def test_a_disabled_users_move_is_refused_and_says_to_sign_in_again(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    """An admin disables a rep whose window is open: their next write is refused."""
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    card = card_of(a, team.rep)
    users.set_active(demo_db, team.rep.id, False, by=team.admin.id)  # elsewhere
    shown, before = board_ids(win.board.view), snapshot(demo_db)

    move_by_keyboard(qtbot, win, a, card.id)

    assert failed == ["Your user account is unknown or disabled; sign in again."]
    assert snapshot(demo_db) == before
    assert board_ids(win.board.view) == shown
    assert win.undo_stack.count() == 0


# --- undo -----------------------------------------------------------------------------------
def test_a_refused_move_leaves_the_undo_stack_as_it_was(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    b = next_column(win, a)
    mine, theirs = card_of(a, team.rep), card_of(a, team.other)
    move_by_keyboard(qtbot, win, a, mine.id)
    label = win.actions.undo.text()
    assert win.undo_stack.count() == 1 and b.stage.name in label

    move_by_keyboard(qtbot, win, a, theirs.id)

    assert failed == [MOVE_REFUSED]
    assert win.undo_stack.count() == 1 and win.undo_stack.index() == 1
    assert win.actions.undo.text() == label
    their_history = transitions(demo_db, theirs.id)
    win.actions.undo.trigger()
    assert deals.get_deal(demo_db, mine.id).stage_id == a.stage.id
    assert deals.get_deal(demo_db, theirs.id).stage_id == a.stage.id
    assert transitions(demo_db, theirs.id) == their_history
    assert failed == [MOVE_REFUSED]


def test_undo_of_a_move_is_refused_once_the_deal_was_reassigned(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    """A rep moved their deal; a manager then gave it to someone else. The rep's undo
    would move someone else's deal: it is refused, says why, and writes nothing."""
    win = sign_in(team.rep)
    failed = refusals(win)
    a = pick_column(win, team.rep, team.other)
    b = next_column(win, a)
    mine = card_of(a, team.rep)
    move_by_keyboard(qtbot, win, a, mine.id)
    moved = deals.get_deal(demo_db, mine.id)
    deals.update_deal(  # the manager, in another window
        demo_db,
        mine.id,
        by=team.manager.id,
        expected_version=moved.version,
        changes={"owner_id": team.other.id},
    )
    before = snapshot(demo_db)

    win.actions.undo.trigger()

    assert failed == [MOVE_REFUSED]
    assert snapshot(demo_db) == before
    assert mine.id in column_ids(b) and mine.id not in column_ids(a)
    assert win.undo_stack.count() == 0  # the step that cannot be undone is dropped
    assert not win.actions.undo.isEnabled() and not win.actions.redo.isEnabled()


# --- the deal dialog ------------------------------------------------------------------------
def open_deal(qtbot: QtBot, win: MainWindow, deal_id: int | None) -> DealDialog:
    dialog = DealDialog(
        db=win.db, user=win.user, ops=win.ops, deal_id=deal_id, lang="en", parent=win
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def shown_errors(dialog: DealDialog) -> dict[str, str]:
    found = {field: label.text() for field, label in dialog.errors.items() if label.isVisible()}
    if dialog.banner.isVisible():
        found["banner"] = dialog.banner.text()
    return found


def save(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Save).click()


def open_deal_of(win: MainWindow, owner: UserInfo, demo_db: Database) -> DealInfo:
    card = next(
        c for col in win.board.view.columns for c in cards_of(col) if c.owner_id == owner.id
    )
    return deals.get_deal(demo_db, card.id)


def test_a_rep_edits_their_own_deal(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    deal = open_deal_of(win, team.rep, demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    retype(qtbot, dialog.title_edit, "Renamed by its owner")

    save(dialog)

    assert dialog.result() == ACCEPTED and not dialog.isVisible()
    saved = deals.get_deal(demo_db, deal.id)
    assert (saved.title, saved.version, saved.updated_by_id) == (
        "Renamed by its owner",
        deal.version + 1,
        team.rep.id,
    )
    assert win.board.model.card_by_id(deal.id).title == "Renamed by its owner"
    assert win.undo_stack.count() == 1


def test_someone_elses_deal_opens_read_only_for_a_rep(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    """A rep may read every deal but change only their own: someone else's deal opens
    with a note saying whose it is, its fields and stage locked, no Save and no way to
    add an activity. (The services refuse such a write anyway: tests/services.)"""
    win = sign_in(team.rep)
    deal = open_deal_of(win, team.other, demo_db)
    before = snapshot(demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    assert dialog.read_only
    assert dialog.notice.isVisible()
    assert team.other.name in dialog.notice.text() and "only its owner" in dialog.notice.text()
    for widget in (dialog.title_edit, dialog.stage_combo, dialog.owner_combo, dialog.amount_edit):
        assert not widget.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save) is None
    assert not dialog.log_call_button.isEnabled() and not dialog.add_activity_button.isEnabled()
    assert dialog.title_edit.text() == deal.title  # still readable
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dialog.isVisible()
    assert snapshot(demo_db) == before
    assert win.undo_stack.count() == 0


def test_a_reps_own_deal_and_a_managers_view_are_not_read_only(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    own = open_deal(qtbot, win, open_deal_of(win, team.rep, demo_db).id)
    assert not own.read_only and not own.notice.isVisible() and own.title_edit.isEnabled()
    manager = sign_in(team.manager)
    theirs = open_deal(qtbot, manager, open_deal_of(manager, team.other, demo_db).id)
    assert not theirs.read_only and theirs.owner_combo.isEnabled()
    assert theirs.buttons.button(QDialogButtonBox.StandardButton.Save) is not None


def test_a_rep_cannot_reassign_their_deal_the_owner_field_says_why(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    """On their own deal a rep can change the rest, but the owner list is locked and
    says why (a manager reassigns deals; the service refuses a rep: tests/services)."""
    win = sign_in(team.rep)
    deal = open_deal_of(win, team.rep, demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    assert not dialog.owner_combo.isEnabled()
    assert dialog.owner_combo.toolTip() == "Only a manager can reassign a deal."
    assert dialog.owner_combo.currentData() == team.rep.id
    retype(qtbot, dialog.title_edit, "Still mine")

    save(dialog)

    assert dialog.result() == ACCEPTED
    saved = deals.get_deal(demo_db, deal.id)
    assert (saved.title, saved.owner_id) == ("Still mine", team.rep.id)


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_or_admin_reassigns_a_deal_in_the_dialog(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot, role: str
) -> None:
    win = sign_in(getattr(team, role))
    deal = open_deal_of(win, team.rep, demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData(team.other.id))

    save(dialog)

    assert dialog.result() == ACCEPTED
    assert deals.get_deal(demo_db, deal.id).owner_id == team.other.id
    assert win.board.model.card_by_id(deal.id).owner_name == team.other.name
    win.actions.undo.trigger()
    assert deals.get_deal(demo_db, deal.id).owner_id == team.rep.id


@pytest.mark.parametrize(("role", "allowed"), [("rep", False), ("manager", True)])
def test_a_new_deal_for_someone_else(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    qtbot: QtBot,
    role: str,
    allowed: bool,
) -> None:
    win = sign_in(getattr(team, role))
    before = snapshot(demo_db)
    dialog = open_deal(qtbot, win, None)
    assert dialog.owner_combo.currentData() == win.user.id
    qtbot.keyClicks(dialog.title_edit, "For a colleague")
    dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData(team.other.id))

    save(dialog)

    created = [d for d in deals.list_deals(demo_db) if d.title == "For a colleague"]
    if allowed:
        assert dialog.result() == ACCEPTED
        assert [deals.get_deal(demo_db, d.id).owner_id for d in created] == [team.other.id]
    else:
        assert dialog.isVisible() and dialog.result() != ACCEPTED
        assert shown_errors(dialog) == {"banner": "You can only create deals that you own."}
        assert dialog.title_edit.text() == "For a colleague"
        assert created == []
        assert snapshot(demo_db) == before


# --- activities -----------------------------------------------------------------------------
def open_activity(db: Database, owner: UserInfo) -> ActivityInfo:
    """An open activity of ``owner`` on one of their open deals."""
    for deal in deals.list_deals(db, status="open"):
        for a in activities.list_activities(db, deal_id=deal.id):
            if a.owner_id == owner.id and a.done_at is None:
                return a
    raise AssertionError(f"{owner.name} has no open activity on an open deal")


def activity_row(db: Database, activity_id: int) -> Any:
    """The activity as the database holds it: (owner_id, done_at, version)."""
    return row(
        db, "SELECT owner_id, done_at, version FROM activities WHERE id = :id", id=activity_id
    )


def my_day_rows(win: MainWindow) -> dict[int, str]:
    """Activity id -> its text, for every activity "My day" lists."""
    view = win.activities_view
    out = {}
    for group in view.groups.values():
        for i in range(group.childCount()):
            item = group.child(i)
            out[item.data(0, ACTIVITY_ID_ROLE)] = item.text(0)
    return out


def done_button(win: MainWindow, activity_id: int) -> QPushButton:
    view = win.activities_view
    for group in view.groups.values():
        for i in range(group.childCount()):
            item = group.child(i)
            if item.data(0, ACTIVITY_ID_ROLE) == activity_id:
                button = view.tree.itemWidget(item, 3)
                assert isinstance(button, QPushButton)
                return button
    raise AssertionError(f"activity {activity_id} is not listed")


def test_a_rep_completes_their_own_activity_in_my_day(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    act = open_activity(demo_db, team.rep)
    win.nav.setCurrentRow(MainWindow.VIEW_KEYS.index("activities"))
    view = win.activities_view
    assert not view.person_combo.isVisible()  # a rep's day is their own
    listed = my_day_rows(win)
    assert act.id in listed
    assert {activity_row(demo_db, i).owner_id for i in listed} == {team.rep.id}

    done_button(win, act.id).click()

    assert failed == []
    assert activity_row(demo_db, act.id).done_at is not None
    assert act.id not in my_day_rows(win)


def test_a_manager_completes_a_reps_activity_from_the_teams_day(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database
) -> None:
    win = sign_in(team.manager)
    failed = refusals(win)
    act = open_activity(demo_db, team.other)
    win.nav.setCurrentRow(MainWindow.VIEW_KEYS.index("activities"))
    view = win.activities_view
    assert view.person_combo.isVisible() and view.person_id() is None  # the whole team

    done_button(win, act.id).click()

    assert failed == []
    assert activity_row(demo_db, act.id).done_at is not None
    assert act.id not in my_day_rows(win)


def activities_tab(dialog: DealDialog) -> int:
    return next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "Activities")


def select_activity(dialog: DealDialog, activity_id: int) -> None:
    lst = dialog.activity_list
    for i in range(lst.count()):
        if lst.item(i).data(Qt.ItemDataRole.UserRole) == activity_id:
            lst.setCurrentRow(i)
            return
    raise AssertionError(f"activity {activity_id} is not listed")


def activity_texts(dialog: DealDialog) -> list[str]:
    return [dialog.activity_list.item(i).text() for i in range(dialog.activity_list.count())]


def test_a_rep_marks_their_own_activity_done_in_the_deal_dialog(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    act = open_activity(demo_db, team.rep)
    dialog = open_deal(qtbot, win, act.deal_id)
    dialog.tabs.setCurrentIndex(activities_tab(dialog))
    select_activity(dialog, act.id)

    dialog.complete_button.click()

    assert failed == []
    assert activity_row(demo_db, act.id).done_at is not None
    assert any(t.startswith("✔") and act.subject in t for t in activity_texts(dialog))


def test_a_rep_marking_someone_elses_activity_done_is_refused(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    act = open_activity(demo_db, team.other)
    before = snapshot(demo_db)
    dialog = open_deal(qtbot, win, act.deal_id)
    dialog.tabs.setCurrentIndex(activities_tab(dialog))
    listed = activity_texts(dialog)
    select_activity(dialog, act.id)

    dialog.complete_button.click()

    assert failed == ["Only the activity's owner or a manager can change this activity."]
    assert snapshot(demo_db) == before
    assert activity_texts(dialog) == listed  # still open (○) in the list
    assert dialog.isVisible()


def test_a_rep_cannot_log_a_call_on_someone_elses_deal(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    deal = open_deal_of(win, team.other, demo_db)
    before = snapshot(demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    listed = activity_texts(dialog)
    assert not dialog.log_call_button.isEnabled()
    assert "owner or a manager" in dialog.log_call_button.toolTip()
    dialog.log_call_button.click()  # a disabled button does nothing
    assert snapshot(demo_db) == before
    assert activity_texts(dialog) == listed


def test_a_rep_logs_a_call_on_their_own_deal(
    sign_in: Callable[..., MainWindow], team: Team, demo_db: Database, qtbot: QtBot
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    deal = open_deal_of(win, team.rep, demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    n = len(activity_texts(dialog))

    dialog.log_call_button.click()

    assert failed == []
    assert len(activity_texts(dialog)) == n + 1
    logged = activities.list_activities(demo_db, deal_id=deal.id)
    assert sum(1 for a in logged if a.subject == f"Call about {deal.title}") == 1


# --- customers ------------------------------------------------------------------------------
def customer_of(db: Database, owner: UserInfo) -> int:
    return next(
        cid
        for cid, _name in customers.customer_names(db)
        if customers.get_customer(db, cid).owner_id == owner.id
    )


def show_customer(win: MainWindow, customer_id: int) -> None:
    win.nav.setCurrentRow(MainWindow.VIEW_KEYS.index("customers"))
    view = win.customers_view
    view.select_customer(customer_id)
    assert view.current is not None and view.current.id == customer_id


def edit_phone(win: MainWindow, monkeypatch: pytest.MonkeyPatch, phone: str) -> dict[str, str]:
    """Customers › Edit…: type a phone number and press Save. Returns what the dialog
    showed afterwards; a dialog still open (refused) is then cancelled, as a user would."""
    seen: dict[str, str] = {}

    def answer(d: CustomerDialog) -> None:
        d.edits["phone"].setText(phone)
        save(d)
        seen["open"] = "yes" if d.isVisible() else "no"
        seen["banner"] = d.banner.text() if d.banner.isVisible() else ""
        seen["phone"] = d.edits["phone"].text()
        if d.isVisible():
            d.reject()

    answer_dialog(monkeypatch, CustomerDialog, answer)
    win.customers_view.edit_button.click()
    return seen


@pytest.mark.parametrize(("role", "owner"), [("rep", "rep"), ("manager", "other")])
def test_an_owner_or_manager_edits_a_customer(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    role: str,
    owner: str,
) -> None:
    win = sign_in(getattr(team, role))
    cid = customer_of(demo_db, getattr(team, owner))
    show_customer(win, cid)

    seen = edit_phone(win, monkeypatch, "+44 20 7946 0000")

    assert seen["open"] == "no"
    assert customers.get_customer(demo_db, cid).phone == "+44 20 7946 0000"
    assert win.customers_view.facts["phone"].text() == "+44 20 7946 0000"


def test_a_rep_editing_someone_elses_customer_is_refused_in_the_dialog(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    win = sign_in(team.rep)
    cid = customer_of(demo_db, team.other)
    show_customer(win, cid)
    phone = win.customers_view.facts["phone"].text()
    before = snapshot(demo_db)

    seen = edit_phone(win, monkeypatch, "+44 20 7946 0000")

    assert seen == {
        "open": "yes",
        "banner": "Only the customer's owner or a manager can change this customer.",
        "phone": "+44 20 7946 0000",
    }
    assert snapshot(demo_db) == before
    assert win.customers_view.facts["phone"].text() == phone


@pytest.mark.parametrize(("owner", "allowed"), [("rep", True), ("other", False)])
def test_adding_a_contact_takes_the_customers_owner(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    owner: str,
    allowed: bool,
) -> None:
    win = sign_in(team.rep)
    failed = refusals(win)
    cid = customer_of(demo_db, getattr(team, owner))
    show_customer(win, cid)
    contacts = win.customers_view.contacts_list.count()
    before = snapshot(demo_db)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Dana New", True))

    win.customers_view.add_contact_button.click()

    names = [c.name for c in customers.list_contacts(demo_db, cid)]
    if allowed:
        assert failed == [] and "Dana New" in names
        assert win.customers_view.contacts_list.count() == contacts + 1
    else:
        assert failed == ["Only the customer's owner or a manager can change this customer."]
        assert snapshot(demo_db) == before
        assert win.customers_view.contacts_list.count() == contacts


# --- Admin › Users --------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
def test_admin_users_is_read_only_except_for_an_admin(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    role: str,
) -> None:
    """Opened from the window's Admin menu, as each role. A rep and a manager see the list
    and a note; an admin can change a user (here: disable a rep)."""
    win = sign_in(getattr(team, role))
    is_admin = role == "admin"
    target = team.other
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    seen: dict[str, object] = {}
    before = snapshot(demo_db)

    def answer(d: UsersDialog) -> None:
        d.select_user(target.id)
        seen["note"] = d.read_only_note.isVisible()
        seen["buttons"] = [
            b.isEnabled() for b in (d.add_button, d.role_button, d.password_button, d.active_button)
        ]
        d.toggle_active()  # the button, or the same write made anyway
        seen["message"] = d.message.text()
        d.reject()

    answer_dialog(monkeypatch, UsersDialog, answer)
    win.users_action.trigger()

    assert seen["note"] is not is_admin
    assert seen["buttons"] == [is_admin] * 4
    if is_admin:
        assert seen["message"] == f"{target.name} is disabled."
        assert not users.get_user(demo_db, target.id).active
    else:
        assert seen["message"] == "Only an admin can change users."
        assert snapshot(demo_db) == before


def test_a_rep_cannot_plan_an_activity_on_someone_elses_deal(
    sign_in: Callable[..., MainWindow],
    team: Team,
    demo_db: Database,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Add activity… is locked, so nothing is asked for and then refused."""
    win = sign_in(team.rep)
    deal = open_deal_of(win, team.other, demo_db)
    before = snapshot(demo_db)
    dialog = open_deal(qtbot, win, deal.id)
    asked = answer_dialog(monkeypatch, ActivityDialog, press_ok)
    assert not dialog.add_activity_button.isEnabled()
    dialog.add_activity_button.click()
    assert asked == []
    assert snapshot(demo_db) == before


# --- every refusal names its rule -----------------------------------------------------------
GENERIC_REFUSAL = "You are not allowed to do this."
REQUIRE_ACTION_ARG = {"require_owner_or_manager": 2, "require_manager": 1, "require_admin": 1}


def service_refusal_actions() -> set[str]:
    """Every ``action`` a service can refuse with PermissionDenied, read from the source."""
    found: set[str] = set()
    for path in Path(services_package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            values = [kw.value for kw in node.keywords if kw.arg == "action"]
            if name in REQUIRE_ACTION_ARG and len(node.args) > REQUIRE_ACTION_ARG[name]:
                values.append(node.args[REQUIRE_ACTION_ARG[name]])
            if name in REQUIRE_ACTION_ARG or name == "PermissionDenied":
                for value in values:
                    if path.name == "_common.py" and isinstance(value, ast.Name):
                        continue  # the require_* helpers pass their caller's action on
                    assert isinstance(value, ast.Constant), f"{path.name}: {ast.dump(value)}"
                    found.add(value.value)
    return found


def test_every_refusal_of_the_services_has_a_message_naming_its_rule() -> None:
    actions = service_refusal_actions()
    assert {"act", "move_deal", "edit_deal", "complete_activity", "manage_users"} <= actions
    generic = sorted(
        a
        for a in actions
        if error_message(PermissionDenied("refused", action=a)) == GENERIC_REFUSAL
    )
    assert generic == []
