"""The book's schema, as named migrations applied in order.

Each migration runs inside the upgrade's single ``BEGIN IMMEDIATE``
transaction (sqlite-utils nests it as a savepoint), so an upgrade either
completes or leaves the book as it was. ``PRAGMA user_version`` holds the
number of migrations applied, so a program can tell a newer book at once.

Never edit a released migration: add a new one. Fixture books of every
released schema live in db/fixtures/ and tests upgrade each of them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported for it (opening a book needs none)
if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

# (name, function) in the order they run. ``MIGRATIONS``, sqlite-utils'
# Migrations of them, is made when first used (creating, upgrading or
# checking a book): opening a current book needs neither it nor sqlite-utils
# (see connection.py).
_STEPS: list[tuple[str, object]] = []


def _migration(name: str):
    def register(function):
        _STEPS.append((name, function))
        return function
    return register


def __getattr__(name: str):
    if name != "MIGRATIONS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sqlite_utils.migrations import Migrations

    migrations = Migrations("briefing-desk")
    for step, function in _STEPS:
        migrations(name=step)(function)
    globals()["MIGRATIONS"] = migrations
    return migrations


# Written into the SQLite header at creation: marks the file as ours.
APPLICATION_ID = 0x42444B31  # "BDK1"

_COMMON = """
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
"""


def _run(db: Database, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@_migration(name="0001_create_briefing_book")
def create_briefing_book(db: Database) -> None:
    _run(db, f"""
    CREATE TABLE book_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE sources ({_COMMON},
        citation TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        accessed TEXT);

    CREATE TABLE actors ({_COMMON},
        kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation', 'state', 'group')),
        name TEXT NOT NULL,
        native_name TEXT NOT NULL DEFAULT '',
        aliases TEXT NOT NULL DEFAULT '[]',
        title TEXT NOT NULL DEFAULT '',
        biography TEXT NOT NULL DEFAULT '',
        photo BLOB,
        tags TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX actors_by_name ON actors (name COLLATE NOCASE, id);
    CREATE INDEX actors_by_kind ON actors (kind, name COLLATE NOCASE);

    CREATE TABLE actor_affiliations (
        actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
        affiliated_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        PRIMARY KEY (actor_id, affiliated_id));
    CREATE INDEX actor_affiliations_by_target ON actor_affiliations (affiliated_id);

    CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        topic TEXT NOT NULL,
        stance TEXT NOT NULL,
        as_of TEXT,
        source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL);
    CREATE INDEX positions_by_actor ON positions (actor_id, ord);
    CREATE INDEX positions_by_source ON positions (source_id);

    CREATE TABLE meetings ({_COMMON},
        title TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('talks', 'summit', 'bilateral', 'multilateral',
            'phone_call', 'video_call', 'consultation', 'other')),
        date TEXT NOT NULL,
        start_time TEXT,
        duration_minutes INTEGER,
        place TEXT NOT NULL DEFAULT '',
        agenda TEXT NOT NULL DEFAULT '',
        outcomes TEXT NOT NULL DEFAULT '',
        follow_ups TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
        tags TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX meetings_by_date ON meetings (date, id);
    CREATE INDEX meetings_by_title ON meetings (title COLLATE NOCASE, id);

    -- Taking part in a meeting makes an actor undeletable (RESTRICT): the
    -- store refuses and names the meetings unless the caller forces it.
    CREATE TABLE meeting_hosts (
        meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE RESTRICT,
        capacity TEXT NOT NULL CHECK (capacity IN ('host', 'mediator')),
        ord INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, capacity, actor_id));
    CREATE INDEX meeting_hosts_by_actor ON meeting_hosts (actor_id);

    CREATE TABLE participants (
        meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE RESTRICT,
        ord INTEGER NOT NULL,
        side TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('head', 'member', 'mediator', 'observer')),
        PRIMARY KEY (meeting_id, actor_id));
    CREATE INDEX participants_by_actor ON participants (actor_id);

    CREATE TABLE recommendations ({_COMMON},
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        addressee TEXT NOT NULL DEFAULT '',
        rationale TEXT NOT NULL DEFAULT '',
        priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
        status TEXT NOT NULL CHECK (status IN ('proposed', 'adopted', 'rejected', 'implemented')),
        author TEXT NOT NULL DEFAULT '',
        date TEXT,
        tags TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX recommendations_by_title ON recommendations (title COLLATE NOCASE, id);

    CREATE TABLE recommendation_actors (
        recommendation_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
        actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
        relation TEXT NOT NULL CHECK (relation IN ('addressee', 'concerns')),
        ord INTEGER NOT NULL,
        PRIMARY KEY (recommendation_id, relation, actor_id));
    CREATE INDEX recommendation_actors_by_actor ON recommendation_actors (actor_id);

    CREATE TABLE recommendation_meetings (
        recommendation_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        PRIMARY KEY (recommendation_id, meeting_id));
    CREATE INDEX recommendation_meetings_by_meeting ON recommendation_meetings (meeting_id);

    CREATE TABLE actor_sources (
        record_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL, PRIMARY KEY (record_id, source_id));
    CREATE INDEX actor_sources_by_source ON actor_sources (source_id);
    CREATE TABLE meeting_sources (
        record_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL, PRIMARY KEY (record_id, source_id));
    CREATE INDEX meeting_sources_by_source ON meeting_sources (source_id);
    CREATE TABLE recommendation_sources (
        record_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL, PRIMARY KEY (record_id, source_id));
    CREATE INDEX recommendation_sources_by_source ON recommendation_sources (source_id);

    -- One full-text row per record, rowid = record id * 8 + kind code, so a
    -- record's row is found without scanning. ``folds`` holds words whose
    -- letters Unicode cannot decompose (Ł, ø, ß ...) spelt in plain Latin.
    CREATE VIRTUAL TABLE search_index USING fts5 (
        title, body, folds,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3')
    """)


@_migration(name="0002_add_memos")
def add_memos(db: Database) -> None:
    _run(db, f"""
    CREATE TABLE memos ({_COMMON},
        title TEXT NOT NULL,
        number TEXT NOT NULL DEFAULT '',
        date TEXT NOT NULL,
        authors TEXT NOT NULL DEFAULT '[]',
        lead TEXT NOT NULL DEFAULT '',
        sections TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX memos_by_date ON memos (date, id);
    CREATE INDEX memos_by_title ON memos (title COLLATE NOCASE, id);

    CREATE TABLE memo_links (
        memo_id INTEGER NOT NULL REFERENCES memos (id) ON DELETE CASCADE,
        meeting_id INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
        actor_id INTEGER REFERENCES actors (id) ON DELETE CASCADE,
        recommendation_id INTEGER REFERENCES recommendations (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        CHECK ((meeting_id IS NOT NULL) + (actor_id IS NOT NULL)
               + (recommendation_id IS NOT NULL) = 1));
    CREATE INDEX memo_links_by_memo ON memo_links (memo_id, ord);
    CREATE INDEX memo_links_by_meeting ON memo_links (meeting_id);
    CREATE INDEX memo_links_by_actor ON memo_links (actor_id);
    CREATE INDEX memo_links_by_recommendation ON memo_links (recommendation_id);

    CREATE TABLE memo_sources (
        record_id INTEGER NOT NULL REFERENCES memos (id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL, PRIMARY KEY (record_id, source_id));
    CREATE INDEX memo_sources_by_source ON memo_sources (source_id)
    """)


@_migration(name="0003_search_across_spellings")
def search_across_spellings(db: Database) -> None:
    # The index gains columns for folded spellings (Arabic, Hebrew,
    # transliteration marks), CJK pieces and whole-name keys, and a
    # one-character prefix index. FTS5 tables cannot be altered: the index is
    # made anew, and filled by the store when it next opens the book (this
    # migration must not depend on how today's program reads records).
    _run(db, """
    DROP TABLE search_index;
    CREATE VIRTUAL TABLE search_index USING fts5 (
        title, body, title_extra, body_extra,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3');
    INSERT OR REPLACE INTO book_meta (key, value) VALUES ('search_index_stale', '1')
    """)


@_migration(name="0004_dates_roles_priority")
def add_approximate_dates_role_labels_optional_priority(db: Database) -> None:
    """Meetings over several days and approximate dates, the analyst's own role
    labels, approximate durations, and recommendations with no priority given.

    SQLite cannot drop a NOT NULL constraint in place, so the recommendations
    table is rebuilt (the documented create-copy-drop-rename procedure; the
    upgrade runs with foreign keys off and checks them before it commits).
    """
    _run(db, """
    ALTER TABLE meetings ADD COLUMN end_date TEXT;
    ALTER TABLE meetings ADD COLUMN date_precision TEXT NOT NULL DEFAULT 'day'
        CHECK (date_precision IN ('day', 'month', 'year'));
    ALTER TABLE meetings ADD COLUMN duration_approx TEXT NOT NULL DEFAULT 'exact'
        CHECK (duration_approx IN ('exact', 'about', 'almost', 'over'));
    ALTER TABLE positions ADD COLUMN as_of_precision TEXT NOT NULL DEFAULT 'day'
        CHECK (as_of_precision IN ('day', 'month', 'year'));
    ALTER TABLE participants ADD COLUMN role_label TEXT NOT NULL DEFAULT '';

    CREATE TABLE recommendations_new (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        addressee TEXT NOT NULL DEFAULT '',
        rationale TEXT NOT NULL DEFAULT '',
        priority TEXT CHECK (priority IN ('high', 'medium', 'low')),
        status TEXT NOT NULL CHECK (status IN ('proposed', 'adopted', 'rejected', 'implemented')),
        author TEXT NOT NULL DEFAULT '',
        date TEXT,
        tags TEXT NOT NULL DEFAULT '[]');
    INSERT INTO recommendations_new (id, uid, created_at, updated_at, version, title, text,
        addressee, rationale, priority, status, author, date, tags)
        SELECT id, uid, created_at, updated_at, version, title, text,
        addressee, rationale, priority, status, author, date, tags FROM recommendations;
    DROP TABLE recommendations;
    ALTER TABLE recommendations_new RENAME TO recommendations;
    CREATE INDEX recommendations_by_title ON recommendations (title COLLATE NOCASE, id)
    """)


@_migration(name="0005_search_rows_by_kind")
def search_rows_by_kind(db: Database) -> None:
    # Index rowids become kind code << 40 | record id (they were id * 8 +
    # code), so a search limited to one kind reads only that kind's rows.
    # The store re-indexes every record when it next opens the book. The
    # table is made anew rather than emptied: deleting the rows of an FTS5
    # table writes a delete marker per word, and a million records' markers
    # slowed every later query a hundredfold.
    (ddl,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'search_index'").fetchone()
    db.execute("DROP TABLE search_index")
    db.execute(ddl)
    db.execute("INSERT OR REPLACE INTO book_meta (key, value) "
               "VALUES ('search_index_stale', '1')")


@_migration(name="0006_who_changed")
def who_changed(db: Database) -> None:
    # Who made the last change to each record (the analyst's name, see
    # paths.named_analyst), as a team book records it; '' for records
    # last changed before this schema.
    for table in ("sources", "actors", "meetings", "recommendations", "memos"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN changed_by TEXT NOT NULL DEFAULT ''")


@_migration(name="0007_status_not_given")
def recommendation_status_may_be_unknown(db: Database) -> None:
    """A recommendation's status may be NULL: "no status given" (advice taken from a
    source, whose fate nobody has recorded). The table is rebuilt as in 0004."""
    _run(db, """
    CREATE TABLE recommendations_new (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        addressee TEXT NOT NULL DEFAULT '',
        rationale TEXT NOT NULL DEFAULT '',
        priority TEXT CHECK (priority IN ('high', 'medium', 'low')),
        status TEXT CHECK (status IN ('proposed', 'adopted', 'rejected', 'implemented')),
        author TEXT NOT NULL DEFAULT '',
        date TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        changed_by TEXT NOT NULL DEFAULT '');
    INSERT INTO recommendations_new (id, uid, created_at, updated_at, version, title, text,
        addressee, rationale, priority, status, author, date, tags, changed_by)
        SELECT id, uid, created_at, updated_at, version, title, text,
        addressee, rationale, priority, status, author, date, tags, changed_by
        FROM recommendations;
    DROP TABLE recommendations;
    ALTER TABLE recommendations_new RENAME TO recommendations;
    CREATE INDEX recommendations_by_title ON recommendations (title COLLATE NOCASE, id)
    """)


def known_version(migrations: Migrations | None = None) -> int:
    """How many migrations this program knows: the newest schema it can open."""
    migrations = migrations or globals().get("MIGRATIONS")  # a test may give its own
    if migrations is None:
        return len(_STEPS)
    from sqlite_utils import Database

    # pending() on an empty database lists every registered migration
    return len(migrations.pending(Database(memory=True, execute_plugins=False)))
