"""Photos and social cards: each article's photo in a few widths and formats, and a 1200×630 card for every page."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup
from pelican import signals
from pelican.contents import Content, Page, Static
from PIL import Image, ImageCms, ImageColor, ImageDraw, ImageFilter, ImageFont, ImageOps, ImageSequence, features

from cafetech import parallel
from cafetech.editions import editions, tag_label
from cafetech.contents import content_objects
from cafetech.files import file_sha256, replacing, sha256, write_atomically
from cafetech.photo_files import PhotoError, is_svg, open_photo_file  # noqa: F401 (is_svg, PhotoError: this plugin's API too)

logger = logging.getLogger(__name__)

DEFAULTS = {
    "PHOTOS_WIDTHS": (480, 800, 1200),  # of the modern format (AVIF or WebP)
    # The one JPEG width, for the few browsers without AVIF (old Safari on iPhones, 2 or 3 device
    # pixels a CSS pixel), feeds and the email edition (a 536 px column): 800 serves them all, where
    # three JPEG widths doubled the bytes a photo leaves on disk.
    "PHOTOS_FALLBACK_WIDTH": 800,
    # Thumbnails: their own widths, cropped to the theme's thumbnail slot (`.thumbnail img`, 8rem ×
    # 6rem: 128 × 96 CSS px), so that a screen of 1 or 2 device pixels a CSS pixel gets 1.25 times
    # the pixels it shows; their JPEG at the narrowest, never more than twice the slot either.
    "PHOTOS_THUMBNAIL_WIDTHS": (160, 320),
    "PHOTOS_THUMBNAIL_RATIO": (4, 3),
    # The format of the <source> beside the JPEG fallback: "avif", "webp", or "auto" (AVIF when this
    # Pillow writes it, else WebP). An animated GIF becomes an animated WebP, with a GIF fallback.
    "PHOTOS_FORMAT": "auto",
    # avif_widest / webp_widest: the widest rendition's. Only a dense screen (1.5 device pixels a CSS
    # pixel or more) fetches it at an article's width, and shows it shrunk: a lower quality does not
    # show there ("compressive images") and keeps a phone's lead photo light. The JPEG fallback keeps one quality.
    # card: a photographed article's 1200×630 card (JPEG), shown at half its size or less in a feed or a chat.
    "PHOTOS_QUALITY": {"avif": 60, "webp": 80, "jpeg": 82, "avif_widest": 50, "webp_widest": 70, "card": 70},
    "PHOTOS_MAX_FRAMES": 300,  # an animated GIF with more frames is refused
    "PHOTOS_PATH": "photos",  # the site's folder of photo derivatives
    "PHOTOS_CARDS_PATH": "cards",  # the site's folder of generated cards
    # The photo store: a folder that outlives the code (its entries are filed under their recipe), as
    # development builds set it. None: CACHE_PATH/photos when Pelican's content cache is on (it goes
    # with that cache), else nothing kept (a cold build encodes in a temporary folder).
    "PHOTOS_CACHE_PATH": None,
    # How a file taken from the store is verified against the digest recorded when it was made:
    # "stat" hashes it again only when its size or time changed since (development builds);
    # "digest" hashes every file taken (publish builds: nothing unverified is published).
    "PHOTOS_CACHE_VERIFY": "stat",
    "PHOTOS_CARD_FONTS": ("fonts/DejaVuSerif-Bold.ttf", "fonts/DejaVuSerif.ttf"),  # (titles, other text), in THEME
    # The site's colours (theme/static/css/main.css, :root).
    "PHOTOS_CARD_COLOURS": {"background": "#fffdf9", "text": "#1d1b19", "muted": "#5a544e", "accent": "#8a3b12"},
}

CARD_SIZE = (1200, 630)
FORMATS = {"avif": ("AVIF", "image/avif", "avif"), "webp": ("WEBP", "image/webp", "webp"), "jpeg": ("JPEG", "image/jpeg", "jpg"), "gif": ("GIF", "image/gif", "gif")}
# Bump when the way a derivative or a card is drawn changes: the store's entries are filed under it.
RECIPE_VERSION = 3
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufe00-\ufe0f\U000e0000-\U000e007f]")  # joiners, variation selectors, tags


@dataclass(frozen=True)
class PhotosConfig:
    widths: tuple[int, ...]
    fallback_width: int
    thumbnail_widths: tuple[int, ...]
    thumbnail_ratio: tuple[int, int]
    modern: str  # "avif" or "webp"
    quality: dict
    max_frames: int
    site_path: str
    cards_path: str
    cache_path: str | None  # the photo store; None: this build only
    reuse: bool  # take what the store holds
    verify: str  # "stat" or "digest" (DEFAULTS)
    fonts: tuple[str, str]  # absolute paths
    colours: dict

    def photo_recipe(self) -> str:
        """A digest of everything a photo's derivatives are made with, besides the photo: the settings,
        Pillow's version and its encoders' (the same recipe and photo make the same files)."""
        encoders = [features.version(name) for name in ("jpg", "webp", "avif")]
        made = (self.widths, self.fallback_width, self.thumbnail_widths, self.thumbnail_ratio, self.modern, sorted(self.quality.items()))
        return sha256(repr((RECIPE_VERSION, Image.__version__, encoders, made, self.colours["background"])))

    def card_recipe(self) -> str:
        """A digest of everything a drawn card is made with, besides its text."""
        fonts = [_file_digest(path) for path in self.fonts]
        return sha256(repr((RECIPE_VERSION, Image.__version__, features.version("zlib"), fonts, sorted(self.colours.items()))))


def config(settings: dict) -> PhotosConfig:
    """The plugin's settings: the user's laid over DEFAULTS, validated."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("PHOTOS_WIDTHS", "PHOTOS_THUMBNAIL_WIDTHS"):
        if not _widths(merged[key]):
            raise ValueError(f"photos: {key} must be a list of widths in pixels (16 to 4096), not {merged[key]!r}")
    if not _widths([merged["PHOTOS_FALLBACK_WIDTH"]]):
        raise ValueError(f"photos: PHOTOS_FALLBACK_WIDTH must be a width in pixels (16 to 4096), not {merged['PHOTOS_FALLBACK_WIDTH']!r}")
    ratio = merged["PHOTOS_THUMBNAIL_RATIO"]
    if not isinstance(ratio, (list, tuple)) or len(ratio) != 2 or not all(isinstance(side, int) and side > 0 for side in ratio):
        raise ValueError(f"photos: PHOTOS_THUMBNAIL_RATIO must be (width, height), such as (4, 3), not {ratio!r}")
    chosen = merged["PHOTOS_FORMAT"]
    if chosen not in ("auto", "avif", "webp"):
        raise ValueError(f"photos: PHOTOS_FORMAT must be one of auto, avif, webp, not {chosen!r}")
    if chosen == "avif" and not features.check("avif"):
        raise ValueError("photos: PHOTOS_FORMAT is 'avif' but this Pillow cannot write AVIF; use 'webp' or 'auto'")
    modern = ("avif" if features.check("avif") else "webp") if chosen == "auto" else chosen
    quality = {**DEFAULTS["PHOTOS_QUALITY"], **(merged["PHOTOS_QUALITY"] or {})}
    if set(quality) != set(DEFAULTS["PHOTOS_QUALITY"]) or not all(isinstance(q, int) and 1 <= q <= 100 for q in quality.values()):
        raise ValueError(
            f"photos: PHOTOS_QUALITY maps avif, webp, jpeg, avif_widest, webp_widest and card to a quality from 1 to 100, not {merged['PHOTOS_QUALITY']!r}"
        )
    frames = merged["PHOTOS_MAX_FRAMES"]
    if not isinstance(frames, int) or frames < 1:
        raise ValueError(f"photos: PHOTOS_MAX_FRAMES must be a whole number >= 1, not {frames!r}")
    for key in ("PHOTOS_PATH", "PHOTOS_CARDS_PATH"):
        if not isinstance(merged[key], str) or not re.fullmatch(r"[\w-]+(/[\w-]+)*", merged[key]):
            raise ValueError(f"photos: {key} must be a folder of the site such as 'photos', not {merged[key]!r}")
    fonts = tuple(os.path.join(settings.get("THEME", ""), font) for font in merged["PHOTOS_CARD_FONTS"])
    if len(fonts) != 2 or (missing := [font for font in fonts if not os.path.isfile(font)]):
        raise ValueError(f"photos: PHOTOS_CARD_FONTS must name two font files of the theme; {', '.join(missing) or fonts} not found")
    colours = {**DEFAULTS["PHOTOS_CARD_COLOURS"], **(merged["PHOTOS_CARD_COLOURS"] or {})}
    if set(colours) != set(DEFAULTS["PHOTOS_CARD_COLOURS"]) or not all(isinstance(c, str) and _COLOUR.match(c) for c in colours.values()):
        raise ValueError(f"photos: PHOTOS_CARD_COLOURS maps {', '.join(DEFAULTS['PHOTOS_CARD_COLOURS'])} to #rrggbb colours")
    if merged["PHOTOS_CACHE_VERIFY"] not in ("stat", "digest"):
        raise ValueError(f"photos: PHOTOS_CACHE_VERIFY must be 'stat' or 'digest', not {merged['PHOTOS_CACHE_VERIFY']!r}")
    cache, reuse = merged["PHOTOS_CACHE_PATH"], True  # a store of its own: its entries cannot go stale
    if cache is not None and (not isinstance(cache, str) or not cache):
        raise ValueError(f"photos: PHOTOS_CACHE_PATH must be a folder, not {cache!r}")
    if cache is None and settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH"):
        cache, reuse = os.path.join(settings["CACHE_PATH"], "photos"), bool(settings.get("LOAD_CONTENT_CACHE", True))
    return PhotosConfig(
        widths=tuple(sorted(set(merged["PHOTOS_WIDTHS"]))),
        fallback_width=merged["PHOTOS_FALLBACK_WIDTH"],
        thumbnail_widths=tuple(sorted(set(merged["PHOTOS_THUMBNAIL_WIDTHS"]))),
        thumbnail_ratio=tuple(ratio),
        modern=modern,
        quality=quality,
        max_frames=frames,
        site_path=merged["PHOTOS_PATH"],
        cards_path=merged["PHOTOS_CARDS_PATH"],
        cache_path=cache,
        reuse=reuse,
        verify=merged["PHOTOS_CACHE_VERIFY"],
        fonts=fonts,
        colours=colours,
    )


