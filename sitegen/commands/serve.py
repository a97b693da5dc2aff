"""``sitegen serve``: the preview while you write, and what the terminal shows of each rebuild."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..build import DEFAULT_OUT, PREVIEW_OUT
from ..errors import printable
from .common import count, output_folder, quiet_option, resolve_site, show, shown, site_option, verbose_option

if TYPE_CHECKING:
    from ..preview import Update


@click.command("serve")
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
    from .. import serve

    site = resolve_site(site_dir)
    out = output_folder(site, out_dir or str(site / PREVIEW_OUT), force)
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
    click.echo(f"Serving {shown(out, site)} at {session.url}  (Ctrl+C to stop)")
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
            counts = "0 errors" + (f", {count(warnings, 'warning')}" if warnings else "")
            click.secho(f"Fixed: the site builds again: {counts}; the preview shows the new version", fg="green")
        self.broken = not update.ok


def _print_update(update: Update, quiet: bool, verbose: bool) -> None:
    """One rebuild of the preview, as a line or two (and every error)."""
    for diagnostic in update.shown:
        if not (quiet and not diagnostic.is_error):
            show(diagnostic)
    errors = len(update.errors)
    if errors:
        click.secho(f"{count(errors, 'error')}: the preview keeps the last good version", fg="red", err=True)
    elif quiet:
        return
    elif update.full:
        pages, articles = count(update.pages, "page"), count(update.articles, "article")
        click.echo(f"Built {pages} ({articles}) in {update.seconds:.2f} s")
    elif update.written or update.removed:
        changed = [*update.written, *(f"{path} (deleted)" for path in update.removed)]
        listed = ", ".join(changed if verbose else changed[:3]) + ("" if verbose or len(changed) <= 3 else ", …")
        listed = printable(listed)  # an article's file names are content
        later = "; a newer save came, its rebuild does the rest" if update.superseded else ""
        click.echo(f"Rebuilt {count(len(changed), 'file')} in {update.seconds * 1000:.0f} ms: {listed}{later}")
    elif verbose:
        click.echo(f"Nothing changed ({update.seconds * 1000:.0f} ms)")
