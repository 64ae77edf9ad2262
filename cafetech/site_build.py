"""Atomic builds: Pelican writes the new site beside output/, which is swapped in only when the build succeeded.

A build that logs an error, raises, or is interrupted (Ctrl-C) leaves the
previous ``output/`` exactly as it was; a killed build leaves at most a
``.output.build-*`` folder behind, which the next build removes. The site a
build replaced stays beside as ``.output.old-*``, its files removed: the next
build writes into its folders (cafetech/output_folders.py). One build at a
time writes beside ``output/`` (``.output.lock``): a second one waits, saying so. Problems are
printed one line each (``error: <file>:<line>: …``); tracebacks only with ``debug``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cafetech import parallel
from cafetech.files import files_digest
from cafetech.output_folders import clear_files, remove_empty_folders

BUILD_PREFIX = ".output.build-"
OLD_PREFIX = ".output.old-"
LOCK = ".output.lock"  # beside the output folder: one build at a time there (``one_build_at_a_time``)


class BuildFailed(Exception):
    """The build did not produce a site that can be trusted; output/ was left untouched."""


@dataclass
class BuildReport:
    output: Path
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def one_line(message: str) -> str:
    """Pelican's multi-line messages ("Could not process X\\n<reason>") as one line."""
    return ": ".join(part.strip() for part in str(message).splitlines() if part.strip())


class _Collector(logging.Handler):
    """Prints warnings and errors as single lines and keeps them for the report."""

    def __init__(self, report: BuildReport, stream=None):
        super().__init__(logging.WARNING)
        self.report = report
        self.stream = stream or sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        text = one_line(record.getMessage())
        # Pelican logs "Could not process <file>" from inside its except block, without the
        # reason unless DEBUG: the exception being handled is still at hand here.
        handled = sys.exc_info()[1]
        if handled is not None and record.exc_info in (None, False) and str(handled) not in text:
            text = f"{text}: {one_line(str(handled)) or handled.__class__.__name__}"
        if record.levelno >= logging.ERROR:
            self.report.errors.append(text)
            print(f"error: {text}", file=self.stream)
        else:
            self.report.warnings.append(text)
            print(f"warning: {text}", file=self.stream)


@contextlib.contextmanager
def one_build_at_a_time(output: Path, stream=None):
    """Hold the lock of ``output``'s folder (``.output.lock`` beside it) while a build there starts,
    writes and swaps its site in, or clears what the last one left: a second build there (the editor's
    ``invoke build`` while ``livereload``'s process builds) waits for the first, saying so, instead of
    removing its staging folder as a killed build's leftover. The system releases the lock of a
    process that dies."""
    with open(output.parent / LOCK, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for the build of {output.name}/ already running ...", file=stream or sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def remove_leftovers(output: Path) -> None:
    """Folders of builds that were killed before they could clean up; the files of the site the last
    build replaced (its folders are kept for the next build: ``staging_folder``)."""
    for stale in output.parent.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    previous = sorted(output.parent.glob(f"{OLD_PREFIX}*"))
    for stale in previous[1:]:
        shutil.rmtree(stale, ignore_errors=True)
    for kept in previous[:1]:
        clear_files(kept)


def staging_folder(output: Path) -> Path:
    """A new folder beside ``output`` for a build to write into: the folders of the site the last build
    replaced, emptied of its files (making ~3,000 folders again costs more than writing the pages into
    them: cafetech/output_folders.py), or a new empty folder."""
    remove_leftovers(output)
    staging = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=output.parent))
    for previous in sorted(output.parent.glob(f"{OLD_PREFIX}*"))[:1]:
        try:
            os.rename(previous, staging)  # over the new empty folder
        except FileNotFoundError:
            pass  # another build took it first: this one starts from the empty folder
    os.chmod(staging, ordinary_folder_mode())  # mkdtemp's 0700 would make every page a 403 once served
    return staging


def swap_in(new: Path, output: Path, remove_old: bool = True) -> None:
    """Replace output/ by new/ with two renames, so output/ is never half written. The old site is kept
    beside, for the next build's folders (``staging_folder``): its files are removed now, or with
    ``remove_old=False`` left for ``remove_leftovers``."""
    remove_empty_folders(new)  # the folders of the recycled site the new one did not use
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=output.parent))
        os.rmdir(old)
        os.rename(output, old)
        os.rename(new, output)
        if remove_old:
            clear_files(old)
    else:
        os.rename(new, output)


