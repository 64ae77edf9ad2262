"""Selective writing: a page is rendered again only when something it read has changed.

A page (one ``writer.write_file`` call: an article, an issue, a tag page, every
page of a paginated index) is a function of the theme, our code and the
settings, of the call's arguments, of the context variables its templates look
up, and of the contents it reads. While a page is rendered, every name its
templates resolve (Jinja's ``resolve_or_missing``, which ``@pass_context``
helpers go through too) and every attribute read on a ``Content`` (from the
template or from the Python code it calls, Pelican's link replacement included)
is recorded. The page's fingerprint hashes all of the above: each name by a
canonical form of its value (a content in it by its identity and URL), each
content it read by a digest of its whole state. The rendered files are kept
under that fingerprint. The next build computes the same fingerprint from what
the page read last time: if nothing it read changed, it would be rendered from
the same inputs along the same path, so its kept files are linked in instead.

What cannot be put in a canonical form (an object of an unknown kind) gets a
token that differs from one build to the next: the page is then always rendered.
A page that logged a warning or an error (an unresolved link, say) is never
kept, so its message comes back at every build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import logging
import marshal
import os
import pickle
import types

import jinja2.runtime
from dataclasses import dataclass, field

from pelican.contents import Content

from pelican.urlwrappers import URLWrapper

from cafetech.contents import content_objects
from cafetech.files import files_digest, hash_of, replacing
from cafetech.site_build import code_digest

from .cache_files import load_pickle

logger = logging.getLogger(__name__)

INDEX = "index.pickle"
OBJECTS = "objects"
SKIPPED_ATTRIBUTES = frozenset({"settings", "_context"})  # the context's and settings' digest covers them
SKIPPED_SETTINGS = frozenset({"OUTPUT_PATH"})  # where pages go (a new folder for each atomic build), not what they say
# Pelican fills these in the order it finds files (a set's), different in each process; only
# looked up by path, never listed in that order.
LOOKUP_TABLES = frozenset({"generated_content", "static_content"})
MAX_DEPTH = 8
SETTING, DEFAULT = "BUILD_PAGE_CACHE", True  # validated by the build_speed plugin


_PLAIN = frozenset({str, int, float, bool, type(None)})


class Canon:
    """Canonical, build-independent forms of the values a page is rendered from."""

    def __init__(self):
        self.keys: dict[int, tuple] = {}  # id(content) -> its identity in every build
        self._alive: list = []  # the contents keyed by id, kept alive while their ids are in use
        self.unstable = 0  # values with no canonical form (each makes its pages render every time)
        self.unstable_kinds: set[str] = set()  # their types, for the build's debug log
        self._dates: dict[int, tuple] = {}  # id -> form (and the value, kept alive)
        self._by_type: dict[type, object] = {}

    def key(self, content: Content) -> tuple:
        found = self.keys.get(id(content))
        if found is None:
            found = (
                type(content).__name__,
                content.source_path,
                getattr(content, "lang", None),
                getattr(content, "status", None),
                content.url,
                content.save_as,
            )
            self.keys[id(content)] = found
            self._alive.append(content)
        return found

    def form(self, value, depth: int = 0):
        """The canonical form of ``value``: tuples, lists, str, numbers and None only."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        handler = self._by_type.get(kind)
        if handler is None:
            handler = self._handler(value)
            if handler is None:
                return self._other(value, depth)
            self._by_type[kind] = handler
        return handler(value, depth)

    def _handler(self, value):
        """How values of this type are put in canonical form (None: look at each value)."""
        if isinstance(value, Content):
            return lambda content, depth: ("C", *self.key(content))
        if isinstance(value, str):  # Markup renders differently from str
            return lambda text, depth: ("S", type(text).__name__, str(text))
        if isinstance(value, URLWrapper):
            return lambda wrapper, depth: ("W", type(wrapper).__name__, wrapper.name, wrapper.slug)
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            return self._date
        if isinstance(value, dt.tzinfo):
            return lambda zone, depth: ("Z", type(zone).__qualname__, str(zone))
        if isinstance(value, enum.Enum):
            return lambda member, depth: ("E", type(member).__qualname__, member.name)
        if isinstance(value, (list, tuple)):
            return self._sequence
        if isinstance(value, dict):
            return self._mapping
        if isinstance(value, (set, frozenset)):
            return self._set
        return None

    def _date(self, value, depth):
        found = self._dates.get(id(value))
        if found is None:
            found = self._dates[id(value)] = ("D", value.isoformat(), str(getattr(value, "tzinfo", None)), value)
        return found[:3]

    def _sequence(self, value, depth):
        if depth >= MAX_DEPTH:
            return self._unknown(value)
        form = self.form
        return (type(value).__name__, [form(item, depth + 1) for item in value])

    def _mapping(self, value, depth):
        if depth >= MAX_DEPTH:
            return self._unknown(value)
        form = self.form
        return ("dict", [(form(k, depth + 1), form(v, depth + 1)) for k, v in value.items()])

    def _set(self, value, depth):
        if depth >= MAX_DEPTH:
            return self._unknown(value)
        return ("set", sorted(marshal.dumps(self.form(item, depth + 1), 2) for item in value))

    def _other(self, value, depth):
        if depth >= MAX_DEPTH:
            return self._unknown(value)
        if isinstance(value, functools.partial):
            return ("P", self.form(value.func, depth + 1), self.form(value.args, depth + 1), self.form(value.keywords, depth + 1))
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type, types.ModuleType)) or (
            callable(value) and hasattr(value, "__wrapped__")
        ):
            # Code: our code and the theme are in the build's digest, the libraries in the lock file.
            return ("F", getattr(value, "__module__", None), getattr(value, "__qualname__", getattr(value, "__name__", None)))
        if type(value).__module__ != "builtins" and hasattr(value, "__dict__"):
            return ("O", type(value).__qualname__, self.form(self._state(value), depth + 1))
        return self._unknown(value)

    def _state(self, value) -> dict:
        return {name: item for name, item in vars(value).items() if name not in SKIPPED_ATTRIBUTES}

    def _unknown(self, value):
        self.unstable += 1
        self.unstable_kinds.add(type(value).__qualname__)
        return ("X", type(value).__qualname__, id(value), os.getpid())

    def content_digest(self, content: Content) -> str:
        """Everything a content holds (its own text, metadata, and the identities of the contents it refers to)."""
        return hash_of(("C", self.key(content), type(content).__qualname__, self.form(self._state(content))))

    def settings_digest(self, settings: dict) -> str:
        return hash_of(sorted(((key, self.form(value)) for key, value in settings.items() if key not in SKIPPED_SETTINGS), key=lambda item: item[0]))

    def name_digest(self, name: str, value) -> str:
        """A context variable, as a page that looks it up sees it."""
        if name in LOOKUP_TABLES and isinstance(value, dict):
            value = dict(sorted(value.items()))
        return hash_of((name, self.form(value)))


