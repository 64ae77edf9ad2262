"""An editor's real week through to the live site: an issue with real photos imported, translated,
corrected, emailed and deployed with `invoke gh-pages` to a local bare remote, step by step.

The commands are the README's own ("An editor's week", "A translator's week"), as written there,
with its example paths and date replaced by the fixture's: a README step that stops working
fails here."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cafetech.sidecars import read_sidecar
from support import FIXTURES, ROOT, copy_project, translate_everything

NEW = "2023-11-27"
SITE = "https://cafetech.example.org"
ALT_TEXTS = ("Une astronaute en combinaison", "Une fusée au décollage", "Une tasse de café vue de haut", "Un chat tigré allongé")
README_DATE = "2023-11-20"  # the example date of the README's week
NOT_RUN_HERE = {"livereload"}  # a server that runs until stopped: tests/test_tasks.py::test_livereload_rebuilds_with_the_code_as_it_is_now runs it


def readme_week() -> list[list[str]]:
    """Each `invoke …` command of the README's two weeks, in order, as its argument list (after `invoke`)."""
    text = (ROOT / "README.md").read_text("utf-8")
    weeks = text.split("## An editor's week", 1)[1].split("\n## Commands", 1)[0]
    commands = re.findall(r"(?:^[ \t]*|`)(invoke [^`\n]+)", weeks, flags=re.M)
    assert commands, "the README's weeks name no command"
    return [shlex.split(command)[1:] for command in commands]


