"""bench/run.py end to end on a tiny site: the floor, the sitegen builds and Hugo, timed (some twice) and tabled."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent
ARTICLES = 20


def test_run_prints_the_table_and_measures_every_step(tmp_path: Path):
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--sizes",
            str(ARTICLES),
            "--hugo",
            "--search",
            "--pairs",
            "2",
            "--edits",
            "2",
            "--workdir",
            str(tmp_path / "work"),
            "--keep",
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    lines = done.stdout.splitlines()
    head = lines[0]
    columns = ("floor s", "sitegen s", "sitegen/floor", "no-change s", "one-edit s", "peak MB (PSS)", "hugo s")
    for column in (*columns, "one-edit, search s"):
        assert f" {column} |" in head
    row = [cell.strip() for cell in lines[2].strip("|").split("|")]
    assert row[0] == str(ARTICLES)
    floor_pages, sitegen_pages = row[9].split("/")
    assert int(floor_pages) == 2 * ARTICLES and int(sitegen_pages) > 4 * ARTICLES
    for cell in row[1:9] + row[10:14]:
        assert math.isfinite(float(cell)) and float(cell) > 0, (cell, done.stdout)
    assert "targets:" in done.stdout

    measured = json.loads(results.read_text(encoding="utf-8"))
    [size] = measured["sizes"]
    assert measured["machine"]["cores"] >= 1
    assert 0 < measured["sitegen_startup_seconds"] < 30
    assert 0 < measured["libraries_import_seconds"] < 30
    assert size["articles"] == ARTICLES and size["source_files"] == 2 * ARTICLES
    assert size["floor"]["pages"] == 2 * ARTICLES
    # sitegen writes an article page and a parallel view per file, plus homes, listings and tag pages.
    for step in ("clean", "no_change", "one_edit"):
        assert size[step]["pages"] > 4 * ARTICLES
        assert size[step]["reported_pages"] == size[step]["pages"]
    assert size["hugo"]["pages"] > 2 * ARTICLES
    assert size["search_edit"]["pages"] == size["one_edit"]["pages"] + 2  # the search page of each language
    # Two clean builds of each, in turn: the ratio is the median of the pairs'; two edits, the median run kept.
    assert len(size["hugo_ratios"]) == 2 and all(ratio > 0 for ratio in size["hugo_ratios"])
    assert float(row[13]) == round(sum(size["hugo_ratios"]) / 2, 2), "the table's sitegen/hugo: the pairs' median"
    assert len(size["edit_seconds"]) == 2 and size["one_edit"]["seconds"] == min(size["edit_seconds"])
    for step in ("floor", "clean", "no_change", "one_edit", "hugo", "search_edit"):
        run = size[step]
        assert 0 < run["seconds"] < 60
        assert run["cpu_seconds"] > 0
        assert 10 < run["max_rss_mb"] < 2000 and 5 < run["peak_rss_mb"] < 2000  # PSS may be below one RSS

    runs = tmp_path / "work" / f"runs-{ARTICLES}"
    floor_page = runs / "floor" / "ru" / "article-00000" / "index.html"
    assert '<html lang="ru">' in floor_page.read_text(encoding="utf-8")
    hugo_page = (runs / "hugo" / "en" / "articles" / "article-00000" / "index.html").read_text(encoding="utf-8")
    assert '<div class="passage" data-voice="yerevan" data-point="p0">' in hugo_page
    assert (runs / "hugo" / "ru" / "tags" / "index.html").is_file()
    assert (runs / "sitegen" / "pagefind" / "shards.json").is_file(), "--search: the edit was indexed"
    # The last sitegen build saw the edit; the article is then put back as generated, so runs time the same corpus.
    assert "appended by the benchmark" in (runs / "sitegen" / "en" / "article-00010" / "index.html").read_text("utf-8")
    site = tmp_path / "work" / f"corpus-{ARTICLES}"
    assert "appended by the benchmark" not in (site / "content/articles/article-00010/en.md").read_text("utf-8")
    # Earlier outputs and caches were set aside while timing, and removed once every size was timed.
    assert not (tmp_path / "work" / "trash").exists()
