"""`sitegen i18n`: extract, update, compile and status of the theme's catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO, build_ok
from .conftest import invoke_raising as run

NEW = '{{ _("Read the full statement") }}'


@pytest.fixture
def site(copy_site) -> Path:
    """The basic site with its own article template that adds one new interface string."""
    site = copy_site("basic")
    template = (REPO / "theme" / "templates" / "article.html").read_text(encoding="utf-8")
    (site / "theme" / "templates").mkdir(parents=True)
    (site / "theme" / "templates" / "article.html").write_text(
        template.replace("</article>", f"<p class='more'>{NEW}</p>\n</article>"), encoding="utf-8"
    )
    return site


def test_status_of_the_default_theme_is_complete(copy_site) -> None:
    result = run("i18n", "status", "--site", str(copy_site("basic")), "--strict")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["language", "messages", "untranslated", "fuzzy"]
    assert lines[2].split()[0] == "ru" and lines[2].split()[2:] == ["0", "0"]


def test_a_new_string_is_untranslated_until_the_catalog_has_it(site: Path) -> None:
    status = run("i18n", "status", "--site", str(site), "--strict")
    assert status.exit_code == 1
    assert "    untranslated: Read the full statement" in status.output
    assert run("i18n", "status", "--site", str(site)).exit_code == 0, "only --strict fails"

    extract = run("i18n", "extract", "--site", str(site))
    assert extract.exit_code == 0
    pot = (site / "theme" / "locales" / "messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Read the full statement"' in pot
    assert 'msgid "No comment from %(city)s on this point"' in pot, "default theme strings are extracted too"

    update = run("i18n", "update", "--site", str(site))
    assert "created theme/locales/ru/LC_MESSAGES/messages.po" in update.output
    po = site / "theme" / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Read the full statement"\nmsgstr ""' in text
    po.write_text(
        text.replace(
            'msgid "Read the full statement"\nmsgstr ""', 'msgid "Read the full statement"\nmsgstr "Полный текст"'
        ),
        encoding="utf-8",
    )
    status = run("i18n", "status", "--site", str(site))
    ru = next(line for line in status.output.splitlines() if line.startswith("ru"))
    assert ru.split()[2] == "0"

    report = build_ok(site)
    page = (report.out / "ru" / "karabakh-claim" / "index.html").read_text(encoding="utf-8")
    assert "<p class='more'>Полный текст</p>" in page
    assert "Перейти к содержанию" in page, "empty entries of the site catalog fall back to the default theme"


def test_update_keeps_translations_and_adds_new_strings(site: Path) -> None:
    run("i18n", "update", "--site", str(site))
    po = site / "theme" / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgid "Read the full statement"\nmsgstr ""', 'msgid "Read the full statement"\nmsgstr "Полный текст"'
        ),
        encoding="utf-8",
    )
    run("i18n", "update", "--site", str(site))
    assert 'msgstr "Полный текст"' in po.read_text(encoding="utf-8")
    assert "updated theme/locales/ru/LC_MESSAGES/messages.po" in run("i18n", "update", "--site", str(site)).output


def test_compile_writes_mo_files_and_reports_broken_placeholders(site: Path) -> None:
    run("i18n", "update", "--site", str(site))
    po = site / "theme" / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    result = run("i18n", "compile", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (po.parent / "messages.mo").is_file()
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace(
            'msgid "No comment from %(city)s"\nmsgstr ""', 'msgid "No comment from %(city)s"\nmsgstr "Нет: %(town)s"'
        ),
        encoding="utf-8",
    )
    broken = run("i18n", "compile", "--site", str(site))
    assert broken.exit_code == 1
    assert "No comment from %(city)s" in broken.output
