"""The email edition of an issue: one HTML email and its plain-text alternative, from the built site."""

# The email is made from the pages the build wrote, so it says exactly what the site says: the issue
# page (issue_pages(): the editions' issue URL) for the title, subtitle, date, introduction and credits, and, for each section
# listed in its ``ol.sections``, the section page for its title (h1), its full text (.content) and
# its further reading. The HTML part is one self-contained document for mail clients: a centred
# table of at most 600px, the site's typeface named (Literata, then Georgia: mail clients load no web font), no script, no stylesheet link, every style inlined (by
# css_inline), every address absolute against site_url. The text part carries the same content,
# wrapped at 72 columns, links written ``text <url>``. write_email("output", "2023-11-20", "en",
# "https://cafetech.github.io", folder="emails") writes emails/2023-11-20.en.html and .txt: never
# inside the built site, which the next build replaces whole.

from __future__ import annotations

import copy
import datetime as dt
import html
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import css_inline
from babel import Locale
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from cafetech.editions import Editions, editions
from cafetech.files import write_atomically

# Where the build writes an issue page, per language (ISSUE_SAVE_AS and ISSUE_LANG_SAVE_AS).
EMAIL_DIR = "emails"  # in the project, beside output/: builds never touch it
STYLESHEET_PATH = "/theme/css/main.css"  # base.html links it as {SITEURL}/theme/css/main.css
WIDTH = 72  # columns of the text part
PHOTO_WIDTH = 536  # px: the 600 px column less its padding

LABELS = {
    "fr": {"read_online": "Lire en ligne", "colon": "\u00a0:"},
    "en": {"read_online": "Read online", "colon": ":"},
}

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SITE_URL_RE = re.compile(r"https?://[^/\s?#]+(/[^\s?#]*)?")


class EmailError(Exception):
    """The email cannot be made (bad date or language, missing page); the message is one line."""


# --- reading the built pages ---------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    """A section's photo as its page shows it: the JPEG any mail client opens, at an absolute address."""

    src: str
    alt: str
    width: int  # in the email: at most PHOTO_WIDTH, the page's ratio kept
    height: int
    caption: str  # "Photo : <credit>", or ""


@dataclass
class Section:
    url: str  # absolute URL of the section page
    lang: str
    title: Tag  # the page's h1
    notice: Tag | None  # "part of this article is not translated yet"
    content: Tag  # the page's lede and .content, cleaned, links absolute, headings one level down
    further_heading: str
    further_items: list[Tag] = field(default_factory=list)  # <li> of the further reading
    photo: Photo | None = None


@dataclass
class Issue:
    lang: str
    url: str  # absolute URL of the issue page
    home_url: str
    site_name: str
    tagline: str
    page_title: str
    title: Tag  # h1
    subtitle: Tag | None
    kicker: Tag | None  # "Numéro du 20 novembre 2023"
    introduction: Tag | None
    credits: Tag | None
    support: tuple[str, str] | None  # the page's support link (partials/support.html): (label, absolute URL)
    sections: list[Section]


class _Links:
    """Makes the addresses of one built site absolute against ``site_url``.

    Pages built by ``invoke build`` link root-relative (``/2023/11/slug/``); pages built with
    ``--publish`` link with the build's own SITEURL, which is rebased onto ``site_url``.
    """

    def __init__(self, site_url: str, build_prefix: str):
        self.site_url = site_url
        self.prefix = build_prefix  # "" for a development build

    def absolute(self, url: str, base: str) -> str:
        url = url.strip()
        if not url:
            return base
        if self.prefix and (url == self.prefix or url.startswith(tuple(self.prefix + c for c in "/?#"))):
            return self.site_url + url[len(self.prefix) :] if url != self.prefix else self.site_url + "/"
        if urlsplit(url).scheme:  # https:, mailto:, tel:, data:
            return url
        if url.startswith("//"):
            return urljoin(self.site_url, url)
        if url.startswith("/"):  # relative to the root of the site, which may live under a path
            return self.site_url + url
        return urljoin(base, url)  # relative, "?query" or "#fragment"

    def absolute_srcset(self, value: str, base: str) -> str:
        candidates = []
        for candidate in value.split(","):
            parts = candidate.split()
            if parts:
                candidates.append(" ".join([self.absolute(parts[0], base), *parts[1:]]))
        return ", ".join(candidates)


