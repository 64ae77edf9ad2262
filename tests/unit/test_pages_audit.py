"""The Lighthouse page audit without a browser: page choice, report parsing, verdicts, the npm install's errors."""

from __future__ import annotations

import re

import pytest

from cafetech_dev import pages_audit
from cafetech_dev.pages_audit import (
    KB,
    LIGHTHOUSE_VERSION,
    Page,
    PagesAuditError,
    all_targets_met,
    classify,
    ensure_lighthouse,
    find_pages,
    format_pages_table,
    inline_scripts,
    lead_image_paths,
    lead_image_transfer,
    linked_articles,
    parse_report,
    verdicts,
)

ARTICLE_FR = "/2023/11/un-article/"
ARTICLE_EN = "/en/2023/11/un-article/"


def write(root, relative, text=""):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def site(root):
    """A built site with two issues per language; the newest issues link to articles of both languages."""
    write(root, "index.html", "<h1>Accueil</h1>")
    write(root, "en/index.html", "<h1>Home</h1>")
    write(root, "numero/2023-11-13/index.html", '<a href="/2023/11/ancien/">old</a>')
    write(root, "numero/2023-11-20/index.html",
          '<a href="/tag/ia/">tag</a><a href="/en/2023/11/un-article/">en</a>'
          '<a href="/2023/11/absent/">not built</a><a href="/2023/11/un-article/">fr</a>')
    write(root, "numero/notes.txt", "not an issue")
    write(root, "en/issues/2023-11-13/index.html", "")
    write(root, "en/issues/2023-11-20/index.html", '<a href="https://cafetech.test/en/2023/11/un-article/#top">x</a>')
    write(root, "en/issues/index.html", "")
    for path in ("2023/11/ancien/", "2023/11/un-article/", "2023/11/zzz-unlinked/", "en/2023/11/un-article/"):
        write(root, path + "index.html", "<p>article</p>")
    return root


def request(url, resource_type, size, mime="text/html"):
    return {"url": url, "resourceType": resource_type, "resourceSize": size, "transferSize": size + 200, "mimeType": mime}


def report(scores=None, requests=None, url="http://127.0.0.1:8123/2023/11/un-article/"):
    """A Lighthouse-12-like JSON report with what parse_report reads."""
    scores = scores or {"performance": 1, "accessibility": 1, "best-practices": 1, "seo": 1}
    if requests is None:
        requests = [
            request(url, "Document", 10_700),
            request("http://127.0.0.1:8123/theme/css/main.css", "Stylesheet", 3_744, "text/css"),
        ]
    audit_refs = {
        "performance": [{"id": "largest-contentful-paint", "weight": 25}, {"id": "network-requests", "weight": 0}],
        "accessibility": [{"id": "color-contrast", "weight": 7}],
        "best-practices": [{"id": "errors-in-console", "weight": 1}],
        "seo": [{"id": "hreflang", "weight": 1}, {"id": "canonical", "weight": 1}, {"id": "structured-data", "weight": 0}],
    }
    audits = {
        "largest-contentful-paint": {"score": 1 if scores["performance"] == 1 else 0.8, "scoreDisplayMode": "numeric"},
        "network-requests": {"score": None, "scoreDisplayMode": "informative", "details": {"type": "table", "items": requests}},
        "color-contrast": {"score": 1, "scoreDisplayMode": "binary"},
        "errors-in-console": {"score": 1, "scoreDisplayMode": "binary"},
        "hreflang": {"score": 1 if scores["seo"] == 1 else 0, "scoreDisplayMode": "binary"},
        "canonical": {"score": 1, "scoreDisplayMode": "binary"},
        "structured-data": {"score": None, "scoreDisplayMode": "manual"},
    }
    return {
        "lighthouseVersion": LIGHTHOUSE_VERSION,
        "requestedUrl": url,
        "finalDisplayedUrl": url,
        "configSettings": {"formFactor": "mobile"},
        "categories": {name: {"score": score, "auditRefs": audit_refs[name]} for name, score in scores.items()},
        "audits": audits,
    }


