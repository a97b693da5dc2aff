"""Nothing lost: killed builds, the swap, an unwritable folder and a full disk.

Whatever happens to a build, ``output/`` holds the old site or the new one,
complete (every file hashed and compared with two known-good trees), never a
mix and never nothing; leftovers of killed builds are tidied by the next one.
The builds run as real ``python -m sitegen`` processes, killed with SIGKILL.
"""

from __future__ import annotations

import ctypes.util
import errno
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen import output, search
from sitegen.build import build
from sitegen.cli import main

from .conftest import CONFIG, snapshot, write_articles

#: Enough articles for a build of about a second: long enough to be killed at any point.
ARTICLES = 30
KILLS = 20
#: A build whose libc lookup finds nothing: output.py falls back to two renames.
WITHOUT_EXCHANGE = (
    "import ctypes.util, runpy; ctypes.util.find_library = lambda name: None; "
    "runpy.run_module('sitegen', run_name='__main__')"
)
#: The same, killed by SIGKILL right after the first of the two renames: inside the swap, on purpose.
BETWEEN_THE_RENAMES = (
    "import ctypes.util, os, runpy, signal; ctypes.util.find_library = lambda name: None; rename = os.rename\n"
    "def dying(source, target):\n"
    "    rename(source, target)\n"
    "    if '.output.old-' in str(target): os.kill(os.getpid(), signal.SIGKILL)\n"
    "os.rename = dying; runpy.run_module('sitegen', run_name='__main__')"
)


