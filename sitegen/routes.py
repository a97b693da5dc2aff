"""Routes: every file of a site once, as data, and the one place a URL is made.

Pure. A :class:`Route` is one output file: what kind of page it is, in which
language, at which URL, in which file, which page of how many, and the key of
the data it shows (an article's slug, a listing's key, a city's id). :func:`of`
yields every route of a site exactly once, in the order pages are planned
(that order is the manifest's). The plan (:mod:`render`), the sitemap, the
feeds, the search index's glob, the link checks and the templates (through
:class:`Links`) all read URLs from here; nothing else glues one together.

A page path is relative to the site root and ends with ``/`` (``""`` is the
root); a feed or sitemap path names its file. :func:`file_for` turns a page
path into the file written (``en/slug/`` -> ``en/slug/index.html``). Links
between pages are relative (:func:`relative_url`), so a site works under any
prefix; canonical and alternate links are absolute (:func:`absolute_url`).

Adding a kind of page: a :class:`Kind`, its path function here, its routes in
:func:`of`, and its renderer in :data:`render.PAGES` (a test checks each kind has one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from . import listings
from .model import Article, Site

# -- The URL scheme ----------------------------------------------------------

#: What no article folder may be called: the listings beside articles, the search page and the
#: home's later pages (``/<lang>/page/2/``).
RESERVED_SLUGS = frozenset({*listings.KINDS, "search", "page"})
#: An article's pages under its own folder of the output (``/<lang>/<slug>/``): the comparison and
#: the parallel view. Its files (images) stand beside them and may not take their places.
ARTICLE_PAGES = ("", "parallel/")
#: Where Pagefind's index and scripts go, from the site root (see :mod:`sitegen.search`).
BUNDLE = "pagefind/"
#: URLs a sitemap file may list (sitemaps.org); a larger site gets an index of several files.
SITEMAP_LIMIT = 50_000
ROBOTS = "robots.txt"
ROOT = ""


def home_path(lang: str, page: int = 1) -> str:
    """A language's home, newest first: ``en/``, ``en/page/2/``."""
    return f"{lang}/" if page <= 1 else f"{lang}/page/{page}/"


def article_path(lang: str, slug: str) -> str:
    return f"{lang}/{slug}/"


def parallel_path(lang: str, slug: str) -> str:
    """An article in all its languages side by side."""
    return article_path(lang, slug) + ARTICLE_PAGES[1]


def section_path(lang: str, section: str) -> str:
    """The index of one kind of listing: ``en/tags/``."""
    return f"{lang}/{section}/"


def listing_path(lang: str, section: str, key: str, page: int = 1) -> str:
    """One tag, city, person or year: ``en/tags/karabakh/``, ``en/tags/karabakh/page/2/``."""
    return f"{lang}/{section}/{key}/" + (f"page/{page}/" if page > 1 else "")


def search_path(lang: str) -> str:
    return f"{lang}/search/"


def feed_path(lang: str, city: str = "") -> str:
    """A language's Atom feed, or a city's: ``en/feed.xml``, ``en/cities/baku/feed.xml``."""
    return listing_path(lang, "cities", city) + "feed.xml" if city else f"{lang}/feed.xml"


def not_found_path(lang: str = "") -> str:
    """The page a server shows for a missing URL: ``404.html`` at the root, ``en/404.html`` per language."""
    return f"{lang}/404.html" if lang else "404.html"


def sitemap_path(part: int = 0) -> str:
    """``sitemap.xml`` (the sitemap, or the index of its parts), ``sitemap-1.xml``, …"""
    return f"sitemap-{part}.xml" if part else "sitemap.xml"


def static_path(name: str) -> str:
    """A theme's static file, under the name it is published with: ``static/style.3f9a1c2b7e.css``."""
    return f"static/{name}"


def file_for(page_path: str) -> str:
    """The output file of a page path: folders get an ``index.html``."""
    return page_path + "index.html" if page_path == "" or page_path.endswith("/") else page_path


def absolute_url(base_url: str, path: str) -> str:
    return base_url + path


def relative_url(from_page: str, to_path: str) -> str:
    """A link from page ``from_page`` to ``to_path`` that works under any prefix."""
    return ("../" * from_page.count("/") + to_path) or "./"


def article_glob(lang: str = "*") -> str:
    """The files of article pages as a glob: ``*/*/index.html`` (it matches sections and search pages too)."""
    return file_for(article_path(lang, "*"))


