"""The built pages as readers see them: real Chromium, driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page

from .conftest import build_ok
from .serving import Server, serving, static_server

pytestmark = pytest.mark.browser


def built_and_served(folder: Path, name: str) -> Iterator[str]:
    """A fixture site from ``tests/sites``, built and served over real HTTP on 127.0.0.1."""
    site = folder / name
    shutil.copytree(Path(__file__).parent / "sites" / name, site)
    report = build_ok(site)
    with static_server(report.out) as url:
        yield url


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The basic fixture site, built and served."""
    yield from built_and_served(tmp_path_factory.mktemp("browser"), "basic")


def open_page(browser: Browser, url: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    return page


def test_cities_side_by_side_on_desktop(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "en/karabakh-claim/", 1280)
    yerevan = page.locator('#point-credible .passage[data-city="yerevan"]').bounding_box()
    baku = page.locator('#point-credible .passage[data-city="baku"]').bounding_box()
    assert yerevan and baku
    assert abs(yerevan["y"] - baku["y"]) < 2, "answers to one point share a top edge"
    assert baku["x"] > yerevan["x"] + yerevan["width"] - 1, "Baku's column is right of Yerevan's"
    silent = page.locator('#point-next .cell.silent[data-city="baku"]')
    assert silent.inner_text().strip().endswith("No comment from Baku on this point")
    assert not page.locator('.cell.silent[data-city="moscow"]').count(), "Moscow only reports: no column of silence"
    page.close()


def test_single_city_row_spans_the_width(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "en/karabakh-claim/", 1280)
    claim = page.locator("#point-claim .cell").bounding_box()
    head = page.locator(".columns-head").bounding_box()
    assert claim and head and claim["width"] > head["width"] * 0.6
    page.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_claim_stands_apart_and_each_answer_under_its_own_city(browser: Browser, base_url: str, lang: str) -> None:
    page = open_page(browser, f"{base_url}{lang}/karabakh-claim/", 1280)
    claim = page.locator("#point-claim").bounding_box()
    head = page.locator(".columns-head").bounding_box()
    assert claim and head and claim["y"] + claim["height"] <= head["y"] + 1, "the claim comes before the city columns"
    assert claim["width"] >= head["width"] - 1, "full width, under no city's header"
    assert page.locator(".column-head").evaluate_all("heads => heads.map(h => h.dataset.city)") == ["yerevan", "baku"]
    for row, city in (("#point-next", "baku"), ("#point-next", "yerevan"), (".row:last-child", "baku")):
        cell = page.locator(f'{row} .cell[data-city="{city}"]').bounding_box()
        column = page.locator(f'.column-head[data-city="{city}"]').bounding_box()
        assert cell and column and abs(cell["x"] - column["x"]) < 2, f"{row}: {city}'s cell under {city}'s header"
    assert page.locator('#point-next .cell.silent[data-city="baku"] .no-comment').is_visible()
    page.close()


@pytest.mark.parametrize("path", ["en/karabakh-claim/", "ru/karabakh-claim/", "en/", "ru/", "", "en/water-dispute/"])
def test_no_horizontal_scroll_on_a_phone(browser: Browser, base_url: str, path: str) -> None:
    page = open_page(browser, base_url + path, 390)
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width
    page.close()


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_cities_stack_on_a_phone(browser: Browser, base_url: str, lang: str, width: int) -> None:
    page = open_page(browser, f"{base_url}{lang}/karabakh-claim/", width)
    top = page.locator('#point-credible .passage[data-city="yerevan"]').bounding_box()
    below = page.locator('#point-credible .passage[data-city="baku"]').bounding_box()
    assert top and below and below["y"] > top["y"] + top["height"] - 1, "Baku's answer below Yerevan's"
    page.close()


def test_language_switcher_leads_to_the_same_article(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "en/karabakh-claim/", 1280)
    page.click('.languages a[hreflang="ru"]')
    page.wait_for_url("**/ru/karabakh-claim/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text().startswith("Угрожает ли Вашингтон")
    page.click('.languages a[hreflang="en"]')
    page.wait_for_url("**/en/karabakh-claim/")
    page.close()


def test_language_switcher_keeps_the_point(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "en/karabakh-claim/#point-credible", 1280)
    page.click('.languages a[hreflang="ru"]')
    page.wait_for_url("**/ru/karabakh-claim/#point-credible")
    assert page.evaluate("location.hash") == "#point-credible"
    page.close()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Server]:
    """``sitegen serve`` over a copy of the basic site, for a test that edits it."""
    site = tmp_path / "basic"
    shutil.copytree(Path(__file__).parent / "sites" / "basic", site)
    with serving(site) as running:
        yield running


def test_a_save_shows_up_in_the_open_page(browser: Browser, preview: Server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 400})
    page.goto(preview.url + "en/karabakh-claim/")
    page.wait_for_function("document.querySelector('script[data-version]') !== null")
    page.evaluate("window.scrollTo(0, 250)")
    page.wait_for_function("window.scrollY === 250")
    page.evaluate("window.notReloaded = true")
    source = preview.site / "content" / "articles" / "karabakh-claim" / "en.md"
    text = source.read_text(encoding="utf-8")

    source.write_text(text.replace("part of an information war", "a freshly saved sentence"), encoding="utf-8")
    passage = page.locator('.passage[data-voice="simonyan"]').first
    passage.filter(has_text="a freshly saved sentence").wait_for()
    assert page.evaluate("window.notReloaded === undefined"), "the page reloaded by itself"
    page.wait_for_function("window.scrollY === 250")

    source.write_text(text.replace("::: namazov credible", "::: namazof credible"), encoding="utf-8")
    overlay = page.locator("#sitegen-overlay")
    overlay.get_by_text("undeclared voice 'namazof'").wait_for()
    listed = overlay.locator(".errors ol").inner_text()
    assert "content/articles/karabakh-claim/en.md:35: passage for undeclared voice" in listed
    assert "a freshly saved sentence" in passage.inner_text(), "the last good page stays under the overlay"

    source.write_text(text, encoding="utf-8")
    overlay.locator(".errors").wait_for(state="detached")
    passage.filter(has_text="part of an information war").wait_for()
    page.close()


