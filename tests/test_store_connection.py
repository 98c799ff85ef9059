"""The store's connection keeps sqlite-utils' transaction rules (store/connection.py)."""

import sqlite3

import pytest

from desktopapp.store.connection import Connection, first_keyword


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "t.sqlite"
    db = Connection(sqlite3.connect(path))
    db.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    yield db
    db.close()


def rows(db):
    return [x for (x,) in db.execute("SELECT x FROM t ORDER BY x")]


def other_sees(db):
    """What another connection to the same file sees: only what was committed."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    conn = sqlite3.connect(path)
    try:
        return [x for (x,) in conn.execute("SELECT x FROM t ORDER BY x")]
    finally:
        conn.close()


def test_a_write_outside_a_transaction_is_committed_at_once(db):
    db.execute("INSERT INTO t VALUES (?)", [1])
    assert not db.conn.in_transaction and other_sees(db) == [1]
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1


def test_a_failed_statement_leaves_no_transaction_open(db):
    db.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t VALUES (1)")
    assert not db.conn.in_transaction
    db.execute("INSERT INTO t VALUES (2)")
    assert other_sees(db) == [1, 2]


def test_atomic_commits_together_or_not_at_all_and_nests_as_savepoints(db):
    with db.atomic():
        db.execute("INSERT INTO t VALUES (1)")
        assert other_sees(db) == []  # not before the block ends
        with pytest.raises(ValueError):
            with db.atomic():
                db.execute("INSERT INTO t VALUES (2)")
                raise ValueError("inner block fails")
        db.execute("INSERT INTO t VALUES (3)")
    assert other_sees(db) == [1, 3]  # the inner block alone was undone
    with pytest.raises(ValueError):
        with db.atomic():
            db.execute("INSERT INTO t VALUES (4)")
            raise ValueError("outer block fails")
    assert rows(db) == [1, 3] and not db.conn.in_transaction


def test_statements_that_control_transactions_are_not_committed_for(db):
    db.execute("BEGIN")
    db.execute("INSERT INTO t VALUES (1)")
    assert db.conn.in_transaction  # inside the caller's transaction: theirs to commit
    db.rollback()
    db.rollback()  # nothing open: nothing to do
    assert rows(db) == []


@pytest.mark.parametrize("sql, keyword", [
    ("select 1", "SELECT"), ("  -- note\n/* more */ ;begin immediate", "BEGIN"),
    ("\ufeffCOMMIT", "COMMIT"), ("-- only a comment", ""), ("/* open", ""), ("", ""),
    (";/* open", ""), ("; -- only a comment", ""),
    ("release_x", "RELEASE_X"),
    # the keyword ends at its line: a later line does not hide it
    ("-- why\nbegin\n", "BEGIN"), ("\n-- one\n-- two\nsavepoint a", "SAVEPOINT"),
    # a comment ends at its own first */, the shortest being /**/
    ("/* a */ begin /* b */", "BEGIN"), ("/**/commit", "COMMIT"), ("/* a */ /* b */ end", "END")])
def test_first_keyword(sql, keyword):
    assert first_keyword(sql) == keyword
