"""Atomic builds: a failed or interrupted build leaves the previous output/ exactly as it was."""

from __future__ import annotations

import io
import os
import stat
import json
import shutil
from pathlib import Path

import pytest
from pelican import signals

from cafetech.site_build import BUILD_PREFIX, BuildFailed, build
from support import ROOT, fingerprint, without_search_index

SETTINGS = ROOT / "pelicanconf.py"
OVERRIDES = {"CACHE_PATH": None}


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "output"
    build(SETTINGS, content, output, {"CACHE_PATH": str(tmp_path / "cache")}, stream=io.StringIO())
    return content, output, fingerprint(output)


def failing_build(content, output, **kwargs) -> str:
    stream = io.StringIO()
    with pytest.raises(BuildFailed):
        build(SETTINGS, content, output, {"CACHE_PATH": str(output.parent / "cache")}, stream=stream, **kwargs)
    assert not list(output.parent.glob(f"{BUILD_PREFIX}*"))
    return stream.getvalue()


def test_a_good_build_replaces_the_site(site):
    content, output, before = site
    (content / "pages" / "contact.md").write_text("Title: Contact\nSlug: contact\nLang: fr\n\nÉcrivez-nous.\n", "utf-8")
    build(SETTINGS, content, output, {"CACHE_PATH": str(output.parent / "cache")}, stream=io.StringIO())
    after = fingerprint(output)
    new = {name for name in set(after) - set(before) if not name.startswith("pagefind/")}
    assert {name for name in new if not name.startswith("cards/")} == {"contact/index.html"}
    assert len(new) == 2  # and the page's card
    assert after["2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/index.html"]