def _widths(widths) -> bool:
    return isinstance(widths, (list, tuple)) and bool(widths) and all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 4096 for w in widths)


# --- what the templates read --------------------------------------------------
# Named tuples, not dataclasses: the page cache fingerprints what a page reads down to a fixed depth,
# and a tuple costs it one level where an object costs two (a Photo of dataclasses went past the limit,
# so every page showing a photo, and its search document, was rendered again at every build).


class Rendition(NamedTuple):
    url: str  # site-relative, as every link of the site: write {{ SITEURL }}/{{ url }}
    width: int
    height: int


class Source(NamedTuple):
    type: str  # its MIME type
    renditions: tuple[Rendition, ...]  # narrowest first


class Thumbnail(NamedTuple):
    """A photo cropped to the thumbnail slot's ratio, in its own small widths (read as a Photo is)."""

    width: int  # of the widest: the <img>'s width and height
    height: int
    sources: tuple[Source, ...]
    src: Rendition  # the <img>'s: the JPEG


class Photo(NamedTuple):
    """An article's photo: ``sources`` for <source> (the modern format), ``src`` for the <img>."""

    alt: str
    credit: str
    width: int  # of the widest rendition: the <img>'s width and height give the layout its ratio
    height: int
    sources: tuple[Source, ...]
    src: Rendition  # the <img>'s src, the one fallback (JPEG, GIF for an animation): feeds and mail clients take it
    animated: bool
    thumbnail: Thumbnail  # a still, even of an animation
    alt_lang: str = ""  # the alt text's language when not the page's (an untranslated Image_alt); a plain value, for the page cache


