"""Tag names per language: ``[tags.<slug>] name = {…}`` in sitegen.toml, the slug kept as the URL.

Real builds: the name shows wherever the tag does (article pages, the tag
index, tag listings, feeds, link previews, structured data); a tag without a
table is shown as the article writes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from sitegen import config

from .conftest import THREE_LANGUAGES, article, build_ok
from .test_build import parse

CONFIG = (
    THREE_LANGUAGES
    + """
[tags.karabakh]
name = { en = "Karabakh", ru = "Карабах", hy = "Ղարաբաղ" }
[tags.water-rights]
name = { en = "Water rights", ru = "Право на воду" }
"""
)
VOICES = "  simonyan:\n    city: yerevan\n    name: Simonyan\n"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tags") / "site"
    folder = root / "content" / "articles" / "claim"
    folder.mkdir(parents=True)
    (root / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    for lang in ("en", "ru", "hy"):
        extra = "tags: [karabakh, Water rights, usa]\n"
        (folder / f"{lang}.md").write_text(article(f"Claim {lang}", extra=extra, voices=VOICES), encoding="utf-8")
    return build_ok(root).out


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("en", ["Karabakh", "Water rights", "usa"]),
        ("ru", ["Карабах", "Право на воду", "usa"]),
        ("hy", ["Ղարաբաղ", "Water rights", "usa"]),
    ],
)
def test_tags_show_their_name_in_the_pages_language_and_keep_their_slug(out: Path, lang: str, names) -> None:
    page = parse(out / lang / "claim" / "index.html")
    links = [e for e in page.elements if e.tag == "a" and re.search(r"/tags/[^/]+/$", e.attrs.get("href", ""))]
    assert [e.text.strip() for e in links] == names
    slugs = ["karabakh", "water-rights", "usa"]
    assert [e.attrs["href"] for e in links] == [f"../../{lang}/tags/{slug}/" for slug in slugs]
    assert [m.attrs["content"] for m in page.find("meta", property="article:tag")] == names
    ld = json.loads(page.one("script", type="application/ld+json").text)
    assert ld["keywords"] == names


def test_tag_listings_and_the_tag_index_use_the_name(out: Path) -> None:
    listing = parse(out / "ru" / "tags" / "karabakh" / "index.html")
    assert listing.one("h1").text.strip() == "Карабах"
    assert listing.one("title").text.startswith("Карабах · ")
    index = parse(out / "hy" / "tags" / "index.html")
    links = [e for e in index.elements if e.tag == "a" and e.attrs.get("href", "").endswith("tags/karabakh/")]
    terms = [e.text.strip() for e in links]
    assert terms == ["Ղարաբաղ"]


def test_feed_categories_use_the_name(out: Path) -> None:
    entry = feedparser.parse((out / "ru" / "feed.xml").read_bytes()).entries[0]
    assert [tag.term for tag in entry.tags] == ["Карабах", "Право на воду", "usa"]


def test_a_tag_table_must_be_keyed_by_its_slug_and_have_a_name(tmp_path: Path) -> None:
    text = CONFIG + '[tags."Big Deal"]\nname = { en = "Big deal" }\n[tags.usa]\ncolour = "#333"\n'
    (tmp_path / "sitegen.toml").write_text(text, encoding="utf-8")
    found, problems = config.load(tmp_path)
    assert found is None
    errors = [str(p) for p in problems if p.is_error]
    assert sorted(errors) == [
        "sitegen.toml:12: error: tag 'Big Deal' must be written as its URL slug, 'big-deal' "
        "(write [tags.big-deal]: the slug is the tag's URL, the name is what readers see)",
        'sitegen.toml:14: error: tag \'usa\' has no name ([tags.usa] name = { en = "Karabakh", ru = "Карабах" })',
        "sitegen.toml:15: error: unknown key 'colour' in [tags.usa] (expected one of: name)",
    ]


def test_a_tag_name_missing_a_language_warns_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    found, problems = config.load(tmp_path)
    assert found is not None and found.tags["karabakh"]["hy"] == "Ղարաբաղ"
    assert [str(p) for p in problems] == [
        "sitegen.toml:11: warning: 'tags.water-rights.name' has no text for Armenian (hy) (add hy = \"…\")"
    ]
    assert re.search(r"Water rights", (tmp_path / "sitegen.toml").read_text(encoding="utf-8"))


def test_a_tag_table_that_no_article_uses_but_one_nearly_does_is_a_typo_warning(tmp_path: Path) -> None:
    text = CONFIG.replace("[tags.karabakh]", "[tags.karabak]") + '[tags.elections]\nname = { en = "Elections" }\n'
    folder = tmp_path / "content" / "articles" / "claim"
    folder.mkdir(parents=True)
    (tmp_path / "sitegen.toml").write_text(text, encoding="utf-8")
    (folder / "en.md").write_text(article(extra="tags: [karabakh]\n", voices=VOICES), encoding="utf-8")
    report = build_ok(tmp_path)
    found = [str(d) for d in report.diagnostics if d.location.path == "sitegen.toml" and "no article" in d.message]
    assert found == [
        "sitegen.toml:8: warning: no article has the tag 'karabak', so its name is never shown "
        "(did you mean 'karabakh'?)"
    ], "a table declared ahead of its articles is fine: only a near miss is a warning"
