"""How much space each city is given: words and passages per city and per point, per article and across the site.

The rules, decided here once, so that ``sitegen balance`` and the article
page's "space given" bar only read them:

- **Words** are counted in each passage's text, its HTML without tags and
  footnote references: a word is a run of letters and digits in any script,
  joined across an apostrophe (``don't``) or a zero-width non-joiner (Persian
  ``می‌خواهم``), so a hyphen splits (``Alma-Ata`` is two). Chinese and
  Japanese, written without spaces, count each character as a word, as word
  processors do.
- **Sides** are the cities that answer: the columns of the comparison
  (:func:`compare.grid`). The voice that only reports the claim is not a
  side: its words are counted apart, as ``reported``, and left out of the
  shares, since they are what the sides answer.
- **Shares** are of the sides' words; whole percents add up to 100 (largest
  remainder), or are all 0 when nobody answers.
- **Language.** Each translation is counted on its own (a translation can
  run longer than its source); the site's totals and the months are made
  from one language's translations, by default the site's first.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass

from . import compare
from .model import City, Point, Site, SiteConfig, Translation, Voice

#: Chinese and Japanese characters (Han, kana), each one word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = rf"(?:(?![{_CJK}])[^\W_])+"
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.S)
_TAG = re.compile(r"<[^>]*>")


def count_words(passage_html: str) -> int:
    """The words of a passage's HTML (see the module's rules)."""
    text = html.unescape(_TAG.sub(" ", _FOOTNOTE_REF.sub(" ", passage_html)))
    return len(_word().findall(text))


@functools.cache
def _word() -> re.Pattern[str]:
    """A word: compiled when first needed (a tenth of the time it takes to import sitegen), not on import,
    since most builds count none."""
    return re.compile(rf"[{_CJK}]|{_LETTERS}(?:['\u2019\u200c]{_LETTERS})*")


@dataclass(frozen=True, slots=True)
class Count:
    words: int = 0
    passages: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.words + other.words, self.passages + other.passages)


@dataclass(frozen=True, slots=True)
class Side:
    """One city's space: its count, its share of the sides' words and that share in whole percents."""

    city: City
    count: Count
    share: float
    percent: int


@dataclass(frozen=True, slots=True)
class PointSpace:
    """What was said on one point (``None``: the passages without one), per city that speaks on it."""

    point: Point | None
    counts: tuple[tuple[City, Count], ...]
    #: Spoken by the voice that only reports (its city is then the only one in ``counts``).
    reported: bool = False

    @property
    def only(self) -> City | None:
        """The one city that answers a point that the article's other sides leave unanswered."""
        answering = [city for city, count in self.counts if count.passages]
        return answering[0] if not self.reported and len(self.counts) > 1 and len(answering) == 1 else None


@dataclass(frozen=True, slots=True)
class ArticleBalance:
    slug: str
    translation: Translation
    sides: tuple[Side, ...]
    points: tuple[PointSpace, ...]
    reporter: Voice | None
    reported: Count
    #: Declared voices with no passage in this translation.
    silent_voices: tuple[Voice, ...]
    #: Configured cities that no voice of the article speaks for.
    voiceless_cities: tuple[City, ...]

    @property
    def total(self) -> Count:
        return sum((side.count for side in self.sides), Count())


@dataclass(frozen=True, slots=True)
class Month:
    month: str  # "2023-06"
    articles: int
    sides: tuple[Side, ...]
    reported: Count


@dataclass(frozen=True, slots=True)
class SiteBalance:
    lang: str
    articles: tuple[ArticleBalance, ...]  # newest first
    #: Every configured city, summed over ``articles`` (0 for a city that never answers).
    sides: tuple[Side, ...]
    reported: Count
    months: tuple[Month, ...]  # oldest first


def article_balance(config: SiteConfig, slug: str, translation: Translation) -> ArticleBalance:
    """The space each city is given in one translation of an article."""
    grid = compare.grid(config, translation)
    city_of = {voice.id: voice.city for voice in translation.voices}
    counts: dict[str, Count] = {column.city.id: Count() for column in grid.columns}
    reported = Count()
    points = []
    for row in (*grid.claim, *grid.rows):
        cells = []
        for cell in row.cells:
            count = sum((Count(count_words(p.html), 1) for p in cell.passages), Count())
            cells.append((cell.city, count))
            if row.reported:
                reported += count
            else:
                counts[cell.city.id] += count
        points.append(PointSpace(row.point, tuple(cells), row.reported))
    reporter = next((translation.voice(r.cells[0].passages[0].voice) for r in grid.claim), None)
    spoken = {passage.voice for passage in translation.passages}
    voiced = set(city_of.values())
    return ArticleBalance(
        slug=slug,
        translation=translation,
        sides=shares([(column.city, counts[column.city.id]) for column in grid.columns]),
        points=tuple(points),
        reporter=reporter,
        reported=reported,
        silent_voices=tuple(voice for voice in translation.voices if voice.id not in spoken),
        voiceless_cities=tuple(city for city in config.cities if city.id not in voiced),
    )


def site_balance(site: Site, lang: str | None = None, slugs: tuple[str, ...] = ()) -> SiteBalance:
    """Every article in ``lang`` (default: the site's first language), or those named by ``slugs``, and their sums."""
    lang = lang or site.config.default_language
    chosen = [(a, t) for a, t in site.in_language(lang) if not slugs or a.slug in slugs]
    articles = tuple(article_balance(site.config, article.slug, t) for article, t in chosen)
    by_month: dict[str, list[ArticleBalance]] = {}
    for item in articles:
        by_month.setdefault(month_of(item.translation.day), []).append(item)
    months = tuple(
        Month(month, len(group), _summed(site.config, group), _reported(group))
        for month, group in sorted(by_month.items())
    )
    return SiteBalance(lang, articles, _summed(site.config, articles), _reported(articles), months)


def _summed(config: SiteConfig, articles: tuple[ArticleBalance, ...] | list[ArticleBalance]) -> tuple[Side, ...]:
    totals = {city.id: Count() for city in config.cities}
    for item in articles:
        for side in item.sides:
            totals[side.city.id] = totals.get(side.city.id, Count()) + side.count
    return shares([(city, totals[city.id]) for city in config.cities])


def _reported(articles: tuple[ArticleBalance, ...] | list[ArticleBalance]) -> Count:
    return sum((item.reported for item in articles), Count())


def shares(counts: list[tuple[City, Count]]) -> tuple[Side, ...]:
    """Each city's share of the words, and whole percents that add up to 100 (largest remainder)."""
    total = sum(count.words for _, count in counts)
    if not total:
        return tuple(Side(city, count, 0.0, 0) for city, count in counts)
    exact = [count.words * 100 / total for _, count in counts]
    percents = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda n: (percents[n] - exact[n], n))
    for n in by_remainder[: 100 - sum(percents)]:
        percents[n] += 1
    return tuple(
        Side(city, count, count.words / total, percent) for (city, count), percent in zip(counts, percents, strict=True)
    )


def month_of(day: dt.date) -> str:
    """The month an article counts in, ``2023-06``."""
    return f"{day:%Y-%m}"
