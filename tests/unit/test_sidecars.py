"""Translation sidecars: cutting sources into blocks, updating catalogs without losing work, checking, translating."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import markdown
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from cafetech.sidecars import (
    Block,
    Coverage,
    SidecarError,
    as_updated,
    check_sidecar,
    coverage,
    parse_source,
    publication_state,
    read_sidecar,
    render_sidecar,
    should_publish,
    sidecar_path,
    stamp_published,
    template_catalog,
    translate,
    update_sidecar,
)

ISSUE_DIR = Path(__file__).resolve().parents[2] / "content" / "issues" / "2023-11-20"
FIRST = next(ISSUE_DIR.glob("01-*.md"))
SECOND = next(ISSUE_DIR.glob("02-*.md"))
ISSUE = ISSUE_DIR / "issue.md"

RICH = """\
Title: Un titre
Date: 2023-11-27
Lang: fr
Summary: Un résumé
    sur deux lignes.
Further_reading: Premier article
    Second article
Tags: ia

Un paragraphe avec *emphase*, un [lien](https://example.com/a_b) et du `code_x`
sur deux lignes.

## Titre avec ancre {#ancre}

- premier *élément*
- second élément
  qui continue
    - sous-élément

1. un
2. deux

> Une citation
> sur deux lignes.
>
> Second paragraphe cité.

```python
print("pas traduit")
```

    code indenté

<div class="encadre">
Du HTML brut.
</div>

***

Titre setext
------------

| a | b |
|---|---|
| c | d |

Fin du texte.
"""


def render(body: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(body, extensions=["extra", "toc"]), "html.parser")


def visible_text(body: str) -> str:
    return " ".join(render(body).get_text().split())


def fill(po: Path, translate_message) -> Catalog:
    """Give every entry of a sidecar the msgstr translate_message(message) (None: leave it) and save it."""
    catalog = read_sidecar(po)
    for message in catalog:
        if message.id and (string := translate_message(message)) is not None:
            message.string = string
    po.write_bytes(render_sidecar(catalog))
    return catalog


def english(message) -> str:
    return f"EN[{message.context}] {message.id}"


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / FIRST.name
    shutil.copy(FIRST, path)
    return path


@pytest.fixture
def translated(article) -> tuple[Path, Path]:
    """The first seed article with a sidecar whose every entry is translated."""
    po = update_sidecar(article).path
    fill(po, english)
    return article, po


# --- reading the source ------------------------------------------------------


def test_first_seed_article_blocks():
    doc = parse_source(FIRST.read_text("utf-8"))
    assert [b.kind for b in doc.blocks] == [
        "title", "summary", "further_reading", "further_reading",
        "paragraph", "heading", "paragraph", "heading", "paragraph", "heading", "paragraph",
    ]  # fmt: skip
    assert [b.line for b in doc.blocks] == [1, 7, 8, 9, 11, 13, 15, 17, 19, 21, 23]
    assert doc.blocks[0].text == doc.metadata["title"][0]
    assert doc.blocks[2].text == "OpenAI abandonne le développement de son dernier modèle de langage"
    assert doc.blocks[5] == Block("heading", "Fronde des investisseurs", 13)
    assert doc.blocks[4].text == doc.metadata["summary"][0]  # the lede repeats the summary


def test_second_article_and_issue_blocks():
    second = parse_source(SECOND.read_text("utf-8"))
    assert [b.kind for b in second.blocks].count("heading") == 3
    assert [b.kind for b in second.blocks].count("further_reading") == 2
    issue = parse_source(ISSUE.read_text("utf-8"))
    assert [(b.kind, b.line) for b in issue.blocks] == [("title", 1), ("subtitle", 4), ("credits", 5), ("paragraph", 9)]
    assert issue.blocks[2].text == "OpenAI - Iliad"
    assert issue.metadata["sections"] == [
        "malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete",
        "xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif",
    ]


def test_header_and_body_are_split_like_pelican():
    text = FIRST.read_text("utf-8")
    doc = parse_source(text)
    assert doc.metadata_lines == text.split("\n")[:9]
    assert doc.metadata["further_reading"] == [
        "OpenAI abandonne le développement de son dernier modèle de langage",
        "Le double discours d’OpenAI sur la régulation de l’IA",
    ]
    assert doc.metadata["position"] == ["1"]
    assert doc.body == text.split("\n\n", 1)[1]


def test_body_blocks_without_markers_and_untranslatable_blocks_kept_out():
    doc = parse_source(RICH)
    body = [(b.kind, b.text) for b in doc.blocks if b.kind in ("heading", "paragraph", "list_item")]
    assert body == [
        ("paragraph", "Un paragraphe avec *emphase*, un [lien](https://example.com/a_b) et du `code_x` sur deux lignes."),
        ("heading", "Titre avec ancre"),
        ("list_item", "premier *élément*"),
        ("list_item", "second élément qui continue"),
        ("list_item", "sous-élément"),
        ("list_item", "un"),
        ("list_item", "deux"),
        ("paragraph", "Une citation sur deux lignes."),
        ("paragraph", "Second paragraphe cité."),
        ("heading", "Titre setext"),
        ("paragraph", "Fin du texte."),
    ]
    assert [b.line for b in doc.blocks if b.kind == "list_item"] == [15, 16, 18, 20, 21]
    summary = next(b for b in doc.blocks if b.kind == "summary")
    assert summary == Block("summary", "Un résumé sur deux lignes.", 4)
    for line in ('print("pas traduit")', "    code indenté", "Du HTML brut.", "***", "| c | d |"):
        assert line in doc.body_layout  # kept verbatim, not a block
    assert not any("pas traduit" in b.text or "HTML brut" in b.text for b in doc.blocks)
    heading = next(s for s in doc.body_layout if not isinstance(s, str) and s.attrs)
    assert (heading.prefix, heading.attrs) == ("## ", "#ancre")


# --- translating -------------------------------------------------------------


@pytest.mark.parametrize("source", [FIRST, SECOND, ISSUE], ids=lambda p: p.name[:12])
def test_empty_catalog_gives_back_the_source(source):
    doc = parse_source(source.read_text("utf-8"))
    result = translate(doc, Catalog(locale="en"))
    assert result.fallback_blocks == doc.blocks
    assert result.coverage == Coverage(0, 0, len({block.text for block in doc.blocks}))
    assert visible_text(result.body) == visible_text(doc.body)
    body_blocks = [b for b in doc.blocks if b.kind in ("heading", "paragraph", "list_item")]
    assert len(render(result.body).select('[lang="fr"]')) == len(body_blocks)
    for key, values in doc.metadata.items():
        if key in ("title", "summary", "subtitle", "credits"):
            assert result.metadata[key] == " ".join(values)
        elif key != "further_reading":
            assert result.metadata[key] == ("en" if key == "lang" else values[0] if len(values) == 1 else values)
    assert result.metadata.get("further_reading") == doc.metadata.get("further_reading")


def test_empty_catalog_on_rich_markdown_renders_the_same_text():
    doc = parse_source(RICH)
    body = translate(doc, Catalog(locale="en")).body
    assert visible_text(body) == visible_text(doc.body)
    soup = render(body)
    assert not soup.select("[markdown]") and not soup.select("p p")
    assert soup.find("pre").get_text() == 'print("pas traduit")\n'
    assert [li.get_text(" ", strip=True) for li in soup.select("li span[lang=fr]")] == [
        "premier élément", "second élément qui continue", "sous-élément", "un", "deux",
    ]  # fmt: skip
    assert soup.find("h2", id="ancre")["lang"] == "fr"
    assert soup.select_one("blockquote span[lang=fr]").get_text() == "Une citation sur deux lignes."
    assert soup.find("table") is not None


def test_a_catalog_repeating_the_source_rebuilds_the_body_exactly():
    for source in (FIRST, SECOND, ISSUE):
        doc = parse_source(source.read_text("utf-8"))
        catalog = template_catalog(doc, source.name)
        for message in catalog:
            if message.id:
                message.string = message.id
        result = translate(doc, catalog)
        assert result.body == doc.body
        assert result.fallback_blocks == ()


def test_partial_catalog_fallbacks_are_french_and_fuzzy_entries_unused_when_stale_shows_the_source():
    doc = parse_source(FIRST.read_text("utf-8"))
    catalog = template_catalog(doc, FIRST.name)
    blocks = doc.blocks
    catalog.get(blocks[0].text, "title").string = "Despite the pressure, OpenAI refuses to reinstate Sam Altman"
    catalog.get(blocks[2].text, "further_reading").string = "OpenAI drops its latest language model"
    catalog.get(blocks[5].text, "heading").string = "Investors revolt"
    catalog.get(blocks[6].text, "paragraph").string = "Sam Altman's *aborted* return, see [this](https://example.com)."
    fuzzy = catalog.get(blocks[8].text, "paragraph")
    fuzzy.string, fuzzy.flags = "A stale translation", {"fuzzy"}
    result = translate(doc, catalog, stale="source")

    assert result.metadata["title"] == "Despite the pressure, OpenAI refuses to reinstate Sam Altman"
    assert result.metadata["further_reading"] == ["OpenAI drops its latest language model", blocks[3].text]
    assert result.metadata["summary"] == blocks[1].text and result.metadata["lang"] == "en"
    assert result.metadata["slug"] == doc.metadata["slug"][0] and result.metadata["issue"] == "2023-11-20"
    assert result.coverage == Coverage(translated=4, fuzzy=1, untranslated=5, stale=1)  # the lede is the summary
    assert result.stale_blocks == (blocks[8],)
    assert [b.kind for b in result.fallback_blocks] == [
        "summary", "further_reading", "paragraph", "heading", "paragraph", "heading", "paragraph",
    ]  # fmt: skip
    assert "A stale translation" not in result.body

    soup = render(result.body)
    assert soup.find("h2", string="Investors revolt").get("lang") is None
    translated = soup.find("a", href="https://example.com").parent
    assert translated.name == "p" and translated.get("lang") is None and translated.find("em").get_text() == "aborted"
    french = soup.select("p[lang=fr]")
    assert [p.get_text()[:20] for p in french] == [blocks[i].text[:20] for i in (4, 8, 10)]
    assert [h.get_text() for h in soup.select("h2[lang=fr]")] == [blocks[7].text, blocks[9].text]
    assert soup.find("h2", lang="fr")["id"] == "microsoft-a-la-baguette"
    assert not soup.select("[markdown]")


def test_french_fallback_keeps_inline_markdown_and_ids():
    source = "Title: T\n\n## Titre {#ancre}\n\nDu *gras* et un [lien](https://x.fr) et `du code`.\n\n- un *point*\n"
    body = translate(parse_source(source), Catalog(locale="en")).body
    assert body == (
        "## Titre {#ancre lang=fr}\n\n"
        '<p lang="fr" markdown="1">Du *gras* et un [lien](https://x.fr) et `du code`.</p>\n\n'
        '- <span lang="fr">un *point*</span>\n'
    )
    soup = render(body)
    paragraph = soup.find("p", lang="fr")
    assert paragraph.find("em").get_text() == "gras" and paragraph.find("a")["href"] == "https://x.fr"
    assert paragraph.find("code").get_text() == "du code"
    assert soup.find("h2")["id"] == "ancre" and soup.find("h2")["lang"] == "fr"
    assert soup.select_one("li > span[lang=fr] > em").get_text() == "point"


def test_translations_cannot_change_the_structure():
    source = "Title: T\n\nUn.\n\n## Deux\n\n- trois\n"
    doc = parse_source(source)
    catalog = template_catalog(doc, "x.md")
    catalog.get("Un.", "paragraph").string = "1984. A year\n\nwith a blank line"
    catalog.get("Deux", "heading").string = "Two"
    catalog.get("trois", "list_item").string = "- three"
    body = translate(doc, catalog).body
    assert body == "1984\\. A year with a blank line\n\n## Two\n\n- \\- three\n"
    soup = render(body)
    assert soup.find("p").get_text() == "1984. A year with a blank line" and soup.find("ol") is None
    assert soup.find("li").get_text() == "- three"


def test_unsafe_translations_are_not_published():
    doc = parse_source("Title: T\n\nUn [lien](https://x.fr).\n\nDeux.\n\nTrois [là](https://x.fr/3).\n\nQuatre.\n")
    catalog = template_catalog(doc, "x.md")
    catalog.get("Un [lien](https://x.fr).", "paragraph").string = "A [link](JavaScript:alert(1))."
    catalog.get("Deux.", "paragraph").string = "Two<script>alert(1)</script>."
    catalog.get("Trois [là](https://x.fr/3).", "paragraph").string = "Three [there](data:text/html,<b>x</b>)."
    catalog.get("Quatre.", "paragraph").string = "Four, *safely*."
    result = translate(doc, catalog)
    assert "javascript" not in result.body.lower() and "<script>" not in result.body and "data:" not in result.body
    assert [b.text for b in result.fallback_blocks] == ["T", *(b.text for b in doc.blocks[1:4])]
    assert result.body.endswith("Four, *safely*.\n")


def test_fallback_must_be_source():
    with pytest.raises(ValueError):
        translate(parse_source("Title: T\n"), Catalog(), fallback="drop")


# --- catalogs ----------------------------------------------------------------


def test_template_catalog_has_one_entry_per_text():
    doc = parse_source("Title: Même\nSummary: Même\n\nMême\n\n## Autre\n\nMême\n")
    catalog = template_catalog(doc, "/some/dir/03-x.md")
    assert str(catalog.locale) == "en" and catalog.project == "Cafétech"
    entries = [(m.context, m.id, m.string, m.locations) for m in catalog if m.id]
    assert entries == [  # a text met again is the entry of its first block, wherever it is
        ("title", "Même", "", [("03-x.md", 1), ("03-x.md", 2), ("03-x.md", 4), ("03-x.md", 8)]),
        ("heading", "Autre", "", [("03-x.md", 6)]),
    ]


def test_coverage_counts_a_repeated_text_once_and_stale_translations_apart():
    doc = parse_source("Title: T\n\nMême\n\nAutre\n\nMême\n\nFloue\n\nVide\n")
    catalog = template_catalog(doc, "x.md")
    catalog.get("Même", "paragraph").string = "Same"
    floue = catalog.get("Floue", "paragraph")
    floue.string, floue.flags = "Fuzzy", {"fuzzy"}
    catalog.get("Vide", "paragraph").flags.add("fuzzy")  # fuzzy without a translation: not stale
    catalog.add("Plus là", "Gone", context="paragraph")
    result = coverage(doc, catalog)
    assert result == Coverage(translated=1, fuzzy=2, untranslated=2, stale=1)
    assert (result.total, result.percent, result.percent_with_stale) == (5, 20.0, 40.0)
    assert Coverage(0, 0, 0).percent == Coverage(0, 0, 0).percent_with_stale == 100.0
    assert Coverage(1, 2, 3).stale == 0  # the field older callers do not pass


# --- updating sidecars -------------------------------------------------------


def test_update_creates_then_changes_nothing(article):
    result = update_sidecar(article)
    po = article.with_name(article.name[:-3] + ".en.po")
    assert result.path == po and po.exists()
    assert (result.created, result.changed, result.added, result.fuzzy, result.obsolete) == (True, True, 10, 0, 0)
    first = po.read_bytes()
    text = first.decode("utf-8")
    assert f"#: {article.name}:13\n#, fuzzy" not in text and f'#: {article.name}:13\nmsgctxt "heading"' in text
    assert "Project-Id-Version: Cafétech 2023-11-20" in text and "Language: en" in text
    before = po.stat().st_mtime_ns
    os.utime(po, ns=(before - 10**9, before - 10**9))
    again = update_sidecar(article)
    assert (again.created, again.changed, again.added) == (False, False, 0)
    assert po.read_bytes() == first and po.stat().st_mtime_ns == before - 10**9


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_gettext_accepts_the_sidecars(translated):
    article, po = translated
    text = article.read_text("utf-8").replace("Fronde des investisseurs", "Fronde des actionnaires")
    article.write_text(text.replace("Un autre élément semblait", "Un autre facteur semblait"), "utf-8")
    update_sidecar(article)
    assert "#| msgid" in po.read_text("utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(po)], check=True)


def test_edited_paragraph_becomes_fuzzy_with_previous_msgid(translated):
    article, po = translated
    old = "Un autre élément semblait jouer en faveur d’un retour de Sam Altman"
    article.write_text(article.read_text("utf-8").replace(old, old.replace("élément", "facteur")), "utf-8")
    result = update_sidecar(article)
    assert (result.changed, result.added, result.fuzzy, result.obsolete) == (True, 0, 1, 0)
    text = po.read_text("utf-8")
    assert '#, fuzzy\n#| msgid ""\n#| "Un autre élément semblait jouer en faveur d’un retour de Sam Altman: "\n' in text
    catalog = read_sidecar(po)
    doc = parse_source(article.read_text("utf-8"))
    edited = doc.blocks[-1]
    message = catalog.get(edited.text, "paragraph")
    assert "fuzzy" in message.flags and message.previous_id[0].startswith(old)
    assert message.string == f"EN[paragraph] {message.previous_id[0]}"
    assert coverage(doc, catalog) == Coverage(9, 1, 0, stale=1)
    assert translate(doc, catalog, stale="source").fallback_blocks == (edited,)
    assert translate(doc, catalog).fallback_blocks == () and translate(doc, catalog).stale_blocks == (edited,)
    mtime = po.stat().st_mtime_ns
    assert update_sidecar(article).changed is False and po.read_text("utf-8") == text
    assert po.stat().st_mtime_ns == mtime


def test_removed_paragraph_becomes_obsolete_and_comes_back(translated):
    article, po = translated
    original = article.read_text("utf-8")
    section = "## Microsoft à la baguette\n\nEn coulisses,"
    start = original.index(section)
    end = original.index("## Vers un exode")
    article.write_text(original[:start] + original[end:], "utf-8")
    result = update_sidecar(article)
    assert (result.added, result.fuzzy, result.obsolete) == (0, 0, 2)
    text = po.read_text("utf-8")
    assert '#~ msgctxt "heading"\n#~ msgid "Microsoft à la baguette"\n#~ msgstr "EN[heading] Microsoft à la baguette"' in text
    assert '#~ msgid ""\n#~ "En coulisses, cette révolte' in text
    catalog = read_sidecar(po)
    assert catalog.get("Microsoft à la baguette", "heading") is None
    assert len(catalog.obsolete) == 2
    article.write_text(original, "utf-8")
    back = update_sidecar(article)
    assert (back.added, back.fuzzy, back.obsolete) == (0, 0, 0)
    catalog = read_sidecar(po)
    assert catalog.get("Microsoft à la baguette", "heading").string == "EN[heading] Microsoft à la baguette"
    assert not catalog.obsolete and "#~" not in po.read_text("utf-8")


def test_a_fuzzy_entry_stays_fuzzy_through_obsolete_and_back(translated):
    article, po = translated
    original = article.read_text("utf-8")
    article.write_text(original.replace("## Fronde des investisseurs", "## Fronde des actionnaires"), "utf-8")
    update_sidecar(article)
    article.write_text(original.replace("## Fronde des investisseurs\n\n", ""), "utf-8")
    assert update_sidecar(article).obsolete == 1
    text = po.read_text("utf-8")
    assert '#, fuzzy\n#~ msgctxt "heading"\n#~ msgid "Fronde des actionnaires"\n' in text
    assert "fuzzy" in read_sidecar(po).obsolete[("Fronde des actionnaires", "heading")].flags
    article.write_text(original.replace("## Fronde des investisseurs", "## Fronde des actionnaires"), "utf-8")
    update_sidecar(article)
    catalog = read_sidecar(po)
    back = catalog.get("Fronde des actionnaires", "heading")
    assert "fuzzy" in back.flags and back.string == "EN[heading] Fronde des investisseurs"
    assert coverage(parse_source(article.read_text("utf-8")), catalog).fuzzy == 1


def test_update_refuses_to_overwrite_a_translation(translated):
    article, po = translated
    text = po.read_text("utf-8")  # the same entry, active and obsolete, translated differently
    text += '#~ msgctxt "heading"\n#~ msgid "Fronde des investisseurs"\n#~ msgstr "An older translation"\n\n'
    po.write_text(text, "utf-8")
    article.write_text(article.read_text("utf-8").replace("## Fronde des investisseurs\n\n", ""), "utf-8")
    with pytest.raises(SidecarError, match="would lose the translation"):
        update_sidecar(article)
    assert po.read_text("utf-8") == text


def test_moved_paragraph_keeps_its_translation(translated):
    article, po = translated
    text = article.read_text("utf-8")
    sections = text.split("\n\n## ")
    article.write_text("\n\n## ".join([sections[0], sections[3], sections[1], sections[2]]).rstrip("\n") + "\n", "utf-8")
    result = update_sidecar(article)
    assert (result.changed, result.added, result.fuzzy, result.obsolete) == (True, 0, 0, 0)
    doc = parse_source(article.read_text("utf-8"))
    catalog = read_sidecar(po)
    assert coverage(doc, catalog) == Coverage(10, 0, 0)
    moved = catalog.get("Vers un exode des employés ?", "heading")
    assert moved.locations == [(article.name, 13)] and moved.string == "EN[heading] Vers un exode des employés ?"
    assert translate(doc, catalog).fallback_blocks == ()


def test_update_keeps_the_translators_header_and_comments(translated):
    article, po = translated
    text = po.read_text("utf-8")
    text = text.replace("PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2023-11-21 10:00+0100")
    text = text.replace("Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Ada <ada@example.com>")
    text = text.replace('#: 01', "# Vérifier le nom propre.\n#: 01", 1)
    text = text.replace("#\nmsgid", f"# Glossaire : https://example.com/{'glossaire-' * 8}\n#\nmsgid", 1)
    po.write_text(text, "utf-8")
    assert update_sidecar(article, today=dt.date(2024, 1, 2)).changed is True  # all translated: stamped, nothing else
    assert po.read_text("utf-8") == text.replace('"Generated-By', '"X-Published: 2024-01-02\\n"\n"Generated-By')
    text = po.read_text("utf-8")
    assert update_sidecar(article).changed is False and po.read_text("utf-8") == text
    creation = re.search(r"POT-Creation-Date: [^\\]+", text)[0]
    article.write_text(article.read_text("utf-8") + "\nUn paragraphe de plus.\n", "utf-8")
    result = update_sidecar(article)
    assert (result.changed, result.added) == (True, 1)
    updated = po.read_text("utf-8")
    assert "PO-Revision-Date: 2023-11-21 10:00+0100" in updated and "Last-Translator: Ada <ada@example.com>" in updated
    assert "# Vérifier le nom propre.\n#: 01" in updated and "\n# Glossaire : https://example.com/glossaire-" in updated
    assert update_sidecar(article).changed is False
    assert creation in text and 'msgid "Un paragraphe de plus."\nmsgstr ""' in updated


def test_update_to_another_path_and_language(article, tmp_path):
    result = update_sidecar(article, lang="de")
    assert result.path == article.with_suffix(".de.po") and "Language: de" in result.path.read_text("utf-8")
    assert "# German translation of" in result.path.read_text("utf-8")
    elsewhere = update_sidecar(article, tmp_path / "other.po")
    assert elsewhere.path == tmp_path / "other.po" and elsewhere.created


def test_syntax_error_is_reported_with_its_line_and_nothing_is_written(translated):
    article, po = translated
    lines = po.read_text("utf-8").split("\n")
    number = lines.index('msgctxt "heading"') + 3  # the msgstr of the first heading
    assert lines[number - 1].startswith("msgstr ")
    lines[number - 1] = lines[number - 1][:-1]  # the closing quote is gone
    broken = "\n".join(lines).encode("utf-8")
    po.write_bytes(broken)
    article.write_text(article.read_text("utf-8") + "\nNouveau.\n", "utf-8")
    with pytest.raises(SidecarError) as error:
        update_sidecar(article)
    assert str(error.value).startswith(f"{po}:{number}: ") and "\n" not in str(error.value)
    assert po.read_bytes() == broken
    assert check_sidecar(article, po) == [str(error.value)]


@pytest.mark.parametrize(
    ("change", "line_of", "words"),
    [
        (lambda t: t.replace('msgctxt "title"', 'msgstrr "x"\nmsgctxt "title"'), 'msgstrr "x"', "malformed"),
        (lambda t: t.replace('msgctxt "title"', '"stray"\nmsgctxt "title"'), '"stray"', "not in msgid"),
        (lambda t: t.replace("charset=utf-8", "charset=CHARSET"), '"Content-Type', "charset"),
        (lambda t: t + '\nmsgctxt "heading"\nmsgid "Fronde des investisseurs"\nmsgstr "Again"\n',
         'msgid "Fronde des investisseurs"\nmsgstr "Again"', "second entry"),
    ],
    ids=["keyword", "stray-string", "charset", "duplicate"],
)
def test_read_sidecar_refuses_invalid_files(translated, change, line_of, words):
    _, po = translated
    text = change(po.read_text("utf-8"))
    po.write_text(text, "utf-8")
    with pytest.raises(SidecarError) as error:
        read_sidecar(po)
    line = text[: text.rindex(line_of)].count("\n") + 1
    assert str(error.value).startswith(f"{po}:{line}: ") and words in str(error.value)


def test_read_sidecar_refuses_bytes_that_are_not_utf8(translated):
    _, po = translated
    data = po.read_bytes()
    position = data.index("Fronde".encode())
    po.write_bytes(data[:position] + b"\xe9" + data[position:])
    line = data[:position].count(b"\n") + 1
    with pytest.raises(SidecarError, match=rf"^{re.escape(str(po))}:{line}: not UTF-8"):
        read_sidecar(po)


def test_files_written_by_other_tools_are_read(translated, tmp_path):
    article, po = translated
    catalog = read_sidecar(po)
    foreign = tmp_path / "foreign.po"
    with foreign.open("wb") as handle:  # Babel's own layout: sorted, unwrapped
        write_po(handle, catalog, width=0, sort_output=True)
    assert update_sidecar(article, foreign).changed is True
    assert coverage(parse_source(article.read_text("utf-8")), read_sidecar(foreign)) == Coverage(10, 0, 0)
    assert update_sidecar(article, foreign).changed is False


# --- checking ----------------------------------------------------------------


def test_check_sidecar_accepts_a_faithful_translation(translated):
    assert check_sidecar(*translated) == []


def test_check_sidecar_reports_an_out_of_date_catalog(translated):
    article, po = translated
    text = article.read_text("utf-8").replace("## Fronde des investisseurs", "## Fronde des actionnaires")
    article.write_text(text + "\nNouveau paragraphe.\n", "utf-8")
    problems = check_sidecar(article, po)
    assert len(problems) == 3 and all("out of date" in p for p in problems)
    assert any(p.startswith(f"{po}:1: ") and f"{article.name}:13" in p and "heading" in p for p in problems)
    assert any(f"{article.name}:25" in p and "paragraph" in p for p in problems)
    line = po.read_text("utf-8").split("\n").index('msgid "Fronde des investisseurs"') + 1
    assert any(p.startswith(f"{po}:{line}: ") and "not in" in p for p in problems)
    update_sidecar(article)
    assert check_sidecar(article, po) == []


def _check_translation(tmp_path, source_text, translation):
    article = tmp_path / "x.md"
    article.write_text(f"Title: T\n\n{source_text}\n", "utf-8")
    po = update_sidecar(article).path
    fill(po, lambda m: translation if m.context == "paragraph" else "T")
    line = po.read_text("utf-8").split("\n").index('msgctxt "paragraph"') + 2
    problems = check_sidecar(article, po)
    assert all(p.startswith(f"{po}:{line}: ") and "\n" not in p for p in problems)
    return problems


@pytest.mark.parametrize(
    ("source", "translation", "words"),
    [
        ("Voir [le rapport](https://x.fr/r) et [la suite](https://x.fr/s).", "See [the report](https://x.fr/r) and the rest.",
         "drops https://x.fr/s"),
        ("Voir [le rapport](https://x.fr/r).", "See [the report](https://x.fr/other).", "adds https://x.fr/other"),
        ("Voir <https://x.fr/r>.", "See the report.", "links"),
        ("Lancez `pip install x`.", "Run `pip install y`.", "inline code"),
        ("Un *mot* fort.", "A strong word.", "emphasis"),
        ("Voir [ici](https://x.fr).", "See [here](javascript:alert(1)).", "javascript:"),
        ("Un mot.", "A word<script>alert(1)</script>.", "<script>"),
        ("Une <abbr title=\"intelligence artificielle\">IA</abbr>.", "An AI.", "drops </abbr>, <abbr>"),
    ],
    ids=["dropped-link", "changed-url", "dropped-autolink", "code-span", "emphasis", "javascript", "script", "html"],
)
def test_check_sidecar_reports_changed_markup(tmp_path, source, translation, words):
    problems = _check_translation(tmp_path, source, translation)
    assert problems and any(words in p for p in problems), problems


def test_check_sidecar_accepts_markup_kept_in_other_words(tmp_path):
    source = "Voir *[le rapport](https://x.fr/r)* et `pip` ou <https://x.fr> et <abbr title=\"IA\">IA</abbr>."
    translation = "Run `pip`, read <https://x.fr> and *[the report](https://x.fr/r)* about <abbr title=\"AI\">AI</abbr>."
    assert _check_translation(tmp_path, source, translation) == []


def test_check_sidecar_ignores_fuzzy_translations(tmp_path):
    article = tmp_path / "x.md"
    article.write_text("Title: T\n\nVoir [ici](https://x.fr).\n", "utf-8")
    po = update_sidecar(article).path
    catalog = fill(po, lambda m: "See here." if m.context == "paragraph" else "T")
    catalog.get("Voir [ici](https://x.fr).", "paragraph").flags.add("fuzzy")
    po.write_bytes(render_sidecar(catalog))
    assert check_sidecar(article, po) == []


SNIPPETS = [
    "Un *texte* et un [lien](https://x.fr).", "## Titre {#id}", "### Titre fermé ###", "#Hashtag",
    "- un\n- deux\n  suite", "1. un\n2. deux", "- un\n\n    para dans la liste\n\n    - sous-élément",
    "> cité\n> encore\n>\n> autre", "```\ncode *x*\n```", "~~~\ntilde\n~~~", "    indenté", "<div>\nbrut\n</div>",
    "<!-- commentaire -->", "***", "Titre\n-----", "Ligne\nTitre\n=====", "Para\n## Titre collé\nSuite",
    "Texte\n***\nsuite", "Un\n> cite", "| a | b |\n|---|---|\n| c | d |", "Texte[^1].", "[^1]: Une note.",
    "[ref]: https://x.fr", "Terme\n: définition", '<div markdown="1">', "</div>",
]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=8), st.sampled_from(["\n\n", "\n\n\n"]))
def test_any_markdown_keeps_its_rendering_through_translation(snippets, separator):
    doc = parse_source("Title: T\n\n" + separator.join(snippets) + "\n")
    french = markdown.markdown(doc.body, extensions=["extra", "toc"])
    fallback = translate(doc, Catalog(locale="en")).body
    assert visible_text(fallback) == visible_text(doc.body)
    assert "markdown=" not in markdown.markdown(fallback, extensions=["extra", "toc"])
    catalog = template_catalog(doc, "x.md")
    for message in catalog:
        message.string = message.id  # the header too: harmless
    same = markdown.markdown(translate(doc, catalog).body, extensions=["extra", "toc"])
    assert " ".join(BeautifulSoup(same, "html.parser").get_text().split()) == " ".join(
        BeautifulSoup(french, "html.parser").get_text().split()
    )


# --- never losing a translation ----------------------------------------------

WORDS = "le la un une IA start-up modèle données cloud Paris levée fonds OpenAI Mistral puce réseau".split()
sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=10).map(lambda w: " ".join(w).capitalize() + ".")
block = st.one_of(sentence, sentence.map(lambda s: "## " + s[:-1]))
edit = st.tuples(st.sampled_from(["replace", "insert", "delete", "tweak"]), st.integers(0, 20), sentence)


def _source(blocks: list[str]) -> str:
    return "Title: Un titre\nDate: 2023-11-27\n\n" + "\n\n".join(blocks) + "\n"


@settings(max_examples=100, deadline=None)
@given(st.lists(block, min_size=1, max_size=8), st.lists(edit, min_size=1, max_size=6))
def test_updating_never_loses_a_translation(blocks, edits):
    with tempfile.TemporaryDirectory() as directory:
        article = Path(directory) / "01-x.md"
        article.write_text(_source(blocks), "utf-8")
        po = update_sidecar(article).path
        catalog = read_sidecar(po)
        for number, message in enumerate((m for m in catalog if m.id), 1):
            message.string = f"T{number} {message.id}"
        with po.open("wb") as handle:  # as another tool would save it
            write_po(handle, catalog)
        old = {m.string for m in catalog if m.id}

        edited = list(blocks)
        for action, position, text in edits:
            at = position % (len(edited) + 1)
            if action == "insert" or not edited:
                edited.insert(at, text)
            elif action == "replace":
                edited[at % len(edited)] = text
            elif action == "delete":
                del edited[at % len(edited)]
            else:
                edited[at % len(edited)] = edited[at % len(edited)].replace(".", " cloud.", 1) + " IA"
        article.write_text(_source(edited or ["Vide."]), "utf-8")
        update_sidecar(article)

        after = read_sidecar(po)
        kept = {m.string for m in after if m.id} | {m.string for m in after.obsolete.values()}
        assert old <= kept
        assert not [p for p in check_sidecar(article, po) if "out of date" in p]
        assert update_sidecar(article).changed is False


_MARKUP_PIECES = list("ab :<>/[]()\"'*_`!#=.-") + ["javascript:", "data:", "<b>", "</b>", "<script>", "](", "http://x"]
_MARKUP_TEXT = st.lists(st.sampled_from(_MARKUP_PIECES), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(source=_MARKUP_TEXT, translation=_MARKUP_TEXT)
def test_the_quick_safety_check_agrees_with_the_markup_check(source, translation):
    from cafetech.sidecars import _unsafe, _unsafe_markup

    assert _unsafe(source, translation) == _unsafe_markup(source, translation)


# --- an update rewrites only what changed ------------------------------------


def save_on_one_line(po: Path) -> bytes:
    """Save a sidecar as a translator's editor may: every string on one line, however long."""
    buffer = io.BytesIO()
    write_po(buffer, read_sidecar(po), width=0, include_previous=True)
    po.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().split("\n"), after.decode().split("\n"), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_an_unchanged_source_leaves_a_sidecar_written_on_long_lines_byte_for_byte(translated):
    article, po = translated
    stamp_published(po, dt.date(2024, 1, 2))
    data = save_on_one_line(po)
    assert max(len(line) for line in data.split(b"\n")) > 500  # a whole paragraph's msgstr on one line
    result = update_sidecar(article)
    assert (result.changed, po.read_bytes()) == (False, data)


def test_a_changed_block_rewrites_only_its_entry_and_the_creation_date(translated):
    article, po = translated
    stamp_published(po, dt.date(2024, 1, 2))
    data = save_on_one_line(po)
    old = "Un autre élément semblait jouer"
    article.write_text(article.read_text("utf-8").replace(old, "Un autre facteur semblait jouer"), "utf-8")
    result = update_sidecar(article)
    after = po.read_bytes()
    assert (result.changed, result.fuzzy) == (True, 1)
    before_chunks, after_chunks = data.split(b"\n\n"), after.split(b"\n\n")
    edited = [n for n, chunk in enumerate(before_chunks) if old.encode() in chunk and b"msgctxt" in chunk]
    assert len(edited) == 1 and len(after_chunks) == len(before_chunks)
    for n, (chunk, new) in enumerate(zip(before_chunks, after_chunks)):
        if n == 0:
            assert all(line[1:].startswith('"POT-Creation-Date:') for line in changed_lines(chunk, new))
        elif n == edited[0]:
            assert b"#, fuzzy" in new and b"#| msgid" in new
            assert all(len(line) <= 80 for line in new.decode().split("\n") if not line.startswith("#:"))  # rewrapped
        else:
            assert new == chunk
    assert update_sidecar(article).changed is False and po.read_bytes() == after


def test_a_header_field_babel_does_not_know_is_kept(translated):
    article, po = translated
    text = po.read_text("utf-8").replace('"Generated-By', '"X-Generator: Poedit 3.4\\n"\n"Generated-By')
    po.write_text(text, "utf-8")
    assert "X-Generator" not in str(read_po(io.StringIO(text)).mime_headers)  # Babel alone drops it
    assert ("X-Generator", "Poedit 3.4") in read_sidecar(po).mime_headers
    article.write_text(article.read_text("utf-8") + "\nUn paragraphe de plus.\n", "utf-8")
    update_sidecar(article)
    assert '"X-Generator: Poedit 3.4\\n"' in po.read_text("utf-8")
    assert b"X-Generator: Poedit 3.4" in render_sidecar(read_sidecar(po))


LONG_WORDS = st.lists(st.sampled_from(WORDS + ["anticonstitutionnellement", "«", "—", "l’IA"]), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(block, min_size=2, max_size=8, unique=True),
    st.lists(LONG_WORDS.map(" ".join), min_size=8, max_size=8),
    st.sampled_from([0, 20, 50, 76, 120]),
    st.integers(0, 7),
)
def test_an_update_never_rewraps_an_entry_it_did_not_change(blocks, translations, width, edited):
    with tempfile.TemporaryDirectory() as directory:
        article = Path(directory) / "01-x.md"
        article.write_text(_source(blocks), "utf-8")
        po = update_sidecar(article).path
        catalog = read_sidecar(po)
        for message, string in zip((m for m in catalog if m.id), translations):
            message.string = string
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=width, sort_output=False, include_previous=True)  # another tool's layout
        po.write_bytes(buffer.getvalue())
        before = po.read_bytes()
        assert update_sidecar(article, min_coverage=None).changed is False and po.read_bytes() == before

        edited %= len(blocks)
        changed = list(blocks)
        changed[edited] = blocks[edited].rstrip(".") + " ÉDITÉ" + ("." if blocks[edited].endswith(".") else "")
        article.write_text(_source(changed), "utf-8")
        update_sidecar(article, min_coverage=None)
        after = po.read_bytes()
        text = blocks[edited].removeprefix("## ")
        old_entry = f'msgid "{text}"'.encode()
        for chunk in before.split(b"\n\n")[1:]:
            if old_entry not in chunk.replace(b'"\n"', b""):  # an entry the edit did not touch
                assert chunk in after.split(b"\n\n")
        header = changed_lines(before.split(b"\n\n")[0], after.split(b"\n\n")[0])
        assert all("POT-Creation-Date" in line for line in header)
        assert update_sidecar(article, min_coverage=None).changed is False and po.read_bytes() == after


