"""Feed entries that readers' apps accept: absolute permalinks as ids and guids, an author, the photo, the time.

Pelican adds each entry; at its public ``feed_generated`` signal, before the feed is written, each
entry is rewritten from its article (``entry_fields``). The writer (``get_writer``) only makes the
feed's addresses absolute in development builds too. Every dated content (article, translation,
issue) gets the times its entry carries, ``published_time`` and ``modified_time``, for its page's
metadata to say the same."""

from __future__ import annotations

import datetime as dt
import re

from feedgenerator import Rss201rev2Feed
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Content
from pelican.utils import set_date_tzinfo
from pelican.writers import Writer

from cafetech.editions import base_url, editions, tag_label

DEFAULTS = {
    "FEED_AUTHOR": None,  # None: each article's byline in its own edition
    # When an issue goes out (HH:MM, in TIMEZONE): a section dated by its day only is published then,
    # a minute after the section before it, so entries have distinct times in the issue's order.
    "ISSUE_TIME": "07:00",
}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def issue_time(settings: dict) -> dt.time:
    """ISSUE_TIME as a time of day; a value that is no HH:MM is refused."""
    value = settings.get("ISSUE_TIME", DEFAULTS["ISSUE_TIME"])
    match = _CLOCK.match(str(value))
    if not match:
        raise ValueError(f"feeds: ISSUE_TIME must be a time of day as HH:MM (e.g. \"07:00\"), not {value!r}")
    return dt.time(int(match[1]), int(match[2]))


def section_time(day: dt.datetime, position: int, at: dt.time) -> dt.datetime:
    """A date given as a day only, at the issue's time plus a minute a section after the first; a date with its time, as it is."""
    if day.time() != dt.time(0, 0):
        return day
    return day.replace(hour=at.hour, minute=at.minute) + dt.timedelta(minutes=max(position, 1) - 1)


def entry_times(date: dt.datetime, modified: dt.datetime | None, position: int, at: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """(published, updated) of an entry: updated is its Modified date when it has one, never before it was published."""
    published = section_time(date, position, at)
    if modified is None:
        return published, published
    return published, max(published, section_time(modified, position, at))


def section_number(item) -> int:
    try:
        return int(getattr(item, "metadata", {}).get("position") or 0)
    except (TypeError, ValueError):
        return 0


def content_times(item, settings: dict) -> tuple[dt.datetime, dt.datetime]:
    """(published, modified) of an article or issue, as its feed entry and its page say them (entry_times)."""
    timezone = settings.get("TIMEZONE")
    modified = set_date_tzinfo(item.modified, timezone) if hasattr(item, "modified") else None
    return entry_times(set_date_tzinfo(item.date, timezone), modified, section_number(item), issue_time(settings))


def entry_author(item, settings: dict) -> str:
    """FEED_AUTHOR when set, else the article's byline in its language (cafetech/editions.py)."""
    return settings.get("FEED_AUTHOR") or editions(settings).byline(item)


def plain_title(item) -> str:
    """The entry title without markup (typography may have added some to the page title)."""
    return getattr(item, "title_text", None) or Markup(item.title).striptags()


def photo_html(photo, site_url: str) -> str:
    """An article's photo (plugins/photos.py) at the head of its entry: its JPEG, at an absolute
    address (a feed reader knows no page to resolve it against), with its alt text and credit."""
    if photo is None:
        return ""
    lang = Markup(' lang="{}"').format(photo.alt_lang) if getattr(photo, "alt_lang", None) else ""
    image = Markup('<img src="{}/{}" alt="{}"{} width="{}" height="{}">').format(
        site_url, photo.src.url, photo.alt, lang, photo.src.width, photo.src.height
    )
    caption = Markup("<figcaption>{}</figcaption>").format(photo.credit) if photo.credit else ""
    return str(Markup("<figure>{}{}</figure>").format(image, caption))


def entry_fields(item, link: str, site_url: str, settings: dict, is_rss: bool, label=lambda tag, lang: str(tag)) -> dict:
    """What a feed entry says of an article: its permalink as id and guid (without FEED_APPEND_REF's
    suffix), its photo and text, its tags (``label(tag, lang)``: named in the article's language),
    its byline, its dates (entry_times)."""
    permalink = link.split("?ref=", 1)[0]
    content = photo_html(getattr(item, "photo", None), site_url) + item.get_content(site_url)
    published, updated = content_times(item, settings)
    return {
        "title": plain_title(item),
        "unique_id": permalink,
        "unique_id_is_permalink": True,
        "description": item.summary if (not is_rss or settings.get("RSS_FEED_SUMMARY_ONLY")) else content,
        "content": None if is_rss else content,
        "categories": [label(tag, item.lang) for tag in getattr(item, "tags", [])],
        "author_name": entry_author(item, settings),
        "pubdate": published,
        "updateddate": updated,
    }


class FeedWriter(Writer):
    """Pelican's writer, with absolute ids and links in development too (the feed's own title, id,
    link and language are the editions plugin's, at feed_generated)."""

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None):
        base = base_url(self.settings)  # ids and links must be absolute, in development too
        context = {**context, "SITEURL": base, "FEED_DOMAIN": base}
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)


# --- Pelican side -----------------------------------------------------------

_BUILD: dict = {}  # this build's generators, then its articles in every language by URL (what an entry is of)


def add_times(content):
    """``published_time`` and ``modified_time`` on every dated content, for the page's metadata (partials/meta.html)."""
    if isinstance(content, Content) and hasattr(content, "date"):
        content.published_time, content.modified_time = content_times(content, content.settings)


def remember_generators(generators):
    _BUILD.clear()
    _BUILD["generators"] = generators


def articles_by_url() -> dict:
    """Made when the writer is (get_writer), once every URL is settled, or at the first feed."""
    if "articles" not in _BUILD:
        _BUILD["articles"] = {
            article.url: article
            for generator in _BUILD.get("generators", [])
            for article in [*getattr(generator, "articles", []), *getattr(generator, "translations", [])]
            if isinstance(article, Article)
        }
    return _BUILD["articles"]


def rewrite_entries(context, feed):
    """Each entry Pelican added, as feed readers expect it (entry_fields), at Pelican's public feed_generated."""
    site_url = context["SITEURL"]
    settings = context  # Pelican's context starts as a copy of the settings
    is_rss = isinstance(feed, Rss201rev2Feed)
    catalogs = editions(settings).translations()  # loaded once per feed

    def label(tag, lang):
        return tag_label(catalogs, str(tag), lang)

    articles = articles_by_url()
    for entry in feed.items:
        url = entry["link"].split("?ref=", 1)[0].removeprefix(site_url).lstrip("/")
        if (item := articles.get(url)) is not None:
            entry.update(entry_fields(item, entry["link"], site_url, settings, is_rss, label))


def check_settings(pelican):
    issue_time(pelican.settings)


def get_writer(pelican):
    """Pelican's writer, made once every URL is settled: the articles by URL are looked up now, before
    the first feed, so that no feed reads every article (build_speed's page cache records what each
    feed reads, and renders it again when any of that changed)."""
    if "generators" in _BUILD:
        articles_by_url()
    return FeedWriter


def register():
    signals.initialized.connect(check_settings)
    signals.get_writer.connect(get_writer)
    signals.content_object_init.connect(add_times)
    signals.all_generators_finalized.connect(remember_generators)
    signals.feed_generated.connect(rewrite_entries)
