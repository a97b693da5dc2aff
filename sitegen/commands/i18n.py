"""``sitegen i18n``: keep the theme's interface catalogs in step with its templates, and record what
each article translation was made from (``mark-translated``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import catalogs
from .. import config as config_stage
from .. import theme as theme_stage
from .common import CommandGroup, resolve_site, site_option


@click.group("i18n", cls=CommandGroup)
def i18n_group() -> None:
    """Interface translations of the theme (Babel .po catalogs).

    \b
    The usual round after changing templates:
      sitegen i18n extract   collect the strings into theme/locales/messages.pot
      sitegen i18n update    add new strings to each language's messages.po
      (translate the empty msgstr entries)
      sitegen i18n status    see what is still untranslated

    \b
    Article translations:
      sitegen i18n mark-translated SLUG LANG   record that LANG is translated from the source as it is now
    """


def _load(site_dir: str | None) -> tuple[Path, config_stage.SiteConfig, theme_stage.Theme]:
    site = resolve_site(site_dir)
    config, problems = config_stage.load(site)
    theme, found = theme_stage.load(site, config) if config else (None, [])
    if config is None or theme is None:
        for problem in [*problems, *found]:
            click.echo(str(problem), err=True)
        sys.exit(1)
    return site, config, theme


@i18n_group.command("extract")
@site_option
def extract_command(site_dir: str | None) -> None:
    """Collect every interface string of the templates into theme/locales/messages.pot."""
    site, _, theme = _load(site_dir)
    template = catalogs.extract(theme)
    path = catalogs.write_template(template, site / "theme")
    click.echo(f"{len([m for m in template if m.id])} messages -> {path.relative_to(site).as_posix()}")


@i18n_group.command("update")
@site_option
def update_command(site_dir: str | None) -> None:
    """Add new strings to (and drop unused ones from) each configured language's catalog."""
    site, config, theme = _load(site_dir)
    template = catalogs.extract(theme)
    for lang in config.languages:
        path, created = catalogs.update(template, site / "theme", lang)
        click.echo(f"{'created' if created else 'updated'} {path.relative_to(site).as_posix()}")


@i18n_group.command("compile")
@site_option
def compile_command(site_dir: str | None) -> None:
    """Check the site theme's catalogs and write messages.mo beside each (for other gettext tools)."""
    site, config, _ = _load(site_dir)
    problems: list[str] = []
    for lang in config.languages:
        path = catalogs.po_path(site / "theme", lang)
        if path.is_file():
            target, found = catalogs.compile_catalog(path, lang)
            problems += found
            click.echo(f"compiled {target.relative_to(site).as_posix()}")
    for problem in problems:
        click.echo(problem, err=True)
    sys.exit(1 if problems else 0)


@i18n_group.command("status")
@site_option
@click.option("--strict", is_flag=True, help="Exit 1 when any message is untranslated.")
def status_command(site_dir: str | None, strict: bool) -> None:
    """Per language: messages, untranslated and fuzzy ones, default and site catalogs merged."""
    _, config, theme = _load(site_dir)
    template = catalogs.extract(theme)
    incomplete = False
    missing = dict(zip(theme_stage.without_catalog(theme), theme_stage.missing_catalogs(theme), strict=True))
    click.echo(f"{'language':<10}{'messages':>10}{'untranslated':>14}{'fuzzy':>8}")
    for lang in config.languages:
        state = catalogs.status(theme, template, lang)
        incomplete |= bool(state.untranslated)
        click.echo(f"{lang:<10}{state.messages:>10}{len(state.untranslated):>14}{len(state.fuzzy):>8}")
        if lang in missing:
            click.echo(f"    {missing[lang]}")
            continue
        for text in state.untranslated:
            click.echo(f"    untranslated: {text}")
    sys.exit(1 if strict and incomplete else 0)


@i18n_group.command("mark-translated")
@click.argument("slug", required=False)
@click.argument("languages", nargs=-1, metavar="[LANG]...")
@click.option("--all", "every", is_flag=True, help="Every translation of SLUG; without SLUG, of every article.")
@site_option
def mark_translated_command(slug: str | None, languages: tuple[str, ...], every: bool, site_dir: str | None) -> None:
    """Record that translations are made from their source's texts as they are now.

    Writes content/articles/SLUG/sitegen.lock (commit it with the article).
    From then on, `sitegen check` warns at each text of the translation whose
    source text changes, until the translation is updated and marked again.
    The source is the article's first language in the site's order.
    """
    import datetime as dt

    from .. import lockfile, staleness
    from ..model import ARTICLES
    from .common import load_article

    site = resolve_site(site_dir)
    if slug is None and not every:
        raise click.UsageError("name the article and the languages: mark-translated SLUG LANG..., or use --all")
    if slug is not None and not languages and not every:
        raise click.UsageError(f"name the languages translated: mark-translated {slug} LANG..., or use --all")
    root = site / ARTICLES
    slugs = [slug] if slug else sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    today = dt.date.today()
    for name in slugs:
        config, article = load_article(site, name)
        source = staleness.source_of(article)
        chosen = languages or tuple(t.lang for t in article.translations[1:])
        for lang in chosen:
            if lang not in config.languages:
                raise click.UsageError(f"'{lang}' is not a language of this site ({', '.join(config.languages)})")
            try:
                lock = staleness.mark(site, article, lang, today)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None
            path = lockfile.write(root / name, lock)
            where = f"{ARTICLES.as_posix()}/{name}"
            click.echo(
                f"marked {where}/{lang}.md as translated from {source.lang if source else '?'}.md "
                f"({len(lock.translations[lang].texts)} texts) -> {path.relative_to(site).as_posix()}"
            )
