"""Walk ``content/articles/``, read every translation, check it, assemble the Site.

Each file is read once. Problems are collected for the whole site, never
raised one at a time: an editor sees every mistake of a run together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import checks, frontmatter, markup, people
from .errors import Diagnostic, Location, did_you_mean, error, warning
from .frontmatter import FrontMatter
from .model import Article, Person, Point, Site, SiteConfig, Translation, Voice

ARTICLES = Path("content") / "articles"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
FIELDS = ("title", "date", "summary", "tags", "voices", "points", "draft")


def load(
    config: SiteConfig, site_dir: Path, drafts: bool = False, today: dt.date | None = None
) -> tuple[Site, list[Diagnostic]]:
    """Read every article of the site; articles with errors are left out of the Site."""
    registry, problems = people.load(config, site_dir)
    root = site_dir / ARTICLES
    if not root.is_dir():
        problems.append(
            warning(
                Location(ARTICLES.as_posix()),
                "no articles folder yet",
                f"create {ARTICLES.as_posix()}/<slug>/{config.default_language}.md",
            )
        )
        return Site(config, (), tuple(registry.values())), problems
    articles = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith("."):
            continue
        rel = folder.relative_to(site_dir).as_posix()
        if not folder.is_dir():
            if folder.name != "people.yaml":
                problems.append(
                    warning(
                        Location(rel),
                        "not an article folder, ignored",
                        f"articles live in {ARTICLES.as_posix()}/<slug>/<lang>.md",
                    )
                )
            continue
        article, found = load_article(config, site_dir, folder, drafts, registry, today)
        problems += found
        if article is not None:
            articles.append(article)
    site = Site(config, tuple(articles), tuple(registry.values()))
    return site, problems + check_site(site, site_dir)


def count_sources(site_dir: Path) -> int:
    """How many content files a load reads: article files and the people registry."""
    root = site_dir / ARTICLES
    articles = sum(1 for _ in root.glob("*/**/*.md")) if root.is_dir() else 0
    return articles + (site_dir / people.FILE).is_file()


def check_site(site: Site, site_dir: Path) -> list[Diagnostic]:
    """The checks that need the whole site: links between articles, missing translations."""
    root = site_dir / ARTICLES
    folders = [f.name for f in root.iterdir() if f.is_dir()] if root.is_dir() else []
    return checks.site(site, folders)


def load_article(
    config: SiteConfig,
    site_dir: Path,
    folder: Path,
    drafts: bool = False,
    registry: Mapping[str, Person] | None = None,
    today: dt.date | None = None,
) -> tuple[Article | None, list[Diagnostic]]:
    """Read one article folder; ``None`` when it has errors or nothing published."""
    reading = _Reading(config, site_dir, registry or {}, today or dt.date.today())
    problems: list[Diagnostic] = []
    return _article(reading, folder, drafts, problems), problems


@dataclass(frozen=True, slots=True)
class _Reading:
    """What reading one article needs besides its folder."""

    config: SiteConfig
    site_dir: Path
    registry: Mapping[str, Person]
    today: dt.date


def _article(reading: _Reading, folder: Path, drafts: bool, problems: list[Diagnostic]) -> Article | None:
    config = reading.config
    rel = folder.relative_to(reading.site_dir).as_posix()
    before = len(problems)
    if not SLUG.match(folder.name):
        suggestion = re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-") or "my-article"
        problems.append(
            error(
                Location(rel),
                f"'{folder.name}' is not a valid slug",
                f"use lowercase ASCII letters, digits and hyphens, e.g. '{suggestion}'",
            )
        )
    translations: list[Translation] = []
    assets: list[str] = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        file_rel = f"{rel}/{name}"
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or path.is_dir():
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            problems.append(
                error(
                    Location(file_rel),
                    "a link that points outside the article folder",
                    "copy the file into the folder instead",
                )
            )
            continue
        if path.suffix != ".md":
            assets.append(name)
            continue
        lang = path.stem
        if path.parent != folder or lang not in config.languages:
            choices = [f"{code}.md" for code in config.languages]
            problems.append(
                error(
                    Location(file_rel),
                    f"'{name}' is not a configured language",
                    did_you_mean(name, choices) + f" (languages in sitegen.toml: {', '.join(config.languages)})",
                )
            )
            continue
        translation = _translation(reading, path, file_rel, lang, problems)
        if translation is not None:
            translations.append(translation)
    if not translations and len(problems) == before:
        problems.append(
            warning(
                Location(rel), "the article folder has no language files", f"add {rel}/{config.default_language}.md"
            )
        )
    translations.sort(key=lambda t: config.languages.index(t.lang))
    problems.extend(checks.agreement(translations))
    if any(p.is_error for p in problems[before:]):
        return None
    published = tuple(t for t in translations if drafts or not t.draft)
    if not published:
        return None
    return Article(folder.name, published, tuple(assets), folder=str(folder))


def _read_text(path: Path, rel: str, problems: list[Diagnostic]) -> str | None:
    try:
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


def _translation(reading: _Reading, path: Path, rel: str, lang: str, problems: list[Diagnostic]) -> Translation | None:
    config = reading.config
    text = _read_text(path, rel, problems)
    if text is None:
        return None
    document = frontmatter.split(text, rel)
    problems.extend(document.problems)
    front = document.front
    if front is None:
        return None
    body = markup.parse_body(document.body, rel, document.body_line, config.raw_html)
    problems.extend(body.problems)
    reader = _Fields(front, problems)
    for key in front.data:
        if key not in FIELDS:
            problems.append(warning(front.at(key), f"unknown field '{key}'", did_you_mean(key, FIELDS)))
    title = reader.text("title", required=True)
    date = reader.date()
    day = date.date() if isinstance(date, dt.datetime) else date
    if day > reading.today and "date" not in front.invalid:
        problems.append(
            warning(
                front.at("date"),
                f"the date {date.isoformat()} is in the future",
                "the article is published anyway; is the year right?",
            )
        )
    voices = _voices(config, front, reading.registry, lang, problems)
    points = _points(front, problems)
    checks.passages(body.passages, voices, points, problems)
    draft = reader.flag("draft")
    if not draft and (placeholder := checks.placeholder_line(text)):
        problems.append(
            warning(
                Location(rel, placeholder),
                "a 'TODO' placeholder is left in an article that is not a draft",
                "write the text, or put 'draft: true' back",
            )
        )
    return Translation(
        lang=lang,
        title=title,
        date=date,
        summary=reader.text("summary"),
        tags=reader.tags(),
        voices=voices,
        points=points,
        lead_html=body.lead_html,
        passages=body.passages,
        notes_html=body.notes_html,
        draft=draft,
        source=Location(rel, 1),
        links=body.links,
        digest=_digest(text, voices, config.raw_html),
    )


def _digest(text: str, voices: tuple[Voice, ...], raw_html: bool) -> str:
    material = f"{text}\0{voices!r}\0{raw_html}".encode()
    return hashlib.blake2b(material, digest_size=16).hexdigest()


class _Fields:
    """Typed access to front-matter fields; each mistake becomes a located problem."""

    def __init__(self, front: FrontMatter, problems: list[Diagnostic]):
        self.front, self.problems = front, problems

    def text(self, key: str, required: bool = False) -> str:
        value = self.front.data.get(key)
        if value is None:
            if required:
                self.problems.append(error(self.front.at(), f"missing required field '{key}'", f"add {key}: …"))
            return ""
        if isinstance(value, bool | list | dict):
            self.problems.append(error(self.front.at(key), f"'{key}' must be text", f'write {key}: "…"'))
            return ""
        value = str(value).strip()
        if required and not value:
            self.problems.append(error(self.front.at(key), f"'{key}' is empty"))
        return value

    def date(self) -> dt.date:
        value = self.front.data.get("date")
        fallback = dt.date(1970, 1, 1)
        if value is None:
            self.problems.append(error(self.front.at(), "missing required field 'date'", "add date: YYYY-MM-DD"))
            return fallback
        if isinstance(value, dt.date):
            return value
        if ("date",) in self.front.invalid:
            return fallback
        if isinstance(value, str):
            try:
                return (
                    dt.datetime.fromisoformat(value)
                    if "T" in value or " " in value.strip()
                    else dt.date.fromisoformat(value)
                )
            except ValueError:
                pass
        self.problems.append(
            error(
                self.front.at("date"),
                f"'date' must be a date such as 2023-06-05, got {value!r}",
                "write YYYY-MM-DD, or an ISO date and time such as 2023-06-05T14:30:00+04:00",
            )
        )
        return fallback

    def tags(self) -> tuple[str, ...]:
        value = self.front.data.get("tags", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(t, str | int) and not isinstance(t, bool) for t in value):
            self.problems.append(
                error(self.front.at("tags"), "'tags' must be a list of words", "e.g. tags: [karabakh, usa]")
            )
            return ()
        tags = []
        for tag in (str(t).strip() for t in value):
            if not tag or "/" in tag or tag.startswith("."):
                self.problems.append(
                    error(
                        self.front.at("tags"),
                        f"'{tag}' cannot be a tag",
                        "tags are words or phrases without '/' and not starting with '.'",
                    )
                )
            elif tag not in tags:
                tags.append(tag)
        return tuple(tags)

    def flag(self, key: str) -> bool:
        value = self.front.data.get(key, False)
        if not isinstance(value, bool):
            self.problems.append(error(self.front.at(key), f"'{key}' must be true or false, got {value!r}"))
            return False
        return value


def _mapping(front: FrontMatter, key: str, problems: list[Diagnostic], example: str) -> dict[str, Any]:
    value = front.data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(error(front.at(key), f"'{key}' must be a mapping of ids", example))
        return {}
    for item in value:
        if not ID.match(item):
            problems.append(
                error(
                    front.at(key, item),
                    f"'{item}' is not a valid id in '{key}'",
                    "use letters, digits, hyphens or underscores, e.g. simonyan",
                )
            )
    return value


def _voices(
    config: SiteConfig, front: FrontMatter, registry: Mapping[str, Person], lang: str, problems: list[Diagnostic]
) -> tuple[Voice, ...]:
    """The article's voices: inline ``id: {city, name, role}``, registry ids, or both."""
    if "voices" not in front.data:
        problems.append(error(front.at(), "missing required field 'voices'", "every article needs at least one voice"))
        return ()
    declared = _declared_voices(front, problems)
    if not declared and isinstance(front.data.get("voices"), dict | list):
        problems.append(error(front.at("voices"), "'voices' is empty", "declare at least one voice"))
    voices = []
    for voice_id, fields, where in declared:
        person = registry.get(voice_id)
        if fields is None and person is None:
            hint = did_you_mean(voice_id, registry) if registry else f"there is no {people.FILE.as_posix()}"
            problems.append(
                error(
                    where,
                    f"'{voice_id}' is not in the people registry",
                    f"{hint}; or declare the voice here with city and name",
                )
            )
            continue
        if fields is not None and not isinstance(fields, dict):
            problems.append(error(where, f"voice '{voice_id}' must have city and name", "city: …, name: …"))
            continue
        voice = _voice(config, front, voice_id, fields or {}, person, lang, where, problems)
        voices.append(voice)
    return tuple(voices)


