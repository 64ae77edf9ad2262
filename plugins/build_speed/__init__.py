"""Build speed: what Pelican computes at each use computed once per build, and the second core put to use.

* One ``Markdown`` instance per reader instead of one per file
  (markdown_reader.py).
* URLs frozen once every generator is done: Pelican formats an article's URL
  from its settings each time a template asks for it (tens of thousands of times
  on a large site); after ``all_generators_finalized`` nothing changes a slug or
  a date any more, so each content's URL is stored as its ``override_url``
  (not a static file's: an ``{attach}`` link moves it when the page is written;
  nor ``override_save_as``, which Pelican takes as a user's override). The
  ``{attach}`` links are resolved right then, before the static files are
  copied, as Pelican's own page writing would have done.
* Reading in two processes: before the first article is read, a forked worker
  reads half of the files that are not in the content cache (every generator's:
  articles, pages, issues) while this process reads the other half; the
  readings go into each generator's reader cache, where Pelican's own loop finds
  them (kept in memory only, in a build that keeps no content cache: publish
  builds and checks). Each process also typesets and tags what it read, ahead
  (cafetech/memo.py's preparers): the articles Pelican makes from the readings
  then find those results in the plugins' memos. The files are shared by size
  (an issue's files weigh much less than a section's). A file whose reading
  logs anything or fails is left out: Pelican reads it again in its loop and
  reports it as usual.
* Writing in two processes: every page Pelican and the plugins ask the writer
  for (articles, issues, tags, archives: not the feeds) is recorded instead of
  rendered (``Writer.write_file`` replaced from the ArticlesGenerator's
  ``generate_output`` on); once the last generator (Pelican's StaticGenerator)
  has written its output, a forked worker renders every other page while this
  process renders the rest, so every page exists before ``finalized``. The
  worker's log records come back to this process when it is waited for.
  Pelican's ``content_written`` is sent in this process only, once for each
  page: by Pelican's writer for the pages rendered here; for the worker's pages
  and those linked from the page cache, by ``Writer.write_file`` run again with
  a template that renders nothing (same paths, same local contexts).
  ``article_writer_finalized`` and ``page_writer_finalized`` are held back
  (muted while their generator records its pages) and sent once the pages exist.

* Selective writing (``BUILD_PAGE_CACHE``, with Pelican's ``CACHE_CONTENT``): the
  pages are recorded as above even in one process; a page whose fingerprint (what
  it read last time: page_cache.py) is unchanged is linked in from
  ``CACHE_PATH/pages`` instead of rendered, by whichever process has it to write
  (the linking of an unchanged site is shared as its rendering is); the feeds go through the same
  page cache, before the pages (``CachedFeeds``: a feed whose entries read nothing that changed is
  linked in, not generated); the search plugin's documents go through a page cache of their own
  (``PAGE_CACHE`` in the context).
* The other plugins' independent work (photos, the search index) runs in the
  other process too: a runner installed in cafetech/parallel.py. Their memos
  (cafetech/memo.py) are kept between builds (memo_store.py) and filled where the
  files are read.
* Pelican's reader caches are written atomically; a cut one is dropped.
* The old site's folders kept (``DELETE_OUTPUT_DIRECTORY``): Pelican removes every folder of the
  output and the build makes most of them again (about 3,000 at 1,000 sections, 1 s of a warm
  build); here its files are removed at ``get_generators`` and the folders the new site left empty at
  ``finalized`` (cafetech/output_folders.py), which gives the same tree.
* Each template is compiled once per process, not once per generator and per
  build (templates.py: one in-memory Jinja bytecode cache for every generator's
  environment; a preview's build process builds many times).

``BUILD_WORKERS = 0`` turns the forks off (one process, as plain Pelican). Without
this plugin in PLUGINS the site is the same, byte for byte
(tests/test_build_speed_optional.py).

Pelican internals this package relies on, checked against Pelican 4.12.0 (each
has a check in ``INTERNALS``; when one fails, the build stops at start with one
line naming it, and tests/unit/test_build_speed.py fails):

* pelican/readers.py:91 ``_filter_discardable_metadata``: a reading read ahead is
  cached as Pelican's own loop would cache it. No public function does this.
* pelican/cache.py:23-52 ``FileDataCacher._cache_path``, ``_cache_open``,
  ``_cache_data_policy``, ``_cache``: ``save_atomically`` writes the same data
  into a temporary file renamed over the cache; ``save_cache`` writes in place
  and has no hook for where it writes.
* pelican/writers.py:30 ``Writer._written_files`` and :106 ``Writer._open_w``:
  a page linked from the page cache joins the files Pelican has written (its
  overwrite check), a page announced again writes nothing, and a linked file is
  never written into. The writer has no public hook around opening a file.
* pelican/log.py:30-32 ``LimitFilter._raised_messages``, ``_group_count``: what a
  worker or a quiet reading logged is forgotten, so Pelican reports it again
  when it reads the file itself. No public API resets them.
* pelican/contents.py:38 ``Content`` has no ``__getattribute__`` of its own:
  page_cache.recording sets one on the class while pages render, to record
  what each page reads. Pelican has no hook on attribute reads.
* pelican/contents.py:251 ``Content.get_url_setting`` returns ``override_url``
  when set: URLs are computed once (``freeze_urls``).

Public methods it replaces on instances (no internal involved): a writer's
``write_file`` (pages recorded, then written in two processes) and ``write_feed`` (feeds linked
from the page cache when unchanged), each generator's
``generate_output`` (writing deferred; ``article_writer_finalized`` and
``page_writer_finalized`` sent once the pages exist), a Readers' ``save_cache``
and ``reader_classes`` (at ``readers_init``, as Pelican documents).
"""

