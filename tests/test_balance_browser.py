"""The "space given" bar as readers see it: real Chromium, in a left-to-right and a right-to-left language.

Screenshots go to $SITEGEN_SHOTS when it is set (see tests/test_browser.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .conftest import SITES, build_ok
from .serving import static_server
from .test_browser import box, open_page, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def with_bar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The polyglot site (every shipped language) with ``balance_bar = true``, built and served."""
    site = tmp_path_factory.mktemp("balance") / "polyglot"
    shutil.copytree(SITES / "polyglot", site)
    config = site / "sitegen.toml"
    config.write_text("balance_bar = true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    with static_server(build_ok(site, search=False).out) as url:
        yield url


SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("lang", ["en", "fa", "az"])
@pytest.mark.parametrize("width", [1280, 390, 320])
def test_the_bar_shows_each_share_in_words_and_mirrors_right_to_left(
    browser: Browser, with_bar: str, lang: str, width: int
) -> None:
    page = open_page(browser, f"{with_bar}{lang}/water-dispute/", width)
    items = page.locator(".space-given-list li")
    assert items.count() == 3  # Yerevan, Baku and Moscow answer
    texts = items.all_inner_texts()
    assert all("%" in text or "٪" in text for text in texts), texts
    assert page.locator(".space-given-title").is_visible()
    parts = page.locator(".space-given-part").all()
    boxes = [part.bounding_box() for part in parts]
    bar = box(page, ".space-given-bar")
    # the first city's segment stands at the start of the line: the left in English, the right in Persian
    starts = [b["x"] for b in boxes]
    if lang == "fa":
        assert starts == sorted(starts, reverse=True)
        assert abs(boxes[0]["x"] + boxes[0]["width"] - (bar["x"] + bar["width"])) < 1
    else:
        assert starts == sorted(starts)
        assert abs(boxes[0]["x"] - bar["x"]) < 1
    # each segment is as long as its share of the words (the gaps between them aside)
    words = [int(part.get_attribute("style").split(":")[1]) for part in parts]
    widths = [b["width"] for b in boxes]
    for n, count in enumerate(words):
        assert abs(widths[n] / sum(widths) - count / sum(words)) < 0.03
    colours = page.evaluate(
        "[...document.querySelectorAll('.space-given-part')].map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(colours)) == 3
    assert page.evaluate(SIDEWAYS) <= 0
    shot(page, f"space-given-{lang}-{width}")
    page.close()


def test_the_bar_is_hidden_from_screen_readers_and_the_list_says_it_all(browser: Browser, with_bar: str) -> None:
    page = open_page(browser, f"{with_bar}en/water-dispute/", 1280)
    tree = page.locator(".space-given").aria_snapshot()
    assert tree.splitlines() == [
        '- region "Space given":',
        '  - heading "Space given" [level=2]',
        "  - paragraph: Each city's share of the words in the answers.",
        "  - list:",
        '    - listitem: "Yerevan: 37%, 14 words"',
        '    - listitem: "Baku: 45%, 17 words"',
        '    - listitem: "Moscow: 18%, 7 words"',
    ]
    assert page.locator(".space-given-bar").get_attribute("aria-hidden") == "true"
    page.close()


def test_the_site_as_shipped_has_no_bar(browser: Browser, tmp_path: Path) -> None:
    site = tmp_path / "polyglot"
    shutil.copytree(SITES / "polyglot", site)
    out = build_ok(site, search=False).out
    page = browser.new_page()
    page.goto((out / "fa" / "water-dispute" / "index.html").as_uri())
    assert page.locator(".space-given").count() == 0
    page.close()
