"""Feeds, the sitemap, robots.txt and sharing metadata, read the way machines read them.

Feeds go through feedparser (a bozo flag means a reader would choke), the
sitemap through the sitemaps.org schema (tests/fixtures/sitemap.xsd, with
sitemap-xhtml.xsd for the translation alternates), pages' heads through an
HTML parser, JSON-LD through json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import xmlschema

from sitegen import config, content, feeds, listings, localization, metadata, render, routes, sitemap
from sitegen.build import build
from sitegen.errors import Location
from sitegen.model import Voice

from .conftest import CONFIG, REPO, SITES, article, build_ok, example_site, messages, write_articles

BASE = "https://example.org/news/"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def basic(tmp_path_factory) -> Path:
    """tests/sites/basic built with its draft, as the preview builds it: drafts must stay out anyway."""
    site = tmp_path_factory.mktemp("feeds") / "basic"
    shutil.copytree(SITES / "basic", site)
    return build_ok(site, drafts=True).out


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """tests/sites/basic built as it is published: without drafts."""
    site = tmp_path_factory.mktemp("feeds") / "basic"
    shutil.copytree(SITES / "basic", site)
    return build_ok(site).out


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema([str(FIXTURES / "sitemap.xsd"), str(FIXTURES / "sitemap-xhtml.xsd")])


def parse(out: Path, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((out / path).read_bytes())
    assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


class Head(HTMLParser):
    """The <link>, <meta> and JSON-LD of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.meta: dict[str, list[str]] = {}
        self.jsonld: list[str] = []
        self._in_ld = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link":
            self.links.append(values)
        elif tag == "meta" and ("property" in values or "name" in values):
            self.meta.setdefault(values.get("property") or values["name"], []).append(values.get("content", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_ld = True
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = self._in_ld and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.jsonld[-1] += data

    def feeds(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("type") == "application/atom+xml"]


def head(out: Path, path: str) -> Head:
    return Head((out / path).read_text(encoding="utf-8"))


def pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


# -- Feeds -----------------------------------------------------------------


def test_language_feeds_hold_the_newest_articles_in_full(basic: Path) -> None:
    en = parse(basic, "en/feed.xml")
    assert en.feed.title == "Baku–Yerevan: two views"
    assert en.feed.id == BASE + "en/feed.xml"
    assert {(link.rel, link.href) for link in en.feed.links} == {
        ("self", BASE + "en/feed.xml"),
        ("alternate", BASE + "en/"),
    }
    assert [e.link for e in en.entries] == [
        BASE + "en/only-english/",
        BASE + "en/water-dispute/",
        BASE + "en/karabakh-claim/",
    ]
    assert [e.id for e in en.entries] == [e.link for e in en.entries], "ids are the absolute URLs"
    updated = [e.updated for e in en.entries]
    assert updated == sorted(updated, reverse=True) and updated[0] == "2024-05-01T00:00:00Z"
    assert en.feed.updated == updated[0], "the feed is as new as its newest entry"
    claim = en.entries[2]
    assert claim.summary.startswith("A Russian agency claims")
    assert [t.term for t in claim.tags] == ["karabakh", "usa"]
    body = claim.content[0]
    assert body.type == "text/html"
    for said in ("The lead paragraph", "forcing a meeting", "information war", "planted by the Kremlin", "settled"):
        assert said in body.value, "full content: lead and every passage"
    assert "<h2>Is the report credible?</h2>" in body.value
    assert "No comment from Baku on this point" in body.value

    ru = parse(basic, "ru/feed.xml")
    assert ru.feed.language == "ru"
    assert [e.link for e in ru.entries] == [BASE + "ru/water-dispute/", BASE + "ru/karabakh-claim/"]
    assert "Он называет его вбросом Кремля." in ru.entries[1].content[0].value


def test_links_inside_entries_are_absolute(basic: Path) -> None:
    water = parse(basic, "en/feed.xml").entries[1]
    html = water.content[0].value
    assert 'src="https://example.org/news/en/water-dispute/map.png"' in html
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert url.startswith(BASE), url
    raw = (basic / "en/feed.xml").read_text(encoding="utf-8")
    assert 'xml:base="https://example.org/news/en/water-dispute/"' in raw


def test_a_city_feed_holds_that_citys_passages_linked_to_their_place(basic: Path) -> None:
    baku = parse(basic, "en/cities/baku/feed.xml")
    assert baku.feed.title == "Baku: everything said, newest first"
    assert baku.feed.link == BASE + "en/cities/baku/"
    assert [e.link for e in baku.entries] == [
        BASE + "en/only-english/#passage-1",
        BASE + "en/water-dispute/#passage-2",
        BASE + "en/karabakh-claim/#passage-3",
        BASE + "en/karabakh-claim/#passage-5",
    ]
    for entry in baku.entries:
        path, anchor = entry.link.removeprefix(BASE).split("#")
        page = (basic / path / "index.html").read_text(encoding="utf-8")
        assert re.search(rf'id="{anchor}" data-city="baku"', page), entry.link
        assert "(Baku)" in entry.content[0].value
        assert entry.id.startswith("tag:example.org,")
    assert baku.entries[2].title == "Hagi Namazov: Is Washington threatening an operation in Karabakh?"
    assert "Is the report credible?" in baku.entries[2].content[0].value
    texts = " ".join(e.content[0].value for e in baku.entries)
    assert "information war" not in texts and "forcing a meeting" not in texts, "no other city's passages"
    assert len({e.id for e in baku.entries}) == 4
    ru = parse(basic, "ru/cities/baku/feed.xml")
    assert ru.feed.title == "Баку: всё сказанное, сначала новое"


def test_drafts_stay_out_of_feeds_and_the_sitemap_even_with_drafts(basic: Path) -> None:
    assert (basic / "en/a-draft/index.html").is_file(), "the preview build shows the draft"
    for path in ("en/feed.xml", "en/cities/baku/feed.xml", "sitemap.xml"):
        text = (basic / path).read_text(encoding="utf-8")
        assert "a-draft" not in text and "Not ready" not in text and "Work in progress" not in text, path


def test_feed_size_keeps_the_newest(make_site) -> None:
    files = {
        f"content/articles/a{n}/en.md": article(
            title=f"Number {n}", date=f"2024-01-{n:02d}", body=f"::: simonyan\nSaid {n}.\n:::\n"
        )
        for n in range(1, 6)
    }
    site = make_site(files, config=CONFIG.replace('languages = ["en", "ru"]', 'languages = ["en"]\nfeed_size = 3'))
    out = build_ok(site).out
    entries = parse(out, "en/feed.xml").entries
    assert [e.title for e in entries] == ["Number 5", "Number 4", "Number 3"]
    assert len(parse(out, "en/cities/yerevan/feed.xml").entries) == 3


def test_feed_size_is_checked(make_site) -> None:
    site = make_site({}, config="feed_size = 0\n" + CONFIG)
    assert any("'feed_size' must be a whole number of at least 1" in m for m in messages(build(site)))


def test_awkward_text_keeps_feeds_well_formed(make_site) -> None:
    title = '"Tom & Jerry </script><script>alert(1)</script>"'
    body = (
        "Lead with \x08 a control character, <b>raw</b> &amp; text.\n\n::: simonyan\n[A link](../odd/) & more.\n:::\n"
    )
    site = make_site({"content/articles/odd/en.md": article(title=title, body=body)})
    out = build_ok(site).out
    entry = parse(out, "en/feed.xml").entries[0]
    assert entry.title == "Tom & Jerry </script><script>alert(1)</script>"
    assert 'href="https://example.org/news/en/odd/../odd/"' in entry.content[0].value
    parse(out, "en/cities/yerevan/feed.xml")


def test_dates_with_times_and_zones(make_site, schema: xmlschema.XMLSchema) -> None:
    assert feeds.rfc3339(dt.date(2023, 6, 5)) == "2023-06-05T00:00:00Z"
    assert feeds.rfc3339(dt.datetime(2023, 6, 5, 14, 30)) == "2023-06-05T14:30:00Z", "no zone: UTC"
    zoned = dt.datetime(2023, 6, 5, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=4)))
    assert feeds.rfc3339(zoned) == "2023-06-05T14:30:00+04:00"
    assert sitemap.w3c_datetime(zoned) == "2023-06-05T14:30:00+04:00"
    assert sitemap.w3c_datetime(dt.datetime(2023, 6, 5, 14, 30)) == "2023-06-05", "W3C times need a zone"
    site = make_site(
        {
            "content/articles/late/en.md": article(title="Late", date="2023-06-05T23:30:00+04:00"),
            "content/articles/early/en.md": article(title="Early", date="2023-06-05T20:00:00Z"),
        }
    )
    out = build_ok(site).out
    parsed = parse(out, "en/feed.xml")
    assert [e.title for e in parsed.entries] == ["Early", "Late"], "19:30 UTC is before 20:00 UTC"
    assert parsed.feed.updated == "2023-06-05T20:00:00Z"
    schema.validate(str(out / "sitemap.xml"))
    assert sitemap_urls(out)[BASE + "en/"]["lastmod"] == "2023-06-05T20:00:00+00:00"


