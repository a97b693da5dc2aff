"""``sitegen.lock``: what an article's translations were made from, and who signed it off. Written by commands only.

One file per article folder, JSON, committed with the article. Editors never
write it by hand: ``sitegen i18n mark-translated`` records, for one
translation, the digest and text of every source text it was made from;
``sitegen review sign`` records one city's sign-off (its editor and a digest
of the signed text). Readers: :mod:`sitegen.staleness`, :mod:`sitegen.signoff`.
It is data only (JSON, never a format that runs code), and never published.

::

    {
      "format": 1,
      "translations": {
        "ru": {"from": "en", "marked": "2023-06-07",
               "texts": {"passage simonyan credible": {"digest": "3f2a…", "text": "He calls …"}}}
      },
      "reviews": {"yerevan": {"editor": "anna", "digest": "…", "signed": "2023-06-08"}}
    }
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Location, error

FILE = "sitegen.lock"
FORMAT = 1
#: A lock of more than this is refused: it holds an article's source texts a few times over.
MAX_SIZE = 8 * 2**20
_NOTE = "Written by 'sitegen i18n mark-translated' and 'sitegen review sign'. Do not edit by hand."


@dataclass(frozen=True, slots=True)
class Marked:
    """What one translation was made from: the source language, the day it was marked, each source text."""

    source: str
    marked: str
    #: Source text key (see :mod:`sitegen.texts`) -> (digest, text).
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SignOff:
    """One city's sign-off: its editor, a digest of the text signed (see :mod:`sitegen.signoff`), the day."""

    editor: str
    digest: str
    signed: str


@dataclass(frozen=True, slots=True)
class Lock:
    translations: dict[str, Marked] = field(default_factory=dict)
    reviews: dict[str, SignOff] = field(default_factory=dict)


def read(folder: Path, rel_folder: str) -> tuple[Lock, list[Diagnostic]]:
    """The lock of the article in ``folder`` (an empty one when there is none), and what is wrong with it."""
    rel = f"{rel_folder}/{FILE}"
    path = folder / FILE
    try:
        if path.stat().st_size > MAX_SIZE:
            return Lock(), [error(Location(rel), "the lock file is too large", _AGAIN)]
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Lock(), []
    except (OSError, UnicodeDecodeError) as exc:
        return Lock(), [error(Location(rel), f"cannot read the lock file: {getattr(exc, 'strerror', None) or exc}")]
    except json.JSONDecodeError as exc:
        return Lock(), [error(Location(rel, exc.lineno), f"the lock file is not valid JSON: {exc.msg}", _AGAIN)]
    try:
        return _lock(data), []
    except (TypeError, ValueError, KeyError, AttributeError):
        expected = "expected the JSON that sitegen writes, with 'translations' and 'reviews'"
        return Lock(), [error(Location(rel, 1), f"the lock file is not as sitegen writes it; {expected}", _AGAIN)]


_AGAIN = "restore it from version control, or delete it and run 'sitegen i18n mark-translated' again"


def _lock(data: Any) -> Lock:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("format")
    translations = {
        str(lang): Marked(
            _text(entry["from"]),
            _text(entry["marked"]),
            {str(key): (_text(item["digest"]), _text(item["text"])) for key, item in entry["texts"].items()},
        )
        for lang, entry in data.get("translations", {}).items()
    }
    reviews = {
        str(city): SignOff(_text(entry["editor"]), _text(entry["digest"]), _text(entry["signed"]))
        for city, entry in data.get("reviews", {}).items()
    }
    return Lock(translations, reviews)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def dumps(lock: Lock) -> str:
    """The lock as sitegen writes it: keys sorted, one value a line, so its diffs read well in review."""
    data = {
        "format": FORMAT,
        "note": _NOTE,
        "translations": {
            lang: {
                "from": marked.source,
                "marked": marked.marked,
                "texts": {key: {"digest": d, "text": t} for key, (d, t) in sorted(marked.texts.items())},
            }
            for lang, marked in sorted(lock.translations.items())
        },
        "reviews": {
            city: {"editor": s.editor, "digest": s.digest, "signed": s.signed}
            for city, s in sorted(lock.reviews.items())
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write(folder: Path, lock: Lock) -> Path:
    """Write the lock beside the article's files, whole or not at all (a temporary file renamed over it)."""
    path = folder / FILE
    handle, temporary = tempfile.mkstemp(prefix=".sitegen-lock-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(dumps(lock))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
