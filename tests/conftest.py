"""Shared helpers: build a site with the project's settings and a few overrides, in-process."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "content" / "issues" / "2023-11-20" / "issue.txt"


def project_settings(content: Path, output: Path, **overrides) -> dict:
    """pelicanconf.py with the paths made absolute and the overrides laid over it."""
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "THEME": str(ROOT / "theme"),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "CACHE_PATH": str(output.parent / "cache"),
            "FEED_DOMAIN": "https://cafetech.test",
            **overrides,
        },
    )
    return settings


def two_issue_content(root: Path) -> Path:
    """A content folder with the seed and the 2023-11-27 fixture, both imported by the importer."""
    import shutil

    from cafetech.importer import import_issue

    content = root / "content"
    (content / "pages").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "tags.toml", content / "tags.toml")
    import_issue(SEED, "2023-11-20", content)
    import_issue(FIXTURES / "issues" / "2023-11-27.txt", "2023-11-27", content)
    return content


def build_site(content: Path, output: Path, **overrides) -> Path:
    """Run a whole Pelican build of ``content`` into ``output``; errors fail the test."""
    Pelican(project_settings(content, output, **overrides)).run()
    return output


class ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def messages(self, level=logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]



from cafetech.quality import CHROMIUM, CHROMIUM_ARGS, serve_folder as serve  # noqa: E402,F401


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
