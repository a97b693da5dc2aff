"""The preview server's edges: malformed requests, idle and slow clients, too many connections, no file descriptors.

Every test talks to a real ``sitegen serve`` process on 127.0.0.1 through raw
sockets; every loop is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import connections, live

from .conftest import SITES
from .serving import Events, Server, raw_get, serving, serving_copy, wait_until

#: What a request that is not answered in time is given to answer.
ANSWER_TIME = 5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving_copy(tmp_path_factory.mktemp("edges")) as running:
        yield running


def exchange(port: int, data: bytes) -> bytes:
    """Send ``data`` as it is and read until the server closes the connection."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIME) as connection:
        connection.sendall(data)
        deadline = time.monotonic() + ANSWER_TIME
        while time.monotonic() < deadline and (chunk := connection.recv(65536)):
            answer += chunk
    return answer


def statuses(answer: bytes) -> list[int]:
    """The status of every response in ``answer`` (a second one would be a second status line)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3}) ", answer)]


def no_traceback(server: Server) -> None:
    assert "Traceback" not in server.terminal and 'File "' not in server.terminal, server.terminal
    assert "failed" not in server.terminal, server.terminal


def version(server: Server) -> str:
    _, _, page = raw_get(server.port, "/news/")
    return re.search(rb'data-version="([^"]+)"', page)[1].decode()


HOST = "Host: 127.0.0.1:{port}\r\n"
MALFORMED = {
    "host-unclosed-bracket": (b"GET /news/ HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
    "host-bracket-not-ipv6": (b"GET /news/ HTTP/1.1\r\nHost: [xyz]:{port}\r\n\r\n", 400),
    "host-port-too-big": (b"GET /news/ HTTP/1.1\r\nHost: 127.0.0.1:99999999\r\n\r\n", 400),
    "host-non-ascii": ("GET /news/ HTTP/1.1\r\nHost: lоcalhost:{port}\r\n\r\n".encode(), 400),
    "host-missing": (b"GET /news/ HTTP/1.1\r\n\r\n", 400),
    "host-twice": (b"GET /news/ HTTP/1.1\r\n" + HOST.encode() + b"Host: evil.example\r\n\r\n", 400),
    "origin-unclosed-bracket": (
        b"GET /_sitegen/events HTTP/1.1\r\n" + HOST.encode() + b"Origin: http://[::1\r\n\r\n",
        400,
    ),
    "origin-no-scheme": (
        b"GET /_sitegen/events HTTP/1.1\r\n" + HOST.encode() + b"Origin: 127.0.0.1:{port}\r\n\r\n",
        400,
    ),
    "target-raw-non-ascii": (b"GET /news/\xd0\xb0/ HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "target-control-character": (b"GET /news/\x01 HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "target-bad-percent": (b"GET /news/%zz/ HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "target-lone-percent": (b"GET /news/% HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "target-absolute-form": (b"GET http://127.0.0.1/news/ HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "target-asterisk": (b"GET * HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "query-not-utf8": (b"GET /_sitegen/events?since=%ff HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "query-too-many-fields": (
        b"GET /_sitegen/events?" + b"a=1&" * 50 + b" HTTP/1.1\r\n" + HOST.encode() + b"\r\n",
        400,
    ),
    "since-not-a-version": (b"GET /_sitegen/events?since=x HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "http-0.9": (b"GET /news/\r\n\r\n", 400),
    "request-line-of-four-words": (b"GET /news/ x HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "version-not-http": (b"GET /news/ FTP/1.1\r\n" + HOST.encode() + b"\r\n", 400),
    "version-superscript-digit": ("GET /news/ HTTP/1.²\r\n".encode() + HOST.encode() + b"\r\n", 400),
    "version-2": (b"GET /news/ HTTP/2.0\r\n" + HOST.encode() + b"\r\n", 505),
    "method-post": (b"POST /news/ HTTP/1.1\r\n" + HOST.encode() + b"Content-Length: 0\r\n\r\n", 405),
    "method-unknown": (b"BREW /news/ HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 405),
    "request-line-too-long": (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n" + HOST.encode() + b"\r\n", 414),
    "header-too-long": (b"GET /news/ HTTP/1.1\r\n" + HOST.encode() + b"X: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    "too-many-headers": (b"GET /news/ HTTP/1.1\r\n" + HOST.encode() + b"X: a\r\n" * 120 + b"\r\n", 431),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_requests_get_one_client_error(server: Server, name: str) -> None:
    request, expected = MALFORMED[name]
    answer = exchange(server.port, request.replace(b"{port}", str(server.port).encode()))
    assert statuses(answer) == [expected], answer[:300]
    assert answer.startswith(b"HTTP/1.0 %d " % expected)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"text/plain" in head and b"<" not in body, "error answers are plain text, nothing a browser runs"
    assert raw_get(server.port, "/news/")[0] == 200, "the server still serves"
    no_traceback(server)


ODD_HEADERS = {
    "range-not-bytes": b"Range: pages=1-2\r\n",
    "range-huge": b"Range: bytes=99999999999999999999999-\r\n",
    "range-backwards": b"Range: bytes=9-1\r\n",
    "if-none-match-binary": b'If-None-Match: "\xff\xfe"\r\n',
    "if-modified-since-garbage": b"If-Modified-Since: yesterday-ish\r\n",
    "content-length-negative": b"Content-Length: -1\r\n",
    "transfer-encoding-chunked": b"Transfer-Encoding: chunked\r\n\r\n0\r\n",
    "expect-continue": b"Expect: 100-continue\r\n",
    "keep-alive": b"Connection: keep-alive\r\n",
    "cookie-non-ascii": "Cookie: имя=значение\r\n".encode(),
    "folded-header": b"X-Folded: one\r\n two\r\n",
}


@pytest.mark.parametrize("name", ODD_HEADERS)
def test_headers_the_preview_does_not_use_cannot_break_a_request(server: Server, name: str) -> None:
    """Ranges, validators and bodies are ignored: the page comes whole, once, and the connection closes."""
    head = f"GET /news/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n".encode() + ODD_HEADERS[name]
    answer = exchange(server.port, head + b"\r\n")
    assert statuses(answer) == [200], answer[:300]
    assert answer.rstrip().endswith(b"</html>")
    no_traceback(server)


@pytest.mark.parametrize(
    "since",
    ["{token}-\u00b2", "{token}-%C2%B2", "{token}-%D9%A3", "{token}-" + "9" * 5000, "{token}--1", "{token}-1-2"],
)
def test_an_odd_since_is_refused_before_the_stream_starts(server: Server, since: str) -> None:
    """``-²`` passed ``isdigit()`` and failed ``int()`` after the 200: a second status line inside the stream."""
    token = version(server).split("-")[0]
    target = "/_sitegen/events?page=/news/&since=" + since.format(token=token)
    answer = exchange(server.port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
    assert statuses(answer) == [400], answer[:300]
    no_traceback(server)


def test_the_channel_takes_any_since_without_failing() -> None:
    """The event stream's check is not the only guard: the channel itself reads versions strictly."""
    channel = live.Channel()
    token = channel.version.split("-")[0]
    for since in (f"{token}-\u00b2", f"{token}-\u0663", f"{token}-" + "9" * 5000, f"{token}-", "-", ""):
        assert channel.hello(since, "/news/").name == "hello"


