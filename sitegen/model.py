"""The site as plain, immutable data (its URLs are :mod:`sitegen.routes`'s).

Everything here pickles, holds no I/O and links objects by id rather than by
back-pointers, so later stages can fan out over processes and a rebuild can
compare old and new values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Location, compact_pickle

#: Where a site keeps its articles and its people registry.
ARTICLES = Path("content") / "articles"
PEOPLE_FILE = Path("content") / "people.yaml"
#: The contested-names glossary (see :mod:`sitegen.glossary`).
GLOSSARY_FILE = Path("content") / "glossary.yaml"
#: The editors who sign articles off, per city (see :mod:`sitegen.editors`).
EDITORS_FILE = Path("content") / "editors.yaml"
#: Article files larger than this are refused: no article is that long, and
#: Markdown parsing of hostile megabytes can take minutes.
MAX_FILE_SIZE = 2 * 2**20
#: ``sitegen.toml`` and ``content/people.yaml`` larger than this are refused: a config is a few
#: kilobytes and a registry of thousands of people a few hundred, and YAML of megabytes takes
#: seconds and hundreds of megabytes of memory to read.
MAX_DATA_SIZE = 2**20
#: The end of the future-date warning, whose truth changes with the day (the build cache looks for it).
FUTURE = "is in the future"

#: A value given per language, e.g. ``{"en": "Baku", "ru": "Баку"}``.
Localized = dict[str, str]


class StandIn:
    """A field's value kept elsewhere (a :class:`sitegen.shelf.Shelf`): :meth:`value` reads it back."""

    __slots__ = ()

    def value(self) -> Any:
        raise NotImplementedError


class _ReadBack(property):
    """A field that may hold a :class:`StandIn` for its value, read back when the field is read."""

    def __init__(self, slot: Any):
        def value(owner: object) -> Any:
            found = slot.__get__(owner, None)
            return found.value() if isinstance(found, StandIn) else found

        super().__init__(value, slot.__set__)
        self.slot = slot


def _read_back(*names: str) -> Callable[[type], type]:
    """Let the fields ``names`` of a slotted data class hold a :class:`StandIn` for their value: the values
    equal, hash and pickle as the value, which stays out of memory until it is read."""

    def wrap(cls: type) -> type:
        for name in names:
            setattr(cls, name, _ReadBack(cls.__dict__[name]))
        return cls

    return wrap


def held(owner: object, name: str) -> object:
    """What the field ``name`` holds: its text, or the stand-in for it (:func:`_read_back`), without reading it."""
    return type(owner).__dict__[name].slot.__get__(owner, None)


@compact_pickle
@dataclass(frozen=True, slots=True)
class City:
    id: str
    name: Localized
    colour: str = ""

    def name_in(self, lang: str) -> str:
        return self.name.get(lang) or self.id.capitalize()


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """``sitegen.toml``, validated. See README "Site config" for every key."""

    title: Localized
    base_url: str
    languages: tuple[str, ...]
    cities: tuple[City, ...]
    description: Localized = field(default_factory=dict)
    per_page: int = 10
    feed_size: int = 20
    raw_html: bool = False
    locales: dict[str, str] = field(default_factory=dict)
    #: Full-text search: a search box on every page and a Pagefind index (``search = false`` leaves both out).
    search: bool = True
    #: The "space given" bar on article pages: each city's share of the words (``balance_bar = true``).
    balance_bar: bool = False
    #: A notice on a translation's page when a text of it is older than its source (``stale_notice = true``).
    stale_notice: bool = False
    #: The cities whose editor must sign each published article off (``require_review``).
    require_review: tuple[str, ...] = ()
    #: Quotation marks per language (double open, close, single open, close) for straight quotes in articles.
    quotes: dict[str, str] = field(default_factory=dict)
    #: How tags are shown per language, by the tag's slug: ``{"karabakh": {"ru": "Карабах"}}``.
    tags: dict[str, Localized] = field(default_factory=dict)
    #: The line of each ``[tags.<slug>]`` table in sitegen.toml, for messages about it.
    tag_lines: dict[str, int] = field(default_factory=dict)
    source: str = "sitegen.toml"
    #: ``[params]``: settings for themes that sitegen itself does not read (``site.params`` in templates).
    params: dict[str, Any] = field(default_factory=dict)
    #: Where each code of ``languages`` is written in ``sitegen.toml``, for the problems that concern one language.
    language_at: dict[str, Location] = field(default_factory=dict)
    #: Cities by id, made once: every passage's city is looked up on every page that shows it.
    _cities: dict[str, City] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cities", {city.id: city for city in reversed(self.cities)})

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def city(self, city_id: str) -> City | None:
        return self._cities.get(city_id)

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or next(iter(self.title.values()), "")

    def tag_name(self, key: str, lang: str, written: str) -> str:
        """What readers of ``lang`` see of the tag whose slug is ``key``: its configured name, or as written."""
        return self.tags.get(key, {}).get(lang) or written


