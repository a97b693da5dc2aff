"""Bounds on the preview server's connections: how many, for how long, and what happens without file descriptors.

Each connection holds a thread and a file descriptor, so the server takes at
most :func:`capacity` at once (fewer when the process may open few files:
rebuilds need descriptors too) and answers the next ones at once with a short
503 and closes them. Event streams stay open as long as their page, so they
have a smaller share, :func:`stream_capacity`.

A request must arrive whole, its line and headers, within
:data:`REQUEST_TIME` of the connection being opened: a client that sends
nothing, or one byte now and then (slowloris), is dropped then. Every send and
receive also gives up after :data:`IDLE` seconds of silence, so a client that
stops reading what it is sent is dropped too.

When ``accept()`` fails because the process or the system is out of file
descriptors, the waiting connection stays queued and the listening socket
stays readable: trying again at once spins at 100 % CPU. The server waits,
longer each time up to a second, says so in one line, and says when it
accepts again.
"""

from __future__ import annotations

import contextlib
import errno
import resource
import socket
import socketserver
import sys
import threading
import time

#: Seconds a request's line and headers may take to arrive, counted from the connection.
REQUEST_TIME = 10.0
#: Seconds of silence after which a send or a receive gives up.
IDLE = 10.0
#: Connections served at once, at most; event streams among them.
MAX_CONNECTIONS = 128
MAX_STREAMS = 32
#: File descriptors left for everything but connections: rebuilds, the watcher, the files being sent.
RESERVE = 64
#: Errors of ``accept()`` that mean "no descriptor or memory for one more connection now".
_EXHAUSTED = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_BUSY_TEXT = b"The preview has too many connections open; try again in a moment.\n"
_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s" % (len(_BUSY_TEXT), _BUSY_TEXT)
)


def capacity(files: int | None = None) -> int:
    """Connections to serve at once: :data:`MAX_CONNECTIONS`, or half the descriptors left after the reserve.

    ``files`` is the number of files the process may open; by default, its soft ``RLIMIT_NOFILE``.
    """
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0] if files is None else files
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(4, min(MAX_CONNECTIONS, (soft - RESERVE) // 2))


def stream_capacity(connections: int) -> int:
    """Event streams to keep open at once: a quarter of the connections, so pages still load."""
    return max(2, min(MAX_STREAMS, connections // 4))


class DeadlineReader(socket.SocketIO):
    """A socket's reading side that gives up at a deadline as well as after a silence."""

    def __init__(self, sock: socket.socket):
        super().__init__(sock, "rb")
        self.sock = sock
        self.deadline: float | None = None

    def readinto(self, buffer) -> int | None:  # type: ignore[override]
        if self.deadline is None:
            return super().readinto(buffer)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(min(left, IDLE))
        try:
            return super().readinto(buffer)
        finally:
            self.sock.settimeout(IDLE)


class Bounded(socketserver.ThreadingMixIn):
    """A threading server that serves at most :func:`capacity` connections and backs off when out of descriptors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connections = threading.BoundedSemaphore(capacity())
        self.streams = threading.BoundedSemaphore(stream_capacity(capacity()))
        self._pause = 0.0

    def get_request(self):  # type: ignore[no-untyped-def]
        try:
            accepted = super().get_request()  # type: ignore[misc]
        except OSError as exc:
            if exc.errno in _EXHAUSTED:
                self._wait_for_descriptors(exc)
            raise
        if self._pause:
            self._pause = 0.0
            say("sitegen serve: accepting connections again.")
        return accepted

    def _wait_for_descriptors(self, exc: OSError) -> None:
        if not self._pause:
            say(f"sitegen serve: cannot accept a connection ({exc.strerror}); waiting for others to close.")
        self._pause = min(1.0, max(0.05, self._pause * 2))
        time.sleep(self._pause)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not self.connections.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)  # type: ignore[attr-defined]
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """One line, not a traceback: a connection that failed costs only itself."""
        exc = sys.exc_info()[1]
        say(f"sitegen serve: a connection failed: {type(exc).__name__}: {exc}", every=10.0)


def _refuse(request: socket.socket) -> None:
    """A 503 to a connection beyond the capacity, without waiting for it to be read."""
    with contextlib.suppress(OSError):
        request.setblocking(False)
        request.send(_BUSY)


_said: dict[str, float] = {}
_said_lock = threading.Lock()


def say(line: str, every: float = 0.0) -> None:
    """``line`` on standard error; with ``every``, at most once in that many seconds for lines of its kind."""
    kind = line.split(":", 2)[1] if every else line
    now = time.monotonic()
    with _said_lock:
        if every and now - _said.get(kind, -every) < every:
            return
        _said[kind] = now
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)
