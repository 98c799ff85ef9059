"""Benchmark what users wait for: ``python -m desktopapp.bench [options]``.

Suites (``--suite``, repeatable; default all but ``peers``):

``book``   a synthetic book (``--scale``: 10k, 100k or 1M actors; meetings
           a fifth of that with ten participants each, recommendations a
           tenth) imported with ``briefing import`` (time and peak memory);
           then, each in a fresh process: open and the first 200 rows of
           the actor list (as the window loads them); the search query mix
           (one- and two-letter prefixes, whole names, native-script names,
           multi-word phrases, no-hit queries); the first query of a fresh
           process; ``briefing list`` (first row, total, peak memory) and
           ``briefing export`` (time, peak memory).
``cli``    cold commands, timed from process start to exit (wall and CPU
           time): ``briefing card``, ``list --limit 200``, ``search``,
           ``show``; from compiled bytecode, as installed (one untimed
           start first compiles it into the temporary folder and fills
           the parsed-font cache, as a first use does).
``cards``  milliseconds per card in a warm process, wall and CPU time: the
           sample's cards, a card needing shortening, meetings with
           50/200/499 participants, a handout (per page); the sample meeting
           with no markup parsed and no lines broken before; the sample
           actor and meeting, a different copy each time (every text of
           its own made different: a card never shown before, in a warm
           process); the others repeat a card, whose parsed markup and
           line breaks are kept;
           and the first card of a fresh process (fonts loaded once, from
           the parsed-font cache as after a first use; and once with that
           cache empty). Cases are in CARD_CASES.
``gui``    the window on the synthetic book in a fresh process: process
           start to the first painted window showing the first page of the
           list and the first record's card in the preview (wall and CPU
           time), then each filter keystroke on the GUI thread (after the
           pause the filter's debounce waits for, as when a person types)
           and the list pages queried; the slowest keystrokes are named.
           Bytecode is cached in the temporary home, filled by one untimed
           start (as an installed program's is at install).
``peers``  (``pip install ".[bench]"``) the sample's actor and meeting card
           made with plain ReportLab, fpdf2 and WeasyPrint, as ratios to ours.

``--backend postgresql --db URL`` runs the team-book bench instead
(desktopapp/bench_team.py): the synthetic book of ``--scale`` imported into
the empty PostgreSQL database at URL, then open + first page, saving,
searching and a save seen by another connection.

``--keep DIR`` builds in DIR and reuses the JSON and the book there on the
next run with the same scale; nothing else is written outside a temporary
folder (the GUI suite runs with its own HOME and XDG folders). Results:
a table (n, p50, p95, max) and, with ``--json FILE``, JSON with the
machine's description. Figures, not assertions: targets live in the issues.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SCALES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
SUITES = ["book", "cli", "cards", "gui", "peers"]

GIVEN = ["Anna", "Maria", "Vladimir", "Olena", "Hakan", "Marco", "Keith", "Ursula", "Friedrich",
         "Łukasz", "Zofia", "Ahmet", "Ayşe", "Mikhail", "Serhiy", "Andriy", "Émilie", "Jürgen",
         "Søren", "Ioana", "Nikos", "Chiara", "Pedro", "Kateryna", "Rustem", "Emine", "Piotr"]
FAMILY = ["Dyner", "Piechowska", "Medinsky", "Fidan", "Rubio", "Kellogg", "Leyen", "Merz",
          "Nowak", "Kowalczyk", "Yılmaz", "Erdoğan", "Galuzin", "Kyslytsya", "Sybiha",
          "Dubois", "Müller", "Jørgensen", "Popescu", "Papadopoulos", "Rossi", "García",
          "Shevchenko", "Umerov", "Wiśniewski", "Żak", "Brâncuși", "Kovačević", "Horváth"]
CYRILLIC = {"Medinsky": "Мединский", "Galuzin": "Галузин", "Kyslytsya": "Кислиця",
            "Sybiha": "Сибіга", "Shevchenko": "Шевченко", "Umerov": "Умєров"}
# Names in their own scripts (every 7th actor carries one)
NATIVE = [("Wang Yi", "王毅"), ("Liu Jianchao", "刘建超"), ("Abbas Araghchi", "عباس عراقچی"),
          ("Ali Shamkhani", "علی شمخانی"), ("Faisal bin Farhan", "فيصل بن فرحان"),
          ("Badr Albusaidi", "بدر البوسعيدي"), ("Musāʿid al-ʿAybān", "مساعد العيبان"),
          ("Gideon Sa'ar", "גדעון סער"), ("Cho Tae-yul", "조태열"),
          ("Office of the Central Foreign Affairs Commission", "中央外事工作委员会办公室")]
PLACES = ["Istanbul", "Kyiv", "Geneva", "Vienna", "Brussels", "Warsaw", "Helsinki", "Riyadh",
          "Doha", "Rome", "Ankara", "Oslo", "Minsk", "Budapest", "Paris", "Berlin", "Muscat"]
TOPICS = ["ceasefire", "sanctions", "prisoners of war", "energy", "grain corridor",
          "peacekeepers", "reconstruction", "NATO", "territory", "humanitarian aid"]
STAMP = "2025-05-20T12:00:00Z"


# --- the synthetic book -----------------------------------------------------------

def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_records(actors=100_000, meetings=20_000, recommendations=10_000,
                      participants=10, seed=58):
    """(section, record dict) of a synthetic book, the same for the same seed."""
    rng = random.Random(seed)
    source_uid = _uid(rng)
    yield "sources", {"uid": source_uid, "citation": "Synthetic benchmark source",
                      "created_at": STAMP, "updated_at": STAMP}
    actor_uids = []
    for i in range(actors):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        name, native = f"{given} {family} {i}", CYRILLIC.get(family, "")
        if i % 7 == 3:
            name, native = NATIVE[(i // 7) % len(NATIVE)]
            name = f"{name} {i}"
        uid = _uid(rng)
        actor_uids.append(uid)
        yield "actors", {
            "uid": uid, "created_at": STAMP, "updated_at": STAMP, "kind": "person",
            "name": name, "native_name": native,
            "title": rng.choice(["Deputy foreign minister", "Ambassador", "Special envoy",
                                 "Head of delegation", "Adviser"]),
            "biography": f"Works on {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
            "positions": [{"topic": rng.choice(TOPICS), "stance": "Supports talks.",
                           "as_of": "2025-05-16", "source_uid": source_uid}],
            "tags": [rng.choice(TOPICS).replace(" ", "-")], "sources": [source_uid]}
    meeting_uids = []
    for i in range(meetings):
        uid = _uid(rng)
        meeting_uids.append(uid)
        seats = rng.sample(actor_uids, min(participants, len(actor_uids)))
        yield "meetings", {
            "uid": uid, "created_at": STAMP, "updated_at": STAMP,
            "title": f"Talks on {rng.choice(TOPICS)} {i}", "kind": "talks",
            "date": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "place": rng.choice(PLACES), "status": "held",
            "participants": [{"actor_uid": a, "side": "A" if n % 2 else "B",
                              "role": "head" if n < 2 else "member"}
                             for n, a in enumerate(seats)],
            "outcomes": f"Agreed to continue on {rng.choice(TOPICS)}.",
            "sources": [source_uid]}
    for i in range(recommendations):
        yield "recommendations", {
            "uid": _uid(rng), "created_at": STAMP, "updated_at": STAMP,
            "title": f"Recommendation {i} on {rng.choice(TOPICS)}",
            "text": f"European states should act on {rng.choice(TOPICS)}.",
            "addressee": "European states", "priority": rng.choice(["high", "medium", "low"]),
            "status": "proposed", "meetings": [rng.choice(meeting_uids)] if meeting_uids else [],
            "actors": [rng.choice(actor_uids)], "sources": [source_uid]}


def synthetic_book(actors=100_000, meetings=20_000, recommendations=10_000,
                   participants=10, seed=58) -> dict:
    """The synthetic book as one JSON document (for small sizes; see write_synthetic_book)."""
    book: dict = {"format": "briefing-book", "version": 1}
    for section, record in synthetic_records(actors, meetings, recommendations,
                                             participants, seed):
        book.setdefault(section, []).append(record)
    return book


def write_synthetic_book(path: Path, actors: int, meetings: int, recommendations: int) -> None:
    """Write the synthetic book record by record, as `briefing export` lays a file out."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"format": "briefing-book", "version": 1')
        section = None
        for name, record in synthetic_records(actors, meetings, recommendations):
            if name != section:
                out.write(("\n]" if section else "") + f',\n"{name}": [\n')
                section = name
            else:
                out.write(",\n")
            out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n]}\n")