def in_article_glob(path: str) -> bool:
    """Whether an output path (``/``-separated) is one :func:`article_glob` matches: ``<lang>/<slug>/index.html``."""
    parts = path.split("/")
    return len(parts) == 3 and parts[2] == "index.html"


def article_at(path: str) -> tuple[str, str] | None:
    """``(lang, slug)`` when a normalized site path (``en/slug``, ``en/slug/``) has an article's shape."""
    parts = path.removesuffix("/").split("/")
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


class Links:
    """The URL helper a page's template gets as ``url``: each target by its route, as a link from the page.

    ``url("en/feed.xml")`` links to any site path; ``url.feed(lang)``,
    ``url.listing(lang, "cities", "baku")`` and the others make the path by
    the scheme above first. Links are relative to ``page``, or with ``prefix``
    (a 404 page, shown at any depth) start from the site's own path.
    """

    __slots__ = ("page", "prefix")

    def __init__(self, page: str, prefix: str | None = None):
        self.page, self.prefix = page, prefix

    def __call__(self, target: str) -> str:
        return self.prefix + target if self.prefix is not None else relative_url(self.page, target)

    def home(self, lang: str, page: int = 1) -> str:
        return self(home_path(lang, page))

    def article(self, lang: str, slug: str) -> str:
        return self(article_path(lang, slug))

    def parallel(self, lang: str, slug: str) -> str:
        return self(parallel_path(lang, slug))

    def section(self, lang: str, section: str) -> str:
        return self(section_path(lang, section))

    def listing(self, lang: str, section: str, key: str, page: int = 1) -> str:
        return self(listing_path(lang, section, key, page))

    def search(self, lang: str) -> str:
        return self(search_path(lang))

    def feed(self, lang: str, city: str = "") -> str:
        return self(feed_path(lang, city))

    def bundle(self) -> str:
        return self(BUNDLE)


# -- Routes ------------------------------------------------------------------


class Kind(StrEnum):
    """What a route's file is; the value is the kind's name in plans and caches."""

    COPY = "copy"  # a file copied as it is: the theme's static files, an article folder's files
    HOME = "home"  # a page of a language's home
    ROOT = "root"  # the site root: the default language's home
    ARTICLE = "article"
    PARALLEL = "parallel"  # an article in all its languages
    LACKING = "lacking"  # an article's URL in a language it lacks
    SECTION = "section"  # the index of one kind of listing
    LISTING = "listing"  # a page of one tag, city, person or year
    SEARCH = "search"
    NOT_FOUND = "404"
    FEED = "feed"
    CITY_FEED = "city-feed"
    SITEMAP = "sitemap"  # the sitemap, or one part of it
    SITEMAP_INDEX = "sitemap-index"
    ROBOTS = "robots"


#: Kinds of page the sitemap lists (a section only when it has something in it).
INDEXED = frozenset({Kind.HOME, Kind.ARTICLE, Kind.SECTION, Kind.LISTING})


@dataclass(frozen=True, slots=True)
class Route:
    """One output file of a site."""

    kind: Kind
    lang: str  # "" for the site's own files (the sitemap, robots.txt, the theme's files)
    url: str  # the page path from the site root: "en/slug/", "" for the root, "en/feed.xml"
    path: str  # the file in the output: "en/slug/index.html"
    key: str = ""  # what it shows: an article's slug (its page, its files), a listing's key, a city, a theme file
    section: str = ""  # a listing's kind (tags, cities, people, archive), for sections and listings
    page_no: int = 1  # which page of a paginated list, or which sitemap part
    pages: int = 1

    @property
    def identity(self) -> tuple[str, str, str, int]:
        """Equal for a page's versions in each language: the sitemap lists them as each other's alternates."""
        return (self.kind, self.section, self.key, self.page_no)


