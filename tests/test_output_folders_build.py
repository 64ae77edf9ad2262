"""A build writes into the folders of the site it replaces, and gives the tree a build into an empty
folder gives: the same files, byte for byte, and the same folders (tier 3: full builds of the real content)."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from cafetech.site_build import OLD_PREFIX, build
from support import ROOT, fingerprint

SETTINGS = ROOT / "pelicanconf.py"
PAGE = "2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete"
CONTACT = "Title: Contact\nSlug: contact\nLang: fr\n\nÉcrivez-nous.\n"


def folders(site) -> set[str]:
    return {str(path.relative_to(site)) for path in site.rglob("*") if path.is_dir()}


def held(folder: str):
    """An open handle on a folder: it still names that very folder after a build if the build kept it
    (a removed folder's inode stays alive while open, so a new folder of the same name is another one)."""
    return os.open(folder, os.O_RDONLY)


def same_folder(handle: int, folder) -> bool:
    return os.path.samestat(os.fstat(handle), os.stat(folder))


@pytest.fixture
def content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def overrides(tmp_path) -> dict:
    return {"CACHE_PATH": str(tmp_path / "cache"), "SEARCH_ENABLED": False}


def test_a_build_in_place_keeps_the_old_sites_folders_and_removes_the_rest(tmp_path, content):
    """Pelican's own command (DELETE_OUTPUT_DIRECTORY): the old files go, the folders the new site uses stay."""
    output = tmp_path / "output"
    settings = read_settings(str(SETTINGS), override={"PATH": str(content), "OUTPUT_PATH": str(output), **overrides(tmp_path)})
    (content / "pages" / "contact.md").write_text(CONTACT, "utf-8")
    site = Pelican(settings)  # one object for both builds, as `pelican --autoreload` runs them
    site.run()
    assert (output / "contact" / "index.html").is_file()
    (content / "pages" / "contact.md").unlink()
    (output / "stale" / "deep").mkdir(parents=True)
    (output / "stale" / "deep" / "page.html").write_text("old")
    (output / ".git").mkdir()
    (output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")  # OUTPUT_RETENTION
    handle = held(output / PAGE)
    try:
        site.run()
        assert same_folder(handle, output / PAGE)
    finally:
        os.close(handle)
    assert (output / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    shutil.rmtree(output / ".git")
    build(SETTINGS, content, tmp_path / "fresh", overrides(tmp_path), stream=io.StringIO())
    assert folders(output) == folders(tmp_path / "fresh")  # contact/ and stale/ gone, no folder left empty
    assert fingerprint(output) == fingerprint(tmp_path / "fresh")


def test_each_build_writes_into_the_folders_of_the_site_the_last_one_replaced(tmp_path, content):
    output = tmp_path / "output"
    (content / "pages" / "contact.md").write_text(CONTACT, "utf-8")
    build(SETTINGS, content, output, overrides(tmp_path), stream=io.StringIO())
    handle = held(output / PAGE)
    try:
        (content / "pages" / "contact.md").unlink()
        build(SETTINGS, content, output, overrides(tmp_path), stream=io.StringIO())
        (previous,) = output.parent.glob(f"{OLD_PREFIX}*")  # the first site, its files removed
        assert same_folder(handle, previous / PAGE) and (previous / "contact").is_dir()
        assert not [path for path in previous.rglob("*") if not path.is_dir()]
        build(SETTINGS, content, output, overrides(tmp_path), stream=io.StringIO())
        assert same_folder(handle, output / PAGE)
    finally:
        os.close(handle)
    assert len(list(output.parent.glob(f"{OLD_PREFIX}*"))) == 1
    build(SETTINGS, content, tmp_path / "fresh", overrides(tmp_path), stream=io.StringIO())
    assert folders(output) == folders(tmp_path / "fresh") and "contact" not in folders(output)
    assert fingerprint(output) == fingerprint(tmp_path / "fresh")