def result(url, kind, scores=None, weight_kb=10.0, scripts=(), third_party=(), failing=None):
    lang = "en" if url.startswith("/en/") else "fr"
    return {
        "url": url, "lang": lang, "kind": kind,
        "scores": scores or {"performance": 1, "accessibility": 1, "best-practices": 1, "seo": 1},
        "failing": failing or {}, "weight_bytes": round(weight_kb * KB), "weight_kb": weight_kb,
        "scripts": list(scripts), "third_party_requests": list(third_party),
        "form_factor": "mobile", "lighthouse": LIGHTHOUSE_VERSION,
    }


def six_good_pages():
    return [
        result("/", "home"), result("/numero/2023-11-20/", "issue"), result(ARTICLE_FR, "article", weight_kb=14.1),
        result("/en/", "home"), result("/en/issues/2023-11-20/", "issue"), result(ARTICLE_EN, "article", weight_kb=13.3),
    ]


# --- Choosing the pages -----------------------------------------------------------------------------------


def test_classify_site_paths():
    assert classify("/") == Page("/", "fr", "home")
    assert classify("/en/") == Page("/en/", "en", "home")
    assert classify("/numero/2023-11-20/") == Page("/numero/2023-11-20/", "fr", "issue")
    assert classify("/en/issues/2023-11-20/") == Page("/en/issues/2023-11-20/", "en", "issue")
    assert classify(ARTICLE_FR) == Page(ARTICLE_FR, "fr", "article")
    assert classify(ARTICLE_EN) == Page(ARTICLE_EN, "en", "article")
    assert classify("/tag/ia/").kind == "page"


def test_linked_articles_keep_the_language_and_the_order():
    html = ('<a href="/tag/x/">t</a><a href="/en/2023/11/b/">en</a><a href="/2023/11/a/">a</a>'
            '<a href="https://cafetech.test/2023/11/c/?x=1#top">c</a><a href="/2023/11/a/">again</a>')
    assert linked_articles(html, "fr") == ["/2023/11/a/", "/2023/11/c/"]
    assert linked_articles(html, "en") == ["/en/2023/11/b/"]


def test_find_pages_takes_the_newest_issues_and_the_first_built_article_they_link(tmp_path):
    assert find_pages(site(tmp_path)) == [
        Page("/", "fr", "home"),
        Page("/numero/2023-11-20/", "fr", "issue"),
        Page(ARTICLE_FR, "fr", "article"),  # /2023/11/absent/ is linked first but was not built
        Page("/en/", "en", "home"),
        Page("/en/issues/2023-11-20/", "en", "issue"),
        Page(ARTICLE_EN, "en", "article"),  # an absolute link, reduced to its path
    ]


def test_find_pages_falls_back_to_the_newest_article_when_the_issue_links_none(tmp_path):
    site(tmp_path)
    write(tmp_path, "numero/2023-11-20/index.html", "<p>no link</p>")
    french = [page for page in find_pages(tmp_path) if page.lang == "fr"]
    assert french[-1] == Page("/2023/11/zzz-unlinked/", "fr", "article")


def test_find_pages_names_what_is_missing(tmp_path):
    with pytest.raises(PagesAuditError, match="no built site"):
        find_pages(tmp_path)
    write(tmp_path, "index.html", "")
    write(tmp_path, "2023/11/a/index.html", "")
    with pytest.raises(PagesAuditError) as error:
        find_pages(tmp_path)
    message = str(error.value)
    assert "French issue (/numero/<date>/)" in message and "English home (/en/)" in message
    assert "English article" in message and "French article" not in message
    assert "\n" not in message


# --- Reading a Lighthouse report ------------------------------------------------------------------------


