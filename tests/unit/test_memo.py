"""The memo of costly pure functions kept between development builds (tier 1)."""

from __future__ import annotations

from cafetech.memo import Memo, memo_path


def counting(calls: list, value):
    def compute():
        calls.append(value)
        return value

    return compute


def test_a_result_is_computed_once_and_kept_for_the_next_build(tmp_path):
    path = str(tmp_path / "memo" / "m.pickle")
    calls: list = []
    memo = Memo().open(path)
    assert memo.get(("html", "fr", "x"), counting(calls, "X")) == "X"
    assert memo.get(("html", "fr", "x"), counting(calls, "other")) == "X"
    memo.save()
    assert calls == ["X"]
    again = Memo().open(path)
    assert again.get(("html", "fr", "x"), counting(calls, "other")) == "X" and calls == ["X"]
    assert again.get(("html", "en", "x"), counting(calls, "Y")) == "Y" and calls == ["X", "Y"]  # another key


def test_only_the_results_a_build_used_are_kept(tmp_path):
    path = str(tmp_path / "m.pickle")
    memo = Memo().open(path)
    memo.get(("a",), lambda: 1)
    memo.get(("b",), lambda: 2)
    memo.save()
    memo = Memo().open(path)
    memo.get(("b",), lambda: 20)
    memo.save()
    memo = Memo().open(path)
    assert memo.get(("a",), lambda: 10) == 10 and memo.get(("b",), lambda: 20) == 2


def test_an_unchanged_memo_is_not_written_again(tmp_path):
    path = tmp_path / "m.pickle"
    memo = Memo().open(str(path))
    memo.get(("a",), lambda: [])  # a falsy result is a result too
    memo.save()
    before = path.stat().st_mtime_ns
    memo = Memo().open(str(path))
    assert memo.get(("a",), lambda: ["computed"]) == [] and memo.computed == 0
    memo.save()
    assert path.stat().st_mtime_ns == before


def test_without_a_path_a_memo_lasts_one_build_and_an_unreadable_file_is_no_memo(tmp_path):
    calls: list = []
    memo = Memo().open(None)
    memo.get(("a",), counting(calls, 1))
    memo.get(("a",), counting(calls, 1))
    memo.save()
    assert calls == [1] and not list(tmp_path.iterdir())
    assert Memo().open(None).get(("a",), counting(calls, 2)) == 2
    broken = tmp_path / "m.pickle"
    broken.write_bytes(b"not a pickle")
    assert Memo().open(str(broken)).get(("a",), lambda: "fresh") == "fresh"
    assert Memo().open(str(broken), load=False).old == {}


def test_the_memo_lives_in_the_content_cache_only():
    assert memo_path({"CACHE_CONTENT": True, "CACHE_PATH": "/c"}, "tags") == "/c/memo/tags.pickle"
    assert memo_path({"CACHE_CONTENT": False, "CACHE_PATH": "/c"}, "tags") is None


def test_prepared_results_are_used_when_asked_for_and_only_then_kept(tmp_path):
    from cafetech import memo as memo_module

    path = str(tmp_path / "m.pickle")
    calls: list = []
    worker = Memo().open(None)  # another process's memo, say
    worker.prepare(("a",), counting(calls, "A"))
    worker.prepare(("b",), counting(calls, "B"))
    worker.prepare(("a",), counting(calls, "again"))
    assert calls == ["A", "B"]
    here = memo_module.named("test-prepared").open(path)
    memo_module.MEMOS["test-prepared-worker"] = worker
    try:
        memo_module.add_prepared({"test-prepared": memo_module.take_prepared()["test-prepared-worker"]})
        assert worker.prepared == {}  # sent once
        assert here.get(("a",), counting(calls, "computed")) == "A" and here.computed == 0
        here.save()
        assert Memo().open(path).old == {key: "A" for key in here.new}  # "b" was never asked for
    finally:
        memo_module.MEMOS.pop("test-prepared", None)
        memo_module.MEMOS.pop("test-prepared-worker", None)


def test_a_failing_preparer_prepares_nothing_and_breaks_nothing():
    from cafetech import memo as memo_module

    seen = []

    def failing(content, metadata, settings):
        raise ValueError("boom")

    def noting(content, metadata, settings):
        seen.append(metadata["title"])

    saved = list(memo_module.PREPARERS)
    memo_module.PREPARERS[:] = [failing, noting]
    try:
        memo_module.prepare("<p>x</p>", {"title": "T"}, {})
    finally:
        memo_module.PREPARERS[:] = saved
    assert seen == ["T"]


def test_a_memo_written_by_other_code_is_not_read(tmp_path, monkeypatch):
    from cafetech import memo as memo_module

    path = str(tmp_path / "m.pickle")
    memo = Memo().open(path)
    memo.get(("html", "x"), lambda: "typeset by this code")
    memo.save()
    assert Memo().open(path).get(("html", "x"), lambda: "computed") == "typeset by this code"
    monkeypatch.setattr(memo_module, "code_digest", lambda: "other code")  # a plugin was edited, say
    again = Memo().open(path)
    assert again.old == {} and again.get(("html", "x"), lambda: "computed") == "computed"