URL_ATTRIBUTES = ("href", "src", "poster", "background", "cite", "action")
DROPPED_TAGS = ("script", "style", "link", "meta", "noscript", "template", "form", "input", "button", "select", "textarea")
EMBEDDED_TAGS = ("iframe", "video", "audio", "object", "embed")
DROPPED_ATTRIBUTES = ("id", "class", "tabindex", "aria-labelledby", "aria-describedby", "aria-controls", "contenteditable")
KEPT_CLASSES = {"meta"}  # classes of the page that the email's stylesheet styles


def _clean(node: Tag, links: _Links, base: str, *, demote: int = 0) -> Tag:
    """A copy of ``node`` fit for an email: absolute links, alt on images, no scripts or ids."""
    node = copy.copy(node)
    soup = BeautifulSoup("", "html.parser")
    for comment in node.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in node.find_all(DROPPED_TAGS):
        tag.decompose()
    for tag in node.find_all(EMBEDDED_TAGS):  # mail clients do not play them: link to them instead
        inner_source = tag.find("source", src=True)
        source = tag.get("src") or tag.get("data") or (inner_source["src"] if inner_source else None)
        if source:
            link = soup.new_tag("a", href=source)
            link.string = tag.get("title") or source
            tag.replace_with(link)
        else:
            tag.decompose()
    for tag in node.find_all("time"):
        tag.unwrap()
    for tag in [node, *node.find_all(True)]:
        classes = [c for c in tag.get("class", []) if c in KEPT_CLASSES]
        for attribute in list(tag.attrs):
            if attribute in DROPPED_ATTRIBUTES or attribute.startswith("on"):
                del tag[attribute]
        if classes:
            tag["class"] = classes
        for attribute in URL_ATTRIBUTES:
            if tag.has_attr(attribute):
                tag[attribute] = links.absolute(tag[attribute], base)
        if tag.has_attr("srcset"):
            tag["srcset"] = links.absolute_srcset(tag["srcset"], base)
        if tag.name == "img" and not tag.has_attr("alt"):
            tag["alt"] = ""
        if demote and re.fullmatch(r"h[1-6]", tag.name or ""):
            tag.name = f"h{min(6, int(tag.name[1]) + demote)}"
    return node