from __future__ import annotations

import contextlib
import logging
import os

import functools
import pickle

from pelican import signals
from pelican.contents import Content, Static
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import _filter_discardable_metadata  # internal: see INTERNALS
from pelican.utils import file_suffix, mkdir_p, sanitised_join

from cafetech import memo, parallel
from cafetech.contents import PAGE_CACHE, content_objects
from cafetech.files import replacing
from cafetech.output_folders import clear_files, remove_empty_folders

from . import cache_files, memo_store, page_cache, templates, workers
from .markdown_reader import sharing_markdown

logger = logging.getLogger(__name__)

DEFAULTS = {
    "BUILD_WORKERS": workers.default_count(),
    page_cache.SETTING: page_cache.DEFAULT,  # with CACHE_CONTENT: render again only the pages whose inputs changed
}
_BUILD: dict = {}  # this build's generators (from all_generators_finalized) and deferred pages (until written)
_GENERATORS = "_build_speed_generators"  # context key: the generators of this build


def config(settings: dict) -> dict:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if merged["BUILD_WORKERS"] not in (0, 1):
        raise ValueError(f"build_speed: BUILD_WORKERS must be 0 or 1, not {merged['BUILD_WORKERS']!r}")
    if not isinstance(merged["BUILD_PAGE_CACHE"], bool):
        raise ValueError(f"build_speed: BUILD_PAGE_CACHE must be True or False, not {merged['BUILD_PAGE_CACHE']!r}")
    return merged


# --- pure functions ---------------------------------------------------------


def split_pairs(items: list, weight=lambda item: 1) -> tuple[list, list]:
    """(the worker's share, this process's) of a sorted file list, by pairs so that an article and
    its sidecar (X.en.po, X.md: neighbours once sorted) stay together; each pair goes to the share
    that weighs less so far, so both take as long (weight: a file's size, say; an issue's files are
    much lighter than a section's)."""
    shares: tuple[list, list] = ([], [])
    loads = [0, 0]
    for start in range(0, len(items), 2):
        pair = items[start : start + 2]
        lighter = 0 if loads[0] <= loads[1] else 1
        shares[lighter].extend(pair)
        loads[lighter] += sum(weight(item) for item in pair)
    return shares


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
    """(content, metadata) as Pelican's reader cache keeps it; None if the reading failed or logged."""
    reader = readers.readers.get(file_suffix(path))
    if reader is None:
        return None
    with workers.captured_logs() as records:
        try:
            content, metadata = reader.read(path)
        except Exception:  # noqa: BLE001 - Pelican reads it again and reports it
            return None
    if records:
        return None
    return content, _filter_discardable_metadata(metadata)


