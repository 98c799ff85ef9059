"""Imports whose objects last as long as the program, kept out of the collector's way.

Importing the program's modules makes tens of thousands of objects (functions, classes,
their dictionaries) that live until it exits. The cycle collector, which starts after
every 700 new objects, went through them again and again for nothing: 3 ms of every
cold command. ``lasting_imports`` turns it off while such modules are imported, then
freezes every object there is (``gc.freeze``: later collections skip them, and a cyclic
one that becomes garbage is never freed) and turns it back on.
"""

import gc


class lasting_imports:  # noqa: N801 (used as a statement: ``with lasting_imports():``)
    """Context manager: the collector off inside, what exists frozen after."""

    def __enter__(self):
        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info):
        if self.collecting:  # a caller that turned it off decides for itself
            gc.freeze()
            gc.enable()
