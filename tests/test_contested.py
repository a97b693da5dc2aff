"""The contested-names matcher: whole words in any script, any case, Russian case endings, the house form."""

from __future__ import annotations

import pytest

from sitegen.contested import HOUSE, ContestedName, Form, Matcher, one_sided, pattern, russian
from sitegen.errors import Location

HERE = Location("content/glossary.yaml", 1)


def name(name_id: str, lang: str, house: str, **sides: str | list[str]) -> ContestedName:
    """A glossary entry in one language: ``sides`` maps a city id to its form(s)."""
    forms = [
        Form(text, lang, side, HERE)
        for side, written in sides.items()
        for text in ([written] if isinstance(written, str) else written)
    ]
    forms.append(Form(house, lang, HOUSE, HERE))
    return ContestedName(name_id, tuple(forms), {lang: house}, HERE)


EN = [
    name("stepanakert", "en", "Stepanakert/Khankendi", yerevan="Stepanakert", baku=["Khankendi", "Xankendi"]),
    name("nagorno-karabakh", "en", "Nagorno-Karabakh", yerevan="Artsakh", baku="Karabakh economic region"),
]
RU = [
    name("stepanakert", "ru", "Степанакерт/Ханкенди", yerevan="Степанакерт", baku="Ханкенди"),
    name("shusha", "ru", "Шуша/Шуши", yerevan="Шуши", baku="Шуша"),
    name("nagorno-karabakh", "ru", "Нагорный Карабах", yerevan="Арцах", baku="Карабахский экономический район"),
]


def sides(names: list[ContestedName], lang: str, text: str) -> list[tuple[str, str]]:
    """What a text says one-sidedly: (as written, whose form)."""
    return [(hit.written, hit.side) for hit in one_sided(Matcher.of(names, lang).hits(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks in Khankendi resumed.", [("Khankendi", "baku")]),
        ("Talks in KHANKENDI and xankendi resumed.", [("KHANKENDI", "baku"), ("xankendi", "baku")]),
        ("Khankendi's mayor spoke.", [("Khankendi", "baku")]),
        ("The Stepanakert-based press.", [("Stepanakert", "yerevan")]),
        ("Leaders of Artsakh met.", [("Artsakh", "yerevan")]),
        ("The Karabakh economic region was named.", [("Karabakh economic region", "baku")]),
        ("The Karabakh  economic\nregion was named.", [("Karabakh  economic\nregion", "baku")]),
        # The house form, spaced or not, and a text that names both sides' forms, take no side.
        ("Talks in Stepanakert/Khankendi resumed.", []),
        ("Talks in Stepanakert / Khankendi resumed.", []),
        ("Talks in Stepanakert (Khankendi in Azerbaijani) resumed.", []),
        ("Nagorno-Karabakh, which Armenians call Artsakh.", []),
        # Never inside a longer word.
        ("The Khankendis and Stepanakertians; XStepanakert; Artsakh2.", []),
        ("Karabakh alone, and the economic region.", []),
    ],
)
def test_english(text: str, expected: list[tuple[str, str]]) -> None:
    assert sides(EN, "en", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Встреча в Степанакерт.", [("Степанакерт", "yerevan")]),
        (
            "Из Степанакерта, в Степанакерте, над Степанакертом, к Степанакерту.",
            [
                ("Степанакерта", "yerevan"),
                ("Степанакерте", "yerevan"),
                ("Степанакертом", "yerevan"),
                ("Степанакерту", "yerevan"),
            ],
        ),
        ("в СТЕПАНАКЕРТЕ и в степанакерте", [("СТЕПАНАКЕРТЕ", "yerevan"), ("степанакерте", "yerevan")]),
        ("Из Ханкенди в Ханкенди.", [("Ханкенди", "baku"), ("Ханкенди", "baku")]),
        ("Лидеры Арцаха и Арцахом.", [("Арцаха", "yerevan"), ("Арцахом", "yerevan")]),
        ("В Шуше, под Шушой, в Шушу.", [("Шуше", "baku"), ("Шушой", "baku"), ("Шушу", "baku")]),
        # Шуши is Yerevan's name as listed, not the genitive of Baku's Шуша.
        ("Из Шуши.", [("Шуши", "yerevan")]),
        ("Для Карабахского экономического района.", [("Карабахского экономического района", "baku")]),
        # The house form, inflected too, and both sides' forms together, take no side.
        ("Руководство в Степанакерте/Ханкенди.", []),
        ("Руководство Нагорного Карабаха и в Нагорном Карабахе.", []),
        ("В Шуше (Шуши).", []),
        # Never inside a longer word: a derived adjective, or an ending that is not one.
        ("Степанакертский аэропорт, ханкендинцы, Степанакертия, Арцахский.", []),
    ],
)
def test_russian(text: str, expected: list[tuple[str, str]]) -> None:
    assert sides(RU, "ru", text) == expected


