"""Passage-level translation staleness: the texts a translation was made from, and which changed since."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from sitegen import config as config_stage
from sitegen import content, lockfile, staleness, texts

from .conftest import TWO_VOICES, article, build_ok, invoke, snapshot

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


# -- the reader notice (stale_notice = true) ---------------------------------------------------------

NOTICE = {
    "en": "The original (Russian) has changed since this translation was made: parts of it may be out of date.",
    "ru": "Оригинал (английский) изменился после того, как был сделан этот перевод: "
    "часть текста может быть устаревшей.",
    "hy": "Բնօրինակը (անգլերեն) փոխվել է այս թարգմանությունից հետո. որոշ հատվածներ կարող են հնացած լինել։",
    "az": "Orijinal (ingilis) bu tərcümədən sonra dəyişib: tərcümənin bəzi hissələri köhnəlmiş ola bilər.",
    "ka": "ორიგინალი (ინგლისური) შეიცვალა ამ თარგმანის შემდეგ: ზოგიერთი ნაწილი შეიძლება მოძველებული იყოს.",
    "fa": "متن اصلی (انگلیسی) پس از این ترجمه تغییر کرده است: بخش‌هایی از آن ممکن است کهنه باشد.",
}
READ = {
    "en": "Read the original",
    "ru": "Читать оригинал",
    "hy": "Կարդալ բնօրինակը",
    "az": "Orijinalı oxuyun",
    "ka": "ორიგინალის წაკითხვა",
    "fa": "خواندن متن اصلی",
}


def notice(page: Path) -> str | None:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<p class="notice stale-notice"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>|[\u2068\u2069]", "", found[1]).strip() if found else None


def stale_site(site: Path, slug: str, notice_on: bool = True) -> None:
    """Mark every translation of ``slug``, then change a passage of its source; ``stale_notice`` as asked."""
    config = site / "sitegen.toml"
    if notice_on:
        config.write_text("stale_notice = true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke("i18n", "mark-translated", slug, "--all", "--site", str(site)).exit_code == 0
    config_value, _ = config_stage.load(site)
    source = site / "content" / "articles" / slug / f"{config_value.languages[0]}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(re.sub(r"(:::\n)(?=\n|$)", r"One more sentence.\n\1", text, count=1), encoding="utf-8")


def test_readers_see_the_notice_in_every_shipped_language(copy_site):
    site = copy_site("polyglot")
    stale_site(site, "water-dispute")
    build_ok(site)
    out = site / "output"
    assert notice(out / "en" / "water-dispute" / "index.html") is None, "the original is not behind itself"
    assert notice(out / "en" / "trade-corridor" / "index.html") is None
    for lang in ("ru", "hy", "az", "ka", "fa"):
        assert notice(out / lang / "water-dispute" / "index.html") == f"{NOTICE[lang]} {READ[lang]}", lang
        assert notice(out / lang / "trade-corridor" / "index.html") is None, "an unmarked article says nothing"
    persian = (out / "fa" / "water-dispute" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl"' in persian
    assert re.search(r'stale-notice.*?<a href="\.\./\.\./en/water-dispute/" hreflang="en">', persian, re.S)


def test_an_english_translation_names_its_russian_original(make_site):
    config = 'title = { ru = "Два взгляда", en = "Two views" }\nbase_url = "https://example.org/"\n'
    config += 'languages = ["ru", "en"]\n\n[cities.yerevan]\nname = { ru = "Ереван", en = "Yerevan" }\n'
    site = make_site({f"{SLUG}/ru.md": article(), f"{SLUG}/en.md": article()}, config=config)
    stale_site(site, "washington")
    build_ok(site)
    assert notice(site / "output" / "en" / "washington" / "index.html") == f"{NOTICE['en']} {READ['en']}"


def test_without_the_key_the_pages_are_the_same(copy_site, tmp_path):
    plain = copy_site("polyglot")
    build_ok(plain)
    marked_site = tmp_path / "marked"
    shutil.copytree(plain, marked_site, ignore=shutil.ignore_patterns("output", ".sitegen"))
    stale_site(marked_site, "water-dispute", notice_on=False)
    (marked_site / "content/articles/water-dispute/en.md").write_text(
        (plain / "content/articles/water-dispute/en.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    lock = marked_site / "content/articles/water-dispute" / lockfile.FILE
    data = json.loads(lock.read_text(encoding="utf-8"))
    data["translations"]["fa"]["texts"]["passage arakelyan share"]["digest"] = "0" * 12  # fa is behind
    lock.write_text(json.dumps(data), encoding="utf-8")
    report = build_ok(marked_site)
    stale = [str(d.location) for d in report.diagnostics if "is older than" in d.message]
    assert stale == ["content/articles/water-dispute/fa.md:28"]
    assert snapshot(marked_site / "output", hashed=True) == snapshot(plain / "output", hashed=True)


# -- the commands ----------------------------------------------------------------------------------


def test_mark_translated_writes_the_lock_and_check_shows_the_diff(make_site):
    site = make_site(files())
    result = invoke("i18n", "mark-translated", "washington", "ru", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert result.output == (f"marked {SLUG}/ru.md as translated from en.md (8 texts) -> {SLUG}/sitegen.lock\n")
    edit(site, "He calls the report part of an information war.", "He calls the report\npart of a campaign.")
    checked = invoke("check", "--diff", "--site", str(site))
    assert checked.exit_code == 0
    lines = checked.stderr.splitlines()
    assert lines == [
        f"{SLUG}/ru.md:23: warning: passage 'simonyan credible' is older than en.md:23 (changed 2023-06-07)",
        "    hint: translate the change ('sitegen check --diff' shows it), then run: "
        "sitegen i18n mark-translated washington ru",
        f"    --- en.md:23 as translated ({dt.date.today().isoformat()})",
        "    +++ en.md:23 now",
        "    @@ -1 +1,2 @@",
        "    -He calls the report part of an information war.",
        "    +He calls the report",
        "    +part of a campaign.",
    ]
    assert checked.stdout == "Checked 1 article: 0 errors, 1 warning in 3 files\n"
    plain = invoke("check", "--site", str(site))
    assert "@@" not in plain.stderr, "the diff only on request"
    as_json = json.loads(invoke("check", "--diff", "--format", "json", "--site", str(site)).stdout)
    assert as_json["diagnostics"][0]["diff"].endswith("+part of a campaign.")


def test_build_strict_refuses_a_stale_text_and_writes_nothing(make_site):
    site = make_site(files())
    invoke("i18n", "mark-translated", "washington", "--all", "--site", str(site))
    edit(site, "The agency wrote that.", "The agency wrote that, twice.")
    assert invoke("build", "--site", str(site)).exit_code == 0, "a warning without --strict"
    before = snapshot(site / "output")
    strict = invoke("build", "--strict", "--site", str(site))
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[0] == (
        f"{SLUG}/ru.md:19: error: passage 'simonyan claim' is older than en.md:19 (changed 2023-06-07)"
    )
    assert strict.stderr.splitlines()[-1] == "1 error, 0 warnings: nothing was written"
    assert snapshot(site / "output") == before
    invoke("i18n", "mark-translated", "washington", "ru", "--site", str(site))
    assert invoke("build", "--strict", "--site", str(site)).exit_code == 0


def test_mark_translated_says_what_is_wrong(make_site):
    site = make_site(files())
    assert (
        "name the languages translated" in invoke("i18n", "mark-translated", "washington", "--site", str(site)).output
    )
    wrong = invoke("i18n", "mark-translated", "washingtn", "ru", "--site", str(site))
    assert wrong.exit_code == 2 and "did you mean 'washington'?" in wrong.output
    source = invoke("i18n", "mark-translated", "washington", "en", "--site", str(site))
    assert source.exit_code == 2 and "'en' is the language the other versions are translated from" in source.output
    assert not (site / SLUG / lockfile.FILE).exists()


def test_mark_translated_all_marks_every_article(make_site):
    site = make_site({**files(), "content/articles/other/en.md": article(), "content/articles/other/ru.md": article()})
    result = invoke("i18n", "mark-translated", "--all", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert [line.split(" as ")[0] for line in result.output.splitlines()] == [
        "marked content/articles/other/ru.md",
        f"marked {SLUG}/ru.md",
    ]
    for folder in ("other", "washington"):
        lock = json.loads((site / "content/articles" / folder / lockfile.FILE).read_text(encoding="utf-8"))
        assert list(lock["translations"]) == ["ru"] and lock["translations"]["ru"]["from"] == "en"


def test_stale_passages_are_the_models_passages(make_site):
    site = make_site(files())
    marked(site)
    edit(site, "He calls it a message planted by the Kremlin.", "He calls it a Kremlin plant.")
    edit(site, "title: Is Washington threatening an operation?", "title: Is Washington threatening Karabakh?")
    _, article = load(site)
    stale = staleness.stale_texts(site, article)
    assert [s.label for s in stale] == ["the title", "passage 'namazov credible'"]
    [passage] = staleness.stale_passages(stale, article.translation("ru"))
    assert (passage.voice, passage.point, passage.location.line) == ("namazov", "credible", 27)
    assert staleness.stale_passages(stale, article.translation("en")) == ()


def test_the_date_is_the_last_commit_where_git_tracks_the_source(make_site):
    site = make_site(files())
    marked(site)
    edit(site, "The agency wrote that.", "The agency wrote that on Monday.", saved=dt.date(2024, 1, 9))
    environment = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2023-06-07T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2023-06-07T10:00:00+00:00",
    }
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=E", "-c", "user.email=e@x", "commit", "-qm", "x"]):
        subprocess.run(["git", *command], cwd=site, env=environment, check=True)
    _, article = load(site)
    assert [s.changed for s in staleness.stale_texts(site, article)] == [dt.date(2023, 6, 7)], "the commit's day"
    edit(site, "on Monday.", "on Tuesday.", saved=dt.date(2024, 1, 10))
    _, article = load(site)
    assert [s.changed for s in staleness.stale_texts(site, article)] == [dt.date(2024, 1, 10)], "changed since"
