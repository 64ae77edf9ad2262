"""Feed entries that readers' apps accept: absolute permalinks as ids and guids, and an author."""

from __future__ import annotations

from feedgenerator import Rss201rev2Feed
from markupsafe import Markup
from pelican import signals
from pelican.utils import set_date_tzinfo
from pelican.writers import Writer

from cafetech.editions import base_url, editions

DEFAULTS = {"FEED_AUTHOR": None}  # None: each article's byline in its own edition


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
    image = Markup('<img src="{}/{}" alt="{}" width="{}" height="{}">').format(
        site_url, photo.src.url, photo.alt, photo.src.width, photo.src.height
    )
    caption = Markup("<figcaption>{}</figcaption>").format(photo.credit) if photo.credit else ""
    return str(Markup("<figure>{}{}</figure>").format(image, caption))


class FeedWriter(Writer):
    """Pelican's writer, with feed entries as feed readers expect them (the feed's own title, id,
    link and language are the editions plugin's, at feed_generated)."""

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None):
        base = base_url(self.settings)  # ids and links must be absolute, in development too
        context = {**context, "SITEURL": base, "FEED_DOMAIN": base}
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _add_item_to_the_feed(self, feed, item):
        link = self.urljoiner(self.site_url, item.url)
        content = photo_html(item.photo, self.site_url) + item.get_content(self.site_url)
        is_rss = isinstance(feed, Rss201rev2Feed)
        description = item.summary if (not is_rss or self.settings.get("RSS_FEED_SUMMARY_ONLY")) else content
        timezone = self.settings.get("TIMEZONE")
        feed.add_item(
            title=plain_title(item),
            link=link,
            unique_id=link,
            unique_id_is_permalink=True,
            description=description,
            content=None if is_rss else content,
            categories=[str(tag) for tag in getattr(item, "tags", [])] or None,
            author_name=entry_author(item, self.settings),
            pubdate=set_date_tzinfo(item.date, timezone),
            updateddate=set_date_tzinfo(item.modified, timezone) if hasattr(item, "modified") else None,
        )


def get_writer(pelican):
    return FeedWriter


def register():
    signals.get_writer.connect(get_writer)
