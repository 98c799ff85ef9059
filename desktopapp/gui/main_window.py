"""The main window: navigator, record list with filter, editor, live card preview.

The window owns the store and decides everything that persists: editors and
dialogs hand it records, it saves them, and it handles what saving can say
(conflicts, linked records, locked books).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from .. import __version__, buglog
from ..documents import PreviewCache
from ..store import BriefingStore
from ..store.opening import WRITE_WAIT_SECONDS
from . import help_dialogs, questions
from .book_files import BookFiles, recent_books, remember_recent
from .busy_book import WriterWait
from .navigation import BOOK_POLL_MS, Navigation
from .preview import PreviewPane
from .record_documents import RecordDocuments
from .record_page import KIND_TITLES, KINDS, RecordPage, RecordPages
from .record_saving import RecordSaving
from .team_books import TeamBooks, book_label, is_team_store
from .window_size import first_window_geometry, split_sizes

__all__ = ["KINDS", "KIND_TITLES", "MainWindow", "OPEN_WINDOWS", "recent_books",
           "remember_recent"]

# Top-level windows live as long as they are open: without a Python reference
# a window opened from another (File > Open) would be collected at once.
OPEN_WINDOWS: set = set()


class MainWindow(Navigation, RecordSaving, BookFiles, TeamBooks, RecordDocuments,
                 QMainWindow):
    """Navigator, record pages, preview; menus and toolbar.

    The window's concerns live in mixins a newcomer finds by name:
    navigation (kinds, filter, selection), record_saving (new, save,
    conflicts, deletes, linked records made from a field), book_files (the
    File menu and settings), team_books (connecting to a team book, live
    refresh from colleagues), record_documents (preview, export, print).
    """

    def __init__(self, store: BriefingStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.previews = PreviewCache()  # documents of saved records, by version and book state
        self.settings = QSettings()
        self.undo_group = QUndoGroup(self)
        # each kind's page is made when first shown (or asked for): _make_page
        self.pages = RecordPages(self._make_page)
        self._selecting = False
        self._exports = []
        self._book_job = None  # an import, export or backup running (book_files)
        self.book_listener = None  # a team book's, once the window listens (team_books)

        self.navigator = QListWidget()
        self.navigator.setAccessibleName("Record types")
        self.navigator.setMaximumWidth(170)
        for kind in KINDS:
            self.navigator.addItem(KIND_TITLES[kind])
        self.stack = QStackedWidget()
        # as wide as "Recommendations": never cut, never a sideways scroll bar
        self.navigator.setMinimumWidth(self.navigator.sizeHintForColumn(0)
                                       + 2 * self.navigator.frameWidth() + 12)
        self.navigator.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.preview = PreviewPane()
        self.preview.scroll.setFocusPolicy(Qt.StrongFocus)
        self.preview.scroll.setAccessibleName("Preview pages")
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.preview)
        self.splitter.setSizes([150, 640, 520])
        self.setCentralWidget(self.splitter)
        self._build_actions()
        self.navigator.currentRowChanged.connect(self._kind_changed)
        self.navigator.setCurrentRow(0)
        self._restore_state()
        if self.act_changed_by.isEnabled():
            # shown for team books (whose rows colleagues change), not for one's own book
            # files, unless the user chose otherwise for that kind of book
            self.act_changed_by.setChecked(self.settings.value(
                self._changed_by_key(), is_team_store(self.store), type=bool))
        self._set_title()
        self._data_version = store.change_stamp()[0]
        self.book_poll = QTimer(self)
        self.book_poll.setInterval(BOOK_POLL_MS)
        self.book_poll.timeout.connect(self._poll_book)
        if not self._start_listening():  # a team book tells us of changes; a file is asked
            self.book_poll.start()
        # a write that has to wait for another program says so, and can be cancelled
        self.writer_wait = WriterWait(self)
        if isinstance(store, BriefingStore):
            store.wait_seconds = WRITE_WAIT_SECONDS
            store.on_wait = self.writer_wait.on_wait
            store.keep_waiting = self.writer_wait.keep_waiting
        self.statusBar().showMessage(f"Opened {store.path}", 5000)
        if store.read_only:
            # a read-only mount, an immutable file, a database role that may only read:
            # say so all the time, and offer nothing that would change the book
            self.read_only_banner = QLabel(f"Read-only: {store.read_only_reason}")
            self.read_only_banner.setAccessibleName("Read-only")
            self.read_only_banner.setStyleSheet("font-weight: bold;")
            self.statusBar().addPermanentWidget(self.read_only_banner)
            for page in self.pages.made():  # pages made later are made read-only
                page.editor.set_read_only(True)
                page.save_button.hide()
            for action in (self.act_new, self.act_save, self.act_delete, self.act_import,
                           self.act_settings, self.act_preview_changes):
                action.setEnabled(False)
        OPEN_WINDOWS.add(self)

    def _make_page(self, kind: str) -> RecordPage:
        """The page of one kind, wired to the window (see RecordPages)."""
        page = RecordPage(self.store, kind, self)
        self.stack.addWidget(page)
        self.undo_group.addStack(page.editor.undo_stack)
        page.table.selectionModel().selectionChanged.connect(
            lambda *_: self._selection_changed(kind))
        page.filter.textChanged.connect(lambda _: page.timer.start())
        page.timer.timeout.connect(lambda: self._apply_filter(page))
        page.save_button.clicked.connect(lambda _=False: self.save(page))
        page.editor.changed.connect(self._update_actions)
        page.editor.validity_changed.connect(lambda _: self._update_actions())
        page.editor.create_requested.connect(self.create_linked)
        page.table.addAction(self.act_delete)
        if self.store.read_only:
            page.editor.set_read_only(True)
            page.save_button.hide()
        if self.act_changed_by.isChecked():
            page.show_changed_by(True)
        self._chain_to_the_preview(page)
        return page

    def _chain_to_the_preview(self, page: RecordPage):
        """Tab after a page's Save goes to the preview (arrow keys scroll its pages).

        The pages' chains are linked one after another, in the order they were made:
        Tab skips the hidden pages' widgets, so from the visible page's Save the next
        stop is the preview.
        """
        made = self.pages.made()
        if made:  # ``page`` is not among them yet
            QWidget.setTabOrder(made[-1].save_button, page.filter)
        QWidget.setTabOrder(page.save_button, self.preview.scroll)

    # --- actions and menus ---------------------------------------------------------

    def _action(self, text, slot, shortcut=None, tip=None):
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
        return action

    def _build_actions(self):
        a = self._action
        self.act_new_book = a("&New book…", self.new_book, QKeySequence("Ctrl+Shift+N"))
        self.act_open = a("&Open book…", self.open_book_dialog, QKeySequence.Open)
        self.act_connect = a("&Connect to team book…", lambda: self.connect_team_book(),
                             QKeySequence("Ctrl+Shift+O"),
                             "Open a team book on a PostgreSQL server")
        self.act_import = a("&Import JSON…", self.import_json)
        self.act_export_json = a("&Export JSON…", self.export_json)
        self.act_backup = a("&Backup…", self.backup)
        self.act_settings = a("Se&ttings…", self.edit_settings)
        self.act_quit = a("&Quit", self.close, QKeySequence.Quit)
        self.act_undo = self.undo_group.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts(QKeySequence.Undo)
        self.act_redo = self.undo_group.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts(QKeySequence.Redo)
        self.act_save = a("&Save", self.save, QKeySequence.Save, "Save the record")
        self.act_new = a("&New record", self.new_record, QKeySequence.New)
        self.act_delete = a("&Delete record", self.delete_record, QKeySequence.Delete)
        # Delete means the record only while the list has the focus; in a field it
        # deletes text, in an editor's list or table the selected entry.
        self.act_delete.setShortcutContext(Qt.WidgetShortcut)  # each page's list has it
        self.act_refresh = a("&Refresh", self.refresh, QKeySequence.Refresh,
                             "Read the book again: changes made by the CLI or another window")
        self.act_find = a("&Find", self.focus_filter, QKeySequence.Find)
        self.act_card = a("&Card as PDF…", self.export_card, QKeySequence("Ctrl+E"))
        self.act_handout = a("&Handout as PDF…", self.export_handout)
        self.act_memo = a("&Memo as PDF…", self.export_memo)
        self.act_preview_changes = a("Preview &unsaved changes", self.preview_changes,
                                     QKeySequence("Ctrl+R"))
        self.act_print = a("&Print…", self.print_current, QKeySequence.Print,
                           "Print every page of the card or memo in the preview")
        self.act_print_handout = a("Print h&andout…", self.print_handout,
                                   QKeySequence("Ctrl+Shift+P"),
                                   "Print the meeting card and a card for each participant")
        self.act_preview = a("Print pre&view…", self.print_preview)
        self.act_guide = a("&User guide", lambda: help_dialogs.show_user_guide(self),
                           QKeySequence("F1"))
        self.act_shortcuts = a("&Keyboard shortcuts",
                               lambda: help_dialogs.show_shortcuts(self, self.actions_by_menu()))
        self.act_about = a("&About Briefing Desk", self.about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.act_new_book, self.act_open, self.act_connect):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        for action in (self.act_import, self.act_export_json, self.act_backup, self.act_settings):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        for action in (self.act_undo, self.act_redo, None, self.act_save, self.act_new,
                       self.act_delete, None, self.act_find):
            edit.addSeparator() if action is None else edit.addAction(action)
        view = bar.addMenu("&View")
        view.addAction(self.act_refresh)
        # who changed each record last: for books that record it (team books)
        self.act_changed_by = QAction("Show “&Changed by” column", self)
        self.act_changed_by.setCheckable(True)
        self.act_changed_by.toggled.connect(self._show_changed_by)
        self.act_changed_by.setEnabled(bool(getattr(self.store, "records_who", False)))
        view.addAction(self.act_changed_by)
        export = bar.addMenu("E&xport")
        for action in (self.act_card, self.act_handout, self.act_memo, None,
                       self.act_preview_changes, None, self.act_print, self.act_print_handout,
                       self.act_preview):
            export.addSeparator() if action is None else export.addAction(action)
        help_menu = bar.addMenu("&Help")
        for action in (self.act_guide, self.act_shortcuts, None, self.act_about):
            help_menu.addSeparator() if action is None else help_menu.addAction(action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for action in (self.act_new, self.act_save, self.act_delete, None, self.act_undo,
                       self.act_redo, None, self.act_preview_changes, self.act_card,
                       self.act_print):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        self.addToolBar(toolbar)

    def _update_actions(self):
        page = self.current_page()
        editor = page.editor
        writable = not self.store.read_only
        # Enabled whenever a record is in the form (of a writable book), so Tab reaches
        # the button (a disabled button takes no focus): with problems Save says what
        # they are, with no change it says there is nothing to save. "*" marks changes.
        can_save = writable and editor.record_loaded() is not None
        self.act_save.setEnabled(can_save)
        page.save_button.setEnabled(can_save)
        has_record = page.selected_id() is not None
        self.act_delete.setEnabled(has_record and writable)
        self.act_card.setEnabled(has_record and page.kind != "memo")
        self.act_handout.setEnabled(has_record and page.kind == "meeting")
        self.act_memo.setEnabled(has_record and page.kind in ("memo", "meeting"))
        self.act_print.setEnabled(has_record or bool(self.preview.pdf))
        self.act_print_handout.setEnabled(has_record and page.kind == "meeting")
        self.act_preview.setEnabled(has_record or bool(self.preview.pdf))
        self._set_title()

    def _set_title(self):
        dirty = any(p.editor.is_dirty() for p in self.pages.made())
        read_only = " (read-only)" if self.store.read_only else ""
        self.setWindowTitle(f"{book_label(self.store)}{read_only}{' *' if dirty else ''} "
                            "— Briefing Desk")

    def _changed_by_key(self) -> str:
        return f"lists/changed_by_{'team' if is_team_store(self.store) else 'file'}"

    def _show_changed_by(self, shown: bool):
        """View > Show "Changed by" column: every list, remembered for next time."""
        self.settings.setValue(self._changed_by_key(), bool(shown))
        self._selecting = True  # the editors keep their records
        try:
            for page in self.pages.made():  # pages made later are made so
                page.show_changed_by(shown)
        finally:
            self._selecting = False

    # --- help, errors, state, closing ---------------------------------------------

    def actions_by_menu(self) -> list[tuple[str, list[QAction]]]:
        """The menus and their actions, for the keyboard shortcuts list."""
        return [(menu.title().replace("&", ""), [a for a in menu.actions() if a.text()])
                for menu in (action.menu() for action in self.menuBar().actions()) if menu]

    def about(self):
        QMessageBox.about(self, "About Briefing Desk",
                          f"Briefing Desk {__version__}\n\nBriefing books, one-page cards and "
                          f"memos for foreign-policy analysts.\n\nBook: {self.store.path}")

    def show_error(self, message: str):
        self.statusBar().showMessage(message.splitlines()[0], 8000)
        buglog.record_message("briefing-desk", " ".join(message.split()))
        questions.error(self, message)

    def _restore_state(self):
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.setGeometry(first_window_geometry(self.screen().availableGeometry()))
        sizes = self.settings.value("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        else:
            self.splitter.setSizes(split_sizes(self.width()))

    def closeEvent(self, event):
        job = self._book_job
        if job is not None:
            # the job stops first (an import is undone); the window closes when it has
            if job.cancel_asked or questions.stop_book_job(self, job.what, job.undone):
                job.close_window = True
                job.cancel()
            event.ignore()
            return
        for page in self.pages.made():
            if not self.confirm_leave(page):
                event.ignore()
                return
        self.book_poll.stop()
        self._stop_listening()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        for export in list(self._exports):
            export.stop()
        self.preview.shutdown()
        self.store.close()
        OPEN_WINDOWS.discard(self)
        event.accept()

