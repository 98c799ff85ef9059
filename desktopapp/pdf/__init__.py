"""PDF renderers (ReportLab): cards, handouts and memos from domain objects.

Each renderer takes dossier objects (plain domain records, see
desktopapp.dossier) and export settings, and returns a RenderResult with
the PDF bytes; ``write_pdf`` puts them on disk atomically.
"""

from ..atomicfile import write_bytes
from .reportlab_import import import_platypus

import_platypus()  # before any module here imports ReportLab's flowables

from .card import RenderResult  # noqa: E402


def write_pdf(result: RenderResult, path) -> None:
    """Write atomically: a failure never leaves a partial file or replaces a good one."""
    write_bytes(path, result.pdf)


__all__ = ["RenderResult", "write_pdf"]
