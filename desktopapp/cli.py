"""The ``briefing`` command: parse, call the store, print.

Errors are one line ``error: ...`` on stderr: exit status 1 for a problem
with the book or the input, 2 for a command line that does not parse, 3
when ``check`` found nothing wrong but could not check everything because
another program was writing. An unexpected failure is a bug: its traceback
goes to the log file, the user gets one line that says where.

Storage errors never reach this module as database-driver exceptions: the
store turns them into BriefingErrors with a message for people.
"""

from __future__ import annotations

import gc

from .startup import lasting_imports

with lasting_imports():  # (what they make lives as long as the program)
    import argparse
    import functools
    import io
    import itertools
    import json
    import re
    import sys
    import unicodedata
    from contextlib import contextmanager
    from pathlib import Path

    # Modules only some commands use (the JSON format, dossiers, copying, the
    # PDF renderers) are imported by those commands: a cold ``briefing card``
    # or ``list`` spends its time on its own work, not on imports.
    from . import __version__, atomicfile, books, buglog, dataclass_code, recordkinds
    from .domain import (
        Actor,
        Meeting,
        Memo,
        PageSize,
        format_date,
        label,
        priority_label,
        status_label,
        summary_date,
    )
    from .errors import BookError, BriefingError
    from .paths import describe_os_error
    from .recordkinds import SETTINGS_FIELDS
    from .store import opening

RECORD_KINDS = ("actor", "meeting", "recommendation", "memo")
CARD_KINDS = ("actor", "meeting", "recommendation")
LIST_KINDS = {"actors": "actor", "meetings": "meeting", "recommendations": "recommendation",
              "memos": "memo"}
PAGE_SIZE_CHOICES = [size.value for size in PageSize]
MAX_ID = 2**63 - 1  # SQLite's largest integer
# Commands that change the book: they wait (with a message) for another writer.
WRITING_COMMANDS = {"import", "settings", "repair"}
# Commands that make one document: the cycle collector is off while they run.
# Making a card creates tens of thousands of objects (ReportLab's fonts, styles,
# fragments, PDF objects) that live until it is written; CPython's collector,
# run after every 700 new objects, went through them again and again for
# nothing: 6 ms of a cold ``briefing card``, 14 % of a 500-card handout
# (peak memory the same). The program exits after the document; called from
# Python (tests), the collector is restored.
DOCUMENT_COMMANDS = {"card", "handout", "memo"}
EXIT_BUSY = 3
# Commands that only read the whole book: they open a book carrying objects we
# did not create (read-only), so its records can be saved before it is mended.
RESCUE_COMMANDS = {"export", "backup"}

# Terminal escapes (CSI, OSC, other ESC sequences) and control characters
# other than newline and tab: text from a book must not drive the terminal.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
                      r"|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# A file name's bytes that are not UTF-8 reach Python as lone surrogates
# (U+DC80-U+DCFF); printed, they would read "\udcff". Show the byte instead.
_UNDECODED_BYTE = re.compile("[\udc80-\udcff]")
# Line and paragraph breaks inside one cell or field of a listing
_BREAKS = re.compile("[\n\t\u2028\u2029]")


def terminal_text(text: str) -> str:
    """``text`` without terminal escapes and control characters (newlines and tabs kept)."""
    text = _ESCAPES.sub("", text)
    return _UNDECODED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def one_line(text: str) -> str:
    """``text`` as one line for an error message: no controls, no escapes, no newlines."""
    return " ".join(terminal_text(str(text)).split())


def inline(text) -> str:
    """A name or title from the book as one line of a listing: a line break in it
    becomes a space, so one record never prints as two rows."""
    return _BREAKS.sub(" ", terminal_text(str(text)))


class TerminalWriter(io.TextIOBase):
    """Standard output that drops terminal escapes from everything printed."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        self.stream.write(terminal_text(text))
        return len(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        return self.stream.isatty()

    @property
    def encoding(self):
        return self.stream.encoding


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2; ``describe`` (if set)
    writes the description when help is shown (finding the default book's folder is
    work no other command needs)."""

    describe = None

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def format_help(self):
        if self.describe is not None:
            self.description = self.describe()
        return super().format_help()


