"""Quit cleanly when the system asks: SIGTERM (logout, a service manager) or SIGINT (Ctrl+C
in the terminal that started the program).

Each window then closes as with File > Quit: unsaved changes are asked about,
window state is remembered, the book is closed.
"""

from __future__ import annotations

import signal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def quit_on_signals(app: QApplication):
    def close_all(*_):
        app.closeAllWindows()  # the last window closed ends the event loop

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, close_all)
    # Python runs signal handlers only between its own instructions; while Qt waits for
    # events none run, so a timer hands control to Python a few times a second.
    ticker = QTimer(app)
    ticker.setInterval(250)
    ticker.timeout.connect(lambda: None)
    ticker.start()
