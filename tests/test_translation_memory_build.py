"""The translation memory end to end: a second issue repeating the seed, `translations.update`, then a build."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import invoke
import pytest
from bs4 import BeautifulSoup

import tasks
from cafetech.importer import import_issue
from cafetech.sidecars import read_sidecar
from support import FIXTURES, ROOT, build_site

NEW = "2023-11-27"
REPEATS = FIXTURES / "issues" / "repeats-the-seed.txt"
ARTICLE = "01-mistral-ai-leve-385-millions-d-euros"
SEED_FIRST = "2023-11-20/01-malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete.en.po"
SEED_SECOND = "2023-11-20/02-xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif.en.po"
OUSTER = "It is no coincidence, then, that Sam Altman's ouster"  # the seed's English of the edited paragraph


def second_issue(root: Path) -> Path:
    """The real content (the seed, translated) and an issue whose introduction and further reading repeat it."""
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    import_issue(REPEATS, NEW, content)
    shutil.copy(tasks.theme_catalog("en"), root / "messages.po")
    return content


def run(task, root: Path, **options) -> tuple[str, int]:
    """(what the task printed, its exit code); the theme catalog it merges is the copy in ``root``, its
    record of the run is in ``root/cache``."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setattr(tasks, "theme_catalog", lambda lang: root / "messages.po")
        patch.setattr(tasks, "CACHE", root / "cache")
        try:
            task(invoke.Context(), content=str(root / "content"), **options)
        except invoke.Exit as failure:
            return out.getvalue() + str(failure.message), failure.code
    return out.getvalue(), 0


def entries(content: Path, name: str) -> dict:
    return {(m.context, m.id): m for m in read_sidecar(content / "issues" / NEW / f"{name}.en.po") if m.id}


def english(message) -> tuple:
    return message.string, "fuzzy" in message.flags, list(message.auto_comments)


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    root = tmp_path_factory.mktemp("memory")
    content = second_issue(root)
    printed, code = run(tasks.translations_update, root)
    assert code == 0, printed
    return root, content, printed


def test_the_update_translates_what_the_seed_already_translated(updated):
    _, content, _ = updated
    issue = entries(content, "issue")
    intro = next(m for (kind, _), m in issue.items() if kind == "paragraph")
    assert english(intro) == (
        "For three years, Cafétech has helped you make sense of tech news. To keep going, we now need your "
        "support. Thank you in advance!",
        False,
        ["from 2023-11-20/issue.en.po"],
    )
    assert english(issue["subtitle", "Un laboratoire d'IA à 300 millions d'euros en France"])[:2] == ("A €300 million AI lab in France", False)
    assert english(issue["credits", "OpenAI - Iliad"]) == ("OpenAI - Iliad", False, ["from the theme catalog's tag names (OpenAI, Iliad)"])
    assert issue["title", "Kyutai, Mistral, OpenAI: l'IA française à la relance"].string == ""

    article = entries(content, ARTICLE)
    link = "the English title of the article it links to"
    assert english(article["further_reading", "Xavier Niel lance Kyutai, un laboratoire d'IA à but non lucratif"]) == (
        "Xavier Niel launches Kyutai, a non-profit AI lab",
        False,
        [f"from {SEED_SECOND}, {link}"],
    )
    assert english(article["further_reading", "Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête"]) == (
        "Despite the pressure, OpenAI refuses to reinstate Sam Altman as its head",
        False,
        [f"from {SEED_FIRST}, {link}"],
    )
    assert english(article["further_reading", "La start-up française Mistral AI lance sa première IA générative"]) == (
        "French start-up Mistral AI launches its first generative AI",
        False,
        [f"from {SEED_SECOND}"],
    )
    assert article["further_reading", "Le grand débat sur l'IA ouverte"].string == ""
    assert english(article["heading", "Intelligence artificielle"])[:2] == ("Artificial intelligence", False)
    assert english(article["heading", "Fronde des investisseurs"]) == ("Investor revolt", False, [f"from {SEED_FIRST}"])

    near = next(m for (kind, text), m in article.items() if kind == "paragraph" and "presque un an" in text)
    assert "fuzzy" in near.flags and OUSTER in near.string
    assert "bientôt un an" in near.previous_id[0] and near.previous_id[0] == near.id.replace("presque", "bientôt")
    assert near.auto_comments == [f"from {SEED_FIRST}, a near match (99% of the words alike): #| msgid is the French it translates"]
    text = (content / "issues" / NEW / f"{ARTICLE}.en.po").read_text("utf-8")
    assert '#, fuzzy\n#| msgid ""\n#| "Le retour avorté de Sam Altman' in text


