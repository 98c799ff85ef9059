import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
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
