"""The build cache's pack: a new build takes every unchanged article from one entry, and writes what a clean
build writes (see sitegen.packs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen import cache, packs
from sitegen.build import build

from .conftest import clean_output, generated_site, snapshot

ARTICLE = "content/articles/article-{:05d}/en.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = generated_site(24, tmp_path / "site", search=False)
    assert build(root).ok
    return root


def _append(site: Path, number: int, text: str) -> None:
    with (site / ARTICLE.format(number)).open("a", encoding="utf-8") as file:
        file.write(text)


def _retag(site: Path, number: int, tag: str) -> None:
    """Give an article one more tag: an outline edit, so the rebuild reads the whole site (a text edit unpacks
    only the articles its pages show, each from its own entry: see sitegen.deferred)."""
    path = site / ARTICLE.format(number)
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [", f"tags: [{tag}, ", 1), encoding="utf-8")


def _names(monkeypatch: pytest.MonkeyPatch, owner: type, method: str) -> list[str]:
    """The folders' names ``owner.method(name, ...)`` is called with from now on."""
    seen: list[str] = []
    original = getattr(owner, method)

    def spied(self, name, *args):
        seen.append(name)
        return original(self, name, *args)

    monkeypatch.setattr(owner, method, spied)
    return seen


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders whose own (loose) entry a build looks for."""
    return _names(monkeypatch, cache.Cache, "article")


def test_a_build_takes_the_unchanged_articles_from_the_pack(site: Path, counted: list[str]) -> None:
    assert (site / cache.FOLDER / "pack.pickle").is_file()
    _retag(site, 7, "fresh")
    assert build(site).ok
    assert counted == ["article-00007"], "only the edited folder is looked for beside the pack"
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_a_pack_that_served_too_few_folders_is_made_again(site: Path, counted: list[str]) -> None:
    for number in (1, 2, 3):  # an eighth of the folders: more than the pack lets go stale
        _retag(site, number, "fresh")
    assert build(site).ok
    assert counted == [f"article-0000{n}" for n in (1, 2, 3)]
    counted.clear()
    _retag(site, 9, "fresh")
    assert build(site).ok
    assert counted == ["article-00009"], "the pack was not made again"
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_a_folder_changed_and_changed_back_comes_from_the_pack_again(site: Path, counted: list[str]) -> None:
    path = site / ARTICLE.format(5)
    before = path.read_text(encoding="utf-8")
    path.write_text(before.replace("tags: [", "tags: [fresh, ", 1), encoding="utf-8")
    assert build(site).ok
    path.write_text(before, encoding="utf-8")
    shutil.copytree(site / "content/articles/article-00001", site / "content/articles/article-99999")
    assert build(site).ok  # a folder come: the whole site is read
    assert counted == ["article-00005", "article-99999"], "the packed entry, made for the first text, serves it again"
    assert snapshot(site / "output", folders=True) == clean_output(site)


@pytest.mark.parametrize("damage", ["truncated", "another user's"])
def test_a_pack_that_cannot_be_trusted_is_not_used(
    site: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    pack = site / cache.FOLDER / "pack.pickle"
    if damage == "truncated":
        pack.write_bytes(pack.read_bytes()[:-100])
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(site.parent / "another-user"))
    looked = _names(monkeypatch, packs.Packed, "entry")
    _append(site, 7, "\nA sentence added to the last passage.\n")
    assert build(site).ok
    assert "article-00007" in looked and len(looked) >= 12, "the articles on the pages made again are looked for"
    assert sorted(counted) == sorted(looked), "every folder taken from the cache is looked for in its own entry"
    assert snapshot(site / "output", folders=True) == clean_output(site)
