"""The write protocol: render what changed and publish it in one transaction.

Every rebuild, from ``sitegen build`` or from a save in the preview, ends
here. The plan (:func:`render.plan`) is compared with the manifest of the
output folder: a page whose key and file are unchanged is kept, the rest is
rendered. When at most :data:`PATCH_SHARE` of the output changes, the new
files go into a pending folder applied under a journal (:class:`output.Stage`
with ``patch=True``); otherwise a whole new folder is swapped in. Either way
readers see the old site or the new one, and a failure leaves the old one.
The search index moves in under the same commit.
"""

from __future__ import annotations

import contextlib
import operator
import os
import posixpath
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache as cache_stage
from . import collector, depends, fingerprints, manifests, output, rendering
from .errors import Diagnostic, Location, error
from .model import FUTURE, Article, Site
from .rendering import ReportedError
from .report import BuildReport, Prepared
from .routes import Kind

if TYPE_CHECKING:
    from . import listings, render
    from .rebuild import Rebuild

#: A patch (rather than a whole new folder) when at most this share of the output changes.
PATCH_SHARE = 0.1

Entry = fingerprints.Entry


def check(run: Rebuild, prepared: Prepared) -> BuildReport:
    """``sitegen check``: render every page (templates can fail too), as a build does but writing nothing."""
    from . import listings, render

    site = prepared.site
    grouped = listings.index(site)
    jobs = render.plan(site, prepared.theme.static_files, grouped, looks=prepared.looks)
    try:  # every article came with its HTML (see Rebuild.remembered): none to add
        for _ in rendering.render_into(run, prepared, grouped, jobs, None, {}):
            pass
    except ReportedError as failure:
        run.problems.append(failure.diagnostic)
        return run.report()
    pages = sum(job.path.endswith(".html") for job in jobs)
    articles = len(site.articles)
    return run.report(pages=pages, files=len(jobs), articles=articles, rendered_from=prepared, **_drafts(site))


def early(run: Rebuild, prepared: Prepared) -> Written:
    """The changed articles' own pages, published first when the rebuild has ``early`` (before even the
    site-wide checks: :func:`undo` puts them back if those fail). :class:`PublishError` when they cannot be."""
    previous = _previous(run)
    if run.early is None or not run.changed or not previous:
        return Written(previous=previous)
    return _first_pages(run, prepared, previous)


def publish(
    run: Rebuild, prepared: Prepared, first: Written | None = None, superseded: Callable[[], bool] | None = None
) -> BuildReport:
    """Render and write what changed (beyond the ``first`` pages :func:`early` wrote).

    When ``superseded`` says a newer change waits before any of it is written, nothing more is.
    """
    first = first or Written(previous=_previous(run))
    # Packed before rendering, not after: the records it holds (50 MB at 10,000 articles) are then let go
    # before the render workers fork. Each is an entry as read, good whether or not the pages are made.
    run.packed.keep(run.memory.article_keys)
    # Only a preview's rebuild of known articles leaves its listings to the next one.
    if superseded is None or run.early is None or run.manifest_found is None:
        superseded = _never
    try:
        previous = {**first.previous, **first.files} if first.files else first.previous  # the manifest's own
        done = _all_pages(run, prepared, previous, superseded)
    except PublishError as failure:
        return undo(run, first) if first.paths else failure.report
    except SupersededError:
        return _left_for_later(run, first)
    site, drafts = prepared.site, _drafts(prepared.site)
    stored = _manifest(run, site, done, drafts["drafts_left_out"])
    run.memory.remember(stored, done.dependencies, done.grouped)
    run.memory.unstored = (stored, done.dependencies)  # stored when the engine says (Engine.rebuild, .store)
    return run.report(
        pages=stored.pages,
        files=len(done.files),
        articles=len(site.articles),
        written=True,
        cached=len(done.files) - len(done.paths),
        written_paths=(*first.paths, *done.paths),
        removed_paths=done.removed,
        replaced=done.replaced,
        rendered_from=prepared if run.options.keep else None,
        **drafts,
    )


