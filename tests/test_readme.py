"""The README and docs/ tell the truth about the tasks, their links, the commands table and the quick start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from invoke.program import Program

import tasks

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]

FENCE = re.compile(r"^\s*```")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)
SHELL_SEPARATORS = {"&&", "||", ";", "|", "#"}


def fenced_and_prose(text: str) -> tuple[list[str], str]:
    """The lines of fenced code blocks, and the rest of the text (fences blanked)."""
    code, prose, inside = [], [], False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
            prose.append("")
        elif inside:
            code.append(line)
            prose.append("")
        else:
            prose.append(line)
    return code, "\n".join(prose)


def code_snippets(text: str) -> list[str]:
    """Every piece of code in a Markdown page: each line of a fenced block, each inline code span."""
    code, prose = fenced_and_prose(text)
    return code + [match[2] for match in CODE_SPAN.finditer(prose)]


def invoke_calls(snippet: str) -> list[tuple[str, list[str]]]:
    """Each `invoke NAME …` in a piece of code: the task name (or invoke's own flag) and the --flags after it."""
    words = snippet.replace("\\|", " ").split()
    calls = []
    for i, word in enumerate(words):
        if (word == "invoke" or word.endswith("/invoke")) and i + 1 < len(words):
            flags = []
            for arg in words[i + 2 :]:
                if arg in SHELL_SEPARATORS or arg == "invoke" or arg.endswith("/invoke"):
                    break
                arg = arg.strip("[]…,")
                if arg.startswith("--"):
                    flags.append(arg.split("=", 1)[0])
            calls.append((words[i + 1], flags))
    return calls


def task_flags() -> dict[str, set[str]]:
    """Every task of tasks.py's collection (dotted names, as `invoke --list` shows them) and its --flags."""
    namespace = tasks.namespace
    return {name: {f"--{arg.names[0]}" for arg in namespace[name].get_arguments()} for name in namespace.task_names}


def core_flags() -> set[str]:
    return {("--" if len(name) > 1 else "-") + name for arg in Program().core_args() for name in arg.names}


def section(text: str, heading: str) -> str:
    """The lines under a `## heading`, up to the next heading of that level or higher."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match[1]


def heading_anchors(text: str) -> set[str]:
    """GitHub's anchor of each heading: lower case, punctuation dropped, spaces as hyphens."""
    _, prose = fenced_and_prose(text)
    headings = re.findall(r"^#{1,6} (.+)$", prose, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def relative_links(text: str) -> list[str]:
    """Every link target of a page that is neither an address nor an anchor of the page itself (code left out)."""
    _, prose = fenced_and_prose(text)
    prose = CODE_SPAN.sub("", prose)
    targets = LINK.findall(prose) + REFERENCE.findall(prose)
    return [target for target in targets if not re.match(r"[a-z][a-z+.-]*:|#", target)]


def table_cells(row: str) -> list[str]:
    """A Markdown table row's cells: split at each unescaped |, the outer ones dropped."""
    return re.split(r"(?<!\\)\|", row.strip().strip("|"))


def commands_table() -> list[str]:
    """The table rows of the README's Commands section, after its header and separator."""
    rows = [line for line in section(README.read_text("utf-8"), "Commands").splitlines() if line.startswith("|")]
    return rows[2:]


# --- (a) every invoke command written in the docs exists ------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_invoke_command_in_the_page_names_a_task_and_flags_that_exist(page):
    known, core = task_flags(), core_flags()
    calls = [call for snippet in code_snippets(page.read_text("utf-8")) for call in invoke_calls(snippet)]
    wrong = []
    for name, flags in calls:
        if name.startswith("-"):
            wrong += [] if name in core else [f"invoke {name}: not an option of invoke"]
        elif name not in known:
            wrong.append(f"invoke {name}: no such task (invoke --list)")
        else:
            wrong += [f"invoke {name} {flag}: no such option (invoke --help {name})" for flag in flags if flag not in known[name]]
    assert not wrong, f"{page.name}:\n" + "\n".join(wrong)


def test_the_readme_names_invoke_commands_so_the_check_above_has_something_to_check():
    calls = [call for snippet in code_snippets(README.read_text("utf-8")) for call in invoke_calls(snippet)]
    assert {name for name, _ in calls} >= {"import-issue", "tags.explain", "livereload", "check", "email", "gh-pages"}
    assert ("gh-pages", ["--allow-removal"]) in calls, "the editor's week names no `invoke gh-pages --allow-removal`"


# --- (b) every relative link leads to a file (and a heading, when it names one) ---------------


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_of_the_page_points_to_an_existing_file(page):
    broken = []
    for target in relative_links(page.read_text("utf-8")):
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve()
        if not linked.exists():
            broken.append(f"{target}: no such file ({linked.relative_to(ROOT) if linked.is_relative_to(ROOT) else linked})")
        elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked.read_text("utf-8")):
            broken.append(f"{target}: {path} has no heading #{anchor}")
    assert not broken, f"{page.name}:\n" + "\n".join(broken)


def test_the_readme_links_to_every_page_of_docs():
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in relative_links(README.read_text("utf-8"))}
    assert [doc.name for doc in DOCS if doc.resolve() not in linked] == []


