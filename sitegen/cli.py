"""The ``sitegen`` command: find the site, call one function, print, exit 0/1/2."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import sys
from pathlib import Path
from typing import ClassVar, NoReturn

import click

from . import __version__
from .build import DEFAULT_OUT, BuildReport, Progress, build
from .commands.common import (
    CommandGroup,
    count,
    diff_key,
    json_text,
    output_folder,
    quiet_option,
    resolve_site,
    show,
    show_diff,
    shown,
    site_option,
    stale_diffs,
    verbose_option,
)
from .engine import Engine, Options
from .errors import Diagnostic, Severity

#: ``ctx.obj`` when the command runs as the ``sitegen`` program (:func:`sitegen.__main__.run`): the process
#: is the command's own, and may end as soon as the command is done (:func:`end`).
ALONE = "alone"

out_option = click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help=f"Where to write the site. Default: {DEFAULT_OUT}/ in the site folder.",
)


class _Commands(CommandGroup):
    """The command group; every command but ``build`` and ``check`` loads only when it runs (or help lists it).

    Their modules import the whole reading pipeline; ``sitegen build`` on an
    unchanged site should not pay for that.
    """

    LAZY: ClassVar[dict[str, tuple[str, str]]] = {
        "new": ("sitegen.commands.new", "new_command"),
        "i18n": ("sitegen.commands.i18n", "i18n_group"),
        "balance": ("sitegen.commands.balance", "balance_command"),
        "review": ("sitegen.commands.review", "review_group"),
        "serve": ("sitegen.commands.serve", "serve_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            module, attribute = self.LAZY[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """Build, check and preview a site of paired commentaries.

    A site is a folder with sitegen.toml and content/articles/<slug>/<lang>.md.
    Run a command inside it, or point at it with --site DIR.
    """


@main.command("build")
@site_option
@out_option
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--force", is_flag=True, help="Replace an output folder that sitegen did not create.")
@click.option(
    "--no-search", is_flag=True, help="Build without search: no search box, page or index (as search = false)."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes that read and render, this one included. Default: one per CPU when the site is big enough to pay.",
)
@click.option("--no-cache", is_flag=True, help="Neither use nor update the build cache in .sitegen/cache/.")
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings as errors (stale translations, one-sided names...): publish nothing while there are any.",
)
@quiet_option
@verbose_option
def build_command(
    site_dir: str | None,
    out_dir: str | None,
    drafts: bool,
    force: bool,
    no_search: bool,
    jobs: int | None,
    no_cache: bool,
    strict: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the site into the output folder.

    The new site replaces the old one only when the whole build succeeded;
    on any error the previous output is left as it was and the exit status is 1.
    Pagefind then indexes the new site for search before it is swapped in;
    when it cannot (not installed, or it failed), the build warns and the site
    is published without search. SITEGEN_PAGEFIND names the pagefind program.

    Rebuilds are incremental: unchanged articles come from the cache in
    .sitegen/cache/ and unchanged pages from the previous output, and the
    output is byte for byte what a clean build (--no-cache) writes.
    """
    site = resolve_site(site_dir)
    out = output_folder(site, out_dir, force)
    if strict:
        _refuse_warnings(site, drafts, quiet, verbose)
    options = Options(drafts=drafts, force=force, search=not no_search, jobs=jobs, cache=not no_cache)
    with BarProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
        engine = Engine(site, out, options, progress)  # held until the process ends: see end()
        report = engine.rebuild()
    _finish(report, quiet, verbose, site)


def _refuse_warnings(site: Path, drafts: bool, quiet: bool, verbose: bool) -> None:
    """--strict: the site is checked first (reading the cache, writing nothing); any warning is an error, and
    then the build stops there, the previous output left as it was."""
    checked = build(site, drafts=drafts, write=False)
    if checked.diagnostics:
        report = dataclasses.replace(checked, diagnostics=tuple(promote(checked.diagnostics)))
        _finish(report, quiet, verbose, site)


