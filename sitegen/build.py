"""One build, as a pipeline: config -> content -> theme -> render -> output.

``check`` is the same pipeline without the last step.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from . import config as config_stage
from . import content, output, render
from . import search as search_stage
from . import theme as theme_stage
from .errors import Diagnostic, Location, error, has_errors, sort
from .model import Site

DEFAULT_OUT = "output"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A site read, checked and ready to render: the Site, its theme, a Jinja2 environment per language."""

    site: Site
    theme: theme_stage.Theme
    environments: dict[str, jinja2.Environment]


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did: pages and files written, problems found, time taken."""

    diagnostics: tuple[Diagnostic, ...] = ()
    pages: int = 0
    files: int = 0
    articles: int = 0
    seconds: float = 0.0
    out: Path | None = None
    written: bool = field(default=False)
    #: Source files read: the config, every article file, the people registry.
    sources: int = 0
    #: What the pages were rendered from, for the preview's incremental rebuilds (None when none were).
    rendered_from: Prepared | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def build(
    site_dir: Path,
    out: Path | None = None,
    drafts: bool = False,
    force: bool = False,
    write: bool = True,
    search: bool = True,
) -> BuildReport:
    """Build the site in ``site_dir`` into ``out``; with ``write=False``, only check it.

    ``search=False`` (``--no-search``) builds as if the config said ``search = false``.
    Otherwise, when the config allows it, Pagefind indexes the staging folder
    before the swap; when it cannot, the build warns and publishes without search.
    """
    started = time.perf_counter()
    out = (out or site_dir / DEFAULT_OUT).resolve()
    problems: list[Diagnostic] = []

    sources = 1

    def report(**values) -> BuildReport:
        elapsed = time.perf_counter() - started
        return BuildReport(sort(problems), seconds=elapsed, out=out, sources=sources, **values)

    config, found = config_stage.load(site_dir)
    problems += found
    if config is None:
        return report()
    if not search:
        config = replace(config, search=False)
    site, found = content.load(config, site_dir, drafts=drafts)
    problems += found
    sources = 1 + content.count_sources(site_dir)
    theme, found = theme_stage.load(site_dir, config)
    problems += found
    if write:
        output.clean_leftovers(out)
        problems += output.check_target(out, site_dir, force)
    if theme is None or has_errors(problems):
        return report()
    try:
        environments = {lang: theme.environment(lang) for lang in config.languages}
    except ValueError as exc:
        problems.append(error(Location("theme"), f"broken message catalog: {exc}"))
        return report()

    counts = {"pages": 0, "files": 0}

    def index_search(staging: Path) -> None:
        if config.search and site.articles:
            problems.extend(search_stage.index(staging))

    def counted() -> Iterator[render.Output]:
        for path, data in render.render_site(site, environments, theme.static_files):
            counts["files"] += 1
            counts["pages"] += path.endswith(".html")
            yield path, data

    try:
        if write:
            output.publish(counted(), out, finish=index_search)
        else:
            for _ in counted():
                pass
    except theme_stage.TemplateError as exc:
        problems.append(theme_stage.template_problem(exc, theme))
        return report()
    except OSError as exc:
        # Name the file when one could not be read; a write into the staging
        # folder, which is gone now, is named by the output folder instead.
        staged = str(exc.filename or "").startswith(f"{out.parent}{os.sep}.{out.name}.")
        problems.append(
            error(
                Location(str(exc.filename if exc.filename and exc.filename2 is None and not staged else out)),
                f"cannot write the output: {exc.strerror or exc}",
                "the previous output was left as it was",
            )
        )
        return report()
    prepared = Prepared(site, theme, environments)
    return report(
        pages=counts["pages"], files=counts["files"], articles=len(site.articles), written=write, rendered_from=prepared
    )
