"""``sitegen balance``: how much space each city is given, per article, across the site and by month."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import balance, balance_report, content
from .. import config as config_stage
from ..errors import did_you_mean
from ..model import Site
from .common import json_text, resolve_site, show, site_option


@click.command("balance")
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@site_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="json for tools (its shape is in docs/authoring.md), html for a page to open in a browser.",
)
@click.option("--lang", metavar="LANG", help="The language counted. Default: the site's first language.")
@click.option("--no-drafts", is_flag=True, help="Leave out articles marked draft: true (counted by default).")
@click.option("--out", "out_file", metavar="FILE", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
def balance_command(
    slugs: tuple[str, ...],
    site_dir: str | None,
    output_format: str,
    lang: str | None,
    no_drafts: bool,
    out_file: str | None,
) -> None:
    """Count the words and passages each city is given, per article and point, across the site and by month.

    Also lists the points that only one city answers, voices without a
    passage and cities without a voice. Given SLUGs, only those articles are
    counted (the totals and months too). The voice that only reports the
    claim is not a side: its words are counted apart.
    """
    site = _load(resolve_site(site_dir), drafts=not no_drafts)
    lang = lang or site.config.default_language
    if lang not in site.config.languages:
        raise click.UsageError(
            f"--lang {lang}: not a language of this site; {did_you_mean(lang, site.config.languages)}"
        )
    for slug in slugs:
        _known(site, slug, lang)
    report = balance.site_balance(site, lang, tuple(dict.fromkeys(slugs)))
    if output_format == "json":
        result = json_text(balance_report.as_json(report)) + "\n"
    elif output_format == "html":
        result = balance_report.page(report, site.config, chosen=bool(slugs))
    else:
        result = balance_report.text(report, chosen=bool(slugs))
    if out_file:
        Path(out_file).write_text(result, encoding="utf-8")
    else:
        click.echo(result, nl=False)


def _load(site_dir: Path, drafts: bool) -> Site:
    """The site's articles; on any content error, every problem printed as ``check`` prints them, and exit 1."""
    config, problems = config_stage.load(site_dir)
    site = None
    if config is not None:
        site, found = content.load(config, site_dir, drafts)
        problems += found
    errors = [problem for problem in problems if problem.is_error]
    if site is None or errors:
        for problem in problems:
            show(problem)
        click.secho(
            f"{len(errors)} error{'' if len(errors) == 1 else 's'}: fix them, then count again", fg="red", err=True
        )
        sys.exit(1)
    return site


def _known(site: Site, slug: str, lang: str) -> None:
    article = site.article(slug)
    if article is None:
        hint = did_you_mean(slug, [a.slug for a in site.articles])
        raise click.UsageError(f"no article '{slug}' in content/articles/" + (f"; {hint}" if hint else ""))
    if article.translation(lang) is None:
        raise click.UsageError(f"article '{slug}' has no '{lang}' version; it has {', '.join(article.languages)}")
