"""The bad-input catalogue (docs/errors.md): each input gets its message, and nothing is lost."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from cafetech.importer import import_issue, parse_issue
from cafetech.site_build import BuildFailed, build
from support import ROOT
from support import fingerprint, without_search_index

SEED = ROOT / "content" / "issues" / "2023-11-20"


@pytest.fixture
def site(tmp_path):
    """A copy of the real content, built once into output/."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "output"
    build(ROOT / "pelicanconf.py", content, output, {"CACHE_PATH": str(tmp_path / "cache")}, stream=io.StringIO())
    return content, output


def rebuild(content, output, settings="pelicanconf.py", **overrides) -> tuple[bool, str]:
    stream = io.StringIO()
    try:
        build(ROOT / settings, content, output, {"CACHE_PATH": str(output.parent / "cache"), **overrides}, stream=stream)
    except BuildFailed:
        return False, stream.getvalue()
    return True, stream.getvalue()


def first_article(content):
    return next((content / "issues" / "2023-11-20").glob("01-*.md"))


def assert_refused_and_kept(site, expected: str) -> str:
    content, output = site
    before = fingerprint(output)
    sources = fingerprint(content)
    ok, messages = rebuild(content, output)
    assert not ok, messages
    assert re.search(expected, messages), messages
    assert "Traceback" not in messages
    assert fingerprint(output) == before and fingerprint(content) == sources
    return messages


def test_invalid_front_matter(site):
    content, _ = site
    article = first_article(content)
    article.write_text(article.read_text("utf-8").replace("Date: 2023-11-20", "Date: le 20 novembre"), "utf-8")
    assert_refused_and_kept(site, rf"error: Could not process issues/2023-11-20/{article.name}: 'le 20 novembre' is not a valid date")


def test_unknown_language(site):
    content, _ = site
    article = first_article(content)
    article.write_text(article.read_text("utf-8").replace("Lang: fr", "Lang: de"), "utf-8")
    assert_refused_and_kept(site, rf"error: issues/2023-11-20/{article.name}: Lang 'de' is not one of the site's languages \(fr, en\)")


def test_duplicate_slugs_across_issues(site):
    content, _ = site
    other = content / "issues" / "2023-11-27"
    other.mkdir()
    copy = other / "01-copie.md"
    copy.write_text(first_article(content).read_text("utf-8").replace("2023-11-20", "2023-11-27"), "utf-8")
    assert_refused_and_kept(site, r"error: issues/2023-11-2\d/01-\S+: the slug 'malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete' \(fr\) is already used by issues/2023-11-2\d/01-")


def test_future_date_is_not_published_and_said(site):
    content, output = site
    article = first_article(content)
    article.write_text(article.read_text("utf-8").replace("Date: 2023-11-20", "Date: 2999-01-01"), "utf-8")
    ok, messages = rebuild(content, output)
    assert ok, messages
    assert f"warning: issues/2023-11-20/{article.name}: dated 2999-01-01, in the future: not published before that day" in messages
    assert not list(output.rglob("malgre-les-pressions*/index.html"))
    assert not (output / "drafts").exists()


def test_a_tag_the_registry_lacks_is_published_as_written_with_one_warning(site):
    content, output = site
    article = first_article(content)
    article.write_text(article.read_text("utf-8").replace("Lang: fr\n", "Lang: fr\nTags: Souveraineté\n", 1), "utf-8")
    ok, messages = rebuild(content, output)
    assert ok, messages
    warnings = [line for line in messages.splitlines() if "is not in" in line]
    assert len(warnings) == 1, messages  # once, though two processes read the articles
    assert re.fullmatch(
        rf"warning: issues/2023-11-20/{re.escape(article.name)}: tag 'Souveraineté' is not in \S*content/tags\.toml; kept as "
        r'written\. If it is a tag of the site, add \["Souveraineté"\] with aliases = \[\] there; else correct its spelling',
        warnings[0],
    ), warnings[0]
    assert (output / "tag" / "souverainete" / "index.html").is_file()


def test_hostile_further_reading_link_and_external_links(site):
    content, output = site
    article = first_article(content)
    article.write_text(article.read_text("utf-8") + "\nVoir [la source](https://example.org/a) et [ici](/numeros/).\n", "utf-8")
    ok, messages = rebuild(content, output)
    assert ok, messages
    html = next(output.glob("2023/11/malgre*/index.html")).read_text("utf-8")
    assert '<a href="https://example.org/a" rel="noopener noreferrer">la source</a>' in html
    assert '<a href="/numeros/">ici</a>' in html
    for page in output.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "Content-Security-Policy" in text, page
        for anchor in re.findall(r"<a\b[^>]*>", text):
            assert "target=" not in anchor or "noopener" in anchor, (page, anchor)


def test_wrong_charset_header(site):
    content, _ = site
    sidecar = next((content / "issues" / "2023-11-20").glob("01-*.en.po"))
    sidecar.write_text(sidecar.read_text("utf-8").replace("charset=utf-8", "charset=ISO-8859-1"), "utf-8")
    assert_refused_and_kept(site, rf"{re.escape(sidecar.name)}:\d+: the charset is 'iso-8859-1'; sidecars are UTF-8")


