"""Hearing a team book's changes as they commit (store/postgres/listening.py), and the
errors the window's Connect dialog tells apart."""

import pytest

from desktopapp import books
from desktopapp.domain import Actor
from desktopapp.errors import (
    AuthenticationFailedError,
    EmptyDatabaseError,
    PasswordNeededError,
    ServerUnreachableError,
)
from desktopapp.store.postgres import TeamStore


def wait_for(listener, count, rounds=40):
    """Changes until ``count`` were heard (each wait() blocks up to a second)."""
    heard = []
    for _ in range(rounds):
        heard += listener.wait(1.0)
        if len(heard) >= count:
            break
    return heard


def test_listener_hears_a_colleagues_save_and_knows_its_own(team_store):
    listener = team_store.listen()
    listener.connect()
    try:
        assert listener.wait(0) == []
        with TeamStore.open(team_store.url, analyst="Anna Kowalska") as anna:
            actor = anna.save(Actor(name="Hakan Fidan"))
        [change] = wait_for(listener, 1)
        assert (change.by, change.records, change.everything, change.own) == (
            "Anna Kowalska", (("actor", actor.id),), False, False)
        team_store.save(team_store.get_actor(actor.id))
        [change] = wait_for(listener, 1)
        assert change.own and change.by == "analyst"
    finally:
        listener.close()


def test_a_sqlite_book_has_no_listener(store):
    assert store.listen() is None


def test_lost_connection_is_reported_and_reconnects(postgres_server, team_store):
    listener = team_store.listen()
    listener.connect()
    try:
        dbname = team_store.url.rsplit("/", 1)[1]
        postgres_server.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", dbname)
        with pytest.raises(ServerUnreachableError, match="was lost"):
            wait_for(listener, 1)
        assert not listener.connected
        listener.connect()  # also drops the pool's connections the server closed
        actor = team_store.save(Actor(name="Ali Shamkhani"))  # no stale pooled connection
        assert [c.records for c in wait_for(listener, 1)] == [(("actor", actor.id),)]
    finally:
        listener.close()


def test_no_password_anywhere_asks_for_one(team_store, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-passfile"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with pytest.raises(PasswordNeededError, match="asks for a password"):
        TeamStore.open(team_store.url)
    with pytest.raises(AuthenticationFailedError, match="refused the login") as caught:
        TeamStore.open(team_store.url, password="wrong")
    assert not isinstance(caught.value, PasswordNeededError)
    with books.open_team_book(team_store.url, password="analyst-secret") as store:
        listener = store.listen()
        listener.connect()  # the typed password serves the listener too
        listener.close()
        assert store.count("actor") == 0


def test_an_empty_database_is_told_apart(team_book_url):
    with pytest.raises(EmptyDatabaseError, match="is empty"):
        TeamStore.open(team_book_url)
