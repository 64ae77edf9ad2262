"""The tag registry (content/tags.toml): canonical names with aliases, and the rule that tags an article
with what it is about. Read by the tag_registry plugin at build and by the tasks (tags.suggest,
translations.update)."""

from __future__ import annotations

import html
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from cafetech.files import hash_of
from cafetech.titles import split_item

# Where an article can name an entity: its title, its lede (Summary), its subheadings, its running
# text, and the titles of its further reading (the articles it sends the reader to next).
FIELDS = ("title", "summary", "heading", "paragraph", "further_reading")

# An article is tagged with an entity when its mentions, weighted by where they are, reach
# TAG_REGISTRY_MIN_MENTIONS. One in the title or a subheading tags at once (the editor chose those
# words); one in the lede counts two, so the lede tags with one more mention anywhere; three in the
# text tag; a further-reading title counts one, as a sentence of the text would (it says what the
# reader should read next, so it tells the subject, but describes another article).
DEFAULTS = {
    "TAG_REGISTRY_PATH": "tags.toml",
    "TAG_REGISTRY_MIN_MENTIONS": 3,
    "TAG_REGISTRY_WEIGHTS": {"title": 3, "summary": 2, "heading": 3, "paragraph": 1, "further_reading": 1},
    "TAG_REGISTRY_AUTO": True,
}

# The fields where every mention counts its weight: the editor wrote them to name the subject.
SUBJECT_FIELDS = ("title", "heading")

# Elsewhere, a name right after one of these words is named in passing and counts nothing: it
# describes someone else ("l’ancien directeur général de Google", "le fondateur de Free") or is an
# example ("Microsoft comme Google"). So is a name joined to such a name ("anciens de Google et de Meta").
IN_PASSING = re.compile(
    r"(?<!\w)(?:"
    r"(?:anciens?|anciennes?|(?:co)?fondat(?:eur|rice)s?|filiales?|concept(?:eur|rice)s?|patron(?:ne)?s?"
    r"|direct(?:eur|rice)s?(?:\s+général(?:e)?s?)?|rivale?s?|rivaux|concurrente?s?)\s+(?:de\s+|d['’])"
    r"|comme\s+|tel(?:le)?s?\s+qu(?:e\s+|['’])|à\s+l['’](?:instar|image)\s+(?:de\s+|d['’])|ex-"
    r")$",
    re.IGNORECASE,
)
_JOINED = re.compile(r"[\s,]*(?:(?:et|ou)\s+)?(?:de\s+|d['’])?", re.IGNORECASE)
_CUE_REACH = 40  # characters before a name where its cue can be


class TagRegistryError(Exception):
    """A registry that cannot be used; the message names the file."""


@dataclass(frozen=True)
class TagRegistryConfig:
    path: str
    min_mentions: int
    weights: dict  # field -> whole number >= 0, one for each of FIELDS
    auto: bool


@dataclass(frozen=True)
class Entity:
    name: str
    pattern: re.Pattern
    # The names as plain strings, apostrophes written ' (plain_apostrophes): a text that contains none
    # of them cannot match the pattern, and a substring test is much cheaper than the pattern's scan.
    literals: tuple[str, ...] = ()

    def could_match(self, plain_text: str) -> bool:
        """False only when the pattern cannot match the text (given with plain_apostrophes)."""
        return not self.literals or any(literal in plain_text for literal in self.literals)


@dataclass(frozen=True)
class Mention:
    """One name of the registry found in one field of an article, and what it counts."""

    tag: str
    field: str
    text: str  # as written
    weight: int
    cue: str = ""  # the words that make it a mention in passing (it then weighs 0)


