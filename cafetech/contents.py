"""What a Pelican generator holds."""

from __future__ import annotations

from pelican.contents import Content

# The context variable under which a plugin may offer a page cache for pages other plugins render:
# open(folder, output path) -> an object with static_digest, unchanged, try_reuse, render, new, save
# and recording (build_speed offers one; the search plugin renders its documents through it).
PAGE_CACHE = "PAGE_CACHE"


def content_objects(generator):
    """Every Content a generator holds, in its lists and in its dicts of lists."""
    for value in vars(generator).values():
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            if isinstance(item, (list, tuple)):
                yield from (content for content in item if isinstance(content, Content))
            elif isinstance(item, Content):
                yield item
