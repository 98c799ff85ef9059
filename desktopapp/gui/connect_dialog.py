"""File > Connect to team book…: server, port, database and user name, or a recent one.

People know a database by its server, port, database and user name (that is
what an administrator sends them), so those are the fields; a whole
``postgresql://…`` address typed or pasted into Server is used as it is (for
``?service=`` or ``?sslmode=``). The password is never a field: libpq finds
it in ~/.pgpass, the connection service file or PGPASSWORD, and only when it
finds none and the server asks does the dialog ask — for this session, kept
in memory, never written anywhere.

Connecting runs on a worker thread (an unreachable server takes seconds to
give up), with the dialog saying so and Cancel still working. The dialog
hands the window an open store (``store``); the window decides what to do
with it and what to remember.
"""

from __future__ import annotations

import getpass
import threading
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)

from .. import books
from ..errors import (
    AuthenticationFailedError,
    BriefingError,
    EmptyDatabaseError,
    PasswordNeededError,
    ServerUnreachableError,
)
from ..store.postgres.connection import describe

DEFAULT_PORT = "5432"
ERROR_STYLE = "color: #A31515;"
URL_ROLE = Qt.UserRole + 1


def team_book_url(server: str, port: str, database: str, user: str) -> str:
    """The libpq URL of the fields (a socket folder and IPv6 addresses written as libpq
    wants them)."""
    host = server.strip()
    if host.startswith("/"):
        host = quote(host, safe="")
    elif ":" in host:
        host = f"[{host}]"
    who = f"{quote(user.strip(), safe='')}@" if user.strip() else ""
    return f"postgresql://{who}{host}:{port.strip()}/{quote(database.strip(), safe='')}"


