"""Further reading: titles compared, items linked (by title or override), backlinks, related articles, English side."""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
from dataclasses import replace
from types import SimpleNamespace

import pytest

import further_reading
from further_reading import (
    FurtherReadingItem,
    Record,
    config,
    link_articles,
    link_site,
    normalize_title,
    parse_items,
    related_articles,
    related_scores,
    unresolved_items,
)
from support import ErrorCollector

CONTENT = "/site/content"
CFG = config({})


class FakeArticle:
    """What the plugin reads of a Pelican article."""

    def __init__(self, slug, title, date, further=None, lang="fr", tags=(), folder=None):
        self.slug, self.title, self.lang = slug, title, lang
        self.date = dt.datetime.fromisoformat(date)
        folder = folder or date[:10]
        extension = ".md" if lang == "fr" else f".{lang}.po"
        self.relative_source_path = f"issues/{folder}/{slug}{extension}"
        self.source_path = f"{CONTENT}/{self.relative_source_path}"
        self.metadata = {"further_reading": further} if further is not None else {}
        prefix = "" if lang == "fr" else f"{lang}/"
        self.url = f"{prefix}{self.date:%Y/%m}/{slug}/"
        self.translations = []
        self.tags = list(tags)
        self.settings = {"DEFAULT_LANG": "fr"}

    @property
    def in_default_lang(self):
        return self.lang == self.settings["DEFAULT_LANG"]

    def __repr__(self):
        return f"<{self.lang}:{self.slug}>"


def english(original: FakeArticle, title: str, further=None) -> FakeArticle:
    """The published English version of ``original`` (same slug), paired as Pelican pairs them."""
    folder = original.relative_source_path.split("/")[1]
    translated = FakeArticle(original.slug, title, original.date.isoformat(), further, lang="en", folder=folder)
    translated.translations = [original]
    original.translations = [*original.translations, translated]
    return translated


def link(*articles, **kwargs):
    return link_site(list(articles), CFG, default_lang="fr", content_root=CONTENT, **kwargs)


# --- normalize_title ----------------------------------------------------------------

SAME = [
    # the seed's own spelling against an editor's straight apostrophes
    ("Le double discours d’OpenAI sur la régulation de l’IA", "Le double discours d'OpenAI sur la régulation de l'IA"),
    ("“d’OpenAI”", '"d\'OpenAI"'),
    ("Xavier Niel lance Kyutai", "XAVIER NIEL LANCE KYUTAI"),
    ("Malgré les pressions", "Malgre les pressions"),
    ("Éléphant à l’Élysée", "elephant a l'elysee"),
    ("OpenAI refuse de réinstaller Sam Altman.", "OpenAI refuse de réinstaller Sam Altman"),
    ("Putsch, menaces, exode…", "Putsch, menaces, exode"),
    ("Putsch, menaces, exode...", "Putsch, menaces, exode"),
    ("Mistral\u00a0AI lève 385\u202fmillions", "Mistral AI lève 385 millions"),
    ("  Mistral   AI\tlève ", "Mistral AI lève"),
    ("Le « grand » débat", 'Le "grand" débat'),
    ("Le «\u00a0grand\u00a0» débat", "Le grand débat"),
    ("l‘IA et l`IA", "l'IA et l'IA"),
    ("Faut-il avoir peur de l’IA ?", "Faut-il avoir peur de l'IA?"),
    ("Un retour – ou pas", "Un retour - ou pas"),
    ("Le décret *IA* et les balises", "Le décret IA et les balises"),
    ("Œuvre d’art", "oeuvre d'art"),
    ("Straße", "STRASSE"),
]

DIFFERENT = [
    ("OpenAI abandonne son modèle", "OpenAI abandonne son modèle de langage"),
    ("Mistral AI lève 385 millions", "Mistral AI lève 358 millions"),
    ("Faut-il avoir peur ?", "Faut-il avoir peur !"),
]


@pytest.mark.parametrize("left, right", SAME)
def test_titles_that_differ_only_in_spelling_compare_equal(left, right):
    assert normalize_title(left) == normalize_title(right)


@pytest.mark.parametrize("left, right", DIFFERENT)
def test_titles_that_differ_in_words_do_not(left, right):
    assert normalize_title(left) != normalize_title(right)


