"""Metadata as typeset as the page: descriptions, slugs that spell symbols, feed entry times."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from cafetech.importer import _SLUG_SUBSTITUTIONS
from cafetech.titles import spell_symbols
from feeds import content_times, entry_times, issue_time, section_time
from page_meta import PageMetaConfig, description, json_ld_data
from pelican.utils import slugify

PARIS = ZoneInfo("Europe/Paris")
SEVEN = dt.time(7, 0)


def test_a_description_keeps_typographic_apostrophes_and_spaces_as_characters_not_entities():
    typeset = "<p>Un laboratoire d’IA à 300\u00a0millions d&rsquo;euros\u202f!</p>"
    assert description(typeset) == "Un laboratoire d’IA à 300\u00a0millions d’euros\u202f!"
    assert description("<p>Le 1<sup>er</sup> &amp; le 2<sup>e</sup></p>") == "Le 1er & le 2e"


def test_a_long_description_is_cut_between_words_with_one_ellipsis_character():
    text = "<p>" + " ".join(["mot"] * 200) + "</p>"
    cut = description(text, 300)
    assert cut.endswith("mot…") and len(cut) <= 300 and "..." not in cut
    assert description("Un deux, trois quatre", 11) == "Un deux…"  # no comma before the ellipsis
    assert description("Court.", 300) == "Court."


def test_a_slug_spells_amounts_and_percentages_as_words():
    def slug(title):
        return slugify(spell_symbols(title), regex_subs=_SLUG_SUBSTITUTIONS)

    assert slug("Mistral AI lève 385 M€") == "mistral-ai-leve-385-millions-d-euros"
    assert slug("Mistral AI lève 385 M€") == slug("Mistral AI lève 385 millions d'euros")
    assert slug("Un rachat à 2 Md$") == "un-rachat-a-2-milliards-de-dollars"
    assert slug("Un fonds de $2M") == "un-fonds-de-2-millions-de-dollars"
    assert slug("300 k€ pour Kyutai") == "300-mille-euros-pour-kyutai"
    assert slug("Apple touche 36 % des revenus") == "apple-touche-36-pour-cent-des-revenus"
    assert slug("Le 5€ du MM€") == "le-5-euros-du-mm-euros"


def test_sections_of_an_issue_are_published_at_the_issue_time_a_minute_apart_in_their_order():
    day = dt.datetime(2023, 11, 27, tzinfo=PARIS)
    times = [section_time(day, position, SEVEN) for position in (1, 2, 3, 4)]
    assert times[0] == dt.datetime(2023, 11, 27, 7, 0, tzinfo=PARIS)
    assert times == sorted(set(times)) and times[3] - times[0] == dt.timedelta(minutes=3)
    at_noon = dt.datetime(2023, 11, 27, 12, 30, tzinfo=PARIS)
    assert section_time(at_noon, 2, SEVEN) == at_noon  # a date with its own time keeps it


def test_an_entry_is_updated_later_only_when_its_article_has_a_modified_date():
    day = dt.datetime(2023, 11, 27, tzinfo=PARIS)
    assert entry_times(day, None, 2, SEVEN) == (day.replace(hour=7, minute=1),) * 2
    published, updated = entry_times(day, dt.datetime(2023, 11, 29, 18, 5, tzinfo=PARIS), 2, SEVEN)
    assert published == day.replace(hour=7, minute=1) and updated == dt.datetime(2023, 11, 29, 18, 5, tzinfo=PARIS)
    assert entry_times(day, day.replace(day=28), 1, SEVEN)[1] == dt.datetime(2023, 11, 28, 7, 0, tzinfo=PARIS)
    assert entry_times(day, day.replace(day=26), 1, SEVEN)[1] == day.replace(hour=7)  # never before it was published


def test_a_page_states_the_times_of_its_feed_entry_in_its_json_ld():
    section = SimpleNamespace(date=dt.datetime(2023, 11, 27, tzinfo=PARIS), metadata={"position": "2"}, url="2023/11/x/", title="X", lang="fr")
    settings = {"TIMEZONE": "Europe/Paris", "ISSUE_TIME": "07:00"}
    published, modified = content_times(section, settings)
    assert published == modified == dt.datetime(2023, 11, 27, 7, 1, tzinfo=PARIS)
    section.modified = dt.datetime(2023, 11, 29, 18, 5, tzinfo=PARIS)
    published, modified = content_times(section, settings)
    data = json_ld_data(section, "NewsArticle", lambda url: url, lambda item: "La rédaction", PageMetaConfig({}, "Cafétech", None), "", None, published, modified)
    assert (data["datePublished"], data["dateModified"]) == ("2023-11-27T07:01:00+01:00", "2023-11-29T18:05:00+01:00")
    issue = SimpleNamespace(date=dt.datetime(2023, 11, 27, tzinfo=PARIS), metadata={})
    assert content_times(issue, settings)[0] == dt.datetime(2023, 11, 27, 7, 0, tzinfo=PARIS)  # with its first section


@pytest.mark.parametrize("value", ["7h", "25:00", "07:60", 7])
def test_an_issue_time_that_is_no_time_of_day_is_refused_in_one_line(value):
    with pytest.raises(ValueError, match=r"^feeds: ISSUE_TIME must be a time of day as HH:MM"):
        issue_time({"ISSUE_TIME": value})
