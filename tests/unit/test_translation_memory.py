"""The translation memory: matching a block against the site's translations, and what a fill writes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from hypothesis import given, settings
from hypothesis import strategies as st

from cafetech.sidecars import (
    Coverage,
    coverage,
    markup_problems,
    parse_source,
    read_sidecar,
    render_sidecar,
    sidecar_path,
    stamp_published,
    translate,
    update_sidecar,
)
from cafetech.translation_memory import (
    NEAR_THRESHOLD,
    MemoryEntry,
    TranslationMemory,
    build_memory,
    exact_choice,
    memory_counts,
    similarity,
    words,
)

ROOT = Path(__file__).resolve().parents[2]
THEME_CATALOG = ROOT / "theme" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
LONG = (
    "Le conseil d’administration du concepteur de ChatGPT n’a pas cédé malgré la pression des "
    "investisseurs et la menace d’un exode massif d’employés, nommant un nouveau directeur général."
)
LONG_EN = (
    "The board of ChatGPT's maker did not give in despite pressure from investors and the threat of a "
    "mass exodus of employees, naming a new chief executive."
)


def article(title: str, body: str = "", further: tuple[str, ...] = (), slug: str | None = None) -> str:
    header = [f"Title: {title}", "Date: 2023-11-20", "Lang: fr"]
    header += [f"Slug: {slug}"] if slug else []
    if further:
        header.append(f"Further_reading: {further[0]}")
        header += [f"    {item}" for item in further[1:]]
    return "\n".join(header) + "\n\n" + body + "\n"


def write_site(content: Path, files: dict[str, tuple[str, dict[str, str]]]) -> list[Path]:
    """Write each French source and its sidecar, translated as given ({French: English}); the sources."""
    sources = []
    for name, (text, english) in files.items():
        source = content / name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(text, "utf-8")
        po = update_sidecar(source, min_coverage=None).path
        catalog = read_sidecar(po)
        for message in catalog:
            if message.id in english:
                message.string = english[message.id]
        po.write_bytes(render_sidecar(catalog))
        sources.append(source)
    return sources


def memory_of(content: Path, sources, theme=None) -> TranslationMemory:
    return build_memory(content, sources, "en", theme)


def entry(french, english, origin="2023-11-20/a.en.po", day=dt.date(2023, 11, 20), kind="paragraph") -> MemoryEntry:
    return MemoryEntry(french, kind, english, origin, day)


# --- matching (pure) ------------------------------------------------------------


def test_one_word_changed_in_twenty_is_ninety_five_percent_alike():
    text = tuple(f"mot{n}" for n in range(20))
    assert similarity(text, text) == 1.0
    assert similarity(text, (*text[:10], "autre", *text[11:])) == pytest.approx(0.95)
    assert similarity(text[:5], ("autre", *text[1:5])) == pytest.approx(0.8)  # five words, one changed: the threshold
    assert words("L’IA, c’est *déjà* là !") == ("l", "ia", "c", "est", "deja", "la")


def test_an_exact_match_is_compared_as_further_reading_compares_titles():
    memory = TranslationMemory([entry("Malgré les pressions, OpenAI refuse de réinstaller Sam Altman.", "Despite the pressure.")])
    found = memory.suggest("paragraph", "malgre les  PRESSIONS, OpenAI refuse de réinstaller Sam\u00a0Altman")
    assert found is not None and (found.english, found.fuzzy, found.notes) == (
        "Despite the pressure.",
        False,
        ("from 2023-11-20/a.en.po",),
    )


def test_catalogs_that_agree_name_the_one_that_translated_the_text_first():
    found = exact_choice([entry("Texte", "Text", "2023-11-27/b.en.po", dt.date(2023, 11, 27)), entry("Texte", "Text")])
    assert (found.english, found.fuzzy, found.notes) == ("Text", False, ("from 2023-11-20/a.en.po",))


def test_two_catalogs_that_disagree_give_the_most_recent_translation_fuzzy_and_the_other_in_a_note():
    older, newer = entry("Texte", "Old text"), entry("Texte", "New text", "2023-11-27/b.en.po", dt.date(2023, 11, 27))
    found = TranslationMemory([older, newer]).suggest("paragraph", "Texte")
    assert (found.english, found.fuzzy, found.previous) == ("New text", True, None)
    assert found.notes == (
        "from 2023-11-27/b.en.po, the most recent of 2 different translations",
        "other translation, from 2023-11-20/a.en.po: Old text",
    )
    same_day = exact_choice([entry("Texte", "A", "2023-11-20/a.en.po"), entry("Texte", "B", "2023-11-20/b.en.po")])
    assert same_day.english == "B" and same_day.fuzzy  # same day: the file name decides, never the order read


def test_one_changed_word_in_a_long_paragraph_is_suggested_with_the_french_it_translates():
    edited = LONG.replace("massif", "général")
    found = TranslationMemory([entry(LONG, LONG_EN)]).suggest("paragraph", edited)
    assert similarity(words(LONG), words(edited)) > 0.95
    assert (found.english, found.fuzzy, found.previous) == (LONG_EN, True, LONG)
    assert found.notes == (
        "from 2023-11-20/a.en.po, a near match (96% of the words alike): #| msgid is the French it translates",
    )


def test_texts_below_the_threshold_or_too_short_get_nothing():
    memory = TranslationMemory([entry(LONG, LONG_EN), entry("Apple, l’arbitre discret", "Apple, the quiet referee")])
    half = " ".join(LONG.split()[: len(LONG.split()) // 2]) + " et bien d’autres choses encore, sans rapport aucun."
    assert similarity(words(LONG), words(half)) < NEAR_THRESHOLD
    assert memory.suggest("paragraph", half) is None
    assert memory.suggest("heading", "Google, l’arbitre discret") is None  # four words: another text


def test_a_near_match_tie_prefers_the_same_kind_then_the_most_recent():
    edited = LONG.replace("massif", "général")
    as_summary = entry(LONG, "Summary EN", "2023-11-27/b.en.po", dt.date(2023, 11, 27), kind="summary")
    as_paragraph = entry(LONG + " !", "Paragraph EN")  # the same words: a tie in the ratio
    assert TranslationMemory([as_summary, as_paragraph]).suggest("paragraph", edited).english == "Paragraph EN"
    newer = entry(LONG + " !", "Newer EN", "2023-12-04/c.en.po", dt.date(2023, 12, 4), kind="summary")
    assert TranslationMemory([as_summary, newer]).suggest("paragraph", edited).english == "Newer EN"


def test_a_translation_that_loses_the_blocks_markup_is_only_suggested():
    memory = TranslationMemory([entry("Le décret IA du Journal officiel", "The AI decree of the Official Journal")])
    found = memory.suggest("title", "Le décret *IA* du Journal officiel")  # the same once normalised
    assert found.fuzzy and found.previous == "Le décret IA du Journal officiel"
    assert "the same words, other markup" in found.notes[0]


def test_a_name_or_a_title_made_of_names_takes_its_glossary_form():
    glossary = {"intelligence artificielle": ("Intelligence artificielle", "Artificial intelligence"), "openai": ("OpenAI", "OpenAI"), "iliad": ("Iliad", "Iliad")}
    memory = TranslationMemory(glossary=glossary)
    found = memory.suggest("heading", "Intelligence artificielle")
    assert (found.english, found.fuzzy) == ("Artificial intelligence", False)
    assert found.notes == ("from the theme catalog's tag names (Intelligence artificielle)",)
    assert memory.suggest("credits", "OpenAI - Iliad").english == "OpenAI - Iliad"
    assert memory.suggest("credits", "OpenAI - DR") is None  # a part nobody translated
    assert memory.suggest("heading", "*Intelligence artificielle*") is None  # the form would drop the emphasis
    disagreeing = TranslationMemory([entry("Intelligence artificielle", "AI", kind="heading")], glossary=glossary)
    found = disagreeing.suggest("heading", "Intelligence artificielle")
    assert (found.english, found.fuzzy) == ("Artificial intelligence", True)
    assert found.notes[1] == "other translation, from 2023-11-20/a.en.po: AI"


def test_the_rarest_words_filter_finds_every_text_a_full_scan_finds():
    texts = [" ".join(f"w{(n * k) % 13}" for k in range(n % 9 + 4)) for n in range(60)]
    memory = TranslationMemory([entry(text, f"EN {n}", f"2023-11-20/{n}.en.po") for n, text in enumerate(texts)])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.integers(0, 12), min_size=5, max_size=14))
    def check(numbers):
        query = tuple(f"w{n}" for n in numbers)
        scores = {key: similarity(query, words(found[0].french)) for key, found in memory.exact.items()}
        wanted = {key for key, score in scores.items() if score >= NEAR_THRESHOLD}
        assert wanted <= memory._candidates(query)
        found = memory.suggest("paragraph", " ".join(query))
        if found is not None and not found.fuzzy:
            return  # the same text: an exact match
        best = max(wanted, key=lambda key: (scores[key], memory.exact[key][0].origin), default=None)
        assert (found and found.english) == (best and memory.exact[best][0].english)

    check()


# --- the site as the memory ------------------------------------------------------


@pytest.fixture
def seed_site(tmp_path) -> tuple[Path, list[Path]]:
    """Two issues' worth of articles: one translated, one that names it in its further reading."""
    content = tmp_path / "content"
    sources = write_site(
        content,
        {
            "issues/2023-11-20/01-kyutai.md": (
                article("Xavier Niel lance Kyutai, un laboratoire d’IA", LONG, slug="kyutai"),
                {"Xavier Niel lance Kyutai, un laboratoire d’IA": "Xavier Niel launches Kyutai, an AI lab", LONG: LONG_EN},
            ),
            "issues/2023-11-20/02-autre.md": (
                article("Un autre article", "Un paragraphe [lié](https://example.com/a).", ("Les coûts de l’IA",)),
                {
                    "Un autre article": "Another article",
                    "Les coûts de l’IA": "The cost of AI",
                    "Un paragraphe [lié](https://example.com/a).": "A paragraph, link dropped.",  # unsafe: not memory
                },
            ),
        },
    )
    return content, sources


