"""Suggestions for the tag registry: the names an issue uses often that it lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from cafetech.tag_suggest import (
    NoIssue,
    Suggestion,
    common_words,
    issue_articles,
    name_key,
    name_runs,
    suggestion_lines,
    suggestions,
)
from cafetech.tags import DEFAULTS, article_fields, config, load_registry

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = DEFAULTS["TAG_REGISTRY_WEIGHTS"]


def names(text: str) -> list[str]:
    return name_runs(text, common_words([text]))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Selon Bloomberg, Microsoft a injecté dix milliards.", ["Bloomberg", "Microsoft"]),  # stopword dropped
        ("Le fondateur de Free dévoile Kyutai.", ["Free", "Kyutai"]),
        ("Eric Schmidt et Rodolphe Saadé, patron de CMA CGM.", ["Eric Schmidt", "Rodolphe Saadé", "CMA CGM"]),
        ("La Commission européenne et le Parlement européen.", ["Commission européenne", "Parlement européen"]),
        ("Le Journal officiel a publié un décret.", ["Journal officiel"]),
        ("Un prêt de la Banque de France à la Côte d’Ivoire.", ["Banque de France", "Côte d’Ivoire"]),
        ("Les débuts d’OpenAI et l’essor de l’IA.", ["OpenAI", "IA"]),  # the elided article is not the name
        ("Apple, Google et Meta.", ["Apple", "Google", "Meta"]),  # punctuation ends a name
        ("Un accord avec Apple de la plus haute importance.", ["Apple"]),  # a connector ends a name when no name follows
        ("Station F, à Paris.", ["Station F", "Paris"]),
        ("Le plan B.", []),  # a lone capital letter is no name
        ("Vendredi, le laboratoire a ouvert. Mardi aussi.", []),  # days start sentences
    ],
)
def test_names_are_capitalised_runs_with_connectors_and_adjectives(text, expected):
    assert names(text) == expected


def test_a_word_written_in_lower_case_elsewhere_is_not_a_name():
    text = "Open science. Kyutai croit à l’open science. Enveloppe limitée: son enveloppe est modeste."
    assert names(text) == ["Kyutai"]


def test_an_acronym_is_a_name_even_if_a_lower_case_word_spells_it():
    text = "Mistral AI lève des fonds; j’ai vu ses modèles."
    assert names(text) == ["Mistral AI"]


def test_names_do_not_run_across_lines():
    assert names("Microsoft\nAzure") == ["Microsoft", "Azure"]


def test_names_are_compared_without_case_accents_apostrophes_or_spacing():
    assert name_key("Union  Européenne") == name_key("union europeenne")
    assert name_key("Côte d’Ivoire") == name_key("cote d'ivoire")


def article(title="Un titre", summary="", headings=(), text="") -> dict[str, list[str]]:
    return {"title": [title], "summary": [summary] if summary else [], "heading": list(headings), "paragraph": [text]}


def test_a_name_is_suggested_when_it_would_tag_an_article():
    found = suggestions(
        [
            article(title="Apple, l’arbitre discret", summary="Apple n’a pas commenté."),
            article(summary="Google verse des milliards à Apple.", text="Selon Bloomberg, le procès continue."),
        ],
        known=["Google"],
        weights=WEIGHTS,
        min_score=3,
    )
    # Bloomberg, once in the text, would not tag: it is not suggested.
    assert found == [Suggestion("Apple", score=3 + 2 + 2, mentions=3, articles=2)]


def test_one_passing_mention_in_each_article_suggests_nothing():
    found = suggestions([article(text="Un mot de Bloomberg."), article(text="Bloomberg encore.")], [], WEIGHTS, 3)
    assert found == []


def test_a_name_in_passing_counts_nothing_as_the_tag_rule_weighs_it():
    lede = "Fondée par des anciens de Google et de Meta, la start-up rivalise avec Nvidia comme avec Microsoft."
    text = "Le fondateur de Free, Xavier Niel, investit. Nvidia domine. Nvidia vend."
    found = suggestions([article(title="Mistral AI devient une licorne", summary=lede, text=text)], [], WEIGHTS, 3)
    assert [(s.name, s.score, s.mentions) for s in found] == [("Nvidia", 4, 3), ("Mistral AI", 3, 1)]  # not Google, Meta, Free, Microsoft
    # In the title or a subheading, the editor named the subject: a cue there changes nothing.
    titled = suggestions([article(title="Comme Google, Kyutai ouvre ses modèles")], [], WEIGHTS, 3)
    assert sorted(s.name for s in titled) == ["Google", "Kyutai"]


def test_names_already_in_the_registry_are_not_suggested_whatever_their_case_or_accents():
    texts = [article(title="L’Union européenne adopte l’AI Act", headings=["Gemini à l’épreuve"])]
    found = suggestions(texts, ["union europeenne", "ai act"], WEIGHTS, 3)
    assert [s.name for s in found] == ["Gemini"]


def test_suggestions_are_ranked_by_score_then_mentions():
    found = suggestions(
        [article(title="Bard", summary="Bard.", headings=["Gemini"], text="Gemini, Gemini."), article(headings=["Nabu"])],
        [],
        WEIGHTS,
        3,
    )
    assert [(s.name, s.score, s.mentions) for s in found] == [("Gemini", 5, 3), ("Bard", 5, 2), ("Nabu", 3, 1)]


def test_suggestion_lines_align_the_names_and_count_in_words():
    lines = suggestion_lines([Suggestion("AI Act", 11, 5, 2), Suggestion("Commission européenne", 3, 1, 1)])
    assert lines == [
        "AI Act                 (5 mentions in 2 articles, score 11)",
        "Commission européenne  (1 mention in 1 article, score 3)",
    ]


def test_issue_articles_are_the_sections_of_the_issue(tmp_path):
    folder = tmp_path / "issues" / "2023-11-20"
    folder.mkdir(parents=True)
    for name in ("issue.md", "02-b.md", "01-a.md", "01-a.en.po"):
        (folder / name).write_text("", "utf-8")
    assert [p.name for p in issue_articles(tmp_path, "2023-11-20")] == ["01-a.md", "02-b.md"]
    assert [p.name for p in issue_articles(tmp_path)] == ["01-a.md", "02-b.md"]


def test_an_issue_that_does_not_exist_is_named_in_the_error(tmp_path):
    with pytest.raises(NoIssue, match=r"issues/2023-12-04: no such issue") as error:
        issue_articles(tmp_path, "2023-12-04")
    assert error.value.folder == tmp_path / "issues" / "2023-12-04"


# --- the real content ---------------------------------------------------------------


def issue_suggestions(content: Path, date: str, registry_path: Path | None = None) -> list[Suggestion]:
    """What ``invoke tags.suggest DATE`` finds, read as the build reads the articles."""
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    cfg = config(settings)
    reader = MarkdownReader(settings)
    articles = []
    for path in issue_articles(content, date):
        html, metadata = reader.read(str(path))
        articles.append(article_fields(metadata["title"], metadata.get("summary", ""), html, metadata.get("further_reading")))
    registry = load_registry(str(registry_path or cfg.path))
    return suggestions(articles, registry.spellings, cfg.weights, cfg.min_mentions)


def test_the_seed_suggests_no_name_the_registry_already_has():
    registry = load_registry(str(ROOT / "content" / "tags.toml"))
    found = issue_suggestions(ROOT / "content", "2023-11-20")
    assert found == []  # "le fondateur de Free": Free is an alias of Iliad
    assert not {name_key(s.name) for s in found} & {name_key(spelling) for spelling in registry.spellings}


def test_the_seed_suggests_what_a_smaller_registry_lacks(tmp_path):
    smaller = tmp_path / "tags.toml"
    smaller.write_text('["OpenAI"]\naliases = []\n["Mistral"]\naliases = ["Mistral AI"]\n', "utf-8")
    found = {s.name: s for s in issue_suggestions(ROOT / "content", "2023-11-20", smaller)}
    assert {"Sam Altman", "Microsoft", "Kyutai", "Xavier Niel", "Scaleway"} <= set(found)
    # "l’ancien directeur général de Google", "la filiale de Google", "le concepteur de ChatGPT": in passing,
    # so Google and ChatGPT score 1 in each article, as the tag rule counts them, and would not tag.
    assert "Google" not in found and "ChatGPT" not in found
    assert "Mistral AI" not in found and "OpenAI" not in found  # an alias, a canonical name
    assert found["Kyutai"].articles == 1 and found["Kyutai"].mentions == 6
    assert "Amazon" not in found and "Iliad" not in found  # once in a lede: they would not tag


def test_the_fixture_issue_suggests_apple_and_the_journal_officiel(tmp_path):
    from cafetech.importer import import_issue

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "content" / "tags.toml", content / "tags.toml")
    import_issue(ROOT / "tests" / "fixtures" / "issues" / "2023-11-27.txt", "2023-11-27", content)
    found = issue_suggestions(content, "2023-11-27")
    assert [(s.name, s.mentions, s.articles) for s in found] == [("Apple", 3, 2), ("Journal officiel", 2, 1)]
