"""The English edition: each ``<article>.en.po`` sidecar is read as the English version of its article.

A sidecar is a gettext catalog of the article's blocks (see cafetech/sidecars.py).
Pelican finds it like any content file; this reader translates the French source
beside it block by block and hands Pelican an article in the catalog's language,
with the French slug, so Pelican pairs the two as translations.

Policy (``TRANSLATIONS_MIN_COVERAGE``, percent of blocks translated, fuzzy ones
not counted): below it, the translation is not published at all (no page, no
feed entry, no language switch to it); at or above it but under 100 %, it is
published with the missing blocks in French inside ``lang="fr"`` and a visible
notice. This plugin also writes the tag pages and tag feeds of every language
other than the default one, listing only that language's articles.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import partial

from pelican import signals
from pelican.generators import Generator

from cafetech.markdown_reader import ReusingMarkdownReader
from cafetech.sidecars import SidecarError, parse_source, read_sidecar, translate

logger = logging.getLogger(__name__)

DEFAULTS = {
    "TRANSLATIONS_MIN_COVERAGE": 100,
    "TRANSLATIONS_TAG_URL": "{lang}/tag/{slug}/",
    "TRANSLATIONS_TAG_SAVE_AS": "{lang}/tag/{slug}/index.html",
    "TRANSLATIONS_TAGS_SAVE_AS": "{lang}/tag/index.html",
    "TRANSLATIONS_TAG_FEED_ATOM": "{lang}/feeds/tag/{slug}.atom.xml",
    "TRANSLATIONS_FEED_ATOM": "{lang}/feeds/atom.xml",
    "TRANSLATIONS_FEED_RSS": "{lang}/feeds/rss.xml",
}


@dataclass(frozen=True)
class TranslationsConfig:
    min_coverage: float
    tag_url: str
    tag_save_as: str
    tags_save_as: str
    tag_feed_atom: str
    feed_atom: str
    feed_rss: str


def config(settings: dict) -> TranslationsConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    minimum = merged["TRANSLATIONS_MIN_COVERAGE"]
    if not isinstance(minimum, (int, float)) or not 0 < minimum <= 100:
        raise ValueError(f"translations: TRANSLATIONS_MIN_COVERAGE must be a percentage in (0, 100], not {minimum!r}")
    return TranslationsConfig(
        min_coverage=float(minimum),
        tag_url=merged["TRANSLATIONS_TAG_URL"],
        tag_save_as=merged["TRANSLATIONS_TAG_SAVE_AS"],
        tags_save_as=merged["TRANSLATIONS_TAGS_SAVE_AS"],
        tag_feed_atom=merged["TRANSLATIONS_TAG_FEED_ATOM"],
        feed_atom=merged["TRANSLATIONS_FEED_ATOM"],
        feed_rss=merged["TRANSLATIONS_FEED_RSS"],
    )


# --- pure functions ---------------------------------------------------------


def sidecar_parts(po_path: str) -> tuple[str, str]:
    """'dir/01-x.en.po' -> ('dir/01-x.md', 'en')."""
    stem, ext = os.path.splitext(po_path)
    base, lang = os.path.splitext(stem)
    if ext != ".po" or not lang[1:]:
        raise SidecarError(f"{po_path}: a sidecar is named <article>.<lang>.po, e.g. 01-titre.en.po")
    return base + ".md", lang[1:]


def metadata_lines(metadata: dict) -> dict[str, list[str]]:
    """Translated metadata in the shape Python-Markdown's meta extension gives Pelican."""
    return {key.lower(): (list(value) if isinstance(value, (list, tuple)) else [str(value)]) for key, value in metadata.items()}


def group_by_tag(articles) -> dict:
    """{tag: [articles]} in the articles' order (they come newest first)."""
    grouped: dict = {}
    for article in articles:
        for tag in getattr(article, "tags", []) or []:
            grouped.setdefault(tag, []).append(article)
    return grouped


# --- Pelican side -----------------------------------------------------------


