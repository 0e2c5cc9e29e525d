"""Appointment items (issue 16.5): an agenda item "công bố quyết định chỉ định" records the
upper union's decision (number, date, issuer) and the people it appoints to a body; that
body's composition is printed in the minutes, the resolution and the dossier, with no
election made. Recorded through the door (page and API, audited), refused with a
Vietnamese message on bad input, carried by the congress backup."""
from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import sqlalchemy as sa

from election_app.agenda import appointments
from election_app.agenda.inputs import AppointmentFields
from election_app.agenda.models import AgendaItem, Appointment
from election_app.agenda.services import add_item, delete_item
from election_app.audit.models import AuditEntry
from election_app.backup.services import export_congress, import_congress
from election_app.documents import jobs
from election_app.elections.models import Election
from election_app.errors import Conflict
from tests.conftest import TEST_SECRET, csrf_from

DECISION = {"body": "executive_committee", "decision_number": "125/QĐ-CĐGD",
            "decision_date": "2026-11-20", "issuer": "Ban Thường vụ Công đoàn Giáo dục quận Ba Đình",
            "people": [{"full_name": "Nguyễn Văn An", "position": "Hiệu trưởng"},
                       {"full_name": "Lê Thị Mai", "position": "Giáo viên", "unit": "Tổ Toán",
                        "gender": "nữ", "birth_year": 1985},
                       {"full_name": "Trần Quốc Toản"}]}


def _item(session, congress, title="Công bố quyết định chỉ định Ban Chấp hành nhiệm kỳ 2023–2028"):
    item = add_item(session, congress=congress, data={"title": title, "section": "C", "kind": "appointment"})
    session.commit()
    return item


def _pdf(session, congress, kind):
    cleaned = jobs.clean_params(kind, {"base_url": "http://192.168.1.10:5000"})
    pdf = jobs.produce(session, congress=congress, kind=kind, params=cleaned, secret=TEST_SECRET).pdf
    return " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True,
                                   capture_output=True).stdout.decode("utf-8").split())


def test_api_records_it_without_an_election(api, session, congress):
    item = _item(session, congress)
    client = api("organizer")
    resp = client.post(f"/api/v1/congresses/{congress.id}/agenda/{item.id}/appointment", json=DECISION)
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["decision_number"] == "125/QĐ-CĐGD" and got["decision_date"] == "2026-11-20"
    assert got["body_label"] == "Ban Chấp hành"
    assert [p["full_name"] for p in got["people"]] == ["Nguyễn Văn An", "Lê Thị Mai", "Trần Quốc Toản"]
    listed = client.get(f"/api/v1/congresses/{congress.id}/appointments").get_json()["appointments"]
    assert [a["id"] for a in listed] == [got["id"]]
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Election)) == 0
    assert session.get(AgendaItem, item.id).kind == "appointment"
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "agenda.record_appointment")).one()
    assert entry.congress_id == congress.id and "125/QĐ-CĐGD" in entry.outcome + entry.data
    # Recorded again: corrected, still one decision for the item, the old one kept in the log.
    again = client.post(f"/api/v1/congresses/{congress.id}/agenda/{item.id}/appointment",
                        json={**DECISION, "decision_number": "126/QĐ-CĐGD"})
    assert again.status_code == 200 and again.get_json()["id"] == got["id"]
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "agenda.record_appointment")) == 2


def test_secretary_may_not_record_it(api, session, congress):
    item = _item(session, congress)
    resp = api("secretary").post(f"/api/v1/congresses/{congress.id}/agenda/{item.id}/appointment", json=DECISION)
    assert resp.status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


@pytest.mark.parametrize("change, words", [
    ({"decision_number": "  "}, "số quyết định"),
    ({"decision_date": ""}, "ngày ký"),
    ({"decision_date": "2026-12-25"}, "sau ngày đại hội"),
    ({"decision_date": "20/11/2026"}, "Ngày không hợp lệ"),
    ({"people": []}, "ít nhất một người"),
    ({"people": [{"full_name": "An"}, {"full_name": " an "}]}, "đã có trong danh sách"),
    ({"people": [{"full_name": ""}]}, "thiếu họ và tên"),
    ({"body": "chair"}, "chỉ ghi một người"),
    ({"body": "president"}, "lựa chọn cho phép"),
    ({"people": [{"full_name": "An", "birth_year": 1700}]}, "quá nhỏ"),
    ({"decision_number": "12\x00/QĐ"}, "ký tự điều khiển"),
    ({"people": [{"full_name": "Nguyễn\x07 An"}]}, "Dòng 1: có ký tự điều khiển"),
])
def test_bad_input_is_refused_in_vietnamese(api, session, congress, change, words):
    item = _item(session, congress)
    resp = api("organizer").post(f"/api/v1/congresses/{congress.id}/agenda/{item.id}/appointment",
                                 json={**DECISION, **change})
    assert resp.status_code == 422, resp.get_json()
    body = resp.get_json()
    assert words in body["message"] + " ".join(d["message"] for d in body["details"])
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_issuer_defaults_to_the_upper_union(session, congress):
    item = _item(session, congress)
    row = appointments.record_appointment(session, congress=congress, item=item,
                                          data=AppointmentFields(**{**DECISION, "issuer": ""}))
    assert row.issuer == "Công đoàn Giáo dục quận Ba Đình"


def test_item_with_a_decision_is_not_deleted_silently(session, congress):
    item = _item(session, congress)
    appointments.record_appointment(session, congress=congress, item=item, data=AppointmentFields(**DECISION))
    with pytest.raises(Conflict, match="quyết định chỉ định"):
        delete_item(session, item=item)


