"""The bad-input corpus: every broken or hostile input in ``tests/corpus/``, through the real CLI.

Each case is a folder ``tests/corpus/<case>/``. Its files are laid over a copy
of the minimal valid site in ``tests/corpus/_base/`` (same relative paths;
a case's ``sitegen.toml`` replaces the base one), and ``expect.txt`` says what
the case is and what must happen. One directive a line; ``#`` lines are
comments, the first of them says what the case tries:

``error: PATH[:LINE]: MESSAGE START``
    ``sitegen build`` prints exactly this error (a column after the line is
    allowed); every error it prints must be listed, so the list is complete.
``warning: PATH[:LINE]: MESSAGE START``
    It prints this warning too (other warnings are allowed).
``build: ok``
    The build succeeds and replaces the previous output.
``exit: N``
    The exit status, when it is not 1 for errors and 0 for ``build: ok``.
``contains[ FILE]: TEXT`` / ``absent[ FILE]: TEXT``
    TEXT is in FILE of the output (in some page without FILE) / in no such
    file. Escaped payloads are asserted this way.
``exists: FILE`` / ``missing: FILE``
    An output file is there / is not.
``make PATH: EXPRESSION``
    Inputs that are big, binary or hard to keep in git are made by the test:
    EXPRESSION is Python string or bytes literals joined with ``+`` and
    repeated with ``*`` (``"- " * 10000``); bytes are written as they are,
    text as UTF-8.
``link PATH: TARGET``
    A symbolic link; ``{outside}`` in TARGET is a folder beside the site
    holding ``secret.txt`` (whose text must never reach the output).
``fifo: PATH`` / ``remove: PATH``
    A named pipe at PATH / delete PATH (file or folder) of the base site.
``args: ARGS``
    More arguments for ``sitegen build``.
``run: subprocess``
    Run ``python -m sitegen`` in a real process instead of Click's runner.

Every case also asserts: no traceback, nothing written outside the output
folder, a failed build leaves the previous output byte for byte, and a
successful build holds no active content from the input (see
:func:`assert_inert`).
"""

from __future__ import annotations

import ast
import hashlib
import operator
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from sitegen import output
from sitegen.cli import main

CORPUS = Path(__file__).parent / "corpus"
BASE = CORPUS / "_base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
SECRET = "SECRET-CANARY-7f3a"
PREVIOUS = b"<!DOCTYPE html><title>the previous build</title>\n"
MARKER = ".sitegen-output"
#: Characters that reorder or split a printed line; messages must show them escaped.
UNSHOWABLE = re.compile("[\x85\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass
class Case:
    name: str
    about: str = ""
    exit: int | None = None
    ok: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    contains: list[tuple[str | None, str]] = field(default_factory=list)
    absent: list[tuple[str | None, str]] = field(default_factory=list)
    exists: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    makes: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, path, argument)
    removes: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    subprocess: bool = False

    @property
    def status(self) -> int:
        return self.exit if self.exit is not None else (0 if self.ok else 1)


_DIRECTIVE = re.compile(r"^([a-z]+)(?: (.+?))?:(?: (.*))?$")


