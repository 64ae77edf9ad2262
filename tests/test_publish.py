"""Publishing: the GitHub Pages workflow, and `invoke gh-pages` against a local bare repository."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from support import ROOT, copy_project


def test_workflow_builds_with_publish_settings_and_deploys_with_pinned_actions():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    jobs = workflow["jobs"]
    assert set(jobs) == {"test", "build", "deploy"}
    assert any(step.get("run", "").strip() == "make test" for step in jobs["test"]["steps"])
    build_steps = jobs["build"]["steps"]
    assert any("invoke build --publish" in step.get("run", "") for step in build_steps)
    uses = [step["uses"] for job in jobs.values() for step in job["steps"] if "uses" in step]
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@v\d+\.\d+\.\d+", use) for use in uses), uses
    assert any(use.startswith("actions/upload-pages-artifact@") for use in uses)
    assert [step["uses"].split("@")[0] for step in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]
    assert jobs["deploy"]["needs"] == "build" and workflow["permissions"]["pages"] == "write"
    # The photo store is restored before the publish build, by recipe, with a fallback to any older store.
    (cache,) = [step for step in build_steps if step.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == "cache/photos" and cache["with"]["restore-keys"] == "photos-"
    assert "plugins/photos.py" in cache["with"]["key"] and "requirements.lock" in cache["with"]["key"]
    assert build_steps.index(cache) < next(i for i, step in enumerate(build_steps) if "invoke build --publish" in step.get("run", ""))


def run(args, cwd, env=None, check=True):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=check, env=env)


@pytest.fixture
def project(tmp_path):
    """A copy of the project as a git repository with a bare remote named `pages`."""
    clone = tmp_path / "project"
    copy_project(clone)
    bare = tmp_path / "pages.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "config", "user.email", "test@cafetech.invalid"],
        ["git", "config", "user.name", "Test"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "project"],
        ["git", "remote", "add", "pages", str(bare)],
    ):
        run(command, clone)
    return clone, bare


def gh_pages(clone, monkeypatch_env=None):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(clone.parent), "SITEURL": "https://cafetech.example"}
    return run([sys.executable, "-m", "invoke", "gh-pages", "--remote", "pages"], clone, env=env, check=False)


def branches(bare) -> str:
    return run(["git", "branch", "--list"], bare).stdout


@pytest.mark.parametrize(
    "path", ["content/pages/a-propos.md", "cafetech/importer.py", "requirements.lock", "plugins/feeds.py", "plugins/build_speed/workers.py"]
)
def test_gh_pages_refuses_uncommitted_content_or_build_code(project, path):
    clone, bare = project
    changed = clone / path
    changed.write_text(changed.read_text("utf-8") + "\n# not committed\n", "utf-8")
    result = gh_pages(clone)
    assert result.returncode == 1 and "uncommitted changes" in result.stderr and path in result.stderr
    assert "gh-pages" not in branches(bare)


def test_gh_pages_pushes_nothing_when_the_check_fails(project):
    clone, bare = project
    page = clone / "content" / "pages" / "a-propos.md"
    page.write_text(page.read_text("utf-8") + "\nVoir [cette page](/nulle-part/).\n", "utf-8")
    run(["git", "commit", "-q", "-am", "a broken link"], clone)
    result = gh_pages(clone)
    assert result.returncode == 1, result.stdout
    assert "broken a /nulle-part/" in result.stderr and "nothing was pushed" in result.stderr
    assert "gh-pages" not in branches(bare)


def test_credentials_in_a_remote_url_are_never_printed(project):
    clone, _ = project
    run(["git", "remote", "add", "secret", "https://user:s3cr3t-token@127.0.0.1:9/x.git"], clone)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(clone.parent), "SITEURL": "https://cafetech.example", "GIT_TERMINAL_PROMPT": "0"}
    result = run([sys.executable, "-m", "invoke", "gh-pages", "--remote", "secret"], clone, env=env, check=False)
    assert result.returncode == 1
    assert "s3cr3t-token" not in result.stdout + result.stderr


def test_a_siteurl_without_scheme_stops_the_deploy_in_one_line_before_anything_is_built(project):
    clone, bare = project
    env = {"PATH": "/usr/bin:/bin", "HOME": str(clone.parent), "SITEURL": "cafetech.example.org"}
    result = run([sys.executable, "-m", "invoke", "gh-pages", "--remote", "pages"], clone, env=env, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "publishconf.py: SITEURL must be the site's absolute address, e.g. https://example.org, not 'cafetech.example.org'; "
        "nothing was built or pushed"
    ]
    assert "gh-pages" not in branches(bare) and not (clone / "output").exists()


def test_the_workflow_refuses_a_deploy_that_would_take_a_live_page_down(project):
    """The Pages workflow deploys output/ once guard-removals compared it with the live sitemap and feeds."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    script = next(step for step in steps if "invoke build --publish" in step)
    assert script.index("invoke build --publish") < script.index("invoke check --publish") < script.index("invoke guard-removals")
