"""Full-text search: Pagefind indexes the finished staging folder before it is published.

Pagefind is a separate program (``pip install 'sitegen[search]'`` brings it
with the ``pagefind[bin]`` package). It reads the built pages, keeps the text
of the elements marked ``data-pagefind-body`` (article pages only; headers,
navigation and footers are outside it), and writes one index per
``<html lang>`` into ``pagefind/`` at the root of the site, with the script
that the theme's search page loads. Nothing runs on a server.

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
import re
import shutil
import threading
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

from . import output, parallel, routes
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
    """Run Pagefind over the built site in ``folder``; the bundle goes to ``folder/pagefind/``.

    Returns warnings, never errors: a site without search still works. Any
    partial bundle a failed run left behind is removed, so the search page's
    "unavailable" message and the published files agree.
    """
    return _run(folder, folder / BUNDLE, program)


def refresh(
    folder: Path, wanted: bool = True, program: str | None = None, languages: Collection[str] | None = None
) -> list[Diagnostic]:
    """Index a live output folder again, after a save or a small rebuild; without ``wanted``, drop the index.

    The new bundle is written beside the folder and swapped in, so readers
    get the old index or the new one; Pagefind is deterministic, so the folder
    ends up as a clean build would make it. ``languages``, when known, are
    the only ones whose indexed pages changed: the others' part of the index
    is kept (see :func:`_update`).
    """
    if not wanted:
        shutil.rmtree(folder / BUNDLE, ignore_errors=True)
        return []
    fresh, problems = prepare(folder, program, languages)
    install(folder, fresh)
    return problems


def prepare(
    folder: Path, program: str | None = None, languages: Collection[str] | None = None
) -> tuple[Path | None, list[Diagnostic]]:
    """A new bundle for a live output folder, written beside it (the slow part of :func:`refresh`).

    None with the warnings when Pagefind could not make one. The preview runs
    this off the save path and installs the result only if no save came since.
    """
    fresh = folder.parent / f".{folder.name}.staging-{os.getpid()}-{os.urandom(4).hex()}"
    problems = _update(folder, fresh, program, languages) if languages is not None else None
    if problems is None:
        problems = _run(folder, fresh, program)
    return (None if problems else fresh), problems


def _update(folder: Path, fresh: Path, program: str | None, languages: Collection[str]) -> list[Diagnostic] | None:
    """The bundle of ``folder`` with only ``languages`` indexed again, in ``fresh``; None when it cannot be.

    Pagefind keeps each language apart: its files are named after it
    (``fragment/en_….pf_fragment``, ``index/en_….pf_index``,
    ``pagefind.en_….pf_meta``, ``wasm.en.pagefind``), and indexing one
    language alone writes exactly its files of a whole run (tested). So the
    other languages' files are linked from the current bundle, and the entry
    file takes the new languages' lines. Anything unexpected (no current
    bundle, pages marked outside the articles, a language left with no page,
    another Pagefind version) gives None: the caller indexes everything.
    """
    import json

    current = folder / BUNDLE
    try:
        entry = json.loads((current / ENTRY).read_text(encoding="utf-8"))
        kept = dict(entry["languages"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(_LANGUAGE.fullmatch(lang) for lang in languages) or _narrowest_glob(folder) != ARTICLE_GLOB:
        return None
    # A language whose pages are all unmarked (only pages saying an article is not available in it)
    # has nothing to index: Pagefind, run on it alone, would index those pages whole.
    unmarked = {lang for lang in languages if not _marked_in(folder, lang)}
    if unmarked & set(kept):
        return None  # its old index must go: a whole run drops it
    languages = set(languages) - unmarked
    parts: dict[Path, str] = {}  # a bundle of one language, and that language
    try:
        for lang in sorted(languages):
            part = fresh.with_name(f"{fresh.name}-{lang}")
            parts[part] = lang
            if _run(folder, part, program, glob=routes.article_glob(lang)):
                return None
            found = json.loads((part / ENTRY).read_text(encoding="utf-8"))
            if list(found["languages"]) != [lang] or found.get("version") != entry.get("version"):
                return None
            kept[lang] = found["languages"][lang]
        fresh.mkdir()
        for source in (current, *parts):
            own = languages if source is current else {parts[source]}
            for here, _, names in os.walk(source):
                for name in names:
                    # From the current bundle every file but those of the languages indexed again;
                    # from each new one only its language's files; the entry file is written below.
                    if (source is current) == _of_language(name, own) or name == ENTRY:
                        continue
                    target = fresh / Path(here).relative_to(source) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    output.link_or_copy(Path(here) / name, target)
        entry["languages"] = kept
        (fresh / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        _sort_entry(fresh / ENTRY)
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(fresh, ignore_errors=True)
        return None
    finally:
        for part in parts:
            shutil.rmtree(part, ignore_errors=True)
    return []


def patch(out: Path, pending: Path, removed: Collection[str], languages: Collection[str]) -> list[str]:
    """Index the site that a patch of ``out`` makes, and put the index's changes into the patch.

    The new site is ``out`` with ``pending``'s files over it and ``removed``
    gone; Pagefind reads it through a folder of hard links beside ``out`` (the
    article pages, or every page when a theme marks others for the index, and
    the current bundle). The bundle's new and changed files are linked into
    ``pending/pagefind/``; the names of those it no longer has are returned,
    for the patch's journal. So pages and index move in together, under one
    commit, and a build killed while Pagefind runs leaves ``out`` untouched.
    Raises :class:`SearchFailedError` when Pagefind fails: nothing of the patch is
    applied then, as a failed build applies nothing.
    """
    view = out.parent / f".{out.name}.staging-{os.getpid()}-{os.urandom(4).hex()}"
    site = view / "site"
    try:
        articles_only = _narrowest_glob(out) == ARTICLE_GLOB
        _mirror(out, pending, set(removed), site, articles_only)
        fresh, problems = prepare(site, languages=languages)
        if problems or fresh is None:
            raise SearchFailedError(problems)
        return _changes(fresh, out / BUNDLE, pending / BUNDLE)
    finally:
        shutil.rmtree(view, ignore_errors=True)


class SearchFailedError(Exception):
    """Pagefind could not index a patch's site; ``problems`` says why."""

    def __init__(self, problems: list[Diagnostic]):
        super().__init__(problems)
        self.problems = problems


