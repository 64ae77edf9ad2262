"""Further reading ("Pour aller plus loin"): items linked to the site's articles, backlinks and related articles.

The importer writes the items as the ``Further_reading`` metadata, one title a
line. Each becomes a ``FurtherReadingItem``, linked to the article of the site
whose title it names (compared with ``normalize_title``: case, accents,
apostrophes, quotes and spaces do not count), in any issue, never to the
article itself; else to the issue page whose title it names (the issues
plugin's ``issues``); an item naming neither stays plain text (never a dead
link) and is reported. When several articles (or issues) have the title, the
newest is linked.

An editor can say where an item goes after `` | `` on its line::

    Further_reading: Titre affiché | {filename}../2023-11-13/01-x.md
        Titre | slug:the-slug
        Titre | https://example.org/page

(``{filename}`` is relative to the article's folder, or to the content folder
when it starts with ``/``, as in Pelican's links.) An override naming no
article stays plain text and is reported.

A translation (``lang`` other than DEFAULT_LANG) has its items translated in
the same order as the French ones: item n links where the French item n links,
to the target's version in the translation's language when it is published,
else to the French page (``item.lang == "fr"``, for ``hreflang``).

Every article also gets ``cited_in`` (the articles whose further reading links
to it, newest first) and ``related`` (up to FURTHER_READING_RELATED_MAX
articles sharing its tags, ranked by tag rarity and closeness in time, see
``related_articles``; settings FURTHER_READING_RELATED_*). On a translation both
list the versions in its language where published, else the French articles.
The items naming no article are also in the context, as
``further_reading_unresolved`` (see ``unresolved_items``).

In templates: ``item.url`` of an article of the site is relative to the site
(``{{ SITEURL }}/{{ item.url }}``, like ``article.url``); ``item.external`` says it
is an absolute URL to use as it is.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, combinations

from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from cafetech.titles import EXTERNAL_URL as _EXTERNAL
from cafetech.titles import FILENAME_REFERENCE as _FILENAME
from cafetech.titles import SLUG_REFERENCE as _SLUG
from cafetech.titles import filename_target_path, normalize_title, split_item
from cafetech.titles import path_key as _path_key

logger = logging.getLogger(__name__)

DEFAULTS = {
    "FURTHER_READING_RELATED_MAX": 3,
    "FURTHER_READING_RELATED_TAG_WEIGHT": 1.0,
    "FURTHER_READING_RELATED_RECENCY_WEIGHT": 0.5,
    "FURTHER_READING_RELATED_RECENCY_DAYS": 90,
    "FURTHER_READING_RELATED_THRESHOLD": 0.5,
}


@dataclass(frozen=True)
class FurtherReadingConfig:
    related_max: int
    tag_weight: float
    recency_weight: float
    recency_days: float
    threshold: float


def _real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def config(settings: dict) -> FurtherReadingConfig:
    """The plugin's settings: the user's laid over DEFAULTS, validated."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    maximum = merged["FURTHER_READING_RELATED_MAX"]
    if not isinstance(maximum, int) or isinstance(maximum, bool) or maximum < 0:
        raise ValueError(f"further_reading: FURTHER_READING_RELATED_MAX must be a whole number >= 0, not {maximum!r}")
    for key in (
        "FURTHER_READING_RELATED_TAG_WEIGHT",
        "FURTHER_READING_RELATED_RECENCY_WEIGHT",
        "FURTHER_READING_RELATED_THRESHOLD",
    ):
        if not _real(merged[key]) or merged[key] < 0:
            raise ValueError(f"further_reading: {key} must be a number >= 0, not {merged[key]!r}")
    days = merged["FURTHER_READING_RELATED_RECENCY_DAYS"]
    if not _real(days) or days <= 0:
        raise ValueError(f"further_reading: FURTHER_READING_RELATED_RECENCY_DAYS must be a number > 0, not {days!r}")
    return FurtherReadingConfig(
        related_max=maximum,
        tag_weight=float(merged["FURTHER_READING_RELATED_TAG_WEIGHT"]),
        recency_weight=float(merged["FURTHER_READING_RELATED_RECENCY_WEIGHT"]),
        recency_days=float(days),
        threshold=float(merged["FURTHER_READING_RELATED_THRESHOLD"]),
    )


