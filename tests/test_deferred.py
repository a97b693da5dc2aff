"""A text edit's rebuild reads only the changed folders and unpacks only the articles its pages show, and
publishes and reports what a whole reading does (see sitegen.deferred)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import cache, deferred
from sitegen.build import build
from sitegen.report import BuildReport

from .conftest import clean_output, example_site, generated_site, snapshot

EDITED = "content/articles/article-00007/en.md"


def _sites(monkeypatch: pytest.MonkeyPatch) -> list[deferred.DeferredSite]:
    """Every DeferredSite a rebuild makes from now on."""
    made: list[deferred.DeferredSite] = []
    original = deferred.DeferredSite.made.__func__  # type: ignore[attr-defined]

    def spied(cls, *args, **kwargs):
        made.append(original(cls, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(deferred.DeferredSite, "made", classmethod(spied))
    return made


def _edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, rel
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _told(report: BuildReport) -> list[str]:
    return sorted(str(found) for found in report.diagnostics)


def _clean_report(site: Path) -> BuildReport:
    return build(site, site.parent / "clean", cache=False)


def test_a_text_edit_unpacks_only_the_articles_on_the_pages_it_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = generated_site(80, tmp_path / "site", search=False)
    assert build(site).ok
    made = _sites(monkeypatch)
    packs: list[int] = []
    pack = cache.Cache.pack
    monkeypatch.setattr(cache.Cache, "pack", lambda self: packs.append(1) or pack(self))
    _edit(site, EDITED, "\n\n", "\n\nA sentence added to the lead.\n\n")
    report = build(site)
    assert report.ok, report.diagnostics
    assert made, "the site was read whole"
    assert packs == [], "the pack of every article was read for a few of them"
    unpacked = made[0].unpacking.unpacked
    assert 0 < unpacked <= 30, f"{unpacked} of 79 unchanged articles unpacked"
    assert snapshot(site / "output", folders=True) == clean_output(site)
    assert _told(report) == _told(_clean_report(site))


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("washington-karabakh-operation/en.md", "\n\n", "\n\nOne more sentence in Stepanakert.\n\n"),
        ("washington-karabakh-operation/ru.md", "title: ", "title: Снова "),
        ("peace-treaty-draft/en.md", 'title: "A leaked', 'title: "Again, a leaked'),
    ],
    ids=["an article with warnings", "its stale translation", "an article without"],
)
def test_the_warnings_after_a_text_edit_are_those_of_a_whole_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rel: str, old: str, new: str
) -> None:
    """The example site's warnings come from reading folders (a stale translation) and from the site-wide
    checks (one side's name in the outlet's voice): those of unchanged folders are the recorded ones."""
    site = example_site(tmp_path)
    first = build(site, search=False)
    assert first.ok and first.diagnostics
    made = _sites(monkeypatch)
    _edit(site, f"content/articles/{rel}", old, new)
    report = build(site, search=False)
    assert made and report.ok
    assert _told(report) == _told(build(site, site.parent / "clean", cache=False, search=False))
    again = build(site, search=False)
    assert again.unchanged and _told(again) == _told(report), "the next build tells them again"


def test_the_contested_names_findings_keep_one_entry_per_translation(tmp_path: Path) -> None:
    """Each text edit checks the edited translation again; what was found in its old text is not kept beside."""
    site = example_site(tmp_path)
    assert build(site, search=False).ok
    rel = "content/articles/washington-karabakh-operation/en.md"
    stored = cache.Cache(site).contested
    _, before = stored()
    for number in range(3):
        _edit(site, rel, "\n\n", f"\n\nSentence {number} in Stepanakert.\n\n")
        assert build(site, search=False).ok
    _, after = stored()
    assert sorted(path for path, _ in after) == sorted(path for path, _ in before), "one entry per translation"
    assert after.keys() - before.keys() == {(rel, digest) for path, digest in after if path == rel}


@pytest.mark.parametrize(
    "change",
    ["tag", "new folder", "stray file", "glossary", "draft"],
)
def test_any_other_change_reads_the_whole_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    site = example_site(tmp_path)
    assert build(site, search=False).ok
    made = _sites(monkeypatch)
    articles = site / "content" / "articles"
    if change == "tag":
        _edit(site, "content/articles/peace-treaty-draft/en.md", "tags: [", "tags: [fresh, ")
    elif change == "new folder":
        (articles / "zz-new").mkdir()
        source = (articles / "peace-treaty-draft" / "en.md").read_text(encoding="utf-8")
        (articles / "zz-new" / "en.md").write_text(source, encoding="utf-8")
    elif change == "stray file":
        (articles / "notes.txt").write_text("not an article", encoding="utf-8")
    elif change == "glossary":
        path = site / "content" / "glossary.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        _edit(site, "content/articles/peace-treaty-draft/ru.md", "title: ", "draft: true\ntitle: ")
    report = build(site, search=False)
    assert report.ok, report.diagnostics
    assert made == [], "a change beyond texts read only some folders"
    assert _told(report) == _told(build(site, site.parent / "clean", cache=False, search=False))


def test_a_text_edit_that_plans_every_page_takes_the_rest_from_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page gone from the output makes the rebuild plan every page, which unpacks every article: past a few,
    the pack serves them, read once."""
    site = generated_site(40, tmp_path / "site", search=False)
    assert build(site).ok
    monkeypatch.setattr(deferred, "UNPACKED_FEW", 5)
    made = _sites(monkeypatch)
    packs: list[int] = []
    pack = cache.Cache.pack
    monkeypatch.setattr(cache.Cache, "pack", lambda self: packs.append(1) or pack(self))
    (site / "output" / "en" / "article-00003" / "index.html").unlink()
    _edit(site, EDITED, "\n\n", "\n\nA sentence added to the lead.\n\n")
    report = build(site)
    assert report.ok, report.diagnostics
    assert made and made[0].unpacking.unpacked == 39, "every other article was unpacked"
    assert packs == [1], "the pack was read once"
    assert snapshot(site / "output", folders=True) == clean_output(site)
