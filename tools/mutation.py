"""Mutation testing, one module at a time: how many deliberate breakages do the tests catch?

    python tools/mutation.py fitting            # or: domain, bookformat, store
    python tools/mutation.py store --children 2
    python tools/mutation.py domain --survivors # list what the tests let through
    python tools/mutation.py bookformat --rev main   # a committed state, not the work tree

Each module runs in its own copy of the repository (``.mutation/<module>/``, from the
files git knows), with mutmut configured for that module and the tests that exercise it,
so runs for different modules never share state. mutmut keeps its copy of the tests and
its results there: after changing tests, delete ``.mutation/<module>`` to test again.
The summary line gives the kill rate: killed (timeouts count as killed: the breakage
hung the tests) over all mutants checked.
Requires the dev extra (mutmut). See CONTRIBUTING.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# module -> (files mutmut changes, files it leaves alone, tests that state their
# behaviour, tests left out). The selection is kept to the tests that exercise the
# module: mutmut runs, per mutant, only those of them that reach the changed function,
# and slow suites (GUI, wheel, fuzzing, every card of test_pdf.py, the memory-limited
# import, kill -9 loops) would add seconds to minutes per mutant; the memory-limited
# import also fails under mutmut's instrumentation. The field rules of every record
# kind live in recordkinds.py since the records are described once: they belong to
# "domain". The team-book backend (store/postgres/) needs its PostgreSQL suites and is
# not part of "store".
TARGETS = {
    "domain": (["desktopapp/domain.py", "desktopapp/recordkinds.py"], [],
               ["tests/test_domain.py", "tests/test_domain_rules.py",
                "tests/test_record_kinds.py", "tests/test_dates_roles_priority.py",
                "tests/test_domain_limits.py", "tests/test_bookformat.py",
                "tests/test_bookformat_rules.py"], ""),
    "bookformat": (["desktopapp/bookformat.py"], [],
                   ["tests/test_bookformat.py", "tests/test_bookformat_rules.py",
                    "tests/test_hostile.py", "tests/test_dates_roles_priority.py"], ""),
    "store": (["desktopapp/store/*"], ["desktopapp/store/postgres/*"],
              ["tests/test_store.py", "tests/test_store_rules.py", "tests/test_safety.py",
               "tests/test_search.py", "tests/test_folding.py", "tests/test_who_changed.py",
               "tests/test_bookformat.py", "tests/test_dates_roles_priority.py",
               # records, lists, settings, search (book.py, record_rows.py, ...) and the
               # book as a file (opening.py, copying.py, migrations.py, maintenance.py)
               "tests/test_store_records.py", "tests/test_store_files.py",
               # the connection's transaction rules, the export's rows, the import's links
               "tests/test_store_connection.py", "tests/test_exporting.py",
               "tests/test_import_links.py"],
              # seconds each, and they test the command or the operating system more
              # than the store: kill -9 loops, racing processes, mounts, terminals
              "kill_9 or two_cli_writers or many_rounds or fifos or dev_full or "
              "read_only_mount or immutable or lock_holder or terminals or command_line "
              "or editors or window or postgresql"),
    "fitting": (["desktopapp/pdf/fitting.py"], [], ["tests/test_fitting.py"], ""),
    # a store file each, but with the tests of the book as a file coming in and going
    # out (links across batches, the export straight from the rows): its own target, so
    # that measuring them throws away none of the verdicts kept for "store"
    "import-export": (["desktopapp/store/importing.py", "desktopapp/store/exporting.py"], [],
                      ["tests/test_import_links.py", "tests/test_exporting.py",
                       "tests/test_store.py", "tests/test_store_rules.py",
                       "tests/test_bookformat.py", "tests/test_bookformat_rules.py",
                       "tests/test_who_changed.py", "tests/test_dates_roles_priority.py",
                       "tests/test_status_not_given.py", "tests/test_store_records.py",
                       "tests/test_store_files.py", "tests/test_safety.py"],
                      "kill_9 or two_cli_writers or many_rounds or fifos or dev_full or "
                      "read_only_mount or immutable or lock_holder or terminals or "
                      "command_line or editors or window or postgresql"),
}
# the wheel build: minutes per mutant, nothing the others miss. Hypothesis fuzzing
# (the same) is left out by its marker, ``-m "not hypothesis"``: a name pattern such
# as "any_" also left out "test_many_records_..." and "..._longer_than_any_page_...".
DESELECT = "wheel"


def prepare(name: str, rev: str | None) -> Path:
    """The module's working copy: the files of ``rev`` (a git revision), or else of the
    working tree, with mutmut configured for the module."""
    mutate, skip, tests, slow = TARGETS[name]
    work = REPO / ".mutation" / name
    work.mkdir(parents=True, exist_ok=True)
    if rev:
        archive = subprocess.run(["git", "archive", rev], cwd=REPO, check=True,
                                 capture_output=True).stdout
        # -m: extracted files dated now, so mutmut (which compares dates) makes their
        # mutants again instead of keeping those of the files they replace
        subprocess.run(["tar", "-x", "-m", "-C", str(work)], input=archive, check=True)
    else:
        files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                                "--exclude-standard"], cwd=REPO, check=True,
                               capture_output=True).stdout.decode().split("\0")
        for relative in filter(None, files):
            source, target = REPO / relative, work / relative
            if source.is_file() and (not target.exists()
                                     or target.read_bytes() != source.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, target)  # dated now, not as the source: see above
    tests = [t for t in tests if ((work if rev else REPO) / t).exists()]
    config = "\n".join([
        "", "[tool.mutmut]",
        'source_paths = ["desktopapp"]',
        f"only_mutate = {json.dumps(mutate)}",
        f"do_not_mutate = {json.dumps(skip)}",
        'also_copy = ["resources", "db", "docs", "README.md", ".ci"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        "pytest_add_cli_args = " + json.dumps(["-p", "no:randomly", "-q", "-x",
                                               "-m", "not hypothesis", "-k",
                                               f"not ({DESELECT}{' or ' + slow if slow else ''})"]),
        ""])
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").split("\n[tool.mutmut]")[0]
    pyproject.write_text(text + config, encoding="utf-8")
    return work


def mutmut(work: Path, *args: str, quiet=True) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=work, env=env,
                          text=True, capture_output=quiet)


# mutmut's exit codes per mutant (mutmut/stats.py), sorted into what the report counts
KILLED, TIMEOUT, SURVIVED, NO_TESTS = {1, 3}, {-24, 24, 152, 255, 36}, {0}, {5, 33}


def verdicts(work: Path) -> dict[str, dict[str, int | None]]:
    """Mutated file -> {mutant name: exit code, None when not yet checked}."""
    out = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        out[str(meta.relative_to(work / "mutants"))[:-len(".meta")]] = codes
    return out


def tally(codes) -> dict[str, int]:
    codes = list(codes)
    counts = {"killed": sum(c in KILLED for c in codes),
              "timeout": sum(c in TIMEOUT for c in codes),
              "survived": sum(c in SURVIVED for c in codes),
              "no tests": sum(c in NO_TESTS for c in codes),
              "not checked": sum(c is None for c in codes)}
    counts["other"] = len(codes) - sum(counts.values())  # suspicious, segfault
    return counts


def line(label: str, codes) -> str:
    """One row of the report: timeouts count as killed (the breakage hung the tests)."""
    t = tally(codes)
    checked = t["killed"] + t["timeout"] + t["survived"] + t["no tests"] + t["other"]
    rate = 100 * (t["killed"] + t["timeout"]) / checked if checked else 0.0
    return (f"{label}: {t['killed'] + t['timeout']} of {checked} checked mutants killed "
            f"({rate:.1f}%): killed {t['killed']}, timeout {t['timeout']}, survived "
            f"{t['survived']}, no tests {t['no tests']}, other {t['other']}; "
            f"not checked {t['not checked']} (of {len(codes)})")


def report(name: str, work: Path) -> str:
    files = verdicts(work)
    rows = [line(path, codes.values()) for path, codes in files.items()]
    if len(files) > 1:
        rows.append(line(name, [c for codes in files.values() for c in codes.values()]))
    return "\n".join(rows)


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % confidence interval of a proportion from a sample (Wilson score interval)."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def draw_sample(work: Path, size: int, seed: int, among=()) -> list[str]:
    """A uniformly random, reproducible sample of the module's mutants (of those whose
    names match one of the globs ``among``, when given: one file's sample)."""
    if not verdicts(work):  # mutmut makes its mutants on its first run; ask for none
        mutmut(work, "run", "--max-children", "1", "no-such-mutant")
    names = sorted(n for codes in verdicts(work).values() for n in codes
                   if not among or any(fnmatch.fnmatchcase(n, glob) for glob in among))
    return sorted(random.Random(seed).sample(names, min(size, len(names))))


