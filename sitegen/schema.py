"""The keys ``sitegen.toml`` may hold, each declared with what it means, and the error for any other.

README's "Site config" section is written from :data:`KEYS`; :mod:`sitegen.config`
reads and checks each value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Diagnostic, did_you_mean, error
from .tomllines import KeyLines


@dataclass(frozen=True, slots=True)
class Key:
    kind: str
    doc: str
    required: bool = False
    #: A table whose keys are declared here; any other key in it is an error.
    keys: Mapping[str, Key] | None = None
    #: A table of tables (``[cities.<id>]``): every inner table may hold these keys only.
    each: Mapping[str, Key] | None = None


MARKDOWN_KEYS: dict[str, Key] = {
    "raw_html": Key("bool", "true passes raw HTML in articles through, sanitised (default false)."),
}

CITY_KEYS: dict[str, Key] = {
    "name": Key("localized", 'The city\'s name per language: { en = "Baku", ru = "Баку" }.', required=True),
    "colour": Key("colour", "The city's colour in the comparison, #rgb or #rrggbb (default: from the theme)."),
    "color": Key("colour", "Another spelling of 'colour'."),
}

TAG_KEYS: dict[str, Key] = {
    "name": Key("localized", 'The tag\'s name per language: { en = "Karabakh", ru = "Карабах" }.', required=True),
}

KEYS: dict[str, Key] = {
    "title": Key("localized", 'Site title per language: { en = "…", ru = "…" }.', required=True),
    "base_url": Key("url", "Absolute URL the site is published at; may carry a sub-path.", required=True),
    "languages": Key("languages", "Language codes Babel knows; the first is the default.", required=True),
    "cities": Key(
        "cities",
        '[cities.<id>] tables with name = { <lang> = "…" }; table order = column order.',
        required=True,
        each=CITY_KEYS,
    ),
    "description": Key("localized", "One-line description per language, for the home page and metadata."),
    "per_page": Key("int", "Articles per page on the language home pages (default 10)."),
    "feed_size": Key("int", "Entries in each Atom feed, newest first (default 20)."),
    "markdown": Key("table", "[markdown] raw_html = true passes raw HTML in articles through.", keys=MARKDOWN_KEYS),
    "search": Key("bool", "false leaves out full-text search: no search box, page or index (default true)."),
    "balance_bar": Key(
        "bool", "true shows readers, on each article, the share of words each city is given (default false)."
    ),
    "stale_notice": Key(
        "bool",
        "true tells readers, on a translation's page, when a text of it is older than its source (default false).",
    ),
    "require_review": Key(
        "cities-list",
        'City ids whose editor must sign each published article off, e.g. ["yerevan", "baku"] (default none).',
    ),
    "locales": Key(
        "table", 'Babel locale used to format dates per language, e.g. en = "en_US" (default en_GB for en).'
    ),
    "params": Key(
        "table", "Free settings for themes (site.params in templates); sitegen reads none of them, so anything goes."
    ),
    "quotes": Key(
        "table",
        'Quotation marks per language, four: double open, close, single open, close, e.g. az = "«»„“"'
        " (default: CLDR's for the language).",
    ),
    "tags": Key(
        "tags",
        '[tags.<slug>] tables with name = { <lang> = "…" }: how a tag is shown in each language.',
        each=TAG_KEYS,
    ),
}

#: Said with every unknown top-level key: where a setting that sitegen does not read belongs.
PARAMS_HINT = "settings that sitegen does not read go in [params]"


def unknown_keys(
    table: dict[str, Any],
    schema: Mapping[str, Key],
    path: tuple[str, ...],
    lines: KeyLines,
    problems: list[Diagnostic],
) -> None:
    """Every key of ``table`` (at ``path``) that ``schema`` does not declare is an error, nested tables included.

    A typo must not pass as a default silently; ``[params]`` is the one table
    where any key goes.
    """
    for name, value in table.items():
        key = schema.get(name)
        if key is None:
            where = f" in [{'.'.join(path)}]" if path else ""
            hint = did_you_mean(name, schema)
            if not path:
                hint += f" {PARAMS_HINT.capitalize()}." if hint.endswith("?") else f"; {PARAMS_HINT}"
            problems.append(error(lines.at(*path, name), f"unknown key '{name}'{where}", hint))
        elif key.keys is not None and isinstance(value, dict):
            unknown_keys(value, key.keys, (*path, name), lines, problems)
        elif key.each is not None and isinstance(value, dict):
            for inner, fields in value.items():
                if isinstance(fields, dict):
                    unknown_keys(fields, key.each, (*path, name, inner), lines, problems)