# --- measuring --------------------------------------------------------------------

class Figures:
    """Named samples in milliseconds (or other units), printed as a table."""

    def __init__(self):
        self.rows: dict[str, tuple[str, list[float]]] = {}
        self.facts: dict[str, object] = {}
        self.load_at_start = [round(x, 2) for x in os.getloadavg()]

    def add(self, name: str, value: float, unit: str = "ms"):
        self.rows.setdefault(name, (unit, []))[1].append(value)

    def extend(self, name: str, values, unit: str = "ms"):
        for value in values:
            self.add(name, value, unit)

    @staticmethod
    def stats(values: list[float]) -> dict:
        ordered = sorted(values)
        p95 = ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
        return {"n": len(ordered), "p50": round(statistics.median(ordered), 2),
                "p95": round(p95, 2), "max": round(ordered[-1], 2)}

    def table(self) -> str:
        width = max([len(name) for name in self.rows] + [10])
        lines = [f"{'measure':<{width}}  {'unit':>4}  {'n':>5}  {'p50':>9}  {'p95':>9}  "
                 f"{'max':>9}"]
        for name, (unit, values) in self.rows.items():
            s = self.stats(values)
            lines.append(f"{name:<{width}}  {unit:>4}  {s['n']:>5}  {s['p50']:>9}  "
                         f"{s['p95']:>9}  {s['max']:>9}")
        lines += [f"{key}: {value}" for key, value in self.facts.items()]
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"results": {name: {"unit": unit, **self.stats(values)}
                            for name, (unit, values) in self.rows.items()},
                "facts": self.facts,
                "machine": {**machine(), "load_average_at_start": self.load_at_start},
                "code": code_version()}


