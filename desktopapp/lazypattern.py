"""Regular expressions compiled the first time they are used, not when imported.

``re`` builds a character class in Python, one character at a time: a class
over whole scripts (CJK, the Arabic and Hebrew marks, a range to U+FFFF)
costs milliseconds to compile, at every start of the program. Compiled when
first used, a pattern costs nothing to a command that never uses it.
"""

from __future__ import annotations

import re

# What a pattern offers: after the first use these are attributes of the
# stand-in itself, so a call costs what a call on the compiled pattern does.
_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
               "scanner", "pattern", "flags", "groups", "groupindex")


class CompiledOnFirstUse:
    """Stands for ``re.compile(pattern, flags)`` until one of its methods or attributes
    is used: then it is compiled (once; two threads at once may both compile, which is
    harmless) and it answers as the compiled pattern does.

    It is no ``re.Pattern``: pass it to nothing that checks for one (``re.sub(it, ...)``).
    """

    def __init__(self, pattern: str, flags: int = 0):
        self.source = (pattern, flags)

    def __getattr__(self, name):  # called only for names not set: before the first use
        if name.startswith("__") or name == "source":
            raise AttributeError(name)  # copy/pickle probing an instance not set up
        compiled = re.compile(*self.source)
        for attribute in _ATTRIBUTES:
            self.__dict__[attribute] = getattr(compiled, attribute)
        return getattr(compiled, name)

    def __repr__(self):
        return f"CompiledOnFirstUse({self.source[0]!r}, {self.source[1]!r})"
