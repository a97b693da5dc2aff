"""``sitegen.toml`` read against a declared schema into a :class:`SiteConfig`.

Every key the generator understands is declared in :mod:`sitegen.schema`
(``KEYS``) with what it means; this module reads each value and checks it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from . import localization, sources, tomllines
from .errors import Diagnostic, Location, did_you_mean, error, warning
from .model import MAX_DATA_SIZE, City, SiteConfig
from .schema import KEYS, unknown_keys
from .slugs import MAX_LENGTH, slugify
from .tomllines import KeyLines

FILENAME = "sitegen.toml"
#: Patterns for whole values: always used with ``fullmatch`` (``$`` would also accept a trailing newline).
ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
URL = re.compile(r"https?://[^/\s?#\"<>\\^`{|}]+(/[^\s?#\"<>\\^`{|}]*)?")
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")

#: Formatting locale per language when the site names none: British English
#: gives "5 June 2023", the form newsrooms in the region write.
DEFAULT_LOCALES = {"en": "en_GB"}


def load(site_dir: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read ``site_dir/sitegen.toml``; the config is ``None`` when any error was found."""
    path = site_dir / FILENAME
    where = Location(FILENAME)
    if (refused := sources.problem(site_dir, FILENAME)) is not None:
        return None, [refused]
    try:
        data = sources.read_bytes(path, limit=MAX_DATA_SIZE)  # a named pipe or device is refused, not waited on
    except FileNotFoundError:
        return None, [error(where, "no site config here", f"create {FILENAME} in {site_dir}")]
    except sources.TooLargeError as exc:
        return None, [error(where, exc.strerror, "a site config is a few kilobytes: is this the right file?")]
    except OSError as exc:
        return None, [error(where, f"cannot read the site config: {exc.strerror or exc}")]
    text, problem = sources.decode(data, FILENAME)  # a BOM (Windows editors) is not TOML: it is dropped
    if text is None:
        return None, [problem] if problem else []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [tomllines.syntax_error(exc, text, FILENAME)]
    return _validate(data, KeyLines(text, FILENAME))


