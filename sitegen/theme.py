"""The theme stack: the site's ``theme/`` over the default theme, file by file.

Templates, static assets and message catalogs are each looked up in the
site's theme first. One Jinja2 Environment is made per language (autoescape
on, the i18n extension holding that language's catalog), because Jinja2
overlays would share their parent's gettext globals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import jinja2.ext
import jinja2.lexer
import markupsafe

from . import localization, markup
from .errors import Diagnostic, Location, error
from .model import SiteConfig

#: Static files whose output name carries a digest of their content (``style.3f9a1c2b7e.css``).
FINGERPRINTED = (".css", ".js")


def default_theme_dir() -> Path:
    """The theme inside the installed package, or the source tree's ``theme/``."""
    packaged = Path(__file__).parent / "_theme"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "theme"


@dataclass(frozen=True)
class Theme:
    """Theme folders, most specific first; each holds templates/, static/, locales/."""

    layers: tuple[Path, ...]
    config: SiteConfig

    @cached_property
    def static_sources(self) -> dict[str, Path]:
        """Asset name under ``static/`` (``style.css``) -> the file that provides it, site theme first."""
        files: dict[str, Path] = {}
        for layer in reversed(self.layers):
            folder = layer / "static"
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        files[path.relative_to(folder).as_posix()] = path
        return files

    @cached_property
    def assets(self) -> dict[str, str]:
        """Asset name (``style.css``) -> its path in the output (``static/style.3f9a1c2b7e.css``).

        CSS and JavaScript are named by a digest of their content, so a changed
        file gets a new name and hosts may cache them for ever; templates link
        them with ``{{ asset('style.css') }}``. Other files keep their names.
        """
        paths = {}
        for name, source in self.static_sources.items():
            stem, dot, suffix = name.rpartition(".")
            if dot and "." + suffix in FINGERPRINTED:
                name_out = f"{stem}.{hashlib.sha256(source.read_bytes()).hexdigest()[:10]}.{suffix}"
            else:
                name_out = name
            paths[name] = "static/" + name_out
        return paths

    @cached_property
    def static_files(self) -> dict[str, Path]:
        """Static asset path in the output (``static/style.<digest>.css``) -> the file that provides it."""
        return {self.assets[name]: source for name, source in self.static_sources.items()}

    def catalog_files(self, lang: str) -> list[Path]:
        """The ``messages.po`` files for ``lang``, the default theme's first."""
        names = [lang, lang.replace("-", "_")]
        found = []
        for layer in reversed(self.layers):
            for name in dict.fromkeys(names):
                path = layer / "locales" / name / "LC_MESSAGES" / "messages.po"
                if path.is_file():
                    found.append(path)
                    break
        return found

    def environment(self, lang: str) -> jinja2.Environment:
        """A Jinja2 environment speaking ``lang``; raises ValueError for a broken catalog."""
        sources = [(str(path), path.read_bytes()) for path in self.catalog_files(lang)]
        translations = localization.catalog(sources, lang)
        salt = hashlib.sha256(repr((lang, _FOLDING, sources)).encode("utf-8", "surrogateescape")).hexdigest()
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(layer / "templates") for layer in self.layers]),
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
        locale = self.config.locales.get(lang, lang)
        env.filters["date"] = lambda value, format="long": localization.format_date(value, locale, format)
        env.filters["number"] = lambda value: localization.format_number(value, locale)
        env.filters["listing"] = lambda items: localization.format_list(items, locale)
        env.filters["isodate"] = _isodate
        env.filters["city_name"] = lambda city_id, in_lang=lang: (
            city.name_in(in_lang) if (city := self.config.city(city_id)) else city_id
        )
        env.filters["rebase"] = markup.rebase
        env.filters["og_locale"] = lambda code: localization.territory_locale(self.config.locales.get(code, code))
        env.globals["language_name"] = localization.language_name
        env.globals["asset"] = self._asset_url
        return env

    @jinja2.pass_context
    def _asset_url(self, context: jinja2.runtime.Context, name: str) -> str:
        """``{{ asset('style.css') }}``: the page's link to a static file, under its fingerprinted name."""
        if name not in self.assets:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): there is no static/{name} in the theme")
        return context["url"](self.assets[name])


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


def cache_home() -> Path:
    """sitegen's folder in the user's cache (``$XDG_CACHE_HOME/sitegen`` or ``~/.cache/sitegen``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitegen"


def _isodate(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def load(site_dir: Path, config: SiteConfig) -> tuple[Theme | None, list[Diagnostic]]:
    """The site's theme over the default one; checks that every layer is a theme."""
    layers = [layer for layer in (site_dir / "theme", default_theme_dir()) if layer.is_dir()]
    layers = list(dict.fromkeys(layer.resolve() for layer in layers))
    if not layers or not (layers[-1] / "templates").is_dir():
        return None, [
            error(Location("theme"), "the default theme is missing from the installation", "reinstall sitegen")
        ]
    return Theme(tuple(layers), config), []


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


#: Raised while rendering a template; :func:`template_problem` turns it into a diagnostic.
TemplateError = jinja2.TemplateError
