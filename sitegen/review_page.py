"""The review page: the preview's view of an article for its editors, made on request and never built.

``sitegen serve`` answers, under its own namespace (never under the site's path):

- ``/_sitegen/review/``: leads to ``/_sitegen/review/<default language>/``;
- ``/_sitegen/review/<lang>/``: every article with what waits for its editors
  (errors, warnings, stale translations, missing sign-offs);
- ``/_sitegen/review/<lang>/<slug>/``: the article in every language side by
  side, passage by passage (:mod:`sitegen.review`), each passage with its
  notes, and at the top each language's balance figures, its problems and
  the sign-offs. ``<lang>`` is the language the page speaks and the column
  shown first.

Pages are rendered from what the preview holds (the Site it shows, the theme's
environments, the problems of the last rebuild) with the theme's templates
under ``preview/``, so every string is in the theme's catalogs. The served
article pages get their marks from here too (:func:`marks`): each stale passage
is marked, and a link leads to the page's review.

Notes come from three providers, one function each: the rebuild's problems
(:func:`checks`), staleness (:func:`stale_notes`, from :mod:`sitegen.staleness`)
and sign-off (:func:`signoff_notes`, from :mod:`sitegen.signoff`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import editors, localization, pages, review, signoff, staleness, templating
from .errors import Diagnostic, Location
from .live import PREFIX as INTERNAL
from .model import ARTICLES, Article, Site, SiteConfig
from .report import Prepared
from .review import Check, Note, Signoff, StaleMark
from .routes import article_path
from .theme import Theme

#: The review pages' path under the preview's own namespace.
PREFIX = INTERNAL + "review/"
#: Their style sheet, served beside them (never part of a theme's static files, so never built).
STYLE = Path(__file__).with_name("review.css")
STYLE_URL = INTERNAL + "review.css"


@dataclass(frozen=True)
class State:
    """What the preview holds when a review page is asked for."""

    site_dir: Path
    site: Site
    theme: Theme
    environments: Mapping[str, jinja2.Environment]
    diagnostics: tuple[Diagnostic, ...]

    @classmethod
    def of(cls, site_dir: Path, shown: Prepared, diagnostics: tuple[Diagnostic, ...]) -> State:
        """The state from what the preview folder was last built from (``Preview.shown()``)."""
        return cls(site_dir, shown.site, shown.theme, shown.environments, diagnostics)


@dataclass(frozen=True, slots=True)
class Answer:
    """A page to send (``status``, ``body``) or, with ``redirect``, the path segments to send the browser to."""

    status: int = 200
    body: bytes = b""
    redirect: tuple[str, ...] = ()


# -- Providers: where each kind of note comes from ------------------------------


def checks(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Note]]:
    """The rebuild's problems by article folder name; those outside any article folder under ``""``."""
    found: dict[str, list[Note]] = {}
    prefix = ARTICLES.as_posix() + "/"
    for diagnostic in diagnostics:
        path = diagnostic.location.path
        slug = path[len(prefix) :].split("/", 1)[0] if path.startswith(prefix) else ""
        found.setdefault(slug, []).append(Check(diagnostic))
    return found


def stale_notes(site_dir: Path, site: Site, article: Article) -> list[Note]:
    """The article's translated texts whose source changed since they were translated (:mod:`sitegen.staleness`)."""
    return [
        StaleMark(
            found.location,
            Location(found.source_path, found.source_line),
            found.label,
            found.changed,
            found.old,
            found.new,
            found.message,
        )
        for found in staleness.stale_texts(site_dir, article)
    ]


def signoff_notes(site_dir: Path, config: SiteConfig, article: Article) -> list[Note]:
    """Each city's sign-off of the article, required or given (:mod:`sitegen.signoff`), editors by name."""
    known, _ = editors.load(config, site_dir)
    return [
        Signoff(city, known[side.editor].name if side.editor in known else side.editor, side.valid, side.required)
        for side in signoff.signoff_state(site_dir, config, article)
        if (city := config.city(side.city)) is not None
    ]


def article_notes(state: State, article: Article, found: Mapping[str, list[Note]]) -> list[Note]:
    """Every note about ``article``: its problems (from ``found``, by :func:`checks`), staleness, sign-offs.

    A stale text is a warning of the check too: it is shown once, as what it is.
    """
    stale = stale_notes(state.site_dir, state.site, article)
    signed = signoff_notes(state.site_dir, state.site.config, article)
    told = {(note.location, note.message) for note in stale if isinstance(note, StaleMark)}
    checked = [
        note
        for note in found.get(article.slug, ())
        if not (isinstance(note, Check) and (note.location, note.diagnostic.message) in told)
    ]
    return review.notes_of(article.slug, [*checked, *stale, *signed])


# -- Requests -------------------------------------------------------------------


def answer(state: State | None, segments: list[str]) -> Answer | None:
    """The answer to ``/_sitegen/review/`` + ``segments``; None: there is no such page (or, while the config
    or the theme is broken, no page at all: the preview's 404 then shows the problems over it)."""
    if state is None:
        return None
    config = state.site.config
    if segments in ([], [""]):
        return Answer(redirect=("_sitegen", "review", config.default_language, ""))
    lang, *rest = segments
    if lang not in config.languages or lang not in state.environments:
        return None
    if rest in ([], [""]):
        return (
            Answer(redirect=("_sitegen", "review", lang, ""))
            if not rest
            else _made(state, lambda: index_page(state, lang))
        )
    if len(rest) == 1:
        return Answer(redirect=("_sitegen", "review", lang, rest[0], ""))
    if len(rest) != 2 or rest[1] or (article := state.site.article(rest[0])) is None:
        return None
    return _made(state, lambda: article_page(state, lang, article))


