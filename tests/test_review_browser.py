"""The review pages and the preview's marks as an editor's browser shows them: real Chromium, real ``sitegen serve``.

Screenshots go to $SITEGEN_SHOTS when it is set (see tests/test_browser.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from sitegen import review, review_page
from sitegen.errors import Location
from sitegen.serve import PreviewServer

from .conftest import SITES, example_site, invoke
from .serving import Events, Server, serving
from .test_browser import SHOTS, shot
from .test_quality import AXE, AXE_RUN, AXE_TAGS, FAILING
from .test_review import state_of

pytestmark = pytest.mark.browser

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The site in every shipped language, served by ``sitegen serve``; these tests only read it."""
    site = tmp_path_factory.mktemp("review-browser") / "polyglot"
    shutil.copytree(SITES / "polyglot", site)
    with serving(site) as running:
        yield running


def open_page(browser: Browser, url: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    page.wait_for_function("document.querySelector('script[data-version]') !== null")
    return page


def origin(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.mark.parametrize("lang", ["en", "az", "fa"])
@pytest.mark.parametrize("width", [1280, 390, 320])
def test_every_language_side_by_side_on_desktop_and_stacked_on_a_phone(
    browser: Browser, polyglot: Server, lang: str, width: int
) -> None:
    page = open_page(browser, f"{origin(polyglot)}/_sitegen/review/{lang}/trade-corridor/", width)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
    line = page.locator('.review-line[data-voice="arakelyan"]')
    cells = line.locator(".review-cell")
    assert cells.count() == 6, "one cell per language"
    assert cells.first.get_attribute("data-lang") == lang, "the page's language first"
    boxes = [cells.nth(n).bounding_box() for n in range(6)]
    if width == 1280:
        assert all(abs(box["y"] - boxes[0]["y"]) < 2 for box in boxes), "the languages of a passage share a row"
        starts = [box["x"] for box in boxes]
        assert starts == sorted(starts, reverse=lang == "fa"), "the first language at the start of the line"
        assert page.locator(".review-languages").is_visible()
    else:
        tops = [box["y"] for box in boxes]
        assert tops == sorted(tops) and len(set(tops)) == 6, "stacked, in order"
        assert all(cells.nth(n).locator(".review-cell-language").is_visible() for n in range(6))
    assert page.locator(".review-balance-language").count() == 6, "balance figures for every language"
    assert page.evaluate(SIDEWAYS) <= 0, "no sideways scroll"
    shot(page, f"review-{lang}-{width}")
    page.close()


@pytest.mark.parametrize("lang", ["en", "az", "fa"])
def test_the_index_lists_every_article_and_leads_to_its_review(browser: Browser, polyglot: Server, lang: str) -> None:
    page = open_page(browser, f"{origin(polyglot)}/_sitegen/review/{lang}/", 390)
    items = page.locator(".review-item")
    assert items.count() == 3
    assert page.evaluate(SIDEWAYS) <= 0
    shot(page, f"review-index-{lang}-390")
    page.locator('.review-item[data-slug="border-road"] a').first.click()
    page.wait_for_url(f"**/_sitegen/review/{lang}/border-road/")
    page.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_an_article_page_of_the_preview_links_to_its_review(browser: Browser, polyglot: Server, width: int) -> None:
    page = open_page(browser, f"{polyglot.url}az/trade-corridor/", width)
    link = page.locator("#sitegen-review").get_by_role("link", name="Məqaləni yoxla")
    link.wait_for()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= 900
    link.click()
    page.wait_for_url("**/_sitegen/review/az/trade-corridor/")
    assert page.locator("#sitegen-review").count() == 0, "the review page needs no link to itself"
    page.close()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Server]:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site) as running:
        yield running


def test_the_open_review_follows_each_save_and_shows_errors_in_place(browser: Browser, preview: Server) -> None:
    page = open_page(browser, f"{origin(preview)}/_sitegen/review/en/karabakh-claim/", 1280)
    source = preview.site / "content" / "articles" / "karabakh-claim" / "ru.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("информационной войны", "только что сохранённой фразы"), encoding="utf-8")
    ru = page.locator('.review-line[data-voice="simonyan"][data-point="credible"] .review-cell[data-lang="ru"]')
    ru.get_by_text("только что сохранённой фразы").wait_for()

    source.write_text(text.replace("::: namazov credible", "::: namazof credible"), encoding="utf-8")
    note = page.locator(".review-note.error")
    note.first.wait_for()
    assert "undeclared voice 'namazof'" in note.first.inner_text()
    assert page.locator("#sitegen-overlay").count() == 0, "the review lists the problems itself: no overlay over it"
    shot(page, "review-with-error-en-1280")

    source.write_text(text, encoding="utf-8")
    page.locator(".review-count.none").wait_for()
    assert page.locator(".review-note.error").count() == 0
    page.close()


