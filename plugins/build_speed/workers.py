"""Work done by a forked copy of the build process, on the machine's other core.

``start(function)`` forks: the child inherits everything the build has in memory
(settings, readers, every article), runs ``function()`` and sends back through a
pipe its result and the log records it emitted; ``Worker.result()`` waits for
it and logs those records in the parent, where the build's own handlers count
errors. Nothing the child does reaches the parent any other way, so a child that
fails loses nothing: the parent logs why and goes on or stops as it would for
its own error.

Where ``os.fork`` does not exist (Windows) ``start`` returns None and the caller
does the work itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
import traceback
from typing import Any, Callable

logger = logging.getLogger(__name__)

_PENDING: list["Worker"] = []


def default_count() -> int:
    """Worker processes a build uses by default: one on a machine with two cores or more, else none."""
    return 1 if (os.cpu_count() or 1) > 1 else 0


def wanted(settings) -> bool:
    """Whether a build with these settings forks workers (the ``BUILD_WORKERS`` setting, 0 or 1)."""
    return bool(settings.get("BUILD_WORKERS", default_count()))


class WorkerFailed(RuntimeError):
    """The child process raised, or died without a result."""


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.NOTSET)
        self.records: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Only what the parent needs to log it again, and nothing that may not pickle.
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        self.records.append({"name": record.name, "levelno": record.levelno, "levelname": record.levelname, "msg": message})


@contextlib.contextmanager
def captured_logs():
    """Route every log record to a list (and only there) while the block runs; yields the list.

    Pelican's loggers drop a warning they have already let through once (``LimitFilter``);
    what they saw while captured is forgotten afterwards, so the same warning logged again
    (a file read again by Pelican, say) is not lost."""
    from pelican.log import LimitFilter

    root = logging.getLogger()
    handler = _ListHandler()
    saved = root.handlers[:]
    seen, counts = set(LimitFilter._raised_messages), dict(LimitFilter._group_count)
    root.handlers = [handler]
    try:
        yield handler.records
    finally:
        root.handlers = saved
        LimitFilter._raised_messages.intersection_update(seen)
        LimitFilter._group_count.clear()
        LimitFilter._group_count.update(counts)


class Worker:
    def __init__(self, pid: int, fd: int, label: str):
        self.pid, self.fd, self.label = pid, fd, label
        self._done = False
        self._value: Any = None

    def result(self) -> Any:
        """Wait for the child; log its records here; its function's return value (WorkerFailed if it raised)."""
        if self._done:
            return self._value
        with os.fdopen(self.fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self._forget()
        try:
            ok, value, records = pickle.loads(data)
        except Exception:  # noqa: BLE001 - killed, or died before sending anything
            raise WorkerFailed(f"{self.label}: the worker process ended without a result (status {status})") from None
        for record in records:
            logging.getLogger(record["name"]).handle(logging.makeLogRecord(record))
        if not ok:
            raise WorkerFailed(f"{self.label}: {value}")
        self._value = value
        return value

    def kill(self) -> None:
        """Stop the child and every process it started (Pagefind, say): they are one process group."""
        if self._done:
            return
        with contextlib.suppress(OSError):
            os.killpg(self.pid, 9)
        with contextlib.suppress(OSError):
            os.kill(self.pid, 9)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self._forget()

    def _forget(self) -> None:
        self._done = True
        if self in _PENDING:
            _PENDING.remove(self)


def start(function: Callable[[], Any], label: str, pending: bool = False) -> Worker | None:
    """Run ``function`` in a forked child; None where fork is not available (do the work yourself).

    With ``pending`` the worker is also kept in a list that ``join_all`` waits for.
    """
    if not hasattr(os, "fork"):
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # its own process group, with whatever it starts: ``kill`` stops them all
        os.close(read_end)
        code = 0
        with captured_logs() as records:
            try:
                message = (True, function(), records)
            except BaseException as error:  # noqa: BLE001 - reported to the parent
                logger.debug("%s failed in the worker process", label, exc_info=True)  # the traceback, for --debug
                message, code = (False, f"{error.__class__.__name__}: {error}", records), 1
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent sees no result and says so
            code = 2
        finally:
            os._exit(code)
    os.close(write_end)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # (also here: whichever of the two runs first)
    worker = Worker(pid, read_end, label)
    if pending:
        _PENDING.append(worker)
    return worker


def join_all() -> None:
    """Wait for every pending worker; log (as errors) those that failed."""
    while _PENDING:
        worker = _PENDING[0]
        try:
            worker.result()
        except WorkerFailed as error:
            logger.error("%s", error)


def kill_all() -> None:
    """Stop every pending worker (the build failed: what they make is thrown away)."""
    while _PENDING:
        _PENDING[0].kill()
