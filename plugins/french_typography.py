"""French (and English) typography for HTML fragments and plain text, and the Pelican handlers that apply it.

French rules (``french_html`` / ``french_text``):

* narrow no-break space (U+202F) before ``; ! ?`` and inside « » (the latter is
  configurable), no-break space (U+00A0) before ``:``, after a dialogue dash at
  the start of a paragraph and between a number and its unit / currency / %;
* straight and English quotes become « » (nested ones “ ”), ``'`` becomes
  ``’``, ``...`` becomes ``…``;
* thousands groups written with a space get U+202F (``1 000`` -> ``1 000``);
* ordinals: ``2e``, ``1er``, ``1re``, ``XIXe`` (suffix in ``<sup>`` in HTML),
  ``2ème`` / ``2è`` / ``2ième`` / ``1ère`` corrected to ``2e`` / ``1re``.

Nothing inside ``<code>``, ``<pre>``, ``<kbd>``, ``<script>``, ``<style>``,
``<samp>``, ``<var>`` (and a few more, see ``TYPOGRAPHY_SKIP_TAGS``), no
attribute value, URL, e-mail address or ``a::b`` token is touched. Every
function is idempotent: ``f(f(x)) == f(x)``.

How HTML is handled: a small regex tokenizer splits the fragment into tags and
text. Tags (and whole skipped elements) are kept byte for byte and stand in the
text as one reserved marker character each, so the rules see the text of a
paragraph as one string and can act across inline tags (``<em>mot</em> !``).
Only the text segments that a rule changed are re-serialised (unicode output,
``& < >`` escaped); untouched segments are copied as they were.
"""

from __future__ import annotations

import html as _html
import re

from markupsafe import Markup
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Iterable, Mapping

import smartypants as _sp

from cafetech import memo

__all__ = [
    "DEFAULTS",
    "DEFAULT_CONFIG",
    "TypographyConfig",
    "config",
    "french_html",
    "french_text",
    "english_html",
    "english_text",
]

NNBSP = "\u202f"  # narrow no-break space (espace fine insécable)
NBSP = "\u00a0"  # no-break space (espace insécable)

DEFAULTS = {
    "TYPOGRAPHY_ENABLED": True,
    # Space inside « »: U+202F (narrow) or U+00A0 (full width).
    "TYPOGRAPHY_GUILLEMET_SPACE": NNBSP,
    # Space before ; ! ?
    "TYPOGRAPHY_PUNCTUATION_SPACE": NNBSP,
    # Space before :
    "TYPOGRAPHY_COLON_SPACE": NBSP,
    # Replaces the plain space between groups of three digits (1 000 000).
    "TYPOGRAPHY_THOUSANDS_SEPARATOR": NNBSP,
    # In HTML, wrap ordinal suffixes in <sup> (2<sup>e</sup>); plain text never gets markup.
    "TYPOGRAPHY_ORDINALS_SUP": True,
    # Elements whose content is never touched (lowercase tag names).
    "TYPOGRAPHY_SKIP_TAGS": ("code", "pre", "kbd", "samp", "var", "tt", "script", "style", "textarea", "math", "svg"),
    # Units, in addition to the built-in list, that take a no-break space after a number ("5 Mpx").
    "TYPOGRAPHY_EXTRA_UNITS": (),
}

_ALLOWED_SPACES = {NNBSP: "U+202F", NBSP: "U+00A0"}
_TAG_NAME_RE = re.compile(r"[a-z][a-z0-9-]*\Z")


@dataclass(frozen=True)
class TypographyConfig:
    """Validated typography settings (see ``DEFAULTS`` for the meaning of each field)."""

    enabled: bool = True
    guillemet_space: str = NNBSP
    punctuation_space: str = NNBSP
    colon_space: str = NBSP
    thousands_separator: str = NNBSP
    ordinals_sup: bool = True
    skip_tags: frozenset = frozenset(DEFAULTS["TYPOGRAPHY_SKIP_TAGS"])
    extra_units: tuple = ()


def _fail(message: str):
    raise ValueError(f"french_typography: {message}")


def _check_space(key: str, value) -> str:
    if value not in _ALLOWED_SPACES:
        _fail(f"{key} must be U+202F (narrow no-break space) or U+00A0 (no-break space), got {value!r}")
    return value


def _check_bool(key: str, value) -> bool:
    if not isinstance(value, bool):
        _fail(f"{key} must be True or False, got {value!r}")
    return value