# --- recording what a page reads ----------------------------------------------

_TOUCHED: set | None = None
_NAMES: set | None = None
_object_getattribute = object.__getattribute__


def _recording_getattribute(self, name):
    touched = _TOUCHED
    if touched is not None:
        touched.add(id(self))
    return _object_getattribute(self, name)


class RecordingContext(jinja2.runtime.Context):
    """Jinja's template context, noting each name a template (or a helper) looks up."""

    def resolve_or_missing(self, key):
        names = _NAMES
        if names is not None:
            names.add(key)
        # jinja2.runtime.Context.resolve_or_missing, inlined: this runs for every name of every page
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            return self.parent[key]
        return jinja2.runtime.missing


class recording:
    """While installed, the contents read and the names looked up go to ``record_into``'s sets."""

    def __init__(self, environments):
        self.environments = [env for env in environments if env is not None]

    def __enter__(self):
        Content.__getattribute__ = _recording_getattribute
        self.saved = [env.context_class for env in self.environments]
        for env in self.environments:
            env.context_class = RecordingContext
        return self

    def __exit__(self, *exc):
        record_into(None, None)
        del Content.__getattribute__
        for env, saved in zip(self.environments, self.saved, strict=True):
            env.context_class = saved


def record_into(touched: set | None, names: set | None) -> None:
    global _TOUCHED, _NAMES
    _TOUCHED, _NAMES = touched, names


