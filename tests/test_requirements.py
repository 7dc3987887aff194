"""The lock files hold what pyproject.toml declares, hashed, and never disagree.

`make lock` writes requirements.txt and requirements-dev.txt; these catch a
dependency declared but never locked, a pin without hashes (pip refuses the
whole file then) and a hand edit that moves one file's version away from the
other's.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"[A-Za-z0-9._-]+")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(filename):
    """{package: (version, hashes)} from a requirements file written by uv."""
    text = (ROOT / filename).read_text()
    found = {}
    for line in text.replace("\\\n", " ").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        requirement, pinned, version = words[0].partition("==")
        assert pinned, f"{filename}: {words[0]} is not pinned to one version"
        hashes = {word for word in words[1:] if word.startswith("--hash=sha256:")}
        found[normalise(NAME.match(requirement)[0])] = (version, hashes)
    return found


def declared(requirements):
    return {normalise(NAME.match(requirement)[0]) for requirement in requirements}


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_it_hashes_every_pin():
    for filename in ("requirements.txt", "requirements-dev.txt"):
        locked = pins(filename)
        assert locked, filename
        for package, (version, hashes) in locked.items():
            assert hashes, f"{filename}: {package}=={version} has no hash"


def test_it_locks_every_declared_dependency():
    runtime = declared(pyproject()["project"]["dependencies"])
    dev = declared(pyproject()["dependency-groups"]["dev"])
    missing = runtime - pins("requirements.txt").keys()
    assert not missing, f"{sorted(missing)} not in requirements.txt: make lock"
    missing = (runtime | dev) - pins("requirements-dev.txt").keys()
    assert not missing, f"{sorted(missing)} not in requirements-dev.txt: make lock"


def test_it_pins_the_runtime_packages_alike_in_both_files():
    dev = pins("requirements-dev.txt")
    for package, pin in pins("requirements.txt").items():
        assert dev.get(package) == pin, f"{package}: the two files disagree"
