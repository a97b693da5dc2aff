"""Walk ``content/articles/``, read every translation, check it, assemble the Site.

Each file is read once. Problems are collected for the whole site, never
raised one at a time: an editor sees every mistake of a run together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import (
    agreement,
    checks,
    depends,
    fields,
    frontmatter,
    markup,
    people,
    signoff,
    sitechecks,
    slugs,
    sources,
    staleness,
)
from .errors import Diagnostic, Location, did_you_mean, error, warning
from .localization import described
from .model import (
    ARTICLES,
    MAX_FILE_SIZE,
    Article,
    Person,
    Site,
    SiteConfig,
    Translation,
    Voice,
)
from .routes import RESERVED_SLUGS

#: Reads article folders given the people registry: one ``(article, problems, drafts left out)`` per
#: folder, in order (see :func:`load_article`). The build's reader takes what it can from its cache
#: and reads the rest in parallel.
Reader = Callable[
    [Sequence[Path], Mapping[str, Person]], list[tuple[Article | None, list[Diagnostic], tuple[str, ...]]]
]


def load(
    config: SiteConfig,
    site_dir: Path,
    drafts: bool = False,
    today: dt.date | None = None,
    reader: Reader | None = None,
) -> tuple[Site, list[Diagnostic]]:
    """Read every article of the site and run the site-wide checks; articles with errors are left out.

    ``reader`` reads the article folders (by default, one after another with
    :func:`load_article`).
    """
    site, problems, names = read(config, site_dir, drafts, today, reader)
    return site, problems + sitechecks.run(site, names, site_dir)


def read(
    config: SiteConfig,
    site_dir: Path,
    drafts: bool = False,
    today: dt.date | None = None,
    reader: Reader | None = None,
    people_read: tuple[dict[str, Person], list[Diagnostic]] | None = None,
) -> tuple[Site, list[Diagnostic], list[str] | None]:
    """Read every article of the site, without the site-wide checks: the Site, the problems (the people
    registry's first), and the name of every folder under ``content/articles/`` (hidden ones too), for
    :func:`check` (None: there is no folder to read, and nothing to check). ``people_read``: the
    registry as :func:`sitegen.people.load` read it, when the caller did."""
    registry, problems = people_read or people.load(config, site_dir)
    problems = list(problems)
    root = site_dir / ARTICLES
    if (refused := sources.problem(site_dir, ARTICLES)) is not None:
        problems += [] if refused in problems else [refused]  # ``content/`` itself: people.load said so
        return Site(config, (), tuple(registry.values())), problems, None
    if not root.is_dir():
        problems.append(
            warning(
                Location(ARTICLES.as_posix()),
                "no articles folder yet",
                f"create {ARTICLES.as_posix()}/<slug>/{config.default_language}.md",
            )
        )
        return Site(config, (), tuple(registry.values())), problems, None
    folders, names = _folders(root, problems)
    if reader is None:
        results = [load_article(config, site_dir, folder, drafts, registry, today) for folder in folders]
    else:
        results = reader(folders, registry)
    articles = []
    left_out: list[str] = []
    for article, found, drafts in results:
        problems += found
        left_out += drafts
        if article is not None:
            articles.append(article)
    return Site(config, tuple(articles), tuple(registry.values()), tuple(left_out)), problems, names


def _folders(root: Path, problems: list[Diagnostic]) -> tuple[list[Path], list[str]]:
    """The article folders under ``root``, and the name of every folder (hidden ones too: links may name them)."""
    folders, names = [], []
    for entry in sorted(os.scandir(root), key=lambda entry: entry.name):
        if entry.name.startswith("."):
            if entry.is_dir():
                names.append(entry.name)
            continue
        if not entry.is_dir():
            problems += strays([entry.name])
            continue
        folders.append(root / entry.name)
        names.append(entry.name)
    return folders, names


def strays(files: Iterable[str]) -> list[Diagnostic]:
    """A warning for each file (not a folder) of ``files``, named under ``content/articles/``: not an article."""
    prefix = ARTICLES.as_posix()
    hint = f"articles live in {prefix}/<slug>/<lang>.md"
    return [
        warning(Location(f"{prefix}/{name}"), "not an article folder, ignored", hint)
        for name in files
        if not name.startswith(".") and name != "people.yaml"
    ]


def load_article(
    config: SiteConfig,
    site_dir: Path,
    folder: Path,
    drafts: bool = False,
    registry: Mapping[str, Person] | None = None,
    today: dt.date | None = None,
) -> tuple[Article | None, list[Diagnostic], tuple[str, ...]]:
    """Read one article folder: the article (``None`` when it has errors or nothing published), its
    problems, and the files of the translations marked ``draft: true`` that were left out (``drafts=False``).

    The build's summary counts the articles with such files, and the missing-translation
    warning names them: an editor learns that ``build`` left a draft out, and which.
    """
    reading = _Reading(config, site_dir, registry or {}, today or dt.date.today())
    problems: list[Diagnostic] = []
    article = _article(reading, folder, problems)
    if article is not None:
        problems += staleness.check(site_dir, article)
        article = staleness.behind(site_dir, article) if config.stale_notice else article
    signs = article is not None and (bool(config.require_review) or any(t.reviewed_line for t in article.translations))
    left_out: tuple[str, ...] = ()
    if article is not None and not drafts and any(t.draft for t in article.translations):
        published = tuple(t for t in article.translations if not t.draft)
        left_out = tuple(t.source.path for t in article.translations if t.draft)
        article = replace(article, translations=published) if published else None
    if article is not None and signs:  # the sign-off's per-article part, so that the site-wide check reads no file
        article = replace(article, review=signoff.review(site_dir, config, article))
    if article is not None:
        article = replace(article, outline=depends.outline(article))
    return article, problems, left_out


@dataclass(frozen=True, slots=True)
class _Reading:
    """What reading one article needs besides its folder."""

    config: SiteConfig
    site_dir: Path
    registry: Mapping[str, Person]
    today: dt.date


def _slug_problem(name: str, rel: str) -> Diagnostic:
    suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "my-article"
    if slugs.SLUG.fullmatch(name):  # only too long
        short = suggestion[: slugs.MAX_LENGTH].rstrip("-")
        return error(
            Location(rel), f"'{name}' is not a valid slug", f"at most {slugs.MAX_LENGTH} characters, e.g. '{short}'"
        )
    return error(
        Location(rel),
        f"'{name}' is not a valid slug",
        f"use lowercase ASCII letters, digits and hyphens, e.g. '{suggestion}'",
    )


def _article(reading: _Reading, folder: Path, problems: list[Diagnostic]) -> Article | None:
    """The article in ``folder`` with every translation, drafts too; None when it has errors or none."""
    config = reading.config
    rel = folder.relative_to(reading.site_dir).as_posix()
    before = len(problems)
    if not _folder_checked(reading, folder, rel, problems):
        return None
    translations: list[Translation] = []
    sound: list[agreement.Source] = []
    assets: list[str] = []
    for path in _listing(folder):
        file_rel = f"{rel}/{path.relative_to(folder).as_posix()}"
        lang = _language_file(reading, folder, path, file_rel, problems, assets)
        mark = len(problems)
        source = _translation(reading, path, file_rel, lang, problems) if lang is not None else None
        if source is not None:
            translations.append(source.translation)
            if not any(p.is_error for p in problems[mark:]):
                sound.append(source)  # compared with its translations; a broken file is not
    if not translations and len(problems) == before:
        hint = f"add {rel}/{config.default_language}.md"
        problems.append(warning(Location(rel), "the article folder has no language files", hint))
    translations.sort(key=lambda t: config.languages.index(t.lang))
    sound.sort(key=lambda s: config.languages.index(s.translation.lang))
    problems.extend(agreement.check(sound))
    if any(p.is_error for p in problems[before:]) or not translations:
        return None
    # Absolute: the cache serves the article to builds that name the site from other folders, or otherwise.
    return Article(folder.name, tuple(translations), tuple(assets), folder=os.path.abspath(folder))


def _folder_checked(reading: _Reading, folder: Path, rel: str, problems: list[Diagnostic]) -> bool:
    """The folder's name checked (problems added); False when it is a link out of the site, not to be read."""
    articles = reading.site_dir / ARTICLES
    if folder.is_symlink() and (problem := sources.link_problem(folder, articles, "articles folder")):
        problems.append(error(Location(rel), problem, f"move the article folder into {ARTICLES.as_posix()}/ instead"))
        return False
    if not slugs.is_slug(folder.name):
        problems.append(_slug_problem(folder.name, rel))
    elif folder.name in RESERVED_SLUGS:
        problems.append(
            error(
                Location(rel),
                f"'{folder.name}' is the address of a section of the site (/<lang>/{folder.name}/): "
                "the section's page would hide the article",
                f"rename the folder, e.g. '{folder.name}-article'; reserved: {', '.join(sorted(RESERVED_SLUGS))}",
            )
        )
    return True


def _language_file(
    reading: _Reading, folder: Path, path: Path, file_rel: str, problems: list[Diagnostic], assets: list[str]
) -> str | None:
    """The language of a translation file; None for anything else (a hidden file, a link out, an asset,
    which goes into ``assets`` once it passes the asset rules, a misnamed file, which is a problem)."""
    name = path.relative_to(folder).as_posix()
    if any(part.startswith(".") for part in path.relative_to(folder).parts) or path.is_dir():
        return None
    if path.is_symlink() and (problem := sources.link_problem(path, folder, "article folder")):
        problems.append(error(Location(file_rel), problem, "copy the file into the folder instead"))
        return None
    if not path.is_file():
        hint = "remove it from the folder"
        problems.append(error(Location(file_rel), "not a regular file (a pipe, socket or device?)", hint))
        return None
    if path.suffix.lower() != ".md":
        from . import assets as assets_stage  # (with an XML parser) only for a file beside the texts

        if name in assets_stage.KEPT:  # sitegen's own record beside the article (its lock), never published
            return None
        refused = assets_stage.problems(file_rel, name, _svg_bytes(path))
        problems.extend(refused)
        if not refused:
            assets.append(name)
        return None
    languages = reading.config.languages
    if path.parent != folder or path.stem not in languages or path.suffix != ".md":
        choices = [f"{code}.md" for code in languages]
        listed = ", ".join(map(described, languages))
        problems.append(
            error(
                Location(file_rel),
                f"'{name}' is not a configured language",
                did_you_mean(name, choices) + f" (languages in sitegen.toml: {listed})",
            )
        )
        return None
    return path.stem


def _listing(folder: Path) -> list[Path]:
    """Every entry under ``folder`` as ``sorted(folder.rglob("*"))`` lists them, links to folders not
    followed, in a fraction of the time (pathlib's globbing is slow, and this runs for every article)."""
    found = []
    for root, folders, files in os.walk(folder):
        rel = os.path.relpath(root, folder)
        prefix = () if rel == os.curdir else tuple(rel.split(os.sep))
        found.extend((*prefix, name) for name in folders + files)
    found.sort()
    return [folder.joinpath(*parts) for parts in found]


def _svg_bytes(path: Path) -> bytes | None:
    """An SVG's bytes, to check it holds no script (None for other files, or one that cannot be read)."""
    if path.suffix.lower() != ".svg":
        return b""
    try:
        return path.read_bytes() if path.stat().st_size <= MAX_FILE_SIZE else None
    except OSError:
        return None


def _read_text(path: Path, rel: str, problems: list[Diagnostic]) -> str | None:
    try:
        if (size := path.stat().st_size) > MAX_FILE_SIZE:
            problems.append(
                error(
                    Location(rel),
                    f"the file is too large ({size / 2**20:.1f} MB; an article file holds at most "
                    f"{MAX_FILE_SIZE // 2**20} MB)",
                    "split the text, or put documents beside it as files to link to",
                )
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(error(Location(rel), f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(error(Location(rel, line), "the file is not valid UTF-8", "save it as UTF-8"))
        return None
    if "\0" in text:
        problems.append(
            error(
                Location(rel, text[: text.index("\0")].count("\n") + 1),
                "the file holds a NUL character",
                "is it a text file?",
            )
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _translation(
    reading: _Reading, path: Path, rel: str, lang: str, problems: list[Diagnostic]
) -> agreement.Source | None:
    config = reading.config
    text = _read_text(path, rel, problems)
    if text is None:
        return None
    document = frontmatter.split(text, rel)
    problems.extend(document.problems)
    if (front := document.front) is None:
        return None
    quotes = config.quotes.get(lang, "")
    body = markup.parse_body(document.body, rel, document.body_line, config.raw_html, quotes)
    problems.extend(body.problems)
    reader = fields.Fields(front, problems)
    title = reader.text("title", required=True)
    date = reader.date()
    voices = fields.voices(config, front, reading.registry, lang, problems)
    points = fields.points(front, problems)
    fields.reviewed(config, front, problems)
    checks.passages(body.passages, voices, points, problems)
    draft = reader.flag("draft")
    tags = reader.tags(lang)
    summary = reader.text("summary")
    fields.doubts(front, text, (date, draft), reading.today, problems)
    translation = Translation(
        lang=lang,
        title=title,
        date=date,
        summary=summary,
        tags=tuple(tag for tag, _ in tags),
        tag_lines=tuple(where.line for _, where in tags),
        voices=voices,
        points=points,
        lead_html=body.lead_html,
        passages=body.passages,
        notes_html=body.notes_html,
        draft=draft,
        source=Location(rel, 1),
        links=body.links,
        digest=_digest(text, voices, config.raw_html, quotes),
        reviewed_line=signoff.reviewed_line(text),
        own_words=(
            (title, front.at("title")),
            (summary, front.at("summary")),
            *body.lead_text,
            *((point.question, point.location) for point in points),
        ),
    )
    return agreement.Source(translation, front.at("voices"), front.at("points"))


def _digest(text: str, voices: tuple[Voice, ...], raw_html: bool, quotes: str = "") -> str:
    material = f"{text}\0{voices!r}\0{raw_html}\0{quotes}".encode()
    return hashlib.blake2b(material, digest_size=16).hexdigest()