# --- a text written twice is one entry ---------------------------------------


def seed_with_the_lede_twice(tmp_path, source: Path, summary: bool, paragraph: bool) -> tuple[Path, Path, str, str]:
    """A copy of a seed article and of its sidecar as written before a repeated text had one entry: the
    lede both as the summary and as the first paragraph, each translated or not."""
    article = tmp_path / source.name
    shutil.copy(source, article)
    po = sidecar_path(article)
    catalog = read_sidecar(shutil.copy(sidecar_path(source), po))
    doc = parse_source(article.read_text("utf-8"))
    lede = next(b for b in doc.blocks if b.kind == "summary")
    first = next(b for b in doc.blocks if b.kind == "paragraph")
    assert first.text == lede.text
    english = catalog.get(lede.text, "summary").string
    catalog.obsolete = {key: m for key, m in catalog.obsolete.items() if m.id != lede.text}
    kept = catalog.get(lede.text, "summary")
    kept.string, kept.locations = english if summary else "", [(article.name, lede.line)]
    twin = catalog.get(lede.text, "paragraph") or Message(lede.text, context="paragraph")
    twin.string, twin.locations = english if paragraph else "", [(article.name, first.line)]
    catalog[lede.text] = twin
    po.write_bytes(render_sidecar(catalog))
    assert read_sidecar(po).get(lede.text, "paragraph") is not None
    return article, po, lede.text, english


