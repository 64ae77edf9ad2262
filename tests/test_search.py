"""Search in both languages, in a real browser (Debian's Chromium): Pagefind finds the seed by a word of its body."""

from __future__ import annotations

import sys

import pytest

from support import ROOT, build_site, serve

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
    # Results come in as each year's index answers: wait until the UI's count ("2 résultats…") is all
    # shown (five at most before "more"), and no result is a placeholder still loading.
    page.wait_for_function(
        """() => {
            const count = parseInt((document.querySelector('.pagefind-ui__message') || {}).textContent || '', 10);
            const shown = document.querySelectorAll('.pagefind-ui__result');
            return count > 0 && shown.length === Math.min(count, 5)
                && [...shown].every(result => result.querySelector('.pagefind-ui__result-link'));
        }""",
        timeout=15000,
    )
    links = [a.get_attribute("href") for a in page.query_selector_all(".pagefind-ui__result-link")]
    page.close()
    assert not errors, errors  # no CSP violation, nothing missing
    return links


def test_the_index_is_built_with_the_site(site):
    output, _ = site
    assert (output / "pagefind" / "2023" / "pagefind-ui.js").is_file()
    assert {p.name.split(".")[1].split("_")[0] for p in (output / "pagefind" / "2023").glob("pagefind.*.pf_meta")} == {"fr", "en"}
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == ["2023"]  # one index per year


def test_bundle_paths_newest_year_first():
    import datetime as dt
    from types import SimpleNamespace

    import search

    articles = [SimpleNamespace(date=dt.datetime(year, 5, 1)) for year in (2022, 2023, 2021, 2023)]
    assert search.bundle_paths(articles) == ["pagefind/2023/", "pagefind/2022/", "pagefind/2021/"]
    assert search.bundle_paths([]) == []


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """A generated site of 150 sections, one issue a week back from 2023-11-20: 2023 and 2022.
    The word "zorglub" is added to one French article of each year."""
    from cafetech_dev.bench import generate_corpus

    base = tmp_path_factory.mktemp("two-years")
    generate_corpus(base / "content", 150, seed=5)
    for year in ("2023", "2022"):
        article = sorted((base / "content" / "issues").glob(f"{year}-*/01-*.md"))[0]
        article.write_text(article.read_text("utf-8").rstrip("\n") + " Le mot zorglub.\n", "utf-8")
    order = base / "order"  # what the search index did, in order (it works in a forked process: a file)
    with pytest.MonkeyPatch.context() as patch:
        import itertools
        import threading

        import search

        indexing = [threading.Event() for _ in range(10)]
        written, indexed = itertools.count(), itertools.count()
        real_write, real_index = search.Documents.write, search.index_shard

        def write(self, articles):
            shard = next(written)
            # A year's documents may wait for the previous year's Pagefind to start: it does, when the
            # index runs beside the writing (before, every year was indexed after the last was written).
            when = "first" if shard == 0 else "while the year before is indexed" if indexing[shard - 1].wait(timeout=10) else "before any index"
            with open(order, "a", encoding="utf-8") as handle:
                handle.write(f"year {shard}: written {when}\n")
            return real_write(self, articles)

        def index_shard(*args):
            indexing[next(indexed)].set()
            return real_index(*args)

        patch.setattr(search.Documents, "write", write)
        patch.setattr(search, "index_shard", index_shard)
        output = build_site(base / "content", base / "output", SEARCH_ENABLED=True)
    server, url = serve(output)
    yield output, url, order.read_text("utf-8").splitlines()
    server.shutdown()


def test_each_year_is_indexed_while_the_next_years_documents_are_written(two_years):
    _, _, order = two_years
    assert order == ["year 0: written first", "year 1: written while the year before is indexed"]


def test_a_search_merges_the_index_of_every_year(two_years, browser):
    output, base, _ = two_years
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == ["2022", "2023"]
    links = results(browser, f"{base}/recherche/?q=zorglub")
    articles = {link.split("#")[0] for link in links}  # sub-results link to the article's headings
    assert sorted(link.split("/")[1] for link in articles) == ["2022", "2023"], links


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


