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
Which pages there are, and the sitemap's own files, are :mod:`sitegen.routes`'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import listings, routes
from .model import Site, Translation
from .routes import Kind, Route, absolute_url


@dataclass(frozen=True, slots=True)
class Page:
    loc: str  # absolute URL
    lastmod: str  # W3C datetime, or "" when the page shows no article
    alternates: tuple[tuple[str, str], ...]  # (hreflang, absolute URL), x-default last; empty for one language


def pages(site: Site, grouped: listings.Index | None = None, found: list[Route] | None = None) -> tuple[Page, ...]:
    """Every page of the sitemap, language by language, in a stable order: the indexed routes.

    ``grouped`` is the site's listings index and ``found`` its routes, when
    the caller has them; both are made again when the site holds drafts,
    since the sitemap leaves them out.
    """
    shown = routes.published(site)
    if grouped is None or shown is not site:
        grouped = listings.index(shown)
    if found is None or shown is not site:
        found = routes.of(shown, grouped)
    site = shown
    chosen = routes.indexed(found, grouped)
    versions: dict[tuple, dict[str, str]] = {}
    for route in chosen:
        versions.setdefault(route.identity, {})[route.lang] = route.url
    config = site.config
    shared: dict[tuple, tuple[tuple[str, str], ...]] = {}  # the same for every translation of a page
    keyed = listings.keyed(grouped)
    result = []
    for route in chosen:
        alternates = shared.get(route.identity)
        if alternates is None:
            alternates = shared[route.identity] = _alternates(config, versions[route.identity])
        result.append(Page(absolute_url(config.base_url, route.url), _lastmod(site, grouped, keyed, route), alternates))
    return tuple(result)


def _alternates(config, paths: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A page's versions as ``(hreflang, absolute URL)``, ``x-default`` last; none for a page in one language."""
    if len(paths) < 2:
        return ()
    default = paths.get(config.default_language) or next(iter(paths.values()))
    return (
        *((code, absolute_url(config.base_url, paths[code])) for code in config.languages if code in paths),
        ("x-default", absolute_url(config.base_url, default)),
    )


def parts(pages: tuple[Page, ...]) -> list[tuple[Page, ...]]:
    """The sitemap split into files of at most :data:`routes.SITEMAP_LIMIT` URLs (one part for most sites)."""
    limit = routes.SITEMAP_LIMIT
    return [pages[start : start + limit] for start in range(0, len(pages), limit)] or [()]


def index_entry(part: tuple[Page, ...], number: int, base_url: str) -> Page:
    """One file of a sitemap index: where it is and the newest date among its pages."""
    dates = [page.lastmod for page in part if page.lastmod]
    loc = absolute_url(base_url, routes.sitemap_path(number))
    return Page(loc, max(dates, key=_lastmod_order) if dates else "", ())


def _lastmod_order(value: str) -> dt.datetime:
    return _comparable(dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value))


def w3c_datetime(value: dt.date | dt.datetime) -> str:
    """A sitemap date: ``2023-06-05``, or the full time when it has a zone."""
    if isinstance(value, dt.datetime):
        return value.isoformat() if value.tzinfo else value.date().isoformat()
    return value.isoformat()


def _lastmod(site: Site, grouped: listings.Index, keyed: dict, route: Route) -> str:
    """The date of the newest article ``route`` shows.

    Every list here is newest first (see ``Site.in_language``), so the newest
    article a page shows is its first one: no page needs all its dates looked at.
    """
    per_page = site.config.per_page
    start = (route.page_no - 1) * per_page
    if route.kind is Kind.ARTICLE:
        return w3c_datetime(site.article(route.key).translation(route.lang).date)
    if route.kind is Kind.HOME:
        shown = site.in_language(route.lang)[start : start + 1]
        return _date(shown[0][1] if shown else None)
    if route.kind is Kind.SECTION:
        items = grouped[(route.section, route.lang)]
        return _date(max((_first(item, 0) for item in items), key=lambda t: _comparable(t.date)))
    return _date(_first(keyed[(route.section, route.lang, route.key)], start))


def _first(item: listings.Listing, start: int) -> Translation:
    """The translation of a listing's entry number ``start`` (from 0): the newest on the page it begins."""
    entry = item.said[start] if item.said else item.articles[start]
    return entry.translation if isinstance(entry, listings.Said) else entry[1]


def _date(newest: Translation | None) -> str:
    return w3c_datetime(newest.date) if newest is not None else ""


def _comparable(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime(value.year, value.month, value.day)