def test_the_seed_lede_is_one_entry_in_the_template():
    doc = parse_source(FIRST.read_text("utf-8"))
    catalog = template_catalog(doc, FIRST.name)
    lede = doc.blocks[1].text
    assert catalog.get(lede, "summary").locations == [(FIRST.name, 7), (FIRST.name, 11)]
    assert catalog.get(lede, "paragraph") is None
    assert len([m for m in catalog if m.id]) == len(doc.blocks) - 1


@pytest.mark.parametrize("source", [FIRST, SECOND], ids=["first", "second"])
def test_a_sidecar_with_the_lede_twice_is_checked_counted_and_merged_without_loss(tmp_path, source):
    article, po, lede, english = seed_with_the_lede_twice(tmp_path, source, summary=True, paragraph=True)
    doc = parse_source(article.read_text("utf-8"))
    assert check_sidecar(article, po) == []  # the second entry is redundant, not out of date
    texts = len({block.text for block in doc.blocks})
    assert coverage(doc, read_sidecar(po)) == Coverage(texts, 0, 0)

    result = update_sidecar(article, min_coverage=None)
    assert (result.added, result.fuzzy, result.obsolete) == (0, 0, 1)
    catalog = read_sidecar(po)
    kept = catalog.get(lede, "summary")
    assert kept.string == english and [line for _, line in kept.locations] == [7, 11]
    assert catalog.get(lede, "paragraph") is None and [m.string for m in catalog.obsolete.values()] == [english]
    assert coverage(doc, catalog) == Coverage(texts, 0, 0)
    translated = translate(doc, catalog)
    assert translated.metadata["summary"] == english and translated.body.startswith(english + "\n")
    assert check_sidecar(article, po) == [] and update_sidecar(article, min_coverage=None).changed is False


