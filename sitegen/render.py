"""Pages from data: Site + Theme -> (output path, bytes) for every page.

Pure: nothing here opens a file or looks at the clock. A build is first a
*plan*, a list of :class:`Job` values, one per output file, each with a
fingerprint of everything that page shows besides the theme and the config;
then each job is run. Incremental rebuilds compare fingerprints and run only
the jobs that changed. Article folder assets and theme static files are passed
on as source paths for ``output`` to copy.

Every link between pages is relative, so the site works under any prefix;
canonical and alternate links are absolute, from ``base_url``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from . import balance, compare, feeds, listings, localization, metadata, sitemap, versions
from .keys import tag_key
from .model import (
    Article,
    Site,
    Translation,
    absolute_url,
    article_path,
    file_for,
    home_path,
    parallel_path,
    relative_url,
)

#: Colours for cities that do not set one, in config order; each reads on white.
PALETTE = ("#b4400b", "#0b6e79", "#6b3fa0", "#a3123a", "#1d4ed8", "#3f6212", "#9d174d", "#334155")


@dataclass(frozen=True, slots=True)
class Job:
    """One output file to make: what kind, which data, and a fingerprint of that data."""

    path: str
    kind: str  # "copy", "article", "parallel", "home", "section", "listing", "404", "feed", "city-feed", …
    ref: tuple[str, ...]
    key: str


@dataclass(frozen=True, slots=True)
class Link:
    lang: str
    name: str
    url: str | None
    href: str | None
    current: bool
    #: The page has versions, but none in this language: ``url`` leads elsewhere, and there is no ``href``.
    absent: bool = False


def plan(site: Site, static_files: Mapping[str, Path], grouped: listings.Index | None = None) -> list[Job]:
    """Every output file of the site as a job, in a stable order."""
    config = site.config
    grouped = listings.index(site) if grouped is None else grouped
    jobs = [Job(path, "copy", (str(source),), str(source)) for path, source in static_files.items()]
    totals = {lang: _page_count(site, lang) for lang in config.languages}
    article_keys: dict[str, str] = {}  # an article's key, the same for its pages in every language
    for lang in config.languages:
        for number in range(1, totals[lang] + 1):
            jobs.append(_home_job(site, lang, number, totals, home_path(lang, number)))
        for article, _ in site.in_language(lang):
            jobs.extend(article_jobs(lang, article, article_keys))
        jobs.extend(_lacking_job(lang, article) for article in site.articles if article.translation(lang) is None)
        jobs.extend(_listing_jobs(site, grouped, lang))
    jobs.append(_home_job(site, config.default_language, 1, totals, ""))
    jobs.append(Job("404.html", "404", (config.default_language,), ""))
    if config.search:
        jobs.extend(Job(f"{lang}/search/index.html", "search", (lang,), "") for lang in config.languages)
    jobs.extend(Job(f"{lang}/404.html", "404", (lang,), "") for lang in config.languages)
    for path, lang, city, shown in feeds.sources(site, grouped):
        jobs.append(Job(path, "city-feed" if city else "feed", (lang, city) if city else (lang,), _fingerprint(shown)))
    parts = _sitemap_parts(site, grouped)
    if len(parts) == 1:
        jobs.append(Job("sitemap.xml", "sitemap", (), _fingerprint(_rows(parts[0]))))
    else:
        entries = [sitemap.index_entry(part, number, config.base_url) for number, part in enumerate(parts, 1)]
        jobs.append(Job("sitemap.xml", "sitemap-index", (str(len(parts)),), _fingerprint(entries)))
        jobs.extend(
            Job(sitemap.part_path(number), "sitemap", (str(number),), _fingerprint(_rows(part)))
            for number, part in enumerate(parts, 1)
        )
    jobs.append(Job("robots.txt", "robots", (), ""))
    return jobs


def article_jobs(lang: str, article: Article, keys: dict[str, str] | None = None) -> list[Job]:
    """An article's pages in one language and the files of its folder: its part of the plan.

    ``keys`` keeps each article's key for its other languages.
    """
    path = article_path(lang, article.slug)
    key = keys.get(article.slug) if keys is not None else None
    if key is None:
        key = _fingerprint([t.digest for t in article.translations])
        if keys is not None:
            keys[article.slug] = key
    jobs = [Job(file_for(path), "article", (lang, article.slug), key)]
    if len(article.translations) > 1:
        jobs.append(Job(file_for(parallel_path(lang, article.slug)), "parallel", (lang, article.slug), key))
    jobs.extend(
        Job(path + asset, "copy", (str(Path(article.folder) / asset),), str(Path(article.folder) / asset))
        for asset in article.assets
    )
    return jobs


def lacking_jobs(site: Site, article: Article) -> list[Job]:
    """The not-available pages of an article, one for each configured language it lacks."""
    return [_lacking_job(lang, article) for lang in site.config.languages if article.translation(lang) is None]


def _lacking_job(lang: str, article: Article) -> Job:
    key = _fingerprint([(t.lang, t.title) for t in article.translations])
    return Job(file_for(article_path(lang, article.slug)), "lacking", (lang, article.slug), key)


def shown(jobs: Iterable[Job], site: Site, grouped: listings.Index) -> set[str] | None:
    """The slugs of the articles whose text ``jobs`` render (None: it cannot tell, so every one).

    Pages that only list articles still count them: a theme may show more of an article than its title.
    """
    per_page = site.config.per_page
    slugs: set[str] = set()
    for job in jobs:
        if job.kind in ("article", "parallel", "lacking"):
            slugs.add(job.ref[1])
        elif job.kind == "home":
            lang, number = job.ref[0], int(job.ref[1])
            slugs.update(a.slug for a, _ in site.in_language(lang)[(number - 1) * per_page : number * per_page])
        elif job.kind == "listing":
            kind, lang, key, number = job.ref
            item = listings.keyed(grouped).get((kind, lang, key))
            entries = _page_of(item, int(number), per_page) if item else ()
            slugs.update(entry.article.slug if item.said else entry[0].slug for entry in entries)
        elif job.kind in ("feed", "city-feed"):
            slugs |= feeds.articles_in(site, grouped, job.ref[0], job.ref[1] if job.kind == "city-feed" else "")
        elif job.kind not in _WITHOUT_ARTICLES:
            return None
    return slugs


#: Kinds of job whose output holds no article's text.
_WITHOUT_ARTICLES = frozenset({"copy", "section", "search", "404", "sitemap", "sitemap-index", "robots"})


def run(
    job: Job, site: Site, environments: Mapping[str, jinja2.Environment], grouped: listings.Index | None = None
) -> bytes | Path:
    """Make one output: the page's bytes, or the source path of a file to copy."""
    if job.kind in ("section", "listing", "feed", "city-feed", "sitemap", "sitemap-index", "robots"):
        grouped = listings.index(site) if grouped is None else grouped
        if job.kind in ("feed", "city-feed", "sitemap", "sitemap-index", "robots"):
            return _syndication(job, site, environments, grouped)
        kind, lang, *rest = job.ref
        if job.kind == "section":
            return section_page(site, grouped, kind, lang, environments[lang])
        return listing_page(site, grouped, kind, lang, rest[0], int(rest[1]), environments[lang])
    if job.kind == "copy":
        return Path(job.ref[0])
    if job.kind == "article":
        return article_page(site, job.ref[0], job.ref[1], environments[job.ref[0]])
    if job.kind == "parallel":
        return parallel_page(site, job.ref[0], job.ref[1], environments[job.ref[0]])
    if job.kind == "lacking":
        return lacking_page(site, job.ref[0], job.ref[1], environments[job.ref[0]])
    if job.kind == "home":
        lang, number = job.ref
        return home_page(site, lang, int(number), environments[lang], at_root=job.path == "index.html")
    if job.kind == "search":
        return search_page(site, job.ref[0], environments[job.ref[0]])
    if job.kind == "404":
        lang = job.ref[0]
        homes = {code: home_path(code) for code in site.config.languages}
        context = _context(site, lang, "404.html", {}, absolute_links=True, elsewhere=homes)
        return _render(environments[lang], "404.html", context)
    raise ValueError(f"unknown job kind {job.kind!r}")


