"""Sharing metadata: what link previews and search engines read about an article.

Pure. The theme writes it: Open Graph and Twitter card tags in every page's
head, and on article pages a schema.org ``NewsArticle`` as JSON-LD, which
this module builds as plain data for the template's ``|tojson`` (that filter
escapes ``<``, ``>`` and ``&``, so a ``</script>`` in a title stays text).

In the JSON-LD the newsroom (the site) is the ``author`` and ``publisher``;
the voices are ``contributor``s, each a ``Person`` or an ``Organization``
(see :func:`is_organisation`). The version in the earliest configured
language is the work (``workTranslation`` lists the others); every other
version names it as its ``translationOfWork``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from . import listings
from .model import Article, Site, Translation, Voice
from .routes import absolute_url, article_path, home_path, listing_path

#: Files Open Graph and Twitter cards show as a preview image.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")

#: A role that names an institution rather than a person (English and Russian stems).
_INSTITUTION = re.compile(
    r"\b(agency|ministry|newspaper|broadcaster|channel|outlet|government|office|service|"
    r"агентств|министерств|газет|телеканал|издани|правительств|ведомств|служб)",
    re.IGNORECASE,
)
#: A role that names a person even when it mentions an institution ("spokesperson of the ministry").
_PERSON = re.compile(
    r"\b(spokes|secretary|minister\b|editor|correspondent|journalist|analyst|columnist|commentator|"
    r"scientist|expert|adviser|advisor|director|head|chief|deputy|ambassador|officer|"
    r"представител|секретар|министр\b|министра\b|редактор|корреспондент|журналист|аналитик|обозревател|"
    r"комментатор|политолог|эксперт|советник|директор|глава|руководител|заместител|посол|депутат)",
    re.IGNORECASE,
)


def is_organisation(voice: Voice, default: Voice | None = None) -> bool:
    """Whether a voice is an institution (an agency, a ministry) rather than a person.

    A heuristic on the role, read in this language and in the default
    language: it names an institution (agency, ministry, newspaper, channel,
    government, office, service) and no person's title (spokesperson, editor,
    minister, head, …). A voice without a role whose name is one word
    ("TASS", "Interfax") is an institution too.
    """
    roles = " ".join(v.role for v in (voice, default) if v)
    if roles.strip():
        return bool(_INSTITUTION.search(roles)) and not _PERSON.search(roles)
    return " " not in voice.name.strip()


def image(article: Article, translation: Translation) -> str:
    """The first picture the article's text uses (this language's first), relative to its page; or ""."""
    for version in (translation, *(t for t in article.translations if t is not translation)):
        for url, _ in version.links:
            target = urlsplit(url)
            if not target.scheme and not target.netloc and target.path.lower().endswith(IMAGE_SUFFIXES):
                return target.path
    return ""


def image_url(site: Site, article: Article, translation: Translation) -> str:
    """The preview image as an absolute URL, or ""."""
    found = image(article, translation)
    page = absolute_url(site.config.base_url, article_path(translation.lang, article.slug))
    return urljoin(page, found) if found else ""


def news_article(site: Site, article: Article, translation: Translation) -> dict[str, Any]:
    """The schema.org ``NewsArticle`` of one article page, as JSON-ready data."""
    config = site.config
    lang = translation.lang
    url = absolute_url(config.base_url, article_path(lang, article.slug))
    home = absolute_url(config.base_url, home_path(lang))
    newsroom = {"@type": "NewsMediaOrganization", "name": config.title_in(lang), "url": home}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": translation.title,
        "inLanguage": lang,
        "datePublished": translation.date.isoformat(),
        "author": newsroom,
        "publisher": newsroom,
    }
    if translation.summary:
        data["description"] = translation.summary
    if translation.tags:
        data["keywords"] = [listings.tag_name(site, tag, lang) for tag in translation.tags]
    if picture := image_url(site, article, translation):
        data["image"] = [picture]
    default = article.translation(config.default_language)
    data["contributor"] = [_voice(site, article, translation, voice, default) for voice in translation.voices]
    work = next((t for code in config.languages if (t := article.translation(code))), translation)
    if work is translation:
        others = [t for t in article.translations if t is not translation]
        if others:
            data["workTranslation"] = [_reference(site, article, t) for t in others]
    else:
        data["translationOfWork"] = _reference(site, article, work)
    return data


def _reference(site: Site, article: Article, translation: Translation) -> dict[str, str]:
    url = absolute_url(site.config.base_url, article_path(translation.lang, article.slug))
    return {
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "headline": translation.title,
        "inLanguage": translation.lang,
    }


def _voice(
    site: Site, article: Article, translation: Translation, voice: Voice, default: Translation | None
) -> dict[str, Any]:
    city = site.config.city(voice.city)
    place = {"@type": "Place", "name": city.name_in(translation.lang) if city else voice.city}
    person_page = listing_path(translation.lang, "people", listings.person_key(site, article, voice))
    found: dict[str, Any] = {"name": voice.name, "url": absolute_url(site.config.base_url, person_page)}
    if is_organisation(voice, default.voice(voice.id) if default else None):
        found.update({"@type": "Organization", "location": place})
        if voice.role:
            found["description"] = voice.role
    else:
        found.update({"@type": "Person", "homeLocation": place})
        if voice.role:
            found["jobTitle"] = voice.role
    return found
