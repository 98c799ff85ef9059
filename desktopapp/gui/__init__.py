"""The desktop application (PySide6). Calls the store and the renderers; never SQL."""
