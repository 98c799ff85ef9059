"""Paragraphs laid out before: what they print is what a first layout prints."""

import datetime as dt

import pytest
from reportlab import rl_config

from desktopapp import dossier
from desktopapp.documents import render_record
from desktopapp.pdf import handout, memo, scripts
from desktopapp.pdf.scripts import Paragraph
from desktopapp.pdf.styles import card_styles

AS_OF = dt.date(2026, 1, 2)


@pytest.fixture(autouse=True)
def invariant(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)
    scripts.forget_parsed()
    yield
    scripts.forget_parsed()


def documents(store) -> dict[str, bytes]:
    settings = store.settings()
    out = {f"{kind} {number}": render_record(store, store.get(kind, number), settings).pdf
           for kind, number in (("actor", 1), ("actor", 2), ("meeting", 5), ("meeting", 6),
                                ("recommendation", 1))}
    # a memo's paragraphs break across pages, and it is laid out twice (outline, "of Y")
    out["memo"] = memo.render(dossier.memo_dossier(store, store.get_memo(1)), settings,
                              as_of=AS_OF).pdf
    out["handout"] = handout.render(dossier.handout(store, 5), settings, as_of=AS_OF).pdf
    return out


def test_documents_laid_out_again_print_the_same_bytes(sample_store):
    first = documents(sample_store)
    assert scripts._LAID_OUT  # the second time, the lines are reused
    assert documents(sample_store) == first
    scripts.forget_parsed()
    assert documents(sample_store) == first


def test_a_paragraph_split_across_pages_leaves_the_lines_others_reuse_as_they_were():
    style = card_styles(10.0).body
    text = "A sentence about the talks that runs on. " * 30
    whole = Paragraph(text, style)
    whole.wrap(200, 1e6)
    lines = [(line[0], list(line[1])) for line in whole.blPara.lines]
    again = Paragraph(text, style)
    again.wrap(200, 1e6)
    assert again.blPara is whole.blPara  # shared
    head, tail = again.split(200, 5 * style.leading)
    assert again.blPara is not whole.blPara  # split from lines of its own
    head.wrap(200, 1e6)
    tail.wrap(200, 1e6)
    assert len(head.blPara.lines) == 5 and len(tail.blPara.lines) == len(lines) - 5
    assert [(line[0], list(line[1])) for line in whole.blPara.lines] == lines
    third = Paragraph(text, style)
    assert third.wrap(200, 1e6) == whole.wrap(200, 1e6)
    assert [(line[0], list(line[1])) for line in third.blPara.lines] == lines


def test_a_paragraph_of_several_fragments_is_shared_and_split_the_same_way():
    style = card_styles(9.0).person
    text = ("<b>Vladimir Medinsky</b><br/>Владимир Мединский<br/>"
            + '<font size="7.5">' + "Presidential advisor, " * 6 + "<i>head</i></font>")
    fresh = Paragraph(text, style)
    fresh.wrap(150, 1e6)
    expected = [part.getPlainText() for part in fresh.split(150, 3 * style.leading)]
    scripts.forget_parsed()
    Paragraph(text, style).wrap(150, 1e6)  # lays out and shares
    shared = Paragraph(text, style)
    shared.wrap(150, 1e6)
    assert shared._shared
    assert [part.getPlainText() for part in shared.split(150, 3 * style.leading)] == expected


def test_the_lines_kept_are_bounded_by_the_characters_they_hold(monkeypatch):
    monkeypatch.setattr(scripts, "LAID_OUT_CHARS_MAX", 1000)
    style = card_styles(10.0).body
    for number in range(40):
        Paragraph(f"Paragraph {number}: " + "words of the talks " * 5, style).wrap(300, 1e6)
        kept = sum(len(key[0][0]) for key in scripts._LAID_OUT)
        assert 0 < kept <= 1000 and kept == scripts._laid_out_chars
    assert len(scripts._LAID_OUT) < 40  # emptied on the way
    long = "A long text. " * (scripts.LAID_OUT_TEXT_MAX // 13 + 1)
    Paragraph(long, style).wrap(300, 1e6)
    assert not any(key[0][0] == long for key in scripts._LAID_OUT)
