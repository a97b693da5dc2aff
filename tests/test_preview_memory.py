"""What the preview keeps between saves, and that keeping it changes nothing an editor or a reader sees.

The preview's engine remembers the last reading of the site, so a save reads
again only the folders whose key changed (:mod:`sitegen.reading`); it trusts
the files it wrote itself rather than checking each one on every save; and it
stores its manifest and folder keys in the build cache once saves pause, not
on every save. Each test compares with what a session that remembers nothing
(a fresh preview, a whole reading) finds.
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import weakref
from pathlib import Path

import pytest

from sitegen import config, content, fingerprints, output, reading
from sitegen.preview import Preview

from .conftest import SITES
from .test_preview import KARABAKH_EN, NEW_ONE, edits, in_the_background, remove, replace_in, write

ARTICLES = Path("content") / "articles"
ONLY_EN = f"{ARTICLES}/only-english/en.md"
DRAFT_EN = f"{ARTICLES}/a-draft/en.md"

#: Saves, each followed by a comparison with a whole reading of the site.
SAVES = [
    ("a text edit", lambda s: replace_in(s, KARABAKH_EN, "information war", "information campaign")),
    ("a new date: another order", lambda s: replace_in(s, KARABAKH_EN, "date: 2023-06-05", "date: 2025-01-01")),
    ("a draft is left out", lambda s: replace_in(s, ONLY_EN, "date: ", "draft: true\ndate: ")),
    ("a draft is published", lambda s: replace_in(s, DRAFT_EN, "draft: true\n", "")),
    ("an error", lambda s: replace_in(s, KARABAKH_EN, "title: ", "title: [unclosed ")),
    ("the error fixed", lambda s: replace_in(s, KARABAKH_EN, "title: [unclosed ", "title: ")),
    ("a warning", lambda s: replace_in(s, f"{ARTICLES}/water-dispute/en.md", "date: 2024-03-12", "date: 2999-01-01")),
    (
        "two articles at once",
        edits(
            lambda s: replace_in(s, KARABAKH_EN, "information campaign", "campaign"),
            lambda s: replace_in(s, ONLY_EN, "draft: true\n", ""),
        ),
    ),
    ("a new folder", lambda s: write(s, f"{NEW_ONE}/en.md", (SITES / "basic" / ONLY_EN).read_text())),
    ("a folder gone", lambda s: remove(s, NEW_ONE)),
]


def whole_reading(site: Path, drafts: bool) -> content.Site:
    loaded, _ = config.load(site)
    assert loaded is not None
    found, _, _ = content.read(loaded, site, drafts, dt.date.today())
    return found


def diagnostics(update) -> list[str]:
    return sorted(map(str, update.diagnostics))


@pytest.mark.parametrize("drafts", [False, True])
def test_a_save_reads_again_only_what_changed_and_the_site_is_a_whole_readings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drafts: bool
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview", drafts=drafts)
    assert preview.build().ok
    looked_up: list[str] = []
    remembered = reading.remembered

    def looked_at(run, path: Path, key: str | None):
        looked_up.append(path.name)
        return remembered(run, path, key)

    monkeypatch.setattr(reading, "remembered", looked_at)
    for number, (name, save) in enumerate(SAVES):
        looked_up.clear()
        update = preview.update(save(site))
        looked = list(looked_up)
        fresh = Preview(site, site / ".sitegen" / f"fresh-{number}", drafts=drafts)  # remembers nothing
        first = fresh.build()
        assert update.ok == first.ok, name
        assert diagnostics(update) == diagnostics(first), f"{name}: the problems of a whole reading"
        if not update.ok:
            continue
        whole = whole_reading(site, drafts)
        assert preview.site is not None and preview.site.articles == whole.articles, name
        assert preview.site.drafts_left_out == whole.drafts_left_out, name
        for lang in whole.config.languages:
            assert preview.site.in_language(lang) == whole.in_language(lang), f"{name}: the order in {lang}"
        if name == "a text edit":
            assert looked == ["karabakh-claim"], "the other folders come from the last reading, unlooked at"


def test_a_save_checks_no_file_the_preview_wrote_and_a_new_session_checks_every_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    out = site / ".sitegen" / "preview"
    assert Preview(site, out).build().ok
    checked: list[str] = []
    same_file = fingerprints.same_file
    monkeypatch.setattr(fingerprints, "same_file", lambda o, path, e: checked.append(path) or same_file(o, path, e))
    preview = Preview(site, out)  # a new session: its first rebuild trusts nothing it did not write
    files = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    stats = {path: (out / path).stat().st_mtime_ns for path in files}
    assert preview.build().ok
    pages = {path for path in files if path != output.MARKER and not path.startswith("pagefind/")}
    assert set(checked) == pages, "every page of the last session is checked"
    assert {path: (out / path).stat().st_mtime_ns for path in files} == stats, "and none is written again"
    checked.clear()
    assert preview.update(replace_in(site, KARABAKH_EN, "information war", "information campaign")).written
    assert checked == [], "a save trusts the files this session wrote"


def manifests(site: Path) -> list[Path]:
    return sorted((site / ".sitegen" / "cache").glob("outputs-*.pickle"))


def test_the_manifest_is_stored_once_saves_pause_and_a_new_session_starts_from_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    out = site / ".sitegen" / "preview"
    preview = Preview(site, out)
    assert preview.build().ok
    assert len(manifests(site)) == 1, "a whole build is stored at once"
    assert preview.update(replace_in(site, KARABAKH_EN, "information war", "information campaign")).ok
    assert manifests(site) == [], "a save changes the output: the manifest that described it is gone until stored"
    in_the_background(preview, lambda: bool(manifests(site)))
    assert len(manifests(site)) == 1, "stored once saves paused"
    stats = {
        path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file() and "pagefind" not in path.parts
    }
    assert Preview(site, out).build().ok
    assert {path: path.stat().st_mtime_ns for path in stats} == stats, "the next session rewrites nothing"


class _Node:
    """An object the collector tracks, that can be referred to weakly."""


def test_what_the_preview_keeps_stays_out_of_the_collectors_sight_until_a_long_pause(tmp_path: Path) -> None:
    """A full collection walking every object of a large site took most of a second, and fell on the second save
    of a session: the preview keeps its objects frozen between saves, and has garbage collected after a long
    pause."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview")
    assert preview.build().ok
    node = _Node()
    node.itself = node  # garbage only a collection finds, once the name is gone
    gone = weakref.ref(node)
    del node
    assert preview.update(replace_in(site, KARABAKH_EN, "information war", "information campaign")).ok
    assert gc.get_freeze_count() > 0, "the rebuild's objects stay frozen after it"
    gc.collect()
    assert gone() is not None, "frozen: out of the collector's sight"
    in_the_background(preview, lambda: gone() is None, tidy=0.0)
    assert gone() is None, "collected after a long pause"
    assert gc.get_freeze_count() > 0, "and what is kept is frozen again"
    gc.unfreeze()
