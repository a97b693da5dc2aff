"""Any language Babel knows: its writing direction on every page, and a clear word when its catalog is missing."""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from sitegen import cli
from sitegen.build import build
from sitegen.errors import Location, Severity
from sitegen.localization import language_name, text_direction

from .conftest import REPO, SITES, article, build_ok

RTL = ["fa", "ar", "he", "ps"]
LTR = ["en", "ru", "hy", "az", "ka"]
LANGUAGES = ["en", *RTL, "ru", "hy", "az", "ka"]

CONFIG = f"""\
title = "Two views"
base_url = "https://example.org/news/"
languages = [{", ".join(f'"{code}"' for code in LANGUAGES)}]
per_page = 1

[cities.yerevan]
name = "Yerevan"
[cities.baku]
name = "Baku"
"""

VOICES = "  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan\n  namazov:\n    city: baku\n    name: H. Namazov\n"
BODY = "The lead.[^1]\n\n::: simonyan road\nSaid in Yerevan.\n:::\n\n::: namazov\nSaid in Baku.\n:::\n\n[^1]: A note.\n"


def files() -> dict[str, str]:
    """Two articles in every language (home pages and listings get a second page); a third in some."""
    found = {}
    for lang in LANGUAGES:
        for slug, date in (("road", "2023-06-05"), ("river", "2023-06-06")):
            extra = "tags: [border]\npoints:\n  road: Q?\n"
            found[f"content/articles/{slug}/{lang}.md"] = article(f"{slug} {lang}", date, VOICES, BODY, extra)
    for lang in ("en", "fa", "ka"):
        found[f"content/articles/corridor/{lang}.md"] = article(title=f"corridor {lang}", date="2023-06-07")
    return found


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("languages") / "site"
    for rel, text in {"sitegen.toml": CONFIG, **files()}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return build_ok(root, out=root / "out", search=True).out


class Elements(HTMLParser):
    """Every element's tag and attributes, and the page's body class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(path: Path) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.elements


def test_babel_says_which_languages_run_right_to_left() -> None:
    assert [text_direction(code) for code in RTL] == ["rtl"] * 4
    assert [text_direction(code) for code in LTR] == ["ltr"] * 5
    assert text_direction("ur") == "rtl" and text_direction("az-Arab") == "rtl", "by script, not by a list"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_its_languages_direction(out: Path, lang: str) -> None:
    """``<html dir>`` on every page type, and ``dir`` on each element in another language (the switcher)."""
    pages = sorted((out / lang).rglob("*.html"))
    kinds = set()
    for page in pages:
        found = elements(page)
        html = next(attrs for tag, attrs in found if tag == "html")
        assert (html["lang"], html.get("dir")) == (lang, text_direction(lang)), page
        kinds.add(next(attrs for tag, attrs in found if tag == "body")["class"].split()[0])
        marked = [(tag, attrs) for tag, attrs in found if "lang" in attrs and tag != "html"]
        assert {attrs["lang"] for _, attrs in marked} >= set(LANGUAGES), f"{page}: the switcher names every language"
        for tag, attrs in marked:
            assert attrs.get("dir") == text_direction(attrs["lang"]), (page, tag, attrs)
    # Every page type (and, in a language some article lacks, its missing-translation page).
    assert kinds - {"page-lacking"} == {
        "page-article", "page-parallel", "page-home", "page-section", "page-listing", "page-search", "page-404"
    }, kinds  # fmt: skip
    assert any("/page/2/" in page.as_posix() for page in pages)


def test_the_site_root_and_its_404_speak_the_default_language(out: Path) -> None:
    for page in (out / "index.html", out / "404.html"):
        html = next(attrs for tag, attrs in elements(page) if tag == "html")
        assert (html["lang"], html["dir"]) == ("en", "ltr"), page


@pytest.mark.parametrize("lang", ["fa", "ka"])
def test_the_parallel_view_gives_each_language_its_direction(out: Path, lang: str) -> None:
    page = out / lang / "corridor/parallel/index.html"
    cells = [attrs for _, attrs in elements(page) if "parallel-cell" in attrs.get("class", "")]
    assert {(a["lang"], a["dir"]) for a in cells} == {("en", "ltr"), ("fa", "rtl"), ("ka", "ltr")}


def test_names_and_numbers_in_interface_sentences_are_isolated(out: Path) -> None:
    """On a right-to-left page, Latin city names and numbers are isolated; left-to-right pages only need it for rtl."""
    fa = (out / "fa/road/index.html").read_text(encoding="utf-8")
    assert "<bdi>2</bdi>" in fa and "<bdi>Yerevan</bdi>" in fa and "<bdi>Baku</bdi>" in fa
    assert re.search(r"<bdi>1</bdi>\D+<bdi>3</bdi>", (out / "fa/index.html").read_text(encoding="utf-8")), "Page 1 of 3"
    assert "<bdi>" not in (out / "en/road/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feeds_carry_the_language_and_its_direction(out: Path, lang: str) -> None:
    for feed in (out / lang / "feed.xml", out / lang / "cities/baku/feed.xml"):
        text = feed.read_text(encoding="utf-8")
        assert f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">' in text
        contents = re.findall(r'<content type="html"[^>]*>(.*?)</content>', text, re.S)
        assert contents and all(c.startswith(f"&lt;div dir=&#34;{text_direction(lang)}&#34;&gt;") for c in contents)


# -- A language without a catalog ------------------------------------------------------

NO_CATALOG = """\
title = "Two views"
base_url = "https://example.org/news/"
languages = ["en", "ps", "fa",
             "he", "ka"]

