"""`sitegen new`: a pre-filled draft in every language that checks and builds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitegen.slugs import slugify

from .conftest import CONFIG
from .conftest import invoke_raising as run

A = "content/articles"


@pytest.fixture
def site(make_site) -> Path:
    return make_site({f"{A}/.keep": ""})


def test_new_then_check_then_build(site: Path) -> None:
    result = run("new", "border-water", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "created content/articles/border-water/en.md" in result.output
    assert "created content/articles/border-water/ru.md" in result.output
    en = (site / A / "border-water" / "en.md").read_text(encoding="utf-8")
    assert f"date: {dt.date.today().isoformat()}" in en
    assert "draft: true" in en
    for city in ("yerevan", "baku", "moscow"):
        assert f"::: {city}-voice main" in en, "one passage per voice, a voice per configured city"
    assert run("check", "--site", str(site)).exit_code == 0
    check = run("check", "--site", str(site), "--format", "json")
    assert '"errors": 0' in check.output
    build = run("build", "--site", str(site))
    assert build.exit_code == 0, build.output
    assert not (site / "output" / "en" / "border-water").exists(), "a new article is a draft"
    assert (site / "output" / "en" / "index.html").is_file()


def test_removing_the_draft_flag_publishes_it_and_placeholders_warn(site: Path) -> None:
    run("new", "border-water", "--site", str(site))
    for lang in ("en", "ru"):
        path = site / A / "border-water" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    result = run("build", "--site", str(site))
    assert result.exit_code == 0
    assert (site / "output" / "en" / "border-water" / "index.html").is_file()
    assert "content/articles/border-water/en.md:3: warning: a 'TODO' placeholder is left" in result.stderr


def test_comments_are_in_each_files_language(site: Path) -> None:
    run("new", "border-water", "--site", str(site))
    ru = (site / A / "border-water" / "ru.md").read_text(encoding="utf-8")
    en = (site / A / "border-water" / "en.md").read_text(encoding="utf-8")
    assert "# Заголовок. Кавычки оставьте. Обязательно." in ru
    assert "# The headline. Keep the quotes. Required." in en
    assert "city (один из: yerevan, baku, moscow)" in ru


def test_named_voices(site: Path) -> None:
    result = run(
        "new", "talks", "--site", str(site), "--voice", "yerevan:Gurgen Simonyan", "--voice", 'baku:"Hagi Namazov"'
    )
    assert result.exit_code == 0, result.output
    en = (site / A / "talks" / "en.md").read_text(encoding="utf-8")
    assert '  simonyan:\n    city: yerevan\n    name: "Gurgen Simonyan"' in en
    assert '  namazov:\n    city: baku\n    name: "Hagi Namazov"' in en
    assert "moscow" not in en.split("voices:")[1].split("---")[0]
    assert run("check", "--site", str(site)).exit_code == 0


def test_people_from_the_registry(make_site) -> None:
    registry = (
        "simonyan:\n  city: yerevan\n  name: { en: Gurgen Simonyan, ru: Гурген Симонян }\n"
        "  role: { en: political scientist, ru: политолог }\n"
    )
    site = make_site({"content/people.yaml": registry, f"{A}/.keep": ""})
    result = run("new", "talks", "--site", str(site), "--person", "simonyan", "--voice", "baku:Hagi Namazov")
    assert result.exit_code == 0, result.output
    ru = (site / A / "talks" / "ru.md").read_text(encoding="utf-8")
    assert "  simonyan:  # из content/people.yaml" in ru
    assert "TODO: что говорит Гурген Симонян по этому вопросу." in ru
    assert run("check", "--site", str(site)).exit_code == 0
    unknown = run("new", "other", "--site", str(site), "--person", "simonian")
    assert unknown.exit_code == 2
    assert "--person simonian: not in the people registry; did you mean 'simonyan'?" in unknown.output


def test_title_makes_the_slug_and_fills_the_default_language(site: Path) -> None:
    result = run("new", "--site", str(site), "--title", "Is Washington threatening an operation?")
    assert result.exit_code == 0, result.output
    folder = site / A / "is-washington-threatening-an-operation"
    assert 'title: "Is Washington threatening an operation?"' in (folder / "en.md").read_text(encoding="utf-8")
    assert 'title: "TODO: заголовок"' in (folder / "ru.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Угрожает ли Вашингтон операцией в Карабахе?", "ugrozhaet-li-vashington-operatsiey-v-karabakhe"),
        ("Երևանը և Բաքուն", "erevany-ev-bakun"),
        ("Bakı şəhərində yağış", "baki-seherinde-yagis"),
        ("სასაზღვრო გზა", "sasazghvro-gza"),
        ("جادهٔ مرزی ۱۹۹۳", "jadh-mrzy-1993"),
        ("Update #2: été", "update-2-ete"),
        ("!!!", "article"),
        ("9" * 4500, "9" * 60),
    ],
)
def test_slugs_from_titles_in_the_sites_scripts(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_invalid_slug_is_refused_with_a_suggestion(site: Path) -> None:
    result = run("new", "Bad Slug", "--site", str(site))
    assert result.exit_code == 2
    assert "'Bad Slug' is not a valid slug" in result.output
    assert "e.g. 'bad-slug'" in result.output
    assert not (site / A / "Bad Slug").exists()
    titled = run("new", "Bad_Slug", "--site", str(site), "--title", "Water for the villages")
    assert "e.g. 'water-for-the-villages'" in titled.output


@pytest.mark.parametrize("slug", ["x\n", "border\n", "x" * 300, "a-" * 50 + "b"], ids=["x-nl", "nl", "300", "101"])
def test_slugs_with_a_newline_or_too_long_are_refused(site: Path, slug: str) -> None:
    """A usage error, not a folder named 'x\\n' nor an OSError traceback (File name too long)."""
    result = run("new", slug, "--site", str(site))
    assert result.exit_code == 2, result.output
    assert "is not a valid slug" in result.output
    assert [p.name for p in (site / A).iterdir()] == [".keep"]


def test_existing_slug_is_refused(site: Path) -> None:
    assert run("new", "talks", "--site", str(site)).exit_code == 0
    before = (site / A / "talks" / "en.md").read_text(encoding="utf-8")
    result = run("new", "talks", "--site", str(site))
    assert result.exit_code == 2
    assert "content/articles/talks already exists" in result.output
    assert (site / A / "talks" / "en.md").read_text(encoding="utf-8") == before


def test_unknown_city_in_voice_is_refused(site: Path) -> None:
    result = run("new", "talks", "--site", str(site), "--voice", "yerevn:Someone")
    assert result.exit_code == 2
    assert "unknown city 'yerevn'; did you mean 'yerevan'?" in result.output


def test_no_slug_and_no_title_is_a_usage_error(site: Path) -> None:
    result = run("new", "--site", str(site))
    assert result.exit_code == 2
    assert "give a SLUG, or a --title" in result.output


def test_other_languages_get_their_own_comments(make_site) -> None:
    config = CONFIG.replace('["en", "ru"]', '["hy", "az"]').replace("en = ", "hy = ").replace("ru = ", "az = ")
    site = make_site({f"{A}/.keep": ""}, config=config)
    assert run("new", "talks", "--site", str(site)).exit_code == 0
    assert "Վերնագիրը" in (site / A / "talks" / "hy.md").read_text(encoding="utf-8")
    assert "Başlıq" in (site / A / "talks" / "az.md").read_text(encoding="utf-8")
    assert run("check", "--site", str(site)).exit_code == 0


def test_georgian_and_persian_drafts_speak_their_language(make_site) -> None:
    config = CONFIG.replace('["en", "ru"]', '["ka", "fa"]').replace("en = ", "ka = ").replace("ru = ", "fa = ")
    site = make_site({f"{A}/.keep": ""}, config=config)
    assert run("new", "talks", "--site", str(site)).exit_code == 0
    georgian, persian = ((site / A / "talks" / f"{lang}.md").read_text(encoding="utf-8") for lang in ("ka", "fa"))
    assert "სათაური" in georgian and "the headline" not in georgian
    assert "تیتر" in persian and "the headline" not in persian
    result = run("check", "--site", str(site))
    assert result.exit_code == 0 and "interface catalog" not in result.output, result.output


def test_new_never_writes_through_a_link_out_of_the_site(make_site, tmp_path: Path) -> None:
    """content/articles linked to another folder: ``new`` refuses instead of writing the article there."""
    site = make_site({"content/.keep": ""})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / A).symlink_to(elsewhere, target_is_directory=True)
    result = run("new", "border-water", "--site", str(site))
    assert result.exit_code == 1
    assert "content/articles: error: a link that points outside the site" in result.output
    assert list(elsewhere.iterdir()) == []
