"""Incremental rebuilds: after every save, the preview folder is exactly what a clean build writes.

Each step edits the site as an editor would and hands the changed paths to
the preview (as the watcher does); then a clean build of the same sources
goes into another folder and the two are compared file by file, byte by byte.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.preview import Preview, Update, classify
from sitegen.serve import Indexer

from .conftest import CONFIG, SITES, article, example_site, snapshot

ARTICLES = Path("content") / "articles"


def clean_build(site: Path, drafts: bool) -> dict[str, bytes | None]:
    out = site.parent / "clean"
    report = build(site, out, drafts=drafts, force=True)
    assert report.ok, "\n".join(map(str, report.diagnostics))
    return snapshot(out, folders=True)


def assert_same(preview: dict[str, bytes | None], clean: dict[str, bytes | None], step: str) -> None:
    missing, extra = sorted(clean.keys() - preview.keys()), sorted(preview.keys() - clean.keys())
    assert not missing and not extra, f"{step}: missing {missing}, extra {extra}"
    differ = [path for path in clean if clean[path] != preview[path]]
    assert not differ, f"{step}: these files differ from a clean build: {differ}"


def write(site: Path, rel: str, text: str) -> list[Path]:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [path]


def replace_in(site: Path, rel: str, old: str, new: str) -> list[Path]:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    return write(site, rel, text.replace(old, new))


def remove(site: Path, rel: str) -> list[Path]:
    folder = site / rel
    gone = [folder, *folder.rglob("*")]
    shutil.rmtree(folder)
    return gone


KARABAKH_EN = f"{ARTICLES}/karabakh-claim/en.md"
WATER = f"{ARTICLES}/water-dispute"
PEOPLE = "content/people.yaml"
REGISTRY = "simonyan:\n  city: yerevan\n  name: {en: Gurgen Simonyan, ru: Гурген Симонян}\n  role: {en: analyst}\n"

NEW_ONE = f"{ARTICLES}/new-one"
INLINE_SIMONYAN = "voices:\n  simonyan:\n    city: yerevan\n    name: Gurgen Simonyan\n"


def edits(*steps: Callable[[Path], list[Path]]) -> Callable[[Path], list[Path]]:
    """Several saves reported in one batch, as the watcher groups saves made close together."""
    return lambda site: [path for step in steps for path in step(site)]


#: (what the editor does, whether the result builds); each step is one batch of changes.
STEPS: list[tuple[str, Callable[[Path], list[Path]], bool]] = [
    (
        "edit a passage and the summary",
        edits(
            lambda s: replace_in(s, KARABAKH_EN, "information war", "information campaign"),
            lambda s: replace_in(s, KARABAKH_EN, "summary: ", "summary: Updated. "),
        ),
        True,
    ),
    (
        "add an article",
        edits(
            lambda s: write(s, f"{NEW_ONE}/en.md", article("Brand new", "2024-07-01", extra="tags: [fresh]\n")),
            lambda s: write(s, f"{NEW_ONE}/ru.md", article("Совсем новая", "2024-07-01", extra="tags: [fresh]\n")),
        ),
        True,
    ),
    (
        "move an article to the top, rename its tag",
        edits(
            lambda s: replace_in(s, KARABAKH_EN, "date: 2023-06-05", "date: 2025-01-01"),
            lambda s: replace_in(s, KARABAKH_EN, "tags: [karabakh, usa", "tags: [karabakh, america"),
        ),
        True,
    ),
    (
        "change an image, add another",
        edits(
            lambda s: write(s, f"{WATER}/map.png", "not really a png"),
            lambda s: write(s, f"{WATER}/photo.jpg", "not really a jpeg"),
        ),
        True,
    ),
    ("break the front matter", lambda s: replace_in(s, KARABAKH_EN, "title: ", "title: [unclosed "), False),
    ("break a passage too", lambda s: replace_in(s, f"{WATER}/en.md", "::: aliyeva", "::: aliyev"), False),
    ("fix the front matter", lambda s: replace_in(s, KARABAKH_EN, "title: [unclosed ", "title: "), False),
    ("fix the passage", lambda s: replace_in(s, f"{WATER}/en.md", "::: aliyev\n", "::: aliyeva\n"), True),
    (
        "make one a draft, publish another",
        edits(
            lambda s: replace_in(s, f"{NEW_ONE}/en.md", "date: ", "draft: true\ndate: "),
            lambda s: replace_in(s, f"{ARTICLES}/a-draft/en.md", "draft: true\n", ""),
        ),
        True,
    ),
    ("delete an article", lambda s: remove(s, WATER), True),
    (
        "name someone from a new people registry",
        edits(
            lambda s: write(s, PEOPLE, REGISTRY),
            lambda s: replace_in(s, f"{NEW_ONE}/ru.md", INLINE_SIMONYAN, "voices: [simonyan]\n"),
        ),
        True,
    ),
    ("rename them in the registry", lambda s: replace_in(s, PEOPLE, "en: Gurgen Simonyan", "en: G. Simonyan"), True),
    ("break the registry", lambda s: replace_in(s, PEOPLE, "city: yerevan", "city: yerevn"), False),
    ("fix the registry", lambda s: replace_in(s, PEOPLE, "city: yerevn", "city: yerevan"), True),
    (
        "change the config and the theme",
        edits(
            lambda s: replace_in(s, "sitegen.toml", "per_page = 2", "per_page = 3"),
            lambda s: write(s, "theme/static/extra.css", "body { color: black }\n"),
        ),
        True,
    ),
    ("edit after a full rebuild", lambda s: replace_in(s, KARABAKH_EN, "information campaign", "campaign"), True),
]


def test_incremental_equals_clean(tmp_path: Path) -> None:
    """Without drafts, so that drafting and publishing add and remove pages."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview", drafts=False)
    assert preview.build().ok
    assert_same(snapshot(preview.out, folders=True), clean_build(site, drafts=False), "first build")
    last_good = snapshot(preview.out, folders=True)
    for name, step, builds in STEPS:
        early: list[Update] = []
        paths = step(site)
        update = preview.update(paths, early=early.append)
        assert update.ok == builds, f"{name}: {[str(d) for d in update.errors]}"
        if builds and all(path.is_relative_to(site / ARTICLES) for path in paths):
            # Only articles changed: their own pages are published first, then the rest.
            assert early, f"{name}: the edited articles' pages come early"
            assert set(early[0].written) <= set(update.written), f"{name}: early pages are part of the update"
        elif not builds:
            assert not early, f"{name}: nothing is published early from a broken site"
        if builds:
            preview.refresh_search()  # the server runs it in the background once saves pause
            last_good = snapshot(preview.out, folders=True)
            assert_same(last_good, clean_build(site, drafts=False), name)
        else:
            assert_same(snapshot(preview.out, folders=True), last_good, f"{name}: the last good files stay")


