"""Reaching a team book's PostgreSQL server, and saying why it failed.

A team book is named by a URL, ``postgresql://user@host:port/dbname``
(libpq's own syntax, so ``?service=…``, ``?sslmode=…`` and friends work).
Passwords come only from where libpq looks for them — ``~/.pgpass`` (or
``PGPASSFILE``), the connection service file, ``PGPASSWORD`` — never from
our settings: a URL that carries a password is refused before it is used,
so one cannot end up in the list of recent books.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from ...errors import (
    AuthenticationFailedError,
    BookError,
    BookReadOnlyError,
    BriefingError,
    PasswordNeededError,
    ServerUnreachableError,
)

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_SECONDS = 5
APPLICATION_NAME = "Briefing Desk"


def is_team_book(target) -> bool:
    """True when ``target`` names a team book (a PostgreSQL URL), not a file."""
    return isinstance(target, str) and target.lower().startswith(SCHEMES)


def describe(url: str) -> str:
    """The URL as people should see it: without any password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the team book"
    user, _, host = parts.netloc.rpartition("@")
    user = user.split(":", 1)[0]  # never show a password
    shown = f"postgresql://{user + '@' if user else ''}{host}{parts.path}"
    service = [item for item in parts.query.split("&") if item.lower().startswith("service=")]
    return f"{shown}?{service[0]}" if service else shown


def without_password(url: str) -> str:
    """The URL with any password removed (user info and ``?password=``), all else kept:
    what may be remembered in settings."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = "&".join(item for item in parts.query.split("&")
                     if item and item.split("=", 1)[0].lower() != "password")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def conninfo(url: str) -> str:
    """Check a team-book URL and return it for libpq; BookError says what is wrong."""
    if not is_team_book(url):
        raise BookError(f"{url!r} is not a team-book URL "
                        "(expected postgresql://user@host:port/dbname)")
    try:
        params = conninfo_to_dict(url)
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except (psycopg.ProgrammingError, ValueError) as exc:
        raise BookError(f"the team-book URL {describe(url)} cannot be read: "
                        f"{first_line(exc)}") from None
    if params.get("password") or parts.password:
        raise BookError("the team-book URL contains a password; remove it and put the "
                        "password in ~/.pgpass (or a connection service file, or "
                        "PGPASSWORD) so it is never written to settings")
    if not params.get("dbname") and not params.get("service"):
        raise BookError(f"the team-book URL {describe(url)} names no database "
                        "(postgresql://user@host:port/dbname)")
    return url


def connect_kwargs(password: str | None = None) -> dict:
    """Options of every connection; ``password`` is one the user typed for this session
    (the window's prompt), kept in memory only."""
    kwargs = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": APPLICATION_NAME}
    if password is not None:
        kwargs["password"] = password
    return kwargs


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_AUTH = re.compile(r"password authentication failed|authentication failed|no password supplied|"
                   r"fe_sendauth|no pg_hba\.conf entry|role \".*\" does not exist", re.I)
_NO_PASSWORD = re.compile(r"no password supplied", re.I)
_NO_DB = re.compile(r"database \".*\" does not exist", re.I)


_BAD_VALUE = re.compile(r'invalid (\w+) value: "(.*?)"')
_BAD_INTEGER = re.compile(r'invalid integer value "(.*?)" for connection option "(\w+)"')
_BAD_PORT = re.compile(r'invalid port number: "(.*?)"')
_NO_SERVICE = re.compile(r'definition of service "(.*?)" not found')
_NO_SERVICE_FILE = re.compile(r'service file "(.*?)" not found')
_NO_SSL = re.compile(r"server does not support SSL, but SSL was required")
_NO_FILE = re.compile(r'(root certificate|certificate|private key) file "(.*?)" does not exist')


def _option_error(text: str, where: str) -> BriefingError | None:
    """An error naming the connection option (or service) that is wrong, or None.

    libpq reports a bad option while it connects, in words that read like an
    unreachable server; these are mistakes in the URL or the service file.
    """
    if found := _BAD_VALUE.search(text):
        name, value = found.groups()
        return BookError(f"the connection option {name} has an invalid value {value!r} "
                         f"(team book {where}): correct it in the URL after '?' or in the "
                         "connection service file")
    if found := _BAD_INTEGER.search(text):
        value, name = found.groups()
        return BookError(f"the connection option {name} has an invalid value {value!r} "
                         f"(team book {where}): it must be a whole number")
    if found := _BAD_PORT.search(text):
        return BookError(f"the port {found.group(1)!r} of the team book {where} is not a "
                         "port number")
    if found := _NO_SERVICE_FILE.search(text):
        return BookError(f"the connection service file {found.group(1)} (named by "
                         f"PGSERVICEFILE) does not exist (team book {where})")
    if found := _NO_SERVICE.search(text):
        return BookError(
            f"service {found.group(1)!r} is not defined in the service file "
            "(PGSERVICEFILE, ~/.pg_service.conf or the system's pg_service.conf); "
            f"team book {where}")
    if _NO_SSL.search(text):
        return BookError(f"the server of {where} does not offer SSL, but the connection "
                         "option sslmode asks for it: ask the administrator, or change "
                         "sslmode in the URL or the connection service file")
    if found := _NO_FILE.search(text):
        what, path = found.groups()
        return BookError(f"the {what} file {path} named by the connection options of {where} "
                         "does not exist")
    return None


def connection_error(exc: BaseException, url: str) -> BriefingError:
    """An error for people from a failure to connect (server, password, database,
    a connection option or service that is wrong)."""
    where = describe(url)
    text = first_line(exc)
    option_error = _option_error(str(exc), where)
    if option_error is not None:
        return option_error
    if _NO_PASSWORD.search(str(exc)):
        return PasswordNeededError(
            f"the server of {where} asks for a password and none was found in ~/.pgpass, "
            "the connection service file or PGPASSWORD")
    if isinstance(exc, pg_errors.InvalidPassword) or _AUTH.search(str(exc)):
        return AuthenticationFailedError(
            f"the server of {where} refused the login: {text}. Check the user name, and the "
            "password in ~/.pgpass, the connection service file or PGPASSWORD")
    if isinstance(exc, pg_errors.InvalidCatalogName) or _NO_DB.search(str(exc)):
        return BookError(f"there is no database at {where} ({text}); create it first "
                         "(see db/postgresql/README.md)")
    return ServerUnreachableError(
        f"cannot reach the database server of {where}: {text}. Is the server running, "
        "and are host and port right?")


def storage_error(exc: psycopg.Error, url: str) -> BriefingError:
    """An error for people from a failure during work on an open team book."""
    where = describe(url)
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return BookReadOnlyError(f"your database role may not change {where} "
                                 f"({first_line(exc)}); nothing was changed")
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return BookReadOnlyError(f"your database role may only read {where} "
                                 f"({first_line(exc)}); nothing was changed")
    if isinstance(exc, psycopg.OperationalError | pg_errors.AdminShutdown):
        return ServerUnreachableError(f"the connection to {where} was lost "
                                      f"({first_line(exc)}); nothing was changed")
    if isinstance(exc, pg_errors.QueryCanceled):
        return BookError(f"the team book {where} took too long to answer; try again")
    if isinstance(exc, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
        return BookError(f"another user's change got in the way at {where}; "
                         "nothing was changed, try again")
    raise exc  # anything else is a bug: the caller logs it with its traceback
