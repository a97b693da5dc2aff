"""The preview server: the preview folder over HTTP, rebuilt on every save, with live reload.

A :class:`Session` binds the port, builds the site into the preview folder
(:mod:`sitegen.preview`), then serves it while :mod:`sitegen.watch` reports
saved files: each batch is rebuilt incrementally and the open pages are told
through :mod:`sitegen.live` to reload, or to show the build errors over the
last good version. Bad content never stops the server.

The site is served under the path of ``base_url`` (``/news/`` for
``https://example.org/news/``), as in production, so the absolute links of
the 404 pages work; ``/`` redirects there. :mod:`sitegen.handler` answers
each request with files inside the preview folder only. Requests naming
another host (DNS rebinding) and event streams opened from another origin
are refused; connections are bounded in number and in time
(:mod:`sitegen.connections`).
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import ipaddress
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from . import config as config_stage
from . import connections, live, pagefind, review_page, watch
from .errors import Diagnostic
from .handler import Handler
from .preview import Preview, Update

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class PreviewServer(connections.Bounded, http.server.HTTPServer):
    """The HTTP side: where the files are, the site's path, the reload channel, the names it answers to.

    A thread for each connection, as many at once as :mod:`sitegen.connections` allows.
    """

    daemon_threads = True
    #: Connections the system completes before the server accepts them. With socketserver's 5,
    #: the seventh of many simultaneous connections (a page's assets, several tabs reloading at
    #: once) had its SYN dropped and waited to send it again: a second, then three, then seven.
    request_queue_size = 128

    def __init__(
        self, root: Path, host: str, port: int, prefix: list[str], verbose: bool = False, live_reload: bool = True
    ):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.root, self.prefix, self.verbose = root.resolve(), prefix, verbose
        self.live_reload = live_reload
        self.channel = live.Channel()
        self.review: Callable[[], review_page.State | None] | None = None
        self.host = host
        self.port = self.server_address[1]

    def allows(self, name: str, port: int | None) -> bool:
        """Whether a ``Host`` header's (or an origin's) name and port name this server."""
        if (port or 80) != self.port:
            return False
        if name in LOOPBACK or name == self.host.lower().strip("[]"):
            return True
        return self.host in ("0.0.0.0", "::") and (_is_ip(name) or name == socket.gethostname().lower())

    @property
    def url(self) -> str:
        return self.origin + "/" + "".join(part + "/" for part in self.prefix)

    @property
    def origin(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "localhost") else "[::1]" if self.host == "::" else self.host
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self.port}"


class Session:
    """One ``sitegen serve``: the server, the preview folder it serves, the watcher, the rebuilds."""

    def __init__(self, preview: Preview, server: PreviewServer):
        self.preview, self.server = preview, server
        self.watcher = watch.Watcher(preview.site_dir)
        self.indexer = Indexer(preview)
        #: The problems of the last rebuild, which the review pages show.
        self.problems: tuple[Diagnostic, ...] = ()
        server.review = self.review_state

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def review_url(self) -> str:
        """Where the review pages start: every article with what waits for its editors."""
        return self.server.origin + review_page.PREFIX

    def review_state(self) -> review_page.State | None:
        """What a review page is made from now: the Site the preview shows and the last rebuild's problems."""
        shown = self.preview.shown()
        if shown is None:
            return None
        return review_page.State.of(self.preview.site_dir, shown, self.problems)

    def start(self) -> Update:
        """Watch, build, serve. Saves made during the first build are rebuilt right after it."""
        self.watcher.start()
        first = self._publish(self.preview.build())
        threading.Thread(target=self.server.serve_forever, daemon=True, name="http").start()
        threading.Thread(target=self.indexer.run, args=(self.watcher.stop,), daemon=True, name="search").start()
        return first

    def run(self, report: Callable[[Update], None]) -> None:
        """Rebuild on every save until Ctrl+C or SIGTERM; ``report`` hears of each rebuild."""
        previous = signal.signal(signal.SIGTERM, _interrupt) if _main_thread() else None
        try:
            for batch in self.watcher.batches():
                report(self._rebuild(batch))
        except KeyboardInterrupt:
            pass
        finally:
            self.watcher.stop.set()
            pagefind.stop()  # a Pagefind run in the background would outlive the server
            self.preview.store()  # the next session starts from this one's output
            self.server.channel.close()
            self.server.shutdown()
            self.server.server_close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def _rebuild(self, batch: set[Path]) -> Update:
        """One batch of saves: the edited pages are announced as soon as they are written, the rest after
        (or, when another save came by then, with that save's rebuild)."""
        early: list[Update] = []

        def announce(first: Update) -> None:
            early.append(self._publish(first, first=True))

        update = self.preview.update(batch, early=announce, superseded=self.watcher.pending)
        return self._publish(update, shown=early[0].written if early else ())

    def _publish(self, update: Update, shown: tuple[str, ...] = (), first: bool = False) -> Update:
        """Tell the open pages: the errors, and which of them changed (those ``shown`` early are not told twice).

        The ``first`` pages of a save are written before the site-wide checks run: the
        problems shown stay as they were until the whole rebuild has been checked.
        """
        if update.full:
            self.server.prefix = base_path(self.preview.site_dir) or self.server.prefix
        changed = [path for path in (*update.written, *update.removed, *update.reverted) if path not in shown]
        problems = None if first or update.superseded else update.diagnostics
        if problems is not None:
            self.problems = problems  # before the pages hear of it: a review page reloads to show them
        self.server.channel.publish(bool(changed) or update.changed, problems, self._pages(update, changed))
        if changed and not update.full:
            self.indexer.wanted()
        return update

    def _pages(self, update: Update, paths: list[str]) -> list[str] | None:
        """The URL paths of the pages among ``paths``; None (every page) after a full build or another file.

        Feeds, the sitemap and robots.txt are read by machines, not shown in
        an open page: they change with most saves and reload nothing.
        """
        if update.full or not all(path.endswith((".html", *UNSHOWN)) for path in paths):
            return None
        prefix = "/" + "".join(urllib.parse.quote(part) + "/" for part in self.server.prefix)
        shown = [path for path in paths if path.endswith(".html")]
        return [prefix + urllib.parse.quote(path.removesuffix("index.html")) for path in shown]