def _manifest(run: Rebuild, site: Site, done: Written, drafts_left_out: int) -> cache_stage.Manifest:
    """The manifest of the output ``done`` describes, made from ``site``."""
    return cache_stage.Manifest(
        setup=run.setup_digest,
        site=run.site_key,
        build=output.build_of(run.out),
        out=str(run.out),
        today=run.today,
        dated=any(FUTURE in d.message for d in run.problems),
        files=done.files,
        pages=sum(path.endswith(".html") for path in done.files),
        articles=len(site.articles),
        sources=run.sources,
        diagnostics=tuple(d for d in run.problems if not d.is_error),
        drafts_left_out=drafts_left_out,
    )


@dataclass
class Written:
    """What one transaction wrote."""

    #: The manifest entries of every file of the output (of the early pages only, for those).
    files: dict[str, Entry] = field(default_factory=dict)
    paths: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: A whole new folder was swapped in.
    replaced: bool = False
    #: The bytes the early pages replaced (None: there was no file), to put back should the rest fail.
    before: dict[str, bytes | None] = field(default_factory=dict)
    #: The manifest's files as they were before the transaction, when they described the output.
    previous: dict[str, Entry] = field(default_factory=dict)
    #: What the pages were made from, to record with the manifest (:mod:`sitegen.depends`), and the listings.
    dependencies: depends.Dependencies | None = None
    grouped: listings.Index | None = None


class SupersededError(Exception):
    """A newer change waits: the rebuild stops before it writes anything more."""


def _never() -> bool:
    return False


def _left_for_later(run: Rebuild, first: Written) -> BuildReport:
    """The output keeps the early pages (checked with the whole site) and the rest as it was; the manifest
    says so, so the next rebuild renders what this one left.

    After a text edit the record still holds (no outline changed), with the edited articles marked as
    changed whatever their text is next time: the pages that show them are keyed again then.
    """
    assert run.manifest_found is not None
    files = {**first.previous, **first.files}
    manifest = replace(run.manifest_found, files=files, build=output.build_of(run.out))
    recorded, edited = run.recorded, run.edited
    if recorded is None or edited is None:
        run.memory.remember(manifest)
    else:
        run.memory.remember(manifest, depends.unsettled(recorded, edited), run.recorded_listings)
    return run.report(written_paths=first.paths, superseded=True)


class PublishError(Exception):
    """A transaction that failed and left the output as it was; ``report`` says why."""

    def __init__(self, report: BuildReport):
        super().__init__()
        self.report = report


def undo(run: Rebuild, first: Written) -> BuildReport:
    """Put the early pages back as they were, after the rest of the rebuild failed; the report says which."""
    _put_back(run, first.before)
    if (manifest := run.manifest_found) is not None:  # the rest is as it was; the pages put back are new files
        run.memory.remember(replace(manifest, build=output.build_of(run.out)))
    return run.report(reverted=first.paths)


def _previous(run: Rebuild) -> dict[str, Entry]:
    """The manifest's files, when it describes the output folder as it is."""
    manifest = run.manifest_found
    return manifest.files if manifest is not None and output.build_of(run.out) == manifest.build else {}


@dataclass
class _Plan:
    """Every file of the site with its key, and the jobs to make those whose file is not there already."""

    keys: dict[str, str]  # in the plan's order
    jobs: dict[str, render.Job]
    dependencies: depends.Dependencies