@pytest.mark.parametrize(
    ("word", "stem", "endings"),
    [
        ("Степанакерт", "Степанакерт", {"", "а", "е", "ом", "у"}),
        ("Шуша", "Шуш", {"а", "и", "е", "у", "ой"}),
        ("Армения", "Армени", {"я", "и", "ю", "ей"}),
        ("Нагорный", "Нагорн", {"ый", "ого", "ом", "ому", "ым"}),
        ("Нахичевань", "Нахичевань"[:-1], {"ь", "и", "ью"}),
        ("Ханкенди", "Ханкенди", set()),
        ("Баку", "Баку", set()),
        ("Khankendi", "Khankendi", set()),
    ],
)
def test_russian_endings(word: str, stem: str, endings: set[str]) -> None:
    found_stem, found = russian(word)
    assert found_stem == stem
    assert endings <= set(found) if endings else found == ()


@pytest.mark.parametrize(
    ("lang", "form", "hit", "found", "miss"),
    [
        ("hy", "Ստեփանակերտ", "Հանդիպումը Ստեփանակերտ քաղաքում էր։", ["Ստեփանակերտ"], "Ստեփանակերտում էր։"),
        ("az", "Xankəndi", "XANKƏNDİ deyil, Xankəndi şəhəri.", ["XANKƏNDİ", "Xankəndi"], "Xankəndilər"),
        ("ka", "ხანქენდი", "შეხვედრა ხანქენდი-ში იყო.", ["ხანქენდი"], "ხანქენდიში"),
        ("fa", "خانکندی", "دیدار در خانکندی بود.", ["خانکندی"], "خانکندیها"),
    ],
)
def test_other_scripts_match_whole_words(lang: str, form: str, hit: str, found: list[str], miss: str) -> None:
    names = [name("stepanakert", lang, "—", baku=form)]
    assert sides(names, lang, hit) == [(written, "baku") for written in found]
    assert sides(names, lang, miss) == []


def test_only_the_forms_a_text_comes_near_are_tried() -> None:
    """Words are looked up in an index: a long glossary costs no more per word than a short one."""
    many = [name(f"n{i}", "ru", f"Дом{i}", yerevan=f"Город {i}", baku=f"Село{i}") for i in range(1000)]
    matcher = Matcher.of(many, "ru")
    text = "Из Города 17 в Село299 и Дом5, мимо городов и сёл. " * 50
    hits = matcher.hits(text)
    assert [(hit.written, hit.side) for hit in hits[:3]] == [
        ("Города 17", "yerevan"),
        ("Село299", "baku"),
        ("Дом5", ""),
    ]
    assert len(hits) == 150
    # Every "Город <n>" starts with the same word, so those 1000 are tried at "Города"; at "Село299" only
    # Село299, at "Дом5" only Дом5: none of the other 1,998 forms.
    assert len(matcher.compiled) == 1002


def test_pattern_escapes_the_form() -> None:
    assert pattern("St. Mary (old)", "en") == r"St\s*\.\s*Mary\s*\(\s*old"
    assert pattern("Нагорный Карабах", "ru").startswith(r"Нагорн(?:")
