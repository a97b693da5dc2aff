"""Where sitegen may read and write, and files opened only when they are regular files.

**One containment rule** for every path sitegen reads or writes in a site
(``sitegen.toml``, ``content/``, ``content/people.yaml``, ``theme/``, the
build cache in ``.sitegen/cache/``, the output and preview folders): it lies
inside the site folder, and no symbolic link on the way to it leads outside
the site, or nowhere (:func:`outside`, :func:`problem`). A link that stays
inside is followed. So a site copied or cloned from elsewhere cannot make
sitegen publish ``/etc`` or another site's files, nor write into them.
Article folders and their files are held to a narrower circle, their own
folder (:func:`link_problem`, used by :mod:`sitegen.content`).

A named pipe, a device, or a link to one (``/dev/stdin``) where sitegen
expects a file would block the first read for ever: ``sitegen build`` would
hang on a planted cache entry or config. :func:`open_regular` opens without
blocking, asks the open file itself (``fstat``, so nothing can be swapped in
between) whether it is a regular file, and only then hands it over for reading.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePath
from typing import BinaryIO

from .errors import Diagnostic, Location, error

#: What an error about a link that leaves the site suggests.
COPY_IT_IN = "sitegen reads and writes only inside the site folder: put the real file or folder there instead"


def link_problem(link: Path, inside: Path, name: str = "site") -> str:
    """Why the symbolic link ``link`` may not be followed: it leads out of ``inside`` (the ``name``), or
    nowhere; "" when its target is inside."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop
        return "a link that leads nowhere (its target is missing, or it points to itself)"
    if target.is_relative_to(inside.resolve()):
        return ""
    return f"a link that points outside the {name}"


def outside(root: Path, rel: str | PurePath, name: str = "site") -> tuple[str, str] | None:
    """The first link on the way from ``root`` to ``root/rel`` that leads out of ``root`` (or nowhere):
    its path relative to ``root`` and why; None when the whole way stays inside (or stops existing)."""
    path = root
    for part in PurePath(rel).parts:
        path = path / part
        if path.is_symlink():
            if found := link_problem(path, root, name):
                return path.relative_to(root).as_posix(), found
        elif not path.exists():
            return None
    return None


def problem(root: Path, rel: str | PurePath, hint: str = COPY_IT_IN) -> Diagnostic | None:
    """:func:`outside` as an error at the link, for the paths of a site that sitegen reads or writes."""
    found = outside(root, rel)
    return error(Location(found[0]), found[1], hint) if found else None


def tree_problems(root: Path, rel: str | PurePath) -> list[Diagnostic]:
    """:func:`problem` for ``root/rel`` and for every link anywhere under it (links to folders not walked into)."""
    first = problem(root, rel)
    if first is not None:
        return [first]
    found = []
    for folder, folders, files in os.walk(root / rel):
        for name in sorted(folders + files):
            path = Path(folder, name)
            if path.is_symlink() and (why := link_problem(path, root)):
                found.append(error(Location(path.relative_to(root).as_posix()), why, COPY_IT_IN))
    return found


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


def site_text(site_dir: Path, rel: PurePath, limit: int, what: str, hint: str) -> tuple[str | None, list[Diagnostic]]:
    """A site's data file (``content/people.yaml``, ``content/glossary.yaml``) as text with ``\\n`` line ends.

    None, with why, when it may not be read: a link out of the site, not a
    regular file, larger than ``limit`` (``hint`` says what to do), not UTF-8.
    None without a problem when there is no such file or it holds only
    blank lines and comments.
    """
    name = rel.as_posix()
    if (refused := problem(site_dir, rel)) is not None:
        return None, [refused]
    try:
        data = read_bytes(site_dir / rel, limit=limit)  # a named pipe or device is refused, not waited on
    except FileNotFoundError:
        return None, []
    except TooLargeError as exc:
        return None, [error(Location(name), exc.strerror, hint)]
    except OSError as exc:
        return None, [error(Location(name), f"cannot read {what}: {exc.strerror or exc}")]
    text, undecoded = decode(data, name)
    if text is None:
        return None, [undecoded] if undecoded else []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.split("\n")):
        return None, []
    return text, []
