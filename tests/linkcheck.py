"""A link checker for a built site: every internal link, asset and fragment must resolve.

Used by the build tests and the quality tests. Pages are read from the output
folder as they would be published under ``base_url``: relative and
root-relative references are resolved against the page's own URL; absolute
ones are checked when they point under ``base_url``'s host (canonical,
alternates) and ignored when they lead to another site. A reference with a
``#fragment`` into an HTML page must name an id (or ``<a name>``) on that page.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

#: Attributes that hold one URL.
URL_ATTRS = ("href", "src", "action", "poster", "data")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


class _References(HTMLParser):
    """Every URL a page refers to (with the tag and attribute), and every id it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for name in ("id", "name") if tag == "a" else ("id",):
            if name in values:
                self.ids.add(values[name])
        for name in URL_ATTRS:
            if name in values:
                self.references.append((tag, name, values[name].strip()))
        for name in ("srcset", "imagesrcset"):
            for candidate in values.get(name, "").split(","):
                if candidate.strip():
                    self.references.append((tag, name, candidate.split()[0]))
        if "style" in values:
            self.references.extend((tag, "style", url) for url in css_urls(values["style"]))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.references.extend(("style", "url", url) for url in css_urls(data))


def css_urls(css: str) -> list[str]:
    """The URLs a piece of CSS refers to (``url(...)`` and ``@import``)."""
    return [match[2] or match[4] for match in _CSS_URL.finditer(css)]


@cache
def _read(file: Path, stamp: float) -> _References:
    parser = _References()
    parser.feed(file.read_text(encoding="utf-8"))
    parser.close()
    return parser


def read(file: Path) -> _References:
    return _read(file, file.stat().st_mtime_ns)


def page_url(out: Path, file: Path, base_url: str) -> str:
    """The absolute URL a file of the output is published at."""
    rel = file.relative_to(out).as_posix()
    return base_url + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)


def target_file(out: Path, url: str, base_url: str) -> Path | None:
    """The output file a URL under ``base_url`` is answered with; folders get their index.html."""
    path = unquote(urlsplit(url).path)
    base_path = urlsplit(base_url).path
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path) :]
    target = out / rel
    if rel == "" or rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(out: Path, base_url: str) -> list[str]:
    """Every reference in every page and stylesheet that does not lead to a file (and id) of the output.

    One line per problem: ``<file>: <tag attr='value'> -> <resolved URL>`` and,
    for a missing fragment, ``(no id '<fragment>')``.
    """
    base = urlsplit(base_url)
    broken = []
    sources = sorted([*out.rglob("*.html"), *out.rglob("*.css")])
    for file in sources:
        here = page_url(out, file, base_url)
        if file.suffix == ".css":
            references = [("css", "url", url) for url in css_urls(file.read_text(encoding="utf-8"))]
        else:
            references = read(file).references
        for tag, attr, value in references:
            if not value:
                broken.append(f"{file.relative_to(out)}: <{tag} {attr}=''> is empty")
                continue
            url = urljoin(here, value)
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
                continue
            target = target_file(out, url, base_url)
            where = f"{file.relative_to(out)}: <{tag} {attr}={value!r}> -> {url}"
            if target is None or not target.is_file():
                broken.append(where)
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in read(target).ids:
                broken.append(f"{where} (no id {unquote(parts.fragment)!r})")
    return broken
