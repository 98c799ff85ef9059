"""The window on a team book (a real PostgreSQL server, tests/pg_server.py), driven as a user:
File > Connect to team book…, colleagues' saves appearing, conflicts, a read-only role,
a connection that breaks. Waits are generous and nothing measures time: a busy machine
only makes them slower.
"""

import pytest
from gui_user import (
    Script,
    back_to,
    button_text,
    click_button,
    click_kind,
    click_row,
    modal,
    open_team_window,
    press,
    row_of,
    type_text,
    wait_for_preview,
)
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
)
from test_team_book import grant_reader

from desktopapp.domain import Actor
from desktopapp.gui.connect_dialog import ConnectDialog
from desktopapp.gui.main_window import OPEN_WINDOWS
from desktopapp.gui.team_books import recent_team_books, remember_team_book
from desktopapp.store.postgres import TeamStore, schema

WAIT = 15000  # ms: generous, for a loaded machine; never a measure of speed


@pytest.fixture
def windows(qapp, unanswered):
    """Closes every window a test opened (connecting replaces the window with a new one)."""
    yield
    for win in list(OPEN_WINDOWS):
        for page in win.pages.values():
            page.editor.undo_stack.setClean()
        win.close()


@pytest.fixture
def team_window(qtbot, team_sample_url, windows):
    return open_team_window(qtbot, team_sample_url)


def dbname_of(url):
    return url.rsplit("/", 1)[1]


