"""Signing in, and choosing which database this PC works on.

* :class:`SignInDialog` asks for a login and password when the database has users
  with passwords (team mode); a single-user database without passwords opens as its
  admin and never shows it.
* :class:`ConnectDialog` (File › Database…) points this PC at a local file or at the
  team's PostgreSQL server. The address is kept in the PC's settings without any
  password; the server's password, when it asks for one, is asked for when connecting
  (:func:`ask_server_password`) and kept in memory only.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url

from crmdesk.db.engine import Database, default_database_path, display_url
from crmdesk.domain import SignInFailed, UserInfo
from crmdesk.services import auth

SETTINGS_KEY = "database/url"


def _t(text: str) -> str:
    return QCoreApplication.translate("SignIn", text)


def saved_database_url() -> str | None:
    """The database this PC was pointed at (File › Database…), if any."""
    value = QSettings().value(SETTINGS_KEY, "")
    return str(value) if value else None


def save_database_url(url: str | None) -> None:
    """Keep the address without a password (a password never goes to the settings)."""
    settings = QSettings()
    if not url:
        settings.remove(SETTINGS_KEY)
        return
    if "://" in url:
        url = without_password(make_url(url)).render_as_string(hide_password=False)
    settings.setValue(SETTINGS_KEY, url)


def without_password(url: URL) -> URL:
    """The address with no password in it (``URL.set`` cannot remove one)."""
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


def is_password_refusal(reason: str) -> bool:
    """Whether a PostgreSQL connection failed for want of the right password."""
    text = reason.lower()
    return "password" in text and (
        "authentication failed" in text or "no password supplied" in text or "fe_sendauth" in text
    )


def ask_server_password(parent: QWidget | None, url: URL, *, again: bool = False) -> str | None:
    """Ask for the database server's password (None when the user cancels)."""
    prompt = (
        _t("The password was not accepted. Password for {user} on {server}:")
        if again
        else _t("The team database asks for a password. Password for {user} on {server}:")
    ).format(user=url.username or "", server=url.host or "")
    text, ok = QInputDialog.getText(
        parent, _t("Team database"), prompt, QLineEdit.EchoMode.Password
    )
    return text if ok else None


class SignInDialog(QDialog):
    """Login and password; ``user`` holds who signed in once the dialog is accepted."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: UserInfo | None = None
        self.setWindowTitle(self.tr("Sign in to crmdesk"))
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        title = QLabel(self.tr("Sign in"))
        title.setObjectName("dialogTitle")
        title.setStyleSheet("font-size: 18px; font-weight: 600;")
        where = QLabel(
            self.tr("Database: {url}").format(url=db.path if db.path else db.display_url)
        )
        where.setStyleSheet("color: #868e96;")
        where.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(where)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Login:"), self.login)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("signInError")
        self.error.setStyleSheet("color: #e03131;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        ok.setDefault(True)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        last = QSettings().value("sign_in/last_login", "")
        if last:
            self.login.setText(str(last))
            self.password.setFocus()

    def message(self, exc: SignInFailed) -> str:
        from crmdesk.ui.errors import sign_in_message

        return sign_in_message(exc)

    def try_sign_in(self) -> None:
        try:
            self.user = auth.sign_in(self.db, self.login.text(), self.password.text())
        except SignInFailed as exc:
            self.error.setText(self.message(exc))
            self.error.setVisible(True)
            self.password.clear()
            self.password.setFocus()
            return
        QSettings().setValue("sign_in/last_login", self.login.text().strip())
        self.accept()


class ConnectDialog(QDialog):
    """Where this PC's crmdesk keeps its data: a file here, or the team's server."""

    def tr(self, text: str) -> str:  # type: ignore[override]
        # Fixed context: Settings' DatabaseForm subclasses this dialog, and Qt would
        # otherwise look these strings up under the subclass's name.
        return QCoreApplication.translate("ConnectDialog", text)

    def __init__(self, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Database"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.local = QRadioButton(self.tr("On this PC (one user)"))
        self.server = QRadioButton(self.tr("Team server (PostgreSQL, shared by the team)"))
        layout.addWidget(self.local)
        file_row = QHBoxLayout()
        file_row.setContentsMargins(24, 0, 0, 0)
        self.path = QLineEdit(str(default_database_path()))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        layout.addLayout(file_row)
        layout.addWidget(self.server)
        self.server_box = QWidget()
        form = QFormLayout(self.server_box)
        form.setContentsMargins(24, 0, 0, 0)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("for example sales-pc or 192.168.1.20"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setMaximumWidth(110)
        self.database = QLineEdit("crmdesk")
        self.role = QLineEdit("crmdesk")
        form.addRow(self.tr("Server:"), self.host)
        form.addRow(self.tr("Port:"), self.port)
        form.addRow(self.tr("Database:"), self.database)
        form.addRow(self.tr("Server user:"), self.role)
        layout.addWidget(self.server_box)
        hint = QLabel(
            self.tr(
                "No password is stored: when the server asks for one, crmdesk asks you "
                "when it connects. crmdesk connects to the new database when it starts "
                "next."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #868e96;")
        layout.addWidget(hint)
        self.error = QLabel()
        self.error.setStyleSheet("color: #e03131;")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.local.toggled.connect(self._sync)
        self._fill(current)
        self._sync()

    def _fill(self, current: str | None) -> None:
        if current and "://" in current:
            url = make_url(current)
            if url.get_backend_name() == "postgresql":
                self.server.setChecked(True)
                self.host.setText(url.host or "")
                self.port.setValue(url.port or 5432)
                self.database.setText(url.database or "")
                self.role.setText(url.username or "")
                return
        self.local.setChecked(True)
        if current and "://" not in current:
            self.path.setText(current)

    def _sync(self) -> None:
        local = self.local.isChecked()
        self.path.setEnabled(local)
        self.server_box.setEnabled(not local)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Database file"),
            self.path.text(),
            self.tr("crmdesk database (*.sqlite3)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path.setText(path)

    def url(self) -> str | None:
        """The chosen address, without a password; None when something is missing."""
        if self.local.isChecked():
            return self.path.text().strip() or None
        host, db, role = self.host.text().strip(), self.database.text().strip(), self.role.text()
        if not host or not db or not role.strip():
            return None
        url = URL.create(
            "postgresql+psycopg",
            username=role.strip(),
            host=host,
            port=self.port.value(),
            database=db,
        )
        return display_url(url)

    def _save(self) -> None:
        url = self.url()
        if url is None:
            self.error.setText(
                self.tr("Fill in the server, the database and the server user.")
                if self.server.isChecked()
                else self.tr("Choose a database file.")
            )
            self.error.setVisible(True)
            return
        save_database_url(url)
        self.accept()
