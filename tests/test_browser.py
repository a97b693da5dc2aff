"""The built pages as readers see them: real Chromium, driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

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
    listed = overlay.locator(".errors ol").inner_text()
    assert "content/articles/karabakh-claim/en.md:35: passage for undeclared voice" in listed
    assert "a freshly saved sentence" in passage.inner_text(), "the last good page stays under the overlay"

    source.write_text(text, encoding="utf-8")
    overlay.locator(".errors").wait_for(state="detached")
    passage.filter(has_text="part of an information war").wait_for()
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
    assert items[0].startswith("content/articles/a-draft/en.md:1: the article has no ru translation yet"), items
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
