"""The tag registry: canonical names, aliases, and the rule that tags a section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pelican.contents import Article
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from cafetech.tags import (
    DEFAULTS,
    TagRegistryError,
    article_fields,
    automatic_tags,
    build_registry,
    config,
    load_registry,
    merge_tags,
    plain_apostrophes,
    tag_scores,
    text_mentions,
)
from tag_registry import _automatic, tag_article

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "content" / "issues" / "2023-11-20"
FIXTURE = ROOT / "tests" / "fixtures" / "issues" / "2023-11-27.txt"

REGISTRY = build_registry(
    {
        "Mistral": {"aliases": ["Mistral AI"]},
        "OpenAI": {"aliases": []},
        "Google": {"aliases": ["DeepMind"]},
        "Intelligence artificielle": {"aliases": ["IA"]},
        "AI Act": {"aliases": ["règlement européen sur l’IA"]},
    }
)
WEIGHTS = DEFAULTS["TAG_REGISTRY_WEIGHTS"]


def fields(title="Un titre", summary="", headings=(), text="") -> dict[str, list[str]]:
    return {"title": [title], "summary": [summary] if summary else [], "heading": list(headings), "paragraph": [text]}


def tags(**parts) -> list[str]:
    """The automatic tags of an article made of ``parts``, with the default weights and threshold."""
    return automatic_tags(tag_scores(fields(**parts), REGISTRY, WEIGHTS), DEFAULTS["TAG_REGISTRY_MIN_MENTIONS"])


def test_aliases_are_one_tag_spelled_canonically():
    assert REGISTRY.canonical_name("Mistral AI") == "Mistral"
    assert REGISTRY.canonical_name("mistral ai") == "Mistral"
    assert REGISTRY.canonical_name("  Mistral ") == "Mistral"
    assert REGISTRY.canonical_name("règlement européen sur l'IA") == "AI Act"  # either apostrophe
    assert REGISTRY.canonical_name("Inconnu") == "Inconnu"


def test_alias_naming_two_tags_is_refused():
    with pytest.raises(TagRegistryError, match=r"tags.toml: 'Mistral' names two tags, 'Mistral' and 'Mistral AI'"):
        build_registry({"Mistral": {"aliases": []}, "Mistral AI": {"aliases": ["Mistral"]}})


@pytest.mark.parametrize(
    "data, message",
    [
        ({"OpenAI": "oops"}, "must be a table"),
        ({"OpenAI": {"aliases": "Open AI"}}, "must be a list"),
        ({"OpenAI": {"aliases": [""]}}, "must be a list"),
        ({"OpenAI": {"alias": ["Open AI"]}}, "unknown key"),
    ],
)
def test_malformed_entries_are_refused(data, message):
    with pytest.raises(TagRegistryError, match=message):
        build_registry(data)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "tags.toml"
    path.write_text('["OpenAI"\naliases = []\n', "utf-8")
    with pytest.raises(TagRegistryError, match=r"tags.toml: .*line 1"):
        load_registry(str(path))


def test_no_registry_file_means_no_automatic_tags(tmp_path):
    assert load_registry(str(tmp_path / "absent.toml")).entities == ()


def test_the_project_registry_loads_and_names_the_ai_act():
    registry = load_registry(str(ROOT / "content" / "tags.toml"))
    assert registry.canonical_name("règlement européen sur l’IA") == "AI Act"
    assert registry.canonical_name("IA Act") == "AI Act"


# --- the rule -----------------------------------------------------------------


def test_article_fields_separate_title_lede_headings_and_running_text():
    lede = "<p>Le lede parle de <em>Google</em>.</p>"
    found = article_fields("Un titre", lede, lede + "<h2 id='x'>Mistral à la une</h2><p>Suite &amp; fin.</p>")
    assert found["title"] == ["Un titre"]
    assert [text.strip() for text in found["summary"]] == ["Le lede parle de  Google ."]
    assert found["heading"] == ["Mistral à la une"]
    # The lede, repeated as the first paragraph, counts once (as the lede).
    assert "Google" not in found["paragraph"][0] and "Mistral" not in found["paragraph"][0]
    assert "Suite & fin." in found["paragraph"][0]


def test_article_fields_keep_a_first_paragraph_that_is_not_the_lede():
    found = article_fields("Titre", "<p>Un résumé.</p>", "<p>Un texte qui cite Google.</p>")
    assert "Google" in found["paragraph"][0]


def test_a_title_mention_tags():
    assert tags(title="OpenAI refuse de réinstaller son patron") == ["OpenAI"]


def test_a_subheading_mention_tags():
    assert tags(headings=["Google à la baguette"]) == ["Google"]


def test_a_lede_mention_tags_once_the_article_names_it_again():
    assert tags(summary="La start-up Mistral AI lève des fonds.", text="Mistral publie ses modèles.") == ["Mistral"]


def test_a_lone_passing_mention_in_the_lede_does_not_tag():
    assert tags(summary="Il dirigeait Twitch, une filiale de Google, jusqu’en mars.") == []


def test_one_passing_mention_in_the_text_does_not_tag():
    assert tags(text="Google une fois.") == []


def test_repeated_mentions_in_the_text_tag():
    assert tags(text="Google, Google et DeepMind.") == ["Google"]  # three mentions, alias included
    assert tags(text="Google et Google.") == []  # two are not enough


@pytest.mark.parametrize(
    "text, expected",
    [
        ("OpenAIX et XOpenAI et OpenAI2", []),  # whole words only
        ("d’IA, l’IA et IA.", ["Intelligence artificielle"]),  # after an apostrophe
        ("openai openai openai", []),  # names are matched as written
        ("le règlement européen sur l'IA, " * 3, ["Intelligence artificielle", "AI Act"]),  # either apostrophe
    ],
)
def test_mentions_are_whole_words_as_written(text, expected):
    assert tags(text=text) == expected


@given(st.lists(st.sampled_from(["Mistral", "Mistral AI", "OpenAI", "DeepMind", "IA", "l’", "l'", "règlement européen sur ", "X", " ", ", ", "-", "é"]), max_size=12).map("".join))
def test_a_text_that_names_no_entity_literally_is_not_scanned_and_nothing_is_lost(text):
    """Entity.could_match (a substring test) skips only the patterns that cannot match the text."""
    scanned = sorted(
        (match.start(), entity.name, match[0]) for entity in REGISTRY.entities for match in entity.pattern.finditer(text)
    )
    found = text_mentions(text, "paragraph", REGISTRY, WEIGHTS)
    assert [(mention.tag, mention.text) for mention in found] == [(name, written) for _start, name, written in scanned]
    assert not [entity.name for entity in REGISTRY.entities if entity.pattern.search(text) and not entity.could_match(plain_apostrophes(text))]


def test_scores_are_mentions_times_the_weight_of_where_they_are():
    scores = tag_scores(
        fields(title="Google", summary="Google et OpenAI", headings=["Google"], text="Google, OpenAI"), REGISTRY, WEIGHTS
    )
    assert scores == {"Google": 3 + 2 + 3 + 1, "OpenAI": 2 + 1}


def test_weights_and_threshold_are_settings():
    heavy_text = config({"TAG_REGISTRY_WEIGHTS": {"paragraph": 3}})
    assert automatic_tags(tag_scores(fields(text="Google"), REGISTRY, heavy_text.weights), heavy_text.min_mentions) == [
        "Google"
    ]
    strict = config({"TAG_REGISTRY_MIN_MENTIONS": 4})
    assert automatic_tags(tag_scores(fields(title="Google"), REGISTRY, strict.weights), strict.min_mentions) == []


# --- the article handler ----------------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "tags.toml").write_text(
        '["OpenAI"]\naliases = []\n["Sam Altman"]\naliases = ["Altman"]\n["Mistral"]\naliases = ["Mistral AI"]\n', "utf-8"
    )
    return read_settings(override={"PATH": str(tmp_path), "DEFAULT_LANG": "fr", "PLUGINS": []})


def article(settings, content="<p>Un texte.</p>", source_path=None, **metadata) -> Article:
    metadata = {"title": "Un titre", "date": dt.datetime(2023, 11, 27), "lang": "fr", **metadata}
    made = Article(content, metadata=metadata, settings=settings, source_path=source_path)
    tag_article(made)  # the plugin's handler of content_object_init, as Pelican calls it
    return made


def test_a_further_reading_title_alone_does_not_tag(settings):
    made = article(
        settings,
        further_reading=["Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête"],
    )
    assert not getattr(made, "tags", None)


def test_explicit_tags_are_kept_canonically_and_exclusions_remove_automatic_ones(settings):
    made = article(settings, title="OpenAI et Mistral AI", tags=["Mistral AI", "Souveraineté"], exclude_tags="openai")
    assert [str(tag) for tag in made.tags] == ["Mistral", "Souveraineté"]


def test_an_editors_tag_is_kept_though_the_rule_would_not_give_it(settings):
    made = article(settings, tags=["OpenAI"])  # the text never names OpenAI
    assert [str(tag) for tag in made.tags] == ["OpenAI"]


def test_exclude_tags_never_removes_a_tag_the_editor_wrote(settings):
    made = article(settings, title="OpenAI et Mistral AI", tags=["OpenAI"], exclude_tags="OpenAI, Mistral")
    assert [str(tag) for tag in made.tags] == ["OpenAI"]


def test_a_tag_the_registry_lacks_is_kept_as_written_with_one_warning_naming_the_file(settings, caplog):
    made = article(settings, tags=["Souveraineté", "Mistral AI"], source_path=str(Path(settings["PATH"]) / "issues" / "a.md"))
    assert [str(tag) for tag in made.tags] == ["Souveraineté", "Mistral"]
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1
    assert warnings[0].startswith("issues/a.md: tag 'Souveraineté' is not in ")
    assert warnings[0].endswith('tags.toml; kept as written. If it is a tag of the site, add ["Souveraineté"] with '
                                "aliases = [] there; else correct its spelling")  # fmt: skip


def test_merge_keeps_explicit_tags_first_canonicalises_and_excludes_automatic_ones():
    merged = merge_tags(REGISTRY, ["Mistral AI", "Souveraineté"], ["Mistral", "Google", "OpenAI"], ["openai", "souveraineté"])
    assert merged == ["Mistral", "Souveraineté", "Google"]


def test_the_memo_key_holds_every_input_of_the_rule(settings):
    cfg = config(settings)
    base = (REGISTRY, cfg, "Titre", "<p>Lede</p>", "<p>Lede</p><p>Texte</p>")
    keys = {
        _automatic(*base)[0],
        _automatic(build_registry({"OpenAI": {"aliases": []}}), *base[1:])[0],
        _automatic(REGISTRY, config({**settings, "TAG_REGISTRY_MIN_MENTIONS": 4}), *base[2:])[0],
        _automatic(REGISTRY, config({**settings, "TAG_REGISTRY_WEIGHTS": {"summary": 3}}), *base[2:])[0],
        _automatic(*base[:2], "Autre titre", *base[3:])[0],
        _automatic(*base[:3], "<p>Autre lede</p>", base[4])[0],
        _automatic(*base[:4], "<p>Lede</p><p>Autre texte</p>")[0],
        _automatic(*base, ["Une lecture"])[0],
    }
    assert len(keys) == 8


# --- settings -----------------------------------------------------------------


def test_config_validates_and_resolves_the_path():
    cfg = config({"PATH": "/site/content"})
    assert cfg.path == "/site/content/tags.toml" and cfg.min_mentions == 3
    assert cfg.weights == {"title": 3, "summary": 2, "heading": 3, "paragraph": 1, "further_reading": 1}
    with pytest.raises(ValueError, match="^tag_registry: TAG_REGISTRY_MIN_MENTIONS"):
        config({"TAG_REGISTRY_MIN_MENTIONS": 0})


def test_weights_are_laid_over_the_defaults_field_by_field_without_changing_them():
    weights = config({"TAG_REGISTRY_WEIGHTS": {"summary": 3}}).weights
    assert weights == {"title": 3, "summary": 3, "heading": 3, "paragraph": 1, "further_reading": 1}
    assert DEFAULTS["TAG_REGISTRY_WEIGHTS"]["summary"] == 2


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"lede": 3}, r"^tag_registry: TAG_REGISTRY_WEIGHTS has unknown field\(s\) 'lede'; the fields are title, summary"),
        ({"title": -1}, r"^tag_registry: TAG_REGISTRY_WEIGHTS\['title'\] must be a whole number >= 0, not -1"),
        ({"title": 1.5}, r"^tag_registry: TAG_REGISTRY_WEIGHTS\['title'\] must be a whole number"),
        ({"title": True}, r"^tag_registry: TAG_REGISTRY_WEIGHTS\['title'\] must be a whole number"),
        ([3, 3, 3, 1], r"^tag_registry: TAG_REGISTRY_WEIGHTS must be a dict"),
    ],
)
def test_bad_weights_are_refused_with_one_line(weights, message):
    with pytest.raises(ValueError, match=message):
        config({"TAG_REGISTRY_WEIGHTS": weights})


# --- the real content ---------------------------------------------------------------


def project_tags(content: Path, name: str) -> list[str]:
    """The automatic tags of one article of ``content``, read as the build reads it."""
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    cfg = config(settings)
    html, metadata = MarkdownReader(settings).read(str(next(content.glob(f"issues/*/{name}*.md"))))
    fields = article_fields(metadata["title"], metadata.get("summary", ""), html, metadata.get("further_reading"))
    return automatic_tags(tag_scores(fields, load_registry(cfg.path), cfg.weights), cfg.min_mentions)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """The seed and the 2023-11-27 fixture issue, imported with the project's registry."""
    import shutil

    from cafetech.importer import import_issue

    content = tmp_path_factory.mktemp("tags") / "content"
    content.mkdir()
    shutil.copy(ROOT / "content" / "tags.toml", content / "tags.toml")
    import_issue(FIXTURE, "2023-11-27", content)
    return content


