"""``sitegen balance`` as text, JSON and a standalone HTML page: pure functions of a :class:`balance.SiteBalance`.

The JSON's shape is documented in docs/authoring.md ("Balance") and stays
stable: ``"format": 1`` changes only when a key is removed or changes meaning.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

from .balance import ArticleBalance, Count, PointSpace, Side, SiteBalance
from .localization import text_direction
from .model import SiteConfig

FORMAT = 1
#: The theme's default city colours (render.PALETTE), for cities without a ``colour``.
PALETTE = ("#b4400b", "#0b6e79", "#6b3fa0", "#a3123a", "#1d4ed8", "#3f6212", "#9d174d", "#334155")


def _words(count: Count) -> str:
    words = f"{count.words:,} word{'' if count.words == 1 else 's'}"
    return f"{words}, {count.passages} passage{'' if count.passages == 1 else 's'}"


def _point_name(space: PointSpace) -> str:
    return f"'{space.point.id}'" if space.point else "(no point)"


# -- text ------------------------------------------------------------------


def text(report: SiteBalance, chosen: bool = False) -> str:
    """The report for a terminal; ``chosen``: the articles were named, so the totals are theirs, not the site's."""
    lines = [f"Balance in {report.lang}: {len(report.articles)} article{'' if len(report.articles) == 1 else 's'}"]
    lines += ["", _scope(report, chosen) + ":", *_side_lines(report.sides, report.lang)]
    if report.reported.passages:
        lines.append(f"  reported claims: {_words(report.reported)} (not a side)")
    for item in report.articles:
        lines += ["", *_article_lines(item, report.lang)]
    if report.months:
        lines += ["", "By month:"]
        for month in report.months:
            parts = ", ".join(f"{s.city.name_in(report.lang)} {s.percent} %" for s in month.sides if s.count.passages)
            count = f"{month.articles} article{'' if month.articles == 1 else 's'}"
            lines.append(f"  {month.month}  {count:<11} {parts or 'no answers'}")
    return "\n".join(lines) + "\n"


def _scope(report: SiteBalance, chosen: bool) -> str:
    count = f"{len(report.articles)} article{'' if len(report.articles) == 1 else 's'}"
    return f"Across the {count} named" if chosen else "Across the site"


def _side_lines(sides: tuple[Side, ...], lang: str) -> list[str]:
    width = max((len(side.city.name_in(lang)) for side in sides), default=0)
    return [f"  {side.city.name_in(lang):<{width}}  {side.percent:>3} %  {_words(side.count)}" for side in sides]


def _article_lines(item: ArticleBalance, lang: str) -> list[str]:
    t = item.translation
    lines = [f"{item.slug}  {t.day.isoformat()}  {t.title}", *_side_lines(item.sides, lang)]
    if item.reporter is not None:
        lines.append(f"  reported by {item.reporter.name}: {_words(item.reported)} (not a side)")
    for space in item.points:
        if not space.reported:
            said = " / ".join(f"{city.name_in(lang)} {count.words:,}" for city, count in space.counts)
            lines.append(f"  point {_point_name(space)}: {said}")
    for space in item.points:
        if space.only is not None:
            lines.append(f"  only {space.only.name_in(lang)} answers point {_point_name(space)}")
    for voice in item.silent_voices:
        lines.append(f"  voice '{voice.id}' ({voice.name}) has no passage")
    if item.voiceless_cities:
        names = ", ".join(city.name_in(lang) for city in item.voiceless_cities)
        lines.append(f"  no voice from {names}")
    return lines


# -- JSON ------------------------------------------------------------------


def as_json(report: SiteBalance) -> dict:
    return {
        "format": FORMAT,
        "lang": report.lang,
        "site": {
            "articles": len(report.articles),
            "cities": [_side(side, report.lang) for side in report.sides],
            "reported": _count(report.reported),
        },
        "articles": [_article(item, report.lang) for item in report.articles],
        "months": [
            {
                "month": month.month,
                "articles": month.articles,
                "cities": [_side(side, report.lang) for side in month.sides],
                "reported": _count(month.reported),
            }
            for month in report.months
        ],
    }


def _count(count: Count) -> dict:
    return {"words": count.words, "passages": count.passages}


def _side(side: Side, lang: str) -> dict:
    return {
        "city": side.city.id,
        "name": side.city.name_in(lang),
        **_count(side.count),
        "share": round(side.share, 4),
        "percent": side.percent,
    }


