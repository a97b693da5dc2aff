"""Writing the built site: a folder beside the target, swapped in whole or applied as a patch.

A build writes every file into ``.<out>.staging-<pid>`` next to the output
folder and exchanges the two only when everything was written, so readers and
the preview server see the old site or the new one, never a mix. Files an
earlier build made and that did not change are hard-linked into it, not
written again.

A cached rebuild that changes a few files of many writes just those into
``.<out>.pending-<pid>``, then commits by writing a journal into it (the
files to delete) and moves each file into place by an atomic rename. A
build killed before the journal leaves the old output; one killed while
moving files is completed by the next build (:func:`clean_leftovers`), which
finishes the moves from the journal: either way, every build ends as the old
site or the new one.

Only this module writes files, and never outside these folders. The
preview's rebuilds use the same two ways (:mod:`sitegen.publish`): there is
one write protocol.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from . import trash as trash_stage

MARKER = ".sitegen-output"
_MARKER_TEXT = "This folder is written by sitegen and replaced on every build.\n"
#: In a pending folder: the commit point of a patch, listing the files to delete.
JOURNAL = ".sitegen-journal"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Stage:
    """A folder beside ``out`` that becomes the new output: swapped in whole, or applied as a patch.

    Use it as a context manager: leaving it by an exception removes the
    folder and leaves ``out`` as it was.
    """

    def __init__(self, out: Path, patch: bool = False, trash: Path | None = None):
        self.out = out.resolve()
        self.patch = patch
        #: Where the output a swap replaces goes to be removed without waiting (:mod:`sitegen.trash`).
        self.trash = trash
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out)
        trash_stage.tidy(trash)
        kind = "pending" if patch else "staging"
        self.folder = self.out.parent / f".{self.out.name}.{kind}-{os.getpid()}-{os.urandom(4).hex()}"
        self.folder.mkdir()
        #: The folders made in it so far, to skip mkdir calls (a forked worker goes on with its own copy).
        self.made: set[str] = set()

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        """Undo an uncommitted folder; finish a committed patch, whatever cut it short (Ctrl+C, a full disk).

        Past its journal a patch is never undone: when it cannot be finished
        now (a second Ctrl+C, the disk still full), the folder stays for the
        next build to finish (:func:`clean_leftovers`).
        """
        if kind is None:
            return
        if not (self.folder / JOURNAL).is_file():
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        with contextlib.suppress(BaseException):
            _apply(self.folder, self.out)

    def write(self, rel: str, content: bytes | Path) -> Stat:
        """Write one output; returns its stat, for the build cache."""
        return write_file(self.folder, rel, content, self.made)

    def link(self, rel: str) -> Stat:
        """Take ``rel`` over from the current output unchanged: a hard link, or a copy where links fail."""
        target = _prepared(self.folder, rel, self.made)
        link_or_copy(_inside(self.out, safe_relative(rel)), target)
        stat = os.stat(target)
        return Stat(stat.st_size, stat.st_mtime_ns, stat.st_ino)

    def differs(self, rel: str) -> bool:
        """Whether ``rel`` will change when the folder is applied: written anew with other bytes, or removed."""
        rel_path = safe_relative(rel)
        try:
            current = _inside(self.out, rel_path).read_bytes()
        except OSError:
            return True
        try:
            return self.folder.joinpath(*rel_path.parts).read_bytes() != current
        except OSError:
            return True  # not in the patch: the file is removed

    def swap(self, finish: Callable[[Path], object] | None = None) -> None:
        """Put the folder in the place of the output, whole (see :func:`_swap`)."""
        _write_marker(self.folder)
        if finish is not None:
            finish(self.folder)
        _swap(self.folder, self.out, self.trash)

    def apply(self, removed: Iterable[str]) -> None:
        """Commit the folder as a patch of the output: its files replace theirs, ``removed`` go."""
        _write_marker(self.folder)
        journal = self.folder / JOURNAL
        temporary = self.folder / f"{JOURNAL}.tmp"
        temporary.write_text("".join(f"{safe_relative(rel)}\n" for rel in removed), encoding="utf-8")
        os.replace(temporary, journal)  # the commit point: from here on the patch is finished, not undone
        _apply(self.folder, self.out)


def link_or_copy(source: Path, target: Path | str) -> None:
    """``target`` as a hard link to ``source`` (files in a built site are never changed in place), or a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class Stat(NamedTuple):
    """What the build cache keeps of a file just written: the three fields of its ``stat`` it compares.

    A plain tuple crosses from a worker process in a fraction of the time an ``os.stat_result`` takes.
    """

    st_size: int
    st_mtime_ns: int
    st_ino: int