def test_incremental_equals_clean_with_drafts(tmp_path: Path) -> None:
    """As the preview runs by default: drafts are pages like any other."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview", drafts=True)
    preview.build()
    update = preview.update(
        edits(
            lambda s: replace_in(s, f"{ARTICLES}/a-draft/en.md", "Work in progress.", "Nearly done."),
            lambda s: replace_in(s, f"{ARTICLES}/only-english/en.md", "date: ", "draft: true\ndate: "),
        )(site)
    )
    assert update.ok and "en/a-draft/index.html" in update.written
    preview.refresh_search()
    assert_same(snapshot(preview.out, folders=True), clean_build(site, drafts=True), "drafts")


def test_the_edited_article_comes_first(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview")
    preview.build()
    early: list[Update] = []
    update = preview.update(replace_in(site, KARABAKH_EN, "information war", "campaign"), early=early.append)
    assert [first.written for first in early] == [
        (
            "en/karabakh-claim/index.html",
            "en/karabakh-claim/parallel/index.html",
            "ru/karabakh-claim/index.html",
            "ru/karabakh-claim/parallel/index.html",
        )
    ]
    rest = set(update.written) - set(early[0].written)
    assert "en/cities/yerevan/index.html" in rest, "then the listings that show the passage"


def test_a_failure_after_the_early_pages_puts_them_back(tmp_path: Path) -> None:
    """The article's pages are written first; when a listing then fails to render, they are restored."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    write(site, "theme/templates/listing.html", '{% if page_title == "boom" %}{{ nothing.here }}{% endif %}\n')
    preview = Preview(site, site / ".sitegen" / "preview")
    assert preview.build().ok
    before = snapshot(preview.out, folders=True)
    early: list[Update] = []
    update = preview.update(
        edits(
            lambda s: replace_in(s, KARABAKH_EN, "information war", "campaign"),
            lambda s: replace_in(s, KARABAKH_EN, "tags: [karabakh", "tags: [boom, karabakh"),
        )(site),
        early=early.append,
    )
    assert early and "en/karabakh-claim/index.html" in early[0].written
    assert not update.ok and [str(d.location) for d in update.errors] == ["theme/templates/listing.html:1"]
    assert "en/karabakh-claim/index.html" in update.reverted
    assert_same(snapshot(preview.out, folders=True), before, "after the failure")
    assert preview.update(replace_in(site, KARABAKH_EN, "tags: [boom, karabakh", "tags: [karabakh")).ok
    preview.refresh_search()
    assert_same(snapshot(preview.out, folders=True), clean_build(site, drafts=True), "after the fix")


