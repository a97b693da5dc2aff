"""Full-text search: Pagefind indexes the finished staging folder before it is published.

Pagefind is a separate program (``pip install 'sitegen[search]'`` brings it
with the ``pagefind[bin]`` package). It reads the built pages, keeps the text
of the elements marked ``data-pagefind-body`` (article pages only; headers,
navigation and footers are outside it), and writes the index into
``pagefind/`` at the root of the site: in shards, one Pagefind bundle per
language (and per period in a large archive), so that a publish indexes
again only the shard of the article it changes (:mod:`shards` decides them),
with the script that the theme's search page loads to search them as one
index. Nothing runs on a server.

Search is an extra: when the program is missing, the problem comes back as a
*warning* and the site is published without an index (its search page then
says that search is unavailable). When it fails or times out, this module
says so as a warning too, and the build makes that an error: the previous
site stays. This module only runs the program on a folder it is given;
:mod:`output` decides when that folder is published.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from . import output, pagefind, routes, shards
from .errors import Diagnostic, Location, warning

#: Environment variable naming the pagefind program to run; it wins over the installed one.
#: Set it to a path that does not exist to build as if Pagefind were not installed.
ENV = "SITEGEN_PAGEFIND"
#: Where the index and Pagefind's scripts go, relative to the output folder.
BUNDLE = "pagefind"
#: Pagefind's list of what it wrote, in the bundle: its version and one entry per language.
ENTRY = "pagefind-entry.json"
#: Seconds an index may take before the build gives up on it (a large site takes a few).
TIMEOUT = 300

_WHERE = Location("search")
_INSTALL = "install it with pip install 'sitegen[search]' or set SITEGEN_PAGEFIND to the program"


def executable() -> str | None:
    """The pagefind program: ``$SITEGEN_PAGEFIND``, the ``pagefind_bin`` package's binary, or ``pagefind`` on PATH."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return configured
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return str(importlib.import_module(module).get_executable())
        except (ImportError, FileNotFoundError):
            continue
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def installed() -> bool:
    """Whether there is a Pagefind program to run: a missing one is a warning, a failing one an error."""
    program = executable()
    return program is not None and (os.path.exists(program) or shutil.which(program) is not None)


def index(folder: Path, program: str | None = None) -> list[Diagnostic]:
    """Index the built site in ``folder``; the bundle goes to ``folder/pagefind/``, one shard at a time.

    Returns warnings, never errors: a site without search still works. Any
    partial bundle a failed run left behind is removed, so the search page's
    "unavailable" message and the published files agree.
    """
    return _index(folder, folder / BUNDLE, program)


def prepare(folder: Path, program: str | None = None) -> tuple[Path | None, list[Diagnostic]]:
    """A new bundle for a live output folder, written beside it, for :func:`install`.

    None with the warnings when Pagefind could not make one. The preview runs
    this off the save path and installs the result only if no save came since.
    """
    fresh = folder.parent / f".{folder.name}.staging-{os.getpid()}-{os.urandom(4).hex()}"
    problems = _index(folder, fresh, program)
    return (None if problems else fresh), problems


def _index(folder: Path, bundle: Path, program: str | None) -> list[Diagnostic]:
    """Index ``folder`` into ``bundle``: in shards (see :mod:`shards`), or whole when its theme marks other pages."""
    pages = shards.survey(folder)
    if not pages:  # other pages marked (None) or none at all: Pagefind indexes what it finds, as one bundle
        return _run([(folder, bundle, None)], program, bundle)
    plan = shards.assign(pages)
    problems = _index_shards(plan, [folder], bundle, program, interfaces=True)
    problems = problems or _index_words(shards.manifest(plan), lambda name: bundle / name, bundle, program, folder)
    if not problems:
        shards.write_manifest(bundle, plan)
    return problems


def _index_words(
    languages: Mapping[str, list[str]], folder: Callable[[str], Path], bundle: Path, program: str | None, beside: Path
) -> list[Diagnostic]:
    """Index the vocabulary of each language with several shards into ``bundle/<lang>/words/``.

    ``folder`` gives where each shard's files are (see :func:`shards.vocabulary`).
    """
    views = beside.parent / f".{beside.name}.words-{os.getpid()}-{os.urandom(4).hex()}"
    runs, order = [], []
    try:
        for lang, names in languages.items():
            if len(names) > 1:
                key = shards.language(folder(names[0]), lang)
                order.append(shards.vocabulary({name: folder(name) for name in names}, key, views / lang))
                runs.append((views / lang, bundle / lang / shards.VOCABULARY, None))
        if problems := _run(runs, program, bundle):
            return problems
        for (_, target, _), names in zip(runs, order, strict=True):
            shards.strip(target)
            shards.label(target, names)
        return []
    finally:
        shutil.rmtree(views, ignore_errors=True)


