"""The ``briefing`` command: parse, call the store, print.

Errors are one line ``error: ...`` on stderr: exit status 1 for a problem
with the book or the input, 2 for a command line that does not parse. An
unexpected failure is a bug: its traceback goes to the log file, the user
gets one line that says where.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from . import __version__, atomicfile, bookformat, books, buglog
from .domain import Actor, Meeting, Recommendation, label
from .errors import BriefingError

RECORD_KINDS = ("actor", "meeting", "recommendation")
LIST_KINDS = {"actors": "actor", "meetings": "meeting", "recommendations": "recommendation"}


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a record id (a whole number)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a record id (ids start at 1)")
    return value


def build_parser() -> Parser:
    parser = Parser(prog="briefing", description=(
        "Briefing Desk on the command line: keep a briefing book of actors, meetings and "
        "recommendations in one SQLite file. Without --db, commands use your own book "
        f"({books.default_book_path()}), created from the sample book on first use."))
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    def command(name, help_text, *, db=True):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if db:
            sub.add_argument("--db", metavar="PATH", type=Path,
                             help="the book file (default: your own book)")
        return sub

    sub = command("init", "Create a new, empty briefing book.", db=False)
    sub.add_argument("--db", metavar="PATH", type=Path, required=True,
                     help="where to create the book; the file must not exist yet")
    sub.add_argument("--sample", action="store_true",
                     help="fill it with the sample book (PISM Bulletin No. 58, Istanbul talks)")

    sub = command("list", "List the actors, meetings or recommendations of a book.")
    sub.add_argument("kind", choices=sorted(LIST_KINDS), help="what to list")
    sub.add_argument("--json", action="store_true", help="print JSON instead of a table")

    sub = command("show", "Show one record in full.")
    sub.add_argument("kind", choices=RECORD_KINDS, help="the record type")
    sub.add_argument("id", type=positive_int, help="the record's id (see 'briefing list')")
    sub.add_argument("--json", action="store_true", help="print JSON instead of text")

    sub = command("search", "Full-text search across all records (accents and case ignored).")
    sub.add_argument("text", help="words to find; each word matches as a prefix")
    sub.add_argument("--limit", type=positive_int, default=50, help="at most this many hits")
    sub.add_argument("--json", action="store_true", help="print JSON instead of lines")

    sub = command("export", "Export the whole book as briefing-book JSON.")
    sub.add_argument("-o", "--output", metavar="FILE.json", type=Path, required=True,
                     help="file to write (replaced only when the export is complete)")

    sub = command("import", "Merge a briefing-book JSON file into a book (all or nothing).")
    sub.add_argument("file", metavar="FILE.json", type=Path, help="the JSON file to import")

    sub = command("backup", "Copy the book safely, even while it is in use.")
    sub.add_argument("-o", "--output", metavar="FILE", type=Path, required=True,
                     help="the backup file to write")

    command("check", "Check the book file's integrity and links.")
    return parser


# --- output -------------------------------------------------------------

def _print_json(value):
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _table(rows, columns):
    widths = {c: max([len(c)] + [len(str(r.get(c) or "")) for r in rows]) for c in columns}
    widths = {c: min(w, 60) for c, w in widths.items()}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for row in rows:
        cells = []
        for c in columns:
            text = str(row.get(c) if row.get(c) is not None else "")
            if len(text) > 60:
                text = text[:59] + "…"
            cells.append(text.ljust(widths[c]))
        print("  ".join(cells).rstrip())


LIST_COLUMNS = {
    "actor": ["id", "name", "native_name", "kind", "title", "affiliation"],
    "meeting": ["id", "date", "title", "place", "status"],
    "recommendation": ["id", "priority", "status", "title", "addressee"],
}


def cmd_list(args, store):
    kind = LIST_KINDS[args.kind]
    rows = store.list_summaries(kind)
    if args.json:
        _print_json(rows)
    elif rows:
        _table(rows, LIST_COLUMNS[kind])
    else:
        print(f"No {args.kind} in this book.")


def _show_dict(record):
    data = bookformat.record_to_dict(record)
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

    print(record.display_name())
    if isinstance(record, Actor):
        fields = [("Native name", record.native_name), ("Kind", label(record.kind)),
                  ("Title", record.title), ("Aliases", ", ".join(record.aliases)),
                  ("Affiliations", who(record.affiliation_uids))]
    elif isinstance(record, Meeting):
        when = record.date.isoformat()
        if record.start_time:
            when += f" {record.start_time:%H:%M}"
        duration = f"{record.duration_minutes} min" if record.duration_minutes else ""
        fields = [("Date", when), ("Kind", label(record.kind)), ("Status", label(record.status)),
                  ("Duration", duration), ("Place", record.place),
                  ("Host", who(record.host_uids)), ("Mediator", who(record.mediator_uids))]
    else:
        fields = [("Priority", label(record.priority)), ("Status", label(record.status)),
                  ("Addressee", ", ".join(filter(None, [record.addressee,
                                                        who(record.addressee_uids)]))),
                  ("Author", record.author),
                  ("Date", record.date.isoformat() if record.date else "")]
    fields += [("Tags", ", ".join(record.tags)), ("Id", f"{record.id} (uid {record.uid})")]
    for name, value in fields:
        if value:
            print(f"  {name + ':':14}{value}")
    if isinstance(record, Actor):
        _print_block("Biography", record.biography)
        for p in record.positions:
            as_of = f" (as of {p.as_of.isoformat()})" if p.as_of else ""
            _print_block(f"Position: {p.topic}{as_of}", p.stance)
        meetings = store.meetings_of_actor(record.id)
        if meetings:
            print("\nMeetings:")
            for m in meetings:
                print(f"  {m['date']}  {m['title']}  ({m['role']})")
    elif isinstance(record, Meeting):
        for side, members in record.sides():
            print(f"\n{side or 'Participants'}:")
            for p in members:
                print(f"  {names.get(p.actor_uid, p.actor_uid)} — {label(p.role)}")
        _print_block("Agenda", record.agenda)
        _print_block("Outcomes", record.outcomes)
        _print_block("Follow-ups", record.follow_ups)
    else:
        _print_block("Recommendation", record.text)
        _print_block("Rationale", record.rationale)
    sources = [store.get_by_uid("source", uid).citation for uid in record.source_uids]
    if sources:
        print("\nSources:")
        for i, citation in enumerate(sources, 1):
            print(f"  [{i}] {citation}")


def _actor_uids(record):
    if isinstance(record, Actor):
        return record.affiliation_uids
    if isinstance(record, Meeting):
        return [p.actor_uid for p in record.participants] + record.host_uids + record.mediator_uids
    if isinstance(record, Recommendation):
        return record.addressee_uids + record.actor_uids
    return []


def cmd_show(args, store):
    record = store.get(args.kind, args.id)
    if args.json:
        _print_json(_show_dict(record))
    else:
        _print_record(store, record)


def cmd_search(args, store):
    hits = store.search(args.text, limit=args.limit)
    if args.json:
        _print_json([{"type": h.kind, "id": h.id, "title": h.title, "snippet": h.snippet}
                     for h in hits])
        return
    if not hits:
        print("No matches.")
    for hit in hits:
        snippet = " ".join(hit.snippet.split())
        print(f"{hit.kind:<15} {hit.id:>6}  {hit.title}\n{'':23}{snippet}")


def cmd_export(args, store):
    book = bookformat.book_to_dict(store.export_sections())
    atomicfile.write_text(args.output, bookformat.dumps(book))
    counts = ", ".join(f"{len(book[k])} {k}" for k in ("actors", "meetings",
                                                       "recommendations", "sources"))
    print(f"Exported {counts} to {args.output}")


def cmd_import(args, store):
    sections = bookformat.load_file(args.file)
    summary = store.import_sections(sections)
    print(f"Imported {args.file}: {summary}")


def cmd_backup(args, store):
    store.backup(args.output)
    print(f"Backed up {store.path} to {args.output}")


def cmd_check(args, store):
    problems = store.check()
    if problems:
        for problem in problems:
            print(problem)
        raise BriefingError(f"{store.path} has {len(problems)} problem(s)")
    print(f"{store.path}: ok")


COMMANDS = {"list": cmd_list, "show": cmd_show, "search": cmd_search, "export": cmd_export,
            "import": cmd_import, "backup": cmd_backup, "check": cmd_check}


def run(args) -> None:
    if args.command == "init":
        books.create_book(args.db, sample=args.sample)
        print(f"Created {'the sample book' if args.sample else 'an empty book'} at {args.db}")
        return
    with books.open_book(args.db) as store:
        COMMANDS[args.command](args, store)


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        run(args)
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        print(f"error: the book cannot be read ({exc}); run 'briefing check'", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug: keep the traceback out of the user's way
        where = buglog.record_bug("briefing")
        print(f"error: unexpected internal error ({type(exc).__name__}: {exc}); {where}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
