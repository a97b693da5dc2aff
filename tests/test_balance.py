"""The balance of an article and of the site: words and passages per city, point and month; `sitegen balance`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen import balance, config, content
from sitegen.balance import Count
from sitegen.model import City

from .conftest import CONFIG, TWO_VOICES, article, build_ok, example_site
from .test_cli import run

#: The agency that reports, the two commentators of conftest.TWO_VOICES, and a second voice from Baku.
VOICES = (
    "  ria:\n    city: moscow\n    name: RIA Novosti\n"
    + TWO_VOICES
    + "  aliyev:\n    city: baku\n    name: Elnur Aliyev\n"
)
POINTS = "points:\n  claim: What was reported?\n  credible: Is it credible?\n  next: What next?\n"
BODY = """\
Lead words are not counted.

::: ria claim
The agency wrote that Washington is pressing.
:::

::: simonyan credible
He calls it *part* of an information war.
:::

::: namazov credible
He calls it a planted message, one of many.
:::

::: namazov next
Baku will wait and see what comes.
:::
"""
LOPSIDED = article(title="Lopsided", date="2023-06-05", voices=VOICES, extra=POINTS, body=BODY)
EVEN = article(
    title="Even",
    date="2023-07-01",
    voices=VOICES,
    body="::: simonyan\none two three four\n:::\n\n::: namazov\nfive six seven eight\n:::\n\n::: ria\nnine\n:::\n",
)


def load(site: Path):
    cfg, problems = config.load(site)
    assert cfg is not None, problems
    loaded, problems = content.load(cfg, site)
    assert not [p for p in problems if p.is_error], problems
    return loaded


@pytest.fixture
def site(make_site) -> Path:
    return make_site({"content/articles/lopsided/en.md": LOPSIDED, "content/articles/even/en.md": EVEN})


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("<p>He calls it <em>part</em> of an information war.</p>", 8),
        ("<p>Don&#x27;t count Alma-Ata as one</p>", 6),  # don't is one word, a hyphen splits
        ("<p>Он называет это «частью» войны, 2023 год.</p>", 7),
        ("<p>می‌خواهم آب را</p>", 3),  # the zero-width non-joiner is inside a Persian word
        ("<p>Պատասխան՝ ոչ։ ერთი ორი</p>", 4),
        ("<p>水は国境を知らない</p>", 9),  # Chinese and Japanese: each character a word
        ('<p>Tariffs<sup class="footnote-ref"><a href="#fn1">[1]</a></sup> rose</p>', 2),
        ("<p></p>", 0),
    ],
)
def test_words_are_runs_of_letters_and_digits_in_any_script(html: str, words: int) -> None:
    assert balance.count_words(html) == words


def test_an_article_counts_words_and_passages_per_answering_city(site: Path) -> None:
    loaded = load(site)
    item = balance.article_balance(loaded.config, "lopsided", loaded.article("lopsided").translation("en"))
    assert [(s.city.id, s.count, s.percent) for s in item.sides] == [
        ("yerevan", Count(8, 1), 33),
        ("baku", Count(16, 2), 67),
    ]
    assert item.total == Count(24, 3)
    # the agency only reports: counted apart, not a side
    assert item.reporter.id == "ria"
    assert item.reported == Count(7, 1)
    spaces = {space.point.id: space for space in item.points}
    assert spaces["claim"].reported and spaces["claim"].only is None
    assert [(c.id, n.words) for c, n in spaces["credible"].counts] == [("yerevan", 8), ("baku", 9)]
    assert spaces["credible"].only is None
    assert spaces["next"].only.id == "baku"
    assert [v.id for v in item.silent_voices] == ["aliyev"]
    assert item.voiceless_cities == ()


def test_without_a_reporter_every_city_that_speaks_is_a_side(site: Path) -> None:
    loaded = load(site)
    item = balance.article_balance(loaded.config, "even", loaded.article("even").translation("en"))
    assert [(s.city.id, s.count.words, s.percent) for s in item.sides] == [
        ("yerevan", 4, 45),
        ("baku", 4, 44),
        ("moscow", 1, 11),
    ]
    assert item.reporter is None and item.reported == Count()


def test_the_site_sums_every_article_and_each_month(site: Path) -> None:
    report = balance.site_balance(load(site))
    assert [a.translation.title for a in report.articles] == ["Even", "Lopsided"]
    assert [(s.city.id, s.count) for s in report.sides] == [
        ("yerevan", Count(12, 2)),
        ("baku", Count(20, 3)),
        ("moscow", Count(1, 1)),
    ]
    assert sum(s.percent for s in report.sides) == 100
    assert report.reported == Count(7, 1)
    assert [(m.month, m.articles, [s.count.words for s in m.sides]) for m in report.months] == [
        ("2023-06", 1, [8, 16, 0]),
        ("2023-07", 1, [4, 4, 1]),
    ]


def test_a_city_without_a_voice_is_named(make_site) -> None:
    site = make_site({"content/articles/one/en.md": article()})
    item = balance.site_balance(load(site)).articles[0]
    assert [c.id for c in item.voiceless_cities] == ["baku", "moscow"]
    assert [(s.city.id, s.percent) for s in item.sides] == [("yerevan", 100)]


def test_each_language_is_counted_on_its_own(make_site) -> None:
    ru = article(body="::: simonyan\nСказано в Ереване сегодня утром.\n:::\n")
    site = make_site({"content/articles/one/en.md": article(), "content/articles/one/ru.md": ru})
    loaded = load(site)
    assert balance.site_balance(loaded).sides[0].count.words == 3
    assert balance.site_balance(loaded, "ru").sides[0].count.words == 5


@pytest.mark.parametrize(
    ("words", "percents"),
    [((1, 1, 1), [34, 33, 33]), ((2, 1), [67, 33]), ((0, 0), [0, 0]), ((999, 1), [100, 0])],
)
def test_whole_percents_add_up_to_100(words: tuple[int, ...], percents: list[int]) -> None:
    cities = [City(code, {}) for code in "abc"]
    sides = balance.shares([(city, Count(n, 1)) for city, n in zip(cities, words, strict=False)])
    assert [side.percent for side in sides] == percents


# -- the command -------------------------------------------------------------


def test_text_lists_sides_points_silent_voices_and_months(site: Path) -> None:
    result = run("balance", "--site", str(site))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Balance in en: 2 articles\n")
    assert re.search(r"Yerevan\s+33 %\s+8 words, 1 passage\n", out)
    assert "reported by RIA Novosti: 7 words, 1 passage (not a side)" in out
    assert "only Baku answers point 'next'" in out
    assert "voice 'aliyev' (Elnur Aliyev) has no passage" in out
    assert "2023-06  1 article" in out


def test_json_is_the_documented_shape(site: Path) -> None:
    result = run("balance", "lopsided", "--site", str(site), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == 1 and data["lang"] == "en"
    assert data["site"]["articles"] == 1
    (item,) = data["articles"]
    assert item["slug"] == "lopsided" and item["date"] == "2023-06-05"
    assert item["source"] == "content/articles/lopsided/en.md"
    assert item["cities"][1] == {
        "city": "baku",
        "name": "Baku",
        "words": 16,
        "passages": 2,
        "share": 0.6667,
        "percent": 67,
    }
    assert item["reported"] == {"voice": "ria", "city": "moscow", "words": 7, "passages": 1}
    assert item["points"][2] == {
        "point": "next",
        "question": "What next?",
        "reported": False,
        "cities": {"yerevan": {"words": 0, "passages": 0}, "baku": {"words": 7, "passages": 1}},
        "only": "baku",
    }
    assert item["silent_voices"] == [{"voice": "aliyev", "city": "baku", "name": "Elnur Aliyev"}]
    assert item["cities_without_voice"] == []
    assert [m["month"] for m in data["months"]] == ["2023-06"]


def test_html_is_one_standalone_escaped_page(make_site, tmp_path: Path) -> None:
    hostile = article(title='"<script>alert(1)</script>"')
    site = make_site({"content/articles/one/en.md": hostile})
    target = tmp_path / "balance.html"
    result = run("balance", "--site", str(site), "--format", "html", "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=|@import|url\(""", page)  # nothing from anywhere else
    printed = run("balance", "--site", str(site), "--format", "html")
    assert printed.returncode == 0 and printed.stdout == page


