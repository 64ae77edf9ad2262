"""The tagging rule on the cases editors reported (issue #22), with the project's registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from cafetech.tags import article_fields, automatic_tags, config, explanation, load_registry, tag_scores

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = load_registry(str(ROOT / "content" / "tags.toml"))
CFG = config({"PATH": str(ROOT / "content")})


def tags(title="Un titre", lede="", body="", further_reading=()) -> list[str]:
    """The automatic tags of an article made of these parts, as the build reads them."""
    lede_html = f"<p>{lede}</p>" if lede else ""
    fields = article_fields(title, lede_html, lede_html + body, further_reading)
    return automatic_tags(tag_scores(fields, REGISTRY, CFG.weights), CFG.min_mentions)


def seed_tags(name: str) -> list[str]:
    """The automatic tags of one article of the seed issue (content/issues/2023-11-20), read as the build reads it."""
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(ROOT / "content")})
    html, metadata = MarkdownReader(settings).read(str(next(ROOT.glob(f"content/issues/2023-11-20/{name}*.md"))))
    fields = article_fields(metadata["title"], metadata.get("summary", ""), html, metadata.get("further_reading"))
    return automatic_tags(tag_scores(fields, REGISTRY, CFG.weights), CFG.min_mentions)


# --- the seed first -----------------------------------------------------------


def test_the_seeds_kyutai_article_is_tagged_kyutai_and_mistral():
    # Mistral AI: once in the lede (2) and in a further-reading title (1). Google only in passing
    # ("l'ancien directeur général de Google", "la filiale de Google"), Iliad only through its
    # founder ("le fondateur de Free"): neither is what the article is about.
    assert seed_tags("02-xavier-niel-lance-kyutai") == [
        "OpenAI", "Mistral", "Kyutai", "Xavier Niel", "Scaleway", "Intelligence artificielle",
    ]  # fmt: skip


def test_the_seeds_openai_article_is_tagged_openai_and_microsoft():
    # ChatGPT is named to describe OpenAI ("le concepteur de ChatGPT"), Amazon once in the lede.
    assert seed_tags("01-malgre-les-pressions") == ["OpenAI", "Microsoft", "Sam Altman", "Intelligence artificielle"]


# --- the cases editors reported -------------------------------------------------


MISTRAL_UNICORN = {
    "title": "Mistral AI devient une licorne en six mois",
    "lede": "Fondée par trois anciens de Google et de Meta, la start-up parisienne Mistral AI est déjà valorisée "
    "à deux milliards d’euros.",
    "body": "<p>Les géants américains, Microsoft comme Google, observent de près la pépite française.</p>",
}


def test_a_company_named_only_in_passing_is_not_a_tag():
    assert tags(**MISTRAL_UNICORN) == ["Mistral"]


def test_a_company_named_as_the_subject_of_the_lede_tags_with_one_more_mention():
    # The same lede, Google as its subject: the rule reads the words around the name, not the name.
    assert "Google" in tags(lede="Google rachète une start-up parisienne.", body="<p>Google ne commente pas.</p>")


def test_a_name_joined_to_a_name_in_passing_is_in_passing_too():
    assert tags(lede="Fondée par des anciens de Google et de Meta.", body="<p>Meta, Meta.</p>") == []


def test_an_article_about_free_is_tagged_iliad():
    assert tags(title="Free lance un forfait 5G à dix euros", lede="L’opérateur casse les prix.") == ["Iliad"]
    assert tags(lede="Free Mobile casse les prix.", body="<p>La Freebox suit.</p>") == ["Iliad"]


def test_free_tags_only_as_a_capitalised_name_never_as_a_word_or_in_passing():
    assert tags(lede="Un accès free pour tous.", body="<p>Du free, encore du free.</p>") == []
    assert tags(lede="Le fondateur de Free a dévoilé Kyutai.", body="<p>Le fondateur de Free espère.</p>") == []


def test_a_title_naming_nvidia_tags_it():
    found = tags(
        title="Nvidia dépasse les 1 000 milliards de dollars en Bourse",
        lede="Porté par la demande de puces pour l’intelligence artificielle, le fabricant a vu son action doubler.",
    )
    assert found == ["Nvidia"]  # the lede names AI once: 2 < 3


def test_a_further_reading_title_counts_once():
    assert tags(lede="La levée de fonds menée par Mistral AI.", further_reading=["Mistral AI lance son modèle"]) == ["Mistral"]
    assert tags(further_reading=["Mistral AI lance son modèle", "Mistral AI lève des fonds"]) == []  # 2 < 3
    assert tags(further_reading=["Mistral AI lance son modèle | slug:mistral"]) == []  # the override is not read


@pytest.mark.parametrize(
    "lede",
    [
        "Eric Schmidt, l’ancien directeur général de Google, investit.",
        "Un ex-Google dirige le projet.",
        "Des géants tels que Google investissent.",
        "À l’instar de Google, la start-up investit.",
        "Sundar Pichai, le patron de Google, investit.",
    ],
)
def test_a_name_after_a_cue_of_passing_weighs_nothing_in_the_lede(lede):
    assert tags(lede=lede, body="<p>Google, une fois.</p><p>Google, deux fois.</p>") == []


def test_a_name_in_passing_in_the_title_still_tags():
    assert tags(title="Le double discours d’OpenAI", lede="Un lede.") == ["OpenAI"]
    assert tags(title="Les anciens de Google lancent leur start-up") == ["Google"]


# --- tags.explain ---------------------------------------------------------------


def test_explanation_names_each_tag_given_or_refused_with_its_mentions_weights_and_the_threshold():
    lede = f"<p>{MISTRAL_UNICORN['lede']}</p>"
    fields = article_fields(MISTRAL_UNICORN["title"], lede, lede + MISTRAL_UNICORN["body"])
    lines = explanation(fields, REGISTRY, CFG, explicit=["Souveraineté"], excluded=[])
    assert lines[0].startswith("threshold 3; weights: title 3, summary 2, heading 3, paragraph 1, further_reading 1;")
    assert lines[1:] == [
        "given: Souveraineté: written in Tags (not in content/tags.toml)",
        "given: Mistral: score 5 >= 3",
        "    title            3  'Mistral AI'",
        "    summary          2  'Mistral AI'",
        "refused: Microsoft: score 1 < 3",
        "    paragraph        1  'Microsoft'",
        "refused: Google: score 0 < 3",
        "    summary          0  'Google'  (in passing, after 'anciens de')",
        "    paragraph        0  'Google'  (in passing, after 'comme')",
        "refused: Meta: score 0 < 3",
        "    summary          0  'Meta'  (in passing, after 'anciens de')",
    ]


def test_explanation_says_when_exclude_tags_removed_a_tag_the_rule_gives():
    fields = article_fields("OpenAI et Microsoft", "", "")
    lines = explanation(fields, REGISTRY, CFG, explicit=[], excluded=["microsoft"])
    assert "given: OpenAI: score 3 >= 3" in lines
    assert "refused: Microsoft: removed by Exclude_tags (score 3 >= 3)" in lines