@dataclass(frozen=True)
class FurtherReadingItem:
    """One item as the theme shows it: a link when ``url`` is set, else plain text.

    ``url`` is site-relative ("2023/11/slug/") for an article of the site
    (``target`` is that article, ``lang`` and ``date`` are its own) and absolute
    for an editor's external link (``target`` None). ``reference`` is the
    editor's override as written after `` | `` (not compared).
    """

    title: str
    url: str | None = None
    lang: str | None = None
    date: dt.date | None = None
    target: object = None
    reference: str | None = field(default=None, compare=False, repr=False)

    @property
    def external(self) -> bool:
        """An absolute link out of the site (the template must not prefix SITEURL)."""
        return self.url is not None and self.target is None

    @property
    def written(self) -> str:
        """The item as the editor wrote it: the title, and the override if there is one."""
        return f"{self.title} | {self.reference}" if self.reference else self.title


# --- pure functions: items ----------------------------------------------------

def parse_item(line: str) -> FurtherReadingItem:
    """One metadata line as an item; an override after the last `` | `` is kept in ``reference``.

    A line whose part after `` | `` is no override ({filename}…, slug:…, http(s)://…)
    is a title with a bar in it. An external URL makes the item a link at once.
    """
    title, reference = split_item(line)
    if reference is None:
        return FurtherReadingItem(title=title)
    if _EXTERNAL.match(reference):
        return FurtherReadingItem(title=title, url=reference, reference=reference)
    return FurtherReadingItem(title=title, reference=reference)


def parse_items(value) -> list[FurtherReadingItem]:
    """The metadata value (one string, or a list for several lines) as items, blanks dropped."""
    if not value:
        return []
    lines = [value] if isinstance(value, str) else list(value)
    return [parse_item(line) for line in lines if line.strip()]


# --- pure functions: resolution ------------------------------------------------


def _newest_first(articles) -> list:
    """Newest first; same date: by slug, then source path (deterministic)."""
    ordered = sorted(articles, key=lambda a: (getattr(a, "slug", ""), getattr(a, "source_path", "")))
    return sorted(ordered, key=lambda a: a.date, reverse=True)


class SiteIndex:
    """What an item can link to (published, default language): articles by source path, slug and
    title; issues by title, when no article has it."""

    def __init__(self, articles, content_root: str = "", issues=()):
        self.content_root = content_root
        self.by_path = {_path_key(a.source_path): a for a in articles}
        self.by_slug: dict[str, list] = {}
        self.by_title: dict[str, list] = {}
        self.issues_by_title: dict[str, list] = {}
        for article in _newest_first(articles):
            self.by_slug.setdefault(article.slug, []).append(article)
            self.by_title.setdefault(normalize_title(article.title), []).append(article)
        for issue in _newest_first(issues):
            self.issues_by_title.setdefault(normalize_title(issue.title), []).append(issue)

    def find(self, article, item: FurtherReadingItem) -> tuple[object, str, list]:
        """(target or None, #fragment, the other candidates when the title is ambiguous)."""
        reference = item.reference
        if reference and _EXTERNAL.match(reference):
            return None, "", []
        if reference and _FILENAME.match(reference):
            path, fragment = filename_target_path(reference, article.source_path, self.content_root)
            target = self.by_path.get(path)
            return (target, fragment, []) if target is not None and target is not article else (None, "", [])
        if reference and (match := _SLUG.match(reference)):
            candidates = [a for a in self.by_slug.get(match[1], []) if a is not article]
            return (candidates[0] if candidates else None), "", []
        title = normalize_title(item.title)
        candidates = [a for a in self.by_title.get(title, []) if a is not article] or self.issues_by_title.get(title, [])
        if not candidates:
            return None, "", []
        return candidates[0], "", candidates[1:]