def _check_strings(key: str, value) -> tuple:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        _fail(f"{key} must be a list or tuple of strings, got {value!r}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str) or not item or any(c.isspace() for c in item):
            _fail(f"{key} must hold non-empty strings without spaces, got {item!r}")
    return items


def config(settings: Mapping | None = None) -> TypographyConfig:
    """The typography settings of ``settings`` (e.g. Pelican's) laid over DEFAULTS, validated.

    Neither ``settings`` nor ``DEFAULTS`` is modified. Unknown ``TYPOGRAPHY_*``
    keys are refused (they are almost always typos).
    """
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        _fail(f"settings must be a mapping, got {type(settings).__name__}")
    unknown = sorted(k for k in settings if isinstance(k, str) and k.startswith("TYPOGRAPHY_") and k not in DEFAULTS)
    if unknown:
        _fail(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(DEFAULTS))}")
    merged = {**DEFAULTS, **{k: settings[k] for k in DEFAULTS if k in settings}}

    skip = _check_strings("TYPOGRAPHY_SKIP_TAGS", merged["TYPOGRAPHY_SKIP_TAGS"])
    for name in skip:
        if not _TAG_NAME_RE.match(name):
            _fail(f"TYPOGRAPHY_SKIP_TAGS must hold lowercase tag names, got {name!r}")
    units = _check_strings("TYPOGRAPHY_EXTRA_UNITS", merged["TYPOGRAPHY_EXTRA_UNITS"])
    for unit in units:
        if _RESERVED_RE.search(unit):
            _fail(f"TYPOGRAPHY_EXTRA_UNITS holds a reserved character: {unit!r}")

    return TypographyConfig(
        enabled=_check_bool("TYPOGRAPHY_ENABLED", merged["TYPOGRAPHY_ENABLED"]),
        guillemet_space=_check_space("TYPOGRAPHY_GUILLEMET_SPACE", merged["TYPOGRAPHY_GUILLEMET_SPACE"]),
        punctuation_space=_check_space("TYPOGRAPHY_PUNCTUATION_SPACE", merged["TYPOGRAPHY_PUNCTUATION_SPACE"]),
        colon_space=_check_space("TYPOGRAPHY_COLON_SPACE", merged["TYPOGRAPHY_COLON_SPACE"]),
        thousands_separator=_check_space("TYPOGRAPHY_THOUSANDS_SEPARATOR", merged["TYPOGRAPHY_THOUSANDS_SEPARATOR"]),
        ordinals_sup=_check_bool("TYPOGRAPHY_ORDINALS_SUP", merged["TYPOGRAPHY_ORDINALS_SUP"]),
        skip_tags=frozenset(skip),
        extra_units=tuple(dict.fromkeys(units)),
    )


# ---------------------------------------------------------------------------
# Reserved characters (Unicode noncharacters, never found in real text).
# An input that contains one of them is returned unchanged.

INL = "\ufdd0"  # an inline tag: transparent for the rules (<em>, <a>, </strong>...)
BLK = "\ufdd1"  # a block tag, <br>, or a skipped block element (<pre>...</pre>): a paragraph boundary
ATOM = "\ufdd2"  # a skipped inline element (<code>...</code>) or <img>: behaves like a word
PROT = "\ufdd3"  # a protected span of text (URL, e-mail...): behaves like a word
SUP_OPEN = "\ufdd4"  # becomes <sup> in HTML output
SUP_CLOSE = "\ufdd5"  # becomes </sup> in HTML output

_RESERVED_RE = re.compile("[\ufdd0-\ufdd5]")
_MARKERS_RE = re.compile("[\ufdd0-\ufdd2]")

DEFAULT_CONFIG = config()

# ---------------------------------------------------------------------------
# HTML tokenizer

_TAG_RE = re.compile(
    r"""
      <!--.*?(?:-->|\Z)                      # comment (an unclosed one runs to the end)
    | <!\[CDATA\[.*?(?:\]\]>|\Z)
    | <[!?][^>]*(?:>|\Z)                     # doctype, processing instruction
    | <(?P<close>/?)(?P<name>[A-Za-z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>
    """,
    re.S | re.X,
)

# Elements whose content is text, not markup: always skipped, whatever the settings say.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp"})
# Skipped elements that sit inside a line of text (they count as a word for the rules).
_INLINE_SKIPPED = frozenset({"code", "kbd", "samp", "var", "tt", "math", "svg"})
_INLINE = frozenset(
    "a abbr acronym b bdi bdo big cite data del dfn em font i ins label mark q rp rt ruby s small span "
    "strong sub sup time u wbr".split()
)
_WORD_LIKE = frozenset({"img", "input", "button", "select", "object", "embed", "video", "audio", "canvas", "iframe"})
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)


@lru_cache(maxsize=None)
def _close_re(name: str):
    return re.compile(r"</%s\s*>" % re.escape(name), re.I)


@lru_cache(maxsize=None)
def _same_name_re(name: str):
    return re.compile(
        r"<(/?)%s(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>" % re.escape(name), re.I | re.S
    )