#: Outputs no open page shows: a change to them alone reloads no page.
UNSHOWN = (".xml", ".txt")


def _interrupt(number: int, frame: object) -> None:
    """SIGTERM stops the server as Ctrl+C does: its cleanup runs."""
    raise KeyboardInterrupt


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class Indexer:
    """Keeps the preview's search index up to date, off the save path.

    Pagefind reads every page (tens of seconds for thousands of articles), so
    it runs in the background at low priority, once saves have paused, and
    its index replaces the old one only if no save came meanwhile. The build
    cache's manifest of the preview folder is stored then too, not on every
    save. After a longer pause the garbage among what the preview keeps is
    collected (most of a second at 10,000 articles: a save that came then
    would wait for it).
    """

    QUIET = 1.5  # seconds without a save before indexing starts
    TIDY = 30.0  # seconds without a save before the collector tidies what the preview keeps

    def __init__(self, preview: Preview):
        self.preview = preview
        self._due = threading.Event()
        self._last = 0.0

    def wanted(self) -> None:
        """The pages changed: index again once saves pause."""
        self._last = time.monotonic()
        self._due.set()

    def run(self, stop: threading.Event) -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: this thread, and Pagefind, yield the CPU
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        untidy = False
        while not stop.is_set():
            if not self._due.wait(0.5):
                if untidy and time.monotonic() - self._last >= self.TIDY:
                    untidy = False
                    self.preview.tidy()
                continue
            if (quiet := time.monotonic() - self._last) < self.QUIET:
                stop.wait(self.QUIET - quiet)  # asleep, not spinning: a rebuild needs the interpreter
                continue
            self._due.clear()
            self.preview.store()
            untidy = True
            with contextlib.suppress(OSError):  # the folder was replaced meanwhile: the next save indexes again
                self.preview.refresh_search()


def open_session(
    site_dir: Path, out: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = True, **options: bool
) -> Session:
    """Bind the port (``OSError`` when that fails) and prepare the preview; nothing is built yet."""
    preview = Preview(site_dir, out, drafts=drafts, force=options.get("force", False))
    server = PreviewServer(out, host, port, base_path(site_dir), verbose=options.get("verbose", False))
    return Session(preview, server)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False) -> PreviewServer:
    """A plain server over a built folder at ``/``: no rebuilds, no live-reload script."""
    return PreviewServer(root, host, port, [], verbose=verbose, live_reload=False)


def base_path(site_dir: Path) -> list[str]:
    """The path segments of ``base_url`` (``["news"]``); none while the config is broken."""
    config, _ = config_stage.load(site_dir)
    if config is None:
        return []
    path = urllib.parse.urlsplit(config.base_url).path
    return [part for part in path.split("/") if part]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    return _is_ip(host) and ipaddress.ip_address(host).is_loopback


def port_in_use(exc: OSError) -> bool:
    return exc.errno == errno.EADDRINUSE


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True
