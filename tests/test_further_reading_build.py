"""Further reading in a real build: items linked across issues, backlinks, the English side, the HTML."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from pelican import signals
from pelican.log import LimitFilter

from further_reading import FurtherReadingItem, normalize_title
from support import ErrorCollector, build_site, two_issue_content

KYUTAI = "Xavier Niel lance Kyutai, un laboratoire d’IA à but non lucratif"
PUTSCH = "Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête"

FIRST = "malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete"
KYUTAI_SLUG = "xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif"
MISTRAL = "mistral-ai-leve-385-millions-d-euros"
GOOGLE = "google-accuse-de-verrouiller-la-recherche-sur-mobile"
DECREE = "le-decret-ia-et-les-balises-du-journal-officiel"

# English sidecars: every block "EN " + its French text, except these further-reading items.
ENGLISH_ITEMS = {
    "Xavier Niel lance Kyutai, un laboratoire d'IA à but non lucratif": "Xavier Niel launches Kyutai, a non-profit AI lab",
    "Le grand débat sur l'IA ouverte": "The great debate on open AI",
    PUTSCH: "Despite pressure, OpenAI refuses to reinstate Sam Altman",
    "Putsch, menaces, exode… le week-end mouvementé d’OpenAI": "OpenAI's eventful weekend",
}
ISSUE_ITEM = "    Putsch, menaces, exode… le week-end mouvementé d’OpenAI\n"  # the seed issue's title, as an editor types it
GOOGLE_FURTHER_READING = f"""Further_reading: Le putsch chez OpenAI | {{filename}}../2023-11-20/01-{FIRST}.md
    Un article disparu | slug:n-existe-pas
    La décision du juge | https://example.org/decision
"""


def write_english_sidecar(source: Path) -> None:
    from cafetech.sidecars import parse_source, render_sidecar, sidecar_path, template_catalog

    catalog = template_catalog(parse_source(source.read_text("utf-8")), source.name)
    for message in catalog:
        if message.id:
            message.string = ENGLISH_ITEMS.get(message.id, "EN " + message.id)
    sidecar_path(source).write_bytes(render_sidecar(catalog))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project's build (settings, plugins, theme) of the seed issue and the 2023-11-27 fixture.

    An editor's override list on the Google section; the seed issue's title in the decree's
    further reading; English sidecars (complete, so
    published) for the seed's first section, the Mistral and the decree sections, none
    for Kyutai. The generator is captured at article_generator_finalized.
    """
    root = tmp_path_factory.mktemp("further")
    content = two_issue_content(root)
    issues = content / "issues"
    google = issues / "2023-11-27" / f"02-{GOOGLE}.md"
    text = google.read_text("utf-8")
    google.write_text(text.replace("Position: 2\n", "Position: 2\n" + GOOGLE_FURTHER_READING, 1), "utf-8")
    decree = issues / "2023-11-27" / f"04-{DECREE}.md"
    text = decree.read_text("utf-8")
    decree.write_text(text.replace(f"Further_reading: {PUTSCH}\n", f"Further_reading: {PUTSCH}\n{ISSUE_ITEM}", 1), "utf-8")
    for name in (f"2023-11-20/01-{FIRST}.md", f"2023-11-27/01-{MISTRAL}.md", f"2023-11-27/04-{DECREE}.md"):
        write_english_sidecar(issues / name)

    captured = {}

    def capture(generator):
        captured["generator"] = generator

    collector = ErrorCollector()
    logging.getLogger().addHandler(collector)
    signals.article_generator_finalized.connect(capture)
    try:
        # Pelican drops a warning already logged in this process (by another test's build).
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(LimitFilter, "_raised_messages", set())
            output = build_site(content, root / "output")
    finally:
        signals.article_generator_finalized.disconnect(capture)
        logging.getLogger().removeHandler(collector)
    generator = captured["generator"]
    articles = {(a.lang, a.slug): a for a in [*generator.articles, *generator.translations]}
    return SimpleNamespace(output=output, generator=generator, articles=articles, logs=collector.messages())


def page(built, path) -> BeautifulSoup:
    return BeautifulSoup((built.output / path / "index.html").read_text("utf-8"), "html.parser")


def test_build_links_items_across_issues_and_sets_backlinks(built):
    a = built.articles
    mistral, kyutai, first = a["fr", MISTRAL], a["fr", KYUTAI_SLUG], a["fr", FIRST]
    assert [i.target for i in mistral.further_reading] == [kyutai, None]  # an earlier issue, by normalized title
    to_first, to_issue = a["fr", DECREE].further_reading
    assert to_first.target is first
    (seed_issue,) = [issue for issue in built.generator.context["issues"] if issue.slug == "2023-11-20"]
    assert (to_issue.url, to_issue.lang, to_issue.target) == ("numero/2023-11-20/", "fr", seed_issue)
    google = a["fr", GOOGLE].further_reading
    assert [(i.title, i.url) for i in google] == [
        ("Le putsch chez OpenAI", f"2023/11/{FIRST}/"),
        ("Un article disparu", None),
        ("La décision du juge", "https://example.org/decision"),
    ]
    assert kyutai.cited_in == [mistral]
    assert first.cited_in == [a["fr", GOOGLE], a["fr", DECREE]]  # the same day: by slug
    for article in built.articles.values():
        assert article not in article.related
        assert not {i.target for i in article.further_reading} & set(article.related)
        assert len(article.related) <= 3
        assert all(other.lang == article.lang or other.lang == "fr" for other in article.related + article.cited_in)


