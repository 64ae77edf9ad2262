"""The memo of costly pure functions (cafetech/memo.py), and build_speed's keeping of it between
development builds (plugins/build_speed/memo_store.py) (tier 1)."""

from __future__ import annotations

import pytest

from build_speed import memo_store
from cafetech import memo as memo_module
from cafetech.memo import Memo


def counting(calls: list, value):
    def compute():
        calls.append(value)
        return value

    return compute


@pytest.fixture
def only_memo(monkeypatch):
    """One memo named "m" as the only memo of the process, for the store's functions."""
    monkeypatch.setattr(memo_module, "MEMOS", {})
    return memo_module.named("m")


def settings(tmp_path, load=True) -> dict:
    return {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": load, "CACHE_PATH": str(tmp_path)}


def test_a_result_asked_for_twice_is_computed_once():
    calls: list = []
    memo = Memo().start()
    assert memo.get(("html", "fr", "x"), counting(calls, "X")) == "X"
    assert memo.get(("html", "fr", "x"), counting(calls, "other")) == "X"
    assert memo.get(("html", "en", "x"), counting(calls, "Y")) == "Y"  # another key
    assert calls == ["X", "Y"] and memo.computed == 2


def test_a_process_keeps_the_results_of_its_last_build_only():
    memo = Memo().start()
    memo.get(("a",), lambda: 1)
    memo.start()  # the next build
    memo.get(("b",), lambda: 2)
    assert memo.get(("a",), lambda: 10) == 1 and memo.computed == 1
    memo.start()
    memo.start()  # a build that asked for nothing keeps what it knew
    assert memo.get(("b",), lambda: 20) == 2 and memo.get(("a",), lambda: 10) == 1
    memo.start()
    memo.start({})  # known results given: those only
    assert memo.get(("a",), lambda: 10) == 10


def test_a_result_is_kept_for_the_next_build_with_the_content_cache(tmp_path, only_memo):
    calls: list = []
    memo_store.open_all(settings(tmp_path))
    only_memo.get(("html", "x"), counting(calls, "X"))
    memo_store.save_all()
    only_memo.new, only_memo.old = {}, {}  # a new process
    memo_store.open_all(settings(tmp_path))
    assert only_memo.get(("html", "x"), counting(calls, "other")) == "X" and calls == ["X"]
    memo_store.open_all(settings(tmp_path, load=False))  # Pelican's LOAD_CONTENT_CACHE off: nothing taken
    assert only_memo.get(("html", "x"), counting(calls, "again")) == "again"


def test_only_the_results_a_build_used_are_kept_and_an_unchanged_memo_is_not_written(tmp_path, only_memo):
    path = tmp_path / "memo" / "m.pickle"
    memo_store.open_all(settings(tmp_path))
    only_memo.get(("a",), lambda: [])  # a falsy result is a result too
    only_memo.get(("b",), lambda: 2)
    memo_store.save_all()
    memo_store.open_all(settings(tmp_path))
    only_memo.get(("b",), lambda: 20)
    memo_store.save_all()
    before = path.stat().st_mtime_ns
    memo_store.open_all(settings(tmp_path))
    assert only_memo.get(("b",), lambda: 20) == 2 and only_memo.computed == 0
    memo_store.save_all()
    assert path.stat().st_mtime_ns == before
    assert set(memo_store.load(str(path))) == set(only_memo.new)  # "a" was not asked for: not kept


def test_the_memo_lives_in_the_content_cache_only_and_an_unreadable_file_is_no_memo(tmp_path, caplog):
    assert memo_store.memo_path({"CACHE_CONTENT": True, "CACHE_PATH": "/c"}, "tags") == "/c/memo/tags.pickle"
    assert memo_store.memo_path({"CACHE_CONTENT": False, "CACHE_PATH": "/c"}, "tags") is None
    broken = tmp_path / "m.pickle"
    broken.write_bytes(b"not a pickle")
    assert memo_store.load(str(broken)) is None
    assert memo_store.load(None) is None


def test_a_memo_written_by_other_code_is_not_read(tmp_path, only_memo, monkeypatch):
    memo_store.open_all(settings(tmp_path))
    only_memo.get(("html", "x"), lambda: "typeset by this code")
    memo_store.save_all()
    assert memo_store.load(str(tmp_path / "memo" / "m.pickle")) is not None
    monkeypatch.setattr(memo_store, "code_digest", lambda: "other code")  # a plugin was edited, say
    assert memo_store.load(str(tmp_path / "memo" / "m.pickle")) is None


def test_prepared_results_are_used_when_asked_for_and_only_then_kept(tmp_path, only_memo):
    calls: list = []
    worker = Memo().start()  # another process's memo, say
    worker.prepare(("a",), counting(calls, "A"))
    worker.prepare(("b",), counting(calls, "B"))
    worker.prepare(("a",), counting(calls, "again"))
    assert calls == ["A", "B"]
    memo_store.open_all(settings(tmp_path))
    memo_module.MEMOS["m-worker"] = worker
    memo_module.add_prepared({"m": memo_module.take_prepared()["m-worker"]})
    del memo_module.MEMOS["m-worker"]
    assert worker.prepared == {}  # sent once
    assert only_memo.get(("a",), counting(calls, "computed")) == "A" and only_memo.computed == 0
    memo_store.save_all()
    assert memo_store.load(str(tmp_path / "memo" / "m.pickle")) == {key: "A" for key in only_memo.new}  # "b" never asked for


def test_a_failing_preparer_prepares_nothing_and_breaks_nothing(monkeypatch):
    seen = []

    def failing(content, metadata, settings):
        raise ValueError("boom")

    def noting(content, metadata, settings):
        seen.append(metadata["title"])

    monkeypatch.setattr(memo_module, "PREPARERS", [failing, noting])
    memo_module.prepare("<p>x</p>", {"title": "T"}, {})
    assert seen == ["T"]