@compact_pickle
@dataclass(frozen=True, slots=True)
class Voice:
    """Someone who speaks in an article: a commentator, an agency, an official."""

    id: str
    city: str
    name: str
    role: str
    location: Location
    #: The id in ``content/people.yaml`` when the voice comes from the registry.
    person: str = ""


@compact_pickle
@dataclass(frozen=True, slots=True)
class Point:
    """A question the voices are compared on; rows of the comparison."""

    id: str
    question: str
    location: Location


@_read_back("html")
@compact_pickle
@dataclass(frozen=True, slots=True)
class Passage:
    """What one voice says, optionally on one point; ``html`` is already safe."""

    voice: str
    point: str | None
    html: str
    location: Location

    def __hash__(self) -> int:
        # Without the HTML, which may be on a shelf (:mod:`sitegen.shelf`): pages key mappings by passage, and
        # equal passages stand at the same place anyway.
        return hash((self.voice, self.point, self.location))


@_read_back("lead_html", "notes_html", "own_words")
@compact_pickle
@dataclass(frozen=True, slots=True)
class Translation:
    """One language version of an article, as read from ``<slug>/<lang>.md``."""

    lang: str
    title: str
    date: dt.date | dt.datetime
    summary: str
    tags: tuple[str, ...]
    voices: tuple[Voice, ...]
    points: tuple[Point, ...]
    lead_html: str
    passages: tuple[Passage, ...]
    notes_html: str
    draft: bool
    source: Location
    #: Every link and image in the body, with where it stands, for site-wide checks.
    links: tuple[tuple[str, Location], ...] = ()
    #: A digest of everything this translation is made from (its file, its resolved voices):
    #: equal digests mean equal translations, so pages can be fingerprinted cheaply.
    digest: str = ""
    #: The line of each of ``tags`` in the source, for problems with one tag (0: unknown).
    tag_lines: tuple[int, ...] = ()
    #: The outlet's own words, each with where it stands: the title, the summary, each paragraph,
    #: heading or cell of the lead (its lines joined by newlines), each point's question. Passages,
    #: the commentators' words, are not among them. The contested-names check reads these.
    own_words: tuple[tuple[str, Location], ...] = ()
    #: A text of this translation is older than its source (see :mod:`sitegen.staleness`); set only
    #: when the site shows readers a notice of it (``stale_notice = true``).
    behind: bool = False
    #: The line of the file's first ``reviewed:`` line (0: none); only the article's source file signs
    #: it off (see :mod:`sitegen.signoff`), so reading the article learns whether it has a sign-off at all.
    reviewed_line: int = 0
    #: Voices and points by id, made once from ``voices`` and ``points`` (the first of an id wins):
    #: templates look one up for every passage, and a linear search made pages quadratic.
    _voices: dict[str, Voice] = field(init=False, repr=False, compare=False)
    _points: dict[str, Point] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_voices", {voice.id: voice for voice in reversed(self.voices)})
        object.__setattr__(self, "_points", {point.id: point for point in reversed(self.points)})

    def voice(self, voice_id: str) -> Voice | None:
        return self._voices.get(voice_id)

    def point(self, point_id: str | None) -> Point | None:
        return self._points.get(point_id) if point_id is not None else None

    @property
    def day(self) -> dt.date:
        return self.date.date() if isinstance(self.date, dt.datetime) else self.date


@dataclass(frozen=True, slots=True)
class Side:
    """One city's sign-off of an article (see :mod:`sitegen.signoff`)."""

    city: str
    #: The editor the front matter names, or None.
    editor: str | None
    #: Recorded by ``sitegen review sign`` for this editor, and the text unchanged since.
    valid: bool
    #: The city is listed in ``require_review``.
    required: bool
    #: Where ``reviewed.<city>`` stands, or the source file's first line.
    location: Location
    #: The day the sign-off was recorded ("" when it was not).
    signed: str = ""
    #: Why it is not valid: "unsigned", "unrecorded" (front matter only, or another editor) or "changed".
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    """What an article's own files and lock say of its sign-off, read once with the article.

    The editors list (``content/editors.yaml``) is not in it: whether each
    named editor edits for that city is the site-wide check's, from these values.
    """

    #: Each ``reviewed.<city>: <editor>`` of the source file, with where it stands.
    named: tuple[tuple[str, str, Location], ...]
    #: A warning for each translation's file that holds ``reviewed:``, which signs nothing there.
    elsewhere: tuple[Diagnostic, ...]
    #: Each city that is required or named, in the config's city order.
    sides: tuple[Side, ...]