def code_version() -> str:
    """The commit of the code measured, "+ changes" when the checkout has some; where
    the program is not a git checkout, the installed package's version."""
    folder = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "-C", folder, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10)
        if commit.returncode == 0:
            changed = subprocess.run(["git", "-C", folder, "status", "--porcelain",
                                      "--untracked-files=no"],
                                     capture_output=True, text=True, timeout=10).stdout
            return commit.stdout.strip() + (" + changes" if changed.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"briefing-desk {version('briefing-desk')}"
    except PackageNotFoundError:
        return "unknown"


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory = f"{int(total) // 1024} MiB"
    except (OSError, IndexError, ValueError):
        pass
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
            "memory": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _env(home: Path | None = None) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if home is not None:  # nothing written to the user's own folders
        # A program installed with pip starts from compiled bytecode: children
        # keep theirs in the temporary home (not beside the sources), even
        # where PYTHONDONTWRITEBYTECODE is set, which would time compiling
        # the program's own modules on every start instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
        env["HOME"] = str(home)
        for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                    "XDG_RUNTIME_DIR"):
            env[var] = str(home / var.lower())
            (home / var.lower()).mkdir(parents=True, exist_ok=True, mode=0o700)
    return env


def run_process(args, home: Path, stdout=subprocess.PIPE) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak memory MiB, stdout). Raises if it fails."""
    elapsed, peak, _, out = run_measured(args, home, stdout)
    return elapsed, peak, out


def run_measured(args, home: Path, stdout=subprocess.PIPE) -> tuple[float, float, float, str]:
    """Run a command; (wall s, peak MiB (from _cli, else 0), CPU s, stdout).

    On a shared machine wall time says how busy the machine was as much as
    what the program costs; CPU time (user + system) says the latter. It is
    what RUSAGE_CHILDREN gained when the child was reaped (one child at a time).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE, env=_env(home),
                             text=True)
    out, err = child.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # the child has been reaped: its own peak is in RUSAGE_CHILDREN only as a
    # maximum over all children, so the peak is read by the child itself
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed: {err.strip()[-500:]}")
    peak = 0.0
    for line in err.splitlines():
        if line.startswith("bench-peak-mib "):
            peak = float(line.split()[1])
    return elapsed, peak, cpu, out or ""


def _cli(*args) -> list[str]:
    """A fresh `briefing` process that reports its peak memory on stderr.

    The peak is the process's own plus that of the process it started (an
    import's reader, store/import_reader.py): the two peaks added, never less
    than what both held at any one time.
    """
    code = ("import resource, sys\n"
            "from desktopapp.cli import main\n"
            "try:\n    code = main()\n"  # as the installed command: its own arguments
            "finally:\n    print('bench-peak-mib', sum(resource.getrusage(who).ru_maxrss\n"
            "          for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024,\n"
            "          file=sys.stderr)\n"
            "sys.exit(code)\n")
    return [sys.executable, "-c", code, *map(str, args)]


def _briefing(*args) -> list[str]:
    """The installed `briefing` command, as a user starts it."""
    script = Path(sys.executable).with_name("briefing")
    if script.exists():
        return [str(script), *map(str, args)]
    return [sys.executable, "-m", "desktopapp.cli", *map(str, args)]


def _child(task: str, *args) -> list[str]:
    return [sys.executable, "-m", "desktopapp.bench", "--child", task, *map(str, args)]


# --- the book suite -----------------------------------------------------------------

def query_mix(rng: random.Random, count=120) -> list[str]:
    """What people type: short prefixes, names, native scripts, phrases, typos."""
    kinds = [
        lambda: rng.choice("abcdefghiklmnoprstuvwz"),  # one letter
        lambda: rng.choice(FAMILY)[:2].lower(),  # two letters
        lambda: rng.choice(FAMILY)[:3],
        lambda: rng.choice(FAMILY),
        lambda: f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",  # whole name
        lambda: rng.choice(list(CYRILLIC.values())).upper(),
        lambda: rng.choice(NATIVE)[1],  # native script
        lambda: rng.choice(NATIVE)[1][:2],  # two CJK/Arabic characters
        lambda: rng.choice(NATIVE)[0].split()[0],
        lambda: rng.choice(TOPICS),  # phrases
        lambda: f"talks on {rng.choice(TOPICS)}",
        lambda: f"agreed to continue on {rng.choice(TOPICS)}",
        lambda: rng.choice(PLACES).lower(),
        lambda: "erdogan",
        lambda: "zzqx nothing",  # no hit
        lambda: f"{rng.choice(FAMILY)} qqq",
    ]
    return [rng.choice(kinds)() for _ in range(count)]


def reference_loop_seconds() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this shared machine is just
    now (on the development machine it varied 1.8-fold within minutes), to read the
    other figures by."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i * i
    return time.process_time() - started


