"""The comparison grid: the reported claim apart, a column per answering city, a row per point, silent cells kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import compare, config, content
from sitegen.model import SiteConfig, Translation

from .conftest import FOUR_LANGUAGES, TWO_VOICES, article, build_ok
from .test_build import parse

VOICES = "  ria:\n    city: moscow\n    name: RIA Novosti\n" + TWO_VOICES
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
        ("credible", [("yerevan", ["simonyan"]), ("baku", ["namazov"])]),
        ("next", [("yerevan", ["simonyan"]), ("baku", [])]),
        (None, [("yerevan", []), ("baku", ["namazov"])]),
    ]
    assert [row.point for row in grid.claim] == [translation.points[0]]


def test_the_claim_is_apart_and_its_city_gets_no_column(make_site):
    body = "::: ria claim\nclaim\n:::\n\n::: simonyan credible\na\n:::\n\n::: namazov credible\nb\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    (claim,) = grid.claim
    assert claim.reported and claim.full_width and claim.silent == ()
    assert [(cell.city.id, [(p.voice, p.point, p.html) for p in cell.passages]) for cell in claim.cells] == [
        ("moscow", [("ria", "claim", "<p>claim</p>\n")])
    ]
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku"], "Moscow only reports"
    (credible,) = grid.rows
    assert not credible.full_width and credible.silent == ()
    assert [city.id for city in grid.cities] == ["yerevan", "baku", "moscow"], "every city that speaks"


def test_a_row_where_one_city_answers_names_the_others(make_site):
    body = (
        "::: ria claim\nclaim\n:::\n\n"
        "::: simonyan credible\na\n:::\n\n"
        "::: namazov credible\nb\n:::\n\n"
        "::: sorokin credible\nc\n:::\n\n"
        "::: namazov next\nd\n:::\n"
    )
    voices = VOICES + "  sorokin:\n    city: moscow\n    name: Pavel Sorokin\n"
    grid, _, _ = grid_of(make_site, voices, body, extra=POINTS)
    assert [row.point.id for row in grid.claim] == ["claim"]
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku", "moscow"]
    assert [v.id for v in grid.columns[2].voices] == ["sorokin"], "the reporting voice is not a responder"
    following = grid.rows[1]
    assert [(cell.city.id, bool(cell.passages)) for cell in following.cells] == [
        ("yerevan", False),
        ("baku", True),
        ("moscow", False),
    ]
    assert [city.id for city in following.silent] == ["yerevan", "moscow"]
    assert not following.full_width, "it stays in Baku's column, not under the first header"


def test_a_voice_that_answers_is_not_the_claim(make_site):
    body = "::: ria claim\nclaim\n:::\n\n::: ria credible\nsure\n:::\n\n::: namazov credible\nb\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    assert grid.claim == ()
    assert [column.city.id for column in grid.columns] == ["baku", "moscow"]
    assert shape(grid)[0] == ("claim", [("baku", []), ("moscow", ["ria"])])


def test_a_first_point_shared_by_two_voices_is_no_claim(make_site):
    body = "::: ria claim\na\n:::\n\n::: namazov claim\nb\n:::\n\n::: simonyan credible\nc\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    assert grid.claim == () and not any(row.reported for row in grid.rows)


def test_a_reporter_that_also_speaks_without_a_point_is_no_claim(make_site):
    body = "::: ria claim\na\n:::\n\n::: ria\naside\n:::\n\n::: simonyan credible\nc\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    assert grid.claim == ()


def test_a_point_only_the_claim_answers_later_is_reported_where_it_stands(make_site):
    points = POINTS + "  ministry: What did the ministry add?\n"
    body = (
        "::: ria claim\nclaim\n:::\n\n"
        "::: simonyan credible\na\n:::\n\n"
        "::: namazov credible\nb\n:::\n\n"
        "::: ria ministry\nlater\n:::\n"
    )
    grid, _, _ = grid_of(make_site, VOICES, body, extra=points)
    assert [row.point.id for row in grid.claim] == ["claim"]
    assert [(row.point.id, row.reported, row.full_width) for row in grid.rows] == [
        ("credible", False, False),
        ("ministry", True, True),
    ]
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku"], "no column of empty cells"
    assert grid.rows[1].silent == (), "nobody was asked to answer the agency's own statement"


def test_a_claim_alone_is_just_a_row(make_site):
    grid, _, _ = grid_of(make_site, VOICES, "::: ria claim\nclaim\n:::\n", extra=POINTS)
    assert grid.claim == ()
    assert shape(grid) == [("claim", [("moscow", ["ria"])])]
    assert grid.rows[0].full_width


def test_two_cities_where_neither_answers_a_point_have_no_row_for_it(make_site):
    body = "::: ria claim\nclaim\n:::\n\n::: simonyan next\na\n:::\n\n::: namazov next\nb\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    assert [row.point.id for row in grid.rows] == ["next"]
    assert grid.rows[0].silent == ()


def test_silent_cities_get_empty_cells_where_others_speak(make_site):
    body = "::: simonyan credible\na\n:::\n\n::: namazov credible\nb\n:::\n\n::: ria credible\nc\n:::\n"
    body += "\n::: simonyan next\nd\n:::\n\n::: ria next\ne\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body, extra=POINTS)
    following = grid.rows[1]
    assert [cell.city.id for cell in following.cells] == ["yerevan", "baku", "moscow"]
    baku = following.cells[1]
    assert baku.passages == (), "Baku is silent on this point: a cell with no passages, not a missing cell"
    assert [city.id for city in following.silent] == ["baku"]


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
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku"]
    assert [v.id for v in grid.columns[0].voices] == ["simonyan", "markarian"]
    assert shape(grid)[0] == (
        "credible",
        [("yerevan", ["markarian", "simonyan"]), ("baku", ["namazov"])],
    ), "passages keep their order in the file"


def test_article_without_points_has_one_row_of_every_city(make_site):
    body = "::: simonyan\na\n:::\n\n::: namazov\nb\n:::\n\n::: simonyan\nc\n:::\n"
    voices = "  simonyan:\n    city: yerevan\n    name: S\n  namazov:\n    city: baku\n    name: N\n"
    grid, _, _ = grid_of(make_site, voices, body)
    assert shape(grid) == [(None, [("yerevan", ["simonyan", "simonyan"]), ("baku", ["namazov"])])]
    assert not grid.rows[0].full_width and grid.claim == ()


def test_article_without_points_has_no_claim_even_if_one_voice_speaks_first(make_site):
    body = "::: ria\nclaim\n:::\n\n::: simonyan\na\n:::\n\n::: namazov\nb\n:::\n"
    grid, _, _ = grid_of(make_site, VOICES, body)
    assert grid.claim == ()
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku", "moscow"]


def test_article_with_one_city_is_all_full_width(make_site):
    grid, _, _ = grid_of(make_site, "", "::: simonyan\na\n:::\n")
    assert [column.city.id for column in grid.columns] == ["yerevan"]
    assert [row.full_width for row in grid.rows] == [True]


def test_grid_of_the_basic_fixture_site(copy_site):
    grid, _, _ = _grid_of_article(copy_site("basic"), "karabakh-claim")
    assert [column.city.id for column in grid.columns] == ["yerevan", "baku"]
    assert [row.point.id for row in grid.claim] == ["claim"]
    assert shape(grid) == [
        ("credible", [("yerevan", ["simonyan"]), ("baku", ["namazov"])]),
        ("next", [("yerevan", ["simonyan"]), ("baku", [])]),
        (None, [("yerevan", []), ("baku", ["namazov"])]),
    ]
    assert [row.full_width for row in grid.rows] == [False, False, False]


def test_parallel_lines_follow_the_grid(copy_site):
    site = copy_site("basic")
    site_config, _ = config.load(site)
    loaded, _ = content.load(site_config, site)
    (found,) = [a for a in loaded.articles if a.slug == "karabakh-claim"]
    translations = (found.translation("ru"), found.translation("en"))
    lines = compare.lines(site_config, translations)
    assert [(line.point, [p.voice if p else None for p in line.passages], line.reported) for line in lines] == [
        ("claim", ["ria", "ria"], True),
        ("credible", ["simonyan", "simonyan"], False),
        ("credible", ["namazov", "namazov"], False),
        ("next", ["simonyan", "simonyan"], False),
        ("next", [], False),
        (None, ["namazov", "namazov"], False),
        (None, [], False),
    ]
    assert [[city.id for city in line.silent] for line in lines if not line.passages] == [["baku"], ["yerevan"]]
    ru, en = lines[0].passages
    assert ru is not None and en is not None and ru.html != en.html, "each in its language"


def _grid_of_article(site: Path, slug: str):
    site_config, _ = config.load(site)
    loaded, _ = content.load(site_config, site)
    (found,) = [a for a in loaded.articles if a.slug == slug]
    translation = found.translation("en")
    return compare.grid(site_config, translation), site_config, translation


# -- On the page: the article, the parallel view and the feed read the same rule ------------

ROLES = """\
  ria:
    city: moscow
    name: RIA Novosti
    role: state news agency
  simonyan:
    city: yerevan
    name: Gurgen Simonyan
    role: political scientist
  namazov:
    city: baku
    name: Hagi Namazov
    role: political commentator
