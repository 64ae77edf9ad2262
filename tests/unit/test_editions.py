"""The model of the editions: languages, the URL of each page kind in each language, the base URL."""

import datetime as dt

import pytest

from cafetech.editions import EditionsError, base_url, editions, pelican_settings, save_as

SETTINGS = {
    "DEFAULT_LANG": "fr",
    "SITENAME": "Cafétech",
    "THEME": "theme",
    "EDITIONS": {
        "fr": {"name": "Français", "tagline": "L’actualité tech", "support": {"text": "t", "label": "l", "link": "page:soutenir"}},
        "en": {"name": "English", "tagline": "Tech news", "support": {"text": "t", "label": "l", "link": "page:soutenir"}},
    },
}

EXPECTED = {
    # kind: (fields, French URL, English URL)
    "home": ({}, "", "en/"),
    "issue": ({"slug": "2023-11-20"}, "numero/2023-11-20/", "en/issues/2023-11-20/"),
    "issues": ({}, "numeros/", "en/issues/"),
    "article": ({"slug": "x", "date": dt.date(2023, 11, 20)}, "2023/11/x/", "en/2023/11/x/"),
    "page": ({"slug": "a-propos"}, "a-propos/", "en/a-propos/"),
    "tags": ({}, "tag/", "en/tag/"),
    "tag": ({"slug": "openai"}, "tag/openai/", "en/tag/openai/"),
    "atom": ({}, "feeds/atom.xml", "en/feeds/atom.xml"),
    "rss": ({}, "feeds/rss.xml", "en/feeds/rss.xml"),
    "tag_atom": ({"slug": "openai"}, "feeds/tag/openai.atom.xml", "en/feeds/tag/openai.atom.xml"),
    "search": ({}, "recherche/", "en/search/"),
    "404": ({}, "404.html", "en/404.html"),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_page_kind_has_its_url_in_each_language(kind):
    model = editions(SETTINGS)
    fields, french, english = EXPECTED[kind]
    assert model.url(kind, "fr", **fields) == french
    assert model.url(kind, "en", **fields) == english


@pytest.mark.parametrize("kind", sorted(set(EXPECTED) - {"article"}))
def test_a_url_made_by_a_pattern_is_recognised_as_that_kind_and_language(kind):
    model = editions(SETTINGS)
    fields, french, english = EXPECTED[kind]
    assert model.page_of(french) == (kind, "fr", fields)
    assert model.page_of("/" + english + ("index.html" if english.endswith("/") else "")) == (kind, "en", fields)


def test_a_url_of_no_page_kind_is_not_recognised():
    assert editions(SETTINGS).page_of("theme/css/main.css") is None


def test_a_folder_url_is_saved_as_its_index():
    assert save_as("numeros/") == "numeros/index.html"
    assert save_as("") == "index.html"
    assert save_as("404.html") == "404.html"


def test_the_base_url_is_siteurl_when_it_is_absolute():
    assert base_url({"SITEURL": "https://cafetech.example/", "FEED_DOMAIN": "http://localhost:8000"}) == "https://cafetech.example"


def test_the_base_url_is_feed_domain_when_siteurl_is_empty_or_relative():
    assert base_url({"SITEURL": "", "FEED_DOMAIN": "http://localhost:8000/"}) == "http://localhost:8000"
    assert base_url({"SITEURL": "/blog", "FEED_DOMAIN": "http://localhost:8000"}) == "http://localhost:8000"


def test_absolute_addresses_use_the_base_url_and_keep_absolute_ones():
    model = editions({**SETTINGS, "SITEURL": "https://cafetech.example"})
    assert model.absolute("en/tag/openai/") == "https://cafetech.example/en/tag/openai/"
    assert model.absolute("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_pelican_settings_come_from_the_editions():
    values = pelican_settings(editions(SETTINGS))
    assert values["ARTICLE_URL"] == "{date:%Y}/{date:%m}/{slug}/"
    assert values["ARTICLE_LANG_SAVE_AS"] == "{lang}/{date:%Y}/{date:%m}/{slug}/index.html"
    assert values["ISSUE_LANG_URL"] == "{lang}/issues/{slug}/"
    assert values["TAG_FEED_ATOM"] == "feeds/tag/{slug}.atom.xml"
    assert values["TAGS_SAVE_AS"] == "tag/index.html"


def test_a_third_language_is_one_more_entry_with_default_urls():
    model = editions({**SETTINGS, "EDITIONS": {**SETTINGS["EDITIONS"], "de": {"name": "Deutsch", "tagline": "Technik"}}})
    assert model.languages == ("fr", "en", "de")
    assert model.url("issue", "de", slug="2023-11-20") == "de/issues/2023-11-20/"
    assert model["de"].locale == "de"
    assert model["de"].support is None
    assert model.page_of("de/feeds/tag/openai.atom.xml") == ("tag_atom", "de", {"slug": "openai"})


def test_the_source_language_must_be_an_edition():
    with pytest.raises(EditionsError, match="DEFAULT_LANG 'de' must be one of the editions"):
        editions({**SETTINGS, "DEFAULT_LANG": "de"})


def test_a_support_link_inside_the_site_must_name_a_page():
    broken = {**SETTINGS["EDITIONS"]["fr"], "support": {"text": "t", "label": "l", "link": "https://cafetech.github.io/soutenir"}}
    assert editions({**SETTINGS, "EDITIONS": {**SETTINGS["EDITIONS"], "fr": broken}})["fr"].support.link.startswith("https://")
    relative = {**broken, "support": {**broken["support"], "link": "/soutenir/"}}
    with pytest.raises(EditionsError, match=r"must be 'page:<slug>'"):
        editions({**SETTINGS, "EDITIONS": {**SETTINGS["EDITIONS"], "fr": relative}})


def test_a_translated_edition_lives_under_its_language():
    odd = {**SETTINGS["EDITIONS"]["en"], "urls": {"tags": "topics/"}}
    with pytest.raises(EditionsError, match="starts with '{lang}/'"):
        editions({**SETTINGS, "EDITIONS": {**SETTINGS["EDITIONS"], "en": odd}})


def test_an_unknown_key_is_refused_with_the_known_ones():
    with pytest.raises(EditionsError, match=r"EDITIONS\['en'\]: unknown key\(s\) tagine"):
        editions({**SETTINGS, "EDITIONS": {**SETTINGS["EDITIONS"], "en": {"tagine": "x"}}})


def test_feed_titles_name_the_site_and_the_tag():
    model = editions(SETTINGS)
    assert model.feed_title("en") == "Cafétech"
    assert model.feed_title("en", "Artificial intelligence") == "Cafétech – Artificial intelligence"
