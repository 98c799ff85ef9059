"""Field widgets for the editors: each adapts one widget to one record attribute.

A field has ``widget``, ``get()``, ``set(value)`` (which must not emit
``edited``) and an ``edited`` callback the editor hooks up. Keeping all
widgets behind this small interface is what lets one editor class drive
every record kind, and undo restore any field.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import (
    QDate,
    QLocale,
    QPoint,
    QSignalBlocker,
    QStringListModel,
    Qt,
    QTime,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from .. import paths, photos
from ..domain import (
    PHOTO_MAX_BYTES,
    ActorKind,
    MemoSection,
    Participant,
    ParticipantRole,
    Position,
    approx_date_text,
    image_type,
    label,
)
from . import questions
from .textdirection import alignment_for

ROW_PROBLEM = re.compile(r"\[(\d+)\](?:\.(\w+))?")


def short_message(message: str) -> str:
    """ "is required" reads as "required" after a label and a colon."""
    return message[3:] if message.startswith("is ") else message


def delete_key_removes(widget: QWidget, remove):
    """The Delete key on ``widget`` (only while it has the focus) removes its current entry."""
    action = QAction("Remove", widget)
    action.setShortcut(QKeySequence.Delete)
    action.setShortcutContext(Qt.WidgetShortcut)
    action.triggered.connect(remove)
    widget.addAction(action)


class Field:
    """Base: subclasses build ``self.widget`` and call ``self.notify()`` on user edits."""

    def __init__(self, attr: str, title: str, problem_key: str | None = None):
        self.attr = attr
        self.title = title
        self.problem_key = problem_key or attr  # the name the domain's problems use
        self.edited = None  # set by the editor
        # set by the editor: the user asked for a new linked record ("New actor…");
        # the field never saves it, the window does and hands it back via add_record()
        self.create_requested = None
        self.widget: QWidget

    # How problems read: "Position 1 — As of: not a real date" for table rows,
    # "Aliases, entry 2: required" for list entries, "Name: required" otherwise.
    row_word = ""
    column_labels: dict[str, str] = {}
    # False: a problem the field reports itself replaces the record's for this field
    keeps_record_problems = False

    def problems(self) -> list[str]:
        """Problems only the widget can see (text that is not a date), as messages."""
        return []

    def describe_problem(self, name: str, message: str) -> str:
        """The record's problem ``name`` ("positions[1].as_of") in the words of the form."""
        where = self.title
        match = ROW_PROBLEM.match(name[len(self.problem_key):])
        if match:
            row, column = match.groups()
            if self.row_word:
                where = f"{self.row_word} {row}"
                if column:
                    where += f" — {self.column_labels.get(column, column.replace('_', ' '))}"
            else:
                where = f"{self.title}, entry {row}"
        return f"{where}: {short_message(message)}"

    def problem_widget(self) -> QWidget:
        """Where the cursor goes when this field has the first problem."""
        return self.focus_widget()

    def notify(self):
        if self.edited is not None:
            self.edited(self)

    def request_new(self, kind: str):
        if self.create_requested is not None:
            self.create_requested(self, kind)

    def get(self):
        raise NotImplementedError

    def set(self, value):
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self.widget


class LineField(Field):
    def __init__(self, attr, title, placeholder="", **kw):
        super().__init__(attr, title, **kw)
        self.widget = QLineEdit()
        self.widget.setPlaceholderText(placeholder)
        self.widget.textEdited.connect(lambda _: self.notify())
        # a name in Arabic or Hebrew sits on the right, as it reads
        self.widget.textChanged.connect(
            lambda text: self.widget.setAlignment(alignment_for(text)))

    def get(self):
        return self.widget.text()

    def set(self, value):
        with QSignalBlocker(self.widget):
            self.widget.setText(value or "")
        self.widget.setAlignment(alignment_for(value or ""))


class TextField(Field):
    def __init__(self, attr, title, height=90, **kw):
        super().__init__(attr, title, **kw)
        self.widget = QPlainTextEdit()
        self.widget.setTabChangesFocus(True)
        self.widget.setMinimumHeight(height)
        self.widget.textChanged.connect(self.notify)

    def get(self):
        return self.widget.toPlainText()

    def set(self, value):
        with QSignalBlocker(self.widget):
            self.widget.setPlainText(value or "")


