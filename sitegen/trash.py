"""Removing an output that a new one replaced, without the build waiting for it.

A build that swaps a whole new folder in (:mod:`sitegen.output`) leaves the
old one to remove: 67,000 files and as many folders at 10,000 articles, which
took a third of such a build (17 s of 52 on the machine sitegen is developed
on). So the old folder is renamed into the build cache's
``.sitegen/cache/trash/``, which a process of its own empties while the build
reports and ends; a rename is instant where the output and the cache share a
file system. Where they do not, when there is no cache to write
(``--no-cache``, or a link that leads out of the site), or when the trash is
not a folder of its own (a link planted there is never followed), the folder
is removed at once, as before.

Whatever a removal cut short (the machine went down) is removed with the next
folder put in the trash, or when a build finds the trash not empty.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
from pathlib import Path

#: What the removing process runs: every entry of the trash folder it is given, removed.
_EMPTY = (
    "import os, shutil, sys\n"
    "trash = sys.argv[1]\n"
    "if not os.path.islink(trash) and os.path.isdir(trash):\n"
    "    for name in os.listdir(trash):\n"
    "        shutil.rmtree(os.path.join(trash, name), ignore_errors=True)\n"
)


def discard(folder: Path, trash: Path | None) -> None:
    """Remove ``folder``: moved into ``trash`` and removed there by a process of its own when it can be,
    else here and now."""
    if trash is not None and _own_folder(trash):
        try:
            os.rename(folder, trash / f"{os.getpid()}-{os.urandom(4).hex()}")
        except OSError:
            pass  # another file system, say: removed here
        else:
            empty_later(trash)
            return
    shutil.rmtree(folder, ignore_errors=True)


def empty_later(trash: Path) -> None:
    """Start a process that empties ``trash`` and outlives this one, in a session of its own (a Ctrl+C or a
    kill of the build's process group does not stop it). On POSIX a shell starts it and ends at once, so
    nothing is left to wait for: no process of this one's is left a zombie, the preview's included."""
    import subprocess  # only here: a build that replaces no output starts no process

    command = [sys.executable, "-c", _EMPTY, os.fspath(trash)]
    try:
        if os.name == "posix":
            script = '"$@" </dev/null >/dev/null 2>&1 &'
            subprocess.run(["/bin/sh", "-c", script, "sh", *command], check=True, start_new_session=True)
        else:
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):  # no process could be started: emptied here
        for entry in os.listdir(trash):
            shutil.rmtree(trash / entry, ignore_errors=True)


def tidy(trash: Path | None) -> None:
    """Empty a trash that a removal cut short left something in."""
    if trash is None or not _own_folder(trash, make=False):
        return
    try:
        with os.scandir(trash) as entries:
            left = any(True for _ in entries)
    except OSError:  # no trash yet
        return
    if left:
        empty_later(trash)


def _own_folder(trash: Path, make: bool = True) -> bool:
    """Whether ``trash`` is a folder (made here when ``make`` and missing), not a link or anything else."""
    if make:
        with contextlib.suppress(OSError):  # there already, or not to be made: the look below says
            trash.mkdir()
    try:
        return stat.S_ISDIR(os.lstat(trash).st_mode)
    except OSError:
        return False
