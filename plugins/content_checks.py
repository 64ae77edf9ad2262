"""Content checks that protect the site: unknown languages, duplicate slugs, future dates, external links.

Each problem is logged once with the file it comes from; errors fail the build
(the previous output/ is kept, see cafetech/site_build.py).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlparse

from pelican import signals
from pelican.contents import Content

from cafetech.editions import editions

logger = logging.getLogger(__name__)

_ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_REL = re.compile(r"""\srel\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
SAFE_REL = ("noopener", "noreferrer")


# --- pure functions ---------------------------------------------------------


def is_external(href: str, site_url: str = "") -> bool:
    parsed = urlparse(href)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False
    return not site_url or parsed.netloc != urlparse(site_url).netloc


def protect_external_links(html: str, site_url: str = "") -> str:
    """rel="noopener noreferrer" on every link to another host (kept with any rel it had)."""

    def fix(match: re.Match) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if not href or not is_external(href.group(1) or href.group(2) or "", site_url):
            return tag
        rel = _REL.search(tag)
        if rel:
            values = (rel.group(1) or rel.group(2) or "").split()
            merged = " ".join(dict.fromkeys([*values, *SAFE_REL]))
            return tag[: rel.start()] + f' rel="{merged}"' + tag[rel.end() :]
        return tag[:-1].rstrip("/").rstrip() + ' rel="noopener noreferrer"' + (" />" if tag.endswith("/>") else ">")

    return _ANCHOR.sub(fix, html)


def duplicate_slugs(items) -> list[tuple[str, str, str, str]]:
    """(lang, slug, first file, second file) for every slug used twice in one language."""
    seen: dict[tuple[str, str], str] = {}
    found = []
    for item in items:
        key = (item.lang, item.slug)
        if key in seen:
            found.append((item.lang, item.slug, seen[key], item.relative_source_path))
        else:
            seen[key] = item.relative_source_path
    return found


# --- Pelican side -----------------------------------------------------------


def check_content(content):
    if not isinstance(content, Content) or not getattr(content, "source_path", None):
        return
    languages = editions(content.settings).languages
    if content.lang not in languages:
        logger.error(
            "%s: Lang %r is not one of the site's languages (%s)",
            content.relative_source_path,
            content.lang,
            ", ".join(languages),
        )
    if content._content:
        content._content = protect_external_links(content._content, content.settings.get("SITEURL", ""))


def check_articles(generator):
    everything = [*generator.articles, *generator.translations, *generator.drafts, *generator.drafts_translations]
    for lang, slug, first, second in duplicate_slugs(everything):
        logger.error("%s: the slug %r (%s) is already used by %s; give one of them another Slug", second, slug, lang, first)
    for draft in [*generator.drafts, *generator.drafts_translations]:
        if draft.metadata.get("status") != "draft":  # dated in the future: Pelican made it a draft
            logger.warning("%s: dated %s, in the future: not published before that day", draft.relative_source_path, draft.date.date())


def drop_drafts(generator):
    """Drafts (and future-dated articles) are never written, not even under a hidden URL."""
    generator.drafts, generator.drafts_translations = [], []


def register():
    signals.content_object_init.connect(check_content)
    signals.article_generator_pretaxonomy.connect(check_articles)
    signals.article_generator_finalized.connect(drop_drafts)
