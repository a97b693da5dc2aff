"""Babel's message-catalog tooling for themes: extract, update, compile, status.

The build never needs these (it compiles ``.po`` files itself, see
``localization.compiled``); ``sitegen i18n`` does, to keep a theme's catalogs in
step with its templates. The effective template set is the theme stack's:
the site's ``theme/templates`` over the default theme's, file by file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from . import localization
from .theme import Theme

POT = Path("locales") / "messages.pot"
#: Templates that can hold interface strings: pages, and feeds (robots.txt and the sitemap hold none).
TEMPLATE_SUFFIXES = (".html", ".xml")


def po_path(theme_dir: Path, lang: str) -> Path:
    return theme_dir / "locales" / lang / "LC_MESSAGES" / "messages.po"


def templates(theme: Theme) -> dict[str, Path]:
    """Template name -> the file the theme stack uses for it."""
    found: dict[str, Path] = {}
    for layer in reversed(theme.layers):
        folder = layer / "templates"
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.suffix not in TEMPLATE_SUFFIXES:
                continue
            found[path.relative_to(folder).as_posix()] = path
    return found


def extract(theme: Theme) -> Catalog:
    """Every interface string the theme's templates use, as a template catalog."""
    catalog = Catalog(project="sitegen theme", fuzzy=False)
    for name, path in sorted(templates(theme).items()):
        for line, message, comments, context in extract_from_file(
            "jinja2", path, options={"extensions": "jinja2.ext.i18n"}
        ):
            catalog.add(message, None, [(f"templates/{name}", line)], auto_comments=comments, context=context)
    return catalog


def write_template(catalog: Catalog, theme_dir: Path) -> Path:
    path = theme_dir / POT
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return path


def update(template: Catalog, theme_dir: Path, lang: str) -> tuple[Path, bool]:
    """Bring ``lang``'s catalog in step with the template; creates it when missing."""
    path = po_path(theme_dir, lang)
    created = not path.is_file()
    if created:
        catalog = Catalog(locale=lang, project="sitegen theme")
        catalog.update(template, no_fuzzy_matching=True)
    else:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, ignore_obsolete=True)
    return path, created


def compile_catalog(path: Path, lang: str) -> tuple[Path, list[str]]:
    """Write ``messages.mo`` beside a ``.po`` file; returns the problems Babel found."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    problems = [f"{path}: {message.id!r}: {error}" for message, errors in catalog.check() for error in errors]
    target = path.with_suffix(".mo")
    with target.open("wb") as handle:
        write_mo(handle, catalog)
    return target, problems


@dataclass(frozen=True, slots=True)
class Status:
    lang: str
    messages: int
    untranslated: tuple[str, ...]
    fuzzy: tuple[str, ...]


def status(theme: Theme, template: Catalog, lang: str) -> Status:
    """How much of the template the pages in ``lang`` show translated.

    The catalogs are merged exactly as the build merges them (site over default,
    plural forms mapped onto Babel's rule), so a message counts as translated
    only when every plural form a page can pick is filled in.
    """
    sources = [(str(path), path.read_bytes()) for path in theme.catalog_files(lang)]
    merged = localization.merged_catalog(sources, lang)
    fuzzy: set[object] = set()
    for _, data in sources:
        fuzzy |= {message.id for message in read_po(io.BytesIO(data), locale=lang) if message.id and message.fuzzy}
    ids = [message.id for message in template if message.id]
    missing = [i for i in ids if merged.get(_text(i)) is None]
    return Status(lang, len(ids), tuple(map(_text, missing)), tuple(_text(i) for i in missing if i in fuzzy))


def _text(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple) else str(message_id)