def sample_report(work: Path, sample: list[str]) -> str:
    codes = {n: c for codes in verdicts(work).values() for n, c in codes.items()}
    # a mutant of code changed or removed since the sample was drawn is gone
    gone = [n for n in sample if n not in codes]
    chosen = [codes[n] for n in sample if n in codes]
    t = tally(chosen)
    hits = t["killed"] + t["timeout"]
    n = len(chosen) - t["not checked"]
    low, high = wilson(hits, n)
    return (line(f"sample of {len(sample)}", chosen)
            + (f"; {len(gone)} no longer exist (the code changed)" if gone else "") + "\n"
            f"estimated kill rate of the whole module: {100 * hits / max(n, 1):.1f}% "
            f"(95% interval {100 * low:.1f}-{100 * high:.1f}%, from {n} checked)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", choices=sorted(TARGETS))
    parser.add_argument("--children", type=int, default=1,
                        help="mutants tested at once (default 1: the machine is shared)")
    parser.add_argument("--survivors", action="store_true",
                        help="list the surviving mutants instead of running")
    parser.add_argument("--report", action="store_true",
                        help="the verdicts so far, per file, instead of running (with "
                             "--sample: also the estimate from that sample)")
    parser.add_argument("--rerun-survivors", action="store_true",
                        help="test again the mutants that survived (after adding tests)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="test only N mutants drawn at random from the whole module "
                             "(or from the mutants named), and estimate its (their) kill "
                             "rate from them")
    parser.add_argument("--seed", type=int, default=13, help="of the sample (default 13)")
    parser.add_argument("--rev", help="test the files of this git revision (e.g. main) "
                                      "instead of the working tree")
    parser.add_argument("mutants", nargs="*", help="only these mutants (mutmut names or "
                                                   "globs such as 'desktopapp.store.search*')")
    args = parser.parse_intermixed_args(argv)  # mutant names after the options too
    work = REPO / ".mutation" / args.module
    if args.survivors:
        for codes in verdicts(work).values():
            for mutant, code in sorted(codes.items()):
                if code in SURVIVED | NO_TESTS:
                    print(mutant, "survived" if code in SURVIVED else "no tests")
        return 0
    # with mutant names or globs, a sample is drawn among those only (one file's sample)
    sample_file = work / "-".join(["sample", str(args.seed), str(args.sample or 0),
                                   *("".join(c if c.isalnum() else "_" for c in glob)
                                     for glob in args.mutants)])
    sample_file = sample_file.with_name(sample_file.name[:200] + ".txt")
    if args.report:
        print(report(args.module, work))
        if args.sample and sample_file.exists():
            print(sample_report(work, sample_file.read_text().split()))
        return 0
    work = prepare(args.module, args.rev)
    mutants = list(args.mutants)
    if args.sample:
        sample = draw_sample(work, args.sample, args.seed, among=mutants)
        sample_file.write_text("\n".join(sample) + "\n")
        # a killed mutant stays killed (tests are only ever added, and mutmut forgets
        # the verdicts of functions whose code changed): a sample run stopped early
        # goes on where it stopped, and a repeated one tests only what is left
        done = {n for codes in verdicts(work).values() for n, code in codes.items()
                if code in KILLED | TIMEOUT}
        mutants = [m for m in sample if m not in done]
        if not mutants:
            print(sample_report(work, sample))
            return 0
    if args.rerun_survivors:
        mutants += [m for codes in verdicts(work).values() for m, code in codes.items()
                    if code in SURVIVED | NO_TESTS]
        if not mutants:
            print("no survivors to test again")
            return 0
    mutmut(work, "run", "--max-children", str(args.children), *mutants)
    print(report(args.module, work))
    if args.sample:
        print(sample_report(work, sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
