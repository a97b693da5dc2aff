"""A site whose unchanged articles are unpacked only when a page asks for them.

After a text edit (a sentence, a typo: no article's outline changed, see
:mod:`sitegen.depends`) a ``sitegen build`` renders again the pages that show
the edited articles, a few dozen of 67,000 at 10,000 articles. Unpacking
every other article from the build cache took a third of such a rebuild. So
when the last build's record (:class:`sitegen.depends.Folders`) says which
folder held which article, in which order each language lists them, and what
reading and checking each folder found, :func:`read` reads only the folders
whose key changed and makes a :class:`DeferredSite`: the same site, whose
other articles are unpacked (once each) by the pages, listings and checks
that look one up. Anything else that changed (a folder come or gone, an
outline, a draft left out, the glossary, the people registry, the day, the
config) reads the whole site as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from . import depends, reading
from .errors import Diagnostic
from .model import ARTICLES, Article, Site, SiteConfig, Translation, dated

if TYPE_CHECKING:
    from .depends import Dependencies, Folders

#: Read the whole site when more than this share of the folders changed (and more than :data:`CHANGED_FEW`):
#: most articles are unpacked then, which the whole reading does in one go.
CHANGED_SHARE = 0.05
CHANGED_FEW = 10
#: Once this many articles are unpacked, the rest come from the cache's pack, read once, rather than each
#: from its own entry (a plan of every page unpacks every article).
UNPACKED_FEW = 200


class Rebuild(reading.Rebuild, Protocol):
    """What a deferred reading needs of its rebuild (:class:`sitegen.rebuild.Rebuild`) beyond reading's."""

    recorded: Dependencies | None
    #: The key of the theme's templates and catalogs, and the site-wide checks' findings and key of their files.
    look: str
    checked: tuple[tuple[Diagnostic, ...], str]
    changed_folders: list[tuple[str, str]] | None
    edited: frozenset[str] | None
    names: list[str] | None


class Unpacking:
    """Articles by slug: those read (``fresh``), the rest unpacked by ``load`` (a folder's name) once each."""

    def __init__(
        self, load: Callable[[str], Article], folders: Mapping[str, str], fresh: Mapping[str, Article], drafted: int
    ):
        self.load, self.folders, self.found = load, folders, dict(fresh)
        #: The articles with a draft translation (:meth:`sitegen.model.Site.drafted`), as recorded.
        self.drafted = drafted
        #: The articles unpacked so far.
        self.unpacked = 0

    def article(self, slug: str) -> Article | None:
        found = self.found.get(slug)
        if found is None and (name := self.folders.get(slug)) is not None:
            found = self.found[slug] = self.load(name)
            self.unpacked += 1
        return found

    def with_articles(self, replacing: Mapping[str, Article]) -> Unpacking:
        """The same articles, those of ``replacing`` in the place of theirs; both unpack into one place."""
        return _Overlay(self, replacing)


class _Overlay(Unpacking):
    def __init__(self, under: Unpacking, replacing: Mapping[str, Article]):
        super().__init__(under.load, under.folders, replacing, under.drafted)
        self.under = under

    def article(self, slug: str) -> Article | None:
        found = self.found.get(slug)
        return found if found is not None else self.under.article(slug)


class Unpacked(Sequence):
    """Articles by their slugs, in order, each unpacked when asked for; with ``lang``, each as the pair of
    :meth:`Site.in_language` (the article, its translation in ``lang``)."""

    def __init__(self, unpacking: Unpacking, slugs: Sequence[str], lang: str | None = None):
        self.unpacking, self.slugs, self.lang = unpacking, slugs, lang

    def __len__(self) -> int:
        return len(self.slugs)

    def __getitem__(self, at):  # type: ignore[override]
        if isinstance(at, slice):
            return tuple(map(self._item, self.slugs[at]))
        return self._item(self.slugs[at])

    def __iter__(self) -> Iterator:
        return map(self._item, self.slugs)

    def _item(self, slug: str) -> Article | tuple[Article, Translation]:
        article = self.unpacking.article(slug)
        assert article is not None, slug
        if self.lang is None:
            return article
        translation = article.translation(self.lang)
        assert translation is not None, (slug, self.lang)
        return article, translation


class BySlug(Mapping[str, Article]):
    """The articles by slug, each unpacked when looked up."""

    def __init__(self, unpacking: Unpacking):
        self.unpacking = unpacking

    def __getitem__(self, slug: str) -> Article:
        found = self.unpacking.article(slug)
        if found is None:
            raise KeyError(slug)
        return found

    def get(self, slug: str, default: Article | None = None) -> Article | None:  # type: ignore[override]
        found = self.unpacking.article(slug)
        return default if found is None else found

    def __iter__(self) -> Iterator[str]:
        return iter(self.unpacking.folders)

    def __len__(self) -> int:
        return len(self.unpacking.folders)


