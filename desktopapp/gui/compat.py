"""Work-arounds for defects in the Qt bindings we depend on.

PySide6 6.12.0 on CPython 3.11 drops one reference to ``None`` on every Qt
call that returns nothing (``show()``, ``setObjectName()``,
``processEvents()`` ...; measured here: exactly -1 per call). ``None`` is a
static object, but when its count reaches zero CPython aborts with "Fatal
Python error: none_dealloc" — after some 20,000 calls, i.e. within minutes
of use. CPython 3.12 made ``None`` immortal, which hides the defect there.
We give 3.11 the same immunity by lifting None's reference count out of
reach; nothing else changes, as None is never freed anyway.
"""

from __future__ import annotations

import ctypes
import sys

HEADROOM = 1 << 40  # a trillion leaked references before it could matter


def make_none_immortal() -> None:
    if sys.version_info >= (3, 12):
        return
    # ob_refcnt is the first field of every object in release builds of CPython
    ctypes.c_ssize_t.from_address(id(None)).value += HEADROOM
