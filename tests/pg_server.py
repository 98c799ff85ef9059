"""A real PostgreSQL server for the tests, from the Debian package.

``initdb`` makes a cluster in a temporary folder and ``pg_ctl`` starts it on
a Unix socket in that folder and on a free loopback port; it is stopped and
removed at the end of the session. PostgreSQL refuses to run as root, so
under root the server runs as the ``postgres`` system user (``runuser``).

Local connections through the socket trust the operating-system user (the
tests' superuser connection); TCP connections need a password
(scram-sha-256), which the tests give through a password file named by
``PGPASSFILE`` — the way analysts give theirs (``~/.pgpass``).

Under ``CI=true`` a missing PostgreSQL fails the run; elsewhere the tests
that need it are skipped with the reason.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN_DIRS = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (18, 17, 16, 15)]
SYSTEM_USER = "postgres"
EDITOR, EDITOR_PASSWORD = "analyst", "analyst-secret"
READER, READER_PASSWORD = "reader", "reader-secret"


def find_bin_dir() -> Path | None:
    for folder in BIN_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """A running test cluster: connection details and helpers to make databases."""

    folder: Path
    bin_dir: Path
    port: int
    run_as: list[str]
    _counter = itertools.count(1)

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def admin_conninfo(self, dbname: str = "postgres") -> str:
        """Superuser connection through the Unix socket (trusted, no password)."""
        return f"host={self.socket_dir} port={self.port} dbname={dbname} user={SYSTEM_USER}"

    def admin(self, sql: str, *params, dbname: str = "postgres"):
        import psycopg
        with psycopg.connect(self.admin_conninfo(dbname), autocommit=True) as conn:
            cursor = conn.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else None

    def url(self, dbname: str, user: str = EDITOR) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, template: str | None = None) -> str:
        """A fresh, empty database owned by the editor role; returns its name."""
        name = f"book_{os.getpid()}_{next(self._counter)}"
        clause = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name} OWNER {EDITOR}{clause}")
        # the read-only role may connect; what it may read is granted by the schema
        self.admin(f"GRANT CONNECT ON DATABASE {name} TO {READER}")
        return name

    def stop(self):
        subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, check=False)


def _run(run_as, *args, **kwargs):
    return subprocess.run([*run_as, *map(str, args)], capture_output=True, text=True,
                          check=False, **kwargs)


def start_server() -> PostgresServer:
    """Start a throw-away cluster; raise RuntimeError with the reason when impossible."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed "
                           "(Debian: apt-get install postgresql postgresql-contrib)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise RuntimeError("psycopg is not installed (pip install -e '.[test]')") from None
    folder = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise RuntimeError(f"running as root and there is no {SYSTEM_USER!r} user "
                               "to run the server as") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", SYSTEM_USER, "--"]
    os.chmod(folder, 0o700)
    pwfile = folder / "pw"
    pwfile.write_text("postgres-secret\n")
    if run_as:
        os.chown(pwfile, pwd.getpwnam(SYSTEM_USER).pw_uid, -1)
    result = _run(run_as, bin_dir / "initdb", "-D", folder / "data", "-U", SYSTEM_USER,
                  "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
    if result.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {result.stderr.strip()[-500:]}")
    port = _free_port()
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} "
               f"-c unix_socket_directories={folder} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
    result = _run(run_as, bin_dir / "pg_ctl", "-D", folder / "data", "-o", options,
                  "-l", folder / "server.log", "-w", "-t", "60", "start")
    if result.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace")[-800:] \
            if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip()[-300:]} {log}")
    server = PostgresServer(folder, bin_dir, port, run_as)
    try:
        _wait_ready(server)
        server.admin(f"CREATE ROLE {EDITOR} LOGIN PASSWORD '{EDITOR_PASSWORD}'")
        server.admin(f"CREATE ROLE {READER} LOGIN PASSWORD '{READER_PASSWORD}'")
    except BaseException:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server


def _wait_ready(server: PostgresServer, seconds: float = 30.0):
    import psycopg
    deadline = time.monotonic() + seconds
    while True:
        try:
            server.admin("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def write_passfile(server: PostgresServer, folder: Path) -> Path:
    """A libpq password file for the test roles (mode 0600, as libpq demands)."""
    path = folder / "pgpass"
    path.write_text(f"127.0.0.1:{server.port}:*:{EDITOR}:{EDITOR_PASSWORD}\n"
                    f"127.0.0.1:{server.port}:*:{READER}:{READER_PASSWORD}\n")
    path.chmod(0o600)
    return path


def server_or_skip(tmp_path_factory):
    """Generator body of the session fixture (see tests/conftest.py)."""
    try:
        server = start_server()
    except RuntimeError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI needs a PostgreSQL server for the team-book tests: {exc}",
                        pytrace=False)
        pytest.skip(f"no PostgreSQL server for the team-book tests: {exc}")
    passfile = write_passfile(server, tmp_path_factory.mktemp("pgpass"))
    old = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(passfile)
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = old
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
