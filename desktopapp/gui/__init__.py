"""The desktop application (PySide6). Calls the store and the renderers; never SQL."""

from .compat import make_none_immortal

make_none_immortal()
