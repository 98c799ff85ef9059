"""Hearing a team book's changes as they commit: LISTEN on the store's channel.

Every write of a TeamStore sends one NOTIFY when it commits (the payload is
described in db/postgresql/README.md). A ChangeListener keeps a connection
of its own — not one of the store's pool, which other work borrows and which
would drop the LISTEN — and hands back what it heard as BookChange values.
It blocks only inside ``wait()``, for as long as it is told, so a program
calls it from a thread of its own (the window does, gui/team_sync.py).

TCP keepalives make a server that vanished without closing the connection
(a cable pulled, a laptop suspended) show up as a lost connection within
about half a minute instead of never.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import psycopg

from ...errors import ServerUnreachableError
from . import connection
from .store import CHANNEL

KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
              "keepalives_count": 3}


@dataclass(frozen=True)
class BookChange:
    """One committed write to the team book."""

    by: str  #: who made it: the analyst name, else the database role
    records: tuple[tuple[str, int], ...]  #: (kind, id) of each record written
    everything: bool  #: too many records to name (an import): read everything again
    own: bool  #: written by the store this listener belongs to (this program)


class ChangeListener:
    """LISTENs on a team book; ``wait()`` returns the changes committed since."""

    def __init__(self, store):
        self._store = store
        self._conn: psycopg.Connection | None = None
        self._was_connected = False

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def connect(self) -> None:
        """(Re)open the listening connection.

        Raises ServerUnreachableError or AuthenticationFailedError. After a
        lost connection it also drops the store's pooled connections the
        server closed, so the user's next save does not fail on one of them.
        """
        self.close()
        url = self._store.url
        try:
            conn = psycopg.connect(url, autocommit=True, **KEEPALIVES,
                                   **connection.connect_kwargs(self._store._password))
        except psycopg.Error as exc:
            raise connection.connection_error(exc, url) from None
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            conn.close()
            raise connection.connection_error(exc, url) from None
        self._conn = conn
        if self._was_connected:
            self._store._check_connections()
        self._was_connected = True

    def wait(self, timeout: float) -> list[BookChange]:
        """The changes committed since the last call, waiting up to ``timeout`` seconds
        for the first. Raises ServerUnreachableError when the connection is lost
        (then ``connect()`` again; changes made meanwhile were not heard)."""
        if not self.connected:
            raise ServerUnreachableError(f"not listening to {self._store.path}")
        try:
            notes = list(self._conn.notifies(timeout=timeout, stop_after=1))
            if notes:  # whatever else has arrived, in one batch
                notes += list(self._conn.notifies(timeout=0))
        except psycopg.Error as exc:
            self.close()
            raise ServerUnreachableError(
                f"the connection to {self._store.path} was lost "
                f"({connection.first_line(exc)})") from None
        own = self._store._own_pids
        return [_change(note.payload, note.pid in own) for note in notes
                if note.channel == CHANNEL]

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass  # already gone with the server
            self._conn = None


def _change(payload: str, own: bool) -> BookChange:
    try:
        data = json.loads(payload)
        by = str(data.get("by", ""))
        records = tuple((str(kind), int(i)) for kind, i in data.get("changes", []))
        everything = bool(data.get("all", False))
    except (ValueError, TypeError, AttributeError):
        # not one of ours (someone ran NOTIFY by hand): read everything to be safe
        return BookChange("", (), True, own)
    return BookChange(by, records, everything, own)
