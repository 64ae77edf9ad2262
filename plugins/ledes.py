"""An article's lede: set apart on its own page (``lede``, ``body``), cut to an ``excerpt`` in lists."""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

from cafetech import memo
from cafetech.contents import content_objects

__all__ = ["config", "excerpt", "split_lede"]

DEFAULTS = {
    "LEDES_EXCERPT_WORDS": 40,  # about this many words: the excerpt ends at the sentence end nearest under 1.25 times it
}


@dataclass(frozen=True)
class LedesConfig:
    excerpt_words: int


def config(settings: dict) -> LedesConfig:
    """The plugin's settings: the user's laid over DEFAULTS, validated."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    words = merged["LEDES_EXCERPT_WORDS"]
    if not isinstance(words, int) or isinstance(words, bool) or words < 5:
        raise ValueError(f"ledes: LEDES_EXCERPT_WORDS must be a number of words (5 or more), not {words!r}")
    return LedesConfig(words)


# --- pure functions ---------------------------------------------------------

ELLIPSIS = "…"
# Words are separated by breaking spaces only: "48 heures" and "exode ?" (no-break spaces) are one word.
_WORD = re.compile(r"[^ \t\r\n\f]+")
# A sentence ends at . ! ? or …, after any closing quote or bracket, before a space then a capital,
# a digit or an opening quote; or at the end of the text.
_SENTENCE_END = re.compile(r"[.!?…]+(?:[\u00a0\u202f]?[»”\"’)\]])*(?=[ \t\r\n]+[«“\"(\[]?[\u00a0\u202f]?[A-ZÀ-ÖØ-ÞŒ0-9]|[ \t\r\n]*$)")
# A full stop after these is an abbreviation (M. Dupont, J. R. R. Tolkien), not a sentence's end.
_ABBREVIATIONS = {"M", "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me", "Mgr", "St", "Ste", "Mr", "Mrs", "Ms", "Jr", "Sr", "cf", "p", "vs", "av", "apr", "J.-C"}
_TRAILING = re.compile(r"[\s\u00a0\u202f,;:–—(«“\"'-]+$")
_VOID = {"br", "img", "wbr", "hr", "input", "source"}
_BLOCKS = {"p", "div"}


class _Fragment(HTMLParser):
    """An HTML fragment as a list of ("text", str) and ("tag", raw, name, opens) pieces."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.pieces.append(("tag", self.get_starttag_text(), tag, tag not in _VOID))

    def handle_startendtag(self, tag, attrs):
        self.pieces.append(("tag", self.get_starttag_text(), tag, False))

    def handle_endtag(self, tag):
        self.pieces.append(("tag", f"</{tag}>", tag, False))

    def handle_data(self, data):
        self.pieces.append(("text", data))


def _is_abbreviation(text: str, end: int) -> bool:
    if text[end - 1] != ".":
        return False
    word = re.split(r"[ \t\r\n\f]", text[:end])[-1].rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def cut_point(text: str, words: int) -> tuple[int, bool] | None:
    """Where the excerpt of ``text`` ends: (offset, at a sentence end?), or None when the whole text is short enough."""
    spans = [match.span() for match in _WORD.finditer(text)]
    slack = round(words * 1.25)
    if len(spans) <= slack:
        return None
    starts = [start for start, _end in spans]  # in order: the words begun before an offset are a bisection
    best = None
    for match in _SENTENCE_END.finditer(text):
        if _is_abbreviation(text, match.start() + 1):
            continue
        count = bisect.bisect_left(starts, match.end())
        if count > slack:
            break
        best = match.end()
    if best is not None and best < len(text.rstrip()):
        return best, True
    return spans[words - 1][1], False


def excerpt(lede: str, words: int = 40) -> str:
    """The lede's opening, about ``words`` words cut at a sentence end (at a word's end if its first
    sentence is longer), "…" where it was cut; its inline markup kept and closed, paragraphs dropped.
    The cut is made on the text, never inside a tag or an entity."""
    pieces = [piece for piece in _Fragment(lede).pieces if not (piece[0] == "tag" and piece[2] in _BLOCKS)]
    text = "".join(piece[1] for piece in pieces if piece[0] == "text")
    cut = cut_point(text, words)
    out, open_tags, offset = [], [], 0
    for piece in pieces:
        if piece[0] == "tag":
            _kind, raw, name, opens = piece
            if opens:
                open_tags.append(name)
            elif raw.startswith("</") and name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name)]
            out.append(raw)
            continue
        data = piece[1]
        if cut is not None and offset + len(data) >= cut[0]:
            kept = data[: cut[0] - offset]
            if cut[1] and kept.endswith("."):
                kept = kept[:-1]  # "…" stands for the full stop and what follows
            elif not cut[1]:
                kept = _TRAILING.sub("", kept)
            out.append(html.escape(kept, quote=False) + ELLIPSIS)
            out.extend(f"</{name}>" for name in reversed(open_tags))
            break
        out.append(html.escape(data, quote=False))
        offset += len(data)
    return "".join(out).strip()


def split_lede(content: str, summary: str) -> tuple[str, str]:
    """(lede, the rest of the text): the summary when the content opens with it, as the importer writes
    every section (the lede is its first paragraph), else no lede and the whole content."""
    summary = (summary or "").strip()
    stripped = (content or "").lstrip()
    if summary.startswith("<p") and summary.endswith("</p>") and stripped.startswith(summary):
        return summary, stripped[len(summary) :].lstrip("\n")
    return "", content or ""


# --- Pelican side -----------------------------------------------------------

_MEMO = memo.named("ledes")  # excerpts by summary, kept between development builds (cafetech/memo.py)


def add_ledes(generators):
    """Every published article's ``lede``, ``body`` and ``excerpt``, from its final (typeset, translated,
    linked) content: all_generators_finalized comes after every plugin changed it."""
    if not generators:
        return
    words = config(generators[0].settings).excerpt_words
    seen = set()
    for generator in generators:
        for article in content_objects(generator):
            if not isinstance(article, Article) or id(article) in seen:
                continue
            seen.add(id(article))
            lede, body = split_lede(article.content, article.summary)
            article.lede, article.body = Markup(lede), Markup(body)
            summary = str(article.summary or "")
            article.excerpt = Markup(_MEMO.get(("excerpt", summary, words), lambda summary=summary: excerpt(summary, words)))


def check_settings(pelican):
    config(pelican.settings)


def register():
    signals.initialized.connect(check_settings)
    signals.all_generators_finalized.connect(add_ledes)
