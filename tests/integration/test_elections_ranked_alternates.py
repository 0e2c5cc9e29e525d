"""Issue 13, point 8 (RULES §4.4): the congress votes to take the alternates to the upper
congress from the official delegates' ranking — those who passed, just below the last
official delegate elected. The vote is recorded on the election page; the alternates are
shown on the election and result pages, in the API's election JSON, printed in the count
minutes of the round and named in the resolution."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from election_app.delegates.services import check_in
from election_app.documents.services import resolution_default_text
from election_app.elections import services as el
from election_app.elections.models import Election
from election_app.errors import Conflict, ValidationFailed
from tests.conftest import csrf_from
from tests.integration.test_documents_facts import count_minutes


def _upper(session, congress, roll, seats=2, n=5):
    for d in roll:
        check_in(session, delegate=d)
    e, _ = el.create_election(session, congress=congress, title="Bầu đại biểu đi dự Đại hội Công đoàn quận",
                              body="upper_delegates", seats=seats,
                              candidates=[{"delegate_id": d.id} for d in roll[:n]])
    session.commit()
    return e


def _vote_and_close(session, e):
    """9 ballots, 2 names each: An 7, Bình 6, Cường 5, Dung 0, Đức 0 of 9 returned (5 pass)."""
    r = el.open_round(session, election=e)
    ids = {c.full_name.split()[-1]: c.id for _, c in el.round_candidates(session, r)}
    a, b, c = ids["An"], ids["Bình"], ids["Cường"]
    el.set_paper_issued(session, election=e, issued=9)
    for kept in [[a, b]] * 4 + [[a, c]] * 3 + [[b, c]] * 2:
        el.enter_paper_ballot(session, round=r, kept=kept)
    el.close_round(session, election=e)
    session.commit()
    return ids


def test_the_congress_vote_is_recorded_on_the_page_and_the_alternates_shown_and_printed(
        client, login, api, session, congress, roll):
    e = _upper(session, congress, roll)
    login("organizer")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    page = client.get(base).get_data(as_text=True)
    assert 'id="alternates"' in page and 'name="alternate_seats"' in page
    resp = client.post(f"{base}/alternates", data={"csrf_token": csrf_from(page), "take": "1", "alternate_seats": "1"})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Election, e.id).alternate_seats == 1
    page = client.get(base).get_data(as_text=True)
    assert "lấy 1 đại biểu dự khuyết theo kết quả bầu" in page and "có khi đã bầu đủ đại biểu chính thức" in page

    _vote_and_close(session, e)
    result = client.get(f"{base}/result").get_data(as_text=True)
    section = result[result.index('id="alternates"'):]
    assert "Lê Văn Cường" in section and "5/9" in section
    assert "Nguyễn Văn An" not in section and "Trần Thị Bình" not in section    # the official delegates
    # the API's election JSON
    data = api("secretary").get(f"/api/v1/elections/{e.id}").get_json()
    assert data["alternate_seats"] == 1
    assert [p["full_name"] for p in data["ranked_alternates"]["alternates"]] == ["Lê Văn Cường"]
    # the count minutes of the round, and the resolution
    minutes = count_minutes(session, congress, e, 1)
    assert "đại biểu dự khuyết (1 người)" in minutes and "xếp liền sau đại biểu chính thức trúng cử cuối cùng" in minutes
    tail = minutes[minutes.index("đại biểu dự khuyết (1 người)"):]
    assert re.search(r"1 Họ và tên Lê Văn Cường Số phiếu bầu Tỉ lệ 5/9 55,56%", tail), tail[:300]
    assert "1 đại biểu dự khuyết: Lê Văn Cường" in resolution_default_text(session, congress=congress)


def test_without_the_vote_nothing_is_taken_from_the_ranking(session, congress, roll):
    e = _upper(session, congress, roll)
    _vote_and_close(session, e)
    assert el.ranked_alternates(session, e) is None
    minutes = count_minutes(session, congress, e, 1)
    assert "đại biểu dự khuyết (" not in minutes


def test_fewer_passers_than_alternate_seats_is_reported(client, login, session, congress, roll):
    e = _upper(session, congress, roll)
    el.set_alternates_by_ranking(session, election=e, seats=3)
    session.commit()
    _vote_and_close(session, e)
    ranked = el.ranked_alternates(session, e)
    assert ranked["outcome"] == "insufficient" and ranked["seats_left"] == 2
    assert [p["full_name"] for p in ranked["alternates"]] == ["Lê Văn Cường"]
    login("board")
    html = client.get(f"/congresses/{congress.id}/elections/{e.id}/result").get_data(as_text=True)
    assert "Còn thiếu 2 đại biểu dự khuyết" in html


def test_refusals(client, login, session, congress, roll):
    e = _upper(session, congress, roll)
    bch, _ = el.create_election(session, congress=congress, title="Bầu BCH", body="executive_committee", seats=2,
                                candidates=[{"delegate_id": d.id} for d in roll[:4]])
    with pytest.raises(ValidationFailed):                     # not an official-delegate election
        el.set_alternates_by_ranking(session, election=bch, seats=1)
    for bad in (-1, "hai", 101):
        with pytest.raises(ValidationFailed):
            el.set_alternates_by_ranking(session, election=e, seats=bad)
    el.set_alternates_by_ranking(session, election=e, seats=2)
    # a separate alternates election is refused once the congress took them from the ranking
    with pytest.raises(ValidationFailed, match="theo kết quả bầu"):
        el.create_election(session, congress=congress, title="Bầu dự khuyết", body="upper_alternates", seats=1,
                           candidates=[{"delegate_id": d.id} for d in roll[5:7]], follows_election_id=e.id)
    el.set_alternates_by_ranking(session, election=e, seats=0)   # the vote withdrawn
    assert e.alternate_seats is None
    el.create_election(session, congress=congress, title="Bầu dự khuyết", body="upper_alternates", seats=1,
                       candidates=[{"delegate_id": d.id} for d in roll[5:7]], follows_election_id=e.id)
    with pytest.raises(Conflict):                             # and the other way round
        el.set_alternates_by_ranking(session, election=e, seats=1)
    session.commit()
    # the page: a refusal is said, nothing is written
    login("organizer")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    page = client.get(base).get_data(as_text=True)
    html = client.post(f"{base}/alternates", data={"csrf_token": csrf_from(page), "take": "1",
                                                   "alternate_seats": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã có cuộc bầu riêng đại biểu dự khuyết" in html
    session.expire_all()
    assert session.scalar(select(Election.alternate_seats).where(Election.id == e.id)) is None
