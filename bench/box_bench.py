"""The sealed ballot box (issue 10): what opening it costs at close. Pure figures (seal and
open 1,000 ballots of a 60-name list; unwrap the round key by SECRET_KEY and by passphrase)
and the whole ``close_round`` of a round holding 1,000 sealed ballots on a real database
(SQLite by default, BENCH_DATABASE_URL for PostgreSQL): open, count, write in random order,
delete the ciphertexts, commit and wipe (checkpoint / VACUUM FULL)."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from .common import SECRET, database_url, make_app, migrate, write_results

N = 1000
CANDIDATES = 60
SEATS = 50


def _pure() -> dict:
    import random

    from election_app.elections import box
    rng = random.Random(10)
    sealed = box.new_box(round_id=1, secret=SECRET)
    size = box.padded_size(CANDIDATES)
    ballots = [sorted(rng.sample(range(1, CANDIDATES + 1), rng.randint(0, SEATS))) for _ in range(N)]
    t0 = time.perf_counter()
    cts = [box.seal(sealed["public_key"], kept=k, receipt="ABCD-EFGH-JKMN", size=size) for k in ballots]
    t_seal = time.perf_counter() - t0
    t0 = time.perf_counter()
    key = box.unwrap(round_id=1, wrapped_key=sealed["wrapped_key"], salt=sealed["salt"], mode=sealed["mode"],
                     secret=SECRET)
    opened = box.open_all(key, cts)
    t_open = time.perf_counter() - t0
    assert [o["kept"] for o in opened] == ballots
    with_pass = box.new_box(round_id=1, secret=SECRET, passphrase="mật khẩu của Ban bầu cử")
    t0 = time.perf_counter()
    box.unwrap(round_id=1, wrapped_key=with_pass["wrapped_key"], salt=with_pass["salt"], mode=with_pass["mode"],
               secret=SECRET, passphrase="mật khẩu của Ban bầu cử")
    t_pass = time.perf_counter() - t0
    return {"ciphertext_bytes": len(cts[0]), "seal_1000_ms": round(t_seal * 1000, 1),
            "unwrap_and_open_1000_ms": round(t_open * 1000, 1), "passphrase_unwrap_ms": round(t_pass * 1000, 1)}


def _close(url: str) -> dict:
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as el
    from election_app.voting import services as voting
    app = make_app(url)
    migrate(app)
    with app.app_context():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội thử tải", "organization": "Công đoàn thử",
                                            "parent_organization": "Công đoàn cấp trên", "term": "2023–2028",
                                            "kind": "delegates"})
        fam = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
        mid = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Quốc", "Ngọc", "Đức", "Thu", "Hồng"]
        giv = ["An", "Bình", "Cường", "Dung", "Giang", "Hoa", "Khoa", "Lâm", "Mai", "Nam"]
        people = add_delegates(s, congress=congress, rows=[
            {"full_name": f"{fam[i // 100]} {mid[(i // 10) % 10]} {giv[i % 10]}"} for i in range(N)])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = el.create_election(s, congress=congress, title="Bầu Ban Chấp hành", body="other",
                                         seats=SEATS, candidates=[{"delegate_id": d.id} for d in people[:CANDIDATES]])
        el.open_round(s, election=election, secret=SECRET)
        s.commit()
        ids = [c.id for _, c in el.round_candidates(s, el.current_round(s, election))]
        tokens = voting.issue_voting_links(s, congress=congress, delegate_ids=[d.id for d in people], secret=SECRET)
        s.commit()
        import random
        rng = random.Random(11)
        t0 = time.perf_counter()
        for did, token in tokens.items():
            voter = voting.resolve_voter(s, token=token, secret=SECRET)
            voting.cast_ballot(s, voter=voter, election_id=election.id, kept=rng.sample(ids, rng.randint(1, SEATS)),
                               token=token, secret=SECRET)
            s.commit()
        t_cast = time.perf_counter() - t0
        t0 = time.perf_counter()
        el.close_round(s, election=election, secret=SECRET)
        s.commit()                          # the commit runs the wipe (checkpoint / VACUUM FULL)
        t_close = time.perf_counter() - t0
        rnd = el.current_round(s, election)
        assert rnd.returned == N
        db.engine.dispose()
    return {"engine": url.split(":", 1)[0], "cast_1000_in_process_s": round(t_cast, 2),
            "close_round_1000_s": round(t_close, 3)}


def run() -> dict:
    figures = {"pure": _pure()}
    with tempfile.TemporaryDirectory() as tmp:
        figures["close"] = _close(database_url(Path(tmp)))
    print(figures)
    return write_results("box", figures)
