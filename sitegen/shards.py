"""The search index in shards: Pagefind bundles per language, and per period in a large archive.

Pagefind takes about 2 ms per page, and an index cannot be added to: a
language indexed whole is read again, every page of it, for each article
published. So the article pages are split into *shards*, each its own
Pagefind bundle ``pagefind/<lang>/<period>/``: a language with at most
:data:`LIMIT` pages is one shard (``en/all``); a larger one is split by the
year of each article's date (from the page's ``article:published_time``),
a year with more than :data:`LIMIT` pages into quarters, and a quarter with
more into months. A publish then indexes a bounded number of pages again,
whatever the size of the archive. The split is a function of the pages
alone, so a patched index is the one a clean build makes.

``pagefind/shards.json`` lists each language's shards; the search page
reads it and merges them with Pagefind's ``mergeIndex``. Each shard keeps
the list of its pages and their months in ``pages.json``, so a patch knows
what a shard holds without reading the site. This module decides and lays
out the shards; :mod:`search` runs Pagefind.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from . import output, routes

#: The most pages a shard holds before it is split (language, then year, quarter, month).
#: At about 2 ms a page, no shard takes Pagefind much more than a second.
LIMIT = 500
#: The list of shards per language, at the root of the bundle: what the search page merges.
MANIFEST = "shards.json"
#: Beside it, the script the search page loads as Pagefind's: it searches the shards as one index.
SCRIPT = "pagefind.js"
#: In each shard: its pages (output paths) and their dates.
PAGES = "pages.json"
#: In each shard: every word it indexes, once, for its language's vocabulary index (JSON, with
#: ``<``, ``>`` and ``&`` escaped: the words are the articles' text, and stay inert wherever served).
WORDS = "words.json"
#: A language's vocabulary index, beside its shards (``pagefind/<lang>/words/``).
VOCABULARY = "words"
#: A page's period when it states no date (a theme without ``article:published_time``).
UNDATED = "undated"
#: The period of a language's only shard, when it has no more than :data:`LIMIT` pages.
WHOLE = "all"
#: Pagefind's interfaces: kept once, at the root of the bundle, not in every shard.
INTERFACE = re.compile(r"pagefind-(?!worker\.js$).*\.(?:js|css)$")

MARKED = b"data-pagefind-body"
_SIGNATURE = b"pagefind_dcd"
_DATE = re.compile(rb'<meta property="article:published_time" content="(\d{4})-(\d{2})')
_LANGUAGE = re.compile(r"[A-Za-z0-9-]+")


#: Whether an output path (``/``-separated) is an article page: ``<lang>/<slug>/index.html``.
article_page = routes.in_article_glob


def read_page(path: Path | str) -> tuple[bool, str | None]:
    """Whether a page is marked for the index, and its date as ``YYYY-MM`` (None when it states none)."""
    with open(path, "rb") as file:
        data = file.read()
    found = _DATE.search(data)
    return MARKED in data, (f"{found[1].decode()}-{found[2].decode()}" if found else None)


def survey(folder: Path) -> dict[str, str | None] | None:
    """The marked article pages of a built site and their dates; None when pages other than articles are marked.

    Every page is read: Pagefind leaves unmarked pages out once one is
    marked, and a theme that marks its listings too gets one whole index
    (see :func:`search.index`). An empty mapping: nothing is marked.
    """
    root = os.fspath(folder)
    pages: dict[str, str | None] = {}
    for here, folders, names in os.walk(root):
        if here == root:
            folders[:] = [name for name in folders if name != "pagefind"]
        for name in names:
            if not name.endswith(".html"):
                continue
            path = os.path.join(here, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            try:
                marked, date = read_page(path)
            except OSError:
                return None
            if marked and not (article_page(rel) and _LANGUAGE.fullmatch(rel.split("/")[0])):
                return None
            if marked:
                pages[rel] = date
    return pages


def _period(date: str | None, level: int) -> str:
    """``all``, ``2024``, ``2024-q1`` or ``2024-01`` for levels 0 to 3 (a page without a date: ``undated``)."""
    if level == 0:
        return WHOLE
    if date is None:
        return UNDATED
    year, month = date.split("-")
    return (year, f"{year}-q{(int(month) + 2) // 3}", date)[level - 1]


def assign(pages: Mapping[str, str | None]) -> dict[str, dict[str, str | None]]:
    """Shard name (``<lang>/<period>``) to its pages and their dates; sorted, so the same pages give the same shards."""
    languages: dict[str, dict[str, str | None]] = defaultdict(dict)
    for rel, date in pages.items():
        languages[rel.split("/")[0]][rel] = date
    shards: dict[str, dict[str, str | None]] = {}
    for lang in sorted(languages):
        _split(lang, languages[lang], 0, shards)
    return {name: dict(sorted(shards[name].items())) for name in sorted(shards)}


def _split(lang: str, pages: dict[str, str | None], level: int, into: dict[str, dict[str, str | None]]) -> None:
    """One shard for ``pages`` at ``level``'s period, or finer ones when it holds more than :data:`LIMIT`."""
    if len(pages) <= LIMIT or level == 3 or (level > 0 and None in pages.values()):
        into[f"{lang}/{_period(next(iter(pages.values())), level)}"] = pages
        return
    finer: dict[str, dict[str, str | None]] = defaultdict(dict)
    for rel, date in pages.items():
        finer[_period(date, level + 1)][rel] = date
    for part in finer.values():
        _split(lang, part, level + 1, into)


