"""Agenda services: the standard programme, editing, the item on the floor, notes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from election_app.agenda import services
from election_app.agenda.models import AgendaItem
from election_app.congress.services import create_congress, update_congress
from election_app.errors import Conflict, NotFound, ValidationFailed
from election_app.motions.models import Motion


def _titles(session, congress):
    return [i.title for i in services.list_items(session, congress.id)]


@pytest.mark.parametrize("kind, chair_mode", [("delegates", "by_bch"), ("delegates", "direct"),
                                              ("all_members", "by_bch"), ("all_members", "direct")])
def test_template_for_each_kind_and_chair_mode(session, kind, chair_mode):
    congress = create_congress(session, data={"name": "Đại hội thử", "organization": "CĐCS thử",
                                              "term": "2023–2028", "kind": kind, "chair_mode": chair_mode})
    items = services.create_agenda_from_template(session, congress=congress, start="08:00")
    session.commit()
    titles = [i.title for i in items]
    has_committee = "Bầu Ban Thẩm tra tư cách đại biểu" in titles
    has_members_report = any(t.startswith("Báo cáo số lượng và tư cách đoàn viên") for t in titles)
    has_credentials_report = any(t.startswith("Báo cáo thẩm tra tư cách đại biểu") for t in titles)
    assert has_committee == has_credentials_report == (kind == "delegates")
    assert has_members_report == (kind == "all_members")
    assert ("Bầu Chủ tịch Công đoàn cơ sở" in titles) == (chair_mode == "direct")
    # planned times run on from the start, positions are 0..n-1, nothing is on the floor
    assert items[0].planned_time == "08:00"
    assert items[1].planned_time == "08:05"
    assert [i.position for i in items] == list(range(len(items)))
    assert all(i.status == "pending" for i in items)
    assert congress.current_agenda_item_id is None
    # every motion item is linked to the standard motion of the same code
    motions = {m.id: m for m in session.scalars(select(Motion).where(Motion.congress_id == congress.id))}
    motion_items = [i for i in items if i.kind == "motion"]
    assert motion_items and all(i.motion_id in motions for i in motion_items)
    presidium = next(i for i in items if i.code == "presidium")
    assert motions[presidium.motion_id].kind == "presidium"


def test_template_refuses_when_an_agenda_exists_unless_replace(session, congress):
    first = services.create_agenda_from_template(session, congress=congress)
    session.commit()
    services.save_notes(session, item=first[0], notes="ghi chép cũ")
    session.commit()
    with pytest.raises(Conflict):
        services.create_agenda_from_template(session, congress=congress)
    session.rollback()
    assert len(_titles(session, congress)) == len(first)
    again = services.create_agenda_from_template(session, congress=congress, replace=True)
    session.commit()
    assert len(again) == len(first)
    assert all(i.notes == "" for i in services.list_items(session, congress.id))
    # the standard motions were not duplicated
    kinds = list(session.scalars(select(Motion.kind).where(Motion.congress_id == congress.id)))
    assert len(kinds) == len(set(kinds))


def test_template_bad_start_time_is_refused(session, congress):
    with pytest.raises(ValidationFailed):
        services.create_agenda_from_template(session, congress=congress, start="25:99")
    session.rollback()
    assert services.list_items(session, congress.id) == []


def test_template_links_existing_elections_by_body(session, congress, roll):
    from election_app.elections.services import create_election
    update_congress(session, congress=congress, data={"chair_mode": "direct"})
    bch, _ = create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                          seats=2, candidates=[{"delegate_id": d.id} for d in roll[:3]])
    services.create_agenda_from_template(session, congress=congress)
    session.commit()
    by_code = {i.code: i for i in services.list_items(session, congress.id)}
    assert by_code["bch_vote"].election_id == bch.id
    assert by_code["bch_result"].election_id == bch.id
    assert by_code["chair_vote"].election_id is None
    # an election created later is linked by the "link again" action
    chair, _ = create_election(session, congress=congress, title="Bầu Chủ tịch", body="chair", seats=1,
                            candidates=[{"delegate_id": roll[0].id}])
    assert services.link_standard_items(session, congress=congress) == 1
    session.commit()
    assert by_code["chair_vote"].election_id == chair.id


def test_add_edit_move_delete(session, congress):
    services.create_agenda_from_template(session, congress=congress)
    session.commit()
    items = services.list_items(session, congress.id)
    new = services.add_item(session, congress=congress, after=items[1],
                            data={"title": "Văn nghệ chào mừng", "section": "A", "planned_time": "7.40",
                                  "duration_min": "10", "presenter": "Đội văn nghệ"})
    session.commit()
    titles = _titles(session, congress)
    assert titles[2] == "Văn nghệ chào mừng"
    assert new.planned_time == "07:40" and new.duration_min == 10
    services.update_item(session, item=new, data={"title": "Văn nghệ", "planned_time": "07:45",
                                                  "presenter": "Tổ 2"})
    session.commit()
    assert _titles(session, congress)[2] == "Văn nghệ"
    services.move_item(session, item=new, direction="up")
    session.commit()
    assert _titles(session, congress)[1] == "Văn nghệ"
    services.move_item(session, item=new, direction="down")
    services.move_item(session, item=new, direction="down")
    session.commit()
    assert _titles(session, congress)[3] == "Văn nghệ"
    first = services.list_items(session, congress.id)[0]
    services.move_item(session, item=first, direction="up")   # at the top: nothing moves
    session.commit()
    assert services.list_items(session, congress.id)[0].id == first.id
    services.delete_item(session, item=new)
    session.commit()
    assert "Văn nghệ" not in _titles(session, congress)
    positions = [i.position for i in services.list_items(session, congress.id)]
    assert positions == list(range(len(positions)))


@pytest.mark.parametrize("data, field", [
    ({"title": ""}, "title"), ({"title": "x" * 401}, "title"), ({"planned_time": "7h75"}, "planned_time"),
    ({"duration_min": "-5"}, "duration_min"), ({"duration_min": "nửa giờ"}, "duration_min"),
    ({"section": "E"}, "section"), ({"kind": "party"}, "kind"), ({"motion_id": 999999}, "motion_id"),
    ({"election_id": 999999}, "election_id"),
])
def test_bad_item_input_is_refused_and_nothing_changes(session, congress, data, field):
    item = services.add_item(session, congress=congress, data={"title": "Mục thử"})
    session.commit()
    with pytest.raises(ValidationFailed) as err:
        services.update_item(session, item=item, data=data)
    assert any(d["field"] == field for d in err.value.details)
    session.rollback()
    assert session.get(AgendaItem, item.id).title == "Mục thử"


def test_motion_of_another_congress_cannot_be_linked(session, congress):
    other = create_congress(session, data={"name": "Khác", "organization": "Khác", "term": "2023–2028",
                                           "kind": "all_members"})
    from election_app.motions.services import create_motion
    foreign = create_motion(session, congress=other, title="Biểu quyết khác")
    item = services.add_item(session, congress=congress, data={"title": "Mục"})
    with pytest.raises(ValidationFailed):
        services.update_item(session, item=item, data={"motion_id": foreign.id})


def test_current_next_and_advance(session, congress):
    services.create_agenda_from_template(session, congress=congress)
    session.commit()
    items = services.list_items(session, congress.id)
    assert services.current_item(session, congress) is None
    assert services.next_item(session, congress=congress).id == items[0].id
    services.advance_item(session, congress=congress)
    session.commit()
    assert congress.current_agenda_item_id == items[0].id
    assert items[0].status == "current" and items[0].started_at is not None
    second = services.advance_item(session, congress=congress, expected_current_id=items[0].id)
    session.commit()
    assert second.id == items[1].id
    assert items[0].status == "done" and items[0].ended_at is not None
    assert items[1].status == "current"
    # jumping ahead leaves the skipped items pending; the one on the floor is done
    services.set_current_item(session, congress=congress, item=items[5])
    session.commit()
    assert [i.status for i in items[:6]] == ["done", "done", "pending", "pending", "pending", "current"]
    assert services.next_item(session, congress=congress).id == items[6].id
    # going back to a done item makes it current again and keeps when it first started
    started = items[0].started_at
    services.set_current_item(session, congress=congress, item=items[0])
    session.commit()
    assert items[0].status == "current" and items[0].started_at == started and items[0].ended_at is None
    assert items[5].status == "done"
    assert sum(1 for i in services.list_items(session, congress.id) if i.status == "current") == 1


def test_advance_refuses_when_another_screen_moved_on(session, congress):
    services.create_agenda_from_template(session, congress=congress)
    items = services.list_items(session, congress.id)
    services.set_current_item(session, congress=congress, item=items[2])
    session.commit()
    with pytest.raises(Conflict):
        services.advance_item(session, congress=congress, expected_current_id=items[1].id)
    session.rollback()
    assert congress.current_agenda_item_id == items[2].id


def test_advance_past_the_last_item_ends_the_programme(session, congress):
    a = services.add_item(session, congress=congress, data={"title": "Một"})
    b = services.add_item(session, congress=congress, data={"title": "Hai"})
    services.set_current_item(session, congress=congress, item=b)
    assert services.next_item(session, congress=congress) is None
    assert services.advance_item(session, congress=congress) is None
    session.commit()
    assert b.status == "done" and congress.current_agenda_item_id is None
    assert a.status == "pending"


def test_item_of_another_congress_cannot_be_set_current(session, congress):
    other = create_congress(session, data={"name": "Khác", "organization": "Khác", "term": "2023–2028",
                                           "kind": "all_members"})
    item = services.add_item(session, congress=other, data={"title": "Mục của đại hội khác"})
    with pytest.raises(NotFound):
        services.set_current_item(session, congress=congress, item=item)
    with pytest.raises(NotFound):
        services.get_item(session, congress.id, item.id)


def test_deleting_the_current_item_clears_the_floor(session, congress):
    item = services.add_item(session, congress=congress, data={"title": "Mục"})
    services.set_current_item(session, congress=congress, item=item)
    services.delete_item(session, item=item)
    session.commit()
    assert congress.current_agenda_item_id is None


def test_notes_saved_with_who_and_when_and_kept_on_delete(session, congress):
    from tests.conftest import make_user
    user = make_user("secretary")
    item = services.add_item(session, congress=congress, data={"title": "Thảo luận, tham luận"})
    services.save_notes(session, item=item, notes="Đồng chí Hà phát biểu.\r\nĐại hội nhất trí.\x00",
                        user_id=user.id)
    session.commit()
    assert item.notes == "Đồng chí Hà phát biểu.\nĐại hội nhất trí."
    assert item.notes_updated_by == user.id and item.notes_updated_at is not None
    # an item with notes cannot be deleted by mistake
    with pytest.raises(Conflict):
        services.delete_item(session, item=item)
    session.rollback()
    assert services.notes_in_order(session, congress.id)[0]["notes"].startswith("Đồng chí Hà")
    with pytest.raises(ValidationFailed):
        services.save_notes(session, item=item, notes="x" * (services.NOTES_MAX + 1))


def test_phone_agenda_is_plain_data(session, congress):
    services.create_agenda_from_template(session, congress=congress)
    items = services.list_items(session, congress.id)
    services.set_current_item(session, congress=congress, item=items[1])
    session.commit()
    data = services.phone_agenda(session, congress, secret_key="k" * 32)
    assert data["current"]["title"] == items[1].title
    assert len(data["items"]) == len(items)
    assert set(data["items"][0]) == {"title", "section", "status", "planned_time"}
    assert [i["status"] for i in data["items"][:3]] == ["pending", "current", "pending"]
    assert data["files"] == []
    import json
    json.dumps(data)  # plain data only


def test_demo_congress_gets_a_linked_programme(session):
    from election_app.demo import DEMO_NAME, seed_demo
    from election_app.congress.models import Congress
    seed_demo(session)
    session.commit()
    congress = session.scalar(select(Congress).where(Congress.name == DEMO_NAME))
    items = services.list_items(session, congress.id)
    titles = [i.title for i in items]
    assert any(t.startswith("Báo cáo số lượng và tư cách đoàn viên") for t in titles)  # all members
    assert "Bầu Ban Thẩm tra tư cách đại biểu" not in titles
    assert all(i.motion_id for i in items if i.kind == "motion")
    assert next(i for i in items if i.code == "bch_vote").election_id is not None
    services.seed_demo_agenda(session, congress)   # idempotent
    assert services.count_items(session, congress.id) == len(items)