def ordinary_folder_mode() -> int:
    """The mode os.mkdir gives a folder under this process's umask (0755 under the usual 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


# The code that turns a source file into a cached reading or a page: a change to any of these
# starts a new content cache (``content_cache``), and ``invoke gh-pages`` refuses them uncommitted.
CODE_FILES = ("pelicanconf.py", "publishconf.py", "requirements.lock", "plugins/**/*.py", "cafetech/*.py")
CODE_ROOT = str(Path(__file__).resolve().parent.parent)  # the project


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The digest of our code (CODE_FILES) as this process runs it: taken once, since a process does
    not take up code changed after it started. What the memos and the page cache are valid for."""
    return files_digest(CODE_ROOT, CODE_FILES)


PHOTO_STORE = "photos"  # in the cache root: the photos plugin's store, whose entries are filed by recipe


def content_cache(root: str | os.PathLike, cache_root: str | os.PathLike) -> dict:
    """Settings for a build that reuses Pelican's content cache (readings of unchanged files) in
    ``cache_root/<digest of the code>``; caches of other code are removed. The photo store
    (``cache_root/photos``) outlives the code: its entries are filed under what made them."""
    cache_root = Path(cache_root)
    current = cache_root / files_digest(root, CODE_FILES)
    if cache_root.is_dir():
        for other in cache_root.iterdir():
            if other != current and other.is_dir() and other.name != PHOTO_STORE:
                shutil.rmtree(other, ignore_errors=True)
    return {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(current), **photo_store(cache_root, verify="stat")}


def photo_store(cache_root: str | os.PathLike, verify: str = "digest") -> dict:
    """Settings for a build that takes its photos and cards from the project's store
    (``cache_root/photos``), each file verified against the digest recorded when it was made:
    ``"digest"`` hashes every file taken (publish builds, checks), ``"stat"`` only those whose size or
    time changed (development builds)."""
    return {"PHOTOS_CACHE_PATH": str(Path(cache_root) / PHOTO_STORE), "PHOTOS_CACHE_VERIFY": verify}


def build(
    settings_file: str | os.PathLike,
    content: str | os.PathLike,
    output: str | os.PathLike,
    overrides: dict | None = None,
    debug: bool = False,
    stream=None,
    remove_old: bool = True,
) -> BuildReport:
    """Build the site with Pelican, in this process, and swap it into ``output`` if nothing went wrong
    (the old site's files removed, or with ``remove_old=False`` left for ``remove_leftovers``; its
    folders kept for the next build). One build at a time beside ``output`` (``one_build_at_a_time``)."""
    from pelican.log import LimitFilter

    # Pelican drops a warning it let through once in this process: each build must print its own
    # (a stale translation is named at every build, livereload's too). What it relies on is in
    # build_speed's INTERNALS (pelican/log.py, LimitFilter), checked at start.
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with one_build_at_a_time(output, stream):
        return _build(settings_file, content, output, staging_folder(output), overrides, debug, stream, remove_old)


def _build(settings_file, content, output: Path, staging: Path, overrides, debug, stream, remove_old) -> BuildReport:
    from pelican import Pelican
    from pelican.settings import read_settings

    report = BuildReport(output=output)
    collector = _Collector(report, stream)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.WARNING if not debug else logging.DEBUG)
    try:
        settings = read_settings(
            str(settings_file),
            override={
                "PATH": str(Path(content).resolve()),
                "OUTPUT_PATH": str(staging),
                "DEBUG": debug,
                **(overrides or {}),
                # The staging folder holds no file (staging_folder), and swap_in removes the folders the
                # site left empty: nothing for Pelican (or build_speed, in its stead) to clean.
                "DELETE_OUTPUT_DIRECTORY": False,
            },
        )
        Pelican(settings).run()
        if report.errors:
            raise BuildFailed(f"{len(report.errors)} error(s)")
    except BaseException as error:
        parallel.stop_all()  # work still writing into the staging folder
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, BuildFailed):
            raise
        if isinstance(error, KeyboardInterrupt):
            raise BuildFailed("interrupted") from None
        if debug:
            raise
        text = one_line(str(error)) or error.__class__.__name__
        report.errors.append(text)
        print(f"error: {text}", file=stream or sys.stderr)
        raise BuildFailed(text) from None
    finally:
        root.removeHandler(collector)
        root.setLevel(previous_level)
    swap_in(staging, output, remove_old)
    return report
