"""A plain, non-editable install works from any folder (resources ship in the wheel)."""

import re
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # pip builds it with the installed backend (hatchling, from the test extra)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(REPO)], check=True, capture_output=True,
                   timeout=600)
    (wheel_file,) = out.glob("briefing_desk-*.whl")
    return wheel_file


def test_wheel_carries_resources_and_the_right_dependencies(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(zf.read(metadata_name).decode())
    assert "desktopapp/resources/sample-book.json" in names
    assert "desktopapp/resources/briefing-book.schema.json" in names
    assert "desktopapp/store/migrations.py" in names
    for font in ("NotoSansArabic-Regular.ttf", "DroidSansFallbackFull.ttf",
                 "BriefingHangul-Regular.ttf", "LICENSE-OFL-Noto.txt", "README.md"):
        assert f"desktopapp/resources/fonts/{font}" in names
    requires = {re.match(r"[A-Za-z0-9_.-]+", r)[0].lower().replace("_", "-")
                for r in metadata.get_all("Requires-Dist") if "extra ==" not in r}
    assert {"pyside6-essentials", "pypdfium2", "sqlite-utils", "reportlab",
            "platformdirs", "uharfbuzz", "python-bidi"} <= requires
    assert "pyside6-pdf" not in requires  # pins PySide6-Essentials 6.12.0 exactly
    assert "desktopapp/resources/user-guide.md" in names
    assert "pyside6" not in requires  # the meta-package drags in WebEngine


def test_installed_wheel_runs_init_sample_from_any_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # The wheel's dependencies come from this environment's site-packages
    # (plain path entries: the editable checkout's .pth file is not read).
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir),
                                                       "platbase": str(env_dir)}))
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "--quiet", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    briefing = env_dir / "bin" / "briefing"
    done = subprocess.run([str(briefing), "init", "--db", "book.sqlite", "--sample"],
                          cwd=workdir, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([str(python), "-c", "import desktopapp; print(desktopapp.__file__)"],
                          cwd=workdir, capture_output=True, text=True, timeout=60)
    assert str(env_dir) in done.stdout  # the installed copy, not the checkout
    done = subprocess.run([str(briefing), "search", "Мединский", "--db", "book.sqlite"],
                          cwd=workdir, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Vladimir Medinsky" in done.stdout
