"""YAML front matter: values, the line of every key, and every way it goes wrong, located."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from sitegen import frontmatter
from sitegen.errors import Location, Severity

PATH = "content/articles/one/en.md"

ARTICLE = """\
---
title: Is Washington threatening an operation in Karabakh?
date: 2023-06-05
tags: [karabakh, usa]
voices:
  ria:
    city: moscow
    name: RIA Novosti
  simonyan:
    city: yerevan
    name: Gurgen Simonyan
    role: political scientist
points:
  claim: What was reported?
---

The lead.
"""

BOMB = """\
---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
title: never reached
---
"""


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request, monkeypatch):
    """Run a test with the C loader (when installed) and with PyYAML's own, the fallback."""
    if request.param == "libyaml":
        assert hasattr(yaml, "CSafeLoader"), "PyYAML without libyaml: the fast loader is part of the contract"
        monkeypatch.setattr(frontmatter, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)
    return request.param


def split(text: str) -> frontmatter.Document:
    return frontmatter.split(text, PATH)


def messages(document: frontmatter.Document) -> list[str]:
    return [str(p) for p in document.problems]


# -- Reading ---------------------------------------------------------------


def test_values_and_body():
    document = split(ARTICLE)
    assert document.problems == ()
    assert document.front.data == {
        "title": "Is Washington threatening an operation in Karabakh?",
        "date": dt.date(2023, 6, 5),
        "tags": ["karabakh", "usa"],
        "voices": {
            "ria": {"city": "moscow", "name": "RIA Novosti"},
            "simonyan": {"city": "yerevan", "name": "Gurgen Simonyan", "role": "political scientist"},
        },
        "points": {"claim": "What was reported?"},
    }
    assert document.body == "\nThe lead.\n"
    assert document.body_line == 16, "the body starts on the line after the closing '---'"


def test_key_lines_including_nested_paths():
    front = split(ARTICLE).front
    assert front.lines[("title",)] == (2, 1)
    assert front.lines[("date",)] == (3, 1)
    assert front.lines[("voices",)] == (5, 1)
    assert front.lines[("voices", "ria")] == (6, 3)
    assert front.lines[("voices", "ria", "city")] == (7, 5)
    assert front.lines[("voices", "simonyan", "role")] == (12, 5)
    assert front.lines[("points", "claim")] == (14, 3)


def test_at_falls_back_to_the_nearest_parent_then_the_first_line():
    front = split(ARTICLE).front
    assert front.at("voices", "ria", "city") == Location(PATH, 7, 5)
    assert front.at("voices", "ria", "role") == Location(PATH, 6, 3), "ria has no role: point at ria"
    assert front.at("summary") == Location(PATH, 2), "a missing field points at the front matter's first line"
    assert front.at() == Location(PATH, 2)


def test_body_line_counts_every_front_matter_line():
    document = split("---\ntitle: x\n---\nfirst body line\n")
    assert document.body == "first body line\n"
    assert document.body_line == 4


def test_dots_may_close_the_front_matter():
    document = split("---\ntitle: x\n...\nbody\n")
    assert document.problems == ()
    assert document.front.data == {"title": "x"}
    assert document.body == "body\n"


def test_a_thematic_break_in_the_body_is_not_a_fence():
    document = split("---\ntitle: x\n---\nabove\n\n---\n\nbelow\n")
    assert document.front.data == {"title": "x"}
    assert document.body == "above\n\n---\n\nbelow\n"


def test_datetime_with_offset():
    front = split("---\ndate: 2023-06-05T14:30:00+04:00\n---\n").front
    assert front.data["date"] == dt.datetime(2023, 6, 5, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=4)))


def test_read_with_first_line_offsets_every_location():
    front, problems = frontmatter.read("title: x\nvoices:\n  ria:\n    city: moscow\n", PATH, first_line=10)
    assert problems == ()
    assert front.lines[("voices", "ria", "city")] == (13, 5)


# -- Mistakes, each located ------------------------------------------------


def test_duplicate_key_names_both_lines():
    document = split("---\ntitle: First\ndate: 2023-06-05\ntitle: Second\n---\n")
    assert messages(document) == [f"{PATH}:4:1: error: duplicate key 'title' (first set on line 2) (keep one of them)"]
    assert document.front.data["title"] == "First"


def test_duplicate_nested_key():
    text = "---\nvoices:\n  ria:\n    city: moscow\n    city: baku\n---\n"
    (problem,) = split(text).problems
    assert problem.location == Location(PATH, 5, 5)
    assert problem.message == "duplicate key 'city' (first set on line 4)"


@pytest.mark.parametrize(
    "value, reason",
    [
        ("2023-13-45", "month must be in 1..12"),
        ("2023-02-30", "day is out of range for month"),
        ("2023-06-05 25:00:00", "hour must be in 0..23"),
    ],
)
def test_invalid_date_is_a_located_error_not_a_value_error(value, reason):
    document = split(f"---\ntitle: x\ndate: {value}\n---\n")
    assert messages(document) == [
        f"{PATH}:3:7: error: '{value}' is not a valid date: {reason} (write dates as YYYY-MM-DD, e.g. 2023-06-05)"
    ]
    assert document.front.data["date"] == value, "the text is kept so later checks can name it"


def test_deep_nesting_is_a_located_error(loader):
    document = split("---\ntitle: x\nvoices: " + "[" * 5000 + "\n---\n")
    assert document.front is None
    (problem,) = document.problems
    assert problem.is_error
    assert problem.location.path == PATH
    # libyaml marks the line of the '['s; PyYAML's own loader runs out of stack and
    # the error falls back to the front matter's first line.
    assert problem.location.line in (2, 3)
    assert "nest" in problem.message


