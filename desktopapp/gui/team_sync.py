"""Colleagues' saves reach the window: the store's ChangeListener on a thread of its own.

The listener blocks while it waits for the server's notifications (and while
it reconnects, which can take seconds when the server is gone), so it runs
on a worker thread, never on the GUI thread. What it hears comes back to the
GUI thread as Qt signals: ``changed`` with the BookChange values of one
batch, ``lost`` with a message when the connection breaks (once per outage),
``restored`` when it is back — changes made meanwhile were not heard, so the
window reads everything again then.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from ..errors import BriefingError

WAIT_SECONDS = 0.25  # how long one wait() blocks: also how soon stop() is heard
RETRY_SECONDS = 2.0  # between attempts to reconnect after a lost connection


class BookListener(QObject):
    """Runs a store listener on a thread; emits what it hears on the GUI thread.

    Not parented to the window: the thread keeps it alive until it has
    stopped, so a signal is never emitted by an object Qt has deleted.
    """

    changed = Signal(object)  # list[BookChange]
    lost = Signal(str)
    restored = Signal()

    def __init__(self, listener):
        super().__init__()
        self.listener = listener
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.is_lost = False

    def start(self):
        """Listen from now on: the first LISTEN is made here, so no save made after the
        window opened goes unheard; then the thread takes over."""
        try:
            self.listener.connect()
        except BriefingError as exc:
            self.is_lost = True
            self.lost.emit(str(exc))
        self._thread = threading.Thread(target=self._run, name="team-book-listener",
                                        daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            # a reconnect in progress may take up to the connect timeout: don't wait that
            self._thread.join(timeout=2 * WAIT_SECONDS + 0.5)

    def _run(self):
        listener = self.listener
        try:
            while not self._stop.is_set():
                if not listener.connected:
                    try:
                        listener.connect()
                    except BriefingError as exc:
                        self._lose(str(exc))
                        self._stop.wait(RETRY_SECONDS)
                        continue
                    if self.is_lost:
                        self.is_lost = False
                        self.restored.emit()
                try:
                    changes = listener.wait(WAIT_SECONDS)
                except BriefingError as exc:
                    self._lose(str(exc))
                    self._stop.wait(RETRY_SECONDS)  # a server that just went has to restart
                    continue
                if changes and not self._stop.is_set():
                    self.changed.emit(changes)
        finally:
            listener.close()

    def _lose(self, message: str):
        if not self.is_lost and not self._stop.is_set():
            self.is_lost = True
            self.lost.emit(message)
