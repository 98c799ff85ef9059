"""Benchmark a team book: ``python -m desktopapp.bench_team --db postgresql://… [--actors N]``.

The database must be empty (or an empty team book): the bench imports the
synthetic book of desktopapp/bench.py (N actors, a fifth as many meetings
with ten participants each, a tenth as many recommendations) and then
measures, in this process: open + the first 200 rows of the actor list;
saving an actor (read, change, save); the search query mix of bench.py;
and how long a save takes to reach another connection that LISTENs (what
a colleague's window waits for). Prints a table (n, p50, p95, max in ms),
the import's CPU time and peak memory in this process and the CPU time of
the server's processes when it runs on this machine (the machine is often
shared: CPU time says what the program itself cost), and the
machine with its load average. Figures, not assertions: the targets live
in the issue.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import select
import statistics
import tempfile
import time
from pathlib import Path

from . import bench
from .store.postgres import CHANNEL, TeamStore


def _table(figures: dict[str, list[float]]) -> str:
    lines = [f"{'measure':34} {'n':>5} {'p50':>9} {'p95':>9} {'max':>9}"]
    for name, samples in figures.items():
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        lines.append(f"{name:34} {len(ordered):5d} {statistics.median(ordered):9.1f} "
                     f"{p95:9.1f} {ordered[-1]:9.1f}")
    return "\n".join(lines)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def server_cpu_seconds(url: str) -> float | None:
    """CPU time (user + system) the local server's processes have used so far.

    The postmaster's children, living and ended (the kernel adds an ended
    child's time to its parent), read from /proc; None when the server runs
    elsewhere or cannot be read. With the machine shared, the server's CPU
    time says what an import cost it better than the wall clock does.
    """
    import psycopg
    try:
        with psycopg.connect(url) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        postmaster = int(_stat(backend)[1])
        ticks = 0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = _stat(int(entry.name))
                except (OSError, IndexError):
                    continue  # ended meanwhile
                if int(fields[1]) == postmaster:
                    ticks += int(fields[11]) + int(fields[12])  # utime, stime
        fields = _stat(postmaster)
        ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))  # its own and ended children's
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, psycopg.Error):
        return None


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name: [state, ppid, ...]."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def run(url: str, actors: int, rounds: int, facts: dict | None = None) -> dict[str, list[float]]:
    """The figures by measure; ``facts`` gets the load average around the import."""
    facts = {} if facts is None else facts
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.json"
        bench.write_synthetic_book(path, actors, actors // 5, actors // 10)
        with TeamStore.open(url, create=True, exist_ok=True) as store:
            if not store.is_empty():
                raise SystemExit(f"{url}: the team book is not empty; give an empty database")
            facts["load average before the import"] = os.getloadavg()
            server = server_cpu_seconds(url)
            start, cpu = time.perf_counter(), time.process_time()
            store.import_file(path)
            figures["import (whole book)"] = [_ms(start)]
            figures["import, CPU of this process"] = [(time.process_time() - cpu) * 1000]
            server_after = server_cpu_seconds(url)
            if server is not None and server_after is not None:
                figures["import, CPU of the local server"] = [(server_after - server) * 1000]
            facts["load average after the import"] = os.getloadavg()
            # ru_maxrss is in KiB on Linux
            figures["import, peak memory (MiB, not ms)"] = [
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
    for _ in range(rounds):
        start = time.perf_counter()
        with TeamStore.open(url) as store:
            store.list_summaries("actor", limit=200)
            figures.setdefault("open + first 200 actors", []).append(_ms(start))
    rng = random.Random(11)
    with TeamStore.open(url) as store:
        count = store.count("actor")
        for i in range(rounds * 5):
            actor = store.get_actor(rng.randint(1, count))
            actor.title = f"Adviser {i}"
            start, cpu = time.perf_counter(), time.process_time()
            store.save(actor)
            figures.setdefault("save an actor", []).append(_ms(start))
            figures.setdefault("save an actor, CPU of this process", []).append(
                (time.process_time() - cpu) * 1000)
        for query in bench.query_mix(random.Random(7)):
            start = time.perf_counter()
            store.search(query, limit=50)
            figures.setdefault("search (query mix, 50 hits)", []).append(_ms(start))
        import psycopg
        with psycopg.connect(url, autocommit=True) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            for i in range(rounds):
                actor = store.get_actor(rng.randint(1, count))
                actor.title = f"Envoy {i}"
                start = time.perf_counter()
                store.save(actor)
                while not list(listener.notifies(timeout=0, stop_after=1)):
                    select.select([listener.fileno()], [], [], 1.0)
                figures.setdefault("a save seen by a listener", []).append(_ms(start))
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktopapp.bench_team",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, metavar="URL",
                        help="an empty PostgreSQL database (postgresql://user@host:port/db)")
    parser.add_argument("--actors", type=int, default=100_000, help="actors in the book")
    parser.add_argument("--rounds", type=int, default=40, help="samples per measure")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write JSON figures here")
    args = parser.parse_args(argv)
    facts: dict = {"actors": args.actors}
    figures = run(args.db, args.actors, args.rounds, facts)
    print(_table(figures))
    for name, value in facts.items():
        print(f"{name}: {value}")
    machine = bench.machine()
    print(json.dumps(machine))
    if args.json:
        results = {name: bench.Figures.stats(samples) for name, samples in figures.items()}
        args.json.write_text(json.dumps({"results": results, "facts": facts,
                                         "machine": machine}, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