def build_book(folder: Path, actors: int, figures: Figures, home: Path,
               imports: int = 1) -> Path:
    """The synthetic book in ``folder``, imported now unless kept from an earlier run;
    ``imports`` times in all, each into a new book (the first is kept)."""
    meetings, recommendations = actors // 5, actors // 10
    stamp = folder / "synthetic.params"
    params = f"{actors} {meetings} {recommendations} v2"
    json_path, book = folder / "synthetic.json", folder / "synthetic.sqlite"
    if stamp.exists() and stamp.read_text() == params and book.exists():
        figures.facts["book"] = f"reused {book}"
        return book
    for suffix in ("", "-wal", "-shm"):
        Path(f"{book}{suffix}").unlink(missing_ok=True)
    stamp.unlink(missing_ok=True)
    if not (json_path.exists() and (folder / "synthetic.json.params").exists()
            and (folder / "synthetic.json.params").read_text() == params):
        write_synthetic_book(json_path, actors, meetings, recommendations)
        (folder / "synthetic.json.params").write_text(params)
    figures.facts["json_bytes"] = json_path.stat().st_size
    again = folder / "synthetic-again.sqlite"
    for target in [book, *[again] * (imports - 1)]:
        run_process(_cli("init", "--db", target), home)
        figures.add("machine: reference Python loop, CPU (before each import)",
                    reference_loop_seconds(), "s")
        seconds, peak, cpu, _ = run_measured(_cli("import", json_path, "--db", target), home)
        figures.add("import (briefing import)", seconds, "s")
        figures.add("import CPU time (user + system)", cpu, "s")
        figures.add("import peak memory", peak, "MiB")
        if target == again:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{again}{suffix}").unlink(missing_ok=True)
    stamp.write_text(params)
    figures.facts["book_bytes"] = book.stat().st_size
    return book


def book_suite(folder: Path, actors: int, figures: Figures, home: Path,
               imports: int = 1) -> Path:
    book = build_book(folder, actors, figures, home, imports)
    for _ in range(5):
        wall, _, out = run_process(_child("open", book), home)
        inside = json.loads(out)
        figures.add("open + first 200 actors (fresh process)", inside["open_first_page_ms"])
        figures.add("  same, process start to exit", _ms(wall))
    queries = query_mix(random.Random(7))
    per_process = 20
    for start in range(0, len(queries), per_process):
        _, _, out = run_process(_child("search", book, *queries[start:start + per_process]),
                                home)
        result = json.loads(out)
        figures.extend("search, query mix (limit 50)", result["search_ms"])
        figures.add("search, first query of a fresh process", result["search_ms"][0])
        figures.extend("list filter (search_ids, unranked, limit 5000)", result["filter_ms"])
    figures.facts["search_queries"] = len(queries)
    wall, peak, out = run_process(_child("list", book), home)
    result = json.loads(out)
    figures.add("briefing list actors: first row", result["first_row_ms"])
    figures.add("briefing list actors: all rows", _ms(wall))
    figures.add("briefing list actors peak memory", peak, "MiB")
    export = folder / "export.json"
    seconds, peak, cpu, _ = run_measured(_cli("export", "--db", book, "-o", export), home)
    figures.add("export (briefing export)", seconds, "s")
    figures.add("export CPU time (user + system)", cpu, "s")
    figures.add("export peak memory", peak, "MiB")
    figures.facts["export_bytes"] = export.stat().st_size
    export.unlink()
    return book


def cli_suite(book: Path, folder: Path, figures: Figures, home: Path):
    sample = folder / "sample.sqlite"
    if not sample.exists():
        run_process(_briefing("init", "--sample", "--db", sample), home)
    out = folder / "card.pdf"
    commands = {
        "cold: briefing card meeting (sample)": ("card", "meeting", "5", "--db", sample,
                                                 "-o", out),
        "cold: briefing card actor (sample)": ("card", "actor", "1", "--db", sample, "-o", out),
        "cold: briefing search (big book)": ("search", "erdogan", "--db", book),
        "cold: briefing list --limit 200 (big book)": ("list", "actors", "--limit", "200",
                                                       "--db", book),
        "cold: briefing show actor (big book)": ("show", "actor", "7", "--db", book),
    }
    for name, args in commands.items():
        # the first start compiles the bytecode the others start from
        run_measured(_briefing(*args), home, stdout=subprocess.DEVNULL)
        for _ in range(5):
            wall, _, cpu, _ = run_measured(_briefing(*args), home, stdout=subprocess.DEVNULL)
            figures.add(name, _ms(wall))
            figures.add(f"{name}, CPU time", _ms(cpu))
    out.unlink(missing_ok=True)


# --- cards ------------------------------------------------------------------------

def _sample_record(store, kind, index=0):
    """The sample book's ``index``-th record of ``kind`` as the list orders them. Records
    the bench adds (the large meetings' delegates sort before "Alexander Fomin") are
    left out: the sample's card is timed whatever ran before."""
    from .books import SAMPLE_BOOK, resource_path

    sample = json.loads(Path(resource_path(SAMPLE_BOOK)).read_text(encoding="utf-8"))
    uids = {record["uid"] for record in sample[f"{kind}s"]}
    own = [row for row in store.list_summaries(kind) if row["uid"] in uids]
    return store.get(kind, own[index]["id"])


