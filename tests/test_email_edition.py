"""The email edition of an issue, made from a real build of the site's content."""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup

from cafetech import email_edition
from cafetech.email_edition import EmailError, build_email, issue_pages, write_email
from support import ROOT, build_site

DATE = "2023-11-20"
SITE = "https://cafetech.test"
ISSUE_PAGES = {"fr": f"numero/{DATE}/index.html", "en": f"en/issues/{DATE}/index.html"}
READ_ONLINE = {"fr": ("Lire en ligne", f"{SITE}/numero/{DATE}/"), "en": ("Read online", f"{SITE}/en/issues/{DATE}/")}
LANGS = ["fr", "en"]
URL_IN_ANGLE_BRACKETS = re.compile(r"<(?:https?|mailto):[^<>\s]+>")
ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def words(text: str) -> str:
    """Text with every run of white space (no-break spaces included) as one space."""
    return " ".join(text.split())


def styles(tag) -> dict[str, str]:
    declarations = (part.split(":", 1) for part in tag.get("style", "").split(";") if ":" in part)
    return {name.strip().lower(): value.strip() for name, value in declarations}


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """The site's real content built once, the way `invoke build` builds it (root-relative links)."""
    return build_site(ROOT / "content", tmp_path_factory.mktemp("email") / "output")


@pytest.fixture(scope="module")
def emails(output):
    """The email of each language, written by write_email: {lang: (html, text, paths)}."""
    result = {}
    for lang in LANGS:
        paths = write_email(output, DATE, lang, SITE, folder=output.parent / "emails")
        result[lang] = (paths[0].read_text(encoding="utf-8"), paths[1].read_text(encoding="utf-8"), paths)
    return result


def sections_of(output, lang):
    """(title, absolute URL, page) of each section, as the built issue page lists them."""
    issue = soup((output / ISSUE_PAGES[lang]).read_text(encoding="utf-8"))
    found = []
    for link in issue.select("ol.sections > li h3 a[href]"):
        page = soup((output / link["href"].lstrip("/") / "index.html").read_text(encoding="utf-8"))
        found.append((words(page.find("h1").get_text()), SITE + link["href"], page))
    assert len(found) == 2  # the content of 2023-11-20 has two sections
    return found


