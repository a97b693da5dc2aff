"""The locks that `make serve`, `make test` and CI install from: exact, hashed, in step with pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

LOCKS = REPO / "requirements"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", re.MULTILINE)
#: What only the tests and the benchmark need: none of it belongs in an editor's install.
TEST_ONLY = {"pytest", "playwright", "hypothesis", "ruff", "hugo", "psutil", "feedparser", "xmlschema"}


def pins(name: str) -> dict[str, str]:
    text = (LOCKS / name).read_text(encoding="utf-8")
    return {canonicalize_name(package): version for package, version in PIN.findall(text)}


def requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    for extra in extras:
        for text in project["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == "sitegen":
                found += requirements(*requirement.extras)
            else:
                found.append(requirement)
    return found


@pytest.mark.parametrize(("lock", "extras"), [("editor.txt", ("search",)), ("test.txt", ("search", "test"))])
def test_every_requirement_is_pinned_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    pinned = pins(lock)
    for requirement in requirements(*extras):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version, f"{lock}: {requirement.name} is not locked"
        assert requirement.specifier.contains(version, prereleases=True), f"{lock}: {requirement} but {version}"


@pytest.mark.parametrize("lock", ["editor.txt", "test.txt"])
def test_every_pin_carries_a_hash(lock: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (LOCKS / lock).read_text(encoding="utf-8"))
    unhashed = [entry.split()[0] for entry in entries if PIN.match(entry) and "--hash=sha256:" not in entry]
    assert not unhashed
    assert {"hatchling", "editables"} <= set(pins(lock)), "the build backend is locked too"


def test_an_editor_installs_nothing_the_tests_need() -> None:
    assert not TEST_ONLY & set(pins("editor.txt"))
    assert set(pins("test.txt")) >= TEST_ONLY
