"""Per-side sign-off: editors per city, ``reviewed:`` in front matter, the digest recorded by the command."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from sitegen import config as config_stage
from sitegen import content, lockfile, signoff, sitechecks

from .conftest import CONFIG, TWO_PASSAGES, TWO_VOICES, article, invoke

SLUG = "content/articles/claim"
EDITORS = """\
anna:
  city: yerevan
  name: Anna Hakobyan
leyla:
  city: baku
  name: Leyla Mammadova
"""
REQUIRED = CONFIG.replace(
    'languages = ["en", "ru"]\n', 'languages = ["en", "ru"]\nrequire_review = ["yerevan", "baku"]\n'
)


def site_files(extra: str = "", ru_extra: str = "") -> dict[str, str]:
    return {
        "content/editors.yaml": EDITORS,
        f"{SLUG}/en.md": article(voices=TWO_VOICES, body=TWO_PASSAGES, extra=extra),
        f"{SLUG}/ru.md": article(title="Заявление", voices=TWO_VOICES, body=TWO_PASSAGES, extra=ru_extra),
    }


def load(site: Path, drafts: bool = True):
    config, problems = config_stage.load(site)
    assert config is not None, problems
    loaded, found = content.load(config, site, drafts=drafts)
    return config, loaded, found


def sign(site: Path, city: str, editor: str) -> None:
    config, loaded, _ = load(site)
    path, text, lock = signoff.sign(site, config, loaded.article("claim"), city, editor, dt.date(2023, 6, 8))
    (site / path).write_text(text, encoding="utf-8")
    lockfile.write(site / SLUG, lock)


def state(site: Path) -> list[tuple]:
    config, loaded, _ = load(site)
    return [
        (s.city, s.editor, s.valid, s.required, s.problem)
        for s in signoff.signoff_state(site, config, loaded.article("claim"))
    ]


def test_required_sides_start_unsigned(make_site):
    site = make_site(site_files(), config=REQUIRED)
    assert state(site) == [("yerevan", None, False, True, "unsigned"), ("baku", None, False, True, "unsigned")]


def test_signing_writes_front_matter_and_lock(make_site):
    site = make_site(site_files(), config=REQUIRED)
    sign(site, "baku", "leyla")
    sign(site, "yerevan", "anna")
    text = (site / SLUG / "en.md").read_text(encoding="utf-8")
    assert "reviewed:\n  yerevan: anna\n  baku: leyla\n---\n" in text
    assert state(site) == [("yerevan", "anna", True, True, ""), ("baku", "leyla", True, True, "")]
    _, _, problems = load(site)
    assert [str(p) for p in problems] == []


def test_front_matter_alone_signs_nothing(make_site):
    site = make_site(site_files(extra="reviewed: {yerevan: anna}\n"), config=REQUIRED)
    assert state(site)[0] == ("yerevan", "anna", False, True, "unrecorded")


def test_a_change_in_any_language_voids_the_sign_off(make_site):
    site = make_site(site_files(), config=REQUIRED)
    sign(site, "yerevan", "anna")
    ru = site / SLUG / "ru.md"
    ru.write_text(ru.read_text(encoding="utf-8").replace("In Baku.", "In Baku, he said."), encoding="utf-8")
    assert state(site)[0] == ("yerevan", "anna", False, True, "changed")


def test_required_sign_offs_are_errors_at_the_file(make_site):
    site = make_site(site_files(extra="reviewed:\n  yerevan: anna\n"), config=REQUIRED)
    _, _, problems = load(site)
    shown = sorted(str(p) for p in problems)
    assert shown == [
        f"{SLUG}/en.md:1: error: not signed off for Baku (require_review in sitegen.toml) "
        "(an editor for Baku reads it, then runs: sitegen review sign claim baku EDITOR)",
        f"{SLUG}/en.md:5:3: error: the sign-off for Yerevan by 'anna' was not recorded by 'sitegen review sign' "
        "(require_review in sitegen.toml) (the editor runs: sitegen review sign claim yerevan anna)",
    ]


def test_an_unknown_editor_is_an_error_at_its_line(make_site):
    site = make_site(site_files(extra="reviewed:\n  yerevan: anna\n  baku: anan\n"))
    _, _, problems = load(site)
    bad = [str(p) for p in problems if p.is_error]
    assert bad == [
        f"{SLUG}/en.md:6:3: error: 'anan' is not an editor for baku in content/editors.yaml (expected one of: leyla)"
    ]


def test_drafts_are_exempt(make_site):
    files = site_files(extra="draft: true\n", ru_extra="draft: true\n")
    site = make_site(files, config=REQUIRED)
    _, _, problems = load(site)
    assert [p for p in problems if p.is_error] == []


def test_without_require_review_an_unsigned_article_says_nothing(make_site):
    site = make_site(site_files())
    _, _, problems = load(site)
    assert problems == []


#: Paths opened under content/articles/ while ``_OPENS`` is watching (an audit hook cannot be removed, so it
#: is added once and records only while a test holds a list here).
_OPENS: list[list[str]] = []


def _record_opens(event: str, args: tuple) -> None:
    if _OPENS and event == "open" and isinstance(args[0], str | bytes | Path):
        path = Path(args[0] if not isinstance(args[0], bytes) else args[0].decode())
        if "content/articles" in path.as_posix():
            _OPENS[0].append(path.as_posix())


sys.addaudithook(_record_opens)


def test_the_site_wide_check_reads_no_article_file(make_site):
    """The per-article sign-off is read with the article (and kept with it by the build cache and the
    preview): the site-wide step, which runs on every build and save, only compares it with editors.yaml."""
    files = site_files(extra="reviewed:\n  yerevan: anna\n  baku: anan\n", ru_extra="reviewed: {baku: leyla}\n")
    site = make_site(files, config=REQUIRED)
    config, _ = config_stage.load(site)
    loaded, found, names = content.read(config, site, drafts=True)
    assert found == [] and loaded.article("claim") is not None
    opened: list[str] = []
    _OPENS.append(opened)
    try:
        problems = sitechecks.run(loaded, names, site)
    finally:
        _OPENS.clear()
    assert opened == []
    assert sorted(str(p) for p in problems) == [
        f"{SLUG}/en.md:5:3: error: the sign-off for Yerevan by 'anna' was not recorded by 'sitegen review sign' "
        "(require_review in sitegen.toml) (the editor runs: sitegen review sign claim yerevan anna)",
        f"{SLUG}/en.md:6:3: error: 'anan' is not an editor for baku in content/editors.yaml (expected one of: leyla)",
        f"{SLUG}/en.md:6:3: error: the sign-off for Baku by 'anan' was not recorded by 'sitegen review sign' "
        "(require_review in sitegen.toml) (the editor runs: sitegen review sign claim baku anan)",
        f"{SLUG}/ru.md:4: warning: 'reviewed' is read from en.md only: here it signs nothing "
        "(remove it: a sign-off covers every language, and 'sitegen review sign' writes it into en.md)",
    ]


# -- the commands ----------------------------------------------------------------------------------


def test_review_sign_then_build_with_require_review(make_site):
    site = make_site(site_files(), config=REQUIRED)
    refused = invoke("build", "--site", str(site))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        f"{SLUG}/en.md:1: error: not signed off for Baku (require_review in sitegen.toml)"
    )
    assert not (site / "output").exists()
    signed = invoke("review", "sign", "claim", "yerevan", "anna", "--site", str(site))
    assert signed.exit_code == 0, signed.output
    assert signed.output == f"signed {SLUG} off for yerevan as anna: {SLUG}/en.md, {SLUG}/sitegen.lock\n"
    assert invoke("review", "sign", "claim", "baku", "leyla", "--site", str(site)).exit_code == 0
    assert invoke("build", "--site", str(site)).exit_code == 0
    ru = site / SLUG / "ru.md"
    ru.write_text(ru.read_text(encoding="utf-8").replace("In Baku.", "In Baku, later."), encoding="utf-8")
    changed = invoke("build", "--site", str(site))
    assert changed.exit_code == 1
    assert f"{SLUG}/en.md:13:3: error: the text changed after Baku's sign-off by 'leyla' on " in changed.stderr


def test_an_edit_of_editors_yaml_alone_is_seen_by_a_cached_rebuild(make_site):
    """editors.yaml is not part of an article folder's cache key: the check against it runs on every build."""
    site = make_site(site_files(extra="reviewed:\n  baku: anan\n"))
    refused = invoke("build", "--site", str(site))
    assert refused.exit_code == 1
    assert f"{SLUG}/en.md:5:3: error: 'anan' is not an editor for baku" in refused.stderr
    editors = site / "content/editors.yaml"
    editors.write_text(EDITORS + "anan:\n  city: baku\n  name: Anan Aliyev\n", encoding="utf-8")
    built = invoke("build", "--site", str(site))
    assert built.exit_code == 0, built.stderr
    assert "not recorded by 'sitegen review sign'" in built.stderr  # a warning: the site requires none
    editors.write_text(EDITORS, encoding="utf-8")
    assert invoke("build", "--site", str(site)).exit_code == 1