def url_fields(url: str) -> dict[str, str] | None:
    """Server, port, database and user of a plain URL; None when it has more (a query)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.query or not parts.hostname:
        return None
    return {"server": unquote(parts.hostname), "port": str(port or DEFAULT_PORT),
            "database": unquote(parts.path.lstrip("/")), "user": unquote(parts.username or "")}


class _Attempt(QObject):
    """One connection attempt on a worker thread; ``done`` comes back on the GUI thread."""

    done = Signal(object, object)  # the store or None, the error or None

    def __init__(self, url: str, password: str | None, create: bool):
        super().__init__()
        self.lock = threading.Lock()
        self.cancelled = False
        self.store = None
        self._args = (url, password, create)

    def start(self):
        threading.Thread(target=self._run, name="team-book-connect", daemon=True).start()

    def _run(self):
        url, password, create = self._args
        store, error = None, None
        try:
            store = books.open_team_book(url, create=create, password=password)
        except Exception as exc:  # handed to the GUI thread: bugs are raised there
            error = exc
        with self.lock:
            if self.cancelled:
                if store is not None:
                    store.close()
                return
            self.store = store
            self.done.emit(store, error)

    def cancel(self):
        """The dialog went away: close whatever this attempt opened (now or later)."""
        with self.lock:
            self.cancelled = True
            if self.store is not None:
                self.store.close()
                self.store = None


class ConnectDialog(QDialog):
    """Asks where the team book is and opens it; ``store`` holds it once accepted."""

    def __init__(self, recent: list[str], url: str | None = None, parent=None, *,
                 connect_now: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Connect to team book")
        self.store = None
        self._password: str | None = None  # typed for this session only
        self._attempt: _Attempt | None = None
        self._url = ""

        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent team books")
        for entry in recent:
            item = QListWidgetItem(describe(entry))
            item.setData(URL_ROLE, entry)
            self.recent.addItem(item)
        self.recent.setMaximumHeight(110)
        self.recent.currentItemChanged.connect(self._recent_chosen)
        self.recent.itemActivated.connect(lambda _: self._connect())
        self.recent_label = QLabel("&Recent team books:")
        self.recent_label.setBuddy(self.recent)

        self.server = QLineEdit()
        self.server.setPlaceholderText("dbhost, 192.0.2.10, or a postgresql://… address")
        self.port = QLineEdit(DEFAULT_PORT)
        self.port.setMaxLength(5)
        self.database = QLineEdit()
        self.database.setPlaceholderText("briefing")
        self.user = QLineEdit()
        self.user.setPlaceholderText(f"your login name ({_login_name()})")
        form = QFormLayout()
        for caption, widget, name in (("&Server:", self.server, "Server"),
                                      ("&Port:", self.port, "Port"),
                                      ("&Database:", self.database, "Database"),
                                      ("&User name:", self.user, "User name")):
            widget.setAccessibleName(name)
            label = QLabel(caption)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self._server_text = ""
        self.server.textChanged.connect(self._server_changed)
        self.server.editingFinished.connect(self._server_left)
        for widget in (self.server, self.port, self.database, self.user):
            widget.textChanged.connect(self._not_a_retry)

        note = QLabel("The password comes from ~/.pgpass, a connection service file or "
                      "PGPASSWORD. If none is found you are asked for it; it is used for "
                      "this session only and never saved.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        self.error = QLabel()
        self.error.setAccessibleName("Connection problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error.hide()
        self.progress = QLabel()
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self._connect)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.recent_label)
        layout.addWidget(self.recent)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        # Enter connects: set once the button is inside the dialog, or QDialog ignores it
        self.connect_button.setDefault(True)
        self.recent_label.setVisible(bool(recent))
        self.recent.setVisible(bool(recent))
        self.resize(480, self.sizeHint().height())
        if url:
            self._fill(url)
        elif recent:  # most people reconnect to the book they used last: Enter does it
            self.recent.setCurrentRow(0)
        self.server.setFocus()
        if url and connect_now:  # once the dialog shows: errors and questions appear in it
            QTimer.singleShot(0, self._connect)

    # --- fields ---------------------------------------------------------------

    def _fill(self, url: str):
        fields = url_fields(url)
        if fields is None:
            self.server.setText(url)
            return
        self.server.setText(fields["server"])
        self.port.setText(fields["port"])
        self.database.setText(fields["database"])
        self.user.setText(fields["user"])

    def _recent_chosen(self, item, _previous=None):
        if item is not None:
            self._fill(item.data(URL_ROLE))

    def _server_changed(self, text: str):
        # One character more is typing: "postgresql://a" is not yet the address
        # meant, and spreading it would take the rest of what is typed into Server
        # alone. A paste (or a recent entry) is spread at once; typing, when
        # Server is left or Enter pressed.
        typed = len(text) == len(self._server_text) + 1 and text.startswith(self._server_text)
        self._server_text = text
        whole = books.is_team_book(text.strip())
        if whole and not typed and url_fields(text.strip()) is not None:
            self._fill(text.strip())  # a plain address pasted whole: spread it over the fields
            return
        for widget in (self.port, self.database, self.user):
            widget.setEnabled(not whole)  # an address with options is used as typed

    def _server_left(self):
        text = self.server.text().strip()
        if books.is_team_book(text) and url_fields(text) is not None:
            self._fill(text)

    def url(self) -> str | None:
        """The address the fields describe; None after showing what is missing."""
        server = self.server.text().strip()
        if books.is_team_book(server):
            return server
        problems = []
        if not server:
            problems.append("Server: required (the database server's name or address)")
        port = self.port.text().strip()
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            problems.append(f"Port: “{port}” is not a port number (1 to 65535; usually 5432)")
        if not self.database.text().strip():
            problems.append("Database: required (the team book's database, e.g. briefing)")
        if problems:
            self._show_error("\n".join(problems))
            return None
        return team_book_url(server, port, self.database.text(), self.user.text())

    # --- connecting -------------------------------------------------------------

    def _connect(self, create: bool = False):
        if self._attempt is not None:
            return
        if not create:
            url = self.url()
            if url is None:
                return
            if url != self._url:
                self._password = None  # a password typed for another book
            self._url = url
        self.error.hide()
        self.progress.setText(f"{'Creating a team book in' if create else 'Connecting to'} "
                              f"{describe(self._url)}…")
        self.progress.show()
        self.connect_button.setEnabled(False)
        self._attempt = _Attempt(self._url, self._password, create)
        self._attempt.done.connect(self._finished)
        self._attempt.start()

    def _finished(self, store, error):
        self._attempt = None
        self.progress.hide()
        self.connect_button.setEnabled(True)
        if store is not None:
            self.store = store
            self.accept()
            return
        if not isinstance(error, BriefingError):
            raise error  # a bug: the window's exception hook logs it with its traceback
        if isinstance(error, PasswordNeededError):
            if self._ask_password():
                self._connect()
            else:
                self._show_error(str(error))
        elif isinstance(error, AuthenticationFailedError) and self._password is not None:
            self._password = None
            detail = str(error)
            self._show_error("The password you typed was refused.\n\n"
                             f"{detail[:1].upper()}{detail[1:]}")
        elif isinstance(error, EmptyDatabaseError):
            if self._offer_create():
                self._connect(create=True)
            else:
                self._show_error(str(error))
        elif isinstance(error, ServerUnreachableError):
            # the server may be restarting, the network coming back: Enter tries again
            self._show_error(f"{error}\n\nRetry, or choose another team book.")
            self.connect_button.setText("Re&try")
        else:
            self._show_error(str(error))

    def _not_a_retry(self, _text=""):
        """Fields changed: the button connects to what they now say."""
        self.connect_button.setText("Connect")

    def _ask_password(self) -> bool:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Password")
        dialog.setLabelText(f"The server asks for the password of {describe(self._url)}.\n"
                            "It is used for this session only and never saved "
                            "(to skip this question, put it in ~/.pgpass).")
        dialog.setTextEchoMode(QLineEdit.Password)
        dialog.setOkButtonText("Connect")
        if not dialog.exec() or not dialog.textValue():
            return False
        self._password = dialog.textValue()
        return True

    def _offer_create(self) -> bool:
        box = QMessageBox(QMessageBox.Question, "Connect to team book",
                          f"The database at {describe(self._url)} is empty.\n\n"
                          "Create a new, empty team book in it? (To fill it from a book "
                          "file, use File > Import JSON… afterwards, or 'briefing copy'.)",
                          parent=self)
        create = box.addButton("Create team book", QMessageBox.AcceptRole)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(create)
        box.exec()
        return box.clickedButton() is create

    def _show_error(self, message: str):
        self.error.setText(message[:1].upper() + message[1:])
        self.error.show()
        self._fit_height()

    def _fit_height(self):
        """Grow to the height the contents need at the dialog's width.

        A word-wrapped message gives the layout no minimum height (its height
        depends on the width), so the dialog kept its first height: the fields
        were squeezed and the message cut. The width stays as the user left it.
        """
        self.layout().activate()
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def reject(self):
        if self._attempt is not None:
            self._attempt.cancel()
            self._attempt = None
        super().reject()


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "the same as on this computer"
