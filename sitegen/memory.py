"""What a rebuild engine is given and keeps: its options, where it reads and writes, and what it remembers.

A one-shot ``sitegen build`` starts with an empty :class:`Memory` and ends
with it; the preview keeps one for its whole session, so each save starts
from what the last rebuild read, keyed and published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import manifests
from .errors import Diagnostic
from .model import Read, Site
from .report import Progress

if TYPE_CHECKING:
    from . import cache as cache_stage
    from . import contested, depends, listings
    from .shelf import Shelf

#: The Jinja2 environment of each language, and ``(template, language) ->`` what it reads of the theme.
Environments = tuple[dict[str, Any], Mapping[tuple[str, str], str]]


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
    #: Keep the output's manifest and the folders' keys in memory, and store them in the cache only when
    #: :meth:`Engine.store` is called (else at the end of every rebuild): the preview does so once saves
    #: pause (pickling the manifest of 67,000 files takes a tenth of a second).
    store_later: bool = False


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


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of the site (:func:`sitegen.content.read`): what a later one starts from (:mod:`sitegen.reading`)."""

    #: What reading a folder depends on besides its files: sitegen, the config, the people, the options.
    base: str
    today: dt.date
    #: Every entry of ``content/articles/`` with its key.
    keys: Mapping[str, str]
    site: Site
    #: The problems of the entries that are not article folders, which come before every folder's.
    strays: tuple[Diagnostic, ...]
    #: Each folder read, in the order read, as read: ``(article, problems, drafts left out)``.
    folders: Mapping[str, Read]
    #: Every folder's name (hidden ones too), for the site-wide checks.
    names: list[str] | None


@dataclass
class Memory:
    """What an engine remembers between its rebuilds, all of it also in the build cache."""

    #: Article folder name -> (its cache key, the folder as read).
    articles: dict[str, tuple[str, Read]] = field(default_factory=dict)
    #: Article folder name -> (its files' stat signature, its content key).
    folders: dict[str, tuple[tuple, str]] = field(default_factory=dict)
    #: When those signatures were taken, as the cache has it; and whether the cache still lacks them.
    folders_taken: int = 0
    folders_unstored: bool = False
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
    #: The last reading of the site, for the next rebuild to start from (an engine that keeps it: the preview).
    reading: Reading | None = None
    #: The manifest (and its dependencies) of the last publish, not yet in the cache (``Options.store_later``).
    unstored: tuple[cache_stage.Manifest, depends.Dependencies | None] | None = None
    #: What the contested-names check found in each translation (None: not looked for in the cache yet).
    contested: contested.Found | None = None
    #: Where the HTML of the articles read waits (one file for the engine's life, not one per save).
    shelf: Shelf | None = None

    def remember(
        self,
        manifest: cache_stage.Manifest | None,
        dependencies: depends.Dependencies | None = None,
        grouped: listings.Index | None = None,
    ) -> None:
        self.manifest, self.dependencies, self.grouped = manifest, dependencies, grouped
        self.unstored = None  # a manifest not stored by now no longer describes the output

    def contested_found(self, cache: cache_stage.Cache) -> contested.Found:
        """What the contested-names check found in each translation: as remembered, else as the cache keeps it."""
        if self.contested is None:
            from . import contested  # with the site-wide checks: not for a build with nothing to read

            self.contested = contested.Found(*cache.contested())
        return self.contested

    def store(self, cache: cache_stage.Cache) -> None:
        """Put the folders' keys, the manifest of the last publish and the contested names found into the
        cache, where they are not yet."""
        if self.folders_unstored:
            cache.store_folder_keys(self.folders_taken, self.folders)
            self.folders_unstored = False
        if self.unstored is not None:
            manifests.store(cache, *self.unstored)
            self.unstored = None
        if self.contested is not None and self.contested.unstored:
            cache.store_contested(self.contested.glossary, self.contested.found)
            self.contested.unstored = False
