"""Build speed: the pure helpers, the reusable Markdown reader, and the forked workers."""

from __future__ import annotations

import logging
import sys

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

import build_speed
from build_speed import workers
from build_speed.markdown_reader import ReusingMarkdownReader
from cafetech.contents import content_objects
from support import ROOT

SEED = ROOT / "content" / "issues" / "2023-11-20"


# --- pure functions ---------------------------------------------------------


def test_split_pairs_keeps_an_article_with_its_sidecar_and_balances_the_weight():
    paths = sorted(f"{n:02}-x.{ext}" for n in range(1, 9) for ext in ("en.po", "md"))
    theirs, ours = build_speed.split_pairs(paths)
    assert sorted(theirs + ours) == paths
    for share in (theirs, ours):
        stems = {path.split(".")[0] for path in share}
        assert all(f"{stem}.md" in share and f"{stem}.en.po" in share for stem in stems)
    assert len(theirs) == len(ours) == 8
    # A light pair (an issue's files) after each heavy one (a section's): taking turns would give
    # one share every heavy pair; the weight is balanced instead.
    sizes = {path: (1 if int(path[:2]) % 2 == 0 else 10) for path in paths}
    theirs, ours = build_speed.split_pairs(paths, weight=sizes.get)
    assert sorted(theirs + ours) == paths
    assert abs(sum(map(sizes.get, theirs)) - sum(map(sizes.get, ours))) <= 20  # a pair's weight at most
    assert {path[:2] for path in theirs} & {"01", "03", "05", "07"} and {path[:2] for path in ours} & {"01", "03", "05", "07"}


def test_split_jobs_alternates_and_keeps_files_named_twice_here():
    jobs = [((f"page-{n}.html", "template", {}), {}) for n in range(6)]
    jobs.insert(3, ((), {"name": "page-1.html", "override_output": True}))
    theirs, ours = build_speed.split_jobs(jobs)
    names = [build_speed.output_name(job) for job in theirs]
    assert names == ["page-0.html", "page-3.html", "page-5.html"]
    assert [build_speed.output_name(job) for job in ours] == ["page-1.html", "page-2.html", "page-1.html", "page-4.html"]


@pytest.mark.parametrize("settings", [{"BUILD_WORKERS": 2}, {"BUILD_WORKERS": "yes"}, {"BUILD_PAGE_CACHE": "no"}])
def test_bad_settings_are_refused(settings):
    with pytest.raises(ValueError, match="build_speed"):
        build_speed.config(settings)


def test_content_objects_finds_contents_in_lists_and_dicts():
    from pelican.contents import Article

    def article(slug):
        return Article("<p>x</p>", {"title": slug, "slug": slug, "date": __import__("datetime").datetime(2023, 11, 20)})

    class Holder:
        pass

    holder = Holder()
    holder.articles, holder.by_lang, holder.other = [article("a")], {"en": [article("b")]}, ["not content", 3]
    holder.single = article("c")
    assert sorted(content.slug for content in content_objects(holder)) == ["a", "b", "c"]


# --- the reusable Markdown reader ---------------------------------------------


def reader_settings():
    settings = dict(DEFAULT_CONFIG)
    settings["MARKDOWN"] = {
        "extension_configs": {
            "markdown.extensions.extra": {},
            "markdown.extensions.toc": {},
            "markdown.extensions.meta": {},
        },
        "output_format": "html5",
    }
    return settings


def test_one_markdown_instance_reads_like_a_new_one_per_file(tmp_path):
    footnotes = tmp_path / "notes.md"
    footnotes.write_text("Title: Notes\nSummary: Un *résumé*\n\nUn fait[^1].\n\n## Titre\n\n[^1]: La source.\n", "utf-8")
    headings = tmp_path / "headings.md"
    headings.write_text("Title: Deux\n\n## Titre\n\nTexte *mis* en valeur.\n", "utf-8")
    files = [footnotes, *sorted(SEED.glob("0*.md")), headings, footnotes]
    reusing = ReusingMarkdownReader(reader_settings())
    for path in files:
        expected = MarkdownReader(reader_settings()).read(str(path))
        assert reusing.read(str(path)) == expected, path.name
    assert len({id(reusing.markdown()) for _ in range(3)}) == 1


# --- workers ------------------------------------------------------------------


def test_a_worker_returns_its_result_and_its_log_records(caplog):
    def work():
        logging.getLogger("cafetech.test").warning("from the child")
        return {"pages": 3}

    caplog.set_level(logging.WARNING)
    worker = workers.start(work, "test")
    assert worker.result() == {"pages": 3}
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("cafetech.test", "from the child")]


def test_a_failing_worker_says_why():
    def work():
        raise KeyError("missing")

    with pytest.raises(workers.WorkerFailed, match="test: KeyError: 'missing'"):
        workers.start(work, "test").result()


