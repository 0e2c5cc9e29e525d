"""Issue 17: a big card sheet is laid out by several processes (RENDER_PROCESSES) and gives
the same cards, in the same order, as one process."""
from __future__ import annotations

import subprocess

from election_app.congress.services import create_congress
from election_app.delegates.services import add_delegates, decide_credentials
from election_app.documents import jobs
from tests.conftest import TEST_SECRET


def _names(n: int) -> list[str]:
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    middle = ["Văn", "Thị", "Minh", "Đức", "Quốc", "Hữu"]
    given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hòa", "Khánh", "Linh", "Nam"]
    return [f"{f} {m} {g}" for g in given for f in family for m in middle][:n]


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, check=True,
                          capture_output=True).stdout.decode("utf-8")


def test_cards_in_two_processes_are_the_cards_of_one(app, session, monkeypatch):
    congress = create_congress(session, data={
        "name": "Đại hội Công đoàn cơ sở Trường THCS Chu Văn An lần thứ IX", "organization": "Công đoàn cơ sở "
        "Trường THCS Chu Văn An", "parent_organization": "Công đoàn Giáo dục quận Ba Đình", "term": "2023–2028",
        "kind": "delegates", "date": "2027-01-05", "place": "Hà Nội", "venue": "Hội trường"})
    # Parts of 24 cards (3 sheets) here, 200 in production: the same two-part path, a tenth of the
    # layout (make bench times the 1,000 cards).
    monkeypatch.setattr(jobs, "CARDS_PER_CHUNK", 24)
    n = jobs.CARDS_PER_CHUNK + 17          # two render parts
    made = add_delegates(session, congress=congress, rows=[
        {"full_name": name, "unit": "Tổ Toán", "birth_year": 1970 + i % 30, "gender": "nam"}
        for i, name in enumerate(_names(n))])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    params = jobs.clean_params("delegate-cards", {})
    app.config["RENDER_PROCESSES"] = 1
    one = jobs.produce(session, congress=congress, kind="delegate-cards", params=params, secret=TEST_SECRET).pdf
    app.config["RENDER_PROCESSES"] = 2
    done = []
    two = jobs.produce(session, congress=congress, kind="delegate-cards", params=params, secret=TEST_SECRET,
                       progress=done.append).pdf
    assert one != two                      # the joined file really came from two processes
    text_one, text_two = _text(one), _text(two)
    assert text_one == text_two
    assert text_two.count("Số thẻ:") == n
    assert done and done[-1] == n