def uncached(readers, path: str) -> bool:
    """Whether Pelican will read ``path`` (no reading kept, or one a plugin asked to read again: (None, None))."""
    return readers.get_cached_data(path, None) in (None, (None, None))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_all(jobs: list[tuple[int, str]], readers_list: list) -> list[tuple[int, str, tuple]]:
    """Read these files; each reading is handed to the memos' preparers (typesetting, tagging) at once."""
    done = []
    for index, path in jobs:
        if (reading := read_quietly(readers_list[index], path)) is not None:
            done.append((index, path, reading))
            memo.prepare(*reading, readers_list[index].settings)
    return done


def _read_in_worker(jobs: list[tuple[int, str]], readers_list: list) -> tuple[list, dict]:
    return _read_all(jobs, readers_list), memo.take_prepared()


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
            if uncached(generator.readers, path):
                jobs.append((index, path))
    jobs.sort(key=lambda job: job[1])
    theirs, ours = split_pairs(jobs, weight=lambda job: _size(job[1]))
    worker = workers.start(lambda: _read_in_worker(theirs, readers_list), "reading") if theirs else None
    if worker is None:
        ours = jobs
    done = _read_all(ours, readers_list)
    if worker is not None:
        try:
            readings, prepared = worker.result()
            done += readings
            memo.add_prepared(prepared)
        except workers.WorkerFailed as error:
            logger.debug("%s (Pelican reads those files itself)", error)
    for readers in readers_list:
        # A build that keeps no content cache (publish builds, checks) takes the readings all the
        # same: without this, cache_data drops them and Pelican's loop reads every file again. They
        # stay in memory; save_atomically writes nothing to disk for such a build.
        # Internal: _cache_data_policy, see INTERNALS (set by Readers.__init__ after readers_init).
        readers._cache_data_policy = True
    for index, path, reading in done:
        readers_list[index].cache_data(path, reading)  # where Pelican's loop finds it
    return len(done)


# --- writing ----------------------------------------------------------------


def output_name(job) -> str | None:
    args, kwargs = job
    return args[0] if args else kwargs.get("name")


def single_jobs(jobs: list, key=lambda job: job) -> set[int]:
    """The ids of the jobs whose file no other job names."""
    counts: dict = {}
    for item in jobs:
        counts[output_name(key(item))] = counts.get(output_name(key(item)), 0) + 1
    return {id(item) for item in jobs if counts[output_name(key(item))] == 1}


def split_jobs(jobs: list, key=lambda job: job) -> tuple[list, list]:
    """(the worker's jobs, this process's jobs): alternately, so both get as many pages of each
    kind; every job for a file named more than once stays here, in order, for Pelican's
    overwrite checks. ``key`` gives the (args, kwargs) job of an item."""
    single = single_jobs(jobs, key)
    theirs = [item for item in jobs if id(item) in single][0::2]
    chosen = {id(item) for item in theirs}
    return theirs, [item for item in jobs if id(item) not in chosen]


class _Nothing:
    """A template that renders nothing and a file that keeps nothing: Pelican's writer, given these, only
    announces a page (``content_written``)."""

    def render(self, *args, **kwargs) -> str:
        return ""

    def write(self, text: str) -> None:
        pass


_NOTHING = _Nothing()


