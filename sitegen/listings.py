"""Listings: the site's articles and passages grouped by tag, city, person and year.

Pure. :func:`index` groups the whole site once; :mod:`sitegen.routes` gives
every listing its paginated pages and their URLs. A city or person listing holds passages (what was said,
with the article it was said in), newest first, so a reader can follow what
Baku said, or what one commentator said, over time.
"""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, TypeVar

from .keys import person_key, tag_key
from .model import Article, Passage, Site, Translation, Voice

T = TypeVar("T")

#: The listings every language has under its prefix (``/<lang>/tags/``, ...), in the order they are planned.
KINDS = ("tags", "cities", "people", "archive")


class Said(NamedTuple):
    """One passage in its article: what a listing of a city or a person shows.

    A named tuple, not a data class: a site of 10,000 articles has about 90,000 of them in each language,
    made again whenever the listings are, and a tuple is made in a third of the time.
    """

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
    #: A tuple, or :class:`Entries` in a listing made from a record (:func:`recorded`).
    articles: Sequence[tuple[Article, Translation]] = ()
    said: Sequence[Said] = ()

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

    def holders(self) -> Holders:
        """Every article's slug -> where the listings show it (see :data:`Holders`)."""

        def made() -> Holders:
            found: dict[str, list[int]] = defaultdict(list)
            number = 0
            for shown in self.values():
                for item in shown:
                    for place, slug in enumerate(_slugs(item)):
                        found[slug] += (number, place)
                    number += 1
            return {slug: tuple(places) for slug, places in found.items()}

        return self.derived("holders", made)

    def with_articles(self, replacing: Mapping[str, Article], site: Site | None = None) -> Index:
        """The same listings with the articles of ``replacing`` (by slug) in the place of theirs (``site``: the
        site with them, when it is made already).

        Only the places that hold them change (:meth:`holders`, which stay as they are); what else was
        derived from this index is made again when asked for.
        """
        if not replacing:
            return self
        places = self._places(replacing)
        found = Index()
        for name in ("holders", "ranks"):  # the articles keep their places
            if name in self._derived:
                found._derived[name] = self._derived[name]
        number = 0
        for where, shown in self.items():
            if any(number <= n < number + len(shown) for n in places):
                shown = tuple(
                    _replaced(item, replacing, places[number + i]) if number + i in places else item
                    for i, item in enumerate(shown)
                )
            found[where] = shown
            number += len(shown)
        return found

    def _places(self, replacing: Mapping[str, Article]) -> dict[int, list[int]]:
        """Listing number -> the places in it that show an article of ``replacing``: from :meth:`holders` when
        they are known (an index the preview keeps), else by a binary search of each listing (every listing is
        in the order of :meth:`sitegen.model.Site.in_language`, whose places :func:`index` keeps), else by one
        look at every entry."""
        places: dict[int, list[int]] = defaultdict(list)
        holders = self._derived.get("holders")
        if holders is not None:
            for slug in replacing:
                flat = holders.get(slug, ())
                for i in range(0, len(flat), 2):
                    places[flat[i]].append(flat[i + 1])
            return places
        if "ranks" in self._derived:
            return self._searched(replacing, self._derived["ranks"])
        number = 0
        for shown in self.values():
            for item in shown:
                if found := [place for place, slug in enumerate(_slugs(item)) if slug in replacing]:
                    places[number] = found
                number += 1
        return places

    def _searched(
        self, replacing: Mapping[str, Article], ranks: Mapping[str, Mapping[str, int]]
    ) -> dict[int, list[int]]:
        """:meth:`_places` by a binary search of each listing for the places (``ranks``) of ``replacing``."""
        places: dict[int, list[int]] = {}
        number = 0
        for (_, lang), shown in self.items():
            rank = ranks.get(lang, {})
            wanted = sorted(rank[slug] for slug in replacing if slug in rank)
            if not wanted:
                number += len(shown)
                continue

            def placed(entry: Said | tuple[Article, Translation], rank: Mapping[str, int] = rank) -> int:
                return rank[entry[0].slug]  # a Said's first field is its article too

            for item in shown:
                entries = item.said or item.articles
                found = []
                for position in wanted:
                    at = bisect.bisect_left(entries, position, key=placed)
                    while at < len(entries) and placed(entries[at]) == position:
                        found.append(at)
                        at += 1
                if found:
                    places[number] = found
                number += 1
        return places


