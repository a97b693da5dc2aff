"""The preview server as a reader's browser meets it: a real ``sitegen serve`` process over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import live as live_reload
from sitegen.errors import Location, error, warning
from sitegen.handler import content_type

from .conftest import SITES, generated_site
from .serving import (
    TIMEOUT,
    Events,
    Server,
    environment,
    raw_get,
    serving,
    serving_copy,
    sitegen_command,
    stop,
    wait_until,
    without_live_script,
)

ARTICLE = Path("content") / "articles" / "karabakh-claim" / "en.md"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The basic site, served; these tests only read it."""
    with serving_copy(tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Server]:
    """The basic site, served, for a test that edits it."""
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site) as running:
        yield running


def get(server: Server, path: str) -> tuple[int, str, bytes]:
    """A GET of ``path`` under the site's URL, following redirects as a browser does."""
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers["Content-Type"], exc.read()


def test_served_under_the_base_urls_path(server: Server) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/news/"
    status, headers, _ = raw_get(server.port, "/")
    assert (status, headers["location"]) == (302, "/news/")
    status, kind, body = get(server, "")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert without_live_script(body) == (server.out / "index.html").read_bytes()


def test_article_page(server: Server) -> None:
    status, kind, body = get(server, "en/karabakh-claim/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert b"Is Washington threatening an operation in Karabakh?" in body
    status, _, body = get(server, "ru/karabakh-claim/index.html")
    assert status == 200 and "Угрожает ли Вашингтон".encode() in body


def test_paths_without_the_prefix_lead_to_it(server: Server) -> None:
    status, headers, _ = raw_get(server.port, "/en/karabakh-claim/")
    assert (status, headers["location"]) == (302, "/news/en/karabakh-claim/")


def test_folder_without_slash_redirects(server: Server) -> None:
    status, headers, _ = raw_get(server.port, "/news/en/karabakh-claim")
    assert status == 301
    assert headers["location"] == "/news/en/karabakh-claim/"
    status, headers, _ = raw_get(server.port, "/news")
    assert (status, headers["location"]) == (301, "/news/")
    status, kind, _ = get(server, "en/karabakh-claim")
    assert (status, kind) == (200, "text/html; charset=utf-8"), "the redirect leads to the page"


def test_live_script_only_in_served_html(server: Server) -> None:
    _, _, body = get(server, "en/karabakh-claim/")
    assert body.count(b'<script src="/_sitegen/live.js"') == 1
    assert body.index(b"/_sitegen/live.js") < body.rindex(b"</body>")
    for page in server.out.rglob("*.html"):
        assert b"_sitegen" not in page.read_bytes(), f"{page} on disk has the live-reload script"
    status, headers, script = raw_get(server.port, "/_sitegen/live.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in script


def asset(server: Server, pattern: str) -> str:
    """A theme file's path in the output, under its fingerprinted name where it has one."""
    return "static/" + next((server.out / "static").glob(pattern)).name


def test_assets_have_their_types(server: Server) -> None:
    status, kind, body = get(server, asset(server, "style*.css"))
    assert (status, kind) == (200, "text/css; charset=utf-8")
    assert body == (server.out / asset(server, "style*.css")).read_bytes()
    status, kind, _ = get(server, asset(server, "site*.js"))
    assert (status, kind) == (200, "text/javascript; charset=utf-8")
    status, kind, body = get(server, "en/water-dispute/map.png")
    assert (status, kind) == (200, "image/png")
    assert body == (SITES / "basic" / "content" / "articles" / "water-dispute" / "map.png").read_bytes()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("feed.xml", "application/xml; charset=utf-8"),
        ("page.html", "text/html; charset=utf-8"),
        ("style.CSS", "text/css; charset=utf-8"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("photo.jpg", "image/jpeg"),
        ("photo.jpeg", "image/jpeg"),
        ("anim.gif", "image/gif"),
        ("photo.webp", "image/webp"),
        ("data.json", "application/json; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types(name: str, expected: str) -> None:
    assert content_type(Path(name)) == expected


def test_unknown_path_is_the_themes_404_page_in_its_language(server: Server) -> None:
    status, kind, body = get(server, "en/no-such-article/")
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert without_live_script(body) == (server.out / "en" / "404.html").read_bytes()
    assert b"Page not found" in body and b'<html lang="en"' in body
    status, _, body = get(server, "ru/no-such-article/")
    assert status == 404 and b'<html lang="ru"' in body
    assert without_live_script(body) == (server.out / "ru" / "404.html").read_bytes()
    status, _, body = get(server, "no-such-thing")
    assert status == 404 and without_live_script(body) == (server.out / "404.html").read_bytes()


def test_404_page_links_work_in_the_preview(server: Server) -> None:
    """The 404 page is served at any depth, so its links are absolute from the base URL's path."""
    _, _, body = get(server, "ru/deep/down/nothing/")
    assert f'href="/news/{asset(server, "style*.css")}"'.encode() in body
    assert get(server, asset(server, "style*.css"))[0] == 200
    assert b'href="/news/ru/"' in body and get(server, "ru/")[0] == 200


def test_head_request(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("HEAD", "/news/" + asset(server, "style*.css"))
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.getheader("Content-Length")) == (server.out / asset(server, "style*.css")).stat().st_size
        assert response.read() == b""
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../sitegen.toml",
        "/%2e%2e/sitegen.toml",
        "/%2E%2E/%2E%2E/sitegen.toml",
        "/news/../../sitegen.toml",
        "/news/%2e%2e/%2e%2e/sitegen.toml",
        "/news/%2e%2e%2f%2e%2e%2fsitegen.toml",
        "/news/static/..%2f..%2f..%2fsitegen.toml",
        "/news/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fsitegen.toml",
        "/news/en/..%5c..%5c..%5csitegen.toml",
        "/news/%2fetc%2fpasswd",
        "/news//etc/passwd",
        "//sitegen.toml",
        "/%00",
        "/news/%00",
        "/news/index.html%00.png",
        "/news/%ff%fe",
        "/news/.sitegen-output",
        "/news/content/articles/karabakh-claim/en.md",
        "/news/../.sitegen/preview/index.html",
    ],
)
def test_nothing_outside_the_output_is_served(server: Server, path: str) -> None:
    secret = (server.site / "sitegen.toml").read_bytes()
    status, headers, body = raw_get(server.port, path)
    assert status == 404
    assert without_live_script(body) == (server.out / "404.html").read_bytes()
    assert secret not in body and b"base_url" not in body and b"root:" not in body
    assert "location" not in headers


@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/news/", "/\\evil.example/", "///evil.example"])
def test_no_open_redirect(server: Server, path: str) -> None:
    status, headers, _ = raw_get(server.port, path)
    location = headers.get("location", "/")
    assert location.startswith("/") and not location.startswith(("//", "/\\")), (status, location)


def test_symlinks_leading_outside_are_not_followed(server: Server) -> None:
    (server.out / "leak.txt").symlink_to(server.site / "sitegen.toml")
    (server.out / "leak").symlink_to(server.site, target_is_directory=True)
    (server.out / "inside.css").symlink_to(server.out / asset(server, "style*.css"))
    try:
        for path in ("/leak.txt", "/leak/sitegen.toml", "/leak/content/articles/karabakh-claim/en.md", "/leak/"):
            status, _, body = raw_get(server.port, "/news" + path)
            assert status == 404, path
            assert b"base_url" not in body and b"voices:" not in body, path
        status, _, _ = raw_get(server.port, "/news/inside.css")
        assert status == 200, "a link that stays inside the output is served"
    finally:
        for name in ("leak.txt", "leak", "inside.css"):
            (server.out / name).unlink()


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}", "127.0.0.1:1", "localhost"]
)
def test_other_host_names_are_refused(server: Server, host: str) -> None:
    """DNS rebinding: a page on another name that resolves to 127.0.0.1 reads nothing."""
    status, _, body = raw_get(server.port, "/news/", {"Host": host.format(port=server.port)})
    assert status == 403
    assert b"<html" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_loopback_host_names_are_served(server: Server, host: str) -> None:
    status, _, _ = raw_get(server.port, "/news/", {"Host": host.format(port=server.port)})
    assert status == 200


