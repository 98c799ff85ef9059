import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import gui_user  # noqa: E402
import pytest  # noqa: E402
from pg_server import server_or_skip  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from desktopapp import books  # noqa: E402
from desktopapp.store import BriefingStore  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "db" / "fixtures"


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user's book, settings and logs."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    # Qt reads the config folder once per process: point QSettings at this test's home
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(home / "qsettings"))
    return home


@pytest.fixture
def book_path(tmp_path):
    path = tmp_path / "book.sqlite"
    books.create_book(path)
    return path


@pytest.fixture
def store(book_path):
    with BriefingStore.open(book_path) as s:
        yield s


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    books.create_book(path, sample=True)
    return path


@pytest.fixture
def sample_path(tmp_path, sample_template):
    path = tmp_path / "sample.sqlite"
    shutil.copy(sample_template, path)
    return path


@pytest.fixture
def sample_store(sample_path):
    with BriefingStore.open(sample_path) as s:
        yield s


def file_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL server for the session (tests/pg_server.py); fails under CI=true."""
    yield from server_or_skip(tmp_path_factory)


@pytest.fixture
def team_book_url(postgres_server):
    """The URL of a fresh, empty database for one test, owned by the editor role."""
    return postgres_server.url(postgres_server.new_database())


@pytest.fixture(scope="session")
def team_book_template(postgres_server):
    """A database holding an empty team book, copied for each test that wants one.

    CREATE DATABASE … TEMPLATE copies it in a fraction of the time the
    migrations take (the figures are in tests/pg_server.py).
    """
    from desktopapp.store.postgres import TeamStore
    name = postgres_server.new_database()
    TeamStore.open(postgres_server.url(name), create=True).close()
    return name


@pytest.fixture(scope="session")
def team_sample_template(postgres_server, team_book_template):
    """A database holding a team book with the sample book in it, copied per test."""
    from desktopapp.store.postgres import TeamStore
    name = postgres_server.new_database(template=team_book_template)
    with TeamStore.open(postgres_server.url(name)) as store:
        books.load_sample(store)
    return name


@pytest.fixture
def team_store(postgres_server, team_book_template):
    """An empty team book of its own for one test (its URL is ``team_store.url``)."""
    from desktopapp.store.postgres import TeamStore
    url = postgres_server.url(postgres_server.new_database(template=team_book_template))
    with TeamStore.open(url) as s:
        yield s


@pytest.fixture
def team_sample_url(postgres_server, team_sample_template):
    """The URL of a team book of its own holding the sample book."""
    return postgres_server.url(postgres_server.new_database(template=team_sample_template))


@pytest.fixture
def team_sample(team_sample_url):
    """A team book holding the sample book."""
    from desktopapp.store.postgres import TeamStore
    with TeamStore.open(team_sample_url) as s:
        yield s


def both_backends(sqlite_fixture: str, team_fixture: str):
    """A fixture that runs each test once on a SQLite book and once on a team book."""
    @pytest.fixture(params=["sqlite", "postgresql"])
    def either(request):
        fixture = sqlite_fixture if request.param == "sqlite" else team_fixture
        return request.getfixturevalue(fixture)
    return either


# --- the main window, driven as a user (helpers in gui_user.py) -------------------------

@pytest.fixture
def unanswered(qapp):
    """A dialog no test answers is closed after a few seconds and fails the test."""
    watchdog = gui_user.UnansweredDialogs()
    yield watchdog
    watchdog.stop()
    watchdog.check()


@pytest.fixture
def window(qtbot, sample_path, unanswered):
    win = gui_user.open_window(qtbot, sample_path)
    yield win
    gui_user.close_quietly(win)


@pytest.fixture
def dialogs(qtbot, unanswered):
    return gui_user.DialogAnswers(qtbot)