#: Every article's slug -> where the listings show it: flat pairs of a listing's number (counted in the
#: order of ``Index.items()``) and the entry's place in the listing's ``said`` or ``articles``.
Holders = Mapping[str, tuple[int, ...]]


def _slugs(item: Listing) -> list[str]:
    """The slug of the article of each entry of ``item``, in its order."""
    return [entry.article.slug for entry in item.said] if item.said else [article.slug for article, _ in item.articles]


def _replaced(item: Listing, replacing: Mapping[str, Article], places: list[int]) -> Listing:
    """``item`` with the articles of ``replacing`` at ``places``, the entries that show them."""
    if item.said:
        said = list(item.said)
        for place in places:
            entry = said[place]
            said[place] = _said_in(entry, replacing[entry.article.slug])
        return replace(item, said=tuple(said))
    articles = list(item.articles)
    for place in places:
        article, translation = articles[place]
        found = replacing[article.slug]
        articles[place] = (found, found.translation(translation.lang) or translation)
    return replace(item, articles=tuple(articles))


def _said_in(entry: Said, article: Article) -> Said:
    """``entry`` as said in ``article``, the same article with its HTML."""
    translation = article.translation(entry.translation.lang) or entry.translation
    return Said(article, translation, translation.passages[entry.number - 1], entry.voice, entry.number)


def index(site: Site) -> Index:
    """Every listing of the site: ``(kind, lang) -> listings`` in display order."""
    found = Index()
    people: dict[tuple[str, str], str] = {}  # (slug, voice id) -> person key, shared by the languages
    ranks: dict[str, dict[str, int]] = {}  # the places of each language's articles: every listing is in that order
    found._derived["ranks"] = ranks
    for lang in site.config.languages:
        entries = site.in_language(lang)
        ranks[lang] = {article.slug: number for number, (article, _) in enumerate(entries)}
        by_city, by_person = _voiced(site, entries, people)
        found[("tags", lang)] = _tags(site, lang, entries)
        found[("cities", lang)] = _cities(site, lang, by_city)
        found[("people", lang)] = _people(site, lang, by_person)
        found[("archive", lang)] = _years(lang, entries)
    return found


#: A recorded index (:func:`compact`): for each ``(kind, lang)``, its listings' keys, titles and entries, each
#: entry an article's place in ``Site.in_language(lang)`` (and a passage's number, in a city's or a person's).
Rows = tuple[tuple[str, str, tuple[tuple[str, str, bytes, bytes | None], ...]], ...]

#: The array type of an entry's place and of a passage's number in :data:`Rows`.
_PLACE = "I"


def compact(site: Site, grouped: Index) -> Rows:
    """``grouped`` (the listings of ``site``) as plain data, to record with the pages' dependencies."""
    ranks: dict[str, dict[str, int]] = {}
    rows = []
    for (kind, lang), shown in grouped.items():
        if lang not in ranks:
            ranks[lang] = {article.slug: number for number, (article, _) in enumerate(site.in_language(lang))}
        rank = ranks[lang]
        items = []
        for item in shown:
            if item.said:
                places = array(_PLACE, [rank[said.article.slug] for said in item.said])
                numbers = array(_PLACE, [said.number for said in item.said]).tobytes()
            else:
                places, numbers = array(_PLACE, [rank[article.slug] for article, _ in item.articles]), None
            items.append((item.key, item.title, places.tobytes(), numbers))
        rows.append((kind, lang, tuple(items)))
    return tuple(rows)


class Recorded(Index):
    """The listings :func:`compact` recorded, as :func:`index` of ``site`` gives them when every article's
    outline is as it was then (only its text changed). Nothing is grouped again: each entry is made when a
    page asks for it, as a page of a city's listing shows ten of its 15,000 passages at 10,000 articles."""

    def __init__(self, rows: Rows, site: Site) -> None:
        super().__init__()
        self.rows, self.site = rows, site
        for kind, lang, items in rows:
            pairs = site.in_language(lang)
            self[(kind, lang)] = tuple(_recorded(kind, lang, pairs, item) for item in items)

    def with_articles(self, replacing: Mapping[str, Article], site: Site | None = None) -> Index:
        if not replacing:
            return self
        found = Recorded(self.rows, site if site is not None else self.site.with_articles(replacing))
        if "holders" in self._derived:  # the articles keep their places
            found._derived["holders"] = self._derived["holders"]
        return found


