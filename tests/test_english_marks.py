"""Full build: every English page is English or says it is not, and its metadata is typeset (issue #22, items 4 and 5)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from cafetech.sidecars import read_sidecar, render_sidecar, update_sidecar
from cafetech_dev import quality
from support import build_site, photo_issue_content

MISTRAL = "2023/11/mistral-ai-leve-385-millions-d-euros"
GOOGLE = "2023/11/google-accuse-de-verrouiller-la-recherche-sur-mobile"
FRENCH_ALT = "Une fusée au décollage"
PREFIXES = {"fr": "", "en": "en/"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real content, plus the 2023-11-27 issue with photos whose first section alone is translated, all but its Image_alt."""
    root = tmp_path_factory.mktemp("marks")
    content = photo_issue_content(root)
    article = content / "issues" / "2023-11-27" / f"01-{MISTRAL.rsplit('/', 1)[1]}.md"
    text = re.sub(r"^(Image: .*)$", rf"\1\nImage_alt: {FRENCH_ALT}", article.read_text("utf-8"), count=1, flags=re.M)
    article.write_text(text.replace("Date: 2023-11-27", "Date: 2023-11-27\nModified: 2023-11-29 18:05"), "utf-8")
    sidecar = article.with_suffix(".en.po")
    update_sidecar(article, sidecar, "en")
    catalog = read_sidecar(sidecar)
    for number, message in enumerate((m for m in catalog if m.id), 1):
        if message.context != "image_alt":
            message.string = f"English {message.context} {number}"
            message.flags.discard("fuzzy")
    sidecar.write_bytes(render_sidecar(catalog))
    return content, build_site(content, root / "output", TRANSLATIONS_MIN_COVERAGE=50)


def test_the_english_article_marks_its_link_to_the_next_section_still_in_french(site):
    _content, output = site
    link = soup(output / "en" / MISTRAL / "index.html").select_one('nav.pager a[rel="next"]')
    assert link["href"] == f"/{GOOGLE}/" and link["hreflang"] == "fr" and link["lang"] == "fr"


def test_the_untranslated_alt_text_is_marked_french_in_the_page_its_card_and_its_feeds(site):
    _content, output = site
    page = soup(output / "en" / MISTRAL / "index.html")
    image = page.select_one("figure.photo img")
    assert image["alt"] == FRENCH_ALT and image["lang"] == "fr"
    assert page.find("meta", property="og:image:alt")["lang"] == "fr"
    assert soup(output / MISTRAL / "index.html").select_one("figure.photo img").get("lang") is None
    entry = BeautifulSoup(feedparser.parse(str(output / "en/feeds/atom.xml")).entries[0].content[0].value, "html.parser")
    assert entry.img["alt"] == FRENCH_ALT and entry.img["lang"] == "fr"


def test_no_english_page_or_feed_shows_an_unmarked_french_link_or_alt_text(site):
    content, output = site
    alts = quality.source_image_alts(content)
    assert alts == [FRENCH_ALT]
    assert quality.unmarked_foreign_problems(output, PREFIXES, "fr", alts) == []


def test_feed_entries_have_distinct_updated_times_in_the_issue_order_and_a_modified_one_later(site):
    _content, output = site
    for feed in ("feeds/atom.xml", "en/feeds/atom.xml", "feeds/rss.xml"):
        entries = feedparser.parse(str(output / feed)).entries
        stamps = [e.get("updated") or e.published for e in entries]
        assert len(set(stamps)) == len(stamps) > 1, (feed, stamps)
    french = {e.link.rsplit("/", 2)[1]: e for e in feedparser.parse(str(output / "feeds/atom.xml")).entries}
    assert french["mistral-ai-leve-385-millions-d-euros"].published == "2023-11-27T07:00:00+01:00"
    assert french["google-accuse-de-verrouiller-la-recherche-sur-mobile"].published == "2023-11-27T07:01:00+01:00"
    assert french["mistral-ai-leve-385-millions-d-euros"].updated == "2023-11-29T18:05:00+01:00"


def test_each_page_states_the_times_its_feed_entry_carries(site):
    _content, output = site
    checked = 0
    for feed in ("feeds/atom.xml", "en/feeds/atom.xml"):
        for entry in feedparser.parse(str(output / feed)).entries:
            page = soup(output / entry.link.split("/", 3)[3] / "index.html")
            data = json.loads(page.find("script", type="application/ld+json").string)
            published = page.find("meta", property="article:published_time")["content"]
            modified = page.find("meta", property="article:modified_time")["content"]
            assert (published, modified) == (data["datePublished"], data["dateModified"]) == (entry.published, entry.updated), entry.link
            checked += 1
    assert checked >= 7
    mistral = soup(output / "en" / MISTRAL / "index.html")
    assert mistral.find("meta", property="article:modified_time")["content"] == "2023-11-29T18:05:00+01:00"
    issue = json.loads(soup(output / "numero/2023-11-27/index.html").find("script", type="application/ld+json").string)
    assert issue["datePublished"] == "2023-11-27T07:00:00+01:00"  # the issue goes out with its first section


def test_descriptions_are_the_typeset_text(site):
    _content, output = site
    issue = soup(output / "numero/2023-11-20/index.html")
    described = [issue.find("meta", attrs={"name": "description"})["content"], issue.find("meta", property="og:description")["content"]]
    described.append(json.loads(issue.find("script", type="application/ld+json").string)["description"])
    assert described == ["Un laboratoire d’IA à 300 millions d’euros en France"] * 3
    for page in (output / "2023/11").glob("*/index.html"):
        text = soup(page).find("meta", attrs={"name": "description"})["content"]
        raw = page.read_text("utf-8").split('name="description" content="')[1].split('"')[0]
        assert "..." not in text and "'" not in text and not re.search(r"&(?!amp;)", raw)  # "&" itself is &amp;


def test_an_issue_without_a_photo_shows_no_photo_credits(site):
    _content, output = site
    assert not soup(output / "numero/2023-11-20/index.html").select(".credits")
    assert "Mistral AI" in soup(output / "numero/2023-11-27/index.html").select_one(".credits").get_text()
