"""The main window: navigator, record list with filter, editor, live card preview.

The window owns the store and decides everything that persists: editors and
dialogs hand it records, it saves them, and it handles what saving can say
(conflicts, linked records, locked books).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoGroup
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QStackedWidget,
    QToolBar,
)

from .. import __version__, buglog, dossier
from ..documents import PreviewCache, render_record
from ..errors import BriefingError, NotFoundError
from ..pdf import handout, memo, write_pdf
from ..store import BriefingStore
from . import questions
from .book_files import BookFiles, recent_books, remember_recent
from .exporting import BackgroundExport, safe_filename
from .navigation import Navigation
from .preview import PreviewPane
from .printing import paint_pdf
from .record_page import KIND_TITLES, KINDS, RecordPage
from .record_saving import RecordSaving

__all__ = ["KINDS", "KIND_TITLES", "MainWindow", "OPEN_WINDOWS", "recent_books",
           "remember_recent"]

# Top-level windows live as long as they are open: without a Python reference
# a window opened from another (File > Open) would be collected at once.
OPEN_WINDOWS: set = set()


class MainWindow(Navigation, RecordSaving, BookFiles, QMainWindow):
    """Navigator, record pages, preview; menus and toolbar.

    The window's concerns live in mixins a newcomer finds by name:
    navigation (kinds, filter, selection), record_saving (new, save,
    conflicts, deletes, linked records made from a field), book_files (the
    File menu and settings). Preview, export and print of the current record
    stay here, beside exporting/printing/preview which do the work.
    """

    def __init__(self, store: BriefingStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.previews = PreviewCache()  # documents of saved records, by version and book state
        self.settings = QSettings()
        self.undo_group = QUndoGroup(self)
        self.pages: dict[str, RecordPage] = {}
        self._selecting = False
        self._exports = []

        self.navigator = QListWidget()
        self.navigator.setAccessibleName("Record types")
        self.navigator.setMaximumWidth(170)
        self.stack = QStackedWidget()
        for kind in KINDS:
            page = RecordPage(store, kind, self)
            self.pages[kind] = page
            self.navigator.addItem(KIND_TITLES[kind])
            self.stack.addWidget(page)
            self.undo_group.addStack(page.editor.undo_stack)
            page.table.selectionModel().selectionChanged.connect(
                lambda *_, k=kind: self._selection_changed(k))
            page.filter.textChanged.connect(lambda _, p=page: p.timer.start())
            page.timer.timeout.connect(lambda p=page: self._apply_filter(p))
            page.save_button.clicked.connect(self.save)
            page.editor.changed.connect(self._update_actions)
            page.editor.validity_changed.connect(lambda _: self._update_actions())
            page.editor.create_requested.connect(self.create_linked)
        self.preview = PreviewPane()
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
        self._set_title()
        self.statusBar().showMessage(f"Opened {store.path}", 5000)
        if store.read_only:  # a read-only mount or an immutable file: say so, all the time
            self.read_only_banner = QLabel(f"Read-only: {store.read_only_reason}")
            self.statusBar().addPermanentWidget(self.read_only_banner)
        OPEN_WINDOWS.add(self)

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
        self.act_import = a("&Import JSON…", self.import_json)
        self.act_export_json = a("&Export JSON…", self.export_json)
        self.act_backup = a("&Backup…", self.backup)
        self.act_settings = a("Se&ttings…", self.edit_settings)
        self.act_quit = a("&Quit", self.close, QKeySequence.Quit)
        self.act_undo = self.undo_group.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.Undo)
        self.act_redo = self.undo_group.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(QKeySequence.Redo)
        self.act_save = a("&Save", self.save, QKeySequence.Save, "Save the record")
        self.act_new = a("&New record", self.new_record, QKeySequence.New)
        self.act_delete = a("&Delete record", self.delete_record, QKeySequence.Delete)
        self.act_find = a("&Find", self.focus_filter, QKeySequence.Find)
        self.act_card = a("&Card as PDF…", self.export_card, QKeySequence("Ctrl+E"))
        self.act_handout = a("&Handout as PDF…", self.export_handout)
        self.act_memo = a("&Memo as PDF…", self.export_memo)
        self.act_preview_changes = a("Preview &unsaved changes", self.preview_changes,
                                     QKeySequence("Ctrl+R"))
        self.act_print = a("&Print…", self.print_card, QKeySequence.Print)
        self.act_preview = a("Print pre&view…", self.print_preview)
        self.act_about = a("&About Briefing Desk", self.about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.act_new_book, self.act_open):
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
        export = bar.addMenu("E&xport")
        for action in (self.act_card, self.act_handout, self.act_memo, None,
                       self.act_preview_changes, self.act_print, self.act_preview):
            export.addSeparator() if action is None else export.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

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
        can_save = editor.record_loaded() is not None and editor.is_valid() and (
            editor.is_dirty() or editor.is_new())
        self.act_save.setEnabled(can_save)
        page.save_button.setEnabled(can_save)
        has_record = page.selected_id() is not None
        self.act_delete.setEnabled(has_record)
        self.act_card.setEnabled(has_record and page.kind != "memo")
        self.act_handout.setEnabled(has_record and page.kind == "meeting")
        self.act_memo.setEnabled(has_record and page.kind in ("memo", "meeting"))
        self.act_print.setEnabled(bool(self.preview.pdf))
        self.act_preview.setEnabled(bool(self.preview.pdf))
        self._set_title()

    def _set_title(self):
        dirty = any(p.editor.is_dirty() for p in self.pages.values())
        self.setWindowTitle(f"{self.store.path.name}{' *' if dirty else ''} — Briefing Desk")

    # --- preview, export, print ------------------------------------------------------

    def _render_selected(self, page_size=None):
        page = self.current_page()
        record_id = page.selected_id()
        if record_id is None:
            return None, None
        record = self.store.get(page.kind, record_id)
        # saved records only: a preview shown again for an unchanged book is a lookup
        return self.previews.render(self.store, record, self.store.settings(),
                                    page_size), record

    def preview_changes(self):
        """Show the document of the record as the editor has it now, before saving."""
        editor = self.current_page().editor
        if editor.record_loaded() is None:
            return
        if not editor.is_valid():
            self.show_error("The record has problems (shown in red next to the fields); "
                            "fix them to preview it.")
            return
        record = editor.current()
        record.normalise()
        result = render_record(self.store, record, self.store.settings())
        self.preview.show_pdf(result.pdf, f"Preview of unsaved changes: {record.label()} — "
                              f"{result.pages} page{'s' if result.pages != 1 else ''}")
        self._update_actions()

    def _refresh_preview(self):
        try:
            result, record = self._render_selected()
        except NotFoundError:
            result = None
        if result is None:
            self.preview.clear()
        else:
            note = f" — {'; '.join(result.warnings)}" if result.warnings else ""
            self.preview.show_pdf(result.pdf, f"{record.label()} — {result.pages} page"
                                  f"{'s' if result.pages != 1 else ''}{note}")
        self._update_actions()

    def _ask_pdf_path(self, title: str, kind_word: str) -> Path | None:
        folder = self.settings.value("export/folder", str(Path.home()))
        default = str(Path(folder) / safe_filename(f"{kind_word} {title}"))
        path, _ = QFileDialog.getSaveFileName(self, f"Export {kind_word}", default,
                                              "PDF files (*.pdf)")
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self.settings.setValue("export/folder", str(path.parent))
        return path

    def export_card(self):
        result, record = self._render_selected()
        if result is None or self.current_page().kind == "memo":
            return
        path = self._ask_pdf_path(record.display_name(), f"{record.kind_name} card")
        if path is None:
            return
        self._write_export(result, path)

    def _write_export(self, result, path: Path):
        try:
            write_pdf(result, path)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        warning = f" ({'; '.join(result.warnings)})" if result.warnings else ""
        self.statusBar().showMessage(f"Wrote {path}{warning}", 6000)
        pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
        if questions.open_exported(self, f"Wrote {path.name} ({pages}).{warning}"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_handout(self):
        page = self.current_page()
        if page.kind != "meeting" or page.selected_id() is None:
            return
        gathered = dossier.handout(self.store, page.selected_id())
        path = self._ask_pdf_path(gathered.meeting.meeting.title, "handout")
        if path is None:
            return
        settings = self.store.settings()
        self._run_in_background(
            "Preparing the handout…",
            lambda progress: handout.render(gathered, settings, progress=progress), path)

    def export_memo(self):
        page = self.current_page()
        record_id = page.selected_id()
        if record_id is None:
            return
        if page.kind == "memo":
            record = self.store.get_memo(record_id)
        elif page.kind == "meeting":
            record = dossier.compose_memo(self.store, [record_id], self.store.settings().author)
        else:
            return
        gathered = dossier.memo_dossier(self.store, record)
        path = self._ask_pdf_path(record.title, "memo")
        if path is None:
            return
        settings = self.store.settings()
        self._run_in_background("Preparing the memo…",
                                lambda progress: memo.render(gathered, settings), path)

    def _run_in_background(self, label: str, job, path: Path):
        """Render off the GUI thread behind a cancellable progress dialog; then write."""
        dialog = QProgressDialog(label, "Cancel", 0, 0, self)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(300)
        export = BackgroundExport(job, dialog, self)
        export.done.connect(lambda result: self._write_export(result, path))
        export.failed.connect(self._background_failed)
        self._exports.append(export)
        export.finished_all.connect(lambda: self._exports.remove(export))
        export.start()

    def _background_failed(self, message):
        if message:
            self.show_error(f"The export failed: {message}")
        else:
            self.statusBar().showMessage("Export cancelled; nothing was written", 4000)

    def print_card(self, printer=None):
        if not self.preview.pdf:
            return None
        if printer is None:
            printer = QPrinter(QPrinter.HighResolution)
            if QPrintDialog(printer, self).exec() != QPrintDialog.Accepted:
                return None
        try:
            pages = paint_pdf(self.preview.pdf, printer)
        except OSError as exc:
            self.show_error(f"Printing failed: {exc}")
            return None
        self.statusBar().showMessage(f"Sent {pages} page{'s' if pages != 1 else ''} to the "
                                     "printer", 4000)
        return pages

    def print_preview(self):
        if not self.preview.pdf:
            return
        dialog = QPrintPreviewDialog(self)
        dialog.paintRequested.connect(lambda printer: paint_pdf(self.preview.pdf, printer))
        dialog.exec()

    # --- help, errors, state, closing ---------------------------------------------

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
            self.resize(1400, 860)
        sizes = self.settings.value("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)

    def closeEvent(self, event):
        for page in self.pages.values():
            if not self.confirm_leave(page):
                event.ignore()
                return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        for export in list(self._exports):
            export.stop()
        self.preview.shutdown()
        self.store.close()
        OPEN_WINDOWS.discard(self)
        event.accept()

