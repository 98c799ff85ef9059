import dataclasses
import datetime as dt
import io
import math
import re
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from desktopapp import dossier
from desktopapp.domain import (
    Actor,
    ExportSettings,
    Meeting,
    Participant,
    ParticipantRole,
    Position,
    Recommendation,
    Source,
)
from desktopapp.errors import ValidationError
from desktopapp.pdf import (
    actor_card,
    blocks,
    fonts,
    handout,
    meeting_card,
    memo,
    recommendation_card,
    write_pdf,
)
from desktopapp.pdf.fonts import TextPreparer
from desktopapp.pdf.styles import MIN_BODY, card_styles

PAGE_SIZES = ["a4", "letter", "a5"]
STANDARD_14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}
SETTINGS = ExportSettings(organisation="Example Institute", classification="RESTRICTED")


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def fonts_of(pdf: bytes) -> list[dict]:
    found = []
    for page in reader(pdf).pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found.append({"name": str(font["/BaseFont"]), "subtype": str(font["/Subtype"]),
                          "embedded_ttf": "/FontFile2" in descriptor})
    return found


def all_cards(store, page_size):
    for row in store.list_summaries("actor"):
        yield actor_card.render(dossier.actor_dossier(store, row["id"]), SETTINGS, page_size)
    for row in store.list_summaries("meeting"):
        yield meeting_card.render(dossier.meeting_dossier(store, row["id"]), SETTINGS, page_size)
    for row in store.list_summaries("recommendation"):
        yield recommendation_card.render(dossier.recommendation_dossier(store, row["id"]),
                                         SETTINGS, page_size)


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_every_sample_card_is_exactly_one_page(sample_store, page_size):
    count = 0
    for result in all_cards(sample_store, page_size):
        assert result.pages == 1
        assert len(reader(result.pdf).pages) == 1
        assert result.body_size >= MIN_BODY
        assert_no_type_below_the_floor(result.pdf)
        # what a card leaves out is said, and nothing else is wrong
        assert all("shortened to fit one page" in w for w in result.warnings)
        assert bool(result.warnings) == bool(result.shortened)
        if page_size == "a4":
            assert result.warnings == []
        count += 1
    assert count == 38 + 7 + 3


def test_names_print_exactly_in_their_own_scripts(sample_store):
    talks = meeting_card.render(dossier.meeting_dossier(sample_store, 5), SETTINGS)
    text = text_of(talks.pdf)
    for name in ["Vladimir Medinsky", "Владимир Мединский", "Рустем Умєров", "Сергій Кислиця",
                 "Вадим Скібіцький", "Hakan Fidan", "Türkiye", "RESTRICTED", "Page 1 of 1",
                 '"1,000 for 1,000"']:
        assert name in text, name
    erdogan = actor_card.render(dossier.actor_dossier(sample_store, 30), SETTINGS)
    assert "Recep Tayyip Erdoğan" in text_of(erdogan.pdf)


def test_fonts_are_embedded_truetype_never_standard_14(sample_store):
    for result in [
        actor_card.render(dossier.actor_dossier(sample_store, 14), SETTINGS),
        meeting_card.render(dossier.meeting_dossier(sample_store, 5), SETTINGS),
        memo.render(dossier.memo_dossier(sample_store, sample_store.get_memo(1)), SETTINGS),
    ]:
        found = fonts_of(result.pdf)
        assert found
        for font in found:
            assert font["embedded_ttf"], font
            assert not any(std in font["name"] for std in STANDARD_14), font


def test_user_text_is_data_not_markup(store):
    source = store.save(Source(citation="Memo <b>draft</b> & notes"))
    actor = store.save(Actor(
        name="AT&T <b> Lobby", title="x<y & z>w", aliases=["<i>alias"],
        biography="Line one\nLine two\n\nSecond paragraph with **strong** and *em*.\n\n"
                  "- first point\n- second point\n\n# not a heading <script>",
        positions=[Position("Tariffs & <trade>", "Against </para>", None, source.uid)],
        source_uids=[source.uid]))
    text = text_of(actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS).pdf)
    assert "AT&T <b> Lobby" in text
    assert "x<y & z>w" in text
    assert "# not a heading <script>" in text
    assert "Against </para>" in text
    assert "Memo <b>draft</b> & notes" in text
    assert "first point" in text and "**" not in text


