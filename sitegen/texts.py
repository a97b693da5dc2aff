"""The texts a translator translates in one article file, each under a key that is the same in every language.

A translation is compared with its source text by text: the title, the
summary, each point's question, the lead (the Markdown outside any passage)
and each passage. Their keys:

- ``title``, ``summary``, ``lead``;
- ``point <id>``: the point's question;
- ``passage <voice> <point>`` (``passage <voice>`` without a point), and
  ``passage <voice> <point> #2`` for the voice's second passage on that point:
  the n-th passage of a voice on a point stands beside the n-th in every
  language, as :mod:`sitegen.agreement` pairs them.

The text kept is the Markdown as written (its lines' trailing spaces and the
blank lines around it dropped), so a diff of two versions reads as the file
does. Pure: text in, texts out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from . import frontmatter

_OPEN = re.compile(r"^:::[ \t]*(\S+)(?:[ \t]+(\S+))?[ \t]*$")
_CLOSE = re.compile(r"^:::[ \t]*$")
#: The front-matter fields a translator translates, read as one text each.
FIELDS = ("title", "summary")


@dataclass(frozen=True, slots=True)
class Text:
    """One text of a file: its key, how messages name it, the text and the line it starts on."""

    key: str
    label: str
    text: str
    line: int


def digest(text: str) -> str:
    """A short digest of a text (12 hex digits): what the lock records of each source text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def read(source: str, path: str) -> tuple[Text, ...]:
    """Every text of an article file, in file order: front-matter texts first, then the body's.

    A file whose front matter cannot be read gives its body's texts only (its
    errors are the content stage's to report).
    """
    document = frontmatter.split(source, path)
    found: list[Text] = []
    front = document.front
    if front is not None:
        for key in FIELDS:
            if (value := _scalar(front.data.get(key))) is not None:
                found.append(Text(key, f"the {key}", value, front.at(key).line))
        points = front.data.get("points")
        if isinstance(points, dict):
            for point_id, question in points.items():
                if (value := _scalar(question)) is not None:
                    found.append(
                        Text(f"point {point_id}", f"point '{point_id}'", value, front.at("points", point_id).line)
                    )
    return tuple(found) + _body(document.body, document.body_line)


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return _clean(str(value).split("\n")) or None


def _body(body: str, first_line: int) -> tuple[Text, ...]:
    """The lead (every line outside a passage) and each passage, numbered as :mod:`sitegen.agreement` pairs them."""
    lead: list[str] = []
    lead_line = 0
    passages: list[Text] = []
    seen: dict[str, int] = {}
    opened: tuple[str, int, list[str]] | None = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        if opened is not None:
            if _CLOSE.match(line):
                key, at, lines = opened
                passages.append(Text(key, _label(key), _clean(lines), at))
                opened = None
            else:
                opened[2].append(line)
        elif match := _OPEN.match(line):
            words = " ".join(filter(None, match.groups()))
            seen[words] = seen.get(words, 0) + 1
            key = f"passage {words}" + (f" #{seen[words]}" if seen[words] > 1 else "")
            opened = (key, number, [])
        else:
            if line.strip() and not lead_line:
                lead_line = number
            lead.append(line)
    lead_text = _clean(lead)
    return ((Text("lead", "the lead", lead_text, lead_line),) if lead_text else ()) + tuple(passages)


def _label(key: str) -> str:
    """``passage simonyan credible #2`` -> ``passage 'simonyan credible' (2nd)``."""
    words, _, nth = key.removeprefix("passage ").partition(" #")
    return f"passage '{words}'" + (f" ({_ordinal(int(nth))})" if nth else "")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _clean(lines: list[str]) -> str:
    """The lines without trailing spaces, runs of blank lines made one, blank lines around dropped."""
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