def of(site: Site, grouped: listings.Index, static: Iterable[str] = ()) -> list[Route]:
    """Every route of ``site`` once, in plan order; ``static`` are the theme's files (copied first).

    ``grouped`` is :func:`listings.index` of ``site``.
    """
    config = site.config
    found = [Route(Kind.COPY, "", path, path, path) for path in static]
    for lang in config.languages:
        found += _homes(site, lang)
        for article, _ in site.in_language(lang):
            found += article_routes(lang, article)
        found += (lacking(lang, article.slug) for article in site.articles if article.translation(lang) is None)
        found += _listings(site, grouped, lang)
    default = config.default_language
    found.append(Route(Kind.ROOT, default, ROOT, file_for(ROOT), pages=_count(site, default)))
    found.append(_page(Kind.NOT_FOUND, default, not_found_path()))
    if config.search:
        found += (_page(Kind.SEARCH, lang, search_path(lang)) for lang in config.languages)
    found += (_page(Kind.NOT_FOUND, lang, not_found_path(lang)) for lang in config.languages)
    for lang in config.languages:
        found.append(_page(Kind.FEED, lang, feed_path(lang)))
        found += (
            _page(Kind.CITY_FEED, lang, feed_path(lang, item.key), item.key) for item in grouped[("cities", lang)]
        )
    found += sitemaps(_sitemap_size(site, grouped, found))
    found.append(_page(Kind.ROBOTS, "", ROBOTS))
    return found


def article_routes(lang: str, article: Article) -> list[Route]:
    """An article's pages in one language, and the files of its folder beside them."""
    slug, path = article.slug, article_path(lang, article.slug)
    found = [Route(Kind.ARTICLE, lang, path, path + "index.html", slug)]
    if len(article.translations) > 1:
        found.append(_page(Kind.PARALLEL, lang, parallel_path(lang, slug), slug))
    found += (Route(Kind.COPY, lang, path + name, path + name, slug) for name in article.assets)
    return found


def lacking(lang: str, slug: str) -> Route:
    """The page at an article's URL in a language it lacks."""
    return _page(Kind.LACKING, lang, article_path(lang, slug), slug)


def sitemaps(size: int) -> list[Route]:
    """The sitemap's files for ``size`` URLs: one ``sitemap.xml``, or an index and its parts."""
    parts = page_count(size, SITEMAP_LIMIT)
    if parts == 1:
        return [_page(Kind.SITEMAP, "", sitemap_path())]
    return [
        Route(Kind.SITEMAP_INDEX, "", sitemap_path(), sitemap_path(), pages=parts),
        *(Route(Kind.SITEMAP, "", sitemap_path(n), sitemap_path(n), str(n), "", n, parts) for n in range(1, parts + 1)),
    ]


def indexed(found: Iterable[Route], grouped: listings.Index) -> list[Route]:
    """The routes the sitemap lists, in order: homes, articles, listings, and sections with something in them."""
    empty = {which for which, items in grouped.items() if not items}  # (section, lang): only a section is in none
    return [route for route in found if route.kind in INDEXED and (route.section, route.lang) not in empty]


def published(site: Site) -> Site:
    """The site without its drafts: what a build without ``--drafts`` would hold (the sitemap's site)."""
    if not any(t.draft for a in site.articles for t in a.translations):
        return site
    articles = []
    for article in site.articles:
        kept = tuple(t for t in article.translations if not t.draft)
        if kept:
            articles.append(replace(article, translations=kept))
    return replace(site, articles=tuple(articles))


def page_count(size: int, per_page: int) -> int:
    """Pages a list of ``size`` entries takes, ``per_page`` a page (an empty list still has its first page)."""
    return max(1, math.ceil(size / per_page))


def _page(kind: Kind, lang: str, url: str, key: str = "") -> Route:
    return Route(kind, lang, url, file_for(url), key)


def _count(site: Site, lang: str) -> int:
    return page_count(len(site.in_language(lang)), site.config.per_page)


def _homes(site: Site, lang: str) -> Iterator[Route]:
    pages = _count(site, lang)
    for number in range(1, pages + 1):
        url = home_path(lang, number)
        yield Route(Kind.HOME, lang, url, url + "index.html", "", "", number, pages)


def _listings(site: Site, grouped: listings.Index, lang: str) -> Iterator[Route]:
    per_page = site.config.per_page
    for section in listings.KINDS:
        yield Route(Kind.SECTION, lang, section_path(lang, section), file_for(section_path(lang, section)), "", section)
        for item in grouped[(section, lang)]:
            pages = page_count(item.size, per_page)
            for number in range(1, pages + 1):
                url = listing_path(lang, section, item.key, number)
                yield Route(Kind.LISTING, lang, url, url + "index.html", item.key, section, number, pages)


def _sitemap_size(site: Site, grouped: listings.Index, found: list[Route]) -> int:
    """How many URLs the sitemap lists: the indexed routes of the site as published."""
    shown = published(site)
    if shown is not site:
        grouped = listings.index(shown)
        found = of(shown, grouped)
    return len(indexed(found, grouped))