class Alarm(logging.Handler):
    """Counts warnings and errors logged while a page is rendered."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


@contextlib.contextmanager
def watching(touched: set, names: set):
    """Record into ``touched`` and ``names`` (inside ``recording``); yields an Alarm for what is logged."""
    alarm = Alarm()
    logging.getLogger().addHandler(alarm)
    record_into(touched, names)
    try:
        yield alarm
    finally:
        record_into(None, None)
        logging.getLogger().removeHandler(alarm)


# --- the store -----------------------------------------------------------------


@dataclass
class Entry:
    """What a page was made from last time, and the files it wrote."""

    static: str  # digest of the build-wide inputs and the call's arguments
    names: list  # the context variables it looked up
    keys: list  # the contents it read
    fingerprint: str
    outputs: list  # paths relative to the output folder
    stamps: list  # each kept file's (size, mtime_ns) when it was kept: one that changed is not linked in


@dataclass
class PageCache:
    """One build's view of the cache in ``folder`` (CACHE_PATH/pages)."""

    folder: str
    output_path: str
    build_digest: str  # theme, code and the context
    canon: Canon
    context: dict
    globals: dict  # the Jinja environment's globals
    reuse: bool = True
    contents: dict = field(default_factory=dict)  # content key -> the content (None: two contents alike)
    digests: dict = field(default_factory=dict)  # content key -> its digest, computed when first needed
    by_id: dict = field(default_factory=dict)  # id(content) -> key, for the contents of this build
    names: dict = field(default_factory=dict)  # context variable -> its digest in this build
    old: dict = field(default_factory=dict)  # output name -> Entry, from the last build
    new: dict = field(default_factory=dict)
    _folders: set = field(default_factory=set)  # output folders known to exist

    @classmethod
    def open(cls, folder, output_path, build_digest, canon, contents, context, env_globals=None, reuse=True):
        cache = cls(folder, output_path, build_digest, canon, context, env_globals or {}, reuse)
        for content in contents:
            if id(content) in cache.by_id:
                continue
            key = canon.key(content)
            cache.by_id[id(content)] = key
            # two contents alike: neither can vouch for a page
            cache.contents[key] = None if key in cache.contents else content
        if reuse:
            kept = load_pickle(os.path.join(folder, INDEX))
            cache.old = kept if isinstance(kept, dict) else {}
        return cache

    def static_digest(self, name: str, args: tuple, kwargs: dict) -> str:
        """The build's digest, the page's file name and the call's other arguments (templates by name)."""
        rest = ["CONTEXT" if arg is self.context else _template_name(arg) for arg in args[1:]]
        return hash_of((self.build_digest, name, self.canon.form(rest), self.canon.form(sorted(kwargs.items()))))

    def name_digest(self, name: str) -> str:
        """What a page that looks ``name`` up finds in the build's context (or the environment's globals).
        The call's own arguments are in the page's static digest."""
        found = self.names.get(name)
        if found is None:
            if name in self.context:
                found = self.canon.name_digest(name, self.context[name])
            elif name in self.globals:
                found = self.canon.name_digest(name, self.globals[name])
            else:
                found = hash_of(("missing", name))
            self.names[name] = found
        return found

    def content_digest(self, key) -> str | None:
        """The digest of this build's content ``key``; None if there is no such content, or two."""
        try:
            return self.digests[key]
        except KeyError:
            content = self.contents.get(key)
            found = self.digests[key] = None if content is None else self.canon.content_digest(content)
            return found

    def digest_all(self) -> None:
        """Every content's digest, computed now (before a fork: the processes then share them)."""
        for key in self.contents:
            self.content_digest(key)

    def fingerprint(self, static: str, names, keys) -> str | None:
        digests = []
        for key in keys:
            digest = self.content_digest(key)
            if digest is None:
                return None
            digests.append(digest)
        return hash_of((static, list(names), [self.name_digest(name) for name in names], list(keys), digests))

    def _object(self, fingerprint: str, index: int) -> str:
        return os.path.join(self.folder, OBJECTS, f"{fingerprint}.{index}")

    def unchanged(self, name: str, static: str) -> Entry | None:
        """The last build's entry for a page if nothing it read has changed and its files are kept."""
        entry = self.old.get(name)
        if not self.reuse or entry is None or entry.static != static:
            return None
        if self.fingerprint(static, entry.names, entry.keys) != entry.fingerprint:
            return None
        for index, stamp in enumerate(entry.stamps):
            path = self._object(entry.fingerprint, index)
            try:
                stat = os.stat(path)
            except OSError:
                return None
            if (stat.st_size, stat.st_mtime_ns) != tuple(stamp):  # cut short, or edited through a hard link of an old site
                logger.warning("%s: a kept page changed since it was written (%s), rendered again", path, entry.outputs[index])
                return None
        return entry

    def try_reuse(self, name: str, static: str) -> list[str] | None:
        """Link the kept files of an unchanged page into the output; the paths written, or None."""
        entry = self.unchanged(name, static)
        if entry is None:
            return None
        objects = [self._object(entry.fingerprint, index) for index in range(len(entry.outputs))]
        written = []
        for source, relative in zip(objects, entry.outputs, strict=True):
            target = os.path.join(self.output_path, relative)
            folder = os.path.dirname(target)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            _replace_with_link(source, target)
            written.append(target)
        self.new[name] = entry
        return written

    def render(self, name: str, static: str, contents, write) -> Entry | None:
        """Render a page (``write()`` returns the files it wrote), recording what it reads (inside
        ``recording``); its entry if it can be kept, None if not (it logged a warning, say)."""
        touched = {id(content) for content in contents}
        names: set = set()
        with watching(touched, names) as alarm:
            outputs = write()
        return None if alarm.count else self.keep(name, static, touched, names, outputs)

    def keep(self, name: str, static: str, touched: set, names: set, outputs: list[str]) -> Entry | None:
        """After a page was rendered: keep its files under its fingerprint. None if it cannot be kept."""
        keys = []
        for ident in touched:
            key = self.by_id.get(ident)
            if key is None:
                return None  # a content this build knows nothing about
            keys.append(key)
        keys = sorted(set(keys), key=repr)
        names = sorted(names)
        fingerprint = self.fingerprint(static, names, keys)
        if fingerprint is None or not outputs:
            return None
        objects = os.path.join(self.folder, OBJECTS)
        if objects not in self._folders:
            os.makedirs(objects, exist_ok=True)
            self._folders.add(objects)
        relative, stamps = [], []
        for index, path in enumerate(outputs):
            _replace_with_link(path, self._object(fingerprint, index))
            relative.append(os.path.relpath(path, self.output_path))
            stat = os.stat(path)
            stamps.append((stat.st_size, stat.st_mtime_ns))
        return Entry(static, names, keys, fingerprint, relative, stamps)

    def recording(self, environments) -> recording:
        """What the pages rendered under it read is recorded (for a plugin that renders pages of its own)."""
        return recording(environments)

    def save(self, entries: dict) -> None:
        """Write the index of this build's pages; forget every other kept file."""
        self.new.update(entries)
        os.makedirs(self.folder, exist_ok=True)
        with replacing(os.path.join(self.folder, INDEX)) as temporary, open(temporary, "wb") as handle:
            pickle.dump(self.new, handle, protocol=pickle.HIGHEST_PROTOCOL)
        wanted = {f"{entry.fingerprint}.{index}" for entry in self.new.values() for index in range(len(entry.outputs))}
        objects = os.path.join(self.folder, OBJECTS)
        for name in os.listdir(objects) if os.path.isdir(objects) else []:
            if name not in wanted:
                os.unlink(os.path.join(objects, name))