@contextmanager
def previewing(out: Path, state: review_page.State) -> Iterator[str]:
    """The preview's server over ``out`` at ``/`` (on a thread), its review pages made from ``state``."""
    server = PreviewServer(out, "127.0.0.1", 0, [])
    server.review = lambda: state
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def test_a_stale_passage_is_marked_in_the_article_page(browser: Browser, tmp_path: Path) -> None:
    """The marks the preview adds to an article page: the stale passage outlined, its note in the page's language.

    The page is the preview's (made by :class:`sitegen.preview.Preview`), served by the preview's server, with
    the marks the server adds to it made here for a stale note given directly.
    """
    site = tmp_path / "polyglot"
    shutil.copytree(SITES / "polyglot", site)
    state = state_of(site)
    article = state.site.article("trade-corridor")
    fa = article.translation("fa")
    passage = fa.passages[1]
    stale = review.StaleMark(
        passage.location,
        Location("content/articles/trade-corridor/en.md", 19),
        "passage 'ria'",
        dt.date(2023, 6, 7),
        old="The agency calls it a project.",
        new="The agency calls it a Russian project.",
    )
    out = site / ".sitegen" / "preview"
    page_file = out / "fa" / "trade-corridor" / "index.html"
    marks = review_page.article_marks(state, "fa", article, [stale])
    page_file.write_bytes(page_file.read_bytes().replace(b"</body>", marks + b"</body>"))
    with previewing(out, state) as url:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(url + "fa/trade-corridor/")
            page.wait_for_function("document.querySelector('script[data-version]') !== null")
            marked = page.locator("#passage-2.sitegen-stale")
            marked.wait_for()
            assert page.locator(".sitegen-stale").count() == 1
            note = marked.locator(".review-note.stale")
            assert note.is_visible()
            assert "ترجمهٔ به‌روزنشده" in note.inner_text()
            assert "en.md:19" in note.inner_text()
            assert page.locator("#sitegen-review").get_by_role("link", name="بازبینی این مطلب").is_visible()
            assert page.evaluate(SIDEWAYS) <= 0
            shot(page, f"stale-mark-fa-{width}")
            page.close()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The example site, whose Russian translation of one passage is behind its English source, served."""
    with serving(example_site(tmp_path_factory.mktemp("review-example"))) as running:
        yield running


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_the_stale_passage_is_marked_in_the_previews_article_page(
    browser: Browser, example: Server, width: int
) -> None:
    page = open_page(browser, f"{example.url}ru/washington-karabakh-operation/", width)
    marked = page.locator(".passage.sitegen-stale")
    marked.wait_for()
    assert marked.count() == 1
    assert (marked.get_attribute("data-voice"), marked.get_attribute("data-point")) == ("simonyan", "credible")
    note = marked.locator(".review-note.stale")
    assert note.is_visible() and "Устаревший перевод" in note.inner_text() and "en.md:36" in note.inner_text()
    note.get_by_text("Что изменилось").click()
    assert marked.locator(".review-diff-words ins").get_by_text("rock the situation").is_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    marked.scroll_into_view_if_needed()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/stale-mark-ru-{width}.png")  # the viewport: the mark where it stands
    english = open_page(browser, f"{example.url}en/washington-karabakh-operation/", width)
    english.locator("#sitegen-review").wait_for(state="attached")
    assert english.locator(".sitegen-stale").count() == 0, "the source is not stale"
    english.close()
    page.close()


def test_a_review_page_that_missed_a_change_of_the_problems_reloads_when_it_connects(
    browser: Browser, preview: Server
) -> None:
    """The problems changed after the page was made and before its event stream opened: no event will say
    so, and the version did not change (nothing was rebuilt); the page compares the count it was made with."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    held = {"on": True}
    page.route("**/_sitegen/events*", lambda route: route.abort() if held["on"] else route.continue_())
    page.goto(f"{origin(preview)}/_sitegen/review/en/karabakh-claim/")
    assert page.locator(".review-note.error").count() == 0
    events = Events(preview.port)
    try:
        events.next()
        source = preview.site / "content" / "articles" / "karabakh-claim" / "en.md"
        source.write_text(source.read_text(encoding="utf-8").replace("::: namazov", "::: namazof", 1), encoding="utf-8")
        events.next(lambda name, data: name == "errors" and bool(data["errors"]))
    finally:
        events.close()
    held["on"] = False
    page.locator(".review-note.error").first.wait_for()
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_review_pages_and_the_marks_pass_axe(browser: Browser, example: Server, width: int) -> None:
    """No serious or critical axe-core violation on the review pages, and on an article page with its marks."""
    found = []
    pages = (
        "/_sitegen/review/en/",
        "/_sitegen/review/ru/washington-karabakh-operation/",
        "/news/ru/washington-karabakh-operation/",
    )
    for path in pages:
        page = open_page(browser, origin(example) + path, width)
        if path.startswith("/news/"):
            page.locator(".sitegen-stale").wait_for()
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(AXE_RUN, AXE_TAGS):
            if violation["impact"] in FAILING:
                found.append(f"{path} @{width}px: {violation['id']}: {violation['nodes'][:3]}")
        page.close()
    assert found == [], "\n".join(found)


def test_marking_the_translation_takes_the_mark_off_the_open_page(browser: Browser, tmp_path: Path) -> None:
    """``sitegen i18n mark-translated`` changes no page, only the problems: the open page still follows."""
    site = example_site(tmp_path)
    with serving(site) as running:
        page = open_page(browser, f"{running.url}ru/washington-karabakh-operation/", 1280)
        page.locator(".sitegen-stale").wait_for()
        result = invoke("i18n", "mark-translated", "washington-karabakh-operation", "ru", "--site", str(site))
        assert result.exit_code == 0, result.output
        page.locator(".sitegen-stale").wait_for(state="detached")
        page.close()
