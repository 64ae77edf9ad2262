"""plugins/ledes.py: the lede split from an article's text, and its excerpt for lists (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledes import _SENTENCE_END, _WORD, _is_abbreviation, config, cut_point, excerpt, split_lede

NNBSP = "\u202f"
# The seed's first lede as french_typography leaves it: one paragraph, 122 words.
LEDE = (
    "<p>Tout au long de la journée de dimanche, tous les signaux pointaient vers un retour de Sam Altman à la tête "
    "d’OpenAI, moins de 48\u00a0heures après son éviction brutale et inattendue. Mais le conseil d’administration du "
    "concepteur de ChatGPT n’a pas cédé malgré la pression des investisseurs et la menace d’un exode massif d’employés. "
    "Dans la soirée, ses quatre membres ont ainsi nommé un nouveau directeur général par intérim.</p>"
)


def words(fragment: str) -> int:
    import re

    return len(re.sub(r"<[^>]+>", "", fragment).split(" "))


def test_a_long_lede_is_cut_after_its_last_sentence_within_about_forty_words_and_ends_with_an_ellipsis():
    cut = excerpt(LEDE, 40)
    assert cut == (
        "Tout au long de la journée de dimanche, tous les signaux pointaient vers un retour de Sam Altman à la tête "
        "d’OpenAI, moins de 48\u00a0heures après son éviction brutale et inattendue…"
    )
    assert words(cut) <= 50


def test_a_short_lede_is_kept_whole_without_its_paragraph_tag_or_an_ellipsis():
    lede = "<p>La start-up parisienne a bouclé une levée de fonds. Une somme record.</p>"
    assert excerpt(lede, 40) == "La start-up parisienne a bouclé une levée de fonds. Une somme record."


def test_a_question_or_exclamation_keeps_its_mark_before_the_ellipsis_and_its_narrow_space():
    lede = f"<p>{'Un mot ' * 8}vers un exode{NNBSP}? {'Autre phrase encore ' * 10}fin.</p>"
    assert excerpt(lede, 20).endswith(f"exode{NNBSP}?…")


def test_a_first_sentence_longer_than_the_limit_is_cut_at_a_word_end_without_a_dangling_comma():
    lede = "<p>" + ", ".join(f"mot{n}" for n in range(80)) + ".</p>"
    cut = excerpt(lede, 40)
    assert cut.endswith("mot39…") and words(cut) == 40


def test_the_cut_is_made_on_the_text_and_closes_the_tags_left_open():
    lede = (
        "<p>Selon <a href=\"https://example.org/a.b?x=1&amp;y=2\">Bloomberg. Les dirigeants</a> sont furieux. "
        + "<em>Un texte " + "très long " * 30 + "sans fin de phrase</em> puis la fin.</p>"
    )
    cut = excerpt(lede, 10)
    assert cut == "Selon <a href=\"https://example.org/a.b?x=1&amp;y=2\">Bloomberg. Les dirigeants</a> sont furieux…"
    cut = excerpt("<p><em>" + "mot " * 60 + "</em></p>", 10)
    assert cut.startswith("<em>mot") and cut.endswith("mot…</em>")


def test_abbreviations_and_initials_do_not_end_a_sentence():
    lede = "<p>" + "Le marché progresse " * 10 + "selon M. Dupont et J. R. Martin " + "encore " * 40 + "fin.</p>"
    assert excerpt(lede, 40).endswith("Martin encore encore encore…")


def test_text_is_escaped_again_and_a_sentence_may_end_inside_closing_quotes():
    lede = "<p>Il dit «\u202fnon, &amp; jamais.\u202f» " + "Puis il partit loin " * 15 + "fin.</p>"
    cut = excerpt(lede, 8)
    assert cut == "Il dit «\u202fnon, &amp; jamais.\u202f»…"


def test_an_article_opening_on_its_lede_is_split_into_the_lede_and_the_rest():
    body = '\n<h2 id="x">Fronde</h2>\n<p>Suite.</p>'
    assert split_lede(LEDE + body, LEDE) == (LEDE, '<h2 id="x">Fronde</h2>\n<p>Suite.</p>')


def test_an_article_whose_text_does_not_open_on_its_summary_has_no_lede():
    content = "<h2>Titre</h2><p>Texte.</p>"
    assert split_lede(content, "<p>Un résumé.</p>") == ("", content)
    assert split_lede(content, "") == ("", content)


@pytest.mark.parametrize("value", [0, 4, "40", True, None])
def test_the_excerpt_length_must_be_a_number_of_words(value):
    with pytest.raises(ValueError, match="^ledes: LEDES_EXCERPT_WORDS"):
        config({"LEDES_EXCERPT_WORDS": value})
    assert config({}).excerpt_words == 40


def counted_cut_point(text: str, words: int):
    """cut_point as first written: the words before each sentence end counted one by one."""
    spans = [match.span() for match in _WORD.finditer(text)]
    slack = round(words * 1.25)
    if len(spans) <= slack:
        return None
    best = None
    for match in _SENTENCE_END.finditer(text):
        if _is_abbreviation(text, match.start() + 1):
            continue
        if sum(1 for start, _end in spans if start < match.end()) > slack:
            break
        best = match.end()
    if best is not None and best < len(text.rstrip()):
        return best, True
    return spans[words - 1][1], False


@given(
    st.lists(st.sampled_from(["Le", "marché", "M.", "a", "b.", "IA", " ", "  ", ". ", "! ", "? ", "… ", "\n", "«", "»", "1,5"]), max_size=80).map("".join),
    st.integers(min_value=1, max_value=12),
)
def test_the_cut_point_counts_the_words_before_a_sentence_end_by_bisection_as_one_by_one(text, words):
    assert cut_point(text, words) == counted_cut_point(text, words)
