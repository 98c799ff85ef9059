from PySide6.QtCore import Qt

from desktopapp.domain import Actor
from desktopapp.gui.models import PAGE, RecordTableModel, StoreSortProxy


def test_every_table_model_passes_the_model_tester(qtmodeltester, sample_store):
    for kind in ("actor", "meeting", "recommendation", "memo"):
        model = RecordTableModel(sample_store, kind)
        model.reload()
        qtmodeltester.check(model)
        proxy = StoreSortProxy()
        proxy.setSourceModel(model)
        qtmodeltester.check(proxy)


def test_lazy_loading_and_store_side_sort(qtmodeltester, store):
    with store.write():
        for i in range(PAGE * 2 + 5):
            store.save(Actor(name=f"Delegate {i:04d}"))
    model = RecordTableModel(store, "actor")
    assert model.rowCount() == 0 and model.loads == 0  # the view's first sort loads it
    model.reload()
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE * 2 + 5 and not model.canFetchMore()
    assert model.loads == 3
    proxy = StoreSortProxy()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.DescendingOrder)
    # the store sorted all rows: the last name comes first, though it was never loaded before
    assert proxy.index(0, 0).data() == f"Delegate {PAGE * 2 + 4:04d}"
    qtmodeltester.check(proxy)


def test_filter_uses_full_text_search(sample_store):
    model = RecordTableModel(sample_store, "actor")
    model.set_filter("МЕДИНСКИЙ")
    assert model.rowCount() == 1
    assert model.filter_summary() == "1 actor matches"
    assert model.index(0, 0).data() == "Vladimir Medinsky"
    model.set_filter('"-* NEAR(')
    assert model.rowCount() == 0
    assert model.filter_summary() == "No actors match"
    model.set_filter("a")
    assert model.filter_summary() == f"{model.match_count()} actors match"
    model.set_filter("")
    assert model.rowCount() == 38