# -- Every shipped language, right to left too ------------------------------------------------

#: The languages of the polyglot fixture site: every one the default theme ships a catalog for.
SHIPPED = ["en", "ru", "hy", "az", "ka", "fa"]
#: One page of every type, under a language's prefix ("" is its home).
PAGE_TYPES = [
    "water-dispute/",
    "water-dispute/parallel/",
    "border-road/",
    "",
    "page/2/",
    "cities/",
    "cities/yerevan/",
    "cities/yerevan/page/2/",
    "people/",
    "people/*",
    "people/*page/2/",
    "tags/",
    "tags/*",
    "archive/",
    "archive/2023/",
    "search/",
    "404.html",
]
NARROW = (320, 390, 768)
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [...document.querySelectorAll(".languages li > *")].filter((entry) => {
    const box = entry.getBoundingClientRect();
    return box.left < 0 || box.right > width;
  });
  return [document.documentElement.scrollWidth, width, cut.map((entry) => entry.textContent)];
}"""


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site in en, ru, hy, az, ka and fa: the language switcher at its longest."""
    yield from built_and_served(tmp_path_factory.mktemp("browser"), "polyglot")


@pytest.mark.parametrize("lang", SHIPPED)
def test_no_page_scrolls_sideways_in_any_shipped_language(browser: Browser, polyglot: str, lang: str) -> None:
    """Issue 12: at 320, 390 and 768 px no page is wider than the screen and no switcher entry is cut off."""
    page = browser.new_page(viewport={"width": NARROW[0], "height": 800})
    problems, seen, first = [], 0, {}
    for path in PAGE_TYPES:
        section, star, rest = path.partition("*")
        if star:  # a tag's or a person's page: the first one its section lists
            if section not in first:
                page.goto(polyglot + lang + "/" + section)
                first[section] = page_link(page, ".term a")
            path = section + first[section] + rest
        response = page.goto(polyglot + lang + "/" + path)
        assert response
        if response.status == 404 and path == "border-road/":
            continue  # not translated into every language: its page type is checked in the others
        assert response.status == 200, path
        seen += 1
        for width in NARROW:
            page.set_viewport_size({"width": width, "height": 800})
            scroll_width, client_width, cut = page.evaluate(SIDEWAYS)
            if scroll_width > client_width or cut:
                problems.append(f"{lang}/{path} @{width}px: {scroll_width}px wide for {client_width}; cut off: {cut}")
    page.close()
    assert seen >= len(PAGE_TYPES) - 1
    assert problems == []


