"""Benchmark the preview: from saving one article to the reload event, against a full build.

    python bench/reload.py [N] [--edits 10] [--glossary] [--workdir bench/out]

Generates a site of N articles (default 1,000) in two languages with
bench/gen_site.py, times a full ``sitegen build`` of it, then starts the real
``sitegen serve`` process, listens on its live-reload channel as a browser
does, and saves one article at a time: the time from the save to the
``reload`` event is the latency an editor sees. Prints the median of the
edits, and its share of the full build time. ``--glossary`` gives the site a
glossary of contested names, so every save checks the outlet's words too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import gen_site  # the generator beside this file
from settle import trash_emptied  # beside this file too

OUT = Path(__file__).parent / "out"
SITEGEN = Path(sys.executable).parent / "sitegen"
URL = re.compile(rb"Serving .+ at http://127\.0\.0\.1:(\d+)/(\S*)")
REBUILT = re.compile(rb"Rebuilt \d+ files? in (\d+) ms")


def full_build(site: Path, *options: str) -> float:
    """Wall-clock seconds of ``sitegen build`` into a fresh folder, as an editor would run it."""
    target = site / "output"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([str(SITEGEN), "build", "--site", str(site), "-q", *options], check=True)
    return time.perf_counter() - started


def start_server(site: Path) -> tuple[subprocess.Popen[bytes], int, list[float]]:
    """``sitegen serve`` on a free port; the list fills with the rebuild times (ms) it prints."""
    process = subprocess.Popen(
        [str(SITEGEN), "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.5)[0]:
            seen += os.read(process.stdout.fileno(), 65536)
            if match := URL.search(seen):
                rebuilds: list[float] = []
                threading.Thread(target=_rebuild_times, args=(process, rebuilds), daemon=True).start()
                return process, int(match[1]), rebuilds
    raise SystemExit(f"sitegen serve did not start: {seen.decode(errors='replace')}")


def _rebuild_times(process: subprocess.Popen[bytes], rebuilds: list[float]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if match := REBUILT.search(line):
            rebuilds.append(float(match[1]))


class Events:
    """The live-reload stream, read as a browser's EventSource would."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", "/_sitegen/events")
        self.response = self.connection.getresponse()  # kept: its file closes with it
        self.stream = self.response.fp

    def wait_for(self, wanted: str, page: str | None = None) -> dict:
        """The next ``wanted`` event (that reloads ``page``, when given)."""
        name = ""
        while True:
            line = self.stream.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name == wanted:
                data = json.loads(line[6:])
                if page is None or data.get("pages") is None or page in data["pages"]:
                    return data


def edit(site: Path, number: int, count: int, round_: int) -> str:
    """Save one article with one passage's wording changed; returns the slug."""
    slug = gen_site.plan_article((number * 97) % count)["slug"]
    path = site / "content" / "articles" / slug / "en.md"
    text = path.read_text(encoding="utf-8")
    marker = "\n::: "
    at = text.index(marker) + len(marker)
    at = text.index("\n", at) + 1
    path.write_text(text[:at] + f"Edited in round {round_}. " + text[at:], encoding="utf-8")
    return slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=1000, help="articles (each in two languages)")
    parser.add_argument("--edits", type=int, default=10, help="saves to time (default 10)")
    parser.add_argument("--glossary", action="store_true", help="give the site a glossary of contested names")
    parser.add_argument("--workdir", type=Path, default=OUT, help="where the site goes (default bench/out)")
    args = parser.parse_args()
    site = args.workdir.resolve() / f"site-{args.count}"
    gen_site.generate(args.count, site, args.glossary)
    print(f"site: {args.count} articles x 2 languages in {site}")
    with_search = full_build(site)
    print(f"full build (sitegen build): {with_search:.2f} s, of which Pagefind's search index is a part")
    build_seconds = full_build(site, "--no-search")
    print(f"full build without the search index (sitegen build --no-search): {build_seconds:.2f} s")

    process, port, rebuilds = start_server(site)
    try:
        events = Events(port)
        events.wait_for("hello")
        trash_emptied(site)  # a preview folder the first rebuild replaced is removed in the background
        latencies = []
        for round_ in range(args.edits):
            time.sleep(1.0)  # an editor's pause between saves; the search index refreshes meanwhile
            started = time.perf_counter()
            slug = edit(site, round_, args.count, round_)
            events.wait_for("reload", page=f"/news/en/{slug}/")
            latencies.append(time.perf_counter() - started)
            print(f"  save {round_ + 1}: the article's page reloads after {latencies[-1] * 1000:.0f} ms")
        time.sleep(1.0)
    finally:
        process.terminate()
        process.wait(timeout=10)
    median = statistics.median(latencies)
    print(f"save -> reload event of the edited page, median of {len(latencies)}: {median * 1000:.0f} ms")
    print(f"  (min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms)")
    if rebuilds:
        print(f"whole incremental rebuild (listings, feeds, sitemap too), median: {statistics.median(rebuilds):.0f} ms")
    print(f"ratio to the full build without search: {median / build_seconds:.1%}")
    target = median < 0.3 and median / build_seconds < 0.05
    print("target (< 300 ms and < 5% of a full build):", "met" if target else "NOT met")


if __name__ == "__main__":
    main()