[cities.kabul]
name = "Kabul"
"""


def site_without_catalogs(make_site) -> Path:
    one = article(voices="  a:\n    city: kabul\n    name: A\n", body="::: a\nSaid in Kabul.\n:::\n")
    return make_site({"content/articles/one/en.md": one}, NO_CATALOG)


def test_a_language_without_a_catalog_is_named_once_at_its_place_in_the_config(make_site) -> None:
    site = site_without_catalogs(make_site)
    reports = [build(site, write=False), build_ok(site), build_ok(site)]
    assert reports[2].unchanged, "the last build finds nothing changed, and repeats the warnings once"
    for report in reports:
        said = [d for d in report.diagnostics if "interface catalog" in d.message]
        assert [(d.location, d.severity) for d in said] == [
            (Location("sitegen.toml", 3, 20), Severity.WARNING),
            (Location("sitegen.toml", 4, 14), Severity.WARNING),
        ]
        assert said[0].message.startswith("'ps' has no interface catalog") and "English" in said[0].message
        assert said[1].message.startswith("'he' has no interface catalog")
        assert "theme/locales/ps/LC_MESSAGES/messages.po" in said[0].hint and "sitegen i18n update" in said[0].hint
    result = CliRunner().invoke(cli.main, ["check", "--site", str(site)])
    assert result.output.count("sitegen.toml:3:20: warning: 'ps' has no interface catalog") == 1, result.output
    assert result.output.count("has no interface catalog") == 2


def test_i18n_status_says_the_same(make_site) -> None:
    site = site_without_catalogs(make_site)
    result = CliRunner().invoke(cli.main, ["i18n", "status", "--site", str(site)])
    lines = result.output.splitlines()
    ps = lines.index(next(line for line in lines if line.startswith("ps ")))
    assert lines[ps + 1].strip().startswith("sitegen.toml:3:20: warning: 'ps' has no interface catalog")
    assert sum("has no interface catalog" in line for line in lines) == 2
    assert CliRunner().invoke(cli.main, ["i18n", "status", "--strict", "--site", str(site)]).exit_code == 1


def test_a_sites_own_catalog_silences_the_warning(make_site) -> None:
    site = site_without_catalogs(make_site)
    CliRunner().invoke(cli.main, ["i18n", "update", "--site", str(site)])
    assert (site / "theme/locales/ps/LC_MESSAGES/messages.po").is_file()
    assert not [d for d in build(site, write=False).diagnostics if "interface catalog" in d.message]


# -- Every shipped catalog, on every page type -------------------------------------------

THEME = REPO / "theme"
#: The languages the default theme ships a catalog for, English (the templates' own language) aside.
SHIPPED = sorted(path.parts[-3] for path in THEME.glob("locales/*/LC_MESSAGES/messages.po") if path.parts[-3] != "en")
#: What a msgid holds besides English words: placeholders for sitegen's values and for Pagefind's.
FILLED_IN = re.compile(r"%\([^)]*\)[a-z]|\[[A-Z_]+\]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: Attributes whose values people read or hear.
READ = ("title", "aria-label", "placeholder", "alt")


@cache
def english(lang: str) -> tuple[str, ...]:
    """The English a page in ``lang`` would show if its catalog failed it: each msgid's runs of words.

    Taken from the template catalog (messages.pot), every message and plural;
    a message whose translation is the English itself (a name such as "Atom") is left out.
    """
    with (THEME / "locales/messages.pot").open("rb") as handle:
        template = read_po(handle)
    with (THEME / f"locales/{lang}/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found = set()
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = catalog.get(ids[0])
        strings = translated.string if translated and isinstance(translated.string, tuple) else (translated.string,)
        if set(strings) <= set(ids):
            continue
        for text in ids:
            found.update(p.strip(" .,:;…") for p in FILLED_IN.split(text) if re.search(r"[A-Za-z]{2}", p))
    return tuple(sorted(found))


class PageText(HTMLParser):
    """The text a reader gets from a page in its own language: text and read attributes, not another language's."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", lang)]
        self.page_lang = lang
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        lang = values.get("lang", self.stack[-1][1])
        if lang == self.page_lang and tag not in ("script", "style"):
            self.parts += [values[name] for name in READ if name in values]
            if "data-strings" in values:
                self.parts += json.loads(values["data-strings"]).values()
        if tag not in VOID:
            self.stack.append((tag, "" if tag in ("script", "style") else lang))

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1 and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack[-1][1] == self.page_lang:
            self.parts.append(data)


