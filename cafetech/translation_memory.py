"""The translation memory: the site's own translations, offered to the blocks a sidecar leaves empty."""

# The memory is built on demand from the catalogs (translations.update keeps each catalog's reading
# under the digests of its files: update_state.py), so there is nothing to keep in sync: every
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
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from cafetech.files import hash_of
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
from cafetech.update_state import file_digest, load_state, save_state

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
    normalized: dict[str, str] = field(default_factory=dict, repr=False)  # French -> normalize_title(French), known already

    def __post_init__(self):
        self.exact: dict[str, list[MemoryEntry]] = {}
        keys = dict(self.normalized)  # a text repeated in many catalogs is normalised once
        for entry in self.entries:
            if entry.french not in keys:
                keys[entry.french] = normalize_title(entry.french)
            self.exact.setdefault(keys[entry.french], []).append(entry)
        self.titles: dict[str, list[ArticleTitle]] = {}
        for article in sorted(self.articles, key=_recency, reverse=True):  # the newest first, as links go
            key = keys.get(article.french) or normalize_title(article.french)
            self.titles.setdefault(key, []).append(article)
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
            for key in self.exact:
                texts[key] = tuple(_WORD.findall(key))  # words(): the key is the text normalised already
                if len(texts[key]) >= NEAR_MIN_WORDS * NEAR_THRESHOLD / (2 - NEAR_THRESHOLD) - 1e-9:
                    tokens[key] = frozenset(_tokens(texts[key]))
                    for token in tokens[key]:
                        postings.setdefault(token, []).append(key)
            self._near_index = {"postings": postings, "words": texts, "tokens": tokens}
        return self._near_index

    # Filling a catalog.

    def fill(self, catalog: Catalog, origin: str = "", source: str | None = None, asked: list | None = None) -> tuple[int, int]:
        """Translate the empty entries of ``catalog`` (the sidecar ``origin`` of the French file
        ``source``) from the memory: (filled, suggested). Each question and its answer, (kind, text,
        Suggestion or None), is added to ``asked``: all the catalog took from the memory."""
        filled = suggested = 0
        for message in (message for message in catalog if message.id):
            # Stale: fuzzy because its French changed ('#| msgid' says from what), not a draft the translator flagged.
            stale = "fuzzy" in message.flags and bool(message.previous_id) and not is_suggestion(message)
            if isinstance(message.string, str) and message.string.strip() and not stale:
                continue  # a translation, the translator's or an earlier fill: never replaced
            found = self.suggest(message.context or "", message.id, origin, source)
            if asked is not None:
                asked.append((message.context or "", message.id, found))
            # A stale translation (of the French before an edit) gives way to a translation of this
            # French (an edit undone to a text the site translates), never to a suggestion.
            if found is not None and not (stale and found.fuzzy):
                write_suggestion(message, found)
                filled, suggested = filled + (not found.fuzzy), suggested + found.fuzzy
        return filled, suggested

    def filler(self, po_path: str | os.PathLike, asked: list | None = None):
        """``fill`` for the sidecar at ``po_path``, as merge_catalog and update_sidecar take it."""
        origin, source = self._whose(po_path)
        return lambda catalog: self.fill(catalog, origin, source, asked)

    def answers_alike(self, po_path: str | os.PathLike, asked) -> bool:
        """Whether the memory answers each question ``asked`` (as ``fill`` lists them) for the sidecar at
        ``po_path`` as it did: then filling that catalog again would write what it wrote."""
        origin, source = self._whose(po_path)
        return all(self.suggest(kind, text, origin, source) == found for kind, text, found in asked)

    def _whose(self, po_path: str | os.PathLike) -> tuple[str, str]:
        """(origin, French source) of a sidecar, as ``suggest`` takes them."""
        po_path = Path(po_path)
        origin = origin_of(po_path, self.content) if self.content is not None else po_path.name
        return origin, str(po_path.with_suffix("").with_suffix(".md"))  # 01-x.en.po -> 01-x.md


def _tokens(text_words: tuple[str, ...]) -> list[tuple[str, int]]:
    """Each word with its rank among the same words: a multiset as a set."""
    if len(set(text_words)) == len(text_words):
        return [(word, 0) for word in text_words]  # no word twice: most texts
    seen: dict[str, int] = {}
    tokens = []
    for word in text_words:
        rank = seen.get(word, 0)
        tokens.append((word, rank))
        seen[word] = rank + 1
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