def indexed_text(html: str) -> str:
    """What Pagefind reads of a page: its data-pagefind-body, without the data-pagefind-ignore parts."""
    from bs4 import BeautifulSoup

    body = BeautifulSoup(html, "html.parser").select_one("[data-pagefind-body]")
    for ignored in body.select("[data-pagefind-ignore]"):
        ignored.decompose()
    return " ".join(body.get_text(" ").split())


def test_search_documents_hold_exactly_what_search_reads_of_each_article_page(tmp_path):
    """The index is built from search_document.html while the pages are written: same text as the pages."""

    from pelican import signals

    import search

    seen = []
    capture = seen.extend
    signals.all_generators_finalized.connect(capture)
    try:
        output = build_site(ROOT / "content", tmp_path / "output")
    finally:
        signals.all_generators_finalized.disconnect(capture)
    generator = next(g for g in seen if hasattr(g, "articles") and hasattr(g, "translations") and hasattr(g, "tags"))
    documents = tmp_path / "documents"
    shards = search.shards_of([*generator.translations, *generator.articles])
    writer = search.Documents(generator, str(documents))
    assert [writer.write(articles) for articles in shards.values()] == [None]  # without a page cache: no key to keep it under
    written = sorted(documents.rglob("index.html"))
    assert {shard: len(articles) for shard, articles in shards.items()} == {"2023": len(written)} and len(written) >= 4  # one shard per year
    assert any(path.relative_to(documents / "2023").parts[0] == "en" for path in written)
    for document in written:
        page = output / document.relative_to(documents / "2023")
        html = document.read_text("utf-8")
        assert indexed_text(html) == indexed_text(page.read_text("utf-8")), page
        assert f'<html lang="{"en" if page.relative_to(output).parts[0] == "en" else "fr"}">' in html


def test_a_pagefind_failure_fails_the_build_in_one_line(tmp_path, monkeypatch):
    import io
    import shutil

    from cafetech.site_build import BuildFailed, build

    import search

    monkeypatch.setattr(search, "pagefind_command", lambda site, output: [sys.executable, "-c", "raise SystemExit('Error: boom')"])
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    stream = io.StringIO()
    with pytest.raises(BuildFailed):
        build(ROOT / "pelicanconf.py", content, tmp_path / "output", {"CACHE_PATH": str(tmp_path / "cache")}, stream=stream)
    errors = [line for line in stream.getvalue().splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: search: Pagefind could not index ") and errors[0].endswith(": Error: boom"), errors
    assert not (tmp_path / "output").exists()


def test_development_builds_reuse_the_index_of_the_same_documents(tmp_path, monkeypatch):
    """With the content cache on, an unchanged set of search documents skips Pagefind; a changed one does not."""
    import io
    import shutil

    from cafetech.site_build import BuildFailed, build, content_cache

    import search

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    first, second = tmp_path / "first", tmp_path / "second"
    build(ROOT / "pelicanconf.py", content, first, content_cache(ROOT, tmp_path / "cache"), stream=io.StringIO())
    # From here on, running Pagefind fails the build: only a cached index can succeed.
    monkeypatch.setattr(search, "pagefind_command", lambda site, output: [sys.executable, "-c", "raise SystemExit('Error: ran')"])
    build(ROOT / "pelicanconf.py", content, second, content_cache(ROOT, tmp_path / "cache"), stream=io.StringIO())
    bundle = sorted(path.relative_to(first) for path in (first / "pagefind").rglob("*") if path.is_file())
    assert len(bundle) > 10 and all(path.parts[1] == "2023" for path in bundle)
    assert bundle == sorted(path.relative_to(second) for path in (second / "pagefind").rglob("*") if path.is_file())
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in bundle)

    article = next((content / "issues" / "2023-11-20").glob("01-*.md"))
    article.write_text(article.read_text("utf-8").replace("\n\n", "\n\nUne phrase de plus.\n\n", 1), "utf-8")
    stream = io.StringIO()
    with pytest.raises(BuildFailed):
        build(ROOT / "pelicanconf.py", content, second, content_cache(ROOT, tmp_path / "cache"), stream=stream)
    assert "search: Pagefind could not index" in stream.getvalue() and "Error: ran" in stream.getvalue()
