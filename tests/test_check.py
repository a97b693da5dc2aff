"""`sitegen check`, one check at a time: the exact line an editor sees, the exit status, and what a build does.

Every test writes a small broken site into tmp_path and runs the real command
line. For an error: `sitegen check` prints `path:line:column: error: message`
and its hint and exits 1, and `sitegen build` refuses the site and writes
nothing. For a warning: `check` exits 0 (1 with --strict) and the site builds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from .conftest import CONFIG, TWO_PASSAGES, TWO_VOICES, article, invoke, snapshot

A = "content/articles"
EN_ONLY = """\
title = { en = "Two views" }
base_url = "https://example.org/news/"
languages = ["en"]

[cities.yerevan]
name = { en = "Yerevan" }
[cities.baku]
name = { en = "Baku" }
[cities.moscow]
name = { en = "Moscow" }
"""

PEOPLE = """\
simonyan:
  city: yerevan
  name: Gurgen Simonyan
"""


@pytest.fixture
def write(make_site):
    """Write articles given as ``{"<slug>/<lang>.md": text}``; English-only unless a ru.md is among them."""

    def make(articles: dict[str, str], people: str | None = None, config: str | None = None) -> Path:
        files = {f"{A}/{name}": text for name, text in articles.items()}
        if people is not None:
            files["content/people.yaml"] = people
        if config is None:
            config = CONFIG if any(name.endswith("/ru.md") for name in articles) else EN_ONLY
        return make_site(files, config=config)

    return make


def check(site: Path, *options: str) -> Result:
    return invoke("check", "--site", str(site), *options)


def refused(site: Path, *options: str) -> None:
    """`sitegen build` exits 1 and writes nothing: no output folder appears."""
    result = invoke("build", "--site", str(site), *options)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].endswith(": nothing was written")
    assert not (site / "output").exists()
    assert not list(site.glob(".output*")), "no staging folder is left behind"


def built(site: Path) -> Path:
    """`sitegen build` succeeds and writes the site."""
    result = invoke("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "output" / "en" / "index.html").is_file()
    return site / "output"


def assert_errors(site: Path, expected: list[str], summary: str, *options: str) -> None:
    """`check` prints exactly ``expected`` (diagnostic and hint lines), then ``summary``; exits 1; build refuses."""
    result = check(site, *options)
    assert result.stderr.splitlines() == [*expected, summary]
    assert result.stdout == ""
    assert result.exit_code == 1
    assert check(site, "--strict", *options).exit_code == 1
    refused(site)


def assert_warnings(site: Path, expected: list[str], summary: str) -> Path:
    """`check` prints exactly ``expected`` and exits 0; --strict makes them errors (exit 1); the site builds."""
    result = check(site)
    assert result.stderr.splitlines() == expected
    assert result.stdout == summary + "\n"
    assert result.exit_code == 0
    strict = check(site, "--strict")
    assert strict.exit_code == 1
    promoted = [line.replace(": warning: ", ": error: ", 1) for line in expected]
    assert strict.stderr.splitlines()[:-1] == promoted
    return built(site)


# -- Front matter --------------------------------------------------------------------


def test_yaml_syntax_error_names_its_line(write) -> None:
    text = "---\ntitle: A claim\ndate: 2023-06-05\nsummary: He said: no\nvoices:\n  simonyan: {}\n---\n"
    site = write({"one/en.md": text})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:4: error: invalid YAML: mapping values are not allowed in this context",
            "    hint: put text that holds ': ' or starts with a quote, '[' or '{' in double quotes",
        ],
        "1 error, 0 warnings in 2 files",
    )


@pytest.mark.parametrize(
    ("field", "hint"),
    [
        ("title", "add title: …"),
        ("date", "add date: YYYY-MM-DD"),
        ("voices", "every article needs at least one voice"),
    ],
)
def test_missing_required_field(write, field: str, hint: str) -> None:
    text = article()
    text = {
        "title": text.replace("title: A claim\n", ""),
        "date": text.replace("date: 2023-06-05\n", ""),
        "voices": text.replace("voices:\n  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan\n", ""),
    }[field]
    site = write({"one/en.md": text})
    assert_errors(
        site,
        [f"content/articles/one/en.md:2: error: missing required field '{field}'", f"    hint: {hint}"],
        "1 error, 0 warnings in 2 files",
    )


def test_invalid_field_types(write) -> None:
    text = "---\ntitle: [a, b]\ndate: soon\ntags: {a: 1}\ndraft: maybe\nvoices: 3\n---\n\nBody.\n"
    site = write({"one/en.md": text})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:2:1: error: 'title' must be text",
            '    hint: write title: "…"',
            "content/articles/one/en.md:3:1: error: 'date' must be a date such as 2023-06-05, got 'soon'",
            "    hint: write YYYY-MM-DD, or an ISO date and time such as 2023-06-05T14:30:00+04:00",
            "content/articles/one/en.md:4:1: error: 'tags' must be a list of words",
            "    hint: e.g. tags: [karabakh, usa]",
            "content/articles/one/en.md:5:1: error: 'draft' must be true or false, got 'maybe'",
            "content/articles/one/en.md:6:1: error: 'voices' must be a mapping of voices or a list of people ids",
            "    hint: e.g. voices: {simonyan: {city: yerevan, name: Gurgen Simonyan}}",
        ],
        "5 errors, 0 warnings in 2 files",
    )


def test_unknown_city_suggests_the_closest(write) -> None:
    site = write({"one/en.md": article(voices="  simonyan:\n    city: yerevn\n    name: Gurgen Simonyan\n")})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:6:5: error: unknown city 'yerevn' for voice 'simonyan'",
            "    hint: did you mean 'yerevan'? (cities are configured in sitegen.toml)",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_duplicate_voice_in_the_mapping_is_a_duplicate_key(write) -> None:
    again = "  simonyan:\n    city: baku\n    name: Somebody Else\n"
    site = write({"one/en.md": article(voices=TWO_VOICES + again, body=TWO_PASSAGES)})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:11:3: error: duplicate key 'simonyan' (first set on line 5)",
            "    hint: keep one of them",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_duplicate_voice_in_the_list_form(write) -> None:
    text = "---\ntitle: A claim\ndate: 2023-06-05\nvoices: [simonyan, simonyan]\n---\n\n::: simonyan\nSaid.\n:::\n"
    site = write({"one/en.md": text}, people=PEOPLE)
    assert_errors(
        site,
        ["content/articles/one/en.md:4:20: error: voice 'simonyan' is declared twice", "    hint: keep one of them"],
        "1 error, 0 warnings in 3 files",
    )


def test_duplicate_voice_in_the_list_form_without_a_registry(write) -> None:
    text = "---\ntitle: A claim\ndate: 2023-06-05\nvoices: [a, a]\n---\n\n::: a\nSaid.\n:::\n"
    site = write({"one/en.md": text})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:4:10: error: 'a' is not in the people registry",
            "    hint: content/people.yaml names nobody (or could not be read)."
            " Or declare the voice here with city and name.",
            "content/articles/one/en.md:4:13: error: voice 'a' is declared twice",
            "    hint: keep one of them",
        ],
        "2 errors, 0 warnings in 2 files",
    )


def test_duplicate_point(write) -> None:
    points = "points:\n  claim: What was reported?\n  claim: Is it true?\n"
    site = write({"one/en.md": article(extra=points, body="::: simonyan claim\nSaid.\n:::\n")})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:6:3: error: duplicate key 'claim' (first set on line 5)",
            "    hint: keep one of them",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_future_date_is_a_warning(write) -> None:
    site = write({"one/en.md": article(date="2999-01-01")})
    out = assert_warnings(
        site,
        [
            "content/articles/one/en.md:3:1: warning: the date 2999-01-01 is in the future",
            "    hint: the article is published anyway; is the year right?",
        ],
        "Checked 1 article: 0 errors, 1 warning in 2 files",
    )
    assert (out / "en" / "one" / "index.html").is_file()


# -- Passages ------------------------------------------------------------------------


def test_passage_for_an_undeclared_voice_suggests_the_closest(write) -> None:
    site = write({"one/en.md": article(body="::: simonyan\nSaid.\n:::\n\n::: simonian\nWho?\n:::\n")})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:14: error: passage for undeclared voice 'simonian'",
            "    hint: did you mean 'simonyan'? (declare voices in the front matter)",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_passage_for_an_undeclared_point_suggests_the_closest(write) -> None:
    body = "::: simonyan claim\nSaid.\n:::\n\n::: simonyan clam\nSaid again.\n:::\n"
    site = write({"one/en.md": article(extra="points:\n  claim: What was reported?\n", body=body)})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:16: error: passage names undeclared point 'clam'",
            "    hint: did you mean 'claim'? (declare points in the front matter)",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_a_misspelt_voice_or_point_is_one_error_not_also_a_silent_voice(write) -> None:
    """The typo's error names the voice and point it meant; they are not also reported as never heard."""
    body = "::: simonyan credible\nSaid.\n:::\n\n::: namazof cliam\nSaid in Baku.\n:::\n"
    points = "points:\n  claim: What?\n  credible: Credible?\n  next: What next?\n"
    site = write({"one/en.md": article(voices=TWO_VOICES, extra=points, body=body)})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:7:3: warning: point 'next' is never answered",
            "    hint: add a passage '::: <voice> next' or remove the point",
            "content/articles/one/en.md:21: error: passage for undeclared voice 'namazof'",
            "    hint: did you mean 'namazov'? (declare voices in the front matter)",
            "content/articles/one/en.md:21: error: passage names undeclared point 'cliam'",
            "    hint: did you mean 'claim'? (declare points in the front matter)",
        ],
        "2 errors, 1 warning in 2 files",
    )