class Project:
    """A clone of the project as an editor has it: a git repository whose remote `pages` is a bare one."""

    def __init__(self, root: Path):
        self.root = root / "project"
        copy_project(self.root)
        self.bare = root / "pages.git"
        self.env = {"PATH": os.environ["PATH"], "HOME": str(root), "SITEURL": SITE, "LANG": "C.UTF-8"}
        self.ran: set[str] = set()  # the README's commands this week ran
        self.git("init", "-q", "--bare", str(self.bare), cwd=root)
        for args in (
            ("init", "-q", "-b", "main"),
            ("config", "user.email", "editor@cafetech.invalid"),
            ("config", "user.name", "Editor"),
            ("remote", "add", "origin", str(self.bare)),  # the README's `invoke gh-pages` pushes to origin
        ):
            self.git(*args)
        self.commit("the project")
        self.issue = self.root / "content" / "issues" / NEW

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(["git", *args], cwd=cwd or self.root, capture_output=True, text=True, env=self.env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def invoke(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "invoke", *args], cwd=self.root, capture_output=True, text=True, env=self.env, timeout=600
        )

    def ok(self, *args: str) -> str:
        result = self.invoke(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    def readme(self, task: str, *, gone: str = "") -> list[str]:
        """The README's first command running ``task``, its example paths and date made the fixture's."""
        chosen = [args for args in readme_week() if args[0] == task and (not gone or any(a.startswith("/") for a in args))][0]
        examples = {
            "~/Téléchargements/numero.txt": str(FIXTURES / "issues" / f"{NEW}.txt"),
            "~/Téléchargements/photos": str(FIXTURES / "photos"),
            README_DATE: NEW,
            f"content/issues/{README_DATE}/01-<slug>.md": self.section(1).relative_to(self.root).as_posix() if self.issue.is_dir() else "",
        }
        args = [examples.get(arg, arg) for arg in chosen]
        if gone:
            args = [gone if arg.startswith("/") else arg for arg in args]
        assert not [arg for arg in args if "~" in arg or "<" in arg], f"an example of the README left unmapped: {args}"
        self.ran.add(task)
        return args

    def section(self, number: int) -> Path:
        return next(self.issue.glob(f"0{number}-*.md"))

    def slug(self, number: int) -> str:
        return re.search(r"^Slug: (.+)$", self.section(number).read_text("utf-8"), re.M)[1]

    def live_files(self) -> set[str]:
        listed = subprocess.run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=self.bare, capture_output=True, text=True)
        return set(listed.stdout.split()) if listed.returncode == 0 else set()

    def live_head(self) -> str:
        return subprocess.run(["git", "rev-parse", "-q", "--verify", "gh-pages"], cwd=self.bare, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    return Project(tmp_path_factory.mktemp("publishing"))


def english_page(week: Project, number: int) -> Path:
    return week.root / "output" / "en" / "2023" / "11" / week.slug(number) / "index.html"


def test_1_an_issue_with_real_photos_is_imported_described_translated_and_built(week):
    imported = week.ok(*week.readme("import-issue"))
    assert "not photos, left out: README.md" in imported  # the licences beside the photos
    for number, alt in enumerate(ALT_TEXTS, 1):
        source = week.section(number)
        source.write_text(re.sub(r"^(Image: .+)$", rf"\1\nImage_alt: {alt}", source.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    explained = week.ok(*week.readme("tags.explain"))
    assert "threshold" in explained, explained
    week.ok(*week.readme("tags.suggest"))
    week.ok(*week.readme("translations.update"))
    translate_everything(week.section(1).with_suffix(".en.po"))
    built = week.ok(*week.readme("build"))
    assert "no alt text" not in built
    assert english_page(week, 1).is_file()
    output = week.root / "output"
    modes = {stat.S_IMODE(path.stat().st_mode) for path in [output, *output.rglob("*")] if path.is_dir()}
    assert modes == {0o755}  # a web server's user can read the site


def test_2_the_publish_check_and_the_deploy_pass_with_the_photos(week):
    week.commit("the issue of the week, with its photos")
    checked = week.ok(*week.readme("check"))
    assert " 0 problem(s)" in checked, checked
    deployed = week.ok(*week.readme("gh-pages"))  # builds with publishconf.py and checks that build too
    assert "published" in deployed
    live = week.live_files()
    assert f"2023/11/{week.slug(1)}/index.html" in live and f"en/2023/11/{week.slug(1)}/index.html" in live
    assert any(path.startswith("photos/") and path.endswith(".avif") for path in live)
    assert {"index.html", ".nojekyll", "sitemap.xml", "en/index.html", "feeds/atom.xml"} <= live
    home = subprocess.run(["git", "show", "gh-pages:index.html"], cwd=week.bare, capture_output=True, text=True).stdout
    assert f'href="{SITE}/numero/{NEW}/"' in home
    page = (week.root / "output" / "numero" / NEW / "index.html").read_text("utf-8")
    assert f"{SITE}/theme/" not in page  # output/ stays the development build: the deploy built elsewhere


def test_3_a_french_correction_nobody_translated_keeps_the_english_page_and_names_its_sidecar(week):
    source = week.section(1)
    text = source.read_text("utf-8")
    source.write_text(text.replace("six mois seulement après sa création", "six mois à peine après sa création"), "utf-8")
    built = week.ok("build")  # no translations.update in between
    assert english_page(week, 1).is_file()
    po = source.with_suffix(".en.po").relative_to(week.root / "content").as_posix()
    assert re.search(rf"warning: {re.escape(po)}: stale translation: 1 block", built), built
    week.commit("a French correction")
    week.ok("gh-pages", "--remote", "origin")
    assert f"en/2023/11/{week.slug(1)}/index.html" in week.live_files()


def test_4_a_new_french_paragraph_is_named_at_the_build(week):
    source = week.section(1)
    source.write_text(source.read_text("utf-8").rstrip("\n") + "\n\nUn paragraphe ajouté après la traduction.\n", "utf-8")
    built = week.ok("build")
    po = source.with_suffix(".en.po").relative_to(week.root / "content").as_posix()
    assert re.search(rf"warning: {re.escape(po)}: untranslated", built), built
    status = week.ok(*week.readme("translations.status"))
    assert po.split("/")[-1] in status


def test_5_an_undone_correction_takes_back_its_translation(week):
    source = week.section(1)
    text = source.read_text("utf-8").replace("six mois à peine après sa création", "six mois seulement après sa création")
    source.write_text(text.replace("\n\nUn paragraphe ajouté après la traduction.\n", "\n"), "utf-8")
    week.ok("translations.update")
    week.ok(*week.readme("translations.check"))
    catalog = read_sidecar(source.with_suffix(".en.po"))
    assert not [message.id for message in catalog if message.id and "fuzzy" in message.flags]
    built = week.ok("build")
    assert "stale translation" not in built and english_page(week, 1).is_file()


def test_6_an_email_outlives_the_next_build(week):
    written = week.ok(*week.readme("email"))
    email = week.root / "emails" / f"{NEW}.fr.html"
    assert email.is_file() and "emails/" in written
    week.ok("build")
    assert email.is_file()


def test_7_a_deploy_that_would_take_a_live_page_down_is_refused_until_the_editor_names_it(week):
    gone = week.slug(3)
    week.section(3).unlink()
    week.commit("an article deleted by mistake")
    before = week.live_head()
    refused = week.invoke("gh-pages", "--remote", "origin")
    assert refused.returncode == 1
    assert f"error: /2023/11/{gone}/: this live page would disappear" in refused.stderr
    assert "nothing was pushed" in refused.stderr
    assert week.live_head() == before
    named = re.findall(r"error: (/\S*): this live page would disappear", refused.stderr)
    assert f"/2023/11/{gone}/" in named, named
    # The README's `--allow-removal ADDRESS`, repeated for each address named (a tag page may go too).
    week.ok(*week.readme("gh-pages", gone=named[0]), *(arg for page in named[1:] for arg in ("--allow-removal", page)))
    assert f"2023/11/{gone}/index.html" not in week.live_files()


def test_8_a_remote_that_refuses_the_push_is_one_line_and_leaves_every_branch_as_it_was(week):
    hook = week.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed' >&2\nexit 1\n", "utf-8")
    hook.chmod(0o755)
    before, local = week.live_head(), week.git("rev-parse", "gh-pages")
    refused = week.invoke("gh-pages", "--remote", "origin")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("gh-pages: the remote origin refused the push")
    assert week.live_head() == before and week.git("rev-parse", "gh-pages") == local


def test_9_every_command_of_the_readmes_weeks_ran_this_week(week):
    assert {args[0] for args in readme_week()} - NOT_RUN_HERE == week.ran