def _big_meeting(store, size):
    """A meeting with ``size`` participants (made once per book)."""
    from .domain import Actor, Meeting, Participant, ParticipantRole, Position

    # each delegate's texts their own, as people's are: shared texts would be laid out
    # once and reused, which flattered the handout (a newcomer review measured 30 %)
    title = f"Plenary with {size} delegates, each with texts of their own"
    found = [r for r in store.list_summaries("meeting") if r["title"] == title]
    if found:
        return store.get("meeting", found[0]["id"])
    rng = random.Random(size)
    people = []
    with store.write():
        for i in range(size):
            people.append(store.save(Actor(
                name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {size}-{i}",
                native_name=CYRILLIC.get(rng.choice(FAMILY), ""),
                title=rng.choice(["Deputy foreign minister", "Ambassador", "Adviser"]),
                biography=" ".join(f"Works on {rng.choice(TOPICS)} since "
                                    f"{1990 + rng.randrange(30)}." for _ in range(7))
                + f" Delegate {size}-{i}.",
                positions=[Position(t, f"Supports progress on {t} (delegate {i}).")
                           for t in TOPICS[:3]])))
        return store.save(Meeting(
            title=title, date=dt.date(2025, 5, 16),
            participants=[Participant(p.uid, f"Side {i % 4}",
                                      ParticipantRole.HEAD if i < 4 else ParticipantRole.MEMBER)
                          for i, p in enumerate(people)]))


def _crowded_actor(store):
    """An actor whose card must be shortened to stay on one page."""
    from .domain import Actor, Position

    found = [r for r in store.list_summaries("actor") if r["name"] == "Crowded Card"]
    if found:
        return store.get("actor", found[0]["id"])
    return store.save(Actor(
        name="Crowded Card", title="Envoy with a long record",
        biography="A long biography paragraph about many negotiations. " * 120,
        positions=[Position(f"Topic {i}", "A stance held for years and restated often. " * 6)
                   for i in range(60)]))


# name -> function(store) returning the record whose card is timed. Add cases here.
CARD_CASES = {
    "card: sample actor": lambda store: _sample_record(store, "actor"),
    "card: sample meeting (Istanbul talks)": lambda store: store.get("meeting", 5),
    "card: sample recommendation": lambda store: _sample_record(store, "recommendation"),
    "card: actor shortened to fit": _crowded_actor,
    "card: meeting, 50 participants": lambda store: _big_meeting(store, 50),
    "card: meeting, 200 participants": lambda store: _big_meeting(store, 200),
    "card: meeting, 499 participants": lambda store: _big_meeting(store, 499),
}


# --- cards in other scripts: the cost of bidi and shaping against Latin cards -------

ARABIC_BIOGRAPHY = (
    "وزير الخارجية منذ عام 2019. قاد وفد المملكة في محادثات بكين في مارس 2023، التي أدت إلى "
    "استئناف العلاقات الدبلوماسية بعد قطيعة دامت سبع سنوات. يرى أن الاستقرار الإقليمي شرط أساسي "
    "للتنمية ويؤيد الحل السياسي في اليمن. ")
SCRIPT_NAMES = [("Faisal bin Farhan", "فيصل بن فرحان"), ("Ali Shamkhani", "علی شمخانی"),
                ("Wang Yi", "王毅"), ("Tsai Ing-wen", "蔡英文"), ("Kishida Fumio", "岸田文雄"),
                ("Park Jin", "박진"), ("Yair Lapid", "יאיר לפיד"), ("Ishaq Dar", "اسحاق ڈار"),
                ("S. Jaishankar", "सुब्रह्मण्यम जयशंकर"), ("Prayut Chan-o-cha", "ประยุทธ์ จันทร์โอชา"),
                ("Irakli Kobakhidze", "ირაკლი კობახიძე"), ("Nikol Pashinyan", "Նիկոլ Փաշինյան")]


def _arabic_actor(store):
    """An actor card whose names, biography and positions are all in Arabic."""
    from .domain import Actor, Position

    found = [r for r in store.list_summaries("actor") if r["name"] == "فيصل بن فرحان آل سعود"]
    if found:
        return store.get("actor", found[0]["id"])
    return store.save(Actor(
        name="فيصل بن فرحان آل سعود", native_name="فيصل بن فرحان", title="وزير الخارجية",
        biography=ARABIC_BIOGRAPHY * 2,
        positions=[Position("العلاقات مع إيران",
                            "الحوار أفضل من المواجهة؛ السفارات تفتح خلال شهرين.")
                   for _ in range(4)]))


def _script_meeting(store):
    """A meeting of twelve delegates, each named in their own script."""
    from .domain import Actor, Meeting, Participant

    title = "Beijing talks — محادثات بكين"
    found = [r for r in store.list_summaries("meeting") if r["title"] == title]
    if found:
        return store.get("meeting", found[0]["id"])
    people = [store.save(Actor(name=name, native_name=native)) for name, native in SCRIPT_NAMES]
    return store.save(Meeting(title=title, date=dt.date(2023, 3, 6), end_date=dt.date(2023, 3, 10),
                              agenda=ARABIC_BIOGRAPHY,
                              participants=[Participant(p.uid, f"Side {i % 3}")
                                            for i, p in enumerate(people)]))


