"""The editors who sign articles off, ``content/editors.yaml``: each one's id, city and name.

An article's ``reviewed:`` field names them by id, one per city
(:mod:`sitegen.signoff`)::

    anna:
      city: yerevan
      name: Anna Hakobyan
    leyla:
      city: baku
      name: Leyla Mammadova
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import frontmatter, sources
from .errors import Diagnostic, Location, did_you_mean, error, warning
from .frontmatter import ID
from .model import EDITORS_FILE, MAX_DATA_SIZE, SiteConfig

FILE = EDITORS_FILE
FIELDS = ("city", "name")
_EXAMPLE = "e.g. anna: {city: yerevan, name: Anna Hakobyan}"


@dataclass(frozen=True, slots=True)
class Editor:
    id: str
    city: str
    name: str
    location: Location


def load(config: SiteConfig, site_dir: Path) -> tuple[dict[str, Editor], list[Diagnostic]]:
    """Read the editors; entries with errors are left out (and reported). No file: no editors."""
    rel = FILE.as_posix()
    text, problems = sources.site_text(
        site_dir, FILE, MAX_DATA_SIZE, "the editors list", "a list of editors is a few kilobytes"
    )
    if text is None:
        return {}, problems
    front, found = frontmatter.read(text, rel, what="the editors list", example=_EXAMPLE)
    problems = list(found)
    if front is None:
        return {}, problems
    editors = {}
    for editor_id, fields in front.data.items():
        where = front.at(editor_id)
        editor = _editor(config, editor_id, fields, where, front.at, problems)
        if editor is not None:
            editors[editor_id] = editor
    return editors, problems


def _editor(
    config: SiteConfig, editor_id: str, fields: Any, where: Location, at: Any, problems: list[Diagnostic]
) -> Editor | None:
    if not ID.fullmatch(editor_id):
        problems.append(error(where, f"'{editor_id}' is not a valid editor id", "use letters, digits and hyphens"))
        return None
    if not isinstance(fields, dict):
        problems.append(error(where, f"editor '{editor_id}' must be a mapping with city and name", _EXAMPLE))
        return None
    for key in fields:
        if key not in FIELDS:
            problems.append(warning(at(editor_id, key), f"unknown field '{key}'", did_you_mean(key, FIELDS)))
    city = fields.get("city")
    if not isinstance(city, str) or config.city(city) is None:
        cities = [c.id for c in config.cities]
        hint = did_you_mean(str(city), cities) if isinstance(city, str) else f"e.g. city: {cities[0]}"
        problems.append(error(at(editor_id, "city"), f"editor '{editor_id}' needs a configured city", hint))
        return None
    name = fields.get("name")
    name = name.strip() if isinstance(name, str) and name.strip() else editor_id
    return Editor(editor_id, city, name, where)
