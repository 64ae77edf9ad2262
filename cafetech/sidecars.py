"""Translation sidecars: the gettext catalog (``<article>.<lang>.po``) beside each French source file."""

# A source file (an article, or an issue's issue.md) is cut into blocks: its translatable
# metadata (title, summary, subtitle, credits, each further-reading item) and the blocks of its
# Markdown body (headings, paragraphs, list items). Each text is one catalog entry keyed by
# (msgctxt = the kind of its first block, msgid = its exact Markdown source), so an entry keeps
# its translation when its block moves, and a text written twice (a lede that is also the
# summary) is translated once. Code, raw HTML, tables, rules and link definitions are not
# translated. update_sidecar merges as msgmerge does and rewrites only the entries that changed;
# translate builds the other-language document. A translation once publishable is stamped
# (X-Published) and stays published through French edits: its changed blocks are stale (fuzzy,
# showing their previous translation) until a translator updates them. An update may let the
# translation memory (translation_memory.py) fill empty entries; a fuzzy entry with its note
# ('#. from …') is a suggestion nobody reviewed: never published, counted untranslated.

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser, escape, normalize, unescape, write_po
from markdown import Markdown

from cafetech.files import write_atomically

CONTEXTS = ("title", "summary", "subtitle", "credits", "further_reading", "image_alt", "image_credit", "heading", "paragraph", "list_item")
"""The kinds of block, which are also the msgctxt of their entries."""
METADATA_KINDS = CONTEXTS[:7]  # each is also the (lower-cased) metadata key it comes from
PROJECT = "Cafétech"
WIDTH = 76
HEADER_COMMENT = """\
# {lang} translation of a text of the {project} newsletter (the file in
# the #: references). Translate each msgstr; msgctxt is the kind of block.
# Keep the links, `code` and *emphasis* of the msgid. A fuzzy entry's
# French changed since it was translated: update it, then drop "fuzzy".
#"""
# The translation memory's notes ('#. from 2023-11-20/issue.en.po'): a fuzzy entry that carries one is a
# suggestion no translator has reviewed yet, so it is never published, not even as a stale translation.
MEMORY_NOTES = ("from ", "other translation, from ")
PUBLISHED = "X-Published"  # header field: the day the translation was first publishable, or "withdrawn"
WITHDRAWN = "withdrawn"
STALE_POLICIES = ("previous", "source")
# The header fields Babel writes itself; any other (X-Published, a tool's X-Generator) is kept as read.
_BABEL_FIELDS = frozenset(
    "project-id-version report-msgid-bugs-to pot-creation-date po-revision-date last-translator language "
    "language-team plural-forms mime-version content-type content-transfer-encoding generated-by".split()
)


class SidecarError(Exception):
    """A sidecar that cannot be read or written: one line, '<file>:<line>: <what is wrong>'."""

    def __init__(self, path: str | os.PathLike, message: str | None = None, line: int | None = None):
        self.path, self.line, self.message = str(path), line, message
        text = str(path) if message is None else f"{path}:{line or 1}: {message}"
        super().__init__(text.replace("\n", " "))


@dataclass(frozen=True)
class Block:
    kind: str
    text: str
    line: int


@dataclass(frozen=True)
class Slot:
    """Where a body block goes: the line ``prefix + text + {attrs}``."""

    block: int  # index in SourceDocument.blocks
    prefix: str  # "## ", "- ", "> ", "    1. " ...
    attrs: str = ""  # a heading's attribute list, without braces: "#id"
    nested: bool = False  # in a quote, list or footnote: a French fallback is a <span>, not a <p>


@dataclass(frozen=True)
class SourceDocument:
    metadata_lines: list[str]
    metadata: dict[str, list[str]]
    body: str
    blocks: tuple[Block, ...]
    body_layout: tuple[str | Slot, ...]  # the body's lines: kept verbatim, or one block each


@dataclass
class UpdateResult:
    path: Path
    created: bool
    changed: bool
    added: int  # new entries, untranslated
    fuzzy: int  # entries that became fuzzy (their block changed)
    obsolete: int  # translated entries whose block disappeared
    filled: int = 0  # empty entries the translation memory translated (exact matches)
    suggested: int = 0  # empty entries it offered a translation to review (fuzzy)


@dataclass(frozen=True)
class Coverage:
    translated: int
    fuzzy: int
    untranslated: int
    stale: int = 0  # of the fuzzy ones: those still carrying the translation of their previous French
    suggested: int = 0  # of the untranslated ones: those the translation memory offers a translation for

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def percent_with_stale(self) -> float:
        return 100.0 * (self.translated + self.stale) / self.total if self.total else 100.0


@dataclass(frozen=True)
class TranslatedDocument:
    metadata: dict[str, str | list[str]]
    body: str
    coverage: Coverage
    fallback_blocks: tuple[Block, ...]  # shown in French
    stale_blocks: tuple[Block, ...] = ()  # whose entry is fuzzy, whatever was shown for them


class SidecarCatalog(Catalog):
    """A Babel catalog that keeps the header fields Babel does not know, such as X-Published."""

    def __init__(self, *args, **kwargs):
        self.extra_headers: dict[str, str] = {}
        super().__init__(*args, **kwargs)

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        headers = super()._get_mime_headers()
        # Before Generated-By: Babel ends the header with that field's value, which carries the last '\n'.
        return [*headers[:-1], *self.extra_headers.items(), headers[-1]]

    def _set_mime_headers(self, headers) -> None:
        headers = list(headers)
        super()._set_mime_headers(headers)
        self.extra_headers = {name: value.strip() for name, value in headers if name.lower() not in _BABEL_FIELDS}

    mime_headers = property(_get_mime_headers, _set_mime_headers)


# --- reading the source (pure) -----------------------------------------------

