"""Printing, print preview, the background preview and the window's size, driven as a user.

The system print dialog is the one thing a test cannot drive: on Linux it may be
a native (GTK/portal) dialog outside Qt's widget tree, and it cannot be shown on
the offscreen platform. The tests stand in for the person at that one dialog by
patching ``QPrintDialog.exec`` to choose "Print to file (PDF)" and press Print;
everything before and after it (shortcuts, menus, the handout's options, the
print job, the progress) is the real window.
"""

import threading

import pypdfium2
import pytest
from gui_user import DialogAnswers, click_kind
from pypdf import PdfReader
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QFileDialog, QMenu

from desktopapp.domain import Actor
from desktopapp.gui import questions
from desktopapp.gui.main_window import KINDS, MainWindow
from desktopapp.gui.preview import PreviewPane
from desktopapp.gui.printing import PrintPreview
from desktopapp.gui.window_size import first_window_geometry
from desktopapp.store import BriefingStore


@pytest.fixture
def window(qtbot, sample_path, monkeypatch):
    store = BriefingStore.open(sample_path)
    win = MainWindow(store)  # closed below, not by qtbot, so the close cannot ask
    win.show()
    qtbot.waitExposed(win)
    yield win
    # a test that failed half-way may leave unsaved edits: closing must not wait on a question
    monkeypatch.setattr(questions, "unsaved_changes", lambda *a: "discard")
    if win.isVisible():
        win.close()


@pytest.fixture
def print_to_file(monkeypatch, tmp_path):
    """Answer the system print dialog with "Print to file" into the returned list's paths."""
    class Printed(list):
        doc_names: list[str] = []  # what the dialog offers as the file's name

    printed = Printed()

    def exec_(dialog):
        # Stands in for the person at the system print dialog (see the module docstring).
        target = tmp_path / f"printed-{len(printed) + 1}.pdf"
        printer = dialog.printer()
        printed.doc_names.append(printer.docName())
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(target))
        printed.append(target)
        return QDialog.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", exec_)
    return printed


def click_menu(qtbot, window, menu_title, item_text):
    """Open a menu of the menu bar with the mouse and click one of its items."""
    bar = window.menuBar()
    entry = next(a for a in bar.actions() if a.text().replace("&", "") == menu_title)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.actionGeometry(entry).center())
    menu = entry.menu()
    qtbot.waitUntil(menu.isVisible)
    item = next(a for a in menu.actions() if a.text().replace("&", "") == item_text)
    assert item.isEnabled(), f"{item_text} is disabled"
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(item).center())


def wait_for_preview(qtbot, window):
    qtbot.waitUntil(lambda: not window.preview.is_rendering() and bool(window.preview.pdf),
                    timeout=20000)


def page_images(path_or_bytes, dpi=30):
    document = pypdfium2.PdfDocument(path_or_bytes)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L").resize((120, 170))
                for page in document]
    finally:
        document.close()


def difference(a, b) -> float:
    """Mean absolute grey-level difference of two page thumbnails (0 = same, 255 = inverse)."""
    return sum(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes(), strict=True)) / (120 * 170)


def add_participant(qtbot, participants, name):
    qtbot.keyClicks(participants.picker, name)
    qtbot.keyClick(participants.picker, Qt.Key_Return)