def _tokenize(html: str, skip: frozenset):
    """Split ``html`` into (texts, chunks, kinds): text segments alternate with opaque chunks.

    ``texts[0] chunks[0] texts[1] chunks[1] ... texts[n]`` is ``html`` exactly;
    ``kinds[i]`` is the marker standing for ``chunks[i]``.
    """
    texts, chunks, kinds = [], [], []
    pos = 0
    n = len(html)
    search = _TAG_RE.search
    while pos < n:
        m = search(html, pos)
        if m is None:
            break
        start, end = m.span()
        name = m.group("name")
        if name is None:  # comment, doctype, CDATA
            kind = INL
        else:
            lname = name.lower()
            raw_tag = m.group(0)
            closing = bool(m.group("close"))
            self_closing = raw_tag.endswith("/>")
            if not closing and (lname in _RAW_TEXT or lname in skip) and not self_closing and lname not in _VOID:
                # The whole element (up to its matching end tag) is one opaque chunk.
                if lname in _RAW_TEXT:
                    c = _close_re(lname).search(html, end)
                    end = c.end() if c else n
                else:
                    depth = 1
                    same = _same_name_re(lname)
                    p = end
                    while depth:
                        c = same.search(html, p)
                        if c is None:
                            p = n
                            break
                        depth += -1 if c.group(1) else 1
                        p = c.end()
                    end = p
                kind = ATOM if lname in _INLINE_SKIPPED else BLK
            elif lname in _INLINE:
                kind = INL
            elif lname in _WORD_LIKE or (lname in _INLINE_SKIPPED and lname in skip):
                kind = ATOM
            else:
                kind = BLK
        texts.append(html[pos:start])
        chunks.append(html[start:end])
        kinds.append(kind)
        pos = end
    texts.append(html[pos:])
    return texts, chunks, kinds


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------
# French rules, on a string where tags are markers

# Protected spans: URLs, www. addresses, e-mail addresses, a::b tokens (C++, IPv6). Each becomes
# one PROT character while the rules run. Found from cheap literal triggers, then expanded.
_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "sftp", "ssh", "git", "file", "irc"})
_URL_TAIL_RE = re.compile(r"""[^\s\ufdd0-\ufdd5<>"«»“”]*[^\s\ufdd0-\ufdd5<>"«»“”.,;:!?)’']""")
_URL_TRIGGER_RE = re.compile(r"://|www\.|mailto:|tel:")
_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_SCOPE_TAIL_RE = re.compile(r"(?:[\w.]+(?::{1,2}[\w.]+)*)?")
_PROT_RE = re.compile(PROT)


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _protected_spans(s: str) -> list:
    spans = []
    if "://" in s or "www." in s or "mailto:" in s or "tel:" in s:
        for m in _URL_TRIGGER_RE.finditer(s):
            i, trigger = m.start(), m.group(0)
            if trigger == "://":
                k = i
                while k and s[k - 1].isascii() and s[k - 1].isalpha():
                    k -= 1
                if s[k:i].lower() not in _SCHEMES:
                    continue
                start, tail = k, i + 3
            else:
                start, tail = i, m.end()
            if start and _is_word(s[start - 1]):
                continue
            t = _URL_TAIL_RE.match(s, tail)
            if t:
                spans.append((start, t.end()))
    if "@" in s:
        i = s.find("@")
        while i != -1:
            k = i
            while k and (_is_word(s[k - 1]) or s[k - 1] in ".+-"):
                k -= 1
            t = _DOMAIN_RE.match(s, i + 1)
            if k < i and t:
                spans.append((k, t.end()))
            i = s.find("@", i + 1)
    if "::" in s:
        i = s.find("::")
        while i != -1:
            k = i
            while k and (_is_word(s[k - 1]) or s[k - 1] == "."):
                k -= 1
            end = _SCOPE_TAIL_RE.match(s, i + 2).end()
            spans.append((k, end))
            i = s.find("::", max(end, i + 2))
    if len(spans) > 1:
        spans.sort()
        merged = [spans[0]]
        for a, b in spans[1:]:
            if a < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        spans = merged
    return spans


_ELLIPSIS_RE = re.compile(r"(?<!\.)\.\.\.(?!\.)")
# ' after a letter and before a letter or an opening quote: l'IA, aujourd'hui, l'"IA" (not 'mot').
_APOSTROPHE_RE = re.compile("'(?=\ufdd0*(?:[^\\W\\d_]|[«“„\"\ufdd2\ufdd3]))")

_QUOTE_SCAN_RE = re.compile('[«»"“”„]')
# A straight " opens after a space or one of these, and closes before a space or one of those.
_OPEN_CONTEXT = frozenset("([{«“‘’—–-/\ufdd1")
_CLOSE_CONTEXT = frozenset(".,;:!?)]}…»”’\ufdd1")

_AFTER_OPEN_GUILLEMET_RE = re.compile("«([\\s\ufdd0]*)(?=[^\\s\ufdd0\ufdd1»])")
_CLOSE_GUILLEMET_RE = re.compile("»")
_DIALOGUE_RE = re.compile("—([\\s\ufdd0]*)(?=[^\\s\ufdd0\ufdd1])")

