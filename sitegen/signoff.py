"""Per-side sign-off: which city's editor approved an article, and whether the text is still the one approved.

An article's source file (its first language in the site's order) names, in
its front matter, the editor who signed it off for each city::

    reviewed:
      yerevan: anna
      baku: leyla

``sitegen review sign SLUG CITY EDITOR`` writes that entry *and* records in
the article's lock (:mod:`sitegen.lockfile`) the editor and a digest of the
text signed: every language file of the article that is not a draft, without
its ``reviewed:`` block. A sign-off is valid while the front matter and the
lock name the same editor and the digest still matches; writing the editor
into the front matter by hand signs nothing.

With ``require_review = ["yerevan", "baku"]`` in ``sitegen.toml``, a build
refuses a published article that lacks a valid sign-off of a required city.
Drafts are exempt: an article with every language a draft is not published,
so nobody has to sign it yet; publishing a draft language changes the signed
text, so the article is signed again. Without ``require_review`` an invalid
sign-off is a warning.

:func:`signoff_state` is the API that commands and the preview's review page
share. :func:`review` reads the same once per article, with the article
(``Article.review``, kept by the build cache and the preview per folder), so
the site-wide :func:`check` that runs on every save opens no article file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import editors as editors_stage
from . import frontmatter, lockfile
from .errors import Diagnostic, Location, did_you_mean, error, expected_one_of, warning
from .frontmatter import FrontMatter
from .model import Article, Review, Side, Site, SiteConfig

FIELD = "reviewed"
_BLOCK_START = re.compile(rf"^{FIELD}[ \t]*:")
_ANY_LINE = re.compile(rf"^{FIELD}[ \t]*:", re.M)
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def signoff_state(site_dir: Path, config: SiteConfig, article: Article) -> list[Side]:
    """Each city that is required or named in ``reviewed:``, in the config's city order."""
    path, front = _source_front(site_dir, config, article)
    if path is None:
        return []
    return _sides(site_dir, config, article, path, front)


def review(site_dir: Path, config: SiteConfig, article: Article) -> Review | None:
    """What the site-wide check needs of one article's files and lock; None when it has no source file.

    Read once with the article (``content.load_article``), so that the check,
    which runs on every build and save, reads no article file.
    """
    path, front = _source_front(site_dir, config, article, needed=bool(config.require_review))
    if path is None:
        return None
    elsewhere = tuple(_elsewhere(site_dir, article, path))
    if front is None:
        return Review((), elsewhere, ())
    named = tuple((city, editor, front.at(FIELD, city)) for city, editor in _named(front).items())
    return Review(named, elsewhere, tuple(_sides(site_dir, config, article, path, front)))