def test_passage_without_a_voice_is_a_stray_closer(write) -> None:
    site = write({"one/en.md": article(body="::: simonyan\nSaid.\n:::\n\n:::\nWho said this?\n:::\n")})
    hint = "    hint: a passage starts with '::: <voice> [<point>]' and ends with ':::'; remove the stray line"
    assert_errors(
        site,
        [
            "content/articles/one/en.md:14: error: a ':::' line that closes no passage",
            hint,
            "content/articles/one/en.md:16: error: a ':::' line that closes no passage",
            hint,
        ],
        "2 errors, 0 warnings in 2 files",
    )


def test_unterminated_passage(write) -> None:
    site = write({"one/en.md": article(body="Lead.\n\n::: simonyan\nSaid, and never closed.\n")})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:12: error: passage '::: simonyan' is never closed",
            "    hint: end it with a line holding only ':::'",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_nested_passages(write) -> None:
    body = "::: simonyan\nIn Yerevan.\n::: namazov\nIn Baku.\n:::\n"
    site = write({"one/en.md": article(voices=TWO_VOICES, body=body)})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:8:3: warning: voice 'namazov' never speaks",
            "    hint: add a passage '::: namazov' or remove the voice",
            "content/articles/one/en.md:15: error: passages do not nest: '::: namazov' starts inside "
            "'::: simonyan' (line 13)",
            "    hint: close '::: simonyan' with a ':::' line before starting the next passage",
        ],
        "1 error, 1 warning in 2 files",
    )


