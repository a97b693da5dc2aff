"""What the review page shows of one article: every language side by side, passage by passage, each with its notes.

A *note* is anything an editor should see beside the text it is about: a
problem from the last rebuild (:class:`Check`), a passage whose source
changed since it was translated (:class:`StaleMark`), a city's sign-off
(:class:`Signoff`). Notes are placed where they belong: a note at a line
inside a passage goes with that passage (a passage runs from its ``:::``
line to the next passage's), a note about the title, the summary, the
front matter or the lead goes with its language's header, and a note about
another file of the folder (``rus.md``) or about the whole article goes
with the article.

Pure: everything comes in as values (the Site, the diagnostics, the notes
the providers gave); nothing is read or written here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from . import balance, compare
from .errors import Diagnostic, Location
from .model import ARTICLES, Article, City, Passage, Point, Site, Translation, Voice


@dataclass(frozen=True, slots=True)
class Check:
    """A problem the last rebuild found (what ``sitegen check`` prints)."""

    kind: ClassVar[str] = "check"
    diagnostic: Diagnostic

    @property
    def location(self) -> Location:
        return self.diagnostic.location


@dataclass(frozen=True, slots=True)
class StaleMark:
    """A translated text whose source changed after it was translated."""

    kind: ClassVar[str] = "stale"
    #: The stale text in the translation, and the changed text in the source language.
    location: Location
    source: Location
    #: What it is, as ``sitegen check`` names it: "passage 'simonyan credible'".
    label: str
    #: When the source changed; None when unknown.
    changed: dt.date | None = None
    old: str = ""
    new: str = ""
    #: How ``sitegen check`` words it (the same text is one of its warnings).
    message: str = ""

    @property
    def changes(self) -> tuple[tuple[str, str], ...]:
        """The source's change word by word: ``("same" | "gone" | "new", text)`` runs, from ``old`` to ``new``."""
        return word_diff(self.old, self.new)

    @property
    def source_lang(self) -> str:
        """The language of the source file (``en`` for ``en.md``), for the texts quoted from it."""
        return self.source.path.rsplit("/", 1)[-1].removesuffix(".md")

    @property
    def source_name(self) -> str:
        """The changed source as messages name it: ``en.md:40``."""
        name = self.source.path.rsplit("/", 1)[-1]
        return f"{name}:{self.source.line}" if self.source.line else name


@dataclass(frozen=True, slots=True)
class Signoff:
    """One city's sign-off of the article: who signed, whether it still holds, whether the site requires it."""

    kind: ClassVar[str] = "signoff"
    city: City
    editor: str | None
    valid: bool
    required: bool

    @property
    def waiting(self) -> bool:
        return self.required and not (self.editor and self.valid)


Note = Check | StaleMark | Signoff

_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """``old`` to ``new`` as runs of words that stayed, went and came, spaces kept (what a translator carries over)."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("gone", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(("new", "".join(after[j1:j2])))
    return tuple(runs)


@dataclass(frozen=True, slots=True)
class Counts:
    errors: int = 0
    warnings: int = 0
    stale: int = 0
    #: Required sign-offs missing or no longer valid.
    waiting: int = 0

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.stale + self.waiting


def count(notes: Iterable[Note]) -> Counts:
    errors = warnings = stale = waiting = 0
    for note in notes:
        if isinstance(note, Check):
            errors += note.diagnostic.is_error
            warnings += not note.diagnostic.is_error
        elif isinstance(note, StaleMark):
            stale += 1
        elif note.waiting:
            waiting += 1
    return Counts(errors, warnings, stale, waiting)


@dataclass(frozen=True, slots=True)
class Language:
    """One column: a translation, the notes about its header (front matter, title, lead), its balance."""

    translation: Translation
    notes: tuple[Note, ...]
    balance: balance.ArticleBalance


@dataclass(frozen=True, slots=True)
class Cell:
    """One language's passage on a line (None where the language lacks it) and its notes."""

    lang: str
    passage: Passage | None
    voice: Voice | None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Line:
    """A row of the review: the same passage in every language, or the cities that did not answer a point."""

    point: Point | None
    voice: Voice | None
    cells: tuple[Cell, ...] = ()
    reported: bool = False
    silent: tuple[City, ...] = ()


@dataclass(frozen=True, slots=True)
class Review:
    article: Article
    #: The page's language first, then the others in the site's order.
    languages: tuple[Language, ...]
    lines: tuple[Line, ...]
    #: Notes about the article as a whole: sign-offs, problems of its folder and of files that are no translation.
    notes: tuple[Note, ...]
    counts: Counts


def folder_of(slug: str) -> str:
    """The article folder as diagnostics name it: ``content/articles/<slug>``."""
    return f"{ARTICLES.as_posix()}/{slug}"


def notes_of(slug: str, notes: Iterable[Note]) -> list[Note]:
    """The notes about the article ``slug``: located in its folder, or sign-offs (which the caller asked for it)."""
    folder = folder_of(slug)
    return [
        note
        for note in notes
        if isinstance(note, Signoff) or note.location.path == folder or note.location.path.startswith(folder + "/")
    ]


def review(site: Site, slug: str, lang: str, notes: Sequence[Note]) -> Review | None:
    """The review of article ``slug`` with ``lang`` first; ``notes`` are the article's (see :func:`notes_of`)."""
    article = site.article(slug)
    if article is None or not article.translations:
        return None
    first = article.translation(lang) or article.translations[0]
    ordered = (first, *(t for t in article.translations if t is not first))
    placed = {t.lang: _place(t, [n for n in notes if _path(n) == t.source.path]) for t in ordered}
    sources = {t.source.path for t in ordered}
    languages = tuple(Language(t, placed[t.lang][0], balance.article_balance(site.config, slug, t)) for t in ordered)
    lines = tuple(_line(line, ordered, placed) for line in compare.lines(site.config, ordered))
    own = tuple(n for n in notes if _path(n) not in sources)
    return Review(article, languages, lines, own, count(notes))


def _path(note: Note) -> str | None:
    return None if isinstance(note, Signoff) else note.location.path


def _place(translation: Translation, notes: list[Note]) -> tuple[tuple[Note, ...], dict[int, tuple[Note, ...]]]:
    """The notes of one file: those about its header, and those of each passage (by the passage's ``id``)."""
    starts = [passage.location.line for passage in translation.passages]
    own_lines = {where.line for _, where in translation.own_words}
    header: list[Note] = []
    passages: dict[int, list[Note]] = {}
    for note in sorted(notes, key=lambda n: (n.location.line, n.location.column)):
        line = note.location.line
        index = bisect.bisect_right(starts, line) - 1
        if index < 0 or line in own_lines or not line:
            header.append(note)
        else:
            passages.setdefault(id(translation.passages[index]), []).append(note)
    return tuple(header), {key: tuple(found) for key, found in passages.items()}


def _line(
    line: compare.Line,
    ordered: tuple[Translation, ...],
    placed: dict[str, tuple[tuple[Note, ...], dict[int, tuple[Note, ...]]]],
) -> Line:
    point = next((p for t in ordered if (p := t.point(line.point)) is not None), None)
    if not line.passages:
        return Line(point, None, silent=line.silent)
    cells = []
    for t, passage in zip(ordered, line.passages, strict=True):
        voice = t.voice(passage.voice) if passage is not None else None
        found = placed[t.lang][1].get(id(passage), ()) if passage is not None else ()
        cells.append(Cell(t.lang, passage, voice, found))
    voice = next((cell.voice for cell in cells if cell.voice is not None), None)
    return Line(point, voice, tuple(cells), line.reported)