def test_deep_block_nesting_is_a_located_error(loader):
    text = "---\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(40)) + "---\n"
    document = split(text)
    assert document.front is None
    (problem,) = document.problems
    assert str(problem).startswith(f"{PATH}:{2 + frontmatter.MAX_DEPTH + 1}:")
    assert problem.message == "the front matter is nested too deeply"


def test_billion_laughs_is_a_located_error(loader):
    document = split(BOMB)
    assert document.front is None
    (problem,) = document.problems
    assert problem.message == "the front matter is too large (are aliases expanding it?)"
    assert problem.location.path == PATH
    assert 2 <= problem.location.line <= 8


def test_small_aliases_are_fine():
    document = split("---\nbase: &b {city: moscow, name: RIA}\nvoices:\n  ria: *b\n---\n")
    assert document.problems == ()
    assert document.front.data["voices"] == {"ria": {"city": "moscow", "name": "RIA"}}


def test_tabs_give_the_hint_about_tabs(loader):
    document = split("---\ntitle: x\nvoices:\n\tria:\n\t\tcity: moscow\n---\n")
    assert document.front is None
    (problem,) = document.problems
    assert problem.location.line == 4
    assert problem.message.startswith("invalid YAML: ")
    assert problem.hint == "indent with spaces, not tabs"


def test_syntax_error_without_tabs_gives_the_quoting_hint(loader):
    (problem,) = split("---\ntitle: Baku: a view\n---\n").problems
    assert str(problem).startswith(f"{PATH}:2: error: invalid YAML: mapping values are not allowed ")
    assert problem.hint == "put text that holds ': ' or starts with a quote, '[' or '{' in double quotes"


def test_top_level_list_is_an_error():
    document = split("---\n- title: x\n- date: 2023-06-05\n---\n")
    assert document.front is None
    assert messages(document) == [
        f"{PATH}:2:1: error: the front matter must be a set of 'key: value' fields "
        "(e.g. title: …, date: 2023-06-05, voices: …)"
    ]


def test_top_level_text_is_an_error():
    (problem,) = split("---\njust a sentence\n---\n").problems
    assert problem.message == "the front matter must be a set of 'key: value' fields"


@pytest.mark.parametrize("text", ["---\n---\nbody\n", "---\n\n# only a comment\n---\nbody\n"])
def test_empty_front_matter(text):
    document = split(text)
    assert document.front is None
    (problem,) = document.problems
    assert problem.location == Location(PATH, 2)
    assert problem.message == "the front matter is empty"
    assert problem.hint == "it needs at least title, date and voices"


def test_missing_opening_fence():
    document = split("title: x\ndate: 2023-06-05\n")
    assert document.front is None
    assert document.body == "title: x\ndate: 2023-06-05\n"
    assert messages(document) == [
        f"{PATH}:1: error: the file does not start with front matter "
        "(begin with a '---' line, the YAML fields (title, date, voices), then '---')"
    ]


def test_missing_closing_fence():
    document = split("---\ntitle: x\ndate: 2023-06-05\n\nThe body.\n")
    assert document.front is None
    assert messages(document) == [
        f"{PATH}:1: error: the front matter is never closed (end the YAML fields with a line holding only '---')"
    ]


def test_unquoted_hash_cuts_the_title_with_a_warning():
    document = split("---\ntitle: Update #2\n---\n")
    assert document.front.data["title"] == "Update"
    (problem,) = document.problems
    assert problem.severity is Severity.WARNING
    assert str(problem) == (
        f"{PATH}:2:8: warning: the title is cut at '#': YAML reads '#2' as a comment "
        '(put the whole title in double quotes: title: "Update #2")'
    )


@pytest.mark.parametrize("line", ['title: "Update #2"', "title: 'Update #2'", "title: Update#2"])
def test_quoted_or_glued_hash_is_kept_without_warning(line):
    document = split(f"---\n{line}\n---\n")
    assert document.problems == ()
    assert document.front.data["title"] in ("Update #2", "Update#2")


def test_hash_in_a_voice_name_and_a_point_question_warns():
    text = "---\nvoices:\n  ria:\n    name: RIA #1\npoints:\n  claim: Who is #1?\n---\n"
    document = split(text)
    assert [str(p) for p in document.problems] == [
        f"{PATH}:4:11: warning: the name is cut at '#': YAML reads '#1' as a comment "
        '(put the whole name in double quotes: name: "RIA #1")',
        f"{PATH}:6:10: warning: the question is cut at '#': YAML reads '#1?' as a comment "
        '(put the whole question in double quotes: claim: "Who is #1?")',
    ]


def test_comment_after_a_non_prose_field_is_fine():
    document = split("---\ndate: 2023-06-05  # the day it ran\n---\n")
    assert document.problems == ()


def test_python_tags_are_never_constructed():
    document = split("---\ntitle: !!python/object/apply:os.system [echo hi]\nsummary: !!python/name:os.system x\n---\n")
    assert document.front is not None
    assert document.front.data["title"] == ["echo hi"], "a tagged sequence is read as a plain list"
    (problem,) = document.problems
    assert problem.location == Location(PATH, 3, 10)
    assert problem.message == "cannot read 'x' as !!python/name:os.system"


def test_a_key_that_is_not_a_word_is_an_error():
    (problem,) = split("---\n? [a, b]\n: c\n---\n").problems
    assert problem.message == "a key must be a plain word"
    assert problem.location.line == 2