class BarProgress(Progress):
    """A progress bar on the terminal for stages long enough to watch (quiet otherwise)."""

    #: Stages with fewer steps than this finish too soon for a bar.
    MINIMUM = 500

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None

    def __enter__(self) -> BarProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.end()

    def start(self, label: str, total: int) -> None:
        self.end()
        if self.enabled and total >= self.MINIMUM:
            self._bar = click.progressbar(length=total, label=f"{label:<9}", file=sys.stderr, show_pos=True)
            self._bar.__enter__()

    def advance(self, steps: int) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def end(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command("check")
@site_option
@click.option("--no-drafts", is_flag=True, help="Leave out articles marked draft: true (checked by default).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 1 when there are any.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints one object with every problem, for editors and CI tools.",
)
@click.option(
    "--diff", "with_diff", is_flag=True, help="Show how the source changed under each stale-translation warning."
)
@quiet_option
def check_command(
    site_dir: str | None, no_drafts: bool, strict: bool, output_format: str, with_diff: bool, quiet: bool
) -> None:
    """Check the whole site and report every problem, writing nothing.

    Runs every check that `sitegen build` runs. Each problem is printed as
    path:line:column: level: message, with a hint, sorted by file and line;
    the last line counts them.
    """
    site = resolve_site(site_dir)
    engine = Engine(site, site / DEFAULT_OUT, Options(drafts=not no_drafts, write=False))  # see end()
    report = engine.rebuild()
    diagnostics = tuple(promote(report.diagnostics)) if strict else report.diagnostics
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    diffs = stale_diffs(site) if with_diff else {}
    if output_format == "json":
        click.echo(json_text(_as_json(diagnostics, report.sources, diffs)))
    else:
        for diagnostic in diagnostics:
            if not (quiet and not diagnostic.is_error):
                show(diagnostic)
                show_diff(diffs.get(diff_key(diagnostic), ""))
        if not quiet or errors:
            counts = f"{count(errors, 'error')}, {count(warnings, 'warning')} in {count(report.sources, 'file')}"
            held = f" ({count(report.drafts, 'draft')})" if report.drafts else ""
            summary = f"Checked {count(report.articles, 'article')}{held}: {counts}" if not errors else counts
            if report.drafts_left_out and not errors:
                summary += f", {count(report.drafts_left_out, 'draft')} left out (--no-drafts)"
            click.secho(summary, fg="red" if errors else None, err=bool(errors))
    end(1 if errors else 0)


def promote(diagnostics: tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """--strict: every warning becomes an error."""
    return [dataclasses.replace(d, severity=Severity.ERROR) for d in diagnostics]


def _as_json(
    diagnostics: tuple[Diagnostic, ...], sources: int, diffs: dict[tuple[str, int, str], str] | None = None
) -> dict:
    diffs = diffs or {}
    return {
        "errors": sum(d.is_error for d in diagnostics),
        "warnings": sum(not d.is_error for d in diagnostics),
        "files": sources,
        "diagnostics": [
            {
                "path": d.location.path,
                "line": d.location.line or None,
                "column": d.location.column or None,
                "severity": d.severity.value,
                "message": d.message,
                "hint": d.hint or None,
                **({"diff": diffs[diff_key(d)]} if diff_key(d) in diffs else {}),
            }
            for d in diagnostics
        ],
    }


def _print(report: BuildReport, quiet: bool, verbose: bool, site: Path) -> None:
    for diagnostic in report.diagnostics:
        if quiet and not diagnostic.is_error:
            continue
        show(diagnostic)
    errors = sum(d.is_error for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    if errors:
        click.secho(f"{count(errors, 'error')}, {count(warnings, 'warning')}: nothing was written", fg="red", err=True)
    elif not quiet:
        where = shown(report.out, site) if report.written else ""
        pages, articles = count(report.pages, "page"), count(report.articles, "article")
        if not report.written:
            done = f"Checked {articles} ({pages})"
        elif report.unchanged:
            done = f"Nothing changed: {pages} ({articles}) up to date"
        else:
            done = f"Built {pages} ({articles})"
            if report.cached:
                done += f", {report.rendered} of {count(report.files, 'file')} rendered, {report.cached} from cache"
        done += f" in {report.seconds:.2f} s"
        done += (f" -> {where}" if where else "") + (f", {count(warnings, 'warning')}" if warnings else "")
        click.echo(done + _left_out(report.drafts_left_out))
        if verbose and report.written:
            workers = f" by {count(report.processes, 'process')}" if report.processes > 1 else ""
            click.echo(f"{report.rendered} of {report.files} files written to {report.out}{workers}")


def _left_out(drafts: int) -> str:
    """The end of the build's summary when it left drafts out: they are not published, and nothing else says so."""
    if not drafts:
        return ""
    return f", {count(drafts, 'draft')} left out (use --drafts to include {'it' if drafts == 1 else 'them'})"


def _finish(report: BuildReport, quiet: bool, verbose: bool, site: Path) -> NoReturn:
    _print(report, quiet, verbose, site)
    end(0 if report.ok else 1)


def end(status: int) -> NoReturn:
    """End the command with exit ``status``.

    Run as the ``sitegen`` program (``ctx.obj`` is :data:`ALONE`), the process ends here, once its output
    is flushed, without freeing what the engine read: at 10,000 articles that is 1.5 million objects,
    a fifth of a second of a one-article rebuild, and the caller holds them until now so that they
    are not freed before. Every file the command wrote is closed by then: the output and the cache
    are written with ``os.write``, and renamed into place before the rebuild returns. Inside another
    program (a test's ``CliRunner``) it is ``sys.exit``.
    """
    if click.get_current_context().obj != ALONE:
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, a closed stream
            stream.flush()
    os._exit(status)
