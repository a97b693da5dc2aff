"""Listings: the site's articles and passages grouped by tag, city, person and year.

Pure. :func:`index` groups the whole site once; :mod:`sitegen.routes` gives
every listing its paginated pages and their URLs. A city or person listing holds passages (what was said,
with the article it was said in), newest first, so a reader can follow what
Baku said, or what one commentator said, over time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .keys import person_key, tag_key
from .model import Article, Passage, Site, Translation, Voice

T = TypeVar("T")

#: The listings every language has under its prefix (``/<lang>/tags/``, ...), in the order they are planned.
KINDS = ("tags", "cities", "people", "archive")


@dataclass(frozen=True, slots=True)
class Said:
    """One passage in its article: what a listing of a city or a person shows."""

    article: Article
    translation: Translation
    passage: Passage
    voice: Voice
    number: int  # 1-based position among the translation's passages: the #passage-<n> anchor


@dataclass(frozen=True, slots=True)
class Listing:
    """One tag, city, person or year in one language, and what it gathers, newest first."""

    kind: str
    lang: str
    key: str
    title: str
    articles: tuple[tuple[Article, Translation], ...] = ()
    said: tuple[Said, ...] = ()

    @property
    def size(self) -> int:
        return len(self.said) or len(self.articles)


class Index(dict[tuple[str, str], tuple[Listing, ...]]):
    """Every listing of one site, ``(kind, lang) -> listings`` in display order, and what is worked out from them.

    What several pages need of the whole index (a listing by its key, the
    sitemap's files) is made once and kept here, so it lives and dies with
    the index it came from: a new site makes a new index.
    """

    def __init__(self) -> None:
        super().__init__()
        self._derived: dict[str, Any] = {}

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """What ``make`` returns, made the first time ``name`` is asked about on this index."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]

    def with_articles(self, replacing: Mapping[str, Article]) -> Index:
        """The same listings with the articles of ``replacing`` (by slug) in the place of theirs.

        What was derived from this index is made again when asked for.
        """
        if not replacing:
            return self
        found = Index()
        for where, shown in self.items():
            found[where] = tuple(_replaced(item, replacing) for item in shown)
        return found


def _replaced(item: Listing, replacing: Mapping[str, Article]) -> Listing:
    if not any(entry.article.slug in replacing for entry in item.said) and not any(
        article.slug in replacing for article, _ in item.articles
    ):
        return item  # most listings, when a rebuild renders a few articles
    if item.said:
        said = tuple(
            _said_in(entry, found) if (found := replacing.get(entry.article.slug)) is not None else entry
            for entry in item.said
        )
        return replace(item, said=said)
    articles = tuple(
        (found, found.translation(t.lang) or t) if (found := replacing.get(a.slug)) is not None else (a, t)
        for a, t in item.articles
    )
    return replace(item, articles=articles)


def _said_in(entry: Said, article: Article) -> Said:
    """``entry`` as said in ``article``, the same article with its HTML."""
    translation = article.translation(entry.translation.lang) or entry.translation
    return Said(article, translation, translation.passages[entry.number - 1], entry.voice, entry.number)


def index(site: Site) -> Index:
    """Every listing of the site: ``(kind, lang) -> listings`` in display order."""
    found = Index()
    people: dict[tuple[str, str], str] = {}  # (slug, voice id) -> person key, shared by the languages
    for lang in site.config.languages:
        entries = site.in_language(lang)
        said = tuple(_said(entries))
        found[("tags", lang)] = _tags(site, lang, entries)
        found[("cities", lang)] = _cities(site, lang, said)
        found[("people", lang)] = _people(site, lang, said, people)
        found[("archive", lang)] = _years(lang, entries)
    return found


def keyed(grouped: Index) -> dict[tuple[str, str, str], Listing]:
    """Every listing of an index by ``(kind, lang, key)``, made once per index."""
    return grouped.derived(
        "keyed", lambda: {(item.kind, item.lang, item.key): item for shown in grouped.values() for item in shown}
    )


def tag_name(site: Site, tag: str, lang: str) -> str:
    """A tag as readers of ``lang`` see it: its name in ``[tags.<slug>]``, or as the article writes it."""
    return site.config.tag_name(tag_key(tag, lang), lang, tag)


def _tags(site: Site, lang: str, entries) -> tuple[Listing, ...]:
    groups: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for article, translation in entries:
        for tag in translation.tags:
            key = tag_key(tag, lang)
            names.setdefault(key, site.config.tag_name(key, lang, tag))
            groups[key].append((article, translation))
    listings = [Listing("tags", lang, key, names[key], tuple(items)) for key, items in groups.items()]
    return tuple(sorted(listings, key=lambda item: (-item.size, item.title.casefold())))


def _said(entries):
    for article, translation in entries:
        voices = {voice.id: voice for voice in translation.voices}
        for number, passage in enumerate(translation.passages, 1):
            if passage.voice in voices:
                yield Said(article, translation, passage, voices[passage.voice], number)


def _cities(site: Site, lang: str, said_all: tuple[Said, ...]) -> tuple[Listing, ...]:
    groups: dict[str, list[Said]] = defaultdict(list)
    for said in said_all:
        groups[said.voice.city].append(said)
    return tuple(
        Listing("cities", lang, city.id, city.name_in(lang), said=tuple(groups[city.id]))
        for city in site.config.cities
        if groups[city.id]
    )


def _people(site: Site, lang: str, said_all: tuple[Said, ...], keys: dict[tuple[str, str], str]) -> tuple[Listing, ...]:
    groups: dict[str, list[Said]] = defaultdict(list)
    for said in said_all:
        key = said.voice.person  # without one, the key depends on the article and voice only
        if not key:
            known = (said.article.slug, said.voice.id)
            key = keys.get(known) or keys.setdefault(known, person_key(site, said.article, said.voice))
        groups[key].append(said)
    registry = {person.id: person for person in site.people}
    listings = []
    for key, said in groups.items():
        name = registry[key].name_in(lang) if key in registry else said[0].voice.name
        listings.append(Listing("people", lang, key, name, said=tuple(said)))
    return tuple(sorted(listings, key=lambda item: item.title.casefold()))


def _years(lang: str, entries) -> tuple[Listing, ...]:
    groups: dict[int, list] = defaultdict(list)
    for article, translation in entries:
        groups[translation.day.year].append((article, translation))
    return tuple(
        Listing("archive", lang, str(year), str(year), tuple(groups[year])) for year in sorted(groups, reverse=True)
    )
