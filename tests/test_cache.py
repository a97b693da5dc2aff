"""The build cache: rebuilds write exactly what a clean build writes, and never trust what they cannot check.

Every test compares a cached build with a clean one (``cache=False`` into
another folder) byte for byte; the cache may only change how much work a
build does, never what it writes.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from sitegen import cache, fingerprints, output, reading, search, signing
from sitegen.build import build

from .conftest import CONFIG, REPO, article, clean_output, generated_site, snapshot, write_articles

TWO = "  a:\n    city: yerevan\n    name: Voice A\n  b:\n    city: baku\n    name: Voice B\n"


def write_site(root: Path, articles: int = 12) -> Path:
    """A site with tags, cities, people and an asset: every kind of page depends on some article."""

    def text(number: int, lang: str) -> str:
        body = f"Lead {number}.\n\n::: a\nA says {number} in {lang}.\n:::\n\n::: b\nB says {number}.\n:::\n"
        extra = f"tags: [t{number % 3}, common]\nsummary: Summary {number}\n"
        date = f"2023-{1 + number % 12:02d}-{1 + number % 27:02d}"
        return article(f"Piece {number} {lang}", date, TWO, body, extra)

    write_articles(root, CONFIG, articles, text, slug="piece-{:02d}")
    (root / "content" / "articles" / "piece-00" / "map.svg").write_text("<svg/>", encoding="utf-8")
    return root


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file under ``folder`` with its bytes (folders too, as None)."""
    return snapshot(folder, folders=True)


def clean(site: Path) -> dict:
    return clean_output(site, search=False)


def rebuild(site: Path, **options):
    report = build(site, search=False, **options)
    assert report.ok, "\n".join(map(str, report.diagnostics))
    return report


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


EN = "content/articles/piece-{:02d}/en.md"

#: Edits of every kind, each followed by a cached rebuild compared with a clean build.
EDITS = [
    ("a passage", lambda site: edit(site, EN.format(3), "A says 3 in en.", "A says something new.")),
    ("a title and a summary", lambda site: edit(site, EN.format(5), "Summary 5", "A new summary")),
    ("a date that reorders the home page", lambda site: edit(site, EN.format(7), "2023-08-08", "2024-01-01")),
    ("a tag", lambda site: edit(site, EN.format(4), "t1, common", "fresh, common")),
    (
        "a voice's city",
        lambda site: [
            edit(site, EN.format(2).replace("en.md", f"{lang}.md"), "city: baku", "city: moscow")
            for lang in ("en", "ru")
        ],
    ),
    (
        "a new article",
        lambda site: (
            (site / "content/articles/new-one").mkdir(),
            (site / "content/articles/new-one/en.md").write_text(
                article("New", "2024-02-02", TWO, "::: a\nNew.\n:::\n\n::: b\nToo.\n:::\n"), encoding="utf-8"
            ),
        ),
    ),
    ("a deleted article", lambda site: shutil.rmtree(site / "content/articles/piece-09")),
    ("a changed asset", lambda site: (site / "content/articles/piece-00/map.svg").write_text("<svg></svg>")),
    ("the config", lambda site: edit(site, "sitegen.toml", 'ru = "Два взгляда"', 'ru = "Две точки зрения"')),
    (
        "a site template",
        lambda site: (
            (site / "theme/templates").mkdir(parents=True),
            (site / "theme/templates/404.html").write_text(
                "{% extends 'base.html' %}{% block main %}Gone{% endblock %}"
            ),
        ),
    ),
    ("the people registry", lambda site: (site / "content/people.yaml").write_text("x:\n  city: baku\n  name: X\n")),
]


def test_every_cached_rebuild_writes_what_a_clean_build_writes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    first = rebuild(site)
    assert first.cached == 0 and not first.unchanged
    for name, change in EDITS:
        change(site)
        report = rebuild(site)
        assert not report.unchanged, name
        found = tree(site / "output")
        expected = clean(site)
        assert found.keys() == expected.keys(), f"after {name}: {found.keys() ^ expected.keys()}"
        assert [path for path in found if found[path] != expected[path]] == [], f"after {name}"


