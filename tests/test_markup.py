"""Markdown bodies: lead and passages with their file lines, the link policy, raw HTML, problems."""

from __future__ import annotations

import re

import pytest

from sitegen import markup
from sitegen.errors import Location
from sitegen.model import Passage

PATH = "content/articles/one/en.md"

BODY = """\
The lead paragraph is *shared*.

::: ria claim
The agency wrote that Washington is forcing a meeting.
:::

A second lead paragraph.

::: simonyan credible
He calls the report part of an **information war**.

Two paragraphs.
:::

::: namazov
By the end of summer, he says.
:::
"""


def parse(text: str, first_line: int = 1, raw_html: bool = False) -> markup.Body:
    return markup.parse_body(text, PATH, first_line, raw_html)


def problems(body: markup.Body) -> list[str]:
    return [str(p) for p in body.problems]


def all_html(body: markup.Body) -> str:
    return body.lead_html + "".join(p.html for p in body.passages) + body.notes_html


# -- Lead and passages -----------------------------------------------------


def test_lead_and_passages_split():
    body = parse(BODY, first_line=12)
    assert body.problems == ()
    assert body.lead_html == "<p>The lead paragraph is <em>shared</em>.</p>\n<p>A second lead paragraph.</p>\n"
    assert body.passages == (
        Passage("ria", "claim", "<p>The agency wrote that Washington is forcing a meeting.</p>\n", Location(PATH, 14)),
        Passage(
            "simonyan",
            "credible",
            "<p>He calls the report part of an <strong>information war</strong>.</p>\n<p>Two paragraphs.</p>\n",
            Location(PATH, 20),
        ),
        Passage("namazov", None, "<p>By the end of summer, he says.</p>\n", Location(PATH, 26)),
    )
    assert body.notes_html == ""


def test_passage_line_is_the_opening_line_in_the_file():
    first_line = 9  # e.g. seven lines of front matter between two '---' lines, then the body
    body = parse("\n\n::: ria\nx\n:::\n", first_line=first_line)
    (passage,) = body.passages
    assert passage.location == Location(PATH, first_line + 2)


def test_body_without_passages_is_all_lead():
    body = parse("Just a lead.\n")
    assert body.lead_html == "<p>Just a lead.</p>\n"
    assert body.passages == ()
    assert body.problems == ()


def test_empty_body():
    body = parse("")
    assert (body.lead_html, body.passages, body.notes_html, body.problems) == ("", (), "", ())


def test_longer_fences_open_and_close_passages():
    body = parse("::::: ria\nx\n:::::\n\n::: simonyan\ny\n::::\n")
    assert [(p.voice, p.html) for p in body.passages] == [("ria", "<p>x</p>\n"), ("simonyan", "<p>y</p>\n")]
    assert body.problems == ()


def test_passage_holding_block_markdown():
    body = parse("::: ria\n> quoted\n\n- one\n- two\n:::\n")
    assert body.passages[0].html == (
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


def test_colons_inside_a_fenced_code_block_are_not_a_passage():
    body = parse("```\n::: ria\nnot a passage\n:::\n```\n")
    assert body.passages == ()
    assert body.problems == ()
    assert body.lead_html == "<pre><code>::: ria\nnot a passage\n:::\n</code></pre>\n"


def test_colons_inside_an_indented_code_block_are_not_a_passage():
    body = parse("Text.\n\n    ::: ria\n    :::\n")
    assert body.passages == ()
    assert body.problems == ()


def test_render_standalone_markdown():
    assert markup.render("A *summary* with [a link](https://example.org/).") == (
        '<p>A <em>summary</em> with <a href="https://example.org/">a link</a>.</p>\n'
    )


# -- Raw HTML --------------------------------------------------------------


def test_raw_html_is_escaped_by_default():
    body = parse('<script>alert(1)</script>\n\nText with <b onclick="x()">bold</b>.\n')
    assert "<script" not in body.lead_html
    assert "<b" not in body.lead_html
    assert body.lead_html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        "<p>Text with &lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt;.</p>\n"
    )


def test_raw_html_in_a_passage_is_escaped_by_default():
    body = parse('::: ria\n<iframe src="https://evil.example"></iframe>\n:::\n')
    assert "<iframe" not in body.passages[0].html
    assert "&lt;iframe" in body.passages[0].html


def test_raw_html_when_enabled_is_sanitised():
    text = (
        "<script>alert(1)</script>\n\n"
        'Keep <b>bold</b>, <a href="javascript:alert(1)">drop the href</a>, '
        '<img src="x.png" onerror="alert(1)"> and <span style="color:red">style</span>.\n\n'
        '::: ria\n<p onmouseover="x()">hover</p><script>steal()</script>\n:::\n'
    )
    body = parse(text, raw_html=True)
    html = all_html(body)
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "steal()" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onmouseover" not in html
    assert "<b>bold</b>" in body.lead_html
    assert '<img src="x.png">' in body.lead_html
    assert "<a>drop the href</a>" in body.lead_html
    assert body.passages[0].html == "<p>hover</p>\n"


def test_raw_html_enabled_keeps_safe_links():
    body = parse('<a href="https://example.org/">ok</a> and [md](https://example.org/md)\n', raw_html=True)
    assert '<a href="https://example.org/">ok</a>' in body.lead_html
    assert '<a href="https://example.org/md">md</a>' in body.lead_html


# -- Link policy -----------------------------------------------------------

UNSAFE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///etc/passwd",
]


def _targets(html: str) -> list[str]:
    return re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', html)


