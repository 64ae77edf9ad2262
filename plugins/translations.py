"""The English edition: each ``<article>.en.po`` sidecar is read as the English version of its article.

A sidecar is a gettext catalog of the article's blocks (see cafetech/sidecars.py).
Pelican finds it like any content file; this reader translates the French source
beside it block by block and hands Pelican an article in the catalog's language,
with the French slug, so Pelican pairs the two as translations.

Policy (``TRANSLATIONS_MIN_COVERAGE``, percent of blocks translated, fuzzy ones
not counted): below it, the translation is not published at all (no page, no
feed entry, no language switch to it); at or above it but under 100 %, it is
published with the missing blocks in French inside ``lang="fr"`` and a visible
notice. A sidecar is read as `translations.update` would leave it (cafetech.sidecars.as_updated),
so a published page stays published through French edits, its changed blocks stale.
This plugin also writes the tag pages and tag feeds of every language
other than the default one, listing only that language's articles.
"""

from __future__ import annotations

import logging
import os
import re
from functools import partial

from pelican import signals
from markdown import Markdown
from pelican.generators import Generator
from pelican.readers import MarkdownReader

from cafetech.editions import editions
from cafetech.files import hash_of
from cafetech.sidecars import (
    NOTE_KINDS,
    SidecarError,
    as_updated,
    config,
    parse_source,
    publication_state,
    read_sidecar,
    should_publish,
    translate,
)

logger = logging.getLogger(__name__)
ATTACH_LINK = re.compile(r"[{|]attach[}|]")

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


class SidecarReader(MarkdownReader):
    """Reads ``X.<lang>.po`` as the <lang> version of ``X.md``."""

    enabled = True
    file_extensions = ["po"]

    def markdown(self) -> Markdown:
        """A Markdown instance for one file, as Pelican's own reader makes (``_parse_metadata`` reads it)."""
        self._md = Markdown(**self.settings["MARKDOWN"])
        return self._md

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
            source_text = handle.read()
        document = parse_source(source_text)
        cfg = config(self.settings)
        # Read as `translations.update` would leave it: a French edit never waits for that command.
        catalog = as_updated(read_sidecar(source_path), document, lang, cfg.min_coverage, source_path)
        translated = translate(document, catalog, stale=cfg.stale_blocks)
        self._source_path = source_path
        # A leading newline: a first paragraph like "Update: …" must not be read as metadata.
        # The French page moves an {attach} file beside itself; its translation links to that file
        # where it ends up ({static}) instead of trying to move it a second time.
        body = ATTACH_LINK.sub("{static}", translated.body)
        content = self.markdown().convert("\n" + body)
        metadata = self._parse_metadata(metadata_lines({**translated.metadata, "lang": lang}))
        coverage, state = translated.coverage, publication_state(catalog)
        if not should_publish(coverage, state, cfg.min_coverage):
            if state == "withdrawn":
                metadata["status"] = "draft"  # kept by Pelican (and reported at every build), never written
            else:
                logger.info("%s: %.0f%% translated, not published yet", source_path, coverage.percent)
                metadata["status"] = "skip"
        metadata["translation_state"] = state
        metadata[SOURCE_DIGEST] = text_digest(source_text)  # what a kept reading is checked against
        metadata["untranslated_blocks"] = len(translated.fallback_blocks)
        metadata["stale_blocks"] = coverage.fuzzy  # entries, as the translator counts them (a lede repeated in the text is one)
        metadata["translation_coverage"] = coverage
        return content, metadata


SOURCE_DIGEST = "translation_source_digest"


def text_digest(text: str) -> str:
    return hash_of(text)


def stale_reading(reading, source_path: str) -> bool:
    """Whether a kept reading of a sidecar was made from another version of its French source (or
    cannot say which): Pelican's content cache vouches for the .po file only."""
    metadata = reading[1] if isinstance(reading, tuple) and len(reading) == 2 else None
    if not isinstance(metadata, dict) or SOURCE_DIGEST not in metadata:
        return True
    try:
        with open(source_path, encoding="utf-8") as handle:
            return metadata[SOURCE_DIGEST] != text_digest(handle.read())
    except OSError:
        return True


def add_reader(readers):
    readers.reader_classes["po"] = SidecarReader


_SIDECARS: dict[str, list[str]] = {}  # content folder -> its sidecars, found once per build (check_settings clears it)


def sidecar_files(root: str) -> list[str]:
    """Every sidecar under ``root``, absolute (the issues' too, which IGNORE_FILES keeps from Pelican's own generators)."""
    if root not in _SIDECARS:
        _SIDECARS[root] = [
            os.path.abspath(os.path.join(folder, name))
            for folder, _folders, names in os.walk(root, followlinks=True)
            for name in names
            if name.endswith(".po")
        ]
    return _SIDECARS[root]