def _shown(path: Path) -> str:
    """A path as the editor would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(node: Tag | None) -> str:
    return re.sub(r"[ \t\n\r\f\v]+", " ", node.get_text()).strip() if node is not None else ""


def issue_pages(model: Editions | None = None) -> dict[str, str]:
    """{lang: where the build writes the issue page of {date}}, the source language first."""
    model = model or editions({})
    return {edition.lang: edition.save_as("issue", slug="{date}") for edition in model.editions}


def _check_arguments(date: str, lang: str, site_url: str | None, pages: dict[str, str]) -> str:
    if not isinstance(date, str) or not DATE_RE.fullmatch(date):
        raise EmailError(f"{date!r}: not a date; expected YYYY-MM-DD, e.g. 2023-11-20")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise EmailError(f"{date!r}: no such day; expected YYYY-MM-DD, e.g. 2023-11-20") from None
    if lang not in pages:
        raise EmailError(f"{lang!r}: unknown language; expected one of {', '.join(pages)}")
    if not isinstance(site_url, str) or not SITE_URL_RE.fullmatch(site_url.strip().rstrip("/") or "-"):
        raise EmailError(f"{site_url!r}: the site URL must be the site's absolute address, e.g. https://cafetech.github.io")
    return site_url.strip().rstrip("/")


def _missing_issue_page(output: Path, date: str, lang: str, pages: dict[str, str]) -> str:
    """Why the issue page of ``date`` in ``lang`` is missing: no build of that issue, or no such edition."""
    path = output / pages[lang].format(date=date)
    others = [output / page.format(date=date) for other, page in pages.items() if other != lang]
    built = next((other for other in others if other.is_file()), None)
    if built is None:
        return f"{_shown(path)}: no such issue page; build the site first (invoke build) or check the date"
    if lang == next(iter(pages)):  # the newsletter's own language: every built issue has it
        return f"{_shown(path)} does not exist though {_shown(built)} does; rebuild the site (invoke build)"
    name = Locale.parse(lang).english_name
    return f"{_shown(path)} does not exist: issue {date} has no {name} edition yet (no article translated)"


def read_issue(output_dir: str | os.PathLike, date: str, lang: str, site_url: str, model: Editions | None = None) -> Issue:
    """The issue of ``date`` in ``lang`` as the built site shows it, with absolute links."""
    pages = issue_pages(model)
    site_url = _check_arguments(date, lang, site_url, pages)
    output = Path(output_dir)
    relative = pages[lang].format(date=date)
    path = output / relative
    if not path.is_file():
        raise EmailError(_missing_issue_page(output, date, lang, pages))
    page = _read(path)
    stylesheet = page.find("link", rel="stylesheet", href=lambda h: h and h.endswith(STYLESHEET_PATH))
    links = _Links(site_url, stylesheet["href"][: -len(STYLESHEET_PATH)] if stylesheet else "")
    url = f"{site_url}/{relative.removesuffix('index.html')}"

    article = page.select_one("article.issue")
    title = article.find("h1") if article else None
    listing = article.select_one("ol.sections") if article else None
    if title is None or listing is None:
        raise EmailError(f"{_shown(path)}: not an issue page (no h1 or ol.sections); rebuild the site (invoke build)")

    site_name = page.select_one(".site-name")
    footer = page.select_one(".site-footer p")
    found = {name: article.select_one(selector) for name, selector in
             (("subtitle", "p.subtitle"), ("kicker", "p.kicker"), ("introduction", ".introduction"), ("credits", "p.credits"))}
    support = article.select_one(".support a[href]")
    sections = []
    for item in listing.find_all("li", recursive=False):
        heading_link = item.select_one("h1 a[href], h2 a[href], h3 a[href], h4 a[href]") or item.find("a", href=True)
        if heading_link is not None:
            sections.append(_read_section(output, path, links.absolute(heading_link["href"], url), links, site_url))
    return Issue(
        lang=lang,
        url=url,
        home_url=links.absolute(site_name["href"], url) if site_name and site_name.get("href") else f"{site_url}/",
        site_name=_text(site_name) or "Cafétech",
        tagline=_text(footer),
        page_title=_text(page.title) or _text(title),
        title=_clean(title, links, url),
        subtitle=_clean(found["subtitle"], links, url) if found["subtitle"] else None,
        kicker=_clean(found["kicker"], links, url) if found["kicker"] else None,
        introduction=_clean(found["introduction"], links, url) if found["introduction"] else None,
        credits=_clean(found["credits"], links, url) if found["credits"] else None,
        support=(_text(support), links.absolute(support["href"], url)) if support is not None else None,
        sections=sections,
    )


def _read_photo(article: Tag, links: _Links, url: str) -> Photo | None:
    """The page's lead photo (figure.photo): its <img>'s src (the JPEG), alt and ratio, and its caption."""
    image = article.select_one("figure.photo img[src]")
    if image is None:
        return None
    try:
        width, height = int(image.get("width", 0)), int(image.get("height", 0))
    except ValueError:
        width = height = 0
    shown = min(PHOTO_WIDTH, width) if width > 0 else PHOTO_WIDTH
    caption = article.select_one("figure.photo figcaption")
    return Photo(
        src=links.absolute(image["src"], url),
        alt=image.get("alt", ""),
        width=shown,
        height=round(shown * height / width) if width > 0 and height > 0 else 0,
        caption=_text(caption),
    )


def _read_section(output: Path, issue_path: Path, url: str, links: _Links, site_url: str) -> Section:
    url = url.split("#", 1)[0]
    if not url.startswith(site_url + "/"):
        raise EmailError(f"{_shown(issue_path)}: the section {url} is not a page of the site")
    relative = unquote(urlsplit(url[len(site_url) + 1 :]).path)
    path = output / relative
    if relative == "" or relative.endswith("/") or path.is_dir():
        path = path / "index.html"
    if not path.resolve().is_relative_to(output.resolve()) or not path.is_file():
        raise EmailError(f"{_shown(path)}: no such section page (linked from {_shown(issue_path)}); rebuild the site (invoke build)")
    page = _read(path)
    article = page.select_one("article.section") or page
    title, content = article.find("h1"), article.select_one(".content")
    if title is None or content is None:
        raise EmailError(f"{_shown(path)}: not a section page (no h1 or .content); rebuild the site (invoke build)")
    if (lede := article.select_one(".lede")) is not None:  # the page sets it apart above the photo
        content = copy.copy(content)
        for child in reversed(copy.copy(lede).contents):
            content.insert(0, child)
    further = article.select_one(".further-reading")
    further_heading = further.find(re.compile(r"h[1-6]")) if further else None
    html_tag = page.find("html")
    return Section(
        url=url,
        lang=(html_tag.get("lang") if html_tag else None) or "",
        title=_clean(title, links, url),
        notice=_clean(notice, links, url) if (notice := article.select_one(".notice")) else None,
        content=_clean(content, links, url, demote=1),
        further_heading=_text(further_heading),
        further_items=[_clean(li, links, url) for li in further.select("ul > li, ol > li")] if further else [],
        photo=_read_photo(article, links, url),
    )


# --- the HTML part -----------------------------------------------------------------------

# The site's face by name, for a reader who has it; else Georgia, the serif of nearly every mail client.
FONT = "Literata, Georgia, Cambria, 'Times New Roman', serif"
TEXT, MUTED, ACCENT, RULE, PAPER, BACKGROUND = "#1d1b19", "#5a544e", "#8a3b12", "#e4ddd3", "#fffdf9", "#f4efe8"

STYLESHEET = f"""
body {{ margin: 0; padding: 0; width: 100%; background-color: {BACKGROUND}; color: {TEXT};
  font-family: {FONT}; font-size: 16px; line-height: 1.6; -webkit-text-size-adjust: 100%; }}