def _index_shards(
    plan: Mapping[str, Mapping[str, str | None]],
    layers: list[Path],
    bundle: Path,
    program: str | None,
    interfaces: bool = False,
) -> list[Diagnostic]:
    """Index each shard of ``plan`` into ``bundle/<shard>/``, its pages read from the first of ``layers`` having them.

    Pagefind reads a folder of hard links to the shard's pages only, beside
    the first layer; shards are indexed in parallel processes. With
    ``interfaces``, Pagefind's interface files go to the root of ``bundle``.
    """
    views = layers[0].parent / f".{layers[0].name}.views-{os.getpid()}-{os.urandom(4).hex()}"
    runs = []
    try:
        for number, (name, pages) in enumerate(plan.items()):
            shards.view(pages, layers, views / str(number))
            runs.append((views / str(number), bundle / name, ARTICLE_GLOB))
        if problems := _run(runs, program, bundle):
            return problems
        if interfaces and runs:
            shards.interfaces(bundle, runs[0][1])
        for name, pages in plan.items():
            shards.finish(bundle, name, pages)
        return []
    finally:
        shutil.rmtree(views, ignore_errors=True)


def patch(out: Path, pending: Path, removed: Collection[str], changed: Collection[str]) -> list[str]:
    """Index the site that a patch of ``out`` makes, and put the index's changes into the patch.

    The new site is ``out`` with ``pending``'s files over it and ``removed``
    gone; ``changed`` are the article pages whose bytes change or that go.
    Only the shards holding them, before and after, are indexed again (see
    :func:`shards.replan`), from hard links to their pages beside ``out``.
    The bundle's new and changed files are linked into ``pending/pagefind/``;
    the names of those it no longer has are returned, for the patch's journal.
    So pages and index move in together, under one commit, and a build killed
    while Pagefind runs leaves ``out`` untouched. A bundle that is not in
    shards, or a patch that marks other pages, is indexed whole instead.
    Raises :class:`SearchFailedError` when Pagefind fails: nothing of the patch is
    applied then, as a failed build applies nothing.
    """
    current = out / BUNDLE
    listed = shards.read_manifest(current)
    if listed is None or _marks_others(pending):
        return _patch_whole(out, pending, set(removed))
    indexed, gone = _classify(out, pending, removed, changed)
    languages = {rel.split("/")[0] for rel in (*indexed, *gone)}
    try:
        old = {name: shards.read_pages(current, name) for lang in languages for name in listed.get(lang, [])}
    except (OSError, ValueError):
        return _patch_whole(out, pending, set(removed))
    after, again, dropped_shards = shards.replan(old, indexed, gone)
    fresh = out.parent / f".{out.name}.staging-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        problems = _index_shards({name: after[name] for name in sorted(again)}, [pending, out], fresh, None)
        if problems:
            raise SearchFailedError(problems)
        now = {name for names in listed.values() for name in names} - dropped_shards | set(after)
        touched = {lang: names for lang, names in shards.manifest(now).items() if lang in languages}
        where = lambda name: fresh / name if name in again else current / name  # noqa: E731
        if problems := _index_words(touched, where, fresh, None, out):
            raise SearchFailedError(problems)
        changed = [*again, *dropped_shards, *(f"{lang}/{shards.VOCABULARY}" for lang in languages)]
        dropped = []
        for name in sorted(changed):
            dropped += shards.changes(fresh / name, current / name, pending / BUNDLE / name, f"{BUNDLE}/{name}")
        shards.write_manifest(fresh, now)
        shards.changes(fresh, current, pending / BUNDLE, BUNDLE, only=[shards.MANIFEST, shards.SCRIPT])
        return sorted(dropped)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _classify(
    out: Path, pending: Path, removed: Collection[str], changed: Collection[str]
) -> tuple[dict[str, str | None], set[str]]:
    """The changed pages the new site indexes, with their months, and those it no longer indexes."""
    indexed: dict[str, str | None] = {}
    gone: set[str] = set()
    for rel in changed:
        new = pending / rel if (pending / rel).is_file() else None if rel in removed else out / rel
        marked, date = shards.read_page(new) if new is not None else (False, None)
        if marked:
            indexed[rel] = date
        else:
            gone.add(rel)
    return indexed, gone