def _quiet_writer(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING  # Pelican's 'Writing "<path>"': the page was written (or linked) already


class DeferredWrites:
    """Stands in for ``writer.write_file``: records every page; ``flush`` writes them, in two processes,
    rendering again only the pages whose inputs changed when the page cache is on."""

    def __init__(self, writer, settings: dict):
        self.writer = writer
        self.settings = settings
        self.write_file = writer.write_file
        self.jobs: list = []
        self._outputs: list | None = None  # the files the page being rendered writes
        writer.write_file = self

    def __call__(self, *args, **kwargs):
        self.jobs.append((args, kwargs))

    def _open_w(self, open_w):
        def opening(filename, encoding, override=False):
            if self._outputs is not None:
                self._outputs.append(filename)
            if filename not in self.writer._written_files and os.path.lexists(filename):
                os.unlink(filename)  # a file of the page cache may be linked there: never write into it
            return open_w(filename, encoding, override=override)

        return opening

    def announce(self, job) -> None:
        """Send ``content_written`` for a page that exists already (written by the worker, or linked from
        the page cache) as Pelican's writer sends it: each file's absolute path and the local context it
        builds (``Writer.write_file`` run again with a template that renders nothing, into a file that keeps
        nothing: ``Writer._open_w`` stands aside, the ``pelican.writers`` logger says nothing below a warning)."""
        args, kwargs = job
        if len(args) > 1:
            args = (args[0], _NOTHING, *args[2:])
        else:
            kwargs = {**kwargs, "template": _NOTHING}
        context = args[2] if len(args) > 2 else kwargs.get("context", {})
        localsiteurl = context.get("localsiteurl")  # Pelican's writer sets it for relative URLs: leave no trace
        open_w = self.writer._open_w
        self.writer._open_w = lambda *_, **__: contextlib.nullcontext(_NOTHING)
        writer_logger = logging.getLogger("pelican.writers")
        writer_logger.addFilter(_quiet_writer)
        try:
            self.write_file(*args, **kwargs)
        finally:
            writer_logger.removeFilter(_quiet_writer)
            self.writer._open_w = open_w
            if "localsiteurl" in context:
                context["localsiteurl"] = localsiteurl

    def _write_in_worker(self, jobs: list, cache) -> tuple[dict, dict]:
        # Pelican's writer sends content_written for each page; the receivers are in the parent,
        # which announces these pages once they exist.
        with signals.content_written.muted():
            entries, linked = self._write(jobs, cache)
        # The parent's page cache learns the entries of the pages linked here (try_reuse kept them in this copy).
        return {**entries, **{name: cache.new[name] for name in linked}}, linked

    def _write(self, jobs: list, cache) -> tuple[dict, dict]:
        """Write ``[(job, static digest or None)]``: a page whose inputs have not changed is linked from
        the page cache, any other rendered. (The page cache entries of the pages rendered that can be
        kept, {page: the files linked} of the pages linked.)"""
        entries, linked = {}, {}
        for (args, kwargs), static in jobs:
            if cache is None or static is None:
                self.write_file(*args, **kwargs)
                continue
            name = output_name((args, kwargs))
            if (written := cache.try_reuse(name, static)) is not None:
                linked[name] = written
                continue
            contents = [value for value in kwargs.values() if isinstance(value, Content)]

            def write(args=args, kwargs=kwargs):
                self.write_file(*args, **kwargs)
                return self._outputs

            self._outputs = []
            try:
                entry = cache.render(name, static, contents, write)
            finally:
                self._outputs = None
            if entry is not None:
                entries[name] = entry
        return entries, linked

    def flush(self) -> None:
        self.writer.write_file = self.write_file
        if (feeds := _BUILD.pop("feeds", None)) is not None:
            self.writer.write_feed = feeds.write_feed  # the feeds are written (before the pages)
            logger.debug("feeds: %d written, %d from the page cache", feeds.written, len(feeds.linked))
        jobs, self.jobs = self.jobs, []
        cache = open_page_cache(self.settings, self.writer.output_path)
        singles = single_jobs(jobs)
        # Each page named once gets its static digest here; whether it is linked from the page cache or
        # rendered is decided where it is written, so both processes share the linking as the rendering.
        todo = [(job, cache.static_digest(output_name(job), *job) if cache is not None and id(job) in singles else None) for job in jobs]
        theirs, ours = split_jobs(todo, key=lambda item: item[0]) if config(self.settings)["BUILD_WORKERS"] else ([], todo)
        if cache is not None and theirs:
            cache.digest_all()  # once, not once in each process
        open_w = self.writer._open_w
        self.writer._open_w = self._open_w(open_w)
        linked: dict = {}
        try:
            environments = [getattr(generator, "env", None) for generator in _BUILD.get("generators", [])]
            with page_cache.recording(environments) if cache is not None else contextlib.nullcontext():
                worker = workers.start(lambda: self._write_in_worker(theirs, cache), "writing pages", pending=True) if theirs else None
                if worker is None:
                    ours, theirs = todo, []  # all written here, and announced by Pelican's writer
                entries, linked = self._write(ours, cache)
                if worker is not None:
                    try:
                        their_entries, their_linked = worker.result()
                        entries.update(their_entries)
                        linked.update(their_linked)
                    except workers.WorkerFailed as error:
                        logger.error("%s", error)
                        cache = None
                        theirs = []  # not written: nothing to announce
        finally:
            self.writer._open_w = open_w
        # Pelican's writer announced the pages it rendered here; the others exist now: announce them.
        for job, _ in ours:
            if (written := linked.get(output_name(job))) is not None:
                self.writer._written_files.update(written)
                self.announce(job)
        for job, _ in theirs:
            self.writer._written_files.update(linked.get(output_name(job), ()))
            self.announce(job)
        if cache is not None:
            cache.save(entries)
            canon = cache.canon
            logger.debug(
                "pages: %d rendered, %d from the page cache; %d value(s) with no canonical form%s",
                len(todo) - len(linked), len(linked), canon.unstable, f" ({', '.join(sorted(canon.unstable_kinds))})" if canon.unstable else "",
            )


def page_cache_on(settings: dict) -> bool:
    config(settings)
    return page_cache.enabled(settings)


def open_page_cache(settings: dict, output_path: str):
    """This build's page cache (CACHE_PATH/pages), or None when it is off: one for the build, which the
    feeds go through first and the pages then (its index holds both)."""
    generators = _BUILD.get("generators")
    if not (page_cache_on(settings) and generators):
        return None
    if "page_cache" not in _BUILD:
        _BUILD["page_cache"] = page_cache.open_for_build(settings, generators, os.path.join(settings["CACHE_PATH"], "pages"), output_path)
    return _BUILD["page_cache"]


class CachedFeeds:
    """Stands in for ``writer.write_feed`` when the page cache is on: a feed whose inputs have not changed
    is linked from the page cache, any other written by Pelican's writer while what it reads is recorded,
    as a page is (its entries' contents, the contents their links name: page_cache.py). A feed is
    written before the pages, in this process. Pelican's ``feed_written`` carries the feed object, which
    a linked feed does not have: while that signal has a receiver, every feed is written."""

    def __init__(self, writer, settings: dict):
        self.writer = writer
        self.settings = settings
        self.write_feed = writer.write_feed
        self.linked: set[str] = set()
        self.written = 0
        writer.write_feed = self

    def __call__(self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None):
        arguments = (elements, context, path, url, feed_type, override_output, feed_title)
        cache = open_page_cache(self.settings, self.writer.output_path) if path else None
        target = sanitised_join(self.writer.output_path, path) if path else None
        # Internal: _written_files, see INTERNALS. A file written twice is left to Pelican's overwrite check.
        if cache is None or signals.feed_written.receivers or target in self.writer._written_files:
            if target in self.linked:
                os.unlink(target)  # a kept file: never written into
            return self.write_feed(*arguments)
        name = os.path.relpath(target, self.writer.output_path)
        static = cache.static_digest(name, ("feed", *arguments), {})
        if (written := cache.try_reuse(name, static)) is not None:
            self.writer._written_files.update(written)
            self.linked.update(written)
            return None
        feed = None
        self.written += 1

        def write():
            nonlocal feed
            feed = self.write_feed(*arguments)
            return [target]

        with page_cache.recording([]):
            entry = cache.render(name, static, [value for value in elements if isinstance(value, Content)], write)
        if entry is not None:
            cache.new[name] = entry
        return feed


# --- the other plugins' hooks ----------------------------------------------------


class ForkRunner:
    """cafetech/parallel.py's runner: work in a forked worker (workers.py), on the other core."""

    def start(self, function, label: str):
        worker = workers.start(function, label, pending=True)
        return None if worker is None else _Handle(worker)

    def stop_all(self) -> None:
        workers.kill_all()


class _Handle:
    def __init__(self, worker):
        self.worker = worker

    def result(self):
        try:
            return self.worker.result()
        except workers.WorkerFailed as error:
            raise parallel.JobFailed(str(error)) from None


# --- Pelican's reader cache, written whole ---------------------------------------------


def save_atomically(readers) -> None:
    """Pelican's ``FileDataCacher.save_cache`` (pelican/cache.py:66), writing into a temporary file
    renamed over the cache: Pelican writes it in place, so an interrupted build or a full disk leaves
    a cut file. Same data, same format, same warning when it cannot be written. Nothing is written
    for a build that keeps no content cache (``CACHE_CONTENT`` off: its readings were kept in memory)."""
    if not readers._cache_data_policy or not readers.settings.get("CACHE_CONTENT"):
        return
    try:
        mkdir_p(readers.settings["CACHE_PATH"])
        with replacing(readers._cache_path) as temporary, readers._cache_open(temporary, "wb") as handle:
            pickle.dump(readers._cache, handle)
    except (OSError, pickle.PicklingError, TypeError) as error:
        logger.warning("Could not save cache %s\n ... %s", readers._cache_path, error)


# --- Pelican's internals, checked at start ----------------------------------------------

INTERNALS = (
    # (where in Pelican 4.12.0, what this package relies on, the check)
    ("pelican/readers.py:91", "_filter_discardable_metadata(metadata): what Readers.read_file caches of a reading",
     lambda: callable(getattr(__import__("pelican.readers").readers, "_filter_discardable_metadata", None))),
    ("pelican/cache.py:23-52", "FileDataCacher._cache_path, _cache_open, _cache_data_policy, _cache (save_atomically)",
     lambda: _has_attributes("pelican.cache", "FileDataCacher.__init__", ("_cache_path", "_cache_open", "_cache_data_policy", "_cache"))),
    ("pelican/writers.py:30", "Writer._written_files: the files a build wrote (pages linked from the page cache join it)",
     lambda: _has_attributes("pelican.writers", "Writer.__init__", ("_written_files",))),
    ("pelican/writers.py:106", "Writer._open_w(filename, encoding, override=False): how write_file opens a page",
     lambda: _signature("pelican.writers", "Writer._open_w") == ["self", "filename", "encoding", "override"]),
    ("pelican/log.py:30-32", "LimitFilter._raised_messages, _group_count: the warnings seen (workers.captured_logs)",
     lambda: isinstance(getattr(__import__("pelican.log").log.LimitFilter, "_raised_messages", None), set)
     and isinstance(getattr(__import__("pelican.log").log.LimitFilter, "_group_count", None), dict)),
    ("pelican/contents.py:38", "Content defines no __getattribute__: page_cache.recording sets one on the class while pages render",
     lambda: "__getattribute__" not in vars(__import__("pelican.contents").contents.Content)),
    ("pelican/contents.py:251", "Content.get_url_setting: an override_url attribute is the content's URL (freeze_urls)",
     lambda: '"override_" + key' in _source("pelican.contents", "Content.get_url_setting")),
)


def _source(module: str, qualname: str) -> str:
    import importlib
    import inspect

    target = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part, None)
        if target is None:
            return ""
    target = getattr(target, "fget", target)  # a property: its getter
    try:
        return inspect.getsource(target)
    except (OSError, TypeError):
        return ""


