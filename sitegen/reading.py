"""One rebuild's reading of the article folders: from the last reading, memory, the cache, or the files.

A folder is read from its files only when nothing holds it under its key:
the engine's :class:`sitegen.memory.Memory` (the preview's, between saves), else the build
cache's pack or the folder's own entry, else its files (in worker processes
when there are enough; each worker stores the entries it makes).

An engine that keeps the site it read (the preview) starts from that
:class:`sitegen.memory.Reading` instead: reading the whole site again after a save would
list ``content/articles/``, take every other folder from memory one at a
time, gather their problems and sort each language's articles by date, a
tenth of a second and more at 10,000 articles before the edited page can even
be rendered. :func:`again` says which folders must be read (None: the whole
site, when anything else they depend on changed), and :func:`_reread` puts
those into the last reading. The Site and the problems are those a whole
reading gives (``tests/test_preview_memory.py`` compares the two).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import cache as cache_stage
from . import collector, fingerprints, parallel
from .errors import Diagnostic
from .memory import Memory, Options, Reading
from .model import ARTICLES, MAX_FILE_SIZE, Article, Person, Read, Site, SiteConfig
from .shelf import has_bodies, with_words

if TYPE_CHECKING:
    from .packs import Packed
    from .report import Progress
    from .shelf import Shelf

#: Tasks that make one more worker process worth forking.
FOLDERS_PER_WORKER = 60
#: The key :func:`walk` gives an entry of ``content/articles/`` that is a file.
NOT_A_FOLDER = "not a folder"


class Rebuild(Protocol):
    """What reading needs of the rebuild it is part of (:class:`sitegen.rebuild.Rebuild`)."""

    site_dir: Path
    options: Options
    today: dt.date
    memory: Memory
    cache: cache_stage.Cache
    packed: Packed
    progress: Progress
    #: What reading depends on of the config (all of it but ``--no-search``).
    config_key: str
    #: Articles taken from the cache without their HTML: slug -> (folder, cache key).
    light: dict[str, tuple[Path, str]]
    #: Where the HTML of the articles read waits for the pages that show it.
    shelf: Shelf
    #: The article folders named as changed (by the preview), when known; None: look at every one.
    changed: Collection[str] | None
    #: What reading depended on besides the files (:func:`prepared`), and each folder as read: recorded.
    base: str
    reads: dict[str, Read] | None

    def workers(self, tasks: int, per_worker: int) -> int: ...


def site(
    run: Rebuild, config: SiteConfig, folders: Mapping[str, str]
) -> tuple[Site, list[Diagnostic], list[str] | None]:
    """The site, its problems (the people registry's first) and every folder's name; an engine that keeps
    the last reading (``Options.keep``) reads again only the folders whose key changed since."""
    from . import content

    registry, people_found, base, reader = prepared(run, config, folders)
    last = run.memory.reading
    names = again(last, base, run.today, folders)
    if last is not None and names is not None:
        root = run.site_dir / ARTICLES
        found, problems, read = _reread(last, names, root, lambda paths: reader(paths, registry), people_found)
        run.memory.reading = replace(last, keys=dict(folders), site=found, folders=read)
        return found, problems, last.names
    read: dict[str, Read] = {}

    def recorded(paths: Sequence[Path], registry: Mapping[str, Person]) -> list[Read]:
        results = reader(paths, registry)
        read.update(zip((path.name for path in paths), results, strict=True))
        return results

    whole = content.read(config, run.site_dir, run.options.drafts, run.today, recorded, (registry, people_found))
    run.reads = read  # recorded for the next rebuild (see sitegen.deferred)
    keep = run.options.keep and whole[2] is not None
    run.memory.reading = _taken(whole, people_found, base, run.today, folders, read) if keep else None
    return whole


def prepared(
    run: Rebuild, config: SiteConfig, folders: Mapping[str, str]
) -> tuple[dict[str, Person], list[Diagnostic], str, Callable[[Sequence[Path], Mapping[str, Person]], list[Read]]]:
    """The people registry and its problems, the key of what reading a folder depends on besides its files
    (recorded as ``run.base``), and the reader of folders (:func:`_reader`)."""
    from . import people

    registry, people_found = people.load(config, run.site_dir)
    run.base = _base_key(run, registry)
    return registry, people_found, run.base, _reader(run, config, folders, run.base)


def again(last: Reading | None, base: str, today: dt.date, keys: Mapping[str, str]) -> list[str] | None:
    """The folders to read again to bring ``last`` up to date: those whose key changed. None when it cannot be:
    another base or day, an entry come or gone, or changed and not a folder read last time."""
    if last is None or not keys or last.base != base or last.today != today or last.keys.keys() != keys.keys():
        return None
    found = [name for name, key in keys.items() if key != last.keys[name]]
    if any(name not in last.folders or keys[name] == NOT_A_FOLDER for name in found):
        return None
    return found


def _taken(
    read: tuple[Site, list[Diagnostic], list[str] | None],
    people: Sequence[Diagnostic],
    base: str,
    today: dt.date,
    keys: Mapping[str, str],
    folders: Mapping[str, Read],
) -> Reading:
    """The reading :func:`sitegen.content.read` made: its problems are the people registry's, the strays', then
    each folder's."""
    found, problems, names = read
    last = len(problems) - sum(len(listed) for _, listed, _ in folders.values())
    return Reading(base, today, dict(keys), found, tuple(problems[len(people) : last]), dict(folders), names)


def _reread(
    last: Reading,
    names: list[str],
    root: Path,
    reader: Callable[[Sequence[Path]], list[Read]],
    people: Sequence[Diagnostic],
) -> tuple[Site, list[Diagnostic], dict[str, Read]]:
    """The site ``last`` holds with folders ``names`` read again: the Site, every problem, every folder as read."""
    fresh = dict(zip(names, reader([root / name for name in names]), strict=True))
    folders = {**last.folders, **fresh}
    problems = [*people, *last.strays, *(problem for _, found, _ in folders.values() for problem in found)]
    left_out = tuple(path for _, _, drafts in folders.values() for path in drafts)
    old = {name: last.folders[name][0] for name in names}
    if all((was := old[name]) and new and was.slug == new.slug for name, (new, _, _) in fresh.items()):
        replacing = {new.slug: new for new, _, _ in fresh.values() if new is not None}
        return last.site.with_articles(replacing, left_out), problems, folders
    articles = tuple(article for article, _, _ in folders.values() if article is not None)
    return Site(last.site.config, articles, last.site.people, left_out), problems, folders


def _reader(run: Rebuild, config: SiteConfig, folders: Mapping[str, str], base: str) -> Callable:
    """Article folders from memory or the cache where their key matches, read (in parallel) where not;
    ``base`` is :func:`_base_key`'s for the registry the reader is given."""

    def read(paths: Sequence[Path], registry: Mapping[str, Person]) -> list[Read]:
        keys = _article_keys(run, paths, folders, base)
        results: list[Read | None] = []
        missing = []
        with collector.settled():
            for index, (path, key) in enumerate(zip(paths, keys, strict=True)):
                results.append(remembered(run, path, key))
                if results[-1] is None:
                    missing.append(index)
        _read_missing(run, config, registry, paths, keys, missing, results)
        return [result for result in results if result is not None]

    return read


@dataclass(frozen=True)
class Walk:
    """The keys of the entries of ``content/articles/`` (:func:`walk`), and what to remember of them."""

    keys: dict[str, str]
    #: Folder -> (its stat signature, its key), to remember for the next rebuild.
    signed: dict[str, tuple[tuple, str]]
    #: When the signatures were taken, as far as the next rebuild may trust them.
    taken: int
    #: ``signed`` differs from what was known, or is not settled yet: it is to be stored.
    fresh: bool
    #: The ``.md`` files under the folders, for the summary.
    markdown: int


def walk(
    entries: Sequence[os.DirEntry],
    known: tuple[int, Mapping[str, tuple[tuple, str]]],
    changed: Collection[str] | None,
    markdown: dict[str, tuple[tuple, int]],
) -> Walk:
    """Every entry of ``content/articles/`` with a hash of what it holds (a fresh random one if unreadable).

    A folder whose files ``stat`` the same as ``known`` (taken at ``known[0]``, and
    settled by then) keeps that hash without being read again; one known and not
    named in ``changed`` (when given) is not even looked at. ``markdown`` remembers
    each signature's count of ``.md`` files.
    """
    taken, signatures = known
    now = time.time_ns()
    keys, signed, unsettled, count = {}, {}, False, 0
    for entry in entries:
        if not entry.is_dir():
            keys[entry.name] = NOT_A_FOLDER
            continue
        old = signatures.get(entry.name)
        keys[entry.name], signature, settled = _folder_key(entry, old, taken, changed)
        if signature is not None:
            signed[entry.name] = (signature, keys[entry.name])
            unsettled = unsettled or not settled
            count += _markdown_in(markdown, entry.name, signature)
    fresh = signed != signatures or unsettled
    return Walk(keys, signed, now if fresh else taken, fresh, count)


#: Article folders, none of whose keys is known yet, that make one more process worth forking to hash them.
FOLDERS_PER_WORKER = 1000


def walk_all(
    run: Rebuild,
    entries: Sequence[os.DirEntry],
    known: tuple[int, Mapping[str, tuple[tuple, str]]],
    markdown: dict[str, tuple[tuple, int]],
) -> Walk:
    """:func:`walk` of every entry, in worker processes when no folder's key is known (a first build, or
    the cache's keys lost), which hashes every file under the folders: 2 s at 10,000 articles."""
    processes = run.workers(len(entries), FOLDERS_PER_WORKER) if not known[1] else 1
    if processes <= 1:
        return walk(entries, known, run.changed, markdown)
    chunks = parallel.chunked(range(len(entries)), processes, 250)  # a DirEntry is not sent to a worker
    parts = list(parallel.run(lambda chunk: walk([entries[i] for i in chunk], known, None, {}), chunks, processes))
    return Walk(
        keys={name: key for part in parts for name, key in part.keys.items()},
        signed={name: found for part in parts for name, found in part.signed.items()},
        taken=min(part.taken for part in parts),  # the earliest: a later one could settle a racy signature
        fresh=any(part.fresh for part in parts),
        markdown=sum(part.markdown for part in parts),
    )


def _folder_key(
    entry: os.DirEntry, old: tuple[tuple, str] | None, taken: int, changed: Collection[str] | None
) -> tuple[str, tuple | None, bool]:
    """A folder's key, its stat signature (None: unreadable) and whether that had settled by ``taken``.

    Read and hashed again unless its signature is the ``old`` one and had settled; the signature is
    taken again unless ``old`` is known and ``changed`` does not name the folder.
    """
    if changed is not None and entry.name not in changed and old is not None:
        signature = old[0]
    else:
        signature = fingerprints.tree_signature(entry.path, old[0] if old is not None else None)
    settled = signature is not None and fingerprints.settled(signature, taken)
    if settled and old is not None and old[0] == signature:
        return old[1], signature, True
    return fingerprints.tree_key(entry.path, MAX_FILE_SIZE) or os.urandom(16).hex(), signature, settled


def _markdown_in(markdown: dict[str, tuple[tuple, int]], name: str, signature: tuple) -> int:
    """The ``.md`` files of a folder's stat signature, counted once per signature."""
    known = markdown.get(name)
    if known is None or known[0] is not signature:
        known = markdown[name] = (signature, sum(item[0].endswith(".md") for item in signature))
    return known[1]


def _base_key(run: Rebuild, registry: Mapping[str, Person]) -> str:
    """What reading any article folder depends on besides its files."""
    return fingerprints.digest(
        cache_stage.FORMAT,
        run.config_key,
        repr(sorted(registry.items())),
        str(run.site_dir.resolve()),
    )


def _article_keys(run: Rebuild, paths: Sequence[Path], folders: Mapping[str, str], base: str) -> list[str | None]:
    """Each folder's cache key: :func:`fingerprints.digest` of ``base`` and its folder key (None: not keyed)."""
    known, found = run.memory.article_keys, {}
    keyed = fingerprints.digests(base)
    names = [path.name for path in paths]
    for name in names:
        if (key := folders.get(name)) is None:
            continue
        old = known.get(name)
        found[name] = old if old is not None and old[0] == base and old[1] == key else (base, key, keyed(key))
    run.memory.article_keys = found
    return [found[name][2] if name in found else None for name in names]


def remembered(run: Rebuild, path: Path, key: str | None) -> Read | None:
    """The folder as the engine or the cache last read it under the same key; None: read it.

    From the cache an article comes without its HTML, noted in ``run.light`` for the pages that
    show it (:func:`sitegen.rendering.hydrate`); an engine that renders every page (``keep``, or
    ``sitegen check``) joins it with its HTML here, once, and puts that on the shelf where there is one.
    """
    name = path.name  # worked out each time it is read
    known = run.memory.articles.get(name)
    if known is not None and key is not None and known[0] == key:
        article = known[1][0]
        if article is not None and run.cache.enabled and not has_bodies(article):
            run.light[article.slug] = (path, key)
        return known[1][0], list(known[1][1]), known[1][2]
    whole = run.options.keep or not run.options.write
    read = functools.partial(run.cache.whole_article, join=run.shelf.with_bodies) if whole else run.packed.entry
    entry = read(name, key, run.today) if key is not None else None
    if entry is None:
        return None
    found: Read = (entry.article, list(entry.diagnostics), entry.drafts_left_out)
    if entry.article is not None and key is not None:  # an entry was found: there is a key
        if not whole:
            run.light[entry.article.slug] = (path, key)
        run.memory.articles[name] = (key, found)
    return found


def _read_missing(
    run: Rebuild,
    config: SiteConfig,
    registry: Mapping[str, Person],
    paths: Sequence[Path],
    keys: list[str | None],
    missing: list[int],
    results: list,
) -> None:
    """Read the folders at ``missing`` (in worker processes when there are enough) into ``results``."""
    from . import content

    def load(chunk: Sequence[int]) -> list[tuple[Read, bytes]]:
        loaded = []
        for i in chunk:  # each worker stores its own entries: one pickling of each article, not two
            article, found, left_out = content.load_article(
                config, run.site_dir, paths[i], run.options.drafts, registry, run.today
            )
            entry = cache_stage.ArticleEntry(article, tuple(found), run.today, left_out, run.options.drafts)
            record = run.cache.store_article(paths[i].name, keys[i], entry)
            loaded.append(((article, found, left_out), record))  # the record, for the pack
        return loaded

    processes = run.workers(len(missing), FOLDERS_PER_WORKER)
    run.progress.start("Reading", len(missing))
    chunks = parallel.chunked(missing, processes, 25)
    # Articles are plain data without cycles (parsing makes none): the collector need not walk them.
    with collector.settled() if processes > 1 else contextlib.nullcontext():
        for chunk, loaded in zip(chunks, parallel.run(load, chunks, processes), strict=True):
            for index, (result, record) in zip(chunk, loaded, strict=True):
                result = (run.shelf.put(result[0]), *result[1:])
                results[index] = result
                run.packed.records[paths[index].name] = record
                if (key := keys[index]) is not None:
                    run.memory.articles[paths[index].name] = (key, result)
            run.progress.advance(len(chunk))
    run.progress.end()


def worded(run: Rebuild, site: Site, article: Article) -> Article:
    """``article`` with its own words, when it came from the build cache without them (see
    :func:`sitegen.shelf.split_bodies`); as it is when its folder changed since: the pages that show it say so."""
    if article.slug not in run.light:
        return article
    folder, key = run.light[article.slug]
    found = with_words(article, run.cache.words(folder.name, key))
    return found or read_again(run, site, folder, article) or article


def read_again(run: Rebuild, site: Site, folder: Path, article: Article) -> Article | None:
    """``article`` read from its folder again, whole; None if it changed since it was read."""
    from . import content

    registry = {person.id: person for person in site.people}
    fresh, _, _ = content.load_article(site.config, run.site_dir, folder, run.options.drafts, registry, run.today)
    if fresh is None or [t.digest for t in fresh.translations] != [t.digest for t in article.translations]:
        return None
    return fresh
