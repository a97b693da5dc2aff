"""Fuzzing whole sites: whatever the site, a build succeeds completely or reports located problems.

Hypothesis writes whole sites (config, articles in several languages, voices,
points, passages and cities, with hostile text mixed in) and builds each with
the real ``sitegen.build.build`` into a fresh folder. The properties:

- the build never raises; when it fails, every error names a file, and an
  error about a file's content says on which line;
- a successful build has every published passage on its article page, in the
  element of its voice and point, and nothing from the content is active
  (:func:`tests.test_corpus.assert_inert`); drafts stay out;
- nothing is written outside the output folder.

The second strategy takes such a site and mutates its files (lines deleted,
doubled or swapped, fragments of YAML, Markdown and HTML inserted, line endings
and encodings changed) and asserts the same, minus the page contents.

CI runs a few dozen examples of each (about 20 s). A long session:
``SITEGEN_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py --hypothesis-show-statistics``
(see docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sitegen.build import build

from .test_build import parse
from .test_corpus import assert_inert, snapshot

EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "0"))


def examples(ci: int) -> settings:
    return settings(
        max_examples=EXAMPLES or ci,
        # CI runs the same examples every time, so the share of sites that build is stable;
        # a long session (SITEGEN_FUZZ_EXAMPLES) explores new ones.
        derandomize=not EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- Strategies: the pieces of a site -----------------------------------------------

LANGUAGES = ["en", "ru", "hy", "az"]
CITIES = ["yerevan", "baku", "moscow", "tbilisi", "stepanakert"]
IDS = ["simonyan", "namazov", "ria", "a", "b-2", "x_y", "Voice9"]
POINTS = ["claim", "credible", "next", "p1", "why-now"]
#: What an attacker or a careless paste puts into text.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "' onmouseover='alert(4)",
    "javascript:alert(5)",
    "[link](javascript:alert(6))",
    "![img](data:text/html,<script>alert(7)</script>)",
    "<a href=javascript:alert(8)>a</a>",
    "{{ 7*191 }}",
    "{% raw %}",
    "&amp; &lt; &#x3C;",
    "</textarea></title></style>",
    "<!--",
    "]]>",
    "**bold** _em_ `code`",
    "[^1]",
    "Ереван",
    "Երևան",
    "Bakı şəhəri",
    "🙂",
    "\u202e",
    "#",
    ": ",
]
word = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=10),
)
prose = st.lists(word, min_size=1, max_size=5).map(" ".join)
#: Text that must say something: titles, names, questions.
text = prose.filter(str.strip)
#: Tags: no '/' and no leading '.' (sitegen refuses those, see the corpus).
tag = text.map(lambda t: t.replace("/", "|").strip().lstrip(".")).filter(bool)


def quoted(text: str) -> str:
    """A YAML or TOML double-quoted string holding exactly ``text``: escapes for all that is not printable."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif char.isprintable():
            escaped.append(char)
        else:
            escaped.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
    return '"' + "".join(escaped) + '"'


@dataclass(frozen=True)
class Said:
    voice: str
    point: str | None
    marker: str
    text: str


@dataclass(frozen=True)
class Translation:
    lang: str
    title: str
    summary: str
    tags: tuple[str, ...]
    names: dict[str, tuple[str, str]]  # voice id -> (name, role)
    questions: dict[str, str]
    lead: str
    passages: tuple[Said, ...]
    draft: bool


@dataclass(frozen=True)
class Article:
    slug: str
    date: str
    voices: dict[str, str]  # voice id -> city
    points: tuple[str, ...]
    translations: tuple[Translation, ...]


@dataclass(frozen=True)
class SiteSpec:
    languages: tuple[str, ...]
    cities: dict[str, str]  # city id -> name
    title: str
    per_page: int
    raw_html: bool
    articles: tuple[Article, ...]

    def files(self) -> dict[str, str]:
        files = {"sitegen.toml": self.config()}
        for article in self.articles:
            for translation in article.translations:
                files[f"content/articles/{article.slug}/{translation.lang}.md"] = _article_file(article, translation)
        return files

    def config(self) -> str:
        lines = [
            f"title = {quoted(self.title)}",
            'base_url = "https://example.org/news/"',
            f"languages = {json.dumps(list(self.languages))}",
            f"per_page = {self.per_page}",
        ]
        for city, name in self.cities.items():
            lines += [f"[cities.{city}]", f"name = {quoted(name)}"]
        lines += ["[markdown]", f"raw_html = {json.dumps(self.raw_html)}"]
        return "\n".join(lines) + "\n"


