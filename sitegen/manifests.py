"""The output folder's manifest and its pages' dependencies in the build cache: a base and a delta.

At 10,000 articles the manifest names 67,000 files and the dependencies
67,000 routes: 17 MB to pickle, sign and write after every rebuild, a tenth
of a one-article rebuild, when a text edit renders some twenty files again
and changes no route. So they are kept in two entries, as git's split index
keeps its own:

- ``base-<hash of the output folder>.pickle``: a random token, every file of
  the manifest as it was then, and the dependencies' large fields that a
  text edit leaves as they are (:data:`STABLE`);
- ``outputs-<hash>.pickle``, the delta: the same token, the manifest's other
  fields and the files whose entry differs from the base's, and the
  dependencies' other fields.

The delta is trusted only beside the base its token names, and the base never
alone, so forgetting the manifest before the output changes is still one
unlink (of the delta). A build writes a new base when a file came or went, a
stable field changed, or more than :data:`DELTA_SHARE` of the files differ
from the base; else the delta alone. Either way what is read back is equal to
what was stored, files in the same order.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from .cache import Base, Cache, Manifest
from .depends import Dependencies
from .fingerprints import Entry, digest

#: The dependencies' fields kept in the base, and what stands in their place in the delta.
STABLE: dict[str, Any] = {"outlines": {}, "routes": (), "shown_on": {}, "copies": (), "listed": b""}
#: A new base is written when more than this share of the files differ from the base's.
DELTA_SHARE = 0.1


def read(cache: Cache, setup: str, out: Path) -> Manifest | None:
    """The manifest of output folder ``out`` if it was made with the same setup."""
    found = cache.read(_delta_path(cache, out), setup) if cache.enabled else None
    if not isinstance(found, tuple) or len(found) != 3:
        return None
    token, manifest, changed = found
    if not isinstance(manifest, Manifest) or manifest.out != str(out) or not isinstance(changed, dict):
        return None
    base = _base(cache, setup, out, token)
    return replace(manifest, files={**base.files, **changed}) if base is not None else None


def dependencies(cache: Cache, setup: str, out: Path) -> Dependencies | None:
    """What the pages of :func:`read`'s build were made from (read only when needed)."""
    found = cache.read(_delta_path(cache, out), setup, part=1) if cache.enabled else None
    if not isinstance(found, tuple) or len(found) != 2 or not isinstance(found[1], Dependencies):
        return None
    base = _base(cache, setup, out, found[0])
    if base is not None and base.stable is None:
        stable = cache.read(_base_path(cache, out), setup, part=1)
        if isinstance(stable, tuple) and len(stable) == 2 and stable[0] == base.token:
            base.stable = stable[1] if isinstance(stable[1], dict) and stable[1].keys() == STABLE.keys() else None
    return replace(found[1], **base.stable) if base is not None and base.stable is not None else None


def store(cache: Cache, manifest: Manifest, dependencies: Dependencies | None = None) -> None:
    """Store the manifest and its dependencies: the delta from the last base, or a new base when it must."""
    if not cache.writable:
        return
    out = Path(manifest.out)
    stable = {name: getattr(dependencies, name) for name in STABLE} if dependencies is not None else None
    base = cache.bases.get(manifest.out)
    changed = _changed(base.files, manifest.files) if base is not None and _same(base.stable, stable) else None
    if base is None or changed is None:
        base = Base(os.urandom(8).hex(), manifest.files, stable)
        if not all(cache.write(_base_path(cache, out), manifest.setup, (base.token, base.files), (base.token, stable))):
            return  # no base: the delta of the one before would name the wrong token, and is not trusted
        cache.bases[manifest.out], changed = base, {}
    light = replace(dependencies, **STABLE) if dependencies is not None else None
    cache.write(
        _delta_path(cache, out), manifest.setup, (base.token, replace(manifest, files={}), changed), (base.token, light)
    )


def forget(cache: Cache, out: Path) -> None:
    """Drop the manifest of ``out`` before it changes: a build that dies leaves none to trust."""
    if cache.writable:
        with contextlib.suppress(OSError):
            _delta_path(cache, out).unlink()


def _base(cache: Cache, setup: str, out: Path, token: object) -> Base | None:
    """The base named ``token``: the one this process knows, else the cache's if it is that one."""
    known = cache.bases.get(str(out))
    if known is not None and known.token == token:
        return known
    found = cache.read(_base_path(cache, out), setup)
    if not isinstance(found, tuple) or len(found) != 2 or found[0] != token or not isinstance(found[1], dict):
        return None
    cache.bases[str(out)] = Base(found[0], found[1])
    return cache.bases[str(out)]


def _same(stable: dict[str, Any] | None, other: dict[str, Any] | None) -> bool:
    """Whether two sets of stable fields are equal (the same values, after a text edit: checked first)."""
    if stable is None or other is None:
        return False
    return all(stable[name] is other[name] or stable[name] == other[name] for name in STABLE)


def _changed(files: dict[str, Entry], now: dict[str, Entry]) -> dict[str, Entry] | None:
    """The entries of ``now`` that differ from ``files``; None when a file came or went, the order changed
    or too many differ."""
    if len(now) != len(files):
        return None
    changed = {}
    for (path, entry), (was, old) in zip(now.items(), files.items(), strict=True):
        if path != was:
            return None
        if entry != old:
            changed[path] = entry
    return changed if len(changed) <= DELTA_SHARE * len(now) else None


def _delta_path(cache: Cache, out: Path) -> Path:
    return cache.root / f"outputs-{digest(str(out))}.pickle"


def _base_path(cache: Cache, out: Path) -> Path:
    return cache.root / f"base-{digest(str(out))}.pickle"
