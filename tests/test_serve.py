"""The preview server as a reader's browser meets it: a real ``sitegen serve`` process over HTTP."""

from __future__ import annotations

import http.client
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import SITES

TIMEOUT = 20
URL = re.compile(rb"Serving .+ at (http://127\.0\.0\.1:(\d+)/)")


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    site: Path

    @property
    def out(self) -> Path:
        return self.site / "output"


def sitegen_command(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "sitegen"
    found = str(script) if script.is_file() else shutil.which("sitegen")
    assert found, "the sitegen console script is not installed"
    return [found, *args]


def environment() -> dict[str, str]:
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    site = tmp_path_factory.mktemp("serve") / "basic"
    shutil.copytree(SITES / "basic", site)
    process = subprocess.Popen(
        sitegen_command("serve", "--site", str(site), "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=environment(),
        cwd=site.parent,
    )
    try:
        url, port = wait_for_url(process)
        yield Server(url, port, site)
    finally:
        stop(process)


def raw_get(server: Server, path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET with the path sent exactly as written: no normalising, no redirects followed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def get(server: Server, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers["Content-Type"], exc.read()


def test_root_is_the_home_page(server: Server) -> None:
    status, kind, body = get(server, "/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert body == (server.out / "index.html").read_bytes()


def test_article_page(server: Server) -> None:
    status, kind, body = get(server, "/en/karabakh-claim/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert b"Is Washington threatening an operation in Karabakh?" in body
    status, _, body = get(server, "/ru/karabakh-claim/index.html")
    assert status == 200 and "Угрожает ли Вашингтон".encode() in body


def test_folder_without_slash_redirects(server: Server) -> None:
    status, headers, _ = raw_get(server, "/en/karabakh-claim")
    assert status == 301
    assert headers["location"] == "/en/karabakh-claim/"
    status, kind, _ = get(server, "/en/karabakh-claim")
    assert (status, kind) == (200, "text/html; charset=utf-8"), "the redirect leads to the page"


def test_assets_have_their_types(server: Server) -> None:
    status, kind, body = get(server, "/static/style.css")
    assert (status, kind) == (200, "text/css; charset=utf-8")
    assert body == (server.out / "static" / "style.css").read_bytes()
    status, kind, body = get(server, "/en/water-dispute/map.png")
    assert (status, kind) == (200, "image/png")
    assert body == (SITES / "basic" / "content" / "articles" / "water-dispute" / "map.png").read_bytes()


def test_unknown_path_is_the_themes_404_page(server: Server) -> None:
    status, kind, body = get(server, "/en/no-such-article/")
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert body == (server.out / "404.html").read_bytes()
    assert b"Page not found" in body


def test_head_request(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("HEAD", "/static/style.css")
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.getheader("Content-Length")) == (server.out / "static" / "style.css").stat().st_size
        assert response.read() == b""
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../sitegen.toml",
        "/%2e%2e/sitegen.toml",
        "/%2E%2E/%2E%2E/sitegen.toml",
        "/static/..%2f..%2fsitegen.toml",
        "/static/%2e%2e%2f%2e%2e%2fsitegen.toml",
        "/en/..%5c..%5csitegen.toml",
        "//sitegen.toml",
        "/%00",
        "/index.html%00.png",
        "/%ff%fe",
        "/content/articles/karabakh-claim/en.md",
    ],
)
def test_nothing_outside_the_output_is_served(server: Server, path: str) -> None:
    secret = (server.site / "sitegen.toml").read_bytes()
    status, _, body = raw_get(server, path)
    assert status == 404
    assert body == (server.out / "404.html").read_bytes()
    assert secret not in body and b"base_url" not in body


def test_symlinks_leading_outside_are_not_followed(server: Server) -> None:
    (server.out / "leak.txt").symlink_to(server.site / "sitegen.toml")
    (server.out / "leak").symlink_to(server.site, target_is_directory=True)
    (server.out / "inside.css").symlink_to(server.out / "static" / "style.css")
    for path in ("/leak.txt", "/leak/sitegen.toml", "/leak/content/articles/karabakh-claim/en.md", "/leak/"):
        status, _, body = raw_get(server, path)
        assert status == 404, path
        assert b"base_url" not in body and b"voices:" not in body, path
    status, _, _ = raw_get(server, "/inside.css")
    assert status == 200, "a link that stays inside the output is served"


def test_bound_to_loopback_only(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", server.port), timeout=2):
        pass


def test_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            sitegen_command("serve", "--site", str(site), "--port", str(port)),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=environment(),
            stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 2
    assert f"port {port}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Serving" not in result.stdout