def _long_biography_actor(store):
    """A 50,000-character biography of "*a* **b**": markup all the way (once 20 s a card)."""
    from .domain import Actor

    found = [r for r in store.list_summaries("actor") if r["name"] == "Long Biography"]
    if found:
        return store.get("actor", found[0]["id"])
    return store.save(Actor(name="Long Biography", biography=("*a* **b** " * 5000)[:50_000]))


CARD_CASES["card: actor, 50,000-character biography"] = _long_biography_actor
CARD_CASES["card: actor, all in Arabic"] = _arabic_actor
CARD_CASES["card: meeting, twelve scripts"] = _script_meeting


def cards_suite(folder: Path, figures: Figures, home: Path, repeats=20):
    sample = folder / "cards.sqlite"
    if not sample.exists():
        run_process(_briefing("init", "--sample", "--db", sample), home)
    # The first start compiles the bytecode (as an install does) and fills the
    # parsed-font cache (as a first use does); then one start without that cache,
    # then starts as every later one is.
    from .pdf.fontcache import APP_FOLDER

    run_process(_child("first-card", sample), home)
    shutil.rmtree(Path(_env(home)["XDG_CACHE_HOME"]) / APP_FOLDER / "fonts", ignore_errors=True)
    _, _, out = run_process(_child("first-card", sample), home)
    figures.add("card: first of a fresh process, font cache empty", json.loads(out)["ms"])
    for _ in range(3):
        _, _, out = run_process(_child("first-card", sample), home)
        figures.add("card: first of a fresh process (fonts loaded)", json.loads(out)["ms"])
    _, _, out = run_process(_child("cards", sample, repeats), home)
    for name, values in json.loads(out).items():
        figures.extend(name, values)


_NOT_TEXT = {"uid", "created_at", "updated_at", "changed_by"}


def _marked(value, mark: str):
    """``value`` (a record, an item of one, a list, a text) with ``mark`` after each text
    of its own; links (uids), stamps and coded values (enums, dates) as they were."""
    if type(value) is str:
        return f"{value} {mark}" if value else value
    if isinstance(value, list):
        return [_marked(item, mark) for item in value]
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{
            f.name: _marked(getattr(value, f.name), mark) for f in dataclasses.fields(value)
            if f.init and f.name not in _NOT_TEXT and not f.name.endswith(("_uid", "_uids"))})
    return value


def _time_cards(path: Path, repeats: int) -> dict:
    from .documents import render_record
    from .pdf import scripts
    from .store import BriefingStore

    out = {}
    with BriefingStore.open(path) as store:
        settings = store.settings()
        # a card laid out for the first time in a warm process: no markup
        # parsed and no lines broken before (the others repeat the same card,
        # whose markup and lines are)
        record = store.get("meeting", 5)
        render_record(store, record, settings)

        def timed(name, make_card, before=None):
            # wall time, and beside it the CPU time, which others' load on the
            # machine leaves alone (cards are made on one thread)
            walls, cpus = out.setdefault(name, []), out.setdefault(f"{name}, CPU time", [])
            for _ in range(repeats):
                if before:
                    before()
                started, cpu = time.perf_counter(), time.process_time()
                make_card()
                walls.append(_ms(time.perf_counter() - started))
                cpus.append(_ms(time.process_time() - cpu))

        timed("card: sample meeting, its markup parsed afresh",
              lambda: render_record(store, record, settings), before=scripts.forget_parsed)
        for name, make in CARD_CASES.items():
            case = make(store)
            render_record(store, case, settings)  # warm
            timed(name, lambda case=case: render_record(store, case, settings))
        # cards never shown before, as when a person goes from record to record:
        # each a copy of the sample's with every text of its own made different
        # (what all cards share, their labels and the linked records, is laid out
        # already in a warm process)
        for name, kind in (("actor", "actor"), ("meeting (Istanbul talks)", "meeting")):
            original = store.get("meeting", 5) if kind == "meeting" else _sample_record(
                store, "actor")
            copies = iter([_marked(original, f"({n})") for n in range(repeats)])
            timed(f"card: sample {name}, a different one each time",
                  lambda copies=copies: render_record(store, next(copies), settings))
        from . import dossier
        from .pdf import handout

        meeting = _big_meeting(store, 499)
        started, cpu = time.perf_counter(), time.process_time()
        result = handout.render(dossier.handout(store, meeting.id), settings)
        out["handout, 500 cards: per page"] = [
            _ms((time.perf_counter() - started) / result.pages)]
        out["handout, 500 cards: per page, CPU time"] = [
            _ms((time.process_time() - cpu) / result.pages)]
    return out


# --- peers: the same cards made with other libraries -------------------------------

def peers_suite(folder: Path, figures: Figures, home: Path, repeats=10):
    sample = folder / "cards.sqlite"
    if not sample.exists():
        run_process(_briefing("init", "--sample", "--db", sample), home)
    _, _, out = run_process(_child("peers", sample, repeats), home)
    result = json.loads(out)
    for name, values in result["timings"].items():
        figures.extend(name, values)
    for name, ratio in result["ratios"].items():
        figures.facts[f"ratio {name}"] = ratio


