"""An article's language versions, and where a language it lacks leads.

Pure. An article exists in some of the site's languages; for each configured
language it lacks, the site has a small page at ``/<lang>/<slug>/``, in that
language, saying the article is not available in it and linking to the
versions that exist. So a switcher link, a shared URL with the language
changed by hand, or an old link never ends in a plain 404.

Such a page is not a version of the article: it asks search engines not to
index it (``noindex``), names the default language's version (or the first
that exists) as canonical, carries no ``hreflang`` alternates, and is left out
of the sitemap, the feeds and the search index.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Article, Site
from .routes import article_path


@dataclass(frozen=True, slots=True)
class Version:
    """One language an article exists in, as a page that lacks it lists it."""

    lang: str
    title: str
    path: str  # the page path of that version


def existing(site: Site, article: Article) -> tuple[Version, ...]:
    """The versions of ``article`` that exist, in the site's language order."""
    return tuple(
        Version(lang, translation.title, article_path(lang, article.slug))
        for lang in site.config.languages
        if (translation := article.translation(lang)) is not None
    )


def canonical(site: Site, article: Article) -> str:
    """The page path of the version that stands for the article: the default language's, or the first one."""
    versions = existing(site, article)
    for version in versions:
        if version.lang == site.config.default_language:
            return version.path
    return versions[0].path if versions else article_path(site.config.default_language, article.slug)