def test_every_translated_entry_with_its_markup_is_in_the_memory(seed_site):
    content, sources = seed_site
    memory = memory_of(content, sources)
    assert sorted(e.french for e in memory.entries) == sorted(
        [LONG, "Xavier Niel lance Kyutai, un laboratoire d’IA", "Un autre article", "Les coûts de l’IA"]
    )
    assert {e.origin for e in memory.entries} == {"2023-11-20/01-kyutai.en.po", "2023-11-20/02-autre.en.po"}
    assert memory.suggest("paragraph", "Un paragraphe [lié](https://example.com/a).") is None


def test_a_further_reading_item_takes_the_english_title_of_the_article_it_links_to(seed_site):
    content, sources = seed_site
    memory = memory_of(content, sources)
    for item in (
        "Xavier Niel lance Kyutai, un laboratoire d'IA.",  # by its title, normalised
        "Un titre écrit autrement | {filename}01-kyutai.md",
        "Un titre écrit autrement | {filename}/issues/2023-11-20/01-kyutai.md",
        "Un titre écrit autrement | slug:kyutai",
    ):
        found = memory.suggest("further_reading", item, "2023-11-27/01-new.en.po", str(content / "issues/2023-11-20/02-autre.md"))
        assert found is not None, item
        assert (found.english, found.fuzzy) == ("Xavier Niel launches Kyutai, an AI lab", False)
        assert found.notes == ("from 2023-11-20/01-kyutai.en.po, the English title of the article it links to",)
    assert memory.suggest("further_reading", "Un titre | https://example.com/x") is None
    # An article never links to itself: its own title in its further reading is only a memory match.
    own = memory.suggest("further_reading", "Xavier Niel lance Kyutai, un laboratoire d’IA", "2023-11-20/01-kyutai.en.po")
    assert own.notes == ("from 2023-11-20/01-kyutai.en.po",)