def _has_attributes(module: str, qualname: str, names: tuple) -> bool:
    source = _source(module, qualname)
    return all(f"self.{name} =" in source for name in names)


def _signature(module: str, qualname: str) -> list[str]:
    import importlib
    import inspect

    target = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return list(inspect.signature(target).parameters)


class PelicanChanged(RuntimeError):
    """A Pelican internal this plugin relies on is not what it was checked against."""


@functools.lru_cache(maxsize=1)
def changed_internals() -> tuple[str, ...]:
    """The internals of INTERNALS that this Pelican no longer has as expected (none: all is well)."""
    found = []
    for where, what, check in INTERNALS:
        try:
            ok = check()
        except Exception:  # noqa: BLE001 - a missing module or attribute is a change too
            ok = False
        if not ok:
            found.append(f"{where}: {what}")
    return tuple(found)


# --- signal handlers ----------------------------------------------------------


def check_settings(pelican):
    config(pelican.settings)
    if changed := changed_internals():
        import pelican as pelican_package

        raise PelicanChanged(
            f"build_speed: Pelican {pelican_package.__version__} changed what this plugin relies on "
            f"({'; '.join(changed)}); remove build_speed from PLUGINS (the site builds the same without it) or update it"
        )


def start_build(pelican):
    """A build that failed in this process (livereload, tests) may have left its state: start afresh."""
    _BUILD.clear()
    settings = pelican.settings
    if config(settings)["BUILD_WORKERS"]:
        parallel.install(ForkRunner())
    else:
        parallel.uninstall()
    memo_store.open_all(settings)