def test_a_translation_only_the_dropped_entry_had_is_carried_to_the_kept_one(tmp_path):
    article, po, lede, english = seed_with_the_lede_twice(tmp_path, FIRST, summary=False, paragraph=True)
    doc = parse_source(article.read_text("utf-8"))
    before = translate(doc, read_sidecar(po))  # read as the update will merge it
    assert before.metadata["summary"] == english and before.fallback_blocks == ()
    update_sidecar(article, min_coverage=None)
    catalog = read_sidecar(po)
    assert catalog.get(lede, "summary").string == english and "fuzzy" not in catalog.get(lede, "summary").flags
    assert translate(doc, catalog).body == before.body and coverage(doc, catalog).untranslated == 0


def test_a_repeated_text_is_translated_once_everywhere_it_appears():
    doc = parse_source("Title: T\nSummary: Même\n\nMême\n\n- Même\n")
    catalog = template_catalog(doc, "x.md")
    catalog.get("Même", "summary").string = "Same"
    result = translate(doc, catalog)
    assert result.metadata["summary"] == "Same" and result.body == "Same\n\n- Same\n"
    assert coverage(doc, catalog) == Coverage(1, 0, 1)


# --- the publication lifecycle -----------------------------------------------


def with_header_field(po: Path, field: str) -> bytes:
    text = po.read_text("utf-8").replace('"Generated-By', f'"{field}\\n"\n"Generated-By')
    po.write_text(text, "utf-8")
    return po.read_bytes()


