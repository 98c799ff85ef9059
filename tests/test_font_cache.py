"""The parsed-font cache: a font read back from it is the font ReportLab parses, and a
damaged, stale or unwritable cache costs time, never a wrong letter."""

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import font_roboto
import pytest
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktopapp.pdf import fontcache
from desktopapp.resources import resource_path

ROBOTO = Path(font_roboto.font_directory) / "Roboto-Regular.ttf"
ROBOTO_BOLD = Path(font_roboto.font_directory) / "Roboto-Bold.ttf"
ARABIC = resource_path("fonts/NotoSansArabic-Regular.ttf")


def comparable(font) -> dict:
    """Everything of a TTFont and its face that printing reads."""
    face = font.face
    state = fontcache.face_state(face)
    for key in ("glyphToChar", "hmetrics", "glyphPos"):  # kept marshalled on their own
        state[key] = marshal.loads(state[key])
    names = {key: (bytes(getattr(face, key)), getattr(face, key).ustr)
             for key in ("name", "familyName", "styleName", "fullName", "uniqueFontID")}
    scaled = [face._pdfScale(v) for v in (0, 1, 7, 1000, 2048, -33)]
    own = {key: value for key, value in vars(font).items()
           if key not in ("face", "state", "encoding", "ascent", "descent")}
    return {"state": state, "names": names, "scaled": scaled, "data": face._ttf_data,
            "own": own, "encoding": font.encoding.name}


def entries(cache_home: Path) -> list[Path]:
    folder = cache_home / fontcache.APP_FOLDER / "fonts"
    return sorted(folder.glob("*.marshal")) if folder.is_dir() else []


@pytest.fixture
def cache_home(private_home):
    return Path(os.environ["XDG_CACHE_HOME"])


@pytest.mark.parametrize("path", [ROBOTO, ARABIC], ids=["Roboto", "Noto Arabic"])
def test_a_font_read_from_the_cache_is_the_font_reportlab_parses(cache_home, path):
    parsed = TTFont("Probe", str(path), asciiReadable=False)
    first = fontcache.load_ttfont("Probe", path)  # parses, keeps
    assert not isinstance(first.face, fontcache.CachedFace) and len(entries(cache_home)) == 1
    again = fontcache.load_ttfont("Probe", path)
    assert isinstance(again.face, fontcache.CachedFace)
    assert comparable(again) == comparable(parsed) == comparable(first)
    for font in (first, again):  # as ReportLab reads them off the face
        assert (font.ascent, font.descent) == (parsed.face.ascent, parsed.face.descent)
    assert again.face.getCharWidth(ord("A")) == parsed.face.getCharWidth(ord("A"))
    assert again.face.makeSubset([0, 65, 66]) == parsed.face.makeSubset([0, 65, 66])


def test_the_tables_only_shaping_and_new_subsets_use_are_read_when_first_used(cache_home):
    parsed = TTFont("Probe", str(ROBOTO), asciiReadable=False)
    fontcache.load_ttfont("Probe", ROBOTO)  # parses, keeps
    face = fontcache.load_ttfont("Probe", ROBOTO).face
    later = ("glyphToChar", "hmetrics", "glyphPos")
    assert not set(later) & set(vars(face))  # a card of the fixed subsets reads none
    assert face.getCharWidth(ord("A")) == parsed.face.getCharWidth(ord("A"))
    assert face.makeSubset([0, 65, 1046]) == parsed.face.makeSubset([0, 65, 1046])
    assert {"hmetrics", "glyphPos"} <= set(vars(face))  # read for the new subset
    assert face.glyphToChar == parsed.face.glyphToChar and "glyphToChar" in vars(face)


def test_the_cache_can_be_turned_off(cache_home, monkeypatch):
    monkeypatch.setenv("BRIEFING_FONT_CACHE", "0")
    fontcache.load_ttfont("Probe", ROBOTO)
    font = fontcache.load_ttfont("Probe", ROBOTO)
    assert not isinstance(font.face, fontcache.CachedFace) and entries(cache_home) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "one bit", "empty", "folder",
                                    "not marshal", "wrong shape", "fifo", "endless"])
