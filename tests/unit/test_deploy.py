"""The removal guard on its own: what a deploy would take off the live site."""

from __future__ import annotations

from cafetech.deploy import (
    aged_out,
    feed_entries,
    normal_address,
    removals,
    sitemap_pages,
    tree_pages,
    withdrawn_pages,
)


def atom(*entries: tuple[str, str]) -> bytes:
    body = "".join(f"<entry><id>{ident}</id><updated>{when}</updated><published>{when}</published></entry>" for ident, when in entries)
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id>{body}</feed>'.encode()


A = ("https://x.org/2023/11/a/", "2023-11-20T07:00:00+01:00")
B = ("https://x.org/2023/11/b/", "2023-11-20T07:01:00+01:00")
C = ("https://x.org/2023/11/c/", "2023-11-27T07:00:00+01:00")


def test_the_pages_of_a_site_are_its_html_pages_and_feeds_by_address():
    files = ["index.html", "404.html", "en/404.html", "2023/11/a/index.html", "feeds/atom.xml", "sitemap.xml", "photos/a.jpg", "x.html"]
    assert tree_pages(files) == {"/", "/2023/11/a/", "/feeds/atom.xml", "/x.html"}


def test_a_page_missing_from_the_new_site_is_a_removal_unless_the_editor_named_it():
    live, new = {"/", "/2023/11/a/", "/en/2023/11/a/"}, {"/"}
    assert removals(live, new, {}, {}).pages == ("/2023/11/a/", "/en/2023/11/a/")
    assert removals(live, new, {}, {}, ["https://x.org/2023/11/a/", "en/2023/11/a/index.html"]).pages == ()
    assert not removals(live, live | {"/new/"}, {}, {})


def test_a_feed_entry_that_disappears_is_a_removal_but_one_that_aged_out_of_a_full_feed_is_not():
    live = {"/feeds/atom.xml": atom(C, B, A)}
    assert removals(set(), set(), live, {"/feeds/atom.xml": atom(C, A)}).entries == ("/feeds/atom.xml: https://x.org/2023/11/b/",)
    full = {"/feeds/atom.xml": atom(("https://x.org/2023/12/d/", "2023-12-04T07:00:00+01:00"), C, B)}
    assert removals(set(), set(), live, full, feed_size=3).entries == ()  # A, the oldest, made room in a full feed
    assert removals(set(), set(), live, full).entries == ("/feeds/atom.xml: https://x.org/2023/11/a/",)
    assert removals(set(), set(), live, {"/feeds/atom.xml": atom(C, B)}, feed_size=3).entries == ("/feeds/atom.xml: https://x.org/2023/11/a/",)
    assert removals(set(), set(), live, {"/feeds/atom.xml": atom(C, A)}, ["/2023/11/b/"]).entries == ()
    assert removals(set(), set(), live, {}).entries == ()  # the feed itself is a page, reported as one


def test_the_lines_name_each_address():
    found = removals({"/a/"}, set(), {"/feeds/atom.xml": atom(B)}, {"/feeds/atom.xml": atom(C)})
    assert found.lines() == [
        "/a/: this live page would disappear",
        "/feeds/atom.xml: https://x.org/2023/11/b/: this feed entry would disappear",
    ]


def test_rss_items_are_entries_too():
    rss = (
        b"<rss><channel><item><guid>https://x.org/a/</guid><pubDate>Mon, 20 Nov 2023 07:00:00 +0100</pubDate></item>"
        b"</channel></rss>"
    )
    (ident, when), = feed_entries(rss).items()
    assert ident == "https://x.org/a/" and when.year == 2023


def test_an_entry_without_a_date_never_counts_as_aged_out():
    assert not aged_out(None, {"x": None}, 1)
    assert not aged_out(None, feed_entries(atom(C)), 1)
    assert aged_out(feed_entries(atom(A))[A[0]], feed_entries(atom(C)), 1)


def test_a_sitemap_gives_paths_under_the_site_address():
    data = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://u.github.io/cafe/</loc></url>'
        b"<url><loc>https://u.github.io/cafe/en/2023/11/a/</loc></url></urlset>"
    )
    assert sitemap_pages(data, "https://u.github.io/cafe") == {"/", "/en/2023/11/a/"}


def test_the_withdrawn_file_lists_addresses_with_comments(tmp_path):
    assert withdrawn_pages(tmp_path) == set()
    (tmp_path / "withdrawn.txt").write_text("# taken down on purpose\n/2023/11/a/  # a mistake\n\nhttps://x.org/en/b/index.html\n", "utf-8")
    assert withdrawn_pages(tmp_path) == {"/2023/11/a/", "/en/b/"}
    assert normal_address("en/b/") == "/en/b/"


def test_the_live_site_is_read_from_its_sitemap_and_feeds_and_a_site_without_one_is_a_first_deploy(tmp_path):
    from cafetech.deploy import LiveSiteError, live_from_web
    from support import serve

    server, base = serve(tmp_path)
    try:
        assert live_from_web(base, ["/feeds/atom.xml"]) is None
        (tmp_path / "sitemap.xml").write_text(
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/2023/11/a/</loc></url></urlset>', "utf-8"
        )
        (tmp_path / "feeds").mkdir()
        (tmp_path / "feeds" / "atom.xml").write_bytes(atom(A))
        live = live_from_web(base, ["/feeds/atom.xml", "/en/feeds/atom.xml"])
        assert live.pages == {"/2023/11/a/"} and set(live.feeds) == {"/feeds/atom.xml"}
        (tmp_path / "sitemap.xml").write_text("not xml", "utf-8")
        try:
            live_from_web(base, [])
        except LiveSiteError as error:
            assert str(error).startswith(f"{base}/sitemap.xml: not a sitemap")
        else:
            raise AssertionError("a broken sitemap must stop the deploy")
    finally:
        server.shutdown()


def test_an_unreachable_live_site_stops_the_deploy_in_one_line():
    import pytest

    from cafetech.deploy import LiveSiteError, live_from_web

    with pytest.raises(LiveSiteError, match=r"^http://127\.0\.0\.1:9/sitemap\.xml: "):
        live_from_web("http://127.0.0.1:9", [], timeout=5)


def test_the_deployed_branch_is_the_live_site_and_a_remote_without_it_is_a_first_deploy(tmp_path):
    import subprocess

    from cafetech.deploy import live_from_branch

    def git(*args, cwd=tmp_path / "repo"):
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)

    (tmp_path / "repo").mkdir()
    git("init", "-q", "--bare", str(tmp_path / "pages.git"), cwd=tmp_path)
    git("init", "-q", "-b", "gh-pages")
    git("remote", "add", "pages", str(tmp_path / "pages.git"))
    assert live_from_branch(tmp_path / "repo", "pages", "gh-pages") is None
    (tmp_path / "repo" / "feeds").mkdir()
    (tmp_path / "repo" / "feeds" / "atom.xml").write_bytes(atom(A))
    (tmp_path / "repo" / "index.html").write_text("x", "utf-8")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "site")
    git("push", "-q", "pages", "gh-pages")
    live = live_from_branch(tmp_path / "repo", "pages", "gh-pages")
    assert live.pages == {"/", "/feeds/atom.xml"} and live.feeds == {"/feeds/atom.xml": atom(A)}
