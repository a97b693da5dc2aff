"""``sitegen new``: start a paired commentary with a file per language."""

from __future__ import annotations

import datetime as dt
import sys

import click

from .. import config as config_stage
from .. import content, people, scaffold, sources
from ..errors import did_you_mean, printable
from ..model import Person
from ..slugs import MAX_LENGTH, is_slug, slugify
from .common import resolve_site, site_option


@click.command("new")
@click.argument("slug", required=False)
@click.option("--title", help="The headline in the default language; also suggests the slug.")
@click.option(
    "--voice",
    "voices",
    multiple=True,
    metavar='CITY:"NAME"',
    help='A speaker and their city, e.g. --voice yerevan:"Gurgen Simonyan". Repeatable.',
)
@click.option(
    "--person",
    "persons",
    multiple=True,
    metavar="ID",
    help="A speaker from content/people.yaml, by id. Repeatable.",
)
@site_option
def new_command(
    slug: str | None, title: str | None, voices: tuple[str, ...], persons: tuple[str, ...], site_dir: str | None
) -> None:
    """Create content/articles/SLUG/<lang>.md for every language of the site.

    Each file has its front matter filled in and explained in its own
    language, a voice per city (or the ones you name), a point and a passage
    per voice. The article is a draft until you delete its `draft: true` line.

    \b
    Examples:
      sitegen new border-water --voice yerevan:"Ani Arakelyan" --voice baku:"Leyla Aliyeva"
      sitegen new --title "Is the corridor open?" --person simonyan --person namazov
    """
    site = resolve_site(site_dir)
    config, problems = config_stage.load(site)
    if config is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    slug = _slug(slug, title)
    if (refused := sources.problem(site, content.ARTICLES)) is not None:
        click.echo(str(refused), err=True)  # a link would put the new article outside the site
        sys.exit(1)
    folder = site / content.ARTICLES / slug
    if folder.exists():
        raise click.UsageError(f"{folder.relative_to(site).as_posix()} already exists; choose another slug")
    registry, _ = people.load(config, site)
    named = [_parse_voice(value, [c.id for c in config.cities]) for value in voices]
    chosen = [_person(person_id, registry) for person_id in persons]
    files = scaffold.article_files(config, scaffold.voices_for(config, named, chosen), dt.date.today(), title or "")
    folder.mkdir(parents=True)
    for lang, text in files.items():
        (folder / f"{lang}.md").write_text(text, encoding="utf-8")
        click.echo(f"created {(folder / f'{lang}.md').relative_to(site).as_posix()}")
    click.echo(
        "Fill in every TODO, run `sitegen check`, preview with `sitegen serve`; delete `draft: true` to publish."
    )


def _slug(slug: str | None, title: str | None) -> str:
    if slug is None:
        if not title:
            raise click.UsageError("give a SLUG, or a --title to make one from")
        return slugify(title)
    if not is_slug(slug):
        suggestion = slugify(title or slug)
        raise click.UsageError(
            f"'{printable(slug)}' is not a valid slug: use lowercase ASCII letters, digits and hyphens, "
            f"at most {MAX_LENGTH} characters, e.g. '{suggestion}'"
        )
    return slug


def _parse_voice(value: str, cities: list[str]) -> tuple[str, str]:
    city, _, name = value.partition(":")
    city = city.strip()
    if city not in cities:
        raise click.UsageError(f"--voice {value}: unknown city '{city}'; {did_you_mean(city, cities)}")
    return city, name.strip().strip('"')


def _person(person_id: str, registry: dict[str, Person]) -> Person:
    if person_id not in registry:
        hint = did_you_mean(person_id, registry) if registry else f"there is no {people.FILE.as_posix()}"
        raise click.UsageError(f"--person {person_id}: not in the people registry; {hint}")
    return registry[person_id]
