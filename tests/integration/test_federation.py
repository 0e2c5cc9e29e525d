"""The federation (issue 17): a province → district → grassroots tree on one server; an
upper union's accounts watch the congresses below them (and only those) on the district
dashboard, read their papers, receive and decide their recognition dossiers; a congress run
offline is uploaded afterwards. Tenancy inside a congress is unchanged."""
from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pytest
import sqlalchemy as sa

from election_app.audit.models import AuditEntry
from election_app.backup.services import export_congress
from election_app.congress.models import Congress
from election_app.congress.services import create_congress
from election_app.db import db
from election_app.delegates.services import add_delegates, check_in, decide_credentials
from election_app.door import Actor, run
from election_app.federation import actions, services
from election_app.federation.models import CongressOrganization, Dossier, Organization
from tests.conftest import csrf_from, make_user

ADMIN = Actor(id=None, name="(test)", role="admin")


def _congress(session, name: str, org: str) -> Congress:
    c = create_congress(session, data={"name": f"Đại hội Công đoàn cơ sở {name} lần thứ IX",
                                       "organization": f"Công đoàn cơ sở {name}", "parent_organization": org,
                                       "term": "2023–2028", "kind": "delegates", "date": "2027-03-12",
                                       "place": "Hà Nội", "venue": "Hội trường"})
    made = add_delegates(session, congress=c, rows=[
        {"full_name": n, "birth_year": 1980 + i, "gender": "nam"}
        for i, n in enumerate(["Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng"])])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return c


@pytest.fixture
def tree(app, session):
    """Hà Nội → Ba Đình (two schools), Đống Đa (one school); one congress per school."""
    org = lambda name, level, parent=None: run(actions.create_organization, actor=ADMIN,  # noqa: E731
                                               cmd={"name": name, "level": level, "parent_id": parent})
    hn = org("Liên đoàn Lao động thành phố Hà Nội", "ldld_tinh")
    bd = org("Liên đoàn Lao động quận Ba Đình", "ldld_huyen", hn.id)
    dd = org("Liên đoàn Lao động quận Đống Đa", "ldld_huyen", hn.id)
    a1 = org("Công đoàn cơ sở Trường Tiểu học Thủ Lệ", "cdcs", bd.id)
    a2 = org("Công đoàn cơ sở Trường THCS Giảng Võ", "cdcs", bd.id)
    b1 = org("Công đoàn cơ sở Bệnh viện Đống Đa", "cdcs", dd.id)
    congresses = {}
    for key, o in (("a1", a1), ("a2", a2), ("b1", b1)):
        c = _congress(session, o.name.replace("Công đoàn cơ sở ", ""), "Liên đoàn Lao động quận")
        run(actions.attach_congress, actor=ADMIN, cmd={"congress_id": c.id, "organization_id": o.id})
        congresses[key] = c
    return {"hn": hn, "bd": bd, "dd": dd, "a1": a1, "a2": a2, "b1": b1, **{f"c_{k}": v for k, v in congresses.items()}}


def _client_for(app, user):
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": user.username, "password": "matkhau123", "csrf_token": token})
    assert resp.status_code == 302
    client.csrf = csrf_from(client.get("/congresses").get_data(as_text=True))
    return client


def _officer(app, org_id: int, username: str):
    user = make_user("organizer", username=username, congresses=[])
    run(actions.grant_organization, actor=ADMIN, cmd={"user_id": user.id, "organization_id": org_id})
    return user, _client_for(app, user)


def test_an_upper_union_sees_the_congresses_below_it_and_only_those(app, session, tree):
    _, district = _officer(app, tree["bd"].id, "ldld_badinh")
    _, province = _officer(app, tree["hn"].id, "ldld_hanoi")
    _, other = _officer(app, tree["dd"].id, "ldld_dongda")
    page = district.get("/federation").get_data(as_text=True)
    assert tree["c_a1"].name in page and tree["c_a2"].name in page and tree["c_b1"].name not in page
    page = other.get("/federation").get_data(as_text=True)
    assert tree["c_b1"].name in page and tree["c_a1"].name not in page
    page = province.get("/federation").get_data(as_text=True)
    assert all(tree[k].name in page for k in ("c_a1", "c_a2", "c_b1"))
    # a subtree asked by id outside the account's reach is not there
    assert district.get(f"/federation?org={tree['dd'].id}").status_code == 404
    # the grassroots organizer, scoped to its congress only, watches nothing
    grassroots = _client_for(app, make_user("organizer", username="cdcs_thule", congresses=[tree["c_a1"].id]))
    assert tree["c_a1"].name not in grassroots.get("/federation").get_data(as_text=True)


