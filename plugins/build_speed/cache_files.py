"""Reading the build's cache files: a truncated or corrupt one is dropped with one warning, never a failed build."""

from __future__ import annotations

import gzip
import logging
import os
import pickle

logger = logging.getLogger(__name__)

# What a cut or damaged pickle (plain or gzipped) raises while it is read.
UNREADABLE = (OSError, EOFError, pickle.PickleError, AttributeError, ImportError, IndexError, KeyError, TypeError, ValueError, gzip.BadGzipFile)


def load_pickle(path: str | os.PathLike, compressed: bool = False):
    """The object pickled in ``path`` (gzipped when ``compressed``); None when there is none.

    An unreadable file (an interrupted build or a full disk can leave one) is deleted, with one
    warning naming it: the build goes on as if it had never been kept."""
    try:
        opener = gzip.open if compressed else open
        with opener(path, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except UNREADABLE as error:
        _drop(path, error)
        return None


def drop_if_cut(path: str | os.PathLike, compressed: bool) -> bool:
    """Delete a cache file another program reads (Pelican's reader caches) when it is cut short or
    damaged, with one warning naming it; whether it was dropped. Checked without unpickling it:
    a gzip file is read through (its checksum and length are verified at its end), a plain pickle
    must end with pickle's STOP opcode."""
    try:
        if compressed:
            with gzip.open(path, "rb") as handle:
                while handle.read(1 << 20):
                    pass
        else:
            with open(path, "rb") as handle:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != pickle.STOP:
                    raise EOFError("no end")
        return False
    except FileNotFoundError:
        return False
    except UNREADABLE as error:
        _drop(path, error)
        return True


def _drop(path: str | os.PathLike, error: Exception) -> None:
    logger.warning("%s: unreadable cache (%s), dropped; this build starts it again", path, type(error).__name__)
    try:
        os.unlink(path)
    except OSError:
        pass
