"""The manifest in the build cache as a base and a delta: what is read back is what was stored, a text edit
writes the delta alone, and neither part is trusted without the other.

Real builds of a generated site in tmp_path, and real entries of the cache.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sitegen import cache, manifests
from sitegen.depends import Dependencies

from .conftest import build_ok, clean_output, generated_site, snapshot


def _manifest(files: dict, out: str = "/site/output") -> cache.Manifest:
    return cache.Manifest(setup="setup", site="site", build="build", out=out, today=dt.date(2024, 1, 1), files=files)


def _dependencies(routes: tuple = (("home", "en", "en/", "en/index.html", "", "", 1, 1),)) -> Dependencies:
    return Dependencies(
        dt.date(2024, 1, 1), "look", {"a": "outline"}, {"a": ("digest",)}, routes, {"a": (0,)}, (), (), ()
    )


def _files(count: int, size: int = 1) -> dict:
    return {f"page-{n}/index.html": (f"key-{n}", size, n, n) for n in range(count)}


def _entries(site: Path) -> dict[str, int]:
    """The inode of each part of the manifest in the cache: a part written again has a new one."""
    return {path.name.split("-")[0]: path.stat().st_ino for path in (site / cache.FOLDER).glob("*-*.pickle")}


def test_what_is_stored_is_read_back_in_its_order(tmp_path: Path) -> None:
    out = Path("/site/output")
    first = _manifest(_files(50))
    writer = cache.Cache(tmp_path)
    manifests.store(writer, first, _dependencies())
    edited = {**first.files, "page-7/index.html": ("new key", 2, 7, 7)}  # a delta of one file
    manifests.store(writer, _manifest(edited), _dependencies())
    reader = cache.Cache(tmp_path)  # another process: nothing known but the cache
    found = manifests.read(reader, "setup", out)
    assert found is not None and list(found.files.items()) == list(edited.items())
    assert manifests.dependencies(reader, "setup", out) == _dependencies()
    assert manifests.read(reader, "another setup", out) is None


def test_a_new_base_when_files_come_or_go_or_the_routes_change(tmp_path: Path) -> None:
    out = Path("/site/output")
    store = cache.Cache(tmp_path)
    manifests.store(store, _manifest(_files(50)), _dependencies())
    tokens = [store.bases[str(out)].token]
    changes = [
        (_files(50, size=2), _dependencies()),  # every file differs: more than a tenth
        (_files(51, size=2), _dependencies()),  # a file came
        (_files(51, size=2), _dependencies(routes=())),  # the routes changed
        (dict(reversed(_files(51, size=2).items())), _dependencies(routes=())),  # the same files in another order
    ]
    for files, dependencies in changes:
        manifests.store(store, _manifest(files), dependencies)
        tokens.append(store.bases[str(out)].token)
        found = manifests.read(cache.Cache(tmp_path), "setup", out)
        assert found is not None and list(found.files.items()) == list(files.items())
        assert manifests.dependencies(cache.Cache(tmp_path), "setup", out) == dependencies
    assert len(set(tokens)) == len(tokens)


def test_a_text_edit_writes_the_delta_alone(tmp_path: Path) -> None:
    site = generated_site(60, tmp_path / "site", search=False)
    out = tmp_path / "out"
    build_ok(site, out=out)
    before = _entries(site)
    assert before.keys() == {"base", "outputs"}
    page = site / "content" / "articles" / "article-00003" / "en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    edited = build_ok(site, out=out)
    assert 0 < edited.files - edited.cached < 30
    after = _entries(site)
    assert after["base"] == before["base"] and after["outputs"] != before["outputs"]
    assert build_ok(site, out=out).unchanged, "the manifest read back from base and delta describes the output"
    assert snapshot(out, folders=True) == clean_output(site)
    shutil.rmtree(site / "content" / "articles" / "article-00005")
    build_ok(site, out=out)
    assert _entries(site)["base"] != after["base"], "an article gone: pages gone, a new base"
    assert snapshot(out, folders=True) == clean_output(site)


def test_a_base_without_its_delta_is_not_trusted(tmp_path: Path) -> None:
    site = generated_site(60, tmp_path / "site", search=False)
    out = tmp_path / "out"
    build_ok(site, out=out)
    page = site / "content" / "articles" / "article-00003" / "en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build_ok(site, out=out)
    next((site / cache.FOLDER).glob("outputs-*.pickle")).unlink()  # as a build that died after forgetting it
    again = build_ok(site, out=out)
    assert not again.unchanged and again.cached == 0, "no manifest: every file is made again"
    assert snapshot(out, folders=True) == clean_output(site)


def test_a_delta_is_read_only_beside_the_base_it_names(tmp_path: Path) -> None:
    out = Path("/site/output")
    store = cache.Cache(tmp_path)
    manifests.store(store, _manifest(_files(50)), _dependencies())
    base = next((tmp_path / cache.FOLDER).glob("base-*.pickle"))
    older = base.read_bytes()
    manifests.store(store, _manifest(_files(51)), _dependencies())  # a file came: a new base and its delta
    base.write_bytes(older)  # the older base put back in its place
    assert manifests.read(cache.Cache(tmp_path), "setup", out) is None
    assert manifests.dependencies(cache.Cache(tmp_path), "setup", out) is None
