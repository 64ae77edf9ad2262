"""The search plugin's kept indexes and entry files (pure file functions)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from cafetech.files import tree_digests, write_atomically
from search import PAGEFIND_VERSION, kept_index, manifest_of, pagefind_command, sort_entry_file


def kept(tmp_path):
    """A kept index as a build leaves it: its files, and their digests beside it."""
    folder = tmp_path / "key"
    (folder / "fragment").mkdir(parents=True)
    (folder / "pagefind-entry.json").write_text('{"version":"1.5.2","languages":{}}', "utf-8")
    (folder / "pagefind-component-ui.js").write_text("export const ui = 1;\n" * 200, "utf-8")
    (folder / "fragment" / "fr_1.pf_fragment").write_bytes(bytes(range(256)) * 8)
    write_atomically(manifest_of(str(folder)), json.dumps(tree_digests(folder)))
    return folder


def test_a_kept_index_whose_files_match_their_digests_is_reused(tmp_path):
    folder = kept(tmp_path)
    assert kept_index(str(folder)) is True
    assert folder.is_dir()


@pytest.mark.parametrize(
    "damage, named",
    [
        (lambda f: (f / "pagefind-component-ui.js").write_bytes((f / "pagefind-component-ui.js").read_bytes()[:1000]), "pagefind-component-ui.js"),
        (lambda f: (f / "fragment" / "fr_1.pf_fragment").write_bytes(b"\0" * 2048), "fragment/fr_1.pf_fragment"),
        (lambda f: (f / "pagefind-entry.json").unlink(), "pagefind-entry.json"),
        (lambda f: (f / "stray.js").write_text("x", "utf-8"), "stray.js"),
        (lambda f: Path(manifest_of(str(f))).write_text('{"pagefind-entry', "utf-8"), "its manifest (JSONDecodeError)"),
    ],
    ids=["cut-short", "same-size-other-bytes", "a-file-gone", "a-file-added", "manifest-cut-short"],
)
def test_a_kept_index_not_as_kept_is_dropped_with_a_warning_naming_the_file(tmp_path, caplog, damage, named):
    folder = kept(tmp_path)
    damage(folder)
    with caplog.at_level(logging.WARNING):
        assert kept_index(str(folder)) is False
    assert not folder.exists() and not Path(manifest_of(str(folder))).exists()
    assert [r.getMessage() for r in caplog.records] == [f"{folder}: kept search index damaged ({named}), dropped; this build indexes again"]


def test_a_kept_index_without_its_manifest_is_dropped(tmp_path):
    folder = kept(tmp_path)
    Path(manifest_of(str(folder))).unlink()
    assert kept_index(str(folder)) is False and not folder.exists()


def test_no_kept_index_is_no_index(tmp_path):
    assert kept_index(None) is False and kept_index(str(tmp_path / "none")) is False


def test_the_entry_file_lists_its_languages_in_one_order(tmp_path):
    (tmp_path / "pagefind-entry.json").write_text('{"version":"1","languages":{"fr":{"a":1},"en":{"b":2}}}', "utf-8")
    sort_entry_file(str(tmp_path))
    text = (tmp_path / "pagefind-entry.json").read_text("utf-8")
    assert text == '{"languages":{"en":{"b":2},"fr":{"a":1}},"version":"1"}'
    assert json.loads(text)["languages"]["fr"] == {"a": 1}


def test_pagefind_runs_as_the_wheels_binary_of_the_locked_version(tmp_path):
    command = pagefind_command(str(tmp_path / "site"), str(tmp_path / "index"))
    assert Path(command[0]).is_file() and command[0] != sys.executable  # no Python started to find it
    assert command[1:5] == ["--site", str(tmp_path / "site"), "--output-path", str(tmp_path / "index")]
    version = subprocess.run([command[0], "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.split() == ["pagefind", PAGEFIND_VERSION]
