"""Where a clean build spends its time: per stage, per page kind, and the costliest functions.

    python bench/hotspots.py [N] [--top 15]

Generates (once) a site of N articles (default 1,000) with ``bench/gen_site.py``
into ``bench/out/corpus-N/``, then, in one process and without the cache:
times reading and each kind of page, and runs the whole build under cProfile
to list the functions that cost the most time of their own. One process, so
the profile sees everything; ``bench/run.py`` measures the real, parallel build.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import gen_site  # noqa: E402

from sitegen import config, content, listings, render, templating, theme  # noqa: E402
from sitegen.build import build  # noqa: E402


def corpus(count: int, workdir: Path) -> Path:
    site = workdir / f"corpus-{count}"
    if not (site / "sitegen.toml").is_file():
        gen_site.generate(count, site)
    return site


def stages(site: Path) -> None:
    """Time reading, planning and each kind of page, one after the other."""
    started = time.perf_counter()
    settings, _ = config.load(site)
    loaded, _ = content.load(settings, site)
    read = time.perf_counter()
    layers, _ = theme.load(site, settings)
    environments = {lang: templating.environment(layers, lang) for lang in settings.languages}
    grouped = listings.index(loaded)
    jobs = render.plan(loaded, layers.static_files, grouped)
    planned = time.perf_counter()
    seconds: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for job in jobs:
        start = time.perf_counter()
        render.run(job, loaded, environments, grouped)
        seconds[job.kind] += time.perf_counter() - start
        counts[job.kind] += 1
    print(f"reading {len(loaded.articles)} articles: {read - started:.2f} s")
    print(f"index and plan of {len(jobs)} files: {planned - read:.2f} s")
    print("rendering, by kind of page (pages, seconds, ms a page):")
    for kind, total in seconds.most_common():
        print(f"  {kind:<14} {counts[kind]:>6} {total:7.2f} {1000 * total / counts[kind]:8.3f}")


def profile(site: Path, top: int) -> None:
    out = site.parent / f"{site.name}-profile-out"
    shutil.rmtree(out, ignore_errors=True)
    profiler = cProfile.Profile()
    profiler.enable()
    report = build(site, out, search=False, jobs=1, cache=False)
    profiler.disable()
    assert report.ok, report.diagnostics
    shutil.rmtree(out, ignore_errors=True)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    print(text.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=1000, help="articles (each in English and Russian)")
    parser.add_argument("--top", type=int, default=15, help="functions to list")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    site = corpus(args.count, args.workdir)
    stages(site)
    profile(site, args.top)


if __name__ == "__main__":
    main()