# -- Autodiscovery ---------------------------------------------------------


def test_every_page_names_its_languages_feed(basic: Path) -> None:
    for path in pages(basic):
        lang = path.split("/")[0] if "/" in path else "en"
        found = head(basic, path).feeds()
        assert found, path
        page_url = "https://example.org/news/" + path.removesuffix("index.html")
        assert urljoin(page_url, found[0]) == BASE + f"{lang}/feed.xml", path


def test_city_pages_also_name_the_citys_feed(basic: Path) -> None:
    found = head(basic, "en/cities/baku/index.html").feeds()
    assert urljoin(BASE + "en/cities/baku/", found[1]) == BASE + "en/cities/baku/feed.xml"
    assert (basic / "en/cities/baku/feed.xml").is_file()
    links = [
        link for link in head(basic, "ru/cities/baku/index.html").links if link.get("type") == "application/atom+xml"
    ]
    assert links[1]["title"] == "Баку: всё сказанное, сначала новое"


# -- Sitemap and robots ----------------------------------------------------


def sitemap_urls(out: Path, name: str = "sitemap.xml") -> dict[str, dict]:
    text = (out / name).read_text(encoding="utf-8")
    found = {}
    for block in re.findall(r"<url>(.*?)</url>", text, re.S):
        loc = re.search(r"<loc>(.*?)</loc>", block)[1]
        lastmod = re.search(r"<lastmod>(.*?)</lastmod>", block)
        alternates = dict(re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', block))
        found[loc] = {"lastmod": lastmod[1] if lastmod else None, "alternates": alternates}
    return found


def test_the_sitemap_is_valid(basic: Path, schema: xmlschema.XMLSchema) -> None:
    schema.validate(str(basic / "sitemap.xml"))
    broken = (basic / "sitemap.xml").read_text(encoding="utf-8").replace('hreflang="ru"', 'hreflang="r u"', 1)
    assert not schema.is_valid(broken), "the schema checks the alternates too"


def test_a_site_over_the_url_limit_gets_a_sitemap_index(
    basic: Path, schema: xmlschema.XMLSchema, tmp_path: Path, monkeypatch
) -> None:
    """Past 50,000 URLs (here, 7) sitemap.xml becomes an index of sitemap-N.xml files listing the same URLs."""
    monkeypatch.setattr(routes, "SITEMAP_LIMIT", 7)
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    out = build_ok(site, search=False, cache=False).out
    index = xmlschema.XMLSchema(str(FIXTURES / "siteindex.xsd"))
    index.validate(str(out / "sitemap.xml"))
    listed = re.findall(
        r"<sitemap>\s*<loc>(.*?)</loc>\s*(?:<lastmod>(.*?)</lastmod>)?", (out / "sitemap.xml").read_text()
    )
    expected = sitemap_urls(basic)
    assert [loc for loc, _ in listed] == [f"{BASE}sitemap-{n}.xml" for n in range(1, -(-len(expected) // 7) + 1)]
    found: dict[str, dict] = {}
    for loc, lastmod in listed:
        part = out / loc.removeprefix(BASE)
        schema.validate(str(part))
        urls = sitemap_urls(out, part.name)
        assert 0 < len(urls) <= 7
        assert lastmod == max((u["lastmod"] for u in urls.values() if u["lastmod"]), key=_instant)
        found.update(urls)
    assert found == expected, "the parts list exactly the URLs one sitemap would"
    assert "Sitemap: https://example.org/news/sitemap.xml" in (out / "robots.txt").read_text()


def _instant(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def test_the_sitemap_lists_every_page_with_its_translations(basic: Path) -> None:
    urls = sitemap_urls(basic)
    claim = urls[BASE + "en/karabakh-claim/"]
    assert claim["lastmod"] == "2023-06-05"
    assert claim["alternates"] == {
        "en": BASE + "en/karabakh-claim/",
        "ru": BASE + "ru/karabakh-claim/",
        "x-default": BASE + "en/karabakh-claim/",
    }
    assert urls[BASE + "ru/karabakh-claim/"]["alternates"] == claim["alternates"], "alternates are reciprocal"
    assert urls[BASE + "en/only-english/"]["alternates"] == {}
    assert urls[BASE + "en/"]["lastmod"] == "2024-05-01", "a home is as new as the newest article on it"
    assert urls[BASE + "en/cities/baku/"]["alternates"]["ru"] == BASE + "ru/cities/baku/"


def test_the_sitemap_lists_the_pages_a_published_build_has(basic: Path, published: Path) -> None:
    """Every page but the root, 404s, parallel views, search forms, empty sections and noindex pages.

    Even with --drafts. A noindex page is the one at an article's URL in a language it lacks.
    """
    assert (published / "sitemap.xml").read_bytes() == (basic / "sitemap.xml").read_bytes()
    listed = {url.removeprefix(BASE) + "index.html" for url in sitemap_urls(published)}
    for path in pages(published):
        noindex = '<meta name="robots" content="noindex">' in (published / path).read_text(encoding="utf-8")
        if (
            noindex
            or path in ("index.html", "404.html")
            or path.endswith(("/404.html", "/parallel/index.html", "/search/index.html"))
        ):
            assert path not in listed, path
        elif path not in listed:
            empty = "Nothing here yet." in (published / path).read_text(encoding="utf-8")
            assert path.count("/") == 2 and empty, f"{path} is missing from the sitemap"
    for path in listed:
        assert (published / path).is_file(), f"the sitemap lists {path}, which was not built"


def test_every_sitemap_alternate_matches_the_pages_own(basic: Path) -> None:
    """Each sitemap entry lists exactly the page's own hreflang links; a page in one language only
    (a second page of one language's home, say) points at itself alone and the sitemap lists none."""
    entries = sitemap_urls(basic)
    for loc, entry in entries.items():
        page = head(basic, loc.removeprefix(BASE) + "index.html")
        own = {link["hreflang"]: link["href"] for link in page.links if link.get("hreflang")}
        if set(own.values()) == {loc}:
            assert entry["alternates"] == {}, loc
        else:
            assert own == entry["alternates"], loc
    assert sum(bool(entry["alternates"]) for entry in entries.values()) >= len(entries) / 2


def test_robots_txt_points_to_the_sitemap(basic: Path) -> None:
    robots = (basic / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots
    assert "Sitemap: https://example.org/news/sitemap.xml" in robots.splitlines()


# -- Sharing metadata ------------------------------------------------------


def test_article_pages_carry_open_graph_and_twitter_cards(basic: Path) -> None:
    page = head(basic, "en/karabakh-claim/index.html")
    canonical = next(link["href"] for link in page.links if link.get("rel") == "canonical")
    meta = page.meta
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == ["Is Washington threatening an operation in Karabakh?"]
    assert meta["og:description"] == meta["description"]
    assert meta["og:url"] == [canonical] == [BASE + "en/karabakh-claim/"]
    assert meta["og:site_name"] == ["Baku–Yerevan: two views"]
    assert meta["og:locale"] == ["en_GB"] and meta["og:locale:alternate"] == ["ru_RU"]
    assert meta["article:published_time"] == ["2023-06-05"]
    assert meta["twitter:card"] == ["summary"] and meta["twitter:title"] == meta["og:title"]
    ru = head(basic, "ru/karabakh-claim/index.html").meta
    assert ru["og:locale"] == ["ru_RU"] and ru["og:locale:alternate"] == ["en_GB"]


def test_an_article_with_a_picture_shares_it(basic: Path) -> None:
    for lang in ("en", "ru"):
        meta = head(basic, f"{lang}/water-dispute/index.html").meta
        assert meta["og:image"] == [f"{BASE}{lang}/water-dispute/map.png"], (
            "the Russian text shows no picture; the map is there too"
        )
        assert meta["twitter:card"] == ["summary_large_image"]
        assert (basic / lang / "water-dispute/map.png").is_file()


def test_other_pages_are_websites(basic: Path) -> None:
    for path in ("en/index.html", "index.html", "en/tags/karabakh/index.html", "ru/cities/index.html"):
        meta = head(basic, path).meta
        assert meta["og:type"] == ["website"], path
        assert meta["og:url"][0].startswith(BASE), path
        assert "og:image" not in meta
    assert head(basic, "index.html").meta["og:url"] == [BASE + "en/"], "the root shares the canonical home"


def jsonld(out: Path, path: str) -> dict:
    found = head(out, path).jsonld
    assert len(found) == 1, path
    return json.loads(found[0])


def test_article_pages_describe_a_news_article(basic: Path) -> None:
    data = jsonld(basic, "en/karabakh-claim/index.html")
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Is Washington threatening an operation in Karabakh?"
    assert data["inLanguage"] == "en"
    assert data["datePublished"] == "2023-06-05"
    assert data["url"] == BASE + "en/karabakh-claim/"
    assert data["publisher"]["name"] == "Baku–Yerevan: two views"
    assert [t["url"] for t in data["workTranslation"]] == [BASE + "ru/karabakh-claim/"]
    assert "translationOfWork" not in data
    voices = {v["name"]: v for v in data["contributor"]}
    assert voices["RIA Novosti"]["@type"] == "Organization"
    assert voices["RIA Novosti"]["description"] == "state news agency"
    assert voices["RIA Novosti"]["location"]["name"] == "Moscow"
    assert voices["Gurgen Simonyan"]["@type"] == "Person"
    assert voices["Gurgen Simonyan"]["jobTitle"] == "political scientist"
    assert voices["Gurgen Simonyan"]["homeLocation"] == {"@type": "Place", "name": "Yerevan"}
    assert voices["Gurgen Simonyan"]["url"] == BASE + "en/people/gurgen-simonyan/"

    ru = jsonld(basic, "ru/karabakh-claim/index.html")
    assert ru["inLanguage"] == "ru"
    assert ru["translationOfWork"]["url"] == BASE + "en/karabakh-claim/"
    assert "workTranslation" not in ru
    assert {v["name"]: v["@type"] for v in ru["contributor"]}["РИА Новости"] == "Organization"
    assert jsonld(basic, "en/water-dispute/index.html")["image"] == [BASE + "en/water-dispute/map.png"]
    assert "workTranslation" not in jsonld(basic, "en/only-english/index.html")
    assert head(basic, "en/index.html").jsonld == []


def test_a_title_cannot_end_the_json_ld_script(make_site) -> None:
    title = '"Breaking </script><script>alert(1)</script> <!-- news"'
    site = make_site({"content/articles/odd/en.md": article(title=title)})
    out = build_ok(site).out
    text = (out / "en/odd/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text
    assert jsonld(out, "en/odd/index.html")["headline"] == "Breaking </script><script>alert(1)</script> <!-- news"
    assert head(out, "en/odd/index.html").meta["og:title"] == ["Breaking </script><script>alert(1)</script> <!-- news"]


def test_voices_that_are_institutions() -> None:
    def voice(name: str, role: str = "") -> Voice:
        return Voice("v", "baku", name, role, Location("en.md"))

    assert metadata.is_organisation(voice("RIA Novosti", "state news agency"))
    assert metadata.is_organisation(voice("МИД России", "министерство иностранных дел"))
    assert metadata.is_organisation(voice("TASS"))
    assert not metadata.is_organisation(voice("Maria Zakharova", "spokesperson of the foreign ministry"))
    assert not metadata.is_organisation(voice("Hagi Namazov", "political commentator"))
    assert not metadata.is_organisation(voice("Hagi Namazov"))
    assert metadata.is_organisation(voice("Armenpress", "агентство"), voice("Armenpress", "news agency"))


def test_og_locales_come_from_babel() -> None:
    assert [localization.territory_locale(c) for c in ("en", "en_GB", "ru", "hy", "az", "pt-BR")] == [
        "en_US",
        "en_GB",
        "ru_RU",
        "hy_AM",
        "az_AZ",
        "pt_BR",
    ]


# -- Incremental rebuilds --------------------------------------------------


def keys(site_dir: Path) -> dict[str, str]:
    cfg, _ = config.load(site_dir)
    site, _ = content.load(cfg, site_dir)
    return {job.path: job.key for job in render.plan(site, {}) if job.kind in ("feed", "city-feed", "sitemap")}


def test_feed_keys_follow_what_the_feed_shows(copy_site) -> None:
    site_dir = copy_site("basic")
    before = keys(site_dir)
    assert set(before) >= {"en/feed.xml", "ru/feed.xml", "en/cities/baku/feed.xml", "sitemap.xml"}
    water = site_dir / "content/articles/water-dispute/en.md"
    water.write_text(water.read_text(encoding="utf-8").replace("written down", "agreed"), encoding="utf-8")
    after = keys(site_dir)
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {"en/feed.xml", "en/cities/baku/feed.xml", "en/cities/yerevan/feed.xml"}, (
        "a changed English text changes the feeds it is in, and no others"
    )


# -- The example site ------------------------------------------------------


def test_the_example_site(tmp_path: Path, schema: xmlschema.XMLSchema) -> None:
    out = build_ok(example_site(tmp_path), out=tmp_path / "out").out
    schema.validate(str(out / "sitemap.xml"))
    feeds_built = sorted(p.relative_to(out).as_posix() for p in out.rglob("feed.xml"))
    assert "en/feed.xml" in feeds_built and "ru/cities/baku/feed.xml" in feeds_built
    for path in feeds_built:
        parsed = parse(out, path)
        assert parsed.entries, path
        for entry in parsed.entries:
            assert urlsplit(entry.link).scheme == "https" and entry.updated and entry.content[0].value
    for path in pages(out):
        assert head(out, path).feeds(), path
    for article_dir in (REPO / "content/articles").iterdir():
        data = jsonld(out, f"en/{article_dir.name}/index.html")
        assert data["workTranslation"][0]["inLanguage"] == "ru"


def test_readme_documents_the_new_urls_and_key() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for needle in ("`feed_size`", "/<lang>/feed.xml", "/<lang>/cities/<city>/feed.xml", "/sitemap.xml", "/robots.txt"):
        assert needle in readme, needle


def test_each_sitemap_date_is_the_newest_of_what_its_page_shows(tmp_path: Path) -> None:
    """Dates, local times and times in several zones mixed: a page's date is found from its first entry
    (lists are newest first), which must agree with looking at every entry on it."""
    voices = "  a:\n    city: yerevan\n    name: Voice A\n  b:\n    city: baku\n    name: Voice B\n"
    body = "::: a\nA.\n:::\n\n::: b\nB.\n:::\n"
    dates = ["2024-03-01", "2024-03-01T23:30:00+04:00", "2024-02-29T21:00:00-05:00", "2024-03-01T10:00:00"]

    def text(number: int, lang: str) -> str:
        date = dates[(number + (lang == "ru")) % len(dates)]
        return article(f"P{number}", date, voices, body, f"tags: [t{number % 3}]\n")

    site_dir = write_articles(tmp_path / "site", "per_page = 3\n" + CONFIG, 24, text, slug="piece-{:02d}")
    settings, _ = config.load(site_dir)
    site, _ = content.load(settings, site_dir)
    grouped = listings.index(site)
    by_url = {page.loc: page.lastmod for page in sitemap.pages(site, grouped)}

    # The four dates, oldest first as instants (a bare date is its midnight, a local time is taken as
    # written), and how W3C-DTF writes each in a sitemap: a zone keeps its time, the others the day.
    oldest_first = ["2024-03-01", "2024-02-29T21:00:00-05:00", "2024-03-01T10:00:00", "2024-03-01T23:30:00+04:00"]
    written = {
        "2024-03-01": "2024-03-01",
        "2024-02-29T21:00:00-05:00": "2024-02-29T21:00:00-05:00",
        "2024-03-01T10:00:00": "2024-03-01",
        "2024-03-01T23:30:00+04:00": "2024-03-01T23:30:00+04:00",
    }

    def newest(entries) -> str:
        dates = [(e.translation.date if isinstance(e, listings.Said) else e[1].date).isoformat() for e in entries]
        return written[max(dates, key=oldest_first.index)]

    checked = 0
    for (kind, lang), shown in grouped.items():
        assert by_url[f"{BASE}{lang}/{kind}/"] == newest(e for item in shown for e in item.said or item.articles)
        for item in shown:
            entries = item.said or item.articles
            for start in range(0, len(entries), 3):
                path = f"{lang}/{kind}/{item.key}/" + (f"page/{start // 3 + 1}/" if start else "")
                assert by_url[BASE + path] == newest(entries[start : start + 3]), path
                checked += 1
    assert checked > 50
