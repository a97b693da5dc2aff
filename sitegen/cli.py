"""The ``sitegen`` command: find the site, call one function, print, exit 0/1/2."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, output
from .build import DEFAULT_OUT, BuildReport, build
from .config import FILENAME
from .errors import Diagnostic


def find_site(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``sitegen.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / FILENAME).is_file():
            return folder
    return None


def _site(value: str | None) -> Path:
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


def _out(site: Path, value: str | None, force: bool) -> Path:
    """The output folder, refused as a usage error when writing there would destroy something."""
    out = Path(value) if value else site / DEFAULT_OUT
    for problem in output.check_target(out, site, force):
        raise click.UsageError(f"--out {problem.location.path}: {problem.message}; {problem.hint}")
    return out


site_option = click.option(
    "--site",
    "site_dir",
    metavar="DIR",
    help=f"The site folder (holds {FILENAME}). Default: the nearest one upwards from here.",
)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@quiet_option
@verbose_option
def build_command(
    site_dir: str | None, out_dir: str | None, drafts: bool, force: bool, quiet: bool, verbose: bool
) -> None:
    """Build the site into the output folder.

    The new site replaces the old one only when the whole build succeeded;
    on any error the previous output is left as it was and the exit status is 1.
    """
    site = _site(site_dir)
    report = build(site, _out(site, out_dir, force), drafts=drafts, force=force)
    _finish(report, quiet, verbose, site)


@main.command("check")
@site_option
@click.option("--no-drafts", is_flag=True, help="Leave out articles marked draft: true (checked by default).")
@quiet_option
@verbose_option
def check_command(site_dir: str | None, no_drafts: bool, quiet: bool, verbose: bool) -> None:
    """Check the whole site and report every problem, writing nothing."""
    site = _site(site_dir)
    report = build(site, drafts=not no_drafts, write=False)
    _finish(report, quiet, verbose, site)


@main.command("serve")
@site_option
@out_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Show draft articles in the preview.")
@click.option("--force", is_flag=True, help="Replace an output folder that sitegen did not create.")
@quiet_option
@verbose_option
def serve_command(
    site_dir: str | None,
    out_dir: str | None,
    host: str,
    port: int,
    drafts: bool,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the site and preview it on http://127.0.0.1:8000/.

    The server binds to 127.0.0.1 unless --host says otherwise and serves only
    files inside the output folder. Drafts are shown unless --no-drafts.
    """
    from . import serve

    site = _site(site_dir)
    report = build(site, _out(site, out_dir, force), drafts=drafts, force=force)
    _print(report, quiet, verbose, site)
    if not report.ok or report.out is None:
        sys.exit(1)
    try:
        server = serve.make_server(report.out, host, port, verbose)
    except OSError as exc:
        if serve.port_in_use(exc):
            raise click.UsageError(
                f"port {port} is already in use; pass --port N, or --port 0 for a free one"
            ) from None
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_host, bound_port = server.server_address[:2]
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"warning: listening on {host}: other machines can read this preview", fg="yellow", err=True)
    click.echo(f"Serving {report.out} at http://{bound_host}:{bound_port}/  (Ctrl+C to stop)")
    serve.serve_forever(server)


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
        done = f"Built {pages} ({articles})" if report.written else f"Checked {articles} ({pages})"
        done += f" in {report.seconds:.2f} s"
        click.echo(done + (f" -> {where}" if where else "") + (f", {_count(warnings, 'warning')}" if warnings else ""))
        if verbose and report.written:
            click.echo(f"{report.files} files written to {report.out}")


def _finish(report: BuildReport, quiet: bool, verbose: bool, site: Path) -> None:
    _print(report, quiet, verbose, site)
    sys.exit(0 if report.ok else 1)


def _show(diagnostic: Diagnostic) -> None:
    colour = "red" if diagnostic.is_error else "yellow"
    head = f"{diagnostic.location}: "
    click.echo(
        head + click.style(diagnostic.severity.value, fg=colour, bold=True) + f": {diagnostic.message}", err=True
    )
    if diagnostic.hint:
        click.echo(f"    hint: {diagnostic.hint}", err=True)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _shown(path: Path | None, site: Path) -> str:
    if path is None:
        return ""
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return str(path)
