"""The rebuild engine: every rebuild of a site, for ``sitegen build`` and ``sitegen serve`` alike.

A rebuild is two halves. :mod:`sitegen.rebuild` reads what changed and checks
the site; :mod:`sitegen.publish` renders the pages whose keys changed and
writes them in one transaction. A one-shot ``sitegen build`` makes an engine,
rebuilds once and ends: what it knows of earlier builds comes from the build
cache (:mod:`sitegen.cache`). The preview keeps one engine for the whole
session: its memory holds the articles, folder keys, templates and manifest
of the last rebuild, so a save costs what it touches.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from . import cache as cache_stage
from . import collector, parallel, publish
from .errors import Location, error
from .memory import Memory, Options, Place
from .rebuild import Rebuild
from .report import BuildReport, Progress

__all__ = ["Engine", "Options"]


class Engine:
    """The rebuilds of one site into one output folder."""

    def __init__(self, site_dir: Path, out: Path, options: Options, progress: Progress | None = None):
        cache = cache_stage.Cache(site_dir, enabled=options.cache, writable=options.write, drafts=options.drafts)
        self.place = Place(site_dir, out, out.resolve(), options, cache, progress or Progress())
        self.memory = Memory()

    def rebuild(
        self,
        changed: Collection[str] | None = None,
        early: Callable[[BuildReport], object] | None = None,
        superseded: Callable[[], bool] | None = None,
    ) -> BuildReport:
        """Bring the output up to date with the sources.

        ``changed`` names the article folders known to have changed (the
        preview's watcher knows); None looks at every folder (the command
        line, where anything may have changed since the last build).
        ``early`` hears first of the changed articles' own pages.
        ``superseded`` says whether newer changes wait: then, once those pages
        are out and the site-wide checks passed, the rest (listings, feeds,
        the sitemap) is left to the next rebuild, which renders what was left.
        """
        run = Rebuild(self.place, self.memory, changed, early)
        # What the rebuild froze out of the collector's sight it releases, unless the engine keeps it.
        with collector.released(keep=self.place.options.keep):
            try:
                report = self._rebuilt(run, superseded)
            finally:
                run.close()
        if not self.place.options.store_later:
            self.store()
        return report

    def _rebuilt(self, run: Rebuild, superseded: Callable[[], bool] | None) -> BuildReport:
        try:
            prepared = run.prepare()
            if isinstance(prepared, BuildReport):
                return prepared
            if not self.place.options.write:
                return run.report() if run.check_site(prepared) else publish.check(run, prepared)
            first = publish.early(run, prepared)
            if run.check_site(prepared):
                return publish.undo(run, first) if first.paths else run.report()
            return publish.publish(run, prepared, first, superseded)
        except publish.PublishError as failure:
            return failure.report
        except parallel.WorkerLostError as exc:
            hint = "the previous output was left as it was; try again, or with fewer --jobs"
            run.problems.append(error(Location(str(self.place.site_dir)), str(exc), hint))
            return run.report()

    def store(self) -> None:
        """Store what the last rebuild left in memory only (``Options.store_later``) in the build cache."""
        self.memory.store(self.place.cache)

    def tidy(self) -> None:
        """Store what waits to be stored, and collect the garbage among what the engine keeps (see
        :func:`sitegen.collector.released`): when there is a moment with nothing else to do."""
        self.store()
        collector.tidied()
