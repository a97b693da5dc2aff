"""What a request to the preview server names, read strictly: its path, its query, its Host and Origin.

A request no browser sends (a target that is not a path of visible ASCII, a
``%`` without two hex digits, a ``Host`` that is not a host and a port, an
``Origin`` that is not an origin) raises :class:`MalformedError`, which the server
answers with 400 before it sends anything else. A well-formed request that
names nothing (``/news/%ff``, a path that does not exist) is not malformed:
that is a 404. Only the standard library is imported here.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

#: A request target in origin form: ``/`` then visible ASCII (no space, no control, no byte over 0x7E).
_TARGET = re.compile(r"/[!-~]*")
#: A ``%`` that does not start a percent-encoded byte.
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: ``host[:port]`` as RFC 3986 writes it: a bracketed IPv6 literal or a registered name.
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::([0-9]{0,5}))?")
#: An ``Origin`` header: a scheme and an authority, nothing after.
_ORIGIN = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)")
#: Query fields a request may carry; the preview reads two.
_FIELDS = 20


class MalformedError(ValueError):
    """A request no client should send: the server answers 400 with this text."""


def split_path(target: str) -> list[str] | None:
    """The decoded segments of a request target's path (``/a/b/`` -> ``["a", "b", ""]``).

    None when the path is well formed but names nothing a file could be
    called (its bytes are not UTF-8); :class:`MalformedError` when it is no path.
    """
    if not _TARGET.fullmatch(target):
        raise MalformedError("The request target must be a path of visible ASCII characters, starting with '/'.")
    raw = target.split("?", 1)[0]
    if "#" in target or _BAD_PERCENT.search(target):
        raise MalformedError("The request target holds a '#' or a '%' not followed by two hex digits.")
    try:
        path = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    return path.split("/")[1:]


def query(target: str) -> dict[str, str]:
    """The fields of a request target's query (the first of each name); :class:`MalformedError` when unreadable."""
    split_path(target)
    text = target.partition("?")[2]
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise MalformedError("The query is not UTF-8 text, or has too many fields.") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def host_port(value: str, what: str = "Host") -> tuple[str, int | None]:
    """The lower-cased name (brackets kept off IPv6) and port of ``host[:port]``; None when no port is given."""
    match = _HOST.fullmatch(value.strip(" \t"))
    if match is None:
        raise MalformedError(f"The {what} is not a host name or address with an optional port.")
    name, port = match[1].lower(), match[2]
    if name.startswith("["):
        name = name[1:-1]
        try:
            ipaddress.IPv6Address(name)
        except ValueError:
            raise MalformedError(f"The {what}'s address in brackets is not an IPv6 address.") from None
    if port and int(port) > 65535:
        raise MalformedError(f"The {what}'s port is above 65535.")
    return name, int(port) if port else None


def origin(value: str) -> tuple[str, str, int | None]:
    """The scheme, name and port of an ``Origin`` header; ``("null", "", None)`` for an opaque origin."""
    if value.strip(" \t") == "null":
        return "null", "", None
    match = _ORIGIN.fullmatch(value.strip(" \t"))
    if match is None:
        raise MalformedError("The Origin is not a scheme followed by a host.")
    return (match[1].lower(), *host_port(match[2], "Origin"))