def test_a_linked_title_another_catalog_translates_differently_is_only_suggested(seed_site, tmp_path):
    content, sources = seed_site
    sources += write_site(
        content,
        {
            "issues/2023-11-27/01-cite.md": (
                article("Un article qui cite", further=("Xavier Niel lance Kyutai, un laboratoire d’IA",)),
                {"Xavier Niel lance Kyutai, un laboratoire d’IA": "Kyutai: Xavier Niel's AI lab"},
            )
        },
    )
    found = memory_of(content, sources).suggest("further_reading", "Xavier Niel lance Kyutai, un laboratoire d’IA", "x")
    assert (found.english, found.fuzzy) == ("Xavier Niel launches Kyutai, an AI lab", True)
    assert found.notes[-1] == "other translation, from 2023-11-27/01-cite.en.po: Kyutai: Xavier Niel's AI lab"


def test_a_broken_catalog_is_left_out_of_the_memory_and_named(seed_site):
    content, sources = seed_site
    po = sidecar_path(sources[0])
    po.write_text(po.read_text("utf-8").replace('msgstr "Xavier', 'msgstr "Xavier\n"', 1), "utf-8")
    memory = memory_of(content, sources)
    assert {e.origin for e in memory.entries} == {"2023-11-20/02-autre.en.po"}
    assert len(memory.skipped) == 1 and memory.skipped[0].startswith(f"{po}:") and "\n" not in memory.skipped[0]
    assert memory.suggest("further_reading", "Xavier Niel lance Kyutai, un laboratoire d’IA", "x") is None


