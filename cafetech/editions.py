"""The editions of the site: its languages and, for each, the URL of every page kind, its own texts and its base URL."""

from __future__ import annotations

import gettext as gettext_module
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from cafetech.files import replacing

# The URL of each page kind in the source language; every other edition lives under "<lang>/".
# A URL ending in "/" is written as its index.html.
SOURCE_URLS = {
    "home": "",
    "issue": "numero/{slug}/",
    "issues": "numeros/",
    "article": "{date:%Y}/{date:%m}/{slug}/",
    "page": "{slug}/",
    "tags": "tag/",
    "tag": "tag/{slug}/",
    "atom": "feeds/atom.xml",
    "rss": "feeds/rss.xml",
    "tag_atom": "feeds/tag/{slug}.atom.xml",
    "search": "recherche/",
    "404": "404.html",
}
TRANSLATED_URLS = {
    "home": "{lang}/",
    "issue": "{lang}/issues/{slug}/",
    "issues": "{lang}/issues/",
    "article": "{lang}/{date:%Y}/{date:%m}/{slug}/",
    "page": "{lang}/{slug}/",
    "tags": "{lang}/tag/",
    "tag": "{lang}/tag/{slug}/",
    "atom": "{lang}/feeds/atom.xml",
    "rss": "{lang}/feeds/rss.xml",
    "tag_atom": "{lang}/feeds/tag/{slug}.atom.xml",
    "search": "{lang}/search/",
    "404": "{lang}/404.html",
}
# Kinds Pelican itself builds from its settings (articles and pages of every language share one
# *_LANG_* pattern there, so those two patterns may not differ between translated editions).
PELICAN_SETTINGS = {
    "article": ("ARTICLE_URL", "ARTICLE_SAVE_AS", "ARTICLE_LANG_URL", "ARTICLE_LANG_SAVE_AS"),
    "page": ("PAGE_URL", "PAGE_SAVE_AS", "PAGE_LANG_URL", "PAGE_LANG_SAVE_AS"),
    "issue": ("ISSUE_URL", "ISSUE_SAVE_AS", "ISSUE_LANG_URL", "ISSUE_LANG_SAVE_AS"),
}
TEXT_KEYS = ("name", "locale", "sitename", "tagline", "author", "support", "subscribe")
SUBSCRIBE_TEXTS = ("title", "text", "label", "button")
SUPPORT_KEYS = ("text", "label", "link")
DEFAULT_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
DEFAULT_EDITIONS = {"fr": {"name": "Français"}, "en": {"name": "English"}}  # when the settings declare none
PAGE_LINK = re.compile(r"^page:([\w-]+)$")
THEME_DOMAIN = "messages"
TAG_CONTEXT = "tag"  # the msgctxt of tag names in the theme catalog


class EditionsError(ValueError):
    """Settings of the editions that cannot work; the message starts with 'EDITIONS'."""


def save_as(url: str) -> str:
    """The file a URL is written to: 'numeros/' -> 'numeros/index.html'."""
    return url + "index.html" if url == "" or url.endswith("/") else url


@dataclass(frozen=True)
class Support:
    text: str
    label: str
    link: str  # an absolute http(s) address, or "page:<slug>" (a page of the site, in the reader's language)


@dataclass(frozen=True)
class Subscription:
    """The newsletter's sign-up form in one language: where it posts, and its texts."""

    action: str  # the email service's form address (https)
    field: str  # the name of its email field
    title: str
    text: str
    label: str
    button: str

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the action: what the Content-Security-Policy's form-action allows."""
        scheme, rest = self.action.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}"


@dataclass(frozen=True)
class Edition:
    """One language of the site."""

    lang: str
    name: str  # the language's name in itself, for the language switcher
    locale: str  # og:locale
    sitename: str
    tagline: str
    author: str  # the byline of an article that names no author of its own (AUTHOR in the source language)
    support: Support | None
    urls: dict = field(hash=False, compare=False)
    subscription: Subscription | None = None

    def url(self, kind: str, **fields) -> str:
        return self.urls[kind].format(lang=self.lang, **fields)

    def save_as(self, kind: str, **fields) -> str:
        return save_as(self.url(kind, **fields))