@dataclass(frozen=True)
class Registry:
    entities: tuple[Entity, ...]
    canonical: dict  # spelling_key(name or alias) -> canonical name

    @cached_property
    def key(self) -> str:
        """A digest of what automatic tagging depends on: each entity's name and pattern, in order."""
        return hash_of(tuple((entity.name, entity.pattern.pattern) for entity in self.entities))

    def canonical_name(self, name: str) -> str:
        return self.canonical.get(spelling_key(name), name.strip())

    @property
    def names(self) -> list[str]:
        """The canonical names, in the registry's order (translated in the theme catalog, context "tag")."""
        return [entity.name for entity in self.entities]

    @property
    def spellings(self) -> set[str]:
        """Every canonical name and alias, as spelling_key() writes them."""
        return set(self.canonical)


def _whole(value, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def config(settings: dict) -> TagRegistryConfig:
    """The plugin's settings: the user's laid over DEFAULTS (weights field by field), validated."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    minimum = merged["TAG_REGISTRY_MIN_MENTIONS"]
    if not _whole(minimum, 1):
        raise ValueError(f"tag_registry: TAG_REGISTRY_MIN_MENTIONS must be a whole number >= 1, not {minimum!r}")
    given = merged["TAG_REGISTRY_WEIGHTS"]
    if not isinstance(given, dict):
        raise ValueError(f"tag_registry: TAG_REGISTRY_WEIGHTS must be a dict of {', '.join(FIELDS)}, not {given!r}")
    unknown = sorted(set(given) - set(FIELDS), key=str)
    if unknown:
        raise ValueError(
            f"tag_registry: TAG_REGISTRY_WEIGHTS has unknown field(s) {', '.join(map(repr, unknown))}; "
            f"the fields are {', '.join(FIELDS)}"
        )
    weights = {**DEFAULTS["TAG_REGISTRY_WEIGHTS"], **given}
    for field, weight in weights.items():
        if not _whole(weight, 0):
            raise ValueError(f"tag_registry: TAG_REGISTRY_WEIGHTS[{field!r}] must be a whole number >= 0, not {weight!r}")
    path = merged["TAG_REGISTRY_PATH"]
    if path and not os.path.isabs(path):
        path = os.path.join(settings.get("PATH", "."), path)
    return TagRegistryConfig(path=path, min_mentions=minimum, weights=weights, auto=bool(merged["TAG_REGISTRY_AUTO"]))


# --- pure functions ---------------------------------------------------------


_APOSTROPHE = re.compile("['’]")


def plain_apostrophes(text: str) -> str:
    """The text with every apostrophe written ' (what Entity.literals are compared with)."""
    return _APOSTROPHE.sub("'", text)


def spelling_key(name: str) -> str:
    """A name compared without case, surrounding spaces or apostrophe style."""
    return plain_apostrophes(name.strip().casefold())


def mention_pattern(names: list[str]) -> re.Pattern:
    """A regex finding any of the names as whole words, the longest name first, with either apostrophe."""
    # Tagging reads the text before typography turns ' into ’, and editors type either.
    alternatives = "|".join(_APOSTROPHE.sub("['’]", re.escape(name)) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def build_registry(data: dict, path: str = "tags.toml") -> Registry:
    """The registry from its parsed TOML: {canonical name: {aliases: [...]}}."""
    canonical: dict[str, str] = {}
    entities = []
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise TagRegistryError(f"{path}: [{name}] must be a table, e.g. [{name}] with aliases = [...]")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise TagRegistryError(f"{path}: [{name}] aliases must be a list of non-empty strings")
        unknown = set(entry) - {"aliases"}
        if unknown:
            raise TagRegistryError(f"{path}: [{name}] has unknown key(s): {', '.join(sorted(unknown))}")
        for spelling in [name, *aliases]:
            key = spelling_key(spelling)
            if canonical.get(key, name) != name:
                raise TagRegistryError(
                    f"{path}: {spelling!r} names two tags, {canonical[key]!r} and {name!r}; keep it in one"
                )
            canonical[key] = name
        spellings = [name, *aliases]
        entities.append(Entity(name=name, pattern=mention_pattern(spellings), literals=tuple(map(plain_apostrophes, spellings))))
    return Registry(entities=tuple(entities), canonical=canonical)


def shown_path(path: str) -> str:
    """A path as short as it can be read: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


@lru_cache(maxsize=4)
def _load_registry(path: str, mtime_ns: int) -> Registry:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise TagRegistryError(f"{shown_path(path)}: {error}") from None
    return build_registry(data, shown_path(path))


def load_registry(path: str) -> Registry:
    """The registry at ``path``, read once per version of the file; empty when there is none."""
    if not path or not os.path.exists(path):
        return Registry(entities=(), canonical={})
    return _load_registry(path, os.stat(path).st_mtime_ns)


_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h[2-6][^>]*>(.*?)</h[2-6]>", re.DOTALL)


def plain_text(fragment: str) -> str:
    return html.unescape(_TAG.sub(" ", fragment))


def article_fields(title: str, summary_html: str, content_html: str, further_reading=()) -> dict[str, list[str]]:
    """An article's text by field (FIELDS): title, lede, subheadings, running text, further-reading titles."""
    body = content_html or ""
    if summary_html and body.startswith(summary_html):
        body = body[len(summary_html) :]  # the importer repeats the lede as the first paragraph: it counts once
    lines = [further_reading] if isinstance(further_reading, str) else list(further_reading or ())
    return {
        "title": [plain_text(title or "")],
        "summary": [plain_text(summary_html)] if summary_html else [],
        "heading": [plain_text(heading) for heading in _HEADING.findall(body)],
        "paragraph": [plain_text(_HEADING.sub(" ", body))],
        "further_reading": [split_item(line)[0] for line in lines if line.strip()],  # the title, not its " | target"
    }


def passing_cue(text: str, start: int) -> str:
    """The words before ``text[start:]`` that make a name there a mention in passing, or ""."""
    found = IN_PASSING.search(text, max(0, start - _CUE_REACH), start)
    return " ".join(found[0].split()) if found else ""


def passing_cues(text: str, field: str, spans: list[tuple[int, int]]) -> list[str]:
    """For each name at ``spans`` (start, end, in the order written) in a text of ``field``: the words
    that make it a mention in passing (it then weighs 0), or ""."""
    cues: list[str] = []
    previous_end, previous_cue = None, ""
    for start, end in spans:
        cue = "" if field in SUBJECT_FIELDS else passing_cue(text, start)
        if not cue and previous_cue and field not in SUBJECT_FIELDS and _JOINED.fullmatch(text, previous_end, start):
            cue = previous_cue  # "anciens de Google et de Meta": both are named in passing
        cues.append(cue)
        previous_end, previous_cue = end, cue
    return cues


def text_mentions(text: str, field: str, registry: Registry, weights: dict[str, int]) -> list[Mention]:
    """The registry's names in one text of ``field``, in the order written, each with its weight."""
    plain = plain_apostrophes(text)
    found = sorted(
        (match.start(), match.end(), entity.name, match[0])
        for entity in registry.entities
        if entity.could_match(plain)
        for match in entity.pattern.finditer(text)
    )
    cues = passing_cues(text, field, [(start, end) for start, end, _name, _written in found])
    return [
        Mention(tag=name, field=field, text=written, weight=0 if cue else weights[field], cue=cue)
        for (_start, _end, name, written), cue in zip(found, cues)
    ]


def article_mentions(fields: dict[str, list[str]], registry: Registry, weights: dict[str, int]) -> list[Mention]:
    """Every mention of the registry's names in an article's fields, field by field."""
    return [mention for field, texts in fields.items() for text in texts for mention in text_mentions(text, field, registry, weights)]


def tag_scores(fields: dict[str, list[str]], registry: Registry, weights: dict[str, int]) -> dict[str, int]:
    """Each entity the fields name with a weight, and the sum of its mentions' weights, in the registry's order."""
    totals: dict[str, int] = {}
    for mention in article_mentions(fields, registry, weights):
        totals[mention.tag] = totals.get(mention.tag, 0) + mention.weight
    return {entity.name: totals[entity.name] for entity in registry.entities if totals.get(entity.name)}


def automatic_tags(scores: dict[str, int], min_mentions: int) -> list[str]:
    """The entities whose score reaches ``min_mentions``, in the registry's order."""
    return [name for name, score in scores.items() if score >= min_mentions]


def merge_tags(registry: Registry, explicit: list[str], automatic: list[str], excluded: list[str]) -> list[str]:
    """The editor's tags first, then the automatic ones not excluded, all canonical, without repeats."""
    # Exclude_tags corrects the rule, never the editor: a tag written in Tags stays.
    removed = {registry.canonical_name(name).casefold() for name in excluded}
    merged: list[str] = []
    seen: set[str] = set()
    for name in [*map(registry.canonical_name, explicit), *(name for name in automatic if name.casefold() not in removed)]:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            merged.append(name)
    return merged


def unknown_tags(registry: Registry, explicit: list[str]) -> list[str]:
    """The editor's tags the registry has under no spelling (none when there is no registry)."""
    if not registry.entities:
        return []
    return [name for name in explicit if spelling_key(name) not in registry.canonical]


def unknown_tag_warning(source: str, name: str, registry_path: str) -> str:
    """The build's one line about a tag written in an article that the registry lacks."""
    return (
        f"{source}: tag {name!r} is not in {registry_path}; kept as written. "
        f'If it is a tag of the site, add ["{name}"] with aliases = [] there; else correct its spelling'
    )


def explanation(
    fields: dict[str, list[str]],
    registry: Registry,
    cfg: TagRegistryConfig,
    explicit: list[str] = (),
    excluded: list[str] = (),
) -> list[str]:
    """Lines saying, for each tag given or refused, the mentions and weights that decided it, and the threshold."""
    mentions = article_mentions(fields, registry, cfg.weights)
    scores = tag_scores(fields, registry, cfg.weights)
    automatic = automatic_tags(scores, cfg.min_mentions) if cfg.auto else []
    given = merge_tags(registry, list(explicit), automatic, list(excluded))
    written = {registry.canonical_name(name) for name in explicit}
    removed = {registry.canonical_name(name) for name in excluded}
    weights = ", ".join(f"{field} {weight}" for field, weight in cfg.weights.items())
    lines = [
        f"threshold {cfg.min_mentions}; weights: {weights}; "
        f"a name in passing (after 'comme', 'ancien de'…) weighs 0 outside the {' and '.join(SUBJECT_FIELDS)}"
    ]
    mentioned = {mention.tag for mention in mentions}
    names = [*given, *(entity.name for entity in registry.entities if entity.name in mentioned | removed and entity.name not in given)]
    width = max((len(field) for field in FIELDS), default=0)
    for name in names:
        score = scores.get(name, 0)
        if name in written:
            why = "written in Tags" + ("" if spelling_key(name) in registry.canonical else f" (not in {shown_path(cfg.path)})")
        elif name in given:
            why = f"score {score} >= {cfg.min_mentions}"
        elif name in removed and name in automatic:
            why = f"removed by Exclude_tags (score {score} >= {cfg.min_mentions})"
        elif not cfg.auto:
            why = f"score {score}, but automatic tagging is off (TAG_REGISTRY_AUTO)"
        else:
            why = f"score {score} < {cfg.min_mentions}"
        lines.append(f"{'given' if name in given else 'refused'}: {name}: {why}")
        for mention in (mention for mention in mentions if mention.tag == name):
            passing = f"  (in passing, after '{mention.cue}')" if mention.cue else ""
            lines.append(f"    {mention.field:<{width}}  {mention.weight}  {mention.text!r}{passing}")
    return lines


def names_of(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [str(name).strip() for name in value if str(name).strip()]