def test_build_reports_unresolved_items_once_with_their_file(built):
    unresolved = built.generator.context["further_reading_unresolved"]
    assert sorted(unresolved) == [
        (f"issues/2023-11-20/01-{FIRST}.md", "Le double discours d’OpenAI sur la régulation de l’IA"),
        (f"issues/2023-11-20/01-{FIRST}.md", "OpenAI abandonne le développement de son dernier modèle de langage"),
        (f"issues/2023-11-20/02-{KYUTAI_SLUG}.md", "La start-up française Mistral AI lance sa première IA générative"),
        (f"issues/2023-11-20/02-{KYUTAI_SLUG}.md", "Les coûts de l’IA menacent de freiner son adoption"),
        (f"issues/2023-11-27/01-{MISTRAL}.md", "Le grand débat sur l'IA ouverte"),
        (f"issues/2023-11-27/02-{GOOGLE}.md", "Un article disparu | slug:n-existe-pas"),
    ]
    warnings = [m for m in built.logs if "names no article of the site" in m]
    expected = [f"{path}: further reading {title!r} names no article of the site" for path, title in unresolved]
    assert sorted(re.sub(r"^(\S+\.md):\d+: ", r"\1: ", m) for m in warnings) == sorted(expected)
    assert f"issues/2023-11-27/02-{GOOGLE}.md:8: further reading 'Un article disparu | slug:n-existe-pas'" in " ".join(warnings)


def test_build_english_side(built):
    a = built.articles
    mistral_en, decree_en, first_en = a["en", MISTRAL], a["en", DECREE], a["en", FIRST]
    to_kyutai, plain = mistral_en.further_reading  # Kyutai has no English version: the French page
    assert (to_kyutai.title, to_kyutai.url, to_kyutai.lang, to_kyutai.target) == (
        "Xavier Niel launches Kyutai, a non-profit AI lab",
        f"2023/11/{KYUTAI_SLUG}/",
        "fr",
        a["fr", KYUTAI_SLUG],
    )
    assert plain == FurtherReadingItem("The great debate on open AI")
    to_first, to_issue = decree_en.further_reading  # the seed's first section is published in English
    assert (to_first.title, to_first.url, to_first.lang, to_first.target) == (
        "Despite pressure, OpenAI refuses to reinstate Sam Altman",
        f"en/2023/11/{FIRST}/",
        "en",
        first_en,
    )
    assert (to_issue.title, to_issue.url, to_issue.lang) == ("OpenAI's eventful weekend", "en/issues/2023-11-20/", "en")
    assert first_en.cited_in == [a["fr", GOOGLE], decree_en]  # Google's section is French only
    assert a["fr", KYUTAI_SLUG].cited_in == [a["fr", MISTRAL]]


def test_build_html_links_resolved_items_only(built):
    items = page(built, f"2023/11/{MISTRAL}").select(".further-reading li")
    assert [normalize_title((li.a or li).get_text()) for li in items] == [  # typeset by the theme
        "xavier niel lance kyutai, un laboratoire d'ia a but non lucratif",
        "le grand debat sur l'ia ouverte",
    ]
    assert items[0].a["href"] == f"/2023/11/{KYUTAI_SLUG}/" and items[1].a is None
    assert items[0].select_one(".meta time")["datetime"].startswith("2023-11-20")  # the target's date
    english = page(built, f"en/2023/11/{MISTRAL}").select(".further-reading li")
    assert english[0].a["href"] == f"/2023/11/{KYUTAI_SLUG}/"
    assert english[0].a["hreflang"] == "fr" and english[1].a is None
    decree, issue = page(built, f"en/2023/11/{DECREE}").select(".further-reading a")
    assert decree["href"] == f"/en/2023/11/{FIRST}/" and not decree.has_attr("hreflang")
    assert issue["href"] == "/en/issues/2023-11-20/" and not issue.has_attr("hreflang")  # the seed issue's English page
    assert (built.output / "en" / "issues" / "2023-11-20" / "index.html").is_file()
    french = page(built, f"2023/11/{DECREE}").select(".further-reading a")[1]
    assert french["href"] == "/numero/2023-11-20/" and french.get_text() == "Putsch, menaces, exode… le week-end mouvementé d’OpenAI"
    google = page(built, f"2023/11/{GOOGLE}")
    assert google.find("a", href="https://example.org/decision")
    assert len(google.select(".further-reading a")) == 2