def _article(item: ArticleBalance, lang: str) -> dict:
    t = item.translation
    reporter = item.reporter
    return {
        "slug": item.slug,
        "lang": t.lang,
        "title": t.title,
        "date": t.day.isoformat(),
        "source": t.source.path,
        "cities": [_side(side, lang) for side in item.sides],
        "reported": None
        if reporter is None
        else {"voice": reporter.id, "city": reporter.city, **_count(item.reported)},
        "points": [
            {
                "point": space.point.id if space.point else None,
                "question": space.point.question if space.point else None,
                "reported": space.reported,
                "cities": {city.id: _count(count) for city, count in space.counts},
                "only": space.only.id if space.only else None,
            }
            for space in item.points
        ],
        "silent_voices": [{"voice": v.id, "city": v.city, "name": v.name} for v in item.silent_voices],
        "cities_without_voice": [city.id for city in item.voiceless_cities],
    }


# -- HTML ------------------------------------------------------------------

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1d21; }
table { border-collapse: collapse; margin-block: 0.5rem 1rem; }
th, td { padding: 0.2rem 0.6rem; text-align: start; border-block-end: 1px solid #dcdfe4; }
td.n { text-align: end; font-variant-numeric: tabular-nums; }
.bar { display: flex; block-size: 0.8rem; max-inline-size: 30rem; background: #eee; }
.bar span { background: var(--city); }
.swatch { display: inline-block; inline-size: 0.8em; block-size: 0.8em; background: var(--city);
  margin-inline-end: 0.4em; }
.note { color: #5b6270; margin: 0.2rem 0; }
"""


def page(report: SiteBalance, config: SiteConfig, chosen: bool = False) -> str:
    """A standalone HTML page: inline style, no script, nothing from elsewhere; every value escaped."""
    title = f"Balance ({report.lang})"
    colours = "\n".join(
        f'[data-city="{_e(city.id)}"] {{ --city: {_e(city.colour or PALETTE[n % len(PALETTE)])}; }}'
        for n, city in enumerate(config.cities)
    )
    body = "\n".join(_page_body(report, chosen))
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_e(title)}</title>\n'
        f"<style>{_STYLE}{colours}\n</style>\n</head>\n<body>\n<h1>{_e(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def _page_body(report: SiteBalance, chosen: bool) -> Iterator[str]:
    lang = report.lang
    yield f"<h2>{_e(_scope(report, chosen))}</h2>"
    yield _sides_table(report.sides, lang)
    if report.reported.passages:
        yield f'<p class="note">Reported claims (not a side): {_e(_words(report.reported))}</p>'
    for item in report.articles:
        t = item.translation
        where = f'lang="{_e(t.lang)}" dir="{text_direction(t.lang)}"'
        yield f'<h2 id="{_e(item.slug)}" {where}>{_e(t.title)}</h2>'
        yield f'<p class="note">{_e(item.slug)}, {_e(t.day.isoformat())}, {_e(t.source.path)}</p>'
        yield _sides_table(item.sides, lang)
        yield from (
            f'<p class="note">{_e(line.strip())}</p>' for line in _article_lines(item, lang)[1 + len(item.sides) :]
        )
    yield "<h2>By month</h2>"
    yield "<table><tr><th>Month</th><th>Articles</th><th>Space given</th></tr>"
    for month in report.months:
        cells = f'<td>{_e(month.month)}</td><td class="n">{month.articles}</td><td>{_bar(month.sides, lang)}</td>'
        yield f"<tr>{cells}</tr>"
    yield "</table>"


def _sides_table(sides: tuple[Side, ...], lang: str) -> str:
    rows = "".join(
        f'<tr data-city="{_e(s.city.id)}"><td><span class="swatch"></span>{_e(s.city.name_in(lang))}</td>'
        f'<td class="n">{s.count.words:,}</td><td class="n">{s.count.passages}</td>'
        f'<td class="n">{s.percent} %</td></tr>'
        for s in sides
    )
    head = "<tr><th>City</th><th>Words</th><th>Passages</th><th>Share</th></tr>"
    return f"<table>{head}{rows}</table>\n{_bar(sides, lang)}"


def _bar(sides: tuple[Side, ...], lang: str) -> str:
    label = ", ".join(f"{s.city.name_in(lang)} {s.percent} %" for s in sides)
    parts = "".join(
        f'<span data-city="{_e(s.city.id)}" style="flex-grow: {s.count.words}"></span>' for s in sides if s.count.words
    )
    return f'<div class="bar" role="img" aria-label="{_e(label)}">{parts}</div>'


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
