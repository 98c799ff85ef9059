"""ReportLab's flowables, imported without the work no card needs at import.

``reportlab.platypus.paragraph`` compiles, when it is imported, a
case-insensitive URL pattern over most of Unicode (``uri_pat``), which it
uses only to split a long URL across lines. Compiling it took about 25 ms,
a sixth of a ``briefing card`` started from the shell; here it is compiled
the first time ReportLab uses it. So are the patterns three modules compile
when imported and no card uses (4 to 7 ms of every cold card):
``textsplit.rx`` (a class to U+FFFF, for ``cjkwrap``, which nothing calls),
``rl_safe_eval.__rl_unsafe_re__`` (used nowhere) and PyFontify's (Python
source listings); and those of six modules whose patterns are each used only
by some documents, through their methods (hyphenation, CSS colours, dates,
decimal alignment: 1 ms), and of four standard modules ReportLab imports
(platform's version and release parsers, the HTML parser's: 1 ms), also used
through their methods only. Any other pattern compiles as usual.

ReportLab also imports Pillow's ``PIL.Image`` (for pictures) and HarfBuzz
(``uharfbuzz``, for shaping) whenever it is imported: 10 and 8 ms of every
cold ``briefing card``, though only a card with a photo needs the one and
only text in a shaped script (Arabic, Hebrew, Devanagari, Thai ...) the
other. Both are imported the first time one of their names is used
(``ImportedOnFirstUse``), which a card without photos and shaped text never does.
So are two standard modules, for ReportLab only: ``pickle`` (for a disk store
of its own) and ``inspect`` (for its safe-eval sandbox; with ``dis``, 3 ms of
every cold card); any other module that imports them gets the module itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import threading
import types

from ..lazypattern import CompiledOnFirstUse

_compile = re.compile
_URL_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"
# Modules whose own top-level patterns wait for their first use (see above).
_DEFERRED_MODULES = {"reportlab.lib.textsplit", "reportlab.lib.rl_safe_eval",
                     "reportlab.lib.PyFontify", "reportlab.platypus.paragraph",
                     "reportlab.platypus.paraparser", "reportlab.lib.colors",
                     "reportlab.lib.normalDate", "reportlab.pdfbase.pdfdoc",
                     "reportlab.pdfgen.canvas", "platform", "html", "html.parser",
                     "_markupbase"}
_lock = threading.Lock()


def _deferring(pattern, flags=0):
    if isinstance(pattern, str) and pattern.startswith(_URL_PATTERN_START):
        return CompiledOnFirstUse(pattern, flags)
    caller = sys._getframe(1)
    if caller.f_code.co_name == "<module>" and caller.f_globals.get(
            "__name__") in _DEFERRED_MODULES:
        return CompiledOnFirstUse(pattern, flags)
    return _compile(pattern, flags)


# Modules ReportLab imports at once and uses only for pictures and shaped text,
# and Pyphen (installed with WeasyPrint, the bench's peer), which ReportLab
# imports when present and uses only for hyphenation, which no card asks for.
ON_FIRST_USE = ("PIL.Image", "uharfbuzz", "pyphen")
# Standard modules ReportLab imports and no card uses (see above): ReportLab's
# modules keep a stand-in, which leaves sys.modules once ReportLab is imported.
FOR_REPORTLAB_ON_FIRST_USE = ("pickle", "inspect")
_loading = threading.Lock()


class ImportedOnFirstUse(types.ModuleType):
    """Stands in ``sys.modules`` for a module until one of its names is used.

    Then the module is imported (once, under a lock: cards are made on
    worker threads) and every name is looked up in it; whoever imports the
    module from then on gets the module itself.
    """

    def __getattr__(self, name):  # called only for names the stand-in lacks
        return getattr(self.imported(), name)

    def imported(self) -> types.ModuleType:
        module = self.__dict__.get("_module")
        if module is None:
            with _loading:
                module = self.__dict__.get("_module")
                if module is None:
                    if sys.modules.get(self.__name__) is self:
                        del sys.modules[self.__name__]
                    module = importlib.import_module(self.__name__)
                    self.__dict__["_module"] = module
        return module


def imported(module) -> types.ModuleType:
    """The module itself, imported now if it was left for first use."""
    return module.imported() if isinstance(module, ImportedOnFirstUse) else module


def _stand_in(name: str) -> ImportedOnFirstUse | None:
    if name in sys.modules:
        return None  # imported already (a window that showed a photo): nothing to save
    if importlib.util.find_spec(name) is None:
        return None  # not installed: ReportLab finds out as it would (and does without)
    parent, _, child = name.rpartition(".")
    stand_in = ImportedOnFirstUse(name)
    if parent:
        # "import PIL.Image" then "PIL.Image.open": the package names its module
        setattr(importlib.import_module(parent), child, stand_in)
    sys.modules[name] = stand_in
    return stand_in


def _no_home_mods_to_fail_on() -> None:
    """ReportLab runs ``~/.reportlab_mods`` when it is imported, and fails when that
    cannot even be looked for (HOME=/dev/null: "Not a directory") or is a folder.
    Where there is no such file to run, an empty module of that name stands in."""
    if "reportlab_mods" in sys.modules or importlib.util.find_spec("reportlab_mods"):
        return
    if not os.path.isfile(os.path.expanduser(os.path.join("~", ".reportlab_mods"))):
        sys.modules["reportlab_mods"] = types.ModuleType("reportlab_mods")


def import_platypus() -> None:
    """Import reportlab.platypus, its URL pattern left to compile and Pillow and
    HarfBuzz to import on first use."""
    with _lock:
        if "reportlab.platypus" in sys.modules:
            return
        _no_home_mods_to_fail_on()
        for name in ON_FIRST_USE:
            _stand_in(name)
        only_here = [_stand_in(name) for name in FOR_REPORTLAB_ON_FIRST_USE]
        re.compile = _deferring
        try:
            import reportlab.platypus  # noqa: F401
        finally:
            re.compile = _compile
            for stand_in in only_here:
                if stand_in is not None and sys.modules.get(stand_in.__name__) is stand_in:
                    del sys.modules[stand_in.__name__]