class DeferredSite(Site):
    """A :class:`Site` whose articles are unpacked when looked up (see the module); equal to the site read whole."""

    __slots__ = ()

    @classmethod
    def made(
        cls, site: Site, unpacking: Unpacking, order: Sequence[str], orders: Mapping[str, Sequence[str]]
    ) -> DeferredSite:
        """``site``'s config, people and drafts with the articles of ``unpacking``, in the folders' ``order``
        and each language's ``orders``."""
        by_lang = {lang: Unpacked(unpacking, orders.get(lang, ()), lang) for lang in site.config.languages}
        articles: Any = Unpacked(unpacking, order)
        return cls(site.config, articles, site.people, site.drafts_left_out, (BySlug(unpacking), by_lang))

    @property
    def unpacking(self) -> Unpacking:
        return self.articles.unpacking  # type: ignore[attr-defined]

    def with_articles(self, replacing: Mapping[str, Article], drafts_left_out: tuple[str, ...] | None = None) -> Site:
        left_out = self.drafts_left_out if drafts_left_out is None else drafts_left_out
        if not replacing and left_out == self.drafts_left_out:
            return self
        if left_out != self.drafts_left_out or any(dated(self.article(s)) != dated(a) for s, a in replacing.items()):
            return Site(self.config, tuple(self.articles), self.people, self.drafts_left_out).with_articles(
                replacing, left_out
            )
        unpacking = self.unpacking.with_articles(replacing)
        orders = {lang: pairs.slugs for lang, pairs in self._by_lang.items()}  # type: ignore[attr-defined]
        return DeferredSite.made(self, unpacking, self.articles.slugs, orders)  # type: ignore[attr-defined]

    def drafted(self) -> int:
        return self.unpacking.drafted

    def only(self, slugs: Sequence[str]) -> Site:
        """A site of the articles ``slugs`` alone, whose lookups (``article``, ``in_language``) are this one's:
        the site-wide checks of the articles that changed."""
        chosen = tuple(article for slug in slugs if (article := self.article(slug)) is not None)
        return Site(self.config, chosen, self.people, self.drafts_left_out, (self._by_slug, self._by_lang))


def folder_of(finding: Diagnostic) -> str | None:
    """The article folder a finding stands in (None: another file, the config, the glossary, …)."""
    path = finding.location.path
    prefix = f"{ARTICLES.as_posix()}/"
    return path[len(prefix) :].split("/", 1)[0] or None if path.startswith(prefix) else None


def changed_folders(recorded: Dependencies, keys: Mapping[str, str], base: str) -> list[tuple[str, str]] | None:
    """The folders (name, slug) whose key changed since the build ``recorded`` describes, when only those need
    reading (see the module); None: read the whole site."""
    folders = recorded.folders
    if folders is None or not keys or folders.base != base or len(folders.entries) != len(keys):
        return None
    changed = []
    for (name, key, slug), (now, found) in zip(folders.entries, keys.items(), strict=True):
        if name != now:
            return None
        if found != key:
            if not slug:  # not an article (a file, a hidden folder, errors): read the site
                return None
            changed.append((name, slug))
    return changed if len(changed) <= max(CHANGED_FEW, CHANGED_SHARE * len(keys)) else None


def kept(
    recorded: Dependencies, changed: Sequence[tuple[str, str]], fresh: Sequence[tuple], left_out: Sequence[str]
) -> dict[str, tuple[Article, list[Diagnostic]]] | None:
    """The changed folders' articles and problems, when each holds the same article with the same outline
    and the same drafts left out as ``recorded`` says; None: read the whole site."""
    found = {}
    for (name, slug), (article, problems, drafts) in zip(changed, fresh, strict=True):
        if article is None or article.slug != slug or not article.outline:
            return None
        if recorded.outlines.get(slug) != article.outline:
            return None
        prefix = f"{ARTICLES.as_posix()}/{name}/"
        if tuple(drafts) != tuple(path for path in left_out if path.startswith(prefix)):
            return None
        found[name] = (article, problems)
    return found


def problems_of(folders: Folders, fresh: Mapping[str, tuple[Article, list[Diagnostic]]]) -> list[Diagnostic]:
    """Every folder's problems in the order of the folders: as read again, else as recorded."""
    found: list[Diagnostic] = []
    for name, _, _ in folders.entries:
        found += fresh[name][1] if name in fresh else folders.found.get(name, ())
    return found


def site_with(
    site: Site, folders: Folders, fresh: Mapping[str, tuple[Article, list[Diagnostic]]], load: Callable
) -> DeferredSite:
    """``site`` (its config, people and drafts left out) with every recorded article: those of ``fresh``, the
    others unpacked by ``load`` (a folder's name) when asked for."""
    by_slug = {slug: name for name, _, slug in folders.entries if slug}
    unpacking = Unpacking(load, by_slug, {article.slug: article for article, _ in fresh.values()}, folders.drafted)
    return DeferredSite.made(site, unpacking, tuple(by_slug), dict(folders.orders))


