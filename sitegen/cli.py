"""The ``sitegen`` command: find the site, call one function, print, exit 0/1/2."""

from __future__ import annotations

import dataclasses
import importlib
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from . import __version__, output
from .build import DEFAULT_OUT, PREVIEW_OUT, BuildReport, Progress, build
from .commands.common import CommandGroup, diff_key, show_diff, site_option, stale_diffs
from .commands.common import resolve_site as _site
from .errors import Diagnostic, Severity, printable

if TYPE_CHECKING:
    from .preview import Update


def _out(site: Path, value: str | None, force: bool) -> Path:
    """The output folder, refused as a usage error when writing there would destroy something."""
    out = Path(value) if value else site / DEFAULT_OUT
    for problem in output.check_target(out, site, force):
        raise click.UsageError(f"--out {problem.location.path}: {problem.message}; {problem.hint}")
    return out


out_option = click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help=f"Where to write the site. Default: {DEFAULT_OUT}/ in the site folder.",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
verbose_option = click.option(
    "-v", "--verbose", is_flag=True, help="Also print where the files went and how many were written."
)


class _Commands(CommandGroup):
    """The command group; ``new``, ``i18n``, ``balance`` and ``review`` load only when they run (or help lists them).

    Their modules import the whole reading pipeline; ``sitegen build`` on an
    unchanged site should not pay for that.
    """

    LAZY: ClassVar[dict[str, tuple[str, str]]] = {
        "new": ("sitegen.commands.new", "new_command"),
        "i18n": ("sitegen.commands.i18n", "i18n_group"),
        "balance": ("sitegen.commands.balance", "balance_command"),
        "review": ("sitegen.commands.review", "review_group"),
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
    site = _site(site_dir)
    out = _out(site, out_dir, force)
    if strict:
        _refuse_warnings(site, drafts, quiet, verbose)
    with BarProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = build(
            site,
            out,
            drafts=drafts,
            force=force,
            search=not no_search,
            jobs=jobs,
            cache=not no_cache,
            progress=progress,
        )
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
    site = _site(site_dir)
    report = build(site, drafts=not no_drafts, write=False)
    diagnostics = tuple(promote(report.diagnostics)) if strict else report.diagnostics
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    diffs = stale_diffs(site) if with_diff else {}
    if output_format == "json":
        click.echo(_json_text(_as_json(diagnostics, report.sources, diffs)))
    else:
        for diagnostic in diagnostics:
            if not (quiet and not diagnostic.is_error):
                _show(diagnostic)
                show_diff(diffs.get(diff_key(diagnostic), ""))
        if not quiet or errors:
            counts = f"{_count(errors, 'error')}, {_count(warnings, 'warning')} in {_count(report.sources, 'file')}"
            held = f" ({_count(report.drafts, 'draft')})" if report.drafts else ""
            summary = f"Checked {_count(report.articles, 'article')}{held}: {counts}" if not errors else counts
            if report.drafts_left_out and not errors:
                summary += f", {_count(report.drafts_left_out, 'draft')} left out (--no-drafts)"
            click.secho(summary, fg="red" if errors else None, err=bool(errors))
    sys.exit(1 if errors else 0)


def promote(diagnostics: tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """--strict: every warning becomes an error."""
    return [dataclasses.replace(d, severity=Severity.ERROR) for d in diagnostics]


def _json_text(value: dict) -> str:
    """JSON with its strings exact, but no character raw that ``errors.printable`` would escape.

    ``json`` escapes C0 controls itself; C1 controls, line separators and
    bidirectional overrides become ``\\u`` escapes, so the printed text cannot
    forge or reorder lines in a log while a JSON reader gets the value back.
    """
    import json

    text = json.dumps(value, ensure_ascii=False, indent=2)
    return re.sub(r"[^\x00-\x7e]", lambda m: m[0] if printable(m[0]) == m[0] else f"\\u{ord(m[0]):04x}", text)


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


@main.command("serve")
@site_option
@click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help=f"Where to write the preview. Default: {PREVIEW_OUT}/ in the site folder (never {DEFAULT_OUT}/).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Show draft articles in the preview.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser.")
@click.option("--force", is_flag=True, help="Replace an output folder that sitegen did not create.")
@quiet_option
@verbose_option
def serve_command(
    site_dir: str | None,
    out_dir: str | None,
    host: str,
    port: int,
    drafts: bool,
    open_browser: bool,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Preview the site while you write: build, serve, rebuild on every save.

    Watches sitegen.toml, content/ and theme/; a save re-renders the pages it
    touches and open pages reload by themselves, keeping their scroll position.
    When a save breaks something, the last good version stays up with the
    errors shown over it (and printed here) until the file is fixed. The
    preview goes to .sitegen/preview/, never to output/. The server binds to
    127.0.0.1 unless --host says otherwise and serves only the preview folder.
    """
    from . import serve

    site = _site(site_dir)
    out = _out(site, out_dir or str(site / PREVIEW_OUT), force)
    try:
        session = serve.open_session(site, out, host, port, drafts=drafts, force=force, verbose=verbose)
    except OSError as exc:
        if serve.port_in_use(exc):
            raise click.UsageError(
                f"port {port} is already in use; pass --port N, or --port 0 for a free one"
            ) from None
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not serve.is_loopback(host):
        click.secho(f"warning: listening on {host}: other machines can read this preview", fg="yellow", err=True)
    terminal = _Rebuilds(quiet, verbose)
    terminal.show(session.start())
    click.echo(f"Serving {_shown(out, site)} at {session.url}  (Ctrl+C to stop)")
    click.echo(f"Review pages (every language side by side, with the checks): {session.review_url}")
    if open_browser:
        click.launch(session.url)
    session.run(terminal.show)


class _Rebuilds:
    """What ``serve`` prints of each rebuild; it remembers whether the last one failed, to say when it is fixed."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose = quiet, verbose
        self.broken = False

    def show(self, update: Update) -> None:
        """The rebuild as a line or two (and every error); after a failed one, a line saying the site builds again.

        The fix is printed even with --quiet: it answers an error that was printed.
        """
        _print_update(update, self.quiet, self.verbose)
        if update.ok and self.broken:
            warnings = len(update.diagnostics)
            counts = "0 errors" + (f", {_count(warnings, 'warning')}" if warnings else "")
            click.secho(f"Fixed: the site builds again: {counts}; the preview shows the new version", fg="green")
        self.broken = not update.ok


def _print_update(update: Update, quiet: bool, verbose: bool) -> None:
    """One rebuild of the preview, as a line or two (and every error)."""
    for diagnostic in update.shown:
        if not (quiet and not diagnostic.is_error):
            _show(diagnostic)
    errors = len(update.errors)
    if errors:
        click.secho(f"{_count(errors, 'error')}: the preview keeps the last good version", fg="red", err=True)
    elif quiet:
        return
    elif update.full:
        pages, articles = _count(update.pages, "page"), _count(update.articles, "article")
        click.echo(f"Built {pages} ({articles}) in {update.seconds:.2f} s")
    elif update.written or update.removed:
        changed = [*update.written, *(f"{path} (deleted)" for path in update.removed)]
        shown = ", ".join(changed if verbose else changed[:3]) + ("" if verbose or len(changed) <= 3 else ", …")
        shown = printable(shown)  # an article's file names are content
        click.echo(f"Rebuilt {_count(len(changed), 'file')} in {update.seconds * 1000:.0f} ms: {shown}")
    elif verbose:
        click.echo(f"Nothing changed ({update.seconds * 1000:.0f} ms)")


def _print(report: BuildReport, quiet: bool, verbose: bool, site: Path) -> None:
    for diagnostic in report.diagnostics:
        if quiet and not diagnostic.is_error:
            continue
        _show(diagnostic)
    errors = sum(d.is_error for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    if errors:
        click.secho(
            f"{_count(errors, 'error')}, {_count(warnings, 'warning')}: nothing was written", fg="red", err=True
        )
    elif not quiet:
        where = _shown(report.out, site) if report.written else ""
        pages, articles = _count(report.pages, "page"), _count(report.articles, "article")
        if not report.written:
            done = f"Checked {articles} ({pages})"
        elif report.unchanged:
            done = f"Nothing changed: {pages} ({articles}) up to date"
        else:
            done = f"Built {pages} ({articles})"
            if report.cached:
                done += f", {report.rendered} of {_count(report.files, 'file')} rendered, {report.cached} from cache"
        done += f" in {report.seconds:.2f} s"
        done += (f" -> {where}" if where else "") + (f", {_count(warnings, 'warning')}" if warnings else "")
        click.echo(done + _left_out(report.drafts_left_out))
        if verbose and report.written:
            workers = f" by {_count(report.processes, 'process')}" if report.processes > 1 else ""
            click.echo(f"{report.rendered} of {report.files} files written to {report.out}{workers}")


def _left_out(drafts: int) -> str:
    """The end of the build's summary when it left drafts out: they are not published, and nothing else says so."""
    if not drafts:
        return ""
    return f", {_count(drafts, 'draft')} left out (use --drafts to include {'it' if drafts == 1 else 'them'})"


def _finish(report: BuildReport, quiet: bool, verbose: bool, site: Path) -> None:
    _print(report, quiet, verbose, site)
    sys.exit(0 if report.ok else 1)


def _show(diagnostic: Diagnostic) -> None:
    """A diagnostic on one line and its hint on the next; content in either is escaped (``errors.printable``)."""
    colour = "red" if diagnostic.is_error else "yellow"
    head = f"{printable(str(diagnostic.location))}: "
    click.echo(
        head + click.style(diagnostic.severity.value, fg=colour, bold=True) + f": {printable(diagnostic.message)}",
        err=True,
    )
    if diagnostic.hint:
        click.echo(f"    hint: {printable(diagnostic.hint)}", err=True)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _shown(path: Path | None, site: Path) -> str:
    if path is None:
        return ""
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return str(path)