def test_empty_passage(write) -> None:
    site = write({"one/en.md": article(body="::: simonyan\n\n:::\n")})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:10: error: passage '::: simonyan' is empty",
            "    hint: write what the voice said between the ':::' lines, or remove the passage",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_voice_that_never_speaks_is_a_warning(write) -> None:
    site = write({"one/en.md": article(voices=TWO_VOICES)})
    assert_warnings(
        site,
        [
            "content/articles/one/en.md:8:3: warning: voice 'namazov' never speaks",
            "    hint: add a passage '::: namazov' or remove the voice",
        ],
        "Checked 1 article: 0 errors, 1 warning in 2 files",
    )


def test_point_never_answered_is_a_warning(write) -> None:
    points = "points:\n  claim: What was reported?\n  why: Why now?\n"
    site = write({"one/en.md": article(extra=points, body="::: simonyan claim\nSaid.\n:::\n")})
    assert_warnings(
        site,
        [
            "content/articles/one/en.md:6:3: warning: point 'why' is never answered",
            "    hint: add a passage '::: <voice> why' or remove the point",
        ],
        "Checked 1 article: 0 errors, 1 warning in 2 files",
    )


def test_todo_placeholder_is_a_warning_in_a_published_article(write) -> None:
    site = write({"one/en.md": article(body="::: simonyan\nTODO: what did he say?\n:::\n")})
    assert_warnings(
        site,
        [
            "content/articles/one/en.md:11: warning: a 'TODO' placeholder is left in an article that is not a draft",
            "    hint: write the text, or put 'draft: true' back",
        ],
        "Checked 1 article: 0 errors, 1 warning in 2 files",
    )