def test_parse_report_reads_scores_and_weight_without_images():
    requests = [
        request("http://127.0.0.1:8123/2023/11/un-article/", "Document", 10_700),
        request("http://127.0.0.1:8123/theme/css/main.css", "Stylesheet", 3_744, "text/css"),
        request("http://127.0.0.1:8123/images/photo.jpg", "Image", 90_000, "image/jpeg"),
        request("http://127.0.0.1:8123/theme/logo.svg", "Other", 5_000, "image/svg+xml"),
        request("data:image/png;base64,AAAA", "Image", 10, "image/png"),
    ]
    parsed = parse_report(report(requests=requests), Page(ARTICLE_FR, "fr", "article"))
    assert parsed["url"] == ARTICLE_FR and parsed["lang"] == "fr" and parsed["kind"] == "article"
    assert parsed["scores"] == {"performance": 1, "accessibility": 1, "best-practices": 1, "seo": 1}
    assert parsed["failing"] == {}
    assert parsed["weight_bytes"] == 10_700 + 3_744
    assert parsed["weight_kb"] == round((10_700 + 3_744) / 1024, 1) == 14.1
    assert parsed["transfer_kb"] == round((10_900 + 3_944) / 1024, 1)
    assert parsed["image_kb"] == round((90_200 + 5_200) / 1024, 1)  # weighed apart: a list page's thumbnails
    assert parsed["scripts"] == [] and parsed["third_party_requests"] == []
    assert parsed["form_factor"] == "mobile" and parsed["lighthouse"] == LIGHTHOUSE_VERSION


def test_parse_report_finds_scripts_and_other_hosts():
    requests = [
        request("http://127.0.0.1:8123/2023/11/un-article/", "Document", 10_000),
        request("http://127.0.0.1:8123/theme/js/search.js", "Script", 2_000, "text/javascript"),
        request("https://fonts.example.net/a.woff2", "Font", 20_000, "font/woff2"),
        request("https://stats.example.org/t.js", "Script", 1_000, "text/javascript"),
    ]
    parsed = parse_report(report(requests=requests), Page(ARTICLE_FR, "fr", "article"))
    assert parsed["scripts"] == ["/theme/js/search.js", "https://stats.example.org/t.js"]
    assert parsed["third_party_requests"] == ["https://fonts.example.net/a.woff2", "https://stats.example.org/t.js"]
    assert parsed["weight_bytes"] == 13_000  # scripts count, wherever they come from
    assert parsed["font_bytes"] == 20_000  # fonts are weighed apart (their own target)


def test_parse_report_names_the_audits_under_one():
    scores = {"performance": 0.97, "accessibility": 1, "best-practices": 1, "seo": 0.92}
    parsed = parse_report(report(scores=scores), Page("/", "fr", "home"))
    assert parsed["scores"]["seo"] == 0.92
    assert parsed["failing"] == {"performance": ["largest-contentful-paint"], "seo": ["hreflang"]}


def test_parse_report_errors_name_the_page():
    broken = report()
    broken["runtimeError"] = {"code": "ERRORED_DOCUMENT_REQUEST", "message": "Lighthouse was unable to reliably load the page (404)"}
    with pytest.raises(PagesAuditError, match=r"^/en/: Lighthouse could not audit the page: ERRORED_DOCUMENT_REQUEST"):
        parse_report(broken, Page("/en/", "en", "home"))
    partial = report()
    del partial["categories"]["seo"]
    with pytest.raises(PagesAuditError, match=r"^/en/: the Lighthouse report has no seo category$"):
        parse_report(partial, Page("/en/", "en", "home"))


def test_inline_scripts_ignore_data_blocks_and_external_scripts():
    html = ('<script type="application/ld+json">{}</script><script src="/theme/js/search.js"></script>'
            '<script>alert(1)</script><script type="module">import "x"</script><script type="text/template"></script>')
    assert inline_scripts(html) == 2
    assert inline_scripts('<script type="application/ld+json">{"@type": "NewsArticle"}</script>') == 0


# --- Verdicts and the table -----------------------------------------------------------------------------


