"""Issues: section order, neighbours, article order, settings."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from further_reading import parse_items
from issues import as_list, config, link_neighbours, newest_issue_first, order_sections


def article(slug, position=0, date=dt.datetime(2023, 11, 20)):
    return SimpleNamespace(slug=slug, date=date, metadata={"position": str(position)})


def test_order_sections_follows_the_issue_and_reports_gaps():
    a, b, c = article("a", 3), article("b", 1), article("c", 2)
    ordered, missing, forgotten = order_sections(["b", "a", "ghost"], [a, b, c])
    assert ordered == [b, a, c]
    assert missing == ["ghost"] and forgotten == [c]


def test_newest_issue_first_then_position():
    old = article("old", 1, dt.datetime(2023, 11, 13))
    first, second = article("first", 1), article("second", 2)
    assert sorted([second, old, first], key=newest_issue_first) == [first, second, old]


def test_link_neighbours():
    newest, middle, oldest = (SimpleNamespace() for _ in range(3))
    link_neighbours([newest, middle, oldest])
    assert newest.next is None and newest.previous is middle
    assert middle.next is newest and middle.previous is oldest
    assert oldest.previous is None


@pytest.mark.parametrize("value, expected", [(None, []), ("a", ["a"]), (" ", []), (["a", "", "b"], ["a", "b"])])
def test_as_list(value, expected):
    assert as_list(value) == expected


def test_further_reading_items_from_one_or_several_lines():
    assert [i.title for i in parse_items("Un  titre ")] == ["Un titre"]
    assert [i.title for i in parse_items(["Un", "  ", "Deux"])] == ["Un", "Deux"]
    assert all(item.url is None for item in parse_items(["Un"]))


def test_config_refuses_a_negative_number_of_recent_issues():
    with pytest.raises(ValueError, match="^issues: ISSUES_HOME_RECENT must be a whole number >= 0"):
        config({"ISSUES_HOME_RECENT": -1})
    assert config({}).home_recent == 10


def test_an_issue_url_without_its_slug_is_refused_by_the_editions():
    from cafetech.editions import EditionsError, editions

    with pytest.raises(EditionsError, match=r"\['issue'\] must contain \{slug\}"):
        editions({"DEFAULT_LANG": "fr", "EDITIONS": {"fr": {"urls": {"issue": "numero/"}}}})
