"""The review pages as ``sitegen serve`` answers them over real HTTP: addresses, languages, escaping, saves,
staleness and sign-off on the example site, and no trace of them in a build (tests/serving.py)."""

from __future__ import annotations

import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import review_page, serve

from .conftest import SITES, build_ok, example_site, invoke, snapshot
from .serving import Events, Server, raw_get, serving, static_server, wait_until

ARTICLE = "content/articles/karabakh-claim"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The basic site served by ``sitegen serve``, with a warning in an article; these tests only read it."""
    folder = tmp_path_factory.mktemp("served")
    site = folder / "basic"
    shutil.copytree(SITES / "basic", site)
    source = site / ARTICLE / "ru.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title:", "sumary: x\ntitle:", 1), encoding="utf-8")
    with serving(site) as running:
        yield running


def origin(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


def get(server: Server, path: str) -> tuple[int, dict[str, str], str]:
    status, headers, body = raw_get(server.port, path)
    return status, headers, body.decode()


def test_the_review_pages_are_under_the_previews_own_address(server: Server) -> None:
    status, headers, _ = get(server, "/_sitegen/review/")
    assert status == 302 and headers["location"] == "/_sitegen/review/en/"
    assert get(server, "/_sitegen/review/ru")[1]["location"] == "/_sitegen/review/ru/"
    assert get(server, "/_sitegen/review/en/karabakh-claim")[1]["location"] == "/_sitegen/review/en/karabakh-claim/"
    for missing in ("/_sitegen/review/de/", "/_sitegen/review/en/no-such/", "/_sitegen/review/en/karabakh-claim/x/"):
        assert get(server, missing)[0] == 404, missing
    assert get(server, "/news/_sitegen/review/en/")[0] == 404, "not under the site's own path"


def test_the_index_lists_every_article_with_its_counts(server: Server) -> None:
    status, headers, page = get(server, "/_sitegen/review/en/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    slugs = re.findall(r'<li class="review-item" data-slug="([^"]+)"', page)
    assert sorted(slugs) == ["a-draft", "karabakh-claim", "only-english", "water-dispute"]
    item = page[page.index('data-slug="karabakh-claim"') :]
    item = item[: item.index("</li>")]
    assert 'href="/_sitegen/review/en/karabakh-claim/"' in item
    assert '<span class="review-count warning">1 warning</span>' in item
    assert '<meta name="robots" content="noindex">' in page
    assert '<script src="/_sitegen/live.js"' in page and 'data-mode="review"' in page


def test_the_article_review_shows_every_language_passage_by_passage_with_its_problems(server: Server) -> None:
    status, _, page = get(server, "/_sitegen/review/en/karabakh-claim/")
    assert status == 200
    assert '<html lang="en" dir="ltr">' in page
    assert page.count('data-lang="en"') >= 6 and page.count('data-lang="ru"') >= 6
    assert "He calls the report part of an information war." in page
    assert "Он называет сообщение частью информационной войны." in page
    assert "unknown field &#39;sumary&#39;" in page, "the problem, escaped, in the Russian header"
    assert "ru.md:2" in page
    assert '<li data-city="yerevan">Yerevan: 43%, 15 words · 2 passages</li>' in page, "balance figures per city"
    assert '<li data-city="baku">Baku: 52%, 13 words · 2 passages</li>' in page, "in each language"
    assert 'href="/news/en/karabakh-claim/"' in page and 'href="/news/static/' in page, "site links work from here"
    assert 'href="/_sitegen/review/ru/karabakh-claim/" hreflang="ru"' in page, "the switcher leads to the same review"
    assert '<link rel="stylesheet" href="/_sitegen/review.css">' in page
    status, headers, css = get(server, "/_sitegen/review.css")
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8" and ".review-cells" in css


def test_the_review_speaks_the_language_it_is_asked_in(server: Server) -> None:
    page = get(server, "/_sitegen/review/ru/karabakh-claim/")[2]
    assert '<html lang="ru" dir="ltr">' in page
    assert "Проверка" in page and "Все статьи" in page
    assert page.index('data-lang="ru"') < page.index('data-lang="en"'), "its own language first"


def test_a_served_article_page_links_to_its_review_and_the_file_does_not(server: Server) -> None:
    status, _, page = get(server, "/news/ru/karabakh-claim/")
    assert status == 200
    assert '<template id="sitegen-marks" data-review="/_sitegen/review/ru/karabakh-claim/"' in page
    assert 'data-review-label="Проверить статью"' in page
    on_disk = (server.out / "ru" / "karabakh-claim" / "index.html").read_text(encoding="utf-8")
    assert "sitegen-marks" not in on_disk
    assert "sitegen-marks" not in get(server, "/news/ru/")[2], "only article pages get marks"


def test_other_hosts_get_no_review(server: Server) -> None:
    status, _, body = raw_get(server.port, "/_sitegen/review/en/karabakh-claim/", {"Host": "evil.example"})
    assert status == 403 and b"Gurgen" not in body


def test_a_plain_server_over_a_folder_has_no_review_pages(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with static_server(build_ok(site).out) as url:
        port = urllib.parse.urlsplit(url).port
        assert raw_get(port, "/_sitegen/review/")[0] == 404
        assert raw_get(port, "/_sitegen/review.css")[0] == 404


def test_a_build_writes_no_review_page(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    files = snapshot(build_ok(site, drafts=True).out)
    assert not [path for path in files if "_sitegen" in path or "review" in path]
    assert not [path for path, data in files.items() if b"sitegen-marks" in data or b"review.css" in data]


HOSTILE = """\
---
title: "<img src=x onerror=alert(1)> title"
date: 2023-06-05
summary: "<script>alert(2)</script>"
voices:
  simonyan:
    city: yerevan
    name: "<b onmouseover=alert(3)>Gurgen</b>"
    role: "</code><script>alert(4)</script>"