def article_page(site: Site, lang: str, slug: str, env: jinja2.Environment) -> bytes:
    """An article's page in one language."""
    article = site.article(slug)
    translation = article.translation(lang) if article else None
    if article is None or translation is None:
        raise LookupError(f"no article '{slug}' in '{lang}'")
    path = article_path(lang, slug)
    alternates = {t.lang: article_path(t.lang, slug) for t in article.translations}
    context = _context(site, lang, path, alternates, elsewhere=_lacking_paths(site, slug))
    context.update(
        article=article,
        translation=translation,
        grid=compare.grid(site.config, translation),
        balance=balance.article_balance(site.config, slug, translation) if site.config.balance_bar else None,
        numbers={passage: number for number, passage in enumerate(translation.passages, 1)},
        tag_urls={tag: context["url"](f"{lang}/tags/{tag_key(tag, lang)}/") for tag in translation.tags},
        person_urls={
            voice.id: context["url"](f"{lang}/people/{listings.person_key(site, article, voice)}/")
            for voice in translation.voices
        },
        parallel=context["url"](parallel_path(lang, article.slug)) if len(article.translations) > 1 else None,
        missing=[
            localization.language_name(code, lang, menu=False)
            for code in site.config.languages
            if code not in alternates
        ],
        page_title=translation.title,
        description=translation.summary,
        og_type="article",
        og_image=metadata.image_url(site, article, translation),
        jsonld=metadata.news_article(site, article, translation),
    )
    return _render(env, "article.html", context)


