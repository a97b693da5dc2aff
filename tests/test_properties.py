"""Property tests: whatever an editor saves, reading the site reports problems and never crashes.

Every example is a real site in its own temporary folder, read by the real
``sitegen.content.load``. The properties: loading returns normally, every
diagnostic names a file, and every error about a file's content carries the
line it is on.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen import config, content, frontmatter
from sitegen.errors import Diagnostic
from sitegen.model import Site

from .conftest import CONFIG

ARTICLE = "content/articles/one/en.md"
PEOPLE = "content/people.yaml"
BODY = "\n::: simonyan\nSaid in Yerevan.\n:::\n"


def examples(count: int) -> settings:
    """``count`` examples, no deadline (file I/O varies), and no database folder left in the repository."""
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


#: Pieces an editor's file is made of, and the ones that break YAML and Markdown readers.
FRAGMENTS = [
    "---",
    "...",
    ":::",
    "::: simonyan",
    "::: simonyan claim",
    "::: nobody why",
    "\n",
    "\n",
    "\n",
    "  ",
    "    ",
    "\t",
    "- ",
    "key: value",
    "title: A claim",
    "title:",
    "date: 2023-06-05",
    "date: 2023-13-45",
    "date: 2023-06-05T14:30:00+04:00",
    "date: 99999-01-01",
    "voices:",
    "voices: [simonyan, simonyan]",
    "simonyan:",
    "city: yerevan",
    "city: paris",
    "name: Gurgen Simonyan",
    "role: political scientist",
    "points:",
    "claim: What was reported?",
    "tags: [a, b]",
    "draft: true",
    "summary: a # not a comment",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object:os.system",
    "!!binary",
    "!!set",
    "!!float .nan",
    "!!timestamp x",
    "? ",
    "|",
    ">",
    "#",
    '"',
    "'",
    "%YAML 1.1",
    "0x1F",
    "1e999",
    "~",
    "null",
    "Ереван",
    "Bakı",
    "\u2028",
    "\ufeff",
    "\r",
    "\r\n",
    "\x00",
    "TODO: ",
    "[see](../no-such/)",
    "[up](../../ru/one/)",
    "![map](map.png)",
    "[x](javascript:alert(1))",
    "<script>",
    "[^1]",
    "[^1]: note",
    "```",
    "| a | b |",
]

fragmented = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map("".join)
any_text = st.one_of(st.text(), fragmented)

#: YAML-ish front matter: lines of indentation, a key, a separator and a value made of fragments.
KEYS = [*content.fields.NAMES, "simonyan", "namazov", "city", "name", "role", "claim", "en", "ru", "<<", "?", "-", ""]
VALUES = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6), st.dates().map(str), st.integers().map(str))
yaml_line = st.tuples(
    st.sampled_from(["", "", "  ", "    ", "      ", "- ", "  - ", "\t"]),
    st.sampled_from(KEYS),
    st.sampled_from([": ", ":", ": ", " ", ": [", ": {", ": &a ", ": *a ", ": !!str ", ": |\n  "]),
    st.lists(VALUES, max_size=3).map("".join),
).map("".join)
yaml_ish = st.lists(yaml_line, max_size=15).map("\n".join)


def _site_config():
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "sitegen.toml").write_text(CONFIG, encoding="utf-8")
        site_config, problems = config.load(Path(folder))
    assert site_config is not None, problems
    return site_config


SITE_CONFIG = _site_config()


def load_site(files: dict[str, str]) -> tuple[Site, list[Diagnostic]]:
    """Write ``files`` into a fresh site folder and read it as ``sitegen build`` does."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        return content.load(SITE_CONFIG, root, drafts=True)


def assert_located(problems: list[Diagnostic], files: dict[str, str]) -> None:
    """Every diagnostic names a file; every error about a file's content says on which line."""
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Diagnostic)
        assert problem.location.path, problem
        assert problem.message, problem
        if problem.location.path in files:
            text = files[problem.location.path].replace("\r\n", "\n").replace("\r", "\n")
            # An article's YAML ends at its closing '---'; a YAML file ends one line past its last line break.
            last = text.count("\n") + (1 if problem.location.path.endswith(".md") else 2)
            assert 1 <= problem.location.line <= last, str(problem)


@examples(250)
@given(text=any_text)
@example(text="")
@example(text="---\n")
@example(text="---\n---\n")
@example(text="---\n- a\n---\n")
@example(text="---\ntitle: T\ndate: 2023-06-05\nvoices:\n  simonyan: {city: yerevan, name: G}\n---\n")
@example(text="---\ntitle: [\n---\n")
@example(text="---\nvoices: [simonyan, simonyan]\n---\n:::\n")
@example(text="---\n&a [*a]\n---\n")
@example(text="---\ntitle: !!python/object:os.system x\n---\n")
@example(text="---\ndate: 2023-13-45\n---\n")
@example(text="\ufeff---\ntitle: T\n---\n\x00")
@example(text="---\r\ntitle: T\r\n---\r\n::: simonyan\r\n")
@example(text="---\ntitle: [\u2028\n---\n")
@example(text="---\ntitle: a\x85b\u2029c\ndate: 2023-13-45\n---\n")
def test_any_article_file_is_read_without_crashing(text: str) -> None:
    """Read or refused, never both and never neither: an article is kept exactly when its file has no error."""
    files = {ARTICLE: text}
    site, problems = load_site(files)
    assert isinstance(site, Site)
    assert_located(problems, files)
    refused = any(p.is_error for p in problems if p.location.path == ARTICLE)
    assert bool(site.articles) != refused, [str(p) for p in problems]


