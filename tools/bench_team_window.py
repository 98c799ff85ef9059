"""How long a colleague's save takes to appear in the window on a team book.

    python tools/bench_team_window.py --db postgresql://user@host:port/book [--rounds 40]

The book must hold at least one actor (``briefing init --db URL --sample`` makes one). The
real main window opens on it (offscreen, no display needed) with the first actor in its
editor; a second connection — the colleague, in another thread — changes that actor's
title and saves, ``--rounds`` times. Each round measures from the colleague's commit
(``save()`` returned) and from the start of the save to the moment the window's editor
shows the new title (the window heard the notification and read the book again: lists,
editor, preview). Prints n, p50, p95 and max in ms. Figures, not a test: the issue's
target is "within one second".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktopapp.gui.main_window import MainWindow  # noqa: E402
from desktopapp.store.postgres import TeamStore  # noqa: E402


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(url: str, rounds: int) -> dict[str, list[float]]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(TeamStore.open(url))
    window.show()
    page = window.current_page()
    page.table.selectRow(0)
    app.processEvents()
    editor = page.editor
    actor_id = editor.record_loaded().id
    colleague = TeamStore.open(url, analyst="bench colleague")
    figures: dict[str, list[float]] = {"from the colleague's commit": [],
                                       "from the start of the save": []}
    try:
        for i in range(rounds):
            title = f"Envoy {time.time_ns()} {i}"
            stamps: dict[str, float] = {}
            loop = QEventLoop()

            def seen(title=title, stamps=stamps, loop=loop):
                if "seen" not in stamps and editor.field("title").get() == title:
                    stamps["seen"] = time.perf_counter()
                    loop.quit()

            def save(title=title, stamps=stamps):
                actor = colleague.get_actor(actor_id)
                actor.title = title
                stamps["start"] = time.perf_counter()
                colleague.save(actor)
                stamps["commit"] = time.perf_counter()

            editor.changed.connect(seen)
            threading.Thread(target=save).start()
            QTimer.singleShot(10_000, loop.quit)  # a lost round is reported, not waited on
            loop.exec()
            editor.changed.disconnect(seen)
            if "seen" not in stamps:
                raise SystemExit(f"round {i}: the window did not show the save within 10 s")
            while "commit" not in stamps:  # seen before save() returned: 0 from the commit
                time.sleep(0.001)
            figures["from the colleague's commit"].append(
                max(0.0, stamps["seen"] - stamps["commit"]) * 1000)
            figures["from the start of the save"].append(
                (stamps["seen"] - stamps["start"]) * 1000)
            app.processEvents()
    finally:
        colleague.close()
        for p in window.pages.values():
            p.editor.undo_stack.setClean()
        window.close()
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, metavar="URL", help="a team book with actors")
    parser.add_argument("--rounds", type=int, default=40, help="saves to time")
    args = parser.parse_args(argv)
    figures = run(args.db, args.rounds)
    print(f"{'a colleague save seen in the window':38} {'n':>4} {'p50':>8} {'p95':>8} "
          f"{'max':>8}  (ms)")
    for name, samples in figures.items():
        ordered = sorted(samples)
        print(f"  {name:36} {len(ordered):4d} {statistics.median(ordered):8.1f} "
              f"{percentile(ordered, 0.95):8.1f} {ordered[-1]:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
