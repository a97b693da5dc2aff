"""The comparison grid of one translation: a column per city, a row per point.

Answers to the same question line up across cities. A row in which one city
speaks spans the full width; in a row where some cities speak, the others get
a cell with no passages, which the theme words as "No comment from …".
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

    @property
    def full_width(self) -> bool:
        return len(self.cells) == 1


@dataclass(frozen=True, slots=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


def grid(config: SiteConfig, translation: Translation) -> Grid:
    """Lay out a translation's passages; cities in config order, points in declared order."""
    city_of = {v.id: v.city for v in translation.voices}
    columns = tuple(
        Column(city, voices)
        for city in config.cities
        if (voices := tuple(v for v in translation.voices if v.city == city.id))
    )
    keys: list[Point | None] = [*translation.points, None]
    rows = []
    for point in keys:
        point_id = point.id if point else None
        said = [p for p in translation.passages if p.point == point_id]
        if not said:
            continue
        cells = tuple(
            Cell(column.city, tuple(p for p in said if city_of.get(p.voice) == column.city.id)) for column in columns
        )
        speaking = tuple(cell for cell in cells if cell.passages)
        rows.append(Row(point, speaking if len(speaking) == 1 else cells))
    return Grid(columns, tuple(rows))


def align(translations: tuple[Translation, ...]) -> tuple[tuple[Passage | None, ...], ...]:
    """Passages of several translations, row by row: the n-th passage of a voice on a point
    in one language beside the n-th passage of that voice on that point in the others.

    Rows follow the first translation's order; passages the first lacks come last.
    """
    keyed = [_occurrences(t.passages) for t in translations]
    order = list(keyed[0])
    for keys in keyed[1:]:
        order += [key for key in keys if key not in order]
    return tuple(tuple(keys.get(key) for keys in keyed) for key in order)


def _occurrences(passages: tuple[Passage, ...]) -> dict[tuple[str, str | None, int], Passage]:
    seen: dict[tuple[str, str | None], int] = {}
    keyed = {}
    for passage in passages:
        count = seen.get((passage.voice, passage.point), 0)
        seen[(passage.voice, passage.point)] = count + 1
        keyed[(passage.voice, passage.point, count)] = passage
    return keyed
