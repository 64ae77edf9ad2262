"""Search in both languages, in a real browser (Debian's Chromium): Pagefind finds the seed by a word of its body."""

from __future__ import annotations

import pytest

from conftest import ROOT, build_site, serve

FIRST = "2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = build_site(ROOT / "content", tmp_path_factory.mktemp("search") / "output")
    server, base = serve(output)
    yield output, base
    server.shutdown()


def results(browser, url: str) -> list[str]:
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(url)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    links = [a.get_attribute("href") for a in page.query_selector_all(".pagefind-ui__result-link")]
    page.close()
    assert not errors, errors  # no CSP violation, nothing missing
    return links


def test_the_index_is_built_with_the_site(site):
    output, _ = site
    assert (output / "pagefind" / "pagefind-ui.js").is_file()
    assert {p.name.split(".")[1].split("_")[0] for p in (output / "pagefind").glob("pagefind.*.pf_meta")} == {"fr", "en"}


def test_french_search_finds_french_articles_only(site, browser):
    _, base = site
    links = results(browser, f"{base}/recherche/?q=Sutskever")
    assert f"/{FIRST}/" in links
    assert all(not link.startswith("/en/") for link in links)


def test_english_search_finds_english_articles_only(site, browser):
    _, base = site
    links = results(browser, f"{base}/en/search/?q=Sutskever")
    assert f"/en/{FIRST}/" in links
    assert all(link.startswith("/en/") for link in links)
