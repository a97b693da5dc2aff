"""The theme's Jinja2 environment renders exactly what plain Jinja2 would, by its quicker ways."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markupsafe
import pytest

from sitegen import config, templating, theme

from .conftest import CONFIG

SOURCE = (
    "{{ text }}|{{ markup }}|{{ number }}|{{ text|safe }}|{{ html }}|{{ add(1) }}|{{ method('x') }}"
    "|{{ with_context() }}|{{ with_environment() }}|{% for item in items %}{{ show(item) }}{% endfor %}"
    "|{% set block %}{{ text }}{% endset %}{{ block }}|{% macro m(v) %}<{{ v }}>{% endmacro %}{{ m(text) }}"
)


class _Html:
    def __html__(self) -> str:
        return "<em>as it says</em>"


VALUES = {
    "text": "<a href=\"x\">Tom & 'Jerry'</a> ünï",
    "markup": markupsafe.Markup("<b>bold</b>"),
    "number": 42,
    "html": _Html(),
    "add": lambda value: value + 1,
    "method": "<{}>".format,
    "with_context": jinja2.pass_context(lambda context: context["number"]),
    "with_environment": jinja2.pass_environment(lambda environment: type(environment.autoescape).__name__),
    "items": ["<1>", "&2"],
    "show": lambda item: f"[{item}]",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> jinja2.Environment:
    site = tmp_path_factory.mktemp("site")
    (site / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    loaded, _ = config.load(Path(site))
    assert loaded is not None
    found, _ = theme.load(Path(site), loaded)
    assert found is not None
    return templating.environment(found, "en")


def test_pages_are_escaped_as_markupsafe_escapes(env: jinja2.Environment) -> None:
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    expected = plain.from_string(SOURCE).render(VALUES)
    assert "&lt;a href=&#34;x&#34;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;" in expected
    assert env.from_string(SOURCE).render(VALUES) == expected


def test_an_undefined_value_still_fails(env: jinja2.Environment) -> None:
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