def test_join_all_logs_a_failed_worker_as_an_error(caplog):
    workers.start(lambda: 1 / 0, "writing", pending=True)
    workers.join_all()
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        "writing: ZeroDivisionError: division by zero"
    ]


def test_a_worker_that_dies_without_a_result():
    import os
    import signal
    import time

    worker = workers.start(lambda: time.sleep(30), "slow")
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(workers.WorkerFailed, match="slow: the worker process ended without a result"):
        worker.result()


def test_kill_all_stops_and_reaps_pending_workers():
    import os
    import time

    worker = workers.start(lambda: time.sleep(30), "slow", pending=True)
    workers.kill_all()
    assert worker not in workers._PENDING
    with pytest.raises(ProcessLookupError):
        os.kill(worker.pid, 0)


def test_kill_all_also_stops_what_a_worker_started(tmp_path):
    """A failed build kills its workers; a program a worker runs (Pagefind) must not live on."""
    import os
    import subprocess
    import time

    noted = tmp_path / "pid"

    def run():
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        noted.write_text(str(child.pid))
        child.wait()

    worker = workers.start(run, "runs a program", pending=True)
    deadline = time.monotonic() + 10
    while not noted.exists() or not noted.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    program = int(noted.read_text())
    workers.kill_all()
    assert worker not in workers._PENDING

    def running(pid):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, not reaped yet
        except FileNotFoundError:
            return False

    while running(program) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not running(program)


def test_a_failing_worker_sends_its_traceback_at_debug_level(caplog):
    caplog.set_level(logging.DEBUG, logger="build_speed.workers")

    def work():
        raise KeyError("missing")

    with pytest.raises(workers.WorkerFailed):
        workers.start(work, "test").result()
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("Traceback" in message and "KeyError: 'missing'" in message for message in debug), debug


def test_a_warning_captured_once_is_not_dropped_when_logged_again(caplog):
    """Pelican's loggers let a given warning through once; a reading done ahead, whose warning
    was captured (and the file left for Pelican to read again), must not use up that once."""
    from pelican.log import LimitFilter

    log = logging.getLogger("pelican.test_capture")
    assert any(isinstance(f, LimitFilter) for f in log.filters)  # Pelican's loggers have it
    message = "x.en.po: its source x.md does not exist; not published"
    with workers.captured_logs() as records:
        log.warning(message)
    assert [record["msg"] for record in records] == [message]
    with caplog.at_level(logging.WARNING):
        log.warning(message)
        log.warning(message)  # the filter still drops real repeats
    assert [record.getMessage() for record in caplog.records] == [message]


# --- Pelican's signals ----------------------------------------------------------


def _pages_written(writer, write):
    """(path, output_file, context keys) of each content_written ``write()`` makes the writer send."""
    from pelican import signals

    sent = []

    def note(path, context):
        sent.append((path, context["output_file"], sorted(context)))

    signals.content_written.connect(note)
    try:
        write()
    finally:
        signals.content_written.disconnect(note)
    return sent


@pytest.mark.parametrize("pagination", [False, 2])
def test_announcing_a_page_sends_what_pelicans_writer_sends_and_writes_nothing(tmp_path, pagination, caplog):
    import jinja2
    from pelican.settings import read_settings
    from pelican.writers import Writer

    settings = read_settings(override={"DEFAULT_PAGINATION": pagination, "OUTPUT_PATH": str(tmp_path)})
    template = jinja2.Environment().from_string("{{ output_file }} {{ articles_page }}")
    context = {"SITEURL": "", "localsiteurl": "", "articles": list(range(5))}
    job = (("tags/index.html", template, context), {"articles": list(range(5)), "template_name": "index", "url": "tags/"})
    writer = Writer(str(tmp_path), settings=settings)
    written = _pages_written(writer, lambda: writer.write_file(*job[0], **job[1]))
    files = {path: (tmp_path / path).read_bytes() for path in (p.relative_to(tmp_path) for p in tmp_path.rglob("*.html"))}
    assert len(written) == (3 if pagination else 1)

    deferred = build_speed.DeferredWrites(Writer(str(tmp_path), settings=settings), settings)
    for path in files:
        (tmp_path / path).write_bytes(b"kept")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        announced = _pages_written(deferred.writer, lambda: deferred.announce(job))
    assert announced == written
    assert all((tmp_path / path).read_bytes() == b"kept" for path in files)
    assert not caplog.records  # no second 'Writing' line
    assert deferred.writer.write_file is deferred and not deferred.jobs  # still deferring, nothing recorded


# --- Pelican's internals ----------------------------------------------------------


def test_every_pelican_internal_the_plugin_relies_on_is_as_it_was_checked():
    build_speed.changed_internals.cache_clear()
    assert build_speed.changed_internals() == ()
    assert len(build_speed.INTERNALS) >= 6


