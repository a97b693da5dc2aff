"""The checks that need the whole site, files beside the articles included.

Links between articles and missing translations (:mod:`sitegen.checks`),
the glossary's contested names (:mod:`sitegen.contested`) and the per-side
sign-off (:mod:`sitegen.signoff`): run after every read of the articles, by
``sitegen check``, the build and the preview alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from . import checks, contested, glossary, signoff
from .errors import Diagnostic
from .model import Article, Site


def run(
    site: Site,
    names: list[str] | None,
    site_dir: Path,
    outlined: Sequence[Diagnostic] | None = None,
    known: contested.Found | None = None,
    worded: Callable[[Article], Article] | None = None,
) -> list[Diagnostic]:
    """The checks that need the whole site: links between articles, missing translations, contested names.

    ``names`` are the article folders' names (:func:`read` gives them): a link to a draft is not a link to
    nothing. ``outlined`` are the findings of :func:`checks.outlined` when they are known already; ``known``
    what the contested-names check found in each translation before (see :class:`contested.Found`);
    ``worded`` gives an article with its own words, for one that came from the build cache without them.
    """
    if names is None:
        return []
    found = checks.outlined(site) if outlined is None else list(outlined)
    found += checks.site(site, names) + _contested_names(site, site_dir, known, worded)
    return found + signoff.check(site, site_dir)


def _contested_names(
    site: Site, site_dir: Path, known: contested.Found | None, worded: Callable[[Article], Article] | None
) -> list[Diagnostic]:
    """The glossary's own problems, and one side's name for a place in the outlet's words.

    The glossary is read on every check, never cached with the articles: editing it re-checks every article.
    """
    names, problems = glossary.load(site.config, site_dir)
    return problems + contested.check(site, names, known, worded)
