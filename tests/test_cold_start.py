"""What a command started from the shell loads: only what it uses.

A cold ``briefing card`` spent most of its time importing (issue 10):
sqlite-utils with click, pluggy and dateutil for a book it only reads,
http.client for an escape function, ReportLab's URL pattern, fonts it did
not print with. These tests name what each command must do without; the
times themselves are the benchmark's (``python -m desktopapp.bench --suite cli``).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPORT = ("import sys\nfrom desktopapp.cli import main\n"
          "status = main(sys.argv[1:])\n"
          "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n"
          "sys.exit(status)\n")
# never needed to read a book or print a card from one
NEVER = {"sqlite_utils", "click", "pluggy", "dateutil", "http.client", "urllib.request",
         "xml.sax.saxutils", "PySide6", "psycopg", "pypdf", "platformdirs"}
PRINTING = {"reportlab", "markdown_it", "uharfbuzz", "PIL"}
# the JSON format, the import and the export, copying books, new uids (uuid imports
# platform), the login name (getpass, with termios; only a write records it): none of
# it is needed to read records or print a card
NOT_FOR_READING = {"desktopapp.bookformat", "desktopapp.jsonstream", "desktopapp.quickdecode",
                   "desktopapp.store.importing", "desktopapp.store.exporting",
                   "desktopapp.store.copying", "uuid", "getpass", "termios"}
# imported by dataclasses for the docstring of a class without one, and by ReportLab for
# its safe-eval sandbox and a disk store: nothing here uses them (dataclass_code.py,
# pdf/reportlab_import.py)
NEVER_USED = {"inspect", "dis", "pickle"}


def modules_after(*args, env=None) -> set[str]:
    done = subprocess.run([sys.executable, "-c", REPORT, *map(str, args)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.rsplit("MODULES ", 1)[1].split())


@pytest.mark.parametrize("command", [["list", "actors", "--limit", "5"], ["show", "actor", "1"],
                                     ["search", "erdogan"]])
def test_reading_commands_load_neither_sqlite_utils_nor_the_printing(sample_path, command):
    loaded = modules_after(*command, "--db", sample_path)
    assert "desktopapp.store.book" in loaded  # the command did read the book
    assert not loaded & (NEVER | PRINTING | NOT_FOR_READING | NEVER_USED
                         | {"tempfile", "typing", "ast"})


def test_card_command_loads_the_printing_but_not_sqlite_utils(sample_path, tmp_path):
    loaded = modules_after("card", "meeting", "5", "--db", sample_path, "-o",
                           tmp_path / "card.pdf")
    assert "reportlab.platypus" in loaded and (tmp_path / "card.pdf").exists()
    assert not loaded & (NEVER | NOT_FOR_READING | NEVER_USED)


def test_a_card_with_no_photo_and_no_shaped_script_imports_neither_pillow_nor_harfbuzz(
        sample_path, tmp_path):
    loaded = modules_after("card", "meeting", "5", "--db", sample_path, "-o",
                           tmp_path / "card.pdf")
    assert (tmp_path / "card.pdf").exists()
    # their names stand in sys.modules until used (reportlab_import.ImportedOnFirstUse)
    assert not loaded & {"uharfbuzz._harfbuzz", "PIL._imaging", "PIL.ImageOps", "PIL.ExifTags"}
    assert not loaded & {"bidi", "typing"}  # the bidi algorithm: only for such text


def test_a_document_is_made_with_the_cycle_collector_off_and_it_is_restored(
        sample_path, tmp_path, monkeypatch):
    import gc

    from desktopapp import cli, documents

    seen = []
    render_record = documents.render_record

    def noting(*args, **kwargs):
        seen.append(gc.isenabled())
        return render_record(*args, **kwargs)

    monkeypatch.setattr(documents, "render_record", noting)
    assert gc.isenabled()
    assert cli.main(["card", "meeting", "5", "--db", str(sample_path), "-o",
                     str(tmp_path / "card.pdf")]) == 0
    assert seen == [False] and gc.isenabled()
    assert cli.main(["card", "meeting", "999", "--db", str(sample_path), "-o",
                     str(tmp_path / "none.pdf")]) == 1  # a failing one restores it too
    assert gc.isenabled()


EXITING = r"""
import gc, sys
from desktopapp.cli import main
as_a_call = sys.argv[1] == "--as-a-call"
if as_a_call:
    del sys.argv[1]
