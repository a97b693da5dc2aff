"""content/glossary.yaml: one side's name for a place in the outlet's own words is a warning, with the house form.

Real sites in tmp_path, read by ``sitegen check`` and ``sitegen build``: the
warning's file and line, the passages left alone, --strict, the cache, and
every mistake in the glossary itself located at its line.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitegen import cache
from sitegen import contested as contested_stage
from sitegen.build import build
from sitegen.cli import main
from sitegen.preview import Preview

from .conftest import build_ok, example_site, messages

A = "content/articles"
GLOSSARY = "content/glossary.yaml"

NAMES = """\
# Contested names.
stepanakert:
  yerevan: { en: Stepanakert, ru: Степанакерт }
  baku: { en: [Khankendi, Xankendi], ru: Ханкенди }
  house: { en: Stepanakert/Khankendi, ru: Степанакерт/Ханкенди }
"""

#: Line 2: title, 3: summary, 10: the question; the lead on lines 13-14; the passage below.
EN = """\
---
title: Talks in Khankendi
summary: "Officials in Stepanakert/Khankendi answer."
date: 2023-06-05
voices:
  simonyan:
    city: yerevan
    name: Gurgen Simonyan
points:
  talks: What did Khankendi agree to?
---

Citing a source, the agency said the leadership
in Stepanakert would talk.

::: simonyan talks
He says Stepanakert will not go to Khankendi's talks.
:::
"""
RU = """\
---
title: Переговоры
summary: Отвечают в Степанакерте/Ханкенди.
date: 2023-06-05
voices:
  simonyan:
    city: yerevan
    name: Гурген Симонян
points:
  talks: О чём договорился Ханкенди?
---

Руководство в Степанакерте согласилось.

::: simonyan talks
Он говорит о Ханкенди и Степанакерте.
:::
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def write(make_site):
    """A site with ``glossary`` (None: no file) and the article ``one`` in en and ru."""

    def make(glossary: str | None = NAMES, en: str = EN, ru: str = RU, name: str = "site") -> Path:
        files = {f"{A}/one/en.md": en, f"{A}/one/ru.md": ru}
        if glossary is not None:
            files[GLOSSARY] = glossary
        return make_site(files, name=name)

    return make


def contested(lines: list[str]) -> list[str]:
    return [line for line in lines if "the name one side uses" in line]


def test_the_outlet_s_own_words_are_checked_and_passages_are_not(write) -> None:
    report = build_ok(write())  # warnings only: the site builds
    assert contested(messages(report)) == [
        f"{A}/one/en.md:2: warning: 'Khankendi' is the name one side uses (baku); in the outlet's own voice write "
        f"'Stepanakert/Khankendi' (a commentator may use it inside a passage; the name is listed at {GLOSSARY}:2)",
        f"{A}/one/en.md:10: warning: 'Khankendi' is the name one side uses (baku); in the outlet's own voice write "
        f"'Stepanakert/Khankendi' (a commentator may use it inside a passage; the name is listed at {GLOSSARY}:2)",
        f"{A}/one/en.md:14: warning: 'Stepanakert' is the name one side uses (yerevan); in the outlet's own "
        f"voice write 'Stepanakert/Khankendi' (a commentator may use it inside a passage; the name is listed at "
        f"{GLOSSARY}:2)",
        f"{A}/one/ru.md:10: warning: 'Ханкенди' is the name one side uses (baku); in the outlet's own voice "
        f"write 'Степанакерт/Ханкенди' (a commentator may use it inside a passage; the name is listed at {GLOSSARY}:2)",
        f"{A}/one/ru.md:13: warning: 'Степанакерте' is the name one side uses (yerevan); in the outlet's own voice "
        f"write 'Степанакерт/Ханкенди' (a commentator may use it inside a passage; the name is listed at {GLOSSARY}:2)",
    ]