def _validate(data: dict[str, Any], lines: KeyLines) -> tuple[SiteConfig | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    for name, key in KEYS.items():
        if key.required and name not in data:
            problems.append(error(lines.at(), f"missing required key '{name}'", key.doc))
    unknown_keys(data, KEYS, (), lines, problems)

    languages = _languages(data.get("languages"), lines, problems)
    base_url = _base_url(data.get("base_url"), lines, problems)
    title = _localized(data, "title", languages, lines, problems)
    description = _localized(data, "description", languages, lines, problems)
    cities = _cities(data.get("cities"), languages, lines, problems)
    tags = _tags(data.get("tags"), languages, lines, problems)
    quotes = _quotes(_table(data, "quotes", lines, problems), languages, lines, problems)
    per_page = _whole_number(data, "per_page", 10, lines, problems)
    feed_size = _whole_number(data, "feed_size", 20, lines, problems)
    raw_html = _flag(_table(data, "markdown", lines, problems), "raw_html", False, ("markdown",), lines, problems)
    search = _flag(data, "search", True, (), lines, problems)
    balance_bar = _flag(data, "balance_bar", False, (), lines, problems)
    stale_notice = _flag(data, "stale_notice", False, (), lines, problems)
    require_review = _required_sides(data.get("require_review", []), cities, lines, problems)
    locales = _locales(_table(data, "locales", lines, problems), languages, lines, problems)
    params = _table(data, "params", lines, problems)

    if any(p.is_error for p in problems):
        return None, problems
    return SiteConfig(
        title=title,
        base_url=base_url,
        languages=languages,
        cities=cities,
        description=description,
        per_page=per_page,
        feed_size=feed_size,
        raw_html=raw_html,
        locales=locales,
        search=search,
        balance_bar=balance_bar,
        stale_notice=stale_notice,
        require_review=require_review,
        params=params,
        language_at={code: lines.value_at(code, "languages") for code in languages},
        tags=tags,
        tag_lines={key: lines.at("tags", key).line for key in tags},
        quotes=quotes,
    ), problems


def _whole_number(data: dict[str, Any], name: str, default: int, lines: KeyLines, problems: list[Diagnostic]) -> int:
    value = data.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(error(lines.at(name), f"'{name}' must be a whole number of at least 1, got {value!r}"))
        return default
    return value


def _required_sides(
    value: Any, cities: tuple[City, ...], lines: KeyLines, problems: list[Diagnostic]
) -> tuple[str, ...]:
    """``require_review``: configured city ids, each once."""
    ids = [city.id for city in cities]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(
            error(lines.at("require_review"), "'require_review' must be a list of city ids", 'e.g. ["yerevan", "baku"]')
        )
        return ()
    for item in value:
        if ids and item not in ids:
            where = lines.value_at(item, "require_review")
            problems.append(
                error(where, f"'require_review' names '{item}', which is not a city", did_you_mean(item, ids))
            )
    return tuple(dict.fromkeys(item for item in value if item in ids))


def _flag(
    table: dict[str, Any],
    name: str,
    default: bool,
    prefix: tuple[str, ...],
    lines: KeyLines,
    problems: list[Diagnostic],
) -> bool:
    value = table.get(name, default)
    if not isinstance(value, bool):
        dotted = ".".join((*prefix, name))
        problems.append(error(lines.at(*prefix, name), f"'{dotted}' must be true or false, got {value!r}"))
        return default
    return value


def _locales(
    table: dict[str, Any], languages: tuple[str, ...], lines: KeyLines, problems: list[Diagnostic]
) -> dict[str, str]:
    """The formatting locale of each configured language: ``[locales]`` over :data:`DEFAULT_LOCALES`."""
    locales = dict(DEFAULT_LOCALES)
    for lang, locale in table.items():
        if lang not in languages:
            problems.append(
                warning(
                    lines.at("locales", lang),
                    f"'locales' has a locale for {localization.described(lang)}, which is not in 'languages'",
                )
            )
        elif not isinstance(locale, str) or not localization.is_known(locale):
            problems.append(
                error(
                    lines.at("locales", lang),
                    f"unknown locale {locale!r} for {localization.described(lang)}",
                    'use a Babel locale such as "en_US" or "ru_RU"',
                )
            )
        else:
            locales[lang] = locale
    return {lang: locale for lang, locale in locales.items() if lang in languages}


def _languages(value: Any, lines: KeyLines, problems: list[Diagnostic]) -> tuple[str, ...]:
    where = lines.at("languages")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(error(where, "'languages' must be a list of language codes", 'e.g. languages = ["en", "ru"]'))
        return ()
    if not value:
        problems.append(
            error(where, "'languages' is empty", 'list at least one language, e.g. languages = ["en", "ru"]')
        )
    seen: list[str] = []
    for code in value:
        if code in seen:
            problems.append(error(where, f"{localization.described(code)} is listed twice in 'languages'"))
        elif not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code) or not localization.is_known(code):
            problems.append(
                error(
                    where,
                    f"unknown language '{code}' in 'languages'",
                    "use a code Babel knows, such as en, ru, hy, az, ka, uk",
                )
            )
        seen.append(code)
    return tuple(seen)


