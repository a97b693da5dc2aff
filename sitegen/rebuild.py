"""One rebuild's reading half: config, theme, keys, articles, checks; what the engine remembers.

A :class:`Rebuild` lives for one call of ``Engine.rebuild``: it reads the
config and the theme, takes a key of every source, and when something
changed reads the article folders whose key changed (from the engine's
:class:`Memory`, else the build cache, else the files, in worker processes
when there are enough). It ends with the site checked and ready to render
(:class:`report.Prepared`), which :mod:`sitegen.publish` then writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache as cache_stage
from . import (
    checks,
    collector,
    deferred,
    depends,
    destination,
    fingerprints,
    manifests,
    output,
    packs,
    parallel,
    reading,
    shelf,
    sources,
)
from . import config as config_stage
from . import theme as theme_stage
from .errors import Diagnostic, Location, error, has_errors, sort
from .memory import Environments, Memory, Place
from .model import (
    ARTICLES,
    EDITORS_FILE,
    GLOSSARY_FILE,
    MAX_FILE_SIZE,
    PEOPLE_FILE,
    Site,
    SiteConfig,
)
from .report import BuildReport, Prepared

if TYPE_CHECKING:
    from . import listings

#: Output files that make it worth checking them in a process of their own.
OUTPUTS_PER_CHECK = 2000


class Rebuild:
    """One rebuild: the pipeline config -> theme -> keys -> content -> templates -> publish."""

    def __init__(self, place: Place, memory: Memory, changed: Collection[str] | None, early: Callable | None):
        self.started = time.perf_counter()
        self.place, self.memory, self.options = place, memory, place.options
        self.site_dir, self.out, self.cache, self.progress = place.site_dir, place.out, place.cache, place.progress
        self.changed, self.early = changed, early
        self.today = dt.date.today()
        self.problems: list[Diagnostic] = [self.cache.refused] if self.cache.refused else []
        self.sources = 1
        self.processes = 1
        self.config_key = ""
        #: The ``.md`` files under the article folders, counted while their keys are taken (for the summary).
        self.markdown_files = 0
        #: Articles taken from the cache without their HTML: slug -> (folder, cache key). See rendering.hydrate.
        self.light: dict[str, tuple[Path, str]] = {}
        if memory.shelf is None:
            memory.shelf = shelf.Shelf(self.cache.root if self.cache.writable else None)
        self.shelf = memory.shelf
        #: Found by :meth:`prepare` for the publishing step: the keys of the setup and the site, the manifest.
        self.setup_digest, self.site_key = "", ""
        self.manifest_found: cache_stage.Manifest | None = None
        #: The manifest is the one this engine remembers: it wrote (or checked) every file it names, this session.
        self.own_output = False
        #: The articles whose text alone changed since the manifest's build, whose dependencies these are
        #: (see :mod:`sitegen.depends`); None when more changed, or nothing is known of that build.
        self.edited: frozenset[str] | None = None
        self.recorded: depends.Dependencies | None = None
        #: The listings of the build ``recorded`` describes, when the engine remembers them.
        self.recorded_listings: listings.Index | None = None
        #: The findings of :func:`sitegen.checks.outlined`, once the site is checked.
        self.outlined: tuple[Diagnostic, ...] = ()
        #: A key of the theme's templates and catalogs, recorded with the pages' dependencies.
        self.look = ""
        #: Every folder's name under ``content/articles/``, for the site-wide checks (None: no folder).
        self.names: list[str] | None = None
        #: The check of the output files against the manifest, running beside the reading (:meth:`check_output`).
        self.checking: parallel.Beside | None = None
        #: The cache's pack of light entries (:mod:`sitegen.packs`).
        self.packed = packs.Packed(self.cache)
        #: What to record of the reading for the next rebuild (:func:`sitegen.deferred.record`): what reading
        #: depended on besides the files, every entry's key, each folder read (None: not known), what the
        #: site-wide checks found beyond the outlined findings and a key of the files they read.
        self.base, self.keys, self.reads = "", {}, None
        self.checked: tuple[tuple[Diagnostic, ...], str] = ((), "")
        #: The folders (name, slug) read again when the others are unpacked as pages ask (:func:`deferred.read`).
        self.changed_folders: list[tuple[str, str]] | None = None

    def report(self, **values: Any) -> BuildReport:
        elapsed = time.perf_counter() - self.started
        return BuildReport(
            sort(self.problems), seconds=elapsed, out=self.out, sources=self.sources, processes=self.processes, **values
        )

    def prepare(self) -> Prepared | BuildReport:
        """Read the site, each article checked; a report instead when there is nothing to render (errors,
        or no change). The site-wide checks are :meth:`check_site`'s."""
        config, theme = self.setup()
        if config is None or theme is None or has_errors(self.problems):
            return self.report()
        setup, look = self.setup_key(config, theme), _look_key(theme)
        manifest = self.manifest(setup) if self.options.write else None
        self.checking = self.check_output(manifest)  # beside the keys of every source, and the reading
        folders = self.folder_keys()
        # The glossary and the editors list are sources of the checks' results, not of any page: site keys.
        checked = [fingerprints.file_key(self.site_dir / name) for name in (GLOSSARY_FILE, EDITORS_FILE)]
        site_key = fingerprints.digest(setup, look, *checked, *(f"{name}\0{key}" for name, key in folders.items()))
        # An engine that keeps the site (the preview) reads it even then: its next rebuild starts from memory.
        if manifest is not None and not self.options.keep and self.unchanged(manifest, site_key):
            report = self.nothing_changed(manifest)
            if self.early is not None and self.changed:
                self.early(report)  # the edited articles' pages are as they were: told so at once
            return report
        self.look, self.keys, self.checked = look, folders, ((), fingerprints.digest(*checked))
        if manifest is not None:
            remembered = manifest is self.memory.manifest  # the engine's own, or the cache's with its record
            self.own_output = remembered
            self.recorded = (
                self.memory.dependencies if remembered else manifests.dependencies(self.cache, setup, self.out)
            )
            self.recorded_listings = self.memory.grouped if remembered else None
        site, found, self.names = deferred.read(self, config, folders) or reading.site(self, config, folders)
        collector.frozen()  # the Site lives as long as the rebuild: later collections need not walk it
        self.problems += found
        registries = (PEOPLE_FILE, GLOSSARY_FILE, EDITORS_FILE)
        self.sources = 1 + self.markdown_files + sum((self.site_dir / file).is_file() for file in registries)
        if has_errors(self.problems):
            # Nothing is rendered, but the site-wide warnings are still news to the editor.
            self.problems += self.site_checks(site)
            return self.report()
        made = self.environments(f"{setup}\0{look}", config, theme)
        if made is None:
            return self.report()
        self.setup_digest, self.site_key, self.manifest_found = setup, site_key, manifest
        if manifest is not None and self.changed_folders is None:
            self.edited = depends.text_edits(self.recorded, site, self.today, look)
        return Prepared(site, theme, *made)

    def record(self, site: Site) -> depends.Folders | None:
        """What to record of this rebuild's reading for the next one (see :mod:`sitegen.deferred`)."""
        if self.reads is None:
            return None
        last = self.recorded.folders if self.recorded is not None else None
        return deferred.record(self.keys, self.base, self.reads, site, self.checked, last)

    def check_site(self, prepared: Prepared) -> bool:
        """The site-wide checks (links between articles, names two pages share, …); whether any failed."""
        site, recorded = prepared.site, None
        if self.recorded is not None and self.edited is not None:
            recorded = depends.outlined_findings(self.recorded, site, self.edited)
        self.outlined = tuple(checks.outlined(site)) if recorded is None else recorded
        found = self.site_checks(site, self.outlined)
        self.checked = (tuple(found[len(self.outlined) :]), self.checked[1])
        self.problems += found
        return has_errors(self.problems)

    def site_checks(self, site: Site, outlined: tuple[Diagnostic, ...] | None = None) -> list[Diagnostic]:
        """:func:`sitechecks.run`, the contested names checked again only in the translations that changed
        since the engine (else the cache) last knew them; the engine stores what the check found."""
        if self.changed_folders is not None and self.recorded is not None and self.recorded.folders is not None:
            outlined = tuple(checks.outlined(site)) if outlined is None else outlined
            return [*outlined, *deferred.checked(self, site, self.recorded.folders)]
        from . import sitechecks  # the glossary and the sign-offs, with PyYAML: only when the site was read

        worded = functools.partial(reading.worded, self, site)
        known = self.memory.contested_found(self.cache)
        return sitechecks.run(site, self.names, self.site_dir, outlined, known, worded)

    def setup(self) -> tuple[SiteConfig | None, theme_stage.Theme | None]:
        """The config and the theme, and whether the output folder may be written."""
        config, found = config_stage.load(self.site_dir)
        self.problems += found
        if config is None:
            return None, None
        self.config_key = repr(config)  # what reading articles depends on: not --no-search
        if not self.options.search:
            config = replace(config, search=False)
        theme, found = theme_stage.load(self.site_dir, config)
        self.problems += found
        if self.options.write:
            named = self.place.named_out
            refused = destination.links_out(named, self.site_dir)
            if not refused:  # never tidy up beside a folder that a link names
                output.clean_leftovers(self.out)
            self.problems += refused or destination.check_target(named, self.site_dir, self.options.force)
        return config, theme

    def environments(self, setup: str, config: SiteConfig, theme: theme_stage.Theme) -> Environments | None:
        """A Jinja2 environment per language and what each template reads of the theme
        (:func:`sitegen.templating.looks`), kept while the setup (config, theme, sitegen) stays the same."""
        remembered = self.memory.environments
        if remembered is not None and remembered[0] == setup:
            return remembered[1]
        from . import pages, templating  # Jinja2 is loaded only by builds that render

        try:
            made = {lang: templating.environment(theme, lang) for lang in config.languages}
        except ValueError as exc:
            self.problems.append(error(Location("theme"), f"broken message catalog: {exc}"))
            return None
        looks = self.cache.looks(setup)  # parsing every template takes a while: once per theme
        if looks is None:
            looks = templating.looks(theme, made, pages.TEMPLATES.values())
            if looks:
                self.cache.store_looks(setup, looks)
        self.memory.environments = (setup, (made, looks))
        return made, looks

    def nothing_changed(self, manifest: cache_stage.Manifest) -> BuildReport:
        self.problems += manifest.diagnostics
        self.sources = manifest.sources
        files = len(manifest.files)
        return self.report(
            pages=manifest.pages,
            files=files,
            articles=manifest.articles,
            written=True,
            cached=files,
            unchanged=True,
            drafts_left_out=manifest.drafts_left_out,
        )

    # -- keys -------------------------------------------------------------

    def setup_key(self, config: SiteConfig, theme: theme_stage.Theme) -> str:
        """What every page depends on besides the content: sitegen, the config, the theme's static files (their
        names are in every page), the options. Templates and catalogs are :func:`_look_key`'s."""
        layers = _theme_keys(theme, "static")
        pagefind = _pagefind() if config.search else ""
        people = PEOPLE_FILE if not sources.outside(self.site_dir, PEOPLE_FILE) else None
        people_key = fingerprints.file_key(self.site_dir / people) if people is not None else ""
        return fingerprints.digest(
            cache_stage.FORMAT,
            repr(config),
            *map(str, theme.layers),
            *layers,
            f"drafts={self.options.drafts} search={config.search} pagefind={pagefind}",
            str(self.site_dir.resolve()),
            people_key,
        )

    def folder_keys(self) -> dict[str, str]:
        """Every entry of ``content/articles/`` with a hash of what it holds (see :func:`reading.walk`)."""
        if sources.outside(self.site_dir, ARTICLES):  # not even hashed: content.load reports the link
            return {}
        try:
            entries = sorted(os.scandir(self.site_dir / ARTICLES), key=lambda entry: entry.name)
        except OSError:
            return {}
        memory = self.memory  # what the cache holds, or will once stored (``Options.store_later``)
        known = (memory.folders_taken, memory.folders) if memory.folders else self.cache.folder_keys()
        walked = reading.walk_all(self, entries, known, memory.markdown)
        memory.folders, memory.folders_taken = walked.signed, walked.taken
        memory.folders_unstored = memory.folders_unstored or walked.fresh  # stored when the engine says
        self.markdown_files += walked.markdown
        return walked.keys

    def manifest(self, setup: str) -> cache_stage.Manifest | None:
        remembered = self.memory.manifest
        if remembered is not None and remembered.setup == setup:
            return remembered
        return manifests.read(self.cache, setup, self.out)

    def unchanged(self, manifest: cache_stage.Manifest, site_key: str) -> bool:
        """Whether the output is exactly what this build would write: same sources, same day's view, intact."""
        if manifest.site != site_key or output.build_of(self.out) != manifest.build:
            return False
        if manifest.today != self.today and (manifest.dated or manifest.today is None or manifest.today > self.today):
            return False
        damaged = self.damaged()
        return not (_damaged(self.out, manifest.files) if damaged is None else damaged)

    def check_output(self, manifest: cache_stage.Manifest | None) -> parallel.Beside | None:
        """Start looking for the files of ``manifest`` that are no longer as it recorded them (see
        :meth:`damaged`): in a process beside this one while this one reads, where there are enough of them
        (the ``stat`` of 67,000 files takes a quarter of a second). None: the manifest is the engine's own."""
        if manifest is None or manifest is self.memory.manifest or output.build_of(self.out) != manifest.build:
            return None
        task = functools.partial(_damaged, self.out, manifest.files)
        return parallel.Beside(task, self.workers(len(manifest.files), OUTPUTS_PER_CHECK))

    def damaged(self) -> set[str] | None:
        """The files of the manifest found since this rebuild began to differ from what it recorded (a size,
        time or inode of their own: changed by hand); None when not looked for."""
        if self.checking is None:
            return None
        try:
            return self.checking.result()
        except parallel.WorkerLostError:
            return None

    def intact(self, files: Mapping[str, fingerprints.Entry]) -> set[str]:
        """The paths of ``files`` (output files and their manifest entries) whose file is as its entry recorded.

        An engine that wrote (or checked) every file of its manifest itself, in this session (the preview,
        from its second rebuild on), trusts them without a ``stat`` each: 67,000 of them cost a quarter of a
        second a save. Its first rebuild, and every ``sitegen build``, checks them all: the manifest's own
        entries were checked beside the reading (:meth:`check_output`), others (early pages) here.
        """
        if self.own_output:
            return set(files)
        out, damaged = os.path.join(self.out, ""), self.damaged()
        if damaged is None:
            return {path for path, old in files.items() if fingerprints.same_file(out, path, old)}
        recorded = self.manifest_found.files if self.manifest_found is not None else {}
        others = [] if files is recorded else [path for path, old in files.items() if recorded.get(path) is not old]
        found = files.keys() - damaged
        found.difference_update(others)
        found.update(path for path in others if fingerprints.same_file(out, path, files[path]))
        return found

    def close(self) -> None:
        if self.checking is not None:
            self.checking.close()

    def workers(self, tasks: int, per_worker: int) -> int:
        processes = parallel.workers(self.options.jobs, tasks, per_worker)
        self.processes = max(self.processes, processes)
        return processes


def _damaged(out: Path, files: Mapping[str, fingerprints.Entry]) -> set[str]:
    """The files of a manifest that differ from what it recorded (size, time or inode): changed by hand."""
    folder = os.path.join(out, "")
    return {path for path, entry in files.items() if not fingerprints.same_file(folder, path, entry)}


def _theme_keys(theme: theme_stage.Theme, part: str) -> list[str]:
    """A key of each theme layer's ``part`` folder ("" where it has none, a fresh random one if unreadable)."""
    folders = [layer / part for layer in theme.layers]
    return [fingerprints.tree_key(f, MAX_FILE_SIZE) or os.urandom(16).hex() if f.is_dir() else "" for f in folders]


def _look_key(theme: theme_stage.Theme) -> str:
    """A key of the theme's templates and catalogs: pages hold what they read of them (see Prepared.looks)."""
    return fingerprints.digest(*_theme_keys(theme, "templates"), *_theme_keys(theme, "locales"))


def _pagefind() -> str:
    """The Pagefind program a build with search runs ("" for none): a build without search loads no more of it."""
    from . import search

    return search.executable() or ""