def _counter(noun: str, minimum: int):
    """A type for --limit/--offset: a whole number from ``minimum``; "at most N" of any
    size means all, so a number past SQLite's largest integer counts as that integer."""
    def number(text):
        shown = one_line(text)[:40]
        digits = text.strip()
        if not digits.isascii() or not digits.isdigit() or (
                len(digits) <= 30 and int(digits) < minimum):
            raise argparse.ArgumentTypeError(f"{shown!r} is not a number of {noun} "
                                             f"(a whole number, {minimum} or more)")
        # no int() of thousands of digits (Python refuses them): any long one is "all"
        return MAX_ID if len(digits) > 19 else min(int(digits), MAX_ID)
    number.__name__ = f"number of {noun}"
    return number


# --limit and --offset of list (rows) and --limit of search (hits): the same rules
count = _counter("rows", 0)
hit_count = _counter("hits", 1)


def _numbered(what: str, start: str):
    """A type for ids and versions (1 or more), its errors naming ``what`` it is."""
    def number(text):
        shown = one_line(text)[:40]
        if len(text) > 100:  # keeps int() away from Python's 4,300-digit limit
            raise argparse.ArgumentTypeError(f"{shown!r}… is not {what} (too many digits)")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{shown!r} is not {what} (a whole number)") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{shown!r} is not {what} ({start})")
        return value  # above SQLite's largest integer, nothing has it: the store says so
    number.__name__ = what
    return number


positive_int = _numbered("a record id", "ids start at 1")
settings_version = _numbered("a settings version", "versions start at 1")


class _NotBuilt:
    """The parser of a command this start does not run: its arguments are not made."""

    def add_argument(self, *args, **kwargs):
        pass


