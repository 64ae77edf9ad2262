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
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, ImageSequence, features

from cafetech import parallel
from cafetech.editions import editions, tag_label
from cafetech.contents import content_objects
from cafetech.files import file_sha256, replacing, sha256, write_atomically
from cafetech.photo_files import PhotoError, is_svg, open_photo_file  # noqa: F401 (is_svg, PhotoError: this plugin's API too)

logger = logging.getLogger(__name__)

DEFAULTS = {
    "PHOTOS_WIDTHS": (480, 800, 1200),
    # The format of the <source> beside the JPEG fallback: "avif", "webp", or "auto" (AVIF when this
    # Pillow writes it, else WebP). An animated GIF becomes an animated WebP, with a GIF fallback.
    "PHOTOS_FORMAT": "auto",
    # avif_widest / webp_widest: the widest rendition's. Only a dense screen (1.5 device pixels a CSS
    # pixel or more) fetches it at an article's width, and shows it shrunk: a lower quality does not
    # show there ("compressive images") and keeps a phone's lead photo light. The JPEG fallback keeps one quality.
    "PHOTOS_QUALITY": {"avif": 60, "webp": 80, "jpeg": 82, "avif_widest": 50, "webp_widest": 70},
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
RECIPE_VERSION = 2
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufe00-\ufe0f\U000e0000-\U000e007f]")  # joiners, variation selectors, tags


@dataclass(frozen=True)
class PhotosConfig:
    widths: tuple[int, ...]
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
        return sha256(repr((RECIPE_VERSION, Image.__version__, encoders, self.widths, self.modern, sorted(self.quality.items()), self.colours["background"])))

    def card_recipe(self) -> str:
        """A digest of everything a drawn card is made with, besides its text."""
        fonts = [_file_digest(path) for path in self.fonts]
        return sha256(repr((RECIPE_VERSION, Image.__version__, features.version("jpg"), fonts, sorted(self.colours.items()))))


def config(settings: dict) -> PhotosConfig:
    """The plugin's settings: the user's laid over DEFAULTS, validated."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    widths = merged["PHOTOS_WIDTHS"]
    if not isinstance(widths, (list, tuple)) or not widths or not all(isinstance(w, int) and 16 <= w <= 4096 for w in widths):
        raise ValueError(f"photos: PHOTOS_WIDTHS must be a list of widths in pixels (16 to 4096), not {widths!r}")
    chosen = merged["PHOTOS_FORMAT"]
    if chosen not in ("auto", "avif", "webp"):
        raise ValueError(f"photos: PHOTOS_FORMAT must be one of auto, avif, webp, not {chosen!r}")
    if chosen == "avif" and not features.check("avif"):
        raise ValueError("photos: PHOTOS_FORMAT is 'avif' but this Pillow cannot write AVIF; use 'webp' or 'auto'")
    modern = ("avif" if features.check("avif") else "webp") if chosen == "auto" else chosen
    quality = {**DEFAULTS["PHOTOS_QUALITY"], **(merged["PHOTOS_QUALITY"] or {})}
    if set(quality) != set(DEFAULTS["PHOTOS_QUALITY"]) or not all(isinstance(q, int) and 1 <= q <= 100 for q in quality.values()):
        raise ValueError(
            f"photos: PHOTOS_QUALITY maps avif, webp, jpeg, avif_widest and webp_widest to a quality from 1 to 100, not {merged['PHOTOS_QUALITY']!r}"
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
        widths=tuple(sorted(set(widths))),
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


class Photo(NamedTuple):
    """An article's photo: ``sources`` for <source> (the modern format), ``fallback`` for the <img>."""

    alt: str
    credit: str
    width: int  # of the widest rendition: the <img>'s width and height give the layout its ratio
    height: int
    sources: tuple[Source, ...]
    fallback: Source  # JPEG (GIF for an animation)
    src: Rendition  # the <img>'s src: the fallback of the middle width (mail clients take it)
    animated: bool
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


def cover(frame: Image.Image, size: tuple[int, int] = CARD_SIZE) -> Image.Image:
    """The frame cropped to the size's ratio around its centre and resized to it."""
    return ImageOps.fit(frame, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _save(frames: list[Image.Image], path: str, kind: str, quality: dict, durations: list[int], loop: int, widest: bool = False) -> None:
    pil_format = FORMATS[kind][0]
    options: dict = {}
    if kind == "jpeg":
        # Not progressive: a third of the time for 3 to 5 % more bytes, in the fallback only.
        options = {"quality": quality["jpeg"], "optimize": True}
    elif kind == "avif":
        # 6 takes twice as long for 1 to 3 % fewer bytes; 9 and 10 (libaom's real-time mode) take a
        # third of the time but lose up to 16 % at the same fidelity on a real photo (README, Photos).
        options = {"quality": quality["avif_widest" if widest else "avif"], "speed": 8}
    elif kind == "webp":
        options = {"quality": quality["webp_widest" if widest else "webp"], "method": 4}
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:], duration=durations, loop=loop)
        if kind == "gif":
            options.update(disposal=2, optimize=False)
    with replacing(path, keep_mode=False) as partial:  # a new file of the store
        frames[0].save(partial, pil_format, **options)