# A run of ; ! ? takes a space unless a word character, / = or & follows (URLs, query strings);
# a colon only when a space or the end of the paragraph follows (never 10:30, std::vector, fdda::1f).
# (One character class first: Python's re then scans fast; the rest is checked in _punctuation.)
_PUNCT_RE = re.compile(r"[;!?:][;!?]*")
_PUNCT_NOT_AFTER_RE = re.compile(r"[\w/=&]")
_COLON_AFTER_RE = re.compile("\ufdd0*(?:[\\s\ufdd1]|\\Z)")
# What may stand right before ; ! ? : besides letters and digits (closing characters, word-like markers).
_PRE_EXTRA = frozenset(")]}»”’….%‰€$£¥°" + ATOM + PROT)
_EMOTICON_RE = re.compile(r"-?[()]")

_UNITS = (
    # lengths, areas, volumes, speeds
    "km", "m", "cm", "mm", "µm", "μm", "nm", "km²", "m²", "cm²", "m³", "km/h", "m/s",
    # masses, volumes
    "kg", "g", "mg", "µg", "L", "mL", "cL", "ml", "cl",
    # time, frequency
    "h", "min", "s", "ms", "µs", "μs", "ns", "Hz", "kHz", "MHz", "GHz", "fps", "ips",
    # energy, power, electricity
    "W", "kW", "MW", "GW", "Wh", "kWh", "MWh", "GWh", "TWh", "V", "kV", "mV", "mA", "mAh",
    # data (French and English notations)
    "ko", "Ko", "Mo", "Go", "To", "Po", "kB", "KB", "MB", "GB", "TB", "PB",
    "bits", "kbit/s", "Mbit/s", "Gbit/s", "kb/s", "Mb/s", "Gb/s", "kbps", "Mbps", "Gbps",
    "ko/s", "Mo/s", "Go/s", "octets",
    # screens, sound, misc
    "px", "pt", "dpi", "ppp", "ppm", "dB", "ha", "K", "Mpx",
    # money in multiples
    "k€", "K€", "M€", "Md€", "Mds€", "Mrd€", "Mrds€", "k$", "M$", "Md$", "Mds$",
)
_SYMBOL_UNITS = r"[%‰€$£¥]|°[CF]"  # a missing space before them is added (50% -> 50 %)


@lru_cache(maxsize=32)
def _numbers_re(extra_units: tuple):
    """One pass for what follows a number: thousands groups, a unit, an ordinal suffix.

    The digits come first in the pattern so that Python's re scans for them fast; whether the
    groups really are thousands (first run of at most three digits) is decided in _french_rules.
    """
    units = sorted(set(_UNITS) | set(extra_units), key=len, reverse=True)
    return re.compile(
        r"""
        [0-9]+(?:[ \u00a0\u202f][0-9]{3}(?![0-9]))*
        (?:
            (?P<sgap>[ \u00a0\u202f\u2009]*)(?=(?:%s)(?!\w))
          | (?P<ugap>[ \u00a0\u202f\u2009]+)(?=(?:%s)(?![\w’']))
          | (?P<osuf>ière|iere|ième|ieme|ier|ère|ere|ème|eme|er|re|è|e)(?P<opl>s?)(?![\w’']|[-+]?[0-9])
        )?
        """
        % (_SYMBOL_UNITS, "|".join(re.escape(u) for u in units)),
        re.X,
    )


_ROMAN_ORDINAL_RE = re.compile(r"[IVXLCDM]+(?=[eèi])(?P<suffix>ième|ieme|ème|eme|er|è|e)(?P<pl>s?)(?![\w’'])")
_FIRST_SUFFIXES = {"er": "er", "ier": "er", "re": "re", "ère": "re", "ere": "re", "ière": "re", "iere": "re"}
_GROUP_SPACE_RE = re.compile("[ \u00a0\u202f]")
_ROMAN_STRICT_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_NOT_BEFORE_NUMBER = frozenset("_.,")
_ROMAN_WORDS = frozenset({"L", "C", "D", "M"})  # + "e": Le, Ce, De, Me are words, not ordinals
_NOT_BEFORE_ORDINAL = frozenset("_.,#-")
_NOT_BEFORE_ROMAN = frozenset("_’'-")


def _markers(gap: str) -> str:
    return INL * gap.count(INL)


def _gap_start(s: str, i: int) -> int:
    """Where the run of spaces and inline-tag markers that ends at ``i`` starts."""
    k = i
    while k and (s[k - 1].isspace() or s[k - 1] == INL):
        k -= 1
    return k


def _apply(s: str, edits: list) -> str:
    """Apply non-overlapping, ordered (start, end, replacement) edits."""
    if not edits:
        return s
    out = []
    last = 0
    for a, b, t in edits:
        out.append(s[last:a])
        out.append(t)
        last = b
    out.append(s[last:])
    return "".join(out)


