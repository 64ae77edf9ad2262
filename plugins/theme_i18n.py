"""The theme's own strings in the page's language: Babel catalogs, compiled at build, read by Jinja's i18n.

Templates mark strings with ``{{ _("Numéros") }}`` or ``{% trans %}…{% endtrans %}``;
the msgids are the French strings (the site's source language). Each other
language has ``theme/translations/<lang>/LC_MESSAGES/messages.po``; the build
compiles it to a ``.mo`` beside it (never committed) and every page is rendered
with the catalog of its own language, read from its context (``lang``, or the
language of its article, page or issue).
"""

from __future__ import annotations

import gettext as gettext_module
import os
from dataclasses import dataclass
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

DEFAULTS = {
    "I18N_LANGUAGES": ["fr", "en"],
    "I18N_THEME_TRANSLATIONS": None,  # None: <THEME>/translations
    "I18N_DOMAIN": "messages",
    # The site's own URLs in each language, read by the url_for() template global.
    "I18N_URLS": {
        "fr": {
            "home": "",
            "issues": "numeros/",
            "tags": "tag/",
            "tag": "tag/{slug}/",
            "atom": "feeds/atom.xml",
            "rss": "feeds/rss.xml",
            "tag_atom": "feeds/tag/{slug}.atom.xml",
            "404": "404.html",
            "search": "recherche/",
        },
        "en": {
            "home": "en/",
            "issues": "en/issues/",
            "tags": "en/tag/",
            "tag": "en/tag/{slug}/",
            "atom": "en/feeds/atom.xml",
            "rss": "en/feeds/rss.xml",
            "tag_atom": "en/feeds/tag/{slug}.atom.xml",
            "404": "en/404.html",
            "search": "en/search/",
        },
    },
    # Templates written once per language, with the URL key that names them.
    "I18N_LANGUAGE_PAGES": {"404": "404", "search": "search"},
}

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
JINJA_EXTRACT_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}


class ThemeCatalogError(Exception):
    """A theme catalog that is missing or cannot be read; the message names the file."""


@dataclass(frozen=True)
class I18nConfig:
    languages: tuple[str, ...]
    source_language: str
    translations_dir: str
    domain: str
    urls: dict
    language_pages: dict

    def catalog_path(self, lang: str, suffix: str = ".po") -> str:
        return os.path.join(self.translations_dir, lang, "LC_MESSAGES", self.domain + suffix)


def config(settings: dict) -> I18nConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    languages = tuple(merged["I18N_LANGUAGES"])
    source = settings.get("DEFAULT_LANG", "fr")
    if source not in languages:
        raise ValueError(f"theme_i18n: DEFAULT_LANG {source!r} must be one of I18N_LANGUAGES {list(languages)}")
    directory = merged["I18N_THEME_TRANSLATIONS"] or os.path.join(settings.get("THEME", "theme"), "translations")
    urls = merged["I18N_URLS"]
    for lang in languages:
        missing = set(urls[source]) - set(urls.get(lang, {}))
        if missing:
            raise ValueError(f"theme_i18n: I18N_URLS[{lang!r}] lacks {', '.join(sorted(missing))}")
    return I18nConfig(languages, source, directory, merged["I18N_DOMAIN"], urls, merged["I18N_LANGUAGE_PAGES"])


# --- pure functions ---------------------------------------------------------


def compile_catalog(po_path: str, mo_path: str) -> None:
    """Write the .mo of a .po when it is missing or older (fuzzy entries are left out)."""
    if not os.path.exists(po_path):
        raise ThemeCatalogError(f"{po_path}: missing theme catalog; run `invoke translations.update`")
    if os.path.exists(mo_path) and os.path.getmtime(mo_path) >= os.path.getmtime(po_path):
        return
    try:
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except (PoFileError, LookupError, UnicodeDecodeError) as error:
        raise ThemeCatalogError(f"{po_path}: {error}") from None
    tmp = mo_path + ".tmp"
    with open(tmp, "wb") as handle:
        write_mo(handle, catalog)
    os.replace(tmp, mo_path)


@lru_cache(maxsize=8)
def _load(mo_path: str, mtime_ns: int) -> gettext_module.GNUTranslations:
    with open(mo_path, "rb") as handle:
        return gettext_module.GNUTranslations(handle)


def load_translations(cfg: I18nConfig) -> dict[str, gettext_module.NullTranslations]:
    """Compile and load every language's catalog; the source language needs none."""
    translations: dict[str, gettext_module.NullTranslations] = {}
    for lang in cfg.languages:
        if lang == cfg.source_language:
            translations[lang] = gettext_module.NullTranslations()
            continue
        po_path, mo_path = cfg.catalog_path(lang), cfg.catalog_path(lang, ".mo")
        compile_catalog(po_path, mo_path)
        translations[lang] = _load(mo_path, os.stat(mo_path).st_mtime_ns)
    return translations


