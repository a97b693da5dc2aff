"""Where a site may be written: never over its sources, through a link, or over files sitegen did not make.

Checked before a build writes anything (:mod:`sitegen.output` then writes
only inside the folder these checks let through).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import sources
from .errors import Diagnostic, Location, error
from .output import MARKER


def links_out(out: Path, site_dir: Path) -> list[Diagnostic]:
    """Refuse an output folder that is a symbolic link, or reached through one that leaves the site.

    A build replaces its output folder whole: through a link it would replace
    what the link points to (another site's output, say). The containment rule
    of :mod:`sitegen.sources` holds on the way from the site to an output
    folder inside it (``output/``, ``.sitegen/preview/``); a folder named with
    ``--out`` elsewhere is where the user said, but never a link itself.
    """
    named, site = Path(os.path.abspath(out)), Path(os.path.abspath(site_dir))
    hint = "remove the link (sitegen makes the folder itself), or name the real folder with --out"
    if named.is_relative_to(site) and (refused := sources.problem(site, named.relative_to(site), hint)) is not None:
        return [refused]
    if named.is_symlink():
        return [
            error(
                Location(str(named)),
                f"the output folder is a link (to {named.resolve()}); a build replaces its output folder whole "
                "and will not replace what a link points to",
                hint,
            )
        ]
    return []


def check_target(out: Path, site_dir: Path, force: bool = False) -> list[Diagnostic]:
    """Refuse output folders that would destroy sources or somebody else's files (or are links: :func:`links_out`)."""
    if refused := links_out(out, site_dir):
        return refused
    out, site = out.resolve(), site_dir.resolve()
    where = Location(str(out))
    if site.is_relative_to(out):
        return [
            error(
                where,
                "the output folder would contain the site itself",
                "choose a folder inside the site, such as output/",
            )
        ]
    for name in ("content", "theme"):
        if out.is_relative_to(site / name):
            return [
                error(
                    where,
                    f"the output folder is inside the site's {name}/ folder",
                    "choose a folder outside content/ and theme/, such as output/",
                )
            ]
    if out.exists() and not out.is_dir():
        return [error(where, "the output path exists and is not a folder")]
    if out.is_dir() and not force and not (out / MARKER).exists() and any(out.iterdir()):
        return [
            error(
                where,
                "the output folder exists and was not made by sitegen; refusing to replace it",
                "choose another --out or pass --force to replace it",
            )
        ]
    return []
