"""The current record's documents: live preview, exports and printing.

A mixin of the main window: it needs ``store``, ``settings``, ``preview``,
``current_page()``, ``show_error`` and ``_update_actions``.

Reading the store happens here, on the GUI thread (the connection is
its); laying out PDFs and rasterising pages happen on worker threads: the
preview's own worker, or a background job behind a cancellable progress
dialog for exports and printing.

Handouts, memos (pypdf, more of ReportLab) and printing (QtPrintSupport) are
imported when first used, not when the window starts: start-up loads only
what the list, the editor and the preview of one card need.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from .. import dossier
from ..documents import prepare_document
from ..errors import BriefingError, NotFoundError
from . import questions
from .exporting import BackgroundExport, safe_filename
from .textdirection import isolated


def pages_text(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


class RecordDocuments:
    """Preview, export (card, handout, memo) and print (Ctrl+P, handout, preview)."""

    # --- the live preview ---------------------------------------------------------

    def _selected_record(self):
        page = self.current_page()
        record_id = page.selected_id()
        return None if record_id is None else self.store.get(page.kind, record_id)

    def _document_job(self, record, settings):
        """A function that returns the record's document and may run on any thread.

        What it needs from the store is read now, on the GUI thread; a document
        made before for the same book state comes from the window's cache."""
        cache = self.previews
        key = cache.key(self.store, record, settings)
        found = cache.get(key)
        if found is not None:
            return lambda: found
        render = prepare_document(self.store, record)
        return lambda: cache.put(key, render(settings))

    def _refresh_preview(self, record=None):
        """The preview of ``record`` (just read for the editor), else of the selected one.

        A card reads linked records and settings from the book: while a team book's
        server cannot be reached the pane says so instead of waiting for it."""
        if self.connection_lost():
            self.preview.clear(f"No preview: {self.unreachable()}")
            self._update_actions()
            return
        try:
            if record is None:
                record = self._selected_record()
            if record is None:
                self.preview.clear()
            else:
                label = record.label()

                def caption(result):
                    note = f" — {'; '.join(result.warnings)}" if result.warnings else ""
                    return f"{isolated(label)} — {pages_text(result.pages)}{note}"

                self.preview.render(self._document_job(record, self.store.settings()),
                                    caption, label)
        except NotFoundError:
            self.preview.clear()
        except BriefingError as exc:  # the server went away before the window heard of it
            self.preview.clear(f"No preview: {str(exc).splitlines()[0]}")
        self._update_actions()

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
        render, settings, label = prepare_document(self.store, record), self.store.settings(), \
            record.label()
        self.preview.render(
            lambda: render(settings),
            lambda result: f"Preview of unsaved changes: {isolated(label)} — "
                           f"{pages_text(result.pages)}",
            label)
        self._update_actions()

    # --- background work ------------------------------------------------------------

    def _in_background(self, label: str, job, then, what: str = "export"):
        """Run ``job(progress)`` off the GUI thread behind a cancellable progress dialog,
        then ``then(result)`` on the GUI thread."""
        dialog = QProgressDialog(label, "Cancel", 0, 0, self)
        dialog.setWindowTitle("Briefing Desk")
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(300)
        work = BackgroundExport(job, dialog, self)
        work.done.connect(then)
        work.failed.connect(lambda message: self._background_failed(message, what))
        self._exports.append(work)
        work.finished_all.connect(lambda: self._exports.remove(work))
        work.start()

    def _background_failed(self, message: str, what: str = "export"):
        if message:
            self.show_error(f"The {what} failed: {message}")
        elif what == "print":
            self.statusBar().showMessage("Printing cancelled; nothing was printed", 4000)
        else:
            self.statusBar().showMessage("Export cancelled; nothing was written", 4000)

    # --- exports --------------------------------------------------------------------

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
        record = self._selected_record()
        if record is None or self.current_page().kind == "memo":
            return
        path = self._ask_pdf_path(record.display_name(), f"{record.kind_name} card")
        if path is None:
            return
        job = self._document_job(record, self.store.settings())
        self._in_background("Preparing the card…", lambda progress: job(),
                            lambda result: self._write_export(result, path))

    def _write_export(self, result, path: Path):
        from ..pdf import write_pdf

        try:
            write_pdf(result, path)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        warning = f" ({'; '.join(result.warnings)})" if result.warnings else ""
        self.statusBar().showMessage(f"Wrote {path}{warning}", 6000)
        if questions.open_exported(self, f"Wrote {path.name} ({pages_text(result.pages)})."
                                         f"{warning}"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _handout_job(self, verb: str):
        """Ask the handout's options; return (job, title) or (None, None) when cancelled."""
        from ..pdf import handout
        from .handout_dialog import HandoutDialog

        page = self.current_page()
        if page.kind != "meeting" or page.selected_id() is None:
            return None, None
        gathered = dossier.handout(self.store, page.selected_id())
        settings = self.store.settings()
        title = gathered.meeting.meeting.title
        options = HandoutDialog(title, settings.page_size, verb, self)
        if not options.exec():
            return None, None
        page_size, two_up = options.page_size(), options.two_up()
        return (lambda progress: handout.render(gathered, settings, page_size, two_up=two_up,
                                                progress=progress)), title

    def export_handout(self):
        job, title = self._handout_job("Export")
        if job is None:
            return
        path = self._ask_pdf_path(title, "handout")
        if path is None:
            return
        self._in_background("Preparing the handout…", job,
                            lambda result: self._write_export(result, path))

    def _memo_record(self):
        page = self.current_page()
        record_id = page.selected_id()
        if record_id is None:
            return None
        if page.kind == "memo":
            return self.store.get_memo(record_id)
        if page.kind == "meeting":
            return dossier.compose_memo(self.store, [record_id], self.store.settings().author)
        return None

    def export_memo(self):
        from ..pdf import memo

        record = self._memo_record()
        if record is None:
            return
        gathered = dossier.memo_dossier(self.store, record)
        path = self._ask_pdf_path(record.title, "memo")
        if path is None:
            return
        settings = self.store.settings()
        self._in_background("Preparing the memo…",
                            lambda progress: memo.render(gathered, settings),
                            lambda result: self._write_export(result, path))

    # --- printing -------------------------------------------------------------------

    def _with_document(self, then):
        """Call ``then(pdf, title)`` with the document the preview shows: at once when it
        is there, else after rendering it off the GUI thread."""
        if self.preview.pdf:
            then(self.preview.pdf, self.preview.title)
            return
        record = self._selected_record()
        if record is None:
            return
        job = self._document_job(record, self.store.settings())
        self._in_background("Preparing the document…", lambda progress: job(),
                            lambda result: then(result.pdf, record.label()), "print")

    def print_current(self):
        """Ctrl+P: print every page of the card or memo shown in the preview."""
        self._with_document(self.print_pdf)

    def print_handout(self):
        job, title = self._handout_job("Print")
        if job is None:
            return
        self._in_background("Preparing the handout…", job,
                            lambda result: self.print_pdf(result.pdf, f"Handout {title}"),
                            "print")

    def print_preview(self):
        self._with_document(self._show_print_preview)

    def _show_print_preview(self, pdf: bytes, title: str):
        from .printing import PrintPreview

        dialog = PrintPreview(pdf, title, self)
        if dialog.exec() == PrintPreview.PRINT:
            self.print_pdf(pdf, title)

    def print_pdf(self, pdf: bytes, title: str):
        """The system print dialog, then every page printed off the GUI thread."""
        from .printing import PrintJob

        job = PrintJob(pdf, title, self)
        if not job.ask():
            self.statusBar().showMessage("Printing cancelled", 4000)
            return
        self._exports.append(job)

        def finished(pages):
            self._exports.remove(job)
            self.statusBar().showMessage(f"Sent {pages_text(pages)} of {title} to the printer",
                                         6000)

        def failed(message):
            self._exports.remove(job)
            self._background_failed(message, "print")

        job.finished.connect(finished)
        job.failed.connect(failed)
        job.start()
