"""Front-matter fields read into typed values, each mistake a located problem.

Title, date, summary, tags and the draft flag; voices, declared inline
(``id: {city, name, role}``), named from the people registry, or both; points.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import Any

from . import people, slugs
from .checks import placeholder_line
from .errors import Diagnostic, Location, did_you_mean, error, warning
from .frontmatter import ID, FrontMatter
from .model import FUTURE, Person, Point, SiteConfig, Voice

NAMES = ("title", "date", "summary", "tags", "voices", "points", "draft", "reviewed")


class Fields:
    """Typed access to front-matter fields; each mistake becomes a located problem."""

    def __init__(self, front: FrontMatter, problems: list[Diagnostic]):
        self.front, self.problems = front, problems

    def text(self, key: str, required: bool = False) -> str:
        value = self.front.data.get(key)
        if value is None:
            if required:
                self.problems.append(error(self.front.at(), f"missing required field '{key}'", f"add {key}: …"))
            return ""
        if isinstance(value, bool | list | dict):
            self.problems.append(error(self.front.at(key), f"'{key}' must be text", f'write {key}: "…"'))
            return ""
        value = str(value).strip()
        if required and not value:
            self.problems.append(error(self.front.at(key), f"'{key}' is empty"))
        return value

    def date(self) -> dt.date:
        value = self.front.data.get("date")
        fallback = dt.date(1970, 1, 1)
        if value is None:
            self.problems.append(error(self.front.at(), "missing required field 'date'", "add date: YYYY-MM-DD"))
            return fallback
        if isinstance(value, dt.date):
            return self._in_utc_range(value, fallback)
        if ("date",) in self.front.invalid:
            return fallback
        if isinstance(value, str):
            try:
                parsed = (
                    dt.datetime.fromisoformat(value)
                    if "T" in value or " " in value.strip()
                    else dt.date.fromisoformat(value)
                )
            except ValueError:
                pass
            else:
                return self._in_utc_range(parsed, fallback)
        self.problems.append(
            error(
                self.front.at("date"),
                f"'date' must be a date such as 2023-06-05, got {value!r}",
                "write YYYY-MM-DD, or an ISO date and time such as 2023-06-05T14:30:00+04:00",
            )
        )
        return fallback

    def _in_utc_range(self, value: dt.date, fallback: dt.date) -> dt.date:
        """``value``, when it has a moment in UTC: pages, feeds and the sitemap sort dates by it.

        A time zone can push the first or last day of the calendar out of it
        (``0001-01-01T00:00:00+14:00`` is a day before year 1 in UTC).
        """
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            return value
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            side = "before 0001-01-01" if value.year == 1 else "after 9999-12-31"
            self.problems.append(
                error(
                    self.front.at("date"),
                    f"'date' {value.isoformat()} is {side} in UTC",
                    "dates and times must fall between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z",
                )
            )
            return fallback
        return value

    def tags(self, lang: str = "") -> tuple[tuple[str, Location], ...]:
        """The tags with where each is written, each problem at its own item's line.

        A tag written twice, or twice in different letter case (:func:`slugs.identity` in ``lang``),
        is kept once, as first written.
        """
        value = self.front.data.get("tags", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problems.append(
                error(self.front.at("tags"), "'tags' must be a list of words", "e.g. tags: [karabakh, usa]")
            )
            return ()
        tags: list[tuple[str, Location]] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            where = self.front.at("tags", index)
            tag = str(item).strip()
            if not isinstance(item, str | int) or isinstance(item, bool):
                self.problems.append(error(where, "'tags' must be a list of words", "e.g. tags: [karabakh, usa]"))
            elif not tag or "/" in tag or tag.startswith("."):
                self.problems.append(
                    error(
                        where,
                        f"'{tag}' cannot be a tag",
                        "tags are words or phrases without '/' and not starting with '.'",
                    )
                )
            elif slugs.identity(tag, lang) not in seen:
                seen.add(slugs.identity(tag, lang))
                tags.append((tag, where))
        return tuple(tags)

    def flag(self, key: str) -> bool:
        value = self.front.data.get(key, False)
        if not isinstance(value, bool):
            self.problems.append(error(self.front.at(key), f"'{key}' must be true or false, got {value!r}"))
            return False
        return value


def _mapping(front: FrontMatter, key: str, problems: list[Diagnostic], example: str) -> dict[str, Any]:
    value = front.data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(error(front.at(key), f"'{key}' must be a mapping of ids", example))
        return {}
    for item in value:
        if not ID.fullmatch(item):
            problems.append(
                error(
                    front.at(key, item),
                    f"'{item}' is not a valid id in '{key}'",
                    "use letters, digits, hyphens or underscores, e.g. simonyan",
                )
            )
    return value


def voices(
    config: SiteConfig, front: FrontMatter, registry: Mapping[str, Person], lang: str, problems: list[Diagnostic]
) -> tuple[Voice, ...]:
    """The article's voices: inline ``id: {city, name, role}``, registry ids, or both."""
    if "voices" not in front.data:
        problems.append(error(front.at(), "missing required field 'voices'", "every article needs at least one voice"))
        return ()
    declared = _declared_voices(front, problems)
    if not declared and isinstance(front.data.get("voices"), dict | list):
        problems.append(error(front.at("voices"), "'voices' is empty", "declare at least one voice"))
    voices = []
    for voice_id, fields, where in declared:
        person = registry.get(voice_id)
        if fields is None and person is None:
            hint = (
                did_you_mean(voice_id, registry)
                if registry
                else f"{people.FILE.as_posix()} names nobody (or could not be read)."
            )
            problems.append(
                error(
                    where,
                    f"'{voice_id}' is not in the people registry",
                    f"{hint} Or declare the voice here with city and name.",
                )
            )
            continue
        if fields is not None and not isinstance(fields, dict):
            problems.append(error(where, f"voice '{voice_id}' must have city and name", "city: …, name: …"))
            continue
        voice = _voice(config, front, voice_id, fields or {}, person, lang, where, problems)
        voices.append(voice)
    return tuple(voices)