class ListLineField(LineField):
    """Aliases and tags: one line, entries separated by semicolons."""

    def __init__(self, attr, title, **kw):
        super().__init__(attr, title, placeholder="separate entries with ;", **kw)

    def get(self):
        return [part.strip() for part in self.widget.text().split(";") if part.strip()]

    def set(self, value):
        super().set("; ".join(value or []))


class EnumField(Field):
    """A combo box of an enum's values; ``none_label`` adds a first entry for "not given"."""

    def __init__(self, attr, title, enum, none_label=None, **kw):
        super().__init__(attr, title, **kw)
        self.enum = enum
        self.widget = QComboBox()
        if none_label is not None:
            self.widget.addItem(none_label, None)
        for member in enum:
            self.widget.addItem(label(member), member.value)
        self.widget.currentIndexChanged.connect(lambda _: self.notify())

    def get(self):
        data = self.widget.currentData()
        return None if data is None else self.enum(data)

    def set(self, value):
        with QSignalBlocker(self.widget):
            index = self.widget.findData(value.value) if value is not None else 0
            self.widget.setCurrentIndex(max(0, index))


class DateField(Field):
    """A date typed as 2025-06-02 or in the locale's short format, or picked from a calendar.

    A line edit rather than QDateEdit: typing an ISO date into QDateEdit's
    sections mangles it. Text that is no date is a problem shown beside the
    field; the text stays as typed so it can be corrected.
    """

    def __init__(self, attr, title, required=False, **kw):
        super().__init__(attr, title, **kw)
        self.required = required
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        example = QLocale().toString(QDate(2025, 6, 2), QLocale.ShortFormat)
        self.line.setPlaceholderText(f"2025-06-02 or {example}")
        self.line.setMaximumWidth(220)
        self.line.textEdited.connect(lambda _: self.notify())
        self.line.editingFinished.connect(self._tidy)
        self.calendar = QCalendarWidget()
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.widget)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._sync_calendar)
        self.menu = menu
        self.button = QToolButton()
        self.button.setText("Calendar")
        self.button.setAccessibleName(f"{title}: calendar")
        # popup(), not the button's own menu: that one runs a nested event loop
        self.button.clicked.connect(
            lambda: menu.popup(self.button.mapToGlobal(QPoint(0, self.button.height()))))
        layout.addWidget(self.line)
        layout.addWidget(self.button)
        layout.addStretch()

    @staticmethod
    def parse(text: str) -> dt.date | None:
        """ISO first, then the locale's short and long formats; ValueError if none fits."""
        text = text.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        base_year = dt.date.today().year - 80  # "02/06/25" is 2025, not 1925
        for locale in (QLocale(), QLocale.system()):
            for form in (QLocale.ShortFormat, QLocale.LongFormat):
                value = locale.toDate(text, form, base_year)
                if value.isValid():
                    return dt.date(value.year(), value.month(), value.day())
        raise ValueError(text)

    def get(self):
        try:
            return self.parse(self.line.text())
        except ValueError:
            return None

    def problems(self):
        try:
            self.parse(self.line.text())
        except ValueError:
            example = QLocale().toString(QDate(2025, 6, 2), QLocale.ShortFormat)
            return [f"{self.title}: not a real date — type it as 2025-06-02 or {example}"]
        return []

    def set(self, value):
        with QSignalBlocker(self.line):
            self.line.setText(value.isoformat() if value else "")

    def _tidy(self):
        """Show a date typed in the locale's format as ISO once the user leaves the field."""
        value = self.get()
        if value is not None and self.line.text() != value.isoformat():
            self.set(value)

    def _sync_calendar(self):
        value = self.get() or dt.date.today()
        self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))

    def _picked(self, qdate: QDate):
        self.menu.hide()
        value = dt.date(qdate.year(), qdate.month(), qdate.day())
        if value != self.get() or self.line.text() != value.isoformat():
            self.set(value)
            self.notify()
        self.line.setFocus()

    def focus_widget(self):
        return self.line


