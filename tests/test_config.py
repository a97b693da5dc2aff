"""``sitegen.toml`` -> SiteConfig: valid configs, and every mistake located at its key's line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import config
from sitegen.errors import Location
from sitegen.model import City

VALID = """\
title = { en = "Baku–Yerevan: two views", ru = "Баку–Ереван: два взгляда" }
base_url = "https://example.org/news"
languages = ["en", "ru"]
description = { en = "Two cities, one question", ru = "Два города, один вопрос" }
per_page = 5

[markdown]
raw_html = true

[locales]
ru = "ru_RU"

[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван" }
colour = "#b4400b"
[cities.baku]
name = { en = "Baku", ru = "Баку" }
color = "#0B6E79"
[cities.moscow]
name = { en = "Moscow", ru = "Москва" }
"""

MINIMAL = """\
title = { en = "Two views", ru = "Два взгляда" }
base_url = "https://example.org/"
languages = ["en", "ru"]

[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван" }
[cities.baku]
name = { en = "Baku", ru = "Баку" }
"""


def load(tmp_path: Path, text: str):
    (tmp_path / "sitegen.toml").write_text(text, encoding="utf-8")
    return config.load(tmp_path)


def problems(tmp_path: Path, text: str) -> list[str]:
    _, diagnostics = load(tmp_path, text)
    return [str(d) for d in diagnostics]


def errors_of(tmp_path: Path, text: str) -> list[str]:
    found, diagnostics = load(tmp_path, text)
    errors = sorted(str(d) for d in diagnostics if d.is_error)  # build sorts; config need not
    assert found is None, "a config with errors must not be returned"
    return errors


# -- A valid config --------------------------------------------------------


def test_valid_config_with_every_key(tmp_path):
    site, diagnostics = load(tmp_path, VALID)
    assert diagnostics == []
    assert site is not None
    assert site.title == {"en": "Baku–Yerevan: two views", "ru": "Баку–Ереван: два взгляда"}
    assert site.base_url == "https://example.org/news/"
    assert site.languages == ("en", "ru")
    assert site.default_language == "en"
    assert site.description == {"en": "Two cities, one question", "ru": "Два города, один вопрос"}
    assert site.per_page == 5
    assert site.raw_html is True
    assert site.locales == {"en": "en_GB", "ru": "ru_RU"}
    assert site.cities == (
        City("yerevan", {"en": "Yerevan", "ru": "Ереван"}, "#b4400b"),
        City("baku", {"en": "Baku", "ru": "Баку"}, "#0B6E79"),
        City("moscow", {"en": "Moscow", "ru": "Москва"}, ""),
    )


def test_minimal_config_gets_defaults(tmp_path):
    site, diagnostics = load(tmp_path, MINIMAL)
    assert diagnostics == []
    assert site.base_url == "https://example.org/"
    assert site.per_page == 10
    assert site.raw_html is False
    assert site.description == {}
    assert site.locales == {"en": "en_GB"}, "English dates default to British English"


def test_cities_keep_table_order_not_alphabetical(tmp_path):
    text = MINIMAL + '[cities.moscow]\nname = { en = "Moscow", ru = "Москва" }\n[cities.ankara]\nname = "Ankara"\n'
    site, _ = load(tmp_path, text)
    assert [c.id for c in site.cities] == ["yerevan", "baku", "moscow", "ankara"]


def test_base_url_with_sub_path_is_normalised_to_end_with_slash(tmp_path):
    site, _ = load(tmp_path, MINIMAL.replace('"https://example.org/"', '"http://localhost:8000/a/b"'))
    assert site.base_url == "http://localhost:8000/a/b/"


def test_plain_string_title_applies_to_every_language(tmp_path):
    site, diagnostics = load(tmp_path, MINIMAL.replace('{ en = "Two views", ru = "Два взгляда" }', '"Two views"'))
    assert diagnostics == []
    assert site.title == {"en": "Two views", "ru": "Two views"}


def test_any_babel_language_may_be_listed(tmp_path):
    text = MINIMAL.replace('["en", "ru"]', '["hy", "az", "en"]').replace('ru = "Ереван"', 'hy = "Երևան", az = "İrəvan"')
    site, _ = load(tmp_path, text)
    assert site is not None
    assert site.languages == ("hy", "az", "en")
    assert site.default_language == "hy"
    assert site.locales == {"en": "en_GB"}


def test_en_locale_can_be_overridden(tmp_path):
    site, diagnostics = load(tmp_path, MINIMAL + '[locales]\nen = "en_US"\n')
    assert diagnostics == []
    assert site.locales == {"en": "en_US"}


# -- Errors, each at the line of the offending key --------------------------


def test_missing_file(tmp_path):
    site, diagnostics = config.load(tmp_path)
    assert site is None
    assert len(diagnostics) == 1
    assert diagnostics[0].location == Location("sitegen.toml")
    assert diagnostics[0].message == "no site config here"
    assert diagnostics[0].hint == f"create sitegen.toml in {tmp_path}"


def test_toml_syntax_error_has_line_and_column(tmp_path):
    text = MINIMAL.replace('languages = ["en", "ru"]', "languages = [en, ru]")
    site, diagnostics = load(tmp_path, text)
    assert site is None
    assert len(diagnostics) == 1
    (problem,) = diagnostics
    assert problem.location == Location("sitegen.toml", 3, 14)
    assert str(problem).startswith("sitegen.toml:3:14: error: invalid TOML: ")
    assert "(at line" not in problem.message, "the position is in the location, not repeated in the message"


def test_unclosed_string_is_a_syntax_error(tmp_path):
    (problem,) = errors_of(tmp_path, 'title = "Two views\nbase_url = "https://example.org/"\n')
    assert problem.startswith("sitegen.toml:1:")
    assert ": error: invalid TOML: " in problem


def test_empty_languages(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace('["en", "ru"]', "[]"))
    assert errors == [
        'sitegen.toml:3: error: \'languages\' is empty (list at least one language, e.g. languages = ["en", "ru"])'
    ]


def test_languages_not_a_list(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace('["en", "ru"]', '"en"'))
    assert errors == [
        'sitegen.toml:3: error: \'languages\' must be a list of language codes (e.g. languages = ["en", "ru"])'
    ]


def test_unknown_language_code(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace('["en", "ru"]', '["en", "xx"]'))
    assert errors == [
        "sitegen.toml:3: error: unknown language 'xx' in 'languages' "
        "(use a code Babel knows, such as en, ru, hy, az, ka, uk)"
    ]


def test_duplicate_language(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace('["en", "ru"]', '["en", "ru", "en"]'))
    assert errors == ["sitegen.toml:3: error: English (en) is listed twice in 'languages'"]


def test_base_url_without_scheme(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace('"https://example.org/"', '"example.org/news"'))
    assert errors == [
        "sitegen.toml:2: error: 'base_url' must be an absolute http(s) URL, got 'example.org/news' "
        '(e.g. base_url = "https://example.org/news/")'
    ]


@pytest.mark.parametrize("url", ["ftp://example.org/", "https://", "https://example.org/a b/", "/news/"])
def test_other_bad_base_urls(tmp_path, url):
    errors = errors_of(tmp_path, MINIMAL.replace('"https://example.org/"', f'"{url}"'))
    assert len(errors) == 1
    assert errors[0].startswith("sitegen.toml:2: error: 'base_url' must be an absolute http(s) URL")


def test_missing_required_keys_are_all_reported(tmp_path):
    errors = errors_of(tmp_path, "per_page = 3\n")
    assert errors == [
        "sitegen.toml: error: missing required key 'base_url' "
        "(Absolute URL the site is published at; may carry a sub-path.)",
        "sitegen.toml: error: missing required key 'cities' "
        '([cities.<id>] tables with name = { <lang> = "…" }; table order = column order.)',
        "sitegen.toml: error: missing required key 'languages' (Language codes Babel knows; the first is the default.)",
        'sitegen.toml: error: missing required key \'title\' (Site title per language: { en = "…", ru = "…" }.)',
    ]


def test_cities_missing(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.split("[cities.yerevan]")[0])
    assert len(errors) == 1
    assert errors[0].startswith("sitegen.toml: error: missing required key 'cities'")


@pytest.mark.parametrize("value", ['"Baku"', "[]", "{}"])
def test_cities_not_a_table(tmp_path, value):
    text = MINIMAL.split("[cities.yerevan]")[0] + f"cities = {value}\n"
    errors = errors_of(tmp_path, text)
    assert errors == [
        "sitegen.toml:5: error: 'cities' must hold at least one [cities.<id>] table "
        '([cities.baku] name = { en = "Baku", ru = "Баку" })'
    ]


def test_city_that_is_not_a_table(tmp_path):
    text = MINIMAL.split("[cities.yerevan]")[0] + '[cities]\nyerevan = "Yerevan"\n'
    errors = errors_of(tmp_path, text)
    assert errors == [
        "sitegen.toml:6: error: 'cities.yerevan' must be a table ([cities.yerevan] name = { en = \"…\" })"
    ]


def test_city_without_name(tmp_path):
    text = MINIMAL + '[cities.moscow]\ncolour = "#333"\n'
    errors = errors_of(tmp_path, text)
    assert errors == ["sitegen.toml:9: error: city 'moscow' has no name (add name = { en = \"Moscow\" })"]


def test_city_id_must_be_lowercase(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace("[cities.baku]", "[cities.Baku]"))
    assert errors == ["sitegen.toml:7: error: city id 'Baku' must be lowercase letters, digits and hyphens"]


@pytest.mark.parametrize("colour", ["red", "#12345", "#ggg", "b4400b"])
def test_bad_colour(tmp_path, colour):
    baku = 'name = { en = "Baku", ru = "Баку" }'
    text = MINIMAL.replace(baku, f'{baku}\ncolour = "{colour}"')
    errors = errors_of(tmp_path, text)
    assert errors == [f"sitegen.toml:9: error: city 'baku' colour must be #rgb or #rrggbb, got '{colour}'"]


@pytest.mark.parametrize("value", ["0", "-1", '"10"', "2.5", "true"])
def test_per_page_must_be_a_positive_whole_number(tmp_path, value):
    text = MINIMAL.replace("languages =", f"per_page = {value}\nlanguages =")
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1
    assert errors[0].startswith("sitegen.toml:3: error: 'per_page' must be a whole number of at least 1, got ")


def test_per_page_zero_message(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace("languages =", "per_page = 0\nlanguages ="))
    assert errors == ["sitegen.toml:3: error: 'per_page' must be a whole number of at least 1, got 0"]


def test_raw_html_not_a_bool(tmp_path):
    text = MINIMAL + '\n[markdown]\nraw_html = "yes"\n'
    errors = errors_of(tmp_path, text)
    assert errors == ["sitegen.toml:11: error: 'markdown.raw_html' must be true or false, got 'yes'"]


def test_raw_html_in_an_inline_table_points_at_its_line(tmp_path):
    text = MINIMAL.replace("languages =", "markdown = { raw_html = 1 }\nlanguages =")
    errors = errors_of(tmp_path, text)
    assert errors == ["sitegen.toml:3: error: 'markdown.raw_html' must be true or false, got 1"]


def test_markdown_not_a_table(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace("languages =", "markdown = true\nlanguages ="))
    assert errors == ["sitegen.toml:3: error: 'markdown' must be a table (write it as [markdown])"]


def test_unknown_locale(tmp_path):
    errors = errors_of(tmp_path, MINIMAL + '[locales]\nru = "zz_ZZ"\n')
    assert errors == [
        "sitegen.toml:10: error: unknown locale 'zz_ZZ' for Russian (ru) "
        '(use a Babel locale such as "en_US" or "ru_RU")'
    ]


def test_title_of_wrong_type(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace('{ en = "Two views", ru = "Два взгляда" }', "42"))
    assert errors == [
        "sitegen.toml:1: error: 'title' must be text or a table of texts per language "
        '(e.g. title = { en = "…", ru = "…" })'
    ]


def test_all_errors_are_reported_together(tmp_path):
    text = (
        MINIMAL.replace('"https://example.org/"', '"example.org"')
        .replace('["en", "ru"]', '["en", "xx"]')
        .replace("[cities.baku]", "[cities.Baku]")
    )
    errors = errors_of(tmp_path, text)
    assert [e.split(": error:")[0] for e in errors] == ["sitegen.toml:2", "sitegen.toml:3", "sitegen.toml:7"]


# -- Warnings: the config still loads --------------------------------------


PARAMS_HINT = "settings that sitegen does not read go in [params]"


def test_typo_base_url_is_an_error_plus_the_missing_key(tmp_path):
    found = problems(tmp_path, MINIMAL.replace("base_url", "base-url"))
    assert (
        f"sitegen.toml:2: error: unknown key 'base-url' (did you mean 'base_url'? {PARAMS_HINT.capitalize()}.)" in found
    )
    assert any(p.startswith("sitegen.toml: error: missing required key 'base_url'") for p in found)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("languages =", "per_pag = 3\nlanguages ="),
            f"sitegen.toml:3: error: unknown key 'per_pag' (did you mean 'per_page'? {PARAMS_HINT.capitalize()}.)",
        ),
        (
            ("languages =", "per-page = 4\nlanguages ="),
            f"sitegen.toml:3: error: unknown key 'per-page' (did you mean 'per_page'? {PARAMS_HINT.capitalize()}.)",
        ),
        (
            ('name = { en = "Baku", ru = "Баку" }', 'name = { en = "Baku", ru = "Баку" }\ncolur = "#112233"'),
            "sitegen.toml:9: error: unknown key 'colur' in [cities.baku] (did you mean 'colour'?)",
        ),
        (
            ('name = { en = "Baku", ru = "Баку" }', 'name = { en = "Baku", ru = "Баку" }\n[cities.baku.extra]\na = 1'),
            "sitegen.toml:9: error: unknown key 'extra' in [cities.baku] (expected one of: color, colour, name)",
        ),
        (
            ("[cities.baku]\nname = ", "[cities.baku]\ncolur = '#123'\nname = "),
            "sitegen.toml:8: error: unknown key 'colur' in [cities.baku] (did you mean 'colour'?)",
        ),
        (
            ("", "\n[markdown]\nraw_htm = true\n"),
            "sitegen.toml:11: error: unknown key 'raw_htm' in [markdown] (did you mean 'raw_html'?)",
        ),
        (
            ("languages =", "markdown.raw_htm = true\nlanguages ="),
            "sitegen.toml:3: error: unknown key 'raw_htm' in [markdown] (did you mean 'raw_html'?)",
        ),
        (
            ('languages = ["en", "ru"]', 'languages = ["en", "ru"]\nmarkdown = { raw_html = false, raw_htm = true }'),
            "sitegen.toml:4: error: unknown key 'raw_htm' in [markdown] (did you mean 'raw_html'?)",
        ),
        (
            ("languages =", 'theme_colour = "blue"\nlanguages ='),
            "sitegen.toml:3: error: unknown key 'theme_colour' (expected one of: balance_bar, base_url, cities, "
            f"description, feed_size, languages, locales, markdown, ...; {PARAMS_HINT})",
        ),
    ],
    ids=["top", "top-hyphen", "city", "city-subtable", "city-before-name", "markdown", "dotted", "inline", "far"],
)
def test_unknown_key_is_an_error_in_every_table(tmp_path, edit, expected):
    """A typo is never silently ignored: the key's own line, the closest known key, in every table."""
    old, new = edit
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1) if old else MINIMAL + new
    assert errors_of(tmp_path, text) == [expected]


def test_unknown_locale_language_warns(tmp_path):
    site, diagnostics = load(tmp_path, MINIMAL + '\n[locales]\nen = "en_US"\nhy = "hy_AM"\n')
    assert site is not None
    assert [str(d) for d in diagnostics] == [
        "sitegen.toml:12: warning: 'locales' has a locale for Armenian (hy), which is not in 'languages'"
    ]
    assert site.locales == {"en": "en_US"}


PARAMS = """
[params]
accent = "#112233"
anything_goes = [1, 2, 3]
[params.social]
mastodon = "https://example.social/@news"
"""


def test_params_hold_anything_and_reach_the_config(tmp_path):
    site, diagnostics = load(tmp_path, MINIMAL + PARAMS)
    assert diagnostics == []
    assert site.params == {
        "accent": "#112233",
        "anything_goes": [1, 2, 3],
        "social": {"mastodon": "https://example.social/@news"},
    }
    assert load(tmp_path, MINIMAL)[0].params == {}


def test_params_must_be_a_table(tmp_path):
    text = MINIMAL.replace("languages =", "params = 3\nlanguages =")
    assert errors_of(tmp_path, text) == ["sitegen.toml:3: error: 'params' must be a table (write it as [params])"]


def test_city_name_missing_a_language_warns(tmp_path):
    site, diagnostics = load(tmp_path, MINIMAL.replace('{ en = "Baku", ru = "Баку" }', '{ en = "Baku" }'))
    assert site is not None
    assert [str(d) for d in diagnostics] == [
        "sitegen.toml:8: warning: 'cities.baku.name' has no text for Russian (ru) (add ru = \"…\")"
    ]
    assert site.city("baku").name_in("ru") == "Baku"  # the capitalised id stands in


def test_title_for_an_unlisted_language_warns(tmp_path):
    text = MINIMAL.replace('ru = "Два взгляда"', 'ru = "Два взгляда", hy = "Երկու տեսակետ"')
    site, diagnostics = load(tmp_path, text)
    assert site is not None
    assert [str(d) for d in diagnostics] == [
        "sitegen.toml:1: warning: 'title' has a text for Armenian (hy), which is not in 'languages'"
    ]


def test_every_key_is_documented():
    for name, key in config.KEYS.items():
        assert key.doc, name
    assert {n for n, k in config.KEYS.items() if k.required} == {"title", "base_url", "languages", "cities"}


# -- Encoding --------------------------------------------------------------


def test_bom_and_crlf_are_accepted(tmp_path):
    (tmp_path / "sitegen.toml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    site, diagnostics = config.load(tmp_path)
    assert diagnostics == []
    assert site.languages == ("en", "ru")
    assert [c.id for c in site.cities] == ["yerevan", "baku"]


def test_crlf_keeps_key_lines(tmp_path):
    text = MINIMAL.replace('["en", "ru"]', '["en", "xx"]')
    (tmp_path / "sitegen.toml").write_bytes(text.replace("\n", "\r\n").encode())
    _, diagnostics = config.load(tmp_path)
    assert [str(d) for d in diagnostics if d.is_error] == [
        "sitegen.toml:3: error: unknown language 'xx' in 'languages' "
        "(use a code Babel knows, such as en, ru, hy, az, ka, uk)"
    ]


def test_invalid_utf8_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "sitegen.toml").write_bytes(MINIMAL.encode().replace("Баку".encode(), b"\xc1\xe0\xea\xf3"))
    site, diagnostics = config.load(tmp_path)
    assert site is None
    (problem,) = diagnostics
    assert str(problem) == "sitegen.toml:8: error: the file is not valid UTF-8 (save it as UTF-8)"


def test_a_named_pipe_as_the_config_is_refused_not_waited_on(tmp_path):
    """Opened without blocking and checked to be a regular file before the first read (serve and i18n load it too)."""
    os.mkfifo(tmp_path / "sitegen.toml")
    site, diagnostics = config.load(tmp_path)
    assert site is None
    assert [str(d) for d in diagnostics] == ["sitegen.toml: error: cannot read the site config: not a regular file"]
