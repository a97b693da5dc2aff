"""Shared fixtures: fixture sites copied into tmp_path, and a way to write small sites."""

from __future__ import annotations

import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from sitegen.build import BuildReport, build

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

CONFIG = """\
title = { en = "Two views", ru = "Два взгляда" }
base_url = "https://example.org/news/"
languages = ["en", "ru"]

[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван" }
[cities.baku]
name = { en = "Baku", ru = "Баку" }
[cities.moscow]
name = { en = "Moscow", ru = "Москва" }
"""


def article(title: str = "A claim", date: str = "2023-06-05", voices: str = "", body: str = "", extra: str = "") -> str:
    """An article file: front matter with the given voices and extra fields, then the body."""
    voices = voices or "  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan\n"
    body = body or "::: simonyan\nSaid in Yerevan.\n:::\n"
    return f"---\ntitle: {title}\ndate: {date}\n{extra}voices:\n{voices}---\n\n{body}"


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


def generated_site(count: int, target: Path) -> Path:
    """A site of ``count`` generated articles in two languages, as bench/gen_site.py writes them."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import gen_site
    finally:
        sys.path.pop(0)
    gen_site.generate(count, target)
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


def build_ok(site: Path, **options) -> BuildReport:
    report = build(site, **options)
    assert report.ok, "\n".join(str(d) for d in report.diagnostics)
    return report


def messages(report: BuildReport) -> list[str]:
    return [str(d) for d in report.diagnostics]
