"""One build, as a pipeline: config -> content -> theme -> render -> output.

``check`` is the same pipeline without the last step. Both run on the one
rebuild engine (:mod:`sitegen.engine`), which the preview uses too:

1. the config and the theme are read, and the output folder is looked at;
2. every source gets a key (:mod:`sitegen.cache`): when none changed and the
   output is as the last build left it, nothing more is done;
3. article folders whose key did not change come from the cache, the rest
   are read, in worker processes when there are enough (:mod:`sitegen.content`);
4. the site-wide checks run; any error stops the build here;
5. the pages whose keys changed are rendered and published in one
   transaction, with the search index (:mod:`sitegen.publish`).
"""

from __future__ import annotations

from pathlib import Path

from .engine import Engine, Options
from .report import BuildReport, Prepared, Progress

__all__ = ["DEFAULT_OUT", "PREVIEW_OUT", "BuildReport", "Prepared", "Progress", "build"]

DEFAULT_OUT = "output"
#: Where ``sitegen serve`` builds unless ``--out`` says otherwise: never ``output/``.
PREVIEW_OUT = ".sitegen/preview"


def build(
    site_dir: Path,
    out: Path | None = None,
    drafts: bool = False,
    force: bool = False,
    write: bool = True,
    search: bool = True,
    jobs: int | None = None,
    cache: bool = True,
    progress: Progress | None = None,
    keep: bool = False,
) -> BuildReport:
    """Build the site in ``site_dir`` into ``out``; with ``write=False``, only check it.

    ``search=False`` (``--no-search``) builds as if the config said ``search = false``.
    Otherwise, when the config allows it, Pagefind indexes the new pages
    before they are published; when it cannot, the build warns and publishes
    without search. ``jobs`` is the number of processes, this one included
    (None: as many as pay, up to one per CPU); ``cache=False`` neither reads nor writes
    ``.sitegen/cache/``. ``check`` (``write=False``) reads the cache but
    never writes it. ``keep=True`` returns what the pages were rendered from
    in the report (``rendered_from``), every article with its HTML.
    """
    options = Options(drafts=drafts, force=force, write=write, search=search, jobs=jobs, cache=cache, keep=keep)
    return Engine(site_dir, out or site_dir / DEFAULT_OUT, options, progress).rebuild()