def test_an_unchanged_site_is_left_alone(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    first = rebuild(site)
    before = {path: os.stat(path) for path in (site / "output").rglob("*")}
    again = rebuild(site)
    assert again.unchanged and again.cached == again.files == first.files and again.pages == first.pages
    after = {path: os.stat(path) for path in (site / "output").rglob("*")}
    assert before.keys() == after.keys()
    assert all(before[p].st_ino == after[p].st_ino and before[p].st_mtime_ns == after[p].st_mtime_ns for p in before)


def test_one_edit_renders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=40)
    first = rebuild(site)
    edit(site, EN.format(11), "A says 11 in en.", "A says more.")
    report = rebuild(site)
    # The article, its parallel views, its tag, city and people listings, the home page, feeds, sitemap.
    assert 0 < report.rendered < 30 < first.files, report
    assert report.cached == report.files - report.rendered
    assert tree(site / "output") == clean(site)


def test_warnings_are_shown_again_when_nothing_changed(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=2)
    edit(site, EN.format(1), "summary: Summary 1\n", "summary: Summary 1\ncolour: red\n")
    first = rebuild(site)
    again = rebuild(site)
    assert again.unchanged
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics] != []


def test_an_output_file_changed_by_hand_is_made_again(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    rebuild(site)
    page = site / "output" / "en" / "piece-01" / "index.html"
    page.write_text("defaced", encoding="utf-8")
    (site / "output" / "en" / "piece-02" / "index.html").unlink()
    report = rebuild(site)
    assert not report.unchanged and report.rendered == 2
    assert tree(site / "output") == clean(site)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_output_file_changed_by_hand_is_made_again_with_an_edit(tmp_path: Path, jobs: int) -> None:
    """The output is checked while the site is read: with two processes, in a process of its own."""
    site = write_site(tmp_path / "site")
    rebuild(site, jobs=jobs)
    (site / "output" / "en" / "piece-01" / "index.html").write_text("defaced", encoding="utf-8")
    (site / "output" / "en" / "tags" / "index.html").unlink()
    edit(site, EN.format(3), "A says 3 in en.", "A says something new.")
    report = rebuild(site, jobs=jobs)
    assert "en/piece-01/index.html" in report.written_paths and "en/tags/index.html" in report.written_paths
    assert tree(site / "output") == clean(site)


def test_an_edit_in_place_that_keeps_size_and_time_needs_no_cache(tmp_path: Path) -> None:
    """The documented limit: the manifest compares size, time and inode, not contents.

    Hashing every output file of a 1,000-article site (160 MB) costs about
    0.35 s, three times the 0.12 s of a rebuild where nothing changed; so a
    same-size edit whose modification time is put back is trusted, and
    ``--no-cache`` (``cache=False``) is what renders it again.
    """
    site = write_site(tmp_path / "site")
    rebuild(site)
    page = site / "output" / "en" / "piece-01" / "index.html"
    before, kept = page.read_bytes(), page.stat()
    with page.open("r+b") as file:  # same inode, same size
        file.write(b"<!-- same size -->"[: len(before)])
    os.utime(page, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert rebuild(site).unchanged and page.read_bytes() != before
    build(site, site / "output", search=False, cache=False)
    assert page.read_bytes() == before and tree(site / "output") == clean(site)


def test_an_output_replaced_by_another_build_is_not_trusted(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    rebuild(site)
    other = tmp_path / "other"
    build(site, other, search=False, cache=False)
    shutil.rmtree(site / "output")
    shutil.copytree(other, site / "output")  # same bytes, but not the files the manifest recorded
    (site / "output" / "en" / "index.html").write_text("stale", encoding="utf-8")
    report = rebuild(site)
    assert report.cached == 0 and tree(site / "output") == clean(site)


def garble(root: Path) -> int:
    """Damage every cache file in a different way; returns how many there were."""
    files = sorted(path for path in root.rglob("*.pickle"))
    for index, path in enumerate(files):
        data = path.read_bytes()
        match index % 3:
            case 0:
                path.write_bytes(data[: len(data) // 2])
            case 1:
                path.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:])
            case _:
                path.write_bytes(b"")
    return len(files)


def test_a_damaged_cache_is_ignored_and_made_again(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    rebuild(site)
    assert garble(site / cache.FOLDER) > 10
    edit(site, EN.format(3), "A says 3 in en.", "A says it after the damage.")
    report = rebuild(site)
    assert report.cached == 0, "a damaged manifest is not trusted"
    assert tree(site / "output") == clean(site)
    assert rebuild(site).unchanged, "the cache was written again"


def test_entries_of_an_older_layout_are_ignored(tmp_path: Path) -> None:
    """Before entries were split in parts they were a signature then a pickle: read as parts, a huge length."""
    site = write_site(tmp_path / "site", articles=3)
    rebuild(site)
    for path in (site / cache.FOLDER).rglob("*.pickle"):
        path.write_bytes(b"\xff" * 32 + pickle.dumps((cache.FORMAT, "key", "x" * 100)))
    edit(site, EN.format(1), "A says 1 in en.", "A says 1, later.")
    assert rebuild(site).cached == 0
    assert tree(site / "output") == clean(site)


def test_a_cache_that_came_with_the_site_is_never_unpickled(tmp_path: Path, monkeypatch) -> None:
    """A planted pickle would run code when loaded: entries are signed with a key outside the site."""
    site = write_site(tmp_path / "site", articles=2)
    rebuild(site)
    proof = tmp_path / "proof"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {proof}",))

    data = pickle.dumps((cache.FORMAT, "any key", Payload()))
    for path in (site / cache.FOLDER).rglob("*.pickle"):
        path.write_bytes(cache._HEADER.pack(b"\0" * 32, len(data)) + data)  # well formed, wrongly signed
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    edit(site, EN.format(1), "A says 1 in en.", "A says something else.")
    rebuild(site)
    assert not proof.exists()
    assert tree(site / "output") == clean(site)


def test_a_signed_entry_that_names_code_is_not_loaded(tmp_path: Path) -> None:
    """Even signed with this user's key (as if forged), an entry loads only data: naming a function fails it."""
    site = write_site(tmp_path / "site", articles=2)
    rebuild(site)
    proof = tmp_path / "proof"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {proof}",))

    store = cache.Cache(site)
    for path in (site / cache.FOLDER / "articles").rglob("*.pickle"):
        store.write(path, "any key", Payload())
    edit(site, EN.format(1), "A says 1 in en.", "A says something else.")
    rebuild(site)
    assert not proof.exists()
    assert tree(site / "output") == clean(site)


def test_a_rebuild_loads_the_html_only_of_the_articles_it_renders(tmp_path: Path, monkeypatch) -> None:
    site = write_site(tmp_path / "site", articles=30)
    rebuild(site)
    loaded: list[str] = []
    bodies = cache.Cache.bodies

    def counted(self, name: str, key: str):
        loaded.append(name)
        return bodies(self, name, key)

    monkeypatch.setattr(cache.Cache, "bodies", counted)
    edit(site, EN.format(7), "A says 7 in en.", "A says 7, and more.")
    rebuild(site)
    assert tree(site / "output") == clean(site)
    assert 0 < len(loaded) < 30 and "piece-07" not in loaded, loaded  # the edited one was read afresh


def test_html_missing_from_the_cache_is_read_from_the_article(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=5)
    rebuild(site)
    for path in (site / cache.FOLDER / "articles").glob("*.pickle"):
        data = path.read_bytes()
        path.write_bytes(data[: cache._HEADER.size + cache._HEADER.unpack(data[: cache._HEADER.size])[1]])
    (site / "theme" / "static").mkdir(parents=True)
    (site / "theme" / "static" / "extra.css").write_text("p { margin: 0 }", encoding="utf-8")  # every page again
    report = rebuild(site)
    assert report.cached == 0
    assert tree(site / "output") == clean(site)


#: ``python -c`` for ``sitegen ARGS`` after two arguments, ENTRY and ARTICLE: when the build opens the cache
#: entry ENTRY (the article itself comes from the cache's pack, so this reads its HTML, just before pages are
#: rendered), ARTICLE is rewritten first. An edit that lands while the site is being built, at a known moment.
EDIT_WHILE_BUILDING = """\
import os, runpy, sys
entry, article = sys.argv.pop(1), sys.argv.pop(1)
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and os.path.realpath(args[0]) == entry:
        opened.append(args[0])
        if len(opened) == 1:
            with open(article, encoding="utf-8") as file:
                text = file.read()
            with open(article, "w", encoding="utf-8") as file:
                file.write(text.replace("Lead", "Rewritten lead"))
sys.addaudithook(hook)
runpy.run_module("sitegen", run_name="__main__")
"""


def test_an_article_changed_while_building_fails_the_build_cleanly(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=5)
    rebuild(site)
    before = tree(site / "output")
    assert (site / cache.FOLDER / "pack.pickle").is_file()
    entry = site / cache.FOLDER / "articles" / f"{fingerprints.digest('piece-00')}.pickle"
    data = entry.read_bytes()  # its HTML is cut off, so the build reads the article again to render it
    entry.write_bytes(data[: cache._HEADER.size + cache._HEADER.unpack(data[: cache._HEADER.size])[1]])
    edit(site, EN.format(2), "A says 2 in en.", "A says 2, edited.")  # the listings that show piece-00 again
    command = [sys.executable, "-c", EDIT_WHILE_BUILDING, os.path.realpath(entry), str(site / EN.format(0))]
    result = subprocess.run(
        [*command, "build", "--site", str(site), "--no-search"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Rewritten lead" in (site / EN.format(0)).read_text(encoding="utf-8"), "the edit landed"
    message = result.stderr
    assert "content/articles/piece-00: error: the article changed while the site was being built" in message, message
    assert tree(site / "output") == before


def test_entries_of_another_user_are_not_trusted(tmp_path: Path, monkeypatch) -> None:
    site = write_site(tmp_path / "site", articles=3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "first-user"))
    rebuild(site)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "second-user"))
    report = rebuild(site)
    assert not report.unchanged and report.cached == 0
    key = signing.secret_path()
    assert key.stat().st_mode & 0o777 == 0o600


def test_a_day_later_a_future_date_is_read_again(tmp_path: Path) -> None:
    import datetime as dt

    from sitegen.errors import Location, warning

    today = dt.date(2024, 5, 1)
    future = warning(Location("x.md", 3), f"the date 2024-05-02 {cache.FUTURE}")
    assert cache.ArticleEntry(None, (), today).valid_on(today + dt.timedelta(days=30))
    assert not cache.ArticleEntry(None, (future,), today).valid_on(today + dt.timedelta(days=1))
    assert cache.ArticleEntry(None, (future,), today).valid_on(today)
    assert not cache.ArticleEntry(None, (), today).valid_on(today - dt.timedelta(days=1)), "the clock went back"


def test_an_entry_serves_the_other_drafts_option_only_without_a_draft(tmp_path: Path) -> None:
    import dataclasses
    import datetime as dt

    from sitegen import config, content

    site = write_site(tmp_path / "site", articles=1)
    settings, _ = config.load(site)
    [folder] = (site / "content" / "articles").iterdir()
    article, found, _ = content.load_article(settings, site, folder)
    today = dt.date(2024, 5, 1)
    entry = cache.ArticleEntry(article, tuple(found), today)
    assert entry.holds(today, drafts=True) and entry.holds(today, drafts=False), "no draft: either option"
    assert article is not None
    drafted = dataclasses.replace(article.translations[0], draft=True)
    with_draft = dataclasses.replace(article, translations=(drafted, *article.translations[1:]))
    taken_in = cache.ArticleEntry(with_draft, (), today, (), drafts=True)
    assert taken_in.holds(today, drafts=True) and not taken_in.holds(today, drafts=False)
    left_out = cache.ArticleEntry(None, (), today, ("content/articles/x/en.md",), drafts=False)
    assert left_out.holds(today, drafts=False) and not left_out.holds(today, drafts=True)
    assert not entry.holds(today - dt.timedelta(days=1), drafts=False), "and the day still counts"


def test_check_reads_the_cache_but_never_writes_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=3)
    assert build(site, write=False).ok
    assert not (site / cache.FOLDER).exists()
    rebuild(site)
    before = tree(site / cache.FOLDER)
    edit(site, EN.format(1), "A says 1 in en.", "Checked, not built.")
    assert build(site, write=False).ok
    assert tree(site / cache.FOLDER) == before


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=3)
    report = rebuild(site, cache=False)
    assert report.cached == 0 and not (site / cache.FOLDER).exists()


def test_any_number_of_workers_writes_the_same_bytes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=30)
    trees = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"out-{jobs}"
        report = build(site, out, search=False, cache=False, jobs=jobs)
        assert report.ok and report.processes == jobs
        trees.append(tree(out))
    assert trees[0] == trees[1] == trees[2]