def test_page_records_shows_and_refuses(client, login, session, congress):
    item = _item(session, congress)
    login("organizer")
    url = f"/congresses/{congress.id}/agenda/{item.id}/appointment"
    page = client.get(url)
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    form = {"csrf_token": token, "body": "inspection_committee", "decision_number": "7/QĐ-CĐGD",
            "decision_date": "2026-11-21", "issuer": "Công đoàn Giáo dục quận Ba Đình",
            "people": "Phạm Văn Hùng; Chủ nhiệm\nĐỗ Thị Lan; Ủy viên; Tổ Văn\n\nVũ Minh Quân"}
    bad = client.post(url, data={**form, "decision_number": ""})
    assert bad.status_code == 200 and "Hãy nhập số quyết định chỉ định" in bad.get_data(as_text=True)
    assert "Đỗ Thị Lan; Ủy viên; Tổ Văn" in bad.get_data(as_text=True)  # what was typed stays
    assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0
    done = client.post(url, data=form)
    assert done.status_code == 302
    shown = client.get(url).get_data(as_text=True)
    assert "7/QĐ-CĐGD" in shown and "21/11/2026" in shown and "Vũ Minh Quân" in shown
    row = session.scalars(sa.select(Appointment)).one()
    assert row.body == "inspection_committee"
    assert [(p["full_name"], p["position"], p["unit"]) for p in appointments.people_of(row)] == [
        ("Phạm Văn Hùng", "Chủ nhiệm", ""), ("Đỗ Thị Lan", "Ủy viên", "Tổ Văn"), ("Vũ Minh Quân", "", "")]
    programme = client.get(f"/congresses/{congress.id}/agenda").get_data(as_text=True)
    assert "7/QĐ-CĐGD" in programme
    gone = client.post(url + "/clear", data={"csrf_token": token})
    assert gone.status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_papers_print_the_appointed_body(session, congress, roll):
    item = _item(session, congress)
    appointments.record_appointment(session, congress=congress, item=item, data=AppointmentFields(**DECISION))
    chair_item = _item(session, congress, "Công bố quyết định chỉ định Chủ tịch Công đoàn")
    appointments.record_appointment(session, congress=congress, item=chair_item, data=AppointmentFields(**{
        **DECISION, "body": "chair", "decision_number": "126/QĐ-CĐGD", "people": [{"full_name": "Nguyễn Văn An"}]}))
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(Election)) == 0

    minutes = _pdf(session, congress, "minutes")
    assert "Công bố Quyết định số 125/QĐ-CĐGD ngày 20/11/2026 của Ban Thường vụ Công đoàn Giáo dục quận Ba Đình" \
        in minutes
    assert "chỉ định Ban Chấp hành Công đoàn cơ sở Trường THCS Thành Công nhiệm kỳ 2023–2028, gồm 3 đồng chí" in minutes
    assert "Nguyễn Văn An (Hiệu trưởng); Lê Thị Mai (Giáo viên); Trần Quốc Toản" in minutes
    assert "Nhân sự do công đoàn cấp trên chỉ định" in minutes

    resolution = _pdf(session, congress, "resolution")
    assert ("Đại hội đã nghe công bố Quyết định số 125/QĐ-CĐGD ngày 20/11/2026 của Ban Thường vụ Công đoàn "
            "Giáo dục quận Ba Đình chỉ định Ban Chấp hành Công đoàn cơ sở Trường THCS Thành Công nhiệm kỳ "
            "2023–2028 gồm 3 đồng chí: Nguyễn Văn An, Lê Thị Mai, Trần Quốc Toản.") in resolution
    assert ("chỉ định đồng chí Nguyễn Văn An giữ chức Chủ tịch Công đoàn cơ sở Trường THCS Thành Công "
            "nhiệm kỳ 2023–2028.") in resolution

    dossier = _pdf(session, congress, "dossier")
    assert "Nhân sự do công đoàn cấp trên chỉ định" in dossier
    assert "Quyết định số 125/QĐ-CĐGD ngày 20/11/2026" in dossier
    assert "Ban Chấp hành (chỉ định theo Quyết định số 125/QĐ-CĐGD" in dossier  # the trích ngang list
    assert "Chỉ định" in dossier
    # the roll fills what the decision leaves out: Nguyễn Văn An is on it, born 1980, male
    assert "Chủ tịch Công đoàn cơ sở Trường THCS Thành Công nhiệm kỳ 2023–2028 (Quyết định số 126/QĐ-CĐGD" in dossier
    # the roll fills what the decision leaves out: Nguyễn Văn An is on it, born 1980 (46 in 2026)
    chair_list = dossier.split("Chủ tịch Công đoàn (chỉ định theo Quyết định số 126/QĐ-CĐGD")[1]
    assert "1980" in chair_list.split("Tuổi tính")[0] and "46 Kinh" in chair_list
    # the appointed chair signs the letter when nobody was elected chair
    assert "TM. BAN CHẤP HÀNH CHỦ TỊCH Nguyễn Văn An" in dossier


def test_backup_carries_it(session, congress):
    item = _item(session, congress)
    appointments.record_appointment(session, congress=congress, item=item, data=AppointmentFields(**DECISION))
    session.commit()
    data = export_congress(session, congress_id=congress.id)
    assert "appointments" in data["tables"]
    new_id = import_congress(session, data=data)
    session.commit()
    copy = session.scalars(sa.select(Appointment).where(Appointment.congress_id == new_id)).one()
    copied_item = session.get(AgendaItem, copy.agenda_item_id)
    assert copied_item.congress_id == new_id and copied_item.id != item.id
    assert copy.decision_number == "125/QĐ-CĐGD" and copy.decision_date == dt.date(2026, 11, 20)
    assert [p["full_name"] for p in appointments.people_of(copy)] == [p["full_name"] for p in DECISION["people"]]