def cut_off(postgres_server, dbname):
    """The book's database stops taking connections, and drops those it has (an outage)."""
    postgres_server.admin(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS false")
    postgres_server.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", dbname)


def replace_text(qtbot, line, text):
    line.setFocus()
    press(line, QKeySequence.SelectAll)
    qtbot.keyClick(line, Qt.Key_Delete)
    qtbot.keyClicks(line, text)


def fill_connection(qtbot, server, port, database, user, enter=False):
    """Type into the four fields, then click Connect (or press Enter in the last)."""
    def fill():
        dialog = modal(ConnectDialog)
        for name, text in (("Server", server), ("Port", str(port)), ("Database", database),
                           ("User name", user)):
            line = next(w for w in dialog.findChildren(QLineEdit) if w.accessibleName() == name)
            replace_text(qtbot, line, text)
        if enter:
            qtbot.keyClick(line, Qt.Key_Return)
        else:
            click_button(qtbot, dialog, "Connect")
    return fill


def problem_shown(containing):
    """A condition: the Connect dialog shows a problem containing the text (any case)."""
    def shown():
        dialog = modal(ConnectDialog)
        label = dialog and next(lab for lab in dialog.findChildren(QLabel)
                                if lab.accessibleName() == "Connection problem")
        return bool(label) and label.isVisible() and containing.lower() in label.text().lower()
    return shown


def shown_in_full(dialog) -> bool:
    """Nothing squeezed or cut: every field at least as tall as it needs to be, and the
    problem's label tall enough for all of its wrapped lines."""
    dialog.layout().activate()
    fields = [w for w in dialog.findChildren(QLineEdit) if w.isVisible()]
    label = dialog.error
    return (all(f.height() >= f.minimumSizeHint().height() for f in fields)
            and label.height() >= label.heightForWidth(label.width()))


def cancel(qtbot):
    return lambda: click_button(qtbot, modal(ConnectDialog), "Cancel")


def new_window(old):
    others = [w for w in OPEN_WINDOWS if w is not old and w.isVisible()]
    return others[0] if len(others) == 1 else None


def settings_text(home) -> str:
    QSettings().sync()
    return "\n".join(p.read_text(errors="replace") for p in (home / "qsettings").rglob("*")
                     if p.is_file())


# --- connecting --------------------------------------------------------------------------

def test_connect_by_typing_then_reconnect_from_the_recent_list(
        qtbot, window, windows, team_sample_url, postgres_server, private_home):
    script = Script(qtbot)
    script.when(lambda: modal(ConnectDialog),
                fill_connection(qtbot, "127.0.0.1", postgres_server.port,
                                dbname_of(team_sample_url), "analyst", enter=True))
    press(window, "Ctrl+Shift+O")  # File > Connect to team book…
    script.done()
    qtbot.waitUntil(lambda: new_window(window) is not None, timeout=WAIT)
    team = new_window(window)
    assert not window.isVisible()  # replaced, as File > Open does
    assert team.windowTitle().startswith(
        f"Team book {dbname_of(team_sample_url)} on 127.0.0.1:{postgres_server.port} —")
    status = {w.accessibleName(): w.text() for w in team.statusBar().findChildren(QLabel)}
    assert status["Connection"] == f"Team book: {team_sample_url}"
    page = team.current_page()
    row_of(page.table, "Recep Tayyip Erdoğan")  # the team book's records in the list
    assert page.model.rowCount() == 38
    assert recent_team_books(QSettings()) == [team_sample_url]

    # the recent list offers it again: a click, Connect
    script = Script(qtbot)

    def pick_recent():
        dialog = modal(ConnectDialog)
        recent = dialog.recent
        assert [recent.item(i).text() for i in range(recent.count())] == [team_sample_url]
        qtbot.mouseClick(recent.viewport(), Qt.LeftButton,
                         pos=recent.visualItemRect(recent.item(0)).center())
        assert dialog.database.text() == dbname_of(team_sample_url)
        click_button(qtbot, dialog, "Connect")

    script.when(lambda: modal(ConnectDialog), pick_recent)
    back_to(qtbot, team)
    press(team, "Ctrl+Shift+O")
    script.done()
    qtbot.waitUntil(lambda: new_window(team) is not None and not team.isVisible(),
                    timeout=WAIT)
    assert "analyst-secret" not in settings_text(private_home)


def test_a_whole_address_typed_into_server_is_used(qtbot, window, windows, team_sample_url):
    """Typed key by key, 'postgresql://a' was spread over the fields at once and the
    rest of the address went into Server alone ('Database: required')."""
    seen = {}
    script = Script(qtbot)

    def type_address():
        dialog = modal(ConnectDialog)
        dialog.server.setFocus()
        press(dialog.server, QKeySequence.SelectAll)  # a recent book may be filled in
        qtbot.keyClicks(dialog.server, team_sample_url)
        seen["typed"] = dialog.server.text()
        qtbot.keyClick(dialog.server, Qt.Key_Return)  # Enter: spread, and Connect
        seen["fields"] = (dialog.server.text(), dialog.port.text(), dialog.database.text(),
                          dialog.user.text())

    script.when(lambda: modal(ConnectDialog), type_address)
    press(window, "Ctrl+Shift+O")
    script.done()
    qtbot.waitUntil(lambda: new_window(window) is not None, timeout=WAIT)
    assert seen["typed"] == team_sample_url
    port = team_sample_url.rsplit(":", 1)[1].split("/")[0]
    assert seen["fields"] == ("127.0.0.1", port, dbname_of(team_sample_url), "analyst")
    assert new_window(window).windowTitle().startswith(
        f"Team book {dbname_of(team_sample_url)} on 127.0.0.1:{port}")


def test_connection_problems_are_told_in_words(qtbot, window, windows, postgres_server,
                                               team_book_url, monkeypatch):
    port = postgres_server.port
    foreign = postgres_server.new_database()
    postgres_server.admin("CREATE TABLE invoices (id int)", dbname=foreign)
    newer = postgres_server.new_database()
    TeamStore.open(postgres_server.url(newer), create=True).close()
    postgres_server.admin("INSERT INTO briefing_schema VALUES (%s, 'from the future', 'x')",
                          schema.known_version() + 1, dbname=newer)
    closed_port = port + 1 if port < 65535 else port - 1
    script = Script(qtbot)
    seen = []

    def note():
        seen.append(modal(ConnectDialog).error.text())

    script.when(lambda: modal(ConnectDialog),
                fill_connection(qtbot, "", "54x", "", "analyst"))
    script.when(problem_shown("Port:"), note)
    script.when(lambda: True, fill_connection(qtbot, "127.0.0.1", closed_port, "briefing",
                                              "analyst"))
    script.when(problem_shown("cannot reach the database server"), note)

    def wrong_password():
        monkeypatch.setenv("PGPASSWORD", "not-the-password")  # libpq prefers it to ~/.pgpass
        fill_connection(qtbot, "127.0.0.1", port, dbname_of(team_book_url), "analyst")()

    script.when(lambda: True, wrong_password)
    script.when(problem_shown("refused the login"), note)

    def right_password_foreign_database():
        monkeypatch.delenv("PGPASSWORD")
        fill_connection(qtbot, "127.0.0.1", port, foreign, "analyst")()

    script.when(lambda: True, right_password_foreign_database)
    script.when(problem_shown("is not a briefing book"), note)
    script.when(lambda: True, fill_connection(qtbot, "127.0.0.1", port, newer, "analyst"))
    script.when(problem_shown("newer than this program"), note)
    script.when(lambda: True, cancel(qtbot))
    press(window, "Ctrl+Shift+O")
    script.done()
    assert seen[0].splitlines() == [
        "Server: required (the database server's name or address)",
        "Port: “54x” is not a port number (1 to 65535; usually 5432)",
        "Database: required (the team book's database, e.g. briefing)"]
    assert "Is the server running, and are host and port right?" in seen[1]
    assert "Check the user name, and the password in ~/.pgpass" in seen[2]
    assert "left untouched" in seen[3] and "left untouched" in seen[4]
    assert window.isVisible() and new_window(window) is None  # still on its own book
    assert postgres_server.admin("SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                                 dbname=foreign) == [("invoices",)]


# --- a server that is down ----------------------------------------------------------------

def bring_back(postgres_server, dbname):
    postgres_server.admin(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS true")


def test_briefing_desk_on_a_team_book_whose_server_is_down_offers_to_try_again(
        qtbot, windows, team_sample_url, postgres_server):
    from desktopapp.gui import app
    dbname = dbname_of(team_sample_url)
    cut_off(postgres_server, dbname)
    boxes, seen = [], []

    def new_box():
        box = modal(QMessageBox)
        return box if box is not None and all(box is not old for old in boxes) else None

    def answer(back: bool):
        def click():
            box = new_box()
            boxes.append(box)
            seen.append((box.text(), [b.text() for b in box.buttons()]))
            if back:
                bring_back(postgres_server, dbname)
            click_button(qtbot, box, "Retry")
        return click

    script = Script(qtbot)
    script.when(new_box, answer(back=False))  # still down: asked again
    script.when(new_box, answer(back=True))
    win = app.start(team_sample_url)  # what briefing-desk --db URL does
    script.done()
    assert len(seen) == 2
    text, buttons = seen[0]
    assert "cannot reach the database server" in text and "Try again" in text
    assert buttons == ["&Retry", "&Open another book…", "Connect to &team book…", "&Close"]
    assert win is not None and win.isVisible()
    assert win.windowTitle().startswith(f"Team book {dbname} on 127.0.0.1:")
    assert click_kind(qtbot, win, "Meetings").model.rowCount() == 7
    assert recent_team_books(QSettings())[0] == team_sample_url


def test_briefing_desk_with_the_server_down_may_open_another_team_book_or_give_up(
        qtbot, windows, team_sample_url, team_book_url, postgres_server):
    from desktopapp.gui import app
    cut_off(postgres_server, dbname_of(team_book_url))
    script = Script(qtbot)
    script.when(lambda: modal(QMessageBox),
                lambda: click_button(qtbot, modal(QMessageBox), "Connect to team book…"))

    def another_database():
        dialog = modal(ConnectDialog)
        assert dialog.database.text() == dbname_of(team_book_url)  # the book that failed
        replace_text(qtbot, dialog.database, dbname_of(team_sample_url))
        click_button(qtbot, dialog, "Connect")

    script.when(lambda: modal(ConnectDialog), another_database)
    win = app.start(team_book_url)
    script.done()
    assert win.windowTitle().startswith(f"Team book {dbname_of(team_sample_url)} on ")
    # and Close gives up: the program ends without a window
    script = Script(qtbot)
    script.when(lambda: modal(QMessageBox),
                lambda: click_button(qtbot, modal(QMessageBox), "Close"))
    assert app.start(team_book_url) is None
    script.done()


def test_a_recent_team_book_whose_server_is_down_offers_retry_in_the_dialog(
        qtbot, window, windows, team_sample_url, postgres_server):
    dbname = dbname_of(team_sample_url)
    remember_team_book(window.settings, team_sample_url)
    cut_off(postgres_server, dbname)
    script = Script(qtbot)

    def connect_to_recent():
        dialog = modal(ConnectDialog)
        assert dialog.database.text() == dbname  # the last team book, filled in
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Return)

    def retry_once_back():
        dialog = modal(ConnectDialog)
        assert "Retry, or choose another team book." in dialog.error.text()
        assert button_text(dialog.connect_button) == "Retry"
        bring_back(postgres_server, dbname)
        click_button(qtbot, dialog, "Retry")

    script.when(lambda: modal(ConnectDialog), connect_to_recent)
    script.when(problem_shown("cannot reach the database server"), retry_once_back)
    press(window, "Ctrl+Shift+O")
    script.done()
    qtbot.waitUntil(lambda: new_window(window) is not None, timeout=WAIT)
    assert new_window(window).windowTitle().startswith(f"Team book {dbname} on ")


def test_the_retry_button_connects_to_what_the_fields_say_once_changed(
        qtbot, window, windows, team_sample_url, team_book_url, postgres_server):
    cut_off(postgres_server, dbname_of(team_book_url))
    script = Script(qtbot)
    script.when(lambda: modal(ConnectDialog),
                fill_connection(qtbot, "127.0.0.1", postgres_server.port,
                                dbname_of(team_book_url), "analyst"))

    def another():
        dialog = modal(ConnectDialog)
        replace_text(qtbot, dialog.database, dbname_of(team_sample_url))
        assert button_text(dialog.connect_button) == "Connect"
        click_button(qtbot, dialog, "Connect")

    script.when(problem_shown("Retry, or choose another team book"), another)
    press(window, "Ctrl+Shift+O")
    script.done()
    qtbot.waitUntil(lambda: new_window(window) is not None, timeout=WAIT)
    assert new_window(window).windowTitle().startswith(
        f"Team book {dbname_of(team_sample_url)} on ")


def test_a_wrong_connection_option_or_service_is_named_in_the_window(
        qtbot, window, windows, team_sample_url, monkeypatch, tmp_path):
    from desktopapp.gui import app
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "pg_service.conf"))
    (tmp_path / "pg_service.conf").write_text("[other]\nhost=127.0.0.1\n")
    seen = []
    script = Script(qtbot)

    def paste(url):
        def fill():  # pasted whole
            dialog = modal(ConnectDialog)
            QApplication.clipboard().setText(url)
            dialog.server.setFocus()
            press(dialog.server, QKeySequence.SelectAll)
            press(dialog.server, QKeySequence.Paste)
            click_button(qtbot, dialog, "Connect")
        return fill

    def note():
        seen.append(modal(ConnectDialog).error.text())

    script.when(lambda: modal(ConnectDialog), paste(team_sample_url + "?sslmode=bogus"))
    script.when(problem_shown("sslmode"), note)
    script.when(lambda: True, paste("postgresql://?service=briefing"))
    script.when(problem_shown("service 'briefing'"), note)
    script.when(lambda: True, cancel(qtbot))
    press(window, "Ctrl+Shift+O")
    script.done()
    assert seen[0].startswith("The connection option sslmode has an invalid value 'bogus'")
    assert seen[1].startswith("Service 'briefing' is not defined in the service file")
    assert not any("cannot reach" in text or "Retry" in text for text in seen)
    # at start (briefing-desk --db URL): said as it is, and no Retry for a mistake
    buttons = []
    script = Script(qtbot)

    def close_box():
        box = modal(QMessageBox)
        buttons.extend(button_text(b) for b in box.buttons())
        assert "the connection option sslmode has an invalid value 'bogus'" in box.text()
        click_button(qtbot, box, "Close")

    script.when(lambda: modal(QMessageBox), close_box)
    assert app.start(team_sample_url + "?sslmode=bogus") is None
    script.done()
    assert "Retry" not in buttons