def _made(state: State, page: Callable[[], bytes]) -> Answer:
    """The page, or a 500 that names the template line a theme broke (a site's theme may override the pages)."""
    try:
        return Answer(body=page())
    except templating.TemplateError as exc:
        problem = html.escape(str(templating.template_problem(exc, state.theme)))
        return Answer(500, f"<!DOCTYPE html>\n<title>sitegen</title>\n<pre>{problem}</pre>\n".encode())


def review_url(lang: str, slug: str = "") -> str:
    return f"{PREFIX}{lang}/" + (f"{slug}/" if slug else "")


def index_page(state: State, lang: str) -> bytes:
    """Every article, newest first in ``lang`` (then those it lacks), with its counts, and the other problems."""
    site = state.site
    found = checks(state.diagnostics)
    shown = [article for article, _ in site.in_language(lang)]
    shown += [article for article in site.articles if article.translation(lang) is None]
    items = []
    for article in shown:
        t = article.translation(lang) or article.translations[0]
        notes = article_notes(state, article, found)
        items.append(
            {
                "slug": article.slug,
                "translation": t,
                "url": review_url(lang, article.slug),
                "counts": review.count(notes),
                "languages": [localization.language_name(code, lang, menu=False) for code in article.languages],
            }
        )
    known = {article.slug for article in site.articles}
    others = [note for slug, notes in sorted(found.items()) if slug not in known for note in notes]
    context = _context(state, lang, lambda code: review_url(code))
    context.update(items=items, others=others)
    return _render(state, lang, "preview/reviews.html", context)


def article_page(state: State, lang: str, article: Article, notes: list[Note] | None = None) -> bytes:
    """The review of ``article`` in the language ``lang``, with ``notes`` (by default, those the providers give)."""
    if notes is None:
        notes = article_notes(state, article, checks(state.diagnostics))
    shown = review.review(state.site, article.slug, lang, notes)
    assert shown is not None  # the article has translations: the Site holds no article without one
    context = _context(state, lang, lambda code: review_url(code, article.slug))
    first = shown.languages[0].translation
    elsewhere = [d for d in state.diagnostics if d.is_error and not review.notes_of(article.slug, [Check(d)])]
    context.update(
        elsewhere=len(elsewhere),
        review=shown,
        article_urls={t.lang: context["url"](article_path(t.lang, article.slug)) for t in article.translations},
        index_url=review_url(lang),
        first=first,
    )
    return _render(state, lang, "preview/review.html", context)


def marks(state: State | None, names: list[str]) -> bytes:
    """What the preview adds to the served page at ``names`` (its path under the site): for an article page,
    its stale texts and the link to its review; for its parallel view, the link; nothing for another page."""
    names = names[:-1] if names[-1:] == ["index.html"] else names
    if state is None or len(names) not in (2, 3) or names[2:] not in ([], ["parallel"]):
        return b""
    lang, slug = names[0], names[1]
    article = state.site.article(slug)
    if article is None or article.translation(lang) is None or lang not in state.environments:
        return b""
    notes = [] if names[2:] else stale_notes(state.site_dir, state.site, article)  # the parallel view: a link
    try:
        return article_marks(state, lang, article, notes)
    except templating.TemplateError:
        return b""  # a broken preview template must not cost the page itself; the review page names the line


def article_marks(state: State, lang: str, article: Article, notes: list[Note]) -> bytes:
    """The marks of ``article``'s page in ``lang``: the ``notes`` of its passages (by their number on the page,
    ``#passage-<n>``) and of its header, for the preview's script to put in place."""
    shown = review.review(state.site, article.slug, lang, review.notes_of(article.slug, notes))
    assert shown is not None
    numbers = {id(passage): n for n, passage in enumerate(shown.languages[0].translation.passages, 1)}
    marked = [
        (numbers[id(cell.passage)], cell.notes)
        for line in shown.lines
        if line.cells and (cell := line.cells[0]).passage is not None and cell.notes
    ]
    context = {"review_url": review_url(lang, article.slug), "style_url": STYLE_URL, "lang": lang}
    context.update(head=shown.languages[0].notes, passages=marked)
    return _render(state, lang, "preview/marks.html", context)


def _context(state: State, lang: str, address: Callable[[str], str]) -> dict[str, Any]:
    """What base.html needs, with links to the site's own pages absolute (the page is outside the site's path),
    and a language switcher that leads to the same review page in each language."""
    site = state.site
    context = pages.base_context(site, lang, "", {}, absolute_links=True)
    context["switcher"] = [
        pages.Link(code, localization.language_name(code), address(code), None, code == lang)
        for code in site.config.languages
    ]
    context.update(canonical="", alternates=[], robots="noindex", style_url=STYLE_URL)
    return context


def _render(state: State, lang: str, name: str, context: dict[str, Any]) -> bytes:
    return state.environments[lang].get_template(name).render(context).encode("utf-8")
