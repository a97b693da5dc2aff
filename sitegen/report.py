"""What a rebuild tells its caller: :class:`BuildReport`, and :class:`Progress` as it goes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Diagnostic, has_errors
from .model import Site

if TYPE_CHECKING:
    import jinja2

    from . import theme as theme_stage


@dataclass(frozen=True, slots=True)
class Prepared:
    """A site read, checked and ready to render: the Site, its theme, a Jinja2 environment per language."""

    site: Site
    theme: theme_stage.Theme
    environments: dict[str, jinja2.Environment]
    #: ``(template, language) ->`` what its pages read of the theme (:func:`sitegen.templating.looks`).
    looks: Mapping[tuple[str, str], str] = field(default_factory=dict)


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
    #: Source files read: the config, every article file, the people registry, the glossary.
    sources: int = 0
    #: Output files taken unchanged from the previous build, and whether nothing changed at all.
    cached: int = 0
    unchanged: bool = False
    #: Processes used for reading and rendering, this one included (1: the build ran in one process).
    processes: int = 1
    #: Articles holding a translation marked ``draft: true``: those read (with drafts) and those left out.
    drafts: int = 0
    drafts_left_out: int = 0
    #: Output paths this rebuild wrote and deleted; ``replaced``: the whole folder was swapped for a new one.
    written_paths: tuple[str, ...] = ()
    removed_paths: tuple[str, ...] = ()
    replaced: bool = False
    #: Paths written early (see ``Engine.rebuild``) and put back as they were, because the rest failed.
    reverted: tuple[str, ...] = ()
    #: Only the paths written early were written: a newer change came, the next rebuild does the rest.
    superseded: bool = False
    #: What the pages were rendered from (with the ``keep`` option, for the preview; else None).
    rendered_from: Prepared | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def rendered(self) -> int:
        """Output files made by this build (the rest came from the previous output)."""
        return self.files - self.cached


class Progress:
    """Told how a long build advances; the CLI draws a bar from it. This one stays silent."""

    def start(self, label: str, total: int) -> None:
        """A stage with ``total`` steps begins."""

    def advance(self, steps: int) -> None:
        """``steps`` more steps of the current stage are done."""

    def end(self) -> None:
        """The current stage is over."""
