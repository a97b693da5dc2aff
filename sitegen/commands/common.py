"""What every command shares: finding the site folder, the --site option, the help of a command group."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import FILENAME


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
