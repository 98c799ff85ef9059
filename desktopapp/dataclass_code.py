"""Dataclass methods compiled once and kept, as Python keeps a module's bytecode.

Python writes out each dataclass's ``__init__``, ``__repr__``, ``__eq__`` (and for a
frozen one ``__hash__``, ``__setattr__``, ``__delattr__``) as source text and compiles
it whenever the module defining the class is imported: 132 methods, 12 ms of every
cold ``briefing card`` (a tenth of it; 84 methods for ``briefing list``). The text
depends only on the class (its fields, their defaults' names, its options), so the code
compiled from it is kept in the user's cache folder (``~/.cache/briefing-desk/code`` on
Linux) by the ``briefing`` program (``save``), and later processes run the kept code
instead of compiling the same text again. Each class is made exactly as without the
file: the same text, compiled the same way, gives the same code.

The file is keyed by Python's bytecode version and optimisation level; a damaged file,
or one for another Python, is ignored (its methods are compiled as usual and it is
written anew); a cache folder that cannot be written is no error.
``BRIEFING_CODE_CACHE=0`` turns it off. The file is as trusted as Python's own bytecode
caches: it lives in the user's own folder.

dataclasses imports ``inspect`` (with ast, dis and tokenize: 5 ms of every start) only
to write a docstring for a class that has none (its signature). ``install`` imports
dataclasses with ``inspect`` left to import when first used: the program's own
dataclasses all have docstrings, so a command never imports it for them.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
import threading
import types
import zlib
from importlib._bootstrap_external import MAGIC_NUMBER  # loaded at start (importlib.util is not)
from types import CodeType

from .cachefiles import read_regular

# The file: this mark, Python's bytecode version, the CRC-32 of the rest, then the
# marshalled {source text: marshalled code}. Each code is unmarshalled when its text is
# first met: a process pays for the methods it makes, not for every one the file holds.
MAGIC = b"BDdc"
APP_FOLDER = "briefing-desk"
MOST_KEPT = 4000  # texts; past this a save keeps only what its own process used
MOST_BYTES = 16 << 20  # a larger file is not ours (the program's own is some 200 kB)

_lock = threading.Lock()
_kept: dict[str, bytes] | None = None  # read on first use
_made: dict[str, bytes] = {}  # compiled by this process, not in the file
_used: set[str] = set()
_file: str | None = None


def enabled() -> bool:
    return os.environ.get("BRIEFING_CODE_CACHE", "1") != "0"


def cache_file() -> str:
    """The file for this Python (XDG cache folder on Linux)."""
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):
            base = os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, APP_FOLDER, "code")
    else:
        import platformdirs  # elsewhere the platform's rules; only there is it imported

        folder = os.path.join(platformdirs.user_cache_dir(APP_FOLDER, appauthor=False), "code")
    name = f"dataclasses-{sys.implementation.cache_tag}-opt{sys.flags.optimize}.marshal"
    return os.path.join(folder, name)


def install() -> None:
    """Import dataclasses (``inspect`` on first use) and make the dataclasses of this
    process from kept code (see the module's text)."""
    global _file
    dataclasses = _import_dataclasses()
    if not enabled():
        return
    # dataclasses calls exec() by its global name: a name of the module's own
    # comes first. Anything but a source text with globals goes to exec as given.
    if getattr(dataclasses, "exec", builtins.exec) is builtins.exec:
        _file = cache_file()  # here: a later change of $HOME or $XDG_CACHE_HOME changes nothing
        dataclasses.exec = _exec


class _InspectOnFirstUse(types.ModuleType):
    """Stands for ``inspect`` in dataclasses (only there) until it first uses it."""

    def __getattr__(self, name):  # called only for names the stand-in lacks: all of them
        import inspect  # the real module: sys.modules does not hold this stand-in

        return getattr(inspect, name)


def _import_dataclasses() -> types.ModuleType:
    if "dataclasses" not in sys.modules and "inspect" not in sys.modules:
        stand_in = sys.modules["inspect"] = _InspectOnFirstUse("inspect")
        try:
            import dataclasses
        finally:
            if sys.modules.get("inspect") is stand_in:
                del sys.modules["inspect"]
    import dataclasses

    return dataclasses


def _exec(source, globals=None, locals=None, /, **options):
    if type(source) is not str or globals is None or options:
        if globals is None:  # as exec itself: the caller's namespaces
            caller = sys._getframe(1)
            globals = caller.f_globals
            if locals is None:
                locals = caller.f_locals
        return builtins.exec(source, globals, locals, **options)
    return builtins.exec(_code(source), globals, locals)


def _code(source: str):
    kept = _kept if _kept is not None else _read()
    raw = kept.get(source)
    if raw is not None:
        try:
            code = marshal.loads(raw)
        except (EOFError, ValueError, TypeError):
            code = None  # compiled anew below
        if isinstance(code, CodeType):
            _used.add(source)
            return code
    # dont_inherit: compiled as exec() compiles it for dataclasses, whose
    # module sets no __future__ flags (this one's would make annotations strings)
    code = compile(source, "<string>", "exec", dont_inherit=True)
    _made[source] = marshal.dumps(code)
    _used.add(source)
    return code


def _read() -> dict[str, bytes]:
    global _kept
    with _lock:
        if _kept is None:
            _kept = _load(_file) if _file else {}
        return _kept


def _load(path: str) -> dict[str, bytes]:
    blob = read_regular(path, MOST_BYTES)
    if blob is None:
        return {}  # none yet, unreadable, or not a file of ours: compile
    head, body = blob[:12], blob[12:]
    if (head[:4] != MAGIC or head[4:8] != MAGIC_NUMBER
            or int.from_bytes(head[8:12], "big") != zlib.crc32(body)):
        return {}  # damaged, not ours, or another Python's
    try:
        kept = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(kept, dict) or not all(
            type(k) is str and type(v) is bytes for k, v in kept.items()):
        return {}
    return kept


def save() -> None:
    """Keep the methods this process compiled (the program calls it before it exits).

    Any failure only means the next start compiles them again.
    """
    if not _made or not _file:
        return
    kept = dict(_kept or {})
    kept.update(_made)
    if len(kept) > MOST_KEPT:
        kept = {text: code for text, code in kept.items() if text in _used}
    body = marshal.dumps(kept)
    blob = MAGIC + MAGIC_NUMBER + zlib.crc32(body).to_bytes(4, "big") + body
    temporary = f"{_file}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(_file), exist_ok=True)
        try:
            # written whole, then renamed: a reader never sees half a file
            with open(temporary, "xb") as fh:
                fh.write(blob)
            os.replace(temporary, _file)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError:
        return
    _made.clear()
