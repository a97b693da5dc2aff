"""One page's bytes: a route, the site and a template environment in, the rendered file out.

Pure: nothing here opens a file or looks at the clock. Every page function
has one signature, ``(site, grouped, route, env) -> bytes``, so that
:data:`render.PAGES` can dispatch on the route's kind. Every URL comes from
:mod:`sitegen.routes`; templates get them through the ``url`` helper
(:class:`routes.Links`) and a few values made with it (``home``,
``sections``, ``search_url``).

Every link between pages is relative, so the site works under any prefix;
canonical and alternate links are absolute, from ``base_url``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from . import balance, compare, feeds, listings, localization, metadata, routes, sitemap, versions
from .keys import tag_key
from .model import Article, Site, Translation
from .routes import Kind, Links, Route, absolute_url, article_path, home_path, parallel_path

#: Colours for cities that do not set one, in config order; each reads on white.
PALETTE = ("#b4400b", "#0b6e79", "#6b3fa0", "#a3123a", "#1d4ed8", "#3f6212", "#9d174d", "#334155")

#: The template each kind of page is rendered with (a page depends on it and on what it includes).
TEMPLATES: dict[Kind, str] = {
    Kind.ARTICLE: "article.html",
    Kind.PARALLEL: "parallel.html",
    Kind.LACKING: "lacking.html",
    Kind.SEARCH: "search.html",
    Kind.NOT_FOUND: "404.html",
    Kind.HOME: "home.html",
    Kind.ROOT: "home.html",
    Kind.SECTION: "section.html",
    Kind.LISTING: "listing.html",
    Kind.FEED: "feed.xml",
    Kind.CITY_FEED: "feed.xml",
    Kind.SITEMAP: "sitemap.xml",
    Kind.SITEMAP_INDEX: "sitemap-index.xml",
    Kind.ROBOTS: "robots.txt",
}


@dataclass(frozen=True, slots=True)
class Link:
    lang: str
    name: str
    url: str | None
    href: str | None
    current: bool
    #: The page has versions, but none in this language: ``url`` leads elsewhere, and there is no ``href``.
    absent: bool = False


def article(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    """An article's page in one language."""
    lang, slug = route.lang, route.key
    found = site.article(slug)
    translation = found.translation(lang) if found else None
    if found is None or translation is None:
        raise LookupError(f"no article '{slug}' in '{lang}'")
    alternates = {t.lang: article_path(t.lang, slug) for t in found.translations}
    context = base_context(site, lang, route.url, alternates, elsewhere=_lacking_paths(site, slug))
    link: Links = context["url"]
    context.update(
        article=found,
        translation=translation,
        grid=compare.grid(site.config, translation),
        balance=balance.article_balance(site.config, slug, translation) if site.config.balance_bar else None,
        numbers={passage: number for number, passage in enumerate(translation.passages, 1)},
        tag_urls={tag: link.listing(lang, "tags", tag_key(tag, lang)) for tag in translation.tags},
        person_urls={
            voice.id: link.listing(lang, "people", listings.person_key(site, found, voice))
            for voice in translation.voices
        },
        parallel=link.parallel(lang, slug) if len(found.translations) > 1 else None,
        missing=[
            localization.language_name(code, lang, menu=False)
            for code in site.config.languages
            if code not in alternates
        ],
        page_title=translation.title,
        description=translation.summary,
        og_type="article",
        og_image=metadata.image_url(site, found, translation),
        jsonld=metadata.news_article(site, found, translation),
    )
    return _render(env, route, context)