def test_build_a_meeting_export_its_handout_and_print_it(window, qtbot, tmp_path, monkeypatch,
                                                          print_to_file):
    # a new meeting, typed in the real editor, with three delegates, saved with Ctrl+S
    window.navigator.setCurrentRow(KINDS.index("meeting"))
    page = window.current_page()
    QTest.keySequence(window, "Ctrl+N")
    editor = page.editor
    qtbot.keyClicks(editor.field("title").widget, "Follow-up talks on prisoner exchanges")
    participants = editor.field("participants")
    for name in ("Fomin", "Umerov", "Fidan"):  # each one actor of the book
        add_participant(qtbot, participants, name)
    assert participants.table.rowCount() == 3
    QTest.keySequence(window, "Ctrl+S")
    qtbot.waitUntil(lambda: not editor.is_dirty() and page.selected_id() is not None)
    wait_for_preview(qtbot, window)
    assert "Follow-up talks on prisoner exchanges" in window.preview.caption.text()

    # Export > Handout as PDF…: the options dialog, then the file
    exported = tmp_path / "handout.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(exported), ""))
    dialogs = DialogAnswers(qtbot)
    dialogs.answer("Export")
    dialogs.answer("Close")  # "Wrote handout.pdf … Open it now?"
    click_menu(qtbot, window, "Export", "Handout as PDF…")
    qtbot.waitUntil(exported.exists, timeout=30000)
    dialogs.done()
    handout = PdfReader(exported)
    assert len(handout.pages) == 4  # the meeting card, then one card per delegate
    text = "\n".join(p.extract_text() for p in handout.pages)
    assert "Follow-up talks on prisoner exchanges" in text and "Rustem Umerov" in text

    # Export > Print handout…: same options, then the system print dialog, then the job
    dialogs.answer("Print")
    click_menu(qtbot, window, "Export", "Print handout…")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Sent"),
                    timeout=60000)
    dialogs.done()
    assert window.statusBar().currentMessage().startswith("Sent 4 pages of Handout")
    (printed,) = print_to_file
    reader = PdfReader(printed)
    assert len(reader.pages) == 4
    assert reader.metadata.title == "Handout Follow-up talks on prisoner exchanges"
    # each printed page is the exported page (the print is an image of it), in order
    source, paper = page_images(exported), page_images(printed)
    for number, (want, got) in enumerate(zip(source, paper, strict=True)):
        assert difference(want, got) < 6, f"page {number + 1} differs"
    assert difference(source[0], paper[1]) > 2 * difference(source[0], paper[0])
    # A4 paper at the card's size: 595 × 842 points
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_two_up_handout_prints_two_cards_to_a_landscape_sheet(window, qtbot, print_to_file):
    window.navigator.setCurrentRow(KINDS.index("meeting"))
    page = window.current_page()
    row = next(r for r in range(page.model.rowCount())
               if page.model.index(r, 1).data() == "Russian–Ukrainian talks in Istanbul")
    page.table.selectRow(row)
    dialogs = DialogAnswers(qtbot)

    def two_up(dialog):
        box = next(b for b in dialog.findChildren(QCheckBox) if "Two-up" in b.text())
        qtbot.mouseClick(box, Qt.LeftButton, pos=box.rect().center())
        assert box.isChecked()

    dialogs.answer("Print", fill=two_up)
    QTest.keySequence(window, "Ctrl+Shift+P")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Sent"),
                    timeout=60000)
    reader = PdfReader(print_to_file[0])
    assert len(reader.pages) == 5  # 9 cards, two to a sheet
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape


def test_ctrl_p_prints_every_page_of_the_memo(window, qtbot, print_to_file):
    window.navigator.setCurrentRow(KINDS.index("memo"))
    wait_for_preview(qtbot, window)
    shown = window.preview.pdf
    expected = len(PdfReader(__import__("io").BytesIO(shown)).pages)
    assert expected >= 2
    QTest.keySequence(window, "Ctrl+P")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Sent"),
                    timeout=60000)
    printed = PdfReader(print_to_file[0])
    assert len(printed.pages) == expected
    # the dialog offers "memo After Istanbul….pdf": no quotes in the file's name
    assert print_to_file.doc_names[0].startswith("memo After Istanbul")
    assert "'" not in print_to_file.doc_names[0]
    for want, got in zip(page_images(shown), page_images(print_to_file[0]), strict=True):
        assert difference(want, got) < 6


def test_cancelling_the_print_dialog_prints_nothing(window, qtbot, monkeypatch):
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QDialog.Rejected)
    wait_for_preview(qtbot, window)
    QTest.keySequence(window, "Ctrl+P")
    assert window.statusBar().currentMessage() == "Printing cancelled"


