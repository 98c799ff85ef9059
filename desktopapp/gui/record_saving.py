"""New, save, conflicts and deletes: everything that writes a record from the window.

A mixin of the main window. Editors and field widgets only say what the user
wants (a record to save, a new linked actor or source); this module decides,
calls the store, and handles what the store can answer (conflict, linked
records, a record gone meanwhile).

Actors and sources made with "New actor…"/"New source…" are saved at once, so
pickers, lists and the preview find them; they belong to the edit of the
record they were made for, as users expect of an edit: Ctrl+Z takes the new
participant out of the form and the new actor out of the book (Ctrl+Shift+Z
puts both back), and discarding the edit removes them too unless the user
ticks "Keep" in the question. Saving the record keeps them for good.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..domain import RECORD_TYPES, Source
from ..errors import BriefingError, ConflictError, LinkedRecordError, NotFoundError
from . import questions
from .conflict_dialog import ConflictDialog, compare, merged_record
from .new_actor_dialog import NewActorDialog
from .record_page import RecordPage


class RecordSaving:
    """The window's record-writing actions and the unsaved-changes guard."""

    def confirm_leave(self, page: RecordPage) -> bool:
        """Unsaved changes: Save, Discard or Cancel. True when it is fine to move on."""
        editor = page.editor
        if not editor.is_dirty():
            page.created.clear()  # saved with the record (an undo has removed the others)
            return True
        created = [record.label() for record in page.created]
        answer = questions.unsaved_changes(self, page.kind, editor.first_problem(), created)
        if answer == "save":
            return self.save(page)
        if answer in ("discard", "discard-keep-created"):
            made, page.created = page.created, []
            loaded = editor.record_loaded()
            editor.load(loaded)  # back to the stored state
            if answer == "discard":
                self._remove_created(made)
            return True
        return False

    def _remove_created(self, records):
        """Take records made for a discarded edit out of the book again."""
        kept = [record.label() for record in records if not self._unmake(record)]
        for other in self.pages.made():
            self._reload_list(other)
        if kept:
            self.statusBar().showMessage(f"Kept {', '.join(kept)}: used by other records",
                                         6000)

    def _unmake(self, record) -> bool:
        """Delete a record made for an edit; False when another record now uses it."""
        try:
            self.store.delete(record.kind_name, record.id)
        except LinkedRecordError:
            return False  # saved with the record, or used meanwhile elsewhere: keep it
        except NotFoundError:
            pass
        except BriefingError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _unmake_created(self, page, record):
        """Undo of "New actor…": the actor leaves the book with its participant row."""
        made = [r for r in page.created if r is record]
        if made and self._unmake(record):
            page.created = [r for r in page.created if r is not record]
            record.unmade = True
        self._reload_created_kind(record)

    def _remake_created(self, page, record):
        """Redo of "New actor…": the same actor (same uid) back in the book."""
        if getattr(record, "unmade", False):
            again = dataclasses.replace(record, id=None, version=0)
            try:
                saved = self.store.save(again)
            except BriefingError as exc:
                self.show_error(str(exc))
                return
            record.id, record.version, record.unmade = saved.id, saved.version, False
            page.created.append(record)
        self._reload_created_kind(record)

    def _reload_created_kind(self, record):
        for page in self.pages.made():  # a page not made yet reads the book when it is
            if page.kind == record.kind_name:
                self._reload_list(page)

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
        # the cursor where the user types first: the record's name or title
        # (Kind comes first on the actor form, and typing there picked a kind)
        first = next((f for f in page.editor.fields if f.attr in ("name", "title")),
                     page.editor.fields[0])
        first.focus_widget().setFocus()
        self.preview.clear(f"New {page.kind}: its document appears once it is saved "
                           "(Ctrl+R previews it before).")
        self._update_actions()
        self.statusBar().showMessage(f"New {page.kind}", 3000)

    def save(self, page=None) -> bool:
        page = page if isinstance(page, RecordPage) else self.current_page()
        editor = page.editor
        if editor.record_loaded() is None:
            return False
        if self.connection_lost():  # refused at once, rather than after the pool's wait
            self.show_error("Not saved: the connection to the team book is lost. Your changes "
                            "are kept in the editor; save again once the status bar says "
                            "it is back.")
            return False
        if not editor.is_dirty() and not editor.is_new():
            self.statusBar().showMessage(
                f"Nothing to save: {editor.record_loaded().label()} is as stored", 4000)
            return True
        if not editor.is_valid():
            editor.focus_first_problem()
            self.statusBar().showMessage(f"Not saved — {editor.first_problem()}", 10000)
            return False
        record = editor.current()
        try:
            saved = self.store.save(record)
        except ConflictError:
            saved = self._resolve_conflict(page)
            if saved is None:
                return False
        except BriefingError as exc:
            self.show_error(str(exc))
            return False
        editor.mark_saved(saved)
        page.created.clear()
        self._reload_list(page)
        self._refresh_preview()
        self._update_actions()
        self.statusBar().showMessage(f"Saved {saved.label()}", 4000)
        return True

    def _resolve_conflict(self, page):
        """Show mine against the book's, field by field; save the merge or reload."""
        editor = page.editor
        try:
            theirs = self.store.get(page.kind, editor.record_loaded().id)
        except NotFoundError as exc:
            self.show_error(f"{exc}. Copy what you need; saving is no longer possible.")
            return None
        changes = compare(editor, theirs)
        dialog = ConflictDialog(self.store, editor, theirs, changes, self)
        dialog.exec()
        if dialog.answer == "reload":
            editor.load(theirs)
            self._refresh_preview()
            self.statusBar().showMessage("Reloaded the version saved elsewhere", 4000)
            return None
        if dialog.answer != "merge":
            return None
        merged = merged_record(theirs, changes, dialog.choices())
        try:
            saved = self.store.save(merged)
        except BriefingError as exc:
            self.show_error(str(exc))
            return None
        editor.load(saved)  # the form shows the merge; undo history starts from it
        return saved

    def delete_record(self):
        page = self.current_page()
        record_id = page.selected_id()
        if record_id is None:
            return
        try:
            record = self.store.get(page.kind, record_id)
        except NotFoundError as exc:
            self.show_error(str(exc))
            self.refresh()
            return
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
        page.editor.unload("")
        for other in self.pages.made():
            self._reload_list(other)
        self.preview.clear()
        if page.model.rowCount():
            page.table.selectRow(0)
        else:
            self._show_nothing(page)
        self._update_actions()
        self.statusBar().showMessage(f"Deleted {record.label()}", 4000)

    def create_linked(self, field, kind: str):
        """A field's "New actor…"/"New source…": ask, save, hand the record to the field."""
        page = next(p for p in self.pages.made() if field in p.editor.fields)
        if kind == "source":
            citation = questions.new_source_citation(self)
            if citation is None:
                return
            record = Source(citation=citation)
        else:
            dialog = NewActorDialog(self.store, self)
            if not dialog.exec():
                return
            record = dialog.actor()
        try:
            saved = self.store.save(record)
        except BriefingError as exc:
            self.show_error(str(exc))
            return
        page.created.append(saved)
        self._reload_created_kind(saved)
        page.editor.add_created(field, saved,
                                lambda record: self._unmake_created(page, record),
                                lambda record: self._remake_created(page, record))
        self.statusBar().showMessage(f"Created {saved.label()} (Ctrl+Z removes it again)",
                                     6000)
