"""Problems as data: where something is wrong, what is wrong, and how to fix it.

Every stage returns :class:`Diagnostic` values instead of printing or raising;
only the command line shows them. This module imports nothing but the stdlib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def compact_pickle(cls: type[T]) -> type[T]:
    """Pickle a frozen dataclass as a call with its field values (faster to load than its state dict).

    The build cache loads tens of thousands of these at a time.
    """
    names = tuple(item.name for item in fields(cls) if item.init)  # type: ignore[arg-type]

    def reduce(self: object) -> tuple[type, tuple]:
        return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]
    return cls


@compact_pickle
@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file; ``line`` and ``column`` are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        text = self.path
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@compact_pickle
@dataclass(frozen=True, slots=True)
class Diagnostic:
    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        """One line for a terminal or log: everything quoted from content is escaped (see :func:`printable`)."""
        text = f"{printable(str(self.location))}: {self.severity.value}: {printable(self.message)}"
        if self.hint:
            text += f" ({printable(self.hint)})"
        return text


#: What a terminal or log viewer acts on instead of showing: C0 and C1 controls (escape sequences,
#: newlines, carriage returns), DEL, the line and paragraph separators, and the bidirectional marks,
#: overrides and isolates that reorder a line. Content quoted in a message could otherwise forge
#: lines (``sitegen.toml:1: error: …``) or make one read backwards.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` safe to show on one line: each unshowable character as Python writes it (``\\n``, ``\\u202e``)."""
    return _UNSHOWABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    return _SHORT.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def error(location: Location, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, message, hint, Severity.ERROR)


def warning(location: Location, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, message, hint, Severity.WARNING)


class SitegenError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sort(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def sort(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Order by file, then line, then column: the order an editor fixes them in."""
    return tuple(sorted(set(diagnostics), key=lambda d: (d.location, d.message)))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` is most likely a misspelling of, if one is close enough."""
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or listing the choices when none is close."""
    options = sorted(choices)
    if (close := closest(word, options)) is not None:
        return f"did you mean '{close}'?"
    return expected_one_of(options)


def expected_one_of(choices: Iterable[str]) -> str:
    """A hint listing the first few choices ("" when there are none)."""
    options = sorted(choices)
    if not options:
        return ""
    shown = ", ".join(options[:8]) + (", ..." if len(options) > 8 else "")
    return f"expected one of: {shown}"


class Suggestions:
    """Hints that say "did you mean" among a set of ids, guessing within a bounded amount of work.

    Finding the closest id compares the word with every id: a file with
    thousands of misspelt ids among thousands of declared ones (or of links
    to articles that do not exist) would take minutes. Guesses stop once they
    have cost :data:`MAX_COMPARISONS` comparisons (the first word always gets
    one); the hints of later words list the ids instead.
    """

    def __init__(self, ids: Iterable[str]):
        self.ids = sorted(ids)
        self.found: dict[str, str | None] = {}
        self.spent = 0
        self.listed = expected_one_of(self.ids)  # made once: a file can hold thousands of wrong ids

    def closest(self, word: str) -> str | None:
        if word not in self.found:
            guess = self.spent < MAX_COMPARISONS
            self.found[word] = closest(word, self.ids) if guess else None
            self.spent += len(self.ids) if guess else 0
        return self.found[word]

    def hint(self, word: str) -> str:
        close = self.closest(word)
        return f"did you mean '{close}'?" if close is not None else self.listed


#: Comparisons of a word with an id that one :class:`Suggestions` makes at most (a few tenths of a second).
MAX_COMPARISONS = 20_000