# --- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_files_are_written_under_email_with_the_built_content(output, emails, lang):
    html, text, (html_path, text_path) = emails[lang]
    assert html_path == output.parent / "emails" / f"{DATE}.{lang}.html"
    assert text_path == output.parent / "emails" / f"{DATE}.{lang}.txt"
    assert (html, text) == build_email(output, DATE, lang, SITE)
    assert not [p.name for p in (output.parent / "emails").iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_a_failed_write_keeps_the_previous_file(output, emails, monkeypatch):
    html_path = output.parent / "emails" / f"{DATE}.fr.html"
    before = html_path.read_bytes()

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(email_edition.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_email(output, DATE, "fr", "https://elsewhere.test", folder=output.parent / "emails")
    assert html_path.read_bytes() == before
    assert not [p.name for p in (output.parent / "emails").iterdir() if p.name.startswith(".")]


# --- the HTML part ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_one_self_contained_document(emails, lang):
    html = emails[lang][0]
    document = soup(html)
    assert document.find("html")["lang"] == lang
    assert document.find("meta", charset=True)["charset"].lower() == "utf-8"
    assert document.title and document.title.get_text().strip()
    assert not document.find("script") and "<script" not in html.lower()
    assert not document.find("link"), "no stylesheet (nor any other) link"
    assert not document.find("style"), "every style is inlined"
    assert len(document.find_all("html")) == len(document.find_all("body")) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_layout_is_a_centred_table_of_600px_with_inlined_styles(emails, lang):
    document = soup(emails[lang][0])
    container = document.select_one("table.container")
    assert container is not None
    assert styles(container).get("max-width") == "600px"
    assert container.find_parent("td").get("align") == "center"
    unstyled = [tag.name + "." + ".".join(tag["class"]) for tag in document.find_all(class_=True) if not tag.get("style")]
    assert not unstyled, f"classes without an inline style: {unstyled}"
    assert styles(document.body)["font-family"].startswith("Literata, Georgia")  # the site's face by name, then a mail client's
    assert "max-width" not in styles(document.body)


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_and_image_address_is_absolute(emails, lang):
    document = soup(emails[lang][0])
    addresses = [tag[attr] for attr in ("href", "src") for tag in document.find_all(attrs={attr: True})]
    assert len(addresses) >= 5  # home, each section, read online
    relative = [a for a in addresses if not (a.startswith(SITE + "/") or a.startswith(("mailto:", "https://")))]
    assert not relative, relative
    assert document.find("a", href=READ_ONLINE[lang][1], string=READ_ONLINE[lang][0])


@pytest.mark.parametrize("lang", LANGS)
def test_sections_in_order_with_their_full_text_and_further_reading(output, emails, lang):
    html = emails[lang][0]
    document = soup(html)
    sections = sections_of(output, lang)
    assert [words(h2.get_text()) for h2 in document.find_all("h2")] == [title for title, _, _ in sections]
    for h2, (title, url, page) in zip(document.find_all("h2"), sections):
        assert h2.find("a")["href"] == url, f"{title} links to its web page"
    body = words(document.get_text())
    for title, _, page in sections:
        paragraphs = [words(p.get_text()) for p in page.select(".lede p, .content p")]
        assert len(paragraphs) >= 3
        for paragraph in paragraphs:
            assert paragraph in body, f"{title}: {paragraph[:60]}… missing"
        for heading in page.select(".content h2"):
            assert words(heading.get_text()) in [words(h.get_text()) for h in document.find_all("h3")]
        for item in page.select(".further-reading li"):
            assert words(item.get_text()) in body
    # The issue's own texts, in the order of the brief: title, subtitle, date, introduction ... credits.
    issue = soup((output / ISSUE_PAGES[lang]).read_text(encoding="utf-8"))
    order = [words(issue.find(tag, class_=cls).get_text()) if cls else words(issue.find(tag).get_text())
             for tag, cls in (("h1", None), ("p", "subtitle"), ("p", "kicker"), ("div", "introduction"))]
    positions = [body.find(text) for text in order]
    assert -1 not in positions and positions == sorted(positions), order
    assert body.find(order[-1]) < body.find(sections[0][0])
    # The seed shows no photo, so its issue page and its email print no photo credits.
    assert issue.find("p", class_="credits") is None
    assert document.find(class_="credits") is None and "Crédit" not in body and "Photo credit" not in body
    assert document.find("h1") and words(document.find("h1").get_text()) == order[0]


SUPPORT = {"fr": ("Soutenir Cafétech", f"{SITE}/soutenir/"), "en": ("Support Cafétech", f"{SITE}/en/soutenir/")}


@pytest.mark.parametrize("lang", LANGS)
def test_the_support_link_follows_the_introduction_that_asks_for_support(emails, lang):
    html, text = emails[lang][0], emails[lang][1]
    label, url = SUPPORT[lang]
    introduction = soup(html).find(class_="introduction")
    link = introduction.find_next("a")
    assert (link.get_text(), link["href"]) == (label, url)
    line = words(f"{label}{email_edition.LABELS[lang]['colon']} <{url}>")
    assert words(text).find(line) > words(text).find(words(introduction.get_text())) > -1


def test_typography_characters_are_kept_as_characters(emails):
    french, english = emails["fr"][0], emails["en"][0]
    assert "Merci par avance\u202f!" in french and "Merci par avance\u202f!" in emails["fr"][1]
    assert "Et aussi\u00a0:" in french
    assert "«\u202famis incroyables\u202f»\u00a0:" in french and "«\u202famis incroyables\u202f»\u00a0:" in emails["fr"][1]
    assert "in\u00a0advance!" in english and "in\u00a0advance!" in emails["en"][1]
    for html in (french, english):
        assert "&nbsp;" not in html and "&#" not in html


def test_english_edition_is_english(emails):
    html, text, _ = emails["en"]
    title = "Despite the pressure, OpenAI refuses to reinstate Sam Altman as its head"
    assert title in words(soup(html).get_text()) and title in words(text)
    assert "Also:" in html and "Read online" in html and "Further reading" in html
    assert "Malgré les pressions" not in html and "Lire en ligne" not in html and "Pour aller plus loin" not in html
    french = emails["fr"][0]
    assert "Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête" in french
    assert title not in french and "Read online" not in french


# --- the text part ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_text_part_is_plain_text(emails, lang):
    text = emails[lang][1]
    assert "<" not in URL_IN_ANGLE_BRACKETS.sub("", text), "a tag (or a stray '<') in the text part"
    assert ">" not in URL_IN_ANGLE_BRACKETS.sub("", text)
    assert not ENTITY.search(text), ENTITY.search(text)
    long_lines = [line for line in text.splitlines() if len(line) > 78 and "://" not in line]
    assert not long_lines, long_lines
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 72


@pytest.mark.parametrize("lang", LANGS)
def test_text_part_has_the_same_content(output, emails, lang):
    text = emails[lang][1]
    lines = text.splitlines()
    label, url = READ_ONLINE[lang]
    assert f"<{url}>" in text and label in text
    flat = words(text)
    issue = soup((output / ISSUE_PAGES[lang]).read_text(encoding="utf-8"))
    for selector in ("h1", "p.subtitle", "p.kicker", ".introduction"):
        assert words(issue.select_one(selector).get_text()) in flat, selector
    previous = -1
    for title, section_url, page in sections_of(output, lang):
        assert title in flat
        index = next(i for i, line in enumerate(lines) if words(line) == title)
        assert index > previous, "sections in the issue's order"
        previous = index
        assert re.fullmatch(r"-+", lines[index + 1]) and len(lines[index + 1]) == len(lines[index]), "title underlined"
        assert section_url in text
        for paragraph in page.select(".lede p, .content p"):
            assert words(paragraph.get_text()) in flat
        for heading in page.select(".content h2"):
            assert heading.get_text().strip() in lines, "a subheading on a line of its own"
        for item in page.select(".further-reading li"):
            assert words(item.get_text()) in flat


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, lang, expected",
    [
        ("2099-01-01", "en", "en/issues/2099-01-01/index.html: no such issue page; build the site first"),
        ("2099-01-01", "fr", "numero/2099-01-01/index.html: no such issue page"),
        ("20-11-2023", "fr", "'20-11-2023': not a date; expected YYYY-MM-DD"),
        ("2023-02-30", "fr", "'2023-02-30': no such day"),
        ("", "fr", "not a date"),
        (DATE, "de", "'de': unknown language; expected one of fr, en"),
    ],
)
def test_bad_requests_are_one_line_errors_and_write_nothing(output, date, lang, expected):
    with pytest.raises(EmailError) as error:
        write_email(output, date, lang, SITE, folder=output.parent / "emails")
    message = str(error.value)
    assert expected in message
    assert "\n" not in message and "Traceback" not in message
    assert not (output.parent / "emails" / f"{date}.{lang}.html").exists()
    assert not (output.parent / "emails" / f"{date}.{lang}.txt").exists()


def test_a_bad_site_url_is_refused(output):
    for site_url in ("cafetech.test", "/", "", None):
        with pytest.raises(EmailError, match="absolute address"):
            build_email(output, DATE, "fr", site_url)


def test_site_url_may_end_with_a_slash_or_live_under_a_path(output):
    html, _ = build_email(output, DATE, "fr", SITE + "/")
    assert soup(html).find("a", string="Lire en ligne")["href"] == f"{SITE}/numero/{DATE}/"
    assert "cafetech.test//" not in html
    html, text = build_email(output, DATE, "fr", "https://example.org/cafetech")
    hrefs = [a["href"] for a in soup(html).find_all("a", href=True)]
    assert hrefs and all(h.startswith("https://example.org/cafetech/") for h in hrefs), hrefs
    assert "<https://example.org/cafetech/numero/2023-11-20/>" in text


# --- pages that are not the seed content: images, fragments, scripts, fallbacks ------------------------


KYUTAI = "2023/11/xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif/index.html"


@pytest.fixture
def edited(output, tmp_path):
    """A copy of the built site whose pages can be changed."""
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    return copy


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_images_fragments_and_foreign_markup_are_made_fit_for_email(edited):
    edit(
        edited / KYUTAI,
        '<h2 id="open-science">',
        '<p><img src="/images/kyutai.png"> <img src="photo.jpg" alt="Patrick Pérez" srcset="/a.png 1x, b.png 2x">'
        ' <a href="#open-science">plus bas</a> <a href="mailto:redaction@cafetech.test">écrire</a>'
        ' <a href="https://example.org/x" onclick="steal()">ailleurs</a></p>'
        '<script>alert(1)</script><iframe src="https://video.example/embed/1" title="La vidéo"></iframe>'
        '<h2 id="open-science">',
    )
    html, text = build_email(edited, DATE, "fr", SITE)
    document = soup(html)
    section = SITE + "/" + KYUTAI.removesuffix("index.html")
    images = document.find_all("img")
    assert len(images) == 2 and all(img.has_attr("alt") for img in images)
    assert [img["src"] for img in images] == [f"{SITE}/images/kyutai.png", section + "photo.jpg"]
    assert images[1]["srcset"] == f"{SITE}/a.png 1x, {section}b.png 2x"
    assert document.find("a", string="plus bas")["href"] == section + "#open-science"
    assert document.find("a", string="écrire")["href"] == "mailto:redaction@cafetech.test"
    assert not document.find(attrs={"onclick": True}) and "alert(1)" not in html and not document.find("iframe")
    assert document.find("a", string="La vidéo")["href"] == "https://video.example/embed/1"
    assert not document.find(id=True), "ids of the pages are dropped (they would repeat)"
    assert all(styles(img).get("max-width") == "100%" for img in images)
    assert f"plus bas <{section}#open-science>" in words(text)
    assert "[Patrick Pérez]" in text and "<mailto:redaction@cafetech.test>" in text


def test_an_english_issue_may_list_a_french_section(edited):
    french_url = "/" + KYUTAI.removesuffix("index.html")
    edit(edited / ISSUE_PAGES["en"], "/en" + french_url, french_url)
    html, text = build_email(edited, DATE, "en", SITE)
    section = soup(html).find("a", href=SITE + french_url).find_parent("td")
    assert section["lang"] == "fr"
    assert "Xavier Niel lance Kyutai" in html and "Xavier Niel lance Kyutai" in text


def test_a_missing_section_page_is_named(edited):
    (edited / KYUTAI).unlink()
    with pytest.raises(EmailError) as error:
        build_email(edited, DATE, "fr", SITE)
    assert f"{KYUTAI}: no such section page" in str(error.value) and "\n" not in str(error.value)


def test_a_site_built_for_publication_is_rebased_on_site_url(tmp_path):
    """`invoke build --publish` writes absolute links with its own SITEURL; the email uses site_url."""
    output = build_site(ROOT / "content", tmp_path / "output", SITEURL="https://build.example")
    assert 'href="https://build.example/2023/11/' in (output / ISSUE_PAGES["fr"]).read_text(encoding="utf-8")
    for lang in LANGS:
        html, text = build_email(output, DATE, lang, SITE)
        hrefs = [a["href"] for a in soup(html).find_all("a", href=True)]
        assert all(h.startswith(SITE + "/") for h in hrefs), hrefs
        assert "build.example" not in html and "build.example" not in text
        assert len(soup(html).find_all("h2")) == 2


def test_an_issue_without_an_english_page_is_said_to_have_no_english_edition(edited):
    (edited / ISSUE_PAGES["en"]).unlink()
    with pytest.raises(EmailError) as error:
        write_email(edited, DATE, "en", SITE, folder=edited.parent / "emails")
    message = str(error.value)
    assert message.endswith(f"{ISSUE_PAGES['en']} does not exist: issue {DATE} has no English edition yet (no article translated)")
    assert "build the site first" not in message and "\n" not in message


def test_a_missing_french_page_beside_an_english_one_asks_for_a_rebuild(edited):
    (edited / ISSUE_PAGES["fr"]).unlink()
    with pytest.raises(EmailError, match=rf"{ISSUE_PAGES['fr']} does not exist though .*{ISSUE_PAGES['en']} does; rebuild"):
        write_email(edited, DATE, "fr", SITE, folder=edited.parent / "emails")


def test_without_a_built_site_the_error_says_to_build_it_first(tmp_path):
    for output in (tmp_path / "nothing-built", tmp_path):
        with pytest.raises(EmailError, match=r"index.html: no such issue page; build the site first"):
            write_email(output, DATE, "en", SITE, folder=output.parent / "emails")


def test_the_issue_pages_it_reads_are_where_the_editions_write_them():
    from cafetech.editions import editions

    assert {lang: page.format(date=DATE) for lang, page in issue_pages().items()} == ISSUE_PAGES
    third = editions({"DEFAULT_LANG": "fr", "EDITIONS": {"fr": {}, "en": {}, "de": {}}})
    assert issue_pages(third)["de"] == "de/issues/{date}/index.html"
