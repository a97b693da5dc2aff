"""Incremental rebuilds for the preview: what one batch of saved files re-renders.

Between saves the preview keeps what the last build knew: the config, the
theme and its Jinja2 environments, every article folder as it was read (with
its problems), and the ``{path: key}`` of the files in the preview folder
(:func:`render.render_changed`). A batch of changed files then costs what it
touches:

- ``sitegen.toml`` or anything in the site's ``theme/``: a full build, through
  :func:`build.build`, swapped in whole;
- a file in an article folder: that folder is read again
  (:func:`content.load_article`), the Site is assembled anew, the site-wide
  checks run, and only the pages whose keys changed are rendered and written,
  each atomically; outputs that no longer exist are deleted;
- ``content/people.yaml``: the registry, and every article that names someone
  in the old or the new registry (or has no published version, or errors);
- ``content/`` or ``content/articles/`` themselves: every article.

The edited articles' own pages are written first and announced on their
own (the page an editor looks at must not wait for the sitemap), then the
rest of the plan. The search index, slow to make, is made again off the save
path (:meth:`Preview.refresh_search`). With it, the preview folder holds what
a clean build with the same options would write. Any error leaves the files
as they were; the problems go back to the server, which shows them over the
last good pages.
"""

from __future__ import annotations

import posixpath
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from . import build as build_stage
from . import cache, content, output, people, render, search, templating
from . import config as config_stage
from . import sources as contain
from . import theme as theme_stage
from .errors import Diagnostic, Location, error, has_errors, sort
from .model import Article, Person, Site, SiteConfig

#: Where the preview goes in the site folder unless ``--out`` says otherwise: never ``output/``.
PREVIEW_OUT = build_stage.PREVIEW_OUT
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


