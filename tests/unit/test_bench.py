"""The build benchmark (cafetech_dev/bench.py): the synthetic corpus, the plain Pelican corpus, one tiny run.

No timing is asserted: only the shape of what is generated and measured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cafetech_dev.bench import (
    PHOTO_SIZE,
    TARGETS,
    WARM_SENTENCE,
    bench_photo,
    format_linearity,
    format_table,
    generate_baseline_corpus,
    generate_corpus,
    output_sizes,
    photo_cache_changes,
    run_bench,
    run_linearity,
)
from cafetech.importer import parse_issue
from cafetech.sidecars import check_sidecar, coverage, parse_source, read_sidecar, update_sidecar

SECTIONS = 7


def header(path: Path) -> dict[str, list[str]]:
    """The metadata of a Markdown file, as parse_source reads it."""
    return parse_source(path.read_text("utf-8")).metadata


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    content = tmp_path_factory.mktemp("bench") / "content"
    summary = generate_corpus(content, SECTIONS, seed=0)
    return content, summary


def articles_of(content: Path) -> list[Path]:
    return sorted(path for path in content.glob("issues/*/*.md") if path.name != "issue.md")


def test_sections_in_issues_of_three_one_a_week_back_from_2023_11_20(corpus):
    content, summary = corpus
    folders = sorted((content / "issues").iterdir())
    assert [folder.name for folder in folders] == ["2023-11-06", "2023-11-13", "2023-11-20"]
    per_issue = {folder.name: sorted(p.name for p in folder.glob("*.md") if p.name != "issue.md") for folder in folders}
    assert [len(per_issue[name]) for name in ("2023-11-20", "2023-11-13", "2023-11-06")] == [3, 3, 1]
    for names in per_issue.values():
        assert [name[:3] for name in names] == [f"{n:02d}-" for n in range(1, len(names) + 1)]
    for folder in folders:
        assert (folder / "issue.md").exists() and (folder / "issue.txt").exists()
    assert len(articles_of(content)) == SECTIONS == len(summary["articles"]) == len(set(summary["titles"]))
    assert summary["issues"] == 3


def test_articles_are_what_the_importer_makes_of_the_issue_text(corpus):
    content, _ = corpus
    for folder in (content / "issues").iterdir():
        issue = parse_issue((folder / "issue.txt").read_text("utf-8"))
        sources = sorted(p for p in folder.glob("*.md") if p.name != "issue.md")
        assert [header(p)["title"][0] for p in sources] == [section.title for section in issue.sections]
        for section, source in zip(issue.sections, sources):
            meta = header(source)
            assert meta["lang"] == ["fr"] and meta["issue"] == [folder.name]
            assert len(section.paragraphs) == 3
            assert all(paragraph.subheading for paragraph in section.paragraphs)
            assert source.read_text("utf-8").count("\n## ") == 3
            assert section.lede and meta["summary"]


def test_every_source_has_a_complete_english_sidecar(corpus):
    content, _ = corpus
    sources = [*articles_of(content), *content.glob("issues/*/issue.md"), *content.glob("pages/*.md")]
    project_pages = len(list((Path(__file__).resolve().parents[2] / "content" / "pages").glob("*.md")))
    assert len(sources) == SECTIONS + 3 + project_pages
    for source in sources:
        po = source.with_suffix(".en.po")
        assert po.exists(), po
        counts = coverage(parse_source(source.read_text("utf-8")), read_sidecar(po))
        assert counts.total > 0 and counts.translated == counts.total, (po, counts)
        assert counts.percent == 100.0
        assert check_sidecar(source, po) == []  # markup kept, nothing out of date


def test_sidecars_are_what_translations_update_keeps(corpus, tmp_path):
    content, _ = corpus
    for source in articles_of(content)[:3]:
        copy_dir = tmp_path / source.parent.name
        copy_dir.mkdir(exist_ok=True)
        copy = copy_dir / source.name
        copy.write_bytes(source.read_bytes())
        po = copy.with_suffix(".en.po")
        po.write_bytes(source.with_suffix(".en.po").read_bytes())
        assert update_sidecar(copy).changed is False
        assert all(m.string == "EN " + m.id for m in read_sidecar(po) if m.id)


def test_one_issue_in_three_is_imported_with_a_photo_beside_each_section(corpus):
    content, summary = corpus
    with_photos = [p for p in articles_of(content) if "image" in header(p)]
    assert [p.parent.name for p in with_photos] == ["2023-11-20"] * 3  # the newest of three issues
    assert summary["photos"] == [p.with_suffix(".jpg") for p in with_photos]
    for source in with_photos:
        meta = header(source)
        assert meta["image"] == [source.with_suffix(".jpg").name] and (source.parent / meta["image"][0]).exists()
        assert meta["image_alt"][0].strip() and meta["image_credit"][0].strip()
        assert meta["image_credit"][0] in (source.parent / "issue.txt").read_text("utf-8")  # the issue's credit line
        entries = {m.context: m for m in read_sidecar(source.with_suffix(".en.po")) if m.context in ("image_alt", "image_credit")}
        assert set(entries) == {"image_alt", "image_credit"}
        assert all(m.string == "EN " + m.id for m in entries.values())
    from PIL import Image

    with Image.open(with_photos[0].with_suffix(".jpg")) as image:
        assert (image.format, image.size) == ("JPEG", PHOTO_SIZE)


def test_a_bench_photo_is_the_same_for_the_same_seed_and_weighs_like_a_photo():
    photo = bench_photo(7)
    assert photo == bench_photo(7) != bench_photo(8)
    assert 150_000 < len(photo) < 1_500_000


def test_photo_cache_changes_count_what_a_build_created_or_rewrote():
    before = {"sources.json": 1, "abc-123/info.json": 1, "abc-123/x-480.avif": 1, "card-9.jpg": 1}
    assert photo_cache_changes(before, {**before, "sources.json": 2}) == {"files": 0, "photos": 0, "cards": 0}
    after = {**before, "abc-123/x-480.avif": 2, "def-456/info.json": 3, "def-456/x-800.jpg": 3, "card-10.jpg": 3}
    assert photo_cache_changes(before, after) == {"files": 4, "photos": 2, "cards": 1}


def test_output_sizes_weigh_a_photographed_sections_files_and_the_drawn_cards(tmp_path):
    files = {
        "index.html": 50_000, "cards/a.png": 10_000, "cards/b.png": 14_000, "cards/c.png": 30_000,
        "photos/kyutai-0123456789-480.avif": 20_000, "photos/kyutai-0123456789-800.jpg": 60_000,
        "photos/kyutai-0123456789-thumbnail-160.avif": 3_000, "photos/kyutai-0123456789-card.jpg": 40_000,
        "photos/mistral-abcdef0123-480.avif": 30_000, "photos/mistral-abcdef0123-card.jpg": 52_000,
    }  # fmt: skip
    for name, size in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * size)
    sizes = output_sizes(tmp_path, sections=4)
    assert sizes["photographed_sections"] == 2 and sizes["kb_per_photographed_section"] == round(205_000 / 2 / 1024, 1)
    assert sizes["card_kb_median"] == round(14_000 / 1024, 1) and sizes["total_mb"] == round(309_000 / 1024**2, 1)
    # 1 GB over (a section's share of the rest, 104,000 / 4, plus a photo's 102,500 bytes)
    assert sizes["photographed_sections_in_1gb"] == 1024**3 // (104_000 / 4 + 102_500)
    assert output_sizes(tmp_path / "nothing") == {
        "total_mb": 0.0, "photographed_sections": 0, "kb_per_photographed_section": None, "card_kb_median": None
    }


def test_two_further_reading_items_name_other_generated_sections(corpus):
    content, summary = corpus
    titles = {header(p)["title"][0]: p for p in articles_of(content)}
    assert set(titles) == set(summary["titles"])
    for title, path in titles.items():
        items = header(path)["further_reading"]
        assert len(items) == 2 and len(set(items)) == 2, path
        for item in items:
            assert item in titles and item != title, (path, item)


def test_text_is_french_with_its_typography_and_names_registry_entities(corpus):
    content, _ = corpus
    text = "\n".join(p.read_text("utf-8") for p in articles_of(content))
    for mark in ("’", "'", "“", "”", "«", "»", "?", "!", "€"):
        assert mark in text, mark
    assert re.search(r"\b20[12]\d\b", text) and re.search(r"\d[ \u00a0\u202f]000\b", text)
    # Elision only before a vowel: "d’un service", never "d’service"
    from cafetech_dev.bench import _Writer

    writer = _Writer(1, [])
    titles = " ".join(writer.title(name) for name in ["OpenAI", "Microsoft"] * 300)
    assert "d’un " in titles and "d’une " in titles
    assert not re.search(r"\b[dDlL]’[bcdfgjklmnpqrstvwxzç]", text + titles), re.findall(r".{15}\b[dl]’[^aeiouyéèàh].{15}", titles)
    assert (content / "tags.toml").read_bytes() == (Path(__file__).resolve().parents[2] / "content" / "tags.toml").read_bytes()
    assert (content / "pages" / "a-propos.md").exists() and (content / "pages" / "a-propos.en.po").exists()

    import tag_registry  # plugins/ is on the test path

    registry = tag_registry.load_registry(str(content / "tags.toml"))
    tagged = 0
    for path in articles_of(content):
        meta = header(path)
        body = parse_source(path.read_text("utf-8")).body
        fields = {
            "title": meta["title"],
            "summary": meta.get("summary", []),
            "heading": re.findall(r"^## (.*)$", body, re.M),
            "paragraph": [re.sub(r"^## .*$", "", body, flags=re.M)],
        }
        cfg = tag_registry.config({})
        tagged += bool(tag_registry.automatic_tags(tag_registry.tag_scores(fields, registry, cfg.weights), cfg.min_mentions))
    assert tagged == SECTIONS


def test_generation_is_deterministic(tmp_path, corpus):
    content, _ = corpus
    again = tmp_path / "again"
    generate_corpus(again, SECTIONS, seed=0)
    files = sorted(p.relative_to(content) for p in content.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((content / f).read_bytes() == (again / f).read_bytes() for f in files)
    other = tmp_path / "other"
    generate_corpus(other, SECTIONS, seed=1)
    assert sorted(p.name for p in other.glob("issues/*/0*.md")) != sorted(p.name for p in content.glob("issues/*/0*.md"))


def test_baseline_corpus_pairs_french_and_english_by_slug(corpus, tmp_path):
    content, _ = corpus
    baseline = tmp_path / "baseline"
    counts = generate_baseline_corpus(content, baseline)
    assert counts == {"french": SECTIONS, "english": SECTIONS}
    french = sorted(p for p in baseline.glob("issues/*/*.md") if not p.name.endswith(".en.md"))
    english = sorted(baseline.glob("issues/*/*.en.md"))
    assert len(french) == len(english) == SECTIONS
    assert not list(baseline.rglob("*.po")) and not list(baseline.rglob("issue.md"))
    for path in french:
        twin = path.with_suffix(".en.md")
        fr, en = header(path), header(twin)
        assert fr["lang"] == ["fr"] and en["lang"] == ["en"]
        assert fr["slug"] == en["slug"] and fr["date"] == en["date"]
        assert en["title"] == ["EN " + fr["title"][0]]
        assert path.read_bytes() == (content / path.relative_to(baseline)).read_bytes()
        paragraphs = [line for line in twin.read_text("utf-8").split("\n\n")[1:] if line and not line.startswith("## ")]
        assert len(paragraphs) == 4 and all(p.startswith("EN ") for p in paragraphs)


def test_ratios_are_the_median_of_each_rounds_ratio_not_the_ratio_of_medians():
    from cafetech_dev.bench import paired_ratios

    runs = {
        "baseline": [{"seconds": 10, "cpu_seconds": 10}, {"seconds": 20, "cpu_seconds": 10}, {"seconds": 10, "cpu_seconds": 10}],
        "cold": [{"seconds": 15, "cpu_seconds": 20}, {"seconds": 30, "cpu_seconds": 20}, {"seconds": 40, "cpu_seconds": 20}],
    }
    ratios = paired_ratios(runs)
    assert ratios == {"cold_over_baseline": 1.5, "cpu_cold_over_baseline": 2.0}  # rounds: 1.5, 1.5, 4.0
    # The ratio of the medians (30 / 10 = 3.0) would mix a loaded round with a quiet one.


def test_format_table_says_which_target_is_met():
    row = {"seconds": 10.0, "build_seconds": 9.5, "peak_mb": 100.0}
    results = {
        "sections": 10,
        "repeat": 1,
        "baseline": row,
        "cold": {**row, "seconds": 30.0},
        "cold_kept": {**row, "seconds": 12.0},
        "warm": {**row, "seconds": 6.0, "peak_mb": 700.0},
        "ratios": {"cold_over_baseline": 3.0, "cold_kept_over_baseline": 1.2, "warm_over_cold": 0.5},
        "related_10000_seconds": None,
        "pages": {"baseline": 21, "ours": 42},
    }
    table = format_table(results)
    assert re.search(r"cold / baseline = 3\.00 .*: MISSED .*\(first build ever: no photo store\)", table)
    assert re.search(r"cold / baseline = 1\.20 .*: met .*\(photo store kept, as after a change of the code\)", table)
    assert re.search(r"ours, cold, no photo store +30\.00", table) and re.search(r"ours, cold, photo store +12\.00", table)
    assert re.search(r"warm / cold\s+= 0\.50 .*: MISSED", table)
    assert re.search(r"peak .*700 MB .*: MISSED", table)
    assert "not timed" in table
    assert TARGETS == {"cold_over_baseline": 1.25, "warm_over_cold": 0.35, "peak_mb": 600.0, "linearity": 1.2, "preview_median": 1.0, "preview_p90": 1.5}


def test_a_tiny_run_builds_both_sites(tmp_path):
    workdir, report = tmp_path / "work", tmp_path / "bench.json"
    results = run_bench(sections=6, repeat=1, json_path=str(report), workdir=str(workdir), log=lambda *args: None)

    assert json.loads(report.read_text("utf-8")) == results
    assert (results["sections"], results["repeat"]) == (6, 1)
    for build in ("baseline", "typography", "cold", "cold_kept", "warm", "publish"):
        assert results[build]["seconds"] > 0 and results[build]["build_seconds"] > 0
        assert results[build]["peak_mb"] > 0
        if build != "warm":
            assert results[build]["warnings"] == 0
    # The warm build's French edit, made without `translations.update`, leaves its English page up, stale: said once.
    assert results["warm"]["warnings"] == 1 and ": stale translation: 1 block(s)" in results["warm"]["first_warning"]
    assert set(results["ratios"]) == {
        "cold_over_baseline", "cold_kept_over_baseline", "warm_over_cold", "typography_over_baseline",
        "cpu_cold_over_baseline", "cpu_cold_kept_over_baseline", "cpu_typography_over_baseline",
        "warm_over_baseline", "publish_over_baseline", "publish_over_cold_kept",
    }  # fmt: skip
    assert "publish / baseline" in format_table(results)
    assert (workdir / "output-publish" / "index.html").is_file()
    assert all(results[build]["cpu_seconds"] > 0 for build in ("baseline", "typography", "cold", "warm"))
    assert all(value > 0 for value in results["ratios"].values())
    related = results["related_10000_seconds"]
    assert related is None and results["notes"] or related > 0
    assert results["pages"]["baseline"] > 0 and results["pages"]["ours"] > 0
    assert results["output"]["photographed_sections"] == 3 and 0 < results["output"]["kb_per_photographed_section"] <= 350
    assert 0 < results["output"]["card_kb_median"] <= 30 and results["output"]["photographed_sections_in_1gb"] > 0
    assert results["photos"]["sources"] == 3 and results["photos"]["cached_after_cold"] == 3
    assert results["photos"]["warm_cache_changes"] == {"files": 0, "photos": 0, "cards": 0}  # nothing encoded again
    assert results["photos"]["cold_kept_cache_changes"] == {"files": 0, "photos": 0, "cards": 0}  # the store outlived CACHE_PATH
    assert "encoded again by the cold build with the store: none, by the warm build: none" in format_table(results)
    assert (workdir / "photo-store").is_dir() and not (workdir / "cache" / "photos").exists()

    section = sorted((workdir / "content" / "issues" / "2023-11-20").glob("01-*.md"))[0]
    slug = header(section)["slug"][0]
    for output in ("output-baseline", "output-ours"):
        french = workdir / output / "2023" / "11" / slug / "index.html"
        english = workdir / output / "en" / "2023" / "11" / slug / "index.html"
        assert french.exists() and english.exists(), output
        assert "EN " in english.read_text("utf-8")
    # the article changed for the warm build is restored
    assert not any(WARM_SENTENCE in p.read_text("utf-8") for p in (workdir / "content").rglob("*.md"))
    assert "cold / baseline" in format_table(results) and "typography / baseline" in format_table(results)
    typeset = workdir / "output-typography" / "2023" / "11" / slug / "index.html"
    assert "\u202f" in typeset.read_text("utf-8")  # the typography build did typeset


def test_a_tiny_linearity_run(tmp_path):
    result = run_linearity((3, 6), repeat=1, workdir=str(tmp_path / "work"), log=lambda *args: None)
    assert set(result["sizes"]) == {3, 6}
    for n, row in result["sizes"].items():
        assert row["seconds"] > 0 and row["ms_per_section"] == pytest.approx(1000 * row["seconds"] / n, rel=0.01)
    assert result["ratio"] == pytest.approx(result["sizes"][6]["ms_per_section"] / result["sizes"][3]["ms_per_section"], rel=0.01)
    table = format_linearity(result)
    assert "ms/section at 6 / at 3" in table and ("met" in table or "MISSED" in table)
    assert not (tmp_path / "work" / "content-3").exists()  # corpora are removed, logs kept
    assert list((tmp_path / "work" / "logs").glob("cold-6-1.log"))


@pytest.mark.parametrize("sizes", [(4, 2), (0, 3), (3, 3)])
def test_linearity_needs_two_growing_sizes(sizes, tmp_path):
    with pytest.raises(ValueError, match="two sizes"):
        run_linearity(sizes, workdir=str(tmp_path))


def test_linearity_verdicts():
    result = {"repeat": 1, "sizes": {1000: {"seconds": 10.0, "cpu_seconds": 12.0, "ms_per_section": 10.0},
                                     4000: {"seconds": 52.0, "cpu_seconds": 60.0, "ms_per_section": 13.0}}, "ratio": 1.3}
    assert "= 1.30   target <= 1.20: MISSED" in format_linearity(result)
    result["ratio"] = 1.1
    assert "target <= 1.20: met" in format_linearity(result)


def test_refuses_to_write_over_real_content(corpus):
    content, _ = corpus
    root = Path(__file__).resolve().parents[2]
    with pytest.raises(ValueError):
        generate_corpus(root / "content", 3)
    with pytest.raises(ValueError):
        generate_corpus(content, 3)  # holds issues already
    with pytest.raises(ValueError):
        run_bench(sections=3, repeat=1, workdir=str(root), log=lambda *args: None)
    assert (root / "content" / "issues" / "2023-11-20" / "issue.md").exists()


def test_synthetic_records_are_reproducible_and_shaped_like_the_benchmark_asks():
    from cafetech_dev.bench import synthetic_records
    from further_reading import Record, config, related_articles

    records = synthetic_records(Record, 1000, tags=200, seed=3)
    assert records == synthetic_records(Record, 1000, tags=200, seed=3) != synthetic_records(Record, 1000, tags=200, seed=4)
    assert len({r.key for r in records}) == 1000
    assert 4.5 <= sum(len(r.tags) for r in records) / 1000 <= 5.5
    assert len(set().union(*(r.tags for r in records))) == 200
    assert all(len(related) <= 3 for related in related_articles(records, config({})).values())
