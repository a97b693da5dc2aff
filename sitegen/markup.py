"""Markdown to safe HTML, and an article body split into its lead and passages.

This is the only module that knows markdown-it-py. The dialect is CommonMark
with tables, strikethrough and footnotes; passages are ``:::`` containers whose
first word names a voice and whose optional second word names a point. Raw
HTML is escaped unless the site enables it, and then it is sanitised; links to
``javascript:``, ``vbscript:``, ``file:`` and ``data:`` never become links.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import collector
from .errors import Diagnostic, Location, error
from .model import Passage

PASSAGE = "passage"
_OPEN, _CLOSE = f"container_{PASSAGE}_open", f"container_{PASSAGE}_close"
_UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)
_CLOSER = re.compile(r"^ {0,3}:{3,}\s*$")
_TOO_DEEP = "sitegen_too_deep"
_TOO_MANY_MARKS = "sitegen_too_many_marks"
_TOO_MANY_BLOCKS = "sitegen_too_many_blocks"
#: Tokens of blocks (paragraphs, headings, list items, quotes, passages, footnotes, each open and close)
#: one file may make. An article of 3,000 points answered by two cities, each with a footnote, makes
#: about 70,000; a file of nothing but nested list items makes 600,000 a megabyte, and as many kilobytes.
MAX_BLOCKS = 200_000
#: The characters that can each become a token of their own in running text (links, emphasis, code,
#: autolinks, entities, escapes): what inline parsing costs grows with their number, not the text's length.
MARKS = "[]*_`~<&!\\"
#: Marks one article file may hold outside code blocks. Prose with a link or emphasis in every sentence
#: holds a few thousand; a hundred thousand of ``[*`` already take seconds and a hundred megabytes to parse.
MAX_MARKS = 100_000


@dataclass(frozen=True, slots=True)
class Body:
    """An article body after parsing: HTML pieces, the links it makes, its problems."""

    lead_html: str
    passages: tuple[Passage, ...]
    notes_html: str
    links: tuple[tuple[str, Location], ...]
    problems: tuple[Diagnostic, ...]
    #: The lead's words as readers see them, one entry per paragraph, heading or table cell, with its
    #: first line (see :func:`wording`).
    lead_text: tuple[tuple[str, Location], ...] = ()


def _is_safe_url(url: str) -> bool:
    cleaned = "".join(ch for ch in url if ch >= " " and not ch.isspace())
    return not _UNSAFE_URL.match(cleaned)


@lru_cache(maxsize=16)
def _parser(raw_html: bool, quotes: str = "") -> MarkdownIt:
    """The parser; with ``quotes`` (double open, close, single open, close), straight quotes become them."""
    options = {"html": raw_html, "typographer": bool(quotes), "quotes": quotes or "\"\"''"}
    md = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    if quotes:
        md.enable("smartquotes")
    md.use(footnote_plugin)
    # A bare ":::" opens nothing, so a stray one cannot swallow the rest of the
    # file; parse_body reports it instead.
    md.use(container_plugin, name=PASSAGE, validate=lambda params, markup: bool(params.strip()))
    md.validateLink = _is_safe_url  # type: ignore[method-assign]
    _watch_nesting(md)
    md.core.ruler.before("inline", "sitegen_marks", _count_marks)
    md.block.ruler.before("table", "sitegen_blocks", _count_blocks)
    return md


def _count_blocks(state: StateBlock, line: int, end: int, silent: bool) -> bool:
    """A block rule tried first: once the file has made :data:`MAX_BLOCKS` tokens, skip the rest of it
    and note the line in the env (:func:`parse_body` makes it an error), so memory stays bounded."""
    if silent or len(state.tokens) < MAX_BLOCKS:
        return False
    state.env.setdefault(_TOO_MANY_BLOCKS, line)
    state.line = end
    return True


def _count_marks(state: StateCore) -> None:
    """Stop inline parsing where the text has used up :data:`MAX_MARKS`, and note that line in the env.

    markdown-it makes a token of each ``[``, ``*`` or ``_`` that does not pair
    up: a file of nothing but ``[*`` takes a minute and a gigabyte. What lies
    past the limit is left unparsed; :func:`parse_body` makes it an error.
    """
    used = 0
    for token in state.tokens:
        if token.type != "inline":
            continue
        if _TOO_MANY_MARKS in state.env:
            token.content = ""
            continue
        used += sum(token.content.count(mark) for mark in MARKS)
        if used > MAX_MARKS:
            state.env[_TOO_MANY_MARKS] = token.map[0] if token.map else 0
            token.content = ""


def _watch_nesting(md: MarkdownIt) -> None:
    """Note in the parse's env the line where markdown-it stops reading because blocks nest too deeply.

    Past ``maxNesting`` levels of lists and quotes markdown-it silently drops
    the rest of its input; :func:`parse_body` makes that an error instead.
    """
    tokenize = md.block.tokenize

    def watched(state: StateBlock, start: int, end: int) -> None:
        line = state.skipEmptyLines(start)
        if state.level >= md.options.maxNesting and line < end and state.sCount[line] >= state.blkIndent:
            state.env.setdefault(_TOO_DEEP, line)
        tokenize(state, start, end)

    md.block.tokenize = watched  # type: ignore[method-assign]


def render(text: str, raw_html: bool = False) -> str:
    """Render a standalone piece of Markdown (a summary, a point question)."""
    return _finish(_parser(raw_html).render(text), raw_html)


def _finish(html: str, raw_html: bool) -> str:
    if not raw_html or not html:
        return html
    import nh3  # only sites that allow raw HTML pay for the sanitiser

    return nh3.clean(html, url_schemes={"http", "https", "mailto", "tel"}, link_rel=None)


def parse_body(text: str, path: str, first_line: int, raw_html: bool = False, quotes: str = "") -> Body:
    """Split an article body into lead, passages and footnotes.

    ``first_line`` is the file line the body starts on, so every passage and
    problem carries its line in the file, front matter included. ``quotes``
    are the language's quotation marks: "straight" quotes in the text become
    them (and apostrophes ’); code and URLs keep what was typed.
    """
    md = _parser(raw_html, quotes)
    env: dict = {}
    with collector.paused():
        tokens = md.parse(text, env)
    source_lines = text.split("\n")  # as markdown-it counts lines: not at U+2028, form feeds and the like

    def at(token: Token) -> Location:
        return Location(path, first_line + (token.map[0] if token.map else 0))

    def render(part: Sequence[Token]) -> str:
        return md.renderer.render(part, md.options, env)

    lead, passages, notes, problems = _parts(tokens, source_lines, at, lambda part: _finish(render(part), raw_html))
    problems.extend(_stray_closers(tokens, source_lines, path, first_line))
    problems.extend(_limits(env, path, first_line))

    def render_tokens(part: list[Token]) -> str:
        return _finish(render(part), raw_html) if part else ""

    return Body(
        lead_html=render_tokens(lead),
        passages=tuple(passages),
        notes_html=render_tokens(notes),
        links=tuple(_links(tokens, at)),
        problems=tuple(problems),
        lead_text=wording(lead, at),
    )


def _parts(
    tokens: list[Token], source_lines: list[str], at, html
) -> tuple[list[Token], list[Passage], list[Token], list[Diagnostic]]:
    """The body's tokens sorted: the lead, the passages (``html`` renders theirs), the footnotes, the problems."""
    problems: list[Diagnostic] = []
    lead: list[Token] = []
    notes: list[Token] = []
    passages: list[Passage] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "footnote_block_open":
            notes = tokens[index:]
            break
        if token.type != _OPEN:
            lead.append(token)
            index += 1
            continue
        end = _matching_close(tokens, index)
        inner = tokens[index + 1 : end]
        if token.level:  # its ':::' lines carry the quote's '>' or the list's indent: not "never closed"
            problems.append(_not_at_margin(token, _enclosing(tokens, index), at))
        else:
            problems.extend(_container_problems(token, inner, source_lines, at))
        voice, point = _words(token.info)
        if voice:
            point = sys.intern(point) if point else point  # shared by every passage on it, as the voice is
            passages.append(Passage(sys.intern(voice), point, html(_without_containers(inner)), at(token)))
        index = end + 1
    return lead, passages, notes, problems


def _limits(env: dict, path: str, first_line: int) -> list[Diagnostic]:
    """The parse's guards that tripped (noted in its env): where a file stops being read as prose."""
    found = []
    if _TOO_MANY_BLOCKS in env:
        found.append(
            error(
                Location(path, first_line + env[_TOO_MANY_BLOCKS]),
                f"too many blocks: here the file passes {MAX_BLOCKS:,} paragraphs, list items, quotes, headings, "
                "passages and footnotes (counting where each opens and closes)",
                "split the article, or put text that is not prose (data, code) in a ``` code block",
            )
        )
    if _TOO_MANY_MARKS in env:
        found.append(
            error(
                Location(path, first_line + env[_TOO_MANY_MARKS]),
                f"too much Markdown markup: with this block the file holds more than {MAX_MARKS:,} of the "
                f"characters {' '.join(MARKS)}",
                "split the article, or put text that is not prose (data, code) in a ``` code block",
            )
        )
    if _TOO_DEEP in env:
        found.append(
            error(
                Location(path, first_line + env[_TOO_DEEP]),
                "lists or quotes are nested too deeply here: the rest of the file would be lost",
                "nest lists and quotes a few levels deep at most",
            )
        )
    return found


def wording(tokens: Sequence[Token], at) -> tuple[tuple[str, Location], ...]:
    """The text of each paragraph, heading or table cell among ``tokens``, its lines joined by newlines.

    Only what a reader sees as words: no code, no link targets, no image
    descriptions. A line break in the source stays one, so a match at the
    n-th line of the text is at the n-th line of the block in the file.
    """
    found = []
    where = None
    for token in tokens:
        if token.map:
            where = at(token)
        if token.type != "inline" or where is None:
            continue
        parts = []
        for child in token.children or ():
            if child.type == "text":
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif child.type in ("code_inline", "image", "html_inline"):
                parts.append(" ")  # not words of the text, and no word runs across them
        text = "".join(parts)
        if text.strip():
            found.append((text, where))
    return tuple(found)


def _words(info: str) -> tuple[str, str | None]:
    words = info.split()
    if not words:
        return "", None
    return words[0], (words[1] if len(words) > 1 else None)


def _matching_close(tokens: Sequence[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].type == _OPEN:
            depth += 1
        elif tokens[index].type == _CLOSE:
            depth -= 1
            if depth == 0:
                return index
    return len(tokens) - 1


def _without_containers(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.type not in (_OPEN, _CLOSE)]


#: What a passage can find itself inside of, by the token that opened it.
_ENCLOSING = {"blockquote_open": "a quote", "list_item_open": "a list item", "footnote_open": "a footnote"}


def _enclosing(tokens: Sequence[Token], index: int) -> str:
    """What the block at ``index`` is inside of: the nearest block opened before it and not yet closed."""
    depth = 0
    for token in reversed(tokens[:index]):
        if token.nesting < 0:
            depth += 1
        elif token.nesting > 0:
            if depth == 0:
                return _ENCLOSING.get(token.type, "another block")
            depth -= 1
    return "another block"


def _not_at_margin(token: Token, inside: str, at) -> Diagnostic:
    opener = f"{token.markup}{token.info}".strip()
    return error(
        at(token),
        f"passage '{opener}' is inside {inside}: passages start at the left margin",
        f"write '{opener}', its text and its ':::' line without '>' or indentation before them",
    )


def _container_problems(token: Token, inner: Sequence[Token], lines: list[str], at) -> list[Diagnostic]:
    problems = []
    opener = f"{token.markup}{token.info}".strip()
    if len(token.info.split()) > 2:
        problems.append(
            error(at(token), f"'{opener}' has too many words", "expected '::: <voice>' or '::: <voice> <point>'")
        )
    end = token.map[1] if token.map else len(lines)
    if end >= len(lines) or not _CLOSER.match(lines[end]):
        problems.append(
            error(at(token), f"passage '{opener}' is never closed", "end it with a line holding only ':::'")
        )
    for nested in inner:
        if nested.type == _OPEN:
            problems.append(
                error(
                    at(nested),
                    f"passages do not nest: '{(nested.markup + nested.info).strip()}' "
                    f"starts inside '{opener}' (line {at(token).line})",
                    f"close '{opener}' with a ':::' line before starting the next passage",
                )
            )
    return problems


def _stray_closers(tokens: Sequence[Token], lines: list[str], path: str, first_line: int) -> list[Diagnostic]:
    """``:::`` lines that close no passage: outside code, not the end of any container."""
    used: set[int] = set()
    for token in tokens:
        if token.map is None:
            continue
        if token.type == _OPEN:
            used.add(token.map[1])
        elif token.type in ("fence", "code_block"):
            used.update(range(*token.map))
    return [
        error(
            Location(path, first_line + number),
            "a ':::' line that closes no passage",
            "a passage starts with '::: <voice> [<point>]' and ends with ':::'; remove the stray line",
        )
        for number, line in enumerate(lines)
        if number not in used and _CLOSER.match(line)
    ]


def _links(tokens: Sequence[Token], at) -> list[tuple[str, Location]]:
    found = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                found.append((str(child.attrGet("href") or ""), at(token)))
            elif child.type == "image":
                found.append((str(child.attrGet("src") or ""), at(token)))
    return found
