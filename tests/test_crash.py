"""Crash safety: an import killed with SIGKILL leaves a sound book with all or none of it.

Kills are aimed at the write itself: the child is killed once its write-ahead
log has grown past a random size, so each kill lands at a different point
of the import transaction (not in the interpreter's start-up).
"""

import json
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from desktopapp.bench import synthetic_book
from desktopapp.store import BriefingStore

pytestmark = pytest.mark.slow

SAMPLE = {"actor": 38, "meeting": 7, "recommendation": 3}
BIG = {"actor": 6000, "meeting": 1200, "recommendation": 600}
KILLS_WANTED = 24


def start_import(json_path, book):
    return subprocess.Popen([sys.executable, "-m", "desktopapp.cli", "import", str(json_path),
                             "--db", str(book)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wal_size(book):
    wal = book.with_name(book.name + "-wal")
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0


def run_until(proc, book, wal_threshold):
    """Poll until the WAL reaches the threshold or the process ends; return the max WAL seen."""
    biggest = 0
    while proc.poll() is None:
        biggest = max(biggest, wal_size(book))
        if wal_threshold is not None and biggest >= wal_threshold:
            break
        time.sleep(0.002)
    return biggest


def test_sigkill_during_import_leaves_all_or_nothing(tmp_path, sample_template):
    big = tmp_path / "big.json"
    big.write_text(json.dumps(synthetic_book(BIG["actor"], BIG["meeting"],
                                             BIG["recommendation"], participants=6)))
    reference = tmp_path / "reference.sqlite"
    shutil.copy(sample_template, reference)
    proc = start_import(big, reference)
    full_wal = run_until(proc, reference, None)
    assert proc.wait(timeout=300) == 0
    assert full_wal > 1_000_000  # the import writes megabytes: room to kill it part-way

    rng = random.Random(20250516)
    kills, outcomes = 0, {"none": 0, "all": 0}
    for attempt in range(KILLS_WANTED + 6):
        if kills >= KILLS_WANTED:
            break
        book = tmp_path / f"book{attempt}.sqlite"
        shutil.copy(sample_template, book)
        proc = start_import(big, book)
        run_until(proc, book, rng.uniform(1, full_wal * 0.95))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        with BriefingStore.open(book) as store:
            assert store.check() == [], f"attempt {attempt}: the book is damaged"
            counts = {kind: store.count(kind) for kind in SAMPLE}
        if counts == SAMPLE:
            outcomes["none"] += 1
        else:
            assert counts == {k: SAMPLE[k] + BIG[k] for k in SAMPLE}, counts
            outcomes["all"] += 1
    assert kills >= KILLS_WANTED, f"only {kills} kills landed during an import"
    assert outcomes["none"] >= KILLS_WANTED // 2, outcomes
