"""Signing in (team mode) and pointing this PC at a database (File › Database…)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain import Role, UserInfo
from crmdesk.services import auth, users
from crmdesk.ui import app as app_module
from crmdesk.ui.sign_in import (
    SETTINGS_KEY,
    ConnectDialog,
    SignInDialog,
    is_password_refusal,
    save_database_url,
    saved_database_url,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def rep(demo_db: Database, admin: UserInfo) -> UserInfo:
    """A rep of the demo team who has a password: the database now needs a sign-in."""
    person = next(u for u in users.list_users(demo_db) if u.role == Role.REP)
    auth.set_password(demo_db, person.id, PASSWORD, by=admin.id)
    return person


def _dialog(db: Database, qtbot: QtBot) -> SignInDialog:
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _submit(dialog: SignInDialog, login: str, password: str) -> None:
    dialog.login.setText(login)
    dialog.password.setText(password)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_database_without_passwords_opens_as_its_admin(
    demo_db: Database, admin: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SignInDialog, "exec", lambda _self: pytest.fail("no sign-in expected"))
    assert app_module.sign_in_user(demo_db) == admin


def test_signing_in_with_the_right_password(demo_db: Database, rep: UserInfo, qtbot: QtBot) -> None:
    dialog = _dialog(demo_db, qtbot)
    _submit(dialog, rep.login, PASSWORD)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.id == rep.id
    assert QSettings().value("sign_in/last_login") == rep.login


def test_a_wrong_password_says_so_without_telling_whether_the_login_exists(
    demo_db: Database, rep: UserInfo, qtbot: QtBot
) -> None:
    dialog = _dialog(demo_db, qtbot)
    _submit(dialog, rep.login, "not it at all")
    assert dialog.isVisible() and dialog.user is None
    wrong_password = dialog.error.text()
    assert wrong_password == "Wrong login or password."
    assert dialog.password.text() == ""  # typed again, not kept
    _submit(dialog, "nobody-by-that-name", "not it at all")
    assert dialog.error.text() == wrong_password


def test_five_wrong_passwords_lock_the_login(
    demo_db: Database, rep: UserInfo, qtbot: QtBot
) -> None:
    dialog = _dialog(demo_db, qtbot)
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        _submit(dialog, rep.login, "wrong wrong")
    assert "Too many wrong passwords" in dialog.error.text()
    assert "minute" in dialog.error.text()
    _submit(dialog, rep.login, PASSWORD)  # even the right one waits now
    assert dialog.user is None and "Too many wrong passwords" in dialog.error.text()


def test_a_cancelled_sign_in_opens_nothing(
    demo_db: Database, rep: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SignInDialog, "exec", lambda _self: SignInDialog.DialogCode.Rejected)
    assert app_module.sign_in_user(demo_db) is None


def test_the_team_server_address_is_kept_without_a_password(qtbot: QtBot) -> None:
    dialog = ConnectDialog(None)
    qtbot.addWidget(dialog)
    assert dialog.local.isChecked()
    dialog.server.setChecked(True)
    dialog.host.setText("sales-pc")
    dialog.database.setText("crm")
    dialog.role.setText("team")
    dialog._save()
    assert dialog.result() == ConnectDialog.DialogCode.Accepted
    assert saved_database_url() == "postgresql+psycopg://team@sales-pc:5432/crm"
    # A password typed into an address never reaches the settings.
    save_database_url("postgresql+psycopg://team:s3cret@sales-pc/crm")
    assert "s3cret" not in str(QSettings().value(SETTINGS_KEY))
    # The dialog opens on what was saved.
    again = ConnectDialog(saved_database_url())
    qtbot.addWidget(again)
    assert again.server.isChecked() and again.host.text() == "sales-pc"
    assert again.database.text() == "crm" and again.role.text() == "team"


def test_a_server_address_needs_its_parts(qtbot: QtBot) -> None:
    save_database_url(None)
    dialog = ConnectDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server.setChecked(True)
    dialog.host.setText("")
    dialog._save()
    assert dialog.error.isVisible() and "server" in dialog.error.text()
    assert saved_database_url() is None


@pytest.mark.parametrize(
    ("reason", "asks"),
    [
        ('connection failed: FATAL:  password authentication failed for user "team"', True),
        ("connection failed: fe_sendauth: no password supplied", True),
        ('connection failed: FATAL:  database "crm" does not exist', False),
        ("connection failed: Connection refused", False),
    ],
)
def test_which_connection_failures_ask_for_the_server_password(reason: str, asks: bool) -> None:
    assert is_password_refusal(reason) is asks
