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
import http
import http.server
import io
import ipaddress
import mimetypes
import os
import select
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from . import config as config_stage
from . import connections, live, request, search, watch
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


class Handler(http.server.BaseHTTPRequestHandler):
    """One request: a site file, a redirect, a 404 page, the live script or the event stream.

    A malformed request is answered with 400 (405 for another method, 414 and
    431 for overlong lines, 505 for another HTTP version) before anything else
    is sent; once a response has begun, a failure only ends the connection.
    """

    server: PreviewServer
    server_version = "sitegen"
    #: Errors found before the version is read are still answered with a status line.
    default_request_version = "HTTP/1.0"
    timeout = connections.IDLE

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.reader = connections.DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader)
        self._responded = False

    def handle_one_request(self) -> None:
        self.reader.deadline = time.monotonic() + connections.REQUEST_TIME
        self._responded = False
        try:
            super().handle_one_request()
        except OSError:  # the client went away, or fell silent: there is no one to answer
            self.close_connection = True

    def parse_request(self) -> bool:
        self.command, self.request_version = None, self.default_request_version
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if len(self.raw_requestline.split()) != 3:  # HTTP/0.9's "GET /" has no room for a status
            self.send_error(400, "The request line must be a method, a path and an HTTP version.")
            return False
        if not super().parse_request():
            return False
        self.reader.deadline = None
        if self.command not in ("GET", "HEAD"):
            self.close_connection = True
            self._plain(405, "The preview answers GET and HEAD only.\n", False, {"Allow": "GET, HEAD"})
            return False
        return True

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._responded = True
        super().send_response(code, message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's errors (bad version, lines too long) as plain text, closing the connection."""
        self.close_connection = True
        self._plain(code, f"{message or http.HTTPStatus(code).phrase}\n", self.command == "HEAD")

    def _answer(self, head: bool) -> None:
        try:
            self._route(head)
        except request.MalformedError as exc:
            self._fail(400, f"{exc}\n", head)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # a bug must cost one request, never the server or a dropped connection
            connections.say(f"sitegen serve: {type(exc).__name__} while answering {self.path!r}: {exc}", every=10.0)
            self._fail(500, "The preview server failed on this request; see the terminal.\n", head)

    def _fail(self, status: int, text: str, head: bool) -> None:
        """An error response, unless one has begun: then only the connection ends."""
        self.close_connection = True
        if not self._responded:
            with contextlib.suppress(OSError):
                self._plain(status, text, head)

    def _route(self, head: bool) -> None:
        if not self.server.allows(*self._host()):
            self._plain(403, "This preview answers only at its own address.\n", head)
            return
        segments = request.split_path(self.path)
        if segments is not None and self.path.startswith(live.PREFIX):
            self._sitegen(segments[1:], head)
        else:
            self._site(segments, head)

    def _host(self) -> tuple[str, int | None]:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            raise request.MalformedError("A request must name the host it is for in one Host header.")
        return request.host_port(hosts[0])

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
        """The live-reload stream. Everything is read and checked before its 200: after it, a failure ends it."""
        fields = request.query(self.path)
        since, page = fields.get("since", ""), fields.get("page", "")
        if since and not live.VERSION.fullmatch(since):
            raise request.MalformedError("'since' must be a version this preview gave out.")
        if not self._origin_allowed():
            self._plain(403, "Live reload is for pages of this preview only.\n", False)
            return
        if not self.server.streams.acquire(blocking=False):
            self._plain(503, "The preview has too many live-reload streams open.\n", False, {"Retry-After": "5"})
            return
        try:
            self._stream(self.server.channel.hello(since, page))
        finally:
            self.server.streams.release()

    def _stream(self, hello: live.Event) -> None:
        channel = self.server.channel
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 500\n\n" + hello.encode())
        self.wfile.flush()
        seen, written = hello.number, time.monotonic()
        while (events := channel.wait(seen, timeout=1)) is not None:
            if not events:
                if _closed(self.connection):
                    return  # the page is gone: its thread and its share of streams are free at once
                if time.monotonic() - written < 15:
                    continue
            self.wfile.write(b"".join(event.encode() for event in events) or b": still here\n\n")
            self.wfile.flush()
            seen, written = (events[-1].number if events else seen), time.monotonic()

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

    def _plain(self, status: int, text: str, head: bool, headers: dict[str, str] | None = None) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _origin_allowed(self) -> bool:
        """Whether the event stream's ``Origin`` (when sent) is a page of this preview."""
        origins = self.headers.get_all("Origin") or []
        if len(origins) > 1:
            raise request.MalformedError("A request has one Origin header at most.")
        if not origins:
            return True
        scheme, name, port = request.origin(origins[0])
        return scheme == "http" and self.server.allows(name, port)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


def _closed(connection: socket.socket) -> bool:
    """Whether the client closed ``connection`` (it has nothing more to send on an event stream)."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


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
