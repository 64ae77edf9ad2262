"""The translations plugin and Pelican's content cache: a kept reading of a sidecar is read again
when its French source changed, whatever Pelican stamps files with (tier 2: a generator's readers)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pelican.cache import FileStampDataCacher
from pelican.settings import DEFAULT_CONFIG

import translations


def readers_and_generator(tmp_path, method: str):
    settings = {**DEFAULT_CONFIG, "CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
                "CHECK_MODIFIED_METHOD": method, "GZIP_CACHE": False}
    readers = FileStampDataCacher(settings, "Readers", True, True)
    return readers, SimpleNamespace(readers=readers, settings=settings, path=str(tmp_path / "content"))


@pytest.mark.parametrize("method", ["mtime", "md5"])
def test_a_kept_reading_is_read_again_only_when_its_source_changed(tmp_path, method):
    folder = tmp_path / "content" / "issues" / "2023-11-20"
    folder.mkdir(parents=True)
    source, sidecar, other = folder / "01-a.md", folder / "01-a.en.po", folder / "issue.en.po"
    source.write_text("Title: A\n\nUn texte.\n", "utf-8")
    (folder / "issue.md").write_text("Title: Numéro\n", "utf-8")
    for po in (sidecar, other):
        po.write_text('msgid ""\nmsgstr ""\n', "utf-8")
    readers, generator = readers_and_generator(tmp_path, method)
    digest = translations.text_digest
    readers.cache_data(str(sidecar), ("<p>A text.</p>", {translations.SOURCE_DIGEST: digest(source.read_text("utf-8"))}))
    readers.cache_data(str(other), ("", {translations.SOURCE_DIGEST: digest((folder / "issue.md").read_text("utf-8"))}))

    translations.forget_stale_sidecars(generator)
    assert readers.get_cached_data(str(sidecar)) == ("<p>A text.</p>", {translations.SOURCE_DIGEST: digest(source.read_text("utf-8"))})

    source.write_text("Title: A\n\nUn texte corrigé.\n", "utf-8")  # same size or not, same second or not
    translations.forget_stale_sidecars(generator)
    assert readers.get_cached_data(str(sidecar)) == (None, None)  # Pelican reads it again
    assert readers.get_cached_data(str(other))[0] == ""  # the sidecar (IGNORE_FILES hides it from Pelican) is kept


def test_a_reading_that_cannot_vouch_for_its_source_is_stale(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("x", "utf-8")
    assert translations.stale_reading(("<p>x</p>", {}), str(source))  # kept by older code
    assert translations.stale_reading(("<p>x</p>", {translations.SOURCE_DIGEST: translations.text_digest("x")}), str(tmp_path / "gone.md"))
    assert not translations.stale_reading(("<p>x</p>", {translations.SOURCE_DIGEST: translations.text_digest("x")}), str(source))