def _article_file(article: Article, t: Translation) -> str:
    front = [f"title: {quoted(t.title)}", f"date: {article.date}"]
    if t.summary:
        front.append(f"summary: {quoted(t.summary)}")
    if t.tags:
        front.append(f"tags: [{', '.join(quoted(tag) for tag in t.tags)}]")
    if t.draft:
        front.append("draft: true")
    front.append("voices:")
    for voice, city in article.voices.items():
        name, role = t.names[voice]
        front += [f"  {voice}:", f"    city: {city}", f"    name: {quoted(name)}"]
        if role:
            front.append(f"    role: {quoted(role)}")
    if article.points:
        front.append("points:")
        front += [f"  {point}: {quoted(t.questions[point])}" for point in article.points]
    body = [t.lead, ""]
    for said in t.passages:
        body += [f"::: {said.voice} {said.point or ''}".rstrip(), f"{said.marker} {said.text}", ":::", ""]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body)


@st.composite
def sites(draw: st.DrawFn) -> SiteSpec:
    languages = tuple(draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True)))
    city_ids = draw(st.lists(st.sampled_from(CITIES), min_size=1, max_size=4, unique=True))
    cities = {city: draw(text) for city in city_ids}
    slugs = draw(st.lists(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True), max_size=4, unique=True))
    markers = iter(range(1, 10_000))
    articles = []
    for slug in slugs:
        voices = {
            voice: draw(st.sampled_from(city_ids))
            for voice in draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=3, unique=True))
        }
        points = tuple(draw(st.lists(st.sampled_from(POINTS), max_size=3, unique=True)))
        langs = draw(st.lists(st.sampled_from(languages), min_size=1, max_size=len(languages), unique=True))
        translations = []
        for lang in langs:
            said = draw(
                st.lists(
                    st.tuples(st.sampled_from(sorted(voices)), st.sampled_from([None, *points]), prose), max_size=4
                )
            )
            translations.append(
                Translation(
                    lang=lang,
                    title=draw(text),
                    summary=draw(st.one_of(st.just(""), prose)),
                    tags=tuple(draw(st.lists(tag, max_size=3))),
                    names={voice: (draw(text), draw(st.one_of(st.just(""), prose))) for voice in voices},
                    questions={point: draw(text) for point in points},
                    lead=draw(st.one_of(st.just(""), prose)),
                    passages=tuple(
                        Said(voice, point, f"zq{next(markers)}zq{slug.replace('-', '')}", text)
                        for voice, point, text in said
                    ),
                    draft=draw(st.integers(0, 5)) == 0,
                )
            )
        date = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
        articles.append(Article(slug, date.isoformat(), voices, points, tuple(translations)))
    return SiteSpec(
        languages=languages,
        cities=cities,
        title=draw(text),
        per_page=draw(st.integers(1, 4)),
        raw_html=draw(st.booleans()),
        articles=tuple(articles),
    )


# -- Mutations -----------------------------------------------------------------------

FRAGMENTS = [
    ":::",
    "::: simonyan",
    "::: nobody claim",
    "---",
    "\t",
    "  ",
    "- ",
    ": ",
    "[",
    "{",
    "&a ",
    "*a",
    "!!python/name:os.system",
    "!!binary ",
    "? ",
    "|",
    '"',
    "'",
    "#",
    "\r",
    "\r\n",
    "\ufeff",
    "\u2028",
    "\x85",
    "<script>alert(9)</script>",
    "[x](javascript:alert(10))",
    "[^1]: note",
    "```",
    "- - - - - - - - - - - deep",
    "date: 2023-02-30",
    "city: paris",
    "voices: []",
    "tags: [../x]",
]


