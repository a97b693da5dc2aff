"""Translations of one article against each other: the same voices, cities and
points, and the same passages (which voice speaks on which point, how often).

A translation that drops a voice's passages would show that language's readers
one side of the debate only, so every disagreement is an error (a warning while
either file is a draft, which nobody reads yet), reported at the line to look
at in each file. Only files without errors of their own are compared: a typo in
one file is that file's error, never a disagreement blamed on its siblings.

Pure: every function takes model values and returns diagnostics.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, Location, error, warning
from .model import Passage, Translation

_VOICES_HINT = "translations must declare the same voices"
_POINTS_HINT = "translations must declare the same points"
_MOVED_HINT = "a passage answers the same point in every language"


@dataclass(frozen=True, slots=True)
class Source:
    """A translation as read, with where its ``voices:`` and ``points:`` blocks stand (for what is missing)."""

    translation: Translation
    voices_at: Location
    points_at: Location

    @property
    def name(self) -> str:
        return Path(self.translation.source.path).name


def check(sources: Sequence[Source]) -> list[Diagnostic]:
    """Compare each translation with the reference: the first in the site's language order.

    ``sources`` are the translations without errors of their own, in the
    site's language order; with fewer than two there is nothing to compare.
    """
    problems: list[Diagnostic] = []
    if len(sources) < 2:
        return problems
    reference = sources[0]
    for other in sources[1:]:
        problems += _declarations(reference, other)
        problems += _passages(reference, other)
    return problems


def _declarations(reference: Source, other: Source) -> list[Diagnostic]:
    """Voice ids, their cities and point ids; reported in ``other``, naming the line in ``reference``."""
    problems = []
    ref, ref_name = reference.translation, reference.name
    voices = {v.id: v for v in other.translation.voices}
    for voice in ref.voices:
        mine = voices.get(voice.id)
        if mine is None:
            where = f"{ref_name}:{voice.location.line}"
            problems.append(
                error(other.voices_at, f"voice '{voice.id}' is declared in {where} but not here", _VOICES_HINT)
            )
        elif mine.city != voice.city:
            problems.append(
                error(
                    mine.location,
                    f"voice '{voice.id}' is from '{mine.city}' here but from '{voice.city}' in "
                    f"{ref_name}:{voice.location.line}",
                    "a voice has the same city in every language",
                )
            )
    declared = {v.id for v in ref.voices}
    for voice in other.translation.voices:
        if voice.id not in declared:
            problems.append(error(voice.location, f"voice '{voice.id}' is not declared in {ref_name}", _VOICES_HINT))
    points = {p.id for p in other.translation.points}
    for point in ref.points:
        if point.id not in points:
            where = f"{ref_name}:{point.location.line}"
            problems.append(
                error(other.points_at, f"point '{point.id}' is declared in {where} but not here", _POINTS_HINT)
            )
    asked = {p.id for p in ref.points}
    for point in other.translation.points:
        if point.id not in asked:
            problems.append(error(point.location, f"point '{point.id}' is not declared in {ref_name}", _POINTS_HINT))
    return problems


@dataclass(frozen=True, slots=True)
class _Side:
    """One file's passages in a comparison. For each passage: the index of its counterpart in the other
    file, and of the counterparts of the nearest passages before and after it that have one (-1: none)."""

    source: Source
    passages: tuple[Passage, ...]
    partners: tuple[int, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]
    counts: Counter[tuple[str, str | None]]
    #: Where each point and each voice is declared: for a passage with no other to stand beside.
    point_lines: dict[str | None, Location]
    voice_lines: dict[str, Location]

    @property
    def translation(self) -> Translation:
        return self.source.translation


def _passages(reference: Source, other: Source) -> list[Diagnostic]:
    """The n-th passage of a voice on a point in one file stands beside the n-th in the other (as the
    pages line them up); what is left over on either side is a disagreement, reported in both files."""
    ref, mine = _comparable(reference, other), _comparable(other, reference)
    forward, backward = _match(ref, mine)
    first, second = _side(reference, ref, forward), _side(other, mine, backward)
    moves = _moves(first, second)
    problems = []
    for i, j in moves:
        problems += [_moved(first, i, second, j), _moved(second, j, first, i)]
    moved = ({i for i, _ in moves}, {j for _, j in moves})
    for here, there, taken in ((first, second, moved[0]), (second, first, moved[1])):
        for i, partner in enumerate(here.partners):
            if partner < 0 and i not in taken:
                problems += _missing(here, i, there)
    severity = warning if reference.translation.draft or other.translation.draft else error
    return [severity(p.location, p.message, p.hint) for p in problems]


def _comparable(source: Source, other: Source) -> tuple[Passage, ...]:
    """The passages whose voice and point both files declare: the others are a declaration's mistake,
    reported once as such. While the points differ, passages without a point are left out too: they may
    be the ones whose point was lost (a ``points:`` block that is missing, say)."""
    voices = {v.id for v in other.translation.voices}
    points = {p.id for p in other.translation.points}
    same = points == {p.id for p in source.translation.points}
    return tuple(
        p
        for p in source.translation.passages
        if p.voice in voices and (p.point in points if p.point is not None else same)
    )


def _key(passage: Passage) -> tuple[str, str | None]:
    return passage.voice, passage.point


def _match(first: tuple[Passage, ...], second: tuple[Passage, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Each passage's counterpart index in the other sequence, or -1."""
    waiting: dict[tuple[str, str | None], deque[int]] = defaultdict(deque)
    for j, passage in enumerate(second):
        waiting[_key(passage)].append(j)
    forward, backward = [-1] * len(first), [-1] * len(second)
    for i, passage in enumerate(first):
        if queue := waiting[_key(passage)]:
            j = queue.popleft()
            forward[i], backward[j] = j, i
    return tuple(forward), tuple(backward)


