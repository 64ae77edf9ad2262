"""What `translations.update` keeps of its last run, to update only the sidecars a run can change."""

# One file per content folder and language (tasks.py names it, under cache/): for each French source,
# the digests of the source and of its sidecar as the run left them, the catalog as the translation
# memory read it, and, when updating the pair changed nothing, what the memory answered it. The file
# is checked whole (a digest of its body on its first line): anything else is reported and ignored,
# and the run updates every sidecar, as it does the first time or after a change of the code.

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path

from cafetech.files import files_digest, write_atomically

FORMAT = "cafetech translations.update state 1"
# The code an update runs and the libraries it uses (pinned): a change starts a new record.
UPDATE_CODE = ("requirements.lock", "cafetech/*.py")
_PROJECT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The digest of the code that reads, merges and fills sidecars (UPDATE_CODE) and of the Python running
    it: taken once, since a process does not take up code changed after it started."""
    return files_digest(_PROJECT, UPDATE_CODE, salt=sys.version)


def file_digest(path: str | os.PathLike) -> str | None:
    """The digest of a file's bytes; None when there is no file."""
    try:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()
    except FileNotFoundError:
        return None


def _body_digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _valid(records) -> bool:
    """Whether ``records`` has the shape save_state writes: {source: {"source", "sidecar", "reading", "settled"}}."""
    return isinstance(records, dict) and all(
        isinstance(key, str)
        and isinstance(record, dict)
        and isinstance(record.get("source"), str)
        and isinstance(record.get("sidecar"), (str, type(None)))
        and isinstance(record.get("reading"), (dict, type(None)))
        and isinstance(record.get("settled"), (dict, type(None)))
        for key, record in records.items()
    )


def load_state(path: str | os.PathLike) -> tuple[dict[str, dict], str | None]:
    """(the records of the last run, keyed by source, or none; a one-line warning when the file is damaged).

    A missing file, or one written by other code, gives no record and no warning.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as error:
        return {}, f"{path}: unreadable ({error.strerror}); every sidecar updated"
    head, _, body = data.partition(b"\n")
    fields = head.decode("utf-8", "replace").rsplit(" ", 2)
    if len(fields) != 3 or fields[0] != FORMAT or fields[2] != _body_digest(body):
        return {}, f"{path}: damaged (its digest does not match its content); every sidecar updated"
    if fields[1] != code_digest():
        return {}, None  # written by other code: its records say nothing about what this code does
    try:
        records = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return {}, f"{path}: damaged ({error}); every sidecar updated"
    if not _valid(records):
        return {}, f"{path}: damaged (not the records of an update); every sidecar updated"
    return records, None


def save_state(path: str | os.PathLike, records: dict[str, dict]) -> None:
    """Write the records of this run, whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(records, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    write_atomically(path, f"{FORMAT} {code_digest()} {_body_digest(body)}\n".encode() + body)
