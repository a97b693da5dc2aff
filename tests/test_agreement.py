"""Translations of one article against each other, through the real `sitegen check` and `sitegen build`.

Two rules: translations declare the same voices (with the same cities) and
points, and they hold the same passages: which voice speaks on which point,
and how many times. A translation that leaves out a voice's passages would
hide a side of the debate from that language's readers, so it is an error,
reported in both files. A file with an error of its own is not compared with
its translations: the error is reported where it is, and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CONFIG, TWO_VOICES, article, invoke
from .test_check import assert_errors, assert_warnings, check

A = "content/articles/one"
VOICES = TWO_VOICES
RU_VOICES = VOICES.replace("Gurgen Simonyan", "Гурген Симонян").replace("Hagi Namazov", "Хаги Намазов")
POINTS = "points:\n  claim: What was reported?\n  credible: Is it credible?\n"
RU_POINTS = "points:\n  claim: Что сообщили?\n  credible: Можно ли верить?\n"
#: In article() with POINTS, the passages start on lines 16, 20, 24 and 28.
FOUR = (
    "::: simonyan claim\nIn Yerevan.\n:::\n\n::: namazov claim\nIn Baku.\n:::\n\n"
    "::: simonyan credible\nYes.\n:::\n\n::: namazov credible\nNo.\n:::\n"
)
#: The Russian file with the Baku passages deleted: the Yerevan ones start on lines 16 and 20.
YEREVAN_ONLY = "::: simonyan claim\nВ Ереване.\n:::\n\n::: simonyan credible\nДа.\n:::\n"
THREE_LANGUAGES = CONFIG.replace('["en", "ru"]', '["en", "ru", "hy"]')


def en(body: str = FOUR, voices: str = VOICES, extra: str = "") -> str:
    return article(voices=voices, body=body, extra=extra + POINTS)


def ru(body: str = FOUR, voices: str = RU_VOICES, extra: str = "") -> str:
    return article(title="Заявление", voices=voices, body=body, extra=extra + RU_POINTS)


@pytest.fixture
def write(make_site):
    def make(files: dict[str, str], config: str = CONFIG) -> Path:
        return make_site({f"{A}/{name}": text for name, text in files.items()}, config=config)

    return make


# -- Passage structure ---------------------------------------------------------------


def test_a_translation_that_drops_a_voices_passages_fails(write) -> None:
    """Issue 12, item 1: the Baku voice is kept in ru.md but its passages are gone."""
    site = write({"en.md": en(), "ru.md": ru(YEREVAN_ONLY)})
    assert_errors(
        site,
        [
            f"{A}/en.md:20: error: voice 'namazov' speaks on point 'claim' here but not in ru.md",
            "    hint: translate this passage into ru.md too, or remove it",
            f"{A}/en.md:28: error: voice 'namazov' speaks on point 'credible' here but not in ru.md",
            "    hint: translate this passage into ru.md too, or remove it",
            f"{A}/ru.md:11:3: warning: voice 'namazov' never speaks",
            "    hint: add a passage '::: namazov' or remove the voice",
            f"{A}/ru.md:16: error: voice 'namazov' speaks on point 'claim' in en.md:20 but not here",
            "    hint: translate that passage and put it after this one, or remove it from en.md too",
            f"{A}/ru.md:20: error: voice 'namazov' speaks on point 'credible' in en.md:28 but not here",
            "    hint: translate that passage and put it after this one, or remove it from en.md too",
        ],
        "4 errors, 1 warning in 3 files",
    )


def test_a_missing_first_passage_is_placed_before_the_next_one(write) -> None:
    body = FOUR.split("\n\n", 1)[1]  # without '::: simonyan claim'; the rest starts on line 16
    site = write({"en.md": en(), "ru.md": ru(body)})
    result = check(site)
    assert result.exit_code == 1
    assert f"{A}/ru.md:16: error: voice 'simonyan' speaks on point 'claim' in en.md:16 but not here" in (
        result.stderr.splitlines()
    )
    assert "    hint: translate that passage and put it before this one, or remove it from en.md too" in (
        result.stderr.splitlines()
    )


def test_a_translation_without_passages_points_at_the_voice(write) -> None:
    """With no passage to stand beside, the missing one belongs under its voice's declaration."""
    site = write({"en.md": article(), "ru.md": article(body="Только вступление.\n")})
    lines = check(site).stderr.splitlines()
    assert f"{A}/en.md:10: error: voice 'simonyan' speaks here but not in ru.md" in lines
    assert f"{A}/ru.md:5:3: error: voice 'simonyan' speaks in en.md:10 but not here" in lines
    assert "    hint: translate that passage into ru.md, or remove it from en.md too" in lines