#: How a site is mutated; hostile text in an article's body comes up most, as in real life, so that
#: a good share of mutated sites still builds and its output is checked (the rest test the errors).
OPERATIONS = ["body"] * 6 + ["delete", "double", "swap", "insert", "cut", "endings", "bytes", "rename"]
#: The least share of mutated sites that must build, or the checks on their output prove nothing
#: (the 40 examples CI runs, the same every time, build 10 today).
BUILT_AT_LEAST = 0.2


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(draw(sites()).files())
    for _ in range(draw(st.integers(1, 4))):
        # Articles three times as often as the config: most edits in a newsroom are to articles.
        path = draw(st.sampled_from([*sorted(files), *3 * sorted(p for p in files if p.endswith(".md"))]))
        text = files[path]
        if isinstance(text, bytes):
            continue
        lines = text.split("\n")
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        at = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(OPERATIONS))
        if operation == "body":
            if not path.endswith(".md") or "\n---\n" not in text:
                continue
            head, _, body = text.partition("\n---\n")
            lines = body.split("\n")
            lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(PAYLOADS)))
            text = head + "\n---\n" + "\n".join(lines)
        elif operation == "delete":
            del lines[where]
            text = "\n".join(lines)
        elif operation == "double":
            lines.insert(where, lines[where])
            text = "\n".join(lines)
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[where], lines[other] = lines[other], lines[where]
            text = "\n".join(lines)
        elif operation == "insert":
            text = text[:at] + draw(st.one_of(st.sampled_from(FRAGMENTS), word)) + text[at:]
        elif operation == "cut":
            text = text[:at]
        elif operation == "endings":
            text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
        elif operation == "bytes":
            raw = text.encode("utf-8")
            text = raw[:at] + draw(st.sampled_from([b"\xff", b"\xe9", b"\x00", b"\xc3"])) + raw[at:]
        else:
            del files[path]
            path = path.replace(".md", draw(st.sampled_from([".MD", "s.md", ".md.md"]))).replace("toml", "tml")
        files[path] = text
    return files


# -- Building and checking -------------------------------------------------------------------


def build_site(files: dict[str, str | bytes], root: Path):
    site = root / "site"
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    before = snapshot(root)
    report = build(site)
    assert snapshot(root, skip=site / "output") == before, "the build wrote outside its output folder"
    return report, site / "output"


#: Problems about a whole file or folder: no line to point at.
FILE_LEVEL = (
    "is not a configured language",
    "is not a valid slug",
    "no site config here",
    "cannot read",
    "the file is too large",
    "not an article folder",
    "the article folder has no language files",
    "a link that",
    "missing required key",
    "is not published from an article folder",
    "this SVG is not published",
    "would take the place of the article's page",
)


def assert_located(report, site: Path) -> None:
    """Every error names a file or folder; errors about what is inside a file name the line."""
    for problem in report.diagnostics:
        location = problem.location
        assert location.path, str(problem)
        if not problem.is_error:
            continue
        target = site / location.path
        if target.is_file() and not any(part in problem.message for part in FILE_LEVEL):
            assert location.line >= 1, str(problem)


def assert_passages_shown(spec: SiteSpec, out: Path) -> None:
    """Every passage of every published translation is on its page, in its voice's and point's element."""
    for article in spec.articles:
        for translation in article.translations:
            page_path = out / translation.lang / article.slug / "index.html"
            if translation.draft:
                # Its address holds nothing, or (when another language is published) the page
                # saying the article is not available in this language: never the draft.
                html = page_path.read_text(encoding="utf-8") if page_path.exists() else ""
                assert not html or ('content="noindex"' in html and "data-voice" not in html), (
                    f"draft {page_path} was published"
                )
                continue
            page = parse(page_path)
            for said in translation.passages:
                holders = [
                    element
                    for element in page.find(data_voice=said.voice)
                    if said.marker in element.text and element.attrs.get("data-point") == said.point
                ]
                assert holders, f"{translation.lang}/{article.slug}: passage {said} is not on the page"


def first_error(report) -> str:
    """The kind of the first error, for Hypothesis's statistics: the message without what it quotes."""
    return min(re.sub(r"'[^']*'", "'…'", d.message) for d in report.diagnostics if d.is_error)


@examples(ci=30)
@given(spec=sites())
def test_any_generated_site_builds_completely_or_says_where_it_is_wrong(spec: SiteSpec) -> None:
    with tempfile.TemporaryDirectory() as folder:
        report, out = build_site(spec.files(), Path(folder))
        assert_located(report, out.parent)
        if not report.ok:
            event(f"site refused: {first_error(report)}")
            assert not out.exists()
            return
        event("site built")
        assert_inert(out)
        assert_passages_shown(spec, out)


def test_any_mutated_site_builds_or_says_where_it_is_wrong() -> None:
    built: list[bool] = []

    @examples(ci=40)
    @given(files=mutated())
    def attempt(files: dict[str, str | bytes]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            report, out = build_site(files, Path(folder))
            assert_located(report, out.parent)
            event("site built" if report.ok else f"site refused: {first_error(report)}")
            built.append(report.ok)
            if report.ok:
                assert_inert(out)
            else:
                assert not out.exists()

    attempt()
    assert sum(built) >= BUILT_AT_LEAST * len(built), f"only {sum(built)} of {len(built)} mutated sites built"