def read_case(name: str) -> Case:
    case = Case(name)
    for number, line in enumerate((CORPUS / name / "expect.txt").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            case.about = case.about or line.lstrip("# ")
            continue
        match = _DIRECTIVE.match(line)
        assert match, f"{name}/expect.txt:{number}: cannot read {line!r}"
        word, target, value = match[1], match[2], match[3] or ""
        if word in ("error", "warning"):
            location, _, message = value.partition(": ")
            (case.errors if word == "error" else case.warnings).append((location, message))
        elif word == "build":
            assert value == "ok", f"{name}/expect.txt:{number}: 'build: ok' is the only build directive"
            case.ok = True
        elif word == "exit":
            case.exit = int(value)
        elif word in ("contains", "absent"):
            getattr(case, word).append((target, value))
        elif word in ("exists", "missing"):
            getattr(case, word).append(value)
        elif word == "remove":
            case.removes.append(value)
        elif word in ("make", "link"):
            assert target, f"{name}/expect.txt:{number}: '{word} PATH: …' needs a path"
            case.makes.append((word, target, value))
        elif word == "fifo":
            case.makes.append((word, value, ""))
        elif word == "args":
            case.args += shlex.split(value)
        elif word == "run":
            assert value == "subprocess", f"{name}/expect.txt:{number}: 'run: subprocess' is the only run directive"
            case.subprocess = True
        else:
            raise AssertionError(f"{name}/expect.txt:{number}: unknown directive {word!r}")
    assert case.about, f"{name}/expect.txt: start with a '# what this case tries' line"
    assert case.ok or case.errors or case.exit is not None, f"{name}/expect.txt: expect 'build: ok' or errors"
    return case


_OPERATORS = {ast.Add: operator.add, ast.Mult: operator.mul}


def evaluate(text: str) -> str | bytes:
    """A ``make`` expression: string or bytes literals and integers with ``+`` and ``*``, nothing else."""

    def value(node: ast.AST):
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes | int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        raise AssertionError(f"not a make expression: {ast.dump(node)}")

    result = value(ast.parse(text, mode="eval").body)
    assert isinstance(result, str | bytes), text
    return result


def lay_out(case: Case, root: Path) -> Path:
    """The base site with the case's files over it, an earlier build's output and a secret outside."""
    site = root / "site"
    shutil.copytree(BASE, site)
    shutil.copytree(CORPUS / case.name, site, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expect.txt"))
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (root / "outside" / "en.md").write_text(f"---\ntitle: {SECRET}\n---\n", encoding="utf-8")
    for rel in case.removes:
        target = site / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for kind, rel, argument in case.makes:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "link":
            os.symlink(argument.replace("{outside}", str(root / "outside")), path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            data = evaluate(argument)
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    (site / "output").mkdir()
    (site / "output" / MARKER).write_text("written by sitegen\n", encoding="utf-8")
    (site / "output" / "old.html").write_bytes(PREVIOUS)
    return site


def snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every entry under ``root`` (links not followed): file hashes, link targets, folders.

    With ``skip`` (the output folder), the build cache beside it is left out
    too: ``.sitegen/cache/`` is the one other place a build writes.
    """
    found = {}
    skipped = {skip, skip.parent / ".sitegen" / "cache"} if skip is not None else set()
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = [name for name in folders if here / name not in skipped]
        for name in folders + files:
            path = here / name
            if path in skipped or (path in {s.parent for s in skipped} and path.name == ".sitegen"):
                continue
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "link " + os.readlink(path)
            elif path.is_dir():
                found[rel] = "folder"
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "special"
    return found


def run_build(case: Case, site: Path) -> tuple[int, str]:
    """``sitegen build`` on the site: exit status and everything it printed."""
    args = ["build", "--site", str(site), *case.args]
    if case.subprocess:
        done = subprocess.run(
            [sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, timeout=120, cwd=site.parent
        )
        return done.returncode, done.stdout + done.stderr
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"sitegen build raised {result.exception!r}\n{result.output}") from result.exception
    return result.exit_code, result.output


def printed(kind: str, output: str) -> list[str]:
    return [line for line in output.splitlines() if f": {kind}: " in line and not line.startswith(" ")]


def matches(location: str, message: str, kind: str, line: str) -> bool:
    """Does a printed diagnostic line say ``message`` at ``location`` (a column may follow a line number)?"""
    column = r"(?::\d+)?" if re.search(r":\d+$", location) else ""
    return re.match(re.escape(location) + column + re.escape(f": {kind}: {message}"), line) is not None


class _Inert(HTMLParser):
    """Collects what would run in a reader's browser: scripts, handlers, script URLs, frames."""

    URL_ATTRIBUTES = frozenset(
        {"href", "src", "action", "formaction", "poster", "xlink:href", "background", "data", "srcset"}
    )
    UNSAFE = re.compile(r"^(?:javascript|vbscript|data|file|livescript):", re.IGNORECASE)
    #: The theme's own scripts (fingerprinted or not) and Pagefind's: the only ones a page may load.
    THEME_SCRIPT = re.compile(r"^(?![a-zA-Z][\w+.-]*:|//)[^\"'<>\s]*?(?:static|pagefind)/[\w.-]+\.js$")
    ACTIVE = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "math"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            cleaned = "".join(ch for ch in value or "" if ch > " ")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in self.URL_ATTRIBUTES and self.UNSAFE.match(cleaned):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and ("expression(" in cleaned.lower() or "url(" in cleaned.lower()):
                self.found.append(f"<{tag} style={value!r}>")
        if tag in self.ACTIVE:
            self.found.append(f"<{tag}>")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag == "script":
            source = dict(attrs).get("src") or ""
            kind = dict(attrs).get("type") or ""
            if kind != "application/ld+json" and not self.THEME_SCRIPT.match(source):
                self.found.append(f"<script src={source!r} type={kind!r}>")
            self.script = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            if self.script.strip() and "<" in self.script:
                self.found.append(f"markup inside a script: {self.script[:80]!r}")
            self.script = None


def assert_inert(out: Path) -> None:
    """Nothing from the content can run in a reader's browser, in any page, feed or text file."""
    for path in sorted(out.rglob("*")):
        if path.suffix not in (".html", ".xml", ".txt", ".htm", ".svg", ".xhtml"):
            continue
        rel = path.relative_to(out).as_posix()
        if rel.startswith("static/"):
            continue  # the theme's own files (its favicon.svg): code of the site, like its templates
        text = path.read_text(encoding="utf-8", errors="replace")
        assert SECRET not in text, f"{rel} shows a file from outside the content folder"
        if path.suffix == ".svg":  # an image published as it is: it may be an SVG, but an inert one
            assert not re.search(r"<script|<foreignObject|\son\w+\s*=|javascript:|<!DOCTYPE", text, re.I), rel
            continue
        for raw in ("<script>alert", "<img src=x", "<svg", "<iframe", "<b onclick", "<style>body"):
            assert raw not in text, f"{rel} holds {raw!r} unescaped"
        fragments = [text] if path.suffix in (".html", ".htm", ".xhtml", ".svg") else []
        if path.suffix == ".xml":  # a feed: the HTML of each entry, as a feed reader will show it
            fragments = [e.text or "" for e in ElementTree.fromstring(text).iter() if e.get("type") == "html"]
        for fragment in fragments:
            parser = _Inert()
            parser.feed(fragment)
            parser.close()
            assert not parser.found, f"{rel}: {parser.found}"
            assert SECRET not in fragment and "<script>alert" not in fragment, rel


@pytest.mark.parametrize("name", CASES)
def test_corpus(name: str, tmp_path: Path) -> None:
    case = read_case(name)
    site = lay_out(case, tmp_path)
    out = site / "output"
    before = snapshot(tmp_path, skip=out)
    previous = snapshot(out)

    status, output = run_build(case, site)

    assert "Traceback" not in output, output
    assert "\x1b" not in output, "a control sequence from the content reached the terminal"
    assert not UNSHOWABLE.search(output), "a bidi override or line separator from the content reached the terminal"
    assert snapshot(tmp_path, skip=out) == before, "the build wrote outside its output folder"
    errors = printed("error", output)
    for location, message in case.errors:
        assert [line for line in errors if matches(location, message, "error", line)], (
            f"expected error {location}: {message}\ngot:\n{output}"
        )
    unexpected = [line for line in errors if not any(matches(*e, "error", line) for e in case.errors)]
    assert not unexpected, f"errors not listed in {name}/expect.txt:\n" + "\n".join(unexpected)
    for location, message in case.warnings:
        assert [line for line in printed("warning", output) if matches(location, message, "warning", line)], (
            f"expected warning {location}: {message}\ngot:\n{output}"
        )
    assert status == case.status, output
    if not case.ok:
        assert snapshot(out) == previous, "a failed build changed the previous output"
        return
    assert not (out / "old.html").exists() and (out / MARKER).is_file(), "the new output replaced the old"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.")]
    assert_inert(out)
    files = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    pages = [p for p in files.values() if p.suffix == ".html"]
    for rel in case.exists:
        assert rel in files, f"{rel} is missing from the output"
    for rel in case.missing:
        assert rel not in files, f"{rel} should not be in the output"
    for rel, text in case.contains:
        texts = [files[rel]] if rel else pages
        assert any(text in p.read_text(encoding="utf-8", errors="replace") for p in texts), f"{text!r} not in {rel}"
    for rel, text in case.absent:
        texts = [files[rel]] if rel else pages
        holding = [p for p in texts if text in p.read_text(encoding="utf-8", errors="replace")]
        assert not holding, f"{text!r} is in {[p.relative_to(out).as_posix() for p in holding]}"


def test_the_corpus_is_large_enough() -> None:
    """Issue 7 asks for at least 40 broken or hostile inputs; each one is read without a mistake."""
    cases = [read_case(name) for name in CASES]
    assert len(cases) >= 40
    assert sum(c.ok for c in cases) >= 10 and sum(bool(c.errors) for c in cases) >= 30
    assert sum(c.subprocess for c in cases) >= 3


@pytest.mark.parametrize(
    "rel", ["../x", "/etc/passwd", "a/../../b", "en/../../x", "..", "", ".", "a\0b", "en/x\0/../../y"]
)
def test_output_paths_cannot_leave_the_output_folder(rel: str) -> None:
    """Every path render hands to output goes through safe_relative, which refuses what could leave the folder."""
    with pytest.raises(ValueError, match="refusing to write outside the output folder"):
        output.safe_relative(rel)


@pytest.mark.parametrize(
    "rel", ["../x", "/etc/passwd", "a/../../b", "en/../../x", "..", "", ".", "a\0b", "en/x\0/../../y"]
)
def test_writing_refuses_the_same_paths(rel: str, tmp_path: Path) -> None:
    """The write path takes its quick way only for plain paths: every other one meets safe_relative."""
    stage = tmp_path / "stage"
    stage.mkdir()
    with pytest.raises(ValueError, match="refusing to write outside the output folder"):
        output.write_file(stage, rel, b"x")
    assert [p.name for p in tmp_path.rglob("*")] == ["stage"]


def test_inside_paths_are_kept(tmp_path: Path) -> None:
    written = output.write_file(tmp_path, "en/./x//index.html", b"page")
    assert (tmp_path / "en" / "x" / "index.html").read_bytes() == b"page"
    assert written.st_size == 4
    assert output.safe_relative("en/x/index.html").parts == ("en", "x", "index.html")


DOCS = Path(__file__).parent.parent / "docs" / "security.md"


def test_the_security_review_names_real_tests() -> None:
    """docs/security.md points every claim at a test or corpus case; each one must exist."""
    text = DOCS.read_text(encoding="utf-8")
    named = re.findall(r"tests/(test_\w+\.py)::(\w+)", text)
    assert len(named) > 30
    for module, name in named:
        source = (Path(__file__).parent / module).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"docs/security.md names {module}::{name}"
    cases = re.findall(r"`([a-z0-9]+(?:-[a-z0-9*]+)+)`", text)
    assert len(cases) > 30
    for case in cases:
        assert list(CORPUS.glob(case)), f"docs/security.md names the corpus case {case}, which does not exist"
    count = re.search(r"`tests/corpus/` holds (\d+) broken or hostile inputs", text)
    assert count and int(count[1]) == len(CASES), "docs/security.md gives the size of the corpus"