def test_todo_placeholder_is_fine_in_a_draft(write) -> None:
    site = write({"one/en.md": article(extra="draft: true\n", body="::: simonyan\nTODO: what did he say?\n:::\n")})
    for options in ((), ("--strict",), ("--no-drafts",)):
        result = check(site, *options)
        assert (result.exit_code, result.stderr) == (0, "")
    assert invoke("build", "--site", str(site), "--drafts").exit_code == 0


# -- Translations --------------------------------------------------------------------


def test_translations_disagree_on_voices(write) -> None:
    """Reported at the voices block of the file that lacks the voice; its passages are not reported again."""
    site = write({"one/en.md": article(voices=TWO_VOICES, body=TWO_PASSAGES), "one/ru.md": article()})
    assert_errors(
        site,
        [
            "content/articles/one/ru.md:4:1: error: voice 'namazov' is declared in en.md:8 but not here",
            "    hint: translations must declare the same voices",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_translation_declares_a_voice_the_other_lacks(write) -> None:
    site = write({"one/en.md": article(), "one/ru.md": article(voices=TWO_VOICES, body=TWO_PASSAGES)})
    assert_errors(
        site,
        [
            "content/articles/one/ru.md:8:3: error: voice 'namazov' is not declared in en.md",
            "    hint: translations must declare the same voices",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_translations_disagree_on_a_voice_city(write) -> None:
    ru = article(voices="  simonyan:\n    city: baku\n    name: Гурген Симонян\n")
    site = write({"one/en.md": article(), "one/ru.md": ru})
    assert_errors(
        site,
        [
            "content/articles/one/ru.md:5:3: error: voice 'simonyan' is from 'baku' here but from 'yerevan' in en.md:5",
            "    hint: a voice has the same city in every language",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_translations_disagree_on_points(write) -> None:
    def text(points: str) -> str:
        return article(extra=f"points:\n{points}", body="::: simonyan claim\nSaid.\n:::\n")

    site = write(
        {"one/en.md": text("  claim: What?\n  why: Why?\n"), "one/ru.md": text("  claim: Что?\n  when: Когда?\n")}
    )
    assert_errors(
        site,
        [
            "content/articles/one/en.md:6:3: warning: point 'why' is never answered",
            "    hint: add a passage '::: <voice> why' or remove the point",
            "content/articles/one/ru.md:4:1: error: point 'why' is declared in en.md:6 but not here",
            "    hint: translations must declare the same points",
            "content/articles/one/ru.md:6:3: warning: point 'when' is never answered",
            "    hint: add a passage '::: <voice> when' or remove the point",
            "content/articles/one/ru.md:6:3: error: point 'when' is not declared in en.md",
            "    hint: translations must declare the same points",
        ],
        "2 errors, 2 warnings in 3 files",
    )


def test_passage_the_other_language_lacks_is_an_error(write) -> None:
    """One more passage in ru.md: an error there, and one in en.md where its translation would go."""
    extra = TWO_PASSAGES + "\n::: simonyan\nHe added later.\n:::\n"
    site = write(
        {
            "one/en.md": article(voices=TWO_VOICES, body=TWO_PASSAGES),
            "one/ru.md": article(voices=TWO_VOICES, body=extra),
        }
    )
    assert_errors(
        site,
        [
            "content/articles/one/en.md:17: error: voice 'simonyan' speaks twice in ru.md but once here; "
            "ru.md:21 has no counterpart",
            "    hint: translate that passage and put it after this one, or remove it from ru.md too",
            "content/articles/one/ru.md:21: error: voice 'simonyan' speaks twice here but once in en.md",
            "    hint: translate this passage into en.md too, or remove it",
        ],
        "2 errors, 0 warnings in 3 files",
    )


def test_passage_this_language_lacks_is_an_error(write) -> None:
    extra = TWO_PASSAGES + "\n::: simonyan\nHe added later.\n:::\n"
    site = write(
        {
            "one/en.md": article(voices=TWO_VOICES, body=extra),
            "one/ru.md": article(voices=TWO_VOICES, body=TWO_PASSAGES),
        }
    )
    assert_errors(
        site,
        [
            "content/articles/one/en.md:21: error: voice 'simonyan' speaks twice here but once in ru.md",
            "    hint: translate this passage into ru.md too, or remove it",
            "content/articles/one/ru.md:17: error: voice 'simonyan' speaks twice in en.md but once here; "
            "en.md:21 has no counterpart",
            "    hint: translate that passage and put it after this one, or remove it from en.md too",
        ],
        "2 errors, 0 warnings in 3 files",
    )


def test_article_missing_in_a_language_is_a_warning(write) -> None:
    site = write({"one/en.md": article()}, config=CONFIG)
    out = assert_warnings(
        site,
        [
            "content/articles/one/en.md:1: warning: the article has no Russian (ru) translation yet",
            "    hint: add content/articles/one/ru.md; until then /ru/one/ says it is not available in "
            "Russian (ru) and links to the versions that exist",
        ],
        "Checked 1 article: 0 errors, 1 warning in 2 files",
    )
    assert (out / "en" / "one" / "index.html").is_file()
    assert '<meta name="robots" content="noindex">' in (out / "ru" / "one" / "index.html").read_text("utf-8")


def test_language_file_not_in_the_config(write) -> None:
    site = write({"one/en.md": article(), "one/ru.md": article(), "one/rus.md": article()})
    assert_errors(
        site,
        [
            "content/articles/one/rus.md: error: 'rus.md' is not a configured language",
            "    hint: did you mean 'ru.md'? (languages in sitegen.toml: English (en), Russian (ru))",
        ],
        "1 error, 0 warnings in 4 files",
    )


def test_bad_slug_folder(write) -> None:
    site = write({"My_Article/en.md": article()})
    assert_errors(
        site,
        [
            "content/articles/My_Article: error: 'My_Article' is not a valid slug",
            "    hint: use lowercase ASCII letters, digits and hyphens, e.g. 'my-article'",
        ],
        "1 error, 0 warnings in 2 files",
    )


# -- Links and images ----------------------------------------------------------------


def linking(link: str, draft: bool = False) -> str:
    return article(extra="draft: true\n" if draft else "", body=f"::: simonyan\nSee {link}.\n:::\n")


@pytest.mark.parametrize(
    ("href", "hint"),
    [
        ("../no-such-slug/", "expected one of: karabakh-claim, one"),
        ("../karabakh-claims/", "did you mean 'karabakh-claim'?"),
    ],
)
def test_link_to_an_article_that_does_not_exist(write, href: str, hint: str) -> None:
    site = write({"karabakh-claim/en.md": article(), "one/en.md": linking(f"[see]({href})")})
    assert_errors(
        site,
        [
            f"content/articles/one/en.md:11: error: '{href}' links to an article that does not exist",
            f"    hint: {hint}",
        ],
        "1 error, 0 warnings in 3 files",
    )


def test_link_to_an_article_that_is_only_a_draft(write) -> None:
    """`check --no-drafts` sees the site as `build` publishes it; plain `check` includes drafts."""
    site = write(
        {"karabakh-claim/en.md": article(extra="draft: true\n"), "one/en.md": linking("[see](../karabakh-claim/)")}
    )
    assert_errors(
        site,
        [
            "content/articles/one/en.md:11: error: '../karabakh-claim/' links to 'karabakh-claim', "
            "which is not published (a draft, or it has errors)",
            "    hint: publish it first, or remove the link",
        ],
        "1 error, 0 warnings in 3 files",
        "--no-drafts",
    )


def test_plain_check_warns_of_a_link_that_the_published_build_refuses(write) -> None:
    """With drafts read, the link resolves; `build` reads none and fails on it, so `check` says so."""
    site = write(
        {"karabakh-claim/en.md": article(extra="draft: true\n"), "one/en.md": linking("[see](../karabakh-claim/)")}
    )
    result = check(site)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "content/articles/one/en.md:11: warning: '../karabakh-claim/' links to 'karabakh-claim', "
        "a draft: building without --drafts fails here",
        "    hint: publish it first, or remove the link",
    ]
    assert check(site, "--strict").exit_code == 1
    refused(site)
    assert invoke("build", "--site", str(site), "--drafts").exit_code == 0


def test_a_draft_may_link_to_a_draft(write) -> None:
    site = write(
        {
            "karabakh-claim/en.md": article(extra="draft: true\n"),
            "one/en.md": linking("[see](../karabakh-claim/)", draft=True),
        }
    )
    result = check(site, "--strict")
    assert result.exit_code == 0 and result.stderr == "", result.stderr


def test_link_to_an_article_that_lacks_the_language(write) -> None:
    link = "[the Russian version](../../ru/karabakh-claim/)"
    site = write({"karabakh-claim/en.md": article(), "one/en.md": linking(link), "one/ru.md": linking(link)})
    assert_errors(
        site,
        [
            "content/articles/karabakh-claim/en.md:1: warning: the article has no Russian (ru) translation yet",
            "    hint: add content/articles/karabakh-claim/ru.md; until then /ru/karabakh-claim/ says it is not "
            "available in Russian (ru) and links to the versions that exist",
            "content/articles/one/en.md:11: error: '../../ru/karabakh-claim/' links to 'karabakh-claim', "
            "which has no Russian (ru) translation",
            "    hint: link to a language it exists in: English (en)",
            "content/articles/one/ru.md:11: error: '../../ru/karabakh-claim/' links to 'karabakh-claim', "
            "which has no Russian (ru) translation",
            "    hint: link to a language it exists in: English (en)",
        ],
        "2 errors, 1 warning in 4 files",
    )


def test_missing_image(write) -> None:
    site = write({"one/en.md": linking("![map](map.png)")})
    assert_errors(
        site,
        [
            "content/articles/one/en.md:11: error: 'map.png' points to a file that is not in the article folder",
            "    hint: put the file next to the article's .md files",
        ],
        "1 error, 0 warnings in 2 files",
    )


def test_present_image_is_fine_and_copied(write) -> None:
    site = write({"one/en.md": linking("![map](map.png)")})
    (site / A / "one" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = check(site, "--strict")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Checked 1 article: 0 errors, 0 warnings in 2 files\n"
    out = built(site)
    assert (out / "en" / "one" / "map.png").read_bytes() == b"\x89PNG\r\n\x1a\n"


# -- The report as a whole -----------------------------------------------------------


#: Two files, each with two mistakes, written so that text order and line order differ (6 < 14).
BROKEN = {
    "b-second/en.md": article(body="::: simonyan\nSaid.\n:::\n\n::: nobody\nWho?\n:::\n"),
    "a-first/en.md": article(
        voices="  simonyan:\n    city: paris\n    name: Gurgen Simonyan\n",
        body="::: simonyan\nSaid.\n:::\n\n::: simonyan why\nWhy?\n:::\n",
    ),
    "c-third/en.md": article(date="2999-01-01"),
}
BROKEN_LINES = [
    "content/articles/a-first/en.md:6:5: error: unknown city 'paris' for voice 'simonyan'",
    "    hint: expected one of: baku, moscow, yerevan (cities are configured in sitegen.toml)",
    "content/articles/a-first/en.md:14: error: passage names undeclared point 'why'",
    "    hint: this article declares no points (declare points in the front matter)",
    "content/articles/b-second/en.md:14: error: passage for undeclared voice 'nobody'",
    "    hint: expected one of: simonyan (declare voices in the front matter)",
    "content/articles/c-third/en.md:3:1: warning: the date 2999-01-01 is in the future",
    "    hint: the article is published anyway; is the year right?",
    "content/people.yaml:2:3: error: unknown city 'yerevn' for 'simonyan'",
    "    hint: did you mean 'yerevan'? (cities are configured in sitegen.toml)",
]


def test_every_problem_of_a_run_is_reported_together_in_file_and_line_order(write) -> None:
    site = write(BROKEN, people=PEOPLE.replace("yerevan", "yerevn"))
    assert_errors(site, BROKEN_LINES, "4 errors, 1 warning in 5 files")


def test_json_format(write) -> None:
    site = write(BROKEN, people=PEOPLE.replace("yerevan", "yerevn"))
    result = check(site, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"errors", "warnings", "files", "diagnostics"}
    assert (report["errors"], report["warnings"], report["files"]) == (4, 1, 5)
    assert report["diagnostics"][0] == {
        "path": "content/articles/a-first/en.md",
        "line": 6,
        "column": 5,
        "severity": "error",
        "message": "unknown city 'paris' for voice 'simonyan'",
        "hint": "expected one of: baku, moscow, yerevan (cities are configured in sitegen.toml)",
    }
    assert report["diagnostics"][1]["column"] is None, "an unknown column is null, not 0"
    assert [(d["path"], d["line"], d["severity"]) for d in report["diagnostics"]] == [
        ("content/articles/a-first/en.md", 6, "error"),
        ("content/articles/a-first/en.md", 14, "error"),
        ("content/articles/b-second/en.md", 14, "error"),
        ("content/articles/c-third/en.md", 3, "warning"),
        ("content/people.yaml", 2, "error"),
    ]
    located = [":".join(str(d[key]) for key in ("path", "line", "column") if d[key]) for d in report["diagnostics"]]
    as_text = [
        f"{where}: {d['severity']}: {d['message']}" for where, d in zip(located, report["diagnostics"], strict=True)
    ]
    assert as_text == [line for line in BROKEN_LINES if not line.startswith(" ")], (
        "the same problems as the text format"
    )

    strict = json.loads(check(site, "--format", "json", "--strict").stdout)
    assert (strict["errors"], strict["warnings"]) == (5, 0)
    assert {d["severity"] for d in strict["diagnostics"]} == {"error"}


def test_json_format_of_a_clean_site(write) -> None:
    site = write({"one/en.md": article()})
    result = check(site, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"errors": 0, "warnings": 0, "files": 2, "diagnostics": []}


def test_summary_line_counts_errors_warnings_and_files(write) -> None:
    site = write({"one/en.md": article(voices=TWO_VOICES), "two/en.md": article(), "three/en.md": article()})
    assert check(site).stdout == "Checked 3 articles: 0 errors, 1 warning in 4 files\n"
    assert check(site, "--strict").stderr.splitlines()[-1] == "1 error, 0 warnings in 4 files"
    assert check(site, "-q").output == "", "--quiet prints errors only"
    (site / A / "two" / "en.md").write_text(article(body="::: simonyan\n\n:::\n"), encoding="utf-8")
    (site / A / "three" / "en.md").write_text(article(body="::: nobody\nWho?\n:::\n"), encoding="utf-8")
    assert check(site).stderr.splitlines()[-1] == "2 errors, 2 warnings in 4 files"
    quiet = check(site, "-q").stderr.splitlines()
    assert quiet[-1] == "2 errors, 2 warnings in 4 files", "--quiet still counts the warnings it does not show"
    assert not [line for line in quiet if ": warning: " in line]


def test_failed_build_leaves_the_previous_output_unchanged(write) -> None:
    site = write({"one/en.md": article(), "two/en.md": article(title="Another")})
    out = built(site)
    before = snapshot(out)
    (site / A / "two" / "en.md").write_text(article(body="::: simonyan\nSaid.\n"), encoding="utf-8")
    result = invoke("build", "--site", str(site))
    assert result.exit_code == 1
    assert "content/articles/two/en.md:10: error: passage '::: simonyan' is never closed" in result.stderr
    assert snapshot(out) == before
    assert not list(site.glob(".output*")), "no staging folder is left behind"