def test_review_sign_refuses_an_editor_of_another_city(make_site):
    site = make_site(site_files())
    wrong = invoke("review", "sign", "claim", "baku", "anna", "--site", str(site))
    assert wrong.exit_code == 2
    assert "'anna' is not an editor for baku in content/editors.yaml; expected one of: leyla" in wrong.output
    city = invoke("review", "sign", "claim", "bak", "leyla", "--site", str(site))
    assert city.exit_code == 2 and "did you mean 'baku'?" in city.output
    assert not (site / SLUG / lockfile.FILE).exists()


def test_review_status_lists_what_waits_for_whom(make_site):
    site = make_site(site_files(), config=REQUIRED)
    invoke("review", "sign", "claim", "yerevan", "anna", "--site", str(site))
    status = invoke("review", "status", "--site", str(site))
    assert status.exit_code == 0
    assert status.stdout.splitlines() == [
        "Waiting for Yerevan (required; editors: anna): 0",
        "Waiting for Baku (required; editors: leyla): 1",
        f"  {'claim':<40} not signed off",
        "Translations behind their source: 0",
        "Signed off by every side: 0",
    ]
    data = json.loads(invoke("review", "status", "--format", "json", "--site", str(site)).stdout)
    [entry] = data["articles"]
    assert entry["sides"] == [
        {
            "city": "yerevan",
            "editor": "anna",
            "valid": True,
            "required": True,
            "signed": dt.date.today().isoformat(),
            "problem": None,
        },
        {"city": "baku", "editor": None, "valid": False, "required": True, "signed": None, "problem": "unsigned"},
    ]