def test_watching_is_not_entering(app, session, tree):
    """Tenancy inside a congress is unchanged: the district sees the summary and the papers,
    not the congress's pages, and cannot act in it."""
    _, district = _officer(app, tree["bd"].id, "ldld_badinh")
    cid = tree["c_a1"].id
    assert district.get(f"/congresses/{cid}").status_code in (403, 404)
    assert district.get(f"/congresses/{cid}/delegates").status_code in (403, 404)
    pdf = district.get(f"/federation/congresses/{cid}/papers/minutes")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data[:4] == b"%PDF"
    assert district.get(f"/federation/congresses/{tree['c_b1'].id}/papers/minutes").status_code == 404
    assert district.get(f"/federation/congresses/{cid}/papers/secret-kind").status_code == 404


def test_the_dashboard_follows_the_day(app, session, tree):
    _, district = _officer(app, tree["bd"].id, "ldld_badinh")
    summary = lambda c: services.congress_summary(session, db.session.get(Congress, c.id))  # noqa: E731
    assert summary(tree["c_a1"])["status"] == "preparing"
    delegates = db.session.get(Congress, tree["c_a1"].id)
    from election_app.delegates.models import Delegate
    for d in session.scalars(sa.select(Delegate).where(Delegate.congress_id == delegates.id)).all()[:3]:
        check_in(session, delegate=d)
    session.commit()
    s = summary(tree["c_a1"])
    assert s["status"] == "in_session" and s["attendance"]["present"] == 3 and s["attendance"]["quorum_met"]
    page = district.get("/federation").get_data(as_text=True)
    assert "3/4" in page and "Đang họp" in page


def test_a_dossier_goes_up_and_the_decision_comes_back(app, session, tree):
    cid = tree["c_a1"].id
    grassroots = _client_for(app, make_user("organizer", username="cdcs_thule", congresses=[cid]))
    resp = grassroots.post(f"/congresses/{cid}/dossier", data={"csrf_token": grassroots.csrf})
    assert resp.status_code == 302
    sent = session.scalars(sa.select(Dossier).where(Dossier.congress_id == cid)).all()
    assert len(sent) == 1 and sent[0].status == "sent" and sent[0].pdf[:4] == b"%PDF"
    assert sent[0].organization_id == tree["bd"].id and sent[0].pages >= 2 and len(sent[0].sha256) == 64
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "dossier.send")).one()
    assert entry.congress_id == cid and "%PDF" not in entry.data
    # sending again while it waits is refused, nothing added
    grassroots.post(f"/congresses/{cid}/dossier", data={"csrf_token": grassroots.csrf}, follow_redirects=True)
    assert session.scalar(sa.select(sa.func.count(Dossier.id))) == 1

    _, district = _officer(app, tree["bd"].id, "ldld_badinh")
    _, other = _officer(app, tree["dd"].id, "ldld_dongda")
    page = district.get("/federation").get_data(as_text=True)
    assert "Hồ sơ chờ công nhận" in page and tree["c_a1"].name in page
    got = district.get(f"/federation/dossiers/{sent[0].id}.pdf")
    assert got.status_code == 200 and got.data == sent[0].pdf          # exactly what was sent
    assert other.get(f"/federation/dossiers/{sent[0].id}.pdf").status_code == 404
    url = f"/federation/dossiers/{sent[0].id}/decision"
    decision = {"status": "recognised", "number": "125/QĐ-LĐLĐ", "date": "2027-03-20",
                "scope": "Ban Chấp hành khóa IX gồm 4 đồng chí; Chủ tịch: Nguyễn Văn An."}
    # another district, the grassroots union itself, a missing number: refused, nothing changed
    page = other.post(url, data={**decision, "csrf_token": other.csrf}, follow_redirects=True).get_data(as_text=True)
    assert "không thuộc công đoàn cấp trên" in page
    resp = grassroots.post(url, data={**decision, "csrf_token": grassroots.csrf}, follow_redirects=True)
    assert resp.status_code in (200, 403)
    page = district.post(url, data={**decision, "number": "", "csrf_token": district.csrf},
                         follow_redirects=True).get_data(as_text=True)
    assert "số quyết định" in page
    session.expire_all()
    assert session.get(Dossier, sent[0].id).status == "sent"
    district.post(url, data={**decision, "csrf_token": district.csrf})
    session.expire_all()
    d = session.get(Dossier, sent[0].id)
    assert (d.status, d.decision_number, d.decision_date) == ("recognised", "125/QĐ-LĐLĐ", dt.date(2027, 3, 20))
    page = grassroots.get(f"/congresses/{cid}/dossier").get_data(as_text=True)
    assert "125/QĐ-LĐLĐ" in page and "20/03/2027" in page and "Nguyễn Văn An" in page
    assert services.congress_summary(session, session.get(Congress, cid))["status"] == "recognised"
    # decided once: a second decision is refused
    page = district.post(url, data={**decision, "status": "returned", "csrf_token": district.csrf},
                         follow_redirects=True).get_data(as_text=True)
    assert "đã được xử lý" in page
    assert session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "dossier.decide")).one()


