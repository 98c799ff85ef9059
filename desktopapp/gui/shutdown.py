"""Quit cleanly when the system asks: SIGTERM (logout, a service manager) or SIGINT (Ctrl+C
in the terminal that started the program).

Each window then closes as with File > Quit: unsaved changes are asked about,
window state is remembered, the book is closed.
"""

from __future__ import annotations

import signal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

# Set on the application while the system's request to quit closes the windows: an
# import's progress dialog then stops the import and has its window closed after.
QUITTING = "briefing-desk-quitting"


def close_windows(app: QApplication):
    """Close every window as File > Quit does (each may still ask about unsaved changes)."""
    app.setProperty(QUITTING, True)
    try:
        app.closeAllWindows()
    finally:
        app.setProperty(QUITTING, False)


def quitting() -> bool:
    app = QApplication.instance()
    return bool(app is not None and app.property(QUITTING))


def quit_on_signals(app: QApplication):
    def close_all(*_):
        # Python runs this between two instructions of whatever slot is running (the
        # book's poll, a save): closing the book under that slot left it failing on a
        # closed database behind a modal message, and the program never quit. The event
        # loop closes the windows as soon as that slot returns; the last one ends the loop.
        QTimer.singleShot(0, lambda: close_windows(app))

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, close_all)
    # Python runs signal handlers only between its own instructions; while Qt waits for
    # events none run, so a timer hands control to Python a few times a second.
    ticker = QTimer(app)
    ticker.setInterval(250)
    ticker.timeout.connect(lambda: None)
    ticker.start()