def test_normalized_form_is_plain_lowercase_ascii_spaced_once():
    assert normalize_title("  Le double discours d’OpenAI…\u00a0") == "le double discours d'openai"
    assert normalize_title("« Éloge »\u202f!") == "eloge!"


# --- items -------------------------------------------------------------------------------


def test_items_from_one_string_or_several_lines_with_overrides():
    assert [i.title for i in parse_items("Un  titre ")] == ["Un titre"]
    items = parse_items(
        [
            "Titre affiché | {filename}../2023-11-13/01-x.md",
            "  ",
            "Titre | slug:the-slug",
            "Titre externe | https://example.org/page",
            "Un titre | avec une barre",
        ]
    )
    assert [(i.title, i.reference, i.url) for i in items] == [
        ("Titre affiché", "{filename}../2023-11-13/01-x.md", None),
        ("Titre", "slug:the-slug", None),
        ("Titre externe", "https://example.org/page", "https://example.org/page"),
        ("Un titre | avec une barre", None, None),
    ]
    assert items[2].external and not items[0].external
    assert FurtherReadingItem("T") == FurtherReadingItem("T", None, None, None, None)


def test_config_lays_settings_over_defaults_without_mutating():
    settings = {"FURTHER_READING_RELATED_MAX": 5}
    cfg = config(settings)
    assert (cfg.related_max, cfg.tag_weight, cfg.recency_weight) == (5, 1.0, 0.5)
    assert (cfg.recency_days, cfg.threshold) == (90, 0.5)
    assert settings == {"FURTHER_READING_RELATED_MAX": 5}


@pytest.mark.parametrize(
    "key, value",
    [
        ("FURTHER_READING_RELATED_MAX", -1),
        ("FURTHER_READING_RELATED_MAX", 2.5),
        ("FURTHER_READING_RELATED_MAX", True),
        ("FURTHER_READING_RELATED_TAG_WEIGHT", -0.1),
        ("FURTHER_READING_RELATED_RECENCY_WEIGHT", "0.5"),
        ("FURTHER_READING_RELATED_RECENCY_DAYS", 0),
        ("FURTHER_READING_RELATED_THRESHOLD", float("nan")),
    ],
)
def test_bad_settings_are_refused_naming_the_plugin(key, value):
    with pytest.raises(ValueError, match=f"^further_reading: {key} must be"):
        config({key: value})


# --- resolution --------------------------------------------------------------------------

KYUTAI = "Xavier Niel lance Kyutai, un laboratoire d’IA à but non lucratif"
PUTSCH = "Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête"


def seed_site():
    old = FakeArticle("altman-parti", "Sam Altman quitte OpenAI", "2023-11-13")
    first = FakeArticle("malgre-les-pressions", PUTSCH, "2023-11-20", ["Sam Altman quitte OpenAI", KYUTAI])
    kyutai = FakeArticle(
        "xavier-niel-lance-kyutai", KYUTAI, "2023-11-20", ["Les coûts de l’IA menacent de freiner son adoption"]
    )
    mistral = FakeArticle(
        "mistral-leve",
        "Mistral AI lève 385 millions d'euros",
        "2023-11-27",
        ["Xavier Niel lance Kyutai, un laboratoire d'IA à but non lucratif", "Le grand débat sur l'IA ouverte"],
    )
    return old, first, kyutai, mistral


def test_exact_title_links_to_an_earlier_issue_and_the_same_issue():
    old, first, kyutai, mistral = seed_site()
    link(old, first, kyutai, mistral)
    earlier, same_issue = first.further_reading
    assert earlier == FurtherReadingItem("Sam Altman quitte OpenAI", "2023/11/altman-parti/", "fr", old.date, old)
    assert same_issue.target is kyutai and same_issue.url == "2023/11/xavier-niel-lance-kyutai/"


def test_normalized_title_links_across_apostrophes_and_keeps_the_editors_title():
    old, first, kyutai, mistral = seed_site()
    link(old, first, kyutai, mistral)
    item = mistral.further_reading[0]
    assert item.target is kyutai
    assert item.title == "Xavier Niel lance Kyutai, un laboratoire d'IA à but non lucratif"
    assert item.date == kyutai.date and item.lang == "fr"


def test_later_issue_target():
    old = FakeArticle("altman-parti", "Sam Altman quitte OpenAI", "2023-11-13", [PUTSCH + "."])
    first = FakeArticle("malgre-les-pressions", PUTSCH, "2023-11-20")
    link(old, first)
    assert old.further_reading[0].target is first