points:
  credible: "Is it <i>credible</i>?"
---

::: simonyan credible
A passage with <script>alert(5)</script> in it.
:::

::: <svg/onload=alert(6)> credible
A passage for a voice nobody declared.
:::
"""


def test_every_editor_supplied_text_is_escaped(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    hostile = site / "content" / "articles" / "hostile"
    hostile.mkdir()
    (hostile / "en.md").write_text(
        HOSTILE.replace("::: <svg/onload=alert(6)> credible\nA passage for a voice nobody declared.\n:::\n", ""),
        encoding="utf-8",
    )
    with serving(site) as running:
        events = Events(running.port)
        try:
            events.next()
            (hostile / "en.md").write_text(HOSTILE, encoding="utf-8")
            events.next(lambda name, data: name == "errors" and bool(data["errors"]))
        finally:
            events.close()
        pages = [
            raw_get(running.port, path)[2].decode() for path in ("/_sitegen/review/en/hostile/", "/_sitegen/review/en/")
        ]
    for page in pages:
        for attack in ("<img src=x", "<script>alert", "<b onmouseover", "<svg/onload", "<i>credible"):
            assert attack not in page, attack
    review_of = pages[0]
    assert "&lt;img src=x onerror=alert(1)&gt; title" in review_of
    assert "&lt;b onmouseover=alert(3)&gt;Gurgen&lt;/b&gt;" in review_of
    assert "&lt;svg/onload=alert(6)&gt;" in review_of, "the problem quotes it, escaped"
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in review_of, "raw HTML in a passage stays text"


def test_the_review_follows_each_save(tmp_path: Path) -> None:
    """A save changes the review, and a broken save shows its error there, at its line, over the last good text."""
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    source = site / ARTICLE / "en.md"
    text = source.read_text(encoding="utf-8")
    with serving(site) as running:

        def review_page_text() -> str:
            return raw_get(running.port, "/_sitegen/review/en/karabakh-claim/")[2].decode()

        source.write_text(text.replace("part of an information war", "a freshly saved sentence"), encoding="utf-8")
        wait_until(lambda: "a freshly saved sentence" in review_page_text(), "the review shows the save")
        source.write_text(text.replace("::: namazov credible", "::: namazof credible"), encoding="utf-8")
        wait_until(lambda: "undeclared voice &#39;namazof&#39;" in review_page_text(), "the review shows the error")
        page = review_page_text()
        assert f"{ARTICLE}/en.md:35" in page
        assert "The text below is the last version that built" in page
        assert "a freshly saved sentence" in page, "the last good text stays"
        source.write_text(text, encoding="utf-8")
        wait_until(lambda: "namazof" not in review_page_text(), "the fix clears it")
        assert "Nothing to fix" in review_page_text()


def test_the_example_sites_stale_passage_and_signoffs_are_shown_where_they_belong(tmp_path: Path) -> None:
    """The example site marks its Russian translations; one passage's English source changed since."""
    site = example_site(tmp_path)
    with serving(site) as running:
        page = raw_get(running.port, "/_sitegen/review/en/washington-karabakh-operation/")[2].decode()
        line = page[page.index('data-voice="simonyan" data-city="yerevan"') :]
        line = line[: line.index("</section>")]
        ru = line[line.index('data-lang="ru"') :]
        assert ru.startswith('data-lang="ru"') and 'class="review-cell is-stale" data-lang="ru"' in line
        assert "Stale translation" in ru and "en.md:36" in ru and "What changed" in ru
        assert "is older than" not in page, "the stale text is not listed again as a warning"
        assert '<span class="review-count stale">1 stale translation</span>' in page
        signed = raw_get(running.port, "/_sitegen/review/en/peace-treaty-draft/")[2].decode()
        assert "Yerevan: signed off by Ani Grigoryan" in signed.replace("<bdi>", "").replace("</bdi>", "")
        article = raw_get(running.port, "/news/ru/washington-karabakh-operation/")[2].decode()
        assert 'data-passage="' in article and "Устаревший перевод" in article, "the article page gets the mark"
        assert "Устаревший перевод" not in raw_get(running.port, "/news/en/washington-karabakh-operation/")[2].decode()

        assert (
            invoke("i18n", "mark-translated", "washington-karabakh-operation", "ru", "--site", str(site)).exit_code == 0
        )
        wait_until(
            lambda: (
                "is-stale"
                not in raw_get(running.port, "/_sitegen/review/en/washington-karabakh-operation/")[2].decode()
            ),
            "marking the translation clears the mark",
        )
        assert "Устаревший перевод" not in raw_get(running.port, "/news/ru/washington-karabakh-operation/")[2].decode()


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    site = tmp_path_factory.mktemp("review-languages") / "polyglot"
    shutil.copytree(SITES / "polyglot", site)
    with serving(site) as running:
        yield running