def _marks_others(pending: Path) -> bool:
    """Whether a patch writes a page other than an article that is marked for the index (a theme change)."""
    for here, folders, names in os.walk(pending):
        folders[:] = [name for name in folders if name != BUNDLE]
        for name in names:
            path = os.path.join(here, name)
            if name.endswith(".html") and not article_page(os.path.relpath(path, pending).replace(os.sep, "/")):
                with contextlib.suppress(OSError), open(path, "rb") as file:
                    if shards.MARKED in file.read():
                        return True
    return False


def _patch_whole(out: Path, pending: Path, removed: set[str]) -> list[str]:
    """:func:`patch` by indexing the whole new site, read through a folder of hard links to its pages."""
    view = out.parent / f".{out.name}.staging-{os.getpid()}-{os.urandom(4).hex()}"
    site = view / "site"
    try:
        shards.mirror(out, pending, removed, site)
        fresh, problems = prepare(site)
        if problems or fresh is None:
            raise SearchFailedError(problems)
        return shards.changes(fresh, out / BUNDLE, pending / BUNDLE, BUNDLE)
    finally:
        shutil.rmtree(view, ignore_errors=True)


class SearchFailedError(Exception):
    """Pagefind could not index a patch's site; ``problems`` says why."""

    def __init__(self, problems: list[Diagnostic]):
        super().__init__(problems)
        self.problems = problems


def install(folder: Path, fresh: Path | None) -> None:
    """Swap a bundle from :func:`prepare` in (None: drop the index, as a failed build would have none).

    The old bundle and the new one trade places in one atomic exchange where
    the system has it, so a reader never finds ``pagefind/`` missing.
    """
    bundle = folder / BUNDLE
    if fresh is None:
        shutil.rmtree(bundle, ignore_errors=True)
        return
    if bundle.exists() and output.exchange(fresh, bundle):
        shutil.rmtree(fresh, ignore_errors=True)  # it holds the old bundle now
        return
    old = fresh.with_name(fresh.name.replace(".staging-", ".old-"))
    if bundle.exists():
        os.rename(bundle, old)
    os.rename(fresh, bundle)
    shutil.rmtree(old, ignore_errors=True)


def _run(runs: list[tuple[Path, Path, str | None]], program: str | None, bundle: Path) -> list[Diagnostic]:
    """Run Pagefind once per ``(site, output, glob)``, several at a time; on any failure ``bundle`` goes."""
    import subprocess  # here, not at the top: a build that runs no Pagefind need not load it

    if not runs:
        return []
    program = program if program is not None else executable()
    if not program:
        return [warning(_WHERE, "no search index was built: Pagefind is not installed", _INSTALL)]
    commands = []
    for folder, target, glob in runs:
        command = [program, "--site", str(folder), "--output-path", str(target), "--quiet"]
        commands.append([*command, "--glob", glob] if glob else command)
    try:
        results = pagefind.run(commands, TIMEOUT)
    except FileNotFoundError:
        return _failed(bundle, f"the Pagefind program {program} does not exist", _INSTALL)
    except PermissionError:
        return _failed(bundle, f"the Pagefind program {program} cannot be run", "check the file's permissions")
    except OSError as exc:
        return _failed(bundle, f"Pagefind could not be started: {exc.strerror or exc}", _INSTALL)
    except subprocess.TimeoutExpired:
        return _failed(bundle, f"Pagefind took longer than {TIMEOUT} s and was stopped")
    for (_, target, _), result in zip(runs, results, strict=True):
        if result.returncode != 0 or not (target / ENTRY).is_file():
            said = (result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}").splitlines()
            hint = "run it by hand to see more: " + " ".join(result.args)
            return _failed(bundle, f"Pagefind failed: {said[-1]}", hint)
        _sort_entry(target / ENTRY)
    return []


#: Where the default theme marks pages for the index (``data-pagefind-body``): the article pages.
ARTICLE_GLOB = routes.article_glob()
article_page = shards.article_page


def _sort_entry(entry: Path) -> None:
    """List the languages in a stable order: Pagefind writes them in any, so the same site gave other bytes."""
    import json

    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["languages"] = dict(sorted(data["languages"].items()))
    except (ValueError, KeyError, TypeError, AttributeError):
        return  # not the format this was written for: leave it as Pagefind wrote it
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _failed(bundle: Path, message: str, hint: str = "") -> list[Diagnostic]:
    shutil.rmtree(bundle, ignore_errors=True)
    advice = "the site was built without search"
    return [warning(_WHERE, f"no search index was built: {message}", f"{hint}; {advice}" if hint else advice)]