def test_unresolved_item_stays_plain_and_is_reported_once_with_its_file():
    old, first, kyutai, mistral = seed_site()
    report = link(old, first, kyutai, mistral)
    plain = mistral.further_reading[1]
    assert plain == FurtherReadingItem("Le grand débat sur l'IA ouverte")
    assert ("issues/2023-11-27/mistral-leve.md", "Le grand débat sur l'IA ouverte") in report.unresolved
    assert report.unresolved == unresolved_items([old, first, kyutai, mistral])
    assert sorted(report.unresolved) == [
        ("issues/2023-11-20/xavier-niel-lance-kyutai.md", "Les coûts de l’IA menacent de freiner son adoption"),
        ("issues/2023-11-27/mistral-leve.md", "Le grand débat sur l'IA ouverte"),
    ]


def test_an_article_never_links_to_itself():
    alone = FakeArticle("seul", "Un titre repris", "2023-11-20", ["Un titre repris"])
    report = link(alone)
    assert alone.further_reading[0].url is None
    assert report.unresolved == [("issues/2023-11-20/seul.md", "Un titre repris")]
    # Another article with the same title is linked instead.
    twin = FakeArticle("jumeau", "Un titre repris", "2023-11-13")
    alone = FakeArticle("seul", "Un titre repris", "2023-11-20", ["Un titre repris"])
    link(alone, twin)
    assert alone.further_reading[0].target is twin


def test_filename_override_relative_to_the_articles_folder_or_to_the_content_folder():
    old = FakeArticle("01-x", "Un vieux titre", "2023-11-13")
    citing = FakeArticle(
        "citing",
        "Citant",
        "2023-11-20",
        [
            "Titre affiché | {filename}../2023-11-13/01-x.md",
            "Depuis la racine | {filename}/issues/2023-11-13/01-x.md#fronde",
            "Fichier absent | {filename}../2023-11-13/02-absent.md",
            "Lui-même | {filename}citing.md",
        ],
    )
    report = link(old, citing)
    relative, rooted, missing, itself = citing.further_reading
    assert (relative.title, relative.target, relative.url) == ("Titre affiché", old, "2023/11/01-x/")
    assert (rooted.target, rooted.url) == (old, "2023/11/01-x/#fronde")
    assert missing.url is None and itself.url is None
    assert report.unresolved == [
        ("issues/2023-11-20/citing.md", "Fichier absent | {filename}../2023-11-13/02-absent.md"),
        ("issues/2023-11-20/citing.md", "Lui-même | {filename}citing.md"),
    ]


def test_slug_override_and_missing_slug():
    target = FakeArticle("the-slug", "Un tout autre titre", "2023-12-04")
    citing = FakeArticle("citing", "Citant", "2023-11-20", ["Titre | slug:the-slug", "Autre | slug:nowhere"])
    report = link(target, citing)
    found, missing = citing.further_reading
    assert found.target is target and found.url == "2023/12/the-slug/" and found.title == "Titre"
    assert missing.url is None
    assert report.unresolved == [("issues/2023-11-20/citing.md", "Autre | slug:nowhere")]


def test_external_url_override_is_a_link_out_shown_with_its_title():
    namesake = FakeArticle("page", "Titre", "2023-11-13")  # a same-titled article does not win over the URL
    citing = FakeArticle("citing", "Citant", "2023-11-20", "Titre | https://example.org/page")
    report = link(namesake, citing)
    (item,) = citing.further_reading
    assert item == FurtherReadingItem("Titre", "https://example.org/page")
    assert item.external and item.target is None
    assert report.unresolved == [] and namesake.cited_in == []


def test_ambiguous_title_links_to_the_newest_and_warns_once(caplog):
    older = FakeArticle("b-older", "Le même titre", "2023-11-13")
    newer = FakeArticle("a-newer", "Le même titre", "2023-11-27")
    newer_same_day = FakeArticle("z-newer", "Le même titre", "2023-11-27")
    first = FakeArticle("first", "Premier", "2023-11-20", ["Le même titre"])
    second = FakeArticle("second", "Second", "2023-12-04", ["Le meme titre."])
    generator = SimpleNamespace(
        articles=[older, newer, newer_same_day, first, second],
        translations=[],
        settings={"DEFAULT_LANG": "fr", "PATH": CONTENT},
        context={"issues": []},
    )
    with caplog.at_level(logging.WARNING, logger="further_reading"):
        link_articles(generator)
    assert first.further_reading[0].target is newer and second.further_reading[0].target is newer
    ambiguous = [r for r in caplog.records if "names 3 articles" in r.getMessage()]
    assert len(ambiguous) == 1
    assert "links to the newest, issues/2023-11-27/a-newer.md" in ambiguous[0].getMessage()