@pytest.mark.parametrize(
    ("lang", "direction", "heading"),
    [
        ("en", "ltr", "Title, summary and lead"),
        ("ru", "ltr", "Заголовок, аннотация и вступление"),
        ("hy", "ltr", "Վերնագիր, ամփոփում և ներածություն"),
        ("az", "ltr", "Başlıq, xülasə və giriş"),
        ("ka", "ltr", "სათაური, რეზიუმე და შესავალი"),
        ("fa", "rtl", "عنوان، خلاصه و مقدمه"),
    ],
)
def test_every_shipped_language_speaks_on_the_review_pages(
    polyglot: Server, lang: str, direction: str, heading: str
) -> None:
    status, _, page = get(polyglot, f"/_sitegen/review/{lang}/trade-corridor/")
    assert status == 200 and f'<html lang="{lang}" dir="{direction}">' in page
    assert f'<h2 class="review-line-title">{heading}</h2>' in page
    status, _, index = get(polyglot, f"/_sitegen/review/{lang}/")
    assert status == 200 and f'<html lang="{lang}" dir="{direction}">' in index
    parallel = get(polyglot, f"/news/{lang}/trade-corridor/parallel/")[2]
    assert f'data-review="/_sitegen/review/{lang}/trade-corridor/"' in parallel, "the parallel view leads there too"


def test_an_article_review_counts_the_errors_elsewhere_that_stop_the_build(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site) as running:
        (site / "content" / "people.yaml").write_text("someone: [\n", encoding="utf-8")
        wait_until(
            lambda: "1 error elsewhere in the site" in get(running, "/_sitegen/review/en/karabakh-claim/")[2],
            "the review says the site does not build",
        )
        page = get(running, "/_sitegen/review/en/karabakh-claim/")[2]
        assert "The text below is the last version that built" in page
        index = get(running, "/_sitegen/review/en/")[2]
        assert "Problems outside the articles" in index and "content/people.yaml:2" in index
        (site / "sitegen.toml").write_text("title = \n", encoding="utf-8")
        wait_until(lambda: get(running, "/_sitegen/review/en/")[0] == 404, "a broken config leaves no review")


def test_a_theme_that_breaks_the_review_templates_costs_the_review_only(tmp_path: Path) -> None:
    """A site's theme may override the review templates; a mistake there names its line and spares the pages."""
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    override = site / "theme" / "templates" / "preview" / "_notes.html"
    override.parent.mkdir(parents=True)
    default = (Path(review_page.__file__).parent.parent / "theme" / "templates" / "preview" / "_notes.html").read_text(
        encoding="utf-8"
    )
    override.write_text(default.replace("{% macro counts(c) %}", "{% macro counts(c) %}{{ 1 // 0 }}"), encoding="utf-8")
    (override.parent / "marks.html").write_text("{{ 1 // 0 }}\n", encoding="utf-8")
    with serving(site) as running:
        status, _, page = get(running, "/news/en/karabakh-claim/")
        assert status == 200 and "sitegen-marks" not in page, "the article page is served, without its marks"
        status, _, page = get(running, "/_sitegen/review/en/karabakh-claim/")
        assert status == 500
        assert "theme/templates/preview/_notes.html:6: error: template error: ZeroDivisionError" in page


def test_the_session_names_where_the_review_pages_start(tmp_path: Path) -> None:
    """``sitegen serve`` prints it under the preview's own address."""
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    session = serve.open_session(site, site / ".sitegen" / "preview", port=0)
    try:
        assert session.review_url == f"http://127.0.0.1:{session.server.port}/_sitegen/review/"
    finally:
        session.server.server_close()
