"""The issue importer: turns the plain text of a newsletter issue into its content files."""

# The text is what an editor pastes from the email tool:
#
#     <issue title>
#     Et aussi: <subtitle>
#     <introduction paragraph>
#     <section title>
#     <lede paragraph>
#     <subheading> – <paragraph>          (zero or more)
#     <paragraph>                         (paragraphs without subheading are kept too)
#     Pour aller plus loin:               (optional)
#     – <title of an article>             (one or more)
#     <next section title> ...
#     Crédit photos: <credits>            (optional, last line)
#
# One Markdown article is written per section, and the issue itself (title,
# subtitle, introduction, credits, date, order of the sections) is written once,
# to ``issue.md``, beside a copy of the text that was read (``issue.txt``). Imported
# again, the issue is merged into the files (cafetech/markdown_merge.py), the base being
# what the importer wrote last time (``.import-base/``): an editor's work is never undone.
# An edited file the merge changes is first copied to ``.replaced/<time>/``, beside the
# pasted version of a file in conflict: Pelican skips dot folders (IGNORE_FILES).

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from pelican.utils import slugify

from cafetech.files import sha256, write_atomically
from cafetech.markdown_merge import merge_markdown, read_markdown
from cafetech.photo_files import PhotoError, check_photo_file
from cafetech.titles import spell_symbols

ISSUE_FILE = "issue.md"
SOURCE_FILE = "issue.txt"
MANIFEST_FILE = ".import-manifest.json"
REPLACED_DIR = ".replaced"  # an edited file's previous version, and the pasted version of a file in conflict
BASE_DIR = ".import-base"  # each Markdown file as the importer last made it: the base of the next merge
ISSUES_DIR = "issues"

MAX_SUBHEADING_WORDS = 10
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30