def test_handler_logs_each_unresolved_item_once_and_stores_them():
    old, first, kyutai, mistral = seed_site()
    mistral_en = english(
        mistral, "Mistral AI raises €385m", ["Xavier Niel launches Kyutai", "The great debate on open AI"]
    )
    generator = SimpleNamespace(
        articles=[old, first, kyutai, mistral],
        translations=[mistral_en],
        settings={"DEFAULT_LANG": "fr", "PATH": CONTENT},
        context={"issues": []},
    )
    collector = ErrorCollector()
    logging.getLogger("further_reading").addHandler(collector)
    try:
        link_articles(generator)
    finally:
        logging.getLogger("further_reading").removeHandler(collector)
    assert sorted(collector.messages()) == [
        "issues/2023-11-20/xavier-niel-lance-kyutai.md: further reading"
        " 'Les coûts de l’IA menacent de freiner son adoption' names no article of the site",
        "issues/2023-11-27/mistral-leve.md: further reading"
        " \"Le grand débat sur l'IA ouverte\" names no article of the site",
    ]
    assert generator.context["further_reading_unresolved"] == unresolved_items(
        [old, first, kyutai, mistral, mistral_en]
    )
    assert len(generator.context["further_reading_unresolved"]) == 2  # the English item is not repeated


def fake_issue(date: str, title: str) -> FakeArticle:
    """What the plugin reads of an issue page (the issues plugin's ``Issue``)."""
    issue = FakeArticle(date, title, date, folder=date)
    issue.relative_source_path = f"issues/{date}/issue.md"
    issue.source_path = f"{CONTENT}/{issue.relative_source_path}"
    issue.url = f"numero/{date}/"
    return issue


ISSUE_TITLE = "Putsch, menaces, exode... le week-end mouvementé d'OpenAI"


def test_an_item_naming_an_issue_title_links_to_the_issue_page():
    issue = fake_issue("2023-11-20", ISSUE_TITLE)
    citing = FakeArticle("citing", "Citant", "2023-11-27", ["Putsch, menaces, exode… le week-end mouvementé d’OpenAI."])
    report = link(citing, issues=[issue])
    assert citing.further_reading == [
        FurtherReadingItem("Putsch, menaces, exode… le week-end mouvementé d’OpenAI.", "numero/2023-11-20/", "fr", issue.date, issue)
    ]
    assert report.unresolved == [] and citing.related == []


def test_an_article_with_the_title_of_an_issue_is_linked_before_the_issue():
    issue = fake_issue("2023-11-20", ISSUE_TITLE)
    namesake = FakeArticle("homonyme", ISSUE_TITLE, "2023-11-13")
    citing = FakeArticle("citing", "Citant", "2023-11-27", [ISSUE_TITLE])
    link(namesake, citing, issues=[issue])
    assert citing.further_reading[0].target is namesake


def test_an_english_item_naming_an_issue_links_to_the_english_issue_page_else_the_french_one():
    issue, untranslated = fake_issue("2023-11-20", ISSUE_TITLE), fake_issue("2023-11-13", "Un numéro resté en français")
    issue_en = english(issue, "Putsch, threats, exodus")
    issue_en.url = "en/issues/2023-11-20/"
    citing = FakeArticle("citing", "Citant", "2023-11-27", [ISSUE_TITLE, "Un numéro resté en français"])
    citing_en = english(citing, "Citing", ["The OpenAI weekend", "An issue left in French"])
    link(citing, citing_en, issues=[issue, untranslated])
    to_english, to_french = citing_en.further_reading
    assert (to_english.title, to_english.url, to_english.lang, to_english.target) == (
        "The OpenAI weekend", "en/issues/2023-11-20/", "en", issue_en
    )
    assert (to_french.title, to_french.url, to_french.lang) == ("An issue left in French", "numero/2023-11-13/", "fr")


