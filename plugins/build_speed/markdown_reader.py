"""Pelican's Markdown readers, with one ``Markdown`` instance per reader instead of one per file.

Pelican 4.12 builds a new ``markdown.Markdown`` (extensions, processors, patterns)
for every file it reads: about a millisecond each, a tenth of the reading of a
short article. ``Markdown.reset()`` clears the state a document leaves behind
(footnotes, toc ids, abbreviations, ``Meta``), so one instance can convert every
file. Pelican's ``_parse_metadata`` takes the ``meta`` preprocessor off the
instance (so that a formatted field like ``Summary`` is not read as metadata):
it is put back before the next file.

``sharing_markdown(cls)`` gives a reader class that: Pelican's ``MarkdownReader``
itself, or a subclass of it that gets its instance from ``self.markdown()`` (the
translations plugin's sidecar reader). The class keeps its name, which Pelican
writes into each content's ``reader`` metadata.
"""

from __future__ import annotations

from functools import lru_cache

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

META_PRIORITY = 27  # where markdown.extensions.meta registers its preprocessor


class SharedMarkdown:
    """``markdown()``: the reader's one instance, reset, with its ``meta`` preprocessor in place."""

    _shared_md: Markdown | None = None
    _meta_preprocessor = None

    def markdown(self) -> Markdown:
        if self._shared_md is None:
            self._shared_md = Markdown(**self.settings["MARKDOWN"])
            self._meta_preprocessor = self._shared_md.preprocessors["meta"]
        md = self._shared_md
        if "meta" not in md.preprocessors:
            md.preprocessors.register(self._meta_preprocessor, "meta", META_PRIORITY)
        md.reset()
        self._md = md
        return md


class ReusingMarkdownReader(SharedMarkdown, MarkdownReader):
    """``MarkdownReader`` that converts every file with the same ``Markdown`` instance."""

    def convert(self, text: str) -> tuple[str, dict]:
        """(HTML, Pelican metadata) of a Markdown document with a metadata header."""
        md = self.markdown()
        content = md.convert(text)
        return content, self._parse_metadata(getattr(md, "Meta", {}))

    def read(self, source_path):
        self._source_path = source_path
        with pelican_open(source_path) as text:
            return self.convert(text)


@lru_cache(maxsize=16)
def sharing_markdown(cls: type) -> type | None:
    """The class to read with instead of ``cls``; None when ``cls`` is not a Markdown reader this can speed up."""
    if not (isinstance(cls, type) and issubclass(cls, MarkdownReader)) or issubclass(cls, SharedMarkdown):
        return None
    if cls is MarkdownReader:
        return type(cls.__name__, (ReusingMarkdownReader,), {"__module__": __name__})
    if callable(getattr(cls, "markdown", None)):
        return type(cls.__name__, (SharedMarkdown, cls), {"__module__": __name__})
    return None