@dataclass(frozen=True)
class Editions:
    """Every edition, the source language first, and the absolute base URL they share."""

    source: str
    editions: tuple[Edition, ...]
    base_url: str
    theme_translations: str  # <THEME>/translations

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(edition.lang for edition in self.editions)

    @property
    def translated(self) -> tuple[Edition, ...]:
        return tuple(edition for edition in self.editions if edition.lang != self.source)

    def __getitem__(self, lang: str) -> Edition:
        for edition in self.editions:
            if edition.lang == lang:
                return edition
        raise KeyError(lang)

    def get(self, lang: str | None) -> Edition:
        """The edition of ``lang``, or the source language's for an unknown one."""
        return next((e for e in self.editions if e.lang == lang), self.editions[0])

    def url(self, kind: str, lang: str, **fields) -> str:
        return self[lang].url(kind, **fields)

    def absolute(self, url: str) -> str:
        """An absolute address for a site URL ('' is the home page); an absolute one is kept."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", url):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    def page_of(self, url: str) -> tuple[str, str, dict] | None:
        """(kind, lang, fields) of a site URL or file path made by one of the patterns, or None.
        Where two patterns match ('tag/' is also a page's '{slug}/'), the one with fewer fields wins."""
        url = url.lstrip("/")
        if url.endswith("index.html"):
            url = url[: -len("index.html")]
        found = [
            (len(fields), -len(pattern), kind, edition.lang, fields)
            for edition in self.editions
            for kind, pattern in edition.urls.items()
            if (fields := _match(pattern.replace("{lang}", edition.lang), url)) is not None
        ]
        if not found:
            return None
        *_, kind, lang, fields = min(found, key=lambda match: match[:2])
        return kind, lang, fields

    def byline(self, item) -> str:
        """The author an article shows in its own language: its own, or its edition's byline."""
        author = str(getattr(item, "author", "") or "").strip()
        source_byline = self[self.source].author
        return self.get(getattr(item, "lang", None)).author if not author or author == source_byline else author

    def feed_title(self, lang: str, label: str | None = None) -> str:
        sitename = self[lang].sitename
        return f"{sitename} – {label}" if label else sitename

    def support_url(self, lang: str, page_urls: dict[str, str]) -> str | None:
        """The support link of ``lang`` as a site URL or absolute address; page_urls: {slug: url in lang}."""
        support = self[lang].support
        if support is None:
            return None
        if match := PAGE_LINK.match(support.link):
            return page_urls.get(match[1])
        return support.link

    # The theme catalogs (theme/translations/<lang>/LC_MESSAGES/messages.po) carry the theme's
    # strings and the tag names.

    def catalog_path(self, lang: str, suffix: str = ".po") -> str:
        return os.path.join(self.theme_translations, lang, "LC_MESSAGES", THEME_DOMAIN + suffix)

    def translations(self) -> dict[str, gettext_module.NullTranslations]:
        """Compile and load every edition's theme catalog; the source language needs none."""
        loaded: dict[str, gettext_module.NullTranslations] = {}
        for lang in self.languages:
            if lang == self.source:
                loaded[lang] = gettext_module.NullTranslations()
                continue
            po_path, mo_path = self.catalog_path(lang), self.catalog_path(lang, ".mo")
            compile_catalog(po_path, mo_path)
            loaded[lang] = _load_mo(mo_path, os.stat(mo_path).st_mtime_ns)
        return loaded

    def tag_label(self, tag, lang: str) -> str:
        """A tag's name in ``lang`` (msgctxt "tag" of the theme catalog); a loop over many tags loads
        the catalogs once and calls the module's ``tag_label`` instead."""
        return tag_label(self.translations(), tag, lang)


    def foreign_site_texts(self, lang: str, tag_names=()) -> list[str]:
        """The source language's own texts that have another form in ``lang`` (site texts, theme
        strings, tag names): none may show in that edition's pages or feeds outside a lang island."""
        source, edition = self[self.source], self[lang]
        texts = {source.tagline: edition.tagline, source.sitename: edition.sitename, source.author: edition.author}
        if source.support and edition.support:
            texts.update({source.support.text: edition.support.text, source.support.label: edition.support.label})
        if source.subscription and edition.subscription:
            texts.update({getattr(source.subscription, key): getattr(edition.subscription, key) for key in SUBSCRIBE_TEXTS})
        catalog = self.translations().get(lang)
        if catalog is not None and lang != self.source:
            for message in _catalog_ids(self.catalog_path(lang)):
                if "%(" not in message:
                    texts[message] = catalog.gettext(message)
            for name in tag_names:
                texts[str(name)] = self.tag_label(name, lang)
        return sorted(text for text, translated in texts.items() if text and text != translated and len(text) > 3)


def _catalog_ids(po_path: str) -> list[str]:
    with open(po_path, "rb") as handle:
        return [message.id for message in read_po(handle) if message.id and isinstance(message.id, str) and not message.context]


def tag_label(catalogs: dict, tag, lang: str) -> str:
    """A tag's name in ``lang`` from loaded theme catalogs (msgctxt "tag"); its own name where there is none."""
    catalog = catalogs.get(lang)
    return catalog.pgettext(TAG_CONTEXT, str(tag)) if catalog is not None else str(tag)


class ThemeCatalogError(Exception):
    """A theme catalog that is missing or cannot be read; the message names the file."""


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
    with replacing(mo_path) as temporary, open(temporary, "wb") as handle:
        write_mo(handle, catalog)


@lru_cache(maxsize=8)
def _load_mo(mo_path: str, mtime_ns: int) -> gettext_module.GNUTranslations:
    with open(mo_path, "rb") as handle:
        return gettext_module.GNUTranslations(handle)


_FIELD = re.compile(r"\{(\w+)(?::[^}]*)?\}")


@lru_cache(maxsize=256)
def _pattern_regex(pattern: str) -> re.Pattern:
    parts, seen, at = [], set(), 0
    for match in _FIELD.finditer(pattern):
        parts.append(re.escape(pattern[at : match.start()]))
        parts.append("[^/]+" if match[1] in seen else f"(?P<{match[1]}>[^/]+)")
        seen.add(match[1])
        at = match.end()
    parts.append(re.escape(pattern[at:]))
    return re.compile("".join(parts) + r"\Z")


def _match(pattern: str, url: str) -> dict | None:
    found = _pattern_regex(pattern).match(url)
    return None if found is None else found.groupdict()


def page_language(context, default: str) -> str:
    """The language a page is written in, from its template context."""
    if context.get("lang"):
        return context["lang"]
    for name in ("article", "page", "issue"):
        item = context.get(name)
        if item is not None and getattr(item, "lang", None):
            return item.lang
    return default


def language_versions(item, languages) -> list:
    """An article, page or issue and its published translations, in the order of ``languages``."""
    found = {item.lang: item}
    for other in getattr(item, "translations", []) or []:
        found.setdefault(other.lang, other)
    return [found[lang] for lang in languages if lang in found]


def base_url(settings: dict) -> str:
    """The site's absolute address: SITEURL when it is absolute (published), else FEED_DOMAIN (development)."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    if re.match(r"^https?://", siteurl):
        return siteurl
    return (settings.get("FEED_DOMAIN") or "").rstrip("/")


def editions(settings: dict) -> Editions:
    """The editions described by EDITIONS, DEFAULT_LANG and SUBSCRIBE; EditionsError when they cannot work."""
    declared = settings.get("EDITIONS") or DEFAULT_EDITIONS
    return _editions(
        _freeze(declared),
        _freeze(settings.get("SUBSCRIBE") or {}),
        settings.get("DEFAULT_LANG", "fr"),
        settings.get("SITENAME", ""),
        settings.get("AUTHOR") or settings.get("SITENAME", ""),
        base_url(settings),
        os.path.join(settings.get("THEME", "theme"), "translations"),
    )


def _freeze(value):
    if isinstance(value, dict):
        return tuple((key, _freeze(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value):
    if isinstance(value, tuple) and all(isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) for item in value):
        return {key: _thaw(item) for key, item in value}
    return value


@lru_cache(maxsize=32)
def _editions(declared: tuple, subscribe: tuple, source: str, sitename: str, author: str, base: str, theme_translations: str) -> Editions:
    declared = {lang: _thaw(spec) if spec else {} for lang, spec in declared}
    subscribe = _thaw(subscribe) if subscribe else {}
    if subscribe:
        if set(subscribe) != {"action", "field"}:
            raise EditionsError("SUBSCRIBE must have exactly the keys action (the form's https:// address) and field (its email field's name)")
        if not re.match(r"^https://[^/\s]+\.[^/\s]+", str(subscribe["action"])):
            raise EditionsError(f"SUBSCRIBE['action'] must be the email service's https:// form address, not {subscribe['action']!r}")
        if not re.fullmatch(r"[\w.\[\]-]+", str(subscribe["field"])):
            raise EditionsError(f"SUBSCRIBE['field'] must be the name of the form's email field, not {subscribe['field']!r}")
    if source not in declared:
        raise EditionsError(f"EDITIONS: DEFAULT_LANG {source!r} must be one of the editions {list(declared)}")
    built = []
    for lang in [source, *(lang for lang in declared if lang != source)]:
        spec = declared[lang] or {}
        unknown = set(spec) - {*TEXT_KEYS, "urls"}
        if unknown:
            raise EditionsError(f"EDITIONS[{lang!r}]: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join((*TEXT_KEYS, 'urls'))}")
        urls = {**(SOURCE_URLS if lang == source else TRANSLATED_URLS), **(spec.get("urls") or {})}
        if unknown_kinds := set(urls) - set(SOURCE_URLS):
            raise EditionsError(f"EDITIONS[{lang!r}]['urls']: unknown page kind(s) {', '.join(sorted(unknown_kinds))}")
        if lang != source and any(not urls[kind].startswith(f"{{lang}}/") and not urls[kind].startswith(f"{lang}/") for kind in urls):
            raise EditionsError(f"EDITIONS[{lang!r}]['urls']: every URL of a translated edition starts with '{{lang}}/'")
        for kind in ("issue", "tag", "tag_atom"):
            if "{slug}" not in urls[kind]:
                raise EditionsError(f"EDITIONS[{lang!r}]['urls'][{kind!r}] must contain {{slug}}, not {urls[kind]!r}")
        support = spec.get("support")
        if support is not None:
            if not isinstance(support, dict) or set(support) != set(SUPPORT_KEYS):
                raise EditionsError(f"EDITIONS[{lang!r}]['support'] must have exactly the keys {', '.join(SUPPORT_KEYS)}")
            link = support["link"]
            if not (PAGE_LINK.match(link) or re.match(r"^https?://[^/\s]+\.[^/\s]+", link)):
                raise EditionsError(
                    f"EDITIONS[{lang!r}]['support']['link'] must be 'page:<slug>' (a page of the site) "
                    f"or an external https:// address, not {link!r}"
                )
            support = Support(**support)
        subscription = None
        if subscribe:
            texts = spec.get("subscribe")
            if not isinstance(texts, dict) or set(texts) != set(SUBSCRIBE_TEXTS):
                raise EditionsError(f"EDITIONS[{lang!r}]['subscribe'] must have exactly the keys {', '.join(SUBSCRIBE_TEXTS)} when SUBSCRIBE is set")
            subscription = Subscription(action=subscribe["action"], field=subscribe["field"], **texts)
        built.append(
            Edition(
                lang=lang,
                name=spec.get("name", lang),
                locale=spec.get("locale", DEFAULT_LOCALES.get(lang, lang)),
                sitename=spec.get("sitename", sitename),
                tagline=spec.get("tagline", ""),
                author=spec.get("author", author),
                support=support,
                urls=urls,
                subscription=subscription,
            )
        )
    translated = [edition for edition in built if edition.lang != source]
    for kind in PELICAN_SETTINGS:
        patterns = {edition.urls[kind].replace(edition.lang + "/", "{lang}/", 1) for edition in translated}
        if len(patterns) > 1:
            raise EditionsError(f"EDITIONS: the {kind} URL must be the same '{{lang}}/…' pattern in every translated edition")
    return Editions(source, tuple(built), base, theme_translations)


def pelican_settings(model: Editions) -> dict:
    """The URL settings Pelican (and the issues plugin) read, derived from the editions."""
    source = model[model.source]
    translated = model.translated[0] if model.translated else None
    values = {}
    for kind, (url, saved, lang_url, lang_saved) in PELICAN_SETTINGS.items():
        values[url], values[saved] = source.urls[kind], save_as(source.urls[kind])
        pattern = translated.urls[kind].replace(translated.lang + "/", "{lang}/", 1) if translated else "{lang}/" + source.urls[kind]
        values[lang_url], values[lang_saved] = pattern, save_as(pattern)
    values.update(
        TAG_URL=source.urls["tag"],
        TAG_SAVE_AS=save_as(source.urls["tag"]),
        TAGS_URL=source.urls["tags"],
        TAGS_SAVE_AS=save_as(source.urls["tags"]),
        FEED_ATOM=source.urls["atom"],
        FEED_RSS=source.urls["rss"],
        TAG_FEED_ATOM=source.urls["tag_atom"],
        TAG_FEED_ATOM_URL=source.urls["tag_atom"],
    )
    return values


# --- the theme's catalog template ---------------------------------------------------

JINJA_EXTRACT_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}


def extract_theme_messages(templates_dir: str, lang: str, project: str = "Cafétech", tags: list[str] = ()):
    """A catalog template of every string the templates mark for translation (pybabel extract),
    and of the tag names (msgctxt "tag")."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(locale=lang, project=project, domain=THEME_DOMAIN, fuzzy=False)
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
