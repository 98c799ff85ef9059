"""Every name in its own script: bundled fonts, shaping and direction, text that copies out.

The multi-script book (tests/data/multi-script-book.json) has names in Arabic,
Persian, Urdu, Hebrew, Chinese (simplified and traditional), Japanese, Korean,
Devanagari, Thai, Georgian, Armenian, Vietnamese, Cyrillic and Greek, titles
that mix directions, and long right-to-left paragraphs. Every document is
printed with the machine's fonts out of reach (``BRIEFING_SYSTEM_FONTS=0``;
CI runs this file once more with fontconfig pointed at an empty folder).
"""

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktopapp import bookformat, dossier
from desktopapp.documents import render_record
from desktopapp.pdf import fonts, handout, memo
from desktopapp.pdf.scripts import bidi_levels, shape, visual_order
from desktopapp.store import BriefingStore

BOOK = Path(__file__).parent / "data" / "multi-script-book.json"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is needed to read PDFs back")


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch):
    monkeypatch.setenv("BRIEFING_SYSTEM_FONTS", "0")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("multi") / "multi.sqlite"
    store = BriefingStore.open(path, create=True)
    data = bookformat.parse_book(json.loads(BOOK.read_text(encoding="utf-8")))
    store.save_settings(data.pop("settings"))
    store.import_sections(data)
    yield store
    store.close()


