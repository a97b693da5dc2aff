"""A real ``sitegen serve`` process for the HTTP and browser tests, and ways to talk to it."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.serve import make_server

TIMEOUT = 20
URL = re.compile(rb"Serving .+ at (http://127\.0\.0\.1:(\d+)/\S*)")
#: What the preview adds to a served page: an article page's marks (review_page.marks), then the live script.
LIVE_SCRIPT = re.compile(
    rb'(<template id="sitegen-marks".*?</template>\n)?<script src="/_sitegen/live\.js"[^>]*></script>\n', re.S
)


@dataclass
class Server:
    url: str  # the site's home, under the base URL's path: http://127.0.0.1:PORT/news/
    port: int
    site: Path
    process: subprocess.Popen[bytes]
    printed: bytearray = field(default_factory=bytearray)

    @property
    def out(self) -> Path:
        return self.site / ".sitegen" / "preview"

    @property
    def terminal(self) -> str:
        """What the server has printed so far."""
        return self.printed.decode(errors="replace")


def sitegen_command(*args: str) -> list[str]:
    """The installed ``sitegen`` console script (beside this interpreter, or on PATH) with ``args``."""
    script = Path(sys.executable).parent / "sitegen"
    found = str(script) if script.is_file() else shutil.which("sitegen")
    assert found, "the sitegen console script is not installed"
    return [found, *args]


def environment() -> dict[str, str]:
    """This environment without the PYTHON* variables pytest or a venv set, and with unbuffered output."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")} | {"PYTHONUNBUFFERED": "1"}


def wait_for_url(process: subprocess.Popen[bytes]) -> tuple[str, int]:
    """Read the process's output until it names its URL; fail fast when it exits."""
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            if match := URL.search(seen):
                return match[1].decode(), int(match[2])
        elif process.poll() is not None:
            break
    raise AssertionError(f"sitegen serve printed no URL: {seen.decode(errors='replace')!r}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


@contextmanager
def serving(site: Path, *args: str, preexec_fn: Callable[[], None] | None = None) -> Iterator[Server]:
    """``sitegen serve --port 0`` over ``site`` until the block ends; its output is kept in ``printed``.

    ``preexec_fn`` runs in the child before sitegen starts (to lower a resource limit, say).
    """
    process = subprocess.Popen(
        sitegen_command("serve", "--site", str(site), "--port", "0", *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=environment(),
        cwd=site.parent,
        preexec_fn=preexec_fn,
    )
    try:
        url, port = wait_for_url(process)
        server = Server(url, port, site, process)
        threading.Thread(target=_keep_output, args=(process, server.printed), daemon=True).start()
        yield server
    finally:
        stop(process)


@contextmanager
def serving_copy(folder: Path, name: str = "basic", *args: str) -> Iterator[Server]:
    """A copy of ``tests/sites/<name>`` in ``folder``, served by ``sitegen serve`` until the block ends."""
    site = folder / name
    shutil.copytree(Path(__file__).parent / "sites" / name, site)
    with serving(site, *args) as running:
        yield running


def _keep_output(process: subprocess.Popen[bytes], printed: bytearray) -> None:
    assert process.stdout is not None
    try:
        while chunk := os.read(process.stdout.fileno(), 4096):
            printed.extend(chunk)
    except (OSError, ValueError):
        return


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """``folder`` over real HTTP on 127.0.0.1 (sitegen's static server, on a thread) until the block ends.

    Yields the root URL, ``http://127.0.0.1:PORT/``.
    """
    server = make_server(folder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def raw_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A GET with the path sent exactly as written: no normalising, no redirects followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def without_live_script(body: bytes) -> bytes:
    """A served page as it is on disk: the live-reload script (and an article page's marks) taken out again."""
    return LIVE_SCRIPT.sub(b"", body, count=1)


class Events:
    """The server's live-reload stream, read as (name, data) pairs."""

    def __init__(self, port: int, origin: str | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.connection.request("GET", "/_sitegen/events", headers={"Origin": origin} if origin else {})
        self.response = self.connection.getresponse()

    def next(self, wanted: Callable[[str, dict], bool] = lambda name, data: True) -> tuple[str, dict]:
        """The next event that ``wanted`` accepts (others are skipped)."""
        deadline = time.monotonic() + TIMEOUT
        name, data = "", ""
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                parsed = json.loads(data)
                if wanted(name, parsed):
                    return name, parsed
                name, data = "", ""
        raise AssertionError("no such event arrived in time")

    def close(self) -> None:
        self.response.close()  # the response holds the socket open too
        self.connection.close()


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")
