"""Results of costly pure functions of text, kept from one build to the next.

A development build (Pelican's ``CACHE_CONTENT``) makes every article again from
its cached reading, and the plugins then typeset and tag every one of them,
although only the edited file changed. A ``Memo`` keeps each result under a
digest of everything it is computed from (the function's inputs and the
settings it depends on: the caller puts them all in the key) in
``CACHE_PATH/memo/<name>.pickle``; the next build takes the result from there.
The file also holds a digest of our code (settings files, plugins, our package,
the pinned libraries): a memo written by other code is not read. It holds the
results this build used, no others, and is only written when they changed.

Results can also be prepared ahead: a plugin registers a preparer
(``preparer``), which build_speed runs on each file's reading as soon as it is
read, in the process that read it (half the files in a forked worker: see
plugins/build_speed.py). A prepared result is only a guess at what the article
will ask for; it is kept under the same key, so one that is never asked for is
never used nor kept.
"""

from __future__ import annotations

import os
import pickle

from functools import lru_cache

from cafetech.cache_files import load_pickle
from cafetech.page_cache import CODE_ROOT, hash_of

FOLDER = "memo"
_MISSING = object()
MEMOS: dict = {}  # name -> Memo, one per plugin that keeps results
PREPARERS: list = []  # functions (content, metadata, settings) -> None, see ``prepare``


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Our code as this process runs it (a process does not take up code changed after it started)."""
    from cafetech.site_build import CODE_FILES, files_digest

    return files_digest(CODE_ROOT, CODE_FILES)


def memo_path(settings: dict, name: str) -> str | None:
    """Where the memo ``name`` is kept; None when Pelican's content cache is off (no memo)."""
    if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return None
    return os.path.join(settings["CACHE_PATH"], FOLDER, f"{name}.pickle")


class Memo:
    """One build's memo of one function; without a path (``open(None)``) it lasts for that build only."""

    def __init__(self):
        self.path: str | None = None
        self.old: dict = {}  # results that may be asked for: kept by the last build, or prepared
        self.new: dict = {}  # results this build asked for
        self.prepared: dict = {}  # results prepared in this process
        self.computed = 0
        self._loaded: set = set()  # the keys of the file as it was read

    def open(self, path: str | None, load: bool = True) -> Memo:
        """Start a build: the results kept in ``path`` are taken when ``load`` (Pelican's LOAD_CONTENT_CACHE).
        Without a path the memo lasts for this build only (results prepared ahead, see ``prepare``)."""
        self.path, self.old, self.new, self.prepared, self.computed = path, {}, {}, {}, 0
        if path and load:
            kept = load_pickle(path)  # no memo, or one that cannot be read: everything is computed again
            if isinstance(kept, dict) and kept.get("code") == code_digest() and isinstance(kept.get("results"), dict):
                self.old = kept["results"]
        self._loaded = set(self.old)
        return self

    def get(self, key, compute):
        """``compute()``, or its result kept under ``key`` (tuples, str, numbers, bools, None: ``marshal``'s)."""
        digest = hash_of(key)
        found = self.new.get(digest, _MISSING)
        if found is _MISSING:
            found = self.old.get(digest, _MISSING)
            if found is _MISSING:
                found = compute()
                self.computed += 1
            self.new[digest] = found
        return found

    def prepare(self, key, compute) -> None:
        """Compute a result a content will probably ask for, unless it is known already."""
        digest = hash_of(key)
        if digest not in self.new and digest not in self.old:
            self.old[digest] = self.prepared[digest] = compute()

    def save(self) -> None:
        """End a build: keep the results it used, if they are not exactly those already kept."""
        path, self.path = self.path, None
        if path is None or self.new.keys() == self._loaded:
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            pickle.dump({"code": code_digest(), "results": self.new}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)  # another build reads the old memo or the new one, never half of one


def named(name: str) -> Memo:
    """The memo of that name (one per plugin), shared with the code that prepares results."""
    return MEMOS.setdefault(name, Memo())


def preparer(function):
    """Register ``function(content, metadata, settings)``: it prepares results from a file's reading."""
    if function not in PREPARERS:
        PREPARERS.append(function)
    return function


def prepare(content: str, metadata: dict, settings: dict) -> None:
    """Run the preparers on one reading. A preparer that fails prepares nothing: the content
    computes its results itself, and any error is reported then."""
    for function in PREPARERS:
        try:
            function(content, metadata, settings)
        except Exception:  # noqa: BLE001 - only a guess; the real computation reports errors
            pass


def take_prepared() -> dict:
    """The results prepared in this process since the last call, by memo (what a worker sends back)."""
    found = {}
    for name, memo in MEMOS.items():
        if memo.prepared:
            found[name], memo.prepared = memo.prepared, {}
    return found


def add_prepared(results: dict) -> None:
    """Results prepared in another process, made available to this one's memos."""
    for name, entries in results.items():
        named(name).old.update(entries)


_HANDLERS: dict = {}  # name -> (open, save): the signals keep only weak references


def connect(name: str) -> Memo:
    """Open the memo ``name`` when a build starts (Pelican's ``initialized``: from its file when the
    content cache is on) and save it when the build is done (``finalized``). For a plugin's register()."""
    from pelican import signals

    if name not in _HANDLERS:

        def open_memo(pelican):
            named(name).open(memo_path(pelican.settings, name), load=bool(pelican.settings.get("LOAD_CONTENT_CACHE")))

        def save_memo(pelican):
            named(name).save()

        _HANDLERS[name] = (open_memo, save_memo)
        signals.initialized.connect(open_memo)
        signals.finalized.connect(save_memo)
    return named(name)
