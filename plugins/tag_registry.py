"""Tags from one registry of canonical names with aliases; sections are tagged with what they are about.

The registry is a TOML file in the content folder (``content/tags.toml``)::

    [Mistral]
    aliases = ["Mistral AI"]

Every tag of an article, explicit (``Tags:``) or automatic, is spelled as its
canonical name, so ``Mistral AI`` and ``Mistral`` are one tag, Mistral. Other
languages show a tag under its name in the theme catalog (msgctxt "tag"), with
the same slug.

Automatic tags: a section is tagged with an entity of the registry when the
entity is named in its title, in one of its subheadings or in a further-reading
title, or at least ``TAG_REGISTRY_MIN_MENTIONS`` times in its text. A single
passing mention in the text does not tag. ``Exclude_tags:`` in an article
removes tags the rule would add.
"""

from __future__ import annotations

import html
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Tag

from cafetech import memo
from cafetech.page_cache import hash_of

DEFAULTS = {
    "TAG_REGISTRY_PATH": "tags.toml",
    "TAG_REGISTRY_MIN_MENTIONS": 3,
    "TAG_REGISTRY_AUTO": True,
}


class TagRegistryError(Exception):
    """A registry that cannot be used; the message names the file."""


@dataclass(frozen=True)
class TagRegistryConfig:
    path: str
    min_mentions: int
    auto: bool


@dataclass(frozen=True)
class Entity:
    name: str
    pattern: re.Pattern


@dataclass(frozen=True)
class Registry:
    entities: tuple[Entity, ...]
    canonical: dict  # casefolded name or alias -> canonical name

    @cached_property
    def key(self) -> str:
        """A digest of what automatic tagging depends on: each entity's name and pattern, in order."""
        return hash_of(tuple((entity.name, entity.pattern.pattern) for entity in self.entities))

    def canonical_name(self, name: str) -> str:
        return self.canonical.get(name.strip().casefold(), name.strip())

    @property
    def names(self) -> list[str]:
        """The canonical names, in the registry's order (translated in the theme catalog, context "tag")."""
        return [entity.name for entity in self.entities]


def config(settings: dict) -> TagRegistryConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    minimum = merged["TAG_REGISTRY_MIN_MENTIONS"]
    if not isinstance(minimum, int) or minimum < 1:
        raise ValueError(f"tag_registry: TAG_REGISTRY_MIN_MENTIONS must be a whole number >= 1, not {minimum!r}")
    path = merged["TAG_REGISTRY_PATH"]
    if path and not os.path.isabs(path):
        path = os.path.join(settings.get("PATH", "."), path)
    return TagRegistryConfig(path=path, min_mentions=minimum, auto=bool(merged["TAG_REGISTRY_AUTO"]))


# --- pure functions ---------------------------------------------------------


def mention_pattern(names: list[str]) -> re.Pattern:
    """A regex finding any of the names as whole words, the longest name first."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
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
            key = spelling.strip().casefold()
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


def section_parts(title: str, content_html: str, further_reading: list[str]) -> tuple[str, str]:
    """(what a section is about: title, subheadings, further-reading titles; its running text)."""
    headings = _HEADING.findall(content_html)
    running = _HEADING.sub(" ", content_html)
    focus = "\n".join([title, *map(plain_text, headings), *further_reading])
    return focus, plain_text(running)


def automatic_tags(registry: Registry, focus: str, text: str, min_mentions: int) -> list[str]:
    """Entities named in the focus text, or at least ``min_mentions`` times in the running text."""
    return [
        entity.name
        for entity in registry.entities
        if entity.pattern.search(focus) or len(entity.pattern.findall(text)) >= min_mentions
    ]


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


def _names(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [str(name).strip() for name in value if str(name).strip()]


# --- Pelican side -----------------------------------------------------------


def check_registry(pelican):
    """Fail the build at start, with one line, when the registry cannot be read."""
    load_registry(config(pelican.settings).path)


_MEMO = memo.named("tags")  # automatic tags, kept between development builds (cafetech/memo.py)


def _automatic(registry: Registry, cfg: TagRegistryConfig, title: str, body: str, further: list[str]) -> tuple:
    """(memo key, computation) of a section's automatic tags."""

    def compute():
        return automatic_tags(registry, *section_parts(title, body, further), cfg.min_mentions)

    return ("tags", registry.key, cfg.min_mentions, title, body, tuple(further)), compute


def tag_article(content):
    if not isinstance(content, Article) or content.lang != content.settings["DEFAULT_LANG"]:
        return  # translations take their original's tags (plugins/translations.py)
    cfg = config(content.settings)
    registry = load_registry(cfg.path)
    explicit = [str(tag) for tag in getattr(content, "tags", [])]
    automatic = []
    if cfg.auto and registry.entities:
        further = _names_lines(content.metadata.get("further_reading"))
        automatic = _MEMO.get(*_automatic(registry, cfg, content.title, content._content or "", further))
    excluded = _names(content.metadata.get("exclude_tags"))
    names = merge_tags(registry, explicit, automatic, excluded)
    if names or explicit:
        content.tags = [Tag(name, content.settings) for name in names]


def _names_lines(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def prepare_tags(content: str, metadata: dict, settings) -> None:
    """Tag a reading ahead (build_speed runs this where the file is read, see cafetech/memo.py)."""
    if (metadata.get("lang") or settings.get("DEFAULT_LANG")) != settings.get("DEFAULT_LANG") or "title" not in metadata:
        return
    cfg = config(settings)
    registry = load_registry(cfg.path)
    if cfg.auto and registry.entities:
        _MEMO.prepare(*_automatic(registry, cfg, metadata["title"], content or "", _names_lines(metadata.get("further_reading"))))


def register():
    signals.initialized.connect(check_registry)
    signals.content_object_init.connect(tag_article)
    memo.connect("tags")
    memo.preparer(prepare_tags)