def test_the_handler_links_issue_titles_from_the_issues_in_the_context_and_says_when_there_are_none(caplog):
    issue = fake_issue("2023-11-20", ISSUE_TITLE)
    citing = FakeArticle("citing", "Citant", "2023-11-27", [ISSUE_TITLE])
    generator = SimpleNamespace(articles=[citing], translations=[], settings={"DEFAULT_LANG": "fr", "PATH": CONTENT}, context={"issues": [issue]})
    link_articles(generator)
    assert citing.further_reading[0].target is issue and generator.context["further_reading_unresolved"] == []
    generator.context = {}
    with caplog.at_level(logging.WARNING, logger="further_reading"):
        link_articles(generator)
    assert citing.further_reading[0].url is None
    assert "further_reading: no issues in the context (the issues plugin is not in PLUGINS)" in caplog.text


def test_an_unresolved_item_is_reported_with_the_line_it_is_written_on(tmp_path, caplog):
    source = tmp_path / "issues" / "2023-11-27" / "mistral.md"
    source.parent.mkdir(parents=True)
    source.write_text("Title: Mistral\nFurther_reading: Un titre connu\n    Un   article disparu | slug:n-existe-pas\n\nTexte.\n", "utf-8")
    assert further_reading.item_line(source.read_text("utf-8"), "Un article disparu | slug:n-existe-pas") == 3
    assert further_reading.item_line("Title: X\n", "Absent") is None
    known = FakeArticle("connu", "Un titre connu", "2023-11-20")
    citing = FakeArticle("mistral", "Mistral", "2023-11-27", ["Un titre connu", "Un article disparu | slug:n-existe-pas"])
    citing.source_path = str(source)
    generator = SimpleNamespace(articles=[known, citing], translations=[], settings={"DEFAULT_LANG": "fr", "PATH": str(tmp_path)}, context={"issues": []})
    with caplog.at_level(logging.WARNING, logger="further_reading"):
        link_articles(generator)
    assert caplog.messages == [
        "issues/2023-11-27/mistral.md:3: further reading 'Un article disparu | slug:n-existe-pas' names no article of the site"
    ]


# --- backlinks -----------------------------------------------------------------------------


def test_cited_in_newest_first_without_repeats_or_itself():
    target = FakeArticle("cible", "La cible", "2023-11-13", ["La cible"])
    a = FakeArticle("a", "A", "2023-11-20", ["La cible", "La cible."])  # cites it twice
    b = FakeArticle("b", "B", "2023-12-04", ["La cible | slug:cible"])
    c = FakeArticle("c", "C", "2023-11-27", ["La cible | {filename}../2023-11-13/cible.md"])
    unrelated = FakeArticle("d", "D", "2023-12-11", ["Autre chose"])
    link(target, a, b, c, unrelated)
    assert target.cited_in == [b, c, a]
    assert a.cited_in == [] and unrelated.cited_in == []


# --- related articles ----------------------------------------------------------------------


def record(key, tags, date, excluded=()):
    day = dt.date.fromisoformat(date)
    return Record(key=key, tags=frozenset(tags), date=day, slug=key, excluded=frozenset(excluded))


# N = 8 records; df: ia 4 (A B E G), europe 3 (A B G), puces 4 (A C D G), sport 2 (F H).
#   idf(ia) = idf(puces) = log(1 + 8/4) = log 3 = 1.098612
#   idf(europe)          = log(1 + 8/3)         = 1.299283
# From A (2024-03-01), RECENCY_WEIGHT 0.5, RECENCY_DAYS 90:
#   B  ia + europe, 0 days:   1.098612 + 1.299283 + 0.5                      = 2.897895
#   C  puces, 10 days later:  1.098612 + 0.5 * exp(-10/90)  = 1.098612 + 0.447420 = 1.546032
#   D  puces, 10 days before: 1.546032 too -> tie, C (newer) before D
#   E  ia, 365 days before:   1.098612 + 0.5 * exp(-365/90) = 1.098612 + 0.008663 = 1.107275
#   G  ia + europe + puces, same day: 3.996508, the best, but A's further-reading target: excluded
#   F, H share no tag: never.
RELATED_RECORDS = [
    record("A", ["ia", "europe", "puces"], "2024-03-01", excluded=["G"]),
    record("B", ["ia", "europe"], "2024-03-01"),
    record("C", ["puces"], "2024-03-11"),
    record("D", ["puces"], "2024-02-20"),
    record("E", ["ia"], "2023-03-02"),
    record("F", ["sport"], "2024-03-01"),
    record("G", ["ia", "europe", "puces"], "2024-03-01"),
    record("H", ["sport"], "2024-03-01"),
]


