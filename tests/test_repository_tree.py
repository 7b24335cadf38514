"""The committed tree: what a fresh clone gets is source, not something from one machine.

A symbolic link to a local virtualenv (committed once by accident from a worktree) makes a
fresh clone's `make test` fail when it tries to create the scanners' virtualenv there; a
tracked file that .gitignore names is the same mistake caught one step earlier.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_no_symbolic_link_is_committed() -> None:
    # Mode 120000 is git's mode for a symbolic link.
    links = [
        line.split("\t", 1)[1]
        for line in git("ls-files", "-s").splitlines()
        if line.startswith("120000 ")
    ]
    assert links == [], f"symbolic links are committed: {links}"


def test_nothing_committed_is_ignored() -> None:
    ignored = git("ls-files", "--cached", "--ignored", "--exclude-standard").split()
    assert ignored == [], f"files .gitignore names are committed: {ignored}"
