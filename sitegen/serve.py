"""Preview: serve the built site on 127.0.0.1.

A small static server over the output folder: it serves only files inside
that folder (paths are resolved and compared by components), answers folders
with their ``index.html`` and unknown paths with the site's ``404.html``.
"""

from __future__ import annotations

import errno
import http.server
import mimetypes
import posixpath
import threading
import urllib.parse
from pathlib import Path

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None when it names nothing there."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path, errors="strict")
    if "\0" in path or "\\" in path:
        return None
    parts = [part for part in posixpath.normpath("/" + path).split("/") if part]
    if any(part in ("..", ".") for part in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root):
        return None
    if real.is_dir():
        real = real / "index.html"
        if not real.is_file():
            return None
    return real if real.is_file() else None


class Handler(http.server.BaseHTTPRequestHandler):
    root: Path
    server_version = "sitegen"

    def do_GET(self) -> None:
        self._send(head=False)

    def do_HEAD(self) -> None:
        self._send(head=True)

    def _send(self, head: bool) -> None:
        try:
            target = resolve(self.root, self.path)
        except UnicodeDecodeError:
            target = None
        url_path = urllib.parse.urlsplit(self.path).path
        if target is not None and target.name == "index.html" and not url_path.endswith(("/", ".html")):
            self.send_response(301)
            self.send_header("Location", "/" + url_path.lstrip("/") + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if target is None:
            status, target = 404, self.root / "404.html"
        body = target.read_bytes() if target.is_file() else b"Not found\n"
        self.send_response(status)
        self.send_header("Content-Type", content_type(target))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def make_server(
    root: Path, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False
) -> http.server.ThreadingHTTPServer:
    """A server over ``root``; raises OSError when the port is taken."""
    handler = type("SiteHandler", (Handler,), {"root": root.resolve()})
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


def serve_forever(server: http.server.ThreadingHTTPServer) -> None:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        thread.join()
    except KeyboardInterrupt:
        server.shutdown()


def port_in_use(exc: OSError) -> bool:
    return exc.errno == errno.EADDRINUSE
