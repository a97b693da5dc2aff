"""The build cache in ``.sitegen/cache/``: what earlier builds already did, so a rebuild can skip it.

Its entries, each checked before it is trusted:

- ``articles/<folder>.pickle``: one article folder as read and checked (its
  Article and its diagnostics), keyed by the bytes of every file in the folder
  and by everything else reading depends on: sitegen's code (a digest of its
  modules), the config, the people registry, the site folder. An entry
  read with drafts taken in (or left out) serves a build with the other
  choice only when its folder holds no draft. In three parts: the article without its HTML and own words (all
  that planning needs), the HTML (for the pages a rebuild renders), the own
  words (for a contested-names check that reads them again).
- ``pack.pickle``: every folder's first part, as the build stored or found
  it, in one file read in one go; each checked against its folder's key like
  a loose entry, which serves a folder that changed since.
- ``outputs-<hash of the output folder>.pickle`` and ``base-<hash>.pickle`` (:mod:`sitegen.manifests`): the
  manifest of the output folder the last build wrote and what its pages were made from:
  every file with the key of the job that made it and its size, time and
  inode on disk, under a *setup key* (sitegen's code, config, every theme file,
  build options, output folder) and a *site key* (the setup key and every
  source file's bytes). An output file is reused only when its job key and
  its stat still match, and only if the output folder's marker names the
  same build.
- ``folders.pickle`` (every folder's stat signature and key), ``looks.pickle`` (what each template reads of
  the theme) and ``contested.pickle`` (what the contested-names check found in each translation, under one
  glossary): what the next build would otherwise work out again.

Every part of an entry is signed with a key kept in the user's own cache
folder (``~/.cache/sitegen/cache-key``), so entries that came with a site from
elsewhere are never unpickled, and starts with a format tag and the key it was
made for; anything unsigned, unreadable, truncated, of another format or made
for other inputs is ignored (and made again), never trusted. Entries are
written to a temporary file and renamed: a killed build leaves whole entries
or none. Deleting ``.sitegen/cache/`` is always safe (the next build is clean).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import hmac
import importlib
import io
import os
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass, field, is_dataclass, replace
from pathlib import Path
from typing import Any

from . import __version__, signing, sources
from .errors import Diagnostic, Location, compact_pickle, warning
from .fingerprints import Entry, code_key, digest
from .model import FUTURE, Article
from .shelf import split_bodies, with_bodies, with_words

#: Where the cache lives in a site folder (git-ignored with the rest of ``.sitegen/``).
FOLDER = Path(".sitegen") / "cache"
#: In it, where an output that a new one replaced is removed without a build waiting (:mod:`sitegen.trash`).
TRASH = FOLDER / "trash"


#: Bumped whenever what is stored changes shape; with the code's digest, so any change to sitegen's code
#: (not only a new version) makes older entries ignored.
FORMAT = f"sitegen-cache-7/{__version__}/{code_key()}"


@compact_pickle
@dataclass(frozen=True, slots=True)
class ArticleEntry:
    """One article folder as read: what ``content.load_article`` returned, and when."""

    article: Article | None
    diagnostics: tuple[Diagnostic, ...]
    today: dt.date
    #: The files of translations marked ``draft: true`` that were left out (the build's summary counts them).
    drafts_left_out: tuple[str, ...] = ()
    #: Whether drafts were taken in when the folder was read (``--drafts``, ``sitegen check``).
    drafts: bool = False

    def holds(self, today: dt.date, drafts: bool) -> bool:
        """Whether reading the folder on ``today``, with drafts taken in or not, gives the same result: the
        drafts option matters only to a folder with a draft (``sitegen check`` takes them in, builds do not)."""
        article = self.article
        drafted = bool(self.drafts_left_out) or (article is not None and any(t.draft for t in article.translations))
        return self.valid_on(today) and (drafts == self.drafts or not drafted)

    def valid_on(self, today: dt.date) -> bool:
        """Whether reading the folder on ``today`` gives the same result.

        Only the future-date warning depends on the day. Without one, no date
        in the folder was after the day it was read, so none is on a later day.
        """
        if today == self.today:
            return True
        return today > self.today and not any(FUTURE in d.message for d in self.diagnostics)


@dataclass
class Manifest:
    """The output folder as the last build left it: ``{path: (job key, size, mtime_ns, inode)}``."""

    setup: str = ""
    site: str = ""
    build: str = ""
    out: str = ""
    today: dt.date | None = None
    #: Whether any article had a future-date warning, which a later day would change.
    dated: bool = False
    files: dict[str, Entry] = field(default_factory=dict)
    pages: int = 0
    articles: int = 0
    sources: int = 0
    #: The warnings the build printed, shown again when nothing changed.
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Article folders with a draft left out, counted again when nothing changed.
    drafts_left_out: int = 0


@dataclass
class Base:
    """The base of an output folder's manifest, as this process last read or wrote it (see :mod:`sitegen.manifests`)."""

    token: str
    files: dict[str, Entry]
    #: The dependencies' :data:`sitegen.manifests.STABLE` fields (None: not read yet, or the base holds none).
    stable: dict[str, Any] | None = None


