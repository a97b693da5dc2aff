"""The default theme's interface catalogs: complete, in step with the templates, and used by the build.

The template strings are extracted the way ``pybabel extract -F theme/babel.cfg`` does
it, so a string added to (or dropped from) a template fails here for every language
until its catalog follows.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections import Counter
from functools import cache
from pathlib import Path

import jinja2.ext
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from click.testing import CliRunner

from sitegen import cli, localization
from sitegen.localization import format_date, language_name

from .conftest import REPO, build_ok

THEME = REPO / "theme"
CATALOGS = sorted(THEME.glob("locales/*/LC_MESSAGES/messages.po"))
LANGUAGES = [path.parts[-3] for path in CATALOGS]
#: ``%(city)s``, ``%(num)d``: a named placeholder with its conversion.
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-zA-Z]")

MessageId = str | tuple[str, ...]


@cache
def template_messages() -> dict[MessageId, tuple[str, ...]]:
    """Every msgid the theme's templates use (a (singular, plural) tuple for ngettext) -> where."""
    with (THEME / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename=str(THEME / "babel.cfg"))
    methods = {"jinja2": jinja2.ext.babel_extract}
    method_map = [(pattern, methods.get(method, method)) for pattern, method in method_map]
    found: dict[MessageId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(str(THEME), method_map, options_map):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return {message: tuple(places) for message, places in found.items()}


def load(lang: str) -> Catalog:
    path = THEME / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, abort_invalid=True)


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_the_templates_use_interface_strings() -> None:
    messages = template_messages()
    assert "Skip to content" in messages, "extraction found the base template's strings"
    assert ("%(num)s voice from %(cities)s", "%(num)s voices from %(cities)s") in messages, "and the plurals"
    assert any(place.startswith("templates/feed.xml:") for places in messages.values() for place in places)
    assert {"en", "ru", "hy", "az"} <= set(LANGUAGES)