@pytest.mark.parametrize("raw_html", [False, True], ids=["escaped", "raw"])
@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_urls_never_become_href_or_src(url, raw_html):
    text = (
        f"[link]({url}) ![image]({url}) <{url}>\n\n"
        f"[ref link][r]\n\n[r]: {url}\n\n"
        f"::: ria\n[in a passage]({url})\n:::\n\n"
        f"Note[^1].\n\n[^1]: [in a note]({url})\n"
    )
    body = parse(text, raw_html=raw_html)
    html = all_html(body)
    assert _targets(html) == ["#fn1", "#fnref1"], html
    assert body.links == ()


def test_unsafe_url_in_raw_html_is_dropped_when_enabled():
    text = (
        '<a href="JaVaScRiPt:alert(1)">a</a> <img src="data:image/png;base64,iVBOR">'
        ' <a href="vbscript:x">v</a> <iframe src="data:text/html,x"></iframe>\n'
    )
    html = parse(text, raw_html=True).lead_html
    assert _targets(html) == []


def test_safe_links_and_images_are_kept_and_listed():
    text = (
        "[site](https://example.org/a?b=1) ![map](map.png) <https://example.org/auto> [mail](mailto:a@b.org)\n\n"
        "::: ria\n[point](#point-claim)\n:::\n"
    )
    body = parse(text, first_line=10)
    assert _targets(all_html(body)) == [
        "https://example.org/a?b=1",
        "map.png",
        "https://example.org/auto",
        "mailto:a@b.org",
        "#point-claim",
    ]
    assert body.links == (
        ("https://example.org/a?b=1", Location(PATH, 10)),
        ("map.png", Location(PATH, 10)),
        ("https://example.org/auto", Location(PATH, 10)),
        ("mailto:a@b.org", Location(PATH, 10)),
        ("#point-claim", Location(PATH, 13)),
    )


# -- Tables and footnotes --------------------------------------------------


def test_table_renders():
    body = parse("| City | Says |\n|---|:-:|\n| Baku | no |\n")
    assert body.lead_html == (
        '<table>\n<thead>\n<tr>\n<th>City</th>\n<th style="text-align:center">Says</th>\n</tr>\n</thead>\n'
        '<tbody>\n<tr>\n<td>Baku</td>\n<td style="text-align:center">no</td>\n</tr>\n</tbody>\n</table>\n'
    )


def test_strikethrough_renders():
    assert parse("~~gone~~\n").lead_html == "<p><s>gone</s></p>\n"


def test_footnotes_go_to_notes_html():
    body = parse("The lead[^src].\n\n::: ria\nThe agency wrote[^2].\n:::\n\n[^src]: A source.\n\n[^2]: RIA, 5 June.\n")
    assert body.lead_html == '<p>The lead<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>.</p>\n'
    assert body.passages[0].html == (
        '<p>The agency wrote<sup class="footnote-ref"><a href="#fn2" id="fnref2">[2]</a></sup>.</p>\n'
    )
    assert body.notes_html == (
        '<hr class="footnotes-sep" />\n<section class="footnotes">\n<ol class="footnotes-list">\n'
        '<li id="fn1" class="footnote-item"><p>A source. <a href="#fnref1" class="footnote-backref">↩︎</a></p>\n</li>\n'
        '<li id="fn2" class="footnote-item"><p>RIA, 5 June. <a href="#fnref2" class="footnote-backref">↩︎</a></p>\n'
        "</li>\n</ol>\n</section>\n"
    )
    assert "footnote-item" not in body.lead_html


# -- Problems --------------------------------------------------------------


def test_unterminated_passage_at_end_of_file_is_an_error_at_its_opening_line():
    body = parse("Lead.\n\n::: ria claim\nThe agency wrote.\n", first_line=10)
    assert problems(body) == [
        f"{PATH}:12: error: passage '::: ria claim' is never closed (end it with a line holding only ':::')"
    ]


def test_passage_closed_by_a_shorter_fence_is_unterminated():
    body = parse("::::: ria\nx\n:::\n")
    assert "passage '::::: ria' is never closed" in [p.message for p in body.problems]


def test_nested_passage_is_an_error_naming_both_lines():
    text = "::: ria claim\nThe agency wrote.\n\n::: simonyan\nHe says.\n:::\n"
    body = parse(text, first_line=10)
    assert problems(body) == [
        f"{PATH}:13: error: passages do not nest: '::: simonyan' starts inside '::: ria claim' (line 10) "
        "(close '::: ria claim' with a ':::' line before starting the next passage)"
    ]


def test_stray_closing_fence_is_an_error():
    body = parse("::: ria\nx\n:::\n\nLead.\n\n:::\n", first_line=5)
    assert problems(body) == [
        f"{PATH}:11: error: a ':::' line that closes no passage "
        "(a passage starts with '::: <voice> [<point>]' and ends with ':::'; remove the stray line)"
    ]
    assert [p.voice for p in body.passages] == ["ria"]


def test_too_many_words_is_an_error():
    body = parse("::: ria claim extra\nx\n:::\n", first_line=3)
    assert problems(body) == [
        f"{PATH}:3: error: '::: ria claim extra' has too many words (expected '::: <voice>' or '::: <voice> <point>')"
    ]


def test_every_problem_of_a_body_is_reported():
    text = "::: a b c\nx\n:::\n\n::: ria\n::: simonyan\ny\n:::\n\n::: namazov\nnever closed\n"
    body = parse(text)
    assert [(p.location.line, p.message) for p in body.problems] == [
        (1, "'::: a b c' has too many words"),
        (6, "passages do not nest: '::: simonyan' starts inside '::: ria' (line 5)"),
        (10, "passage '::: namazov' is never closed"),
    ]


def test_stray_fence_does_not_swallow_later_passages():
    body = parse(":::\n\n::: ria\nx\n:::\n\n::: simonyan\ny\n:::\n")
    assert [p.location.line for p in body.problems] == [1]
    assert [p.voice for p in body.passages] == ["ria", "simonyan"]