def test_a_changed_internal_stops_the_build_at_start_in_one_line_naming_it(monkeypatch):
    from types import SimpleNamespace

    from pelican.writers import Writer

    monkeypatch.delattr(Writer, "_open_w")  # as a Pelican release that renamed it would
    build_speed.changed_internals.cache_clear()
    try:
        assert [line.split(":")[0] for line in build_speed.changed_internals()] == ["pelican/writers.py"]
        with pytest.raises(build_speed.PelicanChanged) as stop:
            build_speed.check_settings(SimpleNamespace(settings={}))
        message = str(stop.value)
        assert "\n" not in message and "Writer._open_w" in message and "remove build_speed from PLUGINS" in message
    finally:
        monkeypatch.undo()
        build_speed.changed_internals.cache_clear()
    assert build_speed.changed_internals() == ()


# --- templates compiled once per process ----------------------------------------


def test_a_template_is_compiled_once_for_environments_alike_and_again_when_its_source_or_their_configuration_differs(tmp_path, monkeypatch):
    import jinja2

    from build_speed.templates import MemoryBytecodeCache

    (tmp_path / "page.html").write_text("{{ title|upper }}", "utf-8")
    cache = MemoryBytecodeCache()
    compiled = []

    def environment(**options):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache, **options)
        compile_source = env.compile
        env.compile = lambda *args, **kwargs: compiled.append(args[1]) or compile_source(*args, **kwargs)
        return env

    assert environment().get_template("page.html").render(title="a") == "A"
    assert environment().get_template("page.html").render(title="b") == "B" and compiled == ["page.html"]
    assert environment(autoescape=True).get_template("page.html").render(title="<") == "&lt;"  # compiled anew
    (tmp_path / "page.html").write_text("{{ title|lower }}", "utf-8")
    assert environment().get_template("page.html").render(title="C") == "c" and len(compiled) == 3


def test_a_builds_environment_keeps_the_templates_it_loaded_and_the_next_build_reads_a_changed_one(tmp_path):
    """Jinja stats a template's file at every get_template (each {% include %} and {% import %} of
    every page): an environment lives for one build, so it keeps what it loaded without asking."""
    import jinja2

    from build_speed.templates import share_compiled_templates

    (tmp_path / "page.html").write_text("{{ title|upper }}", "utf-8")
    statted = []

    def environment():
        loader = jinja2.FileSystemLoader(str(tmp_path))
        get_source = loader.get_source

        def watched(env, name):
            source, filename, uptodate = get_source(env, name)
            return source, filename, lambda: statted.append(name) or uptodate()

        loader.get_source = watched
        env = jinja2.Environment(loader=loader)
        share_compiled_templates(env)
        return env

    this_build = environment()
    assert this_build.get_template("page.html").render(title="a") == "A"
    (tmp_path / "page.html").write_text("{{ title|lower }}", "utf-8")
    assert this_build.get_template("page.html").render(title="B") == "B" and statted == []  # kept, not statted
    assert environment().get_template("page.html").render(title="C") == "c"  # the next build reads it


class _Generator:
    """What prefetch asks of a generator: its path, its Readers and the files it will read."""

    def __init__(self, path, readers, files):
        self.path, self.readers, self.settings = str(path), readers, readers.settings
        self.prefetch_paths = lambda: files


@pytest.mark.parametrize("cache_content", [True, False])
def test_the_files_read_ahead_are_found_by_pelicans_loop_even_in_a_build_that_keeps_no_cache(tmp_path, cache_content):
    """A publish build (CACHE_CONTENT off) used to read every file twice: the readings of the two
    processes were dropped by Readers.cache_data, and Pelican's loop read each file again."""
    from pelican.readers import Readers

    for number in range(4):
        (tmp_path / f"{number}.md").write_text(f"Title: Article {number}\n\nTexte {number}.\n", "utf-8")
    settings = {**reader_settings(), "CACHE_CONTENT": cache_content, "LOAD_CONTENT_CACHE": False,
                "CACHE_PATH": str(tmp_path / "cache"), "BUILD_WORKERS": 1}  # fmt: skip
    readers = Readers(settings, cache_name="test")
    build_speed.speed_up_readers(readers)  # what the plugin does at readers_init: save_cache written atomically
    files = [f"{number}.md" for number in range(4)]
    assert build_speed.prefetch([_Generator(tmp_path, readers, files)], settings) == 4
    for name in files:  # what Readers.read_file takes instead of reading the file again
        content, metadata = readers.get_cached_data(str(tmp_path / name), (None, None))
        assert content == f"<p>Texte {name[0]}.</p>" and metadata["title"] == f"Article {name[0]}"
    readers.save_cache()
    assert (tmp_path / "cache").exists() is cache_content  # a build that keeps no cache writes none
