"""Every stage stays near-linear in its input, and inputs that cannot be read in linear time are capped.

A generated pathological article (thousands of points, passages, voices,
footnotes, tags, links and headings, runs of ``[*``, emphasis and nested
quotes and lists) is built at two sizes, n and 4n: the larger may take about
four times the CPU time of the smaller, with slack for a shared machine, never
the sixteen times of a stage that is quadratic. CPU time of this process, not
wall time: other work on the machine changes it much less.
"""

from __future__ import annotations

import time
from pathlib import Path

from sitegen import markup
from sitegen.build import build
from sitegen.model import MAX_DATA_SIZE

from .conftest import CONFIG, build_ok, messages

#: How much more than linear the larger build may cost: 4n may take 4 x 1.5 the time of n.
SLACK = 1.5


def pathological(n: int) -> str:
    """An article file that scales every part of an article with ``n``."""
    voices = "".join(
        f"  v{i}:\n    city: {('yerevan', 'baku')[i % 2]}\n    name: Voice {i}\n    role: role {i}\n"
        for i in range(n // 10)
    )
    points = "".join(f"  p{i}: Question {i}?\n" for i in range(n))
    tags = ", ".join(f"tag {i}" for i in range(n // 10))
    lead = [
        "[*" * n,
        "*a **b _c " * n,
        " ".join(f"[link {i}](https://example.org/{i})" for i in range(n)),
        "word " * (20 * n),
        *(f"## Heading {i}\n\n> > > quoted {i}\n\n- a\n  - b\n    - c {i}\n" for i in range(n // 10)),
    ]
    passages = [
        f"::: v{(2 * i + side) % (n // 10)} p{i}\nOn point {i}, *said* [here](#x).[^n{i}-{side}]\n:::\n"
        for i in range(n)
        for side in (0, 1)
    ]
    notes = [
        f"[^n{i}-{side}]: Note {i}, from a [source](https://example.org/s/{i}).\n" for i in range(n) for side in (0, 1)
    ]
    return (
        f"---\ntitle: Everything at once\ndate: 2023-06-05\ntags: [{tags}]\nvoices:\n{voices}points:\n{points}---\n\n"
        + "\n\n".join(lead + passages + notes)
    )


def misspelt(n: int) -> str:
    """An article whose ``n`` passages each name a point it does not declare, among ``n`` declared ones."""
    points = "".join(f"  point-{i}: Question {i}?\n" for i in range(n))
    passages = "".join(f"::: a pointe-{i}\nSaid.\n:::\n\n" for i in range(n))
    voices = "  a:\n    city: yerevan\n    name: A\n"
    return f"---\ntitle: Typos\ndate: 2023-06-05\nvoices:\n{voices}points:\n{points}---\n\n{passages}"


def cpu_seconds(site: Path, **options) -> float:
    """The least CPU time of two builds of ``site`` in this process."""
    times = []
    for _ in range(2):
        started = time.process_time()
        build(site, search=False, jobs=1, cache=False, **options)
        times.append(time.process_time() - started)
    return min(times)


def both_languages(make_site, text: str, name: str) -> Path:
    return make_site({"content/articles/x/en.md": text, "content/articles/x/ru.md": text}, name=name)


def test_a_pathological_article_builds_in_time_linear_in_its_size(make_site):
    small = both_languages(make_site, pathological(250), "small")
    large = both_languages(make_site, pathological(1000), "large")
    build_ok(small, search=False, jobs=1, cache=False)  # templates compiled, modules imported
    build_ok(large, search=False, jobs=1, cache=False)
    assert (large / "content/articles/x/en.md").stat().st_size > 3.9 * (
        small / "content/articles/x/en.md"
    ).stat().st_size
    ratio = cpu_seconds(large) / cpu_seconds(small)
    assert ratio < 4 * SLACK, f"4 times the article took {ratio:.1f} times the CPU time to build"


def test_misspelt_ids_are_checked_in_time_linear_in_their_number(make_site):
    small = both_languages(make_site, misspelt(300), "small")
    large = both_languages(make_site, misspelt(1200), "large")
    report = build(large, write=False, cache=False, jobs=1)
    assert "did you mean 'point-0'?" in "\n".join(messages(report))
    assert "expected one of: point-0, point-1" in messages(report)[-1]
    ratio = cpu_seconds(large, write=False) / cpu_seconds(small, write=False)
    assert ratio < 4 * SLACK, f"4 times the misspelt ids took {ratio:.1f} times the CPU time to check"


def test_too_much_markup_is_an_error_at_its_line(make_site):
    runs = "[*" * (markup.MAX_MARKS // 2 + 1)
    prose = "plain text\n" * 5
    body = f"::: a\nSaid.\n:::\n\n{prose}\n{runs}\n"
    voices = "  a:\n    city: yerevan\n    name: A\n"
    site = both_languages(make_site, f"---\ntitle: T\ndate: 2023-06-05\nvoices:\n{voices}---\n\n{body}", "marks")
    started = time.process_time()
    report = build(site, search=False, jobs=1, cache=False)
    assert time.process_time() - started < 10
    assert not report.ok
    found = messages(report)
    assert found[0].startswith(
        "content/articles/x/en.md:20: error: too much Markdown markup: with this block the file holds more than 100,000"
    ), found


def test_an_oversized_people_registry_or_config_is_refused_before_it_is_read(make_site):
    filler = "# " + "x" * 100 + "\n"
    registry = filler * (MAX_DATA_SIZE // len(filler) + 1)
    site = make_site({"content/people.yaml": registry, "content/articles/x/en.md": "---\n---\n"}, name="people")
    found = messages(build(site, write=False, cache=False))
    assert "content/people.yaml: error: the file is too large (1.0 MB; at most 1 MB)" in "\n".join(found), found
    site = make_site({}, config=CONFIG + filler * (MAX_DATA_SIZE // len(filler) + 1), name="config")
    found = messages(build(site, write=False, cache=False))
    assert found[0].startswith("sitegen.toml: error: the file is too large (1.0 MB; at most 1 MB)"), found


def test_too_many_blocks_is_an_error_at_the_line_that_passes_the_limit(make_site):
    items = markup.MAX_BLOCKS // 5 + 10  # a list item makes five tokens: item, paragraph, text, and their ends
    voices = "  a:\n    city: yerevan\n    name: A\n"
    text = f"---\ntitle: T\ndate: 2023-06-05\nvoices:\n{voices}---\n\n::: a\nSaid.\n:::\n\n" + "- item\n" * items
    site = both_languages(make_site, text, "blocks")
    started = time.process_time()
    report = build(site, search=False, jobs=1, cache=False)
    assert time.process_time() - started < 10
    found = [str(d) for d in report.diagnostics if "too many blocks" in str(d)]
    assert found[0].startswith("content/articles/x/en.md:"), found
    line = int(found[0].split(":")[1])
    assert text.split("\n")[line - 1] == "- item" and line > markup.MAX_BLOCKS // 5, found
    assert "here the file passes 200,000 paragraphs, list items" in found[0]