def linked(item: FurtherReadingItem, target, fragment: str = "") -> FurtherReadingItem:
    """The item as a link to ``target`` (an article or an issue), keeping the editor's title."""
    return FurtherReadingItem(
        title=item.title,
        url=f"{target.url}{fragment}",
        lang=target.lang,
        date=target.date,
        target=target,
        reference=item.reference,
    )


def version_in(article, lang: str):
    """The article's (or issue's) published version in ``lang``, else the article itself."""
    if article.lang == lang:
        return article
    return next((other for other in getattr(article, "translations", None) or [] if other.lang == lang), article)


def counterpart(article, default_lang: str):
    """The default-language original of a translation, or None (an original, or an orphan)."""
    if article.lang == default_lang:
        return None
    return next((o for o in getattr(article, "translations", None) or [] if o.lang == default_lang), None)


@dataclass(frozen=True)
class Ambiguity:
    source: str  # the citing article's relative source path
    title: str
    chosen: object
    others: tuple


def resolve_item(article, item: FurtherReadingItem, index: SiteIndex, ambiguities: list | None = None):
    """The item linked by its override or its title (to a default-language article), or unchanged."""
    if item.external:
        return item
    target, fragment, others = index.find(article, item)
    if target is None:
        return item
    if others and ambiguities is not None:
        ambiguities.append(Ambiguity(_relative(article), item.title, target, tuple(others)))
    return linked(item, target, fragment)


def resolve_items(article, index: SiteIndex, ambiguities: list | None = None) -> list[FurtherReadingItem]:
    """The article's items, each linked by its override or its title."""
    items = parse_items(article.metadata.get("further_reading"))
    return [resolve_item(article, item, index, ambiguities) for item in items]


def localize(item: FurtherReadingItem, lang: str) -> FurtherReadingItem:
    """A linked item pointing at the target's version in ``lang`` when published (else unchanged)."""
    if item.target is None:
        return item
    version = version_in(item.target, lang)
    if version is item.target:
        return item
    return FurtherReadingItem(item.title, version.url, version.lang, version.date, version, item.reference)


def translated_items(
    article, original, index: SiteIndex, ambiguities: list | None = None
) -> list[FurtherReadingItem]:
    """A translation's items: item n links where the original's item n links, in the translation's language.

    The titles are the translation's own (never matched against the site's). An
    external URL written in the translated line wins over the original's; items
    beyond the original's (or all of an orphan translation's) are resolved by their
    own override or title. The original's ``further_reading`` must be resolved first.
    """
    source = list(getattr(original, "further_reading", None) or []) if original is not None else []
    items = []
    for position, item in enumerate(parse_items(article.metadata.get("further_reading"))):
        if item.external:
            pass
        elif position < len(source):
            french = source[position]
            item = FurtherReadingItem(
                item.title, french.url, french.lang, french.date, french.target, item.reference or french.reference
            )
        else:
            item = resolve_item(article, item, index, ambiguities)
        items.append(localize(item, article.lang))
    return items


def backlinks(articles) -> dict[int, list]:
    """{id(target): the articles whose items link to it}, newest first, without repeats or itself."""
    citing: dict[int, dict[int, object]] = {}
    for article in articles:
        for item in getattr(article, "further_reading", None) or []:
            if item.target is not None and item.target is not article:
                citing.setdefault(id(item.target), {})[id(article)] = article
    return {key: _newest_first(found.values()) for key, found in citing.items()}


def _relative(article) -> str:
    return getattr(article, "relative_source_path", None) or article.source_path


def _original_of(article, default_lang: str | None):
    """A translation's published original (in the default language), or None."""
    if default_lang is not None:
        return counterpart(article, default_lang)
    if getattr(article, "in_default_lang", True):
        return None
    return next((o for o in getattr(article, "translations", None) or [] if getattr(o, "in_default_lang", False)), None)