def test_an_empty_database_is_offered_a_new_team_book(qtbot, window, windows, postgres_server,
                                                      team_book_url):
    script = Script(qtbot)
    asked = []

    def create():
        box = modal(QMessageBox)
        asked.append(box.text())
        click_button(qtbot, box, "Create team book")

    script.when(lambda: modal(ConnectDialog),
                fill_connection(qtbot, "127.0.0.1", postgres_server.port,
                                dbname_of(team_book_url), "analyst"))
    script.when(lambda: modal(QMessageBox), create)
    press(window, "Ctrl+Shift+O")
    script.done()
    qtbot.waitUntil(lambda: new_window(window) is not None, timeout=WAIT)
    assert "is empty" in asked[0] and "Create a new, empty team book" in asked[0]
    team = new_window(window)
    assert team.current_page().editor.hint.text() == "No actors yet — New record (Ctrl+N)"
    with TeamStore.open(team_book_url) as store:
        assert store.is_empty()


def test_a_password_asked_for_is_used_and_never_written(
        qtbot, window, windows, team_sample_url, postgres_server, private_home,
        tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))  # no ~/.pgpass, no PGPASSWORD
    monkeypatch.delenv("PGPASSWORD", raising=False)
    script = Script(qtbot)
    prompts = []

    def answer(password):
        def typed():
            prompt = modal(QInputDialog)
            prompts.append(prompt.labelText())
            type_text(prompt.findChild(QLineEdit), password)
            click_button(qtbot, prompt, "Connect")
        return typed

    script.when(lambda: modal(ConnectDialog),
                fill_connection(qtbot, "127.0.0.1", postgres_server.port,
                                dbname_of(team_sample_url), "analyst"))
    script.when(lambda: modal(QInputDialog), answer("guessed-wrong"))
    def look_then_retry():
        dialog = modal(ConnectDialog)
        laid_out.append(shown_in_full(dialog))
        click_button(qtbot, dialog, "Connect")

    laid_out = []
    script.when(problem_shown("The password you typed was refused"), look_then_retry)
    script.when(lambda: modal(QInputDialog), answer("analyst-secret"))
    press(window, "Ctrl+Shift+O")
    script.done()
    qtbot.waitUntil(lambda: new_window(window) is not None, timeout=WAIT)
    assert "never saved" in prompts[0] and len(prompts) == 2
    assert laid_out == [True]  # after the refusal: fields at full height, the whole message
    team = new_window(window)
    assert team.current_page().model.rowCount() == 38
    # the typed password also serves the listener: a colleague's save is heard
    with TeamStore.open(team_sample_url, password="analyst-secret", analyst="Anna") as anna:
        anna.save(Actor(name="Hakan Fidan"))
    qtbot.waitUntil(lambda: "Anna changed the book" in team.statusBar().currentMessage(),
                    timeout=WAIT)
    text = settings_text(private_home)
    assert team_sample_url in text and "analyst-secret" not in text
    assert "guessed-wrong" not in text


