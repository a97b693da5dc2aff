"""The preview server: the preview folder over HTTP, rebuilt on every save, with live reload.

A :class:`Session` binds the port, builds the site into the preview folder
(:mod:`sitegen.preview`), then serves it while :mod:`sitegen.watch` reports
saved files: each batch is rebuilt incrementally and the open pages are told
through :mod:`sitegen.live` to reload, or to show the build errors over the
last good version. Bad content never stops the server.

The site is served under the path of ``base_url`` (``/news/`` for
``https://example.org/news/``), as in production, so the absolute links of
the 404 pages work; ``/`` redirects there. Requests are answered only with
files inside the preview folder: the path is decoded once, split into
segments, refused when a segment is ``..``, hidden or holds a NUL or a
backslash, then resolved and compared by components, so no link leads out.
Every refused path is a plain 404. Requests naming another host (DNS
rebinding) and event streams opened from another origin are refused.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import ipaddress
import mimetypes
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from . import config as config_stage
from . import live, search, watch
from .preview import Preview, Update

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Shown when the preview folder has no page yet (the first build failed): the overlay lists why.
NOTHING_YET = (
    b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>sitegen preview</title></head>\n<body></body></html>\n"
)


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def resolve(root: Path, segments: list[str]) -> Path | None:
    """The file or folder that URL path ``segments`` name inside ``root``, or None when they name nothing there."""
    if any(not part or part.startswith(".") or "\0" in part or "\\" in part for part in segments):
        return None
    try:
        real = root.joinpath(*segments).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    return real if real.is_relative_to(root) else None


def split_path(target: str) -> list[str] | None:
    """The decoded segments of a request target's path (``/a/b/`` -> ``["a", "b", ""]``); None when unreadable."""
    raw = target.split("#", 1)[0].split("?", 1)[0]
    if not raw.startswith("/"):
        return None
    try:
        path = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    return path.split("/")[1:]


