"""Translation sidecars: cutting sources into blocks, updating catalogs without losing work, checking, translating."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import markdown
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from cafetech.sidecars import (
    Block,
    Coverage,
    SidecarError,
    check_sidecar,
    coverage,
    parse_source,
    read_sidecar,
    render_sidecar,
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
    assert result.coverage == Coverage(0, 0, len(doc.blocks))
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


def test_partial_catalog_fallbacks_are_french_and_fuzzy_entries_unused():
    doc = parse_source(FIRST.read_text("utf-8"))
    catalog = template_catalog(doc, FIRST.name)
    blocks = doc.blocks
    catalog.get(blocks[0].text, "title").string = "Despite the pressure, OpenAI refuses to reinstate Sam Altman"
    catalog.get(blocks[2].text, "further_reading").string = "OpenAI drops its latest language model"
    catalog.get(blocks[5].text, "heading").string = "Investors revolt"
    catalog.get(blocks[6].text, "paragraph").string = "Sam Altman's *aborted* return, see [this](https://example.com)."
    fuzzy = catalog.get(blocks[8].text, "paragraph")
    fuzzy.string, fuzzy.flags = "A stale translation", {"fuzzy"}
    result = translate(doc, catalog)

    assert result.metadata["title"] == "Despite the pressure, OpenAI refuses to reinstate Sam Altman"
    assert result.metadata["further_reading"] == ["OpenAI drops its latest language model", blocks[3].text]
    assert result.metadata["summary"] == blocks[1].text and result.metadata["lang"] == "en"
    assert result.metadata["slug"] == doc.metadata["slug"][0] and result.metadata["issue"] == "2023-11-20"
    assert result.coverage == Coverage(translated=4, fuzzy=1, untranslated=6)
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


def test_template_catalog_entries():
    doc = parse_source("Title: Même\nSummary: Même\n\nMême\n\n## Autre\n\nMême\n")
    catalog = template_catalog(doc, "/some/dir/03-x.md")
    assert str(catalog.locale) == "en" and catalog.project == "Cafétech"
    entries = [(m.context, m.id, m.string, m.locations) for m in catalog if m.id]
    assert entries == [
        ("title", "Même", "", [("03-x.md", 1)]),
        ("summary", "Même", "", [("03-x.md", 2)]),
        ("paragraph", "Même", "", [("03-x.md", 4), ("03-x.md", 8)]),
        ("heading", "Autre", "", [("03-x.md", 6)]),
    ]


def test_coverage_counts_current_blocks_and_duplicates():
    doc = parse_source("Title: T\n\nMême\n\nAutre\n\nMême\n\nFloue\n")
    catalog = template_catalog(doc, "x.md")
    catalog.get("Même", "paragraph").string = "Same"
    floue = catalog.get("Floue", "paragraph")
    floue.string, floue.flags = "Fuzzy", {"fuzzy"}
    catalog.add("Plus là", "Gone", context="paragraph")
    result = coverage(doc, catalog)
    assert result == Coverage(translated=2, fuzzy=1, untranslated=2)
    assert (result.total, result.percent) == (5, 40.0)
    assert Coverage(0, 0, 0).percent == 100.0


# --- updating sidecars -------------------------------------------------------


def test_update_creates_then_changes_nothing(article):
    result = update_sidecar(article)
    po = article.with_name(article.name[:-3] + ".en.po")
    assert result.path == po and po.exists()
    assert (result.created, result.changed, result.added, result.fuzzy, result.obsolete) == (True, True, 11, 0, 0)
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
    assert coverage(doc, catalog) == Coverage(10, 1, 0)
    assert translate(doc, catalog).fallback_blocks == (edited,)
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
    assert coverage(doc, catalog) == Coverage(11, 0, 0)
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
    assert coverage(parse_source(article.read_text("utf-8")), read_sidecar(foreign)) == Coverage(11, 0, 0)
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
