"""Generate a large site to the content contract, for benchmarks.

    python bench/gen_site.py N DIR [--glossary]

writes ``DIR/sitegen.toml`` and N articles in ``DIR/content/articles/``, each in
English and Russian: three voices from three cities, two or three points, three
to six passages, about 800 words a file, tags drawn from 40, dates spread over
five years. The same N always gives the same files, so runs compare. With
``--glossary``, also a ``content/glossary.yaml`` of contested names, so every
build checks the outlet's own words against it (none of its names is a word of
the text: the check reads every word, and finds nothing to warn about).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

CONFIG = """\
title = { en = "Benchmark: two views", ru = "Бенчмарк: два взгляда" }
base_url = "https://example.org/news/"
languages = ["en", "ru"]
per_page = 10

[cities.yerevan]
name = { en = "Yerevan", ru = "Ереван" }
[cities.baku]
name = { en = "Baku", ru = "Баку" }
[cities.moscow]
name = { en = "Moscow", ru = "Москва" }
"""

GLOSSARY = """\
stepanakert:
  yerevan: { en: Stepanakert, ru: Степанакерт }
  baku: { en: Khankendi, ru: Ханкенди }
  house: { en: Stepanakert/Khankendi, ru: Степанакерт/Ханкенди }
lachin:
  yerevan: { en: Berdzor, ru: Бердзор }
  house: { en: Lachin, ru: Лачин }
"""

WORDS = {
    "en": (
        "the border talks commission report agency claim minister treaty road water village trade corridor "
        "analyst says that would could never always peace security question answer government parliament "
        "energy pipeline tariff market price region neighbour history memory mountain river bridge railway "
        "statement interview source official unofficial pressure support army observer mission agreement"
    ).split(),
    "ru": (
        "граница переговоры комиссия доклад агентство заявление министр договор дорога вода село торговля "
        "коридор аналитик говорит что было бы никогда всегда мир безопасность вопрос ответ правительство "
        "парламент энергия трубопровод тариф рынок цена регион сосед история память гора река мост железная "
        "дорога интервью источник официальный давление поддержка армия наблюдатель миссия соглашение"
    ).split(),
}
CITIES = ("yerevan", "baku", "moscow")
NAMES = {
    "yerevan": ("Gurgen Simonyan", "Гурген Симонян"),
    "baku": ("Hagi Namazov", "Хаги Намазов"),
    "moscow": ("RIA Novosti", "РИА Новости"),
}
ROLES = {"en": "commentator", "ru": "комментатор"}
TAGS = [f"tag{number:02d}" for number in range(40)]
START = dt.date(2019, 1, 1)


def sentence(rng: random.Random, lang: str, words: int) -> str:
    chosen = [rng.choice(WORDS[lang]) for _ in range(words)]
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def paragraph(rng: random.Random, lang: str, words: int) -> str:
    parts, left = [], words
    while left > 0:
        size = min(left, rng.randint(8, 16))
        parts.append(sentence(rng, lang, size))
        left -= size
    return " ".join(parts)


def plan_article(number: int) -> dict:
    """What both translations share: voices, points, passages, tags, date."""
    rng = random.Random(number)
    points = [f"p{index}" for index in range(rng.randint(2, 3))]
    count = rng.randint(3, 6)
    passages = [(CITIES[index % 3], points[index % len(points)]) for index in range(count)]
    return {
        "slug": f"article-{number:05d}",
        "date": START + dt.timedelta(days=rng.randrange(5 * 365)),
        "tags": rng.sample(TAGS, rng.randint(1, 4)),
        "points": points,
        "passages": passages,
        "seed": number,
    }


def article_text(shape: dict, lang: str, words: int = 800) -> str:
    rng = random.Random(f"{shape['seed']}-{lang}")
    index = 0 if lang == "en" else 1
    voices = "".join(
        f"  {city}:\n    city: {city}\n    name: {NAMES[city][index]}\n    role: {ROLES[lang]}\n" for city in CITIES
    )
    points = "".join(f"  {point}: {sentence(rng, lang, 6)[:-1]}?\n" for point in shape["points"])
    front = (
        f"---\ntitle: {sentence(rng, lang, 7)[:-1]}\ndate: {shape['date'].isoformat()}\n"
        f"summary: {sentence(rng, lang, 18)}\ntags: [{', '.join(shape['tags'])}]\n"
        f"voices:\n{voices}points:\n{points}---\n\n"
    )
    share = (words - 100) // len(shape["passages"])
    body = [paragraph(rng, lang, 100)]
    body += [f"::: {city} {point}\n{paragraph(rng, lang, share)}\n:::" for city, point in shape["passages"]]
    return front + "\n\n".join(body) + "\n"


def generate(count: int, target: Path, glossary: bool = False) -> None:
    """Write a fresh site of ``count`` articles into ``target`` (replacing what was there), with a glossary of
    contested names when asked."""
    if target.exists():
        shutil.rmtree(target)
    articles = target / "content" / "articles"
    articles.mkdir(parents=True)
    (target / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    if glossary:
        (target / "content" / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    for number in range(count):
        shape = plan_article(number)
        folder = articles / shape["slug"]
        folder.mkdir()
        for lang in ("en", "ru"):
            (folder / f"{lang}.md").write_text(article_text(shape, lang), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="how many articles (each in English and Russian)")
    parser.add_argument("target", type=Path, help="the site folder to write (replaced if it exists)")
    parser.add_argument("--glossary", action="store_true", help="also write a glossary of contested names")
    args = parser.parse_args()
    generate(args.count, args.target, args.glossary)
    print(f"{args.count} articles x 2 languages -> {args.target}")


if __name__ == "__main__":
    main()
