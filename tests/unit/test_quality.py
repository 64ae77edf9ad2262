"""The quality gate's checks on a hand-made output folder."""

from __future__ import annotations

from cafetech_dev.quality import (
    broken_references,
    canonical_problems,
    feed_id_problems,
    feed_problems,
    foreign_text_problems,
    hreflang_problems,
    leaked_code_problems,
    page_url,
    source_image_alts,
    target_file,
    unmarked_foreign_problems,
)


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



def page(head="", body="", lang="fr"):
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title>{head}</head><body>{body}</body></html>'


def atom(feed_id, alternate="/", extra=""):
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><id>{feed_id}</id><title>t</title>'
            f'<link href="{alternate}" rel="alternate"/>{extra}</feed>')


def test_a_python_repr_in_a_page_a_feed_or_json_is_reported_with_a_short_excerpt(tmp_path):
    write(tmp_path, "en/2023/11/x/index.html", page(body="<h1>&lt;built-in method title of str object at 0x7f3a2b&gt;</h1>"))
    write(tmp_path, "feeds/atom.xml", atom("a", extra="<entry><content type='html'>&lt;p&gt;&amp;lt;function f at 0x1&amp;gt;&lt;/p&gt;</content></entry>"))
    write(tmp_path, "data.json", '{"title": "<bound method Article.title of <Article object at 0x10>>"}')
    assert leaked_code_problems(tmp_path) == [
        "data.json: Python repr in the file: '<bound method Article.title of <Article object at 0x…>>'",
        "en/2023/11/x/index.html: Python repr in the page: '<built-in method title of str object at 0x…>'",
        "feeds/atom.xml: Python repr in the file: '<function f at 0x…>'",
    ]


def test_unrendered_template_syntax_in_text_or_attributes_is_reported(tmp_path):
    write(tmp_path, "index.html", page(body='<p>{{ article.title }}</p><a href="/" title="{% trans %}x">y</a><p>fin %}</p>'))
    write(tmp_path, "feeds/atom.xml", atom("a", extra="<subtitle>{{ SITESUBTITLE }}</subtitle>"))
    write(tmp_path, "search.json", '{"a": "{% if x %}"}')
    assert leaked_code_problems(tmp_path) == [
        "feeds/atom.xml: template syntax in the file: '{{ SITESUBTITLE }}'",
        "index.html: template syntax in the page: '{{ article.title }}'",
        "index.html: template syntax in the page: 'fin %}'",
        "index.html: template syntax in the page: '{% trans %}'",
        "search.json: template syntax in the file: '{% if x %}'",
    ]


def test_json_scripts_styles_code_samples_and_pagefind_are_not_leaks(tmp_path):
    sample = "<pre><code>&gt;&gt;&gt; print(str.title)\n&lt;method 'title' of 'str' objects&gt;\n&lt;function f at 0x7f&gt; {{ x }}</code></pre>"
    write(tmp_path, "index.html", page(
        head='<script type="application/ld+json">{"a": {"b": {"c": 1}}}</script><style>@media print{a{color:red}}</style>',
        body=f"<p>Des accolades {{ et }} seules.</p>{sample}<!-- {{{{ commentaire }}}} -->"))
    write(tmp_path, "feeds/atom.xml", atom("a", extra=f"<entry><content type='html'>{sample.replace('&', '&amp;').replace('<', '&lt;')}</content></entry>"))
    write(tmp_path, "data.json", '{"a": {"b": {"c": "}}"}}}')
    write(tmp_path, "pagefind/pagefind-entry.json", '{"x": "<function f at 0x1>"}')
    assert leaked_code_problems(tmp_path) == []


def test_feeds_sharing_an_atom_id_are_reported_after_the_first(tmp_path):
    write(tmp_path, "index.html", page())
    write(tmp_path, "feeds/atom.xml", atom("https://a.test/"))
    write(tmp_path, "feeds/tag/x.atom.xml", atom("https://a.test/"))
    write(tmp_path, "en/feeds/atom.xml", atom("https://a.test/en/"))
    assert feed_id_problems(tmp_path) == ["feeds/tag/x.atom.xml: feed id https://a.test/ is also the id of feeds/atom.xml"]


