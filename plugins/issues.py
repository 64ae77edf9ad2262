"""Newsletter issues: reads each issue's ``issue.md``, ties its sections to it, writes issue pages, archives and homes."""

from __future__ import annotations

import copy
import logging
import os
from dataclasses import dataclass
from functools import partial

from pelican import signals
from pelican.contents import Content
from pelican.generators import Generator

from cafetech.editions import editions

logger = logging.getLogger(__name__)

# The URLs of issue pages, archives and homes are the editions' (cafetech/editions.py).
DEFAULTS = {
    "ISSUES_DIR": "issues",
    "ISSUE_FILENAME": "issue.md",
    "ISSUES_HOME_RECENT": 10,
}


@dataclass(frozen=True)
class IssuesConfig:
    directory: str
    filename: str
    home_recent: int


def config(settings: dict) -> IssuesConfig:
    """The plugin's settings: the user's laid over DEFAULTS, validated."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    recent = merged["ISSUES_HOME_RECENT"]
    if not isinstance(recent, int) or recent < 0:
        raise ValueError(f"issues: ISSUES_HOME_RECENT must be a whole number >= 0, not {recent!r}")
    return IssuesConfig(directory=merged["ISSUES_DIR"], filename=merged["ISSUE_FILENAME"], home_recent=recent)


class Issue(Content):
    """One issue of the newsletter. Its URL is the editions' "issue" pattern (ISSUE_URL, ISSUE_LANG_URL)."""

    mandatory_properties = ("title", "date")
    default_template = "issue"
    default_status = "published"

    articles: list = ()  # its section articles, in order; set by IssuesGenerator

    @property
    def section_slugs(self) -> list[str]:
        return as_list(self.metadata.get("sections"))


# --- pure functions ---------------------------------------------------------


