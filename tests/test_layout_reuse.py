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


PLAIN_TEXTS = ["", "   ", "\n \n", "One word", "  leading and trailing  ",
               "two\nlines\n\nand a gap", "tabs\tand\u00a0no-break\u2009thin spaces",
               'quotes " and > and = and / ;',
               "Ünïcödé Żółć Сергій 中文 العربية", "x" * 3000]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
@pytest.mark.parametrize("bullet", [None, "•", "[12]"])
def test_plain_text_is_the_fragment_reportlabs_parser_makes(text, bullet, monkeypatch):
    """Text without markup skips the parser: its fragments are what the parser makes."""
    from reportlab.platypus import Paragraph as ReportLabParagraph
    from reportlab.platypus.paragraph import ParaParser, cleanBlockQuotedText

    styles = (card_styles(10.0).body, card_styles(7.5).cell_bold, card_styles(9.0).note)
    for style in styles:
        scripts._plain_fragment(style)  # each style's fragment is parsed once, first
    parse = ParaParser.parse
    parsed = []
    monkeypatch.setattr(ParaParser, "parse", lambda *args: parsed.append(args) or parse(*args))
    for style in styles:
        ours, theirs = Paragraph.__new__(Paragraph), ReportLabParagraph.__new__(
            ReportLabParagraph)
        for paragraph in (ours, theirs):
            paragraph.caseSensitive, paragraph.encoding = 1, "utf8"
            type(paragraph)._setup(paragraph, text, style, bullet, None, cleanBlockQuotedText)
        assert len(parsed) == 1  # ReportLab's, not ours
        parsed.clear()
        assert (ours.text, ours.style, ours.bulletText) == (theirs.text, theirs.style,
                                                             theirs.bulletText)
        assert [type(f) for f in ours.frags] == [type(f) for f in theirs.frags]
        assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags]
        # and again, as a card shown again sets it: the text it was set with, unparsed
        again = Paragraph(text, style, bullet)
        assert "".join(f.text for f in again.frags) == "".join(f.text for f in ours.frags)
        assert not parsed


def test_plain_paragraphs_share_no_list_with_each_other():
    """Each paragraph owns its fragments' lists (links, underlines), as parsed ones do."""
    style = card_styles(10.0).body
    first, second = Paragraph("Same words", style), Paragraph("Same words", style)
    assert first.frags[0].link is not second.frags[0].link
    first.frags[0].link.append("changed")
    assert Paragraph("Same words", style).frags[0].link == []


def test_a_style_that_transforms_its_text_is_parsed():
    style = card_styles(10.0).body.clone("shouting", textTransform="uppercase")
    assert Paragraph("quiet words", style).frags[0].text == "QUIET WORDS"


def test_fragments_are_one_run_exactly_when_rl_accel_says_so():
    """ReportLab's line breaking asks ``same_fragment`` (dict lookups) instead of
    rl_accel's ``sameFrag`` (4.5 us a call): the same answer for any two fragments."""
    import random

    from reportlab.lib import colors
    from reportlab.lib.rl_accel import sameFrag
    from reportlab.platypus import paragraph
    from reportlab.platypus.paraparser import ParaFrag

    assert paragraph.sameFrag is scripts.same_fragment
    values = {"fontName": ["A", "B"], "fontSize": [10, 10.0, 11],
              "textColor": [None, colors.black, colors.HexColor("#000000"), colors.red],
              "rise": [0, 0.0, 1], "us_lines": [[], [1]], "link": [[], ["x"]],
              "backColor": [None, colors.red], "nobr": [0, 1], "cbDefn": [None],
              "lineBreak": [True, False], "text": ["a", "b"]}
    usual = {"fontName", "fontSize", "textColor", "rise", "us_lines", "link", "text"}
    rng = random.Random(58)
    same = 0
    for _ in range(20_000):
        f = ParaFrag()
        for name, choices in values.items():
            if rng.random() < (0.9 if name in usual else 0.1):
                setattr(f, name, rng.choice(choices))
        g = ParaFrag()
        g.__dict__.update(f.__dict__)
        if rng.random() < 0.6:  # one attribute changed, added or taken away
            name = rng.choice(list(values))
            if name in g.__dict__ and rng.random() < 0.3:
                del g.__dict__[name]
            else:
                setattr(g, name, rng.choice(values[name]))
        assert scripts.same_fragment(f, g) == bool(sameFrag(f, g)), (f.__dict__, g.__dict__)
        same += scripts.same_fragment(f, g)
    assert 1000 < same < 19_000  # both answers were asked for


def test_a_space_is_as_wide_as_reportlab_measures_it_whatever_was_measured_before(
        monkeypatch):
    """ReportLab's line breaking asks ``string_width``: a space's width remembered by font
    object and size, anything else measured; a name that comes to stand for another
    font is measured in that font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import paragraph

    from desktopapp.pdf import fonts

    assert paragraph.stringWidth is scripts.string_width
    fonts.register()
    for name in (fonts.REGULAR, fonts.BOLD, "Helvetica", "Times-Bold"):
        for size in (7.5, 8.55, 10, 21):
            for text in (" ", "  ", "word", ""):
                expected = pdfmetrics.getFont(name).stringWidth(text, size)
                assert scripts.string_width(text, name, size) == expected
                assert scripts.string_width(text, name, size) == expected  # remembered
    regular = scripts.string_width(" ", fonts.REGULAR, 10)
    monkeypatch.setitem(pdfmetrics._fonts, fonts.REGULAR, pdfmetrics.getFont("Courier"))
    assert scripts.string_width(" ", fonts.REGULAR, 10) == 6.0 != regular


@pytest.mark.parametrize("text", ["Wang Yi 王毅", "<b>Faisal</b> فيصل بن فرحان", "Plain Latin"])
def test_a_paragraph_set_again_prints_each_character_in_the_same_font(text):
    """Whether the card family prints every character is remembered with the parsed text:
    a paragraph set again is cut into the same runs of fonts."""
    from desktopapp.pdf import fonts

    style = card_styles(10.0).body
    first, again = Paragraph(text, style), Paragraph(text, style)
    assert [(f.fontName, f.text) for f in again.frags] == [(f.fontName, f.text)
                                                           for f in first.frags]
    uses_other_fonts = any(f.fontName not in (fonts.REGULAR, fonts.BOLD) for f in again.frags)
    assert uses_other_fonts == (text != "Plain Latin")
