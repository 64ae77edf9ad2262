"""Build speed: what Pelican computes at each use computed once per build, and the second core put to use.

* One ``Markdown`` instance per reader instead of one per file
  (cafetech/markdown_reader.py).
* URLs frozen once every generator is done: Pelican formats an article's URL
  from its settings each time a template asks for it (tens of thousands of times
  on a large site); after ``all_generators_finalized`` nothing changes a slug or
  a date any more, so each content's URL is stored as its ``override_url``.
* Reading in two processes: before the first article is read, a forked worker
  reads half of the files that are not in the content cache (every generator's:
  articles, pages, issues) while this process reads the other half; the
  readings go into each generator's reader cache, where Pelican's own loop finds
  them. A file whose reading logs anything or fails is left out: Pelican reads
  it again in its loop and reports it as usual.
* Writing in two processes: every page Pelican and the plugins ask the writer
  for (articles, issues, tags, archives: not the feeds) is recorded instead of
  rendered; once every generator is done (at ``finalized``, or when search
  indexing waits for the pages), a forked worker renders every other page while
  this process renders the rest. The worker's log records come back to this
  process when it is waited for.

``BUILD_WORKERS = 0`` turns both forks off, and the search plugin's (one process, as plain Pelican).
"""

from __future__ import annotations

import logging
import os

from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import _filter_discardable_metadata
from pelican.utils import file_suffix

from cafetech import workers
from cafetech.markdown_reader import ReusingMarkdownReader

logger = logging.getLogger(__name__)

DEFAULTS = {
    "BUILD_WORKERS": workers.default_count(),
}
_GENERATORS = "_build_speed_generators"  # context key: the generators of this build


def config(settings: dict) -> dict:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if merged["BUILD_WORKERS"] not in (0, 1):
        raise ValueError(f"build_speed: BUILD_WORKERS must be 0 or 1, not {merged['BUILD_WORKERS']!r}")
    return merged


# --- pure functions ---------------------------------------------------------


