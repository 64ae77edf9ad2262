"""The translation memory: the site's own translations, offered to the blocks a sidecar leaves empty."""

# The memory is built on demand from the catalogs, so there is nothing to keep in sync: every
# translated entry (not fuzzy, markup kept as translations.check wants it) of every sidecar that is
# not withdrawn, the English title of every article, and the tag names of the theme catalog (the
# glossary). French texts are compared as further reading compares titles (normalize_title). An
# exact match on which every catalog agrees is a translation (published like the translator's own);
# anything less certain is a fuzzy suggestion, never published. The rules, and why, are in the
# README ("For translators").

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from cafetech.importer import ISSUE_FILE, ISSUES_DIR
from cafetech.sidecars import (
    WITHDRAWN,
    SidecarError,
    UpdateResult,
    is_memory_note,
    is_suggestion,
    markup_problems,
    parse_source,
    publication_state,
    read_sidecar,
    sidecar_path,
    update_sidecar,
)
from cafetech.titles import (
    FILENAME_REFERENCE,
    SLUG_REFERENCE,
    filename_target_path,
    normalize_title,
    path_key,
    split_item,
)

NEAR_THRESHOLD = 0.8  # SequenceMatcher ratio of the two texts' words: 2 x matched / (words of both)
NEAR_MIN_WORDS = 5  # a shorter text that differs is another text, not a variant of it
OTHERS_NOTED = 3  # other translations written in notes, at most
GLOSSARY_CONTEXT = "tag"  # the theme catalog's entries that name things
# Between the names of a title made of names: "OpenAI - Iliad", "Google, Meta / Amazon".
_NAME_SEPARATOR = re.compile(r"(\s+[-–—/&·+]\s+|\s*,\s+)")
_WORD = re.compile(r"\w+")
_ISSUE_DAY = re.compile(rf"^{ISSUES_DIR}/(\d{{4}}-\d{{2}}-\d{{2}})/")
_SLUG_LINE = re.compile(r"^slug:\s*(\S+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MemoryEntry:
    """One translation of the site: (French text, kind of block, English text, where it comes from)."""

    french: str
    kind: str
    english: str
    origin: str  # the sidecar, as notes name it: "2023-11-20/issue.en.po", "pages/a-propos.en.po"
    day: dt.date  # how recent: its issue's day, else its X-Published day


@dataclass(frozen=True)
class ArticleTitle:
    """An article a further-reading item can name, and its English title when it has one."""

    source: str  # path_key of the French source
    origin: str
    day: dt.date
    french: str
    english: str | None


@dataclass(frozen=True)
class Suggestion:
    """What the memory writes into an empty entry."""

    english: str
    fuzzy: bool  # a suggestion to review (never published); not fuzzy: a translation
    notes: tuple[str, ...]  # the '#.' comments naming where it comes from
    previous: str | None = None  # the French that ``english`` translates when it is not the block's ('#| msgid')


# --- matching (pure) ----------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """The words of a text as near matches count them: normalised as titles are, punctuation left out."""
    return tuple(_WORD.findall(normalize_title(text)))


def similarity(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """How alike two texts' words are: 1.0 the same words in the same order; one word changed in
    twenty gives 0.95 (difflib's ratio over words: 2 x matched / total)."""
    if not left and not right:
        return 1.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def same_english(left: str, right: str) -> bool:
    return left.split() == right.split()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def fits(french: str, english: str) -> bool:
    """Whether ``english`` keeps the links, code, emphasis and tags of ``french`` (translations.check)."""
    return not markup_problems(french, english)


def name_form(text: str, glossary: dict[str, tuple[str, str]]) -> tuple[str, tuple[str, ...]] | None:
    """(English, names used) of a text that is a name, or names between separators; None otherwise."""
    parts = _NAME_SEPARATOR.split(text.strip())
    names = parts[0::2]
    found = [glossary.get(normalize_title(name)) for name in names]
    if not names or any(form is None for form in found):
        return None
    english = [form[1] for form in found]
    pieces = [piece for pair in zip(english, [*parts[1::2], ""]) for piece in pair]
    return "".join(pieces), tuple(form[0] for form in found)


def _recency(entry) -> tuple:
    return (entry.day, entry.origin)


def _by_english(entries) -> list[list[MemoryEntry]]:
    """The entries grouped by their English, each group newest first, the group of the newest first."""
    groups: list[list[MemoryEntry]] = []
    for entry in sorted(entries, key=_recency, reverse=True):
        group = next((group for group in groups if same_english(group[0].english, entry.english)), None)
        if group is None:
            groups.append([entry])
        else:
            group.append(entry)
    return groups


def _others(groups: list[list[MemoryEntry]]) -> tuple[str, ...]:
    return tuple(f"other translation, from {group[0].origin}: {_one_line(group[0].english)}" for group in groups[:OTHERS_NOTED])


def agreed(english: str, note: str, entries) -> Suggestion:
    """``english`` (from a source that outranks the memory) as a translation, or fuzzy if the memory disagrees."""
    differing = _by_english(entry for entry in entries if not same_english(entry.english, english))
    if not differing:
        return Suggestion(english, False, (note,))
    return Suggestion(english, True, (f"{note}; other catalogs translate it differently", *_others(differing)))


def exact_choice(entries) -> Suggestion:
    """The translation of a text every entry translates: the same English everywhere is a translation
    (named by where it was first written); different ones give the most recent, fuzzy."""
    groups = _by_english(entries)
    if len(groups) == 1:
        first = min(groups[0], key=_recency)
        return Suggestion(groups[0][0].english, False, (f"from {first.origin}",))
    newest = groups[0][0]
    note = f"from {newest.origin}, the most recent of {len(groups)} different translations"
    return Suggestion(newest.english, True, (note, *_others(groups[1:])))


def near_choice(entries, score: float) -> Suggestion:
    """A suggestion from the entries of one French text close to the block's: fuzzy, '#| msgid' its French."""
    groups = _by_english(entries)
    best = groups[0][0]
    alike = "the same words, other markup" if score >= 1.0 else f"{int(score * 100)}% of the words alike"
    note = f"from {best.origin}, a near match ({alike}): #| msgid is the French it translates"
    return Suggestion(best.english, True, (note, *_others(groups[1:])), previous=best.french)


# --- the memory ---------------------------------------------------------------


@dataclass
class TranslationMemory:
    """Every translation of the site, looked up by the normalised French text."""

    entries: list[MemoryEntry] = field(default_factory=list)
    articles: list[ArticleTitle] = field(default_factory=list)
    glossary: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised name -> (name, English)
    content: Path | None = None  # where {filename} references and slugs are looked up
    skipped: list[str] = field(default_factory=list)  # catalogs left out, one line each: '<file>:<line>: …'

    def __post_init__(self):
        self.exact: dict[str, list[MemoryEntry]] = {}
        keys: dict[str, str] = {}  # a text repeated in many catalogs is normalised once
        for entry in self.entries:
            if entry.french not in keys:
                keys[entry.french] = normalize_title(entry.french)
            self.exact.setdefault(keys[entry.french], []).append(entry)
        self.titles: dict[str, list[ArticleTitle]] = {}
        for article in sorted(self.articles, key=_recency, reverse=True):  # the newest first, as links go
            self.titles.setdefault(normalize_title(article.french), []).append(article)
        self._near_index: dict | None = None
        self._slugs: dict[str, ArticleTitle] | None = None

    @property
    def size(self) -> int:
        return len(self.entries)

    # What the memory offers one block.

    def suggest(self, kind: str, text: str, origin: str = "", source: str | None = None) -> Suggestion | None:
        """The translation or suggestion for a block of ``origin`` (the sidecar being filled, beside
        the French file ``source``), or None."""
        same = self.exact.get(normalize_title(text), [])
        fitting = [entry for entry in same if fits(text, entry.english)]
        authority = self._linked_title(text, origin, source) if kind == "further_reading" else None
        if authority is None and (found := name_form(text, self.glossary)):
            english, names = found
            authority = (english, f"from the theme catalog's tag names ({', '.join(names)})")
        if authority is not None and fits(text, authority[0]):
            return agreed(*authority, same)
        if fitting:
            return exact_choice(fitting)
        return self._near(kind, text, same)

    def _linked_title(self, item: str, origin: str, source: str | None) -> tuple[str, str] | None:
        """(English title, note) of the article a further-reading item links to, if it has one."""
        title, reference = split_item(item)
        if reference and FILENAME_REFERENCE.match(reference):
            if source is None or self.content is None:
                return None
            target, _ = filename_target_path(reference, source, str(self.content))
            found = [article for article in self.articles if article.source == target]
        elif reference and (match := SLUG_REFERENCE.match(reference)):
            found = [self._by_slug()[match[1]]] if match[1] in self._by_slug() else []
        elif reference:
            return None  # an external link: no article of the site
        else:
            found = self.titles.get(normalize_title(title), [])
        target = next((article for article in found if article.origin != origin), None)  # never itself
        if target is None or target.english is None:
            return None
        return target.english, f"from {target.origin}, the English title of the article it links to"

    def _by_slug(self) -> dict[str, ArticleTitle]:
        if self._slugs is None:
            self._slugs = {}
            for article in sorted(self.articles, key=_recency):  # the newest wins, as links go
                if slug := _slug_of(Path(article.source)):
                    self._slugs[slug] = article
        return self._slugs

    def _near(self, kind: str, text: str, same: list[MemoryEntry]) -> Suggestion | None:
        query = words(text)
        if same:  # the same words, but the translations do not keep this text's markup
            return near_choice(same, 1.0)
        if len(query) < NEAR_MIN_WORDS:
            return None
        index, tokens = self._index(), frozenset(_tokens(query))
        bounded = []
        for key in self._candidates(query):
            # The ratio is at most the words both texts have, counted with repeats: a cheap bound first.
            bound = 2 * len(tokens & index["tokens"][key]) / (len(query) + len(index["words"][key]))
            if bound >= NEAR_THRESHOLD - 1e-9:
                bounded.append((bound, key))
        best = None
        for bound, key in sorted(bounded, reverse=True):
            if best is not None and bound < best[0][0]:
                break  # no text left can reach the best one's ratio
            score = similarity(query, index["words"][key])
            entries = self.exact[key]
            rank = (score, any(entry.kind == kind for entry in entries), max(map(_recency, entries)))
            if score >= NEAR_THRESHOLD and (best is None or rank > best[0]):
                best = (rank, key)
        return near_choice(self.exact[best[1]], best[0][0]) if best else None

    def _candidates(self, query: tuple[str, ...]) -> set[str]:
        """The texts that may reach NEAR_THRESHOLD: those sharing one of the query's rarest words.

        Two texts at ratio t share at least t/(2-t) of the query's words (counted with their
        repeats), so a text sharing none of the others is below the threshold (prefix filtering).
        """
        index = self._index()
        tokens = _tokens(query)
        tokens.sort(key=lambda token: (len(index["postings"].get(token, ())), token))
        needed = math.ceil(NEAR_THRESHOLD * len(tokens) / (2 - NEAR_THRESHOLD) - 1e-9)  # shared tokens, at least
        shortest = NEAR_THRESHOLD * len(query) / (2 - NEAR_THRESHOLD) - 1e-9  # lengths that can reach it
        longest = len(query) * (2 - NEAR_THRESHOLD) / NEAR_THRESHOLD + 1e-9
        found = set()
        for token in tokens[: max(1, len(tokens) - needed + 1)]:
            found.update(key for key in index["postings"].get(token, ()) if shortest <= len(index["words"][key]) <= longest)
        return found

    def _index(self) -> dict:
        """Built at the first near match asked for: most updates ask none."""
        if self._near_index is None:
            postings: dict[tuple[str, int], list[str]] = {}
            texts: dict[str, tuple[str, ...]] = {}
            tokens: dict[str, frozenset] = {}
            for key, entries in self.exact.items():
                texts[key] = words(entries[0].french)
                if len(texts[key]) >= NEAR_MIN_WORDS * NEAR_THRESHOLD / (2 - NEAR_THRESHOLD) - 1e-9:
                    tokens[key] = frozenset(_tokens(texts[key]))
                    for token in tokens[key]:
                        postings.setdefault(token, []).append(key)
            self._near_index = {"postings": postings, "words": texts, "tokens": tokens}
        return self._near_index

    # Filling a catalog.

    def fill(self, catalog: Catalog, origin: str = "", source: str | None = None) -> tuple[int, int]:
        """Translate the empty entries of ``catalog`` (the sidecar ``origin`` of the French file
        ``source``) from the memory: (filled, suggested)."""
        filled = suggested = 0
        for message in (message for message in catalog if message.id):
            # Stale: fuzzy because its French changed ('#| msgid' says from what), not a draft the translator flagged.
            stale = "fuzzy" in message.flags and bool(message.previous_id) and not is_suggestion(message)
            if isinstance(message.string, str) and message.string.strip() and not stale:
                continue  # a translation, the translator's or an earlier fill: never replaced
            found = self.suggest(message.context or "", message.id, origin, source)
            # A stale translation (of the French before an edit) gives way to a translation of this
            # French (an edit undone to a text the site translates), never to a suggestion.
            if found is not None and not (stale and found.fuzzy):
                write_suggestion(message, found)
                filled, suggested = filled + (not found.fuzzy), suggested + found.fuzzy
        return filled, suggested

    def filler(self, po_path: str | os.PathLike):
        """``fill`` for the sidecar at ``po_path``, as merge_catalog and update_sidecar take it."""
        po_path = Path(po_path)
        origin = origin_of(po_path, self.content) if self.content is not None else po_path.name
        source = str(po_path.with_suffix("").with_suffix(".md"))  # 01-x.en.po -> 01-x.md
        return lambda catalog: self.fill(catalog, origin, source)


def _tokens(text_words: tuple[str, ...]) -> list[tuple[str, int]]:
    """Each word with its rank among the same words: a multiset as a set."""
    seen: Counter = Counter()
    tokens = []
    for word in text_words:
        tokens.append((word, seen[word]))
        seen[word] += 1
    return tokens


def memory_counts(catalog: Catalog) -> tuple[int, int]:
    """(translated, suggested) entries of a catalog that carry the memory's note: what ``fill`` left there."""
    noted = [message for message in catalog if message.id and any(map(is_memory_note, message.auto_comments))]
    suggested = sum(is_suggestion(message) for message in noted)
    return len(noted) - suggested, suggested


def write_suggestion(message: Message, suggestion: Suggestion) -> None:
    """Write a memory's translation or suggestion into an empty entry, with its notes."""
    message.string = suggestion.english
    message.flags = (set(message.flags) - {"fuzzy"}) | ({"fuzzy"} if suggestion.fuzzy else set())
    message.previous_id = [suggestion.previous] if suggestion.previous else []
    kept = [comment for comment in message.auto_comments if not is_memory_note(comment)]
    message.auto_comments = [*kept, *suggestion.notes]


# --- reading the site ---------------------------------------------------------


def origin_of(po_path: Path, content: Path) -> str:
    """'content/issues/2023-11-20/issue.en.po' -> '2023-11-20/issue.en.po'; pages keep 'pages/'."""
    try:
        name = po_path.resolve().relative_to(content.resolve()).as_posix()
    except ValueError:
        return po_path.name
    return name.removeprefix(f"{ISSUES_DIR}/")


def day_of(relative: str, catalog: Catalog | None) -> dt.date:
    """How recent a sidecar is: the day of its issue; else the day it was published; else the oldest."""
    if match := _ISSUE_DAY.match(relative):
        try:
            return dt.date.fromisoformat(match[1])
        except ValueError:
            pass
    stamp = getattr(catalog, "extra_headers", {}).get("X-Published", "")
    try:
        return dt.date.fromisoformat(stamp)
    except ValueError:
        return dt.date.min


def catalog_entries(catalog: Catalog, origin: str, day: dt.date) -> list[MemoryEntry]:
    """The memory entries of a catalog: its translated entries that keep their French markup."""
    return [
        MemoryEntry(message.id, message.context or "", message.string, origin, day)
        for message in catalog
        if message.id
        and isinstance(message.string, str)
        and message.string.strip()
        and "fuzzy" not in message.flags
        and fits(message.id, message.string)
    ]


def glossary_of(theme_catalog: Catalog) -> dict[str, tuple[str, str]]:
    """The tag names of the theme catalog with their English forms: {normalised name: (name, English)}."""
    return {
        normalize_title(message.id): (message.id, message.string)
        for message in theme_catalog
        if message.id
        and message.context == GLOSSARY_CONTEXT
        and isinstance(message.string, str)
        and message.string.strip()
        and "fuzzy" not in message.flags
    }


def _is_article(relative: str) -> bool:
    parts = relative.split("/")
    return len(parts) == 3 and parts[0] == ISSUES_DIR and parts[2] != ISSUE_FILE


def _slug_of(source: Path) -> str | None:
    """The Slug: of a source's metadata header, read up to the first blank line."""
    try:
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    return None
                if match := _SLUG_LINE.match(line.strip()):
                    return match[1]
    except OSError:
        return None
    return None


def build_memory(
    content: str | os.PathLike, sources, lang: str = "en", theme_catalog: str | os.PathLike | None = None
) -> TranslationMemory:
    """The memory of the ``lang`` sidecars of ``sources`` (French files under ``content``) and of the
    theme catalog's tag names. A catalog that cannot be read is left out and named in ``skipped``;
    a withdrawn translation is left out."""
    content = Path(content)
    entries, articles, skipped = [], [], []
    for source in map(Path, sources):
        po, relative = sidecar_path(source, lang), Path(os.path.relpath(source, content)).as_posix()
        origin, catalog = origin_of(po, content), None
        if po.exists():
            try:
                catalog = read_sidecar(po)
            except SidecarError as error:
                skipped.append(str(error))
        day = day_of(relative, catalog)
        own = catalog_entries(catalog, origin, day) if catalog is not None and publication_state(catalog) != WITHDRAWN else []
        entries.extend(own)
        if _is_article(relative) and (title := _french_title(catalog, source)):
            english = next((entry.english for entry in own if entry.kind == "title" and entry.french == title), None)
            articles.append(ArticleTitle(path_key(str(source)), origin, day, title, english))
    glossary = {}
    if theme_catalog is not None and Path(theme_catalog).exists():
        try:
            glossary = glossary_of(read_sidecar(theme_catalog))
        except SidecarError as error:
            skipped.append(str(error))
    return TranslationMemory(entries, articles, glossary, content, skipped)


def _french_title(catalog: Catalog | None, source: Path) -> str | None:
    """An article's French title: its sidecar's title entry, else its own header (a new article)."""
    if catalog is not None:
        found = next((message.id for message in catalog if message.id and message.context == "title"), None)
        if found:
            return found
    try:
        return next((block.text for block in parse_source(source.read_text("utf-8")).blocks if block.kind == "title"), None)
    except (OSError, UnicodeDecodeError):
        return None


# --- the update of every sidecar --------------------------------------------------


@dataclass
class SiteUpdate:
    """What updating every sidecar of a language did."""

    results: list[UpdateResult]
    failures: list[str]  # one line each: '<file>:<line>: …'
    memory: TranslationMemory | None


def update_sidecars(
    content: str | os.PathLike,
    sources,
    lang: str = "en",
    min_coverage: float | None = 100,
    *,
    theme_catalog: str | os.PathLike | None = None,
    memory: bool = True,
    today: dt.date | None = None,
) -> SiteUpdate:
    """Create or update the ``lang`` sidecar of every source, filling empty entries from the memory
    (read before any sidecar is rewritten, so what this run fills feeds only the next run)."""
    sources = list(map(Path, sources))
    found = build_memory(content, sources, lang, theme_catalog) if memory else None
    results, failures = [], []
    for source in sources:
        po = sidecar_path(source, lang)
        try:
            results.append(update_sidecar(source, po, lang, min_coverage, today=today, fill=found.filler(po) if found else None))
        except SidecarError as error:
            failures.append(str(error))
    return SiteUpdate(results, failures, found)
