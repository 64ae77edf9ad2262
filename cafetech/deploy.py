"""The removal guard: what a deploy would take off the live site that the editor did not withdraw."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WITHDRAWN_FILE = "withdrawn.txt"  # in the content folder: the pages taken off the site on purpose
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class LiveSiteError(Exception):
    """What is live could not be read, so a deploy cannot know what it would remove."""


@dataclass(frozen=True)
class Removals:
    pages: tuple[str, ...]  # page addresses ('/en/2023/11/x/') live now and missing from the new site
    entries: tuple[str, ...]  # '<feed>: <entry id>' for each feed entry that would disappear

    def __bool__(self) -> bool:
        return bool(self.pages or self.entries)

    def lines(self) -> list[str]:
        return [f"{page}: this live page would disappear" for page in self.pages] + [
            f"{entry}: this feed entry would disappear" for entry in self.entries
        ]


def page_address(path: str) -> str:
    """The address a file of the site answers at: 'en/x/index.html' -> '/en/x/'."""
    path = "/" + path.lstrip("/")
    return path.removesuffix("index.html")


def is_page(path: str) -> bool:
    """A file readers or feed readers reach by its address: a page or a feed (not the 404 page, an asset)."""
    name = path.rsplit("/", 1)[-1]
    return (name.endswith(".html") and name != "404.html") or (name.endswith(".xml") and "/feeds/" in "/" + path)


def tree_pages(paths: Iterable[str]) -> set[str]:
    """The page and feed addresses of a site given as the paths of its files (a folder, a git tree)."""
    return {page_address(path) for path in paths if is_page(path)}


def folder_files(folder: str | os.PathLike) -> list[str]:
    folder = Path(folder)
    return [path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()]


def sitemap_pages(data: bytes, site_url: str) -> set[str]:
    """The addresses a sitemap lists, as paths under site_url ('https://x.org/en/' -> '/en/')."""
    prefix = urlsplit(site_url.rstrip("/") + "/").path
    pages = set()
    for loc in ET.fromstring(data).iter(f"{SITEMAP}loc"):
        path = urlsplit((loc.text or "").strip()).path
        pages.add("/" + path.removeprefix(prefix).lstrip("/") if path.startswith(prefix) else path)
    return pages


def feed_entries(data: bytes) -> dict[str, dt.datetime | None]:
    """{entry id: when it was published or last updated} of an Atom feed (RSS: guid and pubDate)."""
    root = ET.fromstring(data)
    entries: dict[str, dt.datetime | None] = {}
    for entry in root.iter(f"{ATOM}entry"):
        ident = (entry.findtext(f"{ATOM}id") or "").strip()
        when = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
        entries[ident] = _instant(when)
    for item in root.iter("item"):
        ident = (item.findtext("guid") or item.findtext("link") or "").strip()
        entries[ident] = _instant(item.findtext("pubDate"), rfc822=True)
    entries.pop("", None)
    return entries


def _instant(text: str | None, rfc822: bool = False) -> dt.datetime | None:
    if not text:
        return None
    try:
        if rfc822:
            from email.utils import parsedate_to_datetime

            return parsedate_to_datetime(text.strip())
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None


def aged_out(when: dt.datetime | None, kept: Mapping[str, dt.datetime | None], feed_size: int | None) -> bool:
    """An entry left a full feed (feed_size entries, FEED_MAX_ITEMS) to make room for newer ones."""
    dates = [date for date in kept.values() if date is not None]
    return when is not None and bool(dates) and feed_size is not None and len(kept) >= feed_size and when < min(dates)


def withdrawn_pages(content: str | os.PathLike) -> set[str]:
    """The addresses listed in content/withdrawn.txt (one a line, '#' starts a comment)."""
    path = Path(content) / WITHDRAWN_FILE
    if not path.is_file():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return {normal_address(line) for line in lines if line}


def normal_address(address: str) -> str:
    """'https://x.org/en/a/', '/en/a/index.html' and 'en/a/' all name '/en/a/'."""
    path = urlsplit(address).path if "://" in address else address
    return page_address(path)


def removals(
    live_pages: Iterable[str],
    new_pages: Iterable[str],
    live_feeds: Mapping[str, bytes],
    new_feeds: Mapping[str, bytes],
    allowed: Iterable[str] = (),
    feed_size: int | None = None,
) -> Removals:
    """What a deploy of the new site would remove from the live one, less what the editor allowed.

    Pages are addresses ('/en/x/'); feeds map a feed's address to its XML. An entry that left a
    feed is a removal unless its page is allowed to go or it aged out of a full feed (FEED_MAX_ITEMS).
    """
    allowed = {normal_address(address) for address in allowed}
    new_pages = set(new_pages)
    pages = sorted(page for page in set(live_pages) - new_pages if page not in allowed)
    entries = []
    for feed, data in sorted(live_feeds.items()):
        if feed not in new_feeds:
            continue  # the feed itself is a page: reported above unless allowed
        kept = feed_entries(new_feeds[feed])
        for ident, when in feed_entries(data).items():
            if ident in kept or normal_address(ident) in allowed or aged_out(when, kept, feed_size):
                continue
            entries.append(f"{feed}: {ident}")
    return Removals(tuple(pages), tuple(entries))


# --- what is live --------------------------------------------------------------


@dataclass(frozen=True)
class LiveSite:
    pages: frozenset[str]
    feeds: Mapping[str, bytes]  # a feed's address -> its XML


def _git(repo: str | os.PathLike, *args: str, data: bool = False):
    import subprocess

    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=not data)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def live_from_branch(repo: str | os.PathLike, remote: str, branch: str) -> LiveSite | None:
    """The site deployed on ``remote``'s ``branch`` (fetched into refs/remotes/<remote>/<branch>, where
    ghp-import bases its next commit); None when nothing was ever deployed there."""
    listed = _git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
    if listed.returncode != 0:
        raise LiveSiteError(f"cannot read the branch {branch} of the remote {remote}: {_last_line(listed.stderr)}")
    if not listed.stdout.strip():
        return None
    tracking = f"refs/remotes/{remote}/{branch}"
    fetched = _git(repo, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}")
    if fetched.returncode != 0:
        raise LiveSiteError(f"cannot fetch the branch {branch} of the remote {remote}: {_last_line(fetched.stderr)}")
    files = _git(repo, "ls-tree", "-r", "-z", "--name-only", tracking).stdout.split("\0")
    feeds = {}
    for path in (path for path in files if is_page(path) and path.endswith(".xml")):
        shown = _git(repo, "show", f"{tracking}:{path}", data=True)
        if shown.returncode == 0:
            feeds[page_address(path)] = shown.stdout
    return LiveSite(frozenset(tree_pages(files)), feeds)


def _get(url: str, timeout: float) -> bytes | None:
    """The body at url; None for a 404 (nothing there yet); LiveSiteError for anything else."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise LiveSiteError(f"{url}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise LiveSiteError(f"{url}: {getattr(error, 'reason', error)}") from None


def live_from_web(site_url: str, feeds: Iterable[str], sitemap: str = "sitemap.xml", timeout: float = 30) -> LiveSite | None:
    """The live site as its sitemap lists it, with the given feeds as they are served now; None when it
    has no sitemap yet (the first deploy)."""
    base = site_url.rstrip("/")
    data = _get(f"{base}/{sitemap}", timeout)
    if data is None:
        return None
    try:
        pages = sitemap_pages(data, base)
    except ET.ParseError as error:
        raise LiveSiteError(f"{base}/{sitemap}: not a sitemap ({error})") from None
    served = {feed: _get(base + feed, timeout) for feed in feeds}
    return LiveSite(frozenset(pages), {feed: body for feed, body in served.items() if body is not None})