def test_publication_state_is_read_from_the_x_published_field(translated):
    _, po = translated
    assert publication_state(read_sidecar(po)) == "new" and publication_state(Catalog()) == "new"
    with_header_field(po, "X-Published: 2024-01-02")
    catalog = read_sidecar(po)
    assert publication_state(catalog) == "published" and b"X-Published: 2024-01-02" in render_sidecar(catalog)
    po.write_text(po.read_text("utf-8").replace("X-Published: 2024-01-02", "X-Published: Withdrawn"), "utf-8")
    assert publication_state(read_sidecar(po)) == "withdrawn"


def test_a_publication_stamp_that_is_neither_a_day_nor_withdrawn_is_refused_with_its_line(translated):
    _, po = translated
    with_header_field(po, "X-Published: bientôt")
    line = po.read_text("utf-8").split("\n").index('"X-Published: bientôt\\n"') + 1
    with pytest.raises(SidecarError, match=rf"^{re.escape(str(po))}:{line}: X-Published is 'bientôt'"):
        read_sidecar(po)


def test_a_french_edit_to_a_publishable_translation_stamps_it_published(translated):
    article, po = translated
    old = "Un autre élément semblait jouer"
    article.write_text(article.read_text("utf-8").replace(old, "Un autre facteur semblait jouer"), "utf-8")
    assert update_sidecar(article, today=dt.date(2024, 3, 4)).fuzzy == 1
    catalog = read_sidecar(po)
    counts = coverage(parse_source(article.read_text("utf-8")), catalog)
    assert publication_state(catalog) == "published" and '"X-Published: 2024-03-04\\n"' in po.read_text("utf-8")
    assert counts.percent < 100 and counts.percent_with_stale == 100
    assert should_publish(counts, publication_state(catalog), 100)
    article.write_text(article.read_text("utf-8") + "\nNouveau.\n", "utf-8")
    update_sidecar(article, today=dt.date(2025, 1, 1))
    assert "X-Published: 2024-03-04" in po.read_text("utf-8")  # the first day stays


