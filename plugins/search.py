"""Search in both languages: Pagefind indexes every article, beside the build.

Pagefind (``pagefind[bin]`` from PyPI) runs offline and splits its index by the
pages' ``<html lang>``, so a search from a French page finds French articles
only. What it indexes of an article is its header and text: the theme's
``partials/article_text.html``, inside ``data-pagefind-body`` on the article
page (the asides, the support box and the pager are ``data-pagefind-ignore``).

When the writing starts (Pelican's ``get_writer``: every article is read and
linked, and every handler of ``all_generators_finalized`` has run), the work is
handed to cafetech/parallel.py (done at once, or in another process when a
plugin installs a runner there): each article's indexed part
(``search_document.html``, the same partial) is rendered into a temporary
folder, at the article's own path under its year, and Pagefind runs on each year
(two at a time), writing one bundle per year into the site's
``pagefind/<year>/``. The build waits for it at the end (``finalized``); a
Pagefind failure is an error of the build. With Pelican's content cache on
(development builds), each year's index is also kept in
``CACHE_PATH/search/indexes/<digest of its documents>``: a year whose documents
are the same (after an edit, every year but the edited one) takes it from there
instead of running Pagefind. When another plugin offers a page cache in the
context (``PAGE_CACHE``: a plugin's selective writing), the documents go
through one of their own (``CACHE_PATH/search/documents``): a document is
rendered again only when something it read changed, and a year none of whose
documents changed is keyed by their fingerprints, so it is not even written.

The search pages (``search.html``, one per language) load Pagefind's UI from the
newest year's bundle and merge the other years' (``SEARCH_BUNDLES``, newest
first) with the site's own script; nothing comes from another host.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pelican import signals
from pelican.generators import ArticlesGenerator

from cafetech import parallel
from cafetech.contents import PAGE_CACHE
from cafetech.files import damaged_files, files_digest, hash_of, tree_digests, write_atomically

logger = logging.getLogger(__name__)

DEFAULTS = {"SEARCH_ENABLED": True, "SEARCH_TIMEOUT": 120}
TEMPLATE = "search_document"
BUNDLE = "pagefind"
PAGEFIND_VERSION = importlib.metadata.version("pagefind")


@dataclass(frozen=True)
class SearchConfig:
    enabled: bool
    timeout: int


def config(settings: dict) -> SearchConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if not isinstance(merged["SEARCH_TIMEOUT"], int) or merged["SEARCH_TIMEOUT"] <= 0:
        raise ValueError(f"search: SEARCH_TIMEOUT must be a number of seconds, not {merged['SEARCH_TIMEOUT']!r}")
    return SearchConfig(bool(merged["SEARCH_ENABLED"]), merged["SEARCH_TIMEOUT"])


PAGEFIND_OPTIONS = ["--quiet"]  # an index depends on these, its documents and Pagefind's version


def pagefind_executable() -> list[str]:
    """Pagefind's binary from the ``pagefind[bin]`` wheel, run directly (``python -m pagefind`` only
    finds and executes it, after starting a Python: 60 ms a year indexed); the module without the wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return [sys.executable, "-m", "pagefind"]
    return [str(get_executable())]


def pagefind_command(site: str, output: str) -> list[str]:
    return [*pagefind_executable(), "--site", site, "--output-path", output, *PAGEFIND_OPTIONS]


def failure(result: subprocess.CompletedProcess) -> str | None:
    """Why Pagefind failed, in one line; None if it did not."""
    if result.returncode == 0:
        return None
    reason = (result.stderr or result.stdout).strip().splitlines()
    return reason[-1] if reason else f"exit status {result.returncode}"


# --- the index ---------------------------------------------------------------


def shard_of(article) -> str:
    """The index an article is in: one per year of publication, so an edit indexes one year again."""
    return str(article.date.year)


def bundle_paths(articles) -> list[str]:
    """The index folders (site-relative, newest year first) the search page merges."""
    return [f"{BUNDLE}/{shard}/" for shard in sorted({shard_of(article) for article in articles}, reverse=True)]


def document_name(article) -> str:
    """Where an article's search document goes: its own path, under its year."""
    return f"{shard_of(article)}/{article.save_as}"


def shards_of(articles) -> dict[str, list]:
    """The articles of each index, by shard name."""
    shards: dict[str, list] = {}
    for article in articles:
        shards.setdefault(shard_of(article), []).append(article)
    return dict(sorted(shards.items()))


def index_key(names_and_fingerprints) -> str:
    """What an index is kept under when every document of it has a page cache fingerprint."""
    return hash_of(("fingerprints", PAGEFIND_VERSION, PAGEFIND_OPTIONS, sorted(names_and_fingerprints)))


