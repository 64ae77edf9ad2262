"""Editors' commands: build and serve the site, import an issue (run `invoke --list`)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent  # invoke puts it on sys.path: the tasks import cafetech/, never a plugin

CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
CACHE = ROOT / "cache"
SETTINGS = {"dev": ROOT / "pelicanconf.py", "publish": ROOT / "publishconf.py"}


def dev_cache() -> dict:
    """Settings of a development build: Pelican's content cache in cache/, kept per version of the code."""
    from cafetech.site_build import content_cache

    return content_cache(ROOT, CACHE)


def verified_build_cache(folder: Path) -> dict:
    """Settings of a build that `check` and `gh-pages` make in ``folder``: a content cache of its own
    (every content read afresh), photos and cards from the project's store, every byte verified."""
    from cafetech.site_build import photo_store

    return {"CACHE_PATH": str(folder / "cache"), **photo_store(CACHE)}


def build_once(publish: bool = False, debug: bool = False) -> None:
    """Build into output/ atomically; a failed build ends the task and leaves output/ as it was."""
    from cafetech.site_build import BuildFailed, build as atomic_build, photo_store

    try:
        # Development builds reuse the readings of unchanged files; a published site reads every
        # content afresh, and takes only the photos and cards of the store that it verified.
        cache = photo_store(CACHE) if publish else dev_cache()
        report = atomic_build(SETTINGS["publish" if publish else "dev"], CONTENT, OUTPUT, cache, debug=debug)
    except BuildFailed as failure:
        raise Exit(f"build failed ({failure}); output/ was left as it was", code=1) from None
    print(f"built {shown(report.output)}" + (f" with {len(report.warnings)} warning(s)" if report.warnings else ""))


BUILD_HELP = {
    "publish": "use publishconf.py (absolute URLs from SITEURL) instead of pelicanconf.py",
    "debug": "show Python tracebacks and Pelican's debug log",
}


@task(help=BUILD_HELP)
def build(c, publish=False, debug=False):
    """Build the site into output/ (atomically: a failed build keeps the previous site)."""
    build_once(publish, debug)


@task
def clean(c):
    """Remove the built site (output/, and the folders kept beside it for the next build) and Pelican's cache."""
    for path in (OUTPUT, CACHE, *OUTPUT.parent.glob(".output.*")):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()  # .output.lock


@task(help=BUILD_HELP)
def rebuild(c, publish=False, debug=False):
    """Build the site from scratch, without the cache (atomically: output/ is replaced only by a good build)."""
    if CACHE.exists():
        shutil.rmtree(CACHE)
    build_once(publish, debug)


def not_found_page(path: str, model) -> str:
    """The site's 404 page for a missing path: that of the edition the path is under ('/en/x' -> 'en/404.html')."""
    relative = path.lstrip("/")
    homes = sorted(((edition.url("home"), edition) for edition in model.editions), key=lambda pair: -len(pair[0]))
    return next(edition.url("404") for home, edition in homes if relative.startswith(home))


def served_file(path: Path, address: str) -> Path | None:
    """The file the dev server sends for an address (a folder's index.html), or None."""
    path = path / "index.html" if path.is_dir() and address.endswith("/") else path
    return path if path.is_file() else None