def _convert_quotes(s: str) -> str:
    """Pair double quotes per paragraph: outer pairs become « », nested ones “ ”."""
    edits = []
    stack: list[bool] = []  # True for an outer (level 0) opener
    n = len(s)
    last = 0
    for m in _QUOTE_SCAN_RE.finditer(s):
        i = m.start()
        if stack and s.find(BLK, last, i) != -1:  # a new paragraph: nothing is open any more
            stack.clear()
        last = i
        c = s[i]
        if c in "«“„":
            kind = "open"
        elif c in "»”":
            kind = "close"
        else:  # straight quote: decide from the context, inline tags being transparent
            j = i - 1
            while j >= 0 and s[j] == INL:
                j -= 1
            k = i + 1
            while k < n and s[k] == INL:
                k += 1
            open_ctx = j < 0 or s[j].isspace() or s[j] in _OPEN_CONTEXT
            close_ctx = k >= n or s[k].isspace() or s[k] in _CLOSE_CONTEXT
            if open_ctx and not close_ctx:
                kind = "open"
            elif close_ctx and not open_ctx:
                kind = "close"
            elif stack:
                kind = "close"
            elif open_ctx:
                kind = "open"
            else:
                kind = None  # a"b with nothing open: leave it alone (inches, code-ish text)
        new = c
        if kind == "open":
            new = "«" if not stack else "“"
            stack.append(not stack)
        elif kind == "close" and stack:  # an unmatched closing quote is left as it is
            new = "»" if stack.pop() else "”"
        if new != c:
            edits.append((i, i + 1, new))
    return _apply(s, edits)


def _punctuation(s: str, cfg: TypographyConfig) -> str:
    """Exactly one space of the right kind between ; ! ? : and the word before them (across inline tags)."""
    edits = []
    for m in _PUNCT_RE.finditer(s):
        i = m.start()
        k = _gap_start(s, i)
        if not k:
            continue
        pre = s[k - 1]
        if not (pre.isalnum() or pre in _PRE_EXTRA):
            continue
        p = m.group(0)
        if p[0] == ":":
            if p != ":" or not _COLON_AFTER_RE.match(s, m.end()):
                continue
            space = cfg.colon_space
        else:
            if _PUNCT_NOT_AFTER_RE.match(s, m.end()):
                continue
            if p == ";" and _EMOTICON_RE.match(s, m.end()):
                continue  # ;) ;-)
            space = cfg.punctuation_space
        gap = s[k:i]
        new = _markers(gap) + space
        if gap != new:
            edits.append((k, i, new))
    return _apply(s, edits)


def _french_rules(s: str, cfg: TypographyConfig, sup: bool) -> str:
    protected = _protected_spans(s)
    if protected:
        pieces, last = [], 0
        for a, b in protected:
            pieces.append(s[last:a])
            pieces.append(PROT)
            last = b
        pieces.append(s[last:])
        protected = [s[a:b] for a, b in protected]
        s = "".join(pieces)

    if "..." in s:
        s = _ELLIPSIS_RE.sub("…", s)
    if "'" in s:
        s = _APOSTROPHE_RE.sub(lambda m: "’" if m.start() and s[m.start() - 1].isalpha() else "'", s)

    if '"' in s or "“" in s or "”" in s or "„" in s or "«" in s or "»" in s:
        s = _convert_quotes(s)
        if "«" in s:
            gs = cfg.guillemet_space
            s = _AFTER_OPEN_GUILLEMET_RE.sub(lambda m: "«" + gs + _markers(m.group(1)), s)
        if "»" in s:
            edits = []
            for m in _CLOSE_GUILLEMET_RE.finditer(s):
                i = m.start()
                k = _gap_start(s, i)
                if k and s[k - 1] not in "«\ufdd1":
                    new = _markers(s[k:i]) + cfg.guillemet_space
                    if s[k:i] != new:
                        edits.append((k, i, new))
            s = _apply(s, edits)

    if "—" in s:

        def _dialogue(m):
            k = m.start()
            while k and s[k - 1] in " \t\ufdd0":
                k -= 1
            if k and s[k - 1] not in "\n\ufdd1":
                return m.group(0)
            return "—" + NBSP + _markers(m.group(1))

        s = _DIALOGUE_RE.sub(_dialogue, s)

    if ";" in s or "!" in s or "?" in s or ":" in s:
        s = _punctuation(s, cfg)

    if any(d in s for d in "0123456789"):
        ts = cfg.thousands_separator

        def _number(m):
            i = m.start()
            prev = s[i - 1] if i else ""
            if m.group("sgap") is not None:
                number = s[i : m.start("sgap")]
            elif m.group("ugap") is not None:
                number = s[i : m.start("ugap")]
            elif m.group("osuf") is not None:
                number = s[i : m.start("osuf")]
            else:
                number = m.group(0)
            runs = _GROUP_SPACE_RE.split(number)
            if len(runs) > 1:
                if len(runs[0]) <= 3 and not (prev.isalnum() or prev in _NOT_BEFORE_NUMBER):
                    number = ts.join(runs)  # 1 000 000: thousands groups
                else:
                    prev = number[-4]  # 2019 300: not a number in groups; what follows is about "300"
            if m.group("sgap") is not None or m.group("ugap") is not None:
                return number + NBSP
            suffix = m.group("osuf")
            if suffix is None:
                return number
            plural = m.group("opl")
            if prev.isalnum() or prev in _NOT_BEFORE_ORDINAL:
                return number + suffix + plural
            if suffix in _FIRST_SUFFIXES:
                if runs[-1] != "1" or len(runs) > 1:
                    return number + suffix + plural
                suffix = _FIRST_SUFFIXES[suffix]
            else:
                suffix = "e"
            suffix += plural
            return number + (SUP_OPEN + suffix + SUP_CLOSE if sup else suffix)

        s = _numbers_re(cfg.extra_units).sub(_number, s)

    if "I" in s or "V" in s or "X" in s or "L" in s or "C" in s or "D" in s or "M" in s:

        def _roman(m):
            i = m.start()
            number = s[i : m.start("suffix")]
            suffix = m.group("suffix")
            if i and (s[i - 1].isalnum() or s[i - 1] in _NOT_BEFORE_ROMAN):
                return m.group(0)
            if number in _ROMAN_WORDS or not _ROMAN_STRICT_RE.fullmatch(number):
                return m.group(0)
            if suffix == "er":
                if number != "I":
                    return m.group(0)
            else:
                suffix = "e"
            suffix += m.group("pl")
            return number + (SUP_OPEN + suffix + SUP_CLOSE if sup else suffix)

        s = _ROMAN_ORDINAL_RE.sub(_roman, s)

    if protected:
        it = iter(protected)
        s = _PROT_RE.sub(lambda m: next(it), s)
    return s


