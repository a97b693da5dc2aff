"""Whole builds into tmp_path: the URL contract, the markup hooks, links, atomic output and safety."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from click.testing import CliRunner

from sitegen import cache
from sitegen.build import build
from sitegen.cli import main

from .conftest import CONFIG, SITES, article, build_ok, messages, snapshot
from .linkcheck import broken_links, target_file

BASE = "https://example.org/news/"
DEEP = "https://example.org/deep/sub/path/"


# -- Reading pages -----------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class Page:
    """A parsed HTML file: every start tag with its attributes, and the text inside each."""

    elements: list[Element] = field(default_factory=list)
    html: str = ""

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag) and all(e.attrs.get(k) == v for k, v in wanted.items())
        ]

    def having(self, attr: str) -> list[Element]:
        return [e for e in self.elements if attr in e.attrs]

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.page.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def parse(path: Path) -> Page:
    collector = _Collector()
    html = path.read_text(encoding="utf-8")
    collector.feed(html)
    collector.close()
    collector.page.html = html
    return collector.page


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return snapshot(folder, hashed=True)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".staging-" in p.name or ".old-" in p.name)


def set_base_url(site: Path, base_url: str) -> None:
    config = site / "sitegen.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'(?m)^base_url = ".*"$', f'base_url = "{base_url}"', text), encoding="utf-8")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic fixture site, built once for the read-only checks of this module."""
    site = tmp_path_factory.mktemp("built") / "basic"
    shutil.copytree(SITES / "basic", site)
    return build_ok(site).out


# -- The URL contract --------------------------------------------------------


def test_pages_are_written_at_the_contract_urls(out: Path) -> None:
    expected = [
        "index.html",
        "404.html",
        "en/index.html",
        "en/page/2/index.html",
        "ru/index.html",
        "en/karabakh-claim/index.html",
        "ru/karabakh-claim/index.html",
        "en/water-dispute/index.html",
        "ru/water-dispute/index.html",
        "en/only-english/index.html",
    ]
    missing = [rel for rel in expected if not (out / rel).is_file()]
    assert not missing
    assert len(list((out / "static").glob("style.*.css"))) == 1, "the stylesheet, under its fingerprinted name"
    assert not (out / "ru" / "page" / "2").exists(), "two Russian articles fit on one page of two"
    assert not (out / "en" / "page" / "3").exists()


def test_language_home_is_newest_first_and_paginated(out: Path) -> None:
    slugs = {"only-english", "water-dispute", "karabakh-claim"}
    hrefs = [e.attrs.get("href") or "" for e in parse(out / "en" / "index.html").find("a")]
    listed = [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]
    assert [slug for slug in listed if slug in slugs] == ["only-english", "water-dispute"]
    second = parse(out / "en" / "page" / "2" / "index.html")
    assert any((e.attrs.get("href") or "").endswith("karabakh-claim/") for e in second.find("a"))
    newer = second.one("a", rel="prev")
    assert target_file(out, urljoin(BASE + "en/page/2/", newer.attrs["href"]), BASE) == out / "en" / "index.html"


def test_root_page_leads_to_the_default_language(out: Path) -> None:
    root = parse(out / "index.html")
    assert root.one("html").attrs["lang"] == "en"
    targets = {target_file(out, urljoin(BASE, e.attrs["href"] or ""), BASE) for e in root.find("a")}
    assert out / "en" / "index.html" in targets
    assert "Whose river is it? Update #2" in root.html, "the root page is a real page, not a blank one"


def test_article_images_are_copied_beside_every_language(out: Path) -> None:
    source = (SITES / "basic" / "content" / "articles" / "water-dispute" / "map.png").read_bytes()
    assert (out / "en" / "water-dispute" / "map.png").read_bytes() == source
    assert (out / "ru" / "water-dispute" / "map.png").read_bytes() == source
    image = parse(out / "en" / "water-dispute" / "index.html").one("img")
    assert image.attrs["src"] == "map.png"


def test_not_found_page_and_style_sheet(out: Path) -> None:
    page = parse(out / "404.html")
    assert page.one("html").attrs["lang"] == "en"
    assert "Page not found" in page.html
    (style,) = (out / "static").glob("style.*.css")
    assert style.stat().st_size > 0


