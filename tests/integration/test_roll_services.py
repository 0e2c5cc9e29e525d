"""The roll's services on a real database: adding and editing people (names split and
kept apart), duplicates on edit, credentials, an alternate replacing an official delegate,
who is summoned, quorum at its boundaries, and the credentials report's numbers."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from election_app.delegates.models import AttendanceEvent, Delegate
from election_app.delegates.report import credentials_summary
from election_app.delegates.services import (add_delegates, attendance, check_in, decide_credentials,
                                             find_by_code, is_summoned, list_delegates, promote_alternate,
                                             summoned_delegates, undo_check_in, update_delegate)
from election_app.errors import Conflict, NotFound, ValidationFailed


def people(session, congress, *rows):
    made = add_delegates(session, congress=congress, rows=[r if isinstance(r, dict) else {"full_name": r} for r in rows])
    session.commit()
    return made


# --- adding and editing -----------------------------------------------------------------

def test_add_splits_names_numbers_cards_and_refuses_all_when_one_row_is_bad(session, congress):
    a, b = people(session, congress, "Nguyễn Thị Ngọc Ánh", {"full_name": "Lê Bình", "birth_year": 1980})
    assert (a.ho, a.ten_dem, a.ten, a.code) == ("Nguyễn", "Thị Ngọc", "Ánh", "001")
    assert (b.ho, b.ten_dem, b.ten, b.code) == ("Lê", "", "Bình", "002")
    with pytest.raises(ValidationFailed) as err:
        add_delegates(session, congress=congress, rows=[{"full_name": "Trần Văn Cường"}, {"full_name": ""},
                                                         {"full_name": "Phạm Dũng", "gender": "x"}])
    session.rollback()
    assert [(p["row"], p["field"]) for p in err.value.details] == [(2, "full_name"), (3, "gender")]
    assert len(list_delegates(session, congress.id)) == 2


def test_empty_or_malformed_batches(session, congress):
    with pytest.raises(ValidationFailed) as err:
        add_delegates(session, congress=congress, rows=[])
    assert err.value.details[0]["field"] == "delegates"
    with pytest.raises(ValidationFailed) as err:
        add_delegates(session, congress=congress, rows=["Nguyễn Văn An", {"full_name": "Lê Bình"}])
    assert err.value.details == [{"row": 1, "field": "", "message": "Dòng không đúng định dạng."}]


def test_edit_full_name_splits_again(session, congress):
    (d,) = people(session, congress, {"full_name": "Nguyễn Văn An", "birth_year": 1980})
    update_delegate(session, delegate=d, data={"full_name": "  Trần   Thị Thu  Hà "})
    assert (d.full_name, d.ho, d.ten_dem, d.ten, d.birth_year) == ("Trần Thị Thu Hà", "Trần", "Thị Thu", "Hà", 1980)


def test_edit_name_parts_for_a_double_family_name(session, congress):
    (d,) = people(session, congress, "Tôn Thất Thuyết")
    assert (d.ho, d.ten_dem, d.ten) == ("Tôn", "Thất", "Thuyết")
    update_delegate(session, delegate=d, data={"full_name": "Tôn Thất Thuyết", "ho": "Tôn Thất", "ten_dem": "",
                                               "ten": "Thuyết"})
    assert (d.full_name, d.ho, d.ten_dem, d.ten) == ("Tôn Thất Thuyết", "Tôn Thất", "", "Thuyết")
    # Saving again with unchanged values keeps that split (not re-split from the full name).
    update_delegate(session, delegate=d, data={"full_name": "Tôn Thất Thuyết", "unit": "Tổ 1"})
    assert (d.ho, d.ten_dem, d.unit) == ("Tôn Thất", "", "Tổ 1")
    # Parts changed with the full name unchanged: the full name follows the parts.
    update_delegate(session, delegate=d, data={"full_name": "Tôn Thất Thuyết", "ho": "Tôn Thất", "ten_dem": "",
                                               "ten": "Thiệp"})
    assert d.full_name == "Tôn Thất Thiệp"
    # Full name changed, stale parts sent along by the form: split the new name.
    update_delegate(session, delegate=d, data={"full_name": "Lê Văn Hưu", "ho": "Tôn Thất", "ten_dem": "",
                                               "ten": "Thiệp"})
    assert (d.full_name, d.ho, d.ten_dem, d.ten) == ("Lê Văn Hưu", "Lê", "Văn", "Hưu")


def test_edit_both_changed_must_agree(session, congress):
    (d,) = people(session, congress, "Tôn Thất Thuyết")
    with pytest.raises(ValidationFailed) as err:
        update_delegate(session, delegate=d, data={"full_name": "Lê Văn Hưu", "ho": "Lê", "ten_dem": "",
                                                   "ten": "Hưu"})
    assert "không khớp" in err.value.details[0]["message"]
    session.rollback()
    update_delegate(session, delegate=d, data={"full_name": "Âu Dương Phong", "ho": "Âu Dương", "ten_dem": "",
                                               "ten": "Phong"})
    assert (d.ho, d.ten_dem, d.ten) == ("Âu Dương", "", "Phong")


def test_edit_that_makes_a_duplicate_is_refused(session, congress):
    a, b, c = people(session, congress, {"full_name": "Nguyễn Thị Hòa", "birth_year": 1985},
                     {"full_name": "Lê Thị Thủy", "birth_year": 1990}, {"full_name": "Trần Văn Cường", "birth_year": 1979})
    with pytest.raises(ValidationFailed) as err:
        update_delegate(session, delegate=c, data={"full_name": "Nguyễn Thị Hoà", "birth_year": 1985})
    session.rollback()
    assert "Trùng với người đã có trong danh sách: Nguyễn Thị Hòa (1985), số thẻ 001" in err.value.details[0]["message"]
    with pytest.raises(ValidationFailed):
        update_delegate(session, delegate=c, data={"full_name": "LÊ THỊ THUỶ", "birth_year": None})
    session.rollback()
    # A different birth year is a different person; and a person is never their own duplicate.
    update_delegate(session, delegate=c, data={"full_name": "Nguyễn Thị Hoà", "birth_year": 1986})
    update_delegate(session, delegate=a, data={"full_name": "Nguyễn Thị Hoà", "position": "Tổ trưởng"})
    session.commit()
    assert a.full_name == "Nguyễn Thị Hoà" and a.position == "Tổ trưởng"


def test_search_and_card_numbers(session, congress):
    people(session, congress, "Nguyễn Thị Hòa", "Trần Văn Đức", {"full_name": "Lê Thị Hoa", "unit": "Tổ Văn phòng"})
    names = lambda q: [d.full_name for d in list_delegates(session, congress.id, query=q)]  # noqa: E731
    assert names("Hoà") == ["Nguyễn Thị Hòa"]            # tone placement does not matter
    assert names("hoa") == ["Lê Thị Hoa", "Nguyễn Thị Hòa"]  # typed without accents: every spelling
    assert names("duc") == ["Trần Văn Đức"]
    assert names("2") == ["Trần Văn Đức"] and names("002") == ["Trần Văn Đức"]
    assert names("văn phòng") == ["Lê Thị Hoa"]
    assert find_by_code(session, congress.id, "3").full_name == "Lê Thị Hoa"
    assert find_by_code(session, congress.id, "0003").full_name == "Lê Thị Hoa"
    with pytest.raises(NotFound):
        find_by_code(session, congress.id, "99")


# --- credentials ------------------------------------------------------------------------

def test_rejecting_credentials_needs_a_reason(session, roll):
    d = roll[0]
    with pytest.raises(ValidationFailed) as err:
        decide_credentials(session, delegate=d, status="rejected", reason="   ")
    assert err.value.details[0]["field"] == "reason"
    with pytest.raises(ValidationFailed):
        decide_credentials(session, delegate=d, status="maybe")
    session.rollback()
    decide_credentials(session, delegate=d, status="rejected", reason="Đang bị kỷ luật khiển trách")
    assert (d.credential_status, d.credential_reason) == ("rejected", "Đang bị kỷ luật khiển trách")
    assert not is_summoned(d)
    decide_credentials(session, delegate=d, status="accepted", reason="ignored")
    assert (d.credential_status, d.credential_reason) == ("accepted", "")
    events = session.scalars(select(AttendanceEvent.action).where(AttendanceEvent.delegate_id == d.id)).all()
    assert events.count("credential") >= 3


# --- alternates -------------------------------------------------------------------------

@pytest.fixture
def with_alternates(session, congress, roll):
    alt1, alt2, guest = people(session, congress, {"full_name": "Mai Văn Dự", "category": "alternate"},
                               {"full_name": "Cao Thị Khuyết", "category": "alternate"},
                               {"full_name": "Khổng Văn Khách", "category": "guest"})
    return roll, alt1, alt2, guest


def test_promotion_rules(session, congress, with_alternates):
    roll, alt1, alt2, guest = with_alternates
    official = roll[0]
    assert attendance(session, congress)["summoned"] == 9
    with pytest.raises(ValidationFailed):
        promote_alternate(session, alternate=alt1, replaces=official, reason="")
    with pytest.raises(Conflict):          # only an alternate
        promote_alternate(session, alternate=roll[1], replaces=official, reason="Ốm")
    with pytest.raises(Conflict):          # only someone who can be replaced
        promote_alternate(session, alternate=alt1, replaces=guest, reason="Ốm")
    session.rollback()
    promote_alternate(session, alternate=alt1, replaces=official, reason="Ốm, nằm viện")
    session.commit()
    assert official.is_replaced and not is_summoned(official)
    assert is_summoned(alt1) and alt1.replaces_delegate_id == official.id
    assert "Mai Văn Dự" in official.absence_reason
    assert attendance(session, congress)["summoned"] == 9        # one out, one in
    assert official not in summoned_delegates(session, congress.id)
    assert alt1 in summoned_delegates(session, congress.id)
    with pytest.raises(Conflict):          # an alternate is promoted once
        promote_alternate(session, alternate=alt1, replaces=roll[2], reason="Bận")
    with pytest.raises(Conflict):          # a replaced delegate is not replaced twice
        promote_alternate(session, alternate=alt2, replaces=official, reason="Bận")
    session.rollback()


def test_a_delegate_present_cannot_be_replaced_nor_by_a_rejected_alternate(session, congress, with_alternates):
    roll, alt1, alt2, _ = with_alternates
    check_in(session, delegate=roll[0])
    with pytest.raises(Conflict):
        promote_alternate(session, alternate=alt1, replaces=roll[0], reason="Ốm")
    session.rollback()
    decide_credentials(session, delegate=alt2, status="rejected", reason="Không đủ điều kiện")
    with pytest.raises(Conflict):
        promote_alternate(session, alternate=alt2, replaces=roll[1], reason="Ốm")
    session.rollback()


def test_summoned_excludes_guests_unpromoted_alternates_rejected_and_replaced(session, congress, with_alternates):
    roll, alt1, alt2, guest = with_alternates
    decide_credentials(session, delegate=roll[8], status="rejected", reason="Bị truy tố")
    promote_alternate(session, alternate=alt1, replaces=roll[7], reason="Ốm")
    session.commit()
    summoned = {d.full_name for d in summoned_delegates(session, congress.id)}
    assert "Khổng Văn Khách" not in summoned and "Cao Thị Khuyết" not in summoned
    assert roll[8].full_name not in summoned and roll[7].full_name not in summoned
    assert "Mai Văn Dự" in summoned
    assert len(summoned) == 8
    everyone = session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)).all()
    assert {d.full_name for d in everyone if is_summoned(d)} == summoned   # the two definitions agree
    # Guests, alternates and the rejected may come in; they never count as present.
    for d in (guest, alt2, roll[8]):
        assert check_in(session, delegate=d).warning
    session.commit()
    att = attendance(session, congress)
    assert (att["summoned"], att["present"], att["absent"]) == (8, 0, 8)


# --- quorum at its boundaries (3 × present ≥ 2 × summoned) ---------------------------------

@pytest.mark.parametrize(("summoned", "present", "met", "needed"), [
    (3, 1, False, 2), (3, 2, True, 2), (8, 5, False, 6), (8, 6, True, 6), (9, 5, False, 6), (9, 6, True, 6),
    (1, 0, False, 1), (1, 1, True, 1), (0, 0, False, 0), (10, 7, True, 7), (10, 6, False, 7),
])
def test_quorum_boundaries_through_attendance(session, congress, summoned, present, met, needed):
    made = people(session, congress, *[f"Nguyễn Văn Số{chr(65 + i)}" for i in range(summoned)],
                  {"full_name": "Khổng Văn Khách", "category": "guest"}) if summoned else \
        people(session, congress, {"full_name": "Khổng Văn Khách", "category": "guest"})
    for d in made[:present]:
        check_in(session, delegate=d)
    check_in(session, delegate=made[-1])  # the guest: present in the hall, never counted
    session.commit()
    att = attendance(session, congress)
    assert att == {"summoned": summoned, "present": present, "absent": summoned - present,
                   "quorum_met": met, "quorum_needed": needed, "quorum_fraction": "2/3"}


def test_quorum_follows_undo(session, congress):
    made = people(session, congress, "Lê Văn A", "Lê Văn B", "Lê Văn C")
    for d in made[:2]:
        check_in(session, delegate=d)
    assert attendance(session, congress)["quorum_met"] is True
    undo_check_in(session, delegate=made[1])
    assert attendance(session, congress)["quorum_met"] is False
    with pytest.raises(Conflict):
        undo_check_in(session, delegate=made[1])


# --- credentials report data ----------------------------------------------------------------

def test_credentials_summary_counts(session, congress):
    made = people(session, congress,
                  {"full_name": "Nguyễn Thị Hoa", "gender": "nữ", "birth_year": 1966, "is_party_member": True},
                  {"full_name": "Trần Văn Bình", "gender": "nam", "birth_year": 1990, "category": "ex_officio",
                   "ethnicity": "Tày"},
                  {"full_name": "Lê Thị Cúc", "gender": "nữ", "birth_year": 1980, "category": "appointed"},
                  {"full_name": "Phạm Văn Dũng", "gender": "nam", "birth_year": 1975},
                  {"full_name": "Mai Thị Dự", "gender": "nữ", "birth_year": 1995, "category": "alternate"},
                  {"full_name": "Khổng Văn Khách", "category": "guest"})
    decide_credentials(session, delegate=made[3], status="rejected", reason="Bị kỷ luật")
    check_in(session, delegate=made[0])
    check_in(session, delegate=made[1])
    made[2].absence_reason = "Đi công tác"
    session.commit()
    s = credentials_summary(session, congress)
    assert (s["summoned"], s["present"], s["absent"]) == (3, 2, 1)
    assert s["present_percent"] == Decimal("66.67")
    assert s["absent_list"] == [{"full_name": "Lê Thị Cúc", "code": "003", "reason": "Đi công tác"}]
    assert s["women"] == {"count": 2, "percent": Decimal("66.67")}
    assert s["party_members"]["count"] == 1 and s["ethnic_minorities"]["count"] == 1
    cats = {c["code"]: (c["count"], c["percent"], c["present"]) for c in s["by_category"]}
    assert cats["official"] == (1, Decimal("33.33"), 1) and cats["ex_officio"] == (1, Decimal("33.33"), 1)
    assert cats["appointed"] == (1, Decimal("33.33"), 0)
    assert s["age"]["oldest"] == 60 and s["age"]["youngest"] == 36      # congress year 2026
    assert s["age"]["average"] == Decimal("47.3")              # (60 + 36 + 46) / 3
    assert s["rejected"] == [{"full_name": "Phạm Văn Dũng", "code": "004", "reason": "Bị kỷ luật"}]
    assert s["guests"] == ["Khổng Văn Khách"]
    assert s["pending"] == 3
