"""A damaged cache never reaches the site: files of the photo store, drawn cards, kept search
indexes and kept pages cut short on disk (what a crash or a full disk leaves) are detected, made again with one
warning line, and the site is the one a clean build makes."""

from __future__ import annotations

import hashlib
import io
import logging
import os
from pathlib import Path

import pytest

from cafetech.site_build import build, content_cache
from support import ROOT, ErrorCollector, fingerprint, photo_issue_content, without_search_index

SETTINGS = ROOT / "pelicanconf.py"
INDEXES = ("sources.json", "verified.json")  # the store's own records


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """The real content and the 2023-11-27 issue with its four real photos."""
    return photo_issue_content(tmp_path_factory.mktemp("damage"))


@pytest.fixture(scope="module")
def clean(content, tmp_path_factory):
    """The site as a build with no cache at all makes it."""
    root = tmp_path_factory.mktemp("clean")
    return fingerprint(build(SETTINGS, content, root / "site", {"CACHE_PATH": str(root / "cache")}, stream=io.StringIO()).output)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cut_in_half(paths) -> set[str]:
    """Truncate each file where it is (the same inode, as a lost write leaves it); their new digests."""
    damaged = set()
    for path in paths:
        os.truncate(path, path.stat().st_size // 2)
        damaged.add(digest(path))
    return damaged


def build_logged(content: Path, root: Path) -> tuple[Path, list[str]]:
    collector = ErrorCollector()
    logging.getLogger().addHandler(collector)
    try:
        output = build(SETTINGS, content, root / "site", content_cache(ROOT, root / "cache"), stream=io.StringIO()).output
    finally:
        logging.getLogger().removeHandler(collector)
    return output, collector.messages()


def kept_files(cache: Path) -> list[Path]:
    """The files a build links into the site: photo derivatives, cards, kept search index files, kept pages."""
    store = [path for path in (cache / "photos").rglob("*") if path.is_file() and path.name not in INDEXES and path.name != "info.json"]
    search = [path for path in cache.glob("*/search/indexes/*/**/*") if path.is_file()]
    pages = [path for path in cache.glob("*/pages/objects/*") if path.is_file()]
    assert store and search and pages, "the first build kept photos, cards, search indexes and pages"
    return [path for path in store + search + pages if path.stat().st_size > 1]


def test_files_of_the_store_and_the_search_cache_cut_short_are_made_again_with_a_warning(content, clean, tmp_path):
    build_logged(content, tmp_path)
    files = kept_files(tmp_path / "cache")
    damaged = cut_in_half(files)
    output, warnings = build_logged(content, tmp_path)
    site = fingerprint(output)
    assert not damaged & set(site.values()), "a damaged file reached the site"
    assert without_search_index(site) == without_search_index(clean)
    assert {name for name in site if name.startswith("pagefind/")} == {name for name in clean if name.startswith("pagefind/")}
    changed = [w for w in warnings if "changed since it was" in w or "kept search index damaged" in w]
    assert any("/photos/" in w and "changed since it was made" in w for w in changed), warnings
    assert any("kept search index damaged" in w for w in changed), warnings
    assert any("a kept page changed since it was written" in w for w in changed), warnings
    assert all("\n" not in w for w in changed)
    # Made again, the store is whole: the next build takes everything and warns of nothing.
    _output, warnings = build_logged(content, tmp_path)
    assert not [w for w in warnings if "changed since it was" in w or "damaged" in w]


def test_every_file_of_the_cache_cut_short_leaves_the_site_as_a_clean_build_makes_it(content, clean, tmp_path):
    build_logged(content, tmp_path)
    damaged = cut_in_half([path for path in (tmp_path / "cache").rglob("*") if path.is_file() and path.stat().st_size > 1])
    output, _warnings = build_logged(content, tmp_path)
    site = fingerprint(output)
    assert not damaged & set(site.values()), "a damaged file reached the site"
    assert without_search_index(site) == without_search_index(clean)
