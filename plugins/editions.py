"""The editions in the build: Pelican's URL settings from them, their template globals, their feeds' metadata."""

from __future__ import annotations

import datetime
import logging

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.utils import set_date_tzinfo

from cafetech.editions import PAGE_LINK, editions, language_versions, page_language, pelican_settings, tag_label

logger = logging.getLogger(__name__)
EMPTY_FEED_DATE = datetime.datetime(2023, 1, 1)  # the updated date of an empty feed on a site with no article

# --- pure functions ---------------------------------------------------------


def page_versions(context, model, tag_languages: dict) -> list[tuple[str, str]]:
    """(lang, url) of every language version of the page being rendered, the current one included."""
    for name in ("article", "page", "issue"):
        item = context.get(name)
        if item is not None:
            return [(version.lang, version.url) for version in language_versions(item, model.languages)]
    found = model.page_of(context["output_file"]) if context.get("output_file") else None
    if found is None:
        return []
    kind, _lang, fields = found
    if kind == "tag":
        available = tag_languages.get(fields["slug"], {model.source})
        return [(lang, model.url("tag", lang, **fields)) for lang in model.languages if lang in available]
    if kind in ("home", "issues", "tags", "search"):
        return [(lang, model.url(kind, lang)) for lang in model.languages]
    return []


def written_url(output_file: str) -> str:
    """The URL of the page written to ``output_file`` (Pelican's name for it in the context)."""
    return output_file[: -len("index.html")] if output_file.endswith("index.html") else output_file


def site_page_urls(pages, lang: str) -> dict[str, tuple[str, str]]:
    """{slug: (url, lang of that version)} of the site's pages as a reader of ``lang`` reaches them:
    the page's own translation when it is published, else the page itself."""
    found = {}
    for page in pages:
        version = next((v for v in [page, *getattr(page, "translations", [])] if v.lang == lang), page)
        found[page.slug] = (version.url, version.lang)
    return found


def support_link(model, lang: str, pages, siteurl: str) -> tuple[str, str] | None:
    """(href, lang of its target) of the support box's button in ``lang``; None without a box.
    An internal link is written as every page link of the site: SITEURL + "/" + url."""
    support = model.get(lang).support
    if support is None:
        return None
    if match := PAGE_LINK.match(support.link):
        url, target_lang = site_page_urls(pages, lang).get(match[1], (None, None))
        return None if url is None else (f"{siteurl}/{url}", target_lang)
    return support.link, ""


def missing_support_pages(model, pages) -> list[str]:
    """The editions whose support link names a page the site does not have, as error lines."""
    slugs = {page.slug for page in pages}
    return [
        f"EDITIONS[{edition.lang!r}]['support']['link'] is {edition.support.link!r}, but content/ has no page with that slug"
        for edition in model.editions
        if edition.support and (match := PAGE_LINK.match(edition.support.link)) and match[1] not in slugs
    ]


def feed_metadata(model, feed_url: str, tag_label) -> dict | None:
    """Title, subtitle, alternate link and id of the feed at ``feed_url``; None for a feed of no edition.

    tag_label(slug, lang) gives a tag's name in a language.
    """
    relative = feed_url[len(model.base_url) :] if feed_url.startswith(model.base_url) else feed_url
    found = model.page_of(relative)
    if found is None or found[0] not in ("atom", "rss", "tag_atom"):
        return None
    kind, lang, fields = found
    edition = model[lang]
    if kind == "tag_atom":
        label = tag_label(fields["slug"], lang)
        title, page = model.feed_title(lang, label), model.url("tag", lang, slug=fields["slug"])
    else:
        title, page = model.feed_title(lang), model.url("home", lang)
    return {
        "title": title,
        "subtitle": edition.tagline or None,
        "description": edition.tagline,
        "link": model.absolute(page),
        "id": model.absolute(relative),
        "language": lang,
    }


# --- Pelican side -----------------------------------------------------------


def set_url_settings(pelican):
    """Pelican reads its URL settings itself: write them from the editions (their one home)."""
    model = editions(pelican.settings)
    pelican.settings.update(pelican_settings(model))


def add_globals(generator):
    model = editions(generator.settings)
    source = model.source

    def versions(context):
        return page_versions(context, model, generator.context.get("TAG_LANGUAGES") or {})

    def url_for(context, kind, lang=None, **fields):
        return model.url(kind, lang or page_language(context, source), **fields)

    generator.env.globals.update(
        url_for=pass_context(url_for),
        page_lang=pass_context(lambda context: page_language(context, source)),
        edition=pass_context(lambda context: model.get(page_language(context, source))),
        alternates=lambda item: language_versions(item, model.languages),
        versions=pass_context(versions),
        absolute=model.absolute,
        page_url=pass_context(lambda context: written_url(context.get("output_file") or "")),
        support_link=pass_context(
            lambda context: support_link(model, page_language(context, source), context.get("pages") or [], context.get("SITEURL") or "")
        ),
        EDITIONS_MODEL=model,
    )


def check_site_links(generator):
    """A support link to a page the build does not write is an error, not a dead link on every page."""
    for problem in missing_support_pages(editions(generator.settings), generator.pages):
        logger.error("%s", problem)


def translate_feed(context, feed):
    """Each feed in its own language, with its own id and a link to its own page."""
    model = editions(context)
    catalogs = model.translations()  # a tag feed's title names its tag in the feed's language
    tag_names = {tag.slug: str(tag) for tag, _articles in context.get("tags", [])}
    metadata = feed_metadata(model, feed.feed["feed_url"], lambda slug, lang: tag_label(catalogs, tag_names.get(slug, slug), lang))
    if metadata is None:
        return
    lang = metadata.pop("language")
    feed.feed.update(metadata, language=lang)
    feed.feed["title"] = Markup(metadata["title"]).striptags()
    if not feed.items:
        # feedgenerator dates an empty feed "now": the same site must give the same bytes.
        newest = max((article.date for article in context.get("articles", [])), default=EMPTY_FEED_DATE)
        feed.latest_post_date = lambda: set_date_tzinfo(newest, context.get("TIMEZONE"))


def register():
    signals.initialized.connect(set_url_settings)
    signals.generator_init.connect(add_globals)
    signals.page_generator_finalized.connect(check_site_links)
    signals.feed_generated.connect(translate_feed)
