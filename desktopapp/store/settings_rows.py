"""The export settings as rows of book_meta, the same in both backends.

Each setting is one ``settings.<name>`` row; ``settings_version`` counts
the saves, so a save from settings read before another save is refused
(ConflictError). The fields are those of the ExportSettings dataclass
(recordkinds.SETTINGS_FIELDS): a new setting is a new dataclass field.
"""

from __future__ import annotations

from enum import StrEnum

from ..domain import ExportSettings
from ..errors import ConflictError, ValidationError
from ..recordkinds import SETTINGS_FIELDS

PREFIX = "settings."
VERSION_KEY = "settings_version"  # outside the prefix: not a setting itself


def from_rows(rows: dict[str, str], version: int) -> ExportSettings:
    """Settings from their stored text by name (missing: the default)."""
    settings = ExportSettings(version=version)
    for name in SETTINGS_FIELDS:
        if name not in rows:
            continue
        default = getattr(settings, name)
        if isinstance(default, StrEnum):
            try:
                setattr(settings, name, type(default)(rows[name]))
            except ValueError:
                pass  # an unknown value from a hand-edited book: keep the default
        else:
            setattr(settings, name, rows[name])
    return settings


def version_of(text: str | None) -> int:
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def text(settings: ExportSettings, name: str) -> str:
    """A setting's stored text."""
    value = getattr(settings, name)
    return value.value if isinstance(value, StrEnum) else value


def all_of(settings: ExportSettings) -> dict:
    return {name: getattr(settings, name) for name in SETTINGS_FIELDS}


def refuse_unknown(changes: dict) -> None:
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError([(sorted(unknown)[0], "is not an export setting")],
                              "export settings")


def updated(current: ExportSettings, changes: dict,
            expected_version: int | None) -> ExportSettings:
    """The settings after ``changes``, checked; ConflictError if they moved on since read."""
    if expected_version is not None and current.version != expected_version:
        differ = [f"{name} is now {text(current, name)!r}" for name in SETTINGS_FIELDS
                  if name in changes and changes[name] != getattr(current, name)]
        raise ConflictError(
            "the export settings were changed elsewhere since they were opened"
            + (f" ({'; '.join(differ)})" if differ else "")
            + "; nothing was saved. Open the settings again to see the current values.",
            current=current)
    values = all_of(current)
    values.update(changes)
    for name, value in values.items():
        default = getattr(current, name)
        if isinstance(default, StrEnum) and not isinstance(value, StrEnum):
            try:
                values[name] = type(default)(value)
            except ValueError:
                pass  # check() names the field and the allowed values
    result = ExportSettings(**values).check()
    result.version = current.version + 1
    return result
