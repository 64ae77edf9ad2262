"""Pelican's signals mean what its documentation says in every build mode (tier 3: full builds)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pelican import signals

from support import ROOT, build_site, project_settings, two_issue_content

# pelican-sitemap (a test dependency) lists the pages it hears of through content_written and writes
# its file at finalized. It comes first so that its finalized handler runs before build_speed's.
SITEMAP = {"SITEMAP": {"format": "txt"}, "SEARCH_ENABLED": False}  # sitemap.txt: site_files writes sitemap.xml
_WRITTEN: list = []  # (process id, path, the context's output_file), for each content_written
_AT_FINALIZED: list = []  # the pages in the output when finalized was sent


def note_written(path, context):
    _WRITTEN.append((os.getpid(), path, context.get("output_file")))


def note_finalized(pelican):
    _AT_FINALIZED.append(html_pages(pelican.output_path))


_WRITER_FINALIZED: list = []  # (signal, the generator's pages missing from the output when it was sent)


def pages_missing(generator, contents) -> list[str]:
    return [content.save_as for content in contents if not os.path.isfile(os.path.join(generator.output_path, content.save_as))]


def note_articles_written(generator, writer):
    _WRITER_FINALIZED.append(("article_writer_finalized", pages_missing(generator, [*generator.articles, *generator.translations])))


def note_pages_written(generator, writer):
    _WRITER_FINALIZED.append(("page_writer_finalized", pages_missing(generator, [*generator.pages, *generator.translations])))


signals.content_written.connect(note_written)
signals.finalized.connect(note_finalized)
signals.article_writer_finalized.connect(note_articles_written)
signals.page_writer_finalized.connect(note_pages_written)


@pytest.fixture(scope="module", autouse=True)
def sitemap_plugin_unplugged_after():
    """Pelican's signals outlive a build in the process: once this module is done, pelican-sitemap is
    disconnected, or every later in-process build (another test's) would also write its sitemap.xml."""
    yield
    from pelican.plugins.sitemap import sitemap

    signals.get_generators.disconnect(sitemap.generator.init)
    signals.content_written.disconnect(sitemap.generator.queue_page)
    signals.finalized.disconnect(sitemap.generator.finalize)


def with_sitemap(output, **more) -> dict:
    plugins = project_settings(ROOT / "content", output)["PLUGINS"]
    return {"PLUGINS": ["pelican.plugins.sitemap", *plugins], **SITEMAP, **more}


def cached(tmp_path, **more) -> dict:
    return {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "BUILD_PAGE_CACHE": True, **more}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("contracts")
    folder = two_issue_content(root)
    for page in (ROOT / "content" / "pages").iterdir():
        shutil.copy(page, folder / "pages" / page.name)
    return folder


def html_pages(output) -> set[str]:
    return {path.relative_to(output).as_posix() for path in Path(output).rglob("*.html")}


def sitemap_pages(output) -> set[str]:
    """The files the sitemap's URLs name (``a/b/`` is ``a/b/index.html``)."""
    urls = (output / "sitemap.txt").read_text("utf-8").split()
    return {re.sub(r"(^|/)$", r"\1index.html", url.removeprefix("/").lstrip("/")) for url in urls}


def build(content, output, **settings) -> set[str]:
    """Build with pelican-sitemap; the pages content_written announced (each once, in this process)."""
    _WRITTEN.clear()
    _AT_FINALIZED.clear()
    _WRITER_FINALIZED.clear()
    build_site(content, output, **with_sitemap(output, **settings))
    assert _AT_FINALIZED == [html_pages(output)], "finalized was sent before every page existed"
    assert {name for name, _ in _WRITER_FINALIZED} == {"article_writer_finalized", "page_writer_finalized"}
    assert all(not missing for _, missing in _WRITER_FINALIZED), f"sent before its pages existed: {_WRITER_FINALIZED}"
    assert {pid for pid, _, _ in _WRITTEN} == {os.getpid()}
    paths = [path for _, path, _ in _WRITTEN]
    assert len(paths) == len(set(paths)), "a page announced twice"
    for _, path, name in _WRITTEN:
        assert os.path.isabs(path) and path == os.path.join(str(output), name) and os.path.isfile(path)
    return {os.path.relpath(path, output) for path in paths}


def assert_every_page_listed(output, announced):
    pages = html_pages(output)
    assert len(pages) > 20
    assert pages <= announced
    assert pages <= sitemap_pages(output) | {page for page in pages if page.endswith("404.html")}


@pytest.mark.parametrize("workers", [0, 1])
def test_content_written_announces_every_page_and_the_sitemap_lists_them(tmp_path, content, workers):
    output = tmp_path / "output"
    announced = build(content, output, BUILD_WORKERS=workers)
    assert_every_page_listed(output, announced)


@pytest.mark.parametrize("workers", [0, 1])
def test_pages_taken_from_the_page_cache_are_announced_too(tmp_path, content, workers):
    first, second = tmp_path / "first", tmp_path / "second"
    assert_every_page_listed(first, build(content, first, BUILD_WORKERS=workers, **cached(tmp_path)))
    announced = build(content, second, BUILD_WORKERS=workers, **cached(tmp_path))
    assert_every_page_listed(second, announced)
    linked = {page for page in html_pages(second) if os.path.samefile(first / page, second / page)}
    assert len(linked) > 20  # the warm build took its pages from the cache
    assert (first / "sitemap.txt").read_text("utf-8") == (second / "sitemap.txt").read_text("utf-8")

