"""Editors' commands: build and serve the site, import an issue (run `invoke --list`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
SETTINGS = {"dev": ROOT / "pelicanconf.py", "publish": ROOT / "publishconf.py"}


def pelican_run(*extra: str, publish: bool = False) -> None:
    """Run Pelican in this process; a failed build ends the task with Pelican's exit code."""
    import pelican

    settings = SETTINGS["publish" if publish else "dev"]
    argv = [str(CONTENT), "--settings", str(settings), "--output", str(OUTPUT), "--fatal", "errors", *extra]
    try:
        pelican.main(argv)
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise Exit(f"build failed (pelican exit code {stop.code})", code=int(stop.code) if isinstance(stop.code, int) else 1)


@task(help={"publish": "use publishconf.py (absolute URLs from SITEURL) instead of pelicanconf.py"})
def build(c, publish=False):
    """Build the site into output/."""
    pelican_run(publish=publish)


@task
def clean(c):
    """Remove the built site (output/) and Pelican's cache."""
    for path in (OUTPUT, ROOT / "cache"):
        if path.exists():
            shutil.rmtree(path)


@task(pre=[clean])
def rebuild(c, publish=False):
    """Build the site from scratch (clean, then build)."""
    pelican_run(publish=publish)


@task(help={"port": "port to listen on (default 8000)", "bind": "address to bind (default 127.0.0.1)"})
def serve(c, port=8000, bind="127.0.0.1"):
    """Serve output/ at http://localhost:8000 (build first)."""
    pelican_run("--listen", "--port", str(port), "--bind", bind)


@task(help={"port": "port to listen on (default 8000)", "bind": "address to bind (default 127.0.0.1)"})
def livereload(c, port=8000, bind="127.0.0.1"):
    """Build, serve, and rebuild whenever content, theme or settings change."""
    pelican_run("--autoreload", "--listen", "--port", str(port), "--bind", bind)


@task(
    name="import-issue",
    help={
        "path": "the issue as plain text (what the email tool gives)",
        "date": "the day the issue was sent, YYYY-MM-DD",
        "force": "replace files an editor changed since the last import",
        "content": "the content folder to write into (default: content/)",
    },
)
def import_issue(c, path, date=None, force=False, content=str(CONTENT)):
    """Import a newsletter issue: one French article per section, the issue's own texts once."""
    from cafetech.importer import IssueImportError
    from cafetech.importer import import_issue as run_import

    try:
        report = run_import(path, date, content, force=force)
    except IssueImportError as error:
        raise Exit(f"import-issue: {error}", code=1) from None
    if not report.written and not report.overwritten:
        print(f"{shown(report.directory)}: already imported, nothing changed")
        return
    for label, paths in (("written", report.written), ("replaced (it had been edited)", report.overwritten)):
        for file in paths:
            print(f"{label}: {shown(file)}")


def shown(path: Path) -> Path:
    """A path as the editor typed it: relative to the project when inside it."""
    path = path.resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