def _planned(
    run: Rebuild, prepared: Prepared, grouped: listings.Index, previous: dict[str, Entry], stop: Callable[[], None]
) -> tuple[_Plan, set[str]]:
    """The plan and the files kept from ``previous``: after a text edit, keyed again only where it shows."""
    from . import render

    site, static = prepared.site, prepared.theme.static_files
    recorded, edited = run.recorded, run.edited
    if recorded is not None and edited is not None and previous:
        jobs = render.keyed(site, grouped, static, depends.routes_to_key(recorded, edited), prepared.looks)
        made = {job.path: job for job in jobs}
        fresh = {path: job_key(job) for path, job in made.items()}
        keys = {path: entry[0] for path, entry in previous.items()} | fresh
        kept = _kept(run, keys, previous, fresh)
        if not keys.keys() - kept - made.keys():  # else a file went missing: plan every page
            return _Plan(keys, made, depends.after(recorded, site, edited, run.outlined, run.record(site))), kept
    every, shown_on = render.recorded_plan(site, static, grouped, stop, prepared.looks)
    keys = {job.path: job_key(job) for job in every}
    copies = [job.route for job in every if job.kind is Kind.COPY]
    recorded = depends.record(site, run.today, run.look, shown_on, copies, run.outlined, grouped, run.record(site))
    return _Plan(keys, {job.path: job for job in every}, recorded), _kept(run, keys, previous)


def _all_pages(run: Rebuild, prepared: Prepared, previous: dict[str, Entry], superseded: Callable[[], bool]) -> Written:
    from . import render

    site = prepared.site
    with collector.settled():
        _stop_if(superseded)
        grouped = _listings(run, site)
        _stop_if(superseded)
        planned, kept = _planned(run, prepared, grouped, previous, lambda: _stop_if(superseded))
    keys = planned.keys
    _stop_if(superseded)
    todo = [job for path, job in planned.jobs.items() if path not in kept]
    gone = previous.keys() - keys.keys()
    removed = [path for path in previous if path in gone] if gone else []
    if previous and not todo and not removed:  # every file is there already: nothing to commit
        return Written({path: previous[path] for path in keys}, dependencies=planned.dependencies, grouped=grouped)
    patch = bool(previous) and len(todo) + len(removed) <= PATCH_SHARE * len(keys)
    searched = prepared.site.config.search and bool(site.articles)
    files: dict[str, Entry] = {}  # the files made or linked; a patch leaves the others where they are
    shown = render.shown(todo, site, grouped) if run.light else ()  # only those without HTML need it
    with _transaction(run, prepared, shown) as whole, output.Stage(run.out, patch, run.cache.trash) as stage:
        for path in () if patch else kept:  # a new folder links them
            files[path] = fingerprints.entry(keys[path], stage.link(path))
        for path, stat in rendering.render_into(run, prepared, grouped, todo, stage, whole):
            files[path] = fingerprints.entry(keys[path], stat)
        if patch:
            wanted = searched and run.options.search_patches
            dropped = rendering.patch_search(run, stage, [job.path for job in todo], removed) if wanted else []
            stage.apply([*removed, *dropped])  # pages and search index move in under one commit
        else:
            stage.swap(finish=(lambda folder: rendering.index_search(run, folder)) if searched else None)
    if len(keys) == len(previous) and all(map(operator.eq, keys, previous)):  # the same files: a text edit's
        ordered = {**previous, **files}
    else:
        ordered = {path: files[path] if path in files else previous[path] for path in keys}
    paths = tuple(job.path for job in todo)
    return Written(ordered, paths, tuple(removed), not patch, dependencies=planned.dependencies, grouped=grouped)


def _listings(run: Rebuild, site: Site) -> listings.Index:
    """The site's listings: after a text edit, those the engine remembers with the edited articles in them
    (every outline is as it was, so every listing is too), or those recorded; else grouped anew."""
    from . import listings

    remembered, edited, recorded = run.recorded_listings, run.edited, run.recorded
    if remembered is not None and edited is not None:
        remembered.holders()  # worked out once, for every save to come
        return remembered.with_articles({slug: found for slug in edited if (found := site.article(slug))})
    if edited is not None and recorded is not None and (found := depends.listed(recorded, site)) is not None:
        return found
    return listings.index(site)


def _stop_if(superseded: Callable[[], bool]) -> None:
    if superseded():
        raise SupersededError()