"""
CLAIMED = (
    "::: ria claim\nThe agency wrote that Washington is forcing a meeting.\n:::\n\n"
    "::: simonyan credible\nHe calls the report part of an information war.\n:::\n\n"
    "::: namazov credible\nHe calls it a message planted by the Kremlin.\n:::\n\n"
    "::: simonyan next\nYerevan must protect its own security.\n:::\n"
)
#: "No comment from Baku on this point" in every shipped catalog.
BAKU_SILENT = {
    "en": "No comment from Baku on this point",
    "ru": "Баку: по этому вопросу комментария нет",
    "hy": "Բաքու — այս հարցի վերաբերյալ մեկնաբանություն չկա",
    "az": "Bakı: bu sual üzrə şərh yoxdur",
}


@pytest.fixture(scope="module")
def claimed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site in every shipped language: a Moscow agency's claim, answers from Yerevan and Baku, Baku silent once."""
    site = tmp_path_factory.mktemp("claimed")
    (site / "sitegen.toml").write_text(FOUR_LANGUAGES, encoding="utf-8")
    folder = site / "content" / "articles" / "claim"
    folder.mkdir(parents=True)
    for lang in ("en", "ru", "hy", "az"):
        text = article(voices=ROLES, body=CLAIMED, extra=POINTS + "summary: A claim and two answers.\n")
        (folder / f"{lang}.md").write_text(text, encoding="utf-8")
    return build_ok(site, search=False).out