def unresolved_items(articles, default_lang: str | None = None) -> list[tuple[str, str]]:
    """(relative source path, item as written) of every item naming no article, once each.

    The items of a translation that follow its original's items are the original's
    and are not repeated: pass the originals and the translations, or the originals
    only. Without ``default_lang``, Pelican's ``article.in_default_lang`` tells.
    """
    found: dict[tuple[str, str], None] = {}
    for article in articles:
        original = _original_of(article, default_lang)
        skip = len(getattr(original, "further_reading", None) or []) if original is not None else 0
        for item in list(getattr(article, "further_reading", None) or [])[skip:]:
            if item.url is None:
                found[(_relative(article), item.written)] = None
    return list(found)


def item_line(source_text: str, written: str) -> int | None:
    """The number of the first line of a source file where an item is written (its spaces collapsed), or None."""
    for number, line in enumerate(source_text.splitlines(), 1):
        if written in " ".join(line.split()):
            return number
    return None


# --- pure functions: related articles --------------------------------------------


@dataclass(frozen=True)
class Record:
    """What ranking needs of an article: a unique key, its tags, its date, a slug for ties, keys it must not list."""

    key: object
    tags: frozenset
    date: object  # a date, a datetime, or a day number
    slug: str = ""
    excluded: frozenset = frozenset()


def day_number(value) -> float:
    """A date, a datetime (time of day as a fraction) or a number, as days."""
    if isinstance(value, dt.datetime):
        return value.toordinal() + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.date):
        return float(value.toordinal())
    return float(value)


def tag_weights(records, cfg: FurtherReadingConfig) -> dict:
    """{tag: TAG_WEIGHT * log(1 + N / df)}: the rarer a tag, the more sharing it counts."""
    df: dict = {}
    records = list(records)
    for record in records:
        for tag in set(record.tags):
            df[tag] = df.get(tag, 0) + 1
    n = len(records)
    return {tag: cfg.tag_weight * math.log(1 + n / count) for tag, count in df.items()}


_COUNT_LIMIT = 400  # pair-list entries per article up to which shared pairs are counted