def test_sidecar_whose_article_was_deleted(site):
    content, output = site
    orphan = content / "issues" / "2023-11-20" / "03-supprime.en.po"
    shutil.copy(next((content / "issues" / "2023-11-20").glob("01-*.en.po")), orphan)
    ok, messages = rebuild(content, output)
    assert ok, messages
    assert "warning: issues/2023-11-20/03-supprime.en.po: its source 03-supprime.md does not exist; not published" in messages
    assert orphan.exists()  # the translation is kept


def test_hostile_translation_is_never_published(site):
    content, output = site
    sidecar = next((content / "issues" / "2023-11-20").glob("01-*.en.po"))
    text = sidecar.read_text("utf-8").replace('msgstr "Investor revolt"', 'msgstr "<script>alert(1)</script>[Investor](javascript:alert(1))"')
    sidecar.write_text(text, "utf-8")
    ok, messages = rebuild(content, output, TRANSLATIONS_MIN_COVERAGE=50)
    assert ok, messages
    html = next(output.glob("en/2023/11/malgre*/index.html")).read_text("utf-8")
    assert "javascript:" not in html and "<script>alert" not in html
    assert '<h2 id="fronde-des-investisseurs" lang="fr">' in html  # the French block stands in


def test_publish_mode_needs_an_absolute_siteurl(site, monkeypatch):
    content, output = site
    before = fingerprint(output)
    for value in ("", "cafetech.example", "/site"):
        monkeypatch.setenv("SITEURL", value)
        ok, messages = rebuild(content, output, settings="publishconf.py")
        assert not ok
        assert "error: publishconf.py: SITEURL must be the site's absolute address" in messages
    assert fingerprint(output) == before


def test_missing_theme_catalog(site, tmp_path):
    content, output = site
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    shutil.rmtree(theme / "translations" / "en")
    before = fingerprint(output)
    ok, messages = rebuild(content, output, THEME=str(theme))
    assert not ok
    assert re.search(r"error: \S*translations/en/LC_MESSAGES/messages.po: missing theme catalog; run `invoke translations.update`", messages)
    assert fingerprint(output) == before


def test_a_five_megabyte_issue_is_imported(tmp_path):
    section = (
        "Un sujet numéro {n} sans fin\n"
        "Un lede qui ouvre le sujet {n}, avec d’autres mots encore, pour remplir la page.\n"
        "Premier point – " + "Une phrase qui se répète pour faire du volume. " * 20 + "\n"
    )
    text = "Un gros numéro\nEt aussi: du volume\nUne introduction.\n" + "".join(section.format(n=n) for n in range(4500))
    assert len(text.encode("utf-8")) > 5_000_000
    source = tmp_path / "gros.txt"
    source.write_text(text, "utf-8")
    report = import_issue(source, "2024-01-01", tmp_path / "content")
    assert len(report.written) == 4500 + 2
    assert len(parse_issue(text).sections) == 4500


@pytest.mark.parametrize("slug", ["malgre-les-pressions", "xavier-niel"])  # one in each process
def test_an_article_page_that_cannot_be_rendered(site, tmp_path, slug):
    content, output = site
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text("utf-8").replace("</article>", f"{{% if article.slug.startswith('{slug}') %}}{{{{ article.nothing.boom }}}}{{% endif %}}</article>", 1), "utf-8")
    before = fingerprint(output)
    ok, messages = rebuild(content, output, THEME=str(theme))
    assert not ok
    assert re.search(r"^error: (writing pages: UndefinedError: )?.*has no attribute 'nothing'", messages, re.M), messages
    assert "Traceback" not in messages and fingerprint(output) == before
    assert len(re.findall(r"^error: ", messages, re.M)) == 1, messages
    # The next build in this process (livereload's, a test's) starts afresh: the same site as a first build.
    ok, messages = rebuild(content, tmp_path / "after", THEME=str(ROOT / "theme"))
    assert ok, messages
    assert without_search_index(fingerprint(tmp_path / "after")) == without_search_index(before)


def test_a_support_link_to_a_page_the_site_does_not_have_is_refused(site):
    content, output = site
    (content / "pages" / "soutenir.md").unlink()
    (content / "pages" / "soutenir.en.po").unlink()
    before = fingerprint(output)
    ok, messages = rebuild(content, output)
    assert not ok
    assert re.search(r"error: EDITIONS\['fr'\]\['support'\]\['link'\] is 'page:soutenir', but content/ has no page with that slug", messages)
    assert fingerprint(output) == before


def test_editions_that_cannot_work_are_refused_in_one_line(site):
    content, output = site
    before = fingerprint(output)
    ok, messages = rebuild(content, output, EDITIONS={"fr": {"tagine": "x"}})
    assert not ok and "Traceback" not in messages
    assert re.search(r"error: EDITIONS\['fr'\]: unknown key\(s\) tagine; known: ", messages), messages
    assert fingerprint(output) == before


def test_a_publication_stamp_that_is_not_a_day_is_refused_with_its_line(site):
    content, _ = site
    sidecar = first_article(content).with_suffix(".en.po")
    sidecar.write_text(re.sub(r'"X-Published: [^"]*"', r'"X-Published: soon\\n"', sidecar.read_text("utf-8")), "utf-8")
    assert_refused_and_kept(site, rf"{re.escape(sidecar.name)}:\d+: X-Published is 'soon'")