# ---------------------------------------------------------------------------
# Public functions


def french_text(text: str, cfg: TypographyConfig = DEFAULT_CONFIG) -> str:
    """French typography for plain text (<title>, meta description, feed titles): no markup, no entities.

    Ordinals stay plain letters (``1er``, ``XIXe``) but misspellings are
    corrected (``2ème`` -> ``2e``). The text is not HTML: ``<`` and ``&`` are
    ordinary characters and are left as they are.
    """
    if not text or not cfg.enabled or _RESERVED_RE.search(text):
        return text
    return _french_rules(text, cfg, sup=False)


def french_html(html: str, cfg: TypographyConfig = DEFAULT_CONFIG) -> str:
    """French typography for an HTML fragment: only text nodes change, markup is kept byte for byte."""
    if not html or not cfg.enabled or _RESERVED_RE.search(html):
        return html
    texts, chunks, kinds = _tokenize(html, cfg.skip_tags)
    decoded = []
    for raw in texts:
        if "&" in raw:
            d = _html.unescape(raw)
            if _RESERVED_RE.search(d):
                return html
            decoded.append(d)
        else:
            decoded.append(raw)
    parts = [decoded[0]]
    for kind, text in zip(kinds, decoded[1:]):
        parts.append(kind)
        parts.append(text)
    combined = "".join(parts)
    result = _french_rules(combined, cfg, sup=cfg.ordinals_sup)
    if result == combined:
        return html
    new_texts = _MARKERS_RE.split(result)
    if len(new_texts) != len(texts):  # cannot happen: the rules never add or drop a marker
        return html
    out = []
    for i, new in enumerate(new_texts):
        if new == decoded[i]:
            out.append(texts[i])
        else:
            out.append(_escape(new).replace(SUP_OPEN, "<sup>").replace(SUP_CLOSE, "</sup>"))
        if i < len(chunks):
            out.append(chunks[i])
    return "".join(out)


# ---------------------------------------------------------------------------
# English: SmartyPants (quotes, dashes, ellipses), amp, widont; no caps.

_AMP_RE = re.compile(r"(\s|&nbsp;|&#160;)(&|&amp;|&#38;)(\s|&nbsp;|&#160;)")
_WIDONT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd"})
_END_TAG_NAME_RE = re.compile(r"</([A-Za-z][^\s/>]*)")
# The space before the last word of a block (&nbsp; and U+00A0 count as spaces, but never as a word).
_LAST_GAP_RE = re.compile(r"(?<=\S)(?:\s|&nbsp;|&#160;)+(?=(?:(?!&nbsp;|&#160;)\S)+\s*\Z)")


