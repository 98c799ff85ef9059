"""A hostile corpus: every case must end in exit status 1, one ``error:`` line,
no "internal error", and leave the book, its -wal and its -shm byte-identical.

The cases are generated below (malformed JSON, hostile command lines, outputs
that would destroy the book or a special file, books that are not ours or were
tampered with). ``test_corpus_size`` keeps the count honest.
"""

import base64
import hashlib
import json
import os
import socket
import sqlite3
import stat
import struct
import zlib
from pathlib import Path

from desktopapp import cli

BIG = 2**63
SURROGATE_ARG = b"\xff".decode("utf-8", "surrogateescape")  # what $'\xff' becomes in argv


def sha(path: Path):
    if not path.exists():
        return None
    if not path.is_file():  # a FIFO, socket or folder: its kind and identity
        info = path.stat()
        return (stat.S_IFMT(info.st_mode), info.st_ino)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(book: Path):
    return {suffix: sha(Path(f"{book}{suffix}")) for suffix in ("", "-wal", "-shm")}


def png_header_only(width, height):
    """A tiny PNG file whose header claims ``width`` × ``height`` pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


ACTOR = {"uid": "6f1c3e0e-3d8b-4a57-9c1e-0d4b2b7f9a01", "kind": "person", "name": "Test Person"}


def book_json(**sections):
    return {"format": "briefing-book", "version": 2, **sections}


def actor(**fields):
    return {**ACTOR, **fields}


# --- malformed imports: (name, file content as bytes or a JSON-able value) --------------

IMPORTS = [
    ("not json", b"hello"),
    ("empty file", b""),
    ("json list", []),
    ("json string", "briefing"),
    ("no format", {"version": 2}),
    ("wrong format", {"format": "other", "version": 2}),
    ("newer format", {"format": "briefing-book", "version": 99}),
    ("actors not a list", book_json(actors={})),
    ("actor not an object", book_json(actors=[1])),
    ("actor without name", book_json(actors=[{k: v for k, v in ACTOR.items() if k != "name"}])),
    ("actor with unknown kind", book_json(actors=[actor(kind="alien")])),
    ("actor with bad uid", book_json(actors=[actor(uid="not-a-uid")])),
    ("actor with unknown field", book_json(actors=[actor(colour="red")])),
    ("lone surrogate in a name", '{"format": "briefing-book", "version": 2, "actors": '
                                 '[{"uid": "UID", "kind": "person", "name": "A\\ud800"}]}'),
    ("lone low surrogate in aliases", '{"format": "briefing-book", "version": 2, "actors": '
                                      '[{"uid": "UID", "kind": "person", "name": "A", '
                                      '"aliases": ["\\udfff"]}]}'),
    ("lone surrogate in a key", '{"format": "briefing-book", "version": 2, "\\ud800": 1}'),
    ("5000-digit version", '{"format": "briefing-book", "version": ' + "9" * 5000 + "}"),
    ("5000-digit duration", '{"format": "briefing-book", "version": 2, "meetings": [{"uid": '
                            '"UID", "title": "T", "kind": "talks", "date": "2025-05-16", '
                            '"status": "held", "duration_minutes": ' + "1" * 5000 + "}]}"),
    ("huge float", '{"format": "briefing-book", "version": 1e999}'),
    ("deep nesting", "[" * 100_000 + "]" * 100_000),
    ("invalid utf-8", b'{"format": "briefing-book", "version": 2, "x": "\xff"}'),
    ("utf-16", json.dumps(book_json()).encode("utf-16")),
    ("nul byte", b'{"format": "briefing-book"\x00}'),
    ("control char in name", book_json(actors=[actor(name="A\x1b[31mB")])),
    ("name too long", book_json(actors=[actor(name="x" * 5000)])),
    ("week date", book_json(meetings=[{"uid": ACTOR["uid"], "title": "T", "kind": "talks",
                                       "date": "2025-W21-1", "status": "held"}])),
    ("time with a dot", book_json(meetings=[{"uid": ACTOR["uid"], "title": "T", "kind": "talks",
                                             "date": "2025-05-16", "start_time": "12.30",
                                             "status": "held"}])),
    ("february 30", book_json(meetings=[{"uid": ACTOR["uid"], "title": "T", "kind": "talks",
                                         "date": "2025-02-30", "status": "held"}])),
    ("negative duration", book_json(meetings=[{"uid": ACTOR["uid"], "title": "T",
                                               "kind": "talks", "date": "2025-05-16",
                                               "status": "held", "duration_minutes": -5}])),
    ("duration as text", book_json(meetings=[{"uid": ACTOR["uid"], "title": "T",
                                              "kind": "talks", "date": "2025-05-16",
                                              "status": "held", "duration_minutes": "5"}])),
    ("unknown participant", book_json(meetings=[{
        "uid": ACTOR["uid"], "title": "T", "kind": "talks", "date": "2025-05-16",
        "status": "held", "participants": [{"actor_uid": "6f1c3e0e-3d8b-4a57-9c1e-0d4b2b7f9a02",
                                            "side": "", "role": "head"}]}])),
    ("same uid twice in the file", book_json(actors=[actor(), actor(name="Other")])),
    ("uid of an actor given to a source", None),  # filled in by the case: a uid from the book
    ("photo not base64", book_json(actors=[actor(photo="###")])),
    ("photo not an image", book_json(actors=[actor(
        photo=base64.b64encode(b"%PDF-1.7 x").decode())])),
    ("damaged photo", book_json(actors=[actor(photo=base64.b64encode(
        b"\x89PNG\r\n\x1a\n" + b"junk" * 40).decode())])),
    ("12000x12000 photo", book_json(actors=[actor(photo=base64.b64encode(
        png_header_only(12000, 12000)).decode())])),
    ("200000x200000 photo", book_json(actors=[actor(photo=base64.b64encode(
        png_header_only(200_000, 200_000)).decode())])),
    ("tags not a list", book_json(actors=[actor(tags="a, b")])),
    ("settings with unknown key", book_json(settings={"colour": "red"})),
    ("settings with too long classification", book_json(settings={"classification": "X" * 80})),
    ("memo with bad sections", book_json(memos=[{"uid": ACTOR["uid"], "title": "M",
                                                 "date": "2025-05-16", "sections": "x"}])),
]


def _write_import(tmp_path, book, name, content):
    target = tmp_path / "import.json"
    if name == "uid of an actor given to a source":
        conn = sqlite3.connect(book)
        uid = conn.execute("SELECT uid FROM actors LIMIT 1").fetchone()[0]
        conn.close()
        content = book_json(sources=[{"uid": uid, "citation": "A source with an actor's uid"}])
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif isinstance(content, str):
        target.write_text(content.replace("UID", ACTOR["uid"]), encoding="utf-8")
    else:
        target.write_text(json.dumps(content), encoding="utf-8")
    return ["import", target, "--db", book]


# --- hostile command lines on a good book ------------------------------------------------

def _commands(tmp_path, book):
    out = tmp_path / "out.pdf"
    return {
        "show id 2^63": ["show", "actor", BIG],
        "show id 2^64": ["show", "meeting", 2**64],
        "show id of 30 digits": ["show", "actor", "9" * 30],
        "show missing id": ["show", "actor", 2**63 - 1],
        "memo meeting 2^63": ["memo", "--meeting", BIG, "-o", out],
        "memo missing meeting": ["memo", "--meeting", 999999, "-o", out],
        "handout 2^63": ["handout", "meeting", BIG, "-o", out],
        "card 2^63": ["card", "actor", BIG, "-o", out],
        "search with invalid utf-8": ["search", f"x{SURROGATE_ARG}"],
        "settings author invalid utf-8": ["settings", "--author", f"A{SURROGATE_ARG}"],
        "settings classification invalid utf-8": ["settings", "--classification", SURROGATE_ARG],
        "settings classification too long": ["settings", "--classification", "X" * 41],
        "settings control characters": ["settings", "--organisation", "A\x1b[2J"],
        "settings expect stale version": ["settings", "--author", "A", "--expect-version", 999],
        "import a missing file": ["import", tmp_path / "missing.json"],
        "import a folder": ["import", tmp_path],
    }


# --- outputs that must be refused --------------------------------------------------------

def _outputs(tmp_path, book):
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    sock.close()
    link = tmp_path / "link.pdf"
    link.symlink_to(book)
    hard = tmp_path / "hard.pdf"
    os.link(book, hard)
    sub = tmp_path / "sub"
    sub.mkdir()
    old_backup = Path(f"{book}.schema1-20250101-000000.bak")
    old_backup.write_bytes(b"an upgrade backup")
    targets = {
        "the book": book, "the book's -wal": Path(f"{book}-wal"),
        "the book's -shm": Path(f"{book}-shm"), "the book's -journal": Path(f"{book}-journal"),
        "a symlink to the book": link, "a hard link to the book": hard,
        "the book through ..": sub / ".." / book.name, "a folder": folder, "a FIFO": fifo,
        "a socket": sock_path, "an upgrade backup of the book": old_backup,
        "a name of 300 bytes": tmp_path / ("é" * 150 + ".pdf"),
        "a missing folder": tmp_path / "nowhere" / "x.pdf",
    }
    cases = {}
    for what, target in targets.items():
        cases[f"card to {what}"] = ["card", "actor", 1, "-o", target]
    for what in ("the book", "a symlink to the book", "a FIFO", "the book's -wal"):
        cases[f"export to {what}"] = ["export", "-o", targets[what]]
        cases[f"handout to {what}"] = ["handout", "meeting", 1, "-o", targets[what]]
        cases[f"memo to {what}"] = ["memo", "--meeting", 1, "-o", targets[what]]
    # a backup's name must end as a book file's (or .json): these reach the output guard
    book_link = tmp_path / "link.sqlite"
    book_link.symlink_to(book)
    book_hard = tmp_path / "hard.db"
    os.link(book, book_hard)
    book_fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(book_fifo)
    book_folder = tmp_path / "folder.briefing"
    book_folder.mkdir()
    for what, target in (("the book", book), ("a symlink to the book", book_link),
                         ("a hard link to the book", book_hard), ("a FIFO", book_fifo),
                         ("a folder", book_folder),
                         ("the book through ..", sub / ".." / book.name)):
        cases[f"backup to {what}"] = ["backup", "-o", target]
    return cases


def _backup_names(tmp_path, book):
    """Backups refused by their name alone (a usage error), before any file is touched."""
    old_backup = Path(f"{book}.schema1-20250101-000000.bak")
    return {"backup to the book's -shm": ["backup", "-o", Path(f"{book}-shm")],
            "backup to an upgrade backup of the book": ["backup", "-o", old_backup],
            "backup to a PDF name": ["backup", "-o", tmp_path / "x.pdf"]}


# --- books that are not ours, or were tampered with ---------------------------------------

PLANTS = {
    "trigger renaming actors": "CREATE TRIGGER pwn AFTER INSERT ON actors BEGIN "
                               "UPDATE actors SET name = 'PWNED' WHERE id = new.id; END",
    "trigger copying biographies": "CREATE TABLE loot (t TEXT); CREATE TRIGGER steal AFTER "
                                   "UPDATE ON actors BEGIN INSERT INTO loot VALUES "
                                   "(new.biography); END",
    "trigger deleting rows": "CREATE TRIGGER gone AFTER INSERT ON sources BEGIN "
                             "DELETE FROM sources WHERE id = new.id; END",
    "trigger raising with escapes": "CREATE TRIGGER loud BEFORE INSERT ON actors BEGIN "
                                    "SELECT RAISE(ABORT, 'line one\n\x1b[31mred'); END",
    "view": "CREATE VIEW everyone AS SELECT name FROM actors",
    "hidden table": "CREATE TABLE hidden (x)",
    "extra index": "CREATE INDEX sneaky ON actors (biography)",
    "altered index": "DROP INDEX actors_by_name; CREATE INDEX actors_by_name ON actors (title)",
    "dropped index": "DROP INDEX actors_by_name",
}


def _plant(book, sql):
    conn = sqlite3.connect(book)
    conn.executescript(sql)
    conn.close()


def _books(tmp_path, book):
    cases = {}
    fifo = tmp_path / "book.fifo"
    os.mkfifo(fifo)
    cases["--db a FIFO"] = (["list", "actors", "--db", fifo], fifo)
    cases["--db a folder"] = (["list", "actors", "--db", tmp_path], book)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    cases["--db an empty file"] = (["list", "actors", "--db", empty], empty)
    text = tmp_path / "notes.txt"
    text.write_text("not a book")
    cases["--db a text file"] = (["show", "actor", 1, "--db", text], text)
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    cases["--db a foreign SQLite file"] = (["list", "actors", "--db", foreign], foreign)
    cases["--db a name of 300 bytes"] = (["list", "actors", "--db", tmp_path / ("b" * 300)],
                                         book)
    cases["--db missing"] = (["list", "actors", "--db", tmp_path / "missing.sqlite"], book)
    for name, sql in PLANTS.items():
        planted = tmp_path / f"planted-{len(cases)}.sqlite"
        planted.write_bytes(book.read_bytes())
        _plant(planted, sql)
        cases[f"list on a book with {name}"] = (["list", "actors", "--db", planted], planted)
        cases[f"import into a book with {name}"] = (
            ["import", tmp_path / "good.json", "--db", planted], planted)
    return cases


# --- hand-edited rows --------------------------------------------------------------------

EDITS = {
    "aliases not JSON": ("UPDATE actors SET aliases = 'not json' WHERE id = 1",
                         ["show", "actor", 1]),
    "meeting on 2025-02-30": ("UPDATE meetings SET date = '2025-02-30' WHERE id = 1",
                              ["show", "meeting", 1]),
    "meeting on a week date": ("UPDATE meetings SET date = '2025-W21-1' WHERE id = 1",
                               ["export", "-o", "{tmp}/x.json"]),
    "unknown actor kind": ("PRAGMA ignore_check_constraints = ON; "
                           "UPDATE actors SET kind = 'alien' WHERE id = 1",
                           ["card", "actor", 1, "-o", "{tmp}/x.pdf"]),
    "memo sections not a list": ("UPDATE memos SET sections = '\"x\"' WHERE id = 1",
                                 ["show", "memo", 1]),
    "start time with a dot": ("UPDATE meetings SET start_time = '12.30' WHERE id = 1",
                              ["show", "meeting", 1]),
}


# command lines that do not parse: exit status 2 (documented), still one error line
USAGE = {
    "show id of 5000 digits": ["show", "actor", "9" * 5000],
    "show id 0": ["show", "actor", "0"],
    "show id -1": ["show", "actor", "-1"],
    "show id 1e3": ["show", "actor", "1e3"],
    "search limit 0": ["search", "x", "--limit", "0"],
    "memo meeting of 5000 digits": ["memo", "--meeting", "9" * 5000, "-o", "x.pdf"],
}


def all_cases(tmp_path, book):
    """(name, argv, book whose files must not change, exit status) for every case."""
    (tmp_path / "good.json").write_text(json.dumps(book_json(actors=[actor()])))
    cases = []
    for name, content in IMPORTS:
        sub = tmp_path / f"import-{len(cases)}"
        sub.mkdir()
        cases.append((f"import: {name}", _write_import(sub, book, name, content), book, 1))
    for name, argv in _commands(tmp_path, book).items():
        cases.append((name, [*argv, "--db", book], book, 1))
    for name, argv in USAGE.items():
        cases.append((name, [*argv, "--db", book], book, 2))
    for name, argv in _outputs(tmp_path, book).items():
        cases.append((name, [*argv, "--db", book], book, 1))
    for name, argv in _backup_names(tmp_path, book).items():
        cases.append((name, [*argv, "--db", book], book, 2))
    for name, (argv, target) in _books(tmp_path, book).items():
        cases.append((name, argv, target, 1))
    for name, (sql, argv) in EDITS.items():
        edited = tmp_path / f"edited-{len(cases)}.sqlite"
        edited.write_bytes(book.read_bytes())
        _plant(edited, sql)
        argv = [str(a).replace("{tmp}", str(tmp_path)) for a in argv]
        cases.append((f"hand-edited book, {name}", [*argv, "--db", edited], edited, 1))
    return cases


def run_case(capsys, argv, book, expected=1):
    before = fingerprint(book)
    code = cli.main([str(a) if not isinstance(a, str) else a for a in argv])
    out, err = capsys.readouterr()
    after = fingerprint(book)
    problems = []
    if code != expected:
        problems.append(f"exit status {code}")
    lines = err.splitlines()
    if len(lines) != 1 or not lines[0].startswith("error: "):
        problems.append(f"stderr is not one error line: {err!r}")
    if "internal error" in err:
        problems.append("internal error")
    if "\x1b" in err + out:
        problems.append("terminal escape printed")
    if before != after:
        problems.append(f"files changed: {before} -> {after}")
    return problems


def test_hostile_corpus(tmp_path, sample_path, capsys, monkeypatch):
    """Every case in one test, so the totals are reported together."""
    cases = all_cases(tmp_path, sample_path)
    failures = {}
    for name, argv, book, expected in cases:
        problems = run_case(capsys, argv, book, expected)
        if problems:
            failures[name] = problems
    print(f"hostile corpus: {len(cases)} cases tried, {len(cases) - len(failures)} passed")
    assert not failures, "\n".join(f"{name}: {p}" for name, p in failures.items())


def test_corpus_size(tmp_path, sample_path):
    assert len(all_cases(tmp_path, sample_path)) >= 120


def test_planted_objects_did_not_run(tmp_path, sample_path, capsys):
    """The refused import left no PWNED actor, no loot, no deleted rows."""
    (tmp_path / "good.json").write_text(json.dumps(book_json(actors=[actor()])))
    for name, sql in PLANTS.items():
        planted = tmp_path / f"{name.replace(' ', '-')}.sqlite"
        planted.write_bytes(sample_path.read_bytes())
        _plant(planted, sql)
        code = cli.main(["import", str(tmp_path / "good.json"), "--db", str(planted)])
        err = capsys.readouterr().err
        assert code == 1 and "did not create" in err, name
        conn = sqlite3.connect(planted)
        assert conn.execute("SELECT count(*) FROM actors WHERE name = 'PWNED' OR uid = ?",
                            [ACTOR["uid"]]).fetchone()[0] == 0
        conn.close()