class Handler(http.server.BaseHTTPRequestHandler):
    """One request: a site file, a redirect, a 404 page, the live script or the event stream."""

    server: PreviewServer
    server_version = "sitegen"

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        try:
            if not self._host_allowed():
                self._plain(403, "This preview answers only at its own address.\n", head)
                return
            segments = split_path(self.path)
            if segments is not None and self.path.startswith(live.PREFIX):
                self._sitegen(segments[1:], head)
            else:
                self._site(segments, head)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # a bug must cost one request, never the server or a dropped connection
            self.log_error("%s while answering %r", exc, self.path)
            self._plain(500, "The preview server failed on this request; see the terminal.\n", head)

    def _site(self, segments: list[str] | None, head: bool) -> None:
        root, prefix = self.server.root, self.server.prefix
        if segments is None:
            self._not_found([], head)
            return
        names = [part for part in segments[:-1]] + ([segments[-1]] if segments[-1] else [])
        folder = [""] if segments[-1] == "" else []
        if segments[: len(prefix)] != prefix:
            # Outside the site's path: "/", and paths that exist under it, lead there.
            if not names or resolve(root, names) is not None:
                self._redirect(302, prefix + names + folder, head)
            else:
                self._not_found([], head)
            return
        names = names[len(prefix) :]
        found = resolve(root, names)
        if found is not None and found.is_dir():
            if not folder:
                self._redirect(301, prefix + names + [""], head)
                return
            found = resolve(root, [*names, "index.html"])
        if found is None or not found.is_file():
            self._not_found(names, head)
            return
        version = self.server.channel.version  # before reading: a newer file only costs a reload
        self._file(200, found.read_bytes(), content_type(found), version, head)

    def _not_found(self, names: list[str], head: bool) -> None:
        """The theme's 404 page in the language of the first segment, else the site's."""
        version = self.server.channel.version
        for candidate in ([names[0], "404.html"] if names else None, ["404.html"]):
            page = resolve(self.server.root, candidate) if candidate else None
            if page is not None and page.is_file():
                self._file(404, page.read_bytes(), content_type(page), version, head)
                return
        self._file(404, NOTHING_YET, TYPES[".html"], version, head)

    def _sitegen(self, segments: list[str], head: bool) -> None:
        if segments == ["live.js"]:
            self._file(200, live.SCRIPT.read_bytes(), TYPES[".js"], "", head)
        elif segments == ["events"] and not head:
            self._events()
        else:
            self._plain(404, "Not found\n", head)

    def _events(self) -> None:
        origin = self.headers.get("Origin")
        if origin is not None and not self._origin_allowed(origin):
            self._plain(403, "Live reload is for pages of this preview only.\n", False)
            return
        channel = self.server.channel
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        hello = channel.hello(query.get("since", [""])[0], query.get("page", [""])[0])
        self.wfile.write(b"retry: 500\n\n" + hello.encode())
        self.wfile.flush()
        seen = hello.number
        while (events := channel.wait(seen, timeout=15)) is not None:
            self.wfile.write(b"".join(event.encode() for event in events) or b": still here\n\n")
            self.wfile.flush()
            seen = events[-1].number if events else seen

    def _file(self, status: int, body: bytes, kind: str, version: str, head: bool) -> None:
        if kind.startswith("text/html") and self.server.live_reload:
            body = live.inject(body, version)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, status: int, segments: list[str], head: bool) -> None:
        # Made only of the site prefix and checked segments: always "/x...", never "//host".
        location = "/" + "/".join(urllib.parse.quote(part) for part in segments)
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _plain(self, status: int, text: str, head: bool) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        return host is not None and self.server.allows(host)

    def _origin_allowed(self, origin: str) -> bool:
        parts = urllib.parse.urlsplit(origin)
        return parts.scheme == "http" and self.server.allows(parts.netloc)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class PreviewServer(http.server.ThreadingHTTPServer):
    """The HTTP side: where the files are, the site's path, the reload channel, the names it answers to."""

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
        self.host = host
        self.port = self.server_address[1]

    def allows(self, value: str) -> bool:
        """Whether a ``Host`` header (or an origin's ``host:port``) names this server."""
        parts = urllib.parse.urlsplit("//" + value)
        try:
            name, port = (parts.hostname or "").lower(), parts.port or 80
        except ValueError:
            return False
        if port != self.port:
            return False
        if name in LOOPBACK or name == self.host.lower():
            return True
        return self.host in ("0.0.0.0", "::") and (_is_ip(name) or name == socket.gethostname().lower())

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "localhost") else "[::1]" if self.host == "::" else self.host
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self.port}/" + "".join(part + "/" for part in self.prefix)


class Session:
    """One ``sitegen serve``: the server, the preview folder it serves, the watcher, the rebuilds."""

    def __init__(self, preview: Preview, server: PreviewServer):
        self.preview, self.server = preview, server
        self.watcher = watch.Watcher(preview.site_dir)
        self.indexer = Indexer(preview)

    @property
    def url(self) -> str:
        return self.server.url

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
            search.stop()  # a Pagefind run in the background would outlive the server
            self.server.channel.close()
            self.server.shutdown()
            self.server.server_close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def _rebuild(self, batch: set[Path]) -> Update:
        """One batch of saves: the edited pages are announced as soon as they are written, the rest after."""
        early: list[Update] = []
        update = self.preview.update(batch, early=lambda first: early.append(self._publish(first)))
        return self._publish(update, shown=early[0].written if early else ())

    def _publish(self, update: Update, shown: tuple[str, ...] = ()) -> Update:
        """Tell the open pages: the errors, and which of them changed (those ``shown`` early are not told twice)."""
        if update.full:
            self.server.prefix = base_path(self.preview.site_dir) or self.server.prefix
        changed = [path for path in (*update.written, *update.removed, *update.reverted) if path not in shown]
        self.server.channel.publish(bool(changed) or update.changed, update.diagnostics, self._pages(update, changed))
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
    its index replaces the old one only if no save came meanwhile.
    """

    QUIET = 1.5  # seconds without a save before indexing starts

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
        while not stop.is_set():
            if not self._due.wait(0.5) or time.monotonic() - self._last < self.QUIET:
                continue
            self._due.clear()
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
