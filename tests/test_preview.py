"""The preview (`invoke livereload`): one long-lived build process, whose every build is a cold build's
site byte for byte, and the reload script the dev server adds to the pages it serves."""

from __future__ import annotations

import difflib
import io
import shutil
import urllib.request

import pytest

from cafetech import preview
from cafetech.preview import Builder, needs_restart, with_reload_script
from cafetech.site_build import build
from support import ROOT, fingerprint, two_issue_content, without_search_index

SETTINGS = ROOT / "pelicanconf.py"


def edit(article, old: str, new: str) -> None:
    text = article.read_text("utf-8")
    assert old in text
    article.write_text(text.replace(old, new, 1), "utf-8")


def test_each_build_of_the_long_lived_process_is_the_site_a_cold_build_gives(tmp_path):
    content = two_issue_content(tmp_path)
    for page in (ROOT / "content" / "pages").iterdir():  # the support page the editions link to
        shutil.copy(page, content / "pages")
    output = tmp_path / "output"
    builder = Builder(SETTINGS, content, output, tmp_path / "cache", ROOT)
    try:
        assert builder.start(), builder.last
        process = builder.process.pid
        article = next(content.glob("issues/2023-11-27/01-*.md"))
        slug = article.read_text("utf-8").split("Slug: ", 1)[1].split("\n", 1)[0]
        (page,) = [path for path in output.glob(f"**/{slug}/index.html") if not path.relative_to(output).parts[0] == "en"]
        before = page.read_text("utf-8")

        article.write_text(article.read_text("utf-8").rstrip("\n") + " Une première phrase ajoutée.\n", "utf-8")
        quick = []  # the page on disk when the process says its quick page is written, before the build
        assert builder.build([article], on_patched=lambda: quick.append(page.read_text("utf-8"))), builder.last
        assert len(quick) == 1 and "Une première phrase ajoutée." in quick[0] and quick[0] != before
        assert page.read_text("utf-8") == quick[0]  # the build wrote the very page the quick page showed
        edit(article, "Title: ", "Title: Retitré : ")  # the header: the title shows on other pages too
        assert builder.build([article], on_patched=lambda: quick.append("header")), builder.last
        assert quick == quick[:1] and builder.patched == 1  # no quick page: the whole build only
        assert builder.process.pid == process and builder.version == 3  # the same process built three times

        build(SETTINGS, content, tmp_path / "cold", {"CACHE_PATH": str(tmp_path / "nocache")}, stream=io.StringIO())
        warm, cold = without_search_index(fingerprint(output)), without_search_index(fingerprint(tmp_path / "cold"))
        differing = sorted(name for name in set(warm) | set(cold) if warm.get(name) != cold.get(name))
        assert warm == cold, "\n".join(
            "".join(difflib.unified_diff(
                (tmp_path / "cold" / name).read_text("utf-8").splitlines(True) if (tmp_path / "cold" / name).is_file() else [],
                (output / name).read_text("utf-8").splitlines(True) if (output / name).is_file() else [],
                f"cold/{name}", f"preview/{name}", n=1,
            ))
            for name in differing
        )
        assert not any(preview.SCRIPT_TAG in path.read_bytes() for path in output.rglob("*.html"))

        good = fingerprint(output)
        edit(article, "Date: 2023-11-27", "Date: le 27 novembre")  # a date no reader understands: the build fails
        assert not builder.build() and builder.last.startswith("failed")
        assert fingerprint(output) == good and builder.version == 3  # the last good site, still served
    finally:
        builder.stop()


def test_only_a_content_change_is_built_in_the_running_process(tmp_path):
    content = tmp_path / "content"
    assert not needs_restart(content / "issues" / "2023-11-20" / "01-x.md", content)
    assert not needs_restart(content / "tags.toml", content)
    for path in ("theme/templates/base.html", "plugins/issues.py", "cafetech/editions.py", "pelicanconf.py", "requirements.lock"):
        assert needs_restart(ROOT / path, content)


def test_the_reload_script_goes_before_the_end_of_the_body():
    assert with_reload_script(b"<html><body><p>x</p></body></html>") == b"<html><body><p>x</p>" + preview.SCRIPT_TAG + b"</body></html>"
    assert with_reload_script(b"<p>x</p>") == b"<p>x</p>" + preview.SCRIPT_TAG


def render(block: str) -> str:
    return f"<p>{block}</p>"


OLD_SOURCE = "Title: T\nSlug: t\n\nLe chapeau.\n\nUn paragraphe.\n\nUn autre.\n"
OLD_PAGE = "<head><title>T</title></head><div class=lede><p>Le chapeau.</p></div><p>Un paragraphe.</p>\n<p>Un autre.</p>"