def test_events_from_another_origin_are_refused(server: Server) -> None:
    refused = Events(server.port, origin="http://evil.example")
    try:
        assert refused.response.status == 403
    finally:
        refused.close()
    allowed = Events(server.port, origin=f"http://127.0.0.1:{server.port}")
    try:
        assert allowed.response.status == 200
        assert allowed.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        name, data = allowed.next()
        assert name == "hello" and data["errors"] == []
    finally:
        allowed.close()


def test_bound_to_loopback_only(server: Server) -> None:
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", server.port), timeout=2):
        pass


def test_preview_is_not_the_output_folder(server: Server) -> None:
    assert (server.out / "index.html").is_file()
    assert not (server.site / "output").exists(), "the preview never writes output/"


def test_a_save_reaches_the_page_and_a_broken_save_shows_errors(live: Server) -> None:
    events = Events(live.port)
    try:
        _, hello = events.next()
        source = live.site / ARTICLE
        good = source.read_text(encoding="utf-8").replace("He calls the report", "He calls the fresh report")
        source.write_text(good, encoding="utf-8")
        _, data = events.next(lambda name, _: name == "reload")
        assert data["version"] != hello["version"]
        status, _, page = get(live, "en/karabakh-claim/")
        assert status == 200 and b"He calls the fresh report" in page
        # The page carries this version, or a later one when the rest of the rebuild published since.
        token, _, number = data["version"].rpartition("-")
        served = re.search(rb'data-version="([^"]+)-(\d+)"', page)
        assert served and served[1].decode() == token and int(served[2]) >= int(number), served

        source.write_text(good.replace("::: namazov credible", "::: namazof credible"), encoding="utf-8")
        _, data = events.next(lambda name, _: name == "errors")
        assert [problem["location"] for problem in data["errors"]] == [f"{ARTICLE.as_posix()}:35"]
        assert "undeclared voice 'namazof'" in data["errors"][0]["message"]
        assert "did you mean 'namazov'" in data["errors"][0]["hint"]
        status, _, page = get(live, "en/karabakh-claim/")
        assert status == 200 and b"He calls the fresh report" in page, "the last good page stays"
        wait_until(lambda: f"{ARTICLE.as_posix()}:35" in live.terminal, "the terminal shows the error")
        assert "undeclared voice 'namazof'" in live.terminal

        source.write_text(good.replace("fresh report", "fixed report"), encoding="utf-8")
        events.next(lambda name, data: name == "errors" and not data["errors"])
        events.next(lambda name, _: name == "reload")
        assert b"He calls the fixed report" in get(live, "en/karabakh-claim/")[2]
    finally:
        events.close()
    assert live.process.poll() is None, "bad content never stops the server"


