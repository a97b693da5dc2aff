"""The one place sitegen tunes Python's cyclic garbage collector.

A build makes millions of small objects that live as long as it does and
hold no cycles: parsed tokens, articles, planned pages. A collector walking
them again and again took a third of a rebuild, and in forked workers it
writes to every page of memory they share with the parent. So:

- :func:`paused` while a parse makes its tokens (collected once it is over);
- :func:`settled` around making data that lives until the rebuild ends:
  afterwards it is frozen out of the collector's sight;
- :func:`frozen` before worker processes fork, for the same reason;
- :func:`released` when a rebuild ends: what it froze may be collected again;
  an engine that keeps what it read (the preview) keeps it frozen instead, and
  has it :func:`tidied` when there is a moment with nothing else to do.

Frozen objects are still freed by reference counting.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs; the collector is as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """Make long-lived plain data without collections, then freeze it (and all before it)."""
    with paused():
        try:
            yield
        finally:
            gc.freeze()


def frozen() -> None:
    """Freeze every object made so far: forked workers then share their pages with the parent."""
    gc.freeze()


@contextlib.contextmanager
def released(keep: bool = False) -> Iterator[None]:
    """A rebuild: whatever it freezes is unfrozen when it ends, so that garbage among it can be collected.

    With ``keep`` (an engine that keeps what it read, the preview) it is all frozen again instead: once
    unfrozen, the next full collection walks every object of ten thousand articles, most of a second that
    fell on the second save of a session. :func:`tidied` collects what became garbage meanwhile.
    """
    try:
        yield
    finally:
        gc.unfreeze()
        if keep:
            gc.freeze()


def tidied() -> None:
    """Collect what became garbage among the frozen objects of a long-lived engine, then freeze the rest: for a
    moment with nothing else to do (the preview's, after a long pause between saves)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