def documents_digest(folder: str) -> str:
    """What an index is made from: every document (path and bytes), Pagefind's version and options."""
    return files_digest(folder, ("**/*",), salt=f"{PAGEFIND_VERSION} {PAGEFIND_OPTIONS}")


class Documents:
    """Each published article's indexed part, rendered into ``folder/<shard>/<its path>``.

    With a page cache (development builds), a document whose inputs have not changed is linked
    from it instead of rendered, and a shard whose documents are all unchanged is not even
    written: its kept index is keyed by their fingerprints."""

    def __init__(self, generator, folder: str, pages=None):
        self.generator = generator
        self.template = generator.get_template(TEMPLATE)
        self.folder = folder
        self.pages = pages

    def _static(self, name: str) -> str:
        return self.pages.static_digest(name, (name, self.template), {})

    def unchanged_key(self, articles) -> str | None:
        """The index key of a shard none of whose documents changed since the last build; None otherwise."""
        if self.pages is None:
            return None
        entries = {}
        for article in articles:
            name = document_name(article)
            if (entry := self.pages.unchanged(name, self._static(name))) is None:
                return None
            entries[name] = entry
        self.pages.new.update(entries)  # still this build's documents
        return index_key((name, entry.fingerprint) for name, entry in entries.items())

    def _render(self, article, path: str) -> list[str]:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.template.render(self.generator.context, article=article))
        return [path]

    def write(self, articles) -> str | None:
        """Write a shard's documents; the key its index can be kept under (None: not to be kept)."""
        fingerprints = []
        for article in articles:
            name = document_name(article)
            path = os.path.join(self.folder, name)
            if self.pages is None:
                self._render(article, path)
                continue
            static = self._static(name)
            if self.pages.try_reuse(name, static) is None:
                entry = self.pages.render(name, static, [article], lambda article=article, path=path: self._render(article, path))
                if entry is not None:
                    self.pages.new[name] = entry
            if (entry := self.pages.new.get(name)) is not None:
                fingerprints.append((name, entry.fingerprint))
        if self.pages is not None and len(fingerprints) == len(articles):
            return index_key(fingerprints)
        return None


def _link_tree(source: str, target: str) -> None:
    """A copy of a folder made of hard links (a copy where linking is not possible)."""

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, dirs_exist_ok=True)


