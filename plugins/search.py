"""Search in both languages: Pagefind indexes the built site after every build.

Pagefind (``pagefind[bin]`` from PyPI) runs offline and splits its index by the
pages' ``<html lang>``, so a search from a French page finds French articles
only. Only what the theme marks ``data-pagefind-body`` (the article text) is
indexed. The search pages (``search.html``, one per language) load Pagefind's UI
with the site's own script; nothing comes from another host.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass

from pelican import signals

from cafetech import workers

logger = logging.getLogger(__name__)

DEFAULTS = {"SEARCH_ENABLED": True, "SEARCH_TIMEOUT": 120}


@dataclass(frozen=True)
class SearchConfig:
    enabled: bool
    timeout: int


def config(settings: dict) -> SearchConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if not isinstance(merged["SEARCH_TIMEOUT"], int) or merged["SEARCH_TIMEOUT"] <= 0:
        raise ValueError(f"search: SEARCH_TIMEOUT must be a number of seconds, not {merged['SEARCH_TIMEOUT']!r}")
    return SearchConfig(bool(merged["SEARCH_ENABLED"]), merged["SEARCH_TIMEOUT"])


def pagefind_command(site: str) -> list[str]:
    return [sys.executable, "-m", "pagefind", "--site", site, "--quiet"]


def index_site(pelican):
    cfg = config(pelican.settings)
    if not cfg.enabled:
        return
    workers.join_all()  # every page is written before Pagefind reads the site
    try:
        result = subprocess.run(
            pagefind_command(pelican.output_path), capture_output=True, text=True, timeout=cfg.timeout
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        logger.error("search: Pagefind could not index %s: %s", pelican.output_path, error)
        return
    if result.returncode != 0:
        reason = (result.stderr or result.stdout).strip().splitlines()
        logger.error("search: Pagefind failed on %s: %s", pelican.output_path, reason[-1] if reason else result.returncode)


def register():
    signals.finalized.connect(index_site)
