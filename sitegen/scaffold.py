"""New articles from the site's config: one pre-filled, commented file per language.

Pure: takes the config and the choices made on the command line, returns the
text of each file. ``sitegen new`` writes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Person, SiteConfig
from .slugs import slugify

TODO = "TODO"


@dataclass(frozen=True, slots=True)
class NewVoice:
    """A voice asked for on the command line: a city and a name, or a registry person."""

    id: str
    city: str
    name: str = ""
    person: Person | None = None


def voices_for(config: SiteConfig, named: Sequence[tuple[str, str]], persons: Sequence[Person]) -> tuple[NewVoice, ...]:
    """Voices from ``--voice city:Name`` and ``--person id``; one placeholder per city when none given."""
    voices: list[NewVoice] = []
    taken: set[str] = set()

    def unique(base: str) -> str:
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        return candidate

    for person in persons:
        voices.append(NewVoice(unique(person.id), person.city, person=person))
    for city, name in named:
        base = slugify(name.split()[-1]) if name.strip() else f"{city}-voice"
        voices.append(NewVoice(unique(base), city, name.strip()))
    if not voices:
        voices = [NewVoice(unique(f"{city.id}-voice"), city.id) for city in config.cities]
    return tuple(voices)


def article_files(config: SiteConfig, voices: Sequence[NewVoice], today: dt.date, title: str = "") -> dict[str, str]:
    """``{lang: file text}`` for every configured language; the article starts as a draft."""
    return {
        lang: _file(config, lang, voices, today, title if lang == config.default_language else "")
        for lang in config.languages
    }


def _file(config: SiteConfig, lang: str, voices: Sequence[NewVoice], today: dt.date, title: str) -> str:
    say = _COMMENTS.get(lang, _COMMENTS["en"])
    cities = ", ".join(city.id for city in config.cities)
    lines = [
        "---",
        f"# {say['title']}",
        f"title: {_quote(title or TODO + ': ' + say['headline'])}",
        f"# {say['date']}",
        f"date: {today.isoformat()}",
        f"# {say['summary']}",
        f"summary: {_quote(TODO + ': ' + say['summary_text'])}",
        "tags: []",
        f"# {say['draft']}",
        "draft: true",
        f"# {say['voices'].format(cities=cities)}",
        f"# {say['same']}",
        "voices:",
    ]
    for voice in voices:
        if voice.person is not None:
            lines.append(f"  {voice.id}:  # {say['registry']}")
            continue
        lines += [
            f"  {voice.id}:",
            f"    city: {voice.city}",
            f"    name: {_quote(voice.name or TODO + ': ' + say['name'])}",
            f"    role: {_quote(TODO + ': ' + say['role'])}",
        ]
    lines += [f"# {say['points']}", "points:", f"  main: {_quote(TODO + ': ' + say['question'])}", "---", ""]
    lines += [f"{TODO}: {say['lead']}", ""]
    for voice in voices:
        name = voice.person.name_in(lang) if voice.person else voice.name
        lines += [f"::: {voice.id} main", f"{TODO}: {say['passage'].format(name=name or voice.id)}", ":::", ""]
    return "\n".join(lines)


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


_COMMENTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "The headline. Keep the quotes. Required.",
        "headline": "the headline",
        "date": "Publication date, YYYY-MM-DD. Required.",
        "summary": "One or two sentences shown under the headline and on the home page.",
        "summary_text": "one or two sentences",
        "draft": "The article is not published while this says true: delete the line when it is ready.",
        "voices": "Who speaks: an id, then city (one of: {cities}), name and role.",
        "same": "Ids, cities and point ids are the same in every language; names, roles and text are translated.",
        "registry": "from content/people.yaml",
        "name": "name",
        "role": "role, e.g. political scientist",
        "points": "The questions the voices are compared on, in the order shown. Passages name one after the voice.",
        "question": "the question",
        "lead": "the lead: what was reported or what happened, in a paragraph or two.",
        "passage": "what {name} says on this point.",
    },
    "ru": {
        "title": "Заголовок. Кавычки оставьте. Обязательно.",
        "headline": "заголовок",
        "date": "Дата публикации, ГГГГ-ММ-ДД. Обязательно.",
        "summary": "Одно-два предложения под заголовком и на главной странице.",
        "summary_text": "одно-два предложения",
        "draft": "Пока здесь true, статья не публикуется: удалите строку, когда текст готов.",
        "voices": "Кто говорит: id, затем city (один из: {cities}), name (имя) и role (кто это).",
        "same": "Id, города и id вопросов одинаковы во всех языках; имена, роли и текст переводятся.",
        "registry": "из content/people.yaml",
        "name": "имя",
        "role": "роль, например политолог",
        "points": "Вопросы, по которым сравниваются мнения, в порядке показа. Фрагмент называет вопрос после голоса.",
        "question": "вопрос",
        "lead": "вводка: что сообщили или что произошло, в одном-двух абзацах.",
        "passage": "что говорит {name} по этому вопросу.",
    },
    "hy": {
        "title": "Վերնագիրը։ Չակերտները թողեք։ Պարտադիր է։",
        "headline": "վերնագիրը",
        "date": "Հրապարակման ամսաթիվը՝ ՏՏՏՏ-ԱԱ-ՕՕ։ Պարտադիր է։",
        "summary": "Մեկ-երկու նախադասություն վերնագրի տակ և գլխավոր էջում։",
        "summary_text": "մեկ-երկու նախադասություն",
        "draft": "Քանի դեռ այստեղ true է, հոդվածը չի հրապարակվում. ջնջեք տողը, երբ պատրաստ լինի։",
        "voices": "Ով է խոսում՝ id, ապա city (մեկը՝ {cities}), name (անուն) և role (դեր)։",
        "same": "Id-ները, քաղաքները և հարցերի id-ները բոլոր լեզուներում նույնն են. անուններն ու տեքստը թարգմանվում են։",
        "registry": "content/people.yaml-ից",
        "name": "անունը",
        "role": "դերը, օրինակ՝ քաղաքագետ",
        "points": "Հարցերը, որոնցով համեմատվում են կարծիքները, ցուցադրման հերթականությամբ։",
        "question": "հարցը",
        "lead": "ներածություն. ինչ է հաղորդվել կամ ինչ է տեղի ունեցել, մեկ-երկու պարբերությամբ։",
        "passage": "ինչ է ասում {name}-ը այս հարցի շուրջ։",
    },
    "az": {
        "title": "Başlıq. Dırnaqları saxlayın. Məcburidir.",
        "headline": "başlıq",
        "date": "Dərc tarixi, İİİİ-AA-GG. Məcburidir.",
        "summary": "Başlığın altında və ana səhifədə göstərilən bir-iki cümlə.",
        "summary_text": "bir-iki cümlə",
        "draft": "Burada true yazıldıqca məqalə dərc olunmur: hazır olanda sətri silin.",
        "voices": "Kim danışır: id, sonra city (bunlardan biri: {cities}), name (ad) və role (rol).",
        "same": "Id-lər, şəhərlər və sualların id-ləri bütün dillərdə eynidir; adlar, rollar və mətn tərcümə olunur.",
        "registry": "content/people.yaml-dan",
        "name": "ad",
        "role": "rol, məsələn, politoloq",
        "points": "Fikirlərin müqayisə olunduğu suallar, göstəriləcəyi ardıcıllıqla.",
        "question": "sual",
        "lead": "giriş: nə xəbər verildi və ya nə baş verdi, bir-iki abzasda.",
        "passage": "{name} bu sual barədə nə deyir.",
    },
    "ka": {
        "title": "სათაური. ბრჭყალები დატოვეთ. სავალდებულოა.",
        "headline": "სათაური",
        "date": "გამოქვეყნების თარიღი, წწწწ-თთ-დდ. სავალდებულოა.",
        "summary": "ერთი-ორი წინადადება სათაურის ქვეშ და მთავარ გვერდზე.",
        "summary_text": "ერთი-ორი წინადადება",
        "draft": "სანამ აქ true წერია, სტატია არ ქვეყნდება: როცა მზად იქნება, წაშალეთ ეს ხაზი.",
        "voices": "ვინ საუბრობს: id, შემდეგ city (ერთ-ერთი: {cities}), name (სახელი) და role (როლი).",
        "same": "Id-ები, ქალაქები და კითხვების id-ები ყველა ენაზე ერთნაირია; სახელები, როლები და ტექსტი ითარგმნება.",
        "registry": "content/people.yaml-დან",
        "name": "სახელი",
        "role": "როლი, მაგალითად, პოლიტოლოგი",
        "points": "კითხვები, რომლებზეც მოსაზრებები შედარდება, ჩვენების რიგით.",
        "question": "კითხვა",
        "lead": "შესავალი: რა გავრცელდა ან რა მოხდა, ერთ-ორ აბზაცში.",
        "passage": "რას ამბობს {name} ამ საკითხზე.",
    },
    "fa": {
        "title": "تیتر. گیومه‌ها را نگه دارید. الزامی است.",
        "headline": "تیتر",
        "date": "تاریخ انتشار، YYYY-MM-DD (سال-ماه-روز میلادی). الزامی است.",
        "summary": "یکی دو جمله زیر تیتر و در صفحهٔ نخست.",
        "summary_text": "یکی دو جمله",
        "draft": "تا وقتی اینجا true است، مطلب منتشر نمی‌شود: وقتی آماده شد، این سطر را پاک کنید.",
        "voices": "چه کسی سخن می‌گوید: id، سپس city (یکی از: {cities})، name (نام) و role (نقش).",
        "same": "idها، شهرها و id پرسش‌ها در همهٔ زبان‌ها یکی است؛ نام‌ها، نقش‌ها و متن ترجمه می‌شوند.",
        "registry": "از content/people.yaml",
        "name": "نام",
        "role": "نقش، مثلاً تحلیلگر سیاسی",
        "points": "پرسش‌هایی که دیدگاه‌ها بر پایهٔ آن‌ها مقایسه می‌شوند، به ترتیب نمایش.",
        "question": "پرسش",
        "lead": "درآمد: چه گزارش شد یا چه رخ داد، در یکی دو بند.",
        "passage": "آنچه {name} دربارهٔ این پرسش می‌گوید.",
    },
}