def test_a_returned_dossier_can_be_sent_again(app, session, tree):
    cid = tree["c_a2"].id
    from election_app.documents.web import produce_now
    with app.test_request_context():
        pdf = produce_now(session.get(Congress, cid), "dossier", {}).pdf
    first = run(actions.send_dossier, actor=ADMIN, cmd={"congress_id": cid, "pdf": pdf})
    officer = make_user("organizer", username="ldld_bd2", congresses=[])
    run(actions.grant_organization, actor=ADMIN, cmd={"user_id": officer.id, "organization_id": tree["bd"].id})
    run(actions.decide_dossier, actor=Actor.of(officer), cmd={"dossier_id": first.id, "status": "returned",
                                                              "scope": "Thiếu biên bản kiểm phiếu lần 2."})
    again = run(actions.send_dossier, actor=ADMIN, cmd={"congress_id": cid, "pdf": pdf})
    assert again.id != first.id and again.status == "sent"
    with pytest.raises(Exception, match="đã được xử lý"):
        run(actions.decide_dossier, actor=Actor.of(officer), cmd={"dossier_id": first.id, "status": "recognised",
                                                                  "number": "1", "date": "2027-01-01", "scope": "x"})


def test_a_congress_with_no_union_cannot_send(app, session, tree):
    lone = _congress(session, "Trường Mầm non Hoa Sen", "Công đoàn Giáo dục")
    with pytest.raises(Exception, match="chưa được gắn"):
        run(actions.send_dossier, actor=ADMIN, cmd={"congress_id": lone.id, "pdf": b"%PDF-1.7"})


