"""Three-way merge of a Markdown content file: metadata field by field, body paragraph by paragraph."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from merge3 import Merge3

_FIELD = re.compile(r"^(?P<key>[A-Za-z][\w-]*)\s*:")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Conflict:
    """A field or a paragraph both sides changed: ``line`` is where the kept (editor's) text is."""

    line: int
    what: str


@dataclass(frozen=True)
class MergedFile:
    text: str
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class MarkdownFile:
    """A Markdown file as Pelican reads it: ``fields`` (lower-case key, its lines) then ``blocks``."""

    fields: tuple[tuple[str, str], ...]
    blocks: tuple[str, ...]

    def field(self, key: str) -> str | None:
        """The lines of a field, its key included."""
        return dict(self.fields).get(key.lower())

    def value(self, key: str) -> str | None:
        """The value of a one-line field."""
        lines = self.field(key)
        return lines.split(":", 1)[1].strip() if lines is not None else None

    def text(self) -> str:
        header = "".join(lines + "\n" for _, lines in self.fields)
        return header + "\n" + "\n\n".join(self.blocks) + "\n"


def read_markdown(text: str) -> MarkdownFile:
    """Split a file into its metadata fields (a field's indented lines go with it) and its blocks."""
    lines = text.split("\n")
    fields: list[list] = []
    position = 0
    for position, line in enumerate(lines):
        if not line.strip():
            break
        match = _FIELD.match(line)
        if match and not line[0].isspace():
            fields.append([match["key"].lower(), line])
        elif fields:
            fields[-1][1] += "\n" + line
        else:  # no metadata at all: the whole file is body
            position = 0
            fields = []
            break
    else:
        position = len(lines)
    body = "\n".join(lines[position:]).strip("\n")
    blocks = tuple(block for block in _BLANK_LINES.split(body) if block.strip())
    return MarkdownFile(tuple((key, value) for key, value in fields), blocks)


def merge_value(base, editor, pasted) -> tuple[object, bool]:
    """(the value to keep, whether both sides changed it differently); None is an absent value."""
    if editor == pasted or pasted == base:
        return editor, False
    if editor == base:
        return pasted, False
    return editor, True


def merge_fields(base: MarkdownFile, editor: MarkdownFile, pasted: MarkdownFile) -> tuple[list[tuple[str, str]], list[str]]:
    """The merged fields in the editor's order (a field new in the paste after its predecessor there),
    and the keys both sides changed."""
    base_fields, editor_fields, pasted_fields = dict(base.fields), dict(editor.fields), dict(pasted.fields)
    order = list(editor_fields)
    for index, key in enumerate(pasted_fields):
        if key not in order:
            before = [k for k in list(pasted_fields)[:index] if k in order]
            order.insert(order.index(before[-1]) + 1 if before else 0, key)
    merged, conflicts = [], []
    for key in order:
        value, conflict = merge_value(base_fields.get(key), editor_fields.get(key), pasted_fields.get(key))
        if conflict:
            conflicts.append(key)
        if value is not None:
            merged.append((key, value))
    return merged, conflicts


def merge_blocks(base: tuple[str, ...], editor: tuple[str, ...], pasted: tuple[str, ...]) -> tuple[list[str], list[tuple[int, str]]]:
    """The merged blocks, and for each conflict (index of the editor's block kept there, the text it replaced)."""
    merged: list[str] = []
    conflicts: list[tuple[int, str]] = []
    for group in Merge3(base, editor, pasted).merge_groups():
        if group[0] != "conflict":
            merged.extend(group[1])
            continue
        _, base_part, editor_part, pasted_part = group
        # merge3 joins neighbouring changes into one region, as diff3 does for lines; a paragraph is
        # a unit of its own: two sides changing two neighbours, or one adding beside the other's change, agree.
        if (blockwise := _merge_block_by_block(base_part, editor_part, pasted_part)) is not None:
            blocks, region_conflicts = blockwise
            conflicts += [(len(merged) + index, text) for index, text in region_conflicts]
            merged += blocks
        else:
            conflicts.append((len(merged), base_part[0] if base_part else pasted_part[0]))
            merged.extend(editor_part)
    return merged, conflicts


def _alignment(base: Sequence[str], side: Sequence[str]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]] | None:
    """What ``side`` has in place of each base block (nothing when deleted), and what it added before each
    base block and at the end; None when it rewrote blocks into a different number of blocks."""
    kept: list[tuple[str, ...]] = [(block,) for block in base]
    added: list[tuple[str, ...]] = [() for _ in range(len(base) + 1)]
    for operation, i1, i2, j1, j2 in SequenceMatcher(None, base, side, autojunk=False).get_opcodes():
        if operation in ("equal", "replace") and i2 - i1 == j2 - j1:
            kept[i1:i2] = [(block,) for block in side[j1:j2]]
        elif operation == "delete":
            kept[i1:i2] = [() for _ in range(i1, i2)]
        elif operation == "insert":
            added[i1] = tuple(side[j1:j2])
        else:
            return None
    return kept, added