def test_an_unfinished_translation_is_stamped_only_at_its_threshold(article):
    po = update_sidecar(article).path
    assert publication_state(read_sidecar(po)) == "new"  # just created: never stamped
    fill(po, lambda m: None if m.context == "heading" else english(m))  # 3 headings of 10 texts untranslated
    assert update_sidecar(article).changed is False and publication_state(read_sidecar(po)) == "new"
    assert update_sidecar(article, min_coverage=None).changed is False
    assert update_sidecar(article, min_coverage=70, today=dt.date(2024, 1, 2)).changed is True
    assert publication_state(read_sidecar(po)) == "published"


def test_an_update_never_changes_a_withdrawn_translation(translated):
    article, po = translated
    with_header_field(po, "X-Published: withdrawn")
    article.write_text(article.read_text("utf-8").replace("## Fronde des investisseurs", "## Fronde"), "utf-8")
    update_sidecar(article)
    catalog = read_sidecar(po)
    assert publication_state(catalog) == "withdrawn" and po.read_text("utf-8").count("X-Published") == 1
    assert stamp_published(po, dt.date(2024, 1, 2)) is False and publication_state(read_sidecar(po)) == "withdrawn"
    assert not should_publish(Coverage(10, 0, 0), "withdrawn", 100)


def test_stamp_published_adds_one_header_line_once(translated):
    _, po = translated
    before = po.read_bytes()
    assert stamp_published(po, dt.date(2024, 1, 2)) is True
    assert changed_lines(before, po.read_bytes()) == ['+"X-Published: 2024-01-02\\n"']
    stamped = po.read_bytes()
    assert stamp_published(po, dt.date(2025, 1, 1)) is False and po.read_bytes() == stamped