class Cache:
    """The cache folder of one site; every method fails soft (a cache that cannot be used is just empty)."""

    def __init__(self, site_dir: Path, enabled: bool = True, writable: bool = True, drafts: bool = False):
        self.root = site_dir / FOLDER
        #: Whether the builds this cache serves take drafts in: an entry read otherwise serves them only
        #: where its folder has no draft (:meth:`ArticleEntry.holds`).
        self.drafts = drafts
        self._articles = os.fspath(self.root / "articles")
        #: Why the cache is not used although it was asked for: a link on the way leads outside the site.
        self.refused: Diagnostic | None = None
        if enabled and (found := sources.outside(site_dir, FOLDER / "articles")):
            enabled = False
            self.refused = warning(
                Location(found[0]),
                f"{found[1]}: the build cache is not used",
                "remove the link; sitegen makes .sitegen/cache/ again inside the site",
            )
        self.enabled = enabled
        self.writable = enabled and writable
        #: Where an output that a new one replaced is removed without waiting (:mod:`sitegen.trash`); None: at once.
        self.trash = site_dir / TRASH if self.writable else None
        self._key: bytes | None = None
        #: Folders this process made or found for entries (one mkdir each, not one per entry).
        self._folders: set[Path] = set()
        #: The base of each output folder's manifest this process read or wrote (see :mod:`sitegen.manifests`).
        self.bases: dict[str, Base] = {}

    # -- articles ---------------------------------------------------------

    def article(self, name: str, key: str | None, today: dt.date) -> tuple[ArticleEntry, bytes] | None:
        """The entry of folder ``name`` if it was made for ``key`` and still holds on ``today``, and its
        record (for the pack: see :meth:`packed`).

        Its article comes without its HTML and own words (see :func:`sitegen.shelf.split_bodies`):
        :meth:`bodies` and :meth:`words` have them.
        """
        if not self.enabled or key is None:
            return None
        found = self._payloads(self._article_path(name), 0, 1)
        if not found or not self._signed(*found[0]):
            return None
        record = found[0][2]
        entry = self.packed(record, key, today)
        return (entry, record) if entry is not None else None

    def packed(self, record: bytes, key: str, today: dt.date) -> ArticleEntry | None:
        """The entry a record of the pack (or :meth:`article`'s) holds, if made for ``key`` and valid on ``today``."""
        entry = _loaded(record, key)
        return entry if isinstance(entry, ArticleEntry) and entry.holds(today, self.drafts) else None

    def whole_article(
        self, name: str, key: str | None, today: dt.date, join: Callable[[Article, tuple], Article | None] = with_bodies
    ) -> ArticleEntry | None:
        """:meth:`article` with its HTML and own words, all read in one go and the HTML joined by ``join``
        (a shelf's, say): for a reader that renders every page."""
        if not self.enabled or key is None:
            return None
        found = self._parts(self._article_path(name), key, 0, 3)
        if found is None or not isinstance(found[0], ArticleEntry) or not found[0].holds(today, self.drafts):
            return None
        entry, bodies, words = found
        if entry.article is None:
            return entry
        worded = with_words(entry.article, words)
        whole = join(worded, bodies) if worded is not None and isinstance(bodies, tuple) else None
        return replace(entry, article=whole) if whole is not None else None

    def bodies(self, name: str, key: str) -> tuple[str, ...] | None:
        """The HTML of the article in folder ``name``'s entry, for :func:`sitegen.shelf.with_bodies`."""
        if not self.enabled:
            return None
        found = self.read(self._article_path(name), key, part=1)
        return found if isinstance(found, tuple) else None

    def words(self, name: str, key: str) -> object:
        """The own words of the article in folder ``name``'s entry, for :func:`sitegen.shelf.with_words`."""
        return self.read(self._article_path(name), key, part=2) if self.enabled else None

    def store_article(self, name: str, key: str | None, entry: ArticleEntry) -> bytes:
        """Store the entry of folder ``name``; its record for the pack (b"" when nothing is stored)."""
        if not self.writable or key is None:
            return b""
        light, bodies, words = split_bodies(entry.article) if entry.article is not None else (None, (), ())
        return self.write(Path(self._article_path(name)), key, replace(entry, article=light), bodies, words)[0]

    def _article_path(self, name: str) -> str:
        # Folder names are free text here (a bad slug is still cached with its error): hash them.
        # A string, not a Path: ten thousand of them are made for every rebuild of a large site.
        return os.path.join(self._articles, f"{digest(name)}.pickle")

    def folder_keys(self) -> tuple[int, dict[str, tuple[tuple, str]]]:
        """When the folder signatures were taken, and ``{folder: (signature, key)}`` (empty when unknown)."""
        found = self.read(self.root / "folders.pickle", "folders") if self.enabled else None
        return found if isinstance(found, tuple) and len(found) == 2 else (0, {})

    def store_folder_keys(self, taken_ns: int, keys: dict[str, tuple[tuple, str]]) -> None:
        if self.writable:
            self.write(self.root / "folders.pickle", "folders", (taken_ns, keys))

    def contested(self) -> tuple[str, dict[tuple[str, str], tuple[Diagnostic, ...]]]:
        """What the contested-names check found in each translation, and the key of the glossary it used
        (see :class:`sitegen.contested.Found`); empty when unknown."""
        found = self.read(self.root / "contested.pickle", "contested") if self.enabled else None
        return found if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], dict) else ("", {})

    def store_contested(self, glossary: str, found: dict[tuple[str, str], tuple[Diagnostic, ...]]) -> None:
        if self.writable:
            self.write(self.root / "contested.pickle", "contested", (glossary, found))

    def looks(self, key: str) -> dict[tuple[str, str], str] | None:
        """What each template reads of the theme (:func:`sitegen.templating.looks`), as worked out for ``key``."""
        found = self.read(self.root / "looks.pickle", key) if self.enabled else None
        return found if isinstance(found, dict) else None

    def store_looks(self, key: str, looks: dict[tuple[str, str], str]) -> None:
        if self.writable:
            self.write(self.root / "looks.pickle", key, looks)

    def pack(self) -> dict[str, bytes]:
        """Folder name -> the record of its entry's first part, as the last pack holds them (see :meth:`packed`)."""
        found = self.read(self.root / "pack.pickle", "pack") if self.enabled else None
        return found if isinstance(found, dict) else {}

    def store_pack(self, records: dict[str, bytes]) -> None:
        if self.writable:
            self.write(self.root / "pack.pickle", "pack", records)

    # -- storage ------------------------------------------------------------

    def read(self, path: str | Path, key: str, part: int = 0) -> Any:
        """Part ``part`` of an entry, if it is signed with this user's key and was made for ``key``."""
        found = self._parts(path, key, part, part + 1)
        return found[0] if found is not None else None

    def _parts(self, path: str | Path, key: str, start: int, stop: int) -> list[Any] | None:
        """Parts ``start`` to ``stop - 1`` of an entry, each signed with this user's key and made for ``key``."""
        payloads = self._payloads(path, start, stop)
        if payloads is None:
            return None
        values = []
        for part in payloads:
            if not self._signed(*part):
                return None  # not written by this user's sitegen: never unpickled
            value = _loaded(part[2], key, _MISSING)
            if value is _MISSING:
                return None
            values.append(value)
        return values

    def _payloads(self, path: str | Path, start: int, stop: int) -> list[tuple[int, bytes, bytes]] | None:
        """Parts ``start`` to ``stop - 1`` of an entry as stored: its number, signature and pickle each.

        An entry is a run of parts, each its signature, its length and its
        pickle; parts before ``start`` are skipped unread, those after are not read.
        """
        payloads = []
        try:
            with sources.open_regular(path, follow_links=False) as file:  # a planted pipe would block a read
                left = os.fstat(file.fileno()).st_size
                for index in range(stop):
                    header = file.read(_HEADER.size)
                    mac, size = _HEADER.unpack(header) if len(header) == _HEADER.size else (b"", left)
                    left -= _HEADER.size + size
                    if left < 0:  # truncated, or not an entry at all (an older format)
                        return None
                    if index < start:
                        file.seek(size, os.SEEK_CUR)
                    else:
                        payloads.append((index, mac, file.read(size)))
        except OSError:
            return None
        return payloads

    def _signed(self, index: int, mac: bytes, payload: bytes) -> bool:
        secret = self._secret()
        return secret is not None and hmac.compare_digest(mac, signing.sign(secret, index, payload))

    def write(self, path: Path, key: str, *parts: object) -> list[bytes]:
        """Store the entry; each part's pickle (empty when it cannot be stored)."""
        secret = self._secret()
        if secret is None:
            return [b""] * len(parts)
        data = bytearray()
        payloads = [pickle.dumps((FORMAT, key, value), protocol=pickle.HIGHEST_PROTOCOL) for value in parts]
        for index, payload in enumerate(payloads):
            data += _HEADER.pack(signing.sign(secret, index, payload), len(payload))
            data += payload
        temporary = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}")
        try:
            if path.parent not in self._folders:  # a clean build stores thousands of entries in one folder
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            # os.open, not open(): no terminal test, no seek, for each of thousands of entries
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(temporary, path)
        except OSError:  # a cache that cannot be written only makes the next build slower
            self._folders.discard(path.parent)  # removed meanwhile, perhaps: the next entry makes it again
            with contextlib.suppress(OSError):
                temporary.unlink()
            return [b""] * len(parts)
        return payloads

    def _secret(self) -> bytes | None:
        if self._key is None:
            self._key = signing.user_secret() or b""
        return self._key or None


