"""Recorded dependencies: a text edit keys again only the pages that show the article, and writes what a
clean build writes; any other edit plans every page (see sitegen.depends)."""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

import pytest

from sitegen import config as config_stage
from sitegen import content, depends, listings, pages, publish, render, templating
from sitegen import theme as theme_stage
from sitegen.build import build
from sitegen.engine import Engine, Options
from sitegen.report import BuildReport
from sitegen.routes import Kind, Route

from .conftest import REPO, clean_output, generated_site, ru_catalog, snapshot

EDITED = "content/articles/article-00007/en.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = generated_site(24, tmp_path / "site", search=False)
    return root


def _append(site: Path, rel: str, text: str) -> None:
    with (site / rel).open("a", encoding="utf-8") as file:
        file.write(text)


def _replace(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _planned_keys(site: Path) -> dict[str, str]:
    """Every file's key as a plan of the whole site gives it."""
    config, _ = config_stage.load(site)
    assert config is not None
    theme, _ = theme_stage.load(site, config)
    assert theme is not None
    loaded, _ = content.load(config, site)
    environments = {lang: templating.environment(theme, lang) for lang in config.languages}
    looks = templating.looks(theme, environments, pages.TEMPLATES.values())
    return {job.path: publish.job_key(job) for job in render.plan(loaded, theme.static_files, looks=looks)}


def _whole_plans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the plans of every page from now on."""
    made: list[int] = []
    planned = render.recorded_plan

    def counted(*args, **kwargs):
        made.append(1)
        return planned(*args, **kwargs)

    monkeypatch.setattr(render, "recorded_plan", counted)
    return made


@pytest.mark.parametrize("fresh", [False, True], ids=["same engine", "from the cache"])
def test_a_text_edit_keys_again_only_the_pages_that_show_the_article(
    site: Path, monkeypatch: pytest.MonkeyPatch, fresh: bool
) -> None:
    engine = Engine(site, site / "output", Options())
    assert engine.rebuild().ok
    plans = _whole_plans(monkeypatch)
    grouped: list[int] = []
    index = listings.index
    monkeypatch.setattr(listings, "index", lambda *args: grouped.append(1) or index(*args))
    _append(site, EDITED, "\nA sentence added to the last passage.\n")
    report = (Engine(site, site / "output", Options()) if fresh else engine).rebuild()
    assert report.ok, report.diagnostics
    assert plans == [], "a text edit planned every page"
    assert grouped == [], "a text edit grouped every listing again (they are remembered, or recorded)"
    written = set(report.written_paths)
    assert "en/article-00007/index.html" in written and "en/article-00008/index.html" not in written
    assert any(path.startswith("en/tags/") for path in written), "the listings that show it are made again"
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_the_keys_a_text_edit_records_are_those_a_whole_plan_gives(site: Path) -> None:
    engine = Engine(site, site / "output", Options())
    assert engine.rebuild().ok
    for step in range(3):
        _append(site, f"content/articles/article-0000{step}/ru.md", f"\nПредложение {step}.\n")
        assert engine.rebuild().ok
        assert engine.memory.manifest is not None
        assert {path: entry[0] for path, entry in engine.memory.manifest.files.items()} == _planned_keys(site)


def _rebuilt_after(site: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> tuple[BuildReport, list[int]]:
    """A build, then ``old`` replaced by ``new`` in the edited article and a build again: that build's report,
    and each time it planned every page."""
    assert build(site).ok
    plans = _whole_plans(monkeypatch)
    _replace(site, EDITED, old, new)
    report = build(site)
    assert report.ok, report.diagnostics
    return report, plans


@pytest.mark.parametrize(
    ("edit", "planned"),
    [
        (("title: ", "title: Retitled "), []),
        (("summary: ", "summary: Summed up again, "), []),
        (("  p0: ", "  p0: Asked again, "), []),
        (("date: 20", "date: 19"), [1]),
        (("tags: [", "tags: [brand-new, "), [1]),
        (("name: Gurgen Simonyan", "name: Gurgen Simonian"), [1]),
    ],
    ids=["title", "summary", "question", "date", "tag", "voice name"],
)
def test_an_edit_of_where_an_article_is_listed_plans_every_page_and_a_title_does_not(
    site: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str], planned: list[int]
) -> None:
    """A title, a summary and a point's question are text: the listings, home pages and feeds show them only
    where they show the article. A date, a tag or a voice decides where it is listed: every page is planned."""
    report, plans = _rebuilt_after(site, monkeypatch, *edit)
    assert plans == planned
    assert "en/article-00007/index.html" in report.written_paths
    assert any(path.startswith("en/tags/") for path in report.written_paths), "the listings that show it"
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_a_title_edit_makes_the_page_of_a_missing_translation_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page at the article's URL in a language it lacks names its versions by their titles."""
    (site / EDITED.replace("/en.md", "/ru.md")).unlink()
    report, plans = _rebuilt_after(site, monkeypatch, "title: ", "title: Retitled ")
    assert plans == []
    lacking = site / "output" / "ru" / "article-00007" / "index.html"
    assert "ru/article-00007/index.html" in report.written_paths and b"Retitled" in lacking.read_bytes()
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_a_page_gone_from_the_output_is_made_again_after_a_text_edit(site: Path) -> None:
    assert build(site).ok
    listing = site / "output" / "en" / "cities" / "baku" / "index.html"
    listing.unlink()
    _append(site, EDITED, "\nOne more sentence.\n")
    assert build(site).ok
    assert listing.is_file()
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_a_changed_file_beside_an_article_is_copied_after_a_text_edit(site: Path) -> None:
    folder = site / "content" / "articles" / "article-00003"
    (folder / "map.svg").write_text("<svg><!-- one --></svg>", encoding="utf-8")
    assert build(site).ok
    (folder / "map.svg").write_text("<svg><!-- two, longer --></svg>", encoding="utf-8")
    _append(site, EDITED, "\nOne more sentence.\n")
    assert build(site).ok
    copied = site / "output" / "en" / "article-00003" / "map.svg"
    assert copied.read_text(encoding="utf-8").endswith("longer --></svg>")


def test_an_outline_holds_all_but_the_text_and_its_lines(site: Path) -> None:
    config, _ = config_stage.load(site)
    assert config is not None
    folder = site / "content" / "articles" / "article-00007"

    def outline() -> str:
        article, problems, _ = content.load_article(config, site, folder)
        assert article is not None, problems
        assert article.outline == depends.outline(article)
        return article.outline

    first = outline()
    _append(site, EDITED, "\nA new paragraph.\n\nAnd another.\n")
    _replace(site, EDITED, "\n---\n", "\n---\n\nA first paragraph that moves every line below.\n")
    assert outline() == first
    _replace(site, EDITED, "title: ", "title: New ")
    _replace(site, EDITED, "summary: ", "summary: New, ")
    assert outline() == first, "a title and a summary are text"
    _replace(site, EDITED, "tags: [", "tags: [new, ")
    assert outline() != first


def test_the_warnings_a_text_edit_keeps_are_told_again(site: Path) -> None:
    """A site-wide finding of the outlines (a tag table no article uses) is recorded with the build."""
    used = (site / EDITED).read_text(encoding="utf-8").split("tags: [", 1)[1].split(",")[0].split("]")[0]
    with (site / "sitegen.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[tags.{used}x]\nname = {{ en = "Border" }}\n')
    first = build(site)
    assert first.ok and any(f"'{used}x'" in d.message for d in first.diagnostics), first.diagnostics
    _append(site, EDITED, "\nOne more sentence.\n")
    again = build(site)
    assert again.ok and any(f"'{used}x'" in d.message for d in again.diagnostics)


def _theme_file(site: Path, rel: str, text: str) -> None:
    path = site / "theme" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_template_edit_renders_again_only_the_pages_made_with_it(site: Path) -> None:
    parallel = (REPO / "theme" / "templates" / "parallel.html").read_text(encoding="utf-8")
    _theme_file(site, "templates/parallel.html", parallel)  # the site has a theme of its own
    assert build(site).ok
    _theme_file(site, "templates/parallel.html", parallel.replace("{% block main %}", "{% block main %}<!-- 2 -->"))
    report = build(site)
    assert report.ok and report.written_paths
    assert all(path.endswith("/parallel/index.html") for path in report.written_paths), report.written_paths
    assert snapshot(site / "output", folders=True) == clean_output(site)
    _theme_file(site, "templates/_macros.html", (REPO / "theme" / "templates" / "_macros.html").read_text() + "\n")
    again = build(site)
    assert again.ok and "en/article-00001/parallel/index.html" in again.written_paths, "it imports _macros.html"
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_equal_routes_are_recorded_as_equal_runs_whatever_their_strings_are() -> None:
    """The record's routes are compared with the base's to tell whether a new base is needed: runs of equal
    routes are equal bytes even when their strings are other objects (a pickle's memo would tell them apart)."""
    made = [Route(Kind.LISTING, "en", f"en/tags/t{n}/", f"en/tags/t{n}/index.html", f"t{n}", "tags") for n in range(99)]
    made += [
        Route(Kind.ARTICLE, lang, f"{lang}/a{n}/", f"{lang}/a{n}/index.html", f"a{n}")
        for lang in ("en", "ru")
        for n in range(99)
    ]
    again = [Route(*(f"{value}."[:-1] if type(value) is str else value for value in astuple(route))) for route in made]
    assert all(a.lang is not b.lang for a, b in zip(made, again, strict=True))
    assert depends._runs(made) == depends._runs(again)


def test_a_catalog_edit_renders_again_only_that_languages_pages(site: Path) -> None:
    _theme_file(site, "locales/ru/LC_MESSAGES/messages.po", ru_catalog(""))
    assert build(site).ok
    _theme_file(site, "locales/ru/LC_MESSAGES/messages.po", ru_catalog("Нет такой страницы"))
    report = build(site)
    assert report.ok and report.written_paths
    assert all(path.startswith("ru/") for path in report.written_paths), report.written_paths
    assert snapshot(site / "output", folders=True) == clean_output(site)
    assert "Нет такой страницы" in (site / "output" / "ru" / "404.html").read_text(encoding="utf-8")