def test_an_unknown_slug_is_a_usage_error_with_a_suggestion(site: Path) -> None:
    result = run("balance", "lopsidde", "--site", str(site))
    assert result.returncode == 2
    assert "no article 'lopsidde'" in result.stderr and "did you mean 'lopsided'?" in result.stderr


def test_an_unknown_language_is_a_usage_error(site: Path) -> None:
    result = run("balance", "--site", str(site), "--lang", "rus")
    assert result.returncode == 2
    assert "--lang rus: not a language of this site; did you mean 'ru'?" in result.stderr


def test_content_errors_are_printed_as_check_prints_them(make_site) -> None:
    broken = article(body="::: nobody\nWho?\n:::\n")
    site = make_site({"content/articles/one/en.md": broken})
    result = run("balance", "--site", str(site))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "content/articles/one/en.md:10: error: passage for undeclared voice 'nobody'" in result.stderr
    assert "1 error: fix them, then count again" in result.stderr


def test_the_example_site_shows_a_lopsided_article(tmp_path: Path) -> None:
    result = run("balance", "mountain-road-reopening", "--site", str(example_site(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert re.search(r"Yerevan\s+96 %.*\n\s+Baku\s+4 %", result.stdout)
    assert "only Yerevan answers point 'costs'" in result.stdout


# -- the "space given" bar ----------------------------------------------------


def bar_site(make_site, value: str, name: str) -> Path:
    return make_site({"content/articles/lopsided/en.md": LOPSIDED}, value + CONFIG, name=name)


def test_the_bar_says_each_share_in_words(make_site) -> None:
    out = build_ok(bar_site(make_site, "balance_bar = true\n", "on"), search=False).out
    page = (out / "en" / "lopsided" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="space-given"') : page.index("</section>", page.index("space-given"))]
    assert '<h2 class="space-given-title" id="space-given-title">Space given</h2>' in section
    assert "The reported claim is not counted." in section
    assert '<li data-city="yerevan">Yerevan: 33%, 8 words</li>' in section
    assert '<li data-city="baku">Baku: 67%, 16 words</li>' in section
    assert 'data-city="moscow"' not in section  # the reporter is not a side
    assert '<div class="space-given-bar" aria-hidden="true">' in section


def test_the_bar_is_counted_in_the_page_language(make_site) -> None:
    ru = article(voices=VOICES, extra=POINTS, body=BODY.replace("Baku will wait and see what comes.", "Баку ждёт."))
    files = {"content/articles/lopsided/en.md": LOPSIDED, "content/articles/lopsided/ru.md": ru}
    out = build_ok(make_site(files, "balance_bar = true\n" + CONFIG), search=False).out
    page = (out / "ru" / "lopsided" / "index.html").read_text(encoding="utf-8")
    assert '<li data-city="baku">Баку: 58\xa0%, 11 слов</li>' in page
    assert "Сколько места у каждой стороны" in page


def test_without_the_key_the_page_is_byte_for_byte_what_it_was(make_site, tmp_path: Path) -> None:
    """The article template without the bar's lines renders what the shipped one renders with the key off."""
    shipped = (Path(__file__).parent.parent / "theme" / "templates" / "article.html").read_text(encoding="utf-8")
    without = re.sub(r"  \{% if balance %\}\n.*?\{% endif %\}\n", "", shipped, count=1, flags=re.S)
    assert without != shipped
    plain = bar_site(make_site, "", "plain")
    off = bar_site(make_site, "balance_bar = false\n", "off")
    old = bar_site(make_site, "", "old")
    (old / "theme" / "templates").mkdir(parents=True)
    (old / "theme" / "templates" / "article.html").write_text(without, encoding="utf-8")
    pages = [
        (build_ok(folder, search=False).out / "en" / "lopsided" / "index.html").read_bytes()
        for folder in (plain, off, old)
    ]
    assert b"space-given" not in pages[0]
    assert pages[0] == pages[1] == pages[2]


def test_a_value_that_is_not_true_or_false_is_an_error(make_site) -> None:
    site = bar_site(make_site, 'balance_bar = "yes"\n', "bad")
    result = run("check", "--site", str(site))
    assert result.returncode == 1
    assert "sitegen.toml:1: error: 'balance_bar' must be true or false, got 'yes'" in result.stderr
