"""Issue 11 §4: signed document links name their congress and never open another's file
(even when the id is reused); Secure cookies and HSTS over HTTPS; tokens redacted in logs
whatever the encoding; public receipt pages cannot be listed across congresses."""
from __future__ import annotations

import datetime as dt


from election_app.agenda import services as agenda

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _second_congress(session):
    from election_app.congress.services import create_congress
    other = create_congress(session, data={"name": "Đại hội Công đoàn cơ sở Trường THCS Giảng Võ lần thứ IX",
                                           "organization": "Công đoàn cơ sở Trường THCS Giảng Võ",
                                           "parent_organization": "Công đoàn Giáo dục quận Ba Đình",
                                           "term": "2023–2028", "kind": "delegates", "date": "2026-12-13"})
    session.commit()
    return other


def _url(app, row):
    return agenda.file_url(app.config["SECRET_KEY"], {"id": row.id, "congress_id": row.congress_id,
                                                      "uploaded_at": row.uploaded_at, "size": row.size})


def test_old_file_link_never_opens_a_new_file_with_the_same_id(app, session, congress):
    first = agenda.upload_file(session, congress=congress, title="Báo cáo", filename="a.pdf", content=PDF)
    session.commit()
    old_url, fid = _url(app, first), first.id
    anon = app.test_client()
    assert anon.get(old_url).status_code == 200
    agenda.delete_file(session, congress=congress, file_id=fid)
    session.commit()
    other = _second_congress(session)
    # SQLite gives the deleted last id again: a file of another congress now has it
    again = agenda.upload_file(session, congress=other, title="Bí mật", filename="b.pdf", content=PDF + b" ")
    session.commit()
    if again.id != fid:
        # PostgreSQL never hands a sequence value out twice: give the new file the old id by
        # hand, as a restore or an id-reusing engine would.
        import sqlalchemy as sa
        from election_app.agenda.models import CongressFile
        session.execute(sa.update(CongressFile).where(CongressFile.id == again.id).values(id=fid))
        session.commit()
        again = session.get(CongressFile, fid)
    assert again.id == fid
    assert anon.get(old_url).status_code == 404
    forged = old_url.replace(f"/congresses/{congress.id}/", f"/congresses/{other.id}/")
    assert anon.get(forged).status_code == 404
    assert anon.get(_url(app, again)).status_code == 200
    # a new file of the same congress under a reused id is not opened by the old link either
    agenda.delete_file(session, congress=other, file_id=again.id)
    session.commit()
    third = agenda.upload_file(session, congress=congress, title="Khác", filename="c.pdf", content=PDF + b"  ")
    third.uploaded_at = first.uploaded_at + dt.timedelta(seconds=5)
    session.commit()
    if third.id != fid:                  # PostgreSQL: reuse the id by hand, as above
        import sqlalchemy as sa
        from election_app.agenda.models import CongressFile
        session.execute(sa.update(CongressFile).where(CongressFile.id == third.id).values(id=fid))
        session.commit()
        third = session.get(CongressFile, fid)
    assert third.id == fid and anon.get(old_url).status_code == 404


def test_secure_cookie_and_hsts_over_https(app, other_app, monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS", "1")
    secure = other_app()
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    c = secure.test_client()
    resp = c.get("/login", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = resp.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie
    # plain http (loopback set-up): no HSTS header
    plain = app.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_tokens_redacted_whatever_the_encoding():
    from election_app.voting.tokens import redact
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    for line in (f"GET /v/{token} HTTP/1.1", f"GET /%76/{token} HTTP/1.1", f"GET /%2576/{token} HTTP/1.1",
                 f"GET /%73/{token}", f"GET /api/v1/vote/{token}/elections/1", f"GET /api/v1/%76ote/{token}",
                 f"GET //v/{token}", f"GET /v/{token[:10]}%41{token[10:]}", f"GET /display/{token}",
                 f"GET /%64isplay/{token}", f"POST /v/{token}?x=1", f"GET /%2Fv/{token}"):
        out = redact(line)
        assert token not in out and token[:20] not in out, (line, out)
    assert redact("GET /congresses/1/delegates HTTP/1.1") == "GET /congresses/1/delegates HTTP/1.1"


def test_receipt_pages_not_listable_across_congresses(app, client, login, session, congress, roll):
    from test_voting_support import open_election
    from election_app.elections import services as elections
    election, ids = open_election(session, congress, roll, seats=1, n_candidates=2)
    anon = app.test_client()
    bare = f"/congresses/{congress.id}/elections/{election.id}/receipts"
    assert anon.get(bare).status_code == 404
    assert anon.get(bare + "?k=" + "0" * 16).status_code == 404
    with app.test_request_context():
        from flask import url_for
        signed = url_for("voting.receipts", cid=congress.id, eid=election.id)
    assert "k=" in signed
    assert anon.get(signed).status_code == 200
    # the signature of one election does not open another's page
    other = _second_congress(session)
    forged = signed.replace(f"/congresses/{congress.id}/elections/{election.id}/",
                            f"/congresses/{other.id}/elections/{election.id + 1}/")
    assert anon.get(forged).status_code == 404
    # staff of the congress see it without the key
    login("secretary")
    assert client.get(bare).status_code == 200