def test_recent_team_books_never_keep_a_password(qapp):
    settings = QSettings()
    remember_team_book(settings, "postgresql://anna:her-secret@db:5432/briefing?password=x"
                                 "&sslmode=require")
    assert recent_team_books(settings) == ["postgresql://anna@db:5432/briefing?sslmode=require"]


# --- live refresh --------------------------------------------------------------------------

def test_a_colleagues_save_reaches_the_list_and_a_clean_editor(qtbot, team_window,
                                                               team_sample_url):
    page = click_kind(qtbot, team_window, "Actors")
    click_row(qtbot, page.table, "Vladimir Medinsky")
    editor = page.editor
    assert team_window.act_changed_by.isChecked()  # team books record who: shown
    with TeamStore.open(team_sample_url, analyst="Anna Kowalska") as anna:
        medinsky = anna.get_actor(editor.record_loaded().id)
        medinsky.title = "Aide to the President (Anna)"
        anna.save(medinsky)
    qtbot.waitUntil(lambda: editor.field("title").get() == "Aide to the President (Anna)",
                    timeout=WAIT)
    row = row_of(page.table, "Vladimir Medinsky")
    model = page.table.model()
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert model.index(row, headers.index("Title")).data() == "Aide to the President (Anna)"
    assert model.index(row, headers.index("Changed by")).data() == "Anna Kowalska"
    assert "Anna Kowalska changed the book" in team_window.statusBar().currentMessage()
    assert "*" not in team_window.windowTitle()

    # View > Show "Changed by" column off: gone from the lists, and remembered
    team_window.act_changed_by.trigger()
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert "Changed by" not in headers
    assert QSettings().value("lists/changed_by_team", type=bool) is False
    assert editor.record_loaded().name == "Vladimir Medinsky"  # the editor kept its record