def test_a_withdrawn_translation_is_not_in_the_memory(seed_site):
    content, sources = seed_site
    po = sidecar_path(sources[0])
    po.write_text(po.read_text("utf-8").replace('"Generated-By', '"X-Published: withdrawn\\n"\n"Generated-By'), "utf-8")
    memory = memory_of(content, sources)
    assert {e.origin for e in memory.entries} == {"2023-11-20/02-autre.en.po"}
    assert memory.suggest("further_reading", "Xavier Niel lance Kyutai, un laboratoire d’IA", "x") is None


def test_the_glossary_is_the_theme_catalogs_tag_names():
    memory = build_memory(ROOT / "content", [], "en", THEME_CATALOG)
    assert memory.glossary["intelligence artificielle"] == ("Intelligence artificielle", "Artificial intelligence")
    assert "pour aller plus loin" not in memory.glossary  # a template's text, not a name


# --- what a fill writes ------------------------------------------------------------


def new_article(content: Path, body: str, further: tuple[str, ...] = ()) -> Path:
    source = content / "issues" / "2023-11-27" / "01-nouveau.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(article("Un nouvel article", body, further), "utf-8")
    return source


def update_with(memory: TranslationMemory, source: Path, **options):
    return update_sidecar(source, fill=memory.filler(sidecar_path(source)), **options)


def test_a_fill_writes_its_notes_on_one_line_and_reads_back_the_same(seed_site):
    content, sources = seed_site
    memory = memory_of(content, sources)
    source = new_article(content, f"{LONG}\n\n{LONG.replace('massif', 'général')}", ("Un autre article",))
    result = update_with(memory, source)
    assert (result.filled, result.suggested) == (2, 1)  # the paragraph and the item (its link); the edited paragraph
    text = sidecar_path(source).read_text("utf-8")
    assert "#. from 2023-11-20/01-kyutai.en.po\n#: 01-nouveau.md:" in text
    assert "#. from 2023-11-20/02-autre.en.po, the English title of the article it links to\n" in text
    catalog = read_sidecar(sidecar_path(source))
    assert render_sidecar(catalog) == sidecar_path(source).read_bytes()
    assert memory_counts(catalog) == (2, 1)


def test_a_suggestion_is_published_nowhere_not_even_as_a_stale_translation(seed_site):
    content, sources = seed_site
    source = new_article(content, "Un texte à traduire.")
    po = update_sidecar(source).path
    catalog = read_sidecar(po)
    for message in catalog:
        if message.id:
            message.string = "EN"
    po.write_bytes(render_sidecar(catalog))
    stamp_published(po, dt.date(2023, 11, 28))
    source.write_text(source.read_text("utf-8") + f"\n{LONG.replace('massif', 'général')}\n", "utf-8")
    result = update_with(memory_of(content, sources), source)
    assert (result.added, result.filled, result.suggested) == (1, 0, 1)
    doc, catalog = parse_source(source.read_text("utf-8")), read_sidecar(po)
    assert coverage(doc, catalog) == Coverage(translated=2, fuzzy=0, untranslated=1, stale=0, suggested=1)
    for policy in ("previous", "source"):
        page = translate(doc, catalog, stale=policy)
        assert LONG_EN not in page.body and page.stale_blocks == () and len(page.fallback_blocks) == 1
    assert "#| msgid" in po.read_text("utf-8") and "#, fuzzy" in po.read_text("utf-8")


def test_an_exact_fill_counts_as_translated_and_is_published(seed_site):
    content, sources = seed_site
    source = new_article(content, LONG)
    update_with(memory_of(content, sources), source)
    doc, catalog = parse_source(source.read_text("utf-8")), read_sidecar(sidecar_path(source))
    assert coverage(doc, catalog).translated == 1 and LONG_EN in translate(doc, catalog).body


