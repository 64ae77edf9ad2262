"""The preview: one long-lived build process that builds again at each save, and the dev server's reload script."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

# --- the reload script (served by the dev server, never written into a build) -------------

PREFIX = "/__preview__/"
VERSION_PATH = PREFIX + "version"  # the number of the last good build: the tab reloads when it changes
SCRIPT_PATH = PREFIX + "reload.js"
# A same-origin file: the pages' Content-Security-Policy (a meta tag, script-src 'self') allows it,
# where it would refuse an inline script.
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()
RELOAD_SCRIPT = b"""\
(function () {
  var seen = null;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (answer) { return answer.text(); }).then(function (version) {
      if (seen !== null && version !== seen) { location.reload(); return; }
      seen = version;
      setTimeout(poll, 300);
    }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % VERSION_PATH.encode()


def with_reload_script(html: bytes) -> bytes:
    """A served page with the reload script: before its last ``</body>``, or at its end."""
    at = html.rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]


# --- which changes the running builder can take ---------------------------------------------


def needs_restart(path: str | os.PathLike, content: str | os.PathLike) -> bool:
    """Whether a changed file calls for a new build process: anything but content (code, settings,
    theme, the lock file) changes what a process has imported or compiled."""
    return not Path(path).resolve().is_relative_to(Path(content).resolve())


# --- the build process ------------------------------------------------------------------------


def serve_builds(settings: Path, content: Path, output: Path, cache_root: Path, root: Path, commands, replies) -> None:
    """Build at once, then again at each line read from ``commands``; one reply line each: ``built SECONDS``
    or ``failed REASON`` (a failed build leaves ``output`` as it was)."""
    from cafetech.site_build import BuildFailed, build, content_cache, remove_leftovers

    cache = content_cache(root, cache_root)  # the code cannot change under a running process
    while True:
        started = time.perf_counter()
        try:
            build(settings, content, output, cache, remove_old=False)
            reply = f"built {time.perf_counter() - started:.3f}"
        except BuildFailed as failure:
            reply = f"failed {failure}"
        replies.write(reply + "\n")
        replies.flush()
        remove_leftovers(Path(output).resolve())  # the site it replaced, removed while the editor reads the new one
        if not commands.readline():
            return  # the watcher closed the pipe: it has stopped


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cafetech.preview", description=serve_builds.__doc__)
    for name in ("settings", "content", "output", "cache", "root"):
        parser.add_argument(f"--{name}", type=Path, required=True)
    args = parser.parse_args(argv)
    # Replies go through the original stdout; anything else printed goes to stderr, to the editor.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        serve_builds(args.settings, args.content, args.output, args.cache, args.root, sys.stdin, replies)
    except KeyboardInterrupt:
        pass


class Builder:
    """The watcher's side of the build process: started (it builds at once), asked to build, restarted.

    The builds run in a process of their own, never in the watcher's: it has only one thread, so
    build_speed may fork its workers there (the watcher runs the server's thread and watchfiles' own:
    a fork could copy a lock one of them holds), and a new one runs the code as it is now."""

    def __init__(self, settings: Path, content: Path, output: Path, cache_root: Path, root: Path):
        self.argv = [sys.executable, "-m", "cafetech.preview"]
        for name, value in (("settings", settings), ("content", content), ("output", output), ("cache", cache_root), ("root", root)):
            self.argv += [f"--{name}", str(value)]
        self.root = root
        self.process: subprocess.Popen | None = None
        self.version = 0  # good builds so far: what the open tabs poll
        self.last = ""  # the last reply

    def _answer(self) -> bool:
        line = self.process.stdout.readline().strip() if self.process else ""
        self.last = line or "failed: the build process stopped"
        if line.startswith("built "):
            self.version += 1
            return True
        if not line:
            self.stop()
        return False

    def start(self) -> bool:
        """A new build process (the code as it is now); whether its first build succeeded."""
        self.stop()
        # cwd: `python -m` finds cafetech/ there
        self.process = subprocess.Popen(self.argv, cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self._answer()

    def build(self) -> bool:
        """Build again in the running process (started anew if it has stopped); whether it succeeded."""
        if self.process is None or self.process.poll() is not None:
            return self.start()
        try:
            self.process.stdin.write("build\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return self.start()
        return self._answer()

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        try:
            process.stdin.close()  # the process ends at its next read
        except OSError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def follow(builder: Builder, watched: list, content: Path, report=print, stop_event=None) -> None:
    """Watch ``watched``; at each change build again in the running process, or in a new one when
    something else than content changed. ``report(kind, builder)`` after each build: kind is
    "watching" (once, when the watch has started), "rebuilt", "restarted" or "failed"."""
    from watchfiles import watch

    announced = False
    for changes in watch(
        *watched,
        watch_filter=lambda change, path: not path.endswith((".mo", ".tmp", ".pyc")),
        yield_on_timeout=True,  # an empty set once the watch has started: then say so
        rust_timeout=1000,
        stop_event=stop_event,
    ):
        if not changes:
            if not announced:
                report("watching", builder)
                announced = True
            continue
        restart = any(needs_restart(path, content) for _, path in changes)
        good = builder.start() if restart else builder.build()
        report(("restarted" if restart else "rebuilt") if good else "failed", builder)


if __name__ == "__main__":
    main()