class Card(NamedTuple):
    """A page's Open Graph image (1200×630): its photo, cropped, or a card drawn with its title."""

    url: str
    width: int
    height: int
    alt: str
    alt_lang: str = ""  # as Photo.alt_lang


# --- pure functions: photos ---------------------------------------------------


@lru_cache(maxsize=16)
def _file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return sha256(handle.read())


def rendition_widths(source_width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The widths a photo is made in: never wider than its source (a narrow photo keeps its own width)."""
    widest = min(source_width, widths[-1])
    return (*(width for width in widths if width < widest), widest)


def to_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB, as RGB or RGBA (its ICC profile applied), with no metadata left."""
    profile = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
            image = converted if converted is not None else image
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: the pixels are taken as sRGB, as a browser would
    if image.mode != mode:
        image = image.convert(mode)
    clean = image.copy()
    clean.info = {}  # EXIF (GPS, camera), XMP, comments and the profile stay behind
    return clean


LARGE_MEGAPIXELS = 24  # the widest derivative is 1200 px: more is only encoding time


def open_photo(path: str, max_frames: int, smallest: int = 0) -> tuple[list[Image.Image], list[int], int]:
    """(frames, durations in ms, loop count) of a photo, upright (EXIF orientation applied), in sRGB,
    without metadata; one frame for a still. A JPEG whose sides are both at least twice ``smallest``
    is decoded at a half, a quarter or an eighth of its size, its sides still at least ``smallest``.
    PhotoError when it cannot be published."""
    name = os.path.basename(path)
    image, (width, height) = open_photo_file(path, smallest)
    megapixels = width * height / 1e6
    if megapixels > LARGE_MEGAPIXELS:
        logger.warning("%s: a %.0f-megapixel photo, slow to encode at every cold build; %d megapixels are plenty", path, megapixels, LARGE_MEGAPIXELS)
    frames_count = getattr(image, "n_frames", 1) if getattr(image, "is_animated", False) else 1
    if frames_count > max_frames:
        raise PhotoError(
            f"{path}: an animation of {frames_count} frames, more than PHOTOS_MAX_FRAMES ({max_frames}); "
            f"shorten it, or export one frame of {name} as JPEG"
        )
    if frames_count == 1:
        return [to_srgb(ImageOps.exif_transpose(image))], [0], 0
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100)) or 100)
        frames.append(to_srgb(frame.convert("RGBA")))
    return frames, durations, int(image.info.get("loop", 0))


def rendition_height(size: tuple[int, int], width: int) -> int:
    return max(1, round(size[1] * width / size[0]))


def _resized(frame: Image.Image, size: tuple[int, int]) -> Image.Image:
    return frame if size == frame.size else frame.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flattened(frame: Image.Image, background: str) -> Image.Image:
    """An RGB image for JPEG: transparency laid on the page's background colour."""
    if frame.mode != "RGBA":
        return frame
    flat = Image.new("RGB", frame.size, background)
    flat.paste(frame, mask=frame.getchannel("A"))
    return flat


_FOCUS = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s+(\d{1,3}(?:\.\d+)?)\s*%\s*$")


def parse_focus(value: str) -> tuple[float, float]:
    """(across, down) as fractions of the photo, from an ``Image_focus`` value such as ``50% 30%``
    (CSS's object-position order); PhotoError naming the field otherwise."""
    found = _FOCUS.match(str(value))
    if not found or not all(0 <= float(number) <= 100 for number in found.groups()):
        raise PhotoError(f"Image_focus: {str(value)!r} must be two percentages from 0% to 100%, across then down, such as 50% 30%")
    return float(found[1]) / 100, float(found[2]) / 100


DETAIL_SIDE = 160  # px: the longest side of the copy the automatic crop looks at


def detail_map(frame: Image.Image) -> Image.Image:
    """A small greyscale copy of the frame's edges: bright where it has detail (a face, text), dark
    where it is flat (sky, a wall, a blurred background)."""
    small = frame.convert("L")
    small.thumbnail((DETAIL_SIDE, DETAIL_SIDE), Image.Resampling.BOX)
    return small.filter(ImageFilter.FIND_EDGES)


def automatic_focus(detail: Image.Image, window: tuple[float, float]) -> tuple[float, float]:
    """The focus of the crop keeping the most detail: the window (a fraction of each side) slid along
    the axis it is shorter on, at the position where the detail map is brightest; among positions
    within 2 % of the best, the one nearest the middle (a photo evenly detailed keeps its centre)."""
    focus = [0.5, 0.5]
    for axis in (0, 1):
        length = detail.size[axis]
        span = max(1, round(window[axis] * length))
        if span >= length:
            continue
        # The mean of each column (or row), by a box resize: the window's sum is a slice of it.
        profile = list(detail.resize((length, 1) if axis == 0 else (1, length), Image.Resampling.BOX).tobytes())
        scores = [sum(profile[start : start + span]) for start in range(length - span + 1)]
        best, middle = max(scores), (length - span) / 2
        start = min((start for start, score in enumerate(scores) if score >= 0.98 * best), key=lambda start: (abs(start - middle), start))
        focus[axis] = (start + span / 2) / length
    return focus[0], focus[1]


def found_focus(frame: Image.Image, window: tuple[float, float], detail: Image.Image | None = None) -> tuple[float, float]:
    """The automatic focus of a crop of ``window`` pixels from ``frame`` (its detail map made if not given)."""
    return automatic_focus(detail if detail is not None else detail_map(frame), (window[0] / frame.width, window[1] / frame.height))


def crop_box(size: tuple[int, int], window: tuple[float, float], focus: tuple[float, float]) -> tuple[float, float, float, float]:
    """The box of ``window`` (in pixels) centred on ``focus`` (fractions of ``size``), moved back inside the image."""
    box = []
    for length, span, at in zip(size, window, focus):
        span = min(span, length)  # a window a rounding error too large
        start = max(0.0, min(at * length - span / 2, length - span))
        box += [start, start + span]
    return box[0], box[2], box[1], box[3]


