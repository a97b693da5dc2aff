"""Theme assets: CSS and JavaScript under fingerprinted names, nothing loaded from outside, and print."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from sitegen import search
from sitegen.build import build
from sitegen.theme import default_theme_dir

from .conftest import SITES, article, build_ok, example_site
from .serving import static_server
from .test_build import parse

FINGERPRINTED = re.compile(r"^(?P<stem>[\w-]+)\.(?P<digest>[0-9a-f]{10})\.(?P<suffix>css|js)$")
#: Elements and attributes whose URL the browser fetches by itself as the page loads.
FETCHED = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LINK_FETCHED = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon", "font"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


@pytest.fixture(autouse=True)
def _no_search(monkeypatch, tmp_path: Path) -> None:
    """These builds are about assets; the search index has its own tests."""
    monkeypatch.setenv(search.ENV, str(tmp_path / "no-pagefind"))


def page_url(out: Path, page: Path) -> str:
    return "http://site.test/" + page.relative_to(out).as_posix()


def local_file(out: Path, page: Path, href: str) -> Path:
    """The output file a page-relative link leads to."""
    path = urlsplit(urljoin(page_url(out, page), href)).path.lstrip("/")
    return out / path


def linked_assets(out: Path, page: Path) -> list[str]:
    parsed = parse(page)
    styles = [e.attrs["href"] or "" for e in parsed.find("link", rel="stylesheet")]
    scripts = [e.attrs["src"] or "" for e in parsed.find("script") if "src" in e.attrs]
    return styles + scripts


# -- Fingerprinted names ---------------------------------------------------------


def test_css_and_js_are_named_by_their_content(tmp_path: Path) -> None:
    out = build_ok(example_site(tmp_path)).out
    names = sorted(path.name for path in (out / "static").iterdir())
    stems = {}
    assert "favicon.svg" in names, "other files keep their names"
    for name in names:
        if not name.endswith((".css", ".js")):
            continue
        match = FINGERPRINTED.match(name)
        assert match, f"{name} has no fingerprint"
        stems[f"{match['stem']}.{match['suffix']}"] = match["digest"]
        source = default_theme_dir() / "static" / f"{match['stem']}.{match['suffix']}"
        assert match["digest"] == hashlib.sha256(source.read_bytes()).hexdigest()[:10]
        assert (out / "static" / name).read_bytes() == source.read_bytes()
    assert {"style.css", "site.js", "search.js"} <= set(stems)


def test_every_page_links_the_fingerprinted_files(tmp_path: Path) -> None:
    out = build_ok(example_site(tmp_path)).out
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        links = linked_assets(out, page)
        assert any(re.search(r"static/style\.[0-9a-f]{10}\.css$", link) for link in links), page
        assert any(re.search(r"static/site\.[0-9a-f]{10}\.js$", link) for link in links), page
        for link in links:
            assert FINGERPRINTED.match(link.rsplit("/", 1)[-1]), f"{page}: {link}"
            if not link.startswith("/"):  # the 404 pages link from the base URL's path
                assert local_file(out, page, link).is_file(), f"{page}: {link} leads nowhere"


def test_a_changed_stylesheet_gets_a_new_name_everywhere(tmp_path: Path) -> None:
    site = example_site(tmp_path)
    out = build_ok(site).out
    (old,) = (out / "static").glob("style.*.css")
    override = site / "theme" / "static" / "style.css"
    override.parent.mkdir(parents=True)
    override.write_text(old.read_text(encoding="utf-8") + "\n.masthead { background: #123; }\n", encoding="utf-8")
    build_ok(site)
    (new,) = (out / "static").glob("style.*.css")
    assert new.name != old.name and new.read_text(encoding="utf-8").endswith("#123; }\n")
    (script,) = (out / "static").glob("site.*.js")
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert new.name in html and old.name not in html, page
        assert script.name in html, "an unchanged file keeps its name"


def test_other_static_files_keep_their_names(make_site) -> None:
    site = make_site({"content/articles/x/en.md": article(), "theme/static/img/logo.svg": "<svg/>"})
    out = build_ok(site).out
    assert (out / "static" / "img" / "logo.svg").read_text() == "<svg/>"


def test_asset_of_a_missing_file_is_a_template_error(make_site) -> None:
    base = (default_theme_dir() / "templates" / "base.html").read_text(encoding="utf-8")
    broken = base.replace("asset('site.js')", "asset('sitee.js')")
    assert broken != base
    site = make_site({"content/articles/x/en.md": article(), "theme/templates/base.html": broken})
    report = build(site)
    assert not report.ok and not (site / "output").exists()
    (problem,) = [d for d in report.diagnostics if d.is_error]
    assert problem.location.path == "theme/templates/base.html" and problem.location.line > 0
    assert "asset('sitee.js'): there is no static/sitee.js in the theme" in problem.message


# -- Nothing is loaded from outside the site --------------------------------------


def external(url: str) -> bool:
    url = url.strip()
    return bool(re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.I)) and not url.startswith("data:")


@pytest.mark.parametrize("which", ["example", "basic"])
def test_no_page_loads_anything_from_outside(tmp_path: Path, which: str) -> None:
    if which == "example":
        site = example_site(tmp_path)
    else:
        site = tmp_path / "basic"
        shutil.copytree(SITES / "basic", site)
    out = build_ok(site).out
    found = []
    for page in out.rglob("*.html"):
        parsed = parse(page)
        for element in parsed.elements:
            urls = [element.attrs.get(a) or "" for a in FETCHED.get(element.tag, ())]
            if element.tag == "link" and LINK_FETCHED & set((element.attrs.get("rel") or "").lower().split()):
                urls.append(element.attrs.get("href") or "")
            urls += [m[0] or m[1] for m in CSS_URL.findall(element.attrs.get("style") or "")]
            for url in urls:
                candidates = [part.split()[0] for part in url.split(",") if part.strip()] if "," in url else [url]
                found += [f"{page.relative_to(out)}: <{element.tag}> {c}" for c in candidates if external(c)]
        for style in parsed.find("style"):
            found += [
                f"{page.relative_to(out)}: <style> {m}" for m in CSS_URL.findall(style.text) if external(m[0] or m[1])
            ]
    for sheet in out.rglob("*.css"):
        found += [
            f"{sheet.relative_to(out)}: {m}" for m in CSS_URL.findall(sheet.read_text()) if external(m[0] or m[1])
        ]
    assert not found


def test_the_theme_templates_name_no_outside_host() -> None:
    """An audit of the templates themselves: a src or stylesheet href is never an absolute URL."""
    templates = (default_theme_dir() / "templates").glob("*.html")
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"""(src|srcset|poster|data)=["'](https?:)?//""", text), template.name
        assert not re.search(r"""<link[^>]+href=["'](https?:)?//""", text), template.name
        assert "@import" not in text and "fonts.googleapis" not in text, template.name
    css = (default_theme_dir() / "static" / "style.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css and "url(http" not in css


# -- Print ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    report = build_ok(example_site(tmp_path_factory.mktemp("print")), search=False)
    with static_server(report.out) as url:
        yield url


@pytest.mark.browser
def test_printing_a_comparison(browser, served: str, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(served + "en/washington-karabakh-operation/")
    page.emulate_media(media="print")
    for hidden in (".masthead", ".site-footer", ".languages", ".sections", ".parallel-link"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator(".cell-city").first.is_visible(), "every cell says which city speaks"
    style = page.evaluate(
        """() => {
            const passage = getComputedStyle(document.querySelector('.passage'));
            const question = getComputedStyle(document.querySelector('.question'));
            const link = getComputedStyle(document.querySelector('.lead a, .voice-name'), '::after');
            const cells = [...document.querySelectorAll('.cell')];
            return {breakInside: passage.breakInside, questionAfter: question.breakAfter, after: link.content,
                    labelled: cells.every(cell => cell.querySelector('.cell-city').offsetHeight > 0),
                    cells: cells.length};
        }"""
    )
    assert style["breakInside"] == "avoid", "a passage is not split across pages"
    assert style["questionAfter"] == "avoid", "a question stays with its answers"
    assert style["labelled"] and style["cells"] > 2, "every cell says which city speaks"
    assert style["after"] in ("none", "normal"), "link addresses are not printed"
    pdf = tmp_path / "article.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    page.close()
