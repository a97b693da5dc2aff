"""The contested-names glossary, ``content/glossary.yaml``: each side's name for a place, and the house form.

One entry per contested name; under it, each side (a configured city id)
with the forms it uses, and ``house``, what the outlet writes in its own
voice. A form is text, or a list of spellings, for every language at once or
per language::

    stepanakert:
      yerevan: { en: Stepanakert, ru: Степанакерт }
      baku: { en: [Khankendi, Xankendi], ru: Ханкенди }
      house: { en: Stepanakert/Khankendi, ru: Степанакерт/Ханкенди }

:mod:`sitegen.contested` finds the forms in articles.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import frontmatter, sources
from .contested import HOUSE, ContestedName, Form, Glossary
from .errors import Diagnostic, did_you_mean, error, warning
from .frontmatter import ID, FrontMatter
from .localization import described
from .model import GLOSSARY_FILE, SiteConfig

FILE = GLOSSARY_FILE
#: Larger files are refused: a glossary of contested names is a few hundred entries at most.
MAX_SIZE = 512 * 2**10
HOUSE_KEY = "house"
_EXAMPLE = "e.g. stepanakert: {yerevan: Stepanakert, baku: Khankendi, house: Stepanakert/Khankendi}"
_WORDLESS = re.compile(r"\W*")


def load(config: SiteConfig, site_dir: Path) -> tuple[Glossary, list[Diagnostic]]:
    """Read the glossary; entries with errors are left out (and reported). No file: an empty glossary."""
    rel = FILE.as_posix()
    hint = "list only the names the sides dispute"
    text, problems = sources.site_text(site_dir, FILE, MAX_SIZE, "the glossary", hint)
    if text is None:
        return Glossary(path=rel), problems
    front, found = frontmatter.read(text, rel, what="the glossary", example=_EXAMPLE)
    problems = list(found)
    if front is None:
        return Glossary(path=rel), problems
    names = []
    for name_id, fields in front.data.items():
        name = _entry(config, front, name_id, fields, problems)
        if name is not None:
            names.append(name)
    problems += _repeated(names)
    bad = {d.location for d in problems if d.is_error}
    kept = tuple(name for name in names if not any(form.location in bad for form in name.forms))
    return Glossary(kept, rel), problems


def _entry(
    config: SiteConfig, front: FrontMatter, name_id: str, fields: Any, problems: list[Diagnostic]
) -> ContestedName | None:
    where = front.at(name_id)
    before = len(problems)
    if not ID.fullmatch(name_id):
        problems.append(error(where, f"'{name_id}' is not a valid name id", "use letters, digits and hyphens"))
    if not isinstance(fields, dict):
        problems.append(
            error(
                where,
                f"'{name_id}' needs the forms each side uses and the house form",
                f"e.g. {name_id}: {{yerevan: …, baku: …, {HOUSE_KEY}: …}}",
            )
        )
        return None
    city_ids = [city.id for city in config.cities]
    forms: list[Form] = []
    for key, value in fields.items():
        if key == HOUSE_KEY:
            continue
        if key not in city_ids:
            problems.append(
                error(
                    front.at(name_id, key),
                    f"unknown city '{key}' in '{name_id}'",
                    did_you_mean(key, [*city_ids, HOUSE_KEY]) + " (a side is a city of sitegen.toml)",
                )
            )
            continue
        forms += _forms(config, front, (name_id, key), value, key, problems)
    if not forms and len(problems) == before:
        problems.append(
            error(where, f"'{name_id}' lists no side's form", f"add the forms, e.g. {city_ids[0]}: {{en: …}}")
        )
    if HOUSE_KEY not in fields:
        problems.append(
            error(
                where,
                f"'{name_id}' has no house form",
                f"add {HOUSE_KEY}: what the outlet writes in its own voice, e.g. {HOUSE_KEY}: {{en: A/B}}",
            )
        )
        return None
    house = _house(config, front, name_id, fields[HOUSE_KEY], forms, problems)
    if any(problem.is_error for problem in problems[before:]):
        return None
    return ContestedName(name_id, tuple(forms + house), {form.lang: form.text for form in house}, where)


def _forms(
    config: SiteConfig, front: FrontMatter, keys: tuple[str, ...], value: Any, side: str, problems: list[Diagnostic]
) -> list[Form]:
    """The forms under one side (or ``house``): text or a list for every language, or per language."""
    if isinstance(value, dict):
        forms = []
        for lang, written in value.items():
            if lang not in config.languages:
                problems.append(
                    warning(
                        front.at(*keys, lang),
                        f"{described(lang)} is not a language of the site",
                        did_you_mean(lang, config.languages),
                    )
                )
                continue
            forms += _texts(front, (*keys, lang), written, lang, side, problems)
        return forms
    return [form for lang in config.languages for form in _texts(front, keys, value, lang, side, problems)]


def _texts(
    front: FrontMatter, keys: tuple[str, ...], value: Any, lang: str, side: str, problems: list[Diagnostic]
) -> list[Form]:
    items = value if isinstance(value, list) and side != HOUSE else [value]
    forms = []
    for index, item in enumerate(items):
        where = front.at(*keys, index) if items is value else front.at(*keys)
        text = " ".join(str(item).split()) if isinstance(item, str | int) and not isinstance(item, bool) else ""
        if not text or _WORDLESS.fullmatch(text):
            expected = "text, e.g. house: Stepanakert/Khankendi" if side == HOUSE else "a name, or a list of spellings"
            problems.append(error(where, f"'{'.'.join(keys)}' must be {expected}", "e.g. en: Khankendi"))
            continue
        forms.append(Form(text, lang, side, where))
    return forms


def _house(
    config: SiteConfig, front: FrontMatter, name_id: str, value: Any, forms: list[Form], problems: list[Diagnostic]
) -> list[Form]:
    house = _forms(config, front, (name_id, HOUSE_KEY), value, HOUSE, problems)
    for lang in dict.fromkeys(form.lang for form in forms):
        if not any(form.lang == lang for form in house):
            problems.append(
                warning(
                    front.at(name_id, HOUSE_KEY),
                    f"'{name_id}' has no house form in {described(lang)}",
                    f"add {lang}: … to {HOUSE_KEY}; until then the warnings suggest each side's form, joined by '/'",
                )
            )
    return house


def _repeated(names: list[ContestedName]) -> list[Diagnostic]:
    """A form listed twice in one language (a side's form under two names, or for two sides) is ambiguous."""
    first: dict[tuple[str, str], tuple[ContestedName, Form]] = {}
    problems = []
    for name in names:
        for form in name.forms:
            key = (form.lang, " ".join(form.text.casefold().split()))
            if key not in first:
                first[key] = (name, form)
                continue
            other_name, other = first[key]
            if HOUSE in (form.side, other.side):
                continue  # a house form may be a side's form too (it is then never flagged), or serve several names
            problems.append(
                error(
                    form.location,
                    f"'{form.text}' is listed twice for {described(form.lang)} "
                    f"(first for {other.side or HOUSE_KEY} in '{other_name.id}', line {other.location.line})",
                    "list each form once: under the side that uses it",
                )
            )
    return problems
