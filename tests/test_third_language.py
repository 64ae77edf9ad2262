"""A third language is a settings change plus catalogs: a tiny German edition built beside French and English."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from cafetech_dev import quality
from cafetech.sidecars import parse_source, render_sidecar, template_catalog
from support import ROOT, build_site, project_settings

GERMAN_THEME = '''msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Numéros"
msgstr "Ausgaben"

msgctxt "tag"
msgid "Intelligence artificielle"
msgstr "Künstliche Intelligenz"
'''


@pytest.fixture(scope="module")
def german_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("third")
    content, theme = root / "content", root / "theme"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    catalog = theme / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(GERMAN_THEME, "utf-8")
    article = next((content / "issues" / "2023-11-20").glob("01-*.md"))
    german = template_catalog(parse_source(article.read_text("utf-8")), article.name, "de")
    for number, message in enumerate((m for m in german if m.id), 1):
        message.string = f"Deutsch {message.context} {number}"
    article.with_suffix(".de.po").write_bytes(render_sidecar(german))
    editions = project_settings(content, root / "unused")["EDITIONS"]
    support = {"text": "Unterstützen Sie uns.", "label": "Cafétech unterstützen", "link": "page:soutenir"}
    output = build_site(
        content,
        root / "output",
        THEME=str(theme),
        EDITIONS={**editions, "de": {"name": "Deutsch", "locale": "de_DE", "tagline": "Technik, jede Woche", "support": support}},
    )
    return output, article


def soup(path):
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_the_german_edition_has_every_page_kind(german_site):
    output, _ = german_site
    for page in ("de/index.html", "de/issues/index.html", "de/issues/2023-11-20/index.html", "de/tag/index.html",
                 "de/404.html", "de/search/index.html", "de/feeds/atom.xml", "de/feeds/rss.xml"):  # fmt: skip
        assert (output / page).is_file(), page


def test_the_german_article_is_german_and_linked_from_every_edition(german_site):
    output, article = german_site
    slug = next(line for line in article.read_text("utf-8").splitlines() if line.startswith("Slug: ")).removeprefix("Slug: ")
    page = soup(output / "de" / "2023" / "11" / slug / "index.html")
    assert page.html["lang"] == "de" and page.h1.get_text().startswith("Deutsch title")
    assert page.select_one(".kicker a")["href"] == "/de/issues/2023-11-20/"
    assert "Künstliche Intelligenz" in {a.get_text() for a in page.select(".tags a")}
    assert page.select_one(".support a")["href"] == "/soutenir/"  # no German page: the French one
    assert "Ausgaben" in page.select_one("header nav").get_text()
    for lang, url in (("fr", f"/2023/11/{slug}/"), ("en", f"/en/2023/11/{slug}/")):
        switch = soup(output / url.strip("/") / "index.html").select_one('header nav a[hreflang="de"]')
        assert switch["href"] == f"/de/2023/11/{slug}/" and switch.get_text() == "Deutsch", lang


def test_the_german_feed_is_german_with_its_own_id(german_site):
    output, _ = german_site
    feed = (output / "de" / "feeds" / "atom.xml").read_text("utf-8")
    assert 'xml:lang="de"' in feed and "<subtitle>Technik, jede Woche</subtitle>" in feed
    assert quality.feed_id_problems(output, "https://cafetech.test") == []


def test_the_three_editions_point_to_each_other(german_site):
    output, _ = german_site
    assert quality.hreflang_problems(output, "https://cafetech.test") == []
    assert quality.canonical_problems(output, "https://cafetech.test") == []
    assert quality.leaked_code_problems(output) == []
