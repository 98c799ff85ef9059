import sys

import pytest
from PySide6.QtCore import QObject

import desktopapp.gui  # noqa: F401  (applies the work-around on import)
from desktopapp.gui.compat import HEADROOM


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from CPython 3.12")
def test_none_survives_qt_calls_that_drop_its_references():
    assert sys.getrefcount(None) > HEADROOM // 2
    before = sys.getrefcount(None)
    obj = QObject()
    for _ in range(50_000):  # more than enough to reach zero without the work-around
        obj.setObjectName("x")
    assert sys.getrefcount(None) > HEADROOM // 2
    assert before - sys.getrefcount(None) <= 50_000