#: Before each part of an entry: its HMAC-SHA256 and its length.
_HEADER = struct.Struct("<32sQ")
_MISSING = object()


def _loaded(payload: bytes, key: str, otherwise: Any = None) -> Any:
    """The value a part's pickle holds, if it is data of this format made for ``key``; else ``otherwise``."""
    try:
        tag, stored_key, value = _DataOnly(io.BytesIO(payload)).load()
    except Exception:  # truncated, of an older shape or not data: not trusted
        return otherwise
    return value if tag == FORMAT and stored_key == key else otherwise


#: The modules whose data classes and enums an entry may hold.
_DATA = ("sitegen.cache", "sitegen.depends", "sitegen.errors", "sitegen.model", "sitegen.routes")


def _data_classes() -> dict[tuple[str, str], type]:
    """Every class an entry may name: sitegen's data classes and enums, and a few plain types."""
    found: dict[tuple[str, str], type] = {
        ("datetime", "date"): dt.date,
        ("datetime", "datetime"): dt.datetime,
        ("datetime", "timedelta"): dt.timedelta,
        ("datetime", "timezone"): dt.timezone,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "set"): set,
    }
    for module in _DATA:
        names = globals() if module == __name__ else vars(importlib.import_module(module))
        for name, value in list(names.items()):
            ours = isinstance(value, type) and value.__module__ in _DATA
            if ours and (is_dataclass(value) or issubclass(value, enum.Enum)):
                found[(module, name)] = value
    return found


class _DataOnly(pickle.Unpickler):
    """Loads data, never code: only sitegen's frozen data classes, its enums and a few plain types.

    Pickle calls whatever an entry names; the signature keeps out entries
    this user's sitegen did not write, and this keeps out any that names
    something other than data, should a signed one ever be forged.
    """

    def find_class(self, module: str, name: str) -> Any:
        found = DATA_CLASSES.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not data")
        return found


#: What :class:`_DataOnly` may load, looked up once: the cache loads tens of thousands of entries at a time.
DATA_CLASSES = _data_classes()