def cropped(frame: Image.Image, size: tuple[int, int], focus: tuple[float, float] | None, detail: Image.Image | None = None) -> Image.Image:
    """The frame cropped to the ratio of ``size`` around its focus (found from its detail without one)
    and scaled down to ``size``; the caller never asks for more pixels than the crop holds."""
    scale = min(frame.width / size[0], frame.height / size[1])
    window = (size[0] * scale, size[1] * scale)
    focus = focus or found_focus(frame, window, detail)
    return frame.resize(size, Image.Resampling.LANCZOS, box=crop_box(frame.size, window, focus), reducing_gap=3.0)


def card_of_photo(frame: Image.Image, focus: tuple[float, float] | None, background: str, detail: Image.Image | None = None) -> Image.Image:
    """A 1200×630 card from a photo: cropped around its focus and scaled down to fill the card; a
    photo too small to fill it is never enlarged: cropped to the card's size at most, at its own
    size, in the middle of the site's background."""
    if frame.width >= CARD_SIZE[0] and frame.height >= CARD_SIZE[1]:
        return _flattened(cropped(frame, CARD_SIZE, focus, detail), background)
    window = (min(frame.width, CARD_SIZE[0]), min(frame.height, CARD_SIZE[1]))
    focus = focus or found_focus(frame, window, detail)
    left, top, right, bottom = (round(side) for side in crop_box(frame.size, window, focus))
    card = Image.new("RGB", CARD_SIZE, background)
    piece = _flattened(frame.crop((left, top, right, bottom)), background)
    card.paste(piece, ((CARD_SIZE[0] - piece.width) // 2, (CARD_SIZE[1] - piece.height) // 2))
    return card


def _save(frames: list[Image.Image], path: str, kind: str, quality: int, durations: list[int] = (0,), loop: int = 0) -> None:
    pil_format = FORMATS[kind][0]
    options: dict = {}
    if kind == "jpeg":
        # Not progressive: a third of the time for 3 to 5 % more bytes, in the fallback only.
        options = {"quality": quality, "optimize": True}
    elif kind == "avif":
        # 6 takes twice as long for 1 to 3 % fewer bytes; 9 and 10 (libaom's real-time mode) take a
        # third of the time but lose up to 16 % at the same fidelity on a real photo (README, Photos).
        options = {"quality": quality, "speed": 8}
    elif kind == "webp":
        options = {"quality": quality, "method": 4}
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:], duration=durations, loop=loop)
        if kind == "gif":
            options.update(disposal=2, optimize=False)
    with replacing(path, keep_mode=False) as partial:  # a new file of the store
        frames[0].save(partial, pil_format, **options)


def encode_photo(path: str, folder: str, cfg: PhotosConfig, focus: tuple[float, float] | None = None) -> dict:
    """Write a photo's derivatives, its thumbnails and its card into ``folder`` (every crop around
    ``focus``, or where the photo has the most detail); what was written, as JSON-able data
    (``info.json`` there, written last: a folder without it is not finished)."""
    smallest = max(cfg.widths[-1], cfg.fallback_width, CARD_SIZE[0])
    frames, durations, loop = open_photo(path, cfg.max_frames, smallest=smallest)
    animated = len(frames) > 1
    width, height = frames[0].size
    os.makedirs(folder, exist_ok=True)
    background = cfg.colours["background"]
    modern, fallback = ("webp", "gif") if animated else (cfg.modern, "jpeg")
    widths = rendition_widths(width, cfg.widths)
    fallback_width = min(cfg.fallback_width, width)
    renditions: dict[int, list[Image.Image]] = {}
    larger = frames
    for target in sorted({*widths, fallback_width}, reverse=True):  # each width from the next larger one: fewer pixels to filter
        larger = renditions[target] = [_resized(frame, (target, rendition_height((width, height), target))) for frame in larger]
    files = []

    def save(kind: str, target: int, images: list[Image.Image], name: str, quality: int, into: list) -> None:
        ready = [_flattened(image, background) for image in images] if kind == "jpeg" else images
        _save(ready, os.path.join(folder, name), kind, quality, durations, loop)
        into.append({"kind": kind, "width": target, "height": images[0].height, "name": name})

    for target in widths:
        dense = target == widths[-1] and len(widths) > 1  # only fetched by dense screens (DEFAULTS)
        quality = cfg.quality[f"{modern}_widest" if dense else modern]
        save(modern, target, renditions[target], f"{target}.{FORMATS[modern][2]}", quality, files)
    fallback_quality = cfg.quality.get(fallback, 0)  # a GIF has none
    save(fallback, fallback_width, renditions[fallback_width], f"{fallback_width}.{FORMATS[fallback][2]}", fallback_quality, files)

    # Crops: of the first frame (a thumbnail and a card stand still), from the sharpest copy at hand.
    still, detail = frames[0], detail_map(frames[0])
    ratio = cfg.thumbnail_ratio
    crop_width = min(width, round(height * ratio[0] / ratio[1]))
    thumbnails: list = []
    thumbnail_widths = rendition_widths(crop_width, cfg.thumbnail_widths)
    larger_thumbnail = still
    for target in reversed(thumbnail_widths):
        size = (target, max(1, round(target * ratio[1] / ratio[0])))
        larger_thumbnail = cropped(still, size, focus, detail) if larger_thumbnail is still else _resized(larger_thumbnail, size)
        dense = target == thumbnail_widths[-1] and len(thumbnail_widths) > 1
        quality = cfg.quality[f"{cfg.modern}_widest" if dense else cfg.modern]
        save(cfg.modern, target, [larger_thumbnail], f"thumbnail-{target}.{FORMATS[cfg.modern][2]}", quality, thumbnails)
    save("jpeg", target, [larger_thumbnail], f"thumbnail-{target}.jpg", cfg.quality["jpeg"], thumbnails)  # the narrowest
    thumbnails.sort(key=lambda entry: (entry["kind"] == "jpeg", entry["width"]))
    _save([card_of_photo(still, focus, background, detail)], os.path.join(folder, "card.jpg"), "jpeg", cfg.quality["card"])
    info = {"width": width, "height": height, "animated": animated, "files": files, "thumbnails": thumbnails, "card": "card.jpg"}
    _write_json(os.path.join(folder, "info.json"), info)
    return info


