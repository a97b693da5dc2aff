"""The built pages as readers see them: real Chromium, driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from sitegen.serve import make_server

from .conftest import build_ok
from .serving import Server, serving

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The basic fixture site, built and served over real HTTP on 127.0.0.1."""
    site = tmp_path_factory.mktemp("browser") / "basic"
    shutil.copytree(Path(__file__).parent / "sites" / "basic", site)
    report = build_ok(site)
    server = make_server(report.out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


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
    silent = page.locator('#point-credible .cell.silent[data-city="moscow"]')
    assert silent.inner_text().strip().endswith("No comment from Moscow on this point")
    page.close()


def test_single_city_row_spans_the_width(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "en/karabakh-claim/", 1280)
    claim = page.locator("#point-claim .cell").bounding_box()
    head = page.locator(".columns-head").bounding_box()
    assert claim and head and claim["width"] > head["width"] * 0.6
    page.close()


@pytest.mark.parametrize("path", ["en/karabakh-claim/", "ru/karabakh-claim/", "en/", "ru/", "", "en/water-dispute/"])
def test_no_horizontal_scroll_on_a_phone(browser: Browser, base_url: str, path: str) -> None:
    page = open_page(browser, base_url + path, 390)
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width
    yerevan = page.locator('#point-credible .passage[data-city="yerevan"]')
    if yerevan.count():
        top = yerevan.bounding_box()
        below = page.locator('#point-credible .passage[data-city="baku"]').bounding_box()
        assert top and below and below["y"] > top["y"] + top["height"] - 1, "cities stack on a phone"
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
    assert (
        "content/articles/karabakh-claim/en.md:35: passage for undeclared voice" in overlay.locator("ol").inner_text()
    )
    assert "a freshly saved sentence" in passage.inner_text(), "the last good page stays under the overlay"

    source.write_text(text, encoding="utf-8")
    overlay.wait_for(state="detached")
    passage.filter(has_text="part of an information war").wait_for()
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
