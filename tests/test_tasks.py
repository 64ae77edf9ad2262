"""The editors' command line: invoke tasks, their help, and their errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from support import FIXTURES, ROOT, copy_project


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


def test_committed_translations_are_up_to_date():
    """CI runs `invoke translations.check` on the real content."""
    result = invoke("translations.check")
    assert result.returncode == 0, result.stderr
    assert "5 sidecars and 1 theme catalog(s) up to date" in result.stdout


def test_translation_tasks_on_a_copy(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    article = next((content / "issues" / "2023-11-20").glob("01-*.md"))
    sidecar = article.with_suffix(".en.po")
    before = sidecar.read_bytes()

    status = invoke("translations.status", "--content", str(content))
    assert status.returncode == 0
    assert status.stdout.splitlines()[-1].split() == ["total", "33", "0", "0", "0", "100.0"]

    # An editor changes a paragraph: check fails, update marks the entry fuzzy and keeps the translation.
    text = article.read_text("utf-8").replace("Vendredi, trois chercheurs en IA ont démissionné.", "Vendredi, trois chercheurs ont démissionné.")
    article.write_text(text, "utf-8")
    check = invoke("translations.check", "--content", str(content))
    assert check.returncode == 1 and "out of date" in check.stderr
    update = invoke("translations.update", "--content", str(content))
    assert update.returncode == 0, update.stderr
    assert f"{sidecar.name}: updated (+0 new, 1 fuzzy, 0 obsolete)" in update.stdout
    after = sidecar.read_text("utf-8")
    assert "#, fuzzy" in after and "#| msgid" in after
    assert "On Friday, three AI researchers resigned." in after
    assert invoke("translations.check", "--content", str(content)).returncode == 0
    status = invoke("translations.status", "--content", str(content))
    assert next(line for line in status.stdout.splitlines() if line.startswith("total")).split() == ["total", "32", "1", "1", "0", "97.0"]
    assert re.search(rf"stale: .*{re.escape(sidecar.name)}: 1 block", status.stdout)
    assert sidecar.read_bytes() != before

    # A broken catalog and a sidecar without its article are refused, file and line named.
    sidecar.write_text(after.replace('msgstr "Investor revolt"', 'msgstr "Investor revolt'), "utf-8")
    orphan = content / "issues" / "2023-11-20" / "99-disparu.en.po"
    orphan.write_text("", "utf-8")
    check = invoke("translations.check", "--content", str(content))
    assert check.returncode == 1
    assert re.search(rf"{re.escape(sidecar.name)}:\d+: malformed line", check.stderr)
    assert "99-disparu.en.po: its source article does not exist" in check.stderr
    assert "Traceback" not in check.stderr
    status = invoke("translations.status", "--content", str(content))
    assert "99-disparu.en.po: its source article does not exist" in status.stderr


def test_check_passes_on_the_real_content_and_lists_unresolved_further_reading():
    result = invoke("check")
    assert result.returncode == 0, result.stderr
    assert "0 problem(s), 4 unresolved further-reading item(s), 0 stale, untranslated or withdrawn translation(s)" in result.stdout
    assert "further reading 'Les coûts de l’IA menacent de freiner son adoption' names no article" in result.stdout


@pytest.mark.parametrize("siteurl", [None, "https://cafetech.example/", "http://news.example.org"])
def test_the_publish_check_passes_on_the_real_content_as_the_pages_workflow_runs_it(siteurl):
    env = {**os.environ, "SITEURL": siteurl} if siteurl else {k: v for k, v in os.environ.items() if k != "SITEURL"}
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--publish"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert " 0 problem(s)" in result.stdout


def test_email_task_refuses_a_bad_date_in_one_line():
    result = invoke("email", "2023-02-30")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "no such day" in result.stderr


def test_livereload_builds_content_in_its_process_code_in_a_new_one_and_reloads_the_open_pages(tmp_path):
    """A content edit is built by the running build process; a template or a plugin changed while
    livereload runs is used (a new process); every page served carries the reload script, no file does."""
    import socket
    import time
    import urllib.parse
    import urllib.request

    project = tmp_path / "project"
    copy_project(project)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", f"--port={port}"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )

    import queue
    import threading

    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    seen = []

    def wait_for(line_start: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, f"livereload stopped: {seen}"
                continue
            seen.append(line)
            if line.startswith(line_start):
                return
        raise AssertionError(f"no {line_start!r} line in {seen}")

    try:
        from cafetech.preview import SCRIPT_TAG, VERSION_PATH

        wait_for("watching")
        version = urllib.request.urlopen(f"http://127.0.0.1:{port}{VERSION_PATH}", timeout=10).read()
        article = next((project / "content" / "issues" / "2023-11-20").glob("01-*.md"))
        slug = article.read_text("utf-8").split("Slug: ", 1)[1].split("\n", 1)[0]
        (page_file,) = [path for path in (project / "output").glob(f"**/{slug}/index.html") if path.relative_to(project / "output").parts[0] != "en"]
        address = "/" + page_file.parent.relative_to(project / "output").as_posix() + "/"
        asked = f"http://127.0.0.1:{port}{VERSION_PATH}?page={urllib.parse.quote(address, safe='')}"
        page_version = urllib.request.urlopen(asked, timeout=10).read()
        article.write_text(article.read_text("utf-8").rstrip("\n") + " Une phrase ajoutée.\n", "utf-8")
        wait_for("the edited article's page is written")  # the quick page, before the whole build
        assert urllib.request.urlopen(asked, timeout=10).read() != page_version, seen  # its open tab reloads
        served = urllib.request.urlopen(f"http://127.0.0.1:{port}{address}", timeout=10).read().decode("utf-8")
        assert "Une phrase ajoutée." in served, seen
        wait_for("rebuilt: ")
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}{VERSION_PATH}", timeout=10).read() != version
        template = project / "theme" / "templates" / "404.html"
        template.write_text(template.read_text("utf-8").replace("Page introuvable", "Page perdue"), "utf-8")
        wait_for("rebuilt in a new build process")
        plugin = project / "plugins" / "babel_dates.py"
        plugin.write_text(plugin.read_text("utf-8").replace('return value.isoformat()', 'return "ISO " + value.isoformat()'), "utf-8")
        wait_for("rebuilt in a new build process")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/numero/2023-11-20/", timeout=10).read().decode("utf-8")
        assert 'datetime="ISO 2023-11-20' in page, seen
        assert SCRIPT_TAG.decode() in page and SCRIPT_TAG.decode() not in (project / "output" / "numero" / "2023-11-20" / "index.html").read_text("utf-8")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nulle-part/", timeout=10)
        assert "Page perdue" in missing.value.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_tags_suggest_ranks_the_names_an_issue_uses_that_the_registry_lacks(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "issues" / "2023-11-20", content / "issues" / "2023-11-20")
    registry = (ROOT / "content" / "tags.toml").read_text("utf-8")
    registry = registry.replace('aliases = ["Free", "Free Mobile", "Freebox"]', "aliases = []")
    (content / "tags.toml").write_text(registry.replace('["Kyutai"]\naliases = []\n', ""), "utf-8")
    result = invoke("tags.suggest", "2023-11-20", "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\s+Kyutai\s+\(6 mentions in 1 article, score 9\)$", result.stdout, re.M)
    assert "Free" not in result.stdout  # only "le fondateur de Free": named in passing, it counts nothing
    assert "OpenAI" not in result.stdout  # already in the registry
    assert "No name to suggest" in invoke("tags.suggest", "2023-11-20").stdout  # Free is an alias of Iliad now
    missing = invoke("tags.suggest", "2023-12-04")
    assert missing.returncode == 1 and missing.stderr.strip() == "tags.suggest: content/issues/2023-12-04: no such issue"


def test_tags_explain_prints_the_mentions_and_weights_that_gave_or_refused_each_tag():
    result = invoke("tags.explain", "content/issues/2023-11-20/02-xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content/issues/2023-11-20/02-xavier-niel-lance-kyutai")
    assert "  threshold 3; weights: title 3, summary 2, heading 3, paragraph 1, further_reading 1;" in result.stdout
    assert (
        "  given: Mistral: score 3 >= 3\n"
        "      summary          2  'Mistral AI'\n"
        "      further_reading  1  'Mistral AI'\n"
    ) in result.stdout
    assert "  refused: Google: score 2 < 3\n      summary          0  'Google'  (in passing, after 'directeur général de')\n" in result.stdout
    missing = invoke("tags.explain", "content/issues/nope.md")
    assert missing.returncode == 1 and missing.stderr.strip() == "tags.explain: content/issues/nope.md: no such article"


def test_serve_answers_a_missing_page_with_the_404_page_of_its_edition(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request

    import tasks

    (tmp_path / "en").mkdir()
    (tmp_path / "404.html").write_text("<p>Page introuvable</p>", "utf-8")
    (tmp_path / "en" / "404.html").write_text("<p>Page not found</p>", "utf-8")
    monkeypatch.setattr(tasks, "OUTPUT", tmp_path)
    server = tasks.start_server(0, "127.0.0.1")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path, text in (("/nulle-part/", "Page introuvable"), ("/en/nowhere/", "Page not found")):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(base + path, timeout=10)
            assert answer.value.code == 404 and text in answer.value.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()


def test_rebuild_keeps_the_last_good_site_when_the_build_fails(tmp_path, monkeypatch):
    import shutil

    from invoke import Context, Exit

    import tasks

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the last good site", "utf-8")
    article = next((content / "issues" / "2023-11-20").glob("01-*.md"))
    article.write_text(article.read_text("utf-8").replace("Date: 2023-11-20", "Date: le 20 novembre"), "utf-8")
    monkeypatch.setattr(tasks, "CONTENT", content)
    monkeypatch.setattr(tasks, "OUTPUT", output)
    monkeypatch.setattr(tasks, "CACHE", tmp_path / "cache")
    with pytest.raises(Exit):
        tasks.rebuild(Context())
    assert (output / "index.html").read_text("utf-8") == "the last good site"



def test_clean_removes_the_site_the_folders_kept_beside_it_and_the_cache(tmp_path, monkeypatch):
    from invoke import Context

    import tasks

    output = tmp_path / "output"
    for folder in ("output/2023/11", "cache/abc", ".output.old-x/2023", ".output.build-y"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "output" / "index.html").write_text("site", "utf-8")
    (tmp_path / ".output.lock").write_text("", "utf-8")
    (tmp_path / "notes.txt").write_text("an editor's file", "utf-8")
    monkeypatch.setattr(tasks, "OUTPUT", output)
    monkeypatch.setattr(tasks, "CACHE", tmp_path / "cache")
    tasks.clean(Context())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
