"""The election pages, driven through the test client as a board member would (forms,
CSRF on): create with a list, withdraw, open, strike off, keyboard entry, close, result,
further round; and the refusals shown as messages."""
from __future__ import annotations

import re

from election_app.delegates.services import check_in
from election_app.elections import services as el
from election_app.elections.models import Election, PaperBallotCorrection
from tests.conftest import csrf_from


def _post(client, url, data, page=None):
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data})


def _election(session, congress, roll, seats=2, n=4, teams=1):
    e, _ = el.create_election(session, congress=congress, title="Bầu BCH", body="executive_committee",
                              seats=seats, candidates=[{"delegate_id": d.id} for d in roll[:n]], entry_teams=teams)
    session.commit()
    return e


def test_every_page_renders_for_admin(client, login, session, congress, roll):
    login("admin")
    for d in roll:
        check_in(session, delegate=d)
    e = _election(session, congress, roll)
    base = f"/congresses/{congress.id}/elections"
    for url in (base, f"{base}/new", f"{base}/{e.id}", f"{base}/{e.id}/result", f"{base}/{e.id}/entry",
                f"{base}/{e.id}/issue", f"{base}/{e.id}/compare", f"{base}/{e.id}?q=Nguy",
                f"/congresses/{congress.id}/motions"):
        assert client.get(url).status_code == 200, url
    el.open_round(session, election=e)
    session.commit()
    for url in (f"{base}/{e.id}", f"{base}/{e.id}/result", f"{base}/{e.id}/entry", f"{base}/{e.id}/issue",
                f"{base}/{e.id}/compare", f"{base}/{e.id}/rounds/1/log", f"{base}/{e.id}/rounds/new"):
        assert client.get(url).status_code == 200, url