def test_related_ranking_on_a_hand_computed_example():
    five = replace(CFG, related_max=5)
    scores = related_scores(RELATED_RECORDS, five)["A"]
    assert [key for key, _ in scores] == ["B", "C", "D", "E"]
    assert [score for _, score in scores] == pytest.approx([2.897895, 1.546032, 1.546032, 1.107275], abs=1e-6)
    assert related_articles(RELATED_RECORDS, CFG)["A"] == ["B", "C", "D"]  # at most FURTHER_READING_RELATED_MAX
    assert related_articles(RELATED_RECORDS, replace(five, threshold=1.2))["A"] == ["B", "C", "D"]  # E below 1.2
    assert related_articles(RELATED_RECORDS, replace(five, threshold=1.6))["A"] == ["B"]
    # Without the exclusion, the further-reading target G would come first.
    free = [replace(r, excluded=frozenset()) for r in RELATED_RECORDS]
    assert related_articles(free, CFG)["A"] == ["G", "B", "C"]
    assert related_articles(RELATED_RECORDS, CFG)["F"] == ["H"]
    assert related_articles(RELATED_RECORDS, replace(CFG, related_max=0))["A"] == []


def test_related_ties_break_by_newer_date_then_slug():
    records = [
        record("origin", ["x"], "2024-01-10"),
        record("zeta", ["x"], "2024-01-20"),
        record("alpha", ["x"], "2024-01-20"),
        record("older", ["x"], "2023-12-31"),
        record("filler", ["y"], "2024-01-10"),
    ]
    assert related_articles(records, replace(CFG, related_max=5))["origin"] == ["alpha", "zeta", "older"]


def _brute_force(records, cfg):
    """Every pair of records scored: the definition, for the check below."""
    n = len(records)
    df = {}
    for r in records:
        for tag in r.tags:
            df[tag] = df.get(tag, 0) + 1
    weight = {tag: cfg.tag_weight * math.log(1 + n / count) for tag, count in df.items()}
    days = {r.key: further_reading.day_number(r.date) for r in records}
    result = {}
    for a in records:
        found = []
        for b in records:
            shared = a.tags & b.tags
            if b.key == a.key or b.key in a.excluded or not shared:
                continue
            score = math.fsum(weight[t] for t in shared) + cfg.recency_weight * math.exp(
                -abs(days[a.key] - days[b.key]) / cfg.recency_days
            )
            if score >= cfg.threshold:
                found.append((-score, -days[b.key], b.slug, b.key))
        result[a.key] = [key for *_, key in sorted(found)[: cfg.related_max]]
    return result


@pytest.mark.parametrize("count_limit", [0, 10**9])  # both ways of finding records sharing 3+ tags
def test_related_articles_agrees_with_scoring_every_pair(count_limit, monkeypatch):
    monkeypatch.setattr(further_reading, "_COUNT_LIMIT", count_limit)
    rng = random.Random(7)
    for _ in range(120):
        n, tags = rng.randint(1, 40), [f"t{i}" for i in range(rng.randint(1, 10))]
        records = [
            Record(
                key=i,
                tags=frozenset(rng.sample(tags, rng.randint(0, min(len(tags), 6)))),
                date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.choice([0, 7, 30, 90, 365]) * rng.randint(0, 3)),
                slug=f"s{rng.randint(0, 9)}-{i}",
                excluded=frozenset(rng.sample(range(n), min(n, rng.randint(0, 2)))),
            )
            for i in range(n)
        ]
        cfg = config(
            {
                "FURTHER_READING_RELATED_MAX": rng.randint(0, 5),
                "FURTHER_READING_RELATED_TAG_WEIGHT": rng.choice([0, 0.2, 1.0]),
                "FURTHER_READING_RELATED_RECENCY_WEIGHT": rng.choice([0, 0.5, 4]),
                "FURTHER_READING_RELATED_RECENCY_DAYS": rng.choice([1, 90, 1000]),
                "FURTHER_READING_RELATED_THRESHOLD": rng.choice([0, 0.5, 2.5]),
            }
        )
        assert related_articles(records, cfg) == _brute_force(records, cfg)