class TimeField(Field):
    def __init__(self, attr, title, **kw):
        super().__init__(attr, title, **kw)
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox("at")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        layout.addWidget(self.enabled)
        layout.addWidget(self.time)
        layout.addStretch()
        self.enabled.toggled.connect(self._toggled)
        self.time.timeChanged.connect(lambda _: self.notify())

    def _toggled(self, on):
        self.time.setEnabled(on)
        self.notify()

    def get(self):
        if not self.enabled.isChecked():
            return None
        value = self.time.time()
        return dt.time(value.hour(), value.minute())

    def set(self, value):
        with QSignalBlocker(self.enabled), QSignalBlocker(self.time):
            self.enabled.setChecked(value is not None)
            self.time.setEnabled(value is not None)
            self.time.setTime(QTime(value.hour, value.minute) if value else QTime(9, 0))

    def focus_widget(self):
        return self.enabled


class MinutesField(Field):
    def __init__(self, attr, title, **kw):
        super().__init__(attr, title, **kw)
        self.widget = QSpinBox()
        self.widget.setRange(0, 20160)
        self.widget.setSingleStep(15)
        self.widget.setSuffix(" min")
        self.widget.setSpecialValueText("—")
        self.widget.valueChanged.connect(lambda _: self.notify())

    def get(self):
        return self.widget.value() or None

    def set(self, value):
        with QSignalBlocker(self.widget):
            self.widget.setValue(value or 0)


class RecordPicker(QLineEdit):
    """A line with completion over the store's search (names, aliases, native names)."""

    def __init__(self, store, kind, on_pick, placeholder):
        super().__init__()
        self.store, self.kind, self.on_pick = store, kind, on_pick
        self.setPlaceholderText(placeholder)
        self._choices: dict[str, int] = {}
        self._model = QStringListModel()
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        self.setCompleter(completer)
        completer.activated.connect(self._picked)
        self.textEdited.connect(self._refresh)

    def keyPressEvent(self, event):
        # Enter picks; it is not passed on, so it never also presses a dialog's default
        # button. On an empty picker it is: Enter then means what it means around it.
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.text().strip():
            self._picked(self.text())
            event.accept()
            return
        super().keyPressEvent(event)

    def _refresh(self, text):
        ids = self.store.search_ids(text, self.kind, limit=20) if text.strip() else []
        rows = self.store.list_summaries(self.kind, ids=ids) if ids else []
        name_key = "name" if self.kind == "actor" else "title"
        self._choices = {}
        for row in rows:
            shown = row[name_key]
            if row.get("native_name"):
                shown += f" — {row['native_name']}"
            self._choices[shown] = row["id"]
        self._model.setStringList(list(self._choices))

    def _picked(self, text):
        text = text.strip()
        if not text:
            return
        if not self._choices:  # Enter before the list was filled (typed fast, pasted)
            self._refresh(text)
        record_id = self._choices.get(text)
        if record_id is None:  # the whole name typed out wins over partial matches
            exact = {rid for shown, rid in self._choices.items()
                     if shown.split(" — ")[0].casefold() == text.casefold()}
            record_id = exact.pop() if len(exact) == 1 else None
        # What the list under the line shows: records whose name holds the text. The
        # search also finds records by their other text (a biography naming Medinsky),
        # which the list leaves out; with none shown, all the search found count.
        shown = [rid for name, rid in self._choices.items() if text.casefold() in name.casefold()]
        candidates = shown or list(self._choices.values())
        if record_id is None and len(candidates) == 1:
            record_id = candidates[0]
        if record_id is None:
            if candidates:
                self.say(f"{len(candidates)} {self.kind}s match “{text}”: pick one from "
                         "the list")
                self.completer().complete()
            else:
                self.say(f"No {self.kind} matches “{text}”")
            return
        self.on_pick(self.store.get(self.kind, record_id))
        self.completer().popup().hide()  # the list of matches goes with the text
        self.clear()
        # the completer writes the chosen text into the line after "activated"
        QTimer.singleShot(0, self.clear)

    def say(self, message: str):
        """A short note under the picker (and for screen readers, its description)."""
        self.setAccessibleDescription(message)
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), message, self)


