"""Work spread over processes: reading article folders, rendering and writing pages.

Workers are forked, so they start with everything the parent holds (the
config, the Site, the compiled templates) without copying it through a pipe;
only results travel back. What a build writes never depends on how the work
was split, so any ``--jobs`` gives the same bytes. Small builds stay in one
process: forking costs more than it saves.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from . import collector

T = TypeVar("T")
R = TypeVar("R")

#: What a worker calls on each chunk: set in the worker by its initializer, never in the parent.
_worker_task: list[Callable[[Any], Any]] = []


def available() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def workers(requested: int | None, tasks: int, per_worker: int) -> int:
    """How many processes to use for ``tasks`` tasks: ``requested``, or as many as pay for themselves.

    A worker pays when it gets at least ``per_worker`` tasks; never more
    workers than CPUs unless asked.
    """
    if requested is not None:
        return max(1, min(requested, max(1, tasks)))
    return max(1, min(available(), tasks // max(1, per_worker)))


def chunked(items: Sequence[T], processes: int, size: int) -> list[Sequence[T]]:
    """``items`` in slices of about ``size``: small enough to balance the load, at least ``4 * processes``."""
    if not items:
        return []
    size = max(1, min(size, len(items) // (4 * processes) or 1))
    return [items[start : start + size] for start in range(0, len(items), size)]


def run(task: Callable[[T], R], chunks: Iterable[T], processes: int) -> Iterator[R]:
    """``task`` over every chunk, results in the order of ``chunks``; in ``processes`` processes when > 1.

    This process is one of them: it forks ``processes - 1`` workers and
    takes a chunk itself whenever each of them has work waiting, so no CPU
    is left to a parent that only waits, and one fewer copy of what the
    workers touch is made. ``task`` may be a closure over anything: the
    workers inherit it. Exceptions in a worker are raised here; a worker
    that dies (killed, out of memory) raises :class:`WorkerLostError`;
    leaving the iteration early stops the workers.
    """
    if processes <= 1:
        yield from map(task, chunks)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Objects made so far (the Site, the templates) go out of the collector's sight: the workers
    # share their memory pages with the parent until something writes to them, and a collection
    # that walks them would write to every one. The caller unfreezes them when it is done.
    collector.frozen()
    _give_back()
    context = multiprocessing.get_context("fork")
    # A forked worker inherits its initializer's arguments as they are: the task is not pickled.
    started = (task, os.getpid())
    pool = ProcessPoolExecutor(processes - 1, mp_context=context, initializer=_worker_started, initargs=started)
    waiting = 2 * (processes - 1)  # chunks queued for the workers: enough that none of them idles
    pending: deque[Future | list] = deque()  # in the order of ``chunks``: a worker's future, or [own result]
    busy: list[Future] = []
    try:
        for chunk in chunks:
            busy = [future for future in busy if not future.done()]
            if len(busy) < waiting:
                busy.append(pool.submit(_call, chunk))
                pending.append(busy[-1])
            else:
                pending.append([task(chunk)])
            while pending and (isinstance(pending[0], list) or pending[0].done()):
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    except BrokenProcessPool:
        raise WorkerLostError() from None
    finally:
        # Ctrl+C while the pool starts leaves its manager thread unstarted, and shutdown() would
        # raise "cannot join thread before it is started" over the KeyboardInterrupt.
        with contextlib.suppress(RuntimeError):
            pool.shutdown(wait=True, cancel_futures=True)


def _give_back() -> None:
    """Return the memory this process has freed to the system, where the C library can (glibc).

    Freed memory the C library keeps is resident: a forked worker shares it, and the first object
    either process makes in it copies the page. A few milliseconds at 10,000 articles.
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


class Beside:
    """``task`` run in a forked process while this one goes on; :meth:`result` waits for what it returned.

    For a check that needs nothing but what this process holds already (the
    ``stat`` of every output file, say) and a small answer: it runs on the
    other CPU while this process reads. With ``processes`` <= 1, or where
    forking fails, the task runs here, when its result is first asked for.
    Call :meth:`close` when done (a result never asked for leaves no process).
    """

    def __init__(self, task: Callable[[], R], processes: int):
        self._task: Callable[[], Any] | None = task
        self._pid, self._pipe, self._found = 0, -1, _UNSET
        if processes <= 1:
            return
        collector.frozen()  # as for the workers: the child writes to no page it need not
        die = dying_with(os.getpid())
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: answer, then end without running the parent's exit handlers
            os.close(read)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            if die is not None:
                die()
            with contextlib.suppress(BaseException), os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(task()))
            os._exit(0)
        os.close(write)
        self._pid, self._pipe = pid, read

    def result(self) -> Any:
        """What the task returned. :class:`WorkerLostError` when its process ended without an answer."""
        if self._found is _UNSET:
            if self._pid:
                with os.fdopen(self._pipe, "rb") as pipe:
                    data = pipe.read()
                self._pipe = -1
                self.close()
                if not data:
                    raise WorkerLostError()
                self._found = pickle.loads(data)
            else:
                assert self._task is not None
                self._found = self._task()
            self._task = None
        return self._found

    def close(self) -> None:
        """Stop the task's process if it still runs, and reap it."""
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0


_UNSET: Any = object()


def _result(item: Any) -> Any:
    return item[0] if isinstance(item, list) else item.result()


class WorkerLostError(Exception):
    """A worker process ended before its work was done: killed, or out of memory."""

    def __init__(self) -> None:
        super().__init__("a worker process ended before its work was done (killed, or out of memory?)")


def _call(chunk: Any) -> Any:
    return _worker_task[0](chunk)


def _worker_started(task: Callable[[Any], Any], parent: int) -> None:
    """In each worker: keep the task, die with the parent (a killed build leaves no workers behind), leave
    Ctrl+C to it."""
    _worker_task[:] = [task]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die = dying_with(parent)
    if die is not None:
        die()


def dying_with(parent: int) -> Callable[[], None] | None:
    """What a forked child of ``parent`` calls to be killed when ``parent`` dies (Linux); None elsewhere.

    Made in the parent, so the child only calls ``prctl``: also safe as a
    ``subprocess`` ``preexec_fn`` (in a process with one thread).
    """
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def die() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return die


_PR_SET_PDEATHSIG = 1
