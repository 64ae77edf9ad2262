"""Lighthouse on built pages, behind ``invoke bench --pages``: the four category scores and an article's weight.

The issue sets two targets for what readers download:

* Lighthouse 1.0 in performance, accessibility, best practices and SEO on the home,
  issue and article pages of each language;
* an article page, with everything it loads except images and fonts (HTML, CSS,
  any script), weighs at most 30 KB uncompressed (1 KB = 1,024 bytes), its fonts at
  most 80 KB more (the site's own faces, issue #24), needs no JavaScript and loads
  nothing from another host.
* on pages that carry a photo, the same; and the article's lead photo, as a phone
  390 CSS px wide at 3x fetches it, transfers at most 80 KB.

``audit_pages(output_dir)`` picks those six pages from a built site
(``find_pages``: ``/`` and ``/en/``, the newest issue of each language, the first
article that issue links to), serves the folder on a loopback port
(``cafetech_dev.quality.serve_folder``), and runs Lighthouse on each page in Debian's
Chromium (``cafetech_dev.quality.CHROMIUM``, headless, with the flags that keep it
off the network). Lighthouse runs with its default settings: the mobile preset
(a Moto G Power screen, simulated slow 4G and 4x CPU slowdown), which is the
stricter one. ``audit_published_site`` does that on the real content, then on a copy
whose newest issue has a generated photo on each section (``with_photos``).
``parse_report`` turns one JSON report into the scores and the
weight, script and host figures (from the ``network-requests`` audit, using each
request's decoded ``resourceSize``); ``format_pages_table`` prints them with one
met/MISSED line per target.

Lighthouse is an npm package, not a Python one: ``ensure_lighthouse`` installs
exactly ``LIGHTHOUSE_VERSION`` (12.2.3; 13 needs a newer Node than Debian's 20)
into ``.lighthouse/`` at the project root (git-ignored) the first time, never
with a browser download. The parsing and formatting functions come first and
need neither Node nor a browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlparse

from cafetech_dev.quality import CHROMIUM, CHROMIUM_ARGS, serve_folder

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_DIR = ROOT / ".lighthouse"
LIGHTHOUSE_CLI = Path("node_modules") / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT_NAMES = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
ARTICLE_MAX_KB = 30
FONTS_MAX_KB = 80  # the site's own faces, self-hosted WOFF2 (theme/static/fonts), counted apart
LEAD_IMAGE_MAX_KB = 80
KB = 1024
# A phone 390 CSS px wide at 3 device pixels per CSS pixel (iPhone 12 to 15): Lighthouse's mobile
# preset emulates 412 px at 1.75, which fetches a smaller rendition.
PHONE_390 = {"width": 390, "height": 844, "deviceScaleFactor": 3}
# Never let an npm package fetch a browser: Lighthouse drives Debian's Chromium.
NO_BROWSER_DOWNLOAD = {
    "PUPPETEER_SKIP_DOWNLOAD": "1",
    "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1",
    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
}

HOMES = {"fr": "/", "en": "/en/"}
ISSUE_FOLDERS = {"fr": "numero", "en": "en/issues"}  # plugins/issues.py: ISSUE_SAVE_AS, ISSUE_LANG_SAVE_AS
ARTICLE_PATTERNS = {  # pelicanconf.py: ARTICLE_URL, ARTICLE_LANG_URL
    "fr": re.compile(r"^/\d{4}/\d{2}/[^/]+/$"),
    "en": re.compile(r"^/en/\d{4}/\d{2}/[^/]+/$"),
}
ISSUE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGE_NAMES = {"fr": "French", "en": "English"}


class PagesAuditError(Exception):
    """A one-line reason the audit cannot run or a page cannot be audited."""


class Page(NamedTuple):
    path: str  # the URL path on the site, e.g. "/en/issues/2023-11-20/"
    lang: str  # "fr" or "en"
    kind: str  # "home", "issue" or "article"


# --- Pure functions: choosing pages, reading a report, verdicts -------------------------------------------


def classify(path: str) -> Page:
    """The language and kind of a site path: '/en/issues/2023-11-20/' -> Page(path, 'en', 'issue')."""
    lang = "en" if path == "/en/" or path.startswith("/en/") else "fr"
    if path == HOMES[lang]:
        kind = "home"
    elif path.startswith("/" + ISSUE_FOLDERS[lang] + "/"):
        kind = "issue"
    elif ARTICLE_PATTERNS[lang].match(path):
        kind = "article"
    else:
        kind = "page"
    return Page(path, lang, kind)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def linked_articles(html: str, lang: str) -> list[str]:
    """The paths of the articles in ``lang`` a page links to, in order, each once (an absolute link counts by its path)."""
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        path = urlparse(href).path
        if ARTICLE_PATTERNS[lang].match(path) and path not in paths:
            paths.append(path)
    return paths


def _file(output: Path, path: str) -> Path:
    return output / path.lstrip("/") / "index.html"


def _newest_issue(output: Path, lang: str) -> str | None:
    folder = output / ISSUE_FOLDERS[lang]
    children = folder.iterdir() if folder.is_dir() else []
    dates = sorted((child.name for child in children if ISSUE_DATE.match(child.name) and (child / "index.html").is_file()), reverse=True)
    return f"/{ISSUE_FOLDERS[lang]}/{dates[0]}/" if dates else None


def _newest_article(output: Path, lang: str) -> str | None:
    """An article of the newest month (the last by slug), for a site whose newest issue links none."""
    base = output / "en" if lang == "en" else output
    folders = base.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*")
    paths = sorted((folder.relative_to(output).as_posix() for folder in folders if (folder / "index.html").is_file()), reverse=True)
    return f"/{paths[0]}/" if paths else None


def find_pages(output_dir: str | Path) -> list[Page]:
    """Home, newest issue and one article (the first the issue links to) of each language, from a built site."""
    output = Path(output_dir)
    if not (output / "index.html").is_file():
        raise PagesAuditError(f"{output}: no built site (no index.html): run `invoke build` first")
    pages, missing = [], []
    for lang in ("fr", "en"):
        home = HOMES[lang]
        if _file(output, home).is_file():
            pages.append(Page(home, lang, "home"))
        else:
            missing.append(f"{LANGUAGE_NAMES[lang]} home ({home})")
        issue = _newest_issue(output, lang)
        article = None
        if issue:
            pages.append(Page(issue, lang, "issue"))
            linked = linked_articles(_file(output, issue).read_text("utf-8"), lang)
            article = next((path for path in linked if _file(output, path).is_file()), None)
        else:
            missing.append(f"{LANGUAGE_NAMES[lang]} issue (/{ISSUE_FOLDERS[lang]}/<date>/)")
        article = article or _newest_article(output, lang)
        if article:
            pages.append(Page(article, lang, "article"))
        else:
            missing.append(f"{LANGUAGE_NAMES[lang]} article")
    if missing:
        raise PagesAuditError(f"{output}: no page to audit for: {', '.join(missing)}")
    return pages


class _InlineScripts(HTMLParser):
    EXECUTABLE = {"", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.count = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            if (attributes.get("type") or "").strip().lower() in self.EXECUTABLE:
                self.count += 1


def inline_scripts(html: str) -> int:
    """How many inline scripts a browser would run (JSON-LD and other data blocks are not scripts)."""
    parser = _InlineScripts()
    parser.feed(html)
    return parser.count


class _LeadImage(HTMLParser):
    """The URLs an article's lead photo may be fetched from: every candidate of its first figure.photo."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = self.done = False
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure" and "photo" in (attributes.get("class") or "").split() and not self.done:
            self.inside = True
        elif self.inside and tag in ("source", "img"):
            for candidate in (attributes.get("srcset") or "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])
            if attributes.get("src"):
                self.urls.append(attributes["src"])

    def handle_endtag(self, tag):
        if tag == "figure" and self.inside:
            self.inside, self.done = False, True


def lead_image_paths(html: str) -> set[str]:
    """The paths of every rendition of a page's lead photo (``figure.photo``): none without one."""
    parser = _LeadImage()
    parser.feed(html)
    return {urlparse(url).path for url in parser.urls}


def lead_image_transfer(report: dict, paths: set[str]) -> dict | None:
    """The lead photo's request in a Lighthouse report: ``{"path", "transfer_bytes", "type"}``, the
    largest if the browser fetched more than one of its renditions; None when it fetched none."""
    requests = (report.get("audits", {}).get("network-requests", {}).get("details") or {}).get("items", [])
    found = [request for request in requests if urlparse(request.get("url", "")).path in paths]
    if not found:
        return None
    request = max(found, key=lambda request: request.get("transferSize") or 0)
    return {"path": urlparse(request["url"]).path, "transfer_bytes": request.get("transferSize") or 0, "type": request.get("mimeType")}


def failing_audits(report: dict, category: str) -> list[str]:
    """The ids of the audits that lower a category's score: weighted and scored below 1, or errored."""
    audits = report.get("audits", {})
    failing = []
    for ref in report["categories"][category].get("auditRefs", []):
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        errored = score is None and audit.get("scoreDisplayMode") == "error"
        if ref.get("weight", 0) > 0 and (errored or score is not None and score < 1):
            failing.append(ref["id"])
    return failing


def parse_report(report: dict, page: Page) -> dict:
    """One page's result from a Lighthouse JSON report.

    ``scores``: the four category scores (None when Lighthouse could not score one);
    ``failing``: per category under 1.0, the audit ids responsible; ``weight_kb``:
    the decoded size of every http(s) request except images and fonts (``font_kb``:
    the fonts'; ``transfer_kb``: as transferred); ``scripts``: the scripts loaded; ``third_party_requests``: the
    requests to a host other than the page's.
    """
    if report.get("runtimeError"):
        error = report["runtimeError"]
        reason = ": ".join(str(part) for part in (error.get("code"), error.get("message")) if part)
        raise PagesAuditError(f"{page.path}: Lighthouse could not audit the page: {reason}")
    missing = [category for category in CATEGORIES if category not in report.get("categories", {})]
    if missing:
        raise PagesAuditError(f"{page.path}: the Lighthouse report has no {', '.join(missing)} category")
    page_url = report.get("finalDisplayedUrl") or report.get("finalUrl") or report.get("requestedUrl", "")
    host = urlparse(page_url).netloc
    requests = (report.get("audits", {}).get("network-requests", {}).get("details") or {}).get("items", [])
    weight = transfer = fonts = images = 0
    scripts, third_party = [], []
    for request in requests:
        url = request.get("url", "")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https"):
            continue  # data:, blob:, chrome-extension: - nothing fetched from a host
        if parsed.netloc != host:
            third_party.append(url)
        if request.get("resourceType") == "Script":
            scripts.append(parsed.path if parsed.netloc == host else url)
        if request.get("resourceType") == "Image" or (request.get("mimeType") or "").startswith("image/"):
            images += request.get("transferSize") or 0
            continue
        if request.get("resourceType") == "Font" or (request.get("mimeType") or "").startswith("font/"):
            fonts += request.get("resourceSize") or 0
            continue
        weight += request.get("resourceSize") or 0
        transfer += request.get("transferSize") or 0
    scores = {category: report["categories"][category].get("score") for category in CATEGORIES}
    return {
        "url": page.path,
        "lang": page.lang,
        "kind": page.kind,
        "scores": scores,
        "failing": {category: failing_audits(report, category) for category in CATEGORIES if scores[category] != 1},
        "weight_bytes": weight,
        "weight_kb": round(weight / KB, 1),
        "font_bytes": fonts,
        "font_kb": round(fonts / KB, 1),
        "transfer_kb": round(transfer / KB, 1),
        "image_kb": round(images / KB, 1),  # the images' transfer (on a list page: its thumbnails)
        "requests": len(requests),
        "scripts": scripts,
        "third_party_requests": third_party,
        "form_factor": report.get("configSettings", {}).get("formFactor"),
        "lighthouse": report.get("lighthouseVersion"),
    }


def _score(value) -> str:
    return "error" if value is None else f"{value:.2f}"


def verdicts(results: list[dict]) -> list[tuple[bool, str, list[str]]]:
    """(met, target, details) for each target of the issue: the pages (and audits) that miss it, or what meets it."""
    low_scores = []
    for result in results:
        low = []
        for category, score in result["scores"].items():
            if score != 1:
                failing = result.get("failing", {}).get(category)
                low.append(f"{category} {_score(score)}" + (f" [{', '.join(failing)}]" if failing else ""))
        if low:
            low_scores.append(f"{result['url']}: {'; '.join(low)}")
    lines = [
        (
            bool(results) and not low_scores,
            f"scores 1.0 in {', '.join(CATEGORIES)}",
            low_scores or [f"{len(results)} pages" if results else "no page audited"],
        )
    ]
    articles = [result for result in results if result["kind"] == "article"]
    checks = (  # (target, what misses it on one page, what to show when met)
        (
            f"article weight <= {ARTICLE_MAX_KB} KB",
            lambda r: f"{r['weight_kb']:.1f} KB" if r["weight_bytes"] > ARTICLE_MAX_KB * KB else "",
            [f"{r['url']}{' (photos)' if r.get('photos') else ''}: {r['weight_kb']:.1f} KB" for r in articles],
        ),
        (
            f"article fonts <= {FONTS_MAX_KB} KB",
            lambda r: f"{r.get('font_kb', 0):.1f} KB" if r.get("font_bytes", 0) > FONTS_MAX_KB * KB else "",
            [f"{r['url']}{' (photos)' if r.get('photos') else ''}: {r.get('font_kb', 0):.1f} KB" for r in articles],
        ),
        ("article loads no script", lambda r: ", ".join(r["scripts"]), [f"{len(articles)} article pages"]),
        ("article loads nothing from another host", lambda r: ", ".join(r["third_party_requests"]), [f"{len(articles)} article pages"]),
    )
    for target, problem, shown in checks:
        missed = [f"{r['url']}: {problem(r)}" for r in articles if problem(r)]
        lines.append((bool(articles) and not missed, target, missed or shown if articles else ["no article page audited"]))
    leads = [result for result in articles if "lead_image" in result]
    if leads:
        size = "{width} px at {deviceScaleFactor}x".format(**PHONE_390)

        def weighed(image) -> str:
            return f"{image['transfer_bytes'] / KB:.1f} KB ({image['path'].rsplit('/', 1)[1]})" if image else "not fetched"

        details = [
            f"{r['url']}: {weighed(r['lead_image'])}" + (f"; Lighthouse's phone (412 px at 1.75x): {weighed(r['lead_image_preset'])}" if "lead_image_preset" in r else "")
            for r in leads
        ]
        met = all(r["lead_image"] and r["lead_image"]["transfer_bytes"] <= LEAD_IMAGE_MAX_KB * KB for r in leads)
        lines.append((met, f"lead photo's transfer at {size} <= {LEAD_IMAGE_MAX_KB} KB", details))
    return lines


def all_targets_met(results: list[dict]) -> bool:
    """Whether every target of the issue is met (for the exit status of the task)."""
    return all(met for met, _, _ in verdicts(results))


def format_pages_table(results: list[dict]) -> str:
    """A table of the pages (scores, weight, scripts, other hosts), then one met/MISSED line per target."""
    header = ["page", "lang", "kind", *(SHORT_NAMES[c] for c in CATEGORIES), "KB", "image KB", "scripts", "other hosts"]
    rows = [
        [
            result["url"] + (" (photos)" if result.get("photos") else ""),
            result["lang"],
            result["kind"],
            *(_score(result["scores"].get(c)) for c in CATEGORIES),
            f"{result['weight_kb']:.1f}",
            f"{result.get('image_kb', 0):.1f}",
            str(len(result["scripts"])),
            str(len(result["third_party_requests"])),
        ]
        for result in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = set(range(3, len(header)))

    def line(cells):
        return "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()

    versions = sorted({str(result.get("lighthouse") or LIGHTHOUSE_VERSION) for result in results}) or [LIGHTHOUSE_VERSION]
    form_factors = sorted({str(result["form_factor"]) for result in results if result.get("form_factor")})
    title = f"Lighthouse {', '.join(versions)}" + (f", {', '.join(form_factors)} preset" if form_factors else "")
    title += "; KB: what the page loads except images, uncompressed; image KB: its images as transferred"
    table = [title, line(header), line(["-" * width for width in widths]), *(line(row) for row in rows), ""]
    for met, target, details in verdicts(results):
        table.append(f"{'met   ' if met else 'MISSED'}  {target}" + (f": {details[0]}" if len(details) == 1 else ":"))
        table += [f"          {detail}" for detail in details if len(details) > 1]
    return "\n".join(table)


# --- Running Lighthouse --------------------------------------------------------------------------------


def ensure_lighthouse(directory: str | Path = LIGHTHOUSE_DIR) -> Path:
    """Lighthouse's CLI script in ``directory``, installed there with npm first if it is missing or another version."""
    directory = Path(directory)
    cli = directory / LIGHTHOUSE_CLI
    installed = directory / "node_modules" / "lighthouse" / "package.json"
    if cli.is_file() and installed.is_file():
        try:
            if json.loads(installed.read_text("utf-8")).get("version") == LIGHTHOUSE_VERSION:
                return cli
        except ValueError:
            pass  # a broken install: install again
    npm = shutil.which("npm")
    if npm is None:
        raise PagesAuditError(f"npm not found: install Node.js 18-20 with npm to install Lighthouse {LIGHTHOUSE_VERSION} into {directory}")
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {
        "private": True,
        "description": "Lighthouse for `invoke bench --pages` (written by cafetech_dev/pages_audit.py)",
        "dependencies": {"lighthouse": LIGHTHOUSE_VERSION},
    }
    (directory / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    try:
        result = subprocess.run(
            [npm, "install", "--prefix", str(directory), "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=directory,
            env={**os.environ, **NO_BROWSER_DOWNLOAD},
            capture_output=True,
            text=True,
            timeout=900,
        )
    except subprocess.TimeoutExpired:
        raise PagesAuditError(f"npm install lighthouse@{LIGHTHOUSE_VERSION} into {directory}: no answer in 15 minutes") from None
    if result.returncode != 0 or not cli.is_file():
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {result.returncode}"
        raise PagesAuditError(f"npm install lighthouse@{LIGHTHOUSE_VERSION} into {directory} failed: {reason}")
    return cli


def run_lighthouse(cli: str | Path, url: str, chromium: str = CHROMIUM, timeout: int = 300, screen: dict | None = None) -> dict:
    """Lighthouse's JSON report (as a dict) on one URL, with the default (mobile) settings, in ``chromium``;
    with ``screen`` (width, height, deviceScaleFactor), a mobile screen of that size instead, performance only."""
    node = shutil.which("node")
    if node is None:
        raise PagesAuditError("node not found: Lighthouse needs Node.js 18-20")
    command = [
        node,
        str(cli),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES) if screen is None else 'performance'}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        *([f"--screenEmulation.{key}={value}" for key, value in screen.items()] + ["--screenEmulation.mobile"] if screen else []),
    ]
    try:
        result = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise PagesAuditError(f"{url}: Lighthouse did not finish in {timeout} s") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise PagesAuditError(f"{url}: Lighthouse failed: {lines[-1].strip() if lines else f'exit status {result.returncode}'}")
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise PagesAuditError(f"{url}: Lighthouse wrote no JSON report") from None


def audit_pages(
    output_dir: str | Path,
    pages=None,
    log=print,
    lighthouse_dir: str | Path = LIGHTHOUSE_DIR,
    base_url: str | None = None,
    lead_images: bool = False,
) -> list[dict]:
    """Lighthouse on each page of a built site, one dict a page (see ``parse_report``). With
    ``lead_images``, each article page with a lead photo is loaded again on a 390 px phone
    (``PHONE_390``) and ``lead_image`` says what its photo weighed (``lead_image_transfer``).

    ``pages``: site paths or ``Page``s (default: ``find_pages``). The folder is served on a
    free loopback port, unless ``base_url`` is an address that already serves it (for a
    production build whose SITEURL is that address: Lighthouse's ``hreflang`` audit wants
    absolute URLs, which a development build, SITEURL = "", does not have).
    """
    output = Path(output_dir)
    if not output.is_dir():
        raise PagesAuditError(f"{output}: no such folder: run `invoke build` first")
    if not Path(CHROMIUM).is_file():
        raise PagesAuditError(f"{CHROMIUM} not found: run tools/need_system_packages.sh as root (apt-get install chromium)")
    selected = find_pages(output) if pages is None else [page if isinstance(page, Page) else classify(page) for page in pages]
    for page in selected:
        if not _file(output, page.path).is_file():
            raise PagesAuditError(f"{output}: no page {page.path} ({page.path.lstrip('/')}index.html)")
    cli = ensure_lighthouse(lighthouse_dir)
    server = None
    if base_url is None:
        server, base_url = serve_folder(output)
    results = []
    try:
        for page in selected:
            log(f"lighthouse {page.path}")
            report = run_lighthouse(cli, base_url.rstrip("/") + page.path)
            result = parse_report(report, page)
            html = _file(output, page.path).read_text("utf-8")
            result["scripts"] += [f"(inline script {n + 1})" for n in range(inline_scripts(html))]
            if lead_images and page.kind == "article" and (paths := lead_image_paths(html)):
                log(f"lighthouse {page.path} on a {PHONE_390['width']} px phone")
                phone = run_lighthouse(cli, base_url.rstrip("/") + page.path, screen=PHONE_390)
                result["lead_image"] = lead_image_transfer(phone, paths)
                result["lead_image_preset"] = lead_image_transfer(report, paths)  # Lighthouse's own phone
            results.append(result)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    return results


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PHOTO_ALTS = {"fr": "Des reflets {colour} sur un fond granuleux", "en": "{colour} reflections on a grainy background"}
PHOTO_COLOURS = [("bleus", "Blue"), ("orangés", "Orange"), ("verts", "Green"), ("violets", "Purple")]


def with_photos(content: str | Path, target: str | Path, lang: str = "en") -> list[Path]:
    """Copy ``content`` to ``target`` and give each section of the newest issue a generated photo
    (``cafetech_dev.bench.bench_photo``, 1600×1067) beside it, with ``Image``, ``Image_alt`` and
    ``Image_credit``, the alt text translated in its ``lang`` sidecar; the photos written."""
    from cafetech.sidecars import sidecar_path, update_sidecar
    from cafetech_dev.bench import bench_photo

    content, target = Path(content), Path(target)
    shutil.copytree(content, target)
    issues = sorted(path for path in (target / "issues").iterdir() if ISSUE_DATE.match(path.name))
    if not issues:
        raise PagesAuditError(f"{content}: no issue to give photos to")
    photos = []
    for number, article in enumerate(sorted(path for path in issues[-1].glob("*.md") if path.name != "issue.md")):
        colour, english = PHOTO_COLOURS[number % len(PHOTO_COLOURS)]
        alt, credit = PHOTO_ALTS["fr"].format(colour=colour), f"Photographe {number + 1}"
        photo = article.with_suffix(".jpg")
        photo.write_bytes(bench_photo(number))
        photos.append(photo)
        head, blank, body = article.read_text("utf-8").partition("\n\n")
        head = re.sub(r"^(Image|Image_alt|Image_credit):.*\n?", "", head, flags=re.M | re.I).rstrip("\n")
        article.write_text(f"{head}\nImage: {photo.name}\nImage_alt: {alt}\nImage_credit: {credit}{blank}{body}", "utf-8")
        sidecar = sidecar_path(article, lang)
        if sidecar.exists():
            update_sidecar(article, sidecar, lang)
            po = sidecar.read_text("utf-8")
            for context, source, translation in (("image_alt", alt, PHOTO_ALTS["en"].format(colour=english)), ("image_credit", credit, credit)):
                po = po.replace(f'msgctxt "{context}"\nmsgid "{source}"\nmsgstr ""', f'msgctxt "{context}"\nmsgid "{source}"\nmsgstr "{translation}"')
            sidecar.write_text(po, "utf-8")
    return photos


def _build_published(content: Path, site: Path, cache: Path, port: int) -> None:
    from cafetech.site_build import build

    saved = os.environ.get("SITEURL")
    os.environ["SITEURL"] = f"http://127.0.0.1:{port}"  # publishconf.py reads it
    try:
        build(ROOT / "publishconf.py", content, site, {"CACHE_PATH": str(cache)})
    finally:
        if saved is None:
            del os.environ["SITEURL"]
        else:
            os.environ["SITEURL"] = saved


def audit_published_site(
    content: str | Path, workdir: str | Path, log=print, lighthouse_dir: str | Path = LIGHTHOUSE_DIR, photos: bool = True
) -> list[dict]:
    """Build ``content`` with publishconf.py, its SITEURL a loopback address, into ``workdir``; serve it
    there and audit it: the pages readers get, absolute hreflang links included. With ``photos``, the
    same again on a copy whose newest issue has a photo on each section (``with_photos``): its home,
    issue and article pages in each language (the home and issue pages with their thumbnails), and the article's lead photo on a 390 px phone (those rows
    have ``"photos": True``)."""
    workdir = Path(workdir)
    runs = [("site", Path(content), False)]
    if photos:
        log("bench --pages: a copy of the content with a photo on each section of the newest issue")
        with_photos(content, workdir / "content-photos")
        runs.append(("site-photos", workdir / "content-photos", True))
    results = []
    for name, source, photographed in runs:
        port = free_port()
        _build_published(source, workdir / name, workdir / f"cache-{name}", port)
        server, base_url = serve_folder(workdir / name, port)
        try:
            pages = find_pages(workdir / name) if photographed else None  # the home too: its thumbnails
            found = audit_pages(workdir / name, pages, log=log, lighthouse_dir=lighthouse_dir, base_url=base_url, lead_images=photographed)
        finally:
            server.shutdown()
            server.server_close()
        results += [{**result, "photos": True} if photographed else result for result in found]
    return results
