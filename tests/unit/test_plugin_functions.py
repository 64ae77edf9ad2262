"""The pure functions of the plugins that had none tested alone: translations, theme_i18n, feeds,
site_files, page_meta, content_checks and editions."""

from __future__ import annotations

import datetime as dt
import gettext
from types import SimpleNamespace

import pytest

from cafetech.editions import editions

SETTINGS = {
    "DEFAULT_LANG": "fr",
    "SITENAME": "Cafétech",
    "AUTHOR": "La rédaction",
    "SITEURL": "https://cafetech.example",
    "EDITIONS": {"fr": {"tagline": "L’actualité"}, "en": {"tagline": "The news", "author": "The team"}},
}
MODEL = editions(SETTINGS)


def item(**fields):
    return SimpleNamespace(**{"lang": "fr", "translations": [], **fields})


# --- translations ----------------------------------------------------------------


def test_a_sidecar_is_named_after_its_source_and_language():
    from cafetech.sidecars import SidecarError
    from translations import sidecar_parts

    assert sidecar_parts("issues/2023-11-20/01-x.en.po") == ("issues/2023-11-20/01-x.md", "en")
    with pytest.raises(SidecarError, match="a sidecar is named <article>.<lang>.po"):
        sidecar_parts("issues/2023-11-20/01-x.po")


def test_articles_are_grouped_by_tag_in_their_order():
    from translations import group_by_tag

    a, b = item(tags=["ia", "europe"]), item(tags=["ia"])
    assert group_by_tag([a, b]) == {"ia": [a, b], "europe": [a]}


def test_stale_and_withdrawn_translations_make_one_line_each_and_others_none():
    from translations import translation_notes

    settings = {"TRANSLATIONS_STALE_BLOCKS": "source"}
    stale = item(lang="en", relative_source_path="a.en.po", translation_state="published", stale_blocks=2, settings=settings)
    gone = item(lang="en", relative_source_path="b.en.po", translation_state="withdrawn", stale_blocks=0, settings=settings)
    fine = item(lang="en", relative_source_path="c.en.po", translation_state="published", stale_blocks=0, settings=settings)
    assert translation_notes([stale, gone, fine]) == [
        "a.en.po: stale translation: 2 block(s) changed in French since translated; the en page shows the French until the translator updates it",
        "b.en.po: withdrawn translation: the sidecar says X-Published: withdrawn, so there is no en page",
    ]


def test_a_published_page_with_untranslated_blocks_makes_one_line_and_a_stale_one_two():
    from cafetech.sidecars import Coverage
    from translations import translation_notes

    settings = {}
    new_block = item(
        lang="en", relative_source_path="a.en.po", translation_state="published", stale_blocks=0,
        translation_coverage=Coverage(9, 0, 1), settings=settings,
    )  # fmt: skip
    both = item(
        lang="en", relative_source_path="b.en.po", translation_state="published", stale_blocks=1,
        translation_coverage=Coverage(8, 1, 2, stale=1), settings=settings,
    )  # fmt: skip
    untranslated = (
        "block(s) not translated yet (new in French, or a suggestion to review); the en page shows them in French"
    )
    assert translation_notes([new_block, both]) == [
        f"a.en.po: untranslated blocks: 1 {untranslated}",
        "b.en.po: stale translation: 1 block(s) changed in French since translated; "
        "the en page shows its previous translation until the translator updates it",
        f"b.en.po: untranslated blocks: 2 {untranslated}",
    ]


# --- theme_i18n ------------------------------------------------------------------


def test_the_theme_strings_and_tag_names_come_from_the_catalog_of_the_page_language():
    from theme_i18n import make_callables, make_tag_label

    class English(gettext.NullTranslations):
        def gettext(self, message):
            return {"Numéros": "Issues"}.get(message, message)

        def pgettext(self, context, message):
            return {("tag", "Intelligence artificielle"): "Artificial intelligence"}.get((context, message), message)

    catalogs = {"fr": gettext.NullTranslations(), "en": English()}
    gettext_, _ngettext = make_callables(catalogs, "fr", lambda context, default: context.get("lang", default))
    assert gettext_({"lang": "en"}, "Numéros") == "Issues" and gettext_({"lang": "fr"}, "Numéros") == "Numéros"
    label = make_tag_label(catalogs)
    assert label("Intelligence artificielle", "en") == "Artificial intelligence"
    assert label("Intelligence artificielle", "de") == "Intelligence artificielle"  # no catalog: the source's


# --- feeds -------------------------------------------------------------------------


