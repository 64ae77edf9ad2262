"""Build speed: work Pelican does once per use done once per build, and the second core put to use.

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
* Writing in two processes: a forked worker writes a share of the article
  pages (``BUILD_WORKER_SHARE``) while this process writes the rest and every
  other page. The worker's log records come back to this process when it is
  waited for (at ``finalized``, and before search indexing).

``BUILD_WORKERS = 0`` turns both forks off (one process, as plain Pelican).
"""

from __future__ import annotations

import logging
import os
from itertools import chain

from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import _filter_discardable_metadata
from pelican.utils import file_suffix

from cafetech import workers
from cafetech.markdown_reader import ReusingMarkdownReader

logger = logging.getLogger(__name__)

DEFAULTS = {
    "BUILD_WORKERS": 1 if (os.cpu_count() or 1) > 1 else 0,
    # The share of the article pages the worker writes: this process also writes
    # the issue, tag and archive pages and the feeds (measured with `invoke bench`).
    "BUILD_WORKER_SHARE": 0.8,
}
_GENERATORS = "_build_speed_generators"  # context key: the generators of this build


def config(settings: dict) -> dict:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if merged["BUILD_WORKERS"] not in (0, 1):
        raise ValueError(f"build_speed: BUILD_WORKERS must be 0 or 1, not {merged['BUILD_WORKERS']!r}")
    share = merged["BUILD_WORKER_SHARE"]
    if not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise ValueError(f"build_speed: BUILD_WORKER_SHARE must be a fraction between 0 and 1, not {share!r}")
    return merged


# --- pure functions ---------------------------------------------------------


def split_pairs(paths: list[str]) -> tuple[list[str], list[str]]:
    """Two halves of a sorted file list, alternating by pairs so that an article and its
    sidecar (X.en.po, X.md: neighbours once sorted) stay together and both halves get
    as many sidecars, the costly files."""
    first = [path for index, path in enumerate(paths) if (index // 2) % 2 == 0]
    second = [path for index, path in enumerate(paths) if (index // 2) % 2 == 1]
    return first, second


def split_share(items: list, share: float) -> tuple[list, list]:
    """(the first ``share`` of the items, the rest)."""
    cut = round(len(items) * share)
    return items[:cut], items[cut:]


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
    """Read every uncached file of these generators, half in a worker; the number of files read."""
    readers_list = [generator.readers for generator in generators]
    jobs = []
    for index, generator in enumerate(generators):
        for relative in _files_of(generator):
            path = os.path.abspath(os.path.join(generator.path, relative))
            if generator.readers.get_cached_data(path, None) is None:
                jobs.append((index, path))
    jobs.sort(key=lambda job: job[1])
    theirs, ours = split_pairs(jobs) if config(settings)["BUILD_WORKERS"] else ([], jobs)
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


def _write_articles(generator, write, articles) -> int:
    """What ArticlesGenerator.generate_articles does, for some of the articles."""
    for article in articles:
        signals.article_generator_write_article.send(generator, content=article)
        write(
            article.save_as,
            generator.get_template(article.template),
            generator.context,
            article=article,
            category=getattr(article, "category", None),
            override_output=hasattr(article, "override_save_as"),
            url=article.url,
            blog=True,
        )
    return len(articles)


def generate_articles_in_two(generator, write) -> None:
    articles = list(
        chain(generator.translations, generator.articles, generator.hidden_translations, generator.hidden_articles)
    )
    theirs, ours = split_share(articles, config(generator.settings)["BUILD_WORKER_SHARE"])
    if theirs and workers.start(lambda: _write_articles(generator, write, theirs), "writing articles", pending=True):
        _write_articles(generator, write, ours)
    else:
        _write_articles(generator, write, articles)


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
        generator.generate_articles = lambda write: generate_articles_in_two(generator, write)


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
