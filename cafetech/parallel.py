"""Independent work of a build, done at once unless a plugin provides a runner.

Two features hand out work that nothing else waits for: the photos plugin encodes photos (one
job each), the search plugin indexes the articles while the pages are written. They call
``start`` and ``run_all``, which by default do the work at once, in this process, as plain
Pelican would. A plugin may ``install`` a runner for a build (build_speed runs half of the work
in a forked process, on the other core); the results are the same either way.

A runner has ``start(function, label)`` (a handle whose ``result()`` waits for the value, or
None: "do it yourself") and ``stop_all()`` (the build failed: drop what is running).
"""

from __future__ import annotations

from typing import Any, Callable


class JobFailed(RuntimeError):
    """Work handed to a runner's process failed there (the message says why)."""


class Done:
    """The handle of work done at once: its value."""

    def __init__(self, value: Any):
        self.value = value

    def result(self) -> Any:
        return self.value


_RUNNER: list = []  # the installed runner, if any


def install(runner) -> None:
    _RUNNER[:] = [runner]


def uninstall() -> None:
    _RUNNER.clear()


def start(function: Callable[[], Any], label: str):
    """A handle on ``function()``: running in the installed runner, or done now (its exceptions propagate)."""
    handle = _RUNNER[0].start(function, label) if _RUNNER else None
    return handle if handle is not None else Done(function())


def run_all(jobs: list[Callable[[], Any]], label: str) -> list:
    """Each job's value, in order: every other job handed to the runner when one is installed (jobs
    it fails on are done here again)."""
    theirs = jobs[0::2] if _RUNNER and len(jobs) > 1 else []
    handle = _RUNNER[0].start(lambda: [job() for job in theirs], label) if theirs else None
    if handle is None:
        return [job() for job in jobs]
    ours = [job() for job in jobs[1::2]]
    try:
        done = handle.result()
    except JobFailed:
        done = [job() for job in theirs]
    return [done[index // 2] if index % 2 == 0 else ours[index // 2] for index in range(len(jobs))]


def stop_all() -> None:
    """The build failed: stop whatever the runner still runs (its output is thrown away)."""
    if _RUNNER:
        _RUNNER[0].stop_all()
