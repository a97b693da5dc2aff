"""One build, as a pipeline: config -> content -> theme -> render -> output.

``check`` is the same pipeline without the last step.

Two things make rebuilds cheap (see :mod:`sitegen.cache`): article folders
whose files did not change are taken from the cache instead of being read
again, and pages whose job key did not change are taken from the previous
output instead of being rendered again. When no source changed at all, the
output is left alone. Folders to read and pages to render are spread over
worker processes when there are enough of them (:mod:`sitegen.parallel`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import posixpath
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache as cache_stage
from . import config as config_stage
from . import output, parallel, sources
from . import search as search_stage
from . import theme as theme_stage
from .errors import Diagnostic, Location, error, has_errors, sort
from .model import ARTICLES, FUTURE, GLOSSARY_FILE, MAX_FILE_SIZE, PEOPLE_FILE, Article, Person, Site, SiteConfig

if TYPE_CHECKING:
    import jinja2

    from . import content, listings, render

# Reading and rendering (Markdown, YAML, Jinja2) are imported only by builds
# that read or render: one that finds nothing changed starts in a fraction of the time.

DEFAULT_OUT = "output"
#: Where ``sitegen serve`` builds unless ``--out`` says otherwise: never ``output/``.
PREVIEW_OUT = ".sitegen/preview"
#: A patch (rather than a whole new folder) when at most this share of the output changes.
PATCH_SHARE = 0.1
#: Tasks that make one more worker process worth forking.
FOLDERS_PER_WORKER = 60
PAGES_PER_WORKER = 150


@dataclass(frozen=True, slots=True)
class Prepared:
    """A site read, checked and ready to render: the Site, its theme, a Jinja2 environment per language."""

    site: Site
    theme: theme_stage.Theme
    environments: dict[str, jinja2.Environment]


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did: pages and files written, problems found, time taken."""

    diagnostics: tuple[Diagnostic, ...] = ()
    pages: int = 0
    files: int = 0
    articles: int = 0
    seconds: float = 0.0
    out: Path | None = None
    written: bool = field(default=False)
    #: Source files read: the config, every article file, the people registry, the glossary.
    sources: int = 0
    #: Output files taken unchanged from the previous build, and whether nothing changed at all.
    cached: int = 0
    unchanged: bool = False
    #: Processes used for reading and rendering, this one included (1: the build ran in one process).
    processes: int = 1
    #: Articles holding a translation marked ``draft: true``: those read (with drafts) and those left out.
    drafts: int = 0
    drafts_left_out: int = 0
    #: What the pages were rendered from, for the preview's incremental rebuilds (with ``keep=True``; else None).
    rendered_from: Prepared | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def rendered(self) -> int:
        """Output files made by this build (the rest came from the previous output)."""
        return self.files - self.cached


class Progress:
    """Told how a long build advances; the CLI draws a bar from it. This one stays silent."""

    def start(self, label: str, total: int) -> None:
        """A stage with ``total`` steps begins."""

    def advance(self, steps: int) -> None:
        """``steps`` more steps of the current stage are done."""

    def end(self) -> None:
        """The current stage is over."""


def build(
    site_dir: Path,
    out: Path | None = None,
    drafts: bool = False,
    force: bool = False,
    write: bool = True,
    search: bool = True,
    jobs: int | None = None,
    cache: bool = True,
    progress: Progress | None = None,
    keep: bool = False,
) -> BuildReport:
    """Build the site in ``site_dir`` into ``out``; with ``write=False``, only check it.

    ``search=False`` (``--no-search``) builds as if the config said ``search = false``.
    Otherwise, when the config allows it, Pagefind indexes the new pages
    before they are published; when it cannot, the build warns and publishes
    without search. ``jobs`` is the number of processes, this one included
    (None: as many as pay, up to one per CPU); ``cache=False`` neither reads nor writes
    ``.sitegen/cache/``. ``check`` (``write=False``) reads the cache but
    never writes it. ``keep=True`` returns what the pages were rendered from
    in the report (``rendered_from``), for the preview's incremental rebuilds.
    """
    return _Build(site_dir, out, drafts, force, write, search, jobs, cache, progress or Progress(), keep).run()


