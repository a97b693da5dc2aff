"""Writing the built site: a staging folder beside the target, swapped in whole.

A build writes every file into ``.<out>.staging-<pid>`` next to the output
folder and exchanges the two only when everything was written, so readers and
the preview server see the old site or the new one, never a mix. Only this
module writes files, and never outside the staging folder; the preview's
incremental rebuilds change single files of a live folder with :func:`update`,
each by an atomic rename.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from .errors import Diagnostic, Location, error

MARKER = ".sitegen-output"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_target(out: Path, site_dir: Path, force: bool = False) -> list[Diagnostic]:
    """Refuse output folders that would destroy sources or somebody else's files."""
    out, site = out.resolve(), site_dir.resolve()
    where = Location(str(out))
    if site.is_relative_to(out):
        return [
            error(
                where,
                "the output folder would contain the site itself",
                "choose a folder inside the site, such as output/",
            )
        ]
    for name in ("content", "theme"):
        if out.is_relative_to(site / name):
            return [
                error(
                    where,
                    f"the output folder is inside the site's {name}/ folder",
                    "choose a folder outside content/ and theme/, such as output/",
                )
            ]
    if out.exists() and not out.is_dir():
        return [error(where, "the output path exists and is not a folder")]
    if out.is_dir() and not force and not (out / MARKER).exists() and any(out.iterdir()):
        return [
            error(
                where,
                "the output folder exists and was not made by sitegen; refusing to replace it",
                "choose another --out or pass --force to replace it",
            )
        ]
    return []


def publish(
    outputs: Iterable[tuple[str, bytes | Path]], out: Path, finish: Callable[[Path], object] | None = None
) -> int:
    """Write every output into a staging folder, then swap it in; returns the file count.

    ``finish``, when given, runs on the complete staging folder just before
    the swap, so what it adds (the search index) is published with the pages.
    On any failure the staging folder is removed and the previous output is
    left exactly as it was; the ``OSError`` propagates to the caller.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        count = _write_all(outputs, staging)
        (staging / MARKER).write_text("This folder is written by sitegen and replaced on every build.\n")
        if finish is not None:
            finish(staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _write_all(outputs: Iterable[tuple[str, bytes | Path]], staging: Path) -> int:
    count = 0
    made: set[Path] = set()
    for rel, content in outputs:
        target = staging / safe_relative(rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            shutil.copyfile(content, target)
        count += 1
    return count


def update(outputs: Iterable[tuple[str, bytes | Path]], removed: Iterable[str], out: Path) -> int:
    """Change a live output folder in place: write ``outputs``, delete ``removed``; returns the files written.

    For the preview's incremental rebuilds. Each file is written to a temporary
    file beside it and renamed over the old one, so a reader gets the old file
    or the new one, never half of one. Folders left empty are removed, so the
    folder ends up as a fresh build would make it. ``OSError`` propagates.
    """
    out = out.resolve()
    count = 0
    for rel, content in outputs:
        _replace(out, safe_relative(rel), content)
        count += 1
    for rel in removed:
        target = _inside(out, safe_relative(rel))
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == out or (folder.is_dir() and any(folder.iterdir())):
                break
            if folder.is_dir():
                folder.rmdir()
    return count


def read(out: Path, paths: Iterable[str]) -> dict[str, bytes | None]:
    """The current bytes of outputs in a live folder (None for those not there), to put back later."""
    out = out.resolve()
    found: dict[str, bytes | None] = {}
    for rel in paths:
        target = _inside(out, safe_relative(rel))
        found[rel] = target.read_bytes() if target.is_file() else None
    return found


def _replace(out: Path, rel: PurePosixPath, content: bytes | Path) -> None:
    target = _inside(out, rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    target = _inside(out, rel)  # again: the folders now exist, and none may lead outside
    temporary = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        if isinstance(content, bytes):
            with open(temporary, "xb") as file:
                file.write(content)
        else:
            shutil.copyfile(content, temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out``, in one atomic exchange where the system has one.

    Without renameat2 (other systems, a few file systems) it takes two renames,
    and ``out`` is missing between them for a moment: if the second rename
    fails, the old output is put back at once; if the process is killed
    between them, the next build puts it back (:func:`clean_leftovers`).
    """
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
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
    """Tidy up after builds that were killed: remove their staging and old folders.

    A build killed between the two renames of the fallback swap leaves no
    ``out`` but the complete old output in its ``.old-`` folder: that one is
    put back instead, so the previous site is there again.
    """
    prefix = f".{out.name}."
    try:
        found = sorted(out.parent.iterdir())
    except OSError:  # no parent yet, or not readable: nothing to tidy
        return
    for leftover in found:
        kind, _, rest = leftover.name.removeprefix(prefix).partition("-")
        pid = rest.split("-")[0]
        if not leftover.name.startswith(prefix) or kind not in ("staging", "old") or not pid.isdigit():
            continue
        if _alive(int(pid)):
            continue
        if kind == "old" and not out.exists() and not out.is_symlink():
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
