"""Dates in the reader's language through Babel (the machines have no system locales).

Adds the Jinja filters ``localdate`` ("20 novembre 2023") and ``isodate``
("2023-11-20T00:00:00+01:00") to the theme.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date
from pelican import signals

__all__ = ["localdate", "isodate"]

DEFAULTS = {"BABEL_DATE_FORMAT": "long"}


def localdate(value: dt.date, lang: str = "fr", fmt: str = DEFAULTS["BABEL_DATE_FORMAT"]) -> str:
    """The date as its language writes it: localdate(d, 'fr') -> '20 novembre 2023'."""
    day = value.date() if isinstance(value, dt.datetime) else value  # the format shows the day only
    return _format_day(day, lang, fmt) if fmt in DAY_FORMATS else format_date(value, format=fmt, locale=lang)


DAY_FORMATS = {"short", "medium", "long", "full"}  # Babel's named date formats: no time in them


@lru_cache(maxsize=4096)
def _format_day(day: dt.date, lang: str, fmt: str) -> str:
    """Babel is slow (about 80 µs a date) and a site shows the same few hundred days on every page."""
    return format_date(day, format=fmt, locale=lang)


def isodate(value: dt.date) -> str:
    """The date for machines (datetime attributes, feeds): ISO 8601."""
    return value.isoformat()


def date_format(settings) -> str:
    """BABEL_DATE_FORMAT: one of Babel's named formats (short, medium, long, full) or a pattern ("d MMMM y")."""
    fmt = settings.get("BABEL_DATE_FORMAT", DEFAULTS["BABEL_DATE_FORMAT"])
    if not isinstance(fmt, str) or not fmt.strip():
        raise ValueError(f"babel_dates: BABEL_DATE_FORMAT must be a Babel date format such as 'long' or 'd MMMM y', not {fmt!r}")
    return fmt


def add_filters(pelican):
    date_format(pelican.settings)  # refuse a bad format once, at start
    filters = dict(pelican.settings.get("JINJA_FILTERS", {}))
    filters.update({"isodate": isodate})
    pelican.settings["JINJA_FILTERS"] = filters


def add_localdate_filter(generator):
    fmt = date_format(generator.settings)
    generator.env.filters["localdate"] = lambda value, lang="fr": localdate(value, lang, fmt)


def register():
    signals.initialized.connect(add_filters)
    signals.generator_init.connect(add_localdate_filter)
