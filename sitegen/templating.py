"""Jinja2 behind one door: the environment a theme renders with, and template errors as diagnostics.

One Environment is made per language (autoescape on, the i18n extension
holding that language's catalog), because Jinja2 overlays would share their
parent's gettext globals. Constant strings are translated when a template
is compiled, and compiled templates are kept in the user's cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import FunctionType, MethodType, TracebackType
from typing import TYPE_CHECKING, NoReturn

import jinja2
import jinja2.ext
import jinja2.lexer
import jinja2.meta
import markupsafe

from . import filters, localization
from .cache import FORMAT as CODE
from .errors import Diagnostic, Location, error
from .signing import cache_home
from .slugs import slugify
from .theme import Theme

if TYPE_CHECKING:
    from babel.support import Translations

#: Raised while rendering a template; :func:`template_problem` turns it into a diagnostic.
TemplateError = jinja2.TemplateError


def looks(
    theme: Theme, environments: Mapping[str, jinja2.Environment], names: Iterable[str]
) -> dict[tuple[str, str], str]:
    """``(template, language) ->`` a digest of what a page made with that template in that language reads
    of the theme: the template, those it extends, includes or imports (every template when one is named
    only at run time), and the language's catalog. A page's key holds it, so an edit of one template, or
    of one language's catalog, renders again only the pages that read it. Empty when a template is broken.
    """
    first, names, read = next(iter(environments.values())), set(names), {}
    try:
        templates = {name: _closure_digest(first, name, read) for name in names}
    except jinja2.TemplateError:  # rendering reports it, at its line: none known, every page is made again
        return {}
    catalogs = {
        lang: hashlib.sha256(b"".join(path.read_bytes() for path in theme.catalog_files(lang))).hexdigest()
        for lang in environments
    }
    # One short digest of the two: every page's key in the manifest holds it.
    return {
        (name, lang): hashlib.blake2b(f"{templates[name]}:{catalogs[lang]}".encode(), digest_size=16).hexdigest()
        for name in templates
        for lang in environments
    }


def _closure_digest(env: jinja2.Environment, name: str, read: dict[str, tuple[str, list[str | None]]]) -> str:
    """A digest of the template ``name`` and every template it reaches through extends, include and import.

    ``read`` keeps each template's source and the names it refers to, so each is parsed once per theme.
    """
    assert env.loader is not None
    seen: dict[str, str] = {}
    waiting = [name]
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        if current not in read:
            source = env.loader.get_source(env, current)[0]
            read[current] = (source, list(jinja2.meta.find_referenced_templates(env.parse(source))))
        seen[current], named = read[current]
        if None in named:  # a name made at run time: it may be any template
            waiting = [found for found in env.list_templates() if found not in seen]
            continue
        waiting += [found for found in named if found is not None]
    material = "\0".join(f"{found}\0{source}" for found, source in sorted(seen.items()))
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


def environment(theme: Theme, lang: str) -> jinja2.Environment:
    """A Jinja2 environment speaking ``lang``; raises ValueError for a broken catalog."""
    sources = [(str(path), path.read_bytes()) for path in theme.catalog_files(lang)]
    salt = hashlib.sha256(repr((lang, _FOLDING, CODE, sources)).encode("utf-8", "surrogateescape")).hexdigest()
    translations = _translations(sources, lang, salt)
    env = _Environment(
        loader=_Loader([str(layer / "templates") for layer in theme.layers]),
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
    env.filters["percent"] = lambda value: localization.format_percent(value, locale)
    env.filters["listing"] = lambda items: filters.listing(items, locale)
    env.filters["bdi"], env.filters["isolate"] = filters.isolation(localization.text_direction(lang))
    env.filters["isodate"] = filters.isodate
    env.filters["city_name"] = lambda city_id, in_lang=lang: (
        city.name_in(in_lang) if (city := theme.config.city(city_id)) else city_id
    )
    env.filters["tag_name"] = lambda tag: theme.config.tag_name(slugify(tag), lang, tag)
    env.filters["rebase"] = filters.rebase
    env.filters["og_locale"] = lambda code: localization.territory_locale(theme.config.locales.get(code, code))
    env.globals["language_name"] = localization.language_name
    env.globals["direction"] = localization.text_direction

    @jinja2.pass_context
    def asset(context: jinja2.runtime.Context, name: str) -> str:
        """``{{ asset('style.css') }}``: the page's link to a static file, under its fingerprinted name."""
        if name not in theme.assets:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): there is no static/{name} in the theme")
        return context["url"](theme.assets[name])

    env.globals["asset"] = asset
    return env


def _page_escape(value: object) -> object:
    """``{{ value }}`` as Jinja2's generated code escapes it, without making a Markup of each piece.

    What this returns is only ever joined into the page (or a macro's or
    block's text, which Jinja2 marks safe as a whole), so plain text with the
    same characters escaped gives the same page; MarkupSafe's ``escape`` spends
    most of its time building the Markup object. Anything but a plain string
    or a Markup goes to ``escape`` itself.
    """
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is markupsafe.Markup:
        return value
    return markupsafe.escape(value)


