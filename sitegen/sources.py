"""Files opened only when they are regular files, and read as UTF-8 text with located problems.

A named pipe, a device, or a link to one (``/dev/stdin``) where sitegen
expects a file would block the first read for ever: ``sitegen build`` would
hang on a planted cache entry or config. :func:`open_regular` opens without
blocking, asks the open file itself (``fstat``, so nothing can be swapped in
between) whether it is a regular file, and only then hands it over for reading.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import Diagnostic, Location, error


class NotRegularFileError(OSError):
    """The path leads to a named pipe, a device, a socket or a folder."""

    def __init__(self, path: str | Path):
        super().__init__(f"not a regular file: {path}")
        self.strerror = "not a regular file"
        self.filename = os.fspath(path)


def open_regular(path: str | Path, follow_links: bool = True) -> BinaryIO:
    """``path`` opened for reading, or OSError (:class:`NotRegularFileError` for what is not a plain file).

    With ``follow_links=False`` a symbolic link is refused too (cache files are
    never links).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class TooLargeError(OSError):
    """The file is larger than its reader's limit; nothing of it was read."""

    def __init__(self, path: str | Path, size: int, limit: int):
        super().__init__(f"larger than {limit} bytes: {path}")
        self.strerror = f"the file is too large ({size / 2**20:.1f} MB; at most {limit / 2**20:g} MB)"
        self.filename, self.size, self.limit = os.fspath(path), size, limit


def read_bytes(path: str | Path, follow_links: bool = True, limit: int | None = None) -> bytes:
    """The file's bytes; :class:`TooLargeError` (before a byte is read) when it holds more than ``limit``."""
    with open_regular(path, follow_links) as file:
        if limit is None:
            return file.read()
        if (size := os.fstat(file.fileno()).st_size) > limit:
            raise TooLargeError(path, size, limit)
        data = file.read(limit + 1)  # the file may have grown since
        if len(data) > limit:
            raise TooLargeError(path, len(data), limit)
        return data


def decode(data: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a byte order mark dropped), or the problem at the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, error(Location(rel, line), "the file is not valid UTF-8", "save it as UTF-8")
