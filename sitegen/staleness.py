"""Passage-level translation staleness: which texts of a translation are older than their source.

``sitegen i18n mark-translated SLUG LANG`` records in the article's lock
(:mod:`sitegen.lockfile`) every text of the source language (the article's
first language in the site's order) that the ``LANG`` translation was made
from: its digest and its text. A source text whose digest no longer matches
is *stale* in that translation; ``sitegen check`` warns at the translation's
line, ``sitegen check --diff`` shows what changed in the source, ``sitegen
build --strict`` refuses it, and ``stale_notice = true`` tells the page's
readers.

A translation that was never marked is not compared text by text: a site that
has not started marking is not drowned in warnings. The date shown is the day
of the source file's last commit when git tracks it with no change since, else
the day it was last saved (its modification time, in UTC).

:func:`stale_texts` and :func:`mark` are the API that commands, checks and
the preview's review page share. They read the article's files and its lock
and return values; only the command writes the lock.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import lockfile, texts
from .errors import Diagnostic, Location, warning
from .model import Article, Passage, Translation


@dataclass(frozen=True, slots=True)
class Stale:
    """One text of a translation whose source changed after the translation was made."""

    lang: str
    #: The translation's file and the line of the text in it (its first line, when the text is missing there).
    path: str
    line: int
    #: The source's file and the line of the text there now.
    source_path: str
    source_line: int
    #: How messages name the text: ``passage 'simonyan credible'``, ``the title``, ``point 'claim'``.
    label: str
    #: The day the source file was last saved.
    changed: dt.date
    #: The source text the translation was made from ("" for a text the source did not have then), and now.
    old: str
    new: str
    #: The day the translation was marked as made from ``old``.
    marked: str = ""

    @property
    def location(self) -> Location:
        return Location(self.path, self.line)

    @property
    def message(self) -> str:
        source = f"{Path(self.source_path).name}:{self.source_line}"
        return f"{self.label} is older than {source} (changed {self.changed.isoformat()})"

    def diff(self) -> str:
        """The source's change as a unified diff, from the text translated to the text now."""
        name = f"{Path(self.source_path).name}:{self.source_line}"
        lines = difflib.unified_diff(
            self.old.splitlines(),
            self.new.splitlines(),
            f"{name} as translated" + (f" ({self.marked})" if self.marked else ""),
            f"{name} now",
            lineterm="",
        )
        return "\n".join(lines)


def source_of(article: Article) -> Translation | None:
    """The translation the others are made from: the article's first in the site's language order."""
    return article.translations[0] if article.translations else None


def stale_texts(site_dir: Path, article: Article) -> list[Stale]:
    """Every stale text of every translation of ``article`` that was marked, in language and file order."""
    source = source_of(article)
    if source is None or len(article.translations) < 2:
        return []
    lock, _ = lockfile.read(_folder(site_dir, source), _rel_folder(source))
    if not lock.translations:
        return []
    found: list[Stale] = []
    own = _texts(site_dir, source)
    changed = _saved(site_dir, source)
    for translation in article.translations[1:]:
        marked = lock.translations.get(translation.lang)
        if marked is None or marked.source != source.lang or own is None:
            continue
        mine = {text.key: text for text in _texts(site_dir, translation) or ()}
        for text in own:
            digest, old = marked.texts.get(text.key, ("", ""))
            if digest == texts.digest(text.text):
                continue
            line = mine[text.key].line if text.key in mine else 1
            found.append(
                Stale(
                    translation.lang,
                    translation.source.path,
                    line,
                    source.source.path,
                    text.line,
                    text.label,
                    changed,
                    old,
                    text.text,
                    marked.marked,
                )
            )
    return found


def stale_passages(stale: list[Stale], translation: Translation) -> tuple[Passage, ...]:
    """The passages of ``translation`` that ``stale`` (from :func:`stale_texts`) names: for marking them in a page.

    A passage is found by its file and line (its ``:::`` line), as its ``Location`` holds them.
    """
    lines = {s.line for s in stale if s.path == translation.source.path}
    return tuple(p for p in translation.passages if p.location.line in lines)


def check(site_dir: Path, article: Article) -> list[Diagnostic]:
    """A warning at each stale text (``sitegen build --strict`` makes them errors), and the lock's own problems."""
    source = source_of(article)
    if source is None:
        return []
    _, problems = lockfile.read(_folder(site_dir, source), _rel_folder(source))
    for stale in stale_texts(site_dir, article):
        hint = (
            "translate the change ('sitegen check --diff' shows it), then run: "
            f"sitegen i18n mark-translated {article.slug} {stale.lang}"
        )
        problems.append(warning(stale.location, stale.message, hint))
    return problems


def behind(site_dir: Path, article: Article) -> Article:
    """``article`` with ``behind`` set on each translation that has a stale text (for ``stale_notice``).

    The page's digest changes with it, so a cached page with or without the notice is never reused wrongly.
    """
    late = {stale.lang for stale in stale_texts(site_dir, article)}
    if not late:
        return article
    translations = tuple(
        replace(t, behind=True, digest=texts.digest(t.digest + "\0behind")) if t.lang in late else t
        for t in article.translations
    )
    return replace(article, translations=translations)


def mark(site_dir: Path, article: Article, lang: str, today: dt.date) -> lockfile.Lock:
    """The article's lock with the ``lang`` translation marked as made from the source's texts as they are now.

    Raises ``ValueError`` when ``lang`` is the source language or the
    article has no such translation; the lock's other entries are kept.
    """
    source = source_of(article)
    if source is None or article.translation(lang) is None:
        raise ValueError(f"article '{article.slug}' has no '{lang}' version")
    if lang == source.lang:
        raise ValueError(f"'{lang}' is the language the other versions are translated from")
    lock, problems = lockfile.read(_folder(site_dir, source), _rel_folder(source))
    if problems:
        raise ValueError(str(problems[0]))
    own = _texts(site_dir, source) or ()
    recorded = {text.key: (texts.digest(text.text), text.text) for text in own}
    marked = lockfile.Marked(source.lang, today.isoformat(), recorded)
    return replace(lock, translations={**lock.translations, lang: marked})


def _texts(site_dir: Path, translation: Translation) -> tuple[texts.Text, ...] | None:
    try:
        text = (site_dir / translation.source.path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None  # the content stage reports why
    return texts.read(text.replace("\r\n", "\n").replace("\r", "\n"), translation.source.path)


def _saved(site_dir: Path, translation: Translation) -> dt.date:
    """When the source file last changed: its last commit when git tracks it unchanged, else its modification day.

    A checkout gives every file the day of the checkout, so git's date is the better one where there is git.
    """
    path = site_dir / translation.source.path
    try:
        seconds = path.stat().st_mtime
    except OSError:
        return dt.date.today()
    return _committed(path) or dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def _committed(path: Path) -> dt.date | None:
    """The day of the last commit of ``path`` when git tracks it and it has no change since; else None."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(path.parent), *args, "--", path.name],
            capture_output=True,
            text=True,
            timeout=10,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            check=True,
        )
        return done.stdout.strip()

    try:
        if git("status", "--porcelain"):
            return None  # changed since its last commit, or not tracked
        day = git("log", "-1", "--format=%cs")
        return dt.date.fromisoformat(day) if day else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _folder(site_dir: Path, translation: Translation) -> Path:
    return site_dir / _rel_folder(translation)


def _rel_folder(translation: Translation) -> str:
    return translation.source.path.rpartition("/")[0]
