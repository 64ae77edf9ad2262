"""Further reading ("Pour aller plus loin"): the items of a section as structured data for the theme.

The importer writes them as the ``Further_reading`` metadata, one title a line.
Each becomes a ``FurtherReadingItem``; an item without a URL is shown as plain
text (never as a dead link) until it is resolved to an article.
"""

from __future__ import annotations

from dataclasses import dataclass

from pelican import signals
from pelican.contents import Article


@dataclass(frozen=True)
class FurtherReadingItem:
    title: str
    url: str | None = None
    lang: str | None = None


def parse_items(value) -> list[FurtherReadingItem]:
    """The metadata value (one string, or a list for several lines) as items, blanks dropped."""
    if not value:
        return []
    lines = [value] if isinstance(value, str) else list(value)
    return [FurtherReadingItem(title=" ".join(line.split())) for line in lines if line.strip()]


def attach_items(content):
    if isinstance(content, Article):
        content.further_reading = parse_items(content.metadata.get("further_reading"))


def register():
    signals.content_object_init.connect(attach_items)