class SidecarReader(ReusingMarkdownReader):
    """Reads ``X.<lang>.po`` as the <lang> version of ``X.md``."""

    enabled = True
    file_extensions = ["po"]

    def read(self, source_path):
        source, lang = sidecar_parts(source_path)
        if not os.path.exists(source):
            # The translation is kept (it is work) but there is nothing to publish it with.
            logger.warning(
                "%s: its source %s does not exist; not published (delete the sidecar or restore the article)",
                os.path.relpath(source_path, self.settings.get("PATH", ".")),
                os.path.basename(source),
            )
            return "", {"status": "skip"}
        with open(source, encoding="utf-8") as handle:
            document = parse_source(handle.read())
        translated = translate(document, read_sidecar(source_path))
        self._source_path = source_path
        # A leading newline: a first paragraph like "Update: …" must not be read as metadata.
        content = self.markdown().convert("\n" + translated.body)
        metadata = self._parse_metadata(metadata_lines({**translated.metadata, "lang": lang}))
        coverage = translated.coverage
        if coverage.percent < config(self.settings).min_coverage:
            logger.info("%s: %.0f%% translated, not published", source_path, coverage.percent)
            metadata["status"] = "skip"
        metadata["untranslated_blocks"] = len(translated.fallback_blocks)
        metadata["translation_coverage"] = coverage
        return content, metadata


def stale_sidecars(cache: dict) -> list[str]:
    """Cached sidecar readings older than their French source (Pelican stamps only the .po itself)."""
    stale = []
    for path, entry in cache.items():
        if not path.endswith(".po"):
            continue
        source = sidecar_parts(path)[0]
        stamp = entry[0] if isinstance(entry, tuple) and entry else None
        if not isinstance(stamp, float) or not os.path.exists(source) or os.path.getmtime(source) > stamp:
            stale.append(path)
    return stale


def add_reader(readers):
    readers.reader_classes["po"] = SidecarReader


def forget_stale_sidecars(generator):
    """An English page is made of its .po AND its French .md: forget a cached reading whose
    source changed since (or that no mtime stamp vouches for), so a warm build is never stale."""
    cache = getattr(generator.readers, "_cache", None)
    if isinstance(cache, dict):
        for path in stale_sidecars(cache):
            del cache[path]


def share_tags(generator):
    """A translation carries exactly its original's tags (computed on the source language's text)."""
    originals = {article.slug: article for article in generator.articles}
    for translation in generator.translations:
        original = originals.get(translation.slug)
        if original is not None and hasattr(original, "tags"):
            translation.tags = list(original.tags)


def keep_translations(generator):
    """Hand the other generators every article's published translations."""
    generator.context["article_translations"] = list(generator.translations)


class LanguageTagsGenerator(Generator):
    """The feeds, tag pages, tag index and tag feeds of each language other than the default.

    (Pelican's TRANSLATION_FEED_* would also write a second feed of the default language.)
    """

    def generate_context(self):
        self.articles_by_lang: dict[str, list] = {}
        for article in self.context.get("article_translations", []):
            self.articles_by_lang.setdefault(article.lang, []).append(article)
        self.by_lang = {lang: group_by_tag(articles) for lang, articles in self.articles_by_lang.items()}
        available = self.context.setdefault("TAG_LANGUAGES", {})
        for tag, _articles in self.context.get("tags", []):
            available.setdefault(tag.slug, set()).add(self.settings["DEFAULT_LANG"])
        for lang, tags in self.by_lang.items():
            for tag in tags:
                available.setdefault(tag.slug, set()).add(lang)

    def generate_output(self, writer):
        cfg = config(self.settings)
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        limit = self.settings.get("FEED_MAX_ITEMS")
        for lang, articles in self.articles_by_lang.items():
            newest = articles[:limit] if limit else articles
            writer.write_feed(newest, self.context, cfg.feed_atom.format(lang=lang), feed_type="atom")
            writer.write_feed(newest, self.context, cfg.feed_rss.format(lang=lang), feed_type="rss")
        for lang, tags in self.by_lang.items():
            for tag, articles in tags.items():
                write(
                    cfg.tag_save_as.format(lang=lang, slug=tag.slug),
                    self.get_template("tag"),
                    self.context,
                    tag=tag,
                    articles=articles,
                    lang=lang,
                    url=cfg.tag_url.format(lang=lang, slug=tag.slug),
                )
                writer.write_feed(
                    articles,
                    self.context,
                    cfg.tag_feed_atom.format(lang=lang, slug=tag.slug),
                    feed_title=str(tag),
                )
            write(
                cfg.tags_save_as.format(lang=lang),
                self.get_template("tags"),
                self.context,
                tags=sorted(tags.items(), key=lambda item: str(item[0]).casefold()),
                lang=lang,
                url_key="tags",
                url=cfg.tags_save_as.format(lang=lang).replace("index.html", ""),
            )


def get_generators(pelican):
    return LanguageTagsGenerator


def check_settings(pelican):
    config(pelican.settings)


def register():
    signals.initialized.connect(check_settings)
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(forget_stale_sidecars)  # every generator: articles, pages, issues
    signals.article_generator_pretaxonomy.connect(share_tags)
    signals.article_generator_finalized.connect(keep_translations)
    signals.get_generators.connect(get_generators)