def test_the_publication_stamp_is_decided_before_the_memory_fills(seed_site):
    content, sources = seed_site
    source = new_article(content, LONG)
    update_sidecar(source)  # the title and the paragraph, both empty
    catalog = read_sidecar(sidecar_path(source))
    catalog.get("Un nouvel article", context="title").string = "A new article"
    sidecar_path(source).write_bytes(render_sidecar(catalog))
    update_with(memory_of(content, sources), source, today=dt.date(2023, 11, 28))
    text = sidecar_path(source).read_text("utf-8")
    assert LONG_EN.split()[0] in text and "X-Published" not in text  # complete now, stamped at the next update
    update_with(memory_of(content, sources), source, today=dt.date(2023, 11, 29))
    assert '"X-Published: 2023-11-29\\n"' in sidecar_path(source).read_text("utf-8")


def test_a_suggestion_whose_french_changes_stays_a_suggestion_and_keeps_its_source(seed_site):
    content, sources = seed_site
    source = new_article(content, LONG.replace("massif", "général"))
    update_with(memory_of(content, sources), source)
    source.write_text(source.read_text("utf-8").replace("nouveau directeur", "autre directeur"), "utf-8")
    result = update_sidecar(source)  # without the memory: Babel's own fuzzy matching
    assert result.fuzzy == 1
    message = next(m for m in read_sidecar(sidecar_path(source)) if m.context == "paragraph")
    assert message.previous_id == [LONG] and message.string == LONG_EN
    assert memory_counts(read_sidecar(sidecar_path(source))) == (0, 1)


def test_an_exact_fill_whose_french_changes_becomes_a_stale_translation_like_any_other(seed_site):
    content, sources = seed_site
    source = new_article(content, LONG)
    update_with(memory_of(content, sources), source)
    edited = LONG.replace("nouveau directeur", "autre directeur")
    source.write_text(source.read_text("utf-8").replace(LONG, edited), "utf-8")
    update_sidecar(source)
    catalog = read_sidecar(sidecar_path(source))
    message = catalog.get(edited, context="paragraph")
    assert "fuzzy" in message.flags and message.previous_id == [LONG] and message.auto_comments == []
    assert coverage(parse_source(source.read_text("utf-8")), catalog).stale == 1


def test_a_stale_block_whose_french_becomes_a_text_the_site_translates_takes_that_translation_not_fuzzy(seed_site):
    content, sources = seed_site
    variant = LONG.replace("massif", "général")
    source = new_article(content, variant)
    po = update_sidecar(source).path
    catalog = read_sidecar(po)
    for message in (message for message in catalog if message.id):
        message.string = "Mine"
    po.write_bytes(render_sidecar(catalog))
    source.write_text(source.read_text("utf-8").replace(variant, LONG), "utf-8")  # back to the seed's French
    result = update_with(memory_of(content, sources), source)
    assert (result.filled, result.suggested) == (1, 0)
    message = read_sidecar(po).get(LONG, context="paragraph")
    assert (message.string, "fuzzy" in message.flags, message.previous_id) == (LONG_EN, False, [])
    assert coverage(parse_source(source.read_text("utf-8")), read_sidecar(po)).stale == 0


def test_a_suggestion_that_goes_obsolete_and_comes_back_is_still_a_suggestion(seed_site):
    content, sources = seed_site
    memory = memory_of(content, sources)
    near = LONG.replace("massif", "général")
    source = new_article(content, near)
    update_with(memory, source)
    before = sidecar_path(source).read_bytes()
    source.write_text(source.read_text("utf-8").replace(near, "Tout autre chose."), "utf-8")
    update_sidecar(source)
    assert "#. from 2023-11-20/01-kyutai.en.po, a near match" in sidecar_path(source).read_text("utf-8")
    source.write_text(source.read_text("utf-8").replace("Tout autre chose.", near), "utf-8")
    update_with(memory, source)
    catalog = read_sidecar(sidecar_path(source))
    assert memory_counts(catalog) == (0, 1)  # its '#| msgid' is lost, as any obsolete entry's: its note says whence
    back = catalog.get(near, context="paragraph")
    assert back.string == LONG_EN and back.auto_comments == read_sidecar_from(before, near).auto_comments
    doc = parse_source(source.read_text("utf-8"))
    assert LONG_EN not in translate(doc, catalog).body