def replan(
    old: Mapping[str, Mapping[str, str | None]], indexed: Mapping[str, str | None], gone: Collection[str]
) -> tuple[dict[str, dict[str, str | None]], set[str], set[str]]:
    """The shards of the languages a patch touches: their pages now, which to index again, which to drop.

    ``old`` holds the current shards of those languages, ``indexed`` the
    changed pages the new site indexes (with their dates), ``gone`` the
    changed pages it no longer does. The languages are planned again from
    their page lists (a few milliseconds), and only the shards whose pages
    changed are indexed again: an edit its own shard, an article whose date
    moves two, and a period that crosses :data:`LIMIT` its own, once.
    """
    touched = set(indexed) | set(gone)
    members = {rel: date for pages in old.values() for rel, date in pages.items() if rel not in touched}
    after = assign({**members, **indexed})
    again = {name for name, pages in after.items() if old.get(name) != pages or touched.intersection(pages)}
    return after, again, set(old) - set(after)


def view(pages: Iterable[str], layers: Collection[Path], into: Path) -> None:
    """``into`` as hard links to ``pages``, each from the first of ``layers`` that has it: what Pagefind reads."""
    for rel in pages:
        for layer in layers:
            source = layer / rel
            if source.is_file():
                target = into / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                output.link_or_copy(source, target)
                break


