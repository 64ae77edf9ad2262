"""Results of costly pure functions of text, kept from one build to the next.

A development build (Pelican's ``CACHE_CONTENT``) makes every article again from
its cached reading, and the plugins then typeset and tag every one of them,
although only the edited file changed. A ``Memo`` keeps each result under a
digest of everything it is computed from (the function's inputs and the
settings it depends on: the caller puts them all in the key) in
``CACHE_PATH/memo/<name>.pickle``; the next build takes the result from there.
Our code is in the content cache's own digest (cafetech/site_build.py), so a
change of code starts with an empty memo. The file holds the results this build
used, no others; it is only written when they changed.
"""

from __future__ import annotations

import os
import pickle

from cafetech.page_cache import hash_of

FOLDER = "memo"
_MISSING = object()


def memo_path(settings: dict, name: str) -> str | None:
    """Where the memo ``name`` is kept; None when Pelican's content cache is off (no memo)."""
    if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return None
    return os.path.join(settings["CACHE_PATH"], FOLDER, f"{name}.pickle")


class Memo:
    """One build's memo of one function; without a path (``open(None)``) every call computes."""

    def __init__(self):
        self.path: str | None = None
        self.old: dict = {}
        self.new: dict = {}
        self.computed = 0

    def open(self, path: str | None, load: bool = True) -> Memo:
        """Start a build: the results kept in ``path`` are taken when ``load`` (Pelican's LOAD_CONTENT_CACHE)."""
        self.path, self.old, self.new, self.computed = path, {}, {}, 0
        if path and load:
            try:
                with open(path, "rb") as handle:
                    kept = pickle.load(handle)
                self.old = kept if isinstance(kept, dict) else {}
            except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
                self.old = {}  # no memo, or one that cannot be read: everything is computed again
        return self

    def get(self, key, compute):
        """``compute()``, or its result kept under ``key`` (tuples, str, numbers, bools, None: ``marshal``'s)."""
        if self.path is None:
            return compute()
        digest = hash_of(key)
        found = self.new.get(digest, _MISSING)
        if found is _MISSING:
            found = self.old.get(digest, _MISSING)
            if found is _MISSING:
                found = compute()
                self.computed += 1
            self.new[digest] = found
        return found

    def save(self) -> None:
        """End a build: keep the results it used, if they are not exactly those already kept."""
        path, self.path = self.path, None
        if path is None or (not self.computed and self.new.keys() == self.old.keys()):
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            pickle.dump(self.new, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)  # another build reads the old memo or the new one, never half of one