imported = gc.get_freeze_count()  # the modules' objects (see test_the_modules_objects...)
status = main(sys.argv[1:] if as_a_call else None)  # None: the program's own arguments
print(status, gc.get_freeze_count() > imported, gc.isenabled())
"""


def test_the_program_freezes_what_it_made_before_exiting_but_a_caller_keeps_its_collector(
        sample_path):
    # the collections at exit would only go through objects the exit frees anyway
    done = subprocess.run([sys.executable, "-c", EXITING, "list", "actors", "--db",
                           sample_path], capture_output=True, text=True)
    assert done.stdout.split()[-3:] == ["0", "True", "True"], done.stderr
    done = subprocess.run([sys.executable, "-c", EXITING, "--as-a-call", "list", "actors",
                           "--db", sample_path], capture_output=True, text=True)
    assert done.stdout.split()[-3:] == ["0", "False", "True"], done.stderr


IMPORTING = r"""
import gc, sys
if sys.argv[1] == "off":
    gc.disable()
made_before = []  # a cyclic object of the caller's, made before the import
made_before.append(made_before)
from desktopapp import cli
import desktopapp.documents  # (imported by `briefing card`, the collector off)
print(gc.isenabled(), gc.get_freeze_count() > 10_000, gc.is_tracked(made_before),
      any(o is made_before for o in gc.get_objects()))
"""


def test_the_modules_objects_are_frozen_after_import_and_the_collector_left_as_it_was():
    # the collector went through the modules' objects 25 times during a cold start
    done = subprocess.run([sys.executable, "-c", IMPORTING, "on"], capture_output=True,
                          text=True)
    # frozen: still tracked, but no longer among the objects collections go through
    assert done.stdout.split() == ["True", "True", "True", "False"], done.stderr
    done = subprocess.run([sys.executable, "-c", IMPORTING, "off"], capture_output=True,
                          text=True)
    # a caller that turned it off keeps it off, and nothing of its is frozen
    assert done.stdout.split() == ["False", "False", "True", "True"], done.stderr


def test_a_book_is_still_created_and_upgraded_with_sqlite_utils_migrations(tmp_path):
    loaded = modules_after("init", "--db", tmp_path / "new.sqlite")
    assert "sqlite_utils" in loaded  # the migrations ran on a new book


FIRST_USE = r"""
from desktopapp.pdf import fonts, reportlab_import
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph
from desktopapp.pdf.scripts import Paragraph
from desktopapp.pdf.styles import card_styles

styles = card_styles(10)
# ReportLab's URL pattern is compiled on first use, and works then
assert isinstance(paragraph.uri_pat, reportlab_import.CompiledOnFirstUse)
assert paragraph.uri_pat.match("https://example.org/a/b").group(1) == "https://"
# so are the patterns of three modules no card uses, which work when used
from reportlab.lib import PyFontify, rl_safe_eval, textsplit
for unused in (textsplit.rx, rl_safe_eval.__rl_unsafe_re__, PyFontify.matchRE):
    assert isinstance(unused, reportlab_import.CompiledOnFirstUse)
