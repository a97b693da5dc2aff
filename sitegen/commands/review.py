"""``sitegen review``: per-side sign-off of articles, and what waits for whom."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import click

from .. import config as config_stage
from .. import content, editors, lockfile, signoff, staleness
from ..errors import did_you_mean, expected_one_of, printable
from ..model import Article, SiteConfig
from .common import CommandGroup, load_article, resolve_site, site_option


@click.group("review", cls=CommandGroup)
def review_group() -> None:
    """Sign articles off per side, and see what waits for whom.

    \b
    Editors per city are listed in content/editors.yaml; with
    require_review = ["yerevan", "baku"] in sitegen.toml, a build refuses a
    published article that a required city has not signed off.
      sitegen review status              what waits for which city, and which translations are behind
      sitegen review sign SLUG CITY ID   sign SLUG off for CITY as editor ID
    """


@review_group.command("sign")
@click.argument("slug")
@click.argument("city")
@click.argument("editor")
@site_option
def sign_command(slug: str, city: str, editor: str, site_dir: str | None) -> None:
    """Sign article SLUG off for CITY as EDITOR (an id in content/editors.yaml).

    Writes reviewed.CITY: EDITOR into the article's source file and records
    the editor and a digest of the text in its sitegen.lock. Any later change
    to the text (any language that is not a draft) voids the sign-off.
    """
    site = resolve_site(site_dir)
    config, article = load_article(site, slug)
    cities = [c.id for c in config.cities]
    if city not in cities:
        raise click.UsageError(f"'{city}' is not a city of this site; {did_you_mean(city, cities)}")
    known, problems = editors.load(config, site)
    if any(p.is_error for p in problems):
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    ours = [e.id for e in known.values() if e.city == city]
    if editor not in known or known[editor].city != city:
        listed = expected_one_of(ours) or f"add editors for {city} to {editors.FILE.as_posix()}"
        raise click.UsageError(f"'{editor}' is not an editor for {city} in {editors.FILE.as_posix()}; {listed}")
    path, text, lock = signoff.sign(site, config, article, city, editor, dt.date.today())
    (site / path).write_text(text, encoding="utf-8")
    written = lockfile.write((site / path).parent, lock)
    click.echo(
        f"signed {path.rpartition('/')[0]} off for {city} as {editor}: {path}, {written.relative_to(site).as_posix()}"
    )
    behind = staleness.stale_texts(site, article)
    if behind:
        langs = ", ".join(dict.fromkeys(s.lang for s in behind))
        click.echo(f"note: {len(behind)} translated texts are older than their source ({langs}); see 'sitegen check'")


@dataclass(frozen=True, slots=True)
class _Status:
    article: Article
    sides: tuple[signoff.Side, ...]
    stale: tuple[staleness.Stale, ...]


@review_group.command("status")
@site_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json for tools: every article with its sides and stale translations.",
)
def status_command(site_dir: str | None, output_format: str) -> None:
    """List what waits for whom: articles each city has yet to sign off, translations behind their source.

    The cities listed are those of require_review and those with editors in
    content/editors.yaml. Drafts are listed too, marked as such: they need
    no sign-off until they are published.
    """
    site = resolve_site(site_dir)
    config, problems = config_stage.load(site)
    if config is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    known, _ = editors.load(config, site)
    loaded, found = content.load(config, site, drafts=True)
    watched = tuple(
        dict.fromkeys(
            [*config.require_review, *(c.id for c in config.cities if any(e.city == c.id for e in known.values()))]
        )
    )
    statuses = [_status(site, config, watched, article) for article in loaded.articles]
    if output_format == "json":
        click.echo(_json(config, watched, statuses))
    else:
        _text(config, watched, known, statuses)
    broken = sum(p.is_error for p in found)
    if broken:
        click.secho(
            f"{broken} errors in the content: articles with errors are not listed ('sitegen check')", fg="red", err=True
        )


def _status(site: Path, config: SiteConfig, watched: tuple[str, ...], article: Article) -> _Status:
    every = replace(config, require_review=watched)
    sides = tuple(
        replace(side, required=side.city in config.require_review)
        for side in signoff.signoff_state(site, every, article)
        if side.city in watched or side.editor
    )
    return _Status(article, sides, tuple(staleness.stale_texts(site, article)))


def _draft(article: Article) -> bool:
    return all(t.draft for t in article.translations)


def _text(config: SiteConfig, watched: tuple[str, ...], known: dict, statuses: list[_Status]) -> None:
    for city_id in watched:
        city = config.city(city_id)
        name = city.name_in("en") if city else city_id
        waiting = [(s, side) for s in statuses for side in s.sides if side.city == city_id and not side.valid]
        ids = ", ".join(e.id for e in known.values() if e.city == city_id) or "none in content/editors.yaml"
        required = "required" if city_id in config.require_review else "not required"
        click.echo(f"Waiting for {name} ({required}; editors: {ids}): {len(waiting)}")
        for status, side in waiting:
            click.echo(
                f"  {printable(status.article.slug):<40} {_why(side)}{' (draft)' if _draft(status.article) else ''}"
            )
    behind = [s for s in statuses if s.stale]
    click.echo(f"Translations behind their source: {len(behind)}")
    for status in behind:
        by_lang: dict[str, int] = {}
        for stale in status.stale:
            by_lang[stale.lang] = by_lang.get(stale.lang, 0) + 1
        shown = ", ".join(f"{lang}: {count} text{'s' if count > 1 else ''}" for lang, count in by_lang.items())
        click.echo(f"  {printable(status.article.slug):<40} {shown}")
    done = [s for s in statuses if watched and all(side.valid for side in s.sides if side.city in watched)]
    click.echo(f"Signed off by every side: {len(done)}")
    for status in done:
        names = ", ".join(f"{side.city}: {side.editor}" for side in status.sides if side.valid)
        click.echo(f"  {printable(status.article.slug):<40} {names}")


def _why(side: signoff.Side) -> str:
    if side.problem == "unsigned":
        return "not signed off"
    if side.problem == "unrecorded":
        return f"'{side.editor}' is named, but the sign-off was not recorded (sitegen review sign)"
    return f"changed since '{side.editor}' signed it off on {side.signed}"


def _json(config: SiteConfig, watched: tuple[str, ...], statuses: list[_Status]) -> str:
    data = {
        "require_review": list(config.require_review),
        "cities": list(watched),
        "articles": [
            {
                "slug": status.article.slug,
                "draft": _draft(status.article),
                "sides": [
                    {
                        "city": side.city,
                        "editor": side.editor,
                        "valid": side.valid,
                        "required": side.required,
                        "signed": side.signed or None,
                        "problem": side.problem or None,
                    }
                    for side in status.sides
                ],
                "stale": [
                    {
                        "lang": stale.lang,
                        "path": stale.path,
                        "line": stale.line,
                        "source_path": stale.source_path,
                        "source_line": stale.source_line,
                        "label": stale.label,
                        "changed": stale.changed.isoformat(),
                    }
                    for stale in status.stale
                ],
            }
            for status in statuses
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
