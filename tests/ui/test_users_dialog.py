"""Admin › Users: the list of users and an admin's changes to it, as a user sees them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from crmdesk.db.engine import Database
from crmdesk.domain import Change, Changes, Role, SignInFailed, UserInfo
from crmdesk.services import auth, users
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.users_dialog import AddUserDialog, PasswordDialog, RoleDialog, UsersDialog
from tests.ui._helpers import answer_dialog, press_cancel, press_ok

PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple tuna lamp 42"
COLUMNS = ("name", "login", "role", "status", "password", "locked")


# --- helpers ----------------------------------------------------------------------------------
def _open(qtbot: QtBot, db: Database, user: UserInfo) -> UsersDialog:
    dialog = UsersDialog(db=db, user=user, bus=ChangeBus())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shown(dialog: UsersDialog) -> dict[str, dict[str, str]]:
    """Login -> what each column of its row says."""
    model = dialog.table.model()
    rows = {}
    for r in range(model.rowCount()):
        cells = [model.index(r, c).data() for c in range(model.columnCount())]
        rows[cells[1]] = dict(zip(COLUMNS, cells, strict=True))
    return rows


def shown_logins(dialog: UsersDialog) -> list[str]:
    model = dialog.table.model()
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def user_count(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(text("SELECT count(*) FROM users")).scalar_one())


def a_rep(db: Database) -> UserInfo:
    return next(u for u in users.list_users(db) if u.role is Role.REP)


def fill_new_user(login: str, password: str, confirm: str) -> Callable[[AddUserDialog], None]:
    def fill(d: AddUserDialog) -> None:
        d.login_edit.setText(login)
        d.name_edit.setText("Jane Doe")
        d.email_edit.setText("jane@example.com")
        d.role_combo.setCurrentIndex(d.role_combo.findData("manager"))
        d.password_edit.setText(password)
        d.confirm_edit.setText(confirm)

    return fill


def signs_in(db: Database, login: str, password: str) -> bool:
    try:
        auth.sign_in(db, login, password)
    except SignInFailed:
        return False
    return True


# --- the list ---------------------------------------------------------------------------------
def test_the_list_shows_every_demo_user_with_role_and_state(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    rows = shown(dialog)

    expected = users.list_users(demo_db, include_inactive=True)
    assert set(rows) == {u.login for u in expected}
    labels = {Role.ADMIN: "Admin", Role.MANAGER: "Manager", Role.REP: "Sales rep"}
    for u in expected:
        assert rows[u.login]["role"] == labels[u.role]
        assert rows[u.login]["status"] == "Active"
        assert rows[u.login]["password"] == "Not set"
        assert rows[u.login]["locked"] == ""
    assert rows[admin.login]["name"] == f"{admin.name}  (you)"
    assert "no one has a password" in dialog.summary.text()
    # An admin may act, and no read-only note is in the way.
    assert not dialog.read_only_note.isVisible()
    assert dialog.add_button.isEnabled()


def test_the_list_sorts_by_a_clicked_column(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    names = [u.name for u in users.list_users(demo_db, include_inactive=True)]
    model = dialog.table.model()
    assert [model.index(r, 0).data().removesuffix("  (you)") for r in range(len(names))] == sorted(
        names, key=str.casefold
    )

    dialog.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # role: most rights first
    roles = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert roles[0] == "Admin" and roles[1] == "Manager" and set(roles[2:]) == {"Sales rep"}


def test_a_locked_login_shows_until_when(qtbot: QtBot, demo_db: Database, admin: UserInfo) -> None:
    rep = a_rep(demo_db)
    auth.set_password(demo_db, rep.id, PASSWORD, by=admin.id)
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        assert not signs_in(demo_db, rep.login, "wrong password")

    dialog = _open(qtbot, demo_db, admin)

    assert rep.id in auth.locked_users(demo_db)
    assert shown(dialog)[rep.login]["locked"] != ""
    assert shown(dialog)[admin.login]["locked"] == ""
    assert "everyone signs in" in dialog.summary.text()


def test_the_list_follows_changes_reported_on_the_bus(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    users.create_user(demo_db, by=admin.id, name="Zoe Quinn", login="zoe.quinn")
    assert "zoe.quinn" not in shown(dialog)

    dialog.bus.publish(Changes(Change.DEALS))  # not about users: no reload needed
    assert "zoe.quinn" not in shown(dialog)
    dialog.bus.publish(Changes(Change.USERS))
    assert shown(dialog)["zoe.quinn"]["role"] == "Sales rep"


# --- adding a user ----------------------------------------------------------------------------
def test_an_admin_adds_a_user_with_a_password(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    before = user_count(demo_db)
    published: list[Changes] = []
    dialog.bus.changed.connect(published.append)

    def answer(d: AddUserDialog) -> None:
        fill_new_user("jane.doe", PASSWORD, PASSWORD)(d)
        press_ok(d)

    opened = answer_dialog(monkeypatch, AddUserDialog, answer)
    dialog.add_button.click()

    assert len(opened) == 1
    assert user_count(demo_db) == before + 1
    row = shown(dialog)["jane.doe"]
    assert (row["name"], row["role"], row["status"], row["password"]) == (
        "Jane Doe",
        "Manager",
        "Active",
        "Set",
    )
    assert dialog.selected() is not None and dialog.selected().info.login == "jane.doe"
    assert dialog.message.text() == "Added Jane Doe."
    assert published and all(c.touches(Change.USERS) for c in published)
    signed_in = auth.sign_in(demo_db, "jane.doe", PASSWORD)
    assert signed_in.name == "Jane Doe" and signed_in.role is Role.MANAGER


def test_a_too_short_password_is_shown_at_the_password_field_and_creates_nothing(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    before = user_count(demo_db)
    seen: dict[str, object] = {}

    def answer(d: AddUserDialog) -> None:
        fill_new_user("jane.doe", "short", "short")(d)
        press_ok(d)
        seen["open"] = d.isVisible()
        seen["password"] = d.error_text("password")
        seen["others"] = [d.error_text(f) for f in ("login", "name", "confirm")]
        press_cancel(d)

    answer_dialog(monkeypatch, AddUserDialog, answer)
    dialog.add_button.click()

    assert seen["open"] is True
    assert seen["password"] == f"The password needs at least {auth.MIN_PASSWORD_LEN} characters."
    assert seen["others"] == ["", "", ""]
    assert user_count(demo_db) == before
    assert "jane.doe" not in shown(dialog)


def test_a_mismatched_confirmation_is_refused_before_any_write(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    before = user_count(demo_db)
    calls: list[str] = []
    monkeypatch.setattr(users, "create_user", lambda *a, **k: calls.append("create_user"))
    monkeypatch.setattr(auth, "set_password", lambda *a, **k: calls.append("set_password"))
    seen: dict[str, str] = {}

    def answer(d: AddUserDialog) -> None:
        fill_new_user("jane.doe", PASSWORD, PASSWORD + "!")(d)
        press_ok(d)
        seen["confirm"] = d.error_text("confirm")
        press_cancel(d)

    answer_dialog(monkeypatch, AddUserDialog, answer)
    dialog.add_button.click()

    assert seen["confirm"] == "The two passwords are not the same."
    assert calls == []
    assert user_count(demo_db) == before


def test_a_taken_login_is_shown_at_the_login_field_naming_it(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    rep = a_rep(demo_db)
    before = user_count(demo_db)
    seen: dict[str, str] = {}

    def answer(d: AddUserDialog) -> None:
        fill_new_user(rep.login, PASSWORD, PASSWORD)(d)
        press_ok(d)
        seen["login"] = d.error_text("login")
        press_cancel(d)

    answer_dialog(monkeypatch, AddUserDialog, answer)
    dialog.add_button.click()

    assert seen["login"] == f"Login: Already used: {rep.login}."
    assert user_count(demo_db) == before
    assert not users.get_user(demo_db, rep.id).has_password


def test_a_user_without_a_password_is_allowed_and_explained(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    hints: list[str] = []

    def answer(d: AddUserDialog) -> None:
        hints.extend(label.text() for label in d.findChildren(type(d.banner)))
        fill_new_user("solo", "", "")(d)
        press_ok(d)

    answer_dialog(monkeypatch, AddUserDialog, answer)
    dialog.add_button.click()

    assert any("single-user database" in h for h in hints)
    assert shown(dialog)["solo"]["password"] == "Not set"


# --- changing users ---------------------------------------------------------------------------
def test_an_admin_changes_a_role(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = a_rep(demo_db)
    dialog = _open(qtbot, demo_db, admin)
    dialog.select_user(rep.id)

    def answer(d: RoleDialog) -> None:
        d.role_combo.setCurrentIndex(d.role_combo.findData("manager"))
        press_ok(d)

    answer_dialog(monkeypatch, RoleDialog, answer)
    dialog.role_button.click()

    assert shown(dialog)[rep.login]["role"] == "Manager"
    assert users.get_user(demo_db, rep.id).role is Role.MANAGER
    assert dialog.message.text() == f"{rep.name} is now: Manager."


def test_the_last_admin_keeps_the_role_with_the_reason_at_the_field(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    dialog.select_user(admin.id)
    seen: dict[str, str] = {}

    def answer(d: RoleDialog) -> None:
        d.role_combo.setCurrentIndex(d.role_combo.findData("rep"))
        press_ok(d)
        seen["role"] = d.error_text("role")
        press_cancel(d)

    answer_dialog(monkeypatch, RoleDialog, answer)
    dialog.role_button.click()

    assert seen["role"] == "The database needs at least one active admin."
    assert users.get_user(demo_db, admin.id).role is Role.ADMIN
    assert shown(dialog)[admin.login]["role"] == "Admin"


def test_an_admin_resets_a_password(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = a_rep(demo_db)
    auth.set_password(demo_db, rep.id, PASSWORD, by=admin.id)
    dialog = _open(qtbot, demo_db, admin)
    dialog.select_user(rep.id)
    mismatch: list[str] = []

    def answer(d: PasswordDialog) -> None:
        d.password_edit.setText(NEW_PASSWORD)
        d.confirm_edit.setText(NEW_PASSWORD + "x")
        press_ok(d)  # refused: typed differently
        mismatch.append(d.error_text("confirm"))
        d.confirm_edit.setText(NEW_PASSWORD)
        press_ok(d)

    answer_dialog(monkeypatch, PasswordDialog, answer)
    dialog.password_button.click()

    assert mismatch == ["The two passwords are not the same."]
    assert not signs_in(demo_db, rep.login, PASSWORD)
    assert signs_in(demo_db, rep.login, NEW_PASSWORD)
    assert shown(dialog)[rep.login]["password"] == "Set"


def test_an_admin_disables_and_enables_a_user(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = a_rep(demo_db)
    auth.set_password(demo_db, rep.id, PASSWORD, by=admin.id)
    dialog = _open(qtbot, demo_db, admin)
    dialog.select_user(rep.id)
    questions: list[str] = []

    def yes(_parent: object, _title: str, question: str, *_a: object) -> object:
        questions.append(question)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    assert dialog.active_button.text() == "Disable"
    dialog.active_button.click()

    assert len(questions) == 1 and rep.name in questions[0]
    assert shown(dialog)[rep.login]["status"] == "Disabled"
    with pytest.raises(SignInFailed) as refused:
        auth.sign_in(demo_db, rep.login, PASSWORD)
    assert refused.value.code == "sign_in_disabled"

    assert dialog.active_button.text() == "Enable"
    dialog.active_button.click()  # no question for enabling
    assert len(questions) == 1
    assert shown(dialog)[rep.login]["status"] == "Active"
    assert signs_in(demo_db, rep.login, PASSWORD)


def test_an_admin_cannot_disable_their_own_account(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    dialog = _open(qtbot, demo_db, admin)
    dialog.select_user(admin.id)
    assert dialog.role_button.isEnabled() and dialog.password_button.isEnabled()
    assert not dialog.active_button.isEnabled()


# --- a non-admin ------------------------------------------------------------------------------
def test_a_rep_sees_the_list_read_only(qtbot: QtBot, demo_db: Database, admin: UserInfo) -> None:
    rep = a_rep(demo_db)
    dialog = _open(qtbot, demo_db, rep)
    dialog.select_user(admin.id)

    assert set(shown(dialog)) == {u.login for u in users.list_users(demo_db)}
    assert dialog.read_only_note.isVisible()
    assert "Only an admin can change users" in dialog.read_only_note.text()
    for button in (
        dialog.add_button,
        dialog.role_button,
        dialog.password_button,
        dialog.active_button,
    ):
        assert not button.isEnabled(), button.text()


def test_a_refused_write_made_anyway_is_shown_and_writes_nothing(
    qtbot: QtBot, demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = a_rep(demo_db)
    other = next(u for u in users.list_users(demo_db) if u.role is Role.REP and u.id != rep.id)
    dialog = _open(qtbot, demo_db, rep)
    dialog.select_user(other.id)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    before = user_count(demo_db)

    dialog.toggle_active()  # as if the button had been pressed
    assert dialog.message.isVisible()
    assert dialog.message.text() == "Only an admin can change users."
    assert users.get_user(demo_db, other.id).active
    assert shown(dialog)[other.login]["status"] == "Active"

    seen: dict[str, str] = {}

    def answer(d: AddUserDialog) -> None:
        fill_new_user("sneaky", PASSWORD, PASSWORD)(d)
        press_ok(d)
        seen["banner"] = d.banner.text() if d.banner.isVisible() else ""
        press_cancel(d)

    answer_dialog(monkeypatch, AddUserDialog, answer)
    dialog.add_user()
    assert seen["banner"] == "Only an admin can change users."
    assert user_count(demo_db) == before

    shown_reset: dict[str, str] = {}

    def answer_reset(d: PasswordDialog) -> None:
        d.password_edit.setText(NEW_PASSWORD)
        d.confirm_edit.setText(NEW_PASSWORD)
        press_ok(d)
        shown_reset["banner"] = d.banner.text() if d.banner.isVisible() else ""
        press_cancel(d)

    answer_dialog(monkeypatch, PasswordDialog, answer_reset)
    dialog.reset_password()
    assert shown_reset["banner"] == "Only an admin can change users."
    assert not users.get_user(demo_db, other.id).has_password


def test_an_admin_who_loses_the_role_meanwhile_is_read_only_on_the_next_refresh(
    qtbot: QtBot, demo_db: Database, admin: UserInfo
) -> None:
    second = users.create_user(
        demo_db, by=admin.id, name="Second Admin", login="second", role=Role.ADMIN
    ).value
    dialog = _open(qtbot, demo_db, second)
    assert dialog.add_button.isEnabled()

    outcome = users.set_role(demo_db, second.id, Role.REP, by=admin.id)  # elsewhere
    dialog.bus.publish(outcome.changes)

    assert not dialog.add_button.isEnabled()
    assert dialog.read_only_note.isVisible()


# --- the window -------------------------------------------------------------------------------
def test_the_admin_menu_opens_the_users_dialog(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu() is not None}
    assert "&Admin" in menus
    assert window.users_action in menus["&Admin"].actions()
    assert window.users_action.text() == "&Users…"

    rows: list[int] = []

    def answer(d: UsersDialog) -> None:
        rows.append(d.table.model().rowCount())
        d.reject()

    opened = answer_dialog(monkeypatch, UsersDialog, answer)
    window.users_action.trigger()

    assert len(opened) == 1
    assert rows == [len(users.list_users(window.db, include_inactive=True))]
    assert opened[0].bus is window.bus
