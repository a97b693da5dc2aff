"""What every command shares: finding the site folder, the --site option, the help of a command group."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from ..config import FILENAME

if TYPE_CHECKING:
    from ..errors import Diagnostic
    from ..model import Article, SiteConfig


def find_site(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``sitegen.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / FILENAME).is_file():
            return folder
    return None


def resolve_site(value: str | None) -> Path:
    """The site folder from --site, or the nearest one upwards; a usage error when there is none."""
    if value is not None:
        folder = Path(value)
        if not (folder / FILENAME).is_file():
            raise click.UsageError(f"{folder}: no {FILENAME} here; is this a sitegen site?")
        return folder.resolve()
    found = find_site(Path.cwd())
    if found is None:
        raise click.UsageError(
            f"no {FILENAME} in {Path.cwd()} or any folder above it; run sitegen inside a site or pass --site DIR"
        )
    return found


site_option = click.option(
    "--site",
    "site_dir",
    metavar="DIR",
    help=f"The site folder (holds {FILENAME}). Default: the nearest one upwards from here.",
)


class CommandGroup(click.Group):
    """A command group whose help lists each command with its whole first sentence.

    Click cuts that sentence to the width left beside the names ("Create
    content/articles/SLUG/<lang>.md for every language of the..."); here it
    wraps instead, so a narrow terminal shows more lines, never less meaning.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def load_article(site_dir: Path, slug: str) -> tuple[SiteConfig, Article]:
    """One article of the site, drafts too, for a command that records something about it.

    A usage error when there is no such article; its errors and exit 1 when it has any.
    """
    from .. import config as config_stage
    from .. import content, people
    from ..errors import did_you_mean
    from ..model import ARTICLES

    config, problems = config_stage.load(site_dir)
    if config is None:
        fail(problems, "fix sitegen.toml first")
    root = site_dir / ARTICLES
    folder = root / slug
    if "/" in slug or slug.startswith(".") or not folder.is_dir():
        known = [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
        hint = did_you_mean(slug, known)
        raise click.UsageError(f"no article '{slug}' in {ARTICLES.as_posix()}/" + (f"; {hint}" if hint else ""))
    registry, _ = people.load(config, site_dir)
    article, found, _ = content.load_article(config, site_dir, folder, drafts=True, registry=registry)
    if article is None or any(p.is_error for p in found):
        fail(found, "fix the article's errors first ('sitegen check' lists them)")
    return config, article


def fail(problems: Iterable[Diagnostic], then: str) -> NoReturn:
    """Print the errors among ``problems`` and what to do, then exit 1."""
    for problem in problems:
        if problem.is_error:
            click.echo(str(problem), err=True)
    click.secho(then, fg="red", err=True)
    sys.exit(1)


def stale_diffs(site_dir: Path) -> dict[tuple[str, int, str], str]:
    """For ``sitegen check --diff``: each stale text's diff, by its warning's path, line and message."""
    from .. import config as config_stage
    from .. import content, lockfile, people, staleness
    from ..model import ARTICLES

    config, _ = config_stage.load(site_dir)
    if config is None:
        return {}
    registry, _ = people.load(config, site_dir)
    found = {}
    for lock in sorted((site_dir / ARTICLES).glob(f"*/{lockfile.FILE}")):
        article, _, _ = content.load_article(config, site_dir, lock.parent, drafts=True, registry=registry)
        for stale in staleness.stale_texts(site_dir, article) if article is not None else ():
            found[(stale.path, stale.line, stale.message)] = stale.diff()
    return found


def diff_key(diagnostic: Diagnostic) -> tuple[str, int, str]:
    """What :func:`stale_diffs` files a diff under: its warning's path, line and message."""
    return (diagnostic.location.path, diagnostic.location.line, diagnostic.message)


def show_diff(diff: str) -> None:
    """A stale text's diff under its warning, indented; content escaped like every message."""
    from ..errors import printable

    colours = {"-": "red", "+": "green", "@": "cyan"}
    for line in diff.splitlines():
        colour = None if line.startswith(("---", "+++")) else colours.get(line[:1])
        click.echo("    " + click.style(printable(line), fg=colour), err=True)


quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
verbose_option = click.option(
    "-v", "--verbose", is_flag=True, help="Also print where the files went and how many were written."
)


def output_folder(site: Path, value: str | None, force: bool) -> Path:
    """The output folder, refused as a usage error when writing there would destroy something."""
    from .. import destination
    from ..build import DEFAULT_OUT

    out = Path(value) if value else site / DEFAULT_OUT
    for problem in destination.check_target(out, site, force):
        raise click.UsageError(f"--out {problem.location.path}: {problem.message}; {problem.hint}")
    return out


def show(diagnostic: Diagnostic) -> None:
    """A diagnostic on one line and its hint on the next; content in either is escaped (``errors.printable``)."""
    from ..errors import printable

    colour = "red" if diagnostic.is_error else "yellow"
    head = f"{printable(str(diagnostic.location))}: "
    level = click.style(diagnostic.severity.value, fg=colour, bold=True)
    click.echo(f"{head}{level}: {printable(diagnostic.message)}", err=True)
    if diagnostic.hint:
        click.echo(f"    hint: {printable(diagnostic.hint)}", err=True)


def json_text(value: dict) -> str:
    """JSON with its strings exact, but no character raw that ``errors.printable`` would escape.

    ``json`` escapes C0 controls itself; C1 controls, line separators and
    bidirectional overrides become ``\\u`` escapes, so the printed text cannot
    forge or reorder lines in a log while a JSON reader gets the value back.
    """
    import json
    import re

    from ..errors import printable

    text = json.dumps(value, ensure_ascii=False, indent=2)
    return re.sub(r"[^\x00-\x7e]", lambda m: m[0] if printable(m[0]) == m[0] else f"\\u{ord(m[0]):04x}", text)


def count(number: int, word: str) -> str:
    """``1 file``, ``2 files``: the English counts of the terminal's summaries."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def shown(path: Path | None, site: Path) -> str:
    """A folder as the summary names it: relative to here when it is below, else as it is."""
    if path is None:
        return ""
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return str(path)
