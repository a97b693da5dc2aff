"""The error catalogue: every mistake in tests/fixtures/errors.md gives the message it documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.errors import Diagnostic, Location, printable

from .conftest import CONFIG

CATALOGUE = Path(__file__).parent / "fixtures" / "errors.md"
ARTICLE = "content/articles/case/en.md"
TRANSLATION = "content/articles/case/ru.md"
SINGLE_LANGUAGE = CONFIG.replace('languages = ["en", "ru"]', 'languages = ["en"]').replace(
    'title = { en = "Two views", ru = "Два взгляда" }', 'title = "Two views"'
)
SINGLE_LANGUAGE = re.sub(r'name = \{ en = ("[^"]+"), ru = "[^"]+" \}', r"name = { en = \1 }", SINGLE_LANGUAGE)


@dataclass(frozen=True)
class Case:
    title: str
    article: str
    expected: str
    line: int  # where the case starts in errors.md, for failure messages
    translation: str | None = None  # the ru.md beside it, for mistakes between languages


def read_catalogue(text: str) -> list[Case]:
    """Sections ``## <mistake>``, each with one ```markdown block and one ``Expected:`` line; a second
    block opened with ```markdown ru.md is the article's Russian file (the site then has both languages)."""
    cases = []
    for match in re.finditer(r"^## (.+)$", text, re.MULTILINE):
        start = match.end()
        following = text.find("\n## ", start)
        section = text[start : following if following != -1 else len(text)]
        block = re.search(r"^```markdown\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
        translation = re.search(r"^```markdown ru\.md\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
        expected = re.search(r"^Expected: `?(.+?)`?$", section, re.MULTILINE)
        line = text.count("\n", 0, match.start()) + 1
        assert block and expected, f"errors.md:{line}: a case needs a ```markdown block and an Expected: line"
        cases.append(Case(match[1].strip(), block[1], expected[1], line, translation[1] if translation else None))
    return cases


CASES = read_catalogue(CATALOGUE.read_text(encoding="utf-8"))


def test_catalogue_is_well_formed():
    assert len(CASES) >= 15
    assert len({case.title for case in CASES}) == len(CASES), "each mistake has its own heading"
    for case in CASES:
        names = [ARTICLE, TRANSLATION] if case.translation is not None else [ARTICLE]
        files = "|".join(re.escape(name) for name in names)
        assert re.match(rf"({files}):\d+(:\d+)?: (error|warning): \S", case.expected), case.title
    assert any(case.translation is not None for case in CASES), "mistakes between languages are documented too"


def test_single_language_config_is_clean(make_site):
    site = make_site(
        {
            ARTICLE: "---\ntitle: Fine\ndate: 2023-06-05\nvoices:\n  ria:\n    city: moscow\n"
            "    name: RIA Novosti\n---\n\n::: ria\nThe agency wrote.\n:::\n"
        },
        config=SINGLE_LANGUAGE,
    )
    report = build(site, write=False)
    assert report.diagnostics == ()
    assert report.ok


@pytest.mark.parametrize("case", CASES, ids=[case.title for case in CASES])
def test_catalogue_case(make_site, case: Case):
    if case.translation is None:
        site = make_site({ARTICLE: case.article}, config=SINGLE_LANGUAGE)
    else:
        site = make_site({ARTICLE: case.article, TRANSLATION: case.translation}, config=CONFIG)
    report = build(site, write=False)
    shown = [str(d) for d in report.diagnostics]
    assert any(line.startswith(case.expected) for line in shown), (
        f"errors.md:{case.line} ({case.title}) expected a message starting with\n  {case.expected}\ngot\n  "
        + "\n  ".join(shown)
    )
    assert not (site / "output").exists(), "a check writes nothing"
    if ": error: " in case.expected:
        assert not report.ok


#: What a terminal or log viewer acts on instead of showing: C0 and C1 controls, DEL, line and
#: paragraph separators, and the bidirectional marks, overrides and isolates that reorder a line.
UNSHOWABLE = ["\n", "\r", "\t", "\x1b", "\x00", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u061c", "\u200e"]
UNSHOWABLE += ["\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", UNSHOWABLE, ids=[f"U+{ord(c):04X}" for c in UNSHOWABLE])
def test_diagnostics_escape_every_control_and_bidi_character(char: str) -> None:
    """Content quoted in a message cannot add a line to a terminal or CI log, nor reorder one."""
    forged = f"x{char}sitegen.toml:1: error: forged"
    diagnostic = Diagnostic(Location(f"content/articles/{forged}/en.md", 3), f"voice '{forged}'", f"hint {forged}")
    text = str(diagnostic)
    assert char not in text and len(text.splitlines()) == 1
    assert text.count(repr(char)[1:-1]) == 3, text  # as Python writes it: \n, \x1b, \u202e
    assert printable("Ереван, Բաքու, Bakı: 2023-06-05 — «ok»") == "Ереван, Բաքու, Bakı: 2023-06-05 — «ok»"