def _side(source: Source, passages: tuple[Passage, ...], partners: tuple[int, ...]) -> _Side:
    before, after = [-1] * len(partners), [-1] * len(partners)
    for k in range(1, len(partners)):  # one pass each way: files can hold many thousand passages
        before[k] = partners[k - 1] if partners[k - 1] >= 0 else before[k - 1]
    for k in range(len(partners) - 2, -1, -1):
        after[k] = partners[k + 1] if partners[k + 1] >= 0 else after[k + 1]
    counts = Counter(_key(p) for p in passages)
    points: dict[str | None, Location] = {p.id: p.location for p in source.translation.points}
    voices = {v.id: v.location for v in source.translation.voices}
    return _Side(source, passages, partners, tuple(before), tuple(after), counts, points, voices)


def _moves(first: _Side, second: _Side) -> list[tuple[int, int]]:
    """Left-over passages of the same voice (so on different points) in both files, paired in order:
    one passage that answers another point in the other language."""
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for j, partner in enumerate(second.partners):
        if partner < 0:
            waiting[second.passages[j].voice].append(j)
    return [
        (i, waiting[first.passages[i].voice].popleft())
        for i, partner in enumerate(first.partners)
        if partner < 0 and waiting[first.passages[i].voice]
    ]


def _moved(here: _Side, i: int, there: _Side, j: int) -> Diagnostic:
    passage, theirs = here.passages[i], there.passages[j]
    return error(
        passage.location,
        f"{_speaks(passage, here)} here but {_on(theirs, there)} in {there.source.name}:{theirs.location.line}",
        _MOVED_HINT,
    )


def _missing(here: _Side, i: int, there: _Side) -> list[Diagnostic]:
    """Passage ``i`` of ``here`` has no counterpart ``there``: an error at it, and one where it belongs there."""
    passage, name, there_name = here.passages[i], here.source.name, there.source.name
    mine, theirs = here.counts[_key(passage)], there.counts[_key(passage)]
    line = f"{name}:{passage.location.line}"
    if theirs:
        said = f"{_speaks(passage, here, _times(mine))} here but {_times(theirs)} in {there_name}"
        told = f"{_speaks(passage, here, _times(mine))} in {name} but {_times(theirs)} here; {line} has no counterpart"
    else:
        said = f"{_speaks(passage, here)} here but not in {there_name}"
        told = f"{_speaks(passage, here)} in {line} but not here"
    anchor, relation = _anchor(here, i, there)
    if relation:
        todo = f"translate that passage and put it {relation} this one, or remove it from {name} too"
    else:
        todo = f"translate that passage into {there_name}, or remove it from {name} too"
    return [
        error(passage.location, said, f"translate this passage into {there_name} too, or remove it"),
        error(anchor, told, todo),
    ]


def _anchor(here: _Side, i: int, there: _Side) -> tuple[Location, str]:
    """Where passage ``i`` of ``here`` belongs ``there``: after the counterpart of the nearest passage
    before it, else before the counterpart of the nearest after it, else at the declaration of its point
    (or of its voice, for a passage without a point)."""
    if here.before[i] >= 0:
        return there.passages[here.before[i]].location, "after"
    if here.after[i] >= 0:
        return there.passages[here.after[i]].location, "before"
    passage = here.passages[i]
    if passage.point in there.point_lines:
        return there.point_lines[passage.point], ""
    return there.voice_lines.get(passage.voice, there.source.voices_at), ""


def _speaks(passage: Passage, side: _Side, times: str = "") -> str:
    """The start of a message: voice 'x' speaks [twice] on point 'y' (or without a point, where points exist)."""
    return " ".join(filter(None, (f"voice '{passage.voice}' speaks", times, _on(passage, side))))


def _on(passage: Passage, side: _Side) -> str:
    if passage.point is not None:
        return f"on point '{passage.point}'"
    return "without a point" if side.translation.points else ""


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
