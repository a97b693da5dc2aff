"""What the review page shows of an article (sitegen/review.py) and how it renders it (sitegen/review_page.py).

The site is built by :class:`sitegen.preview.Preview`, as ``sitegen serve`` builds it; the HTTP side is
tests/test_review_serve.py, the browser's tests/test_review_browser.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from sitegen import review, review_page
from sitegen.errors import Location, error, warning
from sitegen.preview import Preview

from .conftest import SITES

ARTICLE = "content/articles/karabakh-claim"


def state_of(site: Path, diagnostics: tuple = ()) -> review_page.State:
    """What the preview holds after building ``site``, as a review page gets it."""
    preview = Preview(site, site / ".sitegen" / "preview")
    assert preview.build().ok
    shown = preview.shown()
    assert shown is not None
    return review_page.State.of(preview.site_dir, shown, diagnostics)


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("review") / "basic"
    shutil.copytree(SITES / "basic", site)
    return site


def test_each_note_goes_with_the_passage_or_header_its_line_is_in(basic: Path) -> None:
    notes = [
        review.Check(warning(Location(f"{ARTICLE}/en.md", 4), "about the summary")),
        review.Check(warning(Location(f"{ARTICLE}/en.md", 25), "about the lead")),
        review.Check(error(Location(f"{ARTICLE}/ru.md", 33), "inside the ru passage of simonyan on credible")),
        review.Check(warning(Location(f"{ARTICLE}/en.md", 36), "inside namazov on credible")),
        review.Check(error(Location(f"{ARTICLE}/rus.md"), "a file that is no translation")),
        review.Check(warning(Location("content/articles/water-dispute/en.md", 3), "another article's")),
    ]
    state = state_of(basic)
    shown = review.review(state.site, "karabakh-claim", "ru", review.notes_of("karabakh-claim", notes))
    assert shown is not None
    assert [language.translation.lang for language in shown.languages] == ["ru", "en"], "the page's language first"
    en = shown.languages[1]
    assert [note.diagnostic.message for note in en.notes] == ["about the summary", "about the lead"]
    found = {
        (line.voice.id, line.point.id if line.point else None, cell.lang): [n.diagnostic.message for n in cell.notes]
        for line in shown.lines
        for cell in line.cells
        if cell.notes
    }
    assert found == {
        ("simonyan", "credible", "ru"): ["inside the ru passage of simonyan on credible"],
        ("namazov", "credible", "en"): ["inside namazov on credible"],
    }
    assert [note.diagnostic.message for note in shown.notes] == ["a file that is no translation"]
    assert shown.counts == review.Counts(errors=2, warnings=3)


def test_lines_pair_each_passage_with_its_translation_and_name_the_silent_cities(basic: Path) -> None:
    state = state_of(basic)
    shown = review.review(state.site, "karabakh-claim", "en", [])
    assert shown is not None
    keyed = [(line.voice.id if line.voice else None, line.point.id if line.point else None) for line in shown.lines]
    assert keyed[:3] == [("ria", "claim"), ("simonyan", "credible"), ("namazov", "credible")]
    assert shown.lines[0].reported
    for line in shown.lines:
        if line.cells:
            assert [cell.lang for cell in line.cells] == ["en", "ru"]
            assert all(cell.passage is not None and cell.passage.voice == line.voice.id for cell in line.cells)
    silent = [line for line in shown.lines if line.silent]
    assert [(line.point, [city.id for city in line.silent]) for line in silent] == [
        (state.site.article("karabakh-claim").translations[0].point("next"), ["baku"]),
        (None, ["yerevan"]),
    ]
    sides = {side.city.id: side.count.passages for side in shown.languages[0].balance.sides}
    assert sides == {"yerevan": 2, "baku": 2}


def test_stale_marks_and_signoffs_are_notes_like_the_others(basic: Path) -> None:
    """Staleness and sign-off plug in as notes: a stale passage is marked where it stands."""
    state = state_of(basic)
    article = state.site.article("karabakh-claim")
    stale = review.StaleMark(
        Location(f"{ARTICLE}/ru.md", 31),
        Location(f"{ARTICLE}/en.md", 31),
        "passage 'simonyan credible'",
        dt.date(2023, 6, 7),
        old="He calls the report part of a war.",
        new="He calls the report part of an information war.",
    )
    city = state.site.config.city("baku")
    signed = review.Signoff(city, None, valid=False, required=True)
    shown = review.review(state.site, "karabakh-claim", "en", review.notes_of("karabakh-claim", [stale, signed]))
    assert shown.counts == review.Counts(stale=1, waiting=1)
    assert shown.notes == (signed,)
    marked = [cell for line in shown.lines for cell in line.cells if cell.notes]
    assert [(cell.lang, cell.passage.voice, cell.notes) for cell in marked] == [("ru", "simonyan", (stale,))]
    page = review_page.article_page(state, "en", article, [stale, signed]).decode()
    assert page.count('class="review-cell is-stale"') == 1
    assert 'class="review-cell is-stale" data-lang="ru"' in page
    assert "en.md:31 changed on 7 June 2023, after this was translated." in page.replace("<bdi>", "").replace(
        "</bdi>", ""
    )
    assert "Baku: waiting for sign-off" in page.replace("<bdi>", "").replace("</bdi>", "")
    # the article page in Russian gets the mark at its passage, by its number on the page
    marks = review_page.article_marks(state, "ru", article, [stale]).decode()
    number = [p.voice for p in article.translation("ru").passages].index("simonyan") + 1
    assert f'data-passage="{number}"' in marks and "Устаревший перевод" in marks


def test_what_changed_in_the_source_is_shown_word_by_word() -> None:
    old = "He says it is not credible.\n\nUltimatums belong to the toolkit."
    new = 'He says it is not credible, and the point is to "rock" it.\n\nUltimatums belong to the toolkit.'
    assert review.word_diff(old, new) == (
        ("same", "He says it is not "),
        ("gone", "credible."),
        ("new", 'credible, and the point is to "rock" it.'),
        ("same", "\n\nUltimatums belong to the toolkit."),
    )
    assert review.word_diff("", "all new") == (("new", "all new"),)
    assert review.word_diff("<b>x</b> y", "<b>x</b> z")[-1] == ("new", "z")
