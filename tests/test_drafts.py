"""Drafts: marked wherever they show (the preview, builds with --drafts), counted when left out."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from .conftest import CONFIG, FOUR_LANGUAGES, article, build_ok, invoke
from .serving import serving

#: The draft label in each language the theme ships.
LABELS = {"en": "Draft", "ru": "Черновик", "hy": "Սևագիր", "az": "Qaralama"}
DRAFT = "draft: true\n"
LABEL = re.compile(r'<strong class="draft-label"[^>]*>([^<]*)</strong>')


def labels(path: Path) -> list[str]:
    return LABEL.findall(path.read_text(encoding="utf-8"))


@pytest.fixture
def drafty(make_site) -> Path:
    """One published article, one draft in both languages, one published in English with a Russian draft."""
    return make_site(
        {
            "content/articles/published/en.md": article("Published", "2023-06-01"),
            "content/articles/published/ru.md": article("Опубликовано", "2023-06-01"),
            "content/articles/unready/en.md": article("Unready", "2023-06-03", extra=DRAFT),
            "content/articles/unready/ru.md": article("Не готово", "2023-06-03", extra=DRAFT),
            "content/articles/half/en.md": article("Half", "2023-06-02"),
            "content/articles/half/ru.md": article("Половина", "2023-06-02", extra=DRAFT),
        }
    )


def test_a_build_with_drafts_marks_them_everywhere_they_show(drafty: Path) -> None:
    out = build_ok(drafty, drafts=True).out
    assert labels(out / "en" / "unready" / "index.html") == ["Draft"]
    assert "This version is not published" in (out / "en" / "unready" / "index.html").read_text(encoding="utf-8")
    assert labels(out / "ru" / "unready" / "index.html") == ["Черновик"]
    assert labels(out / "ru" / "half" / "index.html") == ["Черновик"], "the Russian version is the draft"
    assert labels(out / "en" / "half" / "index.html") == [], "the English version is published"
    assert labels(out / "en" / "published" / "index.html") == []
    home = (out / "en" / "index.html").read_text(encoding="utf-8")
    cards = home.split('<li class="article-card">')[1:]
    marked = {re.search(r'href="([^"]+)"', card)[1]: "draft-label" in card.split("</h2>")[0] for card in cards}
    assert marked == {"../en/unready/": True, "../en/half/": False, "../en/published/": False}, marked
    assert labels(out / "ru" / "index.html") == ["Черновик", "Черновик"]
    parallel = out / "en" / "half" / "parallel" / "index.html"
    assert labels(parallel) == ["Draft", "Draft"], "the banner, and the Russian column's head"
    people = next((out / "en").glob("people/*/index.html"))
    assert labels(people) == ["Draft"], "a person's page shows what they said in the draft"


def test_a_published_build_shows_no_draft_marker(drafty: Path) -> None:
    out = build_ok(drafty).out
    assert not (out / "en" / "unready").exists()
    for page in out.rglob("*.html"):
        assert "draft-label" not in page.read_text(encoding="utf-8"), page


def test_the_draft_label_is_translated_in_every_language(make_site) -> None:
    site = make_site(
        {f"content/articles/unready/{lang}.md": article(f"Draft {lang}", extra=DRAFT) for lang in LABELS},
        config=FOUR_LANGUAGES,
    )
    out = build_ok(site, drafts=True).out
    for lang, label in LABELS.items():
        assert labels(out / lang / "unready" / "index.html") == [label], lang
        assert labels(out / lang / "index.html") == [label], lang


def test_the_preview_marks_drafts(drafty: Path) -> None:
    with serving(drafty) as server:
        for path, expected in (("en/unready/", ["Draft"]), ("en/", ["Draft"]), ("en/published/", [])):
            with urllib.request.urlopen(server.url + path, timeout=5) as response:
                assert LABEL.findall(response.read().decode()) == expected, path


@pytest.mark.parametrize(
    ("drafts", "summary"),
    [
        (0, None),
        (1, "1 draft left out (use --drafts to include it)"),
        (2, "2 drafts left out (use --drafts to include them)"),
    ],
)
def test_the_build_summary_counts_the_drafts_left_out(make_site, drafts: int, summary: str | None) -> None:
    files = {"content/articles/published/en.md": article("Published"), "content/articles/published/ru.md": article()}
    for number in range(drafts):
        files[f"content/articles/draft-{number}/en.md"] = article(f"Draft {number}", extra=DRAFT)
        files[f"content/articles/draft-{number}/ru.md"] = article(f"Черновик {number}", extra=DRAFT)
    site = make_site(files, config=CONFIG)
    for attempt in ("first", "cached", "unchanged"):
        if attempt == "cached":
            (site / "content" / "articles" / "published" / "en.md").write_text(article("Changed"), encoding="utf-8")
        result = invoke("build", "--site", str(site))
        assert result.exit_code == 0, result.output
        line = result.stdout.strip().splitlines()[-1]
        if summary is None:
            assert "draft" not in line, (attempt, line)
        else:
            assert line.endswith(", " + summary), (attempt, line)
    assert "draft" not in invoke("build", "--site", str(site), "--drafts").stdout


def test_a_half_published_article_counts_as_a_draft_left_out(drafty: Path) -> None:
    result = invoke("build", "--site", str(drafty))
    assert result.stdout.strip().endswith("2 drafts left out (use --drafts to include them)"), result.stdout


def test_check_counts_drafts_too(drafty: Path) -> None:
    checked = invoke("check", "--site", str(drafty))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("Checked 3 articles (2 drafts): 0 errors"), checked.stdout
    left_out = invoke("check", "--site", str(drafty), "--no-drafts")
    assert left_out.stdout.startswith("Checked 2 articles: 0 errors"), left_out.stdout
    assert left_out.stdout.strip().endswith(", 2 drafts left out (--no-drafts)"), left_out.stdout


def test_a_version_left_out_as_a_draft_is_not_called_missing(drafty: Path) -> None:
    """`half` is published in English; its ru.md exists but is a draft: the warning says so, at that file."""
    report = build_ok(drafty)
    said = [str(d) for d in report.diagnostics]
    assert said == [
        "content/articles/half/ru.md:1: warning: the ru version is a draft: this build leaves it out"
        " (delete its 'draft: true' line to publish it, or build with --drafts;"
        " until then the article's pages say it is not available in ru)"
    ], said
    assert build_ok(drafty, drafts=True).diagnostics == ()


def test_a_preview_without_drafts_knows_them_after_a_save(drafty: Path, tmp_path: Path) -> None:
    """``serve --no-drafts``: an incremental rebuild finds the same drafts left out as a full build."""
    from sitegen.preview import Preview

    preview = Preview(drafty, tmp_path / "preview", drafts=False)
    full = preview.build()
    assert [d.location.path for d in full.diagnostics] == ["content/articles/half/ru.md"]
    source = drafty / "content" / "articles" / "half" / "en.md"
    source.write_text(article("Half, edited", "2023-06-02"), encoding="utf-8")
    again = preview.update([source])
    assert not again.full and again.written
    assert again.diagnostics == full.diagnostics
    (drafty / "content" / "articles" / "half" / "ru.md").write_text(article("Половина", "2023-06-02"), encoding="utf-8")
    published = preview.update([drafty / "content" / "articles" / "half" / "ru.md"])
    assert published.diagnostics == (), "once published, nothing is left out"


def test_a_check_with_drafts_reads_again_only_the_folders_with_drafts(
    drafty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build cache serves builds with and without drafts alike where a folder has none: ``sitegen check``,
    which takes drafts in, reads again after a build only the folders that hold a draft."""
    from sitegen import content
    from sitegen.build import build

    assert build_ok(drafty).drafts_left_out == 2
    read: list[str] = []
    load = content.load_article
    monkeypatch.setattr(
        content, "load_article", lambda *args, **kwargs: read.append(args[2].name) or load(*args, **kwargs)
    )
    checked = build(drafty, drafts=True, write=False)
    assert sorted(read) == ["half", "unready"], "the published folder came from the cache"
    fresh = build(drafty, drafts=True, write=False, cache=False)
    assert (checked.diagnostics, checked.articles, checked.drafts) == (fresh.diagnostics, fresh.articles, fresh.drafts)
    read.clear()
    again = build(drafty)  # and the build without drafts still finds its own entries
    assert again.unchanged and read == [] and again.drafts_left_out == 2
