"""Which sources of a site changed: ``sitegen.toml``, ``content/`` and ``theme/``, through watchfiles.

Two watchers feed one queue: one over the site folder itself, not recursive
(it sees ``sitegen.toml`` however an editor saves it, even by renaming a
temporary file over it, and sees ``content/`` or ``theme/`` appear or go),
and one over ``content/`` and ``theme/``, recursive, restarted when those
folders come or go. The site folder is never watched recursively: it may
hold a virtualenv, ``output/`` and the preview folder.

This is the only module that imports watchfiles.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

#: What in the site folder is a source.
SOURCES = ("sitegen.toml", "content", "theme")
#: watchfiles waits this long without a new change before it reports a batch (ms)...
STEP = 50
#: ...and reports after this long at most while changes keep coming (ms).
DEBOUNCE = 400
#: How long :meth:`Watcher.start` waits for the watchers to be in place (s).
READY_TIMEOUT = 10


class Watcher:
    """Batches of changed source paths (absolute) of one site folder."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir.resolve()
        self.stop = threading.Event()
        self._found: queue.Queue[set[Path]] = queue.Queue()
        self._folders: tuple[Path, ...] = ()
        self._folders_stop = threading.Event()

    def start(self) -> None:
        """Start watching; returns once the watchers are in place, so no later save is missed."""
        site_dir = self.site_dir
        top = self._start(
            (site_dir,),
            self.stop,
            watch_filter=lambda _, path: Path(path).parent == site_dir and Path(path).name in SOURCES,
            recursive=False,
        )
        folders = self._watch_folders()
        for ready in (top, folders):
            ready.wait(READY_TIMEOUT)

    def pending(self) -> bool:
        """Whether changes wait that :meth:`batches` has not yielded yet."""
        return not self._found.empty()

    def batches(self) -> Iterator[set[Path]]:
        """Each batch of changes as it comes, until :attr:`stop` is set."""
        try:
            while not self.stop.is_set():
                try:
                    batch = self._found.get(timeout=0.2)
                except queue.Empty:
                    continue
                while not self._found.empty():
                    batch |= self._found.get_nowait()
                if _folders(self.site_dir) != self._folders:
                    self._watch_folders()
                yield batch
        finally:
            self._folders_stop.set()

    def _watch_folders(self) -> threading.Event:
        """(Re)start the recursive watcher over the source folders that exist now."""
        self._folders_stop.set()
        self._folders_stop = threading.Event()
        self._folders = _folders(self.site_dir)
        if not self._folders:
            ready = threading.Event()
            ready.set()
            return ready
        return self._start(self._folders, _Either(self.stop, self._folders_stop))

    def _start(self, paths: tuple[Path, ...], stop: object, **options: object) -> threading.Event:
        """A watcher over ``paths`` in its own thread; the event is set once it is in place."""
        ready = threading.Event()
        watcher = watchfiles.watch(
            *paths,
            step=STEP,
            debounce=DEBOUNCE,
            stop_event=stop,  # type: ignore[arg-type]
            rust_timeout=100,
            yield_on_timeout=True,  # an early empty batch says the watcher is in place
            raise_interrupt=False,
            **options,  # type: ignore[arg-type]
        )
        threading.Thread(target=self._pump, args=(watcher, ready), daemon=True, name="watch").start()
        return ready

    def _pump(self, watcher: Iterator[set[tuple[watchfiles.Change, str]]], ready: threading.Event) -> None:
        """Move a watcher's batches into the queue; a watcher whose folder vanished just ends."""
        try:
            for batch in watcher:
                ready.set()
                if batch:
                    self._found.put({Path(path) for _, path in batch})
        except (OSError, RuntimeError):
            pass
        finally:
            ready.set()


def _folders(site_dir: Path) -> tuple[Path, ...]:
    return tuple(site_dir / name for name in SOURCES[1:] if (site_dir / name).is_dir())


class _Either:
    """Set when either event is: the session stops, or this watcher is replaced."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)