def test_a_colleagues_save_under_unsaved_edits_gets_the_merge(qtbot, team_window,
                                                              team_sample_url, dialogs):
    page = click_kind(qtbot, team_window, "Actors")
    click_row(qtbot, page.table, "Vladimir Medinsky")
    editor = page.editor
    title = editor.field("title").widget
    qtbot.mouseClick(title, Qt.LeftButton)
    press(title, QKeySequence.SelectAll)
    qtbot.keyClicks(title, "Adviser (mine)")
    with TeamStore.open(team_sample_url, analyst="Boris") as boris:
        medinsky = boris.get_actor(editor.record_loaded().id)
        medinsky.title, medinsky.biography = "Adviser (Boris)", "Boris wrote this."
        boris.save(medinsky)
    qtbot.waitUntil(lambda: "changed elsewhere" in team_window.statusBar().currentMessage(),
                    timeout=WAIT)
    assert title.text() == "Adviser (mine)"  # unsaved work is never replaced
    shown = {}

    def look(dialog):  # field, yours, the book's
        table = dialog.findChild(QTableWidget)
        for row in range(table.rowCount()):
            shown[table.item(row, 0).text()] = (table.item(row, 1).text(),
                                                table.item(row, 2).text())

    dialogs.answer("Save merged", fill=look)
    press(title, QKeySequence.Save)
    dialogs.done()
    assert shown["Title or role"] == ("Adviser (mine)", "Adviser (Boris)")
    stored = team_window.store.get_actor(editor.record_loaded().id)
    assert (stored.title, stored.biography) == ("Adviser (mine)", "Boris wrote this.")
    assert team_window.store.changed_by_of("actor", stored.id)[0] == "analyst"