# -- Markup hooks --------------------------------------------------------------


def test_every_page_declares_its_language(out: Path) -> None:
    for lang in ("en", "ru"):
        for file in (out / lang).rglob("*.html"):
            assert parse(file).one("html").attrs["lang"] == lang, file


def test_passages_carry_city_voice_and_point(out: Path) -> None:
    expected = {
        ("moscow", "ria", "claim"),
        ("yerevan", "simonyan", "credible"),
        ("baku", "namazov", "credible"),
        ("yerevan", "simonyan", "next"),
        ("baku", "namazov", None),
    }
    for lang in ("en", "ru"):
        page = parse(out / lang / "karabakh-claim" / "index.html")
        passages = page.having("data-voice")
        assert len(passages) == len(expected)
        assert passages == [e for e in page.elements if "passage" in (e.attrs.get("class") or "").split()]
        hooks = {(p.attrs.get("data-city"), p.attrs["data-voice"], p.attrs.get("data-point")) for p in passages}
        assert hooks == expected


def test_passages_without_points_have_city_and_voice(out: Path) -> None:
    passages = parse(out / "en" / "water-dispute" / "index.html").having("data-voice")
    assert {(p.attrs.get("data-city"), p.attrs["data-voice"]) for p in passages} == {
        ("yerevan", "arakelyan"),
        ("baku", "aliyeva"),
    }
    assert all("data-point" not in p.attrs for p in passages)


def test_each_point_row_has_its_anchor(out: Path) -> None:
    for lang in ("en", "ru"):
        page = parse(out / lang / "karabakh-claim" / "index.html")
        for point in ("claim", "credible", "next"):
            assert len(page.find(id=f"point-{point}")) == 1, (lang, point)


def test_alternates_and_canonical_are_absolute(out: Path) -> None:
    for lang in ("en", "ru"):
        page = parse(out / lang / "karabakh-claim" / "index.html")
        alternates = {
            e.attrs["hreflang"]: e.attrs["href"] for e in page.find("link", rel="alternate") if "hreflang" in e.attrs
        }
        assert alternates == {
            "en": BASE + "en/karabakh-claim/",
            "ru": BASE + "ru/karabakh-claim/",
            "x-default": BASE + "en/karabakh-claim/",
        }
        assert page.one("link", rel="canonical").attrs["href"] == f"{BASE}{lang}/karabakh-claim/"


def test_language_switcher_leads_to_the_same_article(out: Path) -> None:
    for lang, other in (("en", "ru"), ("ru", "en")):
        here = f"{BASE}{lang}/karabakh-claim/"
        link = parse(out / lang / "karabakh-claim" / "index.html").one("a", hreflang=other)
        assert urljoin(here, link.attrs["href"]) == f"{BASE}{other}/karabakh-claim/"


def test_silent_city_is_named_in_words(out: Path) -> None:
    en = parse(out / "en" / "karabakh-claim" / "index.html")
    ru = parse(out / "ru" / "karabakh-claim" / "index.html")
    assert "No comment from Baku on this point" in en.html
    assert "Баку: по этому вопросу комментария нет" in ru.html
    assert "No comment from" not in ru.html


def test_dates_are_localized(out: Path) -> None:
    assert parse(out / "en" / "karabakh-claim" / "index.html").one("time").text == "5 June 2023"
    assert parse(out / "ru" / "karabakh-claim" / "index.html").one("time").text == "5 июня 2023 г."


def test_interface_strings_are_translated(out: Path) -> None:
    for file in (out / "ru").rglob("*.html"):
        html = file.read_text(encoding="utf-8")
        assert "Перейти к содержанию" in html, file
        assert "Skip to content" not in html, file
    assert "Skip to content" in (out / "en" / "index.html").read_text(encoding="utf-8")


# -- Drafts and missing translations ------------------------------------------


def test_drafts_are_left_out_by_default(out: Path) -> None:
    assert not (out / "en" / "a-draft").exists()
    assert not any("a-draft" in path.read_text(encoding="utf-8") for path in out.rglob("*.html"))


def test_drafts_are_built_when_asked(copy_site) -> None:
    site = copy_site("basic")
    report = build_ok(site, drafts=True)
    assert (report.out / "en" / "a-draft" / "index.html").is_file()
    assert "Not ready" in (report.out / "en" / "index.html").read_text(encoding="utf-8")
    assert report.articles == 4


