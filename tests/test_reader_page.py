"""The reader's page in a real browser (Debian's Chromium): reflow at 320 px, print, search, the lede."""

from __future__ import annotations

import re

import pytest

from support import ROOT, build_site, serve

FIRST = "2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/"
PAGES = ["/", "/numero/2023-11-20/", f"/{FIRST}", "/tag/openai/", "/recherche/", "/en/", "/en/issues/2023-11-20/", f"/en/{FIRST}", "/en/tag/openai/", "/en/search/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = build_site(ROOT / "content", tmp_path_factory.mktemp("reader") / "output")
    server, base = serve(output)
    yield base
    server.shutdown()


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_at_320_px(site, browser, path):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(site + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.close()


def test_print_keeps_the_article_and_drops_the_chrome(site, browser):
    page = browser.new_page()
    page.goto(site + "/" + FIRST)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.site-header nav', '.tags', '.support', '.site-footer', '.pager']
            .filter(s => document.querySelector(s))
            .map(s => [s, getComputedStyle(document.querySelector(s)).display])"""
    )
    assert hidden and all(display == "none" for _, display in hidden), hidden
    assert page.evaluate("getComputedStyle(document.querySelector('.content')).display") != "none"
    page.set_content('<div class="content"><a href="https://example.org/x">x</a> <a href="/y/">y</a></div>')
    page.add_style_tag(url=site + "/theme/css/main.css")
    after = page.evaluate("[...document.querySelectorAll('a')].map(a => getComputedStyle(a, '::after').content)")
    assert "attr(href)" in after[0] or "example.org/x" in after[0], after  # a link out of the site prints its address
    assert after[1] in ("none", "normal"), after  # a link inside the site prints none
    page.close()


def test_an_article_prints_on_the_pages_it_needs(site, browser):
    page = browser.new_page()
    page.goto(site + "/" + FIRST)
    pdf = page.pdf(format="A4")
    page.close()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2  # three before: the menu, the pills and the support box took a page


@pytest.mark.parametrize("path", ["/recherche/", "/en/search/"])
def test_the_search_box_is_named_by_the_page_heading(site, browser, path):
    page = browser.new_page()
    page.goto(site + path)
    page.wait_for_selector("#search input")
    page.wait_for_function("document.querySelector('#search input').getAttribute('aria-labelledby') === 'search-title'")
    assert page.evaluate("document.getElementById('search-title').textContent") in ("Rechercher", "Search")
    page.close()


def test_search_results_show_the_title_and_the_text_only(site, browser):
    page = browser.new_page()
    page.goto(site + "/recherche/?q=Sutskever")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    title = page.inner_text(".pagefind-ui__result-link")
    excerpt = page.inner_text(".pagefind-ui__result-excerpt")
    assert title.startswith("Malgré les pressions")
    for chrome in ("min de lecture", "Numéro du", "Intelligence artificielle", "Microsoft. ", "OpenAI. "):
        assert chrome not in excerpt, excerpt
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    link_colour = page.evaluate("getComputedStyle(document.querySelector('.pagefind-ui__result-link')).color")
    font = page.evaluate("getComputedStyle(document.querySelector('.pagefind-ui__result-title')).fontFamily")
    page.close()
    assert link_colour == page_colour(accent)
    assert font.startswith("Literata")


def page_colour(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_the_lede_is_set_apart_from_the_body(site, browser):
    page = browser.new_page()
    page.goto(site + "/" + FIRST)
    sizes = page.evaluate("['.lede p', '.content > p'].map(s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))")
    page.close()
    assert sizes[0] > sizes[1]