def page_link(page: Page, selector: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    assert href, selector
    return href


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found, selector
    return found


def test_a_persian_article_reads_from_the_right(browser: Browser, polyglot: str) -> None:
    """The first city stands on the reading side; borders and anchors follow the text."""
    page = open_page(browser, polyglot + "fa/water-dispute/", 1280)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    yerevan, baku = (box(page, f'#point-share .cell[data-city="{city}"]') for city in ("yerevan", "baku"))
    assert abs(yerevan["y"] - baku["y"]) < 2 and yerevan["x"] > baku["x"] + baku["width"] - 1, "Yerevan on the right"
    borders = page.evaluate(
        "[...document.querySelectorAll('.cell')].map((c) => [getComputedStyle(c).borderRightWidth,"
        " getComputedStyle(c).borderLeftWidth])"
    )
    assert set(map(tuple, borders)) == {("4px", "0px")}, "each cell's city border on its right, where the text starts"
    question, anchor = box(page, "#point-share .question"), box(page, "#point-share .anchor")
    assert anchor["x"] + anchor["width"] < question["x"] + question["width"] - 20, "the link follows the question: left"
    masthead, title = box(page, ".masthead-inner"), box(page, ".site-title")
    assert title["x"] + title["width"] > masthead["x"] + masthead["width"] - 30, "the site title on the right"
    page.set_viewport_size({"width": 390, "height": 900})
    yerevan, baku = (box(page, f'#point-share .cell[data-city="{city}"]') for city in ("yerevan", "baku"))
    assert baku["y"] > yerevan["y"] + yerevan["height"] - 1, "cities stack on a phone"
    page.close()


def test_the_parallel_view_lays_each_language_out_in_its_own_direction(browser: Browser, polyglot: str) -> None:
    page = open_page(browser, polyglot + "en/water-dispute/parallel/", 1280)
    directions = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll("
        "'.parallel-row:not(.parallel-head):not(.parallel-silent) .parallel-cell')]"
        ".map((c) => [c.lang, getComputedStyle(c).direction]))"
    )
    assert directions == {"en": "ltr", "ru": "ltr", "hy": "ltr", "az": "ltr", "ka": "ltr", "fa": "rtl"}
    english, persian = box(page, '.parallel-cell[lang="en"] .passage'), box(page, '.parallel-cell[lang="fa"] .passage')
    assert english["x"] < persian["x"], "an English page keeps its reading order: Persian is the last column"
    page.close()


def test_warnings_sit_collapsed_apart_from_errors(browser: Browser, preview: Server) -> None:
    """The basic site builds with two warnings: a bar that opens into them, and goes once they are fixed."""
    page = browser.new_page(viewport={"width": 1280, "height": 700})
    page.goto(preview.url + "en/karabakh-claim/")
    overlay = page.locator("#sitegen-overlay")
    toggle = overlay.get_by_role("button", name="sitegen: 2 warnings")
    toggle.wait_for()
    assert toggle.get_attribute("aria-expanded") == "false"
    listed = overlay.locator(".warnings ol")
    assert not listed.is_visible(), "warnings start collapsed"
    assert overlay.locator(".errors").count() == 0 and overlay.get_by_role("alert").count() == 0
    bar = overlay.locator(".warnings").bounding_box()
    assert bar and bar["height"] < 60 and bar["width"] < 400, f"collapsed, the bar stays small: {bar}"

    toggle.focus()
    page.keyboard.press("Enter")
    listed.wait_for()
    assert overlay.locator(".toggle").get_attribute("aria-expanded") == "true"
    items = listed.locator("li").all_inner_texts()
    assert items[0].startswith(
        "content/articles/a-draft/en.md:1: the article has no Russian (ru) translation yet"
    ), items
    assert len(items) == 2
    page.keyboard.press("Escape")
    listed.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "sitegen-overlay", "focus stays on the toggle"

    source = preview.site / "content" / "articles" / "karabakh-claim" / "en.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("::: namazov credible", "::: namazof credible"), encoding="utf-8")
    errors = overlay.get_by_role("alert")
    errors.wait_for()
    assert errors.locator("h2").inner_text() == "sitegen: 1 error"
    assert overlay.locator(".warnings .toggle").is_visible(), overlay.inner_text()
    error_box, warning_bar = errors.bounding_box(), overlay.locator(".warnings").bounding_box()
    assert error_box and warning_bar and warning_bar["y"] + warning_bar["height"] <= error_box["y"], "no overlap"
    source.write_text(text, encoding="utf-8")
    errors.wait_for(state="detached")

    overlay.get_by_role("button", name="Hide the warnings until they change").click()
    toggle.wait_for(state="detached")
    page.reload()
    page.wait_for_function("document.querySelector('script[data-version]') !== null")
    page.wait_for_timeout(500)
    assert overlay.locator(".warnings").count() == 0, "hidden warnings stay hidden over reloads"

    only = preview.site / "content" / "articles" / "only-english"
    (only / "ru.md").write_text((only / "en.md").read_text(encoding="utf-8"), encoding="utf-8")
    overlay.get_by_role("button", name="sitegen: 1 warning").wait_for()  # changed warnings show again
    draft = preview.site / "content" / "articles" / "a-draft"
    (draft / "ru.md").write_text((draft / "en.md").read_text(encoding="utf-8"), encoding="utf-8")
    overlay.wait_for(state="detached")  # no warning left: nothing over the page
    page.close()


def test_problems_in_the_overlay_are_text_never_markup(browser: Browser, preview: Server) -> None:
    """A warning quotes the content ("unknown field '<img …>'"): the overlay shows it as text, runs nothing."""
    source = preview.site / "content" / "articles" / "karabakh-claim" / "en.md"
    text = source.read_text(encoding="utf-8")
    trap = "<img src=x onerror=window.ran=1>"
    source.write_text(text.replace("title:", f'"{trap}": 1\ntitle:', 1), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 700})
    page.goto(preview.url + "en/karabakh-claim/")
    overlay = page.locator("#sitegen-overlay")
    overlay.locator(".toggle").click()
    overlay.get_by_text(f"unknown field '{trap}'").wait_for()
    assert overlay.locator("img").count() == 0
    assert page.evaluate("window.ran === undefined")
    page.close()