def _buttons(*pairs):
    """A row of buttons as wide as their text: push buttons are at least 80 px each,
    which made the form scroll sideways on a 1024×700 screen."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for text, slot in pairs:
        button = QToolButton()
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.StrongFocus)  # Tab reaches it, as it did a push button
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch()
    return row


class UidListField(Field):
    """An ordered list of linked records (affiliations, hosts, sources ...)."""

    def __init__(self, attr, title, store, kind, **kw):
        super().__init__(attr, title, **kw)
        self.store, self.kind = store, kind
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setAccessibleName(f"{title} list")
        # a long citation is cut at the edge (its tooltip has it whole), not scrolled to
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        article = "an" if kind[0] in "aeiou" else "a"
        self.picker = RecordPicker(store, kind, self._add, f"type to add {article} {kind}…")
        self.picker.setAccessibleName(f"Add to {title}")
        delete_key_removes(self.list, self._remove)
        layout.addWidget(self.list)
        buttons = [("Remove", self._remove), ("Up", lambda: self._move(-1)),
                   ("Down", lambda: self._move(1))]
        if kind == "source":
            buttons.insert(0, ("New source…", lambda: self.request_new("source")))
        row = _buttons(*buttons)
        row.insertWidget(0, self.picker, 1)
        layout.addLayout(row)
        self._fit_height()

    def _fit_height(self):
        """As tall as its entries (one to five rows): short lists stay short."""
        rows = min(max(self.list.count(), 1), 5)
        self.list.setFixedHeight(rows * (self.list.fontMetrics().height() + 4) + 6)

    def _item(self, record):
        item = QListWidgetItem(record.display_name())
        item.setToolTip(record.display_name())
        item.setData(Qt.UserRole, record.uid)
        return item

    def add_record(self, record):
        """Append a linked record (picked, or created by the window) as a user edit."""
        self._add(record)

    def _add(self, record):
        if record.uid not in self.get():
            self.list.addItem(self._item(record))
            self._fit_height()
            self.notify()

    def _remove(self):
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._fit_height()
            self.notify()

    def _move(self, step):
        row = self.list.currentRow()
        if 0 <= row + step < self.list.count() and row >= 0:
            item = self.list.takeItem(row)
            self.list.insertItem(row + step, item)
            self.list.setCurrentRow(row + step)
            self.notify()

    def get(self):
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    def set(self, value):
        self.picker.clear()
        with QSignalBlocker(self.list):
            self.list.clear()
            for uid in value or []:
                try:
                    self.list.addItem(self._item(self.store.get_by_uid(self.kind, uid)))
                except Exception:  # a link to a record deleted meanwhile: keep the uid visible
                    item = QListWidgetItem(f"(missing {self.kind} {uid})")
                    item.setData(Qt.UserRole, uid)
                    self.list.addItem(item)
        self._fit_height()

    def focus_widget(self):
        return self.picker


class TableField(Field):
    """Base for the editable tables (participants, positions, memo sections)."""

    headers: list[str] = []

    def __init__(self, attr, title, **kw):
        super().__init__(attr, title, **kw)
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(self.headers)
        self.table.setAccessibleName(title)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(120)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        delete_key_removes(self.table, self._remove)
        self.table.itemChanged.connect(lambda _: self.notify())
        layout.addWidget(self.table)
        self.controls = layout

    def _move(self, step):
        row = self.table.currentRow()
        if row < 0 or not 0 <= row + step < self.table.rowCount():
            return
        values = self.get()
        values.insert(row + step, values.pop(row))
        self.set(values)
        self.table.selectRow(row + step)
        self.notify()

    def _remove(self):
        row = self.table.currentRow()
        if row >= 0:
            values = self.get()
            del values[row]
            self.set(values)
            self.notify()

    def _combo(self, enum, value):
        combo = QComboBox()
        for member in enum:
            combo.addItem(label(member), member.value)
        combo.setCurrentIndex(max(0, combo.findData(value.value)))
        combo.currentIndexChanged.connect(lambda _: self.notify())
        return combo

    def focus_widget(self):
        return self.table


class ParticipantsField(TableField):
    headers = ["Actor", "Side", "Role", "Role in words"]
    row_word = "Participant"
    column_labels = {"actor": "Actor", "side": "Side", "role": "Role",
                     "role_label": "Role in words"}
    keeps_record_problems = True

    def __init__(self, attr, title, store, **kw):
        super().__init__(attr, title, **kw)
        self.store = store
        self.table.setMinimumHeight(220)  # the who's-who deserves room: eight rows show
        self.picker = RecordPicker(store, "actor", self._add, "type a name to add a participant…")
        self.picker.setAccessibleName("Add participant")
        self.controls.addWidget(self.picker)
        self.controls.addLayout(_buttons(("New actor…", lambda: self.request_new("actor")),
                                         ("Remove", self._remove),
                                         ("Up", lambda: self._move(-1)),
                                         ("Down", lambda: self._move(1))))
        self._names: dict[str, str] = {}

    def _add(self, actor, side=""):
        values = self.get()
        if any(p.actor_uid == actor.uid for p in values):
            return
        self._names[actor.uid] = actor.name
        values.append(Participant(actor.uid, side or self.suggest_side(actor),
                                  ParticipantRole.MEMBER))
        self.set(values)
        self.table.setCurrentCell(len(values) - 1, 1)
        self.notify()

    def suggest_side(self, actor) -> str:
        """The actor's own side: as in their latest meeting, the state itself, or the
        state (else first organisation) they are affiliated with. Empty if none is known;
        then the row is flagged until the user types one."""
        if actor.id is not None:
            for meeting in self.store.meetings_of_actor(actor.id):
                if meeting.get("side"):
                    return meeting["side"]
        if actor.kind in (ActorKind.STATE, ActorKind.GROUP):
            return actor.name
        affiliations = []
        for uid in actor.affiliation_uids:
            try:
                affiliations.append(self.store.get_by_uid("actor", uid))
            except Exception:  # an affiliation deleted meanwhile
                continue
        states = [a for a in affiliations if a.kind == ActorKind.STATE]
        chosen = (states or affiliations or [None])[0]
        return chosen.name if chosen is not None else ""

    def problems(self):
        return [f"Participant {row + 1} — Side: required (the delegation "
                f"{self._names.get(p.actor_uid, 'this actor')} sits in)"
                for row, p in enumerate(self.get()) if not p.side.strip()]

    def add_record(self, actor):
        """Add a participant (an actor picked, or created by the window) as a user edit."""
        self._add(actor)

    def get(self):
        out = []
        for row in range(self.table.rowCount()):
            uid = self.table.item(row, 0).data(Qt.UserRole)
            side_item = self.table.item(row, 1)
            combo = self.table.cellWidget(row, 2)
            words = self.table.item(row, 3)
            out.append(Participant(uid, side_item.text() if side_item else "",
                                   ParticipantRole(combo.currentData()),
                                   words.text() if words else ""))
        return out

    def set(self, value):
        value = value or []
        self.picker.clear()
        missing = [p.actor_uid for p in value if p.actor_uid not in self._names]
        if missing:
            self._names.update(self.store.names_for_uids(missing))
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(value))
            for row, participant in enumerate(value):
                name = QTableWidgetItem(self._names.get(participant.actor_uid,
                                                        participant.actor_uid))
                name.setFlags(name.flags() & ~Qt.ItemIsEditable)
                name.setData(Qt.UserRole, participant.actor_uid)
                self.table.setItem(row, 0, name)
                self.table.setItem(row, 1, QTableWidgetItem(participant.side))
                self.table.setCellWidget(row, 2, self._combo(ParticipantRole, participant.role))
                self.table.setItem(row, 3, QTableWidgetItem(participant.role_label))
        self.table.resizeColumnToContents(0)
        if value:  # room for "head of delegation", not "head of dele…"
            self.table.setColumnWidth(2, max(self.table.cellWidget(row, 2).sizeHint().width()
                                             for row in range(len(value))))


class PositionsField(TableField):
    # the date forms go in the header's tooltip: spelt out in the header they were cut
    headers = ["Topic", "Stance", "As of", "Source"]
    AS_OF_FORMS = "As of: a date as 2025-06-02, a month as 2025-06, or a year as 2025"
    row_word = "Position"
    column_labels = {"topic": "Topic", "stance": "Stance", "as_of": "As of",
                     "source": "Source"}
    keeps_record_problems = True

    def __init__(self, attr, title, store, **kw):
        super().__init__(attr, title, **kw)
        self.store = store
        self.controls.addLayout(_buttons(("Add position", self._add), ("Remove", self._remove),
                                         ("Up", lambda: self._move(-1)),
                                         ("Down", lambda: self._move(1))))
        self.bad_dates: list[int] = []
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        # the text columns share the width, so the table never scrolls sideways
        for column, share in ((0, QHeaderView.Stretch), (1, QHeaderView.Stretch),
                              (2, QHeaderView.Fixed), (3, QHeaderView.Stretch)):
            header.setSectionResizeMode(column, share)
        self.table.horizontalHeaderItem(2).setToolTip(self.AS_OF_FORMS)
        # room for "2025-06-02" and for the header itself, in this font
        self.table.setColumnWidth(2, max(self.table.fontMetrics().horizontalAdvance(
            "2025-06-02") + 24, header.sectionSizeFromContents(2).width()))

    def _add(self):
        values = self.get()
        values.append(Position("", ""))
        self.set(values)
        self.table.setCurrentCell(len(values) - 1, 0)
        self.table.editItem(self.table.item(len(values) - 1, 0))
        self.notify()

    def get(self):
        from ..domain import DatePrecision, parse_approx_date
        out = []
        self.bad_dates = []
        for row in range(self.table.rowCount()):
            topic, stance, as_of = (self.table.item(row, c) for c in range(3))
            try:
                date, precision = parse_approx_date(as_of.text().strip() if as_of else "")
            except ValueError:
                date, precision = None, DatePrecision.DAY
                self.bad_dates.append(row + 1)
            combo = self.table.cellWidget(row, 3)
            source = combo.currentData() if combo is not None else None
            out.append(Position(topic.text() if topic else "", stance.text() if stance else "",
                                date, source, precision))
        return out

    def problems(self):
        self.get()
        return [f"Position {row} — As of: not a date (type 2025-06-02, 2025-06 or 2025)"
                for row in self.bad_dates]

    def _source_combo(self, selected: str | None, sources) -> QComboBox:
        combo = QComboBox()
        combo.addItem("—", None)
        for source in sources:
            combo.addItem(source.citation[:80], source.uid)
        index = combo.findData(selected) if selected else 0
        combo.setCurrentIndex(max(0, index))
        combo.currentIndexChanged.connect(lambda _: self.notify())
        return combo

    def set(self, value):
        value = value or []
        sources = self.store.all_records("source") if value else []
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(value))
            for row, position in enumerate(value):
                self.table.setItem(row, 0, QTableWidgetItem(position.topic))
                self.table.setItem(row, 1, QTableWidgetItem(position.stance))
                self.table.setItem(row, 2, QTableWidgetItem(
                    approx_date_text(position.as_of, position.as_of_precision) or ""))
                self.table.setCellWidget(row, 3, self._source_combo(position.source_uid, sources))


class SectionsField(TableField):
    """Memo sections: headings in the table, the selected section's text below it.

    The text gets a real multi-line editor, so paragraph breaks survive editing.
    """

    headers = ["Heading", "Text (edit below)"]
    row_word = "Section"
    column_labels = {"heading": "Heading", "body": "Text"}

    def __init__(self, attr, title, **kw):
        super().__init__(attr, title, **kw)
        self.controls.addLayout(_buttons(("Add section", self._add), ("Remove", self._remove),
                                         ("Up", lambda: self._move(-1)),
                                         ("Down", lambda: self._move(1))))
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setAccessibleName("Text of the selected section")
        self.body.setPlaceholderText("Text of the selected section")
        self.body.setMinimumHeight(100)
        self.body.setEnabled(False)
        self.controls.addWidget(self.body)
        self._bodies: list[str] = []
        self.table.currentCellChanged.connect(lambda row, *_: self._show_body(row))
        self.body.textChanged.connect(self._body_edited)

    def _show_body(self, row):
        with QSignalBlocker(self.body):
            valid = 0 <= row < len(self._bodies)
            self.body.setEnabled(valid)
            self.body.setPlainText(self._bodies[row] if valid else "")

    def _body_edited(self):
        row = self.table.currentRow()
        if 0 <= row < len(self._bodies):
            self._bodies[row] = self.body.toPlainText()
            with QSignalBlocker(self.table):
                self.table.item(row, 1).setText(" ".join(self._bodies[row].split())[:200])
            self.notify()

    def _add(self):
        values = self.get()
        values.append(MemoSection("", ""))
        self.set(values)
        self.table.setCurrentCell(len(values) - 1, 0)
        self.notify()

    def get(self):
        out = []
        for row in range(self.table.rowCount()):
            heading = self.table.item(row, 0)
            out.append(MemoSection(heading.text() if heading else "", self._bodies[row]))
        return out

    def set(self, value):
        value = value or []
        self._bodies = [section.body for section in value]
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(value))
            for row, section in enumerate(value):
                self.table.setItem(row, 0, QTableWidgetItem(section.heading))
                preview = QTableWidgetItem(" ".join(section.body.split())[:200])
                preview.setFlags(preview.flags() & ~Qt.ItemIsEditable)
                self.table.setItem(row, 1, preview)
        self._show_body(self.table.currentRow())


class PhotoField(Field):
    THUMB = 96

    def __init__(self, attr, title, **kw):
        super().__init__(attr, title, **kw)
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.thumb = QLabel("no photo")
        self.thumb.setFixedSize(self.THUMB, int(self.THUMB * 1.25))
        self.thumb.setAlignment(Qt.AlignCenter)
        self.thumb.setStyleSheet("border: 1px solid palette(mid);")
        self.thumb.setAccessibleName("Photo thumbnail")
        layout.addWidget(self.thumb)
        column = QVBoxLayout()
        self.choose = QPushButton("Choose photo…")
        self.choose.clicked.connect(self.choose_file)
        remove = QPushButton("Remove photo")
        remove.clicked.connect(lambda: (self.set(None), self.notify()))
        column.addWidget(self.choose)
        column.addWidget(remove)
        column.addStretch()
        layout.addLayout(column)
        layout.addStretch()
        self._data: bytes | None = None

    def choose_file(self, path: str | None = None):
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self.widget, "Choose a photo", "", "Images (*.jpg *.jpeg *.png *.gif *.webp)")
            if not path:
                return
        self.load_file(path)

    def load_file(self, path: str) -> bool:
        try:
            # not open() and close(): the path may be an open book (paths.hold_book_file)
            data = paths.read_start(path, PHOTO_MAX_BYTES + 1)
        except OSError as exc:
            questions.error(self.widget, f"Cannot read {path}: {exc.strerror}")
            return False
        if len(data) > PHOTO_MAX_BYTES:
            questions.error(self.widget, "The photo is larger than 20 MB.")
            return False
        if image_type(data) is None:
            questions.error(self.widget, f"{path} is not a JPEG, PNG, GIF or WebP image; "
                                         "the photo was not changed.")
            return False
        # refused before Qt decodes it for the thumbnail: a small PNG can claim
        # 12,000 × 12,000 pixels (576 MB decoded)
        trouble = photos.problem(data)
        if trouble is not None:
            questions.error(self.widget, f"The photo {path} {trouble}; the photo was not "
                                         "changed.")
            return False
        self.set(data)
        self.notify()
        return True

    def get(self):
        return self._data

    def set(self, value):
        self._data = value
        if not value:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText("no photo")
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(value):
            self.thumb.setPixmap(pixmap.scaled(self.thumb.size(), Qt.KeepAspectRatio,
                                               Qt.SmoothTransformation))
        else:
            self.thumb.setText("photo")

    def focus_widget(self):
        return self.choose
