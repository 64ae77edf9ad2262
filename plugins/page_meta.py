"""What readers and search engines learn about a page: reading time, Open Graph data and JSON-LD.

Sets ``reading_time`` (minutes) on every article, page and issue, and gives the
theme the ``json_ld(item, lang)`` global and the ``description`` filter; the templates
write the tags (``partials/meta.html``).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from pelican import signals
from pelican.contents import Content

from cafetech import memo
from cafetech.editions import editions

DEFAULTS = {
    "PAGE_META_WORDS_PER_MINUTE": {"fr": 200, "en": 230},
    "PAGE_META_DESCRIPTION_LENGTH": 300,  # characters, the ellipsis included
    "PAGE_META_PUBLISHER": None,  # None: SITENAME
    "PAGE_META_LOGO": None,  # a site-relative image path, e.g. "theme/img/logo.png"
}

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@dataclass(frozen=True)
class PageMetaConfig:
    words_per_minute: dict
    publisher: str
    logo: str | None
    description_length: int = 300


def config(settings: dict) -> PageMetaConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    speeds = merged["PAGE_META_WORDS_PER_MINUTE"]
    if not isinstance(speeds, dict) or not all(isinstance(v, int) and v > 0 for v in speeds.values()):
        raise ValueError(f"page_meta: PAGE_META_WORDS_PER_MINUTE must map languages to words per minute, not {speeds!r}")
    length = merged["PAGE_META_DESCRIPTION_LENGTH"]
    if not isinstance(length, int) or isinstance(length, bool) or length < 20:
        raise ValueError(f"page_meta: PAGE_META_DESCRIPTION_LENGTH must be a number of characters (20 or more), not {length!r}")
    return PageMetaConfig(speeds, merged["PAGE_META_PUBLISHER"] or settings.get("SITENAME", ""), merged["PAGE_META_LOGO"], length)


# --- pure functions ---------------------------------------------------------


def word_count(fragment: str) -> int:
    return len(_WORD.findall(html.unescape(_TAG.sub(" ", fragment or ""))))


_ASCII_SPACES = re.compile(r"[ \t\r\n]+")
_CUT_AFTER = re.compile(r"[\s\u00a0\u202f,;:–—(«“-]+$")


def description(fragment, length: int = 300) -> str:
    """A page's description from typeset HTML or text: plain characters (no tag, no entity, the typographic
    spaces kept), cut between words with "…" when longer than ``length``."""
    text = _ASCII_SPACES.sub(" ", html.unescape(_TAG.sub("", str(fragment or "")))).strip()
    if len(text) <= length:
        return text
    head = text[: length - 1]
    if not text[length - 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]  # a word is never cut, and a no-break space never ends a line
    return _CUT_AFTER.sub("", head).rstrip(".…") + "…"


def reading_minutes(words: int, words_per_minute: int) -> int:
    """Whole minutes, at least one."""
    return max(1, math.ceil(words / words_per_minute))


def json_ld_data(
    item, kind: str, absolute, byline, cfg: PageMetaConfig, description: str, image: str | None = None, published=None, modified=None
) -> dict:
    """schema.org data: NewsArticle for a section, CollectionPage for an issue; absolute(url) makes an
    address, byline(item) names its author; ``image`` is the page's image (its social card), absolute;
    ``published`` and ``modified`` its times (the feeds plugin's, as its feed entry says them), else its dates."""
    url = absolute(item.url)
    title = getattr(item, "title_text", None) or item.title
    publisher = {"@type": "Organization", "name": cfg.publisher}
    if cfg.logo:
        publisher["logo"] = {"@type": "ImageObject", "url": absolute(cfg.logo)}
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline" if kind == "NewsArticle" else "name": title,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": item.lang,
        "datePublished": (published or item.date).isoformat(),
        "dateModified": (modified or getattr(item, "modified", item.date)).isoformat(),
        "publisher": publisher,
        "description": description,
    }
    if image:
        data["image"] = image
    if kind == "NewsArticle":
        data["author"] = {"@type": "Organization", "name": byline(item)}
    else:
        data["hasPart"] = [
            {"@type": "NewsArticle", "headline": getattr(a, "title_text", None) or a.title, "url": absolute(a.url)}
            for a in getattr(item, "articles", [])
        ]
    return data


# --- Pelican side -----------------------------------------------------------


_MEMO = memo.named("words")  # words per text, kept between development builds (cafetech/memo.py)


def add_reading_time(content):
    if isinstance(content, Content):
        cfg = config(content.settings)
        speed = cfg.words_per_minute.get(content.lang, max(cfg.words_per_minute.values()))
        text = content._content or ""
        words = _MEMO.get(("words", text), lambda: word_count(text))
        content.reading_time = reading_minutes(words, speed)


def add_globals(generator):
    cfg = config(generator.settings)
    model = editions(generator.settings)

    def json_ld(item, kind="NewsArticle", description="", image=None, published=None, modified=None):
        return json_ld_data(item, kind, model.absolute, model.byline, cfg, description, image, published, modified)

    generator.env.globals.update(json_ld=json_ld)
    generator.env.filters["description"] = lambda fragment: description(fragment, cfg.description_length)


def check_settings(pelican):
    config(pelican.settings)


def register():
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(add_reading_time)
    signals.generator_init.connect(add_globals)
    memo.connect("words")
