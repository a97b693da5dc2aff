"""Checks over read content: passages against their front matter, and the site
as a whole (links between articles, images, dates, missing translations).
Translations against each other are :mod:`sitegen.agreement`'s.

Pure: every function takes model values and returns or appends diagnostics.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from . import keys
from .errors import Diagnostic, Location, Suggestions, did_you_mean, error, warning
from .localization import described
from .model import Article, Passage, Point, Site, Voice
from .routes import article_at, article_path
from .slugs import slugify

_PLACEHOLDER = re.compile(r"\bTODO:")


def placeholder_line(text: str) -> int:
    """The line of the first ``TODO:`` that ``sitegen new`` left in a file, or 0."""
    if "TODO:" not in text:  # the common case, without a regex scan of the whole file
        return 0
    match = _PLACEHOLDER.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def passages(
    said: Iterable[Passage], voices: tuple[Voice, ...], points: tuple[Point, ...], problems: list[Diagnostic]
) -> None:
    """Passages name declared voices and points, say something; every voice speaks, every point is answered."""
    voice_ids = [v.id for v in voices]
    point_ids = [p.id for p in points]
    voice_set, point_set = set(voice_ids), set(point_ids)  # membership once per passage: thousands of each
    near_voice, near_point = Suggestions(voice_ids), Suggestions(point_ids)
    spoken, answered = set(), set()
    for passage in said:
        if not passage.html.strip():
            problems.append(
                error(
                    passage.location,
                    f"passage '::: {' '.join(filter(None, (passage.voice, passage.point)))}' is empty",
                    "write what the voice said between the ':::' lines, or remove the passage",
                )
            )
        # A misspelt id counts for the one it was meant as: its error names it, so "never speaks" would be noise.
        spoken.add(passage.voice if passage.voice in voice_set else near_voice.closest(passage.voice))
        answered.add(passage.point if passage.point in point_set else near_point.closest(passage.point or ""))
        if voices and passage.voice not in voice_set:
            problems.append(
                error(
                    passage.location,
                    f"passage for undeclared voice '{passage.voice}'",
                    near_voice.hint(passage.voice) + " (declare voices in the front matter)",
                )
            )
        if passage.point is not None and passage.point not in point_set:
            hint = near_point.hint(passage.point) if point_ids else "this article declares no points"
            problems.append(
                error(
                    passage.location,
                    f"passage names undeclared point '{passage.point}'",
                    hint + " (declare points in the front matter)",
                )
            )
    problems += _silent(voices, points, spoken, answered)


def _silent(voices: Sequence[Voice], points: Sequence[Point], spoken: set, answered: set) -> list[Diagnostic]:
    """A warning for each voice that never speaks and each point never answered."""
    found = [
        warning(
            voice.location, f"voice '{voice.id}' never speaks", f"add a passage '::: {voice.id}' or remove the voice"
        )
        for voice in voices
        if voice.id not in spoken
    ]
    found += [
        warning(
            point.location,
            f"point '{point.id}' is never answered",
            f"add a passage '::: <voice> {point.id}' or remove the point",
        )
        for point in points
        if point.id not in answered
    ]
    return found


def _missing_translations(article: Article, languages: Iterable[str], drafts: set[str]) -> list[Diagnostic]:
    """A warning for each configured language the article lacks, or holds only as a draft left out."""
    found = []
    present = set(article.languages)
    for lang in languages:
        if lang in present or not article.translations:
            continue
        first = article.translations[0].source
        folder = posixpath.dirname(first.path)
        draft = f"{folder}/{lang}.md"
        if draft in drafts:
            found.append(
                warning(
                    Location(draft, 1),
                    f"the {lang} version is a draft: this build leaves it out",
                    "delete its 'draft: true' line to publish it, or build with --drafts; "
                    f"until then the article's pages say it is not available in {lang}",
                )
            )
            continue
        found.append(
            warning(
                Location(first.path, 1),
                f"the article has no {described(lang)} translation yet",
                f"add {folder}/{lang}.md; until then /{article_path(lang, article.slug)} says it is not"
                f" available in {described(lang)} and links to the versions that exist",
            )
        )
    return found


def site(site: Site, folders: Iterable[str]) -> list[Diagnostic]:
    """Site-wide checks of each article: links between articles and to files, missing translations.

    ``folders`` are the names of every article folder, published or not, so a
    link to a draft is told apart from a link to nothing.
    """
    problems: list[Diagnostic] = []
    known = set(folders)
    languages = site.config.languages
    drafts = set(site.drafts_left_out)
    near = Suggestions(known)  # one per site: an article can hold thousands of broken links
    for article in site.articles:
        problems += _missing_translations(article, languages, drafts)
        near_asset = Suggestions(article.assets)
        for translation in article.translations:
            for href, where in translation.links:
                problem = _link_problem(site, article, translation.lang, href, known, (near, near_asset))
                if problem:
                    problems.append(error(where, *problem))
                elif not translation.draft and (draft := _draft_target(site, article.slug, translation.lang, href)):
                    # Only a site read with its drafts (check, the preview, --drafts) gets here:
                    # without them the same link is the "not published" error below.
                    problems.append(
                        warning(
                            where,
                            f"'{href}' links to '{draft}', a draft: building without --drafts fails here",
                            "publish it first, or remove the link",
                        )
                    )
    return problems


def outlined(site: Site) -> list[Diagnostic]:
    """The site-wide checks that read only the articles' outlines (see :mod:`sitegen.depends`): tags no
    article uses, pages two values share. A rebuild after a text edit takes them from the last build."""
    return _unused_tags(site) + keys.collisions(site)


def _unused_tags(site: Site) -> list[Diagnostic]:
    """A ``[tags.<slug>]`` table that no article uses but one nearly does: most likely a typo in its slug.

    Tables declared ahead of the articles that will use them are fine and say nothing.
    """
    used = {slugify(tag) for article in site.articles for t in article.translations for tag in t.tags}
    problems = []
    for key in site.config.tags:
        if key not in used and (hint := did_you_mean(key, used)).startswith("did you mean"):
            where = Location(site.config.source, site.config.tag_lines.get(key, 0))
            problems.append(warning(where, f"no article has the tag '{key}', so its name is never shown", hint))
    return problems


def _target(slug: str, lang: str, href: str) -> str | None:
    """Where a relative link in article ``slug``'s ``lang`` page leads, as a site path; None for other links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(article_path(lang, slug), unquote(parts.path)))


