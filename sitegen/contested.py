"""Contested names in the outlet's own voice: one side's name for a place, where the house form belongs.

The glossary (``content/glossary.yaml``, read by :mod:`sitegen.glossary`)
lists, for each contested name, the forms each side uses and the form the
outlet writes in its own voice. The outlet speaks in an article's title,
summary, lead and point questions; a passage is a commentator's own words and
is never checked.

Matching is by whole words, in any script, regardless of case. Russian forms
also match their common case endings (:data:`ENDINGS`): ``Степанакерт``
finds ``Степанакерта``, ``Степанакерте`` and ``Степанакертом``, never
``Степанакертский``. A text is read once, word by word, each word looked
up once in an index of the forms (:class:`Matcher`), so the time grows with
the text, not with the glossary.

Pure: model values in, diagnostics out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from . import fingerprints
from .errors import Diagnostic, Location, warning
from .model import Article, Localized, Site, Translation

#: The side of a house form: the outlet's own.
HOUSE = ""


@dataclass(frozen=True, slots=True)
class Form:
    """One way of writing a contested name in one language, and who writes it that way."""

    text: str
    lang: str
    #: A configured city id, or :data:`HOUSE`.
    side: str
    location: Location


@dataclass(frozen=True, slots=True)
class ContestedName:
    """An entry of the glossary: every side's forms of one name, and the house form per language."""

    id: str
    forms: tuple[Form, ...]
    house: Localized
    location: Location

    def house_in(self, lang: str) -> str:
        """The house form in ``lang``; without one, every side's first form, joined by '/'."""
        if house := self.house.get(lang):
            return house
        firsts: dict[str, str] = {}
        for form in self.forms:
            if form.lang == lang and form.side != HOUSE:
                firsts.setdefault(form.side, form.text)
        return "/".join(firsts.values())


@dataclass(frozen=True, slots=True)
class Glossary:
    names: tuple[ContestedName, ...] = ()
    path: str = "content/glossary.yaml"


# -- Russian case endings -----------------------------------------------------

_ADJECTIVE = "ый ий ой ая яя ое ее ого его ому ему ым им ом ем ую юю ые ие ых их ыми ими".split()
#: By how a word ends: how many letters to drop for the stem, and the endings that may follow it.
_RUSSIAN: tuple[tuple[tuple[str, ...], int, tuple[str, ...]], ...] = (
    (("ый", "ий", "ой", "ая", "яя", "ое", "ее"), 2, tuple(_ADJECTIVE)),
    (("а",), 1, ("а", "ы", "и", "е", "у", "ой", "ою", "ам", "ами", "ах")),
    (("я",), 1, ("я", "и", "е", "ю", "ей", "ею", "ям", "ями", "ях")),
    (("й",), 1, ("й", "я", "ю", "ем", "е", "и", "ев")),
    (("ь",), 1, ("ь", "я", "ю", "ем", "е", "и", "ью")),
)
_CONSONANT = ("", "а", "у", "ом", "ем", "е", "ы", "и", "ов", "ев", "ам", "ами", "ах")
_RUSSIAN_CONSONANTS = frozenset("бвгджзклмнпрстфхцчшщ")


def russian(word: str) -> tuple[str, tuple[str, ...]]:
    """A Russian word's stem and the endings it may take (none for a word that does not decline).

    ``Степанакерт`` -> (``Степанакерт``, ``а``, ``у``, ``ом``, …); ``Шуша`` -> (``Шуш``, ``а``, ``ы``, …);
    ``Нагорный`` -> (``Нагорн``, ``ый``, ``ого``, …); ``Ханкенди`` (ending in a vowel) -> itself alone.
    """
    lower = word.lower()
    if len(lower) < 3:
        return word, ()
    for ends, cut, endings in _RUSSIAN:
        if lower.endswith(ends) and len(lower) - cut >= 2:
            return word[:-cut], endings
    if lower[-1] in _RUSSIAN_CONSONANTS:
        return word, _CONSONANT
    return word, ()


#: Languages whose forms match their case endings too, by the language's base code.
ENDINGS: dict[str, Callable[[str], tuple[str, tuple[str, ...]]]] = {"ru": russian}


# -- matching ---------------------------------------------------------------

_WORD = re.compile(r"\w+")