try:  # MarkupSafe's own C routine for a plain string, the one its ``escape`` calls
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # another MarkupSafe: plain strings take the usual way too
    _escape_text = markupsafe.escape  # type: ignore[assignment]


class _Template(jinja2.Template):
    """A template whose ``{{ }}`` escape with :func:`_page_escape` (a page has about two hundred of them)."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):  # type: ignore[no-untyped-def]
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = _page_escape
        return super()._from_namespace(environment, namespace, globals)


class _Context(jinja2.runtime.Context):
    """A template context that calls plain functions and methods straight away.

    Every call in a template (``url(...)``, ``site.title_in(lang)``, a filter
    that takes arguments) goes through :meth:`call`, which asks each callable
    three ways whether it wants the context passed; a plain function or
    method that was not marked with ``pass_context`` and the like wants
    nothing, and is called as Jinja2 would call it.
    """

    def call(__self, __obj, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        kind = type(__obj)
        if (kind is FunctionType or kind is MethodType) and not hasattr(__obj, "jinja_pass_arg"):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class _Environment(jinja2.Environment):
    """An environment whose templates fail only with :class:`TemplateError`, at their own line.

    A theme is trusted code, yet its author deserves ``theme/templates/x.html:LINE``
    rather than a traceback for ``{{ 1 // 0 }}``, a macro that calls itself
    or a filter given the wrong type: any exception a template raises while
    it runs becomes a ``TemplateRuntimeError`` naming the template line it
    came from.
    """

    template_class = _Template
    context_class = _Context

    def handle_exception(self, source: str | None = None) -> NoReturn:
        try:
            super().handle_exception(source)
        except jinja2.TemplateError:
            raise
        except Exception as exc:  # RecursionError included
            raise _runtime_error(exc) from None


def _runtime_error(exc: Exception) -> jinja2.TemplateRuntimeError:
    what = (
        "a macro or include calls itself without end"
        if isinstance(exc, RecursionError)
        else f"{type(exc).__name__}: {exc}"
    )
    problem = jinja2.TemplateRuntimeError(what)
    problem.filename, problem.lineno = None, 0  # type: ignore[attr-defined]
    for frame, line in _template_frames(exc.__traceback__):
        problem.filename, problem.lineno = frame, line  # type: ignore[attr-defined]
    return problem


def _template_frames(tb: TracebackType | None) -> Iterator[tuple[str, int]]:
    """(template file, line) of each traceback frame that Jinja2 has pointed at a template."""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            yield filename, tb.tb_lineno
        tb = tb.tb_next


class _Loader(jinja2.FileSystemLoader):
    """Templates from the theme stack; one that is not UTF-8 is a ``TemplateSyntaxError`` at its line."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            found = [path for folder in self.searchpath if (path := Path(folder, template)).is_file()]
            raise jinja2.TemplateSyntaxError(
                f"the template is not valid UTF-8 (byte {exc.object[exc.start]:#04x}); save it as UTF-8",
                line,
                template,
                str(found[0]) if found else template,
            ) from None


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


def _translations(sources: list[tuple[str, bytes]], lang: str, salt: str) -> Translations:
    """The theme's catalogs for ``lang`` as gettext translations: merged and compiled once, then kept in the
    user's own cache folder beside the compiled templates (``salt`` holds the catalogs' bytes; Babel's
    version, whose plural rules the merge follows, is added here). ValueError for a broken catalog."""
    from babel import __version__ as babel

    kept = cache_home() / "catalogs" / f"{hashlib.sha256(f'{salt} {babel}'.encode()).hexdigest()}.mo"
    with contextlib.suppress(Exception):  # missing, or not a catalog: compiled again
        return localization.translations(kept.read_bytes())
    compiled = localization.compiled(sources, lang)
    partial = kept.with_name(f".{kept.name}.{os.getpid()}")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial.write_bytes(compiled)
        os.replace(partial, kept)  # whole or not there, should two builds write it at once
    except OSError:  # not kept: the next build compiles it again
        partial.unlink(missing_ok=True)
    return localization.translations(compiled)


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


def template_problem(exc: jinja2.TemplateError, theme: Theme) -> Diagnostic:
    """A template error as ``theme/templates/x.html:12: message``."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    line = getattr(exc, "lineno", 0) or 0
    if not line:  # a runtime error: the template frame is in the traceback
        name, line = next(reversed(list(_template_frames(exc.__traceback__))), (name, line))
    for layer in theme.layers:
        try:
            name = str(Path(name).resolve().relative_to(layer.parent))
            break
        except ValueError:
            continue
    return error(Location(str(name), line), f"template error: {exc.message or exc}")