def _declared_voices(front: FrontMatter, problems: list[Diagnostic]) -> list[tuple[str, Any, Location]]:
    """``(id, fields or None for a registry id, location)`` from the mapping or list form."""
    value = front.data.get("voices")
    if isinstance(value, dict):
        entries = [(str(k), v, front.at("voices", str(k))) for k, v in value.items()]
    elif isinstance(value, list):
        entries = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                entries.append((item, None, front.at("voices", index)))
            elif isinstance(item, dict) and len(item) == 1:
                ((key, fields),) = item.items()
                entries.append((str(key), fields, front.at("voices", str(key))))
            else:
                problems.append(
                    error(front.at("voices", index), "a voice in the list must be a registry id or 'id: {city, name}'")
                )
    else:
        problems.append(
            error(
                front.at("voices"),
                "'voices' must be a mapping of voices or a list of people ids",
                "e.g. voices: {simonyan: {city: yerevan, name: Gurgen Simonyan}}",
            )
        )
        return []
    seen: set[str] = set()
    unique = []
    for voice_id, fields, where in entries:
        if not ID.fullmatch(voice_id):
            problems.append(
                error(where, f"'{voice_id}' is not a valid voice id", "use letters, digits, hyphens or underscores")
            )
        elif voice_id in seen:
            problems.append(error(where, f"voice '{voice_id}' is declared twice", "keep one of them"))
        else:
            seen.add(voice_id)
            unique.append((voice_id, fields, where))
    return unique


