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

# Where an article can name an entity: its title, its lede (Summary), its subheadings, its running text.
# Further-reading titles are not among them: each describes another article.
FIELDS = ("title", "summary", "heading", "paragraph")

# An article is tagged with an entity when its mentions, weighted by where they are, reach
# TAG_REGISTRY_MIN_MENTIONS. A weight counts in passing mentions: one in the title or a subheading
# tags at once; one in the lede counts two, so the lede tags with one more mention anywhere (our
# ledes are whole paragraphs, where a company is often named in passing); three in the text tag.
DEFAULTS = {
    "TAG_REGISTRY_PATH": "tags.toml",
    "TAG_REGISTRY_MIN_MENTIONS": 3,
    "TAG_REGISTRY_WEIGHTS": {"title": 3, "summary": 2, "heading": 3, "paragraph": 1},
    "TAG_REGISTRY_AUTO": True,
}


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


def spelling_key(name: str) -> str:
    """A name compared without case, surrounding spaces or apostrophe style."""
    return _APOSTROPHE.sub("'", name.strip().casefold())


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
        entities.append(Entity(name=name, pattern=mention_pattern([name, *aliases])))
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


def article_fields(title: str, summary_html: str, content_html: str) -> dict[str, list[str]]:
    """An article's text by field (FIELDS): title, lede, subheadings, running text."""
    body = content_html or ""
    if summary_html and body.startswith(summary_html):
        body = body[len(summary_html) :]  # the importer repeats the lede as the first paragraph: it counts once
    return {
        "title": [plain_text(title or "")],
        "summary": [plain_text(summary_html)] if summary_html else [],
        "heading": [plain_text(heading) for heading in _HEADING.findall(body)],
        "paragraph": [plain_text(_HEADING.sub(" ", body))],
    }


def tag_scores(fields: dict[str, list[str]], registry: Registry, weights: dict[str, int]) -> dict[str, int]:
    """Each entity the fields name, with its mentions in each field times that field's weight."""
    scores = {}
    for entity in registry.entities:
        score = sum(weights[field] * len(entity.pattern.findall(text)) for field, texts in fields.items() for text in texts)
        if score:
            scores[entity.name] = score
    return scores


def automatic_tags(scores: dict[str, int], min_mentions: int) -> list[str]:
    """The entities whose score reaches ``min_mentions``, in the registry's order."""
    return [name for name, score in scores.items() if score >= min_mentions]


def merge_tags(registry: Registry, explicit: list[str], automatic: list[str], excluded: list[str]) -> list[str]:
    """Explicit tags first, then automatic ones, all canonical, without repeats or exclusions."""
    removed = {registry.canonical_name(name).casefold() for name in excluded}
    merged: list[str] = []
    seen: set[str] = set()
    for name in [*map(registry.canonical_name, explicit), *automatic]:
        key = name.casefold()
        if key not in seen and key not in removed:
            seen.add(key)
            merged.append(name)
    return merged


def names_of(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [str(name).strip() for name in value if str(name).strip()]