def _mirror(out: Path, pending: Path, removed: set[str], site: Path, articles_only: bool) -> None:
    """``site`` as hard links to the new site's pages (see :func:`patch`) and to the current bundle."""
    layers = [(pending, set()), (out, removed)]  # the patch's files win over the output's
    for layer, left_out in layers:
        for here, folders, names in os.walk(layer):
            rel_here = os.path.relpath(here, layer)
            if rel_here == ".":
                folders[:] = [name for name in folders if name != BUNDLE]
            for name in names:
                rel = os.path.normpath(os.path.join(rel_here, name)).replace(os.sep, "/")
                wanted = article_page(rel) if articles_only else name.endswith(".html")
                target = site / rel
                if wanted and rel not in left_out and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    output.link_or_copy(Path(here) / name, target)
    for here, _, names in os.walk(out / BUNDLE):
        for name in names:
            target = site / BUNDLE / Path(here).relative_to(out / BUNDLE) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            output.link_or_copy(Path(here) / name, target)


def _changes(fresh: Path, current: Path, into: Path) -> list[str]:
    """Link ``fresh``'s files that ``current`` lacks or has otherwise into ``into``; return what it drops."""
    kept: set[str] = set()
    for here, _, names in os.walk(fresh):
        for name in names:
            rel = (Path(here) / name).relative_to(fresh)
            kept.add(rel.as_posix())
            new, old = Path(here) / name, current / rel
            with contextlib.suppress(OSError):
                if os.path.samefile(new, old) or new.read_bytes() == old.read_bytes():
                    continue
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            output.link_or_copy(new, into / rel)
    dropped = []
    for here, _, names in os.walk(current):
        for name in names:
            rel = (Path(here) / name).relative_to(current).as_posix()
            if rel not in kept:
                dropped.append(f"{BUNDLE}/{rel}")
    return sorted(dropped)


#: A language code as a file name and a glob may hold it.
_LANGUAGE = re.compile(r"[A-Za-z0-9-]+")


