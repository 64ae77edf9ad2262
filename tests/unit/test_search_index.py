"""The search plugin's kept indexes and entry files (pure file functions)."""

from __future__ import annotations

import json
import logging

from search import kept_index, sort_entry_file


def test_a_kept_index_with_a_whole_entry_file_is_reused(tmp_path):
    (tmp_path / "pagefind-entry.json").write_text('{"version":"1.5.2","languages":{}}', "utf-8")
    assert kept_index(str(tmp_path)) is True


def test_a_kept_index_cut_short_is_dropped_with_a_warning(tmp_path, caplog):
    kept = tmp_path / "key"
    kept.mkdir()
    (kept / "pagefind-entry.json").write_text('{"version":"1.5.2","langu', "utf-8")
    with caplog.at_level(logging.WARNING):
        assert kept_index(str(kept)) is False
    assert not kept.exists()
    assert [r.getMessage() for r in caplog.records] == [f"{kept}: unreadable kept search index (JSONDecodeError), dropped; this build indexes again"]


def test_no_kept_index_is_no_index(tmp_path):
    assert kept_index(None) is False and kept_index(str(tmp_path / "none")) is False


def test_the_entry_file_lists_its_languages_in_one_order(tmp_path):
    (tmp_path / "pagefind-entry.json").write_text('{"version":"1","languages":{"fr":{"a":1},"en":{"b":2}}}', "utf-8")
    sort_entry_file(str(tmp_path))
    text = (tmp_path / "pagefind-entry.json").read_text("utf-8")
    assert text == '{"languages":{"en":{"b":2},"fr":{"a":1}},"version":"1"}'
    assert json.loads(text)["languages"]["fr"] == {"a": 1}
