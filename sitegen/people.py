"""The people registry, ``content/people.yaml``: who speaks often, declared once.

An article can then write ``voices: [simonyan, namazov]``, or mix registry ids
with inline voices, and later listings can gather what one person said across
articles::

    simonyan:
      city: yerevan
      name: { en: Gurgen Simonyan, ru: Гурген Симонян }
      role: { en: political scientist, ru: политолог }
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import frontmatter, sources
from .errors import Diagnostic, did_you_mean, error, warning
from .frontmatter import ID, FrontMatter
from .localization import described
from .model import MAX_DATA_SIZE, PEOPLE_FILE, Localized, Person, SiteConfig
from .slugs import MAX_LENGTH

FILE = PEOPLE_FILE
FIELDS = ("city", "name", "role")


def load(config: SiteConfig, site_dir: Path) -> tuple[dict[str, Person], list[Diagnostic]]:
    """Read the registry; people with errors are left out (and reported)."""
    rel = FILE.as_posix()
    text, problems = sources.site_text(
        site_dir,
        FILE,
        MAX_DATA_SIZE,
        "the people registry",
        "a registry of thousands of people is a few hundred kilobytes: is this the right file?",
    )
    if text is None:
        return {}, problems
    front, found = frontmatter.read(text, rel)
    problems = list(found)
    if front is None:
        return {}, problems
    people = {}
    for person_id, fields in front.data.items():
        person = _person(config, front, person_id, fields, problems)
        if person is not None:
            people[person_id] = person
    return people, problems


def _person(
    config: SiteConfig, front: FrontMatter, person_id: str, fields: Any, problems: list[Diagnostic]
) -> Person | None:
    where = front.at(person_id)
    before = len(problems)
    if not ID.fullmatch(person_id):
        problems.append(error(where, f"'{person_id}' is not a valid person id", "use letters, digits and hyphens"))
    elif len(person_id) > MAX_LENGTH:  # the id is a URL segment, /<lang>/people/<id>/, and a folder name
        problems.append(error(where, f"person id '{person_id}' is longer than {MAX_LENGTH} characters"))
    if not isinstance(fields, dict):
        problems.append(
            error(where, f"person '{person_id}' needs city and name", f"e.g. {person_id}: {{city: …, name: {{en: …}}}}")
        )
        return None
    for key in fields:
        if key not in FIELDS:
            problems.append(
                warning(front.at(person_id, key), f"unknown field '{key}' for '{person_id}'", did_you_mean(key, FIELDS))
            )
    city_ids = [c.id for c in config.cities]
    city = fields.get("city")
    if city is None:
        problems.append(error(where, f"person '{person_id}' has no city", f"add city: one of {', '.join(city_ids)}"))
    elif str(city) not in city_ids:
        problems.append(
            error(
                front.at(person_id, "city"),
                f"unknown city '{city}' for '{person_id}'",
                did_you_mean(str(city), city_ids) + " (cities are configured in sitegen.toml)",
            )
        )
    name = _localized(config, front, person_id, "name", fields.get("name"), problems, required=True)
    role = _localized(config, front, person_id, "role", fields.get("role"), problems, required=False)
    if any(p.is_error for p in problems[before:]):
        return None
    return Person(person_id, str(city), name, role, where)


def _localized(
    config: SiteConfig,
    front: FrontMatter,
    person_id: str,
    key: str,
    value: Any,
    problems: list[Diagnostic],
    required: bool,
) -> Localized:
    where = front.at(person_id, key)
    if value is None:
        if required:
            problems.append(error(front.at(person_id), f"person '{person_id}' has no {key}", f"add {key}: …"))
        return {}
    if isinstance(value, str):
        return {lang: value.strip() for lang in config.languages}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.append(
            error(
                where, f"the {key} of '{person_id}' must be text or a text per language", f"{key}: {{ en: …, ru: … }}"
            )
        )
        return {}
    for lang in config.languages:
        if lang not in value:
            problems.append(
                warning(
                    where, f"the {key} of '{person_id}' has no {described(lang)} version", f"add {lang}: … to {key}"
                )
            )
    for lang in value:
        if lang not in config.languages:
            problems.append(
                warning(
                    front.at(person_id, key, lang),
                    f"{described(lang)} is not a language of the site",
                    did_you_mean(lang, config.languages),
                )
            )
    return {lang: text.strip() for lang, text in value.items()}
