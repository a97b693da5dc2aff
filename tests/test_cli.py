"""The ``sitegen`` command: exit codes, what goes to stdout and stderr, finding the site."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main

from .conftest import article, invoke
from .serving import environment, sitegen_command

SUMMARY = re.compile(r"^Built \d+ pages \(3 articles\) in \d+\.\d\d s", re.MULTILINE)

#: Two files with one mistake each; the lines are where the mistakes are.
UNDECLARED_VOICE = article(body="::: simonyan\nSaid.\n:::\n\n::: nobody\nWho?\n:::\n")
UNKNOWN_CITY = article(voices="  simonyan:\n    city: paris\n    name: Gurgen Simonyan\n")
EXPECTED_ERRORS = [
    "content/articles/one/en.md:14: error: passage for undeclared voice 'nobody'",
    "content/articles/two/en.md:6:5: error: unknown city 'paris' for voice 'simonyan'",
]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``sitegen`` console script, run as a user runs it."""
    return subprocess.run(
        sitegen_command(*args), capture_output=True, text=True, timeout=60, cwd=cwd, env=environment()
    )


@pytest.fixture
def broken_site(make_site) -> Path:
    return make_site({"content/articles/one/en.md": UNDECLARED_VOICE, "content/articles/two/en.md": UNKNOWN_CITY})


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


# -- build -------------------------------------------------------------------------


def test_build_writes_the_site_and_prints_a_summary(copy_site, tmp_path: Path) -> None:
    site = copy_site("basic")
    result = invoke("build", "--site", str(site), "--out", str(tmp_path / "public"))
    assert result.exit_code == 0, result.output
    assert SUMMARY.search(result.stdout)
    assert "1 warning" in result.stdout
    assert result.stderr.splitlines()[0] == (
        "content/articles/only-english/en.md:1: warning: the article has no Russian (ru) translation yet"
    )
    assert "error" not in result.stderr
    assert (tmp_path / "public" / "en" / "karabakh-claim" / "index.html").is_file()
    assert not (site / "output").exists()


