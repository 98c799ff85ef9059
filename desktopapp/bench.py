"""Benchmark: ``python -m desktopapp.bench [--suite book|cards|all] [--actors N] [--keep DIR]``.

``book``: builds a synthetic briefing book (by default 100,000 actors,
20,000 meetings with 10 participants each, 10,000 recommendations),
imports it into a new book and prints JSON figures: import time, open
time, first page (50 rows) of each list, search p50/p95 over 100 queries,
export time and file size.

``cards``: milliseconds per single card in a warm process (fitting
included) for the sample book's cards, and per page for a 500-card
handout.

``gui``: on the synthetic book, how long the main window takes to open
and show its first page, and how long each keystroke in the filter box
holds the GUI thread (offscreen Qt).

Figures, not assertions: targets live in the README and the closing notes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from . import bookformat
from .store import BriefingStore

GIVEN = ["Anna", "Maria", "Vladimir", "Olena", "Hakan", "Marco", "Keith", "Ursula", "Friedrich",
         "Łukasz", "Zofia", "Ahmet", "Ayşe", "Mikhail", "Serhiy", "Andriy", "Émilie", "Jürgen",
         "Søren", "Ioana", "Nikos", "Chiara", "Pedro", "Kateryna", "Rustem", "Emine", "Piotr"]
FAMILY = ["Dyner", "Piechowska", "Medinsky", "Fidan", "Rubio", "Kellogg", "Leyen", "Merz",
          "Nowak", "Kowalczyk", "Yılmaz", "Erdoğan", "Galuzin", "Kyslytsya", "Sybiha",
          "Dubois", "Müller", "Jørgensen", "Popescu", "Papadopoulos", "Rossi", "García",
          "Shevchenko", "Umerov", "Wiśniewski", "Żak", "Brâncuși", "Kovačević", "Horváth"]
CYRILLIC = {"Medinsky": "Мединский", "Galuzin": "Галузин", "Kyslytsya": "Кислиця",
            "Sybiha": "Сибіга", "Shevchenko": "Шевченко", "Umerov": "Умєров"}
PLACES = ["Istanbul", "Kyiv", "Geneva", "Vienna", "Brussels", "Warsaw", "Helsinki", "Riyadh",
          "Doha", "Rome", "Ankara", "Oslo", "Minsk", "Budapest", "Paris", "Berlin"]
TOPICS = ["ceasefire", "sanctions", "prisoners of war", "energy", "grain corridor",
          "peacekeepers", "reconstruction", "NATO", "territory", "humanitarian aid"]
STAMP = "2025-05-20T12:00:00Z"


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_book(actors=100_000, meetings=20_000, recommendations=10_000,
                   participants=10, seed=58) -> dict:
    """A briefing-book JSON document of the given size, the same for the same seed."""
    rng = random.Random(seed)
    source_uid = _uid(rng)
    book = {"format": "briefing-book", "version": 1,
            "sources": [{"uid": source_uid, "citation": "Synthetic benchmark source",
                         "created_at": STAMP, "updated_at": STAMP}],
            "actors": [], "meetings": [], "recommendations": []}
    actor_uids = []
    for i in range(actors):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        uid = _uid(rng)
        actor_uids.append(uid)
        book["actors"].append({
            "uid": uid, "created_at": STAMP, "updated_at": STAMP, "kind": "person",
            "name": f"{given} {family} {i}",
            "native_name": CYRILLIC.get(family, ""),
            "title": rng.choice(["Deputy foreign minister", "Ambassador", "Special envoy",
                                 "Head of delegation", "Adviser"]),
            "biography": f"Works on {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
            "positions": [{"topic": rng.choice(TOPICS), "stance": "Supports talks.",
                           "as_of": "2025-05-16", "source_uid": source_uid}],
            "tags": [rng.choice(TOPICS).replace(" ", "-")], "sources": [source_uid]})
    meeting_uids = []
    for i in range(meetings):
        uid = _uid(rng)
        meeting_uids.append(uid)
        seats = rng.sample(actor_uids, min(participants, len(actor_uids)))
        book["meetings"].append({
            "uid": uid, "created_at": STAMP, "updated_at": STAMP,
            "title": f"Talks on {rng.choice(TOPICS)} {i}", "kind": "talks",
            "date": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "place": rng.choice(PLACES), "status": "held",
            "participants": [{"actor_uid": a, "side": "A" if n % 2 else "B",
                              "role": "head" if n < 2 else "member"}
                             for n, a in enumerate(seats)],
            "outcomes": f"Agreed to continue on {rng.choice(TOPICS)}.",
            "sources": [source_uid]})
    for i in range(recommendations):
        book["recommendations"].append({
            "uid": _uid(rng), "created_at": STAMP, "updated_at": STAMP,
            "title": f"Recommendation {i} on {rng.choice(TOPICS)}",
            "text": f"European states should act on {rng.choice(TOPICS)}.",
            "addressee": "European states", "priority": rng.choice(["high", "medium", "low"]),
            "status": "proposed", "meetings": [rng.choice(meeting_uids)] if meeting_uids else [],
            "actors": [rng.choice(actor_uids)], "sources": [source_uid]})
    return book


def _queries(rng: random.Random, count=100) -> list[str]:
    kinds = [
        lambda: rng.choice(FAMILY),
        lambda: rng.choice(FAMILY)[:3],
        lambda: f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
        lambda: rng.choice(list(CYRILLIC.values())).upper(),
        lambda: rng.choice(TOPICS),
        lambda: rng.choice(PLACES).lower(),
        lambda: "erdogan",
        lambda: "zzqx nothing",
    ]
    return [rng.choice(kinds)() for _ in range(count)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def run(actors, meetings, recommendations, folder: Path) -> dict:
    figures = {"actors": actors, "meetings": meetings, "recommendations": recommendations}
    book = synthetic_book(actors, meetings, recommendations)
    json_path = folder / "synthetic.json"
    json_path.write_text(bookformat.dumps(book), encoding="utf-8")
    figures["json_bytes"] = json_path.stat().st_size
    del book

    path = folder / "synthetic.sqlite"
    started = time.perf_counter()
    sections = bookformat.load_file(json_path)
    parsed = time.perf_counter()
    with BriefingStore.open(path, create=True) as store:
        store.import_sections(sections)
    done = time.perf_counter()
    figures["import_parse_s"] = round(parsed - started, 2)
    figures["import_write_s"] = round(done - parsed, 2)
    figures["import_total_s"] = round(done - started, 2)
    del sections

    started = time.perf_counter()
    store = BriefingStore.open(path)
    figures["open_ms"] = _ms(time.perf_counter() - started)
    for kind, sort in (("actor", "name"), ("meeting", "date"), ("recommendation", "title")):
        started = time.perf_counter()
        rows = store.list_summaries(kind, sort=sort, limit=50)
        figures[f"first_page_{kind}s_ms"] = _ms(time.perf_counter() - started)
        assert len(rows) == min(50, store.count(kind))
    store.close()
    started = time.perf_counter()
    with BriefingStore.open(path) as store:
        store.list_summaries("actor", sort="name", limit=50)
        figures["open_plus_first_actor_page_ms"] = _ms(time.perf_counter() - started)

        timings, hit_counts = [], []
        for query in _queries(random.Random(7)):
            started = time.perf_counter()
            hits = store.search(query, limit=50)
            timings.append(time.perf_counter() - started)
            hit_counts.append(len(hits))
        timings.sort()
        figures["search_queries"] = len(timings)
        figures["search_p50_ms"] = _ms(statistics.median(timings))
        figures["search_p95_ms"] = _ms(timings[int(len(timings) * 0.95) - 1])
        figures["search_max_ms"] = _ms(timings[-1])
        figures["search_mean_hits"] = round(statistics.mean(hit_counts), 1)

        started = time.perf_counter()
        exported = bookformat.dumps(store.export_book())
        (folder / "export.json").write_text(exported, encoding="utf-8")
        figures["export_s"] = round(time.perf_counter() - started, 2)
    figures["file_bytes"] = path.stat().st_size
    return figures


def card_figures(folder: Path, repeats: int = 30) -> dict:
    """Card rendering speed on the sample book and on a 500-card handout."""
    from . import books, dossier
    from .domain import Actor, Meeting, Participant, ParticipantRole, Position
    from .pdf import actor_card, handout, meeting_card, recommendation_card

    path = folder / "cards.sqlite"
    books.create_book(path, sample=True)
    figures = {}
    with BriefingStore.open(path) as store:
        settings = store.settings()
        jobs = [(actor_card, dossier.actor_dossier(store, r["id"]))
                for r in store.list_summaries("actor")]
        jobs += [(meeting_card, dossier.meeting_dossier(store, r["id"]))
                 for r in store.list_summaries("meeting")]
        jobs += [(recommendation_card, dossier.recommendation_dossier(store, r["id"]))
                 for r in store.list_summaries("recommendation")]
        for module, gathered in jobs:  # warm: fonts loaded, caches filled
            module.render(gathered, settings)
        timings = []
        for _ in range(repeats):
            for module, gathered in jobs:
                started = time.perf_counter()
                module.render(gathered, settings)
                timings.append(time.perf_counter() - started)
        timings.sort()
        figures["cards_rendered"] = len(timings)
        figures["card_mean_ms"] = _ms(statistics.mean(timings))
        figures["card_p50_ms"] = _ms(statistics.median(timings))
        figures["card_p95_ms"] = _ms(timings[int(len(timings) * 0.95) - 1])

        rng = random.Random(500)
        people = []
        with store.write():
            for i in range(499):
                people.append(store.save(Actor(
                    name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}",
                    native_name=CYRILLIC.get(rng.choice(FAMILY), ""),
                    title=rng.choice(["Deputy foreign minister", "Ambassador", "Adviser"]),
                    biography=f"Works on {rng.choice(TOPICS)}. " * 8,
                    positions=[Position(t, f"Supports progress on {t}.") for t in TOPICS[:3]])))
            meeting = store.save(Meeting(
                title="Plenary with 499 delegates", date=dt.date(2025, 5, 16),
                participants=[Participant(p.uid, f"Side {i % 4}",
                                          ParticipantRole.HEAD if i < 4 else
                                          ParticipantRole.MEMBER)
                              for i, p in enumerate(people)]))
        gathered = dossier.handout(store, meeting.id)
        started = time.perf_counter()
        result = handout.render(gathered, settings)
        elapsed = time.perf_counter() - started
        figures["handout_pages"] = result.pages
        figures["handout_total_s"] = round(elapsed, 2)
        figures["handout_ms_per_page"] = _ms(elapsed / result.pages)
        figures["handout_bytes"] = len(result.pdf)
    return figures


def gui_figures(path: Path) -> dict:
    """Window opening and filter keystrokes on a big book, measured on the GUI thread."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from .gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    figures = {}
    started = time.perf_counter()
    store = BriefingStore.open(path)
    window = MainWindow(store)
    window.show()
    app.processEvents()
    figures["window_open_ms"] = _ms(time.perf_counter() - started)
    page = window.current_page()
    timings = {}
    for word in ["medinsky", "erdogan", "Мединский", "ceasefire", "a", "zz"]:
        for end in range(1, len(word) + 1):
            started = time.perf_counter()
            page.filter.setText(word[:end])
            window._apply_filter(page)  # what the debounce timer calls after typing stops
            app.processEvents()
            timings[word[:end]] = time.perf_counter() - started
    ordered = sorted(timings.values())
    figures["filter_keystrokes"] = len(ordered)
    figures["filter_p50_ms"] = _ms(statistics.median(ordered))
    figures["filter_p95_ms"] = _ms(ordered[int(len(ordered) * 0.95) - 1])
    figures["filter_max_ms"] = _ms(ordered[-1])
    figures["filter_slowest_text"] = max(timings, key=timings.get)
    window.close()
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktopapp.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=["book", "cards", "gui", "all"], default="all")
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--recommendations", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build in DIR and keep the files (default: a temporary folder)")
    args = parser.parse_args(argv)
    def measure(folder: Path) -> dict:
        figures = {}
        if args.suite in ("book", "all"):
            figures.update(run(args.actors, args.meetings, args.recommendations, folder))
        if args.suite in ("cards", "all"):
            figures.update(card_figures(folder))
        if args.suite in ("gui", "all"):
            book = folder / "synthetic.sqlite"
            if not book.exists():
                run(args.actors, args.meetings, args.recommendations, folder)
            figures.update(gui_figures(book))
        return figures

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        figures = measure(args.keep)
    else:
        with tempfile.TemporaryDirectory() as folder:
            figures = measure(Path(folder))
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
