"""Quality bars on every page type, for the example site and a generated one.

- the Nu HTML Checker (vnu.jar, on the machine's Java) finds no error in any page;
- axe-core in Chromium finds no serious or critical violation, at desktop and phone width;
- every internal link, asset reference and fragment resolves;
- no page requests anything from outside the site.

The tools come from ``tests/js`` (``npm ci --prefix tests/js``, which ``make
test`` runs). They are required: a missing tool fails these tests, it does not
skip them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.async_api import BrowserContext, async_playwright

from sitegen.render import PALETTE

from .conftest import CHROMIUM, CITIES, LAUNCH, REPO, build_ok, example_site, write_articles
from .linkcheck import broken_links
from .serving import serving, static_server

NODE_MODULES = Path(__file__).parent / "js" / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
INSTALL = "run `npm ci --prefix tests/js` (make test does)"

DESKTOP, PHONE = 1280, 390
#: axe impacts that fail the build; "moderate" and "minor" are reported, not failed.
FAILING = ("serious", "critical")


# -- A generated site ---------------------------------------------------------------

GENERATED_CONFIG = (
    """\
title = { en = "Generated: two views", ru = "Сгенерировано: два взгляда" }
description = { en = "A generated site for the quality tests.", ru = "Сгенерированный сайт для проверок качества." }
base_url = "https://example.org/deep/news/"
languages = ["en", "ru"]
per_page = 4

"""
    + CITIES
)

PEOPLE = """\
simonyan:
  city: yerevan
  name: { en: Gurgen Simonyan, ru: Гурген Симонян }
  role: { en: political scientist, ru: политолог }
"""

TAGS = ("karabakh", "water", "trade", "energy", "border", "peace talks")
WORDS = {
    "en": "the border talks report agency claim minister treaty road water trade corridor analyst peace".split(),
    "ru": "граница переговоры доклад агентство заявление министр договор дорога вода торговля коридор мир".split(),
}
TEXT = {
    "en": {
        "said": "Said",
        "question": "Question",
        "namazov": ("Hagi Namazov", "commentator"),
        "ria": ("RIA Novosti", "state news agency"),
        "map": "Map of the river",
        "note": "A source, {day} June.",
    },
    "ru": {
        "said": "Сказано",
        "question": "Вопрос",
        "namazov": ("Хаги Намазов", "комментатор"),
        "ria": ("РИА Новости", "госагентство"),
        "map": "Карта реки",
        "note": "Источник, {day} июня.",
    },
}


def tiny_png() -> bytes:
    """A valid 1x1 PNG, for an article image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xb4\x40\x0b"))
        + chunk(b"IEND", b"")
    )


def words(lang: str, number: int, count: int) -> str:
    pool = WORDS[lang]
    chosen = [pool[(number * 7 + index * 3) % len(pool)] for index in range(count)]
    return " ".join(chosen).capitalize()


def generated_article(number: int, lang: str) -> str:
    """Article ``number`` in ``lang``: a registry voice and inline ones, points, silences, extras."""
    text = TEXT[lang]
    date = dt.date(2023, 1, 3) + dt.timedelta(days=23 * number)
    tags = sorted({TAGS[number % len(TAGS)], TAGS[(number * 5 + 1) % len(TAGS)]})
    with_points = number % 5 != 4
    voices = "  simonyan:\n"
    voices += f"  namazov:\n    city: baku\n    name: {text['namazov'][0]}\n    role: {text['namazov'][1]}\n"
    if number % 3 == 0:
        voices += f"  ria:\n    city: moscow\n    name: {text['ria'][0]}\n    role: {text['ria'][1]}\n"
    points = ""
    if with_points:
        asked = range(3) if number % 3 == 0 else range(1, 3)  # p0 is the claim that only Moscow makes
        points = "points:\n" + "".join(f"  p{index}: {text['question']} {index + 1}?\n" for index in asked)
    front = (
        f'---\ntitle: "{words(lang, number, 6)} {number}"\ndate: {date.isoformat()}\n'
        f'summary: "{words(lang, number + 1, 14)}."\ntags: [{", ".join(tags)}]\n'
        f"voices:\n{voices}{points}---\n\n"
    )
    body = [f"{words(lang, number + 2, 40)}."]
    if number == 0:
        body.append(f"![{text['map']}](map.png)")
        body.append(f"{words(lang, 3, 8)}[^1].\n\n| A | B | C |\n|---|--:|--:|\n| x | 1 | 2 |\n| y | 3 | 4 |")
        body.append("> " + words(lang, 4, 12) + ".")
    passages = []
    if with_points:
        if number % 3 == 0:
            passages.append(("ria", "p0"))  # one city speaks: the row spans the width
        passages += [("simonyan", "p1"), ("namazov", "p1"), ("simonyan", "p2")]  # Baku silent on p2
        if number % 2:
            passages.append(("namazov", None))  # an "Also said" row
    else:
        passages += [("simonyan", None), ("namazov", None)] + ([("ria", None)] if number % 3 == 0 else [])
    for index, (voice, point) in enumerate(passages):
        head = f"::: {voice} {point}" if point else f"::: {voice}"
        body.append(f"{head}\n{text['said']}: {words(lang, number + index, 30)}.\n\n{words(lang, index, 12)}.\n:::")
    if number == 0:
        body.append(f"[^1]: {text['note'].format(day=5)}")
    return front + "\n\n".join(body) + "\n"


