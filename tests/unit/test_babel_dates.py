"""Dates in the reader's language: the cached localdate gives what Babel gives."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date

import babel_dates

MOMENTS = [
    dt.datetime(2023, 11, 20, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    dt.datetime(2024, 2, 29, 0, 5),
    dt.date(2011, 1, 3),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long", "full", "d MMMM y", "EEEE d"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_localdate_is_babels_date(moment, lang, fmt):
    assert babel_dates.localdate(moment, lang, fmt) == format_date(moment, format=fmt, locale=lang)


def test_localdate_examples_and_cache():
    before = babel_dates._format_day.cache_info().hits
    assert babel_dates.localdate(MOMENTS[0], "fr") == "20 novembre 2023"
    assert babel_dates.localdate(MOMENTS[0].replace(hour=8), "fr") == "20 novembre 2023"  # the same day
    assert babel_dates.localdate(MOMENTS[0], "en") == "November 20, 2023"
    assert babel_dates._format_day.cache_info().hits > before
    assert babel_dates.isodate(MOMENTS[2]) == "2011-01-03"