def test_a_quick_page_puts_the_changed_paragraphs_in_place_of_the_old_ones():
    new_source = OLD_SOURCE.replace("Un autre.", "Un autre, plus long.")
    assert preview.patched_page(OLD_SOURCE, new_source, OLD_PAGE, render) == OLD_PAGE.replace("Un autre.", "Un autre, plus long.")
    both = new_source.replace("Un paragraphe.", "Un paragraphe revu.")
    assert preview.patched_page(OLD_SOURCE, both, OLD_PAGE, render) == OLD_PAGE.replace("Un autre.", "Un autre, plus long.").replace(
        "Un paragraphe.", "Un paragraphe revu."
    )


@pytest.mark.parametrize(
    "new_source, page",
    [
        (OLD_SOURCE, OLD_PAGE),  # nothing changed in the body
        (OLD_SOURCE.replace("Title: T", "Title: U").replace("Un autre.", "Deux."), OLD_PAGE),  # the header: other pages show it
        (OLD_SOURCE.replace("Le chapeau.", "Le chapeau revu."), OLD_PAGE),  # the lede: the description and the lists show it
        (OLD_SOURCE.replace("Un autre.", "Un autre.\n\nUn de plus."), OLD_PAGE),  # a paragraph more
        (OLD_SOURCE.replace("Un autre.", "Deux."), OLD_PAGE.replace("<p>Un autre.</p>", "<p class=x>Un autre.</p>")),  # not found
        (OLD_SOURCE.replace("Un autre.", "Deux."), OLD_PAGE + "<p>Un autre.</p>"),  # found twice
    ],
)
def test_a_quick_page_is_not_made_where_it_could_differ_from_the_build(new_source, page):
    assert preview.patched_page(OLD_SOURCE, new_source, page, render) is None


def test_a_tab_reloads_when_its_own_page_changed_or_a_new_build_process_started():
    assert preview.page_version(b"<p>x</p>", 1) == preview.page_version(b"<p>x</p>", 1)
    assert preview.page_version(b"<p>x</p>", 1) != preview.page_version(b"<p>y</p>", 1)
    assert preview.page_version(b"<p>x</p>", 1) != preview.page_version(b"<p>x</p>", 2)
    assert preview.page_version(None, 1) != preview.page_version(b"", 1)
    assert b"?page=" in preview.RELOAD_SCRIPT and b"location.pathname" in preview.RELOAD_SCRIPT


class Counter:
    version = 7
    restarts = 2


@pytest.mark.parametrize("with_preview", [True, False])
def test_the_dev_server_adds_the_reload_script_to_the_pages_it_serves_not_to_the_files(tmp_path, monkeypatch, with_preview):
    import tasks

    (tmp_path / "numero").mkdir()
    page = b'<html><head><meta http-equiv="Content-Security-Policy" content="script-src \'self\'"></head><body>x</body></html>'
    (tmp_path / "numero" / "index.html").write_bytes(page)
    (tmp_path / "style.css").write_bytes(b"body{}")
    (tmp_path / "404.html").write_bytes(b"<body>Page introuvable</body>")
    monkeypatch.setattr(tasks, "OUTPUT", tmp_path)
    server = tasks.start_server(0, "127.0.0.1", preview=Counter() if with_preview else None)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        served = urllib.request.urlopen(base + "/numero/", timeout=10).read()
        assert (preview.SCRIPT_TAG in served) is with_preview
        assert (tmp_path / "numero" / "index.html").read_bytes() == page  # the file itself never carries it
        assert urllib.request.urlopen(base + "/style.css", timeout=10).read() == b"body{}"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/nulle-part/", timeout=10)
        assert (preview.SCRIPT_TAG in missing.value.read()) is with_preview
        if with_preview:
            assert urllib.request.urlopen(base + preview.VERSION_PATH, timeout=10).read() == b"7"
            asked = base + preview.VERSION_PATH + "?page=%2Fnumero%2F"
            assert urllib.request.urlopen(asked, timeout=10).read().decode() == preview.page_version(page, 2)
            (tmp_path / "numero" / "index.html").write_bytes(page.replace(b"x", b"y"))
            assert urllib.request.urlopen(asked, timeout=10).read().decode() == preview.page_version(page.replace(b"x", b"y"), 2)
            script = urllib.request.urlopen(base + preview.SCRIPT_PATH, timeout=10)
            assert script.headers["Content-Type"].startswith("text/javascript") and b"location.reload()" in script.read()
        else:
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(base + preview.SCRIPT_PATH, timeout=10)
    finally:
        server.shutdown()
        server.server_close()