@pytest.mark.parametrize(
    "name, expected",
    [
        # Not Kyutai nor Xavier Niel: a further-reading title alone counts 1. AI: its lede (2) and
        # "Le grand débat sur l'IA ouverte" (1); "d'IA" in the other title is a name in passing.
        ("01-mistral-ai", ["Mistral", "Intelligence artificielle"]),
        ("02-google-accuse", ["Google"]),
        ("04-le-decret-ia", ["Intelligence artificielle"]),  # not OpenAI nor Sam Altman (further reading)
    ],
)
def test_the_fixture_issue_is_tagged_from_its_own_text(imported, name, expected):
    assert project_tags(imported, name) == expected


def test_an_article_about_the_eus_ai_regulation_gets_a_tag_from_the_real_registry():
    registry = load_registry(str(Path(__file__).resolve().parents[2] / "content" / "tags.toml"))
    fields = article_fields(
        "Les Vingt-Sept s’accordent sur l’encadrement de l’IA",
        "<p>Après des mois de négociations, le règlement européen sur l’IA a trouvé un compromis.</p>",
        "<p>Les modèles de fondation seront soumis à des obligations de transparence.</p>"
        "<h2>Ce que change l’AI Act</h2><p>Les usages les plus risqués seront interdits.</p>",
    )
    cfg = config({})
    assert "AI Act" in automatic_tags(tag_scores(fields, registry, cfg.weights), cfg.min_mentions)
