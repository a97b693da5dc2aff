"""Fingerprints of sources and outputs: what a rebuild compares to tell what changed.

- :func:`digest`: a short stable hash of parts;
- :func:`tree_key`: the bytes of every file under a folder; :func:`tree_signature`:
  what ``stat`` says of them, so an unchanged folder is not read again;
- :func:`file_key`: one optional file; :func:`code_key`: sitegen's own code;
- :func:`entry` and :func:`same_file`: an output file as the manifest records it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import sources

if TYPE_CHECKING:
    from .output import Stat


def digest(*parts: bytes | str) -> str:
    """A short stable hash of byte and text parts, each length-prefixed so parts cannot run together."""
    hasher = hashlib.sha256()  # the fastest stdlib hash where the CPU has SHA instructions
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()[:32]


def digests(first: str) -> Callable[[str], str]:
    """``digest(first, part)`` for any ``part``, ``first`` hashed once: for keys of thousands of folders."""
    data = first.encode("utf-8", "surrogateescape")
    hasher = hashlib.sha256(len(data).to_bytes(8, "little") + data)

    def keyed(part: str) -> str:
        found = hasher.copy()
        data = part.encode("utf-8", "surrogateescape")
        found.update(len(data).to_bytes(8, "little") + data)
        return found.hexdigest()[:32]

    return keyed


def code_key() -> str:
    """A digest of sitegen's own code: every module and script of the installed package.

    A development install changes code without changing ``__version__``, and a
    changed renderer or template helper must never reuse pages the old code
    made. Computed once per process (some 40 small files); the default theme is
    keyed separately, with the site's theme files.
    """
    package = os.path.dirname(os.path.abspath(__file__))
    parts: list[bytes | str] = []
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(name for name in folders if name not in ("__pycache__", "_theme"))
        for name in sorted(files):
            if name.endswith((".py", ".js")):
                with open(os.path.join(folder, name), "rb") as handle:
                    parts += [os.path.relpath(os.path.join(folder, name), package), handle.read()]
    return digest(*parts)


def tree_key(root: str | Path, limit: int) -> str | None:
    """A hash of every entry under ``root``: names, kinds, link targets, and the bytes of regular files.

    Links are hashed as their targets' names (and a linked file by its
    bytes), never followed into folders. Files larger than ``limit`` count by
    size and time only. None when the tree cannot be read whole (a permission
    problem, a file vanishing): then nothing under it is cached.
    """
    parts: list[bytes | str] = []
    try:
        _walk(os.fspath(root), "", limit, parts)
    except OSError:
        return None
    return digest(*parts)


def _walk(folder: str, prefix: str, limit: int, parts: list[bytes | str]) -> None:
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    for entry in entries:
        name = prefix + entry.name
        if entry.is_symlink():
            parts += (name, "link", os.readlink(entry.path))
            if not entry.is_file():
                continue
        if entry.is_dir(follow_symlinks=False):
            parts += (name, "dir")
            _walk(entry.path, name + "/", limit, parts)
        elif not entry.is_file():
            parts += (name, "special")
        elif (stat := entry.stat()).st_size > limit:
            parts += (name, "large", f"{stat.st_size}:{stat.st_mtime_ns}")
        else:
            with sources.open_regular(entry.path) as file:
                parts += (name, "file", file.read())


#: Files changed less than this before their signature was taken are hashed again next time: a file
#: system with coarse timestamps could hold a second edit of the same size under the same time.
RACY_NS = 2_000_000_000


def tree_signature(root: str | Path, known: tuple | None = None) -> tuple | None:
    """What ``stat`` says of ``root`` and every entry under it (names, kinds, sizes, times, inodes), reading no file.

    Equal signatures mean unchanged files, so :func:`tree_key` need not read
    and hash them again; the change time (which no tool can set back) is in
    it too. ``known``, an earlier signature, is returned as it is when every
    entry it names still gives the same ``stat``: the folders' own times are in it,
    and an entry that comes, goes or is renamed changes its folder's, so the
    folders need not be listed again (a third of the time at 10,000 articles).
    None when the tree cannot be listed.
    """
    folder = os.fspath(root)
    if known is not None and _holds(folder, known):
        return known
    try:
        found: list[tuple] = [_row(".", os.stat(folder), "")]  # a folder reached by a link: its target's
        _stat_walk(folder, "", found)
    except OSError:
        return None
    return tuple(found)


def _row(name: str, stat: os.stat_result, target: str) -> tuple:
    return (name, stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, target)


def _holds(folder: str, signature: tuple) -> bool:
    """Whether every entry of ``signature`` (taken of ``folder``) still gives the ``stat`` it holds; a link is
    looked at again by listing its folder."""
    if not signature or signature[0][0] != ".":
        return False
    lstat = os.lstat
    try:
        for name, mode, size, mtime, ctime, inode, target in signature:
            if target:
                return False
            stat = os.stat(folder) if name == "." else lstat(f"{folder}/{name}")
            if stat.st_mtime_ns != mtime or stat.st_ctime_ns != ctime or stat.st_size != size:
                return False
            if stat.st_ino != inode or stat.st_mode != mode:
                return False
    except (OSError, ValueError):
        return False
    return True


def _stat_walk(folder: str, prefix: str, found: list[tuple]) -> None:
    with os.scandir(folder) as listed:
        entries = sorted(listed, key=lambda entry: entry.name)
    for entry in entries:
        target = os.readlink(entry.path) if entry.is_symlink() else ""
        found.append(_row(prefix + entry.name, entry.stat(follow_symlinks=False), target))
        if target and entry.is_file():  # a linked file: its content is hashed, so its own stat counts
            found.append(_row("", entry.stat(), ""))
        elif entry.is_dir(follow_symlinks=False):
            _stat_walk(entry.path, prefix + entry.name + "/", found)


def settled(signature: tuple, taken_ns: int) -> bool:
    """Whether no entry of ``signature`` changed within :data:`RACY_NS` before it was taken."""
    return all(max(entry[3], entry[4]) < taken_ns - RACY_NS for entry in signature)


def file_key(path: Path) -> str:
    """A hash of one optional file's bytes ("missing" when it is not there)."""
    try:
        return digest(sources.read_bytes(path))
    except OSError:
        return "missing"


#: A file of a manifest: (job key, size, mtime_ns, inode).
Entry = tuple[str, int, int, int]


def entry(key: str, stat: os.stat_result | Stat) -> Entry:
    return (key, stat.st_size, stat.st_mtime_ns, stat.st_ino)


def same_file(out: str, path: str, found: Entry) -> bool:
    """Whether the output file is still the one the manifest recorded (same size, time and inode).

    ``out`` is the output folder as a string ending in a separator: the quickest form for a loop over every file.
    """
    try:
        stat = os.stat(out + path)
    except (OSError, ValueError):
        return False
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino) == found[1:]
