"""`translations.update` from the record of its last run: the same files as a full update, after any change."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import types
from pathlib import Path

import pytest

import cafetech.sidecars as sidecars
from cafetech.sidecars import read_sidecar, render_sidecar, sidecar_path
from cafetech.translation_memory import update_sidecars
from cafetech.update_state import FORMAT, code_digest, load_state, save_state
from cafetech_dev.bench import generate_corpus
from support import ROOT

THEME_CATALOG = ROOT / "theme" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
TODAY = dt.date(2024, 3, 4)
NEW_TEXT = "Zorglub quintuple ses ventes de parapluies martiens depuis le début de la semaine."


class FrozenClock(dt.datetime):
    """The clock of the catalogs' creation date: both updates of a step write the same minute."""

    @classmethod
    def now(cls, tz=None):
        return cls(2024, 3, 4, 9, 30, tzinfo=tz or dt.timezone.utc)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(sidecars, "dt", types.SimpleNamespace(date=dt.date, datetime=FrozenClock))


def sources(content: Path) -> list[Path]:
    return sorted(path for pattern in ("issues/*/*.md", "pages/*.md") for path in content.glob(pattern))  # tasks.SOURCE_GLOBS


def files(content: Path) -> dict[str, bytes]:
    return {path.relative_to(content).as_posix(): path.read_bytes() for path in sorted(content.rglob("*")) if path.is_file()}


