"""What a rebuild engine is given and keeps: its options, where it reads and writes, and what it remembers.

A one-shot ``sitegen build`` starts with an empty :class:`Memory` and ends
with it; the preview keeps one for its whole session, so each save starts
from what the last rebuild read, keyed and published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Diagnostic
from .model import Article
from .report import Progress

if TYPE_CHECKING:
    from . import cache as cache_stage
    from . import depends, listings

#: The Jinja2 environment of each language, and ``(template, language) ->`` what it reads of the theme.
Environments = tuple[dict[str, Any], Mapping[tuple[str, str], str]]

#: One folder as read: its article (None: errors, or nothing published), its problems, its drafts left out.
Read = tuple[Article | None, list[Diagnostic], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    force: bool = False
    #: False: only check (``sitegen check``), write nothing.
    write: bool = True
    search: bool = True
    #: Processes, this one included (None: as many as pay, up to one per CPU).
    jobs: int | None = None
    cache: bool = True
    #: Give every article its HTML (not only those on the pages rendered): the preview keeps them.
    keep: bool = False
    #: Index for search in a patch too; the preview leaves that to a background thread.
    search_patches: bool = True


@dataclass(frozen=True)
class Place:
    """Where a site's rebuilds read and write, and how."""

    site_dir: Path
    #: The output folder as named (a link there is refused, not followed) and as resolved.
    named_out: Path
    out: Path
    options: Options
    cache: cache_stage.Cache
    progress: Progress


@dataclass
class Memory:
    """What an engine remembers between its rebuilds, all of it also in the build cache."""

    #: Article folder name -> (its cache key, the folder as read).
    articles: dict[str, tuple[str, Read]] = field(default_factory=dict)
    #: Article folder name -> (its files' stat signature, its content key).
    folders: dict[str, tuple[tuple, str]] = field(default_factory=dict)
    #: The Jinja2 environments of the last setup key, and what their templates read of the theme.
    environments: tuple[str, Environments] | None = None
    manifest: cache_stage.Manifest | None = None
    #: What the pages of the manifest's build were made from (None: unknown).
    dependencies: depends.Dependencies | None = None
    #: The listings of the manifest's build: after a text edit, the same with the edited articles.
    grouped: listings.Index | None = None
    #: Article folder name -> (its base key, its content key, its article key): keys worked out before.
    article_keys: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: Article folder name -> (its stat signature, the ``.md`` files in it).
    markdown: dict[str, tuple[tuple, int]] = field(default_factory=dict)

    def remember(
        self,
        manifest: cache_stage.Manifest | None,
        dependencies: depends.Dependencies | None = None,
        grouped: listings.Index | None = None,
    ) -> None:
        self.manifest, self.dependencies, self.grouped = manifest, dependencies, grouped