table {{ border-collapse: collapse; }}
p {{ margin: 0 0 16px; }}
a {{ color: {ACCENT}; text-decoration: underline; }}
img {{ max-width: 100%; height: auto; border: 0; }}
ul, ol {{ margin: 0 0 16px; padding-left: 24px; }}
li {{ margin: 0 0 6px; }}
blockquote {{ margin: 0 0 16px; padding-left: 16px; border-left: 3px solid {RULE}; color: {MUTED}; }}
pre {{ white-space: pre-wrap; background-color: {BACKGROUND}; padding: 12px; font-size: 14px; }}
code, kbd, pre {{ font-family: Menlo, Consolas, 'Liberation Mono', monospace; }}
hr {{ border: 0; border-top: 1px solid {RULE}; margin: 24px 0; }}
sup {{ line-height: 0; }}
.outer {{ width: 100%; background-color: {BACKGROUND}; }}
.outer-cell {{ padding: 24px 8px; }}
.container {{ width: 100%; max-width: 600px; margin: 0 auto; background-color: {PAPER}; border: 1px solid {RULE}; }}
.masthead {{ padding: 20px 32px 16px; border-bottom: 1px solid {RULE}; }}
.site-name {{ font-size: 20px; font-weight: 700; color: {TEXT}; text-decoration: none; }}
.header {{ padding: 24px 32px 8px; }}
.title {{ font-size: 28px; line-height: 1.25; font-weight: 700; margin: 0 0 12px; color: {TEXT}; }}
.subtitle {{ font-size: 18px; line-height: 1.4; color: {MUTED}; margin: 0 0 8px; }}
.date {{ font-size: 14px; color: {MUTED}; margin: 0; }}
.introduction-cell {{ padding: 8px 32px 8px; }}
.introduction {{ border-left: 3px solid {ACCENT}; padding-left: 16px; font-style: italic; }}
.support {{ margin: 0 0 8px; padding-left: 19px; }}
.support-link {{ font-weight: 700; color: {ACCENT}; }}
.section {{ padding: 24px 32px 8px; border-top: 1px solid {RULE}; }}
.section-title {{ font-size: 24px; line-height: 1.25; font-weight: 700; margin: 0 0 16px; }}
.section-link {{ color: {TEXT}; text-decoration: none; }}
.notice {{ border: 1px solid {RULE}; border-left: 3px solid {ACCENT}; padding: 8px 16px; }}
.photo {{ margin: 0 0 16px; }}
.photo-image {{ display: block; width: 100%; max-width: {PHOTO_WIDTH}px; height: auto; border: 0; }}
.photo-caption {{ font-size: 13px; color: {MUTED}; margin: 4px 0 0; }}
.content {{ font-size: 16px; }}
.content h2, .content h3, .content h4, .content h5, .content h6 {{ line-height: 1.3;
  color: {TEXT}; margin: 24px 0 8px; }}
