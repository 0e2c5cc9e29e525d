"""Issue 16, "done when": a congress run end to end under each of the three rulebooks, as its
staff would run it through the API and the pages: the congress created under the rulebook, the
roll added and its credentials recognised, two sessions (preparatory, formal) with check-in and
a show of hands in each, an appointed body (an agenda item "công bố quyết định chỉ định"), a
one-candidate chair election on agree/disagree ballots (paper entered by two teams, phone
votes), a strike-out executive election, the rounds closed; then every document of the pack
(the documents registry, ``jobs.KINDS``) rendered from its page and read back with pdftotext,
and the pages read. Every number of the law is read from the rulebook's data (its TOML through
``rules.presets``), never written here."""
from __future__ import annotations

import subprocess

import pytest

from election_app.delegates.models import Delegate
from election_app.documents.jobs import KINDS
from election_app.rules import PRESETS, format_percent_vi, passes, percent, quorum_needed, votes_needed
from test_voting_support import link_for, vote_url
from tests.conftest import csrf_from

# The pack's papers handed to delegates carry nothing but their own content (RULES §6): no
# rulebook line on the ballot and the delegate card.
NO_RULEBOOK_LINE = {"ballot", "delegate-cards"}

ROLL = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
        "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa", "Ngô Thị Lan"]

APPOINTED = {"body": "inspection_committee", "decision_number": "125/QĐ-CĐGD",
             "decision_date": "2026-11-20", "issuer": "Ban Thường vụ Công đoàn Giáo dục quận Ba Đình",
             "people": [{"full_name": "Phạm Văn Hùng", "position": "Chủ nhiệm"},
                        {"full_name": "Đỗ Thị Mai", "position": "Ủy viên"}]}


