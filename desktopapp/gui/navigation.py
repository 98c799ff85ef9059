"""Moving around the book: record kinds, the filter, selecting and loading records,
and keeping lists and editors current when the book changes elsewhere.

A mixin of the main window: it needs ``pages``, ``stack``, ``store``, the
preview and the window's ``confirm_leave`` guard (in record_saving).
"""

from __future__ import annotations

from ..errors import BriefingError, NotFoundError
from .record_page import KINDS, RecordPage

# How often the window asks the book whether someone else wrote to it.
BOOK_POLL_MS = 500


class Navigation:
    """Which kind is shown, which record is selected and loaded into its editor."""

    def current_page(self) -> RecordPage:
        return self.stack.currentWidget()

    def _kind_changed(self, row):
        if row < 0:
            return
        page = self.pages[KINDS[row]]
        if not page.model.is_loaded() and self.connection_lost():
            self.statusBar().showMessage(f"The list is empty for now: {self.unreachable()}",
                                         10000)
        else:
            try:
                page.show_rows()
            except BriefingError as exc:  # a team book's server gone: the list stays empty
                self.statusBar().showMessage(str(exc).splitlines()[0], 10000)
        self.stack.setCurrentWidget(page)
        self.undo_group.setActiveStack(page.editor.undo_stack)
        if page.selected_id() is None and page.model.rowCount() and not page.editor.is_new():
            page.table.selectRow(0)
        else:
            if page.editor.record_loaded() is None:
                self._show_nothing(page)
            self._refresh_preview()
        self._update_actions()

    def focus_filter(self):
        page = self.current_page()
        page.filter.setFocus()
        page.filter.selectAll()

    def _apply_filter(self, page: RecordPage):
        if not self.confirm_leave(page):
            return
        if self.connection_lost():  # filtered when the connection is back (team_books)
            self.statusBar().showMessage(f"Not filtered yet: {self.unreachable()}", 10000)
            return
        try:
            page.model.set_filter(page.filter.text())
        except BriefingError as exc:  # the server went away before the window heard of it
            self.statusBar().showMessage(f"Not filtered: {str(exc).splitlines()[0]}", 10000)
            return
        self.statusBar().showMessage(page.model.filter_summary(), 5000)
        if page.model.rowCount():
            page.table.selectRow(0)
        else:
            self._show_nothing(page)
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

    def _load_record(self, page: RecordPage, record_id: int | None):
        if record_id is None:
            self._show_nothing(page)
            self._update_actions()
            return
        if self.connection_lost():
            # known gone: say so now rather than wait for the server (the pool's timeout)
            self._keep_editors_record(page, self.unreachable())
            return
        try:
            record = self.store.get(page.kind, record_id)
        except NotFoundError as exc:
            self.show_error(str(exc))
            self._reload_list(page)
            return
        except BriefingError as exc:  # a team book's server gone: say so, keep the editor
            self._keep_editors_record(page, str(exc).splitlines()[0])
            return
        page.editor.load(record)
        self._refresh_preview(record)
        self._update_actions()

    def _keep_editors_record(self, page: RecordPage, why: str):
        """Another record could not be read: the list selects the editor's record again
        (never one record's form under another's row) and the status bar says why."""
        loaded = page.editor.record_loaded()
        row = page.model.row_of(loaded.id) if loaded is not None and loaded.id else None
        self._selecting = True
        try:
            if row is None:
                page.table.clearSelection()
            else:
                page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
        finally:
            self._selecting = False
        shown = f"; {loaded.label()} is still shown" if row is not None else ""
        self.statusBar().showMessage(f"The record cannot be read: {why}{shown}", 15000)
        self._update_actions()

    def _show_nothing(self, page: RecordPage):
        """No record behind the editor: it is disabled and says how to make one."""
        page.editor.unload(page.empty_hint())
        if page is self.current_page():
            self.preview.clear(page.empty_hint())

    def _reload_list(self, page: RecordPage):
        """Fetch the list again (filter re-run), keeping the editor's record selected.

        A list not shown yet stays unloaded: it is read when it is shown."""
        if not page.model.is_loaded():
            return
        loaded = page.editor.record_loaded()
        keep = loaded.id if loaded is not None and loaded.id is not None else page.selected_id()
        self._selecting = True
        try:
            if page.model.filter_text().strip():
                page.model.set_filter(page.model.filter_text())
            else:
                page.model.reload()
            page.select_id(keep)
        finally:
            self._selecting = False

    # --- changes made elsewhere ------------------------------------------------------

    def _poll_book(self):
        """Called on a timer: has another connection (CLI, window, import) written?"""
        version = self.store.change_stamp()[0]  # moves with other connections' commits only
        if version != self._data_version:
            self._data_version = version
            self.refresh(quiet=True)

    def refresh(self, quiet: bool = False, note: str = "The book changed elsewhere; refreshed"):
        """Lists from the book again; editors without unsaved changes show the stored record.

        An editor with unsaved changes keeps them: saving it then shows what
        changed on each side and merges. ``note`` goes to the status bar when
        ``quiet`` (a change noticed, not asked for). A book that cannot be read
        now (a team book's server gone) leaves everything as it was and says so.
        """
        try:
            changed_elsewhere = self._read_book_again()
            self._refresh_preview()
        except BriefingError as exc:
            self.statusBar().showMessage(f"Not refreshed: {str(exc).splitlines()[0]}", 10000)
            return
        self._update_actions()
        if changed_elsewhere:
            self.statusBar().showMessage("; ".join(changed_elsewhere), 10000)
        elif not quiet:
            self.statusBar().showMessage("Refreshed from the book", 3000)
        else:
            self.statusBar().showMessage(note, 4000)

    def _read_book_again(self) -> list[str]:
        """Reload lists and clean editors; what changed under unsaved edits, in words."""
        changed_elsewhere = []
        for page in self.pages.made():
            if not page.model.is_loaded():
                continue  # never shown: it reads the book when it is
            self._reload_list(page)
            editor = page.editor
            loaded = editor.record_loaded()
            if loaded is None or loaded.id is None:
                if loaded is None and page.model.rowCount() and page is self.current_page():
                    page.table.selectRow(0)  # the book was empty and is not any more
                elif loaded is None and page.editor.hint.isVisible():
                    page.editor.unload(page.empty_hint())
                continue
            try:
                stored = self.store.get(page.kind, loaded.id)
            except NotFoundError:
                if not editor.is_dirty():
                    self._selecting = True
                    page.table.clearSelection()
                    self._selecting = False
                    editor.unload(f"{loaded.label()[0].upper()}{loaded.label()[1:]} was "
                                  "deleted elsewhere. " + page.empty_hint())
                else:
                    changed_elsewhere.append(f"{loaded.label()} was deleted elsewhere")
                continue
            if stored.version == loaded.version:
                continue
            if editor.is_dirty():
                changed_elsewhere.append(f"{loaded.label()} changed elsewhere: saving will "
                                         "show both versions")
            else:
                editor.load(stored)
        return changed_elsewhere
