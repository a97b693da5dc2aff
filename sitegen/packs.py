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

from collections.abc import Mapping

#: The pack is made again when more than this share of the folders was not served from it.
STALE_SHARE = 0.1


def stale(folders: int, packed: int) -> bool:
    """Whether to make the pack again: more than a share of ``folders`` did not come from it (``packed`` did)."""
    return folders - packed > STALE_SHARE * folders


def made(records: Mapping[str, bytes], folders: Mapping[str, object]) -> dict[str, bytes]:
    """The pack of ``folders`` (by name): each one's record, where there is one."""
    return {name: record for name in folders if (record := records.get(name))}
