"""A site's folder emptied with its folders kept, and the empty ones removed (tier 1: the functions on a few files)."""

from __future__ import annotations

import os

from cafetech.output_folders import clear_files, remove_empty_folders


def tree(folder) -> set[str]:
    return {str(path.relative_to(folder)) + ("/" if path.is_dir() and not path.is_symlink() else "") for path in folder.rglob("*")}


def test_the_files_go_the_folders_and_the_kept_entries_stay(tmp_path):
    site = tmp_path / "site"
    (site / "2023" / "11" / "a").mkdir(parents=True)
    (site / "2023" / "11" / "a" / "index.html").write_text("a")
    (site / "index.html").write_text("home")
    (site / ".git" / "refs").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref")
    (site / "2023" / ".git").mkdir()  # only the site's own entries are kept, not a name deeper down
    (site / "2023" / ".git" / "HEAD").write_text("ref")
    assert clear_files(site, keep=(".git",)) == 3
    assert tree(site) == {"2023/", "2023/11/", "2023/11/a/", "2023/.git/", ".git/", ".git/refs/", ".git/HEAD"}


def test_a_link_is_removed_never_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me")
    site = tmp_path / "site"
    site.mkdir()
    os.symlink(elsewhere, site / "folder-link")
    os.symlink(elsewhere / "precious.txt", site / "file-link")
    assert clear_files(site) == 2
    assert tree(site) == set() and (elsewhere / "precious.txt").read_text() == "keep me"
    assert clear_files(tmp_path / "missing") == 0


def test_the_empty_folders_go_from_the_bottom_up(tmp_path):
    site = tmp_path / "site"
    for folder in ("2023/11/gone", "2023/12/gone", "2024/01/kept", ".git/objects", "empty"):
        (site / folder).mkdir(parents=True)
    (site / "2024" / "01" / "kept" / "index.html").write_text("page")
    assert remove_empty_folders(site, keep=(".git",)) == 6  # 2023/11/gone, 2023/11, 2023/12/gone, 2023/12, 2023, empty
    assert tree(site) == {"2024/", "2024/01/", "2024/01/kept/", "2024/01/kept/index.html", ".git/", ".git/objects/"}
    assert site.is_dir() and remove_empty_folders(site / "2024" / "01" / "kept") == 0


def test_a_file_another_build_removed_first_is_no_error(tmp_path, monkeypatch):
    """The preview's process clears the site it replaced while another build may be clearing it too."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    for name in ("a/index.html", "b.html"):
        (site / name).write_text("page")
    unlink = os.unlink

    def raced(path, *args, **kwargs):
        if str(path).endswith("index.html"):
            unlink(path)
            raise FileNotFoundError(path)  # removed by the other build between the listing and here
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", raced)
    assert clear_files(site) == 1
    assert tree(site) == {"a/"}


def test_a_build_whose_old_site_another_build_took_starts_from_an_empty_folder(tmp_path, monkeypatch):
    from cafetech import site_build

    output = tmp_path / "output"
    (tmp_path / f"{site_build.OLD_PREFIX}x" / "2023").mkdir(parents=True)

    def taken(source, target):
        raise FileNotFoundError(source)  # renamed by the other build between the listing and here

    monkeypatch.setattr(site_build.os, "rename", taken)
    staging = site_build.staging_folder(output)
    assert staging.is_dir() and not any(staging.iterdir()) and staging.name.startswith(site_build.BUILD_PREFIX)
