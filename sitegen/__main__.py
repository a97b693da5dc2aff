"""The ``sitegen`` command's entry point (and ``python -m sitegen``).

Ctrl+C while the command is still starting (importing Click, Jinja2, Babel)
exits quietly with status 130 instead of a traceback from inside an import;
once the command runs, Ctrl+C is a KeyboardInterrupt again, so a build tidies
up (or finishes a committed patch) before it stops.
"""

import signal


def run() -> None:
    signal.signal(signal.SIGINT, _quit)
    from .cli import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()


def _quit(signum: int, frame: object) -> None:
    raise SystemExit(130)


if __name__ == "__main__":
    run()