def test_a_feed_alternate_link_must_be_an_html_page_of_the_site(tmp_path):
    write(tmp_path, "index.html", page())
    write(tmp_path, "tag/x/index.html", page())
    write(tmp_path, "feeds/atom.xml", atom("1", "https://a.test/"))
    write(tmp_path, "feeds/tag/x.atom.xml", atom("2", "https://a.test/tag/x/"))
    write(tmp_path, "feeds/tag/y.atom.xml", atom("3", "https://a.test/tag/y/"))
    write(tmp_path, "feeds/self.atom.xml", atom("4", "/feeds/self.atom.xml"))
    write(tmp_path, "feeds/out.atom.xml", atom("5", "https://example.org/"))
    write(tmp_path, "feeds/rss.xml", '<rss version="2.0"><channel><title>t</title><link>https://a.test/numeros/</link></channel></rss>')
    write(tmp_path, "sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/nowhere/</loc></url></urlset>')
    assert feed_id_problems(tmp_path, "https://a.test") == [
        "feeds/rss.xml: alternate link https://a.test/numeros/ has no page",
        "feeds/self.atom.xml: alternate link /feeds/self.atom.xml is not an HTML page",
        "feeds/tag/y.atom.xml: alternate link https://a.test/tag/y/ has no page",
    ]


def hreflang(fr, en, default=None):
    links = f'<link rel="alternate" hreflang="fr" href="{fr}"><link rel="alternate" hreflang="en" href="{en}">'
    return links + (f'<link rel="alternate" hreflang="x-default" href="{default}">' if default else "")


def test_hreflang_alternates_must_exist_and_point_back(tmp_path):
    write(tmp_path, "tag/index.html", page())  # no hreflang at all
    write(tmp_path, "en/tag/index.html", page(hreflang("/tag/", "/en/tag/", default="/tag/"), lang="en"))
    write(tmp_path, "numeros/index.html", page(hreflang("/numeros/", "/en/issues/")))
    write(tmp_path, "a-propos/index.html", page(hreflang("/a-propos/", "https://a.test/en/about/")))
    write(tmp_path, "recherche/index.html", page(hreflang("/recherche/", "https://example.org/en/search/")))
    assert hreflang_problems(tmp_path, "https://a.test") == [
        "a-propos/index.html: hreflang en points to https://a.test/en/about/ which does not exist",
        "en/tag/index.html: hreflang fr points to /tag/ which does not point back",
        "numeros/index.html: hreflang en points to /en/issues/ which does not exist",
        "recherche/index.html: hreflang en points out of the site: https://example.org/en/search/",
    ]


def test_reciprocal_hreflang_alternates_pass_whatever_the_url_form(tmp_path):
    write(tmp_path, "tag/index.html", page(hreflang("/tag/", "https://a.test/en/tag/index.html", default="/tag/")))
    write(tmp_path, "en/tag/index.html", page(hreflang("https://a.test/tag/", "./"), lang="en"))
    write(tmp_path, "404.html", page(hreflang("/404.html", "/en/404.html")))
    write(tmp_path, "en/404.html", page(hreflang("../404.html", "/en/404.html"), lang="en"))
    assert hreflang_problems(tmp_path, "https://a.test") == []


def test_an_indexable_page_has_one_canonical_link_to_itself(tmp_path):
    canonical = '<link rel="canonical" href="{}">'.format
    write(tmp_path, "index.html", page(canonical("https://a.test/")))
    write(tmp_path, "en/index.html", page(canonical("https://a.test/en/index.html"), lang="en"))
    write(tmp_path, "tag/index.html", page())
    write(tmp_path, "tag/x/index.html", page(canonical("/tag/x/") + canonical("/tag/x/")))
    write(tmp_path, "tag/y/index.html", page(canonical("https://a.test/tag/x/")))
    write(tmp_path, "2023/a/index.html", page(canonical("https://example.org/2023/a/")))
    assert canonical_problems(tmp_path, "https://a.test") == [
        "2023/a/index.html: canonical https://example.org/2023/a/ is not this page (/2023/a/)",
        "tag/index.html: no canonical link",
        "tag/x/index.html: 2 canonical links",
        "tag/y/index.html: canonical https://a.test/tag/x/ is not this page (/tag/y/)",
    ]


def test_error_pages_noindex_pages_and_pagefind_need_no_canonical_link(tmp_path):
    write(tmp_path, "404.html", page())
    write(tmp_path, "en/404.html", page(lang="en"))
    write(tmp_path, "brouillon/index.html", page('<meta name="Robots" content="NoIndex, follow">'))
    write(tmp_path, "pagefind/fragment.html", "<p>x</p>")
    assert canonical_problems(tmp_path) == []


FRENCH = {"en": ["L’actualité tech décryptée, chaque semaine", "Intelligence artificielle", "Numéros"]}
PREFIXES = {"fr": "", "en": "en/"}


def test_french_site_texts_in_english_pages_are_reported(tmp_path):
    write(tmp_path, "en/index.html", page(
        '<meta name="description" content="L\'actualité tech  décryptée, chaque\u202fsemaine">',
        '<nav><a href="/en/issues/">Numéros</a></nav><h1>Intelligence <em>artificielle</em></h1>', lang="en"))
    write(tmp_path, "en/tag/x/index.html", page(body="<p>Tagged</p>", lang="fr"))
    write(tmp_path, "index.html", page(body="<a href='/numeros/'>Numéros</a><p>Intelligence artificielle</p>"))
    assert foreign_text_problems(tmp_path, PREFIXES, FRENCH) == [
        "en/index.html: foreign text 'L’actualité tech décryptée, chaque semaine' (not in an element of another lang)",
        "en/index.html: foreign text 'Intelligence artificielle' (not in an element of another lang)",
        "en/index.html: foreign text 'Numéros' (not in an element of another lang)",
        "en/tag/x/index.html: the page declares lang='fr', not 'en'",
    ]


def test_islands_of_another_lang_scripts_and_separate_texts_are_not_foreign_text(tmp_path):
    write(tmp_path, "en/index.html", page(
        '<script>const label = "Numéros";</script>',
        '<p lang="fr">L’actualité tech décryptée, chaque semaine</p>'
        '<a href="/" hreflang="fr" lang="fr" title="Numéros">Français</a>'
        '<blockquote lang="fr-FR"><p>Intelligence artificielle</p></blockquote>'
        '<p lang="en-GB">Artificial intelligence</p><p>Intelligence</p><p lang="fr">artificielle</p>', lang="en"))
    write(tmp_path, "pagefind/en/fragment.html", "Numéros")
    assert foreign_text_problems(tmp_path, PREFIXES, FRENCH) == []


def test_a_feed_is_checked_on_its_own_metadata_not_on_its_entries_html(tmp_path):
    entry = ("<entry><title>OpenAI</title><category term='intelligence-artificielle' label='Intelligence artificielle'/>"
             "<content type='html'>&lt;p&gt;Numéros&lt;/p&gt;</content></entry>")
    write(tmp_path, "en/feeds/atom.xml", atom("1", extra="<subtitle>L’actualité tech décryptée, chaque semaine</subtitle>" + entry))
    write(tmp_path, "en/feeds/rss.xml", '<rss version="2.0"><channel><title>Numéros</title><link>/</link><language>fr</language>'
          "<item><title>x</title><description>Intelligence artificielle</description></item></channel></rss>")
    write(tmp_path, "en/feeds/good.atom.xml", atom("2", extra="<subtitle>Tech news</subtitle><entry><title xml:lang='fr'>Numéros</title>"
          "<content type='html'>Intelligence artificielle</content></entry>"))
    assert foreign_text_problems(tmp_path, PREFIXES, FRENCH) == [
        "en/feeds/atom.xml: foreign text 'L’actualité tech décryptée, chaque semaine' in the feed's subtitle",
        "en/feeds/atom.xml: foreign text 'Intelligence artificielle' in the feed's entry category",
        "en/feeds/rss.xml: the feed declares language 'fr', not 'en'",
        "en/feeds/rss.xml: foreign text 'Numéros' in the feed's title",
    ]


def test_a_page_wider_than_320_px_is_a_reflow_problem(tmp_path, browser):
    from cafetech_dev.quality import reflow_problems, serve_folder

    (tmp_path / "wide").mkdir()
    (tmp_path / "narrow").mkdir()
    (tmp_path / "wide" / "index.html").write_text('<!DOCTYPE html><meta name="viewport" content="width=device-width"><body style="margin:0"><div style="width:371px">x</div>', "utf-8")
    (tmp_path / "narrow" / "index.html").write_text('<!DOCTYPE html><meta name="viewport" content="width=device-width"><p>x</p>', "utf-8")
    server, base = serve_folder(tmp_path)
    try:
        assert reflow_problems(base, ["/wide/", "/narrow/"], browser) == [
            "/wide/: 371 px wide in a 320 px window: it scrolls sideways (WCAG 1.4.10)"
        ]
    finally:
        server.shutdown()


def test_a_page_is_checked_at_its_public_address_with_its_real_stylesheet(tmp_path, browser):
    """A publish build links its CSS absolutely (https://<site>/theme/…): the checks must get it from the build."""
    from cafetech_dev.quality import SiteBrowser, reflow_problems

    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "main.css").write_text("img { max-width: 100%; }", "utf-8")
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><meta name="viewport" content="width=device-width">'
        '<link rel="stylesheet" href="https://news.example.org/theme/main.css">'
        '<body style="margin:0"><img src="https://news.example.org/wide.svg" width="640" height="10" alt="">',
        "utf-8",
    )
    (tmp_path / "wide.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="10"/>', "utf-8")
    site = SiteBrowser(browser, tmp_path, "https://news.example.org")
    assert reflow_problems(site.site_url, ["/"], site) == []
    assert site.foreign_problems() == []
    unstyled = SiteBrowser(browser, tmp_path, "https://elsewhere.example.org")  # as the check served it before
    assert reflow_problems(unstyled.site_url, ["/"], unstyled) == ["/: 640 px wide in a 320 px window: it scrolls sideways (WCAG 1.4.10)"]


def test_a_page_that_loads_an_asset_from_another_host_is_a_problem(tmp_path, browser):
    from cafetech_dev.quality import SiteBrowser, reflow_problems

    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "index.html").write_text(
        '<!DOCTYPE html><link rel="stylesheet" href="https://cdn.example.com/font.css"><p>x</p>', "utf-8"
    )
    site = SiteBrowser(browser, tmp_path, "https://news.example.org/")
    reflow_problems(site.site_url, ["/x/"], site)
    assert site.foreign_problems() == [
        "/x/: loads https://cdn.example.com/font.css from outside the site (https://news.example.org); serve it from the site"
    ]