def record(
    keys: Mapping[str, str],
    base: str,
    reads: Mapping[str, tuple[Article | None, Sequence[Diagnostic], tuple[str, ...]]],
    site: Site,
    checked: tuple[tuple[Diagnostic, ...], str],
    last: Folders | None,
) -> Folders:
    """What to record of a rebuild's reading (:class:`sitegen.depends.Folders`): ``reads`` are the folders it
    read, every one of them, or those that changed since ``last`` when the site was :class:`DeferredSite`."""
    if last is not None and isinstance(site, DeferredSite):
        slugs = {name: slug for name, _, slug in last.entries}
        found = {name: problems for name, problems in last.found.items() if name not in reads}
        orders, drafted = last.orders, last.drafted
    else:
        slugs = {name: article.slug for name, (article, _, _) in reads.items() if article is not None}
        found, drafted = {}, site.drafted()
        orders = {lang: tuple(article.slug for article, _ in site.in_language(lang)) for lang in site.config.languages}
    found.update((name, tuple(problems)) for name, (_, problems, _) in reads.items() if problems)
    entries = tuple((name, key, slugs.get(name, "")) for name, key in keys.items())
    return depends.Folders(base, entries, found, orders, checked[0], checked[1], drafted)


def read(run: Rebuild, config: SiteConfig, keys: dict[str, str]) -> tuple[Site, list[Diagnostic], list[str]] | None:
    """The site, its problems and its folders' names when only articles' texts changed since the recorded
    build: their folders read, the others unpacked when a page asks for one; None: read every folder."""
    from . import content

    recorded, options = run.recorded, run.options
    if recorded is None or recorded.folders is None or options.keep or not options.write:
        return None
    if (recorded.today, recorded.look, recorded.folders.checked_with) != (run.today, run.look, run.checked[1]):
        return None
    registry, people_found, base, reader = reading.prepared(run, config, keys)
    changed = changed_folders(recorded, keys, base)
    root = run.site_dir / ARTICLES
    run.packed.few = changed is not None
    fresh = reader([root / name for name, _ in changed], registry) if changed is not None else []
    found = kept(recorded, changed, fresh, recorded.drafts_left_out) if changed is not None else None
    if changed is None or found is None:
        run.packed.few = False
        return None

    def load(name: str) -> Article:
        # When many are asked for (the whole site is planned after all), the pack, read once, serves them.
        run.packed.few = run.packed.few and site.unpacking.unpacked < UNPACKED_FEW
        return reader([root / name], registry)[0][0]

    people = Site(config, (), tuple(registry.values()), recorded.drafts_left_out)
    site = site_with(people, recorded.folders, found, load)
    run.changed_folders, run.reads = changed, {name: read for (name, _), read in zip(changed, fresh, strict=True)}
    run.packed.partial = True  # only the folders pages ask for are unpacked: the pack stays as it is
    run.edited = frozenset(
        slug for name, slug in changed if depends.text_of(found[name][0]) != recorded.texts.get(slug)
    )
    problems = [
        *people_found,
        *content.strays(name for name, key in keys.items() if key == reading.NOT_A_FOLDER),
        *problems_of(recorded.folders, found),
    ]
    return site, problems, [name for name, key in keys.items() if key != reading.NOT_A_FOLDER]


def checked(run: Rebuild, site: Site, folders: Folders) -> list[Diagnostic]:
    """The site-wide findings beyond the outlined ones, of a site :func:`read` made: those recorded in the
    other folders, and those of the changed folders' articles and of the files the checks read."""
    from . import contested, sitechecks  # as in Rebuild.site_checks: not for a build with nothing to read

    assert run.changed_folders is not None and isinstance(site, DeferredSite)
    changed = {name for name, _ in run.changed_folders}
    found = [d for d in folders.checked if (name := folder_of(d)) is not None and name not in changed]
    worded = functools.partial(reading.worded, run, site)
    partial = site.only([slug for _, slug in run.changed_folders])
    known = run.memory.contested_found(run.cache)
    # A copy: the check keeps the findings of the translations it is given alone, which are added back.
    own = contested.Found(known.glossary, dict(known.found))
    found += sitechecks.run(partial, run.names, run.site_dir, (), own, worded)
    if own.glossary == known.glossary and (fresh := own.found.keys() - known.found.keys()):
        edited = {path for path, _ in fresh}  # what was found in these files' earlier texts goes
        known.found = {place: kept for place, kept in known.found.items() if place[0] not in edited}
        known.found.update((place, own.found[place]) for place in fresh)
        known.unstored = True
    return found