def split_pairs(paths: list[str]) -> tuple[list[str], list[str]]:
    """Two halves of a sorted file list, alternating by pairs so that an article and its
    sidecar (X.en.po, X.md: neighbours once sorted) stay together and both halves get
    as many sidecars, the costly files."""
    first = [path for index, path in enumerate(paths) if (index // 2) % 2 == 0]
    second = [path for index, path in enumerate(paths) if (index // 2) % 2 == 1]
    return first, second


def content_objects(generator):
    """Every Content a generator holds, in its lists and in its dicts of lists."""
    for value in vars(generator).values():
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            if isinstance(item, (list, tuple)):
                yield from (content for content in item if isinstance(content, Content))
            elif isinstance(item, Content):
                yield item


# --- reading ----------------------------------------------------------------


def _files_of(generator) -> list[str]:
    """The files a generator will read, relative to its path."""
    if isinstance(generator, ArticlesGenerator):
        return list(generator.get_files(generator.settings["ARTICLE_PATHS"], exclude=generator.settings["ARTICLE_EXCLUDES"]))
    if isinstance(generator, PagesGenerator):
        return list(generator.get_files(generator.settings["PAGE_PATHS"], exclude=generator.settings["PAGE_EXCLUDES"]))
    if callable(paths := getattr(generator, "prefetch_paths", None)):
        return list(paths())
    return []


def read_quietly(readers, path: str):
    """(stamp, (content, metadata)) as Pelican's reader cache keeps it; None if the reading failed or logged."""
    reader = readers.readers.get(file_suffix(path))
    if reader is None:
        return None
    stamp = readers._get_file_stamp(path)
    with workers.captured_logs() as records:
        try:
            content, metadata = reader.read(path)
        except Exception:  # noqa: BLE001 - Pelican reads it again and reports it
            return None
    if records:
        return None
    return stamp, (content, _filter_discardable_metadata(metadata))


def _read_all(jobs: list[tuple[int, str]], readers_list: list) -> list[tuple[int, str, tuple]]:
    done = []
    for index, path in jobs:
        if (reading := read_quietly(readers_list[index], path)) is not None:
            done.append((index, path, reading))
    return done


def prefetch(generators: list, settings: dict) -> int:
    """Read every uncached file of these generators, half in a worker; the number of files read.
    Without a worker (BUILD_WORKERS = 0) nothing is read ahead: Pelican's loop reads every file."""
    if not config(settings)["BUILD_WORKERS"]:
        return 0
    readers_list = [generator.readers for generator in generators]
    jobs = []
    for index, generator in enumerate(generators):
        for relative in _files_of(generator):
            path = os.path.abspath(os.path.join(generator.path, relative))
            if generator.readers.get_cached_data(path, None) is None:
                jobs.append((index, path))
    jobs.sort(key=lambda job: job[1])
    theirs, ours = split_pairs(jobs)
    worker = workers.start(lambda: _read_all(theirs, readers_list), "reading") if theirs else None
    if worker is None:
        ours = jobs
    done = _read_all(ours, readers_list)
    if worker is not None:
        try:
            done += worker.result()
        except workers.WorkerFailed as error:
            logger.debug("%s (Pelican reads those files itself)", error)
    for index, path, (stamp, data) in done:
        readers_list[index]._cache[path] = (stamp, data)
    return len(done)


# --- writing ----------------------------------------------------------------


def output_name(job) -> str | None:
    args, kwargs = job
    return args[0] if args else kwargs.get("name")


def split_jobs(jobs: list) -> tuple[list, list]:
    """(the worker's jobs, this process's jobs): alternately, so both get as many pages of each
    kind; every job for a file named more than once stays here, in order, for Pelican's
    overwrite checks."""
    counts: dict = {}
    for job in jobs:
        counts[output_name(job)] = counts.get(output_name(job), 0) + 1
    single = [job for job in jobs if counts[output_name(job)] == 1]
    theirs = single[0::2]
    chosen = {id(job) for job in theirs}
    return theirs, [job for job in jobs if id(job) not in chosen]


class DeferredWrites:
    """Stands in for ``writer.write_file``: records every page; ``flush`` writes them, in two processes."""

    def __init__(self, writer):
        self.writer = writer
        self.write_file = writer.write_file
        self.jobs: list = []
        writer.write_file = self

    def __call__(self, *args, **kwargs):
        self.jobs.append((args, kwargs))

    def _write(self, jobs: list) -> int:
        for args, kwargs in jobs:
            self.write_file(*args, **kwargs)
        return len(jobs)

    def flush(self) -> None:
        self.writer.write_file = self.write_file
        jobs, self.jobs = self.jobs, []
        theirs, ours = split_jobs(jobs)
        if not theirs or workers.start(lambda: self._write(theirs), "writing pages", pending=True) is None:
            ours = jobs
        self._write(ours)


# --- signal handlers ----------------------------------------------------------


def check_settings(pelican):
    config(pelican.settings)


def reuse_markdown(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class.__name__ == "MarkdownReader":
            readers.reader_classes[extension] = ReusingMarkdownReader


def remember_generator(generator):
    generator.context.setdefault(_GENERATORS, []).append(generator)
    if isinstance(generator, ArticlesGenerator) and config(generator.settings)["BUILD_WORKERS"]:
        generate_output = generator.generate_output

        def deferring(writer):  # the first generator to write: every page from here on is deferred
            workers.before_join(DeferredWrites(writer).flush)
            generate_output(writer)

        generator.generate_output = deferring


def prefetch_once(generator):
    """At the first article's reading, every generator exists: read their files."""
    generators = generator.context.pop(_GENERATORS, None)
    if generators:
        prefetch(generators, generator.settings)


def freeze_urls(generators):
    for generator in generators:
        generator.context.pop(_GENERATORS, None)
        for content in content_objects(generator):
            if not hasattr(content, "override_url"):
                content.override_url = content.url


def wait_for_workers(pelican):
    workers.join_all()


def register():
    signals.initialized.connect(check_settings)
    signals.readers_init.connect(reuse_markdown)
    signals.generator_init.connect(remember_generator)
    signals.article_generator_preread.connect(prefetch_once)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.finalized.connect(wait_for_workers)