def test_a_feed_entry_is_signed_by_its_edition_unless_it_names_an_author():
    from feeds import entry_author, plain_title

    assert entry_author(item(lang="en", author="La rédaction"), SETTINGS) == "The team"
    assert entry_author(item(lang="fr", author="La rédaction"), SETTINGS) == "La rédaction"
    assert entry_author(item(lang="en", author="Jeanne Martin"), SETTINGS) == "Jeanne Martin"
    assert entry_author(item(lang="en", author="Jeanne Martin"), {**SETTINGS, "FEED_AUTHOR": "Desk"}) == "Desk"
    assert plain_title(item(title="A <em>bold</em> move")) == "A bold move"


def test_a_feed_entry_keeps_its_permalink_as_id_when_pelican_appends_a_reference():
    from feeds import entry_fields

    when = dt.datetime(2023, 11, 20, 8, 0)
    article = item(lang="en", author="La rédaction", title="A <em>move</em>", summary="<p>Lede.</p>", date=when,
                   tags=["Intelligence artificielle"], photo=None, get_content=lambda site: "<p>Lede.</p><p>Text.</p>")
    link = "https://cafetech.example/en/2023/11/a/?ref=feed"  # FEED_APPEND_REF: Pelican's link, kept as the link
    labels = {("Intelligence artificielle", "en"): "Artificial intelligence"}
    settings = {**SETTINGS, "TIMEZONE": "Europe/Paris"}
    atom = entry_fields(article, link, "https://cafetech.example", settings, False, lambda tag, lang: labels[(str(tag), lang)])
    assert atom["unique_id"] == "https://cafetech.example/en/2023/11/a/" and atom["unique_id_is_permalink"]
    assert atom["title"] == "A move" and atom["author_name"] == "The team"
    assert atom["content"] == "<p>Lede.</p><p>Text.</p>" and atom["description"] == "<p>Lede.</p>"
    assert atom["categories"] == ["Artificial intelligence"] and atom["pubdate"].utcoffset() == dt.timedelta(hours=1)
    rss = entry_fields(article, link, "https://cafetech.example", SETTINGS, True)
    assert rss["content"] is None and rss["description"] == "<p>Lede.</p><p>Text.</p>"
    assert entry_fields(article, link, "https://cafetech.example", {**SETTINGS, "RSS_FEED_SUMMARY_ONLY": True}, True)["description"] == "<p>Lede.</p>"


# --- site_files ----------------------------------------------------------------------


def test_the_sitemap_pairs_each_page_with_its_versions_and_x_default():
    from site_files import content_entries, robots_txt, sitemap_xml

    english = item(lang="en", url="en/a/", date=dt.datetime(2023, 11, 20))
    french = item(lang="fr", url="a/", date=dt.datetime(2023, 11, 20), translations=[english])
    entries = content_entries([french], MODEL.absolute, "fr")
    versions = {"fr": "https://cafetech.example/a/", "en": "https://cafetech.example/en/a/", "x-default": "https://cafetech.example/a/"}
    assert entries == [("https://cafetech.example/a/", "2023-11-20", versions), ("https://cafetech.example/en/a/", "2023-11-20", versions)]
    xml = sitemap_xml(entries)
    assert xml.count("<url>") == 2 and xml.count('hreflang="x-default"') == 2 and ' ref=' not in xml
    assert robots_txt("https://cafetech.example/sitemap.xml").endswith("Sitemap: https://cafetech.example/sitemap.xml\n")


# --- page_meta ---------------------------------------------------------------------


def test_reading_time_counts_words_not_markup_and_is_at_least_a_minute():
    from page_meta import reading_minutes, word_count

    assert word_count("<p>L’IA <em>générative</em> d’OpenAI, c’est&nbsp;tout.</p>") == 5
    assert reading_minutes(0, 200) == 1 and reading_minutes(401, 200) == 3


def test_json_ld_names_the_article_its_author_and_its_image():
    from page_meta import config, json_ld_data

    article = item(lang="en", url="en/a/", title="Title", date=dt.datetime(2023, 11, 20), author="La rédaction")
    data = json_ld_data(article, "NewsArticle", MODEL.absolute, MODEL.byline, config(SETTINGS), "A lede", "https://cafetech.example/c.jpg")
    assert data["headline"] == "Title" and data["url"] == data["mainEntityOfPage"] == "https://cafetech.example/en/a/"
    assert data["author"] == {"@type": "Organization", "name": "The team"} and data["image"] == "https://cafetech.example/c.jpg"
    issue = item(lang="fr", url="numero/x/", title="Numéro", date=dt.datetime(2023, 11, 20), articles=[item(url="a/", title="A")])
    listing = json_ld_data(issue, "CollectionPage", MODEL.absolute, MODEL.byline, config(SETTINGS), "")
    assert listing["name"] == "Numéro" and listing["hasPart"] == [{"@type": "NewsArticle", "headline": "A", "url": "https://cafetech.example/a/"}]


