"""Issue 13, point 9: a congress has a level (công đoàn cơ sở, LĐLĐ quận/huyện, công đoàn ngành
địa phương, other direct upper unions, công đoàn ngành trung ương, LĐLĐ tỉnh, Tổng Liên đoàn:
the federation's words), chosen on the create/edit form, in the API's
congress JSON, carried by export/import, and used where the papers depend on it (the agenda
template's chair item; only a grassroots union holds an all-members congress)."""
from __future__ import annotations

from sqlalchemy import select

from election_app.agenda.services import create_agenda_from_template
from election_app.backup.services import export_congress, import_congress
from election_app.congress.models import Congress
from election_app.documents.services import congress_info
from tests.conftest import csrf_from
from tests.integration.test_congress_pages import FORM

BODY = {"name": "Đại hội Công đoàn Giáo dục quận Ba Đình lần thứ V", "organization": "Công đoàn Giáo dục quận Ba Đình",
        "parent_organization": "Liên đoàn Lao động thành phố Hà Nội", "term": "2023–2028", "kind": "delegates"}


def test_create_and_edit_pages_choose_the_level(session, client, login):
    login("organizer")
    page = client.get("/congresses/new").get_data(as_text=True)
    assert 'name="level"' in page and "Liên đoàn Lao động quận, huyện" in page
    resp = client.post("/congresses/new", data={**FORM, "level": "ldld_huyen", "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    congress = session.scalar(select(Congress))
    assert congress.level == "ldld_huyen"
    assert "Liên đoàn Lao động quận, huyện" in client.get(f"/congresses/{congress.id}").get_data(as_text=True)
    assert "Liên đoàn Lao động quận, huyện" in client.get("/congresses").get_data(as_text=True)
    page = client.get(f"/congresses/{congress.id}/edit").get_data(as_text=True)
    assert '<option selected value="ldld_huyen">' in page or 'value="ldld_huyen" selected' in page
    # an upper level holds a delegates' congress: all-members is refused, naming why
    html = client.post(f"/congresses/{congress.id}/edit", data={**FORM, "level": "ldld_huyen", "kind": "all_members",
                                                                "csrf_token": csrf_from(page)},
                       follow_redirects=True).get_data(as_text=True)
    assert "chỉ công đoàn cơ sở mới tổ chức đại hội toàn thể" in html
    session.expire_all()
    assert (congress.level, congress.kind) == ("ldld_huyen", "delegates")
    resp = client.post(f"/congresses/{congress.id}/edit", data={**FORM, "level": "cdcs", "kind": "all_members",
                                                                "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    session.expire_all()
    assert (congress.level, congress.kind) == ("cdcs", "all_members")


def test_a_form_without_the_field_keeps_the_default(session, client, login):
    login("organizer")
    page = client.get("/congresses/new").get_data(as_text=True)
    assert client.post("/congresses/new", data={**FORM, "csrf_token": csrf_from(page)}).status_code == 302
    assert session.scalar(select(Congress.level)) == "cdcs"


def test_api_takes_and_returns_the_level(api, session):
    admin = api("admin")
    resp = admin.post("/api/v1/congresses", json={**BODY, "level": "ldld_huyen"})
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["level"] == "ldld_huyen" and data["level_label"] == "Liên đoàn Lao động quận, huyện"
    assert admin.get(f"/api/v1/congresses/{data['id']}").get_json()["level"] == "ldld_huyen"
    # default, unknown level, all-members at an upper level
    assert admin.post("/api/v1/congresses", json=BODY).get_json()["level"] == "cdcs"
    bad = admin.post("/api/v1/congresses", json={**BODY, "level": "district"})
    assert bad.status_code == 422 and bad.get_json()["details"][0]["field"] == "level"
    bad = admin.post("/api/v1/congresses", json={**BODY, "level": "ldld_tinh", "kind": "all_members"})
    assert bad.status_code == 422 and "đại hội toàn thể" in bad.get_json()["details"][0]["message"]
    session.expire_all()
    assert len(session.scalars(select(Congress)).all()) == 2


def test_export_import_carries_the_level(session):
    from election_app.congress.services import create_congress
    c = create_congress(session, data={**BODY, "level": "ldld_tinh"})
    session.commit()
    new_id = import_congress(session, data=export_congress(session, congress_id=c.id))
    session.commit()
    assert session.get(Congress, new_id).level == "ldld_tinh"


def test_papers_name_the_union_by_its_level(session):
    from election_app.congress.services import create_congress
    up = create_congress(session, data={**BODY, "level": "ldld_huyen", "chair_mode": "direct"})
    base = create_congress(session, data={**FORM, "term": "2023–2028", "date": None, "chair_mode": "direct"})
    session.commit()
    up_titles = [i.title for i in create_agenda_from_template(session, congress=up)]
    base_titles = [i.title for i in create_agenda_from_template(session, congress=base)]
    assert "Bầu Chủ tịch Công đoàn cơ sở" in base_titles
    assert "Bầu Chủ tịch công đoàn" in up_titles and "Bầu Chủ tịch Công đoàn cơ sở" not in up_titles
    assert congress_info(up)["level_label"] == "Liên đoàn Lao động quận, huyện"


def test_one_vocabulary_with_the_federation():
    from election_app.congress.models import LEVEL_LABELS
    from election_app.federation.models import LEVEL_LABELS as ORG_LEVELS
    assert LEVEL_LABELS == ORG_LEVELS
