"""Counts as people read them in messages: "1 source", "100,000 actors"."""


def number_of(count: int, plural: str) -> str:
    """``count`` with thousands separators and the noun in the singular for one
    (``plural`` ends in "s": the JSON sections' names)."""
    return f"{count:,} {plural[:-1] if count == 1 else plural}"
