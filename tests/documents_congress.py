"""A congress built as an organizer would (issue 12): 65 on the roll, two rejected
credentials, a promoted alternate, guests (one who never came), the standard agenda with
notes, a 9-seat BCH election with a withdrawal, a tie and a second round, a one-candidate
chair, upper-congress delegates and their alternates. Every vote and election is created
while its agenda item is on the floor, as on the day. Shared by the documents tests."""
from __future__ import annotations

import datetime as dt

from election_app.agenda.services import create_agenda_from_template, list_items, set_current_item
from election_app.congress.services import create_congress, set_officials
from election_app.delegates.services import add_delegates, check_in, decide_credentials, promote_alternate
from election_app.elections import services as el
from election_app.motions.services import create_motion, ensure_standard_motions, list_motions, record_motion_result

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Phan",
      "Hồ", "Tạ", "Hà", "Trịnh", "Đinh", "Lương", "Mai"]
DEM_NAM = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thành", "Công"]
DEM_NU = ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Phương", "Thị Thu", "Thị Ngọc"]
TEN_NAM = ["An", "Bảo", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hùng", "Khang", "Lâm", "Long", "Nam",
           "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Vinh"]
TEN_NU = ["Anh", "Bình", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Liên", "Mai", "Ngọc",
          "Nhung", "Oanh", "Phượng", "Quỳnh", "Thảo", "Trang", "Vân", "Yến"]
UNITS = ["Trường Tiểu học Đoàn Thị Điểm", "Trường THCS Ngô Gia Tự", "Trường Mầm non Hoa Sen",
         "Trường Tiểu học Lê Văn Tám", "Trường THCS Tây Sơn", "Trường Mầm non Vĩnh Tuy",
         "Trường Tiểu học Bạch Mai", "Trường THCS Lê Quý Đôn"]
POSITIONS = ["Chủ tịch Công đoàn cơ sở", "Giáo viên", "Phó Hiệu trưởng", "Tổ trưởng chuyên môn",
             "Kế toán", "Hiệu trưởng"]