def test_print_preview_shows_the_pages_and_prints_them(window, qtbot, print_to_file):
    window.navigator.setCurrentRow(KINDS.index("memo"))
    wait_for_preview(qtbot, window)
    pages = window.preview.page_count()
    seen = []

    def look(dialog):
        assert isinstance(dialog, PrintPreview)
        seen.append(dialog.page_count())

    dialogs = DialogAnswers(qtbot)
    dialogs.answer("Close", check=look)
    click_menu(qtbot, window, "Export", "Print preview…")
    dialogs.done()
    assert seen == [pages] and pages >= 2
    assert not print_to_file  # closing the preview prints nothing

    dialogs.answer("Print…")
    click_menu(qtbot, window, "Export", "Print preview…")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Sent"),
                    timeout=60000)
    assert len(PdfReader(print_to_file[0]).pages) == pages


def test_preview_discards_a_result_that_arrives_after_a_newer_request(qtbot):
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.resize(500, 700)
    pane.show()
    release = threading.Event()
    import io

    from reportlab.pdfgen import canvas

    from desktopapp.pdf.card import RenderResult

    def pdf_saying(text, pages=1):
        out = io.BytesIO()
        c = canvas.Canvas(out)
        for _ in range(pages):
            c.drawString(72, 720, text)
            c.showPage()
        c.save()
        return RenderResult(pdf=out.getvalue(), pages=pages, warnings=[])

    def slow_old():
        release.wait(10)
        return pdf_saying("old", pages=3)

    shown = []
    pane.rendered.connect(lambda: shown.append(pane.caption.text()))
    pane.render(slow_old, lambda r: "old record", "old")
    qtbot.waitUntil(lambda: pane.worker.busy)  # the old one is being rendered
    pane.render(lambda: pdf_saying("waiting, never started"), lambda r: "skipped", "skipped")
    pane.render(lambda: pdf_saying("new"), lambda r: "new record", "new")
    assert pane.caption.text() == "Rendering…"
    release.set()
    qtbot.waitUntil(lambda: shown == ["new record"], timeout=10000)
    qtbot.wait(200)  # nothing else arrives late
    assert shown == ["new record"]
    assert pane.page_count() == 1 and pane.title == "new"
    pane.shutdown()


def test_preview_starts_its_card_after_the_events_already_waiting(qtbot, monkeypatch):
    # The worker lays the card out in Python: started at once, it would take turns at
    # the interpreter lock with the GUI thread that still has to paint the list.
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    pane = PreviewPane()
    qtbot.addWidget(pane)
    order = []

    class Waiting(QObject):
        def event(self, event):
            if event.type() == QEvent.User:
                order.append("event waiting before")
                return True
            return super().event(event)

    import io

    from reportlab.pdfgen import canvas

    from desktopapp.pdf.card import RenderResult

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "card")
    page.save()
    card = RenderResult(pdf=out.getvalue(), pages=1, warnings=[])
    waiting = Waiting()
    handed = pane.worker.submit
    monkeypatch.setattr(pane.worker, "submit",
                        lambda job: (order.append("card handed to the worker"), handed(job)))
    QCoreApplication.postEvent(waiting, QEvent(QEvent.User))
    pane.render(lambda: card, lambda result: "first card", "first")  # replaced: never started
    pane.render(lambda: card, lambda result: "second card", "second")
    assert order == []  # nothing handed over while the caller is still busy
    with qtbot.waitSignal(pane.rendered, timeout=10000):
        pass
    assert order == ["event waiting before", "card handed to the worker"]
    assert pane.caption.text() == "second card" and pane.page_count() == 1
    pane.shutdown()


def test_a_huge_biography_renders_while_the_window_keeps_responding(window, qtbot):
    text = ("The *delegation* met **twice** in Istanbul and agreed on an exchange. " * 700)
    window.store.save(Actor(name="Aaron Long-Biography", biography=text[:50_000]))
    page = window.current_page()
    page.model.reload()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(window.preview.is_rendering()))
    timer.start(10)
    page.table.selectRow(0)  # the list is sorted by name: Aaron comes first
    assert page.editor.record_loaded().name == "Aaron Long-Biography"
    assert window.preview.caption.text() == "Rendering…"
    wait_for_preview(qtbot, window)
    timer.stop()
    # The event loop ran while the card was being laid out (laid out on the GUI
    # thread, the timer could only fire after it, when nothing is rendering any more).
    # One tick is the proof: how many fit in depends on the machine's load.
    assert True in ticks, ticks
    assert "Aaron Long-Biography" in window.preview.caption.text()


