"""The search folding rules, as a pure function (desktopapp/folding.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktopapp import folding
from desktopapp.folding import cjk_grams, fold, name_key, variants, words


@pytest.mark.parametrize("written, typed", [
    # Arabic: vowel marks (harakat) and tatweel dropped
    ("عُمان", "عمان"),
    ("مُحَمَّد", "محمد"),
    ("عـــمان", "عمان"),
    # hamza and madda forms of alef; alef wasla
    ("الإسلامي", "الاسلامي"),
    ("أحمد", "احمد"),
    ("آمنة", "امنه"),
    ("ٱلله", "الله"),
    # alef maqsura, ta marbuta, hamza on waw and yeh
    ("مصطفى", "مصطفي"),
    ("السعودية", "السعوديه"),
    ("مؤتمر", "موتمر"),
    ("رئيس", "رييس"),
    # Persian yeh and keheh are the Arabic letters
    ("ایران", "ايران"),
    ("ایران", "إيران"),
    ("کرمان", "كرمان"),
    # Hebrew points and cantillation
    ("שָׁלוֹם", "שלום"),
    ("יְרוּשָׁלַיִם", "ירושלים"),
    # transliteration marks and letters with macrons and dots below
    ("Musāʿid", "musaid"),
    ("Qurʾān", "quran"),
    ("Musā’id", "musaid"),
    ("Muḥammad", "muhammad"),
    ("Ṭahrān", "tahran"),
    ("`Abd", "abd"),
    # Latin letters without decomposition, accents, case, full-width forms
    ("Łukasz Wójcik", "lukasz wojcik"),
    ("Søren", "soren"),
    ("Straße", "strasse"),
    ("ＩＲＡＮ", "iran"),
    ("МЕДИНСКИЙ", "мединскии"),
    # variation selectors choose a glyph, they are not letters
    ("葛\U000E0100城", "葛城"),
    ("渡\ufe00辺", "渡辺"),
])
def test_spellings_fold_to_the_same_words(written, typed):
    assert words(written) == words(typed)


def test_letters_of_other_scripts_keep_their_marks():
    assert fold("नरेन्द्र मोदी") == "नरेन्द्र मोदी"  # Devanagari vowel signs are letters
    assert fold("ประยุทธ์") == "ประยุทธ์"
    assert fold("한국 외교부") == "한국 외교부"  # Hangul stays composed
    assert fold("ガザ") == "ガザ"  # Japanese voicing marks stay


def test_cjk_runs_are_cut_into_overlapping_pieces():
    assert cjk_grams("中央外事") == ["中央", "央外", "外事", "事"]
    assert cjk_grams("王毅 (Wang Yi)") == ["王毅", "毅"]
    assert cjk_grams("毅") == ["毅"]
    assert cjk_grams("Wang Yi") == []


def test_variants_add_only_what_the_index_lacks():
    assert variants("Plain ASCII text") == []
    assert "عمان" in variants("سلطنة عُمان")
    assert "عيبان" in variants("مساعد العيبان")  # without the article
    assert "musaid" in variants("Musā’id al-Aiban")
    assert "外事" in variants("中央外事工作委员会办公室")


def test_name_key_is_one_token_for_the_whole_name():
    assert name_key("Iran") == name_key("IRAN") == name_key("  iran ")
    assert name_key("Iran") != name_key("Iranian")
    assert name_key("Recep Tayyip Erdoğan") == name_key("recep tayyip erdogan")
    assert name_key("") == ""
    assert "\ue000" not in fold("typed \ue000iran\ue000")  # keys cannot be forged


# Characters where folding a text word by word could differ from folding it
# whole: spaces beside combining marks (Latin, Arabic, Hebrew, Devanagari),
# compatibility forms that become a space or marks (¨ ´ ῁, no-break and em
# spaces, ﬁ, full-width letters), Hangul jamo that compose, final sigma,
# ß and İ (case folding changes length), variation selectors, private use,
# CJK, apostrophes and the letters folding maps.
_TRICKY = (" " * 6 + "\u00a0\u2003\u00a8\u00b4\u1fc1\ufb01\uff21\uff41\u0308\u0301\u0327"
           "\u064e\u0651\u0670\u05b8\u05bc\u093f\u094d\u0915\u1100\u1161\u11a8\uac00"
           "Σσςß\u0130ıłøæ\ufe0f\U000e0100\ue000\u4e2d\u592e\u3099\u304b'`ʿ’\u0640اأةیaeAE1\n")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=40) | st.text(max_size=60))
def test_folding_word_by_word_is_folding_the_whole_text(text):
    # fold() folds each space-separated piece once and remembers it
    assert fold(text) == folding._fold_whole(text)
    assert fold(text) == folding._fold_whole(text)  # again, from what it remembered


def _variants_of_the_whole_text(text: str) -> list[str]:
    """variants() as it was first written: every word of the whole text folded."""
    if not text or (text.isascii() and "'" not in text and "`" not in text):
        return []
    folded = fold(text)
    plain = set(folding.WORD.findall(text.lower()))
    out = []
    for word in folding.WORD.findall(folded):
        if word not in plain:
            out.append(word)
        if word.startswith("ال") and len(word) > 3:
            out.append(word[2:])
    return out + cjk_grams(folded)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_TRICKY + "abc-", max_size=40) | st.text(max_size=60))
def test_variants_from_the_pieces_beyond_ascii_are_those_of_the_whole_text(text):
    assert variants(text) == _variants_of_the_whole_text(text)


def test_variants_of_a_list_of_names_keep_their_order():
    # "emilie" is not added: the text has it (Emilie)
    names = "Gideon Sa'ar 52 גדעון סער Émilie Łukasz Умєров al-Sharif الشريف Emilie"
    assert variants(names) == _variants_of_the_whole_text(names) == [
        "saar", "lukasz", "شريف"]