.content h3 {{ font-size: 19px; }}
.content h4, .content h5, .content h6 {{ font-size: 17px; }}
.further-reading {{ border-top: 1px solid {RULE}; margin: 16px 0 0; padding: 8px 0 0; }}
.further-reading-title {{ font-size: 16px; line-height: 1.3; margin: 8px 0; color: {TEXT}; }}
.further-reading-list {{ margin: 0 0 16px; padding-left: 24px; }}
.meta {{ color: {MUTED}; font-size: 14px; }}
.credits-cell {{ padding: 8px 32px 8px; border-top: 1px solid {RULE}; }}
.credits {{ font-size: 14px; color: {MUTED}; margin: 8px 0; }}
.footer {{ padding: 16px 32px 24px; border-top: 1px solid {RULE}; font-size: 14px; color: {MUTED}; text-align: center; }}
.footer-line {{ margin: 0 0 8px; }}
.read-online {{ font-weight: 700; color: {ACCENT}; }}
.home-link {{ color: {MUTED}; }}
"""


def _inner(node: Tag | None) -> str:
    return node.decode_contents().strip() if node is not None else ""


def _photo_html(photo: Photo) -> str:
    """A photo for mail clients: one plain <img> (no <picture>, no srcset), its width in the attribute
    (Outlook reads no CSS width) and in the style, its alt text for clients that block images."""
    esc = html.escape
    size = f' width="{photo.width}"' + (f' height="{photo.height}"' if photo.height else "")
    caption = f'<p class="photo-caption">{esc(photo.caption)}</p>' if photo.caption else ""
    return f'<div class="photo"><img class="photo-image" src="{esc(photo.src)}" alt="{esc(photo.alt)}"{size}>{caption}</div>'


def render_html(issue: Issue) -> str:
    """The HTML part: a self-contained document, its stylesheet inlined into style attributes."""
    esc = html.escape
    read_online = LABELS[issue.lang]["read_online"]
    rows = [
        f'<tr><td class="masthead"><a class="site-name" href="{esc(issue.home_url)}">{esc(issue.site_name)}</a></td></tr>',
        '<tr><td class="header">'
        f'<h1 class="title">{_inner(issue.title)}</h1>'
        + (f'<p class="subtitle">{_inner(issue.subtitle)}</p>' if issue.subtitle else "")
        + (f'<p class="date">{_inner(issue.kicker)}</p>' if issue.kicker else "")
        + "</td></tr>",
    ]
    # The introduction asks for support: the link follows it.
    introduction = f'<div class="introduction">{_inner(issue.introduction)}</div>' if issue.introduction is not None else ""
    if issue.support is not None:
        introduction += f'<p class="support"><a class="support-link" href="{esc(issue.support[1])}">{esc(issue.support[0])}</a></p>'
    if introduction:
        rows.append(f'<tr><td class="introduction-cell">{introduction}</td></tr>')
    for section in issue.sections:
        lang = f' lang="{esc(section.lang)}"' if section.lang and section.lang != issue.lang else ""
        parts = [
            f'<h2 class="section-title"><a class="section-link" href="{esc(section.url)}">{_inner(section.title)}</a></h2>'
        ]
        if section.photo is not None:
            parts.append(_photo_html(section.photo))
        if section.notice is not None:
            parts.append(f'<p class="notice">{_inner(section.notice)}</p>')
        parts.append(f'<div class="content">{_inner(section.content)}</div>')
        if section.further_items:
            items = "".join(f"<li>{_inner(item)}</li>" for item in section.further_items)
            parts.append(
                f'<div class="further-reading"><h3 class="further-reading-title">{esc(section.further_heading)}</h3>'
                f'<ul class="further-reading-list">{items}</ul></div>'
            )
        rows.append(f'<tr><td class="section"{lang}>{"".join(parts)}</td></tr>')
    if issue.credits is not None:
        rows.append(f'<tr><td class="credits-cell"><p class="credits">{_inner(issue.credits)}</p></td></tr>')
    name = esc(issue.site_name)
    tagline = esc(issue.tagline) if issue.tagline else name
    home = f'<a class="home-link" href="{esc(issue.home_url)}">{name}</a>'
    tagline = home + tagline[len(name) :] if tagline.startswith(name) else f"{home} — {tagline}"
    rows.append(
        '<tr><td class="footer">'
        f'<p class="footer-line"><a class="read-online" href="{esc(issue.url)}">{esc(read_online)}</a></p>'
        f'<p class="footer-line">{tagline}</p>'
        "</td></tr>"
    )
    document = f"""<!DOCTYPE html>
