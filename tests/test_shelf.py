"""The HTML of the articles a build reads waits on a shelf, a file beside the cache, not in memory (see
sitegen.shelf): the pages are the same bytes, and nothing of the shelf is left behind."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

import pytest

from sitegen import config, content, model, shelf
from sitegen.build import build

from .conftest import clean_output, generated_site, snapshot


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return generated_site(12, tmp_path / "site", search=False)


def _read(site: Path, number: int) -> model.Article:
    found, _ = config.load(site)
    assert found is not None
    article, problems, _ = content.load_article(found, site, site / f"content/articles/article-{number:05d}")
    assert article is not None, problems
    return article


def _stored(article: model.Article) -> list[object]:
    """What each HTML field of ``article`` holds, unread."""
    return [
        model.held(owner, name)
        for t in article.translations
        for owner, name in ((t, "lead_html"), (t, "notes_html"), *((p, "html") for p in t.passages))
    ]


def test_an_article_on_the_shelf_equals_hashes_and_pickles_as_the_one_read(site: Path, tmp_path: Path) -> None:
    read = _read(site, 3)
    kept = shelf.Shelf(tmp_path / "shelf").put(read)
    assert kept is not None and kept is not read
    assert all(isinstance(held, shelf.Stored) for held in _stored(kept) if held), "the HTML is on the shelf"
    assert kept == read and hash(kept) == hash(read)
    assert all(isinstance(model.held(t, "own_words"), shelf.StoredWords) for t in kept.translations)
    assert [t.own_words for t in kept.translations] == [t.own_words for t in read.translations]
    assert [t.lead_html for t in kept.translations] == [t.lead_html for t in read.translations]
    assert [p.html for t in kept.translations for p in t.passages] == [
        p.html for t in read.translations for p in t.passages
    ]
    again = pickle.loads(pickle.dumps(kept))
    assert again == read and all(isinstance(held, str) for held in _stored(again)), "a pickle holds the text"
    assert shelf.has_bodies(kept)
    assert list((tmp_path / "shelf").iterdir()) == [], "the shelf's file has no name"


def test_a_shelf_that_cannot_be_written_leaves_the_article_as_read(site: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    read = _read(site, 1)
    assert shelf.Shelf(blocked / "shelf").put(read) is read
    assert shelf.Shelf(None).put(read) is read


def test_a_build_keeps_the_html_on_the_shelf_and_writes_what_a_build_without_it_writes(site: Path) -> None:
    report = build(site, jobs=2, keep=True)
    assert report.ok and report.rendered_from is not None
    for article in report.rendered_from.site.articles:
        assert all(isinstance(held, shelf.Stored) for held in _stored(article) if held), article.slug
    assert snapshot(site / "output", folders=True) == clean_output(site), "without the cache there is no shelf"
    assert sorted(path.name for path in (site / ".sitegen").iterdir()) == ["cache"], "nothing of the shelf is left"


def test_the_ids_an_article_repeats_are_one_string(site: Path) -> None:
    first, second = _read(site, 1).translations[0], _read(site, 2).translations[0]
    assert first.voices[0].city is second.voices[0].city
    assert first.passages[0].voice is second.passages[0].voice
    assert first.points[0].id is second.points[0].id


def test_a_passage_on_the_shelf_hashes_without_reading_it(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages key mappings by passage (the theme's ``numbers[passage]``): that must not read the HTML back."""
    read = _read(site, 2)
    kept = shelf.Shelf(tmp_path / "shelf").put(read)
    assert kept is not None

    def refused(*args: object) -> str:
        raise AssertionError("the HTML was read back")

    monkeypatch.setattr(shelf.Shelf, "read", refused)
    numbers = {passage: n for n, passage in enumerate(kept.translations[0].passages, 1)}
    assert [numbers[passage] for passage in kept.translations[0].passages] == list(range(1, len(numbers) + 1))
    assert hash(kept.translations[0].passages[0]) == hash(read.translations[0].passages[0])


def test_an_engine_that_keeps_the_site_shelves_the_html_it_takes_from_the_cache(site: Path) -> None:
    assert build(site).ok
    with (site / "content/articles/article-00004/en.md").open("a", encoding="utf-8") as file:
        file.write("\nOne more sentence.\n")
    report = build(site, keep=True)  # as the preview's engine reads: every article with its HTML
    assert report.ok and report.rendered_from is not None
    for article in report.rendered_from.site.articles:
        assert all(isinstance(held, shelf.Stored) for held in _stored(article) if held), article.slug
    assert snapshot(site / "output", folders=True) == clean_output(site)


def test_a_piece_read_again_soon_is_not_read_from_the_file_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article's page and its parallel view show the same HTML, made one after the other."""
    kept = shelf.Shelf(tmp_path / "shelf").put(_read(site, 5))
    assert kept is not None
    reads: list[int] = []
    pread = os.pread
    monkeypatch.setattr(os, "pread", lambda fd, size, offset: reads.append(offset) or pread(fd, size, offset))
    first = [p.html for t in kept.translations for p in t.passages]
    again = [p.html for t in kept.translations for p in t.passages]
    assert first == again and len(reads) == len(set(reads)) == len(first)


def test_own_words_that_do_not_fit_the_shelf_stay_as_they_are(site: Path, tmp_path: Path) -> None:
    """The words of a translation are kept apart as one text with NUL between them: a NUL among them, or a
    place in another file, keeps them as they are."""
    read = _read(site, 6)
    first = read.translations[0]
    odd = (("a\0b", first.own_words[0][1]), ("c", model.Location("elsewhere.md", 3, 1)))
    changed = dataclasses.replace(
        read, translations=(dataclasses.replace(first, own_words=odd), *read.translations[1:])
    )
    kept = shelf.Shelf(tmp_path / "shelf").put(changed)
    assert kept is not None and kept == changed
    assert model.held(kept.translations[0], "own_words") == odd
    assert isinstance(model.held(kept.translations[1], "own_words"), shelf.StoredWords)
