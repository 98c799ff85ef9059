"""Reading a file of one of the program's caches, whatever has been put in its place.

A cache file lives in the user's cache folder, where anything may stand under its
name: a link to ``/dev/zero`` was read until memory ran out, a FIFO waited for a
writer for ever. Only a regular file of a sensible size is read; anything else
counts as no cache (the caller computes afresh, as for a damaged file).
"""

import os
import stat


def read_regular(path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None."""
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)