def finish(bundle: Path, shard: str, pages: Mapping[str, str | None]) -> None:
    """Make Pagefind's bundle for one shard a shard: its page list and its words come, its interfaces go."""
    folder = bundle / shard
    strip(folder)
    _write_json(folder / PAGES, pages)
    words: set[str] = set()
    for fragment in (folder / "fragment").glob("*.pf_fragment"):
        words.update(_fragment(fragment).get("content", "").split())
    listed = json.dumps(sorted(words), ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        listed = listed.replace(raw, escaped)
    (folder / WORDS).write_text(listed + "\n", encoding="utf-8")


def strip(folder: Path) -> None:
    """Remove Pagefind's interfaces from a bundle (the root has them) and the WebAssembly of languages it lacks."""
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        wasm = {f"wasm.{info.get('wasm') or 'unknown'}.pagefind" for info in entry["languages"].values()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        wasm = None  # not the format this was written for: keep every WebAssembly file
    for name in os.listdir(folder):
        if INTERFACE.fullmatch(name) or (wasm is not None and name.startswith("wasm.") and name not in wasm):
            os.unlink(folder / name)


def _fragment(path: Path) -> dict:
    """A Pagefind fragment (one page's text and metadata): gzip, a signature, then JSON; {} when unreadable."""
    try:
        data = gzip.decompress(path.read_bytes())
        found = json.loads(data[len(_SIGNATURE) :] if data.startswith(_SIGNATURE) else data)
    except (OSError, ValueError, EOFError):
        return {}
    return found if isinstance(found, dict) else {}


def vocabulary(shards: Mapping[str, Path], language: str, into: Path) -> list[str]:
    """The pages of a language's vocabulary index: one per shard, holding every word it indexes once.

    Searched before the shards, the vocabulary says which of them hold the
    words of a query: Pagefind, given a word that no page of an index
    starts with, falls back to the longest word of that index that starts
    the query, so a shard without the word would answer with pages that a
    single index never gives. The search is made in the shards that have
    it, and the results are the single index's (tested in a browser).
    Returns the shards in the order of their pages (``<number>/index.html``).
    """
    names = sorted(shards)
    for number, name in enumerate(names):
        words = html.escape(" ".join(json.loads((shards[name] / WORDS).read_text(encoding="utf-8"))))
        page = into / str(number) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f'<!DOCTYPE html><html lang="{language}"><body><main data-pagefind-body>{words}</main></body></html>'
        )
    return names


def label(folder: Path, names: list[str]) -> None:
    """Write which shard each page of a vocabulary index stands for (``pages.json``: page id to shard)."""
    labels = {}
    for fragment in sorted((folder / "fragment").glob("*.pf_fragment")):
        number = str(_fragment(fragment).get("url", "")).strip("/")
        if number.isdigit() and int(number) < len(names):
            labels[fragment.name.removesuffix(".pf_fragment")] = names[int(number)]
    _write_json(folder / PAGES, labels)


def interfaces(bundle: Path, shard: Path) -> None:
    """Pagefind's interface files, from one shard's run (before :func:`finish`), at the root of the bundle."""
    for name in sorted(os.listdir(shard)):
        if INTERFACE.fullmatch(name):
            output.link_or_copy(shard / name, bundle / name)


def manifest(shards: Iterable[str]) -> dict[str, list[str]]:
    """Each language's shards, in order: what the search page merges."""
    languages: dict[str, list[str]] = defaultdict(list)
    for name in sorted(shards):
        languages[name.split("/")[0]].append(name)
    return dict(sorted(languages.items()))


def write_manifest(bundle: Path, shards: Iterable[str]) -> None:
    """``shards.json`` (each language's shards, and the vocabulary of each language that has several) and
    ``pagefind.js``, the script that searches them as one index (``sitegen/shards.js``)."""
    languages = manifest(shards)
    words = {lang: f"{lang}/{VOCABULARY}" for lang, names in languages.items() if len(names) > 1}
    _write_json(bundle / MANIFEST, {"version": 1, "languages": languages, "words": words})
    shutil.copyfile(Path(__file__).with_name("shards.js"), bundle / SCRIPT)


def language(folder: Path, default: str) -> str:
    """The language Pagefind gave a shard's pages (from their ``<html lang>``), for its vocabulary's page."""
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        return str(next(iter(entry["languages"])))
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return default


def read_manifest(bundle: Path) -> dict[str, list[str]] | None:
    """The shards a bundle has, per language; None when it is not sharded (or not readable as such)."""
    try:
        data = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
        languages = data["languages"]
        if data.get("version") == 1 and all(isinstance(names, list) for names in languages.values()):
            return {lang: [str(name) for name in names] for lang, names in languages.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def read_pages(bundle: Path, shard: str) -> dict[str, str | None]:
    """A shard's page list (raises OSError or ValueError when it is missing or damaged)."""
    pages = json.loads((bundle / shard / PAGES).read_text(encoding="utf-8"))
    if not isinstance(pages, dict):
        raise ValueError(f"{shard}/{PAGES} is not a mapping")
    return pages


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def mirror(out: Path, pending: Path, removed: set[str], site: Path) -> None:
    """``site`` as hard links to the new site's pages: the patch's files over the output's."""
    layers = [(pending, set()), (out, removed)]  # the patch's files win over the output's
    for layer, left_out in layers:
        for here, folders, names in os.walk(layer):
            rel_here = os.path.relpath(here, layer)
            if rel_here == ".":
                folders[:] = [name for name in folders if name != "pagefind"]
            for name in names:
                rel = os.path.normpath(os.path.join(rel_here, name)).replace(os.sep, "/")
                target = site / rel
                if name.endswith(".html") and rel not in left_out and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    output.link_or_copy(Path(here) / name, target)


def changes(fresh: Path, current: Path, into: Path, prefix: str, only: Collection[str] | None = None) -> list[str]:
    """Link ``fresh``'s files that ``current`` lacks or has otherwise into ``into``; return what it drops.

    ``only``: compare just these files (the folders hold others). Dropped
    files are named with ``prefix``, from the output's root.
    """
    kept: set[str] = set()
    for here, _, names in os.walk(fresh):
        for name in names:
            rel = (Path(here) / name).relative_to(fresh)
            if only is not None and rel.as_posix() not in only:
                continue
            kept.add(rel.as_posix())
            new, old = Path(here) / name, current / rel
            with contextlib.suppress(OSError):
                if os.path.samefile(new, old) or new.read_bytes() == old.read_bytes():
                    continue
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            output.link_or_copy(new, into / rel)
    if only is not None:
        return []
    dropped = []
    for here, _, names in os.walk(current):
        for name in names:
            rel = (Path(here) / name).relative_to(current).as_posix()
            if rel not in kept:
                dropped.append(f"{prefix}/{rel}")
    return sorted(dropped)