def build_parser(only: str | None = None) -> Parser:
    """The command line. With ``only`` (the first word typed), just that command's
    parser, which parses and helps as in the whole one: building the others took
    3 ms of every cold start. A word that names no command gets the whole parser."""
    parser = Parser(prog="briefing")
    parser.describe = lambda: (
        "Briefing Desk on the command line: keep a briefing book of actors, meetings and "
        "recommendations in a book file (SQLite) or a team book on PostgreSQL "
        "(--db postgresql://user@host:port/dbname, or BRIEFING_DB). Without either, "
        f"commands use your own book ({books.default_book_path()}), created from the "
        "sample book on first use.")
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    def command(name, help_text, *, db=True):
        if only is not None and name != only:
            return _NotBuilt()
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if db:
            sub.add_argument("--db", metavar="BOOK", type=books.book_target,
                             help="the book file, or a team book "
                                  "(postgresql://user@host:port/dbname); default: "
                                  f"${books.BOOK_VARIABLE}, else your own book")
        return sub

    sub = command("init", "Create a new, empty briefing book.", db=False)
    sub.add_argument("--db", metavar="BOOK", type=books.book_target, required=True,
                     help="where to create the book: a file that does not exist yet, or an "
                          "empty PostgreSQL database (postgresql://user@host:port/dbname)")
    sub.add_argument("--sample", action="store_true",
                     help="fill it with the sample book (PISM Bulletin No. 58, Istanbul talks)")

    sub = command("list", "List the actors, meetings or recommendations of a book.")
    sub.add_argument("kind", choices=sorted(LIST_KINDS), help="what to list")
    sub.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sub.add_argument("--limit", type=count, metavar="N", help="print at most N rows")
    sub.add_argument("--offset", type=count, metavar="N", default=0,
                     help="skip the first N rows (with --limit: pages of a long list)")

    sub = command("show", "Show one record in full.")
    sub.add_argument("kind", choices=RECORD_KINDS, help="the record type")
    sub.add_argument("id", type=positive_int, help="the record's id (see 'briefing list')")
    sub.add_argument("--json", action="store_true", help="print JSON instead of text")

    sub = command("search", "Full-text search across all records (accents and case ignored).")
    sub.add_argument("text", help="words to find; each word matches as a prefix")
    sub.add_argument("--limit", type=hit_count, metavar="N", default=50,
                     help="at most N hits (default 50)")
    sub.add_argument("--json", action="store_true", help="print JSON instead of lines")

    sub = command("export", "Export the whole book as briefing-book JSON.")
    sub.add_argument("-o", "--output", metavar="FILE.json", type=Path, required=True,
                     help="file to write (replaced only when the export is complete)")

    sub = command("import", "Merge a briefing-book JSON file into a book (all or nothing).")
    sub.add_argument("file", metavar="FILE.json", type=Path, help="the JSON file to import")

    sub = command("backup", "Copy the book safely, even while it is in use (a team book: "
                            "one consistent snapshot), as a book file or as briefing-book "
                            "JSON, by the output's extension.")
    sub.add_argument("-o", "--output", metavar="FILE", type=Path, required=True,
                     help="the backup file to write: FILE.json for briefing-book JSON, "
                          "FILE.sqlite, FILE.db or FILE.briefing for a book file")

    sub = command("copy", "Copy a whole book between book files and team books, in one "
                          "transaction, verified by record counts and a content hash.", db=False)
    sub.add_argument("source", metavar="SOURCE", type=books.book_target,
                     help="the book to copy: a file or postgresql://user@host:port/dbname")
    sub.add_argument("destination", metavar="DEST", type=books.book_target,
                     help="a new file, or an empty PostgreSQL database or team book")

    command("check", "Check the book file's integrity, links, schema and every record. "
                     "Exit status 0: sound; 1: problems found (listed); 3: no problems found, "
                     "but another program was writing, so not everything could be checked.")

    sub = command("repair", "Remove tables, indexes, triggers and views that Briefing Desk did "
                            "not create (after writing a backup of the book).")
    sub.add_argument("--backup", metavar="FILE", type=Path,
                     help="where to write the backup first (default: beside the book, "
                          "BOOK.before-repair-TIME.bak)")

    def pdf_options(sub):
        sub.add_argument("-o", "--output", metavar="FILE.pdf", type=Path, required=True,
                         help="the PDF to write (replaced only when complete)")
        sub.add_argument("--page-size", choices=PAGE_SIZE_CHOICES,
                         help="paper size (default: the book's export settings)")

    sub = command("card", "Print a one-page briefing card as PDF.")
    sub.add_argument("kind", choices=CARD_KINDS, help="the record type")
    sub.add_argument("id", type=positive_int, help="the record's id")
    pdf_options(sub)

    sub = command("handout", "Print a meeting's handout: its card, then one card per participant.")
    sub.add_argument("kind", choices=["meeting"], help="handouts are made for meetings")
    sub.add_argument("id", type=positive_int, help="the meeting's id")
    pdf_options(sub)
    sub.add_argument("--two-up", action="store_true",
                     help="A5 cards two to an A4 landscape sheet, with cut marks")

    sub = command("memo", "Print a memo as PDF: a saved one by id, or one composed from meetings.")
    sub.add_argument("id", type=positive_int, nargs="?", help="the memo's id")
    sub.add_argument("--meeting", type=positive_int, action="append", metavar="ID",
                     help="compose a memo from this meeting (repeat for several)")
    pdf_options(sub)

    sub = command("settings", "Show or change the book's export settings.")
    sub.add_argument("--organisation", help="organisation name printed on every page")
    sub.add_argument("--classification",
                     help='marking printed on every page, e.g. RESTRICTED ("" for none)')
    sub.add_argument("--page-size", choices=PAGE_SIZE_CHOICES, help="default paper size")
    sub.add_argument("--author", help="default author of new memos")
    sub.add_argument("--expect-version", type=settings_version, metavar="N",
                     help="change the settings only if their version is still N (see --json); "
                          "otherwise fail with a conflict")
    sub.add_argument("--json", action="store_true", help="print the settings as JSON")
    if only is not None and only not in commands.choices:
        return build_parser()  # not a command: the whole parser says which there are
    return parser


# --- output -------------------------------------------------------------

def _print_json(value):
    print(json.dumps(value, ensure_ascii=False, indent=2))


@functools.lru_cache(maxsize=8192)
def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: East Asian wide and fullwidth characters two,
    combining marks and other zero-width characters none."""
    if text.isascii():  # one cell each (lines have no control characters)
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cut(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` terminal cells, with "…" when cut."""
    if display_width(text) <= cells:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - display_width(text))


