"""What each page was made from, recorded with the manifest, so that a text edit re-plans only its pages.

A page's key (:mod:`sitegen.render`) reads two kinds of article data: the
*text* of the articles it shows (their translations' digests, which cover
every byte of their files) and their *outline*, everything else a page can
show of an article (slug, languages, dates, tags, voices, its passages'
places in the listings, its files). The outline decides the routes, the
listings and their pages, the sitemap; the text only what the pages that
show it hold. A title, a summary and a point's question are text: pages show
them only where they show the article (its own pages, the listings, home
pages and feeds that hold it), none decides where an article is listed, and
so editing one re-keys only those pages.

So a build records, beside its manifest, each article's outline and text and
the routes whose key holds each article's text (:class:`Dependencies`). When
the next rebuild finds every article with the outline recorded (the common
edit: a sentence, a typo), nothing but the text changed: the routes and every
listing are as they were, and only the pages recorded for the changed articles
(and the copied files, keyed by their stat) are keyed again (:func:`text_edits`).
Any other change (an article added or gone, a date, a tag, a voice) plans
the whole site as before. Locations are no part of an outline: no page shows a
source line, and the site-wide findings that name one are taken again when
they name a changed article (:func:`outlined_findings`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import pickle
import posixpath
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import listings
from .errors import Diagnostic, Location
from .model import Article, Passage, Point, Site, Translation, Voice
from .routes import Kind, Route

#: Article data that is its text, or is read only by its own checks: not part of its outline.
#: The text reaches pages through ``digest`` (which covers every byte of the file and ``behind``).
TEXT_FIELDS = frozenset(
    {
        "title",
        "summary",
        "question",
        "lead_html",
        "notes_html",
        "html",
        "digest",
        "links",
        "own_words",
        "behind",
        "review",
        "reviewed_line",
        "tag_lines",
        "source",
        "outline",
    }
)


@dataclass(frozen=True)
class Folders:
    """What the next rebuild takes of this build's reading instead of unpacking every unchanged article (see
    :mod:`sitegen.deferred`)."""

    #: What reading any folder depended on besides its files (:func:`sitegen.reading.site`'s base key).
    base: str
    #: Every entry of ``content/articles/`` in order: its name, its key, the slug of its article ("": none).
    entries: tuple[tuple[str, str, str], ...]
    #: The problems reading each folder found (folders with none are not named).
    found: Mapping[str, tuple[Diagnostic, ...]]
    #: Each language's slugs in the order of :meth:`sitegen.model.Site.in_language`.
    orders: Mapping[str, tuple[str, ...]]
    #: The site-wide findings beyond the outlined ones (links, translations, names, sign-offs), and a key of
    #: the files they read besides the articles (the glossary, the editors list).
    checked: tuple[Diagnostic, ...]
    checked_with: str
    #: The articles with a draft translation.
    drafted: int


@dataclass(frozen=True)
class Dependencies:
    """What a build's pages were made from besides the setup (config, theme, people): see the module."""

    today: dt.date
    #: A key of the theme's templates and catalogs, which pages' keys hold.
    look: str
    #: Slug -> the article's outline (:func:`outline`).
    outlines: Mapping[str, str]
    #: Slug -> its translations' digests.
    texts: Mapping[str, tuple[str, ...]]
    #: The routes recorded, in runs of :data:`RUN` (:func:`_runs`): a text edit unpacks only the runs that
    #: hold the few routes it keys again, rather than 67,000 routes at 10,000 articles each time.
    routes: tuple[bytes, ...]
    #: Slug -> the places in ``routes`` of the routes whose key holds its text (:func:`_places_of`).
    shown_on: Mapping[str, bytes]
    #: Every copied file's route: its key is its source's size and time, which no outline holds.
    copies: tuple[int, ...]
    #: The article files the build left out as drafts (the missing-translation warnings name them).
    drafts_left_out: tuple[str, ...]
    #: The site-wide findings that read outlines only (:func:`sitegen.checks.outlined`).
    outlined: tuple[Diagnostic, ...]
    #: The listings, as :func:`sitegen.listings.compact` gives them, pickled: a text edit leaves every one
    #: where it was, so the rebuild after it takes them from here (:func:`listed`) rather than group them again.
    listed: bytes = b""
    #: The reading of the article folders, when it is known (see :class:`Folders`).
    folders: Folders | None = None


def outline(article: Article) -> str:
    """A digest of everything pages other than the article's own can show of it: all but its text."""
    return hashlib.blake2b(repr(_outlined(article)).encode("utf-8"), digest_size=16).hexdigest()


def _outline_fields(cls: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclasses.fields(cls) if item.init and item.name not in TEXT_FIELDS)


#: A route's fields, in the order :class:`Route` takes them.
ROUTE_FIELDS = tuple(item.name for item in dataclasses.fields(Route))

#: The fields of each class of an article that its outline holds (worked out once: ten thousand articles
#: hold hundreds of thousands of values).
OUTLINE_FIELDS = {cls: _outline_fields(cls) for cls in (Article, Translation, Passage, Voice, Point)}


#: Values that are their own outline: most of an article's are text.
_PLAIN = frozenset({str, int, bool, type(None)})


def _outlined(value: object) -> object:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, tuple):
        return tuple(map(_outlined, value))
    if isinstance(value, Location):
        return None
    names = OUTLINE_FIELDS.get(type(value))
    if names is None and dataclasses.is_dataclass(value):
        names = _outline_fields(type(value))
    if names is None:
        return value
    return tuple([_outlined(getattr(value, name)) for name in names])


def text_of(article: Article) -> tuple[str, ...]:
    return tuple(t.digest for t in article.translations)


