"""Removing an output that a new one replaced, without the build waiting for it.

A build that swaps a whole new folder in (:mod:`sitegen.output`) leaves the
old one to remove: 67,000 files and as many folders at 10,000 articles, which
took a third of such a build (17 s of 52 on the machine sitegen is developed
on). So the old folder is renamed into the site's ``.sitegen/trash/``, which
a process of its own empties while the build reports and ends; a rename is
instant where the output and ``.sitegen/`` share a file system. Where they do
not, or when there is no usable ``.sitegen/`` (``--no-cache``, or a link that
leads out of the site), the folder is removed at once, as before.

Whatever a removal cut short (the machine went down) is removed with the next
folder put in the trash, or when a build finds the trash not empty.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: What the removing process runs: every entry of the trash folder it is given, removed.
_EMPTY = (
    "import os, shutil, sys\n"
    "for name in os.listdir(sys.argv[1]):\n"
    "    shutil.rmtree(os.path.join(sys.argv[1], name), ignore_errors=True)\n"
)


def discard(folder: Path, trash: Path | None) -> None:
    """Remove ``folder``: moved into ``trash`` and removed there by a process of its own when it can be,
    else here and now."""
    if trash is not None:
        try:
            trash.mkdir(exist_ok=True)
            os.rename(folder, trash / f"{os.getpid()}-{os.urandom(4).hex()}")
        except OSError:
            pass  # another file system, say: removed here
        else:
            empty_later(trash)
            return
    shutil.rmtree(folder, ignore_errors=True)


def empty_later(trash: Path) -> None:
    """Start a process that empties ``trash`` and outlives this one (a session of its own: a Ctrl+C or a kill
    of the build's process group does not stop it)."""
    try:
        subprocess.Popen(
            [sys.executable, "-c", _EMPTY, os.fspath(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:  # no process could be started: emptied here
        for entry in os.listdir(trash):
            shutil.rmtree(trash / entry, ignore_errors=True)


def tidy(trash: Path | None) -> None:
    """Empty a trash that a removal cut short left something in."""
    if trash is None:
        return
    try:
        with os.scandir(trash) as entries:
            left = any(True for _ in entries)
    except OSError:  # no trash yet
        return
    if left:
        empty_later(trash)