@dataclass(frozen=True)
class Sources:
    """Everything read from the site, as of the last batch; articles keyed by folder name."""

    config: SiteConfig
    theme: theme_stage.Theme
    environments: dict[str, jinja2.Environment]
    registry: dict[str, Person]
    people_problems: tuple[Diagnostic, ...]
    folders: dict[str, tuple[Article | None, tuple[Diagnostic, ...]]] = field(default_factory=dict)
    #: The files of the drafts left out (``--no-drafts``), by folder name.
    drafts_left_out: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def site(self) -> Site:
        articles = tuple(article for _, (article, _) in sorted(self.folders.items()) if article is not None)
        left_out = tuple(path for _, paths in sorted(self.drafts_left_out.items()) for path in paths)
        return Site(self.config, articles, tuple(self.registry.values()), left_out)

    def problems(self) -> list[Diagnostic]:
        return [*self.people_problems, *(d for _, found in self.folders.values() for d in found)]


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
    """The preview folder of one site, kept up to date one batch of changes at a time."""

    def __init__(self, site_dir: Path, out: Path, drafts: bool = True, force: bool = False):
        self.site_dir, self.out = site_dir.resolve(), out.resolve()
        self.drafts, self.force = drafts, force
        self._sources: Sources | None = None
        #: ``{path: key}`` of the files in the preview folder; None when unknown (then a full build writes it).
        self._published: dict[str, str] | None = None
        self._written: tuple[str, ...] = ()
        self._removed: tuple[str, ...] = ()
        self._kept: dict[str, bytes | None] = {}
        #: The Site the preview folder shows, and a count of the changes made to the folder.
        self._site: Site | None = None
        self._generation = 0
        #: Held while the folder changes; the search index is swapped in only under it.
        self._lock = threading.Lock()

    def build(self, sources: tuple[str, ...] = ()) -> Update:
        """A full build into the preview folder; afterwards, saves are rebuilt incrementally."""
        with self._lock:
            self._generation += 1
            return self._build(sources)

    def _build(self, sources: tuple[str, ...]) -> Update:
        # One process: forking a server that runs threads could copy a lock another thread holds.
        report = build_stage.build(self.site_dir, self.out, drafts=self.drafts, force=self.force, jobs=1, keep=True)
        if report.ok and report.rendered_from is not None:
            self._sources = self._sources_of(report.rendered_from)
            site, static_files = report.rendered_from.site, self._sources.theme.static_files
            self._published, _ = render.render_changed(site, self._sources.environments, static_files, {})
            self._site = site
        else:
            self._sources = self._read_all()
        return Update(
            True,
            report.diagnostics,
            files=report.files,
            pages=report.pages,
            articles=report.articles,
            seconds=report.seconds,
            sources=sources,
        )

    def update(self, paths: Collection[Path], early: Callable[[Update], object] | None = None) -> Update:
        """Rebuild what a batch of changed paths touches; see the module docstring.

        ``early`` hears first of the edited articles' own pages, written before
        the listings, feeds and home pages that show them are planned: the page
        an editor is looking at reloads without waiting for the rest.
        """
        with self._lock:
            self._generation += 1
            return self._update(paths, early)

    def shown(self) -> tuple[Site, theme_stage.Theme, dict[str, jinja2.Environment]] | None:
        """The Site the preview folder shows (else the articles as read), the theme and its environments, for
        pages made on request (the review pages); None while the config or the theme is broken."""
        sources = self._sources
        if sources is None:
            return None
        return self._site or sources.site(), sources.theme, sources.environments

    def refresh_search(self) -> list[Diagnostic]:
        """Index the preview folder for search again, as a clean build would (slow: Pagefind reads every page).

        Meant for a background thread after saves: the index is made beside the
        folder without holding anything up, and swapped in only if no save
        changed the folder meanwhile (then the caller runs it again).
        """
        with self._lock:
            generation, site = self._generation, self._site
        wanted = site is not None and site.config.search and bool(site.articles)
        fresh, problems = search.prepare(self.out) if wanted else (None, [])
        with self._lock:
            if generation == self._generation:
                search.install(self.out, fresh)
            elif fresh is not None:
                shutil.rmtree(fresh, ignore_errors=True)
        return problems

    def _update(self, paths: Collection[Path], early: Callable[[Update], object] | None) -> Update:
        started = time.perf_counter()
        changes = classify(self.site_dir, paths)
        if changes.full or self._sources is None:
            return self._build(changes.sources)
        sources = self._reread(self._sources, changes)
        self._sources = sources
        site = sources.site()
        problems = sources.problems() + content.check_site(site, self.site_dir)
        if has_errors(problems):
            return self._done(started, changes, problems)
        if self._published is None or not (self.out / output.MARKER).is_file():
            return self._build(changes.sources)  # what the folder holds is unknown: write it all
        first: tuple[str, ...] = ()
        kept: dict[str, bytes | None] = {}
        before = dict(self._published)
        if early is not None and changes.folders:
            failure = self._write(site, sources, changes.touched, sorted(changes.folders))
            if failure is not None:
                return self._done(started, changes, [*problems, failure])
            first, kept = self._written, self._kept
            early(self._done(started, changes, problems, first))
        failure = self._write(site, sources, () if first else changes.touched)
        if failure is not None and first:  # put the early pages back as they were
            restore = [(path, data) for path, data in kept.items() if data is not None]
            output.update(restore, [path for path, data in kept.items() if data is None], self.out)
            self._published = before
            return self._done(started, changes, [*problems, failure], reverted=first)
        if failure is not None:
            return self._done(started, changes, [*problems, failure])
        self._site = site
        return self._done(started, changes, problems, (*first, *self._written), self._removed)

    def _write(
        self, site: Site, sources: Sources, touched: Collection[str], articles: Collection[str] | None = None
    ) -> Diagnostic | None:
        """Render the jobs that changed (of ``articles`` only, when given), then write them.

        Rendering comes first: a template error writes nothing. What was written
        and deleted is left in ``_written`` and ``_removed`` (and, for
        ``articles``, the bytes they replaced in ``_kept``).
        """
        published = self._published or {}
        self._written, self._removed = (), ()
        try:
            keys, outputs = render.render_changed(
                site, sources.environments, sources.theme.static_files, published, touched, articles
            )
            made = list(outputs)
        except templating.TemplateError as exc:
            return templating.template_problem(exc, sources.theme)
        removed = () if articles is not None else tuple(path for path in published if path not in keys)
        cache.Cache(self.site_dir).forget_manifest(self.out)  # the folder no longer matches the last full build
        try:
            if articles is not None:  # the early pages: keep what they replace, in case the rest fails
                self._kept = output.read(self.out, [path for path, _ in made])
            output.update(made, removed, self.out)
        except (OSError, ValueError) as exc:
            self._published = None
            where = Location(str(getattr(exc, "filename", None) or self.out))
            return error(where, f"cannot write the preview: {getattr(exc, 'strerror', None) or exc}")
        self._published = {**published, **keys} if articles is not None else keys
        self._written, self._removed = tuple(path for path, _ in made), removed
        return None

    def _done(
        self,
        started: float,
        changes: Changes,
        problems: list[Diagnostic],
        written: tuple[str, ...] = (),
        removed: tuple[str, ...] = (),
        reverted: tuple[str, ...] = (),
    ) -> Update:
        seconds = time.perf_counter() - started
        return Update(
            False, sort(problems), written, removed, seconds=seconds, sources=changes.sources, reverted=reverted
        )

    def _reread(self, sources: Sources, changes: Changes) -> Sources:
        """The sources with the changed parts read again."""
        registry, people_problems = sources.registry, sources.people_problems
        folders = set(changes.folders)
        if changes.people:
            registry, found = people.load(sources.config, self.site_dir)
            people_problems = tuple(found)
            folders |= _naming_people(sources, set(registry) | set(sources.registry))
        if changes.every_article:
            folders = set(sources.folders) | set(self._folder_names())
        updated = dict(sources.folders)
        left_out = {name: paths for name, paths in sources.drafts_left_out.items() if name not in folders}
        contained = contain.outside(self.site_dir, content.ARTICLES) is None  # else check_site says so
        for name in folders:
            folder = self.site_dir / content.ARTICLES / name
            updated.pop(name, None)
            if contained and folder.is_dir():
                article, found, drafts = content.load_article(
                    sources.config, self.site_dir, folder, self.drafts, registry
                )
                updated[name] = (article, tuple(found))
                if drafts:
                    left_out[name] = drafts
        return replace(
            sources,
            registry=registry,
            people_problems=people_problems,
            folders=updated,
            drafts_left_out=left_out,
        )

    def _sources_of(self, built: build_stage.Prepared) -> Sources:
        """The sources after a successful full build: its Site, its theme, every folder."""
        site = built.site
        folders: dict[str, tuple[Article | None, tuple[Diagnostic, ...]]]
        folders = {name: (None, ()) for name in self._folder_names()}
        folders.update((article.slug, (article, ())) for article in site.articles)
        registry = {person.id: person for person in site.people}
        left_out: dict[str, tuple[str, ...]] = {}
        for path in site.drafts_left_out:
            name = posixpath.basename(posixpath.dirname(path))
            left_out[name] = (*left_out.get(name, ()), path)
        return Sources(site.config, built.theme, built.environments, registry, (), folders, left_out)

    def _read_all(self) -> Sources | None:
        """The sources read folder by folder (after a failed build); None while the config or theme is broken."""
        config, _ = config_stage.load(self.site_dir)
        if config is None:
            return None
        theme, _ = theme_stage.load(self.site_dir, config)
        if theme is None:
            return None
        try:
            environments = {lang: templating.environment(theme, lang) for lang in config.languages}
        except ValueError:
            return None
        registry, found = people.load(config, self.site_dir)
        sources = Sources(config, theme, environments, registry, tuple(found))
        return self._reread(sources, Changes(every_article=True))

    def _folder_names(self) -> list[str]:
        root = self.site_dir / content.ARTICLES
        if not root.is_dir() or contain.outside(self.site_dir, content.ARTICLES):
            return []
        return sorted(path.name for path in root.iterdir() if path.is_dir() and not path.name.startswith("."))


def _naming_people(sources: Sources, ids: set[str]) -> set[str]:
    """Folders a registry change may alter: those naming one of ``ids``, and those without a published article."""
    return {
        name
        for name, (article, _) in sources.folders.items()
        if article is None or any(voice.id in ids for t in article.translations for voice in t.voices)
    }