def parallel_page(site: Site, lang: str, slug: str, env: jinja2.Environment) -> bytes:
    """An article in all its languages, passage beside passage: for readers and translators."""
    article = site.article(slug)
    if article is None or article.translation(lang) is None:
        raise LookupError(f"no article '{slug}' in '{lang}'")
    ordered = (article.translation(lang), *(t for t in article.translations if t.lang != lang))
    path = parallel_path(lang, slug)
    alternates = {t.lang: parallel_path(t.lang, slug) for t in article.translations}
    context = _context(site, lang, path, alternates, elsewhere=_lacking_paths(site, slug))
    context.update(
        article=article,
        translations=ordered,
        lines=compare.lines(site.config, ordered),
        article_url=context["url"](article_path(lang, slug)),
        page_title=ordered[0].title,
        description=ordered[0].summary,
    )
    context["canonical"] = absolute_url(site.config.base_url, article_path(lang, slug))
    return _render(env, "parallel.html", context)


def lacking_page(site: Site, lang: str, slug: str, env: jinja2.Environment) -> bytes:
    """The page at an article's URL in a language it lacks: it says so and links to the versions that exist."""
    article = site.article(slug)
    if article is None or article.translation(lang) is not None or not article.translations:
        raise LookupError(f"article '{slug}' is not one that lacks '{lang}'")
    path = article_path(lang, slug)
    found = versions.existing(site, article)
    context = _context(site, lang, path, {v.lang: v.path for v in found}, elsewhere=_lacking_paths(site, slug))
    link = context["url"]
    context.update(
        versions=[{"lang": v.lang, "title": v.title, "url": link(v.path)} for v in found],
        language=localization.language_name(lang, lang, menu=False),
        canonical=absolute_url(site.config.base_url, versions.canonical(site, article)),
        alternates=[],
        robots="noindex",
    )
    return _render(env, "lacking.html", context)


def _lacking_paths(site: Site, slug: str) -> dict[str, str]:
    """Where the switcher of an article's pages leads for a language the article lacks: its not-available page."""
    return {code: article_path(code, slug) for code in site.config.languages}


def search_page(site: Site, lang: str, env: jinja2.Environment) -> bytes:
    """A language's search page: the browser loads Pagefind's interface and index from ``pagefind/``."""
    path = f"{lang}/search/"
    context = _context(site, lang, path, {code: f"{code}/search/" for code in site.config.languages})
    context.update(bundle=context["url"]("pagefind/"), root=context["url"](""))
    return _render(env, "search.html", context)