def test_the_site_browser_maps_addresses_to_files_as_github_pages_does(tmp_path):
    from cafetech_dev.quality import SiteBrowser

    (tmp_path / "en" / "tag").mkdir(parents=True)
    (tmp_path / "en" / "index.html").write_text("x", "utf-8")
    (tmp_path / "en" / "tag" / "a b.html").write_text("x", "utf-8")
    site = SiteBrowser(None, tmp_path, "https://u.github.io/cafetech/")
    assert site.file_for("https://u.github.io/cafetech/en/") == tmp_path / "en" / "index.html"
    assert site.file_for("https://u.github.io/cafetech/en") == tmp_path / "en" / "index.html"
    assert site.file_for("https://u.github.io/cafetech/en/tag/a%20b.html?x=1") == tmp_path / "en" / "tag" / "a b.html"
    assert site.file_for("https://u.github.io/cafetech/nowhere.css") is None
    assert site.file_for("https://u.github.io/cafetech/../../etc/passwd") is None


def test_a_site_a_web_server_cannot_read_is_a_problem(tmp_path):
    from cafetech_dev.quality import unreadable_problems

    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("x", "utf-8")
    (site / "en" / "index.html").write_text("x", "utf-8")
    for path, mode in ((site, 0o755), (site / "en", 0o755), (site / "index.html", 0o644), (site / "en" / "index.html", 0o644)):
        path.chmod(mode)
    assert unreadable_problems(site) == []
    site.chmod(0o700)
    (site / "en" / "index.html").chmod(0o600)
    assert unreadable_problems(site) == [
        ".: mode 0700: a web server's user cannot read it (every page under it answers 403)",
        "en/index.html: mode 0600: a web server's user cannot read it (every page under it answers 403)",
    ]


