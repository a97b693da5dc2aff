"""Running the Pagefind program: several at once, their output read as it comes, each stoppable.

:mod:`sitegen.search` decides what to index and where; this module only
runs the commands it is given, one per CPU at a time, and keeps track of
them so that :func:`stop` can end them when sitegen stops.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

from . import parallel

#: Pagefind runs under way, so that :func:`stop` can end them when sitegen stops.
_running: set[subprocess.Popen] = set()
_lock = threading.Lock()


def run(commands: list[list[str]], timeout: float) -> list[subprocess.CompletedProcess]:
    """Run each command to the end (or ``timeout`` seconds), one per CPU at a time, where :func:`stop` can reach them.

    What the runs say is read as they say it, from all of them at once, so
    none waits on a full pipe and each is collected as soon as it ends.
    """
    import selectors
    import subprocess

    # Pagefind dies with a build that is killed (SIGKILL leaves no time to stop it). Only where
    # this process has one thread: the preview, which has more, stops its runs itself (stop()).
    die = parallel.dying_with(os.getpid()) if threading.active_count() == 1 else None
    width = max(1, min(len(commands), os.cpu_count() or 1))
    results: list[subprocess.CompletedProcess] = [subprocess.CompletedProcess([], 0)] * len(commands)
    waiting = list(enumerate(commands))
    running: dict[int, tuple[subprocess.Popen, list[bytes], float]] = {}
    # poll() holds no descriptor of its own (epoll would), so nothing stays open beside the pipes.
    with selectors.PollSelector() as selector:
        try:
            while waiting or running:
                while waiting and len(running) < width:
                    number, command = waiting.pop(0)
                    pipe, joined = subprocess.PIPE, subprocess.STDOUT
                    process = subprocess.Popen(command, stdout=pipe, stderr=joined, preexec_fn=die)
                    with _lock:
                        _running.add(process)
                    running[number] = (process, [], time.monotonic() + timeout)
                    selector.register(process.stdout, selectors.EVENT_READ, number)  # type: ignore[arg-type]
                for key, _ in selector.select(timeout=1.0):
                    process, said, _ = running[key.data]
                    if chunk := os.read(key.fd, 65536):
                        said.append(chunk)
                        continue
                    selector.unregister(key.fileobj)
                    results[key.data] = _ended(process, b"".join(said))
                    del running[key.data]
                if late := [process for process, _, deadline in running.values() if time.monotonic() > deadline]:
                    raise subprocess.TimeoutExpired(late[0].args, timeout)
        finally:
            for process, _, _ in running.values():
                process.kill()
                _ended(process, b"")
    return results


def _ended(process: subprocess.Popen, said: bytes) -> subprocess.CompletedProcess:
    """Collect a run whose output has ended."""
    import subprocess

    process.wait()
    if process.stdout:
        process.stdout.close()
    with _lock:
        _running.discard(process)
    return subprocess.CompletedProcess(process.args, process.returncode, said.decode(errors="replace"), "")


def stop() -> None:
    """End every Pagefind run this process started: ``sitegen serve`` is stopping, its index is not wanted."""
    with _lock:
        running = list(_running)
    for process in running:
        with contextlib.suppress(OSError):
            process.kill()
