"""How a further-reading line names an article: its title as the site compares titles, and its override."""

from __future__ import annotations

import os
import re
import unicodedata
from urllib.parse import unquote

# --- comparing titles (pure) --------------------------------------------------

_APOSTROPHES = "’‘‛`´ʼʹ′"
_QUOTES = "\"“”„‟«»‹›"
_DASHES = "‐‑‒–—―−"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_UNIFY = str.maketrans(
    {
        **dict.fromkeys(map(ord, _APOSTROPHES), "'"),
        **dict.fromkeys(map(ord, _QUOTES), " "),
        **dict.fromkeys(map(ord, _DASHES), "-"),
        **dict.fromkeys(map(ord, _INVISIBLE), None),
        ord("*"): None,  # Markdown emphasis in a title: "Le décret *IA*"
        ord("œ"): "oe",
        ord("Œ"): "oe",
        ord("æ"): "ae",
        ord("Æ"): "ae",
    }
)
_ESCAPE = re.compile(r"\\([^\w\s])")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([;:!?])")
_TRAILING_DOTS = re.compile(r"[\s.]+$")


def normalize_title(title: str) -> str:
    """A title as compared to the site's titles.

    Case (casefold), accents (NFKD, combining marks dropped), the kind of
    apostrophe (’ ‘ ` ' …), quotation marks and the spaces inside them (“ ” « » ",
    dropped), the kind of dash, Markdown emphasis (*) and escapes (\\[), œ/oe,
    whitespace of any kind (NBSP, narrow NBSP, tabs: collapsed), the space before
    ; : ! ?, and a trailing period or ellipsis do not count.
    """
    text = _ESCAPE.sub(r"\1", str(title)).translate(_UNIFY)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = " ".join(text.casefold().translate(_UNIFY).split())
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    return _TRAILING_DOTS.sub("", text).strip()


# --- the override after " | " (pure) ------------------------------------------

EXTERNAL_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
FILENAME_REFERENCE = re.compile(r"^(?:\{filename\}|\|filename\|)(.+)$")
SLUG_REFERENCE = re.compile(r"^slug:\s*(\S+)$")


def is_override(reference: str) -> bool:
    return bool(EXTERNAL_URL.match(reference) or FILENAME_REFERENCE.match(reference) or SLUG_REFERENCE.match(reference))


def split_item(line: str) -> tuple[str, str | None]:
    """(title, override or None) of one further-reading line, its spaces collapsed.

    A line whose part after the last `` | `` is no override ({filename}…, slug:…,
    http(s)://…) is a title with a bar in it.
    """
    text = " ".join(line.split())
    title, bar, reference = text.rpartition(" | ")
    if not bar or not title.strip() or not is_override(reference):
        return text, None
    return title.strip(), reference


def path_key(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def filename_target_path(reference: str, source_path: str, content_root: str) -> tuple[str, str]:
    """(absolute path, #fragment) a ``{filename}`` reference names, as Pelican resolves them.

    Relative to the folder of ``source_path``; from ``content_root`` when it starts with /.
    """
    match = FILENAME_REFERENCE.match(reference)
    path = match[1] if match else reference
    path, _, fragment = path.partition("#")
    path = unquote(path)
    if path.startswith("/"):
        full = os.path.join(content_root, path.lstrip("/"))
    else:
        full = os.path.join(os.path.dirname(source_path), path)
    return path_key(full), (f"#{fragment}" if fragment else "")


# --- symbols spelled out, for slugs (pure) ----------------------------------------

_CURRENCIES = {"€": ("euro", "d’euros"), "$": ("dollar", "de dollars"), "£": ("livre", "de livres"), "¥": ("yen", "de yens")}
_MULTIPLIERS = {"M": "million", "Md": "milliard", "Mds": "milliard", "Mrd": "milliard", "Mrds": "milliard"}  # of: "d’euros"
_AMOUNT = re.compile(r"(?:(?<![^\W\d])(Mrds?|Mds?|[kKM]))?\s?([€$£¥])")  # a multiplier follows a number, never a letter
_SYMBOL_FIRST = re.compile(r"([€$£¥])\s?(\d[\d\s.,]*\d|\d)\s?(Mrds?|Mds?|[kKM])?(?![\w])")
_THOUSANDS = r"\d{1,3}(?:[\s.]\d{3})+"  # "1 000", "1.000": French groups its thousands
_NUMBER_BEFORE = re.compile(rf"({_THOUSANDS}|\d+(?:,\d+)?)\s?(?:Mrds?|Mds?|[kKM])?\s?$")
_BELOW_TWO = re.compile(r"[01](?:,\d+)?")  # "1", "0,5", "1,2"
_PERCENT = re.compile(r"\s?%")
_AMPERSAND = re.compile(r"\s&\s")  # "Free & Iliad"; inside a name ("AT&T") it stays a separator


def _plural(word: str, number: str | None) -> str:
    """French agreement: "1,5 million", "2 millions"; below 2 the noun stays singular."""
    return word if number and _BELOW_TWO.fullmatch(number) else word + "s"


def spell_symbols(title: str) -> str:
    """A title with its amounts, percentages and " & " in words, as its slug spells them: "385 M€" -> "385 millions d’euros"."""

    def amount(multiplier: str | None, symbol: str, number: str | None) -> str:
        unit, after_multiplier = _CURRENCIES[symbol]
        if multiplier in ("k", "K"):
            return f" mille {unit}s"
        if multiplier:
            return f" {_plural(_MULTIPLIERS[multiplier], number)} {after_multiplier}"
        return f" {_plural(unit, number)}"

    def number_before(match: re.Match) -> str | None:
        found = _NUMBER_BEFORE.search(match.string, 0, match.start(2))
        return found[1] if found else None

    text = _SYMBOL_FIRST.sub(lambda m: m[2] + amount(m[3], m[1], m[2]), title)  # "$2M" -> "2 millions de dollars"
    text = _AMOUNT.sub(lambda m: amount(m[1], m[2], number_before(m)), text)
    text = _AMPERSAND.sub(" et ", _PERCENT.sub(" pour cent", text))
    return " ".join(text.split())