# -- First load, point links, a missing translation -------------------------------

#: Where the screenshots of these tests are written, to be looked at (``SITEGEN_SHOTS=/some/folder``).
SHOTS = os.environ.get("SITEGEN_SHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("path", ["en/karabakh-claim/", "ru/", "ru/only-english/", "en/tags/"])
def test_a_first_load_logs_no_console_error_and_asks_for_nothing_missing(
    browser: Browser, base_url: str, path: str
) -> None:
    """A fresh browser (no cache) asks for a favicon unless the page names one: that must not be a 404."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.goto(base_url + path, wait_until="load")
    page.wait_for_timeout(500)  # the favicon is asked for after the load event
    assert errors == []
    icon = page.locator('link[rel="icon"]').get_attribute("href", timeout=1000)
    assert icon and page.request.get(urljoin(page.url, icon)).ok
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_point_link_is_an_icon_shown_on_hover_and_focus_not_a_hash(
    browser: Browser, base_url: str, width: int
) -> None:
    page = open_page(browser, base_url + "en/karabakh-claim/", width)
    heading = page.locator("#point-credible .question")
    assert heading.inner_text().strip() == "Is the report credible?", "no '#' or other mark in the question's text"
    anchor = heading.get_by_role("link", name="Link to this point")
    assert anchor.get_attribute("href") == "#point-credible"
    opacity = "(element) => getComputedStyle(element).opacity"
    assert anchor.evaluate(opacity) == "0", "out of the way while reading"
    heading.hover()
    page.wait_for_timeout(300)
    assert anchor.evaluate(opacity) == "1", "shown on hover"
    shot(page, f"point-anchor-hover-{width}")
    page.mouse.move(0, 0)
    anchor.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert anchor.evaluate(opacity) == "1", "shown when reached with the keyboard"
    anchor.click()
    page.wait_for_url("**/en/karabakh-claim/#point-credible")
    page.close()


def test_a_point_link_stays_visible_where_there_is_no_hover(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + "ru/karabakh-claim/")
    assert page.evaluate("matchMedia('(hover: none)').matches")
    anchor = page.locator("#point-credible .question .anchor")
    assert float(anchor.evaluate("(element) => getComputedStyle(element).opacity")) > 0.4
    box = anchor.bounding_box()
    assert box and box["width"] >= 16, "big enough to tap"
    shot(page, "point-anchor-touch-390-ru")
    context.close()


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_a_missing_translation_leads_to_the_versions_that_exist(browser: Browser, base_url: str, width: int) -> None:
    page = open_page(browser, base_url + "en/only-english/", width)
    page.click('.languages a[hreflang="ru"]')
    page.wait_for_url("**/ru/only-english/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Этот комментарий не переведён на русский."
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width
    shot(page, f"missing-translation-{width}")
    page.locator(".versions a[hreflang='en']").click()
    page.wait_for_url("**/en/only-english/")
    page.close()
