"""The preview server under load: complete old-or-new files, no failed request, flat memory, no leaked fds.

A real ``sitegen serve`` previews a site of 30 articles. A second process
(this module, run as ``python -m tests.test_load PLAN RECORDS``) sends at
least 10,000 requests from 50 threads over a fixed mix of URLs: article pages,
homes, listings, feeds, the sitemap, theme assets, the search bundle, the
live-reload script, two redirects and a few URLs that do not exist. It checks
each answer as it comes (status, ``Content-Length``, an HTML page whole and
well nested, a feed or sitemap that parses) and notes the generation markers
the page shows.

Meanwhile this process saves 20 edits, spread over the run: 16 edits of one
article (incremental rebuilds, written file by file) and 4 of
``sitegen.toml`` (full builds, swapped in whole). Every edit writes its own
marker (``article-generation-7``, ``site-generation-10``), so each version of
a page can be told apart. Afterwards every answer must show one generation of
each kind, one that was written, no older than the last rebuild finished
before the request was sent and no newer than the last edit saved before the
answer was read. The server's memory, threads and open files are sampled from
``/proc`` throughout.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import html.parser
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import live

from .conftest import SITES, write_articles
from .serving import environment, raw_get, serving

REPO = Path(__file__).parent.parent
ARTICLES = 30
#: The article the edits change: the newest, so it is on the first home page and in the feeds.
EDITED = f"article-{ARTICLES - 1:03d}"
CLIENTS = 50
REQUESTS = 10_000
REBUILDS = 20
#: Every fifth edit changes sitegen.toml: a full build, swapped in whole.
FULL_EVERY = 5
#: Edit number k is saved once the client has finished k * STEP requests (and rebuild k - 1 is done).
STEP = 400
#: Requests after the last rebuild, so its result is served under load too.
TAIL = 500
#: Seconds one request may take, and the whole run.
REQUEST_TIMEOUT = 15
RUN_TIMEOUT = 240
#: Requests before the first edit: the server's threads, caches and allocator warm up.
WARM_UP = STEP
#: How much the server's resident memory may grow from the end of the warm-up to the end of the run.
#: Measured: about 5 MB as the allocator settles, and hardly more over a run three times as long
#: (30,000 requests, 60 rebuilds: +6 MB). Keeping anything per request or per rebuild costs more:
#: an answer is 10 KB on average (100 MB for 10,000), a rebuild's site and pages are megabytes.
RSS_GROWTH = 20 * 1024 * 1024

ARTICLE_MARK = re.compile(rb"article-generation-(\d+)")
SITE_MARK = re.compile(rb"site-generation-(\d+)")
FILLER = (
    "The commission met again on the border road, and each side read out its own account of the talks. "
    "Observers noted the same claims as last year, the same villages, the same questions about water. "
)


def config_text(generation: int) -> str:
    return (
        'title = { en = "Two views", ru = "Два взгляда" }\n'
        f'description = {{ en = "Two views, site-generation-{generation}.", '
        f'ru = "Два взгляда, site-generation-{generation}." }}\n'
        'base_url = "https://example.org/news/"\n'
        'languages = ["en", "ru"]\n'
        "per_page = 10\n\n"
        '[cities.yerevan]\nname = { en = "Yerevan", ru = "Ереван" }\n'
        '[cities.baku]\nname = { en = "Baku", ru = "Баку" }\n'
    )


def article_text(number: int, lang: str, mark: str) -> str:
    """One translation of article ``number``; ``mark`` goes into its title, summary, lead and passages."""
    lead = "\n\n".join(f"{FILLER * 3}({mark}, paragraph {index})" for index in range(4))
    return (
        f'---\ntitle: "Article {number} ({lang}) {mark}"\n'
        f"date: 2023-{1 + number // 28:02d}-{1 + number % 28:02d}\n"
        f'summary: "What was said about claim {number}, {mark}."\n'
        f"tags: [t{number % 7}, t{number % 5}]\n"
        "voices:\n"
        f"  a:\n    city: yerevan\n    name: Voice A{number % 9}\n"
        f"  b:\n    city: baku\n    name: Voice B{number % 6}\n"
        f"points:\n  p: Question {number}?\n---\n\n"
        f"Lead {number}: {mark}.\n\n{lead}\n\n"
        f"::: a p\nA says {number}, {mark}. {FILLER}\n:::\n\n"
        f"::: b p\nB says {number}, {mark}.\n:::\n"
    )


def write_site(root: Path) -> Path:
    """The site in its first version: both markers at generation 0 (the edited article's English only)."""

    def text(number: int, lang: str) -> str:
        edited = (f"article-{number:03d}", lang) == (EDITED, "en")
        return article_text(number, lang, "article-generation-0" if edited else "unchanging")

    return write_articles(root, config_text(0), ARTICLES, text)


def url_mix(out: Path) -> list[dict]:
    """The URLs the client asks for, in a fixed order: ``{"path", "status"[, "location"][, "sha256"]}``."""
    assets = sorted(path.name for path in (out / "static").iterdir())
    pages = [
        "",
        "en/",
        "ru/",
        "en/page/2/",
        "en/page/3/",
        "ru/page/2/",
        *(f"{lang}/article-{number:03d}/" for lang in ("en", "ru") for number in (0, 7, 15, 22, 28)),
        "en/article-000/parallel/",
        "en/tags/",
        "en/tags/t0/",
        "en/cities/yerevan/",
        "en/cities/baku/page/2/",
        "en/people/",
        "en/people/voice-a0/",
        "en/archive/",
        "en/archive/2023/",
        "en/search/",
        "ru/feed.xml",
        "ru/cities/baku/feed.xml",
        "sitemap.xml",
        "robots.txt",
        *(f"static/{name}" for name in assets),
        "pagefind/pagefind.js",
        "pagefind/shards.json",
    ]
    # The pages that show the edited article, more often than the rest.
    edited = [
        f"en/{EDITED}/",
        f"ru/{EDITED}/",
        f"en/{EDITED}/parallel/",
        "en/feed.xml",
        f"en/tags/t{(ARTICLES - 1) % 7}/",
        "en/cities/yerevan/feed.xml",
        "en/people/voice-a2/",
    ]
    missing = [
        "en/no-such-article/",
        "ru/nothing/here/",
        f"en/{EDITED}/missing.png",
        "static/missing.css",
        ".sitegen-output",
    ]
    for path in pages + edited:
        assert (out / path).exists() or (out / path / "index.html").exists(), f"{path} is not in the preview"
    mix = [{"path": "/news/" + path, "status": 200} for path in pages + edited * 4]
    for url in mix:  # files that no edit changes: each answer must be the file, byte for byte
        if url["path"].startswith("/news/static/"):
            url["sha256"] = hashlib.sha256((out / url["path"].removeprefix("/news/")).read_bytes()).hexdigest()
    mix += [{"path": "/news/" + path, "status": 404} for path in missing]
    mix += [
        {"path": "/", "status": 302, "location": "/news/"},
        {"path": f"/news/en/{EDITED}", "status": 301, "location": f"/news/en/{EDITED}/"},
        {"path": "/_sitegen/live.js", "status": 200, "sha256": hashlib.sha256(live.SCRIPT.read_bytes()).hexdigest()},
    ]
    random.Random(7).shuffle(mix)
    return mix


# The client: the second process.


class _Structure(html.parser.HTMLParser):
    """Counts the tags that open and close the document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: collections.Counter[str] = collections.Counter()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        self.tags["/" + tag] += 1


def page_problem(body: bytes) -> str:
    """Why an HTML answer is not one whole page; empty when it is."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 ({exc})"
    if not text.lstrip().lower().startswith("<!doctype html>"):
        return "does not start with <!DOCTYPE html>"
    if not text.rstrip().endswith("</html>"):
        return f"does not end with </html>: ...{text[-60:]!r}"
    parser = _Structure()
    parser.feed(text)
    parser.close()
    for tag in ("html", "head", "body"):
        if parser.tags[tag] != 1 or parser.tags["/" + tag] != 1:
            return f"<{tag}> opened {parser.tags[tag]} times and closed {parser.tags['/' + tag]} times"
    return ""


def generation(pattern: re.Pattern[bytes], body: bytes) -> tuple[int | None, str]:
    """The one generation of a kind that a page shows (None: none), or why it shows several."""
    found = {int(number) for number in pattern.findall(body)}
    if len(found) > 1:
        return None, f"a mix of generations {sorted(found)}"
    return (found.pop() if found else None), ""


def exchange(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET, and everything the server sends until it closes the connection: status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(1 << 16):
            chunks.append(chunk)
    head, end, body = b"".join(chunks).partition(b"\r\n\r\n")
    if not end:
        raise ConnectionError(f"the answer ended in its headers: {head[:80]!r}")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {name.lower(): value for name, value in headers.items()}, body


def fetch(port: int, index: int, url: dict) -> list:
    """One request, checked: ``[url index, status, sent, read, problem, article gen, site gen, digest]``."""
    sent = time.monotonic()
    try:
        status, headers, body = exchange(port, url["path"])
    except (OSError, ValueError, IndexError) as exc:
        return [index, 0, sent, time.monotonic(), f"{type(exc).__name__}: {exc}", None, None, ""]
    read = time.monotonic()
    problems = []
    if status != url["status"]:
        problems.append(f"status {status}, expected {url['status']}")
    if headers.get("content-length") != str(len(body)):
        problems.append(f"Content-Length {headers.get('content-length')} for {len(body)} bytes")
    if "location" in url and headers.get("location") != url["location"]:
        problems.append(f"Location {headers.get('location')!r}")
    digest = hashlib.sha256(body).hexdigest()
    if "sha256" in url and digest != url["sha256"]:
        problems.append("not the file's bytes")
    problems.append(body_problem(headers.get("content-type", ""), body, digest))
    article, mixed = generation(ARTICLE_MARK, body)
    site, mixed_site = generation(SITE_MARK, body)
    problem = "; ".join(part for part in (*problems, mixed, mixed_site) if part)
    return [index, status, sent, read, problem, article, site, digest]


def body_problem(kind: str, body: bytes, digest: str) -> str:
    """Why a body is not a whole page, feed or sitemap; each distinct body is parsed once."""
    if (kind, digest) not in _checked:
        _checked[kind, digest] = parse_problem(kind, body)
    return _checked[kind, digest]


def parse_problem(kind: str, body: bytes) -> str:
    if kind.startswith("text/html"):
        return page_problem(body)
    if kind.startswith("application/xml"):
        try:
            ET.fromstring(body)
        except ET.ParseError as exc:
            return f"XML does not parse: {exc}"
    return ""


_checked: dict[tuple[str, str], str] = {}


def client(plan_file: Path, records_file: Path) -> None:
    """Send the requests of ``plan_file`` from many threads; print progress; write every record.

    Requests go on until this process reads ``done`` on its input (the last
    rebuild is finished), then ``tail`` more, and at least ``minimum`` in all.
    """
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    port, mix = plan["port"], plan["urls"]
    lock = threading.Lock()
    state = {"issued": 0, "finished": 0, "limit": math.inf}
    records: list[list] = []

    def until_done() -> None:
        for line in sys.stdin:
            if line.strip() == "done":
                with lock:
                    state["limit"] = max(plan["minimum"], state["issued"] + plan["tail"])
                return

    def work() -> None:
        while True:
            with lock:
                number = state["issued"]
                if number >= state["limit"] or number >= plan["cap"]:
                    return
                state["issued"] = number + 1
            record = fetch(port, number % len(mix), mix[number % len(mix)])
            with lock:
                records.append(record)
                state["finished"] += 1
                if state["finished"] % 50 == 0:
                    print(state["finished"], flush=True)

    threading.Thread(target=until_done, daemon=True).start()
    workers = [threading.Thread(target=work) for _ in range(plan["clients"])]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    records_file.write_text(json.dumps(records), encoding="utf-8")
    print("finished", flush=True)


# The test: this process edits the site and watches the server.


@dataclass
class Sample:
    at: float
    finished: int  # requests answered so far
    rss: int  # bytes
    threads: int
    fds: int


def sample(pid: int, finished: int) -> Sample:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)[1]) * 1024
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.MULTILINE)[1])
    return Sample(time.monotonic(), finished, rss, threads, len(os.listdir(f"/proc/{pid}/fd")))


