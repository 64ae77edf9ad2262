"""What a photo must be, checked the same at import and at build: its format, no SVG, Pillow's pixel limit."""

from __future__ import annotations

import os

from PIL import Image, UnidentifiedImageError

ACCEPTED = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}  # what Pillow calls the formats editors send (MPO: a phone's JPEG)


class PhotoError(Exception):
    """A photo that cannot be published: one line naming the file."""


def is_svg(path: str | os.PathLike) -> bool:
    """An SVG file, by its name or its first bytes (an SVG can carry script: never published)."""
    if str(path).lower().endswith((".svg", ".svgz")):
        return True
    try:
        with open(path, "rb") as handle:
            start = handle.read(512).lstrip().lower()
    except OSError:
        return False
    return start.startswith((b"<svg", b"<?xml")) and b"<svg" in start


def open_photo_file(path: str | os.PathLike, smallest: int = 0) -> tuple[Image.Image, tuple[int, int]]:
    """(the photo decoded, a JPEG at a scale keeping both sides at least ``smallest``; its size in the file), or PhotoError."""
    if is_svg(path):
        raise PhotoError(f"{path}: an SVG file, refused (it can carry script); export it as PNG or JPEG")
    try:
        image = Image.open(path)
        size = image.size
        if smallest and image.format in ("JPEG", "MPO"):
            # libjpeg scales while it decodes (a phone's 12 megapixels in a third of the time), and
            # resizing from fewer pixels is faster still; a side never falls below what is made of it.
            image.draft(None, (smallest, smallest))
        image.load()
    except FileNotFoundError:
        raise PhotoError(f"{path}: no such file") from None
    except Image.DecompressionBombError:
        raise PhotoError(f"{path}: too many pixels for a photo (Pillow's limit: {Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels); export it smaller") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoError(f"{path}: not an image Pillow can read ({error})") from None
    if image.format not in ACCEPTED:
        raise PhotoError(f"{path}: a {image.format} file; photos are JPEG, PNG, WebP or GIF")
    return image, size


def check_photo_file(path: str | os.PathLike) -> None:
    """PhotoError unless ``path`` is a whole photo of an accepted format (its structure verified, every pixel decoded)."""
    if not is_svg(path):
        try:
            with Image.open(path) as image:
                image.verify()  # a PNG's checksums: what decoding alone lets pass
        except (Image.DecompressionBombError, FileNotFoundError):
            pass  # open_photo_file says it in its own words
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise PhotoError(f"{path}: not an image Pillow can read ({error})") from None
    open_photo_file(path)[0].close()