# what `show`, `card` and `handout` take: printed whole even when wider than the
# first rows' (its row is then pushed right by a digit or two)
NEVER_CUT = {"id"}


def _table(rows, columns, rest=()):
    """Rows as aligned columns; widths come from ``rows``.

    Rows of ``rest`` (an iterator, streamed after them) are cut to those
    widths, so a list of any length prints at once and in flat memory.
    """
    def cells(row):
        return {c: _cut(inline(row.get(c) if row.get(c) is not None else ""), 60)
                for c in columns}

    texts = [cells(r) for r in rows]
    widths = {c: max([len(c)] + [display_width(t[c]) for t in texts]) for c in columns}
    print("  ".join(_pad(c.upper(), widths[c]) for c in columns).rstrip())
    for row in texts:
        print("  ".join(_pad(row[c], widths[c]) for c in columns).rstrip())
    for row in rest:
        text = cells(row)
        print("  ".join(_pad(text[c] if c in NEVER_CUT else _cut(text[c], widths[c]), widths[c])
                        for c in columns).rstrip())


LIST_COLUMNS = {
    "memo": ["id", "date", "number", "title"],
    "actor": ["id", "name", "native_name", "kind", "title", "affiliation"],
    "meeting": ["id", "date", "title", "place", "status"],
    "recommendation": ["id", "priority", "status", "title", "addressee"],
}


TABLE_SAMPLE = 200  # rows that set a streamed table's column widths


def cmd_list(args, store):
    # rows are streamed: the first is printed at once, memory stays flat
    kind = LIST_KINDS[args.kind]
    rows = store.iter_summaries(kind, limit=args.limit, offset=args.offset)
    if args.json:
        _stream_json(rows)
        return
    if kind == "meeting":  # "2023-04", "2021–2022": never a day nobody gave
        rows = ({**row, "date": summary_date(row)} for row in rows)
    first = list(itertools.islice(rows, TABLE_SAMPLE))
    if not first and args.limit == 0:
        return  # asked for no rows: none printed, and no claim about the book
    if not first:
        print(f"No {args.kind} in this book." if not args.offset
              else f"No {args.kind} after the first {args.offset}.")
        return
    _table(first, LIST_COLUMNS[kind], rest=rows)


def _stream_json(rows):
    """A JSON array printed row by row, laid out as _print_json lays it out."""
    out = sys.stdout
    out.write("[")
    empty = True
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("\n  " if empty else ",\n  ") + text)
        empty = False
    out.write("]\n" if empty else "\n]\n")


def _show_dict(record):
    from .bookformat import record_to_dict

    data = record_to_dict(record)
    data = {"id": record.id, **data, "version": record.version}
    if data.get("photo"):
        data["photo"] = {"bytes": len(record.photo)}
    return data


def _print_block(title, text):
    if text:
        print(f"\n{title}:")
        for line in text.splitlines():
            print(f"  {line}")