def _draft_target(site: Site, slug: str, lang: str, href: str) -> str | None:
    """The slug of the draft that a resolving link in article ``slug``'s ``lang`` page leads to, if any."""
    found = article_at(_target(slug, lang, href) or "")
    if found is None:
        return None
    target_lang, target_slug = found
    article = site.article(target_slug)
    translation = article.translation(target_lang) if article is not None else None
    return target_slug if translation is not None and translation.draft else None


def _link_problem(
    site: Site, article: Article, lang: str, href: str, known: set[str], near: tuple[Suggestions, Suggestions]
) -> tuple[str, str] | None:
    """Why a relative link in an article page leads nowhere, or None when it resolves.

    ``near`` suggests article folders and files of the article's folder.
    """
    slug, assets = article.slug, article.assets
    target = _target(slug, lang, href)
    if target is None:
        return None
    own = article_path(lang, slug)
    if target.startswith(own) or target + "/" == own:
        name = target[len(own) :]
        if not name or name in assets or name == "index.html":
            return None
        return (
            f"'{href}' points to a file that is not in the article folder",
            near[1].hint(name) if assets else "put the file next to the article's .md files",
        )
    found = article_at(target)
    if found is None:
        return None
    target_lang, target_slug = found
    if target_lang not in site.config.languages:
        return None
    article = site.article(target_slug)
    if article is not None and target_lang in article.languages:
        return None
    if article is not None:
        return (
            f"'{href}' links to '{target_slug}', which has no {described(target_lang)} translation",
            f"link to a language it exists in: {', '.join(map(described, article.languages))}",
        )
    if target_slug in known:
        return (
            f"'{href}' links to '{target_slug}', which is not published (a draft, or it has errors)",
            "publish it first, or remove the link",
        )
    return (f"'{href}' links to an article that does not exist", near[0].hint(target_slug))
