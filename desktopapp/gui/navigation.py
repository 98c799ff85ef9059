"""Moving around the book: record kinds, the filter, selecting and loading records.

A mixin of the main window: it needs ``pages``, ``stack``, ``store``, the
preview and the window's ``confirm_leave`` guard (in record_saving).
"""

from __future__ import annotations

from ..errors import NotFoundError
from .record_page import KINDS, RecordPage


class Navigation:
    """Which kind is shown, which record is selected and loaded into its editor."""

    def current_page(self) -> RecordPage:
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

    def _apply_filter(self, page: RecordPage):
        if not self.confirm_leave(page):
            return
        page.model.set_filter(page.filter.text())
        self.statusBar().showMessage(page.model.filter_summary(), 5000)
        if page.model.rowCount():
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

    def _load_record(self, page: RecordPage, record_id: int | None):
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
