"""Translation sidecars: the gettext catalog (``<article>.<lang>.po``) beside each French source file.

A source file (an article, or an issue's ``issue.md``) is cut into blocks: its
translatable metadata (title, summary, subtitle, credits, each further-reading
item) and the blocks of its Markdown body (headings, paragraphs, list items).
Each block is one catalog entry keyed by (msgctxt = the kind of block, msgid =
its exact Markdown source), so an entry keeps its translation when its block
moves. Code, raw HTML, tables, rules and link definitions are not translated.

``update_sidecar`` merges the source into its catalog as msgmerge does (with
Babel's ``Catalog.update``): a changed block becomes a fuzzy entry keeping its
translation and previous msgid, a removed one an obsolete ``#~`` entry.
``translate`` builds the other-language document; a block without a usable
translation stays in French, marked ``lang="fr"`` for the reader's browser.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, normalize, read_po, unescape, write_po
from markdown import Markdown

from cafetech.importer import _write_atomically

CONTEXTS = ("title", "summary", "subtitle", "credits", "further_reading", "heading", "paragraph", "list_item")
"""The kinds of block, which are also the msgctxt of their entries."""
METADATA_KINDS = CONTEXTS[:5]  # each is also the (lower-cased) metadata key it comes from
PROJECT = "Cafétech"
WIDTH = 76
HEADER_COMMENT = """\
# {lang} translation of a text of the {project} newsletter (the file in
# the #: references). Translate each msgstr; msgctxt is the kind of block.
# Keep the links, `code` and *emphasis* of the msgid. Fuzzy entries are
# not published.
#"""


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


@dataclass(frozen=True)
class Coverage:
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


@dataclass(frozen=True)
class TranslatedDocument:
    metadata: dict[str, str | list[str]]
    body: str
    coverage: Coverage
    fallback_blocks: tuple[Block, ...]


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


def template_catalog(doc: SourceDocument, source_name: str, lang: str = "en") -> Catalog:
    """The entries of a source file, untranslated: one per (kind, text), in the order of the source."""
    version = (doc.metadata.get("issue") or doc.metadata.get("date") or [None])[0]
    catalog = Catalog(locale=lang, project=PROJECT, version=version, fuzzy=False)
    language = catalog.locale.english_name if catalog.locale else lang
    catalog.header_comment = HEADER_COMMENT.format(lang=language, project=PROJECT)  # no long word: see render
    where = os.path.basename(source_name)
    for block in doc.blocks:
        catalog.add(block.text, "", locations=[(where, block.line)], context=block.kind)
    return catalog


def coverage(doc: SourceDocument, catalog: Catalog) -> Coverage:
    """How many of the source's current blocks are translated, fuzzy, or not translated."""
    counts = Counter()
    for block in doc.blocks:
        message = catalog.get(block.text, context=block.kind)
        if message is not None and "fuzzy" in message.flags:
            counts["fuzzy"] += 1
        elif message is not None and isinstance(message.string, str) and message.string.strip():
            counts["translated"] += 1
        else:
            counts["untranslated"] += 1
    return Coverage(counts["translated"], counts["fuzzy"], counts["untranslated"])


def _usable(catalog: Catalog, block: Block) -> str | None:
    """The translation to publish for a block: not fuzzy, not empty, not unsafe; on one line."""
    message = catalog.get(block.text, context=block.kind)
    if message is None or "fuzzy" in message.flags or not isinstance(message.string, str):
        return None
    text = re.sub(r"\s*\n\s*", " ", message.string).strip()
    return text if text and not _unsafe(block.text, text) else None


_BLOCK_MARKER = re.compile(r"^(?:[#>]|[-*+](?=\s)|\d+\.(?=\s))")


def translate(doc: SourceDocument, catalog: Catalog, fallback: str = "source") -> TranslatedDocument:
    """The document in the catalog's language; a block without a usable translation stays French."""
    if fallback != "source":
        raise ValueError(f"fallback must be 'source' (the French text, marked lang=\"fr\"), not {fallback!r}")
    texts = [_usable(catalog, block) for block in doc.blocks]
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
    return TranslatedDocument(metadata, "\n".join(lines), coverage(doc, catalog), fallbacks)


# --- the markup a translation must keep (pure) -------------------------------

