"""The output is the same, byte for byte, as the recorded one: for the example site and for a generated site.

``tests/fixtures/golden/*.sha256`` holds the SHA-256 of every file a clean ``sitegen build --no-search``
writes. A refactor of the pipeline must not change a page; a deliberate change to the pages records the
new digests with ``SITEGEN_RECORD_GOLDEN=1 python -m pytest tests/test_golden.py`` and commits them, so
the change shows in review file by file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import build_ok, example_site, generated_site, snapshot

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
RECORD = os.environ.get("SITEGEN_RECORD_GOLDEN") == "1"


def _digests(site: Path) -> str:
    build_ok(site, search=False)
    return "".join(f"{digest}  {path}\n" for path, digest in snapshot(site / "output", hashed=True).items())


@pytest.mark.parametrize("name", ["example", "generated-24"])
def test_a_clean_build_writes_the_recorded_bytes(tmp_path: Path, name: str) -> None:
    site = example_site(tmp_path) if name == "example" else generated_site(24, tmp_path / "generated")
    found = _digests(site)
    recorded = GOLDEN / f"{name}.sha256"
    if RECORD:
        recorded.parent.mkdir(parents=True, exist_ok=True)
        recorded.write_text(found, encoding="utf-8")
    expected = recorded.read_text(encoding="utf-8").splitlines()
    changed = sorted(set(found.splitlines()).symmetric_difference(expected))
    assert not changed, f"{len(changed)} lines differ from {recorded.name} (path, then digest):\n" + "\n".join(
        sorted(changed, key=lambda line: line.split("  ", 1)[1])[:20]
    )