assert textsplit.rx.sub(r"<\1>", "a中b") == "a<中>b"
assert PyFontify.fontify("def f(): pass")[0][:3] == ("keyword", 0, 3)
# the italic styles are loaded when a paragraph first uses them
assert fonts.ITALIC not in pdfmetrics.getRegisteredFontNames()
Paragraph("upright <b>bold</b>", styles.body).wrap(300, 100)
assert fonts.ITALIC not in pdfmetrics.getRegisteredFontNames()
Paragraph("<i>italic</i>", styles.body).wrap(300, 100)
assert fonts.ITALIC in pdfmetrics.getRegisteredFontNames()
assert "CardSans-BoldItalic" not in pdfmetrics.getRegisteredFontNames()
Paragraph("a note", styles.note)  # the style's own font counts too
Paragraph("<b><i>both</i></b>", styles.body)
assert "CardSans-BoldItalic" in pdfmetrics.getRegisteredFontNames()
# the Markdown parser is imported for text that has lists or emphasis, only
import sys
from desktopapp.pdf.text import rich_text
prep = fonts.TextPreparer()
assert len(rich_text("Two lines\nof text.\n\nA second paragraph.", prep, styles.body,
                     styles.bullet)) == 2
assert "markdown_it" not in sys.modules
assert rich_text("- one\n- two", prep, styles.body, styles.bullet)[1].bulletText == "•"
assert "markdown_it" in sys.modules
# HarfBuzz and Pillow: imported when Arabic text or a photo first needs them
import io
from PIL import Image
from desktopapp.pdf import blocks
from desktopapp.pdf.reportlab_import import ImportedOnFirstUse
assert isinstance(sys.modules["uharfbuzz"], ImportedOnFirstUse)
assert isinstance(sys.modules["PIL.Image"], ImportedOnFirstUse)
assert "uharfbuzz._harfbuzz" not in sys.modules and "PIL._imaging" not in sys.modules
arabic = Paragraph("سلام عليكم", styles.body)
arabic.wrap(300, 100)
assert arabic._lines and "uharfbuzz._harfbuzz" in sys.modules
import uharfbuzz
assert not isinstance(uharfbuzz, ImportedOnFirstUse) and uharfbuzz.Buffer
png = io.BytesIO()
Image.new("RGB", (40, 60), "red").save(png, "PNG")  # the stand-in imports Pillow here
assert "PIL._imaging" in sys.modules
picture = blocks.photo(png.getvalue(), 50, 70)
assert type(picture).__name__ == "Image", picture
import PIL.Image
assert PIL.Image.open(io.BytesIO(png.getvalue())).size == (40, 60)
assert not isinstance(sys.modules["PIL.Image"], ImportedOnFirstUse)
"""


def test_the_url_pattern_the_italic_fonts_markdown_harfbuzz_and_pillow_load_on_first_use():
    done = subprocess.run([sys.executable, "-c", FIRST_USE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_pattern_compiled_on_first_use_answers_as_the_compiled_one():
    import re

    from desktopapp.lazypattern import CompiledOnFirstUse

    pattern = CompiledOnFirstUse("[\u4e00-\u9fff]+", re.IGNORECASE)
    assert "findall" not in vars(pattern)  # not compiled yet
    assert pattern.findall("ab中文cd漢") == ["中文", "漢"]
    compiled = vars(pattern)["findall"].__self__
    assert isinstance(compiled, re.Pattern) and vars(pattern)["sub"].__self__ is compiled
    assert pattern.sub("", "a中b") == "ab" and pattern.groups == 0
    assert pattern.flags & re.IGNORECASE and pattern.pattern == "[\u4e00-\u9fff]+"
    assert [m.group() for m in pattern.finditer("中x文")] == ["中", "文"]


def test_folding_compiles_its_script_patterns_only_when_it_first_folds_such_text():
    code = ("from desktopapp import folding\n"
            "patterns = [folding.CJK_RUN, folding._MARKS]\n"
            "assert not any('search' in vars(p) for p in patterns)\n"
            "assert folding.variants('Erdoğan 中央外事') == "
            "['erdogan', '中央', '央外', '外事', '事']\n"
            "assert all('search' in vars(p) for p in patterns)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_card_does_not_import_pyphen_where_it_is_installed(sample_path, tmp_path):
    """ReportLab imports Pyphen whenever it is installed (WeasyPrint, the bench's
    peer, brings it: 5 ms of every cold card), for hyphenation no card asks for."""
    import os
    # ReportLab swallows any error importing it: this one leaves its name behind
    (tmp_path / "pyphen.py").write_text("import sys\nsys.modules['pyphen_was_imported'] = sys\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    loaded = modules_after("card", "actor", "1", "--db", sample_path, "-o",
                           tmp_path / "card.pdf", env=env)
    assert (tmp_path / "card.pdf").exists()
    assert "reportlab.platypus" in loaded and "pyphen_was_imported" not in loaded


def test_a_card_loads_only_its_own_renderer_and_compiles_no_pattern_it_does_not_use(
        sample_path, tmp_path):
    code = ("import json, sys\nfrom desktopapp.cli import main\n"
            "assert main(sys.argv[1:]) == 0\n"
            "from desktopapp import domain, folding\n"
            "from desktopapp.pdf import fonts, scripts\n"
            "from reportlab.lib import colors, normalDate\n"
            "import platform\n"
            "from reportlab.platypus import paragraph\n"
            "unused = [domain._BAD_IN_LINE, domain._BAD_IN_TEXT, domain._UID, folding.WORD,\n"
            "          scripts.COMPLEX, scripts._RTL, fonts._VARIATION_SELECTOR,\n"
            "          paragraph._hy_letters_pat, paragraph._scheme_re, colors._re_css_args,\n"
            "          normalDate._iso_re, platform._libc_search, platform._os_release_line]\n"
            "print(json.dumps([sorted(sys.modules),\n"
            "                  [p.source[0] for p in unused if 'search' in vars(p)]]))\n")
    done = subprocess.run([sys.executable, "-c", code, "card", "meeting", "5", "--db",
                           sample_path, "-o", tmp_path / "card.pdf"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded, compiled = json.loads(done.stdout.splitlines()[-1])
    assert "desktopapp.pdf.meeting_card" in loaded
    assert not set(loaded) & {"desktopapp.pdf.actor_card", "desktopapp.pdf.memo",
                              "desktopapp.pdf.recommendation_card"}
    assert compiled == []
    # and each works when a document needs it
    check = ("from desktopapp import domain, folding\n"
             "from desktopapp.pdf import fonts, scripts\n"
             "from reportlab.platypus import paragraph\n"
             "assert domain.is_uid('0' * 8 + '-0000-0000-0000-' + '0' * 12)\n"
             "assert not domain.is_uid('x')\n"
             "assert folding.WORD.findall('a bc') == ['a', 'bc']\n"
             "assert scripts.is_complex('שלום') and not scripts.is_complex('abc')\n"
             "assert paragraph._scheme_re.match('https') and not paragraph._scheme_re.match('1')\n")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- dataclass methods compiled once and kept (dataclass_code.py) -------------------

DESCRIBE = r"""
import dataclasses, json, re, sys
import desktopapp.cli, desktopapp.documents, desktopapp.bookformat, desktopapp.dossier
import desktopapp.pdf.actor_card, desktopapp.pdf.meeting_card, desktopapp.pdf.memo
import desktopapp.pdf.recommendation_card
from desktopapp import dataclass_code

