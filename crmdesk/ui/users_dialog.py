"""Admin › Users: the team's users, their roles and sign-in state, and the admin's tools
to add a user, change a role, reset a password and disable or enable an account.

Every write goes through ``services.users`` and ``services.auth``, so their permission
checks apply: anyone may look at the list, only an admin can change it. Messages about
one field appear under that field; a refusal that concerns no field appears under the
list (or at the foot of the small dialog that made the write).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    Changes,
    CrmError,
    FieldError,
    Outcome,
    PermissionDenied,
    Role,
    UserInfo,
    ValidationError,
)
from crmdesk.services import auth, users
from crmdesk.ui import format as fmt
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.errors import describe_field, error_message, field_label
from crmdesk.ui.service_calls import confirmed, try_write
from crmdesk.ui.table_model import Column, Index, RowsModel

#: Role order for the role pickers and for sorting the list: most rights first.
ROLES = (Role.ADMIN, Role.MANAGER, Role.REP)

MUTED = QColor("#9ca3af")
GOOD = QColor("#2b8a3e")
WARN = QColor("#e8590c")
BAD = QColor("#c92a2a")

HINT_STYLE = "color: #6b7280;"
NOTICE_STYLE = (
    "QLabel { background: #fff9db; border: 1px solid #ffe066; border-radius: 6px;"
    " padding: 7px 10px; color: #5c3c00; }"
)
INFO_STYLE = "color: #2b8a3e;"
ERROR_STYLE = "color: #e03131;"


def tr(text: str) -> str:
    return QCoreApplication.translate("UsersDialog", text)


def role_label(role: Role | str) -> str:
    labels = {
        "admin": tr("Admin"),
        "manager": tr("Manager"),
        "rep": tr("Sales rep"),
    }
    return labels.get(str(role), str(role))


def user_field_label(field: str) -> str:
    """The name of a field of a user, as these dialogs label it."""
    labels = {
        "login": tr("Login"),
        "name": tr("Name"),
        "email": tr("E-mail"),
        "role": tr("Role"),
        "password": tr("Password"),
        "confirm": tr("Confirm password"),
    }
    return labels.get(field, field_label(field))


def problem_text(err: FieldError, typed_password: str = "") -> str:
    """One field's problem as a sentence that names the field."""
    if err.field == "password":
        if err.code == "required":
            return tr("Enter a password.")
        if err.code == "invalid" and typed_password and typed_password.isspace():
            return tr("The password must not be only spaces.")
        if err.code == "invalid" and len(typed_password) < auth.MIN_PASSWORD_LEN:
            return tr("The password needs at least {n} characters.").format(n=auth.MIN_PASSWORD_LEN)
        if err.code == "too_long":
            return tr("The password may have at most {n} characters.").format(
                n=err.params.get("max", auth.MAX_PASSWORD_LEN)
            )
    if err.field == "role" and err.code == "not_allowed":
        # The users service's only rule of this kind (see ``users._keep_one_admin``).
        return tr("The database needs at least one active admin.")
    return tr("{field}: {problem}").format(
        field=user_field_label(err.field), problem=describe_field(err)
    )


def refusal_text(exc: BaseException, typed_password: str = "") -> str:
    """A refused write as one message for a banner (several lines for several fields)."""
    if isinstance(exc, PermissionDenied) and exc.action in ("manage_users", "set_password"):
        return tr("Only an admin can change users.")
    if isinstance(exc, ValidationError):
        return "\n".join(problem_text(e, typed_password) for e in exc.errors)
    return error_message(exc)


def password_problem(password: str, confirm: str) -> tuple[str, str] | None:
    """(field, message) for a new password typed twice, before anything is written;
    None when it may be saved."""
    if password != confirm:
        return "confirm", tr("The two passwords are not the same.")
    try:
        auth.validate_password(password)
    except ValidationError as exc:
        return "password", problem_text(exc.errors[0], password)
    return None


# --- shared by the users and the settings dialogs -----------------------------------------------


def style_table(view: QTableView, widths: Sequence[tuple[int, int]], stretch: int) -> None:
    """The look of the users list, for every table of these dialogs: whole rows, one at a
    time, cells indented like the header's titles and no dotted focus frame."""
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setStyleSheet("QTableView { outline: 0; } QTableView::item { padding-left: 4px; }")
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(28)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in widths:
        header.resizeSection(column, width)


def selected_row(view: QTableView) -> int:
    """The selected row of ``view``, or -1."""
    index = view.selectionModel().currentIndex()
    if not index.isValid() or not view.selectionModel().isRowSelected(index.row()):
        return -1
    return index.row()


