"""Live reload: the script the preview adds to served pages, and the events it listens to.

The preview server adds ``<script src="/_sitegen/live.js">`` to every HTML
page as it sends it (never to a file on disk, so the preview folder stays what
a build writes), after an article page's marks (:mod:`sitegen.review_page`),
which the script puts in place. The script opens a Server-Sent Events stream at
``/_sitegen/events`` and gets:

- ``hello`` on connecting: ``{"version", "errors", "warnings", "stale"}``; ``stale``
  says whether the page changed after the version it was served with (the
  script sends both, ``?since=<version>&page=<path>``): a save landed while
  it was loading, so it reloads at once. A page that is merely older than
  ``version`` stays: a rebuild publishes the page being edited first and the
  listings a moment later, and the page reloaded for the first must not
  reload again for the second;
- ``reload`` after a rebuild that changed files: ``{"version", "pages"}``,
  the URL paths of the pages that changed (null: all of them); a page
  reloads when it is one of them;
- ``errors`` whenever the build's problems change: ``{"errors": [...],
  "warnings": [...], "warning_count": n}``, each ``{"location", "message",
  "hint"}``. Errors fill the overlay; warnings (the first :data:`WARNINGS` of
  ``warning_count``) sit collapsed in a bar that opens into their list. Empty
  lists clear both. ``hello`` carries the same three keys, and ``problems``:
  how many times they have changed, which a review page (served with the
  count it shows, ``data-problems``) compares to reload when they changed
  while it loaded.

The version names the server process too, so pages reload after a restart.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic

PREFIX = "/_sitegen/"
#: Rebuilds whose changed pages are remembered, so a page that connects late can tell if it is stale.
HISTORY = 256
SCRIPT_URL = PREFIX + "live.js"
EVENTS_URL = PREFIX + "events"
SCRIPT = Path(__file__).with_name("live.js")
#: Warnings sent to the pages; the bar counts all of them and points to ``sitegen check`` for the rest.
WARNINGS = 50
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
#: A version as :attr:`Channel.version` writes it: the process's token, a dash, the build's number.
VERSION = re.compile(r"([0-9a-f]{8})-([0-9]{1,12})")


@dataclass(frozen=True, slots=True)
class Event:
    number: int
    name: str
    data: str

    def encode(self) -> bytes:
        """The event as the ``text/event-stream`` format writes it."""
        return f"id: {self.number}\nevent: {self.name}\ndata: {self.data}\n\n".encode()


class Channel:
    """What the open pages are told: the current version, the current problems, and the events since."""

    def __init__(self) -> None:
        self._token = uuid.uuid4().hex[:8]
        self._builds = 0
        self._problems: dict = {"errors": [], "warnings": [], "warning_count": 0}
        #: How many times the problems have changed.
        self.problem_changes = 0
        self._events: list[Event] = []
        #: The pages each recent rebuild changed (None: all), by build number, for :meth:`hello`.
        self._changes: list[tuple[int, frozenset[str] | None]] = []
        self._closed = False
        self._changed = threading.Condition()

    @property
    def version(self) -> str:
        return f"{self._token}-{self._builds}"

    def publish(
        self, changed: bool, diagnostics: Iterable[Diagnostic] | None, pages: Iterable[str] | None = None
    ) -> None:
        """After a rebuild: whether the served files ``changed``, the problems now known (None: as they were),
        and which pages changed.

        ``pages`` are URL paths (``/news/en/slug/``): only the open pages among
        them reload. None: every open page does (a full build, a changed image).
        """
        problems = self._problems if diagnostics is None else _problems(diagnostics)
        with self._changed:
            if problems != self._problems:
                self._problems = problems
                self.problem_changes += 1
                self._add("errors", problems)
            if changed:
                self._builds += 1
                listed_pages = None if pages is None else sorted(pages)
                self._add("reload", {"version": self.version, "pages": listed_pages})
                self._changes.append((self._builds, None if listed_pages is None else frozenset(listed_pages)))
                del self._changes[:-HISTORY]
            self._changed.notify_all()

    def hello(self, since: str = "", page: str = "") -> Event:
        """The first event of a stream: where things stand, and the number to wait after.

        ``since`` is the version the page was served with and ``page`` its URL path: the
        page is stale if a rebuild after that version changed it (without them: if any did).
        """
        with self._changed:
            number = self._events[-1].number if self._events else 0
            stale = self._stale(since, page)
            state = {"version": self.version, **self._problems, "problems": self.problem_changes, "stale": stale}
            return Event(number, "hello", json.dumps(state))

    def _stale(self, since: str, page: str) -> bool:
        match = VERSION.fullmatch(since)
        if not page or match is None or match[1] != self._token:
            return since != self.version  # another server process, or nothing to go by
        built = int(match[2])
        later = [pages for number, pages in self._changes if number > built]
        if len(later) < self._builds - built:
            return True  # older than the history kept: reload to be safe
        return any(pages is None or page in pages for pages in later)

    def wait(self, after: int, timeout: float) -> list[Event] | None:
        """The events numbered after ``after``, waiting up to ``timeout`` s for one; None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._newest() > after, timeout)
            if self._closed:
                return None
            return [event for event in self._events if event.number > after]

    def close(self) -> None:
        """End every open stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _newest(self) -> int:
        return self._events[-1].number if self._events else 0

    def _add(self, name: str, data: dict) -> None:
        self._events.append(Event(self._newest() + 1, name, json.dumps(data, ensure_ascii=False)))
        del self._events[:-32]


def inject(html: bytes, version: str, before: bytes = b"", problems: int | None = None) -> bytes:
    """``html`` with ``before`` and the live-reload script before its last ``</body>`` (or at its end).

    With ``problems`` (:attr:`Channel.problem_changes` when it was made), the page is a review
    page, which lists the problems itself: it shows no overlay, and reloads when they change
    as it does after any rebuild.
    """
    review = f' data-mode="review" data-problems="{problems}"' if problems is not None else ""
    script = f'<script src="{SCRIPT_URL}" data-version="{version}" data-events="{EVENTS_URL}"{review}></script>\n'
    tag = before + script.encode()
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + tag
    at = ends[-1].start()
    return html[:at] + tag + html[at:]


def _problems(diagnostics: Iterable[Diagnostic]) -> dict:
    """The ``errors`` event's data: every error, the first warnings, and how many warnings there are."""
    found = list(diagnostics)
    warnings = [d for d in found if not d.is_error]
    return {
        "errors": [_as_dict(d) for d in found if d.is_error],
        "warnings": [_as_dict(d) for d in warnings[:WARNINGS]],
        "warning_count": len(warnings),
    }


def _as_dict(diagnostic: Diagnostic) -> dict[str, str]:
    return {"location": str(diagnostic.location), "message": diagnostic.message, "hint": diagnostic.hint}