def describe(fn):
    c = fn.__code__
    # a __repr__ is wrapped (reprlib's recursion guard): the generated one is in the closure
    closure = [describe(cell.cell_contents) if hasattr(cell.cell_contents, "__code__")
               else re.sub(" at 0x[0-9a-f]+", "", repr(cell.cell_contents))  # (addresses)
               for cell in fn.__closure__ or ()]
    return [c.co_code.hex(), repr(c.co_consts), c.co_names, c.co_varnames, c.co_freevars,
            c.co_flags, c.co_filename, c.co_firstlineno, c.co_linetable.hex(),
            c.co_exceptiontable.hex(), repr(fn.__annotations__), repr(fn.__defaults__),
            repr(fn.__kwdefaults__), fn.__qualname__, closure]

classes = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("desktopapp"):
        continue
    for value in list(vars(module).values()):
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            methods = {m: describe(vars(value)[m]) for m in sorted(vars(value))
                       if m.startswith("__") and hasattr(vars(value)[m], "__code__")}
            classes[f"{value.__module__}.{value.__qualname__}"] = methods
print(json.dumps({"classes": classes, "kept_used": len(dataclass_code._used),
                  "compiled": len(dataclass_code._made)}))
"""


def _cache_env(cache: Path, **more) -> dict:
    return {**os.environ, "XDG_CACHE_HOME": str(cache), **more}


def _describe(env) -> dict:
    done = subprocess.run([sys.executable, "-c", DESCRIBE], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _run_program(env, *args):
    """``briefing ARGS`` as the installed command runs it: main() with its own arguments."""
    code = "import sys\nfrom desktopapp.cli import main\nsys.exit(main())\n"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)  # a hang fails, not hangs, the test


def test_the_program_keeps_the_dataclass_methods_it_compiled_and_the_next_start_uses_them(
        sample_path, tmp_path):
    env = _cache_env(tmp_path / "cache")
    kept = tmp_path / "cache" / "briefing-desk" / "code"
    first = _describe(env)  # a start that is no `briefing` program writes nothing
    assert first["compiled"] > 100 and not kept.exists()
    done = _run_program(env, "card", "meeting", "5", "--db", sample_path, "-o",
                        tmp_path / "card.pdf")
    assert done.returncode == 0, done.stderr
    assert len(list(kept.iterdir())) == 1
    again = _run_program(env, "list", "actors", "--db", sample_path)  # nothing new to keep
    assert again.returncode == 0, again.stderr
    second = _describe(env)
    # the card's classes came from the file; only what no card uses was compiled
    assert second["kept_used"] > 100 and second["compiled"] < first["compiled"] - 100
    # every method of every class is the one Python compiles itself
    plain = _describe({**env, "BRIEFING_CODE_CACHE": "0"})
    assert plain["compiled"] == 0 and plain["kept_used"] == 0
    assert second["classes"] == plain["classes"] == first["classes"]
    assert len(plain["classes"]) > 30


def test_a_damaged_or_foreign_code_file_is_ignored_and_written_anew(sample_path, tmp_path):
    from desktopapp.dataclass_code import _load

    env = _cache_env(tmp_path / "cache")
    assert _run_program(env, "list", "actors", "--db", sample_path).returncode == 0
    (kept,) = (tmp_path / "cache" / "briefing-desk" / "code").iterdir()
    good = kept.read_bytes()
    texts = set(_load(str(kept)))
    assert len(texts) > 50
    listing = _run_program(env, "list", "actors", "--db", sample_path).stdout
    for bad in (good[:-1] + bytes([good[-1] ^ 1]),  # a flipped bit: the checksum refuses it
                good[:4] + b"\0\0\0\0" + good[8:],  # another Python's bytecode
                b"not ours", b"", "fifo", "endless"):
        kept.unlink()
        if bad == "fifo":  # was waited on for a writer for ever
            os.mkfifo(kept)
        elif bad == "endless":  # was read until memory ran out
            kept.symlink_to("/dev/zero")
        else:
            kept.write_bytes(bad)
        done = _run_program(env, "list", "actors", "--db", sample_path)
        assert done.returncode == 0 and done.stdout == listing, done.stderr
        assert set(_load(str(kept))) == texts  # the same methods, written anew


def test_a_cache_folder_that_cannot_be_written_costs_only_the_compiling(sample_path, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("the cache folder's parent is a file")
    done = _run_program(_cache_env(blocked), "show", "actor", "1", "--db", sample_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Russia\n")
    assert blocked.read_text() == "the cache folder's parent is a file"


def test_the_exec_stand_in_runs_what_it_does_not_keep_as_exec_does():
    from desktopapp import dataclass_code

    namespace = {}
    dataclass_code._exec("made = 40 + 2", namespace)
    assert namespace["made"] == 42
    dataclass_code._exec(compile("again = made + 1", "<test>", "exec"), namespace)
    assert namespace["again"] == 43
    local = {}
    dataclass_code._exec("inside = made", namespace, local)
    assert local == {"inside": 42} and "inside" not in namespace


ONLY_WHERE_USED = r"""
import sys
import desktopapp.pdf  # ReportLab, imported as a card imports it
from dataclasses import dataclass
from reportlab.lib import rl_safe_eval, utils
from desktopapp.pdf.reportlab_import import ImportedOnFirstUse
assert "inspect" not in sys.modules and "pickle" not in sys.modules
assert isinstance(utils.pickle, ImportedOnFirstUse)
assert isinstance(rl_safe_eval.inspect, ImportedOnFirstUse)
import pickle  # any other importer gets the module itself
assert not isinstance(pickle, ImportedOnFirstUse) and pickle.loads(pickle.dumps([1])) == [1]
assert utils.pickle.dumps is pickle.dumps  # ReportLab's stand-in answers with it
assert rl_safe_eval.rl_safe_eval("[1 + 2, 'a' * 2]") == [3, "aa"]  # the sandbox's inspect
assert "inspect" in sys.modules
@dataclass
class Point:
    x: int