def speed_up_readers(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if (faster := sharing_markdown(reader_class)) is not None:
            readers.reader_classes[extension] = faster
    readers.save_cache = functools.partial(save_atomically, readers)


WRITER_FINALIZED = {ArticlesGenerator: signals.article_writer_finalized, PagesGenerator: signals.page_writer_finalized}


def remember_generator(generator):
    templates.share_compiled_templates(getattr(generator, "env", None))
    generator.context.setdefault(_GENERATORS, []).append(generator)
    settings = generator.settings
    if not (config(settings)["BUILD_WORKERS"] or page_cache_on(settings)):
        return
    generate_output = generator.generate_output
    finalized = next((signal for kind, signal in WRITER_FINALIZED.items() if isinstance(generator, kind)), None)

    def deferring(writer):
        if isinstance(generator, ArticlesGenerator):  # the first generator to write: every page from here on is deferred
            _BUILD["deferred"] = DeferredWrites(writer, settings)
            if page_cache_on(settings):
                _BUILD["feeds"] = CachedFeeds(writer, settings)
        if finalized is None or "deferred" not in _BUILD:
            return generate_output(writer)
        # Pelican sends article_writer_finalized / page_writer_finalized at the end of generate_output, when
        # its pages are written: here they are only recorded, so the signal waits until they exist.
        with finalized.muted():
            generate_output(writer)
        _BUILD.setdefault("finalized", []).append((finalized, generator, writer))

    if isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        generator.generate_output = deferring


def write_after_the_last_generator(generators):
    """Write the deferred pages when the last generator (Pelican's StaticGenerator) has written its
    output, before ``finalized``: its receivers find every page."""
    last = generators[-1]
    generate_output = last.generate_output

    def writing_the_deferred_pages(writer):
        generate_output(writer)
        if (deferred := _BUILD.pop("deferred", None)) is not None:
            deferred.flush()
        for signal, sender, its_writer in _BUILD.pop("finalized", []):
            signal.send(sender, writer=its_writer)  # now that every page exists

    last.generate_output = writing_the_deferred_pages


def prefetch_once(generator):
    """At the first article's reading, every generator exists: read their files."""
    generators = generator.context.pop(_GENERATORS, None)
    if generators:
        prefetch(generators, generator.settings)


def freeze_urls(generators):
    _BUILD["generators"] = generators
    for generator in generators:
        generator.context.pop(_GENERATORS, None)
        for content in content_objects(generator):
            # Not a static file: an {attach} link may still move it, which an override would forbid.
            if not hasattr(content, "override_url") and not isinstance(content, Static):
                content.override_url = content.url
    for generator in generators:
        for content in content_objects(generator):
            settle_attachments(content)


def offer_the_page_cache(generators):
    """Other plugins' pages (the search documents) may go through a page cache of their own."""
    settings = generators[0].settings if generators else {}
    if generators and page_cache_on(settings):
        generators[0].context[PAGE_CACHE] = functools.partial(page_cache.open_for_build, settings, generators)


def settle_attachments(content) -> None:
    """Move the files a content links with {attach} now, as Pelican does when it writes the page.

    Pelican moves such a file beside the page that links it while rendering that page, before
    the static files are copied. The pages are written later here (deferred, or linked from the
    page cache without being rendered), so the links are resolved once the site is read."""
    if isinstance(content, Static):
        return
    if "attach" in (getattr(content, "_content", None) or ""):
        content.content  # noqa: B018 - Pelican resolves the links (and moves attachments) when read
    if "attach" in (content.metadata.get("summary") or ""):
        content.summary  # noqa: B018


def keep_output_folders(pelican):
    """Pelican's ``DELETE_OUTPUT_DIRECTORY`` with the old site's folders kept: its files are removed now,
    the folders the new site leaves empty at the end (cafetech/output_folders.py). Pelican would remove
    every folder and the build make most of them again. Same condition as Pelican's (never an output
    folder that holds the content). Run at each build's ``get_generators`` (Pelican's ``run`` sends it
    before it would clean; ``pelican --autoreload`` runs many builds after one ``initialized``), which
    then finds ``Pelican.delete_outputdir``, the public attribute ``run`` reads, turned off."""
    output, content = os.path.realpath(pelican.output_path), os.path.realpath(pelican.path)
    if not pelican.settings.get("DELETE_OUTPUT_DIRECTORY") or os.path.commonpath([output, content]) == output:
        return None
    retention = tuple(pelican.output_retention)
    clear_files(output, retention)
    pelican.delete_outputdir = False
    _BUILD["output_folders"] = (output, retention)
    return None  # no generator of its own


def end_build(pelican):
    workers.join_all()
    if (kept := _BUILD.get("output_folders")) is not None:
        remove_empty_folders(*kept)  # every page and file is written: the folders nothing went into
    memo_store.save_all()
    parallel.uninstall()
    _BUILD.clear()


def drop_cut_reader_caches(pelican):
    """Pelican stops at a reader cache an interrupted build or a full disk cut short (its loader does
    not catch EOFError): such a file is dropped first, and the build reads those files again."""
    settings = pelican.settings
    folder = settings.get("CACHE_PATH")
    if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE") and folder and os.path.isdir(folder)):
        return
    for name in sorted(os.listdir(folder)):
        if name.endswith("-Readers"):  # Pelican's name for a generator's reader cache: <Generator>-Readers
            cache_files.drop_if_cut(os.path.join(folder, name), bool(settings.get("GZIP_CACHE", True)))


def register():
    signals.initialized.connect(check_settings)
    signals.initialized.connect(start_build)
    signals.initialized.connect(drop_cut_reader_caches)
    signals.get_generators.connect(keep_output_folders)
    signals.readers_init.connect(speed_up_readers)
    signals.generator_init.connect(remember_generator)
    signals.article_generator_preread.connect(prefetch_once)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.all_generators_finalized.connect(offer_the_page_cache)
    signals.all_generators_finalized.connect(write_after_the_last_generator)
    signals.finalized.connect(end_build)
