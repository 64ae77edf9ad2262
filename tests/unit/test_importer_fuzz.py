"""Fuzzing the importer: any text is either refused with one clear line, or imported with nothing lost."""

from __future__ import annotations

import datetime as dt
import html
import re

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cafetech.importer import IssueImportError, issue_files, parse_issue

WORDS = ["OpenAI", "l’IA", "d'un", "Kyutai", "«", "»", "“", "”", "?", "!", ":", "…", "...", "–", "-", "—",
         "*", "_", "`", "[", "]", "<b>", "&amp;", "#", "1.", "2)", ">", "\\", "Crédit photos:", "Pour aller plus loin:",
         "Et aussi:", "milliards", "de", "la", "Le", "sujet", ".", ",", ";", "é", "œ", "100 %", "2019"]

line = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
issue_text = st.lists(st.one_of(line, st.just(""), st.just("– un titre lu")), min_size=0, max_size=25).map("\n".join)


def visible_text(markdown_text: str) -> str:
    """What a reader sees of a Markdown file (its metadata header removed), spaces folded."""
    body = markdown_text.split("\n\n", 1)[1] if "\n\n" in markdown_text else ""
    rendered = markdown.markdown(body, extensions=["extra", "toc"])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issue_text)
def test_any_text_is_refused_in_one_line_or_kept_whole(text):
    try:
        issue = parse_issue(text, "fuzz.txt")
    except IssueImportError as error:
        message = str(error)
        assert message.startswith("fuzz.txt") and "\n" not in message
        return
    files = issue_files(issue, dt.date(2024, 1, 1), text)
    seen = " ".join(visible_text(content) for name, content in files.items() if name.endswith(".md"))
    metadata = "\n".join(files.values())
    # Every non-blank line of the text survives: as a title, subtitle, credits or further-reading
    # item in the metadata, or as visible text of a section (subheading and paragraph split at " – ").
    for raw in text.split("\n"):
        words = " ".join(raw.split())
        if not words:
            continue
        kept = words in seen or words in metadata
        if not kept and " – " in words:
            head, _, rest = words.partition(" – ")
            kept = head in seen and rest in seen
        if not kept and words.startswith(("– ", "- ", "— ")):
            kept = words[2:].strip() in metadata
        assert kept, words


TITLE_WORDS = [w for w in WORDS if w not in ("–", "-", "—", "Crédit photos:", "Pour aller plus loin:", "Et aussi:", ".", ",", ";", ":", "#", ">", "1.", "2)", "*")]
title = st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=8).map(lambda ws: "Sujet " + " ".join(ws) + " fin")
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=15).map(lambda ws: "Texte " + " ".join(ws) + " fin.")
section = st.tuples(
    title,
    sentence,
    st.lists(st.tuples(st.sampled_from(["Un intertitre", "Vers un exode ?", "Enfin !"]), sentence), max_size=3),
    st.lists(title, max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(title, sentence, st.lists(section, min_size=1, max_size=4, unique_by=lambda s: s[0]), st.booleans())
def test_well_formed_issues_are_imported_with_every_sentence(issue_title, introduction, sections, credits):
    lines = [issue_title, "Et aussi: un sous-titre", introduction]
    for heading, lede, paragraphs, further in sections:
        lines += [heading, lede, *(f"{sub} – {text}" for sub, text in paragraphs)]
        if further:
            lines += ["Pour aller plus loin:", *(f"– {item}" for item in further)]
    if credits:
        lines.append("Crédit photos: DR")
    text = "\n".join(lines)
    issue = parse_issue(text, "fuzz.txt")  # must not be refused
    assert [s.title for s in issue.sections] == [s[0] for s in sections]
    files = issue_files(issue, dt.date(2024, 1, 1), text)
    seen = " ".join(visible_text(content) for name, content in files.items() if name.endswith(".md"))
    for heading, lede, paragraphs, further in sections:
        assert " ".join(lede.split()) in seen
        for sub, paragraph in paragraphs:
            assert sub in seen and " ".join(paragraph.split()) in seen
    assert [list(s.further_reading) for s in issue.sections] == [s[3] for s in sections]
    assert issue.credits == ("DR" if credits else None)