def page_language(context, default: str) -> str:
    """The language a page is written in, from its template context."""
    if context.get("lang"):
        return context["lang"]
    for name in ("article", "page", "issue"):
        item = context.get(name)
        if item is not None and getattr(item, "lang", None):
            return item.lang
    return default


def make_callables(translations: dict, default: str):
    """gettext/ngettext for Jinja that pick the catalog of the page being rendered."""

    @pass_context
    def gettext(context, message):
        lang = page_language(context, default)
        return translations.get(lang, translations[default]).gettext(message)

    @pass_context
    def ngettext(context, singular, plural, n):
        lang = page_language(context, default)
        return translations.get(lang, translations[default]).ngettext(singular, plural, n)

    return gettext, ngettext


TAG_CONTEXT = "tag"


def make_tag_label(translations: dict, default: str):
    """tag_label(tag, lang): a tag's name in that language, from the theme catalog (msgctxt "tag")."""

    def tag_label(tag, lang):
        return translations.get(lang, translations[default]).pgettext(TAG_CONTEXT, str(tag))

    return tag_label


def make_url_for(urls: dict, default: str):
    """url_for(name, lang=None, **fields): a site URL in the page's language (or in ``lang``)."""

    @pass_context
    def url_for(context, name, lang=None, **fields):
        return urls[lang or page_language(context, default)][name].format(**fields)

    return url_for


def language_alternates(item, languages) -> list:
    """An article, page or issue and its published translations, in the order of ``languages``."""
    found = {item.lang: item}
    for other in getattr(item, "translations", []) or []:
        found.setdefault(other.lang, other)
    return [found[lang] for lang in languages if lang in found]


def extract_theme_messages(templates_dir: str, lang: str, project: str = "Cafétech", tags: list[str] = ()):
    """A catalog template of every string the templates mark for translation (pybabel extract),
    and of the tag names (msgctxt "tag")."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(locale=lang, project=project, domain=DEFAULTS["I18N_DOMAIN"], fuzzy=False)
    found = extract_from_dir(
        templates_dir,
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": JINJA_EXTRACT_OPTIONS},
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, locations=[(os.path.join("templates", filename), lineno)], auto_comments=comments, context=context)
    for name in tags:
        catalog.add(name, locations=[("../content/tags.toml", 0)], context=TAG_CONTEXT)
    return catalog


# --- Pelican side -----------------------------------------------------------


def check_catalogs(pelican):
    """Compile the theme catalogs once at start; a missing or broken one stops the build."""
    for key, default in DEFAULTS.items():  # other plugins (the sitemap) read I18N_URLS too
        pelican.settings.setdefault(key, default)
    cfg = config(pelican.settings)
    load_translations(cfg)


def install_translations(generator):
    cfg = config(generator.settings)
    translations = load_translations(cfg)
    gettext, ngettext = make_callables(translations, cfg.source_language)
    generator.env.filters["tag_label"] = make_tag_label(translations, cfg.source_language)
    generator.env.add_extension("jinja2.ext.i18n")
    generator.env.install_gettext_callables(gettext, ngettext, newstyle=True)
    generator.env.globals.update(
        url_for=make_url_for(cfg.urls, cfg.source_language),
        page_lang=pass_context(lambda context: page_language(context, cfg.source_language)),
        alternates=lambda item: language_alternates(item, cfg.languages),
        versions=pass_context(lambda context: page_versions(context, cfg)),
        LANGUAGES=cfg.languages,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )


def page_versions(context, cfg: I18nConfig) -> list[tuple[str, str]]:
    """(lang, url) of every language version of the page being rendered, current one included."""
    for name in ("article", "page", "issue"):
        item = context.get(name)
        if item is not None:
            return [(version.lang, version.url) for version in language_alternates(item, cfg.languages)]
    tag = context.get("tag")
    if tag is not None:
        available = context.get("TAG_LANGUAGES", {}).get(tag.slug, {cfg.source_language})
        return [(lang, cfg.urls[lang]["tag"].format(slug=tag.slug)) for lang in cfg.languages if lang in available]
    key = context.get("url_key") or {"tags": "tags"}.get(context.get("page_name"))
    if key:
        return [(lang, cfg.urls[lang][key]) for lang in cfg.languages]
    return []


class LanguagePagesGenerator(Generator):
    """Writes the pages that exist once per language and belong to no content (the 404 page)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        cfg = config(self.settings)
        for template, key in cfg.language_pages.items():
            for lang in cfg.languages:
                url = cfg.urls[lang][key]
                writer.write_file(
                    url if url.endswith(".html") else url + "index.html",
                    self.get_template(template),
                    self.context,
                    lang=lang,
                    url_key=key,
                    url=url,
                )


def get_generators(pelican):
    return LanguagePagesGenerator


def register():
    signals.initialized.connect(check_catalogs)
    signals.generator_init.connect(install_translations)
    signals.get_generators.connect(get_generators)
