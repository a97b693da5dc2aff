"""The preview's rebuilds: each batch of saved files goes through the one rebuild engine.

The preview keeps one :class:`engine.Engine` for the whole session, so a save
is rebuilt exactly as ``sitegen build`` would rebuild it (the same keys, the
same plan, the same write transaction: :mod:`sitegen.publish`), but from what
the engine remembers of the last rebuild instead of the build cache. This
module only sorts a batch of saved paths by what they ask for (:func:`classify`),
hands them to the engine and turns its report into an :class:`Update` for
the server:

- ``sitegen.toml`` or anything in the site's ``theme/``: everything is looked
  at again; a new setup key makes a whole new folder, swapped in;
- a file in an article folder: only that folder is looked at again;
- ``content/people.yaml``, ``content/`` or ``content/articles/`` themselves:
  every folder is looked at again (the registry is part of every article's key).

The edited articles' own pages are written first and announced on their own
(the page an editor looks at must not wait for the sitemap), then the rest
of the plan; should the rest fail, the early pages are put back. The search
index, slow to make, is made again off the save path
(:meth:`Preview.refresh_search`). With it, the preview folder holds what a
clean build with the same options would write. Any error leaves the files as
they were; the problems go back to the server, which shows them over the
last good pages.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import config as config_stage
from . import content, people, search
from .build import PREVIEW_OUT
from .engine import Engine, Options
from .errors import Diagnostic, has_errors
from .model import Site
from .report import BuildReport, Prepared

__all__ = ["PREVIEW_OUT", "Changes", "Preview", "Update", "classify"]

#: What a full rebuild is for: the config and the theme.
FULL = ("sitegen.toml", "theme")


@dataclass(frozen=True, slots=True)
class Update:
    """What one rebuild did, for the terminal and the browser."""

    full: bool
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Output paths written and deleted by an incremental rebuild.
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: A full build: the counts of its report.
    files: int = 0
    pages: int = 0
    articles: int = 0
    seconds: float = 0.0
    #: The changed sources that caused it, relative to the site folder.
    sources: tuple[str, ...] = ()
    #: Outputs written early and put back as they were, because the rest of the rebuild failed.
    reverted: tuple[str, ...] = ()
    #: A newer save came once the edited pages were written and checked: the rest is the next rebuild's.
    superseded: bool = False

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def changed(self) -> bool:
        """Whether the preview folder changed: open pages should reload."""
        return self.ok and (self.full or bool(self.written or self.removed))

    @property
    def shown(self) -> tuple[Diagnostic, ...]:
        """What to print: every error, and the warnings about the files just saved."""
        if self.full:
            return self.diagnostics
        return tuple(d for d in self.diagnostics if d.is_error or d.location.path in self.sources)


@dataclass(frozen=True, slots=True)
class Changes:
    """A batch of changed paths, sorted by what they cost."""

    full: bool = False
    people: bool = False
    every_article: bool = False
    folders: frozenset[str] = frozenset()
    #: Changed files, as absolute paths: article assets among them are copied again.
    touched: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()


def classify(site_dir: Path, paths: Iterable[Path]) -> Changes:
    """What a batch of changed paths (absolute, under ``site_dir``) asks for."""
    full = people_changed = every = False
    folders: set[str] = set()
    touched: set[str] = set()
    sources: set[str] = set()
    for path in paths:
        try:
            rel = path.relative_to(site_dir)
        except ValueError:
            continue
        parts = rel.parts
        if not parts:
            continue
        sources.add(rel.as_posix())
        touched.add(str(path))
        if parts[0] in FULL:
            full = True
        elif rel == people.FILE:
            people_changed = True
        elif parts[: len(content.ARTICLES.parts)] == content.ARTICLES.parts and len(parts) > 2:
            if not parts[2].startswith("."):
                folders.add(parts[2])
        elif rel in (Path("content"), content.ARTICLES):
            every = True
    return Changes(full, people_changed, every, frozenset(folders), frozenset(touched), tuple(sorted(sources)))


class Preview:
    """The preview folder of one site, kept up to date one batch of changes at a time.

    It keeps one rebuild engine for the whole session: a save is rebuilt as
    ``sitegen build`` would rebuild it, but from what the engine remembers.
    """

    def __init__(self, site_dir: Path, out: Path, drafts: bool = True, force: bool = False):
        self.site_dir, self.out = site_dir.resolve(), out.resolve()
        # One process: forking a server that runs threads could copy a lock another thread holds.
        options = Options(drafts=drafts, force=force, jobs=1, keep=True, search_patches=False, store_later=True)
        self.engine = Engine(self.site_dir, self.out, options)
        #: What the preview folder was last built from, and a count of the changes made to the folder.
        self._prepared: Prepared | None = None
        self._generation = 0
        #: Held while the folder changes; the search index is swapped in only under it.
        self._lock = threading.Lock()

    @property
    def site(self) -> Site | None:
        """The site as the preview folder shows it (None before the first good build)."""
        return self._prepared.site if self._prepared is not None else None

    def build(self, sources: tuple[str, ...] = ()) -> Update:
        """Bring the preview folder up to date with every source (the first build, or after a config change)."""
        with self._lock:
            self._generation += 1
            update = self._rebuild(None, sources, full=True)
            self.engine.store()  # a whole build is worth keeping at once: the next session starts from it
            return update

    def update(
        self,
        paths: Collection[Path],
        early: Callable[[Update], object] | None = None,
        superseded: Callable[[], bool] | None = None,
    ) -> Update:
        """Rebuild what a batch of changed paths touches; see the module docstring.

        ``early`` hears first of the edited articles' own pages, written before
        the listings, feeds and home pages that show them are planned: the page
        an editor is looking at reloads without waiting for the rest. When
        ``superseded`` says another save waits by then, the rest is left to
        the rebuild of that save (see :meth:`Engine.rebuild`).
        """
        changes = classify(self.site_dir, paths)
        folders = None if changes.full or changes.people or changes.every_article else changes.folders
        with self._lock:
            self._generation += 1
            return self._rebuild(folders, changes.sources, full=changes.full, early=early, superseded=superseded)

    def shown(self) -> Prepared | None:
        """What the preview folder was last built from (the Site, the theme, its environments), for pages
        made on request (the review pages); None before the first build that succeeded."""
        return self._prepared

    def store(self) -> None:
        """Put what the last rebuild left in memory into the build cache (its manifest), so that the next
        session starts from it: done once saves pause, and when the session ends."""
        with self._lock:
            self.engine.store()

    def tidy(self) -> None:
        """After a long pause: :meth:`store`, and collect the garbage among what the engine keeps (most of a
        second at 10,000 articles; see :func:`sitegen.collector.released`)."""
        with self._lock:
            self.engine.tidy()

    def refresh_search(self) -> list[Diagnostic]:
        """Index the preview folder for search again, as a clean build would (slow: Pagefind reads every page).

        Meant for a background thread after saves: the index is made beside the
        folder without holding anything up, and swapped in only if no save
        changed the folder meanwhile (then the caller runs it again).
        """
        with self._lock:
            generation, site = self._generation, self.site
        wanted = site is not None and site.config.search and bool(site.articles)
        fresh, problems = search.prepare(self.out) if wanted else (None, [])
        with self._lock:
            if generation == self._generation:
                search.install(self.out, fresh)
            elif fresh is not None:
                shutil.rmtree(fresh, ignore_errors=True)
        return problems

    def _rebuild(
        self,
        folders: Collection[str] | None,
        sources: tuple[str, ...],
        full: bool,
        early: Callable[[Update], object] | None = None,
        superseded: Callable[[], bool] | None = None,
    ) -> Update:
        first = (lambda report: early(_update(report, sources, False))) if early is not None else None
        report = self.engine.rebuild(folders, early=first, superseded=superseded)
        if report.ok and report.rendered_from is not None:
            self._prepared = report.rendered_from
        elif any(d.is_error and d.location.path == config_stage.FILENAME for d in report.diagnostics):
            self._prepared = None  # no site to speak of until the config reads again
        return _update(report, sources, full)


def _update(report: BuildReport, sources: tuple[str, ...], full: bool) -> Update:
    """What a rebuild did, as the server tells it (after a full one, every page reloads)."""
    return Update(
        full,
        report.diagnostics,
        () if full else report.written_paths,
        () if full else report.removed_paths,
        files=report.files,
        pages=report.pages,
        articles=report.articles,
        seconds=report.seconds,
        sources=sources,
        reverted=report.reverted,
        superseded=report.superseded,
    )
