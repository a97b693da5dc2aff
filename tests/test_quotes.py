"""Typographic quotes: straight quotes in an article's text become its language's quotation marks.

Real builds of a four-language site; the marks are CLDR's unless the site sets
its own in ``[quotes]``. Code, URLs and front-matter text keep what was typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import config

from .conftest import article, build_ok

CONFIG = """\
title = "Two views"
base_url = "https://example.org/news/"
languages = ["en", "ru", "hy", "az"]

[cities.yerevan]
name = "Yerevan"
"""
BODY = """\
He called it "a 'new' war" and didn't say more; `"code"` and [a link](https://example.org/"x").

::: simonyan
She said "no".
:::
"""


def build(root: Path, extra: str = "") -> Path:
    (root / "sitegen.toml").write_text(CONFIG + extra, encoding="utf-8")
    for lang in ("en", "ru", "hy", "az"):
        path = root / "content" / "articles" / "one" / f"{lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article("'\"Quoted\" title'", body=BODY), encoding="utf-8")
    return build_ok(root).out


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("quotes"))


@pytest.mark.parametrize(
    ("lang", "said", "passage"),
    [
        ("en", "“a ‘new’ war”", "“no”"),
        ("ru", "«a „new“ war»", "«no»"),
        ("hy", "«a «new» war»", "«no»"),
        ("az", "“a ‘new’ war”", "“no”"),
    ],
)
def test_straight_quotes_become_the_languages_marks(out: Path, lang: str, said: str, passage: str) -> None:
    html = (out / lang / "one" / "index.html").read_text(encoding="utf-8")
    assert f"He called it {said} and didn’t say more" in html
    assert f"She said {passage}." in html
    assert "<code>&quot;code&quot;</code>" in html, "code keeps what was typed"
    assert 'href="https://example.org/%22x%22"' in html, "and so do URLs"
    assert "&quot;Quoted&quot; title" in html or "&#34;Quoted&#34; title" in html, "front matter is shown as written"


def test_a_site_sets_a_languages_marks(tmp_path: Path) -> None:
    out = build(tmp_path, '\n[quotes]\naz = "«»„“"\nen = "\\"\\"\'\'"\n')
    assert "He called it «a „new“ war»" in (out / "az" / "one" / "index.html").read_text(encoding="utf-8")
    assert "He called it &quot;a 'new' war&quot;" in (out / "en" / "one" / "index.html").read_text(encoding="utf-8")


def test_marks_that_are_not_four_characters_are_an_error_at_their_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(CONFIG + '\n[quotes]\nru = "«»"\nka = "„“«»"\n', encoding="utf-8")
    found, problems = config.load(tmp_path)
    assert found is None
    assert [str(p) for p in problems] == [
        "sitegen.toml:9: error: 'quotes.ru' must be four characters: double open, close, single open, close; "
        'got \'«»\' (e.g. ru = "«»„“"; "\\"\\"\'\'" keeps straight quotes)',
        "sitegen.toml:10: warning: 'quotes' has marks for Georgian (ka), which is not in 'languages'",
    ]