def test_a_template_error_in_a_worker_is_reported_with_its_line(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", articles=30)
    (site / "theme/templates").mkdir(parents=True)
    (site / "theme/templates/parallel.html").write_text("line one\n{{ nothing.here }}\n", encoding="utf-8")
    report = build(site, search=False, jobs=2)
    assert not report.ok and not (site / "output").exists()
    assert [f"{d.location.path}:{d.location.line}" for d in report.diagnostics] == ["theme/templates/parallel.html:2"]


# -- A small rebuild killed at any instant: the old site, the new one, or a journal to finish --


class Publishing:
    """A 30-article site with search on, its output and cache as one build left them, and one edit.

    :meth:`restore` puts the old output back as hard links of a kept copy: the
    same files (inodes, times), so the cache's manifest trusts them and every
    rebuild from there is the same small patch, Pagefind included.
    """

    def __init__(self, root: Path):
        assert search.installed(), "Pagefind must be installed for this test (make test installs it)"
        self.site = write_site(root / "site", articles=30)
        self.out = self.site / "output"
        publish(self.site)
        self.old, self.kept = tree(self.out), root / "kept"
        shutil.copytree(self.out, self.kept / "output", copy_function=os.link)
        shutil.copytree(self.site / ".sitegen", self.kept / "sitegen")
        self.edit()
        patched = publish(self.site)
        self.new = tree(self.out)
        fresh = build(self.site, root / "clean", cache=False)
        assert fresh.ok and self.new == tree(root / "clean") != self.old, "the patch is what a clean build makes"
        assert 5 <= patched.rendered < 30 and any(name.startswith("pagefind/") for name in self.new)
        assert {name for name in self.new if name.startswith("pagefind/")} != {
            name for name in self.old if name.startswith("pagefind/")
        }, "the edit changes the search index too"

    def edit(self) -> None:
        edit(self.site, EN.format(3), "A says 3 in en.", "A says it, patched.")

    def restore(self) -> None:
        """The old output and cache, with the edit in the sources: the next build is the patch."""
        for leftover in self.site.glob(".output.*"):
            shutil.rmtree(leftover)
        shutil.rmtree(self.out)
        shutil.copytree(self.kept / "output", self.out, copy_function=os.link)
        shutil.rmtree(self.site / ".sitegen")
        shutil.copytree(self.kept / "sitegen", self.site / ".sitegen")
        assert tree(self.out) == self.old

    def outcome(self, where: str) -> str:
        """What a kill left: "old", "new", or "journal" (a committed patch the next build finishes)."""
        found = tree(self.out)
        if found in (self.old, self.new):
            return "old" if found == self.old else "new"
        assert [p for p in self.site.glob(".output.pending-*") if (p / output.JOURNAL).is_file()], f"a mix {where}"
        output.clean_leftovers(self.out)
        assert tree(self.out) == self.new, f"the journal, finished, gives the new site ({where})"
        return "journal"


#: How many instants, evenly spread over a rebuild's run, the kill test kills it at.
INSTANTS = 21


def publish(site: Path):
    report = build(site)
    assert report.ok, "\n".join(map(str, report.diagnostics))
    return report


def test_a_small_rebuild_with_search_killed_at_any_instant_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    """SIGKILL a search-enabled one-article rebuild at 21 instants spread over its whole run, then after
    each number of renames into the output: every time the output is the old site or the new one, byte
    for byte, Pagefind's index included, or a committed journal whose completion gives the new one.

    Pages and index are one patch under one journal, so the index is never older or newer than the pages.
    """
    run = Publishing(tmp_path)
    command = [sys.executable, "-m", "sitegen", "build", "--site", str(run.site), "-q"]
    whole = 0.0
    for _ in range(3):  # the slowest of three: one run is a poor guess of the next on a busy machine
        run.restore()
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        whole = max(whole, time.perf_counter() - started)
        assert tree(run.out) == run.new
    by_time: Counter[str] = Counter()
    for instant in range(INSTANTS):  # from the start to a little past the end
        run.restore()
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(whole * 1.3 * instant / (INSTANTS - 1))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        by_time[run.outcome(f"killed {instant}/{INSTANTS - 1} of {whole:.2f} s in")] += 1
    by_move: Counter[str] = Counter()
    for moves in range(40):  # the pages and index files moved in, then the marker
        run.restore()
        pid = os.fork()
        if pid == 0:  # the build to kill: it dies after ``moves`` renames into the output
            try:
                _die_after(moves, run.out)
                build(run.site, jobs=1)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            break  # the patch has fewer moves: it finished
        by_move[run.outcome(f"after {moves} moves")] += 1
    print(f"\n{whole:.2f} s a rebuild; killed by time: {dict(by_time)}; by move: {dict(by_move)}")
    assert by_time["old"] and by_time["new"], "instants before the commit and after the end were hit"
    assert by_move["journal"] >= 10, "the moves, pages and index files alike, were hit one by one"
    assert not list(run.site.glob(".output.*")) or output.clean_leftovers(run.out) is None


def test_ctrl_c_while_a_patch_moves_in_finishes_the_patch(tmp_path: Path, monkeypatch) -> None:
    """Ctrl+C after the journal is written finishes the moves: SIGINT is as safe as SIGKILL, and the
    committed patch is not thrown away half moved in."""
    site = write_site(tmp_path / "site", articles=40)
    out = site / "output"
    rebuild(site)
    edit(site, EN.format(3), "A says 3 in en.", "A says it, patched.")
    real, done = os.replace, [0]

    def interrupted(source, target, *args, **kwargs):
        if str(target).startswith(f"{out}{os.sep}"):
            done[0] += 1
            if done[0] == 4:
                raise KeyboardInterrupt
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(site, search=False, jobs=1)
    monkeypatch.undo()
    assert done[0] > 4, "the moves went on after Ctrl+C"
    assert tree(out) == clean(site)
    assert not list(site.glob(".output.*"))


def test_ctrl_c_at_any_instant_prints_no_traceback_and_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    """Ctrl+C at 12 instants of a small rebuild, from when sitegen's command runs to a little past its end.

    (Before that the interpreter itself is starting, and what it prints is not sitegen's.)
    """
    site = write_site(tmp_path / "site", articles=40)
    out = site / "output"
    command = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--no-search", "-q"]
    rebuild(site)
    old = tree(out)
    edit(site, EN.format(3), "A says 3 in en.", "A says it, patched.")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started = _running(process)
    process.communicate(timeout=60)
    whole, new = time.perf_counter() - started, tree(out)
    seen: Counter[str] = Counter()
    for instant in range(12):
        edit(site, EN.format(3), "A says it, patched.", "A says 3 in en.")
        rebuild(site)
        assert tree(out) == old
        edit(site, EN.format(3), "A says 3 in en.", "A says it, patched.")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _running(process)
        time.sleep(whole * 1.5 * instant / 11)  # the last instants past the end, though runs vary
        process.send_signal(signal.SIGINT)
        _, printed = process.communicate(timeout=60)
        assert "Traceback" not in printed and "Error" not in printed, printed
        found = tree(out)
        assert found in (old, new), f"Ctrl+C {instant}/11 of {whole:.2f} s in left a mix"
        assert not [p for p in site.glob(".output.pending-*") if (p / output.JOURNAL).is_file()]
        seen["old" if found == old else "new"] += 1
    assert seen["old"] and seen["new"], seen


def _running(process: subprocess.Popen) -> float:
    """Wait until sitegen's command runs (it catches SIGALRM from then on); return when."""
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        caught = next((line for line in status.read_text().splitlines() if line.startswith("SigCgt:")), "SigCgt: 0")
        if int(caught.split()[1], 16) & (1 << (signal.SIGALRM - 1)):
            break
        time.sleep(0.001)
    return time.perf_counter()


def _die_after(moves: int, out: Path) -> None:
    """Make this process exit with status 9 at its ``moves + 1``-th rename into ``out``."""
    real, done = os.replace, [0]
    inside = str(out) + os.sep

    def dying(source, target, *args, **kwargs):
        if str(target).startswith(inside):
            if done[0] >= moves:
                os._exit(9)
            done[0] += 1
        return real(source, target, *args, **kwargs)

    output.os.replace = dying  # output's ``os`` is the os module: this process only, about to exit


def test_the_build_command_shows_a_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    site = generated_site(80, tmp_path / "big")
    command = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--no-search", "--no-cache"]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Rendering" not in piped.stderr + piped.stdout
    assert piped.stdout.startswith("Built ") and " pages (80 articles) in " in piped.stdout
    on_terminal = subprocess.run(
        ["script", "-qec", " ".join(command), "/dev/null"], capture_output=True, text=True, check=True
    )
    assert re.search(r"Rendering +\[#+\] +(\d+)/\1\b", on_terminal.stdout), on_terminal.stdout[-500:]
    quiet = subprocess.run(
        ["script", "-qec", " ".join([*command, "-q"]), "/dev/null"], capture_output=True, text=True, check=True
    )
    assert quiet.stdout.strip() == ""
    subprocess.run(command[:-1], capture_output=True, text=True, check=True)
    again = subprocess.run(command[:-1], capture_output=True, text=True, check=True)
    assert again.stdout.startswith("Nothing changed: "), again.stdout


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_jobs_must_be_a_positive_number(tmp_path: Path, jobs: str) -> None:
    site = write_site(tmp_path / "site", articles=1)
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--jobs", jobs], capture_output=True, text=True
    )
    assert run.returncode == 2 and "--jobs" in run.stderr and "Traceback" not in run.stderr