def test_a_translation_without_passages_points_at_the_points(write) -> None:
    site = write({"en.md": en(), "ru.md": ru("Только вступление.\n")})
    lines = check(site).stderr.splitlines()
    assert f"{A}/ru.md:5:3: error: voice 'namazov' speaks on point 'claim' in en.md:20 but not here" in lines
    assert f"{A}/ru.md:6:3: error: voice 'simonyan' speaks on point 'credible' in en.md:24 but not here" in lines


def test_a_passage_only_the_translation_has_fails_in_both_files(write) -> None:
    extra = FOUR + "\n::: namazov claim\nЕщё одно.\n:::\n"  # line 32
    site = write({"en.md": en(), "ru.md": ru(extra)})
    assert_errors(
        site,
        [
            f"{A}/en.md:28: error: voice 'namazov' speaks twice on point 'claim' in ru.md but once here; "
            "ru.md:32 has no counterpart",
            "    hint: translate that passage and put it after this one, or remove it from ru.md too",
            f"{A}/ru.md:32: error: voice 'namazov' speaks twice on point 'claim' here but once in en.md",
            "    hint: translate this passage into en.md too, or remove it",
        ],
        "2 errors, 0 warnings in 3 files",
    )


def test_a_passage_moved_to_another_point_fails_in_both_files(write) -> None:
    moved = FOUR.replace("::: namazov credible", "::: namazov claim")
    site = write({"en.md": en(), "ru.md": ru(moved)})
    assert_errors(
        site,
        [
            f"{A}/en.md:28: error: voice 'namazov' speaks on point 'credible' here but on point 'claim' in ru.md:28",
            "    hint: a passage answers the same point in every language",
            f"{A}/ru.md:28: error: voice 'namazov' speaks on point 'claim' here but on point 'credible' in en.md:28",
            "    hint: a passage answers the same point in every language",
        ],
        "2 errors, 0 warnings in 3 files",
    )


def test_a_passage_that_lost_its_point_is_a_move(write) -> None:
    site = write({"en.md": en(), "ru.md": ru(FOUR.replace("::: simonyan credible", "::: simonyan"))})
    lines = check(site).stderr.splitlines()
    assert f"{A}/ru.md:24: error: voice 'simonyan' speaks without a point here but on point 'credible' in en.md:24" in (
        lines
    )
    assert f"{A}/en.md:24: error: voice 'simonyan' speaks on point 'credible' here but without a point in ru.md:24" in (
        lines
    )


