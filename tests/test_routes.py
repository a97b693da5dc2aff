"""Routes: every file of a site is one route, each made once, and every URL comes from the routes module.

A build writes exactly the files :func:`routes.of` lists (every kind of page
and copied file, paginated lists, a sitemap in parts), each route names a
different file, and pages in several languages share an identity. Templates
link through the ``url`` helper and never glue a path together themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from sitegen import config, content, listings, render, routes, search, sitemap, theme
from sitegen.routes import Kind, Links

from .conftest import REPO, TWO_PASSAGES, TWO_VOICES, article, build_ok, example_site, snapshot

TEMPLATES = REPO / "theme" / "templates"


def every_kind_of_page(root: Path) -> Path:
    """The example site with two articles a page, a file in an article's folder and an article in English only."""
    site = example_site(root)
    settings = site / "sitegen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("per_page = 10", "per_page = 2"), "utf-8")
    (site / "content/articles/peace-treaty-draft/map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    only = site / "content/articles/english-only/en.md"
    only.parent.mkdir()
    only.write_text(article("Only in English", "2024-01-02", TWO_VOICES, TWO_PASSAGES, "tags: [border]\n"), "utf-8")
    return site


def load(site_dir: Path) -> tuple:
    settings, _ = config.load(site_dir)
    site, _ = content.load(settings, site_dir)
    layers, _ = theme.load(site_dir, settings)
    return site, listings.index(site), layers.static_files


def test_a_build_writes_exactly_the_files_the_routes_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(routes, "SITEMAP_LIMIT", 7)  # the sitemap in parts, with an index
    site_dir = every_kind_of_page(tmp_path)
    out = build_ok(site_dir, cache=False).out
    site, grouped, static = load(site_dir)
    found = routes.of(site, grouped, static)

    paths = Counter(route.path for route in found)
    assert [path for path, count in paths.items() if count > 1] == [], "two routes name one file"
    written = {path for path in snapshot(out) if not path.startswith((routes.BUNDLE, ".sitegen-"))}
    assert set(paths) == written, "the build writes the routes' files (and the search index), no more and no fewer"
    assert {route.kind for route in found} == set(Kind), "the site has every kind of route"
    assert [job.route for job in render.plan(site, static, grouped)] == found, "the plan is the routes, in order"
    for route in found:
        assert route.path == routes.file_for(route.url) and 1 <= route.page_no <= route.pages, route


def test_paginated_routes_count_their_pages_and_share_an_identity_across_languages(tmp_path: Path) -> None:
    site, grouped, _ = load(every_kind_of_page(tmp_path))
    found = routes.of(site, grouped)
    homes = [route for route in found if route.kind is Kind.HOME and route.lang == "en"]
    assert [route.url for route in homes] == ["en/", "en/page/2/", "en/page/3/"], "six English articles, two a page"
    assert {route.pages for route in homes} == {3}
    border = [route for route in found if route.kind is Kind.LISTING and route.key == "border" and route.lang == "en"]
    assert [(route.url, route.page_no) for route in border] == [("en/tags/border/", 1), ("en/tags/border/page/2/", 2)]
    versions = Counter(route.identity for route in found if route.kind in routes.INDEXED)
    assert versions[(Kind.ARTICLE, "", "peace-treaty-draft", 1)] == 2
    assert versions[(Kind.ARTICLE, "", "english-only", 1)] == 1, "a page that lacks a language is no version of it"
    root = next(route for route in found if route.kind is Kind.ROOT)
    assert (root.url, root.path, root.lang) == ("", "index.html", "en")


def test_the_sitemap_lists_the_indexed_routes_with_their_versions(tmp_path: Path) -> None:
    site, grouped, _ = load(every_kind_of_page(tmp_path))
    found = routes.of(site, grouped)
    listed = {page.loc: page for page in sitemap.pages(site, grouped)}
    expected = routes.indexed(found, grouped)
    assert list(listed) == [site.config.base_url + route.url for route in expected]
    assert {route.kind for route in expected} == {Kind.HOME, Kind.ARTICLE, Kind.SECTION, Kind.LISTING}
    assert len(expected) == len({route.url for route in expected}) == len(listed)
    first = listed["https://example.org/news/ru/tags/border/"]
    assert dict(first.alternates) == {
        "en": "https://example.org/news/en/tags/border/",
        "ru": "https://example.org/news/ru/tags/border/",
        "x-default": "https://example.org/news/en/tags/border/",
    }
    assert listed["https://example.org/news/en/tags/border/page/2/"].alternates == (), "no Russian second page"


def test_every_kind_of_route_is_made_by_one_entry() -> None:
    assert set(render.PAGES) == set(Kind), "a kind of route without its entry in render.PAGES"
    assert {kind for kind, page in render.PAGES.items() if page.make is None} == {Kind.COPY}


def test_the_url_helper_links_from_the_page_or_from_the_site_path() -> None:
    link = Links("en/tags/karabakh/page/2/")
    assert link.listing("en", "cities", "baku") == "../../../../../en/cities/baku/"
    assert link.feed("ru", "baku") == "../../../../../ru/cities/baku/feed.xml"
    assert link.home("en", 3) == "../../../../../en/page/3/"
    assert Links("").home("en") == "en/" and Links("").bundle() == "pagefind/" and Links("")("") == "./"
    assert Links("en/404.html", "/news/").article("en", "a-slug") == "/news/en/a-slug/"
    assert routes.article_at("en/a-slug") == ("en", "a-slug") == routes.article_at("en/a-slug/")
    assert routes.article_at("en/a-slug/parallel") is None and routes.article_at("en") is None
    assert routes.in_article_glob("en/a-slug/index.html") and not routes.in_article_glob("en/page/2/index.html")
    assert routes.BUNDLE == search.BUNDLE + "/" and search.ARTICLE_GLOB == routes.article_glob() == "*/*/index.html"


#: A URL glued in a template: more after an expression in a link (a fragment aside), or a path joined with ``~``.
GLUED = re.compile(r"""(?:href|src|action)="[^"]*\}\}[^"#\s][^"]*"|~\s*['"][^'"]*/""")


def test_templates_link_through_the_url_helper() -> None:
    """``url.listing(lang, "cities", id)``, not ``{{ sections.cities }}{{ id }}/`` or ``url(lang ~ '/feed.xml')``."""
    glued = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        for match in GLUED.finditer(path.read_text(encoding="utf-8"))
    ]
    assert glued == []


def test_a_section_with_nothing_in_it_is_written_but_not_in_the_sitemap(make_site) -> None:
    site_dir = make_site({"content/articles/untagged/en.md": article(), "content/articles/untagged/ru.md": article()})
    site, grouped, _ = load(site_dir)
    tags = [route for route in routes.of(site, grouped) if route.kind is Kind.SECTION and route.section == "tags"]
    assert [route.url for route in tags] == ["en/tags/", "ru/tags/"]
    listed = [page.loc for page in sitemap.pages(site, grouped)]
    assert "https://example.org/news/en/cities/" in listed and "https://example.org/news/en/tags/" not in listed