def read_sidecar_from(data: bytes, text: str) -> Message:
    import io

    from babel.messages.pofile import read_po

    return next(message for message in read_po(io.BytesIO(data)) if message.id == text)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["", "Mine", LONG_EN]), min_size=3, max_size=3), st.booleans())
def test_a_translators_msgstr_is_never_replaced_and_a_second_update_changes_nothing(strings, fuzzy):
    with _site() as (content, sources):
        memory = memory_of(content, sources)
        source = new_article(content, f"{LONG}\n\n{LONG.replace('massif', 'général')}", ("Un autre article",))
        update_sidecar(source)
        catalog = read_sidecar(sidecar_path(source))
        entries = [m for m in catalog if m.id and m.context != "title"]
        for message, string in zip(entries, strings):
            message.string = string
            message.flags = {"fuzzy"} if fuzzy and string else set()
        sidecar_path(source).write_bytes(render_sidecar(catalog))
        update_with(memory, source)
        after = read_sidecar(sidecar_path(source))
        for message, string in zip(entries, strings):
            if string:
                kept = after.get(message.id, context=message.context)
                assert (kept.string, "fuzzy" in kept.flags) == (string, fuzzy)
        written = sidecar_path(source).read_bytes()
        assert not update_with(memory_of(content, sources + [source]), source).changed
        assert sidecar_path(source).read_bytes() == written


class _site:
    """The seed_site fixture as a context manager (hypothesis runs a test many times in one tmp_path)."""

    def __enter__(self):
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="memory-"))
        content = self.folder / "content"
        sources = write_site(
            content,
            {
                "issues/2023-11-20/01-kyutai.md": (article("Kyutai", LONG), {"Kyutai": "Kyutai", LONG: LONG_EN}),
                "issues/2023-11-20/02-autre.md": (article("Un autre article"), {"Un autre article": "Another article"}),
            },
        )
        return content, sources

    def __exit__(self, *exc):
        shutil.rmtree(self.folder, ignore_errors=True)


def test_write_suggestion_keeps_comments_that_are_not_the_memorys():
    from cafetech.translation_memory import Suggestion, write_suggestion

    message = Message("Texte", context="paragraph", auto_comments=["extracted by a tool", "from 2023-11-20/old.en.po"])
    write_suggestion(message, Suggestion("Text", True, ("from 2023-11-27/new.en.po",), previous="Texte !"))
    assert message.auto_comments == ["extracted by a tool", "from 2023-11-27/new.en.po"]
    assert (message.string, message.flags, message.previous_id) == ("Text", {"fuzzy"}, ["Texte !"])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab :()[]`*_<>\\/!#.é", max_size=30), st.text(alphabet="ab :()[]`*_<>\\/!#.é", max_size=30))
def test_the_quick_path_of_the_markup_check_skips_only_texts_without_markup(source, translation):
    from cafetech.sidecars import markup

    quick = ":" not in translation and not set("[]`*_<\\") & set(source + translation)
    if quick:
        assert all(not counts or not +counts for counts in (*markup(source).values(), *markup(translation).values()))
        assert markup_problems(source, translation) == []


# --- measured in invoke bench ----------------------------------------------------------


def test_the_bench_times_the_update_without_and_with_the_memory_and_puts_the_sidecars_back(tmp_path):
    from cafetech_dev.bench import format_table, generate_corpus, time_translations_update

    content = tmp_path / "content"
    generate_corpus(content, 6)
    before = {po: po.read_bytes() for po in content.rglob("*.po")}
    update = time_translations_update(content, repeat=1)
    assert {po: po.read_bytes() for po in content.rglob("*.po")} == before
    assert update["sidecars"] == len(before) and update["new_sidecars"] == 4  # three articles and their issue
    assert update["without_memory_seconds"] > 0 and update["with_memory_seconds"] > 0 and update["one_issue_seconds"] > 0
    assert update["blocks"] == update["filled"] + update["suggested"] + update["left_empty"] > 0
    assert update["filled"] > 0  # the corpus repeats its sentences, and its further reading names its articles
    row = {"seconds": 1.0, "build_seconds": 1.0, "peak_mb": 1.0}
    results = {"sections": 6, "repeat": 1, "baseline": row, "cold": row, "warm": row, "translations_update": update}
    table = format_table({**results, "ratios": {"cold_over_baseline": 1, "warm_over_cold": 1}, "related_10000_seconds": None})
    assert f"translations.update, {update['sidecars']} sidecars: " in table and " left empty" in table
