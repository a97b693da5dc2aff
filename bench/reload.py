"""Benchmark the preview: from saving one article to the reload event, against a full build.

    python bench/reload.py [N] [--edits 10]

Generates a site of N articles (default 1,000) in two languages with
bench/gen_site.py, times a full ``sitegen build`` of it, then starts the real
``sitegen serve`` process, listens on its live-reload channel as a browser
does, and saves one article at a time: the time from the save to the
``reload`` event is the latency an editor sees. Prints the median of the
edits, and its share of the full build time.
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
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import gen_site  # the generator beside this file

OUT = Path(__file__).parent / "out"
SITEGEN = Path(sys.executable).parent / "sitegen"
URL = re.compile(rb"Serving .+ at http://127\.0\.0\.1:(\d+)/")


def full_build(site: Path) -> float:
    """Wall-clock seconds of ``sitegen build`` into a fresh folder, as an editor would run it."""
    target = site / "output"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([str(SITEGEN), "build", "--site", str(site), "-q"], check=True)
    return time.perf_counter() - started


def start_server(site: Path) -> tuple[subprocess.Popen[bytes], int]:
    process = subprocess.Popen(
        [str(SITEGEN), "serve", "--site", str(site), "--port", "0", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.5)[0]:
            seen += os.read(process.stdout.fileno(), 65536)
            if match := URL.search(seen):
                return process, int(match[1])
    raise SystemExit(f"sitegen serve did not start: {seen.decode(errors='replace')}")


class Events:
    """The live-reload stream, read as a browser's EventSource would."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", "/_sitegen/events")
        self.stream = self.connection.getresponse().fp

    def wait_for(self, wanted: str) -> dict:
        name = ""
        while True:
            line = self.stream.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name == wanted:
                return json.loads(line[6:])


def edit(site: Path, number: int, count: int, round_: int) -> Path:
    """Save one article with one passage's wording changed."""
    slug = gen_site.plan_article((number * 97) % count)["slug"]
    path = site / "content" / "articles" / slug / "en.md"
    text = path.read_text(encoding="utf-8")
    marker = "\n::: "
    at = text.index(marker) + len(marker)
    at = text.index("\n", at) + 1
    path.write_text(text[:at] + f"Edited in round {round_}. " + text[at:], encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=1000, help="articles (each in two languages)")
    parser.add_argument("--edits", type=int, default=10, help="saves to time (default 10)")
    args = parser.parse_args()
    site = OUT / f"site-{args.count}"
    gen_site.generate(args.count, site)
    print(f"site: {args.count} articles x 2 languages in {site}")
    build_seconds = full_build(site)
    print(f"full build (sitegen build): {build_seconds:.2f} s")

    process, port = start_server(site)
    try:
        events = Events(port)
        events.wait_for("hello")
        latencies = []
        for round_ in range(args.edits):
            time.sleep(0.3)
            started = time.perf_counter()
            edit(site, round_, args.count, round_)
            events.wait_for("reload")
            latencies.append(time.perf_counter() - started)
            print(f"  save {round_ + 1}: reload event after {latencies[-1] * 1000:.0f} ms")
    finally:
        process.terminate()
        process.wait(timeout=10)
    median = statistics.median(latencies)
    print(f"save -> reload event, median of {len(latencies)}: {median * 1000:.0f} ms")
    print(f"  (min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms)")
    print(f"ratio to the full build: {median / build_seconds:.1%}")
    target = median < 0.3 and median / build_seconds < 0.05
    print("target (< 300 ms and < 5% of a full build):", "met" if target else "NOT met")


if __name__ == "__main__":
    main()
