"""Tags from one registry of canonical names with aliases (cafetech/tags.py); sections are tagged with what they are about."""

from __future__ import annotations

import logging

from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Tag

from cafetech import memo
from cafetech.tags import (
    Registry,
    TagRegistryConfig,
    article_fields,
    automatic_tags,
    config,
    load_registry,
    merge_tags,
    names_of,
    shown_path,
    tag_scores,
    unknown_tag_warning,
    unknown_tags,
)

logger = logging.getLogger(__name__)


# --- Pelican side -----------------------------------------------------------


def check_registry(pelican):
    """Fail the build at start, with one line, when the registry cannot be read."""
    load_registry(config(pelican.settings).path)


_MEMO = memo.named("tags")  # automatic tags, kept between development builds (cafetech/memo.py)


def _automatic(registry: Registry, cfg: TagRegistryConfig, title: str, summary: str, body: str, further_reading=()) -> tuple:
    """(memo key, computation) of an article's automatic tags: the key holds every input of the rule."""
    further_reading = (further_reading,) if isinstance(further_reading, str) else tuple(further_reading or ())

    def compute():
        fields = article_fields(title, summary, body, further_reading)
        return automatic_tags(tag_scores(fields, registry, cfg.weights), cfg.min_mentions)

    weights = tuple(sorted(cfg.weights.items()))
    return ("tags", registry.key, cfg.min_mentions, weights, title, summary, body, further_reading), compute


def tag_article(content):
    if not isinstance(content, Article) or content.lang != content.settings["DEFAULT_LANG"]:
        return  # translations take their original's tags (plugins/translations.py)
    cfg = config(content.settings)
    registry = load_registry(cfg.path)
    explicit = [str(tag) for tag in getattr(content, "tags", [])]
    automatic = []
    if cfg.auto and registry.entities:
        summary = content.metadata.get("summary") or ""
        further_reading = content.metadata.get("further_reading")
        automatic = _MEMO.get(*_automatic(registry, cfg, content.title, summary, content._content or "", further_reading))
    for name in unknown_tags(registry, explicit):
        logger.warning(unknown_tag_warning(content.relative_source_path, name, shown_path(cfg.path)))
    excluded = names_of(content.metadata.get("exclude_tags"))
    names = merge_tags(registry, explicit, automatic, excluded)
    if names or explicit:
        content.tags = [Tag(name, content.settings) for name in names]


def prepare_tags(content: str, metadata: dict, settings) -> None:
    """Tag a reading ahead (a preparer: run where a file is read early, see cafetech/memo.py)."""
    if (metadata.get("lang") or settings.get("DEFAULT_LANG")) != settings.get("DEFAULT_LANG") or "title" not in metadata:
        return
    cfg = config(settings)
    registry = load_registry(cfg.path)
    if cfg.auto and registry.entities:
        prepared = _automatic(registry, cfg, metadata["title"], metadata.get("summary") or "", content or "", metadata.get("further_reading"))
        _MEMO.prepare(*prepared)


def register():
    signals.initialized.connect(check_registry)
    signals.content_object_init.connect(tag_article)
    memo.connect("tags")
    memo.preparer(prepare_tags)
