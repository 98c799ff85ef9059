"""Write files so that a failure never leaves a partial or broken file.

Content goes to a temporary file beside the target, is flushed to disk,
then renamed over the target in one step.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import BriefingError


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


@contextmanager
def replacing(target) -> Path:
    """Yield a temporary path to write; on success it replaces ``target``."""
    target = Path(target)
    if target.is_dir():
        raise BriefingError(f"cannot write {target}: it is a folder")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BriefingError(f"cannot write {target}: the folder {folder} does not exist")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise BriefingError(f"cannot write {target}: {_describe(exc)}") from None
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise BriefingError(f"cannot write {target}: {_describe(exc)}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(target, data: bytes) -> Path:
    with replacing(target) as temp:
        temp.write_bytes(data)
    return Path(target)


def write_text(target, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))
