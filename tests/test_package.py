"""The installed package: the wheel carries the default theme, and a site's theme overrides it file by file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitegen.theme import default_theme_dir

from .conftest import REPO, SITES, build_ok
from .serving import environment

THEME_FILES = (
    "sitegen/_theme/templates/article.html",
    "sitegen/_theme/static/style.css",
    "sitegen/_theme/locales/ru/LC_MESSAGES/messages.po",
)

#: Runs the CLI from the unpacked wheel only: the source tree is taken off sys.path.
RUN_FROM_WHEEL = """\
import sys
from pathlib import Path
wheel, repo = Path({wheel!r}), Path({repo!r})
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != repo]
sys.path.insert(0, str(wheel))
import sitegen.theme
print("PACKAGE", Path(sitegen.__file__).resolve(), file=sys.stderr)
print("THEME", sitegen.theme.default_theme_dir().resolve(), file=sys.stderr)
from sitegen.cli import main
main()
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the working tree, offline, with the hatchling installed beside pytest."""
    folder = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(folder),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(folder.glob("sitegen-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_carries_the_default_theme(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in THEME_FILES if name not in names]
    assert not missing
    assert "sitegen/_theme/templates/base.html" in names
    assert not [name for name in names if name.startswith(("content/", "tests/", "output/", "theme/"))]


def test_installed_package_builds_a_site_without_a_theme(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    assert not (site / "theme").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = RUN_FROM_WHEEL.format(wheel=str(unpacked.resolve()), repo=str(REPO.resolve()))
    result = subprocess.run(
        [sys.executable, "-c", code, "build", "--site", str(site), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=elsewhere,
        env=environment(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = dict(line.split(" ", 1) for line in result.stderr.splitlines() if line.startswith(("PACKAGE", "THEME")))
    assert Path(found["PACKAGE"]).is_relative_to(unpacked.resolve())
    assert Path(found["THEME"]) == unpacked.resolve() / "sitegen" / "_theme"
    page = tmp_path / "out" / "en" / "karabakh-claim" / "index.html"
    assert page.is_file()
    assert "No comment from Baku on this point" in page.read_text(encoding="utf-8")
    assert "Перейти к содержанию" in (tmp_path / "out" / "ru" / "index.html").read_text(encoding="utf-8")
    (style_file,) = (tmp_path / "out" / "static").glob("style.*.css")
    style = style_file.read_bytes()
    assert style == (REPO / "theme" / "static" / "style.css").read_bytes()


def test_source_tree_theme_is_the_default_when_running_from_source() -> None:
    assert default_theme_dir().resolve() in (REPO / "theme", REPO / "sitegen" / "_theme")
    assert (default_theme_dir() / "templates" / "article.html").is_file()


# -- A site's theme over the default one ------------------------------------------------

RU_OVERRIDE = """\
msgid ""
msgstr ""
"Language: ru\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Skip to content"
msgstr "К тексту статьи"

msgid "Languages"
msgstr ""

#, python-format
msgid "%(num)s voice from %(cities)s"
msgid_plural "%(num)s voices from %(cities)s"
msgstr[0] ""
msgstr[1] ""
msgstr[2] ""
"""


def test_site_theme_overrides_one_template_and_one_message(copy_site) -> None:
    site = copy_site("basic")
    templates = site / "theme" / "templates"
    templates.mkdir(parents=True)
    default_article = (default_theme_dir() / "templates" / "article.html").read_text(encoding="utf-8")
    marked = default_article.replace(
        '<article class="article" data-pagefind-body>',
        '<article class="article" data-pagefind-body>\n<p class="site-override">Our own layout</p>',
        1,
    )
    assert marked != default_article
    (templates / "article.html").write_text(marked, encoding="utf-8")
    catalog = site / "theme" / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(RU_OVERRIDE, encoding="utf-8")

    out = build_ok(site).out
    en_article = (out / "en" / "karabakh-claim" / "index.html").read_text(encoding="utf-8")
    ru_article = (out / "ru" / "karabakh-claim" / "index.html").read_text(encoding="utf-8")
    ru_home = (out / "ru" / "index.html").read_text(encoding="utf-8")
    assert 'class="site-override"' in en_article and 'class="site-override"' in ru_article
    assert "site-override" not in ru_home, "home.html still comes from the default theme"
    assert 'class="article-list"' in ru_home

    for html in (ru_article, ru_home):
        assert "К тексту статьи" in html
        assert "Перейти к содержанию" not in html
        assert 'aria-label="Языки"' in html, "the other strings still come from the default catalog"
    assert "Баку: по этому вопросу комментария нет" in ru_article
    assert "3 голоса: Ереван, Баку и Москва" in ru_article, "an untranslated plural does not blank the default"
    assert "Skip to content" in en_article, "the override is Russian only"
    (style,) = (out / "static").glob("style.*.css")
    assert style.read_bytes() == (default_theme_dir() / "static" / "style.css").read_bytes()


def test_site_theme_overrides_a_static_file(copy_site) -> None:
    site = copy_site("basic")
    static = site / "theme" / "static"
    static.mkdir(parents=True)
    (static / "style.css").write_text("body { color: teal; }\n", encoding="utf-8")
    (static / "extra.css").write_text("p { margin: 0; }\n", encoding="utf-8")
    out = build_ok(site).out
    (style,) = (out / "static").glob("style.*.css")
    assert style.read_text(encoding="utf-8") == "body { color: teal; }\n"
    assert len(list((out / "static").glob("extra.*.css"))) == 1
    (script,) = (out / "static").glob("site.*.js")
    assert script.read_bytes() == (default_theme_dir() / "static" / "site.js").read_bytes()