def test_every_target_met():
    results = six_good_pages()
    assert [met for met, _, _ in verdicts(results)] == [True, True, True, True, True]
    assert all_targets_met(results)
    table = format_pages_table(results)
    assert "MISSED" not in table
    assert f"met     article weight <= 30 KB:\n          {ARTICLE_FR}: 14.1 KB\n          {ARTICLE_EN}: 13.3 KB" in table
    assert "Lighthouse 12.2.3, mobile preset" in table.splitlines()[0]


def test_each_miss_is_reported_with_its_page():
    results = six_good_pages()
    results[0]["scores"]["seo"] = 0.91
    results[0]["failing"] = {"seo": ["hreflang"]}
    results[2].update(weight_kb=30.1, weight_bytes=30 * KB + 100, scripts=["/theme/js/search.js"])
    results[5]["third_party_requests"] = ["https://fonts.example.net/a.woff2"]
    met = {target: (ok, details) for ok, target, details in verdicts(results)}
    assert met["scores 1.0 in performance, accessibility, best-practices, seo"] == (False, ["/: seo 0.91 [hreflang]"])
    assert met["article weight <= 30 KB"] == (False, [f"{ARTICLE_FR}: 30.1 KB"])
    assert met["article loads no script"] == (False, [f"{ARTICLE_FR}: /theme/js/search.js"])
    assert met["article loads nothing from another host"] == (False, [f"{ARTICLE_EN}: https://fonts.example.net/a.woff2"])
    assert not all_targets_met(results)
    table = format_pages_table(results)
    assert "MISSED  scores 1.0 in performance, accessibility, best-practices, seo: /: seo 0.91 [hreflang]" in table
    assert table.count("MISSED") == 4


def test_the_weight_limit_is_exact_in_bytes():
    results = six_good_pages()
    results[2].update(weight_kb=30.0, weight_bytes=30 * KB)
    assert verdicts(results)[1][0] is True
    results[2].update(weight_bytes=30 * KB + 1)  # still shown as 30.0 KB, but over the limit
    assert verdicts(results)[1][0] is False


def test_no_result_meets_no_target():
    assert not all_targets_met([])
    assert [details for _, _, details in verdicts([])] == [
        ["no page audited"], ["no article page audited"], ["no article page audited"], ["no article page audited"], ["no article page audited"]
    ]


def test_fonts_over_their_budget_miss_their_own_target():
    results = six_good_pages()
    results[2].update(font_bytes=81 * KB, font_kb=81.0)
    missed = [(target, details) for met, target, details in verdicts(results) if not met]
    assert missed == [("article fonts <= 80 KB", [f"{ARTICLE_FR}: 81.0 KB"])]


def test_the_table_lists_every_page_with_its_scores():
    results = six_good_pages()
    results[3]["scores"]["performance"] = None  # Lighthouse could not score it
    lines = format_pages_table(results).splitlines()
    assert lines[1].split() == ["page", "lang", "kind", "perf", "a11y", "bp", "seo", "KB", "image", "KB", "scripts", "other", "hosts"]
    rows = {line.split()[0]: line.split() for line in lines[3:9]}
    assert rows[ARTICLE_FR] == [ARTICLE_FR, "fr", "article", "1.00", "1.00", "1.00", "1.00", "14.1", "0.0", "0", "0"]
    assert rows["/en/"][3] == "error"
    assert "/en/: performance error" in format_pages_table(results)


# --- The lead photo ----------------------------------------------------------------------------------------

LEAD = """<article><figure class="photo"><picture>
<source type="image/avif" srcset="http://127.0.0.1:8123/photos/a-1-480.avif 480w, http://127.0.0.1:8123/photos/a-1-800.avif 800w" sizes="100vw">
<img src="http://127.0.0.1:8123/photos/a-1-800.jpg" srcset="/photos/a-1-480.jpg 480w,/photos/a-1-800.jpg 800w" alt="x">
</picture><figcaption>Photo : AFP</figcaption></figure>
<div class="thumbnail"><img src="/photos/b-2-480.jpg" alt=""></div></article>"""


