"""Work beside the build: a task in a forked process, its answer taken when needed, no process left behind."""

from __future__ import annotations

import os
import time

import pytest

from sitegen import parallel


def test_a_task_beside_runs_in_another_process_and_answers() -> None:
    beside = parallel.Beside(os.getpid, 2)
    try:
        assert beside.result() not in (os.getpid(), 0)
        assert beside.result() == beside.result(), "asked again, the same answer"
    finally:
        beside.close()


def test_with_one_process_the_task_runs_here_when_asked() -> None:
    ran: list[int] = []
    beside = parallel.Beside(lambda: ran.append(os.getpid()) or "done", 1)
    assert ran == [], "not before it is asked for"
    assert beside.result() == "done" and ran == [os.getpid()]


def test_a_task_whose_process_dies_is_a_lost_worker() -> None:
    beside = parallel.Beside(lambda: os._exit(3), 2)
    with pytest.raises(parallel.WorkerLostError):
        beside.result()


def test_closing_stops_and_reaps_a_task_never_asked_for() -> None:
    beside = parallel.Beside(lambda: time.sleep(60), 2)
    pid = beside._pid
    assert pid
    started = time.monotonic()
    beside.close()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no longer this process's child