def write_site(root: Path, version: str, articles: int = ARTICLES) -> Path:
    """A site of ``articles`` paired commentaries; ``version`` changes the text of every page."""

    def text(number: int, lang: str) -> str:
        return (
            f"---\ntitle: Article {number} ({lang}), version {version}\n"
            f"date: 2023-{1 + number % 12:02d}-{1 + number % 28:02d}\n"
            f"tags: [t{number % 7}, t{number % 5}]\n"
            "voices:\n"
            f"  a:\n    city: yerevan\n    name: Voice A{number % 9}\n"
            f"  b:\n    city: baku\n    name: Voice B{number % 6}\n"
            f"points:\n  p: Question {number}?\n---\n\n"
            f"Lead {number}, version {version}.\n\n"
            f"::: a p\nA says {number}, version {version}.\n:::\n\n::: b p\nB says {number}.\n:::\n"
        )

    return write_articles(root, CONFIG, articles, text)


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes, Pagefind's index included (the same
    site gives the same index); empty when the folder is missing."""
    return snapshot(folder, hashed=True)


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".output."))


def sitegen(*args: str, prefix: tuple[str, ...] = (), exchange: bool = True, code: str = "", **options):
    """``python -m sitegen ARGS``; without ``exchange`` (or with other ``code``) run through ``python -c``."""
    code = code or ("" if exchange else WITHOUT_EXCHANGE)
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "sitegen"]
    return subprocess.Popen(
        [*prefix, *command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stdout + stderr


# -- The swap --------------------------------------------------------------------


def test_the_atomic_exchange_is_what_this_machine_uses(tmp_path: Path) -> None:
    """renameat2(RENAME_EXCHANGE) works here (sitegen's machines run Linux), on the file system
    of the tests and of the repository."""
    for parent in (tmp_path, Path(__file__).parent):
        a, b = parent / f".exchange-a-{os.getpid()}", parent / f".exchange-b-{os.getpid()}"
        try:
            a.mkdir()
            b.mkdir()
            (a / "mark").write_text("a", encoding="utf-8")
            assert output.exchange(a, b), f"renameat2 exchange failed on {parent}"
            assert (b / "mark").read_text(encoding="utf-8") == "a" and not (a / "mark").exists()
        finally:
            shutil.rmtree(a, ignore_errors=True)
            shutil.rmtree(b, ignore_errors=True)


def test_the_fallback_swap_replaces_the_output_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libc has no renameat2, two renames do the swap and leave nothing behind."""
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    site = write_site(tmp_path / "site", "A", articles=2)
    first = build(site)
    assert first.ok, first.diagnostics
    write_site(site, "B", articles=2)
    assert build(site).ok
    assert "version B" in (site / "output" / "en" / "article-001" / "index.html").read_text(encoding="utf-8")
    assert leftovers(site) == []


def test_a_failed_second_rename_puts_the_old_output_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = write_site(tmp_path / "site", "A", articles=2)
    assert build(site).ok
    before = tree(site / "output")
    write_site(site, "B", articles=2)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    real_rename, calls = os.rename, []

    def rename(source, target) -> None:
        calls.append(Path(target).name)
        if len(calls) == 2:  # the staging folder into the output's place
            raise OSError(28, "No space left on device", str(target))
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    report = build(site)
    monkeypatch.undo()
    assert not report.ok
    assert [str(d) for d in report.diagnostics][-1].startswith(f"{site / 'output'}: error: cannot write the output")
    assert tree(site / "output") == before
    assert leftovers(site) == []


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_build_killed_between_the_two_renames_is_undone_by_the_next_build(tmp_path: Path) -> None:
    """The state a kill between the fallback's renames leaves: no output/, the old site in .output.old-*."""
    site = write_site(tmp_path / "site", "A", articles=2)
    assert build(site).ok
    before = tree(site / "output")
    pid = dead_pid()
    os.rename(site / "output", site / f".output.old-{pid}-0badc0de")
    shutil.copytree(site / f".output.old-{pid}-0badc0de", site / f".output.staging-{pid}-0badc0de")
    (site / "content" / "articles" / "article-000" / "en.md").write_text("---\nbroken\n", encoding="utf-8")
    report = build(site)
    assert not report.ok, "the next build fails on content..."
    assert tree(site / "output") == before, "...and yet the previous site is back"
    assert leftovers(site) == []


def test_leftovers_of_live_builds_are_left_alone(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", "A", articles=1)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (site / f".output.staging-{sleeper.pid}-12345678").mkdir()
        (site / f".output.staging-{dead_pid()}-12345678").mkdir()
        assert build(site).ok
        assert leftovers(site) == [f".output.staging-{sleeper.pid}-12345678"]
    finally:
        sleeper.kill()
        sleeper.wait()


# -- Killed builds ------------------------------------------------------------------


def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    """SIGKILL at random moments, most of them while pages are written, indexed and swapped in.

    Each run changes every article (version A <-> B), with search on, and kills
    the build; the output must then hash exactly like the complete old tree or
    the complete new one, Pagefind's index included. A quarter of the runs are
    killed just after the swap, while the build cache is stored, so that kills
    after the swap are among them however the machine's speed varies. A quarter
    use the two-rename fallback, and every other one of those is killed between
    the two renames on purpose: output/ is then missing until the next build
    puts the old site back, and that is checked too.
    """
    assert search.installed(), "Pagefind must be installed for this test (make test installs it)"
    seed = int(os.environ.get("SITEGEN_KILL_SEED", "7"))
    rng = random.Random(seed)
    site = tmp_path / "site"
    out = site / "output"
    trees, timings = {}, {}
    for version in ("A", "B"):
        write_site(site, version)
        started = time.perf_counter()
        process = sitegen("build", "--site", str(site), "-q")
        writing = _wait_for_staging(site, process)
        status, printed = finish(process)
        assert status == 0, printed
        timings[version] = (writing - started, time.perf_counter() - writing)
        trees[version] = tree(out)
    assert trees["A"] != trees["B"] and len(trees["A"]) > 200
    assert any(name.startswith("pagefind/") and name.endswith(".pf_fragment") for name in trees["A"])
    loading = max(t[0] for t in timings.values())
    writing = max(t[1] for t in timings.values())

    current, outcomes = "B", Counter()
    for run in range(KILLS):
        target = "A" if current == "B" else "B"
        write_site(site, target)
        exchange = run % 4 != 3
        code = BETWEEN_THE_RENAMES if run % 8 == 7 else ""
        process = sitegen("build", "--site", str(site), "-q", exchange=exchange, code=code)
        if code:  # it kills itself inside the swap
            process.wait(timeout=120)
        elif run % 4 == 0:  # anywhere, loading included
            time.sleep(rng.uniform(0, loading + writing))
        elif run % 4 == 2:  # just after the swap, while the build cache is stored
            _wait_for_staging(site, process)
            _wait_for_swap(site, process)
        else:  # while writing, indexing and swapping, or just after
            _wait_for_staging(site, process)
            time.sleep(rng.uniform(0, 1.6 * writing))
        process.kill()
        process.communicate()
        found = tree(out)
        if not out.exists() and not exchange:
            outcomes["restored"] += 1
            output.clean_leftovers(out)
            found = tree(out)
        if found == trees[target]:
            outcomes["new"] += 1
            current = target
        else:
            assert found, f"run {run} (seed {seed}): output/ is missing"
            assert found == trees[current], f"run {run} (seed {seed}): output/ is a mix: {_difference(found, trees)}"
            outcomes["old"] += 1
    print(f"\n{KILLS} killed builds (seed {seed}): {dict(outcomes)}")
    assert outcomes["old"] and outcomes["new"], "kills before the swap and after it"
    assert outcomes["restored"] >= KILLS // 8, "each kill between the renames left no output/, and it came back"

    target = "A" if current == "B" else "B"
    write_site(site, target)
    status, printed = finish(sitegen("build", "--site", str(site), "-q"))
    assert status == 0, printed
    assert tree(out) == trees[target]
    assert leftovers(site) == [], "the next build removed every leftover"


def _wait_for_staging(site: Path, process: subprocess.Popen) -> float:
    """Wait until the build starts writing (its staging folder appears) or ends; return when."""
    pattern = f".output.staging-{process.pid}-*"
    while process.poll() is None and not any(site.glob(pattern)):
        time.sleep(0.002)
    return time.perf_counter()


def _wait_for_swap(site: Path, process: subprocess.Popen) -> None:
    """Wait until the build's staging folder is gone (swapped in, the old site removed) or the build ends."""
    pattern = f".output.staging-{process.pid}-*"
    while process.poll() is None and any(site.glob(pattern)):
        time.sleep(0.002)


def _difference(found: dict[str, str], trees: dict[str, dict[str, str]]) -> str:
    parts = []
    for version, expected in trees.items():
        differing = sorted(k for k in found.keys() | expected.keys() if found.get(k) != expected.get(k))
        parts.append(f"{len(differing)} files differ from {version}, e.g. {differing[:3]}")
    return "; ".join(parts)


# -- Unwritable output, full disk ----------------------------------------------------


def _read_only_prefix(folder: Path) -> tuple[str, ...]:
    """A command prefix under which ``folder`` cannot be written, even by root; () after a chmod.

    As root, chmod stops nothing, so the child runs in its own mount namespace
    with ``folder`` bind-mounted read-only onto itself (gone when it exits).
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return ()
    prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"')
    attempt = "import os, sys\ntry:\n    os.mkdir(sys.argv[1])\nexcept OSError as exc:\n    print(exc.errno)"
    try:
        probe = subprocess.run(
            [*prefix, str(folder), sys.executable, "-c", attempt, str(folder / "probe")], capture_output=True, text=True
        )
    except FileNotFoundError:
        pytest.fail("cannot make a folder read-only for root here: no unshare (util-linux)")
    if probe.stdout.strip() != str(errno.EROFS):
        shutil.rmtree(folder / "probe", ignore_errors=True)
        pytest.fail(f"cannot make a folder read-only for root here: {probe.stderr.strip()}")
    return (*prefix, str(folder))


def test_an_unwritable_output_folder_is_a_clear_error_and_the_old_site_stays(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", "A", articles=2)
    assert build(site).ok
    before = tree(site / "output")
    write_site(site, "B", articles=2)
    prefix = _read_only_prefix(site)
    try:
        status, printed = finish(sitegen("build", "--site", str(site), prefix=prefix))
    finally:
        site.chmod(0o755)
    assert status == 1, printed
    assert "Traceback" not in printed
    assert f"{site / 'output'}: error: cannot write the output: " in printed, printed
    assert "Read-only file system" in printed or "Permission denied" in printed
    assert tree(site / "output") == before
    assert leftovers(site) == []


def test_a_file_where_the_output_folder_should_go_is_a_clear_error(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", "A", articles=1)
    (tmp_path / "blocker").write_text("a file, not a folder\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--out", str(tmp_path / "blocker" / "output")])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"{tmp_path / 'blocker'}: error: cannot write the output: " in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "site"]


def _fill(site: Path, size: int) -> None:
    """A new version of the site with an attachment too big for the disk."""
    write_site(site, "B", articles=2)
    (site / "content" / "articles" / "article-001" / "report.pdf").write_bytes(os.urandom(size))


def test_a_full_disk_is_a_clear_error_and_the_old_site_stays(tmp_path: Path) -> None:
    """A real full disk: a small tmpfs (needs root and mount, as CI has)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        site = write_site(tmp_path / "site", "A", articles=2)
        out = disk / "output"
        assert build(site, out=out).ok
        before = tree(out)
        _fill(site, 6 * 2**20)
        status, printed = finish(sitegen("build", "--site", str(site), "--out", str(out)))
        assert status == 1, printed
        assert "Traceback" not in printed
        assert f"{out}: error: cannot write the output: No space left on device" in printed, printed
        assert tree(out) == before
        assert leftovers(disk) == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))


def test_a_file_size_limit_is_a_clear_error_and_the_old_site_stays(tmp_path: Path) -> None:
    """The same without mounting: RLIMIT_FSIZE makes the build's writes fail as on a full disk."""
    site = write_site(tmp_path / "site", "A", articles=2)
    assert build(site).ok
    before = tree(site / "output")
    _fill(site, 2 * 2**20)
    status, printed = finish(sitegen("build", "--site", str(site), preexec_fn=_limit_file_size))
    assert status == 1, printed
    assert "Traceback" not in printed
    assert f"{site / 'output'}: error: cannot write the output: File too large" in printed, printed
    assert tree(site / "output") == before
    assert leftovers(site) == []