def test_unprintable_characters_are_reported_not_silent(store, monkeypatch):
    """Chinese prints with the bundled fonts; a private-use character has no font at all."""
    monkeypatch.setattr(fonts, "_fallbacks", lambda: ())
    monkeypatch.setattr(fonts, "_system_files_for", lambda code: [])
    actor = store.save(Actor(name="Xi Jinping", native_name="习近平 \ue123"))
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    assert result.pages == 1
    assert len(result.warnings) == 1
    assert "U+E123" in result.warnings[0] and "U+4E60" not in result.warnings[0]
    assert "习近平" in text_of(result.pdf)


def test_fallback_font_prints_what_the_card_font_lacks(store):
    actor = store.save(Actor(name="Name 习近平 ბიძინა"))
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    assert result.warnings == []
    assert "习近平" in text_of(result.pdf) and "ბიძინა" in text_of(result.pdf)
    names = {f["name"].split("+")[-1] for f in fonts_of(result.pdf)}
    assert {"DroidSansFallback", "NotoSansGeorgian-Bold"} <= names


def big_photo(orientation: int) -> bytes:
    image = Image.new("RGB", (4000, 3000), (180, 30, 30))
    image.paste((30, 30, 180), (0, 0, 4000, 1500))  # top half blue
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_photo_is_upright_and_downscaled(store):
    photo = big_photo(6)  # stored sideways: viewers rotate it 90° clockwise
    actor = store.save(Actor(name="Photographed", photo=photo))
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    assert result.pages == 1
    assert len(result.pdf) < 200_000 < len(photo)
    page = reader(result.pdf).pages[0]
    (image,) = page.images
    embedded = Image.open(io.BytesIO(image.data))
    assert embedded.width < embedded.height  # portrait frame, ~300 dpi
    assert embedded.width <= 320
    # after rotation the blue half is on the right: sample left and right columns
    rgb = embedded.convert("RGB")
    left = rgb.getpixel((5, embedded.height // 2))
    right = rgb.getpixel((embedded.width - 5, embedded.height // 2))
    assert left[0] > left[2] and right[2] > right[0]


def test_damaged_photo_does_not_stop_the_card(store):
    junk = b"\x89PNG\r\n\x1a\n" + b"junk" * 10
    with pytest.raises(ValidationError, match="photo: is damaged"):
        store.save(Actor(name="Broken photo", photo=junk))
    actor = store.save(Actor(name="Broken photo"))
    # a book changed by another program: the card prints and says so
    store.db.execute("UPDATE actors SET photo = ? WHERE id = ?", [junk, actor.id])
    store.db.conn.commit()
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    assert result.pages == 1
    assert "Photo not printed" in PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text()


def crowded_meeting(store, participants=60, text_length=6000):
    people = [store.save(Actor(name=f"Delegate {i} " + "Long-Surname" * 3,
                               native_name="Представитель делегации",
                               title="Deputy head of a very long department name " * 2))
              for i in range(participants)]
    meeting = store.save(Meeting(
        title="Conference " * 20, date=dt.date(2025, 5, 16),
        participants=[Participant(p.uid, f"Side {i % 3}",
                                  ParticipantRole.HEAD if i < 3 else ParticipantRole.MEMBER)
                      for i, p in enumerate(people)],
        agenda="Agenda item. " * (text_length // 13), outcomes="Outcome. " * (text_length // 9),
        follow_ups="Follow-up. " * (text_length // 11)))
    for i in range(30):
        store.save(Recommendation(title=f"Recommendation {i}", text="Act.", addressee="All",
                                  meeting_uids=[meeting.uid]))
    return meeting


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_sixty_participants_still_one_readable_page(store, page_size):
    meeting = crowded_meeting(store)
    result = meeting_card.render(dossier.meeting_dossier(store, meeting.id), SETTINGS,
                                 page_size)
    assert result.pages == 1
    assert result.body_size == MIN_BODY
    assert_no_type_below_the_floor(result.pdf)
    text = text_of(result.pdf)
    assert "more member" in text or "more recommendation" in text
    assert "Delegate 0" in text  # heads of delegation first


def test_the_least_delegation_height_never_exceeds_the_laid_out_one(store):
    """The fitting skips layouts the least height rules out: a least height above the
    real one would cut delegations that fit."""
    meeting = crowded_meeting(store, participants=13, text_length=100)
    people = [store.save(Actor(name=name, title=title)) for name, title in
              [("Short", ""), ("A name long enough to wrap " * 4, "Minister"), ("Plain", "x")]]
    meeting.participants += [Participant(p.uid, f"Side {i}", role_label="chair" if i else "")
                             for i, p in enumerate(people)]
    meeting = store.save(meeting)
    found = dossier.meeting_dossier(store, meeting.id)
    least = meeting_card.least_delegations_height(found)
    styles = card_styles(MIN_BODY)
    for width in (300.0, 500.0):
        ctx = blocks.CardContext(prep=TextPreparer(), width=width)
        for limit in range(0, 8):
            tables = meeting_card.delegation_table(found, ctx, styles, limit)
            laid_out = sum(table.wrap(width, 1e6)[1] for table in tables)
            assert least(limit) <= laid_out, (width, limit)
        assert least(7) > least(1) > least(0) == 0


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_twenty_thousand_character_biography(store, page_size):
    actor = store.save(Actor(name="Verbose", biography=("Word " * 4000).strip()))
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS, page_size)
    assert result.pages == 1 and result.body_size == MIN_BODY
    assert_no_type_below_the_floor(result.pdf)
    text = text_of(result.pdf)
    assert "Biography shortened to fit the card" in text
    # what does not fit is not hidden in the PDF either
    assert text.count("Word") < 4000


# --- the 7.5 pt floor ------------------------------------------------------------------

def assert_type_floor(result):
    """One page, body at 7.5 pt or more, never shrunk as a whole (a scaling transform)."""
    assert len(reader(result.pdf).pages) == 1
    assert result.body_size >= MIN_BODY
    content = reader(result.pdf).pages[0].get_contents().get_data().decode("latin-1")
    for match in re.finditer(r"(?m)^([0-9.]+) 0 0 ([0-9.]+) 0 0 cm$", content):
        scale_x, scale_y = map(float, match.groups())
        assert not (scale_x == scale_y and scale_x < 1), f"card shrunk to {scale_x:.2f}"
    sizes = [float(m) for m in re.findall(r"([0-9.]+) Tf", content)]
    assert min(sizes, default=MIN_BODY) >= MIN_BODY * 0.78 - 0.01  # labels: 0.78 of the body


def test_overlong_header_fields_are_cut_with_a_note_not_shrunk():
    """Every field at the longest the domain allows: once shrunk to ~3 pt without a word."""
    others = [Actor(name="W" * 200) for _ in range(50)]
    actor = Actor(name="W" * 200, native_name="Ж" * 200, title="W" * 500,
                  aliases=[f"{i:03d}" + "W" * 197 for i in range(200)],
                  tags=[f"{i:02d}" + "W" * 58 for i in range(12)])
    actor.check()
    gathered = dossier.ActorDossier(actor=actor, affiliations=others, members=others)
    for page_size in ("a5", "a4"):
        result = actor_card.render(gathered, SETTINGS, page_size)
        assert_type_floor(result)
        cut = [re.fullmatch(r"Actor card '.*': (.*) shortened to fit one page "
                            r"\(each cut to (\d+) characters\)", w) for w in result.warnings]
        fields = next(m for m in cut if m).group(1)
        # the fields as the card labels them; the name is what the card is for: whole
        assert "Title" in fields and "Tags" in fields and "Name" not in fields, fields
        assert "W" * 200 in "".join(text_of(result.pdf).split())
        assert "the full text is in the book" in text_of(result.pdf)


def test_a_crowded_a5_meeting_card_keeps_its_title_and_says_plainly_what_it_cut(store):
    """Twelve sides of long-titled delegates and long texts: the sections give way,
    down to nothing if need be, before a single letter of the title."""
    title = ("Russian–Ukrainian talks in Istanbul on a ceasefire, prisoner exchanges and "
             "the humanitarian situation in the occupied territories")
    people = [store.save(Actor(name=f"Delegate {i} with a long name",
                               title="Deputy Minister of Foreign Affairs and Special Envoy of "
                                     "the President for the negotiations on the region"))
              for i in range(30)]
    words = "The parties discussed the exchange of prisoners and agreed to talk again. "
    meeting = store.save(Meeting(
        title=title, date=dt.date(2025, 5, 16), place="Dolmabahçe Palace, Istanbul",
        agenda=words * 8, outcomes=words * 12, follow_ups=words * 6,
        participants=[Participant(p.uid, f"Side number {i % 12} with a long name")
                      for i, p in enumerate(people)]))
    for i in range(6):
        store.save(Recommendation(title=f"Recommendation {i}", text="Act.", addressee="All",
                                  meeting_uids=[meeting.uid]))
    result = meeting_card.render(dossier.meeting_dossier(store, meeting.id), SETTINGS, "a5")
    assert_type_floor(result)
    text = " ".join(text_of(result.pdf).split())
    assert title in text
    assert result.warnings == [
        f"Meeting card {title[:59] + '…'!r}: Recommendations, Follow-ups, Agenda, Outcomes "
        "and Delegations shortened to fit one page"]
    assert "Outcomes shortened to fit the card" in text
    assert "+ 6 more recommendations" in text


def test_card_command_says_what_it_shortened(sample_path, tmp_path, capsys):
    from desktopapp import cli
    code = cli.main(["card", "meeting", "5", "--page-size", "a5", "--db", str(sample_path),
                     "-o", str(tmp_path / "card.pdf")])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: " in err and "shortened to fit one page" in err


# --- hypothesis: anything a user can type --------------------------------------------

nasty = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
markup = st.text(alphabet=string.printable + "<>&\"'*_-#[]()\\ŁğЖ", max_size=300)
long_word = st.integers(1, 5000).map(lambda n: "x" * n)
field_text = st.one_of(nasty, markup, long_word, st.just(""))


def _line(text):
    return text.replace("\n", " ")[:200]


def marked(marker: str, text: str) -> str:
    """A fuzzed field with a plain word in front, to find it on the page; empty stays empty."""
    return f"{marker} {text}" if text else ""


# the smallest type in the scale (the labels) at the 7.5 pt body floor
TYPE_FLOOR = min(getattr(card_styles(MIN_BODY), f.name).fontSize
                 for f in dataclasses.fields(card_styles(MIN_BODY)) if f.name != "size")


def printed_sizes(pdf: bytes) -> list[float]:
    """The size, in points as printed, of every run of text on every page."""
    sizes = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            # vertical scale of the text matrix times the current transformation matrix
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes.append(size * math.hypot(c, d))

    for page in reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def assert_no_type_below_the_floor(pdf: bytes):
    smallest = min(printed_sizes(pdf))
    assert smallest >= TYPE_FLOOR - 0.01, f"{smallest:.2f} pt printed; floor {TYPE_FLOOR} pt"


def assert_one_complete_page(result, expected: list[tuple[str, str | None]]):
    """One page with no type below the floor; every (marker, note): the field's marker is
    printed, or else the note saying that its section was shortened or left out (only to
    make room for the record's name or title)."""
    pdf = reader(result.pdf)
    assert len(pdf.pages) == 1
    assert_no_type_below_the_floor(result.pdf)
    text = " ".join(pdf.pages[0].extract_text().split())
    for marker, note in expected:
        assert marker in text or (note is not None and note in text), (marker, note)


def fields_of(*pairs):
    """Expected markers of the fields that are not empty."""
    return [(marker, note) for marker, value, note in pairs if value]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# found by the fuzzer: the "long fields are shortened" note pushed a full card over the page
@example(name="x" * 133, bio="", topic="x" * 156, stance="", page_size="a5")
@given(name=field_text, bio=st.one_of(field_text, st.just("Biography. " * 2000)),
       topic=field_text, stance=field_text, page_size=st.sampled_from(PAGE_SIZES))
def test_any_actor_text_gives_one_complete_page(name, bio, topic, stance, page_size):
    citation = marked("Kqcite", _line(stance)) or "Kqcite"
    source = Source(citation=citation, url="https://example.org/" + _line(topic))
    alias, tag = marked("Kqalias", _line(topic)), marked("Kqtag", _line(topic)[:50])
    actor = Actor(name=marked("Kqname", _line(name)[:190]) or "Kqname",
                  native_name=marked("Kqnative", _line(name[::-1])[:190]),
                  title=marked("Kqtitle", _line(stance)), aliases=[alias] if alias else [],
                  biography=marked("Kqbio", bio),
                  positions=[Position(marked("Kqtopic", _line(topic)) or "Kqtopic",
                                      marked("Kqstance", stance) or "Kqstance", None,
                                      source.uid)] * 3,
                  tags=[tag] if tag.strip() else [], photo=None)
    meeting = Meeting(title=marked("Kqmeeting", _line(topic)) or "Kqmeeting",
                      date=dt.date(2025, 5, 16), place=_line(name))
    other = Actor(name=marked("Kqother", _line(topic)) or "Kqother")
    rec = Recommendation(title=marked("Kqrec", _line(name)) or "Kqrec", text="t", addressee="a")
    gathered = dossier.ActorDossier(
        actor=actor, affiliations=[other] * 3, members=[other] * 12,
        meetings=[dossier.MeetingRole(meeting, [("head", "")], _line(stance))] * 8,
        recommendations=[rec] * 8, sources=[source])
    settings_text = ExportSettings(organisation=marked("Kqorg", _line(name)[:100]),
                                   classification=marked("Kqclass", _line(topic))[:40])
    result = actor_card.render(gathered, settings_text, page_size)
    assert_type_floor(result)
    assert_one_complete_page(result, fields_of(
        ("Kqname", True, None), ("Kqnative", actor.native_name, None),
        ("Kqtitle", actor.title, None), ("Kqalias", alias, None), ("Kqtag", actor.tags, None),
        ("Kqbio", actor.biography, "Biography left out"), ("Kqtopic", True, "more position"),
        ("Kqstance", True, "more position"), ("Kqmeeting", True, "more meeting"),
        ("Kqrec", True, "more recommendation"), ("Kqother", True, None),
        ("Kqcite", True, "more source"), ("Kqorg", settings_text.organisation, None),
        ("KQCLASS", settings_text.classification, None)))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=field_text, outcomes=field_text, side=field_text,
       participants=st.integers(0, 60), page_size=st.sampled_from(PAGE_SIZES))
def test_any_meeting_text_gives_one_complete_page(title, outcomes, side, participants,
                                                  page_size):
    actors = {}
    seats = []
    for i in range(participants):
        actor = Actor(name=f"P{i:02d}q {_line(title)[:40]}", title=_line(outcomes)[:120])
        actors[actor.uid] = actor
        seats.append(Participant(actor.uid, f"Kqside{i % 4} {_line(side)[:30]}"))
    host = Actor(name=marked("Kqhost", _line(side)) or "Kqhost")
    actors[host.uid] = host
    tag = marked("Kqtag", _line(side)[:50])
    meeting = Meeting(title=marked("Kqtitle", _line(title)) or "Kqtitle",
                      date=dt.date(2025, 5, 16), participants=seats,
                      outcomes=marked("Kqoutcome", outcomes), agenda=marked("Kqagenda", outcomes),
                      follow_ups=marked("Kqfollow", outcomes),
                      place=marked("Kqplace", _line(side)), host_uids=[host.uid],
                      mediator_uids=[host.uid], tags=[tag] if tag.strip() else [])
    recs = [Recommendation(title=marked("Kqrec", _line(title)) or "Kqrec", text="t",
                           addressee=_line(side) or "a")] * 6
    sources = [Source(citation=marked("Kqcite", _line(outcomes)) or "Kqcite")] * 4
    result = meeting_card.render(dossier.MeetingDossier(meeting=meeting, actors=actors,
                                                        recommendations=recs, sources=sources),
                                 SETTINGS, page_size)
    assert_type_floor(result)
    assert_one_complete_page(result, fields_of(
        ("Kqtitle", True, None), ("Kqplace", meeting.place, None), ("Kqhost", True, None),
        ("Kqtag", meeting.tags, None), ("Kqagenda", meeting.agenda, "Agenda left out"),
        ("Kqoutcome", meeting.outcomes, "Outcomes left out"),
        ("Kqfollow", meeting.follow_ups, "Follow-ups left out"),
        ("Kqrec", True, "more recommendation"), ("Kqcite", True, "more source"),
        *((f"Kqside{i}", True, None) for i in range(min(participants, 4))),
        *((f"P{i:02d}q", True, "more member") for i in range(participants))))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=field_text, text=field_text, rationale=field_text,
       page_size=st.sampled_from(PAGE_SIZES))
@example(title="\ufb3d", text="\ufb3d", rationale="", page_size="a4")  # unassigned, no bidi class
def test_any_recommendation_text_gives_one_complete_page(title, text, rationale, page_size):
    concerned = Actor(name=marked("Kqactor", _line(text)) or "Kqactor",
                      native_name=marked("Kqnative", _line(title)))
    tag = marked("Kqtag", _line(title)[:50])
    rec = Recommendation(title=marked("Kqtitle", _line(title)) or "Kqtitle",
                         text=marked("Kqtext", text) or "Kqtext",
                         addressee=marked("Kqaddressee", _line(title)),
                         rationale=marked("Kqrationale", rationale),
                         author=marked("Kqauthor", _line(text)[:150]),
                         actor_uids=[concerned.uid], tags=[tag] if tag.strip() else [])
    meeting = Meeting(title=marked("Kqmeeting", _line(rationale)) or "Kqmeeting",
                      date=dt.date(2025, 5, 16), place=_line(text))
    result = recommendation_card.render(
        dossier.RecommendationDossier(
            recommendation=rec, meetings=[meeting] * 10, actors={concerned.uid: concerned},
            sources=[Source(citation=marked("Kqcite", _line(text)) or "Kqcite")]),
        SETTINGS, page_size)
    assert_type_floor(result)
    assert_one_complete_page(result, fields_of(
        ("Kqtitle", True, None), ("Kqtext", True, "Recommendation left out"),
        ("Kqaddressee", rec.addressee, None),
        ("Kqrationale", rec.rationale, "Rationale left out"),
        ("Kqauthor", rec.author, None), ("Kqtag", rec.tags, None),
        ("Kqmeeting", True, "more meeting"), ("Kqactor", True, "more actor"),
        ("Kqnative", concerned.native_name, "more actor"), ("Kqcite", True, "more source")))


# --- handouts and memos ---------------------------------------------------------------

def test_handout_is_meeting_card_then_one_card_per_participant(sample_store):
    result = handout.render(dossier.handout(sample_store, 5), SETTINGS, "a4")
    pdf = reader(result.pdf)
    assert len(pdf.pages) == 10 == result.pages
    first = pdf.pages[0].extract_text()
    assert "Russian–Ukrainian talks in Istanbul" in first and "Page 1 of 10" in first
    order = [pdf.pages[i].extract_text().split("\n") for i in range(1, 9)]
    names = ["Vladimir Medinsky", "Mikhail Galuzin", "Igor Kostyukov", "Alexander Fomin",
             "Rustem Umerov", "Serhiy Kyslytsya", "Oleksandr Poklad", "Vadym Skibitsky"]
    for lines, name in zip(order, names, strict=True):
        assert any(line.strip() == name for line in lines), name


def test_two_up_handout_puts_two_a5_cards_on_each_a4_sheet(sample_store):
    result = handout.render(dossier.handout(sample_store, 5), SETTINGS, two_up=True)
    pdf = reader(result.pdf)
    assert len(pdf.pages) == 5 == result.pages
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert round(width) == 842 and round(height) == 595  # A4 landscape
    assert "Vladimir Medinsky" in pdf.pages[0].extract_text()


def test_memo_pages_outline_and_metadata(sample_store):
    record = sample_store.get_memo(1)
    result = memo.render(dossier.memo_dossier(sample_store, record), SETTINGS)
    pdf = reader(result.pdf)
    total = len(pdf.pages)
    assert total == result.pages >= 2
    assert f"Page 1 of {total}" in pdf.pages[0].extract_text()
    assert f"Page {total} of {total}" in pdf.pages[-1].extract_text()
    titles = [o.title for o in pdf.outline if not isinstance(o, list)]
    assert titles[:2] == ["After Istanbul: no breakthrough, and Russia keeps its demands",
                          "The Talks on 16 May"]
    assert {"Recommendations", "Annex: who's who", "Sources"} <= set(titles)
    nested = [o for o in pdf.outline if isinstance(o, list)][0]
    assert "Russian–Ukrainian talks in Istanbul" in [o.title for o in nested]
    meta = pdf.metadata
    assert meta.title == "After Istanbul: no breakthrough, and Russia keeps its demands"
    assert meta.author == "Sample Analyst"
    assert "Sample memo No. 1" in meta.subject
    assert meta.creator.startswith("Briefing Desk")
    text = text_of(result.pdf)
    assert "Increase the pressure on Russia" in text and "Владимир Мединский" in text
    assert "RESTRICTED" in pdf.pages[-1].extract_text()


def test_composed_memo_covers_the_chosen_meetings(sample_store):
    record = dossier.compose_memo(sample_store, [5, 6], author="Analyst")
    result = memo.render(dossier.memo_dossier(sample_store, record), SETTINGS)
    text = text_of(result.pdf)
    assert "Russian–Ukrainian talks in Istanbul (16 May 2025, Istanbul)" in text
    assert "Trump–Putin phone call (19 May 2025)" in text
    assert "Support Ukraine during the negotiations" in text  # linked recommendation
    # the call was not held in Istanbul: the lead says which meetings were
    assert record.lead.startswith("2 meetings held 16–19 May 2025, 1 of them in Istanbul: ")


def test_failed_write_leaves_no_partial_file_and_keeps_the_old_one(sample_store, tmp_path,
                                                                   monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "card.pdf"
    target.write_bytes(b"%PDF- good old card")
    result = actor_card.render(dossier.actor_dossier(sample_store, 14), SETTINGS)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", broken_fsync)
    with pytest.raises(Exception, match="the disk is full"):
        write_pdf(result, target)
    assert target.read_bytes() == b"%PDF- good old card"
    assert [p.name for p in folder.iterdir()] == ["card.pdf"]


def test_a5_header_shortens_the_organisation_between_words(store):
    organisation = ("Ministry of Foreign Affairs of the Republic of Poland, Department of "
                    "Eastern Policy and Security Studies")
    actor = store.save(Actor(name="Radosław Sikorski"))
    result = actor_card.render(dossier.actor_dossier(store, actor.id),
                               ExportSettings(organisation=organisation), "a5")
    header = next(line for line in text_of(result.pdf).splitlines() if line.startswith("Ministry"))
    shown = header.split("…")[0].split()
    assert header.rstrip().endswith("…") and len(shown) < len(organisation.split())
    assert shown == organisation.split()[:len(shown)]  # whole words, none cut in half


def test_every_page_prints_its_own_documents_header(store):
    """The header's lines are laid out once and drawn on every page: each document
    still prints its own organisation and marking, on every one of its pages."""
    actor = store.save(Actor(name="Radosław Sikorski"))
    found = dossier.actor_dossier(store, actor.id)
    for organisation, marking in [("First Institute", ""), ("Second Institute", "restricted"),
                                  ("First Institute", "restricted")]:
        settings = ExportSettings(organisation=organisation, classification=marking)
        text = text_of(actor_card.render(found, settings, "a5").pdf)
        assert organisation in text and ("RESTRICTED" in text) == bool(marking)
        other = ({"First Institute", "Second Institute"} - {organisation}).pop()
        assert other not in text
    meeting = store.save(Meeting(title="Talks", date=dt.date(2025, 5, 16), participants=[
        Participant(actor.uid, "Poland")]))
    pages = PdfReader(io.BytesIO(handout.render(
        dossier.handout(store, meeting.id),
        ExportSettings(organisation="Third Institute")).pdf)).pages
    assert len(pages) == 2 and all("Third Institute" in p.extract_text() for p in pages)


def test_a5_header_gives_the_organisation_the_room_no_marking_takes(store):
    """Without a classification marking the middle of the header is empty: an
    organisation of 46 characters prints whole on A5 (it was cut to a third of the
    width, "Polish Institute of International …"); with a marking it keeps to its
    third, clear of the marking."""
    organisation = "Polish Institute of International Affairs (PISM)"
    actor = store.save(Actor(name="Radosław Sikorski"))

    def header(classification):
        result = actor_card.render(dossier.actor_dossier(store, actor.id),
                                   ExportSettings(organisation=organisation,
                                                  classification=classification), "a5")
        return next(line for line in text_of(result.pdf).splitlines()
                    if line.startswith("Polish"))

    assert header("") == organisation
    marked = header("RESTRICTED")
    assert marked.rstrip().endswith("…") and "RESTRICTED" not in marked


def test_characters_no_font_has_in_the_page_header_are_warned(store, monkeypatch):
    """The organisation and the classification marking print in every page's header:
    a character no font has there prints as "�" and is named in the warning, as in
    the card itself (it printed "�" with no warning)."""
    from desktopapp.domain import Memo
    monkeypatch.setenv("BRIEFING_SYSTEM_FONTS", "0")
    actor = store.save(Actor(name="Radosław Sikorski"))
    meeting = store.save(Meeting(title="Talks", date=dt.date(2025, 5, 16),
                                 participants=[Participant(actor_uid=actor.uid, side="Poland")]))
    settings = ExportSettings(organisation="Institute \ue001 of Studies",
                              classification="Restricted \ue002")
    results = [actor_card.render(dossier.actor_dossier(store, actor.id), settings),
               handout.render(dossier.handout(store, meeting.id), settings),
               memo.render(dossier.memo_dossier(store, Memo(title="M", meeting_uids=[
                   meeting.uid])), settings)]
    for result in results:
        assert any("U+E001" in w and "U+E002" in w for w in result.warnings), result.warnings
        assert "\ufffd" in text_of(result.pdf)


def test_text_longer_than_a_page_is_cut_before_any_layout():
    """A 50,000-character biography costs what a page of it costs (issue: 20 s before)."""
    from desktopapp.pdf import blocks
    from desktopapp.pdf.fonts import TextPreparer
    ctx = blocks.CardContext(prep=TextPreparer(), width=400)
    section = blocks.text_section("biography", 10, "Biography", "*a* **b** " * 5000, ctx,
                                  keep=600)
    assert section.size == blocks.PAGE_TEXT_MAX
    built = section.build(card_styles(MIN_BODY), 10**9)
    assert sum(len(getattr(f, "text", "") or "") for f in built) < 3 * blocks.PAGE_TEXT_MAX
    assert "shortened to fit the card" in built[-1].text


def test_a_text_cut_before_layout_is_named_in_the_warning_though_the_card_fits(store):
    """A biography of more than a page of markup fits once cut, at the largest type: the
    card shows its beginning and the note, and the export says it was shortened."""
    actor = store.save(Actor(name="Long Biography", biography="*first* **words** " * 2500))
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    text = text_of(result.pdf)
    assert text.index("first words first words") < text.index("Biography shortened to fit")
    assert result.shortened == {"biography": blocks.PAGE_TEXT_MAX}
    assert result.warnings == ["Actor card 'Long Biography': Biography shortened to fit one "
                               "page"]


def test_actor_card_lists_each_meeting_once_with_every_role(store):
    """Head of a delegation (the analyst's label "chair") and host of the same talks:
    one line, both roles, the label on the seat it belongs to and not on the host."""
    actor = store.save(Actor(name="Hakan Fidan", title="Minister of Foreign Affairs"))
    guest = store.save(Actor(name="Guest Minister"))
    both = store.save(Meeting(
        title="Talks in Istanbul", date=dt.date(2025, 5, 16), host_uids=[actor.uid],
        participants=[Participant(actor.uid, "Türkiye", ParticipantRole.HEAD,
                                  role_label="chair"),
                      Participant(guest.uid, "Guests")]))
    store.save(Meeting(title="Dinner in Ankara", date=dt.date(2025, 4, 1),
                       host_uids=[actor.uid], participants=[Participant(guest.uid, "Guests")]))
    gathered = dossier.actor_dossier(store, actor.id)
    assert [(m.meeting.id, m.roles, m.side) for m in gathered.meetings] == [
        (both.id, [("head", "chair"), ("host", "")], "Türkiye"),
        (gathered.meetings[1].meeting.id, [("host", "")], "")]
    text = " ".join(text_of(actor_card.render(gathered, SETTINGS, "a4").pdf).split())
    assert text.count("Talks in Istanbul") == 1
    assert "head of delegation (chair), host, Türkiye" in text
    assert "Dinner in Ankara host" in text and "host (chair)" not in text


def test_a_script_no_first_fallback_has_prints_with_the_font_fontconfig_names(store,
                                                                             monkeypatch,
                                                                             tmp_path):
    """A machine's Bengali or Tamil font comes far after the first 40 font files by name:
    its characters printed as U+FFFD though the machine had the font."""
    import shutil

    from desktopapp.resources import resource_path

    # a system font file of its own (the bundled one may be loaded already)
    georgian = str(tmp_path / "SystemGeorgian-Regular.ttf")
    shutil.copy(resource_path("fonts/NotoSansGeorgian-Regular.ttf"), georgian)
    asked = []

    def files_for(code):
        asked.append(code)
        return [georgian] if 0x10A0 <= code <= 0x10FF else []

    bundled = fonts.bundled_font_for
    monkeypatch.setattr(fonts, "bundled_font_for",
                        lambda code: None if 0x10A0 <= code <= 0x10FF else bundled(code))
    monkeypatch.setattr(fonts, "_fallbacks", lambda: ())
    monkeypatch.setattr(fonts, "_system_files_for", files_for)
    monkeypatch.setattr(fonts, "_found", [])
    monkeypatch.setattr(fonts, "_found_none", set())
    monkeypatch.setenv("BRIEFING_SYSTEM_FONTS", "1")  # CI runs this file again with it off
    actor = store.save(Actor(name="Bidzina Ivanishvili", native_name="ბიძინა \ue123"))
    result = actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    assert len(result.warnings) == 1 and "U+E123" in result.warnings[0]
    assert "ბიძინა" in text_of(result.pdf)
    # one look-up for the script (its font has the other letters), one for the missing one
    assert len(asked) == 2 and 0xE123 in asked
    actor_card.render(dossier.actor_dossier(store, actor.id), SETTINGS)
    assert len(asked) == 2  # neither asked again


def test_fontconfig_is_asked_for_truetype_files_regular_styles_first(tmp_path, monkeypatch):
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\n"
                    "echo '/f/NotoSerifBengali-Regular.ttf: '\n"
                    "echo '/f/NotoSansBengali-Bold.ttf: '\n"
                    "echo '/f/NotoSansBengali-Regular.ttf: '\n"
                    "echo '/f/Bengali.otf: '\n"
                    "echo '/f/Lohit-Bengali.ttf: '\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{__import__('os').environ['PATH']}")
    assert fonts._system_files_for(0x995) == [
        "/f/NotoSansBengali-Regular.ttf", "/f/NotoSerifBengali-Regular.ttf",
        "/f/Lohit-Bengali.ttf", "/f/NotoSansBengali-Bold.ttf"]
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert fonts._system_files_for(0x995) == []
