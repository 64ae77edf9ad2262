"""Photos and social cards in full builds: the seed imported with two photos, in both editions."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from PIL import Image

import photos
from cafetech_dev import quality
from cafetech.editions import editions
from cafetech.importer import import_issue
from cafetech.site_build import BuildFailed, build
from support import ROOT, SEED, project_settings
from photo_images import animated_gif, phone_jpeg
from support import fingerprint

SETTINGS = ROOT / "pelicanconf.py"
BASE = "http://localhost:8000"  # pelicanconf's FEED_DOMAIN: the absolute base of cards and feeds
FIRST = "2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete"
SECOND = "2023/11/xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif"
ALTS = {"01": ("Sam Altman sur une scène, micro en main", "Sam Altman on a stage, holding a microphone"),
        "02": ("Une animation aux couleurs de Kyutai", "An animation in Kyutai's colours")}  # fmt: skip


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def with_alt_texts(folder: Path) -> None:
    """What the editor and the translator do after the import: an Image_alt in French, then in the sidecar."""
    from cafetech.sidecars import update_sidecar

    for article in sorted(folder.glob("0[12]-*.md")):
        french, english = ALTS[article.name[:2]]
        text = article.read_text("utf-8")
        article.write_text(re.sub(r"^(Image: .*)$", rf"\1\nImage_alt: {french}", text, count=1, flags=re.M), "utf-8")
        sidecar = article.with_suffix(".en.po")
        update_sidecar(article, sidecar, "en")
        po = sidecar.read_text("utf-8")
        credit = "OpenAI" if article.name.startswith("01") else "Iliad"
        for context, source, translation in (("image_alt", french, english), ("image_credit", credit, credit)):
            entry = f'msgctxt "{context}"\nmsgid "{source}"\nmsgstr ""'
            assert entry in po, (sidecar.name, context)
            po = po.replace(entry, f'msgctxt "{context}"\nmsgid "{source}"\nmsgstr "{translation}"')
        sidecar.write_text(po, "utf-8")


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos")
    folder = root / "photos"
    folder.mkdir()
    phone_jpeg(folder / "1.jpg")
    animated_gif(folder / "2.gif")
    content = root / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copy(ROOT / "content" / "tags.toml", content / "tags.toml")
    import_issue(SEED, "2023-11-20", content, photos=folder)
    issue = content / "issues" / "2023-11-20"
    for sidecar in (ROOT / "content" / "issues" / "2023-11-20").glob("*.en.po"):
        shutil.copy(sidecar, issue / sidecar.name)
    with_alt_texts(issue)
    return content


def cached(root: Path, **more) -> dict:
    return {"CACHE_PATH": str(root / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "SEARCH_ENABLED": False, **more}


@pytest.fixture(scope="module")
def site(content, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    report = build(SETTINGS, content, root / "output", cached(root), stream=io.StringIO())
    assert not [w for w in report.warnings if "photo" in w or "Image" in w], report.warnings
    return root / "output"


def test_an_article_shows_its_photo_after_its_title_and_lede_in_a_picture_with_its_credit(site):
    page = soup(site / FIRST / "index.html")
    figure = page.select_one("article.section > .lead-photo > figure.photo")
    assert figure is not None and figure.find_previous("h1") is not None and figure.find_previous(class_="lede") is not None
    sources = figure.find_all("source")
    assert [source["type"] for source in sources] in (["image/avif"], ["image/webp"])
    assert re.fullmatch(r"/photos/\S+-480\.\w+ 480w, /photos/\S+-800\.\w+ 800w, /photos/\S+-900\.\w+ 900w", sources[0]["srcset"])
    image = figure.find("img")
    assert image["src"].endswith("-800.jpg") and not image.has_attr("srcset")  # one JPEG, for browsers without AVIF
    assert (image["width"], image["height"]) == ("900", "1600")  # upright, as EXIF said: no layout shift
    assert image["alt"] == ALTS["01"][0] and image["fetchpriority"] == "high" and not image.has_attr("loading")
    assert figure.figcaption.get_text() == "Photo\u00a0: OpenAI"
    for url in [image["src"], *(part.split()[0] for s in sources for part in s["srcset"].split(", "))]:
        assert (site / url.lstrip("/")).is_file(), url


def test_the_english_article_has_the_translated_alt_text_and_credit(site):
    figure = soup(site / "en" / FIRST / "index.html").select_one("figure.photo")
    assert figure.img["alt"] == ALTS["01"][1] and figure.figcaption.get_text() == "Photo: OpenAI"
    assert soup(site / "en" / SECOND / "index.html").select_one("figure.photo img")["alt"] == ALTS["02"][1]


def test_an_animated_photo_stays_animated(site):
    figure = soup(site / SECOND / "index.html").select_one("figure.photo")
    assert figure.source["type"] == "image/webp" and figure.img["src"].endswith(".gif")
    assert Image.open(site / figure.img["src"].lstrip("/")).n_frames == 3
    assert Image.open(site / figure.source["srcset"].split()[0].lstrip("/")).n_frames == 3


@pytest.mark.parametrize("page", ["numero/2023-11-20/index.html", "index.html", "en/index.html", "tag/openai/index.html", "en/tag/openai/index.html"])
def test_issue_home_and_tag_pages_show_a_lazy_decorative_thumbnail_per_section(site, page):
    summaries = soup(site / page).select("article.summary")
    assert summaries and all("with-photo" in summary["class"] for summary in summaries)
    for summary in summaries:
        image = summary.select_one(".thumbnail img")
        assert image["alt"] == "" and image["loading"] == "lazy" and (image["width"], image["height"]) == ("160", "120")
        # Its own renditions, cropped to the slot's 4:3, for the slot's 8rem: never the article's 480 w.
        source = summary.select_one(".thumbnail source")
        assert source["sizes"] == "8rem" and re.fullmatch(r"/photos/\S+-thumbnail-160\.\w+ 160w, /photos/\S+-thumbnail-320\.\w+ 320w", source["srcset"])
        assert image["src"].endswith("-thumbnail-160.jpg")  # still, even for the animation
        for url in [image["src"], *(part.split()[0] for part in source["srcset"].split(", "))]:
            assert (site / url.lstrip("/")).is_file(), url


def test_every_article_issue_home_tag_and_static_page_of_both_editions_has_a_large_card(site):
    model = editions(project_settings(site, site))
    kinds: dict[str, set] = {}
    for page in sorted(site.rglob("index.html")):
        found = model.page_of(page.relative_to(site).as_posix())
        if found is None or found[0] not in ("article", "issue", "home", "tag", "page"):
            continue
        kinds.setdefault(found[0], set()).add(found[1])
        head = soup(page).head
        card = head.find("meta", property="og:image")["content"]
        assert card.startswith(BASE + "/"), page
        with Image.open(site / card.removeprefix(BASE + "/")) as image:
            assert image.size == (1200, 630), page
        assert (head.find("meta", property="og:image:width")["content"], head.find("meta", property="og:image:height")["content"]) == ("1200", "630")
        assert head.find("meta", property="og:image:alt")["content"].strip(), page
        assert head.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image", page
    assert kinds == {kind: {"fr", "en"} for kind in ("article", "issue", "home", "tag", "page")}
    # An article with a photo shares its photo; an issue gets a card drawn with its title.
    article = soup(site / FIRST / "index.html").head
    assert re.search(r"/photos/\S+-card\.jpg$", article.find("meta", property="og:image")["content"])
    assert article.find("meta", property="og:image:alt")["content"] == ALTS["01"][0]
    # A static page gets a card drawn with its own title, in its language.
    about = soup(site / "en" / "a-propos" / "index.html").head
    assert "/cards/" in about.find("meta", property="og:image")["content"]
    assert about.find("meta", property="og:locale")["content"].startswith("en")
    issue = soup(site / "numero/2023-11-20/index.html").head
    assert "/cards/" in issue.find("meta", property="og:image")["content"]
    assert issue.find("meta", property="og:image:alt")["content"].startswith("Putsch, menaces, exode")


def test_the_json_ld_names_the_image(site):
    data = json.loads(soup(site / FIRST / "index.html").find("script", type="application/ld+json").string)
    assert data["image"].startswith(BASE + "/photos/") and data["image"].endswith("-card.jpg")
    issue = json.loads(soup(site / "en/issues/2023-11-20/index.html").find("script", type="application/ld+json").string)
    assert issue["image"].startswith(BASE + "/cards/")


def test_the_published_photos_carry_no_metadata_and_the_originals_stay_out_of_the_site(site, content):
    published = sorted((site / "photos").iterdir())
    assert published
    for path in published:
        with Image.open(path) as image:
            assert not image.getexif() and "icc_profile" not in image.info, path.name
    originals = {path.name for path in (content / "issues" / "2023-11-20").glob("0*.*") if path.suffix in (".jpg", ".gif")}
    assert originals and not originals & {path.name for path in site.rglob("*")}


def test_feeds_carry_the_photo_at_an_absolute_address(site):
    for feed in ("feeds/atom.xml", "feeds/rss.xml", "en/feeds/atom.xml"):
        entries = {entry.link: entry for entry in feedparser.parse((site / feed).read_bytes()).entries}
        entry = entries[f"{BASE}/{'en/' if feed.startswith('en') else ''}{FIRST}/"]
        html = entry.content[0].value if "content" in entry else entry.description
        image = BeautifulSoup(html, "html.parser").find("img")
        assert image["src"].startswith(BASE + "/photos/") and image["src"].endswith("-800.jpg"), feed
        assert image["alt"] == ALTS["01"][1 if feed.startswith("en") else 0]


def test_the_email_shows_each_photo_at_an_absolute_address_width_limited_with_its_alt(site):
    from cafetech.email_edition import build_email

    html, text = build_email(site, "2023-11-20", "fr", "https://cafetech.example")
    images = BeautifulSoup(html, "html.parser").find_all("img")
    assert len(images) == 2
    for image, (alt, _english) in zip(images, ALTS.values(), strict=True):
        assert image["src"].startswith("https://cafetech.example/photos/") and image["alt"] == alt
        assert int(image["width"]) <= 536 and "max-width" in image["style"]
    assert f"[{ALTS['01'][0]}] Photo\u00a0: OpenAI" in text


def test_a_warm_build_encodes_nothing_and_links_the_cached_files(content, tmp_path, monkeypatch):
    build(SETTINGS, content, tmp_path / "cold", cached(tmp_path), stream=io.StringIO())

    def refuse(*args, **kwargs):
        raise AssertionError("a warm build encoded or drew an image")

    monkeypatch.setattr(photos, "encode_photo", refuse)
    monkeypatch.setattr(photos, "write_card", refuse)
    build(SETTINGS, content, tmp_path / "warm", cached(tmp_path), stream=io.StringIO())
    assert fingerprint(tmp_path / "warm") == fingerprint(tmp_path / "cold")
    images = [path for folder in ("photos", "cards") for path in (tmp_path / "warm" / folder).iterdir()]
    assert len(images) > 20
    # Linked from the cache, not copied: the very files the first build made.
    assert all(os.path.samefile(path, tmp_path / "cold" / path.relative_to(tmp_path / "warm")) for path in images)
    # And no page rendered again, those that show a photo included: the page cache found them unchanged.
    pages = sorted((tmp_path / "warm").rglob("*.html"))
    rendered = [str(page.relative_to(tmp_path / "warm")) for page in pages if not os.path.samefile(page, tmp_path / "cold" / page.relative_to(tmp_path / "warm"))]
    assert len(pages) > 30 and rendered == []


def test_a_cold_build_in_one_process_makes_the_same_site_and_leaves_no_temporary_folder(content, site, tmp_path, monkeypatch):
    made = []  # this build's temporary folders (other builds on the machine may hold theirs meanwhile)
    real = tempfile.TemporaryDirectory

    def recorded(*args, **kwargs):
        folder = real(*args, **kwargs)
        made.append(folder.name)
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recorded)
    overrides = {"CACHE_PATH": str(tmp_path / "cache"), "SEARCH_ENABLED": False, "BUILD_WORKERS": 0}
    build(SETTINGS, content, tmp_path / "output", overrides, stream=io.StringIO())
    assert fingerprint(tmp_path / "output") == fingerprint(site)
    photo_folders = [folder for folder in made if Path(folder).name.startswith("cafetech-photos-")]
    assert photo_folders and not [folder for folder in photo_folders if os.path.exists(folder)]
    assert not (tmp_path / "cache" / "photos").exists()  # publish builds keep nothing


def test_a_missing_photo_fails_the_build_naming_the_article_and_its_line(content, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    article = next((copy / "issues" / "2023-11-20").glob("01-*.md"))
    article.write_text(re.sub(r"^Image: .*$", "Image: absente.jpg", article.read_text("utf-8"), flags=re.M), "utf-8")
    messages = io.StringIO()
    with pytest.raises(BuildFailed):
        build(SETTINGS, copy, tmp_path / "output", {"SEARCH_ENABLED": False}, stream=messages)
    assert f"error: issues/2023-11-20/{article.name}:8: Image: 'absente.jpg': no such file beside the article\n" in messages.getvalue()


def test_a_wrong_image_focus_fails_the_build_naming_the_article_its_line_and_the_field(content, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    article = next((copy / "issues" / "2023-11-20").glob("01-*.md"))
    article.write_text(re.sub(r"^(Image: .*)$", r"\1\nImage_focus: en haut", article.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    messages = io.StringIO()
    with pytest.raises(BuildFailed):
        build(SETTINGS, copy, tmp_path / "output", {"SEARCH_ENABLED": False}, stream=messages)
    errors = [line for line in messages.getvalue().splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: issues/2023-11-20/{article.name}:9: Image_focus: 'en haut' must be two percentages from 0% to 100%, across then down, such as 50% 30%"
    ]


def test_a_photo_without_alt_text_is_a_build_warning_and_fails_the_check(content, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    article = next((copy / "issues" / "2023-11-20").glob("01-*.md"))
    article.write_text(re.sub(r"^Image_alt: .*\n", "", article.read_text("utf-8"), flags=re.M), "utf-8")
    report = build(SETTINGS, copy, tmp_path / "output", {"SEARCH_ENABLED": False}, stream=io.StringIO())
    assert [w for w in report.warnings if "Image_alt" in w] == [
        f"issues/2023-11-20/{article.name}:8: the photo {article.stem}.jpg has no Image_alt: "
        "describe it in one line for readers who cannot see it"
    ]
    problems = quality.photo_alt_problems(report.output)
    assert problems and all("has no alt text; describe it in its article's Image_alt line" in p for p in problems)
    # Its page in each edition (the English alt text is the French one's translation); thumbnails are decorative.
    assert {p.split(":")[0] for p in problems} == {f"{FIRST}/index.html", f"en/{FIRST}/index.html"}