def pdf_text(pdf: bytes, tmp_path) -> str:
    """Text as pdftotext reads it (logical order), NFKC, bidi controls dropped, spaces collapsed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def same(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def arabic_words(text: str) -> list[str]:
    text = re.sub(r"\s+(?=[\u064b-\u065f])", "", same(text))  # a mark read apart from its letter
    text = re.sub("[\u060c\u061b\u061f\u06d4]", " ", text)  # Arabic punctuation
    return re.findall(r"[\u0600-\u06ff]+", text)


def embedded_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    out = []
    for page in PdfReader(__import__("io").BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            out.append((str(font["/BaseFont"]), any(k in descriptor for k in
                                                     ("/FontFile", "/FontFile2", "/FontFile3"))))
    return out


def check_document(pdf: bytes, names: list[str], tmp_path):
    text = pdf_text(pdf, tmp_path)
    assert "\ufffd" not in text
    missing = [name for name in names if same(name) not in text]
    assert not missing, f"not extracted in logical order: {missing}"
    fonts_used = embedded_fonts(pdf)
    assert fonts_used and all(embedded for _, embedded in fonts_used), fonts_used


def test_every_actor_card_prints_both_names_in_logical_order(book, tmp_path):
    settings = book.settings()
    for actor in book.all_records("actor"):
        result = render_record(book, actor, settings)
        assert result.warnings == [], (actor.name, result.warnings)
        check_document(result.pdf, [actor.name, actor.native_name], tmp_path)


def test_meeting_recommendation_cards_and_handout(book, tmp_path):
    settings = book.settings()
    meeting = book.all_records("meeting")[0]
    result = render_record(book, meeting, settings)
    heads = [book.get_by_uid("actor", p.actor_uid) for p in meeting.participants
             if p.role.value in ("head", "mediator")]
    check_document(result.pdf, ["محادثات بكين بين السعودية وإيران", "Beijing talks",
                                "6–10 March 2023", "رئيس الوفد"]
                   + [a.name for a in heads] + [a.native_name for a in heads], tmp_path)
    rec = book.all_records("recommendation")[0]
    check_document(render_record(book, rec, settings).pdf,
                   ["دعم قناة الحوار", "Support the channel", "no priority given"], tmp_path)
    everyone = [book.get_by_uid("actor", p.actor_uid) for p in meeting.participants]
    result = handout.render(dossier.handout(book, meeting.id), settings)
    check_document(result.pdf, [a.name for a in everyone] + [a.native_name for a in everyone],
                   tmp_path)
    # two A5 cards to a sheet: the imposed sheets (and their cut marks) still
    # embed every font they name, the standard-14 Helvetica included
    result = handout.render(dossier.handout(book, meeting.id), settings, two_up=True)
    check_document(result.pdf, [a.name for a in everyone] + [a.native_name for a in everyone],
                   tmp_path)


def test_memo_prints_titles_lead_and_who_is_who(book, tmp_path):
    saved = book.all_records("memo")[0]
    result = memo.render(dossier.memo_dossier(book, saved), book.settings())
    actors = [book.get_by_uid("actor", uid) for uid in saved.actor_uids]
    check_document(result.pdf, ["الرياض وطهران", "Riyadh and Tehran",
                                "اتفاق بكين يفتح صفحة جديدة في العلاقات السعودية الإيرانية."]
                   + [a.native_name for a in actors], tmp_path)


def test_long_right_to_left_paragraph_wraps_in_reading_order(book, tmp_path):
    actor = next(a for a in book.all_records("actor") if a.name.startswith("Faisal"))
    text = pdf_text(render_record(book, actor, book.settings()).pdf, tmp_path)
    # The biography wraps over three lines; read back, its Arabic words come in
    # the stored order. (pdftotext places the full stop beside a number by its
    # own rules, so punctuation and digits are not compared.)
    stored = " ".join(arabic_words(actor.biography))
    assert stored in " ".join(arabic_words(text))


def test_arabic_is_really_joined():
    fonts.TextPreparer()
    fonts.font_for(ord("ف"))  # loads the bundled Arabic font
    word = "فيصل"
    glyphs, width = shape(word, "ScriptArabic", 10, True)
    isolated = sum(shape(letter, "ScriptArabic", 10, True)[1] for letter in word)
    assert width < isolated  # joined letters are narrower than the letters alone
    # the glyphs drawn are the joining forms (initial, medial, final), in display order
    forms = [unicodedata.name(ch) for ch in glyphs]
    assert forms[0].endswith("FINAL FORM") and forms[-1].endswith("INITIAL FORM"), forms
    lam_alef, _ = shape("لا", "ScriptArabic", 10, True)
    assert len(lam_alef) == 1  # lam-alef is one ligature glyph


def test_devanagari_and_thai_are_shaped():
    fonts.font_for(ord("न"))
    glyphs, _ = shape("नरेन्द्र", "ScriptDevanagari", 10, False)
    assert len(glyphs) < len("नरेन्द्र")  # the conjunct न्द्र is fewer glyphs than letters


def test_bidi_places_digits_and_latin_runs():
    text = "قال في عام 2023 إن Beijing مهم"
    levels, classes, base = bidi_levels(text)
    order, _ = visual_order(levels, classes, 0, len(text), base)
    visual = "".join(text[i] for i in order)
    # read left to right on the page: the last Arabic word first, the number and the
    # Latin word keep their own left-to-right order
    assert visual.startswith("مهم"[::-1])
    assert "2023" in visual and "Beijing" in visual
    assert base == 1


def test_no_replacement_character_for_any_bundled_script():
    prep = fonts.TextPreparer()
    sample = ("Tiếng Việt Ελληνικά Русский עברית العربية فارسی ی ک گ پ چ ژ اردو ٹ ڈ ڑ ں ے "
              "中文 繁體中文 日本語 ひらがな 한국어 ქართული Հայերեն हिन्दी ไทย")
    assert fonts.REPLACEMENT not in prep.inline(sample)
    assert prep.warnings() == []


def test_memo_who_is_who_starts_beside_its_heading_and_breaks_between_people(book):
    """A long delegation no longer leaves the annex heading alone on a page."""
    saved = book.all_records("memo")[0]
    result = memo.render(dossier.memo_dossier(book, saved), book.settings())
    pages = [page.extract_text() for page in PdfReader(__import__("io").BytesIO(result.pdf)).pages]
    annex = next(i for i, text in enumerate(pages) if "Annex: who's who" in text)
    assert "Faisal bin Farhan" in pages[annex] and "Tsai Ing-wen" in pages[annex]
    # the observers' list goes on over the page, under its repeated side name
    assert any("Giorgos Gerapetritis" in text for text in pages[annex:])


@pytest.mark.parametrize("text", ["إعادة فتح السفارات", "सुब्रह्मण्यम जयशंकर"])
def test_a_numbered_item_keeps_clear_of_its_number(tmp_path, text):
    """The memo's recommendations are numbered: "1." never touches the title beside it
    (right to left the number sits on the right and the title ends before it)."""
    from reportlab.platypus import SimpleDocTemplate

    from desktopapp.pdf.scripts import Paragraph
    from desktopapp.pdf.styles import card_styles
    path = tmp_path / "item.pdf"
    style = card_styles(10).bullet
    SimpleDocTemplate(str(path)).build([Paragraph(text, style, bulletText="12.")])
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                           capture_output=True, text=True, timeout=60).stdout
    words = [(float(x0), float(x1), word) for x0, x1, word in
             re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<',
                        boxes)]
    number = next(w for w in words if "12" in w[2])
    others = [w for w in words if w is not number]
    assert others
    if is_rtl := bool(bidi_levels(text)[2]):
        assert max(x1 for _, x1, _ in others) < number[0] - 2, words
    else:
        assert min(x0 for x0, _, _ in others) > number[1] + 2, words
    assert is_rtl == text.startswith("إ")


# Names whose letters are more than their glyphs: Arabic vowel marks (harakat,
# shadda, sukun), the Persian hamza above, Hebrew points, and the zero-width
# non-joiner Persian writes inside words. Before each right-to-left run carried
# its text, pdftotext read "ﺳ ْﻠ َﻤﺎن" for سَلْمَان and dropped every ZWNJ.
MARKED_NAMES = ["مُحَمَّد بْن سَلْمَان", "عُمان", "وزارت امور خارجهٔ ایران",
                "שָׁלוֹם עַל יִשְׂרָאֵל", "מֹשֶׁה שָׁרֵת", "می‌خواهم", "کتاب‌های آبی"]


@pytest.mark.parametrize("native", MARKED_NAMES)
def test_marks_and_zwnj_copy_out_in_logical_order(tmp_path, native):
    from desktopapp.domain import Actor
    with BriefingStore.open(tmp_path / "b.sqlite", create=True) as store:
        actor = store.save(Actor(name="Marked Name", native_name=native,
                                 biography=f"Also written {native} in the press."))
        pdf = render_record(store, actor, store.settings()).pdf
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    # only the direction controls pdftotext puts around a right-to-left line go
    # (and NFKC folds the joining forms): the marks and the ZWNJ must be there,
    # each in its place
    text = unicodedata.normalize("NFKC", re.sub("[\u202a-\u202e\u2066-\u2069]", "", raw))
    assert text.count(native) == 2, (native, text)


def _words_with_boxes(pdf: bytes, tmp_path) -> list[tuple[float, float, str]]:
    """(xMin, xMax, word) of every word on the first page, as pdftotext places them."""
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", "-l", "1", str(path), "-"], check=True,
                           capture_output=True, text=True, timeout=60).stdout
    return [(float(x0), float(x1), unicodedata.normalize("NFKC", word)) for x0, x1, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<',
                       boxes)]


def test_a_right_to_left_memo_lead_aligns_right(tmp_path):
    """The lead is a paragraph, not a header line: in Arabic it starts at the right
    margin as the sections below it do (it stood at the left edge, its short last
    line read backwards)."""
    from desktopapp.domain import ExportSettings, Memo, MemoSection
    from desktopapp.pdf.styles import MARGINS, PAGE_SIZES
    lead = "اتفاق بكين يفتح صفحة جديدة"
    saved = Memo(title="Riyadh and Tehran", authors=["Analyst"], lead=lead,
                 sections=[MemoSection("Background", "Short.")])
    result = memo.render(dossier.MemoDossier(memo=saved), ExportSettings(), "a4")
    right_margin = PAGE_SIZES["a4"][0] - MARGINS["a4"]
    lead_words = [w for w in _words_with_boxes(result.pdf, tmp_path)
                  if re.search("[\u0600-\u06ff]", w[2])]
    assert len(lead_words) == len(lead.split()), lead_words
    assert max(x1 for _, x1, _ in lead_words) > right_margin - 3, (right_margin, lead_words)


def test_variation_selectors_print_as_their_base_character(book, tmp_path):
    """A variation selector picks a form of the character before it and has no glyph
    of its own: a Japanese name with an ideographic variation sequence (葛󠄀城) prints
    its ideographs, with no "�" and no warning (each selector printed as "�")."""
    from desktopapp.domain import Actor
    actor = Actor(name="Katsuragi", native_name="葛\U000E0100城", title="北京\ufe00")
    result = render_record(book, actor, book.settings())
    assert result.warnings == []
    check_document(result.pdf, ["Katsuragi", "葛城", "北京"], tmp_path)


# Chinese and Japanese break between characters, but never before closing punctuation
# (、。，」）…) nor after an opening bracket or quote (「（“…): kinsoku.
JAPANESE = ("日本政府は、中国との首脳会談（東京）で「戦略的互恵関係」を確認した。両国は経済協力を"
            "強化し、地域の安定に向けて対話を続けることで一致した。")
CHINESE = ("中方表示，愿同日方一道，推动两国关系（包括经贸合作）健康稳定发展。双方同意加强沟通，"
           "“管控分歧”，维护地区和平与稳定。Wang Yi met Kishida Fumio in Tokyo.")
NO_START = "、。，．」）』】〕〉》”’！？；：・ー"
NO_END = "「（『【〔〈《“‘"


def paragraph_lines(text: str, width: float) -> list[str]:
    from desktopapp.pdf.scripts import Paragraph
    from desktopapp.pdf.styles import card_styles
    para = Paragraph(fonts.TextPreparer().inline(text), card_styles(10).body)
    para.wrap(width, 10_000)
    out = []
    for line in para.blPara.lines:
        if hasattr(line, "words"):
            out.append("".join(getattr(frag, "text", "") for frag in line.words))
            assert getattr(line, "currentWidth", 0) <= width + 0.01
        else:  # ReportLab's lines of a paragraph in one font: (space left, words)
            out.append(" ".join(line[1]))
    return out


@pytest.mark.parametrize("text", [JAPANESE, CHINESE], ids=["japanese", "chinese"])
def test_cjk_lines_keep_kinsoku_at_every_width(text):
    for width in range(60, 400, 7):
        lines = paragraph_lines(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in NO_START, (width, before, after)
            assert before[-1] not in NO_END, (width, before, after)
    # Latin words inside still break between words, not inside them
    assert "Kishida" in "|".join(paragraph_lines(CHINESE, 120))


def test_cjk_biography_prints_without_a_line_starting_with_a_comma(tmp_path):
    from desktopapp.domain import Actor
    with BriefingStore.open(tmp_path / "b.sqlite", create=True) as store:
        actor = store.save(Actor(name="Kishida Fumio", native_name="岸田文雄",
                                 biography=JAPANESE * 3 + "\n\n" + CHINESE * 3))
        pdf = render_record(store, actor, store.settings(), page_size="a5").pdf
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                           capture_output=True, timeout=60).stdout.decode().splitlines()
    printed = [line.strip() for line in lines if line.strip()]
    assert len([line for line in printed if re.search("[\u3040-\u30ff]", line)]) > 5
    assert not [line for line in printed if line[0] in NO_START]
    assert not [line for line in printed if line[-1] in NO_END]


def test_a_right_to_left_recommendation_text_aligns_right_on_its_card(book, tmp_path):
    """The recommendation's text is set in the subtitle's type, whose header lines keep
    to the left edge; as running text, Arabic aligns right (the memo's lead: above)."""
    rec = book.all_records("recommendation")[0]
    boxes = _words_with_boxes(render_record(book, rec, book.settings()).pdf, tmp_path)
    right_edge = max(x1 for _, x1, _ in boxes)
    first_word = rec.text.split()[0]
    # (-bbox gives each word's letters as drawn: right to left, reversed)
    word = next(box for box in boxes if box[2] in (first_word, first_word[::-1]))
    assert word[1] > right_edge - 2, (first_word, word, right_edge)  # it starts the line