def test_a_good_since_still_streams(server: Server) -> None:
    target = f"/_sitegen/events?since={version(server)}&page=/news/"
    with socket.create_connection(("127.0.0.1", server.port), timeout=ANSWER_TIME) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        answer = b""
        while b"event: hello" not in answer and (chunk := connection.recv(4096)):
            answer += chunk
    assert statuses(answer) == [200] and b'"stale": false' in answer


def test_idle_and_trickling_clients_are_dropped_and_others_served(server: Server) -> None:
    """A connection that sends nothing, or its headers a byte at a time (slowloris), is closed in time."""
    started = time.monotonic()
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=1)
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=1)
    trickle = f"GET /news/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nX-Slow: " + "a" * 1000
    closed: dict[str, float] = {}
    with idle, slow:
        for index in range(len(trickle)):
            if time.monotonic() - started > connections.REQUEST_TIME + 5 or len(closed) == 2:
                break
            if "slow" not in closed:
                try:
                    slow.sendall(trickle[index].encode())
                except OSError:
                    closed["slow"] = time.monotonic() - started
            for name, connection in (("idle", idle), ("slow", slow)):
                if name not in closed and _closed_by_server(connection):
                    closed[name] = time.monotonic() - started
            if index % 10 == 0:
                assert raw_get(server.port, "/news/")[0] == 200, "others are served meanwhile"
            time.sleep(0.1)
    assert set(closed) == {"idle", "slow"}, f"still open after {time.monotonic() - started:.1f} s: {closed}"
    assert all(connections.REQUEST_TIME - 1 < after < connections.REQUEST_TIME + 3 for after in closed.values())
    no_traceback(server)


def _closed_by_server(connection: socket.socket) -> bool:
    connection.settimeout(0)
    try:
        return connection.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _open_idle(port: int, count: int) -> tuple[list[socket.socket], list[bytes]]:
    """``count`` connections that send nothing; what the server said at once on those it did not keep."""
    kept, refused = [], []
    for _ in range(count):
        connection = socket.socket()
        connection.settimeout(2)
        try:
            connection.connect(("127.0.0.1", port))
        except OSError:
            connection.close()
            continue
        kept.append(connection)
    deadline = time.monotonic() + 2
    for connection in kept:
        connection.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if answer := connection.recv(4096):
                refused.append(answer)
        except OSError:
            pass
    return kept, refused


