"""Both backends implement every method of the store interface, with the same parameters."""

import inspect

import pytest

from desktopapp.store import BriefingStore
from desktopapp.store.interface import BookStore
from desktopapp.store.postgres import TeamStore

METHODS = [name for name, member in vars(BookStore).items()
           if callable(member) and not name.startswith("_")]


def parameters(cls, name):
    method = inspect.unwrap(getattr(cls, name))
    return [(p.name, p.kind) for p in inspect.signature(method).parameters.values()][1:]


@pytest.mark.parametrize("backend", [BriefingStore, TeamStore], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("name", METHODS)
def test_backend_implements_the_interface(backend, name):
    assert hasattr(backend, name), f"{backend.__name__} lacks {name}()"
    wanted = [(n, k) for n, k in parameters(BookStore, name)]
    got = parameters(backend, name)
    # a backend may take more keyword-only options (ids of changed_by columns ...)
    assert got[:len(wanted)] == wanted, f"{backend.__name__}.{name}{got} != {wanted}"
    assert all(kind == inspect.Parameter.KEYWORD_ONLY for _, kind in got[len(wanted):])


def test_every_method_the_cli_and_window_call_is_in_the_interface():
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "desktopapp"
    called = set()
    for path in [root / "cli.py", root / "dossier.py", root / "documents.py",
                 *sorted((root / "gui").rglob("*.py"))]:
        called |= set(re.findall(r"\bstore\.([a-z_]+)\(", path.read_text(encoding="utf-8")))
    assert called - set(METHODS) == set()
