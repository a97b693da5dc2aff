"""The comparison grid of one translation: the reported claim, then a column per answering city, a row per point.

The rule, decided here once so that the article page, the parallel view and
the feeds only read it:

- **The claim.** A voice *only reports* when it alone speaks on the first
  point, and it speaks alone (on a point, never without one) wherever it
  speaks, while other voices answer other points. Its rows are *reported*:
  the leading ones are the claim, shown apart and full width before the
  responses (a reported row after the responses, such as a later statement
  by the same agency, is shown full width where it stands).
- **Columns.** One per city with a passage in the responses, in config
  order, listing that city's voices that answer; a city whose only voice
  reports gets no column.
- **Rows.** In every response row each column has a cell; a city that did
  not answer gets a cell with no passages, which the theme words as
  "No comment from …". So a row where one city alone answers says which
  did not. A row is full width only when it is reported or there is one
  column.

Points nobody speaks on have no row; passages without a point follow in
their own row. Articles without points have no claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import City, Passage, Point, SiteConfig, Translation, Voice


@dataclass(frozen=True, slots=True)
class Column:
    city: City
    voices: tuple[Voice, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    city: City
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Row:
    point: Point | None
    cells: tuple[Cell, ...]
    #: Spoken by the voice that only reports: one cell, shown apart, no silent cities.
    reported: bool = False
    #: The grid has one column, so every row spans it.
    only_column: bool = False

    @property
    def full_width(self) -> bool:
        return self.reported or self.only_column

    @property
    def silent(self) -> tuple[City, ...]:
        """The cities that did not answer this row, in column order."""
        return tuple(cell.city for cell in self.cells if not cell.passages)


@dataclass(frozen=True, slots=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]  # the responses (and any reported row after them)
    claim: tuple[Row, ...] = ()  # the reported rows before the responses
    cities: tuple[City, ...] = ()  # every city that speaks, claim included, in config order


def grid(config: SiteConfig, translation: Translation) -> Grid:
    """Lay out a translation's passages; cities in config order, points in declared order."""
    city_of = {v.id: v.city for v in translation.voices}
    said = _said_by_point(translation)
    reporter = _reporter(said)
    answering = {city_of.get(p.voice) for _, passages in said for p in passages if p.voice != reporter}
    voices_of: dict[str, list[Voice]] = {}
    for voice in translation.voices:
        if voice.id != reporter:
            voices_of.setdefault(voice.city, []).append(voice)
    columns = tuple(Column(city, tuple(voices_of.get(city.id, ()))) for city in config.cities if city.id in answering)
    rows = []
    for point, passages in said:
        if passages[0].voice == reporter:
            city = config.city(city_of[reporter])
            rows.append(Row(point, (Cell(city, passages),), reported=True))
            continue
        cells = tuple(
            Cell(column.city, tuple(p for p in passages if city_of.get(p.voice) == column.city.id))
            for column in columns
        )
        rows.append(Row(point, cells, only_column=len(columns) == 1))
    lead = next((n for n, row in enumerate(rows) if not row.reported), len(rows))
    speaking = {city_of.get(p.voice) for p in translation.passages}
    cities = tuple(city for city in config.cities if city.id in speaking)
    return Grid(columns, tuple(rows[lead:]), tuple(rows[:lead]), cities)


def _said_by_point(translation: Translation) -> list[tuple[Point | None, tuple[Passage, ...]]]:
    """(point, its passages in file order) for every point someone speaks on, then the passages without one."""
    grouped: dict[str | None, list[Passage]] = {}
    for passage in translation.passages:
        grouped.setdefault(passage.point, []).append(passage)
    keys: list[Point | None] = [*translation.points, None]
    return [(point, tuple(grouped[point_id])) for point in keys if (point_id := point.id if point else None) in grouped]


def _reporter(said: list[tuple[Point | None, tuple[Passage, ...]]]) -> str | None:
    """The voice that only reports: alone on the first point and alone wherever it speaks, others answering."""
    if not said or said[0][0] is None:
        return None
    voice = said[0][1][0].voice
    answered = False
    for point, passages in said:
        voices = {p.voice for p in passages}
        if voice in voices and (point is None or len(voices) > 1):
            return None
        answered = answered or voice not in voices
    return voice if answered else None


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the parallel view: one passage in every language (None where a language lacks it),
    or, without passages, the cities that did not answer ``point``."""

    point: str | None
    passages: tuple[Passage | None, ...] = ()
    reported: bool = False
    silent: tuple[City, ...] = ()


def lines(config: SiteConfig, translations: tuple[Translation, ...]) -> tuple[Line, ...]:
    """The parallel view under the grid's rule, laid out by the first translation's grid:
    the claim first, then each point's passages followed by the cities that did not answer it."""
    first = grid(config, translations[0])
    rows = (*first.claim, *first.rows)
    by_point: dict[str | None, list[tuple[Passage | None, ...]]] = {}
    for passages in align(translations):
        by_point.setdefault(_point(passages), []).append(passages)
    found = []
    for row in rows:
        point = row.point.id if row.point else None
        found += [Line(point, passages, row.reported) for passages in by_point.pop(point, ())]
        if row.silent:
            found.append(Line(point, silent=row.silent))
    found += [Line(point, passages) for point, group in by_point.items() for passages in group]
    return tuple(found)


def _point(passages: tuple[Passage | None, ...]) -> str | None:
    return next(p for p in passages if p is not None).point


def align(translations: tuple[Translation, ...]) -> tuple[tuple[Passage | None, ...], ...]:
    """Passages of several translations, row by row: the n-th passage of a voice on a point
    in one language beside the n-th passage of that voice on that point in the others.

    Rows follow the first translation's order; passages the first lacks come last.
    """
    keyed = [_occurrences(t.passages) for t in translations]
    order = dict.fromkeys(key for keys in keyed for key in keys)  # first seen first, each key once
    return tuple(tuple(keys.get(key) for keys in keyed) for key in order)


def _occurrences(passages: tuple[Passage, ...]) -> dict[tuple[str, str | None, int], Passage]:
    seen: dict[tuple[str, str | None], int] = {}
    keyed = {}
    for passage in passages:
        count = seen.get((passage.voice, passage.point), 0)
        seen[(passage.voice, passage.point)] = count + 1
        keyed[(passage.voice, passage.point, count)] = passage
    return keyed
