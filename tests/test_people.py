"""content/people.yaml: people declared once, named by id in articles, in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result

from sitegen import config, content
from sitegen.errors import Location
from sitegen.model import Person, Site, Voice

from .conftest import invoke

A = "content/articles"
REGISTRY = "content/people.yaml"

PEOPLE = """\
simonyan:
  city: yerevan
  name: { en: Gurgen Simonyan, ru: Гурген Симонян }
  role: { en: political scientist, ru: политолог }
namazov:
  city: baku
  name: { en: Hagi Namazov, ru: Гаджи Намазов }
  role: political commentator
"""
BOTH = "::: simonyan\nIn Yerevan.\n:::\n\n::: namazov\nIn Baku.\n:::\n"


def text(voices: str, body: str = BOTH, title: str = "A claim") -> str:
    """An article whose ``voices:`` field is ``voices`` (a flow list, or an indented block after a newline)."""
    return f"---\ntitle: {title}\ndate: 2023-06-05\nvoices: {voices}\n---\n\n{body}"


@pytest.fixture
def write(make_site):
    """A site with ``people`` as its registry and the same article in en and ru."""

    def make(people: str, en: str, ru: str | None = None, name: str = "site") -> Path:
        files = {REGISTRY: people, f"{A}/one/en.md": en, f"{A}/one/ru.md": en if ru is None else ru}
        return make_site(files, name=name)

    return make


def load(site: Path) -> tuple[Site, list[str]]:
    site_config, found = config.load(site)
    assert site_config is not None, found
    loaded, problems = content.load(site_config, site)
    return loaded, [str(p) for p in problems]


def voices(site: Site, lang: str) -> tuple[Voice, ...]:
    (article,) = site.articles
    translation = article.translation(lang)
    assert translation is not None
    return translation.voices


def check(site: Path) -> Result:
    return invoke("check", "--site", str(site))


# -- Resolving ids -------------------------------------------------------------------


def test_registry_ids_give_names_and_roles_per_language_and_the_city(write) -> None:
    site, problems = load(write(PEOPLE, text("[simonyan, namazov]")))
    assert problems == []
    first, second = Location("content/articles/one/en.md", 4, 10), Location("content/articles/one/en.md", 4, 20)
    assert voices(site, "en") == (
        Voice("simonyan", "yerevan", "Gurgen Simonyan", "political scientist", first, "simonyan"),
        Voice("namazov", "baku", "Hagi Namazov", "political commentator", second, "namazov"),
    )
    first, second = Location("content/articles/one/ru.md", 4, 10), Location("content/articles/one/ru.md", 4, 20)
    assert voices(site, "ru") == (
        Voice("simonyan", "yerevan", "Гурген Симонян", "политолог", first, "simonyan"),
        Voice("namazov", "baku", "Гаджи Намазов", "political commentator", second, "namazov"),
    )


def test_registry_ids_mix_with_inline_voices(write) -> None:
    mixed = "\n  simonyan:\n  ria: {city: moscow, name: RIA Novosti, role: state news agency}"
    body = "::: ria\nThe agency wrote.\n:::\n\n::: simonyan\nHe answered.\n:::\n"
    site, problems = load(write(PEOPLE, text(mixed, body)))
    assert problems == []
    en = voices(site, "en")
    assert [(v.id, v.city, v.name, v.role) for v in en] == [
        ("simonyan", "yerevan", "Gurgen Simonyan", "political scientist"),
        ("ria", "moscow", "RIA Novosti", "state news agency"),
    ]
    assert [v.location for v in en] == [
        Location("content/articles/one/en.md", 5, 3),
        Location("content/articles/one/en.md", 6, 3),
    ]
    assert [(v.id, v.name) for v in voices(site, "ru")] == [("simonyan", "Гурген Симонян"), ("ria", "RIA Novosti")]


def test_registry_ids_mix_with_inline_voices_in_the_list_form(write) -> None:
    mixed = "\n  - simonyan\n  - ria: {city: moscow, name: RIA Novosti}"
    body = "::: ria\nThe agency wrote.\n:::\n\n::: simonyan\nHe answered.\n:::\n"
    site, problems = load(write(PEOPLE, text(mixed, body)))
    assert problems == []
    assert [(v.id, v.city, v.name, v.person) for v in voices(site, "ru")] == [
        ("simonyan", "yerevan", "Гурген Симонян", "simonyan"),
        ("ria", "moscow", "RIA Novosti", ""),
    ]


def test_article_fields_override_the_registry(write) -> None:
    en = text("\n  simonyan:\n    role: former minister\n  namazov:\n    name: H. Namazov\n    city: moscow")
    ru = text("\n  simonyan:\n    role: бывший министр\n  namazov:\n    name: Г. Намазов\n    city: moscow")
    site, problems = load(write(PEOPLE, en, ru))
    assert problems == []
    assert [(v.id, v.city, v.name, v.role) for v in voices(site, "en")] == [
        ("simonyan", "yerevan", "Gurgen Simonyan", "former minister"),
        ("namazov", "moscow", "H. Namazov", "political commentator"),
    ]
    assert [(v.id, v.city, v.name, v.role) for v in voices(site, "ru")] == [
        ("simonyan", "yerevan", "Гурген Симонян", "бывший министр"),
        ("namazov", "moscow", "Г. Намазов", "political commentator"),
    ]
    assert {v.person for v in voices(site, "en")} == {"simonyan", "namazov"}, "an override keeps the person"


def test_voice_person_is_the_registry_id_or_empty(write) -> None:
    mixed = "\n  namazov:\n  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan"
    site, problems = load(write(PEOPLE, text(mixed)))
    assert problems == []
    assert [(v.id, v.person) for v in voices(site, "en")] == [("namazov", "namazov"), ("simonyan", "simonyan")]
    inline = "\n  guest:\n    city: yerevan\n    name: A Guest"
    site, problems = load(write(PEOPLE, text(inline, "::: guest\nHello.\n:::\n"), name="inline"))
    assert problems == []
    assert [(v.id, v.person) for v in voices(site, "en")] == [("guest", "")]


def test_an_inline_voice_with_a_registry_id_is_that_person(write) -> None:
    """Declaring city and name for an id the registry knows still links the voice to the person."""
    inline = "\n  simonyan:\n    city: yerevan\n    name: G. Simonyan\n  namazov:"
    site, problems = load(write(PEOPLE, text(inline)))
    assert problems == []
    assert [(v.id, v.name, v.role, v.person) for v in voices(site, "en")] == [
        ("simonyan", "G. Simonyan", "political scientist", "simonyan"),
        ("namazov", "Hagi Namazov", "political commentator", "namazov"),
    ]


def test_site_people_lists_the_registry(write) -> None:
    site, problems = load(write(PEOPLE, text("[simonyan, namazov]")))
    assert problems == []
    assert site.people == (
        Person(
            "simonyan",
            "yerevan",
            {"en": "Gurgen Simonyan", "ru": "Гурген Симонян"},
            {"en": "political scientist", "ru": "политолог"},
            Location(REGISTRY, 1, 1),
        ),
        Person(
            "namazov",
            "baku",
            {"en": "Hagi Namazov", "ru": "Гаджи Намазов"},
            {"en": "political commentator", "ru": "political commentator"},
            Location(REGISTRY, 5, 1),
        ),
    )


def test_people_who_never_appear_are_still_listed(write) -> None:
    site, problems = load(write(PEOPLE, text("[namazov]", "::: namazov\nIn Baku.\n:::\n")))
    assert problems == []
    assert [p.id for p in site.people] == ["simonyan", "namazov"]


def test_a_site_without_a_registry_has_no_people(make_site) -> None:
    inline = "\n  guest:\n    city: yerevan\n    name: A Guest"
    article = text(inline, "::: guest\nHello.\n:::\n")
    site, problems = load(make_site({f"{A}/one/en.md": article, f"{A}/one/ru.md": article}))
    assert problems == []
    assert site.people == ()


# -- Mistakes in the registry --------------------------------------------------------


def test_registry_unknown_city_suggests_the_closest(write) -> None:
    people = PEOPLE.replace("city: baku", "city: bakuu")
    site, problems = load(write(people, text("[simonyan]", "::: simonyan\nSaid.\n:::\n")))
    assert problems == [
        "content/people.yaml:6:3: error: unknown city 'bakuu' for 'namazov' "
        "(did you mean 'baku'? (cities are configured in sitegen.toml))"
    ]
    assert [p.id for p in site.people] == ["simonyan"], "a person with errors is left out"


def test_registry_person_without_a_name(write) -> None:
    people = PEOPLE.replace("  name: { en: Hagi Namazov, ru: Гаджи Намазов }\n", "")
    _, problems = load(write(people, text("[simonyan]", "::: simonyan\nSaid.\n:::\n")))
    assert problems == ["content/people.yaml:5:1: error: person 'namazov' has no name (add name: …)"]


def test_registry_name_missing_a_language_is_a_warning(write) -> None:
    people = PEOPLE.replace("{ en: Hagi Namazov, ru: Гаджи Намазов }", "{ en: Hagi Namazov }")
    site, problems = load(write(people, text("[simonyan, namazov]")))
    assert problems == [
        "content/people.yaml:7:3: warning: the name of 'namazov' has no Russian (ru) version (add ru: … to name)"
    ]
    assert [v.name for v in voices(site, "ru")] == ["Гурген Симонян", "Hagi Namazov"], "falls back to a name it has"


def test_registry_unknown_field_is_a_warning(write) -> None:
    people = PEOPLE + "  twitter: '@namazov'\n"
    site, problems = load(write(people, text("[simonyan, namazov]")))
    assert problems == [
        "content/people.yaml:9:3: warning: unknown field 'twitter' for 'namazov' (expected one of: city, name, role)"
    ]
    assert [p.id for p in site.people] == ["simonyan", "namazov"]


def test_registry_language_not_of_the_site_is_a_warning(write) -> None:
    people = PEOPLE.replace(
        "{ en: Hagi Namazov, ru: Гаджи Намазов }", "{ en: Hagi Namazov, ru: Гаджи Намазов, az: Hacı }"
    )
    _, problems = load(write(people, text("[simonyan, namazov]")))
    assert problems == [
        "content/people.yaml:7:48: warning: Azerbaijani (az) is not a language of the site (expected one of: en, ru)"
    ]


def test_registry_invalid_yaml(write) -> None:
    people = PEOPLE.replace("city: baku", "city: [baku")
    site, problems = load(write(people, text("\n  guest:\n    city: yerevan\n    name: G", "::: guest\nHi.\n:::\n")))
    assert problems == [
        "content/people.yaml:7: error: invalid YAML: did not find expected ',' or ']' "
        "(put text that holds ': ' or starts with a quote, '[' or '{' in double quotes)"
    ]
    assert site.people == ()


def test_registry_errors_fail_check_and_warnings_do_not(write) -> None:
    article = text("[simonyan]", "::: simonyan\nSaid.\n:::\n")
    broken = write(PEOPLE.replace("city: baku", "city: bakuu"), article)
    result = check(broken)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/people.yaml:6:3: error: unknown city 'bakuu' for 'namazov'",
        "    hint: did you mean 'baku'? (cities are configured in sitegen.toml)",
        "1 error, 0 warnings in 4 files",
    ]
    assert invoke("build", "--site", str(broken)).exit_code == 1
    assert not (broken / "output").exists()


def test_registry_warnings_do_not_fail_check(make_site) -> None:
    article = text("[simonyan]", "::: simonyan\nSaid.\n:::\n")
    site = make_site(
        {REGISTRY: PEOPLE + "  twitter: x\n", f"{A}/one/en.md": article, f"{A}/one/ru.md": article}, name="warned"
    )
    result = check(site)
    assert (result.exit_code, result.stdout) == (0, "Checked 1 article: 0 errors, 1 warning in 4 files\n")
    assert result.stderr.splitlines()[0] == "content/people.yaml:9:3: warning: unknown field 'twitter' for 'namazov'"


# -- Mistakes in articles ------------------------------------------------------------


def test_unknown_person_id_suggests_the_closest(write) -> None:
    _, problems = load(write(PEOPLE, text("[simonian, namazov]")))
    assert problems == [
        "content/articles/one/en.md:4:10: error: 'simonian' is not in the people registry "
        "(did you mean 'simonyan'? Or declare the voice here with city and name.)",
        "content/articles/one/en.md:7: error: passage for undeclared voice 'simonyan' "
        "(expected one of: namazov (declare voices in the front matter))",
        "content/articles/one/ru.md:4:10: error: 'simonian' is not in the people registry "
        "(did you mean 'simonyan'? Or declare the voice here with city and name.)",
        "content/articles/one/ru.md:7: error: passage for undeclared voice 'simonyan' "
        "(expected one of: namazov (declare voices in the front matter))",
    ]


def test_unknown_person_id_in_the_mapping_form(write) -> None:
    _, problems = load(write(PEOPLE, text("\n  namazow:", "::: namazow\nSaid.\n:::\n")))
    assert problems[0] == (
        "content/articles/one/en.md:5:3: error: 'namazow' is not in the people registry "
        "(did you mean 'namazov'? Or declare the voice here with city and name.)"
    )


# -- Pages ---------------------------------------------------------------------------


def test_built_pages_show_the_registry_names_in_each_language(write) -> None:
    site = write(PEOPLE, text("[simonyan, namazov]"))
    result = invoke("build", "--site", str(site))
    assert result.exit_code == 0, result.output

    def shown(lang: str) -> list[tuple[str, str]]:
        page = (site / "output" / lang / "one" / "index.html").read_text(encoding="utf-8")
        byline = r'<a class="voice-name"[^>]*>([^<]*)</a>(?:, <span class="voice-role">([^<]*)</span>)?'
        found = re.findall(byline, page)
        return [(name, role) for name, role in found]

    assert shown("en") == [("Gurgen Simonyan", "political scientist"), ("Hagi Namazov", "political commentator")]
    assert shown("ru") == [("Гурген Симонян", "политолог"), ("Гаджи Намазов", "political commentator")]
    ru = (site / "output" / "ru" / "one" / "index.html").read_text(encoding="utf-8")
    assert "Gurgen Simonyan" not in ru
