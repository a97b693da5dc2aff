"""TOML with the line of each key: ``tomllib`` tells a value, not where it was written.

So that a problem in ``sitegen.toml`` is reported at the line that is wrong,
the text is scanned once for its table headers and assignments
(:class:`KeyLines`), and a syntax error becomes a diagnostic at tomllib's line
and column (:func:`syntax_error`).
"""

from __future__ import annotations

import re
import tomllib

from .errors import Diagnostic, Location, error


def syntax_error(exc: tomllib.TOMLDecodeError, text: str, filename: str) -> Diagnostic:
    """tomllib's error as a diagnostic at its line and column, without tomllib's own place suffix."""
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line, column = (int(match[1]), int(match[2])) if match else (0, 0)
    if not match and "(at end of document)" in message:  # the last line, where the document ended too soon
        line = len(text.rstrip("\n").split("\n"))
    message = re.sub(r"\s*\(at (?:line|end of document).*\)$", "", message)
    return error(
        Location(filename, line, column),
        f"invalid TOML: {message}",
        "strings need double quotes; tables are written [name]",
    )


#: One part of a TOML key: bare, "basic" (with escapes) or 'literal'; and a dotted key of such parts.
_PART = r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'"""
_KEY = rf"(?:{_PART})(?:\s*\.\s*(?:{_PART}))*"


class KeyLines:
    """Finds the line a dotted key is set on, so config errors can point at it."""

    _HEADER = re.compile(rf"^\s*\[\[?\s*({_KEY})\s*\]")
    _ASSIGN = re.compile(rf"^\s*({_KEY})\s*=")

    def __init__(self, text: str, filename: str):
        self.filename = filename
        self.entries: list[tuple[tuple[str, ...], int]] = []
        self.text = text.split("\n")
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.split("\n"), 1):  # as tomllib counts: not at U+2028 or form feeds
            if header := self._HEADER.match(line):
                table = _split_key(header[1])
                self.entries.append((table, number))
            elif assign := self._ASSIGN.match(line):
                self.entries.append((table + _split_key(assign[1]), number))

    def at(self, *path: str) -> Location:
        best, best_len = 0, 0
        for key, number in self.entries:
            common = 0
            while common < min(len(key), len(path)) and key[common] == path[common]:
                common += 1
            if common == len(key) and common > best_len:
                best, best_len = number, common
        return Location(self.filename, best)

    def value_at(self, value: str, *path: str) -> Location:
        """Where the string ``value`` of the key at ``path`` is written (a list may span lines)."""
        key = self.at(*path)
        pattern = re.compile(r"[\"']" + re.escape(value) + r"[\"']")
        for number in range(key.line, len(self.text) + 1) if key.line else ():
            if match := pattern.search(self.text[number - 1], len(path[-1]) if number == key.line else 0):
                return Location(self.filename, number, match.start() + 1)
        return key


def _split_key(text: str) -> tuple[str, ...]:
    """``cities."tbilisi\\n"`` -> ``("cities", "tbilisi\n")``: quoted parts as TOML reads them."""
    return tuple(_unquote(part) for part in re.findall(_PART, text))


def _unquote(part: str) -> str:
    if part.startswith('"'):
        try:
            return tomllib.loads(f"k = {part}")["k"]  # escapes such as \n and \u00e9
        except tomllib.TOMLDecodeError:
            return part[1:-1]
    return part[1:-1] if part.startswith("'") else part
