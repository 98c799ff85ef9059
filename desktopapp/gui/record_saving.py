"""New, save, conflicts and deletes: everything that writes a record from the window.

A mixin of the main window. Editors and field widgets only say what the user
wants (a record to save, a new linked actor or source); this module decides,
calls the store, and handles what the store can answer (conflict, linked
records, a record gone meanwhile).
"""

from __future__ import annotations

import datetime as dt

from ..domain import RECORD_TYPES, Actor, Source
from ..errors import BriefingError, ConflictError, LinkedRecordError, NotFoundError
from . import questions
from .record_page import RecordPage


class RecordSaving:
    """The window's record-writing actions and the unsaved-changes guard."""

    def confirm_leave(self, page: RecordPage) -> bool:
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
        page = page if isinstance(page, RecordPage) else self.current_page()
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
        page.editor.unload()
        page.model.reload()
        for other in self.pages.values():
            if other is not page:
                other.model.reload()
        self.preview.clear()
        if page.model.rowCount():
            page.table.selectRow(0)
        self._update_actions()
        self.statusBar().showMessage(f"Deleted {record.label()}", 4000)

    def create_linked(self, field, kind: str):
        """A field's "New actor…"/"New source…": ask, save, hand the record to the field."""
        if kind == "source":
            citation = questions.new_source_citation(self)
            if citation is None:
                return
            record = Source(citation=citation)
        else:
            name = questions.new_actor_name(self)
            if name is None:
                return
            record = Actor(name=name)
        problems = record.problems()
        if problems:
            self.show_error("; ".join(f"{f}: {m}" for f, m in problems))
            return
        try:
            saved = self.store.save(record)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        field.add_record(saved)
        self.statusBar().showMessage(f"Created {saved.label()}", 4000)
