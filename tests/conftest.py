"""Shared fixtures: fixture sites copied into tmp_path, and a way to write small sites."""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from sitegen.build import BuildReport, build
from sitegen.cli import main

#: No example database in the checkout: a test writes nowhere but its temporary folders.
settings.register_profile("sitegen", database=None)
settings.load_profile("sitegen")



def pytest_configure(config: pytest.Config) -> None:
    """What Hypothesis caches (it scans the code at collection) goes to a temporary folder, not ``.hypothesis/``."""
    config.stash[_HYPOTHESIS_HOME] = Path(tempfile.mkdtemp(prefix="sitegen-hypothesis-"))
    set_hypothesis_home_dir(config.stash[_HYPOTHESIS_HOME])


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash.get(_HYPOTHESIS_HOME, ""), ignore_errors=True)


_HYPOTHESIS_HOME = pytest.StashKey[Path]()
SITES = Path(__file__).parent / "sites"
REPO = Path(__file__).parent.parent

#: The three cities, named in English and Russian, as ``sitegen.toml`` declares them.
CITIES = """\
[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван" }
[cities.baku]
name = { en = "Baku", ru = "Баку" }
[cities.moscow]
name = { en = "Moscow", ru = "Москва" }
"""
CONFIG = (
    """\
title = { en = "Two views", ru = "Два взгляда" }
base_url = "https://example.org/news/"
languages = ["en", "ru"]

"""
    + CITIES
)
#: A site in English, Russian and Armenian, with one city.
THREE_LANGUAGES = """\
title = { en = "Two views", ru = "Два взгляда", hy = "Երկու տեսակետ" }
base_url = "https://example.org/news/"
languages = ["en", "ru", "hy"]

[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван", hy = "Երևան" }
"""
#: CONFIG in English, Russian, Armenian and Azerbaijani: three scripts, four catalogs.
FOUR_LANGUAGES = """\
title = { en = "Two views", ru = "Два взгляда", hy = "Երկու հայացք", az = "İki baxış" }
base_url = "https://example.org/news/"
languages = ["en", "ru", "hy", "az"]

[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван", hy = "Երևան", az = "İrəvan" }
[cities.baku]
name = { en = "Baku", ru = "Баку", hy = "Բաքու", az = "Bakı" }
[cities.moscow]
name = { en = "Moscow", ru = "Москва", hy = "Մոսկվա", az = "Moskva" }
"""
#: Two voices from two cities, as an article's ``voices:`` block.
TWO_VOICES = """\
  simonyan:
    city: yerevan
    name: Gurgen Simonyan
  namazov:
    city: baku
    name: Hagi Namazov
"""
#: The passages of TWO_VOICES; in article() they start on line 13 and 17.
TWO_PASSAGES = "::: simonyan\nIn Yerevan.\n:::\n\n::: namazov\nIn Baku.\n:::\n"


def article(title: str = "A claim", date: str = "2023-06-05", voices: str = "", body: str = "", extra: str = "") -> str:
    """An article file: front matter with the given voices and extra fields, then the body."""
    voices = voices or "  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan\n"
    body = body or "::: simonyan\nSaid in Yerevan.\n:::\n"
    return f"---\ntitle: {title}\ndate: {date}\n{extra}voices:\n{voices}---\n\n{body}"


def ru_catalog(page_not_found: str) -> str:
    """A Russian interface catalog of a site's theme with one message: the 404 page's heading."""
    return (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n\n'
        f'msgid "Page not found"\nmsgstr "{page_not_found}"\n'
    )


@pytest.fixture
def copy_site(tmp_path: Path):
    """Copy ``tests/sites/<name>`` into a fresh folder and return its path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target)
        return target

    return copy


@pytest.fixture
def make_site(tmp_path: Path):
    """Write a site from ``{relative path: text}``; ``sitegen.toml`` defaults to CONFIG."""

    def make(files: dict[str, str], config: str = CONFIG, name: str = "site") -> Path:
        root = tmp_path / name
        root.mkdir()
        (root / "sitegen.toml").write_text(config, encoding="utf-8")
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return root

    return make


def generated_site(count: int, target: Path, search: bool = True) -> Path:
    """A site of ``count`` generated articles in two languages, as bench/gen_site.py writes them
    (with ``search = false`` in its config when not ``search``)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import gen_site
    finally:
        sys.path.pop(0)
    gen_site.generate(count, target)
    if not search:
        config = target / "sitegen.toml"
        config.write_text("search = false\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def example_site(root: Path) -> Path:
    """A copy of the repository's example site (config and articles; the default theme) under ``root``.

    Tests build the copy, never the checkout, so no run leaves a cache or output in the repository.
    """
    site = root / "example"
    site.mkdir(parents=True)
    shutil.copy(REPO / "sitegen.toml", site)
    shutil.copytree(REPO / "content", site / "content")
    return site


def write_articles(
    root: Path, config: str, count: int, text: Callable[[int, str], str | None], slug: str = "article-{:03d}"
) -> Path:
    """A site of ``count`` articles under ``root``: ``text(number, lang)`` is each translation (None: there is none).

    Writing again over the same ``root`` replaces the files, so a test can make a new version of a site.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.toml").write_text(config, encoding="utf-8")
    for number in range(count):
        folder = root / "content" / "articles" / slug.format(number)
        folder.mkdir(parents=True, exist_ok=True)
        for lang in ("en", "ru"):
            if (written := text(number, lang)) is not None:
                (folder / f"{lang}.md").write_text(written, encoding="utf-8")
    return root


def snapshot(folder: Path, *, folders: bool = False, hashed: bool = False) -> dict[str, bytes | str | None]:
    """Every file under ``folder`` by relative path: its bytes (or their SHA-256 with ``hashed``); ``folders``
    adds every folder (None). Empty when ``folder`` is missing."""
    found: dict[str, bytes | str | None] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            if folders:
                found[path.relative_to(folder).as_posix()] = None
        else:
            data = path.read_bytes()
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest() if hashed else data
    return found


def clean_output(site: Path, **options) -> dict[str, bytes | str | None]:
    """What a clean build of ``site`` (no cache, into a folder beside it) writes, folders too (see :func:`snapshot`)."""
    out = site.parent / "clean"
    shutil.rmtree(out, ignore_errors=True)
    report = build(site, out, cache=False, **options)
    assert report.ok, "\n".join(map(str, report.diagnostics))
    return snapshot(out, folders=True)


def invoke(*args: str) -> Result:
    """``sitegen ARGS`` through Click's runner in this process; an exception ends it with exit code 1."""
    return CliRunner().invoke(main, list(args))


def invoke_raising(*args: str) -> Result:
    """``sitegen ARGS`` through Click's runner in this process; an exception fails the test with its traceback."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


#: The one way the tests start Chromium: the system's, headless, with nothing running in the background.
CHROMIUM = "/usr/bin/chromium"
LAUNCH = {
    "executable_path": CHROMIUM,
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run; each ``browser.new_page()`` is a fresh context of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**LAUNCH)
        yield launched
        launched.close()


def build_ok(site: Path, **options) -> BuildReport:
    """``build(site, **options)``, failing the test with every diagnostic when it is not ok."""
    report = build(site, **options)
    assert report.ok, "\n".join(str(d) for d in report.diagnostics)
    return report


def messages(report: BuildReport) -> list[str]:
    """The report's diagnostics as the terminal shows them."""
    return [str(d) for d in report.diagnostics]