def _declared_voices(front: FrontMatter, problems: list[Diagnostic]) -> list[tuple[str, Any, Location]]:
    """``(id, fields or None for a registry id, location)`` from the mapping or list form."""
    value = front.data.get("voices")
    if isinstance(value, dict):
        entries = [(str(k), v, front.at("voices", str(k))) for k, v in value.items()]
    elif isinstance(value, list):
        entries = []
        for item in value:
            if isinstance(item, str):
                entries.append((item, None, front.at("voices")))
            elif isinstance(item, dict) and len(item) == 1:
                ((key, fields),) = item.items()
                entries.append((str(key), fields, front.at("voices", str(key))))
            else:
                problems.append(
                    error(front.at("voices"), "a voice in the list must be a registry id or 'id: {city, name}'")
                )
    else:
        problems.append(
            error(
                front.at("voices"),
                "'voices' must be a mapping of voices or a list of people ids",
                "voices:\n  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan",
            )
        )
        return []
    seen: set[str] = set()
    unique = []
    for voice_id, fields, where in entries:
        if not ID.match(voice_id):
            problems.append(
                error(where, f"'{voice_id}' is not a valid voice id", "use letters, digits, hyphens or underscores")
            )
        elif voice_id in seen:
            problems.append(error(where, f"voice '{voice_id}' is declared twice", "keep one of them"))
        else:
            seen.add(voice_id)
            unique.append((voice_id, fields, where))
    return unique