def _print_record(store, record):
    names = store.names_for_uids(_actor_uids(record))

    def who(uids):
        return ", ".join(names.get(u, u) for u in uids)

    print(inline(record.display_name()))
    if isinstance(record, Memo):
        fields = [("Number", record.number),
                  ("Date", record.date.isoformat() if record.date else ""),
                  ("Authors", ", ".join(record.authors)),
                  ("Meetings", str(len(record.meeting_uids))),
                  ("Recommendations", str(len(record.recommendation_uids)))]
    elif isinstance(record, Actor):
        fields = [("Native name", record.native_name), ("Kind", label(record.kind)),
                  ("Title", record.title), ("Aliases", ", ".join(record.aliases)),
                  ("Affiliations", who(record.affiliation_uids))]
    elif isinstance(record, Meeting):
        when = record.when()
        if record.start_time:
            when += f" {record.start_time:%H:%M}"
        duration = record.duration_text()
        fields = [("Date", when), ("Kind", label(record.kind)), ("Status", label(record.status)),
                  ("Duration", duration), ("Place", record.place),
                  ("Host", who(record.host_uids)), ("Mediator", who(record.mediator_uids))]
    else:
        fields = [("Priority", priority_label(record.priority)),
                  ("Status", status_label(record.status)),
                  ("Addressee", ", ".join(filter(None, [record.addressee,
                                                        who(record.addressee_uids)]))),
                  ("Author", record.author),
                  ("Date", record.date.isoformat() if record.date else "")]
    who_changed, when_changed = store.changed_by_of(_kind_of(record), record.id)
    fields += [("Tags", ", ".join(record.tags)), ("Id", f"{record.id} (uid {record.uid})"),
               ("Changed", f"{when_changed} by {who_changed}" if who_changed else when_changed)]
    for name, value in fields:
        if value:
            print(f"  {name + ':':14}{inline(value)}")
    if isinstance(record, Actor):
        _print_block("Biography", record.biography)
        for p in record.positions:
            as_of = f" (as of {format_date(p.as_of, p.as_of_precision)})" if p.as_of else ""
            _print_block(f"Position: {inline(p.topic)}{as_of}", p.stance)
        meetings = store.meetings_of_actor(record.id)
        if meetings:
            print("\nMeetings:")
            for m in meetings:
                print(f"  {m['date']}  {inline(m['title'])}  ({inline(m['role'])})")
    elif isinstance(record, Meeting):
        for side, members in record.sides():
            print(f"\n{inline(side) or 'Participants'}:")
            for p in members:
                print(f"  {inline(names.get(p.actor_uid, p.actor_uid))} — "
                      f"{inline(p.role_text())}")
        _print_block("Agenda", record.agenda)
        _print_block("Outcomes", record.outcomes)
        _print_block("Follow-ups", record.follow_ups)
    elif isinstance(record, Memo):
        _print_block("Lead", record.lead)
        for section in record.sections:
            _print_block(inline(section.heading) or "Section", section.body)
    else:
        _print_block("Recommendation", record.text)
        _print_block("Rationale", record.rationale)
    sources = [store.get_by_uid("source", uid).citation for uid in record.source_uids]
    if sources:
        print("\nSources:")
        for i, citation in enumerate(sources, 1):
            print(f"  [{i}] {inline(citation)}")


def _kind_of(record) -> str:
    return recordkinds.KIND_OF_CLASS[type(record)]


def _actor_uids(record):
    """The uids of every actor the record links to (whose names it shows)."""
    return [uid for link in recordkinds.spec_of(record).links if link.target == "actor"
            for uid in recordkinds.link_uids(record, link)]


def cmd_show(args, store):
    record = store.get(args.kind, args.id)
    if args.json:
        _print_json(_show_dict(record))
    else:
        _print_record(store, record)


def cmd_search(args, store):
    # streamed: the first hit is printed at once, and a huge --limit does not
    # hold every hit's title and snippet in memory
    hits = store.iter_search(args.text, limit=args.limit)
    if args.json:
        _stream_json({"type": h.kind, "id": h.id, "uid": h.uid, "title": h.title,
                      "snippet": h.snippet} for h in hits)
        return
    found = False
    for hit in hits:
        found = True
        snippet = " ".join(hit.snippet.split())
        print(f"{hit.kind:<15} {hit.id:>6}  {inline(hit.title)}\n{'':23}{snippet}")
    if not found:
        print("No matches.")


def cmd_export(args, store):
    # streamed into the temporary file: memory stays flat for any book
    with atomicfile.replacing(args.output) as temp:
        with open(temp, "w", encoding="utf-8") as out:
            counts = store.export_to(out)
    from .bookformat import EXPORT_ORDER
    from .wording import number_of

    counts = ", ".join(number_of(counts[k], k) for k in EXPORT_ORDER)
    print(f"Exported {counts} to {args.output}")


def cmd_import(args, store):
    summary = store.import_file(args.file)
    print(f"Imported {args.file}: {summary}")


def cmd_backup(args, store):
    store.backup(args.output)
    print(f"Backed up {store.path} to {args.output}")


