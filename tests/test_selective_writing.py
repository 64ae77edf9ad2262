"""Selective writing (the page cache): a cached build renders again only what an edit touched,
and gives byte for byte the site a build without any cache gives (tier 3: full builds)."""

from __future__ import annotations

import io
import os
import shutil

import pytest

from cafetech_dev.bench import WARM_SENTENCE, generate_corpus
from cafetech.site_build import build
from support import ROOT
from support import fingerprint, without_search_index

SETTINGS = ROOT / "pelicanconf.py"
NO_SEARCH = {"SEARCH_ENABLED": False}


def cached(tmp_path, **more):
    return {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, **NO_SEARCH, **more}


def pages(output):
    return sorted(path.relative_to(output) for path in output.rglob("*.html"))


def reused(before, after) -> set:
    """Pages of ``after`` that are the very files of ``before`` (linked from the page cache)."""
    return {page for page in pages(after) if (before / page).exists() and os.path.samefile(before / page, after / page)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    content = tmp_path_factory.mktemp("corpus") / "content"
    generate_corpus(content, 12, seed=3)  # photos on one issue in three
    return content


def test_an_unchanged_site_is_linked_from_the_cache(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    build(SETTINGS, content, tmp_path / "first", cached(tmp_path), stream=io.StringIO())
    build(SETTINGS, content, tmp_path / "second", cached(tmp_path), stream=io.StringIO())
    assert fingerprint(tmp_path / "first") == fingerprint(tmp_path / "second")
    assert reused(tmp_path / "first", tmp_path / "second") == set(pages(tmp_path / "second"))
    assert len(pages(tmp_path / "second")) > 30
    # Nothing was typeset, tagged, counted or cut to an excerpt again either: the memos (cafetech/memo.py) had every result.
    from cafetech import memo

    for name in ("typography", "tags", "words", "ledes"):
        assert memo.MEMOS[name].computed == 0 and len(memo.MEMOS[name].new) >= 2, (name, memo.MEMOS[name].computed)
    assert sorted(path.name for path in (tmp_path / "cache" / "memo").iterdir()) == ["ledes.pickle", "tags.pickle", "typography.pickle", "words.pickle"]


def test_the_pages_of_an_unchanged_site_are_linked_by_both_processes_and_announced_once_each(tmp_path, corpus, monkeypatch, caplog):
    """The linking of an unchanged site is shared as its rendering is (half of it was mkdir and link
    calls in one process); Pelican's content_written is still sent once for each page, in this process."""
    import logging

    from pelican import signals

    import build_speed.page_cache

    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    settings = cached(tmp_path, BUILD_WORKERS=1)
    build(SETTINGS, content, tmp_path / "first", dict(settings), stream=io.StringIO())
    linkers = tmp_path / "linkers"
    real = build_speed.page_cache.PageCache.try_reuse

    def try_reuse(self, name, static):
        written = real(self, name, static)
        if written is not None:
            with open(linkers, "a", encoding="utf-8") as handle:  # the worker is a fork: a file tells who linked
                handle.write(f"{os.getpid()}\n")
        return written

    monkeypatch.setattr(build_speed.page_cache.PageCache, "try_reuse", try_reuse)
    announced = []

    def written(path, context):
        announced.append(path)

    signals.content_written.connect(written)
    caplog.set_level(logging.DEBUG, logger="build_speed")
    try:
        build(SETTINGS, content, tmp_path / "second", dict(settings), stream=io.StringIO())
    finally:
        signals.content_written.disconnect(written)
    html = [str(page) for page in pages(tmp_path / "second")]
    assert reused(tmp_path / "first", tmp_path / "second") == set(pages(tmp_path / "second"))
    pids = linkers.read_text("utf-8").split()
    assert len(set(pids)) == 2 and os.getpid() in map(int, pids)
    assert min(pids.count(pid) for pid in set(pids)) > len(html) // 3  # shared, not one page in the worker
    staging = os.path.commonpath(announced)  # the build's own folder, renamed to second/ at its end
    assert sorted(os.path.relpath(path, staging) for path in announced if path.endswith(".html")) == sorted(html)  # each once
    [line] = [record.getMessage() for record in caplog.records if record.getMessage().startswith("pages: ")]
    [feeds] = [record.getMessage() for record in caplog.records if record.getMessage().startswith("feeds: ")]
    feeds_linked = int(feeds.split(", ")[1].split()[0])  # linked here before the pages, through the same page cache
    assert feeds.startswith("feeds: 0 written, ") and feeds_linked > 10, feeds
    assert f", {len(pids) - feeds_linked} from the page cache;" in line, line


def test_an_edit_renders_again_only_the_pages_it_touches(tmp_path, corpus):
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    build(SETTINGS, content, tmp_path / "first", cached(tmp_path), stream=io.StringIO())
    edited = sorted(content.glob("issues/*/0[1-3]-*.md"))[4]
    edited.write_text(edited.read_text("utf-8").rstrip("\n") + " " + WARM_SENTENCE + "\n", "utf-8")
    build(SETTINGS, content, tmp_path / "second", cached(tmp_path), stream=io.StringIO())
    build(SETTINGS, content, tmp_path / "cold", {"CACHE_PATH": str(tmp_path / "nocache"), **NO_SEARCH}, stream=io.StringIO())

    second, cold = fingerprint(tmp_path / "second"), fingerprint(tmp_path / "cold")
    assert second == cold  # byte for byte what a build without cache gives
    first = fingerprint(tmp_path / "first")
    changed = {name for name in cold if first.get(name) != cold[name] and name.endswith(".html")}
    kept = {str(page) for page in reused(tmp_path / "first", tmp_path / "second")}
    assert changed and not changed & kept
    assert len(kept) >= 10  # the English edition loses the article (untranslated): many pages change, not all
    # The feeds too: one the edit changed is written again; one whose entries read nothing it changed is
    # linked (a tag feed of other articles, say).
    feeds = {name for name in cold if name.endswith(".xml") and "feeds/" in name}
    changed_feeds = {name for name in feeds if first.get(name) != cold[name]}
    kept_feeds = {name for name in feeds if os.path.samefile(tmp_path / "first" / name, tmp_path / "second" / name)}
    assert changed_feeds and not changed_feeds & kept_feeds
    assert len(kept_feeds) > len(feeds) // 2, (len(kept_feeds), len(feeds), len(changed_feeds))


def test_every_value_a_page_reads_has_a_canonical_form(tmp_path, corpus, caplog):
    """A value with none (an unknown type, or one nested deeper than the canon goes) makes its pages
    render at every build: the photos' data once did, silently. Here the build says how many there were."""
    import logging

    caplog.set_level(logging.DEBUG, logger="build_speed")
    build(SETTINGS, corpus, tmp_path / "output", cached(tmp_path, BUILD_WORKERS=0), stream=io.StringIO())
    [line] = [record.getMessage() for record in caplog.records if record.getMessage().startswith("pages: ")]
    assert int(line.split()[1]) > 30 and "; 0 value(s) with no canonical form" in line, line


def test_a_theme_edit_renders_every_page_again(tmp_path):
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    settings = cached(tmp_path, THEME=str(theme))
    build(SETTINGS, content, tmp_path / "first", settings, stream=io.StringIO())
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<!-- edited theme --></body>"), "utf-8")
    build(SETTINGS, content, tmp_path / "second", settings, stream=io.StringIO())
    assert not reused(tmp_path / "first", tmp_path / "second")
    with_base = [page for page in pages(tmp_path / "second") if "</body>" in (tmp_path / "second" / page).read_text("utf-8")]
    assert with_base and all("<!-- edited theme -->" in (tmp_path / "second" / page).read_text("utf-8") for page in with_base)


def test_the_page_cache_can_be_turned_off(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = cached(tmp_path, BUILD_PAGE_CACHE=False)
    build(SETTINGS, content, tmp_path / "first", settings, stream=io.StringIO())
    build(SETTINGS, content, tmp_path / "second", settings, stream=io.StringIO())
    assert not reused(tmp_path / "first", tmp_path / "second")
    assert not (tmp_path / "cache" / "pages").exists()
    assert without_search_index(fingerprint(tmp_path / "first")) == without_search_index(fingerprint(tmp_path / "second"))


def title(path) -> str:
    return next(line for line in path.read_text("utf-8").splitlines() if line.startswith("Title: "))[len("Title: ") :]


def title_slug(path) -> str:
    return next(line for line in path.read_text("utf-8").splitlines() if line.startswith("Slug: "))[len("Slug: ") :]


def test_an_edit_indexes_again_only_its_year_from_the_documents_it_touches(tmp_path, corpus, monkeypatch):
    """Search documents go through a page cache too: after an edit, only documents whose inputs
    changed are rendered, and only their year's index is built again; the index is a cold build's."""

    import search

    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    older = sorted(content.glob("issues/*/0[1-3]-*.md"))[0]  # moved to 2022: a second year, a second index
    older.write_text(older.read_text("utf-8").replace("Date: 2023-", "Date: 2022-", 1), "utf-8")
    log = tmp_path / "log"
    real_command, real_render = search.pagefind_command, search.Documents._render

    def command(site, output):  # runs in the search worker: it writes down what it does
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"index {os.path.basename(site)}\n")
        return real_command(site, output)

    def render(self, article, path):
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"render {article.save_as}\n")
        return real_render(self, article, path)

    monkeypatch.setattr(search, "pagefind_command", command)
    monkeypatch.setattr(search.Documents, "_render", render)
    with_search = {"SEARCH_ENABLED": True}
    build(SETTINGS, content, tmp_path / "first", cached(tmp_path, **with_search), stream=io.StringIO())
    first = log.read_text("utf-8").splitlines()
    assert sorted(line for line in first if line.startswith("index")) == ["index 2022", "index 2023"]
    assert len([line for line in first if line.startswith("render")]) == 24  # 12 sections, two languages

    log.unlink()
    # An article the 2022 one does not name (its English edition, now out of date, is left out:
    # every English page naming it changes).
    edited = next(path for path in sorted(content.glob("issues/2023-11-*/0[1-3]-*.md")) if title(path) not in older.read_text("utf-8"))
    edited.write_text(edited.read_text("utf-8").rstrip("\n") + " " + WARM_SENTENCE + "\n", "utf-8")
    build(SETTINGS, content, tmp_path / "second", cached(tmp_path, **with_search), stream=io.StringIO())
    second = log.read_text("utf-8").splitlines()
    assert [line for line in second if line.startswith("index")] == ["index 2023"], second
    rendered = [line for line in second if line.startswith("render")]
    assert any(line.endswith(f"/{title_slug(edited)}/index.html") for line in rendered), rendered
    assert len(rendered) < 12, rendered  # of 23 documents

    build(SETTINGS, content, tmp_path / "cold", {"CACHE_PATH": str(tmp_path / "nocache"), **with_search}, stream=io.StringIO())
    warm, cold = fingerprint(tmp_path / "second"), fingerprint(tmp_path / "cold")
    assert {name for name in warm if name.startswith("pagefind/")} == {name for name in cold if name.startswith("pagefind/")}
    # The same site, byte for byte (Pagefind's entry file included: its languages are sorted).
    assert [name for name in warm if warm[name] != cold.get(name)] == []


def test_a_file_linked_with_attach_goes_beside_its_page_in_cold_and_cached_builds(tmp_path, corpus):
    """Pelican moves an {attach} file beside the page that links it while writing that page, before
    copying static files; deferred and cached pages are written later, or not at all."""
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    oldest = sorted(content.glob("issues/*/0[1-3]-*.md"))[0]  # not in the one-item feed
    (oldest.parent / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    oldest.write_text(oldest.read_text("utf-8").rstrip("\n") + "\n\n![Une photo]({attach}photo.png)\n", "utf-8")
    settings = cached(tmp_path, FEED_MAX_ITEMS=1)
    for output in (tmp_path / "first", tmp_path / "second"):
        stream = io.StringIO()
        build(SETTINGS, content, output, settings, stream=stream)
        assert "{attach}" not in stream.getvalue(), stream.getvalue()
        page = next(path for path in output.rglob(f"{title_slug(oldest)}/index.html") if path.relative_to(output).parts[0] != "en")
        assert f'src="/{page.parent.relative_to(output).as_posix()}/photo.png"' in page.read_text("utf-8")
        assert (page.parent / "photo.png").read_bytes() == (oldest.parent / "photo.png").read_bytes()
        # The English page (its new block still French) shows the same file, where the French page put it.
        english = output / "en" / page.relative_to(output)
        assert f'src="/{page.parent.relative_to(output).as_posix()}/photo.png"' in english.read_text("utf-8")
        assert not list((output / "issues").rglob("photo.png"))
    assert reused(tmp_path / "first", tmp_path / "second")  # the second build took pages from the cache


def test_every_feed_is_generated_while_a_receiver_listens_to_feed_written(tmp_path):
    """Pelican's feed_written carries the feed object, which a feed linked from the page cache does not have."""
    from pelican import signals

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    build(SETTINGS, content, tmp_path / "first", cached(tmp_path), stream=io.StringIO())
    feeds = []

    def written(path, context, feed):
        feeds.append((os.path.basename(path), len(feed.items)))

    signals.feed_written.connect(written)
    try:
        build(SETTINGS, content, tmp_path / "second", cached(tmp_path), stream=io.StringIO())
    finally:
        signals.feed_written.disconnect(written)
    on_disk = [path for path in (tmp_path / "second").rglob("*.xml") if "feeds" in path.parts]
    assert len(feeds) == len(on_disk) > 10 and all(count > 0 for _, count in feeds)
    assert fingerprint(tmp_path / "first") == fingerprint(tmp_path / "second")