def forget_stale_sidecars(generator):
    """An English page is made of its .po AND its French .md: a kept reading whose source changed
    since is read again (``cache_data(path, (None, None))``: Pelican's public way of storing a
    reading, here one that says "read me again"), so a warm build is never stale."""
    readers = generator.readers
    if not (generator.settings.get("CACHE_CONTENT") and generator.settings.get("LOAD_CONTENT_CACHE")):
        return  # nothing kept from an earlier build
    for path in sidecar_files(generator.path):  # every generator's: articles, pages, issues
        reading = readers.get_cached_data(path, None)
        if reading is not None and reading != (None, None) and stale_reading(reading, sidecar_parts(path)[0]):
            readers.cache_data(path, (None, None))


def share_tags(generator):
    """A translation carries exactly its original's tags (computed on the source language's text)."""
    originals = {article.slug: article for article in generator.articles}
    for translation in generator.translations:
        original = originals.get(translation.slug)
        if original is not None and hasattr(original, "tags"):
            translation.tags = list(original.tags)




def translation_notes(items) -> list[str]:
    """One line for each thing the editors must hear of at every build: a page stale, partly untranslated or withdrawn."""
    notes = []
    for item in items:
        where = item.relative_source_path
        if getattr(item, "translation_state", None) == "withdrawn":
            notes.append(f"{where}: {NOTE_KINDS[1]}: the sidecar says X-Published: withdrawn, so there is no {item.lang} page")
            continue
        if stale := getattr(item, "stale_blocks", 0):
            shown = "its previous translation" if config(item.settings).stale_blocks == "previous" else "the French"
            notes.append(
                f"{where}: {NOTE_KINDS[0]}: {stale} block(s) changed in French since translated; "
                f"the {item.lang} page shows {shown} until the translator updates it"
            )
        counts = getattr(item, "translation_coverage", None)
        if missing := getattr(counts, "untranslated", 0):
            notes.append(
                f"{where}: {NOTE_KINDS[2]}: {missing} block(s) not translated yet (new in French, or a suggestion "
                f"to review); the {item.lang} page shows them in French"
            )
    return notes


def report_article_translations(generator):
    """Stale, partly untranslated and withdrawn translations, cached or read again, are reported at every build
    (here, before content_checks drops the drafts a withdrawn translation is)."""
    # A withdrawn translation is a draft whose original is not: Pelican files it with the drafts.
    for note in translation_notes([*generator.translations, *generator.drafts, *generator.drafts_translations]):
        logger.warning("%s", note)


def report_page_translations(generator):
    for note in translation_notes([*generator.translations, *generator.draft_pages, *generator.draft_translations]):
        logger.warning("%s", note)


def report_issue_translations(generators):
    for generator in generators:
        for lang, issues in (getattr(generator, "issues_by_lang", None) or {}).items():
            for note in translation_notes([issue for issue in issues if issue.text_lang == lang != issue.settings["DEFAULT_LANG"]]):
                logger.warning("%s", note)


def keep_translations(generator):
    """Hand the other generators every article's published translations."""
    generator.context["article_translations"] = list(generator.translations)


class LanguageTagsGenerator(Generator):
    """The feeds, tag pages, tag index and tag feeds of each edition other than the source language's.

    (Pelican's TRANSLATION_FEED_* would also write a second feed of the default language.)
    """

    def generate_context(self):
        self.articles_by_lang: dict[str, list] = {edition.lang: [] for edition in editions(self.settings).translated}
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
        model = editions(self.settings)
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        limit = self.settings.get("FEED_MAX_ITEMS")
        for lang, articles in self.articles_by_lang.items():
            edition = model[lang]
            newest = articles[:limit] if limit else articles
            writer.write_feed(newest, self.context, edition.url("atom"), feed_type="atom")
            writer.write_feed(newest, self.context, edition.url("rss"), feed_type="rss")
            tags = self.by_lang[lang]
            for tag, tagged in tags.items():
                write(
                    edition.save_as("tag", slug=tag.slug),
                    self.get_template("tag"),
                    self.context,
                    tag=tag,
                    articles=tagged,
                    lang=lang,
                    url=edition.url("tag", slug=tag.slug),
                )
                writer.write_feed(tagged, self.context, edition.url("tag_atom", slug=tag.slug), feed_title=str(tag))
            write(
                edition.save_as("tags"),
                self.get_template("tags"),
                self.context,
                tags=sorted(tags.items(), key=lambda item: model.tag_label(item[0], lang).casefold()),
                lang=lang,
                url=edition.url("tags"),
            )


def get_generators(pelican):
    return LanguageTagsGenerator


def check_settings(pelican):
    config(pelican.settings)
    _SIDECARS.clear()  # a new build: its files may have changed


def register():
    signals.initialized.connect(check_settings)
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(forget_stale_sidecars)  # every generator: articles, pages, issues
    signals.article_generator_pretaxonomy.connect(share_tags)
    signals.article_generator_finalized.connect(keep_translations)
    signals.article_generator_pretaxonomy.connect(report_article_translations)
    signals.page_generator_finalized.connect(report_page_translations)
    signals.all_generators_finalized.connect(report_issue_translations)
    signals.get_generators.connect(get_generators)