class _CheckProgress:
    """How far ``briefing check`` is, on one line of a terminal: reading and checking
    every record takes a while on a large book (25 s at 100k under load)."""

    def __init__(self):
        self.width = 0

    def __call__(self, report) -> bool:
        if report.total:
            self._show(f"checking: {report.done:,} of {report.total:,} records")
        return True

    def _show(self, text: str) -> None:
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()
        self.width = len(text)

    def clear(self) -> None:
        if self.width:
            self._show("")
            sys.stderr.write("\r")
            sys.stderr.flush()


class Busy(Exception):
    """check found nothing wrong but could not look at everything."""


def cmd_check(args, store):
    shown = _CheckProgress() if sys.stderr.isatty() else None
    try:
        problems = store.check(shown)
    finally:
        if shown is not None:
            shown.clear()
    notes = store.check_notes()
    for note in notes:
        print(f"warning: {one_line(note)}", file=sys.stderr)
    if problems:
        for problem in problems:
            print(one_line(problem))
        raise BriefingError(f"{store.path} has {len(problems)} problem(s)")
    if any(note.startswith("busy:") for note in notes):
        raise Busy(f"busy: no problems found in {store.path}, but another program is writing "
                   "it; run 'briefing check' again later for a complete check")
    print(f"{store.path}: ok")


def cmd_repair(args, store):
    backup, done = store.repair(args.backup)
    if not done:
        print(f"{store.path}: nothing to repair (every table, index, trigger and view is "
              "Briefing Desk's own, and the search index matches the records)")
        return
    print(f"Backed up {store.path} to {backup}")
    for action in done:
        print(f"  {one_line(action)}")
    print(f"Repaired {store.path}: {len(done)} change(s)")


def _write_pdf(args, result):
    from .pdf import write_pdf
    write_pdf(result, args.output)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
    print(f"Wrote {args.output} ({pages})")


def cmd_card(args, store):
    from .documents import render_record
    _write_pdf(args, render_record(store, store.get(args.kind, args.id), store.settings(),
                                   args.page_size))


def cmd_handout(args, store):
    from . import dossier
    from .pdf import handout
    result = handout.render(dossier.handout(store, args.id), store.settings(), args.page_size,
                            two_up=args.two_up)
    _write_pdf(args, result)


def cmd_memo(args, store):
    from . import dossier
    from .pdf import memo
    if (args.id is None) == (not args.meeting):
        raise UsageError("give either a memo id or --meeting ID (see 'briefing memo --help')")
    settings = store.settings()
    if args.id is not None:
        record = store.get_memo(args.id)
    else:
        record = dossier.compose_memo(store, args.meeting, settings.author)
    _write_pdf(args, memo.render(dossier.memo_dossier(store, record), settings, args.page_size))


def cmd_settings(args, store):
    # every export setting has its option (--page-size for page_size ...)
    changes = {key: getattr(args, key) for key in SETTINGS_FIELDS
               if getattr(args, key, None) is not None}
    if changes:
        # only the named settings change, in one write: two commands at once both count
        settings = store.update_settings(changes, expected_version=args.expect_version)
    elif args.expect_version is not None:
        raise UsageError("--expect-version needs a setting to change")
    else:
        settings = store.settings()
    from .bookformat import settings_to_dict

    values = {**settings_to_dict(settings), "version": settings.version}
    if args.json:
        _print_json(values)
    else:
        for key, value in values.items():
            print(f"{key + ':':16}{value}")


COMMANDS = {"card": cmd_card, "handout": cmd_handout, "memo": cmd_memo,
            "settings": cmd_settings, "list": cmd_list, "show": cmd_show, "search": cmd_search,
            "export": cmd_export,
            "import": cmd_import, "backup": cmd_backup, "check": cmd_check,
            "repair": cmd_repair}


def _say_waiting(message):
    print(one_line(message), file=sys.stderr, flush=True)