def _last_gap(text: str, tail: int = 256):
    """_LAST_GAP_RE.search(text), looked for in the end of the text first.

    The pattern's lookahead scans to the end from every space: on a whole paragraph that
    is quadratic. The gap before the last word lies in the tail; a match that could reach
    further back is looked for in the whole text instead.
    """
    start = max(0, len(text) - tail)
    if start:
        match = _LAST_GAP_RE.search(text, start)
        # The same match as a whole search unless the gap may begin earlier: at the tail's start,
        # or right after an entity space (which the pattern also counts as part of a gap).
        if match and match.start() > start and not text.endswith(("&nbsp;", "&#160;"), 0, match.start()):
            return match
    return _LAST_GAP_RE.search(text)


def _smartypants_segment(t: str, prev: str, plain: bool) -> str:
    """SmartyPants on one text segment; ``prev`` is the last character of the text before it ("" at a block start)."""
    # Each SmartyPants step runs a dozen regexes: skip the steps a segment gives no work to.
    if not plain and "\\" in t:
        t = _sp.process_escapes(t)
    if "-" in t:
        t = _sp.convert_dashes(t)
    if "." in t:
        t = _sp.convert_ellipses(t)
    if "`" in t:
        t = _sp.convert_backticks(t)
    if "'" not in t and '"' not in t:
        pass
    elif t == "'":
        t = "&#8217;" if prev and not prev.isspace() else "&#8216;"
    elif t == '"':
        t = "&#8221;" if prev and not prev.isspace() else "&#8220;"
    elif prev:
        # Give SmartyPants the context the tokenizer cut off: a space or a word character.
        ctx = " " if prev.isspace() else "a"
        t = _sp.convert_quotes(ctx + t)[1:]
    else:
        t = _sp.convert_quotes(t)
    if plain:
        t = _sp.convert_entities(t, 0)
    return t


def english_text(text: str) -> str:
    """English plain text: curly quotes, dashes and ellipses as Unicode characters, no markup, no entities."""
    if not text:
        return text
    return _smartypants_segment(text, "", plain=True)


def _widont(texts: list, kinds: list, chunks: list) -> None:
    """Join the last two words of each p / h1-6 / li / dt / dd with ``&nbsp;`` (in place, idempotent)."""
    block_start = 0  # index of the first text segment of the current block
    for i, kind in enumerate(kinds):
        if kind != BLK:
            continue
        m = _END_TAG_NAME_RE.match(chunks[i])
        if m and m.group(1).lower() in _WIDONT_BLOCKS:
            pieces, offsets = [], []
            pos = 0
            for k in range(block_start, i + 1):
                offsets.append(pos)
                pieces.append(texts[k])
                pos += len(texts[k])
                if k < i and kinds[k] == ATOM:  # <code>…</code> inside the block counts as a word
                    pieces.append(ATOM)
                    pos += 1
            joined = "".join(pieces)
            g = _last_gap(joined)
            if g and "&nbsp;" not in g.group(0) and "&#160;" not in g.group(0) and NBSP not in g.group(0):
                a, b = g.span()
                first = True
                for k, off in zip(range(block_start, i + 1), offsets):
                    seg = texts[k]
                    lo, hi = max(a, off), min(b, off + len(seg))
                    if lo >= hi:
                        continue
                    texts[k] = seg[: lo - off] + ("&nbsp;" if first else "") + seg[hi - off :]
                    first = False
        block_start = i + 1


def english_html(html: str, skip_tags: Iterable[str] = DEFAULT_CONFIG.skip_tags) -> str:
    """Typogrify for English pages: SmartyPants, ``amp`` and ``widont``, but no ``caps``; tags never change."""
    if not html:
        return html
    texts, chunks, kinds = _tokenize(html, frozenset(skip_tags))
    out = []
    prev = ""  # last character of the text before, within the same block
    for i, raw in enumerate(texts):
        if i:
            if kinds[i - 1] == BLK:
                prev = ""
            elif kinds[i - 1] == ATOM:
                prev = "a"
        if raw:
            new = _smartypants_segment(raw, prev, plain=False)
            if "&" in new:
                new = _AMP_RE.sub(r'\1<span class="amp">&amp;</span>\3', new)
            prev = raw[-1]
            raw = new
        out.append(raw)
    _widont(out, kinds, chunks)
    result = [out[0]]
    for chunk, text in zip(chunks, out[1:]):
        result.append(chunk)
        result.append(text)
    return "".join(result)


# ---------------------------------------------------------------------------
# Pelican side: every page's text typeset for its language.


def typesetters(lang: str, cfg: TypographyConfig):
    """(html function, plain-text function) for a language, or None where no rules apply."""
    if not cfg.enabled:
        return None
    if lang == "fr":
        return (lambda html: french_html(html, cfg)), (lambda text: french_text(text, cfg))
    if lang == "en":
        return (lambda html: english_html(html, cfg.skip_tags)), english_text
    return None


def typeset(value, lang: str = "fr", cfg: TypographyConfig = DEFAULT_CONFIG) -> Markup:
    """Jinja filter: a plain metadata string (subtitle, credits, tag…) typeset as safe HTML, by the
    build's TYPOGRAPHY_* settings (the theme's filter is bound to them, see add_typeset_filter)."""
    text = _html.escape(str(value), quote=False)  # quotes stay quotes, for the typesetter to curl
    functions = typesetters(lang, cfg)
    return Markup(functions[0](text) if functions else text)