def choices(plural_forms: str) -> list[int]:
    """The form a ``Plural-Forms`` header picks for each n in 0..1000: how two rules are compared."""
    count, expression = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.*?);?\s*", plural_forms).groups()
    pick = gettext.c2py(expression)
    return [int(count), *(pick(n) for n in range(1001))]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_names_the_language_and_babels_plural_rule(lang: str) -> None:
    headers = dict(load(lang).mime_headers)
    assert headers["Language"] == lang
    assert choices(headers["Plural-Forms"]) == choices(str(get_plural(lang))), "the same form for every number"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_plural_rules_are_compared_by_what_they_choose() -> None:
    russian = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    assert choices(russian) == choices(str(get_plural("ru")))
    assert choices("nplurals=2; plural=(n != 1);") != choices("nplurals=2; plural=(n > 1);"), "0 differs"
    assert choices("nplurals=1; plural=0;") != choices("nplurals=2; plural=(n > 1);")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_message_has_the_rules_number_of_forms(lang: str) -> None:
    catalog = load(lang)
    wrong = [m.id for m in catalog if isinstance(m.id, tuple) and len(forms(m.string)) != catalog.num_plurals]
    assert not wrong, f"{lang}: not {catalog.num_plurals} forms: {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_string_is_translated(lang: str) -> None:
    catalog = load(lang)
    problems = []
    for message_id, places in template_messages().items():
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        message = catalog.get(key)
        where = f"{key!r} ({places[0]})"
        if message is None:
            problems.append(f"missing: {where}")
            continue
        if message.id != message_id:
            problems.append(f"msgid differs from the template's: {where}: {message.id!r}")
            continue
        strings = forms(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {where}")
        if isinstance(message_id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms instead of {catalog.num_plurals}: {where}")
        if not all(string.strip() for string in strings):
            problems.append(f"untranslated: {where}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang: str) -> None:
    problems = []
    for message in load(lang):
        if not message.id:
            continue
        ids = forms(message.id)
        expected = placeholders(ids[0])
        assert all(placeholders(other) == expected for other in ids[1:]), f"msgid and msgid_plural differ: {ids}"
        for string in forms(message.string):
            if placeholders(string) != expected:
                problems.append(f"{ids[0]!r}: {string!r} has {sorted(placeholders(string).elements())}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_the_templates_no_longer_use(lang: str) -> None:
    catalog = load(lang)
    used = {message_id[0] if isinstance(message_id, tuple) else message_id for message_id in template_messages()}
    stale = [forms(message.id)[0] for message in catalog if message.id and forms(message.id)[0] not in used]
    assert not stale, f"{lang}: messages no template uses: {stale}"
    assert not catalog.obsolete, f"{lang}: obsolete (#~) entries left: {list(catalog.obsolete)}"


# --- an Armenian and Azerbaijani site -------------------------------------------------------------

CONFIG = """\
title = { hy = "Երևան–Բաքու. երկու հայացք", az = "Bakı–İrəvan: iki baxış" }
base_url = "https://example.org/news/"
languages = ["hy", "az"]

[cities.yerevan]
name = { hy = "Երևան", az = "İrəvan" }
[cities.baku]
name = { hy = "Բաքու", az = "Bakı" }
[cities.moscow]
name = { hy = "Մոսկվա", az = "Moskva" }
"""

DATE = dt.date(2023, 6, 5)

ARTICLES = {
    "content/articles/water-dispute/hy.md": """\
---
title: Ո՞ւմ գետն է սա
date: 2023-06-05
summary: Երկու գյուղ, մեկ գետ։
voices:
  arakelyan:
    city: yerevan
    name: Անի Առաքելյան
    role: լրագրող
  aliyeva:
    city: baku
    name: Լեյլա Ալիևա
    role: ջրաբան
  ria:
    city: moscow
    name: ՌԻԱ Նովոստի
    role: պետական գործակալություն
points:
  share: Ու՞մ է պատկանում ջուրը։
  next: Ի՞նչ է լինելու հետո։
---

::: arakelyan share
Գետը միշտ ընդհանուր է եղել։
:::

::: aliyeva share
Ջրի քվոտաները պետք է գրի առնել։
:::

::: arakelyan next
Գյուղացիները կհամաձայնեն։
:::

::: ria next
Գործակալությունը գրում է, որ բանակցություններ են սպասվում։
:::

::: aliyeva
Ամռան վերջին հարցը կլուծվի։
:::

::: arakelyan
Ջուրը քաղաքականություն չէ։
:::
""",
    "content/articles/water-dispute/az.md": """\
---
title: Bu çay kimindir?
date: 2023-06-05
summary: İki kənd, bir çay.
voices:
  arakelyan:
    city: yerevan
    name: Ani Arakelyan
    role: jurnalist
  aliyeva:
    city: baku
    name: Leyla Əliyeva
    role: hidroloq
  ria:
    city: moscow
    name: RİA Novosti
    role: dövlət agentliyi
points:
  share: Su kimə məxsusdur?
  next: Bundan sonra nə olacaq?
---

::: arakelyan share
Çay həmişə ortaq olub.
:::

::: aliyeva share
Su kvotaları yazılı şəkildə razılaşdırılmalıdır.
:::

::: arakelyan next
Kəndlilər razılaşacaq.
:::

::: ria next
Agentlik danışıqların gözlənildiyini yazır.
:::

::: aliyeva
Yayın sonunda məsələ həll olunacaq.
:::

::: arakelyan
Su siyasət deyil.
:::
""",
    "content/articles/only-armenian/hy.md": """\
---
title: Միայն հայերեն
date: 2023-06-06
voices:
  arakelyan:
    city: yerevan
    name: Անի Առաքելյան
---

::: arakelyan
Այս հոդվածը թարգմանված չէ։
:::
""",
    "content/articles/only-azerbaijani/az.md": """\
---
title: Yalnız Azərbaycan dilində
date: 2023-06-07
voices:
  aliyeva:
    city: baku
    name: Leyla Əliyeva
---

::: aliyeva
Bu məqalə tərcümə olunmayıb.
:::
""",
}

#: Strings of each catalog that the pages must show, where (path in the output) and what.
EXPECTED = {
    "hy": {
        "hy/water-dispute/index.html": [
            "Անցնել բովանդակությանը",
            ">Քաղաքներ</a>",
            ">Թեմաներ</a>",
            "3 կարծիք՝ Երևան, Բաքու և Մոսկվա",
            "Մոսկվա — մեկնաբանություն չկա",
            "Կարծիքները կողք կողքի",
            "Հնչել է նաև",
            "Բաքու — այս հարցի վերաբերյալ մեկնաբանություն չկա",
            "Բոլոր լեզուները կողք կողքի",
            "Atom լրահոս",
        ],
        "hy/only-armenian/index.html": [
            "Թարգմանություն դեռ չկա՝ ադրբեջաներեն։",
            'title="Ադրբեջաներեն տարբերակ չկա">Azərbaycan</a>',
        ],
        "hy/cities/index.html": ["<h1>Քաղաքներ</h1>", "4 մեկնաբանություն"],
        "hy/cities/baku/index.html": ["Բաքու — բոլոր մեկնաբանությունները՝ նորերից սկսած։"],
        "hy/water-dispute/parallel/index.html": ["Վերադառնալ համեմատությանը"],
    },
    "az": {
        "az/water-dispute/index.html": [
            "Məzmuna keçin",
            ">Şəhərlər</a>",
            ">Mövzular</a>",
            "3 rəy: İrəvan, Bakı və Moskva",
            "Moskva: şərh yoxdur",
            "Rəylər yan-yana",
            "Həmçinin səslənib",
            "Bakı: bu sual üzrə şərh yoxdur",
            "Bütün dillər yan-yana",
            "Atom lenti",
        ],
        "az/only-azerbaijani/index.html": [
            "Tərcüməsi hələ yoxdur: erməni.",
            'title="Erməni versiyası yoxdur">Հայերեն</a>',
        ],
        "az/cities/index.html": ["<h1>Şəhərlər</h1>", "3 şərh"],
        "az/cities/baku/index.html": ["Bakı: bütün şərhlər, əvvəlcə ən yeniləri."],
        "az/water-dispute/parallel/index.html": ["Müqayisəyə qayıdın"],
    },
}

#: English strings that would leak through if a page fell back to the msgids.
ENGLISH = ["Skip to content", "No comment from", "Cities", "Read all languages side by side", "Atom feed"]


@pytest.fixture
def out(make_site, tmp_path: Path) -> Path:
    site = make_site(ARTICLES, config=CONFIG)
    return build_ok(site, out=tmp_path / "out").out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["hy", "az"])
def test_pages_speak_the_pages_language(out: Path, lang: str) -> None:
    for rel, strings in EXPECTED[lang].items():
        page = read(out, rel)
        assert f'<html lang="{lang}"' in page, rel
        for string in strings:
            assert string in page, f"{rel}: {string!r}"
        for english in ENGLISH:
            assert english not in page, f"{rel}: English {english!r} leaked"


#: 5 June 2023 in CLDR's long date format, and each language's own name, as CLDR writes them.
LONG_DATE = {"hy": "2023 թ. հունիսի 5", "az": "5 iyun 2023"}
OWN_NAME = {"hy": "Հայերեն", "az": "Azərbaycan"}


@pytest.mark.parametrize("lang", ["hy", "az"])
def test_dates_are_babels_in_the_pages_language(out: Path, lang: str) -> None:
    page = read(out, f"{lang}/water-dispute/index.html")
    assert f'<time datetime="2023-06-05">{LONG_DATE[lang]}</time>' in page
    other = "az" if lang == "hy" else "hy"
    assert LONG_DATE[other] not in page
    assert LONG_DATE[lang] in read(out, f"{lang}/index.html"), "the home page's article cards too"


def test_babel_dates_are_armenian_and_azerbaijani() -> None:
    assert format_date(DATE, "hy") == LONG_DATE["hy"]
    assert format_date(dt.datetime(2023, 6, 5, 23, 30), "az") == LONG_DATE["az"]
    assert format_date(DATE, "ru") == "5 июня 2023 г.", "a plain space before г., not CLDR's narrow one"
    assert [format_date(DATE, "en"), format_date(DATE, "en_GB")] == ["June 5, 2023", "5 June 2023"]


@pytest.mark.parametrize("lang", ["hy", "az"])
def test_the_switcher_shows_each_language_in_its_own_name(out: Path, lang: str) -> None:
    other = "az" if lang == "hy" else "hy"
    assert [language_name("hy"), language_name("az")] == [OWN_NAME["hy"], OWN_NAME["az"]]
    assert [language_name("az", "hy", menu=False), language_name("hy", "az")] == ["ադրբեջաներեն", "Erməni"]
    page = read(out, f"{lang}/water-dispute/index.html")
    current = f'<span class="language current" lang="{lang}" dir="ltr" aria-current="true">{OWN_NAME[lang]}</span>'
    assert current in page
    link = f'<a class="language" href="../../{other}/water-dispute/" hreflang="{other}" lang="{other}" dir="ltr">'
    assert f"{link}{OWN_NAME[other]}</a>" in page


def test_a_catalog_written_for_another_plural_rule_still_translates_every_count() -> None:
    """An Armenian catalog from before CLDR gave Armenian two forms: every count stays Armenian."""
    old = (
        'msgid ""\nmsgstr ""\n"Language: hy\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "%(num)s article"\nmsgid_plural "%(num)s articles"\nmsgstr[0] "%(num)s հոդված"\n'
    )
    translations = localization.translations(localization.compiled([("old.po", old.encode())], "hy"))
    assert [translations.ngettext("%(num)s article", "%(num)s articles", n) for n in (0, 1, 2, 3, 1000)] == [
        "%(num)s հոդված"
    ] * 5


def test_compiled_catalogs_are_kept_and_never_trusted_over_their_sources(
    copy_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build compiles each language's catalogs once and keeps them in the user's cache folder; a kept one
    that is damaged is compiled again, and an edited catalog is a new one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    kept = tmp_path / "user-cache" / "sitegen" / "catalogs"
    site = copy_site("basic")
    build_ok(site, cache=False)
    first = (site / "output" / "ru" / "index.html").read_text(encoding="utf-8")
    assert len(list(kept.glob("*.mo"))) == 2, "one for each language"
    for path in kept.glob("*.mo"):
        path.write_bytes(b"not a catalog")
    build_ok(site, cache=False)
    assert (site / "output" / "ru" / "index.html").read_text(encoding="utf-8") == first
    assert all(path.read_bytes() != b"not a catalog" for path in kept.glob("*.mo")), "compiled again"
    ru = REPO / "theme" / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    own = site / "theme" / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    own.parent.mkdir(parents=True)
    catalog = read_po(ru.open("rb"))
    word = next(message for message in catalog if message.string == "Лента Atom")
    assert word.string in first
    own.write_text(f'msgid "{word.id}"\nmsgstr "Переведено заново"\n', encoding="utf-8")
    build_ok(site, cache=False)
    assert "Переведено заново" in (site / "output" / "ru" / "index.html").read_text(encoding="utf-8")
    assert len(list(kept.glob("*.mo"))) == 3


def test_i18n_status_counts_a_plural_message_with_too_few_forms_as_untranslated(make_site) -> None:
    """Estonian (no shipped catalog) with one form of two: pages would show English for 2, so status says so."""
    site = make_site({}, config=CONFIG.replace('"hy"', '"et"').replace("hy =", "et ="))
    po = site / "theme/locales/et/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: et\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "%(num)s article"\nmsgid_plural "%(num)s articles"\nmsgstr[0] "%(num)s artikkel"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.main, ["i18n", "status", "--site", str(site)])
    assert "untranslated: %(num)s article" in result.output