def test_an_edit_that_keeps_the_size_and_time_of_a_file_is_seen(tmp_path: Path) -> None:
    """Folders whose files ``stat`` the same are not read again; setting the time back does not hide an edit."""
    site = write_site(tmp_path / "site")
    rebuild(site)
    path = site / EN.format(4)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("A says 4 in en.", "B says 4 in en."), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    report = rebuild(site)
    assert not report.unchanged and report.rendered > 0
    assert b"B says 4 in en." in (site / "output" / "en" / "piece-04" / "index.html").read_bytes()
    assert tree(site / "output") == clean(site)


def test_the_cache_serves_a_site_named_from_any_folder_in_any_spelling(tmp_path: Path, monkeypatch) -> None:
    """An article the cache holds names its folder the same whichever way the site was named, from whichever
    working folder: its files are found, and a text edit keys again only the pages that show it."""
    site = write_site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(tmp_path)
    rebuild(Path("site"))
    shutil.rmtree(site / "output" / "en" / "piece-00")  # the article's copied file is made again
    edit(site, EN.format(3), "A says 3 in en.", "A says it again in en.")
    monkeypatch.chdir(elsewhere)
    rebuild(Path("../site"))
    assert (site / "output" / "en" / "piece-00" / "map.svg").read_text(encoding="utf-8") == "<svg/>"
    assert tree(site / "output") == clean(site)
    edit(site, EN.format(4), "A says 4 in en.", "A says it once more in en.")
    report = rebuild(site)
    assert report.rendered < 30, "a text edit keys again only the pages that show the article"