def test_related_set_on_articles_excludes_further_reading_targets():
    a = FakeArticle("a", "A", "2024-03-01", ["Cible"], tags=["ia", "europe"])
    target = FakeArticle("cible", "Cible", "2024-03-01", tags=["ia", "europe"])
    b = FakeArticle("b", "B", "2024-02-01", tags=["ia"])
    c = FakeArticle("c", "C", "2024-03-01", tags=["sport"])
    link(a, target, b, c)
    assert a.related == [b]
    assert target.related == [a, b] and c.related == []


# --- the English side ----------------------------------------------------------------------


def bilingual_site():
    kyutai = FakeArticle("kyutai", KYUTAI, "2023-11-20", tags=["ia"])
    first = FakeArticle("putsch", PUTSCH, "2023-11-20", tags=["ia"])
    mistral = FakeArticle(
        "mistral",
        "Mistral AI lève 385 millions d'euros",
        "2023-11-27",
        [KYUTAI, PUTSCH, "Le grand débat sur l'IA ouverte", "La décision | https://example.org/fr"],
        tags=["ia"],
    )
    kyutai_en = english(kyutai, "Xavier Niel launches Kyutai, a non-profit AI lab")
    mistral_en = english(
        mistral,
        "Mistral AI raises €385m",
        [
            "A title no French article has",  # position 1: Kyutai, whatever the English says
            "Despite pressure, OpenAI refuses to reinstate Sam Altman",
            "The great debate on open AI",
            "The decision | https://example.org/en",
        ],
    )
    return kyutai, first, mistral, kyutai_en, mistral_en


def test_english_items_link_by_position_to_english_targets_else_french():
    kyutai, first, mistral, kyutai_en, mistral_en = bilingual_site()
    report = link(kyutai, first, mistral, kyutai_en, mistral_en)
    to_kyutai, to_first, plain, external = mistral_en.further_reading
    assert to_kyutai == FurtherReadingItem(
        "A title no French article has", "en/2023/11/kyutai/", "en", kyutai_en.date, kyutai_en
    )
    assert (to_first.title, to_first.url, to_first.lang, to_first.target) == (
        "Despite pressure, OpenAI refuses to reinstate Sam Altman",
        "2023/11/putsch/",
        "fr",
        first,
    )
    assert plain == FurtherReadingItem("The great debate on open AI")
    assert (external.title, external.url) == ("The decision", "https://example.org/en")
    # The French side is untouched by the English one.
    french = ["2023/11/kyutai/", "2023/11/putsch/", None, "https://example.org/fr"]
    assert [i.url for i in mistral.further_reading] == french
    # The untranslated-target fallback and the unresolved item are the French article's to report, once.
    assert report.unresolved == [("issues/2023-11-27/mistral.md", "Le grand débat sur l'IA ouverte")]


def test_english_backlinks_and_related_use_english_versions_where_published():
    kyutai, first, mistral, kyutai_en, mistral_en = bilingual_site()
    link(kyutai, first, mistral, kyutai_en, mistral_en)
    assert kyutai.cited_in == [mistral] and kyutai_en.cited_in == [mistral_en]
    assert first.cited_in == [mistral]
    assert mistral.related == []  # its only tag-mates are its further-reading targets
    assert kyutai.related == [first, mistral]  # same tag; first is the nearer in time
    assert kyutai_en.related == [first, mistral_en]  # first has no English version: the French one


def test_orphan_translation_resolves_its_own_items_in_its_language():
    kyutai = FakeArticle("kyutai", KYUTAI, "2023-11-20")
    kyutai_en = english(kyutai, "Kyutai in English")
    orphan = FakeArticle("only-english", "Only in English", "2023-11-27", [KYUTAI + " | slug:kyutai"], lang="en")
    link(kyutai, kyutai_en, orphan)
    assert orphan.further_reading[0].target is kyutai_en
    assert orphan.cited_in == [] and orphan.related == []


def test_hidden_articles_are_linked_but_never_targets_or_backlinks():
    target = FakeArticle("cible", "La cible", "2023-11-13")
    hidden = FakeArticle("cachee", "Cachée", "2023-11-20", ["La cible"])
    hidden_target = FakeArticle("cachee-2", "Cible cachée", "2023-11-20")
    citing = FakeArticle("citing", "Citant", "2023-11-27", ["Cible cachée"])
    link(target, citing, hidden=[hidden, hidden_target])
    assert hidden.further_reading[0].target is target
    assert target.cited_in == [] and citing.further_reading[0].url is None
