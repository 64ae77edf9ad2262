"""An editorial week, step by step as editors and translators live it, with the checks after every build."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cafetech_dev import quality
from cafetech.site_build import build
from cafetech.sidecars import read_sidecar, render_sidecar
from support import FIXTURES, ROOT, translate_everything

NEW = "2023-11-27"
DEV = ROOT / "pelicanconf.py"


def invoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)




def english_pages(output: Path) -> set[str]:
    return {str(path.relative_to(output)) for path in (output / "en").rglob("*.html")}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def switcher_problems(output: Path) -> list[str]:
    """Every language switch link goes to a page that switches back."""
    problems = []
    for page in output.rglob("*.html"):
        here = quality.page_url(output, page)
        for link in soup(page).select("header nav a[hreflang]"):
            target = quality.target_file(output, here, link["href"])
            if target is None or not target.is_file():
                problems.append(f"{here}: switch to {link['href']} goes nowhere")
            elif not any(
                quality.target_file(output, quality.page_url(output, target), back["href"]) == page
                for back in soup(target).select("header nav a[hreflang]")
            ):
                problems.append(f"{here}: {link['href']} does not switch back")
    return problems


class Week:
    """The content of a site and its output, built after each step with a development build's cache."""

    def __init__(self, root: Path):
        self.content = root / "content"
        shutil.copytree(ROOT / "content", self.content)
        self.output = root / "output"
        self.cache = {"CACHE_PATH": str(root / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
        self.published: set[str] = set()

    def run(self, *args: str) -> subprocess.CompletedProcess:
        result = invoke(*args, "--content", str(self.content))
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def build(self, withdrawn: frozenset[str] = frozenset()) -> list[str]:
        """Build, then check what must hold after every step; returns the build's warnings.
        ``withdrawn``: the English pages an editor took down on purpose, the only ones that may go."""
        report = build(DEV, self.content, self.output, dict(self.cache), stream=io.StringIO())
        english = english_pages(self.output)
        gone = self.published - english
        assert gone == withdrawn, f"English pages gone: {sorted(gone)}, withdrawn: {sorted(withdrawn)}"
        self.published = english
        site = "http://localhost:8000"
        assert quality.leaked_code_problems(self.output) == []
        assert quality.hreflang_problems(self.output, site) == []
        assert quality.canonical_problems(self.output, site) == []
        assert quality.feed_id_problems(self.output, site) == []
        assert switcher_problems(self.output) == []
        checked = self.run("check", "--publish")  # what the Pages workflow runs before a deploy
        assert " 0 problem(s)" in checked.stdout
        return report.warnings

    def section(self, number: int) -> Path:
        return next((self.content / "issues" / NEW).glob(f"0{number}-*.md"))

    def english(self, number: int) -> Path:
        slug = re.search(r"^Slug: (.+)$", self.section(number).read_text("utf-8"), re.M)[1]
        return self.output / "en" / "2023" / "11" / slug / "index.html"


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    return Week(tmp_path_factory.mktemp("week"))


def test_1_a_new_issue_is_imported_and_its_catalogs_made(week):
    week.run("import-issue", str(FIXTURES / "issues" / f"{NEW}.txt"), "--date", NEW)
    week.run("translations.update")
    assert (week.content / "issues" / NEW / "issue.en.po").is_file()
    week.build()
    assert not (week.output / "en" / "issues" / NEW).exists()  # nothing of it is translated yet
    assert not week.english(1).exists()


def test_2_an_article_translated_before_its_issue_is_reachable_in_english(week):
    translate_everything(week.section(1).with_suffix(".en.po"), "English")
    week.build()
    article = soup(week.english(1))
    kicker = article.select_one(".kicker a")
    assert kicker["href"] == f"/en/issues/{NEW}/"
    assert "built-in" not in article.get_text() and " object at 0x" not in str(article)
    issue = soup(week.output / "en" / "issues" / NEW / "index.html")
    assert issue.find("a", href=f"/{week.english(1).parent.relative_to(week.output).as_posix()}/")
    assert issue.select_one("h1 [lang=fr]") is not None  # the issue's own title is still French, and says so
    assert issue.select_one("p.notice") is not None
    home = soup(week.output / "en" / "index.html")
    assert home.find("a", href=f"/en/issues/{NEW}/") and home.find("a", href=kicker["href"]) is not None
    english_link = f"/{week.english(1).parent.relative_to(week.output).as_posix()}/"
    assert home.find("a", href=english_link)
    assert soup(week.output / "en" / "issues" / "index.html").find("a", href=f"/en/issues/{NEW}/")
    french_issue = soup(week.output / "numero" / NEW / "index.html")
    assert french_issue.find("a", attrs={"hreflang": "en", "href": f"/en/issues/{NEW}/"})


CORRECTED = ("six mois seulement après sa création", "six mois à peine après sa création")
ADDED = "\nUn paragraphe ajouté après la traduction.\n"


def translation_warnings(warnings: list[str], po: str) -> list[str]:
    return [w for w in warnings if w.startswith(f"{po}: ")]


def test_3_a_french_correction_built_without_any_translation_command_keeps_the_english_page_and_names_it(week):
    source = week.section(1)
    po = source.with_suffix(".en.po")
    written, text = po.read_bytes(), source.read_text("utf-8")
    source.write_text(text.replace(*CORRECTED), "utf-8")
    warnings = week.build()  # no `translations.update`: the English page must not go (Week.build checks it)
    shown = po.relative_to(week.content).as_posix()
    assert translation_warnings(warnings, shown) == [
        f"{shown}: stale translation: 1 block(s) changed in French since translated; "
        "the en page shows its previous translation until the translator updates it"
    ]
    assert week.english(1).is_file() and soup(week.english(1)).select_one("p.notice") is not None
    assert po.read_bytes() == written  # the build never writes a sidecar
    source.write_text(text, "utf-8")  # the correction undone, still without any command
    assert translation_warnings(week.build(), shown) == []
    assert soup(week.english(1)).select_one("p.notice") is None


def test_3_a_french_correction_after_translation_keeps_the_english_page(week):
    source = week.section(1)
    text = source.read_text("utf-8")
    assert "six mois seulement après sa création" in text
    source.write_text(text.replace("six mois seulement après sa création", "six mois à peine après sa création"), "utf-8")
    updated = week.run("translations.update")
    assert re.search(r"01-.*\.en\.po: updated \(\+0 new, 1 fuzzy", updated.stdout)
    warnings = week.build()
    po = source.with_suffix(".en.po").relative_to(week.content).as_posix()
    assert [w for w in warnings if "stale translation" in w] == [
        f"{po}: stale translation: 1 block(s) changed in French since translated; "
        "the en page shows its previous translation until the translator updates it"
    ]
    page = soup(week.english(1))
    assert page.select_one("p.notice") is not None
    english_url = f"http://localhost:8000/{week.english(1).parent.relative_to(week.output).as_posix()}/"
    assert english_url in (week.output / "en" / "feeds" / "atom.xml").read_text("utf-8")
    french = soup(week.output / week.english(1).relative_to(week.output / "en"))
    assert french.find("a", attrs={"hreflang": "en"})
    status = week.run("translations.status")
    assert f"stale: {source.with_suffix('.en.po')}: 1 block(s) changed in French" in status.stdout
    checked = week.run("check")
    assert "1 stale, untranslated or withdrawn translation(s)" in checked.stdout and "stale translation" in checked.stdout


def test_3_a_paragraph_added_is_named_at_every_build_and_a_correction_undone_is_translated_again(week):
    source = week.section(1)
    po = source.with_suffix(".en.po")
    shown = po.relative_to(week.content).as_posix()
    text = source.read_text("utf-8")
    source.write_text(text + ADDED, "utf-8")
    warnings = week.build()
    assert f"{shown}: untranslated blocks: 1 block(s) not translated yet" in "\n".join(translation_warnings(warnings, shown))
    assert week.english(1).is_file() and "Un paragraphe ajouté" in week.english(1).read_text("utf-8")
    status = week.run("translations.status")
    assert f"untranslated: {source.with_suffix('.en.po')}: 1 block(s) not translated yet" in status.stdout
    source.write_text(text.replace(CORRECTED[1], CORRECTED[0]), "utf-8")  # the paragraph gone, the correction undone
    week.run("translations.update")
    catalog = read_sidecar(po)
    assert not [m for m in catalog if m.id and "fuzzy" in m.flags] and "#| msgid" not in po.read_text("utf-8")
    assert translation_warnings(week.build(), shown) == []


def test_4_the_issue_translated_in_turn(week):
    translate_everything(week.content / "issues" / NEW / "issue.en.po", "English")
    week.build()
    issue = soup(week.output / "en" / "issues" / NEW / "index.html")
    assert issue.h1.get_text().startswith("English title")
    assert issue.select_one("h1 [lang=fr]") is None and not issue.select("p.notice")


def test_5_a_corrected_issue_imported_again_is_merged_keeping_the_editors_work_and_every_translation(week, tmp_path):
    second = week.section(2)
    edited = second.read_text("utf-8").replace("Google", "Alphabet", 1).replace("Lang: fr\n", "Lang: fr\nTags: Google, Apple\n", 1)
    second.write_text(edited, "utf-8")
    sidecars = {po: po.read_bytes() for po in (week.content / "issues" / NEW).glob("*.en.po")}
    corrected = tmp_path / f"{NEW}.txt"
    corrected.write_text(
        (FIXTURES / "issues" / f"{NEW}.txt").read_text("utf-8").replace("Google rétorque que", "Google répond que"), "utf-8"
    )
    result = week.run("import-issue", str(corrected), "--date", NEW, "--force")
    kept = re.search(rf"merged \(the edits kept\): \S*{re.escape(second.name)}; its previous version is kept in (\S+)", result.stdout)
    assert kept, result.stdout
    assert Path(kept[1]).read_text("utf-8") == edited
    merged = second.read_text("utf-8")
    assert "Title: Alphabet accusé" in merged and "Tags: Google, Apple\n" in merged  # the editor's work stays
    assert "Google répond que" in merged and "Google rétorque" not in merged  # the correction comes in
    assert re.search(r"^Modified: \S+$", merged, re.M)
    assert {po: po.read_bytes() for po in sidecars} == sidecars
    week.run("translations.update")
    week.build()
    assert week.english(1).is_file()


def test_6_an_english_page_is_withdrawn_only_by_the_editor_and_leaves_no_link_behind(week):
    po = week.section(1).with_suffix(".en.po")
    po.write_text(re.sub(r'"X-Published: [^"]*"', r'"X-Published: withdrawn\\n"', po.read_text("utf-8")), "utf-8")
    page = week.english(1).relative_to(week.output).as_posix()
    url = page.removesuffix("index.html")
    # Its tag page stays: the seed's Kyutai article, in English too, is tagged Mistral.
    warnings = week.build(withdrawn=frozenset({page}))
    assert (week.output / "en" / "tag" / "mistral" / "index.html").is_file()
    assert [w for w in warnings if "withdrawn translation" in w] == [
        f"{po.relative_to(week.content).as_posix()}: withdrawn translation: "
        "the sidecar says X-Published: withdrawn, so there is no en page"
    ]
    everything = [*week.output.rglob("*.html"), *week.output.rglob("*.xml")]
    assert not [path for path in everything if f"/{url}" in path.read_text("utf-8")]  # no switcher, feed or sitemap entry
    week.run("translations.update")
    assert "X-Published: withdrawn" in po.read_text("utf-8")  # an update never undoes the editor's decision