def encode_photo(path: str, folder: str, cfg: PhotosConfig) -> dict:
    """Write a photo's derivatives and its card into ``folder``; what was written, as JSON-able data
    (``info.json`` there, written last: a folder without it is not finished)."""
    frames, durations, loop = open_photo(path, cfg.max_frames, smallest=max(cfg.widths[-1], CARD_SIZE[0]))
    animated = len(frames) > 1
    width, height = frames[0].size
    os.makedirs(folder, exist_ok=True)
    background = cfg.colours["background"]
    kinds = ("webp", "gif") if animated else (cfg.modern, "jpeg")
    widths = rendition_widths(width, cfg.widths)
    renditions: dict[int, list[Image.Image]] = {}
    larger = frames
    for target in reversed(widths):  # each width from the next larger one: fewer pixels to filter
        larger = renditions[target] = [_resized(frame, (target, rendition_height((width, height), target))) for frame in larger]
    files = []
    for target in widths:
        resized = renditions[target]
        for kind in kinds:
            if kind == "gif" and target != widths[min(1, len(widths) - 1)]:
                continue  # an animation's fallback, for the rare browser without WebP: one width is enough
            name = f"{target}.{FORMATS[kind][2]}"
            ready = [_flattened(frame, background) for frame in resized] if kind == "jpeg" else resized
            dense = target == widths[-1] and len(widths) > 1  # only fetched by dense screens (DEFAULTS)
            _save(ready, os.path.join(folder, name), kind, cfg.quality, durations, loop, widest=dense)
            files.append({"kind": kind, "width": target, "height": resized[0].height, "name": name})
    widest = renditions[widths[-1]][0]
    card_source = widest if widest.width >= CARD_SIZE[0] and widest.height >= CARD_SIZE[1] else frames[0]  # never enlarged
    _save([_flattened(cover(card_source), background)], os.path.join(folder, "card.jpg"), "jpeg", cfg.quality, [0], 0)
    info = {"width": width, "height": height, "animated": animated, "files": files, "card": "card.jpg"}
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
    by_kind: dict[str, list[Rendition]] = {}
    for entry in info["files"]:
        url = f"{site_path}/{stem}-{digest[:10]}-{entry['width']}.{entry['name'].rsplit('.', 1)[1]}"
        files[url] = entry["name"]
        by_kind.setdefault(entry["kind"], []).append(Rendition(url, entry["width"], entry["height"]))
    fallback_kind = "gif" if info["animated"] else "jpeg"
    fallback = Source(FORMATS[fallback_kind][1], tuple(by_kind.pop(fallback_kind)))
    sources = tuple(Source(FORMATS[kind][1], tuple(renditions)) for kind, renditions in by_kind.items())
    widest = (sources[0] if sources else fallback).renditions[-1]
    src = fallback.renditions[min(1, len(fallback.renditions) - 1)]
    return Photo(alt, credit, widest.width, widest.height, sources, fallback, src, info["animated"]), files


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


def write_card(text: CardText, path: str, cfg: PhotosConfig) -> None:
    # A card for every page: a plain JPEG encodes in a fifth of the time of PNG (or of an optimised
    # JPEG); quality 90 keeps the text crisp.
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with replacing(path, keep_mode=False) as partial:  # a new file of the store
        draw_card(text, cfg).save(partial, "JPEG", quality=90)


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
        name = f"card-{digest[:32]}.jpg"
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
            names = [entry["name"] for entry in info["files"]] + [info["card"]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        damaged = self._damaged([os.path.join(folder, name) for name in [*names, "info.json"]])
        if damaged:
            shutil.rmtree(folder, ignore_errors=True)
        return info if damaged is None else None

    def record_photo(self, folder: str, info: dict) -> None:
        for name in [entry["name"] for entry in info["files"]] + [info["card"], "info.json"]:
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


def _photo_request(content, settings: dict, source_lang: str, reported: set):
    """(path, alt, credit, where) of a content's photo, or None; says what is wrong with it once, for its
    source file (``where`` is 'file:line' of its Image line in a source-language article, else None)."""
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
    return path, alt, plain(content.metadata.get("image_credit") or "").strip(), where


def _encode_all(requests: dict, store: Store, cfg: PhotosConfig) -> dict[str, dict]:
    """{source digest: what encode_photo wrote} for every photo requested, encoding only what the cache lacks."""
    infos: dict[str, dict] = {}
    todo: dict[str, tuple] = {}  # digest -> (path, folder, where)
    for path, _alt, _credit, where in requests.values():
        digest = store.source_digest(path)
        if digest in infos:
            continue
        if digest in todo:
            todo[digest] = (*todo[digest][:2], todo[digest][2] or where)
            continue
        folder = store.photo_folder(digest)
        if (info := store.photo_info(folder)) is not None:
            infos[digest] = info
        else:
            todo[digest] = (path, folder, where)
    jobs = [lambda path=path, folder=folder: encode_photo(path, folder, cfg) for path, folder, _where in todo.values()]
    for (digest, (path, folder, where)), result in zip(todo.items(), run_jobs(jobs), strict=True):
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
        url = f"{cfg.cards_path}/{digest[:20]}.jpg"
        links[url] = cards[digest][1]
        return Card(url, *CARD_SIZE, alt)

    for content in contents:
        request = requests.get(id(content))
        digest = store.source_digest(request[0]) if request else None
        if digest in infos:
            path, alt, credit, _where = request
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
