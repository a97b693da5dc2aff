"""Full-text search: a Pagefind index per language, built into the staging folder, and the search page.

The real Pagefind (``pagefind[bin]``, the ``search`` extra) indexes the example
site; a missing or failing program is simulated the documented way, by
pointing ``SITEGEN_PAGEFIND`` at another program, never by patching sitegen.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen import output, search, shards
from sitegen.build import build
from sitegen.cli import main

from .conftest import CONFIG, REPO, article, build_ok, example_site, generated_site, messages, snapshot
from .serving import static_server
from .test_build import parse


def _require_pagefind() -> None:
    """make test installs Pagefind (the `search` extra); its absence is a failure, not a skip."""
    assert search.executable() is not None, "Pagefind is not installed: pip install -e '.[search]'"


needs_pagefind = pytest.mark.usefixtures("pagefind_installed")


@pytest.fixture
def pagefind_installed() -> None:
    _require_pagefind()


def fake_pagefind(folder: Path, script: str) -> Path:
    """An executable shell script standing in for Pagefind."""
    program = folder / "fake-pagefind"
    program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


def search_warnings(report) -> list[str]:
    return [str(d) for d in report.diagnostics if d.location.path == "search"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once with the real Pagefind."""
    _require_pagefind()
    report = build_ok(example_site(tmp_path_factory.mktemp("search")))
    assert not search_warnings(report)
    assert report.out is not None
    return report.out


# -- The index ---------------------------------------------------------------