def _voice(
    config: SiteConfig,
    front: FrontMatter,
    voice_id: str,
    fields: dict[str, Any],
    person: Person | None,
    lang: str,
    where: Location,
    problems: list[Diagnostic],
) -> Voice:
    """One voice; fields given in the article override the registry's."""
    for key in fields:
        if key not in people.FIELDS:
            problems.append(
                warning(
                    front.at("voices", voice_id, key),
                    f"unknown field '{key}' in voice '{voice_id}'",
                    did_you_mean(key, people.FIELDS),
                )
            )
    city_ids = [c.id for c in config.cities]
    city = fields.get("city", person.city if person else None)
    if city is None:
        problems.append(error(where, f"voice '{voice_id}' has no city", f"add city: one of {', '.join(city_ids)}"))
    elif str(city) not in city_ids:
        problems.append(
            error(
                front.at("voices", voice_id, "city"),
                f"unknown city '{city}' for voice '{voice_id}'",
                did_you_mean(str(city), city_ids) + " (cities are configured in sitegen.toml)",
            )
        )
    name = fields.get("name", person.name_in(lang) if person else None)
    if not isinstance(name, str) or not name.strip():
        problems.append(
            error(
                front.at("voices", voice_id, "name") if name is not None else where,
                f"voice '{voice_id}' has no name",
                "add name: …",
            )
        )
    role = fields.get("role", person.role_in(lang) if person else "")
    if not isinstance(role, str):
        problems.append(error(front.at("voices", voice_id, "role"), f"the role of '{voice_id}' must be text"))
        role = ""
    person_id = person.id if person else ""
    name, role = str(name or "").strip(), role.strip()
    return Voice(_shared(voice_id), _shared(str(city or "")), _shared(name), _shared(role), where, _shared(person_id))


def points(front: FrontMatter, problems: list[Diagnostic]) -> tuple[Point, ...]:
    declared = _mapping(front, "points", problems, "e.g. points: {claim: What was reported?}")
    points = []
    for point_id, question in declared.items():
        where = front.at("points", point_id)
        if not isinstance(question, str | int | float) or isinstance(question, bool) or not str(question).strip():
            problems.append(
                error(where, f"point '{point_id}' needs a question", f"e.g. {point_id}: What was reported?")
            )
            question = ""
        points.append(Point(_shared(point_id), str(question).strip(), where))
    return tuple(points)


def reviewed(config: SiteConfig, front: FrontMatter, problems: list[Diagnostic]) -> None:
    """``reviewed:`` maps configured city ids to editor ids (whether each is an editor of that city is
    :mod:`sitegen.signoff`'s check, against ``content/editors.yaml``)."""
    value = front.data.get("reviewed")
    if value is None or "reviewed" in front.invalid:
        return
    example = f"e.g. reviewed: {{{config.cities[0].id}: <editor id>}}, written by 'sitegen review sign'"
    if not isinstance(value, dict):
        problems.append(error(front.at("reviewed"), "'reviewed' must map city ids to editor ids", example))
        return
    for city, editor in value.items():
        where = front.at("reviewed", city)
        if config.city(city) is None:
            hint = did_you_mean(city, [c.id for c in config.cities])
            problems.append(error(where, f"'{city}' in 'reviewed' is not a configured city", hint))
        elif not isinstance(editor, str) or not ID.fullmatch(editor):
            problems.append(error(where, f"'reviewed.{city}' must be an editor id, got {editor!r}", example))


def doubts(front: FrontMatter, text: str, dated: tuple, today: dt.date, problems: list[Diagnostic]) -> None:
    """The warnings about a translation file as a whole: unknown fields, a date to come, a TODO left."""
    date, draft = dated
    for key in front.data:
        if key not in NAMES:
            problems.append(warning(front.at(key), f"unknown field '{key}'", did_you_mean(key, NAMES)))
    day = date.date() if isinstance(date, dt.datetime) else date
    if day > today and "date" not in front.invalid:
        problems.append(
            warning(
                front.at("date"),
                f"the date {date.isoformat()} {FUTURE}",
                "the article is published anyway; is the year right?",
            )
        )
    if not draft and (placeholder := placeholder_line(text)):
        problems.append(
            warning(
                Location(front.path, placeholder),
                "a 'TODO' placeholder is left in an article that is not a draft",
                "write the text, or put 'draft: true' back",
            )
        )


def _shared(text: Any) -> Any:
    """``text`` as the one string of its value (ids, cities, names and roles repeat in every article): a
    site of 10,000 articles otherwise holds 30 MB of copies, which each render worker copies again."""
    return sys.intern(text) if type(text) is str else text