def _first_pages(run: Rebuild, prepared: Prepared, previous: dict[str, Entry]) -> Written:
    """The changed articles' own pages, published before the listings that show them are even planned."""
    from . import render

    site = prepared.site
    found = [article for name in sorted(run.changed or ()) if (article := site.article(name)) is not None]
    jobs = render.own_jobs(site, prepared.theme.static_files, found, prepared.looks)
    keys = {job.path: job_key(job) for job in jobs}
    kept = _kept(run, keys, previous)
    todo = [job for job in jobs if job.path not in kept]
    written = Written(previous=previous)
    if todo:
        replaced = output.read(run.out, [job.path for job in todo])
        slugs = [article.slug for article in found]
        with _transaction(run, prepared, slugs) as whole, output.Stage(run.out, patch=True) as stage:
            for path, stat in rendering.render_into(run, prepared, None, todo, stage, whole):
                written.files[path] = fingerprints.entry(keys[path], stat)
            stage.apply(())
        written.paths, written.before = tuple(job.path for job in todo), replaced
    assert run.early is not None
    run.early(run.report(written_paths=written.paths))
    return written


def _put_back(run: Rebuild, replaced: dict[str, bytes | None]) -> None:
    """Undo the early pages after the rest failed: their old bytes, in one more patch."""
    with output.Stage(run.out, patch=True) as stage:
        for path, data in replaced.items():
            if data is not None:
                stage.write(path, data)
        stage.apply([path for path, data in replaced.items() if data is None])


def _kept(
    run: Rebuild, keys: dict[str, str], previous: dict[str, Entry], rekeyed: Collection[str] | None = None
) -> set[str]:
    """The files of ``keys`` whose output is already there: same key, and the file the manifest recorded.

    ``rekeyed``, when given, names the files whose key may differ from ``previous``'s: the others hold it.
    """
    check = keys if rekeyed is None else {path: keys[path] for path in rekeyed}
    changed = {path for path, key in check.items() if (old := previous.get(path)) is None or old[0] != key}
    held = previous if len(keys) >= len(previous) else {path: previous[path] for path in keys if path in previous}
    return run.intact(held).intersection(keys).difference(changed)


@contextlib.contextmanager
def _transaction(run: Rebuild, prepared: Prepared, slugs: Iterable[str]) -> Iterator[dict[str, Article]]:
    """Join the articles to render with their HTML (:func:`rendering.hydrate`), then write; a failure becomes the
    rebuild's error (:class:`PublishError`)."""
    from . import templating

    try:
        whole = rendering.hydrate(run, prepared.site, slugs)
        manifests.forget(run.cache, run.out)  # a rebuild that dies leaves no manifest to trust
        run.memory.remember(None)
        yield whole
    except templating.TemplateError as exc:
        run.problems.append(templating.template_problem(exc, prepared.theme))
    except ReportedError as failure:
        run.problems.append(failure.diagnostic)
    except OSError as exc:
        run.problems.append(_write_problem(run.out, exc))
    else:
        return
    raise PublishError(run.report())


def _write_problem(out: Path, exc: OSError) -> Diagnostic:
    # Name the file when one could not be read; a write into the staging
    # folder, which is gone now, is named by the output folder instead.
    staged = str(exc.filename or "").startswith(f"{out.parent}{os.sep}.{out.name}.")
    where = exc.filename if exc.filename and exc.filename2 is None and not staged else out
    hint = "the previous output was left as it was"
    return error(Location(str(where)), f"cannot write the output: {exc.strerror or exc}", hint)


def job_key(job: render.Job) -> str:
    """A job's key for the manifest: a copied file counts by its size and time, not just its path."""
    if job.kind != "copy":
        return job.key
    try:
        stat = os.stat(job.source)
    except OSError:
        return job.key + "\0missing"
    return f"{job.key}\0{stat.st_size}:{stat.st_mtime_ns}"


def _drafts(site: Site) -> dict[str, int]:
    """The report's counts of drafts: articles read with a draft translation, and those left out."""
    left_out = {posixpath.dirname(path) for path in site.drafts_left_out}  # the articles, not the files
    return {"drafts": site.drafted(), "drafts_left_out": len(left_out)}