def _check_text_arguments(args) -> None:
    """Refuse command-line text that is not valid UTF-8 (``$'\\xff'`` arrives as a surrogate)."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError as exc:
                    bad = item[exc.start]
                    byte = f" (byte 0x{ord(bad) - 0xDC00:02x})" if "\udc80" <= bad <= "\udcff" \
                        else ""
                    option = name if name in ("text", "kind") else "--" + name.replace("_", "-")
                    raise BriefingError(f"{option}: the text is not valid UTF-8{byte}; "
                                        "nothing was changed") from None


def cmd_copy(args):
    summary = books.copy_book(args.source, args.destination)
    print(f"Copied {_shown(args.source)} to {_shown(args.destination)}: {summary}")


def _shown(target) -> str:
    if books.is_team_book(target):
        from .store.postgres import describe
        return describe(target)
    return str(target)


def run(args) -> None:
    _check_text_arguments(args)
    if args.command == "copy":
        cmd_copy(args)
        return
    if args.command == "init":
        books.create_book(args.db, sample=args.sample)
        print(f"Created {'the sample book' if args.sample else 'an empty book'} at "
              f"{_shown(args.db)}")
        return
    if args.command == "backup":
        from .store import copying

        try:  # before the book is opened: a name that says nothing is a usage error
            copying.backup_format(args.output)
        except BookError as exc:
            raise UsageError(f"-o/--output: {exc}") from None
    options = {}
    if args.command in ("check", "repair"):
        options["allow_unknown_objects"] = True
    if args.command in RESCUE_COMMANDS:
        options["rescue"] = True
    if args.command in WRITING_COMMANDS:
        options.update(wait_seconds=opening.WRITE_WAIT_SECONDS, on_wait=_say_waiting)
    # the window opens book files only: BRIEFING_DB is read here, for commands
    target = args.db if args.db is not None else books.book_from_environment()
    with _terminated_as_interrupted(args.command in WRITING_COMMANDS):
        with books.open_book(target, **options) as store:
            COMMANDS[args.command](args, store)


class Terminated(BaseException):
    """SIGTERM during a command that writes: its transaction is undone, as for Ctrl+C."""


@contextmanager
def _terminated_as_interrupted(writing: bool):
    """SIGTERM (``kill``, a session shutting down) ends a writing command with a message.

    By default it ends the process at once: the book is left as it was, but the user is
    not told so. Only writing commands import ``signal``, which a cold card does without;
    the handler is set only on the main thread (the only one that may) and put back after.
    """
    if not writing:
        yield
        return
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _tolerant_streams():
    """Print on any terminal: characters it cannot show become escapes, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, io.UnsupportedOperation):
                pass


def _error(message) -> None:
    print(f"error: {one_line(message)}", file=sys.stderr)


def main(argv=None) -> int:
    """The ``briefing`` program: ``argv`` as typed (``None``: the process's own arguments)."""
    _tolerant_streams()
    stdout = sys.stdout
    sys.stdout = TerminalWriter(stdout)
    try:
        return _main(argv)
    finally:
        try:
            sys.stdout.flush()
        except OSError:
            pass
        sys.stdout = stdout
        if argv is None:
            dataclass_code.save()  # the methods it compiled, for the next start
            # The program exits next. Its last collections would go through
            # every object it made (modules, a card's ReportLab objects) only
            # to free memory the exit frees anyway: 15 ms of a cold card.
            gc.freeze()


def _main(argv) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(words[0] if words else None)
    collecting = gc.isenabled()
    try:
        args = parser.parse_args(argv)
        if args.command in DOCUMENT_COMMANDS:
            gc.disable()
        run(args)
        sys.stdout.flush()  # a full disk or closed pipe shows here, inside the error handling
        return 0
    except UsageError as exc:
        _error(exc)
        return 2
    except Busy as exc:
        _error(exc)
        return EXIT_BUSY
    except BriefingError as exc:
        _error(exc)
        return 1
    except KeyboardInterrupt:
        _error("interrupted; nothing was changed")
        return 130
    except Terminated:
        _error("terminated; nothing was changed")
        return 143
    except BrokenPipeError:
        return 1
    except OSError as exc:  # standard output itself failed (e.g. /dev/full)
        _error(f"cannot write the output: {describe_os_error(exc)}")
        return 1
    except Exception as exc:  # a bug: keep the traceback out of the user's way
        where = buglog.record_bug("briefing")
        _error(f"unexpected internal error ({type(exc).__name__}: {exc}); {where}")
        return 1
    finally:
        if collecting and argv is not None:  # the program exits next: no need
            gc.enable()


if __name__ == "__main__":
    sys.exit(main())