class _Build:
    def __init__(
        self,
        site_dir: Path,
        out: Path | None,
        drafts: bool,
        force: bool,
        write: bool,
        search: bool,
        jobs: int | None,
        cache: bool,
        progress: Progress,
        keep: bool = False,
    ):
        self.started = time.perf_counter()
        self.keep = keep
        #: The output folder as named (a link there is refused, not followed) and as resolved.
        self.named_out = out or site_dir / DEFAULT_OUT
        self.site_dir, self.out = site_dir, self.named_out.resolve()
        self.drafts, self.force, self.write, self.search, self.jobs = drafts, force, write, search, jobs
        self.cache = cache_stage.Cache(site_dir, enabled=cache, writable=write)
        self.progress = progress
        self.today = dt.date.today()
        self.problems: list[Diagnostic] = [self.cache.refused] if self.cache.refused else []
        self.sources = 1
        self.processes = 1
        self.config_key = ""
        #: The ``.md`` files under the article folders, counted while their keys are taken (for the summary).
        self.markdown_files = 0
        #: Articles taken from the cache without their HTML: slug -> (folder, cache key). See :meth:`hydrate`.
        self.light: dict[str, tuple[Path, str]] = {}
        self.config: SiteConfig | None = None
        self.registry: Mapping[str, Person] = {}

    def report(self, **values) -> BuildReport:
        elapsed = time.perf_counter() - self.started
        return BuildReport(
            sort(self.problems),
            seconds=elapsed,
            out=self.out,
            sources=self.sources,
            processes=self.processes,
            **values,
        )

    def run(self) -> BuildReport:
        try:
            return self.stages()
        except parallel.WorkerLostError as exc:
            hint = "the previous output was left as it was; try again, or with fewer --jobs"
            self.problems.append(error(Location(str(self.site_dir)), str(exc), hint))
            return self.report()
        finally:
            gc.unfreeze()  # what the build froze (see _settled) may be collected again

    def stages(self) -> BuildReport:
        config, found = config_stage.load(self.site_dir)
        self.problems += found
        if config is None:
            return self.report()
        self.config_key = repr(config)  # what reading articles depends on: not --no-search
        self.config = config
        if not self.search:
            config = replace(config, search=False)
        theme, found = theme_stage.load(self.site_dir, config)
        self.problems += found
        if self.write:
            refused = output.links_out(self.named_out, self.site_dir)
            if not refused:  # never tidy up beside a folder that a link names
                output.clean_leftovers(self.out)
            self.problems += refused or output.check_target(self.named_out, self.site_dir, self.force)
        if theme is None or has_errors(self.problems):
            return self.report()
        setup = self.setup_key(config, theme)
        folders = self.folder_keys()
        # The glossary is a source of the checks' results, not of any page: a site key, not a setup key.
        glossary = cache_stage.file_key(self.site_dir / GLOSSARY_FILE)
        site_key = cache_stage.digest(setup, glossary, *(f"{name}\0{key}" for name, key in folders.items()))
        manifest = self.cache.manifest(setup, self.out) if self.write else None
        if manifest is not None and self.unchanged(manifest, site_key):
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
        from . import content

        site, found = content.load(config, self.site_dir, self.drafts, self.today, self.reader(config, folders))
        gc.freeze()  # the Site lives as long as the build: later collections need not walk it
        self.problems += found
        registries = (PEOPLE_FILE, GLOSSARY_FILE)
        self.sources = 1 + self.markdown_files + sum((self.site_dir / file).is_file() for file in registries)
        if has_errors(self.problems):
            return self.report()
        from . import templating  # Jinja2 is loaded only by builds that render

        try:
            environments = {lang: templating.environment(theme, lang) for lang in config.languages}
        except ValueError as exc:
            self.problems.append(error(Location("theme"), f"broken message catalog: {exc}"))
            return self.report()
        prepared = Prepared(site, theme, environments)
        if not self.write:
            return self.check(prepared)
        return self.publish(prepared, setup, site_key, manifest)

    # -- keys -------------------------------------------------------------

    def setup_key(self, config: SiteConfig, theme: theme_stage.Theme) -> str:
        """What every page depends on besides the content: sitegen, the config, the theme, the options."""
        layers = [cache_stage.tree_key(layer, MAX_FILE_SIZE) or os.urandom(16).hex() for layer in theme.layers]
        pagefind = (search_stage.executable() or "") if config.search else ""
        return cache_stage.digest(
            cache_stage.FORMAT,
            repr(config),
            *map(str, theme.layers),
            *layers,
            f"drafts={self.drafts} search={config.search} pagefind={pagefind}",
            str(self.site_dir.resolve()),
            "" if sources.outside(self.site_dir, PEOPLE_FILE) else cache_stage.file_key(self.site_dir / PEOPLE_FILE),
        )

    def folder_keys(self) -> dict[str, str]:
        """Every entry of ``content/articles/`` with a hash of what it holds (a fresh random one if unreadable).

        A folder whose files ``stat`` the same as when its hash was last taken
        (and had settled by then) keeps that hash without being read again.
        """
        root = self.site_dir / ARTICLES
        if sources.outside(self.site_dir, ARTICLES):  # not even hashed: content.load reports the link
            return {}
        try:
            entries = sorted(os.scandir(root), key=lambda entry: entry.name)
        except OSError:
            return {}
        taken, known = self.cache.folder_keys()
        now = time.time_ns()
        keys, signed = {}, {}
        for entry in entries:
            if not entry.is_dir():
                keys[entry.name] = "not a folder"
                continue
            signature = cache_stage.tree_signature(entry.path)
            old = known.get(entry.name)
            if (
                signature is not None
                and old is not None
                and old[0] == signature
                and cache_stage.settled(signature, taken)
            ):
                keys[entry.name] = old[1]
            else:
                keys[entry.name] = cache_stage.tree_key(entry.path, MAX_FILE_SIZE) or os.urandom(16).hex()
            if signature is not None:
                signed[entry.name] = (signature, keys[entry.name])
                self.markdown_files += sum(item[0].endswith(".md") for item in signature)
        if signed != known or any(not cache_stage.settled(sig, taken) for sig, _ in signed.values()):
            self.cache.store_folder_keys(now, signed)
        return keys

    def unchanged(self, manifest: cache_stage.Manifest, site_key: str) -> bool:
        """Whether the output is exactly what this build would write: same sources, same day's view, intact."""
        if manifest.site != site_key or output.build_of(self.out) != manifest.build:
            return False
        if manifest.today != self.today and (manifest.dated or manifest.today is None or manifest.today > self.today):
            return False
        out = os.path.join(self.out, "")
        return all(_same_file(out, path, entry) for path, entry in manifest.files.items())

    # -- reading ----------------------------------------------------------

    def reader(self, config: SiteConfig, folders: Mapping[str, str]) -> content.Reader:
        """Article folders from the cache where their key matches, read (in parallel) where not."""

        def read(paths: Sequence[Path], registry: Mapping[str, Person]) -> list[tuple[Article | None, list, tuple]]:
            base = cache_stage.digest(
                cache_stage.FORMAT,
                self.config_key,
                repr(sorted(registry.items())),
                f"drafts={self.drafts}",
                str(self.site_dir.resolve()),
            )
            keys = [cache_stage.digest(base, folders[path.name]) if path.name in folders else None for path in paths]
            self.registry = registry
            results: list[tuple[Article | None, list, tuple] | None] = []
            missing = []
            with _settled():
                for index, (path, key) in enumerate(zip(paths, keys, strict=True)):
                    entry = self.cache.article(path.name, key, self.today)
                    results.append((entry.article, list(entry.diagnostics), entry.drafts_left_out) if entry else None)
                    if entry is None:
                        missing.append(index)
                    elif entry.article is not None and key is not None:
                        self.light[entry.article.slug] = (path, key)

            from . import content

            def load(chunk: Sequence[int]) -> list[tuple[Article | None, list, tuple]]:
                loaded = []
                for i in chunk:  # each worker stores its own entries: one pickling of each article, not two
                    article, found, left_out = content.load_article(
                        config, self.site_dir, paths[i], self.drafts, registry, self.today
                    )
                    entry = cache_stage.ArticleEntry(article, tuple(found), self.today, left_out)
                    self.cache.store_article(paths[i].name, keys[i], entry)
                    loaded.append((article, found, left_out))
                return loaded

            processes = self.workers(len(missing), FOLDERS_PER_WORKER)
            self.progress.start("Reading", len(missing))
            chunks = parallel.chunked(missing, processes, 25)
            # Articles are plain data without cycles (parsing makes none): the collector need not walk them.
            with _settled() if processes > 1 else contextlib.nullcontext():
                for chunk, loaded in zip(chunks, parallel.run(load, chunks, processes), strict=True):
                    for index, result in zip(chunk, loaded, strict=True):
                        results[index] = result
                    self.progress.advance(len(chunk))
            self.progress.end()
            return [result for result in results if result is not None]

        return read

    def workers(self, tasks: int, per_worker: int) -> int:
        processes = parallel.workers(self.jobs, tasks, per_worker)
        self.processes = max(self.processes, processes)
        return processes

    # -- rendering --------------------------------------------------------

    def check(self, prepared: Prepared) -> BuildReport:
        """``sitegen check``: render every page (templates can fail too), write nothing."""
        from . import listings, render, templating

        site, environments = prepared.site, prepared.environments
        grouped = listings.index(site)
        jobs = render.plan(site, prepared.theme.static_files, grouped)
        try:
            self.hydrate(site, None)
        except _ReportedError as failure:
            self.problems.append(failure.diagnostic)
            return self.report()
        try:
            for job in jobs:
                render.run(job, site, environments, grouped)
        except templating.TemplateError as exc:
            self.problems.append(templating.template_problem(exc, prepared.theme))
            return self.report()
        pages = sum(job.path.endswith(".html") for job in jobs)
        return self.report(
            pages=pages, files=len(jobs), articles=len(site.articles), rendered_from=prepared, **_drafts(site)
        )

    def publish(
        self, prepared: Prepared, setup: str, site_key: str, manifest: cache_stage.Manifest | None
    ) -> BuildReport:
        from . import listings, render, templating

        site, config = prepared.site, prepared.site.config
        with _settled():
            grouped = listings.index(site)
            jobs = render.plan(site, prepared.theme.static_files, grouped)
        keys = {job.path: _job_key(job) for job in jobs}
        previous = manifest.files if manifest is not None and output.build_of(self.out) == manifest.build else {}
        out = os.path.join(self.out, "")
        kept = {
            job.path
            for job in jobs
            if (old := previous.get(job.path)) and old[0] == keys[job.path] and _same_file(out, job.path, old)
        }
        todo = [job for job in jobs if job.path not in kept]
        removed = [path for path in previous if path not in keys]
        patch = bool(previous) and len(todo) + len(removed) <= PATCH_SHARE * len(jobs)
        files: dict[str, tuple[str, int, int, int]] = {}
        try:
            self.hydrate(site, None if self.keep else render.shown(todo, site, grouped))
        except _ReportedError as failure:
            self.problems.append(failure.diagnostic)
            return self.report()
        self.cache.forget_manifest(self.out)
        searched = config.search and bool(site.articles)
        try:
            with output.Stage(self.out, patch=patch) as stage:
                for path in kept:  # a patch leaves them where they are; a new folder links them
                    files[path] = previous[path] if patch else _entry(keys[path], stage.link(path))
                for path, stat in self.render(prepared, grouped, todo, stage.folder):
                    files[path] = _entry(keys[path], stat)
                if patch:
                    dropped = self.patch_search(stage, [job.path for job in todo], removed) if searched else []
                    stage.apply([*removed, *dropped])  # pages and search index move in under one commit
                else:
                    stage.swap(finish=self.index_search if searched else None)
        except templating.TemplateError as exc:
            self.problems.append(templating.template_problem(exc, prepared.theme))
            return self.report()
        except _ReportedError as failure:
            self.problems.append(failure.diagnostic)
            return self.report()
        except OSError as exc:
            # Name the file when one could not be read; a write into the staging
            # folder, which is gone now, is named by the output folder instead.
            staged = str(exc.filename or "").startswith(f"{self.out.parent}{os.sep}.{self.out.name}.")
            self.problems.append(
                error(
                    Location(str(exc.filename if exc.filename and exc.filename2 is None and not staged else self.out)),
                    f"cannot write the output: {exc.strerror or exc}",
                    "the previous output was left as it was",
                )
            )
            return self.report()
        ordered = {job.path: files[job.path] for job in jobs}
        pages = sum(path.endswith(".html") for path in ordered)
        self.cache.store_manifest(
            cache_stage.Manifest(
                setup=setup,
                site=site_key,
                build=output.build_of(self.out),
                out=str(self.out),
                today=self.today,
                dated=any(FUTURE in d.message for d in self.problems),
                files=ordered,
                pages=pages,
                articles=len(site.articles),
                sources=self.sources,
                diagnostics=tuple(d for d in self.problems if not d.is_error),
                drafts_left_out=_drafts(site)["drafts_left_out"],
            )
        )
        return self.report(
            pages=pages,
            files=len(ordered),
            articles=len(site.articles),
            written=True,
            cached=len(kept),
            rendered_from=prepared if self.keep else None,
            **_drafts(site),
        )

    def hydrate(self, site: Site, slugs: Iterable[str] | None) -> None:
        """Give the articles named by ``slugs`` (None: all) the HTML the cache keeps apart from them.

        Done before pages are rendered from them (and before workers fork, so
        they inherit it). An entry without its HTML, or whose HTML does not fit,
        is read from the article's folder again.
        """
        from .model import fill_bodies, split_bodies

        wanted = list(self.light) if slugs is None else [slug for slug in slugs if slug in self.light]
        for slug in wanted:
            folder, key = self.light.pop(slug)
            article = site.article(slug)
            if article is None:
                continue
            bodies = self.cache.bodies(folder.name, key)
            if bodies is not None and fill_bodies(article, bodies):
                continue
            from . import content

            assert self.config is not None
            fresh, _, _ = content.load_article(
                self.config, self.site_dir, folder, self.drafts, self.registry, self.today
            )
            digests = [t.digest for t in article.translations]
            if fresh is None or [t.digest for t in fresh.translations] != digests:
                where = Location(folder.relative_to(self.site_dir).as_posix())
                raise _ReportedError(error(where, "the article changed while the site was being built", "build again"))
            fill_bodies(article, split_bodies(fresh)[1])

    def render(
        self, prepared: Prepared, grouped: listings.Index, jobs: Sequence[render.Job], folder: Path
    ) -> Iterator[tuple[str, os.stat_result]]:
        """Render ``jobs`` and write them into ``folder``, in worker processes when there are enough."""
        from . import render, templating

        site, environments, theme = prepared.site, prepared.environments, prepared.theme
        processes = self.workers(len(jobs), PAGES_PER_WORKER)
        if processes > 1:  # load each template once, before the workers fork, not once per worker
            for env in environments.values():
                for name in env.list_templates(filter_func=lambda name: not name.startswith(".")):
                    env.get_template(name)

        def make(chunk: Sequence[render.Job]) -> list[tuple[str, os.stat_result]]:
            made = []
            for job in chunk:
                try:
                    data = render.run(job, site, environments, grouped)
                except templating.TemplateError as exc:
                    raise _ReportedError(templating.template_problem(exc, theme)) from None
                made.append((job.path, output.write_file(folder, job.path, data)))
            return made

        # The slowest jobs (the sitemap, feeds) first and one by one, so no worker is left with them at the end.
        slow = [[job] for job in jobs if job.kind in _SLOW]
        chunks = slow + parallel.chunked([job for job in jobs if job.kind not in _SLOW], processes, 40)
        self.progress.start("Rendering", len(jobs))
        for made in parallel.run(make, chunks, processes):
            yield from made
            self.progress.advance(len(made))
        self.progress.end()

    def index_search(self, staging: Path) -> None:
        """Index the new site before it is swapped in; a failed run fails the build, the old site stays."""
        problems = search_stage.index(staging)
        if problems and search_stage.installed():
            raise _ReportedError(_search_failed(problems[0]))
        self.problems.extend(problems)

    def patch_search(self, stage: output.Stage, written: Sequence[str], removed: Sequence[str]) -> list[str]:
        """Put the search index's changes into a patch; returns the bundle files the patch deletes.

        Only the article pages that really change (one article's pages are
        rendered again in every language) or go are indexed again, with the
        shards that hold them.
        """
        indexed = [path for path in (*written, *removed) if search_stage.article_page(path)]
        changed = [path for path in indexed if stage.differs(path)]
        if not changed:
            return []
        if not search_stage.installed():
            self.problems.extend(search_stage.index(stage.folder))  # says Pagefind is not installed
            return []
        try:
            return search_stage.patch(self.out, stage.folder, removed, changed)
        except search_stage.SearchFailedError as failed:
            raise _ReportedError(_search_failed(failed.problems[0])) from None


