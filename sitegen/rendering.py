"""Rendering a rebuild's pages into a stage: the articles joined with their HTML, the pages made in workers,
and the search index of the pages made.

:mod:`sitegen.publish` decides which pages and in which transaction; this
module makes their bytes and writes them into the stage's folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import output, parallel, reading
from .errors import Diagnostic, Location, error
from .model import Article, Site
from .report import Prepared
from .routes import Kind

if TYPE_CHECKING:
    from . import listings, render
    from .rebuild import Rebuild

#: Pages that make one more worker process worth forking.
PAGES_PER_WORKER = 150


class ReportedError(Exception):
    """A problem already made a diagnostic: a template error in a worker (a traceback does not cross
    processes), an article that changed while the site was built, a search index that failed."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    def __reduce__(self) -> tuple[Callable, tuple]:
        return ReportedError, (self.diagnostic,)


def hydrate(run: Rebuild, site: Site, slugs: Iterable[str]) -> dict[str, Article]:
    """The articles named by ``slugs`` that came from the cache without their HTML, with it: new values, by slug.

    The site keeps its own (planning needs no HTML); :func:`render_into`
    renders the pages that show an article's text from these. An entry
    without its HTML, or whose HTML does not fit, is read from the article's
    folder again.
    """
    from .shelf import with_bodies

    whole: dict[str, Article] = {}
    for slug in slugs:
        if slug not in run.light or (article := site.article(slug)) is None:
            continue
        folder, key = run.light[slug]
        bodies = run.cache.bodies(folder.name, key)
        found = with_bodies(article, bodies) if bodies is not None else None
        whole[slug] = found if found is not None else _read_again(run, site, folder, article)
    return whole


def _read_again(run: Rebuild, site: Site, folder: Path, article: Article) -> Article:
    """``article`` read from its folder again, with its HTML; an error if it changed since it was read."""
    fresh = reading.read_again(run, site, folder, article)
    if fresh is None:
        where = Location(folder.relative_to(run.site_dir).as_posix())
        raise ReportedError(error(where, "the article changed while the site was being built", "build again"))
    return fresh


def render_into(
    run: Rebuild,
    prepared: Prepared,
    grouped: listings.Index | None,
    jobs: Sequence[render.Job],
    stage: output.Stage | None,
    whole: Mapping[str, Article],
) -> Iterator[tuple[str, output.Stat | None]]:
    """Render ``jobs`` and write them into ``stage``, in worker processes when there are enough.

    A page that shows articles' text is rendered from the site and listings with the ``whole``
    articles (:func:`hydrate`) in the place of the site's own; the others from the site as it is.
    Without a stage (``sitegen check``) each page is rendered and let go: only a template's failure counts.
    """
    from . import render, templating

    site, environments, theme = prepared.site, prepared.environments, prepared.theme
    worded = site.with_articles(whole)
    text = (worded, grouped.with_articles(whole, worded) if grouped is not None else None)
    processes = run.workers(len(jobs), PAGES_PER_WORKER)
    if processes > 1:  # load each template once, before the workers fork, not once per worker
        for env in environments.values():
            for name in env.list_templates(filter_func=lambda name: not name.startswith(".")):
                env.get_template(name)

    def make(chunk: Sequence[render.Job]) -> list[tuple[str, output.Stat | None]]:
        made = []
        for job in chunk:
            shown, listed = text if render.shows_text(job) else (site, grouped)
            try:
                data = render.run(job, shown, environments, listed)
            except templating.TemplateError as exc:
                raise ReportedError(templating.template_problem(exc, theme)) from None
            made.append((job.path, stage.write(job.path, data) if stage is not None else None))
        return made

    # The slowest jobs (the sitemap, feeds) first and one by one, so no worker is left with them at the end.
    # Then an article's pages in every language one after another: they show the same HTML, which a
    # shelf then reads once (see sitegen.shelf.RECENT).
    slow = [[job] for job in jobs if job.slow]
    rest = sorted((job for job in jobs if not job.slow), key=_together)
    chunks = slow + parallel.chunked(rest, processes, 40)
    run.progress.start("Rendering", len(jobs))
    for made in parallel.run(make, chunks, processes):
        yield from made
        run.progress.advance(len(made))
    run.progress.end()


def _together(job: render.Job) -> str:
    """What puts an article's pages side by side in a stable sort: its slug (other pages keep their order)."""
    return job.route.key if job.kind in _ARTICLE_PAGES else ""


_ARTICLE_PAGES = frozenset({Kind.ARTICLE, Kind.PARALLEL})


def index_search(run: Rebuild, staging: Path) -> None:
    """Index the new site before it is swapped in; a failed run fails the build, the old site stays."""
    from . import search as search_stage  # a build without search never loads it

    problems = search_stage.index(staging)
    if problems and search_stage.installed():
        raise ReportedError(_search_failed(problems[0]))
    run.problems.extend(problems)


def patch_search(run: Rebuild, stage: output.Stage, written: Sequence[str], removed: Sequence[str]) -> list[str]:
    """Put the search index's changes into a patch; returns the bundle files the patch deletes.

    Only the article pages that really change (one article's pages are
    rendered again in every language) or go are indexed again, with the
    shards that hold them.
    """
    from . import search as search_stage

    indexed = [path for path in (*written, *removed) if search_stage.article_page(path)]
    changed = [path for path in indexed if stage.differs(path)]
    if not changed:
        return []
    if not search_stage.installed():
        run.problems.extend(search_stage.index(stage.folder))  # says Pagefind is not installed
        return []
    try:
        return search_stage.patch(run.out, stage.folder, removed, changed)
    except search_stage.SearchFailedError as failed:
        raise ReportedError(_search_failed(failed.problems[0])) from None


def _search_failed(problem: Diagnostic) -> Diagnostic:
    """Pagefind's failure as the build's error: a site is not published with its index missing or stale."""
    reason = problem.message.removeprefix("no search index was built: ")
    return error(
        problem.location,
        f"the search index could not be made: {reason}; the previous site was left as it was",
        "fix Pagefind (" + problem.hint.split(";")[0] + "), or build without search: sitegen build --no-search",
    )
