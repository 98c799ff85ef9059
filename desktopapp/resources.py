"""Files the program needs at run time.

In the repository they live in the top-level resources/ folder; the wheel
carries the same folder inside the package as desktopapp/resources/.
"""

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "resources"
_SOURCE_TREE = Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path:
    for folder in (_PACKAGED, _SOURCE_TREE):
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"resource {name!r} is missing from this installation")


SAMPLE_BOOK = "sample-book.json"
BOOK_SCHEMA = "briefing-book.schema.json"
USER_GUIDE = "user-guide.md"
