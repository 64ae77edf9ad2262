"""Files written whole or not at all, and digests of values and of files.

Every file the project writes that someone reads later (an article, a catalog, a cache, an
email) is written into a temporary file beside it and renamed over it: a reader (another build,
an editor's tool) sees the old file or the new one, never half of one, and an interrupted write
or a full disk leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
from pathlib import Path


def hash_of(value) -> str:
    """A digest of a canonical form (tuples, lists, str, numbers, None: what ``marshal`` writes
    without references, so equal forms give equal bytes)."""
    return hashlib.blake2b(marshal.dumps(value, 2), digest_size=16).hexdigest()


def sha256(data: str | bytes) -> str:
    """The SHA-256 of bytes, or of text as UTF-8, in hexadecimal (what names a file by its content)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def files_digest(root: str | os.PathLike, patterns, salt: str = "") -> str:
    """A digest of the files under ``root`` that match the glob ``patterns`` (paths and bytes) and of ``salt``."""
    digest = hashlib.sha256(salt.encode())
    root = Path(root)
    for path in sorted({path for pattern in patterns for path in root.glob(pattern) if path.is_file()}):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def tree_digests(folder: str | os.PathLike) -> dict[str, str]:
    """Every file under ``folder`` (its path relative to it, with ``/``) with its SHA-256: the
    manifest a cached folder is verified against before it is used."""
    root = Path(folder)
    return {path.relative_to(root).as_posix(): file_sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def damaged_files(folder: str | os.PathLike, digests: dict[str, str]) -> list[str]:
    """The files of a manifest (``tree_digests``) that are missing under ``folder`` or whose bytes
    no longer match (cut short by a crash, a full disk, an edit through a hard link), and the files
    the manifest does not name; empty when the folder is exactly what was kept."""
    root = Path(folder)
    present = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    damaged = sorted(present - set(digests))
    for name, digest in sorted(digests.items()):
        path = root / name
        if name not in present or file_sha256(path) != digest:
            damaged.append(name)
    return damaged


_TEMPORARY = itertools.count()


@contextlib.contextmanager
def replacing(path: str | os.PathLike, keep_mode: bool = True):
    """The name of a new temporary file beside ``path`` (``.<name>.<pid>.<n>.tmp``: this process's
    own), renamed over it when the block ends without an error (and removed when it raises). For
    writers that take a file name (Pillow, Babel's ``write_mo``, ``pickle.dump`` into ``open(name,
    "wb")``). With ``keep_mode`` the file keeps the mode of the one it replaces; a new file gets the
    usual mode (after the umask), as any file the writer creates."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{next(_TEMPORARY)}.tmp")
    try:
        yield str(temporary)
        if keep_mode:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, os.stat(path).st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8 with ``\\n`` line ends, or bytes) to ``path``, whole or not at all."""
    with replacing(path) as temporary:
        with open(temporary, "wb") if isinstance(data, bytes) else open(temporary, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # on disk before it replaces the old file (an editor's work)
