"""A recommendation's status may be unknown ("no status given"): advice taken from a
source, whose fate nobody recorded. Model, both stores, book upgrade, JSON format,
editor and cards."""

import io
import json
import shutil

import pytest
from conftest import FIXTURES, both_backends
from gui_user import click_kind, press
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktopapp import bookformat, dossier
from desktopapp.domain import Actor, Recommendation, RecommendationStatus
from desktopapp.errors import ImportFormatError
from desktopapp.pdf import actor_card, recommendation_card
from desktopapp.store import BriefingStore

either_store = both_backends("store", "team_store")


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def test_no_status_is_kept_by_either_store_and_printed_as_such(either_store):
    actor = either_store.save(Actor(name="European Council"))
    rec = either_store.save(Recommendation(title="Keep the channel open", text="Talk.",
                                           addressee_uids=[actor.uid], status=None))
    assert either_store.get("recommendation", rec.id).status is None
    shown = {row["title"]: row for row in either_store.list_summaries("recommendation")}
    assert shown["Keep the channel open"]["status"] is None
    card = recommendation_card.render(dossier.recommendation_dossier(either_store, rec.id),
                                      either_store.settings())
    assert "no status given" in text_of(card.pdf)
    listed = actor_card.render(dossier.actor_dossier(either_store, actor.id),
                               either_store.settings())
    assert "no priority given Keep the channel open no status given" in text_of(listed.pdf)
    # and a status can be given again
    rec.status = RecommendationStatus.ADOPTED
    either_store.save(rec)
    assert either_store.get("recommendation", rec.id).status == RecommendationStatus.ADOPTED


def test_a_schema_6_book_upgrades_and_takes_no_status(tmp_path):
    path = tmp_path / "s6.sqlite"
    shutil.copy(FIXTURES / "book-schema6.sqlite", path)
    with BriefingStore.open(path) as store:
        recs = store.all_records("recommendation")
        assert [r.status for r in recs] == [RecommendationStatus.PROPOSED] * 3  # as they were
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.check() == []
        recs[0].status = None
        store.save(recs[0])
        assert store.get("recommendation", recs[0].id).status is None
        # the links and the search survive the rebuilt table
        assert store.get("recommendation", recs[0].id).meeting_uids == recs[0].meeting_uids
        assert any(hit.title == recs[0].title for hit in store.search("pressure"))


def test_json_writes_null_status_since_version_4_and_reads_older_files(sample_store):
    data = sample_store.export_book()
    assert data["version"] == bookformat.FORMAT_VERSION >= 4
    assert [r["status"] for r in data["recommendations"]] == [None] * 3  # the sample's
    parsed = bookformat.parse_book(json.loads(json.dumps(data)))
    assert [r.status for r in parsed["recommendations"]] == [None] * 3
    version_4 = bookformat.parse_book(json.loads(json.dumps(dict(data, version=4))))
    assert [r.status for r in version_4["recommendations"]] == [None] * 3
    # files of version 3 and before: a status is always there, or else "proposed"
    data["version"] = 3
    data["recommendations"][0]["status"] = "adopted"
    del data["recommendations"][1]["status"]
    old = bookformat.parse_book(data)["recommendations"]
    assert [r.status for r in old[:2]] == [RecommendationStatus.ADOPTED,
                                           RecommendationStatus.PROPOSED]
    data["recommendations"][0]["status"] = "shelved"
    with pytest.raises(ImportFormatError, match="'status'.*expected one of: proposed"):
        bookformat.parse_book(data)


def test_the_editor_leaves_the_status_unset(window, qtbot):
    page = click_kind(qtbot, window, "Recommendations")
    combo = page.editor.field("status").widget
    assert combo.itemText(0) == "no status given"
    assert combo.currentText() == "no status given"  # the sample's: the bulletin gives none
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_End)  # type to pick: the last status
    assert combo.currentText() == "implemented"
    press(combo, QKeySequence.Save)
    rec_id = page.editor.record_loaded().id
    assert window.store.get("recommendation", rec_id).status == RecommendationStatus.IMPLEMENTED
    qtbot.keyClick(combo, Qt.Key_Home)
    press(combo, QKeySequence.Save)
    assert window.store.get("recommendation", rec_id).status is None