def test_a_damaged_entry_is_parsed_again_and_replaced(cache_home, damage):
    fontcache.load_ttfont("Probe", ROBOTO)
    [entry] = entries(cache_home)
    blob = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(os.urandom(5000))
    elif damage == "truncated":
        entry.write_bytes(blob[:len(blob) // 2])
    elif damage == "one bit":  # unmarshals fine: only the checksum notices
        middle = len(blob) // 2
        entry.write_bytes(blob[:middle] + bytes([blob[middle] ^ 1]) + blob[middle + 1:])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "folder":
        entry.unlink()
        entry.mkdir()
    elif damage == "fifo":  # was waited on for a writer for ever
        entry.unlink()
        os.mkfifo(entry)
    elif damage == "endless":  # was read until memory ran out
        entry.unlink()
        entry.symlink_to("/dev/zero")
    else:
        key, state = marshal.loads(blob[8:])
        if damage == "wrong shape":
            state["charWidths"] = [1, 2, 3]
            body = marshal.dumps((key, state))
        else:
            body = b"\x00 not a marshal stream"
        entry.write_bytes(fontcache.MAGIC + fontcache.zlib.crc32(body).to_bytes(4, "big") + body)
    font = fontcache.load_ttfont("Probe", ROBOTO)
    assert not isinstance(font.face, fontcache.CachedFace)
    assert comparable(font) == comparable(TTFont("Probe", str(ROBOTO), asciiReadable=False))
    if damage != "folder":  # written anew: the next start reads it
        assert isinstance(fontcache.load_ttfont("Probe", ROBOTO).face, fontcache.CachedFace)


def test_an_entry_for_a_changed_font_file_is_not_used(cache_home, tmp_path):
    path = tmp_path / "Card.ttf"
    shutil.copy(ROBOTO, path)
    fontcache.load_ttfont("Probe", path)
    assert isinstance(fontcache.load_ttfont("Probe", path).face, fontcache.CachedFace)
    # another font at the same path (an update of the font package)
    shutil.copy(ROBOTO_BOLD, path)
    font = fontcache.load_ttfont("Probe", path)
    assert not isinstance(font.face, fontcache.CachedFace)
    assert bytes(font.face.name) == b"Roboto-Bold"
    assert comparable(font) == comparable(TTFont("Probe", str(path), asciiReadable=False))
    # the same size and a new time: parsed again too
    before = path.stat()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert not isinstance(fontcache.load_ttfont("Probe", path).face, fontcache.CachedFace)
    assert isinstance(fontcache.load_ttfont("Probe", path).face, fontcache.CachedFace)


def test_an_entry_of_another_reportlab_is_not_used(cache_home, monkeypatch):
    fontcache.load_ttfont("Probe", ROBOTO)
    monkeypatch.setattr(fontcache, "REPORTLAB_VERSION", "0.0.1")
    assert not isinstance(fontcache.load_ttfont("Probe", ROBOTO).face, fontcache.CachedFace)


def test_a_cache_that_cannot_be_written_is_no_error(cache_home, monkeypatch):
    # a file where the cache folder should be: nothing can be created there
    cache_home.mkdir(parents=True, exist_ok=True)
    (cache_home / fontcache.APP_FOLDER).write_text("not a folder")
    font = fontcache.load_ttfont("Probe", ROBOTO)
    assert comparable(font) == comparable(TTFont("Probe", str(ROBOTO), asciiReadable=False))
    (cache_home / fontcache.APP_FOLDER).unlink()

    # a read-only file system or folder: renaming the written entry fails
    def refused(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fontcache.os, "replace", refused)
    font = fontcache.load_ttfont("Probe", ROBOTO)
    assert comparable(font) == comparable(TTFont("Probe", str(ROBOTO), asciiReadable=False))
    assert entries(cache_home) == []
    assert list((cache_home / fontcache.APP_FOLDER / "fonts").iterdir()) == []  # no leftovers


def test_a_file_that_is_no_font_fails_as_without_the_cache(cache_home, tmp_path):
    path = tmp_path / "broken.ttf"
    for content in (b"\x00\x01\x00\x00" + b"\x00" * 64, b"OTTO" + b"\x00" * 64):
        path.write_bytes(content)
        with pytest.raises(Exception) as plain:
            TTFont("Probe", str(path), asciiReadable=False)
        with pytest.raises(type(plain.value)):
            fontcache.load_ttfont("Probe", path)
    assert plain.type is TTFError  # PostScript outlines: the fallback search skips such files
    with pytest.raises(FileNotFoundError):
        fontcache.load_ttfont("Probe", tmp_path / "missing.ttf")
    assert entries(cache_home) == []


# Cards made in fresh processes (fonts are registered once per process): with
# the cache off, with it filled, and with every entry damaged. ReportLab's
# invariant mode leaves out dates and random ids, so equal content is equal bytes.
CARD = r"""
import sys
from reportlab import rl_config
rl_config.invariant = 1
from desktopapp.documents import render_record
from desktopapp.store import BriefingStore
from desktopapp.pdf import fonts
with BriefingStore.open(sys.argv[1]) as store:
    out = b""
    for kind, number in (("meeting", 5), ("actor", int(sys.argv[2]))):
        out += render_record(store, store.get(kind, number), store.settings()).pdf
sys.stdout.buffer.write(out)
"""


def card_bytes(book, actor_id, env) -> bytes:
    done = subprocess.run([sys.executable, "-c", CARD, str(book), str(actor_id)],
                          capture_output=True, env=env)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_cards_print_the_same_with_the_cache_filled_off_or_damaged(sample_store, sample_path,
                                                                  cache_home):
    from desktopapp.domain import Actor

    # a card in Arabic, Persian, Chinese and Korean: the bundled fonts are cached too
    actor = sample_store.save(Actor(name="علی شمخانی", native_name="王毅 · 박진 · فيصل",
                                    title="<i>Adviser</i> — مشاور"))
    env = dict(os.environ, BRIEFING_SYSTEM_FONTS="0")
    without = card_bytes(sample_path, actor.id, dict(env, BRIEFING_FONT_CACHE="0"))
    assert entries(cache_home) == []
    filling = card_bytes(sample_path, actor.id, env)
    kept = entries(cache_home)
    assert {p.name.split("-")[0] for p in kept} >= {"Roboto", "NotoSansArabic",
                                                   "DroidSansFallbackFull", "BriefingHangul"}
    assert card_bytes(sample_path, actor.id, env) == filling == without
    for entry in kept:
        blob = entry.read_bytes()
        entry.write_bytes(blob[:100] + bytes([blob[100] ^ 0xFF]) + blob[101:])
    assert card_bytes(sample_path, actor.id, env) == without
