"""Pages from data: Site + Theme -> (output path, bytes) for every page.

Pure: nothing here opens a file or looks at the clock. Article folder assets
and theme static files are passed on as source paths for ``output`` to copy.
Every link between pages is relative, so the site works under any prefix;
canonical and alternate links are absolute, from ``base_url``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from . import compare, localization
from .model import (
    Article,
    Site,
    Translation,
    absolute_url,
    article_path,
    file_for,
    home_path,
    relative_url,
)

#: What a page or copied file becomes: its path in the output and its content.
Output = tuple[str, bytes | Path]

#: Colours for cities that do not set one, in config order; each reads on white.
PALETTE = ("#b4400b", "#0b6e79", "#6b3fa0", "#a3123a", "#1d4ed8", "#3f6212", "#9d174d", "#334155")


@dataclass(frozen=True, slots=True)
class Link:
    lang: str
    name: str
    url: str | None
    href: str | None
    current: bool


def render_site(
    site: Site, environments: Mapping[str, jinja2.Environment], static_files: Mapping[str, Path]
) -> Iterator[Output]:
    """Every file of the built site, in a stable order."""
    config = site.config
    yield from static_files.items()
    for lang in config.languages:
        env = environments[lang]
        yield from home_pages(site, lang, env)
        for article, translation in site.in_language(lang):
            yield from article_outputs(site, article, translation, env)
    default = config.default_language
    yield from home_pages(site, default, environments[default], at_root=True)
    yield (
        file_for("404.html"),
        _render(
            env=environments[default],
            name="404.html",
            context=_context(site, default, "404.html", {}, absolute_links=True),
        ),
    )


def article_outputs(
    site: Site, article: Article, translation: Translation, env: jinja2.Environment
) -> Iterator[Output]:
    """An article's page in one language and the files of its folder beside it."""
    path = article_path(translation.lang, article.slug)
    alternates = {t.lang: article_path(t.lang, article.slug) for t in article.translations}
    context = _context(site, translation.lang, path, alternates)
    missing = [lang for lang in site.config.languages if lang not in alternates]
    context.update(
        article=article,
        translation=translation,
        grid=compare.grid(site.config, translation),
        missing=[localization.language_name(lang, translation.lang) for lang in missing],
        page_title=translation.title,
        description=translation.summary,
    )
    yield file_for(path), _render(env, "article.html", context)
    for asset in article.assets:
        yield path + asset, Path(article.folder) / asset


def home_pages(site: Site, lang: str, env: jinja2.Environment, at_root: bool = False) -> Iterator[Output]:
    """The language home, newest first, ``per_page`` articles a page."""
    entries = site.in_language(lang)
    per_page = site.config.per_page
    totals = {code: max(1, math.ceil(len(site.in_language(code)) / per_page)) for code in site.config.languages}
    total = totals[lang]
    for number in range(1, 2 if at_root else total + 1):
        path = "" if at_root else home_path(lang, number)
        alternates = {code: home_path(code, number) for code in site.config.languages if number <= totals[code]}
        context = _context(site, lang, path, alternates)
        if at_root:
            context["canonical"] = absolute_url(site.config.base_url, home_path(lang))
        link = context["url"]
        context.update(
            items=[
                _summary(site, article, translation, link)
                for article, translation in entries[(number - 1) * per_page : number * per_page]
            ],
            page=number,
            pages=total,
            newer=link(home_path(lang, number - 1)) if number > 1 else None,
            older=link(home_path(lang, number + 1)) if number < total else None,
            description=site.config.description.get(lang, ""),
        )
        yield file_for(path), _render(env, "home.html", context)


def _summary(site: Site, article: Article, translation: Translation, link: Callable[[str], str]) -> dict[str, Any]:
    city_ids = {v.city for v in translation.voices}
    return {
        "url": link(article_path(translation.lang, article.slug)),
        "translation": translation,
        "cities": [city for city in site.config.cities if city.id in city_ids],
    }


def _context(
    site: Site, lang: str, path: str, alternates: Mapping[str, str], absolute_links: bool = False
) -> dict[str, Any]:
    """What every page template gets: the site, the language, links and alternates."""
    config = site.config
    base_path = urlsplit(config.base_url).path

    def url(target: str) -> str:
        return base_path + target if absolute_links else relative_url(path, target)

    switcher = [
        Link(
            code,
            localization.language_name(code),
            url(alternates[code]) if code in alternates else None,
            absolute_url(config.base_url, alternates[code]) if code in alternates else None,
            code == lang,
        )
        for code in config.languages
    ]
    hreflang = [(link.lang, link.href) for link in switcher if link.href]
    if hreflang:
        default = alternates.get(config.default_language) or next(iter(alternates.values()))
        hreflang.append(("x-default", absolute_url(config.base_url, default)))
    return {
        "site": config,
        "lang": lang,
        "page_path": path,
        "page_title": "",
        "description": "",
        "url": url,
        "home": url(home_path(lang)),
        "canonical": absolute_url(config.base_url, path) if path in alternates.values() else "",
        "alternates": hreflang,
        "switcher": switcher,
        "city_colours": [
            (city.id, city.colour or PALETTE[index % len(PALETTE)]) for index, city in enumerate(config.cities)
        ],
    }


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> bytes:
    return env.get_template(name).render(context).encode("utf-8")
