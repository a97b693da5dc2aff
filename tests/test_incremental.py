"""Incremental rebuilds equal clean builds, over random sequences of edits of every kind of source.

Hypothesis draws a sequence of edits (passages, titles, dates, tags, articles
added and deleted, an asset, the config, a theme template, the people
registry, an interface catalog of the site's theme). After each one, the same
site is rebuilt three ways and compared file by file, byte by byte:

- ``sitegen build`` with its cache (a one-shot engine reading the cache);
- the preview (one long-lived engine, told which paths changed);
- a clean build with no cache, into another folder.

CI runs the same few sequences every time (``derandomize``);
``SITEGEN_INCREMENTAL_EXAMPLES=200`` explores more.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import build
from sitegen.preview import Preview

from .conftest import CONFIG, article, ru_catalog, snapshot, write_articles

SITE_CONFIG = "search = false\nper_page = 3\n" + CONFIG
TWO = "  a:\n    city: yerevan\n    name: Voice A\n  b:\n    city: baku\n    name: Voice B\n"
REGISTRY = "p:\n  city: moscow\n  name: {en: Person P, ru: Персона П}\n"
ARTICLE = "content/articles/piece-{:02d}/{}.md"
#: The Russian site title, as the config holds it first and as the "config title" edit makes it.
RU_TITLE = r'ru = "(Два взгляда|Взгляды \d+)"'
EXAMPLES = int(os.environ.get("SITEGEN_INCREMENTAL_EXAMPLES", "6"))


def _text(number: int, lang: str) -> str:
    body = f"Lead {number}.\n\n::: a\nA says {number} in {lang}.\n:::\n\n::: b\nB says {number}.\n:::\n"
    voices = TWO
    if number == 1:  # one article names someone from the registry
        body += "\n::: p\nP says so.\n:::\n"
        voices = TWO + "  p: {}\n"
    extra = f"tags: [t{number % 3}, common]\nsummary: Summary {number}\n"
    return article(f"Piece {number} {lang}", f"2023-{1 + number % 12:02d}-{1 + number % 27:02d}", voices, body, extra)


def _site(root: Path) -> Path:
    write_articles(root, SITE_CONFIG, 8, _text, slug="piece-{:02d}")
    (root / "content" / "people.yaml").write_text(REGISTRY, encoding="utf-8")
    (root / "content" / "articles" / "piece-00" / "map.svg").write_text("<svg/>", encoding="utf-8")
    return root


def _write(site: Path, rel: str, text: str) -> list[Path]:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [path]


def _replace(site: Path, rel: str, old: str, new: str) -> list[Path]:
    if not (site / rel).exists():  # its article was deleted
        return []
    text = (site / rel).read_text(encoding="utf-8")
    return _write(site, rel, text.replace(old, new, 1) if old in text else text + new)


def _resub(site: Path, rel: str, pattern: str, new: str) -> list[Path]:
    """The first line of ``rel`` that ``pattern`` matches replaced by ``new``: an edit that can be made again."""
    text = (site / rel).read_text(encoding="utf-8")
    found = re.sub(pattern, new, text, count=1)
    assert found != text or new in text, f"{pattern} in {rel}"
    return _write(site, rel, found)


def _redate(site: Path, rel: str, date: str) -> list[Path]:
    if not (site / rel).exists():
        return []
    text = (site / rel).read_text(encoding="utf-8")
    return _write(site, rel, re.sub(r"^date: .*$", f"date: {date}", text, count=1, flags=re.M))


def _new_article(site: Path, step: int) -> list[Path]:
    body = "::: a\nNew.\n:::\n\n::: b\nToo.\n:::\n"
    text = article(f"New {step}", f"2024-02-{1 + step % 27:02d}", TWO, body, "tags: [fresh]\n")
    return _write(site, f"content/articles/new-{step}/en.md", text)


def _delete(site: Path, step: int) -> list[Path]:
    folders = sorted(p for p in (site / "content" / "articles").iterdir() if p.name not in ("piece-01",))
    if len(folders) <= 2:
        return []
    gone = folders[step % len(folders)]
    paths = [gone, *gone.rglob("*")]
    shutil.rmtree(gone)
    return paths


#: Each edit: (site, step number) -> the paths it changed, as the preview's watcher reports them.
EDITS: dict[str, Callable[[Path, int], list[Path]]] = {
    "passage": lambda s, n: _replace(s, ARTICLE.format(3, "en"), "A says 3", f"A says {n}: 3"),
    "title": lambda s, n: _replace(s, ARTICLE.format(5, "ru"), "title: Piece", f"title: {n} Piece"),
    "summary": lambda s, n: _replace(s, ARTICLE.format(2, "en"), "summary: Summary", f"summary: {n} Summary"),
    "date": lambda s, n: _redate(s, ARTICLE.format(n % 8, "en"), f"2025-0{1 + n % 9}-1{n % 9}"),
    "tag": lambda s, n: _replace(s, ARTICLE.format(4, "en"), "tags: [", f"tags: [new{n % 2}, "),
    "new article": _new_article,
    "delete article": _delete,
    "asset": lambda s, n: _write(s, "content/articles/piece-00/map.svg", f"<svg><!-- {n} --></svg>"),
    "config title": lambda s, n: _resub(s, "sitegen.toml", RU_TITLE, f'ru = "Взгляды {n}"'),
    "config per page": lambda s, n: _replace(s, "sitegen.toml", "per_page = ", f"per_page = {2 + n % 3}\n#"),
    "template": lambda s, n: _write(
        s, "theme/templates/404.html", f"{{% extends 'base.html' %}}{{% block main %}}Gone {n}{{% endblock %}}"
    ),
    "registry": lambda s, n: _replace(s, "content/people.yaml", "Person P", f"Person P{n}"),
    "catalog": lambda s, n: _write(s, "theme/locales/ru/LC_MESSAGES/messages.po", ru_catalog(f"Нет {n}")),
}


def _clean(site: Path) -> tuple[dict, list[str]]:
    """What a clean build writes, and what it tells."""
    out = site.parent / "clean"
    shutil.rmtree(out, ignore_errors=True)
    report = build(site, out, cache=False)
    assert report.ok, "\n".join(map(str, report.diagnostics))
    return snapshot(out, folders=True), _told(report)


def _told(report) -> list[str]:
    return sorted(map(str, report.diagnostics))


def _differences(found: dict[str, bytes | None], expected: dict[str, bytes | None]) -> list[str]:
    return sorted(found.keys() ^ expected.keys()) + [p for p in expected if p in found and found[p] != expected[p]]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 6,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=2, max_size=5))
def test_a_rebuild_after_any_edits_writes_what_a_clean_build_writes(edits: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="sitegen-incremental-") as folder:
        site = _site(Path(folder) / "site")
        preview = Preview(site, site / ".sitegen" / "preview", drafts=False)
        assert preview.build().ok
        assert build(site).ok
        for step, name in enumerate(edits):
            paths = EDITS[name](site, step)
            cached = build(site)
            update = preview.update(paths)
            expected, told = _clean(site)
            assert cached.ok and update.ok, [str(d) for d in (*cached.diagnostics, *update.diagnostics)]
            assert _told(cached) == told, f"warnings after {edits}"
            assert _differences(snapshot(site / "output", folders=True), expected) == [], f"build after {edits}"
            assert _differences(snapshot(preview.out, folders=True), expected) == [], f"preview after {edits}"