def pattern(text: str, lang: str) -> str:
    """A regular expression for one form: its words (with their endings, where the language has them),
    the spaces between them as any run of spaces, other marks between them with optional spaces around.
    Marks before the first word and after the last are left out: a form is found from word to word."""
    inflect = ENDINGS.get(lang.split("-")[0].lower())
    parts: list[str] = []
    end = 0
    for match in _WORD.finditer(text):
        gap = text[end : match.start()]
        parts.append(_between(gap) if end else "")  # a form starts and ends at a word
        stem, endings = inflect(match[0]) if inflect else (match[0], ())
        if endings:
            ordered = sorted(endings, key=len, reverse=True)
            parts.append(re.escape(stem) + "(?:" + "|".join(map(re.escape, ordered)) + ")")
        else:
            parts.append(re.escape(match[0]))
        end = match.end()
    return "".join(parts)


def _between(gap: str) -> str:
    marks = gap.strip()
    return r"\s*" + re.escape(marks) + r"\s*" if marks else r"\s+"


@dataclass(frozen=True, slots=True)
class Hit:
    """A form found in a text: which name, whose form, what was written and where in the text."""

    name: ContestedName
    side: str
    written: str
    start: int


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One form as the matcher keeps it: whose it is, how it is written, its pattern (compiled when first tried)."""

    name: ContestedName
    side: str
    #: The form case-folded, its spaces single: a hit that reads exactly so is this form, not another's inflection.
    exact: str
    pattern: str


@dataclass(frozen=True, slots=True)
class Matcher:
    """Every form of one language, indexed by its first word as it may be written (with each of its endings).

    A text is read word by word; each word is looked up once (case-folded),
    and only the forms found there are tried at that word. The time grows
    with the text, not with the glossary.
    """

    lang: str
    index: dict[str, tuple[_Candidate, ...]]
    #: The patterns compiled so far, by pattern: only the forms a text comes near are compiled.
    compiled: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, names: Iterable[ContestedName], lang: str) -> Matcher:
        inflect = ENDINGS.get(lang.split("-")[0].lower())
        index: dict[str, list[_Candidate]] = {}
        for name in names:
            for form in name.forms:
                first = _WORD.search(form.text) if form.lang == lang else None
                if first is None:
                    continue
                candidate = _Candidate(name, form.side, _folded(form.text), pattern(form.text, lang) + r"(?!\w)")
                stem, endings = inflect(first[0]) if inflect else (first[0], ())
                for written in dict.fromkeys(_folded(stem + ending) for ending in endings or ("",)):
                    index.setdefault(written, []).append(candidate)
        return cls(lang, {key: tuple(found) for key, found in index.items()})

    def hits(self, text: str) -> list[Hit]:
        """Every form in ``text``, left to right, none inside another; the longest where forms overlap."""
        found: list[Hit] = []
        free = 0
        index = self.index
        for word in _WORD.finditer(_folded_text(text)):
            candidates = index.get(word[0])
            if candidates is None or word.start() < free:
                continue  # most words: no form starts here
            hit = self._at(text, word.start(), candidates)
            if hit is not None:
                found.append(hit)
                free = hit.start + len(hit.written)
        return found

    def _at(self, text: str, start: int, candidates: tuple[_Candidate, ...]) -> Hit | None:
        """Of the forms that may start at ``start``, the one that does: the longest; of equal ones, a form as
        listed over an inflection, and the house form over a side's."""
        best, rank = None, (0, False, False)
        for candidate in candidates:
            regex = self.compiled.get(candidate.pattern)
            if regex is None:
                regex = self.compiled[candidate.pattern] = re.compile(candidate.pattern, re.IGNORECASE)
            match = regex.match(text, start)
            if match is None:
                continue
            ranked = (len(match[0]), _folded(match[0]) == candidate.exact, candidate.side == HOUSE)
            if ranked > rank:
                best, rank = Hit(candidate.name, candidate.side, match[0], start), ranked
        return best


def _folded_text(text: str) -> str:
    """``text`` case-folded letter for letter, so that its words stand where they stand in ``text``.

    Folding can lengthen a letter (``ß`` is ``ss``): such a letter keeps its case, which costs a match
    only on a word that holds one. ``İ`` is read as ``i``, as :func:`_folded` reads it.
    """
    text = text.replace("\u0130", "i")
    folded = text.casefold()
    if len(folded) == len(text):
        return folded
    return "".join(letter if len(low := letter.casefold()) != 1 else low for letter in text)