@dataclass(frozen=True)
class CatalogReading:
    """What one sidecar gives the memory: the same as long as its French source and it are the same."""

    entries: tuple[tuple[str, str, str, str], ...]  # (French, kind, English, normalised French) of each MemoryEntry
    day: dt.date
    title: tuple[str, str, str | None] | None  # an article's (French title, normalised, English title)
    skipped: str | None  # why the catalog is left out: '<file>:<line>: …'

    def as_json(self) -> dict:
        title = list(self.title) if self.title is not None else None
        return {"entries": [list(entry) for entry in self.entries], "day": self.day.isoformat(), "title": title, "skipped": self.skipped}

    @classmethod
    def from_json(cls, data: dict) -> CatalogReading:
        title = tuple(data["title"]) if data["title"] is not None else None
        entries = tuple(tuple(entry) for entry in data["entries"])
        if not all(len(entry) == 4 for entry in entries) or (title is not None and len(title) != 3):
            raise ValueError("not a catalog reading")
        return cls(entries, dt.date.fromisoformat(data["day"]), title, data["skipped"])


def read_catalog(content: str | os.PathLike, source: str | os.PathLike, lang: str = "en") -> CatalogReading:
    """What the ``lang`` sidecar of ``source`` (a French file under ``content``) gives the memory: its
    translated entries (none when it is withdrawn or cannot be read), and an article's title."""
    content, source = Path(content), Path(source)
    po, relative = sidecar_path(source, lang), Path(os.path.relpath(source, content)).as_posix()
    catalog, skipped = None, None
    if po.exists():
        try:
            catalog = read_sidecar(po)
        except SidecarError as error:
            skipped = str(error)
    day = day_of(relative, catalog)
    own = catalog_entries(catalog, "", day) if catalog is not None and publication_state(catalog) != WITHDRAWN else []
    keys = {entry.french: normalize_title(entry.french) for entry in own}
    title = None
    if _is_article(relative) and (french := _french_title(catalog, source)):
        english = next((entry.english for entry in own if entry.kind == "title" and entry.french == french), None)
        title = (french, keys.get(french) or normalize_title(french), english)
    return CatalogReading(tuple((e.french, e.kind, e.english, keys[e.french]) for e in own), day, title, skipped)


def memory_of_readings(
    content: str | os.PathLike, readings: dict[Path, CatalogReading], lang: str = "en", theme_catalog: str | os.PathLike | None = None
) -> TranslationMemory:
    """The memory of the catalogs as read (one reading per French source, in order) and of the theme
    catalog's tag names; an unreadable theme catalog is named in ``skipped``."""
    content = Path(content)
    entries, articles, skipped, normalized = [], [], [], {}
    for source, reading in readings.items():
        origin = origin_of(sidecar_path(source, lang), content)
        for french, kind, english, key in reading.entries:
            entries.append(MemoryEntry(french, kind, english, origin, reading.day))
            normalized[french] = key
        if reading.title is not None:
            french, key, english = reading.title
            articles.append(ArticleTitle(path_key(str(source)), origin, reading.day, french, english))
            normalized[french] = key
        if reading.skipped is not None:
            skipped.append(reading.skipped)
    glossary = {}
    if theme_catalog is not None and Path(theme_catalog).exists():
        try:
            glossary = glossary_of(read_sidecar(theme_catalog))
        except SidecarError as error:
            skipped.append(str(error))
    return TranslationMemory(entries, articles, glossary, content, skipped, normalized)


def build_memory(
    content: str | os.PathLike, sources, lang: str = "en", theme_catalog: str | os.PathLike | None = None
) -> TranslationMemory:
    """The memory of the ``lang`` sidecars of ``sources`` (French files under ``content``) and of the
    theme catalog's tag names. A catalog that cannot be read is left out and named in ``skipped``;
    a withdrawn translation is left out."""
    readings = {Path(source): read_catalog(content, source, lang) for source in sources}
    return memory_of_readings(content, readings, lang, theme_catalog)


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

    results: list[UpdateResult]  # of the sidecars updated (those a run could not change are skipped)
    failures: list[str]  # one line each: '<file>:<line>: …'
    memory: TranslationMemory | None
    skipped: int = 0  # sidecars left as they are: their update would change nothing
    warning: str | None = None  # the state file was damaged (every sidecar updated) or cannot be written


def _answer_json(found: Suggestion | None) -> list | None:
    return None if found is None else [found.english, found.fuzzy, list(found.notes), found.previous]