@needs_pagefind
def test_an_index_per_language(built: Path) -> None:
    """A small site has one shard per language: its whole index, listed for the search page to merge."""
    bundle = built / search.BUNDLE
    manifest = json.loads((bundle / shards.MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"version": 1, "languages": {"en": ["en/all"], "ru": ["ru/all"]}, "words": {}}
    assert (bundle / "pagefind.js").read_bytes() == (REPO / "sitegen" / "shards.js").read_bytes()
    articles = len(list((REPO / "content" / "articles").iterdir()))
    for lang in ("en", "ru"):
        entry = json.loads((bundle / lang / "all" / search.ENTRY).read_text(encoding="utf-8"))
        assert {key: info["page_count"] for key, info in entry["languages"].items()} == {lang: articles}
        info = entry["languages"][lang]
        assert (bundle / lang / "all" / f"pagefind.{info['hash']}.pf_meta").is_file()
        assert (bundle / lang / "all" / "pagefind.js").is_file(), "each shard can be the search page's first"
        assert not (bundle / lang / "all" / "pagefind-ui.js").exists(), "the interface is kept once, at the root"
        pages = json.loads((bundle / lang / "all" / shards.PAGES).read_text(encoding="utf-8"))
        assert len(pages) == articles and all(rel.startswith(f"{lang}/") for rel in pages)
    assert (bundle / "pagefind-ui.js").is_file()
    assert (bundle / "pagefind-ui.css").is_file()


@needs_pagefind
def test_only_articles_are_indexed_and_without_the_chrome(built: Path) -> None:
    slugs = [folder.name for folder in (REPO / "content" / "articles").iterdir()]
    articles = {f"{lang}/{slug}/index.html" for lang in ("en", "ru") for slug in slugs}
    for page in built.rglob("*.html"):
        rel = page.relative_to(built).as_posix()
        marked = parse(page).having("data-pagefind-body")
        assert [e.tag for e in marked] == (["article"] if rel in articles else []), rel
        if rel in articles:
            html = page.read_text(encoding="utf-8")
            body = html[html.index("data-pagefind-body") : html.index("</article>")]
            assert '<header class="masthead"' not in body and "<nav" not in body and "<footer" not in body
            assert "data-pagefind-ignore" in body, "labels and notices are left out"


# -- The search page and the search box ---------------------------------------


@needs_pagefind
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_search_page_in_each_language(built: Path, lang: str) -> None:
    page = parse(built / lang / "search" / "index.html")
    assert page.one("html").attrs["lang"] == lang
    box = page.one(id="search")
    assert (box.attrs["data-bundle"], box.attrs["data-root"]) == ("../../pagefind/", "../../")
    strings = json.loads(box.attrs["data-strings"] or "{}")
    assert "[SEARCH_TERM]" in strings["zero_results"] and "[COUNT]" in strings["many_results"]
    noscript = page.find("noscript")
    assert noscript and "JavaScript" in noscript[0].text
    unavailable = page.one("p", class_="notice search-unavailable")
    assert "hidden" in unavailable.attrs
    if lang == "ru":
        assert "Поиск работает только с JavaScript" in noscript[0].text
        assert "Поиск недоступен" in unavailable.text
        assert strings["placeholder"] == "Искать в комментариях"
    scripts = [s.attrs.get("src") or "" for s in page.find("script")]
    assert any(src.startswith("../../static/search.") and src.endswith(".js") for src in scripts)
    assert not page.find("form", role="search"), "the page has Pagefind's box, not a second one"


@needs_pagefind
def test_every_other_page_has_a_search_box_leading_to_its_languages_search_page(built: Path) -> None:
    for lang, page_path, action in [
        ("en", "en/index.html", "../en/search/"),
        ("ru", "ru/border-villages-water/index.html", "../../ru/search/"),
        ("ru", "ru/cities/baku/index.html", "../../../ru/search/"),
        ("en", "index.html", "en/search/"),
    ]:
        page = parse(built / page_path)
        form = page.one("form", role="search")
        assert (form.attrs["action"], form.attrs["method"]) == (action, "get"), page_path
        field = page.one("input", type="search")
        assert field.attrs["name"] == "q"
        label = page.one("label", for_=field.attrs["id"] or "")
        assert label.text.strip() == ("Search the site" if lang == "en" else "Поиск по сайту")


def test_a_404_page_at_any_depth_leads_to_search_from_the_base_path(make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(search.ENV, str(tmp_path / "missing"))
    site = make_site({"content/articles/x/en.md": article()})
    out = build_ok(site, search=False).out
    assert not parse(out / "404.html").find("form", role="search"), "no search box when search is off"
    out = build_ok(site).out
    assert parse(out / "404.html").one("form", role="search").attrs["action"] == "/news/en/search/"


# -- Without Pagefind ------------------------------------------------------------


def test_a_missing_pagefind_is_a_warning_and_the_site_still_builds(tmp_path: Path, monkeypatch) -> None:
    site = example_site(tmp_path)
    monkeypatch.setenv(search.ENV, str(tmp_path / "no-such-pagefind"))
    report = build(site)
    assert report.ok and report.written
    (warning,) = search_warnings(report)
    assert "warning: no search index was built: the Pagefind program" in warning
    assert "does not exist" in warning and "pip install 'sitegen[search]'" in warning
    out = tmp_path / "example" / "output"
    assert not (out / "pagefind").exists()
    assert (out / "ru" / "search" / "index.html").is_file(), "the page is there, and says search is unavailable"
    assert (out / "ru" / "border-villages-water" / "index.html").is_file()


def test_the_command_line_warns_and_exits_0_without_pagefind(tmp_path: Path) -> None:
    site = example_site(tmp_path)
    result = CliRunner().invoke(
        main, ["build", "--site", str(site)], env={search.ENV: str(tmp_path / "missing")}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "search: warning: no search index was built" in result.output
    assert "hint: install it with pip install 'sitegen[search]'" in result.output
    assert "4 warnings" in result.output  # and the example's two contested names and one stale passage


FAILING = 'mkdir -p "$4" && touch "$4/half.js"\necho "Error: disk on fire" >&2\nexit 3\n'


def test_a_failing_pagefind_fails_the_build_and_leaves_the_previous_site(tmp_path: Path, monkeypatch) -> None:
    """An installed Pagefind that fails is an error: a site is never published with a missing or stale index."""
    site = example_site(tmp_path)
    monkeypatch.setenv(search.ENV, str(tmp_path / "missing"))
    build_ok(site, cache=False)
    before = snapshot(site / "output")
    monkeypatch.setenv(search.ENV, str(fake_pagefind(tmp_path, FAILING)))
    report = build(site, cache=False)
    assert not report.ok and not report.written
    (problem,) = [str(d) for d in report.diagnostics if d.is_error]
    assert "search: error: the search index could not be made: Pagefind failed: Error: disk on fire" in problem
    assert "the previous site was left as it was" in problem and "sitegen build --no-search" in problem
    assert snapshot(site / "output") == before
    assert not [p.name for p in site.iterdir() if p.name.startswith(".output.")], "no leftovers"


def test_a_failing_pagefind_in_a_small_rebuild_leaves_the_previous_site_whole(tmp_path: Path, monkeypatch) -> None:
    site = generated_site(30, tmp_path / "site")
    build_ok(site)
    before = snapshot(site / "output")
    assert any(name.startswith("pagefind/") for name in before)
    article = site / "content" / "articles" / "article-00007" / "en.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8")
    monkeypatch.setenv(search.ENV, str(fake_pagefind(tmp_path, FAILING)))
    report = build(site)
    assert not report.ok and "Pagefind failed: Error: disk on fire" in str(report.diagnostics[-1])
    assert snapshot(site / "output") == before
    monkeypatch.delenv(search.ENV)
    build_ok(site)
    assert "A sentence added later." in (site / "output/en/article-00007/index.html").read_text(encoding="utf-8")


def test_a_program_that_writes_no_index_is_a_failure_too(tmp_path: Path, monkeypatch) -> None:
    site = example_site(tmp_path)
    monkeypatch.setenv(search.ENV, str(fake_pagefind(tmp_path, "exit 0\n")))
    report = build(site)
    assert not report.ok and "Pagefind failed: exit status 0" in str(report.diagnostics[-1])


def test_pagefind_runs_on_the_staging_folder_before_the_swap(tmp_path: Path, monkeypatch) -> None:
    """The index is part of the new site when it appears: the old output is untouched while Pagefind runs.

    Each run reads one shard's pages of the staging folder, through a folder of links made beside it.
    """
    site = example_site(tmp_path)
    monkeypatch.setenv(search.ENV, str(tmp_path / "missing"))
    build_ok(site)
    out = site / "output"
    (out / "old-page.html").write_text("from the previous build", encoding="utf-8")
    log = tmp_path / "seen"
    log.mkdir()
    program = fake_pagefind(
        tmp_path,
        f'seen="{log}/$$"\necho "$2" > "$seen"\n'
        f'test -f "{out}/old-page.html" && echo old-output-untouched >> "$seen"\n'
        'ls "$2" >> "$seen"\n'
        'mkdir -p "$4" && echo "{}" > "$4/pagefind-entry.json"\n',
    )
    monkeypatch.setenv(search.ENV, str(program))
    report = build_ok(site)
    assert not search_warnings(report)
    runs = sorted(seen.read_text(encoding="utf-8").split() for seen in log.iterdir())
    assert len(runs) == 2, "one run per shard: en/all and ru/all"
    for folder, *seen in runs:
        assert Path(folder).resolve().parent.parent == out.resolve().parent and ".staging-" in Path(folder).parent.name
        assert seen[0] == "old-output-untouched"
    assert sorted(seen for _, _, *seen in runs) == [["en"], ["ru"]], "each run sees one language's pages only"
    assert (out / "pagefind" / "en" / "all" / "pagefind-entry.json").is_file() and not (out / "old-page.html").exists()


def test_a_site_without_articles_is_not_indexed(make_site, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(search.ENV, str(tmp_path / "missing"))
    report = build_ok(make_site({}))
    assert not search_warnings(report), "nothing to search: Pagefind is not asked"


# -- Turning search off ------------------------------------------------------------


def test_no_search_option_builds_without_search_box_page_or_index(tmp_path: Path) -> None:
    site = example_site(tmp_path)
    env = {search.ENV: str(tmp_path / "missing")}
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--no-search"], env=env, catch_exceptions=False)
    assert result.exit_code == 0 and "search: warning" not in result.output, result.output
    out = site / "output"
    assert not (out / "pagefind").exists() and not (out / "en" / "search").exists()
    assert not parse(out / "en" / "index.html").find("form", role="search")


def test_search_false_in_the_config(make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(search.ENV, str(tmp_path / "missing"))
    site = make_site({"content/articles/x/en.md": article()}, config="search = false\n" + CONFIG)
    report = build_ok(site)
    assert not search_warnings(report)
    assert not (report.out / "en" / "search").exists()
    assert not parse(report.out / "en" / "x" / "index.html").find("form", role="search")


def test_search_must_be_true_or_false(make_site) -> None:
    site = make_site({}, config='search = "no"\n' + CONFIG)
    report = build(site)
    assert not report.ok
    assert "sitegen.toml:1: error: 'search' must be true or false, got 'no'" in messages(report)


# -- In a real browser ---------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built example site over real HTTP under the sub-path /news/, as it is published."""
    root = tmp_path_factory.mktemp("host")
    shutil.copytree(built, root / "news")
    with static_server(root) as url:
        yield url + "news/"


RESULT = ".pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link"  # a page, not its passages


@needs_pagefind
@pytest.mark.browser
def test_typing_a_word_finds_the_one_article_in_russian(browser, served: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(served + "ru/search/")
    field = page.locator(".pagefind-ui__search-input")
    field.wait_for()
    assert field.get_attribute("placeholder") == "Искать в комментариях"
    field.fill("гидролог")
    page.wait_for_selector(RESULT)
    titles = page.locator(RESULT).all_inner_texts()
    assert titles == ["Кому достанется вода приграничной реки?"]
    assert page.locator(RESULT).first.get_attribute("href") == "/news/ru/border-villages-water/"
    assert all(url.startswith(served) for url in requests), "no request leaves the site"
    assert page.url.endswith("?q=%D0%B3%D0%B8%D0%B4%D1%80%D0%BE%D0%BB%D0%BE%D0%B3"), "the query is kept in the URL"
    page.close()


@needs_pagefind
@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "query", "byline", "said"),
    [
        ("en", "information war", "Gurgen Simonyan, political scientist", "Simonyan reads the report as a move"),
        ("ru", "вбросом", "Хаги Намазов, политический обозреватель", "Намазов называет сообщение"),
    ],
)
def test_a_hit_in_a_passage_names_who_speaks_and_its_excerpt_starts_with_what_was_said(
    browser, served: str, lang: str, query: str, byline: str, said: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{served}{lang}/search/?q={query}")
    nested = page.locator(".pagefind-ui__result-nested").first
    nested.wait_for()
    link = nested.locator(".pagefind-ui__result-link")
    assert link.inner_text() == byline, "name and role, separated"
    assert "#passage-" in (link.get_attribute("href") or ""), "the sub-result leads to the passage"
    excerpt = nested.locator(".pagefind-ui__result-excerpt").inner_text()
    assert excerpt.startswith(said), excerpt
    text = page.locator("#search").inner_text()
    assert byline.replace(", ", "") not in text, "no name glued to its role"
    page.close()


@needs_pagefind
@pytest.mark.browser
def test_the_header_box_leads_to_results_in_the_pages_language(browser, served: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "en/")
    page.fill("#site-search-query", "hydrologist")
    page.press("#site-search-query", "Enter")
    page.wait_for_url("**/en/search/?q=hydrologist")
    page.wait_for_selector(RESULT)
    assert page.locator(RESULT).all_inner_texts() == ["Who gets the water of a shared border river?"]
    assert page.locator(".pagefind-ui__message").inner_text().startswith("1 result for")
    page.close()


@needs_pagefind
@pytest.mark.browser
def test_without_an_index_the_search_page_says_search_is_unavailable(browser, built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("pagefind"))
    with static_server(copy) as url:
        page = browser.new_page()
        page.goto(url + "ru/search/?q=вода")
        notice = page.locator(".search-unavailable")
        notice.wait_for(state="visible")
        assert notice.inner_text().startswith("Поиск недоступен")
        assert page.locator("#search").is_hidden()
        page.close()


@needs_pagefind
@pytest.mark.browser
def test_without_javascript_the_search_page_says_search_needs_it(browser, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "ru/search/?q=вода")
    assert "Поиск работает только с JavaScript" in page.locator("main").inner_text()
    context.close()


# -- Documentation ---------------------------------------------------------------------


def test_search_and_publishing_are_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for needle in ("--no-search", "| `search` |", search.ENV, "(docs/publishing.md)", "sitegen[search]"):
        assert needle in readme, needle
    publishing = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    for needle in ("sitegen check --strict && sitegen build", "base_url", "pagefind/", "server {", "immutable"):
        assert needle in publishing, needle
    assert 'search = ["pagefind[bin]' in (REPO / "pyproject.toml").read_text(encoding="utf-8")


@needs_pagefind
def test_the_same_site_gives_the_same_index(tmp_path: Path) -> None:
    """Reproducible: a rebuild changes no byte of the index (so deployments upload only what changed)."""
    site = example_site(tmp_path)

    def index(name: str) -> dict[str, bytes]:
        """A clean build of its own (no cache, a new output folder), so Pagefind runs each time."""
        out = build_ok(site, out=tmp_path / name, cache=False).out
        return snapshot(out / "pagefind")

    first, second = index("first"), index("second")
    assert any(name.endswith(".pf_index") for name in first), "Pagefind wrote an index"
    assert first == second


@needs_pagefind
def test_each_shard_is_what_pagefind_makes_of_its_pages_alone(built: Path, tmp_path: Path) -> None:
    """Pagefind reads each shard's pages through a folder of links; its index must be what it makes of them
    in place. The reference is Pagefind itself, run by hand on the whole output for one language."""
    alone = tmp_path / "alone"
    glob = "en/*/index.html"
    command = [search.executable(), "--site", str(built), "--output-path", str(alone), "--glob", glob, "--quiet"]
    subprocess.run(command, check=True, capture_output=True)

    def bundle(folder: Path) -> dict[str, object]:
        """Each index file's bytes; the JSON entry file as data, since sitegen writes its languages sorted."""
        return {
            name: json.loads(data) if name.endswith(".json") else data
            for name, data in snapshot(folder).items()
            if name.startswith(("fragment/", "index/", "pagefind.")) or name == search.ENTRY
        }

    assert any(name.endswith(".pf_fragment") for name in bundle(alone))
    assert bundle(alone) == bundle(built / search.BUNDLE / "en" / "all")


def test_the_survey_finds_the_marked_articles_and_their_months(tmp_path: Path) -> None:
    def page(rel: str, marked: bool, date: str | None = None) -> None:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = f'<meta property="article:published_time" content="{date}">' if date else ""
        body = '<main data-pagefind-body="">' if marked else "<main>"
        path.write_text(f"<!DOCTYPE html><html><head>{meta}</head><body>{body}</main></body></html>", encoding="utf-8")

    page("en/index.html", marked=False)
    page("en/tags/water/index.html", marked=False)
    assert shards.survey(tmp_path) == {}, "nothing marked: Pagefind indexes every page, as one bundle"
    page("en/one/index.html", marked=True, date="2024-03-05")
    page("ru/one/index.html", marked=True)
    page("ru/gone/index.html", marked=False, date="2020-01-01")
    assert shards.survey(tmp_path) == {"en/one/index.html": "2024-03", "ru/one/index.html": None}
    page("en/tags/water/page/2/index.html", marked=True)  # a theme that indexes its listings too
    assert shards.survey(tmp_path) is None, "one whole index"


def test_shards_split_a_language_by_year_quarter_and_month_past_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(shards, "LIMIT", 3)

    def pages(lang: str, *months: str) -> dict[str, str | None]:
        return {f"{lang}/a{number}-{month}/index.html": month for number, month in enumerate(months)}

    small = pages("ru", "2020-01", "2021-05", "2022-07")
    assert list(shards.assign(small)) == ["ru/all"], "a language within the limit is one shard"
    big = pages("en", "2020-01", "2020-02", "2021-01", "2021-02", "2021-05", "2021-06", "2021-07")
    big |= pages("en", *["2022-03"] * 4) | {"en/undated/index.html": None}
    plan = shards.assign({**small, **big})
    assert {name: len(found) for name, found in plan.items()} == {
        "en/2020": 2,
        "en/2021-q1": 2,
        "en/2021-q2": 2,
        "en/2021-q3": 1,
        "en/2022-03": 4,  # a month is never split
        "en/undated": 1,
        "ru/all": 3,
    }
    assert shards.assign(dict(reversed(list({**small, **big}.items())))) == plan, "the same pages, the same shards"


def _edit(site: Path, slug: str, lang: str, date: str | None = None) -> None:
    path = site / "content" / "articles" / slug / f"{lang}.md"
    text = path.read_text(encoding="utf-8")
    if date is not None:
        text = re.sub(r"^date: .*$", f"date: {date}", text, count=1, flags=re.MULTILINE)
    path.write_text(text + "\nA sentence added later.\n", encoding="utf-8")


@pytest.fixture
def sharded(tmp_path: Path, monkeypatch) -> tuple[Path, list[str]]:
    """A generated site of 40 articles over five years, in shards of at most 5 pages, built; and a list
    each later Pagefind run adds its output folder to (relative to the bundle)."""
    _require_pagefind()
    monkeypatch.setattr(shards, "LIMIT", 5)
    site = generated_site(40, tmp_path / "site")
    build_ok(site)
    runs: list[str] = []
    run = search._run

    def recorded(asked: list, program: str | None, bundle: Path):
        runs.extend(target.relative_to(bundle).as_posix() for _, target, _ in asked)
        return run(asked, program, bundle)

    monkeypatch.setattr(search, "_run", recorded)
    return site, runs


def _same_as_a_clean_build(out: Path) -> None:
    """The patched bundle is byte for byte the one indexing the whole site from scratch gives."""
    whole, problems = search.prepare(out)
    assert not problems and whole is not None
    try:
        assert snapshot(out / search.BUNDLE) == snapshot(whole)
    finally:
        shutil.rmtree(whole)


def _holding(bundle: Path) -> dict[str, str]:
    """Each indexed page and the shard holding it."""
    listed = json.loads((bundle / shards.MANIFEST).read_text(encoding="utf-8"))["languages"]
    return {rel: name for names in listed.values() for name in names for rel in shards.read_pages(bundle, name)}


def test_a_small_rebuild_indexes_again_only_the_shard_of_the_edited_article(sharded) -> None:
    site, runs = sharded
    out = site / "output"
    bundle = out / search.BUNDLE
    listed = json.loads((bundle / shards.MANIFEST).read_text(encoding="utf-8"))
    assert len(listed["languages"]["en"]) > 5 and listed["words"] == {"en": "en/words", "ru": "ru/words"}
    shard = _holding(bundle)["en/article-00007/index.html"]
    others = [path for path in bundle.rglob("*.pf_fragment") if not path.is_relative_to(bundle / shard)]
    inodes = {path: path.stat().st_ino for path in others if "words" not in path.parts}
    _edit(site, "article-00007", "en")
    report = build_ok(site)
    assert 0 < report.rendered < report.files / 10, "a patch, not a new folder"
    assert runs == [shard, "en/words"], "one shard, and the language's vocabulary"
    assert all(path.stat().st_ino == inode for path, inode in inodes.items()), "the other shards were kept"
    _same_as_a_clean_build(out)


def _dates(site: Path) -> list[tuple[str, str]]:
    """Each article's English date and slug, oldest first."""
    found = []
    for path in (site / "content" / "articles").glob("*/en.md"):
        date = re.search(r"^date: (.*)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert date
        found.append((date[1], path.parent.name))
    return sorted(found)


def test_an_article_moving_to_another_year_indexes_again_the_shards_it_leaves_and_joins(sharded) -> None:
    site, runs = sharded
    bundle = site / "output" / search.BUNDLE
    before = _holding(bundle)
    dates = _dates(site)
    # The last article of a year moves to the first of January: the order of every listing stays as it was.
    (_, slug), (later, _) = next(pair for pair in itertools.pairwise(dates) if pair[0][0][:4] != pair[1][0][:4])
    new_year = f"{later[:4]}-01-01"
    assert later > new_year
    _edit(site, slug, "en", date=new_year)
    build_ok(site)
    now = _holding(bundle)[f"en/{slug}/index.html"]
    assert now != before[f"en/{slug}/index.html"] and now.startswith(f"en/{later[:4]}")
    left = before[f"en/{slug}/index.html"]
    assert sorted(runs) == sorted({now, "en/words"} | ({left} if (bundle / left).exists() else set()))
    _same_as_a_clean_build(site / "output")


def test_pages_removed_leave_their_shards_and_an_empty_shard_goes(sharded) -> None:
    """The patch of a build that removes an article's pages, made as the build makes it (the index's
    changes staged with the pages, then applied under one commit)."""
    site, runs = sharded
    out = site / "output"
    bundle = out / search.BUNDLE
    before = _holding(bundle)
    single = next(name for name in sorted(set(before.values())) if len(shards.read_pages(bundle, name)) == 1)
    slug = next(iter(shards.read_pages(bundle, single))).split("/")[1]  # an article alone in its shard
    pages = [f"{lang}/{slug}/index.html" for lang in ("en", "ru")]
    alone = {name for name in set(before.values()) if set(shards.read_pages(bundle, name)) <= set(pages)}
    with output.Stage(out, patch=True) as stage:
        dropped = search.patch(out, stage.folder, pages, pages)
        stage.apply([*pages, *dropped])
    assert not set(pages) & set(_holding(bundle))
    assert sorted(runs) == sorted({before[page] for page in pages} - alone | {"en/words", "ru/words"})
    assert alone and not any((bundle / name).exists() for name in alone), "a shard left without pages goes"
    listed = json.loads((bundle / shards.MANIFEST).read_text(encoding="utf-8"))["languages"]
    assert not alone & {name for names in listed.values() for name in names}
    _same_as_a_clean_build(out)


def test_pagefind_dies_with_a_build_killed_while_it_runs(tmp_path: Path) -> None:
    """SIGKILL gives a build no time to stop its Pagefind run: the run is tied to the build's life instead."""
    site = example_site(tmp_path)
    started = tmp_path / "pagefind.pid"
    program = fake_pagefind(tmp_path, f"echo $$ > {started}\nexec sleep 60\n")
    build = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q"],
        env={**os.environ, search.ENV: str(program)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (started.is_file() and started.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = int(started.read_text())
    finally:
        build.kill()
        build.wait()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the Pagefind run outlived the killed build"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as status:  # a zombie is dead, only not yet reaped
            return status.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


# -- Shards searched as one index, in a real browser -------------------------------------

#: Words some articles hold and others not, in other years: the case a shard answers differently alone.
RARE = {7: "hydrologist Zangezur", 12: "Zangezur", 23: "hydrologist", 31: "Lachin corridor"}
QUERIES = ["border", "water pipeline", "pipel", "hydrologist", "hydro", "zangezur", "lachin", "corridor lachin"]
QUERIES += ["nowhere", '"border talks"']
SEARCH = """async ([module, queries]) => {
  const pagefind = await import(module);
  await pagefind.options({ baseUrl: "/" });
  const found = {};
  for (const query of queries) {
    const response = await pagefind.search(query);
    found[query] = (await Promise.all(response.results.map((result) => result.data()))).map((data) => data.url).sort();
  }
  return found;
}"""


@needs_pagefind
@pytest.mark.browser
def test_the_shards_find_what_a_single_index_finds(browser, tmp_path: Path, monkeypatch) -> None:
    """Every query gives the pages one whole index gives: the shards' pages, merged, with none of the pages
    a shard without the word would answer with alone."""
    monkeypatch.setattr(shards, "LIMIT", 5)
    site = generated_site(40, tmp_path / "site")
    for number, words in RARE.items():
        path = site / "content" / "articles" / f"article-{number:05d}" / "en.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\nThe {words} question.\n", encoding="utf-8")
    out = build_ok(site).out
    assert len(json.loads((out / search.BUNDLE / shards.MANIFEST).read_text(encoding="utf-8"))["languages"]["en"]) > 5
    whole = out / "whole"  # the reference: Pagefind run by hand on every article page at once
    command = [search.executable(), "--site", str(out), "--output-path", str(whole), "--glob", "*/*/index.html"]
    subprocess.run([*command, "--quiet"], check=True, capture_output=True)
    with static_server(out) as url:
        page = browser.new_page()
        page.goto(url + "en/search/")
        sharded = page.evaluate(SEARCH, [url + "pagefind/pagefind.js", QUERIES])
        single = page.evaluate(SEARCH, [url + "whole/pagefind.js", QUERIES])
        assert sharded == single
        assert len(single["hydrologist"]) == 2 and len(single["zangezur"]) == 2 and single["nowhere"] == []
        assert len(single["border"]) > 20
        page.goto(url + "en/search/?q=zangezur")
        page.wait_for_selector(RESULT)
        assert page.locator(".pagefind-ui__message").inner_text().startswith("2 results for")
        page.close()