FRENCH_ALT = "Une fusée au décollage"


def test_a_link_from_an_english_page_to_a_french_page_without_hreflang_and_lang_is_reported(tmp_path):
    write(tmp_path, "2023/12/bruxelles/index.html", page(body="<h1>Bruxelles</h1>"))
    write(tmp_path, "tag/ia/index.html", page(body="<h1>IA</h1>"))
    write(tmp_path, "en/2023/12/x/index.html", page(lang="en", body=(
        '<a rel="next" href="/2023/12/bruxelles/">Bruxelles trouve un accord →</a>'
        '<a href="/2023/12/bruxelles/" hreflang="fr">Bruxelles</a>'
        '<a href="/2023/12/bruxelles/" hreflang="fr" lang="fr">Bruxelles trouve un accord</a>'
        '<article lang="fr"><a href="/tag/ia/" hreflang="fr">IA</a></article>'
        '<a href="/en/2023/12/x/">here</a><a href="/feeds/atom.xml">Atom</a><a href="https://example.org/">out</a>')))
    assert unmarked_foreign_problems(tmp_path, PREFIXES, "fr", []) == [
        'en/2023/12/x/index.html: the link to /2023/12/bruxelles/ (fr) lacks hreflang="fr" lang="fr": \'Bruxelles trouve un accord →\'',
        'en/2023/12/x/index.html: the link to /2023/12/bruxelles/ (fr) lacks hreflang="fr" lang="fr": \'Bruxelles\'',
    ]