def _time_peers(path: Path, repeats: int) -> dict:
    from . import peers
    from .documents import render_record
    from .store import BriefingStore

    timings, ratios = {}, {}
    with BriefingStore.open(path) as store:
        settings = store.settings()
        cases = {"actor": _sample_record(store, "actor"), "meeting": store.get("meeting", 5)}
        for kind, record in cases.items():
            makers = {"ours": lambda r=record: render_record(store, r, settings)}
            makers.update(peers.makers(store, record))
            for maker_name, make in makers.items():
                try:
                    make()  # warm: fonts, imports
                except ImportError as exc:
                    timings[f"peer {kind} card: {maker_name} (not installed: {exc.name})"] = [0.0]
                    continue
                values = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    make()
                    values.append(_ms(time.perf_counter() - started))
                timings[f"peer {kind} card: {maker_name}"] = values
            ours = statistics.median(timings[f"peer {kind} card: ours"])
            for maker_name in makers:
                values = timings.get(f"peer {kind} card: {maker_name}")
                if values and maker_name != "ours":
                    ratios[f"{kind} {maker_name}/ours"] = round(statistics.median(values) / ours,
                                                                 2)
    return {"timings": timings, "ratios": ratios}


# --- the window ---------------------------------------------------------------------

def gui_suite(book: Path, figures: Figures, home: Path):
    # An installed program has its bytecode compiled at installation; a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module at each start. The window's
    # processes keep their bytecode in the temporary home, filled by one untimed start.
    env = _env(home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    subprocess.run(_child("gui", book, "--start-only"), env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    keystrokes = []  # (wall ms, GUI thread's CPU ms, filter text) of every run
    for _ in range(3):
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = subprocess.Popen(_child("gui", book), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, text=True)
        first = child.stdout.readline()
        painted = time.perf_counter() - started
        rest, err = child.communicate()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if child.returncode != 0 or not first.startswith("painted"):
            raise RuntimeError(f"window benchmark failed: {err.strip()[-500:]}")
        figures.add("window: process start to first painted window", _ms(painted))
        # the child's own CPU time up to that paint: the figure a loaded machine leaves alone
        figures.add("window: CPU time to first paint (user + system)", float(first.split()[1]))
        figures.add("window: whole run CPU time (user + system)",
                    (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), "s")
        result = json.loads(rest)
        figures.extend("window: filter keystroke on the GUI thread", result["keystrokes_ms"])
        figures.extend("window: filter keystroke, GUI thread's CPU time",
                       result["keystrokes_cpu_ms"])
        figures.add("window: list pages queried (first page + filters)", result["pages"], "")
        keystrokes.extend(zip(result["keystrokes_ms"], result["keystrokes_cpu_ms"],
                              result["texts"], strict=True))
        figures.facts["window: filter texts typed"] = len(result["keystrokes_ms"])
    slowest = sorted(keystrokes, reverse=True)[:5]
    figures.facts["window: slowest filter keystrokes (wall/CPU ms)"] = ", ".join(
        f"{text!r} {wall:.1f}/{cpu:.1f}" for wall, cpu, text in slowest)


# typed one letter at a time, from an empty filter box; the key of each filter's timing
FILTER_WORDS = ["medinsky", "erdogan", "Мединский", "王毅", "ceasefire", "a", "zz"]


def _run_events(app, milliseconds: float):
    """Let the window's event loop run for ``milliseconds``, as it does between keys."""
    from PySide6.QtCore import QEventLoop

    end = time.perf_counter() + milliseconds / 1000
    while (left := end - time.perf_counter()) > 0:
        app.processEvents(QEventLoop.AllEvents | QEventLoop.WaitForMoreEvents,
                          max(1, round(left * 1000)))


def _gui_child(path: Path, start_only: bool = False):
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from .gui.app import freeze_imported_objects
    from .gui.main_window import MainWindow
    from .gui.record_page import FILTER_DELAY_MS
    from .store import BriefingStore

    freeze_imported_objects()  # as briefing-desk's main() does before it opens the book
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(BriefingStore.open(path))
    window.show()
    # "first painted window": the list's first page and the first record's card in the
    # preview, not a window still saying "Rendering…"
    while window.preview.is_rendering() or not window.windowHandle().isExposed():
        app.processEvents(QEventLoop.AllEvents | QEventLoop.WaitForMoreEvents, 50)
    app.processEvents(QEventLoop.AllEvents)
    window.repaint()
    print("painted", _ms(time.process_time()), flush=True)
    if start_only:
        window.close()
        return
    page = window.current_page()
    texts, timings, cpu = [], [], []
    for word in FILTER_WORDS:
        page.filter.clear()
        page.timer.stop()  # the cleared box is not timed and not filtered
        for end in range(1, len(word) + 1):
            # A filter runs once typing has paused for the debounce delay, so it
            # never follows the one before sooner than that: meanwhile the event
            # loop runs and the previous record's card renders, as for a person
            # typing. Filters timed back to back shared the interpreter with that
            # card's layout, which a person meets only with a card slower than
            # the delay.
            _run_events(app, FILTER_DELAY_MS)
            started, thread_started = time.perf_counter(), time.thread_time()
            page.filter.setText(word[:end])
            # what the debounce timer runs once typing pauses (once: not again from the timer)
            page.timer.stop()
            window._apply_filter(page)
            app.processEvents()
            timings.append(_ms(time.perf_counter() - started))
            cpu.append(_ms(time.thread_time() - thread_started))
            texts.append(word[:end])
    print(json.dumps({"keystrokes_ms": timings, "keystrokes_cpu_ms": cpu, "texts": texts,
                      "pages": sum(p.model.loads for p in window.pages.values())}))
    window.close()


# --- what the fresh child processes run ---------------------------------------------

def child_main(task: str, args: list[str]) -> None:
    started = time.perf_counter()
    if task == "open":
        from .store import BriefingStore

        started = time.perf_counter()
        with BriefingStore.open(args[0]) as store:
            rows = store.list_summaries("actor", sort="name", limit=200)
            elapsed = time.perf_counter() - started
            assert len(rows) == min(200, store.count("actor"))
        print(json.dumps({"open_first_page_ms": _ms(elapsed)}))
    elif task == "search":
        from .store import BriefingStore

        with BriefingStore.open(args[0]) as store:
            search_ms, filter_ms = [], []
            for query in args[1:]:
                started = time.perf_counter()
                hits = store.search(query, limit=50)
                search_ms.append(_ms(time.perf_counter() - started))
                assert len(hits) <= 50
                started = time.perf_counter()
                store.search_ids(query, "actor", limit=5000, ranked=False)
                filter_ms.append(_ms(time.perf_counter() - started))
        print(json.dumps({"search_ms": search_ms, "filter_ms": filter_ms}))
    elif task == "list":
        # `briefing list actors` as a user runs it, its output read as it comes
        child = subprocess.Popen(_briefing("list", "actors", "--db", args[0]),
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        child.stdout.readline()  # the header
        child.stdout.readline()
        first = time.perf_counter() - started
        for _ in child.stdout:
            pass
        child.wait()
        import resource
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"bench-peak-mib {peak}", file=sys.stderr)
        print(json.dumps({"first_row_ms": _ms(first)}))
    elif task == "first-card":
        from .documents import render_record
        from .store import BriefingStore

        with BriefingStore.open(args[0]) as store:
            record = store.get("meeting", 5)
            started = time.perf_counter()
            render_record(store, record, store.settings())
            print(json.dumps({"ms": _ms(time.perf_counter() - started)}))
    elif task == "cards":
        print(json.dumps(_time_cards(Path(args[0]), int(args[1]))))
    elif task == "peers":
        print(json.dumps(_time_peers(Path(args[0]), int(args[1]))))
    elif task == "gui":
        _gui_child(Path(args[0]), start_only="--start-only" in args[1:])
    else:
        raise SystemExit(f"unknown bench task {task!r}")


def _count(text: str) -> int:
    """A number of runs: a whole number from 1 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be from 1 to 100, not {value}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktopapp.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=SUITES, action="append",
                        help="run this suite (repeat for several; default: all but peers)")
    parser.add_argument("--scale", choices=list(SCALES), default="100k",
                        help="synthetic book size in actors (default 100k)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build in DIR and keep the files; a later run with the same "
                             "scale reuses the book")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write JSON figures here")
    parser.add_argument("--imports", type=_count, default=1, metavar="N",
                        help="import the book N times, each into a new book, for p50/p95/max "
                             "on a noisy machine (default 1; none when --keep has the book)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                        help="sqlite (default): the suites above on a book file; postgresql: "
                             "the team-book bench on the database given by --db")
    parser.add_argument("--db", metavar="URL",
                        help="with --backend postgresql: an empty database "
                             "(postgresql://user@host:port/dbname) the bench fills")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.backend == "postgresql" or args.db:
        if args.backend != "postgresql" or not args.db:
            parser.error("a team-book bench needs both --backend postgresql and "
                         "--db postgresql://user@host:port/empty_db")
        if args.suite or args.keep:
            parser.error("--suite and --keep are for book files; the team-book bench "
                         "(--backend postgresql) runs its own measures")
        from . import bench_team
        team_args = ["--db", args.db, "--actors", str(SCALES[args.scale])]
        if args.json:
            team_args += ["--json", str(args.json)]
        return bench_team.main(team_args)
    if args.child:
        child_main(args.child[0], args.child[1:])
        return 0
    suites = args.suite or [s for s in SUITES if s != "peers"]
    figures = Figures()
    figures.facts["scale"] = f"{args.scale} actors"

    def measure(folder: Path):
        with tempfile.TemporaryDirectory() as home:
            home = Path(home)
            book = None
            if {"book", "cli", "gui"} & set(suites):
                if "book" in suites:
                    book = book_suite(folder, SCALES[args.scale], figures, home, args.imports)
                else:
                    book = build_book(folder, SCALES[args.scale], figures, home, args.imports)
            if "cli" in suites:
                cli_suite(book, folder, figures, home)
            if "cards" in suites:
                cards_suite(folder, figures, home)
            if "peers" in suites:
                peers_suite(folder, figures, home)
            if "gui" in suites:
                gui_suite(book, figures, home)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        measure(args.keep)
    else:
        with tempfile.TemporaryDirectory() as folder:
            measure(Path(folder))
    print(figures.table())
    if args.json:
        args.json.write_text(json.dumps(figures.as_json(), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