def open_files(pid: int) -> dict[str, str]:
    """What each file descriptor of a process leads to: ``socket:[inode]``, ``pipe:[inode]``, a path."""
    found = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            found[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
    return found


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def left_open(pid: int, before: dict[str, str]) -> list[str]:
    """Descriptors opened since ``before`` and still open, but for the pipes to a running Pagefind.

    The preview indexes for search in the background once saves pause; at low
    priority on a busy machine, that Pagefind may still be running.
    """
    busy = set()
    for child in children(pid):
        with contextlib.suppress(OSError):
            busy |= set(open_files(child).values())
    return sorted(
        f"{fd} -> {target}"
        for fd, target in open_files(pid).items()
        if before.get(fd) != target and not (target.startswith("pipe:") and target in busy)
    )


@dataclass
class Versions:
    """The generations of one marker: when each was saved, and when its rebuild was done."""

    saved: dict[int, float] = field(default_factory=lambda: {0: -math.inf})
    served: dict[int, float] = field(default_factory=dict)

    def problem(self, value: int, sent: float, read: float) -> str:
        """Why a page sent at ``sent`` and read by ``read`` may not show generation ``value``."""
        if value not in self.saved:
            return f"generation {value} was never written"
        oldest = max(number for number, at in self.served.items() if at <= sent)
        newest = max(number for number, at in self.saved.items() if at <= read)
        if not oldest <= value <= newest:
            return f"generation {value}, but {oldest} was served before and {newest} the newest saved"
        return ""


class Client:
    """The load process, and its progress as it prints it."""

    def __init__(self, plan: Path, records: Path):
        self.records = records
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.test_load", str(plan), str(records)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=REPO,
            env=environment(),
        )
        self.finished = 0
        self.ended = False
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip().isdigit():
                self.finished = int(line)
        self.ended = True

    def wait_for(self, finished: int, deadline: float) -> None:
        while self.finished < finished:
            assert not self.ended, "the load client stopped early"
            assert time.monotonic() < deadline, f"the load client did not reach {finished} requests in time"
            time.sleep(0.01)

    def done(self, deadline: float) -> list[list]:
        """Let the client finish its last requests; its records."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"done\n")
        self.process.stdin.close()
        assert self.process.wait(timeout=max(1, deadline - time.monotonic())) == 0
        return json.loads(self.records.read_text(encoding="utf-8"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


def save(path: Path, text: str, spare: Path) -> None:
    """Save as many editors do: a new file (in ``spare``, outside the site) renamed over the old one."""
    temporary = spare / f"{path.name}.saving"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def rebuilds(printed: bytearray) -> int:
    """The rebuilds that changed the preview, as the server prints them."""
    return len(re.findall(rb"^(?:Rebuilt|Built) ", bytes(printed), re.MULTILINE))


def test_the_preview_serves_complete_old_or_new_files_under_load(tmp_path: Path) -> None:
    started = time.monotonic()
    deadline = started + RUN_TIMEOUT
    site = write_site(tmp_path / "site")
    edited = site / "content" / "articles" / EDITED / "en.md"
    articles, configs = Versions(), Versions()
    with serving(site) as server:
        pid = server.process.pid
        articles.served[0] = configs.served[0] = time.monotonic()
        mix = url_mix(server.out)
        plan = {"port": server.port, "urls": mix, "clients": CLIENTS, "minimum": REQUESTS, "tail": TAIL}
        (tmp_path / "plan.json").write_text(json.dumps(plan | {"cap": 5 * REQUESTS}), encoding="utf-8")
        time.sleep(0.5)
        before, files_before = sample(pid, 0), open_files(pid)
        samples = [before]
        load = Client(tmp_path / "plan.json", tmp_path / "records.json")
        sampling = threading.Event()

        def keep_sampling() -> None:
            while not sampling.wait(0.2):
                samples.append(sample(pid, load.finished))

        sampler = threading.Thread(target=keep_sampling, daemon=True)
        sampler.start()
        try:
            for number in range(1, REBUILDS + 1):
                load.wait_for(number * STEP, deadline)
                if number % FULL_EVERY == 0:
                    versions = configs
                    configs.saved[number] = time.monotonic()
                    save(site / "sitegen.toml", config_text(number), tmp_path)
                else:
                    versions = articles
                    articles.saved[number] = time.monotonic()
                    save(edited, article_text(ARTICLES - 1, "en", f"article-generation-{number}"), tmp_path)
                while rebuilds(server.printed) < number:
                    assert b"the preview keeps the last good version" not in server.printed, server.terminal
                    assert time.monotonic() < deadline, f"rebuild {number} did not finish: {server.terminal}"
                    time.sleep(0.01)
                versions.served[number] = time.monotonic()
            under_load = load.finished
            records = load.done(deadline)
        finally:
            sampling.set()
            load.stop()
        sampler.join()
        ended = time.monotonic()

        # At rest again: the connection threads end and close their sockets.
        after, leftovers = sample(pid, load.finished), left_open(pid, files_before)
        while (leftovers or after.threads > before.threads) and time.monotonic() < ended + 10:
            time.sleep(0.1)
            after, leftovers = sample(pid, load.finished), left_open(pid, files_before)

        final = (raw_get(server.port, f"/news/en/{EDITED}/"), raw_get(server.port, "/news/en/"))
        terminal, rebuilt = server.terminal, rebuilds(server.printed)
        for child in children(pid):  # a search index still being made would outlive the server
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)

    problems: collections.Counter[str] = collections.Counter()
    for index, _, sent, read, problem, article, config, _ in records:
        where = mix[index]["path"]
        if problem:
            problems[f"{where}: {problem}"] += 1
        if where == f"/news/en/{EDITED}/" and article is None:
            problems[f"{where}: no generation marker"] += 1
        if article is not None and (wrong := articles.problem(article, sent, read)):
            problems[f"{where}: article {wrong}"] += 1
        if config is not None and (wrong := configs.problem(config, sent, read)):
            problems[f"{where}: site {wrong}"] += 1
    statuses = collections.Counter(status for _, status, *_ in records)
    missing = sum(1 for index, *_ in records if mix[index]["status"] == 404)
    seen = {article for index, *_, article, _, _ in records if mix[index]["path"] == f"/news/en/{EDITED}/"}
    seen_config = {config for index, *_, config, _ in records if mix[index]["path"] == "/news/en/"}
    latencies = sorted(read - sent for _, _, sent, read, *_ in records)
    warm = next(s for s in samples if s.finished >= WARM_UP)
    half = next(s for s in samples if s.finished >= len(records) // 2)
    peak, last = max(samples, key=lambda s: s.rss), samples[-1]
    mb = 1024 * 1024
    print(
        f"\n{len(records)} requests from {CLIENTS} clients, {under_load} of them while the {rebuilt} rebuilds ran "
        f"({REBUILDS - REBUILDS // FULL_EVERY} incremental, {REBUILDS // FULL_EVERY} full): "
        f"{dict(sorted(statuses.items()))} ({missing} asked for missing files), {sum(problems.values())} failed\n"
        f"latency: median {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"99th percentile {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms\n"
        f"article generations seen on en/{EDITED}/: {sorted(seen - {None})}, site generations on en/: "
        f"{sorted(seen_config - {None})}\n"
        f"server RSS: {before.rss / mb:.1f} MB at rest, {warm.rss / mb:.1f} MB after {warm.finished} requests, "
        f"{half.rss / mb:.1f} MB after {half.finished}, peak {peak.rss / mb:.1f} MB, last {last.rss / mb:.1f} MB "
        f"({len(samples)} samples)\n"
        f"server threads: {before.threads} at rest, {max(s.threads for s in samples)} at most, {after.threads} after; "
        f"open files: {before.fds} at rest, {max(s.fds for s in samples)} at most, {after.fds} after "
        f"({after.fds - before.fds - len(leftovers)} of them pipes to a running Pagefind)\n"
        f"time: {ended - started:.1f} s"
    )
    assert not problems, "\n".join(f"{count} x {problem}" for problem, count in problems.most_common(20))
    assert rebuilt == REBUILDS, terminal
    (status, _, page), (home_status, _, home) = final
    assert (status, generation(ARTICLE_MARK, page)[0]) == (200, REBUILDS - 1), "the last edit is served"
    assert (home_status, generation(SITE_MARK, home)[0]) == (200, REBUILDS), "the last full build is served"
    assert len(records) >= REQUESTS
    assert set(statuses) <= {200, 301, 302, 404} and statuses[404] == missing > 0
    assert len(seen - {None}) >= 2 and len(seen_config - {None}) >= 2, "the client saw the edits"
    assert last.rss - warm.rss <= RSS_GROWTH, f"the server grew by {(last.rss - warm.rss) / mb:.1f} MB"
    assert not leftovers, f"{len(leftovers)} files left open: {leftovers[:10]}"
    assert after.threads <= before.threads, f"{after.threads - before.threads} threads left running"


def test_a_busy_server_still_takes_many_connections_at_once(tmp_path: Path) -> None:
    """Connections wait in the system's queue while every thread of the server is busy.

    The server is stopped (SIGSTOP) while the clients connect: only the
    kernel completes their handshakes, into the listening socket's backlog.
    With socketserver's backlog of 5, the seventh client's SYN was dropped and
    it waited one second, then three, then seven, before trying again.
    """
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site)
    with serving(site) as server:
        connections, refused = [], []
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            for _ in range(CLIENTS):
                connection = socket.socket()
                connection.settimeout(0.2)
                try:
                    connection.connect(("127.0.0.1", server.port))
                except OSError as exc:
                    refused.append(exc)
                    connection.close()
                else:
                    connections.append(connection)
            for connection in connections:
                connection.sendall(f"GET /news/ HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        answers = []
        for connection in connections:
            connection.settimeout(REQUEST_TIMEOUT)
            with connection, connection.makefile("rb") as answer:
                answers.append(answer.readline())
    assert not refused, f"{len(refused)} of {CLIENTS} connections were not taken: {refused[0]!r}"
    assert answers == [b"HTTP/1.0 200 OK\r\n"] * CLIENTS


if __name__ == "__main__":
    client(Path(sys.argv[1]), Path(sys.argv[2]))
