"""The team-book tests' server: under CI=true a missing PostgreSQL fails the run, never skips."""

import pg_server
import pytest


@pytest.fixture
def no_postgresql(monkeypatch):
    monkeypatch.setattr(pg_server, "BIN_DIRS", [])
    monkeypatch.setattr(pg_server.shutil, "which", lambda name: None)


def test_ci_fails_without_a_server(no_postgresql, monkeypatch, tmp_path_factory):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs a PostgreSQL server"):
        next(pg_server.server_or_skip(tmp_path_factory))


def test_elsewhere_the_team_book_tests_are_skipped_with_the_reason(no_postgresql, monkeypatch,
                                                                    tmp_path_factory):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="initdb, pg_ctl"):
        next(pg_server.server_or_skip(tmp_path_factory))
