"""Babel's message-catalog tooling for themes: extract, update, compile, status.

The build never needs these (it compiles ``.po`` files in memory, see
``localization.catalog``); ``sitegen i18n`` does, to keep a theme's catalogs in
step with its templates. The effective template set is the theme stack's:
the site's ``theme/templates`` over the default theme's, file by file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

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
    """How much of the template the theme stack translates into ``lang``, default and site catalogs merged."""
    translated: dict[object, bool] = {}
    fuzzy: set[object] = set()
    for path in theme.catalog_files(lang):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                done = all(strings) and not message.fuzzy
                if message.fuzzy and all(strings):
                    fuzzy.add(message.id)
                translated[message.id] = translated.get(message.id, False) or done
    ids = [message.id for message in template if message.id]
    missing = tuple(_text(i) for i in ids if not translated.get(i))
    return Status(lang, len(ids), missing, tuple(_text(i) for i in ids if i in fuzzy and not translated.get(i)))


def _text(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple) else str(message_id)