def _template_name(value):
    name = getattr(value, "name", None) if type(value).__name__ == "Template" else None
    return ("T", name) if name else value


def _replace_with_link(source: str, target: str) -> None:
    """``target`` becomes the same file as ``source`` (a hard link; a copy across file systems)."""
    try:
        os.link(source, target)
        return
    except FileExistsError:
        if os.path.samefile(source, target):
            return
    except OSError:
        pass
    partial = f"{target}.{os.getpid()}.tmp"
    try:
        os.link(source, partial)
    except OSError:
        import shutil

        shutil.copyfile(source, partial)
    os.replace(partial, target)


def theme_and_code_digest(theme: str, salt: str) -> str:
    return hash_of((files_digest(theme, ("**/*",)), code_digest(), salt))


def enabled(settings: dict) -> bool:
    """Selective writing needs Pelican's content cache (it lives beside it, in CACHE_PATH)."""
    return bool(settings.get("CACHE_CONTENT")) and settings.get(SETTING, DEFAULT) is True


def open_for_build(settings: dict, generators: list, folder: str, output_path: str) -> PageCache:
    """A page cache in ``folder`` for the pages of this build's ``generators``, written to ``output_path``."""
    import pelican

    canon = Canon()
    contents = [content for generator in generators for content in content_objects(generator)]
    env_globals = {}
    for generator in generators:  # each generator has its environment; the plugins give each the same globals
        env_globals.update(getattr(getattr(generator, "env", None), "globals", {}))
    code = theme_and_code_digest(settings["THEME"], f"pelican {pelican.__version__}")
    return PageCache.open(
        folder,
        output_path,
        hash_of((code, canon.settings_digest(settings))),
        canon,
        contents,
        generators[0].context,
        env_globals,
        reuse=bool(settings.get("LOAD_CONTENT_CACHE")),
    )
