"""The build cache's pack: the first part of every article folder's entry (the article without its HTML), in
one file.

A ``sitegen build`` starts knowing nothing but the cache. After a clean
build of ten thousand articles, opening, checking and reading ten thousand
loose entries took a good part of a one-article rebuild. The pack holds
their records (each entry's first part, as stored) in one signed entry: a
rebuild reads it in one go and takes from it every folder whose key is the
one packed; the loose entry serves a folder that changed since.

Making the pack costs no pickling: every record is a pickle the build
already made or read (the workers that read folders hand theirs back). It is
made again when more than :data:`STALE_SHARE` of the folders did not come
from it, which a clean build's empty pack always is.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection
from typing import Any

from . import collector
from .cache import ArticleEntry, Cache, decoded

#: The pack is made again when more than this share of the folders was not served from it.
STALE_SHARE = 0.1
#: Records :meth:`Packed.preload` decodes between two looks at whether to stop.
PRELOADED_AT_ONCE = 50


class Packed:
    """The pack as one rebuild uses it: read when the first folder is looked for, the folders it served,
    and every folder's record as stored or found, to pack again."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.found: dict[str, bytes] | None = None  # None: not looked at
        self.served = 0
        self.records: dict[str, bytes] = {}
        #: Records decoded ahead of their keys (:meth:`preload`): folder name -> (key made for, value).
        self.decoded: dict[str, tuple[str | None, Any]] = {}

    def entry(self, name: str, key: str, today: dt.date) -> ArticleEntry | None:
        """Folder ``name``'s entry without its HTML, from the pack or, where it changed since, its own."""
        if self.found is None:
            self.found = self.cache.pack()
        record = self.found.get(name)
        early = self.decoded.pop(name, None)
        entry = self.cache.packed(early or record, key, today) if record is not None else None
        if entry is not None:
            self.served += 1
        elif (loose := self.cache.article(name, key, today)) is not None:
            entry, record = loose
        if entry is not None and record is not None:
            self.records[name] = record
        return entry

    def preload(self, until: Callable[[], bool]) -> None:
        """Read the pack and decode its records, a few at a time, until ``until()`` says the keys they are
        checked against are known: time this process would spend waiting for another's ``stat`` of every
        source. A record decoded for a folder that changed since is dropped when it is looked for."""
        if self.found is None:
            self.found = self.cache.pack()
        pending = iter(self.found.items())
        with collector.settled():
            while not until():
                for name, record in itertools.islice(pending, PRELOADED_AT_ONCE):
                    self.decoded[name] = decoded(record)
                if len(self.decoded) == len(self.found):
                    return

    def keep(self, folders: Collection[str]) -> None:
        """Make the pack of ``folders`` again when the one read served too few of them."""
        if self.found is not None and len(folders) - self.served > STALE_SHARE * len(folders):
            self.cache.store_pack({name: record for name in folders if (record := self.records.get(name))})