def generate_site(root: Path, count: int = 30) -> Path:
    """A site of ``count`` articles in English and Russian (a few only in English)."""

    def text(number: int, lang: str) -> str | None:
        return generated_article(number, lang) if lang == "en" or number % 7 != 6 else None

    write_articles(root, GENERATED_CONFIG, count, text, slug="article-{:02d}")
    (root / "content" / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    (root / "content" / "articles" / "article-00" / "map.png").write_bytes(tiny_png())
    return root


# -- Built sites, and one page of every type --------------------------------------


@dataclass
class Built:
    name: str
    #: The output folder, inside ``root`` at the base URL's path, so it is served as it is published.
    out: Path
    root: Path
    base_url: str
    #: One page of every type, as paths relative to ``out``.
    samples: list[str] = field(default_factory=list)


def page_kind(out: Path, file: Path) -> str:
    """A page's type: its body class, plus whether it is the root or a later page of a list."""
    html = file.read_text(encoding="utf-8")
    start = html.find("<body")
    body = html[start : html.find(">", start)]
    kind = body.split('class="', 1)[1].split('"', 1)[0] if 'class="' in body else "?"
    rel = file.relative_to(out).as_posix()
    if rel == "index.html":
        kind += " root"
    if "/page/" in rel:
        kind = kind.split()[0] + " paged"  # one later page of a home or a listing is enough
    return kind


def samples(out: Path, lang: str) -> list[str]:
    """The fullest page (the largest file) of every type; in ``lang`` where the type has a language."""
    chosen: dict[str, Path] = {}
    for file in sorted(out.rglob("*.html")):
        rel = file.relative_to(out).as_posix()
        if "/" in rel and not rel.startswith(f"{lang}/"):
            continue
        kind = page_kind(out, file)
        if kind not in chosen or file.stat().st_size > chosen[kind].stat().st_size:
            chosen[kind] = file
    return sorted(file.relative_to(out).as_posix() for file in chosen.values())


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The example site (the repository root) sampled in English; the generated one in Russian;
    the polyglot fixture site (every shipped language) in Persian, right to left, and Georgian."""
    root = tmp_path_factory.mktemp("quality")
    example = build_ok(example_site(root / "example-site"), out=root / "example" / "news").out
    generated = build_ok(generate_site(root / "generated-site"), out=root / "generated" / "deep" / "news").out
    shutil.copytree(REPO / "tests" / "sites" / "polyglot", root / "polyglot-site")
    polyglot = build_ok(root / "polyglot-site", out=root / "polyglot" / "news").out
    assert example and generated and polyglot
    built = {
        "example": Built("example", example, root / "example", "https://example.org/news/"),
        "generated": Built("generated", generated, root / "generated", "https://example.org/deep/news/"),
        "polyglot": Built("polyglot", polyglot, root / "polyglot", "https://example.org/news/"),
    }
    built["example"].samples = samples(example, "en")
    built["generated"].samples = samples(generated, "ru")
    built["polyglot"].samples = sorted({*samples(polyglot, "fa"), *samples(polyglot, "ka")})
    canary = root / "canary" / "site"
    canary.mkdir(parents=True)
    (canary / "index.html").write_text(CANARY, encoding="utf-8")
    built["canary"] = Built("canary", canary, root / "canary", "https://example.org/site/", ["index.html"])
    return built


SITE_NAMES = ["example", "generated", "polyglot"]

#: A page with one fault for every checker, to show that each one sees it.
CANARY = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Canary</title>
<link rel="stylesheet" href="https://cdn.example.com/style.css"></head>
<body><main>
<h1 id="twice">Canary</h1>
<p id="twice" style="color: #c8c8c8; background: #fff">Hard to read</p>
<p><a href="missing/">Nowhere</a> <img src="//images.example.com/a.png" alt="A picture"></p>
</main></body>
</html>
"""


def test_every_page_type_is_sampled(sites: dict[str, Built]) -> None:
    for built in (sites["example"], sites["generated"], sites["polyglot"]):
        kinds = {page_kind(built.out, built.out / rel).split()[0] for rel in built.samples}
        expected = {"page-home", "page-article", "page-parallel", "page-section", "page-listing", "page-404"}
        assert expected <= kinds, (built.name, kinds)
    for lang in ("fa", "ka"):
        assert sum(rel.startswith(f"{lang}/") for rel in sites["polyglot"].samples) >= 8, sites["polyglot"].samples
    generated = {page_kind(sites["generated"].out, sites["generated"].out / rel) for rel in sites["generated"].samples}
    assert "page-lacking" in generated, "an article's page in a language it lacks"
    paged = [rel for rel in sites["generated"].samples if "/page/" in rel]
    assert any(rel.startswith("ru/page/") for rel in paged), paged
    assert any(rel.startswith(("ru/tags/", "ru/cities/", "ru/people/", "ru/archive/")) for rel in paged), paged
    assert "index.html" in sites["generated"].samples


# -- Colours -----------------------------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("colour", PALETTE)
def test_every_city_colour_reads_with_white(colour: str) -> None:
    """City chips are white on the city colour; city names are the colour on white: 4.5:1 (WCAG AA)."""
    assert contrast(colour, "#ffffff") >= 4.5


# -- (c) Links ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SITE_NAMES)
def test_every_internal_link_and_asset_resolves(sites: dict[str, Built], name: str) -> None:
    built = sites[name]
    assert broken_links(built.out, built.base_url) == []


def test_the_link_checker_sees_the_canary_link(sites: dict[str, Built]) -> None:
    canary = sites["canary"]
    assert broken_links(canary.out, canary.base_url) == [
        "index.html: <a href='missing/'> -> https://example.org/site/missing/"
    ]


# -- (b, d) In Chromium: axe-core and outside requests ----------------------------------------


@dataclass
class Visit:
    """What loading a site's sample pages found."""

    violations: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    pages: int = 0


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }));
}"""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


#: Pages checked at once: axe is busy in one renderer while another loads.
AT_ONCE = 3


@pytest.fixture(scope="module")
def visits(sites: dict[str, Built]) -> dict[str, Visit]:
    """Every sample page of every site over real HTTP: axe at both widths, and every outside request."""
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing (make test installs it)"
    assert AXE.is_file(), f"{AXE} is missing: {INSTALL}"
    with ExitStack() as servers:
        origins = {
            name: urljoin(servers.enter_context(static_server(built.root)), urlsplit(built.base_url).path)
            for name, built in sites.items()
        }
        # In a thread of its own: the session's sync Playwright keeps an event loop running in this one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, visit_all(sites, origins)).result()


def outside(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1"


async def visit_all(sites: dict[str, Built], origins: dict[str, str]) -> dict[str, Visit]:
    """One browser for everything, a few pages at a time; outside requests are recorded and refused."""
    found = {name: Visit() for name in sites}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**LAUNCH)
        context = await browser.new_context(viewport={"width": DESKTOP, "height": 900})
        await context.route(outside, lambda route: route.abort())
        slots = asyncio.Semaphore(AT_ONCE)

        async def check(name: str, rel: str) -> None:
            async with slots:
                await check_page(context, origins[name], rel, found[name])

        try:
            await asyncio.gather(*(check(name, rel) for name, built in sites.items() for rel in built.samples))
        finally:
            await browser.close()
    return found


async def check_page(context: BrowserContext, origin: str, rel: str, result: Visit) -> None:
    path = "" if rel == "index.html" else rel.removesuffix("index.html")
    shown = path or "/"
    page = await context.new_page()
    page.on(
        "request", lambda request: result.outside.append(f"{shown}: {request.url}") if outside(request.url) else None
    )
    try:
        response = await page.goto(origin + path)
        assert response and response.status == 200, (rel, response)
        await page.add_script_tag(path=str(AXE))
        for width in (DESKTOP, PHONE):
            await page.set_viewport_size({"width": width, "height": 900})
            await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            for violation in await page.evaluate(AXE_RUN, AXE_TAGS):
                if violation["impact"] in FAILING:
                    nodes = "\n      ".join(violation["nodes"][:5])
                    result.violations.append(
                        f"{shown} @{width}px: {violation['impact']} {violation['id']}: {violation['help']}\n"
                        f"      {nodes}"
                    )
        result.pages += 1
    finally:
        await page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", SITE_NAMES)
def test_axe_finds_no_serious_violations(visits: dict[str, Visit], sites: dict[str, Built], name: str) -> None:
    assert visits[name].pages == len(sites[name].samples)
    assert visits[name].violations == [], "\n".join(visits[name].violations)


@pytest.mark.browser
@pytest.mark.parametrize("name", SITE_NAMES)
def test_no_page_requests_anything_outside_the_site(visits: dict[str, Visit], name: str) -> None:
    assert visits[name].pages > 0
    assert visits[name].outside == []


# -- (a) The Nu HTML Checker -----------------------------------------------------------
# One Java process checks every page of both sites. It starts with the module's
# first test and runs while the browser tests do; its verdict is read last.


@dataclass
class Checker:
    process: subprocess.Popen
    report: Path
    log: Path


@pytest.fixture(scope="module", autouse=True)
def vnu(sites: dict[str, Built], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checker]:
    java = shutil.which("java")
    assert java, "java is missing: `apt-get install default-jre-headless` (make test does)"
    assert VNU.is_file(), f"{VNU} is missing: {INSTALL}"
    files = [str(file) for built in sites.values() for file in sorted(built.out.rglob("*.html"))]
    folder = tmp_path_factory.mktemp("vnu")
    report, log = folder / "report.json", folder / "log.txt"
    # A quick-starting JVM (C1 only) suits one short run; the checker wants a deep stack.
    command = [java, "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU)]
    command += ["--errors-only", "--no-langdetect", "--format", "json", *files]
    with report.open("wb") as stderr, log.open("wb") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
    yield Checker(process, report, log)
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def vnu_messages(vnu: Checker, sites: dict[str, Built]) -> dict[str, list[str]]:
    """Every error vnu finds, by site."""
    code = vnu.process.wait(timeout=180)
    text = vnu.report.read_text(encoding="utf-8")
    assert code in (0, 1) and text.startswith("{"), f"vnu failed ({code}): {text[-2000:]}{vnu.log.read_text()[-2000:]}"
    found: dict[str, list[str]] = {name: [] for name in [*sites, "?"]}
    for message in json.loads(text)["messages"]:
        path = Path(urlsplit(message.get("url", "")).path)
        name = next((built.name for built in sites.values() if path.is_relative_to(built.out)), "?")
        where = path.relative_to(sites[name].out) if name in sites else path
        found[name].append(
            f"{where}:{message.get('lastLine', '?')}: {message.get('type')}: {message.get('message')}"
            f" [{message.get('extract', '').strip()[:120]}]"
        )
    return found


@pytest.mark.parametrize("name", SITE_NAMES)
def test_nu_html_checker_finds_no_errors(vnu_messages: dict[str, list[str]], name: str) -> None:
    assert vnu_messages[name] == [], "\n".join(vnu_messages[name])
    assert vnu_messages["?"] == [], "\n".join(vnu_messages["?"])


def test_the_checkers_see_the_canary_faults(
    vnu_messages: dict[str, list[str]], visits: dict[str, Visit], sites: dict[str, Built]
) -> None:
    assert len(vnu_messages["canary"]) == 1 and "Duplicate ID “twice”" in vnu_messages["canary"][0]
    assert any("color-contrast" in line for line in visits["canary"].violations), visits["canary"].violations
    assert sorted({line.split(": ", 1)[1] for line in visits["canary"].outside}) == [
        "http://images.example.com/a.png",
        "https://cdn.example.com/style.css",
    ]


@pytest.mark.browser
def test_the_preview_overlay_and_draft_marks_pass_axe(browser, tmp_path: Path) -> None:
    """The preview's own additions: the draft banner and label, the warnings opened, the errors over them."""
    site = tmp_path / "basic"
    shutil.copytree(Path(__file__).parent / "sites" / "basic", site)
    source = site / "content" / "articles" / "karabakh-claim" / "en.md"
    found = []
    with serving(site) as server:
        for width in (DESKTOP, PHONE):
            page = browser.new_page(viewport={"width": width, "height": 700})
            for path, broken in (("en/a-draft/", False), ("en/", False), ("en/karabakh-claim/", True)):
                if broken:
                    source.write_text(source.read_text(encoding="utf-8").replace("::: namazov", "::: namazof"))
                page.goto(server.url + path)
                assert page.locator(".draft-label").count() == (1 if path != "en/karabakh-claim/" else 0), path
                toggle = page.locator("#sitegen-overlay .toggle")
                if toggle.get_attribute("aria-expanded") == "false":  # it stays open across pages of a tab
                    toggle.click()
                page.locator("#sitegen-overlay .warnings ol").wait_for()
                if broken:
                    page.locator("#sitegen-overlay .errors").wait_for()
                page.add_script_tag(path=str(AXE))
                for violation in page.evaluate(AXE_RUN, AXE_TAGS):
                    if violation["impact"] in FAILING:
                        found.append(f"{path} @{width}px: {violation['id']}: {violation['nodes'][:3]}")
                if broken:
                    source.write_text(source.read_text(encoding="utf-8").replace("::: namazof", "::: namazov"))
                    page.locator("#sitegen-overlay .errors").wait_for(state="detached")
            page.close()
    assert found == [], "\n".join(found)