def people(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        female = i % 3 != 0
        ho = HO[i % len(HO)]
        dem = (DEM_NU if female else DEM_NAM)[(i // 2) % 8]
        ten = (TEN_NU if female else TEN_NAM)[(i * 7) % 20]
        rows.append({"full_name": f"{ho} {dem} {ten}", "gender": "nữ" if female else "nam",
                     "birth_year": 1966 + (i * 5) % 32, "unit": UNITS[i % len(UNITS)],
                     "position": POSITIONS[i % len(POSITIONS)], "is_party_member": i % 2 == 0,
                     "ethnicity": "Tày" if i % 17 == 5 else "Kinh"})
    seen = set()
    for r in rows:  # keep names unique (the roll refuses duplicates)
        while r["full_name"] in seen:
            r["full_name"] += " Anh"
        seen.add(r["full_name"])
    return rows


def _ballots(votes: list[int], n_valid: int, seats: int) -> list[list[int]]:
    """Kept lists for ``n_valid`` ballots giving candidate i exactly votes[i], no ballot
    keeping more than ``seats`` names."""
    ballots: list[list[int]] = [[] for _ in range(n_valid)]
    for i, v in sorted(enumerate(votes), key=lambda x: -x[1]):
        order = sorted(range(n_valid), key=lambda b: (len(ballots[b]), b))
        for b in order[:v]:
            ballots[b].append(i)
    assert all(len(b) <= seats for b in ballots)
    return ballots


def vote(session, election, votes: list[int], *, valid: int, spoiled: list[str] = (), seats=None):
    el.open_round(session, election=election)
    r = el.current_round(session, election)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    kept = _ballots(votes, valid, seats or r.seats)
    entries = [{"kept": [ids[i] for i in k]} for k in kept] + [{"spoiled": s} for s in spoiled]
    return r, ids, entries


def cast(session, election, entries, issued: int):
    el.record_paper_ballots(session, election=election, ballots=entries, issued=issued)
    el.close_round(session, election=election)


def build(session, *, board_names: bool = True, base_date: str = "2027-01-05") -> dict:
    c = create_congress(session, data={
        "name": "Đại hội Công đoàn Giáo dục quận Hai Bà Trưng lần thứ IX",
        "organization": "Công đoàn Giáo dục quận Hai Bà Trưng",
        "parent_organization": "Liên đoàn Lao động quận Hai Bà Trưng",
        "term": "2023–2028", "kind": "delegates", "date": base_date,
        "place": "Hai Bà Trưng", "venue": "Hội trường Trường THCS Ngô Gia Tự, số 2 phố Hồng Mai"})
    c.ordinal = "IX"
    c.chair_mode = "direct"
    rows = people(65)
    cats = (["official"] * 51 + ["ex_officio"] * 5 + ["appointed"] * 2 + ["alternate"] * 3 + ["guest"] * 4)
    guest_info = [("Chủ tịch", "Liên đoàn Lao động quận Hai Bà Trưng"),
                  ("Phó Trưởng phòng", "Phòng Giáo dục và Đào tạo quận Hai Bà Trưng"),
                  ("Phó Chủ tịch", "Công đoàn Giáo dục thành phố Hà Nội"),
                  ("Ủy viên Ban Thường vụ", "Quận ủy Hai Bà Trưng")]
    for i, (r, cat) in enumerate(zip(rows, cats)):
        r["category"] = cat
        if cat == "guest":
            r["position"], r["unit"] = guest_info[i - 61]
    made = add_delegates(session, congress=c, rows=rows)
    by_cat = {k: [d for d in made if d.category == k] for k in set(cats)}
    officials_ = by_cat["official"]
    rejected = officials_[49:51]
    for d in made:
        if d in rejected:
            decide_credentials(session, delegate=d, status="rejected",
                               reason="Đang trong thời gian thi hành kỷ luật khiển trách")
        elif d.category != "guest":
            decide_credentials(session, delegate=d, status="accepted")
    replaced = officials_[48]
    promoted = by_cat["alternate"][0]
    promote_alternate(session, alternate=promoted, replaces=replaced,
                      reason="Đồng chí được thay thế đi công tác nước ngoài theo quyết định của Sở")
    absent = officials_[44:48]
    reasons = ["Ốm, có đơn xin vắng", "Đi công tác theo quyết định của Phòng Giáo dục", "Nghỉ chế độ thai sản"]
    for d, reason in zip(absent, reasons):  # the fourth absent one has no reason yet
        d.absence_reason = reason
    summoned = [d for d in made if d.category in ("official", "ex_officio", "appointed")
                and d not in rejected and d is not replaced] + [promoted]
    present = [d for d in summoned if d not in absent]
    for d in present:
        check_in(session, delegate=d)
    for g in by_cat["guest"][:3]:  # the fourth guest never came
        check_in(session, delegate=g)
    n = len(present)
    set_officials(session, congress=c, role="presidium",
                  names=[f"{officials_[0].full_name} - Chủ tịch Công đoàn Giáo dục quận",
                         f"{officials_[1].full_name} - Phó Chủ tịch", f"{officials_[2].full_name} - Ủy viên"])
    set_officials(session, congress=c, role="secretariat",
                  names=[f"{officials_[3].full_name} - Trưởng đoàn", f"{officials_[4].full_name} - Ủy viên"])
    set_officials(session, congress=c, role="credentials_committee",
                  names=[f"{officials_[5].full_name} - Trưởng ban", f"{officials_[6].full_name} - Ủy viên",
                         f"{officials_[7].full_name} - Ủy viên"])
    if board_names:
        set_officials(session, congress=c, role="board",
                      names=[f"{officials_[8].full_name} - Trưởng ban", f"{officials_[9].full_name} - Ủy viên",
                             f"{officials_[10].full_name} - Ủy viên", f"{officials_[11].full_name} - Ủy viên",
                             f"{officials_[12].full_name} - Ủy viên"])
    ensure_standard_motions(session, congress=c)
    items = create_agenda_from_template(session, congress=c)
    code = {i.code: i for i in items}
    motions = {m.kind: m for m in list_motions(session, c.id)}
    for i in items:
        if i.code == "introduction":
            i.notes = ("Đồng chí Trưởng ban Tổ chức tuyên bố lý do, giới thiệu đại biểu khách mời.\n"
                       "Đại hội nhiệt liệt chào mừng các đồng chí đại biểu khách mời.")
        if i.code == "discussion":
            i.notes = "\n".join(f"Đồng chí {present[k].full_name} ({present[k].unit}) tham luận về "
                                "công tác chăm lo đời sống đoàn viên và phong trào thi đua dạy tốt, học tốt."
                                for k in range(20, 26))
        if i.code == "opening_speech":
            i.presenter = f"Đồng chí {officials_[0].full_name}"
    cands = [present[k] for k in (13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)]
    bch = chair = upper = alternates = None
    for item in items:
        set_current_item(session, congress=c, item=item)
        if item.motion_id and item.motion_id in {m.id for m in motions.values()}:
            m = next(m for m in motions.values() if m.id == item.motion_id)
            record_motion_result(session, motion=m, agree=n - 1, disagree=1, other=0)
        if item.code == "candidate_list":
            bch, _ = el.create_election(session, congress=c, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                        body="executive_committee", seats=9,
                                        candidates=[{"delegate_id": d.id} for d in cands])
            w = create_motion(session, congress=c, title=f"Biểu quyết cho đồng chí {cands[-1].full_name} "
                                                         "rút tên khỏi danh sách bầu cử")
            record_motion_result(session, motion=w, agree=n, disagree=0, other=0)
            last = next(x for x in el.list_candidates(session, bch) if x.delegate_id == cands[-1].id)
            el.withdraw_candidate(session, election=bch, candidate=last, reason="Lý do sức khỏe")
        if item.code == "bch_vote":
            # 52 issued, 51 returned, one without the seal: a tie at the 9th seat
            _, ids, entries = vote(session, bch, [48, 47, 46, 45, 44, 43, 42, 41, 30, 30, 12],
                                   valid=n - 2, spoiled=["no_seal"])
            cast(session, bch, entries, issued=n)
        if item.code == "bch_result":
            m2 = create_motion(session, congress=c, title="Biểu quyết bầu lần thứ hai đối với hai đồng chí "
                                                          "có số phiếu bằng nhau")
            record_motion_result(session, motion=m2, agree=n, disagree=0, other=0)
            r1 = el.current_round(session, bch)
            tied = [c_.id for rc, c_ in el.round_candidates(session, r1) if rc.is_tied]
            el.create_further_round(session, election=bch, candidate_ids=tied, seats=1)
            _, ids, entries = vote(session, bch, [30, 22], valid=n, seats=1)
            cast(session, bch, entries, issued=n)
        if item.code == "chair_vote":
            chair, _ = el.create_election(session, congress=c, title="Bầu Chủ tịch Công đoàn Giáo dục quận",
                                          body="chair", seats=1, candidates=[{"delegate_id": cands[0].id}])
            _, ids, entries = vote(session, chair, [49], valid=n, seats=1)
            cast(session, chair, entries, issued=n)
        if item.code == "upper_delegates":
            upper, _ = el.create_election(
                session, congress=c, title="Bầu đại biểu đi dự Đại hội Công đoàn thành phố Hà Nội",
                body="upper_delegates", seats=3, candidates=[{"delegate_id": present[k].id} for k in (30, 31, 32, 33, 34)])
            _, ids, entries = vote(session, upper, [45, 43, 40, 16, 8], valid=n, seats=3)
            cast(session, upper, entries, issued=n)
            alternates, _ = el.create_election(
                session, congress=c, title="Bầu đại biểu dự khuyết đi dự Đại hội Công đoàn thành phố Hà Nội",
                body="upper_alternates", seats=1, follows_election_id=upper.id,
                candidates=[{"delegate_id": present[k].id} for k in (35, 36)])
            _, ids, entries = vote(session, alternates, [35, 17], valid=n, seats=1)
            cast(session, alternates, entries, issued=n)
    session.flush()
    session.commit()
    return {"congress": c, "made": made, "present": present, "summoned": summoned, "absent": absent,
            "rejected": rejected, "promoted": promoted, "replaced": replaced, "guests": by_cat["guest"],
            "bch": bch, "chair": chair, "upper": upper, "alternates": alternates, "items": items,
            "officials": officials_}