# --- (c) the commands table -------------------------------------------------------------------


def test_the_commands_table_is_one_unbroken_table_whose_rows_all_have_the_same_cells():
    lines = section(README.read_text("utf-8"), "Commands").splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith("|")]
    assert rows, "the Commands section has no table"
    assert rows == list(range(rows[0], rows[-1] + 1)), "a line that is no table row breaks the commands table in two"
    header, separator = lines[rows[0]], lines[rows[0] + 1]
    assert re.fullmatch(r"\|( ?:?-+:? ?\|)+", separator.strip()), f"the table's second line is no separator: {separator}"
    widths = {len(table_cells(lines[i])) for i in rows}
    assert widths == {len(table_cells(header))}, f"rows with {sorted(widths)} cells: every row needs as many as the header"


def test_the_commands_table_has_one_row_per_task_listing_its_every_option():
    known = task_flags()
    rows = {}
    for row in commands_table():
        command = CODE_SPAN.search(table_cells(row)[0])
        assert command, f"a row names no command: {row[:60]}"
        ((name, flags),) = invoke_calls(command[2])
        assert name not in rows, f"invoke {name} has two rows"
        rows[name] = set(flags)
    assert sorted(rows) == sorted(known), "the table's tasks are not those of `invoke --list`"
    for name, flags in rows.items():
        positional = {f"--{arg.names[0]}" for arg in tasks.namespace[name].get_arguments() if arg.positional}
        assert flags | positional >= known[name], f"invoke {name}: the table leaves out {sorted(known[name] - flags - positional)}"


# --- (d) the quick start runs the tests as CI does --------------------------------------------


def shell_commands(script: str) -> list[str]:
    """The commands a shell script runs, setup (set, cd, the shebang, comments) left out."""
    lines = (line.strip() for line in script.splitlines())
    return [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]


def quick_start_block() -> list[tuple[str, str]]:
    """(command, comment) for each line of the quick start's code block."""
    code, _ = fenced_and_prose(section(README.read_text("utf-8"), "Quick start"))
    return [(command.strip(), comment.strip()) for command, _, comment in (line.partition("#") for line in code)]


def test_the_quick_start_names_exactly_the_command_ci_runs_for_the_tests():
    ci = shell_commands((ROOT / ".ci" / "run").read_text("utf-8"))
    test_lines = [command for command, comment in quick_start_block() if "test suite" in comment]
    assert test_lines == ci, f"the quick start runs the tests with {test_lines}, .ci/run with {ci}"
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8")
    assert re.search(rf"name: Run the tests.*\n\s+run: {re.escape(ci[0])}\n", workflow), "the Pages workflow tests otherwise"


def test_the_make_target_ci_runs_is_the_whole_test_suite():
    (ci,) = shell_commands((ROOT / ".ci" / "run").read_text("utf-8"))
    assert ci.startswith("make "), ci
    target = ci.split()[1]
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipe = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, f"the Makefile has no target {target}"
    assert re.search(r"^\t\$\(VENV\)/bin/python -m pytest\s*$", recipe[1], re.M), f"make {target} does not run the whole suite"