def test_first_window_fits_the_screen():
    # 1600×1000 at 150 % scaling leaves about 1066×640 device-independent pixels
    small = QRect(0, 26, 1066, 640)
    geometry = first_window_geometry(small)
    assert small.contains(geometry)
    big = QRect(0, 0, 2560, 1400)
    assert first_window_geometry(big).size().toTuple() == (1400, 860)


def test_window_starts_inside_the_screen_with_spare_width_for_titles(window):
    available = window.screen().availableGeometry()
    assert available.contains(window.geometry())
    window.resize(available.width(), window.height())
    meetings = window.pages["meeting"]
    window.navigator.setCurrentRow(KINDS.index("meeting"))
    QApplication.processEvents()
    header = meetings.table.horizontalHeader()
    title, status = 1, 3
    assert header.sectionSize(title) > header.sectionSize(status)


def test_start_up_queries_only_the_shown_list_and_each_page_once(qtbot, sample_path,
                                                                  monkeypatch):
    store = BriefingStore.open(sample_path)
    monkeypatch.setattr(store, "count", lambda kind: pytest.fail("count(*) at start-up"))
    queried = []
    list_summaries = store.list_summaries

    def counted(kind, **options):
        queried.append((kind, options.get("offset", 0)))
        return list_summaries(kind, **options)

    monkeypatch.setattr(store, "list_summaries", counted)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    assert queried == [("actor", 0)]  # the other kinds' lists wait until they are shown
    assert win.current_page().model.rowCount() == 38
    assert [page.kind for page in win.pages.made()] == ["actor"]  # their forms too
    click_kind(qtbot, win, "Meetings")
    assert queried == [("actor", 0), ("meeting", 0)]
    assert [page.kind for page in win.pages.made()] == ["actor", "meeting"]
    assert win.current_page().model.rowCount() == 7
    click_kind(qtbot, win, "Actors")
    click_kind(qtbot, win, "Meetings")
    assert queried == [("actor", 0), ("meeting", 0)]  # shown again: not queried again
    win.close()


def test_help_lists_shortcuts_and_opens_the_user_guide(window, qtbot):
    found = {}

    def shortcuts(dialog):
        from PySide6.QtWidgets import QTableWidget
        table = dialog.findChild(QTableWidget)
        rows = {(table.item(r, 1).text(), table.item(r, 2).text())
                for r in range(table.rowCount())}
        found["shortcuts"] = rows

    def guide(dialog):
        from PySide6.QtWidgets import QTextBrowser
        found["guide"] = dialog.findChild(QTextBrowser).toPlainText()

    dialogs = DialogAnswers(qtbot)
    dialogs.answer("Close", check=shortcuts)
    click_menu(qtbot, window, "Help", "Keyboard shortcuts")
    dialogs.done()
    assert ("Ctrl+P", "Print") in found["shortcuts"]
    assert ("Ctrl+Shift+P", "Print handout") in found["shortcuts"]
    assert ("Ctrl+S", "Save") in found["shortcuts"]
    dialogs.answer("Close", check=guide)
    window.activateWindow()  # the offscreen platform does not hand focus back after a dialog
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key_F1)
    dialogs.done()
    assert "Printing" in found["guide"] and "two-up" in found["guide"]
    assert isinstance(window.menuBar().actions()[0].menu(), QMenu)


def test_spare_width_goes_to_titles_and_short_width_is_taken_from_the_others_first():
    from desktopapp.gui.window_size import column_widths
    natural, least = [100, 200, 80, 150, 200], [80, 100, 60, 60, 110]
    wide = column_widths(natural, least, {0, 3}, 900)
    assert wide == [185, 200, 80, 235, 200]  # 170 spare shared by the name and title
    short = column_widths(natural, least, {0, 3}, 590)
    assert sum(short) == 590
    assert short[0] == 100 and short[3] == 150  # names and titles keep their width
    assert column_widths(natural, least, {0, 3}, 300) == least  # never below the headers