@pytest.mark.parametrize(
    ("counts", "state", "expected"),
    [
        (Coverage(10, 0, 0), "new", True),
        (Coverage(9, 1, 0, stale=1), "new", False),
        (Coverage(9, 0, 1), "new", False),
        (Coverage(0, 2, 8, stale=2), "published", True),
        (Coverage(10, 0, 0), "withdrawn", False),
    ],
)
def test_should_publish_follows_the_state_then_the_coverage(counts, state, expected):
    assert should_publish(counts, state, 100) is expected


def test_should_publish_refuses_an_unknown_state():
    with pytest.raises(ValueError, match="'new', 'published' or 'withdrawn'"):
        should_publish(Coverage(1, 0, 0), "draft", 100)


def test_a_stale_block_shows_its_previous_translation_unless_the_policy_is_source(translated):
    article, po = translated
    old = "Un autre élément semblait jouer"
    article.write_text(article.read_text("utf-8").replace(old, "Un autre facteur semblait jouer"), "utf-8")
    update_sidecar(article)
    doc, catalog = parse_source(article.read_text("utf-8")), read_sidecar(po)
    edited = doc.blocks[-1]
    previous = translate(doc, catalog)
    assert (previous.fallback_blocks, previous.stale_blocks) == ((), (edited,))
    assert f"EN[paragraph] {old}" in previous.body and 'lang="fr"' not in previous.body
    source = translate(doc, catalog, stale="source")
    assert (source.fallback_blocks, source.stale_blocks) == ((edited,), (edited,))
    assert "EN[paragraph] Un autre" not in source.body and f'<p lang="fr" markdown="1">{edited.text}</p>' in source.body


def test_an_unsafe_previous_translation_stays_french():
    doc = parse_source("Title: T\n\nUn mot.\n")
    catalog = template_catalog(doc, "x.md")
    message = catalog.get("Un mot.", "paragraph")
    message.string, message.flags = "A word<script>alert(1)</script>.", {"fuzzy"}
    result = translate(doc, catalog)
    assert "<script>" not in result.body and result.stale_blocks == (doc.blocks[1],)
    assert result.fallback_blocks == doc.blocks  # the title is not translated at all