def test_order_of_passages_and_points_may_differ(write) -> None:
    """The comparison lines passages up by voice and point, so the order within a file is free."""
    swapped = FOUR.split("\n\n")
    reordered = "\n\n".join([swapped[1], swapped[0], swapped[3], swapped[2]])
    points = "points:\n  credible: Можно ли верить?\n  claim: Что сообщили?\n"
    site = write({"en.md": en(), "ru.md": article(voices=RU_VOICES, body=reordered, extra=points)})
    result = check(site, "--strict")
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_draft_translation_may_be_partial_until_it_is_published(write) -> None:
    """A draft is not published, so its gaps are warnings; `build` publishes the complete language."""
    site = write({"en.md": en(), "ru.md": ru(YEREVAN_ONLY, extra="draft: true\n")})
    out = assert_warnings(
        site,
        [
            f"{A}/en.md:20: warning: voice 'namazov' speaks on point 'claim' here but not in ru.md",
            "    hint: translate this passage into ru.md too, or remove it",
            f"{A}/en.md:28: warning: voice 'namazov' speaks on point 'credible' here but not in ru.md",
            "    hint: translate this passage into ru.md too, or remove it",
            f"{A}/ru.md:12:3: warning: voice 'namazov' never speaks",
            "    hint: add a passage '::: namazov' or remove the voice",
            f"{A}/ru.md:17: warning: voice 'namazov' speaks on point 'claim' in en.md:20 but not here",
            "    hint: translate that passage and put it after this one, or remove it from en.md too",
            f"{A}/ru.md:21: warning: voice 'namazov' speaks on point 'credible' in en.md:28 but not here",
            "    hint: translate that passage and put it after this one, or remove it from en.md too",
        ],
        "Checked 1 article (1 draft): 0 errors, 5 warnings in 3 files",
    )
    assert (out / "en" / "one" / "index.html").is_file()
    lacking = (out / "ru" / "one" / "index.html").read_text(encoding="utf-8")
    assert "data-voice" not in lacking and "noindex" in lacking, "only the page saying it is not translated yet"
    published = Path(site / A / "ru.md")
    published.write_text(published.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    assert check(site).exit_code == 1


def test_three_languages_are_each_compared_with_the_default(write) -> None:
    hy = article(title="Հայտարարություն", voices=VOICES, body=FOUR, extra=POINTS)
    site = write({"en.md": en(), "ru.md": ru(YEREVAN_ONLY), "hy.md": hy}, config=THREE_LANGUAGES)
    lines = check(site).stderr.splitlines()
    flagged = sorted({line.split(":")[0] for line in lines if ": error: " in line})
    assert flagged == [f"{A}/en.md", f"{A}/ru.md"], "hy.md agrees with en.md: nothing to say about it"
    assert f"{A}/ru.md:16: error: voice 'namazov' speaks on point 'claim' in en.md:20 but not here" in lines


def test_without_the_default_language_the_first_present_one_is_the_reference(write) -> None:
    hy = article(title="Հայտարարություն", voices=VOICES, body=YEREVAN_ONLY, extra=POINTS)
    site = write({"ru.md": ru(), "hy.md": hy}, config=THREE_LANGUAGES)
    lines = check(site).stderr.splitlines()
    assert f"{A}/hy.md:16: error: voice 'namazov' speaks on point 'claim' in ru.md:20 but not here" in lines
    assert f"{A}/ru.md:20: error: voice 'namazov' speaks on point 'claim' here but not in hy.md" in lines


def test_an_article_in_one_language_has_nothing_to_agree_with(write) -> None:
    site = write({"ru.md": ru(YEREVAN_ONLY)})
    result = check(site)
    assert result.exit_code == 0
    assert ": error: " not in result.stderr


# -- A file's own error is reported there only -----------------------------------------


def test_a_misspelt_city_is_blamed_on_its_own_file_only(write) -> None:
    """Issue 12, item 2: 'bakku' in en.md says nothing about the correct ru.md."""
    site = write({"en.md": en(voices=VOICES.replace("city: baku", "city: bakku")), "ru.md": ru()})
    assert_errors(
        site,
        [
            f"{A}/en.md:12:5: error: unknown city 'bakku' for voice 'namazov'",
            "    hint: did you mean 'baku'? (cities are configured in sitegen.toml)",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_an_undeclared_voice_is_blamed_on_its_own_file_only(write) -> None:
    site = write({"en.md": en(FOUR.replace("::: namazov claim", "::: namazof claim")), "ru.md": ru()})
    assert_errors(
        site,
        [
            f"{A}/en.md:20: error: passage for undeclared voice 'namazof'",
            "    hint: did you mean 'namazov'? (declare voices in the front matter)",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_a_broken_default_language_leaves_the_others_compared_with_each_other(write) -> None:
    hy = article(title="Հայտարարություն", voices=VOICES, body=YEREVAN_ONLY, extra=POINTS)
    broken = en(voices=VOICES.replace("city: baku", "city: bakku"))
    site = write({"en.md": broken, "ru.md": ru(), "hy.md": hy}, config=THREE_LANGUAGES)
    lines = check(site).stderr.splitlines()
    assert [line for line in lines if "en.md" in line] == [
        f"{A}/en.md:12:5: error: unknown city 'bakku' for voice 'namazov'"
    ]
    assert f"{A}/hy.md:16: error: voice 'namazov' speaks on point 'claim' in ru.md:20 but not here" in lines


# -- Declarations point at the declarations ----------------------------------------------


def test_a_voice_missing_in_a_translation_is_reported_at_its_voices_block(write) -> None:
    one_voice = "  simonyan:\n    city: yerevan\n    name: Гурген Симонян\n"
    site = write({"en.md": en(), "ru.md": ru(YEREVAN_ONLY, voices=one_voice)})
    assert_errors(
        site,
        [
            f"{A}/ru.md:7:1: error: voice 'namazov' is declared in en.md:11 but not here",
            "    hint: translations must declare the same voices",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_points_that_differ_are_reported_at_the_points(write) -> None:
    points = "points:\n  claim: Что сообщили?\n  next: Что дальше?\n"
    body = FOUR.replace(" credible", " next")
    site = write({"en.md": en(), "ru.md": article(voices=RU_VOICES, body=body, extra=points)})
    assert_errors(
        site,
        [
            f"{A}/ru.md:4:1: error: point 'credible' is declared in en.md:6 but not here",
            "    hint: translations must declare the same points",
            f"{A}/ru.md:6:3: error: point 'next' is not declared in en.md",
            "    hint: translations must declare the same points",
        ],
        "2 errors, 0 warnings in 3 files",
    )


def test_a_translation_without_the_points_block_is_one_error_per_point(write) -> None:
    """Its passages lost their points with the block: the declarations are the mistake, not each passage."""
    body = FOUR.replace(" claim\n", "\n").replace(" credible\n", "\n")
    site = write({"en.md": en(), "ru.md": article(voices=RU_VOICES, body=body)})
    assert_errors(
        site,
        [
            f"{A}/ru.md:2: error: point 'claim' is declared in en.md:5 but not here",
            "    hint: translations must declare the same points",
            f"{A}/ru.md:2: error: point 'credible' is declared in en.md:6 but not here",
            "    hint: translations must declare the same points",
        ],
        "2 errors, 0 warnings in 3 files",
    )


def test_a_city_that_differs_names_the_line_in_the_default_language(write) -> None:
    site = write({"en.md": en(), "ru.md": ru(voices=RU_VOICES.replace("city: baku", "city: moscow"))})
    assert_errors(
        site,
        [
            f"{A}/ru.md:11:3: error: voice 'namazov' is from 'moscow' here but from 'baku' in en.md:11",
            "    hint: a voice has the same city in every language",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_the_build_refuses_a_partial_translation_and_keeps_the_published_site(write) -> None:
    site = write({"en.md": en(), "ru.md": ru()})
    assert invoke("build", "--site", str(site)).exit_code == 0
    before = (site / "output" / "ru" / "one" / "index.html").read_bytes()
    (site / A / "ru.md").write_text(ru(YEREVAN_ONLY), encoding="utf-8")
    result = invoke("build", "--site", str(site))
    assert result.exit_code == 1
    assert f"{A}/ru.md:16: error: voice 'namazov' speaks on point 'claim' in en.md:20 but not here" in result.stderr
    assert (site / "output" / "ru" / "one" / "index.html").read_bytes() == before