_SUBTITLE = re.compile(r"^Et aussi\s*:\s*(?P<text>\S.*)$", re.IGNORECASE)
_FURTHER_READING = re.compile(r"^Pour aller plus loin\s*:?$", re.IGNORECASE)
_ITEM = re.compile(r"^[–—•-]\s*(?P<text>\S.*)$")
_CREDITS = re.compile(r"^Crédits? photos?\s*:\s*(?P<text>\S.*)$", re.IGNORECASE)
# "Fronde des investisseurs – Le retour…": a short capitalised subheading, an en
# or em dash between spaces, then the paragraph.
# The subheading is not a clause of a sentence: no comma, colon or full stop in it.
_SUBHEADING = re.compile(r"^(?P<head>[^\W\d_][^–—,;:.]*?[^\s–—,;:.])\s+[–—]\s+(?P<text>\S.*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
_ARTICLE = re.compile(r"^(\d+)-(.*)\.md$")  # "<position>-<slug>.md"
# "OpenAI - Iliad": the credits of an issue's photos, in the order of its sections.
_CREDIT_SEPARATOR = re.compile(r"\s+[-–—/]\s+|\s*[;,]\s*")
_SLUG_SUBSTITUTIONS = [
    (r"[’'`]", "-"),  # "d’IA" -> "d-ia", as a reader would split the words
    (r"(?<=\d)[,.](?=\d)", "-"),  # "1,2 milliard" -> "1-2-milliard", not "12-milliard"
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]


class IssueImportError(Exception):
    """A refusal of the importer: one line naming the file, and the line where there is one."""

    def __init__(self, path: str | os.PathLike, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    subheading: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    lede: str
    line: int
    paragraphs: tuple[Paragraph, ...] = ()
    further_reading: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issue:
    title: str
    introduction: str
    sections: tuple[Section, ...]
    subtitle: str | None = None
    credits: str | None = None
    credits_line: int | None = None


@dataclass
class ImportReport:
    directory: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    overwritten: list[Path] = field(default_factory=list)
    kept: dict[Path, Path] = field(default_factory=dict)  # each overwritten file -> the copy of its previous version
    pasted: dict[Path, Path] = field(default_factory=dict)  # each file in conflict -> the pasted version, kept aside
    conflicts: list[MergeConflict] = field(default_factory=list)  # what both an editor and the paste changed
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the import left aside on purpose


# --- reading the text -------------------------------------------------------


def decode_issue_text(raw: bytes, path: str | os.PathLike = "<issue>") -> str:
    """Decode the pasted text: UTF-8 (with or without BOM) or UTF-16 with its BOM."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise IssueImportError(
                path,
                f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the issue as UTF-8 and import it again",
                line,
            ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_special(line: str) -> bool:
    return bool(_FURTHER_READING.match(line) or _ITEM.match(line) or _CREDITS.match(line))


def split_subheading(line: str) -> Paragraph | None:
    """'Fronde des investisseurs – Le retour…' -> Paragraph(text, subheading), else None."""
    match = _SUBHEADING.match(line)
    if not match or len(match["head"].split()) > MAX_SUBHEADING_WORDS:
        return None
    return Paragraph(text=match["text"], subheading=match["head"])


def looks_like_title(line: str) -> bool:
    """A section title: a short line that does not read as a sentence or a list item."""
    return (
        len(line) <= MAX_TITLE_CHARS
        and len(line.split()) <= MAX_TITLE_WORDS
        and not line.endswith((".", ":", ";", ","))
        and not _is_special(line)
        and split_subheading(line) is None
    )


def parse_issue(text: str, path: str | os.PathLike = "<issue>") -> Issue:
    """Split the text of an issue into its title, subtitle, introduction, sections and credits."""
    lines = [(number, line.strip()) for number, line in enumerate(text.split("\n"), 1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise IssueImportError(path, "the issue is empty; paste the text of the newsletter into it")

    position = 0

    def take() -> tuple[int, str]:
        nonlocal position
        position += 1
        return lines[position - 1]

    def peek(offset: int = 0) -> str | None:
        index = position + offset
        return lines[index][1] if index < len(lines) else None

    _, title = take()
    subtitle = None
    if peek() is not None and (match := _SUBTITLE.match(peek())):
        subtitle = match["text"]
        take()
    if peek() is None or _is_special(peek()):
        raise IssueImportError(path, _no_section_message(), lines[position - 1][0])
    _, introduction = take()

    sections: list[Section] = []
    credits = credits_line = None
    titles: dict[str, int] = {}
    while peek() is not None:
        number, line = take()
        if match := _CREDITS.match(line):
            if peek() is not None:
                raise IssueImportError(
                    path, "the 'Crédit photos' line must be the last line of the issue", number
                )
            credits, credits_line = match["text"], number
            break
        if not looks_like_title(line):
            raise IssueImportError(
                path, f"expected a section title, found {_quote(line)}", number
            )
        if peek() is None or _is_special(peek()):
            raise IssueImportError(
                path, f"the section {_quote(line)} has no text: a lede paragraph must follow its title", number
            )
        key = _title_key(line)
        if key in titles:
            raise IssueImportError(
                path,
                f"two sections have the title {_quote(line)} (first at line {titles[key]}); rename one",
                number,
            )
        titles[key] = number
        sections.append(_parse_section(line, number, take()[1], take, peek, path))

    if not sections:
        raise IssueImportError(path, _no_section_message())
    return Issue(
        title=title,
        subtitle=subtitle,
        introduction=introduction,
        sections=tuple(sections),
        credits=credits,
        credits_line=credits_line,
    )


def _parse_section(title, number, lede, take, peek, path) -> Section:
    paragraphs: list[Paragraph] = []
    further_reading: list[str] = []
    while (line := peek()) is not None:
        if _CREDITS.match(line):
            break
        if _FURTHER_READING.match(line):
            marker_line, _ = take()
            while peek() is not None and (item := _ITEM.match(peek())):
                further_reading.append(item["text"])
                take()
            if not further_reading:
                raise IssueImportError(
                    path, "'Pour aller plus loin' is followed by no '– <title>' item", marker_line
                )
            break
        if _ITEM.match(line):
            item_line, _ = take()
            raise IssueImportError(
                path, f"a list item outside 'Pour aller plus loin': {_quote(line)}", item_line
            )
        if (paragraph := split_subheading(line)) is not None:
            paragraphs.append(paragraph)
        elif looks_like_title(line) and peek(1) is not None and not _is_special(peek(1)):
            break  # the next section starts
        else:
            paragraphs.append(Paragraph(text=line))
        take()
    return Section(
        title=title,
        lede=lede,
        line=number,
        paragraphs=tuple(paragraphs),
        further_reading=tuple(further_reading),
    )


def _no_section_message() -> str:
    return (
        "no section found: expected the issue title, 'Et aussi: <subtitle>', an introduction, "
        "then at least one section (a title line followed by its lede)"
    )


def _quote(line: str, limit: int = 60) -> str:
    return repr(line if len(line) <= limit else line[: limit - 1] + "…")


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


# --- writing the content files ---------------------------------------------


def section_slug(title: str) -> str:
    """The slug of a new section: its title, amounts and symbols in words ("385 M€" -> "385-millions-d-euros")."""
    # Pelican's slugify reads its input as HTML; a title is plain text ("les <balises>").
    return slugify(re.sub(r"[<>&]", " ", spell_symbols(title)), regex_subs=_SLUG_SUBSTITUTIONS)


def escape_markdown(text: str) -> str:
    """Escape what Markdown would read as markup, so the rendered text is the pasted text."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*_\[\]{}])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    text = text.replace("<", "&lt;")
    # Block markers at the start of a paragraph: headings, quotes, lists.
    text = re.sub(r"^([#>+-])", r"\\\1", text)
    text = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)
    return text


def _metadata(fields: list[tuple[str, str | list[str]]]) -> str:
    lines = []
    for key, value in fields:
        if isinstance(value, list):
            if not value:
                continue
            lines.append(f"{key}: {value[0]}")
            lines.extend(f"    {item}" for item in value[1:])
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def article_markdown(
    section: Section, date: dt.date, position: int, slug: str, image: str | None = None, credit: str | None = None
) -> str:
    """The Markdown article of one section: metadata header, lede, subheadings as headings; its photo's
    file name (``image``, beside it) and credit when the issue has photos."""
    header = _metadata(
        [
            ("Title", section.title),
            ("Date", date.isoformat()),
            ("Slug", slug),
            ("Lang", "fr"),
            ("Issue", date.isoformat()),
            ("Position", str(position)),
            ("Summary", escape_markdown(section.lede)),
            *([("Image", image)] if image else []),
            *([("Image_credit", credit)] if image and credit else []),
            ("Further_reading", list(section.further_reading)),
        ]
    )
    blocks = [escape_markdown(section.lede)]
    for paragraph in section.paragraphs:
        if paragraph.subheading:
            blocks.append("## " + escape_markdown(paragraph.subheading))
        blocks.append(escape_markdown(paragraph.text))
    return header + "\n" + "\n\n".join(blocks) + "\n"


def issue_markdown(issue: Issue, date: dt.date, slugs: list[str]) -> str:
    """The issue file: its own texts once, and the order of its sections (by slug)."""
    header = _metadata(
        [
            ("Title", issue.title),
            ("Date", date.isoformat()),
            ("Lang", "fr"),
            *([("Subtitle", issue.subtitle)] if issue.subtitle else []),
            *([("Credits", issue.credits)] if issue.credits else []),
            ("Sections", slugs),
        ]
    )
    return header + "\n" + escape_markdown(issue.introduction) + "\n"


# Notes an editor keeps beside the photos (their licences, credits): never taken for a photo.
NOTE_SUFFIXES = (".md", ".txt", ".rst", ".pdf", ".html")


def is_note(path: Path) -> bool:
    return path.suffix.lower() in NOTE_SUFFIXES


def photo_files(folder: str | os.PathLike) -> list[Path]:
    """Every file of a photos folder but hidden ones and notes (README.md, credits.txt…), in name
    order: the first goes to the first section. Any other file must be a photo (checked after)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IssueImportError(folder, "--photos must be a folder of photos, one per section in name order")
    files = (path for path in folder.iterdir() if path.is_file() and not path.name.startswith("."))
    return sorted((path for path in files if not is_note(path)), key=lambda path: path.name)


def skipped_notes(folder: str | os.PathLike) -> list[str]:
    """The names of the notes of a photos folder, which the import leaves where they are."""
    return sorted(path.name for path in Path(folder).iterdir() if path.is_file() and is_note(path))


def check_photos(photos: list[Path], sections: int, folder: str | os.PathLike) -> None:
    """IssueImportError naming the first file that is no whole photo (the build's rule), or the count when it is not one a section."""
    for photo in photos:
        try:
            check_photo_file(photo)
        except PhotoError as error:
            raise IssueImportError(photo, str(error).removeprefix(f"{photo}: ") + "; nothing was written") from None
    if len(photos) != sections:
        raise IssueImportError(
            folder, f"{len(photos)} photo(s) for {sections} section(s); give one photo per section, taken in name order"
        )


def credit_names(credits: str | None) -> list[str]:
    return [name.strip() for name in _CREDIT_SEPARATOR.split(credits or "") if name.strip()]


def split_credits(credits: str | None, count: int) -> list[str | None]:
    """Each photo's credit when the credit line names as many as there are photos, else none."""
    names = credit_names(credits)
    return names if len(names) == count else [None] * count


def credits_warning(issue: Issue, photos: int, source: str | os.PathLike) -> str | None:
    """The warning for a 'Crédit photos' line that does not name one credit per photo (none is given to a section then)."""
    names = credit_names(issue.credits)
    if not photos or not names or len(names) == photos:
        return None
    return (
        f"{source}:{issue.credits_line}: the 'Crédit photos' line names {len(names)} credit(s) for {photos} photo(s): "
        "no section gets an Image_credit; write one credit per photo, in their order, or each Image_credit by hand"
    )


def issue_files(
    issue: Issue, date: dt.date, source_text: str, photos: list[Path] = (), published: dict[str, str] | None = None
) -> dict[str, str | bytes]:
    """Every file of an imported issue, by name inside the issue's folder; with ``photos`` (one per
    section, in order), each copied beside its article as ``<article name><suffix>``; a section
    whose title is in ``published`` (title key -> slug) keeps that slug."""
    files: dict[str, str | bytes] = {}
    slugs: list[str] = []
    credits = split_credits(issue.credits, len(photos))
    for position, section in enumerate(issue.sections, 1):
        slug = (published or {}).get(_title_key(section.title)) or section_slug(section.title)
        slugs.append(slug)
        image = None
        if photos:
            photo = Path(photos[position - 1])
            image = f"{position:02d}-{slug}{photo.suffix.lower()}"
            files[image] = photo.read_bytes()
        files[f"{position:02d}-{slug}.md"] = article_markdown(section, date, position, slug, image, credits[position - 1] if photos else None)
    files[ISSUE_FILE] = issue_markdown(issue, date, slugs)
    files[SOURCE_FILE] = source_text if source_text.endswith("\n") else source_text + "\n"
    return files


def parse_date(value: str | None) -> dt.date:
    if not value:
        raise ValueError("--date is required, as YYYY-MM-DD (the day the issue was sent)")
    if not _DATE.match(value):
        raise ValueError(f"--date {value!r} is not in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--date {value!r} is not a real date") from None


def replaced_folder(replaced_dir: Path) -> Path:
    """A new ``replaced_dir/<time>/`` folder, for the files an import keeps aside."""
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    for attempt in range(1, 100):  # two imports in the same second get two folders
        folder = replaced_dir / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            folder.mkdir(parents=True)
            return folder
        except FileExistsError:
            continue
        except OSError as error:
            message = f"cannot make a folder for the replaced files: {error.strerror}; nothing was replaced"
            raise IssueImportError(folder, message) from None
    raise IssueImportError(replaced_dir, "too many imports in one second; nothing was replaced")


def keep_copies(paths: list[Path], replaced_dir: Path) -> dict[Path, Path]:
    """Copy each file, byte for byte, into a new ``replaced_dir/<time>/`` folder; {file: its copy}."""
    if not paths:
        return {}
    folder = replaced_folder(replaced_dir)
    copies = {}
    for path in paths:
        try:
            copies[path] = Path(shutil.copy2(path, folder / path.name))
        except OSError as error:
            message = f"cannot keep a copy before replacing it: {error.strerror}; nothing was replaced"
            raise IssueImportError(path, message) from None
    return copies


def pasted_name(name: str) -> str:
    """'01-x.md' -> '01-x.pasted.md': the pasted version of a file whose editor's version is kept."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.pasted.{suffix}" if dot else f"{name}.pasted"


def last_imported(directory: Path) -> Issue | None:
    """The issue as the last import read it (its kept issue.txt), or None."""
    try:
        return parse_issue((directory / SOURCE_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, IssueImportError):
        return None


def retitled_in_place(previous: Issue, issue: Issue) -> list[tuple[int, Section, Section]]:
    """(position, last section, new section) for each section whose title changed where it stands: the
    last title is gone from the new issue, and the new one was no section's title (not a reordering)."""
    titles = {_title_key(section.title) for section in issue.sections}
    previous_titles = {_title_key(section.title) for section in previous.sections}
    return [
        (position, old, new)
        for position, (old, new) in enumerate(zip(previous.sections, issue.sections), 1)
        if _title_key(old.title) not in titles and _title_key(new.title) not in previous_titles
    ]


def published_slugs(previous: Issue | None, manifest: dict[str, str], issue: Issue | None = None) -> dict[str, str]:
    """{title key: slug} of each section of the last import (``previous``), from the file names it wrote.

    A section imported again under the same title keeps its slug, so its page keeps its address
    even when the slug rule has changed since (a changed slug would take a live page down). With the
    new ``issue``, a section retitled in place keeps its position's slug too: its file, the editor's
    edits in it, its sidecar and its address.
    """
    if previous is None:
        return {}
    slugs = {int(match[1]): match[2] for name in manifest if (match := _ARTICLE.match(name))}
    kept = {_title_key(section.title): slugs[position] for position, section in enumerate(previous.sections, 1) if position in slugs}
    for position, _old, new in retitled_in_place(previous, issue) if issue is not None else ():
        if position in slugs:
            kept[_title_key(new.title)] = slugs[position]
    return kept


def last_import_bases(directory: Path, manifest: dict[str, str], day: dt.date) -> dict[str, str]:
    """The text of each Markdown file as the last import made it (before any editor's change): the base of a merge."""
    folder = directory / BASE_DIR
    bases = {name: (folder / name).read_text("utf-8") for name in manifest if name.endswith(".md") and (folder / name).is_file()}
    missing = [name for name in manifest if name.endswith(".md") and name not in bases]
    source = directory / SOURCE_FILE
    if missing and source.is_file():
        # Imported before the bases were kept: the importer makes them again from the text it read,
        # and the manifest's digest says which ones it still makes the same.
        photos = sorted(directory / name for name in manifest if name.lower().endswith(PHOTO_SUFFIXES) and (directory / name).is_file())
        try:
            text = source.read_text("utf-8")
            issue = parse_issue(text, source)
            made = issue_files(issue, day, text, photos if len(photos) == len(issue.sections) else [], published_slugs(issue, manifest))
        except (IssueImportError, OSError, UnicodeDecodeError):
            made = {}
        bases.update({name: made[name] for name in missing if isinstance(made.get(name), str) and sha256(made[name]) == manifest[name]})
    return bases


def imported_title(directory: Path, previous: Issue | None) -> str | None:
    """The title of the issue already imported into ``directory``, as pasted then (``previous``), else as its issue.md says."""
    if previous is not None:
        return previous.title
    try:
        return read_markdown((directory / ISSUE_FILE).read_text("utf-8")).value("title")
    except (OSError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class MergeConflict:
    """A field or paragraph changed both by an editor and in the pasted issue: the editor's is kept."""

    path: Path
    line: int | None
    what: str
    pasted: Path | None = None  # where the pasted version of the file is kept

    def message(self, show=str) -> str:
        """One line: FILE:LINE: what, and where the pasted version is (``show`` writes a path as the editor reads it)."""
        where = f"{show(self.path)}:{self.line}" if self.line else str(show(self.path))
        return f"{where}: {self.what} was changed both by hand and in the pasted issue: the edited text is kept, the pasted one is in {show(self.pasted)}"

    def __str__(self) -> str:
        return self.message()


def merge_file(name: str, base: str | bytes | None, current: bytes, pasted: str | bytes, written_digest: str | None, modified: str) -> tuple[str | bytes, list[tuple[int | None, str]]]:
    """(what the file becomes, its conflicts as (line, what)): the pasted file merged into the editor's, ``base`` the importer's last one."""
    if isinstance(pasted, bytes) or name == SOURCE_FILE:
        pasted_bytes = pasted if isinstance(pasted, bytes) else pasted.encode("utf-8")
        if name == SOURCE_FILE or sha256(current) == written_digest:  # issue.txt records what was read: always the new text
            return pasted, []
        if sha256(pasted_bytes) == written_digest:  # the same photo as last time: the editor's replacement stays
            return current, []
        return current, [(None, "the photo")]
    editor = current.decode("utf-8")
    if base is None:  # no base: only a file nobody changed since it was written can be taken whole
        base = editor if sha256(current) == written_digest else ""
    merged = merge_markdown(base, editor, pasted, modified=modified if _ARTICLE.match(name) else None)
    return merged.text, [(conflict.line, conflict.what) for conflict in merged.conflicts]


def import_issue(
    source: str | os.PathLike,
    date: str | None,
    content_dir: str | os.PathLike,
    force: bool = False,
    photos: str | os.PathLike | None = None,
) -> ImportReport:
    """Import the issue at ``source`` into ``content_dir/issues/<date>/``; with ``photos``, a folder
    holding one photo per section (in name order), each is copied beside its article.

    Imported again, the pasted issue is merged into the files (three-way, the base being what the
    importer wrote last time): an editor's fields and paragraphs stay, what the paste changed comes
    in. Where both changed the same one the import stops, unless ``force``: then the editor's is
    kept and the pasted file put in ``.replaced/<time>/``. Nothing is written unless every file can
    be; importing the same text twice changes nothing; no translation sidecar (.po) is ever touched.
    """
    source = Path(source)
    try:
        day = parse_date(date)
    except ValueError as error:
        raise IssueImportError(source, str(error)) from None
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise IssueImportError(source, f"cannot read the issue: {error.strerror}") from None
    text = decode_issue_text(raw, source)
    issue = parse_issue(text, source)
    directory = Path(content_dir) / ISSUES_DIR / day.isoformat()
    manifest_path = directory / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    report = ImportReport(directory=directory)
    if photos is not None:
        found = photo_files(photos)
        check_photos(found, len(issue.sections), photos)
        if notes := skipped_notes(photos):
            report.notices.append(f"{photos}: not photos, left out: {', '.join(notes)}")
    else:  # imported again without --photos: the photos of the last import stay with their sections
        found = sorted(directory / name for name in manifest if name.lower().endswith(PHOTO_SUFFIXES) and (directory / name).is_file())
        found = found if len(found) == len(issue.sections) else []
    if warning := credits_warning(issue, len(found), source):
        report.warnings.append(warning)
    previous = last_imported(directory)
    title = imported_title(directory, previous) if directory.is_dir() else None
    if title is not None and _title_key(title) != _title_key(issue.title):
        raise IssueImportError(
            source,
            f"{directory} holds the issue {_quote(title)}, not {_quote(issue.title)}; "
            "import it under its own --date (or move that folder away first); nothing was written",
        )
    files = issue_files(issue, day, text, found, published_slugs(previous if manifest else None, manifest, issue))
    if manifest and previous is not None:
        report.notices.extend(
            f"section {position} retitled {_quote(new.title)} (was {_quote(old.title)}): it keeps its file and its address"
            for position, old, new in retitled_in_place(previous, issue)
        )
    bases = last_import_bases(directory, manifest, day) if manifest else {}
    modified = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
    plan: list[tuple[Path, str | bytes]] = []
    edited: list[Path] = []
    conflicts: list[MergeConflict] = []
    identical: set[str] = set()
    for name, pasted in files.items():
        path = directory / name
        if not path.exists():
            plan.append((path, pasted))
            report.written.append(path)
            continue
        current = path.read_bytes()
        if current == (pasted if isinstance(pasted, bytes) else pasted.encode("utf-8")):
            report.unchanged.append(path)
            identical.add(name)
            continue
        try:
            merged, found_conflicts = merge_file(name, bases.get(name), current, pasted, manifest.get(name), modified)
        except UnicodeDecodeError as error:
            line = current[: error.start].count(b"\n") + 1
            raise IssueImportError(path, "not UTF-8: save it as UTF-8 and import again; nothing was written", line) from None
        conflicts += [MergeConflict(path, line, what) for line, what in found_conflicts]
        if (merged if isinstance(merged, bytes) else merged.encode("utf-8")) == current:
            report.unchanged.append(path)
            continue
        if sha256(current) != manifest.get(name):
            edited.append(path)
            report.overwritten.append(path)
        else:
            report.written.append(path)
        plan.append((path, merged))
    if conflicts and not force:
        shown = ", ".join(f"{conflict.path.name}:{conflict.line}" if conflict.line else conflict.path.name for conflict in conflicts)
        raise IssueImportError(
            directory,
            f"{len(conflicts)} change(s) of the pasted issue fall on text edited by hand ({shown}); nothing was written. "
            "Re-run with --force to keep the edited text and put the pasted files in .replaced/",
        )
    bases_out = {name: text_out for name, text_out in files.items() if name.endswith(".md")}
    # The manifest keeps the digest of what the importer last wrote in each file: a file that differs was edited.
    new_manifest = {name: manifest.get(name, sha256(text_out)) for name, text_out in files.items()}
    new_manifest.update({path.name: sha256(text_out) for path, text_out in plan})
    new_manifest.update({name: sha256(files[name]) for name in identical})
    # A photo has no text to merge: its base is the last photo given, even when the editor's stays.
    new_manifest.update({name: sha256(photo) for name, photo in files.items() if isinstance(photo, bytes)})
    stale_bases = [name for name, text_out in bases_out.items() if bases.get(name) != text_out]
    if plan or conflicts or stale_bases or new_manifest != manifest:
        directory.mkdir(parents=True, exist_ok=True)
        report.kept = keep_copies(edited, directory / REPLACED_DIR)
        if conflicts:
            folder = next(iter(report.kept.values())).parent if report.kept else replaced_folder(directory / REPLACED_DIR)
            for path in dict.fromkeys(conflict.path for conflict in conflicts):
                copy = folder / pasted_name(path.name)
                write_atomically(copy, files[path.name])
                report.conflicts.extend(replace(conflict, pasted=copy) for conflict in conflicts if conflict.path == path)
                report.pasted[path] = copy
        for path, text_out in plan:
            write_atomically(path, text_out)
        (directory / BASE_DIR).mkdir(exist_ok=True)
        for name in stale_bases:
            write_atomically(directory / BASE_DIR / name, bases_out[name])
        write_atomically(manifest_path, json.dumps(new_manifest, indent=2, sort_keys=True) + "\n")
    return report