def _folded(text: str) -> str:
    """``text`` for comparing: case-folded, spaces single, and the dot that folding leaves of ``İ`` dropped
    (Azerbaijani ``XANKƏNDİ`` is ``Xankəndi``)."""
    return " ".join(text.casefold().replace("\u0307", "").split())


def one_sided(hits: Iterable[Hit]) -> list[Hit]:
    """The hits that take a side: a text that uses a name's house form, or names it as more than one
    side does ("Stepanakert (Khankendi)"), is balanced for that name."""
    by_name: dict[str, list[Hit]] = {}
    for hit in hits:
        by_name.setdefault(hit.name.id, []).append(hit)
    taken = []
    for found in by_name.values():
        sides = {hit.side for hit in found}
        if HOUSE not in sides and len(sides) == 1:
            taken += found
    return taken


@dataclass
class Found:
    """What :func:`check` found in each translation under one glossary, kept between rebuilds (by the engine,
    and in the build cache): at 10,000 articles, checking every translation again took most of a second.

    A translation is known by its file and its digest (which covers every byte of the file): its own words
    and where each stands are the same while both are. A new glossary starts it afresh.
    """

    #: A key of the glossary the findings are for (:func:`glossary_key`).
    glossary: str = ""
    #: ``(source path, digest)`` of a translation -> the problems found in it.
    found: dict[tuple[str, str], tuple[Diagnostic, ...]] = field(default_factory=dict)
    #: Changed since it was last stored: a check found something new, or dropped a translation it knew.
    unstored: bool = False


def glossary_key(glossary: Glossary) -> str:
    """What the findings depend on besides the translations: every name, form and line of the glossary."""
    return fingerprints.digest(repr(glossary))


def check(
    site: Site, glossary: Glossary, known: Found | None = None, worded: Callable[[Article], Article] | None = None
) -> list[Diagnostic]:
    """A warning for each one-sided form in the outlet's own voice (title, summary, lead, point questions).

    With ``known``, a translation found there under the same glossary is not checked again; ``known``
    then holds the findings of this site's translations, and no others. ``worded`` gives an article
    with its own words, for one that came from the build cache without them (see :mod:`sitegen.shelf`).
    """
    if not glossary.names:
        if known is not None:  # nothing to keep: what was kept goes, once
            known.unstored, known.glossary, known.found = known.unstored or bool(known.found), "", {}
        return []
    key = glossary_key(glossary) if known is not None else ""
    before = known.found if known is not None and known.glossary == key else {}
    found: dict[tuple[str, str], tuple[Diagnostic, ...]] = {}
    matchers: dict[str, Matcher] = {}
    problems: list[Diagnostic] = []
    languages = set(site.config.languages)
    for article in site.articles:
        whole: Article | None = None
        for number, translation in enumerate(article.translations):
            if translation.lang not in languages:
                continue
            place = (translation.source.path, translation.digest)
            problem = before.get(place) if translation.digest else None
            if problem is None:
                if translation.lang not in matchers:
                    matchers[translation.lang] = Matcher.of(glossary.names, translation.lang)
                whole = whole or (worded(article) if worded is not None else article)
                problem = tuple(_in_translation(whole.translations[number], matchers[translation.lang], glossary.path))
            found[place] = problem
            problems += problem
    if known is not None:
        known.unstored = known.unstored or found.keys() != before.keys()
        known.glossary, known.found = key, found
    return problems


def _in_translation(translation: Translation, matcher: Matcher, path: str) -> Iterator[Diagnostic]:
    if not matcher.index:
        return
    for text, where in translation.own_words:
        for hit in one_sided(matcher.hits(text)):
            yield _problem(hit, text, where, translation.lang, path)


def _problem(hit: Hit, text: str, where: Location, lang: str, path: str) -> Diagnostic:
    line = where.line + text.count("\n", 0, hit.start) if where.line else 0
    return warning(
        Location(where.path, line),
        f"'{hit.written}' is the name one side uses ({hit.side}); "
        f"in the outlet's own voice write '{hit.name.house_in(lang)}'",
        f"a commentator may use it inside a passage; the name is listed at {path}:{hit.name.location.line}",
    )