@examples(150)
@given(front=yaml_ish)
@example(front="voices:\n  simonyan:\n    city: yerevan\n    name: G")
@example(front="title: T\ndate: 2023-06-05\nvoices: [simonyan]")
@example(front="title: T\ndate: 2023-06-05\nvoices:\n  - simonyan: {city: yerevan, name: G}\n  - simonyan")
@example(front="title: T\ndate: 2023-06-05\nvoices:\n  simonyan: &a {city: yerevan, name: *a}")
@example(front="title: T\ndate: 2023-06-05\nvoices:\n  simonyan: {city: [yerevan], name: {en: G}, role: 3}")
@example(front="title: T\ndate: 2023-06-05\npoints: [claim]\nvoices:\n  simonyan: {city: yerevan, name: G}")
@example(front="<<: {title: T}\ndate: 2023-06-05T25:00:00\nvoices: {1: {city: 2, name: 3}}")
def test_any_front_matter_with_a_valid_body_is_read_without_crashing(front: str) -> None:
    files = {ARTICLE: f"---\n{front}\n---\n{BODY}", "content/articles/one/ru.md": f"---\n{front}\n---\n{BODY}"}
    site, problems = load_site(files)
    assert_located(problems, files)
    for article in site.articles:
        for translation in article.translations:
            assert all(v.city in ("yerevan", "baku", "moscow") for v in translation.voices)


@examples(100)
@given(registry=st.one_of(yaml_ish, any_text), voices=st.sampled_from(["[simonyan]", "\n  simonyan:\n  ria: {}"]))
@example(registry="simonyan:\n  city: yerevan\n  name: {en: G, ru: Г, hy: Գ}\n  role: [x]", voices="[simonyan]")
@example(registry="simonyan: &a\n  city: *a", voices="[simonyan]")
@example(registry="title: [\u2028  ", voices="[simonyan]")  # found by Hypothesis: YAML counted LS as a line break
@example(registry="-\r0", voices="[simonyan]")  # found by Hypothesis: a lone CR was a line to YAML, not to sitegen
def test_any_people_registry_is_read_without_crashing(registry: str, voices: str) -> None:
    files = {PEOPLE: registry, ARTICLE: f"---\ntitle: T\ndate: 2023-06-05\nvoices: {voices}\n---\n{BODY}"}
    site, problems = load_site(files)
    assert_located(problems, files)
    assert all(person.city in ("yerevan", "baku", "moscow") for person in site.people)


@examples(400)
@given(text=any_text, first_line=st.integers(min_value=1, max_value=100))
@example(text="a: 1\na: 2", first_line=2)
@example(text="&a [*a, *a]", first_line=1)
@example(text="a: !!binary xyz", first_line=1)
@example(text="a: " + "[" * 200, first_line=1)
@example(text="- " * 100 + "x", first_line=1)
def test_frontmatter_read_never_raises(text: str, first_line: int) -> None:
    front, problems = frontmatter.read(text, "x.md", first_line=first_line)
    assert front is not None or problems, "a refusal always says why"
    for problem in problems:
        assert problem.location.path == "x.md"
        assert problem.location.line >= first_line, str(problem)
    if front is not None:
        assert isinstance(front.data, dict)
        assert all(isinstance(key, str) for key in front.data)
    document = frontmatter.split(text, "x.md")
    assert document.front is not None or document.problems


def test_a_pasted_line_separator_stays_inside_its_line() -> None:
    """YAML 1.1 breaks lines at U+2028 (LS), U+2029 and U+0085; editors do not, and pasted titles hold them."""
    voices = "voices:\n  simonyan: {city: yerevan, name: Gurgen Simonyan}\n"
    text = f"---\ntitle: Hello\u2028World\ndate: 2023-13-45\n{voices}---\n{BODY}"
    _, problems = load_site({ARTICLE: text})
    assert [str(p) for p in problems if p.is_error] == [
        f"{ARTICLE}:3:7: error: '2023-13-45' is not a valid date: month must be in 1..12 "
        "(write dates as YYYY-MM-DD, e.g. 2023-06-05)"
    ]
    front, found = frontmatter.read("title: Hello\u2028World", "x.md")
    assert front is not None and not found
    assert front.data == {"title": "Hello World"}
