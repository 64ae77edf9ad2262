"""The preview: one long-lived build process that builds again at each save, and the dev server's reload script.

At a save, the build process first writes a quick page when it can: the paragraphs of one article
that changed, rendered as the build renders them, put in place of the old ones in that article's
page (``patched_page``). It then builds the whole site as always; that build, the one every other
page comes from, is a cold build's site byte for byte. The open tab reloads when its own page
changed (``page_version``): at the quick page, and again only if the whole build changed it further.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

# --- the reload script (served by the dev server, never written into a build) -------------

PREFIX = "/__preview__/"
VERSION_PATH = PREFIX + "version"  # ?page=ADDRESS: that page's version (page_version); the tab reloads when it changes
SCRIPT_PATH = PREFIX + "reload.js"
# A same-origin file: the pages' Content-Security-Policy (a meta tag, script-src 'self') allows it,
# where it would refuse an inline script.
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()
RELOAD_SCRIPT = b"""\
(function () {
  var seen = null;
  function poll() {
    fetch("%s?page=" + encodeURIComponent(location.pathname), {cache: "no-store"}).then(function (answer) { return answer.text(); }).then(function (version) {
      if (seen !== null && version !== seen) { location.reload(); return; }
      seen = version;
      setTimeout(poll, 300);
    }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % VERSION_PATH.encode()


def page_version(page: bytes | None, restarts: int) -> str:
    """What a tab polls: its page's digest (it reloads when its own page changed, not at every build)
    and the number of build processes started (a theme or code change may change every page's look)."""
    digest = hashlib.sha256(page).hexdigest()[:16] if page is not None else "none"
    return f"{restarts}-{digest}"


def with_reload_script(html: bytes) -> bytes:
    """A served page with the reload script: before its last ``</body>``, or at its end."""
    at = html.rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]


# --- which changes the running builder can take ---------------------------------------------


def needs_restart(path: str | os.PathLike, content: str | os.PathLike) -> bool:
    """Whether a changed file calls for a new build process: anything but content (code, settings,
    theme, the lock file) changes what a process has imported or compiled."""
    return not Path(path).resolve().is_relative_to(Path(content).resolve())


# --- the quick page ----------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def source_blocks(text: str) -> tuple[str, list[str]]:
    """A Markdown source's metadata header (up to its first blank line) and its body's blocks."""
    header, _, body = text.replace("\r\n", "\n").partition("\n\n")
    return header, [block.strip("\n") for block in _BLANK_LINE.split(body) if block.strip()]


def patched_page(old_text: str, new_text: str, page: str, render) -> str | None:
    """``page`` (the article's page, built from ``old_text``) with each block of the body that
    changed in ``new_text`` rendered again (``render``: a block's Markdown to the HTML the build
    makes of it) in place of the old one; None when that cannot be done safely: the header changed
    (a title, tags or a date show on other pages too), blocks came or went, the first block changed
    (the lede: set apart on the page, cut into its description and the lists' excerpts), or a
    block's old HTML is not in the page exactly once (a later step of the build made something
    else of it)."""
    old_header, old_blocks = source_blocks(old_text)
    new_header, new_blocks = source_blocks(new_text)
    if old_header != new_header or len(old_blocks) != len(new_blocks) or old_blocks[:1] != new_blocks[:1]:
        return None
    changed = [(old, new) for old, new in zip(old_blocks, new_blocks) if old != new]
    if not changed:
        return None
    for old, new in changed:
        before, after = render(old), render(new)
        if not before.strip() or page.count(before) != 1:
            return None
        page = page.replace(before, after)
    return page


class QuickPages:
    """What the quick page needs from the last good build: the sources it read (Markdown texts) and
    the page each article of the source language was written to."""

    def __init__(self, settings_file: Path, content: Path):
        from markdown import Markdown
        from pelican import signals
        from pelican.settings import read_settings

        self.content = Path(content).resolve()
        self.settings = read_settings(str(settings_file))
        self.markdown = Markdown(**self.settings["MARKDOWN"])
        if "meta" in self.markdown.preprocessors:  # a block is body, never a metadata header
            self.markdown.preprocessors.deregister("meta")
        self.texts: dict[Path, str] = {}  # the sources the last good build read
        self.pages: dict[Path, str] = {}  # source -> its page, relative to the output folder
        self._reading: tuple[dict, dict] = ({}, {})
        signals.content_written.connect(self._written, weak=False)

    def _written(self, path, context=None):
        article = (context or {}).get("article")
        if article is not None and article.lang == context.get("DEFAULT_LANG") and path.endswith(".html"):
            self._reading[1][Path(article.source_path).resolve()] = os.path.relpath(path, context["OUTPUT_PATH"])

    def before_build(self) -> None:
        texts = {}
        for source in self.content.rglob("*.md"):
            try:
                texts[source] = source.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                pass  # the build names it
        self._reading = (texts, {})

    def after_build(self, good: bool) -> None:
        if good:
            self.texts, self.pages = self._reading
        self._reading = ({}, {})

    def render(self, block: str) -> str:
        """A block's HTML as the build makes it: Markdown, then the language's typography."""
        self.markdown.reset()
        html = self.markdown.convert(block)
        typography = sys.modules.get("french_typography")  # the plugin, as Pelican loaded it
        if typography is None:
            return html
        functions = typography.typesetters(self.settings.get("DEFAULT_LANG"), typography.config(self.settings))
        return functions[0](html) if functions else html

    def write(self, changed: list[str], output: Path) -> bool:
        """The quick page of the one article ``changed`` names, written into ``output``; whether it was."""
        sources = {Path(path).resolve() for path in changed}
        if len(sources) != 1:
            return False
        (source,) = sources
        if source not in self.texts or source not in self.pages:
            return False
        try:
            new_text = source.read_text("utf-8")
            page_path = Path(output) / self.pages[source]
            page = page_path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        patched = patched_page(self.texts[source], new_text, page, self.render)
        if patched is None:
            return False
        from cafetech.files import write_atomically

        write_atomically(page_path, patched)  # a new file: the page cache's kept copy is never written into
        return True


# --- the build process ------------------------------------------------------------------------


def serve_builds(settings: Path, content: Path, output: Path, cache_root: Path, root: Path, commands, replies) -> None:
    """Build at once, then again at each line read from ``commands`` (``build`` and the JSON list of
    the files that changed). Replies: ``patched SECONDS`` when a quick page was written first, then
    ``built SECONDS`` or ``failed REASON`` (a failed build leaves ``output`` as it was)."""
    from cafetech.site_build import BuildFailed, build, content_cache, one_build_at_a_time, remove_leftovers

    cache = content_cache(root, cache_root)  # the code cannot change under a running process
    quick = QuickPages(settings, content)
    command = "build []"
    while True:
        started = time.perf_counter()
        try:
            changed = json.loads(command.partition(" ")[2] or "[]")
        except ValueError:
            changed = []
        if quick.write(changed, output):
            replies.write(f"patched {time.perf_counter() - started:.3f}\n")
            replies.flush()
        quick.before_build()
        try:
            build(settings, content, output, cache, remove_old=False)
            reply = f"built {time.perf_counter() - started:.3f}"
        except BuildFailed as failure:
            reply = f"failed {failure}"
        quick.after_build(reply.startswith("built"))
        replies.write(reply + "\n")
        replies.flush()
        with one_build_at_a_time(Path(output).resolve()):
            remove_leftovers(Path(output).resolve())  # the files of the site it replaced, removed while the editor reads the new one
        command = commands.readline()
        if not command:
            return  # the watcher closed the pipe: it has stopped
        command = command.strip()


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
        self.version = 0  # good builds so far
        self.restarts = 0  # build processes started: with each page's digest, what the open tabs poll
        self.patched = 0  # quick pages written
        self.last = ""  # the last reply

    def _answer(self, on_patched=None) -> bool:
        line = self.process.stdout.readline().strip() if self.process else ""
        if line.startswith("patched "):
            self.patched += 1
            if on_patched is not None:
                on_patched()
            line = self.process.stdout.readline().strip()
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
        self.restarts += 1
        return self._answer()

    def build(self, changed=(), on_patched=None) -> bool:
        """Build again in the running process (started anew if it has stopped); whether it succeeded.
        ``changed``: the files saved, for the quick page; ``on_patched()`` is called once it is written."""
        if self.process is None or self.process.poll() is not None:
            return self.start()
        try:
            self.process.stdin.write("build " + json.dumps([str(path) for path in changed]) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return self.start()
        return self._answer(on_patched)

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
    "watching" (once, when the watch has started), "patched" (a quick page, before the build),
    "rebuilt", "restarted" or "failed"."""
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
        if restart:
            good = builder.start()
        else:
            good = builder.build([path for _, path in changes], on_patched=lambda: report("patched", builder))
        report(("restarted" if restart else "rebuilt") if good else "failed", builder)


if __name__ == "__main__":
    main()