class Twins:
    """Two copies of one site: one updated from its record, one by full updates; every edit made to both."""

    def __init__(self, root: Path, template: Path):
        self.record = root / "record.json"
        self.incremental, self.full = root / "incremental", root / "full"
        for content in (self.incremental, self.full):
            shutil.copytree(template, content)

    def edit(self, relative: str, change) -> None:
        for content in (self.incremental, self.full):
            path = content / relative
            path.write_text(change(path.read_text("utf-8")), "utf-8")

    def translate(self, relative_po: str, french: str, english: str) -> None:
        """A translator writes the msgstr of one entry, by hand."""
        for content in (self.incremental, self.full):
            path = content / relative_po
            catalog = read_sidecar(path)
            next(message for message in catalog if message.id == french).string = english
            path.write_bytes(render_sidecar(catalog))

    def update(self, memory: bool = True):
        """Both updates; the files must be the same. The incremental run."""
        options = {"theme_catalog": THEME_CATALOG, "memory": memory, "today": TODAY}
        run = update_sidecars(self.incremental, sources(self.incremental), "en", 100, state=self.record, **options)
        full = update_sidecars(self.full, sources(self.full), "en", 100, **options)
        assert files(self.incremental) == files(self.full)
        assert [line.replace(str(self.incremental), "") for line in run.failures] == [line.replace(str(self.full), "") for line in full.failures]
        return run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Twelve sections in four issues, every sidecar complete; an unreadable sidecar in none."""
    content = tmp_path_factory.mktemp("corpus") / "content"
    generate_corpus(content, 12, photo_every=None)
    return content


def issues(content: Path) -> list[Path]:
    return sorted((content / "issues").iterdir())


def first_article(issue: Path) -> str:
    return next(path for path in sorted(issue.glob("0*.md"))).relative_to(issue.parent.parent).as_posix()


def add_paragraph(text: str) -> str:
    return text.rstrip("\n") + f"\n\n{NEW_TEXT}\n"


def test_after_each_change_the_update_from_the_record_writes_what_a_full_update_writes(corpus, tmp_path):
    site = Twins(tmp_path, corpus)
    every = len(sources(corpus))
    first = site.update()
    assert (len(first.results), first.skipped) == (every, 0)  # no record yet: every sidecar
    assert site.update().skipped == every  # nothing changed: none

    # One issue changed: a French paragraph edited, one added; its sidecars follow, the others are left alone.
    one, other = issues(site.incremental)[-1], issues(site.incremental)[0]
    article = first_article(one)
    site.edit(article, lambda text: add_paragraph(text).replace(" ", "  ", 1))
    run = site.update()
    assert [result.path.name for result in run.results] == [Path(article).with_suffix(".en.po").name]
    assert run.skipped == every - 1
    site.update()  # the pair updated last time is updated once more (it changed), then left alone
    assert site.update().skipped == every

    # A translation added elsewhere: the memory fills the unchanged sidecar that lacked it, which was
    # never published (its stamp removed by hand): complete now, it is stamped by the run after.
    elsewhere = first_article(other)
    site.edit(elsewhere, add_paragraph)
    site.update()
    waiting = sidecar_path(site.incremental / article)
    assert next(m for m in read_sidecar(waiting) if m.id == NEW_TEXT).string == ""
    site.edit(waiting.relative_to(site.incremental).as_posix(), lambda text: re.sub(r'^"X-Published: .*\n', "", text, flags=re.M))
    site.update()
    site.translate(Path(elsewhere).with_suffix(".en.po").as_posix(), NEW_TEXT, "Zorglub quintuples its sales of Martian umbrellas.")
    run = site.update()
    assert next(m for m in read_sidecar(waiting) if m.id == NEW_TEXT).string == "Zorglub quintuples its sales of Martian umbrellas."
    assert waiting in [result.path for result in run.results] and "X-Published" not in waiting.read_text("utf-8")
    site.update()
    assert f'"X-Published: {TODAY.isoformat()}\\n"' in waiting.read_text("utf-8")
    site.update()

    # A sidecar edited by hand: a translation changed, another entry emptied.
    po = Path(first_article(issues(corpus)[1])).with_suffix(".en.po").as_posix()
    site.edit(po, lambda text: text.replace('msgstr "EN ', 'msgstr "By hand: ', 1))
    site.edit(po, lambda text: re.sub(r'^msgstr "EN .*"$', 'msgstr ""', text, count=1, flags=re.M))
    run = site.update()
    assert [result.path.name for result in run.results] == [Path(po).name]

    # A new issue (its sidecars deleted, as after an import): filled from the memory, stamped at the next run.
    for path in issues(corpus)[2].glob("*.en.po"):
        for content in (site.incremental, site.full):
            (content / path.relative_to(corpus)).unlink()
    assert site.update().skipped < every
    site.update()

    # Without the memory, then with it again.
    site.edit(article, lambda text: text.replace(NEW_TEXT, "Un autre paragraphe, tout neuf, que personne ne traduit."))
    site.update(memory=False)
    site.update(memory=True)
    assert site.update().skipped == every


def damage(record: Path, how: str) -> None:
    data = record.read_bytes()
    head, _, body = data.partition(b"\n")
    if how == "truncated":
        record.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        record.write_bytes(b"\x00\xff not a record")
    elif how == "a byte changed":
        record.write_bytes(head + b"\n" + body.replace(b'"source":"', b'"source":"0', 1))
    elif how == "records of the wrong shape":
        save_state(record, {"issues/x.md": {"source": 1}})
    elif how == "a reading of the wrong shape":
        records, _ = load_state(record)
        for value in records.values():
            value["reading"] = {"entries": [["only one"]], "day": "2023-11-20", "title": None, "skipped": None}
            value["settled"] = None
        save_state(record, records)


@pytest.mark.parametrize("how", ["truncated", "garbage", "a byte changed", "records of the wrong shape", "a reading of the wrong shape"])
def test_a_damaged_record_is_named_in_one_line_and_every_sidecar_updated(corpus, tmp_path, how):
    site = Twins(tmp_path, corpus)
    site.update()
    site.edit(first_article(issues(corpus)[0]), add_paragraph)
    damage(site.record, how)
    run = site.update()
    assert len(run.results) == len(sources(corpus)) and run.skipped == 0
    assert run.warning and "\n" not in run.warning and str(site.record) in run.warning and "every sidecar updated" in run.warning
    assert site.update().warning is None  # a good record again: the sidecar just changed is updated once more
    assert site.update().skipped == len(sources(corpus))


def test_a_deleted_record_or_one_of_other_code_gives_a_full_update_without_a_word(corpus, tmp_path, monkeypatch):
    site = Twins(tmp_path, corpus)
    site.update()
    site.record.unlink()
    run = site.update()
    assert (len(run.results), run.warning) == (len(sources(corpus)), None)
    assert site.record.read_bytes().startswith(f"{FORMAT} {code_digest()} ".encode())
    monkeypatch.setattr("cafetech.update_state.code_digest", lambda: "other code")
    run = site.update()
    assert (len(run.results), run.warning) == (len(sources(corpus)), None)


def test_the_task_keeps_its_record_in_the_cache_and_says_a_damaged_one_on_stderr(tmp_path, monkeypatch, capsys):
    import invoke

    import tasks

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(tasks.theme_catalog("en"), tmp_path / "messages.po")
    monkeypatch.setattr(tasks, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(tasks, "theme_catalog", lambda lang: tmp_path / "messages.po")
    tasks.translations_update(invoke.Context(), content=str(content))
    record = tasks.update_state_file(content, "en")
    assert record.parent == tmp_path / "cache" and record.exists()
    record.write_bytes(b"damaged")
    capsys.readouterr()
    tasks.translations_update(invoke.Context(), content=str(content))
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == f"warning: {record}: damaged (its digest does not match its content); every sidecar updated\n"


def test_a_state_file_that_cannot_be_written_is_said_and_the_sidecars_are_still_updated(corpus, tmp_path):
    site = Twins(tmp_path, corpus)
    site.record.mkdir()  # a folder where the file should be: os.replace fails
    site.edit(first_article(issues(corpus)[0]), add_paragraph)
    run = site.update()
    assert run.warning == f"{site.record}: cannot be written (Is a directory); the next update updates every sidecar"
