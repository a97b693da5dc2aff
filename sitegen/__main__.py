"""The ``sitegen`` command's entry point (and ``python -m sitegen``): Ctrl+C without a traceback.

Ctrl+C while the command is still starting (importing Click, Jinja2, Babel)
exits quietly with status 130. Once the command runs, Ctrl+C is a
KeyboardInterrupt, so a build tidies up (or finishes a committed patch)
before it stops, and Click says "Aborted!". Python would raise it anywhere,
also inside the import system's own callbacks, which swallow it and print
"Exception ignored ... Traceback"; so a Ctrl+C that lands in the import
system is raised again a few milliseconds later, outside it.
"""

import signal


def run() -> None:
    signal.signal(signal.SIGINT, _quit)
    from .cli import ALONE, main

    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGALRM, _interrupt)
    main(obj=ALONE)


def _quit(signum: int, frame: object) -> None:
    raise SystemExit(130)


def _interrupt(signum: int, frame: object) -> None:
    if _importing(frame):
        signal.setitimer(signal.ITIMER_REAL, 0.005)  # again, once the import is done
        return
    raise KeyboardInterrupt


def _importing(frame: object) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):  # type: ignore[attr-defined]
            return True
        frame = frame.f_back  # type: ignore[attr-defined]
    return False


if __name__ == "__main__":
    run()
