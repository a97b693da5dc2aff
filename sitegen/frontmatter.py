"""YAML front matter read into plain values, with the line of every key.

This is the only module that knows PyYAML. It composes the YAML into nodes
(safe: no Python objects are ever built) and converts them itself, so that it
can reject duplicate keys, bound alias expansion and depth, turn PyYAML's bare
``ValueError`` for ``2023-13-45`` into a located message, and remember where
each key stands for the errors of later checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Diagnostic, Location, error, warning

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")
MAX_NODES = 20_000
#: An id written as a YAML key or value: a voice, a point, a person of the registry, a glossary entry.
ID = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*")
MAX_DEPTH = 20
#: YAML 1.1 breaks lines at NEL, LS and PS too, which editors show inside a line
#: (they come with text pasted from web pages); read them as spaces, so a title
#: holding one stays one line and every line number matches the file.
_YAML_ONLY_BREAKS = str.maketrans(dict.fromkeys("\x85\u2028\u2029", " "))

#: Fields whose values are prose: a ``#`` in them, unquoted, starts a comment.
PROSE_FIELDS = frozenset({"title", "summary", "name", "role"})

#: A key path: the keys from the top, and an item's index (from 0) for the items of a list.
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Values from the YAML block, and where each key path stands in the file."""

    data: dict[str, Any]
    #: Where each key path stands: (line, column), both 1-based.
    lines: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Key paths whose value could not be read; their problem is already reported.
    invalid: frozenset[Path] = frozenset()
    path: str = ""
    first_line: int = 1

    def at(self, *keys: str | int) -> Location:
        """The location of a key path, or of its nearest parent that has one.

        ``at("tags", 2)`` is the third item of the ``tags`` list. The items of a
        list share their list's path otherwise: ``at("voices", "simonyan")``
        finds ``simonyan:`` in ``voices: [{simonyan: …}]`` too.
        """
        for end in range(len(keys), 0, -1):
            if (place := self.lines.get(tuple(keys[:end]))) is not None:
                return Location(self.path, *place)
        return Location(self.path, self.first_line)


@dataclass(frozen=True, slots=True)
class Document:
    front: FrontMatter | None
    body: str
    body_line: int
    problems: tuple[Diagnostic, ...]


