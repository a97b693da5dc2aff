"""content/articles/ -> Site: discovery, checks, translations that must agree, all errors at once."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from sitegen import config, content
from sitegen.errors import Location, Severity
from sitegen.model import Passage, Point, Voice

from .conftest import CONFIG, TWO_PASSAGES, article

A = "content/articles"

TWO_VOICES = """\
  simonyan:
    city: yerevan
    name: Gurgen Simonyan
    role: political scientist
  namazov:
    city: baku
    name: Hagi Namazov
"""


EN_ONLY = CONFIG.replace('languages = ["en", "ru"]', 'languages = ["en"]')


@pytest.fixture
def make_site(make_site):
    """Sites written here are English-only unless they hold a ru.md, so no 'missing translation' noise."""

    def make(files: dict[str, str], config: str | None = None, **options) -> Path:
        if config is None:
            config = CONFIG if any(name.endswith("/ru.md") for name in files) else EN_ONLY
        return make_site(files, config=config, **options)

    return make


def load(site: Path, drafts: bool = False):
    site_config, found = config.load(site)
    assert site_config is not None, found
    return content.load(site_config, site, drafts=drafts)


def messages(site: Path, drafts: bool = False) -> list[str]:
    _, found = load(site, drafts)
    return [str(d) for d in found]


def errors(site: Path) -> list[str]:
    _, found = load(site)
    return sorted(str(d) for d in found if d.is_error)  # in file/line order, as build shows them


# -- Discovery -------------------------------------------------------------


def test_articles_are_discovered_with_their_translations(make_site):
    site = make_site(
        {
            f"{A}/karabakh-claim/en.md": article(
                title="In English",
                voices=TWO_VOICES,
                body=TWO_PASSAGES,
                extra="summary: Two answers.\ntags: [karabakh, usa]\n",
            ),
            f"{A}/karabakh-claim/ru.md": article(title="По-русски", voices=TWO_VOICES, body=TWO_PASSAGES),
            f"{A}/only-en-2/en.md": article(),
        }
    )
    loaded, found = load(site)
    assert [str(d) for d in found] == [
        f"{A}/only-en-2/en.md:1: warning: the article has no Russian (ru) translation yet "
        f"(add {A}/only-en-2/ru.md; until then /ru/only-en-2/ says it is not available in Russian (ru) "
        "and links to the versions that exist)"
    ]
    assert [a.slug for a in loaded.articles] == ["karabakh-claim", "only-en-2"]
    claim = loaded.articles[0]
    assert claim.languages == ("en", "ru")
    assert claim.folder == str(site / A / "karabakh-claim")
    en = claim.translation("en")
    assert en.title == "In English"
    assert en.date == dt.date(2023, 6, 5)
    assert en.summary == "Two answers."
    assert en.tags == ("karabakh", "usa")
    assert en.draft is False
    assert en.source == Location(f"{A}/karabakh-claim/en.md", 1)
    assert en.voices == (
        Voice(
            "simonyan", "yerevan", "Gurgen Simonyan", "political scientist", Location(f"{A}/karabakh-claim/en.md", 7, 3)
        ),
        Voice("namazov", "baku", "Hagi Namazov", "", Location(f"{A}/karabakh-claim/en.md", 11, 3)),
    )
    assert en.passages == (
        Passage("simonyan", None, "<p>In Yerevan.</p>\n", Location(f"{A}/karabakh-claim/en.md", 16)),
        Passage("namazov", None, "<p>In Baku.</p>\n", Location(f"{A}/karabakh-claim/en.md", 20)),
    )
    assert claim.translation("ru").title == "По-русски"
    assert loaded.articles[1].languages == ("en",)


def test_translations_are_in_config_language_order(make_site):
    config_ru_first = CONFIG.replace('["en", "ru"]', '["ru", "en"]')
    site = make_site({f"{A}/one/en.md": article(), f"{A}/one/ru.md": article()}, config=config_ru_first)
    loaded, _ = load(site)
    assert loaded.articles[0].languages == ("ru", "en")


def test_points_are_read_in_declared_order(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(
                extra="points:\n  credible: Is it credible?\n  claim: What was reported?\n",
                body="Lead.\n\n::: simonyan claim\nx\n:::\n\n::: simonyan credible\ny\n:::\n",
            )
        }
    )
    loaded, found = load(site)
    assert found == []
    (translation,) = loaded.articles[0].translations
    path = f"{A}/one/en.md"
    assert translation.points == (
        Point("credible", "Is it credible?", Location(path, 5, 3)),
        Point("claim", "What was reported?", Location(path, 6, 3)),
    )
    assert translation.lead_html == "<p>Lead.</p>\n"
    assert translation.passages[0].point == "claim"


def test_assets_are_listed_on_the_article(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(),
            f"{A}/one/map.png": "not really a png",
            f"{A}/one/docs/report.pdf": "pdf",
            f"{A}/one/.DS_Store": "hidden",
        }
    )
    loaded, found = load(site)
    assert found == []
    assert loaded.articles[0].assets == ("docs/report.pdf", "map.png")


def test_no_articles_folder_is_a_warning(make_site):
    site = make_site({})
    loaded, found = load(site)
    assert loaded.articles == ()
    assert [str(d) for d in found] == [
        "content/articles: warning: no articles folder yet (create content/articles/<slug>/en.md)"
    ]


def test_a_file_beside_the_article_folders_is_a_warning(make_site):
    site = make_site({f"{A}/one/en.md": article(), f"{A}/notes.md": "draft ideas"})
    assert messages(site) == [
        f"{A}/notes.md: warning: not an article folder, ignored (articles live in content/articles/<slug>/<lang>.md)"
    ]


def test_a_folder_without_language_files_is_a_warning(make_site):
    site = make_site({f"{A}/one/map.png": "x"})
    assert messages(site) == [f"{A}/one: warning: the article folder has no language files (add {A}/one/en.md)"]


# -- Folder and file names -------------------------------------------------


def test_invalid_slug_is_an_error_with_a_suggestion(make_site):
    site = make_site({f"{A}/Bad_Slug/en.md": article()})
    loaded, found = load(site)
    assert loaded.articles == ()
    assert [str(d) for d in found] == [
        f"{A}/Bad_Slug: error: 'Bad_Slug' is not a valid slug "
        "(use lowercase ASCII letters, digits and hyphens, e.g. 'bad-slug')"
    ]


@pytest.mark.parametrize("name, suggestion", [("Karabakh Claim", "karabakh-claim"), ("ваш-текст", "my-article")])
def test_other_invalid_slugs(make_site, name, suggestion):
    site = make_site({f"{A}/{name}/en.md": article()})
    (problem,) = errors(site)
    assert problem.endswith(f"e.g. '{suggestion}')")


@pytest.mark.parametrize(
    "name, hint",
    [
        ("evil\n", "use lowercase ASCII letters, digits and hyphens, e.g. 'evil'"),
        ("a" * 101, "at most 100 characters, e.g. '" + "a" * 100 + "'"),
    ],
    ids=["trailing-newline", "too-long"],
)
def test_slugs_that_only_look_valid(make_site, name, hint):
    """'evil\\n' would give output/en/evil\\n/; a slug is also a folder name, so its length is capped."""
    site = make_site({f"{A}/{name}/en.md": article(), f"{A}/fine/en.md": article()})
    loaded, found = load(site)
    assert [a.slug for a in loaded.articles] == ["fine"]
    assert [(d.location.path, d.message, d.hint) for d in found if d.is_error] == [
        (f"{A}/{name}", f"'{name}' is not a valid slug", hint)
    ]


def test_unconfigured_language_file_is_an_error_with_did_you_mean(make_site):
    site = make_site({f"{A}/one/en.md": article(), f"{A}/one/rus.md": article()}, config=CONFIG)
    loaded, found = load(site)
    assert loaded.articles == ()
    assert [str(d) for d in found] == [
        f"{A}/one/rus.md: error: 'rus.md' is not a configured language "
        "(did you mean 'ru.md'? (languages in sitegen.toml: English (en), Russian (ru)))"
    ]


def test_markdown_file_in_a_subfolder_is_an_error(make_site):
    site = make_site({f"{A}/one/en.md": article(), f"{A}/one/old/en.md": article()})
    assert [e.split(" (")[0] for e in errors(site)] == [
        f"{A}/one/old/en.md: error: 'old/en.md' is not a configured language"
    ]


# -- Passages against the front matter -------------------------------------


def test_passage_for_undeclared_voice(make_site):
    site = make_site({f"{A}/one/en.md": article(body="Lead.\n\n::: simonian\nx\n:::\n")})
    assert errors(site) == [
        f"{A}/one/en.md:12: error: passage for undeclared voice 'simonian' "
        "(did you mean 'simonyan'? (declare voices in the front matter))"
    ]


def test_passage_for_undeclared_point(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(
                extra="points:\n  claim: What was reported?\n  credible: Is it credible?\n",
                body="::: simonyan credable\nx\n:::\n",
            )
        }
    )
    assert errors(site) == [
        f"{A}/one/en.md:13: error: passage names undeclared point 'credable' "
        "(did you mean 'credible'? (declare points in the front matter))"
    ]


def test_passage_naming_a_point_when_none_are_declared(make_site):
    site = make_site({f"{A}/one/en.md": article(body="::: simonyan claim\nx\n:::\n")})
    assert errors(site) == [
        f"{A}/one/en.md:10: error: passage names undeclared point 'claim' "
        "(this article declares no points (declare points in the front matter))"
    ]


def test_markup_problems_reach_the_site(make_site):
    site = make_site({f"{A}/one/en.md": article(body="::: simonyan\nnever closed\n")})
    assert errors(site) == [
        f"{A}/one/en.md:10: error: passage '::: simonyan' is never closed (end it with a line holding only ':::')"
    ]


# -- Front matter fields ---------------------------------------------------


def test_unknown_city_with_did_you_mean(make_site):
    voices = "  simonyan:\n    city: yerevn\n    name: Gurgen Simonyan\n"
    site = make_site({f"{A}/one/en.md": article(voices=voices)})
    assert errors(site) == [
        f"{A}/one/en.md:6:5: error: unknown city 'yerevn' for voice 'simonyan' "
        "(did you mean 'yerevan'? (cities are configured in sitegen.toml))"
    ]


def test_missing_title_date_and_voices_are_all_reported(make_site):
    site = make_site({f"{A}/one/en.md": "---\nsummary: Something happened.\n---\n\nText.\n"})
    assert errors(site) == [
        f"{A}/one/en.md:2: error: missing required field 'date' (add date: YYYY-MM-DD)",
        f"{A}/one/en.md:2: error: missing required field 'title' (add title: …)",
        f"{A}/one/en.md:2: error: missing required field 'voices' (every article needs at least one voice)",
    ]


def test_empty_title(make_site):
    site = make_site({f"{A}/one/en.md": article(title='""')})
    assert errors(site) == [f"{A}/one/en.md:2:1: error: 'title' is empty"]


def test_title_of_wrong_type(make_site):
    site = make_site({f"{A}/one/en.md": article(title="[a, b]")})
    assert errors(site) == [f"{A}/one/en.md:2:1: error: 'title' must be text (write title: \"…\")"]


def test_tags_as_a_mapping(make_site):
    site = make_site({f"{A}/one/en.md": article(extra="tags:\n  karabakh: true\n")})
    assert errors(site) == [f"{A}/one/en.md:4:1: error: 'tags' must be a list of words (e.g. tags: [karabakh, usa])"]


def test_a_single_tag_may_be_written_as_text(make_site):
    site = make_site({f"{A}/one/en.md": article(extra="tags: karabakh\n")})
    loaded, found = load(site)
    assert found == []
    assert loaded.articles[0].translations[0].tags == ("karabakh",)


def test_bad_tags(make_site):
    site = make_site({f"{A}/one/en.md": article(extra="tags: [ok, a/b, .hidden]\n")})
    assert [e.split(" (")[0] for e in errors(site)] == [
        f"{A}/one/en.md:4:12: error: 'a/b' cannot be a tag",
        f"{A}/one/en.md:4:17: error: '.hidden' cannot be a tag",
    ]


def test_draft_as_a_string(make_site):
    site = make_site({f"{A}/one/en.md": article(extra='draft: "yes"\n')})
    assert errors(site) == [f"{A}/one/en.md:4:1: error: 'draft' must be true or false, got 'yes'"]


@pytest.mark.parametrize("value", ["tomorrow", "'5 June 2023'", "2023"])
def test_date_that_is_not_a_date(make_site, value):
    site = make_site({f"{A}/one/en.md": article(date=value)})
    (problem,) = errors(site)
    assert problem.startswith(f"{A}/one/en.md:3:1: error: 'date' must be a date such as 2023-06-05, got ")
    assert problem.endswith("(write YYYY-MM-DD, or an ISO date and time such as 2023-06-05T14:30:00+04:00)")


def test_impossible_date_is_located(make_site):
    site = make_site({f"{A}/one/en.md": article(date="2023-13-45")})
    found = errors(site)
    assert (
        f"{A}/one/en.md:3:7: error: '2023-13-45' is not a valid date: month must be in 1..12 "
        "(write dates as YYYY-MM-DD, e.g. 2023-06-05)"
    ) in found
    assert all(p.startswith(f"{A}/one/en.md:3") for p in found)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-06-05T14:30:00+04:00", dt.datetime(2023, 6, 5, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=4)))),
        ("'2023-06-05'", dt.date(2023, 6, 5)),
    ],
)
def test_dates_and_datetimes(make_site, value, expected):
    site = make_site({f"{A}/one/en.md": article(date=value)})
    loaded, found = load(site)
    assert found == []
    assert loaded.articles[0].translations[0].date == expected


def test_voice_without_city_or_name(make_site):
    voices = "  simonyan:\n    name: Gurgen Simonyan\n  namazov:\n    city: baku\n"
    body = "::: simonyan\nx\n:::\n\n::: namazov\ny\n:::\n"
    site = make_site({f"{A}/one/en.md": article(voices=voices, body=body)})
    assert errors(site) == [
        f"{A}/one/en.md:5:3: error: voice 'simonyan' has no city (add city: one of yerevan, baku, moscow)",
        f"{A}/one/en.md:7:3: error: voice 'namazov' has no name (add name: …)",
    ]


def test_voices_must_be_a_non_empty_mapping(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": "---\ntitle: x\ndate: 2023-06-05\nvoices: {}\n---\n",
            f"{A}/two/en.md": "---\ntitle: x\ndate: 2023-06-05\nvoices: simonyan\n---\n",
            f"{A}/three/en.md": "---\ntitle: x\ndate: 2023-06-05\nvoices: [simonyan]\n---\n",
        }
    )
    assert [e.split(" (")[0] for e in errors(site)] == [
        f"{A}/one/en.md:4:1: error: 'voices' is empty",
        f"{A}/three/en.md:4:10: error: 'simonyan' is not in the people registry",
        f"{A}/two/en.md:4:1: error: 'voices' must be a mapping of voices or a list of people ids",
    ]


def test_unknown_field_warns_with_did_you_mean(make_site):
    site = make_site({f"{A}/one/en.md": article(extra="sumary: A typo.\n")})
    loaded, found = load(site)
    assert [str(d) for d in found] == [f"{A}/one/en.md:4:1: warning: unknown field 'sumary' (did you mean 'summary'?)"]
    assert len(loaded.articles) == 1


def test_voice_that_never_speaks_is_a_warning(make_site):
    site = make_site({f"{A}/one/en.md": article(voices=TWO_VOICES)})
    loaded, found = load(site)
    assert [str(d) for d in found] == [
        f"{A}/one/en.md:9:3: warning: voice 'namazov' never speaks (add a passage '::: namazov' or remove the voice)"
    ]
    assert found[0].severity is Severity.WARNING
    assert [a.slug for a in loaded.articles] == ["one"], "a warning does not drop the article"


# -- Translations must agree -----------------------------------------------


def test_voice_missing_in_a_translation(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(voices=TWO_VOICES, body=TWO_PASSAGES),
            f"{A}/one/ru.md": article(),
        }
    )
    loaded, found = load(site)
    assert loaded.articles == ()
    assert [str(d) for d in found if d.is_error] == [
        f"{A}/one/ru.md:4:1: error: voice 'namazov' is declared in en.md:9 but not here "
        "(translations must declare the same voices)"
    ]


def test_extra_voice_in_a_translation(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(),
            f"{A}/one/ru.md": article(voices=TWO_VOICES, body=TWO_PASSAGES),
        }
    )
    assert errors(site) == [
        f"{A}/one/ru.md:9:3: error: voice 'namazov' is not declared in en.md "
        "(translations must declare the same voices)"
    ]


def test_voice_from_another_city_in_a_translation(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(voices=TWO_VOICES, body=TWO_PASSAGES),
            f"{A}/one/ru.md": article(voices=TWO_VOICES.replace("city: baku", "city: moscow"), body=TWO_PASSAGES),
        }
    )
    assert errors(site) == [
        f"{A}/one/ru.md:9:3: error: voice 'namazov' is from 'moscow' here but from 'baku' in en.md:9 "
        "(a voice has the same city in every language)"
    ]


def test_point_ids_differ_between_translations(make_site):
    site = make_site(
        {
            f"{A}/one/en.md": article(extra="points:\n  claim: What was reported?\n  credible: Credible?\n"),
            f"{A}/one/ru.md": article(extra="points:\n  claim: Что сообщили?\n  next: Что дальше?\n"),
        }
    )
    assert errors(site) == [
        f"{A}/one/ru.md:4:1: error: point 'credible' is declared in en.md:6 but not here "
        "(translations must declare the same points)",
        f"{A}/one/ru.md:6:3: error: point 'next' is not declared in en.md (translations must declare the same points)",
    ]


POINTED = "::: simonyan a\nIn Yerevan.\n:::\n\n::: namazov b\nIn Baku.\n:::\n"


def test_translated_names_roles_and_point_order_may_differ(make_site):
    ru_voices = TWO_VOICES.replace("Gurgen Simonyan", "Гурген Симонян").replace("political scientist", "политолог")
    site = make_site(
        {
            f"{A}/one/en.md": article(voices=TWO_VOICES, body=POINTED, extra="points:\n  a: A?\n  b: B?\n"),
            f"{A}/one/ru.md": article(voices=ru_voices, body=POINTED, extra="points:\n  b: Б?\n  a: А?\n"),
        }
    )
    loaded, found = load(site)
    assert found == []
    assert loaded.articles[0].translation("ru").voices[0].name == "Гурген Симонян"


# -- Drafts ----------------------------------------------------------------


def test_drafts_are_left_out_unless_asked_for(make_site):
    site = make_site(
        {
            f"{A}/draft/en.md": article(extra="draft: true\n"),
            f"{A}/half/en.md": article(),
            f"{A}/half/ru.md": article(extra="draft: true\n"),
            f"{A}/public/en.md": article(extra="draft: false\n"),
        }
    )
    loaded, found = load(site)
    missing_ru = [d.location.path for d in found if "no Russian (ru) translation" in d.message]
    assert missing_ru == [f"{A}/public/en.md"]
    draft_ru = [d.location.path for d in found if "the ru version is a draft" in d.message]
    assert draft_ru == [f"{A}/half/ru.md"], "a draft translation is not published yet, and not missing either"
    assert [(a.slug, a.languages) for a in loaded.articles] == [("half", ("en",)), ("public", ("en",))]
    loaded, found = load(site, drafts=True)
    assert [d.location.path for d in found] == [f"{A}/draft/en.md", f"{A}/public/en.md"]
    assert [(a.slug, a.languages) for a in loaded.articles] == [
        ("draft", ("en",)),
        ("half", ("en", "ru")),
        ("public", ("en",)),
    ]
    assert loaded.articles[0].translations[0].draft is True


def test_drafts_are_still_checked(make_site):
    site = make_site({f"{A}/draft/en.md": article(extra="draft: true\n", body="::: nobody\nx\n:::\n")})
    assert len(errors(site)) == 1


# -- Encoding --------------------------------------------------------------


def test_invalid_utf8_is_a_located_error(make_site):
    site = make_site({})
    path = site / A / "one" / "en.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(article().encode() + "Latin-1: caf\xe9\n".encode("latin-1"))
    loaded, found = load(site)
    assert loaded.articles == ()
    assert [str(d) for d in found] == [f"{A}/one/en.md:13: error: the file is not valid UTF-8 (save it as UTF-8)"]


def test_nul_byte_is_a_located_error(make_site):
    site = make_site({})
    path = site / A / "one" / "en.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(article(title="A\0claim").encode())
    assert messages(site) == [f"{A}/one/en.md:2: error: the file holds a NUL character (is it a text file?)"]


def test_bom_and_crlf_are_accepted(make_site):
    site = make_site({})
    path = site / A / "one" / "en.md"
    path.parent.mkdir(parents=True)
    text = article(voices=TWO_VOICES, body="Lead.\n\n" + TWO_PASSAGES)
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    loaded, found = load(site)
    assert found == []
    (translation,) = loaded.articles[0].translations
    assert translation.title == "A claim"
    assert translation.lead_html == "<p>Lead.</p>\n"
    assert [p.location.line for p in translation.passages] == [16, 20]
    assert "\r" not in translation.passages[0].html


def test_old_mac_line_endings_are_accepted(make_site):
    site = make_site({})
    path = site / A / "one" / "en.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(article().replace("\n", "\r").encode())
    loaded, found = load(site)
    assert found == []
    assert loaded.articles[0].translations[0].passages[0].location.line == 10


# -- Every error of a run --------------------------------------------------


def test_all_errors_of_a_run_are_reported_together(make_site):
    site = make_site(
        {
            f"{A}/first/en.md": article(body="::: simonian\nx\n:::\n"),
            f"{A}/fine/en.md": article(),
            f"{A}/second/en.md": article(voices="  simonyan:\n    city: bakuu\n    name: S\n"),
            f"{A}/second/ru.md": "no front matter\n",
            f"{A}/Third/en.md": article(),
        }
    )
    loaded, found = load(site)
    assert [a.slug for a in loaded.articles] == ["fine"]
    assert sorted(str(d).split(": error:")[0] for d in found if d.is_error) == [
        f"{A}/Third",
        f"{A}/first/en.md:10",
        f"{A}/second/en.md:6:5",
        f"{A}/second/ru.md:1",
    ]


# -- Safety and plain data -------------------------------------------------


def test_a_link_out_of_the_article_folder_is_an_error(make_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publishing")
    site = make_site({f"{A}/one/en.md": article()})
    (site / A / "one" / "leak.txt").symlink_to(secret)
    loaded, found = load(site)
    assert loaded.articles == ()
    assert [str(d) for d in found] == [
        f"{A}/one/leak.txt: error: a link that points outside the article folder "
        "(copy the file into the folder instead)"
    ]


def test_the_site_is_plain_data_that_pickles(copy_site):
    site = copy_site("basic")
    loaded, found = load(site)
    assert not [d for d in found if d.is_error]
    assert len(loaded.articles) == 3
    assert pickle.loads(pickle.dumps(loaded)) == loaded


def test_an_impossible_date_is_reported_once(make_site):
    site = make_site({f"{A}/one/en.md": article(date="2023-13-45")}, config=CONFIG.replace('["en", "ru"]', '["en"]'))
    assert [m for m in errors(site) if "date" in m] == [
        f"{A}/one/en.md:3:7: error: '2023-13-45' is not a valid date: month must be in 1..12 "
        "(write dates as YYYY-MM-DD, e.g. 2023-06-05)"
    ]


def test_a_point_nobody_answers_is_a_warning(make_site):
    text = article(extra="points:\n  claim: What was said?\n  later: What next?\n", body="::: simonyan claim\nx\n:::\n")
    site = make_site({f"{A}/one/en.md": text}, config=CONFIG.replace('["en", "ru"]', '["en"]'))
    assert messages(site) == [
        f"{A}/one/en.md:6:3: warning: point 'later' is never answered "
        "(add a passage '::: <voice> later' or remove the point)"
    ]
