"""Photos: how large they may be, and reading them without unbounded memory.

A small PNG can claim 12,000 × 12,000 pixels and need gigabytes once
decoded, so the size in the header is checked before any pixel is read,
at save and import time (the domain rules) and again before printing.
No Qt, no SQL: the domain and the PDF renderers both use this module.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # 40 megapixels: e.g. 7,700 × 5,200, more than any print needs


class PhotoError(ValueError):
    """A photo that cannot be used; the message says why, for people."""


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # our own limit below replaces Pillow's warning, which would be printed raw
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            raise PhotoError(f"has far more than {MAX_PIXELS // 1_000_000} megapixels "
                             "(the limit); scale it down first") from None
        except (OSError, SyntaxError, ValueError):
            raise PhotoError("is damaged or not a readable image") from None


def _check_size(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PhotoError(f"is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} "
                         f"megapixels); at most {MAX_PIXELS // 1_000_000} megapixels are "
                         "accepted — scale it down first")
    if width < 1 or height < 1:
        raise PhotoError("has no pixels")


def problem(data: bytes) -> str | None:
    """Why ``data`` cannot be a record's photo (too many pixels, damaged), or None."""
    try:
        image = _open(data)
        with image:
            _check_size(image)
            image.verify()  # checks the file's structure (PNG checksums...) without decoding
    except PhotoError as exc:
        return str(exc)
    except Exception:  # Pillow raises many kinds for damaged files
        return "is damaged or not a readable image"
    return None


def print_ready_jpeg(data: bytes, width_px: int, height_px: int) -> bytes:
    """Upright JPEG cropped to ``width_px`` × ``height_px``, from a bounded decode.

    Raises PhotoError for a damaged photo or one over the pixel limit.
    """
    image = _open(data)
    try:
        with image:
            _check_size(image)
            # JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still large enough
            image.draft("RGB", (width_px * 2, height_px * 2))
            image.load()
            # Other formats decode whole: shrink by an integer factor in the file's
            # own mode first, so no full-size RGB copy is ever made.
            factor = min(image.width // (width_px * 2), image.height // (height_px * 2))
            if factor > 1:
                image = image.reduce(factor)  # keeps the EXIF orientation in image.info
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image = ImageOps.fit(image, (width_px, height_px), method=Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoError("is damaged or not a readable image") from None