def split(text: str, path: str) -> Document:
    """Separate ``---`` front matter from the Markdown body and read it."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return Document(
            None,
            text,
            1,
            (
                error(
                    Location(path, 1),
                    "the file does not start with front matter",
                    "begin with a '---' line, the YAML fields (title, date, voices), then '---'",
                ),
            ),
        )
    for index in range(1, len(lines)):
        if _END.match(lines[index]):
            front, problems = read("\n".join(lines[1:index]), path, first_line=2)
            return Document(front, "\n".join(lines[index + 1 :]), index + 2, problems)
    return Document(
        None,
        "",
        len(lines),
        (
            error(
                Location(path, 1),
                "the front matter is never closed",
                "end the YAML fields with a line holding only '---'",
            ),
        ),
    )


def read(
    text: str, path: str, first_line: int = 1, what: str = "the front matter", example: str = ""
) -> tuple[FrontMatter | None, tuple[Diagnostic, ...]]:
    """Read a YAML mapping; ``None`` with the problems when it cannot be read.

    ``what`` names the YAML in messages ("the glossary"), ``example`` shows the
    mapping it should be (by default, an article's front matter).
    """
    text = text.translate(_YAML_ONLY_BREAKS)
    node, problem = _compose(text, path, first_line, what)
    if problem is not None:
        return None, (problem,)
    if node is None:
        return None, (
            error(Location(path, first_line), "the front matter is empty", "it needs at least title, date and voices"),
        )
    converter = _Converter(path, first_line, text.split("\n"), what)
    if not isinstance(node, yaml.MappingNode):
        return None, (
            error(
                converter.location(node),
                f"{what} must be a set of 'key: value' fields",
                example or "e.g. title: …, date: 2023-06-05, voices: …",
            ),
        )
    try:
        data = converter.value(node, (), 0)
    except _TooBigError as exc:
        return None, (*converter.problems, error(exc.location, str(exc)))
    front = FrontMatter(data, converter.lines, frozenset(converter.invalid), path, first_line)
    return front, tuple(converter.problems)


def _compose(text: str, path: str, first_line: int, what: str) -> tuple[yaml.Node | None, Diagnostic | None]:
    """The YAML's node tree (``None`` when the text is empty), or the error that stops it being read, located."""
    try:
        return yaml.compose(text, Loader=_Loader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = (exc.problem or "invalid YAML").strip()
        source = text.split("\n")
        bad_line = source[mark.line] if mark and mark.line < len(source) else ""
        hint = (
            "indent with spaces, not tabs"
            if "\t" in bad_line
            else "put text that holds ': ' or starts with a quote, '[' or '{' in double quotes"
        )
        return None, error(Location(path, line), f"invalid YAML: {problem}", hint)
    except yaml.reader.ReaderError:  # a control character; PyYAML says where only as an offset
        bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
        offset = bad.start() if bad else 0
        where = Location(path, first_line + text.count("\n", 0, offset), offset - text.rfind("\n", 0, offset))
        named = f"the control character U+{ord(bad.group()):04X}" if bad else "a control character"
        return None, error(where, f"invalid YAML: {named} is not allowed", "delete it (pasted text can hide one)")
    except yaml.YAMLError as exc:
        return None, error(Location(path, first_line), f"invalid YAML: {exc}")
    except RecursionError:
        return None, error(Location(path, first_line), f"{what} is nested too deeply")


def _is_prose(keys: Path) -> bool:
    """Titles, summaries, names, roles and point questions (``points.<id>``) are prose."""
    return keys[-1] in PROSE_FIELDS or (len(keys) == 2 and keys[0] == "points")


class _TooBigError(Exception):
    def __init__(self, message: str, location: Location):
        super().__init__(message)
        self.location = location


class _Converter:
    def __init__(self, path: str, first_line: int, source: list[str], what: str = "the front matter"):
        self.path, self.first_line, self.source, self.what = path, first_line, source, what
        self.lines: dict[Path, tuple[int, int]] = {}
        self.invalid: set[Path] = set()
        self.problems: list[Diagnostic] = []
        self.nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def location(self, node: yaml.Node) -> Location:
        return Location(self.path, self.first_line + node.start_mark.line, node.start_mark.column + 1)

    def value(self, node: yaml.Node, keys: Path, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBigError(f"{self.what} is too large (are aliases expanding it?)", self.location(node))
        if depth > MAX_DEPTH:
            raise _TooBigError(f"{self.what} is nested too deeply", self.location(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keys, depth)
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                where = self.location(item)
                self.lines[(*keys, index)] = (where.line, where.column)
            return [self.value(item, keys, depth + 1) for item in node.value]
        return self.scalar(node, keys)

    def mapping(self, node: yaml.MappingNode, keys: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            where = self.location(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "":
                self.problems.append(error(where, "a key must be a plain word", "e.g. title: …"))
                continue
            key = str(key_node.value)
            if key in first_seen:
                self.problems.append(
                    error(where, f"duplicate key '{key}' (first set on line {first_seen[key]})", "keep one of them")
                )
                continue
            first_seen[key] = where.line
            self.lines[(*keys, key)] = (where.line, where.column)
            result[key] = self.value(value_node, (*keys, key), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, keys: Path) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            self.invalid.add(keys)
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(
                error(
                    self.location(node),
                    f"cannot read '{node.value}' as {tag}",
                    "remove the tag: front matter holds text, numbers, dates, lists and fields",
                )
            )
            return node.value
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            if not node.tag.endswith(":timestamp"):  # a number too long for Python to read (4,300 digits): text
                return node.value
            self.invalid.add(keys)
            self.problems.append(
                error(
                    self.location(node),
                    f"'{node.value}' is not a valid date: {exc}",
                    "write dates as YYYY-MM-DD, e.g. 2023-06-05",
                )
            )
            return node.value
        if isinstance(value, str) and keys and _is_prose(keys) and not node.style:
            self._check_comment(node, "question" if keys[0] == "points" else keys[-1], keys[-1])
        if isinstance(value, bytes | set):
            return node.value
        if isinstance(value, float) and value != value:  # .nan has no place in front matter
            return node.value
        return value

    def _check_comment(self, node: yaml.ScalarNode, name: str, key: str) -> None:
        end = node.end_mark
        if end.line >= len(self.source):
            return
        rest = self.source[end.line][end.column :]
        if rest.lstrip().startswith("#"):
            self.problems.append(
                warning(
                    self.location(node),
                    f"the {name} is cut at '#': YAML reads '{rest.strip()}' as a comment",
                    f'put the whole {name} in double quotes: {key}: "{node.value} {rest.strip()}"',
                )
            )
