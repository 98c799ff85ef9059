"""The File menu: new, open and recent books, JSON import/export, backup, settings.

A mixin of the main window; opening another book (a file, or a team book
through team_books.py) replaces the window with a new one on that book.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from .. import books
from ..atomicfile import replacing
from ..errors import BriefingError
from ..store import BriefingStore
from .book_jobs import BookJob
from .exporting import safe_filename
from .settings_dialog import SettingsDialog
from .team_books import book_stem, is_team_store, recent_team_books, remember_team_book

RECENT_MAX = 8


class BookFiles:
    """Book-level actions of the File menu."""

    def _pick_path(self, save: bool, title: str, filter_text: str, default_name: str = ""):
        folder = self.settings.value("files/folder", str(Path.home()))
        if save:
            path, _ = QFileDialog.getSaveFileName(self, title,
                                                  str(Path(folder) / default_name), filter_text)
        else:
            path, _ = QFileDialog.getOpenFileName(self, title, folder, filter_text)
        if path:
            self.settings.setValue("files/folder", str(Path(path).parent))
        return Path(path) if path else None

    def new_book(self):
        path = self._pick_path(True, "New book", "Briefing books (*.sqlite)", "book.sqlite")
        if path is None:
            return
        try:
            books.create_book(path)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        self.switch_book(path)

    def open_book_dialog(self):
        path = self._pick_path(False, "Open book", "Briefing books (*.sqlite *.db);;All files (*)")
        if path is not None:
            self.switch_book(path)

    def switch_book(self, path: Path) -> bool:
        """Open another book in a new window that replaces this one; on failure keep this."""
        for page in self.pages.made():
            if not self.confirm_leave(page):
                return False
        try:
            store = BriefingStore.open(path)
        except BriefingError as exc:
            self.show_error(f"Cannot open the book.\n\n{exc}")
            return False
        return self.replace_with(store, asked=True)

    def replace_with(self, store, asked: bool = False) -> bool:
        """A new window on ``store`` replaces this one (unsaved changes asked about first,
        unless ``asked``); when the user cancels, ``store`` is closed and this one stays."""
        if not asked:
            for page in self.pages.made():
                if not self.confirm_leave(page):
                    store.close()
                    return False
        if is_team_store(store):
            remember_team_book(self.settings, store.url)
        else:
            remember_recent(self.settings, store.path)
        window = type(self)(store)
        window.resize(self.size())
        window.show()
        self.close()
        return True

    def _fill_recent(self):
        self.recent_menu.clear()
        for path in recent_books(self.settings):
            self.recent_menu.addAction(path, lambda p=path: self.switch_book(Path(p)))
        teams = recent_team_books(self.settings)
        if teams and not self.recent_menu.isEmpty():
            self.recent_menu.addSeparator()
        for url in teams:
            self.recent_menu.addAction(f"Team book {url}",
                                       lambda u=url: self.connect_team_book(u))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # --- whole-book jobs: off the GUI thread, behind a progress dialog (book_jobs.py) ---

    def _start_book_job(self, work, title: str, what: str, then, undone: str,
                        cancelled_note: str, failed_prefix: str = ""):
        """Run ``work(store, progress)`` on a worker thread; ``then(result, late)`` after
        it on the GUI thread. Cancel says ``cancelled_note``; an error is shown in a
        dialog."""
        job = BookJob(self.store, work, title, what, self, undone)
        self._book_job = job
        polling = self.book_poll.isActive()
        self.book_poll.stop()  # the window reads the book again itself, after the job

        def succeeded(result):
            if job.cancel_asked:  # Cancel came after the last step: the job is complete
                then(result, " (it was complete before Cancel could stop it)")
            else:
                then(result, "")

        def cancelled():
            self.statusBar().showMessage(cancelled_note, 15000)

        def ended():
            self._book_job = None
            if polling:  # the job's own change is not news from elsewhere
                self._data_version = self.store.change_stamp()[0]
                self.book_poll.start()
            if job.close_window:  # the program was asked to quit meanwhile
                self.close()

        job.succeeded.connect(succeeded)
        job.cancelled.connect(cancelled)
        job.failed.connect(lambda message: self.show_error(f"{failed_prefix}{message}"))
        job.ended.connect(ended)
        job.start()

    def import_json(self):
        path = self._pick_path(False, "Import JSON", "Briefing-book JSON (*.json)")
        if path is None:
            return

        def imported(summary, late: str):
            # as after a change made elsewhere: lists and clean editors read again,
            # and a book that was empty shows its first record
            self.refresh(quiet=True, note=f"Imported {path.name}{late}: {summary}")

        self._start_book_job(lambda store, progress: store.import_file(path, progress),
                             "Import JSON", f"Importing {path.name}", imported,
                             "undoes the import: the book stays as it was",
                             f"Import of {path.name} cancelled: nothing was imported; "
                             "the book is as it was.", "Nothing was imported.\n\n")

    def export_json(self):
        path = self._pick_path(True, "Export JSON", "Briefing-book JSON (*.json)",
                               safe_filename(book_stem(self.store), ".json"))
        if path is None:
            return

        def work(store, progress):
            with replacing(path) as temp, open(temp, "w", encoding="utf-8") as out:
                return store.export_to(out, progress)  # streamed: flat memory for any book

        self._start_book_job(
            work, "Export JSON", f"Exporting the book to {path.name}",
            lambda counts, late: self.statusBar().showMessage(
                f"Exported the book to {path}{late}", 6000),
            f"writes no file (an existing {path.name} is left as it is)",
            f"Export cancelled: {path.name} was not written"
            + (" (the file that was there is untouched)." if path.exists() else "."))

    def backup(self):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        # what is written follows the name's extension (store.copying.backup_format)
        path = self._pick_path(True, "Backup", "Briefing books (*.sqlite *.db *.briefing);;"
                                               "Briefing-book JSON (*.json)",
                               f"{book_stem(self.store)}-backup-{stamp}.sqlite")
        if path is None:
            return
        self._start_book_job(
            lambda store, progress: store.backup(path, progress), "Backup",
            f"Backing up the book to {path.name}",
            lambda result, late: self.statusBar().showMessage(f"Backed up to {path}{late}",
                                                              6000),
            f"writes no backup (an existing {path.name} is left as it is)",
            f"Backup cancelled: {path.name} was not written"
            + (" (the file that was there is untouched)." if path.exists() else "."))

    def edit_settings(self):
        dialog = SettingsDialog(self.store.settings(), self)
        if dialog.exec() and dialog.result_settings() is not None:
            try:
                self.store.save_settings(dialog.result_settings())
            except BriefingError as exc:
                self.show_error(str(exc))
                return
            self._refresh_preview()
            self.statusBar().showMessage("Export settings saved", 4000)


def recent_books(settings: QSettings) -> list[str]:
    value = settings.value("files/recent", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if p]


def remember_recent(settings: QSettings, path: Path):
    entries = [str(Path(path).resolve())]
    entries += [p for p in recent_books(settings) if p != entries[0]]
    settings.setValue("files/recent", entries[:RECENT_MAX])
