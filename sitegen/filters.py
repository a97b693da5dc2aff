"""The theme's filters that are plain functions of values: text direction, lists, dates, rebased links.

:mod:`sitegen.templating` installs them in each language's environment;
nothing here knows of Jinja2 beyond the ``Markup`` strings it keeps as HTML.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable

import markupsafe

from . import localization


def isolation(direction: str) -> tuple[Callable[[object], object], Callable[[object], str]]:
    """The ``bdi`` and ``isolate`` filters of a page written in ``direction``.

    A name, place or number set into an interface sentence is isolated, so a
    Latin name in a Persian sentence (or a Persian one in an English sentence)
    keeps its own direction without reordering the words around it:
    ``bdi`` wraps it in ``<bdi>`` for HTML text, ``isolate`` in Unicode's
    first-strong isolate (U+2068 … U+2069) for attributes and feed titles.
    On a right-to-left page every value is isolated; on a left-to-right one,
    a value that holds right-to-left letters (the only kind that can reorder
    a left-to-right sentence), so those pages stay as they were.
    """

    def needed(value: object) -> bool:
        if direction == "rtl":
            return True
        text = str(value)  # no ASCII letter is right-to-left: most values are done with one test
        return not text.isascii() and any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)

    def bdi(value: object) -> object:
        return markupsafe.Markup("<bdi>%s</bdi>") % value if needed(value) else value

    def isolate(value: object) -> str:
        return f"\u2068{value}\u2069" if needed(value) else str(value)

    return bdi, isolate


def listing(items: Iterable[object], locale: str) -> str:
    """``Yerevan, Baku and Moscow`` in the page's language; HTML items (``|bdi``) stay HTML."""
    values = list(items)
    if not any(isinstance(item, markupsafe.Markup) for item in values):
        return localization.format_list(map(str, values), locale)
    marks = [f"\x00{index}\x00" for index in range(len(values))]
    text = markupsafe.escape(localization.format_list(marks, locale))
    for mark, item in zip(marks, values, strict=True):
        text = text.replace(mark, markupsafe.escape(item))
    return markupsafe.Markup(text)


def isodate(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


_URL_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/)")
_ID_ATTR = re.compile(r'\sid="[^"]*"')


def rebase(html: str, base: str) -> str:
    """Make the relative links of rendered HTML work from another page.

    ``base`` leads from the page that shows the HTML to the article it came
    from (``../`` from an article's parallel view); fragment links then point
    into the article page. The HTML's own ids (footnote references) stay with
    the article page too: on a page that shows several articles or languages
    they would repeat. Only HTML made by :func:`sitegen.markup.parse_body` is expected.
    """
    if not base:
        return html

    def fix(match: re.Match[str]) -> str:
        url = match[2]
        if not url or _ABSOLUTE.match(url):
            return match[0]
        return match[1] + base + url + match[3]

    # Most passages have no links and no ids: a substring test is much cheaper than a regex scan.
    if 'href="' in html or 'src="' in html:
        html = _URL_ATTR.sub(fix, html)
    return _ID_ATTR.sub("", html) if 'id="' in html else html
