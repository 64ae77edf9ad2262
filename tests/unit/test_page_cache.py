"""The page cache's canonical forms and its store (tier 1: no build)."""

from __future__ import annotations

import datetime as dt
import os

from markupsafe import Markup
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from build_speed import page_cache
from build_speed.page_cache import Canon, PageCache
from cafetech.files import hash_of


def article(title="Titre", text="<p>Texte.</p>", slug="titre"):
    settings = dict(DEFAULT_CONFIG)
    metadata = {"title": title, "date": dt.datetime(2023, 11, 20), "slug": slug}
    return Article(text, metadata=metadata, settings=settings, source_path=f"/site/{slug}.md", context={})


class Opaque:
    __slots__ = ()


def test_equal_values_have_equal_forms_in_two_builds():
    value = {"a": [1, 2.5, None, True], "b": (dt.date(2023, 11, 20), "x"), "c": {3, 1, 2}}
    assert hash_of(Canon().form(value)) == hash_of(Canon().form(dict(value)))


def test_forms_see_order_markup_and_every_item():
    canon = Canon()
    assert canon.form([1, 2]) != canon.form([2, 1])
    assert canon.form({"a": 1, "b": 2}) != canon.form({"b": 2, "a": 1})  # a template may list a dict
    assert canon.form(Markup("<b>x</b>")) != canon.form("<b>x</b>")  # rendered differently
    assert canon.form({"x": [1, {"y": 2}]}) != canon.form({"x": [1, {"y": 3}]})


def test_a_content_inside_a_value_is_its_identity_and_url():
    one, same = article(), article()
    canon = Canon()
    assert canon.form([one]) == Canon().form([same])
    assert canon.form([one]) != Canon().form([article(slug="autre")])


def test_a_content_digest_follows_its_text_and_its_metadata():
    digest = Canon().content_digest(article())
    assert Canon().content_digest(article()) == digest
    assert Canon().content_digest(article(text="<p>Autre texte.</p>")) != digest
    assert Canon().content_digest(article(title="Autre titre")) != digest


def test_a_value_with_no_canonical_form_never_matches_another_build():
    first, second = Canon(), Canon()
    assert first.form(Opaque()) != second.form(Opaque())
    assert first.unstable == second.unstable == 1


def test_lookup_tables_of_the_context_do_not_depend_on_their_order():
    canon = Canon()
    table = canon.name_digest("generated_content", {"a.md": 1, "b.md": 2})
    assert table == canon.name_digest("generated_content", {"b.md": 2, "a.md": 1})
    assert canon.name_digest("menu", {"a": 1, "b": 2}) != canon.name_digest("menu", {"b": 2, "a": 1})


def test_where_the_pages_go_is_not_what_they_say():
    canon = Canon()
    assert canon.settings_digest({"SITENAME": "x", "OUTPUT_PATH": "/a"}) == canon.settings_digest({"SITENAME": "x", "OUTPUT_PATH": "/b"})
    assert canon.settings_digest({"SITENAME": "x"}) != canon.settings_digest({"SITENAME": "y"})


def written(output, name, text):
    path = output / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return str(path)


def open_cache(tmp_path, contents, output, reuse=True, context=None):
    return PageCache.open(str(tmp_path / "cache"), str(output), "build", Canon(), contents, context or {"menu": ["a"]}, reuse=reuse)


def test_a_page_is_reused_only_while_what_it_read_is_unchanged(tmp_path):
    one, other = article(), article(slug="autre")
    first = tmp_path / "first"
    cache = open_cache(tmp_path, [one, other], first)
    static = cache.static_digest("titre/index.html", ("titre/index.html",), {"article": one})
    entry = cache.keep("titre/index.html", static, {id(one)}, {"menu"}, [written(first, "titre/index.html", "page 1")])
    cache.save({"titre/index.html": entry})

    second = tmp_path / "second"
    cache = open_cache(tmp_path, [article(), article(slug="autre", text="<p>Changé.</p>")], second)
    assert cache.try_reuse("titre/index.html", static) == [str(second / "titre" / "index.html")]
    assert (second / "titre" / "index.html").read_text("utf-8") == "page 1"
    assert cache.try_reuse("titre/index.html", "another static digest") is None

    changed = open_cache(tmp_path, [article(text="<p>Changé.</p>"), other], tmp_path / "third")
    assert changed.try_reuse("titre/index.html", static) is None
    assert open_cache(tmp_path, [one, other], tmp_path / "fourth", reuse=False).try_reuse("titre/index.html", static) is None
    # A context variable the page looked up, changed; one it did not look up, changed.
    menu = open_cache(tmp_path, [one, other], tmp_path / "fifth", context={"menu": ["a", "b"]})
    assert menu.try_reuse("titre/index.html", static) is None
    unread = open_cache(tmp_path, [one, other], tmp_path / "sixth", context={"menu": ["a"], "articles": [other]})
    assert unread.try_reuse("titre/index.html", static) is not None


def test_a_page_that_read_an_unknown_content_is_not_kept(tmp_path):
    cache = open_cache(tmp_path, [article()], tmp_path / "out")
    stranger = article(slug="inconnu")
    assert cache.keep("x.html", "static", {id(stranger)}, set(), [written(tmp_path / "out", "x.html", "x")]) is None


def test_rewriting_an_output_never_changes_a_kept_page(tmp_path):
    """The output holds hard links to the kept files: a page is replaced, never written into."""
    one = article()
    output = tmp_path / "out"
    cache = open_cache(tmp_path, [one], output)
    entry = cache.keep("p.html", "static", {id(one)}, set(), [written(output, "p.html", "old")])
    kept = tmp_path / "cache" / "objects" / f"{entry.fingerprint}.0"
    assert os.path.samefile(kept, output / "p.html")
    page_cache._replace_with_link(written(tmp_path, "new.html", "new"), str(output / "p.html"))
    assert kept.read_text("utf-8") == "old" and (output / "p.html").read_text("utf-8") == "new"


def test_saving_forgets_the_files_of_pages_no_longer_built(tmp_path):
    one = article()
    output = tmp_path / "out"
    cache = open_cache(tmp_path, [one], output)
    gone = cache.keep("gone.html", "static", {id(one)}, set(), [written(output, "gone.html", "x")])
    cache.save({"gone.html": gone})
    cache = open_cache(tmp_path, [one], output)
    cache.save({})
    assert os.listdir(tmp_path / "cache" / "objects") == []
