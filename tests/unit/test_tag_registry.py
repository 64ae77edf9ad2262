"""The tag registry: canonical names, aliases, and the rule that tags a section."""

from __future__ import annotations

import pytest

from tag_registry import (
    TagRegistryError,
    automatic_tags,
    build_registry,
    config,
    load_registry,
    merge_tags,
    section_parts,
)

REGISTRY = build_registry(
    {
        "Mistral": {"aliases": ["Mistral AI"]},
        "OpenAI": {"aliases": []},
        "Google": {"aliases": ["DeepMind"]},
        "Intelligence artificielle": {"aliases": ["IA"]},
    }
)


def test_aliases_are_one_tag_spelled_canonically():
    assert REGISTRY.canonical_name("Mistral AI") == "Mistral"
    assert REGISTRY.canonical_name("mistral ai") == "Mistral"
    assert REGISTRY.canonical_name("  Mistral ") == "Mistral"
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


def test_section_parts_separates_headings_from_running_text():
    focus, text = section_parts(
        "Un titre",
        "<p>Le lede parle de <em>Google</em>.</p><h2 id='x'>Mistral à la une</h2><p>Suite &amp; fin.</p>",
        ["Un article sur OpenAI"],
    )
    assert focus.splitlines() == ["Un titre", "Mistral à la une", "Un article sur OpenAI"]
    assert "Google" in text and "Suite & fin." in text and "Mistral" not in text


@pytest.mark.parametrize(
    "focus, text, expected",
    [
        ("OpenAI refuse", "", ["OpenAI"]),  # named in the title
        ("Titre", "Google une fois.", []),  # a passing mention does not tag
        ("Titre", "Google, Google et DeepMind.", ["Google"]),  # three mentions, alias included
        ("Titre", "Google et Google.", []),  # two are not enough
        ("La start-up Mistral AI", "", ["Mistral"]),  # alias in the focus
        ("Titre", "OpenAIX et XOpenAI et OpenAI2", []),  # whole words only
        ("Titre", "d’IA, l’IA et IA.", ["Intelligence artificielle"]),  # after an apostrophe
        ("Titre", "openai openai openai", []),  # names are matched as written
    ],
)
def test_automatic_tags(focus, text, expected):
    assert automatic_tags(REGISTRY, focus, text, min_mentions=3) == expected


def test_merge_keeps_explicit_tags_first_canonicalises_and_excludes():
    merged = merge_tags(REGISTRY, ["Mistral AI", "Souveraineté"], ["Mistral", "Google", "OpenAI"], ["openai"])
    assert merged == ["Mistral", "Souveraineté", "Google"]


def test_config_validates_and_resolves_the_path():
    cfg = config({"PATH": "/site/content"})
    assert cfg.path == "/site/content/tags.toml" and cfg.min_mentions == 3
    with pytest.raises(ValueError, match="^tag_registry: TAG_REGISTRY_MIN_MENTIONS"):
        config({"TAG_REGISTRY_MIN_MENTIONS": 0})
