"""The HTML of articles kept in a file while a build runs, read back each time a page shows it.

Most of what a site holds in memory is its articles' HTML: some 300 MB at
10,000 articles, two bytes a character for Cyrillic or Armenian text. A
forked render worker shares those strings with the parent, but every page
that shows one writes to its reference count, so the kernel copies the
memory page that holds it, and by the end of a build both processes hold a
copy of nearly all of it.

A :class:`Shelf` takes an article as it is read and gives back the same
article whose HTML fields hold a :class:`Stored` (an offset in an unnamed
file in the cache folder) instead of the text, and whose translations'
own words (title, summary, lead, questions: read only by the contested-names
check) hold a :class:`StoredWords`. The model reads the text
back through the field (see ``model._read_back``), so an article on the
shelf is equal to, hashes like and pickles as the one read: no page,
template or cache entry can tell them apart. What stays in memory is the
article's outline, a tenth of its size; the text sits in the kernel's page
cache, which the kernel may drop and read again.

The file has no name (it is gone when the last article on it is), and no
shelf is used where the cache folder cannot be written: the HTML then stays
in memory, as it was read.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from .errors import Location
from .model import Article, Passage, StandIn, held

# -- An article's HTML apart from it: in the build cache, on the shelf --------


#: A translation's own words (:attr:`sitegen.model.Translation.own_words`).
Words = tuple[tuple[str, Location], ...]


def split_bodies(article: Article) -> tuple[Article, tuple[str, ...], tuple[Words, ...]]:
    """The article without its HTML and its own words, the HTML apart (:func:`bodies_of`), and the words
    apart (one per translation).

    Listings, feeds and the sitemap are planned from everything but these,
    which are most of an article's size: the build cache stores the three apart,
    so a rebuild loads the HTML only of the articles on the pages it renders
    (see :func:`with_bodies`), and the own words only of those the contested-names
    check reads again (see :func:`with_words`).
    """
    bodies = bodies_of(article)
    words = tuple(t.own_words for t in article.translations)
    return join_bodies(article, ("",) * len(bodies), ((),) * len(words)), bodies, words


def with_words(article: Article, words: object) -> Article | None:
    """A new article: ``article`` with ``words`` (:func:`split_bodies`'s) as its translations' own words;
    None when they do not fit (not one tuple of (text, location) pairs per translation)."""
    if not isinstance(words, tuple) or len(words) != len(article.translations):
        return None
    for own in words:
        if not isinstance(own, tuple) or not all(
            isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], Location) for pair in own
        ):
            return None
    translations = tuple(replace(t, own_words=own) for t, own in zip(article.translations, words, strict=True))
    return replace(article, translations=translations)


def bodies_of(article: Article) -> tuple[str, ...]:
    """The HTML of ``article``: each translation's lead, notes, then passages."""
    return tuple(
        body for t in article.translations for body in (t.lead_html, t.notes_html, *(p.html for p in t.passages))
    )


def has_bodies(article: Article) -> bool:
    """Whether ``article`` holds its HTML (read from its folder, joined with it, or on a shelf), not
    :func:`split_bodies`'s."""
    return any(
        held(t, "lead_html") or held(t, "notes_html") or any(held(p, "html") for p in t.passages)
        for t in article.translations
    )


def with_bodies(article: Article, bodies: tuple[str, ...]) -> Article | None:
    """A new article: ``article`` (made by :func:`split_bodies`) with its HTML back; None when it does not fit.

    The article itself is left as it is: whatever holds it (the site, its
    listings) keeps the value without HTML, and the pages that show the
    text are rendered from values made with the HTML (:meth:`sitegen.model.Site.with_articles`).
    """
    return join_bodies(article, bodies) if fits(article, bodies) else None


def fits(article: Article, bodies: object) -> bool:
    """Whether ``bodies`` can be ``article``'s HTML (:func:`bodies_of`): as many strings as it has places."""
    if not isinstance(bodies, tuple) or len(bodies) != sum(2 + len(t.passages) for t in article.translations):
        return False
    return all(isinstance(body, str) for body in bodies)


def join_bodies(article: Article, bodies: Sequence[object], words: Sequence[object] | None = None) -> Article:
    """A new article: ``article`` with ``bodies`` (in :func:`bodies_of`'s order) in the places of its HTML, and
    ``words`` (one per translation) in those of its own words, when given; each a value or a :class:`StandIn`."""
    remaining = iter(bodies)
    translations = []
    for number, t in enumerate(article.translations):
        lead, notes = next(remaining), next(remaining)
        # Made directly, not with replace(): a site of 10,000 articles has 90,000 passages.
        passages = tuple(Passage(p.voice, p.point, next(remaining), p.location) for p in t.passages)  # type: ignore[arg-type]
        own = {} if words is None else {"own_words": words[number]}
        translations.append(replace(t, lead_html=lead, notes_html=notes, passages=passages, **own))
    return replace(article, translations=tuple(translations))


# -- The shelf ------------------------------------------------------------------


#: How many pieces of HTML a shelf keeps at hand once read: the pages of a few articles.
RECENT = 256


class Stored(StandIn):
    """One piece of HTML on a :class:`Shelf`: where it is, not what it says."""

    __slots__ = ("_offset", "_shelf", "_size")

    def __init__(self, shelf: Shelf, offset: int, size: int):
        self._shelf, self._offset, self._size = shelf, offset, size

    def value(self) -> str:
        return self._shelf.read(self._offset, self._size)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return str, (self.value(),)  # pickled, it is the text


class StoredWords(Stored):
    """A translation's own words (:attr:`sitegen.model.Translation.own_words`) on a :class:`Shelf`: their texts
    there, with the file they stand in, and their lines and columns here."""

    __slots__ = ("_numbers",)

    def __init__(self, shelf: Shelf, offset: int, size: int, numbers: tuple[int, ...]):
        super().__init__(shelf, offset, size)
        self._numbers = numbers

    def value(self) -> tuple[tuple[str, Location], ...]:  # type: ignore[override]
        *texts, path = super().value().split("\0")
        numbers = self._numbers
        return tuple((text, Location(path, numbers[2 * i], numbers[2 * i + 1])) for i, text in enumerate(texts))

    def __reduce__(self) -> tuple[type, tuple[tuple]]:  # type: ignore[override]
        return tuple, (self.value(),)  # pickled, it is the words


def _words_apart(words: tuple[tuple[str, Location], ...]) -> tuple[bytes, tuple[int, ...]] | None:
    """``words`` as the text a :class:`StoredWords` reads back, and its numbers; None when they do not fit
    (none, a NUL, places in another file)."""
    if not words:
        return None
    path = words[0][1].path
    if "\0" in path or any(where.path != path or "\0" in text for text, where in words):
        return None
    numbers = tuple(number for _, where in words for number in (where.line, where.column))
    return "\0".join([*(text for text, _ in words), path]).encode("utf-8"), numbers


class Shelf:
    """An unnamed file in ``folder`` (made when first needed) holding the HTML of the articles put on it."""

    def __init__(self, folder: Path | None):
        self._folder = folder
        self._file: IO[bytes] | None = None
        self._fd = -1
        self._end = 0
        #: The pieces read last, by offset: an article's page and its parallel view, made one after the
        #: other, show the same ones. Each process that reads has its own.
        self._recent: dict[int, str] = {}

    def put(self, article: Article | None) -> Article | None:
        """``article`` with its HTML on the shelf; as it is when the shelf cannot take it (no folder, a full disk)."""
        if article is None or self._folder is None:
            return article
        return self.keep(article, bodies_of(article)) or article

    def with_bodies(self, article: Article, bodies: tuple[str, ...]) -> Article | None:
        """:func:`with_bodies`, with the HTML on the shelf where it can be."""
        if not fits(article, bodies):
            return None
        return (self._folder is not None and self.keep(article, bodies)) or join_bodies(article, bodies)

    def keep(self, article: Article, bodies: Sequence[str]) -> Article | None:
        """``article`` with ``bodies`` (its HTML, in :func:`bodies_of`'s order) and its own words on the shelf
        in the places of its own; None when they cannot be put there."""
        pieces = [body.encode("utf-8") for body in bodies]
        apart = [_words_apart(t.own_words) for t in article.translations]
        start = self._write(b"".join([*pieces, *(found[0] for found in apart if found is not None)]))
        if start is None:
            return None
        stored: list[Stored | str] = []
        for data in pieces:
            stored.append(Stored(self, start, len(data)) if data else "")
            start += len(data)
        words: list[object] = []
        for t, found in zip(article.translations, apart, strict=True):
            if found is None:
                words.append(t.own_words)
            else:
                words.append(StoredWords(self, start, len(found[0]), found[1]))
                start += len(found[0])
        return join_bodies(article, stored, words)

    def read(self, offset: int, size: int) -> str:
        found = self._recent.get(offset)
        if found is None:
            if len(self._recent) >= RECENT:
                self._recent.clear()
            found = self._recent[offset] = os.pread(self._fd, size, offset).decode("utf-8")
        return found

    def _write(self, data: bytes) -> int | None:
        """Append ``data``; where it starts, or None (and no shelf from now on) when it cannot be written."""
        try:
            if self._file is None:
                import tempfile  # only here: a rebuild that reads no article shelves nothing

                assert self._folder is not None
                self._folder.mkdir(parents=True, exist_ok=True)
                self._file = tempfile.TemporaryFile(dir=self._folder, prefix="shelf-")  # noqa: SIM115 (kept open)
                self._fd = self._file.fileno()
            written = 0
            while written < len(data):
                written += os.pwrite(self._fd, data[written:], self._end + written)
        except OSError:
            self._folder = None
            return None
        start, self._end = self._end, self._end + len(data)
        return start

    def __del__(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
