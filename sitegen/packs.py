"""The build cache's pack: every article folder's light entry, and the listings grouped from them, in one file.

A ``sitegen build`` starts knowing nothing but the cache. After a clean
build of ten thousand articles, reading ten thousand loose entries (one file,
one signature, one unpickling each) and grouping the listings again took
most of a one-article rebuild. The pack holds them all in one entry
(:class:`sitegen.cache.Pack`): a rebuild reads it in one go, takes from it
every folder whose key is the one packed (the loose entry serves the rest),
and when every article's outline is the one the listings were grouped from,
takes the listings too, with the articles that did not come from the pack
put in their place.

The pack is made again when it served too few folders or its listings could
not be used: a few edits later the loose entries carry the difference.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from . import depends
from .cache import ArticleEntry, Pack
from .model import Article, Site, has_bodies, split_bodies

if TYPE_CHECKING:
    import datetime as dt

    from .listings import Index
    from .memory import Read

#: The pack is made again when more than this share of the folders was not served from it.
STALE_SHARE = 0.1

#: What a rebuild that read no pack found: nothing.
EMPTY = Pack({}, {}, {}, "", "")


def entry(pack: Pack, name: str, key: str, today: dt.date) -> ArticleEntry | None:
    """Folder ``name``'s packed entry if it was made for ``key`` and still holds on ``today``."""
    found = pack.entries.get(name)
    if found is None or found[0] != key or not found[1].valid_on(today):
        return None
    return found[1]


def listings(pack: Pack, base: str, site: Site, packed: Collection[str]) -> tuple[Index, dict[str, Article]] | None:
    """The packed listings and the articles to put in them (those not from the pack), when every article has
    the outline they were grouped from, under the same ``base`` key (config, people, drafts); else None."""
    if not pack.outlines or pack.base != base or pack.outlines != depends.outlines_key(site):
        return None
    from .listings import Index

    index = Index.restored(pack.listings, pack.holders)
    return index, {article.slug: article for article in site.articles if article.slug not in packed}


def stale(pack: Pack, folders: int, packed: int, listings_used: bool) -> bool:
    """Whether to make the pack again: it is missing, its listings did not fit, or it served too few folders."""
    return not pack.entries or not listings_used or folders - packed > STALE_SHARE * folders


def make(
    articles: Mapping[str, tuple[str, Read]],
    keys: Mapping[str, str],
    base: str,
    site: Site,
    grouped: Index,
    today: dt.date,
) -> Pack:
    """The pack of the folders as read (``articles``, by folder) under their current ``keys``, and ``site``'s
    listings."""
    entries: dict[str, tuple[str, ArticleEntry]] = {}
    lightened: dict[str, Article] = {}
    for name, wanted in keys.items():
        if (found := articles.get(name)) is None or found[0] != wanted:
            continue
        key, (article, diagnostics, left_out) = found
        if article is not None and has_bodies(article):
            article = lightened[article.slug] = split_bodies(article)[0]
        entries[name] = (key, ArticleEntry(article, tuple(diagnostics), today, left_out))
    light = grouped.with_articles(lightened)
    return Pack(entries, dict(light), dict(light.holders()), base, depends.outlines_key(site))
