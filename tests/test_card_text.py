"""Long user text on cards: paragraphs without lists or emphasis skip the Markdown parser
(pdf/text.py), and must come out exactly as the parser gives them."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktopapp.pdf import text
from desktopapp.pdf.fonts import TextPreparer

PIECES = st.sampled_from([" ", "  ", "\t", "\n", "\n\n", " \n ", "\xa0", "a", "Word", "1",
                          "12", ".", ")", "-", "+", "*", "_", "#", ">", "<", "&", "&amp;",
                          "\\", "`", "=", "~", "[x](y)", "ü", "ي", "中"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
@example("  a  b \n   c\\d  \n\n\n e &amp; <x>  ")
@example("\xa0a\xa0\n\xa0\nb")
@example("1.5 million\n2025) was\n-x\n+y")
def test_plain_paragraphs_are_what_the_parser_makes_of_them(sample):
    prep = TextPreparer()
    plain = text.plain_paragraphs(sample)
    if plain is not None:
        assert [(prep.inline(p), None) for p in plain] == text.parsed_blocks(sample, prep)


def test_lists_and_emphasis_still_go_to_the_parser():
    prep = TextPreparer()
    for sample in ["- one\n- two", "1. first", "2) second", "*em*", "__strong__", "a\n+ b"]:
        assert text.plain_paragraphs(sample) is None
    assert text.blocks("intro\n\n- one\n- two", prep) == [
        ("intro", None), ("one", "•"), ("two", "•")]
    assert text.blocks("Plain\nlines\n\nand a second paragraph", prep) == [
        ("Plain<br/>lines", None), ("and a second paragraph", None)]
