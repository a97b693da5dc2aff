"""Waiting for what a build left to do in the background, so that it does not fall into the next timing."""

from __future__ import annotations

import time
from pathlib import Path

from sitegen.cache import TRASH


def trash_emptied(site: Path, limit: float = 600) -> None:
    """Wait until ``site/.sitegen/cache/trash/`` is empty: a build that swapped a whole new output in has the old
    one removed there by a process of its own (sitegen/trash.py), which would compete with the next run."""
    trash = site / TRASH
    deadline = time.monotonic() + limit
    while trash.is_dir() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
