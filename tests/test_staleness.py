"""Passage-level translation staleness: the texts a translation was made from, and which changed since."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from sitegen import config as config_stage
from sitegen import content, lockfile, staleness, texts

from .conftest import TWO_VOICES

EN = """\
---
title: Is Washington threatening an operation?
date: 2023-06-05
summary: Two commentators answer.
voices:
{voices}points:
  claim: What was reported?
  credible: Is the report credible?
---

The lead, in the outlet's words.

::: simonyan claim
The agency wrote that.
:::

::: simonyan credible
He calls the report part of an information war.
:::

::: namazov credible
He calls it a message planted by the Kremlin.
:::
"""
RU = """\
---
title: Угрожает ли Вашингтон операцией?
date: 2023-06-05
summary: Отвечают два комментатора.
voices:
{voices}points:
  claim: Что сообщили?
  credible: Можно ли верить?
---

Вступление от редакции.

::: simonyan claim
Агентство написало это.
:::

::: simonyan credible
Он называет сообщение частью информационной войны.
:::

::: namazov credible
Он называет это вбросом Кремля.
:::
"""
SLUG = "content/articles/washington"


def files(en: str = EN, ru: str = RU) -> dict[str, str]:
    return {f"{SLUG}/en.md": en.format(voices=TWO_VOICES), f"{SLUG}/ru.md": ru.format(voices=TWO_VOICES)}


def load(site: Path):
    config, problems = config_stage.load(site)
    assert config is not None, problems
    loaded, _ = content.load(config, site, drafts=True)
    return config, loaded.article("washington")


def marked(site: Path, lang: str = "ru", today: dt.date = dt.date(2023, 6, 6)) -> None:
    _, article = load(site)
    lockfile.write(site / SLUG, staleness.mark(site, article, lang, today))


def edit(site: Path, old: str, new: str, saved: dt.date = dt.date(2023, 6, 7)) -> None:
    path = site / SLUG / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    moment = dt.datetime(saved.year, saved.month, saved.day, 12, tzinfo=dt.UTC).timestamp()
    os.utime(path, (moment, moment))


def test_texts_are_keyed_as_agreement_pairs_passages():
    found = texts.read(EN.format(voices=TWO_VOICES) + "\n::: simonyan credible\nAgain.\n:::\n", "en.md")
    keys = [(t.key, t.label, t.line) for t in found]
    assert keys == [
        ("title", "the title", 2),
        ("summary", "the summary", 4),
        ("point claim", "point 'claim'", 13),
        ("point credible", "point 'credible'", 14),
        ("lead", "the lead", 17),
        ("passage simonyan claim", "passage 'simonyan claim'", 19),
        ("passage simonyan credible", "passage 'simonyan credible'", 23),
        ("passage namazov credible", "passage 'namazov credible'", 27),
        ("passage simonyan credible #2", "passage 'simonyan credible' (2nd)", 31),
    ]
    assert found[6].text == "He calls the report part of an information war."


def test_an_unmarked_translation_is_never_stale(make_site):
    site = make_site(files())
    edit(site, "information war", "information campaign")
    _, article = load(site)
    assert staleness.stale_texts(site, article) == []
    assert not (site / SLUG / lockfile.FILE).exists()


def test_a_marked_translation_is_stale_where_its_source_changed(make_site):
    site = make_site(files())
    marked(site)
    _, article = load(site)
    assert staleness.stale_texts(site, article) == []
    edit(site, "information war", "information campaign")
    edit(site, "summary: Two commentators answer.", "summary: Two commentators disagree.")
    _, article = load(site)
    stale = staleness.stale_texts(site, article)
    assert [(s.lang, s.path, s.line, s.source_path, s.source_line, s.label) for s in stale] == [
        ("ru", f"{SLUG}/ru.md", 4, f"{SLUG}/en.md", 4, "the summary"),
        ("ru", f"{SLUG}/ru.md", 23, f"{SLUG}/en.md", 23, "passage 'simonyan credible'"),
    ]
    passage = stale[1]
    assert passage.changed == dt.date(2023, 6, 7)
    assert passage.old == "He calls the report part of an information war."
    assert passage.new == "He calls the report part of an information campaign."
    assert passage.message == "passage 'simonyan credible' is older than en.md:23 (changed 2023-06-07)"
    assert "-He calls the report part of an information war." in passage.diff()
    assert "+He calls the report part of an information campaign." in passage.diff()


def test_marking_again_makes_it_current_and_keeps_the_other_entries(make_site):
    site = make_site(files())
    marked(site)
    lock, _ = lockfile.read(site / SLUG, SLUG)
    lockfile.write(
        site / SLUG, lockfile.Lock(lock.translations, {"baku": lockfile.SignOff("leyla", "x", "2023-06-01")})
    )
    edit(site, "information war", "information campaign")
    marked(site, today=dt.date(2023, 6, 8))
    _, article = load(site)
    assert staleness.stale_texts(site, article) == []
    data = json.loads((site / SLUG / lockfile.FILE).read_text(encoding="utf-8"))
    assert data["translations"]["ru"]["marked"] == "2023-06-08"
    assert data["reviews"]["baku"]["editor"] == "leyla"


def test_the_check_warns_at_the_translations_line(make_site):
    site = make_site(files())
    marked(site)
    edit(site, "The agency wrote that.", "The agency wrote that on Monday.")
    _, article = load(site)
    [problem] = staleness.check(site, article)
    assert str(problem) == (
        f"{SLUG}/ru.md:19: warning: passage 'simonyan claim' is older than en.md:19 (changed 2023-06-07) "
        "(translate the change ('sitegen check --diff' shows it), then run: "
        "sitegen i18n mark-translated washington ru)"
    )


def test_a_broken_lock_is_an_error_at_its_line(make_site):
    site = make_site({**files(), f"{SLUG}/{lockfile.FILE}": '{\n  "format": 1,\n  "translations": {\n}'})
    _, article = load(site)
    [problem] = staleness.check(site, article)
    assert problem.is_error and problem.location.path == f"{SLUG}/sitegen.lock" and problem.location.line == 4
