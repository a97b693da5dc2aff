"""What an article folder may publish beside its pages: media and documents, never active content.

A file in ``content/articles/<slug>/`` other than a language file is copied
next to the article's pages (``/<lang>/<slug>/map.png``), on the site's own
origin. So the folder publishes only types that a browser does not run:
images, audio, video, PDF and plain text. HTML, scripts and anything else
is refused at the file, since it would run with the site's cookies and
storage, or stand in for one of the article's pages (``index.html``,
``parallel/index.html``). SVG is an image that can carry scripts: it is
published only when it holds none (no script or foreign element, no event
attribute, no link but to itself or to an embedded image, no DOCTYPE).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from xml.etree import ElementTree

from .errors import Diagnostic, Location, error
from .model import ARTICLE_PAGES, file_for

#: The types an article folder publishes, by lowercase suffix.
PUBLISHED = frozenset(
    {
        *(".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"),  # images
        *(".mp3", ".m4a", ".ogg", ".oga", ".opus", ".wav", ".flac"),  # audio
        *(".mp4", ".m4v", ".webm", ".ogv", ".vtt"),  # video and its captions
        *(".pdf", ".txt", ".csv"),  # documents
    }
)
#: Files of an article folder that sitegen reads and never publishes: the lock that records what the
#: translations were made from and who signed the article off (see :mod:`sitegen.lockfile`).
KEPT = frozenset({"sitegen.lock"})
_KINDS = "images, audio, video, PDF, plain text and CSV"
#: SVG elements that run code or embed another document.
_ACTIVE = frozenset({"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"})
#: Links an SVG may hold: to one of its own elements, or an image embedded in it.
_SAFE_LINK = re.compile(r"#[^\s]*|data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")


def problems(rel: str, name: str, data: bytes | None) -> list[Diagnostic]:
    """Why the file ``name`` of an article folder (at ``rel``) may not be published; [] when it may.

    ``data`` is the file's content, read only for SVG (None when it cannot be read).
    """
    for page in (file_for(path) for path in ARTICLE_PAGES):
        if name == page or name.startswith(page + "/") or page.startswith(name + "/"):
            return [
                error(
                    Location(rel),
                    f"this file would take the place of the article's page {page}",
                    "rename the file or the folder it is in",
                )
            ]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in PUBLISHED:
        what = f"a {suffix} file" if suffix else "a file without a type"
        return [
            error(
                Location(rel),
                f"{what} is not published from an article folder: it could run on the site or replace a page",
                f"an article folder publishes {_KINDS}; move this file out of content/ "
                "(or rename it, if it is one of those)",
            )
        ]
    if suffix == ".svg":
        reason = svg_problem(data) if data is not None else "it cannot be read"
        if reason:
            return [
                error(
                    Location(rel),
                    f"this SVG is not published: {reason}",
                    "export it again without scripts, links or embedded documents, or use a PNG",
                )
            ]
    return []


def svg_problem(data: bytes) -> str:
    """Why an SVG could run code or load something when opened by itself; "" when it is an inert image."""
    if re.search(rb"<!DOCTYPE|<!ENTITY|<\?xml-stylesheet", data, re.IGNORECASE):
        return "it has a DOCTYPE, an entity or a stylesheet instruction"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"it is not well-formed XML ({exc})"
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _ACTIVE:
            return f"it holds a <{tag}> element"
        for attribute, value in element.attrib.items():
            name = _local(attribute)
            if name.startswith("on"):
                return f"<{tag}> has an event attribute ({name})"
            if name == "href" and not _SAFE_LINK.fullmatch(value.strip()):
                return f"<{tag}> links to {value[:60]!r}"
            if tag in ("set", "animate") and element.get("attributeName", "").endswith("href"):
                return f"<{tag}> changes a link"
    return ""


def _local(name: str) -> str:
    """``{http://www.w3.org/2000/svg}script`` -> ``script``, lowercased."""
    return name.rpartition("}")[2].lower()
