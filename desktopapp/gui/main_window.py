"""The main window: navigator, record list with filter, editor, live card preview.

The window owns the store and decides everything that persists: editors and
dialogs hand it records, it saves them, and it handles what saving can say
(conflicts, linked records, locked books).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoGroup
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__, bookformat, books, buglog, dossier
from ..documents import render_record
from ..domain import RECORD_TYPES
from ..errors import BriefingError, ConflictError, LinkedRecordError, NotFoundError
from ..pdf import handout, memo, write_pdf
from ..store import BriefingStore
from . import questions
from .editors import EDITORS
from .exporting import BackgroundExport, safe_filename
from .models import RecordTableModel, StoreSortProxy
from .preview import PreviewPane
from .printing import paint_pdf
from .settings_dialog import SettingsDialog

KINDS = ["actor", "meeting", "recommendation", "memo"]
KIND_TITLES = {"actor": "Actors", "meeting": "Meetings", "recommendation": "Recommendations",
               "memo": "Memos"}
RECENT_MAX = 8
FILTER_DELAY_MS = 200
# Top-level windows live as long as they are open: without a Python reference
# a window opened from another (File > Open) would be collected at once.
OPEN_WINDOWS: set = set()


class KindPage(QWidget):
    """The list of one record kind: filter box, table, and its editor."""

    def __init__(self, store, kind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.model = RecordTableModel(store, kind, self)
        self.proxy = StoreSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Filter {KIND_TITLES[kind].lower()} (any words, any "
                                       "script)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(f"Filter {KIND_TITLES[kind]}")
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        column, order = self.model.sort_state()
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(column, order)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            width = self.table.columnWidth(column)
            self.table.setColumnWidth(column, max(80, min(width + 12, 240)))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName(f"{KIND_TITLES[kind]} list")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.editor = EDITORS[kind](store, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        self.split = QSplitter(Qt.Vertical)
        self.split.addWidget(self.table)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save record")
        holder_layout.addWidget(self.editor, 1)
        holder_layout.addWidget(self.save_button)
        self.split.addWidget(holder)
        self.split.setSizes([240, 520])
        layout.addWidget(self.split)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(FILTER_DELAY_MS)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record_id(self.proxy.mapToSource(rows[0]).row())

    def select_id(self, record_id: int | None):
        if record_id is None:
            self.table.clearSelection()
            return
        row = self.model.row_of(record_id)
        while row is None and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())


class MainWindow(QMainWindow):
    def __init__(self, store: BriefingStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.settings = QSettings()
        self.undo_group = QUndoGroup(self)
        self.pages: dict[str, KindPage] = {}
        self._selecting = False
        self._exports = []

        self.navigator = QListWidget()
        self.navigator.setAccessibleName("Record types")
        self.navigator.setMaximumWidth(170)
        self.stack = QStackedWidget()
        for kind in KINDS:
            page = KindPage(store, kind, self)
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

    # --- navigation -------------------------------------------------------------------

    def current_page(self) -> KindPage:
        return self.stack.currentWidget()

    def _kind_changed(self, row):
        if row < 0:
            return
        page = self.pages[KINDS[row]]
        self.stack.setCurrentWidget(page)
        self.undo_group.setActiveStack(page.editor.undo_stack)
        if page.selected_id() is None and page.model.rowCount() and not page.editor.is_new():
            page.table.selectRow(0)
        else:
            self._refresh_preview()
        self._update_actions()

    def focus_filter(self):
        page = self.current_page()
        page.filter.setFocus()
        page.filter.selectAll()

    def _apply_filter(self, page: KindPage):
        if not self.confirm_leave(page):
            return
        page.model.set_filter(page.filter.text())
        count = page.model.rowCount()
        if page.model.filter_truncated():
            message = (f"Showing the first {count:,}+ of many matching "
                       f"{KIND_TITLES[page.kind].lower()}: type more to narrow")
        else:
            message = f"{page.model.match_count():,} {KIND_TITLES[page.kind].lower()} match"
        self.statusBar().showMessage(message, 5000)
        if count:
            page.table.selectRow(0)
        else:
            self.preview.clear("No matching records.")

    def _selection_changed(self, kind):
        if self._selecting:
            return
        page = self.pages[kind]
        record_id = page.selected_id()
        loaded = page.editor.record_loaded()
        if loaded is not None and loaded.id == record_id and record_id is not None:
            return
        if not self.confirm_leave(page):
            self._selecting = True
            page.select_id(loaded.id if loaded is not None else None)
            self._selecting = False
            return
        self._load_record(page, record_id)

    def _load_record(self, page: KindPage, record_id: int | None):
        if record_id is None:
            self._update_actions()
            return
        try:
            record = self.store.get(page.kind, record_id)
        except NotFoundError as exc:
            self.show_error(str(exc))
            page.model.reload()
            return
        page.editor.load(record)
        self._refresh_preview()
        self._update_actions()

    def confirm_leave(self, page: KindPage) -> bool:
        """Unsaved changes: Save, Discard or Cancel. True when it is fine to move on."""
        if not page.editor.is_dirty():
            return True
        answer = questions.unsaved_changes(self, page.kind)
        if answer == "save":
            return self.save(page)
        if answer == "discard":
            page.editor.load(page.editor.record_loaded())  # back to the stored state
            return True
        return False

    # --- records ------------------------------------------------------------------------

    def new_record(self):
        page = self.current_page()
        if not self.confirm_leave(page):
            return
        record = RECORD_TYPES[page.kind]()
        if page.kind in ("meeting", "memo"):
            record.date = dt.date.today()
        if page.kind == "memo":
            author = self.store.settings().author
            record.authors = [author] if author else []
        self._selecting = True
        page.table.clearSelection()
        self._selecting = False
        page.editor.load(record)
        page.editor.fields[0].focus_widget().setFocus()
        self.preview.clear(f"New {page.kind}: its document appears once it is saved "
                           "(Ctrl+R previews it before).")
        self._update_actions()
        self.statusBar().showMessage(f"New {page.kind}", 3000)

    def save(self, page=None) -> bool:
        page = page if isinstance(page, KindPage) else self.current_page()
        editor = page.editor
        if editor.record_loaded() is None:
            return False
        if not editor.is_valid():
            self.show_error("The record has problems (shown in red next to the fields); "
                            "it was not saved.")
            return False
        record = editor.current()
        try:
            saved = self.store.save(record)
        except ConflictError as exc:
            saved = self._resolve_conflict(page, record, str(exc))
            if saved is None:
                return False
        except BriefingError as exc:
            self.show_error(str(exc))
            return False
        editor.mark_saved(saved)
        page.model.reload()
        self._selecting = True
        page.select_id(saved.id)
        self._selecting = False
        self._refresh_preview()
        self._update_actions()
        self.statusBar().showMessage(f"Saved {saved.label()}", 4000)
        return True

    def _resolve_conflict(self, page, record, message):
        answer = questions.conflict(self, message)
        if answer == "reload":
            try:
                page.editor.load(self.store.get(page.kind, record.id))
            except NotFoundError as exc:
                self.show_error(str(exc))
            self._refresh_preview()
            self.statusBar().showMessage("Reloaded the version saved elsewhere", 4000)
            return None
        if answer == "overwrite":
            try:
                record.version = self.store.get(page.kind, record.id).version
                return self.store.save(record)
            except BriefingError as exc:
                self.show_error(str(exc))
        return None

    def delete_record(self):
        page = self.current_page()
        record_id = page.selected_id()
        if record_id is None:
            return
        record = self.store.get(page.kind, record_id)
        if not questions.confirm_delete(self, record.label()):
            return
        try:
            self.store.delete(page.kind, record_id)
        except LinkedRecordError as exc:
            if not questions.delete_linked_anyway(self, str(exc)):
                return
            self.store.delete(page.kind, record_id, force=True)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        page.editor.undo_stack.clear()
        page.editor._loaded = None
        page.model.reload()
        for other in self.pages.values():
            if other is not page:
                other.model.reload()
        self.preview.clear()
        if page.model.rowCount():
            page.table.selectRow(0)
        self._update_actions()
        self.statusBar().showMessage(f"Deleted {record.label()}", 4000)

    # --- preview, export, print ------------------------------------------------------

    def _render_selected(self, page_size=None):
        page = self.current_page()
        record_id = page.selected_id()
        if record_id is None:
            return None, None
        record = self.store.get(page.kind, record_id)
        return render_record(self.store, record, self.store.settings(), page_size), record

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

    # --- book files -----------------------------------------------------------------------

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
        for page in self.pages.values():
            if not self.confirm_leave(page):
                return False
        try:
            store = BriefingStore.open(path)
        except BriefingError as exc:
            self.show_error(f"Cannot open the book.\n\n{exc}")
            return False
        remember_recent(self.settings, path)
        window = MainWindow(store)
        window.resize(self.size())
        window.show()
        self.close()
        return True

    def _fill_recent(self):
        self.recent_menu.clear()
        for path in recent_books(self.settings):
            self.recent_menu.addAction(path, lambda p=path: self.switch_book(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def import_json(self):
        path = self._pick_path(False, "Import JSON", "Briefing-book JSON (*.json)")
        if path is None:
            return
        try:
            summary = self.store.import_sections(bookformat.load_file(path))
        except BriefingError as exc:
            self.show_error(f"Nothing was imported.\n\n{exc}")
            return
        for page in self.pages.values():
            page.model.reload()
        self.statusBar().showMessage(f"Imported {path.name}: {summary}", 8000)

    def export_json(self):
        path = self._pick_path(True, "Export JSON", "Briefing-book JSON (*.json)",
                               safe_filename(self.store.path.stem, ".json"))
        if path is None:
            return
        try:
            from ..atomicfile import write_text
            write_text(path, bookformat.dumps(self.store.export_book()))
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        self.statusBar().showMessage(f"Exported the book to {path}", 6000)

    def backup(self):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        path = self._pick_path(True, "Backup", "Briefing books (*.sqlite)",
                               f"{self.store.path.stem}-backup-{stamp}.sqlite")
        if path is None:
            return
        try:
            self.store.backup(path)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        self.statusBar().showMessage(f"Backed up to {path}", 6000)

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

    def about(self):
        QMessageBox.about(self, "About Briefing Desk",
                          f"Briefing Desk {__version__}\n\nBriefing books, one-page cards and "
                          f"memos for foreign-policy analysts.\n\nBook: {self.store.path}")

    # --- errors, state, closing ---------------------------------------------------------

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


def recent_books(settings: QSettings) -> list[str]:
    value = settings.value("files/recent", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if p]


def remember_recent(settings: QSettings, path: Path):
    entries = [str(Path(path).resolve())]
    entries += [p for p in recent_books(settings) if p != entries[0]]
    settings.setValue("files/recent", entries[:RECENT_MAX])