def test_article_missing_in_a_language_leads_to_a_page_that_says_so(out: Path) -> None:
    lacking = parse(out / "ru" / "only-english" / "index.html")
    assert lacking.one("meta", name="robots").attrs["content"] == "noindex"
    assert "../../en/only-english/" in [a.attrs["href"] for a in lacking.find("a", hreflang="en")]
    assert "Only in English" not in (out / "ru" / "index.html").read_text(encoding="utf-8")
    page = parse(out / "en" / "only-english" / "index.html")
    russian = page.one("a", hreflang="ru")
    assert russian.attrs["href"] == "../../ru/only-english/" and "elsewhere" in russian.attrs["class"]
    assert russian.text.strip() == "Русский"
    assert "This article is not available in Russian." in page.html
    assert {e.attrs.get("hreflang") for e in page.find("link", rel="alternate")} == {"en", "x-default", None}, (
        "None: the feed's link"
    )


# -- Links ---------------------------------------------------------------------


def test_every_link_and_asset_resolves(out: Path) -> None:
    assert broken_links(out, BASE) == []


def test_links_resolve_under_a_deep_base_url(copy_site) -> None:
    site = copy_site("basic")
    set_base_url(site, DEEP)
    out = build_ok(site).out
    assert broken_links(out, DEEP) == []
    page = parse(out / "ru" / "karabakh-claim" / "index.html")
    assert page.one("link", rel="canonical").attrs["href"] == DEEP + "ru/karabakh-claim/"
    assert all(e.attrs["href"].startswith(DEEP) for e in page.find("link", rel="alternate") if "hreflang" in e.attrs)
    assert "https://example.org/news/" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def test_the_link_checker_sees_a_broken_link(copy_site) -> None:
    site = copy_site("basic")
    out = build_ok(site).out
    (out / "en" / "water-dispute" / "map.png").unlink()
    assert [line.split(":")[0] for line in broken_links(out, BASE)] == [
        "en/water-dispute/index.html",
        "en/water-dispute/parallel/index.html",
    ]


# -- Atomic output ---------------------------------------------------------------


def test_failed_build_leaves_the_previous_output_untouched(copy_site) -> None:
    site = copy_site("basic")
    out = build_ok(site).out
    before = tree_hashes(out)
    source = site / "content" / "articles" / "karabakh-claim" / "en.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("::: simonyan next", "::: simonian next"), encoding="utf-8"
    )
    report = build(site)
    assert not report.ok and not report.written
    assert any(
        m.startswith("content/articles/karabakh-claim/en.md:39: error: passage for undeclared voice 'simonian'")
        for m in messages(report)
    ), messages(report)
    assert tree_hashes(out) == before
    assert leftovers(site) == []


def _removed_here(monkeypatch) -> list[Path]:
    """The folders this process removes with ``shutil.rmtree`` from now on."""
    removed: list[Path] = []
    real = shutil.rmtree
    monkeypatch.setattr(shutil, "rmtree", lambda path, *a, **k: removed.append(Path(path)) or real(path, *a, **k))
    return removed


def _retitled(site: Path, old: str, new: str) -> None:
    """Another title: every page changes, so the next build swaps a whole new output in."""
    config = site / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_the_output_a_build_replaced_is_removed_without_the_build_waiting(copy_site, monkeypatch) -> None:
    """The old output of a whole new one goes into .sitegen/cache/trash/, which a process of its own empties: the
    build does not wait for its files to go (a third of such a build at 10,000 articles), and leaves nothing
    beside the output. Without a cache (``--no-cache``: no .sitegen/), it is removed at once, as before."""
    site = copy_site("basic")
    out = build_ok(site).out
    _retitled(site, "two views", "two other views")
    removed = _removed_here(monkeypatch)
    report = build_ok(site)
    assert report.replaced and "two other views" in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert leftovers(site) == [] and not [path for path in removed if path.name.startswith(".output.")]
    trash = site / cache.TRASH
    deadline = time.monotonic() + 30
    while any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(trash.iterdir()), "the trash is emptied"

    _retitled(site, "two other views", "two views")
    assert build(site, cache=False).replaced
    assert [path for path in removed if path.name.startswith(".output.")], "removed by the build itself"
    assert leftovers(site) == [] and not any(trash.iterdir())


