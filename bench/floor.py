"""The floor: what a minimal Python static site generator costs per page.

    python bench/floor.py SITE OUT

Reads every ``SITE/content/articles/*/*.md``, splits off the front matter and
parses it with PyYAML's C loader, renders the body with markdown-it-py in the
dialect sitegen reads (CommonMark, tables, strikethrough, footnotes, ``:::``
containers), formats the date with Babel in the page's locale, fills one
minimal Jinja2 template compiled once, and writes ``OUT/<lang>/<slug>/index.html``.
One process, no checks, no listings, no feeds: a build that does less per
page than this is not building the site. bench/run.py times it beside
``sitegen build`` and reports the ratio.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date
from jinja2 import Environment
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

TEMPLATE = """\
<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<meta name="description" content="{{ summary }}">
</head>
<body>
<main>
<article>
<h1>{{ title }}</h1>
<p><time datetime="{{ date.isoformat() }}">{{ date_text }}</time></p>
<p>{{ summary }}</p>
<ul>{% for id, voice in voices.items() %}<li data-city="{{ voice.city }}">{{ voice.name }}</li>{% endfor %}</ul>
{{ body | safe }}
<p>{% for tag in tags %}<a href="../tags/{{ tag }}/">{{ tag }}</a> {% endfor %}</p>
</article>
</main>
</body>
</html>
"""

#: The locale of each language's dates, as sitegen picks it by default.
LOCALES = {"en": "en_GB"}


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(container_plugin, name="passage", validate=lambda params, markup: bool(params.strip()))
    return md


def split(text: str) -> tuple[dict, str]:
    """Front matter (between the ``---`` lines) and the Markdown body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text
    return yaml.load(text[4 : end + 1], Loader=yaml.CSafeLoader) or {}, text[end + 5 :]


def build(site: Path, out: Path) -> int:
    """Write one page per article file; returns how many."""
    md = parser()
    template = Environment(autoescape=True).from_string(TEMPLATE)
    locales: dict[str, Locale] = {}
    written = 0
    for path in sorted((site / "content" / "articles").glob("*/*.md")):
        lang, slug = path.stem, path.parent.name
        if lang not in locales:
            locales[lang] = Locale.parse(LOCALES.get(lang, lang))
        front, body = split(path.read_text(encoding="utf-8"))
        date = front.get("date")
        page = template.render(
            lang=lang,
            title=front.get("title", ""),
            summary=front.get("summary", ""),
            date=date,
            date_text=format_date(date, format="long", locale=locales[lang]),
            voices=front.get("voices") or {},
            tags=front.get("tags") or [],
            body=md.render(body),
        )
        target = out / lang / slug
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text(page, encoding="utf-8")
        written += 1
    return written


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    pages = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"floor: wrote {pages} pages")


if __name__ == "__main__":
    main()
