"""Results of costly pure functions of text, by a digest of everything they are computed from.

A plugin keeps a ``Memo`` (``named``) for a function such as typesetting or tagging an article,
and asks it for each result with a key that holds every input of the function (the text and
the settings it depends on): ``memo.get(key, compute)``. A result asked for twice is computed
once.

Results can also be prepared ahead from a file's reading alone: a plugin registers a preparer
(``preparer``); whoever reads files early may run them (``prepare``). A prepared result is only
a guess at what an article will ask for: it is kept under the same key, so one that is never
asked for is never used.

This module keeps results in memory only. The build_speed plugin, when enabled, keeps them from
one development build to the next and prepares them where files are read (plugins/build_speed/);
the results, and so the site, are the same without it.
"""

from __future__ import annotations

from cafetech.files import hash_of

_MISSING = object()
MEMOS: dict = {}  # name -> Memo, one per plugin that keeps results
PREPARERS: list = []  # functions (content, metadata, settings) -> None, see ``prepare``


class Memo:
    """The results of one function: those known (``old``: kept, or prepared) and those used (``new``)."""

    def __init__(self):
        self.old: dict = {}  # results that may be asked for: kept by an earlier build, or prepared
        self.new: dict = {}  # results asked for since ``start``
        self.prepared: dict = {}  # results prepared in this process since ``take_prepared``
        self.computed = 0

    def start(self, known: dict | None = None) -> Memo:
        """Start a build. The results known are ``known`` (kept by an earlier build) when given, else
        those the last build used: a process holds one build's results, not every build's."""
        if known is not None:
            self.old = known
        elif self.new:
            self.old = self.new
        self.new, self.prepared, self.computed = {}, {}, 0
        return self

    def get(self, key, compute):
        """``compute()``, or its result known under ``key`` (tuples, str, numbers, bools, None: ``marshal``'s)."""
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
    """The results prepared in this process since the last call, by memo (what another process sends back)."""
    found = {}
    for name, memo in MEMOS.items():
        if memo.prepared:
            found[name], memo.prepared = memo.prepared, {}
    return found


def connect(name: str) -> Memo:
    """Start the memo ``name`` at each build (Pelican's ``initialized``). For a plugin's register()."""
    from pelican import signals

    if name not in _STARTERS:
        _STARTERS[name] = lambda pelican: named(name).start()
        signals.initialized.connect(_STARTERS[name])
    return named(name)


_STARTERS: dict = {}  # name -> its handler (the signals keep only weak references)


def add_prepared(results: dict) -> None:
    """Results prepared in another process, made available to this one's memos."""
    for name, entries in results.items():
        named(name).old.update(entries)
