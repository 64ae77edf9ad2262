"""The build_speed plugin changes how fast the site is built, never what is built: without it in
PLUGINS, the same content gives the same files, byte for byte, cold or after an edit (tier 3).

Each build runs in a process of its own: Pelican's signals are global to a process, so a plugin
registered by one build would still listen in the next."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cafetech_dev.bench import WARM_SENTENCE, generate_corpus
from support import ROOT, fingerprint

BUILD = """
import io, json, sys
from pelican.settings import read_settings
from cafetech.site_build import build
spec = json.loads(sys.argv[1])
plugins = read_settings({settings!r})["PLUGINS"]
if not spec["speed"]:
    plugins = [name for name in plugins if name != "build_speed"]
overrides = {{"PLUGINS": plugins, "FEED_DOMAIN": "https://cafetech.test", **spec["overrides"]}}
stream = io.StringIO()
build({settings!r}, spec["content"], spec["output"], overrides, stream=stream)
print(stream.getvalue(), file=sys.stderr)
"""


def build(content, output, speed: bool, **overrides) -> None:
    script = BUILD.format(settings=str(ROOT / "pelicanconf.py"))  # run in ROOT: python -c imports from there
    spec = {"content": str(content), "output": str(output), "speed": speed, "overrides": overrides}
    done = subprocess.run([sys.executable, "-c", script, json.dumps(spec)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    content = tmp_path_factory.mktemp("optional") / "content"
    generate_corpus(content, 10, seed=5, photo_every=2)  # photos on one issue in two
    return content


def test_without_build_speed_the_site_is_the_same_cold_and_after_an_edit(tmp_path, corpus):
    cache = {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    build(corpus, tmp_path / "plain", speed=False)
    build(corpus, tmp_path / "fast", speed=True, BUILD_WORKERS=1, **cache)
    plain = fingerprint(tmp_path / "plain")
    assert len(plain) > 100 and any(name.startswith("photos/") for name in plain)
    assert fingerprint(tmp_path / "fast") == plain

    article = next(path for path in sorted(corpus.glob("issues/*/*.md")) if path.name != "issue.md")
    text = article.read_text("utf-8")
    try:
        article.write_text(text.rstrip("\n") + f"\n\n{WARM_SENTENCE}\n", "utf-8")
        build(corpus, tmp_path / "warm", speed=True, BUILD_WORKERS=1, **cache)  # page cache, memos, kept readings
        build(corpus, tmp_path / "plain-edited", speed=False)
    finally:
        article.write_text(text, "utf-8")
    edited = fingerprint(tmp_path / "plain-edited")
    assert edited != plain  # the edit shows
    assert fingerprint(tmp_path / "warm") == edited
