"""Create the project's virtual environment from the pinned requirements (used by the Makefile).

Works with a bare Debian Python too: when the interpreter has no ``ensurepip``
(Debian ships it in a separate package), the venv is made without pip and pip
is bootstrapped from its wheel on the package index.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import venv
from typing import NoReturn
from pathlib import Path

MIN_PYTHON = (3, 11)
INDEX_JSON = os.environ.get("CAFETECH_PIP_JSON", "https://pypi.org/pypi/pip/json")


def fail(message: str) -> NoReturn:
    print(f"make_venv: {message}", file=sys.stderr)
    raise SystemExit(1)


def has_ensurepip() -> bool:
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


def bootstrap_pip(python: Path) -> None:
    """Install pip into a pip-less venv from the newest pip wheel on the index."""
    with urllib.request.urlopen(INDEX_JSON, timeout=60) as answer:
        release = json.load(answer)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=120) as answer:
            target.write_bytes(answer.read())
        # A wheel is importable as a zip: run pip from it to install itself.
        subprocess.run([str(python), f"{target}/pip", "install", "--no-index", str(target)], check=True)


def main(venv_dir: str, lock_file: str) -> None:
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {'.'.join(map(str, MIN_PYTHON))}+ is required, this is {sys.version.split()[0]}")
    target = Path(venv_dir)
    if target.exists():
        shutil.rmtree(target)
    with_pip = has_ensurepip()
    venv.create(target, with_pip=with_pip)
    python = target / "bin" / "python"
    if not with_pip:
        bootstrap_pip(python)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", lock_file],
        check=True,
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: make_venv.py VENV_DIR LOCK_FILE")
    try:
        main(sys.argv[1], sys.argv[2])
    except subprocess.CalledProcessError as error:
        fail(f"command failed ({error.returncode}): {' '.join(map(str, error.cmd))}")