def _of_language(name: str, languages: Collection[str]) -> bool:
    """Whether a bundle file belongs to one of ``languages`` (shared files belong to none)."""
    return any(
        name.startswith((f"{lang}_", f"pagefind.{lang}_")) or name == f"wasm.{lang}.pagefind" for lang in languages
    )


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


def _run(folder: Path, bundle: Path, program: str | None, glob: str | None = None) -> list[Diagnostic]:
    import subprocess  # here, not at the top: a build that runs no Pagefind need not load it

    program = program if program is not None else executable()
    if not program:
        return [warning(_WHERE, "no search index was built: Pagefind is not installed", _INSTALL)]
    command = [program, "--site", str(folder), "--output-path", str(bundle), "--quiet"]
    if glob := glob or _narrowest_glob(folder):
        command += ["--glob", glob]
    try:
        result = _pagefind(command)
    except FileNotFoundError:
        return _failed(bundle, f"the Pagefind program {program} does not exist", _INSTALL)
    except PermissionError:
        return _failed(bundle, f"the Pagefind program {program} cannot be run", "check the file's permissions")
    except OSError as exc:
        return _failed(bundle, f"Pagefind could not be started: {exc.strerror or exc}", _INSTALL)
    except subprocess.TimeoutExpired:
        return _failed(bundle, f"Pagefind took longer than {TIMEOUT} s and was stopped")
    if result.returncode != 0 or not (bundle / ENTRY).is_file():
        said = (result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}").splitlines()
        return _failed(bundle, f"Pagefind failed: {said[-1]}", "run it by hand to see more: " + " ".join(command))
    _sort_entry(bundle / ENTRY)
    return []


#: Where the default theme marks pages for the index (``data-pagefind-body``): the article pages.
ARTICLE_GLOB = routes.article_glob()
_MARKED = b"data-pagefind-body"


def _narrowest_glob(folder: Path) -> str | None:
    """:data:`ARTICLE_GLOB` when every page marked for the index is an article page; None for every page.

    Once one page is marked, Pagefind leaves the unmarked ones out of the
    index, but it still reads and parses each of them to find out: told
    where the marked ones are, it writes the same index about four times
    faster (3.8 s instead of 14 s for 6,774 pages). A page that merely
    mentions the attribute counts as marked, which can only make the glob wider.
    """
    root = os.fspath(folder)
    found = False
    for here, folders, names in os.walk(root):
        if here == root:
            folders[:] = [name for name in folders if name != BUNDLE]
        for name in names:
            if not name.endswith(".html"):
                continue
            path = os.path.join(here, name)
            try:
                with open(path, "rb") as file:
                    marked = _MARKED in file.read()
            except OSError:
                return None
            if marked:
                if not article_page(os.path.relpath(path, root).replace(os.sep, "/")):
                    return None
                found = True
    return ARTICLE_GLOB if found else None


def _marked_in(folder: Path, lang: str) -> bool:
    """Whether any article page of ``lang`` in ``folder`` is marked for the index."""
    for page in folder.glob(routes.article_glob(lang)):
        try:
            if _MARKED in page.read_bytes():
                return True
        except OSError:
            return True  # unreadable: let Pagefind say so
    return False


def article_page(rel: str) -> bool:
    """Whether an output path (``/``-separated) is one :data:`ARTICLE_GLOB` matches: ``<lang>/<slug>/index.html``."""
    return routes.in_article_glob(rel)


#: Pagefind runs under way, so that :func:`stop` can end them when sitegen stops.
_running: set[subprocess.Popen] = set()
_lock = threading.Lock()


def _pagefind(command: list[str]) -> subprocess.CompletedProcess:
    """Run Pagefind to the end (or :data:`TIMEOUT`), where :func:`stop` can reach it."""
    import subprocess

    # Pagefind dies with a build that is killed (SIGKILL leaves no time to stop it). Only where
    # this process has one thread: the preview, which has more, stops its runs itself (stop()).
    die = parallel.dying_with(os.getpid()) if threading.active_count() == 1 else None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=die)
    with _lock:
        _running.add(process)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    finally:
        with _lock:
            _running.discard(process)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def stop() -> None:
    """End every Pagefind run this process started: ``sitegen serve`` is stopping, its index is not wanted."""
    with _lock:
        running = list(_running)
    for process in running:
        with contextlib.suppress(OSError):
            process.kill()


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