def test_the_lead_photo_is_every_rendition_of_the_first_figure_and_nothing_else():
    assert lead_image_paths(LEAD) == {"/photos/a-1-480.avif", "/photos/a-1-800.avif", "/photos/a-1-480.jpg", "/photos/a-1-800.jpg"}
    assert lead_image_paths("<article><p>no photo</p><img src='/photos/b-2-480.jpg'></article>") == set()


def test_the_lead_photos_transfer_is_the_rendition_the_browser_fetched():
    requests = [
        request("http://127.0.0.1:8123/2023/11/un-article/", "Document", 10_700),
        request("http://127.0.0.1:8123/photos/b-2-480.avif", "Image", 9_000, "image/avif"),  # another photo
        request("http://127.0.0.1:8123/photos/a-1-800.avif", "Image", 54_000, "image/avif"),
    ]
    assert lead_image_transfer(report(requests=requests), lead_image_paths(LEAD)) == {
        "path": "/photos/a-1-800.avif", "transfer_bytes": 54_200, "type": "image/avif"
    }  # fmt: skip
    assert lead_image_transfer(report(requests=requests[:2]), lead_image_paths(LEAD)) is None


def test_pages_with_photos_are_marked_and_their_lead_photo_judged_against_80_kb():
    results = six_good_pages()
    photographed = [
        {**result(ARTICLE_FR, "article"), "photos": True, "lead_image": {"path": "/photos/a-1-1200.avif", "transfer_bytes": 80 * KB, "type": "image/avif"}},
        {**result(ARTICLE_EN, "article"), "photos": True, "lead_image": {"path": "/photos/a-1-1200.avif", "transfer_bytes": 80 * KB + 1, "type": "image/avif"}},
    ]
    met = {target: (ok, details) for ok, target, details in verdicts(results + photographed)}
    assert met["lead photo's transfer at 390 px at 3x <= 80 KB"] == (
        False, [f"{ARTICLE_FR}: 80.0 KB (a-1-1200.avif)", f"{ARTICLE_EN}: 80.0 KB (a-1-1200.avif)"]
    )  # fmt: skip
    photographed[1]["lead_image"] = None  # the browser fetched none of its renditions
    photographed[1]["lead_image_preset"] = {"path": "/photos/a-1-800.avif", "transfer_bytes": 54 * KB, "type": "image/avif"}
    assert verdicts(results + photographed)[-1][2][1] == f"{ARTICLE_EN}: not fetched; Lighthouse's phone (412 px at 1.75x): 54.0 KB (a-1-800.avif)"
    assert f"{ARTICLE_EN} (photos): 10.0 KB" in format_pages_table(results + photographed)
    assert "lead photo" not in format_pages_table(results)  # no page with a photo audited: no such line
    assert f"{ARTICLE_FR} (photos)" in format_pages_table(results + photographed)


def test_a_copy_of_the_content_gets_a_photo_on_each_section_of_the_newest_issue(tmp_path):
    from support import ROOT

    photos = pages_audit.with_photos(ROOT / "content", tmp_path / "content")
    newest = sorted((tmp_path / "content" / "issues").iterdir())[-1]
    articles = sorted(path for path in newest.glob("*.md") if path.name != "issue.md")
    assert photos == [article.with_suffix(".jpg") for article in articles] and len(photos) >= 2
    for number, article in enumerate(articles):
        head = article.read_text("utf-8").split("\n\n", 1)[0]
        assert f"\nImage: {article.stem}.jpg\n" in head and f"\nImage_credit: Photographe {number + 1}" in head
        po = article.with_suffix(".en.po").read_text("utf-8")
        assert re.search(r'msgctxt "image_alt"\nmsgid "Des reflets \w+ sur un fond granuleux"\nmsgstr "\w+ reflections on a grainy background"', po)
    assert not list((ROOT / "content" / "issues").rglob("*.jpg"))  # the content itself is left as it was


# --- Installing Lighthouse ------------------------------------------------------------------------------