def _merge_block_by_block(base: Sequence[str], editor: Sequence[str], pasted: Sequence[str]) -> tuple[list[str], list[tuple[int, str]]] | None:
    """A region merged one base block at a time (and what each side added between them), or None."""
    editor_alignment, pasted_alignment = _alignment(base, editor), _alignment(base, pasted)
    if editor_alignment is None or pasted_alignment is None:
        return None
    (editor_kept, editor_added), (pasted_kept, pasted_added) = editor_alignment, pasted_alignment
    blocks: list[str] = []
    conflicts: list[tuple[int, str]] = []
    for index in range(len(base) + 1):
        value, conflict = merge_value((), editor_added[index], pasted_added[index])
        if conflict:
            conflicts.append((len(blocks), pasted_added[index][0]))
        blocks += value
        if index < len(base):
            value, conflict = merge_value((base[index],), editor_kept[index], pasted_kept[index])
            if conflict:
                conflicts.append((len(blocks), base[index]))
            blocks += value
    return blocks, conflicts


def merge_markdown(base: str, editor: str, pasted: str, modified: str | None = None) -> MergedFile:
    """The editor's file with what the paste changed since ``base`` (the importer's last text) taken
    in; where both changed a field or a paragraph, the editor's is kept and named as a conflict. With
    ``modified``, a file whose title or text the merge changes says ``Modified: <modified>``."""
    if pasted == base or editor == pasted:
        return MergedFile(editor)
    base_file, editor_file, pasted_file = read_markdown(base), read_markdown(editor), read_markdown(pasted)
    fields, field_conflicts = merge_fields(base_file, editor_file, pasted_file)
    blocks, block_conflicts = merge_blocks(base_file.blocks, editor_file.blocks, pasted_file.blocks)
    merged = MarkdownFile(tuple(fields), tuple(blocks))
    if modified and (merged.blocks != editor_file.blocks or merged.field("title") != editor_file.field("title")):
        merged = with_modified(merged, modified)
    field_lines, block_lines = line_numbers(merged)
    conflicts = [Conflict(field_lines[key], f"the field {_label(key, pasted_file, editor_file)}") for key in field_conflicts]
    conflicts += [
        Conflict(block_lines[min(index, len(block_lines) - 1)], f"the paragraph {_opening(base_text)}")
        for index, base_text in block_conflicts
    ]
    if not conflicts and merged.text() == pasted:
        return MergedFile(pasted)  # byte for byte, when the editor's changes were all taken back by the paste
    return MergedFile(merged.text(), tuple(conflicts))


def with_modified(file: MarkdownFile, when: str) -> MarkdownFile:
    """``file`` saying ``Modified: when`` after its Date (Pelican reads it as the time the text last changed)."""
    fields = [(key, lines) for key, lines in file.fields if key != "modified"]
    keys = [key for key, _ in fields]
    fields.insert(keys.index("date") + 1 if "date" in keys else len(fields), ("modified", f"Modified: {when}"))
    return MarkdownFile(tuple(fields), file.blocks)


def line_numbers(file: MarkdownFile) -> tuple[dict[str, int], list[int]]:
    """The line of each field and of each block of ``file`` as ``text()`` writes it (one-based)."""
    field_lines, line = {}, 1
    for key, lines in file.fields:
        field_lines[key] = line
        line += lines.count("\n") + 1
    line += 1  # the blank line after the header
    block_lines = []
    for block in file.blocks:
        block_lines.append(line)
        line += block.count("\n") + 2
    return field_lines, block_lines or [line]


def _label(key: str, *files: MarkdownFile) -> str:
    for file in files:
        if (lines := file.field(key)) is not None:
            return lines.split(":", 1)[0]
    return key


def _opening(text: str, limit: int = 40) -> str:
    words = " ".join(text.split())
    return repr(words if len(words) <= limit else words[: limit - 1] + "…")