def _text(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf", \
        (resp.request.path, resp.get_data(as_text=True).split("<main", 1)[-1][:800])
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=resp.data, check=True,
                         capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def _ok(resp, status=200):
    assert resp.status_code == status, resp.get_data(as_text=True)[-1500:]
    return resp.get_json()


@pytest.mark.parametrize("code", sorted(PRESETS))
def test_a_congress_end_to_end_under_the_rulebook(code, api, client, login, session):
    preset = PRESETS[code]
    admin = api("admin")
    congress = _ok(admin.post("/api/v1/congresses", json={
        "name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X",
        "organization": "Công đoàn cơ sở Trường THCS Thành Công",
        "parent_organization": "Công đoàn Giáo dục quận Ba Đình", "term": "2025–2030",
        "kind": "delegates", "date": "2026-12-12", "place": "Ba Đình", "venue": "Hội trường",
        "preset_code": code}), 201)
    cid = congress["id"]
    assert congress["preset_code"] == code
    org, sec, board = api("organizer"), api("secretary"), api("board")

    # The roll, then the congress recognises the credentials report (every pending accepted).
    ids = _ok(org.post(f"/api/v1/congresses/{cid}/delegates", json={"delegates": [
        {"full_name": n, "birth_year": 1975 + i, "gender": "nữ" if "Thị" in n else "nam",
         "position": "Giáo viên", "unit": "Tổ Toán"} for i, n in enumerate(ROLL)]}), 201)["ids"]
    assert _ok(org.post(f"/api/v1/congresses/{cid}/credentials/accept-pending"))["accepted"] == len(ROLL)

    # Two sessions, each opened by the presidium's desk; presence carries over.
    sessions = f"/api/v1/congresses/{cid}/sessions"
    s1 = _ok(org.post(sessions, json={"name": "Phiên trù bị"}), 201)
    s2 = _ok(org.post(sessions, json={"name": "Phiên chính thức"}), 201)

    def check_in(did):
        _ok(sec.post(f"/api/v1/congresses/{cid}/delegates/{did}/check-in"))

    def show_of_hands(title, agree, disagree=0):
        mid = _ok(sec.post(f"/api/v1/congresses/{cid}/motions", json={"title": title}), 201)["id"]
        return _ok(sec.post(f"/api/v1/motions/{mid}/result", json={"agree": agree, "disagree": disagree}))

    _ok(sec.post(f"{sessions}/{s1['id']}/open"))
    for did in ids[:8]:
        check_in(did)
    first_vote = show_of_hands("Bầu Đoàn Chủ tịch, Đoàn Thư ký", 7, 1)
    _ok(sec.post(f"{sessions}/{s1['id']}/close"))
    _ok(sec.post(f"{sessions}/{s2['id']}/open"))
    for did in ids[8:]:
        check_in(did)
    _ok(sec.post(f"/api/v1/congresses/{cid}/delegates/{ids[9]}/undo-check-in"))   # one leaves
    second_vote = show_of_hands("Thông qua nghị quyết Đại hội", 9)
    summoned = len(ROLL)
    assert first_vote["passed"] == (preset.motion_den * 7 > preset.motion_num * 8)
    assert second_vote["passed"]

    # The appointed body: an agenda item added on the programme page, its decision recorded.
    login("admin")
    page = client.get(f"/congresses/{cid}/agenda/new").get_data(as_text=True)
    token = csrf_from(page)
    resp = client.post(f"/congresses/{cid}/agenda/new", data={
        "csrf_token": token, "title": "Công bố quyết định chỉ định Ủy ban Kiểm tra", "section": "C",
        "planned_time": "", "duration_min": "", "presenter": "", "kind": "appointment", "motion_id": "0",
        "election_id": "0"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    item_id = _ok(sec.get(f"/api/v1/congresses/{cid}/agenda"))["items"][0]["id"]
    _ok(org.post(f"/api/v1/congresses/{cid}/agenda/{item_id}/appointment", json=APPOINTED))

    # The chair: one name, agree/disagree ballots; five on paper (two teams key the same
    # stack), three by phone. Present 9: the candidate does not vote.
    chair = _ok(org.post(f"/api/v1/congresses/{cid}/elections", json={
        "title": "Bầu Chủ tịch Công đoàn cơ sở", "body": "chair", "seats": 1, "entry_teams": 2,
        "ballot_type": "yes_no", "candidates": [{"delegate_id": ids[0]}]}), 201)
    ceid = chair["id"]
    opened = _ok(board.post(f"/api/v1/elections/{ceid}/open"))
    assert opened["session_id"] == s2["id"]
    a = opened["candidates"][0]["id"]
    _ok(board.post(f"/api/v1/elections/{ceid}/issue-paper", json={"delegate_ids": ids[1:6]}))
    paper = [{"kept": [a]}, {"kept": [a]}, {"against": [a]}, {"kept": [a]}, {"kept": [a], "spoiled": "no_seal"}]
    for team in (1, 2):
        _ok(board.post(f"/api/v1/elections/{ceid}/paper-ballots", json={"ballots": paper, "team": team}), 201)
    for did, choice in zip(ids[6:9], ({"kept": [a], "against": []}, {"kept": [a], "against": []},
                                      {"kept": [], "against": [a]})):
        _ok(client.post(vote_url(link_for(session, session.get(Delegate, did)), ceid), json=choice), 201)
    _ok(board.post(f"/api/v1/elections/{ceid}/close"))
    result = _ok(board.get(f"/api/v1/elections/{ceid}/result"))
    returned, agree, against = 8, 5, 2                      # 5 paper (one invalid) + 3 phone
    assert (result["returned"], result["valid"], result["invalid"]) == (returned, 7, 1)
    assert [(c["votes"], c["against"]) for c in result["candidates"]] == [(agree, against)]
    assert passes(agree, returned, preset, valid=7)         # under each of the three rulebooks
    assert result["elected"] == [a]
    assert result["votes_needed"] == votes_needed(returned, preset, valid=7)

    # The executive committee: strike-out ballots, two seats of three names, all on paper.
    bch = _ok(org.post(f"/api/v1/congresses/{cid}/elections", json={
        "title": "Bầu Ban Chấp hành", "body": "executive_committee", "seats": 2,
        "candidates": [{"delegate_id": d} for d in ids[1:4]]}), 201)
    beid = bch["id"]
    x, y, z = [c["id"] for c in _ok(board.post(f"/api/v1/elections/{beid}/open"))["candidates"]]
    ballots = [{"kept": [x, y]}] * 5 + [{"kept": [x, z]}] * 2 + [{"kept": [y]}] + [{"kept": [x, y, z]}]
    _ok(board.post(f"/api/v1/elections/{beid}/paper-ballots", json={"issued": 9, "ballots": ballots}), 201)
    _ok(board.post(f"/api/v1/elections/{beid}/close"))
    votes = {x: 7, y: 6, z: 2}
    got = {c["id"]: c["votes"] for c in _ok(board.get(f"/api/v1/elections/{beid}/result"))["candidates"]}
    assert got == votes
    elected = [c for c in (x, y) if passes(votes[c], 9, preset, valid=8)]

    # --- every paper of the pack, from its page ------------------------------------------
    texts = {}
    for kind, spec in KINDS.items():
        if spec.scope == "congress":
            texts[kind] = _text(client.get(f"/congresses/{cid}/documents/{kind}.pdf"))
        else:
            for eid in (ceid, beid):
                texts[(kind, eid)] = _text(client.get(f"/congresses/{cid}/elections/{eid}/documents/{kind}.pdf?round=1"))
    line = f"Bộ quy tắc áp dụng: {preset.label}"
    for key, text in texts.items():
        kind = key if isinstance(key, str) else key[0]
        assert (line in text) == (kind not in NO_RULEBOOK_LINE), key
        for other in PRESETS.values():                        # never another rulebook's line
            assert other is preset or other.label not in text, key

    quorum = f"{preset.fraction_words('quorum')} ({preset.fraction('quorum')})"
    elect = f"quá {preset.fraction_words('elect')} ({preset.fraction('elect')}) so với {preset.elect_base_words}"
    minutes = texts["minutes"]
    # both sessions with their attendance under the rulebook's quorum
    assert "Đại hội họp 2 phiên" in minutes and f"từ {quorum} số được triệu tập" in minutes
    assert "Phiên trù bị" in minutes and "Phiên chính thức" in minutes
    assert f"{summoned} 8 ({format_percent_vi(percent(8, summoned))}) {summoned - 8}" in minutes
    assert f"{summoned} 9 ({format_percent_vi(percent(9, summoned))}) {summoned - 9}" in minutes
    # each vote with its session
    assert "Đại hội biểu quyết (Phiên trù bị, 8 đại biểu có mặt)" in minutes
    assert "Đại hội biểu quyết (Phiên chính thức, 9 đại biểu có mặt)" in minutes
    assert "Lần bầu thứ 1 (Phiên chính thức, số lượng bầu: 1)" in minutes
    # the yes/no result with agree and disagree, in the text and in the table of results
    assert (f"Nguyễn Văn An ({agree}/{returned} phiếu đồng ý, {format_percent_vi(percent(agree, returned))}; "
            f"{against}/{returned} phiếu không đồng ý, {format_percent_vi(percent(against, returned))})") in minutes
    assert "Đồng ý Không đồng ý Số phiếu Tỉ lệ Số phiếu Tỉ lệ" in minutes
    assert (f"{agree}/{returned} {format_percent_vi(percent(agree, returned))} "
            f"{against}/{returned} {format_percent_vi(percent(against, returned))}") in minutes
    # the appointed body
    for text in (minutes, texts["resolution"], texts["dossier"]):
        assert "Quyết định số 125/QĐ-CĐGD ngày 20/11/2026" in text and "Phạm Văn Hùng" in text
    # the annexed count minutes and each round's own: the rulebook's threshold and its charter
    for text in (minutes, texts[("count-minutes", ceid)], texts[("count-minutes", beid)]):
        assert f"Theo {preset.charter}," in text and elect in text
    chair_minutes = texts[("count-minutes", ceid)]
    assert f"từ {votes_needed(returned, preset, valid=7)} phiếu trở lên" in chair_minutes
    assert (f"được {agree}/{returned} phiếu đồng ý ({format_percent_vi(percent(agree, returned))}), "
            f"đạt quá {preset.fraction_words('elect')}") in chair_minutes
    assert (f"đồng ý {agree} phiếu ({format_percent_vi(percent(agree, returned))}); "
            f"không đồng ý {against} phiếu ({format_percent_vi(percent(against, returned))})") in chair_minutes
    assert "Đồng ý" in texts[("ballot", ceid)] and "Không đồng ý" in texts[("ballot", ceid)]
    # the credentials report measures the present against the rulebook's quorum, by its charter
    assert preset.fraction_words("quorum") in texts["credentials-report"]
    assert preset.charter in texts["credentials-report"]
    # the resolution's "Căn cứ …" lines are the rulebook's; the results as elected
    for basis in preset.basis("2026-12-12"):
        assert basis in texts["resolution"], basis
    if not preset.law("2026-12-12"):
        assert "Luật Công đoàn" not in texts["resolution"]
    assert "Đại hội đã bầu đồng chí Nguyễn Văn An giữ chức Chủ tịch" in texts["resolution"]
    assert len(elected) == 2 and "Trần Thị Bình" in texts["resolution"] and "Lê Văn Cường" in texts["resolution"]

    # --- the pages say the rulebook's numbers ---------------------------------------------
    dashboard = client.get(f"/congresses/{cid}").get_data(as_text=True)
    assert f"({preset.fraction('quorum')})" in dashboard
    assert f'data-k="quorum_needed">{quorum_needed(summoned, preset)}<' in dashboard
    assert "Phiên chính thức" in dashboard
    shown = client.get(f"/congresses/{cid}/elections/{ceid}/result").get_data(as_text=True)
    assert f"Trúng cử khi được quá {preset.fraction('elect')}" in shown
    assert f"lần này: từ {votes_needed(returned, preset, valid=7)} phiếu trở lên" in shown
    motions = client.get(f"/congresses/{cid}/motions").get_data(as_text=True)
    assert f"nhiều hơn {preset.fraction('motion')}" in motions
    assert f"Chưa đủ {preset.fraction('quorum')} số được triệu tập" in motions
    # the dashboard names the rulebook in force (and links to its page)
    assert f'#rulebook-{code}">{preset.title}</a>' in dashboard

    # The presidium closes the formal session from the run-sheet: the congress's closing time
    # is that session's, and both sessions are told with their closing counts.
    run = client.get(f"/congresses/{cid}/run").get_data(as_text=True)
    assert f"Kết thúc «{s2['name']}»" in run
    resp = client.post(f"/congresses/{cid}/sessions/{s2['id']}/close",
                       data={"csrf_token": csrf_from(run), "next": "run"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/congresses/{cid}/run")
    assert _ok(sec.get(sessions))["sessions"][1]["state"] == "closed"
    minutes = _text(client.get(f"/congresses/{cid}/documents/minutes.pdf"))
    assert "bế mạc vào lúc …… giờ" not in minutes and "(đang họp)" not in minutes


def test_a_failed_confidence_vote_is_told_with_its_counts(api, client, session, congress, roll):
    """A one-name agree/disagree vote that does not pass: the congress minutes still give the
    votes for and against (before, only the elected were told: "Không có người trúng cử.")."""
    preset = PRESETS[congress.preset_code]
    sec, board = api("secretary"), api("board")
    for d in roll:
        _ok(sec.post(f"/api/v1/congresses/{congress.id}/delegates/{d.id}/check-in"))
    eid = _ok(api("organizer").post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu Chủ tịch", "body": "chair", "seats": 1, "ballot_type": "yes_no",
        "candidates": [{"delegate_id": roll[0].id}]}), 201)["id"]
    (a,) = [c["id"] for c in _ok(board.post(f"/api/v1/elections/{eid}/open"))["candidates"]]
    choices = [([a], []), ([a], []), ([], [a]), ([], [a]), ([], [])]
    for d, (kept, against) in zip(roll[1:], choices):
        _ok(client.post(vote_url(link_for(session, d), eid), json={"kept": kept, "against": against}), 201)
    _ok(board.post(f"/api/v1/elections/{eid}/close"))
    assert not passes(2, 5, preset)
    minutes = _text(sec.get(f"/api/v1/congresses/{congress.id}/documents/minutes.pdf"))
    assert ("Không có người trúng cử. Không trúng cử: Nguyễn Văn An (2/5 phiếu đồng ý, "
            f"{format_percent_vi(percent(2, 5))}; 2/5 phiếu không đồng ý, {format_percent_vi(percent(2, 5))}).") \
        in minutes
