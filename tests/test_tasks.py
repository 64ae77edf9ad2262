"""The editors' command line: invoke tasks, their help, and their errors."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES, ROOT


def invoke(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_every_editor_task_is_listed_with_its_description():
    listing = invoke("--list").stdout
    for name in ("build", "rebuild", "serve", "livereload", "import-issue", "clean"):
        line = next((line for line in listing.splitlines() if line.strip().startswith(name + " ")), "")
        assert len(line.split()) > 2, f"{name} has no description in invoke --list"


def test_import_issue_refusal_is_one_line_and_non_zero(tmp_path):
    bad = tmp_path / "vide.txt"
    bad.write_text("\n\n", "utf-8")
    result = invoke("import-issue", str(bad), "--date", "2023-11-20")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"import-issue: {bad}: the issue is empty; paste the text of the newsletter into it"]
    assert "Traceback" not in result.stderr


def test_import_issue_without_date_is_refused():
    result = invoke("import-issue", str(FIXTURES / "issues" / "no-credits.txt"))
    assert result.returncode == 1
    assert "--date is required" in result.stderr
    assert not (ROOT / "content" / "issues" / "no-credits").exists()


def test_the_committed_seed_came_from_the_importer(tmp_path):
    """content/ holds the seed as imported (editors may edit the Markdown afterwards)."""
    committed = ROOT / "content" / "issues" / "2023-11-20"
    target = tmp_path / "content"
    result = invoke("import-issue", str(committed / "issue.txt"), "--date", "2023-11-20", "--content", str(target))
    assert result.returncode == 0, result.stderr
    assert f"written: {target}/issues/2023-11-20/issue.md" in result.stdout
    assert sorted(p.name for p in (target / "issues" / "2023-11-20").iterdir()) == sorted(
        p.name for p in committed.iterdir() if p.suffix != ".po"  # sidecars come from translators
    )
    assert (committed / ".import-manifest.json").is_file()