def sort_entry_file(index: str) -> None:
    """Pagefind lists an index's languages in no fixed order: sort them, so the same site gives the same bytes."""
    path = os.path.join(index, "pagefind-entry.json")
    with open(path, encoding="utf-8") as handle:
        entry = json.load(handle)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(entry, handle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def manifest_of(kept: str) -> str:
    """Where the digests of a kept index's files are written: beside it, never inside (it is linked into the site whole)."""
    return f"{kept}.digests.json"


def drop_kept(kept: str) -> None:
    shutil.rmtree(kept, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(manifest_of(kept))


def kept_index(folder: str | None) -> bool:
    """Whether ``folder`` holds a kept index whose every file still has the bytes it was kept with.
    One cut short, damaged, or changed (a file gone, one added) is dropped with a warning: this build
    indexes again, and nothing damaged reaches the site."""
    if not folder or not os.path.isdir(folder):
        return False
    try:
        with open(manifest_of(folder), encoding="utf-8") as handle:
            digests = json.load(handle)
        damaged = damaged_files(folder, digests) if isinstance(digests, dict) else ["its manifest"]
    except FileNotFoundError:  # kept unfinished, or by a build that wrote no manifest
        drop_kept(folder)
        return False
    except (OSError, ValueError) as error:
        damaged = [f"its manifest ({type(error).__name__})"]
    if damaged:
        logger.warning(
            "%s: kept search index damaged (%s), dropped; this build indexes again",
            folder, ", ".join(damaged[:3]) + (f" and {len(damaged) - 3} more" if len(damaged) > 3 else ""),
        )
        drop_kept(folder)
        return False
    return True


def index_shard(documents: str, output: str, timeout: int, kept: str | None) -> str | None:
    """Run Pagefind on one shard's documents into ``output``, keeping the index in ``kept``; why it failed, or None."""
    if kept_index(kept):
        _link_tree(kept, output)
        return None
    try:
        result = subprocess.run(pagefind_command(documents, output), capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode == 0:
        sort_entry_file(output)
    if kept and result.returncode == 0:
        partial = f"{kept}.{os.getpid()}.tmp"  # renamed when complete: another build never sees half of it
        _link_tree(output, partial)
        if os.path.exists(kept):
            shutil.rmtree(partial, ignore_errors=True)
        else:
            write_atomically(manifest_of(kept), json.dumps(tree_digests(partial), sort_keys=True))
            os.replace(partial, kept)
    return failure(result)


def build_index(generator, output: str, timeout: int, cache: str | None = None) -> str | None:
    """Write the documents and run Pagefind on each year's (two at a time); why it failed, or None.

    With ``cache`` (a folder), a year whose documents are the same as in a kept index takes that
    index instead of running Pagefind; the indexes of this build are kept there, no others. With
    the page cache on as well, the documents themselves are kept (``cache/documents``)."""
    folder = tempfile.mkdtemp(prefix="cafetech-search-")
    indexes = os.path.join(cache, "indexes") if cache else None
    try:
        pages = None
        if cache and (open_page_cache := generator.context.get(PAGE_CACHE)) is not None:
            pages = open_page_cache(os.path.join(cache, "documents"), folder)
        documents = Documents(generator, folder, pages)
        keys: dict[str, str | None] = {}
        todo = []
        for shard, articles in shards_of([*generator.translations, *generator.articles]).items():
            key = documents.unchanged_key(articles)
            if key and kept_index(os.path.join(indexes, key)):
                _link_tree(os.path.join(indexes, key), os.path.join(output, shard))
                keys[shard] = key
            else:
                todo.append((shard, articles))
        # Each year is indexed as soon as its documents are written, while the next year's are rendered.
        with ThreadPoolExecutor(max_workers=2) as pool:
            running = []
            with pages.recording([generator.env]) if pages else contextlib.nullcontext():
                for shard, articles in todo:
                    keys[shard] = documents.write(articles)
                    if keys[shard] is None and indexes:
                        keys[shard] = documents_digest(os.path.join(folder, shard))
                    kept = os.path.join(indexes, keys[shard]) if indexes else None
                    running.append(pool.submit(index_shard, os.path.join(folder, shard), os.path.join(output, shard), timeout, kept))
            failures = [job.result() for job in running]
        if pages is not None:
            pages.save({})
        if indexes and os.path.isdir(indexes):
            used = {name for key in keys.values() for name in (key, os.path.basename(manifest_of(key)))}
            for name in set(os.listdir(indexes)) - used:
                path = os.path.join(indexes, name)
                if os.path.isdir(path):
                    drop_kept(path)  # its manifest too
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
        return next((f"{shard}: {why}" for (shard, _), why in zip(todo, failures, strict=True) if why), None)
    except OSError as error:
        return str(error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- signal handlers ---------------------------------------------------------

_RUNNING: dict[str, object] = {}  # output path -> the worker building its index


def check_settings(pelican):
    # A build that failed in this process (livereload, tests) may have left its state: start afresh.
    _READ.pop(pelican.output_path, None)
    _RUNNING.pop(pelican.output_path, None)
    config(pelican.settings)
    pelican.settings.setdefault("SEARCH_BUNDLES", [f"{BUNDLE}/"])  # the search page's, until the index says which


def start_index(generators):
    generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if generator is None or not (cfg := config(generator.settings)).enabled:
        return
    output = os.path.join(generator.output_path, BUNDLE)
    generator.context["SEARCH_BUNDLES"] = bundle_paths([*generator.translations, *generator.articles]) or [f"{BUNDLE}/"]
    # With Pelican's content cache on (development builds), the last index is kept beside it.
    cache = os.path.join(generator.settings["CACHE_PATH"], "search") if generator.settings.get("CACHE_CONTENT") else None
    def index():
        return build_index(generator, output, cfg.timeout, cache)

    _RUNNING[generator.output_path] = parallel.start(index, "search index")  # at once, or beside the writing


_READ: dict[str, list] = {}  # output path -> this build's generators, until the writing starts


def remember_generators(generators):
    generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if generator is not None:
        _READ[generator.output_path] = generators


def start_when_writing(pelican):
    """Start indexing when Pelican asks for its writer: every article is read and linked, and every
    handler of ``all_generators_finalized`` has run (URLs settled, {attach} files moved)."""
    generators = _READ.pop(pelican.output_path, None)
    if generators is not None:
        start_index(generators)


def finish_index(pelican):
    if pelican.output_path not in _RUNNING:
        return
    running = _RUNNING.pop(pelican.output_path)
    try:
        why = running.result()
    except parallel.JobFailed as error:
        why = str(error)
    if why:
        logger.error("search: Pagefind could not index %s: %s", pelican.output_path, why)


def register():
    signals.initialized.connect(check_settings)
    signals.all_generators_finalized.connect(remember_generators)
    signals.get_writer.connect(start_when_writing)
    signals.finalized.connect(finish_index)
