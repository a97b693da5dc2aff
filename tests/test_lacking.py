"""An article's URL in a language it lacks: a page that says so and leads to the versions that exist.

Real builds of a three-language site (en, ru, hy) in which one article has no
Armenian version and another has no Russian one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen import search, shards

from .conftest import THREE_LANGUAGES, article, build_ok, generated_site
from .linkcheck import broken_links
from .test_build import parse

BASE = "https://example.org/news/"
VOICES = "  simonyan:\n    city: yerevan\n    name: {name}\n"


NAMES = {"en": "Simonyan", "ru": "Симонян", "hy": "Սիմոնյան"}
TITLES = {
    "border-villages-water": {"en": "Water for border villages", "ru": "Вода для приграничных сёл"},
    "everywhere": {"en": "Everywhere", "ru": "Везде", "hy": "Ամենուր"},
    "no-russian": {"hy": "Միայն հայերեն"},
}


def _files() -> dict[str, str]:
    """Simonyan speaks in the articles with an English version; the Armenian-only one has another commentator
    (a name written in Armenian alone would make the same person page as 'Simonyan', which is an error)."""
    return {
        f"content/articles/{slug}/{lang}.md": article(
            title, "2023-06-01", voices=VOICES.format(name="Առաքելյան" if slug == "no-russian" else NAMES[lang])
        )
        for slug, titles in TITLES.items()
        for lang, title in titles.items()
    }


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lacking") / "site"
    root.mkdir()
    (root / "sitegen.toml").write_text(THREE_LANGUAGES, encoding="utf-8")
    for rel, text in _files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return build_ok(root).out


def test_a_lacking_language_has_a_page_in_that_language_leading_to_the_versions(out: Path) -> None:
    page = parse(out / "hy" / "border-villages-water" / "index.html")
    assert page.one("html").attrs["lang"] == "hy"
    assert "Այս մեկնաբանությունը հայերեն հասանելի չէ։" in page.one("h1").text
    listed = [a for a in page.find("a") if "hreflang" in a.attrs and "language" not in a.attrs.get("class", "")]
    versions = {a.attrs["hreflang"]: a.attrs["href"] for a in listed}
    assert versions == {"en": "../../en/border-villages-water/", "ru": "../../ru/border-villages-water/"}
    assert "Water for border villages" in page.html and "Вода для приграничных сёл" in page.html


def test_the_lacking_page_is_not_indexed_and_names_the_default_version_canonical(out: Path) -> None:
    page = parse(out / "hy" / "border-villages-water" / "index.html")
    assert page.one("meta", name="robots").attrs["content"] == "noindex"
    assert page.one("link", rel="canonical").attrs["href"] == BASE + "en/border-villages-water/"
    assert not [link for link in page.find("link", rel="alternate") if "hreflang" in link.attrs], "it is no version"
    assert not page.having("data-pagefind-body"), "left out of the search index"
    other = parse(out / "ru" / "no-russian" / "index.html")
    assert other.one("link", rel="canonical").attrs["href"] == BASE + "hy/no-russian/", "no English: the first version"
    assert "Этот комментарий не переведён на русский." in other.one("h1").text


def test_the_switcher_leads_a_lacking_language_to_its_page_but_hreflang_lists_only_versions(out: Path) -> None:
    for lang in ("en", "ru"):
        page = parse(out / lang / "border-villages-water" / "index.html")
        armenian = page.one("a", hreflang="hy")
        assert armenian.attrs["href"] == "../../hy/border-villages-water/"
        assert "elsewhere" in armenian.attrs["class"].split()
        assert not page.find("span", class_="language missing"), "nothing struck out"
        alternates = {link.attrs["hreflang"] for link in page.find("link", rel="alternate") if "hreflang" in link.attrs}
        assert alternates == {"en", "ru", "x-default"}
    parallel = parse(out / "en" / "border-villages-water" / "parallel" / "index.html")
    assert parallel.one("a", hreflang="hy").attrs["href"] == "../../../hy/border-villages-water/"


def test_lacking_pages_stay_out_of_the_sitemap_and_the_feeds(out: Path) -> None:
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "hy/border-villages-water/" not in sitemap and "ru/no-russian/" not in sitemap
    assert BASE + "en/border-villages-water/" in sitemap
    assert "border-villages-water" not in (out / "hy" / "feed.xml").read_text(encoding="utf-8")
    assert "border-villages-water" not in (out / "hy" / "index.html").read_text(encoding="utf-8")


def test_no_404_page_strikes_out_a_language(out: Path) -> None:
    for file in ("404.html", "en/404.html", "ru/404.html", "hy/404.html"):
        page = parse(out / file)
        assert not page.find("span", class_="language missing"), file
        homes = {a.attrs["hreflang"]: a.attrs["href"] for a in page.find("a") if "language" in a.attrs.get("class", "")}
        lang = page.one("html").attrs["lang"]
        assert homes == {code: f"/news/{code}/" for code in ("en", "ru", "hy") if code != lang}, file


def test_every_page_of_a_site_with_lacking_languages_links_somewhere(out: Path) -> None:
    assert broken_links(out, BASE) == []
    struck = [p for p in out.rglob("*.html") if re.search(r'class="language missing"', p.read_text("utf-8"))]
    assert struck == []


def test_a_translation_added_later_replaces_the_lacking_page(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "sitegen.toml").write_text(THREE_LANGUAGES, encoding="utf-8")
    for rel, text in _files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    build_ok(root)
    (root / "content/articles/border-villages-water/hy.md").write_text(
        article("Ջուր սահմանամերձ գյուղերին", voices=VOICES.format(name="Սիմոնյան")), encoding="utf-8"
    )
    out = build_ok(root).out
    page = parse(out / "hy" / "border-villages-water" / "index.html")
    assert not page.find("meta", name="robots")
    assert page.one("h1").text.strip() == "Ջուր սահմանամերձ գյուղերին"
    assert "hy/border-villages-water/" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_a_small_rebuild_does_not_index_a_language_that_has_only_pages_saying_so(tmp_path: Path) -> None:
    """Armenian has no article, only pages saying each one is not available in it: there is nothing to search.

    An edit changes those pages, and Pagefind, run on that language alone, would index them whole.
    """
    assert search.executable() is not None, "Pagefind is not installed: pip install -e '.[search]'"
    site = generated_site(40, tmp_path / "site")
    config = site / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('["en", "ru"]', '["en", "ru", "hy"]'), "utf-8")
    out = build_ok(site).out
    listed = out / search.BUNDLE / shards.MANIFEST  # the shards of each language
    assert set(json.loads(listed.read_text(encoding="utf-8"))["languages"]) == {"en", "ru"}
    source = site / "content" / "articles" / "article-00007" / "en.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(re.sub(r"(?m)^title: .*$", 'title: "An edited title"', text, count=1), encoding="utf-8")
    report = build_ok(site)
    assert 0 < report.rendered < report.files / 10, "a patch, not a new folder"
    assert "An edited title" in (out / "hy" / "article-00007" / "index.html").read_text(encoding="utf-8")
    assert set(json.loads(listed.read_text(encoding="utf-8"))["languages"]) == {"en", "ru"}
    assert not (out / search.BUNDLE / "hy").exists()