def _base_url(value: Any, lines: KeyLines, problems: list[Diagnostic]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not URL.fullmatch(value):
        problems.append(
            error(
                lines.at("base_url"),
                f"'base_url' must be an absolute http(s) URL, got {value!r}",
                'e.g. base_url = "https://example.org/news/"',
            )
        )
        return ""
    return value if value.endswith("/") else value + "/"


def _table(data: dict[str, Any], name: str, lines: KeyLines, problems: list[Diagnostic]) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.append(error(lines.at(name), f"'{name}' must be a table", f"write it as [{name}]"))
        return {}
    return value


def _localized(
    data: dict[str, Any],
    name: str,
    languages: tuple[str, ...],
    lines: KeyLines,
    problems: list[Diagnostic],
    prefix: tuple[str, ...] = (),
) -> dict[str, str]:
    value = data.get(name)
    dotted = ".".join((*prefix, name))
    if value is None:
        return {}
    if isinstance(value, str):
        return {lang: value for lang in languages}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.append(
            error(
                lines.at(*prefix, name),
                f"'{dotted}' must be text or a table of texts per language",
                f'e.g. {name} = {{ en = "…", ru = "…" }}',
            )
        )
        return {}
    for lang in value:
        if lang not in languages:
            problems.append(
                warning(
                    lines.at(*prefix, name, lang),
                    f"'{dotted}' has a text for {localization.described(lang)}, which is not in 'languages'",
                )
            )
    for lang in languages:
        if lang not in value:
            problems.append(
                warning(
                    lines.at(*prefix, name),
                    f"'{dotted}' has no text for {localization.described(lang)}",
                    f'add {lang} = "…"',
                )
            )
    return dict(value)


def _cities(value: Any, languages: tuple[str, ...], lines: KeyLines, problems: list[Diagnostic]) -> tuple[City, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        problems.append(
            error(
                lines.at("cities"),
                "'cities' must hold at least one [cities.<id>] table",
                '[cities.baku] name = { en = "Baku", ru = "Баку" }',
            )
        )
        return ()
    cities = []
    for city_id, table in value.items():
        where = lines.at("cities", city_id)
        if not ID.fullmatch(city_id):
            problems.append(error(where, f"city id '{city_id}' must be lowercase letters, digits and hyphens"))
        elif len(city_id) > MAX_LENGTH:  # the id is a URL segment, /<lang>/cities/<id>/, and a folder name
            problems.append(error(where, f"city id '{city_id}' is longer than {MAX_LENGTH} characters"))
        if not isinstance(table, dict):
            problems.append(
                error(where, f"'cities.{city_id}' must be a table", f'[cities.{city_id}] name = {{ en = "…" }}')
            )
            continue
        if "name" not in table:
            problems.append(
                error(where, f"city '{city_id}' has no name", f'add name = {{ en = "{city_id.capitalize()}" }}')
            )
        name = _localized(table, "name", languages, lines, problems, prefix=("cities", city_id))
        colour = table.get("colour", table.get("color", ""))
        if colour and (not isinstance(colour, str) or not COLOUR.fullmatch(colour)):
            problems.append(
                error(
                    lines.at("cities", city_id, "colour"),
                    f"city '{city_id}' colour must be #rgb or #rrggbb, got {colour!r}",
                )
            )
            colour = ""
        cities.append(City(city_id, name, colour))
    return tuple(cities)


def _tags(value: Any, languages: tuple[str, ...], lines: KeyLines, problems: list[Diagnostic]) -> dict[str, dict]:
    """``{slug: {lang: name}}`` from ``[tags.<slug>]`` tables; a tag without one is shown as written."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(error(lines.at("tags"), "'tags' must hold [tags.<slug>] tables", _TAG_EXAMPLE))
        return {}
    names = {}
    for key, table in value.items():
        where = lines.at("tags", key)
        if slugify(key) != key:
            problems.append(
                error(
                    where,
                    f"tag '{key}' must be written as its URL slug, '{slugify(key)}'",
                    f"write [tags.{slugify(key)}]: the slug is the tag's URL, the name is what readers see",
                )
            )
            continue
        if not isinstance(table, dict) or "name" not in table:
            problems.append(error(where, f"tag '{key}' has no name", _TAG_EXAMPLE.replace("karabakh", key)))
            continue
        names[key] = _localized(table, "name", languages, lines, problems, prefix=("tags", key))
    return names


_TAG_EXAMPLE = '[tags.karabakh] name = { en = "Karabakh", ru = "Карабах" }'


def _quotes(
    table: dict[str, Any], languages: tuple[str, ...], lines: KeyLines, problems: list[Diagnostic]
) -> dict[str, str]:
    """Each language's quotation marks: CLDR's, or the four the site gives in ``[quotes]``."""
    found = {lang: localization.quotes(lang) for lang in languages}
    for lang, marks in table.items():
        where = lines.at("quotes", lang)
        if lang not in languages:
            problems.append(
                warning(where, f"'quotes' has marks for {localization.described(lang)}, which is not in 'languages'")
            )
        elif not isinstance(marks, str) or len(marks) != 4:
            problems.append(
                error(
                    where,
                    f"'quotes.{lang}' must be four characters: double open, close, single open, close; got {marks!r}",
                    f'e.g. {lang} = "{localization.quotes(lang)}"; "\\"\\"\'\'" keeps straight quotes',
                )
            )
        else:
            found[lang] = marks
    return found
