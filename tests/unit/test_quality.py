"""The quality gate's checks on a hand-made output folder."""

from __future__ import annotations

from cafetech.quality import broken_references, feed_problems, page_url, target_file


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_target_file_resolves_clean_urls(tmp_path):
    (tmp_path / "en" / "tag" / "x").mkdir(parents=True)
    assert target_file(tmp_path, "/en/", "/en/tag/x/") == tmp_path / "en/tag/x/index.html"
    assert target_file(tmp_path, "/en/tag/y/", "../x/") == tmp_path / "en/tag/x/index.html"
    assert target_file(tmp_path, "/", "theme/css/main.css#top") == tmp_path / "theme/css/main.css"
    assert target_file(tmp_path, "/", "https://example.org/") is None
    assert target_file(tmp_path, "/", "https://cafetech.test/a/", "https://cafetech.test") == tmp_path / "a/index.html"
    assert target_file(tmp_path, "/", "#contenu") is None
    assert target_file(tmp_path, "/", "mailto:a@b.fr") is None
    assert page_url(tmp_path, tmp_path / "en" / "index.html") == "/en/"


def test_broken_references_are_listed_with_their_page(tmp_path):
    write(tmp_path, "index.html", '<a href="/ok/">ok</a><a href="/missing/">x</a><link rel="stylesheet" href="/main.css">'
          '<link rel="alternate" hreflang="en" href="/en/"><img src="a.png" alt=""><a href="https://example.org/">out</a>')
    write(tmp_path, "ok/index.html", '<a href="../">home</a>')
    assert broken_references(tmp_path) == [
        "index.html: broken a /missing/",
        "index.html: broken link /main.css",
        "index.html: broken hreflang en /en/",
        "index.html: broken img a.png",
    ]


def test_feed_problems(tmp_path):
    write(tmp_path, "feeds/atom.xml", "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>")
    write(tmp_path, "feeds/empty.xml", "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>t</title></feed>")
    problems = feed_problems(tmp_path)
    assert len(problems) == 3
    assert problems[0].startswith("feeds/atom.xml: ") and problems[1] == "feeds/empty.xml: no entry"
    assert problems[2].startswith("feeds/empty.xml:1: not valid Atom (RFC 4287)")  # no id, no updated


def test_atom_feeds_are_checked_against_rfc_4287(tmp_path):
    entry = "<entry><id>https://a.test/x/</id><title>x</title><updated>2023-11-20T00:00:00Z</updated></entry>"
    head = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>https://a.test/</id><title>t</title>'
    write(tmp_path, "good.atom.xml", head + "<updated>2023-11-20T00:00:00Z</updated>" + entry + "</feed>")
    write(tmp_path, "no-updated.atom.xml", head + entry + "</feed>")
    write(tmp_path, "bad-date.atom.xml", head + "<updated>hier</updated>" + entry + "</feed>")
    problems = feed_problems(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["bad-date.atom.xml", "no-updated.atom.xml"]
    assert all("not valid Atom (RFC 4287)" in p for p in problems)
