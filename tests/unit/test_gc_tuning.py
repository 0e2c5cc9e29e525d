"""The garbage-collector setting of the app's long-lived processes (election_app/gc_tuning.py):
gunicorn's workers get it from gunicorn.conf.py once the app is loaded. Checked in a fresh
interpreter, whose collector starts at Python's defaults."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, runpy
assert gc.get_threshold()[0] == 700 and gc.get_freeze_count() == 0
conf = runpy.run_path("gunicorn.conf.py")
conf["post_worker_init"](None)
print(gc.get_threshold(), gc.get_freeze_count() > 0)
"""


def test_a_gunicorn_worker_settles_the_collector_after_loading():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "(20000, 20, 20) True"