def parallel(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    """An article in all its languages, passage beside passage: for readers and translators."""
    lang, slug = route.lang, route.key
    found = site.article(slug)
    if found is None or found.translation(lang) is None:
        raise LookupError(f"no article '{slug}' in '{lang}'")
    ordered = (found.translation(lang), *(t for t in found.translations if t.lang != lang))
    alternates = {t.lang: parallel_path(t.lang, slug) for t in found.translations}
    context = base_context(site, lang, route.url, alternates, elsewhere=_lacking_paths(site, slug))
    context.update(
        article=found,
        translations=ordered,
        lines=compare.lines(site.config, ordered),
        article_url=context["url"].article(lang, slug),
        page_title=ordered[0].title,
        description=ordered[0].summary,
    )
    context["canonical"] = absolute_url(site.config.base_url, article_path(lang, slug))
    return _render(env, route, context)


def lacking(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    """The page at an article's URL in a language it lacks: it says so and links to the versions that exist."""
    lang, slug = route.lang, route.key
    found = site.article(slug)
    if found is None or found.translation(lang) is not None or not found.translations:
        raise LookupError(f"article '{slug}' is not one that lacks '{lang}'")
    existing = versions.existing(site, found)
    versions_at = {v.lang: v.path for v in existing}
    context = base_context(site, lang, route.url, versions_at, elsewhere=_lacking_paths(site, slug))
    link = context["url"]
    context.update(
        versions=[{"lang": v.lang, "title": v.title, "url": link(v.path)} for v in existing],
        language=localization.language_name(lang, lang, menu=False),
        canonical=absolute_url(site.config.base_url, versions.canonical(site, found)),
        alternates=[],
        robots="noindex",
    )
    return _render(env, route, context)


def _lacking_paths(site: Site, slug: str) -> dict[str, str]:
    """Where the switcher of an article's pages leads for a language the article lacks: its not-available page."""
    return {code: article_path(code, slug) for code in site.config.languages}


def search(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    """A language's search page: the browser loads Pagefind's interface and index from ``pagefind/``."""
    lang = route.lang
    context = base_context(site, lang, route.url, {code: routes.search_path(code) for code in site.config.languages})
    context.update(bundle=context["url"].bundle(), root=context["url"](routes.ROOT))
    return _render(env, route, context)


def not_found(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    """A 404 page: shown at any depth, so its links start from the site's path; every language leads home."""
    homes = {code: home_path(code) for code in site.config.languages}
    context = base_context(site, route.lang, route.url, {}, absolute_links=True, elsewhere=homes)
    return _render(env, route, context)


def home(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    """Page ``route.page_no`` of the language home, newest first, ``per_page`` articles a page; or the site root."""
    lang, number, per_page = route.lang, route.page_no, site.config.per_page
    totals = {code: routes.page_count(len(site.in_language(code)), per_page) for code in site.config.languages}
    alternates = {code: home_path(code, number) for code in site.config.languages if number <= totals[code]}
    context = base_context(site, lang, route.url, alternates)
    if route.kind is Kind.ROOT:
        context["canonical"] = absolute_url(site.config.base_url, home_path(lang))
    link: Links = context["url"]
    entries = site.in_language(lang)[(number - 1) * per_page : number * per_page]
    context.update(
        items=[_card(site, found, translation, link) for found, translation in entries],
        page=number,
        pages=totals[lang],
        newer=link.home(lang, number - 1) if number > 1 else None,
        older=link.home(lang, number + 1) if number < totals[lang] else None,
        description=site.config.description.get(lang, ""),
    )
    return _render(env, route, context)


def _card(site: Site, found: Article, translation: Translation, link: Links) -> dict[str, Any]:
    """What an article list shows of one article."""
    return {
        "url": link.article(translation.lang, found.slug),
        "translation": translation,
        "cities": [c for c in site.config.cities if any(v.city == c.id for v in translation.voices)],
    }


def page_of(item: listings.Listing, number: int, per_page: int) -> tuple:
    """The entries on page ``number`` of a listing."""
    entries = item.said or item.articles
    return entries[(number - 1) * per_page : number * per_page]


def listing_alternates(site: Site, grouped: listings.Index, item: listings.Listing) -> dict[str, int]:
    """Languages that have the same listing, with their page counts."""
    found = {}
    keyed = listings.keyed(grouped)
    for code in site.config.languages:
        if (other := keyed.get((item.kind, code, item.key))) is not None:
            found[code] = routes.page_count(other.size, site.config.per_page)
    return found


def section(site: Site, grouped: listings.Index, route: Route, env: jinja2.Environment) -> bytes:
    """The index of one kind of listing: every tag, city, person or year, with counts."""
    kind, lang = route.section, route.lang
    alternates = {code: routes.section_path(code, kind) for code in site.config.languages if grouped[(kind, code)]}
    alternates[lang] = route.url
    context = base_context(site, lang, route.url, alternates)
    link: Links = context["url"]
    context.update(
        section=kind,
        terms=[
            {"title": item.title, "url": link.listing(lang, kind, item.key), "count": item.size, "key": item.key}
            for item in grouped[(kind, lang)]
        ],
    )
    return _render(env, route, context)


def listing(site: Site, grouped: listings.Index, route: Route, env: jinja2.Environment) -> bytes:
    """Page ``route.page_no`` of one tag, city, person or year."""
    kind, lang, key, number = route.section, route.lang, route.key, route.page_no
    item = listings.keyed(grouped).get((kind, lang, key))
    if item is None:
        raise LookupError(f"no {kind} listing '{key}' in '{lang}'")
    others = listing_alternates(site, grouped, item)
    alternates = {
        code: routes.listing_path(code, kind, key, number) for code, pages in others.items() if number <= pages
    }
    sections = {code: routes.section_path(code, kind) for code in site.config.languages if grouped[(kind, code)]}
    context = base_context(site, lang, route.url, alternates, elsewhere=sections)
    link: Links = context["url"]
    entries = page_of(item, number, site.config.per_page)
    pages = others[lang]
    context.update(
        section=kind,
        listing=item,
        page_title=item.title,
        items=[_card(site, a, t, link) for a, t in entries] if not item.said else [],
        said=[_said(site, said, link) for said in entries] if item.said else [],
        page=number,
        pages=pages,
        city_feed={"url": link.feed(lang, key), "name": item.title} if kind == "cities" else None,
        newer=link.listing(lang, kind, key, number - 1) if number > 1 else None,
        older=link.listing(lang, kind, key, number + 1) if number < pages else None,
    )
    return _render(env, route, context)


def _said(site: Site, said: listings.Said, link: Links) -> dict[str, Any]:
    """What a city's or a person's listing shows of one passage."""
    article_url = link.article(said.translation.lang, said.article.slug)
    return {
        "said": said,
        "url": article_url + f"#passage-{said.number}",
        "article_url": article_url,
        "city": site.config.city(said.voice.city),
    }


def feed(site: Site, grouped: listings.Index, route: Route, env: jinja2.Environment) -> bytes:
    """A language's Atom feed, or (a city feed's route) a city's: every URL in it absolute."""
    context = {"site": site.config, "lang": route.lang}
    context["feed"] = feeds.feed(site, grouped, route.lang, route.key if route.kind is Kind.CITY_FEED else "")
    return feeds.xml_text(env.get_template(TEMPLATES[route.kind]).render(context)).encode("utf-8")


def sitemap_file(site: Site, grouped: listings.Index, route: Route, env: jinja2.Environment) -> bytes:
    """``sitemap.xml``, one of its parts, or the index of its parts."""
    context: dict[str, Any] = {"site": site.config, "lang": site.config.default_language}
    parts = sitemap_parts(site, grouped)
    if route.kind is Kind.SITEMAP_INDEX:
        base = site.config.base_url
        context["sitemaps"] = [sitemap.index_entry(part, n, base) for n, part in enumerate(parts, 1)]
        return _render(env, route, context)
    context["pages"] = parts[route.page_no - 1]
    return _render(env, route, context)


def robots(site: Site, grouped: listings.Index | None, route: Route, env: jinja2.Environment) -> bytes:
    return _render(env, route, {"site": site.config, "lang": site.config.default_language})


def sitemap_parts(
    site: Site, grouped: listings.Index, found: list[Route] | None = None
) -> list[tuple[sitemap.Page, ...]]:
    """The sitemap's pages, split into its files; ``found`` are the site's routes when the caller has them.

    Made once per listings index (the plan and each sitemap file need it, and it takes a while).
    """
    return grouped.derived("sitemap", lambda: sitemap.parts(sitemap.pages(site, grouped, found)))


def base_context(
    site: Site,
    lang: str,
    path: str,
    alternates: Mapping[str, str],
    absolute_links: bool = False,
    elsewhere: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What every page template gets: the site, the language, links and alternates.

    ``alternates`` are the page's versions in other languages (its ``hreflang``
    links). The switcher leads a language without one to ``elsewhere[code]``,
    else to that language's home: never a dead end, never an ``hreflang``.
    """
    config = site.config
    url = Links(path, urlsplit(config.base_url).path if absolute_links else None)
    elsewhere = elsewhere or {}
    switcher = [
        Link(
            code,
            localization.language_name(code),
            url(alternates[code] if code in alternates else elsewhere.get(code, home_path(code))),
            absolute_url(config.base_url, alternates[code]) if code in alternates else None,
            code == lang,
            bool(alternates) and code not in alternates,
        )
        for code in config.languages
    ]
    hreflang = [(link.lang, link.href) for link in switcher if link.href]
    if hreflang:
        default = alternates.get(config.default_language) or next(iter(alternates.values()))
        hreflang.append(("x-default", absolute_url(config.base_url, default)))
    return {
        "site": config,
        "lang": lang,
        "page_path": path,
        "page_title": "",
        "description": "",
        "url": url,
        "home": url.home(lang),
        "sections": {kind: url.section(lang, kind) for kind in listings.KINDS},
        "search_url": url.search(lang) if config.search else "",
        "canonical": absolute_url(config.base_url, path) if path in alternates.values() else "",
        "alternates": hreflang,
        "switcher": switcher,
        "robots": "",
        "city_colours": [
            (city.id, city.colour or PALETTE[index % len(PALETTE)]) for index, city in enumerate(config.cities)
        ],
    }


def _render(env: jinja2.Environment, route: Route, context: dict[str, Any]) -> bytes:
    return env.get_template(TEMPLATES[route.kind]).render(context).encode("utf-8")
