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
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# module -> (files mutmut changes, tests that state their behaviour). The selection is
# kept to the tests that exercise the module: mutmut runs, per mutant, only those of
# them that reach the changed function, and slow suites (GUI, wheel, fuzzing, every card
# of test_pdf.py, the memory-limited import) would add seconds to minutes per mutant; the
# memory-limited import also fails under mutmut's instrumentation.
TARGETS = {
    "domain": (["desktopapp/domain.py"],
               ["tests/test_domain.py", "tests/test_domain_rules.py",
                "tests/test_dates_roles_priority.py", "tests/test_bookformat.py"]),
    "bookformat": (["desktopapp/bookformat.py"],
                   ["tests/test_bookformat.py", "tests/test_bookformat_rules.py",
                    "tests/test_hostile.py",
                    "tests/test_dates_roles_priority.py"]),
    "store": (["desktopapp/store/*"],
              ["tests/test_store.py", "tests/test_search.py", "tests/test_folding.py",
               "tests/test_dates_roles_priority.py"]),
    "fitting": (["desktopapp/pdf/fitting.py"], ["tests/test_fitting.py"]),
}
# hypothesis fuzzing and the wheel build: minutes per mutant, nothing the others miss
DESELECT = "not any_ and not wheel"


def prepare(name: str, rev: str | None) -> Path:
    """The module's working copy: the files of ``rev`` (a git revision), or else of the
    working tree, with mutmut configured for the module."""
    mutate, tests = TARGETS[name]
    work = REPO / ".mutation" / name
    work.mkdir(parents=True, exist_ok=True)
    if rev:
        archive = subprocess.run(["git", "archive", rev], cwd=REPO, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    else:
        files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                                "--exclude-standard"], cwd=REPO, check=True,
                               capture_output=True).stdout.decode().split("\0")
        for relative in filter(None, files):
            source, target = REPO / relative, work / relative
            if source.is_file() and (not target.exists()
                                     or target.read_bytes() != source.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    tests = [t for t in tests if ((work if rev else REPO) / t).exists()]
    config = "\n".join([
        "", "[tool.mutmut]",
        'source_paths = ["desktopapp"]',
        f"only_mutate = {json.dumps(mutate)}",
        'also_copy = ["resources", "db", "docs", "README.md", ".ci"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        f'pytest_add_cli_args = ["-p", "no:randomly", "-q", "-x", "-k", "{DESELECT}"]', ""])
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").split("\n[tool.mutmut]")[0]
    pyproject.write_text(text + config, encoding="utf-8")
    return work


def mutmut(work: Path, *args: str, quiet=True) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=work, env=env,
                          text=True, capture_output=quiet)


def summary(name: str, work: Path) -> str:
    mutmut(work, "export-cicd-stats")
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    killed = stats["killed"] + stats["timeout"]
    checked = killed + stats["survived"] + stats["suspicious"] + stats["no_tests"]
    rate = 100 * killed / checked if checked else 0.0
    return (f"{name}: {killed} of {checked} mutants killed ({rate:.1f}%); "
            f"survived {stats['survived']}, no tests {stats['no_tests']}, "
            f"not yet checked {stats['total'] - checked}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", choices=sorted(TARGETS))
    parser.add_argument("--children", type=int, default=1,
                        help="mutants tested at once (default 1: the machine is shared)")
    parser.add_argument("--survivors", action="store_true",
                        help="list the surviving mutants instead of running")
    parser.add_argument("--rev", help="test the files of this git revision (e.g. main) "
                                      "instead of the working tree")
    parser.add_argument("mutants", nargs="*", help="only these mutants (mutmut names)")
    args = parser.parse_args(argv)
    work = prepare(args.module, args.rev)
    if args.survivors:
        listing = mutmut(work, "results").stdout
        print("\n".join(line.strip() for line in listing.splitlines()
                        if line.strip().endswith(("survived", "no tests"))))
        return 0
    mutmut(work, "run", "--max-children", str(args.children), *args.mutants)
    print(summary(args.module, work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