# --- content_checks ------------------------------------------------------------------


def test_links_out_of_the_site_get_noopener_and_links_in_it_do_not():
    from content_checks import is_external, protect_external_links

    assert is_external("https://example.org/x") and not is_external("/a/") and not is_external("mailto:a@b.c")
    assert not is_external("https://cafetech.example/a/", "https://cafetech.example")
    html = '<a href="https://example.org" rel="nofollow">x</a> <a href="/a/">y</a>'
    assert protect_external_links(html) == '<a href="https://example.org" rel="nofollow noopener noreferrer">x</a> <a href="/a/">y</a>'


def test_a_slug_used_twice_in_one_language_is_named_with_both_files():
    from content_checks import duplicate_slugs

    first, second = item(slug="x", relative_source_path="a.md"), item(slug="x", relative_source_path="b.md")
    other_language = item(lang="en", slug="x", relative_source_path="a.en.po")
    assert duplicate_slugs([first, other_language, second]) == [("fr", "x", "a.md", "b.md")]


# --- editions (the plugin's side) ------------------------------------------------------


def test_a_page_knows_its_versions_by_its_content_or_by_the_file_it_is_written_to():
    from editions import page_versions, written_url

    english = item(lang="en", url="en/a/")
    assert page_versions({"article": item(url="a/", translations=[english])}, MODEL, {}) == [("fr", "a/"), ("en", "en/a/")]
    assert page_versions({"output_file": "tag/index.html"}, MODEL, {}) == [("fr", "tag/"), ("en", "en/tag/")]
    assert page_versions({"output_file": "tag/ia/index.html"}, MODEL, {"ia": {"fr"}}) == [("fr", "tag/ia/")]
    assert page_versions({"output_file": "404.html"}, MODEL, {}) == []
    assert written_url("en/issues/index.html") == "en/issues/" and written_url("404.html") == "404.html"


def test_the_support_link_goes_to_the_page_in_the_readers_language_when_it_is_translated():
    from editions import missing_support_pages, support_link

    model = editions({**SETTINGS, "EDITIONS": {lang: {"support": {"text": "t", "label": "l", "link": "page:soutenir"}} for lang in ("fr", "en", "de")}})
    page = item(slug="soutenir", url="soutenir/", translations=[item(lang="en", slug="soutenir", url="en/soutenir/")])
    assert support_link(model, "en", [page], "") == ("/en/soutenir/", "en")
    assert support_link(model, "de", [page], "") == ("/soutenir/", "fr")
    assert missing_support_pages(model, []) == [
        f"EDITIONS[{lang!r}]['support']['link'] is 'page:soutenir', but content/ has no page with that slug" for lang in ("fr", "en", "de")
    ]


def test_each_feed_gets_its_own_title_id_page_and_language():
    from editions import feed_metadata

    tag = feed_metadata(MODEL, "https://cafetech.example/en/feeds/tag/ia.atom.xml", lambda slug, lang: "Artificial intelligence")
    assert tag == {
        "title": "Cafétech – Artificial intelligence",
        "subtitle": "The news",
        "description": "The news",
        "link": "https://cafetech.example/en/tag/ia/",
        "id": "https://cafetech.example/en/feeds/tag/ia.atom.xml",
        "language": "en",
    }
    assert feed_metadata(MODEL, "https://cafetech.example/feeds/rss.xml", None)["link"] == "https://cafetech.example/"
    assert feed_metadata(MODEL, "https://cafetech.example/other.xml", None) is None


def test_the_sitemap_is_the_same_bytes_whatever_order_its_entries_come_in():
    from site_files import sitemap_xml

    entries = [(f"https://x.test/{name}/", "2023-11-27", {"fr": f"https://x.test/{name}/"}) for name in ("b", "a", "c")]
    assert sitemap_xml(entries) == sitemap_xml(list(reversed(entries))) == sitemap_xml(sorted(entries))
    assert sitemap_xml(entries).index("/a/") < sitemap_xml(entries).index("/b/") < sitemap_xml(entries).index("/c/")
