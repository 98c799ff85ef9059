"""A JSON file larger than the memory allowed imports in bounded memory (streamed)."""

import json
import subprocess
import sys
import uuid

import pytest

LIMIT_MB = 200  # address space for the importing process
BIO = "Negotiator on energy, sanctions and prisoner exchanges. " * 70  # ~4 KB


def write_big_book(path, actors):
    """A book file of ``actors`` actors with long biographies, written record by record."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"format": "briefing-book", "version": 1, "actors": [\n')
        for i in range(actors):
            if i:
                out.write(",\n")
            out.write(json.dumps({
                "uid": str(uuid.UUID(int=i + 1, version=4)), "kind": "person",
                "name": f"Delegate {i}", "native_name": "Делегат", "biography": BIO,
                "tags": ["talks"]}, ensure_ascii=False))
        out.write("\n]}\n")


def run_limited(code, *args):
    """Run ``code`` in a fresh Python whose address space is limited to LIMIT_MB."""
    wrapper = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, "
               f"({LIMIT_MB} << 20, {LIMIT_MB} << 20)); sys.argv[1:] = {list(map(str, args))!r}; "
               + code)
    return subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                          timeout=240)


@pytest.mark.slow
def test_file_larger_than_memory_imports_in_bounded_memory(tmp_path):
    path = tmp_path / "big.json"
    write_big_book(path, 30_000)
    assert path.stat().st_size > 110 << 20  # more than half the limit
    # the limit is real: reading the whole file as one document runs out of memory
    whole = run_limited("import json; json.loads(open(sys.argv[1], 'rb').read())", path)
    assert whole.returncode != 0 and "MemoryError" in whole.stderr
    book = tmp_path / "big.sqlite"
    done = run_limited(
        "from desktopapp.cli import main; sys.exit(main(['init', '--db', sys.argv[2]]) or "
        "main(['import', sys.argv[1], '--db', sys.argv[2]]))", path, book)
    assert done.returncode == 0, done.stderr
    assert "30,000 actors added" in done.stdout
    count = run_limited(
        "from desktopapp.store import BriefingStore; "
        "print(BriefingStore.open(sys.argv[1]).count('actor'))", book)
    assert count.stdout.strip() == "30000"