@pytest.mark.parametrize("lang", ["en", "ru", "hy", "az"])
def test_the_page_shows_the_claim_apart_and_no_column_for_its_city(claimed: Path, lang: str) -> None:
    page = parse(claimed / lang / "claim" / "index.html")
    claim = page.one("section", id="point-claim")
    assert claim.attrs["class"] == "row claim full-width" and claim.attrs["data-point"] == "claim"
    assert page.html.index('id="point-claim"') < page.html.index('class="columns-head"'), "before the responses"
    assert [e.attrs["data-city"] for e in page.find("div", class_="column-head")] == ["yerevan", "baku"]
    assert not page.find("div", class_="cell silent", data_city="moscow"), "Moscow only reports"
    (silent,) = page.find("div", class_="cell silent")
    assert silent.attrs["data-city"] == "baku"
    assert silent.text.strip().endswith(BAKU_SILENT[lang]), "Baku's cell says it did not answer"
    next_row = page.html[page.html.index('id="point-next"') :]
    assert BAKU_SILENT[lang] in next_row[: next_row.index("</section>")]
    passages = page.find("div", class_="passage")
    assert [(p.attrs["data-city"], p.attrs["data-voice"], p.attrs["data-point"]) for p in passages] == [
        ("moscow", "ria", "claim"),
        ("yerevan", "simonyan", "credible"),
        ("baku", "namazov", "credible"),
        ("yerevan", "simonyan", "next"),
    ]
    assert [e.attrs["id"] for e in page.find("section") if e.attrs.get("id", "").startswith("point-")] == [
        "point-claim",
        "point-credible",
        "point-next",
    ]