def test_the_update_says_per_file_what_the_memory_filled_and_suggested(updated):
    _, _, printed = updated
    assert f"issues/{NEW}/issue.en.po: created; from memory: 3 filled, 0 suggested (fuzzy)" in printed
    assert f"issues/{NEW}/{ARTICLE}.en.po: created; from memory: 5 filled, 1 suggested (fuzzy)" in printed
    assert re.search(r"translation memory \(en, \d+ translations\): 8 block\(s\) filled, 1 suggested\n", printed)


def test_status_shows_the_fills_and_the_suggestions(updated):
    root, content, _ = updated
    printed, code = run(tasks.translations_status, root)
    assert code == 0
    assert f"suggested: {content}/issues/{NEW}/{ARTICLE}.en.po: 1 block(s) the translation memory suggests" in printed
    assert "translation memory: 8 block(s) translated from it, 1 suggestion(s) to review" in printed
    row = next(line for line in printed.splitlines() if line.startswith(f"issues/{NEW}/{ARTICLE}.md"))
    assert row.split()[1:] == ["5", "0", "0", "5", "50.0"]  # the suggestion counts as untranslated


def test_a_second_update_changes_nothing(updated):
    root, content, _ = updated
    sidecars = {po: po.read_bytes() for po in content.rglob("*.po")}
    printed, code = run(tasks.translations_update, root)
    assert code == 0 and ".en.po:" not in printed
    assert {po: po.read_bytes() for po in content.rglob("*.po")} == sidecars


def test_the_build_publishes_the_exact_fills_and_not_the_suggestion(updated):
    root, content, _ = updated
    output = build_site(content, root / "output", TRANSLATIONS_MIN_COVERAGE=50)
    page = BeautifulSoup((output / "en" / "2023" / "11" / ARTICLE[3:] / "index.html").read_text("utf-8"), "html.parser")
    text = " ".join(page.get_text(" ").split())  # the typography's no-break spaces as spaces
    for filled in ("Xavier Niel launches Kyutai, a non-profit AI lab", "Artificial intelligence", "Investor revolt"):
        assert filled in text
    assert OUSTER not in text.replace("’", "'")
    french = [tag for tag in page.select('[lang="fr"]') if "presque un an" in tag.get_text()]
    assert french, "the suggested paragraph is shown in French"
    assert "changed in French" not in text and "corrected after it was translated" not in text  # not called stale
    issue = BeautifulSoup((output / "en" / "issues" / NEW / "index.html").read_text("utf-8"), "html.parser")
    assert "For three years, Cafétech has helped you make sense of tech news." in " ".join(issue.get_text(" ").split())


def test_without_the_memory_every_new_block_stays_empty(tmp_path):
    content = second_issue(tmp_path)
    printed, code = run(tasks.translations_update, tmp_path, no_memory=True)
    assert code == 0 and "from memory" not in printed and "translation memory" not in printed
    for name in ("issue", ARTICLE):
        assert all(not message.string for message in entries(content, name).values())


def test_a_translators_own_msgstr_is_never_replaced(updated, tmp_path):
    _, seeded, _ = updated
    shutil.copytree(seeded, tmp_path / "content")
    shutil.copy(tasks.theme_catalog("en"), tmp_path / "messages.po")
    po = tmp_path / "content" / "issues" / NEW / "issue.en.po"
    text = po.read_text("utf-8").replace('msgstr "OpenAI - Iliad"', 'msgstr "Photos: OpenAI - Iliad"')
    po.write_text(text, "utf-8")
    printed, code = run(tasks.translations_update, tmp_path)
    assert code == 0 and po.read_text("utf-8") == text


def test_a_broken_catalog_elsewhere_is_reported_and_left_out_never_a_crash(tmp_path):
    content = second_issue(tmp_path)
    broken = content / "issues" / SEED_FIRST
    broken.write_text(broken.read_text("utf-8").replace('msgstr "Investor revolt"', 'msgstr "Investor revolt'), "utf-8")
    printed, code = run(tasks.translations_update, tmp_path)
    assert code == 1 and "Traceback" not in printed
    assert re.search(rf"{re.escape(str(broken))}:\d+: malformed line", printed)
    assert "1 unreadable catalog(s) left out" in printed
    article = entries(content, ARTICLE)
    assert article["heading", "Fronde des investisseurs"].string == ""  # only the broken catalog had it
    assert article["further_reading", "Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête"].string == ""
    assert entries(content, "issue")["credits", "OpenAI - Iliad"].string == "OpenAI - Iliad"  # the others still feed it