def home_page(site: Site, lang: str, number: int, env: jinja2.Environment, at_root: bool = False) -> bytes:
    """Page ``number`` of the language home, newest first, ``per_page`` articles a page."""
    per_page = site.config.per_page
    totals = {code: _page_count(site, code) for code in site.config.languages}
    path = "" if at_root else home_path(lang, number)
    alternates = {code: home_path(code, number) for code in site.config.languages if number <= totals[code]}
    context = _context(site, lang, path, alternates)
    if at_root:
        context["canonical"] = absolute_url(site.config.base_url, home_path(lang))
    link = context["url"]
    entries = site.in_language(lang)[(number - 1) * per_page : number * per_page]
    context.update(
        items=[_card(site, article, translation, link) for article, translation in entries],
        page=number,
        pages=totals[lang],
        newer=link(home_path(lang, number - 1)) if number > 1 else None,
        older=link(home_path(lang, number + 1)) if number < totals[lang] else None,
        description=site.config.description.get(lang, ""),
    )
    return _render(env, "home.html", context)


def _card(site: Site, article: Article, translation: Translation, link: Callable[[str], str]) -> dict[str, Any]:
    """What an article list shows of one article."""
    return {
        "url": link(article_path(translation.lang, article.slug)),
        "translation": translation,
        "cities": [c for c in site.config.cities if any(v.city == c.id for v in translation.voices)],
    }


def _listing_jobs(site: Site, grouped: listings.Index, lang: str) -> Iterator[Job]:
    per_page = site.config.per_page
    for kind in listings.KINDS:
        shown = grouped[(kind, lang)]
        present = tuple(code for code in site.config.languages if grouped[(kind, code)])
        summary = [(item.key, item.title, item.size) for item in shown]
        yield Job(f"{lang}/{kind}/index.html", "section", (kind, lang), _fingerprint(summary, present))
        for item in shown:
            pages = max(1, math.ceil(item.size / per_page))
            others = _listing_alternates(site, grouped, item)
            for number in range(1, pages + 1):
                entries = _page_of(item, number, per_page)
                key = _fingerprint(item.title, pages, others, _entry_keys(entries))
                path = item.path + (f"page/{number}/" if number > 1 else "")
                yield Job(file_for(path), "listing", (kind, lang, item.key, str(number)), key)


def _entry_keys(entries: tuple) -> list[tuple]:
    """What a listing page shows of each entry: its article, that article's text and, for a passage, which one."""
    if entries and isinstance(entries[0], listings.Said):
        return [(said.article.slug, said.translation.digest, said.number) for said in entries]
    return [(article.slug, translation.digest) for article, translation in entries]


def _page_of(item: listings.Listing, number: int, per_page: int) -> tuple:
    entries = item.said or item.articles
    return entries[(number - 1) * per_page : number * per_page]


def _listing_alternates(site: Site, grouped: listings.Index, item: listings.Listing) -> dict[str, int]:
    """Languages that have the same listing, with their page counts."""
    found = {}
    keyed = listings.keyed(grouped)
    for code in site.config.languages:
        if (other := keyed.get((item.kind, code, item.key))) is not None:
            found[code] = max(1, math.ceil(other.size / site.config.per_page))
    return found


def section_page(site: Site, grouped: listings.Index, kind: str, lang: str, env: jinja2.Environment) -> bytes:
    """The index of one kind of listing: every tag, city, person or year, with counts."""
    path = f"{lang}/{kind}/"
    alternates = {code: f"{code}/{kind}/" for code in site.config.languages if grouped[(kind, code)]}
    alternates[lang] = path
    context = _context(site, lang, path, alternates)
    link = context["url"]
    context.update(
        section=kind,
        terms=[
            {"title": item.title, "url": link(item.path), "count": item.size, "key": item.key}
            for item in grouped[(kind, lang)]
        ],
    )
    return _render(env, "section.html", context)