_ANY_TAG = re.compile(r"<[^>]*>")
_ASCII_SPACES = re.compile(r"[ \t\r\n]+")


def plain(html: str) -> str:
    """Jinja filter: HTML as plain text for attributes and <title>, keeping no-break spaces.

    Jinja's ``striptags`` folds every Unicode space, the typographic ones included.
    """
    return _ASCII_SPACES.sub(" ", _html.unescape(_ANY_TAG.sub("", str(html)))).strip()


_settings_seen: list = [None, DEFAULT_CONFIG]  # [the settings object last read, its config]


def settings_config(settings) -> TypographyConfig:
    """config(settings), validated once per settings object (every page of a build shares one)."""
    if _settings_seen[0] is not settings:
        _settings_seen[:] = [settings, config(settings)]
    return _settings_seen[1]


@lru_cache(maxsize=8)
def config_key(cfg: TypographyConfig) -> tuple:
    """The settings a typeset text depends on, as a memo key (no sets: their order is not fixed)."""
    return tuple(tuple(sorted(value)) if isinstance(value, frozenset) else value for value in vars(cfg).values())


_MEMO = memo.named("typography")  # typeset HTML, kept between development builds (cafetech/memo.py)


def html_fragments(summary: str, body: str, title: str | None) -> dict[str, str]:
    """The HTML a content's typesetting runs on: its summary, its body (only what follows the
    summary when the summary is its first paragraph: no rule crosses a </p>) and its title."""
    parts = {}
    if summary:
        parts["summary"] = summary
    if body:
        if summary and summary.endswith("</p>") and body.startswith(summary):
            parts["rest"] = body[len(summary) :]
        else:
            parts["body"] = body
    if title:
        parts["title"] = _html.escape(title, quote=False)
    return parts


def typeset_content(content):
    """Typeset an article, page or issue: its body, summary, title (HTML and plain-text versions) and subtitle (plain text)."""
    lang, cfg = getattr(content, "lang", None), settings_config(content.settings)
    functions = typesetters(lang, cfg)
    if functions is None:
        return
    typeset_html, text = functions
    key = config_key(cfg)
    title = getattr(content, "title", None)
    done = {
        part: _MEMO.get(("html", lang, key, fragment), lambda fragment=fragment: typeset_html(fragment))
        for part, fragment in html_fragments(content.metadata.get("summary") or "", content._content or "", title).items()
    }
    if done.get("summary"):
        # Pelican keeps the summary twice and writes _summary back over the metadata later.
        content.metadata["summary"] = content._summary = done["summary"]
    if "rest" in done:
        content._content = done.get("summary", "") + done["rest"]
    elif "body" in done:
        content._content = done["body"]
    if title:
        content.title_html = Markup(done["title"])
        content.title_text = text(title)
    if subtitle := content.metadata.get("subtitle"):
        content.subtitle_text = text(str(subtitle))  # an issue's, for its description


def prepare_typesetting(content: str, metadata: dict, settings) -> None:
    """Typeset a reading ahead (a preparer: run where a file is read early, see cafetech/memo.py)."""
    lang = metadata.get("lang") or settings.get("DEFAULT_LANG")
    cfg = settings_config(settings)
    functions = typesetters(lang, cfg)
    if functions is None:
        return
    key = config_key(cfg)
    for fragment in html_fragments(metadata.get("summary") or "", content or "", metadata.get("title")).values():
        _MEMO.prepare(("html", lang, key, fragment), lambda fragment=fragment: functions[0](fragment))


def add_filter(pelican):
    config(pelican.settings)  # refuse bad settings once, at start
    pelican.settings["JINJA_FILTERS"] = {**pelican.settings.get("JINJA_FILTERS", {}), "plain": plain}


TYPESET_FILTER_MEMO = 16384  # strings kept by the typeset filter of one generator


def add_typeset_filter(generator):
    """The typeset filter with this build's settings: subtitles, credits and further-reading titles
    are typeset as the bodies are."""
    cfg = settings_config(generator.settings)
    # The same titles and credits come back on many pages (an article's, its issue's, its tags'):
    # each string is typeset once per generator (the filter is pure in its text and language).
    typeset_once = lru_cache(maxsize=TYPESET_FILTER_MEMO)(lambda text, lang: typeset(text, lang, cfg))
    generator.env.filters["typeset"] = lambda value, lang="fr": typeset_once(str(value), lang)


def register():
    from pelican import signals

    signals.initialized.connect(add_filter)
    signals.generator_init.connect(add_typeset_filter)
    signals.content_object_init.connect(typeset_content)
    memo.connect("typography")
    memo.preparer(prepare_typesetting)