CHANGES = {
    "a file added in a subfolder": lambda root: (root / "images" / "q.png").write_bytes(b"2"),
    "a file renamed": lambda root: (root / "en.md").rename(root / "ru.md"),
    "a file removed": lambda root: (root / "images" / "p.png").unlink(),
    "a file replaced by a rename": lambda root: (root / "n").write_text("x") or (root / "n").replace(root / "en.md"),
    "a file written in place": lambda root: (root / "en.md").write_text("y"),
    "a folder added": lambda root: (root / "more").mkdir(),
    "a link added": lambda root: (root / "link.md").symlink_to(root / "en.md"),
}


@pytest.mark.parametrize("linked", [False, True], ids=["folder", "linked folder"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_folder_signature_taken_again_lists_no_folder_until_an_entry_changes(
    tmp_path: Path, monkeypatch, change: str, linked: bool
) -> None:
    """An unchanged folder's signature is checked entry by entry, no folder listed; any change to its entries
    (the folders' own times say when one comes, goes or is renamed) gives the signature a full walk gives,
    in an article folder that is a link to another too."""
    root = tmp_path / "piece"
    (root / "images").mkdir(parents=True)
    (root / "en.md").write_text("x")
    (root / "images" / "p.png").write_bytes(b"1")
    named = root
    if linked:
        named = tmp_path / "alias"
        named.symlink_to(root)
    known = fingerprints.tree_signature(named)
    listed: list[str] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real(path))
    assert fingerprints.tree_signature(named, known) is known and not listed
    time.sleep(0.05)  # past the file system's clock tick: the change gets times of its own
    CHANGES[change](root)
    again = fingerprints.tree_signature(named, known)
    assert again != known and again == fingerprints.tree_signature(named) and listed


def test_a_first_build_hashes_the_article_folders_in_several_processes(tmp_path: Path, monkeypatch) -> None:
    """With no folder's key known yet, the folders are hashed by more than one process: the keys stored, and
    the pages, are those one process finds; a rebuild with them known hashes nothing again in workers."""
    site = write_site(tmp_path / "site", articles=30)
    walked: list[int] = []
    real = reading.walk
    monkeypatch.setattr(reading, "walk", lambda entries, *rest: walked.append(len(entries)) or real(entries, *rest))
    rebuild(site, jobs=1)
    alone, pages = cache.Cache(site).folder_keys()[1], tree(site / "output")
    assert walked == [30]
    shutil.rmtree(site / cache.FOLDER)
    shutil.rmtree(site / "output")
    monkeypatch.setattr(reading, "FOLDERS_PER_WORKER", 4)
    walked.clear()
    rebuild(site, jobs=2)
    assert cache.Cache(site).folder_keys()[1] == alone and tree(site / "output") == pages
    assert 0 < sum(walked) < 30  # this process hashed some of the folders, a worker the others
    walked.clear()
    edit(site, "content/articles/piece-03/en.md", "A says", "A now says")
    rebuild(site, jobs=2)
    assert walked == [30] and tree(site / "output") == clean(site)


def test_a_worker_that_dies_fails_the_build_cleanly(tmp_path: Path, monkeypatch) -> None:
    """A worker killed while rendering (the out-of-memory killer, say): an error, no hang, the old output kept."""
    from sitegen import render

    site = write_site(tmp_path / "site", articles=30)
    rebuild(site, cache=False)
    before = tree(site / "output")
    parent, real = os.getpid(), render.run

    def fatal(job, *args, **kwargs):
        if os.getpid() != parent and job.kind == "parallel":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(job, *args, **kwargs)

    monkeypatch.setattr(render, "run", fatal)
    edit(site, EN.format(3), "A says 3 in en.", "A says it once more.")
    report = build(site, search=False, cache=False, jobs=2)
    assert not report.ok
    assert [d.message for d in report.diagnostics] == [
        "a worker process ended before its work was done (killed, or out of memory?)"
    ]
    assert tree(site / "output") == before
    assert not [path.name for path in site.iterdir() if path.name.startswith(".output.")]


def test_a_change_to_sitegens_own_code_renders_every_page_again(tmp_path: Path) -> None:
    """The cache is keyed on the package's code, not only its version: a development install edits code in place."""
    package = tmp_path / "install"
    shutil.copytree(REPO / "sitegen", package / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "theme", package / "theme")
    site = write_site(tmp_path / "site", articles=4)
    environment = {**os.environ, "PYTHONPATH": str(package), "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    command = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--no-search", "-q"]

    def run() -> dict[str, bytes]:
        subprocess.run(command, env=environment, check=True, capture_output=True, cwd=tmp_path)
        return {rel: data for rel, data in tree(site / "output").items() if rel.endswith(".html")}

    before = run()
    helper = package / "sitegen" / "templating.py"
    source = helper.read_text(encoding="utf-8")
    assert "localization.format_date(value, locale, format)" in source
    helper.write_text(source.replace("localization.format_date(value, locale, format)", '"changed"'), encoding="utf-8")
    after = run()
    dated = [rel for rel, page in before.items() if b"<time" in page]
    assert len(dated) > 10
    assert [rel for rel in dated if b">changed</time>" not in after[rel]] == [], "every dated page rendered again"


def _planted(site: Path, kind: str) -> list[Path]:
    """Every cache file of ``site`` replaced by a named pipe or a link to ``/dev/stdin``."""
    files = [p for p in (site / cache.FOLDER).rglob("*.pickle")]
    assert any(p.name == "folders.pickle" for p in files) and any(p.parent.name == "articles" for p in files)
    for path in files:
        path.unlink()
        os.mkfifo(path) if kind == "fifo" else os.symlink("/dev/stdin", path)
    return files


@pytest.mark.parametrize("kind", ["fifo", "stdin-link"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_planted_cache_files_are_ignored_not_waited_on(tmp_path: Path, kind: str, command: str) -> None:
    """A FIFO or a link to /dev/stdin as a cache file would block its first read for ever; it is not a cache entry."""
    site = write_site(tmp_path / "site", articles=3)
    assert build(site, search=False).ok
    _planted(site, kind)
    args = [
        sys.executable,
        "-m",
        "sitegen",
        command,
        "--site",
        str(site),
        *(["--no-search"] if command == "build" else []),
    ]
    log = tmp_path / "log.txt"
    with log.open("w") as out:
        # stdin an open, empty pipe: a reader of /dev/stdin would wait on it for ever
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
        try:
            status = process.wait(timeout=60)
        finally:
            process.kill()
            process.wait()
            process.stdin.close()
    printed = log.read_text(encoding="utf-8")
    assert status == 0 and "Traceback" not in printed, printed


@pytest.mark.parametrize("first", ["", "base", "a" * 100, "Ереван\udcff"])
def test_a_key_of_many_folders_is_the_digest_of_its_two_parts(first: str) -> None:
    """Folder keys are made thousands at a time with the first part hashed once: the same keys as one by one."""
    keyed = fingerprints.digests(first)
    for part in ("", "x", first, "Բաքու", "\udc80" * 3, "9" * 5000):
        assert keyed(part) == fingerprints.digest(first, part)
    assert keyed("ab") != fingerprints.digest(first + "a", "b"), "the parts cannot run together"