def test_an_untranslated_french_alt_text_on_an_english_page_or_feed_is_reported_unless_marked(tmp_path):
    write(tmp_path, "index.html", page(body=f'<img src="/a.jpg" alt="{FRENCH_ALT}">'))
    write(tmp_path, "en/a/index.html", page(lang="en", head=f'<meta property="og:image:alt" content="{FRENCH_ALT}">',
                                            body=f'<img src="/a.jpg" alt="{FRENCH_ALT}"><img src="/b.jpg" alt="A rocket">'))
    write(tmp_path, "en/b/index.html", page(lang="en", head=f'<meta property="og:image:alt" content="{FRENCH_ALT}" lang="fr">',
                                            body=f'<img src="/a.jpg" alt="{FRENCH_ALT}" lang="fr"><p lang="fr"><img src="/a.jpg" alt="{FRENCH_ALT}"></p>'))
    entry = "<entry><title>{}</title><content type='html'>&lt;img src='a.jpg' alt='{}'{}&gt;</content></entry>"
    write(tmp_path, "en/feeds/atom.xml", atom("1", extra=entry.format("Unmarked", FRENCH_ALT, "") + entry.format("Marked", FRENCH_ALT, " lang='fr'")))
    assert unmarked_foreign_problems(tmp_path, PREFIXES, "fr", [FRENCH_ALT]) == [
        "en/a/index.html: the alt text 'Une fusée au décollage' (og:image:alt) is not marked lang=\"…\"",
        "en/a/index.html: the alt text 'Une fusée au décollage' (img) is not marked lang=\"…\"",
        "en/feeds/atom.xml: the entry 'Unmarked' shows the alt text 'Une fusée au décollage' (img) unmarked (xml:lang or lang=\"…\")",
    ]


def test_the_source_alt_texts_are_read_from_the_articles_except_those_translated_as_the_same_words(tmp_path):
    write(tmp_path, "issues/d/01-a.md", f"Title: A\nImage: a.jpg\nImage_alt: {FRENCH_ALT}\n\nImage_alt: not metadata\n")
    write(tmp_path, "issues/d/02-b.md", "Title: B\nImage_alt: Sam Altman\n\nTexte.\n")
    write(tmp_path, "issues/d/02-b.en.po", 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          'msgctxt "image_alt"\nmsgid "Sam Altman"\nmsgstr "Sam Altman"\n')
    assert source_image_alts(tmp_path) == [FRENCH_ALT]