assert Point.__doc__ == "Point(x: int)"  # as dataclasses writes it with inspect
# the standard modules whose patterns ReportLab's import left for their first use
import html, platform
from html.parser import HTMLParser
assert platform.python_implementation() == "CPython" and platform.libc_ver()[0] == "glibc"
seen = []
class Parser(HTMLParser):
    def handle_starttag(self, tag, attrs):
        seen.append((tag, attrs))
    def handle_data(self, data):
        seen.append(data)
Parser(convert_charrefs=False).feed("<b a='1'>x &amp; &#233;</b><!-- c --><p>")
assert seen[0] == ("b", [("a", "1")]) and ("p", []) in seen, seen
assert html.unescape("&amp; &#233; &eacute;") == "& é é"
"""


def test_inspect_and_pickle_are_imported_where_they_are_used_and_work_there():
    done = subprocess.run([sys.executable, "-c", ONLY_WHERE_USED], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_a_dataclass_without_a_docstring_gets_the_one_dataclasses_writes():
    code = ("import sys\nimport desktopapp\nfrom dataclasses import dataclass, field\n"
            "assert 'inspect' not in sys.modules\n"
            "@dataclass\nclass Span:\n    start: int\n"
            "    tags: list = field(default_factory=list)\n"
            "assert 'inspect' in sys.modules\n"
            "print(Span.__doc__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Span(start: int, tags: list = <factory>)"


def test_a_card_is_made_whatever_home_is_and_a_reportlab_mods_file_still_runs(
        sample_path, tmp_path):
    """ReportLab runs ~/.reportlab_mods when imported: with HOME not a folder
    (/dev/null) or that name a folder, the card failed ("cannot write the output:
    Not a directory")."""
    folder_home = tmp_path / "home-with-a-folder"
    (folder_home / ".reportlab_mods").mkdir(parents=True)
    file_home = tmp_path / "home-with-a-file"
    file_home.mkdir()
    (file_home / ".reportlab_mods").write_text(
        "import sys\nsys.modules['home_mods_ran'] = sys\n")
    for home, ran in (("/dev/null", False), (folder_home, False), (file_home, True)):
        out = tmp_path / "card.pdf"
        loaded = modules_after("card", "actor", "1", "--db", sample_path, "-o", out,
                               env={**os.environ, "HOME": str(home)})
        assert out.read_bytes().startswith(b"%PDF")
        assert ("home_mods_ran" in loaded) is ran
        out.unlink()
