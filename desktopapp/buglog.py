"""Where unexpected errors go: a log file in the user's log folder, never the screen."""

from __future__ import annotations

import datetime as dt

from . import __version__, books


def record_bug(program: str) -> str:
    """Append the current exception's traceback to the log; say where it went."""
    import traceback  # only when there is a bug to record

    try:
        folder = books.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        log_file = folder / f"{program}.log"
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with open(log_file, "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {program} {__version__}: unexpected error\n")
            fh.write(traceback.format_exc())
            fh.write("\n")
        return f"details in {log_file}"
    except OSError:
        return "no log could be written"


def record_message(program: str, message: str) -> None:
    """Note an error the user was shown (no traceback: it is not a bug)."""
    try:
        folder = books.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with open(folder / f"{program}.log", "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {program} {__version__}: shown to the user: {message}\n")
    except OSError:
        pass  # logging must never turn one error into two