def write_file(folder: Path, rel: str, content: bytes | Path, made: set[str] | None = None) -> Stat:
    """Write one output file under ``folder`` (a new folder of this module's); returns its stat.

    ``made`` are the folders under ``folder`` known to exist: the ones this call makes are added.
    """
    target = _prepared(folder, rel, set() if made is None else made)
    if not isinstance(content, bytes):
        shutil.copyfile(content, target)
        stat = os.stat(target)
        return Stat(stat.st_size, stat.st_mtime_ns, stat.st_ino)
    # os.open, not open(): a build writes tens of thousands of files, and the built-in open asks
    # each one whether it is a terminal and where it starts, three system calls more per page.
    # O_EXCL: the folder is new and this module's own, so no file is there to replace or to follow.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        stat = os.fstat(fd)
    finally:
        os.close(fd)
    return Stat(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _prepared(folder: Path, rel: str, made: set[str]) -> str:
    """Where ``rel`` goes under ``folder``, its folders made: a string (a build does this for every page).

    Each folder is made once with one ``mkdir``: the ones in ``made`` are
    skipped, and one another process made first is taken as it is.
    """
    parts = rel.split("/")
    if rel.startswith("/") or "\0" in rel or any(part in _ODD_PARTS for part in parts):
        parts = list(safe_relative(rel).parts)  # refuses what leaves the folder; normalises the rest
    base = os.fspath(folder)
    if len(parts) > 1:
        parent = "/".join(parts[:-1])
        if parent not in made:
            _make_folders(base, parts[:-1], made)
    return os.path.join(base, *parts)


#: Path segments that :func:`safe_relative` refuses or drops; paths without them need no pathlib.
_ODD_PARTS = frozenset({"", ".", ".."})


def _make_folders(base: str, parts: list[str], made: set[str]) -> None:
    """Make the folders ``parts`` leads through under ``base``, outermost first, skipping those known."""
    for depth in range(1, len(parts) + 1):
        rel = "/".join(parts[:depth])
        if rel in made:
            continue
        try:
            os.mkdir(os.path.join(base, *parts[:depth]))
        except FileExistsError:
            if not os.path.isdir(os.path.join(base, *parts[:depth])):
                raise
        made.add(rel)


def build_of(out: Path) -> str:
    """Which build wrote an output folder: its marker file's identity on disk ("" when there is none).

    Every build writes a new marker (a new inode), so the build cache can
    tell its own output from one another build put in its place.
    """
    try:
        stat = (out / MARKER).stat()
    except OSError:
        return ""
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


def _write_marker(folder: Path) -> None:
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def _apply(pending: Path, out: Path) -> None:
    """Move a committed patch's files into ``out`` (the marker last), delete its removed files, drop it.

    Safe to run again after being cut short: files already moved are no
    longer in ``pending``, and deleting is idempotent.
    """
    removed = (pending / JOURNAL).read_text(encoding="utf-8").splitlines()
    moved = []
    for folder, _, names in os.walk(pending):
        for name in names:
            rel = Path(folder, name).relative_to(pending).as_posix()
            if rel not in (JOURNAL, MARKER, f"{JOURNAL}.tmp"):
                moved.append(rel)
    for rel in sorted(moved):
        target = _inside(out, safe_relative(rel))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(pending / rel, target)
    for rel in removed:
        _remove(out, rel)
    if (pending / MARKER).exists():
        os.replace(pending / MARKER, out / MARKER)
    shutil.rmtree(pending, ignore_errors=True)


def _remove(out: Path, rel: str) -> None:
    """Delete one output file, and the folders it leaves empty."""
    target = _inside(out, safe_relative(rel))
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == out or (folder.is_dir() and any(folder.iterdir())):
            break
        if folder.is_dir():
            folder.rmdir()


def read(out: Path, paths: Iterable[str]) -> dict[str, bytes | None]:
    """The current bytes of outputs in a live folder (None for those not there), to put back later."""
    out = out.resolve()
    found: dict[str, bytes | None] = {}
    for rel in paths:
        target = _inside(out, safe_relative(rel))
        found[rel] = target.read_bytes() if target.is_file() else None
    return found


def _inside(out: Path, rel: PurePosixPath) -> Path:
    """``out / rel``, refused when a link in an existing folder on the way leads outside ``out``."""
    target = out.joinpath(*rel.parts)
    folder = target.parent
    while not folder.exists() and folder != out:
        folder = folder.parent
    if not folder.resolve().is_relative_to(out):
        raise ValueError(f"refusing to write outside the output folder: {rel}")
    return target


def safe_relative(rel: str) -> PurePosixPath:
    """An output path that cannot leave the output folder; ``ValueError`` otherwise."""
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or any(part in ("..", "") for part in path.parts) or "\0" in rel:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return path


def _swap(staging: Path, out: Path, trash: Path | None = None) -> None:
    """Put ``staging`` in the place of ``out``, in one atomic exchange where the system has one; the old
    output is then removed (:func:`sitegen.trash.discard`: in the background where ``trash`` allows).

    Without renameat2 (other systems, a few file systems) it takes two renames,
    and ``out`` is missing between them for a moment: if the second rename
    fails, the old output is put back at once; if the process is killed
    between them, the next build puts it back (:func:`clean_leftovers`).
    """
    if not out.exists():
        os.rename(staging, out)
        return
    if exchange(staging, out):
        trash_stage.discard(staging, trash)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    trash_stage.discard(old, trash)


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    import ctypes
    import ctypes.util

    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def clean_leftovers(out: Path) -> None:
    """Tidy up after builds that were killed: remove their staging, pending and old folders.

    A build killed between the two renames of the fallback swap leaves no
    ``out`` but the complete old output in its ``.old-`` folder: that one is
    put back instead, so the previous site is there again. A patch killed
    after its commit point is finished, so the new site is complete.
    """
    prefix = f".{out.name}."
    try:
        found = sorted(out.parent.iterdir())
    except OSError:  # no parent yet, or not readable: nothing to tidy
        return
    for leftover in found:
        kind, _, rest = leftover.name.removeprefix(prefix).partition("-")
        pid = rest.split("-")[0]
        if not leftover.name.startswith(prefix) or kind not in ("staging", "old", "pending") or not pid.isdigit():
            continue
        if _alive(int(pid)):
            continue
        if kind == "pending" and (leftover / JOURNAL).is_file() and out.is_dir():
            with contextlib.suppress(OSError, ValueError):  # a committed patch cut short: finish it
                _apply(leftover, out)
            shutil.rmtree(leftover, ignore_errors=True)
        elif kind == "old" and not out.exists() and not out.is_symlink():
            with contextlib.suppress(OSError):  # best effort: a build that writes reports the problem
                os.rename(leftover, out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
