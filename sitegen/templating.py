"""Jinja2 behind one door: the environment a theme renders with, and template errors as diagnostics.

One Environment is made per language (autoescape on, the i18n extension
holding that language's catalog), because Jinja2 overlays would share their
parent's gettext globals. Constant strings are translated when a template
is compiled, and compiled templates are kept in the user's cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import jinja2
import jinja2.ext
import jinja2.lexer
import markupsafe

from . import localization, markup
from .cache import cache_home
from .errors import Diagnostic, Location, error
from .slugs import slugify
from .theme import Theme

#: Raised while rendering a template; :func:`template_problem` turns it into a diagnostic.
TemplateError = jinja2.TemplateError


def environment(theme: Theme, lang: str) -> jinja2.Environment:
    """A Jinja2 environment speaking ``lang``; raises ValueError for a broken catalog."""
    sources = [(str(path), path.read_bytes()) for path in theme.catalog_files(lang)]
    translations = localization.catalog(sources, lang)
    salt = hashlib.sha256(repr((lang, _FOLDING, sources)).encode("utf-8", "surrogateescape")).hexdigest()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(layer / "templates") for layer in theme.layers]),
        autoescape=True,
        extensions=["jinja2.ext.i18n", _TranslatedConstants],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build reads each template once; the preview makes new environments when the theme changes.
        auto_reload=False,
        bytecode_cache=_bytecode_cache(salt),
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.extend(sitegen_translations=translations)
    locale = theme.config.locales.get(lang, lang)
    env.filters["date"] = lambda value, format="long": localization.format_date(value, locale, format)
    env.filters["number"] = lambda value: localization.format_number(value, locale)
    env.filters["listing"] = lambda items: localization.format_list(items, locale)
    env.filters["isodate"] = _isodate
    env.filters["city_name"] = lambda city_id, in_lang=lang: (
        city.name_in(in_lang) if (city := theme.config.city(city_id)) else city_id
    )
    env.filters["tag_name"] = lambda tag: theme.config.tag_name(slugify(tag), lang, tag)
    env.filters["rebase"] = markup.rebase
    env.filters["og_locale"] = lambda code: localization.territory_locale(theme.config.locales.get(code, code))
    env.globals["language_name"] = localization.language_name

    @jinja2.pass_context
    def asset(context: jinja2.runtime.Context, name: str) -> str:
        """``{{ asset('style.css') }}``: the page's link to a static file, under its fingerprinted name."""
        if name not in theme.assets:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): there is no static/{name} in the theme")
        return context["url"](theme.assets[name])

    env.globals["asset"] = asset
    return env


#: Bumped when what :class:`_TranslatedConstants` compiles changes, so older compiled templates are not used.
_FOLDING = "translated-constants-1"


class _TranslatedConstants(jinja2.ext.Extension):
    """Translate ``_("literal")`` once, when a template is compiled, instead of on every page.

    Each environment speaks one language, so the call's result is a constant:
    it becomes that string, marked safe as the i18n extension's ``_`` marks
    its result. Calls with variables, or whose text asks for some, stay calls.
    """

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        window: list[jinja2.lexer.Token] = []
        previous = None
        for token in stream:
            window.append(token)
            if len(window) < 4:
                continue
            folded = self._fold(previous, window)
            if folded is not None:
                yield from folded
                previous, window = folded[-1], []
            else:
                previous = window.pop(0)
                yield previous
        yield from window

    def _fold(
        self, previous: jinja2.lexer.Token | None, window: list[jinja2.lexer.Token]
    ) -> list[jinja2.lexer.Token] | None:
        name, opening, text, closing = window
        if (name.type, name.value, opening.type, text.type, closing.type) != (
            "name",
            "_",
            "lparen",
            "string",
            "rparen",
        ) or (previous is not None and previous.type == "dot"):
            return None
        try:
            value = str(markupsafe.Markup(self.environment.sitegen_translations.gettext(text.value)) % {})
        except (KeyError, TypeError, ValueError):
            return None
        line, token = name.lineno, jinja2.lexer.Token
        return [
            token(line, "lparen", "("),
            token(line, "string", value),
            token(line, "pipe", "|"),
            token(line, "name", "safe"),
            token(line, "rparen", ")"),
        ]


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates of one environment: ``salt`` names its language and catalogs."""

    def __init__(self, folder: str, salt: str):
        super().__init__(folder)
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.salt}\0{name}", filename)


def _bytecode_cache(salt: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds, in the user's own cache folder (never the site's).

    Jinja2 checks each entry against its template's source, and the salt
    tells languages apart (their translated constants differ); keeping them
    out of the site folder means a site never brings code of its own to run.
    """
    folder = cache_home() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _BytecodeCache(str(folder), salt)


def _isodate(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def template_problem(exc: jinja2.TemplateError, theme: Theme) -> Diagnostic:
    """A template error as ``theme/templates/x.html:12: message``."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    line = getattr(exc, "lineno", 0) or 0
    if not getattr(exc, "lineno", 0):  # a runtime error: the template frame is in the traceback
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".html"):
                name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    for layer in theme.layers:
        try:
            name = str(Path(name).resolve().relative_to(layer.parent))
            break
        except ValueError:
            continue
    return error(Location(str(name), line), f"template error: {exc.message or exc}")