def _answer(data: list | None) -> Suggestion | None:
    return None if data is None else Suggestion(data[0], bool(data[1]), tuple(data[2]), data[3])


def update_sidecars(
    content: str | os.PathLike,
    sources,
    lang: str = "en",
    min_coverage: float | None = 100,
    *,
    theme_catalog: str | os.PathLike | None = None,
    memory: bool = True,
    today: dt.date | None = None,
    state: str | os.PathLike | None = None,
) -> SiteUpdate:
    """Create or update the ``lang`` sidecar of every source, filling empty entries from the memory
    (read before any sidecar is rewritten, so what this run fills feeds only the next run).

    With ``state`` (the record of the last run, rewritten at the end) a sidecar is left alone when
    updating it would write what it holds: its source and it are as a run found them when updating
    them changed nothing, and the memory answers what that update asked of it as it did then.
    The files are the same as without ``state``, only sooner.
    """
    content, sources = Path(content), list(map(Path, sources))
    last, warning = load_state(state) if state is not None else ({}, None)
    pairs = {source: (sidecar_path(source, lang), Path(os.path.relpath(source, content)).as_posix()) for source in sources}
    digests = {key: [file_digest(source), file_digest(po)] for source, (po, key) in pairs.items()}
    recipe = hash_of((lang, min_coverage, memory))  # what else an update of one sidecar depends on
    # The memory is what the catalogs and the theme catalog hold: the same files, the same memory.
    theme = file_digest(theme_catalog) if theme_catalog is not None else None
    index = hash_of((sorted(map(tuple, digests.items())), theme)) if memory else None
    try:
        plan = _plan(content, pairs, digests, last, recipe, index, lang, theme_catalog, memory)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:  # the right form, wrong inside
        warning = f"{state}: damaged ({type(error).__name__}: {error}); every sidecar updated"
        last, plan = {}, _plan(content, pairs, digests, {}, recipe, index, lang, theme_catalog, memory)
    known, quiet, readings, site_memory = plan

    results, failures, records = [], [], {}
    for source, (po, key) in pairs.items():
        reading = known.get(key, {}).get("reading") or (readings[source].as_json() if source in readings else None)
        record = {"source": digests[key][0], "sidecar": digests[key][1], "reading": reading, "settled": None}
        if key in quiet:
            records[key] = {**record, "settled": {**known[key]["settled"], "memory": index}}
            continue
        asked = []
        fill = site_memory.filler(po, asked) if site_memory else None
        try:
            result = update_sidecar(source, po, lang, min_coverage, today=today, fill=fill)
        except SidecarError as error:
            failures.append(str(error))
            records[key] = record
            continue
        results.append(result)
        if not result.changed:  # updating it again, asked the same, would change nothing either
            answers = [[kind, text, _answer_json(found)] for kind, text, found in asked]
            records[key] = {**record, "settled": {"recipe": recipe, "memory": index, "asked": answers}}
    if state is not None and records != last:
        try:
            save_state(state, records)
        except OSError as error:  # the sidecars are written: only the next run's speed is lost
            warning = f"{state}: cannot be written ({error.strerror}); the next update updates every sidecar"
    return SiteUpdate(results, failures, site_memory, len(quiet), warning)


def _plan(content: Path, pairs: dict, digests: dict, last: dict, recipe: str, index, lang: str, theme_catalog, memory: bool):
    """(the records of the last run still true of the files, the sources whose update would change
    nothing, the catalogs as the memory reads them, the memory): what update_sidecars works from."""
    known = {key: record for key, record in last.items() if [record["source"], record["sidecar"]] == digests.get(key)}
    settled = {key: found for key, record in known.items() if (found := record["settled"]) and found["recipe"] == recipe}
    quiet = {key for key, found in settled.items() if found["memory"] == index or not found["asked"]}
    readings, site_memory = {}, None
    if memory and len(quiet) < len(digests):  # a sidecar to update or whose answers to check: the memory
        for source, (_, key) in pairs.items():
            reading = known.get(key, {}).get("reading")
            readings[source] = CatalogReading.from_json(reading) if reading else read_catalog(content, source, lang)
        site_memory = memory_of_readings(content, readings, lang, theme_catalog)
        for source, (po, key) in pairs.items():
            if key in settled and key not in quiet:
                asked = [(kind, text, _answer(answer)) for kind, text, answer in settled[key]["asked"]]
                if site_memory.answers_alike(po, asked):
                    quiet.add(key)
    return known, quiet, readings, site_memory
