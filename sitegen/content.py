"""Walk ``content/articles/``, read every translation, check it, assemble the Site.

Each file is read once. Problems are collected for the whole site, never
raised one at a time: an editor sees every mistake of a run together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import frontmatter, markup
from .errors import Diagnostic, Location, did_you_mean, error, warning
from .frontmatter import FrontMatter
from .model import Article, Passage, Point, Site, SiteConfig, Translation, Voice

ARTICLES = Path("content") / "articles"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
FIELDS = ("title", "date", "summary", "tags", "voices", "points", "draft")


def load(config: SiteConfig, site_dir: Path, drafts: bool = False) -> tuple[Site, list[Diagnostic]]:
    """Read every article of the site; articles with errors are left out of the Site."""
    problems: list[Diagnostic] = []
    root = site_dir / ARTICLES
    if not root.is_dir():
        problems.append(
            warning(
                Location(ARTICLES.as_posix()),
                "no articles folder yet",
                f"create {ARTICLES.as_posix()}/<slug>/{config.default_language}.md",
            )
        )
        return Site(config, ()), problems
    articles = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith("."):
            continue
        rel = folder.relative_to(site_dir).as_posix()
        if not folder.is_dir():
            problems.append(
                warning(
                    Location(rel),
                    "not an article folder, ignored",
                    f"articles live in {ARTICLES.as_posix()}/<slug>/<lang>.md",
                )
            )
            continue
        article, found = load_article(config, site_dir, folder, drafts)
        problems += found
        if article is not None:
            articles.append(article)
    return Site(config, tuple(articles)), problems


def load_article(
    config: SiteConfig, site_dir: Path, folder: Path, drafts: bool = False
) -> tuple[Article | None, list[Diagnostic]]:
    """Read one article folder; ``None`` when it has errors or nothing published."""
    problems: list[Diagnostic] = []
    return _article(config, site_dir, folder, drafts, problems), problems


def _article(
    config: SiteConfig, site_dir: Path, folder: Path, drafts: bool, problems: list[Diagnostic]
) -> Article | None:
    rel = folder.relative_to(site_dir).as_posix()
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
        translation = _translation(config, path, file_rel, lang, problems)
        if translation is not None:
            translations.append(translation)
    if not translations and len(problems) == before:
        problems.append(
            warning(
                Location(rel), "the article folder has no language files", f"add {rel}/{config.default_language}.md"
            )
        )
    translations.sort(key=lambda t: config.languages.index(t.lang))
    problems.extend(_agreement(translations))
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


def _translation(config: SiteConfig, path: Path, rel: str, lang: str, problems: list[Diagnostic]) -> Translation | None:
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
    voices = _voices(config, front, problems)
    points = _points(front, problems)
    _check_passages(body.passages, voices, points, problems)
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
        draft=reader.flag("draft"),
        source=Location(rel, 1),
    )


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


def _voices(config: SiteConfig, front: FrontMatter, problems: list[Diagnostic]) -> tuple[Voice, ...]:
    example = "voices:\n  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan"
    if "voices" not in front.data:
        problems.append(error(front.at(), "missing required field 'voices'", "every article needs at least one voice"))
        return ()
    declared = _mapping(front, "voices", problems, example)
    if not declared and isinstance(front.data.get("voices"), dict):
        problems.append(error(front.at("voices"), "'voices' is empty", "declare at least one voice"))
    city_ids = [c.id for c in config.cities]
    voices = []
    for voice_id, fields in declared.items():
        where = front.at("voices", voice_id)
        if not isinstance(fields, dict):
            problems.append(
                error(
                    where,
                    f"voice '{voice_id}' must have city and name",
                    f"e.g. {voice_id}:\\n    city: {city_ids[0] if city_ids else 'baku'}\\n    name: …",
                )
            )
            continue
        for key in fields:
            if key not in ("city", "name", "role"):
                problems.append(
                    warning(
                        front.at("voices", voice_id, key),
                        f"unknown field '{key}' in voice '{voice_id}'",
                        did_you_mean(key, ("city", "name", "role")),
                    )
                )
        city = fields.get("city")
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
        name = fields.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(
                error(
                    front.at("voices", voice_id, "name") if name is not None else where,
                    f"voice '{voice_id}' has no name",
                    "add name: …",
                )
            )
        role = fields.get("role", "")
        if not isinstance(role, str):
            problems.append(error(front.at("voices", voice_id, "role"), f"the role of '{voice_id}' must be text"))
            role = ""
        voices.append(Voice(voice_id, str(city or ""), str(name or "").strip(), role.strip(), where))
    return tuple(voices)


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


def _check_passages(
    passages: Iterable[Passage], voices: tuple[Voice, ...], points: tuple[Point, ...], problems: list[Diagnostic]
) -> None:
    voice_ids = [v.id for v in voices]
    point_ids = [p.id for p in points]
    spoken, answered = set(), set()
    for passage in passages:
        spoken.add(passage.voice)
        answered.add(passage.point)
        if voices and passage.voice not in voice_ids:
            problems.append(
                error(
                    passage.location,
                    f"passage for undeclared voice '{passage.voice}'",
                    did_you_mean(passage.voice, voice_ids) + " (declare voices in the front matter)",
                )
            )
        if passage.point is not None and passage.point not in point_ids:
            hint = did_you_mean(passage.point, point_ids) if point_ids else "this article declares no points"
            problems.append(
                error(
                    passage.location,
                    f"passage names undeclared point '{passage.point}'",
                    hint + " (declare points in the front matter)",
                )
            )
    for voice in voices:
        if voice.id not in spoken:
            problems.append(
                warning(
                    voice.location,
                    f"voice '{voice.id}' never speaks",
                    f"add a passage '::: {voice.id}' or remove the voice",
                )
            )
    for point in points:
        if point.id not in answered:
            problems.append(
                warning(
                    point.location,
                    f"point '{point.id}' is never answered",
                    f"add a passage '::: <voice> {point.id}' or remove the point",
                )
            )


def _agreement(translations: list[Translation]) -> list[Diagnostic]:
    """Translations of one article must agree on voice ids, their cities and point ids."""
    problems: list[Diagnostic] = []
    if len(translations) < 2:
        return problems
    reference = translations[0]
    ref_name = Path(reference.source.path).name
    ref_voices = {v.id: v.city for v in reference.voices}
    ref_points = [p.id for p in reference.points]
    for other in translations[1:]:
        voices = {v.id: v for v in other.voices}
        for voice_id, city in ref_voices.items():
            if voice_id not in voices:
                problems.append(
                    error(
                        other.source,
                        f"voice '{voice_id}' is declared in {ref_name} but not here",
                        "translations must declare the same voices",
                    )
                )
            elif voices[voice_id].city != city:
                problems.append(
                    error(
                        voices[voice_id].location,
                        f"voice '{voice_id}' is from '{voices[voice_id].city}' here but from '{city}' in {ref_name}",
                        "a voice has the same city in every language",
                    )
                )
        for voice_id, voice in voices.items():
            if voice_id not in ref_voices:
                problems.append(
                    error(
                        voice.location,
                        f"voice '{voice_id}' is not declared in {ref_name}",
                        "translations must declare the same voices",
                    )
                )
        point_ids = [p.id for p in other.points]
        if sorted(point_ids) != sorted(ref_points):
            missing = [p for p in ref_points if p not in point_ids]
            extra = [p for p in point_ids if p not in ref_points]
            detail = "; ".join(
                filter(None, [missing and f"missing {', '.join(missing)}", extra and f"extra {', '.join(extra)}"])
            )
            problems.append(
                error(
                    other.source,
                    f"points differ from {ref_name}: {detail}",
                    "translations must declare the same point ids",
                )
            )
    return problems
