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
    from babel.messages.catalog import Catalog
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
    otherwise (``русский``, ``English``). Capitalised means titlecased, as
    Unicode defines it: Georgian's ``ქართული`` stays as it is (its uppercase
    would be Mtavruli, which Georgian does not use to begin a word).
    """
    reader = in_language or code
    name = _locale(code).get_display_name(_locale(reader)) or code
    if not menu:
        return name
    first = "İ" if name[:1] == "i" and _locale(reader).language in ("az", "tr") else name[:1].title()
    return first + name[1:]


@lru_cache(maxsize=64)
def text_direction(code: str) -> str:
    """``rtl`` or ``ltr``: the direction a language's script is written in, from Babel's locale data.

    Persian, Arabic, Hebrew, Pashto, Urdu (and any locale whose script runs right
    to left, such as ``az-Arab``) give ``rtl``; the value is what HTML's ``dir`` takes.
    """
    try:
        order = _locale(code).character_order
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def described(code: str) -> str:
    """``Armenian (hy)``: a language as diagnostics name it, in English (the command line's language) with its code.

    A code Babel does not know is quoted as written: ``'xx'``.
    """
    if not is_known(code):
        return f"'{code}'"
    return f"{language_name(code, 'en', menu=False)} ({code})"


#: Quotation marks per language as CLDR gives them (double open, double close, single open,
#: single close); Babel's locale data does not carry them. Other languages get CLDR's root “”‘’.
QUOTES = {
    "en": "“”‘’",
    "ru": "«»„“",
    "hy": "«»«»",
    "az": "“”‘’",
    "ka": "„“«»",
    "uk": "«»„“",
    "be": "«»„“",
    "kk": "«»“”",
    "ky": "«»„“",
    "tr": "“”‘’",
    "fa": "«»‹›",
    "de": "„“‚‘",
    "fr": "«»«»",
    "es": "«»“”",
    "it": "«»“”",
    "pl": "„”«»",
    "cs": "„“‚‘",
    "lt": "„“„“",
    "lv": "“”„“",
    "et": "„“‚‘",
}
ROOT_QUOTES = "“”‘’"


def quotes(code: str) -> str:
    """The quotation marks of a language (``ru`` or ``ru-RU``): double open and close, then single."""
    return QUOTES.get(code) or QUOTES.get(code.replace("_", "-").split("-")[0], ROOT_QUOTES)


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


@lru_cache(maxsize=4096, typed=True)  # typed: 1 and 1.0 are written differently
def format_number(value: int | float, locale: str) -> str:
    # Babel takes tens of microseconds a number; pages count the same few numbers again and again.
    from babel import numbers

    return numbers.format_decimal(value, locale=_locale(locale))


def merged_catalog(sources: Iterable[tuple[str, bytes]], locale: str) -> Catalog:
    """Merge ``.po`` files (later ones win message by message) under Babel's plural rule for ``locale``.

    A file written for another plural rule (an older CLDR's, say) keeps working:
    each of its plural messages is mapped onto Babel's forms by what the two
    rules choose for the same numbers, so a page never falls back to the
    English msgid because the rules disagree on how many forms there are.
    Raises ``ValueError`` naming the file when one cannot be parsed.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileError, read_po

    merged = Catalog(locale=_locale(locale))
    for name, data in sources:
        try:
            part = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name}: {exc}") from None
        forms = plural_map(part.plural_expr, part.num_plurals, merged.plural_expr, merged.num_plurals)
        for message in part:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.string, tuple | list):
                message.string = tuple(message.string[i] if i < len(message.string) else "" for i in forms)
            if _translated(message.string):
                merged.delete(message.id, context=message.context)  # Catalog would keep the old msgstr
                merged[message.id] = message
    return merged


def compiled(sources: Iterable[tuple[str, bytes]], locale: str) -> bytes:
    """The merged catalogs of :func:`merged_catalog`, compiled (a ``.mo`` file's bytes)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, merged_catalog(sources, locale))
    return buffer.getvalue()


def translations(mo: bytes) -> Translations:
    """Compiled catalogs (:func:`compiled`) as gettext translations for Jinja2."""
    from babel.support import Translations

    return Translations(io.BytesIO(mo))


#: The numbers on which two plural rules are compared: CLDR's rules repeat within every hundred
#: above 100 for the languages gettext can express, so 0..1000 tells any two of them apart.
PLURAL_SAMPLES = range(1001)


@lru_cache(maxsize=64)
def plural_map(source: str, source_forms: int, target: str, target_forms: int) -> tuple[int, ...]:
    """For each of the ``target`` rule's forms, the ``source`` rule's form used for the same numbers.

    ``source`` and ``target`` are gettext plural expressions (``(n != 1)``); a
    target form that no sample number reaches takes the source's last form.
    """
    import gettext

    if (source, source_forms) == (target, target_forms):
        return tuple(range(target_forms))
    pick_source, pick_target = gettext.c2py(source), gettext.c2py(target)
    chosen: dict[int, int] = {}
    for n in PLURAL_SAMPLES:
        chosen.setdefault(pick_target(n), min(pick_source(n), source_forms - 1))
    return tuple(chosen.get(form, source_forms - 1) for form in range(target_forms))


def same_plural_rule(one: str, other: str) -> bool:
    """Whether two gettext plural expressions choose the same form for every sample number."""
    import gettext

    first, second = gettext.c2py(one), gettext.c2py(other)
    return all(first(n) == second(n) for n in PLURAL_SAMPLES)


def _translated(string: str | tuple[str, ...]) -> bool:
    """Whether a msgstr (or every plural form of one) is filled in; an empty one must not win."""
    return all(string) if isinstance(string, tuple) else bool(string)


@lru_cache(maxsize=1024, typed=True)
def format_percent(value: int, locale: str) -> str:
    """Whole percents (``62``) as the language writes them: ``62%``, ``62 %``, ``۶۲٪``."""
    from babel import numbers

    return numbers.format_percent(value / 100, locale=_locale(locale))


def format_list(items: Iterable[str], locale: str) -> str:
    """``Yerevan, Baku and Moscow`` / ``Ереван, Баку и Москва``."""
    values = tuple(items)
    return _format_list(values, locale) if values else ""


@lru_cache(maxsize=4096)
def _format_list(values: tuple[str, ...], locale: str) -> str:
    from babel import lists

    return lists.format_list(list(values), locale=_locale(locale))
