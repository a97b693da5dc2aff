"""Listings by topic, city, person and year, and the parallel-language view."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import compare, config, content, listings, slugs
from sitegen.filters import rebase
from sitegen.routes import RESERVED_SLUGS

from .conftest import CONFIG, article, build_ok, generated_site


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_every_listing_page_exists(copy_site) -> None:
    out = build_ok(copy_site("basic")).out
    for lang in ("en", "ru"):
        for kind in ("tags", "cities", "people", "archive"):
            assert (out / lang / kind / "index.html").is_file()
    assert (out / "en/tags/karabakh/index.html").is_file()
    assert (out / "en/cities/baku/index.html").is_file()
    assert (out / "en/cities/baku/page/2/index.html").is_file(), "per_page = 2 paginates listings too"
    assert (out / "en/people/gurgen-simonyan/index.html").is_file()
    assert (out / "ru/people/gurgen-simonyan/index.html").is_file(), "inline voices keep one key across languages"
    assert (out / "en/archive/2023/index.html").is_file()
    assert not (out / "ru/tags/only-english").exists()


def test_a_city_listing_links_every_passage_to_its_place(copy_site) -> None:
    out = build_ok(copy_site("basic")).out
    page = read(out, "en/cities/yerevan/index.html")
    assert page.count('class="said-card"') == 2
    assert '<a href="../../../en/karabakh-claim/#passage-2">' in page
    article = read(out, "en/karabakh-claim/index.html")
    assert 'id="passage-2" data-city="yerevan" data-voice="simonyan" data-point="credible"' in article
    assert "Ереван: всё сказанное, сначала новое." in read(out, "ru/cities/yerevan/index.html")


def test_newest_first_in_listings(copy_site) -> None:
    out = build_ok(copy_site("basic")).out
    page = read(out, "en/cities/baku/index.html")
    dates = re.findall(r'<time datetime="([0-9-]+)">', page)
    assert dates == sorted(dates, reverse=True)


def test_sections_count_their_entries_in_the_pages_language(copy_site) -> None:
    out = build_ok(copy_site("basic")).out
    assert "1 article" in read(out, "en/tags/index.html")
    assert "1 статья" in read(out, "ru/tags/index.html")
    cities = read(out, "ru/cities/index.html")
    assert "3 высказывания" in cities and "1 высказывание" in cities


def test_article_pages_link_to_the_listings(copy_site) -> None:
    out = build_ok(copy_site("basic")).out
    page = read(out, "en/karabakh-claim/index.html")
    assert '<a href="../../en/tags/karabakh/">karabakh</a>' in page
    assert '<a href="../../en/cities/baku/">Baku</a>' in page
    assert '<a class="voice-name" href="../../en/people/hagi-namazov/">Hagi Namazov</a>' in page
    assert '<a href="../../en/karabakh-claim/parallel/">' in page


def test_registry_people_are_listed_by_their_id(make_site) -> None:
    registry = "simonyan:\n  city: yerevan\n  name: { en: Gurgen Simonyan, ru: Гурген Симонян }\n"
    body = "::: simonyan\nSaid.\n:::\n"
    files = {
        "content/people.yaml": registry,
        "content/articles/one/en.md": f"---\ntitle: One\ndate: 2024-01-01\nvoices: [simonyan]\n---\n\n{body}",
        "content/articles/one/ru.md": f"---\ntitle: Одна\ndate: 2024-01-01\nvoices: [simonyan]\n---\n\n{body}",
    }
    out = build_ok(make_site(files)).out
    assert "<h1>Гурген Симонян</h1>" in read(out, "ru/people/simonyan/index.html")


@pytest.mark.parametrize(
    "dates",
    [
        {"b": "2024-01-02", "a": "2024-01-02", "c": "2023-12-31", "d": "2024-03-01"},
        {"b": "2024-01-02", "a": "2024-01-02T00:00:00", "c": "2024-01-02T09:00:00+04:00", "d": "2024-01-01T23:00:00"},
    ],
    ids=["days", "days and times"],
)
def test_each_language_lists_its_articles_newest_first_then_by_slug(make_site, dates: dict[str, str]) -> None:
    """Days alone, or days and times (a day is its midnight, a time with a zone its UTC), newest first."""
    files = {f"content/articles/{slug}/en.md": article(date=date) for slug, date in dates.items()}
    site_dir = make_site(files)
    site_config, _ = config.load(site_dir)
    site, _ = content.load(site_config, site_dir)
    expected = ["d", "a", "b", "c"] if "T" not in dates["a"] else ["c", "a", "b", "d"]
    assert [found.slug for found, _ in site.in_language("en")] == expected


def test_listing_index_groups_the_site(copy_site) -> None:
    site_dir = copy_site("basic")
    site_config, _ = config.load(site_dir)
    site, _ = content.load(site_config, site_dir)
    grouped = listings.index(site)
    assert [item.key for item in grouped[("cities", "en")]] == ["yerevan", "baku", "moscow"]
    assert [item.key for item in grouped[("archive", "en")]] == ["2024", "2023"]
    assert [item.key for item in grouped[("tags", "ru")]] == ["karabakh", "usa"]


@pytest.mark.parametrize("generated", [False, True])
def test_listings_with_other_articles_are_those_grouped_anew(copy_site, tmp_path: Path, generated: bool) -> None:
    """However the index finds the places of each article (where it is held, as the preview's index knows;
    a binary search in the order of the site; a look at every entry; recorded), putting new values of some
    articles into it gives the listings that grouping the site with them gives. The generated site has
    articles of the same day, and articles in one language only."""
    site_dir = generated_site(80, tmp_path / "site") if generated else copy_site("basic")
    site_config, _ = config.load(site_dir)
    site, _ = content.load(site_config, site_dir)
    chosen = [site.articles[n] for n in (0, 7, 31, 32, 79)] if generated else [site.article("karabakh-claim")]
    replacing = {}
    for edited in chosen:
        assert edited is not None
        translations = tuple(replace(t, title=t.title + " (edited)") for t in edited.translations)
        replacing[edited.slug] = replace(edited, translations=translations)
    expected = listings.index(site.with_articles(replacing))
    searched, walked, held = listings.index(site), listings.index(site), listings.index(site)
    del walked._derived["ranks"]
    held.holders()
    recorded = listings.Recorded(listings.compact(site, listings.index(site)), site)
    found = [index.with_articles(replacing) for index in (searched, walked, held, recorded)]
    for grouped in found:
        assert dict(grouped) == dict(expected)
        assert sum(item.title.endswith("(edited)") for shown in grouped.values() for item in shown) == 0
        shown = [entry for shown in grouped.values() for item in shown for entry in item.articles]
        assert sum(article.translations[0].title.endswith("(edited)") for article, _ in shown) >= len(chosen)


@pytest.mark.parametrize("generated", [False, True])
def test_recorded_listings_are_those_grouped_anew_entry_by_entry(copy_site, tmp_path: Path, generated: bool) -> None:
    """A rebuild after a text edit takes the listings from their record: each entry, made when a page asks
    for it, is the one grouping the site gives, by place, by slice (a page) and in order."""
    site_dir = generated_site(80, tmp_path / "site") if generated else copy_site("basic")
    site_config, _ = config.load(site_dir)
    site, _ = content.load(site_config, site_dir)
    grouped = listings.index(site)
    recorded = listings.Recorded(listings.compact(site, grouped), site)
    assert list(recorded) == list(grouped) and dict(recorded) == dict(grouped)
    said = 0
    for where, shown in grouped.items():
        for item, made in zip(shown, recorded[where], strict=True):
            entries, found = item.said or item.articles, made.said or made.articles
            assert isinstance(found, listings.Entries) and bool(item.said) == bool(made.said)
            assert (len(found), made.size, tuple(found)) == (len(entries), item.size, entries)
            assert [found[n] for n in (0, -1)] == [entries[0], entries[-1]]
            assert found[1:3] == entries[1:3] and found[::-2] == entries[::-2] and found[5:2] == ()
            said += len(item.said)
            with pytest.raises(IndexError):
                found[len(entries)]
    assert said > 0, "passages are listed too"


def test_parallel_view_aligns_passages(copy_site) -> None:
    out = build_ok(copy_site("basic")).out
    page = read(out, "ru/karabakh-claim/parallel/index.html")
    first_row = page.index('data-voice="ria"')
    assert page.index("Агентство написало") < page.index("The agency wrote") < page.index('data-voice="simonyan"')
    assert first_row < page.index("The agency wrote")
    assert '<link rel="canonical" href="https://example.org/news/ru/karabakh-claim/">' in page
    assert not (out / "en/only-english/parallel").exists(), "one language has nothing to compare"
    assert '<img src="../map.png"' in read(out, "en/water-dispute/parallel/index.html")


def test_align_matches_nth_passage_of_a_voice_on_a_point() -> None:
    from sitegen.errors import Location
    from sitegen.model import Passage

    def passages(*keys: tuple[str, str | None]) -> tuple[Passage, ...]:
        return tuple(Passage(v, p, f"{v}{p}{i}", Location("x", i)) for i, (v, p) in enumerate(keys))

    class T:
        def __init__(self, *keys):
            self.passages = passages(*keys)

    rows = compare.align((T(("a", "p"), ("a", "p"), ("b", None)), T(("b", None), ("a", "p"), ("c", None))))
    assert [tuple(p.voice if p else None for p in row) for row in rows] == [
        ("a", "a"),
        ("a", None),
        ("b", "b"),
        (None, "c"),
    ]


def test_rebase_moves_relative_links_only() -> None:
    html = '<p><a href="../other/">o</a> <a href="#fn1">1</a> <a href="https://x.org/">x</a> '
    html += '<img src="map.png" alt=""></p>'
    assert rebase(html, "../") == (
        '<p><a href="../../other/">o</a> <a href="../#fn1">1</a> <a href="https://x.org/">x</a> '
        '<img src="../map.png" alt=""></p>'
    )
    assert rebase(html, "") == html


def test_a_tag_in_other_letter_case_is_the_same_page_counted_once(make_site) -> None:
    """``Karabakh`` and ``karabakh`` are one tag: one page, each article on it once."""
    files = {
        "content/articles/one/en.md": article(extra="tags: [Karabakh, KARABAKH]\n"),
        "content/articles/two/en.md": article(date="2023-06-06", extra="tags: [karabakh]\n"),
    }
    out = build_ok(make_site(files)).out
    assert "2 articles" in read(out, "en/tags/index.html")
    page = read(out, "en/one/index.html")
    assert page.count('href="../../en/tags/karabakh/"') == 1, "a tag written twice is shown once"


TEXTS = [
    "Ελλάδα", "Україна", "Ґрунт", "Беларусь", "Հայաստան", "ქართული", "العربية", "فارسی", "עברית",
    "中国", "日本", "東京", "한국", "ประเทศไทย", "🕊️", "😀", "!!!", "???", "", "…", "C", "ç",
    "Ա", "Ａ", "x" * 70, "x" * 69 + "y", "\U000f0000 news", "\U000f0001 news",
]  # fmt: skip


def test_keys_are_ascii_never_empty_and_apart_for_any_script() -> None:
    """Every script gets a URL segment; texts that cannot be spelt whole keep a digest, so they stay apart."""
    found = {text: slugs.key(text) for text in TEXTS}
    for text, key in found.items():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key) and len(key) <= 60, (text, key)
    assert found["Ελλάδα"] == "ellada" and found["中国"] == "zhongguo" and found["Україна"] == "ukraina"
    apart = [text for text in TEXTS if text not in ("Ա", "Ａ", "C", "ç")]
    assert len({found[text] for text in apart}) == len(apart), found
    assert slugs.key("Karabakh") == slugs.key("karabakh") == slugs.key(" KARABAKH ")


def test_keys_are_the_same_in_every_process() -> None:
    """No Python hash(): another process, with another hash seed, gives the same keys."""
    code = "import json, sys; from sitegen import slugs; print(json.dumps([*map(slugs.key, json.load(sys.stdin))]))"
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(TEXTS),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        assert json.loads(done.stdout) == [slugs.key(text) for text in TEXTS]


def test_the_reserved_sections_are_every_folder_of_a_language_but_articles(copy_site) -> None:
    """routes.RESERVED_SLUGS, which no article folder may be named, lists every folder a build makes beside articles."""
    site_dir = copy_site("basic")
    toml = site_dir / "sitegen.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("per_page = 2", "per_page = 1"), encoding="utf-8")
    out = build_ok(site_dir).out
    articles = {path.name for path in (site_dir / "content/articles").iterdir()}
    folders = {path.name for path in (out / "en").iterdir() if path.is_dir()} - articles
    assert "page" in folders and folders <= RESERVED_SLUGS


def test_what_counts_as_the_same_tag() -> None:
    """Letter case (Turkic in az and tr), width, invisible formatting and Persian/Arabic code points of a letter."""
    same = [
        ("Karabakh", "KARABAKH", "en"),
        ("Ｋａｒａｂａｋｈ", "karabakh", "en"),
        ("Kara\u200bbakh", "Karabakh", "en"),
        ("Bakı", "BAKI", "az"),
        ("İstanbul", "istanbul", "tr"),
        ("می\u200cشود", "میشود", "fa"),
        ("ايران", "ایران", "fa"),
    ]
    for one, other, lang in same:
        assert slugs.identity(one, lang) == slugs.identity(other, lang), (one, other)
        assert slugs.key(one, lang) == slugs.key(other, lang), (one, other)
    for one, other, lang in [("Ա", "A", "en"), ("Ελλάδα", "Ελλαδα", "el"), ("Bakı", "BAKI", "en")]:
        assert slugs.identity(one, lang) != slugs.identity(other, lang), (one, other)


def test_an_azerbaijani_tag_in_capitals_is_the_same_tag(make_site) -> None:
    azerbaijani = CONFIG.replace('languages = ["en", "ru"]', 'languages = ["az", "en"]')
    files = {
        "content/articles/one/az.md": article(extra="tags: [Bakı]\n"),
        "content/articles/two/az.md": article(date="2023-06-06", extra="tags: [BAKI]\n"),
    }
    site_dir = make_site(files, config=azerbaijani)
    site_config, _ = config.load(site_dir)
    site, problems = content.load(site_config, site_dir)
    assert not [p for p in problems if p.is_error], problems
    tags = listings.index(site)[("tags", "az")]
    assert [(item.key, item.size) for item in tags] == [("baki", 2)]
