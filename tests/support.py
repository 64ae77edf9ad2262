"""What the tests share: the project's paths, a build of a site in-process with a few overrides, digests of a built site."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "content" / "issues" / "2023-11-20" / "issue.txt"
NOT_THE_PROJECTS = shutil.ignore_patterns(".venv", "output", "cache", "emails", ".bench", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "*.mo")


def copy_project(clone: Path) -> None:
    """The project's own files, as a fresh clone has them: what git tracks or would track (a developer's
    bench corpus, caches and builds stay behind); outside a git repository, all but NOT_THE_PROJECTS."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        shutil.copytree(ROOT, clone, ignore=NOT_THE_PROJECTS)
        return
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted and not yet committed is still listed
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)


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


def photo_issue_content(root: Path) -> Path:
    """The real content and the 2023-11-27 fixture issue with its four real photos (tests/fixtures/photos), imported."""
    import shutil

    from cafetech.importer import import_issue

    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    import_issue(FIXTURES / "issues" / "2023-11-27.txt", "2023-11-27", content, photos=FIXTURES / "photos")
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


def fingerprint(folder) -> dict[str, str]:
    """Every file of a built site and a digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def without_search_index(files: dict[str, str]) -> dict[str, str]:
    """A fingerprint without Pagefind's index (it carries a build id of its own)."""
    return {name: digest for name, digest in files.items() if not name.startswith("pagefind/")}


from cafetech_dev.quality import CHROMIUM, CHROMIUM_ARGS, serve_folder as serve  # noqa: E402,F401


def translate_everything(po: Path, label: str = "English") -> None:
    """A translator fills every entry (and clears every fuzzy flag) of a sidecar, as a PO editor saves it."""
    from cafetech.sidecars import read_sidecar, render_sidecar

    catalog = read_sidecar(po)
    for number, message in enumerate((m for m in catalog if m.id), 1):
        message.string = f"{label} {message.context} {number}"
        message.flags.discard("fuzzy")
        message.previous_id = []
    po.write_bytes(render_sidecar(catalog))