@pytest.mark.parametrize("planted", ["a link", "a file"])
def test_a_trash_planted_in_the_cache_is_never_used(copy_site, tmp_path: Path, planted: str) -> None:
    """A site that comes with .sitegen/cache/trash as a link to a folder elsewhere (or as a file): the old
    output is removed by the build itself, and nothing of the folder the link names is moved or removed."""
    site = copy_site("basic")
    build_ok(site)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "keep").mkdir(parents=True)
    (elsewhere / "keep" / "mine.txt").write_text("mine", encoding="utf-8")
    trash = site / cache.TRASH
    if planted == "a link":
        trash.symlink_to(elsewhere, target_is_directory=True)
    else:
        trash.write_text("not a folder", encoding="utf-8")
    _retitled(site, "two views", "two other views")
    assert build_ok(site).replaced
    time.sleep(0.5)  # time for a removing process, were one started
    assert (elsewhere / "keep" / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(path.name for path in elsewhere.iterdir()) == ["keep"]
    assert leftovers(site) == [] and (trash.is_symlink() or trash.is_file())


def test_failure_while_writing_leaves_the_previous_output_untouched(copy_site) -> None:
    site = copy_site("basic")
    out = build_ok(site).out
    before = tree_hashes(out)
    broken = site / "theme" / "templates" / "article.html"
    broken.parent.mkdir(parents=True)
    broken.write_text('{% extends "base.html" %}{% block main %}{{ no_such_value }}{% endblock %}\n', encoding="utf-8")
    report = build(site)
    assert not report.ok
    assert any(m.startswith("theme/templates/article.html:1: error: template error") for m in messages(report)), (
        messages(report)
    )
    assert tree_hashes(out) == before
    assert leftovers(site) == []


BROKEN_TEMPLATES = {
    "not UTF-8": (
        b'{% extends "base.html" %}{% block main %}\n\xff\xfe{% endblock %}\n',
        "theme/templates/article.html:2: error: template error: the template is not valid UTF-8 (byte 0xff)",
    ),
    "a division by zero": (
        b'{% extends "base.html" %}{% block main %}\n\n{{ 1 // 0 }}{% endblock %}\n',
        "theme/templates/article.html:3: error: template error: ZeroDivisionError: integer division or modulo by zero",
    ),
    "a macro that calls itself": (
        b'{% extends "base.html" %}{% macro r(n) %}\n{{ r(n) }}{% endmacro %}'
        b"{% block main %}{{ r(1) }}{% endblock %}\n",
        "theme/templates/article.html:2: error: template error: a macro or include calls itself without end",
    ),
    "a filter given the wrong type": (
        b'{% extends "base.html" %}{% block main %}{{ 3 | join(1) }}{% endblock %}\n',
        "theme/templates/article.html:1: error: template error: TypeError:",
    ),
    "a feed template": (
        b"<feed>{{ 1 // 0 }}</feed>\n",
        "theme/templates/feed.xml:1: error: template error: ZeroDivision",
    ),
}


@pytest.mark.parametrize("case", BROKEN_TEMPLATES)
def test_any_error_in_a_site_template_is_reported_at_its_line(copy_site, case: str) -> None:
    """A theme is trusted code, but a broken one gets ``theme/templates/x.html:LINE: what``, never a traceback."""
    site = copy_site("basic")
    source, expected = BROKEN_TEMPLATES[case]
    name = "feed.xml" if "feed" in case else "article.html"
    (site / "theme" / "templates").mkdir(parents=True)
    (site / "theme" / "templates" / name).write_bytes(source)
    for jobs in (1, 2):
        report = build(site, jobs=jobs, cache=False)
        assert not report.ok
        assert [m for m in messages(report) if m.startswith(expected)], messages(report)
    result = CliRunner().invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output and expected in result.output


def test_rebuild_removes_stale_pages(copy_site) -> None:
    site = copy_site("basic")
    out = build_ok(site).out
    assert (out / "ru" / "water-dispute" / "index.html").is_file()
    shutil.rmtree(site / "content" / "articles" / "water-dispute")
    build_ok(site)
    assert not (out / "en" / "water-dispute").exists()
    assert not (out / "ru" / "water-dispute").exists()
    assert "water-dispute" not in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert leftovers(site) == []


# -- Output safety ---------------------------------------------------------------


def test_foreign_output_folder_is_refused_without_force(copy_site, tmp_path: Path) -> None:
    site = copy_site("basic")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.txt").write_text("years of work", encoding="utf-8")
    report = build(site, out=theirs)
    assert not report.ok
    assert any("was not made by sitegen" in m for m in messages(report))
    assert tree_hashes(theirs) == {"thesis.txt": hashlib.sha256(b"years of work").hexdigest()}

    build_ok(site, out=theirs, force=True)
    assert not (theirs / "thesis.txt").exists()
    assert (theirs / "en" / "karabakh-claim" / "index.html").is_file()
    build_ok(site, out=theirs)  # once sitegen wrote it, the folder is sitegen's
    assert leftovers(tmp_path) == []


def test_a_linked_output_folder_is_refused_and_what_it_points_to_stays(copy_site, tmp_path: Path) -> None:
    """A build replaces its output whole: through a link it would replace another site's output."""
    other = copy_site("polyglot")
    theirs = build_ok(other).out
    before = tree_hashes(theirs)
    site = copy_site("basic")
    (site / "output").symlink_to(theirs, target_is_directory=True)
    report = build(site)
    assert not report.ok
    assert [f"{d.location}: {d.message}" for d in report.diagnostics if d.is_error] == [
        "output: a link that points outside the site"
    ]
    inside = site / "public"  # a link that stays inside the site is refused too: its target would be replaced
    inside.mkdir()
    (site / "output").unlink()
    (site / "output").symlink_to(inside, target_is_directory=True)
    assert any("the output folder is a link" in m for m in messages(build(site)))
    named = tmp_path / "www"
    named.symlink_to(theirs, target_is_directory=True)
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--out", str(named)])
    assert result.exit_code == 2 and "the output folder is a link" in result.output, result.output
    assert tree_hashes(theirs) == before and named.is_symlink() and (site / "output").is_symlink()
    assert leftovers(theirs.parent) == [] and not any(inside.iterdir())


def test_a_preview_folder_reached_through_a_link_out_of_the_site_is_refused(copy_site, tmp_path: Path) -> None:
    """``sitegen serve`` writes .sitegen/preview/: not when .sitegen/ leads to another folder."""
    site = copy_site("basic")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / ".sitegen").symlink_to(elsewhere, target_is_directory=True)
    command = [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert ".sitegen: a link that points outside the site" in done.stderr
    assert list(elsewhere.iterdir()) == []


def test_empty_output_folder_is_used(copy_site, tmp_path: Path) -> None:
    site = copy_site("basic")
    (tmp_path / "empty").mkdir()
    assert build_ok(site, out=tmp_path / "empty").out == (tmp_path / "empty").resolve()
    assert (tmp_path / "empty" / "index.html").is_file()


@pytest.mark.parametrize(
    "where", ["site root", "parent of the site", "content", "content/articles/x", "theme", "theme/static"]
)
def test_output_that_would_hit_sources_is_refused(copy_site, tmp_path: Path, where: str) -> None:
    site = copy_site("basic")
    (site / "theme" / "static").mkdir(parents=True)
    out = {"site root": site, "parent of the site": site.parent}.get(where, site / where)
    before = tree_hashes(tmp_path)
    folders = sorted(p for p in tmp_path.rglob("*") if p.is_dir())
    report = build(site, out=out, force=True)
    assert not report.ok and not report.written
    assert messages(report)
    assert tree_hashes(tmp_path) == before
    assert sorted(p for p in tmp_path.rglob("*") if p.is_dir()) == folders, "no folder was made"


# -- Escaping and link policy ------------------------------------------------------

HOSTILE_VOICES = """\
  v:
    city: baku
    name: "<img src=x onerror=alert(3)>Eve"
    role: "<script>alert(4)</script>"
"""


def test_front_matter_values_are_escaped(make_site) -> None:
    site = make_site(
        {
            "content/articles/x/en.md": article(
                title='"<script>alert(1)</script> & Co"',
                extra='summary: "<b>bold</b> <iframe src=//evil>"\ntags: ["<em>t"]\n',
                voices=HOSTILE_VOICES,
                body="::: v\nSaid.\n:::\n",
            )
        }
    )
    out = build_ok(site).out
    for file in (out / "en" / "x" / "index.html", out / "en" / "index.html"):
        html = file.read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
        for raw in ("<script>alert", "<b>bold", "<iframe", "<img src=x", "<em>t"):
            assert raw not in html, (file, raw)
    page = parse(out / "en" / "x" / "index.html")
    assert page.one("h1").text == "<script>alert(1)</script> & Co"
    assert "onerror" not in {key for e in page.elements for key in e.attrs}


@pytest.mark.parametrize("raw_html", [False, True])
def test_javascript_links_never_become_links(make_site, raw_html: bool) -> None:
    config = CONFIG + ("\n[markdown]\nraw_html = true\n" if raw_html else "")
    body = (
        "See [x](javascript:alert(1)), [y](JavaScript:alert(2)), [z](  javascript:alert(3)) "
        "and [ok](https://example.com/).\n\n::: simonyan\n[w](javascript:alert(4)) said.\n:::\n"
    )
    site = make_site({"content/articles/x/en.md": article(body=body)}, config=config)
    out = build_ok(site).out
    page = parse(out / "en" / "x" / "index.html")
    hrefs = [e.attrs.get("href") or "" for e in page.elements]
    assert not [h for h in hrefs if "javascript" in h.lower()]
    assert "https://example.com/" in hrefs


def test_raw_html_is_escaped_by_default(make_site) -> None:
    body = "Plain <b>bold</b> and <script>alert(1)</script>.\n\n::: simonyan\n<i>said</i>\n:::\n"
    out = build_ok(make_site({"content/articles/x/en.md": article(body=body)})).out
    page = parse(out / "en" / "x" / "index.html")
    assert not page.find("b") and not page.find("i")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.html
    assert "<script>alert" not in page.html


def test_raw_html_when_enabled_is_sanitised(make_site) -> None:
    body = (
        'Plain <b>bold</b> and <script>alert(1)</script> and <img src="map.png" onerror="alert(2)">.\n\n'
        '::: simonyan\n<a href="javascript:alert(3)" onclick="alert(4)">said</a> <i>softly</i>\n:::\n'
    )
    config = CONFIG + "\n[markdown]\nraw_html = true\n"
    site = make_site({"content/articles/x/en.md": article(body=body)}, config=config)
    out = build_ok(site).out
    page = parse(out / "en" / "x" / "index.html")
    assert [e.text for e in page.find("b")] == ["bold"]
    assert [e.text for e in page.find("i")] == ["softly"]
    scripts = [s for s in page.find("script") if s.attrs.get("type") != "application/ld+json"]
    sources = [re.sub(r"\.[0-9a-f]{10}\.js$", ".js", s.attrs.get("src") or "") for s in scripts]
    assert sources == ["../../static/site.js"], "only the theme's own script"
    assert "alert(1)" not in page.html
    assert "onerror" not in page.html.lower() and "onclick" not in page.html.lower()
    assert not [e for e in page.elements if "javascript" in (e.attrs.get("href") or "").lower()]


def test_templates_read_params_and_a_change_rebuilds_the_pages(make_site) -> None:
    """``[params]`` is the theme's own settings: ``site.params`` in templates, escaped like any value."""
    params = '\n[params]\naccent = "<b>teal</b>"\n[params.social]\nmastodon = "https://example.social/@news"\n'
    site = make_site({"content/articles/x/en.md": article(), "content/articles/x/ru.md": article()}, CONFIG + params)
    template = site / "theme" / "templates" / "article.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        '{% extends "base.html" %}{% block main %}<p id="p">{{ site.params.accent }} '
        "{{ site.params.social.mastodon }}</p>{% endblock %}\n",
        encoding="utf-8",
    )
    page = build_ok(site).out / "en" / "x" / "index.html"
    assert '<p id="p">&lt;b&gt;teal&lt;/b&gt; https://example.social/@news</p>' in page.read_text(encoding="utf-8")
    (site / "sitegen.toml").write_text(CONFIG + params.replace("<b>teal</b>", "plum"), encoding="utf-8")
    build_ok(site)
    assert '<p id="p">plum https://example.social/@news</p>' in page.read_text(encoding="utf-8")