def test_a_congress_held_offline_is_uploaded_afterwards(app, session, tree):
    laptop = _congress(session, "Trường THCS Nguyễn Trãi", "Liên đoàn Lao động quận Ba Đình")
    data = export_congress(session, congress_id=laptop.id)
    assert "organizations" not in data["tables"] and "congress_organizations" not in data["tables"]
    body = gzip.compress(json.dumps(data, ensure_ascii=False).encode())
    _, district = _officer(app, tree["bd"].id, "ldld_badinh")
    before = session.scalar(sa.select(sa.func.count(Congress.id)))
    # outside the account's reach: refused, nothing imported
    page = district.post("/federation/upload", data={"csrf_token": district.csrf, "organization_id": tree["b1"].id,
                                                     "file": (io.BytesIO(body), "nguyen-trai.json.gz")},
                         content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "không thuộc công đoàn cấp trên" in page
    assert session.scalar(sa.select(sa.func.count(Congress.id))) == before
    # junk: a clear message, nothing imported
    page = district.post("/federation/upload", data={"csrf_token": district.csrf, "organization_id": tree["a2"].id,
                                                     "file": (io.BytesIO(b"\x1f\x8bjunk"), "x.json.gz")},
                         content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "không phải là tệp xuất đại hội" in page
    assert session.scalar(sa.select(sa.func.count(Congress.id))) == before
    district.post("/federation/upload", data={"csrf_token": district.csrf, "organization_id": tree["a2"].id,
                                              "file": (io.BytesIO(body), "nguyen-trai.json.gz")},
                  content_type="multipart/form-data")
    session.expire_all()
    new_id = session.scalar(sa.select(sa.func.max(Congress.id)))
    assert new_id != laptop.id and session.get(CongressOrganization, new_id).organization_id == tree["a2"].id
    assert "Nguyễn Trãi" in district.get("/federation").get_data(as_text=True)


def test_tree_rules(app, session):
    with pytest.raises(Exception, match="cấp trên trực tiếp"):
        run(actions.create_organization, actor=ADMIN, cmd={"name": "Công đoàn cơ sở X", "level": "cdcs"})
    top = run(actions.create_organization, actor=ADMIN, cmd={"name": "LĐLĐ tỉnh Bắc Ninh", "level": "ldld_tinh"})
    leaf = run(actions.create_organization, actor=ADMIN, cmd={"name": "CĐCS Công ty A", "level": "cdcs",
                                                             "parent_id": top.id})
    with pytest.raises(Exception, match="không có công đoàn cấp dưới"):
        run(actions.create_organization, actor=ADMIN, cmd={"name": "Tổ công đoàn", "level": "cdcs",
                                                           "parent_id": leaf.id})
    with pytest.raises(Exception, match="Đã có công đoàn"):
        run(actions.create_organization, actor=ADMIN, cmd={"name": "CĐCS Công ty A", "level": "cdcs",
                                                           "parent_id": top.id})
    assert services.subtree_ids(session, [top.id]) == {top.id, leaf.id}
    assert services.ancestors(session, leaf.id) == [top.id]


def test_only_admin_shapes_the_tree(app, session, tree):
    _, district = _officer(app, tree["bd"].id, "ldld_badinh")
    resp = district.post("/federation/unions", data={"csrf_token": district.csrf, "what": "create",
                                                     "name": "Công đoàn mới", "level": "cdcs",
                                                     "parent_id": tree["bd"].id})
    assert resp.status_code == 403
    assert session.scalar(sa.select(sa.func.count(Organization.id))) == 6


def test_cli_builds_the_tree(app, session):
    out = app.test_cli_runner().invoke(args=["org", "create", "Liên đoàn Lao động tỉnh Nam Định",
                                             "--level", "ldld_tinh"])
    assert out.exit_code == 0, out.output
    top = session.scalar(sa.select(Organization).where(Organization.level == "ldld_tinh"))
    out = app.test_cli_runner().invoke(args=["org", "create", "Công đoàn cơ sở Nhà máy Dệt", "--level", "cdcs",
                                             "--parent", str(top.id)])
    assert out.exit_code == 0, out.output
    c = _congress(session, "Nhà máy Dệt", "Liên đoàn Lao động tỉnh Nam Định")
    leaf = session.scalar(sa.select(Organization).where(Organization.level == "cdcs"))
    assert app.test_cli_runner().invoke(args=["org", "attach", str(c.id), str(leaf.id)]).exit_code == 0
    make_user("organizer", username="ldld_namdinh", congresses=[])
    assert app.test_cli_runner().invoke(args=["org", "grant", "ldld_namdinh", str(top.id)]).exit_code == 0
    bad = app.test_cli_runner().invoke(args=["org", "create", "X", "--level", "cdcs"])
    assert bad.exit_code != 0 and "cấp trên trực tiếp" in bad.output


def test_a_backup_carries_the_dossier_but_not_the_tree(app, session, tree):
    from election_app.backup.services import import_congress
    cid = tree["c_b1"].id
    run(actions.send_dossier, actor=ADMIN, cmd={"congress_id": cid, "pdf": b"%PDF-1.7 hoso"})
    data = export_congress(session, congress_id=cid)
    assert len(data["tables"]["dossiers"]["rows"]) == 1
    new = import_congress(session, data=data)
    session.commit()
    copy = session.scalars(sa.select(Dossier).where(Dossier.congress_id == new)).one()
    assert copy.pdf == b"%PDF-1.7 hoso" and copy.organization_id is None      # the union is the server's
    assert session.get(CongressOrganization, new) is None


def test_the_api_serves_the_dashboard_the_dossier_and_the_decision(app, session, tree, api, client):
    cid = tree["c_a1"].id
    from election_app.auth.services import issue_api_token

    def token_for(user):
        t = issue_api_token(session, user=user, hours=1)
        session.commit()
        return {"Authorization": f"Bearer {t}"}
    grassroots = token_for(make_user("organizer", username="cdcs_api", congresses=[cid]))
    officer = make_user("organizer", username="ldld_api", congresses=[])
    run(actions.grant_organization, actor=ADMIN, cmd={"user_id": officer.id, "organization_id": tree["bd"].id})
    district = token_for(officer)
    sent = client.post(f"/api/v1/congresses/{cid}/dossier", headers=grassroots)
    assert sent.status_code == 201, sent.get_json()
    body = sent.get_json()
    assert body["status"] == "sent" and body["organization_id"] == tree["bd"].id and body["pages"] >= 2
    again = client.post(f"/api/v1/congresses/{cid}/dossier", headers=grassroots)
    assert again.status_code == 409 and again.get_json()["error"] == "dossier_pending"
    # the district cannot send on the congress's behalf (not its congress)
    assert client.post(f"/api/v1/congresses/{cid}/dossier", headers=district).status_code == 403
    board = client.get("/api/v1/federation/congresses", headers=district).get_json()
    assert {c["id"] for c in board["congresses"]} == {tree["c_a1"].id, tree["c_a2"].id}
    assert board["counts"]["dossier_sent"] == 1
    url = f"/api/v1/dossiers/{body['id']}/decision"
    bad = client.post(url, headers=district, json={"status": "recognised", "date": "2027-03-20", "scope": "BCH"})
    assert bad.status_code == 422
    assert client.post(url, headers=grassroots, json={"status": "recognised", "number": "1", "date": "2027-03-20",
                                                      "scope": "BCH"}).status_code == 403
    ok = client.post(url, headers=district, json={"status": "recognised", "number": "125/QĐ-LĐLĐ",
                                                  "date": "2027-03-20", "scope": "Ban Chấp hành khóa IX"})
    assert ok.status_code == 200 and ok.get_json()["decision_date"] == "2027-03-20"
    seen = client.get(f"/api/v1/congresses/{cid}/dossier", headers=grassroots).get_json()["dossiers"]
    assert seen[0]["status"] == "recognised" and seen[0]["decision_number"] == "125/QĐ-LĐLĐ"
    assert client.post("/api/v1/dossiers/0/decision", headers=district, json={}).status_code == 404


def test_the_dashboard_reads_many_congresses_in_a_fixed_number_of_queries(app, session, tree):
    """The province's dashboard lists every congress below it with a fixed number of queries
    (not a few per congress: 60 congresses took 306 queries, 0.7 s), and says of each exactly
    what the per-congress services say: attendance, each election's status and its elected."""
    from election_app.delegates.models import Delegate
    from election_app.delegates.services import attendance
    from election_app.elections import services as el
    a1 = db.session.get(Congress, tree["c_a1"].id)
    people = session.scalars(sa.select(Delegate).where(Delegate.congress_id == a1.id)).all()
    for d in people:
        check_in(session, delegate=d)
    done, _ = el.create_election(session, congress=a1, title="Bầu Chủ tịch", body="chair", seats=1,
                                 candidates=[{"delegate_id": people[0].id}])
    el.open_round(session, election=done)
    el.create_election(session, congress=a1, title="Bầu Ban Chấp hành", body="executive_committee", seats=2,
                       candidates=[{"delegate_id": d.id} for d in people[:3]])
    session.commit()
    from tests.integration.test_voting_support import link_for, vote_url
    client = app.test_client()
    for d in people:
        assert client.post(vote_url(link_for(session, d), done.id), json={"kept": [
            c.id for c in el.list_candidates(session, done)]}).status_code == 201
    el.close_round(db.session, election=db.session.get(type(done), done.id))
    db.session.commit()
    for i in range(6):                                   # more congresses, same number of queries
        c = _congress(session, f"Trường Mầm non số {i + 1}", "Liên đoàn Lao động quận")
        run(actions.attach_congress, actor=ADMIN, cmd={"congress_id": c.id, "organization_id": tree["a2"].id})

    congresses = list(db.session.scalars(sa.select(Congress).order_by(Congress.id)))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        batch = services.congress_summaries(db.session, congresses)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len(batch) == len(congresses) == 9 and len(statements) <= 8, statements
    for c, s in zip(congresses, batch):
        assert s["congress"] is c and s["attendance"] == attendance(db.session, c)
        each = list(db.session.scalars(sa.select(el.Election).where(el.Election.congress_id == c.id)
                                       .order_by(el.Election.position, el.Election.id)))
        assert [e["id"] for e in s["elections"]] == [e.id for e in each]
        for e, got in zip(each, s["elections"]):
            assert got["status"] == el.election_status(db.session, e)
            names = {x.id: x.full_name for x in el.list_candidates(db.session, e)}
            assert got["elected"] == [names[i] for i in el.elected_so_far(db.session, e)]
    a1_summary = batch[[c.id for c in congresses].index(a1.id)]
    assert a1_summary["attendance"]["present"] == 4
    assert [e["status"] for e in a1_summary["elections"]] == ["complete", "draft"]
    assert a1_summary["elections"][0]["elected"] == [people[0].full_name]