def _search_failed(problem: Diagnostic) -> Diagnostic:
    """Pagefind's failure as the build's error: a site is not published with its index missing or stale."""
    reason = problem.message.removeprefix("no search index was built: ")
    return error(
        problem.location,
        f"the search index could not be made: {reason}; the previous site was left as it was",
        "fix Pagefind (" + problem.hint.split(";")[0] + "), or build without search: sitegen build --no-search",
    )


#: Jobs that each take much longer than a page.
_SLOW = frozenset({"sitemap", "sitemap-index", "feed", "city-feed"})


class _ReportedError(Exception):
    """A problem already made a diagnostic: a template error in a worker (a traceback does not cross
    processes), an article that changed while the site was built."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    def __reduce__(self) -> tuple[Callable, tuple]:
        return _ReportedError, (self.diagnostic,)


@contextlib.contextmanager
def _settled() -> Iterator[None]:
    """Make plain data without the cyclic garbage collector, then freeze it out of the collector's sight.

    Reading ten thousand cached articles or planning 67,000 pages makes
    millions of objects that live until the build ends and hold no cycles;
    a collector walking them again and again took a third of a rebuild.
    Frozen objects are still freed by reference counting; the build
    unfreezes them when it ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _job_key(job: render.Job) -> str:
    """A job's key for the cache: a copied file counts by its size and time, not just its path."""
    if job.kind != "copy":
        return job.key
    try:
        stat = os.stat(job.ref[0])
    except OSError:
        return job.key + "\0missing"
    return f"{job.key}\0{stat.st_size}:{stat.st_mtime_ns}"


def _entry(key: str, stat: os.stat_result) -> tuple[str, int, int, int]:
    return (key, stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _same_file(out: str, path: str, entry: tuple[str, int, int, int]) -> bool:
    """Whether the output file is still the one the manifest recorded (same size, time and inode).

    ``out`` is the output folder as a string ending in a separator: the quickest form for a loop over every file.
    """
    try:
        stat = os.stat(out + path)
    except (OSError, ValueError):
        return False
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino) == entry[1:]


def _drafts(site: Site) -> dict[str, int]:
    """The report's counts of drafts: articles read with a draft translation, and those left out."""
    held = sum(any(t.draft for t in article.translations) for article in site.articles)
    return {"drafts": held, "drafts_left_out": len({posixpath.dirname(path) for path in site.drafts_left_out})}