def listing_page(
    site: Site, grouped: listings.Index, kind: str, lang: str, key: str, number: int, env: jinja2.Environment
) -> bytes:
    """Page ``number`` of one tag, city, person or year."""
    item = listings.keyed(grouped).get((kind, lang, key))
    if item is None:
        raise LookupError(f"no {kind} listing '{key}' in '{lang}'")
    per_page = site.config.per_page
    others = _listing_alternates(site, grouped, item)
    suffix = f"page/{number}/" if number > 1 else ""
    path = item.path + suffix
    alternates = {code: f"{code}/{kind}/{key}/{suffix}" for code, pages in others.items() if number <= pages}
    sections = {code: f"{code}/{kind}/" for code in site.config.languages if grouped[(kind, code)]}
    context = _context(site, lang, path, alternates, elsewhere=sections)
    link = context["url"]
    entries = _page_of(item, number, per_page)
    pages = others[lang]
    context.update(
        section=kind,
        listing=item,
        page_title=item.title,
        items=[_card(site, a, t, link) for a, t in entries] if not item.said else [],
        said=[
            {
                "said": said,
                "url": link(article_path(lang, said.article.slug)) + f"#passage-{said.number}",
                "article_url": link(article_path(lang, said.article.slug)),
                "city": site.config.city(said.voice.city),
            }
            for said in entries
        ]
        if item.said
        else [],
        page=number,
        pages=pages,
        city_feed={"url": link(feeds.path(lang, key)), "name": item.title} if kind == "cities" else None,
        newer=link(item.path + (f"page/{number - 1}/" if number > 2 else "")) if number > 1 else None,
        older=link(item.path + f"page/{number + 1}/") if number < pages else None,
    )
    return _render(env, "listing.html", context)


def _home_job(site: Site, lang: str, number: int, totals: Mapping[str, int], path: str) -> Job:
    per_page = site.config.per_page
    entries = site.in_language(lang)[(number - 1) * per_page : number * per_page]
    shown = [(a.slug, t.digest) for a, t in entries]
    return Job(file_for(path), "home", (lang, str(number)), _fingerprint(shown, sorted(totals.items())))


def _page_count(site: Site, lang: str) -> int:
    return max(1, math.ceil(len(site.in_language(lang)) / site.config.per_page))


def _rows(pages: tuple[sitemap.Page, ...]) -> list[tuple]:
    """Sitemap pages as plain tuples, whose ``repr`` is quicker to take than the dataclass's."""
    return [(page.loc, page.lastmod, page.alternates) for page in pages]


def _fingerprint(*values: object) -> str:
    """A stable digest of plain data (frozen dataclasses, tuples, strings, dates)."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=16).hexdigest()


def _context(
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
    base_path = urlsplit(config.base_url).path

    def url(target: str) -> str:
        return base_path + target if absolute_links else relative_url(path, target)

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
        "home": url(home_path(lang)),
        "sections": {kind: url(f"{lang}/{kind}/") for kind in listings.KINDS},
        "search_url": url(f"{lang}/search/") if config.search else "",
        "canonical": absolute_url(config.base_url, path) if path in alternates.values() else "",
        "alternates": hreflang,
        "switcher": switcher,
        "robots": "",
        "city_colours": [
            (city.id, city.colour or PALETTE[index % len(PALETTE)]) for index, city in enumerate(config.cities)
        ],
    }


def _syndication(
    job: Job, site: Site, environments: Mapping[str, jinja2.Environment], grouped: listings.Index
) -> bytes:
    """A feed, the sitemap or robots.txt: machine-read files, every URL in them absolute."""
    sitemaps = job.kind in ("sitemap", "sitemap-index")
    lang = job.ref[0] if job.ref and not sitemaps else site.config.default_language
    context: dict[str, Any] = {"site": site.config, "lang": lang}
    if job.kind == "robots":
        return _render(environments[lang], "robots.txt", context)
    if sitemaps:
        parts = _sitemap_parts(site, grouped)
        if job.kind == "sitemap-index":
            base = site.config.base_url
            context["sitemaps"] = [sitemap.index_entry(part, n, base) for n, part in enumerate(parts, 1)]
            return _render(environments[lang], "sitemap-index.xml", context)
        context["pages"] = parts[int(job.ref[0]) - 1] if job.ref else parts[0]
        return _render(environments[lang], "sitemap.xml", context)
    context["feed"] = feeds.feed(site, grouped, lang, job.ref[1] if job.kind == "city-feed" else "")
    return feeds.xml_text(environments[lang].get_template("feed.xml").render(context)).encode("utf-8")


#: The sitemap of the last site asked about: the plan and each sitemap file need it, and it takes a while.
_last_sitemap: list = [None, None]


def _sitemap_parts(site: Site, grouped: listings.Index) -> list[tuple[sitemap.Page, ...]]:
    if _last_sitemap[0] is not site:
        _last_sitemap[:] = [site, sitemap.parts(sitemap.pages(site, grouped))]
    return _last_sitemap[1]


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> bytes:
    return env.get_template(name).render(context).encode("utf-8")