def _recorded(kind: str, lang: str, pairs: Sequence, item: tuple[str, str, bytes, bytes | None]) -> Listing:
    key, title, places, numbers = item
    entries = Entries(pairs, _array(places), _array(numbers) if numbers is not None else None)
    return (
        Listing(kind, lang, key, title, said=entries)
        if numbers is not None
        else Listing(kind, lang, key, title, entries)
    )


def _array(data: bytes) -> array:
    found = array(_PLACE)
    found.frombytes(data)
    return found


class Entries(Sequence):
    """A recorded listing's entries (:class:`Recorded`), each made when asked for; equal to the tuple
    :func:`index` makes."""

    __slots__ = ("_numbers", "_pairs", "_places")

    def __init__(self, pairs: Sequence[tuple[Article, Translation]], places: array, numbers: array | None) -> None:
        self._pairs, self._places, self._numbers = pairs, places, numbers

    def __len__(self) -> int:
        return len(self._places)

    def __getitem__(self, at):  # type: ignore[override]
        if isinstance(at, slice):
            return tuple(map(self._entry, range(*at.indices(len(self._places)))))
        return self._entry(range(len(self._places))[at])

    def __iter__(self) -> Iterator:
        return map(self._entry, range(len(self._places)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entries | tuple) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def _entry(self, at: int) -> Said | tuple[Article, Translation]:
        article, translation = self._pairs[self._places[at]]
        if self._numbers is None:
            return (article, translation)
        number = self._numbers[at]
        passage = translation.passages[number - 1]
        # The last voice of an id speaks, as in :func:`_voiced`.
        voice = next(voice for voice in reversed(translation.voices) if voice.id == passage.voice)
        return Said(article, translation, passage, voice, number)


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
    for entry in entries:
        for tag in entry[1].tags:
            key = tag_key(tag, lang)
            if key not in names:  # the first spelling met names the tag, unless the config does
                names[key] = site.config.tag_name(key, lang, tag)
            groups[key].append(entry)
    listings = [Listing("tags", lang, key, names[key], tuple(items)) for key, items in groups.items()]
    return tuple(sorted(listings, key=lambda item: (-item.size, item.title.casefold())))


def _voiced(
    site: Site, entries, keys: dict[tuple[str, str], str]
) -> tuple[dict[str, list[Said]], dict[str, list[Said]]]:
    """Every passage of ``entries`` said by one of its translation's voices, in order, by the voice's city and by
    its person's key (``keys``: (slug, voice id) -> the key, kept for the other languages)."""
    by_city: dict[str, list[Said]] = defaultdict(list)
    by_person: dict[str, list[Said]] = defaultdict(list)
    for article, translation in entries:
        voices = {voice.id: voice for voice in translation.voices}  # the last of an id wins
        placed: dict[str, tuple[Voice, list[Said], list[Said]]] = {}  # voice id -> the voice and its two groups
        for number, passage in enumerate(translation.passages, 1):
            found = placed.get(passage.voice)
            if found is None:
                if (voice := voices.get(passage.voice)) is None:
                    continue
                key = voice.person  # without one, the key depends on the article and voice only
                if not key:
                    known = (article.slug, voice.id)
                    key = keys.get(known) or keys.setdefault(known, person_key(site, article, voice))
                found = placed[passage.voice] = (voice, by_city[voice.city], by_person[key])
            said = Said(article, translation, passage, found[0], number)
            found[1].append(said)
            found[2].append(said)
    return by_city, by_person


def _cities(site: Site, lang: str, groups: Mapping[str, list[Said]]) -> tuple[Listing, ...]:
    return tuple(
        Listing("cities", lang, city.id, city.name_in(lang), said=tuple(groups[city.id]))
        for city in site.config.cities
        if groups.get(city.id)
    )


def _people(site: Site, lang: str, groups: Mapping[str, list[Said]]) -> tuple[Listing, ...]:
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