def test_build_through_the_console_script(copy_site, tmp_path: Path) -> None:
    site = copy_site("basic")
    result = run("build", "--site", str(site), "--out", str(tmp_path / "public"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SUMMARY.search(result.stdout)
    assert "public/" in result.stdout, "the summary says where the site went"
    assert (tmp_path / "public" / "ru" / "karabakh-claim" / "index.html").is_file()


#: Modules a step of some builds needs: a build that takes no such step does not spend its start-up on them.
ON_DEMAND = (
    "yaml",
    "markdown_it",
    "jinja2",
    "sitegen.content",
    "sitegen.contested",
    "sitegen.search",
    "sitegen.sitechecks",
    "subprocess",
    "tempfile",
    "anyascii",
    "xml.etree.ElementTree",
)


def loaded_by(*args: str) -> set[str]:
    """Which of :data:`ON_DEMAND` a fresh Python has loaded after ``sitegen ARGS`` (run through the CLI)."""
    code = (
        "import sys\n"
        "from sitegen.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        f"print(' '.join(name for name in {ON_DEMAND!r} if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=environment())
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_a_build_loads_only_what_its_steps_use(copy_site) -> None:
    site = copy_site("basic")
    build = ["build", "--site", str(site), "--no-search", "-q"]
    assert {"yaml", "markdown_it", "jinja2", "sitegen.content"} <= loaded_by(*build), "the first build reads"
    assert loaded_by(*build) == set(), "nothing changed: nothing read, rendered or indexed"
    edited = site / "content/articles/karabakh-claim/en.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    loaded = loaded_by(*build)
    assert {"markdown_it", "jinja2"} <= loaded, "a text edit reads the article and renders its pages"
    assert "sitegen.search" not in loaded and "xml.etree.ElementTree" not in loaded, loaded


def test_build_defaults_to_output_in_the_site(copy_site) -> None:
    site = copy_site("basic")
    result = invoke("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "output" / "index.html").is_file()


def test_quiet_build_prints_nothing(copy_site) -> None:
    site = copy_site("basic")
    result = invoke("build", "--site", str(site), "-q")
    assert result.exit_code == 0
    assert result.output == ""
    assert (site / "output" / "index.html").is_file()


def test_verbose_build_says_where_the_files_went(copy_site) -> None:
    site = copy_site("basic")
    result = invoke("build", "--site", str(site), "-v")
    assert result.exit_code == 0
    assert f"files written to {(site / 'output').resolve()}" in result.stdout


def test_drafts_option(copy_site) -> None:
    site = copy_site("basic")
    result = invoke("build", "--site", str(site), "--drafts")
    assert result.exit_code == 0, result.output
    assert "(4 articles)" in result.stdout
    assert (site / "output" / "en" / "a-draft" / "index.html").is_file()


def test_content_errors_exit_1_and_list_every_error(broken_site: Path) -> None:
    result = invoke("build", "--site", str(broken_site))
    assert result.exit_code == 1
    assert error_lines(result.stderr) == EXPECTED_ERRORS
    assert "2 errors" in result.stderr and "nothing was written" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert not (broken_site / "output").exists()


def test_content_errors_through_the_console_script(broken_site: Path) -> None:
    result = run("build", "--site", str(broken_site))
    assert result.returncode == 1
    assert error_lines(result.stderr) == EXPECTED_ERRORS
    assert all("\x1b[" not in line for line in result.stderr.splitlines()), "no colour codes in a pipe"
    assert "Traceback" not in result.stdout + result.stderr
    assert not (broken_site / "output").exists()


def test_quiet_still_prints_errors(broken_site: Path) -> None:
    result = invoke("build", "--site", str(broken_site), "-q")
    assert result.exit_code == 1
    assert error_lines(result.stderr) == EXPECTED_ERRORS


def test_refused_output_folder_writes_nothing(copy_site, tmp_path: Path) -> None:
    site = copy_site("basic")
    result = invoke("build", "--site", str(site), "--out", str(site / "content"))
    assert result.exit_code == 2, "a refused --out is a usage error"
    assert "content/" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (site / "content").iterdir()) == ["articles"]


# -- usage errors ----------------------------------------------------------------


def test_unknown_option_is_a_usage_error(copy_site) -> None:
    result = invoke("build", "--site", str(copy_site("basic")), "--nope")
    assert result.exit_code == 2
    assert "--nope" in result.output


def test_site_without_config_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("build", "--site", str(tmp_path))
    assert result.exit_code == 2
    assert "sitegen.toml" in result.stderr
    assert not (tmp_path / "output").exists()


def test_no_site_found_upwards_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "not-a-site" / "deeper"
    nowhere.mkdir(parents=True)
    monkeypatch.chdir(nowhere)
    for command in ("build", "check"):
        result = invoke(command)
        assert result.exit_code == 2, command
        assert "sitegen.toml" in result.stderr and "--site" in result.stderr
    assert sorted(tmp_path.rglob("*")) == [tmp_path / "not-a-site", nowhere], "nothing was written"


def test_usage_error_through_the_console_script(tmp_path: Path) -> None:
    result = run("build", "--site", str(tmp_path / "missing"), cwd=tmp_path)
    assert result.returncode == 2
    assert "sitegen.toml" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_build_help_explains_the_options() -> None:
    result = invoke("build", "--help")
    assert result.exit_code == 0
    text = result.output
    for option in ("--site DIR", "--out DIR", "--drafts", "-q, --quiet", "-v, --verbose", "--force"):
        assert option in text, option
    assert "sitegen.toml" in text and "draft" in text


@pytest.mark.parametrize("group", [(), ("i18n",)])
@pytest.mark.parametrize("columns", ["80", "50"])
def test_help_lists_every_command_without_cutting_its_description(group: tuple[str, ...], columns: str) -> None:
    """Each command's first sentence is listed whole (wrapped on a narrow terminal), never cut with '...'."""
    result = CliRunner(env={"COLUMNS": columns}).invoke(main, [*group, "--help"], terminal_width=int(columns))
    assert result.exit_code == 0, result.output
    listed = " ".join(result.output.split("Commands:")[1].split())
    assert "..." not in listed, result.output
    command = main
    for name in group:
        command = command.get_command(None, name)  # type: ignore[union-attr,arg-type,assignment]
    for name in command.list_commands(None):  # type: ignore[union-attr,arg-type]
        sentence = " ".join(command.get_command(None, name).help.split("\n\n")[0].split())  # type: ignore
        assert f"{name} {sentence}" in listed, (name, result.output)


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.startswith("sitegen, version ")


# -- check -------------------------------------------------------------------------


def test_check_passes_a_good_site_and_writes_nothing(copy_site) -> None:
    site = copy_site("basic")
    result = invoke("check", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Checked 4 articles"), "drafts are checked too"
    assert not (site / "output").exists()


def test_check_reports_every_error(broken_site: Path) -> None:
    result = invoke("check", "--site", str(broken_site))
    assert result.exit_code == 1
    assert error_lines(result.stderr) == EXPECTED_ERRORS
    assert not (broken_site / "output").exists()


def test_check_through_the_console_script(broken_site: Path, copy_site) -> None:
    assert run("check", "--site", str(copy_site("basic")), "-q").returncode == 0
    result = run("check", "--site", str(broken_site), "-q")
    assert result.returncode == 1
    assert error_lines(result.stderr) == EXPECTED_ERRORS


# -- finding the site --------------------------------------------------------------


def test_site_is_found_from_a_subfolder(copy_site, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_site("basic")
    monkeypatch.chdir(site / "content" / "articles" / "karabakh-claim")
    result = invoke("build")
    assert result.exit_code == 0, result.output
    assert (site / "output" / "en" / "karabakh-claim" / "index.html").is_file()
    assert not (site / "content" / "articles" / "karabakh-claim" / "output").exists()
    assert invoke("check", "-q").exit_code == 0


def test_relative_site_and_out_are_taken_from_the_working_folder(copy_site, tmp_path: Path) -> None:
    copy_site("basic")
    result = run("build", "--site", "basic", "--out", "public", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "public" / "index.html").is_file()
    assert "-> public/" in result.stdout


def test_check_json_keeps_bidi_characters_exact_but_never_raw(make_site) -> None:
    """A right-to-left override in a voice id reaches editors exactly, and the terminal only as an escape."""
    body = "::: simonyan\nSaid.\n:::\n\n::: \u202eevil\nx\n:::\n"
    site = make_site({"content/articles/x/en.md": article(body=body), "content/articles/x/ru.md": article()})
    result = invoke("check", "--site", str(site), "--format", "json")
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    messages = [d["message"] for d in json.loads(result.stdout)["diagnostics"]]
    assert "passage for undeclared voice '\u202eevil'" in messages
    text = invoke("check", "--site", str(site))
    assert "\u202e" not in text.output
    assert "en.md:14: error: passage for undeclared voice '\\u202eevil'" in text.output