def test_the_stale_policy_is_previous_or_source():
    with pytest.raises(ValueError, match="'previous', 'source'"):
        translate(parse_source("Title: T\n"), Catalog(), stale="drop")


def test_a_new_text_written_twice_is_one_missing_entry_named_by_its_first_block(tmp_path):
    article = tmp_path / "x.md"
    article.write_text("Title: T\n\nUn.\n", "utf-8")
    po = update_sidecar(article).path
    article.write_text("Title: T\n\nUn.\n\nDeux.\n\nDeux.\n", "utf-8")
    assert check_sidecar(article, po) == [
        f"{po}:1: out of date: the paragraph at x.md:5 ('Deux.') has no entry; update the sidecar"
    ]
    assert update_sidecar(article).added == 1 and check_sidecar(article, po) == []


def test_the_translation_checks_name_a_missing_sidecar_an_orphan_and_an_out_of_date_theme_catalog(tmp_path):
    from babel.messages.catalog import Catalog

    from cafetech.sidecars import check_theme_catalog, check_translations, orphan_sidecars

    source = tmp_path / "01-a.md"
    source.write_text("Title: Un titre\n\nUn paragraphe.\n", "utf-8")
    (tmp_path / "02-gone.en.po").write_text("", "utf-8")
    assert check_translations([source], lambda s: s.with_suffix(".en.po")) == [f"{tmp_path / '01-a.en.po'}: missing; run `invoke translations.update`"]
    assert orphan_sidecars(tmp_path) == [tmp_path / "02-gone.en.po"]
    theme = tmp_path / "messages.po"
    theme.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Numéros"\nmsgstr "Issues"\n', "utf-8")
    template = Catalog(locale="en")
    template.add("Sujets")
    assert check_theme_catalog(theme, template, "messages.po") == [
        "messages.po: out of date: no entry for 'Sujets'; run `invoke translations.update`",
        "messages.po: out of date: 'Numéros' is not in the templates any more",
    ]


# --- reading a sidecar as an update would leave it (what the build shows) -------

EDITED = "Un autre élément semblait jouer"


def edit(article: Path, old: str = EDITED, new: str = "Un autre facteur semblait jouer") -> None:
    article.write_text(article.read_text("utf-8").replace(old, new), "utf-8")


def as_built(article: Path, po: Path, min_coverage: float = 100):
    """(document, catalog) as the build reads them: the sidecar merged with the French in memory."""
    doc = parse_source(article.read_text("utf-8"))
    return doc, as_updated(read_sidecar(po), doc, "en", min_coverage, po)


def test_a_complete_catalog_read_after_a_french_edit_without_update_is_published_with_that_block_stale(translated):
    article, po = translated
    written = po.read_bytes()
    edit(article)
    doc, catalog = as_built(article, po)
    counts, state = coverage(doc, catalog), publication_state(catalog)
    assert state == "published" and should_publish(counts, state, 100)
    assert counts == Coverage(9, 1, 0, stale=1)
    page = translate(doc, catalog)
    assert page.stale_blocks == (doc.blocks[-1],) and page.fallback_blocks == ()
    assert f"EN[paragraph] {EDITED}" in page.body
    assert po.read_bytes() == written  # reading never writes
    assert publication_state(read_sidecar(po)) == "new"


def test_an_unfinished_catalog_read_after_a_french_edit_is_published_only_if_it_had_reached_the_minimum(article):
    po = update_sidecar(article).path
    fill(po, lambda m: None if m.context == "heading" else english(m))  # 7 of 10 texts translated
    edit(article)
    doc, catalog = as_built(article, po)
    counts, state = coverage(doc, catalog), publication_state(catalog)
    assert state == "new" and not should_publish(counts, state, 100)
    doc, catalog = as_built(article, po, min_coverage=70)
    assert publication_state(catalog) == "published" and coverage(doc, catalog).stale == 1


def test_a_withdrawn_catalog_read_after_a_french_edit_stays_withdrawn(translated):
    article, po = translated
    with_header_field(po, "X-Published: withdrawn")
    edit(article)
    doc, catalog = as_built(article, po)
    assert publication_state(catalog) == "withdrawn" and not should_publish(coverage(doc, catalog), "withdrawn", 100)


def test_a_catalog_that_matches_its_french_is_read_as_it_is(translated):
    article, po = translated
    doc, catalog = as_built(article, po)
    assert coverage(doc, catalog) == Coverage(10, 0, 0) and publication_state(catalog) == "published"
    assert render_sidecar(catalog).replace(b'"X-Published: ' + dt.date.today().isoformat().encode() + b'\\n"\n', b"") == render_sidecar(
        read_sidecar(po)
    )


def test_an_edit_undone_after_an_update_gets_its_translation_back_not_fuzzy(translated):
    article, po = translated
    original = article.read_text("utf-8")
    edit(article)
    update_sidecar(article)
    assert "#| msgid" in po.read_text("utf-8")
    article.write_text(original, "utf-8")
    doc, catalog = as_built(article, po)  # the build, before any update
    assert translate(doc, catalog).stale_blocks == () and coverage(doc, catalog) == Coverage(10, 0, 0)
    result = update_sidecar(article)
    assert (result.added, result.fuzzy, result.obsolete) == (0, 0, 0)
    message = read_sidecar(po).get(doc.blocks[-1].text, "paragraph")
    assert "fuzzy" not in message.flags and message.previous_id == [] and message.string == f"EN[paragraph] {doc.blocks[-1].text}"
    assert "#| msgid" not in po.read_text("utf-8") and "#, fuzzy" not in po.read_text("utf-8")


def test_the_previous_msgid_stays_the_french_translated_through_two_edits_and_undoes_both(translated):
    article, po = translated
    original = article.read_text("utf-8")
    edit(article)
    update_sidecar(article)
    edit(article, "Un autre facteur semblait jouer", "Un autre facteur semblait aussi jouer")
    assert update_sidecar(article).fuzzy == 1
    doc = parse_source(article.read_text("utf-8"))
    message = read_sidecar(po).get(doc.blocks[-1].text, "paragraph")
    assert message.previous_id[0].startswith(EDITED) and message.string.startswith(f"EN[paragraph] {EDITED}")
    article.write_text(original, "utf-8")
    update_sidecar(article)
    assert "#, fuzzy" not in po.read_text("utf-8") and "#| msgid" not in po.read_text("utf-8")


def test_a_block_back_to_the_text_of_an_obsolete_entry_gets_its_translation_back_not_fuzzy(translated):
    article, po = translated
    original = article.read_text("utf-8")
    edit(article, "## Fronde des investisseurs", "## X")  # too far for a fuzzy match: the entry goes obsolete
    result = update_sidecar(article)
    assert (result.added, result.obsolete) == (1, 1)
    assert read_sidecar(po).obsolete
    article.write_text(original, "utf-8")
    doc, catalog = as_built(article, po)
    assert translate(doc, catalog).stale_blocks == () and coverage(doc, catalog).percent == 100
    update_sidecar(article)
    catalog = read_sidecar(po)
    back = catalog.get("Fronde des investisseurs", "heading")
    assert back.string == "EN[heading] Fronde des investisseurs" and "fuzzy" not in back.flags and not catalog.obsolete