def test_a_broken_catalog_keeps_the_last_good_site(site):
    content, output, before = site
    sidecar = next((content / "issues" / "2023-11-20").glob("01-*.en.po"))
    sidecar.write_text(sidecar.read_text("utf-8").replace('msgstr "Investor revolt"', 'msgstr "Investor revolt'), "utf-8")
    messages = failing_build(content, output)
    errors = [line for line in messages.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"{sidecar.name}:" in errors[0] and "malformed line" in errors[0]
    assert "Traceback" not in messages
    assert fingerprint(output) == before


def test_a_broken_tag_registry_keeps_the_last_good_site(site):
    content, output, before = site
    (content / "tags.toml").write_text('["OpenAI"]\naliases = ["Mistral"]\n["Mistral"]\naliases = []\n', "utf-8")
    messages = failing_build(content, output)
    assert messages.strip().startswith("error: ") and "tags.toml: 'Mistral' names two tags" in messages
    assert len(messages.strip().splitlines()) == 1
    assert fingerprint(output) == before


def interrupt(sender, **kwargs):
    raise KeyboardInterrupt


def test_an_interrupted_build_keeps_the_last_good_site(site):
    content, output, before = site
    signals.finalized.connect(interrupt)
    try:
        failing_build(content, output)
    finally:
        signals.finalized.disconnect(interrupt)
    assert fingerprint(output) == before


def test_leftovers_of_a_killed_build_are_removed(site):
    content, output, before = site
    leftover = output.parent / f"{BUILD_PREFIX}killed"
    (leftover / "half").mkdir(parents=True)
    build(SETTINGS, content, output, {"CACHE_PATH": str(output.parent / "cache")}, stream=io.StringIO())
    assert not leftover.exists()
    # Rebuilt from the same content: the same site (Pagefind's index carries a build id of its own).
    assert without_search_index(fingerprint(output)) == without_search_index(before)


def cached_build_then_edit(tmp_path, source: str, old: str, new: str):
    """The real content built with Pelican's cache on; then ``source`` (under content/) edited
    (made newer than its .po) and the site built again. (output, the first build's pages)."""
    import os
    import time

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "output"
    cached = {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    build(SETTINGS, content, output, cached, stream=io.StringIO())
    first = sorted(str(path.relative_to(output)) for path in output.rglob("index.html"))
    path = next(content.glob(source))
    text = path.read_text("utf-8")
    assert old in text
    time.sleep(0.01)
    path.write_text(text.replace(old, new), "utf-8")
    os.utime(path)  # newer than its .po
    build(SETTINGS, content, output, cached, stream=io.StringIO())
    return output, first


def test_a_warm_build_never_shows_a_stale_english_page(tmp_path):
    """With Pelican's cache on, an English page follows its French source, not only its .po."""
    output, first = cached_build_then_edit(
        tmp_path,
        "issues/2023-11-20/01-*.md",
        "Vendredi, trois chercheurs en IA ont démissionné.",
        "Vendredi, trois chercheurs ont démissionné.",
    )
    assert any(path.startswith("en/2023/11/malgre") for path in first)
    # One block changed since it was translated: the published English page stays, that block stale
    # (its previous translation, TRANSLATIONS_STALE_BLOCKS = "previous"), under the corrected-French notice.
    (page,) = output.glob("en/2023/11/malgre*/index.html")
    assert 'class="notice"' in page.read_text("utf-8")


def test_a_warm_build_never_shows_a_stale_english_issue_page(tmp_path):
    """The issues plugin caches its readings too: issue.en.po follows issue.md."""
    output, first = cached_build_then_edit(tmp_path, "issues/2023-11-20/issue.md", "Merci par avance !", "Merci d’avance !")
    assert (tmp_path / "cache" / "IssuesGenerator-Readers").is_file()
    assert "en/issues/2023-11-20/index.html" in first
    # One block changed since it was translated: the published English issue page stays, that block
    # showing its previous translation (TRANSLATIONS_STALE_BLOCKS = "previous"), never the French.
    english = (output / "en" / "issues" / "2023-11-20" / "index.html").read_text("utf-8")
    assert "Thank you in&nbsp;advance!" in english  # typogrify's widont ties the last two words
    assert "Merci" not in english
    assert "Merci d’avance" in (output / "numero" / "2023-11-20" / "index.html").read_text("utf-8")


def test_the_code_digest_follows_code_and_settings_not_content(tmp_path):
    from functools import partial

    from cafetech.files import files_digest
    from cafetech.site_build import CODE_FILES

    digest = partial(files_digest, tmp_path, CODE_FILES)
    (tmp_path / "plugins" / "speed").mkdir(parents=True)
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text("SITENAME = 'x'\n", "utf-8")
    (tmp_path / "plugins" / "a.py").write_text("A = 1\n", "utf-8")
    (tmp_path / "plugins" / "speed" / "b.py").write_text("B = 1\n", "utf-8")
    first = digest()
    (tmp_path / "content" / "new.md").write_text("Title: x\n", "utf-8")
    assert digest() == first
    (tmp_path / "plugins" / "a.py").write_text("A = 2\n", "utf-8")
    second = digest()
    (tmp_path / "plugins" / "speed" / "b.py").write_text("B = 2\n", "utf-8")  # a plugin package's module
    third = digest()
    (tmp_path / "pelicanconf.py").write_text("SITENAME = 'y'\n", "utf-8")
    assert len({first, second, third, digest()}) == 4


def test_development_builds_reuse_the_content_cache_of_the_same_code(tmp_path):
    from cafetech.site_build import content_cache

    stale = tmp_path / "cache" / "0123456789abcdef"
    stale.mkdir(parents=True)
    (tmp_path / "cache" / "photos" / "kept").mkdir(parents=True)
    settings = content_cache(ROOT, tmp_path / "cache")
    assert settings["CACHE_CONTENT"] and settings["LOAD_CONTENT_CACHE"]
    assert not stale.exists() and Path(settings["CACHE_PATH"]).parent == tmp_path / "cache"
    # The photo store outlives the code: its entries are filed under what made them.
    assert settings["PHOTOS_CACHE_PATH"] == str(tmp_path / "cache" / "photos") and (tmp_path / "cache" / "photos" / "kept").is_dir()
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    outputs, entries = [], []
    for name in ("first", "second"):
        output = tmp_path / name
        build(SETTINGS, content, output, content_cache(ROOT, tmp_path / "cache"), stream=io.StringIO())
        outputs.append(without_search_index(fingerprint(output)))
        entries.append(json.loads((output / "pagefind" / "2023" / "pagefind-entry.json").read_text("utf-8")))
    assert (Path(settings["CACHE_PATH"]) / "ArticlesGenerator-Readers").is_file()
    assert (Path(settings["CACHE_PATH"]) / "IssuesGenerator-Readers").is_file()
    assert outputs[0] == outputs[1] and len(outputs[0]) > 30
    assert entries[0] == entries[1]  # Pagefind lists the languages in either order


def test_a_cache_cut_short_is_dropped_with_one_warning_and_the_build_goes_on(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cached = {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    build(SETTINGS, content, tmp_path / "first", cached, stream=io.StringIO())
    cut = sorted(
        path
        for path in (tmp_path / "cache").rglob("*")
        if path.is_file() and (path.name.endswith("-Readers") or path.suffix == ".pickle")
    )
    names = {path.name for path in cut}
    assert {"ArticlesGenerator-Readers", "IssuesGenerator-Readers", "index.pickle", "typography.pickle"} <= names, names
    for path in cut:  # as an interrupted build or a full disk leaves them
        path.write_bytes(path.read_bytes()[:100])
    stream = io.StringIO()
    report = build(SETTINGS, content, tmp_path / "second", cached, stream=stream)
    dropped = [w for w in report.warnings if "unreadable cache" in w]
    assert sorted(w.split(":")[0] for w in dropped) == sorted(str(path) for path in cut), stream.getvalue()
    assert without_search_index(fingerprint(tmp_path / "second")) == without_search_index(fingerprint(tmp_path / "first"))
    again = build(SETTINGS, content, tmp_path / "third", cached, stream=io.StringIO())
    assert not [w for w in again.warnings if "unreadable cache" in w]


def test_the_site_has_the_permissions_an_ordinary_build_gives_so_a_web_server_can_read_it(site):
    """mkdtemp makes its folder 0700: served by nginx as www-data, or copied with rsync -a, every page was a 403."""
    _, output, _ = site
    previous = os.umask(0o022)
    os.umask(previous)
    assert previous == 0o022, "the test suite runs under the usual umask"
    modes = {path.relative_to(output.parent).as_posix(): stat.S_IMODE(path.stat().st_mode) for path in [output, *output.rglob("*")]}
    folders = {path: mode for path, mode in modes.items() if (output.parent / path).is_dir()}
    files = {path: mode for path, mode in modes.items() if path not in folders}
    assert folders["output"] == 0o755
    assert {mode for mode in folders.values()} == {0o755}, {p: oct(m) for p, m in folders.items() if m != 0o755}
    assert {mode for mode in files.values()} == {0o644}, {p: oct(m) for p, m in files.items() if m != 0o644}


def test_a_second_build_beside_the_same_output_waits_for_the_first_and_says_so(site):
    """livereload's process building while the editor runs `invoke build`: the second build must not
    take the first one's staging folder for a killed build's leftover."""
    import fcntl
    import threading

    from cafetech.site_build import LOCK

    content, output, before = site
    running = output.parent / f"{BUILD_PREFIX}running"
    (running / "2023").mkdir(parents=True)  # the first build's staging folder, being written
    stream = io.StringIO()
    with open(output.parent / LOCK, "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as the first build holds it
        overrides = {"CACHE_PATH": str(output.parent / "cache"), "BUILD_WORKERS": 0}  # no fork from a thread
        second = threading.Thread(target=build, args=(SETTINGS, content, output, overrides), kwargs={"stream": stream})
        second.start()
        second.join(timeout=3)
        assert second.is_alive() and running.is_dir()  # it waits, and leaves the running build's folder alone
        assert stream.getvalue().startswith("waiting for the build of output/ already running")
        shutil.rmtree(running)  # the first build is done
    second.join(timeout=120)
    assert not second.is_alive()
    assert without_search_index(fingerprint(output)) == without_search_index(before)