def _write_json(path: str, data) -> None:
    write_atomically(path, json.dumps(data))


def photo_stem(path: str) -> str:
    """A readable start for a derivative's name: the source's name, in URL-safe characters."""
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:32].strip("-") or "photo"


def make_photo(info: dict, stem: str, digest: str, site_path: str, alt: str, credit: str) -> tuple[Photo, dict[str, str]]:
    """The Photo the templates read, and {site path: name in the cache entry} of its files."""
    files: dict[str, str] = {}

    def sources_and_src(entries: list, label: str) -> tuple[tuple[Source, ...], Rendition]:
        by_kind: dict[str, list[Rendition]] = {}
        for entry in entries:
            url = f"{site_path}/{stem}-{digest[:10]}-{label}{entry['width']}.{entry['name'].rsplit('.', 1)[1]}"
            files[url] = entry["name"]
            by_kind.setdefault(entry["kind"], []).append(Rendition(url, entry["width"], entry["height"]))
        fallback = by_kind.pop("gif", None) or by_kind.pop("jpeg")
        return tuple(Source(FORMATS[kind][1], tuple(renditions)) for kind, renditions in by_kind.items()), fallback[-1]

    sources, src = sources_and_src(info["files"], "")
    widest = (sources[0].renditions if sources else (src,))[-1]
    small, small_src = sources_and_src(info["thumbnails"], "thumbnail-")
    thumbnail = Thumbnail(small_src.width, small_src.height, small, small_src)
    return Photo(alt, credit, widest.width, widest.height, sources, src, info["animated"], thumbnail), files


# --- pure functions: cards ------------------------------------------------------


@dataclass(frozen=True)
class CardText:
    """What a generated card says: the site's name above, the page's title, a line below."""

    site: str
    title: str
    footer: str


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # The basic layout: the same pixels with or without libraqm, and Latin text needs no more.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4096)
def _has_glyph(path: str, character: str) -> bool:
    font = _font(path, 40)
    missing = font.getmask("\uffff")  # a noncharacter: the font's "missing glyph" box
    mask = font.getmask(character)
    return not (mask.size == missing.size and bytes(mask) == bytes(missing)) or character.isspace()


def drawable(text: str, font_path: str) -> str:
    """The text with the characters the font cannot draw (emoji and their variation selectors, say)
    left out, on one line."""
    text = re.sub(r"[ \t\r\n]+", " ", text)  # not str.split(): no-break spaces must stay
    kept = "".join(c for c in text if c == " " or (not _INVISIBLE.match(c) and _has_glyph(font_path, c)))
    return re.sub(r" {2,}", " ", kept).strip(" ")