def test_a_save_reloads_the_open_article_once(live: Server) -> None:
    """The edited page reloads with the early event; the rest of the rebuild (listings, feeds) does not again."""
    events = Events(live.port)
    try:
        events.next()
        source = live.site / ARTICLE
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("He calls the report", "He calls the once-saved report"), encoding="utf-8")
        _, first = events.next(lambda name, _: name == "reload")
        _, second = events.next(lambda name, _: name == "reload")
        here = "/news/en/karabakh-claim/"
        assert first["pages"] is not None and here in first["pages"], first
        assert second["pages"] is not None and here not in second["pages"], "feeds and the sitemap reload no page"
    finally:
        events.close()


def test_new_article_appears_and_deleted_one_goes(live: Server) -> None:
    assert get(live, "en/karabakh-claim/")[0] == 200
    events = Events(live.port)
    try:
        events.next()
        shutil.rmtree(live.site / "content" / "articles" / "karabakh-claim")
        events.next(lambda name, _: name == "reload")
        assert get(live, "en/karabakh-claim/")[0] == 404
        assert not (live.out / "en" / "karabakh-claim").exists()
        shutil.copytree(SITES / "basic" / "content" / "articles" / "karabakh-claim", live.site / ARTICLE.parent)
        events.next(lambda name, _: name == "reload")
        assert get(live, "en/karabakh-claim/")[0] == 200
    finally:
        events.close()


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


