"""The box bench's close (bench/box_bench.py) runs against the app's current services: it had
called ``cast_ballot`` with a keyword the service no longer takes, and ``make bench`` reported
the box bench failed. Here on a small round (30 delegates) on a SQLite file of its own."""
from __future__ import annotations

from bench import box_bench


def test_the_box_bench_casts_and_closes_a_round(tmp_path, monkeypatch):
    monkeypatch.setattr(box_bench, "N", 30)
    monkeypatch.setattr(box_bench, "CANDIDATES", 12)
    monkeypatch.setattr(box_bench, "SEATS", 9)
    figures = box_bench._close(f"sqlite:///{tmp_path / 'box.sqlite3'}")
    assert figures["engine"] == "sqlite"
    assert figures["cast_1000_in_process_s"] >= 0 and figures["close_round_1000_s"] >= 0