def page_text(html: str, lang: str) -> str:
    parser = PageText(lang)
    parser.feed(html)
    return "\n".join(parser.parts)


def feed_text(xml: str, lang: str) -> str:
    root = ElementTree.fromstring(xml)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    texts = [element.text or "" for element in root.iter() if not element.tag.endswith("}content")]
    html = [element.text or "" for element in root.iter() if element.tag.endswith("}content")]
    return "\n".join([*texts, *(page_text(part, lang) for part in html)])


def leaks(text: str, lang: str) -> list[str]:
    return [words for words in english(lang) if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text)]


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site in every language the theme ships, built with search (so with its search pages)."""
    site = tmp_path_factory.mktemp("polyglot") / "site"
    shutil.copytree(SITES / "polyglot", site)
    return build_ok(site).out


def pages_of(out: Path, lang: str) -> dict[str, str]:
    """Every page and feed in ``lang``: path -> the text a reader gets from it."""
    found = {}
    for path in sorted((out / lang).rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".html":
            found[rel] = page_text(path.read_text(encoding="utf-8"), lang)
        elif path.suffix == ".xml":
            found[rel] = feed_text(path.read_text(encoding="utf-8"), lang)
    return found


def test_the_polyglot_site_has_every_page_type_in_every_shipped_language(polyglot: Path) -> None:
    assert set(SHIPPED) >= {"ru", "hy", "az", "ka", "fa"}
    for lang in ["en", *SHIPPED]:
        rels = {rel.removeprefix(f"{lang}/") for rel in pages_of(polyglot, lang)}
        expected = {
            "water-dispute/index.html", "water-dispute/parallel/index.html", "index.html", "page/2/index.html",
            "cities/index.html", "cities/baku/index.html", "people/index.html", "tags/index.html",
            "archive/index.html", "archive/2023/index.html", "search/index.html", "404.html", "feed.xml",
            "cities/baku/feed.xml",
        }  # fmt: skip
        assert expected <= rels, (lang, expected - rels)
        assert any(rel.startswith("people/") and rel.endswith("/page/2/index.html") for rel in rels), lang
        assert any(rel.startswith("tags/") and rel.count("/") == 2 for rel in rels), lang


@pytest.mark.parametrize("lang", SHIPPED)
def test_no_page_in_a_shipped_language_shows_english(polyglot: Path, lang: str) -> None:
    """Issue 12: every page type, in every shipped catalog's language, shows no English interface string."""
    assert len(english(lang)) > 50
    found = {rel: words for rel, text in pages_of(polyglot, lang).items() if (words := leaks(text, lang))}
    assert found == {}


def test_the_english_pages_show_what_the_others_must_not(polyglot: Path) -> None:
    """The same scan on the English pages finds the interface strings: it can see a leak."""
    pages = pages_of(polyglot, "en")
    seen = {words for rel, text in pages.items() for words in leaks(text, "ru")}
    assert len(seen) > 40, sorted(seen)
    assert {"No comment from", "on this point", "Skip to content", "Page", "Atom feed"} <= seen


@pytest.mark.parametrize("lang", ["ka", "fa"])
def test_georgian_and_persian_tags_each_get_a_page(polyglot: Path, lang: str) -> None:
    """Tag slugs are romanised, so two tags in these scripts do not fall together under one page."""
    tags = sorted(path.parent.name for path in (polyglot / lang / "tags").glob("*/index.html"))
    assert tags == {"ka": ["sazghvari", "tsqali"], "fa": ["ab", "mrz"]}[lang]


def test_a_georgian_language_name_begins_as_georgian_is_written() -> None:
    """Titlecasing Georgian leaves it be: its uppercase (Mtavruli) does not begin words, and most fonts lack it."""
    assert language_name("ka") == "ქართული"
    assert [language_name(code) for code in ("ru", "hy", "az", "fa")] == ["Русский", "Հայերեն", "Azərbaycan", "فارسی"]
