"""How the preview server answers one request: a site file, a redirect, a 404 page, the live script, the event
stream, a review page (made by :mod:`sitegen.review_page` from what the preview holds, never from a file).

Requests are answered only with files inside the preview folder: the path is
decoded once (:mod:`sitegen.request`), split into segments, refused when a
segment is ``..``, hidden or holds a NUL or a backslash, then resolved and
compared by components, so no link leads out. Every refused path is a plain
404; a malformed request is a 400.
"""

from __future__ import annotations

import contextlib
import http
import http.server
import io
import mimetypes
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from . import connections, live, request, review_page


class Server(Protocol):
    """What a request needs of its server: where the files are, the site's path, the reload channel."""

    root: Path
    prefix: list[str]
    channel: live.Channel
    live_reload: bool
    verbose: bool
    streams: threading.BoundedSemaphore
    #: What the review pages are made from; None where there are none (a plain server over a folder).
    review: Callable[[], review_page.State | None] | None

    def allows(self, name: str, port: int | None) -> bool: ...


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
#: Bytes sent at a time: each piece has :data:`sitegen.connections.IDLE` seconds to leave.
SEND = 256 * 1024
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

    server: Server  # type: ignore[assignment]
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
            what = f"{type(exc).__name__} while answering {self.path[:200]!r}: {exc}"
            connections.say(f"sitegen serve: {what}", every=10.0)
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
        kind = content_type(found)
        marks = review_page.marks(self.server.review(), names) if self.server.review and kind == TYPES[".html"] else b""
        self._file(200, found.read_bytes(), kind, version, head, marks)

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
        elif segments == ["review.css"] and self.server.review:
            self._file(200, review_page.STYLE.read_bytes(), TYPES[".css"], "", head)
        elif segments[:1] == ["review"] and self.server.review:
            self._review(segments[1:], head)
        else:
            self._plain(404, "Not found\n", head)

    def _review(self, segments: list[str], head: bool) -> None:
        """A review page, made from what the preview holds now (see :mod:`sitegen.review_page`)."""
        channel = self.server.channel
        version, problems = channel.version, channel.problem_changes  # before the state: newer costs a reload
        found = review_page.answer(self.server.review(), segments) if self.server.review else None
        if found is None:
            self._not_found([], head)
        elif found.redirect:
            self._redirect(302, list(found.redirect), head)
        else:
            self._file(found.status, found.body, TYPES[".html"], version, head, problems=problems)

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

    def _file(
        self,
        status: int,
        body: bytes,
        kind: str,
        version: str,
        head: bool,
        marks: bytes = b"",
        problems: int | None = None,
    ) -> None:
        if kind.startswith("text/html") and self.server.live_reload:
            body = live.inject(body, version, marks, problems)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            view = memoryview(body)
            for start in range(0, len(view), SEND):  # the idle timeout counts per piece, not for a whole large file
                self.wfile.write(view[start : start + SEND])

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
