"""A site's folder emptied for the next build with its folders kept, and the folders left empty removed after it.

A page lives in a folder of its own (``2023/11/<slug>/index.html``): a site of 1,000 sections has
about 3,000 folders. Removing them and making them again is most of what a warm build spends on
its files (on ext4, ``rmdir`` and ``mkdir`` cost about 0.15 and 0.25 ms each, ``unlink`` under
0.01 ms): so a build removes the old site's files but keeps its folders (``clear_files``), and once
the new site is written removes the folders it left empty (``remove_empty_folders``). A build makes
no empty folder, so the result is the tree a build into an empty folder makes.
"""

from __future__ import annotations

import os


def clear_files(folder: str | os.PathLike, keep: tuple[str, ...] | list[str] = ()) -> int:
    """Remove every file (and symbolic link, never followed) under ``folder``, keeping its folders and
    the entries of ``folder`` named in ``keep`` (Pelican's ``OUTPUT_RETENTION``: ``.git``). The number
    of files removed; nothing when ``folder`` does not exist."""
    removed = 0
    pending = [(os.fspath(folder), True)]
    while pending:
        path, top = pending.pop()
        try:
            entries = list(os.scandir(path))
        except FileNotFoundError:
            continue
        for entry in entries:
            if top and entry.name in keep:
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, False))
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass  # another build removed it first (the preview's process clears the site it replaced)
    return removed


def remove_empty_folders(folder: str | os.PathLike, keep: tuple[str, ...] | list[str] = ()) -> int:
    """Remove the folders under ``folder`` that hold nothing (a folder whose folders were all empty is
    empty too), never ``folder`` itself nor the entries named in ``keep``. The number removed."""
    removed = 0
    root = os.fspath(folder)
    for path, folders, files in os.walk(root, topdown=False):
        if path == root or files:
            continue
        if os.path.relpath(path, root).split(os.sep)[0] in keep:
            continue
        try:
            os.rmdir(path)  # fails if a folder inside it was kept
            removed += 1
        except OSError:
            pass
    return removed