def related_scores(records, cfg: FurtherReadingConfig) -> dict:
    """{key: [(key, score), ...]}, best first; see ``related_articles``."""
    records = list(records)
    result: dict = {}
    for record in records:
        if record.key in result:
            raise ValueError(f"further_reading: two records have the key {record.key!r}")
        result[record.key] = []
    k = cfg.related_max
    if not records or k == 0:
        return result
    rw, rd, threshold = cfg.recency_weight, cfg.recency_days, cfg.threshold
    exp, fsum = math.exp, math.fsum
    weight = tag_weights(records, cfg)
    days = [day_number(r.date) for r in records]
    slugs = [r.slug or str(r.key) for r in records]
    position = {r.key: i for i, r in enumerate(records)}
    # Every tag gets a rank, the heaviest (rarest) first; a record's tags are a bit mask of ranks.
    rank = {tag: r for r, tag in enumerate(sorted(weight, key=lambda t: (-weight[t], str(t))))}
    ordered_tags = [sorted(set(r.tags), key=rank.__getitem__) for r in records]
    masks = [sum(1 << rank[t] for t in tags) for tags in ordered_tags]
    # The inverted index: each tag, and each pair of tags, -> the records having it, oldest first.
    lists: dict = {}
    for i in sorted(range(len(records)), key=lambda i: (days[i], i)):
        for size in (1, 2):
            for key in combinations(ordered_tags[i], size):
                lists.setdefault(key, []).append(i)
    dates = {key: [days[i] for i in found] for key, found in lists.items()}

    for i, record in enumerate(records):
        tags = ordered_tags[i]
        if not tags:
            continue
        day, mask = days[i], masks[i]
        w = [weight[t] for t in tags]
        done = {i}.union(position[key] for key in record.excluded if key in position)
        bases: dict = {}  # shared mask -> sum of the shared tags' weights

        top: list = []  # (-score, -day, slug, number), best first, at most k
        bar = threshold

        def offer(j: int, recency: float) -> None:
            nonlocal bar
            done.add(j)
            shared = mask & masks[j]
            base = bases.get(shared)
            if base is None:
                base = bases[shared] = fsum([x for t, x in zip(tags, w) if shared >> rank[t] & 1])
            score = base + recency
            if score >= bar:
                bisect.insort(top, (-score, -days[j], slugs[j], j))
                del top[k:]
                if len(top) == k:
                    bar = -top[-1][0]

        # Every other record sharing a tag is in one group: by its two heaviest shared tags
        # (p, q), or its only shared tag p. A group's best possible score is its ceiling +
        # RECENCY_WEIGHT, and its records' scores only fall with the distance in time: groups
        # come best first, and each list is walked outward from the article's date until
        # that bound is below the k-th best score found so far.
        own_pairs = list(combinations(range(len(tags)), 2))
        pair_lists = [lists[tags[p], tags[q]] for p, q in own_pairs]
        groups = [(w[p], (tags[p],)) for p in range(len(tags))]
        if sum(map(len, pair_lists)) <= _COUNT_LIMIT:
            # Short pair lists: the records sharing three tags or more (those in three pair
            # lists or more) are scored first, so a pair's group holds exactly two: ceiling p + q.
            for j, count in Counter(chain.from_iterable(pair_lists)).items():
                if count >= 3 and j not in done:
                    offer(j, rw * exp(-abs(day - days[j]) / rd))
            groups += [(fsum([w[p], w[q]]), (tags[p], tags[q])) for p, q in own_pairs]
        else:
            groups += [(fsum([w[p], *w[q:]]), (tags[p], tags[q])) for p, q in own_pairs]
        groups.sort(key=lambda group: -group[0])
        for ceiling, key in groups:
            if ceiling + rw < bar:
                break
            found, when = lists[key], dates[key]
            hi = bisect.bisect_left(when, day)
            lo = hi - 1
            while lo >= 0 or hi < len(found):
                if hi >= len(found) or (lo >= 0 and day - when[lo] <= when[hi] - day):
                    j, distance = found[lo], day - when[lo]
                    lo -= 1
                else:
                    j, distance = found[hi], when[hi] - day
                    hi += 1
                recency = rw * exp(-distance / rd)
                if ceiling + recency < bar:
                    break
                if j not in done:
                    offer(j, recency)
        result[record.key] = [(records[j].key, -negative) for negative, _, _, j in top]
    return result


def related_articles(records, cfg: FurtherReadingConfig) -> dict:
    """{key: keys of its related records}, best first, at most FURTHER_READING_RELATED_MAX.

    score(a, b) = sum over shared tags of TAG_WEIGHT * log(1 + N / df(tag))
                  + RECENCY_WEIGHT * exp(-|days between a and b| / RECENCY_DAYS)
    Only records sharing a tag count, at a score >= THRESHOLD; a record's own
    ``excluded`` keys (its further-reading targets) and itself never do. Ties: the
    newer first, then by slug. Computed once for all records from an inverted index
    (tag -> records, tag pair -> records, each sorted by date), never over all pairs
    of records: a record's candidates are taken group by group, best possible score
    first, nearest in time first, until none left can reach its k-th best.
    """
    return {key: [other for other, _ in found] for key, found in related_scores(records, cfg).items()}


def _tag_names(article) -> frozenset:
    return frozenset(getattr(tag, "slug", None) or str(tag) for tag in getattr(article, "tags", None) or [])


# --- pure functions: the whole site -------------------------------------------------


@dataclass(frozen=True)
class LinkReport:
    unresolved: list  # (relative source path, item as written)
    ambiguities: list  # Ambiguity, once per ambiguous title


