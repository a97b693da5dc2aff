"""Babel, behind one door: languages, dates, numbers and message catalogs.

The language is always an argument; the process locale is never touched.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError, core

if TYPE_CHECKING:
    from babel.support import Translations

# The rest of Babel (dates, numbers, catalogs) is imported where it is used:
# a build with nothing to render checks the config's locales and needs no more.


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    return Locale.parse(code.replace("-", "_"))


def is_known(code: str) -> bool:
    """Whether Babel has locale data for a language code such as ``hy`` or ``pt-BR``."""
    try:
        _locale(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@lru_cache(maxsize=256)
def language_name(code: str, in_language: str | None = None, menu: bool = True) -> str:
    """The language's own name, or its name in ``in_language``.

    Capitalised for menus (``Русский``); as CLDR writes it for running text
    otherwise (``русский``, ``English``).
    """
    reader = in_language or code
    name = _locale(code).get_display_name(_locale(reader)) or code
    if not menu:
        return name
    first = "İ" if name[:1] == "i" and _locale(reader).language in ("az", "tr") else name[:1].upper()
    return first + name[1:]


def format_date(value: dt.date | dt.datetime, locale: str, format: str = "long") -> str:
    """``5 June 2023`` / ``5 июня 2023 г.``: a date in the reader's language.

    CLDR puts a narrow no-break space before ``г.``; the page shows a plain
    space, as the contract writes it and as readers type it into a search box.
    """
    return _format_day(value.date() if isinstance(value, dt.datetime) else value, locale, format)


@functools.lru_cache(maxsize=8192)
def _format_day(day: dt.date, locale: str, format: str) -> str:
    # Babel takes tens of microseconds a date, and a site shows each date on many pages.
    from babel import dates

    return dates.format_date(day, format=format, locale=_locale(locale)).replace("\u202f", " ")


def territory_locale(code: str) -> str:
    """``en_GB``, ``ru_RU``: a locale with its territory, as Open Graph's ``og:locale`` wants it.

    A bare language (``ru``, ``hy``) gets the territory CLDR thinks most likely
    for it (``ru_RU``, ``hy_AM``); a locale that names one keeps it (``en_GB``).
    """
    locale = _locale(code)
    territory = locale.territory
    if not territory:
        likely = core.get_global("likely_subtags").get(locale.language)
        territory = _locale(likely).territory if likely else None
    return f"{locale.language}_{territory}" if territory else locale.language


def format_number(value: int | float, locale: str) -> str:
    from babel import numbers

    return numbers.format_decimal(value, locale=_locale(locale))


def catalog(sources: Iterable[tuple[str, bytes]], locale: str) -> Translations:
    """Merge ``.po`` files (later ones win message by message) into translations.

    Raises ``ValueError`` naming the file when one cannot be parsed.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po
    from babel.support import Translations

    merged = Catalog(locale=_locale(locale))
    for name, data in sources:
        try:
            part = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name}: {exc}") from None
        for message in part:
            if message.id and _translated(message.string) and not message.fuzzy:
                merged.delete(message.id, context=message.context)  # Catalog would keep the old msgstr
                merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer)


def _translated(string: str | tuple[str, ...]) -> bool:
    """Whether a msgstr (or every plural form of one) is filled in; an empty one must not win."""
    return all(string) if isinstance(string, tuple) else bool(string)


def format_list(items: Iterable[str], locale: str) -> str:
    """``Yerevan, Baku and Moscow`` / ``Ереван, Баку и Москва``."""
    from babel import lists

    values = list(items)
    return lists.format_list(values, locale=_locale(locale)) if values else ""