def _voice(
    config: SiteConfig,
    front: FrontMatter,
    voice_id: str,
    fields: dict[str, Any],
    person: Person | None,
    lang: str,
    where: Location,
    problems: list[Diagnostic],
) -> Voice:
    """One voice; fields given in the article override the registry's."""
    for key in fields:
        if key not in people.FIELDS:
            problems.append(
                warning(
                    front.at("voices", voice_id, key),
                    f"unknown field '{key}' in voice '{voice_id}'",
                    did_you_mean(key, people.FIELDS),
                )
            )
    city_ids = [c.id for c in config.cities]
    city = fields.get("city", person.city if person else None)
    if city is None:
        problems.append(error(where, f"voice '{voice_id}' has no city", f"add city: one of {', '.join(city_ids)}"))
    elif str(city) not in city_ids:
        problems.append(
            error(
                front.at("voices", voice_id, "city"),
                f"unknown city '{city}' for voice '{voice_id}'",
                did_you_mean(str(city), city_ids) + " (cities are configured in sitegen.toml)",
            )
        )
    name = fields.get("name", person.name_in(lang) if person else None)
    if not isinstance(name, str) or not name.strip():
        problems.append(
            error(
                front.at("voices", voice_id, "name") if name is not None else where,
                f"voice '{voice_id}' has no name",
                "add name: …",
            )
        )
    role = fields.get("role", person.role_in(lang) if person else "")
    if not isinstance(role, str):
        problems.append(error(front.at("voices", voice_id, "role"), f"the role of '{voice_id}' must be text"))
        role = ""
    person_id = person.id if person else ""
    return Voice(voice_id, str(city or ""), str(name or "").strip(), role.strip(), where, person_id)


def _points(front: FrontMatter, problems: list[Diagnostic]) -> tuple[Point, ...]:
    declared = _mapping(front, "points", problems, "points:\n  claim: What was reported?")
    points = []
    for point_id, question in declared.items():
        where = front.at("points", point_id)
        if not isinstance(question, str | int | float) or isinstance(question, bool) or not str(question).strip():
            problems.append(
                error(where, f"point '{point_id}' needs a question", f"e.g. {point_id}: What was reported?")
            )
            question = ""
        points.append(Point(point_id, str(question).strip(), where))
    return tuple(points)