def _few_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))


@pytest.fixture
def few_files(tmp_path: Path) -> Iterator[Server]:
    """The basic site, served by a process that may open 100 files (``ulimit -n 100``)."""
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site, preexec_fn=_few_files) as running:
        yield running


def test_many_idle_connections_with_few_files_cost_no_cpu(few_files: Server) -> None:
    """``ulimit -n 100`` and 150 idle connections: the server kept some, sent the rest a 503, and idled."""
    before = _cpu_seconds(few_files.process.pid)
    kept, refused = _open_idle(few_files.port, 150)
    try:
        time.sleep(3)
        spent = _cpu_seconds(few_files.process.pid) - before
        assert spent < 0.5, f"the server used {spent:.2f} s of CPU while idle connections were held"
        assert refused and all(answer.startswith(b"HTTP/1.0 503 ") for answer in refused)
        assert len(kept) - len(refused) <= connections.capacity(100), "at most the capacity is kept"
    finally:
        for connection in kept:
            connection.close()
    wait_until(lambda: raw_get(few_files.port, "/news/")[0] == 200, "the server answers again")
    no_traceback(few_files)


def test_out_of_file_descriptors_the_server_waits_and_says_so_once(few_files: Server) -> None:
    """accept() failing with EMFILE: no spinning, one line, and serving again once files are free."""
    pid = few_files.process.pid
    used = len(os.listdir(f"/proc/{pid}/fd"))
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (used + 3, 100))
    before = _cpu_seconds(pid)
    kept, _ = _open_idle(few_files.port, 40)
    try:
        time.sleep(3)
        spent = _cpu_seconds(pid) - before
        assert spent < 0.5, f"the server used {spent:.2f} s of CPU while out of file descriptors"
        wait_until(lambda: "cannot accept a connection" in few_files.terminal, "the server says why it waits")
    finally:
        for connection in kept:
            connection.close()
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (100, 100))
    wait_until(lambda: raw_get(few_files.port, "/news/")[0] == 200, "the server answers again")
    wait_until(lambda: "accepting connections again" in few_files.terminal, "the server says it is back")
    assert few_files.terminal.count("cannot accept a connection") == 1, few_files.terminal
    no_traceback(few_files)


def test_event_streams_beyond_their_share_get_a_503(tmp_path: Path) -> None:
    """Each stream holds a thread: past their share they are refused, and a closed one frees its place."""
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site) as server:
        _streams_are_bounded(server)


def _streams_are_bounded(server: Server) -> None:
    streams = []
    try:
        for _ in range(connections.stream_capacity(connections.capacity())):
            streams.append(Events(server.port))
            assert streams[-1].response.status == 200
        refused = Events(server.port)
        streams.append(refused)
        assert refused.response.status == 503
        assert raw_get(server.port, "/news/")[0] == 200, "pages still load"
    finally:
        for stream in streams:
            stream.close()
    wait_until(lambda: _stream_status(server) == 200, "a stream is taken again once others close")


def _stream_status(server: Server) -> int:
    stream = Events(server.port)
    try:
        return stream.response.status
    finally:
        stream.close()


def test_a_slow_reader_gets_a_large_file_whole_and_a_stopped_one_is_dropped(server: Server) -> None:
    """The send timeout counts silence, not the whole transfer: 24 MB read at 2 MB/s takes 12 s and arrives."""
    big = server.out / "big.bin"
    big.write_bytes(os.urandom(24 * 2**20))
    try:
        request = f"GET /news/big.bin HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
        received = 0
        started = time.monotonic()
        with socket.socket() as reader:
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            reader.settimeout(connections.IDLE + 5)
            reader.connect(("127.0.0.1", server.port))
            reader.sendall(request)
            while time.monotonic() - started < 60 and (chunk := reader.recv(256 * 1024)):
                received += len(chunk)
                time.sleep(len(chunk) / (2 * 2**20))
        assert received > big.stat().st_size, (
            f"{received} bytes of {big.stat().st_size} in {time.monotonic() - started:.1f} s"
        )
        assert time.monotonic() - started > connections.IDLE
        with socket.socket() as stopped:
            stopped.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            stopped.connect(("127.0.0.1", server.port))
            stopped.sendall(request)
            time.sleep(connections.IDLE + 3)
            stopped.settimeout(5)
            drained = 0
            with contextlib.suppress(OSError):
                while chunk := stopped.recv(2**20):
                    drained += len(chunk)
            assert drained < big.stat().st_size, "the server gave up on a reader that stopped"
    finally:
        big.unlink()
    no_traceback(server)
