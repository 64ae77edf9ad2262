"""The plugins' memos (cafetech/memo.py) kept from one development build to the next.

A development build (Pelican's ``CACHE_CONTENT``) makes every article again from its cached
reading, and the plugins then typeset and tag every one of them, although only the edited file
changed. Each memo's results are kept in ``CACHE_PATH/memo/<name>.pickle`` with a digest of our
code (settings files, plugins, our package, the pinned libraries): a memo written by other code
is not read. The file holds the results the build used, no others, and is only written when they
changed, atomically; one that cannot be read is dropped with a warning and the build goes on cold.
"""

from __future__ import annotations

import os
import pickle

from cafetech import memo
from cafetech.files import replacing
from cafetech.site_build import code_digest

from .cache_files import load_pickle

FOLDER = "memo"


def memo_path(settings: dict, name: str) -> str | None:
    """Where the memo ``name`` is kept; None when Pelican's content cache is off (nothing kept)."""
    if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return None
    return os.path.join(settings["CACHE_PATH"], FOLDER, f"{name}.pickle")


def load(path: str | None) -> dict | None:
    """The results kept in ``path`` by this code; None when there are none to take."""
    if not path:
        return None
    kept = load_pickle(path)  # no file, or one that cannot be read (dropped, with a warning)
    if isinstance(kept, dict) and kept.get("code") == code_digest() and isinstance(kept.get("results"), dict):
        return kept["results"]
    return None


_LOADED: dict = {}  # name -> (path, the keys of the results read from it)


def open_all(settings: dict) -> None:
    """Start every memo of this build with the results its file keeps (Pelican's LOAD_CONTENT_CACHE)."""
    _LOADED.clear()
    for name, kept in memo.MEMOS.items():
        path = memo_path(settings, name)
        results = load(path) if settings.get("LOAD_CONTENT_CACHE") else None
        kept.start({} if results is None else results)
        _LOADED[name] = (path, set(kept.old))


def save_all() -> None:
    """Keep the results each memo used, when they are not exactly those already kept."""
    for name, (path, loaded) in _LOADED.items():
        results = memo.named(name).new
        if path is None or results.keys() == loaded:
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with replacing(path) as temporary, open(temporary, "wb") as handle:
            pickle.dump({"code": code_digest(), "results": results}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    _LOADED.clear()