def test_ensure_lighthouse_keeps_an_install_of_the_pinned_version(tmp_path, monkeypatch):
    write(tmp_path, "node_modules/lighthouse/cli/index.js", "")
    write(tmp_path, "node_modules/lighthouse/package.json", '{"version": "%s"}' % LIGHTHOUSE_VERSION)
    monkeypatch.setattr(pages_audit.shutil, "which", lambda name: pytest.fail("npm must not run"))
    assert ensure_lighthouse(tmp_path) == tmp_path / "node_modules/lighthouse/cli/index.js"


def test_ensure_lighthouse_without_npm_says_so(tmp_path, monkeypatch):
    write(tmp_path, "node_modules/lighthouse/cli/index.js", "")
    write(tmp_path, "node_modules/lighthouse/package.json", '{"version": "13.0.0"}')  # another version: install again
    monkeypatch.setattr(pages_audit.shutil, "which", lambda name: None)
    with pytest.raises(PagesAuditError, match=r"^npm not found: .*Lighthouse 12\.2\.3"):
        ensure_lighthouse(tmp_path)


def test_ensure_lighthouse_reports_a_failed_install_in_one_line(tmp_path, monkeypatch):
    calls = []

    def fake_run(command, **kwargs):
        calls.append((command, kwargs))
        return pages_audit.subprocess.CompletedProcess(command, 1, "", "npm error code E404\nnpm error 404 Not Found - lighthouse\n")

    monkeypatch.setattr(pages_audit.shutil, "which", lambda name: "/fake/npm")
    monkeypatch.setattr(pages_audit.subprocess, "run", fake_run)
    with pytest.raises(PagesAuditError) as error:
        ensure_lighthouse(tmp_path / "lh")
    assert str(error.value) == f"npm install lighthouse@12.2.3 into {tmp_path / 'lh'} failed: npm error 404 Not Found - lighthouse"
    command, kwargs = calls[0]
    assert command[:4] == ["/fake/npm", "install", "--prefix", str(tmp_path / "lh")]
    assert kwargs["env"]["PUPPETEER_SKIP_DOWNLOAD"] == "1"
    assert '"lighthouse": "12.2.3"' in (tmp_path / "lh" / "package.json").read_text("utf-8")  # the exact version


def test_the_published_site_is_built_at_a_loopback_address_and_served_there(tmp_path, monkeypatch):
    """bench --pages audits the production build: SITEURL is where it is served, so hreflang links are absolute."""
    import urllib.request

    from support import ROOT

    calls = []

    def fake_audit(folder, pages, log, lighthouse_dir, base_url, lead_images):
        article = next(page.path for page in pages or [] if page.kind == "article" and page.lang == "en") if pages else "/en/"
        with urllib.request.urlopen(base_url + article) as response:
            calls.append({"base_url": base_url, "pages": pages, "lead_images": lead_images, "html": response.read().decode("utf-8")})
        return [{"fake": len(calls)}]

    monkeypatch.setattr(pages_audit, "audit_pages", fake_audit)
    monkeypatch.setenv("SITEURL", "https://before.example")
    assert pages_audit.audit_published_site(ROOT / "content", tmp_path, log=lambda *a: None) == [{"fake": 1}, {"fake": 2, "photos": True}]
    site, photographed = calls
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site["base_url"])
    assert f'hreflang="fr" href="{site["base_url"]}/"' in site["html"]
    assert (site["pages"], site["lead_images"]) == (None, False)  # the real content: find_pages, no photo
    # The copy with photos: its issue and article pages in both languages, the English alt text translated.
    assert sorted((page.lang, page.kind) for page in photographed["pages"]) == [
        (lang, kind) for lang in ("en", "fr") for kind in ("article", "home", "issue")
    ]  # the home too: its thumbnails
    assert photographed["lead_images"] and re.search(r'<figure class="photo">.*alt="\w+ reflections on a grainy background"', photographed["html"], re.S)
    assert __import__("os").environ["SITEURL"] == "https://before.example"  # restored
