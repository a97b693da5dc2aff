"""The sitemap as data: every page a search engine should index, with its translations.

Pure. Articles, language homes (every page of them), section pages and
listing pages are listed; parallel views are not (their canonical link is the
article), nor the root page (its canonical is the default language's home),
nor a section page with nothing in it, nor search forms and 404 pages. Each page lists its versions in the
other languages (``xhtml:link rel="alternate" hreflang``) exactly as the page's
own ``<link rel="alternate">`` does, plus ``x-default``. ``lastmod`` is the date
of the newest article the page shows.

Drafts never appear, even in a build with ``--drafts``: the sitemap is made
from the site as it would be built without them.

The protocol allows 50,000 URLs a file. A larger site (about 8,000 articles
in two languages) gets ``sitemap-1.xml``, ``sitemap-2.xml``, … and a
``sitemap.xml`` that is their index, so ``robots.txt`` names one file either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from . import listings
from .model import Site, Translation, absolute_url, article_path, home_path


@dataclass(frozen=True, slots=True)
class Page:
    loc: str  # absolute URL
    lastmod: str  # W3C datetime, or "" when the page shows no article
    alternates: tuple[tuple[str, str], ...]  # (hreflang, absolute URL), x-default last; empty for one language


def published(site: Site) -> Site:
    """The site without its drafts: what a build without ``--drafts`` would hold."""
    if not any(t.draft for a in site.articles for t in a.translations):
        return site
    articles = []
    for article in site.articles:
        kept = tuple(t for t in article.translations if not t.draft)
        if kept:
            articles.append(dataclasses.replace(article, translations=kept))
    return dataclasses.replace(site, articles=tuple(articles))


def pages(site: Site, grouped: listings.Index | None = None) -> tuple[Page, ...]:
    """Every page of the sitemap, language by language, in a stable order.

    ``grouped`` is the site's listings index when the caller has it; it is
    made again when the site holds drafts, since the sitemap leaves them out.
    """
    shown = published(site)
    grouped = listings.index(shown) if grouped is None or shown is not site else grouped
    site = shown
    found = list(_pages(site, grouped))
    versions: dict[tuple, dict[str, str]] = {}
    for identity, lang, path, _ in found:
        versions.setdefault(identity, {})[lang] = path
    config = site.config
    shared: dict[tuple, tuple[tuple[str, str], ...]] = {}  # the same for every translation of a page
    result = []
    for identity, _, path, lastmod in found:
        alternates = shared.get(identity)
        if alternates is None:
            paths = versions[identity]
            alternates = ()
            if len(paths) > 1:
                default = paths.get(config.default_language) or next(iter(paths.values()))
                alternates = (
                    *((code, absolute_url(config.base_url, paths[code])) for code in config.languages if code in paths),
                    ("x-default", absolute_url(config.base_url, default)),
                )
            shared[identity] = alternates
        result.append(Page(absolute_url(config.base_url, path), lastmod, alternates))
    return tuple(result)


#: URLs a sitemap file may list (sitemaps.org).
LIMIT = 50_000


def parts(pages: tuple[Page, ...]) -> list[tuple[Page, ...]]:
    """The sitemap split into files of at most :data:`LIMIT` URLs (one part for most sites)."""
    return [pages[start : start + LIMIT] for start in range(0, len(pages), LIMIT)] or [()]


def part_path(number: int) -> str:
    return f"sitemap-{number}.xml"


def index_entry(part: tuple[Page, ...], number: int, base_url: str) -> Page:
    """One file of a sitemap index: where it is and the newest date among its pages."""
    dates = [page.lastmod for page in part if page.lastmod]
    return Page(absolute_url(base_url, part_path(number)), max(dates, key=_lastmod_order) if dates else "", ())


def _lastmod_order(value: str) -> dt.datetime:
    return _comparable(dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value))


def w3c_datetime(value: dt.date | dt.datetime) -> str:
    """A sitemap date: ``2023-06-05``, or the full time when it has a zone."""
    if isinstance(value, dt.datetime):
        return value.isoformat() if value.tzinfo else value.date().isoformat()
    return value.isoformat()


def _pages(site: Site, grouped: listings.Index) -> Iterator[tuple[tuple, str, str, str]]:
    """``(identity, lang, path, lastmod)``: pages with equal identities are translations of each other.

    Every list here is newest first (see ``Site.in_language``), so the newest
    article a page shows is its first one: no page needs all its dates looked at.
    """
    per_page = site.config.per_page
    for lang in site.config.languages:
        entries = site.in_language(lang)
        for number in range(1, _count(len(entries), per_page) + 1):
            shown = entries[(number - 1) * per_page : number * per_page]
            yield ("home", number), lang, home_path(lang, number), _lastmod(shown[0][1] if shown else None)
        for article, translation in entries:
            yield ("article", article.slug), lang, article_path(lang, article.slug), w3c_datetime(translation.date)
        for kind in listings.KINDS:
            shown_kind = grouped[(kind, lang)]
            if shown_kind:
                newest = max((_first(item, 0) for item in shown_kind), key=lambda t: _comparable(t.date))
                yield ("section", kind), lang, f"{lang}/{kind}/", _lastmod(newest)
            for item in shown_kind:
                for number in range(1, _count(item.size, per_page) + 1):
                    path = item.path + (f"page/{number}/" if number > 1 else "")
                    newest = _first(item, (number - 1) * per_page)
                    yield ("listing", kind, item.key, number), lang, path, _lastmod(newest)


def _first(item: listings.Listing, start: int) -> Translation:
    """The translation of a listing's entry number ``start`` (from 0): the newest on the page it begins."""
    entry = item.said[start] if item.said else item.articles[start]
    return entry.translation if isinstance(entry, listings.Said) else entry[1]


def _lastmod(newest: Translation | None) -> str:
    return w3c_datetime(newest.date) if newest is not None else ""


def _comparable(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime(value.year, value.month, value.day)


def _count(size: int, per_page: int) -> int:
    return max(1, math.ceil(size / per_page))
