"""`invoke translations.status`: the table of translated, fuzzy, stale and untranslated texts, then the stale and withdrawn pages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import invoke
import pytest

import tasks
from cafetech.sidecars import sidecar_path, stamp_published, update_sidecar

SEED = Path(__file__).resolve().parents[2] / "content" / "issues" / "2023-11-20"


@pytest.fixture
def content(tmp_path) -> Path:
    """The seed issue, its sidecars written afresh and every entry translated."""
    folder = tmp_path / "content" / "issues" / "2023-11-20"
    folder.mkdir(parents=True)
    for source in SEED.glob("*.md"):
        shutil.copy(source, folder / source.name)
        po = update_sidecar(folder / source.name).path
        po.write_text(po.read_text("utf-8").replace('msgstr ""\n\n', 'msgstr "EN"\n\n'), "utf-8")
    return tmp_path / "content"


def status(content: Path, capsys) -> list[str]:
    tasks.translations_status(invoke.Context(), content=str(content))
    return capsys.readouterr().out.splitlines()


def test_status_counts_stale_texts_and_names_the_stale_and_withdrawn_pages(content, capsys):
    folder = content / "issues" / "2023-11-20"
    first, second = sorted(folder.glob("0*.md"))
    stamp_published(sidecar_path(first), dt.date(2024, 1, 2))
    first.write_text(first.read_text("utf-8").replace("## Fronde des investisseurs", "## Fronde des actionnaires"), "utf-8")
    update_sidecar(first)
    withdrawn = sidecar_path(second)
    withdrawn.write_text(
        withdrawn.read_text("utf-8").replace('"Generated-By', '"X-Published: withdrawn\\n"\n"Generated-By'), "utf-8"
    )

    lines = status(content, capsys)

    assert lines[0].split() == ["article", "translated", "fuzzy", "stale", "untranslated", "%"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:4]}
    assert rows[f"issues/2023-11-20/{first.name}"][:4] == ["9", "1", "1", "0"]
    total = lines[4].split()
    assert total[0] == "total" and total[3] == "1"  # the stale column is totalled too
    assert lines[5:] == [
        f"stale: {sidecar_path(first)}: 1 block(s) changed in French since translation",
        f"withdrawn: {withdrawn}",
    ]


def test_a_fuzzy_page_never_published_is_not_called_stale(content, capsys):
    first = sorted((content / "issues" / "2023-11-20").glob("0*.md"))[0]
    first.write_text(first.read_text("utf-8").replace("## Fronde des investisseurs", "## Fronde des actionnaires"), "utf-8")
    update_sidecar(first, min_coverage=None)
    lines = status(content, capsys)
    assert lines[-1].split()[0] == "total" and not [line for line in lines if line.startswith("stale:")]


def test_a_broken_catalog_is_reported_and_the_task_fails(content, capsys):
    po = sidecar_path(sorted((content / "issues" / "2023-11-20").glob("0*.md"))[0])
    po.write_text(po.read_text("utf-8").replace('msgstr "EN"', 'msgstr "EN', 1), "utf-8")
    with pytest.raises(invoke.Exit) as failure:
        status(content, capsys)
    assert failure.value.code == 1 and f"{po}:" in str(failure.value.message) and "malformed line" in failure.value.message
