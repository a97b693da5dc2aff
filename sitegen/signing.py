"""The key that signs this user's build-cache entries, kept outside every site (see :mod:`sitegen.cache`).

A ``.sitegen/cache/`` folder that came with a site (from a repository or an
archive) was not signed with this key, so nothing in it is ever unpickled.
"""

from __future__ import annotations

import contextlib
import hmac
import os
from pathlib import Path

from . import sources


def sign(secret: bytes, part: int, payload: bytes) -> bytes:
    """The signature of part ``part`` of a cache entry."""
    signer = hmac.new(secret, part.to_bytes(4, "little"), "sha256")  # a part cannot pass for another
    signer.update(payload)
    return signer.digest()


def cache_home() -> Path:
    """sitegen's folder in the user's cache (``$XDG_CACHE_HOME/sitegen`` or ``~/.cache/sitegen``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitegen"


def secret_path() -> Path:
    """This user's cache key: outside every site, so a cache folder that came with a site is never trusted."""
    return cache_home() / "cache-key"


def user_secret() -> bytes | None:
    """The key that signs this user's cache entries, made on first use; None when it cannot be kept."""
    path = secret_path()
    with contextlib.suppress(OSError):
        data = sources.read_bytes(path, follow_links=False)
        if len(data) == 32:
            return data
    temporary = path.with_name(f".cache-key.{os.getpid()}-{os.urandom(4).hex()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(os.urandom(32))
        os.link(temporary, path)  # the first of two racing builds wins; both then read its key
    except FileExistsError:
        pass
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    with contextlib.suppress(OSError):
        data = sources.read_bytes(path, follow_links=False)
        if len(data) == 32:
            return data
    return None
