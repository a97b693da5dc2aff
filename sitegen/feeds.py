"""Atom feeds as data: a language's newest articles, and everything said in one city.

Pure. Two kinds of feed per language: ``<lang>/feed.xml`` holds the newest
``feed_size`` articles in full; ``<lang>/cities/<city>/feed.xml`` holds the
newest passages of that city's voices, each linking to its place in the
article (``#passage-<n>``). The theme's ``feed.xml`` template turns a
:class:`Feed` into XML. Every URL here is absolute, from ``base_url``.

Drafts never enter a feed, even in a build with ``--drafts``: a feed is read
by machines that keep what they fetched.

Entry ids are stable: an article's is its absolute URL; a passage's is a
``tag:`` URI made of the article's URL path and date, the voice, the point
and how many times that voice spoke on that point before, so adding a passage
elsewhere in the article does not renumber it (``#passage-<n>`` links do).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import compare, listings
from .model import City, Site, Translation
from .routes import absolute_url, article_path, feed_path, home_path, listing_path

#: Characters XML 1.0 forbids; Markdown passes most control characters through.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: ``updated`` of a feed with no entries: Atom requires one, and a build never reads the clock.
EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Entry:
    """One article (``said`` is None) or one passage of a city feed."""

    id: str
    url: str  # absolute: the article, or the passage's place in it
    base: str  # the article's absolute URL: relative links in its HTML resolve against it
    updated: str  # RFC 3339
    translation: Translation
    grid: compare.Grid | None = None  # the comparison, for an article entry's full content
    said: listings.Said | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    lang: str
    path: str  # in the output: "en/feed.xml"
    url: str  # absolute, also the feed's id
    page: str  # absolute URL of the HTML page the feed follows: the home or the city's listing
    updated: str
    entries: tuple[Entry, ...]
    city: City | None = None


def shown(site: Site, grouped: listings.Index, lang: str, city: str = "") -> tuple:
    """What the language's feed, or ``city``'s, shows as plain data (slugs, digests, passage numbers).

    For fingerprinting: equal values mean equal feeds under one config and theme.
    """
    if city:
        return tuple(_said_key(item) for item in _said(site, grouped, lang, city))
    return tuple((article.slug, translation.digest) for article, translation in _articles(site, lang))


def articles_in(site: Site, grouped: listings.Index, lang: str, city: str = "") -> set[str]:
    """The slugs of the articles a feed shows (what its entries are made from)."""
    if city:
        return {said.article.slug for said in _said(site, grouped, lang, city)}
    return {article.slug for article, _ in _articles(site, lang)}


def feed(site: Site, grouped: listings.Index, lang: str, city: str = "") -> Feed:
    """The language's feed, or with ``city`` that city's feed in ``lang``."""
    config = site.config
    if city:
        entries = tuple(_passage_entry(site, item) for item in _said(site, grouped, lang, city))
        page = absolute_url(config.base_url, listing_path(lang, "cities", city))
    else:
        entries = tuple(
            _article_entry(site, article.slug, translation) for article, translation in _articles(site, lang)
        )
        page = absolute_url(config.base_url, home_path(lang))
    self_url = absolute_url(config.base_url, feed_path(lang, city))
    updated = entries[0].updated if entries else EPOCH
    return Feed(lang, feed_path(lang, city), self_url, page, updated, entries, config.city(city) if city else None)


def rfc3339(value: dt.date | dt.datetime) -> str:
    """An Atom date: a date is midnight UTC; a time without a zone is taken as UTC."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"


def xml_text(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold, so a feed always parses."""
    return _NOT_XML.sub("", text)


def _articles(site: Site, lang: str) -> tuple[tuple, ...]:
    published = ((a, t) for a, t in site.in_language(lang) if not t.draft)
    return tuple(pair for _, pair in zip(range(site.config.feed_size), published, strict=False))


def _said(site: Site, grouped: listings.Index, lang: str, city: str) -> tuple[listings.Said, ...]:
    listing = next((item for item in grouped[("cities", lang)] if item.key == city), None)
    published = (said for said in (listing.said if listing else ()) if not said.translation.draft)
    return tuple(said for _, said in zip(range(site.config.feed_size), published, strict=False))


def _said_key(said: listings.Said) -> tuple[str, str, int]:
    return (said.article.slug, said.translation.digest, said.number)


def _article_entry(site: Site, slug: str, translation: Translation) -> Entry:
    url = absolute_url(site.config.base_url, article_path(translation.lang, slug))
    grid = compare.grid(site.config, translation)
    return Entry(url, url, url, rfc3339(translation.date), translation, grid=grid)


def _passage_entry(site: Site, said: listings.Said) -> Entry:
    base = absolute_url(site.config.base_url, article_path(said.translation.lang, said.article.slug))
    return Entry(
        _passage_id(site, said),
        f"{base}#passage-{said.number}",
        base,
        rfc3339(said.translation.date),
        said.translation,
        said=said,
    )


def _passage_id(site: Site, said: listings.Said) -> str:
    """``tag:example.org,2023-06-05:news/en/slug/namazov/credible/1``: voice, point, occurrence."""
    parts = urlsplit(site.config.base_url)
    passages = said.translation.passages[: said.number]
    occurrence = sum(1 for p in passages if (p.voice, p.point) == (said.passage.voice, said.passage.point))
    where = parts.path.lstrip("/") + article_path(said.translation.lang, said.article.slug)
    point = said.passage.point or "-"
    return f"tag:{parts.hostname},{said.translation.day.isoformat()}:{where}{said.passage.voice}/{point}/{occurrence}"