<html lang="{esc(issue.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>{esc(issue.page_title)}</title>
<style>{STYLESHEET}</style>
</head>
<body>
<table role="presentation" class="outer" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><td class="outer-cell" align="center">
<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" class="container" width="100%" cellpadding="0" cellspacing="0" border="0">
{chr(10).join(rows)}
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
"""
    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    inlined = inliner.inline(document)
    # The inliner writes U+00A0 as &nbsp; (and only that one): keep the page's characters as they are.
    return inlined.replace("&nbsp;", "\u00a0")


# --- the text part -------------------------------------------------------------------------

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII white space only: no-break spaces are kept
BREAK = "\x00"


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    wrapper = textwrap.TextWrapper(
        width=WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,  # a URL stays whole, on a line of its own
        break_on_hyphens=False,
    )
    lines: list[str] = []
    for i, part in enumerate(text.split(BREAK)):
        part = part.strip(" ")
        if part:
            lines.extend(wrapper.wrap(part))
            wrapper.initial_indent = indent
        elif i:
            lines.append(indent.rstrip())
    return lines


def _inline(node) -> str:
    """The text of an inline run, links as ``text <url>``, images as their alt text."""
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return SPACES.sub(" ", str(node))
    if not isinstance(node, Tag):
        return ""
    if node.name == "br":
        return BREAK
    if node.name == "img":
        alt = SPACES.sub(" ", node.get("alt", "")).strip()
        return f"[{alt}]" if alt else ""
    text = "".join(_inline(child) for child in node.children)
    if node.name == "a" and node.get("href"):
        href = node["href"]
        label = SPACES.sub(" ", text).strip()
        if not label or label in (href, href.removeprefix("mailto:")):
            return f"<{href}>"
        return f"{text} <{href}>"
    return text


def _blocks(node: Tag, indent: str = "") -> list[list[str]]:
    """The blocks of ``node``, each a list of lines; paragraphs wrapped at WIDTH columns."""
    blocks: list[list[str]] = []
    run: list = []

    def flush():
        text = SPACES.sub(" ", "".join(_inline(child) for child in run)).strip()
        run.clear()
        if text.strip(BREAK + " "):
            blocks.append(_wrap(text, indent))

    for child in node.children:
        if isinstance(child, Tag) and child.name in BLOCK_TAGS:
            flush()
            blocks.extend(_block(child, indent))
        else:
            run.append(child)
    flush()
    return blocks


def _block(node: Tag, indent: str) -> list[list[str]]:
    if node.name in ("ul", "ol"):
        lines: list[str] = []
        start = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
        for number, item in enumerate(node.find_all("li", recursive=False), start):
            marker = f"{number}. " if node.name == "ol" else "- "
            inner = _blocks(item, indent + " " * len(marker))
            if inner:
                first = inner[0]
                first[0] = indent + marker + first[0][len(indent) + len(marker) :]
                lines.extend(line for block in inner for line in block)
        return [lines] if lines else []
    if node.name == "blockquote":
        return [["> " + line if line else ">" for line in block] for block in _blocks(node, indent)]
    if node.name == "pre":
        return [[indent + line for line in node.get_text().strip("\n").splitlines()]]
    if node.name == "hr":
        return [[indent + "* * *"]]
    if node.name == "tr":
        cells = [SPACES.sub(" ", "".join(_inline(c) for c in cell.children)).strip() for cell in node.find_all(["td", "th"])]
        return [_wrap(" | ".join(cells), indent)]
    if node.name == "table":
        rows = [line for row in node.find_all("tr") for block in _block(row, indent) for line in block]
        return [rows] if rows else []
    return _blocks(node, indent)


def _heading(text: str, rule: str) -> list[str]:
    lines = _wrap(text)
    return [*lines, rule * max(len(line) for line in lines)] if lines else []


def render_text(issue: Issue) -> str:
    """The plain-text part: the same content as the HTML part."""
    labels = LABELS[issue.lang]
    blocks: list[list[str]] = [_heading(_text(issue.title), "=")]
    header = []
    for node in (issue.subtitle, issue.kicker):
        if node is not None:
            header.extend(_wrap(SPACES.sub(" ", _inline(node)).strip()))
    if header:
        blocks[0].extend(header)
    if issue.introduction is not None:
        blocks.extend(_blocks(issue.introduction))
    if issue.support is not None:
        blocks.append(_wrap(f"{issue.support[0]}{labels['colon']} <{issue.support[1]}>"))
    for section in issue.sections:
        blocks.append([""])  # two blank lines before a section
        blocks.append([*_heading(_text(section.title), "-"), f"<{section.url}>"])
        if section.photo is not None and (section.photo.alt or section.photo.caption):
            blocks.append(_wrap(" ".join(filter(None, (f"[{section.photo.alt}]" if section.photo.alt else "", section.photo.caption)))))
        if section.notice is not None:
            blocks.extend(_blocks(section.notice))
        blocks.extend(_blocks(section.content))
        if section.further_items:
            items = []
            for item in section.further_items:
                for n, block in enumerate(_blocks(item, "  ")):
                    if n == 0 and block:
                        block[0] = "- " + block[0][2:]
                    items.extend(block)
            blocks.append([section.further_heading, *items])
    if issue.credits is not None:
        blocks.append([""])
        blocks.extend(_blocks(issue.credits))
    blocks.append(["---", f"{labels['read_online']}{labels['colon']} <{issue.url}>", *_wrap(issue.tagline or issue.site_name), f"<{issue.home_url}>"])
    text = "\n\n".join("\n".join(block) for block in blocks if block)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


# --- the API -------------------------------------------------------------------------------


def build_email(
    output_dir: str | os.PathLike, date: str, lang: str = "fr", site_url: str | None = None, model: Editions | None = None
) -> tuple[str, str]:
    """The email edition of the issue of ``date`` in ``lang``, as ``(html, text)``.

    Made from the site built into ``output_dir``; every address is made absolute against
    ``site_url`` (the public address of the site, e.g. ``https://cafetech.github.io``).
    Raises EmailError (one line) for a bad date or language, or an issue page that is missing.
    """
    issue = read_issue(output_dir, date, lang, site_url, model)
    return render_html(issue), render_text(issue)


def email_paths(folder: str | os.PathLike, date: str, lang: str) -> tuple[Path, Path]:
    folder = Path(folder)
    return folder / f"{date}.{lang}.html", folder / f"{date}.{lang}.txt"


def write_email(
    output_dir: str | os.PathLike,
    date: str,
    lang: str = "fr",
    site_url: str | None = None,
    model: Editions | None = None,
    *,
    folder: str | os.PathLike,
) -> tuple[Path, Path]:
    """Write ``<date>.<lang>.html`` and ``.txt`` into ``folder``, made from the site built in
    ``output_dir``; returns their paths.

    Each file is replaced atomically (a temporary file, then os.replace); nothing is written
    when the email cannot be made.
    """
    html_part, text_part = build_email(output_dir, date, lang, site_url, model)
    html_path, text_path = email_paths(folder, date, lang)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(html_path, html_part)
    write_atomically(text_path, text_part)
    return html_path, text_path
