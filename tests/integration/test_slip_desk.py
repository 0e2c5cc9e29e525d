"""The slip desk in one step (issue 13 §6): type or scan, Enter; exactly one match is struck
off at once, a second slip for the same delegate or a delegate who may not vote is refused
at the desk with the reason, several matches give the list; the slips page speaks
Vietnamese (issue 13 §11)."""
from __future__ import annotations

from sqlalchemy import func, select

from election_app.elections.models import RoundParticipation
from test_voting_support import fresh, open_election
from tests.conftest import csrf_from


def _strike(client, base, q):
    desk = client.get(f"{base}/desk").get_data(as_text=True)
    resp = client.post(f"{base}/desk", data={"csrf_token": csrf_from(desk), "q": q})
    assert resp.status_code == 303
    return resp.headers["Location"], client.get(resp.headers["Location"]).get_data(as_text=True)


def _struck(session):
    return fresh(session).scalar(select(func.count()).select_from(RoundParticipation)
                                 .where(RoundParticipation.method == "slip"))


def test_enter_strikes_off_the_one_match_and_refuses_a_second_slip(client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll)
    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    where, page = _strike(client, base, roll[4].code)
    assert where.endswith(f"{base}/desk")            # an empty search box for the next voter
    assert f"Đã gạch tên {roll[4].full_name}" in page and _struck(session) == 1
    assert 'name="q" value=""' in page and "autofocus" in page
    # the same card again: refused here, before any slip is drawn
    _, page = _strike(client, base, roll[4].code)
    assert "KHÔNG phát phiếu" in page and "đã nhận phiếu QR ẩn danh" in page and _struck(session) == 1
    # the card number without its leading zeros, as a scanner or a hurried hand types it
    _, page = _strike(client, base, roll[5].code.lstrip("0"))
    assert f"Đã gạch tên {roll[5].full_name}" in page and _struck(session) == 2


def test_several_matches_give_the_list_and_nobody_unknown_is_struck(client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll)
    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    where, page = _strike(client, base, "Văn")             # An, Cường, Đức, Giang, Khoa
    assert "q=" in where and page.count("Gạch tên – phát phiếu QR") >= 5 and _struck(session) == 0
    _, page = _strike(client, base, "Không Có Ai")
    assert "Không tìm thấy đại biểu" in page and _struck(session) == 0


def test_a_delegate_not_checked_in_is_refused_at_the_desk(client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll, checked_in=False)
    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    _, page = _strike(client, base, roll[0].code)
    assert "KHÔNG phát phiếu" in page and "chưa điểm danh" in page and _struck(session) == 0


def test_slips_page_says_the_round_state_in_vietnamese(client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll)
    login("board")
    html = client.get(f"/congresses/{congress.id}/elections/{election.id}/slips").get_data(as_text=True)
    assert "Lần bầu 1 · đang bỏ phiếu" in html and "· open" not in html