def start_server(port: int, bind: str, preview=None):
    """Serve output/ (looked up at each request, so a swapped-in build is served at once); a missing
    page gets the site's own 404 page, in the language of the edition it was asked under. With a
    ``preview`` (a Builder: its build processes started, ``restarts``), every HTML page is served with
    the reload script (never written into output/), which reloads the tab when its own page changed on
    disk or a new build process started (``/__preview__/version?page=…``, cafetech/preview.page_version)."""
    import functools
    import http.server
    import threading
    import urllib.parse

    from cafetech import preview as reloading
    from cafetech.editions import editions

    model = editions(site_settings())

    class SiteHandler(http.server.SimpleHTTPRequestHandler):
        def send_page(self, code: int, body: bytes, content_type: str, message=None) -> None:
            if preview is not None and content_type.startswith("text/html"):
                body = reloading.with_reload_script(body)
            self.send_response(code, message)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if preview is not None:
                self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_head(self):
            path = self.path.split("?", 1)[0]
            if preview is not None and path == reloading.VERSION_PATH:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                if "page" not in query:
                    return self.send_page(200, str(preview.version).encode(), "text/plain; charset=utf-8")
                page = served_file(Path(self.translate_path(query["page"][0])), query["page"][0])
                body = page.read_bytes() if page is not None else None
                version = reloading.page_version(body, getattr(preview, "restarts", 0))
                return self.send_page(200, version.encode(), "text/plain; charset=utf-8")
            if preview is not None and path == reloading.SCRIPT_PATH:
                return self.send_page(200, reloading.RELOAD_SCRIPT, "text/javascript; charset=utf-8")
            if preview is not None:
                page = served_file(Path(self.translate_path(path)), path)
                if page is not None and page.suffix == ".html":
                    return self.send_page(200, page.read_bytes(), "text/html; charset=utf-8")
            return super().send_head()

        def send_error(self, code, message=None, explain=None):
            page = OUTPUT / not_found_page(self.path.split("?", 1)[0], model)
            if code != 404 or not page.is_file():
                return super().send_error(code, message, explain)
            self.send_page(404, page.read_bytes(), "text/html; charset=utf-8", message)

    handler = functools.partial(SiteHandler, directory=str(OUTPUT))
    server = http.server.ThreadingHTTPServer((bind, int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {shown(OUTPUT)} at http://{bind}:{port}/ (Ctrl-C to stop)", flush=True)
    return server


SERVE_HELP = {"port": "port to listen on (default 8000)", "bind": "address to bind (default 127.0.0.1)"}


@task(help=SERVE_HELP)
def serve(c, port=8000, bind="127.0.0.1"):
    """Serve output/ at http://localhost:8000 (build first)."""
    import time

    if not OUTPUT.exists():
        raise Exit("output/ does not exist yet: run `invoke build` first", code=1)
    server = start_server(port, bind)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


PREVIEW_MESSAGES = {
    "watching": "watching content, theme, code and settings for changes",
    "patched": "the edited article's page is written: its tab reloads; the whole site is being built",
    "rebuilt": "rebuilt: the open pages reload",
    "restarted": "rebuilt in a new build process (code, theme or settings changed): the open pages reload",
    "failed": "build failed; still serving the last good site",
}


@task(help=SERVE_HELP)
def livereload(c, port=8000, bind="127.0.0.1"):
    """Build, serve, and on every change build again in one long-lived process (a new one when code, theme or settings change); open pages reload by themselves; a failed build keeps serving the last good site."""
    from cafetech.preview import Builder, follow

    builder = Builder(SETTINGS["dev"], CONTENT, OUTPUT, CACHE, ROOT)
    if not builder.start():
        print(PREVIEW_MESSAGES["failed"], flush=True)
    server = start_server(port, bind, preview=builder)
    watched = [CONTENT, ROOT / "theme", ROOT / "plugins", ROOT / "cafetech", SETTINGS["dev"], ROOT / "requirements.lock"]

    def report(kind, builder):
        print(PREVIEW_MESSAGES[kind], flush=True)

    try:
        follow(builder, watched, CONTENT, report)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        builder.stop()


def quality_problems(output: Path, settings: Path, content: Path = CONTENT) -> list[str]:
    """What `invoke check` refuses in a built site: broken references, bad feeds, leaked code, feed ids,
    hreflang and canonical links, the source language's site texts in another edition, links to another
    edition and untranslated alt texts not marked with their language, invalid HTML,
    accessibility violations."""
    from cafetech_dev import quality

    site_url, absolute_base, lang_prefixes, forbidden, model = edition_facts(settings, content)
    problems = quality.broken_references(output, site_url)
    problems += quality.feed_problems(output) + quality.leaked_code_problems(output)
    problems += quality.feed_id_problems(output, absolute_base)
    problems += quality.hreflang_problems(output, absolute_base) + quality.canonical_problems(output, absolute_base)
    problems += quality.foreign_text_problems(output, lang_prefixes, forbidden)
    problems += quality.unmarked_foreign_problems(output, lang_prefixes, model.source, quality.source_image_alts(content))
    problems += quality.photo_alt_problems(output) + quality.unreadable_problems(output)
    pages = pages_to_audit(output, model)
    with ThreadPoolExecutor(1) as validator:  # the Nu validator (Java) runs while Chromium audits the pages
        html = validator.submit(quality.html_problems, output)
        in_browser = browser_check(
            output,
            site_url,
            lambda base, browser: quality.accessibility_problems(base, pages, browser) + quality.reflow_problems(base, pages, browser),
        )
        problems += html.result()
    return problems + in_browser


def edition_facts(settings: Path, content: Path = CONTENT) -> tuple:
    """What the checks need to know of the editions: the address links may carry, the absolute base
    of canonical and feed links, each edition's folder, and the texts each edition must not show."""
    from pelican.settings import read_settings

    from cafetech.editions import editions
    from cafetech.tags import load_registry

    values = read_settings(str(settings))
    values.update(THEME=str(ROOT / "theme"))
    model = editions(values)
    tags = load_registry(str(Path(content) / "tags.toml")).names
    prefixes = {edition.lang: edition.url("home") for edition in model.editions}
    forbidden = {edition.lang: model.foreign_site_texts(edition.lang, tags) for edition in model.translated}
    return values.get("SITEURL", ""), model.base_url, prefixes, forbidden, model


def pages_to_audit(output: Path, model) -> list[str]:
    """The pages audited in a browser, in each edition: its home, its newest issue, that issue's first
    article, a tag page and the search page."""
    found: dict[tuple[str, str], list[str]] = {}
    for page in sorted(output.rglob("*.html")):
        url = page.relative_to(output).as_posix()
        if (match := model.page_of(url)) is not None:
            found.setdefault(match[:2], []).append("/" + url.removesuffix("index.html"))
    paths = []
    for lang in model.languages:
        issues = found.get(("issue", lang), [])
        paths += ["/" + model.url("home", lang), *issues[-1:]]
        if issues:
            first = re.search(r'<ol class="sections">.*?<a href="([^"]+)"', (output / issues[-1].lstrip("/") / "index.html").read_text("utf-8"), re.S)
            paths += [urlsplit(first[1]).path] if first else []
        paths += found.get(("tag", lang), [])[:1] + ["/" + model.url("search", lang)]
    return paths


def browser_check(output: Path, site_url: str, check_pages) -> list[str]:
    """Run check_pages(base_url, browser) with Debian's Chromium on output/ as it will be served: at
    site_url (a publish build's SITEURL, whose absolute links then reach the build itself), every
    request answered from output/; a request to any other address is a problem."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from cafetech_dev.quality import CHROMIUM, CHROMIUM_ARGS, SiteBrowser

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                site = SiteBrowser(browser, output, site_url)
                return check_pages(site.site_url, site) + site.foreign_problems()
            finally:
                browser.close()
    except PlaywrightError as error:
        return [f"the accessibility check could not run Chromium ({CHROMIUM}): {str(error).splitlines()[0]}"]


def report_site_url(settings: Path) -> str:
    """The absolute address links may carry in this build (empty in development)."""
    from pelican.settings import read_settings

    return read_settings(str(settings)).get("SITEURL", "")


def print_check(pages: int, problems: list[str], warnings: list[str]) -> None:
    from cafetech.sidecars import NOTE_KINDS

    unresolved = [w for w in warnings if "further reading" in w]
    translations = [w for w in warnings if any(f": {kind}: " in w for kind in NOTE_KINDS)]
    for line in unresolved + translations:
        print(f"warning: {line}")
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    sidecars = {line.split(": ", 1)[0] for line in translations}  # a page both stale and partly untranslated is one
    print(
        f"check: {pages} pages, {len(problems)} problem(s), {len(unresolved)} unresolved further-reading item(s), "
        f"{len(sidecars)} stale, untranslated or withdrawn translation(s)"
    )


@task(help={"publish": "check the production build (publishconf.py)", "content": "the content folder (default: content/)"})
def check(c, publish=False, content=str(CONTENT)):
    """Build into a temporary folder and check it: links, hreflang, canonical links, feeds and their ids, leaked code, each edition's language, HTML validity (Nu), accessibility (axe); lists unresolved further reading and stale, partly untranslated or withdrawn translations."""
    import io
    import tempfile

    from cafetech.site_build import BuildFailed, build as atomic_build

    settings = SETTINGS["publish" if publish else "dev"]
    with tempfile.TemporaryDirectory(prefix="cafetech-check-") as tmp:
        messages = io.StringIO()
        cache = verified_build_cache(Path(tmp))
        try:
            report = atomic_build(settings, content, Path(tmp) / "site", cache, stream=messages)
        except BuildFailed:
            raise Exit("check: the site does not build:\n" + messages.getvalue().rstrip(), code=1) from None
        problems = quality_problems(report.output, settings, Path(content))
        print_check(len(list(report.output.rglob("*.html"))), problems, report.warnings)
    if problems:
        raise Exit(code=1)


EMAILS = ROOT / "emails"  # beside output/, which every build replaces whole


@task(
    help={
        "date": "the issue's date, YYYY-MM-DD",
        "lang": "the edition's language, e.g. fr or en (default fr)",
        "site_url": "the site's public address for the links (default: SITEURL of publishconf.py)",
    }
)
def email(c, date, lang="fr", site_url=None):
    """Write an issue as an email (HTML with inlined CSS, and plain text) to emails/DATE.LANG.*, from the site in output/ (run after build; builds never touch emails/)."""
    from cafetech.email_edition import EmailError, write_email

    try:
        from cafetech.editions import editions

        model = editions(site_settings())
        paths = write_email(OUTPUT, date, lang, site_url or publish_site_url(), model, folder=EMAILS)
    except EmailError as error:
        raise Exit(f"email: {error}", code=1) from None
    print(f"wrote {shown(paths[0])} and {shown(paths[1])} (kept there: builds never touch emails/)")


@task(
    help={
        "sections": "French sections in the synthetic corpus (default 2000)",
        "repeat": "runs of each measurement; medians are reported (default 3)",
        "json": "also write the results to this JSON file",
        "linearity": "instead: our cold build at 1000 and 4000 sections, time per section compared",
        "pages": "instead: Lighthouse 12.2.3 in Debian's Chromium on the home, issue and article pages of each "
        "language of the site built with publishconf.py (installed into .lighthouse/ with npm the first time)",
    }
)
def bench(c, sections=2000, repeat=3, json=None, linearity=False, pages=False):
    """Measure build speed and memory against plain Pelican (cold, warm, related articles); or linearity; or page weight and Lighthouse scores."""
    import json as json_module

    from cafetech_dev import bench as measures

    if linearity:
        result = measures.run_linearity(repeat=int(repeat), workdir=str(ROOT / ".bench"))
        print(measures.format_linearity(result))
    elif pages:
        import tempfile

        from cafetech_dev.pages_audit import PagesAuditError, audit_published_site, format_pages_table
        from cafetech.site_build import BuildFailed

        with tempfile.TemporaryDirectory(prefix="cafetech-pages-") as workdir:
            try:
                result = audit_published_site(ROOT / "content", workdir)
            except (PagesAuditError, BuildFailed) as error:
                raise Exit(f"bench --pages: {error}", code=1) from None
        print(format_pages_table(result))
    else:
        result = measures.run_bench(int(sections), int(repeat), None, workdir=str(ROOT / ".bench"))
        print(measures.format_table(result))
    if json:
        Path(json).write_text(json_module.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def git(*args: str) -> str:
    import subprocess

    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def redact(text: str) -> str:
    """Never print a credential that a remote URL may carry (https://user:token@host/...)."""
    import re

    return re.sub(r"(\w+://)[^/@\s]+@", r"\1***@", text)


ALLOW_REMOVAL_HELP = (
    "a live page (or feed entry) this deploy may remove, e.g. /2023/11/x/; repeat for each, or list them in "
    "content/withdrawn.txt"
)


def removal_guard(live, output: Path, new_pages: set[str], allowed: list[str], content: Path = CONTENT) -> list[str]:
    """The lines refusing a deploy of output/ (whose pages are new_pages) over the live site: each page or
    feed entry it would remove that neither --allow-removal nor content/withdrawn.txt names (none on a
    first deploy)."""
    from pelican.settings import read_settings

    from cafetech.deploy import removals, withdrawn_pages

    if live is None:
        return []
    feeds = {feed: (output / feed.lstrip("/")).read_bytes() for feed in live.feeds if (output / feed.lstrip("/")).is_file()}
    feed_size = read_settings(str(SETTINGS["publish"])).get("FEED_MAX_ITEMS")
    return removals(live.pages, new_pages, live.feeds, feeds, [*allowed, *withdrawn_pages(content)], feed_size).lines()


@task(
    name="gh-pages",
    iterable=["allow_removal"],
    help={
        "remote": "the git remote to push to (default: origin)",
        "branch": "the branch GitHub Pages serves (default: gh-pages)",
        "allow_removal": ALLOW_REMOVAL_HELP,
    },
)
def gh_pages(c, remote="origin", branch="gh-pages", allow_removal=None):
    """Build with publishconf.py, check, compare with what is live, and only if nothing is wrong and no live page would disappear, commit the site to gh-pages and push it."""
    import io
    import subprocess
    import tempfile

    from ghp_import import GhpError, ghp_import

    from cafetech.deploy import LiveSiteError, folder_files, live_from_branch, tree_pages
    from cafetech.site_build import CODE_FILES, BuildFailed, build as atomic_build

    # Everything that shapes the output: the code the build's cache fingerprint covers, content and theme.
    changed = git("status", "--porcelain", "--", "content", "theme", *(f":(glob){pattern}" for pattern in CODE_FILES))
    if changed.strip():
        raise Exit(
            "gh-pages: uncommitted changes in content, theme, settings or the build's code; commit them first, "
            "so that what is published is what is in git:\n" + changed.rstrip(),
            code=1,
        )
    publish_site_url()  # a bad SITEURL stops here, in one line
    try:
        live = live_from_branch(ROOT, remote, branch)
    except LiveSiteError as error:
        raise Exit(redact(f"gh-pages: {error}; nothing was pushed"), code=1) from None
    # The published build never replaces output/ (the editor's development site): it is made, checked
    # and pushed from a folder of its own, with a content cache of its own; it takes from the
    # project's photo store only the photos and cards whose every byte it verified.
    with tempfile.TemporaryDirectory(prefix="cafetech-publish-") as tmp:
        site, messages = Path(tmp) / "site", io.StringIO()
        cache = verified_build_cache(Path(tmp))
        try:
            report = atomic_build(SETTINGS["publish"], CONTENT, site, cache, stream=messages)
        except BuildFailed as failure:
            print(messages.getvalue().rstrip(), file=sys.stderr)
            raise Exit(f"gh-pages: the build failed ({failure}); nothing was pushed", code=1) from None
        problems = quality_problems(site, SETTINGS["publish"])
        print_check(len(list(site.rglob("*.html"))), problems, report.warnings)
        if problems:
            raise Exit("gh-pages: the check failed; nothing was pushed", code=1)
        removed = removal_guard(live, site, tree_pages(folder_files(site)), allow_removal or [])
        if removed:
            for line in removed:
                print(f"error: {line}", file=sys.stderr)
            raise Exit(
                f"gh-pages: {len(removed)} live page(s) or feed entries would disappear; nothing was pushed. If that is "
                "meant, name each with --allow-removal or in content/withdrawn.txt (docs/errors.md)",
                code=1,
            )
        commit = git("rev-parse", "--short", "HEAD").strip()
        before = subprocess.run(["git", "rev-parse", "--verify", "-q", f"refs/heads/{branch}"], cwd=ROOT, capture_output=True, text=True)
        os.chdir(ROOT)  # ghp-import works on the repository of the working folder
        try:
            ghp_import(str(site), remote=remote, branch=branch, mesg=f"Publish {commit}", push=True, nojekyll=True)
        except (GhpError, subprocess.CalledProcessError) as error:
            # The local branch goes back to what it was: nothing of this deploy is left half done.
            if before.returncode == 0:
                git("update-ref", f"refs/heads/{branch}", before.stdout.strip())
            else:
                subprocess.run(["git", "update-ref", "-d", f"refs/heads/{branch}"], cwd=ROOT, capture_output=True)
            reason = getattr(error, "message", None) or f"git push exited with {getattr(error, 'returncode', '?')}"
            raise Exit(redact(f"gh-pages: the remote {remote} refused the push ({reason}); nothing was published"), code=1) from None
    print(f"published {commit} to {branch} on remote {redact(remote)}")


@task(
    name="guard-removals",
    iterable=["allow_removal"],
    help={"output": "the built site to deploy (default: output/)", "allow_removal": ALLOW_REMOVAL_HELP},
)
def guard_removals(c, output=str(OUTPUT), allow_removal=None):
    """Before a deploy of a publish build: refuse if a page or feed entry live at SITEURL (its sitemap and feeds) would disappear; a site with no sitemap yet is a first deploy."""
    from cafetech.deploy import LiveSiteError, folder_files, live_from_web, sitemap_pages, tree_pages

    site_url, output = publish_site_url(), Path(output)
    if not (output / "sitemap.xml").is_file():
        raise Exit(f"guard-removals: {shown(output)}/sitemap.xml: no such file; build the site with --publish first", code=1)
    feeds = sorted(page for page in tree_pages(folder_files(output)) if page.endswith(".xml"))
    try:
        live = live_from_web(site_url, feeds)
    except LiveSiteError as error:
        raise Exit(f"guard-removals: cannot read the live site: {error}", code=1) from None
    if live is None:
        print(f"guard-removals: {site_url}/sitemap.xml does not exist: a first deploy, nothing to compare")
        return
    new_pages = sitemap_pages((output / "sitemap.xml").read_bytes(), site_url)
    removed = removal_guard(live, output, new_pages, allow_removal or [])
    for line in removed:
        print(f"error: {line}", file=sys.stderr)
    if removed:
        raise Exit(f"guard-removals: {len(removed)} live page(s) or feed entries would disappear (docs/errors.md)", code=1)
    print(f"guard-removals: every page of {site_url}/sitemap.xml and every feed entry is still there")


def publish_site_url() -> str:
    """SITEURL of publishconf.py, or the task's end with its one-line reason."""
    try:
        return report_site_url(SETTINGS["publish"])
    except Exception as error:  # publishconf.py raises on a bad SITEURL
        raise Exit(f"{error}; nothing was built or pushed", code=1) from None


@task(
    name="import-issue",
    help={
        "path": "the issue as plain text (what the email tool gives)",
        "date": "the day the issue was sent, YYYY-MM-DD",
        "force": "where the pasted issue and an editor changed the same text, keep the editor's and put the pasted file aside",
        "content": "the content folder to write into (default: content/)",
        "photos": "a folder of photos, one per section in name order: each is copied beside its article",
    },
)
def import_issue(c, path, date=None, force=False, content=str(CONTENT), photos=None):
    """Import a newsletter issue: one French article per section; imported again, merged into the edited files."""
    from cafetech.importer import IssueImportError
    from cafetech.importer import import_issue as run_import

    try:
        report = run_import(path, date, content, force=force, photos=photos)
    except IssueImportError as error:
        raise Exit(f"import-issue: {error}", code=1) from None
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for notice in report.notices:
        print(notice)
    if not report.written and not report.overwritten and not report.conflicts:
        print(f"{shown(report.directory)}: already imported, nothing changed")
        return
    for file in report.written:
        print(f"written: {shown(file)}")
    for file in report.overwritten:
        print(f"merged (the edits kept): {shown(file)}; its previous version is kept in {shown(report.kept[file])}")
    for conflict in report.conflicts:
        print(conflict.message(shown))


def shown(path: Path) -> Path:
    """A path as the editor typed it: relative to the project when inside it."""
    path = path.resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


# --- translations -------------------------------------------------------------

from invoke import Collection  # noqa: E402

SOURCE_GLOBS = ("issues/*/*.md", "pages/*.md")


def site_settings() -> dict:
    from pelican.settings import read_settings

    return read_settings(str(SETTINGS["dev"]), override={"THEME": str(ROOT / "theme")})


def translated_languages(settings: dict | None = None) -> tuple[str, ...]:
    """The languages of the editions other than the source's: each has a sidecar per source and a theme catalog."""
    from cafetech.editions import editions

    return tuple(edition.lang for edition in editions(settings or site_settings()).translated)


def french_sources(content: Path = CONTENT) -> list[Path]:
    """Every French source that has (or gets) a sidecar: articles, issue files, pages."""
    return sorted(path for pattern in SOURCE_GLOBS for path in Path(content).glob(pattern))


def sidecar_of(source: Path, lang: str) -> Path:
    return source.with_suffix(f".{lang}.po")


def tag_names(content: Path = CONTENT) -> list[str]:
    """The tag registry's canonical names: the theme catalog translates them."""
    from cafetech.tags import load_registry

    return load_registry(str(Path(content) / "tags.toml")).names


def theme_catalog(lang: str) -> Path:
    return ROOT / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po"


def update_state_file(content: Path, lang: str) -> Path:
    """Where translations.update keeps what it found in the ``lang`` sidecars of ``content`` (cafetech/update_state.py):
    a file in cache/ (a build's cleaning of cache/ removes folders only), named for the content folder."""
    from cafetech.files import hash_of

    return CACHE / f"translations-{lang}-{hash_of(str(Path(content).resolve()))[:12]}.json"


CONTENT_HELP = {"content": "the content folder (default: content/)"}


@task(
    name="update",
    help={**CONTENT_HELP, "no_memory": "leave new blocks empty: no translation or suggestion from the site's other catalogs"},
)
def translations_update(c, content=str(CONTENT), no_memory=False):
    """Extract every article's blocks into its .en.po sidecar (merging, never losing a translation), new blocks filled from the site's translations; same for the theme."""
    from cafetech.sidecars import SidecarError, merge_catalog
    from cafetech.translation_memory import update_sidecars

    from cafetech.editions import extract_theme_messages

    from cafetech.sidecars import config as translations_config

    settings = site_settings()
    failures, languages = [], translated_languages(settings)
    min_coverage = translations_config(settings).min_coverage  # a catalog that reached it gets X-Published
    for lang in languages:
        run = update_sidecars(
            content,
            french_sources(content),
            lang,
            min_coverage,
            theme_catalog=theme_catalog(lang),
            memory=not no_memory,
            state=update_state_file(content, lang),
        )
        if run.warning:
            print(f"warning: {run.warning}", file=sys.stderr)
        failures.extend(run.failures)
        for result in (result for result in run.results if result.changed):
            state = "created" if result.created else f"updated (+{result.added} new, {result.fuzzy} fuzzy, {result.obsolete} obsolete)"
            if result.filled or result.suggested:
                state += f"; from memory: {result.filled} filled, {result.suggested} suggested (fuzzy)"
            print(f"{shown(result.path)}: {state}")
        filled, suggested = sum(r.filled for r in run.results), sum(r.suggested for r in run.results)
        if run.memory is not None and (filled or suggested or run.memory.skipped):
            left_out = f"; {len(run.memory.skipped)} unreadable catalog(s) left out" if run.memory.skipped else ""
            print(f"translation memory ({lang}, {run.memory.size} translations): {filled} block(s) filled, {suggested} suggested{left_out}")
    for lang in languages:
        template = extract_theme_messages(str(ROOT / "theme" / "templates"), lang, tags=tag_names(content))
        try:
            result = merge_catalog(template, theme_catalog(lang), min_coverage=None)  # the theme is not published by coverage
        except SidecarError as error:
            failures.append(str(error))
            continue
        if result.changed:
            print(f"{shown(theme_catalog(lang))}: {'created' if result.created else 'updated'}")
    if failures:
        raise Exit("\n".join(failures), code=1)


@task(name="status", help=CONTENT_HELP)
def translations_status(c, content=str(CONTENT)):
    """Show, per article and in total, how many texts are translated, fuzzy (stale: still showing an old translation) and untranslated; list the English pages that are stale, partly untranslated or withdrawn, and what the translation memory filled."""
    from babel.messages.catalog import Catalog

    from cafetech.sidecars import (
        Coverage,
        SidecarError,
        as_updated,
        config as translations_config,
        coverage,
        orphan_sidecars,
        parse_source,
        publication_state,
        read_sidecar,
        should_publish,
    )
    from cafetech.translation_memory import memory_counts

    rows, total, broken, notes, from_memory = [], Coverage(0, 0, 0), [], [], (0, 0)
    settings = site_settings()
    languages, min_coverage = translated_languages(settings), translations_config(settings).min_coverage
    for lang, source in ((lang, source) for lang in languages for source in french_sources(content)):
        sidecar = sidecar_of(source, lang)
        document = parse_source(source.read_text("utf-8"))
        try:
            catalog = read_sidecar(sidecar) if sidecar.exists() else Catalog(locale=lang)
        except SidecarError as error:
            broken.append(str(error))
            continue
        if sidecar.exists():  # what the build shows, which needs no update to follow the French
            catalog = as_updated(catalog, document, lang, min_coverage, sidecar)
        counts, state = coverage(document, catalog), publication_state(catalog)
        published = sidecar.exists() and should_publish(counts, state, min_coverage)
        name = str(source.relative_to(content))
        rows.append((name if len(languages) == 1 else f"{name} ({lang})", counts))
        total = Coverage(
            total.translated + counts.translated,
            total.fuzzy + counts.fuzzy,
            total.untranslated + counts.untranslated,
            total.stale + counts.stale,
        )
        if published and counts.fuzzy:
            notes.append(f"stale: {shown(sidecar)}: {counts.fuzzy} block(s) changed in French since translation")
        if published and counts.untranslated:
            notes.append(f"untranslated: {shown(sidecar)}: {counts.untranslated} block(s) not translated yet, shown in French")
        if state == "withdrawn":
            notes.append(f"withdrawn: {shown(sidecar)}")
        filled, suggested = memory_counts(catalog)
        from_memory = (from_memory[0] + filled, from_memory[1] + suggested)
        if suggested:
            notes.append(f"suggested: {shown(sidecar)}: {suggested} block(s) the translation memory suggests, to review (fuzzy, not published)")
    orphans = orphan_sidecars(Path(content))
    width = max([len(name) for name, _ in rows] + [5])
    print(f"{'article':<{width}}  translated  fuzzy  stale  untranslated      %")
    for name, counts in [*rows, ("total", total)]:
        print(
            f"{name:<{width}}  {counts.translated:>10}  {counts.fuzzy:>5}  {counts.stale:>5}  {counts.untranslated:>12}"
            f"  {counts.percent:>5.1f}"
        )
    for line in notes:
        print(line)
    if any(from_memory):
        print(f"translation memory: {from_memory[0]} block(s) translated from it, {from_memory[1]} suggestion(s) to review")
    for po in orphans:
        print(f"warning: {shown(po)}: its source article does not exist; delete it or restore the article", file=sys.stderr)
    if broken:
        raise Exit("\n".join(broken), code=1)


@task(name="check", help=CONTENT_HELP)
def translations_check(c, content=str(CONTENT)):
    """Fail when a sidecar or theme catalog is out of date, broken, or changes the links or markup of its source."""
    from cafetech.sidecars import check_theme_catalog, check_translations, orphan_sidecars

    from cafetech.editions import extract_theme_messages

    content = Path(content)
    problems, languages = [], translated_languages()
    for lang in languages:
        template = extract_theme_messages(str(ROOT / "theme" / "templates"), lang, tags=tag_names(content))
        problems.extend(check_theme_catalog(theme_catalog(lang), template, str(shown(theme_catalog(lang)))))
    for lang in languages:
        problems.extend(check_translations(french_sources(content), lambda source, lang=lang: sidecar_of(source, lang), shown))
    problems.extend(
        f"{shown(po)}: its source article does not exist; delete it or restore the article" for po in orphan_sidecars(content)
    )
    if problems:
        raise Exit("\n".join(problems), code=1)
    print(f"{len(french_sources(content)) * len(languages)} sidecars and {len(languages)} theme catalog(s) up to date")


translations = Collection("translations", translations_update, translations_status, translations_check)


@task(
    name="suggest",
    help={"date": "the issue, YYYY-MM-DD, or all for every issue", **CONTENT_HELP},
    positional=["date"],
)
def tags_suggest(c, date, content=str(CONTENT)):
    """List the names an issue's articles use often that the tag registry lacks, best first; writes nothing."""
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    from cafetech.tag_suggest import NoIssue, issue_articles, issue_folder, suggestion_lines, suggestions

    from cafetech.tags import article_fields, config, load_registry

    date = None if date == "all" else date
    try:
        paths = issue_articles(Path(content), date)
    except NoIssue as error:
        raise Exit(f"tags.suggest: {shown(error.folder)}: no such issue", code=1) from None
    settings = read_settings(str(SETTINGS["dev"]), override={"PATH": str(Path(content).resolve())})
    cfg = config(settings)
    reader = MarkdownReader(settings)  # the articles as the build reads them
    articles = []
    for path in paths:
        html, metadata = reader.read(str(path))
        articles.append(article_fields(metadata.get("title", ""), metadata.get("summary", ""), html, metadata.get("further_reading")))
    found = suggestions(articles, load_registry(cfg.path).spellings, cfg.weights, cfg.min_mentions)
    where = shown(issue_folder(Path(content), date))
    if not found:
        print(f"No name to suggest: every name {where} uses often is in {shown(Path(cfg.path))}")
        return
    print(f"Named often in {where}, not in {shown(Path(cfg.path))} (a score of {cfg.min_mentions} tags an article):")
    for line in suggestion_lines(found):
        print(f"  {line}")


@task(name="explain", help={"file": "an article, e.g. content/issues/2023-11-20/02-….md", **CONTENT_HELP}, positional=["file"])
def tags_explain(c, file, content=str(CONTENT)):
    """Show, for each tag an article is given or refused, the mentions and weights that decided it, and the threshold."""
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    from cafetech.tags import TagRegistryError, article_fields, config, explanation, load_registry, names_of

    path = Path(file)
    if not path.is_file():
        raise Exit(f"tags.explain: {file}: no such article", code=1)
    settings = read_settings(str(SETTINGS["dev"]), override={"PATH": str(Path(content).resolve())})
    cfg = config(settings)
    try:
        registry = load_registry(cfg.path)
    except TagRegistryError as error:
        raise Exit(f"tags.explain: {error}", code=1) from None
    html, metadata = MarkdownReader(settings).read(str(path))  # the article as the build reads it
    fields = article_fields(metadata.get("title", ""), metadata.get("summary", ""), html, metadata.get("further_reading"))
    explicit, excluded = names_of(metadata.get("tags")), names_of(metadata.get("exclude_tags"))
    print(shown(path))
    for line in explanation(fields, registry, cfg, explicit, excluded):
        print(f"  {line}")


tags = Collection("tags", tags_suggest, tags_explain)
namespace = Collection(build, clean, rebuild, serve, livereload, import_issue, check, gh_pages, guard_removals, email, bench, translations, tags)