def reviewed_line(text: str) -> int:
    """The line of the first ``reviewed:`` line in ``text``, 0 when there is none."""
    match = _reviewed(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _reviewed(text: str) -> re.Match[str] | None:
    """The first ``reviewed:`` line of ``text``. A plain search first: most files have none, and it is
    many times quicker than the pattern's look at every line."""
    return _ANY_LINE.search(text) if FIELD in text else None


def _sides(site_dir: Path, config: SiteConfig, article: Article, path: str, front: FrontMatter | None) -> list[Side]:
    named = _named(front)
    lock, _ = lockfile.read(site_dir / path.rpartition("/")[0], path.rpartition("/")[0])
    current = signed_digest(site_dir, config, article)
    sides = []
    for city in config.cities:
        required = city.id in config.require_review
        editor = named.get(city.id)
        if not required and editor is None:
            continue
        where = front.at(FIELD, city.id) if front is not None and editor is not None else Location(path, 1)
        record = lock.reviews.get(city.id)
        if editor is None:
            problem = "unsigned"
        elif record is None or record.editor != editor:
            problem = "unrecorded"
        elif record.digest != current:
            problem = "changed"
        else:
            problem = ""
        signed = record.signed if record is not None and record.editor == editor else ""
        sides.append(Side(city.id, editor, not problem, required, where, signed, problem))
    return sides


def signed_digest(site_dir: Path, config: SiteConfig, article: Article) -> str:
    """A digest of what a sign-off covers: each language file that is not a draft, without ``reviewed:``."""
    folder = _folder(site_dir, article)
    parts = hashlib.blake2b(digest_size=16)
    for lang in config.languages:
        try:
            text = (folder / f"{lang}.md").read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        front = frontmatter.split(text, lang).front
        if front is not None and front.data.get("draft") is True:
            continue
        body = "\n".join(line.rstrip() for line in _without_block(text.split("\n"))).strip("\n")
        parts.update(f"{lang}\0{body}\0".encode())
    return parts.hexdigest()


def check(site: Site, site_dir: Path) -> list[Diagnostic]:
    """The editors list's problems, each ``reviewed:`` entry's, and each required sign-off that is missing.

    Each article's part comes from ``article.review``, read with the article: no article file is read here.
    """
    known, problems = editors_stage.load(site.config, site_dir)
    if not site.config.require_review and not known and not problems:
        return problems  # a site that does not sign off pays nothing for it
    for article in site.articles:
        if article.review is None:
            continue
        problems += article.review.elsewhere
        problems += _entries(site.config, article.review.named, known)
        published = any(not t.draft for t in article.translations)
        for side in article.review.sides:
            if side.valid or (side.editor is None and not (side.required and published)):
                continue
            problems.append(_unsigned(site.config, article.slug, side, published))
    return problems


def sign(
    site_dir: Path, config: SiteConfig, article: Article, city: str, editor: str, today: dt.date
) -> tuple[str, str, lockfile.Lock]:
    """What ``sitegen review sign`` writes: the source file's path, its new text, and the new lock.

    The source file gets ``reviewed.<city>: <editor>``; the lock records the
    editor and the digest of the text as it will be, signed ``today``.
    """
    path, front = _source_front(site_dir, config, article)
    if path is None or front is None:
        raise ValueError(f"article '{article.slug}' has no readable source file")
    text = (site_dir / path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    named = {**_named(front), city: editor}
    new_text = with_reviewed(text, {c.id: named[c.id] for c in config.cities if c.id in named})
    folder = path.rpartition("/")[0]
    lock, problems = lockfile.read(site_dir / folder, folder)
    if problems:
        raise ValueError(str(problems[0]))
    digest = signed_digest(site_dir, config, article)  # the same once written: it leaves out reviewed:
    record = lockfile.SignOff(editor, digest, today.isoformat())
    return path, new_text, replace(lock, reviews={**lock.reviews, city: record})


def with_reviewed(text: str, named: dict[str, str]) -> str:
    """``text`` with its front matter's ``reviewed:`` block replaced by ``named`` (added before the closing ``---``)."""
    lines = text.split("\n")
    end = next((n for n in range(1, len(lines)) if _FENCE.match(lines[n])), None)
    if end is None:
        raise ValueError("the file has no front matter")
    block = [f"{FIELD}:", *(f"  {city}: {editor}" for city, editor in named.items())]
    start = next((n for n in range(1, end) if _BLOCK_START.match(lines[n])), None)
    if start is None:
        return "\n".join([*lines[:end], *block, *lines[end:]])
    stop = start + 1
    while stop < end and (not lines[stop].strip() or lines[stop][0] in " \t"):
        stop += 1
    return "\n".join([*lines[:start], *block, *lines[stop:]])


def _without_block(lines: list[str]) -> list[str]:
    """The file's lines without the front matter's ``reviewed:`` block."""
    end = next((n for n in range(1, len(lines)) if _FENCE.match(lines[n])), 0)
    kept, skipping = [], False
    for number, line in enumerate(lines):
        if 0 < number < end and _BLOCK_START.match(line):
            skipping = True
            continue
        if skipping and number < end and (not line.strip() or line[0] in " \t"):
            continue
        skipping = False
        kept.append(line)
    return kept


def _elsewhere(site_dir: Path, article: Article, source: str) -> list[Diagnostic]:
    """``reviewed:`` in a translation's file signs nothing: the sign-off is read from the source file only."""
    problems = []
    name = source.rpartition("/")[2]
    for translation in article.translations:
        if translation.source.path == source:
            continue
        try:
            text = (site_dir / translation.source.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if line := reviewed_line(text):
            problems.append(
                warning(
                    Location(translation.source.path, line),
                    f"'{FIELD}' is read from {name} only: here it signs nothing",
                    f"remove it: a sign-off covers every language, and 'sitegen review sign' writes it into {name}",
                )
            )
    return problems


def _unsigned(config: SiteConfig, slug: str, side: Side, published: bool) -> Diagnostic:
    city = config.city(side.city)
    name = city.name_in("en") if city else side.city
    required = side.required and published
    level = error if required else warning
    why = " (require_review in sitegen.toml)" if required else ""
    if side.problem == "unsigned":
        return level(
            side.location,
            f"not signed off for {name}{why}",
            f"an editor for {name} reads it, then runs: sitegen review sign {slug} {side.city} EDITOR",
        )
    if side.problem == "unrecorded":
        return level(
            side.location,
            f"the sign-off for {name} by '{side.editor}' was not recorded by 'sitegen review sign'{why}",
            f"the editor runs: sitegen review sign {slug} {side.city} {side.editor}",
        )
    return level(
        side.location,
        f"the text changed after {name}'s sign-off by '{side.editor}' on {side.signed}{why}",
        f"'{side.editor}' reads the changes ('git diff'), then signs again: "
        f"sitegen review sign {slug} {side.city} {side.editor}",
    )


def _entries(
    config: SiteConfig, named: tuple[tuple[str, str, Location], ...], known: dict[str, editors_stage.Editor]
) -> list[Diagnostic]:
    """Each editor ``reviewed:`` names edits for its city (the field's shape is :func:`fields.reviewed`'s check)."""
    problems = []
    for city, editor, where in named:
        if config.city(city) is None or (editor in known and known[editor].city == city):
            continue
        ours = [e.id for e in known.values() if e.city == city]
        hint = (did_you_mean(editor, ours) if ours else "") or f"add the editor to {editors_stage.FILE.as_posix()}"
        if editor in known:
            hint = f"'{editor}' edits for {known[editor].city}; " + (expected_one_of(ours) or hint)
        problems.append(error(where, f"'{editor}' is not an editor for {city} in content/editors.yaml", hint))
    return problems


def _named(front: FrontMatter | None) -> dict[str, str]:
    value = front.data.get(FIELD) if front is not None else None
    if not isinstance(value, dict):
        return {}
    return {str(city): editor for city, editor in value.items() if isinstance(editor, str)}


def _source_front(
    site_dir: Path, config: SiteConfig, article: Article, needed: bool = True
) -> tuple[str | None, FrontMatter | None]:
    """The article's source file (its first language in the site's order that has a file) and its front matter.

    ``needed=False``: no front matter (None) when the file holds no ``reviewed:`` line, without reading its YAML.
    """
    folder = _folder(site_dir, article)
    rel = folder.relative_to(site_dir).as_posix() if folder.is_relative_to(site_dir) else folder.as_posix()
    for lang in config.languages:
        path = folder / f"{lang}.md"
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        rel_path = f"{rel}/{lang}.md"
        if not needed and not _reviewed(text):
            return rel_path, None
        front: Any = frontmatter.split(text.replace("\r\n", "\n").replace("\r", "\n"), rel_path).front
        return rel_path, front
    return None, None


def _folder(site_dir: Path, article: Article) -> Path:
    if article.translations:
        return site_dir / article.translations[0].source.path.rpartition("/")[0]
    return Path(article.folder)