def test_a_site_wide_error_after_the_early_pages_puts_them_back(tmp_path: Path) -> None:
    """The edited article's pages go out before the site-wide checks; a link to no article then fails them."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview")
    assert preview.build().ok
    before = snapshot(preview.out, folders=True)
    early: list[Update] = []
    update = preview.update(
        replace_in(site, KARABAKH_EN, "information war", "[information war](../no-such-slug/)"), early=early.append
    )
    assert early and "en/karabakh-claim/index.html" in early[0].written
    assert [d.message for d in update.errors] == ["'../no-such-slug/' links to an article that does not exist"]
    assert "en/karabakh-claim/index.html" in update.reverted
    assert_same(snapshot(preview.out, folders=True), before, "after the failure")


def test_a_change_renders_only_what_shows_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview")
    preview.build()
    update = preview.update(replace_in(site, f"{WATER}/en.md", "has always been shared", "was shared"))
    assert update.ok and not update.full
    written = set(update.written)
    assert {"en/water-dispute/index.html", "en/water-dispute/parallel/index.html"} <= written
    assert not any(path.startswith("en/karabakh-claim/") for path in written), "other articles are left alone"
    assert "static/style.css" not in written and "en/water-dispute/map.png" not in written
    assert not update.removed
    assert preview.update(replace_in(site, f"{WATER}/en.md", "was shared", "was shared")).written == ()


def test_errors_name_the_file_and_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview")
    preview.build()
    update = preview.update(replace_in(site, f"{WATER}/en.md", "::: aliyeva", "::: aliyev"))
    assert [str(d.location) for d in update.errors] == [f"{WATER}/en.md:21"]
    assert "undeclared voice 'aliyev'" in update.errors[0].message
    assert not update.changed
    # The site-wide warnings stay listed beside the error: fixing one file does not hide the others.
    warned = {str(d.location) for d in update.diagnostics if not d.is_error}
    assert {"content/articles/a-draft/en.md:1", "content/articles/only-english/en.md:1"} <= warned


def test_content_linked_out_of_the_site_while_previewing_is_refused_unread(tmp_path: Path) -> None:
    """The containment rule holds for saves too: content/articles swapped for a link elsewhere is an error."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(site / ARTICLES, elsewhere)
    replace_in(elsewhere.parent, "elsewhere/water-dispute/en.md", "::: aliyeva", "::: SECRET")
    preview = Preview(site, site / ".sitegen" / "preview")
    assert preview.build().ok
    shutil.rmtree(site / ARTICLES)
    (site / ARTICLES).symlink_to(elsewhere, target_is_directory=True)
    update = preview.update([site / ARTICLES])
    assert [f"{d.location}: {d.message}" for d in update.errors] == [
        "content/articles: a link that points outside the site"
    ]
    assert not update.changed and not any("SECRET" in str(d) for d in update.diagnostics)


def test_a_broken_start_recovers_on_the_fix(tmp_path: Path, make_site) -> None:
    site = make_site({f"{ARTICLES}/one/en.md": article(body="::: nobody\nText.\n:::\n")}, config=CONFIG)
    preview = Preview(site, site / ".sitegen" / "preview")
    first = preview.build()
    assert not first.ok and not (preview.out / "index.html").exists()
    update = preview.update(replace_in(site, f"{ARTICLES}/one/en.md", "::: nobody", "::: simonyan"))
    assert update.ok and update.changed
    preview.refresh_search()
    assert_same(snapshot(preview.out, folders=True), clean_build(site, True), "after the fix")


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["sitegen.toml"], {"full": True}),
        (["theme/templates/article.html"], {"full": True}),
        (["content/people.yaml"], {"people": True}),
        (["content/articles/one/en.md", "content/articles/two"], {"folders": frozenset({"one", "two"})}),
        (["content/articles/.hidden/en.md"], {}),
        (["content/articles"], {"every_article": True}),
        (["content/notes.txt"], {}),
    ],
)
def test_what_a_change_costs(tmp_path: Path, paths: list[str], expected: dict) -> None:
    changes = classify(tmp_path, [tmp_path / path for path in paths])
    found = {key: getattr(changes, key) for key in ("full", "people", "every_article", "folders")}
    assert {key: value for key, value in found.items() if value} == expected


