"""Errors a person should see, each with a message written for people.

Anything that is not one of these is a bug: the CLI and the GUI log its
traceback and show a short notice instead.
"""


class BriefingError(Exception):
    """Base class of every error whose message is meant for the user."""


class ValidationError(BriefingError):
    """A record breaks a rule; ``problems`` lists (field, message) pairs."""

    def __init__(self, problems, record_label=""):
        self.problems = list(problems)
        self.record_label = record_label
        text = "; ".join(f"{field}: {message}" for field, message in self.problems)
        prefix = f"{record_label}: " if record_label else ""
        super().__init__(prefix + text)


class NotFoundError(BriefingError):
    """The requested record does not exist (or no longer exists)."""


class ConflictError(BriefingError):
    """The record was changed by someone else since it was loaded.

    ``current`` is the record as it is now in the book, when the store could
    read it (an editor shows it beside the user's unsaved copy).
    """

    def __init__(self, message, current=None):
        super().__init__(message)
        self.current = current


class LinkedRecordError(BriefingError):
    """A delete was refused because other records still depend on this one."""

    def __init__(self, message, linked):
        super().__init__(message)
        self.linked = list(linked)


class BookError(BriefingError):
    """The book file cannot be used: foreign file, newer schema, unreadable."""


class BookLockedError(BookError):
    """Another program holds the book's write lock for too long."""


class ImportFormatError(BriefingError):
    """A briefing-book JSON file is malformed; the message names the place."""


class ImportStoppedError(BriefingError):
    """The process reading an import's file was stopped (killed, or out of memory)."""


class BookReadOnlyError(BookError):
    """The book cannot be written: read-only mount, immutable or read-only file."""


class BookDamagedError(BookError):
    """SQLite found the file damaged; the message says how to restore it."""


class UnknownSchemaError(BookError):
    """The book holds tables, indexes, triggers or views our migrations did not create."""

    def __init__(self, message, difference):
        super().__init__(message)
        self.difference = difference


class StoredRecordError(BookError):
    """A record stored in the book breaks the rules (e.g. a hand-edited row)."""


class ServerUnreachableError(BookError):
    """A team book's database server cannot be reached (down, wrong host or port)."""


class AuthenticationFailedError(BookError):
    """The database server refused the user name or password of a team book."""


class PasswordNeededError(AuthenticationFailedError):
    """The server asks for a password and libpq found none (~/.pgpass, service, PGPASSWORD)."""


class EmptyDatabaseError(BookError):
    """A team book's database exists but holds nothing yet: a team book can be made in it."""


class OperationCancelledError(BriefingError):
    """The user stopped a long job (an import, export or backup); what it did is undone."""
