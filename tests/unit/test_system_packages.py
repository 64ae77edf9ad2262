"""The browser the tests drive, and what tools/need_system_packages.sh installs (dry runs: nothing is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cafetech_dev.quality import CHROMIUM_CANDIDATES, ChromiumNotFound, find_chromium

SCRIPT = Path(__file__).parents[2] / "tools" / "need_system_packages.sh"
BASH = shutil.which("bash")


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


def need(tmp_path, *, uid=0, browsers=(), java=True, sudo=None, dry_run=True, **environ):
    """Run the script with only the given programs on PATH; returns (exit code, stdout lines, stderr)."""
    programs = tmp_path / "bin"
    programs.mkdir(exist_ok=True)
    if java:
        executable(programs / "java")
    if sudo is not None:
        executable(programs / "sudo", sudo)
    env = {
        "PATH": str(programs),
        "NEED_SYSTEM_PACKAGES_UID": str(uid),
        "CAFETECH_CHROMIUM_CANDIDATES": " ".join([str(tmp_path / "none" / "chromium"), *browsers]),
        **({"NEED_SYSTEM_PACKAGES_DRY_RUN": "1"} if dry_run else {}),
        **environ,
    }
    result = subprocess.run([BASH, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout.splitlines(), result.stderr


def test_the_first_executable_candidate_is_the_browser(tmp_path):
    not_executable = tmp_path / "chromium"
    not_executable.write_text("")
    chrome = executable(tmp_path / "google-chrome")
    candidates = f"{tmp_path / 'missing'} {not_executable} {chrome} {executable(tmp_path / 'google-chrome-stable')}"
    assert find_chromium({"CAFETECH_CHROMIUM_CANDIDATES": candidates}) == chrome
    assert find_chromium({"CAFETECH_CHROMIUM_CANDIDATES": str(tmp_path / "missing")}) is None


def test_cafetech_chromium_overrides_the_candidates_and_must_be_executable(tmp_path):
    chrome = executable(tmp_path / "chrome")
    assert find_chromium({"CAFETECH_CHROMIUM": chrome, "CAFETECH_CHROMIUM_CANDIDATES": executable(tmp_path / "other")}) == chrome
    with pytest.raises(ChromiumNotFound, match=r"^CAFETECH_CHROMIUM=/nowhere/chrome is not an executable file$"):
        find_chromium({"CAFETECH_CHROMIUM": "/nowhere/chrome"})


def test_debian_chromium_comes_first_and_the_script_tries_the_same_browsers():
    assert CHROMIUM_CANDIDATES[0] == "/usr/bin/chromium"
    listed = re.search(r'^default_candidates="(.*)"$', SCRIPT.read_text(), re.MULTILINE).group(1)
    assert tuple(listed.split()) == CHROMIUM_CANDIDATES


def test_with_a_browser_and_java_there_is_nothing_to_install(tmp_path):
    chromium = executable(tmp_path / "usr/bin/chromium")
    code, out, err = need(tmp_path, browsers=[chromium])
    assert (code, out, err) == (0, [f"chromium: {chromium}", f"java: {tmp_path / 'bin' / 'java'}"], "")


def test_google_chrome_is_chosen_when_there_is_no_chromium_and_nothing_is_installed(tmp_path):
    chrome = executable(tmp_path / "usr/bin/google-chrome")
    code, out, _ = need(tmp_path, uid=1001, browsers=[str(tmp_path / "usr/bin/chromium"), chrome])
    assert code == 0 and out[0] == f"chromium: {chrome}" and not any(line.startswith("would run") for line in out)


def test_root_installs_what_is_missing_with_apt_get(tmp_path):
    code, out, err = need(tmp_path, java=False)
    assert code == 0 and out == [
        "chromium: missing",
        "java: missing",
        "would run: apt-get update -qq",
        "would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless",
    ]
    assert err == "need_system_packages: installing chromium default-jre-headless\n"


def test_a_user_installs_through_sudo_without_a_password_prompt(tmp_path):
    code, out, _ = need(tmp_path, uid=1001, sudo="#!/bin/sh\nexit 0\n")
    assert code == 0 and out[2:] == [
        "would run: sudo -n apt-get update -qq",
        "would run: sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
    ]


def test_a_user_without_sudo_gets_one_line_saying_what_to_install(tmp_path):
    code, out, err = need(tmp_path, uid=1001)
    assert code == 1 and out == ["chromium: missing", f"java: {tmp_path / 'bin' / 'java'}"]
    assert err == "need_system_packages: cannot install chromium: not root and no sudo; run 'apt-get install chromium' as root\n"


def test_a_sudo_that_wants_a_password_ends_in_one_line_and_exit_1(tmp_path):
    asked = tmp_path / "sudo-arguments"
    code, _, err = need(tmp_path, uid=1001, dry_run=False, sudo=f'#!/bin/sh\nprintf "%s\\n" "$*" > {asked}\nexit 1\n')
    assert code == 1 and asked.read_text() == "-n apt-get update -qq\n"
    assert err.splitlines()[-1].startswith("need_system_packages: cannot install chromium: run 'sudo apt-get install chromium'")


def test_cafetech_chromium_naming_no_file_is_an_error_even_when_a_browser_is_there(tmp_path):
    chromium = executable(tmp_path / "usr/bin/chromium")
    code, out, err = need(tmp_path, browsers=[chromium], CAFETECH_CHROMIUM=str(tmp_path / "nowhere"))
    assert (code, out) == (1, [])
    assert err == f"need_system_packages: CAFETECH_CHROMIUM={tmp_path / 'nowhere'} is not an executable file\n"


def test_cafetech_chromium_is_the_browser_when_it_is_executable(tmp_path):
    chrome = executable(tmp_path / "opt/chrome")
    code, out, _ = need(tmp_path, CAFETECH_CHROMIUM=chrome)
    assert code == 0 and out[0] == f"chromium: {chrome}"