_INLINE_TOKEN = re.compile(r"\\.|(`+)(.+?)(?<!`)\1(?!`)", re.S)  # an escaped character, a code span
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE = re.compile(r"\]\[([^\]]*)\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>", re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"\*|(?<!\w)_|_(?!\w)")
_SCRIPT_URL = re.compile(r"(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I)
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
    try:
        catalog = read_po(io.StringIO("\n".join(lines)), abort_invalid=True)
    except PoFileError as error:
        raise SidecarError(path, str(error).rsplit(" on ", 1)[0], error.lineno + 1) from None
    except (ValueError, LookupError) as error:
        raise SidecarError(path, f"unreadable header or entry: {error}") from None
    if catalog.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        line = next((n for n, text in enumerate(lines, 1) if text.startswith('"Content-Type:')), 1)
        raise SidecarError(path, f"the charset is {catalog.charset!r}; sidecars are UTF-8 (charset=utf-8)", line)
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
    for message in active + obsolete:
        message.flags -= _FORMAT_FLAGS
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=False, include_previous=True)
    # Babel wraps '#| msgid' as prose (cutting its strings), rewraps a header comment with a long
    # word a bit more at each writing, and drops the flags of obsolete entries. Each entry is a
    # chunk between blank lines: fix those three.
    chunks = buffer.getvalue().decode("utf-8").split("\n\n")
    assert len(chunks) == 2 + len(active) + len(obsolete), "unexpected layout of Babel's PO output"
    head = chunks[0].split("\n")
    at = next(n for n, line in enumerate(head) if line.startswith(("#,", "msgid")))
    chunks[0] = "\n".join([*(line for line in catalog.header_comment.split("\n") if line), *head[at:]])
    for index, message in enumerate(active + obsolete, 1):
        lines = [line for line in chunks[index].split("\n") if not line.startswith("#|")]
        at = next(n for n, line in enumerate(lines) if line.startswith(("msgctxt", "msgid", "#~")))
        if message.previous_id and index <= len(active):
            previous = normalize(message.previous_id[0], width=WIDTH - 3).split("\n")
            lines[at:at] = [f"#| msgid {previous[0]}", *(f"#| {line}" for line in previous[1:])]
        elif "fuzzy" in message.flags and index > len(active):
            lines.insert(at, "#, fuzzy")
        chunks[index] = "\n".join(lines)
    return "\n\n".join(chunks).encode("utf-8")


def _strings(catalog: Catalog) -> Counter:
    messages = [*(message for message in catalog if message.id), *catalog.obsolete.values()]
    return Counter(m.string for m in messages if isinstance(m.string, str) and m.string)


def _merge(catalog: Catalog, template: Catalog, po_path) -> tuple[int, int, int]:
    """Update ``catalog`` from ``template`` as msgmerge does; (added, fuzzy, obsolete) entries."""
    wanted = {(message.context, message.id) for message in template if message.id}
    for key, message in list(catalog.obsolete.items()):  # a block that is back gets its translation back
        if (message.context, message.id) in wanted and catalog.get(message.id, message.context) is None:
            del catalog.obsolete[key]
            catalog[message.id] = message
    before = {(message.context, message.id): message for message in catalog if message.id}
    was_obsolete, strings = set(catalog.obsolete), _strings(catalog)
    catalog.update(template, update_creation_date=False)
    added = fuzzy = 0
    for message in (message for message in catalog if message.id):
        old = before.get((message.context, message.id))
        if old is None:
            fuzzy, added = fuzzy + bool(message.previous_id), added + (not message.previous_id)
        elif "fuzzy" in message.flags and old.previous_id and not message.previous_id:
            message.previous_id = old.previous_id  # Babel forgets it on an exact match
    catalog.obsolete = {key: m for key, m in catalog.obsolete.items() if m.string or key in was_obsolete}
    if lost := strings - _strings(catalog):  # only when an obsolete entry and an entry had the same key
        raise SidecarError(
            po_path, f"updating would lose the translation {_excerpt(next(iter(lost)))}; remove its duplicate"
        )
    return added, fuzzy, len(set(catalog.obsolete) - was_obsolete)


def merge_catalog(template: Catalog, po_path: str | os.PathLike) -> UpdateResult:
    """Create ``po_path`` from ``template``, or merge the template into it; write only when it changes."""
    po_path = Path(po_path)
    old = po_path.read_bytes() if po_path.exists() else None
    if old is None:
        catalog, (added, fuzzy, obsolete) = template, (len(template), 0, 0)
    else:
        catalog = _parse_po(old, po_path)
        added, fuzzy, obsolete = _merge(catalog, template, po_path)
    data = render_sidecar(catalog)
    if old is not None and data != old:
        catalog.creation_date = dt.datetime.now().astimezone()
        data = render_sidecar(catalog)
    if data != old:
        po_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(po_path, data.decode("utf-8"))  # a temporary file, then os.replace
    return UpdateResult(po_path, old is None, data != old, added, fuzzy, obsolete)


def update_sidecar(
    source_path: str | os.PathLike, po_path: str | os.PathLike | None = None, lang: str = "en"
) -> UpdateResult:
    """Create or update the catalog of a source file, writing it only when it changes."""
    source_path = Path(source_path)
    po_path = Path(po_path) if po_path is not None else sidecar_path(source_path, lang)
    doc = parse_source(source_path.read_text("utf-8"))
    return merge_catalog(template_catalog(doc, source_path.name, lang), po_path)


def check_sidecar(source_path: str | os.PathLike, po_path: str | os.PathLike) -> list[str]:
    """The problems of a sidecar, one line each: '<po path>:<line>: <problem>' (none: it is fine)."""
    source_path = Path(source_path)
    try:
        catalog = read_sidecar(po_path)
    except SidecarError as error:
        return [str(error)]
    doc = parse_source(source_path.read_text("utf-8"))
    name, keys = source_path.name, {(block.kind, block.text) for block in doc.blocks}
    problems = [
        f"{po_path}:1: out of date: the {block.kind} at {name}:{block.line} ({_excerpt(block.text)}) "
        "has no entry; update the sidecar"
        for block in doc.blocks
        if catalog.get(block.text, context=block.kind) is None
    ]
    for message in (message for message in catalog if message.id):
        where = f"{po_path}:{message.lineno}: "
        if (message.context, message.id) not in keys:
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