def wrap_words(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines no wider than ``width``: breaks at ordinary spaces only (a no-break space joins, as
    French typography wants before : ; ! ? and inside « »); a word wider than a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while font.getlength(line) > width:  # one word longer than a line (a URL, a long compound)
            cut = len(line) - 1
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def shorten(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The line with an ellipsis at its end, cut at a word if it can be, so that it fits."""
    while line and font.getlength(line + "…") > width:
        line = line.rsplit(" ", 1)[0] if " " in line.strip() else line[:-1]
    return line.rstrip(" ,;:–-") + "…"


def fit_title(title: str, font_path: str, width: int, height: int, sizes=range(76, 35, -4), line_spacing: float = 1.2):
    """(font size, lines) of the largest size at which the title fits the box; at the smallest size
    a title still too long is cut at its last line, with an ellipsis. Nothing ever overflows."""
    for size in sizes:
        font = _font(font_path, size)
        lines = wrap_words(title, font, width)
        if len(lines) * round(size * line_spacing) <= height:
            return size, lines
    size = sizes[-1]
    font = _font(font_path, size)
    lines = wrap_words(title, font, width)
    keep = max(1, height // round(size * line_spacing))
    if len(lines) > keep:
        lines = [*lines[: keep - 1], shorten(" ".join(lines[keep - 1 :]), font, width)]
    return size, lines


CARD_MARGIN, CARD_BAR = 80, 20


def draw_card(text: CardText, cfg: PhotosConfig) -> Image.Image:
    """A 1200×630 card: the site's name, the title as large as fits, a line below, in the site's colours."""
    title_font_path = cfg.fonts[0]
    image = _card_background(text.site, text.footer, cfg.fonts, tuple(sorted(cfg.colours.items()))).copy()
    draw = ImageDraw.Draw(image)
    top, bottom = 150, 520
    size, lines = fit_title(drawable(text.title, title_font_path), title_font_path, CARD_SIZE[0] - 2 * CARD_MARGIN, bottom - top)
    font, step = _font(title_font_path, size), round(size * 1.2)
    y = top + (bottom - top - len(lines) * step) // 2
    for line in lines:
        draw.text((CARD_MARGIN, y), line, font=font, fill=cfg.colours["text"])
        y += step
    return image


@lru_cache(maxsize=16)
def _card_background(site: str, footer: str, fonts: tuple[str, str], colours: tuple) -> Image.Image:
    """What the cards of one edition share (drawn once: a card for every page makes it count)."""
    title_font_path, text_font_path = fonts
    colours = dict(colours)
    width, height = CARD_SIZE
    inner = width - 2 * CARD_MARGIN
    image = Image.new("RGB", CARD_SIZE, colours["background"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_BAR - 1, height), fill=colours["accent"])
    site_font = _font(title_font_path, 40)
    draw.text((CARD_MARGIN, 64), shorten_to(drawable(site, title_font_path), site_font, inner), font=site_font, fill=colours["accent"])
    footer_font = _font(text_font_path, 28)
    footer = shorten_to(drawable(footer, text_font_path), footer_font, inner)
    if footer:
        draw.line((CARD_MARGIN, 548, CARD_MARGIN + 120, 548), fill=colours["accent"], width=4)
        draw.text((CARD_MARGIN, 562), footer, font=footer_font, fill=colours["muted"])
    return image


def shorten_to(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    return line if font.getlength(line) <= width else shorten(line, font, width)


def card_digest(text: CardText, recipe: str) -> str:
    return sha256(repr((recipe, text.site, text.title, text.footer)))


CARD_SHADES = 10  # steps from the background to each ink: smooth anti-aliasing in 31 colours


@lru_cache(maxsize=4)
def card_palette(colours: tuple) -> Image.Image:
    """The drawn cards' palette: the background, and for each ink (text, accent, muted) the shades
    between it and the background that anti-aliased letters are made of."""
    colours = dict(colours)
    background = ImageColor.getrgb(colours["background"])
    shades = [background]
    for ink in ("text", "accent", "muted"):
        target = ImageColor.getrgb(colours[ink])
        for step in range(1, CARD_SHADES + 1):
            shades.append(tuple(round(b + (t - b) * step / CARD_SHADES) for b, t in zip(background, target)))
    palette = Image.new("P", (1, 1))
    palette.putpalette([value for shade in shades for value in shade])
    return palette


def write_card(text: CardText, path: str, cfg: PhotosConfig) -> None:
    # Flat colour and letters: a PNG of the site's palette weighs a third of a JPEG at quality 50
    # (13 KB against 37 KB, median of the site's titles), with no ringing around the letters, and
    # encodes as fast (zlib level 6; 9 or `optimize` take eight times as long for 10 % less).
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image = draw_card(text, cfg).quantize(palette=card_palette(tuple(sorted(cfg.colours.items()))), dither=Image.Dither.NONE)
    with replacing(path, keep_mode=False) as partial:  # a new file of the store
        image.save(partial, "PNG", compress_level=6)


def plain(value) -> str:
    return Markup(str(value)).striptags() if "<" in str(value) else str(value)


def title_of(item) -> str:
    """The title as the page prints it, typeset, without markup."""
    return getattr(item, "title_text", None) or plain(item.title)


def image_path(content_path: str, value: str, root: str) -> str:
    """The file an ``Image:`` line names: beside the article (or under the content folder with a
    leading '/'); PhotoError for an address or a file outside the content folder."""
    value = value.strip()
    if _URL.match(value) or value.startswith("//"):
        raise PhotoError(f"Image: {value!r} is an address; name a file beside the article")
    base = root if value.startswith("/") else os.path.dirname(content_path)
    path = os.path.normpath(os.path.join(base, value.lstrip("/")))
    if os.path.commonpath([os.path.abspath(path), os.path.abspath(root)]) != os.path.abspath(root):
        raise PhotoError(f"Image: {value!r} is outside the content folder")
    return path


def metadata_line(path: str, key: str) -> int | None:
    """The line of a metadata field in a Markdown source, for messages."""
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    return None
                if line.lower().startswith(key.lower() + ":"):
                    return number
    except OSError:
        return None
    return None


# --- the cache ------------------------------------------------------------------


def entry_files(info: dict) -> list[str]:
    """Every file of a photo's entry in the store, as its ``info.json`` lists them, and that file."""
    return [entry["name"] for entry in info["files"] + info["thumbnails"]] + [info["card"], "info.json"]


class Store:
    """Derivatives and cards under ``root``, by the digest of what they are made from: a photo's in a
    folder named by its recipe and its bytes, a card in a file named by its recipe and its text.

    Every file made is recorded with its size, time and SHA-256 (``verified.json``); a file is taken
    only if it still matches (``intact``): one cut short by a crash or a full disk, or changed through
    a hard link of an old site, is made again with a warning, never linked into the site."""

    def __init__(self, root: str, photo_recipe: str, card_recipe: str, reuse: bool, verify: str = "stat"):
        self.root, self.photo_recipe, self.card_recipe, self.reuse, self.verify = root, photo_recipe, card_recipe, reuse, verify
        self.used: set[str] = set()  # entries this build used (the others are pruned)
        self.sources: dict = {}  # source path -> [size, mtime_ns, digest]
        self.made: dict = {}  # a file's path under root -> [size, mtime_ns, sha256] when it was made
        if reuse:
            self.sources = self._read_index("sources.json")
            self.made = self._read_index("verified.json")

    def _read_index(self, name: str) -> dict:
        try:
            with open(os.path.join(self.root, name), encoding="utf-8") as handle:
                found = json.load(handle)
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def source_digest(self, path: str) -> str:
        """The digest of a source file's bytes; read again only when its size or time changed."""
        stat = os.stat(path)
        known = self.sources.get(path)
        if known and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            return known[2]
        with open(path, "rb") as handle:
            digest = sha256(handle.read())
        self.sources[path] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def photo_folder(self, digest: str) -> str:
        name = f"{self.photo_recipe[:12]}-{digest[:32]}"
        self.used.add(name)
        return os.path.join(self.root, name)

    def card_path(self, digest: str) -> str:
        name = f"card-{digest[:32]}.png"
        self.used.add(name)
        return os.path.join(self.root, name)

    def record(self, path: str) -> None:
        """Remember a file just made, as it is now."""
        stat = os.stat(path)
        self.made[os.path.relpath(path, self.root)] = [stat.st_size, stat.st_mtime_ns, file_sha256(path)]

    def intact(self, path: str) -> bool | None:
        """True if the file is as it was made; False if it changed since; None if it was never recorded."""
        known = self.made.get(os.path.relpath(path, self.root))
        if not known:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if self.verify == "stat" and [stat.st_size, stat.st_mtime_ns] == known[:2]:
            return True
        return stat.st_size == known[0] and file_sha256(path) == known[2]

    def _damaged(self, paths: list[str]) -> bool | None:
        """None if ``paths`` can be taken; else True if one changed since it was made (named in a
        warning; dropped), False if one was never recorded (made again, silently)."""
        states = [(path, self.intact(path)) for path in paths]
        changed = [path for path, state in states if state is False]
        if changed:
            logger.warning("%s: changed since it was made (cut short or altered), made again", changed[0])
            return True
        return False if any(state is None for _path, state in states) else None

    def photo_info(self, folder: str) -> dict | None:
        """What a finished entry holds; None for one to make again (none, unfinished, damaged, a file gone)."""
        if not self.reuse:
            return None
        try:
            with open(os.path.join(folder, "info.json"), encoding="utf-8") as handle:
                info = json.load(handle)
            names = entry_files(info)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        damaged = self._damaged([os.path.join(folder, name) for name in names])
        if damaged:
            shutil.rmtree(folder, ignore_errors=True)
        return info if damaged is None else None

    def record_photo(self, folder: str, info: dict) -> None:
        for name in entry_files(info):
            self.record(os.path.join(folder, name))

    def has(self, path: str) -> bool:
        if not (self.reuse and os.path.isfile(path)):
            return False
        damaged = self._damaged([path])
        if damaged:
            os.unlink(path)
        return damaged is None

    def save(self) -> None:
        """Keep the indexes of source digests and of made files; forget every entry this build did not use."""
        os.makedirs(self.root, exist_ok=True)
        _write_json(os.path.join(self.root, "sources.json"), {path: value for path, value in self.sources.items() if os.path.exists(path)})
        made = {path: value for path, value in self.made.items() if path.split(os.sep, 1)[0] in self.used}
        _write_json(os.path.join(self.root, "verified.json"), made)
        for name in os.listdir(self.root):
            if name not in self.used and name not in ("sources.json", "verified.json") and not name.endswith(".tmp"):
                target = os.path.join(self.root, name)
                if os.path.isdir(target):
                    shutil.rmtree(target)
                else:
                    os.unlink(target)


def link_into(source: str, target: str) -> None:
    """``target`` becomes the cached file (a hard link, cheap; a copy across file systems)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.lexists(target):
        os.unlink(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def run_jobs(jobs: list) -> list:
    """Each job's result (``job()``: a value, or a PhotoError's message), in order (cafetech/parallel.py:
    half in another process when a plugin provides one)."""
    return parallel.run_all([lambda job=job: _run(job) for job in jobs], "photos")


def _run(job):
    try:
        return job()
    except PhotoError as error:
        return error


# --- Pelican side -------------------------------------------------------------------

_BUILD: dict = {}  # this build's store and the files to put in the output: set at all_generators_finalized


def check_settings(pelican):
    config(pelican.settings)


def no_photo_yet(content):
    """Every article, page and issue has ``photo``, ``social_card`` (None for pages; for the others
    set once the site is read) and ``shows_photos``."""
    if isinstance(content, Content) and not isinstance(content, Static):
        content.photo = None
        content.social_card = None
        content.shows_photos = False  # an issue's: whether one of its sections shows a photo (its credits then do)


def _published(generators) -> list:
    """The published articles, issues and pages of every language (a page gets a card, never a photo)."""
    seen, found = set(), []
    for generator in generators:
        for content in content_objects(generator):
            if isinstance(content, Static) or getattr(content, "status", None) != "published" or id(content) in seen:
                continue
            seen.add(id(content))
            found.append(content)
    return found


def _open_store(settings: dict, cfg: PhotosConfig) -> Store:
    if cfg.cache_path:
        return Store(cfg.cache_path, cfg.photo_recipe(), cfg.card_recipe(), cfg.reuse, cfg.verify)
    temporary = tempfile.TemporaryDirectory(prefix="cafetech-photos-")
    _BUILD["temporary"] = temporary  # removed when the build is done (or, failed, when the process ends)
    return Store(temporary.name, cfg.photo_recipe(), cfg.card_recipe(), reuse=False)


class PhotoRequest(NamedTuple):
    path: str
    alt: str
    credit: str
    where: str | None  # 'file:line' of its Image line in a source-language article, else None
    focus: tuple[float, float] | None  # from Image_focus


def _photo_request(content, settings: dict, source_lang: str, reported: set) -> PhotoRequest | None:
    """A content's photo, or None; says what is wrong with it once, for its source file."""
    value = content.metadata.get("image")
    if not value:
        return None
    source_file = content.source_path
    where = None
    if content.lang == source_lang and source_file.endswith(".md"):  # a translation's source speaks for it
        line = metadata_line(source_file, "image")
        where = os.path.relpath(source_file, settings["PATH"]) + (f":{line}" if line else "")
    try:
        path = image_path(source_file, str(value), settings["PATH"])
        if not os.path.isfile(path):
            raise PhotoError(f"Image: {value!r}: no such file beside the article")
    except PhotoError as error:
        if where and where not in reported:
            reported.add(where)
            logger.error("%s: %s", where, error)
        return None
    alt = plain(content.metadata.get("image_alt") or "").strip()
    if not alt and where:
        logger.warning(
            "%s: the photo %s has no Image_alt: describe it in one line for readers who cannot see it", where, os.path.basename(path)
        )
    return PhotoRequest(path, alt, plain(content.metadata.get("image_credit") or "").strip(), where, _focus(content, settings, where, reported))


def _focus(content, settings: dict, where: str | None, reported: set) -> tuple[float, float] | None:
    """A content's Image_focus; None without one, or a wrong one (said once, at its own line: the crops are then automatic)."""
    value = content.metadata.get("image_focus")
    if value is None or not str(value).strip():
        return None
    try:
        return parse_focus(plain(value))
    except PhotoError as error:
        if where:
            line = metadata_line(content.source_path, "image_focus")
            at = os.path.relpath(content.source_path, settings["PATH"]) + (f":{line}" if line else "")
            if at not in reported:
                reported.add(at)
                logger.error("%s: %s", at, error)
        return None


def entry_digest(source_digest: str, focus: tuple[float, float] | None) -> str:
    """What a photo's entry in the store, and its files' names, are keyed by: its bytes, and its focus
    (a new focus makes new crops, at new addresses that no reader or social network has cached)."""
    return source_digest if focus is None else sha256(repr((source_digest, focus)))


def _encode_all(requests: dict, store: Store, cfg: PhotosConfig) -> dict[str, dict]:
    """{entry digest: what encode_photo wrote} for every photo requested, encoding only what the cache lacks."""
    infos: dict[str, dict] = {}
    todo: dict[str, tuple] = {}  # digest -> (path, folder, where, focus)
    for path, _alt, _credit, where, focus in requests.values():
        digest = entry_digest(store.source_digest(path), focus)
        if digest in infos:
            continue
        if digest in todo:
            todo[digest] = (*todo[digest][:2], todo[digest][2] or where, focus)
            continue
        folder = store.photo_folder(digest)
        if (info := store.photo_info(folder)) is not None:
            infos[digest] = info
        else:
            todo[digest] = (path, folder, where, focus)
    jobs = [lambda path=path, folder=folder, focus=focus: encode_photo(path, folder, cfg, focus) for path, folder, _where, focus in todo.values()]
    for (digest, (path, folder, where, _focus)), result in zip(todo.items(), run_jobs(jobs), strict=True):
        if isinstance(result, PhotoError):
            logger.error("%s: %s", where or path, str(result).replace(f"{path}: ", f"Image {os.path.basename(path)}: ", 1))
        else:
            store.record_photo(folder, result)
            # As a later build reads it back from info.json (lists, not tuples): the pages made from it
            # are then the same in both builds, and the page cache keeps them.
            infos[digest] = json.loads(json.dumps(result))
    return infos


def make_images(generators):
    """Make every photo's derivatives and every page's card (what the cache lacks, in two processes),
    and hand them to the templates: ``photo`` and ``social_card`` on each content, SOCIAL_CARDS
    ({page URL: Card}) for the home and tag pages."""
    if not generators:
        return
    _forget_build()
    settings, context = generators[0].settings, generators[0].context
    cfg, model = config(settings), editions(settings)
    store = _open_store(settings, cfg)
    links: dict[str, str] = {}  # site path -> the cached file it is
    _BUILD.update(store=store, links=links)
    contents = _published(generators)

    reported: set = set()
    requests = {
        id(c): r for c in contents if not isinstance(c, Page) and (r := _photo_request(c, settings, model.source, reported)) is not None
    }
    infos = _encode_all(requests, store, cfg)

    cards: dict[str, tuple[CardText, str]] = {}  # digest -> (text, its file in the cache)

    def card_for(text: CardText, alt: str) -> Card:
        digest = card_digest(text, store.card_recipe)
        cards.setdefault(digest, (text, store.card_path(digest)))
        url = f"{cfg.cards_path}/{digest[:20]}.png"
        links[url] = cards[digest][1]
        return Card(url, *CARD_SIZE, alt)

    for content in contents:
        request = requests.get(id(content))
        digest = entry_digest(store.source_digest(request.path), request.focus) if request else None
        if digest in infos:
            path, alt, credit = request.path, request.alt, request.credit
            info, stem, folder = infos[digest], photo_stem(path), store.photo_folder(digest)
            alt_lang = untranslated_alt_lang(content, alt)
            content.photo, files = make_photo(info, stem, digest, cfg.site_path, alt, credit)
            content.photo = content.photo._replace(alt_lang=alt_lang)
            for url, name in files.items():
                links[url] = os.path.join(folder, name)
            card_url = f"{cfg.site_path}/{stem}-{digest[:10]}-card.jpg"
            links[card_url] = os.path.join(folder, info["card"])
            content.social_card = Card(card_url, *CARD_SIZE, alt or title_of(content), alt_lang)
        else:
            edition, title = model.get(content.lang), title_of(content)
            content.social_card = card_for(CardText(edition.sitename, title, edition.tagline), f"{title} – {edition.sitename}")

    for content in contents:
        content.shows_photos = any(getattr(section, "photo", None) for section in getattr(content, "articles", None) or ())

    page_cards: dict[str, Card] = {}
    for edition in model.editions:
        text = CardText(edition.sitename, edition.tagline or edition.sitename, "")
        page_cards[edition.url("home")] = card_for(text, " – ".join(filter(None, (edition.sitename, edition.tagline))))
    languages = context["TAG_LANGUAGES"]  # the editions that have each tag's page (plugins/translations.py)
    catalogs = model.translations()
    for tag, _articles in context.get("tags", []):
        for lang in sorted(languages.get(tag.slug, {model.source})):
            edition, label = model[lang], tag_label(catalogs, tag, lang)
            text = CardText(edition.sitename, label, edition.tagline)
            page_cards[edition.url("tag", slug=tag.slug)] = card_for(text, f"{label} – {edition.sitename}")
    context["SOCIAL_CARDS"] = page_cards

    todo = [(text, path) for text, path in cards.values() if not store.has(path)]
    run_jobs([lambda text=text, path=path: write_card(text, path, cfg) for text, path in todo])
    for _text, path in todo:
        if os.path.isfile(path):
            store.record(path)


def untranslated_alt_lang(content, alt: str) -> str:
    """The language of a translation's alt text when it is its original's, untranslated ("": the page's own)."""
    if not alt:
        return ""
    for other in getattr(content, "translations", []) or []:
        if other.lang != content.lang and plain(other.metadata.get("image_alt") or "").strip() == alt and other.in_default_lang:
            return other.lang
    return ""


def _forget_build() -> None:
    if "temporary" in _BUILD:
        _BUILD["temporary"].cleanup()
    _BUILD.clear()


def put_images_in_output(pelican):
    """The derivatives and cards this build uses, linked from the cache into the site."""
    store, links = _BUILD.get("store"), _BUILD.get("links") or {}
    try:
        for url, source in sorted(links.items()):
            if os.path.isfile(source):
                link_into(source, os.path.join(pelican.settings["OUTPUT_PATH"], url))
        if store is not None and "temporary" not in _BUILD:
            store.save()
    finally:
        _forget_build()


def register():
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(no_photo_yet)
    signals.all_generators_finalized.connect(make_images)
    signals.finalized.connect(put_images_in_output)
