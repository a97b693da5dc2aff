"""The theme stack: the site's ``theme/`` over the default theme, file by file.

Templates, static assets and message catalogs are each looked up in the
site's theme first. The Jinja2 environments made from a theme, and template
errors, are in :mod:`sitegen.templating` (which imports this module, never the
other way round), so that reading a theme does not load Jinja2.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import sources
from .errors import Diagnostic, Location, error, warning
from .model import SiteConfig
from .routes import static_path

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
            paths[name] = static_path(name_out)
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


def load(site_dir: Path, config: SiteConfig) -> tuple[Theme | None, list[Diagnostic]]:
    """The site's theme over the default one; checks that every layer is a theme.

    The site's ``theme/`` is part of the site: trusted (its templates are
    code), and held to the same rule as the rest (:mod:`sitegen.sources`): no
    link in it may lead outside the site, or its static files would publish
    whatever the link points to.
    """
    if refused := sources.tree_problems(site_dir, "theme"):
        return None, refused
    layers = [layer for layer in (site_dir / "theme", default_theme_dir()) if layer.is_dir()]
    layers = list(dict.fromkeys(layer.resolve() for layer in layers))
    if not layers or not (layers[-1] / "templates").is_dir():
        return None, [
            error(Location("theme"), "the default theme is missing from the installation", "reinstall sitegen")
        ]
    theme = Theme(tuple(layers), config)
    return theme, missing_catalogs(theme)


def without_catalog(theme: Theme) -> tuple[str, ...]:
    """The site's languages that no layer of the theme has a catalog for.

    Their pages show the interface in English, the templates' own language
    (so English needs no catalog).
    """
    return tuple(
        lang for lang in theme.config.languages if lang.split("-")[0] != "en" and not theme.catalog_files(lang)
    )


def missing_catalogs(theme: Theme) -> list[Diagnostic]:
    """A warning per language :func:`without_catalog`, at its place in ``sitegen.toml`` (check, build, i18n status)."""
    config = theme.config
    return [
        warning(
            config.language_at.get(lang, Location(config.source)),
            f"'{lang}' has no interface catalog: its pages show the theme's menus, buttons and notices in English",
            f"add theme/locales/{lang}/LC_MESSAGES/messages.po: `sitegen i18n update` creates it, then translate it",
        )
        for lang in without_catalog(theme)
    ]