def link_site(
    articles,
    cfg: FurtherReadingConfig,
    default_lang: str = "fr",
    content_root: str = "",
    hidden=(),
    issues=(),
) -> LinkReport:
    """Set ``further_reading``, ``cited_in`` and ``related`` on every article and translation.

    ``articles``: the published articles of every language (Pelican's articles and
    translations). Items link to published default-language articles, or to the
    default-language ``issues`` by their titles, then to their version in the citing
    article's language. ``hidden`` articles get their items linked too, but are never
    a target, a backlink or a related article.
    """
    everything = [*articles, *hidden]
    hidden_ids = {id(article) for article in hidden}
    originals = [a for a in articles if a.lang == default_lang and id(a) not in hidden_ids]
    number_of = {id(article): number for number, article in enumerate(originals)}
    index = SiteIndex(originals, content_root, issues)
    ambiguities: list[Ambiguity] = []
    for article in everything:
        if article.lang == default_lang:
            article.further_reading = resolve_items(article, index, ambiguities)
    for article in everything:
        if article.lang != default_lang:
            original = counterpart(article, default_lang)
            article.further_reading = translated_items(article, original, index, ambiguities)

    cited = backlinks(originals)
    records = [
        Record(
            key=number,
            tags=_tag_names(article),
            date=article.date,
            slug=article.slug,
            excluded=frozenset(number_of[id(i.target)] for i in article.further_reading if id(i.target) in number_of),
        )
        for number, article in enumerate(originals)
    ]
    related = related_articles(records, cfg)
    for number, article in enumerate(originals):
        article.cited_in = cited.get(id(article), [])
        article.related = [originals[other] for other in related[number]]
    for article in everything:
        if id(article) in number_of:
            continue
        original = counterpart(article, default_lang)
        if id(article) in hidden_ids or original is None or id(original) not in number_of:
            article.cited_in, article.related = [], []
        else:
            article.cited_in = [version_in(other, article.lang) for other in original.cited_in]
            article.related = [version_in(other, article.lang) for other in original.related]

    once: dict[str, Ambiguity] = {}
    for found in ambiguities:
        once.setdefault(normalize_title(found.title), found)
    return LinkReport(unresolved=unresolved_items(everything, default_lang), ambiguities=list(once.values()))


# --- Pelican side -----------------------------------------------------------


def check_settings(pelican):
    """Fail the build at start, with one line, on a bad FURTHER_READING_* setting."""
    config(pelican.settings)


def attach_items(content):
    """Items as written (not linked yet) and empty backlinks/related, on every article as it is read."""
    if isinstance(content, Article):
        content.further_reading = parse_items(content.metadata.get("further_reading"))
        content.cited_in = []
        content.related = []


def link_articles(generator):
    """Link the items of the articles generator's articles, set backlinks and related articles, report.

    The issues are the issues plugin's (``issues`` in the context: the default language's).
    """
    settings = generator.settings
    issues = generator.context.get("issues")
    if issues is None:
        logger.warning("further_reading: no issues in the context (the issues plugin is not in PLUGINS): items name articles only")
    report = link_site(
        [*generator.articles, *generator.translations],
        config(settings),
        default_lang=settings["DEFAULT_LANG"],
        content_root=settings.get("PATH", ""),
        hidden=[*getattr(generator, "hidden_articles", []), *getattr(generator, "hidden_translations", [])],
        issues=issues or (),
    )
    for found in report.ambiguities:
        logger.warning(
            "%s: further reading %r names %d articles (%s); it links to the newest, %s",
            found.source,
            found.title,
            1 + len(found.others),
            ", ".join(_relative(a) for a in (found.chosen, *found.others)),
            _relative(found.chosen),
        )
    paths = {_relative(a): a.source_path for a in [*generator.articles, *generator.translations]}
    for source, title in report.unresolved:
        logger.warning("%s: further reading %r names no article of the site", _where(source, paths.get(source), title), title)
    generator.context["further_reading_unresolved"] = report.unresolved


def _where(source: str, path: str | None, written: str) -> str:
    """FILE:LINE of an item as written in its source file (FILE alone when the line cannot be found)."""
    try:
        with open(path, encoding="utf-8") as file:
            line = item_line(file.read(), written)
    except (OSError, TypeError, UnicodeDecodeError):
        line = None
    return f"{source}:{line}" if line else source


def link_everything(generators):
    """Once every generator has its content (the issues are read after the articles): link the items."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            link_articles(generator)


def register():
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(attach_items)
    signals.all_generators_finalized.connect(link_everything)
