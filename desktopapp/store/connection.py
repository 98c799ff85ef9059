"""The store's connection to a book file: sqlite-utils' transaction rules, without sqlite-utils.

Importing sqlite-utils (with click, pluggy, dateutil and http.client) took
about 50 ms, a third of a ``briefing card`` or ``briefing show`` started
from the shell, and the store uses four things of it: ``execute`` (a write
outside a transaction commits at once), ``atomic`` (a transaction, nested
ones as savepoints), ``rollback`` and ``close``. They are here, with the
same rules. Only creating or upgrading a book imports sqlite-utils, whose
``Migrations`` run on ``as_sqlite_utils()`` (migrations.py).
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import contextmanager

# statements that open or close a transaction themselves: never committed for them
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}
_savepoints = itertools.count(1)


def first_keyword(sql: str) -> str:
    """The statement's first keyword, upper-cased, after blanks, comments, bare ``;`` and a
    byte order mark (what the sqlite3 module skips too); "" if there is none."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


class Connection:
    """A book's sqlite3 connection with the store's transaction rules (``conn`` is the
    sqlite3 connection itself)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        # as sqlite-utils sets it: a trigger's own writes fire triggers too
        self.execute("PRAGMA recursive_triggers = ON")

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        """Run one statement. A write outside a transaction is committed at once; inside
        one it becomes part of it. A failed statement leaves no transaction open."""
        was_in_transaction = self.conn.in_transaction
        try:
            if parameters is None:
                cursor = self.conn.execute(sql)
            else:
                cursor = self.conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                # the implicit transaction the statement opened would capture
                # every later write
                self.conn.execute("ROLLBACK")
            raise
        if (not was_in_transaction and self.conn.in_transaction
                and cursor.description is None
                and first_keyword(sql) not in _TRANSACTION_CONTROL):
            self.conn.execute("COMMIT")
        return cursor

    @contextmanager
    def atomic(self):
        """A transaction around the block, or a savepoint inside one already open; an
        exception undoes the block's writes and goes on."""
        if self.conn.in_transaction:
            savepoint = f"briefing_{next(_savepoints)}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                # a RAISE(ROLLBACK) trigger may have ended the whole
                # transaction, savepoint included: nothing left to undo
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        else:
            self.conn.execute("BEGIN")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.rollback()
                    raise

    def rollback(self) -> None:
        """Undo the open transaction, if any."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def as_sqlite_utils(self):
        """The same connection as a sqlite-utils Database, for the migrations."""
        from sqlite_utils import Database

        # execute_plugins=False: no scan of installed packages for plugins,
        # and no third-party code run on the connection to a book
        return Database(self.conn, execute_plugins=False)
