"""The installed PySide6 keeps None's reference count: PySide6-Essentials 6.12.0 drops one
reference on every Qt call that returns nothing, and CPython 3.11 then aborts
("none_dealloc") after some 20,000 calls. The run is in a child process, since
an affected release kills the process rather than failing an assertion."""

import subprocess
import sys
import textwrap

import pytest

CALLS = 60_000

PROBE = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, QTimer
    app = QCoreApplication([])
    obj, timer = QObject(), QTimer()
    before = sys.getrefcount(None)
    for _ in range({CALLS}):
        obj.setObjectName("x")
        timer.setInterval(5)
    app.processEvents()
    print(sys.getrefcount(None) - before)
""")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from CPython 3.12")
def test_qt_calls_returning_nothing_keep_none_alive():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    assert abs(int(done.stdout.strip())) < 100  # not one lost reference per call
