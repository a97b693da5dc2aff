"""Listing keys: the page each tag and person gets, and two different ones that would get the same page.

A tag's page is ``<lang>/tags/<slugs.key(tag)>/``. A person's is
``<lang>/people/<id>/`` for someone from ``content/people.yaml``, and
``<lang>/people/<slugs.key(name)>/`` for a voice written out in an article,
by its name in the default language. What shares a page on purpose: tags of
one :func:`slugs.identity` (``Karabakh`` and ``karabakh``), voices of one
name, everything a registry id names. Two *different* tags or people that
still meet on one page (``Ա`` and ``A``, a written-out voice whose name spells
a registry id) are an error at the second one, never a merge: a merged page
would count both and show one. (An article folder named like a section of a
language is refused where folders are read: see ``routes.RESERVED_SLUGS``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from . import slugs
from .errors import Diagnostic, Location, error
from .model import Article, Site, Voice

#: One value that asks for a page: (page folder, what counts as the same value, how to name it, where).
Claim = tuple[str, str, str, Location]


def tag_key(tag: str, lang: str) -> str:
    """The URL segment of a tag's listing in language ``lang``, ``<lang>/tags/<key>/``."""
    return slugs.key(tag, lang)


def person_key(site: Site, article: Article, voice: Voice) -> str:
    """The URL segment of a voice's person page: the registry id, or the name in the default language."""
    if voice.person:
        return voice.person
    return slugs.key(_default_voice(site, article, voice).name, site.config.default_language)


def collisions(site: Site) -> list[Diagnostic]:
    """Every value that would share a page with a different one, at the second; see the module docstring."""
    problems = list(_first_wins(_tags(site), "rename one of them, or write them the same way (letter case aside)"))
    problems += _first_wins(
        _people(site),
        "if they are one person, write the same name (or name them from content/people.yaml by id); "
        "if not, tell the names apart",
    )
    return problems


def _first_wins(claims: Iterable[Claim], hint: str) -> Iterator[Diagnostic]:
    """An error for each claim on a page that a different value claimed first.

    Pages are compared without letter case: ``people/Simonyan/`` and
    ``people/simonyan/`` are one folder on a case-insensitive disk.
    """
    first: dict[str, tuple[str, str, Location]] = {}
    for page, same, shown, where in claims:
        held = first.setdefault(page.lower(), (same, shown, where))
        if held[0] != same:
            other = Location(held[2].path, held[2].line)
            yield error(where, f"{shown} and {held[1]} ({other}) both make the page {page}", hint)


def _tags(site: Site) -> Iterator[Claim]:
    for article in site.articles:
        for translation in article.translations:
            lines = translation.tag_lines or (0,) * len(translation.tags)
            for tag, line in zip(translation.tags, lines, strict=True):
                where = Location(translation.source.path, line)
                page = f"{translation.lang}/tags/{tag_key(tag, translation.lang)}/"
                yield page, slugs.identity(tag, translation.lang), f"tag '{tag}'", where


def _people(site: Site) -> Iterator[Claim]:
    for person in site.people:
        yield f"people/{person.id}/", f"id {person.id}", f"person '{person.id}'", person.location
    for article in site.articles:
        for translation in article.translations:  # the default language first: its names key the pages
            for voice in translation.voices:
                if not voice.person and _default_voice(site, article, voice) is voice:
                    page = f"people/{person_key(site, article, voice)}/"
                    same = slugs.identity(voice.name, site.config.default_language)
                    yield page, same, f"voice '{voice.name}'", voice.location


def _default_voice(site: Site, article: Article, voice: Voice) -> Voice:
    """The voice as the article's default-language version writes it (its name there keys its page)."""
    default = article.translation(site.config.default_language) or article.translations[0]
    return default.voice(voice.id) or voice