def test_the_meta_line_still_names_the_city_that_only_reports(claimed: Path) -> None:
    page = parse(claimed / "en" / "claim" / "index.html")
    assert page.one("span", class_="meta-voices").text == "3 voices from Yerevan, Baku and Moscow"


def test_name_and_role_are_separated_in_the_html(claimed: Path) -> None:
    page = parse(claimed / "en" / "claim" / "index.html")
    bylines = [e.text for e in page.find("h4", class_="passage-voice")]
    assert bylines == [
        "RIA Novosti, state news agency",
        "Gurgen Simonyan, political scientist",
        "Hagi Namazov, political commentator",
        "Gurgen Simonyan, political scientist",
    ]
    heads = [" ".join(e.text.split()) for e in page.find("li", class_="voice")]
    assert heads == ["Gurgen Simonyan, political scientist", "Hagi Namazov, political commentator"]
    said = parse(claimed / "en" / "cities" / "yerevan" / "index.html")
    first = said.find("p", class_="passage-voice")[0]
    assert " ".join(first.text.split()) == "Yerevan Gurgen Simonyan, political scientist"


def test_the_parallel_view_shows_the_claim_first_and_who_did_not_answer(claimed: Path) -> None:
    page = parse(claimed / "ru" / "claim" / "parallel" / "index.html")
    rows = [e for e in page.find("div", role="row")]
    kinds = [e.attrs["class"] for e in rows]
    assert kinds[2] == "parallel-row claim", "after the heads and the leads, the claim"
    assert [e.attrs["data-voice"] for e in page.find("div", class_="passage")][:4] == ["ria"] * 4
    assert "parallel-row claim" not in kinds[3:]
    (silent,) = page.find("div", class_="parallel-row parallel-silent")
    assert BAKU_SILENT["ru"] in silent.text
    bylines = [" ".join(e.text.split()) for e in page.find("p", class_="passage-voice")]
    assert bylines[0] == "Москва RIA Novosti, state news agency"


def test_the_feed_shows_the_claim_first_and_no_column_of_silence(claimed: Path) -> None:
    import feedparser

    feed = feedparser.parse((claimed / "en" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    body = feed.entries[0].content[0].value
    assert body.index("What was reported?") < body.index("Is it credible?") < body.index("What comes next?")
    assert "<strong>RIA Novosti</strong>, state news agency (Moscow)" in body
    assert "No comment from Moscow" not in body
    assert body.count("No comment from") == 1 and BAKU_SILENT["en"] in body


def test_an_article_without_points_has_no_claim_on_the_page(make_site) -> None:
    body = "::: ria\nclaim\n:::\n\n::: simonyan\na\n:::\n\n::: namazov\nb\n:::\n"
    site = make_site({"content/articles/one/en.md": article(voices=ROLES, body=body)})
    page = parse(build_ok(site, search=False).out / "en" / "one" / "index.html")
    assert not page.find("section", class_="row claim full-width")
    assert [e.attrs["data-city"] for e in page.find("div", class_="column-head")] == ["yerevan", "baku", "moscow"]
    assert not page.find("div", class_="cell silent"), "every city speaks in the one row"
