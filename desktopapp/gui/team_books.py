"""Team books in the window: connecting, live refresh from colleagues, the connection state.

A mixin of the main window. File > Connect to team book… opens the Connect
dialog; the window that gets the store replaces this one, as File > Open
does for a book file. Recent team books are remembered without any password
(they never hold one: the store refuses such URLs, and what is written is
stripped of one anyway).

On a team book the window does not poll: it listens (team_sync.py) and
refreshes within a moment of a colleague's save. When the server goes away
the status bar says so and keeps saying it; the user's unsaved edits stay in
their editors (a save meanwhile is refused with "nothing was changed"), and
the window reconnects by itself and reads everything again.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from .team_sync import BookListener

# The PostgreSQL driver (psycopg, with asyncio) is imported only for team books:
# the connection helpers and the Connect dialog load when first used.

RECENT_TEAM_MAX = 8
RECENT_TEAM_KEY = "team/recent"


def recent_team_books(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_TEAM_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [u for u in (value or []) if u]


def remember_team_book(settings: QSettings, url: str):
    from ..store.postgres.connection import without_password

    entries = [without_password(url)]
    entries += [u for u in recent_team_books(settings) if u != entries[0]]
    settings.setValue(RECENT_TEAM_KEY, entries[:RECENT_TEAM_MAX])


def is_team_store(store) -> bool:
    return getattr(store, "backend", "") == "postgresql"


def book_label(store) -> str:
    """How the title bar names the book: a file's name, or a team book's database and server."""
    if is_team_store(store):
        from ..store.postgres.connection import describe
        from .connect_dialog import url_fields
        fields = url_fields(describe(store.url))
        if fields is None:
            return f"Team book {store.path}"
        return f"Team book {fields['database']} on {fields['server']}:{fields['port']}"
    return store.path.name


def book_stem(store) -> str:
    """A file-name stem for exports and backups of the open book."""
    if is_team_store(store):
        from .connect_dialog import url_fields
        fields = url_fields(store.path) or {}
        return f"team-{fields.get('database') or 'book'}"
    return store.path.stem


class TeamBooks:
    """Connecting to team books and hearing colleagues' changes."""

    def connect_team_book(self, url: str | None = None) -> bool:
        """The Connect dialog (connecting at once to ``url``, a recent team book); the
        team book then opens in a window that replaces this one."""
        from .connect_dialog import ConnectDialog

        dialog = ConnectDialog(recent_team_books(self.settings), url, self,
                               connect_now=bool(url))
        if not dialog.exec() or dialog.store is None:
            return False
        return self.replace_with(dialog.store)

    def _start_listening(self) -> bool:
        """Listen to the book when it can tell us of changes; False: poll it instead."""
        listener = self.store.listen()
        self.book_listener = None
        self.connection_label = None
        if listener is None:
            return False
        self.connection_label = QLabel(f"Team book: {self.store.path}")
        self.connection_label.setAccessibleName("Connection")
        self.statusBar().addPermanentWidget(self.connection_label)
        self.book_listener = BookListener(listener)
        self.book_listener.changed.connect(self._team_changed)
        self.book_listener.lost.connect(self._team_lost)
        self.book_listener.restored.connect(self._team_restored)
        self.book_listener.start()
        return True

    def _stop_listening(self):
        if self.book_listener is not None:
            self.book_listener.stop()

    def connection_lost(self) -> bool:
        """True while a team book's server cannot be reached (the window is reconnecting)."""
        return self.book_listener is not None and self.book_listener.is_lost

    @staticmethod
    def unreachable() -> str:
        """What the window says of a read it did not try while the connection is lost."""
        return "the team book's server cannot be reached (reconnecting…)"

    def _team_changed(self, changes):
        others = [change for change in changes if not change.own]
        if not others:
            return  # our own saves: the window has shown them already
        who = sorted({change.by for change in others if change.by})
        self._refresh_quietly(f"{', '.join(who) or 'A colleague'} changed the book; refreshed")

    def _team_lost(self, message: str):
        self.connection_label.setText("Team book: connection lost — reconnecting… "
                                      "(your unsaved changes are kept)")
        self.connection_label.setStyleSheet("color: #A31515; font-weight: bold;")
        self.statusBar().showMessage(message.splitlines()[0], 15000)

    def _team_restored(self):
        self.connection_label.setText(f"Team book: {self.store.path}")
        self.connection_label.setStyleSheet("")
        self._refresh_quietly("Reconnected to the team book; refreshed")
        if not self.current_page().model.is_loaded():  # shown while the server was gone
            self._kind_changed(self.navigator.currentRow())
        for page in self.pages.made():  # a filter typed while the server was gone
            if page.filter.text() != page.model.filter_text():
                page.timer.start()

    def _refresh_quietly(self, message: str):
        self.refresh(quiet=True, note=message)