def test_a_broken_connection_is_shown_edits_kept_and_it_reconnects(
        qtbot, team_window, team_sample_url, postgres_server, dialogs):
    page = click_kind(qtbot, team_window, "Actors")
    click_row(qtbot, page.table, "Vladimir Medinsky")
    title = page.editor.field("title").widget
    qtbot.mouseClick(title, Qt.LeftButton)
    press(title, QKeySequence.SelectAll)
    qtbot.keyClicks(title, "Unsaved work")
    connection = next(w for w in team_window.statusBar().findChildren(QLabel)
                      if w.accessibleName() == "Connection")
    shown_when_lost = []  # connected after the window's own slot: sees what it showed
    team_window.book_listener.lost.connect(lambda _: shown_when_lost.append(connection.text()))
    dbname = dbname_of(team_sample_url)
    with qtbot.waitSignal(team_window.book_listener.lost, timeout=WAIT):
        cut_off(postgres_server, dbname)
    assert shown_when_lost == ["Team book: connection lost — reconnecting… "
                               "(your unsaved changes are kept)"]
    assert "connection lost" in connection.text()
    dialogs.answer("OK")
    press(title, QKeySequence.Save)  # refused at once, the edits stay
    dialogs.done()
    assert "Not saved: the connection to the team book is lost" in dialogs.seen[0]
    back_to(qtbot, team_window)
    assert title.text() == "Unsaved work" and "*" in team_window.windowTitle()
    postgres_server.admin(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS true")
    # the server is back: the window reconnects by itself and reads the book again
    qtbot.waitUntil(lambda: connection.text() == f"Team book: {team_sample_url}", timeout=WAIT)
    assert title.text() == "Unsaved work" and "*" in team_window.windowTitle()
    press(title, QKeySequence.Save)  # no stale pooled connection: the save goes through
    qtbot.waitUntil(lambda: "*" not in team_window.windowTitle(), timeout=WAIT)
    with TeamStore.open(team_sample_url) as other:
        assert other.get_actor(page.editor.record_loaded().id).title == "Unsaved work"
        other.save(Actor(name="Heard After Reconnecting"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 39, timeout=WAIT)  # heard again
    row_of(page.table, "Heard After Reconnecting")


def test_with_the_server_gone_another_row_says_so_and_keeps_the_editors_record(
        qtbot, team_window, team_sample_url, postgres_server):
    page = click_kind(qtbot, team_window, "Actors")
    click_row(qtbot, page.table, "Vladimir Medinsky")
    assert page.editor.record_loaded().name == "Vladimir Medinsky"
    dbname = dbname_of(team_sample_url)
    with qtbot.waitSignal(team_window.book_listener.lost, timeout=WAIT):
        cut_off(postgres_server, dbname)
    try:
        click_row(qtbot, page.table, "Hakan Fidan")
        # said when the click is handled, not after the connection pool gives up
        assert "server cannot be reached" in team_window.statusBar().currentMessage()
        assert "Vladimir Medinsky" in team_window.statusBar().currentMessage()
        # the list selects the record the editor shows, never another one's row
        assert page.editor.record_loaded().name == "Vladimir Medinsky"
        assert page.selected_id() == page.editor.record_loaded().id
        click_kind(qtbot, team_window, "Meetings")  # a list not read yet: not waited for
        assert "server cannot be reached" in team_window.statusBar().currentMessage()
        click_kind(qtbot, team_window, "Actors")
        qtbot.mouseClick(page.filter, Qt.LeftButton)
        type_text(page.filter, "fidan")
        qtbot.waitUntil(lambda: "Not filtered yet" in team_window.statusBar().currentMessage(),
                        timeout=WAIT)
        assert page.model.rowCount() == 38  # the list as it was
    finally:
        postgres_server.admin(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS true")
    qtbot.waitUntil(lambda: not team_window.connection_lost(), timeout=WAIT)
    # back: the filter typed meanwhile is applied, and the row is read as usual
    qtbot.waitUntil(lambda: page.model.filter_text() == "fidan", timeout=WAIT)
    assert page.model.rowCount() == 1
    click_row(qtbot, page.table, "Hakan Fidan")
    assert page.editor.record_loaded().name == "Hakan Fidan"
    assert page.selected_id() == page.editor.record_loaded().id


def test_a_list_first_shown_while_the_server_was_gone_is_read_when_it_is_back(
        qtbot, team_window, team_sample_url, postgres_server):
    click_kind(qtbot, team_window, "Actors")
    dbname = dbname_of(team_sample_url)
    with qtbot.waitSignal(team_window.book_listener.lost, timeout=WAIT):
        cut_off(postgres_server, dbname)
    try:
        meetings = click_kind(qtbot, team_window, "Meetings")
        assert meetings.model.rowCount() == 0
        assert "server cannot be reached" in team_window.statusBar().currentMessage()
    finally:
        postgres_server.admin(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS true")
    # back: the meetings are listed and the first one is in the editor (it said
    # "No meetings yet" until another kind was clicked and this one again)
    qtbot.waitUntil(lambda: meetings.model.rowCount() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: meetings.editor.record_loaded() is not None, timeout=WAIT)
    assert meetings.editor.record_loaded().kind_name == "meeting"
    assert meetings.selected_id() == meetings.editor.record_loaded().id


# --- read-only role -------------------------------------------------------------------------

def test_a_read_only_role_browses_searches_previews_but_cannot_edit(
        qtbot, windows, team_sample_url, postgres_server):
    grant_reader(postgres_server, team_sample_url)
    win = open_team_window(qtbot, team_sample_url.replace("analyst@", "reader@"))
    assert "(read-only)" in win.windowTitle()
    banner = next(w for w in win.statusBar().findChildren(QLabel)
                  if w.accessibleName() == "Read-only")
    assert banner.isVisible()
    assert banner.text() == "Read-only: the database role 'reader' may only read this book"
    page = click_kind(qtbot, win, "Actors")
    qtbot.keyClicks(page.filter, "erdogan")  # search works
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    click_row(qtbot, page.table, "Recep Tayyip Erdoğan")
    wait_for_preview(qtbot, win)  # the card previews, so it prints
    assert win.act_print.isEnabled() and win.act_card.isEnabled()
    for action in (win.act_new, win.act_save, win.act_delete, win.act_import,
                   win.act_settings):
        assert not action.isEnabled(), action.text()
    assert not page.save_button.isVisible()
    title = page.editor.field("title").widget
    before = title.text()
    qtbot.mouseClick(title, Qt.LeftButton)
    qtbot.keyClicks(title, "typed anyway")
    assert title.text() == before and "*" not in win.windowTitle()
    press(page.table, QKeySequence.New)  # Ctrl+N: nothing to make
    assert page.editor.record_loaded().name == "Recep Tayyip Erdoğan"
    kind = page.editor.field("kind").widget
    assert not kind.isEnabled()
    # nothing can be unsaved, so there is nothing to preview before saving
    assert not win.act_preview_changes.isEnabled()
    shown = win.preview.pdf
    press(page.table, "Ctrl+R")
    assert win.preview.pdf is shown and not modal(QMessageBox)
    # an empty list offers nothing to make either
    page.filter.setFocus()
    press(page.filter, QKeySequence.SelectAll)
    qtbot.keyClicks(page.filter, "zzqx")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0 and page.editor.hint.isVisible(),
                    timeout=WAIT)
    assert page.editor.hint.text() == "No actors match “zzqx” (the book is read-only)"
    memos = click_kind(qtbot, win, "Memos")
    qtbot.keyClicks(memos.filter, "zzqx")
    qtbot.waitUntil(lambda: memos.model.rowCount() == 0 and memos.editor.hint.isVisible(),
                    timeout=WAIT)
    assert "New record" not in memos.editor.hint.text()
    assert not [b.text() for b in memos.editor.findChildren(QAbstractButton)
                if b.isVisible() and b.isEnabled()]
    page = click_kind(qtbot, win, "Actors")
    press(page.filter, QKeySequence.SelectAll)
    qtbot.keyClicks(page.filter, "erdogan")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    click_row(qtbot, page.table, "Recep Tayyip Erdoğan")
    qtbot.waitUntil(lambda: page.editor.record_loaded() is not None, timeout=WAIT)
    assert not [b.text() for b in page.editor.findChildren(QAbstractButton)
                if b.isVisible() and b.isEnabled()]
    # a colleague's save still reaches the reader's window
    with TeamStore.open(team_sample_url, analyst="Anna") as anna:
        erdogan = anna.get_actor(page.editor.record_loaded().id)
        erdogan.title = "President of Türkiye (Anna)"
        anna.save(erdogan)
    qtbot.waitUntil(lambda: title.text() == "President of Türkiye (Anna)", timeout=WAIT)


def test_a_book_file_polls_and_shows_changed_by_on_request(window, qtbot):
    assert window.book_poll.isActive() and window.book_listener is None
    page = window.current_page()
    model = page.table.model()

    def headers():
        return [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]

    assert "Changed by" not in headers()  # one's own book: off unless asked for
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    qtbot.keyClick(window, Qt.Key_V, Qt.AltModifier)
    qtbot.waitUntil(view.isVisible)
    view.setActiveAction(window.act_changed_by)
    qtbot.keyClick(view, Qt.Key_Return)
    qtbot.waitUntil(lambda: "Changed by" in headers())
    assert QSettings().value("lists/changed_by_file", type=bool) is True
    assert QSettings().value("lists/changed_by_team") is None
