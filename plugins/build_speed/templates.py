"""Templates compiled once per process: every generator's Jinja environment shares one in-memory bytecode cache,
and each keeps the templates it loaded for its build without checking their files again."""

from __future__ import annotations

import jinja2
from jinja2.bccache import Bucket

# What shapes the code Jinja compiles from a template's source, besides the source itself: two
# environments alike in all of these compile the same source to the same code.
_LEXER_OPTIONS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
    "newstyle_gettext",  # set by the i18n extension: changes the code of {% trans %}
)  # fmt: skip


def _code_name(value) -> object:
    if callable(value):
        return (getattr(value, "__module__", None), getattr(value, "__qualname__", repr(type(value))))
    return value


def configuration(environment: jinja2.Environment) -> tuple:
    """What in an environment decides the code a source compiles to (filters and tests by name: a
    missing one is an error at compile time)."""
    return (
        type(environment).__qualname__,
        tuple(getattr(environment, option, None) for option in _LEXER_OPTIONS),
        tuple(sorted(environment.extensions)),
        _code_name(environment.autoescape),
        _code_name(environment.finalize),
        tuple(sorted(environment.filters)),
        tuple(sorted(environment.tests)),
    )


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in this process, each under its name, file, source checksum (Jinja's
    bucket: a changed source is compiled again) and the configuration of the environment that compiled it."""

    def __init__(self):
        self.kept: dict[tuple, tuple[str, object]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.kept.get((bucket.key, configuration(bucket.environment)))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]  # a code object is immutable: shared as it is

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[(bucket.key, configuration(bucket.environment))] = (bucket.checksum, bucket.code)


COMPILED = MemoryBytecodeCache()  # for the life of the process (a preview's build process builds many times)


def share_compiled_templates(environment: jinja2.Environment | None) -> None:
    """Let ``environment`` take compiled templates from COMPILED (unless it has a bytecode cache of its own),
    and keep each template it loaded without asking its file's time again at every use: an environment
    lives for one build (every build makes its generators anew), and a template changed during a build
    is read at the next one, as with Jinja's check."""
    if environment is None:
        return
    if environment.bytecode_cache is None:
        environment.bytecode_cache = COMPILED
    environment.auto_reload = False  # Jinja stats the template's file at each get_template, {% include %} and {% import %}
