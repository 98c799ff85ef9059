from desktopapp import books
from desktopapp.gui.app import BookWindow


def test_first_window_lists_the_sample_book(qtbot):
    store = books.open_book()  # first run: the user's own book, made from the sample
    try:
        window = BookWindow(store)
        qtbot.addWidget(window)
        tabs = window.centralWidget()
        assert [tabs.tabText(i) for i in range(tabs.count())] == [
            "Actors", "Meetings", "Recommendations"]
        actors = tabs.widget(0)
        names = {actors.topLevelItem(i).text(0) for i in range(actors.topLevelItemCount())}
        assert {"Recep Tayyip Erdoğan", "Vladimir Medinsky"} <= names
        assert tabs.widget(1).topLevelItemCount() == 7
    finally:
        store.close()
