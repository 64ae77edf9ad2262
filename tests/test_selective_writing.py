"""Selective writing (the page cache): a cached build renders again only what an edit touched,
and gives byte for byte the site a build without any cache gives (tier 3: full builds)."""

from __future__ import annotations

import io
import os
import shutil

import pytest

from cafetech.bench import WARM_SENTENCE, generate_corpus
from cafetech.site_build import build
from conftest import ROOT
from test_atomic_build import fingerprint, without_search_index

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
    generate_corpus(content, 12, seed=3)
    return content


def test_an_unchanged_site_is_linked_from_the_cache(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    build(SETTINGS, content, tmp_path / "first", cached(tmp_path), stream=io.StringIO())
    build(SETTINGS, content, tmp_path / "second", cached(tmp_path), stream=io.StringIO())
    assert fingerprint(tmp_path / "first") == fingerprint(tmp_path / "second")
    assert reused(tmp_path / "first", tmp_path / "second") == set(pages(tmp_path / "second"))
    assert len(pages(tmp_path / "second")) > 30


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