def test_other_addresses_get_a_warning(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    process = subprocess.Popen(
        sitegen_command("serve", "--site", str(site), "--port", "0", "--host", "0.0.0.0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=environment(),
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        assert "warning: listening on 0.0.0.0" in line
    finally:
        stop(process)
        if process.stderr:
            process.stderr.close()


def test_stopping_the_server_stops_its_search_indexing(tmp_path: Path) -> None:
    """SIGTERM stops ``sitegen serve`` as Ctrl+C does: a Pagefind run in the background ends with it."""
    import psutil

    site = generated_site(150, tmp_path / "site")  # enough pages for Pagefind to take a while
    with serving(site) as live:
        server = psutil.Process(live.process.pid)

        def pagefind() -> list[psutil.Process]:
            return [child for child in server.children(recursive=True) if "pagefind" in child.name()]

        article = site / "content" / "articles" / "article-00007" / "en.md"
        found: list[psutil.Process] = []
        for attempt in range(40):  # each save asks for a new index once saves pause
            article.write_text(article.read_text(encoding="utf-8") + f"\nSaved {attempt}.\n", encoding="utf-8")
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and not (found := pagefind()):
                time.sleep(0.02)
            if found:
                break
        assert found, "the preview indexes the site again after a save"
        live.process.terminate()
        assert live.process.wait(timeout=10) == 0, live.terminal
        _, alive = psutil.wait_procs(found, timeout=5)
        assert not alive, f"Pagefind outlived the server: {alive}"


def test_a_page_reloaded_for_the_article_is_not_reloaded_again_for_the_listings() -> None:
    """A rebuild publishes the edited article's pages, then its listings: a page reloaded for the first
    and connecting after the second is current, though its version is no longer the newest."""
    channel = live_reload.Channel()
    article, listing = "/news/en/karabakh-claim/", "/news/en/tags/water/"

    def stale(since: str, page: str) -> bool:
        return json.loads(channel.hello(since, page).data)["stale"]

    channel.publish(True, [], [article])
    served = channel.version  # the reloaded article is served with this version...
    channel.publish(True, [], [listing])  # ...and the listings land before its script connects
    assert channel.version != served and not stale(served, article)
    assert stale(served, listing), "a listing served before the second half is stale"
    channel.publish(True, [], [article])  # the next save changes the article again
    assert stale(served, article)
    now = channel.version
    channel.publish(True, [], None)  # a full build changes every page
    assert stale(now, listing) and stale(now, article)
    assert not stale(channel.version, article)
    assert stale("another-server-1", article), "a page from another server process reloads"
    assert stale(served, ""), "without its path, any newer version makes a page stale"


def test_a_page_older_than_the_remembered_rebuilds_reloads() -> None:
    channel = live_reload.Channel()
    old = channel.version
    for _ in range(live_reload.HISTORY + 1):
        channel.publish(True, [], ["/news/en/other/"])
    assert json.loads(channel.hello(old, "/news/en/karabakh-claim/").data)["stale"]


# -- The options of sitegen serve ---------------------------------------------------------------


def test_open_hands_the_preview_url_to_the_desktops_opener(tmp_path: Path, monkeypatch) -> None:
    """--open runs the desktop's opener (xdg-open here) with the preview's URL, once it is served."""
    folder = tmp_path / "bin"
    folder.mkdir()
    opened = tmp_path / "opened"
    opener = folder / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{opened}"\n', encoding="utf-8")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site, "--open") as running:
        wait_until(lambda: opened.is_file() and opened.stat().st_size > 0, "the opener was run")
        assert opened.read_text(encoding="utf-8") == running.url
        assert get(running, "/")[0] == 200


def test_no_drafts_previews_the_site_as_it_will_be_published(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site) as running:
        assert raw_get(running.port, "/news/en/a-draft/")[0] == 200, "drafts are previewed by default"
    with serving(site, "--no-drafts") as running:
        assert raw_get(running.port, "/news/en/a-draft/")[0] == 404
        assert raw_get(running.port, "/news/en/karabakh-claim/")[0] == 200
        assert b"a-draft" not in raw_get(running.port, "/news/en/")[2]


def test_out_previews_into_the_folder_it_names(tmp_path: Path) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    elsewhere = tmp_path / "elsewhere"
    with serving(site, "--out", str(elsewhere)) as running:
        status, _, body = raw_get(running.port, "/news/en/karabakh-claim/")
        assert status == 200
        assert without_live_script(body) == (elsewhere / "en" / "karabakh-claim" / "index.html").read_bytes()
        assert not (site / ".sitegen" / "preview").exists()


def test_the_terminal_says_when_a_broken_save_is_fixed(live: Server) -> None:
    """After "1 error: the preview keeps the last good version", the fix is announced, not left to guess."""
    source = live.site / ARTICLE
    good = source.read_text(encoding="utf-8")
    assert "fixed" not in live.terminal.lower()
    source.write_text(good.replace("::: namazov credible", "::: namazof credible"), encoding="utf-8")
    wait_until(lambda: "1 error: the preview keeps the last good version" in live.terminal, "the error is printed")
    broken_at = len(live.terminal)
    source.write_text(good.replace("He calls the report", "He calls the mended report"), encoding="utf-8")
    wait_until(lambda: "Fixed:" in live.terminal[broken_at:], "the fix is printed")
    after = live.terminal[broken_at:]
    assert "Fixed: the site builds again: 0 errors" in after, after
    assert after.rstrip().splitlines()[-1].startswith("Fixed:"), "the fix is the last word"
    saved_at = len(live.terminal)
    source.write_text(good, encoding="utf-8")
    wait_until(lambda: "Rebuilt" in live.terminal[saved_at:], "a good save after a good save is rebuilt")
    assert "Fixed" not in live.terminal[saved_at:], "only a save that ends errors says so"


def test_warnings_reach_the_pages_and_go_when_fixed(live: Server) -> None:
    """The basic site builds with two warnings; the pages hear of them, and of their end."""
    events = Events(live.port)
    try:
        _, hello = events.next()
        assert hello["errors"] == [] and hello["warning_count"] == 2
        where = [warning["location"] for warning in hello["warnings"]]
        assert where == ["content/articles/a-draft/en.md:1", "content/articles/only-english/en.md:1"]
        assert hello["warnings"][0]["message"] == "the article has no Russian (ru) translation yet"
        for slug in ("a-draft", "only-english"):
            folder = live.site / "content" / "articles" / slug
            (folder / "ru.md").write_text((folder / "en.md").read_text(encoding="utf-8"), encoding="utf-8")
        events.next(lambda name, data: name == "errors" and data["warning_count"] == 0 and not data["warnings"])
    finally:
        events.close()


def test_a_site_with_many_warnings_sends_the_first_and_the_count() -> None:
    warnings = [warning(Location(f"content/articles/a{n:03}/en.md", 1), "a warning") for n in range(120)]
    channel = live_reload.Channel()
    channel.publish(True, [error(Location("content/articles/b/en.md", 3), "an error"), *warnings])
    hello = json.loads(channel.hello().data)
    assert len(hello["warnings"]) == live_reload.WARNINGS < 120 and hello["warning_count"] == 120
    assert [problem["location"] for problem in hello["errors"]] == ["content/articles/b/en.md:3"]