def as_list(value) -> list[str]:
    """Metadata that may be one string or a list (a one-item list reads as a string)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [item for item in value if item.strip()]


def issue_key(article) -> str | None:
    """The issue an article belongs to, as its date text, or None."""
    value = getattr(article, "metadata", {}).get("issue")
    return str(value).strip() if value else None


def section_position(article) -> int:
    try:
        return int(article.metadata.get("position", 0))
    except (TypeError, ValueError):
        return 0


def newest_issue_first(article) -> tuple:
    """Sort key: newest first, then the sections of one issue in their order."""
    return (-article.date.toordinal(), -(article.date.hour * 60 + article.date.minute), section_position(article))


def order_sections(issue_slugs: list[str], articles: list) -> tuple[list, list[str], list]:
    """Order an issue's articles as its Sections list says.

    Returns (ordered articles, slugs naming no article, articles the list forgot);
    forgotten articles are put after the listed ones, by their position.
    """
    by_slug = {article.slug: article for article in articles}
    ordered = [by_slug[slug] for slug in issue_slugs if slug in by_slug]
    missing = [slug for slug in issue_slugs if slug not in by_slug]
    listed = set(issue_slugs)
    forgotten = sorted((a for a in articles if a.slug not in listed), key=section_position)
    return ordered + forgotten, missing, forgotten


def link_neighbours(issues: list[Issue]) -> None:
    """Set ``previous`` (older) and ``next`` (newer) on issues sorted newest first."""
    for index, issue in enumerate(issues):
        issue.next = issues[index - 1] if index > 0 else None
        issue.previous = issues[index + 1] if index + 1 < len(issues) else None


# --- Pelican side -----------------------------------------------------------


class IssuesGenerator(Generator):
    """Reads the issue files and writes the issue pages, the archive and the home page of each language."""

    def __init__(self, *args, **kwargs):
        # Readings are cached like Pelican's own generators' (CACHE_CONTENT), for warm builds.
        super().__init__(*args, readers_cache_name="IssuesGenerator-Readers", **kwargs)
        self.config = config(self.settings)
        self.issues_by_lang: dict[str, list[Issue]] = {}

    def _issue_folders(self) -> list[str]:
        root = os.path.join(self.path, self.config.directory)
        if not os.path.isdir(root):
            return []
        return [
            os.path.join(self.config.directory, folder)
            for folder in sorted(os.listdir(root))
            if os.path.isfile(os.path.join(root, folder, self.config.filename))
        ]

    def _read(self, relative: str, key: str):
        issue = self.readers.read_file(base_path=self.path, path=relative, content_class=Issue, context=self.context)
        if not isinstance(issue, Issue) or issue.status != "published":  # a translation not published (yet)
            return None
        issue.slug = key  # the folder's name, the issue's date: numero/2023-11-20/
        return issue

    def _translations_of(self, folder: str) -> list[str]:
        stem = os.path.splitext(self.config.filename)[0]
        directory = os.path.join(self.path, folder)
        return sorted(
            os.path.join(folder, name)
            for name in os.listdir(directory)
            if name.startswith(stem + ".") and name.endswith(".po")
        )

    def prefetch_paths(self) -> list[str]:
        """The files generate_context reads (for a plugin that reads files ahead)."""
        return [
            path
            for folder in self._issue_folders()
            for path in (os.path.join(folder, self.config.filename), *self._translations_of(folder))
        ]

    def generate_context(self):
        model = editions(self.settings)
        articles_by_issue: dict[str, list] = {}
        for article in self.context.get("articles", []):
            if (key := issue_key(article)) is not None:
                articles_by_issue.setdefault(key, []).append(article)
        for article in [*self.context.get("articles", []), *self.context.get("article_translations", [])]:
            article.issue = None  # never the metadata's date text: set below when the issue exists

        for folder in self._issue_folders():
            key = os.path.basename(folder)
            relative = os.path.join(folder, self.config.filename)
            issue = self._read(relative, key)
            sections, missing, forgotten = order_sections(issue.section_slugs, articles_by_issue.pop(key, []))
            for slug in missing:
                logger.warning("%s: Sections names %r, but no article of this issue has that slug", relative, slug)
            for article in forgotten:
                logger.warning(
                    "%s: the article %s belongs to this issue but is not in its Sections list",
                    relative,
                    article.relative_source_path,
                )
            issue.articles = sections
            issue.text_lang = issue.lang
            for position, article in enumerate(sections, 1):
                article.issue = issue
                article.position = position
            issue.translations = []
            self.issues_by_lang.setdefault(model.source, []).append(issue)

            for edition in model.translated:
                sidecar = os.path.join(folder, f"{os.path.splitext(self.config.filename)[0]}.{edition.lang}.po")
                translated = self._read(sidecar, key) if os.path.exists(os.path.join(self.path, sidecar)) else None
                if translated is not None:
                    translated.text_lang = translated.lang
                elif any(section_in(article, edition.lang).lang == edition.lang for article in sections):
                    # An English article is reachable from its issue as soon as it is published,
                    # before the issue's own texts are translated (they show in French).
                    translated = untranslated_issue(issue, edition.lang)
                else:
                    continue
                translated.articles = [section_in(article, translated.lang) for article in sections]
                for article in translated.articles:
                    if article.lang == translated.lang:
                        article.issue = translated
                        article.position = article_position(article, sections)
                translated.translations = [issue]
                issue.translations.append(translated)
                self.issues_by_lang.setdefault(translated.lang, []).append(translated)

        for key, orphans in articles_by_issue.items():
            for article in orphans:
                logger.warning(
                    "%s: Issue: %s names no issue folder with an %s",
                    article.relative_source_path,
                    key,
                    self.config.filename,
                )
        for issues in self.issues_by_lang.values():
            issues.sort(key=lambda issue: issue.date, reverse=True)
            link_neighbours(issues)
        self.context["issues"] = self.issues_by_lang.get(model.source, [])
        self.context["issues_by_lang"] = self.issues_by_lang
        self.readers.save_cache()

    def generate_output(self, writer):
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        for edition in editions(self.settings).editions:
            issues = self.issues_by_lang.get(edition.lang, [])
            for issue in issues:
                write(
                    issue.save_as,
                    self.get_template(issue.template),
                    self.context,
                    issue=issue,
                    articles=issue.articles,
                    url=issue.url,
                )
            write(
                edition.save_as("issues"),
                self.get_template("issues"),
                self.context,
                issues=issues,
                lang=edition.lang,
                url=edition.url("issues"),
            )
            write(
                edition.save_as("home"),
                self.get_template("index"),
                self.context,
                latest_issue=issues[0] if issues else None,
                recent_issues=issues[1 : 1 + self.config.home_recent],
                lang=edition.lang,
                url=edition.url("home"),
            )


def untranslated_issue(issue: Issue, lang: str) -> Issue:
    """The ``lang`` version of an issue whose own texts are not translated: its texts stay French."""
    version = copy.copy(issue)
    version.metadata = {**issue.metadata, "lang": lang}
    version.lang, version.in_default_lang = lang, False
    version.text_lang = issue.lang
    return version


def section_in(article, lang: str):
    """The article's version in ``lang`` when it is published, else the article itself."""
    if article.lang == lang:
        return article
    return next((other for other in getattr(article, "translations", []) if other.lang == lang), article)


def article_position(article, sections: list) -> int:
    return next((i for i, section in enumerate(sections, 1) if section.slug == article.slug), 0)


def check_settings(pelican):
    config(pelican.settings)


def get_generators(pelican):
    return IssuesGenerator


def order_articles(generator):
    """Newest issue first, then each issue's sections in order, before tags are built."""
    for articles in (generator.articles, generator.translations):
        articles.sort(key=newest_issue_first)


def register():
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
    signals.article_generator_pretaxonomy.connect(order_articles)