def select_row(view: QTableView, row: int) -> None:
    """Select ``row`` of ``view`` and scroll to it (nothing for a row that is not there)."""
    if row < 0 or row >= view.model().rowCount():
        return
    index = view.model().index(row, 0)
    view.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    view.scrollTo(index)


def error_label() -> QLabel:
    """A field's (hidden) message line."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def place_errors(labels: dict[str, QLabel], errors: list[tuple[str, str]]) -> list[str]:
    """Show each (field, text) on its field's message line, hiding the other lines; the
    texts that belong to no field."""
    for label in labels.values():
        label.hide()
    unplaced = []
    for field, text in errors:
        label = labels.get(field)
        if label is None:
            unplaced.append(text)
            continue
        label.setText(text)
        label.show()
    return unplaced


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    """One line of the list: a user and what the list says about them."""

    info: UserInfo
    locked_until: datetime | None
    is_me: bool
    #: Whether the database asks everyone to sign in (someone active has a password).
    team_mode: bool

    @property
    def cannot_sign_in(self) -> bool:
        return self.team_mode and self.info.active and not self.info.has_password


class UsersModel(RowsModel[UserRow]):
    """The users with a tooltip that explains the state columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        def dim(base: QColor | None = None) -> Callable[[UserRow], Any]:
            return lambda r: MUTED if not r.info.active else base

        super().__init__([], parent)
        self.columns = [
            Column(
                self.tr("Name"),
                lambda r: r.info.name + ("  " + self.tr("(you)") if r.is_me else ""),
                lambda r: r.info.name.casefold(),
                color=dim(),
            ),
            Column(
                self.tr("Login"),
                lambda r: r.info.login,
                lambda r: r.info.login.casefold(),
                color=dim(),
            ),
            Column(
                self.tr("Role"),
                lambda r: role_label(r.info.role),
                lambda r: ROLES.index(r.info.role),
                color=dim(),
            ),
            Column(
                self.tr("Status"),
                lambda r: self.tr("Active") if r.info.active else self.tr("Disabled"),
                lambda r: not r.info.active,
                color=lambda r: GOOD if r.info.active else BAD,
            ),
            Column(
                self.tr("Password"),
                lambda r: self.tr("Set") if r.info.has_password else self.tr("Not set"),
                lambda r: r.info.has_password,
                color=lambda r: (
                    WARN if r.cannot_sign_in else MUTED if not r.info.has_password else None
                ),
            ),
            Column(
                self.tr("Locked until"),
                lambda r: fmt.date_time(r.locked_until) if r.locked_until else "",
                lambda r: r.locked_until,
                color=lambda r: BAD,
            ),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self.tooltip(self.rows[index.row()], index.column())
        return super().data(index, role)

    def tooltip(self, row: UserRow, column: int) -> str | None:
        if column == 4 and row.cannot_sign_in:
            return self.tr(
                "This user cannot sign in: everyone signs in on this database, and they "
                "have no password yet. Reset their password to give them one."
            )
        if column == 5 and row.locked_until is not None:
            return self.tr(
                "Too many wrong passwords in a row. Resetting the password lifts the lock."
            )
        if column == 3 and not row.info.active:
            return self.tr("A disabled user cannot sign in; their records stay.")
        return None

    def row_of(self, user_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.info.id == user_id), -1)


