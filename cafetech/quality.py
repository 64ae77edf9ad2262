"""The quality gate on a built site: internal links, hreflang targets and feeds (used by `invoke check`)."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

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


def feed_problems(output: str | Path) -> list[str]:
    """'feed: reason' for every feed that a feed reader would not accept."""
    import feedparser

    problems = []
    for feed in sorted(Path(output).rglob("*.xml")):
        if feed.name == "sitemap.xml":
            continue
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            problems.append(f"{feed.relative_to(output)}: {parsed.bozo_exception}")
        elif not parsed.entries:
            problems.append(f"{feed.relative_to(output)}: no entry")
    return problems
