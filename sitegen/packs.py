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
from collections.abc import Collection

from .cache import ArticleEntry, Cache

#: The pack is made again when more than this share of the folders was not served from it.
STALE_SHARE = 0.1


class Packed:
    """The pack as one rebuild uses it: read when the first folder is looked for, the folders it served,
    and every folder's record as stored or found, to pack again."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.found: dict[str, bytes] | None = None  # None: not looked at
        self.served = 0
        self.records: dict[str, bytes] = {}
        #: Few folders are looked for (a rebuild that unpacks articles only as pages ask, see
        #: :mod:`sitegen.deferred`): each is taken from its own entry, never the pack, which is read whole
        #: (25 MB at 10,000 articles) for a few dozen of them; one whose own entry is of another version
        #: (changed and changed back) is read from its files.
        self.few = False
        #: Only some folders were looked for (the others were left packed): the pack is not made again.
        self.partial = False

    def entry(self, name: str, key: str, today: dt.date) -> ArticleEntry | None:
        """Folder ``name``'s entry without its HTML, from the pack or, where it changed since, its own."""
        if self.few:  # its own entry, else it is read from its files
            loose = self.cache.article(name, key, today)
            if loose is not None:
                self.records[name] = loose[1]
            return loose[0] if loose is not None else None
        if self.found is None:
            self.found = self.cache.pack()
        record = self.found.get(name)
        entry = self.cache.packed(record, key, today) if record is not None else None
        if entry is not None:
            self.served += 1
        elif (loose := self.cache.article(name, key, today)) is not None:
            entry, record = loose
        if entry is not None and record is not None:
            self.records[name] = record
        return entry

    def keep(self, folders: Collection[str]) -> None:
        """Make the pack of ``folders`` again when the one read served too few of them (unless only some were
        looked for); the records are let go."""
        if not self.partial and self.found is not None and len(folders) - self.served > STALE_SHARE * len(folders):
            self.cache.store_pack({name: record for name in folders if (record := self.records.get(name))})
        self.records = {}