def test_reviewed_in_a_translation_signs_nothing(make_site):
    site = make_site(site_files(ru_extra="reviewed: {baku: leyla}\n"))
    _, _, problems = load(site)
    assert [str(p) for p in problems] == [
        f"{SLUG}/ru.md:4: warning: 'reviewed' is read from en.md only: here it signs nothing "
        "(remove it: a sign-off covers every language, and 'sitegen review sign' writes it into en.md)"
    ]


def test_require_review_names_configured_cities(make_site):
    site = make_site(site_files(), config=REQUIRED.replace('"baku"]', '"bak"]'))
    result = invoke("check", "--site", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "sitegen.toml:4:30: error: 'require_review' names 'bak', which is not a city",
        "    hint: did you mean 'baku'?",
    ]


def test_the_lock_is_never_published(make_site):
    site = make_site(site_files())
    assert invoke("review", "sign", "claim", "baku", "leyla", "--site", str(site)).exit_code == 0
    assert invoke("build", "--site", str(site)).exit_code == 0
    assert (site / SLUG / lockfile.FILE).is_file()
    assert not list((site / "output").rglob("sitegen.lock")), "the lock stays in content/"


def test_the_shape_of_reviewed_is_checked_on_every_site(make_site):
    site = make_site({f"{SLUG}/en.md": article(extra="reviewed:\n  yerevn: anna\n  baku: [leyla]\n")})
    _, _, problems = load(site)
    assert [str(p) for p in problems if p.is_error] == [
        f"{SLUG}/en.md:5:3: error: 'yerevn' in 'reviewed' is not a configured city (did you mean 'yerevan'?)",
        f"{SLUG}/en.md:6:3: error: 'reviewed.baku' must be an editor id, got ['leyla'] "
        "(e.g. reviewed: {yerevan: <editor id>}, written by 'sitegen review sign')",
    ]


def test_with_reviewed_replaces_the_block_in_any_style():
    flow = "---\ntitle: A\nreviewed: {baku: leyla}\n# kept\ndate: 2023-06-05\n---\nBody\n"
    assert signoff.with_reviewed(flow, {"yerevan": "anna", "baku": "leyla"}) == (
        "---\ntitle: A\nreviewed:\n  yerevan: anna\n  baku: leyla\n# kept\ndate: 2023-06-05\n---\nBody\n"
    )
    block = "---\ntitle: A\nreviewed:\n  baku: leyla\n\n  # old\ndate: 2023-06-05\n---\n"
    assert signoff.with_reviewed(block, {"baku": "rashad"}) == (
        "---\ntitle: A\nreviewed:\n  baku: rashad\ndate: 2023-06-05\n---\n"
    )
    assert signoff.with_reviewed("---\ntitle: A\n---\n", {"baku": "leyla"}) == (
        "---\ntitle: A\nreviewed:\n  baku: leyla\n---\n"
    )