class UsersDialog(QDialog):
    """Admin › Users: every user with role, status, password and lock; an admin's
    actions to add users, change roles, reset passwords and disable or enable accounts.

    A non-admin sees the same list read-only. The list reloads after each write (whose
    changes go out on the bus) and when the bus reports ``Change.USERS`` from elsewhere.
    """

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        bus: ChangeBus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.bus = bus
        self.setWindowTitle(self.tr("Users"))
        self.resize(900, 480)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)

        head = QHBoxLayout()
        title = QLabel(self.tr("Users"))
        title.setObjectName("viewTitle")
        head.addWidget(title)
        head.addStretch(1)
        self.add_button = QPushButton(self.tr("Add User…"))
        self.add_button.setDefault(False)
        self.add_button.setAutoDefault(False)
        head.addWidget(self.add_button)
        layout.addLayout(head)

        self.read_only_note = QLabel(
            self.tr(
                "Only an admin can change users. You can see the list, but not add users, "
                "change roles, reset passwords or disable accounts."
            )
        )
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet(NOTICE_STYLE)
        layout.addWidget(self.read_only_note)

        self.model = UsersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        style_table(self.table, ((1, 150), (2, 100), (3, 90), (4, 90), (5, 150)), 0)
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.role_button = QPushButton(self.tr("Change Role…"))
        self.password_button = QPushButton(self.tr("Reset Password…"))
        self.active_button = QPushButton(self.tr("Disable"))
        for button in (self.role_button, self.password_button, self.active_button):
            button.setAutoDefault(False)
            actions.addWidget(button)
        actions.addStretch(1)
        self.summary = QLabel()
        self.summary.setStyleSheet(HINT_STYLE)
        actions.addWidget(self.summary)
        layout.addLayout(actions)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().currentRowChanged.connect(
            lambda _cur, _prev: self._update_actions()
        )
        bus.changed.connect(self._on_bus_changed)
        self.reload()

    # --- state ----------------------------------------------------------------------------------
    @property
    def is_admin(self) -> bool:
        return self.user.role is Role.ADMIN and self.user.active

    def reload(self) -> None:
        """Read the users again, keeping the selection; also re-read who we are, so that an
        admin who lost the role while the dialog was open sees it read-only."""
        keep = self.selected()
        listed = users.list_users(self.db, include_inactive=True)
        me = next((u for u in listed if u.id == self.user.id), None)
        if me is not None:
            self.user = me
        locked = auth.locked_users(self.db)
        team_mode = auth.needs_sign_in(self.db)
        self.model.set_rows(
            [UserRow(u, locked.get(u.id), u.id == self.user.id, team_mode) for u in listed]
        )
        if keep is not None:
            self.select_user(keep.info.id)
        active = sum(1 for u in listed if u.active)
        sign_in = (
            self.tr("everyone signs in with a password")
            if team_mode
            else self.tr("no one has a password, so there is no sign-in")
        )
        self.summary.setText(
            self.tr("{n} users, {active} active · {sign_in}").format(
                n=len(listed), active=active, sign_in=sign_in
            )
        )
        self.read_only_note.setVisible(not self.is_admin)
        self._update_actions()

    def selected(self) -> UserRow | None:
        row = selected_row(self.table)
        return None if row < 0 else self.model.rows[row]

    def select_user(self, user_id: int) -> None:
        select_row(self.table, self.model.row_of(user_id))

    def _update_actions(self) -> None:
        row = self.selected()
        admin = self.is_admin
        self.add_button.setEnabled(admin)
        self.role_button.setEnabled(admin and row is not None)
        self.password_button.setEnabled(admin and row is not None)
        enabling = row is not None and not row.info.active
        self.active_button.setText(self.tr("Enable") if enabling else self.tr("Disable"))
        self.active_button.setEnabled(admin and row is not None and not row.is_me)
        self.active_button.setToolTip(
            self.tr("You cannot disable your own account.") if row is not None and row.is_me else ""
        )

    def show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else INFO_STYLE)
        self.message.setVisible(bool(text))

    def _on_bus_changed(self, changes: Changes) -> None:
        if changes.touches(Change.USERS):
            self.reload()

    def _wrote(self, changes: Changes) -> None:
        """After a write: tell the other views (and, through the bus, reload this list)."""
        self.bus.publish(changes)
        if not changes.touches(Change.USERS):
            self.reload()

    # --- actions ----------------------------------------------------------------------------------
    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        if self.role_button.isEnabled():
            self.change_role()

    def add_user(self) -> None:
        dialog = AddUserDialog(db=self.db, user=self.user, parent=self)
        dialog.exec()
        if dialog.created is None:
            return
        self._wrote(dialog.changes)
        self.select_user(dialog.created.id)
        if dialog.password_failed:
            self.show_message(
                self.tr(
                    "{name} was added without a password. Use Reset Password to give them one."
                ).format(name=dialog.created.name),
                error=True,
            )
        else:
            self.show_message(
                self.tr("Added {name}.").format(name=dialog.created.name), error=False
            )

    def change_role(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = RoleDialog(db=self.db, user=self.user, target=row.info, parent=self)
        dialog.exec()
        if dialog.saved is not None:
            self._wrote(dialog.changes)
            self.show_message(
                self.tr("{name} is now: {role}.").format(
                    name=dialog.saved.name, role=role_label(dialog.saved.role)
                ),
                error=False,
            )

    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = PasswordDialog(db=self.db, user=self.user, target=row.info, parent=self)
        dialog.exec()
        if dialog.saved is not None:
            self._wrote(dialog.changes)
            self.show_message(
                self.tr("New password saved for {name}.").format(name=dialog.saved.name),
                error=False,
            )

    def toggle_active(self) -> None:
        """Disable the selected user (after asking) or enable a disabled one."""
        row = self.selected()
        if row is None:
            return
        target = row.info
        if target.active and not confirmed(
            self,
            self.tr("Disable user"),
            self.tr(
                "Disable {name}? They will not be able to sign in. Their deals, "
                "customers and activities stay as they are, and you can enable the "
                "account again later."
            ).format(name=target.name),
        ):
            return
        outcome = try_write(
            self,
            lambda: users.set_active(self.db, target.id, not target.active, by=self.user.id),
            refusal_text,
        )
        if outcome is None:
            return
        self._wrote(outcome.changes)
        self.show_message(
            (
                self.tr("{name} is enabled and can sign in again.")
                if outcome.value.active
                else self.tr("{name} is disabled.")
            ).format(name=outcome.value.name),
            error=False,
        )


# --- the small dialogs --------------------------------------------------------------------------


class _FormDialog(QDialog):
    """A form whose fields each carry a message line, with a banner for the rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}
        self.changes = Changes()
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(16, 14, 16, 12)
        self.outer.setSpacing(10)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(6)
        self.outer.addLayout(self.form)
        self.banner = QLabel()
        self.banner.setObjectName("fieldError")
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _finish(self) -> None:
        """Add the banner and the buttons below the fields (after the subclass's rows)."""
        self.outer.addStretch(1)
        self.outer.addWidget(self.banner)
        self.outer.addWidget(self.buttons)

    def _row(self, title: str, widget: QWidget, field: str, hint: str = "") -> None:
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        error = error_label()
        box.addWidget(error)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet(HINT_STYLE)
            box.addWidget(note)
        self.errors[field] = error
        self.form.addRow(title, box)

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        unplaced = place_errors(self.errors, errors)
        self.banner.setText("\n".join(unplaced))
        self.banner.setVisible(bool(unplaced))
        first = next((f for f, _ in errors if f in self.errors), None)
        focus = self._field_widgets().get(first or "")
        if focus is not None:
            focus.setFocus()

    def error_text(self, field: str) -> str:
        """The message shown under ``field``, or "" (for tests and callers)."""
        label = self.errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def _field_widgets(self) -> dict[str, QWidget]:
        return {}

    def save(self) -> None:
        raise NotImplementedError

    def _submit(
        self,
        write: Callable[[], Outcome[Any]],
        problems: Callable[[ValidationError], list[tuple[str, str]]],
        refusal: Callable[[CrmError], str],
    ) -> None:
        """Run the dialog's service write. Its validation errors go under their fields
        (``problems``), another refusal into the banner (``refusal``); on success the
        outcome's value becomes ``saved``, its changes ``changes``, and the dialog closes."""
        try:
            outcome = write()
        except ValidationError as exc:
            self.show_errors(problems(exc))
            return
        except CrmError as exc:
            self.show_errors([("", refusal(exc))])
            return
        self.saved = outcome.value
        self.changes = outcome.changes
        self.accept()

    @staticmethod
    def _password_edit() -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(auth.MAX_PASSWORD_LEN)
        return edit


class AddUserDialog(_FormDialog):
    """Add a user, with a password or (on a single-user database) without one.

    The password is checked before anything is written, so a bad password creates no
    user. Should setting it fail after the user was created, the message appears at the
    password field and OK tries the password again, without creating a second user.
    """

    def __init__(self, *, db: Database, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.created: UserInfo | None = None
        self.password_failed = False
        self.setWindowTitle(self.tr("Add User"))
        self.setMinimumWidth(500)
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText(self.tr("e.g. jane.doe"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. Jane Doe"))
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(self.tr("Optional"))
        self.role_combo = QComboBox()
        for role in ROLES:
            self.role_combo.addItem(role_label(role), role.value)
        self.role_combo.setCurrentIndex(self.role_combo.findData(Role.REP.value))
        self.password_edit = self._password_edit()
        self.password_edit.setPlaceholderText(
            self.tr("At least {n} characters").format(n=auth.MIN_PASSWORD_LEN)
        )
        self.confirm_edit = self._password_edit()
        self._row(self.tr("Login"), self.login_edit, "login")
        self._row(self.tr("Name"), self.name_edit, "name")
        self._row(self.tr("E-mail"), self.email_edit, "email")
        self._row(self.tr("Role"), self.role_combo, "role")
        self._row(self.tr("Password"), self.password_edit, "password")
        self._row(
            self.tr("Confirm password"),
            self.confirm_edit,
            "confirm",
            hint=self.tr(
                "You may leave the password empty only on a single-user database on this "
                "PC. As soon as any user has a password, everyone signs in, and a user "
                "without one cannot."
            ),
        )
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add User"))

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            "login": self.login_edit,
            "name": self.name_edit,
            "email": self.email_edit,
            "role": self.role_combo,
            "password": self.password_edit,
            "confirm": self.confirm_edit,
        }

    def save(self) -> None:
        password = self.password_edit.text()
        confirm = self.confirm_edit.text()
        if password or confirm:
            problem = password_problem(password, confirm)
            if problem is not None:
                self.show_errors([problem])
                return
        if self.created is None:
            try:
                outcome = users.create_user(
                    self.db,
                    by=self.user.id,
                    login=self.login_edit.text(),
                    name=self.name_edit.text(),
                    email=self.email_edit.text() or None,
                    role=self.role_combo.currentData(),
                )
            except ValidationError as exc:
                self.show_errors([(e.field, problem_text(e)) for e in exc.errors])
                return
            except CrmError as exc:
                self.show_errors([("", refusal_text(exc))])
                return
            self.created = outcome.value
            self.changes = self.changes | outcome.changes
        if password:
            try:
                outcome = auth.set_password(self.db, self.created.id, password, by=self.user.id)
            except CrmError as exc:
                self.password_failed = True
                self._keep_created()
                self.show_errors(
                    [
                        (
                            "password",
                            self.tr(
                                "{login} was added, but without a password: {problem} "
                                "Try again, or set it later with Reset Password."
                            ).format(login=self.created.login, problem=refusal_text(exc, password)),
                        )
                    ]
                )
                return
            self.created = outcome.value
            self.changes = self.changes | outcome.changes
        self.password_failed = False
        self.accept()

    def _keep_created(self) -> None:
        """The user exists: only the password can still change."""
        for edit in (self.login_edit, self.name_edit, self.email_edit, self.role_combo):
            edit.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Set Password"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("Close Without Password")
        )


class RoleDialog(_FormDialog):
    """Change one user's role."""

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        target: UserInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.target = target
        self.saved: UserInfo | None = None
        self.setWindowTitle(self.tr("Change Role"))
        self.setMinimumWidth(420)
        intro = QLabel(self.tr("Choose what {name} may do.").format(name=target.name))
        intro.setWordWrap(True)
        self.outer.insertWidget(0, intro)
        self.role_combo = QComboBox()
        for role in ROLES:
            self.role_combo.addItem(role_label(role), role.value)
        self.role_combo.setCurrentIndex(self.role_combo.findData(target.role.value))
        self._row(
            self.tr("Role"),
            self.role_combo,
            "role",
            hint=self.tr(
                "A sales rep works on their own deals; a manager on everyone's, and sets up "
                "stages, lists and targets; an admin also manages users."
            ),
        )
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Change Role"))

    def _field_widgets(self) -> dict[str, QWidget]:
        return {"role": self.role_combo}

    def save(self) -> None:
        role = self.role_combo.currentData()
        if role == self.target.role.value:
            self.reject()
            return
        self._submit(
            lambda: users.set_role(self.db, self.target.id, role, by=self.user.id),
            lambda exc: [(e.field, problem_text(e)) for e in exc.errors],
            refusal_text,
        )


class PasswordDialog(_FormDialog):
    """An admin gives a user a new password (typed twice); it also lifts a lock."""

    def __init__(
        self,
        *,
        db: Database,
        user: UserInfo,
        target: UserInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.target = target
        self.saved: UserInfo | None = None
        self.setWindowTitle(self.tr("Reset Password"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr(
                "Set a new password for {name} ({login}) and give it to them. Their old "
                "password stops working, and a lock after too many wrong passwords is lifted."
            ).format(name=target.name, login=target.login)
        )
        intro.setWordWrap(True)
        self.outer.insertWidget(0, intro)
        self.password_edit = self._password_edit()
        self.password_edit.setPlaceholderText(
            self.tr("At least {n} characters").format(n=auth.MIN_PASSWORD_LEN)
        )
        self.confirm_edit = self._password_edit()
        self._row(self.tr("New password"), self.password_edit, "password")
        self._row(self.tr("Confirm password"), self.confirm_edit, "confirm")
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Set Password"))

    def _field_widgets(self) -> dict[str, QWidget]:
        return {"password": self.password_edit, "confirm": self.confirm_edit}

    def save(self) -> None:
        password = self.password_edit.text()
        problem = password_problem(password, self.confirm_edit.text())
        if problem is not None:
            self.show_errors([problem])
            return
        self._submit(
            lambda: auth.set_password(self.db, self.target.id, password, by=self.user.id),
            lambda exc: [(e.field, problem_text(e, password)) for e in exc.errors],
            lambda exc: refusal_text(exc, password),
        )
