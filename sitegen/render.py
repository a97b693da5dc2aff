"""Pages from data: Site + Theme -> (output path, bytes) for every route.

Pure: nothing here opens a file or looks at the clock. A build is first a
*plan*, a list of :class:`Job` values, one per route (:func:`routes.of`),
each with a fingerprint of everything that page shows besides the theme and
the config; then each job is run. Incremental rebuilds compare fingerprints
and run only the jobs that changed. Article folder files and theme static
files are passed on as source paths for ``output`` to copy.

What each kind of route needs is one entry of :data:`PAGES`: how its page is
made (:mod:`sitegen.pages`), how its fingerprint is taken, which articles'
text it shows, and whether it is slow to make.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import feeds, listings, pages, routes, sitemap
from .model import Article, Site
from .pages import PALETTE
from .routes import Kind, Route

__all__ = ["PAGES", "PALETTE", "Job", "keyed", "own_jobs", "plan", "recorded_plan", "run", "shown"]


@dataclass(frozen=True, slots=True)
class Job:
    """One output file to make: its route, a fingerprint of the data it shows, and for a copy its source."""

    route: Route
    key: str
    source: str = ""  # a copy's source file

    @property
    def path(self) -> str:
        return self.route.path

    @property
    def kind(self) -> Kind:
        return self.route.kind

    @property
    def slow(self) -> bool:
        """Whether the job takes much longer than a page (the sitemap, feeds): builds start these first."""
        return PAGES[self.route.kind].slow


def plan(
    site: Site,
    static_files: Mapping[str, Path],
    grouped: listings.Index | None = None,
    stop: Callable[[], object] | None = None,
    looks: Looks | None = None,
) -> list[Job]:
    """Every output file of the site as a job, in a stable order (that of :func:`routes.of`).

    ``stop`` is called every few thousand jobs: it may raise to end the planning there. ``looks``
    (:attr:`report.Prepared.looks`) puts what each page reads of the theme into its key.
    """
    return recorded_plan(site, static_files, grouped, stop, looks)[0]


def recorded_plan(
    site: Site,
    static_files: Mapping[str, Path],
    grouped: listings.Index | None = None,
    stop: Callable[[], object] | None = None,
    looks: Looks | None = None,
) -> tuple[list[Job], dict[str, tuple[Route, ...]]]:
    """:func:`plan`, and for each article the routes whose key holds its text (see :mod:`sitegen.depends`)."""
    grouped = listings.index(site) if grouped is None else grouped
    found = routes.of(site, grouped, static_files)
    keys = _Keys(site, grouped, static_files, found, looks)
    jobs: list[Job] = []
    for start in range(0, len(found), PLANNED_BETWEEN_STOPS):
        if stop is not None:
            stop()
        jobs += keys.jobs(found[start : start + PLANNED_BETWEEN_STOPS])
    return jobs, {slug: tuple(shown) for slug, shown in keys.shown_on.items()}


def keyed(
    site: Site,
    grouped: listings.Index,
    static_files: Mapping[str, Path],
    chosen: Iterable[Route],
    looks: Looks | None = None,
) -> list[Job]:
    """Jobs for ``chosen`` routes only: their keys are those :func:`plan` gives them (not the sitemap's)."""
    return _Keys(site, grouped, static_files, None, looks).jobs(chosen)


#: ``(template, language) ->`` what pages made with it read of the theme (:func:`sitegen.templating.looks`).
Looks = Mapping[tuple[str, str], str]

#: Jobs planned between two calls of :func:`plan`'s ``stop``: a few milliseconds' worth.
PLANNED_BETWEEN_STOPS = 2000


def own_jobs(
    site: Site, static_files: Mapping[str, Path], articles: Iterable[Article], looks: Looks | None = None
) -> list[Job]:
    """The pages of ``articles`` themselves and the files of their folders: every language, the parallel
    views, the not-available pages. Quick to plan: no listing is looked at."""
    articles = list(articles)
    chosen = [route for a in articles for t in a.translations for route in routes.article_routes(t.lang, a)]
    chosen += [
        routes.lacking(lang, article.slug)
        for article in articles
        for lang in site.config.languages
        if article.translation(lang) is None
    ]
    return _Keys(site, None, static_files, None, looks).jobs(chosen)


def shown(jobs: Iterable[Job], site: Site, grouped: listings.Index) -> set[str]:
    """The slugs of the articles whose text ``jobs`` render.

    Pages that only list articles still count them: a theme may show more of an article than its title.
    """
    slugs: set[str] = set()
    for job in jobs:
        shows = PAGES[job.kind].shows
        if shows is not None:
            slugs.update(shows(site, grouped, job.route))
    return slugs


def shows_text(job: Job) -> bool:
    """Whether the job's page shows the text of articles (not only what a plan knows: titles, dates, URLs)."""
    return PAGES[job.kind].shows is not None


def run(
    job: Job, site: Site, environments: Mapping[str, jinja2.Environment], grouped: listings.Index | None = None
) -> bytes | Path:
    """Make one output: the page's bytes, or the source path of a file to copy."""
    page = PAGES[job.kind]
    if page.make is None:
        return Path(job.source)
    if page.listed and grouped is None:
        grouped = listings.index(site)
    route = job.route
    return page.make(site, grouped, route, environments[route.lang or site.config.default_language])


class _Keys:
    """Each route's fingerprint: a digest of everything its page shows besides the theme and the config.

    Made once per plan, so what several routes share (an article's key in
    every language, a listing's other languages) is worked out once.
    """

    def __init__(
        self,
        site: Site,
        grouped: listings.Index | None,
        static_files: Mapping[str, Path],
        found: list[Route] | None = None,
        looks: Looks | None = None,
    ):
        self.site, self.grouped, self.static_files, self.found = site, grouped, static_files, found
        self.looks, self.language = looks or {}, site.config.default_language
        self.per_page = site.config.per_page
        self.articles: dict[str, str] = {}
        #: Slug -> the routes keyed so far whose key holds that article's text.
        self.shown_on: dict[str, list[Route]] = {}
        self.last_listing: tuple[tuple, dict] = ((), {})  # the last listing asked about, and its alternates
        self.totals = sorted(
            (code, routes.page_count(len(site.in_language(code)), self.per_page)) for code in site.config.languages
        )

    def jobs(self, found: Iterable[Route]) -> list[Job]:
        return [self.job(route) for route in found]

    def job(self, route: Route) -> Job:
        if route.kind is Kind.COPY:
            source = self.copy_source(route)
            return Job(route, source, source)
        key = PAGES[route.kind].key(self, route)
        if self.looks:  # what the page reads of the theme: its template, those it includes, its catalog
            key = f"{key}\0{self.looks[(pages.TEMPLATES[route.kind], route.lang or self.language)]}"
        return Job(route, key)

    def copy_source(self, route: Route) -> str:
        if not route.lang:
            return str(self.static_files[route.path])
        article = self.site.article(route.key)
        return str(Path(article.folder) / route.path.removeprefix(routes.article_path(route.lang, route.key)))

    def none(self, route: Route) -> str:
        return ""

    def shows(self, route: Route, slugs: Iterable[str]) -> None:
        for slug in slugs:
            self.shown_on.setdefault(slug, []).append(route)

    def article(self, route: Route) -> str:
        self.shows(route, (route.key,))
        key = self.articles.get(route.key)
        if key is None:
            key = self.articles[route.key] = _fingerprint([t.digest for t in self.site.article(route.key).translations])
        return key

    def lacking(self, route: Route) -> str:
        self.shows(route, (route.key,))  # the titles of its versions are text
        return _fingerprint([(t.lang, t.title) for t in self.site.article(route.key).translations])

    def home(self, route: Route) -> str:
        entries = _home_entries(self.site, route)
        self.shows(route, {a.slug for a, _ in entries})
        return _fingerprint([(a.slug, t.digest) for a, t in entries], self.totals)

    def section(self, route: Route) -> str:
        grouped, kind = self.grouped, route.section
        summary = [(item.key, item.title, item.size) for item in grouped[(kind, route.lang)]]
        present = tuple(code for code in self.site.config.languages if grouped[(kind, code)])
        return _fingerprint(summary, present)

    def listing(self, route: Route) -> str:
        which = (route.section, route.lang, route.key)
        item = listings.keyed(self.grouped)[which]
        if self.last_listing[0] != which:  # a listing's pages are planned one after another
            self.last_listing = (which, pages.listing_alternates(self.site, self.grouped, item))
        shown = _entry_keys(pages.page_of(item, route.page_no, self.per_page))
        self.shows(route, {entry[0] for entry in shown})
        return _fingerprint(item.title, route.pages, self.last_listing[1], shown)

    def feed(self, route: Route) -> str:
        city = route.key if route.kind is Kind.CITY_FEED else ""
        shown = feeds.shown(self.site, self.grouped, route.lang, city)
        self.shows(route, {entry[0] for entry in shown})
        return _fingerprint(shown)

    def sitemap(self, route: Route) -> str:
        parts = pages.sitemap_parts(self.site, self.grouped, self.found)
        if route.kind is Kind.SITEMAP_INDEX:
            base = self.site.config.base_url
            return _fingerprint([sitemap.index_entry(part, number, base) for number, part in enumerate(parts, 1)])
        return _fingerprint(_rows(parts[route.page_no - 1]))


def _home_entries(site: Site, route: Route) -> tuple:
    per_page, number = site.config.per_page, route.page_no
    return site.in_language(route.lang)[(number - 1) * per_page : number * per_page]


def _entry_keys(entries: tuple) -> list[tuple]:
    """What a listing page shows of each entry: its article, that article's text and, for a passage, which one."""
    if entries and isinstance(entries[0], listings.Said):
        return [(said.article.slug, said.translation.digest, said.number) for said in entries]
    return [(article.slug, translation.digest) for article, translation in entries]


def _rows(part: tuple[sitemap.Page, ...]) -> list[tuple]:
    """Sitemap pages as plain tuples, whose ``repr`` is quicker to take than the dataclass's."""
    return [(page.loc, page.lastmod, page.alternates) for page in part]


def _fingerprint(*values: object) -> str:
    """A stable digest of plain data (frozen dataclasses, tuples, strings, dates)."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=16).hexdigest()


# -- Which articles a page shows ---------------------------------------------


def _own(site: Site, grouped: listings.Index, route: Route) -> Iterable[str]:
    return (route.key,)


def _on_home(site: Site, grouped: listings.Index, route: Route) -> Iterable[str]:
    return (a.slug for a, _ in _home_entries(site, route))


def _on_listing(site: Site, grouped: listings.Index, route: Route) -> Iterable[str]:
    item = listings.keyed(grouped).get((route.section, route.lang, route.key))
    entries = pages.page_of(item, route.page_no, site.config.per_page) if item else ()
    return (entry.article.slug if item.said else entry[0].slug for entry in entries)


def _in_feed(site: Site, grouped: listings.Index, route: Route) -> Iterable[str]:
    return feeds.articles_in(site, grouped, route.lang, route.key if route.kind is Kind.CITY_FEED else "")


#: Makes a page: ``(site, listings index, route, the environment of its language) -> bytes``.
Maker = Callable[[Site, "listings.Index | None", Route, jinja2.Environment], bytes]


@dataclass(frozen=True, slots=True)
class Page:
    """What the plan and the build need to know of one kind of route."""

    make: Maker | None  # None: a copy, whose output is its source file
    key: Callable[[_Keys, Route], str]  # the route's fingerprint
    shows: Callable[[Site, listings.Index, Route], Iterable[str]] | None = None  # slugs whose text it shows
    listed: bool = False  # needs the listings index
    slow: bool = False  # takes much longer than a page


#: Every kind of route: adding a kind of page is a :class:`routes.Kind`, its routes and one entry here.
PAGES: dict[Kind, Page] = {
    Kind.COPY: Page(None, _Keys.none),
    Kind.HOME: Page(pages.home, _Keys.home, _on_home),
    Kind.ROOT: Page(pages.home, _Keys.home, _on_home),
    Kind.ARTICLE: Page(pages.article, _Keys.article, _own),
    Kind.PARALLEL: Page(pages.parallel, _Keys.article, _own),
    Kind.LACKING: Page(pages.lacking, _Keys.lacking, _own),
    Kind.SECTION: Page(pages.section, _Keys.section, listed=True),
    Kind.LISTING: Page(pages.listing, _Keys.listing, _on_listing, listed=True),
    Kind.SEARCH: Page(pages.search, _Keys.none),
    Kind.NOT_FOUND: Page(pages.not_found, _Keys.none),
    Kind.FEED: Page(pages.feed, _Keys.feed, _in_feed, listed=True, slow=True),
    Kind.CITY_FEED: Page(pages.feed, _Keys.feed, _in_feed, listed=True, slow=True),
    Kind.SITEMAP: Page(pages.sitemap_file, _Keys.sitemap, listed=True, slow=True),
    Kind.SITEMAP_INDEX: Page(pages.sitemap_file, _Keys.sitemap, listed=True, slow=True),
    Kind.ROBOTS: Page(pages.robots, _Keys.none),
}