def test_check_shows_the_warning_and_strict_refuses_it(write) -> None:
    site = write()
    result = run("check", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert f"{A}/one/ru.md:13: warning: 'Степанакерте' is the name one side uses (yerevan)" in result.output
    assert "0 errors, 5 warnings" in result.output
    strict = run("check", "--strict", "--site", str(site))
    assert strict.exit_code == 1
    assert f"{A}/one/en.md:2: error: 'Khankendi' is the name one side uses (baku)" in strict.output


def test_without_a_glossary_nothing_is_flagged(write) -> None:
    assert contested(messages(build_ok(write(None)))) == []
    assert messages(build_ok(write("# nothing yet\n\n", name="comments"))) == []
    assert messages(build_ok(write("", name="empty"))) == []


def test_lead_text_between_passages_links_and_code(write) -> None:
    body = (
        "The [Khankendi office](https://example.org/stepanakert) spoke; `Stepanakert` is code.\n\n"
        "::: simonyan talks\nIn Khankendi.\n:::\n\n"
        "After the passage: back in\nKhankendi.\n"
    )
    en = EN.split("---\n\n")[0] + "---\n\n" + body
    lines = contested(messages(build_ok(write(en=en))))
    en_lines = [line.split(": warning:")[0] for line in lines if "/en.md" in line]
    assert en_lines == [f"{A}/one/en.md:2", f"{A}/one/en.md:10", f"{A}/one/en.md:13", f"{A}/one/en.md:20"]


def test_a_glossary_edit_rechecks_every_article(write, tmp_path: Path) -> None:
    site = write(NAMES.replace("[Khankendi, Xankendi]", "Xankendi"))  # en: only Xankendi is Baku's
    out = tmp_path / "out"
    first = build_ok(site, out=out)
    assert len(contested(messages(first))) == 3
    again = build_ok(site, out=out)
    assert again.unchanged and contested(messages(again)) == contested(messages(first))
    (site / GLOSSARY).write_text(NAMES, encoding="utf-8")
    edited = build_ok(site, out=out)
    assert not edited.unchanged
    assert len(contested(messages(edited))) == 5
    assert edited.cached == edited.files, "the pages do not depend on the glossary"
    (site / GLOSSARY).unlink()
    assert contested(messages(build_ok(site, out=out))) == []


def test_the_preview_rechecks_on_a_glossary_save(write) -> None:
    site = write(None)
    preview = Preview(site, site / ".sitegen" / "preview")
    assert contested([str(d) for d in preview.build().diagnostics]) == []
    (site / GLOSSARY).write_text(NAMES, encoding="utf-8")
    update = preview.update([site / GLOSSARY])
    assert update.ok and len(contested([str(d) for d in update.diagnostics])) == 5


def test_the_example_site_shows_the_warning_and_builds(tmp_path: Path) -> None:
    report = build_ok(example_site(tmp_path), out=tmp_path / "out")
    found = contested(messages(report))
    slug = "washington-karabakh-operation"
    assert [line.split(" (a commentator")[0] for line in found] == [
        f"{A}/{slug}/en.md:26: warning: 'Stepanakert' is the name one side uses (yerevan); "
        "in the outlet's own voice write 'Stepanakert/Khankendi'",
        f"{A}/{slug}/ru.md:26: warning: 'Степанакерте' is the name one side uses (yerevan); "
        "in the outlet's own voice write 'Степанакерт/Ханкенди'",
    ]
    assert [d for d in report.diagnostics if d.location.path == GLOSSARY] == []


@pytest.mark.parametrize(
    ("glossary", "expected"),
    [
        (
            "stepanakert:\n  yerevan: {en: Stepanakert\n",
            f"{GLOSSARY}:3: error: invalid YAML: did not find expected ',' or '}}' (put text that holds "
            "': ' or starts with a quote, '[' or '{' in double quotes)",
        ),
        (
            "- Stepanakert\n- Khankendi\n",
            f"{GLOSSARY}:1:1: error: the glossary must be a set of 'key: value' fields (e.g. stepanakert: "
            "{yerevan: Stepanakert, baku: Khankendi, house: Stepanakert/Khankendi})",
        ),
        (
            NAMES.replace("  baku:", "  bakku:"),
            f"{GLOSSARY}:4:3: error: unknown city 'bakku' in 'stepanakert' "
            "(did you mean 'baku'? (a side is a city of sitegen.toml))",
        ),
        (
            NAMES.replace("  house: { en: Stepanakert/Khankendi, ru: Степанакерт/Ханкенди }\n", ""),
            f"{GLOSSARY}:2:1: error: 'stepanakert' has no house form (add house: what the outlet writes in its "
            "own voice, e.g. house: {en: A/B})",
        ),
        (
            "stepanakert: Khankendi\n",
            f"{GLOSSARY}:1:1: error: 'stepanakert' needs the forms each side uses and the house form "
            "(e.g. stepanakert: {yerevan: …, baku: …, house: …})",
        ),
        (
            "stepanakert:\n  house: A/B\n",
            f"{GLOSSARY}:1:1: error: 'stepanakert' lists no side's form (add the forms, e.g. yerevan: {{en: …}})",
        ),
        (
            NAMES.replace("ru: Ханкенди }", "ru: { x: 1 } }"),
            f"{GLOSSARY}:4:38: error: 'stepanakert.baku.ru' must be a name, or a list of spellings "
            "(e.g. en: Khankendi)",
        ),
        (
            NAMES.replace("[Khankendi, Xankendi]", "[Khankendi, '']"),
            f"{GLOSSARY}:4:27: error: 'stepanakert.baku.en' must be a name, or a list of spellings "
            "(e.g. en: Khankendi)",
        ),
        (
            NAMES + "khankendi:\n  baku: Khankendi\n  house: X\n",
            f"{GLOSSARY}:7:3: error: 'Khankendi' is listed twice for English (en) (first for baku in "
            "'stepanakert', line 4) (list each form once: under the side that uses it)",
        ),
        (
            NAMES.replace("ru: Ханкенди", "rus: Ханкенди"),
            f"{GLOSSARY}:4:38: warning: Russian (Russia) (rus) is not a language of the site (did you mean 'ru'?)",
        ),
        (
            NAMES.replace(", ru: Степанакерт/Ханкенди", ""),
            f"{GLOSSARY}:5:3: warning: 'stepanakert' has no house form in Russian (ru) (add ru: … to house; "
            "until then the warnings suggest each side's form, joined by '/')",
        ),
        (
            "stepanakert:\n  yerevan: Stepanakert\n  yerevan: Stepanakert\n  house: A\n",
            f"{GLOSSARY}:3:3: error: duplicate key 'yerevan' (first set on line 2) (keep one of them)",
        ),
        (
            "Степанакерт:\n  yerevan: Stepanakert\n  house: A\n",
            f"{GLOSSARY}:1:1: error: 'Степанакерт' is not a valid name id (use letters, digits and hyphens)",
        ),
    ],
)
def test_a_broken_glossary_is_located(write, glossary: str, expected: str) -> None:
    site = write(None)
    (site / GLOSSARY).write_text(glossary, encoding="utf-8")
    result = run("check", "--site", str(site))
    shown = [line for line in result.output.splitlines() if line.startswith(GLOSSARY)]
    hints = result.output.splitlines()
    assert shown, result.output
    line = shown[0]
    hint = hints[hints.index(line) + 1].strip() if hints.index(line) + 1 < len(hints) else ""
    joined = f"{line} ({hint.removeprefix('hint: ')})" if hint.startswith("hint:") else line
    assert joined == expected
    assert result.exit_code == (1 if ": error:" in expected else 0)


def test_a_glossary_too_large_not_a_file_or_not_utf8(write) -> None:
    site = write(None)
    (site / GLOSSARY).write_bytes(b"stepanakert:\n  baku: \xff\n")
    report = build(site, write=False)
    assert [str(d) for d in report.diagnostics if d.location.path == GLOSSARY] == [
        f"{GLOSSARY}:2: error: the file is not valid UTF-8 (save it as UTF-8)"
    ]
    (site / GLOSSARY).write_text("# padding\n" * 60_000, encoding="utf-8")
    report = build(site, write=False)
    assert [str(d) for d in report.diagnostics if d.location.path == GLOSSARY] == [
        f"{GLOSSARY}: error: the file is too large (0.6 MB; at most 0.5 MB) (list only the names the sides dispute)"
    ]
    (site / GLOSSARY).unlink()
    os.mkfifo(site / GLOSSARY)  # a named pipe is refused, never waited on
    report = build(site, write=False)
    assert [str(d) for d in report.diagnostics if d.location.path == GLOSSARY] == [
        f"{GLOSSARY}: error: cannot read the glossary: not a regular file"
    ]
    assert not report.ok


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose own words each contested-names check read."""
    seen: list[str] = []
    read = contested_stage._in_translation

    def counted(translation, matcher, path):
        seen.append(translation.source.path)
        return read(translation, matcher, path)

    monkeypatch.setattr(contested_stage, "_in_translation", counted)
    return seen


def _two_articles(write) -> Path:
    site = write()
    (site / A / "two").mkdir()
    for lang, text in (("en", EN), ("ru", RU)):
        (site / A / "two" / f"{lang}.md").write_text(text.replace("2023-06-05", "2023-06-06"), encoding="utf-8")
    return site


def test_only_the_translations_that_changed_are_checked_again(write, checked: list[str], tmp_path: Path) -> None:
    """What the check found in a translation is kept (in the build cache) while its file is as it was."""
    site = _two_articles(write)
    out = tmp_path / "out"
    assert len(contested(messages(build_ok(site, out=out)))) == 10
    assert sorted(checked) == [f"{A}/{slug}/{lang}.md" for slug in ("one", "two") for lang in ("en", "ru")]
    checked.clear()
    with (site / A / "two" / "en.md").open("a", encoding="utf-8") as file:
        file.write("\nKhankendi again, in the lead.\n")
    edited = messages(build_ok(site, out=out))
    assert checked == [f"{A}/two/en.md"]
    assert contested(edited) == contested(messages(build_ok(site, out=tmp_path / "fresh", cache=False)))
    assert len(contested(edited)) == 11
    checked.clear()
    (site / GLOSSARY).write_text(NAMES.replace("[Khankendi, Xankendi]", "Xankendi"), encoding="utf-8")
    assert len(contested(messages(build_ok(site, out=out)))) == 6, "a new glossary: every translation again"
    assert len(checked) == 4


def test_what_was_found_in_a_removed_article_is_not_kept(write, tmp_path: Path) -> None:
    site = _two_articles(write)
    build_ok(site, out=tmp_path / "out")
    shutil.rmtree(site / A / "two")
    assert len(contested(messages(build_ok(site, out=tmp_path / "out")))) == 5
    glossary_key, found = cache.Cache(site).contested()
    assert glossary_key and sorted(path for path, _ in found) == [f"{A}/one/en.md", f"{A}/one/ru.md"]
    (site / GLOSSARY).unlink()
    assert contested(messages(build_ok(site, out=tmp_path / "out"))) == []
    assert cache.Cache(site).contested() == ("", {}), "without a glossary nothing is kept"


def test_own_words_are_read_from_the_cache_only_to_check_them_again(
    write, checked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild takes unchanged articles from the cache without their own words (title, summary, lead,
    questions); a check that must read them again gets them from the article's entry, or from its folder
    when the entry lost them."""
    site = _two_articles(write)
    out = tmp_path / "out"
    first = contested(messages(build_ok(site, out=out)))
    assert len(first) == 10
    asked: list[str] = []
    words = cache.Cache.words
    monkeypatch.setattr(cache.Cache, "words", lambda self, name, key: asked.append(name) or words(self, name, key))
    (site / ".sitegen" / "cache" / "contested.pickle").unlink()  # what was found in each translation: gone
    entry = Path(cache.Cache(site)._article_path("two"))
    entry.write_bytes(entry.read_bytes()[:-10])  # the entry of "two" without the end of its own words
    with (site / GLOSSARY).open("a", encoding="utf-8") as file:
        file.write("# The same names.\n")  # a rebuild, under the same names
    checked.clear()
    assert contested(messages(build_ok(site, out=out))) == first
    assert sorted(asked) == ["one", "two"] and len(checked) == 4


def test_a_preview_save_checks_the_saved_translation_only(write, checked: list[str]) -> None:
    site = _two_articles(write)
    preview = Preview(site, site / ".sitegen" / "preview")
    assert len(contested([str(d) for d in preview.build().diagnostics])) == 10
    checked.clear()
    saved = site / A / "one" / "ru.md"
    saved.write_text(saved.read_text(encoding="utf-8").replace("Ханкенди?", "Степанакерт?"), encoding="utf-8")
    update = preview.update([saved])
    assert checked == [f"{A}/one/ru.md"]
    found = contested([str(d) for d in update.diagnostics])
    assert len(found) == 10 and f"{A}/one/ru.md:10: warning: 'Степанакерт' is the name one side uses" in found[3]
