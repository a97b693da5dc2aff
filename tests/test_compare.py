"""The comparison grid: a column per city that speaks, a row per point, silent cells kept."""

from __future__ import annotations

from pathlib import Path

from sitegen import compare, config, content
from sitegen.model import SiteConfig, Translation

from .conftest import article

VOICES = """\
  ria:
    city: moscow
    name: RIA Novosti
  simonyan:
    city: yerevan
    name: Gurgen Simonyan
  namazov:
    city: baku
    name: Hagi Namazov
"""
POINTS = "points:\n  claim: What was reported?\n  credible: Is it credible?\n  next: What comes next?\n"


def grid_of(make_site, voices: str, body: str, extra: str = "") -> tuple[compare.Grid, SiteConfig, Translation]:
    site = make_site({"content/articles/one/en.md": article(voices=voices, body=body, extra=extra)})
    return _grid(site)


def _grid(site: Path) -> tuple[compare.Grid, SiteConfig, Translation]:
    site_config, _ = config.load(site)
    loaded, found = content.load(site_config, site)
    assert not [d for d in found if d.is_error], found
    translation = loaded.articles[0].translations[0]
    return compare.grid(site_config, translation), site_config, translation


def shape(grid: compare.Grid) -> list[tuple[str | None, list[tuple[str, list[str]]]]]:
    """Rows as (point id, [(city id, [voice ids of its passages])])."""
    return [
        (row.point.id if row.point else None, [(cell.city.id, [p.voice for p in cell.passages]) for cell in row.cells])
        for row in grid.rows
    ]


def test_columns_follow_config_order_not_declaration_order(make_site):
    body = "::: ria\na\n:::\n\n::: simonyan\nb\n:::\n\n::: namazov\nc\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body)
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku", "moscow"]
    assert [[v.id for v in column.voices] for column in grid.columns] == [["simonyan"], ["namazov"], ["ria"]]


def test_only_cities_with_voices_get_columns(make_site):
    voices = "  namazov:\n    city: baku\n    name: Hagi Namazov\n  ria:\n    city: moscow\n    name: RIA\n"
    body = "::: ria\na\n:::\n\n::: namazov\nb\n:::\n"
    grid, _, _ = grid_of(make_site, voices, body)
    assert [column.city.id for column in grid.columns] == ["baku", "moscow"]


def test_rows_follow_declared_points_with_unpointed_passages_last(make_site):
    body = (
        "::: namazov\nno point\n:::\n\n"
        "::: simonyan next\nnext\n:::\n\n"
        "::: ria claim\nclaim\n:::\n\n"
        "::: namazov credible\ncredible\n:::\n\n"
        "::: simonyan credible\ncredible\n:::\n"
    )
    grid, _, translation = grid_of(make_site, VOICES, body, extra=POINTS)
    assert shape(grid) == [
        ("claim", [("moscow", ["ria"])]),
        ("credible", [("yerevan", ["simonyan"]), ("baku", ["namazov"]), ("moscow", [])]),
        ("next", [("yerevan", ["simonyan"])]),
        (None, [("baku", ["namazov"])]),
    ]
    assert grid.rows[0].point == translation.points[0]


def test_a_row_where_one_city_speaks_is_full_width_with_a_single_cell(make_site):
    body = "::: ria claim\nclaim\n:::\n\n::: simonyan credible\na\n:::\n\n::: namazov credible\nb\n:::\n"
    grid, site_config, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    claim, credible = grid.rows
    assert claim.full_width
    assert claim.cells == (compare.Cell(site_config.city("moscow"), claim.cells[0].passages),)
    assert [p.html for p in claim.cells[0].passages] == ["<p>claim</p>\n"]
    assert not credible.full_width


def test_silent_cities_get_empty_cells_where_others_speak(make_site):
    body = "::: simonyan credible\na\n:::\n\n::: namazov credible\nb\n:::\n\n::: ria claim\nc\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    credible = grid.rows[1]
    assert [cell.city.id for cell in credible.cells] == ["yerevan", "baku", "moscow"]
    moscow = credible.cells[2]
    assert moscow.passages == (), "Moscow is silent on this point: a cell with no passages, not a missing cell"


def test_points_nobody_speaks_on_have_no_row(make_site):
    body = "::: simonyan credible\na\n:::\n\n::: namazov credible\nb\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    assert [row.point.id for row in grid.rows] == ["credible"]


def test_two_voices_from_one_city_share_a_column_and_a_cell(make_site):
    voices = VOICES + "  markarian:\n    city: yerevan\n    name: Ani Markarian\n"
    body = (
        "::: markarian credible\nfirst\n:::\n\n"
        "::: namazov credible\nbaku\n:::\n\n"
        "::: simonyan credible\nsecond\n:::\n\n"
        "::: ria claim\nclaim\n:::\n"
    )
    grid, _, _ = grid_of(make_site, voices, body, extra=POINTS)
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku", "moscow"]
    assert [v.id for v in grid.columns[0].voices] == ["simonyan", "markarian"]
    assert shape(grid)[1] == (
        "credible",
        [("yerevan", ["markarian", "simonyan"]), ("baku", ["namazov"]), ("moscow", [])],
    ), "passages keep their order in the file"


def test_article_without_points_has_one_row_of_every_city(make_site):
    body = "::: simonyan\na\n:::\n\n::: namazov\nb\n:::\n\n::: simonyan\nc\n:::\n"
    voices = "  simonyan:\n    city: yerevan\n    name: S\n  namazov:\n    city: baku\n    name: N\n"
    grid, _, _ = grid_of(make_site, voices, body)
    assert shape(grid) == [(None, [("yerevan", ["simonyan", "simonyan"]), ("baku", ["namazov"])])]
    assert not grid.rows[0].full_width


def test_article_with_one_city_is_all_full_width(make_site):
    grid, _, _ = grid_of(make_site, "", "::: simonyan\na\n:::\n")
    assert [column.city.id for column in grid.columns] == ["yerevan"]
    assert [row.full_width for row in grid.rows] == [True]


def test_grid_of_the_basic_fixture_site(copy_site):
    grid, _, _ = _grid_of_article(copy_site("basic"), "karabakh-claim")
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku", "moscow"]
    assert shape(grid) == [
        ("claim", [("moscow", ["ria"])]),
        ("credible", [("yerevan", ["simonyan"]), ("baku", ["namazov"]), ("moscow", [])]),
        ("next", [("yerevan", ["simonyan"])]),
        (None, [("baku", ["namazov"])]),
    ]
    assert [row.full_width for row in grid.rows] == [True, False, True, True]


def _grid_of_article(site: Path, slug: str):
    site_config, _ = config.load(site)
    loaded, _ = content.load(site_config, site)
    (found,) = [a for a in loaded.articles if a.slug == slug]
    translation = found.translation("en")
    return compare.grid(site_config, translation), site_config, translation