def record(
    site: Site,
    today: dt.date,
    look: str,
    shown_on: Mapping[str, tuple[Route, ...]],
    copies: Iterable[Route],
    outlined: Iterable[Diagnostic],
    grouped: listings.Index,
    folders: Folders | None = None,
) -> Dependencies:
    """The dependencies of a build of ``site`` (whose listings are ``grouped``) whose plan recorded ``shown_on``."""
    table: dict[str, tuple[int, Route]] = {}

    def places(found: Iterable[Route]) -> tuple[int, ...]:
        return tuple(table.setdefault(route.path, (len(table), route))[0] for route in found)

    shown = {slug: array(_PLACE, places(found)).tobytes() for slug, found in shown_on.items()}
    copied = places(copies)
    return Dependencies(
        today=today,
        look=look,
        outlines={a.slug: a.outline for a in site.articles},
        texts={a.slug: text_of(a) for a in site.articles},
        routes=_runs([route for _, route in table.values()]),
        shown_on=shown,
        copies=copied,
        drafts_left_out=site.drafts_left_out,
        outlined=tuple(outlined),
        listed=_plain(listings.compact(site, grouped)),
        folders=folders,
    )


def listed(recorded: Dependencies, site: Site) -> listings.Index | None:
    """The listings of ``site``, when only the texts of articles changed since ``recorded`` (:func:`text_edits`)."""
    if not recorded.listed:
        return None
    return listings.Recorded(_Plain(io.BytesIO(recorded.listed)).load(), site)


def text_edits(recorded: Dependencies | None, site: Site, today: dt.date, look: str) -> frozenset[str] | None:
    """The articles of ``site`` whose text alone changed since ``recorded``; None when more changed
    (an outline, the set of articles, the drafts left out, the day, a template or catalog)."""
    if recorded is None or recorded.today != today or recorded.drafts_left_out != site.drafts_left_out:
        return None
    if recorded.look != look:
        return None
    if len(site.articles) != len(recorded.outlines):
        return None
    edited = []
    for article in site.articles:
        if recorded.outlines.get(article.slug) != article.outline or not article.outline:
            return None
        if recorded.texts[article.slug] != text_of(article):
            edited.append(article.slug)
    return frozenset(edited)


def routes_to_key(recorded: Dependencies, edited: Iterable[str]) -> list[Route]:
    """The routes whose keys a text edit of ``edited`` can change, and the copied files."""
    places = {place: None for slug in sorted(edited) for place in _places_of(recorded.shown_on.get(slug, b""))}
    places.update(dict.fromkeys(recorded.copies))
    runs: dict[int, tuple[tuple, ...]] = {}
    found = []
    for place in places:
        number, at = divmod(place, RUN)
        if number not in runs:
            runs[number] = _Plain(io.BytesIO(recorded.routes[number])).load()
        kind, *fields = runs[number][at]
        found.append(Route(Kind(kind), *fields))
    return found


#: Routes per run of :attr:`Dependencies.routes`.
RUN = 256
#: The array type of a route's place.
_PLACE = "I"


def _runs(routes: Sequence[Route]) -> tuple[bytes, ...]:
    """``routes`` as runs of :data:`RUN`, each the pickle of its routes' fields (:func:`_plain`)."""
    rows = [(route.kind.value, *(getattr(route, name) for name in ROUTE_FIELDS[1:])) for route in routes]
    return tuple(_plain(tuple(rows[start : start + RUN])) for start in range(0, len(rows), RUN))


def _plain(values: tuple) -> bytes:
    """The pickle of plain ``values`` (strings, numbers, bytes, tuples), read back by :class:`_Plain`.

    Pickled without a memo, so that equal values make equal bytes whichever string objects they hold: a
    build compares them with the base's to tell whether to write a new one (:func:`sitegen.manifests.store`).
    """
    found = io.BytesIO()
    pickler = pickle.Pickler(found, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the values alone (plain values hold no cycle)
    pickler.dump(values)
    return found.getvalue()


def _places_of(places: bytes) -> array:
    found = array(_PLACE)
    found.frombytes(places)
    return found


class _Plain(pickle.Unpickler):
    """Loads plain values only (strings, numbers, bytes, tuples): what :func:`_plain` pickles names no class."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"{module}.{name}: a record holds plain values only")


def after(
    recorded: Dependencies,
    site: Site,
    edited: Iterable[str],
    outlined: Iterable[Diagnostic],
    folders: Folders | None = None,
) -> Dependencies:
    """``recorded`` once the texts of ``edited`` are those of ``site`` (read as ``folders`` says): outlines and
    routes stay."""
    texts = dict(recorded.texts)
    for slug in edited:
        texts[slug] = text_of(site.article(slug))
    return dataclasses.replace(recorded, texts=texts, outlined=tuple(outlined), folders=folders)


def unsettled(recorded: Dependencies, edited: Iterable[str]) -> Dependencies:
    """``recorded`` with the texts of ``edited`` unknown: whatever they are next, their pages are keyed again
    (a rebuild that gave way to a newer save wrote only the articles' own pages)."""
    texts = {**recorded.texts, **{slug: () for slug in edited}}
    return dataclasses.replace(recorded, texts=texts)


def outlined_findings(recorded: Dependencies, site: Site, edited: Iterable[str]) -> tuple[Diagnostic, ...] | None:
    """The recorded site-wide findings that read outlines, when none names a file of an edited article
    (whose lines may have moved); None: take them again."""
    files = {t.source.path for slug in edited if (article := site.article(slug)) for t in article.translations}
    folders = tuple(f"{posixpath.dirname(path)}/" for path in files)
    if folders and any(d.location.path.startswith(folders) for d in recorded.outlined):
        return None
    return recorded.outlined
