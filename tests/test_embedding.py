"""The card family's fixed subsets: written as ReportLab writes subsets, made once."""

import io

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktopapp.pdf import embedding, fontcache, fonts


@pytest.fixture
def invariant(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)


def drawn(lines, font_name=fonts.REGULAR, seed_stock=False) -> bytes:
    """A page of ``lines``; ``seed_stock``: the font written by ReportLab's own
    ``TTFont`` code, its subsets seeded as the fixed-subset font seeds them."""
    fonts.register()
    font = pdfmetrics.getFont(font_name)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=fonts.REGULAR)
    if seed_stock:
        seeded = font._document_state(canvas._doc)
        font.__class__ = TTFont
    try:
        canvas.setFont(font_name, 10)
        for number, line in enumerate(lines):
            canvas.drawString(40, 800 - 14 * number, line)
        canvas.showPage()
        canvas.save()
    finally:
        font.__class__ = embedding.FixedSubsetFont
    if seed_stock:
        assert seeded.frozen  # ReportLab's addObjects wrote the seeded subsets
    return buffer.getvalue()


def test_the_fixed_subsets_are_written_byte_for_byte_as_reportlab_writes_them(invariant):
    # Latin, Cyrillic and a character of neither (a third subset): every subset
    # is used, so ReportLab's own code writes the same subsets
    lines = ["Erdoğan, Łukasz Żółć, Ștefan — “Türkiye”", "Сергій Кислиця", "Ἀθῆναι ǅ"]
    ours = drawn(lines)
    assert ours == drawn(lines, seed_stock=True)
    assert ours == drawn(lines)  # made once, written again the same


def test_a_fixed_subset_no_character_uses_is_left_out(invariant):
    reader = PdfReader(io.BytesIO(drawn(["Plain Latin text"])))
    names = [str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert names == ["/AAAAAA+Roboto-Regular"]
    reader = PdfReader(io.BytesIO(drawn(["Сергій"])))
    names = [str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert names == ["/AAAAAB+Roboto-Regular"]
    assert "Сергій" in reader.pages[0].extract_text()


def font_programs(pdf: bytes) -> list[bytes]:
    """The embedded font programs of a one-page PDF."""
    fonts_used = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    return [f["/FontDescriptor"]["/FontFile2"].get_data() for f in fonts_used]


def test_documents_with_other_text_embed_the_same_font_program(invariant):
    # what a card prints decides which fixed subsets it embeds, not how they are made
    first = font_programs(drawn(["Russian–Ukrainian talks in Istanbul"]))
    second = font_programs(drawn(["Hakan Fidan, Türkiye: “mediator”"]))
    assert len(first) == 1 and first == second


def test_each_fixed_subset_holds_the_space_at_byte_32_and_at_most_256_codes():
    fonts.register()
    for name in (fonts.REGULAR, fonts.BOLD):
        face = pdfmetrics.getFont(name).face
        for chars in embedding.FIXED:
            codes = embedding.fixed_codes(chars, face.charToGlyph)
            assert codes[0] == 0 and codes[32] == 32 and len(codes) <= 256
            assert len(set(codes)) == len(codes)
    with pytest.raises(ValueError, match="256 at most"):
        embedding.fixed_codes("".join(map(chr, range(0x100, 0x17F))) * 3 +
                              "".join(map(chr, range(0x400, 0x4FF))), range(0x10000))


def prepared_parts(prepared) -> tuple:
    return (prepared.base_name, prepared.widths.data, prepared.cmap, prepared.cmap_flated,
            prepared.program, prepared.program_flated)


def test_a_fixed_subset_is_kept_in_the_font_cache_and_made_again_when_damaged(
        private_home, monkeypatch):
    fonts.register()
    face = pdfmetrics.getFont(fonts.BOLD).face
    codes = embedding.fixed_codes(embedding.CYRILLIC, face.charToGlyph)
    made = prepared_parts(embedding._Prepared(face, 1, codes))
    [entry] = (fontcache.cache_folder()).glob("Roboto-Bold-*-subset1.marshal")

    def not_again(*_args):
        raise AssertionError("made again although kept")

    with monkeypatch.context() as patched:
        patched.setattr(embedding, "_make", not_again)
        assert prepared_parts(embedding._Prepared(face, 1, codes)) == made
    blob = entry.read_bytes()
    entry.write_bytes(blob[:200] + bytes([blob[200] ^ 0xFF]) + blob[201:])
    assert prepared_parts(embedding._Prepared(face, 1, codes)) == made
    assert entry.read_bytes() == blob  # made again and kept anew
    # another set of codes (another version of the program) is not answered from it
    assert prepared_parts(embedding._Prepared(face, 1, codes[:40]))[2] != made[2]


def test_text_of_the_fixed_subsets_is_split_as_reportlab_splits_it():
    """The translated runs are ReportLab's, character for character and subset for subset;
    text with any other character goes through ReportLab's own loop."""
    import random

    fonts.register()
    rng = random.Random(58)
    pool = embedding.LATIN + embedding.CYRILLIC + " \u00a0"
    for font_name in (fonts.REGULAR, fonts.BOLD):
        font = pdfmetrics.getFont(font_name)
        for _ in range(500):
            text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
            doc = Canvas(io.BytesIO())._doc
            font._document_state(doc)
            assert font._fixed_runs(text) == TTFont.splitString(font, text, doc), text
        for other in ("Ἀθῆναι", "ǅ", "中", "\x00", "tab\there"):
            assert font._fixed_runs(f"Erdoğan {other}") is None