def test_the_search_index_follows_in_the_background(tmp_path: Path) -> None:
    """The server's indexer brings the search index up to date once saves pause."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview")
    preview.build()
    preview.update(replace_in(site, KARABAKH_EN, "information war", "information campaign"))
    clean = clean_build(site, drafts=True)
    in_the_background(preview, lambda: snapshot(preview.out, folders=True) == clean)
    assert_same(snapshot(preview.out, folders=True), clean, "after the background index")


def in_the_background(preview: Preview, done: Callable[[], bool], seconds: float = 30, tidy: float = 30) -> None:
    """Run the server's indexer for ``preview``, told that saves paused (and that a pause of ``tidy`` seconds is
    long), until ``done`` (or ``seconds``)."""
    indexer = Indexer(preview)
    indexer.QUIET, indexer.TIDY = 0.0, tidy
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        indexer.wanted()
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)


def test_a_preview_started_from_a_warm_build_cache_has_every_articles_text(tmp_path: Path) -> None:
    """The cache keeps an article's HTML apart; the preview (whose review pages show every passage) joins
    each article with its HTML as it reads it, and a build's site never loses the HTML of what it shows."""
    site = example_site(tmp_path / "site")
    assert build(site).ok  # the cache now holds every article, its HTML apart
    preview = Preview(site, site / ".sitegen" / "preview", drafts=False)
    assert preview.build().ok
    assert preview.site is not None and preview.site.articles
    texts = [(t.lead_html, p.html) for a in preview.site.articles for t in a.translations for p in t.passages]
    assert texts and all(html for _, html in texts), "an article came from the cache without its text"
    assert any(lead for lead, _ in texts)


@pytest.mark.parametrize(
    ("edit", "asked"),
    [(("information war", "campaign"), 1), (("information war", "campaign"), 2), (("information war", "campaign"), 3)]
    + [(("state news agency", "news agency of the state"), asked) for asked in (1, 2, 3, 4)],
)
def test_a_save_that_comes_during_a_rebuild_takes_over_its_listings(
    tmp_path: Path, edit: tuple[str, str], asked: int
) -> None:
    """Another save waits once the edited article's pages are out and checked: those pages stay, the listings
    are left as they were, and the next rebuild (of the other save) brings every page up to date.

    ``asked``: which question "does a newer save wait?" is answered yes (before the listings are
    grouped, before planning, while planning every page, before writing). A text edit keys only the
    pages that show the article (see sitegen.depends): its plan asks no question of its own.
    """
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview", drafts=False)
    assert preview.build().ok
    listing = preview.out / "en" / "cities" / "yerevan" / "index.html"
    before = listing.read_bytes()
    questions = iter([False] * (asked - 1) + [True] * 100)
    early: list[Update] = []
    paths = replace_in(site, KARABAKH_EN, *edit)
    update = preview.update(paths, early=early.append, superseded=lambda: next(questions))
    assert update.ok and update.superseded, update.diagnostics
    assert early and update.written == early[0].written, "only the article's own pages were written"
    assert edit[1].encode() in (preview.out / "en" / "karabakh-claim" / "index.html").read_bytes()
    assert listing.read_bytes() == before, "the listing waits for the next rebuild"

    following = preview.update(replace_in(site, KARABAKH_EN, "Simonyan", "Simonian"))
    assert following.ok and not following.superseded
    assert "en/cities/yerevan/index.html" in following.written, "the next rebuild renders what was left"
    assert "en/water-dispute/index.html" not in following.written, "and knows the rest is still there"
    assert_same(snapshot(preview.out, folders=True), clean_build(site, drafts=False), f"superseded at {asked}")


def test_a_text_edit_taken_back_after_a_rebuild_gave_way_is_published_without_planning_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild that gave way after a text edit leaves its record of dependencies standing, with the edited
    article marked: the next rebuild keys its pages again even when its text is back to what was recorded."""
    from sitegen import render

    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview", drafts=False)
    assert preview.build().ok
    edit = replace_in(site, KARABAKH_EN, "information war", "campaign")
    update = preview.update(edit, early=lambda first: None, superseded=lambda: True)
    assert update.ok and update.superseded
    planned: list[int] = []
    monkeypatch.setattr(render, "recorded_plan", lambda *args: planned.append(1) or [][0])
    back = preview.update(replace_in(site, KARABAKH_EN, "campaign", "information war"))
    assert back.ok and not back.superseded and planned == [], back.diagnostics
    assert "en/karabakh-claim/index.html" in back.written, "the article's own pages go back too"
    monkeypatch.undo()  # a clean build plans every page
    assert_same(snapshot(preview.out, folders=True), clean_build(site, drafts=False), "taken back")


def test_a_save_that_breaks_the_site_is_never_left_half_published(tmp_path: Path) -> None:
    """The site-wide checks come before a rebuild gives way to a newer save: an edit they refuse is put
    back whole, even when another save waits."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    preview = Preview(site, site / ".sitegen" / "preview", drafts=False)
    assert preview.build().ok
    page = preview.out / "en" / "karabakh-claim" / "index.html"
    before = page.read_bytes()
    broken = replace_in(site, KARABAKH_EN, "information war", "war, see [there](../no-such-article/)")
    update = preview.update(broken, early=lambda first: None, superseded=lambda: True)
    assert not update.ok and not update.superseded
    assert page.read_bytes() == before, "the last good version stays"
