"""The repository itself: a worktree's ``.venv`` (a symlink to a shared virtualenv) once slipped
into a commit, and a merge then replaced the real virtualenv with it. Nothing under ``.venv`` is
ever tracked."""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_virtualenv_is_tracked():
    listed = subprocess.run(["git", "ls-files", "--", ".venv", "venv", "env"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    assert listed == []


def test_gitignore_names_the_virtualenv_whatever_it_is():
    lines = (ROOT / ".gitignore").read_text().splitlines()
    assert ".venv" in lines          # no trailing slash: a symlink named .venv is ignored too