@compact_pickle
@dataclass(frozen=True, slots=True)
class Article:
    """A paired commentary: one folder, its translations and its files."""

    slug: str
    translations: tuple[Translation, ...]
    assets: tuple[str, ...] = ()
    folder: str = ""
    #: Its sign-off as its files say it (see :mod:`sitegen.signoff`); None when no file of it holds
    #: ``reviewed:`` and the site requires none.
    review: Review | None = None
    #: A digest of all but its text (:func:`sitegen.depends.outline`): set as it is read, "" when unknown.
    outline: str = ""

    def translation(self, lang: str) -> Translation | None:
        for translation in self.translations:  # a loop: called for every article on every listing
            if translation.lang == lang:
                return translation
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(t.lang for t in self.translations)


#: One article folder as read: its article (None: errors, or nothing published), its problems, its drafts left out.
Read = tuple[Article | None, list[Diagnostic], tuple[str, ...]]


@compact_pickle
@dataclass(frozen=True, slots=True)
class Person:
    """Someone in ``content/people.yaml``: articles name them by id instead of repeating them."""

    id: str
    city: str
    name: Localized
    role: Localized
    location: Location

    def name_in(self, lang: str) -> str:
        return self.name.get(lang) or next(iter(self.name.values()), self.id)

    def role_in(self, lang: str) -> str:
        return self.role.get(lang) or next(iter(self.role.values()), "")


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]
    people: tuple[Person, ...] = ()
    #: The files of translations marked ``draft: true`` that were left out (a build without --drafts).
    drafts_left_out: tuple[str, ...] = ()
    # Indexes made once at construction, so listings stay linear in the site's size.
    _by_slug: dict[str, Article] = field(init=False, repr=False, compare=False)
    _by_lang: dict[str, tuple[tuple[Article, Translation], ...]] = field(init=False, repr=False, compare=False)
    #: The indexes, when they are known already (see :meth:`with_articles`).
    indexes: InitVar[tuple[dict[str, Article], dict[str, tuple[tuple[Article, Translation], ...]]] | None] = None

    def __post_init__(self, indexes: tuple | None) -> None:
        if indexes is None:
            by_lang = {lang: self._newest_first(lang) for lang in self.config.languages}
            indexes = ({a.slug: a for a in self.articles}, by_lang)
        object.__setattr__(self, "_by_slug", indexes[0])
        object.__setattr__(self, "_by_lang", indexes[1])

    def article(self, slug: str) -> Article | None:
        return self._by_slug.get(slug)

    def with_articles(self, replacing: Mapping[str, Article], drafts_left_out: tuple[str, ...] | None = None) -> Site:
        """The same site with the articles of ``replacing`` (by slug) in the place of its own (and other drafts
        left out, when given).

        Where each new article has its languages and dates as the one it replaces (an edit of its text, the
        same article with its HTML), the orders of the old site hold: they are kept rather than sorted again.
        """
        left_out = self.drafts_left_out if drafts_left_out is None else drafts_left_out
        if not replacing:
            return self if left_out == self.drafts_left_out else replace(self, drafts_left_out=left_out)
        articles = tuple(replacing.get(a.slug, a) for a in self.articles)
        if any(dated(self._by_slug.get(slug)) != dated(new) for slug, new in replacing.items()):
            return replace(self, articles=articles, drafts_left_out=left_out)
        by_lang = {lang: _replaced(pairs, replacing) for lang, pairs in self._by_lang.items()}
        return Site(self.config, articles, self.people, left_out, ({**self._by_slug, **replacing}, by_lang))

    def drafted(self) -> int:
        """The articles with a translation marked ``draft: true`` (read with ``--drafts``, check or the preview)."""
        return sum(any(t.draft for t in article.translations) for article in self.articles)

    def in_language(self, lang: str) -> tuple[tuple[Article, Translation], ...]:
        """The articles that exist in ``lang``, newest first, slug breaking ties."""
        return self._by_lang.get(lang, ())

    def _newest_first(self, lang: str) -> tuple[tuple[Article, Translation], ...]:
        found = [(a, t) for a in self.articles if (t := a.translation(lang))]
        found.sort(key=lambda pair: pair[0].slug)
        if all(type(t.date) is dt.date for _, t in found):  # days alone compare as they are: no time to make
            found.sort(key=lambda pair: pair[1].date, reverse=True)
        else:
            found.sort(key=lambda pair: _sort_key(pair[1].date), reverse=True)
        return tuple(found)


def dated(article: Article | None) -> tuple | None:
    """What an article's place in the site's orders depends on: its slug, and each language's date."""
    if article is None:
        return None
    return (article.slug, *((t.lang, t.date) for t in article.translations))


def _replaced(
    pairs: tuple[tuple[Article, Translation], ...], replacing: Mapping[str, Article]
) -> tuple[tuple[Article, Translation], ...]:
    """``pairs`` (an order of :meth:`Site.in_language`) with the articles of ``replacing`` in their place."""
    found = []
    for article, translation in pairs:
        new = replacing.get(article.slug)
        if new is not None:
            translation = new.translation(translation.lang) or translation
        found.append((new or article, translation))
    return tuple(found)


def _sort_key(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)