# The header as Python-Markdown's meta extension (Pelican's Markdown reader) reads it.
_META = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$")
_META_MORE = re.compile(r"^[ ]{4,}(.*)$")
_META_FENCE = re.compile(r"^(-{3}|\.{3})(\s.*)?$")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^(#{1,6})[ \t]*(.*?)[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_ATTR_LIST = re.compile(r"[ \t]*\{(:?[^{}]*)\}$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+(?=\S)")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:[ \t]*(?=\S)")
_DEFINITION = re.compile(r"^ {0,3}(?:\*\[[^\]]+\]:|\[(?!\^)[^\]]+\]:)")  # link reference, abbreviation
_DEF_LIST = re.compile(r"^:[ \t]+\S")
_HTML = re.compile(r"^<(!--|[A-Za-z][\w-]*)")
_CLOSING_TAG = re.compile(r"^</[A-Za-z][\w-]*>\s*$")
_MARKDOWN_ATTR = re.compile(r"""^<[A-Za-z][\w-]*\b[^>]*\bmarkdown=["']?(?:1|block)\b[^>]*>\s*$""")
_BLOCK_TAGS = frozenset(Markdown().block_level_elements)
_VOID_TAGS = frozenset({"hr", "br", "img", "input", "meta", "link", "col", "area", "source", "wbr"})


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _lead(line: str) -> int:
    return len(line) - len(line.lstrip())


def _fold(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines)


def _is_table(header: str, rule: str) -> bool:
    """A table of the tables extension: a header row, then a rule row with as many cells."""
    head, cells = header.strip().strip("|").split("|"), rule.strip().strip("|").split("|")
    return len(head) > 1 and len(cells) == len(head) and "-" in rule and set(rule) <= set("|:- \t")


def parse_source(text: str) -> SourceDocument:
    """Cut a source file into its metadata header, its body and its translatable blocks."""
    lines = text.split("\n")
    header: list[str] = []
    metadata: dict[str, list[str]] = {}
    numbers: dict[str, list[int]] = {}
    key, index = None, 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or (_META_FENCE.match(line) and header):
            index += 1  # the blank line (or end fence) closing the header is not part of the body
            break
        if index == 0 and _META_FENCE.match(line):
            pass  # an opening '---'
        elif match := _META.match(line):
            key = match[1].lower()
            metadata.setdefault(key, []).append(match[2].strip())
            numbers.setdefault(key, []).append(index + 1)
        elif key and (match := _META_MORE.match(line)):
            metadata[key].append(match[1].strip())
            numbers[key].append(index + 1)
        else:
            break  # not metadata: the body starts here
        header.append(line)
        index += 1
    if not metadata:
        header, index = [], 0
    blocks: list[Block] = []
    for kind in METADATA_KINDS:
        values = list(zip(metadata.get(kind, []), numbers.get(kind, [])))
        if kind != "further_reading" and values:  # one value, possibly on several lines
            values = [(_fold([value for value, _ in values]), values[0][1])]
        blocks.extend(Block(kind, value, line) for value, line in values if value)
    layout: list[str | Slot] = []
    _parse_blocks([(n, line, line) for n, line in enumerate(lines[index:], index + 1)], blocks, layout, False)
    return SourceDocument(header, metadata, "\n".join(lines[index:]), tuple(blocks), tuple(layout))


def _parse_blocks(entries: list[tuple[int, str, str]], blocks: list, layout: list, nested: bool) -> None:
    """Add the blocks and layout of ``entries``: (line number, raw line, line without quote markers).

    This follows Python-Markdown (the site's renderer) where it differs from CommonMark: a
    list needs a blank line before it, '#title' is a heading, a setext title is one line.
    """
    i, in_list = 0, False

    def content(k):
        return entries[k][2] if k < len(entries) else ""

    def verbatim(start, stop):
        layout.extend(raw for _, raw, _ in entries[start:stop])
        return stop

    def slot(kind, start, stop, marker_end, attrs="", inner=False, text=None):
        number, raw, line = entries[start]
        if text is None:
            text = _fold([line[marker_end:]] + [c for _, _, c in entries[start + 1 : stop]])
        layout.append(Slot(len(blocks), raw[: len(raw) - len(line) + marker_end], attrs, nested or inner))
        blocks.append(Block(kind, text, number))
        return stop

    def heading(start, marker_end, text):
        text = _CLOSING_HASHES.sub("", text).rstrip()
        attrs = _ATTR_LIST.search(text)
        title = text[: attrs.start()] if attrs else text
        if not title:
            return verbatim(start, start + 1)
        return slot("heading", start, start + 1, marker_end, attrs[1] if attrs else "", text=title)

    def interrupts(line):  # what ends a paragraph or a list item without a blank line
        return bool(
            line.startswith("#") or _FENCE.match(line) or _HR.match(line) or _QUOTE.match(line)
            or _DEFINITION.match(line) or _FOOTNOTE.match(line)
        )  # fmt: skip

    def end(j, stop_at_item=True):
        while j < len(entries) and content(j).strip():
            if stop_at_item and (_ITEM.match(content(j)) or interrupts(content(j))):
                break
            j += 1
        return j

    while i < len(entries):
        line = content(i)
        width = _indent(line)
        if line.strip() and width < 4 and not _ITEM.match(line):
            in_list = False  # any other block ends a list
        if not line.strip():
            i = verbatim(i, i + 1)
        elif fence := _FENCE.match(line):
            close = re.compile(rf"^ {{0,3}}{fence[1][0]}{{{len(fence[1])},}}[ \t]*$")
            j = next((k for k in range(i + 1, len(entries)) if close.match(content(k))), len(entries) - 1)
            i = verbatim(i, j + 1)
        elif any(_DEF_LIST.match(content(k)) for k in range(i + 1, end(i + 1, False))):
            i = verbatim(i, end(i + 1, False))  # a definition list, or a chunk ending in one
        elif width >= 4 and not (in_list and width < 8):  # indented code
            j, least = i + 1, 8 if in_list else 4
            while j < len(entries) and (not content(j).strip() or _indent(content(j)) >= least):
                j += 1
            i = verbatim(i, j)
        elif width >= 4:  # a paragraph or a sub-item of the list above
            item = _ITEM.match(line)
            kind, marker_end = ("list_item", item.end()) if item else ("paragraph", _lead(line))
            i = slot(kind, i, end(i + 1), marker_end, inner=True)
        elif (html := _HTML.match(line)) and (html[1] == "!--" or html[1].lower() in _BLOCK_TAGS):
            i = verbatim(i, _end_of_html(entries, i, html[1].lower()))
        elif _CLOSING_TAG.match(line) or _DEFINITION.match(line) or _HR.match(line):
            i = verbatim(i, i + 1)
        elif line.startswith("#") and (atx := _ATX.match(line)):
            i = heading(i, atx.start(2), atx[2])
        elif _QUOTE.match(line):
            j = end(i + 1, False)
            inner = [(n, raw, c[m.end() :] if (m := _QUOTE.match(c)) else c) for n, raw, c in entries[i:j]]
            _parse_blocks(inner, blocks, layout, nested=True)
            i = j
        elif marker := _ITEM.match(line) or _FOOTNOTE.match(line):
            in_list = bool(_ITEM.match(line))  # else a footnote, whose text is a paragraph
            i = slot("list_item" if in_list else "paragraph", i, end(i + 1), marker.end(), inner=True)
        elif _is_table(line, content(i + 1)):
            i = verbatim(i, end(i + 1, False))
        elif _SETEXT.match(content(i + 1)):  # "Title" over "=====": only a block's first line can be one
            heading(i, _lead(line), line.strip())
            i = verbatim(i + 1, i + 2)
        else:  # a paragraph, up to a blank line or a block that interrupts it
            j = i + 1
            while j < len(entries) and content(j).strip() and not interrupts(content(j)):
                j += 1
            i = slot("paragraph", i, j, _lead(line))


def _end_of_html(entries, i: int, tag: str) -> int:
    """Where a raw HTML block ends: after its closing tag, at a blank line."""
    if _MARKDOWN_ATTR.match(entries[i][2]):
        return i + 1  # <div markdown="1">: its content is Markdown, translated
    depth, j = 0, i
    while j < len(entries):
        text = entries[j][2]
        if tag == "!--":
            depth = 0 if "-->" in text else 1
        elif tag not in _VOID_TAGS:
            depth += len(re.findall(rf"<{tag}\b(?![^>]*/>)", text, re.I))
            depth -= len(re.findall(rf"</{tag}\s*>", text, re.I))
        j += 1
        if depth <= 0 and (j == len(entries) or not entries[j][2].strip()):
            break
    return j


# --- catalogs (pure) ---------------------------------------------------------


def entry_keys(blocks: tuple[Block, ...]) -> tuple[tuple[str, str], ...]:
    """The (msgctxt, msgid) of each block's entry: a text met earlier in the file shares that block's entry."""
    first_kind: dict[str, str] = {}
    return tuple((first_kind.setdefault(block.text, block.kind), block.text) for block in blocks)


def template_catalog(doc: SourceDocument, source_name: str, lang: str = "en") -> Catalog:
    """The entries of a source file, untranslated: one per text, in the order of the source."""
    version = (doc.metadata.get("issue") or doc.metadata.get("date") or [None])[0]
    catalog = SidecarCatalog(locale=lang, project=PROJECT, version=version, fuzzy=False)
    language = catalog.locale.english_name if catalog.locale else lang
    catalog.header_comment = HEADER_COMMENT.format(lang=language, project=PROJECT)  # no long word: see render
    where = os.path.basename(source_name)
    for block, (context, text) in zip(doc.blocks, entry_keys(doc.blocks)):
        catalog.add(text, "", locations=[(where, block.line)], context=context)  # a repeat adds its location
    return catalog


def _has_string(message: Message | None) -> bool:
    return message is not None and isinstance(message.string, str) and bool(message.string.strip())


def _entry(catalog: Catalog, context: str, text: str) -> Message | None:
    """The entry of a text: its own, or when that has no translation, a translated one of the same text
    under another kind (a sidecar written before a repeated text had one entry)."""
    own = catalog.get(text, context=context)
    if _has_string(own):
        return own
    others = [m for kind in CONTEXTS if kind != context and _has_string(m := catalog.get(text, context=kind))]
    others.sort(key=lambda message: "fuzzy" in message.flags)  # stable: a settled translation first
    return others[0] if others else own


def is_memory_note(comment: str) -> bool:
    return comment.startswith(MEMORY_NOTES)


def is_suggestion(message: Message | None) -> bool:
    """A fuzzy entry the translation memory filled and no translator has reviewed: counted untranslated."""
    return message is not None and "fuzzy" in message.flags and any(map(is_memory_note, message.auto_comments))


def _count(messages) -> Coverage:
    counts = Counter()
    for message in messages:
        if is_suggestion(message):
            counts["untranslated"] += 1
            counts["suggested"] += 1
        elif message is not None and "fuzzy" in message.flags:
            counts["fuzzy"] += 1
            counts["stale"] += _has_string(message)
        else:
            counts["translated" if _has_string(message) else "untranslated"] += 1
    return Coverage(counts["translated"], counts["fuzzy"], counts["untranslated"], counts["stale"], counts["suggested"])


def coverage(doc: SourceDocument, catalog: Catalog) -> Coverage:
    """How many of the source's texts are translated, fuzzy (stale: with a translation), or not translated."""
    return _count(_entry(catalog, context, text) for context, text in dict.fromkeys(entry_keys(doc.blocks)))


def catalog_coverage(catalog: Catalog) -> Coverage:
    """How many of a catalog's own entries (not the obsolete ones) are translated, fuzzy or not translated."""
    return _count(message for message in catalog if message.id)


def publication_state(catalog: Catalog) -> str:
    """'new' (never publishable yet), 'published' (X-Published: <day>) or 'withdrawn' (by the editor)."""
    value = _published_field(catalog)
    return "new" if not value else WITHDRAWN if value.lower() == WITHDRAWN else "published"


def should_publish(coverage: Coverage, state: str, min_coverage: float) -> bool:
    """Whether the translation gets a page: once published, a French edit never takes it away."""
    if state not in ("new", "published", WITHDRAWN):
        raise ValueError(f"state must be 'new', 'published' or 'withdrawn', not {state!r}")
    return state == "published" or (state == "new" and coverage.percent >= min_coverage)


def _published_field(catalog: Catalog) -> str | None:
    extra = getattr(catalog, "extra_headers", {})  # a plain Babel catalog (a template) has none
    return next((value for name, value in extra.items() if name.lower() == PUBLISHED.lower()), None)


def _translation(message: Message | None, block: Block, stale: str) -> str | None:
    """The translation to publish for a block (None: French): not empty, not unsafe; on one line.

    A fuzzy entry's translation is that of the previous French: published only with stale="previous";
    a translation memory's suggestion, never.
    """
    if not _has_string(message) or ("fuzzy" in message.flags and stale != "previous") or is_suggestion(message):
        return None
    text = re.sub(r"\s*\n\s*", " ", message.string).strip()
    return None if _unsafe(block.text, text) else text


_BLOCK_MARKER = re.compile(r"^(?:[#>]|[-*+](?=\s)|\d+\.(?=\s))")


def translate(
    doc: SourceDocument, catalog: Catalog, stale: str = "previous", *, fallback: str = "source"
) -> TranslatedDocument:
    """The document in the catalog's language; a block without a translation to publish stays French.

    ``stale`` is what a fuzzy block with a translation shows: "previous" (that translation, written for
    the French before its last edit) or "source" (the French).
    """
    if fallback != "source":
        raise ValueError(f"fallback must be 'source' (the French text, marked lang=\"fr\"), not {fallback!r}")
    if stale not in STALE_POLICIES:
        raise ValueError(f"stale must be one of {', '.join(map(repr, STALE_POLICIES))}, not {stale!r}")
    entries = [_entry(catalog, context, text) for context, text in entry_keys(doc.blocks)]
    texts = [_translation(message, block, stale) for message, block in zip(entries, doc.blocks)]
    by_key = {(block.kind, block.text): text for block, text in zip(doc.blocks, texts)}
    metadata: dict[str, str | list[str]] = {}
    for key, values in doc.metadata.items():
        if key == "further_reading":
            metadata[key] = [by_key.get((key, value)) or value for value in values]
        elif key in METADATA_KINDS:
            metadata[key] = by_key.get((key, _fold(values))) or _fold(values)
        else:
            metadata[key] = values[0] if len(values) == 1 else list(values)
    metadata["lang"] = str(catalog.locale_identifier or "en")
    lines = []
    for item in doc.body_layout:
        if isinstance(item, str):
            lines.append(item)
            continue
        block, text, attrs = doc.blocks[item.block], texts[item.block], item.attrs
        if text is not None and block.kind != "heading" and (marker := _BLOCK_MARKER.match(text)):
            cut = marker.end() - 1  # "1984. A year" must stay a paragraph: "1984\. A year"
            text = text[:cut] + "\\" + text[cut:]
        elif text is None and block.kind == "heading":
            text, attrs = block.text, f"{attrs} lang=fr".strip()
        elif text is None and (item.nested or block.kind == "list_item"):
            text = f'<span lang="fr">{block.text}</span>'
        elif text is None:
            text = f'<p lang="fr" markdown="1">{block.text}</p>'
        lines.append(item.prefix + text + (f" {{{attrs}}}" if attrs else ""))
    fallbacks = tuple(block for block, text in zip(doc.blocks, texts) if text is None)
    stale_blocks = tuple(
        block for block, m in zip(doc.blocks, entries) if m is not None and "fuzzy" in m.flags and not is_suggestion(m)
    )
    return TranslatedDocument(metadata, "\n".join(lines), coverage(doc, catalog), fallbacks, stale_blocks)


# --- the markup a translation must keep (pure) -------------------------------

_INLINE_TOKEN = re.compile(r"\\.|(`+)(.+?)(?<!`)\1(?!`)", re.S)  # an escaped character, a code span
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE = re.compile(r"\]\[([^\]]*)\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>", re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"\*|(?<!\w)_|_(?!\w)")
_SCRIPT_URL = re.compile(r"(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I)
_MARKUP_CHARACTERS = frozenset("[]`*_<\\")  # one of them starts every piece of markup that markup() finds
_ASPECTS = {"links": "links", "code": "inline code", "emphasis": "emphasis markers (* _)", "tags": "HTML tags"}


def markup(text: str) -> dict[str, Counter]:
    """The links, inline code, emphasis markers and HTML tags of a block's Markdown."""
    code = Counter(match[2] for match in _INLINE_TOKEN.finditer(text) if match[1])
    rest = _INLINE_TOKEN.sub(" ", text)
    links = Counter(_LINK.findall(rest) + _AUTOLINK.findall(rest) + _REFERENCE.findall(rest))
    tags = Counter(f"<{slash}{name.lower()}>" for slash, name in _TAG.findall(rest))
    plain = _TAG.sub(" ", _AUTOLINK.sub(" ", _LINK.sub("](", rest)))
    emphasis = Counter(markers=len(_EMPHASIS.findall(plain)))
    return {"links": links, "code": code, "emphasis": emphasis, "tags": tags}


def _unsafe(source: str, translation: str) -> bool:
    """Not to be published: a script URL, or an HTML tag or data: link that the source does not have."""
    if "<" not in translation and ":" not in translation:
        return False  # no tag, no javascript: or data: URL: most prose (a tenth of reading a sidecar)
    return _unsafe_markup(source, translation)


def _unsafe_markup(source: str, translation: str) -> bool:
    """_unsafe, checked on the markup of both texts."""
    found, allowed = markup(translation), markup(source)
    new_links = found["links"] - allowed["links"]
    return bool(_SCRIPT_URL.search(translation) or found["tags"] - allowed["tags"]) or any(
        url.lower().startswith("data:") for url in new_links
    )


def markup_problems(source: str, translation: str) -> list[str]:
    """What a translation changes in the markup of its source, one phrase each (none: it is faithful)."""
    if ":" not in translation and _MARKUP_CHARACTERS.isdisjoint(source) and _MARKUP_CHARACTERS.isdisjoint(translation):
        return []  # no link, code, emphasis or tag on either side: most prose (the memory checks every entry)
    problems = ["contains a javascript: URL"] if _SCRIPT_URL.search(translation) else []
    want, got = markup(source), markup(translation)
    for aspect, name in _ASPECTS.items():
        missing, extra = want[aspect] - got[aspect], got[aspect] - want[aspect]
        if aspect == "emphasis" and (missing or extra):
            counts = f"{want[aspect]['markers']} in the source, {got[aspect]['markers']} here"
            problems.append(f"changes the {name}: {counts}")
        elif missing or extra:
            changes = (("drops", missing), ("adds", extra))
            detail = "; ".join(f"{verb} {', '.join(sorted(part.elements()))}" for verb, part in changes if part)
            problems.append(f"changes the {name}: {detail}")
    return problems


# --- sidecar files -----------------------------------------------------------

_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"$')
_PO_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_FORMAT_FLAGS = {"python-format", "python-brace-format"}  # Babel's guesses, wrong for prose ("10 % des")


def sidecar_path(source_path: str | os.PathLike, lang: str = "en") -> Path:
    """'01-titre.md' -> '01-titre.en.po'."""
    return Path(source_path).with_suffix(f".{lang}.po")


def _parse_po(data: bytes, path) -> Catalog:
    """Babel's reading of a PO file, refusing what Babel lets through and taking back the '#|' lines."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SidecarError(path, "not UTF-8; save the catalog as UTF-8", line) from None
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):  # Babel reads `msgstr "abc` and `"a" b` without a word
        line = line.strip()
        string = line[2:].strip() if line.startswith("#~") else "" if line.startswith("#") else line
        if string and not string.startswith("|") and not _PO_LINE.match(string):
            raise SidecarError(path, f"malformed line (a quote missing? a wrong keyword?): {line[:60]!r}", number)
    # msgmerge's '#~|' (the previous msgid of an obsolete entry) stops Babel: it is not needed.
    lines = ["" if line.strip().startswith("#~|") else line for line in lines]
    catalog = SidecarCatalog()
    try:
        PoFileParser(catalog, abort_invalid=True).parse(io.StringIO("\n".join(lines)))  # Babel's read_po
    except PoFileError as error:
        raise SidecarError(path, str(error).rsplit(" on ", 1)[0], error.lineno + 1) from None
    except (ValueError, LookupError) as error:
        raise SidecarError(path, f"unreadable header or entry: {error}") from None
    if catalog.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        line = next((n for n, text in enumerate(lines, 1) if text.startswith('"Content-Type:')), 1)
        raise SidecarError(path, f"the charset is {catalog.charset!r}; sidecars are UTF-8 (charset=utf-8)", line)
    published = _published_field(catalog)
    if published is not None and published.lower() != WITHDRAWN and not _is_day(published):
        line = next((n for n, text in enumerate(lines, 1) if text.lower().startswith(f'"{PUBLISHED.lower()}:')), 1)
        raise SidecarError(path, f"{PUBLISHED} is {published!r}: write a day (YYYY-MM-DD) or '{WITHDRAWN}'", line)
    messages = [*(message for message in catalog if message.id), *catalog.obsolete.values()]
    read = {message.lineno for message in messages}  # Babel keeps the first of two equal entries: refuse
    msgids = [n for n, text in enumerate(lines, 1) if re.match(r"^(#~\s*)?msgid\s", text.strip())]
    following = [*lines[1:], ""]  # following[n - 1] is the line after line n
    empty = [n for n in msgids if lines[n - 1].strip() == 'msgid ""' and not following[n - 1].lstrip()[:1] == '"']
    if duplicates := [n for n in msgids if n not in read and n not in empty[:1]]:  # empty[0]: the header
        raise SidecarError(path, "a second entry with this msgctxt and msgid: merge them by hand", duplicates[0])
    for message in messages:  # Babel reads '#| msgid "…"' as a translator comment: take it back
        if previous := [comment[1:].strip() for comment in message.user_comments if comment.startswith("|")]:
            message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
            found = re.search(r'(?:^|\s)msgid\s+((?:"(?:[^"\\]|\\.)*"\s*)+)', " ".join(previous))
            message.previous_id = ["".join(map(unescape, _PO_STRING.findall(found[1])))] if found else []
    return catalog


def read_sidecar(po_path: str | os.PathLike) -> Catalog:
    """The catalog of a sidecar; SidecarError ('<file>:<line>: …') if it is not a valid UTF-8 PO file."""
    try:
        data = Path(po_path).read_bytes()
    except OSError as error:
        raise SidecarError(po_path, f"cannot read the catalog: {error.strerror}") from None
    return _parse_po(data, po_path)


def render_sidecar(catalog: Catalog) -> bytes:
    """The PO file of a catalog as update_sidecar writes it: source order, width 76."""
    active, obsolete = [message for message in catalog if message.id], list(catalog.obsolete.values())
    notes = {}
    for message in active + obsolete:
        message.flags -= _FORMAT_FLAGS
        notes[id(message)] = [comment for comment in message.auto_comments if is_memory_note(comment)]
        message.auto_comments = [comment for comment in message.auto_comments if not is_memory_note(comment)]
    buffer = io.BytesIO()
    try:
        write_po(buffer, catalog, width=WIDTH, sort_output=False, include_previous=True)
    finally:
        for message in active + obsolete:
            message.auto_comments = [*message.auto_comments, *notes[id(message)]]
    # Babel wraps '#| msgid' as prose (cutting its strings), rewraps a header comment with a long
    # word a bit more at each writing, and drops the flags of obsolete entries. Each entry is a
    # chunk between blank lines: fix those three. A memory note is one line, never wrapped (a
    # wrapped one would be read back as several notes), and obsolete entries keep theirs.
    chunks = buffer.getvalue().decode("utf-8").split("\n\n")
    assert len(chunks) == 2 + len(active) + len(obsolete), "unexpected layout of Babel's PO output"
    head = chunks[0].split("\n")
    at = next(n for n, line in enumerate(head) if line.startswith(("#,", "msgid")))
    chunks[0] = "\n".join([*(line for line in catalog.header_comment.split("\n") if line), *head[at:]])
    for index, message in enumerate(active + obsolete, 1):
        lines = [line for line in chunks[index].split("\n") if not line.startswith("#|")]
        at = next(n for n, line in enumerate(lines) if line.startswith(("#:", "#,", "msgctxt", "msgid", "#~")))
        lines[at:at] = [f"#. {note}" for note in notes[id(message)]]
        at = next(n for n, line in enumerate(lines) if line.startswith(("msgctxt", "msgid", "#~")))
        if message.previous_id and index <= len(active):
            previous = normalize(message.previous_id[0], width=WIDTH - 3).split("\n")
            lines[at:at] = [f"#| msgid {previous[0]}", *(f"#| {line}" for line in previous[1:])]
        elif "fuzzy" in message.flags and index > len(active):
            lines.insert(at, "#, fuzzy")
        chunks[index] = "\n".join(lines)
    return "\n\n".join(chunks).encode("utf-8")


def _is_day(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


# --- writing a sidecar, keeping the bytes of what did not change ---------------

_ENTRY_KEYWORD = re.compile(r"^(?:msgctxt|msgid)\b")


def _entry_spans(lines: list[str]) -> list[tuple[int, int]]:
    """The lines [start, stop) of each entry of a PO file, header included, blank lines left out."""
    spans, start, stop, translated = [], None, 0, False
    for number, line in enumerate(lines):
        stripped = line.strip()
        body = stripped[2:].lstrip() if stripped.startswith("#~") else stripped
        opens = _ENTRY_KEYWORD.match(body) or body.startswith("|") or (stripped[:1] == "#" and body == stripped)
        if start is not None and translated and (not stripped or opens):
            spans.append((start, stop))
            start, translated = None, False
        if stripped:
            start = number if start is None else start
            stop = number + 1
            translated = translated or body.startswith("msgstr")
    return spans + ([(start, stop)] if start is not None else [])


def _entry_key(message: Message, obsolete: bool) -> tuple:
    return (obsolete, message.context, message.id)


def _file_entries(catalog: Catalog) -> list[tuple[Message, bool]]:
    """Each entry of a catalog, in the order of its file: (message, obsolete)."""
    return [*((m, False) for m in catalog if m.id), *((m, True) for m in catalog.obsolete.values())]


def _rendered_entries(catalog: Catalog) -> tuple[str, list[tuple[tuple, str]]]:
    """The header and each entry (key, text) as render_sidecar writes them."""
    chunks = render_sidecar(catalog).decode("utf-8").split("\n\n")
    return chunks[0], [(_entry_key(*entry), chunk) for entry, chunk in zip(_file_entries(catalog), chunks[1:])]


@dataclass(frozen=True)
class _Written:
    """A sidecar as it was read: its bytes, its entries' own text, and the same rendered by Babel."""

    data: bytes
    header: str | None  # the header's own lines (None: the file had no header)
    entries: dict[tuple, str]  # key -> the entry's own lines
    rendered_header: str
    rendered: dict[tuple, str]  # key -> the entry as render_sidecar writes it
    fields: list[tuple[str, str]]  # the header fields as Babel (and SidecarCatalog) read them
    header_comment: str


def _as_written(data: bytes, catalog: Catalog) -> _Written:
    lines = data.decode("utf-8-sig").split("\n")
    spans = _entry_spans(lines)
    owner: dict[int, list[tuple]] = {}  # span -> keys of the messages whose msgid is in it
    for message, obsolete in _file_entries(catalog):
        found = next((n for n, (start, stop) in enumerate(spans) if start < message.lineno <= stop), None)
        owner.setdefault(found, []).append(_entry_key(message, obsolete))
    own = {keys[0]: "\n".join(lines[slice(*spans[n])]) for n, keys in owner.items() if n is not None and len(keys) == 1}
    header = "\n".join(lines[slice(*spans[0])]) if spans and 0 not in owner else None
    rendered_header, rendered = _rendered_entries(catalog)
    return _Written(data, header, own, rendered_header, dict(rendered), catalog.mime_headers, catalog.header_comment)


def _patched_header(written: _Written, catalog: Catalog) -> str | None:
    """The header as written with only its changed fields rewritten, each on its line; None if it cannot be."""
    if written.header is None or catalog.header_comment != written.header_comment:
        return None
    lines = written.header.split("\n")
    old, new = dict(written.fields), catalog.mime_headers
    if set(old) - {name for name, _ in new}:
        return None
    previous = None
    for name, value in new:
        line = f"{escape(f'{name}: {value.rstrip()}')[:-1]}\\n\""  # one field, one '"Name: value\n"' line
        at = [n for n, text in enumerate(lines) if text.lower().startswith(f'"{name.lower()}:')]
        if name in old and old[name] != value:
            if len(at) != 1 or not lines[at[0]].endswith('\\n"'):
                return None
            lines[at[0]] = line
        elif name not in old:
            after = [n for n, text in enumerate(lines) if previous and text.lower().startswith(f'"{previous.lower()}:')]
            if len(after) != 1 or not lines[after[0]].endswith('\\n"'):
                return None
            lines.insert(after[0] + 1, line)
        previous = name
    return "\n".join(lines)


def _render_keeping(catalog: Catalog, written: _Written) -> bytes:
    """The PO file of ``catalog``; each entry (and the header) unchanged since ``written`` keeps its bytes."""
    header, entries = _rendered_entries(catalog)
    if header == written.rendered_header and entries == list(written.rendered.items()):
        return written.data  # nothing changed but, maybe, the layout: keep it all
    if header == written.rendered_header and written.header is not None:
        header = written.header
    else:
        header = _patched_header(written, catalog) or header
    kept = [
        written.entries[key] if written.rendered.get(key) == text and key in written.entries else text
        for key, text in entries
    ]
    return "\n\n".join([header, *kept, ""]).encode("utf-8")


# --- updating a sidecar ------------------------------------------------------


def _strings(catalog: Catalog) -> Counter:
    messages = [*(message for message in catalog if message.id), *catalog.obsolete.values()]
    return Counter(m.string for m in messages if isinstance(m.string, str) and m.string)


def _carry_repeated(catalog: Catalog, template: Catalog) -> None:
    """Give a text's entry the translation of its dropped twin (the same text under another kind) if it has none."""
    for message in (message for message in template if message.id):
        own = catalog.get(message.id, context=message.context)
        twin = _entry(catalog, message.context, message.id)
        if twin is own or twin is None:
            continue
        if own is None:
            catalog[message.id] = Message(message.id, context=message.context)
            own = catalog.get(message.id, context=message.context)
        own.string, own.flags = twin.string, own.flags | (twin.flags & {"fuzzy"})
        own.previous_id = list(twin.previous_id) if "fuzzy" in twin.flags else own.previous_id
        _keep_notes(own, twin)


def _keep_notes(message: Message, old: Message) -> None:
    """Give ``message`` the translation memory's notes of ``old`` (a template brings none)."""
    notes = [comment for comment in old.auto_comments if is_memory_note(comment)]
    message.auto_comments = list(dict.fromkeys([*message.auto_comments, *notes]))


def _fuzzy_match_of(before: dict[tuple, Message], message: Message) -> Message | None:
    """The entry Babel matched a new text with (its previous_id), preferring one of the same kind."""
    if not message.previous_id:
        return None
    found = [old for (_, text), old in before.items() if text == message.previous_id[0]]
    found.sort(key=lambda old: old.context != message.context)
    return found[0] if found else None


def _restore_undone(message: Message) -> bool:
    """Make a stale entry whose French is back to the text its translation was written for translated
    again (True), as if the edit had never been made."""
    if "fuzzy" not in message.flags or is_suggestion(message) or message.previous_id != [message.id]:
        return False
    message.flags.discard("fuzzy")
    message.previous_id = []
    return True


def _merge(catalog: Catalog, template: Catalog, po_path) -> tuple[int, int, int]:
    """Update ``catalog`` from ``template`` as msgmerge does; (added, fuzzy, obsolete) entries."""
    wanted = {(message.context, message.id) for message in template if message.id}
    for key, message in list(catalog.obsolete.items()):  # a block that is back gets its translation back
        if (message.context, message.id) in wanted and catalog.get(message.id, message.context) is None:
            del catalog.obsolete[key]
            catalog[message.id] = message
    was_obsolete, strings = set(catalog.obsolete), _strings(catalog)
    _carry_repeated(catalog, template)
    before = {(message.context, message.id): message for message in catalog if message.id}
    catalog.update(template, update_creation_date=False)
    added = fuzzy = 0
    for message in (message for message in catalog if message.id):
        old = before.get((message.context, message.id))
        if old is None:
            # A suggestion whose French changed stays one (never shown as a stale translation); its
            # '#| msgid' stays the French its suggested English translates.
            matched = _fuzzy_match_of(before, message)
            if is_suggestion(matched):
                _keep_notes(message, matched)
            # As msgmerge does: '#| msgid' stays the French the translation was written for, whatever
            # versions came between (so an edit undone is recognised, below).
            if matched is not None and "fuzzy" in matched.flags and matched.previous_id:
                message.previous_id = list(matched.previous_id)
            if not _restore_undone(message):
                fuzzy, added = fuzzy + bool(message.previous_id), added + (not message.previous_id)
            continue
        if "fuzzy" in message.flags and old.previous_id and not message.previous_id:
            message.previous_id = old.previous_id  # Babel forgets it on an exact match
        _keep_notes(message, old)
        _restore_undone(message)
    catalog.obsolete = {key: m for key, m in catalog.obsolete.items() if m.string or key in was_obsolete}
    if lost := strings - _strings(catalog):  # only when an obsolete entry and an entry had the same key
        raise SidecarError(
            po_path, f"updating would lose the translation {_excerpt(next(iter(lost)))}; remove its duplicate"
        )
    return added, fuzzy, len(set(catalog.obsolete) - was_obsolete)


def _publishable(catalog: Catalog, min_coverage: float | None) -> bool:
    counts = catalog_coverage(catalog)
    return min_coverage is not None and counts.total > 0 and counts.percent >= min_coverage


def _stamp_if_publishable(catalog: Catalog, publishable: bool, today: dt.date | None) -> None:
    """Stamp X-Published on a catalog that was publishable before its merge and never stamped (nor withdrawn)."""
    if publishable and publication_state(catalog) == "new":
        catalog.extra_headers[PUBLISHED] = (today or dt.date.today()).isoformat()


def as_updated(catalog: Catalog, doc: SourceDocument, lang: str, min_coverage: float | None, po_path="") -> Catalog:
    """``catalog`` (a sidecar as read; changed in place, never written) as `translations.update` would
    leave it for ``doc``, before the translation memory fills it: its stamp, its stale and undone blocks."""
    # The build reads every sidecar through this: no update to forget, so no published page can
    # disappear because its French changed (its catalog, complete before, is stamped here).
    publishable = _publishable(catalog, min_coverage)
    if {(message.context, message.id) for message in catalog if message.id} != set(entry_keys(doc.blocks)):
        try:
            _merge(catalog, template_catalog(doc, "", lang), po_path)  # its locations are not read
        except SidecarError:
            pass  # raised once merged, for the file's sake (an obsolete duplicate): the entries are right to read
    _stamp_if_publishable(catalog, publishable, None)
    return catalog


def merge_catalog(
    template: Catalog,
    po_path: str | os.PathLike,
    min_coverage: float | None = 100,
    *,
    today: dt.date | None = None,
    fill: Callable[[Catalog], tuple[int, int]] | None = None,
) -> UpdateResult:
    """Create ``po_path`` from ``template``, or merge the template into it; write only when it changes.

    A catalog that was publishable before the merge (``min_coverage`` percent of its entries translated,
    fuzzy ones not counted; None: never) gets its X-Published stamp, which nothing here removes.
    ``fill`` (the translation memory) then translates empty entries: (filled, suggested).
    """
    po_path = Path(po_path)
    old = po_path.read_bytes() if po_path.exists() else None
    filled = suggested = 0
    if old is None:
        catalog, (added, fuzzy, obsolete) = template, (len(template), 0, 0)
        filled, suggested = fill(catalog) if fill else (0, 0)
        data = render_sidecar(catalog)
    else:
        catalog = _parse_po(old, po_path)
        written = _as_written(old, catalog)
        publishable = _publishable(catalog, min_coverage)
        added, fuzzy, obsolete = _merge(catalog, template, po_path)
        _stamp_if_publishable(catalog, publishable, today)
        # After the stamp: what the memory fills was not there when the translation became publishable.
        filled, suggested = fill(catalog) if fill else (0, 0)
        if _rendered_entries(catalog)[1] != list(written.rendered.items()):
            catalog.creation_date = dt.datetime.now().astimezone()  # the entries changed, not only the header
        data = _render_keeping(catalog, written)
    if data != old:
        po_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(po_path, data.decode("utf-8"))  # a temporary file, then os.replace
    return UpdateResult(po_path, old is None, data != old, added, fuzzy, obsolete, filled, suggested)


def update_sidecar(
    source_path: str | os.PathLike,
    po_path: str | os.PathLike | None = None,
    lang: str = "en",
    min_coverage: float | None = 100,
    *,
    today: dt.date | None = None,
    fill: Callable[[Catalog], tuple[int, int]] | None = None,
) -> UpdateResult:
    """Create or update the catalog of a source file, writing it only when it changes."""
    source_path = Path(source_path)
    po_path = Path(po_path) if po_path is not None else sidecar_path(source_path, lang)
    doc = parse_source(source_path.read_text("utf-8"))
    template = template_catalog(doc, source_path.name, lang)
    return merge_catalog(template, po_path, min_coverage, today=today, fill=fill)


def stamp_published(po_path: str | os.PathLike, day: dt.date) -> bool:
    """Record in a sidecar that its translation is published from ``day``; False if it already says
    published or withdrawn (nothing written)."""
    po_path = Path(po_path)
    catalog = read_sidecar(po_path)
    if publication_state(catalog) != "new":
        return False
    written = _as_written(po_path.read_bytes(), catalog)
    catalog.extra_headers[PUBLISHED] = day.isoformat()
    write_atomically(po_path, _render_keeping(catalog, written).decode("utf-8"))
    return True


def check_sidecar(source_path: str | os.PathLike, po_path: str | os.PathLike) -> list[str]:
    """The problems of a sidecar, one line each: '<po path>:<line>: <problem>' (none: it is fine)."""
    source_path = Path(source_path)
    try:
        catalog = read_sidecar(po_path)
    except SidecarError as error:
        return [str(error)]
    doc = parse_source(source_path.read_text("utf-8"))
    name, keys = source_path.name, {}
    for key, block in zip(entry_keys(doc.blocks), doc.blocks):
        keys.setdefault(key, block)  # a text is named by its first block
    texts = {text for _, text in keys}
    problems = [
        f"{po_path}:1: out of date: the {block.kind} at {name}:{block.line} ({_excerpt(block.text)}) "
        "has no entry; update the sidecar"
        for (context, text), block in keys.items()
        if _entry(catalog, context, text) is None
    ]
    for message in (message for message in catalog if message.id):
        where = f"{po_path}:{message.lineno}: "
        if message.id not in texts:  # the same text under another kind is only redundant: update merges it
            problems.append(
                f"{where}out of date: this {message.context or 'entry'} ({_excerpt(message.id)}) "
                f"is not in {name} any more; update the sidecar"
            )
        elif isinstance(message.string, str) and message.string and "fuzzy" not in message.flags:
            problems.extend(
                f"{where}the translation of the {message.context} ({_excerpt(message.id)}) {problem}"
                for problem in markup_problems(message.id, message.string)
            )
    return problems


def _excerpt(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def check_theme_catalog(po_path: str | os.PathLike, template: Catalog, shown: str | None = None) -> list[str]:
    """The problems of a theme catalog against the template of its strings (the templates' and the
    tag names'), one line each; none when it is up to date. ``shown``: the path as the editor reads it."""
    shown = shown or str(po_path)
    try:
        catalog = read_sidecar(po_path)
    except SidecarError as error:
        return [str(error)]
    wanted = {(m.context, m.id) for m in template if m.id}
    have = {(m.context, m.id) for m in catalog if m.id}
    return [
        *(f"{shown}: out of date: no entry for {msgid!r}; run `invoke translations.update`" for _, msgid in sorted(wanted - have)),
        *(f"{shown}: out of date: {msgid!r} is not in the templates any more" for _, msgid in sorted(have - wanted)),
    ]


def orphan_sidecars(content: str | os.PathLike) -> list[Path]:
    """Sidecars whose source file is gone (kept, never silently dropped: the translation is work)."""
    return sorted(po for po in Path(content).rglob("*.po") if not po.with_suffix("").with_suffix(".md").exists())


def check_translations(sources, sidecar_of, shown=str) -> list[str]:
    """The problems of every sidecar of ``sources``, one line each: missing, broken, out of date, markup
    changed; then the sidecars whose source is gone. sidecar_of(source) -> its sidecar's path."""
    problems = []
    for source in sources:
        sidecar = sidecar_of(source)
        if not Path(sidecar).exists():
            problems.append(f"{shown(sidecar)}: missing; run `invoke translations.update`")
            continue
        problems.extend(check_sidecar(source, sidecar))
    return problems


# --- the translation policy (the translations plugin's settings) -------------------------

DEFAULTS = {
    "TRANSLATIONS_MIN_COVERAGE": 100,  # percent of blocks translated for a first publication
    # A block whose French changed after it was translated: "previous" publishes its previous
    # translation (the page says the French was updated), "source" shows the French block.
    "TRANSLATIONS_STALE_BLOCKS": "previous",
}


@dataclass(frozen=True)
class TranslationsConfig:
    min_coverage: float
    stale_blocks: str


def config(settings: dict) -> TranslationsConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    minimum = merged["TRANSLATIONS_MIN_COVERAGE"]
    if not isinstance(minimum, (int, float)) or not 0 < minimum <= 100:
        raise ValueError(f"translations: TRANSLATIONS_MIN_COVERAGE must be a percentage in (0, 100], not {minimum!r}")
    if merged["TRANSLATIONS_STALE_BLOCKS"] not in STALE_POLICIES:
        raise ValueError(
            f"translations: TRANSLATIONS_STALE_BLOCKS must be one of {', '.join(STALE_POLICIES)}, "
            f"not {merged['TRANSLATIONS_STALE_BLOCKS']!r}"
        )
    return TranslationsConfig(min_coverage=float(minimum), stale_blocks=merged["TRANSLATIONS_STALE_BLOCKS"])


NOTE_KINDS = ("stale translation", "withdrawn translation", "untranslated blocks")  # what `invoke check` lists of the build's warnings
